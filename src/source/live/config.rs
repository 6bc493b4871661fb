//! AWS Config: `aws_config_configuration_recorder` and its
//! `aws_config_configuration_recorder_status` in each region.
//!
//! Recorders are named per region (usually `default`), so they get no `id`: the
//! status refers to its recorder explicitly rather than through a value join.

use serde_json::json;

use super::{CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &[
    "aws_config_configuration_recorder",
    "aws_config_configuration_recorder_status",
];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_config::Client::new(&ctx.sdk);
    let (recorders, statuses) = tokio::join!(
        ctx.call(
            "config:DescribeConfigurationRecorders",
            client.describe_configuration_recorders().send()
        ),
        ctx.call(
            "config:DescribeConfigurationRecorderStatus",
            client.describe_configuration_recorder_status().send()
        ),
    );
    let recorders = recorders?;
    let mut out = Collected::default();
    let statuses = match statuses {
        Ok(s) => Some(s),
        Err(e) => {
            out.partial(
                ctx,
                "config",
                &["aws_config_configuration_recorder_status"],
                &e,
            );
            None
        }
    };
    for r in recorders.configuration_recorders() {
        let name = r.name().unwrap_or("default");
        let group = r.recording_group();
        let recorder = ctx.resource(
            "aws_config_configuration_recorder",
            name,
            json!({
                "name": name,
                "arn": r.arn(),
                "role_arn": r.role_arn(),
                "recording_group": [{
                    "all_supported": group.is_some_and(|g| g.all_supported()),
                    "include_global_resource_types": group.is_some_and(|g| g.include_global_resource_types()),
                    "resource_types": group.map(|g| g.resource_types().iter().map(|t| t.as_str()).collect::<Vec<_>>()).unwrap_or_default(),
                }],
            }),
        );
        let mut status = ctx.resource(
            "aws_config_configuration_recorder_status",
            name,
            json!({"name": name}),
        );
        match &statuses {
            Some(s) => {
                let recording = s
                    .configuration_recorders_status()
                    .iter()
                    .find(|s| s.name() == Some(name))
                    .map(|s| s.recording());
                status.values = regorus::Value::from(json!({
                    "name": name,
                    "is_enabled": recording.unwrap_or(false),
                }));
            }
            None => status.unknown = vec!["is_enabled".into()],
        }
        status
            .references
            .insert("name".into(), vec![recorder.address.clone()]);
        out.resources.push(recorder);
        out.resources.push(status);
    }
    Ok(out)
}
