package aws.cloudfront.viewer_https_test

import rego.v1

import data.aws.cloudfront.viewer_https as rule
import data.lib.infracheck as lib

behavior(policy) := {"target_origin_id": "static", "viewer_protocol_policy": policy, "allowed_methods": ["GET", "HEAD"], "cached_methods": ["GET", "HEAD"]}

ordered(pattern, policy) := object.union(behavior(policy), {"path_pattern": pattern})

distribution(address, default_policy, ordered_behaviors) := object.union(
	lib.mock_resource(address, {
		"enabled": true,
		"default_cache_behavior": [behavior(default_policy)],
		"ordered_cache_behavior": ordered_behaviors,
	}),
	{"unknown": {"arn": true, "domain_name": true, "id": true}},
)

with_unknown(r, paths) := object.union(r, {"unknown": {p: true | some p in paths}})

test_https_behaviors_pass if {
	inp := lib.mock_input([
		distribution("aws_cloudfront_distribution.a", "redirect-to-https", [ordered("/api/*", "https-only"), ordered("/img/*", "redirect-to-https")]),
		distribution("aws_cloudfront_distribution.b", "https-only", []),
		distribution("aws_cloudfront_distribution.c", "https-only", null),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_allow_all_fails if {
	inp := lib.mock_input([
		distribution("aws_cloudfront_distribution.default", "allow-all", []),
		distribution("aws_cloudfront_distribution.ordered", "redirect-to-https", [ordered("/api/*", "https-only"), ordered("/legacy/*", "allow-all"), {"viewer_protocol_policy": null}]),
	])
	rule.deny == {
		{"address": "aws_cloudfront_distribution.default", "message": "the default cache behavior allows HTTP (viewer_protocol_policy is allow-all)"},
		{"address": "aws_cloudfront_distribution.ordered", "message": "ordered cache behavior /legacy/* allows HTTP (viewer_protocol_policy is allow-all)"},
		{"address": "aws_cloudfront_distribution.ordered", "message": "ordered cache behavior 2 allows HTTP (viewer_protocol_policy is not set)"},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_missing_default_behavior_fails if {
	d := object.union(object.remove(distribution("aws_cloudfront_distribution.a", "https-only", []), ["values"]), {"values": {"default_cache_behavior": []}})
	inp := lib.mock_input([d])
	rule.deny == {{"address": "aws_cloudfront_distribution.a", "message": "distribution has no default_cache_behavior"}} with input as inp
}

test_unknown_policies_are_unknown if {
	a := with_unknown(distribution("aws_cloudfront_distribution.a", "https-only", [ordered("/x/*", null)]), ["ordered_cache_behavior.0.viewer_protocol_policy"])
	b := with_unknown(distribution("aws_cloudfront_distribution.b", "https-only", null), ["ordered_cache_behavior"])
	c := with_unknown(distribution("aws_cloudfront_distribution.c", null, []), ["default_cache_behavior.0.viewer_protocol_policy"])
	inp := lib.mock_input([a, b, c])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {
		{"address": "aws_cloudfront_distribution.a", "message": "the viewer_protocol_policy of ordered cache behavior /x/* is not known until apply"},
		{"address": "aws_cloudfront_distribution.b", "message": "the ordered_cache_behavior blocks are not known until apply"},
		{"address": "aws_cloudfront_distribution.c", "message": "the viewer_protocol_policy of the default cache behavior is not known until apply"},
	} with input as inp
}

test_module_distributions if {
	inp := lib.mock_input([
		distribution("module.cdn.aws_cloudfront_distribution.this[0]", "redirect-to-https", []),
		distribution(`module.cdn.aws_cloudfront_distribution.site["b"]`, "allow-all", []),
	])
	rule.deny == {{"address": `module.cdn.aws_cloudfront_distribution.site["b"]`, "message": "the default cache behavior allows HTTP (viewer_protocol_policy is allow-all)"}} with input as inp
	count(rule.unknown) == 0 with input as inp
}
