package aws.elb.target_group_health_check_test

import rego.v1

import data.aws.elb.target_group_health_check as rule
import data.lib.infracheck as lib

config := {
	"health_check_path": "/",
	"health_check_interval": 30,
	"health_check_healthy_threshold": 3,
	"health_check_unhealthy_threshold": 3,
}

check := {
	"enabled": true, "healthy_threshold": 3, "interval": 30, "matcher": "200", "path": "/",
	"port": "traffic-port", "protocol": "HTTP", "timeout": 5, "unhealthy_threshold": 3,
}

tg(address, hc) := object.union(
	lib.mock_resource(address, {"name": "app", "port": 80, "protocol": "HTTP", "target_type": "instance", "health_check": [object.union(check, hc)]}),
	{"references": {"vpc_id": ["aws_vpc.this"]}, "unknown": {"arn": true, "id": true, "vpc_id": true}},
)

with_unknown(r, paths) := object.union(r, {"unknown": {p: true | some p in paths}})

test_architecture_values_pass if {
	inp := lib.mock_input([
		tg("aws_lb_target_group.app", {}),
		tg("aws_alb_target_group.legacy", {"interval": "30", "healthy_threshold": "3"}),
	])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as config
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as config
}

test_other_values_fail if {
	inp := lib.mock_input([
		tg("aws_lb_target_group.a", {"path": "/health", "interval": 10}),
		tg("aws_alb_target_group.b", {"healthy_threshold": 5, "unhealthy_threshold": 2}),
		tg("aws_lb_target_group.c", {"path": null}),
	])
	rule.deny == {
		{"address": "aws_lb_target_group.a", "message": "health_check path is /health, not /"},
		{"address": "aws_lb_target_group.a", "message": "health_check interval is 10, not 30"},
		{"address": "aws_alb_target_group.b", "message": "health_check healthy_threshold is 5, not 3"},
		{"address": "aws_alb_target_group.b", "message": "health_check unhealthy_threshold is 2, not 3"},
		{"address": "aws_lb_target_group.c", "message": "health_check path is not set, not /"},
	} with input as inp with data.infracheck.config as config
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as config
}

test_disabled_or_missing_health_check_fails if {
	missing := object.union(object.remove(tg("aws_lb_target_group.none", {}), ["values"]), {"values": {"name": "x", "health_check": []}})
	inp := lib.mock_input([tg("aws_lb_target_group.off", {"enabled": false}), missing])
	rule.deny == {
		{"address": "aws_lb_target_group.off", "message": "target group health checks are disabled"},
		{"address": "aws_lb_target_group.none", "message": "target group has no health_check block"},
	} with input as inp with data.infracheck.config as config
}

test_path_ignored_for_tcp_health_checks if {
	inp := lib.mock_input([tg("aws_lb_target_group.nlb", {"protocol": "TCP", "path": "", "matcher": null})])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as config
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as config
}

test_unknown_block_is_unknown if {
	t := object.union(object.remove(tg("aws_lb_target_group.a", {}), ["values"]), {"values": {"name": "a"}, "unknown": {"health_check": true}})
	inp := lib.mock_input([t])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as config
	rule.unknown == {{"address": "aws_lb_target_group.a", "message": "the health check settings are not known until apply"}} with input as inp with data.infracheck.config as config
}

test_unknown_settings_are_unknown if {
	a := with_unknown(tg("aws_lb_target_group.a", {"path": null}), ["health_check.0.path"])
	b := with_unknown(tg("aws_lb_target_group.b", {"path": "/x", "protocol": null}), ["health_check.0.protocol"])
	c := with_unknown(tg("aws_lb_target_group.c", {"protocol": "TCP", "path": null}), ["health_check.0.path"])
	d := with_unknown(tg("aws_lb_target_group.d", {"interval": 10, "unhealthy_threshold": null}), ["health_check.0.unhealthy_threshold"])
	e := with_unknown(tg("aws_lb_target_group.e", {"protocol": null}), ["health_check.0.protocol"])
	inp := lib.mock_input([a, b, c, d, e])
	rule.deny == {{"address": "aws_lb_target_group.d", "message": "health_check interval is 10, not 30"}} with input as inp with data.infracheck.config as config
	rule.unknown == {
		{"address": "aws_lb_target_group.a", "message": "health_check path is not known until apply"},
		{"address": "aws_lb_target_group.b", "message": "health_check protocol is not known until apply"},
		{"address": "aws_lb_target_group.d", "message": "health_check unhealthy_threshold is not known until apply"},
	} with input as inp with data.infracheck.config as config
}

test_thresholds_come_from_config if {
	inp := lib.mock_input([tg("aws_lb_target_group.a", {}), tg("aws_lb_target_group.b", {"path": "/healthz", "interval": 10, "healthy_threshold": 2, "unhealthy_threshold": 2})])
	cfg := {
		"health_check_path": "/healthz",
		"health_check_interval": 10,
		"health_check_healthy_threshold": 2,
		"health_check_unhealthy_threshold": 2,
	}
	rule.deny == {
		{"address": "aws_lb_target_group.a", "message": "health_check path is /, not /healthz"},
		{"address": "aws_lb_target_group.a", "message": "health_check interval is 30, not 10"},
		{"address": "aws_lb_target_group.a", "message": "health_check healthy_threshold is 3, not 2"},
		{"address": "aws_lb_target_group.a", "message": "health_check unhealthy_threshold is 3, not 2"},
	} with input as inp with data.infracheck.config as cfg
}

test_module_target_groups if {
	ok := tg(`module.primary.aws_lb_target_group.app["a"]`, {})
	bad := tg(`module.primary.aws_lb_target_group.app["b"]`, {"interval": 60})
	inp := lib.mock_input([ok, bad])
	rule.deny == {{"address": `module.primary.aws_lb_target_group.app["b"]`, "message": "health_check interval is 60, not 30"}} with input as inp with data.infracheck.config as config
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as config
}
