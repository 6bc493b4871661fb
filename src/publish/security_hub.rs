//! `live --security-hub`: imports the findings of a live scan into each scanned
//! region's Security Hub, with the credentials of the scanned account, and keeps
//! them true from one night to the next (see [`super::scope`]).
//!
//! Per region: DescribeHub (a region without Security Hub is reported and
//! skipped), GetFindings for our findings (paced under Security Hub's 3 requests
//! per second, filtered on the server and again here), then BatchImportFindings in
//! batches of at most 100 findings and 6 MB. Throttling is retried by the SDK
//! (adaptive retry); entries in `FailedFindings` and failed calls are retried with
//! backoff, and what still fails is reported with its error code.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::time::Duration;

use aws_config::{Region, SdkConfig};
use aws_sdk_securityhub::types as sh;

use super::scope::{lifecycle, EvaluatedScope, Existing};
use crate::report::asff::{
    self, AsffFinding, AsffResource, AsffSeverity, AssociatedStandard, Compliance,
    FindingProviderFields, Recommendation, Remediation,
};
use crate::source::live::CallError;

/// The operations `--security-hub` calls, besides the read-only ones of the scan;
/// `docs/iam-policy-security-hub.json` allows them.
pub const OPERATIONS: &[&str] = &[
    "securityhub:DescribeHub",
    "securityhub:GetFindings",
    "securityhub:BatchImportFindings",
];

/// Security Hub's limits on one BatchImportFindings call.
pub const BATCH_MAX_FINDINGS: usize = 100;
pub const BATCH_MAX_BYTES: usize = 6 * 1024 * 1024;
/// GetFindings is limited to 3 requests per second.
const GET_FINDINGS_INTERVAL: Duration = Duration::from_millis(350);
/// Waits before each new attempt at findings that failed to import.
const RETRY_DELAYS: [Duration; 3] = [
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
];

/// What happened in one region.
#[derive(Debug, Default)]
pub struct RegionOutcome {
    pub region: String,
    /// Why the region was skipped (Security Hub not enabled, access denied...).
    pub skipped: Option<String>,
    pub created: usize,
    pub updated: usize,
    pub resolved: usize,
    pub archived: usize,
    pub kept: usize,
    /// Findings that could not be imported, after every retry.
    pub failed: Vec<FailedImport>,
    /// BatchImportFindings calls made.
    pub import_calls: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FailedImport {
    pub id: String,
    pub code: String,
    pub message: String,
}

impl RegionOutcome {
    /// One line for standard error.
    pub fn summary(&self) -> String {
        match &self.skipped {
            Some(why) => format!("security hub {}: skipped: {why}", self.region),
            None => format!(
                "security hub {}: {} new, {} updated ({} now PASSED), {} archived, {} left as they were, {} failed ({} import calls)",
                self.region,
                self.created,
                self.updated,
                self.resolved,
                self.archived,
                self.kept,
                self.failed.len(),
                self.import_calls
            ),
        }
    }
}

/// Imports `findings` (ASFF of this run, all of `account`) into the Security Hub of
/// each region of `regions`.
pub fn publish(
    sdk: &SdkConfig,
    account: &str,
    regions: &[String],
    findings: Vec<AsffFinding>,
    scope: &EvaluatedScope,
) -> anyhow::Result<Vec<RegionOutcome>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut by_region: BTreeMap<String, Vec<AsffFinding>> = BTreeMap::new();
    for f in findings {
        by_region.entry(f.region.clone()).or_default().push(f);
    }
    let mut out = Vec::new();
    for region in regions {
        let desired = by_region.remove(region).unwrap_or_default();
        out.push(runtime.block_on(publish_region(sdk, account, region, desired, scope)));
    }
    Ok(out)
}

