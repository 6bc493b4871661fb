//! AWS Backup: `aws_backup_vault`, `aws_backup_plan` (its rules with schedule,
//! lifecycle and `copy_action` blocks) and `aws_backup_selection` (resources, tag
//! conditions) per region.
//!
//! ListBackupVaults and ListBackupPlans are paginated batches; a plan's rules
//! (GetBackupPlan), its selections (ListBackupSelections, GetBackupSelection) and
//! tags (ListTags) can only be read one plan, selection or resource at a time. A
//! plan's `id` is its plan ID, which its selections' `plan_id` joins; a copy
//! action's `destination_vault_arn` joins the vault by ARN (a vault has no `id`:
//! Terraform's is the name, which another region's vault may share).

use serde_json::{json, Value};

use super::{tag_map, CallError, Collected, Ctx};
use aws_sdk_backup::types::{BackupRule, Lifecycle};

pub(crate) const TYPES: &[&str] = &[
    "aws_backup_vault",
    "aws_backup_plan",
    "aws_backup_selection",
];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_backup::Client::new(&ctx.sdk);
    let (vaults, plans) = tokio::join!(
        ctx.pages(
            "backup:ListBackupVaults",
            client.list_backup_vaults().into_paginator().send()
        ),
        ctx.pages(
            "backup:ListBackupPlans",
            client.list_backup_plans().into_paginator().send()
        ),
    );
    let mut out = Collected::default();
    // Vaults' tags and each plan's rules, selections and tags, concurrently.
    let mut set: tokio::task::JoinSet<Collected> = tokio::task::JoinSet::new();
    let vaults_failed = match vaults {
        Ok(pages) => {
            for v in pages.iter().flat_map(|p| p.backup_vault_list()) {
                let (Some(name), Some(arn)) = (v.backup_vault_name(), v.backup_vault_arn()) else {
                    continue;
                };
                let values = json!({
                    "arn": arn,
                    "name": name,
                    "kms_key_arn": v.encryption_key_arn(),
                });
                let (ctx, client) = (ctx.clone(), client.clone());
                let (name, arn) = (name.to_string(), arn.to_string());
                set.spawn(async move {
                    let mut out = Collected::default();
                    let r = tagged(
                        &ctx,
                        &client,
                        &mut out,
                        "aws_backup_vault",
                        &name,
                        &arn,
                        values,
                    )
                    .await;
                    out.resources.push(r);
                    out
                });
            }
            None
        }
        Err(e) => Some(e),
    };
    let plans = match (plans, vaults_failed) {
        (Ok(p), None) => p,
        (Ok(p), Some(e)) => {
            out.partial(ctx, "backup", &["aws_backup_vault"], &e);
            p
        }
        (Err(e), None) => {
            out.partial(
                ctx,
                "backup",
                &["aws_backup_plan", "aws_backup_selection"],
                &e,
            );
            Vec::new()
        }
        (Err(e), Some(_)) => return Err(e),
    };
    for p in plans.iter().flat_map(|p| p.backup_plans_list()) {
        let (Some(id), Some(arn)) = (p.backup_plan_id(), p.backup_plan_arn()) else {
            continue;
        };
        let (ctx, client) = (ctx.clone(), client.clone());
        let (id, arn) = (id.to_string(), arn.to_string());
        let (name, version) = (
            p.backup_plan_name().map(str::to_string),
            p.version_id().map(str::to_string),
        );
        set.spawn(async move { read_plan(&ctx, &client, &id, &arn, name, version).await });
    }
    while let Some(joined) = set.join_next().await {
        if let Ok(c) = joined {
            out.resources.extend(c.resources);
            out.gaps.extend(c.gaps);
        }
    }
    Ok(out)
}

/// A plan with its rules and tags, and its selections.
async fn read_plan(
    ctx: &Ctx,
    client: &aws_sdk_backup::Client,
    id: &str,
    arn: &str,
    name: Option<String>,
    version: Option<String>,
) -> Collected {
    let mut out = Collected::default();
    let (plan, selections) = tokio::join!(
        ctx.call(
            "backup:GetBackupPlan",
            client.get_backup_plan().backup_plan_id(id).send()
        ),
        ctx.pages(
            "backup:ListBackupSelections",
            client
                .list_backup_selections()
                .backup_plan_id(id)
                .into_paginator()
                .send()
        ),
    );
    let mut values = json!({
        "id": id,
        "arn": arn,
        "name": name,
        "version": version,
    });
    let mut unknown = Vec::new();
    match plan {
        Ok(o) => {
            values["rule"] = json!(o
                .backup_plan()
                .map(|b| b.rules().iter().map(rule_values).collect::<Vec<_>>())
                .unwrap_or_default());
        }
        Err(e) => {
            unknown.push("rule".to_string());
            out.partial(ctx, "backup", &["aws_backup_plan"], &e);
        }
    }
    let mut r = tagged(ctx, client, &mut out, "aws_backup_plan", id, arn, values).await;
    r.unknown.extend(unknown);
    out.resources.push(r);
    match selections {
        Ok(pages) => {
            for s in pages.iter().flat_map(|p| p.backup_selections_list()) {
                let Some(sid) = s.selection_id() else {
                    continue;
                };
                let got = ctx
                    .call(
                        "backup:GetBackupSelection",
                        client
                            .get_backup_selection()
                            .backup_plan_id(id)
                            .selection_id(sid)
                            .send(),
                    )
                    .await;
                match got {
                    Ok(o) => {
                        let Some(sel) = o.backup_selection() else {
                            continue;
                        };
                        out.resources.push(ctx.resource(
                            "aws_backup_selection",
                            sid,
                            selection_values(sid, id, sel),
                        ));
                    }
                    Err(e) => out.partial(ctx, "backup", &["aws_backup_selection"], &e),
                }
            }
        }
        Err(e) => out.partial(ctx, "backup", &["aws_backup_selection"], &e),
    }
    out
}

