# METADATA
# title: infracheck rule helpers
# description: >-
#   Functions shared by the built-in rules: building findings, reading values that
#   may be unknown until apply, and following the joins Rust resolved.
# scope: package
package lib.infracheck

import rego.v1

# A finding for resource `r` (or anything with an `address`) and a message.
result(r, msg) := {"address": r.address, "message": msg}

# A finding about a whole region, for architecture-wide rules.
region_result(region, msg) := {"address": sprintf("region/%s", [region]), "region": region, "message": msg}

# Every resource of type `t`.
resources(t) := object.get(input.by_type, t, [])

# The value at `path` (a dotted string, list indexes as numbers) of resource `r`, or
# `default_value` when it is absent or null. A Rust builtin: path splitting in Rego
# costs more than most rules.
value(r, path, default_value) := infracheck.get(r.values, path, default_value)

# The list at `path` of resource `r`, or [] when it is absent, null or not a list
# (Terraform blocks are lists of objects; iterating null is an error in regorus).
list_value(r, path) := infracheck.list(r.values, path)

# The list at `key` (a key, or a path as an array) of object `o`, or [] when `o` is
# not an object or the list is absent, null or not a list.
get_list(o, key) := infracheck.get_list(o, key)

# True when the block at `key` of object `o` is present (a non-empty list).
has_block(o, key) if count(get_list(o, key)) > 0

split_path(path) := [_key(p) | some p in split(path, ".")]

_key(p) := to_number(p) if {
	p != ""
	trim(p, "0123456789") == ""
} else := p

# True when the value at `path` is not known until apply: the path itself, one of
# its ancestors or one of its descendants is unknown.
unknown(r, path) if infracheck.is_unknown(r.unknown, path)

# True when anything of resource `r` is unknown.
any_unknown(r) if count(r.unknown) > 0

# The resources of type `t` that reference resource `r`.
referrers(r, t) := infracheck.referrers(input, r, t)

# The addresses resource `r` refers to through attribute `path`.
references(r, path) := object.get(r.references, path, [])

# The resources that resource `r` refers to through attribute `path`.
referenced(r, path) := [input.resources[a] |
	some a in references(r, path)
	input.resources[a]
]

# True when some resource of type `t` has a reference that could not be resolved,
# so a missing join to a resource of type `t` may only be unknown.
has_unresolved(t) if count(object.get(input.unresolved, t, [])) > 0

# The configuration value `key`, from `.infracheck.toml` or its default.
config(key) := settings[key]

# The configuration, read once per evaluation: regorus looks a data document up
# again on every read (a pass over every loaded module), while a rule's value is
# kept once computed.
settings := data.infracheck.config

# CIDRs that mean "anywhere".
open_cidrs := {"0.0.0.0/0", "::/0"}

# ---------------------------------------------------------------------------
# Security group ingress, in its three Terraform forms (inline `ingress` blocks of
# aws_security_group, aws_security_group_rule with type "ingress", and
# aws_vpc_security_group_ingress_rule), normalized to one object per rule:
#
#   address          the resource that carries the rule (the group for inline blocks)
#   path             attribute path of the rule in that resource ("ingress.0", or "")
#   sgs              addresses of the security groups the rule belongs to ([] when the
#                    group reference could not be resolved)
#   protocol, from_port, to_port   as Terraform has them (null when absent/unknown)
#   cidrs            known IPv4 and IPv6 CIDR sources
#   prefix_lists     known prefix-list sources
#   sources_unknown  some CIDR or prefix-list source is unknown until apply
#   protocol_unknown, ports_unknown  the protocol / the port range is unknown
#
# Security-group sources (security_groups, source_security_group_id,
# referenced_security_group_id, self) are not CIDR sources and are left out. An
# `ingress` attribute unknown as a whole (a dynamic block over unknown values) gives
# one rule with path "ingress" and everything unknown.
#
# Built in Rust (src/engine/builtins/sg_ingress.rs): three rules read it, and in
# Rego it was one of the costliest parts of a large scan.
sg_ingress_rules := infracheck.sg_ingress_rules(input)

