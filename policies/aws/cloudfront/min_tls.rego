# METADATA
# title: CloudFront distributions with a custom certificate require modern TLS
# description: >-
#   Every aws_cloudfront_distribution whose viewer_certificate is not the
#   CloudFront default certificate (cloudfront_default_certificate not true: an
#   acm_certificate_arn or iam_certificate_id) has a minimum_protocol_version at
#   least cloudfront_min_tls (TLSv1.2_2021 by default). Security policies are
#   ordered by TLS version, then year: SSLv3 < TLSv1 < TLSv1_2016 < TLSv1.1_2016 <
#   TLSv1.2_2018 < TLSv1.2_2019 < TLSv1.2_2021 < TLSv1.2_2025 < TLSv1.3_2025.
#   Distributions on the default certificate pass (CloudFront then fixes the
#   policy to TLSv1). Values not known until apply are UNKNOWN.
# custom:
#   id: CDN-004
#   severity: medium
#   resource_types: [aws_cloudfront_distribution]
#   frameworks:
#     aws-fsbp: [CloudFront.7]
#   remediation: |-
#     Require TLS 1.2 (TLSv1.2_2021 or newer) for viewers:
#
#       resource "aws_cloudfront_distribution" "this" {
#         # ...
#         viewer_certificate {
#           acm_certificate_arn      = aws_acm_certificate.cdn.arn
#           ssl_support_method       = "sni-only"
#           minimum_protocol_version = "TLSv1.2_2021"
#         }
#       }
package aws.cloudfront.min_tls

import rego.v1

import data.lib.infracheck as lib

default_cert_path := "viewer_certificate.0.cloudfront_default_certificate"

version_path := "viewer_certificate.0.minimum_protocol_version"

minimum := lib.config("cloudfront_min_tls")

# Values present in `values` are known (unknown ones are absent), so the cheap value
# tests come first and lib.unknown_leaf is only asked about absent values.

deny contains {"address": d.address, "message": sprintf("distribution with a custom certificate allows %s, older than %s", [v, minimum])} if {
	some d in lib.resources("aws_cloudfront_distribution")
	v := version(d)
	rank(v) < rank(minimum)
	custom_certificate(d)
}

deny contains {"address": d.address, "message": sprintf("distribution with a custom certificate has minimum_protocol_version %s, which is not a CloudFront security policy", [text(v)])} if {
	some d in lib.resources("aws_cloudfront_distribution")
	v := version(d)
	not rank(v)
	not version_unknown(d)
	custom_certificate(d)
}

unknown contains {"address": d.address, "message": "the minimum TLS version is not known until apply"} if {
	some d in lib.resources("aws_cloudfront_distribution")
	version_unknown(d)
	not default_certificate(d)
}

unknown contains {"address": d.address, "message": "whether the distribution uses the default certificate is not known until apply"} if {
	some d in lib.resources("aws_cloudfront_distribution")
	not modern(d)
	not version_unknown(d)
	object.get(d.values, ["viewer_certificate", 0, "cloudfront_default_certificate"], null) == null
	infracheck.is_unknown_at(d.unknown, default_cert_path)
}

version(d) := object.get(d.values, ["viewer_certificate", 0, "minimum_protocol_version"], null)

version_unknown(d) if {
	version(d) == null
	infracheck.is_unknown_at(d.unknown, version_path)
}

default_certificate(d) if d.values.viewer_certificate[0].cloudfront_default_certificate == true

# Known not to be the default certificate (false, or left out and not unknown).
custom_certificate(d) if {
	c := object.get(d.values, ["viewer_certificate", 0, "cloudfront_default_certificate"], null)
	c != null
	c != true
}

custom_certificate(d) if {
	object.get(d.values, ["viewer_certificate", 0, "cloudfront_default_certificate"], null) == null
	not infracheck.is_unknown_at(d.unknown, default_cert_path)
}

modern(d) if rank(version(d)) >= rank(minimum)

# A security policy's place in the order: SSL before TLS, then the TLS major and
# minor version, then the year (TLSv1.2_2021 -> 1, 2, 2021; TLSv1 -> 1, 0, 0).
rank(v) := to_number(m[1]) if {
	is_string(v)
	m := regex.find_all_string_submatch_n(`^SSLv([0-9]+)$`, v, 1)[0]
}

rank(v) := (((to_number(m[1]) * 100) + to_number(or_zero(m[2]))) * 10000) + to_number(or_zero(m[3])) if {
	is_string(v)
	m := regex.find_all_string_submatch_n(`^TLSv([0-9]+)(?:\.([0-9]+))?(?:_([0-9]{4}))?$`, v, 1)[0]
}

or_zero(s) := "0" if s == ""

or_zero(s) := s if s != ""

text(null) := "(not set)"

text(v) := sprintf("%v", [v]) if v != null
