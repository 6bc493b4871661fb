# METADATA
# title: Failover health checks detect a regional failure in time
# description: >-
#   Every aws_route53_health_check used by a failover record (an aws_route53_record
#   with a failover_routing_policy whose health_check_id refers to it) checks HTTPS
#   (type HTTPS or HTTPS_STR_MATCH) on port 443, with request_interval equal to
#   dns_health_check_interval (30 s) and failure_threshold equal to
#   dns_health_check_failure_threshold (3), and request_interval x
#   failure_threshold at most failover_detection_seconds (90 s). Settings left out
#   take AWS's defaults (port 443 for HTTPS checks, request_interval 30,
#   failure_threshold 3). Health checks no failover record uses pass; when some
#   record's references could not be resolved, a non-compliant health check that
#   no failover record is known to use is UNKNOWN.
# custom:
#   id: DNS-003
#   severity: medium
#   resource_types: [aws_route53_health_check]
#   remediation: |-
#     Check the primary endpoint over HTTPS every 30 seconds and fail over after 3
#     failures (90 seconds):
#
#       resource "aws_route53_health_check" "primary" {
#         fqdn              = aws_lb.primary.dns_name
#         type              = "HTTPS"
#         port              = 443
#         resource_path     = "/"
#         request_interval  = 30
#         failure_threshold = 3
#       }
package aws.route53.health_check_settings

import rego.v1

import data.lib.infracheck as lib

record_type := "aws_route53_record"

https_types := {"HTTPS", "HTTPS_STR_MATCH"}

# AWS's values for settings left out of the configuration.
aws_default_port := 443

aws_default_request_interval := 30

aws_default_failure_threshold := 3

deny contains {"address": h.address, "message": msg} if {
	some h in lib.resources("aws_route53_health_check")
	used(h)
	some msg in problems(h)
}

unknown contains {"address": h.address, "message": msg} if {
	some h in lib.resources("aws_route53_health_check")
	used(h)
	some msg in unknowns(h)
}

unknown contains {"address": h.address, "message": sprintf("whether a failover record uses this health check is not known (some %s could not be resolved)", [record_type])} if {
	some h in lib.resources("aws_route53_health_check")
	not used(h)
	lib.has_unresolved(record_type)
	count(problems(h) | unknowns(h)) > 0
}

# Some failover record refers to health check `h` through health_check_id.
used(h) if {
	some r in infracheck.referrers(input, h, record_type)
	h.address in lib.references(r, "health_check_id")
	failover_record(r)
}

failover_record(r) if count(infracheck.get_list(r.values, "failover_routing_policy")) > 0

failover_record(r) if {
	not is_array(object.get(r.values, "failover_routing_policy", null))
	infracheck.is_unknown(r.unknown, "failover_routing_policy")
}

hc_type(h) := upper(t) if {
	t := infracheck.get(h.values, "type", null)
	is_string(t)
} else := null

known(h, attr) if object.get(h.values, attr, null) != null

known(h, attr) if {
	object.get(h.values, attr, null) == null
	not infracheck.is_unknown_at(h.unknown, attr)
}

# Numeric settings, with AWS's value when left out (null: not a number to compare).
port(h) := p if {
	p := lib.number_value(infracheck.get(h.values, "port", null))
} else := aws_default_port if {
	infracheck.get(h.values, "port", null) == null
	hc_type(h) in https_types
} else := null

interval(h) := v if {
	v := lib.number_value(infracheck.get(h.values, "request_interval", null))
} else := aws_default_request_interval if {
	infracheck.get(h.values, "request_interval", null) == null
} else := null

threshold(h) := v if {
	v := lib.number_value(infracheck.get(h.values, "failure_threshold", null))
} else := aws_default_failure_threshold if {
	infracheck.get(h.values, "failure_threshold", null) == null
} else := null

problems(h) := (((type_problem(h) | port_problem(h)) | interval_problem(h)) | threshold_problem(h)) | detection_problem(h)

unknowns(h) := {sprintf("health check %s is not known until apply", [attr]) |
	some attr in ["type", "port", "request_interval", "failure_threshold"]
	object.get(h.values, attr, null) == null
	infracheck.is_unknown_at(h.unknown, attr)
}

type_problem(h) := {sprintf("health check type is %v, not HTTPS or HTTPS_STR_MATCH", [text(hc_type(h))]) |
	known(h, "type")
	not hc_type(h) in https_types
}

port_problem(h) := {sprintf("health check port is %v, not 443", [text(port(h))]) |
	known(h, "port")
	known(h, "type")
	port(h) != 443
}

interval_problem(h) := {sprintf("health check request_interval is %v, not %v", [text(interval(h)), want]) |
	known(h, "request_interval")
	want := lib.config("dns_health_check_interval")
	interval(h) != want
}

threshold_problem(h) := {sprintf("health check failure_threshold is %v, not %v", [text(threshold(h)), want]) |
	known(h, "failure_threshold")
	want := lib.config("dns_health_check_failure_threshold")
	threshold(h) != want
}

detection_problem(h) := {msg |
	known(h, "request_interval")
	known(h, "failure_threshold")
	is_number(interval(h))
	is_number(threshold(h))
	seconds := interval(h) * threshold(h)
	limit := lib.config("failover_detection_seconds")
	seconds > limit
	msg := sprintf("a failure is detected after request_interval x failure_threshold = %v s, more than failover_detection_seconds = %v s", [seconds, limit])
}

text(null) := "not set"

text(v) := v if v != null