# Each rule also carries what its protocol and ports mean, so that the helpers
# below are field reads (every function call costs a lot in regorus):
#
#   proto            the protocol in lower case, the numbers of named protocols as
#                    names (6 tcp, 17 udp, 1 icmp, 58 icmpv6)
#   all_ports        the protocol is known and not limited to ports: "-1", "all"
#                    or any protocol but tcp, udp, icmp and icmpv6
#   port_range_known tcp or udp with from_port and to_port known numbers
#   ports_text       the ports, for messages: "all ports", "tcp port 22",
#                    "tcp ports 0-1024", "icmp", "unknown ports"
#   text             where the rule is, for messages: "ingress rule ingress.0", or
#                    "ingress rule" for a rule resource
#   open_cidrs       the sources that mean anywhere (0.0.0.0/0, ::/0), sorted
#
# Protocols tcp and udp are limited to from_port..to_port; ICMP rules carry no
# ports.

# True when ingress rule `e` (from sg_ingress_rules) admits every port.
ingress_all_ports(e) if e.all_ports

# True when ingress rule `e` admits traffic to `port`.
ingress_covers_port(e, port) if ingress_port_status(e, port) == "yes"

# True when ingress rule `e` admits traffic to `port`, or its protocol or ports are
# unknown so it may.
ingress_may_cover_port(e, port) if ingress_port_status(e, port) in {"yes", "maybe"}

# Whether ingress rule `e` admits traffic to `port`: "yes", "maybe" (its protocol
# or ports are not known until apply) or "no"; ingress_covers_port and
# ingress_may_cover_port read it. A rule asking both calls this once. Built in
# Rust (infracheck.ingress_port_status, which rules call directly): rules ask it of
# every ingress rule and port.
ingress_port_status(e, port) := infracheck.ingress_port_status(e, port)

# True when the only port ingress rule `e` admits is `port`.
ingress_only_port(e, port) if infracheck.ingress_only_port_status(e, port) == "yes"

# Whether the only port ingress rule `e` admits is `port`: "yes", "maybe" (its
# protocol or ports are not known until apply) or "no"; ingress_may_be_only_port
# reads it. Built in Rust, as infracheck.ingress_only_port_status.
ingress_only_port_status(e, port) := infracheck.ingress_only_port_status(e, port)

# True when ingress rule `e` admits only `port`, or its protocol or ports are unknown
# so it may.
ingress_may_be_only_port(e, port) if ingress_only_port_status(e, port) in {"yes", "maybe"}

# The ports of ingress rule `e`, for messages: "all ports", "tcp port 22",
# "tcp ports 0-1024", "icmp", "unknown ports".
ingress_ports_text(e) := e.ports_text

# Where rule `e` is, for messages: "ingress rule ingress.0" or "ingress rule".
ingress_text(e) := e.text

# Load balancer resource types (they may carry security groups).
lb_types := ["aws_lb", "aws_alb", "aws_elb"]

# True when the security group at address `sg` is used by a load balancer.
lb_security_group(sg) if sg in lb_referenced

# Every address a load balancer refers to, its security groups among them: the
# referrers index read from the other side, once, since lb_security_group is asked
# about every ingress rule of the scan.
lb_referenced := {a |
	some t in lb_types
	some lb in resources(t)
	some targets in lb.references
	some a in targets
}

# ---------------------------------------------------------------------------
# WAFv2 web ACL rules, from the `rule` blocks (Terraform plan JSON: every block is
# a list of objects) and from `rule_json` (AWS API JSON, PascalCase).

# What the rules of web ACL `acl` do, from both forms; built in Rust
# (src/engine/builtins/wafv2.rs), which documents the fields. A rule reads it once
# per ACL (each call walks every rule block):
#
#   {"enforced": [AWS managed rule groups used with override_action none, so
#                 the group's own block actions apply],
#    "counting": [AWS managed rule groups used in count mode],
#    "blocked": [statement kinds of rules whose action is block, directly or
#                inside and/or statements: "sqli_match_statement",
#                "SqliMatchStatement" (rule_json)...],
#    "rate_limited": a rate-based rule blocks (or answers with a captcha or
#                    challenge),
#    "rate_counting": a rate-based rule counts,
#    "rules_unknown": the rules that decide what the ACL blocks are not all known
#                     until apply}
wafv2_summary(acl) := infracheck.wafv2_summary(acl)

