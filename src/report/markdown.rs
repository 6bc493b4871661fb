//! Markdown for a pull-request comment or `$GITHUB_STEP_SUMMARY`: counts by
//! severity, the failed findings grouped by rule in collapsed sections with links to
//! the rule docs and the code, then suppressed and unknown outcomes and warnings.

use std::fmt::Write as _;

use super::{location_label, sorted, Context};
use crate::findings::{Finding, RuleMeta, ScanResult, Severity, Status};

/// Rows listed per rule; the rest are counted.
const MAX_ROWS: usize = 50;
/// GitHub cuts comments at 65,536 characters; stop listing well before.
const MAX_CHARS: usize = 60_000;

/// Text for a table cell: no line breaks, pipes or raw HTML.
fn cell(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace(['\n', '\r'], "<br>")
}

fn code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'").replace('|', "\\|"))
}

fn location_cell(f: &Finding, ctx: &Context) -> String {
    match &f.location {
        Some(loc) => {
            let label = cell(&location_label(loc, ctx));
            match ctx.location_link(loc) {
                Some(url) => format!("[{label}]({url})"),
                None => format!("`{label}`"),
            }
        }
        None => "-".into(),
    }
}

fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "🟥 Critical",
        Severity::High => "🟧 High",
        Severity::Medium => "🟨 Medium",
        Severity::Low => "🟦 Low",
        Severity::Info => "⬜ Info",
    }
}

fn rule_ref(rule: Option<&RuleMeta>, id: &str, ctx: &Context) -> String {
    match rule.and_then(|r| ctx.rule_link(r)) {
        Some(url) => format!("[{id}]({url})"),
        None => format!("**{id}**"),
    }
}

