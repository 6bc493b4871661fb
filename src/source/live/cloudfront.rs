//! CloudFront (global, read once): `aws_cloudfront_distribution` with its
//! `origin` blocks (`origin_access_control_id`, `s3_origin_config`,
//! `custom_origin_config`, `origin_shield`), `default_cache_behavior` /
//! `ordered_cache_behavior` (`viewer_protocol_policy`), `viewer_certificate`,
//! `web_acl_id` and tags; and the web ACLs of CloudFront scope (WAFv2 serves them
//! from us-east-1 only; see [`super::wafv2::collect_scope`]), which the
//! distributions' `web_acl_id` (the web ACL's ARN) joins.
//!
//! ListDistributions is one paginated batch with every setting the rules read;
//! tags are per distribution (CloudFront has no batch tag read). A summary without
//! origins (AWS always lists them; moto 5.2 leaves origins, behaviors, certificate
//! and web ACL out of its summaries) is read again with GetDistribution. Distributions have
//! no region (`null`), like the other global services; the CloudFront web ACLs are
//! in us-east-1, where Terraform has to create them.

use serde_json::{json, Value};

use super::{tag_map, CallError, Collected, Ctx};
use aws_sdk_cloudfront::types as t;

pub(crate) const TYPES: &[&str] = &[
    "aws_cloudfront_distribution",
    "aws_wafv2_web_acl",
    "aws_wafv2_web_acl_logging_configuration",
    "aws_wafv2_ip_set",
];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_cloudfront::Client::new(&ctx.sdk);
    let pages = ctx
        .pages(
            "cloudfront:ListDistributions",
            client.list_distributions().into_paginator().send(),
        )
        .await?;
    let mut out = Collected::default();
    let mut set = tokio::task::JoinSet::new();
    for d in pages
        .iter()
        .filter_map(|p| p.distribution_list())
        .flat_map(|l| l.items())
    {
        let listed = Parts::of_summary(d).map(|p| p.values());
        let (ctx, client, arn, id) = (
            ctx.clone(),
            client.clone(),
            d.arn().to_string(),
            d.id().to_string(),
        );
        set.spawn(async move {
            let mut gaps = Vec::new();
            let values = match listed {
                Some(v) => Some(v),
                None => match ctx
                    .call(
                        "cloudfront:GetDistribution",
                        client.get_distribution().id(&id).send(),
                    )
                    .await
                {
                    Ok(o) => o
                        .distribution()
                        .and_then(Parts::of_distribution)
                        .map(|p| p.values()),
                    Err(e) => {
                        gaps.push((e, true));
                        None
                    }
                },
            };
            let tags = ctx
                .call(
                    "cloudfront:ListTagsForResource",
                    client.list_tags_for_resource().resource(&arn).send(),
                )
                .await;
            let Some(mut values) = values else {
                return (None, gaps);
            };
            let mut unknown = Vec::new();
            match tags {
                Ok(o) => {
                    values["tags"] = tag_map(
                        o.tags()
                            .map(|t| t.items())
                            .unwrap_or_default()
                            .iter()
                            .map(|t| (Some(t.key()), t.value())),
                    );
                }
                Err(e) => {
                    unknown = vec!["tags".to_string(), "tags_all".to_string()];
                    gaps.push((e, false));
                }
            }
            let mut r = ctx.resource_at(
                "aws_cloudfront_distribution",
                &format!("{}/{id}", ctx.account),
                None,
                values,
            );
            r.unknown = unknown;
            (Some(r), gaps)
        });
    }
    while let Some(done) = set.join_next().await {
        if let Ok((r, gaps)) = done {
            out.resources.extend(r);
            for (e, whole) in gaps {
                // Tags are read only by the tag rules: their unknown marks suffice.
                let types: &[&str] = if whole {
                    &["aws_cloudfront_distribution"]
                } else {
                    &[]
                };
                out.partial_global("cloudfront", types, &e);
            }
        }
    }

    // Web ACLs of CloudFront scope: their own collector run, in us-east-1 (where
    // they are, and their gaps too).
    let east = ctx.in_region("us-east-1");
    match super::wafv2::collect_scope(&east, aws_sdk_wafv2::types::Scope::Cloudfront).await {
        Ok(c) => {
            out.resources.extend(c.resources);
            out.gaps.extend(c.gaps);
        }
        Err(e) => out.partial(
            &east,
            "wafv2",
            &[
                "aws_wafv2_web_acl",
                "aws_wafv2_web_acl_logging_configuration",
                "aws_wafv2_ip_set",
            ],
            &e,
        ),
    }
    Ok(out)
}

