# METADATA
# title: DAX clusters encrypt data in transit
# description: >-
#   Every DAX cluster's endpoint uses TLS (cluster_endpoint_encryption_type =
#   "TLS"); the default is "NONE".
# custom:
#   id: DAX-002
#   severity: medium
#   resource_types: [aws_dax_cluster]
#   frameworks:
#     aws-fsbp: [DynamoDB.7]
#     pci-dss-4.0: ["4.2.1"]
#   remediation: |-
#     Require TLS on the cluster endpoint (this replaces the cluster):
#
#       resource "aws_dax_cluster" "this" {
#         # ...
#         cluster_endpoint_encryption_type = "TLS"
#       }
package aws.dax.encryption_in_transit

import rego.v1

import data.lib.infracheck as lib

attr := "cluster_endpoint_encryption_type"

deny contains {"address": c.address, "message": sprintf("cluster endpoint encryption is %v, not TLS", [current(c)])} if {
	some c in lib.resources("aws_dax_cluster")
	not infracheck.is_unknown_at(c.unknown, attr)
	object.get(c.values, attr, null) != "TLS"
}

unknown contains {"address": c.address, "message": "cluster endpoint encryption is not known until apply"} if {
	some c in lib.resources("aws_dax_cluster")
	infracheck.is_unknown_at(c.unknown, attr)
}

# The endpoint encryption type, "NONE" when absent or null (the provider's default).
current(c) := v if {
	v := object.get(c.values, attr, null)
	v != null
} else := "NONE"
