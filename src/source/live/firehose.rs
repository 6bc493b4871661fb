//! Firehose: `aws_kinesis_firehose_delivery_stream` (`name`, `arn`, tags) per
//! delivery stream of each region, for the region rule (GDPR-001), the only rule
//! that reads delivery streams.
//!
//! ListDeliveryStreams returns names only and has no paginator in the SDK: its
//! pages are followed here (ExclusiveStartDeliveryStreamName while
//! HasMoreDeliveryStreams). The ARN is built from the name; the tags come from one
//! batch of the tagging API per region ([`super::tagging`]), read alongside, not
//! one ListTagsForDeliveryStream call per stream.

use serde_json::json;

use super::{tagging, CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &["aws_kinesis_firehose_delivery_stream"];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_firehose::Client::new(&ctx.sdk);
    // "firehose" (the whole service): delivery streams are its only taggable type.
    let (names, tags) = tokio::join!(names(ctx, &client), tagging::by_arn(ctx, "firehose"));
    let mut out = Collected::default();
    for name in names? {
        let arn = ctx.arn("firehose", &format!("deliverystream/{name}"));
        let r = ctx.resource(
            "aws_kinesis_firehose_delivery_stream",
            &name,
            json!({
                "id": arn,
                "arn": arn,
                "name": name,
                "tags": tagging::of(&tags, &arn),
            }),
        );
        out.push_tagged(ctx, "firehose", r, &tags);
    }
    Ok(out)
}

async fn names(ctx: &Ctx, client: &aws_sdk_firehose::Client) -> Result<Vec<String>, CallError> {
    let mut all: Vec<String> = Vec::new();
    loop {
        let page = ctx
            .call(
                "firehose:ListDeliveryStreams",
                client
                    .list_delivery_streams()
                    .set_exclusive_start_delivery_stream_name(all.last().cloned())
                    .send(),
            )
            .await?;
        all.extend(page.delivery_stream_names().iter().cloned());
        if !page.has_more_delivery_streams() || page.delivery_stream_names().is_empty() {
            return Ok(all);
        }
    }
}
