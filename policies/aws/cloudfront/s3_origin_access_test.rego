package aws.cloudfront.s3_origin_access_test

import rego.v1

import data.aws.cloudfront.s3_origin_access as rule
import data.lib.infracheck as lib

origin(id, domain, extra) := object.union(
	{
		"origin_id": id, "domain_name": domain, "origin_path": "", "origin_access_control_id": "",
		"custom_origin_config": [], "s3_origin_config": [], "origin_shield": [], "custom_header": [],
	},
	extra,
)

custom := {"custom_origin_config": [{"http_port": 80, "https_port": 443, "origin_protocol_policy": "https-only", "origin_ssl_protocols": ["TLSv1.2"]}]}

distribution(address, origins) := object.union(
	lib.mock_resource(address, {"enabled": true, "origin": origins}),
	{"unknown": {"arn": true, "domain_name": true, "id": true}},
)

# Adds unknown paths and references to resource `r`.
joined(r, unknown_paths, refs) := object.union(r, {"unknown": {p: true | some p in unknown_paths}, "references": refs})

msg(id, domain) := sprintf("S3 origin %s (%s) has neither origin access control nor an origin access identity", [id, domain])

test_oac_and_oai_pass if {
	d := joined(
		distribution("aws_cloudfront_distribution.a", [
			origin("oac", null, {"origin_access_control_id": null}),
			origin("oai", "static.s3.us-east-1.amazonaws.com", {"s3_origin_config": [{"origin_access_identity": null}]}),
			origin("oac-known", "static.s3.amazonaws.com", {"origin_access_control_id": "E2QWRUHAPOMQZL"}),
		]),
		["origin.0.domain_name", "origin.0.origin_access_control_id", "origin.1.s3_origin_config.0.origin_access_identity"],
		{
			"origin.0.domain_name": ["aws_s3_bucket.static"],
			"origin.0.origin_access_control_id": ["aws_cloudfront_origin_access_control.static"],
			"origin.1.s3_origin_config.0.origin_access_identity": ["aws_cloudfront_origin_access_identity.static"],
		},
	)
	inp := lib.mock_input([d, lib.mock_resource("aws_s3_bucket.static", {"bucket": "static"})])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_direct_bucket_access_fails if {
	d := joined(
		distribution("aws_cloudfront_distribution.a", [
			origin("ref", null, {"origin_access_control_id": null}),
			origin("global", "static.s3.amazonaws.com", {}),
			origin("legacy", "static.s3-us-west-2.amazonaws.com", {"origin_access_control_id": null}),
			origin("oai-empty", "static.s3.us-east-1.amazonaws.com", {"s3_origin_config": [{"origin_access_identity": ""}]}),
			origin("rest-as-custom", "static.s3.dualstack.us-east-1.amazonaws.com", custom),
		]),
		["origin.0.domain_name"],
		{"origin.0.domain_name": ["aws_s3_bucket.static"]},
	)
	inp := lib.mock_input([d, lib.mock_resource("aws_s3_bucket.static", {"bucket": "static"})])
	rule.deny == {
		{"address": "aws_cloudfront_distribution.a", "message": msg("ref", "domain unknown until apply")},
		{"address": "aws_cloudfront_distribution.a", "message": msg("global", "static.s3.amazonaws.com")},
		{"address": "aws_cloudfront_distribution.a", "message": msg("legacy", "static.s3-us-west-2.amazonaws.com")},
		{"address": "aws_cloudfront_distribution.a", "message": msg("oai-empty", "static.s3.us-east-1.amazonaws.com")},
		{"address": "aws_cloudfront_distribution.a", "message": msg("rest-as-custom", "static.s3.dualstack.us-east-1.amazonaws.com")},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_custom_and_website_origins_pass if {
	d := joined(
		distribution("aws_cloudfront_distribution.a", [
			origin("alb", null, custom),
			origin("website", "static.s3-website-us-east-1.amazonaws.com", custom),
			origin("website-dot", "static.s3-website.eu-west-3.amazonaws.com", custom),
			origin("website-ref", null, custom),
			origin("api", "api.example.com", custom),
		]),
		["origin.0.domain_name", "origin.3.domain_name"],
		{"origin.0.domain_name": ["aws_lb.web"], "origin.3.domain_name": ["aws_s3_bucket.site"]},
	)
	inp := lib.mock_input([d, lib.mock_resource("aws_lb.web", {}), lib.mock_resource("aws_s3_bucket.site", {})])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unknown_values_are_unknown if {
	d := joined(
		distribution("aws_cloudfront_distribution.a", [
			origin("oac-unknown", "static.s3.amazonaws.com", {"origin_access_control_id": null}),
			origin("domain-unknown", null, {}),
		]),
		["origin.0.origin_access_control_id", "origin.1.domain_name"],
		{},
	)
	whole := joined(distribution("aws_cloudfront_distribution.b", null), ["origin"], {})
	inp := lib.mock_input([d, whole])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {
		{"address": "aws_cloudfront_distribution.a", "message": "the origin access of S3 origin oac-unknown is not known until apply"},
		{"address": "aws_cloudfront_distribution.a", "message": "whether origin domain-unknown is an S3 bucket is not known until apply"},
		{"address": "aws_cloudfront_distribution.b", "message": "the distribution's origins are not known until apply"},
	} with input as inp
}

test_module_distributions if {
	ok := distribution("module.cdn.aws_cloudfront_distribution.this[0]", [origin("s3", "a.s3.amazonaws.com", {"origin_access_control_id": "E1"})])
	bad := distribution("module.cdn.aws_cloudfront_distribution.this[1]", [origin("s3", "b.s3.amazonaws.com", {})])
	inp := lib.mock_input([ok, bad])
	rule.deny == {{"address": "module.cdn.aws_cloudfront_distribution.this[1]", "message": msg("s3", "b.s3.amazonaws.com")}} with input as inp
	count(rule.unknown) == 0 with input as inp
}
