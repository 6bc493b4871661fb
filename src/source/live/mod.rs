//! Reads live AWS accounts with the AWS SDK into the same resource model as plans:
//! Terraform resource types and attribute names, one collector module per service.
//!
//! - Addresses: `<type>.<account>/<region>/<id>` (an S3 bucket:
//!   `aws_s3_bucket.<account>/<region>/<bucket>`; account-wide settings:
//!   `<type>.<account>`). The `name` is the part after the type.
//! - Every resource carries its `id` and/or `arn` in `values`, its region and
//!   account; references are the value joins of
//!   [`crate::model::index::add_value_references`] (an attribute whose value is
//!   another resource's `id` or `arn`).
//! - Regions are read concurrently (tokio), with at most [`MAX_IN_FLIGHT`] requests
//!   at once per account; global services (the S3 bucket list, STS, IAM,
//!   CloudFront, Route 53) once per account. Several accounts (one assumed role
//!   each) are read concurrently, at most [`ACCOUNTS_AT_ONCE`] at a time: each
//!   account is its own [`LiveScan`], evaluated on its own. Every paginated API
//!   goes through the SDK's paginators; throttling is retried by the SDK (adaptive
//!   retry mode).
//! - What cannot be read becomes a [`Gap`]; see [`crate::coverage`].
//!
//! Every SDK call goes through [`Ctx::call`], [`Ctx::call_opt`] or [`Ctx::pages`],
//! which name its IAM action: [`OPERATIONS`] lists them all, `docs/iam-policy.json`
//! allows them, and a test checks that the three agree.

mod acm;
mod appautoscaling;
mod autoscaling;
mod backup;
mod cloudfront;
mod cloudtrail;
mod cloudwatch;
mod config;
mod dax;
mod dynamodb;
mod ec2;
mod efs;
mod elasticache;
mod elb;
mod elbv2;
mod firehose;
mod guardduty;
mod iam;
mod kinesis;
mod kms;
mod lambda;
mod logs;
mod rds;
mod route53;
mod s3;
mod secretsmanager;
mod securityhub;
mod sns;
mod sqs;
mod sts;
mod synthetics;
mod tagging;
mod wafv2;

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};

use crate::model::{Gap, GapReason, Mode, ModulePath, Resource, Scan};

/// Requests in flight at once in one account, over all its regions and services.
pub const MAX_IN_FLIGHT: usize = 16;

/// Accounts read at once in a run over several accounts. AWS throttles each
/// account on its own, so each keeps today's [`MAX_IN_FLIGHT`]; this bounds what
/// one run asks of the machine and the network (at most 64 requests at once).
pub const ACCOUNTS_AT_ONCE: usize = 4;