# True when web ACL summary `s` (wafv2_summary) has a rule with action block whose
# statement matches with `tf_key` (e.g. "sqli_match_statement"; `json_key`
# "SqliMatchStatement" in rule_json), directly or inside and/or statements (not
# under a not, rate-based or scope-down statement).
wafv2_match_blocked(s, tf_key, json_key) if {
	some key in [tf_key, json_key]
	key in s.blocked
}

# ---------------------------------------------------------------------------
# Test support: build an `input` with the real shape from a list of resources.

# A managed resource at `address` (module path and instance key allowed) with
# attribute `values`; add "unknown" and "references" with object.union.
mock_resource(address, values) := {
	"address": address,
	"type": _mock_type(address),
	"name": split(_mock_local(address), ".")[1],
	"mode": "managed",
	"module": _mock_module(address),
	"index": null,
	"provider": "aws",
	"region": "us-east-1",
	"account": null,
	"action": "create",
	"values": values,
	"unknown": {},
	"references": {},
}

_mock_module_re := `^(module\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.)+`

_mock_local(address) := regex.replace(address, _mock_module_re, "")

_mock_module(address) := trim_suffix(trim_suffix(address, _mock_local(address)), ".")

_mock_type(address) := split(_mock_local(address), ".")[0]

# The input document of a plan holding resources `rs`, with by_type and the
# referrers index computed from each resource's `references`.
mock_input(rs) := {
	"scan": {"source": "plan", "regions": sort({r.region | some r in rs; r.region != null}), "accounts": []},
	"resources": {r.address: r | some r in rs},
	"by_type": {t: [r | some r in rs; r.type == t] | some x in rs; t := x.type},
	"data_sources": {},
	"referrers": {target: _mock_referrers_of(rs, target) |
		some x in rs
		some targets in x.references
		some target in targets
	},
	"unresolved": {},
}

_mock_referrers_of(rs, target) := {t: _mock_referrers_by(rs, target, t) |
	some x in rs
	some xs in x.references
	target in xs
	t := x.type
}

_mock_referrers_by(rs, target, t) := sort({r.address |
	some r in rs
	r.type == t
	some ts in r.references
	target in ts
})

# ---------------------------------------------------------------------------
# Load balancing, DNS and CDN helpers (attributes that name another resource,
# load balancer types, numbers written as strings).

# True when attribute `path` of `r` is set: a known non-empty string, or a
# reference to another resource (an id or ARN that is unknown until apply).
attribute_set(r, path) if {
	v := value(r, path, null)
	is_string(v)
	v != ""
}

attribute_set(r, path) if count(references(r, path)) > 0

# True when scalar attribute `path` of `r` is known to be unset: absent, null or "",
# neither unknown until apply nor a reference.
attribute_unset(r, path) if {
	not attribute_set(r, path)
	not unknown_leaf(r, path)
}

# The load_balancer_type of an aws_lb / aws_alb: "application" when absent or null
# (the provider's default).
lb_type(lb) := t if {
	t := object.get(lb.values, "load_balancer_type", null)
	is_string(t)
	t != ""
} else := "application"

# True when load balancer `lb` is known to be an application load balancer. (A
# value present in `values` is known; only an absent one may be unknown.)
lb_application(lb) if object.get(lb.values, "load_balancer_type", null) == "application"

lb_application(lb) if {
	object.get(lb.values, "load_balancer_type", null) in {null, ""}
	not unknown(lb, "load_balancer_type")
}

# True when load balancer `lb` is known to be a network or gateway load balancer.
lb_not_application(lb) if {
	t := object.get(lb.values, "load_balancer_type", null)
	is_string(t)
	not t in {"", "application"}
}

# True when the scalar attribute at `path` (one that holds no nested values), or one
# of its ancestors, is unknown until apply. unknown(r, path) also looks for unknown
# descendants, which scans all of r.unknown; a scalar has none, so this costs a few
# lookups instead.
unknown_leaf(r, path) if infracheck.is_unknown_at(r.unknown, path)

# `v` as a number: numbers as they are, numeric strings ("30") converted;
# undefined for anything else.
number_value(v) := v if is_number(v)

number_value(v) := to_number(v) if {
	is_string(v)
	regex.match(`^-?[0-9]+(\.[0-9]+)?$`, v)
}

