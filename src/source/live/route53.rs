//! Route 53 (global, read once): `aws_route53_zone` (private zones with their `vpc`
//! blocks), `aws_route53_record` (`failover_routing_policy`, `health_check_id`,
//! `alias`, `set_identifier`) and `aws_route53_health_check`.
//!
//! Zones and health checks are one paginated list each; records can only be listed
//! per zone (ListResourceRecordSets, paginated by hand: it has no SDK paginator);
//! the VPCs of a private zone only per zone (GetHostedZone); tags in batches of 10
//! (ListTagsForResources). Records join their zone (`zone_id`) and health check
//! (`health_check_id`) by value. Names are Terraform's: lower case, no trailing dot.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::{tag_map, CallError, Collected, Ctx};
use aws_sdk_route53::types::TagResourceType;

pub(crate) const TYPES: &[&str] = &[
    "aws_route53_zone",
    "aws_route53_record",
    "aws_route53_health_check",
];

/// A DNS name as Terraform writes it: lower case, without the trailing dot, with
/// Route 53's octal escapes (`\052` for `*`) decoded.
pub(crate) fn dns_name(name: &str) -> String {
    let b = name.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let escape = b
            .get(i + 1..i + 4)
            .filter(|d| b[i] == b'\\' && d.iter().all(|c| (b'0'..=b'7').contains(c)));
        match escape {
            Some(d) => {
                let n = (d[0] - b'0') as u32 * 64 + (d[1] - b'0') as u32 * 8 + (d[2] - b'0') as u32;
                out.push(n as u8);
                i += 4;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out)
        .trim_end_matches('.')
        .to_lowercase()
}

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_route53::Client::new(&ctx.sdk);
    let (zones, checks) = tokio::join!(
        ctx.pages(
            "route53:ListHostedZones",
            client.list_hosted_zones().into_paginator().send()
        ),
        ctx.pages(
            "route53:ListHealthChecks",
            client.list_health_checks().into_paginator().send()
        ),
    );
    let zones = zones?;
    let mut out = Collected::default();
    let name = |id: &str| format!("{}/{id}", ctx.account);

    let zone_ids: Vec<String> = zones
        .iter()
        .flat_map(|p| p.hosted_zones())
        .map(|z| z.id().trim_start_matches("/hostedzone/").to_string())
        .collect();
    let zone_tags = tags(
        ctx,
        &client,
        TagResourceType::Hostedzone,
        &zone_ids,
        &mut out,
    )
    .await;
    let mut set = tokio::task::JoinSet::new();
    for z in zones.iter().flat_map(|p| p.hosted_zones()) {
        let id = z.id().trim_start_matches("/hostedzone/").to_string();
        let private = z.config().is_some_and(|c| c.private_zone());
        let values = json!({
            "id": id,
            "zone_id": id,
            "arn": format!("arn:aws:route53:::hostedzone/{id}"),
            "name": dns_name(z.name()),
            "comment": z.config().and_then(|c| c.comment()).unwrap_or(""),
            "tags": zone_tags.as_ref().map(|t| t.get(&id).cloned().unwrap_or_else(|| json!({}))),
        });
        let (ctx, client) = (ctx.clone(), client.clone());
        set.spawn(async move { zone(&ctx, &client, id, private, values).await });
    }
    while let Some(done) = set.join_next().await {
        if let Ok(c) = done {
            out.resources.extend(c.resources);
            out.gaps.extend(c.gaps);
        }
    }
    if zone_tags.is_none() {
        for r in out
            .resources
            .iter_mut()
            .filter(|r| r.kind == "aws_route53_zone")
        {
            r.unknown
                .extend(["tags".to_string(), "tags_all".to_string()]);
        }
    }

    match checks {
        Ok(pages) => {
            let ids: Vec<String> = pages
                .iter()
                .flat_map(|p| p.health_checks())
                .map(|h| h.id().to_string())
                .collect();
            let check_tags = tags(ctx, &client, TagResourceType::Healthcheck, &ids, &mut out).await;
            for h in pages.iter().flat_map(|p| p.health_checks()) {
                let id = h.id();
                let c = h.health_check_config();
                let mut r = ctx.resource_at(
                    "aws_route53_health_check",
                    &name(id),
                    None,
                    json!({
                        "id": id,
                        "arn": format!("arn:aws:route53:::healthcheck/{id}"),
                        "type": c.map(|c| c.r#type().as_str()),
                        "fqdn": c.and_then(|c| c.fully_qualified_domain_name()),
                        "ip_address": c.and_then(|c| c.ip_address()),
                        "port": c.and_then(|c| c.port()),
                        "resource_path": c.and_then(|c| c.resource_path()),
                        "search_string": c.and_then(|c| c.search_string()),
                        "request_interval": c.and_then(|c| c.request_interval()),
                        "failure_threshold": c.and_then(|c| c.failure_threshold()),
                        "measure_latency": c.and_then(|c| c.measure_latency()),
                        "invert_healthcheck": c.and_then(|c| c.inverted()),
                        "disabled": c.and_then(|c| c.disabled()),
                        "enable_sni": c.and_then(|c| c.enable_sni()),
                        "regions": c.map(|c| c.regions().iter().map(|r| r.as_str()).collect::<Vec<_>>()),
                        "tags": check_tags.as_ref().map(|t| t.get(id).cloned().unwrap_or_else(|| json!({}))),
                    }),
                );
                if check_tags.is_none() {
                    r.unknown = vec!["tags".into(), "tags_all".into()];
                }
                out.resources.push(r);
            }
        }
        Err(e) => out.partial_global("route53", &["aws_route53_health_check"], &e),
    }
    Ok(out)
}

/// Tags of zones or health checks, 10 a call; `None` when some could not be read
/// (a gap is recorded; only the tag rules read them).
async fn tags(
    ctx: &Ctx,
    client: &aws_sdk_route53::Client,
    kind: TagResourceType,
    ids: &[String],
    out: &mut Collected,
) -> Option<HashMap<String, Value>> {
    let mut found = HashMap::new();
    for chunk in ids.chunks(10) {
        let o = ctx
            .call(
                "route53:ListTagsForResources",
                client
                    .list_tags_for_resources()
                    .resource_type(kind.clone())
                    .set_resource_ids(Some(chunk.to_vec()))
                    .send(),
            )
            .await;
        match o {
            Ok(o) => {
                for s in o.resource_tag_sets() {
                    if let Some(id) = s.resource_id() {
                        found.insert(
                            id.to_string(),
                            tag_map(s.tags().iter().map(|t| (t.key(), t.value()))),
                        );
                    }
                }
            }
            Err(e) => {
                out.partial_global("route53", &[], &e);
                return None;
            }
        }
    }
    Some(found)
}

/// One zone: its records, and for a private zone its VPCs.
async fn zone(
    ctx: &Ctx,
    client: &aws_sdk_route53::Client,
    id: String,
    private: bool,
    mut values: Value,
) -> Collected {
    let mut out = Collected::default();
    let name = |x: &str| format!("{}/{x}", ctx.account);
    let mut unknown = Vec::new();
    if private {
        match ctx
            .call(
                "route53:GetHostedZone",
                client.get_hosted_zone().id(&id).send(),
            )
            .await
        {
            Ok(o) => {
                values["vpc"] = o
                    .vpcs()
                    .iter()
                    .map(|v| {
                        json!({
                            "vpc_id": v.vpc_id(),
                            "vpc_region": v.vpc_region().map(|r| r.as_str()),
                        })
                    })
                    .collect();
            }
            Err(e) => {
                unknown.push("vpc".to_string());
                out.partial_global("route53", &["aws_route53_zone"], &e);
            }
        }
    } else {
        values["vpc"] = json!([]);
    }
    let mut zr = ctx.resource_at("aws_route53_zone", &name(&id), None, values);
    zr.unknown = unknown;
    out.resources.push(zr);

    let mut start: Option<(String, aws_sdk_route53::types::RrType, Option<String>)> = None;
    loop {
        let mut req = client.list_resource_record_sets().hosted_zone_id(&id);
        if let Some((n, t, i)) = &start {
            req = req
                .start_record_name(n)
                .start_record_type(t.clone())
                .set_start_record_identifier(i.clone());
        }
        let page = match ctx.call("route53:ListResourceRecordSets", req.send()).await {
            Ok(p) => p,
            Err(e) => {
                out.partial_global("route53", &["aws_route53_record"], &e);
                break;
            }
        };
        for rs in page.resource_record_sets() {
            let values = record(&id, rs);
            let rid = values["id"].as_str().unwrap_or_default().to_string();
            out.resources
                .push(ctx.resource_at("aws_route53_record", &name(&rid), None, values));
        }
        match (
            page.is_truncated(),
            page.next_record_name(),
            page.next_record_type(),
        ) {
            (true, Some(n), Some(t)) => {
                start = Some((
                    n.to_string(),
                    t.clone(),
                    page.next_record_identifier().map(str::to_string),
                ))
            }
            _ => break,
        }
    }
    out
}

/// A record set in Terraform's shape; its id is `<zone>_<name>_<type>[_<set id>]`.
fn record(zone_id: &str, rs: &aws_sdk_route53::types::ResourceRecordSet) -> Value {
    let name = dns_name(rs.name());
    let kind = rs.r#type().as_str();
    let mut id = format!("{zone_id}_{name}_{kind}");
    if let Some(s) = rs.set_identifier() {
        id = format!("{id}_{s}");
    }
    json!({
        "id": id,
        "zone_id": zone_id,
        "name": name,
        "fqdn": name,
        "type": kind,
        "ttl": rs.ttl(),
        "records": rs.resource_records().iter().map(|r| r.value()).collect::<Vec<_>>(),
        "set_identifier": rs.set_identifier(),
        "health_check_id": rs.health_check_id(),
        "failover_routing_policy": rs.failover().map(|f| vec![json!({"type": f.as_str()})]).unwrap_or_default(),
        "weighted_routing_policy": rs.weight().map(|w| vec![json!({"weight": w})]).unwrap_or_default(),
        "latency_routing_policy": rs.region().map(|r| vec![json!({"region": r.as_str()})]).unwrap_or_default(),
        "multivalue_answer_routing_policy": rs.multi_value_answer(),
        "alias": rs.alias_target().map(|a| vec![json!({
            "name": dns_name(a.dns_name()),
            "zone_id": a.hosted_zone_id(),
            "evaluate_target_health": a.evaluate_target_health(),
        })]).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use aws_sdk_route53::types as t;

    #[test]
    fn names_are_terraforms() {
        assert_eq!(super::dns_name("Example.COM."), "example.com");
        assert_eq!(super::dns_name("\\052.example.com."), "*.example.com");
        assert_eq!(super::dns_name("example.com"), "example.com");
    }

    #[test]
    fn a_failover_alias_record() {
        let rs = t::ResourceRecordSet::builder()
            .name("www.example.com.")
            .r#type(t::RrType::A)
            .set_identifier("primary")
            .failover(t::ResourceRecordSetFailover::Primary)
            .health_check_id("hc-1")
            .alias_target(
                t::AliasTarget::builder()
                    .hosted_zone_id("Z35SXDOTRQ7X7K")
                    .dns_name("dualstack.web-1.us-east-1.elb.amazonaws.com.")
                    .evaluate_target_health(true)
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        let v = super::record("Z1", &rs);
        assert_eq!(v["id"], "Z1_www.example.com_A_primary");
        assert_eq!(v["zone_id"], "Z1");
        assert_eq!(v["failover_routing_policy"][0]["type"], "PRIMARY");
        assert_eq!(v["health_check_id"], "hc-1");
        assert_eq!(
            v["alias"][0]["name"],
            "dualstack.web-1.us-east-1.elb.amazonaws.com"
        );
        assert!(v["ttl"].is_null());
    }
}
