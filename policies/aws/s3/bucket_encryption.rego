# METADATA
# title: S3 buckets have default server-side encryption
# description: >-
#   Every bucket has default server-side encryption (AES256, aws:kms or
#   aws:kms:dsse), either in the inline server_side_encryption_configuration block
#   (AWS provider v3) or in a separate
#   aws_s3_bucket_server_side_encryption_configuration resource (v4+).
# custom:
#   id: S3-001
#   severity: high
#   resource_types: [aws_s3_bucket]
#   frameworks:
#     aws-fsbp: [S3.17]
#     pci-dss-4.0: ["3.5.1"]
#     gdpr: ["Art. 32"]
#   remediation: |-
#     Add an aws_s3_bucket_server_side_encryption_configuration for the bucket:
#
#       resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
#         bucket = aws_s3_bucket.this.id
#         rule {
#           apply_server_side_encryption_by_default {
#             sse_algorithm = "AES256" # or "aws:kms" with kms_master_key_id
#           }
#         }
#       }
package aws.s3.bucket_encryption

import rego.v1

import data.lib.infracheck as lib

config_type := "aws_s3_bucket_server_side_encryption_configuration"

algorithms := {"AES256", "aws:kms", "aws:kms:dsse"}

# Each bucket, judged once with the tests written out (a function call costs
# regorus more than they do): whether a rule of its inline block or of a
# configuration resource encrypts by default, and whether the block, a
# configuration's rules, or the existence of a configuration (some could not be
# joined to their bucket) is not known until apply.
judged := [{"b": b, "encrypted": encrypted, "undecided": true in {block_unknown, rule_unknown, joins_unknown}} |
	algs := algorithms
	# With no configuration joined to the bucket, one that could not be joined to
	# its bucket may be this one's.
	none_joined_unknown := {true: configs_unresolved, false: false}
	some b in lib.resources("aws_s3_bucket")
	configs := infracheck.referrers(input, b, config_type)
	rules := array.concat(
		infracheck.list(b.values, "server_side_encryption_configuration.0.rule"),
		[rule | some c in configs; some rule in infracheck.list(c.values, "rule")],
	)
	encrypted := count([d |
		some rule in rules
		some d in infracheck.get_list(rule, "apply_server_side_encryption_by_default")
		d.sse_algorithm in algs
	]) > 0
	block_unknown := infracheck.is_unknown(b.unknown, "server_side_encryption_configuration")
	rule_unknown := count([c | some c in configs; infracheck.is_unknown(c.unknown, "rule")]) > 0
	joins_unknown := none_joined_unknown[count(configs) == 0]
]

# Some configuration could not be joined to its bucket.
configs_unresolved := true if {
	lib.has_unresolved(config_type)
} else := false

deny contains {"address": j.b.address, "message": "bucket has no default server-side encryption (AES256, aws:kms or aws:kms:dsse)"} if {
	some j in judged
	not j.encrypted
	not j.undecided
}

unknown contains {"address": j.b.address, "message": "default server-side encryption is not known until apply"} if {
	some j in judged
	not j.encrypted
	j.undecided
}
