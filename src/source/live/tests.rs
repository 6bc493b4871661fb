//! The IAM policy, the list of operations and the collectors' calls agree.

use std::collections::BTreeSet;

use super::OPERATIONS;

const SOURCES: &[(&str, &str)] = &[
    ("mod.rs", include_str!("mod.rs")),
    ("sts.rs", include_str!("sts.rs")),
    ("ec2.rs", include_str!("ec2.rs")),
    ("s3.rs", include_str!("s3.rs")),
    ("guardduty.rs", include_str!("guardduty.rs")),
    ("securityhub.rs", include_str!("securityhub.rs")),
    ("elbv2.rs", include_str!("elbv2.rs")),
    ("elb.rs", include_str!("elb.rs")),
    ("wafv2.rs", include_str!("wafv2.rs")),
    ("logs.rs", include_str!("logs.rs")),
    ("config.rs", include_str!("config.rs")),
    ("cloudtrail.rs", include_str!("cloudtrail.rs")),
    ("secretsmanager.rs", include_str!("secretsmanager.rs")),
    ("dynamodb.rs", include_str!("dynamodb.rs")),
    ("appautoscaling.rs", include_str!("appautoscaling.rs")),
    ("autoscaling.rs", include_str!("autoscaling.rs")),
    ("cloudwatch.rs", include_str!("cloudwatch.rs")),
    ("elasticache.rs", include_str!("elasticache.rs")),
    ("dax.rs", include_str!("dax.rs")),
    ("backup.rs", include_str!("backup.rs")),
    ("iam.rs", include_str!("iam.rs")),
    ("cloudfront.rs", include_str!("cloudfront.rs")),
    ("route53.rs", include_str!("route53.rs")),
    ("kms.rs", include_str!("kms.rs")),
    ("sns.rs", include_str!("sns.rs")),
    ("sqs.rs", include_str!("sqs.rs")),
    ("rds.rs", include_str!("rds.rs")),
    ("efs.rs", include_str!("efs.rs")),
    ("acm.rs", include_str!("acm.rs")),
    ("kinesis.rs", include_str!("kinesis.rs")),
    ("lambda.rs", include_str!("lambda.rs")),
    ("firehose.rs", include_str!("firehose.rs")),
    ("synthetics.rs", include_str!("synthetics.rs")),
    ("tagging.rs", include_str!("tagging.rs")),
];

/// The operation names that `ctx.call("...")`, `ctx.call_opt("...")` and
/// `ctx.pages("...")` give, in one source text.
fn named_operations(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for helper in [".call(", ".call_opt(", ".pages("] {
        for (i, _) in text.match_indices(helper) {
            let rest = text[i + helper.len()..].trim_start();
            if let Some(rest) = rest.strip_prefix('"') {
                if let Some(end) = rest.find('"') {
                    out.push(rest[..end].to_string());
                }
            }
        }
    }
    out
}

#[test]
fn every_sdk_call_names_a_listed_operation() {
    let mut named: BTreeSet<String> = BTreeSet::new();
    for (file, text) in SOURCES {
        // Test code and comments aside, every `.send()` is one request, inside a
        // helper call that names its operation.
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let sends = code.matches(".send()").count();
        let ops = named_operations(&code);
        assert_eq!(
            sends,
            ops.len(),
            "{file}: {sends} .send() calls but {} named operations ({ops:?}): route every SDK call through ctx.call/call_opt/pages",
            ops.len()
        );
        named.extend(ops);
    }
    let listed: BTreeSet<String> = OPERATIONS.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        named, listed,
        "OPERATIONS differs from the calls the collectors make"
    );
}

#[test]
fn the_iam_policy_allows_every_operation_and_only_reads() {
    let text = include_str!("../../../docs/iam-policy.json");
    let doc: serde_json::Value = serde_json::from_str(text).expect("docs/iam-policy.json is JSON");
    let mut allowed: BTreeSet<String> = BTreeSet::new();
    for st in doc["Statement"].as_array().expect("Statement list") {
        assert_eq!(st["Effect"], "Allow");
        assert_eq!(st["Resource"], "*");
        for a in st["Action"].as_array().expect("Action list") {
            let a = a.as_str().unwrap().to_string();
            assert!(!a.contains('*'), "{a}: no wildcards in the minimal policy");
            let verb = a.split(':').nth(1).unwrap_or_default();
            assert!(
                ["Describe", "Get", "List"]
                    .iter()
                    .any(|p| verb.starts_with(p)),
                "{a} is not a read-only action"
            );
            allowed.insert(a);
        }
    }
    let listed: BTreeSet<String> = OPERATIONS.iter().map(|s| s.to_string()).collect();
    let missing: Vec<_> = listed.difference(&allowed).collect();
    let extra: Vec<_> = allowed.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "docs/iam-policy.json does not allow {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "docs/iam-policy.json allows unused {extra:?}"
    );
}

#[test]
fn uncollected_types_become_one_gap_per_service() {
    let mut needs = crate::coverage::Needs::new();
    needs.insert(
        "X-001".into(),
        [
            "aws_vpc",
            "aws_cloudfront_origin_access_control",
            "aws_lambda_layer_version",
            "aws_cloudfront_origin_access_identity",
            "aws_dynamodb_table",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    );
    let gaps = super::uncollected_gaps(&needs);
    let got: Vec<(&str, Vec<&str>)> = gaps
        .iter()
        .map(|g| {
            (
                g.service.as_str(),
                g.resource_types.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "cloudfront",
                vec![
                    "aws_cloudfront_origin_access_control",
                    "aws_cloudfront_origin_access_identity"
                ]
            ),
            ("lambda", vec!["aws_lambda_layer_version"]),
        ]
    );
}

#[test]
fn services_of_uncollected_types() {
    for (kind, service) in [
        ("aws_lambda_function", "lambda"),
        ("aws_db_instance", "rds"),
        ("aws_rds_cluster", "rds"),
        ("aws_kinesis_firehose_delivery_stream", "firehose"),
        ("aws_kinesis_stream", "kinesis"),
        ("aws_sns_topic", "sns"),
        ("aws_eip", "ec2"),
    ] {
        assert_eq!(super::service_of(kind), service, "{kind}");
    }
}

#[test]
fn the_tag_and_region_rules_types_are_collected() {
    for kind in [
        "aws_lambda_function",
        "aws_kinesis_firehose_delivery_stream",
        "aws_synthetics_canary",
        "aws_cloudwatch_metric_alarm",
    ] {
        assert!(super::is_collected(kind), "{kind}");
    }
}

#[test]
fn a_resource_missing_from_a_tag_batch_has_no_tags_and_a_failed_batch_unknown_ones() {
    use serde_json::json;
    let batch = Ok([("arn:a".to_string(), json!({"Owner": "me"}))]
        .into_iter()
        .collect());
    assert_eq!(
        super::tagging::of(&batch, "arn:a"),
        Some(json!({"Owner": "me"}))
    );
    assert_eq!(super::tagging::of(&batch, "arn:b"), Some(json!({})));
    let failed = Err(super::CallError {
        op: "tag:GetResources",
        code: "AccessDenied".into(),
        message: String::new(),
    });
    assert_eq!(super::tagging::of(&failed, "arn:a"), None);
}
