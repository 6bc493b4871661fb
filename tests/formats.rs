//! The pull-request formats (SARIF, JUnit, Markdown, GitHub annotations, and the
//! table and JSON with locations and suppressions): snapshots of a scan whose
//! findings carry `.tf` locations, SARIF validated with Microsoft's SARIF Multitool
//! (GitHub's ingestion rules included), and suppressions and baselines end to end.

use std::path::{Path, PathBuf};
use std::process::Command;

use infracheck::config::{Settings, Waiver};
use infracheck::engine::{builtin_files, PolicySet};
use infracheck::findings::{RuleError, ScanResult, Status};
use infracheck::model::index::build_input;
use infracheck::model::Location;
use infracheck::report::{self, Context, SourceInfo};
use infracheck::source::plan::load_plan;
use infracheck::suppress;

const PLAN: &str = "fixtures/plans/violations/s3-002.json";
const DOCS: &str = "https://github.com/example/infracheck/blob/main/docs/rules.md";
const CODE: &str = "https://github.com/example/infra/blob/0123abc";

const ROOT_TF: &str = r#"resource "aws_s3_bucket" "public" {
  bucket = "public-assets"
}

# infracheck:ignore S3-001 reason="encrypted by the bucket policy" expires=2099-01-01
resource "aws_s3_bucket" "private" {
  bucket = "private-data"
}

# infracheck:ignore S3-002 reason="old" expires=2020-01-01
resource "aws_s3_bucket" "gone" {
  bucket = "gone"
}
"#;

const MODULE_TF: &str = r#"resource "aws_s3_bucket" "logs" {
  # infracheck:ignore S3-002 reason="log delivery needs it, see SEC-123" expires=2099-01-01
  bucket = "logs"
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket = aws_s3_bucket.logs.id
  # infracheck:ignore S3-002
}
"#;

fn policies(rules: &[&str]) -> PolicySet {
    let mut p = PolicySet::load(&builtin_files(), &Settings::default()).unwrap();
    p.retain(&rules.iter().map(|r| r.to_string()).collect::<Vec<_>>());
    p
}

fn source_info(path: &str, regions: Vec<String>, resources: usize) -> SourceInfo {
    SourceInfo {
        kind: "plan".into(),
        path: path.into(),
        regions,
        resources,
    }
}

/// S3-001 and S3-002 on the S3 fixture, with locations in a temporary source tree
/// (`main.tf`, `modules/web/main.tf`) holding inline suppressions, and a waiver.
fn located_scan() -> (ScanResult, SourceInfo, tempfile::TempDir) {
    let policies = policies(&["S3-001", "S3-002"]);
    let scan = load_plan(Path::new(PLAN)).unwrap();
    let mut result = policies.evaluate(&scan, build_input(&scan));
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("modules/web")).unwrap();
    std::fs::write(dir.path().join("main.tf"), ROOT_TF).unwrap();
    std::fs::write(dir.path().join("modules/web/main.tf"), MODULE_TF).unwrap();
    for f in &mut result.findings {
        f.location = match f.address.as_str() {
            "aws_s3_bucket.public" => Some(("main.tf", 1, 3)),
            "aws_s3_bucket.private" => Some(("main.tf", 6, 8)),
            "module.web.aws_s3_bucket.logs" => Some(("modules/web/main.tf", 1, 4)),
            _ => None,
        }
        .map(|(file, line, end_line)| Location {
            file: file.into(),
            line,
            end_line,
        });
    }
    let waivers = vec![Waiver::new(
        "S3-001",
        "aws_s3_bucket.*",
        "nothing fails S3-001 here",
        None,
        4,
    )
    .unwrap()];
    let known: Vec<String> = PolicySet::load(&builtin_files(), &Settings::default())
        .unwrap()
        .rules()
        .map(|r| r.id.clone())
        .collect();
    suppress::apply(
        &mut result,
        &suppress::Options {
            today: chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap(),
            inline: true,
            waivers: &waivers,
            config_file: Some(".infracheck.toml".into()),
            baseline: None,
            known_rules: &known,
            base_dir: dir.path(),
        },
    )
    .unwrap();
    let source = source_info(PLAN, scan.regions.clone(), scan.resources.len());
    (result, source, dir)
}