async fn publish_region(
    sdk: &SdkConfig,
    account: &str,
    region: &str,
    desired: Vec<AsffFinding>,
    scope: &EvaluatedScope,
) -> RegionOutcome {
    let mut out = RegionOutcome {
        region: region.to_string(),
        ..Default::default()
    };
    let client = aws_sdk_securityhub::Client::new(
        &sdk.to_builder()
            .region(Region::new(region.to_string()))
            .build(),
    );
    if let Err(e) = client.describe_hub().send().await {
        let e = CallError::from_sdk("securityhub:DescribeHub", e);
        out.skipped = Some(format!("Security Hub is not enabled or not readable ({e})"));
        return out;
    }
    let (existing, raw) = match existing_findings(&client, account, region).await {
        Ok(x) => x,
        Err(e) => {
            // Without the current findings, an import could reset CreatedAt.
            out.skipped = Some(format!("cannot read the existing findings ({e})"));
            return out;
        }
    };
    let plan = lifecycle(desired, &existing, scope);
    out.created = plan.created;
    out.updated = plan.updated;
    out.resolved = plan.resolved;
    out.kept = plan.kept;
    let now = asff::now();
    let mut imports = plan.upserts;
    for id in &plan.archive {
        if let Some(mut f) = raw.get(id).and_then(from_sdk) {
            f.record_state = "ARCHIVED".to_string();
            f.updated_at = now.clone();
            imports.push(f);
        }
    }
    let mut calls = 0;
    out.failed = import_with_retry(imports, &RETRY_DELAYS, |batch| {
        calls += 1;
        let request = client
            .batch_import_findings()
            .set_findings(Some(batch.iter().map(to_sdk).collect()));
        async move {
            match request.send().await {
                Ok(o) => Ok(o
                    .failed_findings()
                    .iter()
                    .map(|e| FailedImport {
                        id: e.id().unwrap_or_default().to_string(),
                        code: e.error_code().unwrap_or_default().to_string(),
                        message: e.error_message().unwrap_or_default().to_string(),
                    })
                    .collect()),
                Err(e) => Err(CallError::from_sdk("securityhub:BatchImportFindings", e)),
            }
        }
    })
    .await;
    out.import_calls = calls;
    out.archived = plan
        .archive
        .iter()
        .filter(|id| !out.failed.iter().any(|f| &f.id == *id))
        .count();
    out
}

/// Our findings in this account and region, active and archived: parsed, and as
/// Security Hub returned them (for archiving).
async fn existing_findings(
    client: &aws_sdk_securityhub::Client,
    account: &str,
    region: &str,
) -> Result<(Vec<Existing>, HashMap<String, sh::AwsSecurityFinding>), CallError> {
    let product = asff::product_arn(region, account);
    let eq = |v: &str| {
        sh::StringFilter::builder()
            .value(v)
            .comparison(sh::StringFilterComparison::Equals)
            .build()
    };
    let filters = sh::AwsSecurityFindingFilters::builder()
        .product_arn(eq(&product))
        .aws_account_id(eq(account))
        .region(eq(region))
        .generator_id(
            sh::StringFilter::builder()
                .value(asff::GENERATOR_PREFIX)
                .comparison(sh::StringFilterComparison::Prefix)
                .build(),
        )
        .build();
    let mut pages = client
        .get_findings()
        .filters(filters)
        .max_results(100)
        .into_paginator()
        .send();
    let mut parsed = Vec::new();
    let mut raw = HashMap::new();
    let mut last: Option<tokio::time::Instant> = None;
    loop {
        if let Some(t) = last {
            tokio::time::sleep_until(t + GET_FINDINGS_INTERVAL).await;
        }
        last = Some(tokio::time::Instant::now());
        let Some(page) = pages.next().await else {
            break;
        };
        let page = page.map_err(|e| CallError::from_sdk("securityhub:GetFindings", e))?;
        for f in page.findings() {
            // The server filters too, but not every implementation does.
            let ours = f.product_arn() == Some(product.as_str())
                && f.aws_account_id() == Some(account)
                && f.region().is_none_or(|r| r == region)
                && f.generator_id()
                    .is_some_and(|g| g.starts_with(asff::GENERATOR_PREFIX));
            let (Some(id), Some(rule)) =
                (f.id(), f.generator_id().and_then(asff::rule_of_generator))
            else {
                continue;
            };
            if !ours {
                continue;
            }
            parsed.push(Existing {
                id: id.to_string(),
                rule_id: rule.to_string(),
                account: account.to_string(),
                region: region.to_string(),
                status: f
                    .compliance()
                    .and_then(|c| c.status())
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                active: f.record_state() != Some(&sh::RecordState::Archived),
                created_at: f.created_at().map(str::to_string),
                first_observed_at: f.first_observed_at().map(str::to_string),
            });
            raw.insert(id.to_string(), f.clone());
        }
    }
    Ok((parsed, raw))
}

