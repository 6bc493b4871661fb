//! KMS: customer-managed keys as `aws_kms_key` (`key_id`, `arn`, `description`,
//! `key_usage`, `customer_master_key_spec`, `is_enabled`, `multi_region`, tags) in
//! their region. AWS managed keys (`alias/aws/...`) are not Terraform resources and
//! are left out, and so are keys pending deletion.
//!
//! ListKeys is paginated but returns only ids: DescribeKey (which tells customer
//! from AWS managed keys) and the tags (ListResourceTags) are per key by API
//! design. Only the tag and region rules (TAG-001, GDPR-001) read keys, so the
//! rotation status, which no rule reads, is not requested.

use serde_json::json;

use super::{tag_map, CallError, Collected, Ctx};
use aws_sdk_kms::types::{KeyManagerType, KeyState};

pub(crate) const TYPES: &[&str] = &["aws_kms_key"];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_kms::Client::new(&ctx.sdk);
    let pages = ctx
        .pages("kms:ListKeys", client.list_keys().into_paginator().send())
        .await?;
    let ids: Vec<String> = pages
        .iter()
        .flat_map(|p| p.keys())
        .filter_map(|k| k.key_id().map(str::to_string))
        .collect();
    Ok(Collected::each(ids, |id| {
        let (ctx, client) = (ctx.clone(), client.clone());
        async move {
            let mut out = Collected::default();
            let described = match ctx
                .call("kms:DescribeKey", client.describe_key().key_id(&id).send())
                .await
            {
                Ok(o) => o,
                Err(e) => {
                    out.partial(&ctx, "kms", &["aws_kms_key"], &e);
                    return out;
                }
            };
            let Some(m) = described.key_metadata() else {
                return out;
            };
            if m.key_manager() != Some(&KeyManagerType::Customer)
                || matches!(
                    m.key_state(),
                    Some(KeyState::PendingDeletion | KeyState::PendingReplicaDeletion)
                )
            {
                return out;
            }
            let tags = ctx
                .pages(
                    "kms:ListResourceTags",
                    client
                        .list_resource_tags()
                        .key_id(&id)
                        .into_paginator()
                        .send(),
                )
                .await;
            let r = ctx.resource(
                "aws_kms_key",
                &id,
                json!({
                    "id": id,
                    "key_id": id,
                    "arn": m.arn(),
                    "description": m.description(),
                    "key_usage": m.key_usage().map(|u| u.as_str()),
                    "customer_master_key_spec": m.key_spec().map(|s| s.as_str()),
                    "is_enabled": m.enabled(),
                    "multi_region": m.multi_region(),
                    "tags": tags.as_ref().ok().map(|pages| tag_map(
                        pages.iter().flat_map(|p| p.tags()).map(|t| (Some(t.tag_key()), Some(t.tag_value())))
                    )),
                }),
            );
            out.push_tagged(&ctx, "kms", r, &tags);
            out
        }
    })
    .await)
}
