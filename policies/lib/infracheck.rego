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

# The value at `path` (a dotted string) of resource `r`, or `default_value` when absent.
value(r, path, default_value) := object.get(r.values, split_path(path), default_value)

# The list at `path` of resource `r`, or [] when it is absent, null or not a list
# (Terraform blocks are lists of objects; iterating null is an error in regorus).
list_value(r, path) := l if {
	l := value(r, path, [])
	is_array(l)
} else := []

# The list at `key` (a key, or a path as an array) of object `o`, or [] when `o` is
# not an object or the list is absent, null or not a list.
get_list(o, key) := l if {
	is_object(o)
	l := object.get(o, key, [])
	is_array(l)
} else := []

# True when the block at `key` of object `o` is present (a non-empty list).
has_block(o, key) if count(get_list(o, key)) > 0

split_path(path) := [_key(p) | some p in split(path, ".")]

_key(p) := to_number(p) if regex.match(`^[0-9]+$`, p)

_key(p) := p if not regex.match(`^[0-9]+$`, p)

# True when the value at `path` is not known until apply: the path itself, one of
# its ancestors or one of its descendants is unknown.
unknown(r, path) if r.unknown[path]

unknown(r, path) if {
	some u, _ in r.unknown
	startswith(path, concat("", [u, "."]))
}

unknown(r, path) if {
	some u, _ in r.unknown
	startswith(u, concat("", [path, "."]))
}

# True when anything of resource `r` is unknown.
any_unknown(r) if count(r.unknown) > 0

# The resources of type `t` that reference resource `r`.
referrers(r, t) := [input.resources[a] |
	some a in object.get(input.referrers, [r.address, t], [])
	input.resources[a]
]

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
config(key) := data.infracheck.config[key]

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
# referenced_security_group_id, self) are not CIDR sources and are left out.
sg_ingress_rules contains e if {
	some sg in resources("aws_security_group")
	some i, ing in list_value(sg, "ingress")
	e := _sg_ingress(
		sg, sprintf("ingress.%d", [i]), [sg.address], ing, "protocol",
		["cidr_blocks", "ipv6_cidr_blocks"], ["prefix_list_ids"],
	)
}

# The whole `ingress` attribute is unknown (e.g. a dynamic block over unknown values).
sg_ingress_rules contains e if {
	some sg in resources("aws_security_group")
	unknown(sg, "ingress")
	not is_array(value(sg, "ingress", null))
	e := {
		"address": sg.address, "path": "ingress", "sgs": [sg.address],
		"protocol": null, "from_port": null, "to_port": null, "cidrs": [], "prefix_lists": [],
		"sources_unknown": true, "protocol_unknown": true, "ports_unknown": true,
	}
}

sg_ingress_rules contains e if {
	some r in resources("aws_security_group_rule")
	value(r, "type", "") == "ingress"
	e := _sg_ingress(
		r, "", references(r, "security_group_id"), r.values, "protocol",
		["cidr_blocks", "ipv6_cidr_blocks"], ["prefix_list_ids"],
	)
}

sg_ingress_rules contains e if {
	some r in resources("aws_vpc_security_group_ingress_rule")
	e := _sg_ingress(
		r, "", references(r, "security_group_id"), r.values, "ip_protocol",
		["cidr_ipv4", "cidr_ipv6"], ["prefix_list_id"],
	)
}

_sg_ingress(r, prefix, sgs, obj, proto_attr, cidr_attrs, pl_attrs) := {
	"address": r.address,
	"path": prefix,
	"sgs": sgs,
	"protocol": object.get(obj, proto_attr, null),
	"from_port": object.get(obj, "from_port", null),
	"to_port": object.get(obj, "to_port", null),
	"cidrs": [c | some a in cidr_attrs; some c in _as_list(object.get(obj, a, null)); c != ""],
	"prefix_lists": [p | some a in pl_attrs; some p in _as_list(object.get(obj, a, null)); p != ""],
	"sources_unknown": _some_unknown(r, prefix, array.concat(cidr_attrs, pl_attrs)),
	"protocol_unknown": _some_unknown(r, prefix, [proto_attr]),
	"ports_unknown": _some_unknown(r, prefix, ["from_port", "to_port"]),
}

_as_list(x) := x if is_array(x)

_as_list(x) := [x] if is_string(x)

_as_list(x) := [] if {
	not is_array(x)
	not is_string(x)
}

_some_unknown(r, prefix, attrs) := true if {
	some a in attrs
	unknown(r, _sub_path(prefix, a))
} else := false