fn context<'a>(source: &'a SourceInfo, dir: &Path) -> Context<'a> {
    Context {
        source,
        framework: None,
        rule_docs_url: Some(DOCS.into()),
        source_url: Some(CODE.into()),
        base_dir: dir.to_path_buf(),
    }
}

#[test]
fn the_located_scan_is_what_the_snapshots_show() {
    let (result, _, _dir) = located_scan();
    let logs = result
        .findings
        .iter()
        .find(|f| f.rule_id == "S3-002" && f.address == "module.web.aws_s3_bucket.logs")
        .unwrap();
    assert_eq!(logs.status, Status::Failed);
    assert_eq!(
        logs.suppression.as_ref().unwrap().origin.to_string(),
        "modules/web/main.tf:2"
    );
    assert_eq!(result.suppressed(), 1);
    let warnings: Vec<String> = result.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        warnings,
        vec![
            "main.tf:10: expired suppression: S3-002 expired on 2020-01-01, so its findings count again (reason: old)",
            "modules/web/main.tf:8: invalid suppression: S3-002 has no reason: a suppression needs reason=\"...\"",
            "main.tf:5: unused suppression: S3-001 is suppressed here, but no FAILED finding of S3-001 is in this block",
            ".infracheck.toml:4: unused suppression: waiver for S3-001 on \"aws_s3_bucket.*\" matches no FAILED finding",
        ]
    );
}

#[test]
fn sarif_with_locations_and_suppressions() {
    let (result, source, dir) = located_scan();
    let ctx = context(&source, dir.path());
    let doc: serde_json::Value =
        serde_json::from_str(&report::sarif::render(&result, &ctx)).unwrap();
    insta::assert_json_snapshot!(doc, {
        ".runs[0].tool.driver.version" => "[version]",
        ".runs[0].tool.driver.semanticVersion" => "[version]",
        ".runs[0].tool.driver.fullName" => "[name and version]",
    });
}

#[test]
fn junit_with_locations_and_suppressions() {
    let (result, source, dir) = located_scan();
    insta::assert_snapshot!(report::junit::render(
        &result,
        &context(&source, dir.path())
    ));
}

#[test]
fn markdown_with_locations_and_suppressions() {
    let (result, source, dir) = located_scan();
    insta::assert_snapshot!(report::markdown::render(
        &result,
        &context(&source, dir.path())
    ));
}

#[test]
fn github_annotations_with_locations() {
    let (result, source, dir) = located_scan();
    insta::assert_snapshot!(report::github::render(
        &result,
        &context(&source, dir.path())
    ));
}

#[test]
fn table_with_locations_and_suppressions() {
    let (result, source, dir) = located_scan();
    insta::assert_snapshot!(report::table::render(
        &result,
        &context(&source, dir.path())
    ));
}

#[test]
fn json_with_locations_and_suppressions() {
    let (result, source, dir) = located_scan();
    let doc: serde_json::Value = serde_json::from_str(&report::json::render(
        &result,
        &context(&source, dir.path()),
    ))
    .unwrap();
    assert_eq!(doc["summary"]["failed"], 2);
    assert_eq!(doc["summary"]["suppressed"], 1);
    assert_eq!(doc["summary"]["warnings"], 4);
    let logs = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule_id"] == "S3-002" && r["address"] == "module.web.aws_s3_bucket.logs")
        .unwrap();
    assert_eq!(logs["status"], "FAILED", "suppression keeps the status");
    assert_eq!(
        logs["location"],
        serde_json::json!({"file": "modules/web/main.tf", "line": 1, "end_line": 4})
    );
    assert_eq!(
        logs["suppression"],
        serde_json::json!({
            "kind": "inline",
            "reason": "log delivery needs it, see SEC-123",
            "expires": "2099-01-01",
            "origin": {"file": "modules/web/main.tf", "line": 2}
        })
    );
    assert_eq!(
        doc["warnings"][0],
        serde_json::json!({
            "kind": "expired_suppression",
            "rule_id": "S3-002",
            "message": "S3-002 expired on 2020-01-01, so its findings count again (reason: old)",
            "origin": {"file": "main.tf", "line": 10}
        })
    );
}

