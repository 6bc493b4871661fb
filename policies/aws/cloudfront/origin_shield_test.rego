package aws.cloudfront.origin_shield_test

import rego.v1

import data.aws.cloudfront.origin_shield as rule
import data.lib.infracheck as lib

shield(enabled) := [{"enabled": enabled, "origin_shield_region": "us-east-1"}]

origin(id, shield_blocks) := {"origin_id": id, "domain_name": sprintf("%s.example.com", [id]), "origin_shield": shield_blocks}

distribution(address, origins) := object.union(
	lib.mock_resource(address, {"enabled": true, "origin": origins}),
	{"unknown": {"arn": true, "id": true}},
)

with_unknown(r, paths) := object.union(r, {"unknown": {p: true | some p in paths}})

test_shield_on_every_origin_passes if {
	inp := lib.mock_input([distribution("aws_cloudfront_distribution.a", [origin("primary", shield(true)), origin("secondary", shield(true))])])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_origin_without_shield_fails if {
	inp := lib.mock_input([
		distribution("aws_cloudfront_distribution.a", [origin("on", shield(true)), origin("off", shield(false)), origin("none", []), origin("null", null)]),
		distribution("aws_cloudfront_distribution.empty", []),
	])
	rule.deny == {
		{"address": "aws_cloudfront_distribution.a", "message": "origin off does not have Origin Shield enabled"},
		{"address": "aws_cloudfront_distribution.a", "message": "origin none does not have Origin Shield enabled"},
		{"address": "aws_cloudfront_distribution.a", "message": "origin null does not have Origin Shield enabled"},
		{"address": "aws_cloudfront_distribution.empty", "message": "distribution has no origin"},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unknown_values_are_unknown if {
	a := with_unknown(distribution("aws_cloudfront_distribution.a", [origin("x", [{"origin_shield_region": "us-east-1"}]), origin("y", shield(false))]), ["origin.0.origin_shield.0.enabled"])
	b := with_unknown(distribution("aws_cloudfront_distribution.b", null), ["origin"])
	inp := lib.mock_input([a, b])
	rule.deny == {{"address": "aws_cloudfront_distribution.a", "message": "origin y does not have Origin Shield enabled"}} with input as inp
	rule.unknown == {
		{"address": "aws_cloudfront_distribution.a", "message": "Origin Shield of origin x is not known until apply"},
		{"address": "aws_cloudfront_distribution.b", "message": "the distribution's origins are not known until apply"},
	} with input as inp
}

test_module_distributions if {
	inp := lib.mock_input([
		distribution("module.cdn.aws_cloudfront_distribution.this", [origin("a", shield(true))]),
		distribution("module.other.module.cdn.aws_cloudfront_distribution.this", [origin("b", [])]),
	])
	rule.deny == {{"address": "module.other.module.cdn.aws_cloudfront_distribution.this", "message": "origin b does not have Origin Shield enabled"}} with input as inp
	count(rule.unknown) == 0 with input as inp
}
