package aws.ec2.sg_open_ingress_test

import rego.v1

import data.aws.ec2.sg_open_ingress as rule
import data.lib.infracheck as lib

# Inline ingress block as in plan JSON (provider v3 style, still valid in v5).
ing(protocol, from, to, cidrs, cidrs6) := {
	"description": "", "protocol": protocol, "from_port": from, "to_port": to,
	"cidr_blocks": cidrs, "ipv6_cidr_blocks": cidrs6, "prefix_list_ids": [], "security_groups": [], "self": false,
}

sg(address, ingress) := lib.mock_resource(address, {"name": "sg", "ingress": ingress, "egress": []})

# A load balancer using security group `sg_address`.
alb(address, sg_address) := object.union(
	lib.mock_resource(address, {"load_balancer_type": "application", "internal": false}),
	{"references": {"security_groups": [sg_address]}, "unknown": {"security_groups": true}},
)

sg_rule(address, sg_address, values) := object.union(
	lib.mock_resource(address, object.union({"type": "ingress", "cidr_blocks": [], "ipv6_cidr_blocks": [], "prefix_list_ids": []}, values)),
	{"references": {"security_group_id": [sg_address]}, "unknown": {"security_group_id": true}},
)

vpc_rule(address, sg_address, values) := object.union(
	lib.mock_resource(address, values),
	{"references": {"security_group_id": [sg_address]}, "unknown": {"security_group_id": true}},
)

# The default settings (docs/configuration.md), so the tests do not depend on them.
cfg := {"lb_public_ports": [80, 443]}

msg_unknown_lb := "the rule is open to the internet; whether it is a load balancer's group on its public ports is not known until apply"

