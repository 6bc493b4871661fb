//! WAFv2 (regional web ACLs): `aws_wafv2_web_acl` with its rules as `rule_json`
//! (the API's JSON shape, which the rules read as Terraform's `rule_json`), and
//! `aws_wafv2_web_acl_logging_configuration`, and `aws_wafv2_ip_set` (for the tag
//! rule). The associations with load balancers
//! are read per load balancer by the ELBv2 collector ([`association`]). The web
//! ACLs of CloudFront scope are read the same way, once, by the CloudFront
//! collector ([`collect_scope`] in us-east-1).
//!
//! List calls are paginated by hand (WAFv2 has markers but no SDK paginators);
//! GetWebACL and the tags are per web ACL (there is no batch read of rules).

use serde_json::{json, Value};

use super::{tag_map, CallError, Collected, Ctx};
use aws_sdk_wafv2::types::{Scope, Statement};

pub(crate) const TYPES: &[&str] = &[
    "aws_wafv2_web_acl",
    "aws_wafv2_web_acl_logging_configuration",
    "aws_wafv2_ip_set",
];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    collect_scope(ctx, Scope::Regional).await
}

/// The web ACLs and logging configurations of one scope (`Regional` in the
/// context's region, `Cloudfront` in us-east-1).
pub(crate) async fn collect_scope(ctx: &Ctx, scope: Scope) -> Result<Collected, CallError> {
    let client = aws_sdk_wafv2::Client::new(&ctx.sdk);
    let mut out = Collected::default();
    let mut summaries = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = ctx
            .call(
                "wafv2:ListWebACLs",
                client
                    .list_web_acls()
                    .scope(scope.clone())
                    .set_next_marker(marker.clone())
                    .send(),
            )
            .await?;
        summaries.extend(page.web_acls().iter().cloned());
        marker = page.next_marker().map(str::to_string);
        if marker.is_none() || page.web_acls().is_empty() {
            break;
        }
    }
    for s in &summaries {
        let (Some(id), Some(name)) = (s.id(), s.name()) else {
            continue;
        };
        let (acl, tags) = tokio::join!(
            ctx.call(
                "wafv2:GetWebACL",
                client
                    .get_web_acl()
                    .scope(scope.clone())
                    .id(id)
                    .name(name)
                    .send()
            ),
            ctx.call(
                "wafv2:ListTagsForResource",
                client
                    .list_tags_for_resource()
                    .resource_arn(s.arn().unwrap_or_default())
                    .send()
            ),
        );
        let acl = match acl {
            Ok(o) => o,
            Err(e) => {
                out.partial(ctx, "wafv2", &["aws_wafv2_web_acl"], &e);
                continue;
            }
        };
        let Some(acl) = acl.web_acl() else { continue };
        let rules: Vec<Value> = acl.rules().iter().map(rule).collect();
        let default_action = match acl.default_action() {
            Some(d) if d.block().is_some() => json!([{"block": [{}]}]),
            _ => json!([{"allow": [{}]}]),
        };
        let mut r = ctx.resource(
            "aws_wafv2_web_acl",
            id,
            json!({
                "id": id,
                "arn": acl.arn(),
                "name": name,
                "scope": scope.as_str(),
                "default_action": default_action,
                "rule_json": Value::Array(rules).to_string(),
                "tags": tags.as_ref().ok().and_then(|t| t.tag_info_for_resource()).map(|t| {
                    tag_map(t.tag_list().iter().map(|t| (Some(t.key()), Some(t.value()))))
                }),
            }),
        );
        if let Err(e) = tags {
            r.unknown = vec!["tags".into(), "tags_all".into()];
            out.partial(ctx, "wafv2", &[], &e);
        }
        out.resources.push(r);
    }

    ip_sets(ctx, &client, &scope, &mut out).await;

    let mut marker: Option<String> = None;
    loop {
        let page = ctx
            .call(
                "wafv2:ListLoggingConfigurations",
                client
                    .list_logging_configurations()
                    .scope(scope.clone())
                    .set_next_marker(marker.clone())
                    .send(),
            )
            .await;
        let page = match page {
            Ok(p) => p,
            Err(e) => {
                out.partial(
                    ctx,
                    "wafv2",
                    &["aws_wafv2_web_acl_logging_configuration"],
                    &e,
                );
                break;
            }
        };
        for c in page.logging_configurations() {
            let arn = c.resource_arn();
            out.resources.push(ctx.resource(
                "aws_wafv2_web_acl_logging_configuration",
                arn.rsplit('/').next().unwrap_or(arn),
                json!({
                    "resource_arn": arn,
                    "log_destination_configs": c.log_destination_configs(),
                }),
            ));
        }
        marker = page.next_marker().map(str::to_string);
        if marker.is_none() || page.logging_configurations().is_empty() {
            break;
        }
    }
    Ok(out)
}

