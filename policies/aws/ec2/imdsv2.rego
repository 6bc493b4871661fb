# METADATA
# title: Instances and launch templates require IMDSv2
# description: >-
#   Instances and launch templates set metadata_options { http_tokens = "required" },
#   so the instance metadata service only answers session (IMDSv2) requests. A
#   launch template without a metadata_options block, or with http_tokens
#   "optional", allows IMDSv1 and FAILS, and so does an instance whose http_tokens
#   is known to be something else than "required". UNKNOWN when http_tokens is not
#   known until apply (an instance's metadata_options left out of the configuration
#   comes from the AMI's defaults).
# custom:
#   id: EC2-002
#   severity: high
#   resource_types: [aws_instance, aws_launch_template]
#   frameworks:
#     aws-fsbp: [EC2.8, EC2.170]
#     cis-aws-3.0: ["5.6"]
#     pci-dss-4.0: ["2.2.6"]
#   remediation: |-
#     Require IMDSv2 tokens:
#
#       resource "aws_launch_template" "app" {
#         metadata_options {
#           http_endpoint               = "enabled"
#           http_tokens                 = "required"
#           http_put_response_hop_limit = 1
#         }
#       }
package aws.ec2.imdsv2

import rego.v1

import data.lib.infracheck as lib

tokens_path := "metadata_options.0.http_tokens"

targets := array.concat(lib.resources("aws_instance"), lib.resources("aws_launch_template"))

deny contains {"address": r.address, "message": "no metadata_options block: IMDSv1 is allowed"} if {
	some r in targets
	not infracheck.is_unknown_at(r.unknown, "metadata_options")
	count(infracheck.get_list(r.values, "metadata_options")) == 0
}

deny contains {"address": r.address, "message": sprintf("metadata_options.http_tokens is %s: IMDSv1 is allowed", [tokens_text(t)])} if {
	some r in targets
	count(infracheck.get_list(r.values, "metadata_options")) > 0
	not infracheck.is_unknown_at(r.unknown, tokens_path)
	t := infracheck.get(r.values, tokens_path, null)
	t != "required"
}

tokens_text(t) := sprintf("%q", [t]) if is_string(t)

tokens_text(null) := "not set"

unknown contains {"address": r.address, "message": "the IMDS settings (metadata_options) are not known until apply"} if {
	some r in targets
	infracheck.is_unknown_at(r.unknown, "metadata_options")
}

unknown contains {"address": r.address, "message": "metadata_options.http_tokens is not known until apply"} if {
	some r in targets
	not infracheck.is_unknown_at(r.unknown, "metadata_options")
	infracheck.is_unknown_at(r.unknown, tokens_path)
}
