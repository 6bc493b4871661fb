package aws.route53.health_check_settings_test

import rego.v1

import data.aws.route53.health_check_settings as rule
import data.lib.infracheck as lib

config := {"dns_health_check_interval": 30, "dns_health_check_failure_threshold": 3, "failover_detection_seconds": 90}

hc(address, values) := object.union(
	lib.mock_resource(address, object.union(
		{
			"type": "HTTPS", "port": 443, "fqdn": "web-primary.example.com", "resource_path": "/",
			"request_interval": 30, "failure_threshold": 3, "disabled": false, "measure_latency": false,
		},
		values,
	)),
	{"unknown": {"arn": true, "id": true}},
)

record(address, role, hc_address) := object.union(
	lib.mock_resource(address, {
		"name": "example.com", "type": "A", "set_identifier": lower(role),
		"failover_routing_policy": [{"type": role}], "alias": [{"evaluate_target_health": true}],
	}),
	{
		"references": {"zone_id": ["aws_route53_zone.main"], "health_check_id": [hc_address]},
		"unknown": {"health_check_id": true, "alias.0.name": true},
	},
)

# `r` without attribute `attr` in its values.
without(r, attr) := object.union(object.remove(r, ["values"]), {"values": object.remove(r.values, [attr])})

test_architecture_settings_pass if {
	inp := lib.mock_input([
		hc("aws_route53_health_check.primary", {}),
		record("aws_route53_record.primary", "PRIMARY", "aws_route53_health_check.primary"),
		hc("aws_route53_health_check.str", {"type": "https_str_match", "search_string": "ok", "port": null, "request_interval": null}),
		record("aws_route53_record.www", "PRIMARY", "aws_route53_health_check.str"),
	])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as config
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as config
}

test_wrong_settings_fail if {
	inp := lib.mock_input([
		hc("aws_route53_health_check.http", {"type": "HTTP", "port": 80}),
		record("aws_route53_record.a", "PRIMARY", "aws_route53_health_check.http"),
		hc("aws_route53_health_check.slow", {"request_interval": "30", "failure_threshold": 5}),
		record("aws_route53_record.b", "SECONDARY", "aws_route53_health_check.slow"),
		hc("aws_route53_health_check.no_port", {"type": "TCP", "port": null, "request_interval": 10}),
		record("aws_route53_record.c", "PRIMARY", "aws_route53_health_check.no_port"),
	])
	rule.deny == {
		{"address": "aws_route53_health_check.http", "message": "health check type is HTTP, not HTTPS or HTTPS_STR_MATCH"},
		{"address": "aws_route53_health_check.http", "message": "health check port is 80, not 443"},
		{"address": "aws_route53_health_check.slow", "message": "health check failure_threshold is 5, not 3"},
		{"address": "aws_route53_health_check.slow", "message": "a failure is detected after request_interval x failure_threshold = 150 s, more than failover_detection_seconds = 90 s"},
		{"address": "aws_route53_health_check.no_port", "message": "health check type is TCP, not HTTPS or HTTPS_STR_MATCH"},
		{"address": "aws_route53_health_check.no_port", "message": "health check port is not set, not 443"},
		{"address": "aws_route53_health_check.no_port", "message": "health check request_interval is 10, not 30"},
	} with input as inp with data.infracheck.config as config
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as config
}

test_unused_health_checks_pass if {
	simple := object.union(
		lib.mock_resource("aws_route53_record.simple", {"name": "api.example.com", "type": "A", "failover_routing_policy": []}),
		{"references": {"health_check_id": ["aws_route53_health_check.weighted"]}},
	)
	inp := lib.mock_input([hc("aws_route53_health_check.lonely", {"type": "HTTP"}), hc("aws_route53_health_check.weighted", {"type": "TCP"}), simple])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as config
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as config
}

test_unknown_settings_are_unknown if {
	h := object.union(without(hc("aws_route53_health_check.x", {}), "failure_threshold"), {"unknown": {"failure_threshold": true}})
	inp := lib.mock_input([h, record("aws_route53_record.primary", "PRIMARY", "aws_route53_health_check.x")])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as config
	rule.unknown == {{"address": "aws_route53_health_check.x", "message": "health check failure_threshold is not known until apply"}} with input as inp with data.infracheck.config as config
}

test_unknown_failover_block_counts_as_failover if {
	r := object.union(
		lib.mock_resource("aws_route53_record.x", {"name": "example.com", "type": "A"}),
		{"references": {"health_check_id": ["aws_route53_health_check.x"]}, "unknown": {"failover_routing_policy": true}},
	)
	inp := lib.mock_input([hc("aws_route53_health_check.x", {"request_interval": 10}), r])
	rule.deny == {{"address": "aws_route53_health_check.x", "message": "health check request_interval is 10, not 30"}} with input as inp with data.infracheck.config as config
}

test_unresolved_records_make_unknown if {
	orphan := object.union(lib.mock_resource("aws_route53_record.orphan", {"name": "example.com"}), {"unknown": {"health_check_id": true}})
	inp := object.union(
		lib.mock_input([hc("aws_route53_health_check.bad", {"type": "HTTP"}), hc("aws_route53_health_check.good", {}), orphan]),
		{"unresolved": {"aws_route53_record": ["aws_route53_record.orphan"]}},
	)
	count(rule.deny) == 0 with input as inp with data.infracheck.config as config
	rule.unknown == {{
		"address": "aws_route53_health_check.bad",
		"message": "whether a failover record uses this health check is not known (some aws_route53_record could not be resolved)",
	}} with input as inp with data.infracheck.config as config
}

test_thresholds_come_from_config if {
	inp := lib.mock_input([hc("aws_route53_health_check.x", {}), record("aws_route53_record.primary", "PRIMARY", "aws_route53_health_check.x")])
	cfg := {"dns_health_check_interval": 10, "dns_health_check_failure_threshold": 3, "failover_detection_seconds": 60}
	rule.deny == {
		{"address": "aws_route53_health_check.x", "message": "health check request_interval is 30, not 10"},
		{"address": "aws_route53_health_check.x", "message": "a failure is detected after request_interval x failure_threshold = 90 s, more than failover_detection_seconds = 60 s"},
	} with input as inp with data.infracheck.config as cfg
	count(rule.deny) == 0 with input as inp with data.infracheck.config as object.union(config, {"failover_detection_seconds": 90})
}

test_module_health_checks if {
	inp := lib.mock_input([
		hc("module.dns.aws_route53_health_check.this[0]", {}),
		record("module.dns.aws_route53_record.apex[0]", "PRIMARY", "module.dns.aws_route53_health_check.this[0]"),
		hc("module.dns.aws_route53_health_check.this[1]", {"port": 8443}),
		record("module.dns.aws_route53_record.apex[1]", "PRIMARY", "module.dns.aws_route53_health_check.this[1]"),
	])
	rule.deny == {{"address": "module.dns.aws_route53_health_check.this[1]", "message": "health check port is 8443, not 443"}} with input as inp with data.infracheck.config as config
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as config
}
