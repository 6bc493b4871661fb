# METADATA
# title: Resources live only in the allowed regions
# description: >-
#   Data residency: every resource of the regional types below is in one of
#   allowed_regions (default us-east-1, us-west-2), and so are the replicas of
#   DynamoDB global tables (replica.region_name) and of Secrets Manager secrets
#   (replica.region). A resource (or replica) in another region FAILS; a resource
#   whose region is not known (null: the provider's region could not be resolved)
#   or a replica region unknown until apply gives UNKNOWN. Global services (IAM,
#   CloudFront, Route 53) have no region and are not checked.
# custom:
#   id: GDPR-001
#   severity: high
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
#     - aws_ebs_snapshot
#     - aws_lb
#     - aws_alb
#     - aws_lb_target_group
#     - aws_s3_bucket
#     - aws_dynamodb_table
#     - aws_dynamodb_table_replica
#     - aws_dax_cluster
#     - aws_elasticache_replication_group
#     - aws_elasticache_cluster
#     - aws_db_instance
#     - aws_rds_cluster
#     - aws_efs_file_system
#     - aws_sqs_queue
#     - aws_sns_topic
#     - aws_kinesis_stream
#     - aws_kinesis_firehose_delivery_stream
#     - aws_wafv2_web_acl
#     - aws_acm_certificate
#     - aws_kms_key
#     - aws_secretsmanager_secret
#     - aws_cloudwatch_log_group
#     - aws_cloudwatch_metric_alarm
#     - aws_backup_vault
#     - aws_backup_plan
#     - aws_guardduty_detector
#     - aws_cloudtrail
#     - aws_lambda_function
#     - aws_synthetics_canary
#   frameworks:
#     gdpr: ["Art. 44"]
#   remediation: |-
#     Deploy only through providers of the allowed regions, and replicate only to
#     them:
#
#       provider "aws" {
#         region = "us-east-1"
#       }
#
#       resource "aws_dynamodb_table" "app" {
#         # ...
#         replica {
#           region_name = "us-west-2"
#         }
#       }
package aws.governance.data_residency

import rego.v1

import data.lib.infracheck as lib

regional_types := [
	"aws_vpc", "aws_subnet", "aws_internet_gateway", "aws_nat_gateway", "aws_eip",
	"aws_route_table", "aws_network_acl", "aws_security_group", "aws_flow_log",
	"aws_vpc_endpoint", "aws_vpc_peering_connection", "aws_ec2_transit_gateway",
	"aws_ec2_transit_gateway_vpc_attachment", "aws_ec2_transit_gateway_peering_attachment",
	"aws_instance", "aws_launch_template", "aws_autoscaling_group", "aws_ebs_volume",
	"aws_ebs_snapshot", "aws_lb", "aws_alb", "aws_lb_target_group", "aws_s3_bucket",
	"aws_dynamodb_table", "aws_dynamodb_table_replica", "aws_dax_cluster",
	"aws_elasticache_replication_group", "aws_elasticache_cluster", "aws_db_instance",
	"aws_rds_cluster", "aws_efs_file_system", "aws_sqs_queue", "aws_sns_topic",
	"aws_kinesis_stream", "aws_kinesis_firehose_delivery_stream", "aws_wafv2_web_acl",
	"aws_acm_certificate", "aws_kms_key", "aws_secretsmanager_secret",
	"aws_cloudwatch_log_group", "aws_cloudwatch_metric_alarm", "aws_backup_vault",
	"aws_backup_plan", "aws_guardduty_detector", "aws_cloudtrail", "aws_lambda_function",
	"aws_synthetics_canary",
]

allowed := {r | some r in lib.config("allowed_regions")}

allowed_text := concat(", ", sort(allowed))

# Replicas of a resource: type -> the replica block's region attribute.
replica_attr := {"aws_dynamodb_table": "region_name", "aws_secretsmanager_secret": "region"}

# The regional resources outside the allowed regions, or in a region not known
# (null), found in one pass over the resources for both bodies below; `regions` is
# bound once: regorus looks a package's value up again on every read.
outside := [r |
	regions := allowed
	some t in regional_types
	some r in lib.resources(t)
	not r.region in regions
]

deny contains {"address": r.address, "message": sprintf("resource is in %s, outside the allowed regions (%s)", [r.region, allowed_text])} if {
	some r in outside
	r.region != null
}

deny contains {"address": r.address, "message": sprintf("replica in %s is outside the allowed regions (%s)", [region, allowed_text])} if {
	some t, attr in replica_attr
	some r in lib.resources(t)
	some i, rep in infracheck.get_list(r.values, "replica")
	not infracheck.is_unknown(r.unknown, sprintf("replica.%d.%s", [i, attr]))
	region := object.get(rep, attr, null)
	is_string(region)
	not region in allowed
}

unknown contains {"address": r.address, "message": "the resource's region is not known"} if {
	some r in outside
	r.region == null
}

unknown contains {"address": r.address, "message": "a replica's region is not known until apply"} if {
	some t, attr in replica_attr
	some r in lib.resources(t)
	some i, _ in infracheck.get_list(r.values, "replica")
	infracheck.is_unknown(r.unknown, sprintf("replica.%d.%s", [i, attr]))
}
