# METADATA
# title: S3 buckets have versioning enabled
# description: >-
#   Every bucket has versioning enabled: the inline versioning block with
#   enabled = true (AWS provider v3), or an aws_s3_bucket_versioning for the bucket
#   with versioning_configuration status "Enabled" (v4+). When a separate
#   versioning resource exists it decides (it overrides the inline block).
# custom:
#   id: S3-003
#   severity: medium
#   resource_types: [aws_s3_bucket]
#   frameworks:
#     aws-fsbp: [S3.14]
#   remediation: |-
#     Enable versioning with an aws_s3_bucket_versioning for the bucket:
#
#       resource "aws_s3_bucket_versioning" "this" {
#         bucket = aws_s3_bucket.this.id
#         versioning_configuration {
#           status = "Enabled"
#         }
#       }
package aws.s3.versioning

import rego.v1

import data.lib.infracheck as lib

versioning_type := "aws_s3_bucket_versioning"

status_path := "versioning_configuration.0.status"

status_keys := ["versioning_configuration", 0, "status"]

msg_unknown := "versioning is not known until apply"

deny contains {"address": addr, "message": msg} if {
	some addr, v in verdicts
	v.verdict == "fail"
	some msg in v.messages
}

unknown contains {"address": addr, "message": msg_unknown} if {
	some addr, v in verdicts
	v.verdict == "unknown"
}

# One evaluation per bucket: {"verdict": "pass" | "fail" | "unknown", "messages"}.
verdicts[b.address] := verdict(b, infracheck.referrers(input, b, versioning_type)) if {
	some b in lib.resources("aws_s3_bucket")
}

# v4+: a separate aws_s3_bucket_versioning decides (it overrides the inline block).
verdict(b, splits) := {"verdict": "pass"} if {
	some v in splits
	object.get(v.values, status_keys, null) == "Enabled"
} else := {"verdict": "unknown"} if {
	some v in splits
	infracheck.is_unknown_at(v.unknown, status_path)
} else := {"verdict": "fail", "messages": [sprintf("versioning is not enabled by %s (status %v)", [v.address, object.get(v.values, status_keys, null)]) | some v in splits]} if {
	count(splits) > 0
} else := {"verdict": "pass"} if {
	# v3: inline block.
	object.get(b.values, ["versioning", 0, "enabled"], false) == true
} else := {"verdict": "unknown"} if {
	infracheck.is_unknown_at(b.unknown, "versioning.0.enabled")
} else := {"verdict": "unknown"} if {
	lib.has_unresolved(versioning_type)
} else := {"verdict": "fail", "messages": ["bucket has no versioning (no aws_s3_bucket_versioning and no inline versioning block enabled)"]}