/// What the rules read of a distribution, from its summary or its configuration.
struct Parts<'a> {
    id: &'a str,
    arn: &'a str,
    domain_name: &'a str,
    status: &'a str,
    enabled: bool,
    comment: &'a str,
    aliases: Option<&'a t::Aliases>,
    price_class: Option<&'a t::PriceClass>,
    http_version: Option<&'a t::HttpVersion>,
    web_acl_id: Option<&'a str>,
    origins: &'a [t::Origin],
    default_behavior: Option<&'a t::DefaultCacheBehavior>,
    behaviors: Option<&'a t::CacheBehaviors>,
    certificate: Option<&'a t::ViewerCertificate>,
}

impl<'a> Parts<'a> {
    /// `None` when the summary lists no origin (every distribution has one).
    fn of_summary(d: &'a t::DistributionSummary) -> Option<Self> {
        let origins = d.origins().map(|o| o.items()).unwrap_or_default();
        if origins.is_empty() {
            return None;
        }
        Some(Parts {
            id: d.id(),
            arn: d.arn(),
            domain_name: d.domain_name(),
            status: d.status(),
            enabled: d.enabled(),
            comment: d.comment(),
            aliases: d.aliases(),
            price_class: Some(d.price_class()),
            http_version: Some(d.http_version()),
            web_acl_id: Some(d.web_acl_id()),
            origins,
            default_behavior: d.default_cache_behavior(),
            behaviors: d.cache_behaviors(),
            certificate: d.viewer_certificate(),
        })
    }

    fn of_distribution(d: &'a t::Distribution) -> Option<Self> {
        let c = d.distribution_config()?;
        Some(Parts {
            id: d.id(),
            arn: d.arn(),
            domain_name: d.domain_name(),
            status: d.status(),
            enabled: c.enabled(),
            comment: c.comment(),
            aliases: c.aliases(),
            price_class: c.price_class(),
            http_version: c.http_version(),
            web_acl_id: c.web_acl_id(),
            origins: c.origins().map(|o| o.items()).unwrap_or_default(),
            default_behavior: c.default_cache_behavior(),
            behaviors: c.cache_behaviors(),
            certificate: c.viewer_certificate(),
        })
    }

