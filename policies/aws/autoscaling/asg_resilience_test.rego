package aws.autoscaling.asg_resilience_test

import rego.v1

import data.aws.autoscaling.asg_resilience as rule
import data.lib.infracheck as lib

refs(r, references) := object.union(r, {"references": references, "unknown": object.union(r.unknown, {p: true | some p, _ in references})})

with_unknown(r, paths) := object.union(r, {"unknown": object.union(r.unknown, {p: true | some p in paths})})

subnet(address, az) := lib.mock_resource(address, {"cidr_block": "10.0.0.0/24", "availability_zone": az})

subnets := [subnet("aws_subnet.a", "us-east-1a"), subnet("aws_subnet.b", "us-east-1b"), subnet("aws_subnet.c", "us-east-1a")]

# A new group as v5 plans it: the subnet and target group sets hold unknown ids.
asg(address, subnet_addresses, values) := with_unknown(
	refs(
		lib.mock_resource(address, object.union({"min_size": 2, "max_size": 6, "health_check_type": "ELB"}, values)),
		{"vpc_zone_identifier": subnet_addresses, "target_group_arns": ["aws_lb_target_group.app"]},
	),
	["availability_zones", "load_balancers", "traffic_source"],
)

test_resilient_group_passes if {
	inp := lib.mock_input(array.concat(subnets, [asg("aws_autoscaling_group.app", ["aws_subnet.a", "aws_subnet.b"], {})]))
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_one_zone_fails if {
	inp := lib.mock_input(array.concat(subnets, [asg("aws_autoscaling_group.app", ["aws_subnet.a", "aws_subnet.c"], {})]))
	rule.deny == {lib.result({"address": "aws_autoscaling_group.app"}, "spans 1 availability zone(s) (us-east-1a), fewer than 2")} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_availability_zones_attribute if {
	ok := lib.mock_resource("aws_autoscaling_group.ok", {"availability_zones": ["us-east-1a", "us-east-1b"], "target_group_arns": ["arn:tg"], "health_check_type": "ELB", "vpc_zone_identifier": []})
	bad := lib.mock_resource("aws_autoscaling_group.bad", {"availability_zones": ["us-east-1a"], "target_group_arns": ["arn:tg"], "health_check_type": "ELB", "vpc_zone_identifier": []})
	inp := lib.mock_input([ok, bad])
	rule.deny == {lib.result(bad, "spans 1 availability zone(s) (us-east-1a), fewer than 2")} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_no_target_group_fails if {
	g := with_unknown(
		refs(lib.mock_resource("aws_autoscaling_group.app", {"health_check_type": "ELB"}), {"vpc_zone_identifier": ["aws_subnet.a", "aws_subnet.b"]}),
		["target_group_arns", "load_balancers", "traffic_source"],
	)
	inp := lib.mock_input(array.concat(subnets, [g]))
	rule.deny == {lib.result(g, "is not attached to a load balancer target group")} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_separate_attachment_passes if {
	g := with_unknown(
		refs(lib.mock_resource("aws_autoscaling_group.app", {"health_check_type": "ELB"}), {"vpc_zone_identifier": ["aws_subnet.a", "aws_subnet.b"]}),
		["target_group_arns", "load_balancers", "traffic_source"],
	)
	a := refs(lib.mock_resource("aws_autoscaling_attachment.app", {}), {"autoscaling_group_name": ["aws_autoscaling_group.app"], "lb_target_group_arn": ["aws_lb_target_group.app"]})
	inp := lib.mock_input(array.concat(subnets, [g, a]))
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

without_health_check(g) := object.union(object.remove(g, ["values"]), {"values": object.remove(g.values, ["health_check_type"])})

test_ec2_health_checks_fail if {
	inp := lib.mock_input(array.concat(subnets, [
		asg("aws_autoscaling_group.ec2", ["aws_subnet.a", "aws_subnet.b"], {"health_check_type": "EC2"}),
		with_unknown(without_health_check(asg("aws_autoscaling_group.unset", ["aws_subnet.a", "aws_subnet.b"], {})), ["health_check_type"]),
	]))
	rule.deny == {
		lib.result({"address": "aws_autoscaling_group.ec2"}, `health_check_type is "EC2", not ELB`),
		lib.result({"address": "aws_autoscaling_group.unset"}, "health_check_type is not set (EC2), not ELB"),
	} with input as inp
}

test_unknown_zone_is_unknown if {
	s := with_unknown(subnet("aws_subnet.x", null), ["availability_zone", "availability_zone_id"])
	inp := lib.mock_input(array.concat(subnets, [s, asg("aws_autoscaling_group.app", ["aws_subnet.a", "aws_subnet.x"], {})]))
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.result({"address": "aws_autoscaling_group.app"}, "its availability zones are not known until apply")} with input as inp
}

test_unresolved_subnets_are_unknown if {
	g := with_unknown(lib.mock_resource("aws_autoscaling_group.app", {"health_check_type": "ELB", "target_group_arns": ["arn:tg"]}), ["vpc_zone_identifier"])
	inp := object.union(lib.mock_input([g]), {"unresolved": {"aws_autoscaling_group": ["aws_autoscaling_group.app"]}})
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.result(g, "its availability zones are not known until apply")} with input as inp
}

test_unknown_health_check_type_is_unknown if {
	g := refs(asg("aws_autoscaling_group.app", ["aws_subnet.a", "aws_subnet.b"], {"health_check_type": null}), {
		"vpc_zone_identifier": ["aws_subnet.a", "aws_subnet.b"],
		"target_group_arns": ["aws_lb_target_group.app"],
		"health_check_type": ["aws_ssm_parameter.hc"],
	})
	inp := lib.mock_input(array.concat(subnets, [g]))
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.result(g, "health_check_type is not known until apply")} with input as inp
}

test_live_subnet_ids_outside_the_scan if {
	g := lib.mock_resource("aws_autoscaling_group.123456789012/us-east-1/app", {"vpc_zone_identifier": ["subnet-1"], "target_group_arns": ["arn:tg"], "health_check_type": "ELB"})
	g2 := lib.mock_resource("aws_autoscaling_group.123456789012/us-east-1/app2", {"vpc_zone_identifier": ["subnet-1", "subnet-2"], "target_group_arns": ["arn:tg"], "health_check_type": "ELB"})
	inp := lib.mock_input([g, g2])
	rule.deny == {lib.result(g, "spans 0 availability zone(s), fewer than 2")} with input as inp
	rule.unknown == {lib.result(g2, "its availability zones are not known until apply")} with input as inp
}

test_module_groups if {
	inp := lib.mock_input(array.concat(subnets, [
		asg("module.primary.aws_autoscaling_group.app", ["aws_subnet.a", "aws_subnet.b"], {}),
		asg("module.secondary.aws_autoscaling_group.app", ["aws_subnet.a"], {}),
	]))
	rule.deny == {lib.result({"address": "module.secondary.aws_autoscaling_group.app"}, "spans 1 availability zone(s) (us-east-1a), fewer than 2")} with input as inp
}
