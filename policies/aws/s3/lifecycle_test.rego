package aws.s3.lifecycle_test

import rego.v1

import data.aws.s3.lifecycle as rule
import data.lib.infracheck as lib

bucket(address, values) := lib.mock_resource(address, object.union({"bucket": "b"}, values))

new_bucket(address) := object.union(bucket(address, {}), {"unknown": {"versioning": true, "policy": true, "lifecycle_rule": true}})

tiering_rule(status) := {
	"id": "intelligent-tiering", "status": status, "filter": [{"prefix": ""}],
	"transition": [{"days": 0, "storage_class": "INTELLIGENT_TIERING", "date": null}],
}

lifecycle(address, bucket_address, rules) := object.union(
	lib.mock_resource(address, {"rule": rules}),
	{"references": {"bucket": [bucket_address]}},
)

inline_rule(enabled) := {"id": "expire", "enabled": enabled, "prefix": "", "expiration": [{"days": 365}]}

msg_missing := "bucket has no lifecycle configuration (no aws_s3_bucket_lifecycle_configuration and no enabled inline lifecycle_rule)"

msg_unknown := "lifecycle configuration is not known until apply"

# --- v3 inline rules

test_inline_enabled_rule_passes if {
	inp := lib.mock_input([bucket("aws_s3_bucket.a", {"lifecycle_rule": [inline_rule(false), inline_rule(true)]})])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_inline_disabled_rules_fail if {
	inp := lib.mock_input([bucket("aws_s3_bucket.a", {"lifecycle_rule": [inline_rule(false)]}), bucket("aws_s3_bucket.b", {"lifecycle_rule": null})])
	rule.deny == {
		{"address": "aws_s3_bucket.a", "message": msg_missing},
		{"address": "aws_s3_bucket.b", "message": msg_missing},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_inline_enabled_unknown_is_unknown if {
	b := object.union(bucket("aws_s3_bucket.a", {"lifecycle_rule": [{"id": "x"}]}), {"unknown": {"lifecycle_rule.0.enabled": true}})
	inp := lib.mock_input([b])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_s3_bucket.a", "message": msg_unknown}} with input as inp
}

# --- v4+ split resource

test_split_enabled_passes if {
	inp := lib.mock_input([
		new_bucket("aws_s3_bucket.a"),
		lifecycle("aws_s3_bucket_lifecycle_configuration.a", "aws_s3_bucket.a", [tiering_rule("Disabled"), tiering_rule("Enabled")]),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_split_all_disabled_fails if {
	inp := lib.mock_input([
		new_bucket("aws_s3_bucket.a"),
		lifecycle("aws_s3_bucket_lifecycle_configuration.a", "aws_s3_bucket.a", [tiering_rule("Disabled")]),
	])
	rule.deny == {{"address": "aws_s3_bucket.a", "message": "lifecycle configuration aws_s3_bucket_lifecycle_configuration.a has no rule with status Enabled"}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_split_status_unknown_is_unknown if {
	c := object.union(
		lifecycle("aws_s3_bucket_lifecycle_configuration.a", "aws_s3_bucket.a", [object.remove(tiering_rule(""), ["status"])]),
		{"unknown": {"rule.0.status": true}},
	)
	inp := lib.mock_input([new_bucket("aws_s3_bucket.a"), c])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_s3_bucket.a", "message": msg_unknown}} with input as inp
}

test_split_rules_unknown_is_unknown if {
	c := object.union(lib.mock_resource("aws_s3_bucket_lifecycle_configuration.a", {}), {"references": {"bucket": ["aws_s3_bucket.a"]}, "unknown": {"rule": true}})
	inp := lib.mock_input([new_bucket("aws_s3_bucket.a"), c])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_s3_bucket.a", "message": msg_unknown}} with input as inp
}

test_new_bucket_without_split_is_unknown if {
	inp := lib.mock_input([new_bucket("aws_s3_bucket.a")])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_s3_bucket.a", "message": msg_unknown}} with input as inp
}

test_unresolved_split_is_unknown if {
	c := lib.mock_resource("aws_s3_bucket_lifecycle_configuration.x", {"rule": [tiering_rule("Enabled")]})
	inp := object.union(
		lib.mock_input([bucket("aws_s3_bucket.a", {"lifecycle_rule": []}), c]),
		{"unresolved": {"aws_s3_bucket_lifecycle_configuration": ["aws_s3_bucket_lifecycle_configuration.x"]}},
	)
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_s3_bucket.a", "message": msg_unknown}} with input as inp
}

test_module_buckets if {
	ok := new_bucket("module.primary.aws_s3_bucket.static")
	c := lifecycle("module.primary.aws_s3_bucket_lifecycle_configuration.static", "module.primary.aws_s3_bucket.static", [tiering_rule("Enabled")])
	bad := bucket("module.secondary.aws_s3_bucket.static", {"lifecycle_rule": []})
	inp := lib.mock_input([ok, c, bad])
	rule.deny == {{"address": "module.secondary.aws_s3_bucket.static", "message": msg_missing}} with input as inp
	count(rule.unknown) == 0 with input as inp
}
