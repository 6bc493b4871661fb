# METADATA
# title: ElastiCache Redis replication groups encrypt at rest and in transit
# description: >-
#   Every Redis or Valkey aws_elasticache_replication_group (engine "redis",
#   "valkey" or left out) has at_rest_encryption_enabled and
#   transit_encryption_enabled true (booleans, or "true" as a string). A member of
#   a Global Datastore whose own settings are unknown takes them from the global
#   datastore's primary replication group.
# custom:
#   id: CACHE-001
#   severity: high
#   resource_types: [aws_elasticache_replication_group]
#   frameworks:
#     aws-fsbp: [ElastiCache.4, ElastiCache.5]
#     pci-dss-4.0: ["4.2.1"]
#   remediation: |-
#     Enable both encryption settings (at-rest encryption replaces the group):
#
#       resource "aws_elasticache_replication_group" "this" {
#         # ...
#         engine                     = "redis"
#         at_rest_encryption_enabled = true
#         transit_encryption_enabled = true
#       }
package aws.elasticache.encryption

import rego.v1

import data.lib.infracheck as lib

settings := {
	"at_rest_encryption_enabled": "encryption at rest",
	"transit_encryption_enabled": "encryption in transit",
}

deny contains {"address": addr, "message": message(off)} if {
	some addr, v in states
	off := [a | some a, st in v; st == "off"]
	count(off) > 0
}

unknown contains {"address": addr, "message": sprintf("%s not known until apply", [concat(", ", undecided)])} if {
	some addr, v in states
	not "off" in {st | some st in v}
	undecided := [a | some a, st in v; st == "unknown"]
	count(undecided) > 0
}

# One evaluation per group: setting -> "on" | "off" | "unknown".
states[g.address] := {a: state(g, a) | some a, _ in settings} if {
	some g in lib.resources("aws_elasticache_replication_group")
	not other_engine(g)
}

message(off) := sprintf("%s is not enabled (%s)", [settings[off[0]], off[0]]) if {
	count(off) == 1
} else := sprintf("encryption at rest and in transit are not enabled (%s)", [concat(", ", off)])

# Redis and Valkey are in scope (the default engine is redis; an unknown engine
# stays in scope).
other_engine(g) if {
	e := object.get(g.values, "engine", null)
	is_string(e)
	not lower(e) in {"redis", "valkey"}
}

# The value of `attr` for group `g`: its own when known, else the one of the
# primary group of its Global Datastore.
state(g, attr) := on_off(object.get(g.values, attr, false)) if {
	not infracheck.is_unknown_at(g.unknown, attr)
} else := on_off(object.get(p.values, attr, false)) if {
	some gd in lib.referenced(g, "global_replication_group_id")
	gd.type == "aws_elasticache_global_replication_group"
	some p in lib.referenced(gd, "primary_replication_group_id")
	p.type == "aws_elasticache_replication_group"
	not infracheck.is_unknown_at(p.unknown, attr)
} else := "unknown"

on_off(v) := "on" if v in {true, "true"} else := "off"