/// Every AWS operation the collectors call (IAM action names). `docs/iam-policy.json`
/// must allow each; a test checks this list against the collectors' sources.
pub const OPERATIONS: &[&str] = &[
    "sts:GetCallerIdentity",
    "ec2:DescribeVpcs",
    "ec2:DescribeSubnets",
    "ec2:DescribeRouteTables",
    "ec2:DescribeInternetGateways",
    "ec2:DescribeNatGateways",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSecurityGroupRules",
    "ec2:DescribeFlowLogs",
    "ec2:GetEbsEncryptionByDefault",
    "ec2:DescribeInstances",
    "ec2:DescribeVolumes",
    "ec2:DescribeLaunchTemplates",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:DescribeAddresses",
    "ec2:DescribeNetworkAcls",
    "ec2:DescribeVpcEndpoints",
    "ec2:DescribeVpcPeeringConnections",
    "ec2:DescribeTransitGateways",
    "ec2:DescribeTransitGatewayVpcAttachments",
    "ec2:DescribeTransitGatewayPeeringAttachments",
    "ec2:DescribeSnapshots",
    "s3:ListAllMyBuckets",
    "s3:GetBucketLocation",
    "s3:GetEncryptionConfiguration",
    "s3:GetBucketVersioning",
    "s3:GetLifecycleConfiguration",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketPolicy",
    "s3:GetBucketTagging",
    "s3:GetAccountPublicAccessBlock",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTags",
    "wafv2:ListWebACLs",
    "wafv2:GetWebACL",
    "wafv2:ListTagsForResource",
    "wafv2:ListLoggingConfigurations",
    "wafv2:GetWebACLForResource",
    "wafv2:ListIPSets",
    "logs:DescribeLogGroups",
    "config:DescribeConfigurationRecorders",
    "config:DescribeConfigurationRecorderStatus",
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:ListTags",
    "secretsmanager:ListSecrets",
    "guardduty:ListDetectors",
    "guardduty:GetDetector",
    "securityhub:DescribeHub",
    "dynamodb:ListTables",
    "dynamodb:DescribeTable",
    "dynamodb:DescribeContinuousBackups",
    "dynamodb:ListTagsOfResource",
    "dynamodb:ListGlobalTables",
    "application-autoscaling:DescribeScalableTargets",
    "application-autoscaling:DescribeScalingPolicies",
    "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:DescribePolicies",
    "autoscaling:DescribeLaunchConfigurations",
    "cloudwatch:DescribeAlarms",
    "elasticache:DescribeReplicationGroups",
    "elasticache:DescribeCacheClusters",
    "elasticache:ListTagsForResource",
    "dax:DescribeClusters",
    "dax:ListTags",
    "backup:ListBackupVaults",
    "backup:ListBackupPlans",
    "backup:GetBackupPlan",
    "backup:ListBackupSelections",
    "backup:GetBackupSelection",
    "backup:ListTags",
    "iam:GetAccountAuthorizationDetails",
    "iam:ListInstanceProfiles",
    "iam:ListPolicyTags",
    "iam:GetInstanceProfile",
    "cloudfront:ListDistributions",
    "cloudfront:GetDistribution",
    "cloudfront:ListTagsForResource",
    "route53:ListHostedZones",
    "route53:GetHostedZone",
    "route53:ListResourceRecordSets",
    "route53:ListHealthChecks",
    "route53:ListTagsForResources",
    "kms:ListKeys",
    "kms:DescribeKey",
    "kms:ListResourceTags",
    "sns:ListTopics",
    "sqs:ListQueues",
    "rds:DescribeDBInstances",
    "rds:DescribeDBClusters",
    "elasticfilesystem:DescribeFileSystems",
    "acm:ListCertificates",
    "kinesis:ListStreams",
    "kinesis:ListTagsForStream",
    "lambda:ListFunctions",
    "firehose:ListDeliveryStreams",
    "synthetics:DescribeCanaries",
    "tag:GetResources",
];

/// The regional collectors: service (as in IAM actions) and the Terraform resource
/// types it produces. One task per service and scanned region.
const REGIONAL: &[(&str, &[&str])] = &[
    ("ec2", ec2::TYPES),
    ("guardduty", guardduty::TYPES),
    ("securityhub", securityhub::TYPES),
    ("elasticloadbalancing", elbv2::TYPES),
    ("elb", elb::TYPES),
    ("wafv2", wafv2::TYPES),
    ("logs", logs::TYPES),
    ("config", config::TYPES),
    ("cloudtrail", cloudtrail::TYPES),
    ("secretsmanager", secretsmanager::TYPES),
    ("dynamodb", dynamodb::TYPES),
    ("application-autoscaling", appautoscaling::TYPES),
    ("autoscaling", autoscaling::TYPES),
    ("cloudwatch", cloudwatch::TYPES),
    ("elasticache", elasticache::TYPES),
    ("dax", dax::TYPES),
    ("backup", backup::TYPES),
    ("kms", kms::TYPES),
    ("sns", sns::TYPES),
    ("sqs", sqs::TYPES),
    ("rds", rds::TYPES),
    ("elasticfilesystem", efs::TYPES),
    ("acm", acm::TYPES),
    ("kinesis", kinesis::TYPES),
    ("lambda", lambda::TYPES),
    ("firehose", firehose::TYPES),
    ("synthetics", synthetics::TYPES),
];

/// The global collectors (the S3 bucket list, IAM, CloudFront, Route 53): one task
/// per scan.
const GLOBAL: &[(&str, &[&str])] = &[
    ("s3", s3::TYPES),
    ("iam", iam::TYPES),
    ("cloudfront", cloudfront::TYPES),
    ("route53", route53::TYPES),
];

/// Plan-only types that collected data stands for: an `aws_security_group_rule` is
/// an `aws_vpc_security_group_ingress_rule` live, a default VPC an `aws_vpc` with
/// `default = true`, inline routes replace `aws_route`, group tags and attachments
/// are attributes of the group, replicas blocks of their table.
const STANDS_FOR: &[&str] = &[
    "aws_default_vpc",
    "aws_default_subnet",
    "aws_default_route_table",
    "aws_route",
    "aws_main_route_table_association",
    "aws_security_group_rule",
    "aws_wafv2_web_acl_association",
    "aws_autoscaling_attachment",
    "aws_autoscaling_traffic_source_attachment",
    "aws_autoscaling_group_tag",
    "aws_dynamodb_table_replica",
    // A data source's document, not a resource in an account.
    "aws_iam_policy_document",
];

