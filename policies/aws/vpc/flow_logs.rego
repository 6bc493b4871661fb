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

# Each VPC's flow logs, whether one captures rejected traffic, and those whose
# traffic type is not known until apply; found once for every body below, with
# the tests written out (a function call costs regorus more than they do).
info := {v.address: {"logs": logs, "covered": covered, "traffic_unknown": traffic_unknown} |
	capturing := captured
	some v in vpcs
	logs := [f |
		some f in infracheck.referrers(input, v, flow_log_type)
		infracheck.points_at(input, f, "vpc_id", v)
	]
	traffic_unknown := [f | some f in logs; infracheck.is_unknown_at(f.unknown, "traffic_type")]
	covered := count([f |
		some f in logs
		not infracheck.is_unknown_at(f.unknown, "traffic_type")
		infracheck.get(f.values, "traffic_type", "") in capturing
	]) > 0
}

# Flow logs whose VPC reference could not be resolved.
orphans := [f |
	some address in object.get(input.unresolved, flow_log_type, [])
	f := input.resources[address]
	count(infracheck.references_under(f, "vpc_id")) == 0
	infracheck.is_unknown_at(f.unknown, "vpc_id")
]

message(logs) := "the VPC has no flow log" if {
	count(logs) == 0
} else := sprintf("flow log %s captures %s traffic only, not REJECT or ALL", [concat(", ", [f.address | some f in logs]), concat(", ", {t | some f in logs; t := infracheck.get(f.values, "traffic_type", "")})])

deny contains {"address": address, "message": message(i.logs)} if {
	count(orphans) == 0
	some address, i in info
	not i.covered
	count(i.traffic_unknown) == 0
}

unknown contains {"address": address, "message": sprintf("the traffic type of flow log %s is not known until apply", [f.address])} if {
	some address, i in info
	not i.covered
	some f in i.traffic_unknown
}

unknown contains {"address": address, "message": sprintf("flow log %s could not be joined to its VPC", [f.address])} if {
	count(orphans) > 0
	some address, i in info
	not i.covered
	some f in orphans
}
