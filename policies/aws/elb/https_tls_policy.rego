# METADATA
# title: HTTPS listeners use a certificate and a TLS 1.2+ security policy
# description: >-
#   Every HTTPS listener (aws_lb_listener / aws_alb_listener with protocol HTTPS)
#   has a certificate_arn (a known ARN, or a reference to a certificate such as an
#   aws_acm_certificate) and an ssl_policy that starts with one of
#   alb_tls_policy_prefixes (ELBSecurityPolicy-TLS13-1-2-* or
#   ELBSecurityPolicy-FS-1-2-* by default). An ssl_policy left out of the
#   configuration is chosen by AWS at apply, so it is UNKNOWN. A listener whose
#   protocol is not known until apply is UNKNOWN unless it is compliant or has no
#   certificate (so it cannot be HTTPS). Listeners on other protocols pass.
# custom:
#   id: ALB-002
#   severity: high
#   resource_types: [aws_lb_listener, aws_alb_listener]
#   frameworks:
#     aws-fsbp: [ELB.17]
#     pci-dss-4.0: ["4.2.1"]
#   remediation: |-
#     Give the HTTPS listener an ACM certificate and a TLS 1.2+ security policy:
#
#       resource "aws_lb_listener" "https" {
#         load_balancer_arn = aws_lb.this.arn
#         port              = 443
#         protocol          = "HTTPS"
#         certificate_arn   = aws_acm_certificate.this.arn
#         ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
#
#         default_action {
#           type             = "forward"
#           target_group_arn = aws_lb_target_group.this.arn
#         }
#       }
package aws.elb.https_tls_policy

import rego.v1

import data.lib.infracheck as lib

listeners := array.concat(lib.resources("aws_lb_listener"), lib.resources("aws_alb_listener"))

prefixes := lib.config("alb_tls_policy_prefixes")

# Listeners that are not plainly compliant; only these are looked at further.
# (Values present in `values` are known; unknown ones are absent.)
suspects := [l |
	some l in listeners
	not plainly_fine(l)
]

# A known protocol other than HTTPS, or a certificate and a TLS 1.2+ policy.
plainly_fine(l) if {
	is_string(l.values.protocol)
	upper(l.values.protocol) != "HTTPS"
}

plainly_fine(l) if {
	is_string(l.values.certificate_arn)
	l.values.certificate_arn != ""
	is_string(l.values.ssl_policy)
	startswith(l.values.ssl_policy, prefixes[_])
}

deny contains {"address": l.address, "message": "HTTPS listener has no certificate (certificate_arn is empty)"} if {
	some l in suspects
	https(l)
	not lib.attribute_set(l, "certificate_arn")
	not infracheck.is_unknown_at(l.unknown, "certificate_arn")
}

deny contains {"address": l.address, "message": sprintf("HTTPS listener uses ssl_policy %s, which does not start with %s", [policy_text(l), concat(" or ", prefixes)])} if {
	some l in suspects
	https(l)
	not policy_ok(l)
	not policy_unknown(l)
}

unknown contains {"address": l.address, "message": "the listener's certificate is not known until apply"} if {
	some l in suspects
	https(l)
	not lib.attribute_set(l, "certificate_arn")
	infracheck.is_unknown_at(l.unknown, "certificate_arn")
}

unknown contains {"address": l.address, "message": "the listener's ssl_policy is not known until apply"} if {
	some l in suspects
	https(l)
	policy_unknown(l)
}

unknown contains {"address": l.address, "message": "the listener's protocol is not known until apply"} if {
	some l in suspects
	object.get(l.values, "protocol", null) == null
	not compliant(l)
	infracheck.is_unknown_at(l.unknown, "protocol")
	may_have_certificate(l)
}

https(l) if {
	p := object.get(l.values, "protocol", null)
	is_string(p)
	upper(p) == "HTTPS"
}

policy_ok(l) if {
	p := object.get(l.values, "ssl_policy", null)
	is_string(p)
	some prefix in prefixes
	startswith(p, prefix)
}

policy_unknown(l) if {
	object.get(l.values, "ssl_policy", null) == null
	infracheck.is_unknown_at(l.unknown, "ssl_policy")
}

compliant(l) if {
	policy_ok(l)
	lib.attribute_set(l, "certificate_arn")
}

may_have_certificate(l) if lib.attribute_set(l, "certificate_arn")

may_have_certificate(l) if infracheck.is_unknown_at(l.unknown, "certificate_arn")

policy_text(l) := p if {
	p := object.get(l.values, "ssl_policy", null)
	is_string(p)
	p != ""
} else := "(none)"
