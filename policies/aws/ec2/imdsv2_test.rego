package aws.ec2.imdsv2_test

import rego.v1

import data.aws.ec2.imdsv2 as rule
import data.lib.infracheck as lib

metadata(tokens) := {"metadata_options": [{"http_endpoint": "enabled", "http_tokens": tokens, "http_put_response_hop_limit": 1}]}

test_required_passes if {
	inp := lib.mock_input([
		lib.mock_resource("aws_launch_template.app", metadata("required")),
		lib.mock_resource("aws_instance.app", metadata("required")),
	])
	count(rule.deny) == 0 with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_optional_fails if {
	inp := lib.mock_input([
		lib.mock_resource("aws_launch_template.app", metadata("optional")),
		lib.mock_resource("aws_instance.app", metadata("optional")),
	])
	rule.deny == {
		lib.result({"address": "aws_launch_template.app"}, `metadata_options.http_tokens is "optional": IMDSv1 is allowed`),
		lib.result({"address": "aws_instance.app"}, `metadata_options.http_tokens is "optional": IMDSv1 is allowed`),
	} with input as inp
	count(rule.unknown) == 0 with input as inp
}

test_launch_template_without_block_fails if {
	inp := lib.mock_input([lib.mock_resource("aws_launch_template.app", {"metadata_options": []}), lib.mock_resource("aws_launch_template.b", {})])
	rule.deny == {
		lib.result({"address": "aws_launch_template.app"}, "no metadata_options block: IMDSv1 is allowed"),
		lib.result({"address": "aws_launch_template.b"}, "no metadata_options block: IMDSv1 is allowed"),
	} with input as inp
}

test_tokens_not_set_fails if {
	inp := lib.mock_input([lib.mock_resource("aws_launch_template.app", {"metadata_options": [{"http_endpoint": "enabled", "http_tokens": null}]})])
	rule.deny == {lib.result({"address": "aws_launch_template.app"}, "metadata_options.http_tokens is not set: IMDSv1 is allowed")} with input as inp
}

test_instance_block_left_out_is_unknown if {
	i := object.union(lib.mock_resource("aws_instance.app", {"ami": "ami-1"}), {"unknown": {"metadata_options": true}})
	inp := lib.mock_input([i])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.result(i, "the IMDS settings (metadata_options) are not known until apply")} with input as inp
}

test_tokens_left_to_the_provider_are_unknown if {
	lt := object.union(lib.mock_resource("aws_launch_template.app", {"metadata_options": [{"http_endpoint": "enabled"}]}), {"unknown": {"metadata_options.0.http_tokens": true}})
	inp := lib.mock_input([lt])
	count(rule.deny) == 0 with input as inp
	rule.unknown == {lib.result(lt, "metadata_options.http_tokens is not known until apply")} with input as inp
}

test_module_launch_templates if {
	inp := lib.mock_input([
		lib.mock_resource("module.primary.aws_launch_template.app", metadata("required")),
		lib.mock_resource(`module.secondary["b"].aws_launch_template.app`, metadata("optional")),
	])
	rule.deny == {lib.result({"address": `module.secondary["b"].aws_launch_template.app`}, `metadata_options.http_tokens is "optional": IMDSv1 is allowed`)} with input as inp
}
