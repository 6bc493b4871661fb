//! `infracheck.tags_lacking(r, keys)`: which of the tag keys `keys` resource `r`
//! lacks, for TAG-001, which asks it of nearly every resource of a scan (one
//! builtin call instead of two lookups per key and resource in Rego).
//!
//! A tag is present when `tags_all` or `tags` has a value other than "" for it
//! (`tags_all` holds `tags` merged with the provider's default_tags). Returns null
//! when none is lacking, else `{"missing": [...], "absent": [...]}`: `missing` are
//! the keys without a known value, `absent` those of them that cannot appear after
//! apply. A missing key may still appear when `tags_all` as a whole, `tags` as a
//! whole (with no known `tags_all`), or the key's entry in either is unknown.

use anyhow::{anyhow, Result};
use regorus::Value;

use super::input_view::{field, unknown_key};

/// Whether `values[map][key]` is absent or "".
fn unset(values: &Value, map: &str, key: &str) -> bool {
    match field(values, map).and_then(|m| field(m, key)) {
        None => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(_) => false,
    }
}

pub fn tags_lacking(args: Vec<Value>) -> Result<Value> {
    let [r, keys] = args.as_slice() else {
        return Err(anyhow!("infracheck.tags_lacking takes 2 arguments"));
    };
    let keys: Vec<&str> = match keys {
        Value::Array(a) => a
            .iter()
            .filter_map(|k| k.as_string().ok())
            .map(|k| k.as_ref())
            .collect(),
        Value::Set(s) => s
            .iter()
            .filter_map(|k| k.as_string().ok())
            .map(|k| k.as_ref())
            .collect(),
        _ => {
            return Err(anyhow!(
                "infracheck.tags_lacking: keys must be a list of strings"
            ))
        }
    };
    let values = field(r, "values").unwrap_or(&Value::Null);
    let missing: Vec<&str> = keys
        .into_iter()
        .filter(|k| unset(values, "tags_all", k) && unset(values, "tags", k))
        .collect();
    if missing.is_empty() {
        return Ok(Value::Null);
    }
    // `tags` unknown as a whole decides only when there is no known tags_all.
    let tags_undecided =
        unknown_key(r, "tags") && !matches!(field(values, "tags_all"), Some(Value::Object(_)));
    let absent: Vec<Value> = if tags_undecided || unknown_key(r, "tags_all") {
        Vec::new()
    } else {
        missing
            .iter()
            .filter(|k| {
                !unknown_key(r, &format!("tags.{k}")) && !unknown_key(r, &format!("tags_all.{k}"))
            })
            .map(|k| Value::from(*k))
            .collect()
    };
    let mut m = std::collections::BTreeMap::new();
    m.insert(
        Value::from("missing"),
        Value::from(missing.into_iter().map(Value::from).collect::<Vec<_>>()),
    );
    m.insert(Value::from("absent"), Value::from(absent));
    Ok(Value::from(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lacking(r: &str) -> Value {
        let keys = Value::from_json_str(r#"["Owner", "Env", "Cost"]"#).unwrap();
        tags_lacking(vec![Value::from_json_str(r).unwrap(), keys]).unwrap()
    }

    #[test]
    fn tags_come_from_tags_all_or_tags_and_may_appear_when_unknown() {
        assert_eq!(
            lacking(
                r#"{"values": {"tags": {"Owner": "a"}, "tags_all": {"Env": "b", "Cost": "c"}}}"#
            ),
            Value::Null
        );
        assert_eq!(
            lacking(
                r#"{"values": {"tags": {"Owner": "", "Env": "b", "Cost": "c"}}, "unknown": {}}"#
            ),
            Value::from_json_str(r#"{"missing": ["Owner"], "absent": ["Owner"]}"#).unwrap(),
            "an empty value is missing"
        );
        assert_eq!(
            lacking(r#"{"values": {"tags": {"Env": "b"}}, "unknown": {"tags_all": true}}"#),
            Value::from_json_str(r#"{"missing": ["Owner", "Cost"], "absent": []}"#).unwrap(),
            "tags_all unknown as a whole may bring every tag"
        );
        assert_eq!(
            lacking(r#"{"values": {}, "unknown": {"tags.Owner": true}}"#),
            Value::from_json_str(
                r#"{"missing": ["Owner", "Env", "Cost"], "absent": ["Env", "Cost"]}"#
            )
            .unwrap()
        );
    }
}
