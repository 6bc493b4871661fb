//! The binary end to end: errors, exit codes, policy loading.

use std::path::Path;
use std::process::{Command, Output};

fn infracheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_infracheck"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// Bad input exits 2 with exactly one line that names the file and the problem.
fn assert_input_error(args: &[&str], expected: &str) {
    let o = infracheck(args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert_eq!(err.trim_end(), expected);
    assert!(stdout(&o).is_empty());
}

#[test]
fn bad_plans_exit_2_with_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let f = write(
        d,
        "truncated.json",
        r#"{"format_version": "1.2", "planned_values": {"root_module": {"#,
    );
    assert_input_error(
        &["plan", &f],
        &format!("infracheck: error: {f}: invalid JSON at line 1, column 61: the file ends too early (truncated?)"),
    );
    let f = write(d, "empty.json", "");
    assert_input_error(
        &["plan", &f],
        &format!("infracheck: error: {f}: invalid JSON at line 1, column 0: the file ends too early (truncated?)"),
    );
    let f = write(d, "garbage.json", "resource \"aws_s3_bucket\" \"x\" {}");
    assert_input_error(
        &["plan", &f],
        &format!("infracheck: error: {f}: invalid JSON at line 1, column 1: expected value"),
    );
    let f = write(d, "foo.json", r#"{"foo": 1}"#);
    assert_input_error(
        &["plan", &f],
        &format!("infracheck: error: {f}: not a Terraform plan: no format_version (expected the output of `terraform show -json <planfile>`)"),
    );
    let f = write(
        d,
        "state.json",
        r#"{"format_version": "1.0", "values": {"root_module": {}}}"#,
    );
    assert_input_error(
        &["plan", &f],
        &format!("infracheck: error: {f}: not a Terraform plan: this is a state file (`terraform show -json` without a plan file); give a plan"),
    );
    let f = write(
        d,
        "v9.json",
        r#"{"format_version": "9.0", "planned_values": {}}"#,
    );
    assert_input_error(
        &["plan", &f],
        &format!("infracheck: error: {f}: unsupported plan format_version \"9.0\" (supported: 0.1 to 1.2)"),
    );
    let bytes = |name: &str, content: &[u8]| {
        let p = d.join(name);
        std::fs::write(&p, content).unwrap();
        p.display().to_string()
    };
    let f = bytes("tfplan", b"PK\x03\x04\x14\x00\x00\x00\x08\x00\xff\xfe");
    assert_input_error(
        &["plan", &f],
        &format!("infracheck: error: {f}: not a Terraform plan: this is a binary plan file (`terraform plan -out`); give its JSON: `terraform show -json FILE > plan.json`"),
    );
    let f = bytes("latin1.json", b"{\"a\": \"caf\xe9\"}");
    assert_input_error(
        &["plan", &f],
        &format!("infracheck: error: {f}: not a Terraform plan: the file is not UTF-8 text (invalid at byte 10)"),
    );
    let f = bytes("odd.json", b"\xff\xfe{\x00\x00");
    assert_input_error(
        &["plan", &f],
        &format!("infracheck: error: {f}: not a Terraform plan: the file is not valid UTF-16 text"),
    );
    let f = d.display().to_string();
    assert_input_error(
        &["plan", &f],
        &format!("infracheck: error: {f}: not a Terraform plan: this is a directory; `plan` reads a JSON plan, `infracheck hcl DIR` scans .tf files"),
    );
    let f = write(d, "array.json", "[1, 2]");
    assert_input_error(
        &["plan", &f],
        &format!("infracheck: error: {f}: not a Terraform plan: the document is not a JSON object"),
    );
    let f = write(
        d,
        "badchanges.json",
        r#"{"format_version": "1.2", "resource_changes": [{"address": 3}]}"#,
    );
    let o = infracheck(&["plan", &f]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!(
            "infracheck: error: {f}: not a Terraform plan: invalid type: integer `3`"
        )),
        "{}",
        stderr(&o)
    );
    // Each resource change is read on its own; the error still gives the file's
    // line and column, on the change's first line and on a later one.
    let f = write(
        d,
        "badchange.json",
        "{\"format_version\": \"1.2\",\n \"resource_changes\": [\n  {\"address\": \"a.b\", \"mode\": \"managed\", \"type\": \"aws_s3_bucket\", \"name\": 5, \"change\": {\"actions\": [\"create\"]}}\n]}\n",
    );
    assert_input_error(
        &["plan", &f],
        &format!("infracheck: error: {f}: not a Terraform plan: invalid type: integer `5`, expected a string (line 3, column 74)"),
    );
    let f = write(
        d,
        "missingname.json",
        "{\"format_version\": \"1.2\", \"resource_changes\": [{\"address\": \"a.c\",\n \"mode\": \"managed\", \"type\": \"aws_s3_bucket\",\n \"change\": {\"actions\": [\"create\"]}}]}\n",
    );
    assert_input_error(
        &["plan", &f],
        &format!("infracheck: error: {f}: not a Terraform plan: missing field `name` (line 3, column 35)"),
    );
    let missing = d.join("missing.json").display().to_string();
    assert_input_error(
        &["plan", &missing],
        &format!(
            "infracheck: error: {missing}: cannot read: No such file or directory (os error 2)"
        ),
    );
}

