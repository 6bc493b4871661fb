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
        Some(Value::Object(o)) => o
            .keys()
            .any(|k| str_field_key(k).is_some_and(|k| unknown_key(r, &format!("{path}.{k}")))),
        _ => false,
    };
    Ok(Value::from(found))
}

fn str_field_key(k: &Value) -> Option<&str> {
    match k {
        Value::String(s) => Some(s),
        _ => None,
    }
}
