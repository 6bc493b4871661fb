# METADATA
# title: Flow-log log groups keep logs long enough
# description: >-
#   The CloudWatch Logs group a flow log delivers to (log_destination, or
#   log_group_name in older providers) keeps logs at least flow_log_retention_days
#   (retention_in_days; 0 or absent is "never expire", which keeps them). A flow log
#   whose retention is shorter FAILS; it is UNKNOWN when the retention or the
#   destination is not known until apply, or the log group is not in the scan.
#   Flow logs delivered to S3 or Firehose pass. Findings are on the aws_flow_log.
# custom:
#   id: NET-006
#   severity: low
#   resource_types: [aws_flow_log]
#   remediation: |-
#     Keep flow logs at least 30 days (flow_log_retention_days) in their log group:
#
#       resource "aws_cloudwatch_log_group" "flow_logs" {
#         name              = "/aws/vpc/flow-logs"
#         retention_in_days = 30
#       }
package aws.vpc.flow_log_retention

import rego.v1

import data.lib.infracheck as lib

group_type := "aws_cloudwatch_log_group"

destination_attrs := ["log_destination", "log_group_name"]

min_days := lib.config("flow_log_retention_days")

# Flow logs delivering to CloudWatch Logs (the default destination type), or
# maybe so.
cloudwatch_flow_logs := [f |
	some f in lib.resources("aws_flow_log")
	t := infracheck.get(f.values, "log_destination_type", null)
	true in {infracheck.is_unknown_at(f.unknown, "log_destination_type"), is_string(t) == false, t in {"", "cloud-watch-logs"}}
]

# The log groups of each flow log, found once for every body below (which
# iterate this, keyed by the flow log's address).
groups_of := {f.address: [g |
	some attr in destination_attrs
	some g in infracheck.single_referenced(input, f, attr, {group_type})
] |
	some f in cloudwatch_flow_logs
}

days_text(1) := "1 day"

days_text(n) := sprintf("%v days", [n]) if n != 1

# The retention of group `g` in days; 0 means never expire.
retention(g) := d if {
	d := lib.number_value(infracheck.get(g.values, "retention_in_days", 0))
} else := 0 if {
	infracheck.get(g.values, "retention_in_days", null) == null
}

deny contains {"address": address, "message": sprintf("log group %s keeps flow logs %s, fewer than %d", [g.address, days_text(days), min])} if {
	min := min_days
	some address, groups in groups_of
	some g in groups
	not infracheck.is_unknown_at(g.unknown, "retention_in_days")
	days := retention(g)
	days > 0
	days < min
}

unknown contains {"address": address, "message": sprintf("the retention of log group %s is not known until apply", [g.address])} if {
	some address, groups in groups_of
	some g in groups
	infracheck.is_unknown_at(g.unknown, "retention_in_days")
}

# A destination is set (known, or unknown until apply) but is not a log group of
# the scan.
unknown contains {"address": address, "message": msg} if {
	some address, groups in groups_of
	count(groups) == 0
	msg := destination_problem(input.resources[address])
}

destination_problem(f) := sprintf("destination log group %s is not in the scan, so its retention cannot be checked", [d]) if {
	some attr in destination_attrs
	not infracheck.is_unknown_at(f.unknown, attr)
	d := infracheck.get(f.values, attr, null)
	is_string(d)
	d != ""
} else := "the destination log group is not known until apply" if {
	some attr in destination_attrs
	infracheck.is_unknown_at(f.unknown, attr)
	not infracheck.computed_default(input, f, attr)
}
