package terraform.backend.state_backend_test

import rego.v1

import data.lib.infracheck as lib
import data.terraform.backend.state_backend as rule

backend(type, config) := object.union(
	lib.mock_resource("terraform_backend.backend", {"type": type, "config": config}),
	{"address": "terraform.backend", "type": "terraform_backend", "name": "backend", "region": null, "action": null},
)

s3_config := {"bucket": "acme-state", "key": "prod/terraform.tfstate", "region": "us-east-1", "encrypt": true, "dynamodb_table": "locks"}

test_encrypted_locked_s3_passes if {
	inp := lib.mock_input([backend("s3", s3_config)])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_native_lockfile_passes if {
	inp := lib.mock_input([backend("s3", object.union(object.remove(s3_config, ["dynamodb_table"]), {"use_lockfile": true}))])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unencrypted_unlocked_fails if {
	inp := lib.mock_input([backend("s3", {"bucket": "acme-state", "key": "k", "region": "us-east-1", "encrypt": false, "dynamodb_table": ""})])
	rule.deny == {
		{"address": "terraform.backend", "message": "the S3 backend does not set encrypt = true"},
		{"address": "terraform.backend", "message": "the S3 backend has no state locking (dynamodb_table or use_lockfile = true)"},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_other_backends_fail if {
	inp := lib.mock_input([backend("local", {"path": "terraform.tfstate"})])
	rule.deny == {{"address": "terraform.backend", "message": `the Terraform backend is "local", not an encrypted S3 backend with locking`}} with input as inp
	inp2 := lib.mock_input([backend("remote", {"organization": "acme"})])
	count(rule.deny) == 1 with input as inp2
}

test_partial_configuration_is_unknown if {
	inp := lib.mock_input([backend("s3", {})])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "terraform.backend", "message": "the S3 backend settings are supplied at init (partial configuration), so encryption and locking are not known"}} with input as inp
}

test_unknown_setting_is_unknown if {
	b := object.union(backend("s3", object.remove(s3_config, ["encrypt"])), {"unknown": {"config.encrypt": true}})
	inp := lib.mock_input([b])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "terraform.backend", "message": "the backend settings are not known"}} with input as inp
}

test_plans_have_no_backend if {
	inp := lib.mock_input([lib.mock_resource("module.state.aws_s3_bucket.state", {})])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}
