# METADATA
# title: Auto Scaling groups have a high-CPU alarm and ALBs a 5xx alarm
# description: >-
#   Every aws_autoscaling_group has an aws_cloudwatch_metric_alarm on CPUUtilization
#   (namespace AWS/EC2) whose dimensions.AutoScalingGroupName refers to it, and every
#   application load balancer (aws_lb / aws_alb with load_balancer_type
#   "application", the default) has an alarm on HTTPCode_ELB_5XX_Count or
#   HTTPCode_Target_5XX_Count (namespace AWS/ApplicationELB) whose
#   dimensions.LoadBalancer refers to it. The metric may be the alarm's own or one of
#   its metric_query metrics; the alarm's comparison_operator must be a GreaterThan
#   one (an alarm on low CPU does not count); an absent namespace is accepted. The
#   alarm is found through references (plans) or, for live data, by the dimension
#   value (the group's name, the load balancer's arn_suffix) in the same region.
#   Network and gateway load balancers are not concerned and pass. No such alarm
#   FAILS; an alarm whose metric or operator is unknown until apply, or an alarm
#   reference that could not be resolved, gives UNKNOWN.
# custom:
#   id: MON-001
#   severity: medium
#   resource_types: [aws_autoscaling_group, aws_lb, aws_alb]
#   remediation: |-
#     Alarm on high CPU for each Auto Scaling group and on 5xx errors for each ALB:
#
#       resource "aws_cloudwatch_metric_alarm" "cpu_high" {
#         alarm_name          = "app-cpu-high"
#         namespace           = "AWS/EC2"
#         metric_name         = "CPUUtilization"
#         statistic           = "Average"
#         comparison_operator = "GreaterThanOrEqualToThreshold"
#         threshold           = 80
#         period              = 60
#         evaluation_periods  = 2
#         dimensions = {
#           AutoScalingGroupName = aws_autoscaling_group.app.name
#         }
#         alarm_actions = [aws_autoscaling_policy.scale_out.arn]
#       }
#
#       resource "aws_cloudwatch_metric_alarm" "alb_5xx" {
#         alarm_name          = "web-5xx"
#         namespace           = "AWS/ApplicationELB"
#         metric_name         = "HTTPCode_Target_5XX_Count"
#         statistic           = "Sum"
#         comparison_operator = "GreaterThanThreshold"
#         threshold           = 10
#         period              = 60
#         evaluation_periods  = 1
#         dimensions = {
#           LoadBalancer = aws_lb.web.arn_suffix
#         }
#       }
package aws.cloudwatch.alarms

import rego.v1

import data.lib.infracheck as lib

alarm_type := "aws_cloudwatch_metric_alarm"

alarms := lib.resources(alarm_type)

# What each kind of resource needs: the dimension naming it, the metrics and namespace.
asg_kind := {"dim": "AutoScalingGroupName", "metrics": {"CPUUtilization"}, "namespace": "AWS/EC2", "key": "name"}

alb_kind := {
	"dim": "LoadBalancer",
	"metrics": {"HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count"},
	"namespace": "AWS/ApplicationELB",
	"key": "arn_suffix",
}

kinds := [asg_kind, alb_kind]

# Each alarm, worked out once with the tests written out (a function call costs
# regorus more than they do): whether its operator is not known until apply or is
# a "greater than", and its metrics: its own and those of its metric_query blocks,
# each with the attribute path prefix of its fields and whether its metric_name is
# not known until apply (a top-level scalar is an exact key of `unknown`).
views := [{"a": a, "high": high, "op_unknown": op_unknown, "metrics": metrics} |
	some a in alarms
	op_unknown := object.get(a.unknown, "comparison_operator", false) == true
	high := count([op |
		not op_unknown
		op := a.values.comparison_operator
		is_string(op)
		startswith(op, "GreaterThan")
	]) > 0
	metrics := array.concat(
		[{"prefix": "", "m": a.values, "name_unknown": object.get(a.unknown, "metric_name", false) == true}],
		[{"prefix": prefix, "m": m, "name_unknown": infracheck.is_unknown(a.unknown, concat("", [prefix, "metric_name"]))} |
			some i, q in infracheck.get_list(a.values, "metric_query")
			some j, m in infracheck.get_list(q, "metric")
			prefix := sprintf("metric_query.%d.metric.%d.", [i, j])
		],
	)
]

