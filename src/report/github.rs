//! GitHub Actions workflow commands: one annotation per FAILED finding that is not
//! suppressed (`::error` for critical and high, `::warning` for medium and low,
//! `::notice` for info), at the resource's `.tf` block when known, plus one
//! `::warning` per suppression warning and `::error` per rule error.
//!
//! <https://docs.github.com/actions/reference/workflow-commands-for-github-actions>

use std::fmt::Write as _;

use super::{sorted, Context};
use crate::findings::{ScanResult, Severity};

/// The message part of a workflow command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value (`file=`, `title=`...): `:` and `,` separate properties.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium | Severity::Low => "warning",
        Severity::Info => "notice",
    }
}

fn annotation(
    kind: &str,
    file: Option<&str>,
    lines: Option<(usize, usize)>,
    title: &str,
    message: &str,
) -> String {
    let mut props = Vec::new();
    if let Some(f) = file {
        props.push(format!("file={}", escape_property(f)));
        if let Some((line, end)) = lines {
            props.push(format!("line={line}"));
            if end > line {
                props.push(format!("endLine={end}"));
            }
        }
    }
    props.push(format!("title={}", escape_property(title)));
    format!("::{kind} {}::{}\n", props.join(","), escape_data(message))
}

pub fn render(result: &ScanResult, ctx: &Context) -> String {
    let mut out = String::new();
    for f in sorted(&result.findings)
        .into_iter()
        .filter(|f| f.is_failing())
    {
        let title = format!("{} ({})", f.rule_id, f.severity);
        let mut message = format!("{}: {}", f.address, f.message);
        if let Some(rule) = result.rules.iter().find(|r| r.id == f.rule_id) {
            let _ = write!(message, "\n{}", rule.title);
            if let Some(url) = ctx.rule_link(rule) {
                let _ = write!(message, ": {url}");
            }
        }
        let file = f.location.as_ref().map(|l| ctx.relative(&l.file));
        out.push_str(&annotation(
            command(f.severity),
            file.as_deref(),
            f.location.as_ref().map(|l| (l.line, l.end_line)),
            &title,
            &message,
        ));
    }
    for w in &result.warnings {
        let file = w.origin.as_ref().map(|o| ctx.relative(&o.file));
        out.push_str(&annotation(
            "warning",
            file.as_deref(),
            w.origin.as_ref().and_then(|o| o.line.map(|l| (l, l))),
            &format!("infracheck: {}", w.kind.title()),
            &w.message,
        ));
    }
    for g in &result.coverage_gaps {
        out.push_str(&annotation(
            "warning",
            None,
            None,
            "infracheck: coverage gap",
            &crate::coverage::describe(g),
        ));
    }
    for e in &result.errors {
        out.push_str(&annotation(
            "error",
            None,
            None,
            &format!("infracheck: rule {} could not be evaluated", e.rule_id),
            &e.message,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(
            annotation(
                "error",
                Some("dir,1/main.tf"),
                Some((3, 9)),
                "S3-002 (critical)",
                "x\ny"
            ),
            "::error file=dir%2C1/main.tf,line=3,endLine=9,title=S3-002 (critical)::x%0Ay\n"
        );
        assert_eq!(
            annotation("notice", None, None, "t: u", "m"),
            "::notice title=t%3A u::m\n"
        );
    }
}
