package aws.route53.primary_health_check_test

import rego.v1

import data.aws.route53.primary_health_check as rule
import data.lib.infracheck as lib

alias := [{"evaluate_target_health": true}]

record(address, role, values) := object.union(
	lib.mock_resource(address, object.union(
		{
			"name": "example.com", "type": "A", "set_identifier": lower(role), "health_check_id": null,
			"failover_routing_policy": [{"type": role}], "alias": alias, "records": null, "ttl": null,
		},
		values,
	)),
	{
		"references": {"zone_id": ["aws_route53_zone.main"], "alias.0.name": ["aws_lb.web"]},
		"unknown": {"id": true, "fqdn": true, "alias.0.name": true, "alias.0.zone_id": true},
	},
)

with_hc_ref(r, hc) := object.union(r, {"references": {"health_check_id": [hc]}, "unknown": {"health_check_id": true}})

msg := "PRIMARY failover record has no health check (health_check_id is empty)"

test_primary_with_health_check_passes if {
	inp := lib.mock_input([
		with_hc_ref(record("aws_route53_record.apex_primary", "PRIMARY", {}), "aws_route53_health_check.primary"),
		record("aws_route53_record.www_primary", "PRIMARY", {"name": "www", "health_check_id": "3f1c2b4a-0d9e-4b7a-8c61-2e5f9a7b1c3d"}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_primary_without_health_check_fails if {
	inp := lib.mock_input([
		record("aws_route53_record.null", "PRIMARY", {}),
		record("aws_route53_record.empty", "PRIMARY", {"health_check_id": ""}),
	])
	rule.deny == {{"address": "aws_route53_record.null", "message": msg}, {"address": "aws_route53_record.empty", "message": msg}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_secondary_and_simple_records_pass if {
	inp := lib.mock_input([
		record("aws_route53_record.secondary", "SECONDARY", {}),
		record("aws_route53_record.simple", "PRIMARY", {"failover_routing_policy": []}),
		record("aws_route53_record.null_policy", "PRIMARY", {"failover_routing_policy": null}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unknown_values_are_unknown if {
	hc := object.union(record("aws_route53_record.hc", "PRIMARY", {}), {"unknown": {"health_check_id": true}})
	role := object.union(record("aws_route53_record.role", "PRIMARY", {"failover_routing_policy": [{}]}), {"unknown": {"failover_routing_policy.0.type": true}})
	role_hc := with_hc_ref(object.union(record("aws_route53_record.role_hc", "PRIMARY", {"failover_routing_policy": [{}]}), {"unknown": {"failover_routing_policy.0.type": true}}), "aws_route53_health_check.x")
	inp := lib.mock_input([hc, role, role_hc])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {
		{"address": "aws_route53_record.hc", "message": "the record's health check is not known until apply"},
		{"address": "aws_route53_record.role", "message": "the record's failover type is not known until apply"},
	} with input as inp
}

test_module_records if {
	inp := lib.mock_input([
		with_hc_ref(record(`module.dns.aws_route53_record.failover["primary"]`, "PRIMARY", {}), "module.dns.aws_route53_health_check.primary"),
		record(`module.dns.aws_route53_record.www["primary"]`, "PRIMARY", {}),
	])
	rule.deny == {{"address": `module.dns.aws_route53_record.www["primary"]`, "message": msg}} with input as inp
	count(rule.unknown) == 0 with input as inp
}
