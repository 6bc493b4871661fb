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
    let mut out = Collected::default();
    let mut set = tokio::task::JoinSet::new();
    for arn in pages
        .iter()
        .flat_map(|p| p.topics())
        .filter_map(|t| t.topic_arn())
    {
        let (ctx, client, arn) = (ctx.clone(), client.clone(), arn.to_string());
        set.spawn(async move {
            let mut out = Collected::default();
            let name = arn.rsplit(':').next().unwrap_or_default().to_string();
            let tags = ctx
                .call(
                    "sns:ListTagsForResource",
                    client.list_tags_for_resource().resource_arn(&arn).send(),
                )
                .await;
            let mut r = ctx.resource(
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
            if let Err(e) = tags {
                r.unknown = vec!["tags".into(), "tags_all".into()];
                out.partial(&ctx, "sns", &[], &e);
            }
            out.resources.push(r);
            out
        });
    }
    while let Some(done) = set.join_next().await {
        if let Ok(c) = done {
            out.resources.extend(c.resources);
            out.gaps.extend(c.gaps);
        }
    }
    Ok(out)
}