/// Whether live scans read resources of this Terraform type (or what it stands
/// for). A rule that needs any other type gets a "not collected" coverage gap.
pub fn is_collected(kind: &str) -> bool {
    REGIONAL
        .iter()
        .chain(GLOBAL)
        .any(|(_, types)| types.contains(&kind))
        || STANDS_FOR.contains(&kind)
}

/// How to reach the accounts.
#[derive(Debug, Clone, Default)]
pub struct LiveOptions {
    pub regions: Vec<String>,
    pub profile: Option<String>,
    /// Assume each of these roles (through STS) and read its account; none: read
    /// the account of the credentials themselves. Roles in the same account are
    /// read once (the first one listed).
    pub role_arns: Vec<String>,
    /// One endpoint for every service (an emulator such as moto): S3 then uses
    /// path-style addressing, S3 Control no account-ID host prefix.
    pub endpoint_url: Option<String>,
    /// Show a progress bar on standard error (only where it is a terminal).
    pub progress: bool,
}

/// What a live run read: one scan per account that could be read, and the
/// accounts that could not.
#[derive(Debug)]
pub struct LiveRun {
    pub scans: Vec<LiveScan>,
    pub unreadable: Vec<Unreadable>,
    pub elapsed: Duration,
}

impl LiveRun {
    /// AWS API requests made, over every account.
    pub fn api_calls(&self) -> u64 {
        self.scans.iter().map(|s| s.api_calls).sum()
    }
}

/// An account of a run over several accounts that could not be read at all (its
/// role could not be assumed, or every call failed).
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    pub role_arn: String,
    /// From the role ARN.
    pub account: String,
    pub error: String,
}

impl Unreadable {
    /// The account as a scan of its own: no resources, and one gap over everything
    /// live mode reads, so that the region-scoped rules give UNKNOWN for it (and
    /// every report lists the gap).
    pub fn scan(&self, regions: &[String]) -> Scan {
        let mut types: Vec<String> = REGIONAL
            .iter()
            .chain(GLOBAL)
            .flat_map(|(_, types)| types.iter().map(|t| t.to_string()))
            .chain(STANDS_FOR.iter().map(|t| t.to_string()))
            .collect();
        types.sort();
        types.dedup();
        Scan {
            source: "live",
            resources: Vec::new(),
            data_sources: Vec::new(),
            regions: regions
                .iter()
                .cloned()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            accounts: vec![self.account.clone()],
            gaps: vec![Gap {
                service: "sts".to_string(),
                region: None,
                account: Some(self.account.clone()),
                resource_types: types,
                error: format!(
                    "the account could not be read with role {}: {}",
                    self.role_arn, self.error
                ),
                reason: GapReason::Unreadable,
            }],
        }
    }
}

/// The 12-digit account of an IAM role ARN (`arn:<partition>:iam::<account>:role/<name>`).
pub fn role_account(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let ok = parts.next() == Some("arn")
        && parts.next().is_some_and(|p| p.starts_with("aws"))
        && parts.next() == Some("iam")
        && parts.next() == Some("");
    let account = parts
        .next()
        .filter(|a| ok && a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))?;
    parts
        .next()
        .filter(|rest| rest.starts_with("role/") && rest.len() > 5)
        .map(|_| account)
}

/// A live scan of one account, with what it cost.
#[derive(Debug)]
pub struct LiveScan {
    pub scan: Scan,
    /// AWS API requests made (each page of a paginated call counts).
    pub api_calls: u64,
    pub elapsed: Duration,
    /// The configuration the account was read with (its credentials, e.g. the
    /// assumed role), for writing back to it (`--security-hub`).
    pub sdk: SdkConfig,
}

/// Why one AWS call failed.
#[derive(Debug, Clone)]
pub struct CallError {
    pub op: &'static str,
    /// The AWS error code (`AccessDenied`), or what failed (`Timeout`,
    /// `DispatchFailure` for a connection that could not be made).
    pub code: String,
    pub message: String,
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.message.is_empty() {
            write!(f, "{}: {}", self.op, self.code)
        } else {
            write!(f, "{}: {}: {}", self.op, self.code, self.message)
        }
    }
}

