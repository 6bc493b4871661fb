# METADATA
# title: Instance-profile roles hold no service-wide wildcards
# description: >-
#   A role used by an instance profile (an aws_iam_instance_profile's role) has no
#   Allow of a service-wide wildcard ("s3:*", "dynamodb:*", ..., or "*") on
#   Resource "*" in its inline policies (aws_iam_role_policy, inline_policy blocks)
#   or in the customer-managed policies attached to it (aws_iam_policy through
#   aws_iam_role_policy_attachment, aws_iam_policy_attachment or
#   managed_policy_arns). AWS managed policies are out of scope, except
#   AdministratorAccess, PowerUserAccess, AmazonS3FullAccess and
#   AmazonDynamoDBFullAccess, which fail. Findings are on the role.
# custom:
#   id: IAM-002
#   severity: high
#   resource_types: [aws_iam_role]
#   remediation: |-
#     Grant the instance role only the actions and resources it needs:
#
#       resource "aws_iam_role_policy" "app" {
#         role = aws_iam_role.app.id
#         policy = jsonencode({
#           Version = "2012-10-17"
#           Statement = [{
#             Effect   = "Allow"
#             Action   = ["s3:GetObject", "s3:PutObject"]
#             Resource = "${aws_s3_bucket.static.arn}/*"
#           }]
#         })
#       }
package aws.iam.instance_role_wildcards

import rego.v1

import data.lib.infracheck as lib

profile_type := "aws_iam_instance_profile"

role_policy_type := "aws_iam_role_policy"

attachment_type := "aws_iam_role_policy_attachment"

legacy_attachment_type := "aws_iam_policy_attachment"

# AWS managed policies that grant service-wide wildcards.
forbidden_managed := {"AdministratorAccess", "PowerUserAccess", "AmazonS3FullAccess", "AmazonDynamoDBFullAccess"}

# True when `arn` is an AWS managed policy (arn:<partition>:iam::aws:policy/...).
# String tests rather than regex.match, which is slow in regorus.
aws_managed_arn(arn) if {
	is_string(arn)
	startswith(arn, "arn:aws")
	contains(arn, ":iam::aws:policy/")
}

forbidden_arn(arn) if {
	aws_managed_arn(arn)
	parts := split(arn, "/")
	parts[count(parts) - 1] in forbidden_managed
}

deny contains {"address": addr, "message": msg} if {
	some addr, msgs in bad_messages
	some msg in msgs
}

unknown contains {"address": addr, "message": "the role's policies are not known until apply"} if {
	some addr, gs in instance_role_grants
	count(bad_messages[addr]) == 0
	some g in gs
	undecided(g)
}

unknown contains {"address": addr, "message": "policies whose role is not known until apply may hold service-wide wildcards"} if {
	orphan_suspect
	some addr, msgs in bad_messages
	count(msgs) == 0
}

unknown contains {"address": addr, "message": "the role may be used by an instance profile whose role is not known until apply"} if {
	some addr, gs in other_role_grants
	some g in gs
	suspect(g)
}

# What each instance-profile role holds, computed once.
instance_role_grants[role.address] := grants(role) if {
	some role in lib.resources("aws_iam_role")
	instance_role(role)
}

bad_messages[addr] := {msg | some g in gs; msg := bad(g)} if {
	some addr, gs in instance_role_grants
}

# The other roles, when some instance profile's role is not known.
other_role_grants[role.address] := grants(role) if {
	unresolved_profile
	some role in lib.resources("aws_iam_role")
	not instance_role(role)
}

# --- instance-profile roles

profile_role_names contains n if {
	some p in lib.resources(profile_type)
	n := object.get(p.values, "role", null)
	is_string(n)
}

instance_role(role) if {
	some p in infracheck.referrers(input, role, profile_type)
	role.address in lib.references(p, "role")
}

instance_role(role) if object.get(role.values, "name", null) in profile_role_names

# Some instance profile's role is unknown and not a reference.
unresolved_profile if {
	some p in lib.resources(profile_type)
	infracheck.is_unknown_at(p.unknown, "role")
	count(lib.references(p, "role")) == 0
}

# --- what a role holds: {"source", "doc"} or {"source", "arn"} or {"source", "undecided"}

# Resources of type `t` that name `role` in an attribute under `attr`, by
# reference or by the role's name (sets of addresses: cheaper than of resources).
role_links(role, t, attr) := [input.resources[a] | some a in link_addresses(role, t, attr)]

link_addresses(role, t, attr) := {x.address | some x in infracheck.referrers(input, role, t); linked_by_reference(x, attr, role)} | {a |
	name := object.get(role.values, "name", null)
	is_string(name)
	some a in object.get(by_role_name, concat("|", [t, name]), set())
}

linked_by_reference(x, attr, role) if {
	some path, targets in x.references
	startswith(path, attr)
	role.address in targets
}

# Role policies and attachments by "<type>|<role name>" (flat keys: faster than
# nested ones in regorus).
by_role_name[key] contains x.address if {
	some t in [role_policy_type, attachment_type]
	some x in lib.resources(t)
	name := object.get(x.values, "role", null)
	is_string(name)
	key := concat("|", [t, name])
}

by_role_name[key] contains x.address if {
	some x in lib.resources(legacy_attachment_type)
	some name in infracheck.get_list(x.values, "roles")
	is_string(name)
	key := concat("|", [legacy_attachment_type, name])
}

grants(role) := array.concat(array.concat(inline_grants(role), block_grants(role)), attached_grants(role))

inline_grants(role) := [{"source": p.address, "doc": doc_of(p, "policy")} |
	some p in role_links(role, role_policy_type, "role")
]

