package aws.route53.failover_records_test

import rego.v1

import data.aws.route53.failover_records as rule
import data.lib.infracheck as lib

config := {"primary_region": "us-east-1", "secondary_region": "us-west-2"}

zone(address, name) := object.union(
	lib.mock_resource(address, {"name": name, "vpc": [], "force_destroy": false}),
	{"unknown": {"id": true, "zone_id": true, "name_servers": true}},
)

lb(address, region) := object.union(
	lib.mock_resource(address, {"name": "web", "load_balancer_type": "application", "internal": false}),
	{"region": region, "unknown": {"arn": true, "dns_name": true, "zone_id": true}},
)

primary_lb := lb("module.primary.aws_lb.web", "us-east-1")

secondary_lb := lb("module.secondary.aws_lb.web", "us-west-2")

# A failover alias record of zone `zone_address` (plan shape: the alias target is
# unknown until apply and known through its reference).
record(address, zone_address, name, role, lb_address) := object.union(
	lib.mock_resource(address, {
		"name": name, "type": "A", "set_identifier": lower(role),
		"failover_routing_policy": [{"type": role}],
		"alias": [{"evaluate_target_health": true}], "records": null, "ttl": null,
	}),
	{
		"references": {"zone_id": [zone_address], "alias.0.name": [lb_address], "alias.0.zone_id": [lb_address]},
		"unknown": {"zone_id": true, "alias.0.name": true, "alias.0.zone_id": true, "fqdn": true, "id": true},
	},
)

# The four records of the architecture for zone aws_route53_zone.main.
full_set := [
	record("aws_route53_record.apex_primary", "aws_route53_zone.main", "example.com", "PRIMARY", primary_lb.address),
	record("aws_route53_record.apex_secondary", "aws_route53_zone.main", "example.com.", "SECONDARY", secondary_lb.address),
	record("aws_route53_record.www_primary", "aws_route53_zone.main", "www", "PRIMARY", primary_lb.address),
	record("aws_route53_record.www_secondary", "aws_route53_zone.main", "WWW.example.com", "SECONDARY", secondary_lb.address),
]

base := [zone("aws_route53_zone.main", "example.com"), primary_lb, secondary_lb]

with_values(r, values) := object.union(r, {"values": values})

with_unknown(r, paths) := object.union(r, {"unknown": {p: true | some p in paths}})

missing(role, name, region) := sprintf("no %s failover A/AAAA record for %s aliasing a load balancer in %s", [role, name, region])

test_full_failover_passes if {
	inp := lib.mock_input(array.concat(base, full_set))
	count(rule.deny) == 0 with input as inp with data.infracheck.config as config
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as config
}

test_missing_records_fail if {
	inp := lib.mock_input(array.concat(base, [full_set[0], full_set[2]]))
	rule.deny == {
		{"address": "aws_route53_zone.main", "message": missing("SECONDARY", "example.com", "us-west-2")},
		{"address": "aws_route53_zone.main", "message": missing("SECONDARY", "www.example.com", "us-west-2")},
	} with input as inp with data.infracheck.config as config
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as config
}

test_zone_without_records_fails if {
	inp := lib.mock_input([zone("aws_route53_zone.other", "Other.org.")])
	rule.deny == {
		{"address": "aws_route53_zone.other", "message": missing("PRIMARY", "other.org", "us-east-1")},
		{"address": "aws_route53_zone.other", "message": missing("SECONDARY", "other.org", "us-west-2")},
		{"address": "aws_route53_zone.other", "message": missing("PRIMARY", "www.other.org", "us-east-1")},
		{"address": "aws_route53_zone.other", "message": missing("SECONDARY", "www.other.org", "us-west-2")},
	} with input as inp with data.infracheck.config as config
}

test_wrong_region_and_wrong_type_fail if {
	swapped := record("aws_route53_record.apex_primary", "aws_route53_zone.main", "example.com", "PRIMARY", secondary_lb.address)
	cname := with_values(full_set[2], {"type": "CNAME"})
	inp := lib.mock_input(array.concat(base, [swapped, full_set[1], cname, full_set[3]]))
	rule.deny == {
		{"address": "aws_route53_zone.main", "message": missing("PRIMARY", "example.com", "us-east-1")},
		{"address": "aws_route53_zone.main", "message": missing("PRIMARY", "www.example.com", "us-east-1")},
	} with input as inp with data.infracheck.config as config
}

test_records_of_other_zones_do_not_count if {
	other := zone("aws_route53_zone.other", "example.com")
	inp := lib.mock_input(array.concat(array.concat(base, [other]), full_set))
	count(rule.deny) == 4 with input as inp with data.infracheck.config as config
	{f.address | some f in rule.deny} == {"aws_route53_zone.other"} with input as inp with data.infracheck.config as config
}

test_simple_record_for_apex_fails if {
	simple := with_values(
		lib.mock_resource("aws_route53_record.apex_v6", {"name": "", "type": "AAAA", "failover_routing_policy": [], "alias": [{"name": "d111111abcdef8.cloudfront.net"}]}),
		{},
	)
	inp := lib.mock_input(array.concat(base, array.concat(full_set, [object.union(simple, {"references": {"zone_id": ["aws_route53_zone.main"]}})])))
	rule.deny == {{"address": "aws_route53_zone.main", "message": "AAAA record aws_route53_record.apex_v6 for example.com does not use failover routing"}} with input as inp with data.infracheck.config as config
}

