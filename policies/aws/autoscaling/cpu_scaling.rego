# METADATA
# title: Auto Scaling groups scale on CPU
# description: >-
#   Every aws_autoscaling_group scales out at cpu_scale_out and in at cpu_scale_in
#   percent CPU: a CloudWatch alarm on CPUUtilization of the group
#   (dimensions.AutoScalingGroupName) with threshold cpu_scale_out and a
#   GreaterThan* comparison whose alarm_actions include a scaling policy of the
#   group, and likewise an alarm at cpu_scale_in with a LessThan* comparison; or a
#   target-tracking aws_autoscaling_policy on ASGAverageCPUUtilization whose
#   target_value lies between cpu_scale_in and cpu_scale_out. UNKNOWN when an
#   alarm or policy that could make the group pass is not known until apply.
# custom:
#   id: ASG-002
#   severity: medium
#   resource_types: [aws_autoscaling_group]
#   remediation: |-
#     Track average CPU (the target between the scale-in and scale-out
#     thresholds), or add step/simple policies driven by CPU alarms at 80% and 20%:
#
#       resource "aws_autoscaling_policy" "cpu" {
#         name                   = "cpu-target"
#         autoscaling_group_name = aws_autoscaling_group.app.name
#         policy_type            = "TargetTrackingScaling"
#         target_tracking_configuration {
#           predefined_metric_specification {
#             predefined_metric_type = "ASGAverageCPUUtilization"
#           }
#           target_value = 50
#         }
#       }
#
#       # or: aws_autoscaling_policy "scale_out" (scaling_adjustment = 1) with
#       resource "aws_cloudwatch_metric_alarm" "cpu_high" {
#         alarm_name          = "app-cpu-high"
#         namespace           = "AWS/EC2"
#         metric_name         = "CPUUtilization"
#         statistic           = "Average"
#         comparison_operator = "GreaterThanOrEqualToThreshold"
#         threshold           = 80
#         period              = 300
#         evaluation_periods  = 2
#         dimensions          = { AutoScalingGroupName = aws_autoscaling_group.app.name }
#         alarm_actions       = [aws_autoscaling_policy.scale_out.arn]
#       }
#       # and a "cpu_low" alarm: LessThanOrEqualToThreshold, threshold = 20,
#       # alarm_actions = [aws_autoscaling_policy.scale_in.arn]
package aws.autoscaling.cpu_scaling

import rego.v1

import data.lib.infracheck as lib

policy_type := "aws_autoscaling_policy"

alarm_type := "aws_cloudwatch_metric_alarm"

scale_out := lib.config("cpu_scale_out")

scale_in := lib.config("cpu_scale_in")

# Each direction: its comparison operators and threshold.
directions := {
	"out": {"operators": {"GreaterThanThreshold", "GreaterThanOrEqualToThreshold"}, "threshold": scale_out, "text": "scale-out"},
	"in": {"operators": {"LessThanThreshold", "LessThanOrEqualToThreshold"}, "threshold": scale_in, "text": "scale-in"},
}

groups := lib.resources("aws_autoscaling_group")

# Computed once per group: its policies, the directions its alarms trigger (or may
# trigger once values are known), and its target-tracking policies. The group's
# policies are found here rather than by a function: this runs on every group,
# and a function call costs regorus ~30,000 instructions.
info := {g.address: group_info(g, ps, undecided) |
	undecided := undecided_alarms
	some g in groups
	ps := [p |
		some p in infracheck.referrers(input, g, policy_type)
		g.address in infracheck.references_under(p, "autoscaling_group_name")
	]
}

# Each alarm of the group is judged once for both directions: the directions it
# triggers, and, only when some value that decides it is not known until apply
# (`undecided`: those alarms), the directions it may trigger. Whether the group is
# scaled, or may be once values are known, is decided here too, with the target
# tracking tests written out: the bodies below read flags rather than call
# functions (a call costs regorus ~30,000 instructions).
group_info(g, ps, undecided) := {
	"tracking": tracking,
	"triggers": triggers,
	"scaled": true in {count([t | some t in tracking; t.ok]) > 0, count(triggers) == count(dirs)},
	"undecided": true in {tracking_maybe, count(triggers | maybe) == count(dirs), count(orphans) > 0},
} if {
	group_alarms := alarms(g, ps)
	dirs := directions
	# The directions each alarm triggers: it watches the CPU of `g`, triggers one
	# of its policies `ps`, and has a direction's operator and threshold.
	judged := [{"a": a, "triggers": {dir |
		infracheck.get(a.values, "metric_name", "") == "CPUUtilization"
		watches_group(a, g)
		actions := infracheck.references_under(a, "alarm_actions")
		some p in ps
		p.address in actions
		op := infracheck.get(a.values, "comparison_operator", "")
		not infracheck.is_unknown_at(a.unknown, "threshold")
		threshold := lib.number_value(infracheck.get(a.values, "threshold", null))
		some dir, d in dirs
		op in d.operators
		threshold == d.threshold
	}} |
		some a in group_alarms
	]
	triggers := {dir | some j in judged; some dir in j.triggers}
	maybe := {dir |
		some j in judged
		j.a.address in undecided
		some dir in maybe_dirs(j.a, g, ps, j.triggers)
	}
	# The group's CPU target-tracking policies, each with whether its target is
	# not known until apply, and whether it is known and within the thresholds.
	tracking := [{"p": p, "target_unknown": target_unknown, "ok": ok} |
		some p in ps
		infracheck.get(p.values, "policy_type", "") == "TargetTrackingScaling"
		infracheck.get(p.values, metric_path, "") == "ASGAverageCPUUtilization"
		target_unknown := infracheck.is_unknown_at(p.unknown, target_path)
		ok := count([t |
			not target_unknown
			t := lib.number_value(infracheck.get(p.values, target_path, null))
			t >= scale_in
			t <= scale_out
		]) > 0
	]
	tracking_maybe := count([p |
		some p in ps
		some path in ["policy_type", metric_path, target_path]
		infracheck.is_unknown_at(p.unknown, path)
	]) > 0
}

