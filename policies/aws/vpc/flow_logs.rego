# METADATA
# title: Every VPC has a flow log capturing rejected traffic
# description: >-
#   Every VPC (default VPCs included) has an aws_flow_log whose vpc_id refers to it
#   with traffic_type REJECT or ALL. A VPC whose only flow logs capture ACCEPT
#   traffic, or that has none, FAILS; it is UNKNOWN when a flow log's traffic_type
#   is not known until apply, or when a flow log could not be joined to its VPC.
# custom:
#   id: NET-005
#   severity: medium
#   resource_types: [aws_vpc, aws_default_vpc]
#   frameworks:
#     aws-fsbp: [EC2.6]
#     cis-aws-3.0: ["3.7"]
#   remediation: |-
#     Add a flow log for the VPC that captures at least rejected traffic, delivered
#     to CloudWatch Logs (or S3):
#
#       resource "aws_flow_log" "this" {
#         vpc_id          = aws_vpc.this.id
#         traffic_type    = "REJECT" # or "ALL"
#         log_destination = aws_cloudwatch_log_group.flow_logs.arn
#         iam_role_arn    = aws_iam_role.flow_logs.arn
#       }
package aws.vpc.flow_logs

import rego.v1

import data.lib.infracheck as lib

vpc_types := ["aws_vpc", "aws_default_vpc"]

flow_log_type := "aws_flow_log"

captured := {"REJECT", "ALL"}

vpcs := [v | some t in vpc_types; some v in lib.resources(t)]

vpc_flow_logs(v) := [f |
	some f in infracheck.referrers(input, v, flow_log_type)
	infracheck.points_at(input, f, "vpc_id", v)
]

captures(f) if {
	not infracheck.is_unknown_at(f.unknown, "traffic_type")
	infracheck.get(f.values, "traffic_type", "") in captured
}

# Flow logs whose VPC reference could not be resolved.
# The flow logs of each VPC, found once for every body below.
logs_of := {v.address: vpc_flow_logs(v) | some v in vpcs}

orphans := [f |
	some address in object.get(input.unresolved, flow_log_type, [])
	f := input.resources[address]
	count(infracheck.references_under(f, "vpc_id")) == 0
	infracheck.is_unknown_at(f.unknown, "vpc_id")
]

covered(v) if {
	some f in logs_of[v.address]
	captures(f)
}

undecided(v) if {
	some f in logs_of[v.address]
	infracheck.is_unknown_at(f.unknown, "traffic_type")
}

undecided(_) if count(orphans) > 0

message(v) := "the VPC has no flow log" if {
	count(logs_of[v.address]) == 0
} else := sprintf("flow log %s captures %s traffic only, not REJECT or ALL", [concat(", ", [f.address | some f in logs_of[v.address]]), concat(", ", {t | some f in logs_of[v.address]; t := infracheck.get(f.values, "traffic_type", "")})])

deny contains {"address": v.address, "message": message(v)} if {
	some v in vpcs
	not covered(v)
	not undecided(v)
}

unknown contains {"address": v.address, "message": sprintf("the traffic type of flow log %s is not known until apply", [f.address])} if {
	some v in vpcs
	not covered(v)
	some f in logs_of[v.address]
	infracheck.is_unknown_at(f.unknown, "traffic_type")
}

unknown contains {"address": v.address, "message": sprintf("flow log %s could not be joined to its VPC", [f.address])} if {
	some v in vpcs
	not covered(v)
	some f in orphans
}
