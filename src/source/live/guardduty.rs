//! GuardDuty: `aws_guardduty_detector` per detector of each region.

use serde_json::json;

use super::{CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &["aws_guardduty_detector"];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_guardduty::Client::new(&ctx.sdk);
    let mut out = Collected::default();
    let pages = ctx
        .pages(
            "guardduty:ListDetectors",
            client.list_detectors().into_paginator().send(),
        )
        .await?;
    // One detector per region at most: GetDetector per ID is no per-resource cost.
    for id in pages.iter().flat_map(|p| p.detector_ids()) {
        let d = ctx
            .call(
                "guardduty:GetDetector",
                client.get_detector().detector_id(id).send(),
            )
            .await?;
        let enabled = d.status().map(|s| s.as_str() == "ENABLED");
        out.resources.push(ctx.resource(
            "aws_guardduty_detector",
            id,
            json!({
                "id": id,
                "arn": ctx.arn("guardduty", &format!("detector/{id}")),
                "account_id": ctx.account,
                "enable": enabled,
                "finding_publishing_frequency": d.finding_publishing_frequency().map(|f| f.as_str()),
                "tags": d.tags().cloned().unwrap_or_default(),
            }),
        ));
    }
    Ok(out)
}
