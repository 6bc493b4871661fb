//! `infracheck.wafv2_summary(acl)`: what a WAFv2 web ACL's rules do, read from its
//! `rule` blocks (Terraform plan JSON: every block is a list of objects) and from
//! its `rule_json` (AWS API JSON, PascalCase). WAF-002..004 ask several questions of
//! every web ACL; answered by walking nested blocks in Rego, they cost more than
//! any other per-resource rule. The answers (see `lib.wafv2_*` in
//! policies/lib/infracheck.rego for their meaning):
//!
//! ```text
//! enforced       AWS managed rule groups used with override_action none
//! counting       managed rule groups used in count mode
//! blocked        statement kinds ("sqli_match_statement", "SqliMatchStatement"...)
//!                of rules whose action is block, directly or inside and/or
//!                statements (three levels, as Terraform allows)
//! rate_limited   a rate-based rule blocks, or answers with a captcha or challenge
//! rate_counting  a rate-based rule counts
//! rules_unknown  the rules that decide what the ACL blocks are not all known
//! ```

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{anyhow, Result};
use regorus::Value;

use super::input_view::{elements, field, str_field, unknown_around};

/// The list at `key` of `o`, or none when `o` is not an object or the value is not
/// a list (`lib.get_list`).
fn list<'v>(o: &'v Value, key: &str) -> &'v [Value] {
    elements(field(o, key))
}

/// A non-empty block list at `key` (`lib.has_block`).
fn has_block(o: &Value, key: &str) -> bool {
    !list(o, key).is_empty()
}

/// `o[path...]`, present and not null.
fn present(o: &Value, path: &[&str]) -> bool {
    let mut v = o;
    for k in path {
        match field(v, k) {
            Some(x) => v = x,
            None => return false,
        }
    }
    *v != Value::Null
}

/// `object.get(o, path, default) == expected`: an absent value reads as
/// `default`, a present null as null.
fn get_is(o: &Value, path: &[&str], default: &str, expected: &str) -> bool {
    let mut v = o;
    for k in path {
        match field(v, k) {
            Some(x) => v = x,
            None => return default == expected,
        }
    }
    matches!(v, Value::String(s) if s.as_ref() == expected)
}

#[derive(Default)]
struct Summary {
    enforced: BTreeSet<String>,
    counting: BTreeSet<String>,
    blocked: BTreeSet<String>,
    rate_limited: bool,
    rate_counting: bool,
    rules_unknown: bool,
}

fn tf_nested(s: &Value) -> Vec<&Value> {
    ["and_statement", "or_statement"]
        .iter()
        .flat_map(|op| list(s, op))
        .flat_map(|o| list(o, "statement"))
        .collect()
}

fn json_nested(s: &Value) -> Vec<&Value> {
    ["AndStatement", "OrStatement"]
        .iter()
        .filter_map(|op| field(s, op))
        .flat_map(|o| list(o, "Statements"))
        .collect()
}

/// Statements and the statements nested in their and/or statements, three levels.
fn with_nested<'v>(
    level0: Vec<&'v Value>,
    nested: fn(&'v Value) -> Vec<&'v Value>,
) -> Vec<&'v Value> {
    let level1: Vec<&'v Value> = level0.iter().flat_map(|s| nested(s)).collect();
    let level2: Vec<&'v Value> = level1.iter().flat_map(|s| nested(s)).collect();
    level0.into_iter().chain(level1).chain(level2).collect()
}

