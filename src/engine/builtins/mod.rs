//! OPA builtins cloud rules need that regorus does not ship, registered as extensions.

use std::str::FromStr;

mod input_view;
mod joins;
mod sg_ingress;
mod subnet_routing;
mod tags;
mod wafv2;

use anyhow::{anyhow, Result};
use ipnet::IpNet;
use regorus::{Engine, Value};

fn parse_net(v: &Value) -> Result<IpNet> {
    let s = v
        .as_string()
        .map_err(|_| anyhow!("net.cidr_intersects: expected a CIDR string"))?;
    IpNet::from_str(s.as_ref())
        .or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| anyhow!("net.cidr_intersects: invalid CIDR {s:?}"))
}

/// `net.cidr_intersects(a, b)`: whether two CIDRs share any address.
fn cidr_intersects(args: Vec<Value>) -> Result<Value> {
    let [a, b] = args.as_slice() else {
        return Err(anyhow!("net.cidr_intersects takes 2 arguments"));
    };
    let (a, b) = (parse_net(a)?, parse_net(b)?);
    let overlap = match (a, b) {
        (IpNet::V4(_), IpNet::V4(_)) | (IpNet::V6(_), IpNet::V6(_)) => {
            a.contains(&b.network()) || b.contains(&a.network())
        }
        _ => false,
    };
    Ok(Value::from(overlap))
}

/// `infracheck.cidr_overlaps(cidrs)`: the index pairs `[i, j]` (both orders, i != j)
/// of the CIDRs in the array `cidrs` that share an address; entries that are not
/// valid CIDRs overlap nothing. Sorting and a sweep make it O(n log n + pairs),
/// where comparing every pair in Rego grows with the square of the VPCs scanned.
fn cidr_overlaps(args: Vec<Value>) -> Result<Value> {
    let [cidrs] = args.as_slice() else {
        return Err(anyhow!("infracheck.cidr_overlaps takes 1 argument"));
    };
    let cidrs = cidrs
        .as_array()
        .map_err(|_| anyhow!("infracheck.cidr_overlaps: expected an array of CIDRs"))?;
    // (is IPv6, first address, last address, index), as 128-bit numbers.
    let mut ranges: Vec<(bool, u128, u128, usize)> = cidrs
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let net = IpNet::from_str(c.as_string().ok()?.as_ref()).ok()?;
            Some(match net {
                IpNet::V4(n) => (
                    false,
                    u32::from(n.network()).into(),
                    u32::from(n.broadcast()).into(),
                    i,
                ),
                IpNet::V6(n) => (true, n.network().into(), n.broadcast().into(), i),
            })
        })
        .collect();
    ranges.sort_unstable();
    let mut pairs = Vec::new();
    for (k, &(v6, _, last, i)) in ranges.iter().enumerate() {
        // Later ranges start at or after this one; those starting inside it overlap.
        for &(v6_j, first_j, _, j) in &ranges[k + 1..] {
            if v6_j != v6 || first_j > last {
                break;
            }
            pairs.push((i, j));
            pairs.push((j, i));
        }
    }
    pairs.sort_unstable();
    Ok(Value::from(
        pairs
            .into_iter()
            .map(|(i, j)| Value::from(vec![Value::from(i as u64), Value::from(j as u64)]))
            .collect::<Vec<_>>(),
    ))
}

