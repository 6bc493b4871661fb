//! Coverage gaps of live scans: what a rule needs, and what becomes UNKNOWN when that
//! could not be read.
//!
//! A rule "needs" the resource types of its metadata, every `aws_*` type named as a
//! string in its Rego code (not in comments: a remediation's Terraform example is
//! not data the rule reads), and those named in the `lib` helpers it calls
//! (followed transitively). After evaluation, [`apply_gaps`] turns the outcomes that
//! a [`Gap`] makes unreliable into UNKNOWN, in the gap's region (every region for a
//! gap without one), for the rules that need one of the gap's types:
//!
//! - every PASSED outcome;
//! - every outcome (PASSED or FAILED) of a region-scoped rule: those rules decide
//!   from what is absent ("no GuardDuty detector in the region");
//! - a FAILED outcome on a resource when the gap's types are not the rule's own
//!   resource types: the failure may come from joined data that exists but was not
//!   read ("the VPC has no flow log", "the load balancer has no web ACL" while
//!   WAFv2 is not collected).
//!
//! A FAILED outcome whose needed data was all read stays FAILED. (A gap in the
//! rule's own types leaves those resources out of the scan: no outcome at all.)
//!
//! A rule with `custom.per_resource: true` judges each resource on its own (TAG-001:
//! its tags): a gap in some of its resource types (Lambda functions that could not be
//! read) leaves its outcomes on resources of other types as they are.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::engine::PolicyFile;
use crate::findings::{RuleMeta, RuleScope, ScanResult, Status};
use crate::model::{Gap, GapReason};

/// The resource types each rule needs, by rule ID.
pub type Needs = HashMap<String, BTreeSet<String>>;

fn type_literals(text: &str) -> impl Iterator<Item = &str> {
    text.split('"').skip(1).step_by(2).filter(|s| {
        s.starts_with("aws_")
            && s.len() > 4
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    })
}

fn identifiers(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
}

/// The top-level definitions of a Rego module: name -> the text of its bodies (a
/// definition runs from a line that starts with its name to the next such line;
/// comment lines are left out).
fn definitions(text: &str) -> HashMap<&str, String> {
    let mut out: HashMap<&str, String> = HashMap::new();
    let mut current: Option<&str> = None;
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        if line.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') {
            let end = line
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(line.len());
            let name = &line[..end];
            current = (!matches!(name, "package" | "import")).then_some(name);
        }
        if let Some(name) = current {
            let body = out.entry(name).or_default();
            body.push_str(line);
            body.push('\n');
        }
    }
    out
}

/// What every rule needs, from the policy files (the `lib.infracheck` helpers are
/// followed).
pub fn rule_needs(rules: &[RuleMeta], files: &[PolicyFile]) -> Needs {
    let by_label: HashMap<&str, &str> = files
        .iter()
        .map(|f| (f.label.as_str(), f.text.as_str()))
        .collect();
    let mut lib_defs: HashMap<&str, String> = HashMap::new();
    for f in files.iter().filter(|f| !f.is_test()) {
        if f.text.contains("package lib.infracheck") {
            lib_defs.extend(definitions(&f.text));
        }
    }
    let mut out = Needs::new();
    for rule in rules {
        let mut needs: BTreeSet<String> = rule.resource_types.iter().cloned().collect();
        if let Some(text) = by_label.get(rule.source.as_str()) {
            let code: String = text
                .lines()
                .filter(|l| !l.trim_start().starts_with('#'))
                .collect::<Vec<_>>()
                .join("\n");
            needs.extend(type_literals(&code).map(str::to_string));
            // lib.<name> calls, then what those definitions call, transitively.
            let mut todo: Vec<&str> = text
                .match_indices("lib.")
                .map(|(i, _)| {
                    let rest = &text[i + 4..];
                    let end = rest
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(rest.len());
                    &rest[..end]
                })
                .collect();
            let mut seen: HashSet<&str> = HashSet::new();
            while let Some(name) = todo.pop() {
                if !seen.insert(name) {
                    continue;
                }
                if let Some(body) = lib_defs.get(name) {
                    needs.extend(type_literals(body).map(str::to_string));
                    todo.extend(identifiers(body).filter(|w| lib_defs.contains_key(w)));
                }
            }
        }
        out.insert(rule.id.clone(), needs);
    }
    out
}

/// `coverage gap: ec2 in us-west-2 could not be read (...)`; in a run over several
/// accounts, `coverage gap: ec2 in account 111122223333, us-west-2 could not be
/// read (...)`.
pub fn describe(gap: &Gap) -> String {
    let region = gap.region.as_deref().unwrap_or("all regions");
    let region = match &gap.account {
        Some(account) => format!("account {account}, {region}"),
        None => region.to_string(),
    };
    match gap.reason {
        GapReason::Unreadable => format!(
            "coverage gap: {} in {region} could not be read ({})",
            gap.service, gap.error
        ),
        GapReason::NotCollected => format!("coverage gap: {} {}", gap.service, gap.error),
    }
}

