package aws.elb.http_redirect_test

import rego.v1

import data.aws.elb.http_redirect as rule
import data.lib.infracheck as lib

redirect_https := {"type": "redirect", "target_group_arn": null, "forward": [], "fixed_response": [], "redirect": [{
	"host": "#{host}", "path": "/#{path}", "port": "443", "protocol": "HTTPS",
	"query": "#{query}", "status_code": "HTTP_301",
}]}

forward := {"type": "forward", "forward": [], "fixed_response": [], "redirect": []}

# Plan shape: load_balancer_arn and the action order are unknown until apply.
listener(address, lb_address, values) := object.union(
	lib.mock_resource(address, object.union({"port": 80, "protocol": "HTTP", "default_action": [redirect_https]}, values)),
	{
		"references": {"load_balancer_arn": [lb_address]},
		"unknown": {"arn": true, "id": true, "load_balancer_arn": true, "default_action.0.order": true},
	},
)

lb(address, lb_type) := lib.mock_resource(address, {"name": "web", "load_balancer_type": lb_type, "internal": false})

# `r` without attribute `attr` in its values.
without(r, attr) := object.union(object.remove(r, ["values"]), {"values": object.remove(r.values, [attr])})

alb := lb("aws_lb.web", "application")

test_redirect_to_https_passes if {
	inp := lib.mock_input([
		alb,
		listener("aws_lb_listener.http", "aws_lb.web", {}),
		listener("aws_alb_listener.legacy", "aws_lb.web", {"protocol": "http"}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_http_without_redirect_fails if {
	to_http := object.union(redirect_https, {"redirect": [{"protocol": "#{protocol}", "port": "8080", "status_code": "HTTP_302"}]})
	fixed := {"type": "fixed-response", "fixed_response": [{"content_type": "text/plain", "status_code": "404"}], "redirect": []}
	inp := lib.mock_input([
		alb,
		listener("aws_lb_listener.forward", "aws_lb.web", {"default_action": [forward]}),
		listener("aws_alb_listener.to_http", "aws_lb.web", {"default_action": [to_http]}),
		listener("aws_lb_listener.fixed", "aws_lb.web", {"default_action": [fixed]}),
	])
	rule.deny == {
		{"address": "aws_lb_listener.forward", "message": "HTTP listener does not redirect to HTTPS (default action: forward)"},
		{"address": "aws_alb_listener.to_http", "message": "HTTP listener does not redirect to HTTPS (default action: redirect to #{protocol})"},
		{"address": "aws_lb_listener.fixed", "message": "HTTP listener does not redirect to HTTPS (default action: fixed-response)"},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_protocol_left_out_is_http if {
	inp := lib.mock_input([alb, listener("aws_lb_listener.http", "aws_lb.web", {"protocol": null, "default_action": [forward]})])
	rule.deny == {{"address": "aws_lb_listener.http", "message": "HTTP listener does not redirect to HTTPS (default action: forward)"}} with input as inp
}

test_https_tcp_and_gateway_listeners_pass if {
	inp := lib.mock_input([
		alb,
		lb("aws_lb.nlb", "network"),
		lb("aws_lb.gwlb", "gateway"),
		listener("aws_lb_listener.https", "aws_lb.web", {"protocol": "HTTPS", "port": 443, "default_action": [forward]}),
		listener("aws_lb_listener.tcp", "aws_lb.nlb", {"protocol": "TCP", "default_action": [forward]}),
		listener("aws_lb_listener.geneve", "aws_lb.gwlb", {"protocol": null, "default_action": [forward]}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unknown_protocol_is_unknown if {
	l := listener("aws_lb_listener.x", "aws_lb.web", {"default_action": [forward]})
	inp := lib.mock_input([alb, object.union(without(l, "protocol"), {"unknown": {"protocol": true}})])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_lb_listener.x", "message": "the listener's protocol is not known until apply"}} with input as inp
}

test_unknown_protocol_with_redirect_passes if {
	l := object.union(listener("aws_lb_listener.x", "aws_lb.web", {}), {"unknown": {"protocol": true}})
	inp := lib.mock_input([alb, without(l, "protocol")])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unknown_action_is_unknown if {
	whole := object.union(
		listener("aws_lb_listener.whole", "aws_lb.web", {"default_action": null}),
		{"unknown": {"default_action": true}},
	)
	proto := object.union(
		listener("aws_lb_listener.proto", "aws_lb.web", {"default_action": [{"type": "redirect", "redirect": [{"status_code": "HTTP_301"}]}]}),
		{"unknown": {"default_action.0.redirect.0.protocol": true}},
	)
	inp := lib.mock_input([alb, whole, proto])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {
		{"address": "aws_lb_listener.whole", "message": "the listener's default action is not known until apply"},
		{"address": "aws_lb_listener.proto", "message": "the listener's default action is not known until apply"},
	} with input as inp
}

test_unknown_target_group_does_not_make_unknown if {
	l := object.union(
		listener("aws_lb_listener.x", "aws_lb.web", {"default_action": [forward]}),
		{"unknown": {"default_action.0.target_group_arn": true}},
	)
	inp := lib.mock_input([alb, l])
	rule.deny == {{"address": "aws_lb_listener.x", "message": "HTTP listener does not redirect to HTTPS (default action: forward)"}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_module_listeners if {
	ok := listener(`module.primary.aws_lb_listener.http["a"]`, "module.primary.aws_lb.web", {})
	bad := listener(`module.primary.aws_lb_listener.http["b"]`, "module.primary.aws_lb.web", {"default_action": [forward]})
	inp := lib.mock_input([lb("module.primary.aws_lb.web", "application"), ok, bad])
	rule.deny == {{"address": `module.primary.aws_lb_listener.http["b"]`, "message": "HTTP listener does not redirect to HTTPS (default action: forward)"}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_null_actions_fail_without_error if {
	l := listener("aws_lb_listener.x", "aws_lb.web", {"default_action": null})
	inp := lib.mock_input([alb, object.union(object.remove(l, ["unknown"]), {"unknown": {}})])
	rule.deny == {{"address": "aws_lb_listener.x", "message": "HTTP listener does not redirect to HTTPS (default action: none)"}} with input as inp
}
