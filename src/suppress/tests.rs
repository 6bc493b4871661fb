use super::*;
use crate::findings::{Finding, RuleMeta, RuleScope, Severity};
use crate::model::Location;

const MAIN_TF: &str = r#"# infracheck:ignore S3-002 reason="public website" expires=2030-01-01
resource "aws_s3_bucket" "site" {
  bucket = "site"
}

resource "aws_s3_bucket" "old" {
  # infracheck:ignore S3-002 reason="migrating" expires=2024-12-31
  bucket = "old"
}

# infracheck:ignore S3-001 reason="checked by hand"
# infracheck:ignore S3-002
resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}

resource "aws_s3_bucket" "data" {
  bucket = "data" # infracheck:ignore XYZ-001 reason="typo"
}
"#;

fn rule(id: &str) -> RuleMeta {
    RuleMeta {
        id: id.into(),
        title: format!("{id} title"),
        description: String::new(),
        severity: Severity::High,
        resource_types: vec!["aws_s3_bucket".into()],
        scope: RuleScope::Resource,
        sources: vec!["plan".into()],
        per_resource: false,
        across_accounts: false,
        frameworks: Default::default(),
        remediation: String::new(),
        package: String::new(),
        source: String::new(),
    }
}

fn finding(rule: &str, address: &str, status: Status, lines: Option<(usize, usize)>) -> Finding {
    Finding {
        rule_id: rule.into(),
        severity: Severity::High,
        status,
        address: address.into(),
        resource_type: "aws_s3_bucket".into(),
        region: Some("us-east-1".into()),
        message: "m".into(),
        location: lines.map(|(line, end_line)| Location {
            file: "main.tf".into(),
            line,
            end_line,
        }),
        suppression: None,
    }
}

fn scan() -> ScanResult {
    ScanResult {
        rules: vec![rule("S3-001"), rule("S3-002")],
        findings: vec![
            finding("S3-002", "aws_s3_bucket.site", Status::Failed, Some((2, 4))),
            finding("S3-001", "aws_s3_bucket.site", Status::Passed, Some((2, 4))),
            finding("S3-002", "aws_s3_bucket.old", Status::Failed, Some((6, 9))),
            finding(
                "S3-001",
                "aws_s3_bucket.logs",
                Status::Passed,
                Some((13, 15)),
            ),
            finding(
                "S3-002",
                "aws_s3_bucket.logs",
                Status::Failed,
                Some((13, 15)),
            ),
            finding(
                "S3-002",
                "aws_s3_bucket.data",
                Status::Failed,
                Some((17, 19)),
            ),
            finding("S3-002", "aws_s3_bucket.nolocation", Status::Failed, None),
            finding("S3-001", "aws_s3_bucket.nolocation", Status::Unknown, None),
        ],
        ..Default::default()
    }
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn run(
    result: &mut ScanResult,
    waivers: &[Waiver],
    baseline: Option<&Baseline>,
    inline: bool,
) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), MAIN_TF).unwrap();
    let known = vec!["S3-001".to_string(), "S3-002".into(), "SG-001".into()];
    let opts = Options {
        today: day("2025-06-01"),
        inline,
        waivers,
        config_file: Some(".infracheck.toml".into()),
        baseline,
        known_rules: &known,
        base_dir: dir.path(),
    };
    apply(result, &opts).unwrap();
    result.warnings.iter().map(|w| w.to_string()).collect()
}

fn suppression_of(result: &ScanResult, rule: &str, address: &str) -> Option<Suppression> {
    result
        .findings
        .iter()
        .find(|f| f.rule_id == rule && f.address == address)
        .unwrap()
        .suppression
        .clone()
}

#[test]
fn inline_comments_suppress_above_and_inside_the_block() {
    let mut r = scan();
    let warnings = run(&mut r, &[], None, true);
    let s = suppression_of(&r, "S3-002", "aws_s3_bucket.site").unwrap();
    assert_eq!(s.kind, SuppressionKind::Inline);
    assert_eq!(s.reason, "public website");
    assert_eq!(s.expires, Some(day("2030-01-01")));
    assert_eq!(s.origin.to_string(), "main.tf:1");
    // Expired: it fails again and says so.
    assert_eq!(suppression_of(&r, "S3-002", "aws_s3_bucket.old"), None);
    // No reason: invalid, suppresses nothing.
    assert_eq!(suppression_of(&r, "S3-002", "aws_s3_bucket.logs"), None);
    assert_eq!(
        suppression_of(&r, "S3-002", "aws_s3_bucket.nolocation"),
        None
    );
    assert_eq!(r.suppressed(), 1);
    assert_eq!(
        warnings,
        vec![
            "main.tf:7: expired suppression: S3-002 expired on 2024-12-31, so its findings count again (reason: migrating)",
            "main.tf:12: invalid suppression: S3-002 has no reason: a suppression needs reason=\"...\"",
            "main.tf:18: invalid suppression: no rule has the ID XYZ-001",
            "main.tf:11: unused suppression: S3-001 is suppressed here, but no FAILED finding of S3-001 is in this block",
        ]
    );
}

#[test]
fn no_inline_suppressions_reads_no_comment() {
    let mut r = scan();
    let warnings = run(&mut r, &[], None, false);
    assert!(warnings.is_empty());
    assert_eq!(r.suppressed(), 0);
}

