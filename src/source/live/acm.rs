//! ACM: `aws_acm_certificate` (`arn`, `domain_name`, tags) per certificate of each
//! region, for the tag and region rules (TAG-001, GDPR-001), the only rules that
//! read certificates. ListCertificates is paginated; the tags come from one batch
//! of the tagging API per region ([`super::tagging`]), read alongside, rather than
//! one ListTagsForCertificate call per certificate.

use serde_json::json;

use super::{tagging, CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &["aws_acm_certificate"];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_acm::Client::new(&ctx.sdk);
    let (pages, tags) = tokio::join!(
        ctx.pages(
            "acm:ListCertificates",
            client.list_certificates().into_paginator().send(),
        ),
        tagging::by_arn(ctx, "acm"),
    );
    let mut out = Collected::default();
    for c in pages?.iter().flat_map(|p| p.certificate_summary_list()) {
        let Some(arn) = c.certificate_arn() else {
            continue;
        };
        let id = arn.rsplit('/').next().unwrap_or_default();
        let r = ctx.resource(
            "aws_acm_certificate",
            id,
            json!({
                "id": arn,
                "arn": arn,
                "domain_name": c.domain_name(),
                "tags": tagging::of(&tags, arn),
            }),
        );
        out.push_tagged(ctx, "acm", r, &tags);
    }
    Ok(out)
}