# Each metric of a kind (its name known and one of the kind's, in the kind's
# namespace or none) of each alarm, with the kind. References rather than
# object.get where a missing value fails alike.
kind_matches := [{"v": v, "x": x, "kind": kind} |
	ks := kinds
	some v in views
	some x in v.metrics
	not x.name_unknown
	some kind in ks
	x.m.metric_name in kind.metrics
	ns := object.get(x.m, "namespace", null)
	ns in {null, kind.namespace}
]

# The qualifying metrics: those of high alarms.
high_matches := [{"a": m.v.a, "x": m.x, "kind": m.kind} | some m in kind_matches; m.v.high]

# The addresses the dimensions of metric `x` of alarm `a` refer to for `kind`
# ("dimensions" from a plan's configuration, "dimensions.<Name>" from known values).
dim_targets(a, x, kind) := array.concat(
	object.get(a.references, concat("", [x.prefix, "dimensions"]), []),
	object.get(a.references, concat("", [x.prefix, "dimensions.", kind.dim]), []),
)

# Computed once over the alarms (no per-resource joins): [address, dimension] of the
# resources a qualifying alarm watches, and of those an alarm may watch once unknown
# values are known.
watched := {[addr, m.kind.dim] |
	some m in high_matches
	some addr in dim_targets(m.a, m.x, m.kind)
}

maybe_watched := {[addr, kind.dim] |
	ks := kinds
	some v in views
	some x in v.metrics
	x.name_unknown
	some kind in ks
	some addr in dim_targets(v.a, x, kind)
} | {[addr, m.kind.dim] |
	some m in kind_matches
	m.v.op_unknown
	some addr in dim_targets(m.v.a, m.x, m.kind)
}

# Live data: dimension name -> [region, value] of every qualifying alarm, matched
# against the resource's name / arn_suffix in the same region.
dimension_values := {kind.dim: vals |
	some kind in kinds
	vals := {[m.a.region, v] |
		some m in high_matches
		m.kind.dim == kind.dim
		v := object.get(m.x.m, ["dimensions", kind.dim], null)
		is_string(v)
	}
}

# The resources checked, per dimension: Auto Scaling groups, and application load
# balancers (load_balancer_type absent means application).
lbs := [lb |
	some t in ["aws_lb", "aws_alb"]
	some lb in lib.resources(t)
]

subjects := {
	asg_kind.dim: lib.resources("aws_autoscaling_group"),
	alb_kind.dim: [lb |
		some lb in lbs
		not lb.unknown.load_balancer_type
		object.get(lb.values, "load_balancer_type", null) in {null, "application"}
	],
}

alarmed contains r.address if {
	w := watched
	some dim, rs in subjects
	some r in rs
	[r.address, dim] in w
}

alarmed contains r.address if {
	some kind in kinds
	values := dimension_values[kind.dim]
	some r in subjects[kind.dim]
	v := object.get(r.values, kind.key, null)
	is_string(v)
	[r.region, v] in values
}

undecided contains r.address if {
	mw := maybe_watched
	some dim, rs in subjects
	some r in rs
	[r.address, dim] in mw
}

undecided contains r.address if {
	lib.has_unresolved(alarm_type)
	some _, rs in subjects
	some r in rs
}

messages := {
	asg_kind.dim: "no CloudWatch alarm on high CPUUtilization of the Auto Scaling group",
	alb_kind.dim: "no CloudWatch alarm on 5xx errors (HTTPCode_ELB_5XX_Count or HTTPCode_Target_5XX_Count) of the load balancer",
}

deny contains {"address": r.address, "message": messages[dim]} if {
	al := alarmed
	un := undecided
	some dim, rs in subjects
	some r in rs
	not r.address in al
	not r.address in un
}

unknown contains {"address": r.address, "message": "whether a CloudWatch alarm watches the resource is not known until apply"} if {
	al := alarmed
	un := undecided
	some _, rs in subjects
	some r in rs
	not r.address in al
	r.address in un
}

unknown contains {"address": lb.address, "message": "the load balancer type is not known until apply"} if {
	some lb in lbs
	lb.unknown.load_balancer_type
}