block_grants(role) := [{"source": sprintf("inline policy %s", [name]), "doc": doc_of(role, sprintf("inline_policy.%d.policy", [i]))} |
	some i, block in infracheck.get_list(role.values, "inline_policy")
	name := object.get(block, "name", sprintf("inline_policy.%d", [i]))
]

attached_grants(role) := array.concat(
	[g |
		some t in attachment_types
		some a in role_links(role, t, "role")
		some g in attachment_grants(a, customer_policies(a, "policy_arn"))
	],
	managed_arns_grants(role, infracheck.get_list(role.values, "managed_policy_arns")),
)

# The attachment types present in the scan (most scans have no legacy
# aws_iam_policy_attachment: no join to look up).
attachment_types := [t | some t in [attachment_type, legacy_attachment_type]; count(lib.resources(t)) > 0]

# aws_iam_role_policy_attachment / aws_iam_policy_attachment `a`: the
# customer-managed policies it attaches (`policies`), or a forbidden AWS managed
# policy.
attachment_grants(a, policies) := [{"source": sprintf("%s (attached by %s)", [p.address, a.address]), "doc": doc_of(p, "policy")} |
	some p in policies
] if {
	count(policies) > 0
} else := [{"source": sprintf("AWS managed policy %s is attached by %s", [arn, a.address]), "arn": arn}] if {
	arn := object.get(a.values, "policy_arn", null)
	forbidden_arn(arn)
} else := [{"source": a.address, "undecided": true}] if {
	infracheck.is_unknown_at(a.unknown, "policy_arn")
} else := []

# The role's own managed_policy_arns (`arns`), when known (wholly unknown, the
# provider fills it in from the attachments, which are checked themselves).
managed_arns_grants(role, arns) := [] if {
	count(arns) == 0
} else := g if {
	policies := customer_policies(role, "managed_policy_arns")
	g := array.concat(
		array.concat(
			[{"source": sprintf("%s (managed_policy_arns)", [p.address]), "doc": doc_of(p, "policy")} | some p in policies],
			[{"source": sprintf("AWS managed policy %s is attached (managed_policy_arns)", [arn]), "arn": arn} |
				some arn in arns
				forbidden_arn(arn)
			],
		),
		[{"source": "managed_policy_arns", "undecided": true} |
			count(policies) == 0
			some i, _ in arns
			infracheck.is_unknown_at(role.unknown, sprintf("managed_policy_arns.%d", [i]))
		],
	)
}

# The aws_iam_policy resources `holder` refers to through attributes under `attr`
# (AWS managed policies, if a live scan lists them, are out of scope).
customer_policies(holder, attr) := [input.resources[a] | some a in customer_policy_addresses(holder, attr)]

customer_policy_addresses(holder, attr) := {addr |
	some path, targets in holder.references
	startswith(path, attr)
	some addr in targets
	p := input.resources[addr]
	p.type == "aws_iam_policy"
	not aws_managed(p)
}

aws_managed(p) if aws_managed_arn(object.get(p.values, "arn", ""))

# The policy document at `path` of `r`. A cheap test before parsing (the costly
# part): a service-wide wildcard on Resource "*" needs the JSON string "*" and
# either a second one (Action "*") or a string ending in :* (most known policies
# fail the test).
doc_of(r, path) := {"known": true, "statements": []} if {
	s := infracheck.get(r.values, path, null)
	is_string(s)
	not infracheck.is_unknown_at(r.unknown, path)
	startswith(trim_space(s), "{")
	not may_be_wildcard_text(s)
} else := lib.iam_policy_doc(r, path)

may_be_wildcard_text(s) if count(split(s, `"*"`)) > 2

may_be_wildcard_text(s) if {
	contains(s, `:*"`)
	contains(s, `"*"`)
}

# --- verdicts on one grant

bad(g) := g.source if is_string(g.arn)

bad(g) := sprintf("%s allows %s on Resource \"*\"", [g.source, concat(", ", sort(actions))]) if {
	actions := {a |
		some st in g.doc.statements
		wildcard(st)
		some a in st.actions
		service_wildcard(a)
	}
	count(actions) > 0
}

undecided(g) if g.undecided

undecided(g) if g.doc.known == false

undecided(g) if {
	some st in g.doc.statements
	may_wildcard(st)
}

# Bad or undecided.
suspect(g) if bad(g)

suspect(g) if undecided(g)

# Grants of role policies and attachments whose role is unknown and not a
# reference: they may belong to any role.
orphan_suspect if {
	some t in [role_policy_type, attachment_type]
	some x in lib.resources(t)
	infracheck.is_unknown_at(x.unknown, "role")
	count(lib.references(x, "role")) == 0
	some g in orphan_grants(x)
	suspect(g)
}

orphan_grants(x) := [{"source": x.address, "doc": doc_of(x, "policy")}] if {
	x.type == role_policy_type
} else := attachment_grants(x)

# --- statements

service_wildcard(a) if a == "*"

service_wildcard(a) if endswith(a, ":*")

wildcard(st) if {
	lib.iam_allows(st)
	some a in st.actions
	service_wildcard(a)
	"*" in st.resources
}

may_wildcard(st) if {
	not wildcard(st)
	count(st.unknown) > 0
	lib.iam_may_allow(st)
	may_actions(st)
	may_resources(st)
}

may_actions(st) if {
	some a in st.actions
	service_wildcard(a)
}

may_actions(st) if "actions" in st.unknown

may_resources(st) if "*" in st.resources

may_resources(st) if "resources" in st.unknown
