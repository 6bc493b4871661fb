# METADATA
# title: Data stores carry a DataClassification tag
# description: >-
#   Every S3 bucket, DynamoDB table, ElastiCache replication group and DAX cluster
#   carries a DataClassification tag (in its own tags, or in tags_all, which includes
#   the provider's default_tags) whose value is one of data_classification_values
#   (default public, internal, confidential, restricted; compared exactly). A
#   missing tag or another value FAILS; a tag whose value is not known until apply
#   (or missing from the own tags while tags_all is unknown) gives UNKNOWN.
# custom:
#   id: GDPR-002
#   severity: medium
#   resource_types: [aws_s3_bucket, aws_dynamodb_table, aws_elasticache_replication_group, aws_dax_cluster]
#   frameworks:
#     gdpr: ["Art. 30"]
#   remediation: |-
#     Classify the data store's data with a DataClassification tag:
#
#       resource "aws_dynamodb_table" "app" {
#         # ...
#         tags = {
#           DataClassification = "confidential"
#         }
#       }
package aws.tagging.data_classification

import rego.v1

import data.lib.infracheck as lib

tag := "DataClassification"

store_types := ["aws_s3_bucket", "aws_dynamodb_table", "aws_elasticache_replication_group", "aws_dax_cluster"]

allowed := lib.config("data_classification_values")

# Plain lookups only (this runs on every data store), with the semantics of
# lib.tag_value / lib.tag_unknown: the own tags win over tags_all.
stores := [r | some t in store_types; some r in lib.resources(t)]

undecided_paths := {concat(".", ["tags", tag]), concat(".", ["tags_all", tag]), "tags_all"}

# Address -> {"value": the tag's known value (own tags first) or null, "undecided":
# how many reasons a tag without a known value may still get one after apply (0:
# none)}; computed once.
state := {r.address: s |
	# Bound before the loop: regorus looks a package's value up on every read.
	key := tag
	paths := undecided_paths
	some r in stores
	v := object.get(r.values, ["tags", key], object.get(r.values, ["tags_all", key], null))
	n := count({1 | some p in paths; r.unknown[p]}) + count({1 |
		r.unknown.tags
		not is_object(object.get(r.values, "tags_all", null))
	})
	s := {"value": v, "undecided": n}
}

deny contains {"address": address, "message": sprintf("no %s tag", [tag])} if {
	some address, s in state
	not is_string(s.value)
	s.undecided == 0
}

deny contains {"address": address, "message": sprintf("%s tag %q is not one of %s", [tag, v, concat(", ", allowed)])} if {
	values := allowed
	some address, s in state
	v := s.value
	is_string(v)
	not v in values
}

unknown contains {"address": address, "message": sprintf("the %s tag is not known until apply", [tag])} if {
	some address, s in state
	not is_string(s.value)
	s.undecided > 0
}
