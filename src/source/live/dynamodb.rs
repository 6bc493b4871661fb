//! DynamoDB: `aws_dynamodb_table` per table of each region, with the attributes
//! the rules read: `billing_mode`, capacities, streams, `server_side_encryption`,
//! `point_in_time_recovery`, the `replica` blocks of a global table (version
//! 2019.11.21) and `tags`. Legacy global tables (version 2017.11.29) are
//! `aws_dynamodb_global_table` with their `replica` regions.
//!
//! ListTables is one paginated batch, but DescribeTable, DescribeContinuousBackups
//! and ListTagsOfResource take one table each: DynamoDB has no batch read of table
//! settings. ListGlobalTables (one batch) is called only when some table of the
//! region is a legacy global table.
//!
//! A table has its `arn` but no `id` (Terraform's is the name, which resources of
//! other types may also have; nothing joins a table by name). A replica of a
//! global table is a table of the same name in each replica region, read there.
//! [`join_replicas`] copies each replica's point-in-time recovery onto the replica
//! blocks once every region is read.

use serde_json::{json, Value};

use super::{tag_map, CallError, Collected, Ctx};
use crate::model::Resource;

pub(crate) const TYPES: &[&str] = &["aws_dynamodb_table", "aws_dynamodb_global_table"];

const LEGACY_VERSION: &str = "2017.11.29";

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_dynamodb::Client::new(&ctx.sdk);
    let pages = ctx
        .pages(
            "dynamodb:ListTables",
            client.list_tables().into_paginator().send(),
        )
        .await?;
    let mut out = Collected::default();
    let mut set = tokio::task::JoinSet::new();
    for name in pages.iter().flat_map(|p| p.table_names()) {
        let (ctx, client, name) = (ctx.clone(), client.clone(), name.clone());
        set.spawn(async move { read_table(&ctx, &client, &name).await });
    }
    let mut legacy = false;
    while let Some(joined) = set.join_next().await {
        let Ok(read) = joined else { continue };
        match read {
            Ok(TableRead {
                resource,
                gaps,
                legacy: l,
            }) => {
                legacy |= l;
                if let Some(r) = resource {
                    out.resources.push(r);
                }
                for e in gaps {
                    out.partial(ctx, "dynamodb", &["aws_dynamodb_table"], &e);
                }
            }
            // A table deleted since it was listed is no table.
            Err(e) if e.code == "ResourceNotFoundException" => {}
            Err(e) => out.partial(ctx, "dynamodb", &["aws_dynamodb_table"], &e),
        }
    }
    if legacy {
        match legacy_global_tables(ctx, &client).await {
            Ok(rs) => out.resources.extend(rs),
            Err(e) => out.partial(ctx, "dynamodb", &["aws_dynamodb_global_table"], &e),
        }
    }
    Ok(out)
}

struct TableRead {
    resource: Option<Resource>,
    gaps: Vec<CallError>,
    legacy: bool,
}

async fn read_table(
    ctx: &Ctx,
    client: &aws_sdk_dynamodb::Client,
    name: &str,
) -> Result<TableRead, CallError> {
    let (described, backups) = tokio::join!(
        ctx.call(
            "dynamodb:DescribeTable",
            client.describe_table().table_name(name).send()
        ),
        ctx.call(
            "dynamodb:DescribeContinuousBackups",
            client.describe_continuous_backups().table_name(name).send()
        ),
    );
    let Some(t) = described?.table else {
        return Ok(TableRead {
            resource: None,
            gaps: Vec::new(),
            legacy: false,
        });
    };
    let mut values = table_values(&t, &ctx.region);
    let mut unknown: Vec<String> = Vec::new();
    let mut gaps = Vec::new();
    match backups {
        Ok(b) => {
            let enabled = b
                .continuous_backups_description()
                .and_then(|d| d.point_in_time_recovery_description())
                .and_then(|p| p.point_in_time_recovery_status())
                .map(|s| s.as_str() == "ENABLED");
            match enabled {
                Some(on) => values["point_in_time_recovery"] = json!([{ "enabled": on }]),
                None => unknown.push("point_in_time_recovery".into()),
            }
        }
        Err(e) => {
            unknown.push("point_in_time_recovery".into());
            gaps.push(e);
        }
    }
    let arn = t.table_arn().unwrap_or_default();
    match tags(ctx, client, arn).await {
        Ok(tags) => values["tags"] = tags,
        Err(e) => {
            unknown.extend(["tags".to_string(), "tags_all".to_string()]);
            gaps.push(e);
        }
    }
    let mut r = ctx.resource("aws_dynamodb_table", name, values);
    r.unknown = unknown;
    Ok(TableRead {
        resource: Some(r),
        gaps,
        legacy: t.global_table_version() == Some(LEGACY_VERSION),
    })
}

