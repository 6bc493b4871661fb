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

deny contains {"address": e.address, "message": message(e, ports)} if {
	some e in lib.sg_ingress_rules
	open(e)
	ports := [p | some p in admin_ports; lib.ingress_covers_port(e, p)]
	count(ports) > 0
}

unknown contains {"address": e.address, "message": sprintf("%s is open to %s; its ports are not known until apply", [e.text, concat(", ", e.open_cidrs)])} if {
	some e in lib.sg_ingress_rules
	open(e)
	not covers_admin_port(e)
	may_cover_admin_port(e)
}

unknown contains {"address": e.address, "message": sprintf("the sources of %s (%s) are not known until apply", [e.text, e.ports_text])} if {
	some e in lib.sg_ingress_rules
	not open(e)
	e.sources_unknown
	may_cover_admin_port(e)
}

open(e) if count(e.open_cidrs) > 0

covers_admin_port(e) if {
	some p in admin_ports
	lib.ingress_covers_port(e, p)
}

may_cover_admin_port(e) if {
	some p in admin_ports
	lib.ingress_may_cover_port(e, p)
}

message(e, ports) := sprintf("%s allows %s from %s (port %s)", [
	e.text, e.ports_text, concat(", ", e.open_cidrs),
	concat(" and ", [format_int(p, 10) | some p in ports]),
])
