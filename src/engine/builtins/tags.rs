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

use super::input_view::{elements, field, unknown_key};

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
    Ok(lacking_of(r, &key_list(keys)?))
}

/// `infracheck.tags_lacking_in(resources, keys)`: for a list of resources, the
/// `tags_lacking` result of each one that lacks a tag, by address. TAG-001 asks
/// it once per resource type: a builtin call per resource, with the comprehension
/// step around it, was most of the rule's time.
pub fn tags_lacking_in(args: Vec<Value>) -> Result<Value> {
    let [resources, keys] = args.as_slice() else {
        return Err(anyhow!("infracheck.tags_lacking_in takes 2 arguments"));
    };
    let keys = key_list(keys)?;
    let mut out = std::collections::BTreeMap::new();
    for r in elements(Some(resources)) {
        let x = lacking_of(r, &keys);
        if x != Value::Null {
            if let Some(address) = field(r, "address") {
                out.insert(address.clone(), x);
            }
        }
    }
    Ok(Value::from(out))
}

fn lacking_of(r: &Value, keys: &[&str]) -> Value {
    let values = field(r, "values").unwrap_or(&Value::Null);
    let missing: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|k| unset(values, "tags_all", k) && unset(values, "tags", k))
        .collect();
    if missing.is_empty() {
        return Value::Null;
    }
    let absent: Vec<Value> = if tags_undecided(r, values) || unknown_key(r, "tags_all") {
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
    lacking(missing.into_iter().map(Value::from).collect(), absent)
}

/// `{"missing": [...], "absent": [...]}`, or null when no key is missing.
fn lacking(missing: Vec<Value>, absent: Vec<Value>) -> Value {
    if missing.is_empty() {
        return Value::Null;
    }
    let mut m = std::collections::BTreeMap::new();
    m.insert(Value::from("missing"), Value::from(missing));
    m.insert(Value::from("absent"), Value::from(absent));
    Value::from(m)
}

/// `tags` unknown as a whole decides only when there is no known `tags_all`.
fn tags_undecided(r: &Value, values: &Value) -> bool {
    unknown_key(r, "tags") && !matches!(field(values, "tags_all"), Some(Value::Object(_)))
}

/// The tag blocks (`tag`, Auto Scaling groups) of `values`.
fn tag_blocks(values: &Value) -> &[Value] {
    super::input_view::elements(field(values, "tag"))
}

/// `lib.tag_value`: the known value of tag `key`, from `tags`, else `tags_all`,
/// else a `tag` block.
fn tag_value<'v>(values: &'v Value, key: &str) -> Option<&'v str> {
    let string = |v: Option<&'v Value>| match v {
        Some(Value::String(s)) => Some(s.as_ref()),
        _ => None,
    };
    string(field(values, "tags").and_then(|m| field(m, key)))
        .or_else(|| string(field(values, "tags_all").and_then(|m| field(m, key))))
        .or_else(|| {
            tag_blocks(values)
                .iter()
                .filter(|t| matches!(field(t, "key"), Some(Value::String(k)) if k.as_ref() == key))
                .find_map(|t| string(field(t, "value")))
        })
}

/// `lib.tag_unknown` without its first condition: tag `key` may be set once the
/// values that are unknown until apply are known.
fn tag_may_be_set(r: &Value, values: &Value, key: &str) -> bool {
    let blocks = tag_blocks(values);
    unknown_key(r, &format!("tags.{key}"))
        || unknown_key(r, &format!("tags_all.{key}"))
        || unknown_key(r, "tags_all")
        || tags_undecided(r, values)
        || unknown_key(r, "tag")
        || (0..blocks.len()).any(|i| unknown_key(r, &format!("tag.{i}.key")))
        || blocks.iter().enumerate().any(|(i, t)| {
            matches!(field(t, "key"), Some(Value::String(k)) if k.as_ref() == key)
                && unknown_key(r, &format!("tag.{i}.value"))
        })
}

/// `infracheck.asg_tags_lacking(g, keys, provided)`: as `tags_lacking`, for an Auto
/// Scaling group, whose tags are `tag` blocks (or `tags` / `tags_all` in live data);
/// `provided` are the keys that aws_autoscaling_group_tag resources set. A key is
/// missing without a non-empty value (lib.tag_value), and absent when it cannot
/// appear after apply (not lib.tag_unknown).
pub fn asg_tags_lacking(args: Vec<Value>) -> Result<Value> {
    let [g, keys, provided] = args.as_slice() else {
        return Err(anyhow!("infracheck.asg_tags_lacking takes 3 arguments"));
    };
    let values = field(g, "values").unwrap_or(&Value::Null);
    let provided = key_list(provided).unwrap_or_default();
    let mut missing = Vec::new();
    let mut absent = Vec::new();
    for k in key_list(keys)? {
        let value = tag_value(values, k);
        if value.is_some_and(|v| !v.is_empty()) || provided.contains(&k) {
            continue;
        }
        missing.push(Value::from(k));
        if value.is_some() || !tag_may_be_set(g, values, k) {
            absent.push(Value::from(k));
        }
    }
    Ok(lacking(missing, absent))
}

fn key_list(keys: &Value) -> Result<Vec<&str>> {
    Ok(match keys {
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
                "infracheck: the tag keys must be a list of strings"
            ))
        }
    })
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

    #[test]
    fn a_list_of_resources_gives_those_lacking_a_tag_by_address() {
        let resources = Value::from_json_str(
            r#"[{"address": "a.ok", "values": {"tags": {"Owner": "o", "Env": "e", "Cost": "c"}}, "unknown": {}},
                {"address": "a.bad", "values": {"tags": {"Owner": "o"}}, "unknown": {}}]"#,
        )
        .unwrap();
        let keys = Value::from_json_str(r#"["Owner", "Env", "Cost"]"#).unwrap();
        assert_eq!(
            tags_lacking_in(vec![resources, keys]).unwrap(),
            Value::from_json_str(
                r#"{"a.bad": {"missing": ["Env", "Cost"], "absent": ["Env", "Cost"]}}"#
            )
            .unwrap()
        );
    }

    #[test]
    fn group_tags_come_from_blocks_tags_or_tag_resources() {
        let g = |r: &str, provided: &str| {
            let keys = Value::from_json_str(r#"["Owner", "Env"]"#).unwrap();
            asg_tags_lacking(vec![
                Value::from_json_str(r).unwrap(),
                keys,
                Value::from_json_str(provided).unwrap(),
            ])
            .unwrap()
        };
        let blocks = r#"{"values": {"tag": [{"key": "Owner", "value": "a"}]}, "unknown": {}}"#;
        assert_eq!(
            g(blocks, r#"["Env"]"#),
            Value::Null,
            "a block and a tag resource"
        );
        assert_eq!(
            g(blocks, "[]"),
            Value::from_json_str(r#"{"missing": ["Env"], "absent": ["Env"]}"#).unwrap()
        );
        assert_eq!(
            g(
                r#"{"values": {"tag": [{"key": "Env"}]}, "unknown": {"tag.0.value": true}}"#,
                "[]"
            ),
            Value::from_json_str(r#"{"missing": ["Owner", "Env"], "absent": ["Owner"]}"#).unwrap(),
            "a block whose value is unknown may still set its tag"
        );
        assert_eq!(
            g(
                r#"{"values": {"tags": {"Owner": "", "Env": "b"}}, "unknown": {"tags_all": true}}"#,
                "[]"
            ),
            Value::from_json_str(r#"{"missing": ["Owner"], "absent": ["Owner"]}"#).unwrap(),
            "a known empty value is absent even when more may come"
        );
    }
}
