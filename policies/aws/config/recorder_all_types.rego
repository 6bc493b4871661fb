# METADATA
# title: AWS Config records all resource types in every scanned region
# description: >-
#   Every region of the scan holds an aws_config_configuration_recorder that records
#   all supported resource types: recording_group[0].all_supported is true (an absent
#   recording_group or all_supported is AWS's default, all supported types). When an
#   aws_config_configuration_recorder_status refers to the recorder, its is_enabled
#   must be true as well (a recorder without a status resource counts, since live
#   data may not carry one). A region with no such recorder FAILS; a recorder whose
#   settings or region are not known until apply makes the region UNKNOWN instead.
# custom:
#   id: CFG-001
#   severity: medium
#   scope: region
#   resource_types: [aws_config_configuration_recorder, aws_config_configuration_recorder_status]
#   frameworks:
#     aws-fsbp: [Config.1]
#     cis-aws-3.0: ["3.3"]
#   remediation: |-
#     Record all supported resource types in every region and start the recorder:
#
#       resource "aws_config_configuration_recorder" "this" {
#         name     = "default"
#         role_arn = aws_iam_role.config.arn
#         recording_group {
#           all_supported                 = true
#           include_global_resource_types = true
#         }
#       }
#
#       resource "aws_config_configuration_recorder_status" "this" {
#         name       = aws_config_configuration_recorder.this.name
#         is_enabled = true
#         depends_on = [aws_config_delivery_channel.this]
#       }
package aws.config.recorder_all_types

import rego.v1

import data.lib.infracheck as lib

recorder_type := "aws_config_configuration_recorder"

status_type := "aws_config_configuration_recorder_status"

all_path := "recording_group.0.all_supported"

scan_regions := object.get(input, ["scan", "regions"], [])

recorders := lib.resources(recorder_type)

statuses(rec) := infracheck.referrers(input, rec, status_type)

all_unknown(rec) if infracheck.is_unknown(rec.unknown, all_path)

# all_supported is known to be false.
not_all(rec) if {
	not all_unknown(rec)
	infracheck.get(rec.values, all_path, true) == false
}

status_off(s) if {
	not infracheck.is_unknown(s.unknown, "is_enabled")
	infracheck.get(s.values, "is_enabled", false) != true
}

status_unknown(rec) if {
	some s in statuses(rec)
	infracheck.is_unknown(s.unknown, "is_enabled")
}

stopped(rec) if {
	some s in statuses(rec)
	status_off(s)
}

# A recorder records only once a recorder status starts it: Terraform creates a
# recorder stopped, and AWS keeps it that way until StartConfigurationRecorder.
started(rec) if {
	some s in statuses(rec)
	not infracheck.is_unknown(s.unknown, "is_enabled")
	infracheck.get(s.values, "is_enabled", false) == true
}

passes(rec) if {
	not all_unknown(rec)
	not not_all(rec)
	not stopped(rec)
	started(rec)
}

maybe(rec) if {
	not not_all(rec)
	not stopped(rec)
	all_unknown(rec)
}

maybe(rec) if {
	not not_all(rec)
	not stopped(rec)
	status_unknown(rec)
}

# No status joined to the recorder, but some status's recorder is not known.
maybe(rec) if {
	not not_all(rec)
	not started(rec)
	count(statuses(rec)) == 0
	lib.has_unresolved(status_type)
}

# Regions (null: not known) with a passing recorder / one that may pass.
passing_regions := {rec.region | some rec in recorders; passes(rec)}

maybe_regions := {rec.region | some rec in recorders; maybe(rec)}

undecided(region) if region in maybe_regions

undecided(_) if null in passing_regions

undecided(_) if null in maybe_regions

deny contains lib.region_result(region, msg) if {
	some region in scan_regions
	not region in passing_regions
	not undecided(region)
	some msg in messages(region)
}

unknown contains lib.region_result(region, "whether AWS Config records all resource types in the region is not known until apply") if {
	some region in scan_regions
	not region in passing_regions
	undecided(region)
}

problems(rec) := array.concat(
	array.concat(
		[sprintf("configuration recorder %s does not record all resource types (recording_group.all_supported = false)", [rec.address]) | not_all(rec)],
		[sprintf("configuration recorder %s is not started (%s.is_enabled = false)", [rec.address, s.address]) |
			some s in statuses(rec)
			status_off(s)
		],
	),
	[sprintf("configuration recorder %s is never started (no aws_config_configuration_recorder_status with is_enabled = true)", [rec.address]) |
		count(statuses(rec)) == 0
	],
)

messages(region) := msgs if {
	msgs := [m |
		some rec in recorders
		rec.region == region
		some m in problems(rec)
	]
	count(msgs) > 0
} else := [sprintf("no AWS Config configuration recorder in %s", [region])]
