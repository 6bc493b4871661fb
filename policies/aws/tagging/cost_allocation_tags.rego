# METADATA
# title: Taggable resources carry the cost-allocation tags
# description: >-
#   Every resource of the taggable types below carries each tag of required_tags
#   (default Environment, Owner, CostCenter) with a non-empty value, in tags_all
#   (which includes the provider's default_tags) or in its own tags. Auto Scaling
#   groups, which default_tags do not reach, carry them as tag blocks or through
#   aws_autoscaling_group_tag resources. A missing tag FAILS; a tag that is not set
#   in the resource's own tags while tags_all (or the tag's value) is unknown until
#   apply gives UNKNOWN.
# custom:
#   id: TAG-001
#   severity: low
#   per_resource: true
#   resource_types:
#     - aws_vpc
#     - aws_subnet
#     - aws_internet_gateway
#     - aws_nat_gateway
#     - aws_eip
#     - aws_route_table
#     - aws_network_acl
#     - aws_security_group
#     - aws_vpc_security_group_ingress_rule
#     - aws_vpc_security_group_egress_rule
#     - aws_flow_log
#     - aws_vpc_endpoint
#     - aws_vpc_peering_connection
#     - aws_ec2_transit_gateway
#     - aws_ec2_transit_gateway_vpc_attachment
#     - aws_ec2_transit_gateway_peering_attachment
#     - aws_instance
#     - aws_launch_template
#     - aws_autoscaling_group
#     - aws_ebs_volume
#     - aws_lb
#     - aws_alb
#     - aws_lb_listener
#     - aws_lb_target_group
#     - aws_s3_bucket
#     - aws_dynamodb_table
#     - aws_dax_cluster
#     - aws_elasticache_replication_group
#     - aws_elasticache_cluster
#     - aws_cloudfront_distribution
#     - aws_wafv2_web_acl
#     - aws_wafv2_ip_set
#     - aws_route53_zone
#     - aws_route53_health_check
#     - aws_acm_certificate
#     - aws_kms_key
#     - aws_secretsmanager_secret
#     - aws_iam_role
#     - aws_iam_policy
#     - aws_iam_instance_profile
#     - aws_cloudwatch_log_group
#     - aws_cloudwatch_metric_alarm
#     - aws_sns_topic
#     - aws_backup_vault
#     - aws_backup_plan
#     - aws_guardduty_detector
#     - aws_cloudtrail
#     - aws_lambda_function
#     - aws_synthetics_canary
#     - aws_db_instance
#     - aws_rds_cluster
#   remediation: |-
#     Set the tags once for every resource of the provider with default_tags, and
#     as tag blocks on Auto Scaling groups:
#
#       provider "aws" {
#         region = "us-east-1"
#         default_tags {
#           tags = {
#             Environment = "production"
#             Owner       = "platform-team"
#             CostCenter  = "CC-1042"
#           }
#         }
#       }
#
#       resource "aws_autoscaling_group" "app" {
#         # ...
#         tag {
#           key                 = "CostCenter"
#           value               = "CC-1042"
#           propagate_at_launch = true
#         }
#       }
package aws.tagging.cost_allocation_tags

import rego.v1

import data.lib.infracheck as lib

taggable_types := [
	"aws_vpc", "aws_subnet", "aws_internet_gateway", "aws_nat_gateway", "aws_eip",
	"aws_route_table", "aws_network_acl", "aws_security_group",
	"aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule",
	"aws_flow_log", "aws_vpc_endpoint", "aws_vpc_peering_connection",
	"aws_ec2_transit_gateway", "aws_ec2_transit_gateway_vpc_attachment",
	"aws_ec2_transit_gateway_peering_attachment", "aws_instance", "aws_launch_template",
	"aws_autoscaling_group", "aws_ebs_volume", "aws_lb", "aws_alb", "aws_lb_listener",
	"aws_lb_target_group", "aws_s3_bucket", "aws_dynamodb_table", "aws_dax_cluster",
	"aws_elasticache_replication_group", "aws_elasticache_cluster",
	"aws_cloudfront_distribution", "aws_wafv2_web_acl", "aws_wafv2_ip_set",
	"aws_route53_zone", "aws_route53_health_check", "aws_acm_certificate", "aws_kms_key",
	"aws_secretsmanager_secret", "aws_iam_role", "aws_iam_policy",
	"aws_iam_instance_profile", "aws_cloudwatch_log_group", "aws_cloudwatch_metric_alarm",
	"aws_sns_topic", "aws_backup_vault", "aws_backup_plan", "aws_guardduty_detector",
	"aws_cloudtrail", "aws_lambda_function", "aws_synthetics_canary", "aws_db_instance",
	"aws_rds_cluster",
]

required := lib.config("required_tags")

non_asg_types := [t | some t in taggable_types; t != "aws_autoscaling_group"]

# Address -> {"missing": tags without a known value, "absent": those of them that
# cannot appear after apply}, for the resources that lack a tag; computed once.
# This runs on nearly every resource of a scan, so one builtin call answers for
# all the resources of a type (infracheck.tags_lacking_in, with the semantics of
# lib.tag_value / lib.tag_unknown); a call per resource was most of the rule.
# `keys` is bound once: regorus looks a package's value up again on every read.
lacking := {a: x |
	keys := required
	some t in non_asg_types
	some a, x in infracheck.tags_lacking_in(lib.resources(t), keys)
}

# Auto Scaling groups: tag blocks, tags / tags_all (live data), or
# aws_autoscaling_group_tag resources (their keys are passed in), with the
# semantics of lib.tag_value / lib.tag_unknown (infracheck.asg_tags_lacking).
lacking_asgs := {g.address: x |
	some g in lib.resources("aws_autoscaling_group")
	x := infracheck.asg_tags_lacking(g, required, tag_resource_keys(g))
	x != null
}

# The keys that aws_autoscaling_group_tag resources set on group `g`.
tag_resource_keys(g) := {k |
	some t in infracheck.referrers(input, g, "aws_autoscaling_group_tag")
	some tag in infracheck.list(t.values, "tag")
	k := object.get(tag, "key", null)
	object.get(tag, "value", "") != ""
}

all_lacking := object.union(lacking, lacking_asgs)

deny contains {"address": a, "message": concat("", ["missing required tags: ", concat(", ", x.absent)])} if {
	some a, x in all_lacking
	count(x.absent) > 0
}

unknown contains {"address": a, "message": concat("", ["required tags not known until apply: ", concat(", ", x.missing)])} if {
	some a, x in all_lacking
	count(x.absent) == 0
}
