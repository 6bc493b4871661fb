package aws.vpc.default_sg_closed_test

import rego.v1

import data.aws.vpc.default_sg_closed as rule
import data.lib.infracheck as lib

vpc(address) := lib.mock_resource(address, {"cidr_block": "10.0.0.0/16"})

dsg(address, vpc_address, values) := object.union(
	lib.mock_resource(address, values),
	{"references": {"vpc_id": [vpc_address]}, "unknown": {"vpc_id": true}},
)

closed := {"ingress": [], "egress": []}

all_traffic := {"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"], "self": false}

test_closed_default_group_passes if {
	inp := lib.mock_input([vpc("aws_vpc.main"), dsg("aws_default_security_group.main", "aws_vpc.main", closed)])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_rules_left_out_pass if {
	# Left out of the configuration, the rules are unknown in the plan: Terraform
	# removes them all on adoption.
	g := object.union(dsg("aws_default_security_group.main", "aws_vpc.main", {}), {"unknown": {"vpc_id": true, "ingress": true, "egress": true}})
	inp := lib.mock_input([vpc("aws_vpc.main"), g])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_inline_rules_fail if {
	g := dsg("aws_default_security_group.main", "aws_vpc.main", {"ingress": [object.union(all_traffic, {"self": true, "cidr_blocks": []})], "egress": [all_traffic]})
	inp := lib.mock_input([vpc("aws_vpc.main"), g])
	rule.deny == {
		lib.result({"address": "aws_vpc.main"}, "default security group aws_default_security_group.main has 1 ingress rule(s)"),
		lib.result({"address": "aws_vpc.main"}, "default security group aws_default_security_group.main has 1 egress rule(s)"),
	} with input as inp
}

test_separate_rule_resources_fail if {
	on_group := object.union(lib.mock_resource("aws_vpc_security_group_egress_rule.out", {"ip_protocol": "-1", "cidr_ipv4": "0.0.0.0/0"}), {
		"references": {"security_group_id": ["aws_default_security_group.main"]},
		"unknown": {"security_group_id": true},
	})
	on_vpc := object.union(lib.mock_resource("aws_security_group_rule.in", {"type": "ingress", "protocol": "tcp", "from_port": 443, "to_port": 443}), {
		"references": {"security_group_id": ["aws_vpc.main"]},
		"unknown": {"security_group_id": true},
	})
	inp := lib.mock_input([vpc("aws_vpc.main"), dsg("aws_default_security_group.main", "aws_vpc.main", closed), on_group, on_vpc])
	rule.deny == {
		lib.result({"address": "aws_vpc.main"}, "aws_vpc_security_group_egress_rule.out adds a rule to the default security group"),
		lib.result({"address": "aws_vpc.main"}, "aws_security_group_rule.in adds a rule to the default security group"),
	} with input as inp
}

test_unmanaged_default_group_fails_in_plans if {
	inp := lib.mock_input([vpc("aws_vpc.main")])
	rule.deny == {lib.result({"address": "aws_vpc.main"}, "the default security group keeps AWS's default rules: manage it with an aws_default_security_group without rules")} with input as inp
}

test_missing_default_group_is_unknown_live if {
	inp := object.union(lib.mock_input([vpc("aws_vpc.main")]), {"scan": {"source": "live"}})
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.result({"address": "aws_vpc.main"}, "the default security group could not be read")} with input as inp
}

test_default_vpc_group_without_vpc_id if {
	d := lib.mock_resource("aws_default_vpc.default", {"cidr_block": "172.31.0.0/16"})
	g := lib.mock_resource("aws_default_security_group.default", {"vpc_id": null, "ingress": [all_traffic], "egress": []})
	inp := lib.mock_input([d, g, vpc("aws_vpc.other")])
	rule.deny == {
		lib.result(d, "default security group aws_default_security_group.default has 1 ingress rule(s)"),
		lib.result({"address": "aws_vpc.other"}, "the default security group keeps AWS's default rules: manage it with an aws_default_security_group without rules"),
	} with input as inp
}

test_unknown_rules_are_unknown if {
	# A dynamic block over values unknown until apply.
	g := object.union(dsg("aws_default_security_group.main", "aws_vpc.main", {"egress": []}), {
		"references": {"vpc_id": ["aws_vpc.main"], "ingress.0.security_groups": ["aws_security_group.lb"]},
		"unknown": {"vpc_id": true, "ingress": true},
	})
	inp := lib.mock_input([vpc("aws_vpc.main"), g])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.result({"address": "aws_vpc.main"}, "the ingress rules of default security group aws_default_security_group.main are not known until apply")} with input as inp
}

test_unresolved_default_group_is_unknown if {
	g := object.union(lib.mock_resource("aws_default_security_group.x", closed), {"unknown": {"vpc_id": true}})
	inp := object.union(lib.mock_input([vpc("aws_vpc.main"), g]), {"unresolved": {"aws_default_security_group": ["aws_default_security_group.x"]}})
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.result({"address": "aws_vpc.main"}, "the VPC has no aws_default_security_group, unless aws_default_security_group.x, which could not be joined to its VPC, is its")} with input as inp
}

test_module_vpcs if {
	inp := lib.mock_input([
		vpc("module.primary.aws_vpc.this"),
		dsg("module.primary.aws_default_security_group.this", "module.primary.aws_vpc.this", closed),
		vpc("module.secondary.aws_vpc.this"),
		dsg("module.secondary.aws_default_security_group.this", "module.secondary.aws_vpc.this", {"ingress": [], "egress": [all_traffic]}),
	])
	rule.deny == {lib.result({"address": "module.secondary.aws_vpc.this"}, "default security group module.secondary.aws_default_security_group.this has 1 egress rule(s)")} with input as inp
	count(rule.unknown) == 0 with input as inp
}

# A live default VPC is an aws_vpc marked default: its group has no vpc_id either.
test_vpc_marked_default_group_without_vpc_id if {
	d := lib.mock_resource("aws_vpc.live", {"cidr_block": "172.31.0.0/16", "default": true})
	g := lib.mock_resource("aws_default_security_group.default", {"vpc_id": null, "ingress": [], "egress": [all_traffic]})
	inp := lib.mock_input([d, g])
	rule.deny == {lib.result(d, "default security group aws_default_security_group.default has 1 egress rule(s)")} with input as inp
}
