package aws.cloudwatch.log_retention_test

import rego.v1

import data.aws.cloudwatch.log_retention as rule
import data.lib.infracheck as lib

cfg := {"log_retention_min_days": 1}

group(address, values) := lib.mock_resource(address, object.union({"name": "/app"}, values))

never := "log group never expires (retention_in_days is not set)"

test_retention_passes if {
	inp := lib.mock_input([group("aws_cloudwatch_log_group.a", {"retention_in_days": 30}), group("module.m.aws_cloudwatch_log_group.b[0]", {"retention_in_days": 1})])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_never_expire_fails if {
	inp := lib.mock_input([
		group("aws_cloudwatch_log_group.zero", {"retention_in_days": 0}),
		group("aws_cloudwatch_log_group.absent", {}),
		group("module.m.aws_cloudwatch_log_group.null", {"retention_in_days": null}),
	])
	rule.deny == {
		{"address": "aws_cloudwatch_log_group.zero", "message": never},
		{"address": "aws_cloudwatch_log_group.absent", "message": never},
		{"address": "module.m.aws_cloudwatch_log_group.null", "message": never},
	} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_minimum_setting_changes_verdict if {
	inp := lib.mock_input([group("aws_cloudwatch_log_group.a", {"retention_in_days": 7})])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.deny == {{"address": "aws_cloudwatch_log_group.a", "message": "log group retention_in_days is 7, below the minimum of 30 days"}} with input as inp
		with data.infracheck.config as {"log_retention_min_days": 30}
}

test_unknown_retention_is_unknown if {
	g := object.union(group("aws_cloudwatch_log_group.a", {}), {"unknown": {"retention_in_days": true}})
	inp := lib.mock_input([g])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.unknown == {{"address": "aws_cloudwatch_log_group.a", "message": "log group retention is not known until apply"}} with input as inp with data.infracheck.config as cfg
}
