//! `infracheck live --role-arn A,B`: one run over several accounts, against moto's
//! server (see `common/moto.rs`). moto switches accounts on AssumeRole into a role
//! ARN of another account (the role need not exist): the temporary credentials it
//! hands out belong to that account.
//!
//! Account A (moto's default) and account B differ: A's bucket has no versioning
//! (S3-003 FAILED) and A has GuardDuty (GD-001 PASSED); B's bucket is versioned and
//! B has no GuardDuty detector (GD-001 FAILED in B only). moto never refuses a
//! role: a small proxy in front of it refuses AssumeRole into roles named `denied`.
#![cfg(feature = "live")]

mod common;

use std::collections::BTreeSet;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use common::moto::{closed_url, infracheck_command, s3, sdk, start_moto, Moto};

const A: &str = "123456789012";
const B: &str = "210987654321";
const EAST: &str = "us-east-1";

fn role(account: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:role/{name}")
}

/// An SDK configuration with the credentials of `role` (assumed with the default
/// account's test credentials).
async fn sdk_as(moto: &Moto, role_arn: &str) -> SdkConfig {
    let base = sdk(moto, EAST).await;
    let out = aws_sdk_sts::Client::new(&base)
        .assume_role()
        .role_arn(role_arn)
        .role_session_name("tests")
        .send()
        .await
        .unwrap();
    let c = out.credentials().unwrap();
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(EAST))
        .endpoint_url(moto.url())
        .credentials_provider(aws_sdk_sts::config::Credentials::new(
            c.access_key_id(),
            c.secret_access_key(),
            Some(c.session_token().to_string()),
            None,
            "tests",
        ))
        .load()
        .await
}

/// A bucket (versioned or not) in each account, GuardDuty in A only, Security Hub
/// enabled in both. Returns B's configuration.
async fn seed(moto: &Moto) -> SdkConfig {
    let a = sdk(moto, EAST).await;
    let b = sdk_as(moto, &role(B, "seed")).await;
    for (conf, bucket, versioned) in [(&a, "ic-a-plain", false), (&b, "ic-b-versioned", true)] {
        let s3 = s3(conf);
        s3.create_bucket().bucket(bucket).send().await.unwrap();
        if versioned {
            s3.put_bucket_versioning()
                .bucket(bucket)
                .versioning_configuration(
                    aws_sdk_s3::types::VersioningConfiguration::builder()
                        .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                        .build(),
                )
                .send()
                .await
                .unwrap();
        }
        aws_sdk_securityhub::Client::new(conf)
            .enable_security_hub()
            .send()
            .await
            .unwrap();
    }
    aws_sdk_guardduty::Client::new(&a)
        .create_detector()
        .enable(true)
        .send()
        .await
        .unwrap();
    b
}

struct Run {
    code: i32,
    json: serde_json::Value,
    asff: serde_json::Value,
    stderr: String,
}

