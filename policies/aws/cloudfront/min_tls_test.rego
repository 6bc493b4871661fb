package aws.cloudfront.min_tls_test

import rego.v1

import data.aws.cloudfront.min_tls as rule
import data.lib.infracheck as lib

config := {"cloudfront_min_tls": "TLSv1.2_2021"}

acm := "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"

custom_cert(version) := [{
	"acm_certificate_arn": acm, "cloudfront_default_certificate": false, "iam_certificate_id": null,
	"minimum_protocol_version": version, "ssl_support_method": "sni-only",
}]

default_cert := [{
	"acm_certificate_arn": null, "cloudfront_default_certificate": true, "iam_certificate_id": null,
	"minimum_protocol_version": "TLSv1", "ssl_support_method": null,
}]

distribution(address, cert) := object.union(
	lib.mock_resource(address, {"enabled": true, "aliases": ["cdn.example.com"], "viewer_certificate": cert}),
	{"unknown": {"arn": true, "id": true}},
)

with_unknown(r, paths) := object.union(r, {"unknown": {p: true | some p in paths}})

msg(v) := sprintf("distribution with a custom certificate allows %s, older than TLSv1.2_2021", [v])

test_modern_tls_and_default_certificate_pass if {
	inp := lib.mock_input([
		distribution("aws_cloudfront_distribution.a", custom_cert("TLSv1.2_2021")),
		distribution("aws_cloudfront_distribution.b", custom_cert("TLSv1.2_2025")),
		distribution("aws_cloudfront_distribution.c", custom_cert("TLSv1.3_2025")),
		distribution("aws_cloudfront_distribution.default", default_cert),
	])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as config
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as config
}

test_old_tls_fails if {
	iam := [object.union(custom_cert("TLSv1.1_2016")[0], {"acm_certificate_arn": null, "iam_certificate_id": "ASCAEXAMPLE"})]
	inp := lib.mock_input([
		distribution("aws_cloudfront_distribution.tls1", custom_cert("TLSv1")),
		distribution("aws_cloudfront_distribution.tls12_2019", custom_cert("TLSv1.2_2019")),
		distribution("aws_cloudfront_distribution.iam", iam),
		distribution("aws_cloudfront_distribution.ssl", custom_cert("SSLv3")),
		distribution("aws_cloudfront_distribution.bogus", custom_cert("TLS-1.2")),
	])
	rule.deny == {
		{"address": "aws_cloudfront_distribution.tls1", "message": msg("TLSv1")},
		{"address": "aws_cloudfront_distribution.tls12_2019", "message": msg("TLSv1.2_2019")},
		{"address": "aws_cloudfront_distribution.iam", "message": msg("TLSv1.1_2016")},
		{"address": "aws_cloudfront_distribution.ssl", "message": msg("SSLv3")},
		{"address": "aws_cloudfront_distribution.bogus", "message": "distribution with a custom certificate has minimum_protocol_version TLS-1.2, which is not a CloudFront security policy"},
	} with input as inp with data.infracheck.config as config
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as config
}

test_unknown_values_are_unknown if {
	version := with_unknown(distribution("aws_cloudfront_distribution.version", custom_cert(null)), ["viewer_certificate.0.minimum_protocol_version"])
	which := with_unknown(
		distribution("aws_cloudfront_distribution.which", [object.union(custom_cert("TLSv1")[0], {"cloudfront_default_certificate": null})]),
		["viewer_certificate.0.cloudfront_default_certificate"],
	)
	which_ok := with_unknown(
		distribution("aws_cloudfront_distribution.which_ok", [object.union(custom_cert("TLSv1.2_2021")[0], {"cloudfront_default_certificate": null})]),
		["viewer_certificate.0.cloudfront_default_certificate"],
	)
	default_version := with_unknown(
		distribution("aws_cloudfront_distribution.default_version", [object.union(default_cert[0], {"minimum_protocol_version": null})]),
		["viewer_certificate.0.minimum_protocol_version"],
	)
	inp := lib.mock_input([version, which, which_ok, default_version])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as config
	rule.unknown == {
		{"address": "aws_cloudfront_distribution.version", "message": "the minimum TLS version is not known until apply"},
		{"address": "aws_cloudfront_distribution.which", "message": "whether the distribution uses the default certificate is not known until apply"},
	} with input as inp with data.infracheck.config as config
}

test_minimum_comes_from_config if {
	inp := lib.mock_input([
		distribution("aws_cloudfront_distribution.a", custom_cert("TLSv1.2_2019")),
		distribution("aws_cloudfront_distribution.b", custom_cert("TLSv1.2_2021")),
	])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as {"cloudfront_min_tls": "TLSv1.2_2019"}
	rule.deny == {{
		"address": "aws_cloudfront_distribution.a",
		"message": "distribution with a custom certificate allows TLSv1.2_2019, older than TLSv1.3_2025",
	}, {
		"address": "aws_cloudfront_distribution.b",
		"message": "distribution with a custom certificate allows TLSv1.2_2021, older than TLSv1.3_2025",
	}} with input as inp with data.infracheck.config as {"cloudfront_min_tls": "TLSv1.3_2025"}
}

test_module_distributions if {
	inp := lib.mock_input([
		distribution("module.cdn.aws_cloudfront_distribution.this[0]", custom_cert("TLSv1.2_2021")),
		distribution("module.cdn.aws_cloudfront_distribution.this[1]", custom_cert("TLSv1_2016")),
	])
	rule.deny == {{"address": "module.cdn.aws_cloudfront_distribution.this[1]", "message": msg("TLSv1_2016")}} with input as inp with data.infracheck.config as config
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as config
}
