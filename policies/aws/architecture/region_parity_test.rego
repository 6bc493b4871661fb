package aws.architecture.region_parity_test

import rego.v1

import data.aws.architecture.region_parity as rule
import data.lib.infracheck as lib

cfg := {"primary_region": "us-east-1", "secondary_region": "us-west-2"}

in_region(r, region) := object.union(r, {"region": region})

# One resource of every component class, in module `m` of `region`.
stack(m, region) := [in_region(lib.mock_resource(sprintf("module.%s.%s", [m, a]), v), region) |
	some a, v in {
		"aws_vpc.this": {"cidr_block": "10.0.0.0/16"},
		"aws_subnet.public[0]": {"map_public_ip_on_launch": true},
		"aws_subnet.private[0]": {"map_public_ip_on_launch": false, "tags": {"Tier": "private"}},
		"aws_internet_gateway.this": {},
		"aws_nat_gateway.this": {},
		"aws_lb.web": {"load_balancer_type": "application"},
		"aws_wafv2_web_acl_association.web": {},
		"aws_autoscaling_group.app": {},
		"aws_dax_cluster.this": {},
		"aws_elasticache_replication_group.this": {},
		"aws_s3_bucket.static": {},
		"aws_flow_log.this": {},
		"aws_backup_vault.this": {},
	}
]

without(rs, addresses) := [r | some r in rs; not r.address in addresses]

missing(c, text, types) := {
	"address": sprintf("region/us-west-2#%s", [c]), "region": "us-west-2",
	"message": sprintf("the secondary region us-west-2 has no %s (%s), which the primary region us-east-1 has", [text, types]),
}

test_identical_regions_pass if {
	inp := lib.mock_input(array.concat(stack("primary", "us-east-1"), stack("secondary", "us-west-2")))
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_one_finding_per_missing_class if {
	west := without(stack("secondary", "us-west-2"), {
		"module.secondary.aws_nat_gateway.this",
		"module.secondary.aws_dax_cluster.this",
		"module.secondary.aws_subnet.public[0]",
	})
	inp := lib.mock_input(array.concat(stack("primary", "us-east-1"), west))
	rule.deny == {
		missing("nat_gateway", "NAT gateway", "aws_nat_gateway"),
		missing("dax", "DAX cluster", "aws_dax_cluster"),
		missing("public_subnet", "public subnet", "aws_subnet"),
	} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_empty_secondary_fails_every_class if {
	inp := lib.mock_input(stack("primary", "us-east-1"))
	count(rule.deny) == 13 with input as inp with data.infracheck.config as cfg
}

test_class_absent_from_primary_is_not_required if {
	east := without(stack("primary", "us-east-1"), {"module.primary.aws_dax_cluster.this"})
	west := without(stack("secondary", "us-west-2"), {"module.secondary.aws_dax_cluster.this"})
	inp := lib.mock_input(array.concat(east, west))
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
}

test_subnet_tier_from_name_tag if {
	west := array.concat(without(stack("secondary", "us-west-2"), {"module.secondary.aws_subnet.public[0]"}), [in_region(
		lib.mock_resource("module.secondary.aws_subnet.a", {"map_public_ip_on_launch": false, "tags_all": {"Name": "secondary-PUBLIC-a"}}),
		"us-west-2",
	)])
	inp := lib.mock_input(array.concat(stack("primary", "us-east-1"), west))
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
}

test_network_lb_is_not_an_alb if {
	west := array.concat(without(stack("secondary", "us-west-2"), {"module.secondary.aws_lb.web"}), [in_region(
		lib.mock_resource("module.secondary.aws_lb.nlb", {"load_balancer_type": "network"}),
		"us-west-2",
	)])
	inp := lib.mock_input(array.concat(stack("primary", "us-east-1"), west))
	rule.deny == {missing("alb", "application load balancer", "aws_lb, aws_alb")} with input as inp with data.infracheck.config as cfg
}

test_unknown_subnet_tier_is_unknown if {
	west := array.concat(without(stack("secondary", "us-west-2"), {"module.secondary.aws_subnet.private[0]"}), [in_region(
		object.union(lib.mock_resource("module.secondary.aws_subnet.x", {}), {"unknown": {"map_public_ip_on_launch": true}}),
		"us-west-2",
	)])
	inp := lib.mock_input(array.concat(stack("primary", "us-east-1"), west))
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.unknown == {{
		"address": "region/us-west-2#private_subnet", "region": "us-west-2",
		"message": "whether the secondary region us-west-2 has a private subnet is not known until apply",
	}} with input as inp with data.infracheck.config as cfg
}

test_resource_of_unknown_region_is_unknown if {
	west := without(stack("secondary", "us-west-2"), {"module.secondary.aws_backup_vault.this"})
	vault := in_region(lib.mock_resource("aws_backup_vault.dr", {}), null)
	inp := lib.mock_input(array.concat(array.concat(stack("primary", "us-east-1"), west), [vault]))
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	{u.address | some u in rule.unknown} == {"region/us-west-2#backup_vault"} with input as inp with data.infracheck.config as cfg
}

test_not_applicable_without_primary_region if {
	inp := lib.mock_input(stack("secondary", "us-west-2"))
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_region_settings_change_verdict if {
	inp := lib.mock_input(stack("primary", "us-east-1"))
	count(rule.deny) == 0 with input as inp with data.infracheck.config as {"primary_region": "eu-west-1", "secondary_region": "us-west-2"}
	count(rule.deny) == 0 with input as inp with data.infracheck.config as {"primary_region": "us-west-2", "secondary_region": "us-east-1"}
}
