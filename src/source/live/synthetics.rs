//! CloudWatch Synthetics: `aws_synthetics_canary` (`name`, `arn`, role, runtime,
//! tags) per canary of each region, for the tag and region rules (TAG-001,
//! GDPR-001). DescribeCanaries is paginated and returns each canary's tags inline;
//! it has no ARN, which is built from the name. Terraform's `id` is the name.

use serde_json::{json, Value};

use super::{tag_map, CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &["aws_synthetics_canary"];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_synthetics::Client::new(&ctx.sdk);
    let pages = ctx
        .pages(
            "synthetics:DescribeCanaries",
            client.describe_canaries().into_paginator().send(),
        )
        .await?;
    let mut out = Collected::default();
    for c in pages.iter().flat_map(|p| p.canaries()) {
        let Some(name) = c.name() else {
            continue;
        };
        let arn = ctx.arn("synthetics", &format!("canary:{name}"));
        let r = ctx.resource("aws_synthetics_canary", name, values(c, name, &arn));
        out.resources.push(r);
    }
    Ok(out)
}

/// A canary in Terraform's shape.
fn values(c: &aws_sdk_synthetics::types::Canary, name: &str, arn: &str) -> Value {
    json!({
        "id": name,
        "arn": arn,
        "name": name,
        "execution_role_arn": c.execution_role_arn(),
        "runtime_version": c.runtime_version(),
        "success_retention_period": c.success_retention_period_in_days(),
        "failure_retention_period": c.failure_retention_period_in_days(),
        "status": c.status().and_then(|s| s.state()).map(|s| s.as_str()),
        // Absent when the canary has none.
        "tags": tag_map(
            c.tags()
                .into_iter()
                .flatten()
                .map(|(k, v)| (Some(k.as_str()), Some(v.as_str())))
        ),
    })
}

#[cfg(test)]
mod tests {
    use aws_sdk_synthetics::types::Canary;
    use serde_json::json;

    #[test]
    fn a_canary_in_terraform_shape() {
        let c = Canary::builder()
            .name("homepage")
            .execution_role_arn("arn:aws:iam::1:role/r")
            .runtime_version("syn-nodejs-puppeteer-9.1")
            .tags("Owner", "me")
            .build();
        let v = super::values(
            &c,
            "homepage",
            "arn:aws:synthetics:us-east-1:1:canary:homepage",
        );
        assert_eq!(v["id"], "homepage");
        assert_eq!(v["arn"], "arn:aws:synthetics:us-east-1:1:canary:homepage");
        assert_eq!(v["execution_role_arn"], "arn:aws:iam::1:role/r");
        assert_eq!(v["tags"], json!({"Owner": "me"}));
        // No tags in the answer: none, not unknown.
        let bare = super::values(&Canary::builder().name("x").build(), "x", "arn");
        assert_eq!(bare["tags"], json!({}));
    }
}
