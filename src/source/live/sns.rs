//! SNS: `aws_sns_topic` (`arn`, `name`, tags) per topic of each region, for the tag
//! and region rules (TAG-001, GDPR-001), the only rules that read topics.
//!
//! ListTopics is paginated but returns only ARNs; the tags come from one batch of
//! the tagging API per region ([`super::tagging`]), read alongside, rather than one
//! ListTagsForResource call per topic.

use serde_json::json;

use super::{tagging, CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &["aws_sns_topic"];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_sns::Client::new(&ctx.sdk);
    let (pages, tags) = tokio::join!(
        ctx.pages(
            "sns:ListTopics",
            client.list_topics().into_paginator().send(),
        ),
        tagging::by_arn(ctx, "sns"),
    );
    let mut out = Collected::default();
    for arn in pages?
        .iter()
        .flat_map(|p| p.topics())
        .filter_map(|t| t.topic_arn())
    {
        let name = arn.rsplit(':').next().unwrap_or_default();
        let r = ctx.resource(
            "aws_sns_topic",
            name,
            json!({
                "id": arn,
                "arn": arn,
                "name": name,
                "tags": tagging::of(&tags, arn),
            }),
        );
        out.push_tagged(ctx, "sns", r, &tags);
    }
    Ok(out)
}