impl CallError {
    pub(crate) fn from_sdk<E, R>(op: &'static str, e: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let (code, message) = match &e {
            SdkError::ServiceError(_) => match e.code() {
                Some(code) => (
                    code.to_string(),
                    e.message().unwrap_or_default().to_string(),
                ),
                None => (
                    "ServiceError".to_string(),
                    aws_sdk_sts::error::DisplayErrorContext(&e).to_string(),
                ),
            },
            SdkError::TimeoutError(_) => ("Timeout".to_string(), String::new()),
            SdkError::DispatchFailure(d) => (
                "DispatchFailure".to_string(),
                if d.is_io() {
                    "connection failed".to_string()
                } else if d.is_timeout() {
                    "timed out".to_string()
                } else {
                    "the request could not be sent".to_string()
                },
            ),
            SdkError::ResponseError(_) => (
                "ResponseError".to_string(),
                "the response could not be read".to_string(),
            ),
            _ => (
                e.code().unwrap_or("Error").to_string(),
                aws_sdk_sts::error::DisplayErrorContext(&e)
                    .to_string()
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            ),
        };
        CallError { op, code, message }
    }

    /// A one-line description for a coverage gap.
    pub fn gap_text(&self) -> String {
        self.to_string()
    }
}

/// What every collector shares: the account, the region, the request budget.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub account: String,
    pub region: String,
    sdk: SdkConfig,
    endpoint_url: Option<String>,
    limit: Arc<tokio::sync::Semaphore>,
    calls: Arc<AtomicU64>,
}

impl Ctx {
    fn in_region(&self, region: &str) -> Ctx {
        let mut c = self.clone();
        c.region = region.to_string();
        c.sdk = self
            .sdk
            .to_builder()
            .region(Region::new(region.to_string()))
            .build();
        c
    }

    /// One request, named by its IAM action.
    pub async fn call<T, E, R>(
        &self,
        op: &'static str,
        request: impl Future<Output = Result<T, SdkError<E, R>>>,
    ) -> Result<T, CallError>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let _permit = self.limit.acquire().await.ok();
        self.calls.fetch_add(1, Ordering::Relaxed);
        request.await.map_err(|e| CallError::from_sdk(op, e))
    }

    /// One request whose error codes in `absent` mean "not configured": `None`.
    pub async fn call_opt<T, E, R>(
        &self,
        op: &'static str,
        absent: &[&str],
        request: impl Future<Output = Result<T, SdkError<E, R>>>,
    ) -> Result<Option<T>, CallError>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        match self.call(op, request).await {
            Ok(v) => Ok(Some(v)),
            Err(e) if absent.contains(&e.code.as_str()) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every page of a paginated request (each page is one request).
    pub async fn pages<T, E, R>(
        &self,
        op: &'static str,
        mut stream: aws_smithy_async::future::pagination_stream::PaginationStream<
            Result<T, SdkError<E, R>>,
        >,
    ) -> Result<Vec<T>, CallError>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let mut out = Vec::new();
        loop {
            let _permit = self.limit.acquire().await.ok();
            match stream.next().await {
                None => return Ok(out),
                Some(page) => {
                    self.calls.fetch_add(1, Ordering::Relaxed);
                    out.push(page.map_err(|e| CallError::from_sdk(op, e))?);
                }
            }
        }
    }

    /// A resource of this account and region.
    pub fn resource(&self, kind: &str, id: &str, values: serde_json::Value) -> Resource {
        self.resource_at(
            kind,
            &format!("{}/{}/{id}", self.account, self.region),
            Some(&self.region),
            values,
        )
    }

    /// A resource named `name` (`<type>.<name>` is its address).
    pub fn resource_at(
        &self,
        kind: &str,
        name: &str,
        region: Option<&str>,
        values: serde_json::Value,
    ) -> Resource {
        Resource {
            address: format!("{kind}.{name}"),
            mode: Mode::Managed,
            kind: kind.to_string(),
            name: name.to_string(),
            module: ModulePath::root(),
            index: None,
            provider: "aws".to_string(),
            region: region.map(str::to_string),
            account: Some(self.account.clone()),
            action: None,
            values: regorus::Value::from(strip_nulls(values)),
            unknown: Vec::new(),
            references: BTreeMap::new(),
            unresolved: Vec::new(),
            location: None,
        }
    }

    /// `arn:aws:<service>:<region>:<account>:<rest>`.
    pub fn arn(&self, service: &str, rest: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:{rest}",
            crate::model::partition(&self.region),
            self.region,
            self.account
        )
    }
}

