package aws.tagging.cost_allocation_tags_test

import rego.v1

import data.aws.tagging.cost_allocation_tags as rule
import data.lib.infracheck as lib

cfg := {"required_tags": ["Environment", "Owner", "CostCenter"]}

full := {"Environment": "production", "Owner": "platform-team", "CostCenter": "CC-1042"}

denied(inp) := d if {
	d := rule.deny with input as inp with data.infracheck.config as cfg
}

unknowns(inp) := u if {
	u := rule.unknown with input as inp with data.infracheck.config as cfg
}

test_tags_all_from_default_tags_passes if {
	inp := lib.mock_input([
		lib.mock_resource("aws_vpc.a", {"tags": null, "tags_all": full}),
		lib.mock_resource("module.app.aws_s3_bucket.b", {"tags": full, "tags_all": full}),
	])
	count(denied(inp)) == 0
	count(unknowns(inp)) == 0
}

test_missing_tags_fail if {
	inp := lib.mock_input([
		lib.mock_resource("aws_vpc.a", {"tags": {"Name": "a"}, "tags_all": {"Name": "a", "Owner": "x"}}),
		lib.mock_resource("module.app.aws_lb.web", {"tags": {"Environment": "production", "Owner": "", "CostCenter": "CC"}, "tags_all": {"Environment": "production", "Owner": "", "CostCenter": "CC"}}),
	])
	denied(inp) == {
		{"address": "aws_vpc.a", "message": "missing required tags: Environment, CostCenter"},
		{"address": "module.app.aws_lb.web", "message": "missing required tags: Owner"},
	}
	count(unknowns(inp)) == 0
}

test_untagged_resource_fails if {
	inp := lib.mock_input([lib.mock_resource("aws_kms_key.k", {}), lib.mock_resource("module.m.aws_sns_topic.t", {"tags": null, "tags_all": null})])
	denied(inp) == {
		{"address": "aws_kms_key.k", "message": "missing required tags: Environment, Owner, CostCenter"},
		{"address": "module.m.aws_sns_topic.t", "message": "missing required tags: Environment, Owner, CostCenter"},
	}
}

test_non_taggable_type_not_concerned if {
	inp := lib.mock_input([lib.mock_resource("aws_route_table_association.a", {})])
	count(denied(inp)) == 0
}

test_required_tags_setting_changes_verdict if {
	inp := lib.mock_input([lib.mock_resource("aws_vpc.a", {"tags_all": {"Team": "x"}})])
	count(rule.deny) == 0 with input as inp with data.infracheck.config as {"required_tags": ["Team"]}
	count(rule.deny) == 1 with input as inp with data.infracheck.config as cfg
}

test_unknown_tags_all_with_own_tags_passes if {
	r := object.union(lib.mock_resource("aws_subnet.a", {"tags": full}), {"unknown": {"tags_all": true}})
	inp := lib.mock_input([r])
	count(denied(inp)) == 0
	count(unknowns(inp)) == 0
}

test_unknown_tags_all_is_unknown if {
	r := object.union(lib.mock_resource("aws_subnet.a", {"tags": {"Owner": "x"}}), {"unknown": {"tags_all": true}})
	inp := lib.mock_input([r])
	count(denied(inp)) == 0
	unknowns(inp) == {{"address": "aws_subnet.a", "message": "required tags not known until apply: Environment, CostCenter"}}
}

test_unknown_tag_value_is_unknown if {
	r := object.union(
		lib.mock_resource("aws_subnet.a", {"tags": {"Environment": "p", "Owner": "x"}, "tags_all": {"Environment": "p", "Owner": "x"}}),
		{"unknown": {"tags.CostCenter": true, "tags_all.CostCenter": true}},
	)
	inp := lib.mock_input([r])
	count(denied(inp)) == 0
	count(unknowns(inp)) == 1
}

test_known_missing_wins_over_unknown if {
	r := object.union(lib.mock_resource("aws_subnet.a", {"tags": {"Owner": "x"}, "tags_all": {"Owner": "x"}}), {"unknown": {"tags.CostCenter": true}})
	inp := lib.mock_input([r])
	denied(inp) == {{"address": "aws_subnet.a", "message": "missing required tags: Environment"}}
}

asg_tags(tags) := [{"key": k, "value": v, "propagate_at_launch": true} | some k, v in tags]

test_asg_tag_blocks if {
	ok := lib.mock_resource("module.primary.aws_autoscaling_group.app", {"tag": asg_tags(full)})
	bad := lib.mock_resource("aws_autoscaling_group.b", {"tag": asg_tags({"Owner": "x"})})
	inp := lib.mock_input([ok, bad])
	denied(inp) == {{"address": "aws_autoscaling_group.b", "message": "missing required tags: Environment, CostCenter"}}
}

test_asg_tag_resources if {
	asg := lib.mock_resource("aws_autoscaling_group.a", {"tag": asg_tags({"Owner": "x", "Environment": "p"})})
	t := object.union(
		lib.mock_resource("aws_autoscaling_group_tag.cc", {"tag": [{"key": "CostCenter", "value": "CC", "propagate_at_launch": true}]}),
		{"references": {"autoscaling_group_name": ["aws_autoscaling_group.a"]}},
	)
	inp := lib.mock_input([asg, t])
	count(denied(inp)) == 0
}

test_asg_unknown_tag_is_unknown if {
	asg := object.union(lib.mock_resource("aws_autoscaling_group.a", {"tag": asg_tags(full)}), {"unknown": {"tag": true}})
	inp := lib.mock_input([object.union(asg, {"values": {"tag": null}})])
	count(denied(inp)) == 0
	count(unknowns(inp)) == 1
}

test_asg_live_tags if {
	asg := lib.mock_resource("aws_autoscaling_group.live", {"tags": full})
	inp := lib.mock_input([asg])
	count(denied(inp)) == 0
	count(unknowns(inp)) == 0
}

test_unknown_own_tags_without_tags_all_is_unknown if {
	r := object.union(lib.mock_resource("aws_subnet.a", {}), {"unknown": {"tags": true}})
	inp := lib.mock_input([r])
	count(denied(inp)) == 0
	unknowns(inp) == {{"address": "aws_subnet.a", "message": "required tags not known until apply: Environment, Owner, CostCenter"}}
}