#[test]
fn absolute_locations_inside_the_working_directory_become_relative() {
    let (mut result, source, dir) = located_scan();
    for f in &mut result.findings {
        if let Some(loc) = &mut f.location {
            loc.file = dir.path().join(&loc.file).display().to_string();
        }
    }
    let ctx = context(&source, dir.path());
    let gh = report::github::render(&result, &ctx);
    assert!(
        gh.starts_with("::error file=main.tf,line=1,endLine=3,title=S3-002 (critical)::"),
        "{gh}"
    );
    let sarif = report::sarif::render(&result, &ctx);
    assert!(
        sarif.contains("\"uri\": \"modules/web/main.tf\""),
        "{sarif}"
    );
    assert!(!sarif.contains(&dir.path().display().to_string()));
}

// ---------------------------------------------------------------------------
// The SARIF Multitool: `Sarif.Multitool validate --rule-kind "Gh;Sarif"`.

/// The Multitool that `.ci/run` installs (or `SARIF_MULTITOOL`).
fn multitool() -> Option<PathBuf> {
    let p = std::env::var_os("SARIF_MULTITOOL")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(".ci/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool")
        });
    p.is_file().then_some(p)
}

/// The errors (and warnings) the Multitool reports for `sarif`.
fn validate(sarif: &str) -> (Vec<String>, Vec<String>) {
    let tool = multitool().expect("checked by the caller");
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.sarif");
    let output = dir.path().join("out.sarif");
    std::fs::write(&input, sarif).unwrap();
    let o = Command::new(&tool)
        .arg("validate")
        .args(["--rule-kind", "Gh;Sarif"])
        .arg("--output")
        .arg(&output)
        .arg(&input)
        .env("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
        // Runs without libicu too.
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .output()
        .expect("the Multitool runs");
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&output).unwrap_or_else(|e| {
            panic!(
                "no validation log ({e}): {}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            )
        }))
        .unwrap();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for run in log["runs"].as_array().unwrap() {
        for r in run["results"].as_array().into_iter().flatten() {
            let line = format!(
                "{}: {}",
                r["ruleId"].as_str().unwrap_or("?"),
                r["message"]["text"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| r["message"]["arguments"].to_string())
            );
            match r["level"].as_str().unwrap_or("warning") {
                "error" => errors.push(line),
                "warning" => warnings.push(line),
                _ => {}
            }
        }
        for n in run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if n["level"] == "error" {
                errors.push(format!("tool error: {}", n["message"]["text"]));
            }
        }
    }
    (errors, warnings)
}

fn require_multitool() -> bool {
    if multitool().is_some() {
        return true;
    }
    // .ci/run installs it and sets this, so CI never skips silently.
    assert!(
        std::env::var_os("INFRACHECK_REQUIRE_MULTITOOL").is_none(),
        "the SARIF Multitool is not installed: run `npm ci --prefix .ci`"
    );
    eprintln!("SARIF Multitool not installed (npm ci --prefix .ci): validation skipped");
    false
}