/// Splits findings into batches of at most [`BATCH_MAX_FINDINGS`] and
/// [`BATCH_MAX_BYTES`].
pub fn batches(findings: Vec<AsffFinding>) -> Vec<Vec<AsffFinding>> {
    let mut out: Vec<Vec<AsffFinding>> = Vec::new();
    let mut bytes = 0;
    for f in findings {
        let size = asff::size(&f);
        match out.last_mut() {
            Some(b) if b.len() < BATCH_MAX_FINDINGS && bytes + size <= BATCH_MAX_BYTES => {
                bytes += size;
                b.push(f);
            }
            _ => {
                bytes = size;
                out.push(vec![f]);
            }
        }
    }
    out
}

/// Imports every finding in batches; the findings of a failed entry or a failed
/// call are tried again after each of `delays`. Returns what still failed.
pub async fn import_with_retry<S, F>(
    findings: Vec<AsffFinding>,
    delays: &[Duration],
    mut send: S,
) -> Vec<FailedImport>
where
    S: FnMut(&[AsffFinding]) -> F,
    F: Future<Output = Result<Vec<FailedImport>, CallError>>,
{
    let mut pending = findings;
    let mut failed: Vec<FailedImport> = Vec::new();
    for attempt in 0..=delays.len() {
        if pending.is_empty() {
            break;
        }
        if attempt > 0 {
            tokio::time::sleep(delays[attempt - 1]).await;
        }
        failed.clear();
        for batch in batches(std::mem::take(&mut pending)) {
            match send(&batch).await {
                Ok(errors) => {
                    let by_id: HashMap<&str, &FailedImport> =
                        errors.iter().map(|e| (e.id.as_str(), e)).collect();
                    for f in batch {
                        if let Some(e) = by_id.get(f.id.as_str()) {
                            failed.push((*e).clone());
                            pending.push(f);
                        }
                    }
                }
                Err(e) => {
                    for f in batch {
                        failed.push(FailedImport {
                            id: f.id.clone(),
                            code: e.code.clone(),
                            message: e.message.clone(),
                        });
                        pending.push(f);
                    }
                }
            }
        }
    }
    failed
}

/// Our ASFF as the SDK sends it.
fn to_sdk(f: &AsffFinding) -> sh::AwsSecurityFinding {
    let severity = sh::Severity::builder()
        .label(sh::SeverityLabel::from(f.severity.label.as_str()))
        .original(&f.severity.original)
        .build();
    let provider_severity = sh::FindingProviderSeverity::builder()
        .label(sh::SeverityLabel::from(
            f.finding_provider_fields.severity.label.as_str(),
        ))
        .original(&f.finding_provider_fields.severity.original)
        .build();
    let resources = f
        .resources
        .iter()
        .map(|r| {
            sh::Resource::builder()
                .r#type(&r.kind)
                .id(&r.id)
                .partition(sh::Partition::from(r.partition.as_str()))
                .region(&r.region)
                .set_tags((!r.tags.is_empty()).then(|| r.tags.clone().into_iter().collect()))
                .build()
        })
        .collect();
    let compliance = sh::Compliance::builder()
        .status(sh::ComplianceStatus::from(f.compliance.status.as_str()))
        .set_related_requirements(
            (!f.compliance.related_requirements.is_empty())
                .then(|| f.compliance.related_requirements.clone()),
        )
        .set_security_control_id(f.compliance.security_control_id.clone())
        .set_associated_standards((!f.compliance.associated_standards.is_empty()).then(|| {
            f.compliance
                .associated_standards
                .iter()
                .map(|s| {
                    sh::AssociatedStandard::builder()
                        .standards_id(&s.standards_id)
                        .build()
                })
                .collect()
        }))
        .build();
    sh::AwsSecurityFinding::builder()
        .schema_version(&f.schema_version)
        .id(&f.id)
        .product_arn(&f.product_arn)
        .product_name(&f.product_name)
        .company_name(&f.company_name)
        .generator_id(&f.generator_id)
        .aws_account_id(&f.aws_account_id)
        .region(&f.region)
        .set_types(Some(f.types.clone()))
        .created_at(&f.created_at)
        .updated_at(&f.updated_at)
        .first_observed_at(&f.first_observed_at)
        .last_observed_at(&f.last_observed_at)
        .severity(severity)
        .title(&f.title)
        .description(&f.description)
        .remediation(
            sh::Remediation::builder()
                .recommendation(
                    sh::Recommendation::builder()
                        .text(&f.remediation.recommendation.text)
                        .set_url(f.remediation.recommendation.url.clone())
                        .build(),
                )
                .build(),
        )
        .set_source_url(f.source_url.clone())
        .set_product_fields(Some(f.product_fields.clone().into_iter().collect()))
        .set_resources(Some(resources))
        .compliance(compliance)
        .finding_provider_fields(
            sh::FindingProviderFields::builder()
                .severity(provider_severity)
                .set_types(Some(f.finding_provider_fields.types.clone()))
                .build(),
        )
        .record_state(sh::RecordState::from(f.record_state.as_str()))
        .build()
}