_sub_path(prefix, a) := a if prefix == ""

_sub_path(prefix, a) := concat(".", [prefix, a]) if prefix != ""

# Protocols whose rules are limited to from_port..to_port (tcp, udp, or 6, 17); ICMP
# rules (icmp, icmpv6, or 1, 58) carry no ports; "-1"/"all" and every other protocol
# number admit every port.
_port_protocols := {"tcp", "udp"}

_portless_protocols := {"icmp", "icmpv6"}

_protocol_names := {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}

# The protocol of ingress rule `e`, numbers of named protocols as names.
_protocol(e) := object.get(_protocol_names, p, p) if p := lower(sprintf("%v", [e.protocol]))

# True when ingress rule `e` (from sg_ingress_rules) admits every port.
ingress_all_ports(e) if {
	not e.protocol_unknown
	not _protocol(e) in _port_protocols
	not _protocol(e) in _portless_protocols
}

_known_port_range(e) if {
	not e.protocol_unknown
	not e.ports_unknown
	_protocol(e) in _port_protocols
	is_number(e.from_port)
	is_number(e.to_port)
}

# True when ingress rule `e` admits traffic to `port`.
ingress_covers_port(e, port) if ingress_all_ports(e)

ingress_covers_port(e, port) if {
	_known_port_range(e)
	e.from_port <= port
	port <= e.to_port
}

# True when ingress rule `e` admits traffic to `port`, or its protocol or ports are
# unknown so it may.
ingress_may_cover_port(e, port) if ingress_covers_port(e, port)

ingress_may_cover_port(e, _) if e.protocol_unknown

ingress_may_cover_port(e, _) if {
	not e.protocol_unknown
	e.ports_unknown
	_protocol(e) in _port_protocols
}

# True when the only port ingress rule `e` admits is `port`.
ingress_only_port(e, port) if {
	_known_port_range(e)
	e.from_port >= port
	e.to_port <= port
}

# True when ingress rule `e` admits only `port`, or its protocol or ports are unknown
# so it may.
ingress_may_be_only_port(e, port) if ingress_only_port(e, port)

ingress_may_be_only_port(e, _) if e.protocol_unknown

ingress_may_be_only_port(e, _) if {
	not e.protocol_unknown
	e.ports_unknown
	_protocol(e) in _port_protocols
}

# The ports of ingress rule `e`, for messages: "all ports", "tcp port 22",
# "tcp ports 0-1024", "icmp", "unknown ports".
ingress_ports_text(e) := "unknown ports" if {
	e.protocol_unknown
} else := "all ports" if {
	ingress_all_ports(e)
} else := _protocol(e) if {
	_protocol(e) in _portless_protocols
} else := sprintf("%s port %v", [_protocol(e), e.from_port]) if {
	_known_port_range(e)
	e.from_port == e.to_port
} else := sprintf("%s ports %v-%v", [_protocol(e), e.from_port, e.to_port]) if {
	_known_port_range(e)
} else := sprintf("%s, unknown ports", [_protocol(e)])

# Where rule `e` is, for messages: "ingress rule ingress.0" or "ingress rule".
ingress_text(e) := sprintf("ingress rule %s", [e.path]) if e.path != ""

ingress_text(e) := "ingress rule" if e.path == ""

# Load balancer resource types (they may carry security groups).
lb_types := ["aws_lb", "aws_alb", "aws_elb"]

# True when the security group at address `sg` is used by a load balancer.
lb_security_group(sg) if {
	some t in lb_types
	count(referrers({"address": sg}, t)) > 0
}

# ---------------------------------------------------------------------------
# WAFv2 web ACL rules, from the `rule` blocks (Terraform plan JSON: every block is
# a list of objects) and from `rule_json` (AWS API JSON, PascalCase).

# The rules of web ACL `acl` given as `rule_json`.
wafv2_json_rules(acl) := rules if {
	s := value(acl, "rule_json", "")
	is_string(s)
	s != ""
	rules := json.unmarshal(s)
	is_array(rules)
} else := []

# True when web ACL `acl` has a rule using the AWS managed rule group `name` with
# override_action none (so the group's own block actions apply, not count).
wafv2_managed_group_enforced(acl, name) if {
	some rule in list_value(acl, "rule")
	_wafv2_managed_group(rule, name)
	some oa in get_list(rule, "override_action")
	has_block(oa, "none")
	not has_block(oa, "count")
}

