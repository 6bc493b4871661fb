//! EC2 and VPC: VPCs (+ secondary CIDR associations), subnets, route tables (+
//! subnet associations; the main one is the VPC's `main_route_table_id`), internet
//! and NAT gateways, security groups (the default one as
//! `aws_default_security_group`) and their rules (`aws_vpc_security_group_*_rule`),
//! flow logs, EBS encryption by default, instances, volumes and launch templates
//! (their default version); in the section at the end, the long tail that only the
//! tag, region and peering rules read.
//!
//! Each describe call is one paginated batch for the whole region. A call that
//! fails leaves its resource types out and records a coverage gap for them; only
//! when every call fails is the service in the region a gap as a whole.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::{tag_map, CallError, Collected, Ctx};
use aws_sdk_ec2::types::Tag;

pub(crate) const TYPES: &[&str] = &[
    "aws_vpc",
    "aws_vpc_ipv4_cidr_block_association",
    "aws_subnet",
    "aws_route_table",
    "aws_route_table_association",
    "aws_internet_gateway",
    "aws_nat_gateway",
    "aws_security_group",
    "aws_default_security_group",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_flow_log",
    "aws_ebs_encryption_by_default",
    "aws_instance",
    "aws_ebs_volume",
    "aws_launch_template",
    // The long tail (the section at the end of this file; default network ACLs
    // are aws_default_network_acl, as Terraform adopts them).
    "aws_eip",
    "aws_network_acl",
    "aws_default_network_acl",
    "aws_vpc_endpoint",
    "aws_vpc_peering_connection",
    "aws_ec2_transit_gateway",
    "aws_ec2_transit_gateway_vpc_attachment",
    "aws_ec2_transit_gateway_peering_attachment",
    "aws_ebs_snapshot",
];

/// The describe calls of one region (all of them failing is a gap for the service).
const CALLS: usize = 13;

fn tags(t: &[Tag]) -> Value {
    tag_map(t.iter().map(|t| (t.key(), t.value())))
}

