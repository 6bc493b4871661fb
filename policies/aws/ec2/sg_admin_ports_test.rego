package aws.ec2.sg_admin_ports_test

import rego.v1

import data.aws.ec2.sg_admin_ports as rule
import data.lib.infracheck as lib

ing(protocol, from, to, cidrs, cidrs6) := {
	"description": "", "protocol": protocol, "from_port": from, "to_port": to,
	"cidr_blocks": cidrs, "ipv6_cidr_blocks": cidrs6, "prefix_list_ids": [], "security_groups": [], "self": false,
}

sg(address, ingress) := lib.mock_resource(address, {"name": "sg", "ingress": ingress, "egress": []})

sg_rule(address, sg_address, values) := object.union(
	lib.mock_resource(address, object.union({"type": "ingress", "cidr_blocks": [], "ipv6_cidr_blocks": [], "prefix_list_ids": []}, values)),
	{"references": {"security_group_id": [sg_address]}, "unknown": {"security_group_id": true}},
)

vpc_rule(address, sg_address, values) := object.union(
	lib.mock_resource(address, values),
	{"references": {"security_group_id": [sg_address]}, "unknown": {"security_group_id": true}},
)

test_web_ports_and_private_ssh_pass if {
	inp := lib.mock_input([sg("aws_security_group.a", [
		ing("tcp", 443, 443, ["0.0.0.0/0"], ["::/0"]),
		ing("tcp", 22, 22, ["10.0.0.0/8"], []),
		ing("icmp", -1, -1, ["0.0.0.0/0"], []),
		ing("tcp", 23, 3388, ["0.0.0.0/0"], []),
	])])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_inline_ssh_and_rdp_fail if {
	inp := lib.mock_input([sg("aws_security_group.a", [
		ing("tcp", 22, 22, ["0.0.0.0/0"], []),
		ing("tcp", 3389, 3389, [], ["::/0"]),
		ing("tcp", 0, 65535, ["0.0.0.0/0"], []),
		ing("-1", 0, 0, ["0.0.0.0/0"], []),
		ing("udp", 20, 30, ["0.0.0.0/0"], []),
	])])
	rule.deny == {
		{"address": "aws_security_group.a", "message": "ingress rule ingress.0 allows tcp port 22 from 0.0.0.0/0 (port 22)"},
		{"address": "aws_security_group.a", "message": "ingress rule ingress.1 allows tcp port 3389 from ::/0 (port 3389)"},
		{"address": "aws_security_group.a", "message": "ingress rule ingress.2 allows tcp ports 0-65535 from 0.0.0.0/0 (port 22 and 3389)"},
		{"address": "aws_security_group.a", "message": "ingress rule ingress.3 allows all ports from 0.0.0.0/0 (port 22 and 3389)"},
		{"address": "aws_security_group.a", "message": "ingress rule ingress.4 allows udp ports 20-30 from 0.0.0.0/0 (port 22)"},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_split_forms if {
	inp := lib.mock_input([
		sg("aws_security_group.app", []),
		sg_rule("aws_security_group_rule.ssh", "aws_security_group.app", {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}),
		sg_rule("aws_security_group_rule.egress", "aws_security_group.app", {"type": "egress", "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}),
		vpc_rule("aws_vpc_security_group_ingress_rule.rdp", "aws_security_group.app", {"ip_protocol": "tcp", "from_port": 3389, "to_port": 3389, "cidr_ipv6": "::/0"}),
		vpc_rule("aws_vpc_security_group_ingress_rule.all", "aws_security_group.app", {"ip_protocol": "all", "cidr_ipv4": "0.0.0.0/0"}),
		vpc_rule("aws_vpc_security_group_ingress_rule.https", "aws_security_group.app", {"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "0.0.0.0/0"}),
	])
	rule.deny == {
		{"address": "aws_security_group_rule.ssh", "message": "ingress rule allows tcp port 22 from 0.0.0.0/0 (port 22)"},
		{"address": "aws_vpc_security_group_ingress_rule.rdp", "message": "ingress rule allows tcp port 3389 from ::/0 (port 3389)"},
		{"address": "aws_vpc_security_group_ingress_rule.all", "message": "ingress rule allows all ports from 0.0.0.0/0 (port 22 and 3389)"},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_lb_group_gets_no_exception if {
	lb := object.union(lib.mock_resource("aws_lb.web", {}), {"references": {"security_groups": ["aws_security_group.alb"]}})
	inp := lib.mock_input([sg("aws_security_group.alb", [ing("tcp", 22, 22, ["0.0.0.0/0"], [])]), lb])
	rule.deny == {{"address": "aws_security_group.alb", "message": "ingress rule ingress.0 allows tcp port 22 from 0.0.0.0/0 (port 22)"}} with input as inp
}

test_unknown_ports_are_unknown if {
	s := object.union(
		sg("aws_security_group.a", [object.remove(ing("tcp", 0, 0, ["0.0.0.0/0"], []), ["from_port", "to_port"])]),
		{"unknown": {"ingress.0.from_port": true, "ingress.0.to_port": true}},
	)
	r := object.union(
		vpc_rule("aws_vpc_security_group_ingress_rule.b", "aws_security_group.a", {"from_port": 22, "to_port": 22, "cidr_ipv4": "0.0.0.0/0"}),
		{"unknown": {"security_group_id": true, "ip_protocol": true}},
	)
	inp := lib.mock_input([s, r])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {
		{"address": "aws_security_group.a", "message": "ingress rule ingress.0 is open to 0.0.0.0/0; its ports are not known until apply"},
		{"address": "aws_vpc_security_group_ingress_rule.b", "message": "ingress rule is open to 0.0.0.0/0; its ports are not known until apply"},
	} with input as inp
}

test_unknown_sources_are_unknown if {
	s := object.union(
		sg("aws_security_group.a", [
			object.remove(ing("tcp", 22, 22, [], []), ["cidr_blocks"]),
			object.remove(ing("tcp", 443, 443, [], []), ["cidr_blocks"]),
		]),
		{"unknown": {"ingress.0.cidr_blocks": true, "ingress.1.cidr_blocks": true}},
	)
	dynamic := object.union(lib.mock_resource("aws_security_group.b", {"name": "b"}), {"unknown": {"ingress": true}})
	inp := lib.mock_input([s, dynamic])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {
		{"address": "aws_security_group.a", "message": "the sources of ingress rule ingress.0 (tcp port 22) are not known until apply"},
		{"address": "aws_security_group.b", "message": "the sources of ingress rule ingress (unknown ports) are not known until apply"},
	} with input as inp
}

test_module_resources if {
	a := sg(`module.app.aws_security_group.this["a"]`, [ing("tcp", 22, 22, ["10.0.0.0/16"], [])])
	b := vpc_rule(`module.app.aws_vpc_security_group_ingress_rule.ssh["b"]`, `module.app.aws_security_group.this["a"]`, {"ip_protocol": "6", "from_port": 22, "to_port": 22, "cidr_ipv4": "0.0.0.0/0"})
	inp := lib.mock_input([a, b])
	rule.deny == {{"address": `module.app.aws_vpc_security_group_ingress_rule.ssh["b"]`, "message": "ingress rule allows tcp port 22 from 0.0.0.0/0 (port 22)"}} with input as inp
	count(rule.unknown) == 0 with input as inp
}
