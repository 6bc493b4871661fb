# METADATA
# title: DAX clusters have enough nodes for multi-AZ availability
# description: >-
#   Every DAX cluster has a replication_factor (number of nodes) of at least
#   dax_min_nodes (default 3), so its nodes spread over availability zones.
# custom:
#   id: DAX-003
#   severity: medium
#   resource_types: [aws_dax_cluster]
#   remediation: |-
#     Run at least three nodes, spread over the availability zones:
#
#       resource "aws_dax_cluster" "this" {
#         # ...
#         replication_factor = 3
#       }
package aws.dax.multi_az

import rego.v1

import data.lib.infracheck as lib

# The setting, read once (reading data.infracheck.config is not free).
min_nodes := lib.config("dax_min_nodes")

deny contains {"address": c.address, "message": sprintf("replication_factor is %v, below the minimum of %v nodes", [object.get(c.values, "replication_factor", null), min_nodes])} if {
	some c in lib.resources("aws_dax_cluster")
	not infracheck.is_unknown_at(c.unknown, "replication_factor")
	not enough(c)
}

unknown contains {"address": c.address, "message": "replication_factor is not known until apply"} if {
	some c in lib.resources("aws_dax_cluster")
	infracheck.is_unknown_at(c.unknown, "replication_factor")
}

enough(c) if lib.number_value(object.get(c.values, "replication_factor", null)) >= min_nodes