pub(crate) async fn collect(ctx: &Ctx) -> Result<Collected, CallError> {
    let c = aws_sdk_ec2::Client::new(&ctx.sdk);
    let (
        vpcs,
        subnets,
        tables,
        igws,
        nats,
        sgs,
        rules,
        flow_logs,
        ebs_default,
        instances,
        volumes,
        templates,
        versions,
        tail,
    ) = tokio::join!(
        ctx.pages(
            "ec2:DescribeVpcs",
            c.describe_vpcs().into_paginator().send()
        ),
        ctx.pages(
            "ec2:DescribeSubnets",
            c.describe_subnets().into_paginator().send()
        ),
        ctx.pages(
            "ec2:DescribeRouteTables",
            c.describe_route_tables().into_paginator().send()
        ),
        ctx.pages(
            "ec2:DescribeInternetGateways",
            c.describe_internet_gateways().into_paginator().send()
        ),
        ctx.pages(
            "ec2:DescribeNatGateways",
            c.describe_nat_gateways().into_paginator().send()
        ),
        ctx.pages(
            "ec2:DescribeSecurityGroups",
            c.describe_security_groups().into_paginator().send()
        ),
        ctx.pages(
            "ec2:DescribeSecurityGroupRules",
            c.describe_security_group_rules().into_paginator().send()
        ),
        ctx.pages(
            "ec2:DescribeFlowLogs",
            c.describe_flow_logs().into_paginator().send()
        ),
        ctx.call(
            "ec2:GetEbsEncryptionByDefault",
            c.get_ebs_encryption_by_default().send()
        ),
        ctx.pages(
            "ec2:DescribeInstances",
            c.describe_instances().into_paginator().send()
        ),
        ctx.pages(
            "ec2:DescribeVolumes",
            c.describe_volumes().into_paginator().send()
        ),
        ctx.pages(
            "ec2:DescribeLaunchTemplates",
            c.describe_launch_templates().into_paginator().send()
        ),
        ctx.pages(
            "ec2:DescribeLaunchTemplateVersions",
            c.describe_launch_template_versions()
                .versions("$Default")
                .into_paginator()
                .send()
        ),
        long_tail(ctx, &c),
    );
    let mut out = Collected::default();
    let mut errors: Vec<CallError> = Vec::new();
    let mut failed = |out: &mut Collected, e: CallError, types: &[&str]| {
        out.partial(ctx, "ec2", types, &e);
        errors.push(e);
    };

    match subnets {
        Ok(pages) => {
            for s in pages.iter().flat_map(|p| p.subnets()) {
                let id = s.subnet_id().unwrap_or_default();
                out.resources.push(ctx.resource(
                    "aws_subnet",
                    id,
                    json!({
                        "id": id,
                        "arn": s.subnet_arn(),
                        "vpc_id": s.vpc_id(),
                        "cidr_block": s.cidr_block(),
                        "availability_zone": s.availability_zone(),
                        "availability_zone_id": s.availability_zone_id(),
                        "map_public_ip_on_launch": s.map_public_ip_on_launch().unwrap_or(false),
                        "owner_id": s.owner_id(),
                        "tags": tags(s.tags()),
                    }),
                ));
            }
        }
        Err(e) => failed(&mut out, e, &["aws_subnet", "aws_default_subnet"]),
    }

    // Main route tables, to set on their VPCs.
    let mut main_tables: HashMap<String, String> = HashMap::new();
    match tables {
        Ok(pages) => {
            for t in pages.iter().flat_map(|p| p.route_tables()) {
                let id = t.route_table_id().unwrap_or_default();
                let routes: Vec<Value> = t
                    .routes()
                    .iter()
                    .filter(|r| r.gateway_id() != Some("local"))
                    .map(|r| {
                        json!({
                            "cidr_block": r.destination_cidr_block().unwrap_or(""),
                            "ipv6_cidr_block": r.destination_ipv6_cidr_block().unwrap_or(""),
                            "destination_prefix_list_id": r.destination_prefix_list_id().unwrap_or(""),
                            "gateway_id": r.gateway_id().unwrap_or(""),
                            "nat_gateway_id": r.nat_gateway_id().unwrap_or(""),
                            "transit_gateway_id": r.transit_gateway_id().unwrap_or(""),
                            "vpc_peering_connection_id": r.vpc_peering_connection_id().unwrap_or(""),
                            "network_interface_id": r.network_interface_id().unwrap_or(""),
                            "egress_only_gateway_id": r.egress_only_internet_gateway_id().unwrap_or(""),
                            "local_gateway_id": r.local_gateway_id().unwrap_or(""),
                            "carrier_gateway_id": r.carrier_gateway_id().unwrap_or(""),
                            "core_network_arn": r.core_network_arn().unwrap_or(""),
                        })
                    })
                    .collect();
                out.resources.push(ctx.resource(
                    "aws_route_table",
                    id,
                    json!({
                        "id": id,
                        "arn": ctx.arn("ec2", &format!("route-table/{id}")),
                        "vpc_id": t.vpc_id(),
                        "route": routes,
                        "owner_id": t.owner_id(),
                        "tags": tags(t.tags()),
                    }),
                ));
                for a in t.associations() {
                    if a.main() == Some(true) {
                        if let Some(vpc) = t.vpc_id() {
                            main_tables.insert(vpc.to_string(), id.to_string());
                        }
                        continue;
                    }
                    let aid = a.route_table_association_id().unwrap_or_default();
                    out.resources.push(ctx.resource(
                        "aws_route_table_association",
                        aid,
                        json!({
                            "id": aid,
                            "route_table_id": id,
                            "subnet_id": a.subnet_id(),
                            "gateway_id": a.gateway_id(),
                        }),
                    ));
                }
            }
        }
        Err(e) => failed(
            &mut out,
            e,
            &[
                "aws_route_table",
                "aws_default_route_table",
                "aws_route",
                "aws_route_table_association",
                "aws_main_route_table_association",
            ],
        ),
    }

    match igws {
        Ok(pages) => {
            for g in pages.iter().flat_map(|p| p.internet_gateways()) {
                let id = g.internet_gateway_id().unwrap_or_default();
                out.resources.push(ctx.resource(
                    "aws_internet_gateway",
                    id,
                    json!({
                        "id": id,
                        "arn": ctx.arn("ec2", &format!("internet-gateway/{id}")),
                        "vpc_id": g.attachments().first().and_then(|a| a.vpc_id()),
                        "owner_id": g.owner_id(),
                        "tags": tags(g.tags()),
                    }),
                ));
            }
        }
        Err(e) => failed(&mut out, e, &["aws_internet_gateway"]),
    }

    match nats {
        Ok(pages) => {
            for n in pages.iter().flat_map(|p| p.nat_gateways()) {
                let state = n.state().map(|s| s.as_str()).unwrap_or("available");
                if matches!(state, "deleted" | "deleting" | "failed") {
                    continue;
                }
                let id = n.nat_gateway_id().unwrap_or_default();
                let addr = n.nat_gateway_addresses().first();
                out.resources.push(ctx.resource(
                    "aws_nat_gateway",
                    id,
                    json!({
                        "id": id,
                        "subnet_id": n.subnet_id(),
                        "vpc_id": n.vpc_id(),
                        "connectivity_type": n.connectivity_type().map(|t| t.as_str()),
                        "allocation_id": addr.and_then(|a| a.allocation_id()),
                        "public_ip": addr.and_then(|a| a.public_ip()),
                        "private_ip": addr.and_then(|a| a.private_ip()),
                        "tags": tags(n.tags()),
                    }),
                ));
            }
        }
        Err(e) => failed(&mut out, e, &["aws_nat_gateway"]),
    }

    let mut default_sg_by_vpc: HashMap<String, String> = HashMap::new();
    match sgs {
        Ok(pages) => {
            for g in pages.iter().flat_map(|p| p.security_groups()) {
                let id = g.group_id().unwrap_or_default();
                let arn = ctx.arn("ec2", &format!("security-group/{id}"));
                if g.group_name() == Some("default") {
                    if let Some(vpc) = g.vpc_id() {
                        default_sg_by_vpc.insert(vpc.to_string(), id.to_string());
                    }
                    out.resources.push(ctx.resource(
                        "aws_default_security_group",
                        id,
                        json!({
                            "id": id,
                            "arn": arn,
                            "name": g.group_name(),
                            "description": g.description(),
                            "vpc_id": g.vpc_id(),
                            "owner_id": g.owner_id(),
                            "ingress": g.ip_permissions().iter().map(permission).collect::<Vec<_>>(),
                            "egress": g.ip_permissions_egress().iter().map(permission).collect::<Vec<_>>(),
                            "tags": tags(g.tags()),
                        }),
                    ));
                } else {
                    out.resources.push(ctx.resource(
                        "aws_security_group",
                        id,
                        json!({
                            "id": id,
                            "arn": arn,
                            "name": g.group_name(),
                            "description": g.description(),
                            "vpc_id": g.vpc_id(),
                            "owner_id": g.owner_id(),
                            "tags": tags(g.tags()),
                        }),
                    ));
                }
            }
        }
        Err(e) => failed(
            &mut out,
            e,
            &["aws_security_group", "aws_default_security_group"],
        ),
    }

    match vpcs {
        Ok(pages) => {
            for v in pages.iter().flat_map(|p| p.vpcs()) {
                let id = v.vpc_id().unwrap_or_default();
                out.resources.push(ctx.resource(
                    "aws_vpc",
                    id,
                    json!({
                        "id": id,
                        "arn": ctx.arn("ec2", &format!("vpc/{id}")),
                        "cidr_block": v.cidr_block(),
                        "default": v.is_default().unwrap_or(false),
                        "instance_tenancy": v.instance_tenancy().map(|t| t.as_str()),
                        "owner_id": v.owner_id(),
                        "main_route_table_id": main_tables.get(id),
                        "default_security_group_id": default_sg_by_vpc.get(id),
                        "tags": tags(v.tags()),
                    }),
                ));
                for a in v.cidr_block_association_set() {
                    let associated = a
                        .cidr_block_state()
                        .and_then(|s| s.state())
                        .is_none_or(|s| s.as_str() == "associated");
                    if a.cidr_block() == v.cidr_block() || !associated {
                        continue;
                    }
                    let aid = a.association_id().unwrap_or_default();
                    out.resources.push(ctx.resource(
                        "aws_vpc_ipv4_cidr_block_association",
                        aid,
                        json!({"id": aid, "vpc_id": id, "cidr_block": a.cidr_block()}),
                    ));
                }
            }
        }
        Err(e) => failed(
            &mut out,
            e,
            &[
                "aws_vpc",
                "aws_default_vpc",
                "aws_vpc_ipv4_cidr_block_association",
            ],
        ),
    }

    match rules {
        Ok(pages) => {
            for r in pages.iter().flat_map(|p| p.security_group_rules()) {
                let id = r.security_group_rule_id().unwrap_or_default();
                let kind = if r.is_egress() == Some(true) {
                    "aws_vpc_security_group_egress_rule"
                } else {
                    "aws_vpc_security_group_ingress_rule"
                };
                let protocol = r.ip_protocol().unwrap_or("-1");
                let ports = protocol != "-1";
                out.resources.push(ctx.resource(
                    kind,
                    id,
                    json!({
                        "id": id,
                        "arn": r.security_group_rule_arn().map(str::to_string)
                            .unwrap_or_else(|| ctx.arn("ec2", &format!("security-group-rule/{id}"))),
                        "security_group_rule_id": id,
                        "security_group_id": r.group_id(),
                        "ip_protocol": protocol,
                        "from_port": if ports { r.from_port() } else { None },
                        "to_port": if ports { r.to_port() } else { None },
                        "cidr_ipv4": r.cidr_ipv4(),
                        "cidr_ipv6": r.cidr_ipv6(),
                        "prefix_list_id": r.prefix_list_id(),
                        "referenced_security_group_id": r.referenced_group_info().and_then(|g| g.group_id()),
                        "description": r.description(),
                        "tags": tags(r.tags()),
                    }),
                ));
            }
        }
        Err(e) => failed(
            &mut out,
            e,
            &[
                "aws_security_group_rule",
                "aws_vpc_security_group_ingress_rule",
                "aws_vpc_security_group_egress_rule",
            ],
        ),
    }

    match flow_logs {
        Ok(pages) => {
            for f in pages.iter().flat_map(|p| p.flow_logs()) {
                let id = f.flow_log_id().unwrap_or_default();
                let target = f.resource_id().unwrap_or_default();
                let target_attr = match target.split('-').next() {
                    Some("vpc") => "vpc_id",
                    Some("subnet") => "subnet_id",
                    Some("eni") => "eni_id",
                    Some("tgw") => "transit_gateway_id",
                    _ => "resource_id",
                };
                let mut values = json!({
                    "id": id,
                    "arn": ctx.arn("ec2", &format!("vpc-flow-log/{id}")),
                    "traffic_type": f.traffic_type().map(|t| t.as_str()),
                    "log_destination_type": f.log_destination_type().map(|t| t.as_str()).unwrap_or("cloud-watch-logs"),
                    // A log group as its ARN without `:*`, as the log group has it.
                    "log_destination": match (f.log_destination_type().map(|t| t.as_str()), f.log_group_name()) {
                        (None | Some("cloud-watch-logs"), Some(group)) => Some(super::logs::group_arn(ctx, group)),
                        _ => f.log_destination().map(str::to_string),
                    },
                    "log_group_name": f.log_group_name(),
                    "iam_role_arn": f.deliver_logs_permission_arn(),
                    "max_aggregation_interval": f.max_aggregation_interval(),
                    "log_format": f.log_format(),
                    "tags": tags(f.tags()),
                });
                values[target_attr] = json!(target);
                out.resources.push(ctx.resource("aws_flow_log", id, values));
            }
        }
        Err(e) => failed(&mut out, e, &["aws_flow_log"]),
    }

    match ebs_default {
        Ok(o) => out.resources.push(ctx.resource(
            "aws_ebs_encryption_by_default",
            "default",
            json!({"enabled": o.ebs_encryption_by_default().unwrap_or(false)}),
        )),
        Err(e) => failed(&mut out, e, &["aws_ebs_encryption_by_default"]),
    }

    // Volumes by ID, for the encryption of instances' block devices.
    let mut volume_encrypted: Option<HashMap<String, bool>> = None;
    match volumes {
        Ok(pages) => {
            let mut m = HashMap::new();
            for v in pages.iter().flat_map(|p| p.volumes()) {
                let id = v.volume_id().unwrap_or_default();
                m.insert(id.to_string(), v.encrypted().unwrap_or(false));
                out.resources.push(ctx.resource(
                    "aws_ebs_volume",
                    id,
                    json!({
                        "id": id,
                        "arn": ctx.arn("ec2", &format!("volume/{id}")),
                        "availability_zone": v.availability_zone(),
                        "encrypted": v.encrypted().unwrap_or(false),
                        "kms_key_id": v.kms_key_id(),
                        "size": v.size(),
                        "type": v.volume_type().map(|t| t.as_str()),
                        "tags": tags(v.tags()),
                    }),
                ));
            }
            volume_encrypted = Some(m);
        }
        Err(e) => failed(&mut out, e, &["aws_ebs_volume"]),
    }

    match instances {
        Ok(pages) => {
            let all = pages
                .iter()
                .flat_map(|p| p.reservations())
                .flat_map(|r| r.instances());
            for i in all {
                let state = i.state().and_then(|s| s.name()).map(|n| n.as_str());
                if matches!(state, Some("terminated" | "shutting-down")) {
                    continue;
                }
                let id = i.instance_id().unwrap_or_default();
                let root = i.root_device_name();
                let device = |b: &aws_sdk_ec2::types::InstanceBlockDeviceMapping| {
                    let vol = b.ebs().and_then(|e| e.volume_id());
                    json!({
                        "device_name": b.device_name(),
                        "volume_id": vol,
                        "delete_on_termination": b.ebs().and_then(|e| e.delete_on_termination()),
                        "encrypted": vol.and_then(|v| volume_encrypted.as_ref()?.get(v).copied()),
                    })
                };
                let (roots, others): (Vec<_>, Vec<_>) = i
                    .block_device_mappings()
                    .iter()
                    .partition(|b| b.device_name().is_some() && b.device_name() == root);
                let mut r = ctx.resource(
                    "aws_instance",
                    id,
                    json!({
                        "id": id,
                        "arn": ctx.arn("ec2", &format!("instance/{id}")),
                        "ami": i.image_id(),
                        "instance_type": i.instance_type().map(|t| t.as_str()),
                        "availability_zone": i.placement().and_then(|p| p.availability_zone()),
                        "subnet_id": i.subnet_id(),
                        "vpc_security_group_ids": i.security_groups().iter().filter_map(|g| g.group_id()).collect::<Vec<_>>(),
                        "associate_public_ip_address": i.public_ip_address().is_some(),
                        "public_ip": i.public_ip_address().unwrap_or(""),
                        "private_ip": i.private_ip_address(),
                        "iam_instance_profile": i.iam_instance_profile()
                            .and_then(|p| p.arn())
                            .map(|arn| arn.rsplit('/').next().unwrap_or(arn))
                            .unwrap_or(""),
                        "key_name": i.key_name().unwrap_or(""),
                        "metadata_options": i.metadata_options().map(|m| vec![json!({
                            "http_tokens": m.http_tokens().map(|t| t.as_str()),
                            "http_endpoint": m.http_endpoint().map(|t| t.as_str()),
                            "http_put_response_hop_limit": m.http_put_response_hop_limit(),
                            "instance_metadata_tags": m.instance_metadata_tags().map(|t| t.as_str()),
                        })]).unwrap_or_default(),
                        "root_block_device": roots.into_iter().map(device).collect::<Vec<_>>(),
                        "ebs_block_device": others.into_iter().map(device).collect::<Vec<_>>(),
                        "tags": tags(i.tags()),
                    }),
                );
                if volume_encrypted.is_none() {
                    r.unknown = vec!["ebs_block_device".into(), "root_block_device".into()];
                }
                out.resources.push(r);
            }
        }
        Err(e) => failed(&mut out, e, &["aws_instance"]),
    }

    // Launch templates: their tags, and the default version's data.
    let template_tags: Option<HashMap<String, Value>> = match templates {
        Ok(pages) => Some(
            pages
                .iter()
                .flat_map(|p| p.launch_templates())
                .filter_map(|t| Some((t.launch_template_id()?.to_string(), tags(t.tags()))))
                .collect(),
        ),
        Err(e) => {
            failed(&mut out, e, &["aws_launch_template"]);
            None
        }
    };
    match versions {
        Ok(pages) => {
            for v in pages.iter().flat_map(|p| p.launch_template_versions()) {
                let id = v.launch_template_id().unwrap_or_default();
                let d = v.launch_template_data();
                let nics: Vec<Value> = d
                    .map(|d| d.network_interfaces())
                    .unwrap_or_default()
                    .iter()
                    .map(|n| {
                        json!({
                            "associate_public_ip_address": n.associate_public_ip_address().map(|b| b.to_string()),
                            "subnet_id": n.subnet_id(),
                            "security_groups": n.groups(),
                            "device_index": n.device_index(),
                        })
                    })
                    .collect();
                let devices: Vec<Value> = d
                    .map(|d| d.block_device_mappings())
                    .unwrap_or_default()
                    .iter()
                    .map(|b| {
                        json!({
                            "device_name": b.device_name(),
                            "ebs": b.ebs().map(|e| vec![json!({
                                "encrypted": e.encrypted().map(|b| b.to_string()).unwrap_or_default(),
                                "kms_key_id": e.kms_key_id(),
                                "volume_size": e.volume_size(),
                                "volume_type": e.volume_type().map(|t| t.as_str()),
                            })]).unwrap_or_default(),
                        })
                    })
                    .collect();
                let mut r = ctx.resource(
                    "aws_launch_template",
                    id,
                    json!({
                        "id": id,
                        "arn": ctx.arn("ec2", &format!("launch-template/{id}")),
                        "name": v.launch_template_name(),
                        "default_version": v.version_number(),
                        "image_id": d.and_then(|d| d.image_id()),
                        "instance_type": d.and_then(|d| d.instance_type()).map(|t| t.as_str()),
                        "key_name": d.and_then(|d| d.key_name()).unwrap_or(""),
                        "vpc_security_group_ids": d.map(|d| d.security_group_ids()).unwrap_or_default(),
                        "iam_instance_profile": d.and_then(|d| d.iam_instance_profile()).map(|p| vec![json!({
                            "name": p.name().unwrap_or(""),
                            "arn": p.arn().unwrap_or(""),
                        })]).unwrap_or_default(),
                        "metadata_options": d.and_then(|d| d.metadata_options()).map(|m| vec![json!({
                            "http_tokens": m.http_tokens().map(|t| t.as_str()),
                            "http_endpoint": m.http_endpoint().map(|t| t.as_str()),
                            "http_put_response_hop_limit": m.http_put_response_hop_limit(),
                            "instance_metadata_tags": m.instance_metadata_tags().map(|t| t.as_str()),
                        })]).unwrap_or_default(),
                        "network_interfaces": nics,
                        "block_device_mappings": devices,
                        "tags": template_tags.as_ref().and_then(|t| t.get(id)),
                    }),
                );
                if template_tags.is_none() {
                    r.unknown = vec!["tags".into(), "tags_all".into()];
                }
                out.resources.push(r);
            }
        }
        Err(e) => failed(&mut out, e, &["aws_launch_template"]),
    }

    let (tail, tail_errors) = tail;
    out.resources.extend(tail.resources);
    out.gaps.extend(tail.gaps);
    errors.extend(tail_errors);
    if errors.len() == CALLS + TAIL_CALLS {
        // Nothing in the region could be read: one gap for the whole service.
        return Err(errors.swap_remove(0));
    }
    Ok(out)
}

