//! SQS: `aws_sqs_queue` (`id` = the queue URL as in Terraform, `arn`, `name`,
//! `url`, tags) per queue of each region, for the tag and region rules (TAG-001,
//! GDPR-001), the only rules that read queues.
//!
//! ListQueues is paginated but returns only URLs; the tags (ListQueueTags) are per
//! queue by API design. The ARN follows from the URL's account and name.

use serde_json::json;

use super::{tag_map, CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &["aws_sqs_queue"];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_sqs::Client::new(&ctx.sdk);
    let pages = ctx
        .pages(
            "sqs:ListQueues",
            client.list_queues().into_paginator().send(),
        )
        .await?;
    let urls: Vec<String> = pages.iter().flat_map(|p| p.queue_urls()).cloned().collect();
    Ok(Collected::each(urls, |url| {
        let (ctx, client) = (ctx.clone(), client.clone());
        async move {
            let name = url.rsplit('/').next().unwrap_or_default().to_string();
            let tags = ctx
                .call(
                    "sqs:ListQueueTags",
                    client.list_queue_tags().queue_url(&url).send(),
                )
                .await;
            let r = ctx.resource(
                "aws_sqs_queue",
                &name,
                json!({
                    "id": url,
                    "url": url,
                    "arn": ctx.arn("sqs", &name),
                    "name": name,
                    "tags": tags.as_ref().ok().map(|o| tag_map(
                        o.tags().into_iter().flatten().map(|(k, v)| (Some(k.as_str()), Some(v.as_str())))
                    )),
                }),
            );
            let mut out = Collected::default();
            out.push_tagged(&ctx, "sqs", r, &tags);
            out
        }
    })
    .await)
}
