# METADATA
# title: CloudFront cache behaviors require HTTPS
# description: >-
#   Every aws_cloudfront_distribution has viewer_protocol_policy
#   "redirect-to-https" or "https-only" in its default_cache_behavior and in every
#   ordered_cache_behavior. A policy not known until apply is UNKNOWN.
# custom:
#   id: CDN-001
#   severity: high
#   resource_types: [aws_cloudfront_distribution]
#   frameworks:
#     aws-fsbp: [CloudFront.3]
#     pci-dss-4.0: ["4.2.1"]
#   remediation: |-
#     Redirect HTTP viewers to HTTPS in every cache behavior:
#
#       resource "aws_cloudfront_distribution" "this" {
#         # ...
#         default_cache_behavior {
#           target_origin_id       = "static"
#           viewer_protocol_policy = "redirect-to-https"
#           # ...
#         }
#
#         ordered_cache_behavior {
#           path_pattern           = "/assets/*"
#           target_origin_id       = "static"
#           viewer_protocol_policy = "redirect-to-https"
#           # ...
#         }
#       }
package aws.cloudfront.viewer_https

import rego.v1

import data.lib.infracheck as lib

https_policies := {"redirect-to-https", "https-only"}

# Values present in `values` are known (unknown ones are absent), so the cheap value
# tests come first and lib.unknown is only asked about absent values.

deny contains {"address": d.address, "message": "distribution has no default_cache_behavior"} if {
	some d in lib.resources("aws_cloudfront_distribution")
	count(infracheck.get_list(d.values, "default_cache_behavior")) == 0
	not infracheck.is_unknown(d.unknown, "default_cache_behavior")
}

deny contains {"address": d.address, "message": sprintf("%s allows HTTP (viewer_protocol_policy is %s)", [b.name, text(b.policy)])} if {
	some d in lib.resources("aws_cloudfront_distribution")
	some b in behaviors(d)
	not b.policy in https_policies
	not policy_unknown(d, b)
}

unknown contains {"address": d.address, "message": sprintf("the viewer_protocol_policy of %s is not known until apply", [b.name])} if {
	some d in lib.resources("aws_cloudfront_distribution")
	some b in behaviors(d)
	policy_unknown(d, b)
}

unknown contains {"address": d.address, "message": sprintf("the %s blocks are not known until apply", [attr])} if {
	some d in lib.resources("aws_cloudfront_distribution")
	some attr in ["default_cache_behavior", "ordered_cache_behavior"]
	not is_array(object.get(d.values, attr, null))
	infracheck.is_unknown(d.unknown, attr)
}

# Every cache behavior: a name for messages, the path of its policy, the policy.
behaviors(d) := array.concat(
	[{"name": "the default cache behavior", "path": sprintf("default_cache_behavior.%d.viewer_protocol_policy", [i]), "policy": policy(b)} |
		some i, b in infracheck.get_list(d.values, "default_cache_behavior")
	],
	[{"name": sprintf("ordered cache behavior %s", [pattern(b, i)]), "path": sprintf("ordered_cache_behavior.%d.viewer_protocol_policy", [i]), "policy": policy(b)} |
		some i, b in infracheck.get_list(d.values, "ordered_cache_behavior")
	],
)

policy_unknown(d, b) if {
	b.policy == null
	infracheck.is_unknown_at(d.unknown, b.path)
}

policy(b) := p if {
	p := b.viewer_protocol_policy
	is_string(p)
} else := null

pattern(b, i) := p if {
	p := b.path_pattern
	is_string(p)
} else := sprintf("%d", [i])

text(null) := "not set"

text(p) := p if p != null
