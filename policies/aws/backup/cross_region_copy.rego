# METADATA
# title: Backup rules copy recovery points to the secondary region
# description: >-
#   Every rule of every aws_backup_plan in the primary region (setting
#   primary_region) has a copy_action whose destination_vault_arn is a vault in the
#   secondary region (setting secondary_region): an aws_backup_vault of that region
#   referenced through rule.N.copy_action.M.destination_vault_arn, or a known vault
#   ARN whose region field is the secondary region. Plans in other regions are not
#   concerned and pass; a plan whose region is not known is checked and is UNKNOWN
#   where it would fail. A rule without such a copy FAILS (finding on the plan); a
#   destination unknown until apply that no reference explains, a referenced vault
#   of unknown region or an unresolved reference of the plan gives UNKNOWN.
# custom:
#   id: BAK-002
#   severity: high
#   resource_types: [aws_backup_plan]
#   remediation: |-
#     Copy every rule's recovery points to a vault in the secondary region:
#
#       resource "aws_backup_vault" "secondary" {
#         provider = aws.secondary
#         name     = "secondary"
#       }
#
#       resource "aws_backup_plan" "daily" {
#         name = "daily"
#         rule {
#           rule_name         = "daily"
#           target_vault_name = aws_backup_vault.primary.name
#           schedule          = "cron(0 5 * * ? *)"
#           lifecycle { delete_after = 30 }
#           copy_action {
#             destination_vault_arn = aws_backup_vault.secondary.arn
#             lifecycle { delete_after = 30 }
#           }
#         }
#       }
package aws.backup.cross_region_copy

import rego.v1

import data.lib.infracheck as lib

primary := lib.config("primary_region")

secondary := lib.config("secondary_region")

in_scope(p) if p.region == primary

in_scope(p) if p.region == null

dest_path(i, j) := sprintf("rule.%d.copy_action.%d.destination_vault_arn", [i, j])

copy_actions(p, i) := infracheck.list(p.values, sprintf("rule.%d.copy_action", [i]))

vaults(p, i, j) := [v |
	some v in lib.referenced(p, dest_path(i, j))
	v.type == "aws_backup_vault"
]

arn_region(arn) := parts[3] if {
	is_string(arn)
	parts := split(arn, ":")
	count(parts) > 4
}

# The known regions copy action j of rule i sends recovery points to.
dest_regions(p, i, j) := {r |
	some v in vaults(p, i, j)
	r := v.region
	r != null
} | {r |
	not infracheck.is_unknown(p.unknown, dest_path(i, j))
	r := arn_region(infracheck.get(p.values, dest_path(i, j), null))
}

rule_ok(p, i) if {
	some j, _ in copy_actions(p, i)
	secondary in dest_regions(p, i, j)
}

copy_undecided(p, i, j) if {
	infracheck.is_unknown(p.unknown, dest_path(i, j))
	count(vaults(p, i, j)) == 0
}

copy_undecided(p, i, j) if {
	some v in vaults(p, i, j)
	v.region == null
}

rule_undecided(p, i) if {
	some j, _ in copy_actions(p, i)
	copy_undecided(p, i, j)
}

rule_undecided(p, i) if p.unknown[sprintf("rule.%d.copy_action", [i])]

rule_undecided(p, _) if p.address in object.get(input.unresolved, "aws_backup_plan", [])

rule_undecided(p, _) if p.region == null

rule_name(p, i) := object.get(infracheck.get(p.values, sprintf("rule.%d", [i]), {}), "rule_name", sprintf("rule.%d", [i]))

deny contains {"address": p.address, "message": message(p, i)} if {
	some p in lib.resources("aws_backup_plan")
	in_scope(p)
	some i, _ in infracheck.list(p.values, "rule")
	not rule_ok(p, i)
	not rule_undecided(p, i)
}

unknown contains {"address": p.address, "message": sprintf("whether backup rule %s copies recovery points to %s is not known until apply", [rule_name(p, i), secondary])} if {
	some p in lib.resources("aws_backup_plan")
	in_scope(p)
	some i, _ in infracheck.list(p.values, "rule")
	not rule_ok(p, i)
	rule_undecided(p, i)
}

unknown contains {"address": p.address, "message": sprintf("the backup rules are not known until apply, so copies to %s are not known", [secondary])} if {
	some p in lib.resources("aws_backup_plan")
	in_scope(p)
	p.unknown.rule
}

message(p, i) := sprintf("backup rule %s does not copy recovery points to the secondary region %s (no copy_action)", [rule_name(p, i), secondary]) if {
	count(copy_actions(p, i)) == 0
} else := sprintf("backup rule %s copies recovery points to %s, not to the secondary region %s", [rule_name(p, i), concat(", ", sort(regions)), secondary]) if {
	regions := {r | some j, _ in copy_actions(p, i); some r in dest_regions(p, i, j)}
	count(regions) > 0
} else := sprintf("backup rule %s does not copy recovery points to the secondary region %s", [rule_name(p, i), secondary])
