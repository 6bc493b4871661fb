# METADATA
# title: The apex and www records fail over between the two regions' load balancers
# description: >-
#   For every public hosted zone (aws_route53_zone without a vpc block), the apex
#   (the zone's own name) and the "www." name each have A or AAAA records with
#   failover routing: a PRIMARY record whose alias targets a load balancer (aws_lb /
#   aws_alb) in primary_region and a SECONDARY record whose alias targets one in
#   secondary_region. The alias target's region is the region of the load balancer
#   the alias name refers to, or the region in an ELB DNS name
#   (<name>.<region>.elb.amazonaws.com). Record names are read as Terraform does:
#   relative to the zone ("www", "" for the apex) or fully qualified, with or
#   without the trailing dot. An apex or www A/AAAA record without failover
#   routing fails too. Findings are reported on the zone; a missing record whose
#   counterpart may exist but is not known until apply (or may be a record whose
#   zone could not be resolved) is UNKNOWN.
# custom:
#   id: DNS-001
#   severity: high
#   resource_types: [aws_route53_zone]
#   remediation: |-
#     Give the apex and www names a PRIMARY record aliasing the primary region's ALB
#     and a SECONDARY record aliasing the secondary region's ALB (repeat for "www"):
#
#       resource "aws_route53_record" "apex_primary" {
#         zone_id         = aws_route53_zone.this.zone_id
#         name            = aws_route53_zone.this.name
#         type            = "A"
#         set_identifier  = "primary"
#         health_check_id = aws_route53_health_check.primary.id
#         failover_routing_policy {
#           type = "PRIMARY"
#         }
#         alias {
#           name                   = aws_lb.primary.dns_name
#           zone_id                = aws_lb.primary.zone_id
#           evaluate_target_health = true
#         }
#       }
#
#       resource "aws_route53_record" "apex_secondary" {
#         zone_id        = aws_route53_zone.this.zone_id
#         name           = aws_route53_zone.this.name
#         type           = "A"
#         set_identifier = "secondary"
#         failover_routing_policy {
#           type = "SECONDARY"
#         }
#         alias {
#           name                   = aws_lb.secondary.dns_name
#           zone_id                = aws_lb.secondary.zone_id
#           evaluate_target_health = true
#         }
#       }
package aws.route53.failover_records

import rego.v1

import data.lib.infracheck as lib

record_type := "aws_route53_record"

lb_resource_types := {"aws_lb", "aws_alb"}

address_types := {"A", "AAAA"}

roles := [
	{"type": "PRIMARY", "region": lib.config("primary_region")},
	{"type": "SECONDARY", "region": lib.config("secondary_region")},
]

# Every public zone with its name and what matters of each of its records, computed
# once per record.
zones := [{"zone": z, "name": zn, "records": [facts(r, zn) | some r in zone_records(z); relevant(r, zn)]} |
	some z in lib.resources("aws_route53_zone")
	count(infracheck.get_list(z.values, "vpc")) == 0
	zn := zone_name(z)
]

# Records whose zone could not be resolved: they may belong to any zone.
orphan_records := [a |
	some a in object.get(input.unresolved, record_type, [])
	r := input.resources[a]
	count(lib.references(r, "zone_id")) == 0
	object.get(r.values, "zone_id", null) == null
	infracheck.is_unknown_at(r.unknown, "zone_id")
]

deny contains {"address": zone.zone.address, "message": sprintf("no %s failover A/AAAA record for %s aliasing a load balancer in %s", [role.type, name, role.region])} if {
	some zone in zones
	some name in wanted_names(zone.name)
	some role in roles
	not satisfied(zone, name, role)
	not undecided(zone, name, role)
}

deny contains {"address": zone.zone.address, "message": sprintf("%s record %s for %s does not use failover routing", [rec.type, rec.address, rec.name])} if {
	some zone in zones
	some rec in zone.records
	rec.name in wanted_names(zone.name)
	rec.type in address_types
	rec.failover == false
}

unknown contains {"address": zone.zone.address, "message": sprintf("whether %s has a %s failover record aliasing a load balancer in %s is not known until apply", [name, role.type, role.region])} if {
	some zone in zones
	some name in wanted_names(zone.name)
	some role in roles
	not satisfied(zone, name, role)
	undecided(zone, name, role)
}

unknown contains {"address": z.address, "message": "the zone's name is not known until apply"} if {
	some z in lib.resources("aws_route53_zone")
	count(infracheck.get_list(z.values, "vpc")) == 0
	not zone_name(z)
}

wanted_names(zn) := [zn, concat(".", ["www", zn])]