/// The IP sets of a scope as `aws_wafv2_ip_set` (only the tag rule reads them: the
/// list and the tags, one call per set; the addresses, which need GetIPSet per set,
/// are not read).
async fn ip_sets(ctx: &Ctx, client: &aws_sdk_wafv2::Client, scope: &Scope, out: &mut Collected) {
    let mut marker: Option<String> = None;
    loop {
        let page = ctx
            .call(
                "wafv2:ListIPSets",
                client
                    .list_ip_sets()
                    .scope(scope.clone())
                    .set_next_marker(marker.clone())
                    .send(),
            )
            .await;
        let page = match page {
            Ok(p) => p,
            Err(e) => {
                out.partial(ctx, "wafv2", &["aws_wafv2_ip_set"], &e);
                return;
            }
        };
        for s in page.ip_sets() {
            let (Some(id), Some(arn)) = (s.id(), s.arn()) else {
                continue;
            };
            let tags = ctx
                .call(
                    "wafv2:ListTagsForResource",
                    client.list_tags_for_resource().resource_arn(arn).send(),
                )
                .await;
            let mut r = ctx.resource(
                "aws_wafv2_ip_set",
                id,
                json!({
                    "id": id,
                    "arn": arn,
                    "name": s.name(),
                    "description": s.description(),
                    "scope": scope.as_str(),
                    "tags": tags.as_ref().ok().and_then(|t| t.tag_info_for_resource()).map(|t| {
                        tag_map(t.tag_list().iter().map(|t| (Some(t.key()), Some(t.value()))))
                    }),
                }),
            );
            if let Err(e) = tags {
                r.unknown = vec!["tags".into(), "tags_all".into()];
                out.partial(ctx, "wafv2", &[], &e);
            }
            out.resources.push(r);
        }
        marker = page.next_marker().map(str::to_string);
        if marker.is_none() || page.ip_sets().is_empty() {
            break;
        }
    }
}

/// The web ACL associated with a regional resource (a load balancer), if any.
pub(crate) async fn association(
    ctx: &Ctx,
    resource_arn: &str,
) -> Result<Option<String>, CallError> {
    let client = aws_sdk_wafv2::Client::new(&ctx.sdk);
    let out = ctx
        .call_opt(
            "wafv2:GetWebACLForResource",
            &["WAFNonexistentItemException"],
            client
                .get_web_acl_for_resource()
                .resource_arn(resource_arn)
                .send(),
        )
        .await?;
    Ok(out.and_then(|o| o.web_acl().map(|a| a.arn().to_string())))
}

/// A rule in the API's JSON shape: `Name`, `Statement`, `Action` or
/// `OverrideAction` (only the parts the rules read are spelled out).
fn rule(r: &aws_sdk_wafv2::types::Rule) -> Value {
    let mut v = json!({ "Name": r.name(), "Priority": r.priority() });
    if let Some(s) = r.statement() {
        v["Statement"] = statement(s);
    }
    if let Some(a) = r.action() {
        let kind = if a.block().is_some() {
            "Block"
        } else if a.allow().is_some() {
            "Allow"
        } else if a.count().is_some() {
            "Count"
        } else if a.captcha().is_some() {
            "Captcha"
        } else {
            "Challenge"
        };
        v["Action"] = json!({ kind: {} });
    }
    if let Some(o) = r.override_action() {
        v["OverrideAction"] = if o.count().is_some() {
            json!({"Count": {}})
        } else {
            json!({"None": {}})
        };
    }
    v
}

fn statement(s: &Statement) -> Value {
    if let Some(m) = s.managed_rule_group_statement() {
        return json!({"ManagedRuleGroupStatement": {"VendorName": m.vendor_name(), "Name": m.name()}});
    }
    if s.sqli_match_statement().is_some() {
        return json!({"SqliMatchStatement": {}});
    }
    if s.xss_match_statement().is_some() {
        return json!({"XssMatchStatement": {}});
    }
    if let Some(r) = s.rate_based_statement() {
        return json!({"RateBasedStatement": {
            "Limit": r.limit(),
            "AggregateKeyType": r.aggregate_key_type().as_str(),
        }});
    }
    if let Some(a) = s.and_statement() {
        return json!({"AndStatement": {"Statements": a.statements().iter().map(statement).collect::<Vec<_>>()}});
    }
    if let Some(o) = s.or_statement() {
        return json!({"OrStatement": {"Statements": o.statements().iter().map(statement).collect::<Vec<_>>()}});
    }
    if let Some(n) = s.not_statement() {
        return json!({"NotStatement": {"Statement": n.statement().map(statement)}});
    }
    if let Some(r) = s.rule_group_reference_statement() {
        return json!({"RuleGroupReferenceStatement": {"ARN": r.arn()}});
    }
    if let Some(i) = s.ip_set_reference_statement() {
        return json!({"IPSetReferenceStatement": {"ARN": i.arn()}});
    }
    if s.geo_match_statement().is_some() {
        return json!({"GeoMatchStatement": {}});
    }
    if s.byte_match_statement().is_some() {
        return json!({"ByteMatchStatement": {}});
    }
    json!({"OtherStatement": {}})
}
