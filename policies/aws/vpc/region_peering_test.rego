package aws.vpc.region_peering_test

import rego.v1

import data.aws.vpc.region_peering as rule
import data.lib.infracheck as lib

cfg := {"primary_region": "us-east-1", "secondary_region": "us-west-2"}

in_region(r, region) := object.union(r, {"region": region})

vpc(address, region) := in_region(lib.mock_resource(address, {"cidr_block": "10.0.0.0/16"}), region)

vpcs := [vpc("module.primary.aws_vpc.this", "us-east-1"), vpc("module.secondary.aws_vpc.this", "us-west-2")]

peering(values, references, unknown_paths) := object.union(lib.mock_resource("aws_vpc_peering_connection.dr", values), {
	"references": references,
	"unknown": {p: true | some p in unknown_paths},
})

failed := {
	lib.region_result("us-east-1", "no VPC peering connection or transit gateway peering attachment connects the VPCs of us-east-1 and us-west-2"),
	lib.region_result("us-west-2", "no VPC peering connection or transit gateway peering attachment connects the VPCs of us-east-1 and us-west-2"),
}

test_peering_with_peer_region_passes if {
	p := peering({"peer_region": "us-west-2"}, {"vpc_id": ["module.primary.aws_vpc.this"], "peer_vpc_id": ["module.secondary.aws_vpc.this"]}, ["vpc_id", "peer_vpc_id"])
	inp := lib.mock_input(array.concat(vpcs, [p]))
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_peer_region_from_the_peer_vpc_passes if {
	# peer_region left out: computed, the peer VPC's region is used.
	p := peering({}, {"vpc_id": ["module.primary.aws_vpc.this"], "peer_vpc_id": ["module.secondary.aws_vpc.this"]}, ["vpc_id", "peer_vpc_id", "peer_region"])
	inp := lib.mock_input(array.concat(vpcs, [p]))
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_transit_gateway_peering_passes if {
	a := in_region(object.union(lib.mock_resource("aws_ec2_transit_gateway_peering_attachment.dr", {"peer_region": "us-east-1"}), {
		"references": {"transit_gateway_id": ["aws_ec2_transit_gateway.west"], "peer_transit_gateway_id": ["aws_ec2_transit_gateway.east"]},
		"unknown": {"transit_gateway_id": true, "peer_transit_gateway_id": true},
	}), "us-west-2")
	inp := lib.mock_input(array.concat(vpcs, [
		a,
		in_region(lib.mock_resource("aws_ec2_transit_gateway.west", {}), "us-west-2"),
		in_region(lib.mock_resource("aws_ec2_transit_gateway.east", {}), "us-east-1"),
	]))
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_no_peering_fails_both_regions if {
	inp := lib.mock_input(vpcs)
	rule.deny == failed with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_same_region_peering_fails if {
	other := vpc("aws_vpc.shared", "us-east-1")
	p := peering({}, {"vpc_id": ["module.primary.aws_vpc.this"], "peer_vpc_id": ["aws_vpc.shared"]}, ["vpc_id", "peer_vpc_id", "peer_region"])
	inp := lib.mock_input(array.concat(vpcs, [other, p]))
	rule.deny == failed with input as inp with data.infracheck.config as cfg
}

test_configured_regions if {
	eu := [vpc("aws_vpc.a", "eu-west-1"), vpc("aws_vpc.b", "eu-central-1")]
	inp := lib.mock_input(eu)
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.deny == {
		lib.region_result("eu-west-1", "no VPC peering connection or transit gateway peering attachment connects the VPCs of eu-west-1 and eu-central-1"),
		lib.region_result("eu-central-1", "no VPC peering connection or transit gateway peering attachment connects the VPCs of eu-west-1 and eu-central-1"),
	} with input as inp with data.infracheck.config as {"primary_region": "eu-west-1", "secondary_region": "eu-central-1"}
}

test_single_region_is_not_applicable if {
	inp := lib.mock_input([vpc("aws_vpc.a", "us-east-1"), vpc("aws_vpc.b", "us-east-1")])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_default_vpcs_do_not_count if {
	d := object.union(vpc("aws_vpc.000000000000/us-west-2/vpc-1", "us-west-2"), {"values": {"default": true}})
	inp := lib.mock_input([vpc("aws_vpc.a", "us-east-1"), d])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
}

test_unknown_peer_region_is_unknown if {
	p := peering({}, {"vpc_id": ["module.primary.aws_vpc.this"], "peer_region": ["aws_vpc.x"]}, ["vpc_id", "peer_vpc_id", "peer_region"])
	inp := lib.mock_input(array.concat(vpcs, [p]))
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.unknown == {
		lib.region_result("us-east-1", "whether aws_vpc_peering_connection.dr connects us-east-1 and us-west-2 is not known until apply"),
		lib.region_result("us-west-2", "whether aws_vpc_peering_connection.dr connects us-east-1 and us-west-2 is not known until apply"),
	} with input as inp with data.infracheck.config as cfg
}