/// ListTagsOfResource has no paginator in the SDK: its pages are followed here.
async fn tags(ctx: &Ctx, client: &aws_sdk_dynamodb::Client, arn: &str) -> Result<Value, CallError> {
    let mut all: Vec<(Option<String>, Option<String>)> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = ctx
            .call(
                "dynamodb:ListTagsOfResource",
                client
                    .list_tags_of_resource()
                    .resource_arn(arn)
                    .set_next_token(token.clone())
                    .send(),
            )
            .await?;
        all.extend(
            page.tags()
                .iter()
                .map(|t| (Some(t.key().to_string()), Some(t.value().to_string()))),
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

/// A table's attributes, in Terraform's shape, from DescribeTable.
pub(crate) fn table_values(t: &aws_sdk_dynamodb::types::TableDescription, region: &str) -> Value {
    let key = |kind: &str| {
        t.key_schema()
            .iter()
            .find(|k| k.key_type().as_str() == kind)
            .map(|k| k.attribute_name().to_string())
    };
    // Without a billing mode summary the table is provisioned (the API leaves it
    // out for tables that never switched modes).
    let billing_mode = t
        .billing_mode_summary()
        .and_then(|b| b.billing_mode())
        .map(|m| m.as_str())
        .unwrap_or("PROVISIONED");
    let throughput = t.provisioned_throughput();
    let stream = t.stream_specification();
    // Encryption with a KMS key (AWS managed or the customer's); the default
    // AWS-owned key has no description, as Terraform has no block.
    let sse = match t.sse_description() {
        Some(d) => json!([{
            "enabled": d.status().map(|s| s.as_str()) == Some("ENABLED"),
            "kms_key_arn": d.kms_master_key_arn(),
        }]),
        None => json!([]),
    };
    let replicas: Vec<Value> = t
        .replicas()
        .iter()
        .filter(|r| r.region_name() != Some(region))
        .map(|r| {
            json!({
                "region_name": r.region_name(),
                "kms_key_arn": r.kms_master_key_id(),
            })
        })
        .collect();
    json!({
        "arn": t.table_arn(),
        "name": t.table_name(),
        "hash_key": key("HASH"),
        "range_key": key("RANGE"),
        "billing_mode": billing_mode,
        "read_capacity": throughput.and_then(|p| p.read_capacity_units()),
        "write_capacity": throughput.and_then(|p| p.write_capacity_units()),
        "stream_enabled": stream.map(|s| s.stream_enabled()).unwrap_or(false),
        "stream_view_type": stream.and_then(|s| s.stream_view_type()).map(|v| v.as_str()),
        "stream_arn": t.latest_stream_arn(),
        "server_side_encryption": sse,
        "deletion_protection_enabled": t.deletion_protection_enabled(),
        "table_class": t.table_class_summary().and_then(|c| c.table_class()).map(|c| c.as_str()),
        "global_table_version": t.global_table_version(),
        "replica": replicas,
    })
}

/// ListGlobalTables has no paginator in the SDK: its pages are followed here.
async fn legacy_global_tables(
    ctx: &Ctx,
    client: &aws_sdk_dynamodb::Client,
) -> Result<Vec<Resource>, CallError> {
    let mut out = Vec::new();
    let mut start: Option<String> = None;
    loop {
        let page = ctx
            .call(
                "dynamodb:ListGlobalTables",
                client
                    .list_global_tables()
                    .region_name(&ctx.region)
                    .set_exclusive_start_global_table_name(start.clone())
                    .send(),
            )
            .await?;
        for g in page.global_tables() {
            let Some(name) = g.global_table_name() else {
                continue;
            };
            out.push(ctx.resource(
                "aws_dynamodb_global_table",
                name,
                json!({
                    "id": name,
                    "arn": format!("arn:{}:dynamodb::{}:global-table/{name}", crate::model::partition(&ctx.region), ctx.account),
                    "name": name,
                    "replica": g.replication_group().iter().map(|r| json!({"region_name": r.region_name()})).collect::<Vec<_>>(),
                }),
            ));
        }
        match page.last_evaluated_global_table_name() {
            Some(next) if Some(next) != start.as_deref() => start = Some(next.to_string()),
            _ => break,
        }
    }
    Ok(out)
}

fn text<'a>(v: &'a regorus::Value, key: &str) -> Option<&'a str> {
    match v {
        regorus::Value::Object(o) => match o.get(&regorus::Value::from(key)) {
            Some(regorus::Value::String(s)) => Some(s.as_ref()),
            _ => None,
        },
        _ => None,
    }
}

