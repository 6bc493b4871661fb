package aws.vpc.private_subnets_test

import rego.v1

import data.aws.vpc.private_subnets as rule
import data.lib.infracheck as lib

refs(r, references) := object.union(r, {"references": references, "unknown": object.union(r.unknown, {p: true | some p, _ in references})})

vpc := lib.mock_resource("aws_vpc.main", {"cidr_block": "10.0.0.0/16"})

igw := refs(lib.mock_resource("aws_internet_gateway.igw", {}), {"vpc_id": ["aws_vpc.main"]})

nat := refs(lib.mock_resource("aws_nat_gateway.nat", {"connectivity_type": "public"}), {"subnet_id": ["aws_subnet.public"]})

route_table(address) := object.union(refs(lib.mock_resource(address, {}), {"vpc_id": ["aws_vpc.main"]}), {"unknown": {"vpc_id": true, "route": true}})

route(address, table, attr, target) := refs(lib.mock_resource(address, {"destination_cidr_block": "0.0.0.0/0"}), {"route_table_id": [table], attr: [target]})

subnet(address, map_public) := refs(
	lib.mock_resource(address, {"cidr_block": "10.0.0.0/24", "availability_zone": "us-east-1a", "map_public_ip_on_launch": map_public}),
	{"vpc_id": ["aws_vpc.main"]},
)

assoc(address, subnet_address, table) := refs(lib.mock_resource(address, {}), {"subnet_id": [subnet_address], "route_table_id": [table]})

base := [
	vpc, igw, nat,
	route_table("aws_route_table.public"),
	route_table("aws_route_table.private"),
	route("aws_route.internet", "aws_route_table.public", "gateway_id", "aws_internet_gateway.igw"),
	subnet("aws_subnet.public", true),
	assoc("aws_route_table_association.public", "aws_subnet.public", "aws_route_table.public"),
]

nat_route := route("aws_route.nat", "aws_route_table.private", "nat_gateway_id", "aws_nat_gateway.nat")

private(map_public) := [subnet("aws_subnet.private", map_public), assoc("aws_route_table_association.private", "aws_subnet.private", "aws_route_table.private")]

