package aws.vpc.flow_logs_test

import rego.v1

import data.aws.vpc.flow_logs as rule
import data.lib.infracheck as lib

vpc(address) := lib.mock_resource(address, {"cidr_block": "10.0.0.0/16"})

flow_log(address, vpc_address, traffic) := object.union(
	lib.mock_resource(address, {"traffic_type": traffic, "log_destination_type": "cloud-watch-logs"}),
	{"references": {"vpc_id": [vpc_address]}, "unknown": {"vpc_id": true}},
)

test_reject_and_all_pass if {
	inp := lib.mock_input([
		vpc("aws_vpc.a"), flow_log("aws_flow_log.a", "aws_vpc.a", "REJECT"),
		vpc("aws_vpc.b"), flow_log("aws_flow_log.b", "aws_vpc.b", "ALL"),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_missing_flow_log_fails if {
	inp := lib.mock_input([vpc("aws_vpc.a"), vpc("aws_vpc.b"), flow_log("aws_flow_log.b", "aws_vpc.b", "ALL")])
	rule.deny == {lib.result({"address": "aws_vpc.a"}, "the VPC has no flow log")} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_accept_only_fails if {
	inp := lib.mock_input([vpc("aws_vpc.a"), flow_log("aws_flow_log.a", "aws_vpc.a", "ACCEPT")])
	rule.deny == {lib.result({"address": "aws_vpc.a"}, "flow log aws_flow_log.a captures ACCEPT traffic only, not REJECT or ALL")} with input as inp
}

test_one_capturing_flow_log_is_enough if {
	inp := lib.mock_input([vpc("aws_vpc.a"), flow_log("aws_flow_log.accept", "aws_vpc.a", "ACCEPT"), flow_log("aws_flow_log.reject", "aws_vpc.a", "REJECT")])
	count(rule.deny) == 0 with input as inp
}

test_default_vpc_included if {
	inp := lib.mock_input([lib.mock_resource("aws_default_vpc.default", {"cidr_block": "172.31.0.0/16"})])
	rule.deny == {lib.result({"address": "aws_default_vpc.default"}, "the VPC has no flow log")} with input as inp
}

test_subnet_flow_log_does_not_count if {
	f := object.union(lib.mock_resource("aws_flow_log.subnet", {"traffic_type": "ALL", "vpc_id": null}), {"references": {"subnet_id": ["aws_subnet.a"]}})
	inp := lib.mock_input([vpc("aws_vpc.a"), f])
	rule.deny == {lib.result({"address": "aws_vpc.a"}, "the VPC has no flow log")} with input as inp
}

test_unknown_traffic_type_is_unknown if {
	f := object.union(flow_log("aws_flow_log.a", "aws_vpc.a", null), {"unknown": {"vpc_id": true, "traffic_type": true}})
	inp := lib.mock_input([vpc("aws_vpc.a"), f])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.result({"address": "aws_vpc.a"}, "the traffic type of flow log aws_flow_log.a is not known until apply")} with input as inp
}

test_unresolved_flow_log_is_unknown if {
	f := object.union(lib.mock_resource("aws_flow_log.x", {"traffic_type": "ALL"}), {"unknown": {"vpc_id": true}})
	inp := object.union(lib.mock_input([vpc("aws_vpc.a"), f]), {"unresolved": {"aws_flow_log": ["aws_flow_log.x"]}})
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.result({"address": "aws_vpc.a"}, "flow log aws_flow_log.x could not be joined to its VPC")} with input as inp
}

test_module_vpcs if {
	inp := lib.mock_input([
		vpc("module.primary.aws_vpc.this"),
		flow_log("module.primary.aws_flow_log.this", "module.primary.aws_vpc.this", "ALL"),
		vpc("module.secondary.aws_vpc.this"),
	])
	rule.deny == {lib.result({"address": "module.secondary.aws_vpc.this"}, "the VPC has no flow log")} with input as inp
}

test_live_value_join if {
	# Live data: the flow log's vpc_id is the VPC's id, joined by value.
	v := lib.mock_resource("aws_vpc.123456789012/us-east-1/vpc-1", {"id": "vpc-1", "cidr_block": "10.0.0.0/16"})
	f := object.union(lib.mock_resource("aws_flow_log.123456789012/us-east-1/fl-1", {"id": "fl-1", "vpc_id": "vpc-1", "traffic_type": "ACCEPT"}), {"references": {"vpc_id": [v.address]}})
	inp := lib.mock_input([v, f])
	rule.deny == {lib.result(v, "flow log aws_flow_log.123456789012/us-east-1/fl-1 captures ACCEPT traffic only, not REJECT or ALL")} with input as inp
}
