package aws.s3.public_access_block_test

import rego.v1

import data.aws.s3.public_access_block as rule
import data.lib.infracheck as lib

all_on := {"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true}

bucket(address) := lib.mock_resource(address, {"bucket": "b"})

pab(address, bucket_address, settings) := object.union(
	lib.mock_resource(address, settings),
	{"references": {"bucket": [bucket_address]}},
)

msg_missing := "bucket has no aws_s3_bucket_public_access_block"

msg_unknown := "public access block settings are not known until apply"

live(rs) := object.union(lib.mock_input(rs), {"scan": {"source": "live", "regions": ["us-east-1"], "accounts": ["111111111111", "222222222222"]}})

in_account(r, acct) := object.union(r, {"account": acct})

test_all_four_true_passes if {
	inp := lib.mock_input([bucket("aws_s3_bucket.a"), pab("aws_s3_bucket_public_access_block.a", "aws_s3_bucket.a", all_on)])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_missing_block_fails if {
	inp := lib.mock_input([bucket("aws_s3_bucket.a")])
	rule.deny == {{"address": "aws_s3_bucket.a", "message": msg_missing}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_false_settings_fail if {
	settings := object.union(all_on, {"block_public_policy": false, "restrict_public_buckets": false})
	inp := lib.mock_input([bucket("aws_s3_bucket.a"), pab("aws_s3_bucket_public_access_block.a", "aws_s3_bucket.a", settings)])
	rule.deny == {{
		"address": "aws_s3_bucket.a",
		"message": "public access block aws_s3_bucket_public_access_block.a does not set block_public_policy, restrict_public_buckets to true",
	}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_absent_setting_fails if {
	settings := object.remove(all_on, ["ignore_public_acls"])
	inp := lib.mock_input([bucket("aws_s3_bucket.a"), pab("aws_s3_bucket_public_access_block.a", "aws_s3_bucket.a", settings)])
	rule.deny == {{
		"address": "aws_s3_bucket.a",
		"message": "public access block aws_s3_bucket_public_access_block.a does not set ignore_public_acls to true",
	}} with input as inp
}

test_block_of_other_bucket_does_not_count if {
	inp := lib.mock_input([
		bucket("aws_s3_bucket.a"), bucket("aws_s3_bucket.b"),
		pab("aws_s3_bucket_public_access_block.b", "aws_s3_bucket.b", all_on),
	])
	rule.deny == {{"address": "aws_s3_bucket.a", "message": msg_missing}} with input as inp
}

test_unknown_setting_is_unknown if {
	p := object.union(
		pab("aws_s3_bucket_public_access_block.a", "aws_s3_bucket.a", object.remove(all_on, ["block_public_acls"])),
		{"unknown": {"block_public_acls": true}},
	)
	inp := lib.mock_input([bucket("aws_s3_bucket.a"), p])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_s3_bucket.a", "message": msg_unknown}} with input as inp
}

test_unknown_and_false_setting_fails if {
	settings := object.union(object.remove(all_on, ["block_public_acls"]), {"block_public_policy": false})
	p := object.union(pab("aws_s3_bucket_public_access_block.a", "aws_s3_bucket.a", settings), {"unknown": {"block_public_acls": true}})
	inp := lib.mock_input([bucket("aws_s3_bucket.a"), p])
	rule.deny == {{
		"address": "aws_s3_bucket.a",
		"message": "public access block aws_s3_bucket_public_access_block.a does not set block_public_policy to true",
	}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unresolved_join_is_unknown if {
	p := lib.mock_resource("aws_s3_bucket_public_access_block.x", all_on)
	inp := object.union(lib.mock_input([bucket("aws_s3_bucket.a"), p]), {"unresolved": {"aws_s3_bucket_public_access_block": ["aws_s3_bucket_public_access_block.x"]}})
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_s3_bucket.a", "message": msg_unknown}} with input as inp
}

test_live_account_block_counts_in_same_account if {
	a := in_account(lib.mock_resource("aws_s3_account_public_access_block.111111111111/us-east-1/111111111111", all_on), "111111111111")
	b1 := in_account(bucket("aws_s3_bucket.111111111111/us-east-1/logs"), "111111111111")
	b2 := in_account(bucket("aws_s3_bucket.222222222222/us-east-1/data"), "222222222222")
	inp := live([a, b1, b2])
	rule.deny == {{"address": "aws_s3_bucket.222222222222/us-east-1/data", "message": msg_missing}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_live_account_block_partial_does_not_count if {
	a := in_account(lib.mock_resource("aws_s3_account_public_access_block.111111111111/us-east-1/111111111111", object.union(all_on, {"block_public_policy": false})), "111111111111")
	b := in_account(bucket("aws_s3_bucket.111111111111/us-east-1/logs"), "111111111111")
	inp := live([a, b])
	rule.deny == {{"address": "aws_s3_bucket.111111111111/us-east-1/logs", "message": msg_missing}} with input as inp
}

test_live_account_block_unreadable_is_unknown if {
	a := object.union(
		in_account(lib.mock_resource("aws_s3_account_public_access_block.111111111111/us-east-1/111111111111", {}), "111111111111"),
		{"unknown": {"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true}},
	)
	b := in_account(bucket("aws_s3_bucket.111111111111/us-east-1/logs"), "111111111111")
	inp := live([a, b])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_s3_bucket.111111111111/us-east-1/logs", "message": msg_unknown}} with input as inp
}

test_account_block_ignored_in_plans if {
	a := lib.mock_resource("aws_s3_account_public_access_block.this", all_on)
	inp := lib.mock_input([a, bucket("aws_s3_bucket.a")])
	rule.deny == {{"address": "aws_s3_bucket.a", "message": msg_missing}} with input as inp
}

test_module_buckets if {
	ok := bucket(`module.app.aws_s3_bucket.this["a"]`)
	p := pab(`module.app.aws_s3_bucket_public_access_block.this["a"]`, `module.app.aws_s3_bucket.this["a"]`, all_on)
	bad := bucket(`module.app.aws_s3_bucket.this["b"]`)
	inp := lib.mock_input([ok, p, bad])
	rule.deny == {{"address": `module.app.aws_s3_bucket.this["b"]`, "message": msg_missing}} with input as inp
	count(rule.unknown) == 0 with input as inp
}
