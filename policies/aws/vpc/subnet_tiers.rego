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

vpc_types := ["aws_vpc", "aws_default_vpc"]

tier_names := ["public", "private"]

vpcs := [v |
	some t in vpc_types
	some v in lib.resources(t)
	included(v)
]

included(_) if lib.config("include_default_vpcs") == true

included(v) if not lib.default_vpc(v)

# The tier of every subnet, computed once.
tiers := lib.all_subnet_tiers

# Subnets whose VPC reference could not be resolved: they may belong to any VPC.
orphan_subnets := [s |
	some address in object.get(input.unresolved, "aws_subnet", [])
	s := input.resources[address]
	count(infracheck.references_under(s, "vpc_id")) == 0
	infracheck.is_unknown_at(s.unknown, "vpc_id")
]

# For each VPC and tier: the known zones of its subnets of that tier, and the
# subnets that may add a zone (of that tier with a zone not known until apply, or
# of a tier not known until apply, or not joined to any VPC).
stats := {v.address: {tier: tier_stats(subnets, tier) | some tier in tier_names} |
	some v in vpcs
	subnets := infracheck.referrers_pointing(input, v, "aws_subnet", "vpc_id")
}

# The known zone of every subnet, computed once.
zones := {s.address: az | some s in lib.resources("aws_subnet"); az := lib.subnet_az(s)}

tier_stats(subnets, tier) := {
	"zones": {az | some s in subnets; tier_of[s.address] == tier; az := zone_of[s.address]},
	"maybe": array.concat(
		array.concat(
			[s.address | some s in subnets; tier_of[s.address] == tier; not zone_of[s.address]],
			[s.address | some s in subnets; tier_of[s.address] == "undecided"],
		),
		[s.address | some s in orphan_subnets],
	),
} if {
	# Bound once per call: regorus looks a package's value up on every read.
	tier_of := tiers
	zone_of := zones
}

problem(zones, tier) := sprintf("no %s subnets", [tier]) if {
	count(zones) == 0
} else := sprintf("%s subnets are in only 1 availability zone (%s)", [tier, concat(", ", zones)])

deny contains {"address": v.address, "message": problem(st.zones, tier)} if {
	some v in vpcs
	some tier in tier_names
	st := stats[v.address][tier]
	count(st.zones) + count(st.maybe) < 2
}

unknown contains {"address": v.address, "message": msg} if {
	some v in vpcs
	some tier in tier_names
	st := stats[v.address][tier]
	count(st.zones) < 2
	count(st.zones) + count(st.maybe) >= 2
	msg := sprintf("%s, unless subnets whose VPC, tier or zone is not known until apply make up 2 zones (%s)", [problem(st.zones, tier), concat(", ", st.maybe)])
}
