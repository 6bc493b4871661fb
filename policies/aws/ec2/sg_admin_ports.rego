# METADATA
# title: No SSH or RDP from the whole internet
# description: >-
#   No security group ingress rule admits 0.0.0.0/0 or ::/0 to port 22 (SSH) or
#   3389 (RDP): port ranges that include them and protocol "-1"/"all" count. Covers
#   inline ingress blocks, aws_security_group_rule and
#   aws_vpc_security_group_ingress_rule; the finding is on the resource that carries
#   the rule. Session Manager replaces SSH.
# custom:
#   id: SG-003
#   severity: critical
#   resource_types: [aws_security_group, aws_security_group_rule, aws_vpc_security_group_ingress_rule]
#   frameworks:
#     aws-fsbp: [EC2.53, EC2.54]
#     cis-aws-3.0: ["5.2", "5.3"]
#     pci-dss-4.0: ["1.3.1"]
#   remediation: |-
#     Remove the rule and reach instances through AWS Systems Manager Session
#     Manager (instance profile with AmazonSSMManagedInstanceCore), or admit only a
#     known administration range:
#
#       resource "aws_vpc_security_group_ingress_rule" "ssh_admin" {
#         security_group_id = aws_security_group.app.id
#         cidr_ipv4         = "10.0.0.0/16" # never 0.0.0.0/0 or ::/0
#         ip_protocol       = "tcp"
#         from_port         = 22
#         to_port           = 22
#       }
package aws.ec2.sg_admin_ports

import rego.v1

import data.lib.infracheck as lib

# SSH and RDP (the control's ports, not a setting of the architecture).
admin_ports := [22, 3389]

# The rules open to the internet or with sources not known until apply, with
# whether each admin port is admitted ("yes", "maybe" or "no"), worked out once
# per rule (function calls cost in regorus).
judged := [{"e": e, "open": open, "ports": ports, "statuses": {s | some s in ports}} |
	some e in lib.sg_ingress_rules
	open := count(e.open_cidrs) > 0
	true in {open, e.sources_unknown}
	ports := {p: infracheck.ingress_port_status(e, p) | some p in admin_ports}
]

deny contains {"address": j.e.address, "message": message(j.e, ports)} if {
	some j in judged
	j.open
	ports := [p | some p in admin_ports; j.ports[p] == "yes"]
	count(ports) > 0
}

unknown contains {"address": j.e.address, "message": sprintf("%s is open to %s; its ports are not known until apply", [j.e.text, concat(", ", j.e.open_cidrs)])} if {
	some j in judged
	j.open
	not "yes" in j.statuses
	"maybe" in j.statuses
}

unknown contains {"address": j.e.address, "message": sprintf("the sources of %s (%s) are not known until apply", [j.e.text, j.e.ports_text])} if {
	some j in judged
	not j.open
	j.e.sources_unknown
	some status in ["yes", "maybe"]
	status in j.statuses
}

message(e, ports) := sprintf("%s allows %s from %s (port %s)", [
	e.text, e.ports_text, concat(", ", e.open_cidrs),
	concat(" and ", [format_int(p, 10) | some p in ports]),
])
