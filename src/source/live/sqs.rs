//! SQS: `aws_sqs_queue` (`id` = the queue URL as in Terraform, `arn`, `name`,
//! `url`, tags) per queue of each region, for the tag and region rules (TAG-001,
//! GDPR-001), the only rules that read queues.
//!
//! ListQueues is paginated but returns only URLs; the ARN follows from the URL's
//! name. The tags come from one batch of the tagging API per region
//! ([`super::tagging`]), read alongside, rather than one ListQueueTags call per
//! queue.

use serde_json::json;

use super::{tagging, CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &["aws_sqs_queue"];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_sqs::Client::new(&ctx.sdk);
    let (pages, tags) = tokio::join!(
        ctx.pages(
            "sqs:ListQueues",
            client.list_queues().into_paginator().send(),
        ),
        tagging::by_arn(ctx, "sqs"),
    );
    let mut out = Collected::default();
    for url in pages?.iter().flat_map(|p| p.queue_urls()) {
        let name = url.rsplit('/').next().unwrap_or_default();
        let arn = ctx.arn("sqs", name);
        let r = ctx.resource(
            "aws_sqs_queue",
            name,
            json!({
                "id": url,
                "url": url,
                "arn": arn,
                "name": name,
                "tags": tagging::of(&tags, &arn),
            }),
        );
        out.push_tagged(ctx, "sqs", r, &tags);
    }
    Ok(out)
}
