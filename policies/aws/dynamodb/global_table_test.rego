package aws.dynamodb.global_table_test

import rego.v1

import data.aws.dynamodb.global_table as rule
import data.lib.infracheck as lib

cfg := {"primary_region": "us-east-1", "secondary_region": "us-west-2"}

table(address, values) := lib.mock_resource(address, object.union({"name": "app-data", "billing_mode": "PAY_PER_REQUEST", "replica": []}, values))

in_region(r, region) := object.union(r, {"region": region})

replica(region) := {"region_name": region, "point_in_time_recovery": true, "propagate_tags": true}

table_replica(address, table_address, region) := in_region(
	object.union(lib.mock_resource(address, {"point_in_time_recovery": true}), {"references": {"global_table_arn": [table_address]}}),
	region,
)

msg_missing(region) := sprintf("table has no replica in %s", [region])

msg_unknown := "whether the table has a replica in us-west-2 is not known until apply"

test_replica_in_secondary_passes if {
	inp := lib.mock_input([table("aws_dynamodb_table.a", {"replica": [replica("us-west-2")]})])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_no_replica_fails if {
	inp := lib.mock_input([
		table("aws_dynamodb_table.a", {}),
		table("aws_dynamodb_table.b", {"replica": [replica("eu-west-1")]}),
		table("aws_dynamodb_table.c", {"replica": null}),
	])
	rule.deny == {
		{"address": "aws_dynamodb_table.a", "message": msg_missing("us-west-2")},
		{"address": "aws_dynamodb_table.b", "message": msg_missing("us-west-2")},
		{"address": "aws_dynamodb_table.c", "message": msg_missing("us-west-2")},
	} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_secondary_region_table_needs_primary_replica if {
	# Live scans see the replica in the secondary region as a table listing its peers.
	ok := in_region(table("aws_dynamodb_table.west", {"replica": [replica("us-east-1")]}), "us-west-2")
	bad := in_region(table("aws_dynamodb_table.west_only", {"name": "local"}), "us-west-2")
	inp := lib.mock_input([ok, bad])
	rule.deny == {{"address": "aws_dynamodb_table.west_only", "message": msg_missing("us-east-1")}} with input as inp with data.infracheck.config as cfg
}

test_secondary_region_setting_changes_the_verdict if {
	inp := lib.mock_input([
		table("aws_dynamodb_table.a", {"replica": [replica("us-west-2")]}),
		table("aws_dynamodb_table.b", {"replica": [replica("eu-west-1")]}),
	])
	c := object.union(cfg, {"secondary_region": "eu-west-1"})
	rule.deny == {{"address": "aws_dynamodb_table.a", "message": msg_missing("eu-west-1")}} with input as inp with data.infracheck.config as c
}

test_replica_resource_in_secondary_passes if {
	inp := lib.mock_input([
		table("aws_dynamodb_table.a", {}),
		table_replica("aws_dynamodb_table_replica.a", "aws_dynamodb_table.a", "us-west-2"),
		table("aws_dynamodb_table.b", {}),
		table_replica("aws_dynamodb_table_replica.b", "aws_dynamodb_table.b", "eu-west-1"),
	])
	rule.deny == {{"address": "aws_dynamodb_table.b", "message": msg_missing("us-west-2")}} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_replica_resource_region_unknown_is_unknown if {
	inp := lib.mock_input([table("aws_dynamodb_table.a", {}), table_replica("aws_dynamodb_table_replica.a", "aws_dynamodb_table.a", null)])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.unknown == {{"address": "aws_dynamodb_table.a", "message": msg_unknown}} with input as inp with data.infracheck.config as cfg
}

test_unresolved_replica_resource_is_unknown if {
	r := table_replica("aws_dynamodb_table_replica.x", "nothing", "us-west-2")
	inp := object.union(lib.mock_input([table("aws_dynamodb_table.a", {}), r]), {"unresolved": {"aws_dynamodb_table_replica": ["aws_dynamodb_table_replica.x"]}})
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.unknown == {{"address": "aws_dynamodb_table.a", "message": msg_unknown}} with input as inp with data.infracheck.config as cfg
}

test_unknown_replicas_are_unknown if {
	a := object.union(object.remove(table("aws_dynamodb_table.a", {}), ["values"]), {"values": {"name": "app-data"}, "unknown": {"replica": true}})
	b := object.union(table("aws_dynamodb_table.b", {"replica": [{"point_in_time_recovery": true}]}), {"unknown": {"replica.0.region_name": true}})
	inp := lib.mock_input([a, b])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.unknown == {
		{"address": "aws_dynamodb_table.a", "message": msg_unknown},
		{"address": "aws_dynamodb_table.b", "message": msg_unknown},
	} with input as inp with data.infracheck.config as cfg
}

test_replica_arn_unknown_does_not_matter if {
	t := object.union(table("aws_dynamodb_table.a", {"replica": [replica("us-west-2")]}), {"unknown": {"replica.0.arn": true, "replica.0.stream_arn": true}})
	inp := lib.mock_input([t])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_legacy_global_table_by_name if {
	east := table("aws_dynamodb_table.east", {"name": "orders"})
	west := in_region(table("aws_dynamodb_table.west", {"name": "orders"}), "us-west-2")
	other := table("aws_dynamodb_table.other", {"name": "sessions"})
	g := lib.mock_resource("aws_dynamodb_global_table.orders", {"name": "orders", "replica": [{"region_name": "us-east-1"}, {"region_name": "us-west-2"}]})
	inp := lib.mock_input([east, west, other, g])
	rule.deny == {{"address": "aws_dynamodb_table.other", "message": msg_missing("us-west-2")}} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_legacy_global_table_without_secondary_fails if {
	east := table("aws_dynamodb_table.east", {"name": "orders"})
	g := lib.mock_resource("aws_dynamodb_global_table.orders", {"name": "orders", "replica": [{"region_name": "us-east-1"}, {"region_name": "eu-west-1"}]})
	inp := lib.mock_input([east, g])
	rule.deny == {{"address": "aws_dynamodb_table.east", "message": msg_missing("us-west-2")}} with input as inp with data.infracheck.config as cfg
}

test_module_tables if {
	ok := table(`module.data.aws_dynamodb_table.this["orders"]`, {"replica": [replica("us-west-2")]})
	bad := table(`module.data.aws_dynamodb_table.this["sessions"]`, {})
	inp := lib.mock_input([ok, bad])
	rule.deny == {{"address": `module.data.aws_dynamodb_table.this["sessions"]`, "message": msg_missing("us-west-2")}} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}
