//! SNS: `aws_sns_topic` (`arn`, `name`, tags) per topic of each region, for the tag
//! and region rules (TAG-001, GDPR-001), the only rules that read topics.
//!
//! ListTopics is paginated but returns only ARNs; the tags (ListTagsForResource)
//! are per topic by API design.

use serde_json::json;

use super::{tag_map, CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &["aws_sns_topic"];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_sns::Client::new(&ctx.sdk);
    let pages = ctx
        .pages(
            "sns:ListTopics",
            client.list_topics().into_paginator().send(),
        )
        .await?;
    let arns: Vec<String> = pages
        .iter()
        .flat_map(|p| p.topics())
        .filter_map(|t| t.topic_arn().map(str::to_string))
        .collect();
    Ok(Collected::each(arns, |arn| {
        let (ctx, client) = (ctx.clone(), client.clone());
        async move {
            let name = arn.rsplit(':').next().unwrap_or_default().to_string();
            let tags = ctx
                .call(
                    "sns:ListTagsForResource",
                    client.list_tags_for_resource().resource_arn(&arn).send(),
                )
                .await;
            let r = ctx.resource(
                "aws_sns_topic",
                &name,
                json!({
                    "id": arn,
                    "arn": arn,
                    "name": name,
                    "tags": tags.as_ref().ok().map(|o| tag_map(
                        o.tags().iter().map(|t| (Some(t.key()), Some(t.value())))
                    )),
                }),
            );
            let mut out = Collected::default();
            out.push_tagged(&ctx, "sns", r, &tags);
            out
        }
    })
    .await)
}
