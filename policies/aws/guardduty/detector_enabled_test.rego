package aws.guardduty.detector_enabled_test

import rego.v1

import data.aws.guardduty.detector_enabled as rule
import data.lib.infracheck as lib

in_region(r, region) := object.union(r, {"region": region})

detector(address, region, values) := in_region(lib.mock_resource(address, values), region)

regions(inp, rs) := object.union(inp, {"scan": {"regions": rs}})

both := ["us-east-1", "us-west-2"]

test_detector_in_every_region_passes if {
	inp := regions(lib.mock_input([
		detector("aws_guardduty_detector.east", "us-east-1", {"enable": true}),
		detector("module.west.aws_guardduty_detector.this", "us-west-2", {}),
	]), both)
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_region_without_detector_fails if {
	inp := regions(lib.mock_input([detector("aws_guardduty_detector.east", "us-east-1", {"enable": true})]), both)
	rule.deny == {{"address": "region/us-west-2", "region": "us-west-2", "message": "no GuardDuty detector is enabled in us-west-2"}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_disabled_detector_fails if {
	inp := regions(lib.mock_input([
		detector("aws_guardduty_detector.east", "us-east-1", {"enable": true}),
		detector(`module.west["x"].aws_guardduty_detector.this`, "us-west-2", {"enable": false}),
	]), both)
	rule.deny == {{
		"address": "region/us-west-2", "region": "us-west-2",
		"message": `GuardDuty detector module.west["x"].aws_guardduty_detector.this is disabled (enable = false) in us-west-2`,
	}} with input as inp
}

test_unknown_enable_is_unknown if {
	d := object.union(detector("aws_guardduty_detector.west", "us-west-2", {}), {"unknown": {"enable": true}})
	inp := regions(lib.mock_input([detector("aws_guardduty_detector.east", "us-east-1", {"enable": true}), d]), both)
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.region_result("us-west-2", "whether a GuardDuty detector is enabled in the region is not known until apply")} with input as inp
}

test_detector_of_unknown_region_makes_missing_regions_unknown if {
	inp := regions(lib.mock_input([detector("aws_guardduty_detector.x", null, {"enable": true})]), both)
	count(rule.deny) == 0 with input as inp
	{u.address | some u in rule.unknown} == {"region/us-east-1", "region/us-west-2"} with input as inp
}

test_no_detector_at_all_fails_every_region if {
	inp := regions(lib.mock_input([lib.mock_resource("aws_vpc.a", {})]), both)
	{f.address | some f in rule.deny} == {"region/us-east-1", "region/us-west-2"} with input as inp
}