# ---------------------------------------------------------------------------
# IAM policy documents (added for S3-005 and IAM-001..003).
#
# iam_policy_doc(r, path) reads the JSON policy at attribute `path` of resource `r`
# (`policy`, `assume_role_policy`, `inline_policy.0.policy`, ...). When the value is
# unknown until apply and the attribute refers to one data.aws_iam_policy_document,
# the data source is read instead: its `json` when known, else its `statement`
# blocks. The result is always defined:
#
#   {"known": false, "statements": []}   the document cannot be read (unknown,
#                                        "(sensitive)", not JSON, or a data source
#                                        whose result is not known)
#   {"known": true, "statements": [...]} otherwise; absent, null or "" is a known
#                                        document without statements
#
# Each statement (JSON and data-source forms alike):
#
#   effect                     "Allow" or "Deny" (null when unknown)
#   actions, not_actions, resources, not_resources   lists of strings (a single
#                              string in the JSON is a one-element list)
#   principals, not_principals lists of {"type": ..., "identifiers": [...]}; the
#                              JSON `"Principal": "*"` is {"type": "*", "identifiers": ["*"]}
#   conditions                 list of {"test": "Bool", "variable": "aws:SecureTransport",
#                              "values": ["false"], "unknown": false}, values as strings
#                              (false -> "false"); "unknown" is true when some part of
#                              that condition is unknown until apply
#   unknown                    set of the field names above whose value is not
#                              (fully) known until apply; their lists then hold the
#                              known elements only
iam_policy_doc(r, path) := doc if {
	unknown_leaf(r, path)
	doc := _iam_data_source_doc(r, path)
} else := _iam_unreadable if {
	unknown_leaf(r, path)
} else := iam_json_doc(s) if {
	s := value(r, path, null)
	is_string(s)
	s != ""
} else := {"known": true, "statements": []}

_iam_unreadable := {"known": false, "statements": []}

# The normalized document of JSON string `s`.
iam_json_doc(s) := {"known": true, "statements": [_iam_json_statement(st) | some st in _iam_json_statement_list(doc)]} if {
	is_string(s)
	s != "(sensitive)"
	json.is_valid(s)
	doc := json.unmarshal(s)
	is_object(doc)
} else := _iam_unreadable

_iam_json_statement_list(doc) := [st | some st in doc.Statement; is_object(st)] if {
	is_array(doc.Statement)
} else := [doc.Statement] if {
	is_object(doc.Statement)
} else := []

_iam_json_statement(st) := {
	"effect": _iam_json_effect(st),
	"actions": _iam_strs(object.get(st, "Action", null)),
	"not_actions": _iam_strs(object.get(st, "NotAction", null)),
	"resources": _iam_strs(object.get(st, "Resource", null)),
	"not_resources": _iam_strs(object.get(st, "NotResource", null)),
	"principals": _iam_json_principals(object.get(st, "Principal", null)),
	"not_principals": _iam_json_principals(object.get(st, "NotPrincipal", null)),
	"conditions": _iam_json_conditions(object.get(st, "Condition", null)),
	"unknown": set(),
}

_iam_json_effect(st) := st.Effect if {
	is_string(st.Effect)
} else := null

_iam_json_principals(p) := [{"type": "*", "identifiers": ["*"]}] if {
	p == "*"
} else := [{"type": t, "identifiers": _iam_strs(ids)} | some t, ids in p] if {
	is_object(p)
} else := []

_iam_json_conditions(c) := [{"test": test, "variable": k, "values": _iam_strs(v), "unknown": false} |
	some test, kv in c
	is_object(kv)
	some k, v in kv
] if {
	is_object(c)
} else := []

# A JSON value or Terraform attribute as a list of strings (nulls, i.e. unknown
# elements, left out).
_iam_strs(x) := [x] if {
	is_string(x)
} else := x if {
	is_array(x)
	every e in x {
		is_string(e)
	}
} else := [sprintf("%v", [e]) | some e in x; e != null] if {
	is_array(x)
} else := [sprintf("%v", [x]) | x != null; not is_object(x)]

# The data.aws_iam_policy_document that attribute `path` of `r` refers to, read.
_iam_data_source_doc(r, path) := _iam_data_source_document(ds) if {
	refs := references(r, path)
	count(refs) == 1
	ds := input.data_sources[refs[0]]
	ds.type == "aws_iam_policy_document"
}

