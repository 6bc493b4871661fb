//! `infracheck hcl` on the .tf sources of the plan fixtures gives what `infracheck
//! plan` gives on the plans, and `plan --tf-dir` locates every resource.
//!
//! The trees under fixtures/terraform/ are written from the plan fixtures by
//! `python3 fixtures/terraform/make_tf.py`; after a plan fixture changes, run it again.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use infracheck::config::Settings;
use infracheck::engine::{builtin_files, PolicySet};
use infracheck::findings::{ScanResult, Status};
use infracheck::model::index::build_input;
use infracheck::model::{Action, Scan};
use infracheck::source::hcl::{load_hcl, locate, HclOptions};
use infracheck::source::plan::load_plan;

const REGEN: &str = "regenerate the .tf trees: python3 fixtures/terraform/make_tf.py";

fn evaluate(scan: &Scan) -> ScanResult {
    let policies = PolicySet::load(&builtin_files(), &Settings::default()).unwrap();
    let result = policies.evaluate(scan, build_input(scan));
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    result
}

fn hcl(dir: &str) -> (Scan, ScanResult) {
    let loaded = load_hcl(Path::new(dir), &HclOptions::default()).unwrap();
    assert!(loaded.warnings.is_empty(), "{dir}: {:?}", loaded.warnings);
    let result = evaluate(&loaded.scan);
    (loaded.scan, result)
}

fn plan(file: &str) -> (Scan, ScanResult) {
    let scan = load_plan(Path::new(file)).unwrap();
    let result = evaluate(&scan);
    (scan, result)
}

type Outcome = (&'static str, String, String);

fn outcomes(result: &ScanResult) -> BTreeSet<Outcome> {
    result
        .findings
        .iter()
        // STATE-001 reads the backend, which only .tf sources have.
        .filter(|f| f.rule_id != "STATE-001")
        .map(|f| (f.status.as_str(), f.rule_id.clone(), f.address.clone()))
        .collect()
}

fn failed(result: &ScanResult) -> BTreeSet<(String, String)> {
    result
        .findings
        .iter()
        .filter(|f| f.status == Status::Failed && f.rule_id != "STATE-001")
        .map(|f| (f.rule_id.clone(), f.address.clone()))
        .collect()
}

#[test]
fn reference_architecture_sources_are_compliant_like_the_plan() {
    let (scan, result) = hcl("fixtures/terraform/reference-architecture");
    assert_eq!(scan.source, "hcl");
    assert_eq!(scan.regions, vec!["us-east-1", "us-west-2"]);
    let bad: Vec<_> = result
        .findings
        .iter()
        .filter(|f| f.status != Status::Passed)
        .map(|f| {
            format!(
                "{} {} {}: {}",
                f.status.as_str(),
                f.rule_id,
                f.address,
                f.message
            )
        })
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    // The backend is an encrypted, locked S3 backend.
    assert!(result.findings.iter().any(|f| f.rule_id == "STATE-001"
        && f.address == "terraform.backend"
        && f.status == Status::Passed));

    // Every (rule, resource) outcome is the plan's, PASSED ones included.
    let (plan_scan, plan_result) = plan("fixtures/plans/reference-architecture.json");
    assert_eq!(outcomes(&result), outcomes(&plan_result), "{REGEN}");
    let addresses =
        |s: &Scan| -> BTreeSet<String> { s.resources.iter().map(|r| r.address.clone()).collect() };
    let mut hcl_addresses = addresses(&scan);
    hcl_addresses.remove("terraform.backend");
    assert_eq!(hcl_addresses, addresses(&plan_scan), "{REGEN}");
}

/// The resources a plan already has in its state: their provider-computed values are
/// known to the plan and cannot be known from the sources.
fn existing(scan: &Scan) -> BTreeSet<String> {
    scan.resources
        .iter()
        .filter(|r| matches!(r.action, Some(Action::NoOp | Action::Update)))
        .map(|r| r.address.clone())
        .collect()
}

#[test]
fn planted_violations_fail_the_same_rules_on_the_same_resources() {
    let dir = Path::new("fixtures/terraform/violations");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 11, "{names:?}: {REGEN}");
    for name in names {
        let (plan_scan, plan_result) = plan(&format!("fixtures/plans/violations/{name}.json"));
        let (_, hcl_result) = hcl(&format!("fixtures/terraform/violations/{name}"));
        let old = existing(&plan_scan);
        let keep = |pairs: BTreeSet<(String, String)>| -> BTreeSet<(String, String)> {
            pairs
                .into_iter()
                .filter(|(_, a)| !old.contains(a))
                .collect()
        };
        let from_plan = keep(failed(&plan_result));
        assert!(!from_plan.is_empty(), "{name}: the plan breaks no rule");
        assert_eq!(keep(failed(&hcl_result)), from_plan, "{name}: {REGEN}");
    }
}

