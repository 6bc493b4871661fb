package aws.secretsmanager.rotation_test

import rego.v1

import data.aws.secretsmanager.rotation as rule
import data.lib.infracheck as lib

secret(address) := lib.mock_resource(address, {"name": "s"})

rotation(address, secret_address, values) := object.union(
	lib.mock_resource(address, values),
	{"references": {"secret_id": [secret_address], "rotation_lambda_arn": ["aws_lambda_function.rotate"]}},
)

rules := {"rotation_rules": [{"automatically_after_days": 30}]}

msg_none := "secret has no automatic rotation (no aws_secretsmanager_secret_rotation)"

test_rotation_resource_passes if {
	inp := lib.mock_input([secret("aws_secretsmanager_secret.a"), rotation("aws_secretsmanager_secret_rotation.a", "aws_secretsmanager_secret.a", rules)])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_inline_v3_rotation_passes if {
	s := lib.mock_resource("aws_secretsmanager_secret.a", object.union({"name": "s", "rotation_lambda_arn": "arn:aws:lambda:us-east-1:1:function:r"}, rules))
	inp := lib.mock_input([s])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_no_rotation_fails if {
	inp := lib.mock_input([secret("aws_secretsmanager_secret.a")])
	rule.deny == {{"address": "aws_secretsmanager_secret.a", "message": msg_none}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_rotation_of_other_secret_does_not_count if {
	inp := lib.mock_input([
		secret("module.app.aws_secretsmanager_secret.this[0]"),
		secret("module.app.aws_secretsmanager_secret.this[1]"),
		rotation("module.app.aws_secretsmanager_secret_rotation.this[0]", "module.app.aws_secretsmanager_secret.this[0]", rules),
	])
	rule.deny == {{"address": "module.app.aws_secretsmanager_secret.this[1]", "message": msg_none}} with input as inp
}

test_disabled_rotation_fails if {
	inp := lib.mock_input([
		secret("aws_secretsmanager_secret.a"),
		rotation("aws_secretsmanager_secret_rotation.a", "aws_secretsmanager_secret.a", object.union(rules, {"rotation_enabled": false})),
	])
	rule.deny == {{"address": "aws_secretsmanager_secret.a", "message": "rotation aws_secretsmanager_secret_rotation.a is disabled or has no rotation_rules"}} with input as inp
}

test_unknown_rules_are_unknown if {
	r := object.union(rotation("aws_secretsmanager_secret_rotation.a", "aws_secretsmanager_secret.a", {}), {"unknown": {"rotation_rules": true}})
	inp := lib.mock_input([secret("aws_secretsmanager_secret.a"), r])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_secretsmanager_secret.a", "message": "automatic rotation of the secret is not known until apply"}} with input as inp
}

test_unresolved_rotation_is_unknown if {
	inp := object.union(lib.mock_input([secret("aws_secretsmanager_secret.a")]), {"unresolved": {"aws_secretsmanager_secret_rotation": ["aws_secretsmanager_secret_rotation.x"]}})
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 1 with input as inp
}
