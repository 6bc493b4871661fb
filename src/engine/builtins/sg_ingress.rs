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

/// Rule `e` (an entry of sg_ingress_rules) and a port, of a port-status builtin.
fn rule_and_port<'a>(args: &'a [Value], name: &str) -> Result<(&'a Value, &'a Value)> {
    match args {
        [e, port] => Ok((e, port)),
        _ => Err(anyhow!("{name} takes 2 arguments")),
    }
}

fn flag(e: &Value, k: &str) -> bool {
    field(e, k) == Some(&Value::Bool(true))
}

/// Ports not known until apply: its protocol, or the ports of a tcp or udp rule.
fn ports_may_vary(e: &Value) -> bool {
    flag(e, "protocol_unknown")
        || (flag(e, "ports_unknown") && matches!(str_field(e, "proto"), Some("tcp" | "udp")))
}

fn status(yes: bool, maybe: bool) -> Value {
    Value::from(match (yes, maybe) {
        (true, _) => "yes",
        (false, true) => "maybe",
        (false, false) => "no",
    })
}

/// `infracheck.ingress_port_status(e, port)`: whether ingress rule `e` (an entry of
/// sg_ingress_rules) admits `port`: "yes", "maybe" (its protocol or ports are not
/// known until apply) or "no". Ports compare as Rego compares values.
pub fn ingress_port_status(args: Vec<Value>) -> Result<Value> {
    let (e, port) = rule_and_port(&args, "infracheck.ingress_port_status")?;
    let in_range = flag(e, "port_range_known")
        && field(e, "from_port").is_some_and(|from| from <= port)
        && field(e, "to_port").is_some_and(|to| port <= to);
    Ok(status(flag(e, "all_ports") || in_range, ports_may_vary(e)))
}

/// `infracheck.ingress_only_port_status(e, port)`: whether the only port ingress rule
/// `e` admits is `port`: "yes", "maybe" (its protocol or ports are not known until
/// apply) or "no".
pub fn ingress_only_port_status(args: Vec<Value>) -> Result<Value> {
    let (e, port) = rule_and_port(&args, "infracheck.ingress_only_port_status")?;
    let only = flag(e, "port_range_known")
        && field(e, "from_port").is_some_and(|from| from >= port)
        && field(e, "to_port").is_some_and(|to| to <= port);
    Ok(status(only, ports_may_vary(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(json: &str) -> Value {
        Value::from_json_str(json).unwrap()
    }

    /// (admits `port`, admits only `port`)
    fn statuses(e: &Value, port: u64) -> (String, String) {
        let args = vec![e.clone(), Value::from(port)];
        let text = |v: Value| v.as_string().unwrap().to_string();
        (
            text(ingress_port_status(args.clone()).unwrap()),
            text(ingress_only_port_status(args).unwrap()),
        )
    }

    fn pair(admits: &str, only: &str) -> (String, String) {
        (admits.to_string(), only.to_string())
    }

    #[test]
    fn port_statuses_follow_protocol_and_range() {
        let ssh = rule(
            r#"{"proto": "tcp", "all_ports": false, "port_range_known": true, "from_port": 22, "to_port": 22}"#,
        );
        assert_eq!(statuses(&ssh, 22), pair("yes", "yes"));
        assert_eq!(statuses(&ssh, 3389), pair("no", "no"));
        let range = rule(
            r#"{"proto": "tcp", "all_ports": false, "port_range_known": true, "from_port": 0, "to_port": 1024}"#,
        );
        assert_eq!(statuses(&range, 22), pair("yes", "no"));
        assert_eq!(statuses(&range, 3389), pair("no", "no"));
        let all = rule(r#"{"proto": "-1", "all_ports": true, "port_range_known": false}"#);
        assert_eq!(statuses(&all, 22), pair("yes", "no"));
        let icmp = rule(r#"{"proto": "icmp", "all_ports": false, "port_range_known": false}"#);
        assert_eq!(statuses(&icmp, 22), pair("no", "no"));
    }

    #[test]
    fn unknown_protocol_or_ports_may_admit() {
        let protocol =
            rule(r#"{"proto": "null", "protocol_unknown": true, "ports_unknown": true}"#);
        assert_eq!(statuses(&protocol, 22), pair("maybe", "maybe"));
        let ports = rule(r#"{"proto": "udp", "all_ports": false, "ports_unknown": true}"#);
        assert_eq!(statuses(&ports, 22), pair("maybe", "maybe"));
        // ICMP carries no ports: unknown port fields do not matter.
        let icmp = rule(r#"{"proto": "icmp", "all_ports": false, "ports_unknown": true}"#);
        assert_eq!(statuses(&icmp, 22), pair("no", "no"));
        // A known answer wins over unknown ports (a range is only known with both).
        let known = rule(
            r#"{"proto": "tcp", "all_ports": false, "port_range_known": true, "from_port": 22, "to_port": 22, "protocol_unknown": false}"#,
        );
        assert_eq!(statuses(&known, 22), pair("yes", "yes"));
    }

    #[test]
    fn port_statuses_need_two_arguments() {
        let err = ingress_port_status(vec![Value::Null]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "infracheck.ingress_port_status takes 2 arguments"
        );
    }
}
