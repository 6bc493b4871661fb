//! Lambda: `aws_lambda_function` per function of each region (`function_name`,
//! `arn`, `role`, `runtime`, `handler`, `kms_key_arn`, `vpc_config`, ... and tags),
//! for the tag and region rules (TAG-001, GDPR-001). Environment variables are not
//! read (no rule needs them, and they may hold secrets).
//!
//! ListFunctions is paginated but has no tags: they come from one batch of the
//! tagging API per region ([`super::tagging`]), read alongside, rather than one
//! ListTags call per function. Terraform's `id` is the function name.

use serde_json::json;

use super::{tagging, CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &["aws_lambda_function"];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_lambda::Client::new(&ctx.sdk);
    let (pages, tags) = tokio::join!(
        ctx.pages(
            "lambda:ListFunctions",
            client.list_functions().into_paginator().send(),
        ),
        tagging::by_arn(ctx, "lambda:function"),
    );
    let mut out = Collected::default();
    for f in pages?.iter().flat_map(|p| p.functions()) {
        let (Some(name), Some(arn)) = (f.function_name(), f.function_arn()) else {
            continue;
        };
        let vpc = f
            .vpc_config()
            .filter(|v| v.vpc_id().is_some_and(|id| !id.is_empty()))
            .map(|v| {
                json!([{
                    "vpc_id": v.vpc_id(),
                    "subnet_ids": v.subnet_ids(),
                    "security_group_ids": v.security_group_ids(),
                }])
            });
        let r = ctx.resource(
            "aws_lambda_function",
            name,
            json!({
                "id": name,
                "arn": arn,
                "function_name": name,
                "role": f.role(),
                "runtime": f.runtime().map(|r| r.as_str()),
                "handler": f.handler(),
                "description": f.description(),
                "memory_size": f.memory_size(),
                "timeout": f.timeout(),
                "package_type": f.package_type().map(|p| p.as_str()),
                "architectures": f.architectures().iter().map(|a| a.as_str()).collect::<Vec<_>>(),
                "kms_key_arn": f.kms_key_arn(),
                "layers": f.layers().iter().filter_map(|l| l.arn()).collect::<Vec<_>>(),
                "vpc_config": vpc,
                "tracing_config": f.tracing_config().and_then(|t| t.mode()).map(|m| json!([{"mode": m.as_str()}])),
                "dead_letter_config": f.dead_letter_config().and_then(|d| d.target_arn()).map(|t| json!([{"target_arn": t}])),
                "tags": tagging::of(&tags, arn),
            }),
        );
        out.push_tagged(ctx, "lambda", r, &tags);
    }
    Ok(out)
}