#[test]
fn sarif_passes_the_multitool_with_github_rules() {
    if !require_multitool() {
        return;
    }
    // Locations, suppressions of every kind, warnings.
    let (result, source, dir) = located_scan();
    let (errors, warnings) = validate(&report::sarif::render(
        &result,
        &context(&source, dir.path()),
    ));
    assert!(errors.is_empty(), "errors: {errors:#?}");
    assert!(warnings.is_empty(), "warnings: {warnings:#?}");

    // No locations (the plan file stands in), a rule error, no links.
    let policies = policies(&["S3-001", "S3-002", "SG-001"]);
    let scan = load_plan(Path::new(PLAN)).unwrap();
    let mut result = policies.evaluate(&scan, build_input(&scan));
    result.errors.push(RuleError {
        rule_id: "SG-001".into(),
        message: "a made-up evaluation error".into(),
    });
    let source = source_info(PLAN, scan.regions.clone(), scan.resources.len());
    let ctx = Context::new(&source);
    let (errors, warnings) = validate(&report::sarif::render(&result, &ctx));
    assert!(errors.is_empty(), "errors: {errors:#?}");
    // Without --rule-docs-url the tool has no informationUri, which is only advice.
    assert!(
        warnings.iter().all(|w| w.starts_with("SARIF2005")),
        "warnings: {warnings:#?}"
    );

    // Every built-in rule's descriptor, on the reference architecture.
    let policies = PolicySet::load(&builtin_files(), &Settings::default()).unwrap();
    let plan = "fixtures/plans/reference-architecture.json";
    let scan = load_plan(Path::new(plan)).unwrap();
    let result = policies.evaluate(&scan, build_input(&scan));
    let source = source_info(plan, scan.regions.clone(), scan.resources.len());
    let mut ctx = Context::new(&source);
    ctx.rule_docs_url = Some(DOCS.into());
    let (errors, _) = validate(&report::sarif::render(&result, &ctx));
    assert!(errors.is_empty(), "errors: {errors:#?}");
}

// ---------------------------------------------------------------------------
// End to end through the binary.

fn infracheck(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_infracheck"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("GITHUB_ACTIONS")
        .envs(env.iter().copied())
        .output()
        .expect("runs");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn every_format_at_once_each_to_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).display().to_string();
    let (sarif, junit, md, json) = (p("r.sarif"), p("r.xml"), p("r.md"), p("r.json"));
    let (code, out, err) = infracheck(
        &[
            "plan",
            PLAN,
            "--rules",
            "S3-002",
            "-f",
            "github",
            "-f",
            "sarif",
            "-o",
            &sarif,
            "--format",
            &format!("junit={junit}"),
            "-f",
            "markdown",
            "--output",
            &md,
            "-f",
            &format!("json={json}"),
        ],
        &[],
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(
        out.starts_with("::error title=S3-002 (critical)::aws_s3_bucket.public: "),
        "{out}"
    );
    assert_eq!(out.lines().count(), 2, "{out}");
    let read = |f: &str| std::fs::read_to_string(f).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&read(&sarif)).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 2);
    assert!(read(&junit).contains(
        "<testsuites name=\"infracheck\" tests=\"3\" skipped=\"0\" failures=\"2\" errors=\"0\">"
    ));
    assert!(read(&md).starts_with("## ❌ infracheck: 2 failed findings\n"));
    let doc: serde_json::Value = serde_json::from_str(&read(&json)).unwrap();
    assert_eq!(doc["summary"]["failed"], 2);

    let (code, _, err) = infracheck(&["plan", PLAN, "-f", "table", "-f", "json"], &[]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err.trim_end(),
        "infracheck: error: --format table, --format json would all go to standard output: give all but one a file (--format NAME=FILE, or --output FILE right after it)"
    );
}

