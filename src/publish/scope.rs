//! What a run may change in Security Hub, and how: the scope this run evaluated
//! completely, and the lifecycle of our findings from one run to the next. Pure
//! logic, without AWS calls (those are in `security_hub`).
//!
//! - A new FAILED or UNKNOWN (NOT_AVAILABLE) outcome creates a finding; PASSED
//!   outcomes create none (they would only add noise) but update a finding that
//!   exists, so that a fixed resource's finding turns PASSED.
//! - An existing finding keeps its `CreatedAt` and `FirstObservedAt`.
//! - An UNKNOWN outcome does not overwrite a finding that was FAILED or PASSED:
//!   this run could not check it, so the last real verdict stands.
//! - An active finding that this run did not produce is archived only when its
//!   (account, region, rule) was evaluated completely in this run: the rule ran,
//!   without error, in a scanned region, and nothing it needs is a coverage gap
//!   (of that account, in a run over several accounts). Everything else is left as it is (partial runs, gaps, other regions).

use std::collections::{HashMap, HashSet};

use crate::coverage::Needs;
use crate::findings::ScanResult;
use crate::model::Scan;
use crate::report::asff::AsffFinding;

/// The (account, region, rule) triples whose data this run read completely.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct EvaluatedScope(HashSet<(String, String, String)>);

impl EvaluatedScope {
    pub fn new(result: &ScanResult, scan: &Scan, needs: &Needs) -> Self {
        let errored: HashSet<&str> = result.errors.iter().map(|e| e.rule_id.as_str()).collect();
        let mut out = HashSet::new();
        for account in &scan.accounts {
            for region in &scan.regions {
                for rule in &result.rules {
                    if errored.contains(rule.id.as_str()) {
                        continue;
                    }
                    let needed = needs.get(&rule.id);
                    let gap = scan.gaps.iter().any(|g| {
                        g.account.as_ref().is_none_or(|a| a == account)
                            && g.region.as_ref().is_none_or(|r| r == region)
                            && needed
                                .is_some_and(|n| g.resource_types.iter().any(|t| n.contains(t)))
                    });
                    if !gap {
                        out.insert((account.clone(), region.clone(), rule.id.clone()));
                    }
                }
            }
        }
        EvaluatedScope(out)
    }

    pub fn contains(&self, account: &str, region: &str, rule: &str) -> bool {
        self.0
            .contains(&(account.to_string(), region.to_string(), rule.to_string()))
    }

    #[cfg(test)]
    pub fn of(triples: &[(&str, &str, &str)]) -> Self {
        EvaluatedScope(
            triples
                .iter()
                .map(|(a, r, x)| (a.to_string(), r.to_string(), x.to_string()))
                .collect(),
        )
    }
}

/// One of our findings as Security Hub holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Existing {
    pub id: String,
    pub rule_id: String,
    pub account: String,
    pub region: String,
    /// `Compliance.Status`.
    pub status: String,
    pub active: bool,
    pub created_at: Option<String>,
    pub first_observed_at: Option<String>,
}

/// What to import in one account and region.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Lifecycle {
    /// New and updated findings, in the order of the outcomes.
    pub upserts: Vec<AsffFinding>,
    /// IDs of active findings to archive.
    pub archive: Vec<String>,
    pub created: usize,
    pub updated: usize,
    /// Updates from FAILED (or NOT_AVAILABLE) to PASSED.
    pub resolved: usize,
    /// Existing findings left unchanged: UNKNOWN now, or outside the evaluated scope.
    pub kept: usize,
}