pub fn render(result: &ScanResult, ctx: &Context) -> String {
    let mut out = String::new();
    let failing: Vec<&Finding> = sorted(&result.findings)
        .into_iter()
        .filter(|f| f.is_failing())
        .collect();
    let suppressed: Vec<&Finding> = sorted(&result.findings)
        .into_iter()
        .filter(|f| f.status == Status::Failed && f.suppression.is_some())
        .collect();
    let unknown: Vec<&Finding> = sorted(&result.findings)
        .into_iter()
        .filter(|f| f.status == Status::Unknown)
        .collect();
    let rule_of = |id: &str| result.rules.iter().find(|r| r.id == id);

    let headline = if !result.errors.is_empty() {
        format!(
            "⛔ infracheck: {} rules could not be evaluated",
            result.errors.len()
        )
    } else if failing.is_empty() {
        "✅ infracheck: no failed findings".to_string()
    } else {
        format!(
            "❌ infracheck: {} failed finding{}",
            failing.len(),
            if failing.len() == 1 { "" } else { "s" }
        )
    };
    let _ = writeln!(out, "## {headline}\n");
    let regions = if ctx.source.regions.is_empty() {
        String::new()
    } else {
        format!(" in {}", ctx.source.regions.join(", "))
    };
    let _ = writeln!(
        out,
        "Scanned {}: {} rules on {} resources{regions}.\n",
        code(&ctx.relative(&ctx.source.path)),
        result.rules.len(),
        ctx.source.resources,
    );

    out.push_str("| Severity | Failed | Suppressed | Unknown | Passed |\n");
    out.push_str("|---|--:|--:|--:|--:|\n");
    for s in Severity::ALL {
        let of = |pred: &dyn Fn(&Finding) -> bool| {
            result
                .findings
                .iter()
                .filter(|f| f.severity == s && pred(f))
                .count()
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            severity_label(s),
            of(&|f| f.is_failing()),
            of(&|f| f.status == Status::Failed && f.suppression.is_some()),
            of(&|f| f.status == Status::Unknown),
            of(&|f| f.status == Status::Passed),
        );
    }
    out.push('\n');

    if !failing.is_empty() {
        out.push_str("### Failed\n\n");
        let mut by_rule: Vec<(&str, Vec<&Finding>)> = Vec::new();
        for f in &failing {
            match by_rule.iter_mut().find(|(id, _)| *id == f.rule_id) {
                Some((_, v)) => v.push(f),
                None => by_rule.push((&f.rule_id, vec![f])),
            }
        }
        let mut left_out = 0;
        for (id, findings) in by_rule {
            if out.len() > MAX_CHARS {
                left_out += findings.len();
                continue;
            }
            let rule = rule_of(id);
            let title = rule.map(|r| r.title.as_str()).unwrap_or("");
            let _ = writeln!(
                out,
                "<details>\n<summary><b>{id}</b> ({}) {}: {} resource{}</summary>\n",
                findings[0].severity,
                cell(title),
                findings.len(),
                if findings.len() == 1 { "" } else { "s" }
            );
            out.push_str("| Resource | Region | Location | Message |\n|---|---|---|---|\n");
            for f in findings.iter().take(MAX_ROWS) {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    code(&f.address),
                    f.region.as_deref().unwrap_or("-"),
                    location_cell(f, ctx),
                    cell(&f.message)
                );
            }
            if findings.len() > MAX_ROWS {
                let _ = writeln!(out, "\n…and {} more.", findings.len() - MAX_ROWS);
            }
            match rule.and_then(|r| ctx.rule_link(r)) {
                Some(url) => {
                    let _ = writeln!(out, "\n[How to fix {id}]({url})");
                }
                None => {
                    let _ = writeln!(out, "\nHow to fix: `infracheck policies show {id}`");
                }
            }
            out.push_str("\n</details>\n\n");
        }
        if left_out > 0 {
            let _ = writeln!(
                out,
                "…and {left_out} more failed findings: see the full report.\n"
            );
        }
    }

    if !suppressed.is_empty() {
        let _ = writeln!(
            out,
            "<details>\n<summary>{} suppressed finding{}</summary>\n",
            suppressed.len(),
            if suppressed.len() == 1 { "" } else { "s" }
        );
        out.push_str(
            "| Rule | Resource | Kind | Reason | Expires | Where |\n|---|---|---|---|---|---|\n",
        );
        for f in suppressed.iter().take(MAX_ROWS) {
            let s = f.suppression.as_ref().expect("filtered on suppression");
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                rule_ref(rule_of(&f.rule_id), &f.rule_id, ctx),
                code(&f.address),
                s.kind.as_str(),
                cell(&s.reason),
                s.expires
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "-".into()),
                code(&s.origin.to_string()),
            );
        }
        if suppressed.len() > MAX_ROWS {
            let _ = writeln!(out, "\n…and {} more.", suppressed.len() - MAX_ROWS);
        }
        out.push_str("\n</details>\n\n");
    }

    if !unknown.is_empty() {
        let _ = writeln!(
            out,
            "<details>\n<summary>{} unknown (values known only after apply)</summary>\n",
            unknown.len()
        );
        out.push_str("| Rule | Resource | Location | Why |\n|---|---|---|---|\n");
        for f in unknown.iter().take(MAX_ROWS) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                rule_ref(rule_of(&f.rule_id), &f.rule_id, ctx),
                code(&f.address),
                location_cell(f, ctx),
                cell(&f.message)
            );
        }
        if unknown.len() > MAX_ROWS {
            let _ = writeln!(out, "\n…and {} more.", unknown.len() - MAX_ROWS);
        }
        out.push_str("\n</details>\n\n");
    }

    if !result.warnings.is_empty() {
        out.push_str("### Warnings\n\n");
        for w in &result.warnings {
            let place = w
                .origin
                .as_ref()
                .map(|o| format!("{}: ", code(&o.to_string())))
                .unwrap_or_default();
            let _ = writeln!(out, "- ⚠️ {place}{}: {}", w.kind.title(), cell(&w.message));
        }
        out.push('\n');
    }
    if !result.coverage_gaps.is_empty() {
        out.push_str(
            "### Coverage gaps\n\nRules that need this data give UNKNOWN instead of PASSED.\n\n",
        );
        for g in &result.coverage_gaps {
            let _ = writeln!(out, "- {}", cell(&crate::coverage::describe(g)));
        }
        out.push('\n');
    }
    if !result.errors.is_empty() {
        out.push_str("### Errors\n\n");
        for e in &result.errors {
            let _ = writeln!(
                out,
                "- ⛔ rule {} could not be evaluated: {}",
                e.rule_id,
                cell(&e.message)
            );
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_tables_and_html() {
        assert_eq!(cell("a|b\nc <x> & d"), "a\\|b<br>c &lt;x&gt; &amp; d");
        assert_eq!(code("a`b"), "`a'b`");
    }
}
