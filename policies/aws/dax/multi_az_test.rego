package aws.dax.multi_az_test

import rego.v1

import data.aws.dax.multi_az as rule
import data.lib.infracheck as lib

cfg := {"dax_min_nodes": 3}

cluster(address, values) := lib.mock_resource(address, object.union(
	{"cluster_name": "app", "node_type": "dax.r5.large", "cluster_endpoint_encryption_type": "TLS", "server_side_encryption": [{"enabled": true}]},
	values,
))

test_three_nodes_pass if {
	inp := lib.mock_input([cluster("aws_dax_cluster.a", {"replication_factor": 3}), cluster("aws_dax_cluster.b", {"replication_factor": 5})])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_fewer_nodes_fail if {
	inp := lib.mock_input([cluster("aws_dax_cluster.a", {"replication_factor": 1}), cluster("aws_dax_cluster.b", {"replication_factor": null})])
	rule.deny == {
		{"address": "aws_dax_cluster.a", "message": "replication_factor is 1, below the minimum of 3 nodes"},
		{"address": "aws_dax_cluster.b", "message": "replication_factor is null, below the minimum of 3 nodes"},
	} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_min_nodes_setting_changes_the_verdict if {
	inp := lib.mock_input([cluster("aws_dax_cluster.a", {"replication_factor": 3}), cluster("aws_dax_cluster.b", {"replication_factor": 2})])
	rule.deny == {{"address": "aws_dax_cluster.a", "message": "replication_factor is 3, below the minimum of 5 nodes"}, {"address": "aws_dax_cluster.b", "message": "replication_factor is 2, below the minimum of 5 nodes"}} with input as inp with data.infracheck.config as {"dax_min_nodes": 5}
	count(rule.deny) == 0 with input as inp with data.infracheck.config as {"dax_min_nodes": 2}
}

test_unknown_is_unknown if {
	c := object.union(cluster("aws_dax_cluster.a", {}), {"unknown": {"replication_factor": true}})
	inp := lib.mock_input([c])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.unknown == {{"address": "aws_dax_cluster.a", "message": "replication_factor is not known until apply"}} with input as inp with data.infracheck.config as cfg
}

test_module_clusters if {
	ok := cluster("module.primary.aws_dax_cluster.this", {"replication_factor": 3})
	bad := cluster("module.secondary.aws_dax_cluster.this", {"replication_factor": 2})
	inp := lib.mock_input([ok, bad])
	rule.deny == {{"address": "module.secondary.aws_dax_cluster.this", "message": "replication_factor is 2, below the minimum of 3 nodes"}} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}
