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
    // Every rule applies to something in the reference architecture.
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
            pairs(&result, Status::Failed),
            as_pairs(want),
            "FAILED in {file}"
        );
        assert_eq!(
            pairs(&result, Status::Unknown),
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
        pairs(&result, Status::Failed),
        as_pairs(&expected["FAILED"])
    );
    assert_eq!(
        pairs(&result, Status::Unknown),
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
