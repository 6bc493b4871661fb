# METADATA
# title: GitHub Actions OIDC roles are restricted to a repository
# description: >-
#   A role whose trust policy (assume_role_policy) allows a Federated principal of
#   token.actions.githubusercontent.com has, in that statement, a StringEquals or
#   StringLike condition on token.actions.githubusercontent.com:sub whose values
#   all name one repository ("repo:<owner>/<repo>" or "repo:<owner>/<repo>:...";
#   wildcards such as "repo:*", "repo:<owner>/*" or "*" fail). A statement whose
#   Federated principal is unknown until apply counts as a GitHub one when it has
#   token.actions.githubusercontent.com condition keys.
# custom:
#   id: IAM-003
#   severity: high
#   resource_types: [aws_iam_role]
#   remediation: |-
#     Restrict the sub claim to the repository (and, better, the branch or
#     environment) that deploys:
#
#       data "aws_iam_policy_document" "github_trust" {
#         statement {
#           actions = ["sts:AssumeRoleWithWebIdentity"]
#           principals {
#             type        = "Federated"
#             identifiers = [aws_iam_openid_connect_provider.github.arn]
#           }
#           condition {
#             test     = "StringEquals"
#             variable = "token.actions.githubusercontent.com:aud"
#             values   = ["sts.amazonaws.com"]
#           }
#           condition {
#             test     = "StringLike"
#             variable = "token.actions.githubusercontent.com:sub"
#             values   = ["repo:my-org/my-repo:ref:refs/heads/main"]
#           }
#         }
#       }
package aws.iam.github_oidc_sub

import rego.v1

import data.lib.infracheck as lib

github := "token.actions.githubusercontent.com"

sub_key := "token.actions.githubusercontent.com:sub"

# One repository: "repo:<owner>/<repo>", optionally followed by ":<rest>".
repo_pattern := `^repo:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(:.*)?$`

deny contains {"address": addr, "message": message(st)} if {
	some addr, doc in trusts
	some st in doc.statements
	definite_failure(st)
}

unknown contains {"address": addr, "message": "the trust policy is not known until apply"} if {
	some addr, doc in trusts
	not doc.known
}

unknown contains {"address": addr, "message": "whether the trust policy restricts GitHub Actions to a repository is not known until apply"} if {
	some addr, doc in trusts
	some st in doc.statements
	not definite_failure(st)
	lib.iam_may_allow(st)
	may_be_github(st)
	not restricted(st)
}

# The trust policy of each role that may trust GitHub, read once. A cheap test
# first: a known JSON policy that does not name token.actions.githubusercontent.com
# trusts something else (most roles; parsing is the costly part).
trusts[role.address] := lib.iam_policy_doc(role, "assume_role_policy") if {
	some role in lib.resources("aws_iam_role")
	not plainly_other(role)
}

plainly_other(role) if {
	s := object.get(role.values, "assume_role_policy", null)
	is_string(s)
	not infracheck.is_unknown_at(role.unknown, "assume_role_policy")
	startswith(trim_space(s), "{")
	not contains(lower(s), github)
}

definite_failure(st) if {
	lib.iam_allows(st)
	github_statement(st)
	not restricted(st)
	not "conditions" in st.unknown
}

federated(st) := [p | some p in st.principals; p.type == "Federated"]

github_statement(st) if {
	some p in federated(st)
	some id in p.identifiers
	contains(lower(id), github)
}

# The Federated principal is unknown, but the conditions are about GitHub tokens.
github_statement(st) if {
	count(federated(st)) > 0
	"principals" in st.unknown
	some c in st.conditions
	is_string(c.variable)
	startswith(lower(c.variable), concat("", [github, ":"]))
}

may_be_github(st) if github_statement(st)

may_be_github(st) if {
	"principals" in st.unknown
	not known_other_principals(st)
}

# Every principal has a known type other than Federated.
known_other_principals(st) if {
	count(st.principals) > 0
	every p in st.principals {
		is_string(p.type)
		p.type != "Federated"
	}
}

sub_conditions(st) := [c |
	some c in st.conditions
	c.test in {"StringEquals", "StringLike"}
	is_string(c.variable)
	lower(c.variable) == sub_key
]

restricted(st) if {
	some c in sub_conditions(st)
	c.unknown == false
	count(c.values) > 0
	every v in c.values {
		regex.match(repo_pattern, v)
	}
}

message(st) := sprintf("the trust policy lets GitHub Actions (%s) assume the role with no StringEquals/StringLike condition on %s", [github, sub_key]) if {
	count(sub_conditions(st)) == 0
} else := sprintf("the trust policy's %s condition allows %s, not one repository (repo:<owner>/<repo>)", [sub_key, concat(", ", sort({v | some c in sub_conditions(st); some v in c.values}))])
