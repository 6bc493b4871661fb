# METADATA
# title: No IAM policy grants full administrative privileges
# description: >-
#   No IAM policy has an Allow statement with Action "*" (or "*:*") on Resource "*"
#   (each a string or in a list). Covers aws_iam_policy, aws_iam_role_policy,
#   aws_iam_user_policy, aws_iam_group_policy and the inline_policy blocks of
#   aws_iam_role; a policy given as a data.aws_iam_policy_document is read from the
#   data source. A role's inline_policy that is wholly unknown (the provider fills
#   it in from the aws_iam_role_policy resources, which are checked themselves) is
#   not evaluated, nor are AWS managed policies (arn:aws:iam::aws:policy/...) that
#   a live scan may list.
# custom:
#   id: IAM-001
#   severity: critical
#   resource_types: [aws_iam_policy, aws_iam_role_policy, aws_iam_user_policy, aws_iam_group_policy, aws_iam_role]
#   frameworks:
#     aws-fsbp: [IAM.1]
#     cis-aws-1.4: ["1.16"]
#   remediation: |-
#     Grant only the actions and resources the principal needs:
#
#       data "aws_iam_policy_document" "app" {
#         statement {
#           actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
#           resources = [aws_dynamodb_table.app.arn]
#         }
#       }
#
#       resource "aws_iam_policy" "app" {
#         name   = "app"
#         policy = data.aws_iam_policy_document.app.json
#       }
package aws.iam.no_admin_policy

import rego.v1

import data.lib.infracheck as lib

policy_types := ["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"]

admin_actions := {"*", "*:*"}

deny contains {"address": r.address, "message": sprintf("%s allows Action \"*\" on Resource \"*\"", [d.label])} if {
	some d in documents
	some st in d.doc.statements
	admin(st)
	r := input.resources[d.address]
}

unknown contains {"address": r.address, "message": sprintf("%s is not known until apply", [d.label])} if {
	some d in documents
	undecided(d.doc)
	r := input.resources[d.address]
}

# Every policy document to check, by resource address and attribute path:
# {"address", "label", "doc"}.
documents[concat(" ", [r.address, "policy"])] := {"address": r.address, "label": "the policy", "doc": lib.iam_policy_doc(r, "policy")} if {
	some t in policy_types
	some r in lib.resources(t)
	not aws_managed(r)
	not plainly_scoped(r, "policy")
}

# AWS managed policies (a live scan may list them) are AWS's, not the account's.
aws_managed(r) if {
	arn := object.get(r.values, "arn", null)
	is_string(arn)
	contains(arn, ":iam::aws:policy/")
}

documents[concat(" ", [r.address, path])] := {"address": r.address, "label": sprintf("inline policy %s", [name]), "doc": lib.iam_policy_doc(r, path)} if {
	some r in lib.resources("aws_iam_role")
	some i, block in infracheck.get_list(r.values, "inline_policy")
	path := sprintf("inline_policy.%d.policy", [i])
	not plainly_scoped(r, path)
	name := object.get(block, "name", sprintf("inline_policy.%d", [i]))
}

# A cheap test before parsing (the costly part): Action "*" on Resource "*" needs
# the JSON string "*" twice, or "*:*" and "*". Most known policies fail the test.
plainly_scoped(r, path) if {
	s := infracheck.get(r.values, path, null)
	is_string(s)
	not infracheck.is_unknown_at(r.unknown, path)
	startswith(trim_space(s), "{")
	not may_be_admin_text(s)
}

may_be_admin_text(s) if count(split(s, `"*"`)) > 2

may_be_admin_text(s) if {
	contains(s, `"*:*"`)
	contains(s, `"*"`)
}

admin(st) if {
	lib.iam_allows(st)
	some a in st.actions
	a in admin_actions
	"*" in st.resources
}

# Not known to grant admin, but may once unknown values are known.
undecided(doc) if not doc.known

undecided(doc) if {
	not admin_doc(doc)
	some st in doc.statements
	may_admin(st)
}

admin_doc(doc) if {
	some st in doc.statements
	admin(st)
}

may_admin(st) if {
	count(st.unknown) > 0
	lib.iam_may_allow(st)
	may_admin_actions(st)
	may_all_resources(st)
}

may_admin_actions(st) if {
	some a in st.actions
	a in admin_actions
}

may_admin_actions(st) if "actions" in st.unknown

may_all_resources(st) if "*" in st.resources

may_all_resources(st) if "resources" in st.unknown
