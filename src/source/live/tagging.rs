//! Resource Groups Tagging API: the tags of every resource of one type in a region,
//! in one paginated batch (GetResources with a resource type filter), for services
//! that have no batch tag read of their own (CloudWatch alarms, Lambda functions,
//! Firehose delivery streams, SNS topics, SQS queues, ACM certificates) instead of
//! one tag call per resource.
//!
//! The API answers only resources that have (or had) tags: a resource absent from
//! the answer has no tags (an empty map). When the call fails, the tags of every
//! resource of that type are unknown, and the collector records a partial gap
//! ([`super::Collected::push_tagged`]).

use std::collections::HashMap;

use serde_json::Value;

use super::{tag_map, CallError, Ctx};

/// Resource ARN -> Terraform `tags` map, for the resources of `resource_type`
/// (`service` or `service:type`, e.g. `cloudwatch:alarm`) in the context's region.
pub(crate) async fn by_arn(
    ctx: &Ctx,
    resource_type: &str,
) -> Result<HashMap<String, Value>, CallError> {
    let client = aws_sdk_resourcegroupstagging::Client::new(&ctx.sdk);
    let pages = ctx
        .pages(
            "tag:GetResources",
            client
                .get_resources()
                .resource_type_filters(resource_type)
                .into_paginator()
                .send(),
        )
        .await?;
    Ok(pages
        .iter()
        .flat_map(|p| p.resource_tag_mapping_list())
        .filter_map(|m| {
            let tags = tag_map(m.tags().iter().map(|t| (Some(t.key()), Some(t.value()))));
            Some((m.resource_arn()?.to_string(), tags))
        })
        .collect())
}

/// The tags of the resource `arn` from a batch: an empty map when the batch does
/// not name it, `None` (unknown) when the batch failed.
pub(crate) fn of(batch: &Result<HashMap<String, Value>, CallError>, arn: &str) -> Option<Value> {
    let batch = batch.as_ref().ok()?;
    Some(
        batch
            .get(arn)
            .cloned()
            .unwrap_or_else(|| Value::Object(Default::default())),
    )
}
