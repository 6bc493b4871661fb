package aws.elb.drop_invalid_headers_test

import rego.v1

import data.aws.elb.drop_invalid_headers as rule
import data.lib.infracheck as lib

lb(address, values) := object.union(
	lib.mock_resource(address, object.union({"name": "web", "load_balancer_type": "application", "internal": false, "drop_invalid_header_fields": true}, values)),
	{"unknown": {"arn": true, "dns_name": true, "zone_id": true}},
)

# `r` without attribute `attr` in its values, and with `attr` unknown until apply.
unknown_attr(r, attr) := object.union(
	object.union(object.remove(r, ["values"]), {"values": object.remove(r.values, [attr])}),
	{"unknown": {attr: true}},
)

msg := "application load balancer does not drop invalid header fields (drop_invalid_header_fields is not true)"

test_dropping_passes if {
	inp := lib.mock_input([lb("aws_lb.web", {}), lb("aws_alb.legacy", {"load_balancer_type": null})])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_not_dropping_fails if {
	inp := lib.mock_input([
		lb("aws_lb.false", {"drop_invalid_header_fields": false}),
		lb("aws_alb.null", {"drop_invalid_header_fields": null, "load_balancer_type": null}),
	])
	rule.deny == {{"address": "aws_lb.false", "message": msg}, {"address": "aws_alb.null", "message": msg}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_network_and_gateway_pass if {
	inp := lib.mock_input([
		lb("aws_lb.nlb", {"load_balancer_type": "network", "drop_invalid_header_fields": false}),
		lb("aws_lb.gwlb", {"load_balancer_type": "gateway", "drop_invalid_header_fields": null}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unknown_values_are_unknown if {
	inp := lib.mock_input([
		unknown_attr(lb("aws_lb.setting", {}), "drop_invalid_header_fields"),
		unknown_attr(lb("aws_lb.type", {"drop_invalid_header_fields": false}), "load_balancer_type"),
		unknown_attr(lb("aws_lb.type_ok", {}), "load_balancer_type"),
		unknown_attr(lb("aws_lb.nlb", {"load_balancer_type": "network"}), "drop_invalid_header_fields"),
	])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {
		{"address": "aws_lb.setting", "message": "drop_invalid_header_fields is not known until apply"},
		{"address": "aws_lb.type", "message": "the load balancer type is not known until apply"},
	} with input as inp
}

test_module_load_balancers if {
	inp := lib.mock_input([
		lb("module.primary.aws_lb.web", {}),
		lb("module.secondary.aws_lb.web", {"drop_invalid_header_fields": false}),
	])
	rule.deny == {{"address": "module.secondary.aws_lb.web", "message": msg}} with input as inp
	count(rule.unknown) == 0 with input as inp
}
