package aws.wafv2.sqli_protection_test

import rego.v1

import data.aws.wafv2.sqli_protection as rule
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

sqli_statement := object.union(empty_statement, {"sqli_match_statement": match})

acl(address, rules) := lib.mock_resource(address, {"name": "acl", "scope": "REGIONAL", "default_action": [{"allow": [{}], "block": []}], "rule": rules})

msg_missing := "web ACL does not block SQL injection: no AWSManagedRulesSQLiRuleSet rule group, nor a blocking sqli_match_statement rule"

msg_unknown := "the web ACL rules are not known until apply"

test_managed_group_passes if {
	inp := lib.mock_input([acl("aws_wafv2_web_acl.a", [managed("AWSManagedRulesCommonRuleSet", "none"), managed("AWSManagedRulesSQLiRuleSet", "none")])])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_managed_group_in_count_mode_fails if {
	inp := lib.mock_input([acl("aws_wafv2_web_acl.a", [managed("AWSManagedRulesSQLiRuleSet", "count")])])
	rule.deny == {{
		"address": "aws_wafv2_web_acl.a",
		"message": "AWSManagedRulesSQLiRuleSet is in count mode (override_action count): SQL injection is not blocked",
	}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_other_groups_only_fail if {
	inp := lib.mock_input([acl("aws_wafv2_web_acl.a", [managed("AWSManagedRulesCommonRuleSet", "none")])])
	rule.deny == {{"address": "aws_wafv2_web_acl.a", "message": msg_missing}} with input as inp
}

test_no_rules_fail if {
	inp := lib.mock_input([acl("aws_wafv2_web_acl.a", [])])
	rule.deny == {{"address": "aws_wafv2_web_acl.a", "message": msg_missing}} with input as inp
}

test_sqli_match_block_passes if {
	inp := lib.mock_input([acl("aws_wafv2_web_acl.a", [custom(sqli_statement, "block")])])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_sqli_match_in_or_statement_passes if {
	or_stmt := object.union(empty_statement, {"or_statement": [{"statement": [
		object.union(empty_statement, {"xss_match_statement": match}),
		sqli_statement,
	]}]})
	inp := lib.mock_input([acl("aws_wafv2_web_acl.a", [custom(or_stmt, "block")])])
	count(rule.deny) == 0 with input as inp
}

test_sqli_match_count_fails if {
	inp := lib.mock_input([acl("aws_wafv2_web_acl.a", [custom(sqli_statement, "count")])])
	rule.deny == {{"address": "aws_wafv2_web_acl.a", "message": msg_missing}} with input as inp
}

test_sqli_match_under_not_fails if {
	not_stmt := object.union(empty_statement, {"not_statement": [{"statement": [sqli_statement]}]})
	inp := lib.mock_input([acl("aws_wafv2_web_acl.a", [custom(not_stmt, "block")])])
	rule.deny == {{"address": "aws_wafv2_web_acl.a", "message": msg_missing}} with input as inp
}

test_rule_json_managed_group if {
	rules := [
		{"Name": "sqli", "Priority": 1, "OverrideAction": {"None": {}}, "Statement": {"ManagedRuleGroupStatement": {"Name": "AWSManagedRulesSQLiRuleSet", "VendorName": "AWS"}}},
	]
	counting := [
		{"Name": "sqli", "Priority": 1, "OverrideAction": {"Count": {}}, "Statement": {"ManagedRuleGroupStatement": {"Name": "AWSManagedRulesSQLiRuleSet", "VendorName": "AWS"}}},
	]
	ok := lib.mock_resource("aws_wafv2_web_acl.ok", {"name": "ok", "rule": [], "rule_json": json.marshal(rules)})
	bad := lib.mock_resource("aws_wafv2_web_acl.bad", {"name": "bad", "rule": [], "rule_json": json.marshal(counting)})
	inp := lib.mock_input([ok, bad])
	rule.deny == {{
		"address": "aws_wafv2_web_acl.bad",
		"message": "AWSManagedRulesSQLiRuleSet is in count mode (override_action count): SQL injection is not blocked",
	}} with input as inp
}

test_rule_json_match_statement if {
	rules := [{"Name": "sqli", "Priority": 1, "Action": {"Block": {}}, "Statement": {"SqliMatchStatement": {"FieldToMatch": {"Body": {}}}}}]
	inp := lib.mock_input([lib.mock_resource("aws_wafv2_web_acl.a", {"rule": [], "rule_json": json.marshal(rules)})])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unknown_rules_are_unknown if {
	a := object.union(lib.mock_resource("aws_wafv2_web_acl.a", {"name": "a"}), {"unknown": {"rule": true}})
	b := object.union(
		acl("aws_wafv2_web_acl.b", [object.remove(managed("AWSManagedRulesSQLiRuleSet", "none"), ["statement"])]),
		{"unknown": {"rule.0.statement": true}},
	)
	inp := lib.mock_input([a, b])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {
		{"address": "aws_wafv2_web_acl.a", "message": msg_unknown},
		{"address": "aws_wafv2_web_acl.b", "message": msg_unknown},
	} with input as inp
}

test_unknown_elsewhere_still_passes if {
	a := object.union(
		acl("aws_wafv2_web_acl.a", [managed("AWSManagedRulesSQLiRuleSet", "none")]),
		{"unknown": {"arn": true, "rule.0.visibility_config.0.metric_name": true}},
	)
	inp := lib.mock_input([a])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_module_acls if {
	ok := acl(`module.edge.aws_wafv2_web_acl.this["a"]`, [managed("AWSManagedRulesSQLiRuleSet", "none")])
	bad := acl(`module.edge.aws_wafv2_web_acl.this["b"]`, [managed("AWSManagedRulesSQLiRuleSet", "count")])
	inp := lib.mock_input([ok, bad])
	rule.deny == {{
		"address": `module.edge.aws_wafv2_web_acl.this["b"]`,
		"message": "AWSManagedRulesSQLiRuleSet is in count mode (override_action count): SQL injection is not blocked",
	}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_null_blocks_fail_without_error if {
	r := {"name": "r", "action": null, "override_action": [{"none": null, "count": null}], "statement": [{"managed_rule_group_statement": null, "or_statement": null}]}
	inp := lib.mock_input([
		lib.mock_resource("aws_wafv2_web_acl.a", {"rule": null, "rule_json": null}),
		acl("aws_wafv2_web_acl.b", [r]),
	])
	rule.deny == {
		{"address": "aws_wafv2_web_acl.a", "message": msg_missing},
		{"address": "aws_wafv2_web_acl.b", "message": msg_missing},
	} with input as inp
}
