# METADATA
# title: Instances in private subnets get no public IP address
# description: >-
#   Instances and launch templates placed in private subnets (see NET-004: no route
#   to an internet gateway) get no public IPv4 address. An instance gets one when
#   associate_public_ip_address is true, or, when that is left out, when its subnet
#   has map_public_ip_on_launch = true. A launch template does when a
#   network_interfaces block sets associate_public_ip_address = true, or, left out,
#   when the subnet maps public IPs. A launch template is placed in the subnets of
#   its network interfaces, of the Auto Scaling groups (vpc_zone_identifier) and of
#   the instances that use it. UNKNOWN when the setting, the subnet or the subnet's
#   tier is not known until apply.
# custom:
#   id: EC2-001
#   severity: high
#   resource_types: [aws_instance, aws_launch_template]
#   frameworks:
#     aws-fsbp: [EC2.9]
#   remediation: |-
#     Do not associate public IP addresses with instances in private subnets; reach
#     them through the load balancer and Session Manager instead:
#
#       resource "aws_launch_template" "app" {
#         network_interfaces {
#           associate_public_ip_address = false
#           security_groups             = [aws_security_group.app.id]
#         }
#       }
#
#       resource "aws_instance" "app" {
#         subnet_id                   = aws_subnet.private.id
#         associate_public_ip_address = false
#       }
package aws.ec2.no_public_ip

import rego.v1

import data.lib.infracheck as lib

subnet_types := {"aws_subnet"}

# "yes", "no" or "maybe": whether subnet `s` maps public IPs on launch.
subnet_maps(s) := "maybe" if {
	infracheck.is_unknown_at(s.unknown, "map_public_ip_on_launch")
} else := "yes" if {
	infracheck.get(s.values, "map_public_ip_on_launch", false) == true
} else := "no"

# "yes", "no", "maybe", or "subnet" (left out: the subnet's setting applies) for
# setting `path` of `r`.
setting(r, path) := "subnet" if {
	infracheck.computed_default(input, r, path)
} else := "maybe" if {
	infracheck.is_unknown_at(r.unknown, path)
} else := "yes" if {
	lib.truthy(infracheck.get(r.values, path, null))
} else := "subnet" if {
	infracheck.get(r.values, path, null) in {null, ""}
} else := "no"

# ---------------------------------------------------------------------------
# Placements: {"resource": address, "subnet": subnet address or null (not known), "via": text,
# "setting": ...} for each instance and launch template.

instance_setting(i) := "yes" if {
	live_public_ip(i)
} else := setting(i, "associate_public_ip_address")

live_public_ip(i) := ip if {
	input.scan.source == "live"
	ip := infracheck.get(i.values, "public_ip", "")
	is_string(ip)
	ip != ""
}

reason(r) := sprintf("public IP %s", [ip]) if {
	r.type == "aws_instance"
	ip := live_public_ip(r)
} else := "associate_public_ip_address = true"

placements contains {"resource": i.address, "subnet": s.address, "via": "", "setting": instance_setting(i)} if {
	some i in lib.resources("aws_instance")
	some s in infracheck.single_referenced(input, i, "subnet_id", subnet_types)
}

placements contains {"resource": i.address, "subnet": null, "via": "", "setting": instance_setting(i)} if {
	some i in lib.resources("aws_instance")
	count(infracheck.single_referenced(input, i, "subnet_id", subnet_types)) == 0
	subnet_set(i, "subnet_id")
}

# Launch template network interfaces.
placements contains {"resource": lt.address, "subnet": s.address, "via": "", "setting": nic_setting(lt, i)} if {
	some lt in lib.resources("aws_launch_template")
	some i, _ in infracheck.get_list(lt.values, "network_interfaces")
	some s in infracheck.single_referenced(input, lt, sprintf("network_interfaces.%d.subnet_id", [i]), subnet_types)
}

# Subnets of the Auto Scaling groups and instances that use the launch template.
placements contains {"resource": u.lt, "subnet": s.address, "via": sprintf(" (through %s)", [u.user.address]), "setting": lt_settings[u.lt]} if {
	some u in lt_users
	some s in u.subnets
}

placements contains {"resource": u.lt, "subnet": null, "via": sprintf(" (through %s)", [u.user.address]), "setting": lt_settings[u.lt]} if {
	some u in lt_users
	count(u.subnets) == 0
	subnet_set(u.user, user_subnet_attr[u.user.type])
}