/// One of our findings as Security Hub returned it, back in our ASFF: only the
/// fields we own (Security Hub's `aws/...` product fields and customer fields such
/// as the workflow and notes are left out, so an update never touches them).
fn from_sdk(f: &sh::AwsSecurityFinding) -> Option<AsffFinding> {
    let text = |s: Option<&str>| s.unwrap_or_default().to_string();
    let severity = |label: Option<&sh::SeverityLabel>, original: Option<&str>| AsffSeverity {
        label: label
            .map(|l| l.as_str())
            .unwrap_or("INFORMATIONAL")
            .to_string(),
        original: text(original),
    };
    let sev = f.severity()?;
    let provider = f.finding_provider_fields();
    let compliance = f.compliance();
    Some(AsffFinding {
        schema_version: text(f.schema_version()),
        id: f.id()?.to_string(),
        product_arn: f.product_arn()?.to_string(),
        product_name: text(f.product_name()),
        company_name: text(f.company_name()),
        generator_id: f.generator_id()?.to_string(),
        aws_account_id: f.aws_account_id()?.to_string(),
        region: text(f.region()),
        types: f.types().to_vec(),
        created_at: text(f.created_at()),
        updated_at: text(f.updated_at()),
        first_observed_at: text(f.first_observed_at()),
        last_observed_at: text(f.last_observed_at()),
        severity: severity(sev.label(), sev.original()),
        title: text(f.title()),
        description: text(f.description()),
        remediation: Remediation {
            recommendation: Recommendation {
                text: text(
                    f.remediation()
                        .and_then(|r| r.recommendation())
                        .and_then(|r| r.text()),
                ),
                url: f
                    .remediation()
                    .and_then(|r| r.recommendation())
                    .and_then(|r| r.url())
                    .map(str::to_string),
            },
        },
        source_url: f.source_url().map(str::to_string),
        product_fields: f
            .product_fields()
            .into_iter()
            .flatten()
            .filter(|(k, _)| k.starts_with(asff::GENERATOR_PREFIX))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        resources: f
            .resources()
            .iter()
            .map(|r| AsffResource {
                kind: text(r.r#type()),
                id: text(r.id()),
                partition: r
                    .partition()
                    .map(|p| p.as_str())
                    .unwrap_or("aws")
                    .to_string(),
                region: text(r.region()),
                tags: r
                    .tags()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            })
            .collect(),
        compliance: Compliance {
            status: compliance
                .and_then(|c| c.status())
                .map(|s| s.as_str())
                .unwrap_or("NOT_AVAILABLE")
                .to_string(),
            related_requirements: compliance
                .map(|c| c.related_requirements().to_vec())
                .unwrap_or_default(),
            security_control_id: compliance
                .and_then(|c| c.security_control_id())
                .map(str::to_string),
            associated_standards: compliance
                .map(|c| {
                    c.associated_standards()
                        .iter()
                        .filter_map(|s| s.standards_id())
                        .map(|s| AssociatedStandard {
                            standards_id: s.to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        },
        finding_provider_fields: FindingProviderFields {
            severity: provider
                .and_then(|p| p.severity())
                .map(|s| severity(s.label(), s.original()))
                .unwrap_or_else(|| severity(sev.label(), sev.original())),
            types: provider
                .map(|p| p.types().to_vec())
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| f.types().to_vec()),
        },
        record_state: f
            .record_state()
            .map(|s| s.as_str())
            .unwrap_or("ACTIVE")
            .to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    fn finding(id: usize, description_bytes: usize) -> AsffFinding {
        let mut f = asff::sample(&format!("f{id}"), "FAILED");
        f.description = "d".repeat(description_bytes);
        f
    }

    #[test]
    fn the_security_hub_policy_allows_exactly_the_calls_made() {
        let code = include_str!("security_hub.rs");
        // The calls: the code after OPERATIONS, before the tests.
        let code = &code[code.find("pub const BATCH_MAX_FINDINGS").unwrap()
            ..code.find("#[cfg(test)]").unwrap()];
        let named: std::collections::BTreeSet<&str> = code
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|s| s.starts_with("securityhub:"))
            .collect();
        assert_eq!(named, OPERATIONS.iter().copied().collect());
        // One request per SDK operation, each named above.
        assert_eq!(code.matches(".send()").count(), OPERATIONS.len());
        let doc: serde_json::Value =
            serde_json::from_str(include_str!("../../docs/iam-policy-security-hub.json")).unwrap();
        let allowed: std::collections::BTreeSet<&str> = doc["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|st| st["Action"].as_array().unwrap())
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(allowed, named);
    }

    #[test]
    fn batches_hold_at_most_100_findings_and_6_mb() {
        let sizes: Vec<usize> = batches((0..250).map(|i| finding(i, 10)).collect())
            .iter()
            .map(Vec::len)
            .collect();
        assert_eq!(sizes, [100, 100, 50]);
        // About 201 KB each: 30 fit in 6 MB.
        let big = batches((0..40).map(|i| finding(i, 200 * 1024)).collect());
        assert!(big
            .iter()
            .all(|b| b.iter().map(asff::size).sum::<usize>() <= BATCH_MAX_BYTES));
        assert_eq!(big.iter().map(Vec::len).collect::<Vec<_>>(), [30, 10]);
    }

    #[test]
    fn the_sdk_round_trip_keeps_every_field() {
        let f = finding(1, 5);
        assert_eq!(from_sdk(&to_sdk(&f)), Some(f));
    }

    #[tokio::test]
    async fn failed_entries_are_retried_and_what_keeps_failing_is_reported() {
        let attempts: RefCell<Vec<Vec<String>>> = RefCell::default();
        let failed = import_with_retry(
            (0..3).map(|i| finding(i, 1)).collect(),
            &[Duration::ZERO; 3],
            |batch| {
                let ids: Vec<String> = batch.iter().map(|f| f.id.clone()).collect();
                let n = attempts.borrow().len();
                attempts.borrow_mut().push(ids.clone());
                async move {
                    if n == 1 {
                        // The second call fails as a whole.
                        return Err(CallError {
                            op: "securityhub:BatchImportFindings",
                            code: "ThrottlingException".into(),
                            message: String::new(),
                        });
                    }
                    Ok(ids
                        .iter()
                        .filter(|id| *id == "f2" || (*id == "f1" && n == 0))
                        .map(|id| FailedImport {
                            id: id.clone(),
                            code: "InvalidInput".into(),
                            message: "bad".into(),
                        })
                        .collect())
                }
            },
        )
        .await;
        assert_eq!(
            *attempts.borrow(),
            vec![
                vec!["f0", "f1", "f2"],
                vec!["f1", "f2"],
                vec!["f1", "f2"],
                vec!["f2"],
            ]
        );
        assert_eq!(
            failed,
            vec![FailedImport {
                id: "f2".into(),
                code: "InvalidInput".into(),
                message: "bad".into(),
            }]
        );
    }
}
