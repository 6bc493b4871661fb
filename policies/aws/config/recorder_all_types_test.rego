package aws.config.recorder_all_types_test

import rego.v1

import data.aws.config.recorder_all_types as rule
import data.lib.infracheck as lib

in_region(r, region) := object.union(r, {"region": region})

recorder(address, region, all) := in_region(
	lib.mock_resource(address, {"name": "default", "recording_group": [{"all_supported": all, "include_global_resource_types": true}]}),
	region,
)

status(address, region, recorder_address, enabled) := in_region(
	object.union(lib.mock_resource(address, {"name": "default", "is_enabled": enabled}), {"references": {"name": [recorder_address]}}),
	region,
)

regions(inp, rs) := object.union(inp, {"scan": {"regions": rs}})

both := ["us-east-1", "us-west-2"]

compliant := [
	recorder("aws_config_configuration_recorder.east", "us-east-1", true),
	status("aws_config_configuration_recorder_status.east", "us-east-1", "aws_config_configuration_recorder.east", true),
	recorder("module.west.aws_config_configuration_recorder.this", "us-west-2", true),
	status("module.west.aws_config_configuration_recorder_status.this", "us-west-2", "module.west.aws_config_configuration_recorder.this", true),
]

test_all_types_recorded_everywhere_passes if {
	inp := regions(lib.mock_input(compliant), both)
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_recorder_without_group_passes if {
	inp := regions(lib.mock_input([
		in_region(lib.mock_resource("aws_config_configuration_recorder.east", {"name": "default"}), "us-east-1"),
		status("aws_config_configuration_recorder_status.east", "us-east-1", "aws_config_configuration_recorder.east", true),
		in_region(lib.mock_resource("aws_config_configuration_recorder.west", {"name": "default", "recording_group": [{}]}), "us-west-2"),
		status("aws_config_configuration_recorder_status.west", "us-west-2", "aws_config_configuration_recorder.west", true),
	]), both)
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_recorder_never_started_fails if {
	inp := regions(lib.mock_input([
		recorder("aws_config_configuration_recorder.east", "us-east-1", true),
		status("aws_config_configuration_recorder_status.east", "us-east-1", "aws_config_configuration_recorder.east", true),
		recorder("module.west.aws_config_configuration_recorder.this", "us-west-2", true),
	]), both)
	rule.deny == {lib.region_result("us-west-2", "configuration recorder module.west.aws_config_configuration_recorder.this is never started (no aws_config_configuration_recorder_status with is_enabled = true)")} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_missing_region_fails if {
	inp := regions(lib.mock_input([compliant[0], compliant[1]]), both)
	rule.deny == {lib.region_result("us-west-2", "no AWS Config configuration recorder in us-west-2")} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_not_all_supported_fails if {
	inp := regions(lib.mock_input([
		compliant[0], compliant[1],
		recorder("module.west.aws_config_configuration_recorder.this", "us-west-2", false),
		compliant[3],
	]), both)
	rule.deny == {lib.region_result("us-west-2", "configuration recorder module.west.aws_config_configuration_recorder.this does not record all resource types (recording_group.all_supported = false)")} with input as inp
}

test_stopped_recorder_fails if {
	inp := regions(lib.mock_input([
		compliant[0], compliant[1], compliant[2],
		status("module.west.aws_config_configuration_recorder_status.this", "us-west-2", "module.west.aws_config_configuration_recorder.this", false),
	]), both)
	rule.deny == {lib.region_result("us-west-2", "configuration recorder module.west.aws_config_configuration_recorder.this is not started (module.west.aws_config_configuration_recorder_status.this.is_enabled = false)")} with input as inp
}

test_unknown_recording_group_is_unknown if {
	rec := object.union(
		in_region(lib.mock_resource("aws_config_configuration_recorder.west", {"name": "default"}), "us-west-2"),
		{"unknown": {"recording_group": true}},
	)
	inp := regions(lib.mock_input([compliant[0], compliant[1], rec]), both)
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.region_result("us-west-2", "whether AWS Config records all resource types in the region is not known until apply")} with input as inp
}

test_unknown_status_is_unknown if {
	st := object.union(
		status("aws_config_configuration_recorder_status.west", "us-west-2", "aws_config_configuration_recorder.west", true),
		{"unknown": {"is_enabled": true}},
	)
	inp := regions(lib.mock_input([compliant[0], compliant[1], recorder("aws_config_configuration_recorder.west", "us-west-2", true), st]), both)
	count(rule.deny) == 0 with input as inp
	{u.address | some u in rule.unknown} == {"region/us-west-2"} with input as inp
}
