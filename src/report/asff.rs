//! ASFF, the AWS Security Finding Format: the findings as AWS Security Hub imports
//! them. `--format asff` writes `{"Findings": [...]}`, the body of a
//! BatchImportFindings request; `live --security-hub` imports the same findings
//! (see `crate::publish::security_hub`).
//!
//! - One finding per (rule, resource) outcome: FAILED, PASSED, or NOT_AVAILABLE for
//!   UNKNOWN in `Compliance.Status`.
//! - The product is the account's own private product
//!   (`arn:aws:securityhub:<region>:<account>:product/<account>/default`).
//! - The `Id` is deterministic per (account, region, rule, resource), so a finding
//!   keeps its identity, workflow status and notes across runs.
//! - Text is cut to Security Hub's field limits and each finding kept under
//!   240 KB, so that an import never fails on size.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::findings::{fingerprint, Finding, RuleMeta, Severity, Status};
use crate::frameworks;
use crate::model::{partition, Resource, Scan};

pub const SCHEMA_VERSION: &str = "2018-10-08";
/// Every GeneratorId starts with this; it tells our findings from others'.
pub const GENERATOR_PREFIX: &str = "infracheck/";
/// Security Hub's limit on one finding (JSON).
pub const MAX_FINDING_BYTES: usize = 240 * 1024;