/// Terraform leaves unset attributes null; absent is the same to the rules and
/// keeps `values` small.
fn strip_nulls(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => serde_json::Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        serde_json::Value::Array(a) => {
            serde_json::Value::Array(a.into_iter().map(strip_nulls).collect())
        }
        other => other,
    }
}

/// Tags as Terraform's `tags` map.
pub(crate) fn tag_map<'a>(
    tags: impl IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> serde_json::Value {
    let m: serde_json::Map<String, serde_json::Value> = tags
        .into_iter()
        .filter_map(|(k, v)| Some((k?.to_string(), serde_json::Value::from(v.unwrap_or("")))))
        .collect();
    serde_json::Value::Object(m)
}

/// What one collector task read.
#[derive(Default)]
pub(crate) struct Collected {
    pub resources: Vec<Resource>,
    pub gaps: Vec<Gap>,
}

impl Collected {
    /// Reads every item concurrently (within the request limit, which every call
    /// takes), one task each, and gathers what the tasks read.
    pub async fn each<T, F, Fut>(items: impl IntoIterator<Item = T>, read: F) -> Collected
    where
        F: Fn(T) -> Fut,
        Fut: Future<Output = Collected> + Send + 'static,
    {
        let mut set = tokio::task::JoinSet::new();
        for item in items {
            set.spawn(read(item));
        }
        let mut out = Collected::default();
        while let Some(done) = set.join_next().await {
            if let Ok(c) = done {
                out.resources.extend(c.resources);
                out.gaps.extend(c.gaps);
            }
        }
        out
    }

    /// Adds a resource whose tags came from a call of their own: when that call
    /// failed, its tags are unknown and the failure is a gap of `service` (only the
    /// tag rules read tags, and the unknown marks are enough for them).
    pub fn push_tagged<T>(
        &mut self,
        ctx: &Ctx,
        service: &str,
        mut r: Resource,
        tags: &Result<T, CallError>,
    ) {
        if let Err(e) = tags {
            r.unknown = vec!["tags".into(), "tags_all".into()];
            self.partial(ctx, service, &[], e);
        }
        self.resources.push(r);
    }

    /// Records a call that failed for some resources of `types` (the rest was read).
    pub fn partial(&mut self, ctx: &Ctx, service: &str, types: &[&str], e: &CallError) {
        self.gaps.push(Gap {
            service: service.to_string(),
            region: Some(ctx.region.clone()),
            account: None,
            resource_types: types.iter().map(|t| t.to_string()).collect(),
            error: e.gap_text(),
            reason: GapReason::Unreadable,
        });
    }

    /// [`Collected::partial`] for a global service: the gap has no region.
    pub fn partial_global(&mut self, service: &str, types: &[&str], e: &CallError) {
        self.gaps.push(Gap {
            service: service.to_string(),
            region: None,
            account: None,
            resource_types: types.iter().map(|t| t.to_string()).collect(),
            error: e.gap_text(),
            reason: GapReason::Unreadable,
        });
    }
}

type TaskResult = (Task, Result<Collected, CallError>);

/// A collector task: a service in a region (or a global service, once).
struct Task {
    service: &'static str,
    region: Option<String>,
    types: &'static [&'static str],
}

fn loader(opts: &LiveOptions, region: &str) -> aws_config::ConfigLoader {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        // Throttling is retried with backoff, and the client slows down by itself.
        .retry_config(aws_config::retry::RetryConfig::adaptive().with_max_attempts(5))
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(10))
                .operation_attempt_timeout(Duration::from_secs(30))
                .operation_timeout(Duration::from_secs(120))
                .build(),
        );
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader
}

async fn sdk_config(opts: &LiveOptions, role: Option<&str>, region: &str) -> SdkConfig {
    let base = loader(opts, region).load().await;
    let Some(role) = role else {
        return base;
    };
    let provider = aws_config::sts::AssumeRoleProvider::builder(role)
        .session_name("infracheck-live")
        .configure(&base)
        .build()
        .await;
    loader(opts, region)
        .credentials_provider(provider)
        .load()
        .await
}

