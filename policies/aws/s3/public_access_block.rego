# METADATA
# title: S3 buckets block public access
# description: >-
#   Every bucket has an aws_s3_bucket_public_access_block with block_public_acls,
#   block_public_policy, ignore_public_acls and restrict_public_buckets all true. In
#   a live scan, an account-level aws_s3_account_public_access_block of the bucket's
#   account with all four settings true counts as well.
# custom:
#   id: S3-002
#   severity: critical
#   resource_types: [aws_s3_bucket]
#   frameworks:
#     aws-fsbp: [S3.1, S3.8]
#     cis-aws-3.0: ["2.1.4"]
#     pci-dss-4.0: ["1.4.4"]
#   remediation: |-
#     Add a public access block for the bucket with all four settings true:
#
#       resource "aws_s3_bucket_public_access_block" "this" {
#         bucket                  = aws_s3_bucket.this.id
#         block_public_acls       = true
#         block_public_policy     = true
#         ignore_public_acls      = true
#         restrict_public_buckets = true
#       }
package aws.s3.public_access_block

import rego.v1

import data.lib.infracheck as lib

pab_type := "aws_s3_bucket_public_access_block"

account_pab_type := "aws_s3_account_public_access_block"

# The buckets that no public access block fully protects, decided once for every
# body below.
exposed := [b | some b in lib.resources("aws_s3_bucket"); not protected(b)]

flags := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

deny contains {"address": b.address, "message": sprintf("bucket has no %s", [pab_type])} if {
	some b in exposed
	count(infracheck.referrers(input, b, pab_type)) == 0
	not undecided(b)
}

deny contains {"address": b.address, "message": sprintf("public access block %s does not set %s to true", [p.address, concat(", ", off)])} if {
	some b in exposed
	some p in infracheck.referrers(input, b, pab_type)
	off := false_flags(p)
	count(off) > 0
	not undecided(b)
}

unknown contains {"address": b.address, "message": "public access block settings are not known until apply"} if {
	some b in exposed
	undecided(b)
}

# Settings known to be something other than true.
false_flags(p) := [f |
	some f in flags
	not infracheck.is_unknown(p.unknown, f)
	infracheck.get(p.values, f, false) != true
]

all_true(p) if {
	every f in flags {
		infracheck.get(p.values, f, false) == true
	}
}

# Every known setting is true and some are unknown: true or false after apply.
maybe_all_true(p) if {
	count(false_flags(p)) == 0
	some f in flags
	infracheck.is_unknown(p.unknown, f)
}

protected(b) if {
	some p in infracheck.referrers(input, b, pab_type)
	all_true(p)
}

protected(b) if {
	some a in account_blocks(b)
	all_true(a)
}

# Live scans: the account-level block of the bucket's account.
account_blocks(b) := [a |
	input.scan.source == "live"
	b.account != null
	some a in lib.resources(account_pab_type)
	a.account == b.account
]

undecided(b) if {
	some p in infracheck.referrers(input, b, pab_type)
	maybe_all_true(p)
}

undecided(b) if {
	some a in account_blocks(b)
	maybe_all_true(a)
}

undecided(b) if {
	count(infracheck.referrers(input, b, pab_type)) == 0
	lib.has_unresolved(pab_type)
}
