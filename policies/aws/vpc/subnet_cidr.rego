# METADATA
# title: Subnets lie inside their VPC and do not overlap
# description: >-
#   Every subnet's IPv4 cidr_block lies inside one of its VPC's CIDR blocks (the
#   VPC's cidr_block or an aws_vpc_ipv4_cidr_block_association of it), and no two
#   subnets of one VPC overlap. Both subnets of an overlapping pair fail. A subnet
#   whose block, or whose VPC's blocks, are not known until apply is UNKNOWN, and so
#   are the other subnets of its VPC, whose overlap with it cannot be checked. A
#   subnet whose VPC is not in the scan is only checked for overlap with the other
#   subnets of the same vpc_id.
# custom:
#   id: NET-002
#   severity: medium
#   resource_types: [aws_subnet]
#   remediation: |-
#     Carve every subnet out of its VPC's address range, one distinct block per
#     subnet, e.g. with cidrsubnet():
#
#       resource "aws_subnet" "private" {
#         count             = 2
#         vpc_id            = aws_vpc.this.id
#         cidr_block        = cidrsubnet(aws_vpc.this.cidr_block, 8, 10 + count.index)
#         availability_zone = data.aws_availability_zones.available.names[count.index]
#       }
#
#     A subnet in a secondary range needs the aws_vpc_ipv4_cidr_block_association
#     of that range.
package aws.vpc.subnet_cidr

import rego.v1

import data.lib.infracheck as lib

vpc_types := ["aws_vpc", "aws_default_vpc"]

association_type := "aws_vpc_ipv4_cidr_block_association"

subnets := lib.resources("aws_subnet")

valid(c) if {
	is_string(c)
	net.cidr_is_valid(c)
}

# ---------------------------------------------------------------------------
# Containment.

# Associations whose VPC reference could not be resolved: their block may belong to
# any VPC.
orphan_associations := [a |
	some address in object.get(input.unresolved, association_type, [])
	a := input.resources[address]
	count(infracheck.references_under(a, "vpc_id")) == 0
]

# An unresolved association may hold subnet block `c`.
orphan_may_contain(c) if {
	some a in orphan_associations
	infracheck.is_unknown_at(a.unknown, "cidr_block")
}

orphan_may_contain(c) if {
	some a in orphan_associations
	b := infracheck.get(a.values, "cidr_block", null)
	valid(b)
	net.cidr_contains(b, c)
}

# Computed once: each subnet's known block, each VPC's known blocks and whether
# some are unknown, and each subnet's VPCs.
# These run on every subnet: the statements are written out rather than called as
# functions, which cost regorus ~30,000 instructions a call.
cidrs := {s.address: c |
	some s in subnets
	not infracheck.is_unknown_at(s.unknown, "cidr_block")
	c := infracheck.get(s.values, "cidr_block", null)
	is_string(c)
	net.cidr_is_valid(c)
}

vpc_info := {v.address: {"blocks": blocks, "unknown": unknown} |
	some t in vpc_types
	some v in lib.resources(t)
	assocs := [a |
		some a in infracheck.referrers(input, v, association_type)
		infracheck.points_at(input, a, "vpc_id", v)
	]
	# The known blocks of the VPC and of its associations, and whether one of them
	# is not known until apply.
	blocks := [c |
		some r in array.concat([v], assocs)
		not infracheck.is_unknown_at(r.unknown, "cidr_block")
		c := infracheck.get(r.values, "cidr_block", null)
		is_string(c)
		net.cidr_is_valid(c)
	]
	unknown := count([r | some r in array.concat([v], assocs); infracheck.is_unknown_at(r.unknown, "cidr_block")]) > 0
}

subnet_vpcs := {s.address: [v.address | some v in infracheck.single_referenced(input, s, "vpc_id", {"aws_vpc", "aws_default_vpc"})] | some s in subnets}

# The subnets whose known block is not inside the known blocks of their VPC,
# computed once: {"s", "c" (its block), "v" (the VPC's address)}.
outside_blocks := [{"s": s, "c": c, "v": v} |
	cidr_of := cidrs
	vpcs_of := subnet_vpcs
	info := vpc_info
	some s in subnets
	c := cidr_of[s.address]
	some v in vpcs_of[s.address]
	count([b | some b in info[v].blocks; net.cidr_contains(b, c)]) == 0
]

# Subnets whose block is not known until apply.
cidr_unknown := {s.address | some s in subnets; infracheck.is_unknown_at(s.unknown, "cidr_block")}

deny contains {"address": o.s.address, "message": msg} if {
	some o in outside_blocks
	not vpc_info[o.v].unknown
	not orphan_may_contain(o.c)
	msg := sprintf("CIDR %s is outside the CIDR blocks of VPC %s (%s)", [o.c, o.v, concat(", ", vpc_info[o.v].blocks)])
}

unknown contains {"address": address, "message": "the CIDR block is not known until apply"} if {
	some address in cidr_unknown
}

unknown contains {"address": o.s.address, "message": sprintf("CIDR %s may lie in a block of VPC %s that is not known until apply", [o.c, o.v])} if {
	some o in outside_blocks
	vpc_info[o.v].unknown
}

unknown contains {"address": o.s.address, "message": sprintf("CIDR %s may lie in the block of an aws_vpc_ipv4_cidr_block_association that could not be joined to its VPC", [o.c])} if {
	some o in outside_blocks
	not vpc_info[o.v].unknown
	orphan_may_contain(o.c)
}

# ---------------------------------------------------------------------------
# Overlap among the subnets of one VPC (addresses): the VPC's subnets when it is
# in the scan, else the subnets with the same known vpc_id.

groups := array.concat(
	[[s.address | some s in infracheck.referrers_pointing(input, v, "aws_subnet", "vpc_id")] | some t in vpc_types; some v in lib.resources(t)],
	[[s.address | some s in outside; infracheck.get(s.values, "vpc_id", null) == id] | some id in outside_ids],
)

# Subnets whose VPC is not in the scan, with a known vpc_id.
outside := [s |
	vpcs_of := subnet_vpcs
	some s in subnets
	count(vpcs_of[s.address]) == 0
	id := infracheck.get(s.values, "vpc_id", null)
	is_string(id)
	id != ""
]

outside_ids := {infracheck.get(s.values, "vpc_id", null) | some s in outside}

# The overlapping pairs come from a Rust builtin that sorts the blocks: comparing
# every pair here made this the costliest part of the rule.
deny contains {"address": s1, "message": sprintf("CIDR %s overlaps CIDR %s of subnet %s", [c1, c2, s2])} if {
	cidr_of := cidrs
	some group in groups
	known := [s | some s in group; cidr_of[s]]
	some pair in infracheck.cidr_overlaps([cidr_of[s] | some s in known])
	s1 := known[pair[0]]
	s2 := known[pair[1]]
	c1 := cidr_of[s1]
	c2 := cidr_of[s2]
}

unknown contains {"address": s1, "message": sprintf("the CIDR block of subnet %s is not known until apply, so overlap with it cannot be checked", [s2])} if {
	undecided := cidr_unknown
	some group in groups
	some s2 in group
	s2 in undecided
	some s1 in group
	s1 != s2
}
