# METADATA
# title: DAX clusters encrypt data at rest
# description: >-
#   Every DAX cluster has server-side encryption enabled
#   (server_side_encryption { enabled = true }); without the block it is off.
# custom:
#   id: DAX-001
#   severity: high
#   resource_types: [aws_dax_cluster]
#   frameworks:
#     aws-fsbp: [DynamoDB.3]
#     pci-dss-4.0: ["3.5.1"]
#   remediation: |-
#     Enable server-side encryption (this replaces the cluster):
#
#       resource "aws_dax_cluster" "this" {
#         # ...
#         server_side_encryption {
#           enabled = true
#         }
#       }
package aws.dax.encryption_at_rest

import rego.v1

import data.lib.infracheck as lib

sse_path := "server_side_encryption.0.enabled"

deny contains {"address": c.address, "message": "server-side encryption (encryption at rest) is not enabled"} if {
	some c in lib.resources("aws_dax_cluster")
	not infracheck.is_unknown_at(c.unknown, sse_path)
	not enabled(c)
}

unknown contains {"address": c.address, "message": "server-side encryption is not known until apply"} if {
	some c in lib.resources("aws_dax_cluster")
	infracheck.is_unknown_at(c.unknown, sse_path)
}

enabled(c) if object.get(c.values, ["server_side_encryption", 0, "enabled"], false) in {true, "true"}
