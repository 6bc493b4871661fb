//! The JSON report: every (rule, resource) outcome, PASSED and UNKNOWN included.
//! Its shape is documented in docs/json-output.md and versioned by `schema_version`.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::value::RawValue;

use super::{sorted, Context, SourceInfo};
use crate::findings::{
    Finding, RuleError, RuleMeta, ScanResult, Severity, Status, Suppression, Warning,
};
use crate::frameworks::FrameworkReport;
use crate::model::Location;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    schema_version: u32,
    tool: Tool,
    source: SourceRow<'a>,
    summary: Summary,
    rules: &'a [RuleMeta],
    results: Rows<'a>,
    errors: &'a [RuleError],
    warnings: &'a [Warning],
    #[serde(skip_serializing_if = "Option::is_none")]
    framework: Option<&'a FrameworkReport>,
    /// Live scans: what could not be read (always present there, even empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage_gaps: Option<&'a [crate::model::Gap]>,
}

/// The source; a live run over several accounts lists them.
#[derive(Serialize)]
struct SourceRow<'a> {
    #[serde(flatten)]
    info: &'a SourceInfo,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    accounts: Vec<&'a str>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Counts {
    failed: usize,
    unknown: usize,
    passed: usize,
}

#[derive(Serialize)]
struct Summary {
    #[serde(flatten)]
    total: Counts,
    /// FAILED findings (counted in `failed`) that a suppression covers.
    suppressed: usize,
    errors: usize,
    warnings: usize,
    by_severity: std::collections::BTreeMap<&'static str, Counts>,
}

#[derive(Serialize)]
struct ResultRow<'a> {
    rule_id: &'a str,
    title: &'a str,
    severity: Severity,
    status: Status,
    address: &'a str,
    resource_type: &'a str,
    region: Option<&'a str>,
    message: &'a str,
    fingerprint: String,
    /// The account of the outcome, in a live run over several accounts.
    #[serde(skip_serializing_if = "Option::is_none")]
    account: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<LocationRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression: Option<&'a Suppression>,
}

#[derive(Serialize)]
struct LocationRow {
    file: String,
    line: usize,
    end_line: usize,
}

impl LocationRow {
    fn new(loc: &Location, ctx: &Context) -> Self {
        LocationRow {
            file: ctx.relative(&loc.file),
            line: loc.line,
            end_line: loc.end_line,
        }
    }
}

fn counts<'a>(it: impl Iterator<Item = &'a Finding> + Clone) -> Counts {
    let n = |s: Status| it.clone().filter(|f| f.status == s).count();
    Counts {
        failed: n(Status::Failed),
        unknown: n(Status::Unknown),
        passed: n(Status::Passed),
    }
}

/// The `results` array. A large scan has tens of thousands of rows (a SHA-256 and
/// a pretty-printed object each), so they are rendered on all cores, a batch at a
/// time to keep memory flat, and written in order as they are.
struct Rows<'a> {
    findings: Vec<&'a Finding>,
    titles: HashMap<&'a str, &'a str>,
    several: bool,
    ctx: &'a Context<'a>,
}

/// Rows rendered per batch; each batch is split across the cores.
const ROWS_PER_BATCH: usize = 4096;

impl Rows<'_> {
    /// The row of finding `f`.
    fn row<'r>(&'r self, f: &'r Finding) -> ResultRow<'r> {
        ResultRow {
            rule_id: &f.rule_id,
            title: self.titles.get(f.rule_id.as_str()).copied().unwrap_or(""),
            severity: f.severity,
            status: f.status,
            address: &f.address,
            resource_type: &f.resource_type,
            region: f.region.as_deref(),
            message: &f.message,
            fingerprint: f.fingerprint(),
            account: self
                .several
                .then(|| crate::accounts::account_of(&f.address))
                .flatten(),
            location: f.location.as_ref().map(|l| LocationRow::new(l, self.ctx)),
            suppression: f.suppression.as_ref(),
        }
    }

    /// The row of `f` as the pretty printer writes it inside `results` (two levels
    /// deep: four more spaces after each line break; JSON strings hold none).
    fn render(&self, f: &Finding) -> serde_json::Result<Box<RawValue>> {
        let row = self.row(f);
        let text = serde_json::to_string_pretty(&row)?;
        RawValue::from_string(text.replace('\n', "\n    "))
    }
}

