package aws.s3.bucket_encryption_test

import rego.v1

import data.aws.s3.bucket_encryption as rule
import data.lib.infracheck as lib

sse(alg) := [{"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": alg, "kms_master_key_id": ""}], "bucket_key_enabled": false}]}]

bucket(address, values) := lib.mock_resource(address, object.union({"bucket": "b"}, values))

config(address, bucket_address, alg) := object.union(
	lib.mock_resource(address, {"rule": sse(alg)[0].rule}),
	{"references": {"bucket": [bucket_address]}},
)

msg_fail := "bucket has no default server-side encryption (AES256, aws:kms or aws:kms:dsse)"

msg_unknown := "default server-side encryption is not known until apply"

# --- v3 inline block

test_inline_aes256_passes if {
	b := bucket("aws_s3_bucket.a", {"server_side_encryption_configuration": sse("AES256")})
	inp := lib.mock_input([b])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_inline_kms_and_dsse_pass if {
	b1 := bucket("aws_s3_bucket.a", {"server_side_encryption_configuration": sse("aws:kms")})
	b2 := bucket("aws_s3_bucket.b", {"server_side_encryption_configuration": sse("aws:kms:dsse")})
	inp := lib.mock_input([b1, b2])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_inline_bad_algorithm_fails if {
	b := bucket("aws_s3_bucket.a", {"server_side_encryption_configuration": sse("none")})
	inp := lib.mock_input([b])
	rule.deny == {{"address": "aws_s3_bucket.a", "message": msg_fail}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_no_encryption_fails if {
	b := bucket("aws_s3_bucket.a", {"server_side_encryption_configuration": []})
	inp := lib.mock_input([b])
	rule.deny == {{"address": "aws_s3_bucket.a", "message": msg_fail}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_inline_unknown_is_unknown if {
	# provider v4+ plans show the deprecated inline block as computed
	b := object.union(bucket("aws_s3_bucket.a", {}), {"unknown": {"server_side_encryption_configuration": true}})
	inp := lib.mock_input([b])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_s3_bucket.a", "message": msg_unknown}} with input as inp
}

# --- v4+ separate resource

test_split_config_passes_even_when_inline_unknown if {
	b := object.union(bucket("aws_s3_bucket.a", {}), {"unknown": {"server_side_encryption_configuration": true}})
	c := config("aws_s3_bucket_server_side_encryption_configuration.a", "aws_s3_bucket.a", "aws:kms")
	inp := lib.mock_input([b, c])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_split_config_for_other_bucket_does_not_count if {
	a := bucket("aws_s3_bucket.a", {"server_side_encryption_configuration": []})
	b := bucket("aws_s3_bucket.b", {"server_side_encryption_configuration": []})
	c := config("aws_s3_bucket_server_side_encryption_configuration.b", "aws_s3_bucket.b", "AES256")
	inp := lib.mock_input([a, b, c])
	rule.deny == {{"address": "aws_s3_bucket.a", "message": msg_fail}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_split_config_with_unknown_rule_is_unknown if {
	b := bucket("aws_s3_bucket.a", {"server_side_encryption_configuration": []})
	c := object.union(
		lib.mock_resource("aws_s3_bucket_server_side_encryption_configuration.a", {}),
		{"references": {"bucket": ["aws_s3_bucket.a"]}, "unknown": {"rule": true}},
	)
	inp := lib.mock_input([b, c])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_s3_bucket.a", "message": msg_unknown}} with input as inp
}

test_unresolved_join_is_unknown if {
	b := bucket("aws_s3_bucket.a", {"server_side_encryption_configuration": []})
	c := lib.mock_resource("aws_s3_bucket_server_side_encryption_configuration.x", {"rule": sse("AES256")[0].rule})
	inp := object.union(lib.mock_input([b, c]), {"unresolved": {"aws_s3_bucket_server_side_encryption_configuration": ["aws_s3_bucket_server_side_encryption_configuration.x"]}})
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_s3_bucket.a", "message": msg_unknown}} with input as inp
}

# --- modules

test_module_buckets if {
	ok := object.union(bucket(`module.app.aws_s3_bucket.this["a"]`, {}), {"unknown": {"server_side_encryption_configuration": true}})
	c := config(`module.app.aws_s3_bucket_server_side_encryption_configuration.this["a"]`, `module.app.aws_s3_bucket.this["a"]`, "AES256")
	bad := bucket(`module.app.aws_s3_bucket.this["b"]`, {"server_side_encryption_configuration": []})
	inp := lib.mock_input([ok, c, bad])
	rule.deny == {{"address": `module.app.aws_s3_bucket.this["b"]`, "message": msg_fail}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_null_attributes_fail_without_error if {
	b := bucket("aws_s3_bucket.a", {"server_side_encryption_configuration": null})
	c := object.union(lib.mock_resource("aws_s3_bucket_server_side_encryption_configuration.a", {"rule": null}), {"references": {"bucket": ["aws_s3_bucket.a"]}})
	d := bucket("aws_s3_bucket.d", {"server_side_encryption_configuration": [{"rule": [{"apply_server_side_encryption_by_default": null}]}]})
	inp := lib.mock_input([b, c, d])
	rule.deny == {
		{"address": "aws_s3_bucket.a", "message": msg_fail},
		{"address": "aws_s3_bucket.d", "message": msg_fail},
	} with input as inp
}
