package aws.elb.access_logs_test

import rego.v1

import data.aws.elb.access_logs as rule
import data.lib.infracheck as lib

logs := [{"bucket": "web-lb-logs", "enabled": true, "prefix": "web"}]

lb(address, values) := object.union(
	lib.mock_resource(address, object.union({"name": "web", "load_balancer_type": "application", "internal": false, "access_logs": logs}, values)),
	{"unknown": {"arn": true, "dns_name": true, "zone_id": true}},
)

with_unknown(r, paths) := object.union(r, {"unknown": {p: true | some p in paths}})

msg_off := "application load balancer access logging is not enabled"

msg_bucket := "application load balancer access logging has no bucket"

test_enabled_logging_passes if {
	ref := object.union(
		with_unknown(lb("aws_alb.ref", {"access_logs": [{"enabled": true, "prefix": "web"}]}), ["access_logs.0.bucket"]),
		{"references": {"access_logs.0.bucket": ["aws_s3_bucket.lb_logs"]}},
	)
	inp := lib.mock_input([lb("aws_lb.web", {}), ref])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_disabled_or_missing_logging_fails if {
	inp := lib.mock_input([
		lb("aws_lb.none", {"access_logs": []}),
		lb("aws_lb.null", {"access_logs": null, "load_balancer_type": null}),
		lb("aws_lb.off", {"access_logs": [{"bucket": "web-lb-logs", "enabled": false}]}),
		lb("aws_alb.default", {"access_logs": [{"bucket": "web-lb-logs"}]}),
		lb("aws_lb.no_bucket", {"access_logs": [{"bucket": "", "enabled": true}]}),
		lb("aws_lb.null_bucket", {"access_logs": [{"bucket": null, "enabled": true}]}),
	])
	rule.deny == {
		{"address": "aws_lb.none", "message": msg_off},
		{"address": "aws_lb.null", "message": msg_off},
		{"address": "aws_lb.off", "message": msg_off},
		{"address": "aws_alb.default", "message": msg_off},
		{"address": "aws_lb.no_bucket", "message": msg_bucket},
		{"address": "aws_lb.null_bucket", "message": msg_bucket},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_network_and_gateway_pass if {
	inp := lib.mock_input([
		lb("aws_lb.nlb", {"load_balancer_type": "network", "access_logs": []}),
		lb("aws_lb.gwlb", {"load_balancer_type": "gateway", "access_logs": []}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unknown_values_are_unknown if {
	inp := lib.mock_input([
		with_unknown(lb("aws_lb.enabled", {"access_logs": [{"bucket": "b"}]}), ["access_logs.0.enabled"]),
		with_unknown(lb("aws_lb.block", {"access_logs": null}), ["access_logs"]),
		with_unknown(lb("aws_lb.bucket", {"access_logs": [{"enabled": true}]}), ["access_logs.0.bucket"]),
		with_unknown(lb("aws_lb.type", {"load_balancer_type": null, "access_logs": []}), ["load_balancer_type"]),
		with_unknown(lb("aws_lb.type_ok", {"load_balancer_type": null}), ["load_balancer_type"]),
	])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {
		{"address": "aws_lb.enabled", "message": "the access logging settings are not known until apply"},
		{"address": "aws_lb.block", "message": "the access logging settings are not known until apply"},
		{"address": "aws_lb.bucket", "message": "the access log bucket is not known until apply"},
		{"address": "aws_lb.type", "message": "the load balancer type is not known until apply"},
	} with input as inp
}

test_module_load_balancers if {
	inp := lib.mock_input([
		lb("module.primary.aws_lb.web", {}),
		lb("module.secondary.aws_lb.web", {"access_logs": []}),
	])
	rule.deny == {{"address": "module.secondary.aws_lb.web", "message": msg_off}} with input as inp
	count(rule.unknown) == 0 with input as inp
}
