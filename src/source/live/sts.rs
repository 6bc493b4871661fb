//! STS: the account the credentials belong to (once per scan).

use super::{CallError, Ctx};

pub(crate) async fn account(ctx: &Ctx) -> Result<String, CallError> {
    let client = aws_sdk_sts::Client::new(&ctx.sdk);
    let out = ctx
        .call("sts:GetCallerIdentity", client.get_caller_identity().send())
        .await?;
    Ok(out.account().unwrap_or_default().to_string())
}
