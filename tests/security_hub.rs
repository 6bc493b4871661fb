//! `infracheck live --security-hub` against moto's server (see `common/moto.rs`):
//! findings are imported into each region's Security Hub and kept true across runs
//! (fixed → PASSED with the original CreatedAt, deleted → ARCHIVED), nothing is
//! archived outside the scope a run evaluated, a region without Security Hub is
//! skipped, and more than 100 findings go in several batches.
#![cfg(feature = "live")]

mod common;

use std::collections::BTreeMap;

use aws_sdk_ec2::types as ec2t;
use common::moto::{closed_url, infracheck_command, s3, sdk, start_moto, Moto};
use infracheck::report::asff::finding_id;

const ACCOUNT: &str = "123456789012";
const EAST: &str = "us-east-1";
const WEST: &str = "us-west-2";
/// Security groups with SSH open to the internet in us-east-1: with the bucket,
/// more findings than one import call takes.
const OPEN_GROUPS: usize = 105;

/// Runs `infracheck live --security-hub` on both regions; returns the exit code and
/// standard error.
fn live_push(moto: &Moto, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let endpoint = moto.url();
    let mut all = vec![
        "live",
        "--regions",
        "us-east-1,us-west-2",
        "--security-hub",
        "--fail-on",
        "never",
        "-f",
        "json=report.json",
    ];
    if !env.iter().any(|(k, _)| *k == "AWS_ENDPOINT_URL") {
        all.extend(["--endpoint-url", &endpoint]);
    }
    all.extend(args);
    let o = infracheck_command(dir.path())
        .args(&all)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Every finding in the region's Security Hub, by Id. (The SDK's debug-build
/// deserializer of findings needs more stack than a test thread has: it runs on a
/// thread of its own.)
async fn hub_findings(moto: &Moto, region: &str) -> BTreeMap<String, Hub> {
    let conf = sdk(moto, region).await;
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(read_findings(conf))
        })
        .unwrap()
        .join()
        .unwrap()
}

async fn read_findings(conf: aws_config::SdkConfig) -> BTreeMap<String, Hub> {
    let client = aws_sdk_securityhub::Client::new(&conf);
    let mut out = BTreeMap::new();
    let mut pages = client
        .get_findings()
        .max_results(100)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        for f in page.unwrap().findings() {
            let c = f.compliance().unwrap();
            out.insert(
                f.id().unwrap().to_string(),
                Hub {
                    status: c.status().unwrap().as_str().to_string(),
                    record_state: f.record_state().unwrap().as_str().to_string(),
                    created_at: f.created_at().unwrap().to_string(),
                    updated_at: f.updated_at().unwrap().to_string(),
                    finding: Box::new(f.clone()),
                },
            );
        }
    }
    out
}

#[derive(Debug, Clone)]
struct Hub {
    status: String,
    record_state: String,
    created_at: String,
    updated_at: String,
    finding: Box<aws_sdk_securityhub::types::AwsSecurityFinding>,
}

fn ssh_open() -> ec2t::IpPermission {
    ec2t::IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(22)
        .to_port(22)
        .ip_ranges(ec2t::IpRange::builder().cidr_ip("0.0.0.0/0").build())
        .build()
}

/// Security groups with SSH open in `region`: (group ID, rule ID) of each.
async fn open_groups(moto: &Moto, region: &str, n: usize) -> Vec<(String, String)> {
    let ec2 = aws_sdk_ec2::Client::new(&sdk(moto, region).await);
    let mut out = Vec::new();
    for i in 0..n {
        let id = ec2
            .create_security_group()
            .group_name(format!("open-{i}"))
            .description("ssh from anywhere")
            .send()
            .await
            .unwrap()
            .group_id()
            .unwrap()
            .to_string();
        let rule = ec2
            .authorize_security_group_ingress()
            .group_id(&id)
            .ip_permissions(ssh_open())
            .send()
            .await
            .unwrap()
            .security_group_rules()[0]
            .security_group_rule_id()
            .unwrap()
            .to_string();
        out.push((id, rule));
    }
    out
}

/// The SG-003 finding of a group's SSH rule: findings are on the resource that
/// carries the rule.
fn group_id(region: &str, group: &(String, String)) -> String {
    finding_id(
        ACCOUNT,
        region,
        "SG-003",
        &format!(
            "aws_vpc_security_group_ingress_rule.{ACCOUNT}/{region}/{}",
            group.1
        ),
    )
}

fn bucket_id(name: &str) -> String {
    finding_id(
        ACCOUNT,
        EAST,
        "S3-003",
        &format!("aws_s3_bucket.{ACCOUNT}/{EAST}/{name}"),
    )
}