/// Reads the account (or each role's account) in the given regions. Fails only
/// when nothing at all could be read (no credentials, no network; over several
/// accounts: from any of them): anything less is a coverage gap, and over several
/// accounts an account that cannot be read at all is an [`Unreadable`].
pub fn load_live(opts: &LiveOptions) -> anyhow::Result<LiveRun> {
    if opts.regions.is_empty() {
        anyhow::bail!("--regions: no region to scan");
    }
    // A misspelt region would otherwise cost a timeout per service and end as
    // coverage gaps.
    if let Some(bad) = opts
        .regions
        .iter()
        .find(|r| !crate::config::is_region_name(r))
    {
        anyhow::bail!("--regions: {bad:?} is not an AWS region name (like us-east-1)");
    }
    let mut roles: Vec<String> = Vec::new();
    for arn in &opts.role_arns {
        let Some(account) = role_account(arn) else {
            anyhow::bail!(
                "--role-arn: {arn:?} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)"
            );
        };
        if !roles.iter().any(|r| role_account(r) == Some(account)) {
            roles.push(arn.clone());
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let start = std::time::Instant::now();
    let progress = progress_bar(opts.progress, 0);
    if roles.len() <= 1 {
        // One account: as it always was, a failure is the run's error.
        let scan = runtime.block_on(scan_account(opts, roles.pop(), progress.clone()))?;
        progress.finish_and_clear();
        return Ok(LiveRun {
            scans: vec![scan],
            unreadable: Vec::new(),
            elapsed: start.elapsed(),
        });
    }
    let outcomes = runtime.block_on(async {
        let limit = Arc::new(tokio::sync::Semaphore::new(ACCOUNTS_AT_ONCE));
        let mut set = tokio::task::JoinSet::new();
        for (i, role) in roles.iter().enumerate() {
            let (opts, role, limit, progress) =
                (opts.clone(), role.clone(), limit.clone(), progress.clone());
            set.spawn(async move {
                let _permit = limit.acquire().await.ok();
                (i, scan_account(&opts, Some(role), progress).await)
            });
        }
        let mut out = Vec::new();
        while let Some(done) = set.join_next().await {
            out.extend(done.ok());
        }
        out.sort_by_key(|(i, _)| *i);
        out
    });
    progress.finish_and_clear();
    let mut run = LiveRun {
        scans: Vec::new(),
        unreadable: Vec::new(),
        elapsed: start.elapsed(),
    };
    for (i, outcome) in outcomes {
        let role = &roles[i];
        match outcome {
            // Two roles that the ARNs did not show in one account: read once.
            Ok(scan)
                if run
                    .scans
                    .iter()
                    .any(|s| s.scan.accounts == scan.scan.accounts) => {}
            Ok(scan) => run.scans.push(scan),
            Err(e) => run.unreadable.push(Unreadable {
                role_arn: role.clone(),
                account: role_account(role).unwrap_or_default().to_string(),
                error: format!("{e:#}"),
            }),
        }
    }
    if run.scans.is_empty() {
        anyhow::bail!(
            "nothing could be read from any of the {} accounts: {}",
            roles.len(),
            run.unreadable
                .iter()
                .map(|u| format!("{}: {}", u.account, u.error))
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
    Ok(run)
}

/// Reads one account: the caller's own, or `role`'s.
async fn scan_account(
    opts: &LiveOptions,
    role: Option<String>,
    progress: indicatif::ProgressBar,
) -> anyhow::Result<LiveScan> {
    let start = std::time::Instant::now();
    let Some(first) = opts.regions.first() else {
        anyhow::bail!("--regions: no region to scan");
    };
    let sdk = sdk_config(opts, role.as_deref(), first).await;
    let calls = Arc::new(AtomicU64::new(0));
    let mut ctx = Ctx {
        account: String::new(),
        region: first.clone(),
        // --endpoint-url, or AWS_ENDPOINT_URL (and the like) from the environment.
        endpoint_url: opts
            .endpoint_url
            .clone()
            .or_else(|| sdk.endpoint_url().map(str::to_string)),
        sdk,
        limit: Arc::new(tokio::sync::Semaphore::new(MAX_IN_FLIGHT)),
        calls: calls.clone(),
    };
    ctx.account = match sts::account(&ctx).await {
        Ok(account) => account,
        Err(e) => match (&role, assume_role_error(&ctx.sdk).await) {
            // The request "could not be sent": say why the role was refused.
            (Some(role), Some(why)) => anyhow::bail!("cannot assume role {role}: {why}"),
            _ => anyhow::bail!("cannot read the AWS account (credentials?): {e}"),
        },
    };

    let mut tasks: Vec<Task> = Vec::new();
    for region in &opts.regions {
        tasks.extend(REGIONAL.iter().map(|&(service, types)| Task {
            service,
            region: Some(region.clone()),
            types,
        }));
    }
    tasks.extend(GLOBAL.iter().map(|&(service, types)| Task {
        service,
        region: None,
        types,
    }));

    progress.inc_length(tasks.len() as u64);
    let results: Arc<Mutex<Vec<TaskResult>>> = Arc::default();
    let mut set = tokio::task::JoinSet::new();
    for task in tasks {
        let ctx = ctx.in_region(task.region.as_deref().unwrap_or(first));
        let progress = progress.clone();
        let results = results.clone();
        let regions = opts.regions.clone();
        set.spawn(async move {
            let out = match task.service {
                "ec2" => ec2::collect(&ctx).await,
                "guardduty" => guardduty::collect(&ctx).await,
                "securityhub" => securityhub::collect(&ctx).await,
                "elasticloadbalancing" => elbv2::collect(&ctx).await,
                "elb" => elb::collect(&ctx).await,
                "wafv2" => wafv2::collect(&ctx).await,
                "logs" => logs::collect(&ctx).await,
                "config" => config::collect(&ctx).await,
                "cloudtrail" => cloudtrail::collect(&ctx).await,
                "secretsmanager" => secretsmanager::collect(&ctx).await,
                "dynamodb" => dynamodb::collect(&ctx).await,
                "application-autoscaling" => appautoscaling::collect(&ctx).await,
                "autoscaling" => autoscaling::collect(&ctx).await,
                "cloudwatch" => cloudwatch::collect(&ctx).await,
                "elasticache" => elasticache::collect(&ctx).await,
                "dax" => dax::collect(&ctx).await,
                "backup" => backup::collect(&ctx).await,
                "kms" => kms::collect(&ctx).await,
                "sns" => sns::collect(&ctx).await,
                "sqs" => sqs::collect(&ctx).await,
                "rds" => rds::collect(&ctx).await,
                "elasticfilesystem" => efs::collect(&ctx).await,
                "acm" => acm::collect(&ctx).await,
                "kinesis" => kinesis::collect(&ctx).await,
                "lambda" => lambda::collect(&ctx).await,
                "firehose" => firehose::collect(&ctx).await,
                "synthetics" => synthetics::collect(&ctx).await,
                "s3" => s3::collect(&ctx, &regions).await,
                "iam" => iam::collect(&ctx).await,
                "cloudfront" => cloudfront::collect(&ctx).await,
                "route53" => route53::collect(&ctx).await,
                other => unreachable!("no collector for {other}"),
            };
            progress.set_message(format!(
                "{} {}",
                task.service,
                task.region.as_deref().unwrap_or("global")
            ));
            progress.inc(1);
            results.lock().unwrap().push((task, out));
        });
    }
    while set.join_next().await.is_some() {}

    let results = std::mem::take(&mut *results.lock().unwrap());
    let total = results.len();
    let mut failed = 0;
    let mut first_error = None;
    let mut resources = Vec::new();
    let mut gaps = Vec::new();
    for (task, out) in results {
        match out {
            Ok(c) => {
                resources.extend(c.resources);
                gaps.extend(c.gaps);
            }
            Err(e) => {
                failed += 1;
                first_error.get_or_insert_with(|| e.to_string());
                gaps.push(Gap {
                    service: task.service.to_string(),
                    region: task.region.clone(),
                    account: None,
                    resource_types: task.types.iter().map(|t| t.to_string()).collect(),
                    error: e.gap_text(),
                    reason: GapReason::Unreadable,
                });
            }
        }
    }
    if failed == total {
        anyhow::bail!(
            "nothing could be read from the account: {}",
            first_error.unwrap_or_default()
        );
    }
    secretsmanager::join_replicas(&mut resources);
    dynamodb::join_replicas(&mut resources);
    iam::join_profiles(&mut resources);
    // Buckets first: split S3 resources share their bucket's `id`, and the first
    // resource with an id is the one value joins point at.
    resources
        .sort_by(|a, b| (join_rank(&a.kind), &a.address).cmp(&(join_rank(&b.kind), &b.address)));
    gaps.sort_by(|a, b| (&a.service, &a.region, &a.error).cmp(&(&b.service, &b.region, &b.error)));
    gaps.dedup();
    let mut scan = Scan {
        source: "live",
        resources,
        data_sources: Vec::new(),
        regions: opts
            .regions
            .iter()
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        accounts: vec![ctx.account.clone()],
        gaps,
    };
    crate::model::index::add_value_references(&mut scan);
    Ok(LiveScan {
        scan,
        api_calls: calls.load(Ordering::Relaxed),
        elapsed: start.elapsed(),
        sdk: ctx.sdk.clone(),
    })
}

/// Why the assumed role's credentials cannot be had (AccessDenied...), if so.
async fn assume_role_error(sdk: &SdkConfig) -> Option<String> {
    use aws_sdk_sts::config::ProvideCredentials;
    type AssumeRoleError = SdkError<
        aws_sdk_sts::operation::assume_role::AssumeRoleError,
        aws_sdk_sts::config::http::HttpResponse,
    >;
    let e = sdk
        .credentials_provider()?
        .provide_credentials()
        .await
        .err()?;
    // The STS error (`AccessDenied: ...`) when there is one, else what failed.
    let mut texts = vec![e.to_string()];
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        if let Some(sts) = s.downcast_ref::<AssumeRoleError>() {
            if let Some(code) = sts.code() {
                return Some(format!(
                    "sts:AssumeRole: {code}: {}",
                    sts.message().unwrap_or_default()
                ));
            }
        }
        texts.push(s.to_string());
        source = s.source();
    }
    Some(texts.join(": "))
}

fn join_rank(kind: &str) -> u8 {
    match kind {
        "aws_s3_bucket" => 0,
        _ => 1,
    }
}

fn progress_bar(enabled: bool, len: u64) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !enabled || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} services read ({msg})")
    {
        bar.set_style(style);
    }
    bar
}

/// The "not collected" gaps: resource types some rule needs that no collector
/// produces, one gap per service.
pub fn uncollected_gaps(needs: &crate::coverage::Needs) -> Vec<Gap> {
    let mut by_service: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for types in needs.values() {
        for t in types {
            if !is_collected(t) {
                by_service
                    .entry(service_of(t).to_string())
                    .or_default()
                    .insert(t.clone());
            }
        }
    }
    by_service
        .into_iter()
        .map(|(service, types)| Gap {
            service,
            region: None,
            account: None,
            error: format!(
                "not collected in live mode yet ({})",
                types.iter().cloned().collect::<Vec<_>>().join(", ")
            ),
            resource_types: types.into_iter().collect(),
            reason: GapReason::NotCollected,
        })
        .collect()
}

/// The AWS service (IAM prefix) of a Terraform resource type.
pub fn service_of(kind: &str) -> &str {
    const PREFIXES: &[(&str, &str)] = &[
        ("aws_iam_", "iam"),
        ("aws_lb", "elasticloadbalancing"),
        ("aws_alb", "elasticloadbalancing"),
        ("aws_elb", "elasticloadbalancing"),
        ("aws_wafv2_", "wafv2"),
        ("aws_dynamodb_", "dynamodb"),
        ("aws_dax_", "dax"),
        ("aws_elasticache_", "elasticache"),
        ("aws_autoscaling_", "autoscaling"),
        ("aws_launch_configuration", "autoscaling"),
        ("aws_appautoscaling_", "application-autoscaling"),
        ("aws_route53_", "route53"),
        ("aws_cloudfront_", "cloudfront"),
        ("aws_backup_", "backup"),
        ("aws_secretsmanager_", "secretsmanager"),
        ("aws_cloudtrail", "cloudtrail"),
        ("aws_cloudwatch_log_", "logs"),
        ("aws_cloudwatch_", "cloudwatch"),
        ("aws_config_", "config"),
        ("aws_kms_", "kms"),
        ("aws_s3_", "s3"),
        ("aws_guardduty_", "guardduty"),
        ("aws_securityhub_", "securityhub"),
        ("aws_acm_", "acm"),
        ("aws_db_", "rds"),
        ("aws_rds_", "rds"),
        ("aws_efs_", "elasticfilesystem"),
        ("aws_kinesis_firehose_", "firehose"),
        ("aws_kinesis_", "kinesis"),
        ("aws_lambda_", "lambda"),
        ("aws_sns_", "sns"),
        ("aws_sqs_", "sqs"),
        ("aws_synthetics_", "synthetics"),
    ];
    for (prefix, service) in PREFIXES {
        if kind.starts_with(prefix) {
            return service;
        }
    }
    "ec2"
}

#[cfg(test)]
mod tests;
