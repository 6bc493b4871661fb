//! Live runs over several accounts (`infracheck live --role-arn A,B`): each
//! account is evaluated on its own, so that region-scoped rules reason about one
//! account at a time and value joins never cross accounts, and the outcomes are
//! merged into one result for the reports.
//!
//! In a run over several accounts, what would otherwise be ambiguous names its
//! account (a run over one account is left exactly as it was):
//!
//! - region outcomes (`region/us-east-1`) become `<account>/region/us-east-1`;
//! - coverage gaps of reads that failed carry their `account` (gaps of services
//!   that are not collected are the same in every account, and listed once).
//!
//! Resource addresses of live scans name their account already
//! (`<type>.<account>/<region>/<id>`).

use crate::findings::ScanResult;
use crate::model::{GapReason, Scan};

const REGION_PREFIX: &str = "region/";

/// Marks the gaps of one account's scan with the account (before evaluation, so
/// that the UNKNOWN outcomes they cause name it too).
pub fn qualify_gaps(scan: &mut Scan, account: &str) {
    for g in &mut scan.gaps {
        if g.reason == GapReason::Unreadable && g.account.is_none() {
            g.account = Some(account.to_string());
        }
    }
}

/// Prefixes the region outcomes of one account's result with the account.
pub fn qualify_findings(result: &mut ScanResult, account: &str) {
    for f in &mut result.findings {
        if f.address.starts_with(REGION_PREFIX) {
            f.address = format!("{account}/{}", f.address);
        }
    }
}

/// The account of a region outcome of a run over several accounts
/// (`<account>/region/<name>`).
pub fn region_outcome_account(address: &str) -> Option<&str> {
    let (account, rest) = address.split_once('/')?;
    (rest.starts_with(REGION_PREFIX) && !account.is_empty() && !account.contains('.'))
        .then_some(account)
}

/// The account of an outcome of a live run: a region outcome of a run over several
/// accounts (`<account>/region/<name>`), or a live resource
/// (`<type>.<account>/<region>/<id>`, `<type>.<account>`).
pub fn account_of(address: &str) -> Option<&str> {
    let is_account = |a: &&str| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit());
    if let Some(a) = region_outcome_account(address) {
        return Some(a).filter(is_account);
    }
    let (_, name) = address.split_once('.')?;
    name.split('/').next().filter(is_account)
}

/// One scan and one result out of the accounts' own: resources, regions,
/// accounts (in the order given), gaps (once each) and outcomes together.
pub fn merge(parts: Vec<(Scan, ScanResult)>) -> (Scan, ScanResult) {
    let mut scan = Scan::default();
    let mut result = ScanResult::default();
    for (s, r) in parts {
        if scan.source.is_empty() {
            scan.source = s.source;
        }
        scan.resources.extend(s.resources);
        scan.data_sources.extend(s.data_sources);
        scan.regions.extend(s.regions);
        for a in s.accounts {
            if !scan.accounts.contains(&a) {
                scan.accounts.push(a);
            }
        }
        scan.gaps.extend(s.gaps);
        if result.rules.is_empty() {
            result.rules = r.rules;
        }
        result.findings.extend(r.findings);
        for e in r.errors {
            if !result
                .errors
                .iter()
                .any(|x| x.rule_id == e.rule_id && x.message == e.message)
            {
                result.errors.push(e);
            }
        }
        result.warnings.extend(r.warnings);
    }
    scan.regions.sort();
    scan.regions.dedup();
    scan.gaps.sort_by(|a, b| {
        (&a.account, &a.service, &a.region, &a.error)
            .cmp(&(&b.account, &b.service, &b.region, &b.error))
    });
    scan.gaps.dedup();
    sort_findings(&mut result);
    result.coverage_gaps = scan.gaps.clone();
    (scan, result)
}

/// Adds the outcomes of the rules evaluated once over all accounts (`custom.
/// across_accounts`) to the merged result of the others.
pub fn add_across(result: &mut ScanResult, across: ScanResult) {
    result.rules.extend(across.rules);
    result.rules.sort_by(|a, b| a.id.cmp(&b.id));
    result.findings.extend(across.findings);
    sort_findings(result);
    result.errors.extend(across.errors);
    result.warnings.extend(across.warnings);
}