test_private_sources_pass if {
	inp := lib.mock_input([sg("aws_security_group.app", [ing("tcp", 80, 80, ["10.0.0.0/16"], [])])])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_inline_open_ssh_fails if {
	inp := lib.mock_input([sg("aws_security_group.app", [
		ing("tcp", 80, 80, ["10.0.0.0/16"], []),
		ing("tcp", 22, 22, ["0.0.0.0/0"], ["::/0"]),
	])])
	rule.deny == {{"address": "aws_security_group.app", "message": "ingress rule ingress.1 allows tcp port 22 from 0.0.0.0/0, ::/0"}} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_open_https_on_non_lb_group_fails if {
	inp := lib.mock_input([sg("aws_security_group.app", [ing("tcp", 443, 443, ["0.0.0.0/0"], [])])])
	rule.deny == {{"address": "aws_security_group.app", "message": "ingress rule ingress.0 allows tcp port 443 from 0.0.0.0/0"}} with input as inp with data.infracheck.config as cfg
}

test_lb_group_on_80_and_443_passes if {
	inp := lib.mock_input([
		sg("aws_security_group.alb", [ing("tcp", 80, 80, ["0.0.0.0/0"], ["::/0"]), ing("tcp", 443, 443, ["0.0.0.0/0"], ["::/0"])]),
		alb("aws_lb.web", "aws_security_group.alb"),
	])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_lb_group_on_other_ports_fails if {
	inp := lib.mock_input([
		sg("aws_security_group.alb", [
			ing("tcp", 443, 443, ["0.0.0.0/0"], []),
			ing("tcp", 80, 443, ["0.0.0.0/0"], []),
			ing("-1", 0, 0, ["0.0.0.0/0"], []),
			ing("icmp", -1, -1, ["0.0.0.0/0"], []),
		]),
		object.union(alb("aws_alb.web", "aws_security_group.alb"), {"type": "aws_alb"}),
	])
	rule.deny == {
		{"address": "aws_security_group.alb", "message": "ingress rule ingress.1 allows tcp ports 80-443 from 0.0.0.0/0"},
		{"address": "aws_security_group.alb", "message": "ingress rule ingress.2 allows all ports from 0.0.0.0/0"},
		{"address": "aws_security_group.alb", "message": "ingress rule ingress.3 allows icmp from 0.0.0.0/0"},
	} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_lb_public_ports_from_config if {
	inp := lib.mock_input([
		sg("aws_security_group.alb", [ing("tcp", 80, 80, ["0.0.0.0/0"], []), ing("tcp", 8443, 8443, ["0.0.0.0/0"], [])]),
		alb("aws_lb.web", "aws_security_group.alb"),
	])
	rule.deny == {{"address": "aws_security_group.alb", "message": "ingress rule ingress.0 allows tcp port 80 from 0.0.0.0/0"}} with input as inp with data.infracheck.config as cfg
		with data.infracheck.config as {"lb_public_ports": [443, 8443]}
}

test_split_security_group_rule if {
	inp := lib.mock_input([
		sg("aws_security_group.alb", []),
		sg("aws_security_group.app", []),
		alb("aws_lb.web", "aws_security_group.alb"),
		sg_rule("aws_security_group_rule.alb_https", "aws_security_group.alb", {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]}),
		sg_rule("aws_security_group_rule.app_ssh", "aws_security_group.app", {"protocol": "tcp", "from_port": 22, "to_port": 22, "ipv6_cidr_blocks": ["::/0"]}),
		sg_rule("aws_security_group_rule.app_egress", "aws_security_group.app", {"type": "egress", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}),
	])
	rule.deny == {{"address": "aws_security_group_rule.app_ssh", "message": "ingress rule allows tcp port 22 from ::/0"}} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_split_vpc_ingress_rule if {
	inp := lib.mock_input([
		sg("aws_security_group.alb", []),
		sg("aws_security_group.app", []),
		alb("aws_lb.web", "aws_security_group.alb"),
		vpc_rule("aws_vpc_security_group_ingress_rule.alb_http", "aws_security_group.alb", {"ip_protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_ipv4": "0.0.0.0/0"}),
		vpc_rule("aws_vpc_security_group_ingress_rule.alb_all", "aws_security_group.alb", {"ip_protocol": "-1", "cidr_ipv6": "::/0"}),
		vpc_rule("aws_vpc_security_group_ingress_rule.app_vpc", "aws_security_group.app", {"ip_protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_ipv4": "10.0.0.0/16"}),
	])
	rule.deny == {{"address": "aws_vpc_security_group_ingress_rule.alb_all", "message": "ingress rule allows all ports from ::/0"}} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_unknown_sources_are_unknown if {
	inline := object.union(
		sg("aws_security_group.a", [object.remove(ing("tcp", 22, 22, [], []), ["cidr_blocks"])]),
		{"unknown": {"ingress.0.cidr_blocks": true}},
	)
	dynamic := object.union(lib.mock_resource("aws_security_group.b", {"name": "b"}), {"unknown": {"ingress": true}})
	split := object.union(
		vpc_rule("aws_vpc_security_group_ingress_rule.c", "aws_security_group.a", {"ip_protocol": "tcp", "from_port": 22, "to_port": 22}),
		{"unknown": {"security_group_id": true, "cidr_ipv4": true}},
	)
	inp := lib.mock_input([inline, dynamic, split])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.unknown == {
		{"address": "aws_security_group.a", "message": "the sources of ingress rule ingress.0 are not known until apply"},
		{"address": "aws_security_group.b", "message": "the sources of ingress rule ingress are not known until apply"},
		{"address": "aws_vpc_security_group_ingress_rule.c", "message": "the sources of ingress rule are not known until apply"},
	} with input as inp with data.infracheck.config as cfg
}

test_unknown_sources_on_lb_public_port_pass if {
	r := object.union(
		vpc_rule("aws_vpc_security_group_ingress_rule.c", "aws_security_group.alb", {"ip_protocol": "tcp", "from_port": 443, "to_port": 443}),
		{"unknown": {"security_group_id": true, "cidr_ipv4": true}},
	)
	inp := lib.mock_input([sg("aws_security_group.alb", []), alb("aws_lb.web", "aws_security_group.alb"), r])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_lb_group_with_unknown_ports_is_unknown if {
	s := object.union(
		sg("aws_security_group.alb", [object.remove(ing("tcp", 0, 0, ["0.0.0.0/0"], []), ["from_port", "to_port"])]),
		{"unknown": {"ingress.0.from_port": true, "ingress.0.to_port": true}},
	)
	inp := lib.mock_input([s, alb("aws_lb.web", "aws_security_group.alb")])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.unknown == {{"address": "aws_security_group.alb", "message": msg_unknown_lb}} with input as inp with data.infracheck.config as cfg
}

test_unresolved_group_of_split_rule if {
	https := object.union(
		lib.mock_resource("aws_security_group_rule.https", {"type": "ingress", "protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]}),
		{"unknown": {"security_group_id": true}},
	)
	ssh := object.union(
		lib.mock_resource("aws_security_group_rule.ssh", {"type": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}),
		{"unknown": {"security_group_id": true}},
	)
	inp := object.union(
		lib.mock_input([https, ssh]),
		{"unresolved": {"aws_security_group_rule": ["aws_security_group_rule.https", "aws_security_group_rule.ssh"]}},
	)
	rule.deny == {{"address": "aws_security_group_rule.ssh", "message": "ingress rule allows tcp port 22 from 0.0.0.0/0"}} with input as inp with data.infracheck.config as cfg
	rule.unknown == {{"address": "aws_security_group_rule.https", "message": msg_unknown_lb}} with input as inp with data.infracheck.config as cfg
}

test_module_resources if {
	s := sg(`module.app.aws_security_group.this["web"]`, [ing("tcp", 3389, 3389, ["0.0.0.0/0"], [])])
	lb_sg := sg(`module.app.aws_security_group.this["alb"]`, [ing("tcp", 443, 443, ["0.0.0.0/0"], [])])
	lb := alb(`module.app.aws_lb.this[0]`, `module.app.aws_security_group.this["alb"]`)
	inp := lib.mock_input([s, lb_sg, lb])
	rule.deny == {{"address": `module.app.aws_security_group.this["web"]`, "message": "ingress rule ingress.0 allows tcp port 3389 from 0.0.0.0/0"}} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_null_attributes_are_absent if {
	# .tf sources leave unset attributes null
	inp := lib.mock_input([
		lib.mock_resource("aws_security_group.a", {"name": "a", "ingress": null}),
		sg("aws_security_group.b", [object.union(ing("tcp", 22, 22, null, null), {"prefix_list_ids": null})]),
		sg_rule("aws_security_group_rule.c", "aws_security_group.a", {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": null, "ipv6_cidr_blocks": null, "prefix_list_ids": null}),
		vpc_rule("aws_vpc_security_group_ingress_rule.d", "aws_security_group.a", {"ip_protocol": "tcp", "from_port": null, "to_port": null, "cidr_ipv4": null}),
	])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}
