# METADATA
# title: WAFv2 web ACLs rate-limit requests
# description: >-
#   Every web ACL has a rate-based rule (DDoS rate limiting) whose action blocks,
#   or challenges (captcha, challenge), requests over the limit; a rate-based rule
#   in count mode does not limit anything.
# custom:
#   id: WAF-004
#   severity: high
#   resource_types: [aws_wafv2_web_acl]
#   remediation: |-
#     Add a rate-based rule with action block to the web ACL:
#
#       rule {
#         name     = "rate-limit"
#         priority = 1
#         action {
#           block {}
#         }
#         statement {
#           rate_based_statement {
#             limit              = 2000
#             aggregate_key_type = "IP"
#           }
#         }
#         visibility_config {
#           cloudwatch_metrics_enabled = true
#           metric_name                = "rate-limit"
#           sampled_requests_enabled   = true
#         }
#       }
package aws.wafv2.rate_limit

import rego.v1

import data.lib.infracheck as lib

# What the rules of each web ACL do, read once per ACL (lib.wafv2_summary).
summaries := {acl.address: lib.wafv2_summary(acl) | some acl in lib.resources("aws_wafv2_web_acl")}

deny contains {"address": address, "message": message(s)} if {
	some address, s in summaries
	not s.rate_limited
	not s.rules_unknown
}

unknown contains {"address": address, "message": "the web ACL rules are not known until apply"} if {
	some address, s in summaries
	not s.rate_limited
	s.rules_unknown
}

message(s) := "the rate-based rule is in count mode: requests are not rate-limited" if {
	s.rate_counting
} else := "web ACL has no rate-based rule"
