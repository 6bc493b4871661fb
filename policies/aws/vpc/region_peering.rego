# METADATA
# title: The primary and secondary VPCs are connected
# description: >-
#   When the scan holds (non-default) VPCs in both primary_region and
#   secondary_region, an aws_vpc_peering_connection or an
#   aws_ec2_transit_gateway_peering_attachment connects the two regions: one side in
#   each (the peering's own region or its vpc_id VPC's region, and peer_region or
#   the peer VPC's region). Both regions FAIL without one; they are UNKNOWN when a
#   peering's regions are not known until apply. A scan without VPCs in both
#   regions gets no finding.
# custom:
#   id: NET-008
#   severity: low
#   scope: region
#   resource_types: []
#   remediation: |-
#     Peer the primary VPC with the secondary VPC (and accept the peering in the
#     secondary region), or peer the two regions' transit gateways:
#
#       resource "aws_vpc_peering_connection" "primary_secondary" {
#         provider    = aws.primary
#         vpc_id      = aws_vpc.primary.id
#         peer_vpc_id = aws_vpc.secondary.id
#         peer_region = "us-west-2"
#       }
#
#       resource "aws_vpc_peering_connection_accepter" "secondary" {
#         provider                  = aws.secondary
#         vpc_peering_connection_id = aws_vpc_peering_connection.primary_secondary.id
#         auto_accept               = true
#       }
package aws.vpc.region_peering

import rego.v1

import data.lib.infracheck as lib

primary := lib.config("primary_region")

secondary := lib.config("secondary_region")

architecture_regions := {primary, secondary}

vpc_regions := {v.region |
	some v in lib.resources("aws_vpc")
	not lib.default_vpc(v)
}

applicable if {
	primary != secondary
	primary in vpc_regions
	secondary in vpc_regions
}

# The two sides of each peering: {"address", "sides": [region or null, ...]}.
peerings contains {"address": p.address, "sides": [local_region(p, "vpc_id"), peer_region(p, "peer_vpc_id")]} if {
	some p in lib.resources("aws_vpc_peering_connection")
}

peerings contains {"address": p.address, "sides": [local_region(p, "transit_gateway_id"), peer_region(p, "peer_transit_gateway_id")]} if {
	some p in lib.resources("aws_ec2_transit_gateway_peering_attachment")
}

# The region of the resource `p` refers to through `attr`, else p's own region.
local_region(p, attr) := r.region if {
	some r in infracheck.single_referenced(input, p, attr, {"aws_vpc", "aws_ec2_transit_gateway"})
	r.region != null
} else := p.region

# peer_region when known and set, else the region of the peer resource, else the
# peering's own region (a same-region peering); null when peer_region is unknown.
peer_region(p, attr) := null if {
	infracheck.is_unknown_at(p.unknown, "peer_region")
	not infracheck.computed_default(input, p, "peer_region")
} else := r if {
	r := infracheck.get(p.values, "peer_region", null)
	is_string(r)
	r != ""
} else := r if {
	some x in infracheck.single_referenced(input, p, attr, {"aws_vpc", "aws_ec2_transit_gateway"})
	r := x.region
	r != null
} else := p.region

connected if {
	some p in peerings
	{s | some s in p.sides} == architecture_regions
}

# A peering with an unknown side that may connect the regions.
maybe_connected contains p.address if {
	some p in peerings
	null in p.sides
	known := {s | some s in p.sides; s != null}
	count(known - architecture_regions) == 0
}

deny contains lib.region_result(region, sprintf("no VPC peering connection or transit gateway peering attachment connects the VPCs of %s and %s", [primary, secondary])) if {
	applicable
	not connected
	count(maybe_connected) == 0
	some region in architecture_regions
}

unknown contains lib.region_result(region, sprintf("whether %s connects %s and %s is not known until apply", [concat(", ", maybe_connected), primary, secondary])) if {
	applicable
	not connected
	count(maybe_connected) > 0
	some region in architecture_regions
}
