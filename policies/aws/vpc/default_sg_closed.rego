# METADATA
# title: Default security groups have no rules
# description: >-
#   The default security group of every VPC (default VPCs included) has no ingress
#   and no egress rules: its aws_default_security_group has no inline ingress or
#   egress blocks, and no aws_security_group_rule,
#   aws_vpc_security_group_ingress_rule or aws_vpc_security_group_egress_rule adds
#   one (security_group_id referring to the aws_default_security_group, or to the
#   VPC's default_security_group_id). Inline blocks left out of the configuration
#   pass: Terraform removes every rule when it adopts the group. In a plan, a VPC
#   without an aws_default_security_group FAILS, since AWS's default group admits
#   all traffic from its members and allows all outbound traffic; in a live scan,
#   a missing default group is UNKNOWN (it could not be read). Findings are on the
#   VPC.
# custom:
#   id: NET-007
#   severity: medium
#   resource_types: [aws_vpc, aws_default_vpc]
#   frameworks:
#     aws-fsbp: [EC2.2]
#     cis-aws-3.0: ["5.4"]
#   remediation: |-
#     Manage each VPC's default security group with no rules, and attach your own
#     security groups instead:
#
#       resource "aws_default_security_group" "default" {
#         vpc_id = aws_vpc.this.id
#         # no ingress or egress blocks: all rules are removed
#       }
package aws.vpc.default_sg_closed

import rego.v1

import data.lib.infracheck as lib

vpc_types := ["aws_vpc", "aws_default_vpc"]

dsg_type := "aws_default_security_group"

rule_types := ["aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"]

vpcs := [v | some t in vpc_types; some v in lib.resources(t)]

# Each VPC's aws_default_security_group(s), and the separate rule resources
# added to them, found once for every body below, with the tests written out (a
# function call costs regorus more than they do). A default group without vpc_id
# manages the default VPC's group in its region.
groups_of := {v.address: array.concat(
	[g | some g in infracheck.referrers(input, v, dsg_type); infracheck.points_at(input, g, "vpc_id", v)],
	[g |
		true in {v.type == "aws_default_vpc", object.get(v.values, "default", false) == true}
		some g in lib.resources(dsg_type)
		g.region == v.region
		not infracheck.is_unknown_at(g.unknown, "vpc_id")
		infracheck.get(g.values, "vpc_id", null) in {null, ""}
	],
) |
	some v in vpcs
}

added_rules := {address: array.concat(
	[r |
		some g in groups
		some t in rule_types
		some r in infracheck.referrers(input, g, t)
		g.address in infracheck.references_under(r, "security_group_id")
	],
	[r |
		# security_group_id = aws_vpc.this.default_security_group_id
		some t in rule_types
		some r in infracheck.referrers(input, v, t)
		v.address in infracheck.references_under(r, "security_group_id")
	],
) |
	some address, groups in groups_of
	v := input.resources[address]
}

# Default groups whose VPC reference could not be resolved.
orphans := [g |
	some address in object.get(input.unresolved, dsg_type, [])
	g := input.resources[address]
	count(infracheck.references_under(g, "vpc_id")) == 0
	infracheck.is_unknown_at(g.unknown, "vpc_id")
]

# Inline rules.
deny contains {"address": address, "message": sprintf("default security group %s has %d %s rule(s)", [g.address, n, kind])} if {
	some address, groups in groups_of
	some g in groups
	some kind in ["ingress", "egress"]
	n := count(infracheck.get_list(g.values, kind))
	n > 0
}

unknown contains {"address": address, "message": sprintf("the %s rules of default security group %s are not known until apply", [kind, g.address])} if {
	some address, groups in groups_of
	some g in groups
	some kind in ["ingress", "egress"]
	infracheck.is_unknown_at(g.unknown, kind)
	not infracheck.computed_default(input, g, kind)
}

# Separate rule resources on the default group.
deny contains {"address": address, "message": sprintf("%s adds a rule to the default security group", [r.address])} if {
	some address, rules in added_rules
	some r in rules
}

# No managed default group.
deny contains {"address": address, "message": "the default security group keeps AWS's default rules: manage it with an aws_default_security_group without rules"} if {
	input.scan.source != "live"
	count(orphans) == 0
	some address, groups in groups_of
	count(groups) == 0
}

unknown contains {"address": address, "message": "the default security group could not be read"} if {
	input.scan.source == "live"
	some address, groups in groups_of
	count(groups) == 0
}

unknown contains {"address": address, "message": sprintf("the VPC has no aws_default_security_group, unless %s, which could not be joined to its VPC, is its", [g.address])} if {
	input.scan.source != "live"
	some address, groups in groups_of
	count(groups) == 0
	some g in orphans
}
