package aws.ec2.ebs_encryption_test

import rego.v1

import data.aws.ec2.ebs_encryption as rule
import data.lib.infracheck as lib

with_unknown(r, paths) := object.union(r, {"unknown": object.union(r.unknown, {p: true | some p in paths})})

in_region(r, region) := object.union(r, {"region": region})

lt(address, encrypted) := lib.mock_resource(address, {"block_device_mappings": [{"device_name": "/dev/xvda", "ebs": [{"encrypted": encrypted, "volume_size": 20}]}]})

volume(address, encrypted) := lib.mock_resource(address, {"availability_zone": "us-east-1a", "size": 20, "encrypted": encrypted})

instance(address, root) := lib.mock_resource(address, {"ami": "ami-1", "root_block_device": [root], "ebs_block_device": []})

by_default(address, enabled) := lib.mock_resource(address, {"enabled": enabled})

test_encrypted_devices_pass if {
	inp := lib.mock_input([
		lt("aws_launch_template.app", "true"),
		lt("aws_launch_template.bool", true),
		volume("aws_ebs_volume.data", true),
		instance("aws_instance.app", {"encrypted": true, "volume_size": 20}),
		by_default("aws_ebs_encryption_by_default.this", true),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unencrypted_devices_fail if {
	inp := lib.mock_input([
		lt("aws_launch_template.app", null),
		lt("aws_launch_template.off", "false"),
		volume("aws_ebs_volume.data", false),
		instance("aws_instance.app", {"encrypted": false}),
	])
	rule.deny == {
		lib.result({"address": "aws_launch_template.app"}, "block device /dev/xvda is not encrypted"),
		lib.result({"address": "aws_launch_template.off"}, "block device /dev/xvda is not encrypted"),
		lib.result({"address": "aws_ebs_volume.data"}, "the volume is not encrypted"),
		lib.result({"address": "aws_instance.app"}, "the root volume is not encrypted"),
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_launch_template_without_ebs_mappings_passes if {
	inp := lib.mock_input([
		lib.mock_resource("aws_launch_template.app", {"block_device_mappings": []}),
		lib.mock_resource("aws_launch_template.ephemeral", {"block_device_mappings": [{"device_name": "/dev/sdb", "virtual_name": "ephemeral0", "ebs": []}]}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unknown_encryption_is_unknown if {
	v := with_unknown(volume("aws_ebs_volume.data", null), ["encrypted"])
	i := with_unknown(lib.mock_resource("aws_instance.app", {"ami": "ami-1"}), ["root_block_device", "ebs_block_device"])
	inp := lib.mock_input([v, i])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {
		lib.result(v, "the encryption of the volume is not known until apply"),
		lib.result(i, "the encryption of the root volume is not known until apply"),
	} with input as inp
}

test_encryption_by_default_covers_the_region_in_plans if {
	inp := lib.mock_input([
		by_default("aws_ebs_encryption_by_default.east", true),
		with_unknown(volume("aws_ebs_volume.data", null), ["encrypted"]),
		lt("aws_launch_template.app", null),
		in_region(lt("aws_launch_template.west", null), "us-west-2"),
	])
	rule.deny == {lib.result({"address": "aws_launch_template.west"}, "block device /dev/xvda is not encrypted")} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_disabled_encryption_by_default_fails if {
	inp := lib.mock_input([by_default("aws_ebs_encryption_by_default.this", false), volume("aws_ebs_volume.data", false)])
	rule.deny == {
		lib.result({"address": "aws_ebs_encryption_by_default.this"}, "EBS encryption by default is disabled (enabled = false)"),
		lib.result({"address": "aws_ebs_volume.data"}, "the volume is not encrypted"),
	} with input as inp
}

test_live_regions_need_encryption_by_default if {
	rs := [
		in_region(by_default("aws_ebs_encryption_by_default.123456789012/us-east-1", true), "us-east-1"),
		in_region(by_default("aws_ebs_encryption_by_default.123456789012/eu-west-1", false), "eu-west-1"),
		in_region(volume("aws_ebs_volume.123456789012/us-east-1/vol-1", false), "us-east-1"),
	]
	inp := object.union(lib.mock_input(rs), {"scan": {"source": "live", "regions": ["us-east-1", "eu-west-1", "us-west-2"]}})

	# Live: the old unencrypted volume fails even though the default is now on.
	rule.deny == {
		lib.result({"address": "aws_ebs_encryption_by_default.123456789012/eu-west-1"}, "EBS encryption by default is disabled (enabled = false)"),
		lib.result({"address": "aws_ebs_volume.123456789012/us-east-1/vol-1"}, "the volume is not encrypted"),
	} with input as inp
	rule.unknown == {lib.region_result("us-west-2", "EBS encryption by default could not be read in the region")} with input as inp
}

test_instance_ebs_block_devices if {
	i := lib.mock_resource("module.app.aws_instance.this[0]", {
		"root_block_device": [{"encrypted": true}],
		"ebs_block_device": [{"device_name": "/dev/sdf", "encrypted": true}, {"device_name": "/dev/sdg", "encrypted": false}],
	})
	inp := lib.mock_input([i])
	rule.deny == {lib.result(i, "block device /dev/sdg is not encrypted")} with input as inp
}

test_extra_volumes_left_out if {
	# ebs_block_device left out: no extra volumes; the root volume is configured.
	i := with_unknown(lib.mock_resource("aws_instance.app", {"root_block_device": [{"encrypted": true}]}), ["ebs_block_device"])
	inp := lib.mock_input([i])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}
