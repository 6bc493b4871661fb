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

# retention_in_days is a top-level scalar: plain lookups (this runs on every log group).
retention(g) := object.get(g.values, "retention_in_days", null)

retention_unknown(g) if g.unknown.retention_in_days

never_expires(g) if not is_number(retention(g))

never_expires(g) if retention(g) <= 0

deny contains {"address": g.address, "message": "log group never expires (retention_in_days is not set)"} if {
	some g in lib.resources("aws_cloudwatch_log_group")
	not retention_unknown(g)
	never_expires(g)
}

deny contains {"address": g.address, "message": sprintf("log group retention_in_days is %v, below the minimum of %v days", [retention(g), min_days])} if {
	some g in lib.resources("aws_cloudwatch_log_group")
	not retention_unknown(g)
	not never_expires(g)
	retention(g) < min_days
}

unknown contains {"address": g.address, "message": "log group retention is not known until apply"} if {
	some g in lib.resources("aws_cloudwatch_log_group")
	retention_unknown(g)
}
