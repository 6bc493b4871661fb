# METADATA
# title: CloudWatch log groups have a retention period
# description: >-
#   Every aws_cloudwatch_log_group sets retention_in_days to a positive number of at
#   least log_retention_min_days (default 1). An absent, null or 0 retention means
#   the logs never expire and FAILS; a retention unknown until apply is UNKNOWN.
# custom:
#   id: MON-002
#   severity: low
#   resource_types: [aws_cloudwatch_log_group]
#   remediation: |-
#     Set a retention period on the log group:
#
#       resource "aws_cloudwatch_log_group" "this" {
#         name              = "/app/web"
#         retention_in_days = 30
#       }
package aws.cloudwatch.log_retention

import rego.v1

import data.lib.infracheck as lib

min_days := lib.config("log_retention_min_days")

# The log groups whose retention is known, with it: found once for the bodies
# below, which read it rather than call functions (a call costs regorus more than
# the tests). retention_in_days is a top-level scalar: plain lookups.
known := [{"g": g, "days": object.get(g.values, "retention_in_days", null)} |
	some g in lib.resources("aws_cloudwatch_log_group")
	not g.unknown.retention_in_days
]

deny contains {"address": k.g.address, "message": "log group never expires (retention_in_days is not set)"} if {
	some k in known
	not is_number(k.days)
}

deny contains {"address": k.g.address, "message": "log group never expires (retention_in_days is not set)"} if {
	some k in known
	is_number(k.days)
	k.days <= 0
}

deny contains {"address": k.g.address, "message": sprintf("log group retention_in_days is %v, below the minimum of %v days", [k.days, min])} if {
	min := min_days
	some k in known
	is_number(k.days)
	k.days > 0
	k.days < min
}

unknown contains {"address": g.address, "message": "log group retention is not known until apply"} if {
	some g in lib.resources("aws_cloudwatch_log_group")
	g.unknown.retention_in_days
}
