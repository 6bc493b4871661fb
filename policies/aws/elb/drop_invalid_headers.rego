# METADATA
# title: Application load balancers drop invalid HTTP header fields
# description: >-
#   Every application load balancer (aws_lb / aws_alb with load_balancer_type
#   "application", the default) has drop_invalid_header_fields = true. Network and
#   gateway load balancers pass. A load balancer whose type or setting is not known
#   until apply is UNKNOWN.
# custom:
#   id: ALB-004
#   severity: medium
#   resource_types: [aws_lb, aws_alb]
#   frameworks:
#     aws-fsbp: [ELB.4]
#     pci-dss-4.0: ["6.2.4"]
#   remediation: |-
#     Make the load balancer drop requests with invalid header fields:
#
#       resource "aws_lb" "this" {
#         name                       = "web"
#         load_balancer_type         = "application"
#         drop_invalid_header_fields = true
#         # ...
#       }
package aws.elb.drop_invalid_headers

import rego.v1

import data.lib.infracheck as lib

load_balancers := array.concat(lib.resources("aws_lb"), lib.resources("aws_alb"))

# Load balancers that are not plainly compliant; only these are looked at further.
# (Values present in `values` are known; unknown ones are absent.)
suspects := [lb |
	some lb in load_balancers
	object.get(lb.values, "drop_invalid_header_fields", null) != true
]

deny contains {"address": lb.address, "message": "application load balancer does not drop invalid header fields (drop_invalid_header_fields is not true)"} if {
	some lb in suspects
	not dropping(lb)
	not setting_unknown(lb)
	lib.lb_application(lb)
}

unknown contains {"address": lb.address, "message": "drop_invalid_header_fields is not known until apply"} if {
	some lb in suspects
	setting_unknown(lb)
	not lib.lb_not_application(lb)
}

unknown contains {"address": lb.address, "message": "the load balancer type is not known until apply"} if {
	some lb in suspects
	not dropping(lb)
	not setting_unknown(lb)
	not lib.lb_application(lb)
	not lib.lb_not_application(lb)
}

dropping(lb) if lb.values.drop_invalid_header_fields == true

setting_unknown(lb) if {
	object.get(lb.values, "drop_invalid_header_fields", null) == null
	infracheck.is_unknown_at(lb.unknown, "drop_invalid_header_fields")
}
