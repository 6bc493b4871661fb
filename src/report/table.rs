//! The terminal table: what failed or could not be decided, then a summary line.

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};

use super::{by_severity, sorted, SourceInfo};
use crate::findings::{ScanResult, Status};
use crate::frameworks::FrameworkReport;

pub fn render(result: &ScanResult, source: &SourceInfo) -> String {
    let mut out = String::new();
    let shown: Vec<_> = sorted(&result.findings)
        .into_iter()
        .filter(|f| f.status != Status::Passed)
        .collect();
    if !shown.is_empty() {
        let mut table = Table::new();
        table
            .load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(vec![
                "Severity", "Status", "Rule", "Resource", "Region", "Message",
            ]);
        for f in shown {
            table.add_row(vec![
                f.severity.as_str().to_uppercase(),
                f.status.as_str().to_string(),
                f.rule_id.clone(),
                f.address.clone(),
                f.region.clone().unwrap_or_else(|| "-".into()),
                f.message.clone(),
            ]);
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
    out.push_str(&summary_line(result, source));
    out.push('\n');
    out
}

pub fn summary_line(result: &ScanResult, source: &SourceInfo) -> String {
    let failed = result.count(Status::Failed);
    let detail: Vec<String> = by_severity(&result.findings, Status::Failed)
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let mut line = format!("{failed} failed");
    if !detail.is_empty() {
        line.push_str(&format!(" ({})", detail.join(", ")));
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
