# METADATA
# title: Application instances admit ingress only from security groups
# description: >-
#   Security groups attached to application instances (aws_launch_template,
#   aws_launch_configuration, aws_instance) admit ingress only from other security
#   groups (the load balancer's): any ingress rule with a CIDR or prefix-list source
#   (cidr_blocks, ipv6_cidr_blocks, prefix_list_ids, cidr_ipv4, cidr_ipv6,
#   prefix_list_id), on any port, fails. Load balancers' own groups are left out.
#   Split rules (aws_security_group_rule, aws_vpc_security_group_ingress_rule) are
#   judged by the group they belong to, and reported on the rule resource.
# custom:
#   id: SG-002
#   severity: high
#   resource_types: [aws_security_group, aws_security_group_rule, aws_vpc_security_group_ingress_rule]
#   frameworks:
#     pci-dss-4.0: ["1.3.1"]
#   remediation: |-
#     Replace CIDR sources on the application's security group with the load
#     balancer's security group:
#
#       resource "aws_vpc_security_group_ingress_rule" "app_from_alb" {
#         security_group_id            = aws_security_group.app.id
#         referenced_security_group_id = aws_security_group.alb.id
#         ip_protocol                  = "tcp"
#         from_port                    = 80
#         to_port                      = 80
#       }
package aws.ec2.sg_app_ingress_from_lb

import rego.v1

import data.lib.infracheck as lib

# Resource types that attach security groups to application instances.
app_types := ["aws_launch_template", "aws_launch_configuration", "aws_instance"]

# Each ingress rule with what the bodies below ask of it, computed once, the tests
# written out rather than called (a function call costs regorus more than they do).
# `app`: the rule belongs to a group attached to application instances, and not
# to a load balancer; `no_groups`, `not_lb`: whether it may, once joins that could
# not be resolved are known.
judged := [{"e": e, "app": app, "no_groups": count(e.sgs) == 0, "not_lb": count(not_lb) > 0, "sources": array.concat(e.cidrs, e.prefix_lists)} |
	# Bound once: regorus looks a package's value up on every read.
	lb_referenced := lib.lb_referenced
	referrers := input.referrers
	some e in lib.sg_ingress_rules
	not_lb := [sg | some sg in e.sgs; not sg in lb_referenced]
	app := count([sg |
		some sg in not_lb
		some t in app_types
		count(object.get(referrers, [sg, t], [])) > 0
	]) > 0
]

deny contains {"address": j.e.address, "message": sprintf("%s of a security group attached to application instances admits %s from %s; admit only the load balancer's security group", [
	j.e.text, j.e.ports_text, concat(", ", j.sources),
])} if {
	some j in judged
	j.app
	count(j.sources) > 0
}

unknown contains {"address": j.e.address, "message": sprintf("the sources of %s of a security group attached to application instances are not known until apply", [j.e.text])} if {
	some j in judged
	j.app
	count(j.sources) == 0
	j.e.sources_unknown
}

# Whether the group is attached to application instances is not known: the rule's
# group is not known, or some attachment could not be resolved.
unknown contains {"address": j.e.address, "message": maybe_app_message(j)} if {
	some j in judged
	not j.app
	j.no_groups
	cidr_or_unknown_sources(j)
}

unknown contains {"address": j.e.address, "message": maybe_app_message(j)} if {
	app_joins_unresolved
	some j in judged
	not j.app
	j.not_lb
	cidr_or_unknown_sources(j)
}

maybe_app_message(j) := sprintf("%s has CIDR sources; whether its security group is attached to application instances is not known", [j.e.text])

cidr_or_unknown_sources(j) if count(j.sources) > 0

cidr_or_unknown_sources(j) if j.e.sources_unknown

# Some resource that attaches security groups has a reference that could not be
# resolved.
app_joins_unresolved if {
	some t in app_types
	lib.has_unresolved(t)
}
