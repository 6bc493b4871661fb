package aws.s3.versioning_test

import rego.v1

import data.aws.s3.versioning as rule
import data.lib.infracheck as lib

bucket(address, values) := lib.mock_resource(address, object.union({"bucket": "b"}, values))

# A v5 bucket being created: the deprecated inline block is provider-computed.
new_bucket(address) := object.union(bucket(address, {}), {"unknown": {"versioning": true, "policy": true, "lifecycle_rule": true}})

versioning(address, bucket_address, status) := object.union(
	lib.mock_resource(address, {"versioning_configuration": [{"status": status, "mfa_delete": "Disabled"}]}),
	{"references": {"bucket": [bucket_address]}},
)

msg_missing := "bucket has no versioning (no aws_s3_bucket_versioning and no inline versioning block enabled)"

msg_unknown := "versioning is not known until apply"

# --- v3 inline block

test_inline_enabled_passes if {
	inp := lib.mock_input([bucket("aws_s3_bucket.a", {"versioning": [{"enabled": true, "mfa_delete": false}]})])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_inline_disabled_fails if {
	inp := lib.mock_input([bucket("aws_s3_bucket.a", {"versioning": [{"enabled": false, "mfa_delete": false}]})])
	rule.deny == {{"address": "aws_s3_bucket.a", "message": msg_missing}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_no_versioning_at_all_fails_without_error if {
	inp := lib.mock_input([bucket("aws_s3_bucket.a", {"versioning": null}), bucket("aws_s3_bucket.b", {})])
	rule.deny == {
		{"address": "aws_s3_bucket.a", "message": msg_missing},
		{"address": "aws_s3_bucket.b", "message": msg_missing},
	} with input as inp
}

test_inline_flag_unknown_is_unknown if {
	b := object.union(bucket("aws_s3_bucket.a", {"versioning": [{"mfa_delete": false}]}), {"unknown": {"versioning.0.enabled": true}})
	inp := lib.mock_input([b])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_s3_bucket.a", "message": msg_unknown}} with input as inp
}

test_inline_unknown_mfa_only_still_fails if {
	b := object.union(bucket("aws_s3_bucket.a", {"versioning": [{"enabled": false}]}), {"unknown": {"versioning.0.mfa_delete": true}})
	inp := lib.mock_input([b])
	rule.deny == {{"address": "aws_s3_bucket.a", "message": msg_missing}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

# --- v4+ split resource

test_split_enabled_passes if {
	inp := lib.mock_input([new_bucket("aws_s3_bucket.a"), versioning("aws_s3_bucket_versioning.a", "aws_s3_bucket.a", "Enabled")])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_split_suspended_fails if {
	inp := lib.mock_input([new_bucket("aws_s3_bucket.a"), versioning("aws_s3_bucket_versioning.a", "aws_s3_bucket.a", "Suspended")])
	rule.deny == {{"address": "aws_s3_bucket.a", "message": "versioning is not enabled by aws_s3_bucket_versioning.a (status Suspended)"}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_split_overrides_inline if {
	b := bucket("aws_s3_bucket.a", {"versioning": [{"enabled": true, "mfa_delete": false}]})
	inp := lib.mock_input([b, versioning("aws_s3_bucket_versioning.a", "aws_s3_bucket.a", "Disabled")])
	rule.deny == {{"address": "aws_s3_bucket.a", "message": "versioning is not enabled by aws_s3_bucket_versioning.a (status Disabled)"}} with input as inp
}

test_split_status_unknown_is_unknown if {
	v := object.union(
		lib.mock_resource("aws_s3_bucket_versioning.a", {"versioning_configuration": [{}]}),
		{"references": {"bucket": ["aws_s3_bucket.a"]}, "unknown": {"versioning_configuration.0.status": true}},
	)
	inp := lib.mock_input([new_bucket("aws_s3_bucket.a"), v])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_s3_bucket.a", "message": msg_unknown}} with input as inp
}

test_new_bucket_without_split_is_unknown if {
	inp := lib.mock_input([new_bucket("aws_s3_bucket.a")])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_s3_bucket.a", "message": msg_unknown}} with input as inp
}

test_unresolved_split_is_unknown if {
	v := lib.mock_resource("aws_s3_bucket_versioning.x", {"versioning_configuration": [{"status": "Enabled"}]})
	inp := object.union(lib.mock_input([bucket("aws_s3_bucket.a", {"versioning": [{"enabled": false}]}), v]), {"unresolved": {"aws_s3_bucket_versioning": ["aws_s3_bucket_versioning.x"]}})
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_s3_bucket.a", "message": msg_unknown}} with input as inp
}

test_versioning_of_other_bucket_does_not_count if {
	inp := lib.mock_input([
		bucket("aws_s3_bucket.a", {"versioning": []}), bucket("aws_s3_bucket.b", {"versioning": []}),
		versioning("aws_s3_bucket_versioning.b", "aws_s3_bucket.b", "Enabled"),
	])
	rule.deny == {{"address": "aws_s3_bucket.a", "message": msg_missing}} with input as inp
}

test_module_buckets if {
	ok := new_bucket(`module.site.aws_s3_bucket.this["a"]`)
	v := versioning(`module.site.aws_s3_bucket_versioning.this["a"]`, `module.site.aws_s3_bucket.this["a"]`, "Enabled")
	bad := new_bucket(`module.site.aws_s3_bucket.this["b"]`)
	vb := versioning(`module.site.aws_s3_bucket_versioning.this["b"]`, `module.site.aws_s3_bucket.this["b"]`, "Suspended")
	inp := lib.mock_input([ok, v, bad, vb])
	rule.deny == {{"address": `module.site.aws_s3_bucket.this["b"]`, "message": `versioning is not enabled by module.site.aws_s3_bucket_versioning.this["b"] (status Suspended)`}} with input as inp
	count(rule.unknown) == 0 with input as inp
}
