//! CloudTrail: `aws_cloudtrail` per trail, read in its home region (a multi-region
//! trail once), with `enable_logging` from its status.

use serde_json::json;

use super::{CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &["aws_cloudtrail"];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_cloudtrail::Client::new(&ctx.sdk);
    // Trails whose home is this region: shadow copies of multi-region trails are
    // read in their home region.
    let trails = ctx
        .call(
            "cloudtrail:DescribeTrails",
            client.describe_trails().include_shadow_trails(false).send(),
        )
        .await?;
    let mut out = Collected::default();
    let home: Vec<&str> = trails
        .trail_list()
        .iter()
        .filter(|t| t.home_region().is_none_or(|h| h == ctx.region))
        .filter_map(|t| t.trail_arn())
        .collect();
    // Tags of up to 20 trails per call.
    let mut tags: std::collections::HashMap<String, serde_json::Value> = Default::default();
    let mut tags_read = true;
    for chunk in home.chunks(20) {
        let listed = ctx
            .call(
                "cloudtrail:ListTags",
                client
                    .list_tags()
                    .set_resource_id_list(Some(chunk.iter().map(|s| s.to_string()).collect()))
                    .send(),
            )
            .await;
        match listed {
            Ok(o) => {
                for r in o.resource_tag_list() {
                    if let Some(id) = r.resource_id() {
                        tags.insert(
                            id.to_string(),
                            super::tag_map(
                                r.tags_list().iter().map(|t| (Some(t.key()), t.value())),
                            ),
                        );
                    }
                }
            }
            Err(e) => {
                tags_read = false;
                out.partial(ctx, "cloudtrail", &[], &e);
            }
        }
    }
    for t in trails.trail_list() {
        let Some(arn) = t.trail_arn() else { continue };
        if t.home_region().is_some_and(|h| h != ctx.region) {
            continue;
        }
        // One status call per trail: CloudTrail has no batch status (few trails).
        let status = ctx
            .call(
                "cloudtrail:GetTrailStatus",
                client.get_trail_status().name(arn).send(),
            )
            .await;
        let name = t.name().unwrap_or_default();
        let mut r = ctx.resource(
            "aws_cloudtrail",
            name,
            json!({
                "id": arn,
                "arn": arn,
                "name": name,
                "home_region": t.home_region(),
                "is_multi_region_trail": t.is_multi_region_trail().unwrap_or(false),
                "is_organization_trail": t.is_organization_trail().unwrap_or(false),
                "enable_log_file_validation": t.log_file_validation_enabled().unwrap_or(false),
                "include_global_service_events": t.include_global_service_events().unwrap_or(false),
                "s3_bucket_name": t.s3_bucket_name(),
                "kms_key_id": t.kms_key_id(),
                "cloud_watch_logs_group_arn": t.cloud_watch_logs_log_group_arn(),
                "enable_logging": status.as_ref().ok().map(|s| s.is_logging().unwrap_or(false)),
                "tags": tags.get(arn),
            }),
        );
        if let Err(e) = &status {
            r.unknown.push("enable_logging".into());
            out.partial(ctx, "cloudtrail", &["aws_cloudtrail"], e);
        }
        if !tags_read {
            r.unknown
                .extend(["tags".to_string(), "tags_all".to_string()]);
        }
        out.resources.push(r);
    }
    Ok(out)
}
