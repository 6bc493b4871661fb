//! The library's join helpers (`lib.references_under`, `lib.single_referenced`,
//! `lib.points_at`, `lib.unresolved_resource`, `lib.computed_default`,
//! `lib.unknown_shallow`) as builtins. Nearly every rule calls them for each
//! resource, and in Rego each call walked the resource's references with a few
//! nested calls, at several thousand instructions per call in regorus.

use anyhow::{anyhow, Result};
use regorus::Value;

use super::input_view::{field, references_under, unknown_at, unknown_key, Input};
use super::lookup;

fn path_arg<'v>(name: &str, v: &'v Value) -> Result<&'v str> {
    v.as_string()
        .map(|s| s.as_ref())
        .map_err(|_| anyhow!("{name}: the path must be a string"))
}

/// `infracheck.references_under(r, path)`: the set of addresses `r` refers to
/// through `path` or anything below it.
pub fn references_under_fn(args: Vec<Value>) -> Result<Value> {
    let [r, path] = args.as_slice() else {
        return Err(anyhow!("infracheck.references_under takes 2 arguments"));
    };
    let path = path_arg("infracheck.references_under", path)?;
    Ok(Value::from(
        references_under(r, path)
            .into_iter()
            .map(Value::from)
            .collect::<std::collections::BTreeSet<_>>(),
    ))
}

fn type_names(types: &Value) -> Vec<&str> {
    let items: Box<dyn Iterator<Item = &Value>> = match types {
        Value::Set(s) => Box::new(s.iter()),
        Value::Array(a) => Box::new(a.iter()),
        Value::String(_) => Box::new(std::iter::once(types)),
        _ => Box::new(std::iter::empty()),
    };
    items
        .filter_map(|t| t.as_string().ok().map(|s| s.as_ref()))
        .collect()
}

/// `infracheck.single_referenced(input, r, path, types)`.
pub fn single_referenced(args: Vec<Value>) -> Result<Value> {
    let [input, r, path, types] = args.as_slice() else {
        return Err(anyhow!("infracheck.single_referenced takes 4 arguments"));
    };
    let path = path_arg("infracheck.single_referenced", path)?;
    let found = Input::new(input).single_referenced(r, path, &type_names(types));
    Ok(Value::from(found.into_iter().cloned().collect::<Vec<_>>()))
}

/// `infracheck.points_at(input, r, path, t)`.
pub fn points_at(args: Vec<Value>) -> Result<Value> {
    let [input, r, path, t] = args.as_slice() else {
        return Err(anyhow!("infracheck.points_at takes 4 arguments"));
    };
    let path = path_arg("infracheck.points_at", path)?;
    Ok(Value::from(Input::new(input).points_at(r, path, t)))
}

/// `infracheck.unresolved_resource(input, r)`.
pub fn unresolved_resource(args: Vec<Value>) -> Result<Value> {
    let [input, r] = args.as_slice() else {
        return Err(anyhow!("infracheck.unresolved_resource takes 2 arguments"));
    };
    Ok(Value::from(Input::new(input).unresolved_resource(r)))
}

/// `infracheck.computed_default(input, r, path)`: the value is unknown, and no
/// reference or unresolved expression explains it.
pub fn computed_default(args: Vec<Value>) -> Result<Value> {
    let [input, r, path] = args.as_slice() else {
        return Err(anyhow!("infracheck.computed_default takes 3 arguments"));
    };
    let path = path_arg("infracheck.computed_default", path)?;
    Ok(Value::from(
        unknown_at(r, path)
            && references_under(r, path).is_empty()
            && !Input::new(input).unresolved_resource(r),
    ))
}

/// `infracheck.unknown_shallow(r, path)`: the value at `path`, an ancestor, or one
/// of its elements or entries is unknown until apply.
pub fn unknown_shallow(args: Vec<Value>) -> Result<Value> {
    let [r, path] = args.as_slice() else {
        return Err(anyhow!("infracheck.unknown_shallow takes 2 arguments"));
    };
    let path = path_arg("infracheck.unknown_shallow", path)?;
    if unknown_at(r, path) {
        return Ok(Value::from(true));
    }
    let value = field(r, "values").and_then(|v| lookup(v, path));
    let found = match value {
        Some(Value::Array(a)) => (0..a.len()).any(|i| unknown_key(r, &format!("{path}.{i}"))),
        Some(Value::Object(o)) => o.keys().any(|k| {
            k.as_string()
                .is_ok_and(|k| unknown_key(r, &format!("{path}.{k}")))
        }),
        _ => false,
    };
    Ok(Value::from(found))
}

/// `infracheck.referrers(input, r, t)`: the resources of type `t` that refer to `r`.
pub fn referrers(args: Vec<Value>) -> Result<Value> {
    let [input, r, t] = args.as_slice() else {
        return Err(anyhow!("infracheck.referrers takes 3 arguments"));
    };
    let t = path_arg("infracheck.referrers", t)?;
    let found = Input::new(input).referrers(r, t);
    Ok(Value::from(found.into_iter().cloned().collect::<Vec<_>>()))
}