/// Downgrades the outcomes that the gaps make unreliable to UNKNOWN (see the module
/// documentation) and records the gaps in the result.
pub fn apply_gaps(result: &mut ScanResult, gaps: &[Gap], needs: &Needs) {
    result.coverage_gaps = gaps.to_vec();
    if gaps.is_empty() {
        return;
    }
    let scopes: HashMap<&str, RuleScope> = result
        .rules
        .iter()
        .map(|r| (r.id.as_str(), r.scope))
        .collect();
    let own_types: HashMap<&str, &[String]> = result
        .rules
        .iter()
        .map(|r| (r.id.as_str(), r.resource_types.as_slice()))
        .collect();
    let per_resource: HashSet<&str> = result
        .rules
        .iter()
        .filter(|r| r.per_resource)
        .map(|r| r.id.as_str())
        .collect();
    for f in &mut result.findings {
        let Some(rule_needs) = needs.get(&f.rule_id) else {
            continue;
        };
        let region_scoped = scopes.get(f.rule_id.as_str()) == Some(&RuleScope::Region)
            && f.address.starts_with("region/");
        if f.status == Status::Unknown {
            continue;
        }
        let own = own_types.get(f.rule_id.as_str()).copied().unwrap_or(&[]);
        let hit = gaps.iter().find(|g| {
            let in_scope = match (&g.region, &f.region) {
                (None, _) => true,
                (Some(gr), Some(fr)) => gr == fr,
                (Some(_), None) => false,
            };
            let needed: Vec<&String> = g
                .resource_types
                .iter()
                .filter(|t| rule_needs.contains(*t))
                .collect();
            if !in_scope || needed.is_empty() {
                return false;
            }
            if per_resource.contains(f.rule_id.as_str())
                && needed
                    .iter()
                    .all(|t| own.contains(t) && **t != f.resource_type)
            {
                return false;
            }
            match f.status {
                Status::Failed if !region_scoped => needed.iter().all(|t| !own.contains(t)),
                _ => true,
            }
        });
        if let Some(g) = hit {
            f.status = Status::Unknown;
            f.message = if f.message.is_empty() {
                describe(g)
            } else {
                format!("{}; {}", describe(g), f.message)
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::{Finding, Severity};

    fn rule(id: &str, types: &[&str], scope: RuleScope, source: &str) -> RuleMeta {
        RuleMeta {
            id: id.into(),
            title: id.into(),
            description: String::new(),
            severity: Severity::High,
            resource_types: types.iter().map(|s| s.to_string()).collect(),
            scope,
            sources: vec!["live".into()],
            per_resource: false,
            across_accounts: false,
            frameworks: Default::default(),
            remediation: String::new(),
            package: String::new(),
            source: source.into(),
        }
    }

    fn finding(rule: &str, address: &str, status: Status, region: &str) -> Finding {
        Finding {
            rule_id: rule.into(),
            severity: Severity::High,
            status,
            address: address.into(),
            resource_type: String::new(),
            region: Some(region.into()),
            message: String::new(),
            location: None,
            suppression: None,
        }
    }

    #[test]
    fn needs_follow_lib_helpers_transitively() {
        let lib = PolicyFile {
            label: "builtin:lib/infracheck.rego".into(),
            text: "package lib.infracheck\n\nimport rego.v1\n\n# doc\ntiers := _tiers(\"aws_subnet\")\n\n_tiers(x) := y if {\n\ty := resources(\"aws_route_table\")\n}\n\nother := \"aws_lb\"\n".into(),
        };
        let r = PolicyFile {
            label: "builtin:aws/x.rego".into(),
            text: "# METADATA\n# remediation: resource \"aws_kms_key\" \"x\" {}\npackage aws.x\n\nimport data.lib.infracheck as lib\n\ndeny contains x if {\n\tsome s in lib.tiers\n\tt := \"aws_flow_log\"\n}\n".into(),
        };
        let rules = vec![rule("X-001", &["aws_vpc"], RuleScope::Resource, &r.label)];
        let needs = rule_needs(&rules, &[lib, r]);
        let got: Vec<&str> = needs["X-001"].iter().map(String::as_str).collect();
        assert_eq!(
            got,
            vec!["aws_flow_log", "aws_route_table", "aws_subnet", "aws_vpc"]
        );
    }

    #[test]
    fn gaps_make_passed_and_region_outcomes_unknown_in_their_scope() {
        let rules = vec![
            rule("S3-001", &["aws_s3_bucket"], RuleScope::Resource, "a"),
            rule(
                "GD-001",
                &["aws_guardduty_detector"],
                RuleScope::Region,
                "b",
            ),
        ];
        let mut result = ScanResult {
            rules: rules.clone(),
            findings: vec![
                finding("S3-001", "aws_s3_bucket.a", Status::Passed, "us-east-1"),
                finding("S3-001", "aws_s3_bucket.b", Status::Passed, "us-west-2"),
                finding("S3-001", "aws_s3_bucket.c", Status::Failed, "us-east-1"),
                finding("GD-001", "region/us-east-1", Status::Failed, "us-east-1"),
                finding("GD-001", "region/us-west-2", Status::Failed, "us-west-2"),
            ],
            ..Default::default()
        };
        let needs: Needs = rules
            .iter()
            .map(|r| (r.id.clone(), r.resource_types.iter().cloned().collect()))
            .collect();
        let gaps = vec![
            Gap {
                service: "s3".into(),
                region: Some("us-east-1".into()),
                account: None,
                resource_types: vec!["aws_s3_bucket".into()],
                error: "AccessDenied".into(),
                reason: GapReason::Unreadable,
            },
            Gap {
                service: "guardduty".into(),
                region: Some("us-west-2".into()),
                account: None,
                resource_types: vec!["aws_guardduty_detector".into()],
                error: "timeout".into(),
                reason: GapReason::Unreadable,
            },
        ];
        apply_gaps(&mut result, &gaps, &needs);
        let statuses: Vec<Status> = result.findings.iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            vec![
                Status::Unknown,
                Status::Passed,
                Status::Failed,
                Status::Failed,
                Status::Unknown
            ]
        );
        assert_eq!(
            result.findings[4].message,
            "coverage gap: guardduty in us-west-2 could not be read (timeout)"
        );
        assert_eq!(result.coverage_gaps.len(), 2);

        // A gap in joined data (flow logs of a VPC rule) makes FAILED unknown too.
        let vpc_rule = rule("NET-005", &["aws_vpc"], RuleScope::Resource, "c");
        let mut result = ScanResult {
            rules: vec![vpc_rule],
            findings: vec![finding("NET-005", "aws_vpc.a", Status::Failed, "us-east-1")],
            ..Default::default()
        };
        let needs: Needs = [(
            "NET-005".to_string(),
            ["aws_vpc", "aws_flow_log"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        )]
        .into_iter()
        .collect();
        let gap = Gap {
            service: "ec2".into(),
            region: None,
            account: None,
            resource_types: vec!["aws_flow_log".into()],
            error: "not collected".into(),
            reason: GapReason::NotCollected,
        };
        apply_gaps(&mut result, &[gap], &needs);
        assert_eq!(result.findings[0].status, Status::Unknown);
    }

    #[test]
    fn per_resource_rules_keep_outcomes_on_types_that_were_read() {
        let mut tag = rule(
            "TAG-001",
            &["aws_s3_bucket", "aws_sns_topic", "aws_autoscaling_group"],
            RuleScope::Resource,
            "t",
        );
        tag.per_resource = true;
        let mut not_per_resource = tag.clone();
        not_per_resource.id = "X-001".into();
        not_per_resource.per_resource = false;
        let mut bucket = finding("TAG-001", "aws_s3_bucket.a", Status::Passed, "us-east-1");
        bucket.resource_type = "aws_s3_bucket".into();
        let mut group = finding(
            "TAG-001",
            "aws_autoscaling_group.g",
            Status::Passed,
            "us-east-1",
        );
        group.resource_type = "aws_autoscaling_group".into();
        let mut other = bucket.clone();
        other.rule_id = "X-001".into();
        let mut result = ScanResult {
            rules: vec![tag, not_per_resource],
            findings: vec![bucket, group, other],
            ..Default::default()
        };
        let types: BTreeSet<String> = [
            "aws_s3_bucket",
            "aws_sns_topic",
            "aws_autoscaling_group",
            "aws_autoscaling_group_tag",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let needs: Needs = [
            ("TAG-001".to_string(), types.clone()),
            ("X-001".to_string(), types),
        ]
        .into_iter()
        .collect();
        let gaps = [
            Gap {
                service: "sns".into(),
                region: None,
                account: None,
                resource_types: vec!["aws_sns_topic".into()],
                error: "not collected".into(),
                reason: GapReason::NotCollected,
            },
            // Joined data of the groups (not one of the rule's own types).
            Gap {
                service: "autoscaling".into(),
                region: None,
                account: None,
                resource_types: vec!["aws_autoscaling_group_tag".into()],
                error: "not collected".into(),
                reason: GapReason::NotCollected,
            },
        ];
        let findings = result.findings.clone();
        apply_gaps(&mut result, &gaps[..1], &needs);
        let statuses: Vec<Status> = result.findings.iter().map(|f| f.status).collect();
        // SNS topics are missing: the bucket and the group keep their outcome under
        // the per-resource rule, not under the other.
        assert_eq!(
            statuses,
            vec![Status::Passed, Status::Passed, Status::Unknown]
        );
        // Joined data missing (the groups' tag resources) still makes them unknown.
        result.findings = findings;
        apply_gaps(&mut result, &gaps, &needs);
        let statuses: Vec<Status> = result.findings.iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            vec![Status::Unknown, Status::Unknown, Status::Unknown]
        );
    }
}
