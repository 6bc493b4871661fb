//! `infracheck live` against moto's server mode: the tests start `moto_server` on a
//! free 127.0.0.1 port, create resources in it with the AWS SDK (fake credentials,
//! us-east-1 and us-west-2), run the binary with `--endpoint-url`, and check the
//! findings. See `common/moto.rs` for how moto is found and started.
#![cfg(feature = "live")]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use aws_config::SdkConfig;
use aws_sdk_ec2::types as ec2t;
use common::moto::{closed_url, infracheck_command, s3, sdk, start_moto, Fixed, Moto};

const ACCOUNT: &str = "123456789012";
const EAST: &str = "us-east-1";
const WEST: &str = "us-west-2";

/// What is planted in the violating setup.
#[derive(Clone, Copy, PartialEq)]
enum Setup {
    Compliant,
    Violations,
}

/// Ids the assertions need.
#[derive(Default, Debug)]
struct Seeded {
    vpcs: BTreeMap<&'static str, String>,
    subnets: BTreeMap<String, String>,
    ssh_rule: Option<String>,
    templates: BTreeMap<String, String>,
    flow_logs: BTreeMap<String, String>,
    /// Region -> (load balancer, HTTP listener, HTTPS listener, target group) ARNs.
    lbs: BTreeMap<String, [String; 4]>,
    /// Region -> web ACL ID.
    acls: BTreeMap<String, String>,
    /// Region -> backup plan ID.
    backup_plans: BTreeMap<String, String>,
    global: Global,
}

/// What the global services' seeding made (CloudFront, Route 53) and KMS keys.
#[derive(Default, Debug)]
struct Global {
    /// The compliant distribution's ID, and the violating one's.
    distributions: (String, Option<String>),
    /// The web ACL of CloudFront scope (in us-east-1).
    edge_acl: String,
    /// The public hosted zone's ID and its health check's.
    zone: String,
    health_check: String,
    /// Region -> customer-managed KMS key ID.
    keys: BTreeMap<String, String>,
    /// Region -> WAFv2 IP set ID.
    ip_sets: BTreeMap<String, String>,
}

async fn delete_default_vpc(ec2: &aws_sdk_ec2::Client) {
    let vpcs = ec2.describe_vpcs().send().await.unwrap();
    for v in vpcs.vpcs().iter().filter(|v| v.is_default() == Some(true)) {
        let id = v.vpc_id().unwrap();
        let subnets = ec2
            .describe_subnets()
            .filters(ec2t::Filter::builder().name("vpc-id").values(id).build())
            .send()
            .await
            .unwrap();
        for s in subnets.subnets() {
            ec2.delete_subnet()
                .subnet_id(s.subnet_id().unwrap())
                .send()
                .await
                .unwrap();
        }
        let igws = ec2
            .describe_internet_gateways()
            .filters(
                ec2t::Filter::builder()
                    .name("attachment.vpc-id")
                    .values(id)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        for g in igws.internet_gateways() {
            let gid = g.internet_gateway_id().unwrap();
            ec2.detach_internet_gateway()
                .internet_gateway_id(gid)
                .vpc_id(id)
                .send()
                .await
                .unwrap();
            ec2.delete_internet_gateway()
                .internet_gateway_id(gid)
                .send()
                .await
                .unwrap();
        }
        ec2.delete_vpc().vpc_id(id).send().await.unwrap();
    }
}

fn tcp_from_cidr(port: i32, cidr: &str) -> ec2t::IpPermission {
    ec2t::IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port)
        .ip_ranges(ec2t::IpRange::builder().cidr_ip(cidr).build())
        .build()
}

