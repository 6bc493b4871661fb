# METADATA
# title: EBS volumes are encrypted
# description: >-
#   aws_ebs_volume resources have encrypted = true; the EBS block devices of launch
#   templates (block_device_mappings[].ebs[0].encrypted) and of instances
#   (root_block_device, ebs_block_device) are encrypted; an
#   aws_ebs_encryption_by_default is not disabled. In a plan, an
#   aws_ebs_encryption_by_default enabled in the same region makes every new volume
#   of that region encrypted, so a volume without (or with an unknown) encrypted
#   setting then passes. In a live scan, every scanned region must have EBS
#   encryption by default enabled (a region whose setting could not be read is
#   UNKNOWN), and volumes are judged by their actual encryption. An encrypted
#   setting that is not known until apply is UNKNOWN (an instance's root volume left
#   out of the configuration follows the AMI's snapshot).
# custom:
#   id: EC2-004
#   severity: high
#   resource_types: [aws_ebs_volume, aws_instance, aws_launch_template, aws_ebs_encryption_by_default]
#   frameworks:
#     aws-fsbp: [EC2.3, EC2.7]
#     cis-aws-3.0: ["2.2.1"]
#     pci-dss-4.0: ["3.5.1"]
#   remediation: |-
#     Encrypt every EBS volume, and turn on EBS encryption by default in each
#     region:
#
#       resource "aws_ebs_encryption_by_default" "this" {
#         enabled = true
#       }
#
#       resource "aws_launch_template" "app" {
#         block_device_mappings {
#           device_name = "/dev/xvda"
#           ebs {
#             encrypted   = true
#             volume_size = 20
#           }
#         }
#       }
package aws.ec2.ebs_encryption

import rego.v1

import data.lib.infracheck as lib

default_type := "aws_ebs_encryption_by_default"

live := input.scan.source == "live"

default_enabled(d) if {
	not infracheck.is_unknown_at(d.unknown, "enabled")
	infracheck.get(d.values, "enabled", true) != false
}

# Regions where EBS encryption by default is known to be on.
default_regions := {d.region | some d in lib.resources(default_type); default_enabled(d)}

# In a plan, new volumes of a region with encryption by default are encrypted;
# live data shows each volume's own setting.
excusing_regions := set() if {
	live
} else := default_regions

# Every EBS device to check: {"resource", "path" (of its encrypted flag), "name"}.
devices contains {"resource": v, "path": "encrypted", "name": ""} if {
	some v in lib.resources("aws_ebs_volume")
}

devices contains {"resource": lt, "path": sprintf("block_device_mappings.%d.ebs.0.encrypted", [i]), "name": device_name(b, i)} if {
	some lt in lib.resources("aws_launch_template")
	some i, b in infracheck.get_list(lt.values, "block_device_mappings")
	count(infracheck.get_list(b, "ebs")) > 0
}

devices contains {"resource": inst, "path": sprintf("%s.%d.encrypted", [block, i]), "name": device_text(block, b, i)} if {
	some inst in lib.resources("aws_instance")
	some block in ["root_block_device", "ebs_block_device"]
	some i, b in infracheck.get_list(inst.values, block)
}

# An instance's whole root or EBS block list is not known until apply.
devices contains {"resource": inst, "path": block, "name": block_text[block]} if {
	some inst in lib.resources("aws_instance")
	some block in ["root_block_device", "ebs_block_device"]
	infracheck.is_unknown_at(inst.unknown, block)
	not block_left_out(inst, block)
}

# ebs_block_device left out of the configuration: no extra volumes. (A root
# volume always exists, so root_block_device left out stays unknown.)
block_left_out(inst, "ebs_block_device") if infracheck.computed_default(input, inst, "ebs_block_device")

device_name(b, i) := sprintf("block device %s", [b.device_name]) if {
	is_string(b.device_name)
} else := sprintf("block device %d", [i])

block_text := {"root_block_device": "the root volume", "ebs_block_device": "the EBS block devices"}

device_text("root_block_device", _, _) := "the root volume"

device_text("ebs_block_device", b, i) := device_name(b, i)

label(d) := "the volume" if {
	d.name == ""
} else := d.name

# The excusing regions are bound before the loops (regorus looks a package's
# value up on every read), and lib.truthy is written out: a call per device
# costs regorus more than the test.
deny contains {"address": d.resource.address, "message": sprintf("%s is not encrypted", [label(d)])} if {
	regions := excusing_regions
	some d in devices
	not infracheck.is_unknown_at(d.resource.unknown, d.path)
	not infracheck.get(d.resource.values, d.path, null) in {true, "true"}
	not d.resource.region in regions
}

unknown contains {"address": d.resource.address, "message": sprintf("the encryption of %s is not known until apply", [label(d)])} if {
	regions := excusing_regions
	some d in devices
	infracheck.is_unknown_at(d.resource.unknown, d.path)
	not d.resource.region in regions
}

# ---------------------------------------------------------------------------
# EBS encryption by default.

deny contains {"address": d.address, "message": "EBS encryption by default is disabled (enabled = false)"} if {
	some d in lib.resources(default_type)
	not infracheck.is_unknown_at(d.unknown, "enabled")
	infracheck.get(d.values, "enabled", true) == false
}

unknown contains {"address": d.address, "message": "whether EBS encryption by default is enabled is not known until apply"} if {
	some d in lib.resources(default_type)
	infracheck.is_unknown_at(d.unknown, "enabled")
}

unknown contains lib.region_result(region, "EBS encryption by default could not be read in the region") if {
	live
	some region in input.scan.regions
	not region in {d.region | some d in lib.resources(default_type)}
}
