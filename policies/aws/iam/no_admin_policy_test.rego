package aws.iam.no_admin_policy_test

import rego.v1

import data.aws.iam.no_admin_policy as rule
import data.lib.infracheck as lib

doc(statements) := json.marshal({"Version": "2012-10-17", "Statement": statements})

admin := {"Effect": "Allow", "Action": "*", "Resource": "*"}

read_logs := {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "arn:aws:logs:*:123456789012:log-group:/app/*"}

policy(address, policy_doc) := lib.mock_resource(address, {"name": "p", "policy": policy_doc})

msg_admin := "the policy allows Action \"*\" on Resource \"*\""

msg_unknown := "the policy is not known until apply"

role(address, values) := lib.mock_resource(address, object.union({
	"name": "r",
	"assume_role_policy": doc([{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}]),
}, values))

test_scoped_policies_pass if {
	inp := lib.mock_input([
		policy("aws_iam_policy.a", doc([read_logs])),
		policy("aws_iam_role_policy.b", doc([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}])),
		policy("aws_iam_user_policy.c", doc([{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/*"}])),
		policy("aws_iam_group_policy.d", doc([{"Effect": "Deny", "Action": "*", "Resource": "*"}])),
		role("aws_iam_role.e", {"inline_policy": [{"name": "logs", "policy": doc([read_logs])}]}),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_admin_policies_fail if {
	inp := lib.mock_input([
		policy("aws_iam_policy.a", doc([read_logs, admin])),
		policy("aws_iam_role_policy.b", doc([{"Effect": "Allow", "Action": ["s3:GetObject", "*"], "Resource": ["*"]}])),
		policy("aws_iam_user_policy.c", json.marshal({"Version": "2012-10-17", "Statement": admin})),
		policy("aws_iam_group_policy.d", doc([{"Effect": "Allow", "Action": "*:*", "Resource": "*"}])),
		policy("aws_iam_policy.ok", doc([read_logs])),
	])
	rule.deny == {
		{"address": "aws_iam_policy.a", "message": msg_admin},
		{"address": "aws_iam_role_policy.b", "message": msg_admin},
		{"address": "aws_iam_user_policy.c", "message": msg_admin},
		{"address": "aws_iam_group_policy.d", "message": msg_admin},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_role_inline_policy_fails if {
	r := role("aws_iam_role.a", {"inline_policy": [{"name": "logs", "policy": doc([read_logs])}, {"name": "everything", "policy": doc([admin])}]})
	inp := lib.mock_input([r])
	rule.deny == {{"address": "aws_iam_role.a", "message": "inline policy everything allows Action \"*\" on Resource \"*\""}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_role_inline_policy_filled_in_by_provider_is_not_evaluated if {
	# v5 plans: inline_policy left out of the configuration is unknown as a whole.
	r := object.union(role("aws_iam_role.a", {}), {"unknown": {"inline_policy": true, "managed_policy_arns": true, "arn": true}})
	inp := lib.mock_input([r])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_unknown_policies_are_unknown if {
	a := object.union(lib.mock_resource("aws_iam_policy.a", {"name": "p"}), {"unknown": {"policy": true}})
	b := policy("aws_iam_role_policy.b", "(sensitive)")
	c := policy("aws_iam_user_policy.c", "not json")
	d := object.union(role("aws_iam_role.d", {"inline_policy": [{"name": "x"}]}), {"unknown": {"inline_policy.0.policy": true}})
	inp := lib.mock_input([a, b, c, d])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {
		{"address": "aws_iam_policy.a", "message": msg_unknown},
		{"address": "aws_iam_role_policy.b", "message": msg_unknown},
		{"address": "aws_iam_user_policy.c", "message": msg_unknown},
		{"address": "aws_iam_role.d", "message": "inline policy x is not known until apply"},
	} with input as inp
}

ds(address, statements, unknown) := object.union(
	lib.mock_data_source(address, {"statement": statements}),
	{"unknown": object.union({"json": true, "minified_json": true, "id": true}, unknown)},
)

from_ds(address, ds_address) := object.union(
	lib.mock_resource(address, {"name": "p"}),
	{"unknown": {"policy": true}, "references": {"policy": [ds_address]}},
)

test_data_source_statements if {
	narrow := ds("data.aws_iam_policy_document.narrow", [{"effect": "Allow", "actions": ["secretsmanager:GetSecretValue"]}], {"statement.0.resources": true})
	wide := ds("data.aws_iam_policy_document.wide", [{"actions": ["*"], "resources": ["*"]}], {})
	maybe := ds("data.aws_iam_policy_document.maybe", [{"effect": "Allow", "actions": ["*"]}], {"statement.0.resources": true})
	inp := object.union(
		lib.mock_input([
			from_ds("aws_iam_role_policy.narrow", narrow.address),
			from_ds("aws_iam_role_policy.wide", wide.address),
			from_ds("aws_iam_role_policy.maybe", maybe.address),
		]),
		{"data_sources": {narrow.address: narrow, wide.address: wide, maybe.address: maybe}},
	)
	rule.deny == {{"address": "aws_iam_role_policy.wide", "message": msg_admin}} with input as inp
	rule.unknown == {{"address": "aws_iam_role_policy.maybe", "message": msg_unknown}} with input as inp
}

test_data_source_json_is_read if {
	d := object.union(lib.mock_data_source("data.aws_iam_policy_document.a", {"json": doc([admin])}), {})
	inp := object.union(lib.mock_input([from_ds("aws_iam_policy.a", d.address)]), {"data_sources": {d.address: d}})
	rule.deny == {{"address": "aws_iam_policy.a", "message": msg_admin}} with input as inp
}

test_data_source_statements_unknown_is_unknown if {
	d := object.union(lib.mock_data_source("data.aws_iam_policy_document.a", {}), {"unknown": {"json": true, "statement": true}})
	inp := object.union(lib.mock_input([from_ds("aws_iam_policy.a", d.address)]), {"data_sources": {d.address: d}})
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_iam_policy.a", "message": msg_unknown}} with input as inp
}

test_module_policies if {
	ok := policy(`module.iam.aws_iam_policy.this["logs"]`, doc([read_logs]))
	bad := policy(`module.iam.aws_iam_policy.this["admin"]`, doc([admin]))
	inp := lib.mock_input([ok, bad])
	rule.deny == {{"address": `module.iam.aws_iam_policy.this["admin"]`, "message": msg_admin}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_not_action_and_admin_text_without_admin_statement if {
	# NotAction is out of this rule's scope; "*" in other places (a Principal, a
	# Condition) is parsed and does not count.
	not_action := {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
	principal_star := {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
	inp := lib.mock_input([policy("aws_iam_policy.a", doc([not_action])), policy("aws_iam_policy.b", doc([principal_star]))])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_aws_managed_policies_are_not_evaluated if {
	managed := lib.mock_resource("aws_iam_policy.123456789012/global/AdministratorAccess", {
		"name": "AdministratorAccess", "arn": "arn:aws:iam::aws:policy/AdministratorAccess", "policy": doc([admin]),
	})
	own := lib.mock_resource("aws_iam_policy.123456789012/global/admin", {
		"name": "admin", "arn": "arn:aws:iam::123456789012:policy/admin", "policy": doc([admin]),
	})
	inp := object.union(lib.mock_input([managed, own]), {"scan": {"source": "live"}})
	rule.deny == {{"address": "aws_iam_policy.123456789012/global/admin", "message": msg_admin}} with input as inp
}
