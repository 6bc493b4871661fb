//! Compliance frameworks: which rules map to which requirement, and how a scan
//! fared against each requirement. The mapping lives only in the rules' metadata.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::findings::{RuleMeta, ScanResult, Status};

/// The frameworks `--framework` accepts, as named in rule metadata.
pub const FRAMEWORKS: [(&str, &str); 5] = [
    ("pci-dss-4.0", "PCI DSS v4.0.1"),
    ("gdpr", "GDPR"),
    ("cis-aws-3.0", "CIS AWS Foundations Benchmark v3.0.0"),
    ("cis-aws-1.4", "CIS AWS Foundations Benchmark v1.4.0"),
    ("aws-fsbp", "AWS Foundational Security Best Practices"),
];

pub fn display_name(framework: &str) -> &str {
    FRAMEWORKS
        .iter()
        .find(|(k, _)| *k == framework)
        .map(|(_, v)| *v)
        .unwrap_or(framework)
}

/// What a requirement is about, where the catalog groups rules by topic.
fn topic(framework: &str, requirement: &str) -> Option<&'static str> {
    match (framework, requirement) {
        ("pci-dss-4.0", "1.2.1" | "1.3.1") => Some("network segmentation"),
        ("pci-dss-4.0", "3.5.1") => Some("encryption at rest"),
        ("pci-dss-4.0", "4.2.1") => Some("encryption in transit"),
        _ => None,
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RequirementSummary {
    pub requirement: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<&'static str>,
    pub rules: Vec<String>,
    pub passed: usize,
    pub failed: usize,
    pub unknown: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct FrameworkReport {
    pub framework: String,
    pub name: String,
    pub requirements: Vec<RequirementSummary>,
}

/// Orders requirement IDs the way people read them: `1.2.1 < 1.10 < 2.1`, `EC2.2 < EC2.10`.
pub fn compare_requirements(a: &str, b: &str) -> Ordering {
    let parts = |s: &str| -> Vec<(u64, String)> {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|p| !p.is_empty())
            .map(|p| match p.parse::<u64>() {
                Ok(n) => (n, String::new()),
                Err(_) => (u64::MAX, p.to_string()),
            })
            .collect()
    };
    let (pa, pb) = (parts(a), parts(b));
    for (x, y) in pa.iter().zip(&pb) {
        let o = match (x.0, y.0) {
            (u64::MAX, u64::MAX) => x.1.cmp(&y.1),
            (m, n) => m.cmp(&n),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    pa.len().cmp(&pb.len()).then_with(|| a.cmp(b))
}

/// Whether `rule` maps to `framework`.
pub fn maps_to(rule: &RuleMeta, framework: &str) -> bool {
    rule.frameworks
        .get(framework)
        .is_some_and(|r| !r.is_empty())
}

/// Per-requirement outcomes of a scan for `framework`.
pub fn summarize(result: &ScanResult, framework: &str) -> FrameworkReport {
    let mut reqs: BTreeMap<String, RequirementSummary> = BTreeMap::new();
    for rule in &result.rules {
        let Some(requirements) = rule.frameworks.get(framework) else {
            continue;
        };
        let outcomes = result.findings.iter().filter(|f| f.rule_id == rule.id);
        let (mut passed, mut failed, mut unknown) = (0, 0, 0);
        for f in outcomes {
            match f.status {
                Status::Passed => passed += 1,
                Status::Failed => failed += 1,
                Status::Unknown => unknown += 1,
            }
        }
        for req in requirements {
            let entry = reqs
                .entry(req.clone())
                .or_insert_with(|| RequirementSummary {
                    requirement: req.clone(),
                    topic: topic(framework, req),
                    rules: Vec::new(),
                    passed: 0,
                    failed: 0,
                    unknown: 0,
                });
            entry.rules.push(rule.id.clone());
            entry.passed += passed;
            entry.failed += failed;
            entry.unknown += unknown;
        }
    }
    let mut requirements: Vec<RequirementSummary> = reqs.into_values().collect();
    requirements.sort_by(|a, b| compare_requirements(&a.requirement, &b.requirement));
    FrameworkReport {
        framework: framework.to_string(),
        name: display_name(framework).to_string(),
        requirements,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_sort_naturally() {
        let mut v = vec![
            "EC2.10", "EC2.2", "1.10", "1.2.1", "2.1", "Art. 44", "Art. 30",
        ];
        v.sort_by(|a, b| compare_requirements(a, b));
        assert_eq!(
            v,
            vec!["1.2.1", "1.10", "2.1", "Art. 30", "Art. 44", "EC2.2", "EC2.10"]
        );
    }
}