/// The imports that bring Security Hub in line with this run's outcomes.
pub fn lifecycle(
    desired: Vec<AsffFinding>,
    existing: &[Existing],
    scope: &EvaluatedScope,
) -> Lifecycle {
    let by_id: HashMap<&str, &Existing> = existing.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut out = Lifecycle::default();
    let mut seen: HashSet<String> = HashSet::new();
    for mut f in desired {
        seen.insert(f.id.clone());
        let status = f.compliance.status.as_str();
        match by_id.get(f.id.as_str()) {
            None | Some(Existing { active: false, .. }) if status == "PASSED" => {}
            None => {
                out.created += 1;
                out.upserts.push(f);
            }
            Some(e) => {
                if status == "NOT_AVAILABLE" && e.active && e.status != "NOT_AVAILABLE" {
                    out.kept += 1;
                    continue;
                }
                if let Some(c) = &e.created_at {
                    f.created_at = c.clone();
                }
                if let Some(c) = &e.first_observed_at {
                    f.first_observed_at = c.clone();
                }
                if !e.active {
                    out.created += 1;
                } else {
                    out.updated += 1;
                    if status == "PASSED" && e.status != "PASSED" {
                        out.resolved += 1;
                    }
                }
                out.upserts.push(f);
            }
        }
    }
    for e in existing {
        if !e.active || seen.contains(&e.id) {
            continue;
        }
        if scope.contains(&e.account, &e.region, &e.rule_id) {
            out.archive.push(e.id.clone());
        } else {
            out.kept += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desired(id: &str, status: &str) -> AsffFinding {
        let mut f = crate::report::asff::sample(id, status);
        f.created_at = "now".into();
        f.updated_at = "now".into();
        f.first_observed_at = "now".into();
        f.last_observed_at = "now".into();
        f
    }

    fn existing(id: &str, rule: &str, status: &str, active: bool) -> Existing {
        Existing {
            id: id.into(),
            rule_id: rule.into(),
            account: "111122223333".into(),
            region: "us-east-1".into(),
            status: status.into(),
            active,
            created_at: Some("then".into()),
            first_observed_at: Some("first".into()),
        }
    }

    #[test]
    fn new_failures_are_created_and_new_passes_are_not() {
        let l = lifecycle(
            vec![
                desired("a", "FAILED"),
                desired("b", "PASSED"),
                desired("c", "NOT_AVAILABLE"),
            ],
            &[],
            &EvaluatedScope::default(),
        );
        let ids: Vec<&str> = l.upserts.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
        assert_eq!((l.created, l.updated, l.resolved), (2, 0, 0));
        assert_eq!(l.upserts[0].created_at, "now");
    }

    #[test]
    fn updates_keep_created_at_and_a_fix_turns_passed() {
        let l = lifecycle(
            vec![desired("a", "PASSED"), desired("b", "FAILED")],
            &[
                existing("a", "S3-002", "FAILED", true),
                existing("b", "S3-002", "FAILED", true),
            ],
            &EvaluatedScope::default(),
        );
        assert_eq!((l.created, l.updated, l.resolved), (0, 2, 1));
        assert_eq!(l.upserts[0].compliance.status, "PASSED");
        assert_eq!(l.upserts[0].created_at, "then");
        assert_eq!(l.upserts[0].first_observed_at, "first");
        assert_eq!(l.upserts[0].last_observed_at, "now");
        assert_eq!(l.upserts[1].created_at, "then");
    }

    #[test]
    fn unknown_does_not_overwrite_a_verdict() {
        let l = lifecycle(
            vec![desired("a", "NOT_AVAILABLE"), desired("b", "NOT_AVAILABLE")],
            &[
                existing("a", "S3-002", "FAILED", true),
                existing("b", "S3-002", "NOT_AVAILABLE", true),
            ],
            &EvaluatedScope::default(),
        );
        let ids: Vec<&str> = l.upserts.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["b"]);
        assert_eq!(l.kept, 1);
    }

    #[test]
    fn gone_resources_are_archived_only_inside_the_evaluated_scope() {
        let l = lifecycle(
            vec![],
            &[
                existing("in-scope", "S3-002", "FAILED", true),
                existing("other-rule", "S3-001", "FAILED", true),
                existing("already-archived", "S3-002", "FAILED", false),
            ],
            &EvaluatedScope::of(&[("111122223333", "us-east-1", "S3-002")]),
        );
        assert_eq!(l.archive, ["in-scope"]);
        assert!(l.upserts.is_empty());
        assert_eq!(l.kept, 1);
    }

    #[test]
    fn an_archived_finding_that_fails_again_is_reopened_with_its_dates() {
        let l = lifecycle(
            vec![desired("a", "FAILED"), desired("b", "PASSED")],
            &[
                existing("a", "S3-002", "FAILED", false),
                existing("b", "S3-002", "FAILED", false),
            ],
            &EvaluatedScope::default(),
        );
        assert_eq!(l.upserts.len(), 1);
        assert_eq!(l.upserts[0].created_at, "then");
        assert_eq!(l.created, 1);
    }

    #[test]
    fn the_scope_leaves_out_gaps_errors_and_rules_that_did_not_run() {
        use crate::findings::{RuleError, RuleMeta, RuleScope, Severity};
        use crate::model::{Gap, GapReason};
        let rule = |id: &str| RuleMeta {
            id: id.into(),
            title: String::new(),
            description: String::new(),
            severity: Severity::High,
            resource_types: vec![],
            scope: RuleScope::Resource,
            sources: vec![],
            per_resource: false,
            across_accounts: false,
            frameworks: Default::default(),
            remediation: String::new(),
            package: String::new(),
            source: String::new(),
        };
        let result = ScanResult {
            rules: vec![rule("S3-001"), rule("EC2-001"), rule("X-001")],
            errors: vec![RuleError {
                rule_id: "X-001".into(),
                message: "boom".into(),
            }],
            ..Default::default()
        };
        let scan = Scan {
            source: "live",
            resources: vec![],
            data_sources: vec![],
            regions: vec!["us-east-1".into(), "us-west-2".into()],
            accounts: vec!["111122223333".into()],
            gaps: vec![Gap {
                service: "ec2".into(),
                region: Some("us-west-2".into()),
                account: None,
                resource_types: vec!["aws_instance".into()],
                error: "AccessDenied".into(),
                reason: GapReason::Unreadable,
            }],
        };
        let needs: Needs = [
            ("S3-001".to_string(), ["aws_s3_bucket".to_string()].into()),
            ("EC2-001".to_string(), ["aws_instance".to_string()].into()),
            ("X-001".to_string(), ["aws_s3_bucket".to_string()].into()),
        ]
        .into_iter()
        .collect();
        let s = EvaluatedScope::new(&result, &scan, &needs);
        let a = "111122223333";
        assert!(s.contains(a, "us-east-1", "S3-001"));
        assert!(s.contains(a, "us-west-2", "S3-001"));
        assert!(s.contains(a, "us-east-1", "EC2-001"));
        assert!(!s.contains(a, "us-west-2", "EC2-001"));
        assert!(!s.contains(a, "us-east-1", "X-001"));
        assert!(!s.contains(a, "us-east-1", "S3-009"));
        assert!(!s.contains("999999999999", "us-east-1", "S3-001"));

        // Over several accounts, a gap of one account leaves the other's scope whole.
        let mut scan = scan;
        let b = "444455556666";
        scan.accounts.push(b.into());
        scan.gaps[0].account = Some(b.into());
        scan.gaps[0].region = None;
        let s = EvaluatedScope::new(&result, &scan, &needs);
        assert!(s.contains(a, "us-west-2", "EC2-001"));
        assert!(!s.contains(b, "us-west-2", "EC2-001"));
        assert!(!s.contains(b, "us-east-1", "EC2-001"));
        assert!(s.contains(b, "us-east-1", "S3-001"));
    }
}
