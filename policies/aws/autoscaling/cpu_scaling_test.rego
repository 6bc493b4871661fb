package aws.autoscaling.cpu_scaling_test

import rego.v1

import data.aws.autoscaling.cpu_scaling as rule
import data.lib.infracheck as lib

cfg := {"cpu_scale_out": 80, "cpu_scale_in": 20}

refs(r, references) := object.union(r, {"references": references, "unknown": object.union(r.unknown, {p: true | some p, _ in references})})

group(address) := lib.mock_resource(address, {"name": address, "min_size": 2, "max_size": 6})

policy(address, g, values) := refs(lib.mock_resource(address, object.union({"name": address}, values)), {"autoscaling_group_name": [g]})

simple(address, g, adjustment) := policy(address, g, {"policy_type": "SimpleScaling", "adjustment_type": "ChangeInCapacity", "scaling_adjustment": adjustment})

tracking(address, g, target) := policy(address, g, {
	"policy_type": "TargetTrackingScaling",
	"target_tracking_configuration": [{"predefined_metric_specification": [{"predefined_metric_type": "ASGAverageCPUUtilization"}], "target_value": target}],
})

alarm(address, g, p, op, threshold) := refs(
	lib.mock_resource(address, {
		"metric_name": "CPUUtilization", "namespace": "AWS/EC2", "statistic": "Average",
		"comparison_operator": op, "threshold": threshold, "dimensions": {"AutoScalingGroupName": g},
	}),
	{"dimensions": [g], "alarm_actions": [p]},
)

alarm_pair(g) := [
	simple("aws_autoscaling_policy.out", g, 1),
	simple("aws_autoscaling_policy.in", g, -1),
	alarm("aws_cloudwatch_metric_alarm.high", g, "aws_autoscaling_policy.out", "GreaterThanOrEqualToThreshold", 80),
	alarm("aws_cloudwatch_metric_alarm.low", g, "aws_autoscaling_policy.in", "LessThanOrEqualToThreshold", 20),
]

both_missing := "no CPU scale-out trigger at 80%; no CPU scale-in trigger at 20%"

