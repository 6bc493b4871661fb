package aws.dynamodb.autoscaling_test

import rego.v1

import data.aws.dynamodb.autoscaling as rule
import data.lib.infracheck as lib

cfg := {"ddb_autoscaling_target": 70, "ddb_autoscaling_min": 1, "ddb_autoscaling_max": 10}

read := "dynamodb:table:ReadCapacityUnits"

write := "dynamodb:table:WriteCapacityUnits"

table(address, values) := lib.mock_resource(address, object.union(
	{"name": "app", "billing_mode": "PROVISIONED", "read_capacity": 5, "write_capacity": 5},
	values,
))

target(address, table_address, dim, min, max) := object.union(
	lib.mock_resource(address, {
		"service_namespace": "dynamodb", "resource_id": "table/app", "scalable_dimension": dim,
		"min_capacity": min, "max_capacity": max,
	}),
	{"references": {"resource_id": [table_address]}},
)

policy(address, target_address, dim, type, value) := object.union(
	lib.mock_resource(address, {
		"name": "scale", "policy_type": type, "service_namespace": "dynamodb",
		"resource_id": "table/app", "scalable_dimension": dim,
		"target_tracking_scaling_policy_configuration": [{
			"target_value": value, "disable_scale_in": false,
			"predefined_metric_specification": [{"predefined_metric_type": "DynamoDBReadCapacityUtilization", "resource_label": ""}],
		}],
	}),
	{"references": {
		"resource_id": [target_address], "scalable_dimension": [target_address],
		"service_namespace": [target_address],
	}},
)

# Read and write targets with target-tracking policies for the table at `t`
# (resources named <prefix>read / <prefix>write).
scaling(t, prefix) := [
	target(concat("", [prefix, "aws_appautoscaling_target.read"]), t, read, 1, 10),
	policy(concat("", [prefix, "aws_appautoscaling_policy.read"]), concat("", [prefix, "aws_appautoscaling_target.read"]), read, "TargetTrackingScaling", 70),
	target(concat("", [prefix, "aws_appautoscaling_target.write"]), t, write, 1, 10),
	policy(concat("", [prefix, "aws_appautoscaling_policy.write"]), concat("", [prefix, "aws_appautoscaling_target.write"]), write, "TargetTrackingScaling", 70),
]

# `scaling` with the resource at `address` replaced by `r`.
replace(rs, address, r) := [x | some y in rs; x := pick(y, address, r)]

pick(y, address, r) := r if y.address == address

pick(y, address, _) := y if y.address != address

no_target(t, dim) := {"address": t, "message": sprintf("no auto scaling target for %s", [dim])}

