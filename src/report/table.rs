//! The terminal table: what failed or could not be decided, then a summary line.

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};

use super::{failing_by_severity, location_label, sorted, Context, SourceInfo};
use crate::findings::{ScanResult, Status};
use crate::frameworks::FrameworkReport;

pub fn render(result: &ScanResult, ctx: &Context) -> String {
    let mut out = String::new();
    // FAILED, then UNKNOWN, then the suppressed FAILED findings.
    let mut shown: Vec<_> = sorted(&result.findings)
        .into_iter()
        .filter(|f| f.status != Status::Passed)
        .collect();
    shown.sort_by_key(|f| f.suppression.is_some());
    if !shown.is_empty() {
        let with_location = shown.iter().any(|f| f.location.is_some());
        let mut header = vec!["Severity", "Status", "Rule", "Resource"];
        if with_location {
            header.push("Location");
        }
        header.extend(["Region", "Message"]);
        let mut table = Table::new();
        table
            .load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(header);
        for f in shown {
            let mut row = vec![
                f.severity.as_str().to_uppercase(),
                match &f.suppression {
                    Some(_) => "SUPPRESSED".to_string(),
                    None => f.status.as_str().to_string(),
                },
                f.rule_id.clone(),
                f.address.clone(),
            ];
            if with_location {
                row.push(
                    f.location
                        .as_ref()
                        .map(|l| location_label(l, ctx))
                        .unwrap_or_else(|| "-".into()),
                );
            }
            row.push(f.region.clone().unwrap_or_else(|| "-".into()));
            row.push(match &f.suppression {
                Some(s) => format!(
                    "{} [{} {}: {}]",
                    f.message,
                    s.kind.as_str(),
                    s.origin,
                    s.reason
                ),
                None => f.message.clone(),
            });
            table.add_row(row);
        }
        out.push_str(&table.to_string());
        out.push('\n');
    }
    for e in &result.errors {
        out.push_str(&format!(
            "error: rule {} could not be evaluated: {}\n",
            e.rule_id, e.message
        ));
    }
    for w in &result.warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    for g in &result.coverage_gaps {
        out.push_str(&crate::coverage::describe(g));
        out.push('\n');
    }
    out.push_str(&summary_line(result, ctx.source));
    out.push('\n');
    out
}

/// `3 failed (1 critical, 2 high), 1 suppressed, 0 unknown, 20 passed: ...`;
/// "failed" counts the FAILED findings that are not suppressed.
pub fn summary_line(result: &ScanResult, source: &SourceInfo) -> String {
    let failing = result.findings.iter().filter(|f| f.is_failing()).count();
    let detail: Vec<String> = failing_by_severity(&result.findings)
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let mut line = format!("{failing} failed");
    if !detail.is_empty() {
        line.push_str(&format!(" ({})", detail.join(", ")));
    }
    let suppressed = result.suppressed();
    if suppressed > 0 {
        line.push_str(&format!(", {suppressed} suppressed"));
    }
    line.push_str(&format!(
        ", {} unknown, {} passed: {} rules on {} resources in {}",
        result.count(Status::Unknown),
        result.count(Status::Passed),
        result.rules.len(),
        source.resources,
        source.path
    ));
    if !result.errors.is_empty() {
        line.push_str(&format!(
            "; {} rules failed to evaluate",
            result.errors.len()
        ));
    }
    if !result.warnings.is_empty() {
        line.push_str(&format!("; {} warnings", result.warnings.len()));
    }
    if !result.coverage_gaps.is_empty() {
        line.push_str(&format!(
            "; {} coverage gaps (rules that need their data give UNKNOWN)",
            result.coverage_gaps.len()
        ));
    }
    line
}

/// The per-requirement summary of `--framework`.
pub fn render_framework(report: &FrameworkReport) -> String {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_header(vec![
        "Requirement",
        "Rules",
        "Passed",
        "Failed",
        "Unknown",
    ]);
    for r in &report.requirements {
        let requirement = match r.topic {
            Some(t) => format!("{} ({t})", r.requirement),
            None => r.requirement.clone(),
        };
        table.add_row(vec![
            requirement,
            r.rules.join(", "),
            r.passed.to_string(),
            r.failed.to_string(),
            r.unknown.to_string(),
        ]);
    }
    format!("\n{}\n{table}\n", report.name)
}
