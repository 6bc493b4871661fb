package aws.governance.data_residency_test

import rego.v1

import data.aws.governance.data_residency as rule
import data.lib.infracheck as lib

cfg := {"allowed_regions": ["us-east-1", "us-west-2"]}

in_region(r, region) := object.union(r, {"region": region})

denied(inp) := d if {
	d := rule.deny with input as inp with data.infracheck.config as cfg
}

unknowns(inp) := u if {
	u := rule.unknown with input as inp with data.infracheck.config as cfg
}

test_allowed_regions_pass if {
	inp := lib.mock_input([
		lib.mock_resource("aws_vpc.a", {}),
		in_region(lib.mock_resource("module.secondary.aws_s3_bucket.b", {}), "us-west-2"),
		lib.mock_resource("aws_dynamodb_table.t", {"replica": [{"region_name": "us-west-2"}]}),
	])
	count(denied(inp)) == 0
	count(unknowns(inp)) == 0
}

test_other_region_fails if {
	inp := lib.mock_input([
		in_region(lib.mock_resource("module.eu.aws_s3_bucket.b", {}), "eu-west-1"),
		lib.mock_resource("aws_vpc.a", {}),
	])
	denied(inp) == {{"address": "module.eu.aws_s3_bucket.b", "message": "resource is in eu-west-1, outside the allowed regions (us-east-1, us-west-2)"}}
	count(unknowns(inp)) == 0
}

test_replica_outside_fails if {
	inp := lib.mock_input([
		lib.mock_resource("aws_dynamodb_table.t", {"replica": [{"region_name": "us-west-2"}, {"region_name": "ap-south-1"}]}),
		lib.mock_resource("aws_secretsmanager_secret.s", {"replica": [{"region": "eu-central-1"}]}),
	])
	denied(inp) == {
		{"address": "aws_dynamodb_table.t", "message": "replica in ap-south-1 is outside the allowed regions (us-east-1, us-west-2)"},
		{"address": "aws_secretsmanager_secret.s", "message": "replica in eu-central-1 is outside the allowed regions (us-east-1, us-west-2)"},
	}
}

test_allowed_regions_setting_changes_verdict if {
	inp := lib.mock_input([in_region(lib.mock_resource("aws_s3_bucket.b", {}), "eu-west-1")])
	count(denied(inp)) == 1
	count(rule.deny) == 0 with input as inp with data.infracheck.config as {"allowed_regions": ["eu-west-1"]}
}

test_global_types_not_concerned if {
	inp := lib.mock_input([in_region(lib.mock_resource("aws_iam_role.r", {}), "eu-west-1")])
	count(denied(inp)) == 0
	count(unknowns(inp)) == 0
}

test_unknown_region_is_unknown if {
	inp := lib.mock_input([
		in_region(lib.mock_resource("aws_vpc.a", {}), null),
		object.union(lib.mock_resource("aws_dynamodb_table.t", {"replica": [{}]}), {"unknown": {"replica.0.region_name": true}}),
	])
	count(denied(inp)) == 0
	unknowns(inp) == {
		{"address": "aws_vpc.a", "message": "the resource's region is not known"},
		{"address": "aws_dynamodb_table.t", "message": "a replica's region is not known until apply"},
	}
}
