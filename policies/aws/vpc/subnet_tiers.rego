# METADATA
# title: VPCs have public and private subnets in at least 2 availability zones
# description: >-
#   Every VPC has public subnets (a route table sends 0.0.0.0/0 or ::/0 to an
#   internet gateway) and private subnets (no such route), each tier spread over at
#   least 2 availability zones (availability_zone, or availability_zone_id). A
#   subnet without an aws_route_table_association uses its VPC's main route table
#   (aws_main_route_table_association or aws_default_route_table; in a plan, AWS's
#   main table when Terraform manages neither, which has only the local route). A
#   VPC FAILS when a tier cannot reach 2 zones even counting every subnet whose tier
#   or zone is not known until apply; it is UNKNOWN when only those subnets could
#   make it pass. AWS default VPCs are left out unless include_default_vpcs is true.
# custom:
#   id: NET-003
#   severity: medium
#   resource_types: [aws_vpc, aws_default_vpc]
#   remediation: |-
#     Give every VPC a public and a private subnet in each of at least two
#     availability zones; public subnets route 0.0.0.0/0 to the internet gateway,
#     private subnets through a NAT gateway:
#
#       resource "aws_subnet" "public" {
#         count             = 2
#         vpc_id            = aws_vpc.this.id
#         cidr_block        = cidrsubnet(aws_vpc.this.cidr_block, 8, count.index)
#         availability_zone = data.aws_availability_zones.available.names[count.index]
#       }
#
#       resource "aws_route" "public_internet" {
#         route_table_id         = aws_route_table.public.id
#         destination_cidr_block = "0.0.0.0/0"
#         gateway_id             = aws_internet_gateway.this.id
#       }
#
#       resource "aws_route_table_association" "public" {
#         count          = 2
#         subnet_id      = aws_subnet.public[count.index].id
#         route_table_id = aws_route_table.public.id
#       }
#
#     and the same for "private" subnets, whose route table has no route to the
#     internet gateway.
package aws.vpc.subnet_tiers

import rego.v1

import data.lib.infracheck as lib

tier_names := ["public", "private"]

# Default VPCs are left out unless the configuration includes them.
vpcs := [v | some t in ["aws_vpc", "aws_default_vpc"]; some v in lib.resources(t)] if {
	lib.config("include_default_vpcs") == true
} else := [v | some v in lib.resources("aws_vpc"); object.get(v.values, "default", false) != true]

# Subnets whose VPC reference could not be resolved: they may belong to any VPC.
orphan_subnets := [s.address |
	some address in object.get(input.unresolved, "aws_subnet", [])
	s := input.resources[address]
	count(infracheck.references_under(s, "vpc_id")) == 0
	infracheck.is_unknown_at(s.unknown, "vpc_id")
]

# The known zone of every subnet, computed once: lib.subnet_az written out (its
# name, else its zone ID), since a function call per subnet costs more than the
# tests themselves.
zones := object.union(
	{s.address: az |
		some s in lib.resources("aws_subnet")
		not s.unknown.availability_zone_id
		az := object.get(s.values, "availability_zone_id", null)
		is_string(az)
		az != ""
	},
	{s.address: az |
		some s in lib.resources("aws_subnet")
		not s.unknown.availability_zone
		az := object.get(s.values, "availability_zone", null)
		is_string(az)
		az != ""
	},
)

# For each VPC and tier: the known zones of its subnets of that tier, and the
# subnets that may add a zone (of that tier with a zone not known until apply, or
# of a tier not known until apply, or not joined to any VPC).
stats := {v.address: per_tier |
	# Bound once: regorus looks a package's value up on every read.
	tier_of := lib.all_subnet_tiers
	zone_of := zones
	orphans := orphan_subnets
	some v in vpcs
	subnets := infracheck.referrers_pointing(input, v, "aws_subnet", "vpc_id")
	undecided := [s.address | some s in subnets; tier_of[s.address] == "undecided"]
	per_tier := {tier: {
		"zones": {az | some s in subnets; tier_of[s.address] == tier; az := zone_of[s.address]},
		"maybe": array.concat(
			array.concat([s.address | some s in subnets; tier_of[s.address] == tier; not zone_of[s.address]], undecided),
			orphans,
		),
	} |
		some tier in tier_names
	}
}

problem(zones, tier) := sprintf("no %s subnets", [tier]) if {
	count(zones) == 0
} else := sprintf("%s subnets are in only 1 availability zone (%s)", [tier, concat(", ", zones)])

deny contains {"address": address, "message": problem(st.zones, tier)} if {
	some address, per_tier in stats
	some tier, st in per_tier
	count(st.zones) + count(st.maybe) < 2
}

unknown contains {"address": address, "message": msg} if {
	some address, per_tier in stats
	some tier, st in per_tier
	count(st.zones) < 2
	count(st.zones) + count(st.maybe) >= 2
	msg := sprintf("%s, unless subnets whose VPC, tier or zone is not known until apply make up 2 zones (%s)", [problem(st.zones, tier), concat(", ", st.maybe)])
}
