//! Walks attribute values alongside Terraform's `after_unknown` / `after_sensitive`
//! masks, which mirror the value's shape with `true` at the marked leaves.

use regorus::Value;
use serde_json::Value as Json;

use crate::model::REDACTED;

/// Replaces every value the mask marks sensitive with [`REDACTED`].
pub fn redact(v: &mut Value, mask: &Json) {
    match mask {
        // A sensitive null hides nothing, and must stay null for the rules.
        Json::Bool(true) if !matches!(v, Value::Null | Value::Undefined) => {
            *v = Value::from(REDACTED);
        }
        Json::Object(m) => {
            if let Ok(obj) = v.as_object_mut() {
                for (k, sub) in m {
                    if let Some(child) = obj.get_mut(&Value::from(k.as_str())) {
                        redact(child, sub);
                    }
                }
            }
        }
        Json::Array(items) => {
            if let Ok(arr) = v.as_array_mut() {
                for (i, sub) in items.iter().enumerate() {
                    if let Some(child) = arr.get_mut(i) {
                        redact(child, sub);
                    }
                }
            }
        }
        _ => {}
    }
}

/// Collects the dotted paths the mask marks `true`.
pub fn unknown_paths(mask: &Json, path: &mut String, out: &mut Vec<String>) {
    match mask {
        Json::Bool(true) => out.push(if path.is_empty() {
            String::from(".")
        } else {
            path.clone()
        }),
        Json::Object(m) => {
            for (k, sub) in m {
                let len = path.len();
                if len > 0 {
                    path.push('.');
                }
                path.push_str(k);
                unknown_paths(sub, path, out);
                path.truncate(len);
            }
        }
        Json::Array(items) => {
            for (i, sub) in items.iter().enumerate() {
                let len = path.len();
                if len > 0 {
                    path.push('.');
                }
                path.push_str(&i.to_string());
                unknown_paths(sub, path, out);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// True when `path`, an ancestor or a descendant of it is unknown.
pub fn is_unknown(unknown: &[String], path: &str) -> bool {
    unknown.iter().any(|u| {
        u == "."
            || u == path
            || (path.starts_with(u.as_str()) && path.as_bytes().get(u.len()) == Some(&b'.'))
            || (u.starts_with(path) && u.as_bytes().get(path.len()) == Some(&b'.'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_marked_leaves_only() {
        let mut v =
            Value::from_json_str(r#"{"a": "secret", "b": {"c": [1, "x"]}, "d": "open"}"#).unwrap();
        let mask: Json = serde_json::from_str(r#"{"a": true, "b": {"c": [false, true]}}"#).unwrap();
        redact(&mut v, &mask);
        assert_eq!(
            v.to_string(),
            r#"{"a":"(sensitive)","b":{"c":[1,"(sensitive)"]},"d":"open"}"#
        );
    }

    #[test]
    fn lists_unknown_paths() {
        let mask: Json = serde_json::from_str(
            r#"{"id": true, "ingress": [{"cidr_blocks": true}, {"x": false}]}"#,
        )
        .unwrap();
        let mut out = Vec::new();
        unknown_paths(&mask, &mut String::new(), &mut out);
        assert_eq!(out, vec!["id", "ingress.0.cidr_blocks"]);
        assert!(is_unknown(&out, "ingress"));
        assert!(is_unknown(&out, "ingress.0.cidr_blocks.1"));
        assert!(!is_unknown(&out, "ingress.1"));
        assert!(!is_unknown(&out, "i"));
    }
}
