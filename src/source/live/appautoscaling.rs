//! Application Auto Scaling of DynamoDB tables and indexes:
//! `aws_appautoscaling_target` and `aws_appautoscaling_policy` (service namespace
//! `dynamodb` only; the other namespaces are not read).
//!
//! DescribeScalableTargets and DescribeScalingPolicies are one paginated batch each
//! per region. Targets and policies carry `resource_id` (`table/<name>`) and
//! `scalable_dimension`, which DDB-003 joins on within the region; neither has an
//! `id` (Terraform's is the `resource_id`, shared by a table's read and write
//! targets, and would join the wrong ones by value).

use serde_json::{json, Value};

use super::{CallError, Collected, Ctx};
use aws_sdk_applicationautoscaling::types::ServiceNamespace;

pub(crate) const TYPES: &[&str] = &["aws_appautoscaling_target", "aws_appautoscaling_policy"];

/// A whole number as an integer (`70`, not `70.0`), as a plan has it.
pub(crate) fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_applicationautoscaling::Client::new(&ctx.sdk);
    let (targets, policies) = tokio::join!(
        ctx.pages(
            "application-autoscaling:DescribeScalableTargets",
            client
                .describe_scalable_targets()
                .service_namespace(ServiceNamespace::Dynamodb)
                .into_paginator()
                .send()
        ),
        ctx.pages(
            "application-autoscaling:DescribeScalingPolicies",
            client
                .describe_scaling_policies()
                .service_namespace(ServiceNamespace::Dynamodb)
                .into_paginator()
                .send()
        ),
    );
    let mut out = Collected::default();
    let mut failed = None;
    match targets {
        Ok(pages) => {
            for t in pages.iter().flat_map(|p| p.scalable_targets()) {
                let dim = t.scalable_dimension().as_str();
                let ns = t.service_namespace().as_str();
                out.resources.push(ctx.resource(
                    "aws_appautoscaling_target",
                    &format!("{ns}/{}/{dim}", t.resource_id()),
                    json!({
                        "arn": t.scalable_target_arn(),
                        "service_namespace": ns,
                        "resource_id": t.resource_id(),
                        "scalable_dimension": dim,
                        "min_capacity": t.min_capacity(),
                        "max_capacity": t.max_capacity(),
                        "role_arn": t.role_arn(),
                    }),
                ));
            }
        }
        Err(e) => failed = Some(e),
    }
    match policies {
        Ok(pages) => {
            for p in pages.iter().flat_map(|p| p.scaling_policies()) {
                out.resources.push(ctx.resource(
                    "aws_appautoscaling_policy",
                    &format!(
                        "{}/{}/{}/{}",
                        p.service_namespace().as_str(),
                        p.resource_id(),
                        p.scalable_dimension().as_str(),
                        p.policy_name()
                    ),
                    policy_values(p),
                ));
            }
        }
        Err(e) => match failed.take() {
            // Nothing read at all: the collector failed.
            Some(_) => return Err(e),
            None => out.partial(
                ctx,
                "application-autoscaling",
                &["aws_appautoscaling_policy"],
                &e,
            ),
        },
    }
    if let Some(e) = failed {
        out.partial(
            ctx,
            "application-autoscaling",
            &["aws_appautoscaling_target"],
            &e,
        );
    }
    Ok(out)
}

/// A scaling policy in Terraform's shape.
pub(crate) fn policy_values(p: &aws_sdk_applicationautoscaling::types::ScalingPolicy) -> Value {
    let tracking = p.target_tracking_scaling_policy_configuration().map(|c| {
        json!([{
            "target_value": number(c.target_value()),
            "disable_scale_in": c.disable_scale_in().unwrap_or(false),
            "scale_in_cooldown": c.scale_in_cooldown(),
            "scale_out_cooldown": c.scale_out_cooldown(),
            "predefined_metric_specification": c.predefined_metric_specification().map(|m| json!([{
                "predefined_metric_type": m.predefined_metric_type().as_str(),
                "resource_label": m.resource_label(),
            }])).unwrap_or_else(|| json!([])),
        }])
    });
    let step = p.step_scaling_policy_configuration().map(|c| {
        json!([{
            "adjustment_type": c.adjustment_type().map(|a| a.as_str()),
            "cooldown": c.cooldown(),
            "metric_aggregation_type": c.metric_aggregation_type().map(|a| a.as_str()),
            "min_adjustment_magnitude": c.min_adjustment_magnitude(),
            "step_adjustment": c.step_adjustments().iter().map(|s| json!({
                "metric_interval_lower_bound": s.metric_interval_lower_bound().map(number),
                "metric_interval_upper_bound": s.metric_interval_upper_bound().map(number),
                "scaling_adjustment": s.scaling_adjustment(),
            })).collect::<Vec<_>>(),
        }])
    });
    json!({
        "arn": p.policy_arn(),
        "name": p.policy_name(),
        "policy_type": p.policy_type().as_str(),
        "service_namespace": p.service_namespace().as_str(),
        "resource_id": p.resource_id(),
        "scalable_dimension": p.scalable_dimension().as_str(),
        "target_tracking_scaling_policy_configuration": tracking.unwrap_or_else(|| json!([])),
        "step_scaling_policy_configuration": step.unwrap_or_else(|| json!([])),
    })
}