/// Outcomes in (rule, address) order, as one account's evaluation gives them.
fn sort_findings(result: &mut ScanResult) {
    result
        .findings
        .sort_by(|a, b| (&a.rule_id, &a.address).cmp(&(&b.rule_id, &b.address)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::{Finding, RuleError, Severity, Status};
    use crate::model::Gap;

    fn finding(rule: &str, address: &str, status: Status) -> Finding {
        Finding {
            rule_id: rule.into(),
            severity: Severity::High,
            status,
            address: address.into(),
            resource_type: String::new(),
            region: Some("us-east-1".into()),
            message: String::new(),
            location: None,
            suppression: None,
        }
    }

    fn gap(service: &str, reason: GapReason) -> Gap {
        Gap {
            service: service.into(),
            region: Some("us-east-1".into()),
            account: None,
            resource_types: vec!["aws_instance".into()],
            error: "AccessDenied".into(),
            reason,
        }
    }

    fn part(account: &str, findings: Vec<Finding>, gaps: Vec<Gap>) -> (Scan, ScanResult) {
        let mut scan = Scan {
            source: "live",
            regions: vec!["us-east-1".into()],
            accounts: vec![account.into()],
            gaps,
            ..Default::default()
        };
        qualify_gaps(&mut scan, account);
        let mut result = ScanResult {
            findings,
            errors: vec![RuleError {
                rule_id: "X-001".into(),
                message: "boom".into(),
            }],
            ..Default::default()
        };
        qualify_findings(&mut result, account);
        (scan, result)
    }

    #[test]
    fn region_outcomes_and_read_failures_name_their_account() {
        let a = "111111111111";
        let b = "222222222222";
        let (scan, result) = merge(vec![
            part(
                a,
                vec![
                    finding("GD-001", "region/us-east-1", Status::Failed),
                    finding(
                        "S3-001",
                        "aws_s3_bucket.111111111111/us-east-1/x",
                        Status::Failed,
                    ),
                ],
                vec![
                    gap("ec2", GapReason::Unreadable),
                    gap("lambda", GapReason::NotCollected),
                ],
            ),
            part(
                b,
                vec![finding("GD-001", "region/us-east-1", Status::Passed)],
                vec![gap("lambda", GapReason::NotCollected)],
            ),
        ]);
        assert_eq!(scan.accounts, [a, b]);
        assert_eq!(scan.regions, ["us-east-1"]);
        let got: Vec<(&str, &str, Status)> = result
            .findings
            .iter()
            .map(|f| (f.rule_id.as_str(), f.address.as_str(), f.status))
            .collect();
        assert_eq!(
            got,
            [
                ("GD-001", "111111111111/region/us-east-1", Status::Failed),
                ("GD-001", "222222222222/region/us-east-1", Status::Passed),
                (
                    "S3-001",
                    "aws_s3_bucket.111111111111/us-east-1/x",
                    Status::Failed
                ),
            ]
        );
        // The not-collected gap once, without an account; the failed read of A with A.
        let gaps: Vec<(&str, Option<&str>)> = result
            .coverage_gaps
            .iter()
            .map(|g| (g.service.as_str(), g.account.as_deref()))
            .collect();
        assert_eq!(gaps, [("lambda", None), ("ec2", Some(a))]);
        assert_eq!(
            crate::coverage::describe(&result.coverage_gaps[1]),
            "coverage gap: ec2 in account 111111111111, us-east-1 could not be read (AccessDenied)"
        );
        assert_eq!(scan.gaps, result.coverage_gaps);
        // The same rule error in both accounts is reported once.
        assert_eq!(result.errors.len(), 1);
        assert_eq!(region_outcome_account(got[1].1), Some(b));
        assert_eq!(region_outcome_account("region/us-east-1"), None);
        assert_eq!(region_outcome_account(got[2].1), None);
        assert_eq!(account_of(got[0].1), Some(a));
        assert_eq!(account_of(got[2].1), Some(a));
        assert_eq!(
            account_of("aws_s3_account_public_access_block.222222222222"),
            Some(b)
        );
        assert_eq!(account_of("aws_s3_bucket.logs"), None);
        assert_eq!(account_of("region/us-east-1"), None);
    }

    #[cfg(feature = "live")]
    #[test]
    fn role_arns_name_their_account() {
        use crate::source::live::role_account;
        let ok = "arn:aws:iam::222222222222:role/audit";
        assert_eq!(role_account(ok), Some("222222222222"));
        assert_eq!(
            role_account("arn:aws-us-gov:iam::222222222222:role/a/b"),
            Some("222222222222")
        );
        for bad in [
            "audit",
            "arn:aws:iam::2222:role/audit",
            "arn:aws:iam::222222222222:user/audit",
            "arn:aws:sts::222222222222:role/audit",
            "arn:aws:iam::222222222222:role/",
        ] {
            assert_eq!(role_account(bad), None, "{bad}");
        }
    }

    /// What `live` does with an account whose role could not be assumed: its scan
    /// has one gap over everything live mode reads, so its region outcomes are
    /// UNKNOWN (naming the account), it has no resource outcome, and the readable
    /// account's outcomes are untouched.
    #[cfg(feature = "live")]
    #[test]
    fn an_unreadable_account_gives_unknown_region_outcomes_and_a_gap() {
        use crate::source::live::Unreadable;
        let files = crate::engine::builtin_files();
        let mut policies =
            crate::engine::PolicySet::load(&files, &crate::config::Settings::default()).unwrap();
        policies.retain(&["GD-001".to_string(), "S3-003".to_string()]);
        let regions = vec!["us-east-1".to_string()];
        let evaluate = |mut scan: Scan, account: &str| {
            qualify_gaps(&mut scan, account);
            let mut result = policies.evaluate(&scan, crate::model::index::build_input(&scan));
            let needs = crate::coverage::rule_needs(&result.rules, &files);
            crate::coverage::apply_gaps(&mut result, &scan.gaps, &needs);
            qualify_findings(&mut result, account);
            (scan, result)
        };
        let readable = Scan {
            source: "live",
            regions: regions.clone(),
            accounts: vec!["111111111111".into()],
            ..Default::default()
        };
        let unreadable = Unreadable {
            role_arn: "arn:aws:iam::222222222222:role/audit".into(),
            account: "222222222222".into(),
            error: "AccessDenied: not authorized to perform sts:AssumeRole".into(),
        };
        let (scan, result) = merge(vec![
            evaluate(readable, "111111111111"),
            evaluate(unreadable.scan(&regions), "222222222222"),
        ]);
        let got: Vec<(&str, &str, Status)> = result
            .findings
            .iter()
            .map(|f| (f.rule_id.as_str(), f.address.as_str(), f.status))
            .collect();
        assert_eq!(
            got,
            [
                ("GD-001", "111111111111/region/us-east-1", Status::Failed),
                ("GD-001", "222222222222/region/us-east-1", Status::Unknown),
            ]
        );
        assert!(
            result.findings[1].message.starts_with(
                "coverage gap: sts in account 222222222222, all regions could not be read (the account could not be read with role arn:aws:iam::222222222222:role/audit: AccessDenied"
            ),
            "{}",
            result.findings[1].message
        );
        assert_eq!(scan.accounts, ["111111111111", "222222222222"]);
        assert_eq!(result.coverage_gaps.len(), 1);
        assert!(result.coverage_gaps[0]
            .resource_types
            .contains(&"aws_guardduty_detector".to_string()));
        // Nothing of the unreadable account is in the Security Hub scope.
        let needs = crate::coverage::rule_needs(&result.rules, &files);
        let scope = crate::publish::scope::EvaluatedScope::new(&result, &scan, &needs);
        assert!(scope.contains("111111111111", "us-east-1", "GD-001"));
        assert!(!scope.contains("222222222222", "us-east-1", "GD-001"));
        assert!(!scope.contains("222222222222", "us-east-1", "S3-003"));
    }
}