/// `infracheck live` on us-east-1 with S3-003 and GD-001, JSON and ASFF reports.
fn live(args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec![
        "live",
        "--regions",
        EAST,
        "--rules",
        "S3-003,GD-001",
        "--fail-on",
        "never",
        "-f",
        "json=report.json",
        "-f",
        "asff=asff.json",
    ];
    all.extend(args);
    let o = infracheck_command(dir.path()).args(&all).output().unwrap();
    let read = |f: &str| {
        std::fs::read_to_string(dir.path().join(f))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(serde_json::Value::Null)
    };
    Run {
        code: o.status.code().unwrap_or(-1),
        json: read("report.json"),
        asff: read("asff.json"),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn outcomes(doc: &serde_json::Value) -> BTreeSet<(String, String, String)> {
    doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rule_id"].as_str().unwrap().to_string(),
                r["address"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn set(items: &[(&str, &str, &str)]) -> BTreeSet<(String, String, String)> {
    items
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_account_is_evaluated_on_its_own_and_reported_together() {
    let Some(moto) = start_moto() else { return };
    seed(&moto).await;
    let roles = format!("{},{}", role(A, "audit"), role(B, "audit"));
    // A second role into B: B is read once.
    let run = live(&[
        "--endpoint-url",
        &moto.url(),
        "--role-arn",
        &roles,
        "--role-arn",
        &role(B, "other"),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = &run.json;
    assert_eq!(doc["source"]["path"], format!("aws:{A},{B}"));
    assert_eq!(doc["source"]["accounts"], serde_json::json!([A, B]));
    assert_eq!(
        outcomes(doc),
        set(&[
            ("GD-001", &format!("{A}/region/us-east-1"), "PASSED"),
            ("GD-001", &format!("{B}/region/us-east-1"), "FAILED"),
            (
                "S3-003",
                &format!("aws_s3_bucket.{A}/us-east-1/ic-a-plain"),
                "FAILED"
            ),
            (
                "S3-003",
                &format!("aws_s3_bucket.{B}/us-east-1/ic-b-versioned"),
                "PASSED"
            ),
        ]),
        "{doc:#}"
    );
    for r in doc["results"].as_array().unwrap() {
        let address = r["address"].as_str().unwrap();
        let account = r["account"].as_str().unwrap();
        assert!(address.contains(account), "{r:#}");
    }
    // Every gap of a read that failed names its account.
    for g in doc["coverage_gaps"].as_array().unwrap() {
        if g["reason"] == "unreadable" {
            assert!(g["account"] == A || g["account"] == B, "{g:#}");
        }
    }
    // ASFF: each finding in the account of its resource (or of the account evaluated).
    let asff: BTreeSet<(String, String, String)> = run.asff["Findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["AwsAccountId"].as_str().unwrap().to_string(),
                f["ProductArn"].as_str().unwrap().to_string(),
                f["Resources"][0]["Id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let product = |a: &str| format!("arn:aws:securityhub:us-east-1:{a}:product/{a}/default");
    let expected: BTreeSet<(String, String, String)> = [
        (A, format!("AWS::::Account:{A}")),
        (B, format!("AWS::::Account:{B}")),
        (A, "arn:aws:s3:::ic-a-plain".to_string()),
        (B, "arn:aws:s3:::ic-b-versioned".to_string()),
    ]
    .into_iter()
    .map(|(a, id)| (a.to_string(), product(a), id))
    .collect();
    assert_eq!(asff, expected);

    // One account: output as it always was (no `accounts`, unqualified regions).
    let one = live(&[
        "--endpoint-url",
        &moto.url(),
        "--role-arn",
        &role(B, "audit"),
    ]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(one.json["source"].get("accounts").is_none());
    assert!(outcomes(&one.json).contains(&(
        "GD-001".to_string(),
        "region/us-east-1".to_string(),
        "FAILED".to_string()
    )));
    assert!(one.json["results"][0].get("account").is_none());
}

/// Creates a VPC of `cidr` and returns its ID.
async fn vpc(conf: &SdkConfig, cidr: &str) -> String {
    aws_sdk_ec2::Client::new(conf)
        .create_vpc()
        .cidr_block(cidr)
        .send()
        .await
        .unwrap()
        .vpc()
        .and_then(|v| v.vpc_id())
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vpc_ranges_are_compared_across_accounts() {
    let Some(moto) = start_moto() else { return };
    let b = seed(&moto).await;
    let a = sdk(&moto, EAST).await;
    // The same range in both accounts (one network over peering or a transit
    // gateway could not route it), and a range of B's own.
    let a_shared = vpc(&a, "10.77.0.0/16").await;
    let b_shared = vpc(&b, "10.77.0.0/16").await;
    let b_own = vpc(&b, "10.78.0.0/16").await;
    let roles = format!("{},{}", role(A, "audit"), role(B, "audit"));
    let run = live(&[
        "--endpoint-url",
        &moto.url(),
        "--role-arn",
        &roles,
        "--rules",
        "NET-001",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let address = |account: &str, id: &str| format!("aws_vpc.{account}/{EAST}/{id}");
    let mine = [
        address(A, &a_shared),
        address(B, &b_shared),
        address(B, &b_own),
    ];
    let (net, defaults): (BTreeSet<_>, BTreeSet<_>) = outcomes(&run.json)
        .into_iter()
        .filter(|(rule, _, _)| rule == "NET-001")
        .partition(|(_, address, _)| mine.contains(address));
    // moto's default VPC of each account: 172.31.0.0/16 in both, left out of the
    // comparison (include_default_vpcs is false), so PASSED.
    assert_eq!(defaults.len(), 2, "{defaults:?}");
    assert!(defaults.iter().all(|(_, _, status)| status == "PASSED"));
    assert_eq!(
        net,
        set(&[
            ("NET-001", &address(A, &a_shared), "FAILED"),
            ("NET-001", &address(B, &b_shared), "FAILED"),
            ("NET-001", &address(B, &b_own), "PASSED"),
        ]),
        "{:#}",
        run.json
    );
    let message = run.json["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == address(A, &a_shared).as_str())
        .map(|r| r["message"].as_str().unwrap().to_string())
        .unwrap();
    assert_eq!(
        message,
        format!(
            "CIDR 10.77.0.0/16 overlaps CIDR 10.77.0.0/16 of VPC {}",
            address(B, &b_shared)
        )
    );
    // The rule is listed once, with the others.
    let ids: Vec<&str> = run.json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["GD-001", "NET-001", "S3-003"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn security_hub_gets_each_accounts_findings_with_its_credentials() {
    let Some(moto) = start_moto() else { return };
    let b = seed(&moto).await;
    let a = sdk(&moto, EAST).await;
    let roles = format!("{},{}", role(A, "audit"), role(B, "audit"));
    let run = live(&[
        "--endpoint-url",
        &moto.url(),
        "--role-arn",
        &roles,
        "--security-hub",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "infracheck: account {A}: security hub us-east-1: 1 new"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "infracheck: account {B}: security hub us-east-1: 1 new"
        )),
        "{}",
        run.stderr
    );
    // Each hub holds its own account's FAILED finding, nothing of the other.
    for (conf, account, rule, resource) in [
        (&a, A, "S3-003", "arn:aws:s3:::ic-a-plain".to_string()),
        (&b, B, "GD-001", format!("AWS::::Account:{B}")),
    ] {
        let found = hub(conf).await;
        assert_eq!(
            found,
            vec![(
                account.to_string(),
                format!("infracheck/{rule}"),
                resource,
                "FAILED".to_string()
            )],
            "{account}"
        );
    }
}

/// (account, generator, resource, compliance) of every finding in the caller's hub.
/// (The SDK's debug-build deserializer of findings needs more stack than a test
/// thread has: it runs on a thread of its own.)
async fn hub(conf: &SdkConfig) -> Vec<(String, String, String, String)> {
    let conf = conf.clone();
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async move {
                    let out = aws_sdk_securityhub::Client::new(&conf)
                        .get_findings()
                        .send()
                        .await
                        .unwrap();
                    out.findings()
                        .iter()
                        .map(|f| {
                            (
                                f.aws_account_id().unwrap().to_string(),
                                f.generator_id().unwrap().to_string(),
                                f.resources()[0].id().unwrap().to_string(),
                                f.compliance()
                                    .unwrap()
                                    .status()
                                    .unwrap()
                                    .as_str()
                                    .to_string(),
                            )
                        })
                        .collect()
                })
        })
        .unwrap()
        .join()
        .unwrap()
}

/// A proxy in front of moto that refuses AssumeRole into any role named `denied`
/// (moto assumes any role), and passes everything else through: one connection to
/// moto per request.
fn denying_proxy(moto: &Moto) -> String {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let upstream = format!("127.0.0.1:{}", moto.port);
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { continue };
            let upstream = upstream.clone();
            std::thread::spawn(move || {
                // One request: headers, then Content-Length bytes of body.
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                let head_end = loop {
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                    match client.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse().ok())?
                    })
                    .unwrap_or(0);
                while buf.len() < head_end + length {
                    match client.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let body = String::from_utf8_lossy(&buf[head_end..]).into_owned();
                if body.contains("Action=AssumeRole") && body.contains("role%2Fdenied") {
                    let xml = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform sts:AssumeRole</Message></Error><RequestId>denied</RequestId></ErrorResponse>";
                    let _ = write!(
                        client,
                        "HTTP/1.1 403 Forbidden\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{xml}",
                        xml.len()
                    );
                    return;
                }
                let mut request: String = head
                    .trim_end()
                    .lines()
                    .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
                    .map(|l| format!("{l}\r\n"))
                    .collect();
                request.push_str("Connection: close\r\n\r\n");
                let Ok(mut moto) = TcpStream::connect(&upstream) else {
                    return;
                };
                let _ = moto.write_all(request.as_bytes());
                let _ = moto.write_all(&buf[head_end..]);
                let mut response = Vec::new();
                let _ = moto.read_to_end(&mut response);
                let _ = client.write_all(&response);
            });
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_that_cannot_be_assumed_is_a_gap_and_the_others_are_scanned() {
    let Some(moto) = start_moto() else { return };
    seed(&moto).await;
    let proxy = denying_proxy(&moto);
    const C: &str = "333344445555";
    let roles = format!("{},{}", role(A, "audit"), role(C, "denied"));
    let run = live(&["--endpoint-url", &proxy, "--role-arn", &roles]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "infracheck: warning: account {C} could not be read (role arn:aws:iam::{C}:role/denied)"
        )),
        "{}",
        run.stderr
    );
    let doc = &run.json;
    assert_eq!(doc["source"]["path"], format!("aws:{A},{C}"));
    assert_eq!(
        outcomes(doc),
        set(&[
            ("GD-001", &format!("{A}/region/us-east-1"), "PASSED"),
            ("GD-001", &format!("{C}/region/us-east-1"), "UNKNOWN"),
            (
                "S3-003",
                &format!("aws_s3_bucket.{A}/us-east-1/ic-a-plain"),
                "FAILED"
            ),
        ]),
        "{doc:#}"
    );
    let gaps: Vec<&serde_json::Value> = doc["coverage_gaps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["account"] == C)
        .collect();
    assert_eq!(gaps.len(), 1, "{doc:#}");
    assert_eq!(gaps[0]["service"], "sts");
    assert_eq!(gaps[0]["region"], serde_json::Value::Null);
    let error = gaps[0]["error"].as_str().unwrap();
    assert!(
        error.ends_with(&format!(
            "cannot assume role arn:aws:iam::{C}:role/denied: sts:AssumeRole: AccessDenied: not authorized to perform sts:AssumeRole"
        )),
        "{error}"
    );
    let unknown = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "UNKNOWN")
        .unwrap();
    assert!(
        unknown["message"].as_str().unwrap().starts_with(&format!(
            "coverage gap: sts in account {C}, all regions could not be read"
        )),
        "{unknown:#}"
    );
}

#[test]
fn nothing_readable_from_any_account_is_exit_code_2() {
    let roles = format!("{},{}", role(A, "audit"), role(B, "audit"));
    let run = live(&["--endpoint-url", &closed_url(), "--role-arn", &roles]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("infracheck: error: nothing could be read from any of the 2 accounts"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(B), "{}", run.stderr);
}

#[test]
fn a_role_arn_that_names_no_account_is_refused() {
    let run = live(&["--endpoint-url", &closed_url(), "--role-arn", "audit"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("--role-arn: \"audit\" is not an IAM role ARN"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_misspelt_region_is_refused_before_any_request() {
    // The endpoint is closed: a region read would be a coverage gap, not this error.
    let run = live(&["--endpoint-url", &closed_url(), "--regions", "us-east1"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr.trim_end(),
        "infracheck: error: --regions: \"us-east1\" is not an AWS region name (like us-east-1)"
    );
}
