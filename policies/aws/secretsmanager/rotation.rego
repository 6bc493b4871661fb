# METADATA
# title: Secrets Manager secrets have automatic rotation
# description: >-
#   Every aws_secretsmanager_secret has automatic rotation: an
#   aws_secretsmanager_secret_rotation refers to it through secret_id with a
#   rotation_rules block (and rotation_enabled not false), or, with AWS provider v3,
#   the secret itself sets rotation_rules inline. No rotation FAILS; rotation rules
#   unknown until apply, or a rotation resource whose secret reference could not be
#   resolved, give UNKNOWN.
# custom:
#   id: SM-001
#   severity: medium
#   resource_types: [aws_secretsmanager_secret]
#   frameworks:
#     aws-fsbp: [SecretsManager.1]
#     pci-dss-4.0: ["8.6.3"]
#   remediation: |-
#     Rotate the secret automatically with a rotation Lambda function:
#
#       resource "aws_secretsmanager_secret_rotation" "this" {
#         secret_id           = aws_secretsmanager_secret.this.id
#         rotation_lambda_arn = aws_lambda_function.rotate.arn
#         rotation_rules {
#           automatically_after_days = 30
#         }
#       }
package aws.secretsmanager.rotation

import rego.v1

import data.lib.infracheck as lib

rotation_type := "aws_secretsmanager_secret_rotation"

rotations(s) := [r |
	some r in infracheck.referrers(input, s, rotation_type)
	s.address in lib.references(r, "secret_id")
]

# rotation_enabled is computed (unknown in plans for new rotations): only a known
# false counts against the rotation.
disabled(r) if {
	not infracheck.is_unknown(r.unknown, "rotation_enabled")
	infracheck.get(r.values, "rotation_enabled", true) == false
}

has_rules(r) if {
	not infracheck.is_unknown(r.unknown, "rotation_rules")
	count(infracheck.list(r.values, "rotation_rules")) > 0
}

rotating(s) if {
	some r in rotations(s)
	has_rules(r)
	not disabled(r)
}

# AWS provider v3: rotation configured on the secret.
rotating(s) if has_rules(s)

undecided(s) if {
	some r in rotations(s)
	infracheck.is_unknown(r.unknown, "rotation_rules")
	not disabled(r)
}

undecided(s) if infracheck.is_unknown(s.unknown, "rotation_rules")

undecided(s) if {
	count(rotations(s)) == 0
	lib.has_unresolved(rotation_type)
}

deny contains {"address": s.address, "message": message(s)} if {
	some s in lib.resources("aws_secretsmanager_secret")
	not rotating(s)
	not undecided(s)
}

unknown contains {"address": s.address, "message": "automatic rotation of the secret is not known until apply"} if {
	some s in lib.resources("aws_secretsmanager_secret")
	not rotating(s)
	undecided(s)
}

message(s) := sprintf("rotation %s is disabled or has no rotation_rules", [concat(", ", [r.address | some r in rotations(s)])]) if {
	count(rotations(s)) > 0
} else := sprintf("secret has no automatic rotation (no %s)", [rotation_type])
