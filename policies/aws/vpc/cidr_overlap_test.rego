package aws.vpc.cidr_overlap_test

import rego.v1

import data.aws.vpc.cidr_overlap as rule
import data.lib.infracheck as lib

vpc(address, cidr, region) := object.union(lib.mock_resource(address, {"cidr_block": cidr, "enable_dns_support": true}), {"region": region})

assoc(address, vpc_address, cidr) := object.union(
	lib.mock_resource(address, {"cidr_block": cidr}),
	{"references": {"vpc_id": [vpc_address]}, "unknown": {"vpc_id": true}},
)

test_reference_architecture_passes if {
	inp := lib.mock_input([vpc("aws_vpc.primary", "10.0.0.0/16", "us-east-1"), vpc("aws_vpc.secondary", "10.1.0.0/16", "us-west-2")])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_overlap_across_regions_fails_both if {
	inp := lib.mock_input([vpc("aws_vpc.primary", "10.0.0.0/16", "us-east-1"), vpc("aws_vpc.secondary", "10.0.128.0/17", "us-west-2")])
	rule.deny == {
		{"address": "aws_vpc.primary", "message": "CIDR 10.0.0.0/16 overlaps CIDR 10.0.128.0/17 of VPC aws_vpc.secondary"},
		{"address": "aws_vpc.secondary", "message": "CIDR 10.0.128.0/17 overlaps CIDR 10.0.0.0/16 of VPC aws_vpc.primary"},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_adjacent_blocks_pass if {
	inp := lib.mock_input([vpc("aws_vpc.a", "10.0.0.0/17", "us-east-1"), vpc("aws_vpc.b", "10.0.128.0/17", "us-east-1")])
	count(rule.deny) == 0 with input as inp
}

test_secondary_block_overlap_fails if {
	inp := lib.mock_input([
		vpc("aws_vpc.primary", "10.0.0.0/16", "us-east-1"),
		assoc("aws_vpc_ipv4_cidr_block_association.extra", "aws_vpc.primary", "10.1.0.0/16"),
		vpc("aws_vpc.secondary", "10.1.0.0/16", "us-west-2"),
		vpc("aws_vpc.third", "10.2.0.0/16", "eu-west-1"),
	])
	rule.deny == {
		{"address": "aws_vpc.primary", "message": "CIDR 10.1.0.0/16 overlaps CIDR 10.1.0.0/16 of VPC aws_vpc.secondary"},
		{"address": "aws_vpc.secondary", "message": "CIDR 10.1.0.0/16 overlaps CIDR 10.1.0.0/16 of VPC aws_vpc.primary"},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

default_vpcs := [
	vpc("aws_vpc.a", "172.31.0.0/16", "us-east-1"),
	object.union(lib.mock_resource("aws_default_vpc.default", {"cidr_block": "172.31.0.0/16"}), {"region": "us-west-2"}),
	object.union(vpc("aws_vpc.000000000000/eu-west-1/vpc-1", "172.31.0.0/16", "eu-west-1"), {"values": {"default": true}}),
]

test_default_vpcs_left_out if {
	inp := lib.mock_input(default_vpcs)
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_default_vpcs_included_on_request if {
	inp := lib.mock_input(default_vpcs)
	cfg := {"include_default_vpcs": true}
	rule.deny == {
		{"address": "aws_vpc.a", "message": "CIDR 172.31.0.0/16 overlaps CIDR 172.31.0.0/16 of VPC aws_default_vpc.default"},
		{"address": "aws_vpc.a", "message": "CIDR 172.31.0.0/16 overlaps CIDR 172.31.0.0/16 of VPC aws_vpc.000000000000/eu-west-1/vpc-1"},
		{"address": "aws_default_vpc.default", "message": "CIDR 172.31.0.0/16 overlaps CIDR 172.31.0.0/16 of VPC aws_vpc.a"},
		{"address": "aws_default_vpc.default", "message": "CIDR 172.31.0.0/16 overlaps CIDR 172.31.0.0/16 of VPC aws_vpc.000000000000/eu-west-1/vpc-1"},
		{"address": "aws_vpc.000000000000/eu-west-1/vpc-1", "message": "CIDR 172.31.0.0/16 overlaps CIDR 172.31.0.0/16 of VPC aws_vpc.a"},
		{"address": "aws_vpc.000000000000/eu-west-1/vpc-1", "message": "CIDR 172.31.0.0/16 overlaps CIDR 172.31.0.0/16 of VPC aws_default_vpc.default"},
	} with input as inp with data.infracheck.config as cfg
}

test_unknown_cidr_is_unknown if {
	ipam := object.union(lib.mock_resource("aws_vpc.ipam", {"ipv4_netmask_length": 16}), {"unknown": {"cidr_block": true}})
	inp := lib.mock_input([vpc("aws_vpc.primary", "10.0.0.0/16", "us-east-1"), ipam])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {
		{"address": "aws_vpc.ipam", "message": "the CIDR block is not known until apply"},
		{"address": "aws_vpc.primary", "message": "the CIDR block of VPC aws_vpc.ipam is not known until apply, so overlap with it cannot be checked"},
	} with input as inp
}

test_unknown_secondary_cidr_is_unknown if {
	a := object.union(assoc("aws_vpc_ipv4_cidr_block_association.extra", "aws_vpc.primary", null), {"unknown": {"cidr_block": true, "vpc_id": true}})
	inp := lib.mock_input([vpc("aws_vpc.primary", "10.0.0.0/16", "us-east-1"), a, vpc("aws_vpc.secondary", "10.1.0.0/16", "us-west-2")])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {
		{"address": "aws_vpc.primary", "message": "the CIDR block of aws_vpc_ipv4_cidr_block_association.extra is not known until apply"},
		{"address": "aws_vpc.secondary", "message": "the CIDR block of VPC aws_vpc.primary is not known until apply, so overlap with it cannot be checked"},
	} with input as inp
}

test_unresolved_association if {
	orphan := object.union(lib.mock_resource("aws_vpc_ipv4_cidr_block_association.extra", {"cidr_block": "10.1.0.0/20"}), {"unknown": {"vpc_id": true}})
	inp := object.union(
		lib.mock_input([vpc("aws_vpc.primary", "10.0.0.0/16", "us-east-1"), vpc("aws_vpc.secondary", "10.1.0.0/16", "us-west-2"), orphan]),
		{"unresolved": {"aws_vpc_ipv4_cidr_block_association": ["aws_vpc_ipv4_cidr_block_association.extra"]}},
	)
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{
		"address": "aws_vpc.secondary",
		"message": "CIDR 10.1.0.0/16 overlaps CIDR 10.1.0.0/20 of aws_vpc_ipv4_cidr_block_association.extra, which could not be joined to its VPC",
	}} with input as inp
}

test_module_vpcs if {
	a := vpc(`module.network["us-east-1"].aws_vpc.this`, "10.0.0.0/16", "us-east-1")
	b := vpc(`module.network["us-west-2"].aws_vpc.this`, "10.0.0.0/16", "us-west-2")
	c := vpc(`module.app.aws_vpc.this["a"]`, "10.9.0.0/16", "us-east-1")
	inp := lib.mock_input([a, b, c])
	rule.deny == {
		{"address": `module.network["us-east-1"].aws_vpc.this`, "message": `CIDR 10.0.0.0/16 overlaps CIDR 10.0.0.0/16 of VPC module.network["us-west-2"].aws_vpc.this`},
		{"address": `module.network["us-west-2"].aws_vpc.this`, "message": `CIDR 10.0.0.0/16 overlaps CIDR 10.0.0.0/16 of VPC module.network["us-east-1"].aws_vpc.this`},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unresolved_association_with_unknown_cidr if {
	orphan := object.union(lib.mock_resource("aws_vpc_ipv4_cidr_block_association.extra", {}), {"unknown": {"vpc_id": true, "cidr_block": true}})
	inp := object.union(
		lib.mock_input([vpc("aws_vpc.primary", "10.0.0.0/16", "us-east-1"), vpc("aws_default_vpc.default", "172.31.0.0/16", "us-east-1"), orphan]),
		{"unresolved": {"aws_vpc_ipv4_cidr_block_association": ["aws_vpc_ipv4_cidr_block_association.extra"]}},
	)
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{
		"address": "aws_vpc.primary",
		"message": "aws_vpc_ipv4_cidr_block_association.extra could not be joined to its VPC and its CIDR block is not known until apply",
	}} with input as inp
}

test_unknown_cidr_does_not_hide_known_overlap if {
	ipam := object.union(lib.mock_resource("aws_vpc.ipam", {"ipv4_netmask_length": 16}), {"unknown": {"cidr_block": true}})
	inp := lib.mock_input([vpc("aws_vpc.a", "10.0.0.0/16", "us-east-1"), vpc("aws_vpc.b", "10.0.0.0/24", "us-east-1"), ipam])
	rule.deny == {
		{"address": "aws_vpc.a", "message": "CIDR 10.0.0.0/16 overlaps CIDR 10.0.0.0/24 of VPC aws_vpc.b"},
		{"address": "aws_vpc.b", "message": "CIDR 10.0.0.0/24 overlaps CIDR 10.0.0.0/16 of VPC aws_vpc.a"},
	} with input as inp
	count(rule.unknown) == 3 with input as inp
}
