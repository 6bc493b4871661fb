package aws.dynamodb.pitr_test

import rego.v1

import data.aws.dynamodb.pitr as rule
import data.lib.infracheck as lib

table(address, values) := lib.mock_resource(address, object.union({"name": "t", "billing_mode": "PAY_PER_REQUEST", "replica": []}, values))

pitr(enabled) := {"point_in_time_recovery": [{"enabled": enabled}]}

test_enabled_passes if {
	inp := lib.mock_input([table("aws_dynamodb_table.a", pitr(true))])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_disabled_fails if {
	inp := lib.mock_input([table("aws_dynamodb_table.a", pitr(false))])
	rule.deny == {{"address": "aws_dynamodb_table.a", "message": "point-in-time recovery is not enabled"}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_missing_block_fails if {
	inp := lib.mock_input([table("aws_dynamodb_table.a", {"point_in_time_recovery": []})])
	rule.deny == {{"address": "aws_dynamodb_table.a", "message": "point-in-time recovery is not enabled"}} with input as inp
}

test_unknown_block_is_unknown if {
	t := object.union(table("aws_dynamodb_table.a", {}), {"unknown": {"point_in_time_recovery": true}})
	inp := lib.mock_input([t])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_dynamodb_table.a", "message": "point-in-time recovery is not known until apply"}} with input as inp
}

test_unknown_flag_is_unknown if {
	t := object.union(table("aws_dynamodb_table.a", {"point_in_time_recovery": [{}]}), {"unknown": {"point_in_time_recovery.0.enabled": true}})
	inp := lib.mock_input([t])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_dynamodb_table.a", "message": "point-in-time recovery is not known until apply"}} with input as inp
}

test_global_table_replicas if {
	t := table("aws_dynamodb_table.a", object.union(pitr(true), {"replica": [
		{"region_name": "us-west-2", "point_in_time_recovery": true},
		{"region_name": "eu-west-1", "point_in_time_recovery": false},
	]}))
	inp := lib.mock_input([t])
	rule.deny == {{"address": "aws_dynamodb_table.a", "message": "point-in-time recovery is not enabled on the replica in eu-west-1"}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_replica_unknown_is_unknown if {
	t := object.union(
		table("aws_dynamodb_table.a", object.union(pitr(true), {"replica": [{"region_name": "us-west-2"}]})),
		{"unknown": {"replica.0.point_in_time_recovery": true}},
	)
	inp := lib.mock_input([t])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_dynamodb_table.a", "message": "point-in-time recovery of replica 0 is not known until apply"}} with input as inp
}

test_module_tables if {
	ok := table(`module.app.aws_dynamodb_table.this["a"]`, pitr(true))
	bad := table(`module.app.aws_dynamodb_table.this["b"]`, pitr(false))
	inp := lib.mock_input([ok, bad])
	rule.deny == {{"address": `module.app.aws_dynamodb_table.this["b"]`, "message": "point-in-time recovery is not enabled"}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_null_attributes_fail_without_error if {
	inp := lib.mock_input([table("aws_dynamodb_table.a", {"point_in_time_recovery": null, "replica": null})])
	rule.deny == {{"address": "aws_dynamodb_table.a", "message": "point-in-time recovery is not enabled"}} with input as inp
	count(rule.unknown) == 0 with input as inp
}