#[test]
fn existing_resources_are_unknown_from_sources_not_failed() {
    // s3-001.json has buckets that already exist, known without encryption in the
    // plan's state: the plan FAILS them; their sources alone leave it unknown.
    let (plan_scan, plan_result) = plan("fixtures/plans/violations/s3-001.json");
    let (_, hcl_result) = hcl("fixtures/terraform/violations/s3-001");
    let old = existing(&plan_scan);
    assert!(old.contains("aws_s3_bucket.legacy"));
    let s3_001 = |r: &ScanResult| {
        r.findings
            .iter()
            .find(|f| f.rule_id == "S3-001" && f.address == "aws_s3_bucket.legacy")
            .map(|f| f.status)
    };
    assert_eq!(s3_001(&plan_result), Some(Status::Failed));
    assert_eq!(s3_001(&hcl_result), Some(Status::Unknown));
}

#[test]
fn tf_dir_locates_every_plan_resource() {
    let tf = Path::new("fixtures/terraform/reference-architecture");
    let mut scan = load_plan(Path::new("fixtures/plans/reference-architecture.json")).unwrap();
    locate(tf).unwrap().apply(&mut scan);
    for r in &scan.resources {
        let loc = r
            .location
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no location", r.address));
        assert!(
            loc.file
                .starts_with("fixtures/terraform/reference-architecture/"),
            "{}",
            loc.file
        );
        assert!(loc.line > 0 && loc.end_line >= loc.line);
        // The block at that line is the resource's.
        let text = std::fs::read_to_string(&loc.file).unwrap();
        let first = text.lines().nth(loc.line - 1).unwrap();
        assert_eq!(
            first,
            format!("resource \"{}\" \"{}\" {{", r.kind, r.name),
            "{}",
            r.address
        );
        let module_dir = match r.module.0.first() {
            Some(step) => format!("modules/{}/", step.name),
            None => String::new(),
        };
        assert!(
            loc.file
                .contains(&format!("reference-architecture/{module_dir}")),
            "{} in {}",
            r.address,
            loc.file
        );
    }

    // End to end: findings carry file and line in the JSON report.
    let out = Command::new(env!("CARGO_BIN_EXE_infracheck"))
        .args([
            "plan",
            "fixtures/plans/violations/sg-001.json",
            "--tf-dir",
            "fixtures/terraform/violations/sg-001",
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = report["results"].as_array().unwrap();
    let failed: Vec<&serde_json::Value> = results
        .iter()
        .filter(|f| {
            f["status"] == "FAILED" && !f["address"].as_str().unwrap().starts_with("region/")
        })
        .collect();
    assert!(!failed.is_empty());
    for f in failed {
        let loc = &f["location"];
        assert!(
            loc["file"]
                .as_str()
                .is_some_and(|p| p.starts_with("fixtures/terraform/violations/sg-001/")),
            "{f}"
        );
        assert!(loc["line"].as_u64().is_some_and(|l| l > 0), "{f}");
    }
}

#[test]
fn hcl_command_on_the_reference_architecture_exits_0() {
    let out = Command::new(env!("CARGO_BIN_EXE_infracheck"))
        .args(["hcl", "fixtures/terraform/reference-architecture"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("0 failed"), "{stdout}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
