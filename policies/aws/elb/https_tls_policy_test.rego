package aws.elb.https_tls_policy_test

import rego.v1

import data.aws.elb.https_tls_policy as rule
import data.lib.infracheck as lib

config := {"alb_tls_policy_prefixes": ["ELBSecurityPolicy-TLS13-1-2-", "ELBSecurityPolicy-FS-1-2-"]}

cert := "arn:aws:acm:us-east-1:123456789012:certificate/5f0e7c1a-2b3c-4d5e-8f90-1a2b3c4d5e6f"

listener(address, values) := object.union(
	lib.mock_resource(address, object.union(
		{
			"port": 443, "protocol": "HTTPS", "certificate_arn": cert,
			"ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
			"default_action": [{"type": "forward", "redirect": []}],
		},
		values,
	)),
	{"references": {"load_balancer_arn": ["aws_lb.web"]}, "unknown": {"arn": true, "load_balancer_arn": true}},
)

# `r` without attribute `attr` in its values, and with `attr` unknown until apply.
unknown_attr(r, attr) := object.union(
	object.union(object.remove(r, ["values"]), {"values": object.remove(r.values, [attr])}),
	{"unknown": {attr: true}},
)

msg_no_cert := "HTTPS listener has no certificate (certificate_arn is empty)"

msg_policy(p) := sprintf("HTTPS listener uses ssl_policy %s, which does not start with ELBSecurityPolicy-TLS13-1-2- or ELBSecurityPolicy-FS-1-2-", [p])

test_certificate_and_tls12_policy_pass if {
	acm_ref := object.union(
		unknown_attr(listener("aws_alb_listener.ref", {"ssl_policy": "ELBSecurityPolicy-FS-1-2-Res-2020-10"}), "certificate_arn"),
		{"references": {"certificate_arn": ["aws_acm_certificate.web"]}},
	)
	inp := lib.mock_input([listener("aws_lb_listener.https", {}), acm_ref])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as config
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as config
}

test_missing_certificate_fails if {
	inp := lib.mock_input([
		listener("aws_lb_listener.null", {"certificate_arn": null}),
		listener("aws_lb_listener.empty", {"certificate_arn": ""}),
	])
	rule.deny == {
		{"address": "aws_lb_listener.null", "message": msg_no_cert},
		{"address": "aws_lb_listener.empty", "message": msg_no_cert},
	} with input as inp with data.infracheck.config as config
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as config
}

test_old_policy_fails if {
	inp := lib.mock_input([
		listener("aws_lb_listener.old", {"ssl_policy": "ELBSecurityPolicy-2016-08"}),
		listener("aws_alb_listener.none", {"ssl_policy": null, "certificate_arn": null}),
	])
	rule.deny == {
		{"address": "aws_lb_listener.old", "message": msg_policy("ELBSecurityPolicy-2016-08")},
		{"address": "aws_alb_listener.none", "message": msg_policy("(none)")},
		{"address": "aws_alb_listener.none", "message": msg_no_cert},
	} with input as inp with data.infracheck.config as config
}

test_other_protocols_pass if {
	inp := lib.mock_input([
		listener("aws_lb_listener.http", {"protocol": "HTTP", "port": 80, "certificate_arn": null, "ssl_policy": null}),
		listener("aws_lb_listener.tcp", {"protocol": "TCP", "certificate_arn": null, "ssl_policy": null}),
	])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as config
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as config
}

test_unknown_policy_is_unknown if {
	inp := lib.mock_input([unknown_attr(listener("aws_lb_listener.x", {}), "ssl_policy")])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as config
	rule.unknown == {{"address": "aws_lb_listener.x", "message": "the listener's ssl_policy is not known until apply"}} with input as inp with data.infracheck.config as config
}

test_unknown_certificate_without_reference_is_unknown if {
	inp := lib.mock_input([unknown_attr(listener("aws_lb_listener.x", {}), "certificate_arn")])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as config
	rule.unknown == {{"address": "aws_lb_listener.x", "message": "the listener's certificate is not known until apply"}} with input as inp with data.infracheck.config as config
}

test_unknown_protocol if {
	inp := lib.mock_input([
		unknown_attr(listener("aws_lb_listener.ok", {}), "protocol"),
		unknown_attr(listener("aws_lb_listener.no_cert", {"certificate_arn": null, "ssl_policy": null}), "protocol"),
		unknown_attr(listener("aws_lb_listener.old", {"ssl_policy": "ELBSecurityPolicy-2016-08"}), "protocol"),
	])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as config
	rule.unknown == {{"address": "aws_lb_listener.old", "message": "the listener's protocol is not known until apply"}} with input as inp with data.infracheck.config as config
}

test_policy_prefixes_come_from_config if {
	inp := lib.mock_input([
		listener("aws_lb_listener.tls13", {}),
		listener("aws_lb_listener.old", {"ssl_policy": "ELBSecurityPolicy-2016-08"}),
	])
	rule.deny == {{
		"address": "aws_lb_listener.tls13",
		"message": "HTTPS listener uses ssl_policy ELBSecurityPolicy-TLS13-1-2-2021-06, which does not start with ELBSecurityPolicy-2016-",
	}} with input as inp with data.infracheck.config as {"alb_tls_policy_prefixes": ["ELBSecurityPolicy-2016-"]}
}

test_module_listeners if {
	ok := listener(`module.secondary.aws_lb_listener.https[0]`, {})
	bad := listener(`module.secondary.aws_lb_listener.https[1]`, {"ssl_policy": "ELBSecurityPolicy-TLS-1-1-2017-01"})
	inp := lib.mock_input([ok, bad])
	rule.deny == {{"address": `module.secondary.aws_lb_listener.https[1]`, "message": msg_policy("ELBSecurityPolicy-TLS-1-1-2017-01")}} with input as inp with data.infracheck.config as config
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as config
}
