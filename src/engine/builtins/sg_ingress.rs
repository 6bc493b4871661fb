//! `infracheck.sg_ingress_rules(input)`: security group ingress in its three
//! Terraform forms (inline `ingress` blocks of aws_security_group,
//! aws_security_group_rule with type "ingress", aws_vpc_security_group_ingress_rule),
//! one object per rule, as documented at `sg_ingress_rules` in
//! policies/lib/infracheck.rego. Three rules read it; built in Rego it was the
//! second costliest part of a scan.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{anyhow, Result};
use regorus::Value;

use super::input_view::{field, str_field, unknown_around, Input};

/// The attribute names of one form.
struct Form {
    protocol: &'static str,
    cidrs: [&'static str; 2],
    prefix_lists: &'static str,
}

const BLOCK_FORM: Form = Form {
    protocol: "protocol",
    cidrs: ["cidr_blocks", "ipv6_cidr_blocks"],
    prefix_lists: "prefix_list_ids",
};

const VPC_RULE_FORM: Form = Form {
    protocol: "ip_protocol",
    cidrs: ["cidr_ipv4", "cidr_ipv6"],
    prefix_lists: "prefix_list_id",
};

/// A list attribute, or a single string as a one-element list; "" left out.
fn sources(obj: &Value, attr: &str) -> Vec<Value> {
    match field(obj, attr) {
        Some(Value::Array(a)) => a
            .iter()
            .filter(|c| c.as_string().map_or(true, |c| !c.is_empty()))
            .cloned()
            .collect(),
        Some(Value::String(s)) if !s.is_empty() => vec![Value::String(s.clone())],
        _ => Vec::new(),
    }
}

fn sub_path(prefix: &str, attr: &str) -> String {
    if prefix.is_empty() {
        attr.to_string()
    } else {
        format!("{prefix}.{attr}")
    }
}

fn some_unknown(r: &Value, prefix: &str, attrs: &[&str]) -> bool {
    attrs
        .iter()
        .any(|a| unknown_around(r, &sub_path(prefix, a)))
}

/// The protocol as the rules compare it: as Rego's `lower(sprintf("%v", [p]))`
/// writes it, with the numbers of named protocols as names (6 tcp, 17 udp, 1 icmp,
/// 58 icmpv6).
fn protocol_name(p: &Value) -> String {
    let text = match p {
        Value::String(s) => s.to_lowercase(),
        Value::Number(n) => n.format_decimal(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_string(),
        other => other.to_json_str().unwrap_or_default().to_lowercase(),
    };
    match text.as_str() {
        "6" => "tcp".to_string(),
        "17" => "udp".to_string(),
        "1" => "icmp".to_string(),
        "58" => "icmpv6".to_string(),
        _ => text,
    }
}

/// `%v` of a port, as Rego's sprintf writes it.
fn port_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::Number(n)) => n.format_decimal(),
        Some(Value::String(s)) => s.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => "null".to_string(),
    }
}

