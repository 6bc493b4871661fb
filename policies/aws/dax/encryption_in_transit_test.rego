package aws.dax.encryption_in_transit_test

import rego.v1

import data.aws.dax.encryption_in_transit as rule
import data.lib.infracheck as lib

cluster(address, values) := lib.mock_resource(address, object.union(
	{"cluster_name": "app", "node_type": "dax.r5.large", "replication_factor": 3, "server_side_encryption": [{"enabled": true}]},
	values,
))

test_tls_passes if {
	inp := lib.mock_input([cluster("aws_dax_cluster.a", {"cluster_endpoint_encryption_type": "TLS"})])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_none_or_missing_fails if {
	inp := lib.mock_input([
		cluster("aws_dax_cluster.a", {"cluster_endpoint_encryption_type": "NONE"}),
		cluster("aws_dax_cluster.b", {"cluster_endpoint_encryption_type": null}),
		cluster("aws_dax_cluster.c", {}),
	])
	rule.deny == {
		{"address": "aws_dax_cluster.a", "message": "cluster endpoint encryption is NONE, not TLS"},
		{"address": "aws_dax_cluster.b", "message": "cluster endpoint encryption is NONE, not TLS"},
		{"address": "aws_dax_cluster.c", "message": "cluster endpoint encryption is NONE, not TLS"},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unknown_is_unknown if {
	c := object.union(cluster("aws_dax_cluster.a", {}), {"unknown": {"cluster_endpoint_encryption_type": true}})
	inp := lib.mock_input([c])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_dax_cluster.a", "message": "cluster endpoint encryption is not known until apply"}} with input as inp
}

test_module_clusters if {
	ok := cluster("module.primary.aws_dax_cluster.this", {"cluster_endpoint_encryption_type": "TLS"})
	bad := cluster("module.secondary.aws_dax_cluster.this", {"cluster_endpoint_encryption_type": "NONE"})
	inp := lib.mock_input([ok, bad])
	rule.deny == {{"address": "module.secondary.aws_dax_cluster.this", "message": "cluster endpoint encryption is NONE, not TLS"}} with input as inp
	count(rule.unknown) == 0 with input as inp
}
