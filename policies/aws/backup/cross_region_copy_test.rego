package aws.backup.cross_region_copy_test

import rego.v1

import data.aws.backup.cross_region_copy as rule
import data.lib.infracheck as lib

cfg := {"primary_region": "us-east-1", "secondary_region": "us-west-2"}

in_region(r, region) := object.union(r, {"region": region})

vault(address, region) := in_region(lib.mock_resource(address, {"name": "v"}), region)

west_vault := vault("module.secondary.aws_backup_vault.this", "us-west-2")

east_vault := vault("aws_backup_vault.primary", "us-east-1")

# A plan whose rules copy to the vaults listed (per rule, a list of vault addresses);
# the destination ARNs are unknown until apply, as for new vaults.
plan(address, rules) := object.union(lib.mock_resource(address, {"name": "daily", "rule": [r |
	some i, dests in rules
	r := {"rule_name": sprintf("r%d", [i]), "schedule": "cron(0 5 * * ? *)", "copy_action": [{"lifecycle": []} | some _ in dests]}
]}), {
	"references": {sprintf("rule.%d.copy_action.%d.destination_vault_arn", [i, j]): [v] |
		some i, dests in rules
		some j, v in dests
	},
	"unknown": {sprintf("rule.%d.copy_action.%d.destination_vault_arn", [i, j]): true |
		some i, dests in rules
		some j, _ in dests
	},
})

test_copy_to_secondary_passes if {
	inp := lib.mock_input([west_vault, east_vault, plan("module.backup.aws_backup_plan.daily", [["module.secondary.aws_backup_vault.this"]])])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_known_arn_passes if {
	p := lib.mock_resource("aws_backup_plan.daily", {"rule": [{"rule_name": "daily", "copy_action": [{"destination_vault_arn": "arn:aws:backup:us-west-2:123456789012:backup-vault:dr"}]}]})
	inp := lib.mock_input([p])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_rule_without_copy_fails if {
	inp := lib.mock_input([west_vault, plan("module.backup.aws_backup_plan.daily", [["module.secondary.aws_backup_vault.this"], []])])
	rule.deny == {{
		"address": "module.backup.aws_backup_plan.daily",
		"message": "backup rule r1 does not copy recovery points to the secondary region us-west-2 (no copy_action)",
	}} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_copy_to_same_region_fails if {
	inp := lib.mock_input([east_vault, plan("aws_backup_plan.daily", [["aws_backup_vault.primary"]])])
	rule.deny == {{"address": "aws_backup_plan.daily", "message": "backup rule r0 copies recovery points to us-east-1, not to the secondary region us-west-2"}} with input as inp with data.infracheck.config as cfg
}

test_secondary_region_setting_changes_verdict if {
	inp := lib.mock_input([east_vault, plan("aws_backup_plan.daily", [["aws_backup_vault.primary"]])])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as {"primary_region": "us-east-1", "secondary_region": "us-east-1"}
}

test_plan_outside_primary_not_concerned if {
	p := in_region(plan("module.secondary.aws_backup_plan.daily", [[]]), "us-west-2")
	inp := lib.mock_input([p])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_unresolved_destination_is_unknown if {
	p := object.union(lib.mock_resource("aws_backup_plan.daily", {"rule": [{"rule_name": "daily", "copy_action": [{}]}]}), {"unknown": {"rule.0.copy_action.0.destination_vault_arn": true}})
	inp2 := lib.mock_input([p])
	count(rule.deny) == 0 with input as inp2 with data.infracheck.config as cfg
	rule.unknown == {{"address": "aws_backup_plan.daily", "message": "whether backup rule daily copies recovery points to us-west-2 is not known until apply"}} with input as inp2 with data.infracheck.config as cfg
}

test_plan_of_unknown_region_is_unknown_not_failed if {
	p := in_region(plan("aws_backup_plan.daily", [[]]), null)
	inp := lib.mock_input([p])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 1 with input as inp with data.infracheck.config as cfg
}

test_unresolved_plan_reference_is_unknown if {
	p := lib.mock_resource("aws_backup_plan.daily", {"rule": [{"rule_name": "daily", "copy_action": []}]})
	inp := object.union(lib.mock_input([p]), {"unresolved": {"aws_backup_plan": ["aws_backup_plan.daily"]}})
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 1 with input as inp with data.infracheck.config as cfg
}