# ---------------------------------------------------------------------------
# Target tracking.

target_path := "target_tracking_configuration.0.target_value"

metric_path := "target_tracking_configuration.0.predefined_metric_specification.0.predefined_metric_type"

# ---------------------------------------------------------------------------
# Alarms.

# Alarms on group `g`: through the dimension, or through a policy `ps` of the
# group.
alarms(g, ps) := {a.address: a |
	some a in array.concat(infracheck.referrers(input, g, alarm_type), [x | some p in ps; some x in infracheck.referrers(input, p, alarm_type)])
}

# An `else` chain: the reference is the common case, and regorus evaluates every
# clause of a multi-clause function.
watches_group(a, g) if {
	g.address in infracheck.references_under(a, "dimensions")
} else if {
	name := infracheck.get(a.values, "dimensions.AutoScalingGroupName", null)
	is_string(name)
	name == infracheck.get(g.values, "name", null)
}

# True when the alarm triggers one of the group's scaling policies `ps`.
scales(a, ps) if {
	actions := infracheck.references_under(a, "alarm_actions")
	some p in ps
	p.address in actions
}

# The directions alarm `a` does not trigger but may, because some value that
# decides it is not known until apply (`triggers`: those it does trigger); asked
# of the alarms in undecided_alarms only.
maybe_dirs(a, g, ps, triggers) := {dir |
	some dir, _ in directions
	not dir in triggers
	possible(a, g, ps, dir)
}

# The alarms some of whose deciding values are not known until apply, found once.
undecided_alarms := {a.address | some a in lib.resources(alarm_type); undecided_alarm(a)}

undecided_alarm(a) if {
	some path in ["metric_name", "comparison_operator", "threshold"]
	infracheck.is_unknown_at(a.unknown, path)
}

undecided_alarm(a) if {
	some path in ["dimensions", "alarm_actions"]
	opaque(a, path)
}

# The value at `path` is not known until apply, and no reference tells what it is.
opaque(a, path) if {
	infracheck.unknown_shallow(a, path)
	count(infracheck.references_under(a, path)) == 0
}

# Nothing known rules alarm `a` out as a `dir` trigger of `g`.
possible(a, g, ps, dir) if {
	known_or_unknown(a, "metric_name", "CPUUtilization")
	watches_group_or_unknown(a, g)
	some op in directions[dir].operators
	known_or_unknown(a, "comparison_operator", op)
	threshold_possible(a, dir)
	scales_or_unknown(a, ps)
}

known_or_unknown(a, path, _) if infracheck.is_unknown_at(a.unknown, path)

known_or_unknown(a, path, v) if infracheck.get(a.values, path, null) == v

watches_group_or_unknown(a, g) if watches_group(a, g)

watches_group_or_unknown(a, _) if opaque(a, "dimensions")

scales_or_unknown(a, ps) if scales(a, ps)

scales_or_unknown(a, _) if opaque(a, "alarm_actions")

threshold_possible(a, _) if infracheck.is_unknown_at(a.unknown, "threshold")

threshold_possible(a, dir) if lib.number_value(infracheck.get(a.values, "threshold", null)) == directions[dir].threshold

# ---------------------------------------------------------------------------

# CPU alarms and scaling policies that could not be joined to their group: any
# group may be scaled by them.
orphans := array.concat(
	[a |
		some address in object.get(input.unresolved, alarm_type, [])
		a := input.resources[address]
		known_or_unknown(a, "metric_name", "CPUUtilization")
		count(infracheck.references_under(a, "dimensions")) == 0
	],
	[p |
		some address in object.get(input.unresolved, policy_type, [])
		p := input.resources[address]
		count(infracheck.references_under(p, "autoscaling_group_name")) == 0
	],
)

problems(i) := concat("; ", array.concat(
	[sprintf("no CPU %s trigger at %v%%", [d.text, d.threshold]) |
		some dir in ["out", "in"]
		d := directions[dir]
		not dir in i.triggers
	],
	[sprintf("target-tracking policy %s aims at %v%% CPU, outside %v-%v%%", [t.p.address, infracheck.get(t.p.values, target_path, null), scale_in, scale_out]) |
		some t in i.tracking
		not t.ok
		not t.target_unknown
	],
))

deny contains {"address": address, "message": problems(i)} if {
	some address, i in info
	not i.scaled
	not i.undecided
}

unknown contains {"address": address, "message": sprintf("%s, unless alarms or scaling policies not known until apply provide them", [problems(i)])} if {
	some address, i in info
	not i.scaled
	i.undecided
}
