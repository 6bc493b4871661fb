//! S3: every bucket of the account (listed once, read in its own region) as
//! `aws_s3_bucket` plus the split configuration resources of AWS provider v4+
//! (`aws_s3_bucket_server_side_encryption_configuration`, `_versioning`,
//! `_lifecycle_configuration`, `_public_access_block`, `_policy`), each with
//! `bucket` = the bucket name; and the account's `aws_s3_account_public_access_block`.
//!
//! S3 has no batch read of bucket settings: each bucket costs one call per setting.
//! A setting that cannot be read (access denied) is marked unknown on the bucket
//! (its rules then give UNKNOWN for it) and recorded as a coverage gap.

use serde_json::{json, Value};

use super::{tag_map, CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &[
    "aws_s3_bucket",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_policy",
    "aws_s3_account_public_access_block",
];

fn s3_client(ctx: &Ctx) -> aws_sdk_s3::Client {
    let conf = aws_sdk_s3::config::Builder::from(&ctx.sdk)
        // Emulators serve buckets under the path, not as host names.
        .force_path_style(ctx.endpoint_url.is_some())
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

/// moto (5.2) answers GetBucketVersioning with a `GetBucketVersioningResponse` root
/// element where S3 has `VersioningConfiguration`, which the SDK rejects as
/// malformed. With an emulator endpoint only, such an answer is read here.
fn emulator_versioning(
    body: Option<&[u8]>,
) -> Option<aws_sdk_s3::operation::get_bucket_versioning::GetBucketVersioningOutput> {
    let text = std::str::from_utf8(body?).ok()?;
    if !text.contains("<GetBucketVersioningResponse") {
        return None;
    }
    let element = |name: &str| {
        let start = text.find(&format!("<{name}>"))? + name.len() + 2;
        let end = start + text[start..].find('<')?;
        Some(text[start..end].to_string())
    };
    Some(
        aws_sdk_s3::operation::get_bucket_versioning::GetBucketVersioningOutput::builder()
            .set_status(
                element("Status")
                    .map(|s| aws_sdk_s3::types::BucketVersioningStatus::from(s.as_str())),
            )
            .set_mfa_delete(
                element("MfaDelete").map(|s| aws_sdk_s3::types::MfaDeleteStatus::from(s.as_str())),
            )
            .build(),
    )
}

/// The emulator's URL as is: S3 Control would put the account ID in front of the
/// host name, which only resolves on AWS.
#[derive(Debug)]
struct FixedEndpoint(String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for FixedEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _params: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
            aws_sdk_s3control::config::endpoint::Endpoint::builder()
                .url(self.0.clone())
                .build(),
        ))
    }
}

fn s3control_client(ctx: &Ctx) -> aws_sdk_s3control::Client {
    let mut conf = aws_sdk_s3control::config::Builder::from(&ctx.sdk);
    if let Some(url) = &ctx.endpoint_url {
        conf = conf.endpoint_resolver(FixedEndpoint(url.clone()));
    }
    aws_sdk_s3control::Client::from_conf(conf.build())
}

