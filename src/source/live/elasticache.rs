//! ElastiCache: `aws_elasticache_replication_group` (encryption at rest and in
//! transit, Multi-AZ, automatic failover, its Global Datastore), the cache clusters
//! that belong to no replication group as `aws_elasticache_cluster` (members of a
//! group are managed through it, as in Terraform), and each Global Datastore whose
//! primary group is in the region as `aws_elasticache_global_replication_group`.
//!
//! DescribeReplicationGroups and DescribeCacheClusters are one paginated batch each
//! per region; tags are read with ListTagsForResource one resource at a time
//! (ElastiCache has no batch read of tags). A group's `id` is its
//! `replication_group_id` (Terraform's), which a cluster's `replication_group_id`
//! and a Global Datastore's `primary_replication_group_id` join.

use serde_json::{json, Value};

use super::{tag_map, CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &[
    "aws_elasticache_replication_group",
    "aws_elasticache_cluster",
    "aws_elasticache_global_replication_group",
];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_elasticache::Client::new(&ctx.sdk);
    let (groups, clusters) = tokio::join!(
        ctx.pages(
            "elasticache:DescribeReplicationGroups",
            client.describe_replication_groups().into_paginator().send()
        ),
        ctx.pages(
            "elasticache:DescribeCacheClusters",
            client.describe_cache_clusters().into_paginator().send()
        ),
    );
    let mut out = Collected::default();
    // (type, name, ARN, values) before tags are read.
    let mut pending: Vec<(&'static str, String, String, Value)> = Vec::new();
    let groups_failed = match groups {
        Ok(pages) => {
            for g in pages.iter().flat_map(|p| p.replication_groups()) {
                let (Some(id), Some(arn)) = (g.replication_group_id(), g.arn()) else {
                    continue;
                };
                let values = group_values(g);
                if let Some(info) = g.global_replication_group_info() {
                    if info.global_replication_group_member_role() == Some("PRIMARY") {
                        if let Some(gid) = info.global_replication_group_id() {
                            out.resources.push(ctx.resource(
                                "aws_elasticache_global_replication_group",
                                gid,
                                json!({
                                    "id": gid,
                                    "global_replication_group_id": gid,
                                    "primary_replication_group_id": id,
                                }),
                            ));
                        }
                    }
                }
                pending.push((
                    "aws_elasticache_replication_group",
                    id.to_string(),
                    arn.to_string(),
                    values,
                ));
            }
            None
        }
        Err(e) => Some(e),
    };
    match clusters {
        Ok(pages) => {
            for c in pages.iter().flat_map(|p| p.cache_clusters()) {
                let (Some(id), Some(arn)) = (c.cache_cluster_id(), c.arn()) else {
                    continue;
                };
                if c.replication_group_id().is_some() {
                    continue;
                }
                pending.push((
                    "aws_elasticache_cluster",
                    id.to_string(),
                    arn.to_string(),
                    cluster_values(c),
                ));
            }
        }
        Err(e) => match groups_failed {
            Some(_) => return Err(e),
            None => out.partial(ctx, "elasticache", &["aws_elasticache_cluster"], &e),
        },
    }
    if let Some(e) = groups_failed {
        out.partial(
            ctx,
            "elasticache",
            &[
                "aws_elasticache_replication_group",
                "aws_elasticache_global_replication_group",
            ],
            &e,
        );
    }
    // Tags, one resource a call, concurrently.
    let mut set = tokio::task::JoinSet::new();
    for (kind, id, arn, values) in pending {
        let (ctx, client) = (ctx.clone(), client.clone());
        set.spawn(async move {
            let tags = ctx
                .call(
                    "elasticache:ListTagsForResource",
                    client.list_tags_for_resource().resource_name(&arn).send(),
                )
                .await;
            (kind, id, values, tags)
        });
    }
    while let Some(joined) = set.join_next().await {
        let Ok((kind, id, mut values, tags)) = joined else {
            continue;
        };
        let mut unknown = Vec::new();
        match tags {
            Ok(t) => {
                values["tags"] = tag_map(t.tag_list().iter().map(|t| (t.key(), t.value())));
            }
            Err(e) => {
                unknown = vec!["tags".to_string(), "tags_all".to_string()];
                out.partial(ctx, "elasticache", &[], &e);
            }
        }
        let mut r = ctx.resource(kind, &id, values);
        r.unknown = unknown;
        out.resources.push(r);
    }
    Ok(out)
}

/// A replication group in Terraform's shape.
pub(crate) fn group_values(g: &aws_sdk_elasticache::types::ReplicationGroup) -> Value {
    use aws_sdk_elasticache::types::{AutomaticFailoverStatus, MultiAzStatus};
    let failover = g.automatic_failover().map(|s| {
        matches!(
            s,
            AutomaticFailoverStatus::Enabled | AutomaticFailoverStatus::Enabling
        )
    });
    json!({
        "id": g.replication_group_id(),
        "arn": g.arn(),
        "replication_group_id": g.replication_group_id(),
        "description": g.description(),
        "engine": g.engine(),
        "node_type": g.cache_node_type(),
        "num_cache_clusters": g.member_clusters().len(),
        "member_clusters": g.member_clusters(),
        "cluster_enabled": g.cluster_enabled(),
        "at_rest_encryption_enabled": g.at_rest_encryption_enabled(),
        "transit_encryption_enabled": g.transit_encryption_enabled(),
        "transit_encryption_mode": g.transit_encryption_mode().map(|m| m.as_str()),
        "kms_key_id": g.kms_key_id(),
        "auth_token_enabled": g.auth_token_enabled(),
        "multi_az_enabled": g.multi_az().map(|m| *m == MultiAzStatus::Enabled),
        "automatic_failover_enabled": failover,
        "snapshot_retention_limit": g.snapshot_retention_limit(),
        "global_replication_group_id": g.global_replication_group_info().and_then(|i| i.global_replication_group_id()),
    })
}

/// A cache cluster in Terraform's shape.
pub(crate) fn cluster_values(c: &aws_sdk_elasticache::types::CacheCluster) -> Value {
    json!({
        "arn": c.arn(),
        "cluster_id": c.cache_cluster_id(),
        "engine": c.engine(),
        "engine_version": c.engine_version(),
        "node_type": c.cache_node_type(),
        "num_cache_nodes": c.num_cache_nodes(),
        "availability_zone": c.preferred_availability_zone(),
        "subnet_group_name": c.cache_subnet_group_name(),
        "transit_encryption_enabled": c.transit_encryption_enabled(),
        "at_rest_encryption_enabled": c.at_rest_encryption_enabled(),
        "snapshot_retention_limit": c.snapshot_retention_limit(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_elasticache::types as e;

    #[test]
    fn a_group_in_terraform_shape() {
        let g = e::ReplicationGroup::builder()
            .replication_group_id("cache")
            .member_clusters("cache-001")
            .member_clusters("cache-002")
            .multi_az(e::MultiAzStatus::Enabled)
            .automatic_failover(e::AutomaticFailoverStatus::Enabling)
            .at_rest_encryption_enabled(true)
            .transit_encryption_enabled(false)
            .build();
        let v = group_values(&g);
        assert_eq!(v["id"], "cache");
        assert_eq!(v["num_cache_clusters"], 2);
        assert_eq!(v["multi_az_enabled"], true);
        assert_eq!(v["automatic_failover_enabled"], true);
        assert_eq!(v["at_rest_encryption_enabled"], true);
        assert_eq!(v["transit_encryption_enabled"], false);
        // Not part of a Global Datastore.
        assert_eq!(v["global_replication_group_id"], Value::Null);
    }
}