/// `infracheck.referrers_pointing(input, r, t, path)`: the resources of type `t`
/// that refer to `r` through the single-valued attribute `path` (`lib.vpc_subnets`:
/// the subnets whose vpc_id is VPC `r`).
pub fn referrers_pointing(args: Vec<Value>) -> Result<Value> {
    let [input, r, t, path] = args.as_slice() else {
        return Err(anyhow!("infracheck.referrers_pointing takes 4 arguments"));
    };
    let t = path_arg("infracheck.referrers_pointing", t)?;
    let path = path_arg("infracheck.referrers_pointing", path)?;
    let input = Input::new(input);
    Ok(Value::from(
        input
            .referrers(r, t)
            .into_iter()
            .filter(|x| input.points_at(x, path, r))
            .cloned()
            .collect::<Vec<_>>(),
    ))
}

/// `infracheck.get_list(o, key)`: the list at `key` (a key, or a path as an array of
/// keys) of object `o`, or [] when `o` is not an object or the value is absent,
/// null or not a list (`lib.get_list`).
pub fn get_list(args: Vec<Value>) -> Result<Value> {
    let [o, key] = args.as_slice() else {
        return Err(anyhow!("infracheck.get_list takes 2 arguments"));
    };
    let mut v = o;
    let found = match key {
        Value::Array(path) => {
            path.iter()
                .all(|k| match v.as_object().ok().and_then(|m| m.get(k)) {
                    Some(x) => {
                        v = x;
                        true
                    }
                    None => false,
                })
        }
        k => match o.as_object().ok().and_then(|m| m.get(k)) {
            Some(x) => {
                v = x;
                true
            }
            None => false,
        },
    };
    Ok(match (found, v) {
        (true, Value::Array(_)) if matches!(o, Value::Object(_)) => v.clone(),
        _ => Value::from(Vec::<Value>::new()),
    })
}

/// `infracheck.list(values, path)`: the list at the dotted `path` of `values`, or []
/// when it is absent, null or not a list (`lib.list_value`).
pub fn list(args: Vec<Value>) -> Result<Value> {
    let [values, path] = args.as_slice() else {
        return Err(anyhow!("infracheck.list takes 2 arguments"));
    };
    let path = path_arg("infracheck.list", path)?;
    Ok(match lookup(values, path) {
        Some(v @ Value::Array(_)) => v.clone(),
        _ => Value::from(Vec::<Value>::new()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> Value {
        Value::from_json_str(s).unwrap()
    }

    #[test]
    fn lists_are_empty_unless_present_as_lists() {
        let o = json(r#"{"a": [1], "b": null, "c": "x", "d": {"e": [2]}}"#);
        let get = |k: Value| get_list(vec![o.clone(), k]).unwrap();
        assert_eq!(get(Value::from("a")), json("[1]"));
        assert_eq!(get(Value::from("b")), json("[]"), "null reads as no list");
        assert_eq!(get(Value::from("c")), json("[]"));
        assert_eq!(get(Value::from("zz")), json("[]"));
        assert_eq!(
            get(json(r#"["d", "e"]"#)),
            json("[2]"),
            "a path as an array"
        );
        assert_eq!(get(Value::from("d.e")), json("[]"), "a string is one key");
        assert_eq!(
            get_list(vec![json("[1]"), Value::from("a")]).unwrap(),
            json("[]")
        );
        let dotted = |p: &str| list(vec![o.clone(), Value::from(p)]).unwrap();
        assert_eq!(dotted("d.e"), json("[2]"));
        assert_eq!(dotted("b"), json("[]"));
    }

    #[test]
    fn joins_follow_the_indexes() {
        let input = json(
            r#"{
            "resources": {
                "aws_vpc.a": {"address": "aws_vpc.a", "type": "aws_vpc", "index": null},
                "aws_subnet.s[0]": {"address": "aws_subnet.s[0]", "type": "aws_subnet", "index": 0},
                "aws_subnet.s[1]": {"address": "aws_subnet.s[1]", "type": "aws_subnet", "index": 1}
            },
            "referrers": {"aws_vpc.a": {"aws_subnet": ["aws_subnet.s[0]", "aws_subnet.s[1]", "gone"]}},
            "unresolved": {"aws_route_table_association": ["aws_route_table_association.r[1]"]}
        }"#,
        );
        let vpc = json(r#"{"address": "aws_vpc.a"}"#);
        let found = referrers(vec![input.clone(), vpc, Value::from("aws_subnet")]).unwrap();
        assert_eq!(
            found.as_array().unwrap().len(),
            2,
            "only resources of the scan"
        );
        // A splat reference from instance 1 narrows to the target with the same key.
        let assoc = json(
            r#"{"address": "aws_route_table_association.r[1]", "type": "aws_route_table_association",
                "index": 1, "unknown": {"subnet_id": true},
                "references": {"subnet_id": ["aws_subnet.s[0]", "aws_subnet.s[1]"]}}"#,
        );
        let subnet = |i: usize| {
            input
                .as_object()
                .unwrap()
                .get(&Value::from("resources"))
                .unwrap()
                .as_object()
                .unwrap()
                .get(&Value::from(format!("aws_subnet.s[{i}]")))
                .unwrap()
                .clone()
        };
        let points = |t: Value| {
            points_at(vec![
                input.clone(),
                assoc.clone(),
                Value::from("subnet_id"),
                t,
            ])
            .unwrap()
        };
        assert_eq!(points(subnet(1)), Value::from(true));
        assert_eq!(points(subnet(0)), Value::from(false));
        assert_eq!(
            unresolved_resource(vec![input.clone(), assoc.clone()]).unwrap(),
            Value::from(true)
        );
        assert_eq!(
            computed_default(vec![input, assoc, Value::from("subnet_id")]).unwrap(),
            Value::from(false),
            "a referenced value is not a provider default"
        );
    }
}