const TITLE_MAX: usize = 256;
const DESCRIPTION_MAX: usize = 1024;
const RECOMMENDATION_MAX: usize = 512;
const URL_MAX: usize = 512;
const ID_MAX: usize = 512;
const PRODUCT_FIELD_KEY_MAX: usize = 128;
const PRODUCT_FIELD_VALUE_MAX: usize = 2048;
const PRODUCT_FIELDS_MAX: usize = 50;
const LIST_MAX: usize = 32;
const TYPES_MAX: usize = 50;
const TAGS_MAX: usize = 50;
const TAG_KEY_MAX: usize = 128;
const TAG_VALUE_MAX: usize = 256;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AsffFinding {
    pub schema_version: String,
    pub id: String,
    pub product_arn: String,
    pub product_name: String,
    pub company_name: String,
    pub generator_id: String,
    pub aws_account_id: String,
    pub region: String,
    pub types: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
    pub first_observed_at: String,
    pub last_observed_at: String,
    pub severity: AsffSeverity,
    pub title: String,
    pub description: String,
    pub remediation: Remediation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    pub product_fields: BTreeMap<String, String>,
    pub resources: Vec<AsffResource>,
    pub compliance: Compliance,
    pub finding_provider_fields: FindingProviderFields,
    pub record_state: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AsffSeverity {
    /// CRITICAL, HIGH, MEDIUM, LOW or INFORMATIONAL.
    pub label: String,
    /// The rule's own severity.
    pub original: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Remediation {
    pub recommendation: Recommendation,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Recommendation {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AsffResource {
    /// The ASFF resource type (`AwsS3Bucket`), `AwsAccount` for region-wide rules,
    /// `Other` where ASFF has none.
    #[serde(rename = "Type")]
    pub kind: String,
    /// The ARN where known, else the resource's ID.
    pub id: String,
    pub partition: String,
    pub region: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Compliance {
    /// PASSED, FAILED or NOT_AVAILABLE.
    pub status: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_requirements: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_control_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub associated_standards: Vec<AssociatedStandard>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociatedStandard {
    pub standards_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FindingProviderFields {
    pub severity: AsffSeverity,
    pub types: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum AsffError {
    #[error("ASFF needs the AWS account of every finding, and the account of {address} is not known (scan a live account with `infracheck live`)")]
    NoAccount { address: String },
}

/// How the findings of a scan become ASFF.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// `CreatedAt`, `UpdatedAt` and the observation times, RFC 3339.
    pub now: String,
    /// Where findings on global resources (IAM, CloudFront...) and on resources in
    /// regions that were not scanned go (the primary region).
    pub home_region: &'a str,
    /// The rule reference, for `Remediation.Recommendation.Url`.
    pub rule_docs_url: Option<&'a str>,
}

/// Now, as Security Hub writes times.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The private product of an account in a region.
pub fn product_arn(region: &str, account: &str) -> String {
    format!(
        "arn:{}:securityhub:{region}:{account}:product/{account}/default",
        partition(region)
    )
}

/// The finding `Id` of a (rule, resource) outcome in an account and region.
pub fn finding_id(account: &str, region: &str, rule_id: &str, address: &str) -> String {
    format!(
        "infracheck/{account}/{region}/{rule_id}/{}",
        fingerprint(rule_id, address)
    )
}

/// The rule ID of one of our findings, from its GeneratorId.
pub fn rule_of_generator(generator_id: &str) -> Option<&str> {
    generator_id.strip_prefix(GENERATOR_PREFIX)
}

/// Every outcome of the scan as an ASFF finding, in the order of the findings.
pub fn build(
    findings: &[Finding],
    rules: &[RuleMeta],
    scan: &Scan,
    opts: &Options<'_>,
) -> Result<Vec<AsffFinding>, AsffError> {
    let rules: HashMap<&str, &RuleMeta> = rules.iter().map(|r| (r.id.as_str(), r)).collect();
    let resources: HashMap<&str, &Resource> = scan
        .resources
        .iter()
        .map(|r| (r.address.as_str(), r))
        .collect();
    // Security group rules are reported on their group, as Security Hub's own
    // controls do.
    let groups: HashMap<String, String> = scan
        .resources
        .iter()
        .filter(|r| {
            matches!(
                r.kind.as_str(),
                "aws_security_group" | "aws_default_security_group"
            )
        })
        .filter_map(|r| Some((text_value(r, "id")?, resource_id(r))))
        .collect();
    let mut out = Vec::with_capacity(findings.len());
    for f in findings {
        let Some(rule) = rules.get(f.rule_id.as_str()) else {
            continue;
        };
        let resource = resources.get(f.address.as_str()).copied();
        let account = resource
            .and_then(|r| r.account.clone())
            // A region outcome of a run over several accounts names its account.
            .or_else(|| crate::accounts::region_outcome_account(&f.address).map(str::to_string))
            .or_else(|| (scan.accounts.len() == 1).then(|| scan.accounts[0].clone()))
            .ok_or_else(|| AsffError::NoAccount {
                address: f.address.clone(),
            })?;
        let hub_region = match &f.region {
            Some(r) if scan.regions.contains(r) => r.clone(),
            _ => opts.home_region.to_string(),
        };
        out.push(finding(
            f,
            rule,
            resource,
            &groups,
            &account,
            &hub_region,
            opts,
        ));
    }
    Ok(out)
}

fn finding(
    f: &Finding,
    rule: &RuleMeta,
    resource: Option<&Resource>,
    groups: &HashMap<String, String>,
    account: &str,
    hub_region: &str,
    opts: &Options<'_>,
) -> AsffFinding {
    let severity = AsffSeverity {
        // What passes is not a risk; Security Hub's own controls do the same.
        label: if f.status == Status::Passed {
            "INFORMATIONAL".to_string()
        } else {
            severity_label(rule.severity).to_string()
        },
        original: rule.severity.as_str().to_uppercase(),
    };
    let types = types(rule);
    let resource_region = f
        .region
        .clone()
        .or_else(|| resource.and_then(|r| r.region.clone()))
        .unwrap_or_else(|| hub_region.to_string());
    let group = resource
        .filter(|r| SECURITY_GROUP_RULES.contains(&r.kind.as_str()))
        .and_then(|r| groups.get(&text_value(r, "security_group_id")?));
    let asff_resource = match resource {
        Some(_) if group.is_some() => AsffResource {
            kind: "AwsEc2SecurityGroup".to_string(),
            id: cut(group.map(String::as_str).unwrap_or_default(), ID_MAX),
            partition: partition(&resource_region).to_string(),
            region: resource_region,
            tags: BTreeMap::new(),
        },
        Some(r) => AsffResource {
            kind: resource_type(&r.kind).to_string(),
            id: cut(&resource_id(r), ID_MAX),
            partition: partition(&resource_region).to_string(),
            region: resource_region,
            tags: tags(r),
        },
        // Region-wide rules ("no GuardDuty detector in us-west-2") are about the
        // account in that region.
        None => AsffResource {
            kind: "AwsAccount".to_string(),
            id: format!("AWS::::Account:{account}"),
            partition: partition(&resource_region).to_string(),
            region: resource_region,
            tags: BTreeMap::new(),
        },
    };
    let description = if f.message.is_empty() {
        rule.description.clone()
    } else {
        format!("{}\n\n{}", f.message, rule.description)
    };
    let rule_url = opts
        .rule_docs_url
        .filter(|_| rule.source.starts_with("builtin:"))
        .map(|base| {
            cut(
                &format!("{base}#{}", super::rule_docs::rule_anchor(rule)),
                URL_MAX,
            )
        });
    let mut product_fields = BTreeMap::new();
    let mut field = |k: &str, v: &str| {
        if product_fields.len() < PRODUCT_FIELDS_MAX {
            product_fields.insert(
                cut(&format!("infracheck/{k}"), PRODUCT_FIELD_KEY_MAX),
                cut(v, PRODUCT_FIELD_VALUE_MAX),
            );
        }
    };
    field("RuleId", &f.rule_id);
    field("Status", f.status.as_str());
    field("Address", &f.address);
    if !f.resource_type.is_empty() {
        field("ResourceType", &f.resource_type);
    }
    if let (Some(r), Some(_)) = (resource, group) {
        field("ResourceId", &resource_id(r));
    }
    if let Some(s) = &f.suppression {
        field(
            "Suppression",
            &format!("{}: {} ({})", s.kind.as_str(), s.reason, s.origin),
        );
    }
    let fsbp = rule.frameworks.get("aws-fsbp").cloned().unwrap_or_default();
    if fsbp.len() > 1 {
        field("SecurityControlIds", &fsbp.join(","));
    }
    let mut out = AsffFinding {
        schema_version: SCHEMA_VERSION.to_string(),
        id: cut(
            &finding_id(account, hub_region, &f.rule_id, &f.address),
            ID_MAX,
        ),
        product_arn: product_arn(hub_region, account),
        product_name: "infracheck".to_string(),
        company_name: "infracheck".to_string(),
        generator_id: cut(&format!("{GENERATOR_PREFIX}{}", f.rule_id), ID_MAX),
        aws_account_id: account.to_string(),
        region: hub_region.to_string(),
        types: types.clone(),
        created_at: opts.now.clone(),
        updated_at: opts.now.clone(),
        first_observed_at: opts.now.clone(),
        last_observed_at: opts.now.clone(),
        severity: severity.clone(),
        title: cut(&rule.title, TITLE_MAX),
        description: cut(&description, DESCRIPTION_MAX),
        remediation: Remediation {
            recommendation: Recommendation {
                text: cut(&rule.remediation, RECOMMENDATION_MAX),
                url: rule_url.clone(),
            },
        },
        source_url: rule_url,
        product_fields,
        resources: vec![asff_resource],
        compliance: Compliance {
            status: compliance_status(f.status).to_string(),
            related_requirements: related_requirements(rule),
            security_control_id: fsbp.first().cloned(),
            associated_standards: associated_standards(rule),
        },
        finding_provider_fields: FindingProviderFields { severity, types },
        record_state: "ACTIVE".to_string(),
    };
    fit(&mut out);
    out
}

/// Keeps a finding under [`MAX_FINDING_BYTES`]: every field is already cut to its
/// limit, so only tags and product fields can still make it too big.
fn fit(f: &mut AsffFinding) {
    if size(f) <= MAX_FINDING_BYTES {
        return;
    }
    for r in &mut f.resources {
        r.tags.clear();
    }
    if size(f) <= MAX_FINDING_BYTES {
        return;
    }
    f.product_fields
        .retain(|k, _| k == "infracheck/RuleId" || k == "infracheck/Address");
}

pub fn size(f: &AsffFinding) -> usize {
    serde_json::to_vec(f).map(|v| v.len()).unwrap_or(usize::MAX)
}

/// `{"Findings": [...]}`: the body of a BatchImportFindings request (usable with
/// `aws securityhub batch-import-findings --cli-input-json`, 100 at a time).
pub fn render(findings: &[AsffFinding]) -> String {
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Body<'a> {
        findings: &'a [AsffFinding],
    }
    let mut s = serde_json::to_string_pretty(&Body { findings }).unwrap_or_default();
    s.push('\n');
    s
}

pub fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "CRITICAL",
        Severity::High => "HIGH",
        Severity::Medium => "MEDIUM",
        Severity::Low => "LOW",
        Severity::Info => "INFORMATIONAL",
    }
}

pub fn compliance_status(s: Status) -> &'static str {
    match s {
        Status::Failed => "FAILED",
        Status::Passed => "PASSED",
        Status::Unknown => "NOT_AVAILABLE",
    }
}

/// `namespace/category/classifier` finding types: a configuration check, and the
/// standards the rule maps to.
fn types(rule: &RuleMeta) -> Vec<String> {
    let mut out = vec!["Software and Configuration Checks/AWS Security Best Practices".to_string()];
    for fw in rule.frameworks.keys() {
        let classifier = match fw.as_str() {
            "pci-dss-4.0" => "PCI-DSS",
            "cis-aws-3.0" | "cis-aws-1.4" => "CIS AWS Foundations Benchmark",
            "aws-fsbp" => "AWS-Foundational-Security-Best-Practices",
            "gdpr" => "GDPR",
            _ => continue,
        };
        let t = format!(
            "Software and Configuration Checks/Industry and Regulatory Standards/{classifier}"
        );
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out.truncate(TYPES_MAX);
    out
}

/// Requirements as Security Hub writes them: `PCI DSS v4.0.1/1.3.1`,
/// `CIS AWS Foundations Benchmark v3.0.0/3.7`. (FSBP controls go in
/// `SecurityControlId`.)
fn related_requirements(rule: &RuleMeta) -> Vec<String> {
    let mut out = Vec::new();
    for (fw, reqs) in &rule.frameworks {
        if fw == "aws-fsbp" {
            continue;
        }
        let name = frameworks::display_name(fw);
        out.extend(reqs.iter().map(|r| cut(&format!("{name}/{r}"), 128)));
    }
    out.truncate(LIST_MAX);
    out
}

fn associated_standards(rule: &RuleMeta) -> Vec<AssociatedStandard> {
    rule.frameworks
        .keys()
        .filter_map(|fw| match fw.as_str() {
            "aws-fsbp" => Some("standards/aws-foundational-security-best-practices/v/1.0.0"),
            "pci-dss-4.0" => Some("standards/pci-dss/v/4.0.1"),
            "cis-aws-3.0" => Some("standards/cis-aws-foundations-benchmark/v/3.0.0"),
            "cis-aws-1.4" => Some("standards/cis-aws-foundations-benchmark/v/1.4.0"),
            _ => None,
        })
        .map(|id| AssociatedStandard {
            standards_id: id.to_string(),
        })
        .take(LIST_MAX)
        .collect()
}

/// The ASFF resource type of a Terraform resource type.
pub fn resource_type(kind: &str) -> &'static str {
    match kind {
        "aws_s3_bucket"
        | "aws_s3_bucket_server_side_encryption_configuration"
        | "aws_s3_bucket_versioning"
        | "aws_s3_bucket_lifecycle_configuration"
        | "aws_s3_bucket_public_access_block"
        | "aws_s3_bucket_policy"
        | "aws_s3_bucket_logging" => "AwsS3Bucket",
        "aws_s3_account_public_access_block" => "AwsS3AccountPublicAccessBlock",
        "aws_security_group" | "aws_default_security_group" => "AwsEc2SecurityGroup",
        "aws_vpc" | "aws_default_vpc" => "AwsEc2Vpc",
        "aws_subnet" | "aws_default_subnet" => "AwsEc2Subnet",
        "aws_route_table" | "aws_default_route_table" => "AwsEc2RouteTable",
        "aws_network_acl" | "aws_default_network_acl" => "AwsEc2NetworkAcl",
        "aws_instance" => "AwsEc2Instance",
        "aws_ebs_volume" => "AwsEc2Volume",
        "aws_eip" => "AwsEc2Eip",
        "aws_launch_template" => "AwsEc2LaunchTemplate",
        "aws_launch_configuration" => "AwsAutoScalingLaunchConfiguration",
        "aws_vpc_peering_connection" => "AwsEc2VpcPeeringConnection",
        "aws_ec2_transit_gateway" => "AwsEc2TransitGateway",
        "aws_lb" | "aws_alb" => "AwsElbv2LoadBalancer",
        "aws_elb" => "AwsElbLoadBalancer",
        "aws_autoscaling_group" => "AwsAutoScalingAutoScalingGroup",
        "aws_cloudtrail" => "AwsCloudTrailTrail",
        "aws_cloudfront_distribution" => "AwsCloudFrontDistribution",
        "aws_cloudwatch_metric_alarm" => "AwsCloudWatchAlarm",
        "aws_dynamodb_table" => "AwsDynamoDbTable",
        "aws_iam_role" => "AwsIamRole",
        "aws_iam_policy" => "AwsIamPolicy",
        "aws_iam_user" => "AwsIamUser",
        "aws_iam_group" => "AwsIamGroup",
        "aws_kms_key" => "AwsKmsKey",
        "aws_lambda_function" => "AwsLambdaFunction",
        "aws_secretsmanager_secret" => "AwsSecretsManagerSecret",
        "aws_sns_topic" => "AwsSnsTopic",
        "aws_sqs_queue" => "AwsSqsQueue",
        "aws_wafv2_web_acl" => "AwsWafv2WebAcl",
        "aws_db_instance" => "AwsRdsDbInstance",
        "aws_rds_cluster" => "AwsRdsDbCluster",
        "aws_acm_certificate" => "AwsCertificateManagerCertificate",
        "aws_kinesis_stream" => "AwsKinesisStream",
        "aws_backup_vault" => "AwsBackupBackupVault",
        "aws_backup_plan" => "AwsBackupBackupPlan",
        "aws_route53_zone" => "AwsRoute53HostedZone",
        "aws_guardduty_detector" => "AwsGuardDutyDetector",
        _ => "Other",
    }
}

const SECURITY_GROUP_RULES: &[&str] = &[
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
];

/// A non-empty string attribute.
fn text_value(r: &Resource, key: &str) -> Option<String> {
    match r.values.as_object().ok()?.get(&regorus::Value::from(key)) {
        Some(regorus::Value::String(s)) if !s.is_empty() => Some(s.to_string()),
        _ => None,
    }
}

/// The ARN where the resource has one, else its ID, else its address.
fn resource_id(r: &Resource) -> String {
    text_value(r, "arn")
        .or_else(|| text_value(r, "id"))
        .unwrap_or_else(|| r.address.clone())
}

fn tags(r: &Resource) -> BTreeMap<String, String> {
    let Ok(m) = r.values.as_object() else {
        return BTreeMap::new();
    };
    let Some(regorus::Value::Object(tags)) = m.get(&regorus::Value::from("tags")) else {
        return BTreeMap::new();
    };
    tags.iter()
        .filter_map(|(k, v)| match (k, v) {
            (regorus::Value::String(k), regorus::Value::String(v)) => {
                Some((cut(k, TAG_KEY_MAX), cut(v, TAG_VALUE_MAX)))
            }
            _ => None,
        })
        .take(TAGS_MAX)
        .collect()
}

/// `s` cut to at most `max` characters, ending in `…` when cut.
pub fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A finding with every field set, for tests.
#[cfg(test)]
pub(crate) fn sample(id: &str, status: &str) -> AsffFinding {
    let severity = AsffSeverity {
        label: "HIGH".into(),
        original: "HIGH".into(),
    };
    AsffFinding {
        schema_version: "2018-10-08".into(),
        id: id.to_string(),
        product_arn: "p".into(),
        product_name: "infracheck".into(),
        company_name: "infracheck".into(),
        generator_id: "infracheck/S3-002".into(),
        aws_account_id: "111122223333".into(),
        region: "us-east-1".into(),
        types: vec!["Software and Configuration Checks/AWS Security Best Practices".into()],
        created_at: "2026-11-26T07:00:00.000Z".into(),
        updated_at: "2026-11-26T07:00:00.000Z".into(),
        first_observed_at: "2026-11-26T07:00:00.000Z".into(),
        last_observed_at: "2026-11-26T07:00:00.000Z".into(),
        severity: severity.clone(),
        title: "t".into(),
        description: "d".into(),
        remediation: Remediation {
            recommendation: Recommendation {
                text: "r".into(),
                url: Some("https://example.com/r".into()),
            },
        },
        source_url: None,
        product_fields: [("infracheck/RuleId".to_string(), "S3-002".to_string())].into(),
        resources: vec![AsffResource {
            kind: "AwsS3Bucket".into(),
            id: "arn:aws:s3:::b".into(),
            partition: "aws".into(),
            region: "us-east-1".into(),
            tags: [("Owner".to_string(), "team".to_string())].into(),
        }],
        compliance: Compliance {
            status: status.into(),
            related_requirements: vec!["PCI DSS v4.0.1/1.3.1".into()],
            security_control_id: Some("S3.1".into()),
            associated_standards: vec![AssociatedStandard {
                standards_id: "standards/pci-dss/v/4.0.1".into(),
            }],
        },
        finding_provider_fields: FindingProviderFields {
            severity,
            types: vec!["Software and Configuration Checks/AWS Security Best Practices".into()],
        },
        record_state: "ACTIVE".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::RuleScope;
    use crate::model::{Mode, ModulePath};

    fn rule(id: &str) -> RuleMeta {
        RuleMeta {
            id: id.into(),
            title: "S3 buckets block public access".into(),
            description: "Buckets keep a public access block.".into(),
            severity: Severity::High,
            resource_types: vec!["aws_s3_bucket".into()],
            scope: RuleScope::Resource,
            sources: vec!["live".into()],
            per_resource: false,
            across_accounts: false,
            frameworks: [
                ("pci-dss-4.0".to_string(), vec!["1.3.1".to_string()]),
                ("cis-aws-3.0".to_string(), vec!["2.1.4".to_string()]),
                (
                    "aws-fsbp".to_string(),
                    vec!["S3.1".to_string(), "S3.8".to_string()],
                ),
            ]
            .into_iter()
            .collect(),
            remediation: "Add an aws_s3_bucket_public_access_block.".into(),
            package: "data.aws.s3.x".into(),
            source: "builtin:aws/s3/x.rego".into(),
        }
    }

    fn bucket(name: &str, tags: serde_json::Value) -> Resource {
        Resource {
            address: format!("aws_s3_bucket.123456789012/us-west-2/{name}"),
            mode: Mode::Managed,
            kind: "aws_s3_bucket".into(),
            name: name.into(),
            module: ModulePath::root(),
            index: None,
            provider: "aws".into(),
            region: Some("us-west-2".into()),
            account: Some("123456789012".into()),
            action: None,
            values: regorus::Value::from(serde_json::json!({
                "id": name, "arn": format!("arn:aws:s3:::{name}"), "tags": tags,
            })),
            unknown: vec![],
            references: Default::default(),
            unresolved: vec![],
            location: None,
        }
    }

    fn outcome(address: &str, status: Status, region: &str) -> Finding {
        Finding {
            rule_id: "S3-002".into(),
            severity: Severity::High,
            status,
            address: address.into(),
            resource_type: "aws_s3_bucket".into(),
            region: Some(region.into()),
            message: "no public access block".into(),
            location: None,
            suppression: None,
        }
    }

    fn scan(resources: Vec<Resource>) -> Scan {
        Scan {
            source: "live",
            resources,
            data_sources: vec![],
            regions: vec!["us-east-1".into(), "us-west-2".into()],
            accounts: vec!["123456789012".into()],
            gaps: vec![],
        }
    }

    fn opts() -> Options<'static> {
        Options {
            now: "2026-11-26T07:00:00.000Z".into(),
            home_region: "us-east-1",
            rule_docs_url: Some("https://example.com/rules.md"),
        }
    }

    #[test]
    fn a_failed_outcome_has_every_required_field() {
        let b = bucket("logs", serde_json::json!({"Owner": "team"}));
        let f = outcome(&b.address, Status::Failed, "us-west-2");
        let out = build(&[f], &[rule("S3-002")], &scan(vec![b]), &opts()).unwrap();
        let v = serde_json::to_value(&out[0]).unwrap();
        let id = finding_id(
            "123456789012",
            "us-west-2",
            "S3-002",
            "aws_s3_bucket.123456789012/us-west-2/logs",
        );
        assert_eq!(v["Id"], id.as_str());
        assert!(id.starts_with("infracheck/123456789012/us-west-2/S3-002/"));
        assert_eq!(v["SchemaVersion"], "2018-10-08");
        assert_eq!(
            v["ProductArn"],
            "arn:aws:securityhub:us-west-2:123456789012:product/123456789012/default"
        );
        assert_eq!(v["GeneratorId"], "infracheck/S3-002");
        assert_eq!(v["AwsAccountId"], "123456789012");
        assert_eq!(v["Region"], "us-west-2");
        assert_eq!(v["CreatedAt"], "2026-11-26T07:00:00.000Z");
        assert_eq!(
            v["Severity"],
            serde_json::json!({"Label": "HIGH", "Original": "HIGH"})
        );
        assert_eq!(v["FindingProviderFields"]["Severity"], v["Severity"]);
        assert_eq!(v["FindingProviderFields"]["Types"], v["Types"]);
        assert_eq!(
            v["Types"],
            serde_json::json!([
                "Software and Configuration Checks/AWS Security Best Practices",
                "Software and Configuration Checks/Industry and Regulatory Standards/AWS-Foundational-Security-Best-Practices",
                "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark",
                "Software and Configuration Checks/Industry and Regulatory Standards/PCI-DSS",
            ])
        );
        assert_eq!(v["Title"], "S3 buckets block public access");
        assert_eq!(
            v["Description"],
            "no public access block\n\nBuckets keep a public access block."
        );
        assert_eq!(
            v["Compliance"],
            serde_json::json!({
                "Status": "FAILED",
                "RelatedRequirements": [
                    "CIS AWS Foundations Benchmark v3.0.0/2.1.4",
                    "PCI DSS v4.0.1/1.3.1",
                ],
                "SecurityControlId": "S3.1",
                "AssociatedStandards": [
                    {"StandardsId": "standards/aws-foundational-security-best-practices/v/1.0.0"},
                    {"StandardsId": "standards/cis-aws-foundations-benchmark/v/3.0.0"},
                    {"StandardsId": "standards/pci-dss/v/4.0.1"},
                ],
            })
        );
        assert_eq!(
            v["Resources"],
            serde_json::json!([{
                "Type": "AwsS3Bucket",
                "Id": "arn:aws:s3:::logs",
                "Partition": "aws",
                "Region": "us-west-2",
                "Tags": {"Owner": "team"},
            }])
        );
        assert_eq!(
            v["Remediation"]["Recommendation"]["Text"],
            "Add an aws_s3_bucket_public_access_block."
        );
        assert_eq!(
            v["ProductFields"]["infracheck/SecurityControlIds"],
            "S3.1,S3.8"
        );
        assert_eq!(v["RecordState"], "ACTIVE");
    }

    #[test]
    fn statuses_map_to_compliance_and_passed_is_informational() {
        let b = bucket("a", serde_json::json!({}));
        let fs = [
            outcome(&b.address, Status::Passed, "us-west-2"),
            outcome(&b.address, Status::Unknown, "us-west-2"),
        ];
        let out = build(&fs, &[rule("S3-002")], &scan(vec![b]), &opts()).unwrap();
        assert_eq!(out[0].compliance.status, "PASSED");
        assert_eq!(out[0].severity.label, "INFORMATIONAL");
        assert_eq!(out[0].severity.original, "HIGH");
        assert_eq!(out[1].compliance.status, "NOT_AVAILABLE");
        assert_eq!(out[1].severity.label, "HIGH");
        // One identity per (account, region, rule, resource), whatever the status.
        assert_eq!(out[0].id, out[1].id);
    }

    #[test]
    fn region_findings_are_about_the_account_and_unscanned_regions_go_home() {
        let mut f = outcome("region/us-west-2", Status::Failed, "us-west-2");
        f.resource_type = String::new();
        let mut far = outcome("aws_s3_bucket.x", Status::Failed, "eu-west-1");
        far.rule_id = "S3-002".into();
        let out = build(&[f, far], &[rule("S3-002")], &scan(vec![]), &opts()).unwrap();
        assert_eq!(out[0].resources[0].kind, "AwsAccount");
        assert_eq!(out[0].resources[0].id, "AWS::::Account:123456789012");
        assert_eq!(out[0].region, "us-west-2");
        assert_eq!(out[1].region, "us-east-1");
        assert_eq!(out[1].resources[0].region, "eu-west-1");
    }

    #[test]
    fn over_several_accounts_each_finding_is_in_its_own_account() {
        let mut s = scan(vec![bucket("logs", serde_json::json!({}))]);
        s.accounts = vec!["123456789012".into(), "210987654321".into()];
        let mut a = outcome("123456789012/region/us-west-2", Status::Failed, "us-west-2");
        a.resource_type = String::new();
        let mut b = a.clone();
        b.address = "210987654321/region/us-west-2".into();
        let bucket = outcome(
            "aws_s3_bucket.123456789012/us-west-2/logs",
            Status::Failed,
            "us-west-2",
        );
        let out = build(&[a, b, bucket], &[rule("S3-002")], &s, &opts()).unwrap();
        let got: Vec<(&str, &str, &str)> = out
            .iter()
            .map(|f| {
                (
                    f.aws_account_id.as_str(),
                    f.product_arn.as_str(),
                    f.resources[0].id.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "123456789012",
                    "arn:aws:securityhub:us-west-2:123456789012:product/123456789012/default",
                    "AWS::::Account:123456789012"
                ),
                (
                    "210987654321",
                    "arn:aws:securityhub:us-west-2:210987654321:product/210987654321/default",
                    "AWS::::Account:210987654321"
                ),
                (
                    "123456789012",
                    "arn:aws:securityhub:us-west-2:123456789012:product/123456789012/default",
                    "arn:aws:s3:::logs"
                ),
            ]
        );
        assert_ne!(out[0].id, out[1].id);
        // Not knowing which account a region outcome is about is still an error.
        let mut c = outcome("region/us-west-2", Status::Failed, "us-west-2");
        c.resource_type = String::new();
        assert!(build(&[c], &[rule("S3-002")], &s, &opts()).is_err());
    }

    #[test]
    fn a_finding_without_an_account_is_an_error() {
        let mut s = scan(vec![]);
        s.accounts.clear();
        let f = outcome("aws_s3_bucket.a", Status::Failed, "us-east-1");
        assert_eq!(
            build(&[f], &[rule("S3-002")], &s, &opts()),
            Err(AsffError::NoAccount {
                address: "aws_s3_bucket.a".into()
            })
        );
    }

    #[test]
    fn oversized_text_is_cut_to_the_limits() {
        let mut r = rule("S3-002");
        r.title = "t".repeat(10_000);
        r.description = "d".repeat(1_000_000);
        r.remediation = "r".repeat(100_000);
        let tags: serde_json::Map<String, serde_json::Value> = (0..500)
            .map(|i| (format!("{i}{}", "k".repeat(500)), "v".repeat(5_000).into()))
            .collect();
        let b = bucket(&"b".repeat(2_000), serde_json::Value::Object(tags));
        let mut f = outcome(&b.address, Status::Failed, "us-west-2");
        f.message = "m".repeat(500_000);
        let out = build(&[f], &[r], &scan(vec![b]), &opts()).unwrap();
        let a = &out[0];
        assert!(size(a) <= MAX_FINDING_BYTES);
        assert_eq!(a.title.chars().count(), TITLE_MAX);
        assert!(a.title.ends_with('…'));
        assert_eq!(a.description.chars().count(), DESCRIPTION_MAX);
        assert_eq!(
            a.remediation.recommendation.text.chars().count(),
            RECOMMENDATION_MAX
        );
        assert!(a.resources[0].id.chars().count() <= ID_MAX);
        assert!(a.id.chars().count() <= ID_MAX);
        assert_eq!(a.resources[0].tags.len(), TAGS_MAX);
        for (k, v) in &a.resources[0].tags {
            assert!(k.chars().count() <= TAG_KEY_MAX && v.chars().count() <= TAG_VALUE_MAX);
        }
        for (k, v) in &a.product_fields {
            assert!(k.chars().count() <= PRODUCT_FIELD_KEY_MAX);
            assert!(v.chars().count() <= PRODUCT_FIELD_VALUE_MAX);
        }
    }

    /// The problems of a finding against ASFF's required fields and limits.
    fn problems(f: &AsffFinding, rule: &RuleMeta) -> Vec<String> {
        let mut out = Vec::new();
        let mut check = |ok: bool, what: &str| {
            if !ok {
                out.push(format!("{}: {what}", rule.id));
            }
        };
        let v = serde_json::to_value(f).unwrap();
        for key in [
            "SchemaVersion",
            "Id",
            "ProductArn",
            "GeneratorId",
            "AwsAccountId",
            "CreatedAt",
            "UpdatedAt",
            "Title",
            "Description",
        ] {
            check(v[key].as_str().is_some_and(|s| !s.is_empty()), key);
        }
        check(f.schema_version == SCHEMA_VERSION, "SchemaVersion");
        check(
            f.product_arn
                == format!(
                    "arn:aws:securityhub:{0}:{1}:product/{1}/default",
                    f.region, f.aws_account_id
                ),
            "ProductArn",
        );
        check(f.aws_account_id.len() == 12, "AwsAccountId");
        check(
            !f.types.is_empty()
                && f.types.len() <= TYPES_MAX
                && f.types.iter().all(|t| {
                    t.starts_with("Software and Configuration Checks/") && t.split('/').count() <= 3
                }),
            "Types",
        );
        check(
            f.finding_provider_fields.types == f.types,
            "FindingProviderFields.Types",
        );
        check(
            ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"]
                .contains(&f.severity.label.as_str()),
            "Severity.Label",
        );
        check(
            f.finding_provider_fields.severity == f.severity,
            "FindingProviderFields.Severity",
        );
        check(
            ["PASSED", "FAILED", "NOT_AVAILABLE", "WARNING"]
                .contains(&f.compliance.status.as_str()),
            "Compliance.Status",
        );
        check(
            f.compliance.related_requirements.len() <= LIST_MAX,
            "RelatedRequirements",
        );
        for (fw, reqs) in &rule.frameworks {
            for r in reqs {
                let covered = if fw == "aws-fsbp" {
                    f.compliance.security_control_id.as_deref() == Some(r.as_str())
                        || f.product_fields["infracheck/SecurityControlIds"]
                            .split(',')
                            .any(|x| x == r)
                } else {
                    f.compliance
                        .related_requirements
                        .contains(&format!("{}/{r}", frameworks::display_name(fw)))
                };
                check(covered, &format!("requirement {fw} {r}"));
            }
        }
        check(
            (1..=LIST_MAX).contains(&f.resources.len())
                && f.resources.iter().all(|r| {
                    !r.kind.is_empty()
                        && !r.id.is_empty()
                        && r.partition == "aws"
                        && !r.region.is_empty()
                }),
            "Resources",
        );
        check(
            f.resources[0].kind != "Other"
                || rule
                    .resource_types
                    .iter()
                    .any(|t| resource_type(t) == "Other"),
            "resource Type",
        );
        check(f.title.chars().count() <= TITLE_MAX, "Title length");
        check(
            f.description.chars().count() <= DESCRIPTION_MAX,
            "Description length",
        );
        check(
            !f.remediation.recommendation.text.is_empty()
                && f.remediation.recommendation.text.chars().count() <= RECOMMENDATION_MAX,
            "Remediation.Recommendation.Text",
        );
        check(
            f.product_fields.len() <= PRODUCT_FIELDS_MAX,
            "ProductFields",
        );
        check(size(f) <= MAX_FINDING_BYTES, "size");
        out
    }

    #[test]
    fn every_built_in_rule_gives_valid_asff() {
        let files = crate::engine::builtin_files();
        let policies =
            crate::engine::PolicySet::load(&files, &crate::config::Settings::default()).unwrap();
        let rules: Vec<RuleMeta> = policies.rules().cloned().collect();
        assert!(rules.len() >= 65);
        let mut resources = Vec::new();
        let mut findings = Vec::new();
        for r in &rules {
            let mut f = outcome("", Status::Failed, "us-west-2");
            f.rule_id = r.id.clone();
            if r.scope == RuleScope::Region {
                f.address = "region/us-west-2".into();
            } else {
                let mut res = bucket(&format!("x-{}", r.id.to_lowercase()), serde_json::json!({}));
                res.kind = r.resource_types[0].clone();
                res.address = format!("{}.{}", res.kind, res.name);
                f.address = res.address.clone();
                f.resource_type = res.kind.clone();
                resources.push(res);
            }
            findings.push(f);
        }
        let out = build(&findings, &rules, &scan(resources), &opts()).unwrap();
        assert_eq!(out.len(), rules.len());
        let problems: Vec<String> = out
            .iter()
            .zip(&rules)
            .flat_map(|(f, r)| problems(f, r))
            .collect();
        assert!(problems.is_empty(), "{problems:#?}");
        let ids: std::collections::HashSet<&str> = out.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids.len(), out.len());
    }

    #[test]
    fn cut_counts_characters() {
        assert_eq!(cut("héllo", 5), "héllo");
        assert_eq!(cut("héllo!", 5), "héll…");
    }
}
