//! `data "aws_iam_policy_document"`: the JSON document it renders, computed from its
//! configured statements (it reads nothing from AWS), so policies written with it are
//! known to the rules as they are in a plan.

use hcl::Value;
use serde_json::{json, Map as JMap, Value as J};

type Map = hcl::value::Map<String, Value>;

fn j(v: &Value) -> J {
    match v {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => n
            .as_i64()
            .map(J::from)
            .or_else(|| n.as_f64().map(J::from))
            .unwrap_or(J::Null),
        Value::String(s) => J::String(s.clone()),
        Value::Array(a) => J::Array(a.iter().map(j).collect()),
        Value::Object(o) => J::Object(o.iter().map(|(k, v)| (k.clone(), j(v))).collect()),
    }
}

/// A string list as IAM writes it: a single element as a string, sorted otherwise.
fn string_or_list(v: &Value) -> Option<J> {
    match v {
        Value::Array(a) => {
            let mut items: Vec<J> = a.iter().map(j).collect();
            items.sort_by_key(|x| x.to_string());
            items.dedup();
            if items.len() == 1 {
                items.pop()
            } else {
                Some(J::Array(items))
            }
        }
        Value::Null => None,
        other => Some(j(other)),
    }
}

fn blocks<'a>(m: &'a Map, key: &str) -> Vec<&'a Map> {
    match m.get(key) {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_object).collect(),
        _ => Vec::new(),
    }
}

fn principals(list: &[&Map]) -> Option<J> {
    if list.is_empty() {
        return None;
    }
    let mut out = JMap::new();
    for p in list {
        let kind = p.get("type").map(j).unwrap_or(J::Null);
        let ids = p.get("identifiers").cloned().unwrap_or(Value::Null);
        if kind == J::String("*".into()) {
            return Some(J::String("*".into()));
        }
        let key = kind.as_str().unwrap_or("").to_string();
        let ids = string_or_list(&ids).unwrap_or(J::Null);
        match out.get_mut(&key) {
            Some(existing) => {
                let mut all = match existing.take() {
                    J::Array(a) => a,
                    one => vec![one],
                };
                match ids {
                    J::Array(a) => all.extend(a),
                    one => all.push(one),
                }
                *existing = J::Array(all);
            }
            None => {
                out.insert(key, ids);
            }
        }
    }
    Some(J::Object(out))
}

fn statement(s: &Map) -> J {
    let mut out = JMap::new();
    if let Some(Value::String(sid)) = s.get("sid") {
        out.insert("Sid".into(), J::String(sid.clone()));
    }
    out.insert(
        "Effect".into(),
        s.get("effect").map(j).unwrap_or(J::String("Allow".into())),
    );
    for (attr, key) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(v) = s.get(attr).and_then(string_or_list) {
            out.insert(key.into(), v);
        }
    }
    if let Some(p) = principals(&blocks(s, "principals")) {
        out.insert("Principal".into(), p);
    }
    if let Some(p) = principals(&blocks(s, "not_principals")) {
        out.insert("NotPrincipal".into(), p);
    }
    let conditions = blocks(s, "condition");
    if !conditions.is_empty() {
        let mut c = JMap::new();
        for cond in conditions {
            let test = cond.get("test").map(j).unwrap_or(J::Null);
            let var = cond.get("variable").map(j).unwrap_or(J::Null);
            let values = cond
                .get("values")
                .and_then(string_or_list)
                .unwrap_or(J::Null);
            let entry = c
                .entry(test.as_str().unwrap_or("").to_string())
                .or_insert_with(|| J::Object(JMap::new()));
            if let J::Object(m) = entry {
                m.insert(var.as_str().unwrap_or("").to_string(), values);
            }
        }
        out.insert("Condition".into(), J::Object(c));
    }
    J::Object(out)
}

fn statements_of(doc: &Value) -> Vec<J> {
    let Value::String(s) = doc else {
        return Vec::new();
    };
    match serde_json::from_str::<J>(s) {
        Ok(J::Object(o)) => match o.get("Statement") {
            Some(J::Array(a)) => a.clone(),
            Some(one @ J::Object(_)) => vec![one.clone()],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// The document as JSON text. Unknown values inside stay markers in the text.
pub fn document(values: &Map) -> Option<String> {
    let mut stmts: Vec<J> = Vec::new();
    if let Some(Value::Array(sources)) = values.get("source_policy_documents") {
        for s in sources {
            stmts.extend(statements_of(s));
        }
    }
    for s in blocks(values, "statement") {
        let st = statement(s);
        // A statement with the Sid of an earlier one replaces it.
        if let Some(sid) = st.get("Sid").cloned() {
            stmts.retain(|x| x.get("Sid") != Some(&sid));
        }
        stmts.push(st);
    }
    if let Some(Value::Array(overrides)) = values.get("override_policy_documents") {
        for o in overrides {
            for st in statements_of(o) {
                if let Some(sid) = st.get("Sid").cloned() {
                    stmts.retain(|x| x.get("Sid") != Some(&sid));
                }
                stmts.push(st);
            }
        }
    }
    let mut doc = JMap::new();
    doc.insert(
        "Version".into(),
        values.get("version").map(j).unwrap_or(json!("2012-10-17")),
    );
    if let Some(Value::String(id)) = values.get("policy_id") {
        doc.insert("Id".into(), J::String(id.clone()));
    }
    doc.insert("Statement".into(), J::Array(stmts));
    serde_json::to_string(&J::Object(doc)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_statements_like_terraform() {
        let body: hcl::Body = r#"
statement {
  sid     = "DenyInsecure"
  effect  = "Deny"
  actions = ["s3:*"]
  resources = ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]
  principals {
    type        = "*"
    identifiers = ["*"]
  }
  condition {
    test     = "Bool"
    variable = "aws:SecureTransport"
    values   = ["false"]
  }
}
"#
        .parse()
        .unwrap();
        let mut m = Map::new();
        let mut list = Vec::new();
        for b in body.blocks() {
            let obj: Map = b
                .body()
                .iter()
                .map(|s| match s {
                    hcl::Structure::Attribute(a) => {
                        (a.key().to_string(), hcl::Value::from(a.expr().clone()))
                    }
                    hcl::Structure::Block(inner) => (
                        inner.identifier().to_string(),
                        Value::Array(vec![Value::Object(
                            inner
                                .body()
                                .attributes()
                                .map(|a| (a.key().to_string(), hcl::Value::from(a.expr().clone())))
                                .collect(),
                        )]),
                    ),
                })
                .collect();
            list.push(Value::Object(obj));
        }
        m.insert("statement".into(), Value::Array(list));
        let doc: J = serde_json::from_str(&document(&m).unwrap()).unwrap();
        assert_eq!(
            doc,
            json!({"Version": "2012-10-17", "Statement": [{
                "Sid": "DenyInsecure", "Effect": "Deny", "Action": "s3:*",
                "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], "Principal": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}
            }]})
        );
    }
}