_iam_data_source_document(ds) := iam_json_doc(s) if {
	not unknown(ds, "json")
	s := value(ds, "json", null)
	is_string(s)
	s != ""
} else := _iam_unreadable if {
	_iam_data_source_opaque(ds)
} else := {"known": true, "statements": [_iam_ds_statement(ds, i, st) | some i, st in list_value(ds, "statement"); is_object(st)]}

# The statement blocks are unknown, or other documents are merged in.
_iam_data_source_opaque(ds) if {
	unknown(ds, "statement")
	not is_array(value(ds, "statement", null))
}

_iam_data_source_opaque(ds) if {
	some attr in ["source_policy_documents", "override_policy_documents", "source_json", "override_json"]
	unknown(ds, attr)
}

_iam_data_source_opaque(ds) if {
	some attr in ["source_policy_documents", "override_policy_documents", "source_json", "override_json"]
	v := value(ds, attr, null)
	v != null
	v != ""
	v != []
}

# Normalized field -> statement block attribute.
_iam_ds_fields := {
	"effect": "effect", "actions": "actions", "not_actions": "not_actions",
	"resources": "resources", "not_resources": "not_resources",
	"principals": "principals", "not_principals": "not_principals", "conditions": "condition",
}

_iam_ds_statement(ds, i, st) := {
	"effect": _iam_ds_effect(ds, i, st),
	"actions": _iam_strs(object.get(st, "actions", null)),
	"not_actions": _iam_strs(object.get(st, "not_actions", null)),
	"resources": _iam_strs(object.get(st, "resources", null)),
	"not_resources": _iam_strs(object.get(st, "not_resources", null)),
	"principals": _iam_ds_principals(get_list(st, "principals")),
	"not_principals": _iam_ds_principals(get_list(st, "not_principals")),
	"conditions": [{
		"test": object.get(c, "test", null), "variable": object.get(c, "variable", null),
		"values": _iam_strs(object.get(c, "values", null)),
		"unknown": _iam_unknown_flag(ds, sprintf("statement.%d.condition.%d", [i, j])),
	} |
		some j, c in get_list(st, "condition")
		is_object(c)
	],
	"unknown": {f | some f, attr in _iam_ds_fields; unknown(ds, sprintf("statement.%d.%s", [i, attr]))},
}

_iam_ds_effect(ds, i, st) := null if {
	unknown(ds, sprintf("statement.%d.effect", [i]))
} else := e if {
	e := object.get(st, "effect", null)
	is_string(e)
	e != ""
} else := "Allow"

_iam_unknown_flag(r, path) := true if {
	unknown(r, path)
} else := false

_iam_ds_principals(ps) := [{"type": object.get(p, "type", null), "identifiers": _iam_strs(object.get(p, "identifiers", null))} |
	some p in ps
	is_object(p)
]

# True when statement `st` allows (its effect is known to be Allow).
iam_allows(st) if st.effect == "Allow"

# True when statement `st` allows or its effect is unknown.
iam_may_allow(st) if iam_allows(st)

iam_may_allow(st) if "effect" in st.unknown

# True when statement `st` has the principal "*" (JSON "*" or {"AWS": "*"}).
iam_principal_anyone(st) if {
	some p in st.principals
	p.type in {"*", "AWS"}
	"*" in p.identifiers
}

# ---------------------------------------------------------------------------
# Test support for data sources.

# A data source at `address` ("data.<type>.<name>", module path allowed); add it to
# an input with object.union(lib.mock_input(rs), {"data_sources": {address: ds}}).
mock_data_source(address, values) := object.union(mock_resource(address, values), {
	"type": split(_mock_local(address), ".")[1],
	"name": split(_mock_local(address), ".")[2],
	"mode": "data",
	"action": "read",
})

# ---------------------------------------------------------------------------
# Tags (TAG-001, GDPR-002). A resource's effective tags are `tags_all` (its own
# `tags` merged with the provider's default_tags) when known. Its own `tags` win over
# default tags, so a key set in `tags` is final even while `tags_all` is unknown.
# Auto Scaling groups carry `tag` blocks ({key, value, propagate_at_launch}) instead.
# These run on nearly every resource: plain object lookups only, no path parsing.

