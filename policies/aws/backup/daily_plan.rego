# METADATA
# title: A daily AWS Backup plan with enough retention selects the EC2, DynamoDB and S3 resources
# description: >-
#   In every region holding EC2 (aws_instance, aws_autoscaling_group), DynamoDB
#   (aws_dynamodb_table) or S3 (aws_s3_bucket) resources, an aws_backup_plan of that
#   region has a rule that runs at least daily and keeps recovery points at least
#   backup_retention_days (default 30) days, and aws_backup_selections referring to
#   that plan (plan_id) select each of those three classes present in the region.
#   Daily: a schedule of cron(M H D Mo W Y) with day-of-month and day-of-week each
#   "*" or "?" and month and year "*", a rate() of at most one day, or no schedule
#   (AWS Backup's default, cron(0 5 ? * * *)). Retention: lifecycle.delete_after of
#   at least the setting; no lifecycle or no delete_after keeps recovery points
#   forever, which also passes. A selection selects a class when its resources hold
#   "*", an ARN of that service (arn:aws:ec2:..., arn:aws:dynamodb:..., arn:aws:s3:::...,
#   wildcards allowed, a "*" service matching all) or a reference to a resource of
#   that class; a tag-based selection (selection_tag or condition) is taken to select
#   every class. Regions without such resources pass. A missing plan or class
#   FAILS (findings on region/<name>); schedules, retention or selections unknown
#   until apply, plans of unknown region, or unresolved references give UNKNOWN.
# custom:
#   id: BAK-001
#   severity: high
#   scope: region
#   resource_types: [aws_backup_plan, aws_backup_selection]
#   remediation: |-
#     Back up the region's resources daily, keeping recovery points 30 days:
#
#       resource "aws_backup_plan" "daily" {
#         name = "daily"
#         rule {
#           rule_name         = "daily"
#           target_vault_name = aws_backup_vault.primary.name
#           schedule          = "cron(0 5 * * ? *)"
#           lifecycle {
#             delete_after = 30
#           }
#         }
#       }
#
#       resource "aws_backup_selection" "all" {
#         name         = "all"
#         plan_id      = aws_backup_plan.daily.id
#         iam_role_arn = aws_iam_role.backup.arn
#         resources    = ["*"]
#       }
package aws.backup.daily_plan

import rego.v1

import data.lib.infracheck as lib

selection_type := "aws_backup_selection"

min_days := lib.config("backup_retention_days")

plans := lib.resources("aws_backup_plan")

type_class := {"aws_instance": "ec2", "aws_autoscaling_group": "ec2", "aws_dynamodb_table": "dynamodb", "aws_s3_bucket": "s3"}

class_text := {"ec2": "EC2 instances", "dynamodb": "DynamoDB tables", "s3": "S3 buckets"}

# [region, class] of every protected resource of a known region.
needed := {[r.region, c] |
	some t, c in type_class
	some r in lib.resources(t)
	r.region != null
}

# ---- schedule and retention of the plan's rules

daily(s) if s == null

daily(s) if s == ""

daily(s) if {
	is_string(s)
	[_, inner] := regex.find_all_string_submatch_n(`^cron\((.*)\)$`, trim_space(s), 1)[0]
	fields := [f | some f in split(trim_space(inner), " "); f != ""]
	count(fields) == 6
	fields[2] in {"*", "?"}
	fields[3] == "*"
	fields[4] in {"*", "?"}
	fields[5] == "*"
}

daily(s) if {
	is_string(s)
	[_, n, unit] := regex.find_all_string_submatch_n(`^rate\([ \t]*([0-9]+)[ \t]+(minutes?|hours?|days?)[ \t]*\)$`, trim_space(s), 1)[0]
	to_number(n) * {"minute": 1, "minutes": 1, "hour": 60, "hours": 60, "day": 1440, "days": 1440}[unit] <= 1440
}

schedule_path(i) := sprintf("rule.%d.schedule", [i])

retention_path(i) := sprintf("rule.%d.lifecycle.0.delete_after", [i])

