package aws.wafv2.rate_limit_test

import rego.v1

import data.aws.wafv2.rate_limit as rule
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

rate_statement := object.union(empty_statement, {"rate_based_statement": [{
	"limit": 2000, "aggregate_key_type": "IP", "evaluation_window_sec": 300, "forwarded_ip_config": [],
	"scope_down_statement": [], "custom_key": [],
}]})

acl(address, rules) := lib.mock_resource(address, {"name": "acl", "scope": "REGIONAL", "default_action": [{"allow": [{}], "block": []}], "rule": rules})

msg_missing := "web ACL has no rate-based rule"

msg_count := "the rate-based rule is in count mode: requests are not rate-limited"

msg_unknown := "the web ACL rules are not known until apply"

test_rate_rule_block_passes if {
	inp := lib.mock_input([acl("aws_wafv2_web_acl.a", [managed("AWSManagedRulesCommonRuleSet", "none"), custom(rate_statement, "block")])])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_rate_rule_challenge_passes if {
	inp := lib.mock_input([acl("aws_wafv2_web_acl.a", [custom(rate_statement, "challenge")])])
	count(rule.deny) == 0 with input as inp
}

test_no_rate_rule_fails if {
	inp := lib.mock_input([acl("aws_wafv2_web_acl.a", [managed("AWSManagedRulesCommonRuleSet", "none")])])
	rule.deny == {{"address": "aws_wafv2_web_acl.a", "message": msg_missing}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_rate_rule_count_fails if {
	inp := lib.mock_input([acl("aws_wafv2_web_acl.a", [custom(rate_statement, "count")])])
	rule.deny == {{"address": "aws_wafv2_web_acl.a", "message": msg_count}} with input as inp
}

test_rule_json if {
	ok := [{"Name": "rate", "Priority": 1, "Action": {"Block": {}}, "Statement": {"RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP"}}}]
	counting := [{"Name": "rate", "Priority": 1, "Action": {"Count": {}}, "Statement": {"RateBasedStatement": {"Limit": 2000, "AggregateKeyType": "IP"}}}]
	inp := lib.mock_input([
		lib.mock_resource("aws_wafv2_web_acl.ok", {"rule": [], "rule_json": json.marshal(ok)}),
		lib.mock_resource("aws_wafv2_web_acl.bad", {"rule": [], "rule_json": json.marshal(counting)}),
	])
	rule.deny == {{"address": "aws_wafv2_web_acl.bad", "message": msg_count}} with input as inp
}

test_unknown_rules_are_unknown if {
	a := object.union(lib.mock_resource("aws_wafv2_web_acl.a", {"name": "a"}), {"unknown": {"rule": true}})
	b := object.union(
		acl("aws_wafv2_web_acl.b", [object.remove(custom(rate_statement, "block"), ["statement"])]),
		{"unknown": {"rule.0.statement.0.rate_based_statement.0.limit": true}},
	)
	inp := lib.mock_input([a, b])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {
		{"address": "aws_wafv2_web_acl.a", "message": msg_unknown},
		{"address": "aws_wafv2_web_acl.b", "message": msg_unknown},
	} with input as inp
}

test_module_acls if {
	ok := acl(`module.edge.aws_wafv2_web_acl.this["a"]`, [custom(rate_statement, "block")])
	bad := acl(`module.edge.aws_wafv2_web_acl.this["b"]`, [])
	inp := lib.mock_input([ok, bad])
	rule.deny == {{"address": `module.edge.aws_wafv2_web_acl.this["b"]`, "message": msg_missing}} with input as inp
	count(rule.unknown) == 0 with input as inp
}