fn block_rule(rule: &Value, out: &mut Summary) {
    let statements = list(rule, "statement");
    let actions = list(rule, "action");
    let overrides = list(rule, "override_action");
    for s in statements {
        for m in list(s, "managed_rule_group_statement") {
            let Some(name) = str_field(m, "name") else {
                continue;
            };
            if !get_is(m, &["vendor_name"], "AWS", "AWS") {
                continue;
            }
            if overrides
                .iter()
                .any(|oa| has_block(oa, "none") && !has_block(oa, "count"))
            {
                out.enforced.insert(name.to_string());
            }
            if overrides.iter().any(|oa| has_block(oa, "count")) {
                out.counting.insert(name.to_string());
            }
        }
        if has_block(s, "rate_based_statement") {
            if actions.iter().any(|a| {
                ["block", "captcha", "challenge"]
                    .iter()
                    .any(|act| has_block(a, act))
            }) {
                out.rate_limited = true;
            }
            if actions.iter().any(|a| has_block(a, "count")) {
                out.rate_counting = true;
            }
        }
    }
    if actions.iter().any(|a| has_block(a, "block")) {
        for s in with_nested(statements.iter().collect(), tf_nested) {
            if let Value::Object(o) = s {
                for (k, v) in o.iter() {
                    if let (Value::String(k), Value::Array(a)) = (k, v) {
                        if !a.is_empty() {
                            out.blocked.insert(k.to_string());
                        }
                    }
                }
            }
        }
    }
}

fn json_rule(rule: &Value, out: &mut Summary) {
    if !matches!(rule, Value::Object(_)) {
        return;
    }
    let managed = ["Statement", "ManagedRuleGroupStatement"];
    if let Some(Value::String(name)) = field(rule, "Statement")
        .and_then(|s| field(s, "ManagedRuleGroupStatement"))
        .and_then(|m| field(m, "Name"))
    {
        if get_is(rule, &[managed[0], managed[1], "VendorName"], "AWS", "AWS")
            && present(rule, &["OverrideAction", "None"])
        {
            out.enforced.insert(name.to_string());
        }
        if present(rule, &["OverrideAction", "Count"]) {
            out.counting.insert(name.to_string());
        }
    }
    if present(rule, &["Statement", "RateBasedStatement"]) {
        if ["Block", "Captcha", "Challenge"]
            .iter()
            .any(|act| present(rule, &["Action", act]))
        {
            out.rate_limited = true;
        }
        if present(rule, &["Action", "Count"]) {
            out.rate_counting = true;
        }
    }
    if present(rule, &["Action", "Block"]) {
        let top: Vec<&Value> = field(rule, "Statement").into_iter().collect();
        for s in with_nested(top, json_nested) {
            if let Value::Object(o) = s {
                for (k, v) in o.iter() {
                    if let Value::String(k) = k {
                        if *v != Value::Null {
                            out.blocked.insert(k.to_string());
                        }
                    }
                }
            }
        }
    }
}

fn summarize(acl: &Value) -> Summary {
    let mut out = Summary::default();
    let values = field(acl, "values").unwrap_or(&Value::Null);
    let rules = field(values, "rule");
    for rule in elements(rules) {
        block_rule(rule, &mut out);
    }
    if let Some(Value::String(text)) = field(values, "rule_json") {
        if !text.is_empty() {
            if let Ok(Value::Array(parsed)) = Value::from_json_str(text) {
                for rule in parsed.iter() {
                    json_rule(rule, &mut out);
                }
            }
        }
    }
    out.rules_unknown = unknown_around(acl, "rule_json")
        || (unknown_around(acl, "rule") && !matches!(rules, Some(Value::Array(_))))
        || (0..elements(rules).len()).any(|i| {
            ["statement", "action", "override_action"]
                .iter()
                .any(|attr| unknown_around(acl, &format!("rule.{i}.{attr}")))
        });
    out
}

fn names(set: BTreeSet<String>) -> Value {
    Value::from(set.into_iter().map(Value::from).collect::<Vec<_>>())
}

/// `infracheck.wafv2_summary(acl)`: see the module documentation.
pub fn wafv2_summary(args: Vec<Value>) -> Result<Value> {
    let [acl] = args.as_slice() else {
        return Err(anyhow!("infracheck.wafv2_summary takes 1 argument"));
    };
    let s = summarize(acl);
    let mut m = BTreeMap::new();
    m.insert(Value::from("enforced"), names(s.enforced));
    m.insert(Value::from("counting"), names(s.counting));
    m.insert(Value::from("blocked"), names(s.blocked));
    m.insert(Value::from("rate_limited"), Value::from(s.rate_limited));
    m.insert(Value::from("rate_counting"), Value::from(s.rate_counting));
    m.insert(Value::from("rules_unknown"), Value::from(s.rules_unknown));
    Ok(Value::from(m))
}
