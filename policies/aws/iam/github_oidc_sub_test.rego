package aws.iam.github_oidc_sub_test

import rego.v1

import data.aws.iam.github_oidc_sub as rule
import data.lib.infracheck as lib

provider_arn := "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"

trust(condition) := json.marshal({"Version": "2012-10-17", "Statement": [{
	"Effect": "Allow",
	"Action": "sts:AssumeRoleWithWebIdentity",
	"Principal": {"Federated": provider_arn},
	"Condition": condition,
}]})

aud := {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}

role(address, policy) := lib.mock_resource(address, {"name": "deploy", "assume_role_policy": policy})

msg_no_sub := "the trust policy lets GitHub Actions (token.actions.githubusercontent.com) assume the role with no StringEquals/StringLike condition on token.actions.githubusercontent.com:sub"

msg_broad(values) := sprintf("the trust policy's token.actions.githubusercontent.com:sub condition allows %s, not one repository (repo:<owner>/<repo>)", [values])

test_repository_restricted_passes if {
	inp := lib.mock_input([
		role("aws_iam_role.a", trust({"StringEquals": aud, "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/infra:*"}})),
		role("aws_iam_role.b", trust({"StringEquals": object.union(aud, {"token.actions.githubusercontent.com:sub": ["repo:acme/infra:ref:refs/heads/main", "repo:acme/infra:environment:prod"]})})),
		role("aws_iam_role.c", trust({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/infra"}})),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_other_trust_policies_are_out_of_scope if {
	ec2 := json.marshal({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}})
	other_oidc := json.marshal({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.com"}}]})
	inp := lib.mock_input([role("aws_iam_role.a", ec2), role("aws_iam_role.b", other_oidc), role("aws_iam_role.c", "")])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_missing_sub_condition_fails if {
	inp := lib.mock_input([
		role("aws_iam_role.a", trust({"StringEquals": aud})),
		role("aws_iam_role.b", trust(null)),
		role("aws_iam_role.c", trust({"StringLikeIfExists": {"token.actions.githubusercontent.com:sub": "repo:acme/infra:*"}})),
	])
	rule.deny == {
		{"address": "aws_iam_role.a", "message": msg_no_sub},
		{"address": "aws_iam_role.b", "message": msg_no_sub},
		{"address": "aws_iam_role.c", "message": msg_no_sub},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_broad_sub_condition_fails if {
	inp := lib.mock_input([
		role("aws_iam_role.a", trust({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}})),
		role("aws_iam_role.b", trust({"StringLike": {"token.actions.githubusercontent.com:sub": ["repo:acme/infra:*", "repo:acme/*"]}})),
		role("aws_iam_role.c", trust({"StringLike": {"token.actions.githubusercontent.com:sub": "*"}})),
		role("aws_iam_role.d", trust({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/infra*"}})),
	])
	rule.deny == {
		{"address": "aws_iam_role.a", "message": msg_broad("repo:*")},
		{"address": "aws_iam_role.b", "message": msg_broad("repo:acme/*, repo:acme/infra:*")},
		{"address": "aws_iam_role.c", "message": msg_broad("*")},
		{"address": "aws_iam_role.d", "message": msg_broad("repo:acme/infra*")},
	} with input as inp
}

test_unknown_trust_policy_is_unknown if {
	a := object.union(lib.mock_resource("aws_iam_role.a", {"name": "deploy"}), {"unknown": {"assume_role_policy": true}})
	inp := lib.mock_input([a, role("aws_iam_role.b", "(sensitive)")])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {
		{"address": "aws_iam_role.a", "message": "the trust policy is not known until apply"},
		{"address": "aws_iam_role.b", "message": "the trust policy is not known until apply"},
	} with input as inp
}

github_ds(address, conditions, unknown) := object.union(
	lib.mock_data_source(address, {"statement": [{
		"effect": "Allow", "actions": ["sts:AssumeRoleWithWebIdentity"],
		"principals": [{"type": "Federated"}],
		"condition": conditions,
	}]}),
	{"unknown": object.union({"json": true, "statement.0.principals.0.identifiers": true}, unknown)},
)

from_ds(address, ds_address) := object.union(
	lib.mock_resource(address, {"name": "deploy"}),
	{"unknown": {"assume_role_policy": true}, "references": {"assume_role_policy": [ds_address]}},
)

sub(test, values) := {"test": test, "variable": "token.actions.githubusercontent.com:sub", "values": values}

test_data_source_with_unknown_provider_arn if {
	# The OIDC provider is created in the same plan: its ARN is unknown, the
	# GitHub condition keys tell which provider it is.
	ok := github_ds("module.ci.data.aws_iam_policy_document.ok", [sub("StringLike", ["repo:acme/infra:*"])], {})
	bad := github_ds("module.ci.data.aws_iam_policy_document.bad", [sub("StringLike", ["repo:acme/*"])], {})
	inp := object.union(
		lib.mock_input([from_ds("module.ci.aws_iam_role.ok", ok.address), from_ds("module.ci.aws_iam_role.bad", bad.address)]),
		{"data_sources": {ok.address: ok, bad.address: bad}},
	)
	rule.deny == {{"address": "module.ci.aws_iam_role.bad", "message": msg_broad("repo:acme/*")}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_data_source_unknown_condition_values_are_unknown if {
	d := github_ds("data.aws_iam_policy_document.a", [{"test": "StringLike", "variable": "token.actions.githubusercontent.com:sub"}], {"statement.0.condition.0.values": true})
	inp := object.union(lib.mock_input([from_ds("aws_iam_role.a", d.address)]), {"data_sources": {d.address: d}})
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_iam_role.a", "message": "whether the trust policy restricts GitHub Actions to a repository is not known until apply"}} with input as inp
}

test_data_source_unknown_federated_principal_without_github_keys_is_unknown if {
	d := github_ds("data.aws_iam_policy_document.a", [], {})
	inp := object.union(lib.mock_input([from_ds("aws_iam_role.a", d.address)]), {"data_sources": {d.address: d}})
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_iam_role.a", "message": "whether the trust policy restricts GitHub Actions to a repository is not known until apply"}} with input as inp
}

test_module_roles if {
	ok := role(`module.ci.aws_iam_role.deploy[0]`, trust({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/infra:*"}}))
	bad := role(`module.ci.aws_iam_role.deploy[1]`, trust({"StringEquals": aud}))
	inp := lib.mock_input([ok, bad])
	rule.deny == {{"address": `module.ci.aws_iam_role.deploy[1]`, "message": msg_no_sub}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_deny_statements_and_single_statement_object if {
	deny_all := json.marshal({"Version": "2012-10-17", "Statement": {
		"Effect": "Deny", "Action": "sts:AssumeRoleWithWebIdentity",
		"Principal": {"Federated": provider_arn},
	}})
	single := json.marshal({"Version": "2012-10-17", "Statement": {
		"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
		"Principal": {"Federated": [provider_arn]},
		"Condition": {"StringEquals": aud},
	}})
	inp := lib.mock_input([role("aws_iam_role.a", deny_all), role("aws_iam_role.b", single)])
	rule.deny == {{"address": "aws_iam_role.b", "message": msg_no_sub}} with input as inp
	count(rule.unknown) == 0 with input as inp
}