test_on_demand_passes if {
	inp := lib.mock_input([table("aws_dynamodb_table.a", {"billing_mode": "PAY_PER_REQUEST"})])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_provisioned_with_scaling_passes if {
	inp := lib.mock_input(array.concat([table("aws_dynamodb_table.a", {})], scaling("aws_dynamodb_table.a", "")))
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_provisioned_without_scaling_fails if {
	# billing_mode left out is PROVISIONED.
	inp := lib.mock_input([table("aws_dynamodb_table.a", {}), table("aws_dynamodb_table.b", {"billing_mode": null})])
	rule.deny == {
		no_target("aws_dynamodb_table.a", read), no_target("aws_dynamodb_table.a", write),
		no_target("aws_dynamodb_table.b", read), no_target("aws_dynamodb_table.b", write),
	} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_wrong_capacity_bounds_fail if {
	rs := replace(
		scaling("aws_dynamodb_table.a", ""), "aws_appautoscaling_target.write",
		target("aws_appautoscaling_target.write", "aws_dynamodb_table.a", write, 2, 5),
	)
	inp := lib.mock_input(array.concat([table("aws_dynamodb_table.a", {})], rs))
	rule.deny == {{
		"address": "aws_dynamodb_table.a",
		"message": "auto scaling target aws_appautoscaling_target.write for dynamodb:table:WriteCapacityUnits: min_capacity 2 (want 1); max_capacity 5 (want 10)",
	}} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_missing_or_wrong_policy_fails if {
	rs := replace(
		[x | some x in scaling("aws_dynamodb_table.a", ""); x.address != "aws_appautoscaling_policy.write"],
		"aws_appautoscaling_policy.read",
		policy("aws_appautoscaling_policy.read", "aws_appautoscaling_target.read", read, "StepScaling", 70),
	)
	inp := lib.mock_input(array.concat([table("aws_dynamodb_table.a", {})], rs))
	rule.deny == {
		{"address": "aws_dynamodb_table.a", "message": "auto scaling target aws_appautoscaling_target.read for dynamodb:table:ReadCapacityUnits: no TargetTrackingScaling policy with target_value 70"},
		{"address": "aws_dynamodb_table.a", "message": "auto scaling target aws_appautoscaling_target.write for dynamodb:table:WriteCapacityUnits: no TargetTrackingScaling policy with target_value 70"},
	} with input as inp with data.infracheck.config as cfg
}

test_target_value_setting_changes_the_verdict if {
	inp := lib.mock_input(array.concat([table("aws_dynamodb_table.a", {})], scaling("aws_dynamodb_table.a", "")))
	c := object.union(cfg, {"ddb_autoscaling_target": 50})
	rule.deny == {
		{"address": "aws_dynamodb_table.a", "message": "auto scaling target aws_appautoscaling_target.read for dynamodb:table:ReadCapacityUnits: no TargetTrackingScaling policy with target_value 50"},
		{"address": "aws_dynamodb_table.a", "message": "auto scaling target aws_appautoscaling_target.write for dynamodb:table:WriteCapacityUnits: no TargetTrackingScaling policy with target_value 50"},
	} with input as inp with data.infracheck.config as c
}

test_capacity_settings_change_the_verdict if {
	inp := lib.mock_input(array.concat([table("aws_dynamodb_table.a", {})], scaling("aws_dynamodb_table.a", "")))
	c := object.union(cfg, {"ddb_autoscaling_max": 20})
	rule.deny == {
		{"address": "aws_dynamodb_table.a", "message": "auto scaling target aws_appautoscaling_target.read for dynamodb:table:ReadCapacityUnits: max_capacity 10 (want 20)"},
		{"address": "aws_dynamodb_table.a", "message": "auto scaling target aws_appautoscaling_target.write for dynamodb:table:WriteCapacityUnits: max_capacity 10 (want 20)"},
	} with input as inp with data.infracheck.config as c
}

# Live data: no references, joined by resource_id and scalable_dimension.
unreferenced(r) := object.union(object.remove(r, ["references"]), {"references": {}})

test_join_by_resource_id if {
	rs := [unreferenced(x) | some x in scaling("aws_dynamodb_table.a", "")]
	other := object.union(target("aws_appautoscaling_target.other", "", read, 1, 10), {"values": {"resource_id": "table/other"}, "references": {}})
	inp := lib.mock_input(array.concat([table("aws_dynamodb_table.a", {}), table("aws_dynamodb_table.b", {"name": "other"})], array.concat(rs, [other])))
	rule.deny == {
		no_target("aws_dynamodb_table.b", write),
		{"address": "aws_dynamodb_table.b", "message": "auto scaling target aws_appautoscaling_target.other for dynamodb:table:ReadCapacityUnits: no TargetTrackingScaling policy with target_value 70"},
	} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_gsi_targets_do_not_count if {
	gsi := object.union(
		target("aws_appautoscaling_target.gsi", "aws_dynamodb_table.a", "dynamodb:index:ReadCapacityUnits", 1, 10),
		{"values": {"resource_id": "table/app/index/by-user"}},
	)
	inp := lib.mock_input([table("aws_dynamodb_table.a", {}), gsi])
	rule.deny == {no_target("aws_dynamodb_table.a", read), no_target("aws_dynamodb_table.a", write)} with input as inp with data.infracheck.config as cfg
}

test_billing_mode_unknown_is_unknown if {
	t := object.union(table("aws_dynamodb_table.a", {"billing_mode": null}), {"unknown": {"billing_mode": true}})
	inp := lib.mock_input([t])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.unknown == {{"address": "aws_dynamodb_table.a", "message": "billing mode is not known until apply"}} with input as inp with data.infracheck.config as cfg
}

test_unknown_bounds_and_target_value_are_unknown if {
	tr := object.union(target("aws_appautoscaling_target.read", "aws_dynamodb_table.a", read, null, 10), {"unknown": {"min_capacity": true}})
	pw := object.union(
		policy("aws_appautoscaling_policy.write", "aws_appautoscaling_target.write", write, "TargetTrackingScaling", null),
		{"unknown": {"target_tracking_scaling_policy_configuration.0.target_value": true}},
	)
	rs := replace(replace(scaling("aws_dynamodb_table.a", ""), tr.address, tr), pw.address, pw)
	inp := lib.mock_input(array.concat([table("aws_dynamodb_table.a", {})], rs))
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.unknown == {
		{"address": "aws_dynamodb_table.a", "message": "auto scaling of dynamodb:table:ReadCapacityUnits is not known until apply"},
		{"address": "aws_dynamodb_table.a", "message": "auto scaling of dynamodb:table:WriteCapacityUnits is not known until apply"},
	} with input as inp with data.infracheck.config as cfg
}

test_known_problem_beats_unknown_value if {
	tr := object.union(target("aws_appautoscaling_target.read", "aws_dynamodb_table.a", read, null, 99), {"unknown": {"min_capacity": true}})
	rs := replace(scaling("aws_dynamodb_table.a", ""), tr.address, tr)
	inp := lib.mock_input(array.concat([table("aws_dynamodb_table.a", {})], rs))
	rule.deny == {{
		"address": "aws_dynamodb_table.a",
		"message": "auto scaling target aws_appautoscaling_target.read for dynamodb:table:ReadCapacityUnits: max_capacity 99 (want 10)",
	}} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_unresolved_targets_and_policies_are_unknown if {
	stray := lib.mock_resource("aws_appautoscaling_target.x", {"scalable_dimension": read})
	inp := object.union(
		lib.mock_input([table("aws_dynamodb_table.a", {}), stray]),
		{"unresolved": {"aws_appautoscaling_target": ["aws_appautoscaling_target.x"]}},
	)
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.unknown == {
		{"address": "aws_dynamodb_table.a", "message": "auto scaling of dynamodb:table:ReadCapacityUnits is not known until apply"},
		{"address": "aws_dynamodb_table.a", "message": "auto scaling of dynamodb:table:WriteCapacityUnits is not known until apply"},
	} with input as inp with data.infracheck.config as cfg
	rs := [x | some x in scaling("aws_dynamodb_table.a", ""); x.type == "aws_appautoscaling_target"]
	stray_policy := lib.mock_resource("aws_appautoscaling_policy.x", {"policy_type": "TargetTrackingScaling"})
	inp2 := object.union(
		lib.mock_input(array.concat([table("aws_dynamodb_table.a", {}), stray_policy], rs)),
		{"unresolved": {"aws_appautoscaling_policy": ["aws_appautoscaling_policy.x"]}},
	)
	count(rule.deny) == 0 with input as inp2 with data.infracheck.config as cfg
	count(rule.unknown) == 2 with input as inp2 with data.infracheck.config as cfg
}

test_module_tables if {
	ok := table("module.db.aws_dynamodb_table.orders", {})
	bad := table("module.db.aws_dynamodb_table.sessions", {"name": "sessions"})
	inp := lib.mock_input(array.concat([ok, bad], scaling("module.db.aws_dynamodb_table.orders", "module.db.")))
	rule.deny == {
		no_target("module.db.aws_dynamodb_table.sessions", read),
		no_target("module.db.aws_dynamodb_table.sessions", write),
	} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}
