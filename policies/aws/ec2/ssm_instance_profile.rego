# METADATA
# title: Instances are managed through Session Manager, without SSH keys
# description: >-
#   Instances (iam_instance_profile) and launch templates (iam_instance_profile
#   block, name or arn) have an IAM instance profile whose role allows Session
#   Manager: the AWS managed policy AmazonSSMManagedInstanceCore (or its
#   equivalents AmazonSSMManagedEC2InstanceDefaultPolicy and the older
#   AmazonEC2RoleforSSM) attached with aws_iam_role_policy_attachment,
#   aws_iam_policy_attachment, aws_iam_role_policy_attachments_exclusive or the
#   role's managed_policy_arns. No SSH key_name is set. UNKNOWN when the profile, its
#   role or the role's policies are not known until apply or not in the scan. An
#   argument left out of the configuration (key_name, iam_instance_profile computed
#   by the provider) counts as not set.
# custom:
#   id: EC2-003
#   severity: medium
#   resource_types: [aws_instance, aws_launch_template]
#   remediation: |-
#     Give instances a profile whose role has AmazonSSMManagedInstanceCore, and drop
#     key_name (connect with Session Manager instead of SSH):
#
#       resource "aws_iam_role_policy_attachment" "ssm" {
#         role       = aws_iam_role.app.name
#         policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
#       }
#
#       resource "aws_iam_instance_profile" "app" {
#         role = aws_iam_role.app.name
#       }
#
#       resource "aws_launch_template" "app" {
#         iam_instance_profile {
#           name = aws_iam_instance_profile.app.name
#         }
#         # no key_name
#       }
package aws.ec2.ssm_instance_profile

import rego.v1

import data.lib.infracheck as lib

profile_type := "aws_iam_instance_profile"

role_type := "aws_iam_role"

ssm_policies := ["AmazonSSMManagedInstanceCore", "AmazonSSMManagedEC2InstanceDefaultPolicy", "AmazonEC2RoleforSSM"]

attachment_types := ["aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_role_policy_attachments_exclusive"]

targets := array.concat(lib.resources("aws_instance"), lib.resources("aws_launch_template"))

# The profile attribute(s) of each type.
profile_paths(r) := ["iam_instance_profile"] if {
	r.type == "aws_instance"
} else := ["iam_instance_profile.0.name", "iam_instance_profile.0.arn"]

# ---------------------------------------------------------------------------
# Instance profile.

profiles(r) := [p |
	some path in profile_paths(r)
	some p in infracheck.single_referenced(input, r, path, {profile_type})
]

# A profile name or ARN that is known (and that no profile of the scan has).
profile_value(r) := v if {
	some path in profile_paths(r)
	not infracheck.is_unknown_at(r.unknown, path)
	v := infracheck.get(r.values, path, null)
	is_string(v)
	v != ""
}

profile_unknown(r) if {
	some path in profile_paths(r)
	infracheck.is_unknown_at(r.unknown, path)
	not infracheck.computed_default(input, r, path)
}

# Each target's profiles, each profile's roles, and each of those roles' verdict,
# computed once (function calls cost in regorus).
target_profiles := {r.address: profiles(r) | some r in targets}

profile_roles := {p.address: roles(p) | some ps in target_profiles; some p in ps}

role_ssm := {role.address: ssm(role) | some rs in profile_roles; some role in rs}

# The targets with no profile of the scan, each with its known profile name or ARN
# (null when none) and whether it is not known until apply; computed once for the
# three bodies below.
unprofiled := [{"r": r, "value": known_profile_value(r), "unknown": profile_unknown_flag(r)} |
	profiles_of := target_profiles
	some r in targets
	count(profiles_of[r.address]) == 0
]

known_profile_value(r) := v if {
	v := profile_value(r)
} else := null

profile_unknown_flag(r) := true if {
	profile_unknown(r)
} else := false

deny contains {"address": t.r.address, "message": "no IAM instance profile"} if {
	some t in unprofiled
	t.value == null
	not t.unknown
}

unknown contains {"address": t.r.address, "message": "the IAM instance profile is not known until apply"} if {
	some t in unprofiled
	t.value == null
	t.unknown
}

unknown contains {"address": t.r.address, "message": sprintf("instance profile %s is not in the scan, so its role cannot be checked", [t.value])} if {
	some t in unprofiled
	t.value != null
}

# ---------------------------------------------------------------------------
# The profile's role.

roles(p) := infracheck.single_referenced(input, p, "role", {role_type})