/// Point-in-time recovery of each replica: the `point_in_time_recovery` of the
/// table of the same name in the replica's region, when that region was read;
/// unknown otherwise.
pub(crate) fn join_replicas(resources: &mut [Resource]) {
    use std::collections::HashMap;
    let pitr: HashMap<(String, String), Option<bool>> = resources
        .iter()
        .filter(|r| r.kind == "aws_dynamodb_table")
        .filter_map(|r| {
            let name = text(&r.values, "name")?.to_string();
            let region = r.region.clone()?;
            let on = if r.unknown.iter().any(|u| u == "point_in_time_recovery") {
                None
            } else {
                match r
                    .values
                    .as_object()
                    .ok()?
                    .get(&"point_in_time_recovery".into())
                {
                    Some(regorus::Value::Array(a)) => match a.first() {
                        Some(b) => match b.as_object().ok()?.get(&"enabled".into()) {
                            Some(regorus::Value::Bool(on)) => Some(*on),
                            _ => None,
                        },
                        None => Some(false),
                    },
                    _ => None,
                }
            };
            Some(((name, region), on))
        })
        .collect();
    for r in resources
        .iter_mut()
        .filter(|r| r.kind == "aws_dynamodb_table")
    {
        let Some(name) = text(&r.values, "name").map(str::to_string) else {
            continue;
        };
        let regorus::Value::Object(o) = &mut r.values else {
            continue;
        };
        let o = std::sync::Arc::make_mut(o);
        let Some(regorus::Value::Array(list)) = o.get_mut(&regorus::Value::from("replica")) else {
            continue;
        };
        let list = std::sync::Arc::make_mut(list);
        for (i, rep) in list.iter_mut().enumerate() {
            let region = text(rep, "region_name").unwrap_or_default().to_string();
            match pitr.get(&(name.clone(), region)) {
                Some(Some(on)) => {
                    if let regorus::Value::Object(ro) = rep {
                        std::sync::Arc::make_mut(ro).insert(
                            regorus::Value::from("point_in_time_recovery"),
                            regorus::Value::from(*on),
                        );
                    }
                }
                _ => r
                    .unknown
                    .push(format!("replica.{i}.point_in_time_recovery")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types as d;

    #[test]
    fn a_provisioned_global_table_in_terraform_shape() {
        let t = d::TableDescription::builder()
            .table_name("orders")
            .table_arn("arn:aws:dynamodb:us-east-1:123456789012:table/orders")
            .key_schema(
                d::KeySchemaElement::builder()
                    .attribute_name("pk")
                    .key_type(d::KeyType::Hash)
                    .build()
                    .unwrap(),
            )
            .provisioned_throughput(
                d::ProvisionedThroughputDescription::builder()
                    .read_capacity_units(5)
                    .write_capacity_units(5)
                    .build(),
            )
            .replicas(
                d::ReplicaDescription::builder()
                    .region_name("us-east-1")
                    .build(),
            )
            .replicas(
                d::ReplicaDescription::builder()
                    .region_name("us-west-2")
                    .build(),
            )
            .build();
        let v = table_values(&t, "us-east-1");
        // No billing mode summary: provisioned. No SSE description: no block.
        assert_eq!(v["billing_mode"], "PROVISIONED");
        assert_eq!(v["read_capacity"], 5);
        assert_eq!(v["hash_key"], "pk");
        assert_eq!(v["server_side_encryption"], json!([]));
        assert_eq!(v["stream_enabled"], false);
        // The table's own region is not a replica of itself.
        assert_eq!(
            v["replica"],
            json!([{"region_name": "us-west-2", "kms_key_arn": null}])
        );
    }

    fn table(region: &str, pitr: Option<bool>, replicas: &[&str]) -> Resource {
        let ctx_values = json!({
            "name": "orders",
            "replica": replicas.iter().map(|r| json!({"region_name": r})).collect::<Vec<_>>(),
            "point_in_time_recovery": pitr.map(|on| json!([{"enabled": on}])),
        });
        Resource {
            address: format!("aws_dynamodb_table.{region}"),
            mode: crate::model::Mode::Managed,
            kind: "aws_dynamodb_table".into(),
            name: region.into(),
            module: crate::model::ModulePath::root(),
            index: None,
            provider: "aws".into(),
            region: Some(region.into()),
            account: None,
            action: None,
            values: regorus::Value::from(super::super::strip_nulls(ctx_values)),
            unknown: if pitr.is_none() {
                vec!["point_in_time_recovery".into()]
            } else {
                Vec::new()
            },
            references: Default::default(),
            unresolved: Vec::new(),
            location: None,
        }
    }

    #[test]
    fn replicas_get_the_point_in_time_recovery_of_their_region() {
        let mut rs = vec![
            table(
                "us-east-1",
                Some(true),
                &["us-west-2", "eu-west-1", "ap-south-1"],
            ),
            table("us-west-2", Some(false), &["us-east-1"]),
            table("eu-west-1", None, &[]),
        ];
        join_replicas(&mut rs);
        let replica = |r: &Resource, i: usize| {
            serde_json::to_value(&r.values).unwrap()["replica"][i]["point_in_time_recovery"].clone()
        };
        assert_eq!(replica(&rs[0], 0), json!(false));
        // eu-west-1 could not be read, ap-south-1 was not scanned: unknown.
        assert_eq!(replica(&rs[0], 1), Value::Null);
        assert_eq!(
            rs[0].unknown,
            vec![
                "replica.1.point_in_time_recovery".to_string(),
                "replica.2.point_in_time_recovery".to_string()
            ]
        );
        assert_eq!(replica(&rs[1], 0), json!(true));
    }
}