impl Serialize for Rows<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.findings.len()))?;
        for batch in self.findings.chunks(ROWS_PER_BATCH) {
            let rendered = crate::parallel::map_chunks(batch, 512, |part| {
                part.iter()
                    .map(|f| self.render(f))
                    .collect::<serde_json::Result<Vec<_>>>()
            });
            for part in rendered {
                for row in part.map_err(serde::ser::Error::custom)? {
                    seq.serialize_element(&row)?;
                }
            }
        }
        seq.end()
    }
}

pub fn render(result: &ScanResult, ctx: &Context) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail, and serde_json writes UTF-8.
    let _ = write(result, ctx, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Streams the report to `w`: a large scan's report is never held whole in memory.
pub fn write(
    result: &ScanResult,
    ctx: &Context,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let source = ctx.source;
    let several = !source.accounts().is_empty();
    let framework = ctx.framework;
    let titles: HashMap<&str, &str> = result
        .rules
        .iter()
        .map(|r| (r.id.as_str(), r.title.as_str()))
        .collect();
    let report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "infracheck",
            version: env!("CARGO_PKG_VERSION"),
        },
        source: SourceRow {
            info: source,
            accounts: source.accounts(),
        },
        summary: Summary {
            total: counts(result.findings.iter()),
            suppressed: result.suppressed(),
            errors: result.errors.len(),
            warnings: result.warnings.len(),
            by_severity: Severity::ALL
                .iter()
                .map(|&s| {
                    (
                        s.as_str(),
                        counts(result.findings.iter().filter(move |f| f.severity == s)),
                    )
                })
                .collect(),
        },
        rules: &result.rules,
        results: Rows {
            findings: sorted(&result.findings),
            titles,
            several,
            ctx,
        },
        errors: &result.errors,
        warnings: &result.warnings,
        framework,
        coverage_gaps: (source.kind == "live" || !result.coverage_gaps.is_empty())
            .then_some(result.coverage_gaps.as_slice()),
    };
    serde_json::to_writer_pretty(&mut *w, &report)?;
    w.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows rendered in parallel batches read exactly as serde's pretty printer
    /// writes the same rows in one pass, over several batches and chunks.
    #[test]
    fn batched_rows_match_a_plain_rendering() {
        #[derive(Serialize)]
        struct Doc<T> {
            results: T,
        }
        let findings: Vec<Finding> = (0..ROWS_PER_BATCH * 2 + 7)
            .map(|i| Finding {
                rule_id: format!("S3-00{}", i % 5),
                severity: Severity::High,
                status: if i % 3 == 0 {
                    Status::Failed
                } else {
                    Status::Passed
                },
                address: format!("module.m[\"k{i}\"].aws_s3_bucket.b"),
                resource_type: "aws_s3_bucket".into(),
                region: (i % 2 == 0).then(|| "us-east-1".to_string()),
                message: "line\nbreak \"quoted\"".into(),
                location: (i % 4 == 0).then(|| Location {
                    file: "main.tf".into(),
                    line: i,
                    end_line: i + 3,
                }),
                suppression: None,
            })
            .collect();
        let source = SourceInfo {
            kind: "plan".into(),
            path: "p.json".into(),
            regions: vec![],
            resources: 0,
        };
        let ctx = Context::new(&source);
        let rows = Rows {
            findings: findings.iter().collect(),
            titles: HashMap::from([("S3-001", "A title")]),
            several: false,
            ctx: &ctx,
        };
        let plain: Vec<ResultRow> = rows.findings.iter().map(|f| rows.row(f)).collect();
        let expected = serde_json::to_string_pretty(&Doc { results: plain }).unwrap();
        let batched = serde_json::to_string_pretty(&Doc { results: rows }).unwrap();
        assert_eq!(batched, expected);
    }
}
