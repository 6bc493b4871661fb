//! Exact findings of the built-in rules on the plan fixtures.

use std::collections::BTreeSet;
use std::path::Path;

use infracheck::config::Settings;
use infracheck::engine::{builtin_files, PolicySet};
use infracheck::findings::{ScanResult, Status};
use infracheck::model::index::build_input;
use infracheck::source::plan::load_plan;

const PLANS: &str = "fixtures/plans";

fn scan(file: &str) -> ScanResult {
    scan_with(file, &Settings::default())
}

fn scan_with(file: &str, settings: &Settings) -> ScanResult {
    let policies = PolicySet::load(&builtin_files(), settings).unwrap();
    let scan = load_plan(&Path::new(PLANS).join(file)).unwrap();
    let input = build_input(&scan);
    let result = policies.evaluate(&scan, input);
    assert!(result.errors.is_empty(), "{file}: {:?}", result.errors);
    result
}

fn pairs(result: &ScanResult, status: Status) -> BTreeSet<(String, String)> {
    result
        .findings
        .iter()
        .filter(|f| f.status == status)
        .map(|f| (f.rule_id.clone(), f.address.clone()))
        .collect()
}

/// The rules the violation fixtures were designed for: each of those plans breaks
/// one of them, and is only small enough to say nothing about the rest.
const FIRST_RULES: [&str; 11] = [
    "NET-001", "S3-001", "S3-002", "SG-001", "SG-002", "SG-003", "DDB-001", "WAF-001", "WAF-002",
    "WAF-003", "WAF-004",
];

fn first_rule_pairs(result: &ScanResult, status: Status) -> BTreeSet<(String, String)> {
    pairs(result, status)
        .into_iter()
        .filter(|(rule, _)| FIRST_RULES.contains(&rule.as_str()))
        .collect()
}

fn expected() -> serde_json::Value {
    let text = std::fs::read_to_string(Path::new(PLANS).join("violations/expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn as_pairs(v: &serde_json::Value) -> BTreeSet<(String, String)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap().to_string(),
                p[1].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn reference_architecture_is_fully_compliant() {
    let result = scan("reference-architecture.json");
    assert_eq!(pairs(&result, Status::Failed), BTreeSet::new());
    assert_eq!(pairs(&result, Status::Unknown), BTreeSet::new());
    // Every rule that runs on plans applies to something in the reference architecture.
    let rules_with_passes: BTreeSet<&str> = result
        .findings
        .iter()
        .filter(|f| f.status == Status::Passed)
        .map(|f| f.rule_id.as_str())
        .collect();
    let all_rules: BTreeSet<&str> = result.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(rules_with_passes, all_rules);
}

#[test]
fn each_violation_fixture_gives_exactly_its_findings() {
    let expected = expected();
    let mut checked = 0;
    for (file, want) in expected.as_object().unwrap() {
        if file == "unknown-values.json" {
            continue;
        }
        let result = scan(&format!("violations/{file}"));
        assert_eq!(
            first_rule_pairs(&result, Status::Failed),
            as_pairs(want),
            "FAILED in {file}"
        );
        assert_eq!(
            first_rule_pairs(&result, Status::Unknown),
            BTreeSet::new(),
            "UNKNOWN in {file}"
        );
        checked += 1;
    }
    assert_eq!(checked, 11, "one fixture per first rule");
}

#[test]
fn unknown_values_give_unknown_never_failed() {
    let expected = &expected()["unknown-values.json"];
    let result = scan("unknown-values.json");
    assert_eq!(
        first_rule_pairs(&result, Status::Failed),
        as_pairs(&expected["FAILED"])
    );
    assert_eq!(
        first_rule_pairs(&result, Status::Unknown),
        as_pairs(&expected["UNKNOWN"])
    );
}

#[test]
fn regions_come_from_provider_aliases_through_modules() {
    let result = scan("reference-architecture.json");
    let region_of = |address: &str| {
        result
            .findings
            .iter()
            .find(|f| f.address == address)
            .and_then(|f| f.region.clone())
    };
    assert_eq!(
        region_of("module.primary.aws_vpc.this").as_deref(),
        Some("us-east-1")
    );
    assert_eq!(
        region_of("module.secondary.aws_vpc.this").as_deref(),
        Some("us-west-2")
    );
}

#[test]
fn drifted_plan_gives_exactly_the_planted_findings() {
    let text = std::fs::read_to_string(Path::new(PLANS).join("drifted-expected.json")).unwrap();
    let want = as_pairs(&serde_json::from_str(&text).unwrap());
    let result = scan("drifted.json");
    assert_eq!(pairs(&result, Status::Failed), want);
    assert_eq!(pairs(&result, Status::Unknown), BTreeSet::new());
    let rules: BTreeSet<&str> = want.iter().map(|(r, _)| r.as_str()).collect();
    assert!(
        rules.len() >= 30,
        "the drift breaks many rules at once: {}",
        rules.len()
    );
}

#[test]
fn a_changed_threshold_changes_the_verdict() {
    let settings = Settings {
        flow_log_retention_days: 90,
        required_tags: vec!["Environment".into(), "Team".into()],
        ..Settings::default()
    };
    let result = scan_with("reference-architecture.json", &settings);
    let failed = pairs(&result, Status::Failed);
    let net006: BTreeSet<&str> = failed
        .iter()
        .filter(|(r, _)| r == "NET-006")
        .map(|(_, a)| a.as_str())
        .collect();
    assert_eq!(
        net006,
        BTreeSet::from([
            "module.primary.aws_flow_log.this",
            "module.secondary.aws_flow_log.this"
        ]),
        "30-day flow logs fall short of 90 days"
    );
    assert!(
        failed.iter().any(|(r, _)| r == "TAG-001"),
        "no resource has a Team tag"
    );
    assert!(
        failed.iter().all(|(r, _)| r == "NET-006" || r == "TAG-001"),
        "{failed:?}"
    );
}
