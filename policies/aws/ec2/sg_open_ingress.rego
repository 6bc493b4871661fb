# METADATA
# title: Security groups allow no ingress from the whole internet
# description: >-
#   No security group ingress rule admits 0.0.0.0/0 or ::/0 (inline ingress blocks,
#   aws_security_group_rule of type ingress, aws_vpc_security_group_ingress_rule),
#   except on a load balancer's security group for ports lb_public_ports (default 80
#   and 443) only. The finding is on the resource that carries the rule.
# custom:
#   id: SG-001
#   severity: critical
#   resource_types: [aws_security_group, aws_security_group_rule, aws_vpc_security_group_ingress_rule]
#   frameworks:
#     aws-fsbp: [EC2.18, EC2.19]
#   remediation: |-
#     Admit only known sources: the load balancer's security group for the
#     application, a VPC CIDR or prefix list for internal traffic. Only the load
#     balancer's own group may be open to the internet, on 80 and 443:
#
#       resource "aws_vpc_security_group_ingress_rule" "app_from_alb" {
#         security_group_id            = aws_security_group.app.id
#         referenced_security_group_id = aws_security_group.alb.id
#         ip_protocol                  = "tcp"
#         from_port                    = 80
#         to_port                      = 80
#       }
package aws.ec2.sg_open_ingress

import rego.v1

import data.lib.infracheck as lib

# The rules open to the internet, with the load-balancer exception worked out
# once (function calls cost in regorus).
open_rules := [{"e": e, "exception": exception(e, statuses)} |
	some e in lib.sg_ingress_rules
	count(e.open_cidrs) > 0
	statuses := {infracheck.ingress_only_port_status(e, p) | some p in public_ports}
]

# "yes": the load-balancer exception applies; "maybe": it may once unknown values
# are known; "no". `statuses`: whether the rule admits only a public port, per port.
exception(e, statuses) := "yes" if {
	"yes" in statuses
	lb_group(e)
} else := "maybe" if {
	some s in ["yes", "maybe"]
	s in statuses
	maybe_lb_group(e)
} else := "no"

deny contains {"address": o.e.address, "message": message(o.e)} if {
	some o in open_rules
	o.exception == "no"
}

unknown contains {"address": o.e.address, "message": "the rule is open to the internet; whether it is a load balancer's group on its public ports is not known until apply"} if {
	some o in open_rules
	o.exception == "maybe"
}

unknown contains {"address": e.address, "message": sprintf("the sources of %s are not known until apply", [e.text])} if {
	some e in lib.sg_ingress_rules
	count(e.open_cidrs) == 0
	e.sources_unknown
	not excepted(e)
}

# Open to the internet: count(e.open_cidrs) > 0, written out in the loops over
# every ingress rule above (a function call costs regorus ~30,000 instructions).

message(e) := sprintf("%s allows %s from %s", [e.text, e.ports_text, concat(", ", e.open_cidrs)])

public_ports := lib.config("lb_public_ports")

# The group is a load balancer's, and the rule admits one of its public ports only.
excepted(e) := true if {
	lb_group(e)
	some p in public_ports
	lib.ingress_only_port(e, p)
} else := false

lb_group(e) if {
	count(e.sgs) > 0
	every sg in e.sgs {
		lib.lb_security_group(sg)
	}
}

maybe_lb_group(e) if lb_group(e)

# The rule's group could not be resolved.
maybe_lb_group(e) if count(e.sgs) == 0

# Some load balancer's references could not be resolved: it may use this group.
maybe_lb_group(_) if lb_joins_unresolved

lb_joins_unresolved if {
	some t in lib.lb_types
	lib.has_unresolved(t)
}