    /// The distribution's attributes, in Terraform's shape.
    fn values(&self) -> Value {
        let origins: Vec<Value> = self
            .origins
            .iter()
            .map(|o| {
                json!({
                    "origin_id": o.id(),
                    "domain_name": o.domain_name(),
                    "origin_path": o.origin_path(),
                    "origin_access_control_id": o.origin_access_control_id(),
                    "s3_origin_config": o.s3_origin_config().map(|s| vec![json!({
                        "origin_access_identity": s.origin_access_identity(),
                    })]).unwrap_or_default(),
                    "custom_origin_config": o.custom_origin_config().map(|c| vec![json!({
                        "http_port": c.http_port(),
                        "https_port": c.https_port(),
                        "origin_protocol_policy": c.origin_protocol_policy().as_str(),
                        "origin_ssl_protocols": c.origin_ssl_protocols().map(|p| p.items().iter().map(|x| x.as_str()).collect::<Vec<_>>()),
                    })]).unwrap_or_default(),
                    // No OriginShield element: Origin Shield is not enabled.
                    "origin_shield": o.origin_shield().map(|s| vec![json!({
                        "enabled": s.enabled(),
                        "origin_shield_region": s.origin_shield_region(),
                    })]).unwrap_or_default(),
                })
            })
            .collect();
        let default_behavior: Vec<Value> = self
            .default_behavior
            .map(|b| {
                vec![json!({
                    "target_origin_id": b.target_origin_id(),
                    "viewer_protocol_policy": b.viewer_protocol_policy().as_str(),
                    "cache_policy_id": b.cache_policy_id(),
                    "compress": b.compress(),
                })]
            })
            .unwrap_or_default();
        let ordered: Vec<Value> = self
            .behaviors
            .map(|c| c.items())
            .unwrap_or_default()
            .iter()
            .map(|b| {
                json!({
                    "path_pattern": b.path_pattern(),
                    "target_origin_id": b.target_origin_id(),
                    "viewer_protocol_policy": b.viewer_protocol_policy().as_str(),
                    "cache_policy_id": b.cache_policy_id(),
                    "compress": b.compress(),
                })
            })
            .collect();
        let certificate: Vec<Value> = self
            .certificate
            .map(|c| {
                vec![json!({
                    "cloudfront_default_certificate": c.cloud_front_default_certificate(),
                    "acm_certificate_arn": c.acm_certificate_arn(),
                    "iam_certificate_id": c.iam_certificate_id(),
                    "minimum_protocol_version": c.minimum_protocol_version().map(|v| v.as_str()),
                    "ssl_support_method": c.ssl_support_method().map(|m| m.as_str()),
                })]
            })
            .unwrap_or_default();
        json!({
            "id": self.id,
            "arn": self.arn,
            "domain_name": self.domain_name,
            "status": self.status,
            "enabled": self.enabled,
            "comment": self.comment,
            "aliases": self.aliases.map(|a| a.items()).unwrap_or_default(),
            "price_class": self.price_class.map(|p| p.as_str()),
            "http_version": self.http_version.map(|h| h.as_str().to_lowercase()),
            "web_acl_id": self.web_acl_id,
            "origin": origins,
            "default_cache_behavior": default_behavior,
            "ordered_cache_behavior": ordered,
            "viewer_certificate": certificate,
        })
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_cloudfront::types as t;

    #[test]
    fn a_distribution_has_terraforms_blocks() {
        let origin = t::Origin::builder()
            .id("s3")
            .domain_name("static.s3.us-east-1.amazonaws.com")
            .origin_access_control_id("E2OAC")
            .s3_origin_config(
                t::S3OriginConfig::builder()
                    .origin_access_identity("")
                    .build(),
            )
            .build()
            .unwrap();
        let d = t::DistributionSummary::builder()
            .id("EDIST")
            .arn("arn:aws:cloudfront::123456789012:distribution/EDIST")
            .status("Deployed")
            .last_modified_time(aws_smithy_types_now())
            .domain_name("d1.cloudfront.net")
            .origins(
                t::Origins::builder()
                    .quantity(1)
                    .items(origin)
                    .build()
                    .unwrap(),
            )
            .default_cache_behavior(
                t::DefaultCacheBehavior::builder()
                    .target_origin_id("s3")
                    .viewer_protocol_policy(t::ViewerProtocolPolicy::RedirectToHttps)
                    .build()
                    .unwrap(),
            )
            .comment("")
            .price_class(t::PriceClass::PriceClassAll)
            .enabled(true)
            .web_acl_id("")
            .http_version(t::HttpVersion::Http2)
            .staging(false)
            .is_ipv6_enabled(true)
            .viewer_certificate(
                t::ViewerCertificate::builder()
                    .cloud_front_default_certificate(true)
                    .minimum_protocol_version(t::MinimumProtocolVersion::TlSv1)
                    .build(),
            )
            .build()
            .unwrap();
        let v = super::Parts::of_summary(&d).unwrap().values();
        assert_eq!(v["origin"][0]["origin_id"], "s3");
        assert_eq!(v["origin"][0]["origin_access_control_id"], "E2OAC");
        assert_eq!(v["origin"][0]["origin_shield"], serde_json::json!([]));
        assert_eq!(
            v["default_cache_behavior"][0]["viewer_protocol_policy"],
            "redirect-to-https"
        );
        assert_eq!(v["ordered_cache_behavior"], serde_json::json!([]));
        assert_eq!(
            v["viewer_certificate"][0]["cloudfront_default_certificate"],
            true
        );
        assert_eq!(
            v["viewer_certificate"][0]["minimum_protocol_version"],
            "TLSv1"
        );
        assert_eq!(v["web_acl_id"], "");
        assert_eq!(v["http_version"], "http2");
        // A summary without origins is not taken as a distribution without any.
        let bare = t::DistributionSummary::builder()
            .id("EDIST")
            .arn("arn:aws:cloudfront::123456789012:distribution/EDIST")
            .status("Deployed")
            .last_modified_time(aws_smithy_types_now())
            .domain_name("d1.cloudfront.net")
            .comment("")
            .price_class(t::PriceClass::PriceClassAll)
            .enabled(true)
            .web_acl_id("")
            .http_version(t::HttpVersion::Http2)
            .staging(false)
            .is_ipv6_enabled(true)
            .build()
            .unwrap();
        assert!(super::Parts::of_summary(&bare).is_none());
    }

    fn aws_smithy_types_now() -> aws_sdk_cloudfront::primitives::DateTime {
        aws_sdk_cloudfront::primitives::DateTime::from_secs(0)
    }
}