# The known value of tag `key` of resource `r`; undefined when absent or unknown.
tag_value(r, key) := v if {
	v := object.get(r.values, ["tags", key], null)
	is_string(v)
} else := v if {
	v := object.get(r.values, ["tags_all", key], null)
	is_string(v)
} else := v if {
	some t in _tag_blocks(r)
	object.get(t, "key", null) == key
	v := object.get(t, "value", null)
	is_string(v)
}

# True when tag `key` of resource `r` has no known value but may have one after
# apply (the tag's value, or the tag map it would come from, is unknown).
tag_unknown(r, key) if {
	not tag_value(r, key)
	_tag_may_be_set(r, key)
}

_tag_blocks(r) := l if {
	l := object.get(r.values, "tag", [])
	is_array(l)
} else := []

_tag_may_be_set(r, key) if r.unknown[concat(".", ["tags", key])]

_tag_may_be_set(r, key) if r.unknown[concat(".", ["tags_all", key])]

_tag_may_be_set(r, _) if r.unknown.tags_all

_tag_may_be_set(r, _) if {
	r.unknown.tags
	not is_object(object.get(r.values, "tags_all", null))
}

_tag_may_be_set(r, _) if r.unknown.tag

_tag_may_be_set(r, _) if {
	some i, _ in _tag_blocks(r)
	r.unknown[sprintf("tag.%d.key", [i])]
}

_tag_may_be_set(r, key) if {
	some i, t in _tag_blocks(r)
	object.get(t, "key", null) == key
	r.unknown[sprintf("tag.%d.value", [i])]
}

# ---------------------------------------------------------------------------
# Networking and compute helpers (added for NET-002..008, EC2-001..004,
# ASG-001..002): fast attribute access, references below an attribute,
# single-valued references narrowed by instance key, arguments left to the
# provider, and subnet tiers from route tables.

# Another name for `value`, used by the networking rules.
get(r, path, default_value) := infracheck.get(r.values, path, default_value)

# Another name for `unknown_leaf`: the value at `path` or one of its ancestors is
# unknown until apply (an unknown descendant does not count).
unknown_value(r, path) if infracheck.is_unknown_at(r.unknown, path)

# True when the value at `path` (a list or map), an ancestor, or one of its
# elements is unknown until apply: `unknown` for lists and maps whose elements are
# scalars, without scanning every unknown path of the resource.
unknown_shallow(r, path) if infracheck.unknown_shallow(r, path)

# The addresses resource `r` refers to through attribute `path` or anything below
# it: list elements ("vpc_zone_identifier.0", as value joins record them), map keys
# ("dimensions.AutoScalingGroupName") and nested blocks ("route.0.gateway_id").
references_under(r, path) := infracheck.references_under(r, path)

# The types of the resources and data sources `r` refers to through `path` (or
# below it).
referenced_types(r, path) := {t |
	some a in references_under(r, path)
	t := _address_type(a)
}

_address_type(a) := input.resources[a].type

_address_type(a) := input.data_sources[a].type if not input.resources[a]

# The resources of a type in `types` (a set) that `r` refers to through the
# single-valued attribute `path` (subnet_id, route_table_id, vpc_id, ...). When the
# expression went through a splat or a whole count/for_each object
# (`element(aws_subnet.private[*].id, count.index)`), every instance is a target;
# the one with r's own instance key is then taken, when one has it.
single_referenced(r, path, types) := infracheck.single_referenced(input, r, path, types)

# True when `r` refers to resource `t` through the single-valued attribute `path`
# (see single_referenced).
points_at(r, path, t) if infracheck.points_at(input, r, path, t)

# True when `r` has a reference that could not be resolved to a resource.
unresolved_resource(r) if infracheck.unresolved_resource(input, r)

# True when attribute `path` of `r` is unknown only because the configuration
# leaves out an Optional+Computed argument that the provider fills in at apply
# (key_name, associate_public_ip_address, aws_route_table.route, ...). A configured
# value that is unknown until apply comes from some resource's attribute, so it
# shows in r.references, or r is listed in input.unresolved; here neither is the
# case.
computed_default(r, path) if infracheck.computed_default(input, r, path)