/// Adds what the rules derive from the protocol, ports and sources:
///
/// - `proto` (see protocol_name);
/// - `all_ports`: a known protocol that is not limited to a port range ("-1",
///   "all" or any protocol but tcp, udp and ICMP);
/// - `port_range_known`: tcp or udp with known numeric from_port and to_port;
/// - `ports_text`: the ports for messages ("all ports", "tcp port 22", "tcp ports
///   0-1024", "icmp", "unknown ports", "tcp, unknown ports");
/// - `text`: where the rule is, for messages ("ingress rule ingress.0", or
///   "ingress rule" for a rule resource);
/// - `open_cidrs`: the sources that mean anywhere (0.0.0.0/0, ::/0), sorted.
fn add_derived_facts(m: &mut BTreeMap<Value, Value>) {
    let get = |m: &BTreeMap<Value, Value>, k: &str| m.get(&Value::from(k)).cloned();
    let flag = |m: &BTreeMap<Value, Value>, k: &str| get(m, k) == Some(Value::Bool(true));
    let from = get(m, "from_port");
    let to = get(m, "to_port");
    let number = |v: &Option<Value>| matches!(v, Some(Value::Number(_)));
    let proto = protocol_name(&get(m, "protocol").unwrap_or(Value::Null));
    let ported = proto == "tcp" || proto == "udp";
    let portless = proto == "icmp" || proto == "icmpv6";
    let protocol_unknown = flag(m, "protocol_unknown");
    let all_ports = !protocol_unknown && !ported && !portless;
    let range_known =
        !protocol_unknown && !flag(m, "ports_unknown") && ported && number(&from) && number(&to);
    let ports_text = if protocol_unknown {
        "unknown ports".to_string()
    } else if all_ports {
        "all ports".to_string()
    } else if portless {
        proto.clone()
    } else if range_known && from == to {
        format!("{proto} port {}", port_text(from.as_ref()))
    } else if range_known {
        format!(
            "{proto} ports {}-{}",
            port_text(from.as_ref()),
            port_text(to.as_ref())
        )
    } else {
        format!("{proto}, unknown ports")
    };
    let text = match get(m, "path") {
        Some(Value::String(p)) if !p.is_empty() => format!("ingress rule {p}"),
        _ => "ingress rule".to_string(),
    };
    let mut open: Vec<Value> = match get(m, "cidrs") {
        Some(Value::Array(a)) => a
            .iter()
            .filter(|c| matches!(c, Value::String(s) if s.as_ref() == "0.0.0.0/0" || s.as_ref() == "::/0"))
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    open.sort();
    m.insert(Value::from("proto"), Value::from(proto));
    m.insert(Value::from("all_ports"), Value::from(all_ports));
    m.insert(Value::from("port_range_known"), Value::from(range_known));
    m.insert(Value::from("ports_text"), Value::from(ports_text));
    m.insert(Value::from("text"), Value::from(text));
    m.insert(Value::from("open_cidrs"), Value::from(open));
}

fn entry(r: &Value, prefix: &str, sgs: Value, obj: &Value, form: &Form) -> Value {
    let get = |k: &str| field(obj, k).cloned().unwrap_or(Value::Null);
    let mut m = BTreeMap::new();
    let mut put = |k: &str, v: Value| {
        m.insert(Value::from(k), v);
    };
    put(
        "address",
        field(r, "address").cloned().unwrap_or(Value::Null),
    );
    put("path", Value::from(prefix));
    put("sgs", sgs);
    put("protocol", get(form.protocol));
    put("from_port", get("from_port"));
    put("to_port", get("to_port"));
    put(
        "cidrs",
        Value::from(
            form.cidrs
                .iter()
                .flat_map(|a| sources(obj, a))
                .collect::<Vec<_>>(),
        ),
    );
    put("prefix_lists", Value::from(sources(obj, form.prefix_lists)));
    let [c4, c6] = form.cidrs;
    put(
        "sources_unknown",
        Value::from(some_unknown(r, prefix, &[c4, c6, form.prefix_lists])),
    );
    put(
        "protocol_unknown",
        Value::from(some_unknown(r, prefix, &[form.protocol])),
    );
    put(
        "ports_unknown",
        Value::from(some_unknown(r, prefix, &["from_port", "to_port"])),
    );
    add_derived_facts(&mut m);
    Value::from(m)
}

/// The groups a rule resource belongs to: its `security_group_id` references.
fn group_refs(r: &Value) -> Value {
    field(r, "references")
        .and_then(|refs| field(refs, "security_group_id"))
        .cloned()
        .unwrap_or_else(|| Value::from(Vec::<Value>::new()))
}

fn rules(input: &Input<'_>) -> BTreeSet<Value> {
    let mut out = BTreeSet::new();
    for sg in input.resources("aws_security_group") {
        let address = field(sg, "address").cloned().unwrap_or(Value::Null);
        let values = field(sg, "values").unwrap_or(&Value::Null);
        match field(values, "ingress") {
            Some(Value::Array(blocks)) => {
                for (i, ing) in blocks.iter().enumerate() {
                    if matches!(ing, Value::Object(_)) {
                        let sgs = Value::from(vec![address.clone()]);
                        out.insert(entry(sg, &format!("ingress.{i}"), sgs, ing, &BLOCK_FORM));
                    }
                }
            }
            // The whole `ingress` attribute is unknown (e.g. a dynamic block over
            // unknown values).
            _ if unknown_around(sg, "ingress") => {
                let mut m = BTreeMap::new();
                for (k, v) in [
                    ("address", address.clone()),
                    ("path", Value::from("ingress")),
                    ("sgs", Value::from(vec![address.clone()])),
                    ("protocol", Value::Null),
                    ("from_port", Value::Null),
                    ("to_port", Value::Null),
                    ("cidrs", Value::from(Vec::<Value>::new())),
                    ("prefix_lists", Value::from(Vec::<Value>::new())),
                    ("sources_unknown", Value::from(true)),
                    ("protocol_unknown", Value::from(true)),
                    ("ports_unknown", Value::from(true)),
                ] {
                    m.insert(Value::from(k), v);
                }
                add_derived_facts(&mut m);
                out.insert(Value::from(m));
            }
            _ => {}
        }
    }
    for r in input.resources("aws_security_group_rule") {
        let values = field(r, "values").unwrap_or(&Value::Null);
        if str_field(values, "type") == Some("ingress") {
            out.insert(entry(r, "", group_refs(r), values, &BLOCK_FORM));
        }
    }
    for r in input.resources("aws_vpc_security_group_ingress_rule") {
        let values = field(r, "values").unwrap_or(&Value::Null);
        out.insert(entry(r, "", group_refs(r), values, &VPC_RULE_FORM));
    }
    out
}

/// `infracheck.sg_ingress_rules(input)`: the set of normalized ingress rules.
pub fn sg_ingress_rules(args: Vec<Value>) -> Result<Value> {
    let [input] = args.as_slice() else {
        return Err(anyhow!("infracheck.sg_ingress_rules takes 1 argument"));
    };
    Ok(Value::from(rules(&Input::new(input))))
}
