package aws.tagging.data_classification_test

import rego.v1

import data.aws.tagging.data_classification as rule
import data.lib.infracheck as lib

cfg := {"data_classification_values": ["public", "internal", "confidential", "restricted"]}

store(address, tags) := lib.mock_resource(address, {"tags": tags, "tags_all": tags})

denied(inp) := d if {
	d := rule.deny with input as inp with data.infracheck.config as cfg
}

unknowns(inp) := u if {
	u := rule.unknown with input as inp with data.infracheck.config as cfg
}

test_classified_stores_pass if {
	inp := lib.mock_input([
		store("aws_dynamodb_table.app", {"DataClassification": "confidential"}),
		store("module.primary.aws_s3_bucket.static", {"DataClassification": "internal"}),
		lib.mock_resource("module.primary.aws_dax_cluster.this", {"tags": null, "tags_all": {"DataClassification": "restricted"}}),
		store("module.primary.aws_elasticache_replication_group.this", {"DataClassification": "public"}),
	])
	count(denied(inp)) == 0
	count(unknowns(inp)) == 0
}

test_missing_tag_fails if {
	inp := lib.mock_input([store("aws_dynamodb_table.app", {"Owner": "x"}), lib.mock_resource("module.m.aws_s3_bucket.b", {})])
	denied(inp) == {
		{"address": "aws_dynamodb_table.app", "message": "no DataClassification tag"},
		{"address": "module.m.aws_s3_bucket.b", "message": "no DataClassification tag"},
	}
	count(unknowns(inp)) == 0
}

test_other_value_fails if {
	inp := lib.mock_input([store("aws_s3_bucket.b", {"DataClassification": "secret"})])
	denied(inp) == {{"address": "aws_s3_bucket.b", "message": `DataClassification tag "secret" is not one of public, internal, confidential, restricted`}}
}

test_values_setting_changes_verdict if {
	inp := lib.mock_input([store("aws_s3_bucket.b", {"DataClassification": "secret"})])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as {"data_classification_values": ["secret"]}
}

test_own_tag_wins_while_tags_all_unknown if {
	r := object.union(lib.mock_resource("aws_s3_bucket.b", {"tags": {"DataClassification": "internal"}}), {"unknown": {"tags_all": true}})
	inp := lib.mock_input([r])
	count(denied(inp)) == 0
	count(unknowns(inp)) == 0
}

test_unknown_is_unknown if {
	a := object.union(lib.mock_resource("aws_s3_bucket.a", {"tags": {"Owner": "x"}}), {"unknown": {"tags_all": true}})
	b := object.union(lib.mock_resource("aws_dynamodb_table.b", {"tags": {}, "tags_all": {}}), {"unknown": {"tags.DataClassification": true, "tags_all.DataClassification": true}})
	inp := lib.mock_input([a, b])
	count(denied(inp)) == 0
	unknowns(inp) == {
		{"address": "aws_s3_bucket.a", "message": "the DataClassification tag is not known until apply"},
		{"address": "aws_dynamodb_table.b", "message": "the DataClassification tag is not known until apply"},
	}
}
