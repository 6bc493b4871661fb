//! Unknown values while evaluating `.tf` expressions.
//!
//! hcl-rs values have no "unknown", so an unknown value is a string marker that
//! carries the addresses of the resources it comes from:
//! `\u{F8F0}aws_s3_bucket.b\u{F8F2}aws_vpc.main\u{F8F1}`. A marker survives string
//! templates, lists, objects, `merge`, `jsonencode`..., so whatever value holds one is
//! unknown (a string that contains one is unknown as a whole), and the addresses in it
//! are the resources the value depends on.

use std::collections::BTreeSet;

use hcl::Value;

const OPEN: char = '\u{F8F0}';
const CLOSE: char = '\u{F8F1}';
const SEP: char = '\u{F8F2}';
/// Quotes and backslashes of addresses (`aws_subnet.a["x"]`) are stored as these, so
/// that a marker survives `jsonencode` unchanged.
const QUOTE: char = '\u{F8F3}';
const BACKSLASH: char = '\u{F8F4}';

/// A marker for a value unknown until apply, depending on `addresses`.
pub fn marker<'a>(addresses: impl IntoIterator<Item = &'a String>) -> Value {
    let mut s = String::new();
    s.push(OPEN);
    for (i, a) in addresses.into_iter().enumerate() {
        if i > 0 {
            s.push(SEP);
        }
        s.extend(a.chars().map(|c| match c {
            '"' => QUOTE,
            '\\' => BACKSLASH,
            c => c,
        }));
    }
    s.push(CLOSE);
    Value::String(s)
}

/// A marker for an unknown value that depends on no resource (an input without value).
pub fn unknown() -> Value {
    marker(std::iter::empty())
}

/// True when the string holds a marker (so it is unknown as a whole).
pub fn str_is_unknown(s: &str) -> bool {
    s.contains(OPEN)
}

/// True when the value is a marker or a string holding one.
pub fn is_unknown(v: &Value) -> bool {
    matches!(v, Value::String(s) if str_is_unknown(s))
}

/// True when the value holds a marker anywhere.
pub fn contains_unknown(v: &Value) -> bool {
    match v {
        Value::String(s) => str_is_unknown(s),
        Value::Array(a) => a.iter().any(contains_unknown),
        Value::Object(o) => o
            .iter()
            .any(|(k, v)| str_is_unknown(k) || contains_unknown(v)),
        _ => false,
    }
}

/// Adds the addresses of every marker in a string to `out`.
pub fn str_addresses(s: &str, out: &mut BTreeSet<String>) {
    let mut rest = s;
    while let Some(start) = rest.find(OPEN) {
        let after = &rest[start + OPEN.len_utf8()..];
        let end = after.find(CLOSE).unwrap_or(after.len());
        for a in after[..end].split(SEP) {
            if !a.is_empty() {
                out.insert(
                    a.chars()
                        .map(|c| match c {
                            QUOTE => '"',
                            BACKSLASH => '\\',
                            c => c,
                        })
                        .collect(),
                );
            }
        }
        rest = after.get(end + CLOSE.len_utf8()..).unwrap_or("");
    }
}

/// Adds the addresses of every marker in a value to `out`.
pub fn addresses(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) => str_addresses(s, out),
        Value::Array(a) => a.iter().for_each(|x| addresses(x, out)),
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            str_addresses(k, out);
            addresses(x, out)
        }),
        _ => {}
    }
}

/// One marker for everything the values depend on.
pub fn merged<'a>(values: impl IntoIterator<Item = &'a Value>) -> Value {
    let mut out = BTreeSet::new();
    for v in values {
        addresses(v, &mut out);
    }
    marker(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_carry_addresses_through_strings() {
        let m = marker(&["aws_s3_bucket.b".to_string(), "aws_vpc.x[0]".to_string()]);
        let Value::String(s) = &m else { panic!() };
        let templated = Value::String(format!("arn:{s}/*"));
        assert!(is_unknown(&templated));
        let mut out = BTreeSet::new();
        addresses(&Value::Array(vec![templated, unknown()]), &mut out);
        assert_eq!(
            out.into_iter().collect::<Vec<_>>(),
            vec!["aws_s3_bucket.b", "aws_vpc.x[0]"]
        );
        assert!(!contains_unknown(&Value::from("plain")));
        // Through JSON encoding, which escapes quotes.
        let m = marker(&[r#"aws_subnet.a["x"]"#.to_string()]);
        let json = serde_json::to_string(&serde_json::json!({ "r": m.as_str().unwrap() })).unwrap();
        let mut out = BTreeSet::new();
        str_addresses(&json, &mut out);
        assert_eq!(
            out.into_iter().collect::<Vec<_>>(),
            vec![r#"aws_subnet.a["x"]"#]
        );
    }
}