wafv2_managed_group_enforced(acl, name) if {
	some rule in wafv2_json_rules(acl)
	object.get(rule, ["Statement", "ManagedRuleGroupStatement", "Name"], "") == name
	object.get(rule, ["Statement", "ManagedRuleGroupStatement", "VendorName"], "AWS") == "AWS"
	object.get(rule, ["OverrideAction", "None"], null) != null
}

# True when web ACL `acl` uses the AWS managed rule group `name` in count mode.
wafv2_managed_group_counting(acl, name) if {
	some rule in list_value(acl, "rule")
	_wafv2_managed_group(rule, name)
	some oa in get_list(rule, "override_action")
	has_block(oa, "count")
}

wafv2_managed_group_counting(acl, name) if {
	some rule in wafv2_json_rules(acl)
	object.get(rule, ["Statement", "ManagedRuleGroupStatement", "Name"], "") == name
	object.get(rule, ["OverrideAction", "Count"], null) != null
}

_wafv2_managed_group(rule, name) if {
	some s in get_list(rule, "statement")
	some m in get_list(s, "managed_rule_group_statement")
	m.name == name
	object.get(m, "vendor_name", "AWS") == "AWS"
}

# True when web ACL `acl` has a rule with action block whose statement matches with
# `tf_key` (e.g. "sqli_match_statement"; `json_key` "SqliMatchStatement" in
# rule_json), directly or inside and/or statements (not under a not, rate-based or
# scope-down statement).
wafv2_match_blocked(acl, tf_key, _) if {
	some rule in list_value(acl, "rule")
	some a in get_list(rule, "action")
	has_block(a, "block")
	some s in _wafv2_tf_statements(get_list(rule, "statement"))
	has_block(s, tf_key)
}

wafv2_match_blocked(acl, _, json_key) if {
	some rule in wafv2_json_rules(acl)
	object.get(rule, ["Action", "Block"], null) != null
	some s in _wafv2_json_statements([object.get(rule, "Statement", {})])
	object.get(s, json_key, null) != null
}

# Statements and the statements nested in their and/or statements (Terraform
# allows three levels).
_wafv2_tf_statements(l0) := array.concat(array.concat(l0, l1), _wafv2_tf_nested(l1)) if {
	l1 := _wafv2_tf_nested(l0)
}

_wafv2_tf_nested(stmts) := [c |
	some s in stmts
	some op in ["and_statement", "or_statement"]
	some o in get_list(s, op)
	some c in get_list(o, "statement")
]

_wafv2_json_statements(l0) := array.concat(array.concat(l0, l1), _wafv2_json_nested(l1)) if {
	l1 := _wafv2_json_nested(l0)
}

_wafv2_json_nested(stmts) := [c |
	some s in stmts
	some op in ["AndStatement", "OrStatement"]
	some c in get_list(s, [op, "Statements"])
]

# True when web ACL `acl` has a rate-based rule whose action is not count-only
# (block, captcha or challenge).
wafv2_rate_limited(acl) if {
	some rule in list_value(acl, "rule")
	some s in get_list(rule, "statement")
	has_block(s, "rate_based_statement")
	some a in get_list(rule, "action")
	some act in ["block", "captcha", "challenge"]
	has_block(a, act)
}

wafv2_rate_limited(acl) if {
	some rule in wafv2_json_rules(acl)
	object.get(rule, ["Statement", "RateBasedStatement"], null) != null
	some act in ["Block", "Captcha", "Challenge"]
	object.get(rule, ["Action", act], null) != null
}

# True when web ACL `acl` has a rate-based rule in count mode only.
wafv2_rate_counting(acl) if {
	some rule in list_value(acl, "rule")
	some s in get_list(rule, "statement")
	has_block(s, "rate_based_statement")
	some a in get_list(rule, "action")
	has_block(a, "count")
}

wafv2_rate_counting(acl) if {
	some rule in wafv2_json_rules(acl)
	object.get(rule, ["Statement", "RateBasedStatement"], null) != null
	object.get(rule, ["Action", "Count"], null) != null
}

# True when the rules of web ACL `acl` that decide what it blocks are not all known
# until apply.
wafv2_rules_unknown(acl) if unknown(acl, "rule_json")

wafv2_rules_unknown(acl) if {
	unknown(acl, "rule")
	not is_array(value(acl, "rule", null))
}

wafv2_rules_unknown(acl) if {
	some i, _ in list_value(acl, "rule")
	some attr in ["statement", "action", "override_action"]
	unknown(acl, sprintf("rule.%d.%s", [i, attr]))
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