test_private_zones_are_skipped if {
	private := object.union(zone("aws_route53_zone.internal", "internal.example.com"), {"values": {"vpc": [{"vpc_id": "vpc-0123456789abcdef0"}]}})
	inp := lib.mock_input([private])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as config
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as config
}

# A live record of zone Z1 (joined through the zone's id) aliasing `target`.
live(address, name, role, target) := object.union(
	lib.mock_resource(address, {
		"name": name, "type": "A", "zone_id": "Z1", "set_identifier": lower(role), "health_check_id": "hc",
		"failover_routing_policy": [{"type": role}],
		"alias": [{"name": target, "zone_id": "Z35SXDOTRQ7X7K", "evaluate_target_health": true}],
	}),
	{"account": "111111111111", "references": {"zone_id": ["aws_route53_zone.111111111111/global/Z1"]}},
)

test_live_elb_dns_names if {
	z := object.union(lib.mock_resource("aws_route53_zone.111111111111/global/Z1", {"name": "example.com.", "zone_id": "Z1", "vpc": []}), {"account": "111111111111"})
	east := "dualstack.web-primary-1234567890.us-east-1.elb.amazonaws.com."
	west := "dualstack.web-secondary-1234567890.us-west-2.elb.amazonaws.com."
	inp := object.union(
		lib.mock_input([
			z,
			live("aws_route53_record.a", "example.com.", "PRIMARY", east),
			live("aws_route53_record.b", "example.com.", "SECONDARY", west),
			live("aws_route53_record.c", "www.example.com.", "PRIMARY", east),
			live("aws_route53_record.d", "www.example.com.", "SECONDARY", "d111111abcdef8.cloudfront.net."),
		]),
		{"scan": {"source": "live"}},
	)
	rule.deny == {{"address": z.address, "message": missing("SECONDARY", "www.example.com", "us-west-2")}} with input as inp with data.infracheck.config as config
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as config
}

test_unknown_values_are_unknown if {
	name_unknown := with_unknown(with_values(full_set[1], {"name": null}), ["name"])
	role_unknown := with_unknown(with_values(full_set[2], {"failover_routing_policy": [{}]}), ["failover_routing_policy.0.type"])
	lb_unknown_region := object.union(lb("aws_lb.somewhere", "us-west-2"), {"region": null})
	region_unknown := record("aws_route53_record.www_secondary", "aws_route53_zone.main", "www", "SECONDARY", lb_unknown_region.address)
	inp := lib.mock_input(array.concat(base, [full_set[0], name_unknown, role_unknown, region_unknown, lb_unknown_region]))
	count(rule.deny) == 0 with input as inp with data.infracheck.config as config
	rule.unknown == {
		{"address": "aws_route53_zone.main", "message": "whether example.com has a SECONDARY failover record aliasing a load balancer in us-west-2 is not known until apply"},
		{"address": "aws_route53_zone.main", "message": "whether www.example.com has a PRIMARY failover record aliasing a load balancer in us-east-1 is not known until apply"},
		{"address": "aws_route53_zone.main", "message": "whether www.example.com has a SECONDARY failover record aliasing a load balancer in us-west-2 is not known until apply"},
	} with input as inp with data.infracheck.config as config
}

test_unresolved_records_are_unknown if {
	orphan := object.union(lib.mock_resource("aws_route53_record.orphan", {"name": "www", "type": "A"}), {"unknown": {"zone_id": true}})
	inp := object.union(
		lib.mock_input(array.concat(base, [full_set[0], full_set[1], orphan])),
		{"unresolved": {"aws_route53_record": ["aws_route53_record.orphan"]}},
	)
	count(rule.deny) == 0 with input as inp with data.infracheck.config as config
	count(rule.unknown) == 2 with input as inp with data.infracheck.config as config
}

test_regions_come_from_config if {
	inp := lib.mock_input(array.concat(base, full_set))
	cfg := {"primary_region": "us-west-2", "secondary_region": "us-east-1"}
	rule.deny == {
		{"address": "aws_route53_zone.main", "message": missing("PRIMARY", "example.com", "us-west-2")},
		{"address": "aws_route53_zone.main", "message": missing("SECONDARY", "example.com", "us-east-1")},
		{"address": "aws_route53_zone.main", "message": missing("PRIMARY", "www.example.com", "us-west-2")},
		{"address": "aws_route53_zone.main", "message": missing("SECONDARY", "www.example.com", "us-east-1")},
	} with input as inp with data.infracheck.config as cfg
}

test_module_records if {
	z := zone("module.dns.aws_route53_zone.this[0]", "example.com")
	rs := [
		record(`module.dns.aws_route53_record.failover["apex-primary"]`, z.address, "", "PRIMARY", primary_lb.address),
		record(`module.dns.aws_route53_record.failover["apex-secondary"]`, z.address, "", "SECONDARY", secondary_lb.address),
		record(`module.dns.aws_route53_record.failover["www-primary"]`, z.address, "www", "PRIMARY", primary_lb.address),
	]
	inp := lib.mock_input(array.concat([z, primary_lb, secondary_lb], rs))
	rule.deny == {{"address": "module.dns.aws_route53_zone.this[0]", "message": missing("SECONDARY", "www.example.com", "us-west-2")}} with input as inp with data.infracheck.config as config
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as config
}