#[test]
fn help_documents_formats_and_exit_codes() {
    let (code, out, _) = infracheck(&["plan", "--help"], &[]);
    assert_eq!(code, Some(0));
    for needle in [
        "--format <FORMAT[=FILE]>",
        "table (default), json, sarif, junit, markdown,",
        "-f table -f sarif -o results.sarif -f junit=junit.xml",
        "--baseline <FILE>",
        "--write-baseline <FILE>",
        "--no-inline-suppressions",
        "Exit codes:\n  0  no FAILED finding at or above --fail-on",
    ] {
        assert!(out.contains(needle), "{needle:?} in:\n{out}");
    }
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn waivers_suppress_expire_and_warn() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "infracheck.toml",
        r#"
[[waivers]]
rule = "S3-002"
resource = "aws_s3_bucket.public"
reason = "public assets, reviewed in SEC-42"
expires = 2025-06-30

[[waivers]]
rule = "S3-002"
resource = "module.web.*"
reason = "logs"

[[waivers]]
rule = "S3-001"
resource = "aws_s3_bucket.nothing"
reason = "stale"
"#,
    );
    let args = [
        "plan",
        PLAN,
        "--rules",
        "S3-002,S3-001",
        "--config",
        &config,
        "-f",
        "json",
    ];
    let (code, out, err) = infracheck(&args, &[("INFRACHECK_TODAY", "2025-06-30")]);
    assert_eq!(code, Some(0), "both findings waived: {err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["summary"]["failed"], 2);
    assert_eq!(doc["summary"]["suppressed"], 2);
    let kinds: Vec<&str> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "FAILED")
        .map(|r| r["suppression"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["waiver", "waiver"]);
    assert_eq!(
        err.trim_end(),
        format!("infracheck: warning: {config}:13: unused suppression: waiver for S3-001 on \"aws_s3_bucket.nothing\" matches no FAILED finding")
    );

    // The day after: the first waiver has expired, its finding fails the run again.
    let (code, out, err) = infracheck(&args, &[("INFRACHECK_TODAY", "2025-07-01")]);
    assert_eq!(code, Some(1), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["summary"]["suppressed"], 1);
    assert_eq!(doc["warnings"][0]["kind"], "expired_suppression");
    assert!(err.contains(&format!("infracheck: warning: {config}:2: expired suppression: waiver for S3-002 on \"aws_s3_bucket.public\" expired on 2025-06-30")), "{err}");

    // The table shows suppressed findings last and the warnings under the table.
    let (code, out, _) = infracheck(
        &[
            "plan",
            PLAN,
            "--rules",
            "S3-002,S3-001",
            "--config",
            &config,
        ],
        &[("INFRACHECK_TODAY", "2025-07-01")],
    );
    assert_eq!(code, Some(1));
    assert!(
        out.contains("│ CRITICAL ┆ SUPPRESSED ┆ S3-002 ┆ module.web.aws_s3_bucket.logs"),
        "{out}"
    );
    assert!(out.contains("[waiver "), "{out}");
    assert!(out.contains("\nwarning: "), "{out}");
    assert!(
        out.contains("1 failed (1 critical), 1 suppressed, 0 unknown, 4 passed"),
        "{out}"
    );

    let (code, _, err) = infracheck(&args, &[("INFRACHECK_TODAY", "July")]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err.trim_end(),
        "infracheck: error: INFRACHECK_TODAY: expected a date YYYY-MM-DD, not \"July\""
    );
}

