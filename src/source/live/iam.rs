//! IAM (global, read once): `aws_iam_role` (`assume_role_policy` as the JSON text
//! Terraform has, `managed_policy_arns` = the attached managed policies, AWS's
//! included), customer-managed `aws_iam_policy` (the default version's document),
//! the inline policies as `aws_iam_role_policy` / `aws_iam_user_policy` /
//! `aws_iam_group_policy`, and `aws_iam_instance_profile`.
//!
//! GetAccountAuthorizationDetails is one paginated batch with the roles, users,
//! groups and customer-managed policies and all their documents (URL-encoded, as
//! IAM returns them: decoded here). Instance profiles are one paginated list.
//! Tags of roles come with the batch; IAM's lists leave out the tags of policies
//! and instance profiles, which are read per policy (ListPolicyTags) and profile
//! (GetInstanceProfile).
//!
//! Inline policies are their own resources and not also `inline_policy` blocks of
//! the role, and attachments are the role's `managed_policy_arns` rather than
//! `aws_iam_role_policy_attachment` resources: each document is checked once.
//! Service-linked roles (path `/aws-service-role/`) are AWS's and left out, like
//! AWS managed policies. IAM resources have no region (`null`): IAM is global,
//! and the region-scoped rules and regional coverage gaps are not about them.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::{tag_map, CallError, Collected, Ctx};
use crate::model::Resource;

pub(crate) const TYPES: &[&str] = &[
    "aws_iam_role",
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_iam_instance_profile",
    // Plan-only: attachments are the role's managed_policy_arns live.
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_role_policy_attachments_exclusive",
];

