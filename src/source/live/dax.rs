//! DAX: `aws_dax_cluster` per cluster of each region, with
//! `server_side_encryption`, `cluster_endpoint_encryption_type`,
//! `replication_factor` (its nodes) and the zones of its nodes.
//!
//! DescribeClusters is one batch per region; ListTags takes one cluster at a time
//! (DAX has no batch read of tags). Neither has a paginator in the SDK: their
//! pages are followed here. A cluster has its `arn` and no `id` (Terraform's is
//! the name, which resources of other types may also have).

use serde_json::{json, Value};

use super::{tag_map, CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &["aws_dax_cluster"];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_dax::Client::new(&ctx.sdk);
    let mut clusters = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = ctx
            .call(
                "dax:DescribeClusters",
                client
                    .describe_clusters()
                    .set_next_token(token.clone())
                    .send(),
            )
            .await?;
        clusters.extend(page.clusters().iter().cloned());
        match page.next_token() {
            Some(next) if Some(next) != token.as_deref() => token = Some(next.to_string()),
            _ => break,
        }
    }
    let mut out = Collected::default();
    // Tags, one cluster a call, concurrently.
    let mut set = tokio::task::JoinSet::new();
    for c in clusters {
        let (ctx, client) = (ctx.clone(), client.clone());
        set.spawn(async move {
            let tags = match c.cluster_arn() {
                Some(arn) => Some(tags(&ctx, &client, arn).await),
                None => None,
            };
            (c, tags)
        });
    }
    while let Some(joined) = set.join_next().await {
        let Ok((c, Some(tags))) = joined else {
            continue;
        };
        let Some(name) = c.cluster_name() else {
            continue;
        };
        let mut values = cluster_values(&c);
        let mut unknown = Vec::new();
        match tags {
            Ok(t) => values["tags"] = t,
            Err(e) => {
                unknown = vec!["tags".to_string(), "tags_all".to_string()];
                out.partial(ctx, "dax", &[], &e);
            }
        }
        let mut r = ctx.resource("aws_dax_cluster", name, values);
        r.unknown = unknown;
        out.resources.push(r);
    }
    Ok(out)
}

async fn tags(ctx: &Ctx, client: &aws_sdk_dax::Client, arn: &str) -> Result<Value, CallError> {
    let mut all: Vec<(Option<String>, Option<String>)> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = ctx
            .call(
                "dax:ListTags",
                client
                    .list_tags()
                    .resource_name(arn)
                    .set_next_token(token.clone())
                    .send(),
            )
            .await?;
        all.extend(
            page.tags()
                .iter()
                .map(|t| (t.key().map(str::to_string), t.value().map(str::to_string))),
        );
        match page.next_token() {
            Some(next) if Some(next) != token.as_deref() => token = Some(next.to_string()),
            _ => break,
        }
    }
    Ok(tag_map(
        all.iter().map(|(k, v)| (k.as_deref(), v.as_deref())),
    ))
}

/// A cluster in Terraform's shape.
pub(crate) fn cluster_values(c: &aws_sdk_dax::types::Cluster) -> Value {
    let mut zones: Vec<&str> = c
        .nodes()
        .iter()
        .filter_map(|n| n.availability_zone())
        .collect();
    zones.sort_unstable();
    zones.dedup();
    json!({
        "arn": c.cluster_arn(),
        "cluster_name": c.cluster_name(),
        "description": c.description(),
        "node_type": c.node_type(),
        "replication_factor": c.total_nodes(),
        "availability_zones": zones,
        "iam_role_arn": c.iam_role_arn(),
        "subnet_group_name": c.subnet_group(),
        "security_group_ids": c.security_groups().iter().filter_map(|g| g.security_group_identifier()).collect::<Vec<_>>(),
        // No description: no encryption at rest, as Terraform has no block.
        "server_side_encryption": c.sse_description().map(|d| vec![json!({
            "enabled": d.status().map(|s| s.as_str() == "ENABLED"),
        })]).unwrap_or_default(),
        "cluster_endpoint_encryption_type": c.cluster_endpoint_encryption_type().map(|t| t.as_str()),
    })
}
