# METADATA
# title: The secondary region has every component class of the primary region
# description: >-
#   Warm standby: every component class present in the primary region (setting
#   primary_region) is present in the secondary region (setting secondary_region):
#   VPC, public subnets, private subnets, internet gateway, NAT gateway, application
#   load balancer, WAF web ACL association, Auto Scaling group, DAX cluster,
#   ElastiCache, S3 bucket, VPC flow logs and backup vault. A subnet is public when
#   map_public_ip_on_launch is true or its Tier or Name tag contains "public", and
#   private otherwise (unknown when map_public_ip_on_launch is unknown and the tags
#   say neither "public" nor "private"); an aws_lb / aws_alb is an ALB when
#   load_balancer_type is "application" or absent. The rule applies only when the
#   primary region is in the scan. Each missing class FAILS as its own finding,
#   addressed region/<secondary>#<class> (for example region/us-west-2#nat_gateway);
#   the regions themselves PASS. When a resource that may belong to the class has an
#   unknown region or classification, the class is UNKNOWN instead.
# custom:
#   id: DR-001
#   severity: high
#   scope: region
#   resource_types:
#     - aws_vpc
#     - aws_subnet
#     - aws_internet_gateway
#     - aws_nat_gateway
#     - aws_lb
#     - aws_alb
#     - aws_wafv2_web_acl_association
#     - aws_autoscaling_group
#     - aws_dax_cluster
#     - aws_elasticache_replication_group
#     - aws_elasticache_cluster
#     - aws_s3_bucket
#     - aws_flow_log
#     - aws_backup_vault
#   remediation: |-
#     Deploy the same components in the secondary region, typically by instantiating
#     the regional module twice with a provider per region:
#
#       module "primary" {
#         source = "./modules/region"
#         providers = { aws = aws }
#         vpc_cidr  = "10.0.0.0/16"
#       }
#
#       module "secondary" {
#         source = "./modules/region"
#         providers = { aws = aws.secondary }
#         vpc_cidr  = "10.1.0.0/16"
#       }
package aws.architecture.region_parity

import rego.v1

import data.lib.infracheck as lib

primary := lib.config("primary_region")

secondary := lib.config("secondary_region")

classes := {
	"vpc": {"text": "VPC", "types": ["aws_vpc"]},
	"public_subnet": {"text": "public subnet", "types": ["aws_subnet"]},
	"private_subnet": {"text": "private subnet", "types": ["aws_subnet"]},
	"internet_gateway": {"text": "internet gateway", "types": ["aws_internet_gateway"]},
	"nat_gateway": {"text": "NAT gateway", "types": ["aws_nat_gateway"]},
	"alb": {"text": "application load balancer", "types": ["aws_lb", "aws_alb"]},
	"waf_association": {"text": "WAF web ACL association", "types": ["aws_wafv2_web_acl_association"]},
	"asg": {"text": "Auto Scaling group", "types": ["aws_autoscaling_group"]},
	"dax": {"text": "DAX cluster", "types": ["aws_dax_cluster"]},
	"elasticache": {"text": "ElastiCache cluster", "types": ["aws_elasticache_replication_group", "aws_elasticache_cluster"]},
	"s3": {"text": "S3 bucket", "types": ["aws_s3_bucket"]},
	"flow_logs": {"text": "VPC flow log", "types": ["aws_flow_log"]},
	"backup_vault": {"text": "backup vault", "types": ["aws_backup_vault"]},
}

active if {
	primary in object.get(input, ["scan", "regions"], [])
	primary != secondary
}

# ---- classification (runs on every subnet and load balancer: plain lookups only;
# the attributes read are top-level scalars, so `unknown` has them as exact keys)

tier_text(s) := lower(concat(" ", [v |
	some attr in ["tags", "tags_all"]
	some key in ["Tier", "Name"]
	v := s.values[attr][key]
	is_string(v)
]))

# "public_subnet", "private_subnet" or "unknown".
subnet_class(s) := "public_subnet" if {
	not s.unknown.map_public_ip_on_launch
	object.get(s.values, "map_public_ip_on_launch", false) == true
} else := "public_subnet" if {
	contains(tier_text(s), "public")
} else := "private_subnet" if {
	not s.unknown.map_public_ip_on_launch
} else := "private_subnet" if {
	contains(tier_text(s), "private")
} else := "unknown"

simple_classes := {c | some c, _ in classes} - {"public_subnet", "private_subnet", "alb"}

# [region, class, known] of every resource of a class (known false: it may belong
# to the class once unknown values are known).
members contains [r.region, c, true] if {
	some c in simple_classes
	some t in classes[c].types
	some r in lib.resources(t)
}

# [region, class] of every subnet, computed once.
subnet_classes := {[s.region, subnet_class(s)] | some s in lib.resources("aws_subnet")}

members contains [region, c, true] if {
	some [region, c] in subnet_classes
	c != "unknown"
}

members contains [region, "unknown", false] if {
	some [region, "unknown"] in subnet_classes
}

members contains [r.region, "alb", false] if {
	some t in ["aws_lb", "aws_alb"]
	some r in lib.resources(t)
	r.unknown.load_balancer_type
}

members contains [r.region, "alb", true] if {
	some t in ["aws_lb", "aws_alb"]
	some r in lib.resources(t)
	not r.unknown.load_balancer_type
	object.get(r.values, "load_balancer_type", null) in {null, "application"}
}

# [region, class] pairs known present, and possibly present (region null: any region).
present := {[region, c] |
	some [region, c, true] in members
	region != null
}

maybe_present := {[region, c] |
	some [region, c, false] in members
	c != "unknown"
} | {[region, c] |
	some [region, "unknown", false] in members
	some c in ["public_subnet", "private_subnet"]
} | {[null, c] |
	some [null, c, true] in members
}

maybe_in(region, c) if [region, c] in maybe_present

maybe_in(_, c) if [null, c] in maybe_present

finding(c, msg) := {"address": sprintf("region/%s#%s", [secondary, c]), "region": secondary, "message": msg}

missing_msg(c) := sprintf("the secondary region %s has no %s (%s), which the primary region %s has", [
	secondary, classes[c].text, concat(", ", classes[c].types), primary,
])

deny contains finding(c, missing_msg(c)) if {
	active
	some c, _ in classes
	[primary, c] in present
	not [secondary, c] in present
	not maybe_in(secondary, c)
}

unknown contains finding(c, sprintf("whether the secondary region %s has a %s is not known until apply", [secondary, classes[c].text])) if {
	active
	some c, _ in classes
	[primary, c] in present
	not [secondary, c] in present
	maybe_in(secondary, c)
}

unknown contains finding(c, sprintf("whether the primary region %s has a %s, and the secondary region %s none, is not known until apply", [primary, classes[c].text, secondary])) if {
	active
	some c, _ in classes
	not [primary, c] in present
	[primary, c] in maybe_present
	not [secondary, c] in present
}
