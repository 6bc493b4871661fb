# METADATA
# title: PRIMARY failover records have a health check
# description: >-
#   Every aws_route53_record with failover_routing_policy { type = "PRIMARY" } has
#   a health_check_id (a known id, or a reference to an aws_route53_health_check),
#   so that Route 53 fails over when the primary region is unhealthy. Other records
#   pass. A record whose failover type or health check is not known until apply is
#   UNKNOWN.
# custom:
#   id: DNS-002
#   severity: high
#   resource_types: [aws_route53_record]
#   remediation: |-
#     Attach a health check to the PRIMARY record:
#
#       resource "aws_route53_record" "primary" {
#         zone_id         = aws_route53_zone.this.zone_id
#         name            = "example.com"
#         type            = "A"
#         set_identifier  = "primary"
#         health_check_id = aws_route53_health_check.primary.id
#
#         failover_routing_policy {
#           type = "PRIMARY"
#         }
#
#         alias {
#           name                   = aws_lb.primary.dns_name
#           zone_id                = aws_lb.primary.zone_id
#           evaluate_target_health = true
#         }
#       }
package aws.route53.primary_health_check

import rego.v1

import data.lib.infracheck as lib

failover_type := "failover_routing_policy.0.type"

# Records that may be PRIMARY failover records: those whose failover_routing_policy
# is not a known empty list.
candidates := [r |
	some r in lib.resources("aws_route53_record")
	object.get(r.values, "failover_routing_policy", null) != []
]

# Values present in `values` are known (unknown ones are absent), so the cheap value
# tests come first and lib.unknown_leaf is only asked about absent values.

deny contains {"address": r.address, "message": "PRIMARY failover record has no health check (health_check_id is empty)"} if {
	some r in candidates
	primary(r)
	lib.attribute_unset(r, "health_check_id")
}

unknown contains {"address": r.address, "message": "the record's health check is not known until apply"} if {
	some r in candidates
	primary(r)
	not lib.attribute_set(r, "health_check_id")
	infracheck.is_unknown_at(r.unknown, "health_check_id")
}

unknown contains {"address": r.address, "message": "the record's failover type is not known until apply"} if {
	some r in candidates
	object.get(r.values, ["failover_routing_policy", 0, "type"], null) == null
	not lib.attribute_set(r, "health_check_id")
	infracheck.is_unknown_at(r.unknown, failover_type)
}

primary(r) if {
	t := object.get(r.values, ["failover_routing_policy", 0, "type"], null)
	is_string(t)
	upper(t) == "PRIMARY"
}
