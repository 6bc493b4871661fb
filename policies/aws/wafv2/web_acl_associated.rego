# METADATA
# title: Internet-facing ALBs and CloudFront distributions use a WAFv2 web ACL
# description: >-
#   Every internet-facing application load balancer (aws_lb / aws_alb with
#   load_balancer_type "application", the default, and internal not true) is the
#   resource_arn of an aws_wafv2_web_acl_association, and every CloudFront
#   distribution has a web ACL (web_acl_id set). Internal and non-application load
#   balancers pass.
# custom:
#   id: WAF-001
#   severity: high
#   resource_types: [aws_lb, aws_alb, aws_cloudfront_distribution]
#   frameworks:
#     aws-fsbp: [ELB.16, CloudFront.6]
#     pci-dss-4.0: ["6.4.2"]
#   remediation: |-
#     Associate a WAFv2 web ACL with each internet-facing ALB (REGIONAL scope):
#
#       resource "aws_wafv2_web_acl_association" "alb" {
#         resource_arn = aws_lb.this.arn
#         web_acl_arn  = aws_wafv2_web_acl.regional.arn
#       }
#
#     and set a web ACL (CLOUDFRONT scope, created in us-east-1) on each
#     distribution:
#
#       resource "aws_cloudfront_distribution" "this" {
#         # ...
#         web_acl_id = aws_wafv2_web_acl.cloudfront.arn
#       }
package aws.wafv2.web_acl_associated

import rego.v1

import data.lib.infracheck as lib

association_type := "aws_wafv2_web_acl_association"

load_balancers := array.concat(lib.resources("aws_lb"), lib.resources("aws_alb"))

# --- load balancers

deny contains {"address": lb.address, "message": sprintf("internet-facing application load balancer has no %s", [association_type])} if {
	some lb in load_balancers
	not associated(lb)
	internet_facing_alb(lb)
	not lib.has_unresolved(association_type)
}

unknown contains {"address": lb.address, "message": unknown_message(lb)} if {
	some lb in load_balancers
	not associated(lb)
	not internal_or_not_alb(lb)
	undecided(lb)
}

associated(lb) if count(infracheck.referrers(input, lb, association_type)) > 0

lb_type(lb) := t if {
	t := infracheck.get(lb.values, "load_balancer_type", "")
	is_string(t)
	t != ""
} else := "application"

internet_facing_alb(lb) if {
	not infracheck.is_unknown(lb.unknown, "load_balancer_type")
	lb_type(lb) == "application"
	not infracheck.is_unknown(lb.unknown, "internal")
	infracheck.get(lb.values, "internal", false) != true
}

# Known not to need a web ACL.
internal_or_not_alb(lb) if {
	not infracheck.is_unknown(lb.unknown, "load_balancer_type")
	lb_type(lb) != "application"
}

internal_or_not_alb(lb) if {
	not infracheck.is_unknown(lb.unknown, "internal")
	infracheck.get(lb.values, "internal", false) == true
}

undecided(lb) if infracheck.is_unknown(lb.unknown, "load_balancer_type")

undecided(lb) if infracheck.is_unknown(lb.unknown, "internal")

undecided(lb) if lib.has_unresolved(association_type)

unknown_message(lb) := "whether the load balancer is internet-facing is not known until apply" if {
	not internet_facing_alb(lb)
} else := sprintf("some %s could not be joined to its load balancer", [association_type])

# --- CloudFront

deny contains {"address": d.address, "message": "distribution has no web ACL (web_acl_id is empty)"} if {
	some d in lib.resources("aws_cloudfront_distribution")
	not distribution_protected(d)
	not infracheck.is_unknown(d.unknown, "web_acl_id")
}

unknown contains {"address": d.address, "message": "the distribution's web ACL is not known until apply"} if {
	some d in lib.resources("aws_cloudfront_distribution")
	not distribution_protected(d)
	infracheck.is_unknown(d.unknown, "web_acl_id")
}

distribution_protected(d) if {
	id := infracheck.get(d.values, "web_acl_id", "")
	is_string(id)
	id != ""
}

# web_acl_id = aws_wafv2_web_acl.x.arn is unknown until the ACL exists.
distribution_protected(d) if {
	some acl in lib.referenced(d, "web_acl_id")
	acl.type == "aws_wafv2_web_acl"
}
