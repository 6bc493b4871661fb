package aws.ec2.no_public_ip_test

import rego.v1

import data.aws.ec2.no_public_ip as rule
import data.lib.infracheck as lib

refs(r, references) := object.union(r, {"references": references, "unknown": object.union(r.unknown, {p: true | some p, _ in references})})

with_unknown(r, paths) := object.union(r, {"unknown": object.union(r.unknown, {p: true | some p in paths})})

# A VPC with a public subnet (route to the internet gateway) and a private one.
network := [
	lib.mock_resource("aws_vpc.main", {"cidr_block": "10.0.0.0/16"}),
	refs(lib.mock_resource("aws_internet_gateway.igw", {}), {"vpc_id": ["aws_vpc.main"]}),
	with_unknown(refs(lib.mock_resource("aws_route_table.public", {}), {"vpc_id": ["aws_vpc.main"]}), ["route"]),
	refs(lib.mock_resource("aws_route.internet", {"destination_cidr_block": "0.0.0.0/0"}), {"route_table_id": ["aws_route_table.public"], "gateway_id": ["aws_internet_gateway.igw"]}),
	refs(lib.mock_resource("aws_subnet.public", {"cidr_block": "10.0.0.0/24", "map_public_ip_on_launch": true}), {"vpc_id": ["aws_vpc.main"]}),
	refs(lib.mock_resource("aws_route_table_association.public", {}), {"subnet_id": ["aws_subnet.public"], "route_table_id": ["aws_route_table.public"]}),
	refs(lib.mock_resource("aws_subnet.private", {"cidr_block": "10.0.1.0/24", "map_public_ip_on_launch": false}), {"vpc_id": ["aws_vpc.main"]}),
	lib.mock_resource("aws_route_table.private", {"route": []}),
	refs(lib.mock_resource("aws_route_table_association.private", {}), {"subnet_id": ["aws_subnet.private"], "route_table_id": ["aws_route_table.private"]}),
]

# A new instance (plan): associate_public_ip_address left out is computed.
instance(address, subnet, values) := with_unknown(
	refs(lib.mock_resource(address, object.union({"ami": "ami-1", "instance_type": "t3.micro"}, values)), {"subnet_id": [subnet]}),
	[p | p := "associate_public_ip_address"; object.get(values, p, "absent") == "absent"],
)

launch_template(address, nics) := lib.mock_resource(address, {"image_id": "ami-1", "network_interfaces": nics})

asg(address, lt, subnets) := refs(lib.mock_resource(address, {"min_size": 2, "max_size": 4}), {"launch_template.0.id": [lt], "vpc_zone_identifier": subnets})

test_private_instance_without_public_ip_passes if {
	inp := lib.mock_input(array.concat(network, [instance("aws_instance.app", "aws_subnet.private", {})]))
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_private_instance_with_public_ip_fails if {
	inp := lib.mock_input(array.concat(network, [instance("aws_instance.app", "aws_subnet.private", {"associate_public_ip_address": true})]))
	rule.deny == {lib.result({"address": "aws_instance.app"}, "gets a public IP address in private subnet aws_subnet.private (associate_public_ip_address = true)")} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_public_instance_passes if {
	inp := lib.mock_input(array.concat(network, [
		instance("aws_instance.bastion", "aws_subnet.public", {"associate_public_ip_address": true}),
		instance("aws_instance.web", "aws_subnet.public", {}),
	]))
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_subnet_mapping_public_ips_applies_when_left_out if {
	rs := [r | some r in network; r.address != "aws_subnet.private"]
	s := refs(lib.mock_resource("aws_subnet.private", {"cidr_block": "10.0.1.0/24", "map_public_ip_on_launch": true}), {"vpc_id": ["aws_vpc.main"]})
	inp := lib.mock_input(array.concat(rs, [s, instance("aws_instance.app", "aws_subnet.private", {}), instance("aws_instance.off", "aws_subnet.private", {"associate_public_ip_address": false})]))
	rule.deny == {lib.result({"address": "aws_instance.app"}, "gets a public IP address in private subnet aws_subnet.private (subnet aws_subnet.private has map_public_ip_on_launch = true)")} with input as inp
}

test_launch_template_through_asg if {
	lt := launch_template("module.app.aws_launch_template.app", [{"associate_public_ip_address": "true", "device_index": 0}])
	a := asg("module.app.aws_autoscaling_group.app", lt.address, ["aws_subnet.private", "aws_subnet.public"])
	inp := lib.mock_input(array.concat(network, [lt, a]))
	rule.deny == {lib.result(lt, "gets a public IP address in private subnet aws_subnet.private (through module.app.aws_autoscaling_group.app) (associate_public_ip_address = true)")} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_launch_template_without_public_ip_passes if {
	lt := launch_template("aws_launch_template.app", [])
	lt2 := launch_template("aws_launch_template.nic", [{"associate_public_ip_address": "false", "device_index": 0}])
	inp := lib.mock_input(array.concat(network, [lt, lt2, asg("aws_autoscaling_group.app", lt.address, ["aws_subnet.private"]), asg("aws_autoscaling_group.nic", lt2.address, ["aws_subnet.private"])]))
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_launch_template_interface_subnet if {
	lt := refs(launch_template("aws_launch_template.app", [{"associate_public_ip_address": true}]), {"network_interfaces.0.subnet_id": ["aws_subnet.private"]})
	inp := lib.mock_input(array.concat(network, [lt]))
	rule.deny == {lib.result(lt, "gets a public IP address in private subnet aws_subnet.private (associate_public_ip_address = true)")} with input as inp
}

test_unused_launch_template_passes if {
	inp := lib.mock_input([launch_template("aws_launch_template.app", [{"associate_public_ip_address": true}])])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unknown_setting_is_unknown if {
	i := with_unknown(refs(instance("aws_instance.app", "aws_subnet.private", {}), {"subnet_id": ["aws_subnet.private"], "associate_public_ip_address": ["aws_eip.x"]}), [])
	inp := lib.mock_input(array.concat(network, [i]))
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.result(i, "whether it gets a public IP address in private subnet aws_subnet.private is not known until apply")} with input as inp
}

test_unknown_subnet_is_unknown if {
	i := with_unknown(lib.mock_resource("aws_instance.app", {"associate_public_ip_address": true}), ["subnet_id"])
	inp := object.union(lib.mock_input(array.concat(network, [i])), {"unresolved": {"aws_instance": ["aws_instance.app"]}})
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.result(i, "it may get a public IP address, and its subnet is not in the scan or not known until apply")} with input as inp
}

test_default_vpc_instance_passes if {
	i := lib.mock_resource("aws_instance.app", {"associate_public_ip_address": true, "subnet_id": null})
	inp := lib.mock_input([i])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_live_public_ip if {
	i := refs(lib.mock_resource("aws_instance.123456789012/us-east-1/i-1", {"associate_public_ip_address": false, "public_ip": "203.0.113.7"}), {"subnet_id": ["aws_subnet.private"]})
	inp := object.union(lib.mock_input(array.concat(network, [i])), {"scan": {"source": "live"}})
	rule.deny == {lib.result(i, "gets a public IP address in private subnet aws_subnet.private (public IP 203.0.113.7)")} with input as inp
}
