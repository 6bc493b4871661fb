//! ACM: `aws_acm_certificate` (`arn`, `domain_name`, tags) per certificate of each
//! region, for the tag and region rules (TAG-001, GDPR-001), the only rules that
//! read certificates. ListCertificates is paginated; the tags
//! (ListTagsForCertificate) are per certificate by API design.

use serde_json::json;

use super::{tag_map, CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &["aws_acm_certificate"];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_acm::Client::new(&ctx.sdk);
    let pages = ctx
        .pages(
            "acm:ListCertificates",
            client.list_certificates().into_paginator().send(),
        )
        .await?;
    let certificates: Vec<(String, Option<String>)> = pages
        .iter()
        .flat_map(|p| p.certificate_summary_list())
        .filter_map(|c| {
            let arn = c.certificate_arn()?.to_string();
            Some((arn, c.domain_name().map(str::to_string)))
        })
        .collect();
    Ok(Collected::each(certificates, |(arn, domain)| {
        let (ctx, client) = (ctx.clone(), client.clone());
        async move {
            let id = arn.rsplit('/').next().unwrap_or_default().to_string();
            let tags = ctx
                .call(
                    "acm:ListTagsForCertificate",
                    client
                        .list_tags_for_certificate()
                        .certificate_arn(&arn)
                        .send(),
                )
                .await;
            let r = ctx.resource(
                "aws_acm_certificate",
                &id,
                json!({
                    "id": arn,
                    "arn": arn,
                    "domain_name": domain,
                    "tags": tags.as_ref().ok().map(|o| tag_map(
                        o.tags().iter().map(|t| (Some(t.key()), t.value()))
                    )),
                }),
            );
            let mut out = Collected::default();
            out.push_tagged(&ctx, "acm", r, &tags);
            out
        }
    })
    .await)
}
