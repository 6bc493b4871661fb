# METADATA
# title: Private subnets assign no public IPs and reach the internet through NAT
# description: >-
#   A private subnet (none of its route tables sends 0.0.0.0/0 or ::/0 to an
#   internet gateway) has map_public_ip_on_launch false, and every route table it
#   uses sends 0.0.0.0/0 through a NAT gateway (an aws_route or inline route with
#   nat_gateway_id). A subnet without an aws_route_table_association uses its VPC's
#   main route table; in a plan where Terraform manages no main route table, that is
#   AWS's, which has no NAT route. Public subnets pass. A subnet whose tier, public
#   IP setting or NAT route is not known until apply is UNKNOWN. Findings are on the
#   aws_subnet.
# custom:
#   id: NET-004
#   severity: high
#   resource_types: [aws_subnet]
#   frameworks:
#     aws-fsbp: [EC2.15]
#   remediation: |-
#     Do not auto-assign public IPs in private subnets, and route their default
#     traffic through a NAT gateway in a public subnet:
#
#       resource "aws_subnet" "private" {
#         vpc_id                  = aws_vpc.this.id
#         cidr_block              = "10.0.10.0/24"
#         map_public_ip_on_launch = false
#       }
#
#       resource "aws_route" "private_nat" {
#         route_table_id         = aws_route_table.private.id
#         destination_cidr_block = "0.0.0.0/0"
#         nat_gateway_id         = aws_nat_gateway.this.id
#       }
#
#       resource "aws_route_table_association" "private" {
#         subnet_id      = aws_subnet.private.id
#         route_table_id = aws_route_table.private.id
#       }
package aws.vpc.private_subnets

import rego.v1

import data.lib.infracheck as lib

tiers := lib.all_subnet_tiers

statuses := lib.all_route_table_statuses

# Subnets that are, or may be, private, with their tier, whether they map public
# IPs ("yes", "no" or "maybe"), their route tables, each one's NAT status, and
# whether those are all known; computed once per subnet, so that the bodies below
# read fields instead of calling functions (a call costs in regorus).
# The tiers, routing and statuses are bound before the loop: regorus looks a
# package's (and more so the library's) value up again on every read.
candidates := [{"subnet": s, "tier": tier, "public_ip": public_ip(s), "tables": r.route_tables, "nat": nat, "undecided": r.undecided} |
	tier_of := tiers
	routing := lib.subnet_routing.subnets
	status_of := statuses
	some s in lib.resources("aws_subnet")
	tier := tier_of[s.address]
	tier != "public"
	r := routing[s.address]
	nat := [{"address": rt, "nat": status_of[rt].nat} | some rt in r.route_tables]
]

# Whether subnet `s` maps public IPv4 addresses on launch.
public_ip(s) := "maybe" if {
	infracheck.is_unknown_at(s.unknown, "map_public_ip_on_launch")
} else := "yes" if {
	infracheck.get(s.values, "map_public_ip_on_launch", false) == true
} else := "no"

# ---------------------------------------------------------------------------
# Public IPs.

deny contains {"address": c.subnet.address, "message": "private subnet auto-assigns public IPv4 addresses (map_public_ip_on_launch = true)"} if {
	some c in candidates
	c.tier == "private"
	c.public_ip == "yes"
}

unknown contains {"address": c.subnet.address, "message": "whether the private subnet auto-assigns public IPv4 addresses is not known until apply"} if {
	some c in candidates
	c.public_ip == "maybe"
}

unknown contains {"address": c.subnet.address, "message": "the subnet auto-assigns public IPv4 addresses, and whether it is private is not known until apply"} if {
	some c in candidates
	c.tier == "undecided"
	c.public_ip == "yes"
}

# ---------------------------------------------------------------------------
# NAT routes.

deny contains {"address": c.subnet.address, "message": "private subnet uses the VPC's main route table, which has no 0.0.0.0/0 route through a NAT gateway"} if {
	some c in candidates
	c.tier == "private"
	count(c.tables) == 0
	not c.undecided
}

deny contains {"address": c.subnet.address, "message": sprintf("route table %s of the private subnet has no 0.0.0.0/0 route through a NAT gateway", [rt])} if {
	some c in candidates
	c.tier == "private"
	some t in c.nat
	t.nat == "no"
	rt := t.address
}

unknown contains {"address": c.subnet.address, "message": sprintf("whether route table %s sends 0.0.0.0/0 through a NAT gateway is not known until apply", [rt])} if {
	some c in candidates
	some t in c.nat
	t.nat == "maybe"
	rt := t.address
}

unknown contains {"address": c.subnet.address, "message": sprintf("route table %s has no 0.0.0.0/0 route through a NAT gateway, and whether the subnet is private is not known until apply", [rt])} if {
	some c in candidates
	c.tier == "undecided"
	some t in c.nat
	t.nat == "no"
	rt := t.address
}

unknown contains {"address": c.subnet.address, "message": "the subnet's route tables are not known until apply"} if {
	some c in candidates
	c.undecided
}