test_alarm_pair_passes if {
	inp := lib.mock_input(array.concat([group("aws_autoscaling_group.app")], alarm_pair("aws_autoscaling_group.app")))
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_float_settings if {
	inp := lib.mock_input(array.concat([group("aws_autoscaling_group.app")], alarm_pair("aws_autoscaling_group.app")))
	count(rule.deny) == 0 with input as inp with data.infracheck.config as {"cpu_scale_out": 80.0, "cpu_scale_in": 20.0}
}

test_target_tracking_passes if {
	inp := lib.mock_input([group("aws_autoscaling_group.app"), tracking("aws_autoscaling_policy.cpu", "aws_autoscaling_group.app", 50)])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_no_scaling_fails if {
	inp := lib.mock_input([group("aws_autoscaling_group.app")])
	rule.deny == {lib.result({"address": "aws_autoscaling_group.app"}, both_missing)} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_scale_out_only_fails if {
	rs := [r | some r in alarm_pair("aws_autoscaling_group.app"); not r.address in {"aws_cloudwatch_metric_alarm.low"}]
	inp := lib.mock_input(array.concat([group("aws_autoscaling_group.app")], rs))
	rule.deny == {lib.result({"address": "aws_autoscaling_group.app"}, "no CPU scale-in trigger at 20%")} with input as inp with data.infracheck.config as cfg
}

test_wrong_threshold_fails if {
	rs := array.concat(
		[r | some r in alarm_pair("aws_autoscaling_group.app"); r.address != "aws_cloudwatch_metric_alarm.high"],
		[alarm("aws_cloudwatch_metric_alarm.high", "aws_autoscaling_group.app", "aws_autoscaling_policy.out", "GreaterThanThreshold", 90)],
	)
	inp := lib.mock_input(array.concat([group("aws_autoscaling_group.app")], rs))
	rule.deny == {lib.result({"address": "aws_autoscaling_group.app"}, "no CPU scale-out trigger at 80%")} with input as inp with data.infracheck.config as cfg
}

test_thresholds_are_configurable if {
	inp := lib.mock_input(array.concat([group("aws_autoscaling_group.app")], alarm_pair("aws_autoscaling_group.app")))
	rule.deny == {lib.result({"address": "aws_autoscaling_group.app"}, "no CPU scale-out trigger at 70%; no CPU scale-in trigger at 30%")} with input as inp with data.infracheck.config as {"cpu_scale_out": 70, "cpu_scale_in": 30}
}

test_tracking_target_out_of_range_fails if {
	inp := lib.mock_input([group("aws_autoscaling_group.app"), tracking("aws_autoscaling_policy.cpu", "aws_autoscaling_group.app", 90)])
	rule.deny == {lib.result(
		{"address": "aws_autoscaling_group.app"},
		"no CPU scale-out trigger at 80%; no CPU scale-in trigger at 20%; target-tracking policy aws_autoscaling_policy.cpu aims at 90% CPU, outside 20-80%",
	)} with input as inp with data.infracheck.config as cfg
}

test_alarm_of_another_group_does_not_count if {
	rs := array.concat(
		[group("aws_autoscaling_group.app"), group("aws_autoscaling_group.other")],
		[
			simple("aws_autoscaling_policy.out", "aws_autoscaling_group.other", 1),
			simple("aws_autoscaling_policy.in", "aws_autoscaling_group.other", -1),
			alarm("aws_cloudwatch_metric_alarm.high", "aws_autoscaling_group.app", "aws_autoscaling_policy.out", "GreaterThanOrEqualToThreshold", 80),
			alarm("aws_cloudwatch_metric_alarm.low", "aws_autoscaling_group.app", "aws_autoscaling_policy.in", "LessThanOrEqualToThreshold", 20),
		],
	)
	inp := lib.mock_input(rs)
	rule.deny == {
		lib.result({"address": "aws_autoscaling_group.app"}, both_missing),
		lib.result({"address": "aws_autoscaling_group.other"}, both_missing),
	} with input as inp with data.infracheck.config as cfg
}

test_unknown_threshold_is_unknown if {
	high := object.union(
		alarm("aws_cloudwatch_metric_alarm.high", "aws_autoscaling_group.app", "aws_autoscaling_policy.out", "GreaterThanOrEqualToThreshold", null),
		{"unknown": {"threshold": true}},
	)
	rs := array.concat([r | some r in alarm_pair("aws_autoscaling_group.app"); r.address != high.address], [high])
	inp := lib.mock_input(array.concat([group("aws_autoscaling_group.app")], rs))
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.unknown == {lib.result(
		{"address": "aws_autoscaling_group.app"},
		"no CPU scale-out trigger at 80%, unless alarms or scaling policies not known until apply provide them",
	)} with input as inp with data.infracheck.config as cfg
}

test_unresolved_alarm_is_unknown if {
	orphan := object.union(lib.mock_resource("aws_cloudwatch_metric_alarm.x", {"metric_name": "CPUUtilization"}), {"unknown": {"dimensions": true}})
	inp := object.union(lib.mock_input([group("aws_autoscaling_group.app"), orphan]), {"unresolved": {"aws_cloudwatch_metric_alarm": ["aws_cloudwatch_metric_alarm.x"]}})
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 1 with input as inp with data.infracheck.config as cfg
}

test_live_dimension_by_name if {
	# Live: the alarm names the group; its action is the policy's ARN.
	g := lib.mock_resource("aws_autoscaling_group.123456789012/us-east-1/app", {"name": "app", "id": "app"})
	out := object.union(simple("aws_autoscaling_policy.123456789012/us-east-1/out", g.address, 1), {"references": {"autoscaling_group_name": [g.address]}})
	in_ := object.union(simple("aws_autoscaling_policy.123456789012/us-east-1/in", g.address, -1), {"references": {"autoscaling_group_name": [g.address]}})
	high := object.union(lib.mock_resource("aws_cloudwatch_metric_alarm.123456789012/us-east-1/high", {
		"metric_name": "CPUUtilization", "comparison_operator": "GreaterThanThreshold", "threshold": 80,
		"dimensions": {"AutoScalingGroupName": "app"},
	}), {"references": {"dimensions.AutoScalingGroupName": [g.address], "alarm_actions.0": [out.address]}})
	low := object.union(lib.mock_resource("aws_cloudwatch_metric_alarm.123456789012/us-east-1/low", {
		"metric_name": "CPUUtilization", "comparison_operator": "LessThanThreshold", "threshold": 20,
		"dimensions": {"AutoScalingGroupName": "app"},
	}), {"references": {"dimensions.AutoScalingGroupName": [g.address], "alarm_actions.0": [in_.address]}})
	inp := lib.mock_input([g, out, in_, high, low])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_module_groups if {
	inp := lib.mock_input(array.concat(
		[group("module.primary.aws_autoscaling_group.app"), group("module.secondary.aws_autoscaling_group.app")],
		[tracking("module.primary.aws_autoscaling_policy.cpu", "module.primary.aws_autoscaling_group.app", 60)],
	))
	rule.deny == {lib.result({"address": "module.secondary.aws_autoscaling_group.app"}, both_missing)} with input as inp with data.infracheck.config as cfg
}

test_unresolved_alarm_action_is_unknown if {
	low := object.union(
		lib.mock_resource("aws_cloudwatch_metric_alarm.low", {
			"metric_name": "CPUUtilization", "comparison_operator": "LessThanThreshold", "threshold": 20,
			"dimensions": {"AutoScalingGroupName": "aws_autoscaling_group.app"},
		}),
		{"references": {"dimensions": ["aws_autoscaling_group.app"]}, "unknown": {"alarm_actions": true}},
	)
	rs := array.concat([r | some r in alarm_pair("aws_autoscaling_group.app"); r.address != low.address], [low])
	inp := object.union(lib.mock_input(array.concat([group("aws_autoscaling_group.app")], rs)), {"unresolved": {"aws_cloudwatch_metric_alarm": [low.address]}})
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.unknown == {lib.result(
		{"address": "aws_autoscaling_group.app"},
		"no CPU scale-in trigger at 20%, unless alarms or scaling policies not known until apply provide them",
	)} with input as inp with data.infracheck.config as cfg
}

test_tracking_target_not_known_is_unknown if {
	p := object.union(
		tracking("aws_autoscaling_policy.cpu", "aws_autoscaling_group.app", null),
		{"unknown": {"autoscaling_group_name": true, "target_tracking_configuration.0.target_value": true}},
	)
	inp := lib.mock_input([group("aws_autoscaling_group.app"), p])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.unknown == {lib.result(
		{"address": "aws_autoscaling_group.app"},
		sprintf("%s, unless alarms or scaling policies not known until apply provide them", [both_missing]),
	)} with input as inp with data.infracheck.config as cfg
}
