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

deny contains {"address": b.address, "message": "bucket has no default server-side encryption (AES256, aws:kms or aws:kms:dsse)"} if {
	some b in lib.resources("aws_s3_bucket")
	not encrypted(b)
	not undecided(b)
}

unknown contains {"address": b.address, "message": "default server-side encryption is not known until apply"} if {
	some b in lib.resources("aws_s3_bucket")
	not encrypted(b)
	undecided(b)
}

# A list of `rule` blocks encrypts when one sets a valid default algorithm.
encrypting_rules(rules) if {
	some rule in rules
	some d in infracheck.get_list(rule, "apply_server_side_encryption_by_default")
	d.sse_algorithm in algorithms
}

# v3: inline block.
encrypted(b) if encrypting_rules(infracheck.list(b.values, "server_side_encryption_configuration.0.rule"))

# v4+: separate configuration resource.
encrypted(b) if {
	some c in infracheck.referrers(input, b, config_type)
	encrypting_rules(infracheck.list(c.values, "rule"))
}

undecided(b) if infracheck.is_unknown(b.unknown, "server_side_encryption_configuration")

undecided(b) if {
	some c in infracheck.referrers(input, b, config_type)
	infracheck.is_unknown(c.unknown, "rule")
}

undecided(b) if {
	count(infracheck.referrers(input, b, config_type)) == 0
	lib.has_unresolved(config_type)
}
