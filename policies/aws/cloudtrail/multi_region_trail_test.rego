package aws.cloudtrail.multi_region_trail_test

import rego.v1

import data.aws.cloudtrail.multi_region_trail as rule
import data.lib.infracheck as lib

good := {"name": "t", "is_multi_region_trail": true, "enable_log_file_validation": true, "enable_logging": true}

trail(address, values) := lib.mock_resource(address, values)

regions(inp, rs) := object.union(inp, {"scan": {"regions": rs}})

both := ["us-east-1", "us-west-2"]

test_one_multi_region_trail_passes_every_region if {
	inp := regions(lib.mock_input([
		trail("module.audit.aws_cloudtrail.this", good),
		trail("aws_cloudtrail.local", {"name": "l", "is_multi_region_trail": false, "enable_log_file_validation": false}),
	]), both)
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_absent_enable_logging_is_default_true if {
	inp := regions(lib.mock_input([trail("aws_cloudtrail.a", object.remove(good, ["enable_logging"]))]), both)
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_no_trail_fails_every_region if {
	inp := regions(lib.mock_input([lib.mock_resource("aws_vpc.a", {})]), both)
	msg := "no CloudTrail trail exists (a multi-region trail with log file validation is required)"
	rule.deny == {lib.region_result("us-east-1", msg), lib.region_result("us-west-2", msg)} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_single_region_trail_without_validation_fails if {
	inp := regions(lib.mock_input([trail("module.audit.aws_cloudtrail.this", {"name": "t", "enable_logging": false})]), ["us-east-1"])
	rule.deny == {lib.region_result(
		"us-east-1",
		"trail module.audit.aws_cloudtrail.this is not a multi-region trail with log file validation (enable_log_file_validation = false, enable_logging = false, is_multi_region_trail = false)",
	)} with input as inp
}

test_unknown_flag_is_unknown if {
	t := object.union(trail("aws_cloudtrail.a", object.remove(good, ["enable_log_file_validation"])), {"unknown": {"enable_log_file_validation": true}})
	inp := regions(lib.mock_input([t]), both)
	count(rule.deny) == 0 with input as inp
	{u.address | some u in rule.unknown} == {"region/us-east-1", "region/us-west-2"} with input as inp
}

test_known_bad_trail_is_not_made_unknown if {
	t := object.union(trail("aws_cloudtrail.a", {"is_multi_region_trail": false}), {"unknown": {"enable_log_file_validation": true}})
	inp := regions(lib.mock_input([t]), ["us-east-1"])
	rule.deny == {lib.region_result("us-east-1", "trail aws_cloudtrail.a is not a multi-region trail with log file validation (is_multi_region_trail = false)")} with input as inp
	count(rule.unknown) == 0 with input as inp
}
