//! RDS: `aws_db_instance` (instances outside Aurora clusters; a cluster's members
//! are `aws_rds_cluster_instance` in Terraform, which no rule reads) and
//! `aws_rds_cluster`, with `arn`, engine, `storage_encrypted` and tags, for the tag
//! and region rules (TAG-001, GDPR-001). DescribeDBInstances and DescribeDBClusters
//! are paginated batches that carry the tags.

use serde_json::json;

use super::{tag_map, CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &["aws_db_instance", "aws_rds_cluster"];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_rds::Client::new(&ctx.sdk);
    let mut out = Collected::default();
    let instances = ctx
        .pages(
            "rds:DescribeDBInstances",
            client.describe_db_instances().into_paginator().send(),
        )
        .await?;
    for db in instances.iter().flat_map(|p| p.db_instances()) {
        let Some(id) = db.db_instance_identifier() else {
            continue;
        };
        if db.db_cluster_identifier().is_some() {
            continue;
        }
        out.resources.push(ctx.resource(
            "aws_db_instance",
            id,
            json!({
                "id": id,
                "identifier": id,
                "arn": db.db_instance_arn(),
                "engine": db.engine(),
                "storage_encrypted": db.storage_encrypted(),
                "kms_key_id": db.kms_key_id(),
                "tags": tag_map(db.tag_list().iter().map(|t| (t.key(), t.value()))),
            }),
        ));
    }
    let clusters = ctx
        .pages(
            "rds:DescribeDBClusters",
            client.describe_db_clusters().into_paginator().send(),
        )
        .await?;
    for c in clusters.iter().flat_map(|p| p.db_clusters()) {
        let Some(id) = c.db_cluster_identifier() else {
            continue;
        };
        out.resources.push(ctx.resource(
            "aws_rds_cluster",
            id,
            json!({
                "id": id,
                "cluster_identifier": id,
                "arn": c.db_cluster_arn(),
                "engine": c.engine(),
                "storage_encrypted": c.storage_encrypted(),
                "kms_key_id": c.kms_key_id(),
                "tags": tag_map(c.tag_list().iter().map(|t| (t.key(), t.value()))),
            }),
        ));
    }
    Ok(out)
}
