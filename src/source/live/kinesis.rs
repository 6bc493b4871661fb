//! Kinesis: `aws_kinesis_stream` (`name`, `arn`, tags) per stream of each region,
//! for the region rule (GDPR-001), the only rule that reads streams. ListStreams is
//! paginated; the tags (ListTagsForStream, whose pages are followed here: the SDK
//! has no paginator for it) are per stream by API design.

use serde_json::{json, Value};

use super::{tag_map, CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &["aws_kinesis_stream"];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_kinesis::Client::new(&ctx.sdk);
    let pages = ctx
        .pages(
            "kinesis:ListStreams",
            client.list_streams().into_paginator().send(),
        )
        .await?;
    let mut out = Collected::default();
    for s in pages.iter().flat_map(|p| p.stream_summaries()) {
        let (name, arn) = (s.stream_name(), s.stream_arn());
        let tags = tags(ctx, &client, arn).await;
        let r = ctx.resource(
            "aws_kinesis_stream",
            name,
            json!({
                "id": arn,
                "arn": arn,
                "name": name,
                "tags": tags.as_ref().ok(),
            }),
        );
        out.push_tagged(ctx, "kinesis", r, &tags);
    }
    Ok(out)
}

async fn tags(ctx: &Ctx, client: &aws_sdk_kinesis::Client, arn: &str) -> Result<Value, CallError> {
    let mut all: Vec<(String, Option<String>)> = Vec::new();
    loop {
        let page = ctx
            .call(
                "kinesis:ListTagsForStream",
                client
                    .list_tags_for_stream()
                    .stream_arn(arn)
                    .set_exclusive_start_tag_key(all.last().map(|(k, _)| k.clone()))
                    .send(),
            )
            .await?;
        all.extend(
            page.tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().map(str::to_string))),
        );
        if !page.has_more_tags() || page.tags().is_empty() {
            return Ok(tag_map(
                all.iter().map(|(k, v)| (Some(k.as_str()), v.as_deref())),
            ));
        }
    }
}