rule_fails(p, i) if {
	not infracheck.is_unknown(p.unknown, schedule_path(i))
	not daily(infracheck.get(p.values, schedule_path(i), null))
}

rule_fails(p, i) if {
	not infracheck.is_unknown(p.unknown, retention_path(i))
	d := infracheck.get(p.values, retention_path(i), null)
	is_number(d)
	d < min_days
}

rule_undecided(p, i) if infracheck.is_unknown(p.unknown, schedule_path(i))

rule_undecided(p, i) if infracheck.is_unknown(p.unknown, retention_path(i))

qualifies(p) if {
	some i, _ in infracheck.list(p.values, "rule")
	not rule_fails(p, i)
	not rule_undecided(p, i)
}

may_qualify(p) if {
	some i, _ in infracheck.list(p.values, "rule")
	not rule_fails(p, i)
	rule_undecided(p, i)
}

may_qualify(p) if p.unknown.rule

# ---- selections

selections(p) := [s |
	some s in infracheck.referrers(input, p, selection_type)
	p.address in lib.references(s, "plan_id")
]

tag_based(s) if count(infracheck.list(s.values, "selection_tag")) > 0

tag_based(s) if {
	some c in infracheck.list(s.values, "condition")
	some _, l in c
	is_array(l)
	count(l) > 0
}

arn_classes := {"ec2": "ec2", "dynamodb": "dynamodb", "s3": "s3"}

# Addresses the selection's resources refer to ("resources" from a plan's
# configuration, "resources.N" from known values).
resource_refs(s) := {a |
	some path, addrs in s.references
	regex.match(`^resources(\.[0-9]+)?$`, path)
	some a in addrs
}

covers(s, _) if tag_based(s)

covers(s, _) if "*" in infracheck.list(s.values, "resources")

covers(s, c) if {
	some arn in infracheck.list(s.values, "resources")
	is_string(arn)
	parts := split(arn, ":")
	count(parts) > 2
	parts[2] in {"*", c}
}

covers(s, c) if {
	some a in resource_refs(s)
	type_class[input.resources[a].type] == c
}

# Selected resources unknown until apply that no known reference explains.
maybe_covers(s) if {
	infracheck.is_unknown(s.unknown, "resources")
	count(resource_refs(s)) == 0
}

maybe_covers(s) if {
	some a in resource_refs(s)
	not input.resources[a]
}

maybe_covers(s) if infracheck.is_unknown(s.unknown, "selection_tag")

maybe_covers(s) if infracheck.is_unknown(s.unknown, "condition")

maybe_covers(s) if s.address in object.get(input.unresolved, selection_type, [])

# ---- per region

covered(region, c) if {
	some p in plans
	p.region == region
	qualifies(p)
	some s in selections(p)
	covers(s, c)
}

maybe_plans(region) := [p |
	some p in plans
	p.region in {region, null}
	plan_may_qualify(p)
]

plan_may_qualify(p) if qualifies(p)

plan_may_qualify(p) if may_qualify(p)

maybe_covered(region, c) if {
	some p in maybe_plans(region)
	some s in selections(p)
	covers(s, c)
}

maybe_covered(region, _) if {
	some p in maybe_plans(region)
	some s in selections(p)
	maybe_covers(s)
}

maybe_covered(region, _) if {
	count(maybe_plans(region)) > 0
	lib.has_unresolved(selection_type)
}

deny contains lib.region_result(region, message(region, c)) if {
	some [region, c] in needed
	not covered(region, c)
	not maybe_covered(region, c)
}

unknown contains lib.region_result(region, sprintf("whether a daily backup plan selects the %s of the region is not known until apply", [class_text[c]])) if {
	some [region, c] in needed
	not covered(region, c)
	maybe_covered(region, c)
}

has_daily_plan(region) if {
	some p in plans
	p.region == region
	qualifies(p)
}

message(region, c) := msg if {
	not has_daily_plan(region)
	msg := sprintf("no AWS Backup plan in %s has a daily rule keeping recovery points at least %v days", [region, min_days])
} else := sprintf("no backup selection of a daily backup plan in %s selects its %s", [region, class_text[c]])
