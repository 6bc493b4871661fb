package aws.vpc.subnet_tiers_test

import rego.v1

import data.aws.vpc.subnet_tiers as rule
import data.lib.infracheck as lib

cfg := {"include_default_vpcs": false}

refs(r, references) := object.union(r, {"references": references, "unknown": object.union(r.unknown, {p: true | some p, _ in references})})

vpc(address) := lib.mock_resource(address, {"cidr_block": "10.0.0.0/16"})

igw(address, vpc_address) := refs(lib.mock_resource(address, {}), {"vpc_id": [vpc_address]})

# A route table whose inline `route` is left to the provider (unknown in a plan).
route_table(address, vpc_address) := object.union(
	refs(lib.mock_resource(address, {}), {"vpc_id": [vpc_address]}),
	{"unknown": {"vpc_id": true, "route": true}},
)

route(address, table, attr, target) := refs(
	lib.mock_resource(address, {"destination_cidr_block": "0.0.0.0/0"}),
	{"route_table_id": [table], attr: [target]},
)

subnet(address, vpc_address, az) := refs(
	lib.mock_resource(address, {"cidr_block": "10.0.0.0/24", "availability_zone": az, "map_public_ip_on_launch": false}),
	{"vpc_id": [vpc_address]},
)

assoc(address, subnet_address, table) := refs(lib.mock_resource(address, {}), {"subnet_id": [subnet_address], "route_table_id": [table]})

# A VPC with public and private subnets in `public_azs` / `private_azs`.
network(prefix, public_azs, private_azs) := array.concat(
	[
		vpc(sprintf("%saws_vpc.main", [prefix])),
		igw(sprintf("%saws_internet_gateway.igw", [prefix]), sprintf("%saws_vpc.main", [prefix])),
		route_table(sprintf("%saws_route_table.public", [prefix]), sprintf("%saws_vpc.main", [prefix])),
		route_table(sprintf("%saws_route_table.private", [prefix]), sprintf("%saws_vpc.main", [prefix])),
		route(
			sprintf("%saws_route.internet", [prefix]), sprintf("%saws_route_table.public", [prefix]),
			"gateway_id", sprintf("%saws_internet_gateway.igw", [prefix]),
		),
	],
	array.concat(
		array.concat(
			[subnet(sprintf("%saws_subnet.public_%s", [prefix, az]), sprintf("%saws_vpc.main", [prefix]), az) | some az in public_azs],
			[assoc(sprintf("%saws_route_table_association.public_%s", [prefix, az]), sprintf("%saws_subnet.public_%s", [prefix, az]), sprintf("%saws_route_table.public", [prefix])) | some az in public_azs],
		),
		array.concat(
			[subnet(sprintf("%saws_subnet.private_%s", [prefix, az]), sprintf("%saws_vpc.main", [prefix]), az) | some az in private_azs],
			[assoc(sprintf("%saws_route_table_association.private_%s", [prefix, az]), sprintf("%saws_subnet.private_%s", [prefix, az]), sprintf("%saws_route_table.private", [prefix])) | some az in private_azs],
		),
	),
)