/// An `ingress`/`egress` block of a security group, in Terraform's shape.
fn permission(p: &aws_sdk_ec2::types::IpPermission) -> Value {
    let protocol = p.ip_protocol().unwrap_or("-1");
    let all = protocol == "-1";
    json!({
        "protocol": protocol,
        "from_port": if all { 0 } else { p.from_port().unwrap_or(0) },
        "to_port": if all { 0 } else { p.to_port().unwrap_or(0) },
        "cidr_blocks": p.ip_ranges().iter().filter_map(|r| r.cidr_ip()).collect::<Vec<_>>(),
        "ipv6_cidr_blocks": p.ipv6_ranges().iter().filter_map(|r| r.cidr_ipv6()).collect::<Vec<_>>(),
        "prefix_list_ids": p.prefix_list_ids().iter().filter_map(|r| r.prefix_list_id()).collect::<Vec<_>>(),
        "security_groups": p.user_id_group_pairs().iter().filter_map(|g| g.group_id()).collect::<Vec<_>>(),
        "self": false,
        "description": "",
    })
}

// ---------------------------------------------------------------------------
// The long tail: types only the tag, region and peering rules read (TAG-001,
// GDPR-001, NET-008): Elastic IPs, network ACLs, VPC endpoints, VPC peering
// connections, transit gateways and their VPC and peering attachments, and the
// account's own EBS snapshots. One describe call (paginated where EC2 paginates)
// per type and region.