pub(crate) async fn collect(ctx: &Ctx, regions: &[String]) -> Result<Collected, CallError> {
    let _ = regions;
    let client = s3_client(ctx);
    let pages = ctx
        .pages(
            "s3:ListAllMyBuckets",
            client.list_buckets().into_paginator().send(),
        )
        .await?;
    let mut out = Collected::default();

    let account_pab = ctx
        .call_opt(
            "s3:GetAccountPublicAccessBlock",
            &["NoSuchPublicAccessBlockConfiguration"],
            s3control_client(ctx)
                .get_public_access_block()
                .account_id(&ctx.account)
                .send(),
        )
        .await;
    match account_pab {
        Ok(Some(o)) => {
            let c = o.public_access_block_configuration();
            out.resources.push(ctx.resource_at(
                "aws_s3_account_public_access_block",
                &ctx.account,
                None,
                json!({
                    "account_id": ctx.account,
                    "block_public_acls": c.and_then(|c| c.block_public_acls()).unwrap_or(false),
                    "block_public_policy": c.and_then(|c| c.block_public_policy()).unwrap_or(false),
                    "ignore_public_acls": c.and_then(|c| c.ignore_public_acls()).unwrap_or(false),
                    "restrict_public_buckets": c.and_then(|c| c.restrict_public_buckets()).unwrap_or(false),
                }),
            ));
        }
        Ok(None) => {}
        Err(e) => {
            out.gaps.push(crate::model::Gap {
                service: "s3".into(),
                region: None,
                account: None,
                resource_types: vec!["aws_s3_account_public_access_block".into()],
                error: e.gap_text(),
                reason: crate::model::GapReason::Unreadable,
            });
        }
    }

    let mut set = tokio::task::JoinSet::new();
    for b in pages.iter().flat_map(|p| p.buckets()) {
        let Some(name) = b.name().map(|n| n.to_string()) else {
            continue;
        };
        let known_region = b.bucket_region().map(str::to_string);
        let ctx = ctx.clone();
        let client = client.clone();
        set.spawn(async move {
            let region = match known_region {
                Some(r) => Ok(r),
                None => ctx
                    .call(
                        "s3:GetBucketLocation",
                        client.get_bucket_location().bucket(&name).send(),
                    )
                    .await
                    .map(|o| {
                        match o.location_constraint().map(|c| c.as_str()) {
                            None | Some("") => "us-east-1",
                            Some("EU") => "eu-west-1",
                            Some(r) => r,
                        }
                        .to_string()
                    }),
            };
            match region {
                Ok(region) => {
                    let ctx = ctx.in_region(&region);
                    bucket(&ctx, &s3_client(&ctx), &name).await
                }
                Err(e) => {
                    let mut c = Collected::default();
                    c.gaps.push(crate::model::Gap {
                        service: "s3".into(),
                        region: None,
                        account: None,
                        resource_types: TYPES[..6].iter().map(|t| t.to_string()).collect(),
                        error: e.gap_text(),
                        reason: crate::model::GapReason::Unreadable,
                    });
                    c
                }
            }
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

/// One bucket and its settings, read in its region.
async fn bucket(ctx: &Ctx, client: &aws_sdk_s3::Client, name: &str) -> Collected {
    let (encryption, versioning, lifecycle, pab, policy, tagging) = tokio::join!(
        ctx.call_opt(
            "s3:GetEncryptionConfiguration",
            &["ServerSideEncryptionConfigurationNotFoundError"],
            client.get_bucket_encryption().bucket(name).send()
        ),
        ctx.call("s3:GetBucketVersioning", async {
            let r = client.get_bucket_versioning().bucket(name).send().await;
            if let Err(aws_sdk_s3::error::SdkError::ServiceError(e)) = &r {
                if ctx.endpoint_url.is_some() {
                    if let Some(out) = emulator_versioning(e.raw().body().bytes()) {
                        return Ok(out);
                    }
                }
            }
            r
        }),
        ctx.call_opt(
            "s3:GetLifecycleConfiguration",
            &["NoSuchLifecycleConfiguration"],
            client
                .get_bucket_lifecycle_configuration()
                .bucket(name)
                .send()
        ),
        ctx.call_opt(
            "s3:GetBucketPublicAccessBlock",
            &["NoSuchPublicAccessBlockConfiguration"],
            client.get_public_access_block().bucket(name).send()
        ),
        ctx.call_opt(
            "s3:GetBucketPolicy",
            &["NoSuchBucketPolicy"],
            client.get_bucket_policy().bucket(name).send()
        ),
        ctx.call_opt(
            "s3:GetBucketTagging",
            &["NoSuchTagSet"],
            client.get_bucket_tagging().bucket(name).send()
        ),
    );
    let mut out = Collected::default();
    let mut unknown: Vec<String> = Vec::new();
    let id = name;
    let split = |kind: &str, values: Value| {
        let mut v = values;
        v["id"] = json!(id);
        v["bucket"] = json!(id);
        ctx.resource(kind, id, v)
    };

    match encryption {
        Ok(Some(o)) => {
            let rules: Vec<Value> = o
                .server_side_encryption_configuration()
                .map(|c| c.rules())
                .unwrap_or_default()
                .iter()
                .map(|r| {
                    json!({
                        "apply_server_side_encryption_by_default": r.apply_server_side_encryption_by_default().map(|d| vec![json!({
                            "sse_algorithm": d.sse_algorithm().as_str(),
                            "kms_master_key_id": d.kms_master_key_id().unwrap_or(""),
                        })]).unwrap_or_default(),
                        "bucket_key_enabled": r.bucket_key_enabled(),
                    })
                })
                .collect();
            out.resources.push(split(
                "aws_s3_bucket_server_side_encryption_configuration",
                json!({ "rule": rules }),
            ));
        }
        Ok(None) => {}
        Err(e) => {
            unknown.push("server_side_encryption_configuration".into());
            out.partial(
                ctx,
                "s3",
                &["aws_s3_bucket_server_side_encryption_configuration"],
                &e,
            );
        }
    }

    match versioning {
        Ok(o) => {
            if let Some(status) = o.status() {
                out.resources.push(split(
                    "aws_s3_bucket_versioning",
                    json!({
                        "versioning_configuration": [{
                            "status": status.as_str(),
                            "mfa_delete": o.mfa_delete().map(|m| m.as_str()).unwrap_or("Disabled"),
                        }],
                    }),
                ));
            }
        }
        Err(e) => {
            unknown.push("versioning".into());
            out.partial(ctx, "s3", &["aws_s3_bucket_versioning"], &e);
        }
    }

    match lifecycle {
        Ok(Some(o)) => {
            let rules: Vec<Value> = o
                .rules()
                .iter()
                .map(|r| {
                    json!({
                        "id": r.id().unwrap_or(""),
                        "status": r.status().as_str(),
                        "expiration": r.expiration().map(|e| vec![json!({
                            "days": e.days(),
                            "expired_object_delete_marker": e.expired_object_delete_marker(),
                        })]).unwrap_or_default(),
                        "transition": r.transitions().iter().map(|t| json!({
                            "days": t.days(),
                            "storage_class": t.storage_class().map(|c| c.as_str()),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            out.resources.push(split(
                "aws_s3_bucket_lifecycle_configuration",
                json!({ "rule": rules }),
            ));
        }
        Ok(None) => {}
        Err(e) => {
            unknown.push("lifecycle_rule".into());
            out.partial(ctx, "s3", &["aws_s3_bucket_lifecycle_configuration"], &e);
        }
    }

    match pab {
        Ok(Some(o)) => {
            let c = o.public_access_block_configuration();
            out.resources.push(split(
                "aws_s3_bucket_public_access_block",
                json!({
                    "block_public_acls": c.and_then(|c| c.block_public_acls()).unwrap_or(false),
                    "block_public_policy": c.and_then(|c| c.block_public_policy()).unwrap_or(false),
                    "ignore_public_acls": c.and_then(|c| c.ignore_public_acls()).unwrap_or(false),
                    "restrict_public_buckets": c.and_then(|c| c.restrict_public_buckets()).unwrap_or(false),
                }),
            ));
        }
        Ok(None) => {}
        Err(e) => {
            // A block whose settings are all unknown: the rule gives UNKNOWN.
            let mut r = split("aws_s3_bucket_public_access_block", json!({}));
            r.unknown = [
                "block_public_acls",
                "block_public_policy",
                "ignore_public_acls",
                "restrict_public_buckets",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            out.resources.push(r);
            out.partial(ctx, "s3", &["aws_s3_bucket_public_access_block"], &e);
        }
    }

    match policy {
        Ok(Some(o)) => {
            if let Some(p) = o.policy() {
                out.resources
                    .push(split("aws_s3_bucket_policy", json!({ "policy": p })));
            }
        }
        Ok(None) => {}
        Err(e) => {
            unknown.push("policy".into());
            out.partial(ctx, "s3", &["aws_s3_bucket_policy"], &e);
        }
    }

    let tags = match tagging {
        Ok(Some(o)) => tag_map(o.tag_set().iter().map(|t| (Some(t.key()), Some(t.value())))),
        Ok(None) => json!({}),
        Err(e) => {
            unknown.push("tags".into());
            unknown.push("tags_all".into());
            // Only the tag rules read tags: the unknown marks are enough for them.
            out.partial(ctx, "s3", &[], &e);
            Value::Null
        }
    };

    let mut b = ctx.resource(
        "aws_s3_bucket",
        name,
        json!({
            "id": name,
            "bucket": name,
            "arn": format!("arn:aws:s3:::{name}"),
            "bucket_domain_name": format!("{name}.s3.amazonaws.com"),
            "tags": tags,
            "tags_all": tags,
        }),
    );
    b.unknown = unknown;
    out.resources.push(b);
    out
}