/// Follows a dotted attribute path (`a.0.b`) into a value; list indexes are numbers.
fn lookup<'v>(mut v: &'v Value, path: &str) -> Option<&'v Value> {
    if path.is_empty() {
        return Some(v);
    }
    for step in path.split('.') {
        v = match v {
            Value::Object(o) => o.get(&Value::from(step))?,
            Value::Array(a) => a.get(step.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(v)
}

/// `infracheck.get(values, path, default)`: the value at a dotted path, or `default`.
/// The hot path of nearly every rule; in Rego it costs a split and a loop per call.
fn get(args: Vec<Value>) -> Result<Value> {
    let [values, path, default] = args.as_slice() else {
        return Err(anyhow!("infracheck.get takes 3 arguments"));
    };
    let path = path
        .as_string()
        .map_err(|_| anyhow!("infracheck.get: the path must be a string"))?;
    Ok(match lookup(values, path) {
        Some(Value::Null) | None => default.clone(),
        Some(v) => v.clone(),
    })
}

/// `infracheck.is_unknown(unknown, path)`: whether the attribute at `path` is not
/// known until apply: it, an ancestor or a descendant is in the `unknown` object.
fn is_unknown(args: Vec<Value>) -> Result<Value> {
    let [unknown, path] = args.as_slice() else {
        return Err(anyhow!("infracheck.is_unknown takes 2 arguments"));
    };
    let path = path
        .as_string()
        .map_err(|_| anyhow!("infracheck.is_unknown: the path must be a string"))?;
    Ok(Value::from(input_view::unknown_around_in(unknown, path)))
}

/// `infracheck.is_unknown_at(unknown, path)`: whether the value at `path` or one of
/// its ancestors is unknown; unlike `is_unknown`, an unknown descendant does not count.
fn is_unknown_at(args: Vec<Value>) -> Result<Value> {
    let [unknown, path] = args.as_slice() else {
        return Err(anyhow!("infracheck.is_unknown_at takes 2 arguments"));
    };
    let path = path
        .as_string()
        .map_err(|_| anyhow!("infracheck.is_unknown_at: the path must be a string"))?;
    Ok(Value::from(input_view::unknown_at_in(unknown, path)))
}

/// A builtin: its name in Rego, its number of arguments and its function.
type Builtin = (&'static str, u8, fn(Vec<Value>) -> Result<Value>);

const BUILTINS: &[Builtin] = &[
    ("net.cidr_intersects", 2, cidr_intersects),
    ("infracheck.cidr_overlaps", 1, cidr_overlaps),
    ("infracheck.get", 3, get),
    ("infracheck.is_unknown", 2, is_unknown),
    ("infracheck.is_unknown_at", 2, is_unknown_at),
    ("infracheck.references_under", 2, joins::references_under_fn),
    ("infracheck.single_referenced", 4, joins::single_referenced),
    ("infracheck.points_at", 4, joins::points_at),
    (
        "infracheck.unresolved_resource",
        2,
        joins::unresolved_resource,
    ),
    ("infracheck.computed_default", 3, joins::computed_default),
    ("infracheck.unknown_shallow", 2, joins::unknown_shallow),
    ("infracheck.referrers", 3, joins::referrers),
    (
        "infracheck.referrers_pointing",
        4,
        joins::referrers_pointing,
    ),
    ("infracheck.get_list", 2, joins::get_list),
    ("infracheck.list", 2, joins::list),
    (
        "infracheck.subnet_routing",
        1,
        subnet_routing::subnet_routing,
    ),
    (
        "infracheck.sg_ingress_rules",
        1,
        sg_ingress::sg_ingress_rules,
    ),
    (
        "infracheck.ingress_port_status",
        2,
        sg_ingress::ingress_port_status,
    ),
    (
        "infracheck.ingress_only_port_status",
        2,
        sg_ingress::ingress_only_port_status,
    ),
    ("infracheck.wafv2_summary", 1, wafv2::wafv2_summary),
    ("infracheck.tags_lacking", 2, tags::tags_lacking),
    ("infracheck.tags_lacking_in", 2, tags::tags_lacking_in),
    ("infracheck.asg_tags_lacking", 3, tags::asg_tags_lacking),
];

pub fn register(engine: &mut Engine) -> Result<()> {
    for &(name, nargs, f) in BUILTINS {
        engine.add_extension(name.to_string(), nargs, Box::new(f))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(a: &str, b: &str) -> bool {
        cidr_intersects(vec![Value::from(a), Value::from(b)]).unwrap() == Value::from(true)
    }

    #[test]
    fn get_follows_dotted_paths() {
        let v = Value::from_json_str(r#"{"a": [{"b": 1}, {"b": null}], "c": "x"}"#).unwrap();
        let call = |p: &str| get(vec![v.clone(), Value::from(p), Value::from("d")]).unwrap();
        assert_eq!(call("a.0.b"), Value::from(1));
        assert_eq!(call("a.1.b"), Value::from("d"), "null reads as absent");
        assert_eq!(call("a.2.b"), Value::from("d"));
        assert_eq!(call("c.x"), Value::from("d"));
        assert_eq!(call("c"), Value::from("x"));
    }

    #[test]
    fn unknown_covers_ancestors_and_descendants() {
        let u = Value::from_json_str(r#"{"ingress.0.cidr_blocks": true, "arn": true}"#).unwrap();
        let call =
            |p: &str| is_unknown(vec![u.clone(), Value::from(p)]).unwrap() == Value::from(true);
        assert!(call("arn"));
        assert!(call("ingress"));
        assert!(call("ingress.0"));
        assert!(call("ingress.0.cidr_blocks.1"));
        assert!(!call("ingress.1"));
        assert!(!call("ar"));
        assert!(!call("arn_suffix"));
        let at =
            |p: &str| is_unknown_at(vec![u.clone(), Value::from(p)]).unwrap() == Value::from(true);
        assert!(at("arn"));
        assert!(at("ingress.0.cidr_blocks.1"));
        assert!(!at("ingress"), "a descendant does not count");
        assert!(!at("ingress.0.cidr"));
    }

    #[test]
    fn overlaps_are_found_by_sweep() {
        let cidrs = Value::from_json_str(
            r#"["10.0.0.0/16", "10.1.0.0/16", "10.0.128.0/24", "bad", 7, "10.0.0.0/8", "::/0", "2001:db8::/32"]"#,
        )
        .unwrap();
        let got = cidr_overlaps(vec![cidrs]).unwrap();
        let want =
            Value::from_json_str("[[0,2],[0,5],[1,5],[2,0],[2,5],[5,0],[5,1],[5,2],[6,7],[7,6]]")
                .unwrap();
        assert_eq!(got, want);
        let none = cidr_overlaps(vec![Value::from_json_str(
            r#"["10.0.0.0/24", "10.0.1.0/24"]"#,
        )
        .unwrap()])
        .unwrap();
        assert_eq!(none, Value::from_json_str("[]").unwrap());
    }

    #[test]
    fn intersects_like_opa() {
        assert!(check("10.0.0.0/16", "10.0.128.0/24"));
        assert!(check("10.0.128.0/24", "10.0.0.0/16"));
        assert!(!check("10.0.0.0/16", "10.1.0.0/16"));
        assert!(!check("10.0.0.0/16", "::/0"));
        assert!(check("::/0", "2001:db8::/32"));
        assert!(cidr_intersects(vec![Value::from("nope"), Value::from("10.0.0.0/8")]).is_err());
    }
}