deny contains {"address": r.address, "message": sprintf("instance profile %s has no role", [p.address])} if {
	some r in targets
	some p in target_profiles[r.address]
	not infracheck.is_unknown_at(p.unknown, "role")
	infracheck.get(p.values, "role", null) in {null, ""}
}

unknown contains {"address": r.address, "message": msg} if {
	some r in targets
	some p in target_profiles[r.address]
	count(profile_roles[p.address]) == 0
	msg := role_problem(p)
}

role_problem(p) := sprintf("the role of instance profile %s is not known until apply", [p.address]) if {
	infracheck.is_unknown_at(p.unknown, "role")
} else := sprintf("role %s of instance profile %s is not in the scan, so its policies cannot be checked", [role, p.address]) if {
	role := infracheck.get(p.values, "role", null)
	is_string(role)
	role != ""
}

deny contains {"address": r.address, "message": sprintf("role %s of instance profile %s does not have AmazonSSMManagedInstanceCore (Session Manager)", [role.address, p.address])} if {
	some r in targets
	some p in target_profiles[r.address]
	some role in profile_roles[p.address]
	role_ssm[role.address] == "no"
}

unknown contains {"address": r.address, "message": sprintf("whether role %s of instance profile %s has AmazonSSMManagedInstanceCore is not known until apply", [role.address, p.address])} if {
	some r in targets
	some p in target_profiles[r.address]
	some role in profile_roles[p.address]
	role_ssm[role.address] == "maybe"
}

# "yes", "maybe" or "no": whether role `role` has a Session Manager policy.
ssm(role) := "yes" if {
	some arn in policy_arns(role)
	ssm_arn(arn)
} else := "maybe" if {
	some a in attachments(role)
	some path in ["policy_arn", "policy_arns"]
	infracheck.unknown_shallow(a, path)
	not custom_policy(a, path)
} else := "maybe" if {
	infracheck.unknown_shallow(role, "managed_policy_arns")
	not infracheck.computed_default(input, role, "managed_policy_arns")
} else := "maybe" if {
	count(orphan_attachments) > 0
} else := "no"

ssm_arn(arn) if {
	some name in ssm_policies
	endswith(arn, concat("/", ["", name]))
}

# The known ARNs of the policies attached to the role.
policy_arns(role) := array.concat(
	[arn |
		some a in attachments(role)
		some arn in arns(a, "policy_arn")
	],
	array.concat(
		[arn |
			some a in attachments(role)
			some arn in arns(a, "policy_arns")
		],
		arns(role, "managed_policy_arns"),
	),
)

arns(r, path) := [v | v := infracheck.get(r.values, path, null); is_string(v)] if {
	not is_array(infracheck.get(r.values, path, null))
} else := [v | some v in infracheck.get(r.values, path, []); is_string(v)]

attachments(role) := [a |
	some t in attachment_types
	some a in infracheck.referrers(input, role, t)
	role.address in attachment_roles(a)
]

attachment_roles(a) := infracheck.references_under(a, role_attrs[a.type])

role_attrs := {
	"aws_iam_role_policy_attachment": "role",
	"aws_iam_policy_attachment": "roles",
	"aws_iam_role_policy_attachments_exclusive": "role_name",
}

# The attachment's policy is a customer managed aws_iam_policy of the scan.
custom_policy(a, path) if {
	count(infracheck.references_under(a, path)) > 0
	every t in lib.referenced_types(a, path) {
		t == "aws_iam_policy"
	}
}

# Attachments whose role reference could not be resolved.
orphan_attachments := [a |
	some t in attachment_types
	some address in object.get(input.unresolved, t, [])
	a := input.resources[address]
	count(attachment_roles(a)) == 0
]

# ---------------------------------------------------------------------------
# SSH key pairs.

# The targets that set a key pair, found once for both bodies below.
keyed := {r.address | some r in targets; key_set(r)}

deny contains {"address": r.address, "message": sprintf("uses SSH key pair %s (key_name)", [key_text(r)])} if {
	some r in targets
	r.address in keyed
}

key_set(r) if {
	not infracheck.is_unknown_at(r.unknown, "key_name")
	k := infracheck.get(r.values, "key_name", null)
	is_string(k)
	k != ""
}

key_set(r) if count(infracheck.references_under(r, "key_name")) > 0

key_text(r) := k if {
	k := infracheck.get(r.values, "key_name", null)
	is_string(k)
	k != ""
} else := concat(", ", infracheck.references_under(r, "key_name"))

unknown contains {"address": r.address, "message": "key_name is not known until apply"} if {
	keys := keyed
	some r in targets
	infracheck.is_unknown_at(r.unknown, "key_name")
	not infracheck.computed_default(input, r, "key_name")
	not r.address in keys
}
