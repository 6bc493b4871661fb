package aws.securityhub.enabled_test

import rego.v1

import data.aws.securityhub.enabled as rule
import data.lib.infracheck as lib

account(address, region) := object.union(lib.mock_resource(address, {"enable_default_standards": true}), {"region": region})

regions(inp, rs) := object.union(inp, {"scan": {"regions": rs}})

both := ["us-east-1", "us-west-2"]

test_every_region_enabled_passes if {
	inp := regions(lib.mock_input([
		account("aws_securityhub_account.east", "us-east-1"),
		account("module.west.aws_securityhub_account.this[0]", "us-west-2"),
	]), both)
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_missing_region_fails if {
	inp := regions(lib.mock_input([account("module.east.aws_securityhub_account.this", "us-east-1")]), both)
	rule.deny == {lib.region_result("us-west-2", "Security Hub is not enabled in us-west-2 (no aws_securityhub_account)")} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_none_fails_every_region if {
	inp := regions(lib.mock_input([lib.mock_resource("aws_vpc.a", {})]), both)
	{f.address | some f in rule.deny} == {"region/us-east-1", "region/us-west-2"} with input as inp
}

test_unknown_region_is_unknown if {
	inp := regions(lib.mock_input([account("aws_securityhub_account.east", "us-east-1"), account("aws_securityhub_account.other", null)]), both)
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.region_result("us-west-2", "whether Security Hub is enabled in the region is not known (an aws_securityhub_account's region is not known)")} with input as inp
}
