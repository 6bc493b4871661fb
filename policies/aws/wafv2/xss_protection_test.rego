package aws.wafv2.xss_protection_test

import rego.v1

import data.aws.wafv2.xss_protection as rule
import data.lib.infracheck as lib

# Blocks in the shape of Terraform plan JSON (every nested block is a list).
empty_statement := {
	"and_statement": [], "byte_match_statement": [], "geo_match_statement": [], "ip_set_reference_statement": [],
	"label_match_statement": [], "managed_rule_group_statement": [], "not_statement": [], "or_statement": [],
	"rate_based_statement": [], "regex_pattern_set_reference_statement": [], "rule_group_reference_statement": [],
	"size_constraint_statement": [], "sqli_match_statement": [], "xss_match_statement": [],
}

visibility := [{"cloudwatch_metrics_enabled": true, "metric_name": "m", "sampled_requests_enabled": true}]

managed(name, mode) := {
	"name": name, "priority": 1, "action": [],
	"override_action": [object.union({"count": [], "none": []}, {mode: [{}]})],
	"statement": [object.union(empty_statement, {"managed_rule_group_statement": [{
		"name": name, "vendor_name": "AWS", "version": "", "rule_action_override": [], "scope_down_statement": [],
	}]})],
	"visibility_config": visibility,
}

match := [{"field_to_match": [{"body": [{}]}], "text_transformation": [{"priority": 0, "type": "URL_DECODE"}]}]

custom(statement, act) := {
	"name": "custom", "priority": 2, "override_action": [],
	"action": [object.union({"allow": [], "block": [], "captcha": [], "challenge": [], "count": []}, {act: [{}]})],
	"statement": [statement],
	"visibility_config": visibility,
}

xss_statement := object.union(empty_statement, {"xss_match_statement": match})

acl(address, rules) := lib.mock_resource(address, {"name": "acl", "scope": "REGIONAL", "default_action": [{"allow": [{}], "block": []}], "rule": rules})

msg_missing := "web ACL does not block cross-site scripting: no AWSManagedRulesCommonRuleSet rule group, nor a blocking xss_match_statement rule"

msg_count := "AWSManagedRulesCommonRuleSet is in count mode (override_action count): cross-site scripting is not blocked"

msg_unknown := "the web ACL rules are not known until apply"

test_managed_group_passes if {
	inp := lib.mock_input([acl("aws_wafv2_web_acl.a", [managed("AWSManagedRulesCommonRuleSet", "none")])])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_managed_group_in_count_mode_fails if {
	inp := lib.mock_input([acl("aws_wafv2_web_acl.a", [managed("AWSManagedRulesCommonRuleSet", "count")])])
	rule.deny == {{"address": "aws_wafv2_web_acl.a", "message": msg_count}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_sqli_group_only_fails if {
	inp := lib.mock_input([acl("aws_wafv2_web_acl.a", [managed("AWSManagedRulesSQLiRuleSet", "none")])])
	rule.deny == {{"address": "aws_wafv2_web_acl.a", "message": msg_missing}} with input as inp
}

test_other_vendor_fails if {
	m := managed("AWSManagedRulesCommonRuleSet", "none")
	group := object.union(m.statement[0].managed_rule_group_statement[0], {"vendor_name": "Acme"})
	r := object.union(m, {"statement": [object.union(empty_statement, {"managed_rule_group_statement": [group]})]})
	inp := lib.mock_input([acl("aws_wafv2_web_acl.a", [r])])
	rule.deny == {{"address": "aws_wafv2_web_acl.a", "message": msg_missing}} with input as inp
}

test_xss_match_block_passes if {
	inp := lib.mock_input([acl("aws_wafv2_web_acl.a", [custom(xss_statement, "block")])])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_xss_match_nested_two_levels_passes if {
	inner := object.union(empty_statement, {"or_statement": [{"statement": [xss_statement, xss_statement]}]})
	outer := object.union(empty_statement, {"and_statement": [{"statement": [inner, object.union(empty_statement, {"geo_match_statement": [{"country_codes": ["US"]}]})]}]})
	inp := lib.mock_input([acl("aws_wafv2_web_acl.a", [custom(outer, "block")])])
	count(rule.deny) == 0 with input as inp
}

test_xss_match_count_or_allow_fails if {
	inp := lib.mock_input([
		acl("aws_wafv2_web_acl.a", [custom(xss_statement, "count")]),
		acl("aws_wafv2_web_acl.b", [custom(xss_statement, "allow")]),
	])
	rule.deny == {
		{"address": "aws_wafv2_web_acl.a", "message": msg_missing},
		{"address": "aws_wafv2_web_acl.b", "message": msg_missing},
	} with input as inp
}

test_rule_json if {
	ok_rules := [{"Name": "xss", "Priority": 1, "Action": {"Block": {}}, "Statement": {"OrStatement": {"Statements": [
		{"XssMatchStatement": {"FieldToMatch": {"Body": {}}}},
		{"XssMatchStatement": {"FieldToMatch": {"QueryString": {}}}},
	]}}}]
	bad_rules := [{"Name": "crs", "Priority": 1, "OverrideAction": {"Count": {}}, "Statement": {"ManagedRuleGroupStatement": {"Name": "AWSManagedRulesCommonRuleSet", "VendorName": "AWS"}}}]
	inp := lib.mock_input([
		lib.mock_resource("aws_wafv2_web_acl.ok", {"rule": [], "rule_json": json.marshal(ok_rules)}),
		lib.mock_resource("aws_wafv2_web_acl.bad", {"rule": [], "rule_json": json.marshal(bad_rules)}),
	])
	rule.deny == {{"address": "aws_wafv2_web_acl.bad", "message": msg_count}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unknown_rules_are_unknown if {
	a := object.union(lib.mock_resource("aws_wafv2_web_acl.a", {"name": "a"}), {"unknown": {"rule": true}})
	b := object.union(
		acl("aws_wafv2_web_acl.b", [object.remove(managed("AWSManagedRulesCommonRuleSet", "none"), ["override_action"])]),
		{"unknown": {"rule.0.override_action": true}},
	)
	c := object.union(lib.mock_resource("aws_wafv2_web_acl.c", {"rule": []}), {"unknown": {"rule_json": true}})
	inp := lib.mock_input([a, b, c])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {
		{"address": "aws_wafv2_web_acl.a", "message": msg_unknown},
		{"address": "aws_wafv2_web_acl.b", "message": msg_unknown},
		{"address": "aws_wafv2_web_acl.c", "message": msg_unknown},
	} with input as inp
}

test_module_acls if {
	ok := acl(`module.edge.aws_wafv2_web_acl.this["a"]`, [managed("AWSManagedRulesCommonRuleSet", "none")])
	bad := acl(`module.edge.aws_wafv2_web_acl.this["b"]`, [])
	inp := lib.mock_input([ok, bad])
	rule.deny == {{"address": `module.edge.aws_wafv2_web_acl.this["b"]`, "message": msg_missing}} with input as inp
	count(rule.unknown) == 0 with input as inp
}