/// The long tail's describe calls.
const TAIL_CALLS: usize = 8;

/// The long tail of one region, and the calls that failed.
async fn long_tail(ctx: &Ctx, c: &aws_sdk_ec2::Client) -> (Collected, Vec<CallError>) {
    let (eips, acls, endpoints, peerings, tgws, tgw_vpcs, tgw_peerings, snapshots) = tokio::join!(
        ctx.call("ec2:DescribeAddresses", c.describe_addresses().send()),
        ctx.pages(
            "ec2:DescribeNetworkAcls",
            c.describe_network_acls().into_paginator().send()
        ),
        ctx.pages(
            "ec2:DescribeVpcEndpoints",
            c.describe_vpc_endpoints().into_paginator().send()
        ),
        ctx.pages(
            "ec2:DescribeVpcPeeringConnections",
            c.describe_vpc_peering_connections().into_paginator().send()
        ),
        ctx.pages(
            "ec2:DescribeTransitGateways",
            c.describe_transit_gateways().into_paginator().send()
        ),
        ctx.pages(
            "ec2:DescribeTransitGatewayVpcAttachments",
            c.describe_transit_gateway_vpc_attachments()
                .into_paginator()
                .send()
        ),
        ctx.pages(
            "ec2:DescribeTransitGatewayPeeringAttachments",
            c.describe_transit_gateway_peering_attachments()
                .into_paginator()
                .send()
        ),
        ctx.pages(
            "ec2:DescribeSnapshots",
            c.describe_snapshots()
                .owner_ids("self")
                .into_paginator()
                .send()
        ),
    );
    let mut out = Collected::default();
    let mut errors = Vec::new();
    let mut failed = |out: &mut Collected, e: CallError, types: &[&str]| {
        out.partial(ctx, "ec2", types, &e);
        errors.push(e);
    };
    let gone = |state: Option<&str>| {
        matches!(
            state,
            Some("deleted" | "deleting" | "rejected" | "failed" | "expired" | "failing")
        )
    };

    match eips {
        Ok(o) => {
            for a in o.addresses() {
                let Some(id) = a.allocation_id() else {
                    continue;
                };
                out.resources.push(ctx.resource(
                    "aws_eip",
                    id,
                    json!({
                        "id": id,
                        "allocation_id": id,
                        "arn": ctx.arn("ec2", &format!("elastic-ip/{id}")),
                        "domain": a.domain().map(|d| d.as_str()),
                        "public_ip": a.public_ip(),
                        "association_id": a.association_id(),
                        "instance": a.instance_id(),
                        "network_interface": a.network_interface_id(),
                        "network_border_group": a.network_border_group(),
                        "tags": tags(a.tags()),
                    }),
                ));
            }
        }
        Err(e) => failed(&mut out, e, &["aws_eip"]),
    }

    match acls {
        Ok(pages) => {
            for n in pages.iter().flat_map(|p| p.network_acls()) {
                let Some(id) = n.network_acl_id() else {
                    continue;
                };
                let kind = if n.is_default() == Some(true) {
                    "aws_default_network_acl"
                } else {
                    "aws_network_acl"
                };
                out.resources.push(ctx.resource(
                    kind,
                    id,
                    json!({
                        "id": id,
                        "arn": ctx.arn("ec2", &format!("network-acl/{id}")),
                        "vpc_id": n.vpc_id(),
                        "owner_id": n.owner_id(),
                        "subnet_ids": n.associations().iter().filter_map(|a| a.subnet_id()).collect::<Vec<_>>(),
                        "tags": tags(n.tags()),
                    }),
                ));
            }
        }
        Err(e) => failed(&mut out, e, &["aws_network_acl", "aws_default_network_acl"]),
    }

    match endpoints {
        Ok(pages) => {
            for v in pages.iter().flat_map(|p| p.vpc_endpoints()) {
                let Some(id) = v.vpc_endpoint_id() else {
                    continue;
                };
                if gone(
                    v.state()
                        .map(|s| s.as_str())
                        .map(|s| s.to_ascii_lowercase())
                        .as_deref(),
                ) {
                    continue;
                }
                out.resources.push(ctx.resource(
                    "aws_vpc_endpoint",
                    id,
                    json!({
                        "id": id,
                        "arn": ctx.arn("ec2", &format!("vpc-endpoint/{id}")),
                        "vpc_id": v.vpc_id(),
                        "service_name": v.service_name(),
                        "vpc_endpoint_type": v.vpc_endpoint_type().map(|t| t.as_str()),
                        "route_table_ids": v.route_table_ids(),
                        "subnet_ids": v.subnet_ids(),
                        "security_group_ids": v.groups().iter().filter_map(|g| g.group_id()).collect::<Vec<_>>(),
                        "private_dns_enabled": v.private_dns_enabled(),
                        "policy": v.policy_document(),
                        "owner_id": v.owner_id(),
                        "tags": tags(v.tags()),
                    }),
                ));
            }
        }
        Err(e) => failed(&mut out, e, &["aws_vpc_endpoint"]),
    }

    match peerings {
        Ok(pages) => {
            for p in pages.iter().flat_map(|p| p.vpc_peering_connections()) {
                let Some(id) = p.vpc_peering_connection_id() else {
                    continue;
                };
                let requester = p.requester_vpc_info();
                let accepter = p.accepter_vpc_info();
                // Listed in both regions: the connection is the requester's (the
                // accepter side is Terraform's aws_vpc_peering_connection_accepter).
                if requester
                    .and_then(|r| r.region())
                    .is_some_and(|r| r != ctx.region)
                    || gone(p.status().and_then(|s| s.code()).map(|c| c.as_str()))
                {
                    continue;
                }
                out.resources.push(ctx.resource(
                    "aws_vpc_peering_connection",
                    id,
                    json!({
                        "id": id,
                        "arn": ctx.arn("ec2", &format!("vpc-peering-connection/{id}")),
                        "vpc_id": requester.and_then(|r| r.vpc_id()),
                        "peer_vpc_id": accepter.and_then(|a| a.vpc_id()),
                        "peer_owner_id": accepter.and_then(|a| a.owner_id()),
                        "peer_region": accepter.and_then(|a| a.region()),
                        "accept_status": p.status().and_then(|s| s.code()).map(|c| c.as_str()),
                        "tags": tags(p.tags()),
                    }),
                ));
            }
        }
        Err(e) => failed(&mut out, e, &["aws_vpc_peering_connection"]),
    }

    match tgws {
        Ok(pages) => {
            for t in pages.iter().flat_map(|p| p.transit_gateways()) {
                let Some(id) = t.transit_gateway_id() else {
                    continue;
                };
                if gone(t.state().map(|s| s.as_str())) {
                    continue;
                }
                out.resources.push(ctx.resource(
                    "aws_ec2_transit_gateway",
                    id,
                    json!({
                        "id": id,
                        "arn": t.transit_gateway_arn(),
                        "description": t.description(),
                        "owner_id": t.owner_id(),
                        "amazon_side_asn": t.options().and_then(|o| o.amazon_side_asn()),
                        "tags": tags(t.tags()),
                    }),
                ));
            }
        }
        Err(e) => failed(&mut out, e, &["aws_ec2_transit_gateway"]),
    }

    match tgw_vpcs {
        Ok(pages) => {
            for a in pages
                .iter()
                .flat_map(|p| p.transit_gateway_vpc_attachments())
            {
                let Some(id) = a.transit_gateway_attachment_id() else {
                    continue;
                };
                if gone(a.state().map(|s| s.as_str())) {
                    continue;
                }
                out.resources.push(ctx.resource(
                    "aws_ec2_transit_gateway_vpc_attachment",
                    id,
                    json!({
                        "id": id,
                        "arn": ctx.arn("ec2", &format!("transit-gateway-attachment/{id}")),
                        "transit_gateway_id": a.transit_gateway_id(),
                        "vpc_id": a.vpc_id(),
                        "vpc_owner_id": a.vpc_owner_id(),
                        "subnet_ids": a.subnet_ids(),
                        "tags": tags(a.tags()),
                    }),
                ));
            }
        }
        Err(e) => failed(&mut out, e, &["aws_ec2_transit_gateway_vpc_attachment"]),
    }

    match tgw_peerings {
        Ok(pages) => {
            for a in pages
                .iter()
                .flat_map(|p| p.transit_gateway_peering_attachments())
            {
                let Some(id) = a.transit_gateway_attachment_id() else {
                    continue;
                };
                let requester = a.requester_tgw_info();
                let accepter = a.accepter_tgw_info();
                // The attachment is the requester's (the accepter side is
                // Terraform's aws_ec2_transit_gateway_peering_attachment_accepter).
                if requester
                    .and_then(|r| r.region())
                    .is_some_and(|r| r != ctx.region)
                    || gone(a.state().map(|s| s.as_str()))
                {
                    continue;
                }
                out.resources.push(ctx.resource(
                    "aws_ec2_transit_gateway_peering_attachment",
                    id,
                    json!({
                        "id": id,
                        "arn": ctx.arn("ec2", &format!("transit-gateway-attachment/{id}")),
                        "transit_gateway_id": requester.and_then(|r| r.transit_gateway_id()),
                        "peer_transit_gateway_id": accepter.and_then(|r| r.transit_gateway_id()),
                        "peer_account_id": accepter.and_then(|r| r.owner_id()),
                        "peer_region": accepter.and_then(|r| r.region()),
                        "tags": tags(a.tags()),
                    }),
                ));
            }
        }
        Err(e) => failed(&mut out, e, &["aws_ec2_transit_gateway_peering_attachment"]),
    }

    match snapshots {
        Ok(pages) => {
            for s in pages.iter().flat_map(|p| p.snapshots()) {
                let Some(id) = s.snapshot_id() else {
                    continue;
                };
                out.resources.push(ctx.resource(
                    "aws_ebs_snapshot",
                    id,
                    json!({
                        "id": id,
                        // Snapshot ARNs have no account.
                        "arn": format!("arn:{}:ec2:{}::snapshot/{id}", crate::model::partition(&ctx.region), ctx.region),
                        "volume_id": s.volume_id(),
                        "encrypted": s.encrypted(),
                        "kms_key_id": s.kms_key_id(),
                        "volume_size": s.volume_size(),
                        "description": s.description(),
                        "owner_id": s.owner_id(),
                        "tags": tags(s.tags()),
                    }),
                ));
            }
        }
        Err(e) => failed(&mut out, e, &["aws_ebs_snapshot"]),
    }
    (out, errors)
}
