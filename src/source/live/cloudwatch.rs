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
//! DescribeAlarms has no tags and they are not read one alarm at a time: `tags` is
//! unknown (TAG-001 gives UNKNOWN for alarms).

use serde_json::{json, Map, Value};

use super::appautoscaling::number;
use super::{CallError, Collected, Ctx};
use aws_sdk_cloudwatch::types::{AlarmType, Dimension};

pub(crate) const TYPES: &[&str] = &["aws_cloudwatch_metric_alarm"];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_cloudwatch::Client::new(&ctx.sdk);
    let pages = ctx
        .pages(
            "cloudwatch:DescribeAlarms",
            client
                .describe_alarms()
                .alarm_types(AlarmType::MetricAlarm)
                .into_paginator()
                .send(),
        )
        .await?;
    let mut out = Collected::default();
    for a in pages.iter().flat_map(|p| p.metric_alarms()) {
        let Some(name) = a.alarm_name() else {
            continue;
        };
        let mut r = ctx.resource("aws_cloudwatch_metric_alarm", name, alarm_values(a));
        r.unknown = vec!["tags".into(), "tags_all".into()];
        out.resources.push(r);
    }
    Ok(out)
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
