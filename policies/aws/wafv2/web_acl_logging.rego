# METADATA
# title: WAFv2 web ACLs have logging configured
# description: >-
#   Every aws_wafv2_web_acl is the resource_arn of an
#   aws_wafv2_web_acl_logging_configuration (found through the referrers index, so
#   the logging configuration may live in another module). When some logging
#   configuration's reference could not be resolved, a web ACL without one is
#   UNKNOWN.
# custom:
#   id: WAF-005
#   severity: low
#   resource_types: [aws_wafv2_web_acl]
#   frameworks:
#     aws-fsbp: [WAF.11]
#   remediation: |-
#     Send the web ACL's logs to CloudWatch Logs, S3 or Firehose (the destination's
#     name must start with "aws-waf-logs-"):
#
#       resource "aws_cloudwatch_log_group" "waf" {
#         name              = "aws-waf-logs-web"
#         retention_in_days = 30
#       }
#
#       resource "aws_wafv2_web_acl_logging_configuration" "this" {
#         resource_arn            = aws_wafv2_web_acl.this.arn
#         log_destination_configs = [aws_cloudwatch_log_group.waf.arn]
#       }
package aws.wafv2.web_acl_logging

import rego.v1

import data.lib.infracheck as lib

logging_type := "aws_wafv2_web_acl_logging_configuration"

deny contains {"address": acl.address, "message": sprintf("web ACL has no %s", [logging_type])} if {
	some acl in lib.resources("aws_wafv2_web_acl")
	not logged(acl)
	not lib.has_unresolved(logging_type)
}

unknown contains {"address": acl.address, "message": sprintf("some %s could not be joined to its web ACL", [logging_type])} if {
	some acl in lib.resources("aws_wafv2_web_acl")
	not logged(acl)
	lib.has_unresolved(logging_type)
}

logged(acl) if {
	some c in infracheck.referrers(input, acl, logging_type)
	acl.address in lib.references(c, "resource_arn")
}
