# METADATA
# title: Provisioned DynamoDB tables auto scale read and write capacity
# description: >-
#   On-demand tables (billing_mode PAY_PER_REQUEST) pass. A provisioned table needs,
#   for both dynamodb:table:ReadCapacityUnits and dynamodb:table:WriteCapacityUnits,
#   an aws_appautoscaling_target (joined by reference or by resource_id
#   "table/<name>") with min_capacity = ddb_autoscaling_min and max_capacity =
#   ddb_autoscaling_max, and a TargetTrackingScaling aws_appautoscaling_policy on
#   that target with target_value = ddb_autoscaling_target (defaults 1, 10, 70%).
# custom:
#   id: DDB-003
#   severity: medium
#   resource_types: [aws_dynamodb_table]
#   frameworks:
#     aws-fsbp: [DynamoDB.1]
#   remediation: |-
#     Switch the table to on-demand (billing_mode = "PAY_PER_REQUEST"), or add a
#     target and a target-tracking policy for reads (and the same for writes, with
#     dynamodb:table:WriteCapacityUnits and DynamoDBWriteCapacityUtilization):
#
#       resource "aws_appautoscaling_target" "read" {
#         service_namespace  = "dynamodb"
#         resource_id        = "table/${aws_dynamodb_table.this.name}"
#         scalable_dimension = "dynamodb:table:ReadCapacityUnits"
#         min_capacity       = 1
#         max_capacity       = 10
#       }
#
#       resource "aws_appautoscaling_policy" "read" {
#         name               = "read-target-tracking"
#         policy_type        = "TargetTrackingScaling"
#         service_namespace  = aws_appautoscaling_target.read.service_namespace
#         resource_id        = aws_appautoscaling_target.read.resource_id
#         scalable_dimension = aws_appautoscaling_target.read.scalable_dimension
#         target_tracking_scaling_policy_configuration {
#           target_value = 70
#           predefined_metric_specification {
#             predefined_metric_type = "DynamoDBReadCapacityUtilization"
#           }
#         }
#       }
package aws.dynamodb.autoscaling

import rego.v1

import data.lib.infracheck as lib

# Settings, read once (reading data.infracheck.config is not free).
want_min := lib.config("ddb_autoscaling_min")

want_max := lib.config("ddb_autoscaling_max")

want_target := lib.config("ddb_autoscaling_target")

target_type := "aws_appautoscaling_target"

policy_type := "aws_appautoscaling_policy"

dimensions := ["dynamodb:table:ReadCapacityUnits", "dynamodb:table:WriteCapacityUnits"]

target_value_path := "target_tracking_scaling_policy_configuration.0.target_value"

target_value_keys := ["target_tracking_scaling_policy_configuration", 0, "target_value"]

deny contains {"address": addr, "message": msg} if {
	some addr, v in verdicts
	some msg in v.fail
}

unknown contains {"address": addr, "message": msg} if {
	some addr, v in verdicts
	some msg in v.unknown
}

# One evaluation per table: {"fail": [messages], "unknown": [messages]}.
verdicts[t.address] := table_verdict(t, targets(t)) if {
	some t in lib.resources("aws_dynamodb_table")
}

passed := {"fail": [], "unknown": []}

table_verdict(t, ts) := passed if {
	not infracheck.is_unknown_at(t.unknown, "billing_mode")
	object.get(t.values, "billing_mode", null) == "PAY_PER_REQUEST"
} else := v if {
	dims := [dim_verdict(t, ts, dim) | some dim in dimensions]
	v := by_billing_mode(t, {
		"fail": [msg | some d in dims; some msg in d.fail],
		"unknown": [msg | some d in dims; some msg in d.unknown],
	})
}

# PROVISIONED is the default billing mode; an unknown one matters only when the
# table does not auto scale.
by_billing_mode(t, v) := v if {
	not infracheck.is_unknown_at(t.unknown, "billing_mode")
} else := passed if {
	count(v.fail) + count(v.unknown) == 0
} else := {"fail": [], "unknown": ["billing mode is not known until apply"]}

dim_verdict(t, ts, dim) := dim_verdict_of(t, ts, dim, [x | some x in ts; object.get(x.values, "scalable_dimension", null) == dim])

