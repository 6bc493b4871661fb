# METADATA
# title: Secrets are replicated to the secondary region
# description: >-
#   Every aws_secretsmanager_secret has a replica block whose region is the
#   secondary region (setting secondary_region), unless the secret itself lives in
#   the secondary region. No such replica FAILS; a replica list or replica region
#   unknown until apply, or a secret whose own region is not known, gives UNKNOWN.
# custom:
#   id: SM-002
#   severity: medium
#   resource_types: [aws_secretsmanager_secret]
#   remediation: |-
#     Replicate the secret to the secondary region:
#
#       resource "aws_secretsmanager_secret" "this" {
#         name = "app/credentials"
#         replica {
#           region = "us-west-2"
#         }
#       }
package aws.secretsmanager.replication

import rego.v1

import data.lib.infracheck as lib

primary := lib.config("primary_region")

secondary := lib.config("secondary_region")

# The region a secret must also live in: the secondary for a secret of any other
# region, the primary for a secret created in the secondary (warm standby both ways,
# as DDB-002 asks of tables).
partner(s) := primary if s.region == secondary

partner(s) := secondary if s.region != secondary

replicated(s) if {
	some i, rep in infracheck.list(s.values, "replica")
	not infracheck.is_unknown(s.unknown, sprintf("replica.%d.region", [i]))
	object.get(rep, "region", null) == partner(s)
}

# The replica list as a whole (not just a computed attribute of a replica) is unknown.
undecided(s) if s.unknown.replica

undecided(s) if {
	some i, _ in infracheck.list(s.values, "replica")
	infracheck.is_unknown(s.unknown, sprintf("replica.%d.region", [i]))
}

undecided(s) if s.region == null

deny contains {"address": s.address, "message": sprintf("secret is not replicated to %s", [partner(s)])} if {
	some s in lib.resources("aws_secretsmanager_secret")
	not replicated(s)
	not undecided(s)
}

unknown contains {"address": s.address, "message": "whether the secret is replicated to the other region is not known until apply"} if {
	some s in lib.resources("aws_secretsmanager_secret")
	not replicated(s)
	undecided(s)
}
