# METADATA
# title: VPC CIDR blocks do not overlap
# description: >-
#   No two VPCs of the scan (all regions and accounts together) have overlapping
#   IPv4 CIDR blocks, counting each VPC's cidr_block and its
#   aws_vpc_ipv4_cidr_block_association secondary blocks. Both VPCs of an
#   overlapping pair fail. AWS default VPCs (aws_default_vpc, or a VPC flagged
#   default in a live scan) are left out unless include_default_vpcs is true. A VPC
#   whose block is not known until apply is UNKNOWN, and so is every other VPC,
#   whose overlap with it cannot be checked.
# custom:
#   id: NET-001
#   severity: high
#   across_accounts: true
#   resource_types: [aws_vpc, aws_default_vpc]
#   frameworks:
#     pci-dss-4.0: ["1.2.1"]
#   remediation: |-
#     Give every VPC its own address range, e.g. the primary region 10.0.0.0/16 and
#     the secondary region 10.1.0.0/16:
#
#       resource "aws_vpc" "primary" {
#         provider   = aws.primary
#         cidr_block = "10.0.0.0/16"
#       }
#
#       resource "aws_vpc" "secondary" {
#         provider   = aws.secondary
#         cidr_block = "10.1.0.0/16"
#       }
#
#     Secondary blocks (aws_vpc_ipv4_cidr_block_association) must not overlap any
#     other VPC either.
package aws.vpc.cidr_overlap

import rego.v1

import data.lib.infracheck as lib

association_type := "aws_vpc_ipv4_cidr_block_association"

vpcs := [v |
	some t in ["aws_vpc", "aws_default_vpc"]
	some v in lib.resources(t)
	included(v)
]

included(v) if lib.config("include_default_vpcs") == true

included(v) if not default_vpc(v)

default_vpc(v) if v.type == "aws_default_vpc"

default_vpc(v) if infracheck.get(v.values, "default", false) == true

# Every known IPv4 block of the included VPCs: {"vpc": address, "cidr": block}.
blocks contains {"vpc": v.address, "cidr": c} if {
	some v in vpcs
	c := infracheck.get(v.values, "cidr_block", "")
	valid(c)
}

blocks contains {"vpc": v.address, "cidr": c} if {
	some v in vpcs
	some a in infracheck.referrers(input, v, association_type)
	c := infracheck.get(a.values, "cidr_block", "")
	valid(c)
}

valid(c) if {
	is_string(c)
	net.cidr_is_valid(c)
}

block_list := [b | some b in blocks]

# The overlapping pairs come from a Rust builtin that sorts the blocks: comparing
# every block with every other here would grow with the square of the VPCs.
deny contains {"address": b1.vpc, "message": sprintf("CIDR %s overlaps CIDR %s of VPC %s", [b1.cidr, b2.cidr, b2.vpc])} if {
	some pair in infracheck.cidr_overlaps([b.cidr | some b in block_list])
	b1 := block_list[pair[0]]
	b2 := block_list[pair[1]]
	b1.vpc != b2.vpc
}

unknown contains {"address": v.address, "message": "the CIDR block is not known until apply"} if {
	some v in vpcs
	infracheck.is_unknown(v.unknown, "cidr_block")
}

unknown contains {"address": v.address, "message": sprintf("the CIDR block of %s is not known until apply", [a.address])} if {
	some v in vpcs
	some a in infracheck.referrers(input, v, association_type)
	infracheck.is_unknown(a.unknown, "cidr_block")
}

# VPCs with a CIDR block (primary or secondary) not known until apply.
undecided_vpcs contains v.address if {
	some v in vpcs
	infracheck.is_unknown(v.unknown, "cidr_block")
}

undecided_vpcs contains v.address if {
	some v in vpcs
	some a in infracheck.referrers(input, v, association_type)
	infracheck.is_unknown(a.unknown, "cidr_block")
}

# Every other VPC may overlap the blocks that are not known yet.
unknown contains {"address": v.address, "message": sprintf("the CIDR block of VPC %s is not known until apply, so overlap with it cannot be checked", [u])} if {
	some v in vpcs
	some u in undecided_vpcs
	u != v.address
}

# Associations whose VPC reference could not be resolved: their block may belong to
# any VPC.
orphans := [a |
	some address in object.get(input.unresolved, association_type, [])
	a := input.resources[address]
	count(lib.references(a, "vpc_id")) == 0
]

unknown contains {"address": v.address, "message": sprintf("%s could not be joined to its VPC and its CIDR block is not known until apply", [a.address])} if {
	some a in orphans
	infracheck.is_unknown(a.unknown, "cidr_block")
	some v in vpcs
}

unknown contains {"address": b.vpc, "message": sprintf("CIDR %s overlaps CIDR %s of %s, which could not be joined to its VPC", [b.cidr, c, a.address])} if {
	some a in orphans
	c := infracheck.get(a.values, "cidr_block", "")
	valid(c)
	some b in blocks
	net.cidr_intersects(b.cidr, c)
}