dim_verdict_of(t, ts, dim, xs) := passed if {
	some x in xs
	good_target(x)
} else := undecided(dim) if {
	# No known problem: unknown values decide.
	some x in xs
	count(problems(x)) == 0
} else := undecided(dim) if {
	some x in ts
	infracheck.is_unknown_at(x.unknown, "scalable_dimension")
} else := undecided(dim) if {
	count(xs) == 0
	lib.has_unresolved(target_type)
} else := undecided(dim) if {
	count(xs) == 0
	infracheck.is_unknown_at(t.unknown, "name")
	count(lib.resources(target_type)) > 0
} else := {"fail": [sprintf("no auto scaling target for %s", [dim])], "unknown": []} if {
	count(xs) == 0
} else := {"fail": [sprintf("auto scaling target %s for %s: %s", [x.address, dim, concat("; ", problems(x))]) | some x in xs], "unknown": []}

undecided(dim) := {"fail": [], "unknown": [sprintf("auto scaling of %s is not known until apply", [dim])]}

# Targets by resource_id, for joins by value (one pass over the targets).
targets_by_resource_id[rid] contains x.address if {
	some x in lib.resources(target_type)
	rid := object.get(x.values, "resource_id", null)
	is_string(rid)
}

# Policies by resource_id and dimension, for joins by value.
policies_by_key[key] contains p.address if {
	some p in lib.resources(policy_type)
	key := target_key(p)
}

target_key(r) := concat("|", [rid, dim]) if {
	rid := object.get(r.values, "resource_id", null)
	dim := object.get(r.values, "scalable_dimension", null)
	is_string(rid)
	is_string(dim)
}

# The auto scaling targets of table `t`: those that refer to it, or else those
# whose resource_id is "table/<name>" in the same region (live data).
targets(t) := ts if {
	ts := infracheck.referrers(input, t, target_type)
	count(ts) > 0
} else := [x |
	some a in object.get(targets_by_resource_id, concat("", ["table/", object.get(t.values, "name", "")]), set())
	x := input.resources[a]
	same_region(t, x)
]

same_region(a, b) if count({a.region, b.region} - {null}) < 2

# The policies of target `x`: those that refer to it, or else those with its
# resource_id and scalable_dimension in the same region (live data).
policies(x) := ps if {
	ps := infracheck.referrers(input, x, policy_type)
	count(ps) > 0
} else := [p |
	key := target_key(x)
	some a in object.get(policies_by_key, key, set())
	p := input.resources[a]
	same_region(x, p)
]

good_target(x) if {
	not infracheck.is_unknown_at(x.unknown, "min_capacity")
	not infracheck.is_unknown_at(x.unknown, "max_capacity")
	lib.number_value(object.get(x.values, "min_capacity", null)) == want_min
	lib.number_value(object.get(x.values, "max_capacity", null)) == want_max
	some p in policies(x)
	good_policy(p)
}

# What target `x` lacks, from known values only.
problems(x) := [check.msg |
	some check in checks(x)
	check.bad
]

checks(x) := [
	{
		"bad": bad_number(x, "min_capacity", want_min),
		"msg": sprintf("min_capacity %v (want %v)", [object.get(x.values, "min_capacity", null), want_min]),
	},
	{
		"bad": bad_number(x, "max_capacity", want_max),
		"msg": sprintf("max_capacity %v (want %v)", [object.get(x.values, "max_capacity", null), want_max]),
	},
	{
		"bad": no_policy(x),
		"msg": sprintf("no TargetTrackingScaling policy with target_value %v", [want_target]),
	},
]

# True when attribute `attr` of `r` is known and not the number `want`.
bad_number(r, attr, want) := false if {
	infracheck.is_unknown_at(r.unknown, attr)
} else := false if {
	lib.number_value(object.get(r.values, attr, null)) == want
} else := true

good_policy(p) if {
	not infracheck.is_unknown_at(p.unknown, "policy_type")
	not infracheck.is_unknown_at(p.unknown, target_value_path)
	object.get(p.values, "policy_type", null) == "TargetTrackingScaling"
	lib.number_value(object.get(p.values, target_value_keys, null)) == want_target
}

# The policy may be a good one once its unknown values are known.
maybe_policy(p) if {
	not good_policy(p)
	maybe_tracking(p)
	maybe_target_value(p)
}

maybe_tracking(p) if object.get(p.values, "policy_type", null) == "TargetTrackingScaling"

maybe_tracking(p) if infracheck.is_unknown_at(p.unknown, "policy_type")

maybe_target_value(p) if lib.number_value(object.get(p.values, target_value_keys, null)) == want_target

maybe_target_value(p) if infracheck.is_unknown_at(p.unknown, target_value_path)

# Known: no good policy, none that may be good, and no unresolved policy.
no_policy(x) := false if {
	some p in policies(x)
	good_policy(p)
} else := false if {
	some p in policies(x)
	maybe_policy(p)
} else := false if {
	count(policies(x)) == 0
	lib.has_unresolved(policy_type)
} else := true

