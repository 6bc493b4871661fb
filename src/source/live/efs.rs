//! EFS: `aws_efs_file_system` (`arn`, `creation_token`, `encrypted`, tags) for the
//! region rule (GDPR-001). DescribeFileSystems is a paginated batch that carries
//! the tags.

use serde_json::json;

use super::{tag_map, CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &["aws_efs_file_system"];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_efs::Client::new(&ctx.sdk);
    let pages = ctx
        .pages(
            "elasticfilesystem:DescribeFileSystems",
            client.describe_file_systems().into_paginator().send(),
        )
        .await?;
    let mut out = Collected::default();
    for fs in pages.iter().flat_map(|p| p.file_systems()) {
        let id = fs.file_system_id();
        out.resources.push(ctx.resource(
            "aws_efs_file_system",
            id,
            json!({
                "id": id,
                "arn": fs.file_system_arn(),
                "creation_token": fs.creation_token(),
                "encrypted": fs.encrypted(),
                "kms_key_id": fs.kms_key_id(),
                "tags": tag_map(fs.tags().iter().map(|t| (Some(t.key()), Some(t.value())))),
            }),
        ));
    }
    Ok(out)
}