# The zone's name in lower case without the trailing dot.
zone_name(z) := lower(trim_suffix(n, ".")) if {
	n := object.get(z.values, "name", null)
	is_string(n)
}

# Record `r` of zone `zn` may be an apex or www record (its name is one of them, or
# is not known).
relevant(r, _) if not is_string(object.get(r.values, "name", null))

relevant(r, zn) if {
	is_string(r.values.name)
	lower(trim_suffix(r.values.name, ".")) in {"", "www", zn, concat(".", ["www", zn])}
}

# The records whose zone_id refers to zone `z`.
zone_records(z) := [r |
	some r in infracheck.referrers(input, z, record_type)
	z.address in lib.references(r, "zone_id")
]

# What the rule needs of record `r` of zone `zn`; null for a value unknown until
# apply (or absent), with "<x>_unknown" telling which.
facts(r, zn) := {
	"address": r.address,
	"name": fqdn(r, zn),
	"name_unknown": unknown_scalar(r, "name"),
	"type": upper_or_null(object.get(r.values, "type", null)),
	"type_unknown": unknown_scalar(r, "type"),
	"role": upper_or_null(object.get(r.values, ["failover_routing_policy", 0, "type"], null)),
	"role_unknown": unknown_scalar(r, "failover_routing_policy.0.type"),
	"failover": failover_known(r),
	"regions": alias_regions(r),
	"region_unknown": alias_region_unknown(r),
}

unknown_scalar(r, path) := true if {
	object.get(r.values, lib.split_path(path), null) == null
	infracheck.is_unknown_at(r.unknown, path)
} else := false

upper_or_null(v) := upper(v) if is_string(v)

upper_or_null(v) := null if not is_string(v)

# true: the record has failover routing; false: it is known to have none; null:
# not known until apply.
failover_known(r) := true if {
	count(infracheck.get_list(r.values, "failover_routing_policy")) > 0
} else := null if {
	infracheck.is_unknown(r.unknown, "failover_routing_policy")
} else := false

# The record's fully qualified name: Terraform appends the zone's name to a name
# that is not already inside the zone, and "" is the apex.
fqdn(r, zn) := expand(lower(trim_suffix(n, ".")), zn) if {
	n := object.get(r.values, "name", null)
	is_string(n)
} else := null

expand("", zn) := zn

expand(n, zn) := n if {
	n != ""
	in_zone(n, zn)
}

expand(n, zn) := concat(".", [n, zn]) if {
	n != ""
	not in_zone(n, zn)
}

in_zone(n, zn) if n == zn

in_zone(n, zn) if endswith(n, concat("", [".", zn]))

# The regions of the load balancers the record's alias targets.
alias_regions(r) := {lb.region |
	some lb in lib.referenced(r, "alias.0.name")
	lb.type in lb_resource_types
	is_string(lb.region)
} | {region |
	n := object.get(r.values, ["alias", 0, "name"], null)
	is_string(n)
	region := elb_region(n)
}

# The region in an ELB DNS name: [dualstack.]<name>.<region>.elb.amazonaws.com[.cn].
elb_region(n) := parts[count(parts) - 4] if {
	parts := split(trim_suffix(trim_suffix(lower(n), "."), ".cn"), ".")
	count(parts) >= 5
	array.slice(parts, count(parts) - 3, count(parts)) == ["elb", "amazonaws", "com"]
}

# The alias target's region is not known: a load balancer whose region is not
# known, or an alias name unknown until apply that refers to no known resource.
alias_region_unknown(r) := true if {
	some lb in lib.referenced(r, "alias.0.name")
	lb.type in lb_resource_types
	not is_string(lb.region)
} else := true if {
	count(lib.referenced(r, "alias.0.name")) == 0
	unknown_scalar(r, "alias.0.name")
} else := false

satisfied(zone, name, role) if {
	some rec in zone.records
	rec.name == name
	rec.type in address_types
	rec.role == role.type
	role.region in rec.regions
}

# Some record may be the one required once its unknown values are known.
undecided(zone, name, role) if {
	some rec in zone.records
	may_be(rec.name, rec.name_unknown, name)
	may_be_address(rec)
	may_be(rec.role, rec.role_unknown, role.type)
	may_be_in(rec, role.region)
}

undecided(_, _, _) if count(orphan_records) > 0

may_be(v, _, want) if v == want

may_be(null, true, _) := true

may_be_address(rec) if rec.type in address_types

may_be_address(rec) if rec.type_unknown

may_be_in(rec, region) if region in rec.regions

may_be_in(rec, _) if rec.region_unknown
