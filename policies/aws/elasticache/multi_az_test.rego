package aws.elasticache.multi_az_test

import rego.v1

import data.aws.elasticache.multi_az as rule
import data.lib.infracheck as lib

group(address, values) := lib.mock_resource(address, object.union(
	{
		"replication_group_id": "app", "description": "app cache", "engine": "redis", "node_type": "cache.r6g.large",
		"num_cache_clusters": 2, "at_rest_encryption_enabled": true, "transit_encryption_enabled": true,
	},
	values,
))

both(v) := {"multi_az_enabled": v, "automatic_failover_enabled": v}

test_both_enabled_passes if {
	inp := lib.mock_input([
		group("aws_elasticache_replication_group.a", both(true)),
		group("aws_elasticache_replication_group.b", object.union(both("true"), {"engine": "valkey"})),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_missing_settings_fail if {
	inp := lib.mock_input([
		group("aws_elasticache_replication_group.a", {"multi_az_enabled": false, "automatic_failover_enabled": true}),
		group("aws_elasticache_replication_group.b", {"multi_az_enabled": true, "automatic_failover_enabled": null}),
		group("aws_elasticache_replication_group.c", {}),
	])
	rule.deny == {
		{"address": "aws_elasticache_replication_group.a", "message": "Multi-AZ not enabled (multi_az_enabled)"},
		{"address": "aws_elasticache_replication_group.b", "message": "automatic failover not enabled (automatic_failover_enabled)"},
		{"address": "aws_elasticache_replication_group.c", "message": "Multi-AZ and automatic failover not enabled (multi_az_enabled, automatic_failover_enabled)"},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unknown_is_unknown if {
	g := object.union(group("aws_elasticache_replication_group.a", {"multi_az_enabled": true}), {"unknown": {"automatic_failover_enabled": true}})
	inp := lib.mock_input([g])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_elasticache_replication_group.a", "message": "automatic_failover_enabled not known until apply"}} with input as inp
}

test_known_off_beats_unknown if {
	g := object.union(group("aws_elasticache_replication_group.a", {"multi_az_enabled": false}), {"unknown": {"automatic_failover_enabled": true}})
	inp := lib.mock_input([g])
	rule.deny == {{"address": "aws_elasticache_replication_group.a", "message": "Multi-AZ not enabled (multi_az_enabled)"}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_module_groups if {
	ok := group(`module.cache["primary"].aws_elasticache_replication_group.this`, both(true))
	bad := group(`module.cache["secondary"].aws_elasticache_replication_group.this`, both(false))
	inp := lib.mock_input([ok, bad])
	rule.deny == {{"address": `module.cache["secondary"].aws_elasticache_replication_group.this`, "message": "Multi-AZ and automatic failover not enabled (multi_az_enabled, automatic_failover_enabled)"}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_engine_scope if {
	other := group("aws_elasticache_replication_group.other", object.union(both(false), {"engine": "memcached"}))
	valkey := group("aws_elasticache_replication_group.valkey", object.union(both(false), {"engine": "valkey"}))
	inp := lib.mock_input([other, valkey])
	{d.address | some d in rule.deny} == {"aws_elasticache_replication_group.valkey"} with input as inp
}
