# METADATA
# title: S3 bucket policies deny requests without TLS
# description: >-
#   Every bucket has a bucket policy (an aws_s3_bucket_policy for the bucket, or
#   the inline policy of AWS provider v3) with a Deny statement for every principal
#   ("*") on S3 actions (s3:* or others) under the condition
#   Bool aws:SecureTransport = false. Policies given as a
#   data.aws_iam_policy_document are read from the data source.
# custom:
#   id: S3-005
#   severity: high
#   resource_types: [aws_s3_bucket]
#   frameworks:
#     aws-fsbp: [S3.5]
#     pci-dss-4.0: ["4.2.1"]
#   remediation: |-
#     Add a statement denying requests that do not use TLS to the bucket policy:
#
#       resource "aws_s3_bucket_policy" "this" {
#         bucket = aws_s3_bucket.this.id
#         policy = jsonencode({
#           Version = "2012-10-17"
#           Statement = [{
#             Sid       = "DenyInsecureTransport"
#             Effect    = "Deny"
#             Principal = "*"
#             Action    = "s3:*"
#             Resource  = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
#             Condition = { Bool = { "aws:SecureTransport" = "false" } }
#           }]
#         })
#       }
package aws.s3.secure_transport

import rego.v1

import data.lib.infracheck as lib

policy_type := "aws_s3_bucket_policy"

msg_unknown := "the bucket policy is not known until apply"

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
verdicts[b.address] := verdict(b, bucket_policies(b)) if {
	some b in lib.resources("aws_s3_bucket")
}

# The aws_s3_bucket_policy resources of bucket `b` (joined through `bucket`).
bucket_policies(b) := [p |
	some p in infracheck.referrers(input, b, policy_type)
	b.address in lib.references(p, "bucket")
]

verdict(b, policies) := v if {
	v := docs_verdict(array.concat(
		[{"source": p.address, "doc": lib.iam_policy_doc(p, "policy")} | some p in policies],
		inline_docs(b),
	))
	v.verdict != "fail"
} else := {"verdict": "unknown"} if {
	# No bucket policy resource: the inline policy, or an unresolved one, may hold it.
	count(policies) == 0
	infracheck.is_unknown_at(b.unknown, "policy")
} else := {"verdict": "unknown"} if {
	count(policies) == 0
	lib.has_unresolved(policy_type)
} else := {"verdict": "fail", "messages": [msg]} if {
	docs := array.concat([p.address | some p in policies], [d.source | some d in inline_docs(b)])
	count(docs) > 0
	msg := sprintf("bucket policy %s does not deny requests without TLS (aws:SecureTransport = false)", [concat(", ", docs)])
} else := {"verdict": "fail", "messages": ["bucket has no bucket policy denying requests without TLS (aws:SecureTransport = false)"]}

# The inline `policy` (v3, or the known value of an existing bucket).
inline_docs(b) := [{"source": sprintf("%s (inline policy)", [b.address]), "doc": lib.iam_policy_doc(b, "policy")}] if {
	not infracheck.is_unknown_at(b.unknown, "policy")
	p := object.get(b.values, "policy", "")
	is_string(p)
	p != ""
} else := []

docs_verdict(docs) := {"verdict": "pass"} if {
	some d in docs
	some st in d.doc.statements
	denies_insecure(st)
} else := {"verdict": "unknown"} if {
	some d in docs
	not d.doc.known
} else := {"verdict": "unknown"} if {
	some d in docs
	some st in d.doc.statements
	may_deny_insecure(st)
} else := {"verdict": "fail"}

denies_insecure(st) if {
	st.effect == "Deny"
	lib.iam_principal_anyone(st)
	s3_actions(st)
	insecure_condition(st)
}

# Some field is unknown; with its value known the statement could deny.
may_deny_insecure(st) if {
	not denies_insecure(st)
	count(st.unknown) > 0
	may_effect(st)
	may_principal(st)
	may_actions(st)
	may_condition(st)
}

may_effect(st) if st.effect == "Deny"

may_effect(st) if "effect" in st.unknown

may_principal(st) if lib.iam_principal_anyone(st)

may_principal(st) if "principals" in st.unknown

may_actions(st) if s3_actions(st)

may_actions(st) if "actions" in st.unknown

may_condition(st) if insecure_condition(st)

may_condition(st) if "conditions" in st.unknown

s3_actions(st) if "*" in st.actions

s3_actions(st) if {
	some a in st.actions
	startswith(lower(a), "s3:")
}

insecure_condition(st) if {
	some c in st.conditions
	c.test in {"Bool", "BoolIfExists"}
	is_string(c.variable)
	lower(c.variable) == "aws:securetransport"
	some v in c.values
	lower(v) == "false"
}
