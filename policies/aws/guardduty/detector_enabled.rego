# METADATA
# title: GuardDuty is enabled in every scanned region
# description: >-
#   Every region of the scan holds an aws_guardduty_detector with enable = true (an
#   absent or null enable is the provider default, true). A region without one FAILS;
#   when a detector's enable flag or region is not known until apply, a region that
#   has no enabled detector is UNKNOWN.
# custom:
#   id: GD-001
#   severity: high
#   scope: region
#   resource_types: [aws_guardduty_detector]
#   frameworks:
#     aws-fsbp: [GuardDuty.1]
#     pci-dss-4.0: ["11.5.1"]
#   remediation: |-
#     Enable a GuardDuty detector in every region (one provider configuration per
#     region):
#
#       resource "aws_guardduty_detector" "this" {
#         enable = true
#       }
package aws.guardduty.detector_enabled

import rego.v1

import data.lib.infracheck as lib

detector_type := "aws_guardduty_detector"

scan_regions := object.get(input, ["scan", "regions"], [])

enabled(d) if {
	not infracheck.is_unknown(d.unknown, "enable")
	infracheck.get(d.values, "enable", true) != false
}

# Regions (null: not known) holding an enabled detector / a detector whose flag is unknown.
enabled_regions := {d.region | some d in lib.resources(detector_type); enabled(d)}

maybe_regions := {d.region | some d in lib.resources(detector_type); infracheck.is_unknown(d.unknown, "enable")}

undecided(region) if region in maybe_regions

# A detector whose region is not known may be in any region.
undecided(_) if null in enabled_regions

undecided(_) if null in maybe_regions

deny contains lib.region_result(region, message(region)) if {
	some region in scan_regions
	not region in enabled_regions
	not undecided(region)
}

unknown contains lib.region_result(region, "whether a GuardDuty detector is enabled in the region is not known until apply") if {
	some region in scan_regions
	not region in enabled_regions
	undecided(region)
}

disabled(region) := [d.address |
	some d in lib.resources(detector_type)
	d.region == region
]

message(region) := sprintf("GuardDuty detector %s is disabled (enable = false) in %s", [concat(", ", disabled(region)), region]) if {
	count(disabled(region)) > 0
} else := sprintf("no GuardDuty detector is enabled in %s", [region])
