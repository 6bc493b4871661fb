# METADATA
# title: Auto Scaling groups span 2 zones behind a load balancer with ELB health checks
# description: >-
#   Every aws_autoscaling_group spans at least 2 availability zones (the zones of
#   its vpc_zone_identifier subnets, or its availability_zones), is attached to a
#   load balancer (target_group_arns, load_balancers, traffic_source, or an
#   aws_autoscaling_attachment / aws_autoscaling_traffic_source_attachment), and
#   uses ELB health checks (health_check_type = "ELB"; left out, the provider's
#   default is EC2). UNKNOWN when the zones, the attachments or the health check
#   type are not known until apply.
# custom:
#   id: ASG-001
#   severity: medium
#   resource_types: [aws_autoscaling_group]
#   frameworks:
#     aws-fsbp: [AutoScaling.1, AutoScaling.2]
#   remediation: |-
#     Spread the group over subnets in two or more zones, register it with the
#     target group and let the load balancer's health checks replace instances:
#
#       resource "aws_autoscaling_group" "app" {
#         vpc_zone_identifier       = aws_subnet.private[*].id # 2+ zones
#         target_group_arns         = [aws_lb_target_group.app.arn]
#         health_check_type         = "ELB"
#         health_check_grace_period = 300
#         min_size                  = 2
#         max_size                  = 6
#       }
package aws.autoscaling.asg_resilience

import rego.v1

import data.lib.infracheck as lib

asg_type := "aws_autoscaling_group"

attachment_types := ["aws_autoscaling_attachment", "aws_autoscaling_traffic_source_attachment"]

asgs := lib.resources(asg_type)

# ---------------------------------------------------------------------------
# Zones.

# One `else` chain, not three clauses: regorus evaluates every clause of a
# function, and the first holds for nearly every group.
uses_subnets(g, ss, ids) if {
	count(ss) > 0
} else if {
	count(ids) > 0
} else if {
	infracheck.unknown_shallow(g, "vpc_zone_identifier")
	not infracheck.computed_default(input, g, "vpc_zone_identifier")
}

# {"known": set of zones, "maybe": number of subnets or zones that are not known},
# of every group, computed once (each function call costs in regorus).
# The group's subnets of the scan (`ss`) and the known subnet ids that are not
# subnets of the scan (`ids`) are written out here rather than found by
# functions, which cost regorus ~30,000 instructions a call.
group_zones := {g.address: zones(g, ss, ids) |
	some g in asgs
	ss := [s |
		some a in infracheck.references_under(g, "vpc_zone_identifier")
		s := input.resources[a]
		s.type == "aws_subnet"
	]
	scan_ids := {infracheck.get(s.values, "id", null) | some s in ss}
	ids := [id |
		some id in infracheck.get_list(g.values, "vpc_zone_identifier")
		is_string(id)
		id != ""
		not id in scan_ids
	]
}

zones(g, ss, ids) := {"known": known, "maybe": count(ss) - count(azs) + count(ids) + vzi_unknown(g, ss, ids)} if {
	uses_subnets(g, ss, ids)
	azs := {s.address: az | some s in ss; az := lib.subnet_az(s)}
	known := {az | some az in azs}
} else := {"known": {az | some az in infracheck.get_list(g.values, "availability_zones"); is_string(az)}, "maybe": azs_unknown(g)}

# The subnet list is not known until apply and may hold more subnets than the
# scan resolved.
vzi_unknown(g, ss, ids) := 2 if {
	count(ss) == 0
	count(ids) == 0
} else := 2 if {
	infracheck.unknown_shallow(g, "vpc_zone_identifier")
	infracheck.unresolved_resource(input, g)
} else := 0

azs_unknown(g) := 2 if {
	infracheck.unknown_shallow(g, "availability_zones")
} else := 0

deny contains {"address": g.address, "message": msg} if {
	some g in asgs
	z := group_zones[g.address]
	count(z.known) + z.maybe < 2
	msg := sprintf("spans %d availability zone(s)%s, fewer than 2", [count(z.known), zones_text(z.known)])
}

unknown contains {"address": g.address, "message": "its availability zones are not known until apply"} if {
	some g in asgs
	z := group_zones[g.address]
	count(z.known) < 2
	count(z.known) + z.maybe >= 2
}

zones_text(known) := sprintf(" (%s)", [concat(", ", known)]) if {
	count(known) > 0
} else := ""

# ---------------------------------------------------------------------------
# Load balancer.

inline_attrs := ["target_group_arns", "load_balancers", "traffic_source"]

# An `else` chain: the cheap, common case first, the rest only when it fails.
attached(g) if {
	some attr in inline_attrs
	count(infracheck.get_list(g.values, attr)) > 0
} else if {
	some attr in inline_attrs
	count(infracheck.references_under(g, attr)) > 0
} else if {
	count(attachments(g)) > 0
}

attachments(g) := [a |
	some t in attachment_types
	some a in infracheck.referrers(input, g, t)
	g.address in infracheck.references_under(a, "autoscaling_group_name")
]

maybe_attached(g) if {
	some attr in inline_attrs
	infracheck.is_unknown_at(g.unknown, attr)
	not infracheck.computed_default(input, g, attr)
}

maybe_attached(_) if orphan_attachments

# Some attachment's group reference could not be resolved.
orphan_attachments if {
	some t in attachment_types
	some address in object.get(input.unresolved, t, [])
	a := input.resources[address]
	count(infracheck.references_under(a, "autoscaling_group_name")) == 0
}

# "yes", "maybe" or "no" for every group, computed once.
attachment := {g.address: attachment_state(g) | some g in asgs}

attachment_state(g) := "yes" if {
	attached(g)
} else := "maybe" if {
	maybe_attached(g)
} else := "no"

deny contains {"address": g.address, "message": "is not attached to a load balancer target group"} if {
	some g in asgs
	attachment[g.address] == "no"
}

unknown contains {"address": g.address, "message": "whether it is attached to a load balancer target group is not known until apply"} if {
	some g in asgs
	attachment[g.address] == "maybe"
}

# ---------------------------------------------------------------------------
# Health checks.

# The groups whose health_check_type is not known until apply, found once for
# both bodies (a function call per group and body costs in regorus).
health_undecided := {g.address |
	some g in asgs
	infracheck.is_unknown_at(g.unknown, "health_check_type")
	not infracheck.computed_default(input, g, "health_check_type")
}

deny contains {"address": g.address, "message": sprintf("health_check_type is %s, not ELB", [health_text(g)])} if {
	undecided := health_undecided
	some g in asgs
	not g.address in undecided
	infracheck.get(g.values, "health_check_type", null) != "ELB"
}

health_text(g) := sprintf("%q", [t]) if {
	not infracheck.is_unknown_at(g.unknown, "health_check_type")
	t := infracheck.get(g.values, "health_check_type", null)
	is_string(t)
} else := "not set (EC2)"

unknown contains {"address": a, "message": "health_check_type is not known until apply"} if {
	some a in health_undecided
}
