package aws.elasticache.encryption_test

import rego.v1

import data.aws.elasticache.encryption as rule
import data.lib.infracheck as lib

group(address, values) := lib.mock_resource(address, object.union(
	{
		"replication_group_id": "app", "description": "app cache", "engine": "redis", "node_type": "cache.r6g.large",
		"num_cache_clusters": 2, "multi_az_enabled": true, "automatic_failover_enabled": true,
	},
	values,
))

both(v) := {"at_rest_encryption_enabled": v, "transit_encryption_enabled": v}

test_both_enabled_passes if {
	inp := lib.mock_input([
		group("aws_elasticache_replication_group.a", both(true)),
		group("aws_elasticache_replication_group.b", object.union(both("true"), {"engine": "valkey"})),
		group("aws_elasticache_replication_group.c", object.union(both(true), {"engine": null})),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_missing_encryption_fails if {
	inp := lib.mock_input([
		group("aws_elasticache_replication_group.a", {"at_rest_encryption_enabled": false, "transit_encryption_enabled": true}),
		group("aws_elasticache_replication_group.b", {"at_rest_encryption_enabled": true, "transit_encryption_enabled": "false"}),
		group("aws_elasticache_replication_group.c", {"engine": "valkey"}),
	])
	rule.deny == {
		{"address": "aws_elasticache_replication_group.a", "message": "encryption at rest is not enabled (at_rest_encryption_enabled)"},
		{"address": "aws_elasticache_replication_group.b", "message": "encryption in transit is not enabled (transit_encryption_enabled)"},
		{"address": "aws_elasticache_replication_group.c", "message": "encryption at rest and in transit are not enabled (at_rest_encryption_enabled, transit_encryption_enabled)"},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unknown_is_unknown if {
	g := object.union(group("aws_elasticache_replication_group.a", {"transit_encryption_enabled": true}), {"unknown": {"at_rest_encryption_enabled": true}})
	inp := lib.mock_input([g])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_elasticache_replication_group.a", "message": "at_rest_encryption_enabled not known until apply"}} with input as inp
}

test_known_off_beats_unknown if {
	g := object.union(group("aws_elasticache_replication_group.a", {"transit_encryption_enabled": false}), {"unknown": {"at_rest_encryption_enabled": true}})
	inp := lib.mock_input([g])
	rule.deny == {{"address": "aws_elasticache_replication_group.a", "message": "encryption in transit is not enabled (transit_encryption_enabled)"}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_global_datastore_member_takes_primary_settings if {
	primary := group("aws_elasticache_replication_group.primary", both(true))
	gd := object.union(
		lib.mock_resource("aws_elasticache_global_replication_group.this", {"global_replication_group_id_suffix": "app"}),
		{"references": {"primary_replication_group_id": ["aws_elasticache_replication_group.primary"]}},
	)
	member := object.union(
		object.union(group("aws_elasticache_replication_group.secondary", {}), {"region": "us-west-2"}),
		{"unknown": {"at_rest_encryption_enabled": true, "transit_encryption_enabled": true}, "references": {"global_replication_group_id": ["aws_elasticache_global_replication_group.this"]}},
	)
	inp := lib.mock_input([primary, gd, member])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
	weak := group("aws_elasticache_replication_group.primary", {"at_rest_encryption_enabled": true, "transit_encryption_enabled": false})
	inp2 := lib.mock_input([weak, gd, member])
	rule.deny == {
		{"address": "aws_elasticache_replication_group.primary", "message": "encryption in transit is not enabled (transit_encryption_enabled)"},
		{"address": "aws_elasticache_replication_group.secondary", "message": "encryption in transit is not enabled (transit_encryption_enabled)"},
	} with input as inp2
}

test_module_groups if {
	ok := group("module.primary.aws_elasticache_replication_group.this", both(true))
	bad := group("module.secondary.aws_elasticache_replication_group.this", both(false))
	inp := lib.mock_input([ok, bad])
	rule.deny == {{"address": "module.secondary.aws_elasticache_replication_group.this", "message": "encryption at rest and in transit are not enabled (at_rest_encryption_enabled, transit_encryption_enabled)"}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_engine_scope if {
	# Only Redis and Valkey are in scope; an unknown engine stays in scope.
	other := group("aws_elasticache_replication_group.other", object.union(both(false), {"engine": "memcached"}))
	unknown_engine := object.union(group("aws_elasticache_replication_group.u", both(false)), {"unknown": {"engine": true}})
	upper := group("aws_elasticache_replication_group.upper", object.union(both(false), {"engine": "Redis"}))
	inp := lib.mock_input([other, object.union(unknown_engine, {"values": object.remove(unknown_engine.values, ["engine"])}), upper])
	{d.address | some d in rule.deny} == {"aws_elasticache_replication_group.u", "aws_elasticache_replication_group.upper"} with input as inp
}
