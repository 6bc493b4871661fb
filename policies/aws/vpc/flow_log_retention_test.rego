package aws.vpc.flow_log_retention_test

import rego.v1

import data.aws.vpc.flow_log_retention as rule
import data.lib.infracheck as lib

cfg := {"flow_log_retention_days": 30}

group(address, days) := lib.mock_resource(address, {"name": "/aws/vpc/flow-logs", "retention_in_days": days})

# A new flow log (v5 plan): log_destination refers to the group, log_group_name is
# computed.
flow_log(address, group_address) := object.union(
	lib.mock_resource(address, {"traffic_type": "ALL", "log_destination_type": "cloud-watch-logs"}),
	{
		"references": {"vpc_id": ["aws_vpc.main"], "log_destination": [group_address]},
		"unknown": {"vpc_id": true, "log_destination": true, "log_group_name": true},
	},
)

test_thirty_days_pass if {
	inp := lib.mock_input([group("aws_cloudwatch_log_group.fl", 30), flow_log("aws_flow_log.a", "aws_cloudwatch_log_group.fl")])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_short_retention_fails if {
	inp := lib.mock_input([group("aws_cloudwatch_log_group.fl", 7), flow_log("aws_flow_log.a", "aws_cloudwatch_log_group.fl")])
	rule.deny == {lib.result({"address": "aws_flow_log.a"}, "log group aws_cloudwatch_log_group.fl keeps flow logs 7 days, fewer than 30")} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_threshold_is_configurable if {
	inp := lib.mock_input([group("aws_cloudwatch_log_group.fl", 30), flow_log("aws_flow_log.a", "aws_cloudwatch_log_group.fl")])
	rule.deny == {lib.result({"address": "aws_flow_log.a"}, "log group aws_cloudwatch_log_group.fl keeps flow logs 30 days, fewer than 90")} with input as inp with data.infracheck.config as {"flow_log_retention_days": 90}
}

test_never_expire_passes if {
	inp := lib.mock_input([group("aws_cloudwatch_log_group.fl", 0), flow_log("aws_flow_log.a", "aws_cloudwatch_log_group.fl")])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	inp2 := lib.mock_input([group("aws_cloudwatch_log_group.fl", null), flow_log("aws_flow_log.a", "aws_cloudwatch_log_group.fl")])
	count(rule.deny) == 0 with input as inp2 with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp2 with data.infracheck.config as cfg
}

test_log_group_name_of_older_providers if {
	f := object.union(
		lib.mock_resource("aws_flow_log.old", {"traffic_type": "REJECT"}),
		{"references": {"log_group_name": ["aws_cloudwatch_log_group.fl"]}, "unknown": {"log_group_name": true}},
	)
	inp := lib.mock_input([group("aws_cloudwatch_log_group.fl", 14), f])
	rule.deny == {lib.result(f, "log group aws_cloudwatch_log_group.fl keeps flow logs 14 days, fewer than 30")} with input as inp with data.infracheck.config as cfg
}

test_s3_destination_is_not_checked if {
	f := lib.mock_resource("aws_flow_log.s3", {"log_destination_type": "s3", "log_destination": "arn:aws:s3:::flow-logs"})
	inp := lib.mock_input([f])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_unknown_retention_is_unknown if {
	g := object.union(group("aws_cloudwatch_log_group.fl", null), {"unknown": {"retention_in_days": true}})
	inp := lib.mock_input([g, flow_log("aws_flow_log.a", "aws_cloudwatch_log_group.fl")])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.unknown == {lib.result({"address": "aws_flow_log.a"}, "the retention of log group aws_cloudwatch_log_group.fl is not known until apply")} with input as inp with data.infracheck.config as cfg
}

test_group_outside_the_scan_is_unknown if {
	f := lib.mock_resource("aws_flow_log.a", {"log_destination": "arn:aws:logs:us-east-1:123456789012:log-group:shared"})
	inp := lib.mock_input([f])
	rule.unknown == {lib.result(f, "destination log group arn:aws:logs:us-east-1:123456789012:log-group:shared is not in the scan, so its retention cannot be checked")} with input as inp with data.infracheck.config as cfg
}

test_unresolved_destination_is_unknown if {
	f := object.union(lib.mock_resource("aws_flow_log.a", {}), {"unknown": {"log_destination": true, "log_group_name": true}})
	inp := object.union(lib.mock_input([f]), {"unresolved": {"aws_flow_log": ["aws_flow_log.a"]}})
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.unknown == {lib.result(f, "the destination log group is not known until apply")} with input as inp with data.infracheck.config as cfg
}

test_module_flow_logs if {
	inp := lib.mock_input([
		group("module.primary.aws_cloudwatch_log_group.flow_logs", 30),
		flow_log("module.primary.aws_flow_log.this", "module.primary.aws_cloudwatch_log_group.flow_logs"),
		group("module.secondary.aws_cloudwatch_log_group.flow_logs", 1),
		flow_log("module.secondary.aws_flow_log.this", "module.secondary.aws_cloudwatch_log_group.flow_logs"),
	])
	rule.deny == {lib.result(
		{"address": "module.secondary.aws_flow_log.this"},
		"log group module.secondary.aws_cloudwatch_log_group.flow_logs keeps flow logs 1 day, fewer than 30",
	)} with input as inp with data.infracheck.config as cfg
}

# A destination type left out (CloudWatch Logs, the default) or not known until
# apply: the log group is checked.
test_default_or_unknown_destination_type_is_checked if {
	g := group("aws_cloudwatch_log_group.fl", 7)
	left_out := object.union(flow_log("aws_flow_log.a", "aws_cloudwatch_log_group.fl"), {"values": {"log_destination_type": null}})
	not_known := object.union(flow_log("aws_flow_log.a", "aws_cloudwatch_log_group.fl"), {"values": {"log_destination_type": null}, "unknown": {"log_destination_type": true}})
	msg := "log group aws_cloudwatch_log_group.fl keeps flow logs 7 days, fewer than 30"
	rule.deny == {lib.result({"address": "aws_flow_log.a"}, msg)} with input as lib.mock_input([g, left_out]) with data.infracheck.config as cfg
	rule.deny == {lib.result({"address": "aws_flow_log.a"}, msg)} with input as lib.mock_input([g, not_known]) with data.infracheck.config as cfg
}
