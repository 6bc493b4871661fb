//! CloudWatch Logs: `aws_cloudwatch_log_group` per log group of each region.
//!
//! A log group's `arn` is `arn:aws:logs:<region>:<account>:log-group:<name>` (without
//! the `:*` suffix the API adds), the form flow logs name as their destination; it
//! has no `id` (the name, Terraform's ID, repeats across regions).

use serde_json::json;

use super::{CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &["aws_cloudwatch_log_group"];

/// The ARN of log group `name` in the context's region.
pub(crate) fn group_arn(ctx: &Ctx, name: &str) -> String {
    ctx.arn("logs", &format!("log-group:{name}"))
}

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_cloudwatchlogs::Client::new(&ctx.sdk);
    let pages = ctx
        .pages(
            "logs:DescribeLogGroups",
            client.describe_log_groups().into_paginator().send(),
        )
        .await?;
    let mut out = Collected::default();
    for g in pages.iter().flat_map(|p| p.log_groups()) {
        let Some(name) = g.log_group_name() else {
            continue;
        };
        // DescribeLogGroups has no tags, and there is no batch read of them here
        // yet: they are unknown (TAG-001 gives UNKNOWN).
        let mut r = ctx.resource(
            "aws_cloudwatch_log_group",
            name.trim_start_matches('/'),
            json!({
                "name": name,
                "arn": group_arn(ctx, name),
                "retention_in_days": g.retention_in_days().unwrap_or(0),
                "kms_key_id": g.kms_key_id(),
                "log_group_class": g.log_group_class().map(|c| c.as_str()),
            }),
        );
        r.unknown = vec!["tags".into(), "tags_all".into()];
        out.resources.push(r);
    }
    Ok(out)
}
