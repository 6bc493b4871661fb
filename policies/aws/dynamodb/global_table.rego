# METADATA
# title: DynamoDB tables are global tables with a replica in the secondary region
# description: >-
#   Every DynamoDB table is replicated to the architecture's other region: the
#   secondary region (setting secondary_region) for a table outside it, the primary
#   region (primary_region) for a table in the secondary region. A replica counts
#   when it is a replica block with that region_name (global tables version
#   2019.11.21), an aws_dynamodb_table_replica of the table whose provider is in
#   that region, or a legacy aws_dynamodb_global_table of the table's name (or
#   referring to it) with a replica in that region. A table in the secondary region
#   that is itself part of such a global table passes.
# custom:
#   id: DDB-002
#   severity: high
#   resource_types: [aws_dynamodb_table]
#   remediation: |-
#     Add a replica in the secondary region (streams are required):
#
#       resource "aws_dynamodb_table" "this" {
#         # ...
#         stream_enabled   = true
#         stream_view_type = "NEW_AND_OLD_IMAGES"
#         replica {
#           region_name            = "us-west-2"
#           point_in_time_recovery = true
#         }
#       }
package aws.dynamodb.global_table

import rego.v1

import data.lib.infracheck as lib

replica_type := "aws_dynamodb_table_replica"

legacy_type := "aws_dynamodb_global_table"

deny contains {"address": addr, "message": sprintf("table has no replica in %s", [v.region])} if {
	some addr, v in verdicts
	v.verdict == "fail"
}

unknown contains {"address": addr, "message": sprintf("whether the table has a replica in %s is not known until apply", [v.region])} if {
	some addr, v in verdicts
	v.verdict == "unknown"
}

# One evaluation per table: {"verdict": "pass" | "fail" | "unknown", "region"}.
verdicts[t.address] := {"verdict": verdict(t, region), "region": region} if {
	some t in lib.resources("aws_dynamodb_table")
	region := partner_region(t)
}

# The region the table must be replicated to.
partner_region(t) := primary if {
	t.region == secondary
} else := secondary

# Settings, read once (reading data.infracheck.config is not free).
primary := lib.config("primary_region")

secondary := lib.config("secondary_region")

verdict(t, region) := "pass" if {
	# Replica blocks (global tables version 2019.11.21).
	some replica in infracheck.get_list(t.values, "replica")
	object.get(replica, "region_name", null) == region
} else := "pass" if {
	# aws_dynamodb_table_replica resources of the table.
	some r in infracheck.referrers(input, t, replica_type)
	r.region == region
} else := "pass" if {
	# Legacy global tables (version 2017.11.29), joined by table name or reference.
	some g in legacy_tables(t)
	some replica in infracheck.get_list(g.values, "replica")
	object.get(replica, "region_name", null) == region
} else := "unknown" if {
	undecided(t)
} else := "fail"

# Legacy global tables by name (a small type: one pass over it).
legacy_by_name[name] contains g.address if {
	some g in lib.resources(legacy_type)
	name := object.get(g.values, "name", null)
	is_string(name)
}

legacy_tables(t) := [input.resources[a] | some a in legacy_addresses(t)]

legacy_addresses(t) := object.get(legacy_by_name, object.get(t.values, "name", ""), set()) | {g.address | some g in infracheck.referrers(input, t, legacy_type)}

undecided(t) if {
	t.unknown.replica
	not is_array(object.get(t.values, "replica", null))
}

undecided(t) if {
	some i, _ in infracheck.get_list(t.values, "replica")
	infracheck.is_unknown_at(t.unknown, sprintf("replica.%d.region_name", [i]))
}

undecided(t) if {
	some r in infracheck.referrers(input, t, replica_type)
	r.region == null
}

undecided(t) if lib.has_unresolved(replica_type)

undecided(t) if {
	some g in legacy_tables(t)
	infracheck.is_unknown(g.unknown, "replica")
}

undecided(t) if {
	count(lib.resources(legacy_type)) > 0
	infracheck.is_unknown_at(t.unknown, "name")
}

undecided(_) if {
	some g in lib.resources(legacy_type)
	infracheck.is_unknown_at(g.unknown, "name")
}
