# METADATA
# title: HTTP listeners of application load balancers redirect to HTTPS
# description: >-
#   Every HTTP listener (aws_lb_listener / aws_alb_listener with protocol HTTP, the
#   provider's default when protocol is left out) has a default action of type
#   redirect whose redirect block sends clients to protocol HTTPS. Listeners of
#   load balancers known to be network or gateway load balancers, and listeners on
#   other protocols, pass. Listener rules (aws_lb_listener_rule) are not taken into
#   account: the default action is what answers every request no rule matches.
# custom:
#   id: ALB-001
#   severity: high
#   resource_types: [aws_lb_listener, aws_alb_listener]
#   frameworks:
#     aws-fsbp: [ELB.1]
#     pci-dss-4.0: ["4.2.1"]
#   remediation: |-
#     Make the HTTP listener's default action a permanent redirect to HTTPS:
#
#       resource "aws_lb_listener" "http" {
#         load_balancer_arn = aws_lb.this.arn
#         port              = 80
#         protocol          = "HTTP"
#
#         default_action {
#           type = "redirect"
#           redirect {
#             port        = "443"
#             protocol    = "HTTPS"
#             status_code = "HTTP_301"
#           }
#         }
#       }
package aws.elb.http_redirect

import rego.v1

import data.lib.infracheck as lib

listeners := array.concat(lib.resources("aws_lb_listener"), lib.resources("aws_alb_listener"))

# Listeners that are not plainly compliant (known non-HTTP, or redirecting to HTTPS);
# only these are looked at further. (Values present in `values` are known; unknown
# ones are absent.)
suspects := [l |
	some l in listeners
	not plainly_fine(l)
]

# A known protocol other than HTTP, or a redirect to HTTPS.
plainly_fine(l) if {
	is_string(l.values.protocol)
	upper(l.values.protocol) != "HTTP"
}

plainly_fine(l) if {
	a := l.values.default_action[_]
	a.type == "redirect"
	p := a.redirect[_].protocol
	is_string(p)
	upper(p) == "HTTPS"
}

deny contains {"address": l.address, "message": sprintf("HTTP listener does not redirect to HTTPS (default action: %s)", [actions_text(l)])} if {
	some l in suspects
	http(l)
	not action_unknown(l)
	not other_lb(l)
}

unknown contains {"address": l.address, "message": "the listener's protocol is not known until apply"} if {
	some l in suspects
	protocol(l) == null
	infracheck.is_unknown_at(l.unknown, "protocol")
	not other_lb(l)
}

unknown contains {"address": l.address, "message": "the listener's default action is not known until apply"} if {
	some l in suspects
	maybe_http(l)
	action_unknown(l)
	not other_lb(l)
}

protocol(l) := object.get(l.values, "protocol", null)

# Protocol HTTP, or left out (HTTP is the default for application load balancers).
http(l) if {
	p := protocol(l)
	is_string(p)
	upper(p) == "HTTP"
}

http(l) if {
	protocol(l) == null
	not infracheck.is_unknown_at(l.unknown, "protocol")
}

maybe_http(l) if http(l)

maybe_http(l) if {
	protocol(l) == null
	infracheck.is_unknown_at(l.unknown, "protocol")
}

# The default actions as a whole, or the type or redirect protocol of one, are
# unknown until apply.
action_unknown(l) if {
	not is_array(object.get(l.values, "default_action", null))
	infracheck.is_unknown(l.unknown, "default_action")
}

action_unknown(l) if {
	some i, a in infracheck.get_list(l.values, "default_action")
	not redirect_protocol_known(a)
	some attr in ["type", "redirect.0.protocol"]
	infracheck.is_unknown_at(l.unknown, sprintf("default_action.%d.%s", [i, attr]))
}

redirect_protocol_known(a) if {
	is_string(a.type)
	a.type != "redirect"
}

redirect_protocol_known(a) if {
	a.type == "redirect"
	is_string(a.redirect[0].protocol)
}

# The listener belongs to a load balancer known to be a network or gateway one.
other_lb(l) if {
	some lb in lib.referenced(l, "load_balancer_arn")
	lb.type in {"aws_lb", "aws_alb"}
	lib.lb_not_application(lb)
}

actions_text(l) := "none" if {
	count(infracheck.get_list(l.values, "default_action")) == 0
} else := concat(", ", [action_text(a) | some a in infracheck.get_list(l.values, "default_action")])

action_text(a) := "unknown" if {
	not is_object(a)
} else := sprintf("redirect to %v", [p]) if {
	a.type == "redirect"
	some r in infracheck.get_list(a, "redirect")
	p := object.get(r, "protocol", null)
	p != null
} else := sprintf("%v", [object.get(a, "type", null)])