# Each user of each launch template, with its subnets, found once for both kinds
# of placement. This runs on every launch template: the users and their subnets
# are written out here rather than found by functions, which cost regorus ~30,000
# instructions a call.
lt_users := [{"lt": lt.address, "user": user, "subnets": subnets} |
	attr_of := user_subnet_attr
	some lt in lib.resources("aws_launch_template")
	some t in ["aws_autoscaling_group", "aws_instance"]
	some user in infracheck.referrers(input, lt, t)
	subnets := [s |
		some a in infracheck.references_under(user, attr_of[user.type])
		s := input.resources[a]
		s.type in subnet_types
	]
]

user_subnet_attr := {"aws_autoscaling_group": "vpc_zone_identifier", "aws_instance": "subnet_id"}

# True when attribute `attr` names a subnet (known, or unknown until apply).
subnet_set(r, attr) if {
	infracheck.is_unknown_at(r.unknown, attr)
	not infracheck.computed_default(input, r, attr)
}

subnet_set(r, attr) if {
	v := infracheck.get(r.values, attr, null)
	v != null
	v != ""
	v != []
}

nic_setting(lt, i) := setting(lt, sprintf("network_interfaces.%d.associate_public_ip_address", [i]))

# The setting of every launch template, computed once (function calls cost in
# regorus, and a template has a placement per subnet of each of its users).
lt_settings := {lt.address: lt_setting(lt) | some lt in lib.resources("aws_launch_template")}

# The launch template's setting: "yes" when any network interface sets it, "maybe"
# when one is unknown, else "subnet" (no interface, or none that sets it).
lt_setting(lt) := "yes" if {
	some i, _ in infracheck.get_list(lt.values, "network_interfaces")
	nic_setting(lt, i) == "yes"
} else := "maybe" if {
	infracheck.is_unknown_at(lt.unknown, "network_interfaces")
} else := "maybe" if {
	some i, _ in infracheck.get_list(lt.values, "network_interfaces")
	nic_setting(lt, i) == "maybe"
} else := "subnet" if {
	some i, _ in infracheck.get_list(lt.values, "network_interfaces")
	nic_setting(lt, i) == "subnet"
} else := "subnet" if {
	count(infracheck.get_list(lt.values, "network_interfaces")) == 0
} else := "no"

# ---------------------------------------------------------------------------

tiers := lib.all_subnet_tiers

why(p) := reason(input.resources[p.resource]) if {
	p.setting == "yes"
} else := sprintf("subnet %s has map_public_ip_on_launch = true", [p.subnet])

# The placements in a subnet of the scan that is not known to be public, with
# their tier and whether they get a public IP ("yes", "no" or "maybe"): the
# placement's own setting, or the subnet's where the setting leaves it to the
# subnet.
judged := array.concat(
	[{"p": p, "tier": tier, "public": p.setting} |
		tier_of := tiers
		some p in placements
		p.subnet != null
		p.setting != "subnet"
		tier := tier_of[p.subnet]
		tier != "public"
	],
	[{"p": p, "tier": tier, "public": subnet_maps(input.resources[p.subnet])} |
		tier_of := tiers
		some p in placements
		p.subnet != null
		p.setting == "subnet"
		tier := tier_of[p.subnet]
		tier != "public"
	],
)

deny contains {"address": j.p.resource, "message": sprintf("gets a public IP address in private subnet %s%s (%s)", [j.p.subnet, j.p.via, why(j.p)])} if {
	some j in judged
	j.tier == "private"
	j.public == "yes"
}

unknown contains {"address": j.p.resource, "message": sprintf("whether it gets a public IP address in private subnet %s%s is not known until apply", [j.p.subnet, j.p.via])} if {
	some j in judged
	j.tier == "private"
	j.public == "maybe"
}

unknown contains {"address": j.p.resource, "message": sprintf("it may get a public IP address, and whether subnet %s%s is private is not known until apply", [j.p.subnet, j.p.via])} if {
	some j in judged
	j.tier == "undecided"
	j.public in {"yes", "maybe"}
}

unknown contains {"address": p.resource, "message": sprintf("it may get a public IP address, and its subnet%s is not in the scan or not known until apply", [p.via])} if {
	some p in placements
	p.subnet == null
	p.setting in {"yes", "maybe", "subnet"}
}
