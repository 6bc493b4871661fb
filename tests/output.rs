//! Rendered output, end to end through the binary: snapshots and redaction.

use std::process::Command;

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_infracheck"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The rules the small violation and unknown-value fixtures were designed for.
const FIRST_RULES: &str =
    "NET-001,S3-001,S3-002,SG-001,SG-002,SG-003,DDB-001,WAF-001,WAF-002,WAF-003,WAF-004";

#[test]
fn table_of_a_violating_plan() {
    let (code, out, err) = run(&[
        "plan",
        "fixtures/plans/violations/sg-001.json",
        "--rules",
        "SG-001,SG-002,SG-003",
    ]);
    assert_eq!(code, Some(1), "{err}");
    insta::assert_snapshot!(out);
}

#[test]
fn table_of_unknown_values() {
    let (code, out, err) = run(&[
        "plan",
        "fixtures/plans/unknown-values.json",
        "--rules",
        FIRST_RULES,
    ]);
    assert_eq!(code, Some(0), "UNKNOWN never fails a run: {err}");
    insta::assert_snapshot!(out);
}

#[test]
fn json_report_of_a_violating_plan() {
    let (code, out, err) = run(&[
        "plan",
        "fixtures/plans/violations/s3-002.json",
        "--format",
        "json",
        "--rules",
        "S3-002",
    ]);
    assert_eq!(code, Some(1), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    insta::assert_json_snapshot!(doc, {".tool.version" => "[version]"});
}

#[test]
fn the_reference_architecture_passes_with_exit_0() {
    let (code, out, err) = run(&["plan", "fixtures/plans/reference-architecture.json"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("0 failed, 0 unknown, "), "{out}");
}

#[test]
fn output_file_gets_the_report_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.json");
    let p = path.display().to_string();
    let (code, out, _) = run(&[
        "plan",
        "fixtures/plans/violations/ddb-001.json",
        "--rules",
        "DDB-001",
        "--format",
        "json",
        "-o",
        &p,
    ]);
    assert_eq!(code, Some(1));
    assert_eq!(out, "");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(doc["summary"]["failed"], 2);
}

const SECRET: &str = "fixture-only-NOT-A-REAL-SECRET";

#[test]
fn sensitive_values_never_reach_any_output() {
    let plan = "fixtures/plans/reference-architecture.json";
    assert!(
        std::fs::read_to_string(plan).unwrap().contains(SECRET),
        "the fixture carries the secret"
    );
    for format in ["table", "json"] {
        let (_, out, err) = run(&["plan", plan, "--format", format]);
        assert!(!out.contains(SECRET) && !err.contains(SECRET), "{format}");
    }
    // Nor the document handed to the rules, which a rule could echo in a message.
    let scan = infracheck::source::plan::load_plan(std::path::Path::new(plan)).unwrap();
    let input = infracheck::model::index::build_input(&scan).to_string();
    assert!(!input.contains(SECRET));
    assert!(input.contains(infracheck::model::REDACTED));
}

#[test]
fn framework_runs_only_its_rules_and_summarizes_requirements() {
    let (code, out, err) = run(&[
        "plan",
        "fixtures/plans/violations/sg-003.json",
        "--framework",
        "pci-dss-4.0",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(1), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    for rule in doc["rules"].as_array().unwrap() {
        assert!(
            rule["frameworks"]["pci-dss-4.0"].is_array(),
            "{}",
            rule["id"]
        );
    }
    assert!(
        doc["rules"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["id"] != "SG-001"),
        "SG-001 has no PCI mapping"
    );
    let fw = &doc["framework"];
    assert_eq!(fw["framework"], "pci-dss-4.0");
    let req = fw["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["requirement"] == "1.3.1")
        .unwrap();
    assert_eq!(req["topic"], "network segmentation");
    assert_eq!(req["rules"], serde_json::json!(["SG-002", "SG-003"]));
    assert_eq!(req["failed"], 4);

    let (code, out, _) = run(&[
        "plan",
        "fixtures/plans/violations/sg-003.json",
        "--framework",
        "pci-dss-4.0",
    ]);
    assert_eq!(code, Some(1));
    assert!(out.contains("PCI DSS v4.0.1\n"), "{out}");
    let row = out
        .lines()
        .find(|l| l.contains("1.3.1 (network segmentation)"))
        .unwrap_or_else(|| panic!("{out}"));
    let cells: Vec<&str> = row.split(['│', '┆']).map(str::trim).collect();
    assert_eq!(
        cells[1..6],
        [
            "1.3.1 (network segmentation)",
            "SG-002, SG-003",
            "8",
            "4",
            "0"
        ]
    );

    let (code, _, err) = run(&["plan", "x.json", "--framework", "sox"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("invalid value 'sox'"), "{err}");
}

#[test]
fn policies_show_prints_metadata_and_remediation() {
    let (code, out, _) = run(&["policies", "show", "S3-002"]);
    assert_eq!(code, Some(0));
    assert!(
        out.starts_with("## S3-002: S3 buckets block public access\n\n- Severity: critical\n"),
        "{out}"
    );
    assert!(out.contains("### Remediation"));
    assert!(out.contains("restrict_public_buckets = true"));
    let (code, _, err) = run(&["policies", "show", "XYZ-999"]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err.trim_end(),
        "infracheck: error: no rule with ID \"XYZ-999\" (see `infracheck policies list`)"
    );
}
