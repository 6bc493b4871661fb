# METADATA
# title: DynamoDB tables have point-in-time recovery
# description: >-
#   Every DynamoDB table has point-in-time recovery enabled
#   (point_in_time_recovery { enabled = true }), and so does every replica of a
#   global table (replica { point_in_time_recovery = true }).
# custom:
#   id: DDB-001
#   severity: high
#   resource_types: [aws_dynamodb_table]
#   frameworks:
#     aws-fsbp: [DynamoDB.2]
#   remediation: |-
#     Enable point-in-time recovery on the table and on each replica:
#
#       resource "aws_dynamodb_table" "this" {
#         # ...
#         point_in_time_recovery {
#           enabled = true
#         }
#         replica {
#           region_name            = "us-west-2"
#           point_in_time_recovery = true
#         }
#       }
package aws.dynamodb.pitr

import rego.v1

import data.lib.infracheck as lib

pitr_path := "point_in_time_recovery.0.enabled"

deny contains {"address": t.address, "message": "point-in-time recovery is not enabled"} if {
	some t in lib.resources("aws_dynamodb_table")
	not infracheck.is_unknown(t.unknown, pitr_path)
	infracheck.get(t.values, pitr_path, false) != true
}

deny contains {"address": t.address, "message": sprintf("point-in-time recovery is not enabled on the replica in %s", [region])} if {
	some t in lib.resources("aws_dynamodb_table")
	some i, replica in infracheck.list(t.values, "replica")
	not infracheck.is_unknown(t.unknown, sprintf("replica.%d.point_in_time_recovery", [i]))
	object.get(replica, "point_in_time_recovery", false) != true
	region := object.get(replica, "region_name", sprintf("replica.%d", [i]))
}

unknown contains {"address": t.address, "message": "point-in-time recovery is not known until apply"} if {
	some t in lib.resources("aws_dynamodb_table")
	infracheck.is_unknown(t.unknown, pitr_path)
}

unknown contains {"address": t.address, "message": "point-in-time recovery of the replicas is not known until apply"} if {
	some t in lib.resources("aws_dynamodb_table")
	infracheck.is_unknown(t.unknown, "replica")
	not is_array(infracheck.get(t.values, "replica", null))
}

unknown contains {"address": t.address, "message": sprintf("point-in-time recovery of replica %d is not known until apply", [i])} if {
	some t in lib.resources("aws_dynamodb_table")
	some i, _ in infracheck.list(t.values, "replica")
	infracheck.is_unknown(t.unknown, sprintf("replica.%d.point_in_time_recovery", [i]))
}