/// The resource with its tags (ListTags, one resource a call); tags unknown when
/// they cannot be read.
async fn tagged(
    ctx: &Ctx,
    client: &aws_sdk_backup::Client,
    out: &mut Collected,
    kind: &str,
    name: &str,
    arn: &str,
    mut values: Value,
) -> crate::model::Resource {
    let pages = ctx
        .pages(
            "backup:ListTags",
            client.list_tags().resource_arn(arn).into_paginator().send(),
        )
        .await;
    let mut unknown = Vec::new();
    match pages {
        Ok(pages) => {
            values["tags"] = tag_map(
                pages
                    .iter()
                    .filter_map(|p| p.tags())
                    .flat_map(|m| m.iter())
                    .map(|(k, v)| (Some(k.as_str()), Some(v.as_str()))),
            );
        }
        Err(e) => {
            unknown = vec!["tags".to_string(), "tags_all".to_string()];
            out.partial(ctx, "backup", &[], &e);
        }
    }
    let mut r = ctx.resource(kind, name, values);
    r.unknown = unknown;
    r
}

fn lifecycle(l: Option<&Lifecycle>) -> Value {
    match l {
        Some(l) => json!([{
            "delete_after": l.delete_after_days(),
            "cold_storage_after": l.move_to_cold_storage_after_days(),
            "opt_in_to_archive_for_supported_resources": l.opt_in_to_archive_for_supported_resources(),
        }]),
        None => json!([]),
    }
}

/// A plan's rule in Terraform's shape.
pub(crate) fn rule_values(r: &BackupRule) -> Value {
    json!({
        "rule_name": r.rule_name(),
        "target_vault_name": r.target_backup_vault_name(),
        "schedule": r.schedule_expression(),
        "schedule_expression_timezone": r.schedule_expression_timezone(),
        "start_window": r.start_window_minutes(),
        "completion_window": r.completion_window_minutes(),
        "enable_continuous_backup": r.enable_continuous_backup(),
        "lifecycle": lifecycle(r.lifecycle()),
        "copy_action": r.copy_actions().iter().map(|c| json!({
            "destination_vault_arn": c.destination_backup_vault_arn(),
            "lifecycle": lifecycle(c.lifecycle()),
        })).collect::<Vec<_>>(),
    })
}

/// A selection in Terraform's shape.
pub(crate) fn selection_values(
    id: &str,
    plan_id: &str,
    s: &aws_sdk_backup::types::BackupSelection,
) -> Value {
    let params = |l: &[aws_sdk_backup::types::ConditionParameter]| {
        l.iter()
            .map(|p| json!({"key": p.condition_key(), "value": p.condition_value()}))
            .collect::<Vec<_>>()
    };
    let condition = s
        .conditions()
        .map(|c| {
            vec![json!({
                "string_equals": params(c.string_equals()),
                "string_not_equals": params(c.string_not_equals()),
                "string_like": params(c.string_like()),
                "string_not_like": params(c.string_not_like()),
            })]
        })
        .unwrap_or_default();
    json!({
        "id": id,
        "name": s.selection_name(),
        "plan_id": plan_id,
        "iam_role_arn": s.iam_role_arn(),
        "resources": s.resources(),
        "not_resources": s.not_resources(),
        "selection_tag": s.list_of_tags().iter().map(|t| json!({
            "type": t.condition_type().as_str(),
            "key": t.condition_key(),
            "value": t.condition_value(),
        })).collect::<Vec<_>>(),
        "condition": condition,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_backup::types as b;

    #[test]
    fn a_rule_with_a_copy_in_terraform_shape() {
        let r = b::BackupRule::builder()
            .rule_name("daily")
            .target_backup_vault_name("vault")
            .schedule_expression("cron(0 5 * * ? *)")
            .lifecycle(b::Lifecycle::builder().delete_after_days(30).build())
            .copy_actions(
                b::CopyAction::builder()
                    .destination_backup_vault_arn("arn:aws:backup:us-west-2:1:backup-vault:v")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        let v = rule_values(&r);
        assert_eq!(v["schedule"], "cron(0 5 * * ? *)");
        assert_eq!(v["lifecycle"][0]["delete_after"], 30);
        assert_eq!(
            v["copy_action"],
            json!([{"destination_vault_arn": "arn:aws:backup:us-west-2:1:backup-vault:v", "lifecycle": []}])
        );
    }

    #[test]
    fn a_tag_selection_in_terraform_shape() {
        let s = b::BackupSelection::builder()
            .selection_name("tagged")
            .iam_role_arn("arn:aws:iam::1:role/backup")
            .list_of_tags(
                b::Condition::builder()
                    .condition_type(b::ConditionType::Stringequals)
                    .condition_key("Backup")
                    .condition_value("daily")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        let v = selection_values("sel-1", "plan-1", &s);
        assert_eq!(v["plan_id"], "plan-1");
        assert_eq!(
            v["selection_tag"],
            json!([{"type": "STRINGEQUALS", "key": "Backup", "value": "daily"}])
        );
        assert_eq!(v["condition"], json!([]));
        assert_eq!(v["resources"], json!([]));
    }
}
