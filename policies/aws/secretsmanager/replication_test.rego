package aws.secretsmanager.replication_test

import rego.v1

import data.aws.secretsmanager.replication as rule
import data.lib.infracheck as lib

cfg := {"primary_region": "us-east-1", "secondary_region": "us-west-2"}

secret(address, replicas) := lib.mock_resource(address, {"name": "s", "replica": replicas})

msg := "secret is not replicated to us-west-2"

test_replica_in_secondary_passes if {
	s := object.union(secret("aws_secretsmanager_secret.a", [{"region": "us-west-2"}]), {"unknown": {"replica.0.kms_key_id": true, "replica.0.status": true}})
	inp := lib.mock_input([s])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_secret_in_secondary_region_needs_a_replica_in_the_primary if {
	alone := object.union(secret("module.west.aws_secretsmanager_secret.this", []), {"region": "us-west-2"})
	rule.deny == {{"address": alone.address, "message": "secret is not replicated to us-east-1"}} with input as lib.mock_input([alone]) with data.infracheck.config as cfg
	back := object.union(secret("module.west.aws_secretsmanager_secret.this", [{"region": "us-east-1"}]), {"region": "us-west-2"})
	count(rule.deny) == 0 with input as lib.mock_input([back]) with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as lib.mock_input([back]) with data.infracheck.config as cfg
}

test_no_replica_fails if {
	inp := lib.mock_input([secret("aws_secretsmanager_secret.a", []), secret("module.app.aws_secretsmanager_secret.b", null)])
	rule.deny == {
		{"address": "aws_secretsmanager_secret.a", "message": msg},
		{"address": "module.app.aws_secretsmanager_secret.b", "message": msg},
	} with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 0 with input as inp with data.infracheck.config as cfg
}

test_replica_elsewhere_fails if {
	inp := lib.mock_input([secret("aws_secretsmanager_secret.a", [{"region": "eu-west-1"}])])
	rule.deny == {{"address": "aws_secretsmanager_secret.a", "message": msg}} with input as inp with data.infracheck.config as cfg
}

test_secondary_region_setting_changes_verdict if {
	inp := lib.mock_input([secret("aws_secretsmanager_secret.a", [{"region": "eu-west-1"}])])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as {"primary_region": "us-east-1", "secondary_region": "eu-west-1"}
}

test_unknown_replica_region_is_unknown if {
	s := object.union(secret("aws_secretsmanager_secret.a", [{}]), {"unknown": {"replica.0.region": true}})
	inp := lib.mock_input([s])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	rule.unknown == {{"address": "aws_secretsmanager_secret.a", "message": "whether the secret is replicated to the other region is not known until apply"}} with input as inp with data.infracheck.config as cfg
}

test_unknown_replica_list_is_unknown if {
	s := object.union(lib.mock_resource("aws_secretsmanager_secret.a", {"name": "s"}), {"unknown": {"replica": true}})
	inp := lib.mock_input([s])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 1 with input as inp with data.infracheck.config as cfg
}

test_unknown_region_is_unknown if {
	s := object.union(secret("aws_secretsmanager_secret.a", []), {"region": null})
	inp := lib.mock_input([s])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as cfg
	count(rule.unknown) == 1 with input as inp with data.infracheck.config as cfg
}