# True when a boolean attribute is true; Terraform writes some as strings
# (aws_launch_template: encrypted = "true", associate_public_ip_address = "true").
truthy(v) if v == true

truthy(v) if v == "true"

# VPC resource types. (The functions here spell such sets out instead of using
# these rules: any rule of this package makes a policy evaluate all of them, which
# costs a lot on large plans.)
vpc_types := {"aws_vpc", "aws_default_vpc"}

# True when VPC `v` is an AWS default VPC (aws_default_vpc, or flagged default in a
# live scan).
default_vpc(v) if v.type == "aws_default_vpc"

default_vpc(v) if object.get(v.values, "default", false) == true

# The VPCs subnet (or other VPC-bound resource) `s` belongs to through vpc_id.
vpcs_of(s) := single_referenced(s, "vpc_id", {"aws_vpc", "aws_default_vpc"})

# The subnets of VPC `v`.
vpc_subnets(v) := infracheck.referrers_pointing(input, v, "aws_subnet", "vpc_id")

# The availability zone of subnet `s`: its availability_zone, or its
# availability_zone_id when only that is known; undefined when neither is known.
subnet_az(s) := az if {
	not s.unknown.availability_zone
	az := object.get(s.values, "availability_zone", null)
	is_string(az)
	az != ""
} else := az if {
	not s.unknown.availability_zone_id
	az := object.get(s.values, "availability_zone_id", null)
	is_string(az)
	az != ""
}

# ---------------------------------------------------------------------------
# Route tables and subnet tiers.
#
# A subnet is "public" when a route table it uses sends 0.0.0.0/0 or ::/0 to an
# internet gateway, "private" when none does, and "undecided" when that is not
# known until apply. A subnet uses the route tables of its
# aws_route_table_association resources, or else its VPC's main route table
# (aws_main_route_table_association, aws_default_route_table, or in live scans the
# VPC's main_route_table_id). In plans, a VPC whose main route table Terraform does
# not manage keeps AWS's main route table, which only has the local route.
#
# Routes come from the inline `route` blocks of the table and from aws_route
# resources. An inline `route` that is unknown as a whole (left out of the
# configuration, or a set holding an id unknown until apply) is read from the
# table's references: a `route.N.gateway_id` that refers to an aws_internet_gateway
# is taken as a default route to it (and `route.N.nat_gateway_id` to an
# aws_nat_gateway as a default route through it); without such references, the
# table has no inline routes, unless it has a reference that could not be resolved
# (other than its vpc_id), which makes its inline routes unknown.

# A subnet whose route tables are not all known is "undecided" unless one of them
# is known to be public: an association whose table is not in the scan, an
# association elsewhere that could not be joined to its subnet, a VPC that is not
# in the scan, or (live) a main route table that was not read.
#
# A route table's status is {"internet": s, "nat": s}, where s is "yes", "maybe" (a
# destination, target or table unknown until apply) or "no": "internet" is a route
# for 0.0.0.0/0 or ::/0 to an internet gateway, "nat" a route for 0.0.0.0/0
# through a NAT gateway. An aws_route whose table could not be resolved may be in
# any table, so it makes every table "maybe" for its destination and target.
#
# Built in Rust (src/engine/builtins/subnet_routing.rs), once per evaluation: it
# joins subnets, associations, route tables, routes, VPCs and gateways, and in Rego
# it was the costliest part of a large scan.
#
#   {"subnets": {address: {"tier": "public" | "private" | "undecided",
#                          "route_tables": [addresses], "undecided": bool}},
#    "route_tables": {address: {"internet": s, "nat": s}}}
subnet_routing := infracheck.subnet_routing(input)

# The tier of every subnet: {address: "public" | "private" | "undecided"}.
all_subnet_tiers := {a: s.tier | some a, s in subnet_routing.subnets}

# The status of every route table: {address: {"internet": s, "nat": s}}.
all_route_table_statuses := subnet_routing.route_tables

# The route tables subnet `s` uses (its explicit associations', else its VPC's
# main route table).
subnet_route_tables(s) := [input.resources[a] | some a in subnet_routing.subnets[s.address].route_tables]

# True when the route tables of subnet `s` are not all known.
subnet_route_tables_undecided(s) if subnet_routing.subnets[s.address].undecided
