//! SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer).
//!
//! One `reportingDescriptor` per rule that ran; one result per FAILED finding,
//! suppressed ones included with their `suppressions`. Every result has a physical
//! location, as GitHub requires: the resource's block in the `.tf` sources when it
//! is known, else line 1 of the plan file. `partialFingerprints` hold the finding's
//! stable fingerprint (rule ID and address), so alerts follow a resource across
//! commits. Rule errors and suppression warnings are tool execution notifications.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use serde_sarif::sarif;

use super::{rule_docs, sorted, Context};
use crate::findings::{
    Finding, Origin, RuleMeta, ScanResult, Severity, Status, Suppression, SuppressionKind,
};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The key of the fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "infracheck/v1";
/// GitHub shows at most this many tags per rule.
const MAX_TAGS: usize = 20;

/// SARIF `level`: critical and high are errors, medium and low warnings, info notes.
pub fn level(severity: Severity) -> sarif::ResultLevel {
    match severity {
        Severity::Critical | Severity::High => sarif::ResultLevel::Error,
        Severity::Medium | Severity::Low => sarif::ResultLevel::Warning,
        Severity::Info => sarif::ResultLevel::Note,
    }
}

fn level_str(severity: Severity) -> &'static str {
    match level(severity) {
        sarif::ResultLevel::Error => "error",
        sarif::ResultLevel::Warning => "warning",
        sarif::ResultLevel::Note => "note",
        sarif::ResultLevel::None => "none",
    }
}

/// GitHub's `security-severity` (0.0-10.0): critical above 9.0, high 7.0-8.9,
/// medium 4.0-6.9, low 0.1-3.9.
pub fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// A URI reference for a relative path: `/` separators, other reserved
/// characters percent-encoded.
pub fn path_uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    if path.starts_with('/') {
        format!("file://{out}")
    } else {
        out
    }
}

