# METADATA
# title: S3 buckets have a lifecycle configuration
# description: >-
#   Every bucket has at least one enabled lifecycle rule (cost control through
#   Intelligent-Tiering transitions or expiry): an inline lifecycle_rule with
#   enabled = true (AWS provider v3), or an aws_s3_bucket_lifecycle_configuration for
#   the bucket with a rule of status "Enabled" (v4+). When a separate lifecycle
#   configuration exists it decides (it overrides the inline rules).
# custom:
#   id: S3-004
#   severity: low
#   resource_types: [aws_s3_bucket]
#   frameworks:
#     aws-fsbp: [S3.13]
#   remediation: |-
#     Add a lifecycle configuration for the bucket, e.g. moving objects to
#     Intelligent-Tiering and expiring old versions:
#
#       resource "aws_s3_bucket_lifecycle_configuration" "this" {
#         bucket = aws_s3_bucket.this.id
#         rule {
#           id     = "intelligent-tiering"
#           status = "Enabled"
#           filter {}
#           transition {
#             days          = 0
#             storage_class = "INTELLIGENT_TIERING"
#           }
#           noncurrent_version_expiration {
#             noncurrent_days = 90
#           }
#         }
#       }
package aws.s3.lifecycle

import rego.v1

import data.lib.infracheck as lib

lifecycle_type := "aws_s3_bucket_lifecycle_configuration"

msg_unknown := "lifecycle configuration is not known until apply"

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
verdicts[b.address] := verdict(b, infracheck.referrers(input, b, lifecycle_type)) if {
	some b in lib.resources("aws_s3_bucket")
}

# v4+: a separate configuration decides (it overrides the inline rules).
verdict(b, configs) := {"verdict": "pass"} if {
	some c in configs
	some rule in infracheck.get_list(c.values, "rule")
	object.get(rule, "status", null) == "Enabled"
} else := {"verdict": "unknown"} if {
	some c in configs
	rules_unknown(c, "rule", "status")
} else := {"verdict": "fail", "messages": [sprintf("lifecycle configuration %s has no rule with status Enabled", [c.address]) | some c in configs]} if {
	count(configs) > 0
} else := {"verdict": "pass"} if {
	# v3: inline lifecycle_rule blocks.
	some rule in infracheck.get_list(b.values, "lifecycle_rule")
	object.get(rule, "enabled", false) == true
} else := {"verdict": "unknown"} if {
	rules_unknown(b, "lifecycle_rule", "enabled")
} else := {"verdict": "unknown"} if {
	lib.has_unresolved(lifecycle_type)
} else := {"verdict": "fail", "messages": ["bucket has no lifecycle configuration (no aws_s3_bucket_lifecycle_configuration and no enabled inline lifecycle_rule)"]}

# The list of rules at `attr` is unknown, or the `flag` of one of them is.
rules_unknown(r, attr, _) if {
	r.unknown[attr]
	not is_array(object.get(r.values, attr, null))
}

rules_unknown(r, attr, flag) if {
	some i, _ in infracheck.get_list(r.values, attr)
	infracheck.is_unknown_at(r.unknown, sprintf("%s.%d.%s", [attr, i, flag]))
}
