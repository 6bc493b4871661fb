//! Secrets Manager: `aws_secretsmanager_secret` per secret (its replicas as
//! `replica` blocks, as Terraform has them) and `aws_secretsmanager_secret_rotation`
//! when rotation is configured.
//!
//! ListSecrets is one paginated batch per region. A replica is listed in its own
//! region with its `PrimaryRegion`; [`join_replicas`] moves it onto its primary
//! secret once every region is read.

use serde_json::json;

use super::{tag_map, CallError, Collected, Ctx};
use crate::model::Resource;

pub(crate) const TYPES: &[&str] = &[
    "aws_secretsmanager_secret",
    "aws_secretsmanager_secret_rotation",
];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_secretsmanager::Client::new(&ctx.sdk);
    let pages = ctx
        .pages(
            "secretsmanager:ListSecrets",
            client.list_secrets().into_paginator().send(),
        )
        .await?;
    let mut out = Collected::default();
    for s in pages.iter().flat_map(|p| p.secret_list()) {
        let (Some(arn), Some(name)) = (s.arn(), s.name()) else {
            continue;
        };
        out.resources.push(ctx.resource(
            "aws_secretsmanager_secret",
            name,
            json!({
                "id": arn,
                "arn": arn,
                "name": name,
                "kms_key_id": s.kms_key_id(),
                "primary_region": s.primary_region().unwrap_or(&ctx.region),
                "replica": [],
                "tags": tag_map(s.tags().iter().map(|t| (t.key(), t.value()))),
            }),
        ));
        if let Some(rules) = s.rotation_rules() {
            out.resources.push(ctx.resource(
                "aws_secretsmanager_secret_rotation",
                name,
                json!({
                    "secret_id": arn,
                    "rotation_enabled": s.rotation_enabled().unwrap_or(false),
                    "rotation_lambda_arn": s.rotation_lambda_arn(),
                    "rotation_rules": [{
                        "automatically_after_days": rules.automatically_after_days(),
                        "duration": rules.duration(),
                        "schedule_expression": rules.schedule_expression(),
                    }],
                }),
            ));
        }
    }
    Ok(out)
}

fn text<'a>(r: &'a Resource, key: &str) -> Option<&'a str> {
    match &r.values {
        regorus::Value::Object(o) => match o.get(&regorus::Value::from(key)) {
            Some(regorus::Value::String(s)) => Some(s.as_ref()),
            _ => None,
        },
        _ => None,
    }
}

/// Replicas (secrets whose primary region is another) become `replica` blocks of
/// their primary secret when it was read, and leave the scan either way: Terraform
/// manages them through the primary. Rotation resources of replicas go too.
pub(crate) fn join_replicas(resources: &mut Vec<Resource>) {
    let is_replica = |r: &Resource| {
        r.kind == "aws_secretsmanager_secret"
            && text(r, "primary_region").is_some_and(|p| Some(p) != r.region.as_deref())
    };
    let replicas: Vec<(String, String, String, String)> = resources
        .iter()
        .filter(|r| is_replica(r))
        .map(|r| {
            (
                text(r, "name").unwrap_or_default().to_string(),
                text(r, "primary_region").unwrap_or_default().to_string(),
                r.region.clone().unwrap_or_default(),
                text(r, "arn").unwrap_or_default().to_string(),
            )
        })
        .collect();
    let replica_arns: Vec<&str> = replicas.iter().map(|(_, _, _, a)| a.as_str()).collect();
    let mut blocks: std::collections::HashMap<(String, String), Vec<regorus::Value>> =
        Default::default();
    for (name, primary, region, _) in &replicas {
        blocks
            .entry((name.clone(), primary.clone()))
            .or_default()
            .push(regorus::Value::from(json!({"region": region})));
    }
    resources.retain(|r| {
        !(is_replica(r)
            || (r.kind == "aws_secretsmanager_secret_rotation"
                && text(r, "secret_id").is_some_and(|a| replica_arns.contains(&a))))
    });
    for r in resources
        .iter_mut()
        .filter(|r| r.kind == "aws_secretsmanager_secret")
    {
        let key = (
            text(r, "name").unwrap_or_default().to_string(),
            r.region.clone().unwrap_or_default(),
        );
        if let (Some(list), regorus::Value::Object(o)) = (blocks.get(&key), &mut r.values) {
            std::sync::Arc::make_mut(o).insert(
                regorus::Value::from("replica"),
                regorus::Value::from(list.clone()),
            );
        }
    }
}
