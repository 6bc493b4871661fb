//! Classic Elastic Load Balancing: `aws_elb` per classic load balancer (its
//! security groups make the rules' load balancer exceptions decidable).

use std::collections::HashMap;

use serde_json::{json, Value};

use super::{tag_map, CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &["aws_elb"];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_elasticloadbalancing::Client::new(&ctx.sdk);
    let pages = ctx
        .pages(
            "elasticloadbalancing:DescribeLoadBalancers",
            client.describe_load_balancers().into_paginator().send(),
        )
        .await?;
    let lbs: Vec<_> = pages
        .iter()
        .flat_map(|p| p.load_balancer_descriptions())
        .filter(|lb| lb.load_balancer_name().is_some())
        .collect();
    let mut out = Collected::default();
    // Tags of up to 20 load balancers per call.
    let names: Vec<String> = lbs
        .iter()
        .filter_map(|lb| lb.load_balancer_name().map(str::to_string))
        .collect();
    let mut tags: HashMap<String, Value> = HashMap::new();
    let mut tags_read = true;
    for chunk in names.chunks(20) {
        let described = ctx
            .call(
                "elasticloadbalancing:DescribeTags",
                client
                    .describe_tags()
                    .set_load_balancer_names(Some(chunk.to_vec()))
                    .send(),
            )
            .await;
        match described {
            Ok(o) => {
                for d in o.tag_descriptions() {
                    if let Some(name) = d.load_balancer_name() {
                        tags.insert(
                            name.to_string(),
                            tag_map(d.tags().iter().map(|t| (Some(t.key()), t.value()))),
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
    for lb in lbs {
        let name = lb.load_balancer_name().unwrap_or_default();
        let listeners: Vec<Value> = lb
            .listener_descriptions()
            .iter()
            .filter_map(|d| d.listener())
            .map(|l| {
                json!({
                    "lb_protocol": l.protocol().to_lowercase(),
                    "lb_port": l.load_balancer_port(),
                    "instance_protocol": l.instance_protocol().map(|p| p.to_lowercase()),
                    "instance_port": l.instance_port(),
                    "ssl_certificate_id": l.ssl_certificate_id(),
                })
            })
            .collect();
        let mut r = ctx.resource(
            "aws_elb",
            name,
            json!({
                "name": name,
                "arn": ctx.arn("elasticloadbalancing", &format!("loadbalancer/{name}")),
                "dns_name": lb.dns_name(),
                "internal": lb.scheme() == Some("internal"),
                "security_groups": lb.security_groups(),
                "subnets": lb.subnets(),
                "listener": listeners,
                "tags": tags.get(name),
            }),
        );
        if !tags_read {
            r.unknown = vec!["tags".into(), "tags_all".into()];
        }
        out.resources.push(r);
    }
    Ok(out)
}
