//! CloudWatch: `aws_cloudwatch_metric_alarm` per metric alarm of each region, with
//! its metric (or `metric_query` blocks), `dimensions` map, comparison, threshold
//! and actions.
//!
//! DescribeAlarms is one paginated batch per region (metric alarms only; composite
//! alarms watch no metric). The alarm's `dimensions.AutoScalingGroupName` joins the
//! group of that name and `alarm_actions` the scaling policies by ARN; a load
//! balancer's alarm names its `arn_suffix`, which MON-001 matches in the region.
//! An alarm has no `id` (Terraform's is the name, which another resource of the
//! region, such as a group, may also have: value joins would be ambiguous).
//! DescribeAlarms has no tags: they come from one batch of the tagging API per
//! region ([`super::tagging`]), read alongside, not one call per alarm.
//!
//! The alarms of target tracking scaling policies are left out: (Application) Auto
//! Scaling creates, replaces and deletes them ("DO NOT EDIT OR DELETE"), no
//! configuration declares them (a plan has none), and they cannot keep tags of
//! their own, as AWS managed KMS keys are left out of the keys.

use serde_json::{json, Map, Value};

use super::appautoscaling::number;
use super::{tagging, CallError, Collected, Ctx};
use aws_sdk_cloudwatch::types::{AlarmType, Dimension};

pub(crate) const TYPES: &[&str] = &["aws_cloudwatch_metric_alarm"];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_cloudwatch::Client::new(&ctx.sdk);
    let (pages, tags) = tokio::join!(
        ctx.pages(
            "cloudwatch:DescribeAlarms",
            client
                .describe_alarms()
                .alarm_types(AlarmType::MetricAlarm)
                .into_paginator()
                .send(),
        ),
        tagging::by_arn(ctx, "cloudwatch:alarm"),
    );
    let mut out = Collected::default();
    for a in pages?.iter().flat_map(|p| p.metric_alarms()) {
        let Some(name) = a.alarm_name() else {
            continue;
        };
        if is_target_tracking(a) {
            continue;
        }
        let mut values = alarm_values(a);
        if let Some(t) = tagging::of(&tags, a.alarm_arn().unwrap_or_default()) {
            values["tags"] = t;
        }
        let r = ctx.resource("aws_cloudwatch_metric_alarm", name, values);
        out.push_tagged(ctx, "cloudwatch", r, &tags);
    }
    Ok(out)
}

/// An alarm that a target tracking scaling policy created and manages (AWS's own
/// description of it).
fn is_target_tracking(a: &aws_sdk_cloudwatch::types::MetricAlarm) -> bool {
    a.alarm_description()
        .is_some_and(|d| d.starts_with("DO NOT EDIT OR DELETE. For TargetTrackingScaling policy"))
}

/// Dimensions as Terraform's `dimensions` map.
fn dimensions(d: &[Dimension]) -> Value {
    Value::Object(
        d.iter()
            .filter_map(|d| Some((d.name()?.to_string(), json!(d.value()?))))
            .collect::<Map<String, Value>>(),
    )
}

/// An alarm in Terraform's shape.
pub(crate) fn alarm_values(a: &aws_sdk_cloudwatch::types::MetricAlarm) -> Value {
    let queries: Vec<Value> = a
        .metrics()
        .iter()
        .map(|q| {
            json!({
                "id": q.id(),
                "expression": q.expression(),
                "label": q.label(),
                "return_data": q.return_data(),
                "period": q.period(),
                "metric": q.metric_stat().map(|s| json!([{
                    "metric_name": s.metric().and_then(|m| m.metric_name()),
                    "namespace": s.metric().and_then(|m| m.namespace()),
                    "dimensions": dimensions(s.metric().map(|m| m.dimensions()).unwrap_or_default()),
                    "period": s.period(),
                    "stat": s.stat(),
                    "unit": s.unit().map(|u| u.as_str()),
                }])).unwrap_or_else(|| json!([])),
            })
        })
        .collect();
    json!({
        "arn": a.alarm_arn(),
        "alarm_name": a.alarm_name(),
        "alarm_description": a.alarm_description(),
        "namespace": a.namespace(),
        "metric_name": a.metric_name(),
        "statistic": a.statistic().map(|s| s.as_str()),
        "extended_statistic": a.extended_statistic(),
        "dimensions": dimensions(a.dimensions()),
        "period": a.period(),
        "unit": a.unit().map(|u| u.as_str()),
        "evaluation_periods": a.evaluation_periods(),
        "datapoints_to_alarm": a.datapoints_to_alarm(),
        "threshold": a.threshold().map(number),
        "comparison_operator": a.comparison_operator().map(|c| c.as_str()),
        "treat_missing_data": a.treat_missing_data(),
        "actions_enabled": a.actions_enabled(),
        "alarm_actions": a.alarm_actions(),
        "ok_actions": a.ok_actions(),
        "insufficient_data_actions": a.insufficient_data_actions(),
        "metric_query": queries,
    })
}

#[cfg(test)]
mod tests {
    use aws_sdk_cloudwatch::types::MetricAlarm;

    #[test]
    fn target_tracking_alarms_are_auto_scalings() {
        let managed = MetricAlarm::builder()
            .alarm_name("TargetTracking-table/orders-AlarmHigh-1")
            .alarm_description(
                "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy arn:aws:autoscaling:...",
            )
            .build();
        assert!(super::is_target_tracking(&managed));
        let own = MetricAlarm::builder()
            .alarm_name("TargetTracking-mine")
            .alarm_description("CPU above 80%")
            .build();
        assert!(!super::is_target_tracking(&own));
        assert!(!super::is_target_tracking(
            &MetricAlarm::builder().alarm_name("x").build()
        ));
    }
}