test_two_tiers_in_two_zones_pass if {
	inp := lib.mock_input(network("", ["us-east-1a", "us-east-1b"], ["us-east-1a", "us-east-1b"]))
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_private_tier_in_one_zone_fails if {
	inp := lib.mock_input(network("", ["us-east-1a", "us-east-1b"], ["us-east-1a"]))
	rule.deny == {lib.result({"address": "aws_vpc.main"}, "private subnets are in only 1 availability zone (us-east-1a)")} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_no_public_subnets_fails if {
	# Without an internet route every subnet is private.
	rs := [r | some r in network("", ["us-east-1a", "us-east-1b"], ["us-east-1c", "us-east-1d"]); r.type != "aws_route"]
	inp := lib.mock_input(rs)
	rule.deny == {lib.result({"address": "aws_vpc.main"}, "no public subnets")} with input as inp with data.infracheck.config as cfg
}

test_vpc_without_subnets_fails_both_tiers if {
	inp := lib.mock_input([vpc("aws_vpc.empty")])
	rule.deny == {
		lib.result({"address": "aws_vpc.empty"}, "no public subnets"),
		lib.result({"address": "aws_vpc.empty"}, "no private subnets"),
	} with input as inp with data.infracheck.config as cfg
}

test_unassociated_subnets_use_the_main_route_table if {
	# Two more subnets without association: AWS's main table, private.
	rs := array.concat(network("", ["us-east-1a", "us-east-1b"], ["us-east-1a"]), [subnet("aws_subnet.extra", "aws_vpc.main", "us-east-1c")])
	inp := lib.mock_input(rs)
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_public_main_route_table if {
	# The main route table is made the public one: unassociated subnets are public.
	main := refs(lib.mock_resource("aws_main_route_table_association.main", {}), {"vpc_id": ["aws_vpc.main"], "route_table_id": ["aws_route_table.public"]})
	rs := array.concat(network("", [], ["us-east-1a", "us-east-1b"]), [
		main,
		subnet("aws_subnet.x", "aws_vpc.main", "us-east-1a"),
		subnet("aws_subnet.y", "aws_vpc.main", "us-east-1b"),
	])
	inp := lib.mock_input(rs)
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_inline_routes if {
	# Inline route blocks, known (existing table) and unknown as a set (new table).
	known := object.union(lib.mock_resource("aws_route_table.public", {"route": [{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-0abc"}]}), {"references": {"vpc_id": ["aws_vpc.main"]}})
	new := object.union(route_table("aws_route_table.private", "aws_vpc.main"), {"references": {"vpc_id": ["aws_vpc.main"], "route.0.gateway_id": ["aws_internet_gateway.igw"]}})
	rs := [r |
		some x in network("", ["us-east-1a", "us-east-1b"], ["us-east-1a", "us-east-1b"])
		not x.type in {"aws_route", "aws_route_table"}
		r := x
	]
	inp := lib.mock_input(array.concat(rs, [known, new]))

	# Both tables are public, so no private subnets.
	rule.deny == {lib.result({"address": "aws_vpc.main"}, "no private subnets")} with input as inp with data.infracheck.config as cfg
}

test_unknown_zone_is_unknown if {
	rs := array.concat(network("", ["us-east-1a", "us-east-1b"], ["us-east-1a"]), [
		object.union(subnet("aws_subnet.private_x", "aws_vpc.main", null), {"unknown": {"vpc_id": true, "availability_zone": true}}),
		assoc("aws_route_table_association.private_x", "aws_subnet.private_x", "aws_route_table.private"),
	])
	inp := lib.mock_input(rs)
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.unknown == {lib.result(
		{"address": "aws_vpc.main"},
		"private subnets are in only 1 availability zone (us-east-1a), unless subnets whose VPC, tier or zone is not known until apply make up 2 zones (aws_subnet.private_x)",
	)} with input as inp with data.infracheck.config as cfg
}

test_unknown_tier_is_unknown if {
	# The route's target is unknown and unresolved: the table may be public.
	unknown_route := object.union(lib.mock_resource("aws_route.maybe", {"destination_cidr_block": "0.0.0.0/0"}), {
		"references": {"route_table_id": ["aws_route_table.private"]},
		"unknown": {"route_table_id": true, "gateway_id": true},
	})
	rs := array.concat(network("", ["us-east-1a"], ["us-east-1b", "us-east-1c"]), [unknown_route])
	inp := object.union(lib.mock_input(rs), {"unresolved": {"aws_route": ["aws_route.maybe"]}})
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.unknown == {
		lib.result(
			{"address": "aws_vpc.main"},
			"public subnets are in only 1 availability zone (us-east-1a), unless subnets whose VPC, tier or zone is not known until apply make up 2 zones (aws_subnet.private_us-east-1b, aws_subnet.private_us-east-1c)",
		),
		lib.result(
			{"address": "aws_vpc.main"},
			"no private subnets, unless subnets whose VPC, tier or zone is not known until apply make up 2 zones (aws_subnet.private_us-east-1b, aws_subnet.private_us-east-1c)",
		),
	} with input as inp with data.infracheck.config as cfg
}

test_module_vpcs_with_count_keys if {
	# Associations that reference every subnet instance (a splat) are narrowed to
	# the subnet with their own count index.
	p := "module.net."
	v := vpc("module.net.aws_vpc.main")
	pub := [object.union(subnet(sprintf("%saws_subnet.public[%d]", [p, i]), "module.net.aws_vpc.main", az), {"index": i}) | some i, az in ["us-east-1a", "us-east-1b"]]
	priv := [object.union(subnet(sprintf("%saws_subnet.private[%d]", [p, i]), "module.net.aws_vpc.main", az), {"index": i}) | some i, az in ["us-east-1a", "us-east-1a"]]
	assocs := array.concat(
		[object.union(assoc(sprintf("%saws_route_table_association.public[%d]", [p, i]), "x", "module.net.aws_route_table.public"), {"index": i, "references": {"subnet_id": [s.address | some s in pub], "route_table_id": ["module.net.aws_route_table.public"]}}) | some i, _ in pub],
		[object.union(assoc(sprintf("%saws_route_table_association.private[%d]", [p, i]), "x", "module.net.aws_route_table.private"), {"index": i, "references": {"subnet_id": [s.address | some s in priv], "route_table_id": ["module.net.aws_route_table.private"]}}) | some i, _ in priv],
	)
	base := [r | some r in network(p, [], []); r.type != "aws_vpc"]
	inp := lib.mock_input(array.concat(array.concat(array.concat(base, [v]), array.concat(pub, priv)), assocs))
	rule.deny == {lib.result(v, "private subnets are in only 1 availability zone (us-east-1a)")} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_default_vpcs_left_out_unless_included if {
	d := lib.mock_resource("aws_default_vpc.default", {"cidr_block": "172.31.0.0/16"})
	inp := lib.mock_input([d])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.deny) == 2 with input as inp with data.infracheck.config as {"include_default_vpcs": true}
}

orphan(address, az) := object.union(lib.mock_resource(address, {"cidr_block": "10.0.9.0/24", "availability_zone": az}), {"unknown": {"vpc_id": true}})

test_unresolved_subnets_are_unknown if {
	# Subnets whose vpc_id goes through a local may belong to any VPC.
	rs := array.concat(network("", ["us-east-1a", "us-east-1b"], []), [orphan("aws_subnet.x", "us-east-1a"), orphan("aws_subnet.y", "us-east-1b")])
	inp := object.union(lib.mock_input(rs), {"unresolved": {"aws_subnet": ["aws_subnet.x", "aws_subnet.y"]}})
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.unknown == {lib.result(
		{"address": "aws_vpc.main"},
		"no private subnets, unless subnets whose VPC, tier or zone is not known until apply make up 2 zones (aws_subnet.x, aws_subnet.y)",
	)} with input as inp with data.infracheck.config as cfg
}

test_vpcs_marked_default_left_out_unless_included if {
	v := lib.mock_resource("aws_vpc.legacy", {"cidr_block": "172.31.0.0/16", "default": true})
	inp := lib.mock_input([v])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.deny) == 2 with input as inp with data.infracheck.config as {"include_default_vpcs": true}
}

# A subnet placed by zone ID only: the zone ID stands for its zone; a zone name,
# when known, is preferred to it.
test_zone_ids_stand_for_unnamed_zones if {
	rs := [r |
		some r0 in network("", ["us-east-1a", "us-east-1b"], ["use1-az1", "use1-az2"])
		r := by_zone_id(r0)
	]
	inp := lib.mock_input(rs)
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
	named := [r |
		some r0 in rs
		r := with_zone_name(r0, "us-east-1a")
	]
	rule.deny == {lib.result({"address": "aws_vpc.main"}, "private subnets are in only 1 availability zone (us-east-1a)")} with input as lib.mock_input(named) with data.infracheck.config as cfg
}

# Private subnets given their zone as availability_zone_id.
by_zone_id(r) := object.union(r, {"values": {"availability_zone": null, "availability_zone_id": r.values.availability_zone}}) if {
	startswith(r.address, "aws_subnet.private_")
} else := r

with_zone_name(r, az) := object.union(r, {"values": {"availability_zone": az}}) if {
	startswith(r.address, "aws_subnet.private_")
} else := r
