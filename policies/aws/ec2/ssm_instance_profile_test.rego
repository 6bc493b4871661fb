package aws.ec2.ssm_instance_profile_test

import rego.v1

import data.aws.ec2.ssm_instance_profile as rule
import data.lib.infracheck as lib

refs(r, references) := object.union(r, {"references": references, "unknown": object.union(r.unknown, {p: true | some p, _ in references})})

ssm_arn := "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"

role := object.union(lib.mock_resource("aws_iam_role.app", {"name": "app"}), {"unknown": {"managed_policy_arns": true}})

profile := object.union(lib.mock_resource("aws_iam_instance_profile.app", {"name": "app", "role": "app"}), {"references": {"role": ["aws_iam_role.app"]}})

attachment(address, arn) := object.union(lib.mock_resource(address, {"role": "app", "policy_arn": arn}), {"references": {"role": ["aws_iam_role.app"]}})

ssm_attachment := attachment(`aws_iam_role_policy_attachment.app["ssm"]`, ssm_arn)

iam := [role, profile, ssm_attachment, attachment(`aws_iam_role_policy_attachment.app["cw"]`, "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy")]

# Launch template of a plan: the profile name is known, and refers to the profile.
launch_template(address) := refs(
	lib.mock_resource(address, {"key_name": null, "iam_instance_profile": [{"name": "app", "arn": null}]}),
	{"iam_instance_profile.0.name": ["aws_iam_instance_profile.app"]},
)

# New instance: key_name left out is computed.
instance(address) := object.union(
	refs(lib.mock_resource(address, {"ami": "ami-1"}), {"iam_instance_profile": ["aws_iam_instance_profile.app"]}),
	{"unknown": {"iam_instance_profile": true, "key_name": true}},
)

test_profile_with_ssm_passes if {
	inp := lib.mock_input(array.concat(iam, [launch_template("aws_launch_template.app"), instance("aws_instance.app")]))
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_no_profile_fails if {
	lt := lib.mock_resource("aws_launch_template.app", {"iam_instance_profile": []})
	i := lib.mock_resource("aws_instance.app", {"iam_instance_profile": ""})
	i2 := object.union(lib.mock_resource("aws_instance.computed", {}), {"unknown": {"iam_instance_profile": true}})
	inp := lib.mock_input([lt, i, i2])
	rule.deny == {
		lib.result(lt, "no IAM instance profile"),
		lib.result(i, "no IAM instance profile"),
		lib.result(i2, "no IAM instance profile"),
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_role_without_ssm_fails if {
	rs := [r | some r in iam; r.address != ssm_attachment.address]
	inp := lib.mock_input(array.concat(rs, [launch_template("aws_launch_template.app")]))
	rule.deny == {lib.result(
		{"address": "aws_launch_template.app"},
		"role aws_iam_role.app of instance profile aws_iam_instance_profile.app does not have AmazonSSMManagedInstanceCore (Session Manager)",
	)} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_managed_policy_arns_on_the_role_pass if {
	r := lib.mock_resource("aws_iam_role.app", {"name": "app", "managed_policy_arns": ["arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedInstanceCore"]})
	inp := lib.mock_input([r, profile, launch_template("aws_launch_template.app")])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_policy_attachment_and_exclusive_forms_pass if {
	pa := object.union(lib.mock_resource("aws_iam_policy_attachment.ssm", {"roles": ["app"], "policy_arn": ssm_arn}), {"references": {"roles": ["aws_iam_role.app"]}})
	inp := lib.mock_input([role, profile, pa, launch_template("aws_launch_template.app")])
	count(rule.deny) == 0 with input as inp
	ex := object.union(lib.mock_resource("aws_iam_role_policy_attachments_exclusive.app", {"role_name": "app", "policy_arns": [ssm_arn]}), {"references": {"role_name": ["aws_iam_role.app"]}})
	inp2 := lib.mock_input([role, profile, ex, launch_template("aws_launch_template.app")])
	count(rule.deny) == 0 with input as inp2
	count(rule.unknown) == 0 with input as inp2
}

test_key_name_fails if {
	lt := object.union(launch_template("aws_launch_template.app"), {"values": {"key_name": "ops", "iam_instance_profile": [{"name": "app"}]}})
	i := refs(instance("aws_instance.app"), {"iam_instance_profile": ["aws_iam_instance_profile.app"], "key_name": ["aws_key_pair.ops"]})
	inp := lib.mock_input(array.concat(iam, [lt, i]))
	rule.deny == {
		lib.result(lt, "uses SSH key pair ops (key_name)"),
		lib.result(i, "uses SSH key pair aws_key_pair.ops (key_name)"),
	} with input as inp
}

test_unknown_key_name_is_unknown if {
	i := instance("aws_instance.app")
	inp := object.union(lib.mock_input(array.concat(iam, [i])), {"unresolved": {"aws_instance": ["aws_instance.app"]}})
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.result(i, "key_name is not known until apply")} with input as inp
}

test_profile_outside_the_scan_is_unknown if {
	lt := lib.mock_resource("aws_launch_template.app", {"iam_instance_profile": [{"name": "shared-profile", "arn": null}]})
	inp := lib.mock_input([lt])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.result(lt, "instance profile shared-profile is not in the scan, so its role cannot be checked")} with input as inp
}

test_unknown_policy_arn_is_unknown if {
	a := object.union(attachment("aws_iam_role_policy_attachment.x", null), {"unknown": {"policy_arn": true}})
	rs := [r | some r in iam; r.address != ssm_attachment.address]
	inp := object.union(lib.mock_input(array.concat(rs, [a, launch_template("aws_launch_template.app")])), {"unresolved": {"aws_iam_role_policy_attachment": ["aws_iam_role_policy_attachment.x"]}})
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.result(
		{"address": "aws_launch_template.app"},
		"whether role aws_iam_role.app of instance profile aws_iam_instance_profile.app has AmazonSSMManagedInstanceCore is not known until apply",
	)} with input as inp
}

test_custom_policy_is_not_ssm if {
	a := refs(attachment("aws_iam_role_policy_attachment.custom", null), {"role": ["aws_iam_role.app"], "policy_arn": ["aws_iam_policy.custom"]})
	rs := [r | some r in iam; r.address != ssm_attachment.address]
	inp := lib.mock_input(array.concat(rs, [a, lib.mock_resource("aws_iam_policy.custom", {}), launch_template("aws_launch_template.app")]))
	count(rule.deny) == 1 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_module_launch_templates if {
	ok := launch_template("module.primary.aws_launch_template.app")
	bad := lib.mock_resource("module.secondary.aws_launch_template.app", {"key_name": "legacy", "iam_instance_profile": []})
	inp := lib.mock_input(array.concat(iam, [ok, bad]))
	rule.deny == {
		lib.result(bad, "no IAM instance profile"),
		lib.result(bad, "uses SSH key pair legacy (key_name)"),
	} with input as inp
}