#[test]
fn waivers_match_by_rule_and_glob_and_expire() {
    let waivers = vec![
        Waiver::new(
            "S3-002",
            "aws_s3_bucket.{logs,data}",
            "shared logs",
            None,
            3,
        )
        .unwrap(),
        Waiver::new(
            "s3-002",
            "aws_s3_bucket.no*",
            "gone soon",
            Some(day("2025-05-31")),
            8,
        )
        .unwrap(),
        Waiver::new("S3-001", "*", "never matches", None, 13).unwrap(),
        Waiver::new("SG-001", "*", "rule did not run", None, 18).unwrap(),
        Waiver::new("NOPE-1", "*", "typo", None, 23).unwrap(),
        Waiver::new(
            "S3-002",
            "aws_s3_bucket.site",
            "also inline",
            Some(day("2025-06-01")),
            28,
        )
        .unwrap(),
    ];
    let mut r = scan();
    let warnings = run(&mut r, &waivers, None, true);
    let s = suppression_of(&r, "S3-002", "aws_s3_bucket.logs").unwrap();
    assert_eq!(s.kind, SuppressionKind::Waiver);
    assert_eq!(s.origin.to_string(), ".infracheck.toml:3");
    assert_eq!(
        suppression_of(&r, "S3-002", "aws_s3_bucket.data")
            .unwrap()
            .reason,
        "shared logs"
    );
    // Expired the day before: no longer suppresses.
    assert_eq!(
        suppression_of(&r, "S3-002", "aws_s3_bucket.nolocation"),
        None
    );
    // Inline wins over a waiver; the waiver still counts as used (and expires today,
    // which is still in time).
    assert_eq!(
        suppression_of(&r, "S3-002", "aws_s3_bucket.site")
            .unwrap()
            .kind,
        SuppressionKind::Inline
    );
    let config_warnings: Vec<&String> = warnings
        .iter()
        .filter(|w| w.starts_with(".infracheck.toml"))
        .collect();
    assert_eq!(
        config_warnings,
        vec![
            ".infracheck.toml:8: expired suppression: waiver for s3-002 on \"aws_s3_bucket.no*\" expired on 2025-05-31, so its findings count again (reason: gone soon)",
            ".infracheck.toml:13: unused suppression: waiver for S3-001 on \"*\" matches no FAILED finding",
            ".infracheck.toml:23: invalid suppression: waiver: no rule has the ID NOPE-1",
        ]
    );
}

#[test]
fn baselines_suppress_known_findings_and_report_stale_entries() {
    let mut first = scan();
    first.findings.retain(|f| f.address != "aws_s3_bucket.data");
    first.findings.push(finding(
        "S3-002",
        "aws_s3_bucket.fixed",
        Status::Failed,
        None,
    ));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("baseline.json");
    std::fs::write(&path, baseline::render(&first)).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"version\": 1"), "{text}");
    assert!(text.contains(&format!(
        "\"fingerprint\": \"{}\"",
        crate::findings::fingerprint("S3-002", "aws_s3_bucket.fixed")
    )));
    let b = Baseline::load(&path, "baseline.json").unwrap();
    assert_eq!(b.entries.len(), 5, "every FAILED finding: {:?}", b.entries);

    let mut r = scan();
    let warnings = run(&mut r, &[], Some(&b), false);
    let failing: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.is_failing())
        .map(|f| f.address.as_str())
        .collect();
    assert_eq!(failing, vec!["aws_s3_bucket.data"], "only the new finding");
    let s = suppression_of(&r, "S3-002", "aws_s3_bucket.site").unwrap();
    assert_eq!(s.kind, SuppressionKind::Baseline);
    assert_eq!(s.origin.to_string(), "baseline.json");
    assert_eq!(
        warnings,
        vec!["baseline.json: unused suppression: 1 baseline entry matches no FAILED finding (fixed or renamed: S3-002 aws_s3_bucket.fixed); refresh the file with --write-baseline"]
    );
}

#[test]
fn baseline_entries_without_fingerprint_and_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.json");
    std::fs::write(
        &path,
        r#"{"version": 1, "findings": [{"rule": "S3-002", "address": "aws_s3_bucket.site"}]}"#,
    )
    .unwrap();
    let b = Baseline::load(&path, "b.json").unwrap();
    assert_eq!(
        b.entries[0].fingerprint,
        crate::findings::fingerprint("S3-002", "aws_s3_bucket.site")
    );
    std::fs::write(&path, r#"{"version": 2, "findings": []}"#).unwrap();
    let err = Baseline::load(&path, "b.json").unwrap_err().to_string();
    assert!(
        err.ends_with("b.json: baseline version 2 is not supported (expected 1)"),
        "{err}"
    );
    std::fs::write(&path, r#"{"findings": 1}"#).unwrap();
    let err = Baseline::load(&path, "b.json").unwrap_err().to_string();
    assert!(err.ends_with("b.json: not an infracheck baseline: invalid type: integer `1`, expected a sequence at line 1 column 14"), "{err}");
}

#[test]
fn fingerprints_are_stable() {
    // Changing the fingerprint breaks every user's baseline and GitHub alert history.
    assert_eq!(
        crate::findings::fingerprint("S3-002", "aws_s3_bucket.site"),
        crate::findings::fingerprint("S3-002", "aws_s3_bucket.site")
    );
    assert_eq!(
        crate::findings::fingerprint("S3-002", "aws_s3_bucket.site").len(),
        32
    );
    assert_ne!(
        crate::findings::fingerprint("S3-00", "2aws_s3_bucket.site"),
        crate::findings::fingerprint("S3-002", "aws_s3_bucket.site")
    );
}