/// The network slice of the reference architecture in one region: a VPC with public
/// and private subnets in two zones, internet and NAT gateways, route tables, a
/// flow log, closed default security group, a load balancer and an application
/// security group, a launch template; EBS encryption by default, GuardDuty and
/// Security Hub.
async fn seed_region(
    conf: &SdkConfig,
    region: &'static str,
    cidr16: &str,
    log_bucket: &str,
    setup: Setup,
    seeded: &mut Seeded,
) {
    let ec2 = aws_sdk_ec2::Client::new(conf);
    let violations = setup == Setup::Violations;
    delete_default_vpc(&ec2).await;
    let vpc = ec2
        .create_vpc()
        .cidr_block(format!("{cidr16}.0.0/16"))
        .send()
        .await
        .unwrap();
    let vpc = vpc.vpc().unwrap().vpc_id().unwrap().to_string();
    seeded.vpcs.insert(region, vpc.clone());
    let subnet = |name: &str, third: u8, az: &str| {
        let ec2 = ec2.clone();
        let vpc = vpc.clone();
        let cidr = format!("{cidr16}.{third}.0/24");
        let az = format!("{region}{az}");
        let name = format!("{region}-{name}");
        async move {
            let s = ec2
                .create_subnet()
                .vpc_id(vpc)
                .cidr_block(cidr)
                .availability_zone(az)
                .send()
                .await
                .unwrap();
            (name, s.subnet().unwrap().subnet_id().unwrap().to_string())
        }
    };
    let public = [
        subnet("public-a", 0, "a").await,
        subnet("public-b", 1, "b").await,
    ];
    let private = [
        subnet("private-a", 10, "a").await,
        subnet("private-b", 11, "b").await,
    ];
    for (name, id) in public.iter().chain(&private) {
        seeded.subnets.insert(name.clone(), id.clone());
    }
    if violations && region == EAST {
        ec2.modify_subnet_attribute()
            .subnet_id(&private[1].1)
            .map_public_ip_on_launch(ec2t::AttributeBooleanValue::builder().value(true).build())
            .send()
            .await
            .unwrap();
    }
    let igw = ec2.create_internet_gateway().send().await.unwrap();
    let igw = igw
        .internet_gateway()
        .unwrap()
        .internet_gateway_id()
        .unwrap()
        .to_string();
    ec2.attach_internet_gateway()
        .internet_gateway_id(&igw)
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap();
    let public_rt = ec2.create_route_table().vpc_id(&vpc).send().await.unwrap();
    let public_rt = public_rt
        .route_table()
        .unwrap()
        .route_table_id()
        .unwrap()
        .to_string();
    ec2.create_route()
        .route_table_id(&public_rt)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&igw)
        .send()
        .await
        .unwrap();
    for (_, s) in &public {
        ec2.associate_route_table()
            .route_table_id(&public_rt)
            .subnet_id(s)
            .send()
            .await
            .unwrap();
    }
    let eip = ec2
        .allocate_address()
        .domain(ec2t::DomainType::Vpc)
        .send()
        .await
        .unwrap();
    let nat = ec2
        .create_nat_gateway()
        .subnet_id(&public[0].1)
        .allocation_id(eip.allocation_id().unwrap())
        .send()
        .await
        .unwrap();
    let nat = nat
        .nat_gateway()
        .unwrap()
        .nat_gateway_id()
        .unwrap()
        .to_string();
    let private_rt = ec2.create_route_table().vpc_id(&vpc).send().await.unwrap();
    let private_rt = private_rt
        .route_table()
        .unwrap()
        .route_table_id()
        .unwrap()
        .to_string();
    ec2.create_route()
        .route_table_id(&private_rt)
        .destination_cidr_block("0.0.0.0/0")
        .nat_gateway_id(&nat)
        .send()
        .await
        .unwrap();
    for (_, s) in &private {
        ec2.associate_route_table()
            .route_table_id(&private_rt)
            .subnet_id(s)
            .send()
            .await
            .unwrap();
    }

    // The default security group: no rules (unless the violation keeps them).
    if !(violations && region == WEST) {
        let groups = ec2
            .describe_security_groups()
            .filters(ec2t::Filter::builder().name("vpc-id").values(&vpc).build())
            .send()
            .await
            .unwrap();
        for g in groups.security_groups() {
            if g.group_name() != Some("default") {
                continue;
            }
            let id = g.group_id().unwrap();
            if !g.ip_permissions().is_empty() {
                ec2.revoke_security_group_ingress()
                    .group_id(id)
                    .set_ip_permissions(Some(g.ip_permissions().to_vec()))
                    .send()
                    .await
                    .unwrap();
            }
            if !g.ip_permissions_egress().is_empty() {
                ec2.revoke_security_group_egress()
                    .group_id(id)
                    .set_ip_permissions(Some(g.ip_permissions_egress().to_vec()))
                    .send()
                    .await
                    .unwrap();
            }
        }
    }
    // Log groups: flow logs (30 days; 7 in the violating primary region) and an
    // application's (30 days; never expiring in the violating secondary region).
    let logs = aws_sdk_cloudwatchlogs::Client::new(conf);
    for (group, days) in [
        (
            "/ic/flow-logs",
            if violations && region == EAST { 7 } else { 30 },
        ),
        ("/ic/app", if violations && region == WEST { 0 } else { 30 }),
    ] {
        logs.create_log_group()
            .log_group_name(group)
            .send()
            .await
            .unwrap();
        if days > 0 {
            logs.put_retention_policy()
                .log_group_name(group)
                .retention_in_days(days)
                .send()
                .await
                .unwrap();
        }
    }
    if !(violations && region == WEST) {
        let fl = ec2
            .create_flow_logs()
            .resource_ids(&vpc)
            .resource_type(ec2t::FlowLogsResourceType::Vpc)
            .traffic_type(ec2t::TrafficType::All)
            .log_destination_type(ec2t::LogDestinationType::CloudWatchLogs)
            .log_group_name("/ic/flow-logs")
            .deliver_logs_permission_arn(format!("arn:aws:iam::{ACCOUNT}:role/flow-logs"))
            .send()
            .await
            .unwrap();
        seeded
            .flow_logs
            .insert(region.to_string(), fl.flow_log_ids()[0].clone());
    }

    // AWS Config records everything (not in the violating secondary region).
    if !(violations && region == WEST) {
        let config = aws_sdk_config::Client::new(conf);
        config
            .put_configuration_recorder()
            .configuration_recorder(
                aws_sdk_config::types::ConfigurationRecorder::builder()
                    .name("default")
                    .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/config"))
                    .recording_group(
                        aws_sdk_config::types::RecordingGroup::builder()
                            .all_supported(true)
                            .include_global_resource_types(region == EAST)
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap();
        config
            .put_delivery_channel()
            .delivery_channel(
                aws_sdk_config::types::DeliveryChannel::builder()
                    .name("default")
                    .s3_bucket_name(log_bucket)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        config
            .start_configuration_recorder()
            .configuration_recorder_name("default")
            .send()
            .await
            .unwrap();
    }

    // Load balancer and application security groups.
    let lb_sg = ec2
        .create_security_group()
        .group_name("lb")
        .description("load balancer")
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap();
    let lb_sg = lb_sg.group_id().unwrap().to_string();
    ec2.authorize_security_group_ingress()
        .group_id(&lb_sg)
        .ip_permissions(tcp_from_cidr(443, &format!("{cidr16}.0.0/16")))
        .send()
        .await
        .unwrap();
    let app_sg = ec2
        .create_security_group()
        .group_name("app")
        .description("application")
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap();
    let app_sg = app_sg.group_id().unwrap().to_string();
    ec2.authorize_security_group_ingress()
        .group_id(&app_sg)
        .ip_permissions(
            ec2t::IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(8080)
                .to_port(8080)
                .user_id_group_pairs(ec2t::UserIdGroupPair::builder().group_id(&lb_sg).build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    if violations && region == EAST {
        let ssh = ec2
            .create_security_group()
            .group_name("ssh")
            .description("bastion")
            .vpc_id(&vpc)
            .send()
            .await
            .unwrap();
        let ssh = ssh.group_id().unwrap().to_string();
        ec2.authorize_security_group_ingress()
            .group_id(&ssh)
            .ip_permissions(tcp_from_cidr(22, "0.0.0.0/0"))
            .send()
            .await
            .unwrap();
        let rules = ec2
            .describe_security_group_rules()
            .filters(
                ec2t::Filter::builder()
                    .name("group-id")
                    .values(&ssh)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        seeded.ssh_rule = rules
            .security_group_rules()
            .iter()
            .find(|r| r.is_egress() != Some(true))
            .and_then(|r| r.security_group_rule_id())
            .map(str::to_string);
    }

    let tokens = if violations && region == EAST {
        ec2t::LaunchTemplateHttpTokensState::Optional
    } else {
        ec2t::LaunchTemplateHttpTokensState::Required
    };
    let lt = ec2
        .create_launch_template()
        .launch_template_name("app")
        .launch_template_data(
            ec2t::RequestLaunchTemplateData::builder()
                .image_id("ami-12c6146b")
                .instance_type(ec2t::InstanceType::T3Micro)
                .iam_instance_profile(
                    ec2t::LaunchTemplateIamInstanceProfileSpecificationRequest::builder()
                        .name("app-ssm")
                        .build(),
                )
                .metadata_options(
                    ec2t::LaunchTemplateInstanceMetadataOptionsRequest::builder()
                        .http_tokens(tokens)
                        .http_endpoint(ec2t::LaunchTemplateInstanceMetadataEndpointState::Enabled)
                        .build(),
                )
                .security_group_ids(&app_sg)
                .block_device_mappings(
                    ec2t::LaunchTemplateBlockDeviceMappingRequest::builder()
                        .device_name("/dev/xvda")
                        .ebs(
                            ec2t::LaunchTemplateEbsBlockDeviceRequest::builder()
                                .encrypted(true)
                                .volume_size(8)
                                .build(),
                        )
                        .build(),
                )
                .build(),
        )
        .tag_specifications(
            ec2t::TagSpecification::builder()
                .resource_type(ec2t::ResourceType::LaunchTemplate)
                .set_tags(Some(
                    TAGS.iter()
                        .map(|(k, v)| ec2t::Tag::builder().key(*k).value(*v).build())
                        .collect(),
                ))
                .build(),
        )
        .send()
        .await
        .unwrap();
    seeded.templates.insert(
        region.to_string(),
        lt.launch_template()
            .unwrap()
            .launch_template_id()
            .unwrap()
            .to_string(),
    );

    tag_all(&ec2, &vpc).await;
    let lb = seed_load_balancer(
        conf,
        region,
        &vpc,
        [&public[0].1, &public[1].1],
        &lb_sg,
        log_bucket,
        setup,
    )
    .await;
    let acl = seed_waf(conf, region, &lb[0], setup).await;
    seeded.lbs.insert(region.to_string(), lb);
    seeded.acls.insert(region.to_string(), acl);

    if !(violations && region == WEST) {
        ec2.enable_ebs_encryption_by_default().send().await.unwrap();
        let mut detector = aws_sdk_guardduty::Client::new(conf)
            .create_detector()
            .enable(true);
        for (k, v) in TAGS {
            detector = detector.tags(k, v);
        }
        detector.send().await.unwrap();
        aws_sdk_securityhub::Client::new(conf)
            .enable_security_hub()
            .send()
            .await
            .unwrap();
    }
}

/// An application load balancer in the public subnets: HTTP redirects to HTTPS
/// (TLS 1.2+ policy), a target group with the architecture's health check, invalid
/// headers dropped, access logs on. Violations: the primary's HTTP listener forwards
/// and its health check runs every 10 s; the secondary keeps the default attributes
/// and an old TLS policy.
async fn seed_load_balancer(
    conf: &SdkConfig,
    region: &str,
    vpc: &str,
    subnets: [&str; 2],
    sg: &str,
    log_bucket: &str,
    setup: Setup,
) -> [String; 4] {
    use aws_sdk_elasticloadbalancingv2::types as t;
    let violations = setup == Setup::Violations;
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(conf);
    let tags = || -> Vec<t::Tag> {
        TAGS.iter()
            .map(|(k, v)| t::Tag::builder().key(*k).value(*v).build())
            .collect()
    };
    let lb = elb
        .create_load_balancer()
        .name(format!("web-{region}"))
        .set_subnets(Some(subnets.iter().map(|s| s.to_string()).collect()))
        .security_groups(sg)
        .r#type(t::LoadBalancerTypeEnum::Application)
        .scheme(t::LoadBalancerSchemeEnum::InternetFacing)
        .set_tags(Some(tags()))
        .send()
        .await
        .unwrap();
    let lb = lb.load_balancers()[0]
        .load_balancer_arn()
        .unwrap()
        .to_string();
    if !(violations && region == WEST) {
        let attr = |k: &str, v: &str| t::LoadBalancerAttribute::builder().key(k).value(v).build();
        elb.modify_load_balancer_attributes()
            .load_balancer_arn(&lb)
            .attributes(attr(
                "routing.http.drop_invalid_header_fields.enabled",
                "true",
            ))
            .attributes(attr("access_logs.s3.enabled", "true"))
            .attributes(attr("access_logs.s3.bucket", log_bucket))
            .send()
            .await
            .unwrap();
    }
    let tg = elb
        .create_target_group()
        .name(format!("app-{region}"))
        .protocol(t::ProtocolEnum::Http)
        .port(8080)
        .vpc_id(vpc)
        .health_check_protocol(t::ProtocolEnum::Http)
        .health_check_path("/")
        .health_check_interval_seconds(if violations && region == EAST { 10 } else { 30 })
        .healthy_threshold_count(3)
        .unhealthy_threshold_count(3)
        .set_tags(Some(tags()))
        .send()
        .await
        .unwrap();
    let tg = tg.target_groups()[0]
        .target_group_arn()
        .unwrap()
        .to_string();
    let forward = t::Action::builder()
        .r#type(t::ActionTypeEnum::Forward)
        .target_group_arn(&tg)
        .build();
    let redirect = t::Action::builder()
        .r#type(t::ActionTypeEnum::Redirect)
        .redirect_config(
            t::RedirectActionConfig::builder()
                .protocol("HTTPS")
                .port("443")
                .status_code(t::RedirectActionStatusCodeEnum::Http301)
                .build(),
        )
        .build();
    let http = elb
        .create_listener()
        .load_balancer_arn(&lb)
        .protocol(t::ProtocolEnum::Http)
        .port(80)
        .default_actions(if violations && region == EAST {
            forward.clone()
        } else {
            redirect
        })
        .set_tags(Some(tags()))
        .send()
        .await
        .unwrap();
    let http = http.listeners()[0].listener_arn().unwrap().to_string();
    let https = elb
        .create_listener()
        .load_balancer_arn(&lb)
        .protocol(t::ProtocolEnum::Https)
        .port(443)
        .ssl_policy(if violations && region == WEST {
            "ELBSecurityPolicy-2016-08"
        } else {
            "ELBSecurityPolicy-TLS13-1-2-2021-06"
        })
        .certificates(
            t::Certificate::builder()
                .certificate_arn(format!("arn:aws:iam::{ACCOUNT}:server-certificate/web"))
                .build(),
        )
        .default_actions(forward)
        .set_tags(Some(tags()))
        .send()
        .await
        .unwrap();
    let https = https.listeners()[0].listener_arn().unwrap().to_string();
    [lb, http, https, tg]
}

/// A regional web ACL on the load balancer: AWS's SQL injection and common rule
/// sets enforced, a blocking rate-based rule, logging. The violation (secondary
/// region): a web ACL with only a counting rate-based rule, no logging, and not
/// associated with the load balancer.
async fn seed_waf(conf: &SdkConfig, region: &str, lb: &str, setup: Setup) -> String {
    use aws_sdk_wafv2::types as w;
    let violation = setup == Setup::Violations && region == WEST;
    let waf = aws_sdk_wafv2::Client::new(conf);
    let (arn, id) = create_web_acl(
        &waf,
        &format!("web-{region}"),
        w::Scope::Regional,
        waf_rules(violation),
    )
    .await;
    if !violation {
        waf.associate_web_acl()
            .web_acl_arn(&arn)
            .resource_arn(lb)
            .send()
            .await
            .unwrap();
        log_web_acl(&waf, &arn, region, "web").await;
    }
    id
}

/// A web ACL rule's visibility settings.
fn waf_visibility(name: &str) -> aws_sdk_wafv2::types::VisibilityConfig {
    aws_sdk_wafv2::types::VisibilityConfig::builder()
        .sampled_requests_enabled(true)
        .cloud_watch_metrics_enabled(true)
        .metric_name(name)
        .build()
        .unwrap()
}

/// The architecture's web ACL rules: AWS's SQL injection and common rule sets
/// enforced and a blocking rate-based rule; `weak`: only the rate-based rule, and
/// counting.
fn waf_rules(weak: bool) -> Vec<aws_sdk_wafv2::types::Rule> {
    use aws_sdk_wafv2::types as w;
    let managed = |name: &str, priority: i32| {
        w::Rule::builder()
            .name(name)
            .priority(priority)
            .statement(
                w::Statement::builder()
                    .managed_rule_group_statement(
                        w::ManagedRuleGroupStatement::builder()
                            .vendor_name("AWS")
                            .name(name)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .override_action(
                w::OverrideAction::builder()
                    .none(w::NoneAction::builder().build())
                    .build(),
            )
            .visibility_config(waf_visibility(name))
            .build()
            .unwrap()
    };
    let rate_action = if weak {
        w::RuleAction::builder()
            .count(w::CountAction::builder().build())
            .build()
    } else {
        w::RuleAction::builder()
            .block(w::BlockAction::builder().build())
            .build()
    };
    let rate = w::Rule::builder()
        .name("rate")
        .priority(3)
        .statement(
            w::Statement::builder()
                .rate_based_statement(
                    w::RateBasedStatement::builder()
                        .limit(2000)
                        .aggregate_key_type(w::RateBasedStatementAggregateKeyType::Ip)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .action(rate_action)
        .visibility_config(waf_visibility("rate"))
        .build()
        .unwrap();
    if weak {
        vec![rate]
    } else {
        vec![
            managed("AWSManagedRulesSQLiRuleSet", 1),
            managed("AWSManagedRulesCommonRuleSet", 2),
            rate,
        ]
    }
}

/// A web ACL with `rules` and the architecture's tags: its ARN and ID.
async fn create_web_acl(
    waf: &aws_sdk_wafv2::Client,
    name: &str,
    scope: aws_sdk_wafv2::types::Scope,
    rules: Vec<aws_sdk_wafv2::types::Rule>,
) -> (String, String) {
    use aws_sdk_wafv2::types as w;
    let acl = waf
        .create_web_acl()
        .name(name)
        .scope(scope)
        .default_action(
            w::DefaultAction::builder()
                .allow(w::AllowAction::builder().build())
                .build(),
        )
        .set_rules(Some(rules))
        .visibility_config(waf_visibility(name))
        .set_tags(Some(
            TAGS.iter()
                .map(|(k, v)| w::Tag::builder().key(*k).value(*v).build().unwrap())
                .collect(),
        ))
        .send()
        .await
        .unwrap();
    let summary = acl.summary().unwrap();
    (
        summary.arn().unwrap().to_string(),
        summary.id().unwrap().to_string(),
    )
}

/// Logs a web ACL to the log group `aws-waf-logs-<name>` of `region`.
async fn log_web_acl(waf: &aws_sdk_wafv2::Client, arn: &str, region: &str, name: &str) {
    waf.put_logging_configuration()
        .logging_configuration(
            aws_sdk_wafv2::types::LoggingConfiguration::builder()
                .resource_arn(arn)
                .log_destination_configs(format!(
                    "arn:aws:logs:{region}:{ACCOUNT}:log-group:aws-waf-logs-{name}"
                ))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

/// The address part of a load balancing ARN: `app/web/50dc6c495c0c9188`.
fn elb_id(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap().split_once('/').unwrap().1
}

/// The cost-allocation tags of the reference architecture.
const TAGS: [(&str, &str); 3] = [
    ("Environment", "prod"),
    ("Owner", "platform"),
    ("CostCenter", "cc-1"),
];

/// Tags every EC2 resource of the VPC (and the region's launch templates and flow
/// logs) with [`TAGS`], in one call.
async fn tag_all(ec2: &aws_sdk_ec2::Client, vpc: &str) {
    let in_vpc = || ec2t::Filter::builder().name("vpc-id").values(vpc).build();
    let mut ids: Vec<String> = vec![vpc.to_string()];
    let subnets = ec2
        .describe_subnets()
        .filters(in_vpc())
        .send()
        .await
        .unwrap();
    ids.extend(
        subnets
            .subnets()
            .iter()
            .filter_map(|s| s.subnet_id().map(str::to_string)),
    );
    let tables = ec2
        .describe_route_tables()
        .filters(in_vpc())
        .send()
        .await
        .unwrap();
    ids.extend(
        tables
            .route_tables()
            .iter()
            .filter_map(|t| t.route_table_id().map(str::to_string)),
    );
    let igws = ec2
        .describe_internet_gateways()
        .filters(
            ec2t::Filter::builder()
                .name("attachment.vpc-id")
                .values(vpc)
                .build(),
        )
        .send()
        .await
        .unwrap();
    ids.extend(
        igws.internet_gateways()
            .iter()
            .filter_map(|g| g.internet_gateway_id().map(str::to_string)),
    );
    let nats = ec2.describe_nat_gateways().send().await.unwrap();
    ids.extend(
        nats.nat_gateways()
            .iter()
            .filter(|n| n.vpc_id() == Some(vpc))
            .filter_map(|n| n.nat_gateway_id().map(str::to_string)),
    );
    let groups = ec2
        .describe_security_groups()
        .filters(in_vpc())
        .send()
        .await
        .unwrap();
    let group_ids: Vec<String> = groups
        .security_groups()
        .iter()
        .filter_map(|g| g.group_id().map(str::to_string))
        .collect();
    ids.extend(group_ids.iter().cloned());
    let rules = ec2.describe_security_group_rules().send().await.unwrap();
    ids.extend(
        rules
            .security_group_rules()
            .iter()
            .filter(|r| {
                r.group_id()
                    .is_some_and(|g| group_ids.iter().any(|x| x == g))
            })
            .filter_map(|r| r.security_group_rule_id().map(str::to_string)),
    );
    let logs = ec2.describe_flow_logs().send().await.unwrap();
    ids.extend(
        logs.flow_logs()
            .iter()
            .filter(|f| f.resource_id() == Some(vpc))
            .filter_map(|f| f.flow_log_id().map(str::to_string)),
    );
    let lts = ec2.describe_launch_templates().send().await.unwrap();
    ids.extend(
        lts.launch_templates()
            .iter()
            .filter_map(|t| t.launch_template_id().map(str::to_string)),
    );
    let mut req = ec2.create_tags().set_resources(Some(ids));
    for (k, v) in TAGS {
        req = req.tags(ec2t::Tag::builder().key(k).value(v).build());
    }
    req.send().await.unwrap();
}

/// A bucket in `region`; compliant: encrypted, versioned, with a lifecycle rule, a
/// public access block and a policy that denies requests without TLS.
async fn seed_bucket(conf: &SdkConfig, region: &str, name: &str, compliant: bool) {
    let s3 = s3(conf);
    let mut create = s3.create_bucket().bucket(name);
    if region != EAST {
        create = create.create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(region))
                .build(),
        );
    }
    create.send().await.unwrap();
    use aws_sdk_s3::types as t;
    let tags: Vec<t::Tag> = TAGS
        .iter()
        .chain(&[("DataClassification", "internal")])
        .map(|(k, v)| t::Tag::builder().key(*k).value(*v).build().unwrap())
        .collect();
    s3.put_bucket_tagging()
        .bucket(name)
        .tagging(
            t::Tagging::builder()
                .set_tag_set(Some(tags))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    if !compliant {
        return;
    }
    s3.put_bucket_encryption()
        .bucket(name)
        .server_side_encryption_configuration(
            t::ServerSideEncryptionConfiguration::builder()
                .rules(
                    t::ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(
                            t::ServerSideEncryptionByDefault::builder()
                                .sse_algorithm(t::ServerSideEncryption::Aes256)
                                .build()
                                .unwrap(),
                        )
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_versioning()
        .bucket(name)
        .versioning_configuration(
            t::VersioningConfiguration::builder()
                .status(t::BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3.put_bucket_lifecycle_configuration()
        .bucket(name)
        .lifecycle_configuration(
            t::BucketLifecycleConfiguration::builder()
                .rules(
                    t::LifecycleRule::builder()
                        .id("tiering")
                        .status(t::ExpirationStatus::Enabled)
                        .filter(t::LifecycleRuleFilter::builder().prefix("").build())
                        .transitions(
                            t::Transition::builder()
                                .days(30)
                                .storage_class(t::TransitionStorageClass::IntelligentTiering)
                                .build(),
                        )
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    s3.put_public_access_block()
        .bucket(name)
        .public_access_block_configuration(
            t::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .block_public_policy(true)
                .ignore_public_acls(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [format!("arn:aws:s3:::{name}"), format!("arn:aws:s3:::{name}/*")],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }],
    });
    s3.put_bucket_policy()
        .bucket(name)
        .policy(policy.to_string())
        .send()
        .await
        .unwrap();
}

// --- IAM (global), CloudFront, Route 53, KMS: seeded by the functions below.

fn iam_tags() -> Vec<aws_sdk_iam::types::Tag> {
    TAGS.iter()
        .map(|(k, v)| {
            aws_sdk_iam::types::Tag::builder()
                .key(*k)
                .value(*v)
                .build()
                .unwrap()
        })
        .collect()
}

fn allow(actions: &[&str], resource: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource}],
    })
    .to_string()
}

/// The instance role of the launch templates (`app-ssm`, with Session Manager and
/// a scoped inline and customer-managed policy), its instance profile, and a GitHub
/// Actions deploy role restricted to one repository. Violations: the instance role
/// also gets `s3:*` on `*` (IAM-002), the deploy role trusts `repo:my-org/*`
/// (IAM-003), a customer-managed policy and a user's inline policy allow `*`
/// (IAM-001); AdministratorAccess, AWS managed, attached to another role is not
/// IAM-001's (its documented scope).
async fn seed_iam(conf: &SdkConfig, setup: Setup) {
    let iam = aws_sdk_iam::Client::new(conf);
    let violations = setup == Setup::Violations;
    let ec2_trust = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }],
    });
    iam.create_role()
        .role_name("app-ssm")
        .assume_role_policy_document(ec2_trust.to_string())
        .set_tags(Some(iam_tags()))
        .send()
        .await
        .unwrap();
    iam.attach_role_policy()
        .role_name("app-ssm")
        .policy_arn("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")
        .send()
        .await
        .unwrap();
    iam.put_role_policy()
        .role_name("app-ssm")
        .policy_name("static-content")
        .policy_document(allow(
            &["s3:GetObject", "s3:PutObject"],
            "arn:aws:s3:::ic-logs-east/*",
        ))
        .send()
        .await
        .unwrap();
    let table = iam
        .create_policy()
        .policy_name("app-table")
        .policy_document(allow(
            &["dynamodb:GetItem", "dynamodb:PutItem"],
            "arn:aws:dynamodb:us-east-1:123456789012:table/app",
        ))
        .set_tags(Some(iam_tags()))
        .send()
        .await
        .unwrap();
    iam.attach_role_policy()
        .role_name("app-ssm")
        .policy_arn(table.policy().unwrap().arn().unwrap())
        .send()
        .await
        .unwrap();
    iam.create_instance_profile()
        .instance_profile_name("app-ssm")
        .set_tags(Some(iam_tags()))
        .send()
        .await
        .unwrap();
    iam.add_role_to_instance_profile()
        .instance_profile_name("app-ssm")
        .role_name("app-ssm")
        .send()
        .await
        .unwrap();
    let sub = if violations {
        "repo:my-org/*"
    } else {
        "repo:my-org/infra:ref:refs/heads/main"
    };
    let github_trust = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                "StringLike": {"token.actions.githubusercontent.com:sub": sub},
            },
        }],
    });
    iam.create_role()
        .role_name("github-deploy")
        .assume_role_policy_document(github_trust.to_string())
        .set_tags(Some(iam_tags()))
        .send()
        .await
        .unwrap();
    // Untagged and AWS's: not a resource of the scan (TAG-001 would fail it).
    iam.create_service_linked_role()
        .aws_service_name("elasticloadbalancing.amazonaws.com")
        .send()
        .await
        .unwrap();
    if !violations {
        return;
    }
    iam.put_role_policy()
        .role_name("app-ssm")
        .policy_name("all-of-s3")
        .policy_document(allow(&["s3:*"], "*"))
        .send()
        .await
        .unwrap();
    iam.create_policy()
        .policy_name("admin-all")
        .policy_document(allow(&["*"], "*"))
        .send()
        .await
        .unwrap();
    iam.create_user().user_name("ci").send().await.unwrap();
    iam.put_user_policy()
        .user_name("ci")
        .policy_name("everything")
        .policy_document(allow(&["*:*"], "*"))
        .send()
        .await
        .unwrap();
    iam.create_role()
        .role_name("break-glass")
        .assume_role_policy_document(ec2_trust.to_string())
        .send()
        .await
        .unwrap();
    iam.attach_role_policy()
        .role_name("break-glass")
        .policy_arn("arn:aws:iam::aws:policy/AdministratorAccess")
        .send()
        .await
        .unwrap();
}

/// A CloudFront-scope web ACL (us-east-1) blocking SQL injection and XSS (the
/// common rule set), rate-limited, logged; the ARN.
async fn seed_cloudfront_acl(conf: &SdkConfig) -> String {
    let waf = aws_sdk_wafv2::Client::new(conf);
    let (arn, _) = create_web_acl(
        &waf,
        "edge",
        aws_sdk_wafv2::types::Scope::Cloudfront,
        waf_rules(false),
    )
    .await;
    log_web_acl(&waf, &arn, EAST, "edge").await;
    arn
}

/// One distribution (`secure`) in front of the application: Origin Shield,
/// HTTPS-only viewer policies, TLSv1.2_2021 with a custom certificate, the
/// CloudFront web ACL. The violations add `legacy`: an S3 origin without origin
/// access and a custom origin without Origin Shield, an ordered behavior allowing
/// HTTP, TLSv1, no web ACL. moto (5.2) drops an origin's S3OriginConfig and has no
/// origin access control, so an S3 origin behind origin access cannot be seeded:
/// the compliant distribution has a custom origin only.
async fn seed_cloudfront(conf: &SdkConfig, setup: Setup, global: &mut Global) {
    use aws_sdk_cloudfront::types as c;
    let cf = aws_sdk_cloudfront::Client::new(conf);
    let acl = seed_cloudfront_acl(conf).await;
    global.edge_acl = acl.rsplit('/').next().unwrap().to_string();
    let tags = || {
        c::Tags::builder()
            .set_items(Some(
                TAGS.iter()
                    .map(|(k, v)| c::Tag::builder().key(*k).value(*v).build().unwrap())
                    .collect(),
            ))
            .build()
    };
    let custom_origin = |id: &str, shield: bool| {
        let mut o = c::Origin::builder()
            .id(id)
            .domain_name("app.example.com")
            .custom_origin_config(
                c::CustomOriginConfig::builder()
                    .http_port(80)
                    .https_port(443)
                    .origin_protocol_policy(c::OriginProtocolPolicy::HttpsOnly)
                    .build()
                    .unwrap(),
            );
        if shield {
            o = o.origin_shield(
                c::OriginShield::builder()
                    .enabled(true)
                    .origin_shield_region("us-east-1")
                    .build()
                    .unwrap(),
            );
        }
        o.build().unwrap()
    };
    let behavior = |origin: &str, policy: c::ViewerProtocolPolicy| {
        c::DefaultCacheBehavior::builder()
            .target_origin_id(origin)
            .viewer_protocol_policy(policy)
            .cache_policy_id("658327ea-f89d-4fab-a63d-7e88639e58f6")
            .build()
            .unwrap()
    };
    let certificate = |version: c::MinimumProtocolVersion| {
        c::ViewerCertificate::builder()
            .cloud_front_default_certificate(false)
            .acm_certificate_arn(format!(
                "arn:aws:acm:us-east-1:{ACCOUNT}:certificate/0b5ea5f6-0000-4000-8000-000000000001"
            ))
            .ssl_support_method(c::SslSupportMethod::SniOnly)
            .minimum_protocol_version(version)
            .build()
    };
    let secure = c::DistributionConfig::builder()
        .caller_reference("secure")
        .comment("secure")
        .enabled(true)
        .origins(
            c::Origins::builder()
                .quantity(1)
                .items(custom_origin("app", true))
                .build()
                .unwrap(),
        )
        .default_cache_behavior(behavior("app", c::ViewerProtocolPolicy::RedirectToHttps))
        .viewer_certificate(certificate(c::MinimumProtocolVersion::TlSv122021))
        .web_acl_id(&acl)
        .build()
        .unwrap();
    let secure = cf
        .create_distribution_with_tags()
        .distribution_config_with_tags(
            c::DistributionConfigWithTags::builder()
                .distribution_config(secure)
                .tags(tags())
                .build(),
        )
        .send()
        .await
        .unwrap();
    global.distributions.0 = secure.distribution().unwrap().id().to_string();
    if setup != Setup::Violations {
        return;
    }
    let legacy = c::DistributionConfig::builder()
        .caller_reference("legacy")
        .comment("legacy")
        .enabled(true)
        .origins(
            c::Origins::builder()
                .quantity(2)
                .items(
                    c::Origin::builder()
                        .id("bucket")
                        .domain_name("ic-logs-east.s3.us-east-1.amazonaws.com")
                        .s3_origin_config(
                            c::S3OriginConfig::builder()
                                .origin_access_identity("")
                                .build(),
                        )
                        .origin_shield(
                            c::OriginShield::builder()
                                .enabled(true)
                                .origin_shield_region("us-east-1")
                                .build()
                                .unwrap(),
                        )
                        .build()
                        .unwrap(),
                )
                .items(custom_origin("app", false))
                .build()
                .unwrap(),
        )
        .default_cache_behavior(behavior("app", c::ViewerProtocolPolicy::HttpsOnly))
        .cache_behaviors(
            c::CacheBehaviors::builder()
                .quantity(1)
                .items(
                    c::CacheBehavior::builder()
                        .path_pattern("/downloads/*")
                        .target_origin_id("bucket")
                        .viewer_protocol_policy(c::ViewerProtocolPolicy::AllowAll)
                        .cache_policy_id("658327ea-f89d-4fab-a63d-7e88639e58f6")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .viewer_certificate(certificate(c::MinimumProtocolVersion::TlSv1))
        .build()
        .unwrap();
    let legacy = cf
        .create_distribution_with_tags()
        .distribution_config_with_tags(
            c::DistributionConfigWithTags::builder()
                .distribution_config(legacy)
                .tags(tags())
                .build(),
        )
        .send()
        .await
        .unwrap();
    global.distributions.1 = Some(legacy.distribution().unwrap().id().to_string());
}

/// The DNS name and hosted zone of a load balancer.
async fn lb_dns(conf: &SdkConfig, arn: &str) -> (String, String) {
    let o = aws_sdk_elasticloadbalancingv2::Client::new(conf)
        .describe_load_balancers()
        .load_balancer_arns(arn)
        .send()
        .await
        .unwrap();
    let lb = &o.load_balancers()[0];
    (
        lb.dns_name().unwrap().to_string(),
        lb.canonical_hosted_zone_id()
            .unwrap_or("Z35SXDOTRQ7X7K")
            .to_string(),
    )
}

/// The public zone `example.com`: the apex and www fail over from the primary
/// region's load balancer (with an HTTPS health check, 30 s x 3) to the
/// secondary's. Violations: www is a plain alias without failover, api.example.com
/// is a PRIMARY record without a health check, and the apex's health check runs
/// every 10 s.
async fn seed_route53(
    east: &SdkConfig,
    west: &SdkConfig,
    lbs: &BTreeMap<String, [String; 4]>,
    setup: Setup,
    global: &mut Global,
) {
    use aws_sdk_route53::types as r;
    let violations = setup == Setup::Violations;
    let dns = aws_sdk_route53::Client::new(east);
    let zone = dns
        .create_hosted_zone()
        .name("example.com")
        .caller_reference("example")
        .send()
        .await
        .unwrap();
    let zone_id = zone
        .hosted_zone()
        .unwrap()
        .id()
        .trim_start_matches("/hostedzone/")
        .to_string();
    let primary = lb_dns(east, &lbs[EAST][0]).await;
    let secondary = lb_dns(west, &lbs[WEST][0]).await;
    let check = dns
        .create_health_check()
        .caller_reference("primary")
        .health_check_config(
            r::HealthCheckConfig::builder()
                .r#type(r::HealthCheckType::Https)
                .fully_qualified_domain_name(&primary.0)
                .port(443)
                .resource_path("/")
                .request_interval(if violations { 10 } else { 30 })
                .failure_threshold(3)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let check = check.health_check().unwrap().id().to_string();
    let mut tags = dns
        .change_tags_for_resource()
        .resource_type(r::TagResourceType::Hostedzone)
        .resource_id(&zone_id);
    for (k, v) in TAGS {
        tags = tags.add_tags(r::Tag::builder().key(k).value(v).build());
    }
    tags.send().await.unwrap();
    let mut tags = dns
        .change_tags_for_resource()
        .resource_type(r::TagResourceType::Healthcheck)
        .resource_id(&check);
    for (k, v) in TAGS {
        tags = tags.add_tags(r::Tag::builder().key(k).value(v).build());
    }
    tags.send().await.unwrap();
    let alias = |target: &(String, String)| {
        r::AliasTarget::builder()
            .dns_name(&target.0)
            .hosted_zone_id(&target.1)
            .evaluate_target_health(true)
            .build()
            .unwrap()
    };
    let failover = |name: &str, role: r::ResourceRecordSetFailover, hc: Option<&str>| {
        let target = if role == r::ResourceRecordSetFailover::Primary {
            &primary
        } else {
            &secondary
        };
        r::ResourceRecordSet::builder()
            .name(name)
            .r#type(r::RrType::A)
            .set_identifier(role.as_str().to_lowercase())
            .failover(role)
            .set_health_check_id(hc.map(str::to_string))
            .alias_target(alias(target))
            .build()
            .unwrap()
    };
    let mut sets = vec![
        failover(
            "example.com",
            r::ResourceRecordSetFailover::Primary,
            Some(&check),
        ),
        failover("example.com", r::ResourceRecordSetFailover::Secondary, None),
    ];
    if violations {
        sets.push(
            r::ResourceRecordSet::builder()
                .name("www.example.com")
                .r#type(r::RrType::A)
                .alias_target(alias(&secondary))
                .build()
                .unwrap(),
        );
        sets.push(failover(
            "api.example.com",
            r::ResourceRecordSetFailover::Primary,
            None,
        ));
    } else {
        sets.push(failover(
            "www.example.com",
            r::ResourceRecordSetFailover::Primary,
            Some(&check),
        ));
        sets.push(failover(
            "www.example.com",
            r::ResourceRecordSetFailover::Secondary,
            None,
        ));
    }
    dns.change_resource_record_sets()
        .hosted_zone_id(&zone_id)
        .change_batch(
            r::ChangeBatch::builder()
                .set_changes(Some(
                    sets.into_iter()
                        .map(|s| {
                            r::Change::builder()
                                .action(r::ChangeAction::Create)
                                .resource_record_set(s)
                                .build()
                                .unwrap()
                        })
                        .collect(),
                ))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    global.zone = zone_id;
    global.health_check = check;
}

/// A customer-managed key, tagged or not; its ID.
async fn seed_kms(conf: &SdkConfig, tagged: bool) -> String {
    let kms = aws_sdk_kms::Client::new(conf);
    let key = kms
        .create_key()
        .description("app data")
        .set_tags(tagged.then(|| {
            TAGS.iter()
                .map(|(k, v)| {
                    aws_sdk_kms::types::Tag::builder()
                        .tag_key(*k)
                        .tag_value(*v)
                        .build()
                        .unwrap()
                })
                .collect()
        }))
        .send()
        .await
        .unwrap();
    key.key_metadata().unwrap().key_id().to_string()
}

/// EC2's long tail: the Elastic IPs (of the NAT gateways) get the cost tags, and
/// the primary VPC peers with the secondary one (NET-008); the violations leave
/// the regions unconnected (their VPCs overlap).
async fn seed_ec2_tail(east: &SdkConfig, west: &SdkConfig, seeded: &Seeded, setup: Setup) {
    let tags: Vec<ec2t::Tag> = TAGS
        .iter()
        .map(|(k, v)| ec2t::Tag::builder().key(*k).value(*v).build())
        .collect();
    for conf in [east, west] {
        let ec2 = aws_sdk_ec2::Client::new(conf);
        let eips = ec2.describe_addresses().send().await.unwrap();
        let ids: Vec<String> = eips
            .addresses()
            .iter()
            .filter_map(|a| a.allocation_id().map(str::to_string))
            .collect();
        ec2.create_tags()
            .set_resources(Some(ids))
            .set_tags(Some(tags.clone()))
            .send()
            .await
            .unwrap();
    }
    if setup == Setup::Violations {
        return;
    }
    let ec2 = aws_sdk_ec2::Client::new(east);
    let peering = ec2
        .create_vpc_peering_connection()
        .vpc_id(&seeded.vpcs[EAST])
        .peer_vpc_id(&seeded.vpcs[WEST])
        .peer_region(WEST)
        .tag_specifications(
            ec2t::TagSpecification::builder()
                .resource_type(ec2t::ResourceType::VpcPeeringConnection)
                .set_tags(Some(tags))
                .build(),
        )
        .send()
        .await
        .unwrap();
    let id = peering
        .vpc_peering_connection()
        .unwrap()
        .vpc_peering_connection_id()
        .unwrap()
        .to_string();
    aws_sdk_ec2::Client::new(west)
        .accept_vpc_peering_connection()
        .vpc_peering_connection_id(id)
        .send()
        .await
        .unwrap();
}

/// An SNS topic and an SQS queue in each region, with the architecture's tags. The
/// violation: an untagged topic, `ic-untagged`, in the primary region. (TAG-001's
/// types do not include queues; GDPR-001's do.)
async fn seed_messaging(east: &SdkConfig, west: &SdkConfig, setup: Setup) {
    for (conf, region) in [(east, EAST), (west, WEST)] {
        let sns = aws_sdk_sns::Client::new(conf);
        sns.create_topic()
            .name("alerts")
            .set_tags(Some(
                TAGS.iter()
                    .map(|(k, v)| {
                        aws_sdk_sns::types::Tag::builder()
                            .key(*k)
                            .value(*v)
                            .build()
                            .unwrap()
                    })
                    .collect(),
            ))
            .send()
            .await
            .unwrap();
        let sqs = aws_sdk_sqs::Client::new(conf);
        sqs.create_queue()
            .queue_name("jobs")
            .set_tags(Some(
                TAGS.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ))
            .send()
            .await
            .unwrap();
        if setup == Setup::Violations && region == EAST {
            sns.create_topic().name("ic-untagged").send().await.unwrap();
        }
    }
}

/// An ACM certificate and a Kinesis stream in each region, with the architecture's
/// tags. The violation: an untagged certificate (`untagged.example.com`) in the
/// primary region.
async fn seed_certificates_and_streams(east: &SdkConfig, west: &SdkConfig, setup: Setup) {
    for (conf, region) in [(east, EAST), (west, WEST)] {
        let acm = aws_sdk_acm::Client::new(conf);
        acm.request_certificate()
            .domain_name("app.example.com")
            .set_tags(Some(
                TAGS.iter()
                    .map(|(k, v)| {
                        aws_sdk_acm::types::Tag::builder()
                            .key(*k)
                            .value(*v)
                            .build()
                            .unwrap()
                    })
                    .collect(),
            ))
            .send()
            .await
            .unwrap();
        if setup == Setup::Violations && region == EAST {
            acm.request_certificate()
                .domain_name("untagged.example.com")
                .send()
                .await
                .unwrap();
        }
        let kinesis = aws_sdk_kinesis::Client::new(conf);
        kinesis
            .create_stream()
            .stream_name("events")
            .shard_count(1)
            .send()
            .await
            .unwrap();
        kinesis
            .add_tags_to_stream()
            .stream_name("events")
            .set_tags(Some(
                TAGS.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ))
            .send()
            .await
            .unwrap();
    }
}

/// The smallest valid zip archive (an empty one: its end-of-central-directory
/// record), the code of the seeded Lambda functions and canaries (moto stores it,
/// and runs nothing at creation).
const EMPTY_ZIP: [u8; 22] = [
    0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

/// The execution role of the seeded functions and canaries: trusted by Lambda, no
/// policy attached, tagged (global; IAM-001..003 have nothing to say about it).
const LAMBDA_ROLE: &str = "lambda-exec";

/// A Lambda function `app-fn`, a Firehose delivery stream `archive` (to the
/// region's log bucket) and a Synthetics canary `homepage` in each region, with
/// the architecture's tags. Violations (primary region): an untagged function, an
/// untagged delivery stream and an untagged canary, each `ic-untagged`.
async fn seed_functions_streams_and_canaries(east: &SdkConfig, west: &SdkConfig, setup: Setup) {
    let lambda_trust = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": ["lambda.amazonaws.com", "synthetics.amazonaws.com"]},
            "Action": "sts:AssumeRole",
        }],
    });
    aws_sdk_iam::Client::new(east)
        .create_role()
        .role_name(LAMBDA_ROLE)
        .assume_role_policy_document(lambda_trust.to_string())
        .set_tags(Some(iam_tags()))
        .send()
        .await
        .unwrap();
    let role = format!("arn:aws:iam::{ACCOUNT}:role/{LAMBDA_ROLE}");
    let tags: std::collections::HashMap<String, String> = TAGS
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    for (conf, region, bucket) in [(east, EAST, "ic-logs-east"), (west, WEST, "ic-logs-west")] {
        let mut names = vec![("app-fn", "archive", "homepage", true)];
        if setup == Setup::Violations && region == EAST {
            names.push(("ic-untagged", "ic-untagged", "ic-untagged", false));
        }
        for (function, stream, canary, tagged) in names {
            aws_sdk_lambda::Client::new(conf)
                .create_function()
                .function_name(function)
                .runtime(aws_sdk_lambda::types::Runtime::from("python3.12"))
                .handler("index.handler")
                .role(&role)
                .code(
                    aws_sdk_lambda::types::FunctionCode::builder()
                        .zip_file(aws_sdk_lambda::primitives::Blob::new(EMPTY_ZIP.to_vec()))
                        .build(),
                )
                .set_tags(tagged.then(|| tags.clone()))
                .send()
                .await
                .unwrap();
            aws_sdk_firehose::Client::new(conf)
                .create_delivery_stream()
                .delivery_stream_name(stream)
                .extended_s3_destination_configuration(
                    aws_sdk_firehose::types::ExtendedS3DestinationConfiguration::builder()
                        .role_arn(&role)
                        .bucket_arn(format!("arn:aws:s3:::{bucket}"))
                        .build()
                        .unwrap(),
                )
                .set_tags(tagged.then(|| {
                    TAGS.iter()
                        .map(|(k, v)| {
                            aws_sdk_firehose::types::Tag::builder()
                                .key(*k)
                                .value(*v)
                                .build()
                                .unwrap()
                        })
                        .collect()
                }))
                .send()
                .await
                .unwrap();
            let created = aws_sdk_synthetics::Client::new(conf)
                .create_canary()
                .name(canary)
                .code(
                    aws_sdk_synthetics::types::CanaryCodeInput::builder()
                        .handler("index.handler")
                        .zip_file(aws_sdk_synthetics::primitives::Blob::new(
                            EMPTY_ZIP.to_vec(),
                        ))
                        .build(),
                )
                .artifact_s3_location(format!("s3://{bucket}/canaries"))
                .execution_role_arn(&role)
                .schedule(
                    aws_sdk_synthetics::types::CanaryScheduleInput::builder()
                        .expression("rate(5 minutes)")
                        .build()
                        .unwrap(),
                )
                .runtime_version("syn-nodejs-puppeteer-9.1")
                .set_tags(tagged.then(|| tags.clone()))
                .send()
                .await;
            // moto (5.2) makes the canary but answers its timeline's timestamps as
            // ISO 8601 text where the API has epoch seconds: the SDK cannot read
            // the (200) answer, nor DescribeCanaries' (see `moto_gap`).
            if let Err(e) = created {
                let status = e.raw_response().map(|r| r.status().as_u16());
                assert_eq!(status, Some(200), "CreateCanary: {e:?}");
            }
        }
    }
}

/// An RDS instance, an Aurora cluster and an EFS file system in each region, with
/// the architecture's tags. The violation: an untagged instance, `ic-untagged`, in
/// the primary region.
async fn seed_databases(east: &SdkConfig, west: &SdkConfig, seeded: &Seeded, setup: Setup) {
    for (conf, region) in [(east, EAST), (west, WEST)] {
        // moto needs a security group for the databases: one of the VPC's own (the
        // seeding deleted the default VPC and its group).
        let groups = aws_sdk_ec2::Client::new(conf)
            .describe_security_groups()
            .filters(
                ec2t::Filter::builder()
                    .name("vpc-id")
                    .values(&seeded.vpcs[region])
                    .build(),
            )
            .send()
            .await
            .unwrap();
        let sg = groups
            .security_groups()
            .iter()
            .find(|g| g.group_name() != Some("default"))
            .and_then(|g| g.group_id())
            .unwrap()
            .to_string();
        let rds = aws_sdk_rds::Client::new(conf);
        let tags = || {
            TAGS.iter()
                .map(|(k, v)| aws_sdk_rds::types::Tag::builder().key(*k).value(*v).build())
                .collect::<Vec<_>>()
        };
        let instance = |id: &str| {
            rds.create_db_instance()
                .db_instance_identifier(id)
                .engine("postgres")
                .db_instance_class("db.t3.micro")
                .allocated_storage(20)
                .master_username("app")
                .master_user_password("not-a-secret-1")
                .storage_encrypted(true)
                .vpc_security_group_ids(&sg)
        };
        instance("db").set_tags(Some(tags())).send().await.unwrap();
        if setup == Setup::Violations && region == EAST {
            instance("ic-untagged").send().await.unwrap();
        }
        rds.create_db_cluster()
            .db_cluster_identifier("aurora")
            .engine("aurora-postgresql")
            .master_username("app")
            .master_user_password("not-a-secret-1")
            .storage_encrypted(true)
            .vpc_security_group_ids(&sg)
            .set_tags(Some(tags()))
            .send()
            .await
            .unwrap();
        aws_sdk_efs::Client::new(conf)
            .create_file_system()
            .creation_token("shared")
            .encrypted(true)
            .set_tags(Some(
                TAGS.iter()
                    .map(|(k, v)| {
                        aws_sdk_efs::types::Tag::builder()
                            .key(*k)
                            .value(*v)
                            .build()
                            .unwrap()
                    })
                    .collect(),
            ))
            .send()
            .await
            .unwrap();
    }
}

/// A customer-managed KMS key and a WAFv2 IP set in each region, tagged; the
/// violations leave the secondary's untagged (TAG-001).
async fn seed_keys_and_ip_sets(
    east: &SdkConfig,
    west: &SdkConfig,
    setup: Setup,
    global: &mut Global,
) {
    for (conf, region) in [(east, EAST), (west, WEST)] {
        let tagged = !(setup == Setup::Violations && region == WEST);
        let key = seed_kms(conf, tagged).await;
        global.keys.insert(region.to_string(), key);
        let ip_set = seed_ip_set(conf, tagged).await;
        global.ip_sets.insert(region.to_string(), ip_set);
    }
}

/// An IP set of blocked addresses in each region, tagged; the violations leave the
/// secondary's untagged (TAG-001). Returns its ID.
async fn seed_ip_set(conf: &SdkConfig, tagged: bool) -> String {
    use aws_sdk_wafv2::types as w;
    let set = aws_sdk_wafv2::Client::new(conf)
        .create_ip_set()
        .name("blocked")
        .scope(w::Scope::Regional)
        .ip_address_version(w::IpAddressVersion::Ipv4)
        .addresses("192.0.2.0/24")
        .set_tags(tagged.then(|| {
            TAGS.iter()
                .map(|(k, v)| w::Tag::builder().key(*k).value(*v).build().unwrap())
                .collect()
        }))
        .send()
        .await
        .unwrap();
    set.summary().unwrap().id().unwrap().to_string()
}

async fn seed(moto: &Moto, setup: Setup) -> Seeded {
    let mut seeded = Seeded::default();
    let east = sdk(moto, EAST).await;
    let west = sdk(moto, WEST).await;
    seed_bucket(&east, EAST, "ic-logs-east", true).await;
    seed_bucket(&west, WEST, "ic-logs-west", true).await;
    seed_region(&east, EAST, "10.0", "ic-logs-east", setup, &mut seeded).await;
    // The violation: the secondary VPC overlaps the primary one.
    let west_cidr = if setup == Setup::Violations {
        "10.0"
    } else {
        "10.1"
    };
    seed_region(&west, WEST, west_cidr, "ic-logs-west", setup, &mut seeded).await;
    for (conf, region) in [(&east, EAST), (&west, WEST)] {
        seed_dynamodb(conf, region, setup).await;
        seed_autoscaling(conf, region, &seeded, setup).await;
        seed_elasticache(conf, region, setup).await;
        seed_dax(conf, region, setup).await;
        seed_backup(conf, region, setup, &mut seeded).await;
    }
    seed_iam(&east, setup).await;
    seed_cloudfront(&east, setup, &mut seeded.global).await;
    seed_route53(&east, &west, &seeded.lbs, setup, &mut seeded.global).await;
    seed_ec2_tail(&east, &west, &seeded, setup).await;
    seed_keys_and_ip_sets(&east, &west, setup, &mut seeded.global).await;
    seed_messaging(&east, &west, setup).await;
    seed_databases(&east, &west, &seeded, setup).await;
    seed_certificates_and_streams(&east, &west, setup).await;
    seed_functions_streams_and_canaries(&east, &west, setup).await;
    // One trail for the account, from the primary region: multi-region, with log
    // file validation (the violation: a single-region trail without).
    let trail = aws_sdk_cloudtrail::Client::new(&east);
    trail
        .create_trail()
        .name("account")
        .s3_bucket_name("ic-logs-east")
        .is_multi_region_trail(setup == Setup::Compliant)
        .enable_log_file_validation(setup == Setup::Compliant)
        .set_tags_list(Some(
            TAGS.iter()
                .map(|(k, v)| {
                    aws_sdk_cloudtrail::types::Tag::builder()
                        .key(*k)
                        .value(*v)
                        .build()
                        .unwrap()
                })
                .collect(),
        ))
        .send()
        .await
        .unwrap();
    trail.start_logging().name("account").send().await.unwrap();
    // A database secret in the primary region, rotated and replicated to the
    // secondary (the violation adds one in the secondary that is neither).
    let sm = aws_sdk_secretsmanager::Client::new(&east);
    let sm_tags = || -> Vec<aws_sdk_secretsmanager::types::Tag> {
        TAGS.iter()
            .map(|(k, v)| {
                aws_sdk_secretsmanager::types::Tag::builder()
                    .key(*k)
                    .value(*v)
                    .build()
            })
            .collect()
    };
    sm.create_secret()
        .name("db")
        .secret_string("s3cr3t")
        .add_replica_regions(
            aws_sdk_secretsmanager::types::ReplicaRegionType::builder()
                .region(WEST)
                .build(),
        )
        .set_tags(Some(sm_tags()))
        .send()
        .await
        .unwrap();
    sm.rotate_secret()
        .secret_id("db")
        .rotation_rules(
            aws_sdk_secretsmanager::types::RotationRulesType::builder()
                .automatically_after_days(30)
                .build(),
        )
        .rotate_immediately(false)
        .send()
        .await
        .unwrap();
    if setup == Setup::Violations {
        aws_sdk_secretsmanager::Client::new(&west)
            .create_secret()
            .name("api")
            .secret_string("s3cr3t")
            .set_tags(Some(sm_tags()))
            .send()
            .await
            .unwrap();
    }
    if setup == Setup::Violations {
        seed_bucket(&east, EAST, "ic-planted-plain", false).await;
    } else {
        aws_sdk_s3control::Client::from_conf(
            aws_sdk_s3control::config::Builder::from(&east)
                .endpoint_resolver(Fixed(moto.url()))
                .build(),
        )
        .put_public_access_block()
        .account_id(ACCOUNT)
        .public_access_block_configuration(
            aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .block_public_policy(true)
                .ignore_public_acls(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    }
    seeded
}

/// Runs `infracheck live` with fake credentials; returns the exit code, the JSON
/// report and standard error.
fn live(args: &[&str], env: &[(&str, &str)]) -> (i32, serde_json::Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let mut all = vec![
        "live",
        "--regions",
        "us-east-1,us-west-2",
        "--fail-on",
        "never",
    ];
    all.extend(args);
    let report_arg = format!("json={}", report.display());
    all.extend(["-f", &report_arg]);
    let o = infracheck_command(dir.path())
        .args(&all)
        .env("INFRACHECK_TIMINGS", "1")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let code = o.status.code().unwrap_or(-1);
    let doc = std::fs::read_to_string(&report)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(serde_json::Value::Null);
    (code, doc, stderr)
}

/// (rule, address) of every result with `status`.
fn with_status(doc: &serde_json::Value, status: &str) -> BTreeSet<(String, String)> {
    doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == status)
        .map(|r| {
            (
                r["rule_id"].as_str().unwrap().to_string(),
                r["address"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn rules_with(doc: &serde_json::Value, status: &str) -> BTreeSet<String> {
    with_status(doc, status)
        .into_iter()
        .map(|(r, _)| r)
        .collect()
}

fn addr(kind: &str, region: &str, id: &str) -> String {
    format!("{kind}.{ACCOUNT}/{region}/{id}")
}

fn set(items: &[(&str, String)]) -> BTreeSet<(String, String)> {
    items
        .iter()
        .map(|(r, a)| (r.to_string(), a.clone()))
        .collect()
}

/// The rules whose data the collectors read completely: on a compliant account they
/// pass. (SG-001 is checked for its planted failures.)
const COVERED_RULES: &[&str] = &[
    "NET-001",
    "NET-002",
    "NET-003",
    "NET-004",
    "NET-005",
    "NET-006",
    "NET-007",
    "SG-003",
    "EC2-002",
    "EC2-004",
    "S3-001",
    "S3-002",
    "S3-003",
    "S3-004",
    "S3-005",
    "GD-001",
    "SH-001",
    "MON-002",
    "CFG-001",
    "TRAIL-001",
    "ALB-001",
    "ALB-002",
    "ALB-003",
    "ALB-004",
    "ALB-005",
    "SM-001",
    "SM-002",
    "WAF-002",
    "WAF-003",
    "WAF-004",
    "WAF-005",
    // IAM (global)
    "IAM-001",
    "IAM-002",
    "IAM-003",
    "EC2-003",
    // CloudFront (global) and its web ACLs
    "CDN-001",
    "CDN-002",
    "CDN-003",
    "CDN-004",
    "WAF-001",
    // Route 53 (global)
    "DNS-001",
    "DNS-002",
    "DNS-003",
    // EC2's long tail: peering
    "NET-008",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compliant_account_has_no_failed_findings() {
    let Some(moto) = start_moto() else { return };
    let seeded = seed(&moto, Setup::Compliant).await;
    let (code, doc, stderr) = live(&["--endpoint-url", &moto.url()], &[]);
    assert_eq!(code, 0, "{stderr}");
    eprintln!(
        "{}",
        stderr
            .lines()
            .find(|l| l.starts_with("live:"))
            .unwrap_or("")
    );
    assert_eq!(doc["source"]["kind"], "live");
    let failed: BTreeSet<_> = with_status(&doc, "FAILED")
        .into_iter()
        .filter(|(r, a)| !moto_cannot_pass(r, a))
        .collect();
    assert!(
        failed.is_empty(),
        "FAILED on a compliant account: {failed:#?}"
    );
    // Every covered rule passes somewhere and is never UNKNOWN.
    let passed_rules = rules_with(&doc, "PASSED");
    let unknown = with_status(&doc, "UNKNOWN");
    for rule in COVERED_RULES.iter().chain(DATA_COMPUTE_RULES) {
        assert!(passed_rules.contains(*rule), "{rule} has no PASSED outcome");
        let u: Vec<_> = unknown.iter().filter(|(r, _)| r == rule).collect();
        assert!(u.is_empty(), "{rule} UNKNOWN: {u:?}");
    }
    // The exact PASSED outcomes of a few rules: per VPC, per bucket, per region.
    let passed = with_status(&doc, "PASSED");
    let only = |rule: &str| -> BTreeSet<(String, String)> {
        passed.iter().filter(|(r, _)| r == rule).cloned().collect()
    };
    let vpcs: Vec<(&str, String)> = [EAST, WEST]
        .iter()
        .map(|r| ("NET-005", addr("aws_vpc", r, &seeded.vpcs[r])))
        .collect();
    assert_eq!(only("NET-005"), set(&vpcs));
    let buckets = [
        ("S3-002", addr("aws_s3_bucket", EAST, "ic-logs-east")),
        ("S3-002", addr("aws_s3_bucket", WEST, "ic-logs-west")),
    ];
    assert_eq!(only("S3-002"), set(&buckets));
    // Per-resource rules judge what was read (whatever could not be: moto's
    // canaries, `moto_gap`).
    let topics: Vec<String> = [EAST, WEST]
        .iter()
        .map(|r| addr("aws_sns_topic", r, "alerts"))
        .collect();
    let databases: Vec<String> = [EAST, WEST]
        .iter()
        .flat_map(|r| {
            [
                addr("aws_db_instance", r, "db"),
                addr("aws_rds_cluster", r, "aurora"),
            ]
        })
        .collect();
    let of_type = |t: &str| -> Vec<String> {
        doc["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["resource_type"] == t && r["rule_id"] == "GDPR-001")
            .map(|r| r["address"].as_str().unwrap().to_string())
            .collect()
    };
    let certificates = of_type("aws_acm_certificate");
    assert_eq!(certificates.len(), 2, "one certificate per region");
    let regional_only: Vec<String> = [EAST, WEST]
        .iter()
        .flat_map(|r| {
            [
                addr("aws_sqs_queue", r, "jobs"),
                addr("aws_kinesis_stream", r, "events"),
            ]
        })
        .chain(of_type("aws_efs_file_system"))
        .collect();
    assert_eq!(regional_only.len(), 6, "queues, streams, two file systems");
    // Lambda functions, canaries and alarms (their tags from the tagging API or the
    // canary list); delivery streams are not among TAG-001's types.
    // (moto's canaries cannot be read: see `moto_gap`.)
    let canaries_read = canaries_readable(&doc);
    let functions_canaries_alarms: Vec<String> = [EAST, WEST]
        .iter()
        .flat_map(|r| {
            [
                addr("aws_lambda_function", r, "app-fn"),
                addr("aws_synthetics_canary", r, "homepage"),
                addr("aws_cloudwatch_metric_alarm", r, "app-cpu-high"),
                addr("aws_cloudwatch_metric_alarm", r, "web-5xx"),
            ]
        })
        .filter(|a| canaries_read || !a.starts_with("aws_synthetics_canary."))
        .collect();
    let delivery_streams: Vec<String> = [EAST, WEST]
        .iter()
        .map(|r| addr("aws_kinesis_firehose_delivery_stream", r, "archive"))
        .collect();
    for (rule, also) in [
        (
            "TAG-001",
            [&certificates[..], &functions_canaries_alarms[..]].concat(),
        ),
        (
            "GDPR-001",
            [
                &certificates[..],
                &regional_only[..],
                &functions_canaries_alarms[..],
                &delivery_streams[..],
            ]
            .concat(),
        ),
    ] {
        for bucket in buckets
            .iter()
            .map(|(_, b)| b)
            .chain(&topics)
            .chain(&databases)
            .chain(&also)
        {
            assert!(
                passed.contains(&(rule.to_string(), bucket.clone())),
                "{rule} on {bucket}"
            );
        }
    }
    assert_eq!(
        only("NET-006"),
        set(&[
            (
                "NET-006",
                addr("aws_flow_log", EAST, &seeded.flow_logs[EAST])
            ),
            (
                "NET-006",
                addr("aws_flow_log", WEST, &seeded.flow_logs[WEST])
            ),
        ])
    );
    // The replica is a block of its primary secret, not a secret of its own.
    for rule in ["SM-001", "SM-002"] {
        assert_eq!(
            only(rule),
            set(&[(rule, addr("aws_secretsmanager_secret", EAST, "db"))])
        );
    }
    assert_eq!(
        only("CFG-001"),
        set(&[
            ("CFG-001", "region/us-east-1".to_string()),
            ("CFG-001", "region/us-west-2".to_string()),
        ])
    );
    assert_eq!(
        only("GD-001"),
        set(&[
            ("GD-001", "region/us-east-1".to_string()),
            ("GD-001", "region/us-west-2".to_string()),
        ])
    );
    assert_eq!(
        only("EC2-002"),
        set(&[
            (
                "EC2-002",
                addr("aws_launch_template", EAST, &seeded.templates[EAST])
            ),
            (
                "EC2-002",
                addr("aws_launch_template", WEST, &seeded.templates[WEST])
            ),
        ])
    );
    // CloudFront (global): the distribution, and its web ACL in us-east-1.
    let distribution = format!(
        "aws_cloudfront_distribution.{ACCOUNT}/{}",
        seeded.global.distributions.0
    );
    for rule in ["CDN-001", "CDN-002", "CDN-003", "CDN-004"] {
        assert_eq!(only(rule), set(&[(rule, distribution.clone())]));
    }
    let edge = addr("aws_wafv2_web_acl", EAST, &seeded.global.edge_acl);
    for rule in ["WAF-001", "WAF-002", "WAF-003", "WAF-004", "WAF-005"] {
        let want = if rule == "WAF-001" {
            &distribution
        } else {
            &edge
        };
        assert!(
            only(rule).contains(&(rule.to_string(), want.clone())),
            "{rule}: {:#?}",
            only(rule)
        );
    }
    // Route 53 (global): the zone fails over, its PRIMARY records have the health
    // check.
    let zone = &seeded.global.zone;
    let global = |kind: &str, id: &str| format!("{kind}.{ACCOUNT}/{id}");
    assert_eq!(
        only("DNS-001"),
        set(&[("DNS-001", global("aws_route53_zone", zone))])
    );
    assert_eq!(
        only("DNS-003"),
        set(&[(
            "DNS-003",
            global("aws_route53_health_check", &seeded.global.health_check)
        )])
    );
    for name in ["example.com", "www.example.com"] {
        let primary = global("aws_route53_record", &format!("{zone}_{name}_A_primary"));
        assert!(only("DNS-002").contains(&("DNS-002".to_string(), primary)));
    }
    // KMS: each region's customer-managed key is read in its region, and passes
    // the region rule.
    for region in [EAST, WEST] {
        let key = addr("aws_kms_key", region, &seeded.global.keys[region]);
        assert!(
            passed.contains(&("GDPR-001".to_string(), key.clone())),
            "GDPR-001 does not pass {key}"
        );
    }
    // Live mode lists what it could not read (here only moto's limits) and what it
    // does not collect (nothing now) as coverage gaps.
    let gaps = doc["coverage_gaps"].as_array().expect("coverage_gaps");
    assert!(
        gaps.iter()
            .all(|g| g["reason"] == "not_collected" || moto_gap(g)),
        "{gaps:#?}"
    );
    // Functions, delivery streams, canaries and alarm tags are read: no gap names
    // their types.
    let read_now = [
        "aws_lambda_function",
        "aws_kinesis_firehose_delivery_stream",
        "aws_synthetics_canary",
        "aws_cloudwatch_metric_alarm",
    ];
    let named: Vec<_> = gaps
        .iter()
        .filter(|g| !moto_gap(g))
        .filter(|g| {
            g["resource_types"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| read_now.iter().any(|r| t == r))
        })
        .collect();
    assert!(named.is_empty(), "{named:#?}");
    // Every type a rule reads is collected now.
    let not_collected: Vec<_> = gaps
        .iter()
        .filter(|g| g["reason"] == "not_collected")
        .collect();
    assert!(not_collected.is_empty(), "{not_collected:#?}");
}

/// Whether the scan read Synthetics canaries (moto 5.2's cannot be: `moto_gap`).
fn canaries_readable(doc: &serde_json::Value) -> bool {
    !doc["coverage_gaps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["service"] == "synthetics")
}

/// A test rule: delivery streams carry the `CostCenter` tag (no built-in rule
/// reads their tags).
const STREAM_TAG_RULE: &str = r#"# METADATA
# title: Delivery streams carry the CostCenter tag
# custom:
#   id: TEST-001
#   severity: low
#   per_resource: true
#   resource_types: [aws_kinesis_firehose_delivery_stream]
#   remediation: Tag it.
package test.stream_tags

import rego.v1

deny contains {"address": s.address, "message": "no CostCenter tag"} if {
	some s in input.by_type.aws_kinesis_firehose_delivery_stream
	object.get(s.values, ["tags", "CostCenter"], "") == ""
}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_violations_are_the_failed_findings() {
    let Some(moto) = start_moto() else { return };
    let seeded = seed(&moto, Setup::Violations).await;
    // No built-in rule reads delivery stream tags: a test rule does, to check them.
    let policies = tempfile::tempdir().unwrap();
    std::fs::write(policies.path().join("stream_tags.rego"), STREAM_TAG_RULE).unwrap();
    let (code, doc, stderr) = live(
        &[
            "--endpoint-url",
            &moto.url(),
            "--policy-dir",
            policies.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    let failed = with_status(&doc, "FAILED");
    let east_vpc = addr("aws_vpc", EAST, &seeded.vpcs[EAST]);
    let west_vpc = addr("aws_vpc", WEST, &seeded.vpcs[WEST]);
    let ssh_rule = addr(
        "aws_vpc_security_group_ingress_rule",
        EAST,
        seeded.ssh_rule.as_deref().expect("the SSH rule's ID"),
    );
    let plain = addr("aws_s3_bucket", EAST, "ic-planted-plain");
    let expected = set(&[
        ("NET-001", east_vpc.clone()),
        ("NET-001", west_vpc.clone()),
        (
            "NET-004",
            addr("aws_subnet", EAST, &seeded.subnets["us-east-1-private-b"]),
        ),
        ("NET-005", west_vpc.clone()),
        ("NET-007", west_vpc.clone()),
        ("SG-001", ssh_rule.clone()),
        ("SG-003", ssh_rule.clone()),
        (
            "EC2-002",
            addr("aws_launch_template", EAST, &seeded.templates[EAST]),
        ),
        (
            "EC2-004",
            addr("aws_ebs_encryption_by_default", WEST, "default"),
        ),
        ("S3-001", plain.clone()),
        ("S3-002", plain.clone()),
        ("S3-003", plain.clone()),
        ("S3-004", plain.clone()),
        ("S3-005", plain.clone()),
        ("GD-001", "region/us-west-2".to_string()),
        ("SH-001", "region/us-west-2".to_string()),
        (
            "NET-006",
            addr("aws_flow_log", EAST, &seeded.flow_logs[EAST]),
        ),
        ("MON-002", addr("aws_cloudwatch_log_group", WEST, "ic/app")),
        ("CFG-001", "region/us-west-2".to_string()),
        ("TRAIL-001", "region/us-east-1".to_string()),
        ("TRAIL-001", "region/us-west-2".to_string()),
        (
            "ALB-001",
            addr("aws_lb_listener", EAST, elb_id(&seeded.lbs[EAST][1])),
        ),
        (
            "ALB-003",
            addr("aws_lb_target_group", EAST, elb_id(&seeded.lbs[EAST][3])),
        ),
        (
            "ALB-002",
            addr("aws_lb_listener", WEST, elb_id(&seeded.lbs[WEST][2])),
        ),
        (
            "ALB-004",
            addr("aws_lb", WEST, elb_id(&seeded.lbs[WEST][0])),
        ),
        (
            "ALB-005",
            addr("aws_lb", WEST, elb_id(&seeded.lbs[WEST][0])),
        ),
        ("SM-001", addr("aws_secretsmanager_secret", WEST, "api")),
        ("SM-002", addr("aws_secretsmanager_secret", WEST, "api")),
        (
            "WAF-001",
            addr("aws_lb", WEST, elb_id(&seeded.lbs[WEST][0])),
        ),
        (
            "WAF-002",
            addr("aws_wafv2_web_acl", WEST, &seeded.acls[WEST]),
        ),
        (
            "WAF-003",
            addr("aws_wafv2_web_acl", WEST, &seeded.acls[WEST]),
        ),
        (
            "WAF-004",
            addr("aws_wafv2_web_acl", WEST, &seeded.acls[WEST]),
        ),
        (
            "WAF-005",
            addr("aws_wafv2_web_acl", WEST, &seeded.acls[WEST]),
        ),
    ]);
    let mut expected = expected;
    expected.extend(data_compute_violations(&seeded));
    // IAM (global): addresses are <type>.<account>/<id>.
    let global = |kind: &str, id: &str| format!("{kind}.{ACCOUNT}/{id}");
    let expected: BTreeSet<(String, String)> = expected
        .into_iter()
        .chain(set(&[
            ("IAM-001", global("aws_iam_policy", "admin-all")),
            ("IAM-001", global("aws_iam_user_policy", "ci:everything")),
            ("IAM-002", global("aws_iam_role", "app-ssm")),
            ("IAM-003", global("aws_iam_role", "github-deploy")),
        ]))
        .collect();
    // CloudFront (global): the legacy distribution.
    let legacy = global(
        "aws_cloudfront_distribution",
        seeded.global.distributions.1.as_deref().unwrap(),
    );
    let expected: BTreeSet<(String, String)> = expected
        .into_iter()
        .chain(set(&[
            ("CDN-001", legacy.clone()),
            ("CDN-002", legacy.clone()),
            ("CDN-003", legacy.clone()),
            ("CDN-004", legacy.clone()),
            ("WAF-001", legacy.clone()),
        ]))
        .collect();
    // Route 53 (global): www without failover, api's PRIMARY without a health check,
    // the health check every 10 s.
    let zone = &seeded.global.zone;
    let expected: BTreeSet<(String, String)> = expected
        .into_iter()
        .chain(set(&[
            ("DNS-001", global("aws_route53_zone", zone)),
            (
                "DNS-002",
                global(
                    "aws_route53_record",
                    &format!("{zone}_api.example.com_A_primary"),
                ),
            ),
            (
                "DNS-003",
                global("aws_route53_health_check", &seeded.global.health_check),
            ),
        ]))
        .collect();
    // EC2's long tail: the regions are not peered.
    let expected: BTreeSet<(String, String)> = expected
        .into_iter()
        .chain(set(&[
            ("NET-008", "region/us-east-1".to_string()),
            ("NET-008", "region/us-west-2".to_string()),
        ]))
        .collect();
    // TAG-001 as a whole (but AWS Backup's types, which moto cannot tag:
    // `moto_cannot_pass`; log groups' tags are not read, UNKNOWN): the untagged
    // key, role, policy, topic, certificate, database, IP set, function, alarm and
    // (where readable) canary.
    let untagged_certificate = aws_sdk_acm::Client::new(&sdk(&moto, EAST).await)
        .list_certificates()
        .send()
        .await
        .unwrap()
        .certificate_summary_list()
        .iter()
        .find(|c| c.domain_name() == Some("untagged.example.com"))
        .and_then(|c| c.certificate_arn())
        .and_then(|a| a.rsplit('/').next())
        .unwrap()
        .to_string();
    let tag_failed: BTreeSet<(String, String)> = failed
        .iter()
        .filter(|(r, a)| r == "TAG-001" && !moto_cannot_pass(r, a))
        .cloned()
        .collect();
    assert_eq!(
        tag_failed,
        set(&[
            (
                "TAG-001",
                addr("aws_kms_key", WEST, &seeded.global.keys[WEST])
            ),
            ("TAG-001", global("aws_iam_role", "break-glass")),
            ("TAG-001", addr("aws_sns_topic", EAST, "ic-untagged")),
            (
                "TAG-001",
                addr("aws_acm_certificate", EAST, &untagged_certificate),
            ),
            ("TAG-001", addr("aws_db_instance", EAST, "ic-untagged")),
            ("TAG-001", global("aws_iam_policy", "admin-all")),
            (
                "TAG-001",
                addr("aws_wafv2_ip_set", WEST, &seeded.global.ip_sets[WEST]),
            ),
            ("TAG-001", addr("aws_lambda_function", EAST, "ic-untagged")),
            (
                "TAG-001",
                addr("aws_cloudwatch_metric_alarm", EAST, "web-5xx")
            ),
        ])
        .into_iter()
        .chain(canaries_readable(&doc).then(|| {
            (
                "TAG-001".to_string(),
                addr("aws_synthetics_canary", EAST, "ic-untagged"),
            )
        }))
        .collect()
    );
    // Delivery stream tags (from the tagging API), through the test rule.
    let stream = |r: &str, n: &str| addr("aws_kinesis_firehose_delivery_stream", r, n);
    assert_eq!(
        with_status(&doc, "FAILED")
            .into_iter()
            .filter(|(r, _)| r == "TEST-001")
            .collect::<BTreeSet<_>>(),
        set(&[("TEST-001", stream(EAST, "ic-untagged"))])
    );
    let passed = with_status(&doc, "PASSED");
    for a in [stream(EAST, "archive"), stream(WEST, "archive")] {
        assert!(passed.contains(&("TEST-001".to_string(), a.clone())), "{a}");
    }
    // All in the allowed regions.
    let new_types = [
        "aws_lambda_function.",
        "aws_kinesis_firehose_delivery_stream.",
        "aws_synthetics_canary.",
        "aws_cloudwatch_metric_alarm.",
    ];
    let residency: Vec<_> = failed
        .iter()
        .filter(|(r, a)| r == "GDPR-001" && new_types.iter().any(|t| a.starts_with(t)))
        .collect();
    assert!(residency.is_empty(), "{residency:#?}");
    let covered: BTreeSet<&str> = COVERED_RULES
        .iter()
        .chain(DATA_COMPUTE_RULES)
        .chain(&["DDB-002"])
        .copied()
        .chain(["SG-001", "WAF-001"])
        .collect();
    let failed_covered: BTreeSet<_> = failed
        .iter()
        .filter(|(r, _)| covered.contains(r.as_str()))
        .cloned()
        .collect();
    assert_eq!(
        failed_covered, expected,
        "all FAILED: {failed:#?}\ngaps: {:#}",
        doc["coverage_gaps"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_service_is_a_gap_and_its_rules_are_unknown() {
    let Some(moto) = start_moto() else { return };
    seed(&moto, Setup::Compliant).await;
    // GuardDuty answers nothing: its endpoint is a closed port; nor does the
    // tagging API (the tags of alarms, functions, delivery streams, topics, queues
    // and certificates). The rest
    // comes from the standard AWS_ENDPOINT_URL variable instead of --endpoint-url.
    let closed_url = closed_url();
    let (code, doc, stderr) = live(
        &[],
        &[
            ("AWS_ENDPOINT_URL", &moto.url()),
            ("AWS_ENDPOINT_URL_GUARDDUTY", &closed_url),
            ("AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API", &closed_url),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let gaps = doc["coverage_gaps"].as_array().unwrap();
    let unreadable: BTreeSet<(String, String)> = gaps
        .iter()
        .filter(|g| g["reason"] == "unreadable" && !moto_gap(g))
        .map(|g| {
            (
                g["service"].as_str().unwrap().to_string(),
                g["region"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        unreadable,
        [
            "guardduty",
            "cloudwatch",
            "lambda",
            "firehose",
            "sns",
            "sqs",
            "acm"
        ]
        .iter()
        .flat_map(|s| [
            (s.to_string(), EAST.to_string()),
            (s.to_string(), WEST.to_string())
        ])
        .collect(),
        "{gaps:#?}"
    );
    // The tag batch failed: a partial gap (the resources were read), their tags
    // unknown: TAG-001 UNKNOWN, GDPR-001 still judged.
    for g in gaps
        .iter()
        .filter(|g| g["service"] != "guardduty" && !moto_gap(g))
    {
        assert!(
            g["error"]
                .as_str()
                .unwrap()
                .starts_with("tag:GetResources: "),
            "{g:#}"
        );
        assert_eq!(g["resource_types"], serde_json::json!([]), "{g:#}");
    }
    let unknown = with_status(&doc, "UNKNOWN");
    let passed = with_status(&doc, "PASSED");
    for region in [EAST, WEST] {
        for a in [
            addr("aws_lambda_function", region, "app-fn"),
            addr("aws_cloudwatch_metric_alarm", region, "web-5xx"),
            addr("aws_sns_topic", region, "alerts"),
        ] {
            assert!(unknown.contains(&("TAG-001".to_string(), a.clone())), "{a}");
            assert!(passed.contains(&("GDPR-001".to_string(), a.clone())), "{a}");
        }
    }
    let gd: BTreeMap<String, String> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule_id"] == "GD-001")
        .map(|r| {
            (
                r["address"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        gd,
        [
            ("region/us-east-1", "UNKNOWN"),
            ("region/us-west-2", "UNKNOWN")
        ]
        .iter()
        .map(|(a, s)| (a.to_string(), s.to_string()))
        .collect()
    );
    // The other services were read: their rules still pass.
    assert!(rules_with(&doc, "PASSED").contains("S3-001"));
    let failed: BTreeSet<_> = with_status(&doc, "FAILED")
        .into_iter()
        .filter(|(r, a)| !moto_cannot_pass(r, a))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");

    // The table names the gaps in its summary line.
    let o = Command::new(env!("CARGO_BIN_EXE_infracheck"))
        .args([
            "live",
            "--regions",
            "us-east-1,us-west-2",
            "--rules",
            "GD-001",
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", moto.url())
        .env("AWS_ENDPOINT_URL_GUARDDUTY", &closed_url)
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(
        table.contains("coverage gap: guardduty in us-west-2 could not be read"),
        "{table}"
    );
    // So do the other formats.
    let dir = tempfile::tempdir().unwrap();
    let file = |ext: &str| dir.path().join(format!("r.{ext}")).display().to_string();
    let formats = ["sarif", "junit", "markdown", "github"];
    let mut args = vec![
        "live",
        "--regions",
        "us-east-1,us-west-2",
        "--rules",
        "GD-001",
    ];
    let specs: Vec<String> = formats.iter().map(|f| format!("{f}={}", file(f))).collect();
    for spec in &specs {
        args.extend(["-f", spec]);
    }
    let status = Command::new(env!("CARGO_BIN_EXE_infracheck"))
        .args(&args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL", moto.url())
        .env("AWS_ENDPOINT_URL_GUARDDUTY", &closed_url)
        .status()
        .unwrap();
    assert!(status.success());
    for f in formats {
        let text = std::fs::read_to_string(file(f)).unwrap();
        assert!(
            text.to_lowercase()
                .contains("coverage gap: guardduty in us-west-2"),
            "{f}: {text}"
        );
    }
    assert!(
        table.contains("coverage gaps (rules that need their data give UNKNOWN)"),
        "{table}"
    );
}

#[test]
fn nothing_readable_is_exit_code_2() {
    let (code, _, stderr) = live(&["--endpoint-url", &closed_url()], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("infracheck: error: cannot read the AWS account"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_arn_scans_the_assumed_account() {
    let Some(moto) = start_moto() else { return };
    let east = sdk(&moto, EAST).await;
    seed_bucket(&east, EAST, "ic-only-in-the-default-account", true).await;
    let (code, doc, stderr) = live(
        &[
            "--endpoint-url",
            &moto.url(),
            "--role-arn",
            "arn:aws:iam::111122223333:role/audit",
        ],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(doc["source"]["path"], "aws:111122223333");
    let buckets: Vec<_> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["resource_type"] == "aws_s3_bucket")
        .collect();
    assert!(buckets.is_empty(), "{buckets:#?}");
}

// ---------------------------------------------------------------------------
// Regional data and compute services: DynamoDB (+ Application Auto Scaling), Auto
// Scaling groups and CloudWatch alarms, ElastiCache, DAX, AWS Backup.

/// The data classification tag GDPR-002 wants on data stores, with [`TAGS`].
fn store_tags() -> Vec<(&'static str, &'static str)> {
    TAGS.iter()
        .copied()
        .chain([("DataClassification", "confidential")])
        .collect()
}

/// Two tables per region: `orders` (provisioned, auto scaled 1-10 at 70% on reads
/// and writes) and `sessions` (on demand), both with point-in-time recovery and the
/// tags. moto cannot make global tables (no replicas), so every table fails
/// DDB-002. Violations (primary region): `orders` without point-in-time recovery
/// nor auto scaling; a `scratch` table without its data classification tag.
async fn seed_dynamodb(conf: &SdkConfig, region: &str, setup: Setup) {
    use aws_sdk_applicationautoscaling::types as a;
    use aws_sdk_dynamodb::types as d;
    let violation = setup == Setup::Violations && region == EAST;
    let ddb = aws_sdk_dynamodb::Client::new(conf);
    let mut tables = vec![
        ("orders", true, store_tags()),
        ("sessions", false, store_tags()),
    ];
    if violation {
        tables.push(("scratch", false, TAGS.to_vec()));
    }
    for (name, provisioned, tags) in tables {
        let mut create = ddb
            .create_table()
            .table_name(name)
            .attribute_definitions(
                d::AttributeDefinition::builder()
                    .attribute_name("pk")
                    .attribute_type(d::ScalarAttributeType::S)
                    .build()
                    .unwrap(),
            )
            .key_schema(
                d::KeySchemaElement::builder()
                    .attribute_name("pk")
                    .key_type(d::KeyType::Hash)
                    .build()
                    .unwrap(),
            )
            .set_tags(Some(
                tags.iter()
                    .map(|(k, v)| d::Tag::builder().key(*k).value(*v).build().unwrap())
                    .collect(),
            ));
        create = if provisioned {
            create
                .billing_mode(d::BillingMode::Provisioned)
                .provisioned_throughput(
                    d::ProvisionedThroughput::builder()
                        .read_capacity_units(5)
                        .write_capacity_units(5)
                        .build()
                        .unwrap(),
                )
        } else {
            create.billing_mode(d::BillingMode::PayPerRequest)
        };
        create.send().await.unwrap();
        if !(violation && name == "orders") {
            ddb.update_continuous_backups()
                .table_name(name)
                .point_in_time_recovery_specification(
                    d::PointInTimeRecoverySpecification::builder()
                        .point_in_time_recovery_enabled(true)
                        .build()
                        .unwrap(),
                )
                .send()
                .await
                .unwrap();
        }
    }
    if violation {
        return;
    }
    let aas = aws_sdk_applicationautoscaling::Client::new(conf);
    for (dim, metric) in [
        (
            a::ScalableDimension::DynamoDbTableReadCapacityUnits,
            a::MetricType::DynamoDbReadCapacityUtilization,
        ),
        (
            a::ScalableDimension::DynamoDbTableWriteCapacityUnits,
            a::MetricType::DynamoDbWriteCapacityUtilization,
        ),
    ] {
        aas.register_scalable_target()
            .service_namespace(a::ServiceNamespace::Dynamodb)
            .resource_id("table/orders")
            .scalable_dimension(dim.clone())
            .min_capacity(1)
            .max_capacity(10)
            .send()
            .await
            .unwrap();
        aas.put_scaling_policy()
            .policy_name(format!("{}-tracking", dim.as_str()))
            .service_namespace(a::ServiceNamespace::Dynamodb)
            .resource_id("table/orders")
            .scalable_dimension(dim)
            .policy_type(a::PolicyType::TargetTrackingScaling)
            .target_tracking_scaling_policy_configuration(
                a::TargetTrackingScalingPolicyConfiguration::builder()
                    .target_value(70.0)
                    .predefined_metric_specification(
                        a::PredefinedMetricSpecification::builder()
                            .predefined_metric_type(metric)
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    }
}

/// An Auto Scaling group `app` in the private subnets of both zones behind the
/// target group, with ELB health checks, a target-tracking CPU policy (50%), a
/// high-CPU alarm, and a 5xx alarm on the load balancer, the alarms tagged.
/// Violations: the primary's group uses EC2 health checks in one zone, with neither
/// policy nor alarm, and its 5xx alarm is untagged; the secondary's load balancer
/// has no 5xx alarm.
async fn seed_autoscaling(conf: &SdkConfig, region: &str, seeded: &Seeded, setup: Setup) {
    use aws_sdk_autoscaling::types as t;
    let violations = setup == Setup::Violations;
    let asg = aws_sdk_autoscaling::Client::new(conf);
    let subnets = if violations && region == EAST {
        seeded.subnets[&format!("{region}-private-a")].clone()
    } else {
        format!(
            "{},{}",
            seeded.subnets[&format!("{region}-private-a")],
            seeded.subnets[&format!("{region}-private-b")]
        )
    };
    asg.create_auto_scaling_group()
        .auto_scaling_group_name("app")
        .launch_template(
            t::LaunchTemplateSpecification::builder()
                .launch_template_id(&seeded.templates[region])
                .version("$Default")
                .build(),
        )
        // No instances: moto launches them without the launch template's
        // encrypted volumes and tags, which other rules would see.
        .min_size(0)
        .max_size(6)
        .desired_capacity(0)
        .vpc_zone_identifier(subnets)
        .target_group_arns(&seeded.lbs[region][3])
        .health_check_type(if violations && region == EAST {
            "EC2"
        } else {
            "ELB"
        })
        .health_check_grace_period(300)
        .set_tags(Some(
            TAGS.iter()
                .map(|(k, v)| {
                    t::Tag::builder()
                        .key(*k)
                        .value(*v)
                        .propagate_at_launch(true)
                        .resource_id("app")
                        .resource_type("auto-scaling-group")
                        .build()
                })
                .collect(),
        ))
        .send()
        .await
        .unwrap();
    // The violation: a launch configuration of the primary region puts
    // application instances in the SSH group, open to the world (SG-002).
    if violations && region == EAST {
        let groups = aws_sdk_ec2::Client::new(conf)
            .describe_security_groups()
            .filters(
                ec2t::Filter::builder()
                    .name("group-name")
                    .values("ssh")
                    .build(),
            )
            .send()
            .await
            .unwrap();
        asg.create_launch_configuration()
            .launch_configuration_name("legacy")
            .image_id("ami-12c6146b")
            .instance_type("t3.micro")
            .security_groups(groups.security_groups()[0].group_id().unwrap())
            .send()
            .await
            .unwrap();
    }
    let cw = aws_sdk_cloudwatch::Client::new(conf);
    use aws_sdk_cloudwatch::types as c;
    let alarm_tags = || -> Vec<c::Tag> {
        TAGS.iter()
            .map(|(k, v)| c::Tag::builder().key(*k).value(*v).build())
            .collect()
    };
    if !(violations && region == EAST) {
        asg.put_scaling_policy()
            .auto_scaling_group_name("app")
            .policy_name("cpu-target")
            .policy_type("TargetTrackingScaling")
            .target_tracking_configuration(
                t::TargetTrackingConfiguration::builder()
                    .predefined_metric_specification(
                        t::PredefinedMetricSpecification::builder()
                            .predefined_metric_type(t::MetricType::AsgAverageCpuUtilization)
                            .build(),
                    )
                    .target_value(50.0)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        cw.put_metric_alarm()
            .alarm_name("app-cpu-high")
            .namespace("AWS/EC2")
            .metric_name("CPUUtilization")
            .statistic(c::Statistic::Average)
            .comparison_operator(c::ComparisonOperator::GreaterThanOrEqualToThreshold)
            .threshold(80.0)
            .period(60)
            .evaluation_periods(2)
            .dimensions(
                c::Dimension::builder()
                    .name("AutoScalingGroupName")
                    .value("app")
                    .build(),
            )
            .set_tags(Some(alarm_tags()))
            .send()
            .await
            .unwrap();
    }
    if !(violations && region == WEST) {
        cw.put_metric_alarm()
            .alarm_name("web-5xx")
            .namespace("AWS/ApplicationELB")
            .metric_name("HTTPCode_Target_5XX_Count")
            .statistic(c::Statistic::Sum)
            .comparison_operator(c::ComparisonOperator::GreaterThanThreshold)
            .threshold(10.0)
            .period(60)
            .evaluation_periods(1)
            .dimensions(
                c::Dimension::builder()
                    .name("LoadBalancer")
                    .value(elb_id(&seeded.lbs[region][0]))
                    .build(),
            )
            // The violation: the primary's 5xx alarm is untagged (TAG-001).
            .set_tags((!(violations && region == EAST)).then(alarm_tags))
            .send()
            .await
            .unwrap();
    }
}

/// The rules of the data and compute collectors whose data is read completely.
const DATA_COMPUTE_RULES: &[&str] = &[
    "DDB-001",
    "DDB-003",
    "ASG-001",
    "ASG-002",
    "MON-001",
    "CACHE-001",
    "CACHE-002",
    "DAX-001",
    "DAX-002",
    "DAX-003",
    "BAK-002",
    "GDPR-002",
    "DR-001",
    "SG-002",
];

/// Findings moto (5.2) cannot make pass: DDB-002 needs global table replicas,
/// which moto does not model (the rule is checked for its failures only); moto
/// answers AWS Backup's ListTags only at `/tags/<arn>/`, not at the SDK's
/// `/tags/<arn>`, so backup vaults and plans have no tags there.
fn moto_cannot_pass(rule: &str, address: &str) -> bool {
    [
        ("DDB-002", "aws_dynamodb_table."),
        ("TAG-001", "aws_backup_"),
    ]
    .iter()
    .any(|(r, prefix)| rule == *r && address.starts_with(prefix))
}

/// moto (5.2) has no AWS Backup selections: ListBackupSelections is a 404 there,
/// a coverage gap for `aws_backup_selection` (BAK-001 gives UNKNOWN). Its
/// Synthetics canaries have their timeline's timestamps as ISO 8601 text where the
/// API (and so the SDK) has epoch seconds: DescribeCanaries cannot be read, a gap
/// for `aws_synthetics_canary` in each region (TAG-001 and GDPR-001, per resource,
/// judge the other types as they are).
fn moto_gap(g: &serde_json::Value) -> bool {
    (g["service"] == "backup" && g["resource_types"] == serde_json::json!(["aws_backup_selection"]))
        || (g["service"] == "synthetics"
            && g["reason"] == "unreadable"
            && g["resource_types"] == serde_json::json!(["aws_synthetics_canary"])
            && g["error"]
                .as_str()
                .unwrap_or_default()
                .starts_with("synthetics:DescribeCanaries: "))
}

/// The FAILED findings the data and compute seeding plants.
fn data_compute_violations(seeded: &Seeded) -> BTreeSet<(String, String)> {
    let table = |region: &str, name: &str| addr("aws_dynamodb_table", region, name);
    let group = |region: &str| addr("aws_autoscaling_group", region, "app");
    let mut out = set(&[
        ("DDB-001", table(EAST, "orders")),
        ("DDB-003", table(EAST, "orders")),
        ("ASG-001", group(EAST)),
        ("ASG-002", group(EAST)),
        ("MON-001", group(EAST)),
        (
            "MON-001",
            addr("aws_lb", WEST, elb_id(&seeded.lbs[WEST][0])),
        ),
        ("GDPR-002", table(EAST, "scratch")),
        (
            "CACHE-001",
            addr("aws_elasticache_replication_group", EAST, "cache"),
        ),
        (
            "CACHE-002",
            addr("aws_elasticache_replication_group", EAST, "cache"),
        ),
        ("DAX-001", addr("aws_dax_cluster", EAST, "dax")),
        ("DAX-002", addr("aws_dax_cluster", EAST, "dax")),
        ("DAX-003", addr("aws_dax_cluster", EAST, "dax")),
        (
            "BAK-002",
            addr("aws_backup_plan", EAST, &seeded.backup_plans[EAST]),
        ),
        ("DR-001", "region/us-west-2#dax".to_string()),
        (
            "SG-002",
            addr(
                "aws_vpc_security_group_ingress_rule",
                EAST,
                seeded.ssh_rule.as_deref().unwrap(),
            ),
        ),
        // The secondary's other missing components, planted above.
        ("DR-001", "region/us-west-2#flow_logs".to_string()),
        ("DR-001", "region/us-west-2#waf_association".to_string()),
    ]);
    for (region, name) in [
        (EAST, "orders"),
        (EAST, "sessions"),
        (EAST, "scratch"),
        (WEST, "orders"),
        (WEST, "sessions"),
    ] {
        out.insert(("DDB-002".to_string(), table(region, name)));
    }
    out
}

/// A Redis replication group `cache` per region: two nodes, Multi-AZ with
/// automatic failover, encrypted at rest and in transit, tagged. Violations
/// (primary region): none of that.
async fn seed_elasticache(conf: &SdkConfig, region: &str, setup: Setup) {
    let on = !(setup == Setup::Violations && region == EAST);
    aws_sdk_elasticache::Client::new(conf)
        .create_replication_group()
        .replication_group_id("cache")
        .replication_group_description("application cache")
        .engine("redis")
        .cache_node_type("cache.t3.micro")
        .num_cache_clusters(2)
        .automatic_failover_enabled(on)
        .multi_az_enabled(on)
        .at_rest_encryption_enabled(on)
        .transit_encryption_enabled(on)
        .set_tags(Some(
            store_tags()
                .iter()
                .map(|(k, v)| {
                    aws_sdk_elasticache::types::Tag::builder()
                        .key(*k)
                        .value(*v)
                        .build()
                })
                .collect(),
        ))
        .send()
        .await
        .unwrap();
}

/// A DAX cluster `dax` of 3 nodes, encrypted at rest, with a TLS endpoint.
/// Violations: the primary's has 1 node, no encryption and a plain endpoint; the
/// secondary region has none (DR-001).
async fn seed_dax(conf: &SdkConfig, region: &str, setup: Setup) {
    use aws_sdk_dax::types as x;
    let violations = setup == Setup::Violations;
    if violations && region == WEST {
        return;
    }
    let on = !violations;
    aws_sdk_dax::Client::new(conf)
        .create_cluster()
        .cluster_name("dax")
        .node_type("dax.t3.small")
        .replication_factor(if on { 3 } else { 1 })
        .iam_role_arn(format!("arn:aws:iam::{ACCOUNT}:role/dax"))
        .sse_specification(x::SseSpecification::builder().enabled(on).build().unwrap())
        .cluster_endpoint_encryption_type(if on {
            x::ClusterEndpointEncryptionType::Tls
        } else {
            x::ClusterEndpointEncryptionType::None
        })
        .set_tags(Some(
            store_tags()
                .iter()
                .map(|(k, v)| x::Tag::builder().key(*k).value(*v).build())
                .collect(),
        ))
        .send()
        .await
        .unwrap();
}

/// A backup vault per region, and a daily plan keeping 30 days in each; the
/// primary's copies to the secondary's vault (the violation: no copy). moto (5.2)
/// has no backup selections, so BAK-001 cannot pass.
async fn seed_backup(conf: &SdkConfig, region: &str, setup: Setup, seeded: &mut Seeded) {
    use aws_sdk_backup::types as b;
    let backup = aws_sdk_backup::Client::new(conf);
    let tags = || {
        TAGS.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<std::collections::HashMap<_, _>>()
    };
    backup
        .create_backup_vault()
        .backup_vault_name("vault")
        .set_backup_vault_tags(Some(tags()))
        .send()
        .await
        .unwrap();
    let mut rule = b::BackupRuleInput::builder()
        .rule_name("daily")
        .target_backup_vault_name("vault")
        .schedule_expression("cron(0 5 * * ? *)")
        .lifecycle(b::Lifecycle::builder().delete_after_days(30).build());
    if region == EAST && setup == Setup::Compliant {
        rule = rule.copy_actions(
            b::CopyAction::builder()
                .destination_backup_vault_arn(format!(
                    "arn:aws:backup:{WEST}:{ACCOUNT}:backup-vault:vault"
                ))
                .lifecycle(b::Lifecycle::builder().delete_after_days(30).build())
                .build()
                .unwrap(),
        );
    }
    let plan = backup
        .create_backup_plan()
        .backup_plan(
            b::BackupPlanInput::builder()
                .backup_plan_name("daily")
                .rules(rule.build().unwrap())
                .build()
                .unwrap(),
        )
        .set_backup_plan_tags(Some(tags()))
        .send()
        .await
        .unwrap();
    seeded.backup_plans.insert(
        region.to_string(),
        plan.backup_plan_id().unwrap().to_string(),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_global_service_is_a_gap_in_every_region() {
    let Some(moto) = start_moto() else { return };
    seed(&moto, Setup::Compliant).await;
    // IAM answers nothing: its endpoint is a closed port.
    let closed_url = closed_url();
    let (code, doc, stderr) = live(
        &[],
        &[
            ("AWS_ENDPOINT_URL", &moto.url()),
            ("AWS_ENDPOINT_URL_IAM", &closed_url),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let unreadable: Vec<(String, serde_json::Value)> = doc["coverage_gaps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["reason"] == "unreadable" && !moto_gap(g))
        .map(|g| {
            (
                g["service"].as_str().unwrap().to_string(),
                g["region"].clone(),
            )
        })
        .collect();
    assert_eq!(
        unreadable,
        vec![("iam".to_string(), serde_json::Value::Null)]
    );
    // No IAM resource was read: the IAM rules have no outcome, the launch
    // templates' instance profile is not in the scan, nothing FAILED.
    let results = doc["results"].as_array().unwrap();
    assert!(
        !results
            .iter()
            .any(|r| r["rule_id"].as_str().unwrap().starts_with("IAM-")),
        "IAM outcomes without IAM data"
    );
    let ssm: BTreeSet<&str> = results
        .iter()
        .filter(|r| r["rule_id"] == "EC2-003")
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(ssm, BTreeSet::from(["UNKNOWN"]));
    let failed: BTreeSet<_> = with_status(&doc, "FAILED")
        .into_iter()
        .filter(|(r, a)| !moto_cannot_pass(r, a))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    // The other global services were read.
    assert!(rules_with(&doc, "PASSED").contains("CDN-001"));
}
