//! The JSON report: every (rule, resource) outcome, PASSED and UNKNOWN included.
//! Its shape is documented in docs/json-output.md and versioned by `schema_version`.

use std::collections::HashMap;
use std::io::Write;

use serde::Serialize;

use super::{sorted, Context, SourceInfo};
use crate::findings::{Finding, ScanResult, Severity, Status, Suppression};
use crate::model::Location;

pub const SCHEMA_VERSION: u32 = 1;

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

impl Summary {
    fn of(result: &ScanResult) -> Self {
        Summary {
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

impl<'a> Rows<'a> {
    fn new(result: &'a ScanResult, ctx: &'a Context<'a>) -> Self {
        Rows {
            findings: sorted(&result.findings),
            titles: result
                .rules
                .iter()
                .map(|r| (r.id.as_str(), r.title.as_str()))
                .collect(),
            several: !ctx.source.accounts().is_empty(),
            ctx,
        }
    }

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

    /// The array as the pretty printer writes it as a member of the report: each
    /// row at depth 2, rendered straight at that depth (no re-indenting or
    /// re-validating the text afterwards).
    fn write(&self, w: &mut dyn Write) -> std::io::Result<()> {
        if self.findings.is_empty() {
            return w.write_all(b"[]");
        }
        w.write_all(b"[")?;
        let mut first = true;
        for batch in self.findings.chunks(ROWS_PER_BATCH) {
            let rendered = crate::parallel::map_chunks(batch, 512, |part| {
                let mut text = Vec::with_capacity(part.len() * 512);
                for (i, f) in part.iter().enumerate() {
                    text.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
                    let mut ser =
                        serde_json::Serializer::with_formatter(&mut text, Indented::at(2));
                    self.row(f).serialize(&mut ser)?;
                }
                Ok::<_, serde_json::Error>(text)
            });
            for part in rendered {
                let part = part?;
                // Each part opens with the line break of its first row; all but the
                // array's first row follow a comma.
                if !first {
                    w.write_all(b",")?;
                }
                first = false;
                w.write_all(&part)?;
            }
        }
        w.write_all(b"\n  ]")
    }
}

/// serde_json's pretty printer (two-space indent), starting `level` deep: its
/// `PrettyFormatter` always starts at the top, and the rows are rendered apart
/// from the document they go in.
struct Indented {
    level: usize,
    has_value: bool,
}

impl Indented {
    fn at(level: usize) -> Self {
        Indented {
            level,
            has_value: false,
        }
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.line(w)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.line(w)
    }

    fn line<W: ?Sized + Write>(&self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..self.level {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for Indented {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// The report object, written a member at a time so that `results` is streamed.
struct Members<'w> {
    w: &'w mut dyn Write,
    first: bool,
}

impl<'w> Members<'w> {
    fn new(w: &'w mut dyn Write) -> Self {
        Members { w, first: true }
    }

    fn key(&mut self, key: &str) -> std::io::Result<()> {
        self.w.write_all(if self.first { b"{" } else { b"," })?;
        self.first = false;
        write!(self.w, "\n  \"{key}\": ")
    }

    fn member<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> std::io::Result<()> {
        self.key(key)?;
        let mut ser = serde_json::Serializer::with_formatter(&mut *self.w, Indented::at(1));
        value.serialize(&mut ser)?;
        Ok(())
    }

    fn end(self) -> std::io::Result<()> {
        self.w.write_all(if self.first { b"{}" } else { b"\n}" })
    }
}

pub fn render(result: &ScanResult, ctx: &Context) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail, and serde_json writes UTF-8.
    let _ = write(result, ctx, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Streams the report to `w`: a large scan's report is never held whole in memory.
/// The members, in this order, are those of docs/json-output.md.
pub fn write(result: &ScanResult, ctx: &Context, w: &mut dyn Write) -> std::io::Result<()> {
    let source = ctx.source;
    let rows = Rows::new(result, ctx);
    let summary = Summary::of(result);
    let mut report = Members::new(w);
    report.member("schema_version", &SCHEMA_VERSION)?;
    report.member(
        "tool",
        &Tool {
            name: "infracheck",
            version: env!("CARGO_PKG_VERSION"),
        },
    )?;
    report.member(
        "source",
        &SourceRow {
            info: source,
            accounts: source.accounts(),
        },
    )?;
    report.member("summary", &summary)?;
    report.member("rules", &result.rules)?;
    report.key("results")?;
    rows.write(report.w)?;
    report.member("errors", &result.errors)?;
    report.member("warnings", &result.warnings)?;
    if let Some(framework) = ctx.framework {
        report.member("framework", framework)?;
    }
    // Live scans: what could not be read (always present there, even empty).
    if source.kind == "live" || !result.coverage_gaps.is_empty() {
        report.member("coverage_gaps", &result.coverage_gaps)?;
    }
    report.end()?;
    w.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::{RuleError, RuleMeta, Warning};
    use crate::frameworks::FrameworkReport;

    /// What serde's pretty printer writes for the report, in one pass: the
    /// reference the member-by-member, batched writing must match byte for byte.
    #[derive(Serialize)]
    struct Reference<'a> {
        schema_version: u32,
        tool: Tool,
        source: SourceRow<'a>,
        summary: Summary,
        rules: &'a [RuleMeta],
        results: Vec<ResultRow<'a>>,
        errors: &'a [RuleError],
        warnings: &'a [Warning],
        #[serde(skip_serializing_if = "Option::is_none")]
        framework: Option<&'a FrameworkReport>,
        #[serde(skip_serializing_if = "Option::is_none")]
        coverage_gaps: Option<&'a [crate::model::Gap]>,
    }

    fn reference(result: &ScanResult, ctx: &Context) -> String {
        let source = ctx.source;
        let rows = Rows::new(result, ctx);
        let doc = Reference {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "infracheck",
                version: env!("CARGO_PKG_VERSION"),
            },
            source: SourceRow {
                info: source,
                accounts: source.accounts(),
            },
            summary: Summary::of(result),
            rules: &result.rules,
            results: rows.findings.iter().map(|f| rows.row(f)).collect(),
            errors: &result.errors,
            warnings: &result.warnings,
            framework: ctx.framework,
            coverage_gaps: (source.kind == "live" || !result.coverage_gaps.is_empty())
                .then_some(result.coverage_gaps.as_slice()),
        };
        serde_json::to_string_pretty(&doc).unwrap() + "\n"
    }

    fn source(kind: &str, path: &str) -> SourceInfo {
        SourceInfo {
            kind: kind.into(),
            path: path.into(),
            regions: vec!["us-east-1".into()],
            resources: 3,
        }
    }

    /// Rows over several batches and chunks, with nested objects (locations), empty
    /// arrays (rules, errors) and escaped strings.
    #[test]
    fn batched_report_reads_as_the_pretty_printer_writes_it() {
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
        let result = ScanResult {
            findings,
            ..ScanResult::default()
        };
        let source = source("plan", "p.json");
        let ctx = Context::new(&source);
        assert_eq!(render(&result, &ctx), reference(&result, &ctx));
    }

    /// No rows, and a live source over two accounts: `results` is `[]`, the
    /// source lists the accounts and `coverage_gaps` is present though empty.
    #[test]
    fn empty_live_report_reads_as_the_pretty_printer_writes_it() {
        let result = ScanResult::default();
        let source = source("live", "aws:111111111111,222222222222");
        let ctx = Context::new(&source);
        let text = render(&result, &ctx);
        assert!(text.contains("\"results\": [],"), "{text}");
        assert!(text.contains("\"coverage_gaps\": []\n}"), "{text}");
        assert_eq!(text, reference(&result, &ctx));
    }
}
