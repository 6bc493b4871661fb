# METADATA
# title: CloudFront S3 origins use origin access control or an origin access identity
# description: >-
#   Every S3 REST origin of an aws_cloudfront_distribution has an
#   origin_access_control_id or an s3_origin_config origin_access_identity (a known
#   id or a reference to an aws_cloudfront_origin_access_control /
#   aws_cloudfront_origin_access_identity), so the bucket is not read directly. An
#   origin is an S3 REST origin when it has an s3_origin_config block, when its
#   domain_name is a bucket endpoint (<bucket>.s3.amazonaws.com,
#   <bucket>.s3.<region>.amazonaws.com, <bucket>.s3-<region>.amazonaws.com, not an
#   s3-website endpoint), or when its domain_name is unknown until apply, refers
#   to an aws_s3_bucket and the origin has no custom_origin_config (website
#   endpoints are custom origins). Other origins pass. An origin whose domain or
#   access setting is not known until apply is UNKNOWN.
# custom:
#   id: CDN-002
#   severity: high
#   resource_types: [aws_cloudfront_distribution]
#   frameworks:
#     aws-fsbp: [CloudFront.13]
#   remediation: |-
#     Give the S3 origin an origin access control (and allow the distribution in
#     the bucket policy):
#
#       resource "aws_cloudfront_origin_access_control" "static" {
#         name                              = "static"
#         origin_access_control_origin_type = "s3"
#         signing_behavior                  = "always"
#         signing_protocol                  = "sigv4"
#       }
#
#       resource "aws_cloudfront_distribution" "this" {
#         # ...
#         origin {
#           origin_id                = "static"
#           domain_name              = aws_s3_bucket.static.bucket_regional_domain_name
#           origin_access_control_id = aws_cloudfront_origin_access_control.static.id
#         }
#       }
package aws.cloudfront.s3_origin_access

import rego.v1

import data.lib.infracheck as lib

# Values present in `values` are known (unknown ones are absent), so the cheap value
# tests come first and lib.unknown is only asked about absent values.

deny contains {"address": d.address, "message": sprintf("S3 origin %s (%s) has neither origin access control nor an origin access identity", [origin_id(o, i), domain_text(o)])} if {
	some d in lib.resources("aws_cloudfront_distribution")
	some i, o in infracheck.get_list(d.values, "origin")
	not protected(d, i)
	s3_origin(d, i, o)
	every a in access_paths(i) {
		not infracheck.is_unknown_at(d.unknown, a)
	}
}

unknown contains {"address": d.address, "message": sprintf("the origin access of S3 origin %s is not known until apply", [origin_id(o, i)])} if {
	some d in lib.resources("aws_cloudfront_distribution")
	some i, o in infracheck.get_list(d.values, "origin")
	not protected(d, i)
	s3_origin(d, i, o)
	some a in access_paths(i)
	infracheck.is_unknown_at(d.unknown, a)
}

unknown contains {"address": d.address, "message": sprintf("whether origin %s is an S3 bucket is not known until apply", [origin_id(o, i)])} if {
	some d in lib.resources("aws_cloudfront_distribution")
	some i, o in infracheck.get_list(d.values, "origin")
	not protected(d, i)
	not s3_origin(d, i, o)
	domain_undecided(d, i, o)
}

unknown contains {"address": d.address, "message": "the distribution's origins are not known until apply"} if {
	some d in lib.resources("aws_cloudfront_distribution")
	not is_array(object.get(d.values, "origin", null))
	infracheck.is_unknown(d.unknown, "origin")
}

access_paths(i) := [
	sprintf("origin.%d.origin_access_control_id", [i]),
	sprintf("origin.%d.s3_origin_config.0.origin_access_identity", [i]),
]

protected(d, i) if {
	some a in access_paths(i)
	lib.attribute_set(d, a)
}

domain_path(i) := sprintf("origin.%d.domain_name", [i])

# An S3 REST endpoint (not a website endpoint).
s3_rest_domain(n) if regex.match(`^(.+\.)?s3(\.dualstack)?([.-][a-z0-9-]+)?\.amazonaws\.com(\.cn)?\.?$`, lower(n))

s3_website_domain(n) if regex.match(`(^|\.)s3-website[.-]`, lower(n))

s3_origin(_, _, o) if lib.has_block(o, "s3_origin_config")

s3_origin(_, _, o) if {
	n := o.domain_name
	is_string(n)
	s3_rest_domain(n)
	not s3_website_domain(n)
}

s3_origin(d, i, o) if {
	not is_string(o.domain_name)
	not lib.has_block(o, "custom_origin_config")
	some b in lib.referenced(d, domain_path(i))
	b.type == "aws_s3_bucket"
	infracheck.is_unknown_at(d.unknown, domain_path(i))
}

# The domain is unknown until apply and refers to no known resource.
domain_undecided(d, i, o) if {
	not is_string(o.domain_name)
	not lib.has_block(o, "custom_origin_config")
	count(lib.referenced(d, domain_path(i))) == 0
	infracheck.is_unknown_at(d.unknown, domain_path(i))
}

origin_id(o, i) := id if {
	id := o.origin_id
	is_string(id)
} else := sprintf("%d", [i])

domain_text(o) := n if {
	n := o.domain_name
	is_string(n)
} else := "domain unknown until apply"
