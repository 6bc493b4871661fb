package aws.ec2.sg_app_ingress_from_lb_test

import rego.v1

import data.aws.ec2.sg_app_ingress_from_lb as rule
import data.lib.infracheck as lib

ing(protocol, from, to, values) := object.union(
	{
		"description": "", "protocol": protocol, "from_port": from, "to_port": to,
		"cidr_blocks": [], "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": false,
	},
	values,
)

sg(address, ingress) := lib.mock_resource(address, {"name": "sg", "ingress": ingress, "egress": []})

# A resource of `address` that uses security group `sg_address` through `attr`.
user(address, attr, sg_address) := object.union(lib.mock_resource(address, {}), {"references": {attr: [sg_address]}})

from_alb := ing("tcp", 80, 80, {"security_groups": ["sg-alb"]})

sg_rule(address, sg_address, values) := object.union(
	lib.mock_resource(address, object.union({"type": "ingress", "cidr_blocks": [], "ipv6_cidr_blocks": [], "prefix_list_ids": []}, values)),
	{"references": {"security_group_id": [sg_address]}, "unknown": {"security_group_id": true, "source_security_group_id": true}},
)

vpc_rule(address, sg_address, values) := object.union(
	lib.mock_resource(address, values),
	{"references": {"security_group_id": [sg_address]}, "unknown": {"security_group_id": true}},
)

msg(where, ports, sources) := sprintf("%s of a security group attached to application instances admits %s from %s; admit only the load balancer's security group", [where, ports, sources])

