//! Security Hub: `aws_securityhub_account` in each region where it is enabled.

use serde_json::json;

use super::{CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &["aws_securityhub_account"];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_securityhub::Client::new(&ctx.sdk);
    let mut out = Collected::default();
    // Not subscribed: InvalidAccessException. That is "not enabled", not a gap.
    let hub = ctx
        .call_opt(
            "securityhub:DescribeHub",
            &["InvalidAccessException"],
            client.describe_hub().send(),
        )
        .await?;
    if let Some(hub) = hub {
        out.resources.push(ctx.resource(
            "aws_securityhub_account",
            "hub",
            json!({
                "arn": hub.hub_arn(),
                "auto_enable_controls": hub.auto_enable_controls(),
                "control_finding_generator": hub.control_finding_generator().map(|g| g.as_str()),
            }),
        ));
    }
    Ok(out)
}
