package aws.s3.secure_transport_test

import rego.v1

import data.aws.s3.secure_transport as rule
import data.lib.infracheck as lib

bucket(address, values) := lib.mock_resource(address, object.union({"bucket": "b"}, values))

new_bucket(address) := object.union(bucket(address, {}), {"unknown": {"versioning": true, "policy": true, "lifecycle_rule": true}})

tls_deny := {
	"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
	"Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
	"Condition": {"Bool": {"aws:SecureTransport": "false"}},
}

read_allow := {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}

doc(statements) := json.marshal({"Version": "2012-10-17", "Statement": statements})

bucket_policy(address, bucket_address, policy) := object.union(
	lib.mock_resource(address, {"policy": policy}),
	{"references": {"bucket": [bucket_address]}},
)

msg_none := "bucket has no bucket policy denying requests without TLS (aws:SecureTransport = false)"

msg_unknown := "the bucket policy is not known until apply"

msg_weak(source) := sprintf("bucket policy %s does not deny requests without TLS (aws:SecureTransport = false)", [source])

with_data_source(rs, ds) := object.union(lib.mock_input(rs), {"data_sources": {ds.address: ds}})

# --- v4+ aws_s3_bucket_policy

test_split_policy_with_tls_deny_passes if {
	inp := lib.mock_input([new_bucket("aws_s3_bucket.a"), bucket_policy("aws_s3_bucket_policy.a", "aws_s3_bucket.a", doc([read_allow, tls_deny]))])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_condition_forms_pass if {
	bool_false := object.union(tls_deny, {"Condition": {"Bool": {"aws:SecureTransport": false}}})
	list_form := object.union(tls_deny, {"Condition": {"Bool": {"aws:SecureTransport": ["false"]}}, "Action": ["s3:GetObject", "s3:PutObject"]})
	aws_star := object.union(tls_deny, {"Principal": {"AWS": "*"}, "Action": "*"})
	single := json.marshal({"Version": "2012-10-17", "Statement": tls_deny})
	inp := lib.mock_input([
		new_bucket("aws_s3_bucket.a"), bucket_policy("aws_s3_bucket_policy.a", "aws_s3_bucket.a", doc([bool_false])),
		new_bucket("aws_s3_bucket.b"), bucket_policy("aws_s3_bucket_policy.b", "aws_s3_bucket.b", doc([list_form])),
		new_bucket("aws_s3_bucket.c"), bucket_policy("aws_s3_bucket_policy.c", "aws_s3_bucket.c", doc([aws_star])),
		new_bucket("aws_s3_bucket.d"), bucket_policy("aws_s3_bucket_policy.d", "aws_s3_bucket.d", single),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_policy_without_tls_deny_fails if {
	inp := lib.mock_input([new_bucket("aws_s3_bucket.a"), bucket_policy("aws_s3_bucket_policy.a", "aws_s3_bucket.a", doc([read_allow]))])
	rule.deny == {{"address": "aws_s3_bucket.a", "message": msg_weak("aws_s3_bucket_policy.a")}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_deny_that_misses_a_part_fails if {
	one_principal := object.union(tls_deny, {"Principal": {"AWS": "arn:aws:iam::123456789012:root"}})
	allow := object.union(tls_deny, {"Effect": "Allow"})
	true_value := object.union(tls_deny, {"Condition": {"Bool": {"aws:SecureTransport": "true"}}})
	other_service := object.union(tls_deny, {"Action": "sqs:*"})
	inp := lib.mock_input([
		new_bucket("aws_s3_bucket.a"), bucket_policy("aws_s3_bucket_policy.a", "aws_s3_bucket.a", doc([one_principal])),
		new_bucket("aws_s3_bucket.b"), bucket_policy("aws_s3_bucket_policy.b", "aws_s3_bucket.b", doc([allow])),
		new_bucket("aws_s3_bucket.c"), bucket_policy("aws_s3_bucket_policy.c", "aws_s3_bucket.c", doc([true_value])),
		new_bucket("aws_s3_bucket.d"), bucket_policy("aws_s3_bucket_policy.d", "aws_s3_bucket.d", doc([other_service])),
	])
	rule.deny == {
		{"address": "aws_s3_bucket.a", "message": msg_weak("aws_s3_bucket_policy.a")},
		{"address": "aws_s3_bucket.b", "message": msg_weak("aws_s3_bucket_policy.b")},
		{"address": "aws_s3_bucket.c", "message": msg_weak("aws_s3_bucket_policy.c")},
		{"address": "aws_s3_bucket.d", "message": msg_weak("aws_s3_bucket_policy.d")},
	} with input as inp
}

test_policy_of_other_bucket_does_not_count if {
	# The policy of bucket b mentions bucket a's ARN: a reference, but not through `bucket`.
	p := object.union(bucket_policy("aws_s3_bucket_policy.b", "aws_s3_bucket.b", doc([tls_deny])), {"references": {"policy": ["aws_s3_bucket.a"]}})
	inp := lib.mock_input([bucket("aws_s3_bucket.a", {"policy": null}), bucket("aws_s3_bucket.b", {"policy": null}), p])
	rule.deny == {{"address": "aws_s3_bucket.a", "message": msg_none}} with input as inp
}

test_split_policy_unknown_is_unknown if {
	p := object.union(lib.mock_resource("aws_s3_bucket_policy.a", {}), {"references": {"bucket": ["aws_s3_bucket.a"]}, "unknown": {"policy": true}})
	inp := lib.mock_input([new_bucket("aws_s3_bucket.a"), p])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_s3_bucket.a", "message": msg_unknown}} with input as inp
}

test_sensitive_policy_is_unknown if {
	inp := lib.mock_input([new_bucket("aws_s3_bucket.a"), bucket_policy("aws_s3_bucket_policy.a", "aws_s3_bucket.a", "(sensitive)")])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_s3_bucket.a", "message": msg_unknown}} with input as inp
}

test_new_bucket_without_policy_is_unknown if {
	inp := lib.mock_input([new_bucket("aws_s3_bucket.a")])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_s3_bucket.a", "message": msg_unknown}} with input as inp
}

test_unresolved_policy_is_unknown if {
	p := lib.mock_resource("aws_s3_bucket_policy.x", {"policy": doc([tls_deny])})
	inp := object.union(lib.mock_input([bucket("aws_s3_bucket.a", {"policy": null}), p]), {"unresolved": {"aws_s3_bucket_policy": ["aws_s3_bucket_policy.x"]}})
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_s3_bucket.a", "message": msg_unknown}} with input as inp
}

# --- v3 inline policy (or known values of an existing bucket)

test_inline_policy_passes_and_fails if {
	inp := lib.mock_input([
		bucket("aws_s3_bucket.a", {"policy": doc([tls_deny])}),
		bucket("aws_s3_bucket.b", {"policy": doc([read_allow])}),
		bucket("aws_s3_bucket.c", {"policy": ""}),
	])
	rule.deny == {
		{"address": "aws_s3_bucket.b", "message": msg_weak("aws_s3_bucket.b (inline policy)")},
		{"address": "aws_s3_bucket.c", "message": msg_none},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

# --- data.aws_iam_policy_document

test_data_source_json_is_read if {
	p := object.union(lib.mock_resource("aws_s3_bucket_policy.a", {}), {"references": {"bucket": ["aws_s3_bucket.a"], "policy": ["data.aws_iam_policy_document.a"]}, "unknown": {"policy": true}})
	ds := lib.mock_data_source("data.aws_iam_policy_document.a", {"json": doc([tls_deny]), "statement": []})
	inp := with_data_source([new_bucket("aws_s3_bucket.a"), p], ds)
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

ds_statement := {
	"sid": "DenyInsecureTransport", "effect": "Deny", "actions": ["s3:*"],
	"principals": [{"type": "*", "identifiers": ["*"]}],
	"condition": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}],
}

policy_from(address, bucket_address, ds_address) := object.union(
	lib.mock_resource(address, {}),
	{"references": {"bucket": [bucket_address], "policy": [ds_address]}, "unknown": {"policy": true}},
)

test_data_source_statements_are_read_when_json_is_unknown if {
	# The resources (bucket ARNs) are unknown until apply, the rest is known.
	ds := object.union(
		lib.mock_data_source("module.site.data.aws_iam_policy_document.tls", {"statement": [ds_statement]}),
		{"unknown": {"json": true, "minified_json": true, "id": true, "statement.0.resources": true}},
	)
	p := policy_from("module.site.aws_s3_bucket_policy.this", "module.site.aws_s3_bucket.this", ds.address)
	inp := with_data_source([new_bucket("module.site.aws_s3_bucket.this"), p], ds)
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_data_source_statement_without_deny_fails if {
	ds := object.union(
		lib.mock_data_source("data.aws_iam_policy_document.a", {"statement": [object.union(ds_statement, {"effect": "Allow", "condition": []})]}),
		{"unknown": {"json": true, "statement.0.resources": true}},
	)
	p := policy_from("aws_s3_bucket_policy.a", "aws_s3_bucket.a", ds.address)
	inp := with_data_source([new_bucket("aws_s3_bucket.a"), p], ds)
	rule.deny == {{"address": "aws_s3_bucket.a", "message": msg_weak("aws_s3_bucket_policy.a")}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_data_source_condition_unknown_is_unknown if {
	ds := object.union(
		lib.mock_data_source("data.aws_iam_policy_document.a", {"statement": [object.union(ds_statement, {"condition": [{"test": "Bool", "variable": "aws:SecureTransport"}]})]}),
		{"unknown": {"json": true, "statement.0.condition.0.values": true}},
	)
	p := policy_from("aws_s3_bucket_policy.a", "aws_s3_bucket.a", ds.address)
	inp := with_data_source([new_bucket("aws_s3_bucket.a"), p], ds)
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_s3_bucket.a", "message": msg_unknown}} with input as inp
}

test_data_source_merging_other_documents_is_unknown if {
	ds := object.union(
		lib.mock_data_source("data.aws_iam_policy_document.a", {"statement": [], "source_policy_documents": [doc([read_allow])]}),
		{"unknown": {"json": true}},
	)
	p := policy_from("aws_s3_bucket_policy.a", "aws_s3_bucket.a", ds.address)
	inp := with_data_source([new_bucket("aws_s3_bucket.a"), p], ds)
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_s3_bucket.a", "message": msg_unknown}} with input as inp
}

test_module_buckets if {
	ok := new_bucket(`module.site["a"].aws_s3_bucket.this`)
	pa := bucket_policy(`module.site["a"].aws_s3_bucket_policy.this`, `module.site["a"].aws_s3_bucket.this`, doc([tls_deny]))
	bad := new_bucket(`module.site["b"].aws_s3_bucket.this`)
	pb := bucket_policy(`module.site["b"].aws_s3_bucket_policy.this`, `module.site["b"].aws_s3_bucket.this`, doc([read_allow]))
	inp := lib.mock_input([ok, pa, bad, pb])
	rule.deny == {{"address": `module.site["b"].aws_s3_bucket.this`, "message": msg_weak(`module.site["b"].aws_s3_bucket_policy.this`)}} with input as inp
	count(rule.unknown) == 0 with input as inp
}