/// `RulesAreInPascalCase` for the readable `name`: "S3 buckets block public
/// access" -> `S3BucketsBlockPublicAccess`.
fn pascal_name(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(c) => c.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn sentence(text: &str) -> String {
    let t = text.trim_end();
    if t.ends_with(['.', '!', '?']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

fn text(s: impl Into<String>) -> sarif::MultiformatMessageString {
    sarif::MultiformatMessageString::builder()
        .text(s.into())
        .build()
}

fn message(s: impl Into<String>) -> sarif::Message {
    sarif::Message::builder().text(s.into()).build()
}

fn bag(tags: Option<Vec<String>>, props: BTreeMap<String, Value>) -> sarif::PropertyBag {
    match tags {
        Some(t) => sarif::PropertyBag::builder()
            .tags(t)
            .additional_properties(props)
            .build(),
        None => sarif::PropertyBag::builder()
            .additional_properties(props)
            .build(),
    }
}

fn physical(uri: String, start: usize, end: usize) -> sarif::PhysicalLocation {
    let region = if end > start {
        sarif::Region::builder()
            .start_line(start as i64)
            .end_line(end as i64)
            .build()
    } else {
        sarif::Region::builder().start_line(start as i64).build()
    };
    sarif::PhysicalLocation::builder()
        .artifact_location(sarif::ArtifactLocation::builder().uri(uri).build())
        .region(region)
        .build()
}

fn origin_location(origin: &Origin, ctx: &Context) -> sarif::Location {
    let line = origin.line.unwrap_or(1);
    sarif::Location::builder()
        .physical_location(physical(path_uri(&ctx.relative(&origin.file)), line, line))
        .build()
}

fn descriptor(rule: &RuleMeta, ctx: &Context) -> sarif::ReportingDescriptor {
    let mut tags = vec!["security".to_string(), "terraform".to_string()];
    tags.extend(rule.frameworks.keys().cloned());
    for (fw, reqs) in &rule.frameworks {
        tags.extend(reqs.iter().map(|r| format!("{fw}/{r}")));
    }
    tags.truncate(MAX_TAGS);
    let mut props = BTreeMap::new();
    props.insert(
        "security-severity".into(),
        json!(security_severity(rule.severity)),
    );
    props.insert(
        "problem.severity".into(),
        json!(match level(rule.severity) {
            sarif::ResultLevel::Note => "recommendation",
            _ => level_str(rule.severity),
        }),
    );
    props.insert("precision".into(), json!("very-high"));
    props.insert("severity".into(), json!(rule.severity.as_str()));
    if !rule.resource_types.is_empty() {
        props.insert("resource-types".into(), json!(rule.resource_types));
    }
    if !rule.frameworks.is_empty() {
        props.insert("frameworks".into(), json!(rule.frameworks));
    }
    let section = rule_docs::rule_section(rule);
    // The section without its `## ID: title` heading, which GitHub shows anyway.
    let help_markdown = section
        .split_once("\n\n")
        .map(|(_, rest)| rest)
        .unwrap_or(&section)
        .trim_end()
        .to_string();
    let mut help_text = String::new();
    if !rule.description.is_empty() {
        help_text.push_str(&rule.description);
        help_text.push_str("\n\n");
    }
    help_text.push_str("Remediation:\n\n");
    help_text.push_str(&rule.remediation);
    let full = if rule.description.is_empty() {
        sentence(&rule.title)
    } else {
        rule.description.clone()
    };
    let help = sarif::MultiformatMessageString::builder()
        .text(help_text)
        .markdown(help_markdown)
        .build();
    let config = sarif::ReportingConfiguration::builder()
        .level(json!(level_str(rule.severity)))
        .build();
    let base = sarif::ReportingDescriptor::builder()
        .id(rule.id.clone())
        .name(pascal_name(&rule.title))
        .short_description(text(sentence(&rule.title)))
        .full_description(text(full))
        .help(help)
        .default_configuration(config)
        .properties(bag(Some(tags), props));
    match ctx.rule_link(rule) {
        Some(uri) => base.help_uri(uri).build(),
        None => base.build(),
    }
}

fn suppression(s: &Suppression, ctx: &Context) -> sarif::Suppression {
    let mut props = BTreeMap::new();
    props.insert("infracheck-kind".into(), json!(s.kind.as_str()));
    props.insert("origin".into(), json!(s.origin.to_string()));
    if let Some(e) = s.expires {
        props.insert("expires".into(), json!(e.to_string()));
    }
    let base = sarif::Suppression::builder()
        .kind(json!(match s.kind {
            SuppressionKind::Inline => "inSource",
            SuppressionKind::Waiver | SuppressionKind::Baseline => "external",
        }))
        .status(json!("accepted"))
        .justification(s.reason.clone())
        .properties(bag(None, props));
    match s.kind {
        SuppressionKind::Inline => base.location(origin_location(&s.origin, ctx)).build(),
        _ => base.build(),
    }
}

fn result(f: &Finding, rule_index: Option<usize>, ctx: &Context) -> sarif::Result {
    let physical = match &f.location {
        Some(loc) => physical(path_uri(&ctx.relative(&loc.file)), loc.line, loc.end_line),
        // GitHub rejects results without a file: point at the plan itself.
        None => physical(path_uri(&ctx.relative(&ctx.source.path)), 1, 1),
    };
    let logical = sarif::LogicalLocation::builder()
        .fully_qualified_name(f.address.clone())
        .kind("resource")
        .build();
    let location = sarif::Location::builder()
        .physical_location(physical)
        .logical_locations(vec![logical])
        .build();
    let mut props = BTreeMap::new();
    props.insert("address".into(), json!(f.address));
    if !f.resource_type.is_empty() {
        props.insert("resource-type".into(), json!(f.resource_type));
    }
    if let Some(r) = &f.region {
        props.insert("region".into(), json!(r));
    }
    props.insert("severity".into(), json!(f.severity.as_str()));
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(FINGERPRINT_KEY.to_string(), f.fingerprint());
    let msg = if f.message.is_empty() {
        format!("{} fails {}.", f.address, f.rule_id)
    } else {
        sentence(&format!("{}: {}", f.address, f.message))
    };
    let base = sarif::Result::builder()
        .rule_id(f.rule_id.clone())
        .level(level(f.severity))
        .message(message(msg))
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(bag(None, props));
    match (rule_index, &f.suppression) {
        (Some(i), Some(s)) => base
            .rule_index(i as i64)
            .suppressions(vec![suppression(s, ctx)])
            .build(),
        (Some(i), None) => base.rule_index(i as i64).build(),
        (None, Some(s)) => base.suppressions(vec![suppression(s, ctx)]).build(),
        (None, None) => base.build(),
    }
}

fn notifications(result: &ScanResult, ctx: &Context) -> Vec<sarif::Notification> {
    let mut out = Vec::new();
    for e in &result.errors {
        out.push(
            sarif::Notification::builder()
                .level(json!("error"))
                .message(message(sentence(&format!(
                    "Rule {} could not be evaluated: {}",
                    e.rule_id, e.message
                ))))
                .associated_rule(
                    sarif::ReportingDescriptorReference::builder()
                        .id(e.rule_id.clone())
                        .build(),
                )
                .build(),
        );
    }
    for w in &result.warnings {
        let mut props = BTreeMap::new();
        props.insert("kind".into(), json!(w.kind));
        let base = sarif::Notification::builder()
            .level(json!("warning"))
            .message(message(sentence(&format!(
                "{}: {}",
                w.kind.title(),
                w.message
            ))))
            .properties(bag(None, props));
        out.push(match &w.origin {
            Some(o) => base.locations(vec![origin_location(o, ctx)]).build(),
            None => base.build(),
        });
    }
    for g in &result.coverage_gaps {
        let mut props = BTreeMap::new();
        props.insert("kind".into(), json!("coverage_gap"));
        props.insert("gap".into(), json!(g));
        out.push(
            sarif::Notification::builder()
                .level(json!("warning"))
                .message(message(sentence(&crate::coverage::describe(g))))
                .properties(bag(None, props))
                .build(),
        );
    }
    out
}

pub fn render(result: &ScanResult, ctx: &Context) -> String {
    let mut rules: Vec<&RuleMeta> = result.rules.iter().collect();
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    let index: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let descriptors: Vec<sarif::ReportingDescriptor> =
        rules.iter().map(|r| descriptor(r, ctx)).collect();
    let results: Vec<sarif::Result> = sorted(&result.findings)
        .into_iter()
        .filter(|f| f.status == Status::Failed)
        .map(|f| result_of(f, &index, ctx))
        .collect();
    let version = env!("CARGO_PKG_VERSION");
    let driver = sarif::ToolComponent::builder()
        .name("infracheck")
        .full_name(format!("infracheck {version}"))
        .version(version)
        .semantic_version(version)
        .rules(descriptors);
    let driver = match &ctx.rule_docs_url {
        Some(uri) => driver.information_uri(uri.clone()).build(),
        None => driver.build(),
    };
    let notes = notifications(result, ctx);
    let invocation = sarif::Invocation::builder().execution_successful(result.errors.is_empty());
    let invocation = if notes.is_empty() {
        invocation.build()
    } else {
        invocation.tool_execution_notifications(notes).build()
    };
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .invocations(vec![invocation])
        .column_kind(json!("utf16CodeUnits"))
        .results(results)
        .build();
    let log = sarif::Sarif::builder()
        .schema(SCHEMA)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build();
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

fn result_of(f: &Finding, index: &BTreeMap<&str, usize>, ctx: &Context) -> sarif::Result {
    result(f, index.get(f.rule_id.as_str()).copied(), ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_and_names() {
        assert_eq!(path_uri("modules/web/main.tf"), "modules/web/main.tf");
        assert_eq!(path_uri("my dir/a#b.tf"), "my%20dir/a%23b.tf");
        assert_eq!(path_uri("/abs/x.tf"), "file:///abs/x.tf");
        assert_eq!(
            pascal_name("S3 buckets block public access"),
            "S3BucketsBlockPublicAccess"
        );
        assert_eq!(sentence("no."), "no.");
        assert_eq!(sentence("no"), "no.");
    }
}