test_app_group_from_alb_group_passes if {
	s := object.union(sg("aws_security_group.app", [from_alb]), {"unknown": {"ingress.0.security_groups": true}})
	inp := lib.mock_input([s, user("aws_launch_template.app", "vpc_security_group_ids", "aws_security_group.app")])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_app_group_with_cidr_fails if {
	inp := lib.mock_input([
		sg("aws_security_group.app", [from_alb, ing("tcp", 80, 80, {"cidr_blocks": ["10.0.0.0/16"]}), ing("tcp", 443, 443, {"prefix_list_ids": ["pl-123"]})]),
		user("aws_launch_template.app", "network_interfaces.0.security_groups", "aws_security_group.app"),
	])
	rule.deny == {
		{"address": "aws_security_group.app", "message": msg("ingress rule ingress.1", "tcp port 80", "10.0.0.0/16")},
		{"address": "aws_security_group.app", "message": msg("ingress rule ingress.2", "tcp port 443", "pl-123")},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_instance_group_with_ipv6_fails if {
	inp := lib.mock_input([
		sg("aws_security_group.app", [ing("-1", 0, 0, {"ipv6_cidr_blocks": ["::/0"]})]),
		user("aws_instance.app", "vpc_security_group_ids", "aws_security_group.app"),
	])
	rule.deny == {{"address": "aws_security_group.app", "message": msg("ingress rule ingress.0", "all ports", "::/0")}} with input as inp
}

test_groups_not_on_instances_and_lb_groups_pass if {
	inp := lib.mock_input([
		sg("aws_security_group.db", [ing("tcp", 5432, 5432, {"cidr_blocks": ["10.0.0.0/16"]})]),
		sg("aws_security_group.alb", [ing("tcp", 443, 443, {"cidr_blocks": ["0.0.0.0/0"]})]),
		user("aws_lb.web", "security_groups", "aws_security_group.alb"),
		# a group shared by the load balancer and the instances is the load balancer's
		user("aws_launch_template.app", "vpc_security_group_ids", "aws_security_group.alb"),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_split_rules_judged_by_their_group if {
	inp := lib.mock_input([
		sg("aws_security_group.app", []),
		sg("aws_security_group.db", []),
		user("aws_instance.app", "security_groups", "aws_security_group.app"),
		sg_rule("aws_security_group_rule.app_from_alb", "aws_security_group.app", {"protocol": "tcp", "from_port": 80, "to_port": 80}),
		sg_rule("aws_security_group_rule.app_from_vpc", "aws_security_group.app", {"protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_blocks": ["10.0.0.0/16"]}),
		sg_rule("aws_security_group_rule.app_egress", "aws_security_group.app", {"type": "egress", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}),
		vpc_rule("aws_vpc_security_group_ingress_rule.app_v6", "aws_security_group.app", {"ip_protocol": "tcp", "from_port": 8080, "to_port": 8080, "cidr_ipv6": "fd00::/8"}),
		vpc_rule("aws_vpc_security_group_ingress_rule.db_vpc", "aws_security_group.db", {"ip_protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_ipv4": "10.0.0.0/16"}),
	])
	rule.deny == {
		{"address": "aws_security_group_rule.app_from_vpc", "message": msg("ingress rule", "tcp port 80", "10.0.0.0/16")},
		{"address": "aws_vpc_security_group_ingress_rule.app_v6", "message": msg("ingress rule", "tcp port 8080", "fd00::/8")},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unknown_sources_are_unknown if {
	s := object.union(
		sg("aws_security_group.app", [object.remove(ing("tcp", 80, 80, {}), ["cidr_blocks"])]),
		{"unknown": {"ingress.0.cidr_blocks": true}},
	)
	r := object.union(
		vpc_rule("aws_vpc_security_group_ingress_rule.b", "aws_security_group.app", {"ip_protocol": "tcp", "from_port": 80, "to_port": 80}),
		{"unknown": {"security_group_id": true, "prefix_list_id": true}},
	)
	inp := lib.mock_input([s, r, user("aws_launch_template.app", "vpc_security_group_ids", "aws_security_group.app")])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {
		{"address": "aws_security_group.app", "message": "the sources of ingress rule ingress.0 of a security group attached to application instances are not known until apply"},
		{"address": "aws_vpc_security_group_ingress_rule.b", "message": "the sources of ingress rule of a security group attached to application instances are not known until apply"},
	} with input as inp
}

test_unresolved_attachment_is_unknown if {
	lt := lib.mock_resource("aws_launch_template.app", {})
	orphan_rule := object.union(
		lib.mock_resource("aws_security_group_rule.x", {"type": "ingress", "protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_blocks": ["10.0.0.0/16"]}),
		{"unknown": {"security_group_id": true}},
	)
	inp := object.union(
		lib.mock_input([
			sg("aws_security_group.db", [ing("tcp", 5432, 5432, {"cidr_blocks": ["10.0.0.0/16"]})]),
			sg("aws_security_group.other", [from_alb]),
			lt, orphan_rule,
		]),
		{"unresolved": {"aws_launch_template": ["aws_launch_template.app"], "aws_security_group_rule": ["aws_security_group_rule.x"]}},
	)
	count(rule.deny) == 0 with input as inp
	rule.unknown == {
		{"address": "aws_security_group.db", "message": "ingress rule ingress.0 has CIDR sources; whether its security group is attached to application instances is not known"},
		{"address": "aws_security_group_rule.x", "message": "ingress rule has CIDR sources; whether its security group is attached to application instances is not known"},
	} with input as inp
}

test_module_resources if {
	a := sg(`module.app.aws_security_group.this["web"]`, [ing("tcp", 80, 80, {"cidr_blocks": ["0.0.0.0/0"]})])
	lt := user(`module.app.aws_launch_template.this["web"]`, "vpc_security_group_ids", `module.app.aws_security_group.this["web"]`)
	b := sg(`module.app.aws_security_group.this["ok"]`, [from_alb])
	lt2 := user(`module.app.aws_launch_template.this["ok"]`, "vpc_security_group_ids", `module.app.aws_security_group.this["ok"]`)
	inp := lib.mock_input([a, lt, b, lt2])
	rule.deny == {{"address": `module.app.aws_security_group.this["web"]`, "message": msg("ingress rule ingress.0", "tcp port 80", "0.0.0.0/0")}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

# An attachment that could not be resolved may add a group to application
# instances, but never a load balancer's group.
test_lb_groups_pass_though_attachments_are_unresolved if {
	inp := object.union(
		lib.mock_input([
			sg("aws_security_group.alb", [ing("tcp", 443, 443, {"cidr_blocks": ["0.0.0.0/0"]})]),
			user("aws_lb.web", "security_groups", "aws_security_group.alb"),
			lib.mock_resource("aws_instance.app", {}),
		]),
		{"unresolved": {"aws_instance": ["aws_instance.app"]}},
	)
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}
