# METADATA
# title: Target group health checks follow the architecture
# description: >-
#   Every target group (aws_lb_target_group / aws_alb_target_group) has health
#   checks enabled, with interval, healthy_threshold and unhealthy_threshold equal
#   to health_check_interval, health_check_healthy_threshold and
#   health_check_unhealthy_threshold (30 s, 3 and 3 by default), and, for HTTP and
#   HTTPS health checks, path equal to health_check_path ("/" by default). A
#   setting left out of a known health_check block fails; settings unknown until
#   apply are UNKNOWN.
# custom:
#   id: ALB-003
#   severity: medium
#   resource_types: [aws_lb_target_group, aws_alb_target_group]
#   remediation: |-
#     Configure the target group's health check with the architecture's values:
#
#       resource "aws_lb_target_group" "app" {
#         name     = "app"
#         port     = 80
#         protocol = "HTTP"
#         vpc_id   = aws_vpc.this.id
#
#         health_check {
#           enabled             = true
#           path                = "/"
#           interval            = 30
#           healthy_threshold   = 3
#           unhealthy_threshold = 3
#         }
#       }
package aws.elb.target_group_health_check

import rego.v1

import data.lib.infracheck as lib

target_groups := array.concat(lib.resources("aws_lb_target_group"), lib.resources("aws_alb_target_group"))

# health_check attribute -> configuration key.
settings := {
	"path": "health_check_path",
	"interval": "health_check_interval",
	"healthy_threshold": "health_check_healthy_threshold",
	"unhealthy_threshold": "health_check_unhealthy_threshold",
}

wanted := {attr: lib.config(key) | some attr, key in settings}

# Target groups that are not plainly compliant; only these are looked at further.
# (Values present in `values` are known; unknown ones are absent.)
suspects := [tg |
	some tg in target_groups
	not plainly_fine(tg)
]

plainly_fine(tg) if {
	hc := tg.values.health_check[0]
	hc.enabled != false
	count([a | some a, w in wanted; object.get(hc, a, null) != w]) == 0
}

deny contains {"address": tg.address, "message": "target group has no health_check block"} if {
	some tg in suspects
	count(infracheck.get_list(tg.values, "health_check")) == 0
	not infracheck.is_unknown(tg.unknown, "health_check")
}

deny contains {"address": tg.address, "message": "target group health checks are disabled"} if {
	some tg in suspects
	block(tg).enabled == false
}

deny contains {"address": tg.address, "message": sprintf("health_check %s is %s, not %v", [attr, text(v), want])} if {
	some tg in suspects
	hc := block(tg)
	some attr, key in settings
	v := object.get(hc, attr, null)
	want := lib.config(key)
	not same(v, want)
	applies(tg, attr)
	not setting_unknown(tg, hc, attr)
}

unknown contains {"address": tg.address, "message": "the health check settings are not known until apply"} if {
	some tg in suspects
	not block(tg)
	infracheck.is_unknown(tg.unknown, "health_check")
}

unknown contains {"address": tg.address, "message": sprintf("health_check %s is not known until apply", [attr])} if {
	some tg in suspects
	hc := block(tg)
	some attr in ["enabled", "protocol", "path", "interval", "healthy_threshold", "unhealthy_threshold"]
	setting_unknown(tg, hc, attr)
	attr_matters(tg, attr)
}

# The health_check block (a list of one object in Terraform's JSON).
block(tg) := hc if {
	hc := infracheck.get_list(tg.values, "health_check")[0]
	is_object(hc)
}

setting_unknown(tg, hc, attr) if {
	object.get(hc, attr, null) == null
	infracheck.is_unknown_at(tg.unknown, sprintf("health_check.0.%s", [attr]))
}

# The path is checked for HTTP and HTTPS health checks only (HTTP when left out).
applies(tg, "path") if {
	http_check(tg)
	not setting_unknown(tg, block(tg), "protocol")
}

applies(_, attr) if attr != "path"

http_check(tg) if object.get(block(tg), "protocol", null) == null

http_check(tg) if {
	p := object.get(block(tg), "protocol", null)
	is_string(p)
	upper(p) in {"HTTP", "HTTPS"}
}

attr_matters(_, attr) if attr in {"enabled", "interval", "healthy_threshold", "unhealthy_threshold"}

attr_matters(tg, "path") if applies(tg, "path")

# The protocol decides whether the path is checked, unless the path is right anyway.
attr_matters(tg, "protocol") if {
	not same(object.get(block(tg), "path", null), lib.config("health_check_path"))
	not setting_unknown(tg, block(tg), "path")
}

same(v, want) if v == want

same(v, want) if {
	is_number(want)
	lib.number_value(v) == want
}

text(null) := "not set"

text(v) := sprintf("%v", [v]) if v != null
