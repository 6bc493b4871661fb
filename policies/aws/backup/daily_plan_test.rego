package aws.backup.daily_plan_test

import rego.v1

import data.aws.backup.daily_plan as rule
import data.lib.infracheck as lib

cfg := {"backup_retention_days": 30, "primary_region": "us-east-1", "secondary_region": "us-west-2"}

plan(address, schedule, delete_after) := lib.mock_resource(address, {"name": "daily", "rule": [{
	"rule_name": "daily",
	"target_vault_name": "primary",
	"schedule": schedule,
	"lifecycle": [{"delete_after": delete_after, "cold_storage_after": null}],
	"copy_action": [],
}]})

selection(address, plan_address, values, refs) := object.union(
	lib.mock_resource(address, object.union({"name": "sel", "selection_tag": [], "condition": []}, values)),
	{"references": object.union({"plan_id": [plan_address]}, refs)},
)

table := lib.mock_resource("aws_dynamodb_table.app", {"name": "app"})

bucket := lib.mock_resource("module.primary.aws_s3_bucket.static", {"bucket": "static"})

instance := lib.mock_resource("module.primary.aws_instance.bastion", {"instance_type": "t3.micro"})

workload := [table, bucket, instance]

good_plan := plan("module.backup.aws_backup_plan.daily", "cron(0 5 * * ? *)", 30)

all_selection := selection("module.backup.aws_backup_selection.all", "module.backup.aws_backup_plan.daily", {"resources": ["*"]}, {})

no_plan_msg := "no AWS Backup plan in us-east-1 has a daily rule keeping recovery points at least 30 days"

denied(inp) := d if {
	d := rule.deny with input as inp with data.infracheck.config as cfg
}

unknowns(inp) := u if {
	u := rule.unknown with input as inp with data.infracheck.config as cfg
}

test_daily_plan_selecting_all_passes if {
	inp := lib.mock_input(array.concat(workload, [good_plan, all_selection]))
	count(denied(inp)) == 0
	count(unknowns(inp)) == 0
}

test_selection_by_reference_passes if {
	sel := object.union(
		selection("aws_backup_selection.data", "module.backup.aws_backup_plan.daily", {}, {"resources": ["aws_dynamodb_table.app", "module.primary.aws_s3_bucket.static"]}),
		{"unknown": {"resources": true}},
	)
	inp := lib.mock_input([table, bucket, good_plan, sel])
	count(denied(inp)) == 0
	count(unknowns(inp)) == 0
}

test_selection_by_arn_pattern_covers_only_its_service if {
	sel := selection("aws_backup_selection.ddb", "module.backup.aws_backup_plan.daily", {"resources": ["arn:aws:dynamodb:*:*:table/*"]}, {})
	inp := lib.mock_input(array.concat(workload, [good_plan, sel]))
	denied(inp) == {
		lib.region_result("us-east-1", "no backup selection of a daily backup plan in us-east-1 selects its EC2 instances"),
		lib.region_result("us-east-1", "no backup selection of a daily backup plan in us-east-1 selects its S3 buckets"),
	}
	count(unknowns(inp)) == 0
}

test_tag_based_selection_passes if {
	sel := selection("aws_backup_selection.tagged", "module.backup.aws_backup_plan.daily", {"selection_tag": [{"type": "STRINGEQUALS", "key": "Backup", "value": "daily"}]}, {})
	inp := lib.mock_input(array.concat(workload, [good_plan, sel]))
	count(denied(inp)) == 0
}

test_no_plan_fails if {
	inp := lib.mock_input(workload)
	denied(inp) == {lib.region_result("us-east-1", no_plan_msg)}
	count(unknowns(inp)) == 0
}

test_plan_without_selection_fails if {
	inp := lib.mock_input(array.concat(workload, [good_plan]))
	{f.message | some f in denied(inp)} == {
		"no backup selection of a daily backup plan in us-east-1 selects its EC2 instances",
		"no backup selection of a daily backup plan in us-east-1 selects its DynamoDB tables",
		"no backup selection of a daily backup plan in us-east-1 selects its S3 buckets",
	}
}

test_weekly_plan_fails if {
	p := plan("module.backup.aws_backup_plan.daily", "cron(0 5 ? * SUN *)", 30)
	inp := lib.mock_input(array.concat(workload, [p, all_selection]))
	denied(inp) == {lib.region_result("us-east-1", no_plan_msg)}
}

test_retention_setting_changes_verdict if {
	p := plan("module.backup.aws_backup_plan.daily", "cron(0 5 * * ? *)", 7)
	inp := lib.mock_input(array.concat(workload, [p, all_selection]))
	denied(inp) == {lib.region_result("us-east-1", no_plan_msg)}
	count(rule.deny) == 0 with input as inp with data.infracheck.config as {"backup_retention_days": 7}
}

test_no_lifecycle_keeps_forever_and_default_schedule_is_daily if {
	p := lib.mock_resource("module.backup.aws_backup_plan.daily", {"rule": [{"rule_name": "r", "schedule": null, "lifecycle": []}]})
	inp := lib.mock_input(array.concat(workload, [p, all_selection]))
	count(denied(inp)) == 0
	count(unknowns(inp)) == 0
}

test_plan_in_other_region_does_not_count if {
	p := object.union(good_plan, {"region": "us-west-2"})
	inp := lib.mock_input(array.concat(workload, [p, all_selection]))
	denied(inp) == {lib.region_result("us-east-1", no_plan_msg)}
}

test_region_without_protected_resources_passes if {
	west_vpc := object.union(lib.mock_resource("aws_vpc.west", {}), {"region": "us-west-2"})
	inp := lib.mock_input(array.concat(workload, [good_plan, all_selection, west_vpc]))
	count(denied(inp)) == 0
	count(unknowns(inp)) == 0
}

test_unknown_schedule_is_unknown if {
	p := object.union(good_plan, {"unknown": {"rule.0.schedule": true}})
	inp := lib.mock_input(array.concat(workload, [p, all_selection]))
	count(denied(inp)) == 0
	{u.address | some u in unknowns(inp)} == {"region/us-east-1"}
}

test_unknown_selection_is_unknown if {
	sel := object.union(selection("aws_backup_selection.x", "module.backup.aws_backup_plan.daily", {}, {}), {"unknown": {"resources": true}})
	inp := lib.mock_input([table, good_plan, sel])
	count(denied(inp)) == 0
	unknowns(inp) == {lib.region_result("us-east-1", "whether a daily backup plan selects the DynamoDB tables of the region is not known until apply")}
}

test_schedules if {
	rule.daily("cron(0 5 ? * * *)")
	rule.daily("cron(0 */12 * * ? *)")
	rule.daily("rate(1 day)")
	rule.daily("rate(24 hours)")
	rule.daily("rate(12 hours)")
	not rule.daily("rate(2 days)")
	not rule.daily("cron(0 5 1 * ? *)")
	not rule.daily("cron(0 5 ? * MON-FRI *)")
	not rule.daily("cron(0 5 * 1 ? *)")
}
