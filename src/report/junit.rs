//! JUnit XML for CI test reports: one test suite per rule, one test case per
//! (rule, resource). FAILED is a failure carrying the message; UNKNOWN and
//! suppressed FAILED findings are skipped with the reason; PASSED passes.

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::{location_label, sorted, Context};
use crate::findings::{Finding, ScanResult, Status};

fn test_case(f: &Finding, ctx: &Context) -> TestCase {
    let status = match (f.status, &f.suppression) {
        (Status::Passed, _) => TestCaseStatus::success(),
        (Status::Failed, None) => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(f.message.clone())
                .set_type(f.severity.as_str())
                .set_description(format!(
                    "{} {} ({}) on {}: {}",
                    f.severity.as_str().to_uppercase(),
                    f.rule_id,
                    f.region.as_deref().unwrap_or("no region"),
                    f.address,
                    f.message
                ));
            s
        }
        (Status::Failed, Some(sup)) => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(format!(
                "suppressed ({} {}): {}",
                sup.kind.as_str(),
                sup.origin,
                sup.reason
            ))
            .set_type("suppressed");
            s
        }
        (Status::Unknown, _) => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(format!("UNKNOWN: {}", f.message))
                .set_type("unknown");
            s
        }
    };
    let mut case = TestCase::new(f.address.clone(), status);
    case.set_classname(f.rule_id.clone());
    if let Some(loc) = &f.location {
        case.extra
            .insert("file".into(), ctx.relative(&loc.file).into());
        case.extra
            .insert("line".into(), loc.line.to_string().into());
        case.set_system_out(format!("at {}", location_label(loc, ctx)));
    }
    case
}

pub fn render(result: &ScanResult, ctx: &Context) -> String {
    let mut report = Report::new("infracheck");
    let findings = sorted(&result.findings);
    let mut rules: Vec<_> = result.rules.iter().collect();
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    for rule in rules {
        let mut suite = TestSuite::new(format!("{}: {}", rule.id, rule.title));
        suite.add_property(Property::new("severity", rule.severity.as_str()));
        for (fw, reqs) in &rule.frameworks {
            suite.add_property(Property::new(fw.clone(), reqs.join(", ")));
        }
        let mut cases: Vec<&Finding> = findings
            .iter()
            .copied()
            .filter(|f| f.rule_id == rule.id)
            .collect();
        cases.sort_by(|a, b| a.address.cmp(&b.address));
        suite.add_test_cases(cases.into_iter().map(|f| test_case(f, ctx)));
        if let Some(e) = result.errors.iter().find(|e| e.rule_id == rule.id) {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
            s.set_message(e.message.clone()).set_type("rule error");
            let mut case = TestCase::new("(evaluation)", s);
            case.set_classname(rule.id.clone());
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    if !result.warnings.is_empty() {
        // Suppression warnings ride along as the last suite's standard error, which
        // CI viewers show next to it.
        let text: String = result
            .warnings
            .iter()
            .map(|w| format!("warning: {w}\n"))
            .collect();
        let mut suite = TestSuite::new("infracheck: suppressions");
        suite.set_system_err(text);
        report.add_test_suite(suite);
    }
    if !result.coverage_gaps.is_empty() {
        let text: String = result
            .coverage_gaps
            .iter()
            .map(|g| format!("{}\n", crate::coverage::describe(g)))
            .collect();
        let mut suite = TestSuite::new("infracheck: coverage gaps");
        suite.set_system_err(text);
        report.add_test_suite(suite);
    }
    let mut s = report.to_string().unwrap_or_default();
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}