/// A policy document as IAM returns it (URL-encoded, RFC 3986) as its JSON text.
pub(crate) fn decode_document(doc: &str) -> String {
    percent_encoding::percent_decode_str(doc)
        .decode_utf8_lossy()
        .into_owned()
}

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    use aws_sdk_iam::types::EntityType;
    let client = aws_sdk_iam::Client::new(&ctx.sdk);
    let (details, profiles) = tokio::join!(
        ctx.pages(
            "iam:GetAccountAuthorizationDetails",
            client
                .get_account_authorization_details()
                .filter(EntityType::Role)
                .filter(EntityType::User)
                .filter(EntityType::Group)
                .filter(EntityType::LocalManagedPolicy)
                .into_paginator()
                .send()
        ),
        ctx.pages(
            "iam:ListInstanceProfiles",
            client.list_instance_profiles().into_paginator().send()
        ),
    );
    let details = details?;
    let mut out = Collected::default();

    for role in details.iter().flat_map(|p| p.role_detail_list()) {
        let Some(name) = role.role_name() else {
            continue;
        };
        // Service-linked roles are AWS's (their permissions are the service's
        // managed policies; Terraform has them as aws_iam_service_linked_role).
        if role
            .path()
            .is_some_and(|p| p.starts_with("/aws-service-role/"))
        {
            continue;
        }
        let managed: Vec<&str> = role
            .attached_managed_policies()
            .iter()
            .filter_map(|p| p.policy_arn())
            .collect();
        let role_address = format!("aws_iam_role.{}", global_name(ctx, name));
        out.resources.push(ctx.resource_at(
            "aws_iam_role",
            &global_name(ctx, name),
            None,
            json!({
                "id": name,
                "arn": role.arn(),
                "name": name,
                "path": role.path(),
                "unique_id": role.role_id(),
                "assume_role_policy": role.assume_role_policy_document().map(decode_document),
                "managed_policy_arns": managed,
                "permissions_boundary": role.permissions_boundary().and_then(|b| b.permissions_boundary_arn()),
                "tags": tag_map(role.tags().iter().map(|t| (Some(t.key()), Some(t.value())))),
            }),
        ));
        for p in role.role_policy_list() {
            let mut r = inline(ctx, "aws_iam_role_policy", "role", name, p);
            // The role's name is also the id of an instance profile of the same
            // name: the value join alone could pick the profile.
            r.references
                .insert("role".into(), vec![role_address.clone()]);
            out.resources.push(r);
        }
    }
    for user in details.iter().flat_map(|p| p.user_detail_list()) {
        let Some(name) = user.user_name() else {
            continue;
        };
        for p in user.user_policy_list() {
            out.resources
                .push(inline(ctx, "aws_iam_user_policy", "user", name, p));
        }
    }
    for group in details.iter().flat_map(|p| p.group_detail_list()) {
        let Some(name) = group.group_name() else {
            continue;
        };
        for p in group.group_policy_list() {
            out.resources
                .push(inline(ctx, "aws_iam_group_policy", "group", name, p));
        }
    }

    // Customer-managed policies (the filter leaves AWS's out), with their tags.
    let mut set = tokio::task::JoinSet::new();
    for p in details.iter().flat_map(|p| p.policies()) {
        let Some(arn) = p.arn() else {
            continue;
        };
        // The ARN ends in the name (moto leaves PolicyName out).
        let name = p
            .policy_name()
            .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or(arn));
        let document = p
            .policy_version_list()
            .iter()
            .find(|v| v.is_default_version() || v.version_id() == p.default_version_id())
            .and_then(|v| v.document())
            .map(decode_document);
        let values = json!({
            "id": arn,
            "arn": arn,
            "name": name,
            "path": p.path(),
            "description": p.description(),
            "policy_id": p.policy_id(),
            "policy": document,
        });
        let (ctx, client, arn, name) = (
            ctx.clone(),
            client.clone(),
            arn.to_string(),
            name.to_string(),
        );
        set.spawn(async move {
            let tags = ctx
                .pages(
                    "iam:ListPolicyTags",
                    client
                        .list_policy_tags()
                        .policy_arn(&arn)
                        .into_paginator()
                        .send(),
                )
                .await
                .map(|pages| {
                    tag_map(
                        pages
                            .iter()
                            .flat_map(|p| p.tags())
                            .map(|t| (Some(t.key()), Some(t.value()))),
                    )
                });
            // `<path><name>` without the leading slash: `admin`, `team/admin`.
            let key = format!(
                "{}{name}",
                values["path"]
                    .as_str()
                    .unwrap_or("/")
                    .trim_start_matches('/')
            );
            with_tags(&ctx, "aws_iam_policy", &key, values, tags)
        });
    }

    let profiles = match profiles {
        Ok(pages) => pages,
        Err(e) => {
            out.partial_global("iam", &["aws_iam_instance_profile"], &e);
            Vec::new()
        }
    };
    for p in profiles.iter().flat_map(|p| p.instance_profiles()) {
        let name = p.instance_profile_name().to_string();
        let role = p.roles().first().map(|r| r.role_name().to_string());
        let values = json!({
            "id": name,
            "arn": p.arn(),
            "name": name,
            "path": p.path(),
            "unique_id": p.instance_profile_id(),
            "role": role,
        });
        let (ctx, client) = (ctx.clone(), client.clone());
        set.spawn(async move {
            // The list leaves tags out; GetInstanceProfile has them.
            let tags = ctx
                .call(
                    "iam:GetInstanceProfile",
                    client
                        .get_instance_profile()
                        .instance_profile_name(&name)
                        .send(),
                )
                .await
                .map(|o| {
                    tag_map(
                        o.instance_profile()
                            .map(|p| p.tags())
                            .unwrap_or_default()
                            .iter()
                            .map(|t| (Some(t.key()), Some(t.value()))),
                    )
                });
            let (mut r, gap) = with_tags(&ctx, "aws_iam_instance_profile", &name, values, tags);
            // Joined explicitly: a role's name is not a unique value to join on.
            if let Some(role) = role {
                r.references.insert(
                    "role".into(),
                    vec![format!("aws_iam_role.{}", global_name(&ctx, &role))],
                );
            }
            (r, gap)
        });
    }
    while let Some(done) = set.join_next().await {
        if let Ok((r, gap)) = done {
            out.resources.push(r);
            if let Some(e) = gap {
                // Only the tag rules read tags: the unknown marks are enough.
                out.partial_global("iam", &[], &e);
            }
        }
    }
    Ok(out)
}

