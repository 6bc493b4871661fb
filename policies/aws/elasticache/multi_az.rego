# METADATA
# title: ElastiCache Redis replication groups are Multi-AZ with automatic failover
# description: >-
#   Every Redis or Valkey aws_elasticache_replication_group (engine "redis",
#   "valkey" or left out) has multi_az_enabled and automatic_failover_enabled true
#   (booleans, or "true" as a string); both default to false.
# custom:
#   id: CACHE-002
#   severity: medium
#   resource_types: [aws_elasticache_replication_group]
#   frameworks:
#     aws-fsbp: [ElastiCache.3]
#   remediation: |-
#     Enable Multi-AZ and automatic failover (they need at least one replica):
#
#       resource "aws_elasticache_replication_group" "this" {
#         # ...
#         num_cache_clusters         = 2
#         multi_az_enabled           = true
#         automatic_failover_enabled = true
#       }
package aws.elasticache.multi_az

import rego.v1

import data.lib.infracheck as lib

settings := ["multi_az_enabled", "automatic_failover_enabled"]

names := {"multi_az_enabled": "Multi-AZ", "automatic_failover_enabled": "automatic failover"}

deny contains {"address": addr, "message": sprintf("%s not enabled (%s)", [concat(" and ", [names[a] | some a in off]), concat(", ", off)])} if {
	some addr, v in states
	off := [a | some a in settings; v[a] == "off"]
	count(off) > 0
}

unknown contains {"address": addr, "message": sprintf("%s not known until apply", [concat(", ", undecided)])} if {
	some addr, v in states
	not "off" in {st | some st in v}
	undecided := [a | some a in settings; v[a] == "unknown"]
	count(undecided) > 0
}

# One evaluation per group: setting -> "on" | "off" | "unknown".
states[g.address] := {a: state(g, a) | some a in settings} if {
	some g in lib.resources("aws_elasticache_replication_group")
	not other_engine(g)
}

# Redis and Valkey are in scope (the default engine is redis; an unknown engine
# stays in scope).
other_engine(g) if {
	e := object.get(g.values, "engine", null)
	is_string(e)
	not lower(e) in {"redis", "valkey"}
}

state(g, attr) := "unknown" if {
	infracheck.is_unknown_at(g.unknown, attr)
} else := "on" if {
	object.get(g.values, attr, false) in {true, "true"}
} else := "off"
