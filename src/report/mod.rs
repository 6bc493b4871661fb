//! Reporters: render a [`ScanResult`] for people (table, Markdown), machines (JSON,
//! SARIF, JUnit XML) and GitHub Actions (workflow-command annotations).

pub mod asff;
pub mod github;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod rule_docs;
pub mod sarif;
pub mod table;

use std::path::{Path, PathBuf};

use crate::findings::{Finding, RuleMeta, Severity, Status};
use crate::frameworks::FrameworkReport;
use crate::model::Location;

/// What renderers need besides the findings.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub source: &'a SourceInfo,
    pub framework: Option<&'a FrameworkReport>,
    /// The rule reference (docs/rules.md) as a URL; rule links append `#anchor`.
    pub rule_docs_url: Option<String>,
    /// Where the `.tf` files can be browsed, e.g. `https://github.com/o/r/blob/<sha>`;
    /// location links append `/<path>#L<line>-L<end>`.
    pub source_url: Option<String>,
    /// Locations and the plan path are made relative to this directory.
    pub base_dir: PathBuf,
}

impl<'a> Context<'a> {
    pub fn new(source: &'a SourceInfo) -> Self {
        Context {
            source,
            framework: None,
            rule_docs_url: None,
            source_url: None,
            base_dir: PathBuf::from("."),
        }
    }

    /// `path` relative to the base directory when it lies inside it, with `/`
    /// separators and no leading `./`.
    pub fn relative(&self, path: &str) -> String {
        relative_path(path, &self.base_dir)
    }

    /// A link to the rule's section of the rule reference, for built-in rules.
    pub fn rule_link(&self, rule: &RuleMeta) -> Option<String> {
        let base = self.rule_docs_url.as_deref()?;
        rule.source
            .starts_with("builtin:")
            .then(|| format!("{base}#{}", rule_docs::rule_anchor(rule)))
    }

    /// A link to the lines of a location.
    pub fn location_link(&self, loc: &Location) -> Option<String> {
        let base = self.source_url.as_deref()?.trim_end_matches('/');
        let path = self.relative(&loc.file);
        if Path::new(&path).is_absolute() {
            return None;
        }
        Some(if loc.end_line > loc.line {
            format!("{base}/{path}#L{}-L{}", loc.line, loc.end_line)
        } else {
            format!("{base}/{path}#L{}", loc.line)
        })
    }
}

pub fn relative_path(path: &str, base: &Path) -> String {
    let p = Path::new(path);
    let p = if p.is_absolute() {
        let base_abs = std::path::absolute(base).unwrap_or_else(|_| base.to_path_buf());
        p.strip_prefix(&base_abs).unwrap_or(p)
    } else {
        p
    };
    let s = p.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

/// `main.tf:12-20` (or `main.tf:12` for a one-line block).
pub fn location_label(loc: &Location, ctx: &Context) -> String {
    let file = ctx.relative(&loc.file);
    if loc.end_line > loc.line {
        format!("{file}:{}-{}", loc.line, loc.end_line)
    } else {
        format!("{file}:{}", loc.line)
    }
}

/// What was scanned, for report headers.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SourceInfo {
    pub kind: String,
    pub path: String,
    pub regions: Vec<String>,
    pub resources: usize,
}

impl SourceInfo {
    /// The accounts of a live run over several accounts (its path is
    /// `aws:<account>,<account>...`); empty for one account and other sources.
    pub fn accounts(&self) -> Vec<&str> {
        match self.path.strip_prefix("aws:") {
            Some(list) if self.kind == "live" && list.contains(',') => list.split(',').collect(),
            _ => Vec::new(),
        }
    }
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

/// Counts of FAILED findings that are not suppressed, by severity, highest first.
pub fn failing_by_severity(findings: &[Finding]) -> Vec<(Severity, usize)> {
    Severity::ALL
        .iter()
        .map(|&s| {
            (
                s,
                findings
                    .iter()
                    .filter(|f| f.is_failing() && f.severity == s)
                    .count(),
            )
        })
        .collect()
}
