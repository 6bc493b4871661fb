//! EC2 Auto Scaling: `aws_autoscaling_group` (zones, subnets, load balancer
//! attachments, health check type, launch template, `tag` blocks),
//! `aws_autoscaling_policy` and `aws_launch_configuration` (security groups).
//!
//! DescribeAutoScalingGroups, DescribePolicies and DescribeLaunchConfigurations are
//! one paginated batch each per region. A group's `id` is its name (Terraform's): a policy's
//! `autoscaling_group_name` and an alarm's `dimensions.AutoScalingGroupName` join
//! it by value, within the region. Attachments made with
//! `aws_autoscaling_attachment` / `_traffic_source_attachment` are the group's
//! `target_group_arns`, `load_balancers` and `traffic_source` here, and
//! `aws_autoscaling_group_tag` tags are among its `tag` blocks.

use serde_json::{json, Value};

use super::appautoscaling::number;
use super::{CallError, Collected, Ctx};

pub(crate) const TYPES: &[&str] = &[
    "aws_autoscaling_group",
    "aws_autoscaling_policy",
    "aws_launch_configuration",
];

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let client = aws_sdk_autoscaling::Client::new(&ctx.sdk);
    let (groups, policies, configurations) = tokio::join!(
        ctx.pages(
            "autoscaling:DescribeAutoScalingGroups",
            client
                .describe_auto_scaling_groups()
                .into_paginator()
                .send()
        ),
        ctx.pages(
            "autoscaling:DescribePolicies",
            client.describe_policies().into_paginator().send()
        ),
        ctx.pages(
            "autoscaling:DescribeLaunchConfigurations",
            client
                .describe_launch_configurations()
                .into_paginator()
                .send()
        ),
    );
    let groups = groups?;
    let mut out = Collected::default();
    for g in groups.iter().flat_map(|p| p.auto_scaling_groups()) {
        let Some(name) = g.auto_scaling_group_name() else {
            continue;
        };
        out.resources
            .push(ctx.resource("aws_autoscaling_group", name, group_values(g)));
    }
    match policies {
        Ok(pages) => {
            for p in pages.iter().flat_map(|p| p.scaling_policies()) {
                let (Some(group), Some(name)) = (p.auto_scaling_group_name(), p.policy_name())
                else {
                    continue;
                };
                out.resources.push(ctx.resource(
                    "aws_autoscaling_policy",
                    &format!("{group}/{name}"),
                    policy_values(p),
                ));
            }
        }
        Err(e) => out.partial(ctx, "autoscaling", &["aws_autoscaling_policy"], &e),
    }
    match configurations {
        Ok(pages) => {
            for c in pages.iter().flat_map(|p| p.launch_configurations()) {
                let Some(name) = c.launch_configuration_name() else {
                    continue;
                };
                out.resources.push(ctx.resource(
                    "aws_launch_configuration",
                    name,
                    configuration_values(c),
                ));
            }
        }
        Err(e) => out.partial(ctx, "autoscaling", &["aws_launch_configuration"], &e),
    }
    Ok(out)
}

/// A launch configuration in Terraform's shape. It has its `arn` and no `id`
/// (Terraform's is the name, which a group often shares).
pub(crate) fn configuration_values(c: &aws_sdk_autoscaling::types::LaunchConfiguration) -> Value {
    json!({
        "arn": c.launch_configuration_arn(),
        "name": c.launch_configuration_name(),
        "image_id": c.image_id(),
        "instance_type": c.instance_type(),
        "key_name": c.key_name(),
        "iam_instance_profile": c.iam_instance_profile(),
        "security_groups": c.security_groups(),
        "associate_public_ip_address": c.associate_public_ip_address(),
        "ebs_optimized": c.ebs_optimized(),
        "metadata_options": c.metadata_options().map(|m| vec![json!({
            "http_tokens": m.http_tokens().map(|t| t.as_str()),
            "http_endpoint": m.http_endpoint().map(|t| t.as_str()),
            "http_put_response_hop_limit": m.http_put_response_hop_limit(),
        })]).unwrap_or_default(),
        "ebs_block_device": c.block_device_mappings().iter().filter_map(|b| {
            let e = b.ebs()?;
            Some(json!({
                "device_name": b.device_name(),
                "encrypted": e.encrypted(),
                "volume_size": e.volume_size(),
                "volume_type": e.volume_type(),
                "snapshot_id": e.snapshot_id(),
            }))
        }).collect::<Vec<_>>(),
    })
}

fn launch_template(s: &aws_sdk_autoscaling::types::LaunchTemplateSpecification) -> Value {
    json!([{
        "id": s.launch_template_id(),
        "name": s.launch_template_name(),
        "version": s.version(),
    }])
}

