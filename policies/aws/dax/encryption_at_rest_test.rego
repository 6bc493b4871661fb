package aws.dax.encryption_at_rest_test

import rego.v1

import data.aws.dax.encryption_at_rest as rule
import data.lib.infracheck as lib

cluster(address, values) := lib.mock_resource(address, object.union(
	{"cluster_name": "app", "node_type": "dax.r5.large", "replication_factor": 3, "cluster_endpoint_encryption_type": "TLS"},
	values,
))

msg_fail := "server-side encryption (encryption at rest) is not enabled"

test_enabled_passes if {
	inp := lib.mock_input([cluster("aws_dax_cluster.a", {"server_side_encryption": [{"enabled": true}]})])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_disabled_or_missing_fails if {
	inp := lib.mock_input([
		cluster("aws_dax_cluster.a", {"server_side_encryption": [{"enabled": false}]}),
		cluster("aws_dax_cluster.b", {"server_side_encryption": []}),
		cluster("aws_dax_cluster.c", {"server_side_encryption": null}),
		cluster("aws_dax_cluster.d", {}),
	])
	rule.deny == {
		{"address": "aws_dax_cluster.a", "message": msg_fail},
		{"address": "aws_dax_cluster.b", "message": msg_fail},
		{"address": "aws_dax_cluster.c", "message": msg_fail},
		{"address": "aws_dax_cluster.d", "message": msg_fail},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unknown_is_unknown if {
	a := object.union(cluster("aws_dax_cluster.a", {}), {"unknown": {"server_side_encryption": true}})
	b := object.union(cluster("aws_dax_cluster.b", {"server_side_encryption": [{}]}), {"unknown": {"server_side_encryption.0.enabled": true}})
	inp := lib.mock_input([a, b])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {
		{"address": "aws_dax_cluster.a", "message": "server-side encryption is not known until apply"},
		{"address": "aws_dax_cluster.b", "message": "server-side encryption is not known until apply"},
	} with input as inp
}

test_module_clusters if {
	ok := cluster(`module.secondary.aws_dax_cluster.this[0]`, {"server_side_encryption": [{"enabled": true}]})
	bad := cluster(`module.secondary.aws_dax_cluster.this[1]`, {"server_side_encryption": [{"enabled": false}]})
	inp := lib.mock_input([ok, bad])
	rule.deny == {{"address": `module.secondary.aws_dax_cluster.this[1]`, "message": msg_fail}} with input as inp
	count(rule.unknown) == 0 with input as inp
}