test_private_subnet_behind_nat_passes if {
	inp := lib.mock_input(array.concat(array.concat(base, [nat_route]), private(false)))
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_public_ip_in_private_subnet_fails if {
	inp := lib.mock_input(array.concat(array.concat(base, [nat_route]), private(true)))
	rule.deny == {lib.result({"address": "aws_subnet.private"}, "private subnet auto-assigns public IPv4 addresses (map_public_ip_on_launch = true)")} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_private_route_table_without_nat_fails if {
	inp := lib.mock_input(array.concat(base, private(false)))
	rule.deny == {lib.result({"address": "aws_subnet.private"}, "route table aws_route_table.private of the private subnet has no 0.0.0.0/0 route through a NAT gateway")} with input as inp
}

test_main_route_table_without_nat_fails if {
	inp := lib.mock_input(array.concat(base, [subnet("aws_subnet.private", false)]))
	rule.deny == {lib.result({"address": "aws_subnet.private"}, "private subnet uses the VPC's main route table, which has no 0.0.0.0/0 route through a NAT gateway")} with input as inp
}

test_default_route_table_with_nat_passes if {
	# The VPC's default (main) route table, managed with an inline NAT route whose
	# set is unknown until apply.
	default_rt := object.union(lib.mock_resource("aws_default_route_table.main", {}), {
		"references": {"default_route_table_id": ["aws_vpc.main"], "route.0.nat_gateway_id": ["aws_nat_gateway.nat"]},
		"unknown": {"route": true},
	})
	inp := lib.mock_input(array.concat(base, [default_rt, subnet("aws_subnet.private", false)]))
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_known_inline_nat_route_passes if {
	rt := object.union(lib.mock_resource("aws_route_table.private", {"route": [
		{"cidr_block": "10.1.0.0/16", "vpc_peering_connection_id": "pcx-1"},
		{"cidr_block": "0.0.0.0/0", "nat_gateway_id": "nat-0123"},
	]}), {"references": {"vpc_id": ["aws_vpc.main"]}})
	rs := [r | some r in base; r.address != "aws_route_table.private"]
	inp := lib.mock_input(array.concat(array.concat(rs, [rt]), private(false)))
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_public_subnet_may_map_public_ips if {
	inp := lib.mock_input(base)
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unknown_nat_target_is_unknown if {
	maybe := object.union(lib.mock_resource("aws_route.nat", {"destination_cidr_block": "0.0.0.0/0"}), {
		"references": {"route_table_id": ["aws_route_table.private"]},
		"unknown": {"route_table_id": true, "nat_gateway_id": true},
	})
	inp := object.union(lib.mock_input(array.concat(array.concat(base, [maybe]), private(false))), {"unresolved": {"aws_route": ["aws_route.nat"]}})
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.result({"address": "aws_subnet.private"}, "whether route table aws_route_table.private sends 0.0.0.0/0 through a NAT gateway is not known until apply")} with input as inp
}

test_unknown_map_public_ip_is_unknown if {
	s := object.union(subnet("aws_subnet.private", null), {"unknown": {"vpc_id": true, "map_public_ip_on_launch": true}})
	inp := lib.mock_input(array.concat(array.concat(base, [nat_route]), [s, assoc("aws_route_table_association.private", "aws_subnet.private", "aws_route_table.private")]))
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.result(s, "whether the private subnet auto-assigns public IPv4 addresses is not known until apply")} with input as inp
}

test_unresolved_route_table_is_unknown if {
	# The association's route table comes through a local: not known.
	a := object.union(lib.mock_resource("aws_route_table_association.private", {}), {
		"references": {"subnet_id": ["aws_subnet.private"]},
		"unknown": {"subnet_id": true, "route_table_id": true},
	})
	inp := object.union(
		lib.mock_input(array.concat(array.concat(base, [nat_route]), [subnet("aws_subnet.private", true), a])),
		{"unresolved": {"aws_route_table_association": ["aws_route_table_association.private"]}},
	)
	count(rule.deny) == 0 with input as inp
	rule.unknown == {
		lib.result({"address": "aws_subnet.private"}, "the subnet auto-assigns public IPv4 addresses, and whether it is private is not known until apply"),
		lib.result({"address": "aws_subnet.private"}, "the subnet's route tables are not known until apply"),
	} with input as inp
}

test_live_main_route_table_not_read_is_unknown if {
	inp := object.union(lib.mock_input(array.concat(base, [subnet("aws_subnet.private", false)])), {"scan": {"source": "live"}})
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.result({"address": "aws_subnet.private"}, "the subnet's route tables are not known until apply")} with input as inp
}

test_module_subnets if {
	p := "module.net[\"a\"]."
	rs := [
		lib.mock_resource(sprintf("%saws_vpc.main", [p]), {"cidr_block": "10.0.0.0/16"}),
		object.union(route_table(sprintf("%saws_route_table.private", [p])), {"references": {"vpc_id": [sprintf("%saws_vpc.main", [p])]}}),
		refs(lib.mock_resource(sprintf("%saws_subnet.private", [p]), {"cidr_block": "10.0.1.0/24", "map_public_ip_on_launch": true}), {"vpc_id": [sprintf("%saws_vpc.main", [p])]}),
		assoc(sprintf("%saws_route_table_association.private", [p]), sprintf("%saws_subnet.private", [p]), sprintf("%saws_route_table.private", [p])),
	]
	inp := lib.mock_input(rs)
	rule.deny == {
		lib.result({"address": "module.net[\"a\"].aws_subnet.private"}, "private subnet auto-assigns public IPv4 addresses (map_public_ip_on_launch = true)"),
		lib.result({"address": "module.net[\"a\"].aws_subnet.private"}, "route table module.net[\"a\"].aws_route_table.private of the private subnet has no 0.0.0.0/0 route through a NAT gateway"),
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unresolved_route_table_vpc_id if {
	# terraform-aws-modules/vpc style: vpc_id = local.vpc_id cannot be resolved; the
	# table's inline routes are still taken as not configured.
	rt := object.union(lib.mock_resource("aws_route_table.private", {}), {"unknown": {"vpc_id": true, "route": true}})
	rs := array.concat([r | some r in base; r.address != "aws_route_table.private"], array.concat([rt, nat_route], private(false)))
	inp := object.union(lib.mock_input(rs), {"unresolved": {"aws_route_table": ["aws_route_table.private"]}})
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unresolved_inline_routes_are_unknown if {
	# The table's vpc_id is resolved, so its unresolved reference may be an inline
	# route to an internet gateway.
	rs := array.concat(array.concat(base, [nat_route]), private(true))
	inp := object.union(lib.mock_input(rs), {"unresolved": {"aws_route_table": ["aws_route_table.private"]}})
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.result({"address": "aws_subnet.private"}, "the subnet auto-assigns public IPv4 addresses, and whether it is private is not known until apply")} with input as inp
}
