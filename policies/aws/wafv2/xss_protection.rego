# METADATA
# title: WAFv2 web ACLs block cross-site scripting
# description: >-
#   Every web ACL blocks cross-site scripting: a rule using the AWS managed rule group
#   AWSManagedRulesCommonRuleSet with override_action none (not count), or a rule with
#   an xss_match_statement (alone or inside and/or statements) and action block.
# custom:
#   id: WAF-003
#   severity: high
#   resource_types: [aws_wafv2_web_acl]
#   frameworks:
#     pci-dss-4.0: ["6.4.2"]
#   remediation: |-
#     Add the AWS core rule set (it holds the cross-site scripting rules) to the
#     web ACL, not in count mode:
#
#       rule {
#         name     = "AWSManagedRulesCommonRuleSet"
#         priority = 10
#         override_action {
#           none {}
#         }
#         statement {
#           managed_rule_group_statement {
#             name        = "AWSManagedRulesCommonRuleSet"
#             vendor_name = "AWS"
#           }
#         }
#         visibility_config {
#           cloudwatch_metrics_enabled = true
#           metric_name                = "common"
#           sampled_requests_enabled   = true
#         }
#       }
package aws.wafv2.xss_protection

import rego.v1

import data.lib.infracheck as lib

group := "AWSManagedRulesCommonRuleSet"

# What the rules of each web ACL do, read once per ACL (lib.wafv2_summary).
summaries := {acl.address: lib.wafv2_summary(acl) | some acl in lib.resources("aws_wafv2_web_acl")}

deny contains {"address": address, "message": message(s)} if {
	some address, s in summaries
	not protected(s)
	not s.rules_unknown
}

unknown contains {"address": address, "message": "the web ACL rules are not known until apply"} if {
	some address, s in summaries
	not protected(s)
	s.rules_unknown
}

protected(s) if group in s.enforced

protected(s) if lib.wafv2_match_blocked(s, "xss_match_statement", "XssMatchStatement")

message(s) := sprintf("%s is in count mode (override_action count): cross-site scripting is not blocked", [group]) if {
	group in s.counting
} else := sprintf("web ACL does not block cross-site scripting: no %s rule group, nor a blocking xss_match_statement rule", [group])
