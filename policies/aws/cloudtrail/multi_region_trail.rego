# METADATA
# title: A multi-region CloudTrail trail with log file validation exists
# description: >-
#   The scan holds at least one aws_cloudtrail with is_multi_region_trail = true,
#   enable_log_file_validation = true and logging on (enable_logging not false; absent
#   is the default, true). One such trail covers every region, so the rule is
#   region-scoped: every scanned region PASSES when one exists anywhere in the scan
#   and FAILS otherwise (one finding per region, each listing what the scan's trails
#   lack). When no trail is known to qualify but one may after apply (a flag unknown),
#   every region is UNKNOWN.
# custom:
#   id: TRAIL-001
#   severity: high
#   scope: region
#   resource_types: [aws_cloudtrail]
#   frameworks:
#     aws-fsbp: [CloudTrail.1, CloudTrail.4]
#     cis-aws-3.0: ["3.1", "3.2"]
#   remediation: |-
#     Create (or turn into) a multi-region trail with log file validation:
#
#       resource "aws_cloudtrail" "this" {
#         name                          = "organization-trail"
#         s3_bucket_name                = aws_s3_bucket.trail.id
#         is_multi_region_trail         = true
#         include_global_service_events = true
#         enable_log_file_validation    = true
#         enable_logging                = true
#       }
package aws.cloudtrail.multi_region_trail

import rego.v1

import data.lib.infracheck as lib

scan_regions := object.get(input, ["scan", "regions"], [])

trails := lib.resources("aws_cloudtrail")

# attribute -> value when absent
required := {"is_multi_region_trail": false, "enable_log_file_validation": false, "enable_logging": true}

# The required settings of trail `t` known not to be true.
off(t) := [sprintf("%s = %v", [a, v]) |
	some a, d in required
	not infracheck.is_unknown(t.unknown, a)
	v := infracheck.get(t.values, a, d)
	v != true
]

undecided_settings(t) if {
	some a, _ in required
	infracheck.is_unknown(t.unknown, a)
}

qualifies(t) if {
	count(off(t)) == 0
	not undecided_settings(t)
}

may_qualify(t) if {
	count(off(t)) == 0
	undecided_settings(t)
}

exists if {
	some t in trails
	qualifies(t)
}

may_exist if {
	some t in trails
	may_qualify(t)
}

deny contains lib.region_result(region, msg) if {
	not exists
	not may_exist
	some region in scan_regions
	some msg in messages
}

unknown contains lib.region_result(region, "whether a multi-region CloudTrail trail with log file validation exists is not known until apply") if {
	not exists
	may_exist
	some region in scan_regions
}

messages := ["no CloudTrail trail exists (a multi-region trail with log file validation is required)"] if {
	count(trails) == 0
} else := [sprintf("trail %s is not a multi-region trail with log file validation (%s)", [t.address, concat(", ", off(t))]) |
	some t in trails
]