fn summary<'a>(stderr: &'a str, region: &str) -> &'a str {
    let prefix = format!("infracheck: security hub {region}: ");
    stderr
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no summary for {region} in:\n{stderr}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn findings_are_imported_and_kept_true_across_runs() {
    let Some(moto) = start_moto() else { return };
    import_scenario(&moto).await;
}

async fn import_scenario(moto: &Moto) {
    let east = sdk(moto, EAST).await;
    aws_sdk_securityhub::Client::new(&east)
        .enable_security_hub()
        .send()
        .await
        .unwrap();
    // us-west-2 has no Security Hub: it is skipped.
    let groups = open_groups(moto, EAST, OPEN_GROUPS).await;
    let west_groups = open_groups(moto, WEST, 1).await;
    let s3c = s3(&east);
    for name in ["ic-sh-plain", "ic-sh-versioned"] {
        s3c.create_bucket().bucket(name).send().await.unwrap();
    }
    let versioning_on = || {
        s3c.put_bucket_versioning().versioning_configuration(
            aws_sdk_s3::types::VersioningConfiguration::builder()
                .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                .build(),
        )
    };
    versioning_on()
        .bucket("ic-sh-versioned")
        .send()
        .await
        .unwrap();
    let rules = ["--rules", "SG-003,S3-003"];

    // First run: every FAILED outcome is a new finding; PASSED ones make none.
    let (code, stderr) = live_push(moto, &rules, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        summary(&stderr, EAST),
        "106 new, 0 updated (0 now PASSED), 0 archived, 0 left as they were, 0 failed (2 import calls)"
    );
    assert!(
        summary(&stderr, WEST).starts_with("skipped: Security Hub is not enabled or not readable (securityhub:DescribeHub: InvalidAccessException"),
        "{stderr}"
    );
    let first = hub_findings(moto, EAST).await;
    assert_eq!(first.len(), 106);
    assert!(hub_findings(moto, WEST).await.is_empty());
    let mut expected: Vec<String> = groups.iter().map(|g| group_id(EAST, g)).collect();
    expected.push(bucket_id("ic-sh-plain"));
    expected.sort();
    assert_eq!(first.keys().cloned().collect::<Vec<_>>(), expected);
    assert!(!first.contains_key(&group_id(WEST, &west_groups[0])));

    let plain = &first[&bucket_id("ic-sh-plain")].finding;
    assert_eq!(plain.schema_version(), Some("2018-10-08"));
    assert_eq!(
        plain.product_arn(),
        Some("arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default")
    );
    assert_eq!(plain.generator_id(), Some("infracheck/S3-003"));
    assert_eq!(plain.aws_account_id(), Some(ACCOUNT));
    assert_eq!(plain.region(), Some(EAST));
    assert_eq!(plain.title(), Some("S3 buckets have versioning enabled"));
    assert_eq!(plain.record_state().unwrap().as_str(), "ACTIVE");
    assert_eq!(plain.created_at(), plain.updated_at());
    let compliance = plain.compliance().unwrap();
    assert_eq!(compliance.status().unwrap().as_str(), "FAILED");
    let resource = &plain.resources()[0];
    assert_eq!(resource.r#type(), Some("AwsS3Bucket"));
    assert_eq!(resource.id(), Some("arn:aws:s3:::ic-sh-plain"));
    assert_eq!(resource.region(), Some(EAST));
    assert_eq!(resource.partition().unwrap().as_str(), "aws");
    let sev = plain.severity().unwrap();
    assert_eq!(
        plain
            .finding_provider_fields()
            .unwrap()
            .severity()
            .unwrap()
            .label(),
        sev.label()
    );
    assert_eq!(
        plain.finding_provider_fields().unwrap().types(),
        plain.types()
    );
    assert!(!plain
        .remediation()
        .unwrap()
        .recommendation()
        .unwrap()
        .text()
        .unwrap()
        .is_empty());
    let ssh = &first[&group_id(EAST, &groups[0])].finding;
    assert_eq!(ssh.generator_id(), Some("infracheck/SG-003"));
    assert_eq!(ssh.resources()[0].r#type(), Some("AwsEc2SecurityGroup"));
    assert_eq!(
        ssh.resources()[0].id(),
        Some(
            format!(
                "arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/{}",
                groups[0].0
            )
            .as_str()
        )
    );
    assert_eq!(
        ssh.severity().unwrap().label().unwrap().as_str(),
        "CRITICAL"
    );
    assert_eq!(
        ssh.compliance().unwrap().related_requirements(),
        [
            "CIS AWS Foundations Benchmark v3.0.0/5.2",
            "CIS AWS Foundations Benchmark v3.0.0/5.3",
            "PCI DSS v4.0.1/1.3.1"
        ]
    );

    // Second run: the bucket is fixed, one group's SSH rule is revoked, another
    // group is deleted: the bucket's finding turns PASSED, the rules' findings are
    // archived (their resources are gone).
    versioning_on().bucket("ic-sh-plain").send().await.unwrap();
    let ec2 = aws_sdk_ec2::Client::new(&east);
    ec2.revoke_security_group_ingress()
        .group_id(&groups[0].0)
        .ip_permissions(ssh_open())
        .send()
        .await
        .unwrap();
    ec2.delete_security_group()
        .group_id(&groups[1].0)
        .send()
        .await
        .unwrap();
    let (code, stderr) = live_push(moto, &rules, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        summary(&stderr, EAST),
        "0 new, 104 updated (1 now PASSED), 2 archived, 0 left as they were, 0 failed (2 import calls)"
    );
    let second = hub_findings(moto, EAST).await;
    assert_eq!(second.len(), 106);
    for (id, f) in &second {
        // Every finding was found again (GetFindings read all pages).
        assert_eq!(f.created_at, first[id].created_at, "{id}");
        assert!(f.updated_at > first[id].updated_at, "{id}");
    }
    let state =
        |m: &BTreeMap<String, Hub>, id: &str| (m[id].status.clone(), m[id].record_state.clone());
    assert_eq!(
        state(&second, &bucket_id("ic-sh-plain")),
        ("PASSED".into(), "ACTIVE".into())
    );
    for gone in &groups[..2] {
        assert_eq!(
            state(&second, &group_id(EAST, gone)),
            ("FAILED".into(), "ARCHIVED".into())
        );
    }
    assert_eq!(
        state(&second, &group_id(EAST, &groups[2])),
        ("FAILED".into(), "ACTIVE".into())
    );

    // A coverage gap: EC2 cannot be read. Group 2 is deleted, but SG-003 was not
    // evaluated, so its findings stay as they are; S3-003 was, and is updated.
    ec2.delete_security_group()
        .group_id(&groups[2].0)
        .send()
        .await
        .unwrap();
    let closed_url = closed_url();
    let (code, stderr) = live_push(
        moto,
        &rules,
        &[
            ("AWS_ENDPOINT_URL", &moto.url()),
            ("AWS_ENDPOINT_URL_EC2", &closed_url),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        summary(&stderr, EAST),
        "0 new, 1 updated (0 now PASSED), 0 archived, 103 left as they were, 0 failed (1 import calls)"
    );
    let third = hub_findings(moto, EAST).await;
    for id in groups.iter().map(|g| group_id(EAST, g)) {
        assert_eq!(third[&id].updated_at, second[&id].updated_at, "{id}");
    }
    assert_eq!(
        state(&third, &group_id(EAST, &groups[2])),
        ("FAILED".into(), "ACTIVE".into())
    );

    // A partial run (--rules S3-003) does not touch the SG-003 findings either.
    let (code, stderr) = live_push(moto, &["--rules", "S3-003"], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        summary(&stderr, EAST),
        "0 new, 1 updated (0 now PASSED), 0 archived, 103 left as they were, 0 failed (1 import calls)"
    );
    assert_eq!(
        state(&hub_findings(moto, EAST).await, &group_id(EAST, &groups[2])),
        ("FAILED".into(), "ACTIVE".into())
    );

    // The same rules in full again: now group 2's finding is archived.
    let (code, stderr) = live_push(moto, &rules, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(summary(&stderr, EAST).contains(" 1 archived,"), "{stderr}");
    assert_eq!(
        state(&hub_findings(moto, EAST).await, &group_id(EAST, &groups[2])),
        ("FAILED".into(), "ARCHIVED".into())
    );
}

/// `--format asff` writes the findings without pushing anything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn format_asff_writes_the_findings_without_importing() {
    let Some(moto) = start_moto() else { return };
    let east = sdk(&moto, EAST).await;
    aws_sdk_securityhub::Client::new(&east)
        .enable_security_hub()
        .send()
        .await
        .unwrap();
    let groups = open_groups(&moto, EAST, 2).await;
    let dir = tempfile::tempdir().unwrap();
    let o = infracheck_command(dir.path())
        .args([
            "live",
            "--regions",
            "us-east-1",
            "--endpoint-url",
            &moto.url(),
            "--rules",
            "SG-003",
            "-f",
            "asff=findings.json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("findings.json")).unwrap())
            .unwrap();
    let by_id: BTreeMap<String, String> = doc["Findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["Id"].as_str().unwrap().to_string(),
                f["Compliance"]["Status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let addresses: Vec<(String, String)> = doc["Findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["ProductFields"]["infracheck/Address"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                f["Compliance"]["Status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for g in &groups {
        assert_eq!(by_id[&group_id(EAST, g)], "FAILED", "{addresses:#?}");
    }
    // The default security group passes, and is in the file too.
    assert!(by_id.values().any(|s| s == "PASSED"), "{by_id:#?}");
    assert!(hub_findings(&moto, EAST).await.is_empty());
}
