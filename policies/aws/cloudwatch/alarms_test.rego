package aws.cloudwatch.alarms_test

import rego.v1

import data.aws.cloudwatch.alarms as rule
import data.lib.infracheck as lib

asg(address) := lib.mock_resource(address, {"name": "app", "min_size": 2, "max_size": 6})

alb(address) := lib.mock_resource(address, {"name": "web", "load_balancer_type": "application", "internal": false})

alarm(address, values, refs) := object.union(lib.mock_resource(address, values), {"references": refs})

cpu_alarm(address, asg_address) := alarm(
	address,
	{"metric_name": "CPUUtilization", "namespace": "AWS/EC2", "comparison_operator": "GreaterThanOrEqualToThreshold", "threshold": 80, "dimensions": {"AutoScalingGroupName": "app"}},
	{"dimensions": [asg_address]},
)

err_alarm(address, lb_address, metric) := alarm(
	address,
	{"metric_name": metric, "namespace": "AWS/ApplicationELB", "comparison_operator": "GreaterThanThreshold", "threshold": 10},
	{"dimensions": [lb_address]},
)

asg_msg := "no CloudWatch alarm on high CPUUtilization of the Auto Scaling group"

alb_msg := "no CloudWatch alarm on 5xx errors (HTTPCode_ELB_5XX_Count or HTTPCode_Target_5XX_Count) of the load balancer"

unknown_msg := "whether a CloudWatch alarm watches the resource is not known until apply"

test_alarms_pass if {
	inp := lib.mock_input([
		asg("module.primary.aws_autoscaling_group.app"),
		alb("module.primary.aws_lb.web"),
		cpu_alarm("module.primary.aws_cloudwatch_metric_alarm.cpu", "module.primary.aws_autoscaling_group.app"),
		err_alarm("module.primary.aws_cloudwatch_metric_alarm.e5xx", "module.primary.aws_lb.web", "HTTPCode_Target_5XX_Count"),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_missing_alarms_fail if {
	inp := lib.mock_input([asg("module.primary.aws_autoscaling_group.app"), alb("module.primary.aws_lb.web")])
	rule.deny == {
		{"address": "module.primary.aws_autoscaling_group.app", "message": asg_msg},
		{"address": "module.primary.aws_lb.web", "message": alb_msg},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_wrong_metric_or_low_cpu_alarm_fails if {
	low := alarm(
		"aws_cloudwatch_metric_alarm.low",
		{"metric_name": "CPUUtilization", "namespace": "AWS/EC2", "comparison_operator": "LessThanThreshold"},
		{"dimensions.AutoScalingGroupName": ["aws_autoscaling_group.a"]},
	)
	e4xx := err_alarm("aws_cloudwatch_metric_alarm.e4xx", "aws_lb.web", "HTTPCode_ELB_4XX_Count")
	inp := lib.mock_input([asg("aws_autoscaling_group.a"), alb("aws_lb.web"), low, e4xx])
	rule.deny == {
		{"address": "aws_autoscaling_group.a", "message": asg_msg},
		{"address": "aws_lb.web", "message": alb_msg},
	} with input as inp
}

test_alarm_of_other_asg_does_not_count if {
	inp := lib.mock_input([
		asg("aws_autoscaling_group.a"),
		lib.mock_resource("aws_autoscaling_group.b", {"name": "other"}),
		cpu_alarm("aws_cloudwatch_metric_alarm.a", "aws_autoscaling_group.a"),
	])
	rule.deny == {{"address": "aws_autoscaling_group.b", "message": asg_msg}} with input as inp
}

test_metric_query_alarm_passes if {
	a := alarm(
		"aws_cloudwatch_metric_alarm.q",
		{"comparison_operator": "GreaterThanThreshold", "metric_query": [
			{"id": "e", "expression": "m1", "return_data": true, "metric": []},
			{"id": "m1", "metric": [{"metric_name": "HTTPCode_ELB_5XX_Count", "namespace": "AWS/ApplicationELB"}]},
		]},
		{"metric_query.1.metric.0.dimensions": ["aws_lb.web"]},
	)
	inp := lib.mock_input([alb("aws_lb.web"), a])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_live_dimension_value_passes if {
	lb := lib.mock_resource("aws_lb.live", {"load_balancer_type": "application", "arn_suffix": "app/web/abc"})
	a := alarm(
		"aws_cloudwatch_metric_alarm.live",
		{"metric_name": "HTTPCode_ELB_5XX_Count", "namespace": "AWS/ApplicationELB", "comparison_operator": "GreaterThanThreshold", "dimensions": {"LoadBalancer": "app/web/abc"}},
		{},
	)
	inp := lib.mock_input([lb, a])
	count(rule.deny) == 0 with input as inp
	other_region := lib.mock_input([lb, object.union(a, {"region": "us-west-2"})])
	rule.deny == {{"address": "aws_lb.live", "message": alb_msg}} with input as other_region
}

test_network_lb_not_concerned if {
	inp := lib.mock_input([lib.mock_resource("aws_lb.nlb", {"load_balancer_type": "network"})])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unknown_metric_is_unknown if {
	a := object.union(cpu_alarm("aws_cloudwatch_metric_alarm.cpu", "aws_autoscaling_group.a"), {"unknown": {"metric_name": true}})
	inp := lib.mock_input([asg("aws_autoscaling_group.a"), a])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_autoscaling_group.a", "message": unknown_msg}} with input as inp
}

test_unknown_operator_is_unknown if {
	a := object.union(err_alarm("aws_cloudwatch_metric_alarm.e", "aws_lb.web", "HTTPCode_Target_5XX_Count"), {"unknown": {"comparison_operator": true}})
	inp := lib.mock_input([alb("aws_lb.web"), a])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_lb.web", "message": unknown_msg}} with input as inp
}

test_unresolved_alarm_reference_is_unknown if {
	inp := object.union(lib.mock_input([asg("aws_autoscaling_group.a")]), {"unresolved": {"aws_cloudwatch_metric_alarm": ["aws_cloudwatch_metric_alarm.x"]}})
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_autoscaling_group.a", "message": unknown_msg}} with input as inp
}

test_unknown_lb_type_is_unknown if {
	lb := object.union(lib.mock_resource("aws_lb.x", {"name": "x"}), {"unknown": {"load_balancer_type": true}})
	inp := lib.mock_input([lb])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_lb.x", "message": "the load balancer type is not known until apply"}} with input as inp
}

test_unknown_metric_of_a_metric_query_is_unknown if {
	a := object.union(
		alarm(
			"aws_cloudwatch_metric_alarm.q",
			{"comparison_operator": "GreaterThanThreshold", "metric_query": [{"id": "m1", "metric": [{"namespace": "AWS/ApplicationELB"}]}]},
			{"metric_query.0.metric.0.dimensions": ["aws_lb.web"]},
		),
		{"unknown": {"metric_query.0.metric.0.metric_name": true}},
	)
	inp := lib.mock_input([alb("aws_lb.web"), a])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_lb.web", "message": unknown_msg}} with input as inp
}
