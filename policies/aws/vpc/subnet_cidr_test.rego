package aws.vpc.subnet_cidr_test

import rego.v1

import data.aws.vpc.subnet_cidr as rule
import data.lib.infracheck as lib

vpc(address, cidr) := lib.mock_resource(address, {"cidr_block": cidr})

subnet(address, vpc_address, cidr) := object.union(
	lib.mock_resource(address, {"cidr_block": cidr, "availability_zone": "us-east-1a"}),
	{"references": {"vpc_id": [vpc_address]}, "unknown": {"vpc_id": true}},
)

assoc(address, vpc_address, cidr) := object.union(
	lib.mock_resource(address, {"cidr_block": cidr}),
	{"references": {"vpc_id": [vpc_address]}, "unknown": {"vpc_id": true}},
)

with_unknown(r, paths) := object.union(r, {"unknown": object.union(r.unknown, {p: true | some p in paths})})

test_subnets_inside_and_disjoint_pass if {
	inp := lib.mock_input([
		vpc("aws_vpc.main", "10.0.0.0/16"),
		subnet("aws_subnet.a", "aws_vpc.main", "10.0.0.0/24"),
		subnet("aws_subnet.b", "aws_vpc.main", "10.0.1.0/24"),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_subnet_outside_vpc_fails if {
	inp := lib.mock_input([
		vpc("aws_vpc.main", "10.0.0.0/16"),
		subnet("aws_subnet.a", "aws_vpc.main", "10.0.0.0/24"),
		subnet("aws_subnet.b", "aws_vpc.main", "10.1.0.0/24"),
	])
	rule.deny == {lib.result({"address": "aws_subnet.b"}, "CIDR 10.1.0.0/24 is outside the CIDR blocks of VPC aws_vpc.main (10.0.0.0/16)")} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_subnet_in_secondary_block_passes if {
	inp := lib.mock_input([
		vpc("aws_vpc.main", "10.0.0.0/16"),
		assoc("aws_vpc_ipv4_cidr_block_association.extra", "aws_vpc.main", "10.1.0.0/16"),
		subnet("aws_subnet.b", "aws_vpc.main", "10.1.0.0/24"),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_overlapping_subnets_fail_both if {
	inp := lib.mock_input([
		vpc("aws_vpc.main", "10.0.0.0/16"),
		subnet("aws_subnet.a", "aws_vpc.main", "10.0.0.0/23"),
		subnet("aws_subnet.b", "aws_vpc.main", "10.0.1.0/24"),
		subnet("aws_subnet.c", "aws_vpc.main", "10.0.2.0/24"),
	])
	rule.deny == {
		lib.result({"address": "aws_subnet.a"}, "CIDR 10.0.0.0/23 overlaps CIDR 10.0.1.0/24 of subnet aws_subnet.b"),
		lib.result({"address": "aws_subnet.b"}, "CIDR 10.0.1.0/24 overlaps CIDR 10.0.0.0/23 of subnet aws_subnet.a"),
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_same_block_in_two_vpcs_passes if {
	inp := lib.mock_input([
		vpc("aws_vpc.a", "10.0.0.0/16"),
		vpc("aws_vpc.b", "10.0.0.0/16"),
		subnet("aws_subnet.a", "aws_vpc.a", "10.0.0.0/24"),
		subnet("aws_subnet.b", "aws_vpc.b", "10.0.0.0/24"),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_module_subnets_with_count if {
	v := vpc("module.net.aws_vpc.this", "10.0.0.0/16")
	s0 := object.union(subnet("module.net.aws_subnet.private[0]", "module.net.aws_vpc.this", "10.0.10.0/24"), {"index": 0})
	s1 := object.union(subnet("module.net.aws_subnet.private[1]", "module.net.aws_vpc.this", "10.0.10.128/25"), {"index": 1})
	inp := lib.mock_input([v, s0, s1])
	rule.deny == {
		lib.result(s0, "CIDR 10.0.10.0/24 overlaps CIDR 10.0.10.128/25 of subnet module.net.aws_subnet.private[1]"),
		lib.result(s1, "CIDR 10.0.10.128/25 overlaps CIDR 10.0.10.0/24 of subnet module.net.aws_subnet.private[0]"),
	} with input as inp
}

test_unknown_subnet_cidr_is_unknown if {
	inp := lib.mock_input([
		vpc("aws_vpc.main", "10.0.0.0/16"),
		subnet("aws_subnet.a", "aws_vpc.main", "10.0.0.0/24"),
		with_unknown(subnet("aws_subnet.b", "aws_vpc.main", null), ["cidr_block"]),
	])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {
		lib.result({"address": "aws_subnet.b"}, "the CIDR block is not known until apply"),
		lib.result({"address": "aws_subnet.a"}, "the CIDR block of subnet aws_subnet.b is not known until apply, so overlap with it cannot be checked"),
	} with input as inp
}

test_unknown_vpc_block_is_unknown if {
	inp := lib.mock_input([
		vpc("aws_vpc.main", "10.0.0.0/16"),
		with_unknown(assoc("aws_vpc_ipv4_cidr_block_association.extra", "aws_vpc.main", null), ["cidr_block"]),
		subnet("aws_subnet.a", "aws_vpc.main", "10.0.0.0/24"),
		subnet("aws_subnet.b", "aws_vpc.main", "10.5.0.0/24"),
	])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.result({"address": "aws_subnet.b"}, "CIDR 10.5.0.0/24 may lie in a block of VPC aws_vpc.main that is not known until apply")} with input as inp
}

test_unresolved_association_is_unknown if {
	orphan := with_unknown(lib.mock_resource("aws_vpc_ipv4_cidr_block_association.extra", {"cidr_block": "10.5.0.0/16"}), ["vpc_id"])
	inp := object.union(
		lib.mock_input([vpc("aws_vpc.main", "10.0.0.0/16"), orphan, subnet("aws_subnet.b", "aws_vpc.main", "10.5.0.0/24")]),
		{"unresolved": {"aws_vpc_ipv4_cidr_block_association": ["aws_vpc_ipv4_cidr_block_association.extra"]}},
	)
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.result({"address": "aws_subnet.b"}, "CIDR 10.5.0.0/24 may lie in the block of an aws_vpc_ipv4_cidr_block_association that could not be joined to its VPC")} with input as inp
}

test_subnets_of_a_vpc_outside_the_scan if {
	a := lib.mock_resource("aws_subnet.a", {"vpc_id": "vpc-0123", "cidr_block": "10.0.0.0/24"})
	b := lib.mock_resource("aws_subnet.b", {"vpc_id": "vpc-0123", "cidr_block": "10.0.0.128/25"})
	c := lib.mock_resource("aws_subnet.c", {"vpc_id": "vpc-9999", "cidr_block": "10.0.0.0/24"})
	inp := lib.mock_input([a, b, c])
	rule.deny == {
		lib.result(a, "CIDR 10.0.0.0/24 overlaps CIDR 10.0.0.128/25 of subnet aws_subnet.b"),
		lib.result(b, "CIDR 10.0.0.128/25 overlaps CIDR 10.0.0.0/24 of subnet aws_subnet.a"),
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_ipv6_only_subnet_is_ignored if {
	inp := lib.mock_input([
		vpc("aws_vpc.main", "10.0.0.0/16"),
		subnet("aws_subnet.v6", "aws_vpc.main", null),
		subnet("aws_subnet.a", "aws_vpc.main", "10.0.0.0/24"),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}