#[test]
fn baselines_fail_only_on_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json").display().to_string();
    let (code, out, err) = infracheck(
        &[
            "plan",
            PLAN,
            "--rules",
            "S3-002",
            "--write-baseline",
            &baseline,
        ],
        &[],
    );
    assert_eq!(code, Some(0), "writing a baseline exits 0: {err}");
    assert!(
        out.contains("2 failed"),
        "the report is still printed: {out}"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    assert_eq!(doc["version"], 1);
    assert_eq!(
        doc["findings"][0],
        serde_json::json!({
            "rule": "S3-002",
            "address": "aws_s3_bucket.public",
            "fingerprint": infracheck::findings::fingerprint("S3-002", "aws_s3_bucket.public"),
        })
    );

    let (code, out, err) = infracheck(
        &[
            "plan",
            PLAN,
            "--rules",
            "S3-002",
            "--baseline",
            &baseline,
            "-f",
            "sarif",
        ],
        &[],
    );
    assert_eq!(code, Some(0), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "suppressed results stay in SARIF");
    assert_eq!(results[0]["suppressions"][0]["kind"], "external");
    assert_eq!(
        results[0]["suppressions"][0]["justification"],
        "in the baseline"
    );

    // A baseline with one of the two findings: the other one is new and fails.
    let one = write(
        dir.path(),
        "one.json",
        r#"{"version": 1, "findings": [{"rule": "S3-002", "address": "aws_s3_bucket.public"}, {"rule": "S3-002", "address": "aws_s3_bucket.fixed"}]}"#,
    );
    let (code, out, err) = infracheck(
        &[
            "plan",
            PLAN,
            "--rules",
            "S3-002",
            "--baseline",
            &one,
            "-f",
            "github",
        ],
        &[],
    );
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(
        out.lines().next().unwrap(),
        "::error title=S3-002 (critical)::module.web.aws_s3_bucket.logs: public access block module.web.aws_s3_bucket_public_access_block.logs does not set restrict_public_buckets to true%0AS3 buckets block public access"
    );
    assert!(
        out.contains("::warning file="),
        "the stale entry is an annotation: {out}"
    );

    let bad = write(dir.path(), "bad.json", "[]");
    let (code, _, err) = infracheck(&["plan", PLAN, "--baseline", &bad], &[]);
    assert_eq!(code, Some(2));
    assert!(
        err.starts_with(&format!(
            "infracheck: error: {bad}: not an infracheck baseline: "
        )),
        "{err}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

#[test]
fn tf_dir_locations_and_inline_suppressions_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let tf = dir.path().join("tf");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/terraform/violations/s3-002"),
        &tf,
    );
    let main_tf = std::fs::read_to_string(tf.join("main.tf")).unwrap();
    let block = "resource \"aws_s3_bucket\" \"public\" {";
    assert!(main_tf.contains(block));
    std::fs::write(
        tf.join("main.tf"),
        main_tf.replace(
            block,
            &format!("# infracheck:ignore S3-002 reason=\"public downloads, see SEC-7\" expires=2099-12-31\n{block}"),
        ),
    )
    .unwrap();
    let plan = Path::new(env!("CARGO_MANIFEST_DIR")).join(PLAN);
    let run = |extra: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_infracheck"))
            .arg("plan")
            .arg(&plan)
            .args([
                "--tf-dir",
                "tf",
                "--rules",
                "S3-002",
                "-f",
                "sarif=r.sarif",
                "-f",
                "github",
            ])
            .args(extra)
            .current_dir(dir.path())
            .env_remove("GITHUB_ACTIONS")
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };

    let (code, out) = run(&[]);
    assert_eq!(code, Some(1), "the module's bucket still fails");
    assert_eq!(
        out,
        "::error file=tf/modules/web/main.tf,line=3,endLine=13,title=S3-002 (critical)::module.web.aws_s3_bucket.logs: public access block module.web.aws_s3_bucket_public_access_block.logs does not set restrict_public_buckets to true%0AS3 buckets block public access\n"
    );
    let sarif = std::fs::read_to_string(dir.path().join("r.sarif")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let public = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["properties"]["address"] == "aws_s3_bucket.public")
        .unwrap();
    assert_eq!(
        public["locations"][0]["physicalLocation"],
        serde_json::json!({"artifactLocation": {"uri": "tf/main.tf"}, "region": {"startLine": 16, "endLine": 26}})
    );
    assert_eq!(public["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        public["suppressions"][0]["justification"],
        "public downloads, see SEC-7"
    );
    assert_eq!(
        public["suppressions"][0]["location"]["physicalLocation"]["region"]["startLine"],
        15
    );
    if multitool().is_some() {
        let (errors, warnings) = validate(&sarif);
        assert!(errors.is_empty(), "errors: {errors:#?}");
        assert!(
            warnings.iter().all(|w| w.starts_with("SARIF2005")),
            "warnings: {warnings:#?}"
        );
    }

    // Security teams can ignore inline comments.
    let (code, out) = run(&["--no-inline-suppressions"]);
    assert_eq!(code, Some(1));
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.starts_with("::error file=tf/main.tf,line=16,endLine=26,title=S3-002 (critical)::aws_s3_bucket.public: "), "{out}");
}