/// Instances name their instance profile, launch templates by name or ARN: joined
/// here (once every service is read), since a profile's name is not a unique value
/// to join on (a role, bucket or log group may have the same name).
pub(crate) fn join_profiles(resources: &mut [Resource]) {
    let mut profiles: HashMap<String, String> = HashMap::new();
    for r in resources
        .iter()
        .filter(|r| r.kind == "aws_iam_instance_profile")
    {
        for key in ["name", "arn"] {
            if let Ok(v) = r.values[key].as_string() {
                profiles.insert(v.to_string(), r.address.clone());
            }
        }
    }
    if profiles.is_empty() {
        return;
    }
    for r in resources.iter_mut() {
        let named: Vec<(String, regorus::Value)> = match r.kind.as_str() {
            "aws_instance" => vec![(
                "iam_instance_profile".to_string(),
                r.values["iam_instance_profile"].clone(),
            )],
            "aws_launch_template" => ["name", "arn"]
                .iter()
                .map(|k| {
                    (
                        format!("iam_instance_profile.0.{k}"),
                        r.values["iam_instance_profile"][0u64][*k].clone(),
                    )
                })
                .collect(),
            _ => continue,
        };
        for (path, v) in named {
            if let Some(address) = v.as_string().ok().and_then(|s| profiles.get(s.as_ref())) {
                r.references.insert(path, vec![address.clone()]);
            }
        }
    }
}

/// `<account>/<name>`: the address name of a global resource.
fn global_name(ctx: &Ctx, name: &str) -> String {
    format!("{}/{name}", ctx.account)
}

/// A resource with its tags, or with tags marked unknown when they could not be read.
fn with_tags(
    ctx: &Ctx,
    kind: &str,
    name: &str,
    mut values: Value,
    tags: Result<Value, CallError>,
) -> (Resource, Option<CallError>) {
    let (unknown, gap) = match tags {
        Ok(t) => {
            values["tags"] = t;
            (Vec::new(), None)
        }
        Err(e) => (vec!["tags".to_string(), "tags_all".to_string()], Some(e)),
    };
    let mut r = ctx.resource_at(kind, &global_name(ctx, name), None, values);
    r.unknown = unknown;
    (r, gap)
}

/// An inline policy of a role, user or group (`holder` names the attribute).
fn inline(
    ctx: &Ctx,
    kind: &str,
    holder: &str,
    owner: &str,
    p: &aws_sdk_iam::types::PolicyDetail,
) -> Resource {
    let name = p.policy_name().unwrap_or_default();
    let id = format!("{owner}:{name}");
    ctx.resource_at(
        kind,
        &global_name(ctx, &id),
        None,
        json!({
            "id": id,
            "name": name,
            holder: owner,
            "policy": p.policy_document().map(decode_document),
        }),
    )
}

#[cfg(test)]
mod tests {
    use crate::model::{Mode, ModulePath, Resource};

    fn resource(kind: &str, name: &str, values: serde_json::Value) -> Resource {
        Resource {
            address: format!("{kind}.{name}"),
            mode: Mode::Managed,
            kind: kind.to_string(),
            name: name.to_string(),
            module: ModulePath::root(),
            index: None,
            provider: "aws".to_string(),
            region: None,
            account: None,
            action: None,
            values: regorus::Value::from(values),
            unknown: Vec::new(),
            references: Default::default(),
            unresolved: Vec::new(),
            location: None,
        }
    }

    #[test]
    fn instances_and_templates_join_their_profile() {
        let mut rs = vec![
            resource(
                "aws_iam_instance_profile",
                "1/app",
                serde_json::json!({"id": "app", "name": "app", "arn": "arn:aws:iam::1:instance-profile/app"}),
            ),
            resource("aws_s3_bucket", "1/r/app", serde_json::json!({"id": "app"})),
            resource(
                "aws_instance",
                "1/r/i-1",
                serde_json::json!({"id": "i-1", "iam_instance_profile": "app"}),
            ),
            resource(
                "aws_launch_template",
                "1/r/lt-1",
                serde_json::json!({"id": "lt-1", "iam_instance_profile": [{"name": "", "arn": "arn:aws:iam::1:instance-profile/app"}]}),
            ),
        ];
        super::join_profiles(&mut rs);
        let profile = vec!["aws_iam_instance_profile.1/app".to_string()];
        assert_eq!(rs[2].references["iam_instance_profile"], profile);
        assert_eq!(rs[3].references["iam_instance_profile.0.arn"], profile);
        assert!(!rs[3].references.contains_key("iam_instance_profile.0.name"));
    }

    #[test]
    fn documents_are_url_decoded() {
        assert_eq!(
            super::decode_document(
                "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"
            ),
            r#"{"Version":"2012-10-17","Statement":[]}"#
        );
        // Already plain text stays as it is.
        assert_eq!(super::decode_document(r#"{"a": "b c"}"#), r#"{"a": "b c"}"#);
    }
}
