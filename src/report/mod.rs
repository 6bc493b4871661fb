//! Reporters: render a [`ScanResult`] for people (table) and machines (JSON).

pub mod json;
pub mod rule_docs;
pub mod table;

use crate::findings::{Finding, Severity, Status};

/// What was scanned, for report headers.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SourceInfo {
    pub kind: String,
    pub path: String,
    pub regions: Vec<String>,
    pub resources: usize,
}

/// Findings in report order: status (FAILED first), severity (highest first),
/// rule, resource.
pub fn sorted(findings: &[Finding]) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = findings.iter().collect();
    v.sort_by(|a, b| {
        (
            a.status,
            std::cmp::Reverse(a.severity),
            &a.rule_id,
            &a.address,
        )
            .cmp(&(
                b.status,
                std::cmp::Reverse(b.severity),
                &b.rule_id,
                &b.address,
            ))
    });
    v
}

/// Counts of one status by severity, highest first.
pub fn by_severity(findings: &[Finding], status: Status) -> Vec<(Severity, usize)> {
    Severity::ALL
        .iter()
        .map(|&s| {
            (
                s,
                findings
                    .iter()
                    .filter(|f| f.status == status && f.severity == s)
                    .count(),
            )
        })
        .collect()
}
