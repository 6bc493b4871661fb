package aws.wafv2.web_acl_logging_test

import rego.v1

import data.aws.wafv2.web_acl_logging as rule
import data.lib.infracheck as lib

acl(address) := object.union(
	lib.mock_resource(address, {"name": "web", "scope": "REGIONAL", "rule": []}),
	{"unknown": {"arn": true, "id": true}},
)

logging(address, acl_address) := object.union(
	lib.mock_resource(address, {}),
	{
		"references": {"resource_arn": [acl_address], "log_destination_configs": ["aws_cloudwatch_log_group.waf"]},
		"unknown": {"resource_arn": true, "log_destination_configs": true},
	},
)

msg := "web ACL has no aws_wafv2_web_acl_logging_configuration"

test_logged_acl_passes if {
	inp := lib.mock_input([acl("aws_wafv2_web_acl.web"), logging("aws_wafv2_web_acl_logging_configuration.web", "aws_wafv2_web_acl.web")])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_acl_without_logging_fails if {
	inp := lib.mock_input([
		acl("aws_wafv2_web_acl.a"), acl("aws_wafv2_web_acl.b"),
		logging("aws_wafv2_web_acl_logging_configuration.b", "aws_wafv2_web_acl.b"),
	])
	rule.deny == {{"address": "aws_wafv2_web_acl.a", "message": msg}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_reference_through_other_attribute_does_not_count if {
	other := object.union(lib.mock_resource("aws_wafv2_web_acl_logging_configuration.x", {}), {"references": {"log_destination_configs": ["aws_wafv2_web_acl.a"]}})
	inp := lib.mock_input([acl("aws_wafv2_web_acl.a"), other])
	rule.deny == {{"address": "aws_wafv2_web_acl.a", "message": msg}} with input as inp
}

test_live_arn_join_passes if {
	a := object.union(lib.mock_resource("aws_wafv2_web_acl.111111111111/us-east-1/web", {"arn": "arn:aws:wafv2:us-east-1:111111111111:regional/webacl/web/abc"}), {"account": "111111111111"})
	c := object.union(
		lib.mock_resource("aws_wafv2_web_acl_logging_configuration.111111111111/us-east-1/web", {"resource_arn": a.values.arn}),
		{"account": "111111111111", "references": {"resource_arn": [a.address]}},
	)
	inp := object.union(lib.mock_input([a, c]), {"scan": {"source": "live"}})
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unresolved_logging_is_unknown if {
	orphan := object.union(lib.mock_resource("aws_wafv2_web_acl_logging_configuration.x", {}), {"unknown": {"resource_arn": true}})
	inp := object.union(
		lib.mock_input([acl("aws_wafv2_web_acl.a"), orphan]),
		{"unresolved": {"aws_wafv2_web_acl_logging_configuration": ["aws_wafv2_web_acl_logging_configuration.x"]}},
	)
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_wafv2_web_acl.a", "message": "some aws_wafv2_web_acl_logging_configuration could not be joined to its web ACL"}} with input as inp
}

test_module_acls if {
	inp := lib.mock_input([
		acl("module.primary.aws_wafv2_web_acl.this"),
		acl("module.secondary.aws_wafv2_web_acl.this"),
		logging("module.logging.aws_wafv2_web_acl_logging_configuration.this[0]", "module.primary.aws_wafv2_web_acl.this"),
	])
	rule.deny == {{"address": "module.secondary.aws_wafv2_web_acl.this", "message": msg}} with input as inp
	count(rule.unknown) == 0 with input as inp
}
