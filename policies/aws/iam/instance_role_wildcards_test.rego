package aws.iam.instance_role_wildcards_test

import rego.v1

import data.aws.iam.instance_role_wildcards as rule
import data.lib.infracheck as lib

doc(statements) := json.marshal({"Version": "2012-10-17", "Statement": statements})

ec2_trust := doc([{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}])

allow(actions, resources) := {"Effect": "Allow", "Action": actions, "Resource": resources}

scoped := allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::static/*")

# A v5 role being created: inline_policy and managed_policy_arns are provider-filled.
role(address, name) := object.union(
	lib.mock_resource(address, {"name": name, "assume_role_policy": ec2_trust}),
	{"unknown": {"arn": true, "id": true, "inline_policy": true, "managed_policy_arns": true}},
)

profile(address, role_address, role_name) := object.union(
	lib.mock_resource(address, {"name": "p", "role": role_name}),
	{"references": {"role": [role_address]}},
)

role_policy(address, role_address, policy_doc) := object.union(
	lib.mock_resource(address, {"name": "p", "policy": policy_doc}),
	{"references": {"role": [role_address]}, "unknown": {"role": true, "id": true}},
)

managed_policy(address, policy_doc) := object.union(
	lib.mock_resource(address, {"name": "m", "policy": policy_doc}),
	{"unknown": {"arn": true, "id": true}},
)

attachment(address, role_address, policy_address) := object.union(
	lib.mock_resource(address, {"role": "app-instance-role"}),
	{"references": {"role": [role_address], "policy_arn": [policy_address]}, "unknown": {"policy_arn": true}},
)

aws_attachment(address, role_address, arn) := object.union(
	lib.mock_resource(address, {"role": "app-instance-role", "policy_arn": arn}),
	{"references": {"role": [role_address]}},
)

app := role("aws_iam_role.app", "app-instance-role")

app_profile := profile("aws_iam_instance_profile.app", "aws_iam_role.app", "app-instance-role")

msg_unknown := "the role's policies are not known until apply"

test_least_privilege_instance_role_passes if {
	inp := lib.mock_input([
		app, app_profile,
		role_policy("aws_iam_role_policy.s3", "aws_iam_role.app", doc([scoped, allow("s3:ListAllMyBuckets", "*")])),
		aws_attachment("aws_iam_role_policy_attachment.ssm", "aws_iam_role.app", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"),
		managed_policy("aws_iam_policy.ddb", doc([allow("dynamodb:*", "arn:aws:dynamodb:us-east-1:123456789012:table/app")])),
		attachment("aws_iam_role_policy_attachment.ddb", "aws_iam_role.app", "aws_iam_policy.ddb"),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_service_wildcards_fail if {
	inp := lib.mock_input([
		app, app_profile,
		role_policy("aws_iam_role_policy.s3", "aws_iam_role.app", doc([scoped, allow(["s3:*", "S3:GetObject"], ["*"])])),
		managed_policy("aws_iam_policy.ddb", doc([allow("dynamodb:*", "*"), allow("sqs:*", "*")])),
		attachment("aws_iam_role_policy_attachment.ddb", "aws_iam_role.app", "aws_iam_policy.ddb"),
		aws_attachment("aws_iam_role_policy_attachment.admin", "aws_iam_role.app", "arn:aws:iam::aws:policy/AdministratorAccess"),
		aws_attachment("aws_iam_role_policy_attachment.ssm", "aws_iam_role.app", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"),
	])
	rule.deny == {
		{"address": "aws_iam_role.app", "message": "aws_iam_role_policy.s3 allows s3:* on Resource \"*\""},
		{"address": "aws_iam_role.app", "message": "aws_iam_policy.ddb (attached by aws_iam_role_policy_attachment.ddb) allows dynamodb:*, sqs:* on Resource \"*\""},
		{"address": "aws_iam_role.app", "message": "AWS managed policy arn:aws:iam::aws:policy/AdministratorAccess is attached by aws_iam_role_policy_attachment.admin"},
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_full_wildcard_and_inline_blocks_and_managed_arns_fail if {
	r := object.union(lib.mock_resource("aws_iam_role.app", {
		"name": "app-instance-role", "assume_role_policy": ec2_trust,
		"inline_policy": [{"name": "all", "policy": doc([allow("*", "*")])}],
		"managed_policy_arns": ["arn:aws:iam::aws:policy/AmazonS3FullAccess", "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"],
	}), {})
	inp := lib.mock_input([r, app_profile])
	rule.deny == {
		{"address": "aws_iam_role.app", "message": "inline policy all allows * on Resource \"*\""},
		{"address": "aws_iam_role.app", "message": "AWS managed policy arn:aws:iam::aws:policy/AmazonS3FullAccess is attached (managed_policy_arns)"},
	} with input as inp
}

test_roles_without_instance_profile_are_out_of_scope if {
	lambda := role("aws_iam_role.lambda", "lambda")
	inp := lib.mock_input([
		app, app_profile, lambda,
		role_policy("aws_iam_role_policy.lambda", "aws_iam_role.lambda", doc([allow("s3:*", "*")])),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_reference_through_policy_text_is_not_a_link if {
	# The lambda role's policy names the app role's ARN (iam:PassRole): it is not the app role's.
	lambda := role("aws_iam_role.lambda", "lambda")
	p := object.union(
		role_policy("aws_iam_role_policy.lambda", "aws_iam_role.lambda", doc([allow("iam:*", "*")])),
		{"references": {"role": ["aws_iam_role.lambda"], "policy": ["aws_iam_role.app"]}},
	)
	inp := lib.mock_input([app, app_profile, lambda, p])
	count(rule.deny) == 0 with input as inp
}

test_join_by_role_name if {
	# Hard-coded names (and live data) join by value.
	p := lib.mock_resource("aws_iam_role_policy.named", {"role": "app-instance-role", "policy": doc([allow("ec2:*", "*")])})
	prof := lib.mock_resource("aws_iam_instance_profile.named", {"role": "app-instance-role"})
	inp := lib.mock_input([app, prof, p])
	rule.deny == {{"address": "aws_iam_role.app", "message": "aws_iam_role_policy.named allows ec2:* on Resource \"*\""}} with input as inp
}

test_legacy_policy_attachment if {
	pol := managed_policy("aws_iam_policy.all_s3", doc([allow("s3:*", "*")]))
	a := object.union(
		lib.mock_resource("aws_iam_policy_attachment.all_s3", {"name": "x", "roles": ["app-instance-role"]}),
		{"references": {"roles": ["aws_iam_role.app"], "policy_arn": ["aws_iam_policy.all_s3"]}, "unknown": {"policy_arn": true}},
	)
	inp := lib.mock_input([app, app_profile, pol, a])
	rule.deny == {{"address": "aws_iam_role.app", "message": "aws_iam_policy.all_s3 (attached by aws_iam_policy_attachment.all_s3) allows s3:* on Resource \"*\""}} with input as inp
}

test_unknown_documents_are_unknown if {
	p := object.union(role_policy("aws_iam_role_policy.x", "aws_iam_role.app", ""), {"values": {"name": "p"}, "unknown": {"policy": true}})
	inp := lib.mock_input([app, app_profile, p])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_iam_role.app", "message": msg_unknown}} with input as inp
}

test_unknown_attachment_is_unknown if {
	a := object.union(lib.mock_resource("aws_iam_role_policy_attachment.x", {"role": "app-instance-role"}), {"references": {"role": ["aws_iam_role.app"]}, "unknown": {"policy_arn": true}})
	inp := lib.mock_input([app, app_profile, a])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_iam_role.app", "message": msg_unknown}} with input as inp
}

test_data_source_actions if {
	scoped_ds := object.union(
		lib.mock_data_source("data.aws_iam_policy_document.read", {"statement": [{"actions": ["secretsmanager:GetSecretValue"]}]}),
		{"unknown": {"json": true, "statement.0.resources": true}},
	)
	wide_ds := object.union(
		lib.mock_data_source("data.aws_iam_policy_document.wide", {"statement": [{"actions": ["kms:*"]}]}),
		{"unknown": {"json": true, "statement.0.resources": true}},
	)
	p1 := object.union(role_policy("aws_iam_role_policy.read", "aws_iam_role.app", ""), {"values": {"name": "p"}, "unknown": {"policy": true}, "references": {"role": ["aws_iam_role.app"], "policy": [scoped_ds.address]}})
	p2 := object.union(role_policy("aws_iam_role_policy.wide", "aws_iam_role.app", ""), {"values": {"name": "p"}, "unknown": {"policy": true}, "references": {"role": ["aws_iam_role.app"], "policy": [wide_ds.address]}})
	inp := object.union(lib.mock_input([app, app_profile, p1]), {"data_sources": {scoped_ds.address: scoped_ds}})
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
	inp2 := object.union(lib.mock_input([app, app_profile, p1, p2]), {"data_sources": {scoped_ds.address: scoped_ds, wide_ds.address: wide_ds}})
	count(rule.deny) == 0 with input as inp2
	rule.unknown == {{"address": "aws_iam_role.app", "message": msg_unknown}} with input as inp2
}

test_unresolved_profile_role_is_unknown if {
	lambda := role("aws_iam_role.other", "other")
	prof := object.union(lib.mock_resource("aws_iam_instance_profile.x", {"name": "x"}), {"unknown": {"role": true}})
	inp := lib.mock_input([
		lambda, prof,
		role_policy("aws_iam_role_policy.other", "aws_iam_role.other", doc([allow("s3:*", "*")])),
	])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_iam_role.other", "message": "the role may be used by an instance profile whose role is not known until apply"}} with input as inp
}

test_policy_with_unresolved_role_is_unknown if {
	stray := object.union(lib.mock_resource("aws_iam_role_policy.stray", {"name": "p", "policy": doc([allow("s3:*", "*")])}), {"unknown": {"role": true}})
	inp := lib.mock_input([app, app_profile, stray])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_iam_role.app", "message": "policies whose role is not known until apply may hold service-wide wildcards"}} with input as inp
}

test_module_roles if {
	r := role(`module.app["web"].aws_iam_role.this`, "web")
	prof := profile(`module.app["web"].aws_iam_instance_profile.this`, `module.app["web"].aws_iam_role.this`, "web")
	p := role_policy(`module.app["web"].aws_iam_role_policy.this`, `module.app["web"].aws_iam_role.this`, doc([allow("dynamodb:*", "*")]))
	ok := role(`module.app["api"].aws_iam_role.this`, "api")
	okprof := profile(`module.app["api"].aws_iam_instance_profile.this`, `module.app["api"].aws_iam_role.this`, "api")
	inp := lib.mock_input([r, prof, p, ok, okprof])
	rule.deny == {{"address": `module.app["web"].aws_iam_role.this`, "message": `module.app["web"].aws_iam_role_policy.this allows dynamodb:* on Resource "*"`}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_managed_policy_arns_reference_customer_policy if {
	pol := managed_policy("aws_iam_policy.all_s3", doc([allow("s3:*", "*")]))
	r := object.union(lib.mock_resource("aws_iam_role.app", {
		"name": "app-instance-role", "assume_role_policy": ec2_trust,
		"managed_policy_arns": [null, "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
	}), {"unknown": {"managed_policy_arns.0": true, "inline_policy": true}, "references": {"managed_policy_arns": ["aws_iam_policy.all_s3"]}})
	inp := lib.mock_input([r, app_profile, pol])
	rule.deny == {{"address": "aws_iam_role.app", "message": "aws_iam_policy.all_s3 (managed_policy_arns) allows s3:* on Resource \"*\""}} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_managed_policy_arns_unknown_element_is_unknown if {
	r := object.union(lib.mock_resource("aws_iam_role.app", {
		"name": "app-instance-role", "assume_role_policy": ec2_trust, "managed_policy_arns": [null],
	}), {"unknown": {"managed_policy_arns.0": true, "inline_policy": true}})
	inp := lib.mock_input([r, app_profile])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {{"address": "aws_iam_role.app", "message": msg_unknown}} with input as inp
}