/// A group in Terraform's shape.
pub(crate) fn group_values(g: &aws_sdk_autoscaling::types::AutoScalingGroup) -> Value {
    let subnets: Vec<&str> = g
        .vpc_zone_identifier()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let mixed = g.mixed_instances_policy().map(|m| {
        json!([{
            "launch_template": m.launch_template().map(|t| json!([{
                "launch_template_specification": t.launch_template_specification().map(launch_template).unwrap_or_else(|| json!([])),
            }])).unwrap_or_else(|| json!([])),
        }])
    });
    json!({
        "id": g.auto_scaling_group_name(),
        "arn": g.auto_scaling_group_arn(),
        "name": g.auto_scaling_group_name(),
        "min_size": g.min_size(),
        "max_size": g.max_size(),
        "desired_capacity": g.desired_capacity(),
        "default_cooldown": g.default_cooldown(),
        "health_check_type": g.health_check_type(),
        "health_check_grace_period": g.health_check_grace_period(),
        "availability_zones": g.availability_zones(),
        "vpc_zone_identifier": subnets,
        "target_group_arns": g.target_group_arns(),
        "load_balancers": g.load_balancer_names(),
        "traffic_source": g.traffic_sources().iter().map(|t| json!({
            "identifier": t.identifier(),
            "type": t.r#type(),
        })).collect::<Vec<_>>(),
        "launch_configuration": g.launch_configuration_name(),
        "launch_template": g.launch_template().map(launch_template).unwrap_or_else(|| json!([])),
        "mixed_instances_policy": mixed.unwrap_or_else(|| json!([])),
        "service_linked_role_arn": g.service_linked_role_arn(),
        "tag": g.tags().iter().map(|t| json!({
            "key": t.key(),
            "value": t.value(),
            "propagate_at_launch": t.propagate_at_launch(),
        })).collect::<Vec<_>>(),
    })
}

/// A scaling policy in Terraform's shape.
pub(crate) fn policy_values(p: &aws_sdk_autoscaling::types::ScalingPolicy) -> Value {
    let tracking = p.target_tracking_configuration().map(|c| {
        json!([{
            "target_value": c.target_value().map(number),
            "disable_scale_in": c.disable_scale_in().unwrap_or(false),
            "predefined_metric_specification": c.predefined_metric_specification().map(|m| json!([{
                "predefined_metric_type": m.predefined_metric_type().map(|t| t.as_str()),
                "resource_label": m.resource_label(),
            }])).unwrap_or_else(|| json!([])),
            "customized_metric_specification": c.customized_metric_specification().map(|m| json!([{
                "metric_name": m.metric_name(),
                "namespace": m.namespace(),
                "statistic": m.statistic().map(|s| s.as_str()),
            }])).unwrap_or_else(|| json!([])),
        }])
    });
    json!({
        "arn": p.policy_arn(),
        "name": p.policy_name(),
        "autoscaling_group_name": p.auto_scaling_group_name(),
        "policy_type": p.policy_type(),
        "adjustment_type": p.adjustment_type(),
        "scaling_adjustment": p.scaling_adjustment(),
        "min_adjustment_magnitude": p.min_adjustment_magnitude(),
        "cooldown": p.cooldown(),
        "metric_aggregation_type": p.metric_aggregation_type(),
        "estimated_instance_warmup": p.estimated_instance_warmup(),
        "enabled": p.enabled(),
        "step_adjustment": p.step_adjustments().iter().map(|s| json!({
            "metric_interval_lower_bound": s.metric_interval_lower_bound().map(number),
            "metric_interval_upper_bound": s.metric_interval_upper_bound().map(number),
            "scaling_adjustment": s.scaling_adjustment(),
        })).collect::<Vec<_>>(),
        "target_tracking_configuration": tracking.unwrap_or_else(|| json!([])),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_autoscaling::types as t;

    #[test]
    fn a_group_in_terraform_shape() {
        let g = t::AutoScalingGroup::builder()
            .auto_scaling_group_name("app")
            .vpc_zone_identifier("subnet-a, subnet-b")
            .target_group_arns("arn:tg")
            .health_check_type("ELB")
            .tags(
                t::TagDescription::builder()
                    .key("Owner")
                    .value("platform")
                    .propagate_at_launch(true)
                    .build(),
            )
            .build();
        let v = group_values(&g);
        assert_eq!(v["id"], "app");
        assert_eq!(v["vpc_zone_identifier"], json!(["subnet-a", "subnet-b"]));
        assert_eq!(v["target_group_arns"], json!(["arn:tg"]));
        assert_eq!(
            v["tag"],
            json!([{"key": "Owner", "value": "platform", "propagate_at_launch": true}])
        );
        assert_eq!(v["launch_template"], json!([]));
    }

    #[test]
    fn whole_numbers_are_integers() {
        assert_eq!(number(70.0), json!(70));
        assert_eq!(number(0.5), json!(0.5));
    }
}