#[test]
fn bad_flags_exit_2() {
    let o = infracheck(&["plan", "x.json", "--fail-on", "urgent"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown --fail-on value \"urgent\""),
        "{}",
        stderr(&o)
    );
    let o = infracheck(&["plan"]);
    assert_eq!(o.status.code(), Some(2));
}

/// A bug that panics, here on the loader's thread, still ends the run with one line
/// and exit code 2, and nothing on standard output. (`INFRACHECK_TEST_PANIC` exists
/// only in debug builds, as this test.)
#[cfg(debug_assertions)]
#[test]
fn a_panic_exits_2_with_one_line_asking_for_a_report() {
    let o = Command::new(env!("CARGO_BIN_EXE_infracheck"))
        .args(["plan", "fixtures/plans/reference-architecture.json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("INFRACHECK_TEST_PANIC", "1")
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(
        err.starts_with("infracheck: internal error: INFRACHECK_TEST_PANIC is set at src/run.rs:"),
        "{err}"
    );
    assert!(
        err.trim_end().ends_with(
            "; this is a bug in infracheck, please report it with the input that caused it"
        ),
        "{err}"
    );
    assert!(stdout(&o).is_empty());
}

const MINIMAL_PLAN: &str = r#"{
  "format_version": "1.2",
  "resource_changes": [
    {"address": "aws_dynamodb_table.t", "mode": "managed", "type": "aws_dynamodb_table", "name": "t",
     "provider_name": "registry.terraform.io/hashicorp/aws",
     "change": {"actions": ["create"], "after": {"name": "t", "point_in_time_recovery": [{"enabled": false}]},
                "after_unknown": {"arn": true}}}
  ],
  "configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}},
                    "root_module": {"resources": [{"address": "aws_dynamodb_table.t", "mode": "managed", "type": "aws_dynamodb_table", "name": "t", "provider_config_key": "aws", "expressions": {}}]}}
}"#;

/// `infracheck ARGS` with `input` on its standard input.
fn infracheck_with_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_infracheck"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("runs");
    writer.join().unwrap().unwrap();
    output
}

#[test]
fn a_plan_on_standard_input_is_read_with_a_dash() {
    let o = infracheck_with_stdin(
        &["plan", "-", "--rules", "DDB-001", "-f", "json"],
        MINIMAL_PLAN,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["source"]["path"], "<stdin>");
    let results: Vec<_> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rule_id"].as_str().unwrap(),
                r["address"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(results, [("DDB-001", "aws_dynamodb_table.t", "FAILED")]);

    // Errors name it as such.
    let o = infracheck_with_stdin(&["plan", "-"], "{\"format_version\": \"1.2\",");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).trim_end(),
        "infracheck: error: <stdin>: invalid JSON at line 1, column 25: the file ends too early (truncated?)"
    );
}

