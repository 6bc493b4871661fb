//! Elastic Load Balancing v2: `aws_lb` (with the attributes the rules read:
//! `drop_invalid_header_fields`, `access_logs`), `aws_lb_listener` (default actions
//! with their redirect blocks) and `aws_lb_target_group` (health check).
//!
//! Load balancers and target groups are one paginated batch each; listeners and
//! attributes can only be read per load balancer; tags in batches of 20.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::{tag_map, CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &[
    "aws_lb",
    "aws_alb",
    "aws_lb_listener",
    "aws_alb_listener",
    "aws_lb_target_group",
    "aws_alb_target_group",
];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_elasticloadbalancingv2::Client::new(&ctx.sdk);
    let (lbs, groups) = tokio::join!(
        ctx.pages(
            "elasticloadbalancing:DescribeLoadBalancers",
            client.describe_load_balancers().into_paginator().send()
        ),
        ctx.pages(
            "elasticloadbalancing:DescribeTargetGroups",
            client.describe_target_groups().into_paginator().send()
        ),
    );
    let lbs = lbs?;
    let mut out = Collected::default();
    let mut arns: Vec<String> = Vec::new();
    let mut resources = Vec::new();

    for lb in lbs.iter().flat_map(|p| p.load_balancers()) {
        let Some(arn) = lb.load_balancer_arn() else {
            continue;
        };
        let kind = lb.r#type().map(|t| t.as_str()).unwrap_or("application");
        let (attributes, listeners) = tokio::join!(
            ctx.call(
                "elasticloadbalancing:DescribeLoadBalancerAttributes",
                client
                    .describe_load_balancer_attributes()
                    .load_balancer_arn(arn)
                    .send()
            ),
            ctx.pages(
                "elasticloadbalancing:DescribeListeners",
                client
                    .describe_listeners()
                    .load_balancer_arn(arn)
                    .into_paginator()
                    .send()
            ),
        );
        let mut values = json!({
            "id": arn,
            "arn": arn,
            // What CloudWatch alarms name as their LoadBalancer dimension.
            "arn_suffix": short_name(arn),
            "name": lb.load_balancer_name(),
            "load_balancer_type": kind,
            "internal": lb.scheme().map(|s| s.as_str()) == Some("internal"),
            "security_groups": lb.security_groups(),
            "subnets": lb.availability_zones().iter().filter_map(|z| z.subnet_id()).collect::<Vec<_>>(),
            "vpc_id": lb.vpc_id(),
            "dns_name": lb.dns_name(),
            "ip_address_type": lb.ip_address_type().map(|t| t.as_str()),
        });
        let mut unknown = Vec::new();
        match attributes {
            Ok(a) => {
                let attr: HashMap<&str, &str> = a
                    .attributes()
                    .iter()
                    .filter_map(|x| Some((x.key()?, x.value()?)))
                    .collect();
                let flag = |k: &str| attr.get(k).map(|v| *v == "true");
                values["drop_invalid_header_fields"] =
                    json!(flag("routing.http.drop_invalid_header_fields.enabled"));
                values["enable_deletion_protection"] = json!(flag("deletion_protection.enabled"));
                values["access_logs"] = json!([{
                    "enabled": flag("access_logs.s3.enabled").unwrap_or(false),
                    "bucket": attr.get("access_logs.s3.bucket").copied().unwrap_or(""),
                    "prefix": attr.get("access_logs.s3.prefix").copied().unwrap_or(""),
                }]);
            }
            Err(e) => {
                unknown.extend(["drop_invalid_header_fields".into(), "access_logs".into()]);
                out.partial(ctx, "elasticloadbalancing", &[], &e);
            }
        }
        let mut r = ctx.resource("aws_lb", short_name(arn), values);
        r.unknown = unknown;
        arns.push(arn.to_string());
        resources.push(r);
        // The web ACL of an application load balancer (one call each: WAFv2 lists
        // the resources of a web ACL only per web ACL).
        if kind == "application" {
            match super::wafv2::association(ctx, arn).await {
                Ok(Some(acl)) => out.resources.push(ctx.resource(
                    "aws_wafv2_web_acl_association",
                    short_name(arn),
                    json!({"resource_arn": arn, "web_acl_arn": acl}),
                )),
                Ok(None) => {}
                Err(e) => out.partial(ctx, "wafv2", &["aws_wafv2_web_acl_association"], &e),
            }
        }

        match listeners {
            Ok(pages) => {
                for l in pages.iter().flat_map(|p| p.listeners()) {
                    let Some(larn) = l.listener_arn() else {
                        continue;
                    };
                    arns.push(larn.to_string());
                    resources.push(ctx.resource(
                        "aws_lb_listener",
                        short_name(larn),
                        json!({
                            "id": larn,
                            "arn": larn,
                            "load_balancer_arn": arn,
                            "port": l.port(),
                            "protocol": l.protocol().map(|p| p.as_str()),
                            "ssl_policy": l.ssl_policy(),
                            "certificate_arn": l.certificates().first().and_then(|c| c.certificate_arn()),
                            "default_action": l.default_actions().iter().map(action).collect::<Vec<_>>(),
                        }),
                    ));
                }
            }
            Err(e) => out.partial(
                ctx,
                "elasticloadbalancing",
                &["aws_lb_listener", "aws_alb_listener"],
                &e,
            ),
        }
    }

    match groups {
        Ok(pages) => {
            for g in pages.iter().flat_map(|p| p.target_groups()) {
                let Some(arn) = g.target_group_arn() else {
                    continue;
                };
                arns.push(arn.to_string());
                resources.push(ctx.resource(
                    "aws_lb_target_group",
                    short_name(arn),
                    json!({
                        "id": arn,
                        "arn": arn,
                        "arn_suffix": arn.rsplit(':').next(),
                        "name": g.target_group_name(),
                        "port": g.port(),
                        "protocol": g.protocol().map(|p| p.as_str()),
                        "vpc_id": g.vpc_id(),
                        "target_type": g.target_type().map(|t| t.as_str()),
                        "load_balancer_arns": g.load_balancer_arns(),
                        "health_check": [{
                            "enabled": g.health_check_enabled().unwrap_or(true),
                            "path": g.health_check_path(),
                            "port": g.health_check_port(),
                            "protocol": g.health_check_protocol().map(|p| p.as_str()),
                            "interval": g.health_check_interval_seconds(),
                            "timeout": g.health_check_timeout_seconds(),
                            "healthy_threshold": g.healthy_threshold_count(),
                            "unhealthy_threshold": g.unhealthy_threshold_count(),
                            "matcher": g.matcher().and_then(|m| m.http_code()),
                        }],
                    }),
                ));
            }
        }
        Err(e) => out.partial(
            ctx,
            "elasticloadbalancing",
            &["aws_lb_target_group", "aws_alb_target_group"],
            &e,
        ),
    }

    // Tags, 20 resources a call.
    let mut tags: HashMap<String, Value> = HashMap::new();
    let mut tags_read = true;
    for chunk in arns.chunks(20) {
        let described = ctx
            .call(
                "elasticloadbalancing:DescribeTags",
                client
                    .describe_tags()
                    .set_resource_arns(Some(chunk.to_vec()))
                    .send(),
            )
            .await;
        match described {
            Ok(o) => {
                for d in o.tag_descriptions() {
                    if let Some(arn) = d.resource_arn() {
                        tags.insert(
                            arn.to_string(),
                            tag_map(d.tags().iter().map(|t| (t.key(), t.value()))),
                        );
                    }
                }
            }
            Err(e) => {
                tags_read = false;
                out.partial(ctx, "elasticloadbalancing", &[], &e);
            }
        }
    }
    for mut r in resources {
        let arn = r
            .values
            .as_object()
            .ok()
            .and_then(|o| o.get(&regorus::Value::from("arn")))
            .and_then(|v| v.as_string().ok())
            .map(|s| s.to_string());
        if let (Some(arn), regorus::Value::Object(o)) = (arn, &mut r.values) {
            let o = std::sync::Arc::make_mut(o);
            if let Some(t) = tags.get(&arn) {
                o.insert("tags".into(), regorus::Value::from(t.clone()));
            }
        }
        if !tags_read {
            r.unknown
                .extend(["tags".to_string(), "tags_all".to_string()]);
        }
        out.resources.push(r);
    }
    Ok(out)
}

/// `.../loadbalancer/app/web/50dc6c495c0c9188` -> `app/web/50dc6c495c0c9188`.
fn short_name(arn: &str) -> &str {
    arn.split_once(':')
        .and_then(|_| arn.rsplit(':').next())
        .and_then(|r| r.split_once('/').map(|(_, rest)| rest))
        .unwrap_or(arn)
}

/// A listener's `default_action` block, in Terraform's shape.
fn action(a: &aws_sdk_elasticloadbalancingv2::types::Action) -> Value {
    json!({
        "type": a.r#type().map(|t| t.as_str()),
        "order": a.order(),
        "target_group_arn": a.target_group_arn(),
        "redirect": a.redirect_config().map(|r| vec![json!({
            "protocol": r.protocol(),
            "port": r.port(),
            "host": r.host(),
            "path": r.path(),
            "query": r.query(),
            "status_code": r.status_code().map(|s| s.as_str()),
        })]).unwrap_or_default(),
        "fixed_response": a.fixed_response_config().map(|f| vec![json!({
            "status_code": f.status_code(),
            "content_type": f.content_type(),
        })]).unwrap_or_default(),
    })
}
