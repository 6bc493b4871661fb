package aws.wafv2.web_acl_associated_test

import rego.v1

import data.aws.wafv2.web_acl_associated as rule
import data.lib.infracheck as lib

lb(address, values) := lib.mock_resource(address, object.union({"name": "web", "load_balancer_type": "application", "internal": false}, values))

association(address, lb_address) := object.union(
	lib.mock_resource(address, {}),
	{
		"references": {"resource_arn": [lb_address], "web_acl_arn": ["aws_wafv2_web_acl.regional"]},
		"unknown": {"resource_arn": true, "web_acl_arn": true},
	},
)

web_acl := lib.mock_resource("aws_wafv2_web_acl.regional", {"name": "regional", "scope": "REGIONAL"})

distribution(address, values) := lib.mock_resource(address, object.union({"enabled": true}, values))

msg_lb := "internet-facing application load balancer has no aws_wafv2_web_acl_association"

msg_cf := "distribution has no web ACL (web_acl_id is empty)"

test_associated_alb_passes if {
	inp := lib.mock_input([lb("aws_lb.web", {}), web_acl, association("aws_wafv2_web_acl_association.web", "aws_lb.web")])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unassociated_alb_fails if {
	inp := lib.mock_input([
		lb("aws_lb.web", {}),
		lb("aws_alb.legacy", {"load_balancer_type": null}),
		lb("aws_lb.other", {}), web_acl, association("aws_wafv2_web_acl_association.other", "aws_lb.other"),
	])
	rule.deny == {
		{"address": "aws_lb.web", "message": msg_lb},
		{"address": "aws_alb.legacy", "message": msg_lb},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_internal_and_network_lbs_pass if {
	inp := lib.mock_input([
		lb("aws_lb.internal", {"internal": true}),
		lb("aws_lb.nlb", {"load_balancer_type": "network"}),
		lb("aws_lb.gwlb", {"load_balancer_type": "gateway"}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unknown_internal_is_unknown if {
	a := object.union(lb("aws_lb.web", {}), {"unknown": {"internal": true}})
	inp := lib.mock_input([object.union(a, {"values": object.remove(a.values, ["internal"])})])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_lb.web", "message": "whether the load balancer is internet-facing is not known until apply"}} with input as inp
}

test_unknown_internal_but_associated_passes if {
	a := object.union(lb("aws_lb.web", {}), {"unknown": {"internal": true}})
	inp := lib.mock_input([a, web_acl, association("aws_wafv2_web_acl_association.web", "aws_lb.web")])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unresolved_association_is_unknown if {
	orphan := object.union(lib.mock_resource("aws_wafv2_web_acl_association.x", {}), {"unknown": {"resource_arn": true}})
	inp := object.union(
		lib.mock_input([lb("aws_lb.web", {}), lb("aws_lb.internal", {"internal": true}), orphan]),
		{"unresolved": {"aws_wafv2_web_acl_association": ["aws_wafv2_web_acl_association.x"]}},
	)
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_lb.web", "message": "some aws_wafv2_web_acl_association could not be joined to its load balancer"}} with input as inp
}

test_cloudfront if {
	inp := lib.mock_input([
		distribution("aws_cloudfront_distribution.arn", {"web_acl_id": "arn:aws:wafv2:us-east-1:111111111111:global/webacl/cf/abc"}),
		object.union(distribution("aws_cloudfront_distribution.ref", {}), {"unknown": {"web_acl_id": true}, "references": {"web_acl_id": ["aws_wafv2_web_acl.cf"]}}),
		lib.mock_resource("aws_wafv2_web_acl.cf", {"scope": "CLOUDFRONT"}),
		distribution("aws_cloudfront_distribution.empty", {"web_acl_id": ""}),
		distribution("aws_cloudfront_distribution.null", {"web_acl_id": null}),
		object.union(distribution("aws_cloudfront_distribution.unknown", {}), {"unknown": {"web_acl_id": true}}),
	])
	rule.deny == {
		{"address": "aws_cloudfront_distribution.empty", "message": msg_cf},
		{"address": "aws_cloudfront_distribution.null", "message": msg_cf},
	} with input as inp
	rule.unknown == {{"address": "aws_cloudfront_distribution.unknown", "message": "the distribution's web ACL is not known until apply"}} with input as inp
}

test_module_resources if {
	ok := lb(`module.app.aws_lb.this["a"]`, {})
	bad := lb(`module.app.aws_lb.this["b"]`, {})
	assoc := association(`module.app.aws_wafv2_web_acl_association.this["a"]`, `module.app.aws_lb.this["a"]`)
	cf := distribution(`module.cdn.aws_cloudfront_distribution.this[0]`, {"web_acl_id": ""})
	inp := lib.mock_input([ok, bad, web_acl, assoc, cf])
	rule.deny == {
		{"address": `module.app.aws_lb.this["b"]`, "message": msg_lb},
		{"address": `module.cdn.aws_cloudfront_distribution.this[0]`, "message": msg_cf},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}