#[test]
fn plans_written_by_powershell_are_read() {
    // Windows PowerShell's `>` writes UTF-16 with a byte order mark, and its
    // `Out-File -Encoding utf8` UTF-8 with one.
    let dir = tempfile::tempdir().unwrap();
    let mut utf16le = vec![0xff, 0xfe];
    let mut utf16be = vec![0xfe, 0xff];
    for unit in MINIMAL_PLAN.encode_utf16() {
        utf16le.extend(unit.to_le_bytes());
        utf16be.extend(unit.to_be_bytes());
    }
    let with_bom = [b"\xef\xbb\xbf".as_slice(), MINIMAL_PLAN.as_bytes()].concat();
    for (name, content) in [
        ("utf16le.json", utf16le),
        ("utf16be.json", utf16be),
        ("bom.json", with_bom),
    ] {
        let f = dir.path().join(name);
        std::fs::write(&f, content).unwrap();
        let o = infracheck(&[
            "plan",
            f.to_str().unwrap(),
            "--rules",
            "DDB-001",
            "-f",
            "json",
        ]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(
            doc["results"][0]["address"], "aws_dynamodb_table.t",
            "{name}"
        );
        assert_eq!(doc["results"][0]["status"], "FAILED", "{name}");
    }
}

const CUSTOM_RULE: &str = r#"# METADATA
# title: Tables are named t
# custom:
#   id: CUSTOM-001
#   severity: low
#   resource_types: [aws_dynamodb_table]
#   remediation: Rename it.
package custom.naming

import rego.v1

deny contains {"address": t.address, "message": sprintf("table %s is named t", [t.values.name])} if {
	some t in input.by_type.aws_dynamodb_table
	t.values.name == "t"
}
"#;

#[test]
fn user_policy_dirs_add_rules_and_fail_on_sets_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let plan = write(dir.path(), "plan.json", MINIMAL_PLAN);
    let policies = dir.path().join("policies");
    write(&policies, "custom/naming.rego", CUSTOM_RULE);
    let pd = policies.display().to_string();

    let o = infracheck(&[
        "plan",
        &plan,
        "--policy-dir",
        &pd,
        "--rules",
        "CUSTOM-001",
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "low is below the default fail-on (high)"
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["results"].as_array().unwrap().len(), 1);
    assert_eq!(doc["results"][0]["status"], "FAILED");
    assert_eq!(doc["results"][0]["address"], "aws_dynamodb_table.t");
    assert_eq!(doc["results"][0]["region"], "eu-west-1");
    assert_eq!(doc["results"][0]["message"], "table t is named t");

    let o = infracheck(&[
        "plan",
        &plan,
        "--policy-dir",
        &pd,
        "--rules",
        "CUSTOM-001",
        "--fail-on",
        "low",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let o = infracheck(&["plan", &plan, "--policy-dir", &pd, "--fail-on", "never"]);
    assert_eq!(o.status.code(), Some(0));
    let o = infracheck(&["plan", &plan, "--rules", "NOPE-001"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).trim_end(),
        "infracheck: error: --rules: no rule with ID \"NOPE-001\" (see `infracheck policies list`)"
    );
}

#[test]
fn bad_policies_exit_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let plan = write(dir.path(), "plan.json", MINIMAL_PLAN);

    let no_meta = dir.path().join("nometa");
    let f = write(
        &no_meta,
        "x.rego",
        "package custom.x\n\nimport rego.v1\n\ndeny contains 1 if false\n",
    );
    let o = infracheck(&[
        "plan",
        &plan,
        "--policy-dir",
        &no_meta.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).trim_end(),
        format!("infracheck: error: {f}: no `# METADATA` block above `package`")
    );

    let syntax = dir.path().join("syntax");
    let f = write(&syntax, "y.rego", &CUSTOM_RULE.replace("if {", "if {{"));
    let o = infracheck(&["plan", &plan, "--policy-dir", &syntax.display().to_string()]);
    assert_eq!(o.status.code(), Some(2));
    // Where in the file, and what is wrong: regorus' own message spans five lines.
    assert_eq!(
        stderr(&o).trim_end(),
        format!("infracheck: error: {f}: line 13, column 5: unexpected keyword `some`")
    );

    let dup = dir.path().join("dup");
    write(&dup, "a.rego", CUSTOM_RULE);
    write(
        &dup,
        "b.rego",
        &CUSTOM_RULE.replace("custom.naming", "custom.naming2"),
    );
    let o = infracheck(&["plan", &plan, "--policy-dir", &dup.display().to_string()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("rule CUSTOM-001 is defined twice"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_rule_that_errors_is_reported_and_the_others_still_run() {
    let dir = tempfile::tempdir().unwrap();
    let plan = write(dir.path(), "plan.json", MINIMAL_PLAN);
    let pd = dir.path().join("p");
    write(&pd, "ok.rego", CUSTOM_RULE);
    let broken = CUSTOM_RULE
        .replace("CUSTOM-001", "CUSTOM-002")
        .replace("custom.naming", "custom.broken")
        .replace("t.values.name == \"t\"", "to_number(t.values.name) == 1");
    write(&pd, "broken.rego", &broken);
    let o = infracheck(&[
        "plan",
        &plan,
        "--policy-dir",
        &pd.display().to_string(),
        "--rules",
        "CUSTOM-001,CUSTOM-002",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(2), "a rule error is exit 2");
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["results"][0]["rule_id"], "CUSTOM-001");
    assert_eq!(doc["results"][0]["status"], "FAILED");
    assert_eq!(doc["errors"][0]["rule_id"], "CUSTOM-002");
    // Where in which file, and what went wrong, on one line.
    assert_eq!(
        stderr(&o).trim_end(),
        format!(
            "infracheck: error: rule CUSTOM-002 could not be evaluated: {}:14:23: could not parse string as number",
            pd.join("broken.rego").display()
        )
    );
}

#[test]
fn config_file_errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let plan = write(dir.path(), "plan.json", MINIMAL_PLAN);
    let cfg = write(dir.path(), "c.toml", "[settings]\nflow_log_retention = 3\n");
    assert_input_error(
        &["plan", &plan, "--config", &cfg],
        &format!("infracheck: error: {cfg}: line 2: unknown field `flow_log_retention`, expected one of `primary_region`, `secondary_region`, `allowed_regions`, `include_default_vpcs`, `lb_public_ports`, `flow_log_retention_days`, `cpu_scale_out`, `cpu_scale_in`, `health_check_path`, `health_check_interval`, `health_check_healthy_threshold`, `health_check_unhealthy_threshold`, `failover_detection_seconds`, `dns_health_check_interval`, `dns_health_check_failure_threshold`, `alb_tls_policy_prefixes`, `cloudfront_min_tls`, `ddb_autoscaling_target`, `ddb_autoscaling_min`, `ddb_autoscaling_max`, `dax_min_nodes`, `backup_retention_days`, `log_retention_min_days`, `required_tags`, `data_classification_values`"),
    );
}

#[test]
fn settings_no_rule_could_use_are_input_errors() {
    // Left through, "TLS1.2_2021" would rank nothing below it: every distribution
    // would pass CDN-004 without a word.
    let dir = tempfile::tempdir().unwrap();
    let plan = write(dir.path(), "plan.json", MINIMAL_PLAN);
    let cfg = write(
        dir.path(),
        "c.toml",
        "[settings]\nflow_log_retention_days = 90\ncloudfront_min_tls = \"TLS1.2_2021\"\n",
    );
    assert_input_error(
        &["plan", &plan, "--config", &cfg],
        &format!("infracheck: error: {cfg}: line 3: cloudfront_min_tls: \"TLS1.2_2021\" is not a CloudFront security policy (like TLSv1.2_2021)"),
    );
}

#[test]
fn builtin_policy_tests_all_pass() {
    let o = infracheck(&["policies", "test"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    let last = out.lines().last().unwrap();
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(passed >= 30, "{last}");
}

#[test]
fn asff_of_a_plan_without_accounts_is_a_one_line_error() {
    assert_input_error(
        &[
            "plan",
            "fixtures/plans/reference-architecture.json",
            "-f",
            "asff",
        ],
        "infracheck: error: ASFF needs the AWS account of every finding, and the account of module.primary.aws_lb_listener.http is not known (scan a live account with `infracheck live`)",
    );
}
