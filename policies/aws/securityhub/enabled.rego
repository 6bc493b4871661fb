# METADATA
# title: Security Hub is enabled in every scanned region
# description: >-
#   Every region of the scan holds an aws_securityhub_account (Security Hub is
#   enabled there). A region without one FAILS; when an account resource's region is
#   not known, a region without one is UNKNOWN.
# custom:
#   id: SH-001
#   severity: medium
#   scope: region
#   resource_types: [aws_securityhub_account]
#   frameworks:
#     cis-aws-3.0: ["4.16"]
#   remediation: |-
#     Enable Security Hub in every region (one provider configuration per region):
#
#       resource "aws_securityhub_account" "this" {
#         enable_default_standards = true
#       }
package aws.securityhub.enabled

import rego.v1

import data.lib.infracheck as lib

scan_regions := object.get(input, ["scan", "regions"], [])

# Regions (null: not known) with Security Hub enabled.
enabled_regions := {a.region | some a in lib.resources("aws_securityhub_account")}

deny contains lib.region_result(region, sprintf("Security Hub is not enabled in %s (no aws_securityhub_account)", [region])) if {
	some region in scan_regions
	not region in enabled_regions
	not null in enabled_regions
}

unknown contains lib.region_result(region, "whether Security Hub is enabled in the region is not known (an aws_securityhub_account's region is not known)") if {
	some region in scan_regions
	not region in enabled_regions
	null in enabled_regions
}
