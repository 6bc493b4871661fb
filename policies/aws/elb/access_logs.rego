# METADATA
# title: Application load balancers have access logging enabled
# description: >-
#   Every application load balancer (aws_lb / aws_alb with load_balancer_type
#   "application", the default) has an access_logs block with enabled = true and a
#   bucket (a known name or a reference to an aws_s3_bucket). Network and gateway
#   load balancers pass. Settings not known until apply are UNKNOWN.
# custom:
#   id: ALB-005
#   severity: medium
#   resource_types: [aws_lb, aws_alb]
#   frameworks:
#     aws-fsbp: [ELB.5]
#   remediation: |-
#     Send the load balancer's access logs to an S3 bucket (whose policy lets the
#     region's ELB service write to it):
#
#       resource "aws_lb" "this" {
#         name               = "web"
#         load_balancer_type = "application"
#         # ...
#
#         access_logs {
#           bucket  = aws_s3_bucket.lb_logs.id
#           prefix  = "web"
#           enabled = true
#         }
#       }
package aws.elb.access_logs

import rego.v1

import data.lib.infracheck as lib

load_balancers := array.concat(lib.resources("aws_lb"), lib.resources("aws_alb"))

# Load balancers that are not plainly compliant; only these are looked at further.
# (Values present in `values` are known; unknown ones are absent.)
suspects := [lb |
	some lb in load_balancers
	not plainly_fine(lb)
]

plainly_fine(lb) if lb.values.load_balancer_type in {"network", "gateway"}

plainly_fine(lb) if {
	lb.values.access_logs[0].enabled == true
	is_string(lb.values.access_logs[0].bucket)
	lb.values.access_logs[0].bucket != ""
}

plainly_fine(lb) if {
	lb.values.access_logs[0].enabled == true
	count(object.get(lb.references, bucket_path, [])) > 0
}

deny contains {"address": lb.address, "message": "application load balancer access logging is not enabled"} if {
	some lb in suspects
	not enabled(lb)
	not enabled_unknown(lb)
	lib.lb_application(lb)
}

deny contains {"address": lb.address, "message": "application load balancer access logging has no bucket"} if {
	some lb in suspects
	enabled(lb)
	not lib.attribute_set(lb, bucket_path)
	not infracheck.is_unknown_at(lb.unknown, bucket_path)
	lib.lb_application(lb)
}

unknown contains {"address": lb.address, "message": "the access logging settings are not known until apply"} if {
	some lb in suspects
	enabled_unknown(lb)
	not lib.lb_not_application(lb)
}

unknown contains {"address": lb.address, "message": "the access log bucket is not known until apply"} if {
	some lb in suspects
	enabled(lb)
	not lib.attribute_set(lb, bucket_path)
	infracheck.is_unknown_at(lb.unknown, bucket_path)
	not lib.lb_not_application(lb)
}

unknown contains {"address": lb.address, "message": "the load balancer type is not known until apply"} if {
	some lb in suspects
	not logging(lb)
	not enabled_unknown(lb)
	not lib.lb_application(lb)
	not lib.lb_not_application(lb)
}

bucket_path := "access_logs.0.bucket"

enabled(lb) if lb.values.access_logs[0].enabled == true

enabled_unknown(lb) if {
	object.get(lb.values, ["access_logs", 0, "enabled"], null) == null
	infracheck.is_unknown_at(lb.unknown, "access_logs.0.enabled")
}

logging(lb) if {
	enabled(lb)
	lib.attribute_set(lb, bucket_path)
}
