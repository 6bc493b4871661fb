# METADATA
# title: CloudFront origins use Origin Shield
# description: >-
#   Every origin of every aws_cloudfront_distribution has an origin_shield block
#   with enabled = true. A setting not known until apply is UNKNOWN.
# custom:
#   id: CDN-003
#   severity: low
#   resource_types: [aws_cloudfront_distribution]
#   remediation: |-
#     Enable Origin Shield on each origin, in the region closest to the origin:
#
#       resource "aws_cloudfront_distribution" "this" {
#         # ...
#         origin {
#           origin_id                = "static"
#           domain_name              = aws_s3_bucket.static.bucket_regional_domain_name
#           origin_access_control_id = aws_cloudfront_origin_access_control.static.id
#
#           origin_shield {
#             enabled              = true
#             origin_shield_region = "us-east-1"
#           }
#         }
#       }
package aws.cloudfront.origin_shield

import rego.v1

import data.lib.infracheck as lib

# Values present in `values` are known (unknown ones are absent), so the cheap value
# tests come first and lib.unknown is only asked about absent values.

deny contains {"address": d.address, "message": sprintf("origin %s does not have Origin Shield enabled", [origin_id(o, i)])} if {
	some d in lib.resources("aws_cloudfront_distribution")
	some i, o in infracheck.get_list(d.values, "origin")
	not shielded(o)
	not shield_unknown(d, i, o)
}

deny contains {"address": d.address, "message": "distribution has no origin"} if {
	some d in lib.resources("aws_cloudfront_distribution")
	count(infracheck.get_list(d.values, "origin")) == 0
	not infracheck.is_unknown(d.unknown, "origin")
}

unknown contains {"address": d.address, "message": sprintf("Origin Shield of origin %s is not known until apply", [origin_id(o, i)])} if {
	some d in lib.resources("aws_cloudfront_distribution")
	some i, o in infracheck.get_list(d.values, "origin")
	shield_unknown(d, i, o)
}

unknown contains {"address": d.address, "message": "the distribution's origins are not known until apply"} if {
	some d in lib.resources("aws_cloudfront_distribution")
	not is_array(object.get(d.values, "origin", null))
	infracheck.is_unknown(d.unknown, "origin")
}

shielded(o) if o.origin_shield[0].enabled == true

shield_unknown(d, i, o) if {
	object.get(o, ["origin_shield", 0, "enabled"], null) == null
	infracheck.is_unknown_at(d.unknown, sprintf("origin.%d.origin_shield.0.enabled", [i]))
}

origin_id(o, i) := id if {
	id := o.origin_id
	is_string(id)
} else := sprintf("%d", [i])
