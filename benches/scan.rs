//! End-to-end scan benchmark: generates synthetic `terraform show -json` plans in the
//! shape of the reference architecture (shared/reference-architecture.md) and runs the
//! release binary on each, as a child process, measuring wall time and peak RSS.
//!
//! ```text
//! cargo bench --bench scan                          # ~1k, ~10k and ~50k resources
//! cargo bench --bench scan -- --sizes 9000          # custom sizes (comma-separated, 10k ok)
//! cargo bench --bench scan -- --runs 3 --keep       # runs per size; keep the plans
//! cargo bench --bench scan -- --scaling              # per-rule growth, 1k to 8k resources
//! ```
//!
//! `--scaling` times every rule on its own (`INFRACHECK_TIMINGS=rules`) on a small and
//! an 8x larger plan and flags any rule whose time grows much faster than the plan:
//! the sign of a loop over all resources inside a loop over all resources, which
//! joins through the Rust-built indexes avoid. It exits 1 when one is flagged.
//!
//! `cargo bench` builds the `infracheck` binary with the `bench` profile, which
//! inherits `release` and writes to target/release, and hands its path to this
//! benchmark through `CARGO_BIN_EXE_infracheck`.
//!
//! Shape of a plan: root providers `aws` (us-east-1) and `aws.secondary` (us-west-2,
//! alias); the region module `./modules/region` instantiated with for_each keys
//! `u0`, `u1`, ... Terraform fixes a module call's providers for all its instances, so
//! the even keys go to `module.app` (provider `aws`) and the odd keys to
//! `module.app_secondary` (`providers = { aws = aws.secondary }`). Each instance holds
//! 31 resources (VPC, 4 subnets, IGW, NAT + EIP, 2 route tables, flow log + log group,
//! 2 security groups + an ingress rule, ALB + target group + 2 listeners, WAFv2 ACL +
//! association, launch template, ASG, S3 bucket + public access block + SSE +
//! versioning + lifecycle, DynamoDB table, 2 CPU alarms). Identifiers are unknown
//! until apply, so joins go through the `configuration` references.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

const BIN: &str = env!("CARGO_BIN_EXE_infracheck");
const AWS: &str = "registry.terraform.io/hashicorp/aws";
const ACCOUNT: &str = "123456789012";
const PER_UNIT: usize = 31;
const DEFAULT_SIZES: [usize; 3] = [1_000, 10_000, 50_000];
const SCALING_SIZES: [usize; 2] = [1_000, 8_000];

// ---------------------------------------------------------------------------
// Plan generation

/// One instance of the region module.
struct Unit {
    key: String,
    i: usize,
    primary: bool,
}

impl Unit {
    fn region(&self) -> &'static str {
        if self.primary {
            "us-east-1"
        } else {
            "us-west-2"
        }
    }
    fn other_region(&self) -> &'static str {
        if self.primary {
            "us-west-2"
        } else {
            "us-east-1"
        }
    }
    fn prefix(&self) -> String {
        let short = if self.primary { "use1" } else { "usw2" };
        format!("acme-{}-{}", self.key, short)
    }
    /// A /20 per instance, so no two VPCs overlap (up to 4096 instances).
    fn octets(&self) -> (usize, usize) {
        let i = self.i % 4096;
        (i / 16, (i % 16) * 16)
    }
    fn vpc_cidr(&self) -> String {
        let (a, b) = self.octets();
        format!("10.{a}.{b}.0/20")
    }
    fn subnet_cidr(&self, j: usize) -> String {
        let (a, b) = self.octets();
        format!("10.{a}.{}.0/22", b + 4 * j)
    }
    fn az(&self, j: usize) -> String {
        format!("{}{}", self.region(), ["a", "b"][j % 2])
    }
}

/// One module call and its instances.
struct Call {
    name: &'static str,
    provider_key: &'static str,
    units: Vec<Unit>,
}

impl Call {
    fn module_address(&self, u: &Unit) -> String {
        format!("module.{}[\"{}\"]", self.name, u.key)
    }
}

fn make_calls(resources: usize) -> Vec<Call> {
    let n = resources.div_ceil(PER_UNIT).max(1);
    let mut app = Vec::new();
    let mut secondary = Vec::new();
    for i in 0..n {
        let u = Unit {
            key: format!("u{i}"),
            i,
            primary: i % 2 == 0,
        };
        if u.primary {
            app.push(u);
        } else {
            secondary.push(u);
        }
    }
    // Terraform sorts instances by key.
    app.sort_by(|a, b| a.key.cmp(&b.key));
    secondary.sort_by(|a, b| a.key.cmp(&b.key));
    vec![
        Call {
            name: "app",
            provider_key: "aws",
            units: app,
        },
        Call {
            name: "app_secondary",
            provider_key: "aws.secondary",
            units: secondary,
        },
    ]
}

/// One resource instance of the module.
struct Res {
    kind: &'static str,
    name: &'static str,
    index: Option<usize>,
    schema_version: u32,
    /// Known planned values (unknown attributes are absent, as in Terraform).
    after: Value,
    /// Attribute paths unknown until apply.
    unknown: Vec<String>,
    /// Attributes set as constants in the configuration.
    set: &'static [&'static str],
    /// Attribute path -> references recorded in the configuration.
    refs: Vec<(&'static str, Vec<String>)>,
}

fn res(kind: &'static str, name: &'static str, mut after: Value) -> Res {
    compact(&mut after);
    Res {
        kind,
        name,
        index: None,
        schema_version: 0,
        after,
        unknown: Vec::new(),
        set: &[],
        refs: Vec::new(),
    }
}

impl Res {
    fn unknown(mut self, paths: &[&str]) -> Self {
        self.unknown.extend(paths.iter().map(|p| p.to_string()));
        self
    }
    fn set(mut self, attrs: &'static [&'static str]) -> Self {
        self.set = attrs;
        self
    }
    /// A reference to `target`'s `attr` (e.g. `aws_vpc.this`, `id`).
    fn r(mut self, path: &'static str, target: &str, attr: &str) -> Self {
        self.refs.push((path, reference(target, attr)));
        self
    }
    fn refs(mut self, path: &'static str, refs: &[&str]) -> Self {
        self.refs
            .push((path, refs.iter().map(|s| s.to_string()).collect()));
        self
    }
    fn schema(mut self, v: u32) -> Self {
        self.schema_version = v;
        self
    }
    fn address(&self) -> String {
        match self.index {
            Some(i) => format!("{}.{}[{i}]", self.kind, self.name),
            None => format!("{}.{}", self.kind, self.name),
        }
    }
}

/// What Terraform records for `target.attr`: the traversal, the instance and, for
/// an indexed instance, the whole resource.
fn reference(target: &str, attr: &str) -> Vec<String> {
    let mut v = vec![format!("{target}.{attr}"), target.to_string()];
    if let Some(i) = target.find('[') {
        v.push(target[..i].to_string());
    }
    v
}

fn tags(name: &str) -> (Value, Value) {
    let tags = json!({ "Name": name });
    let mut all = tags.clone();
    let m = all.as_object_mut().unwrap();
    for (k, v) in default_tags().as_object().unwrap() {
        m.insert(k.clone(), v.clone());
    }
    (tags, all)
}

/// The provider's default_tags: the cost-allocation tags the architecture requires
/// (TAG-001), so the synthetic plan is compliant like the reference architecture.
fn default_tags() -> Value {
    json!({"Environment": "production", "Owner": "platform", "CostCenter": "cc-1234"})
}

/// Adds `tags` and `tags_all` to a values object.
fn tagged(mut v: Value, name: &str) -> Value {
    let (t, all) = tags(name);
    let m = v.as_object_mut().unwrap();
    m.insert("tags".into(), t);
    m.insert("tags_all".into(), all);
    v
}

fn sg_rule(port: u16, cidr: &str, description: &str, protocol: &str) -> Value {
    json!({
        "cidr_blocks": [cidr],
        "description": description,
        "from_port": port,
        "ipv6_cidr_blocks": [],
        "prefix_list_ids": [],
        "protocol": protocol,
        "security_groups": [],
        "self": false,
        "to_port": port,
    })
}

fn empty_statement_with(key: &str, inner: Value) -> Value {
    let mut s = Map::new();
    for k in [
        "and_statement",
        "byte_match_statement",
        "geo_match_statement",
        "ip_set_reference_statement",
        "label_match_statement",
        "managed_rule_group_statement",
        "not_statement",
        "or_statement",
        "rate_based_statement",
        "regex_match_statement",
        "regex_pattern_set_reference_statement",
        "rule_group_reference_statement",
        "size_constraint_statement",
        "sqli_match_statement",
        "xss_match_statement",
    ] {
        s.insert(k.into(), json!([]));
    }
    s.insert(key.into(), json!([inner]));
    Value::Object(s)
}

fn visibility(metric: &str) -> Value {
    json!([{
        "cloudwatch_metrics_enabled": true,
        "metric_name": metric,
        "sampled_requests_enabled": true,
    }])
}

fn waf_managed_rule(group: &str, priority: u32, metric: &str) -> Value {
    json!({
        "action": [],
        "captcha_config": [],
        "name": group,
        "override_action": [{"count": [], "none": [{}]}],
        "priority": priority,
        "rule_label": [],
        "statement": [empty_statement_with("managed_rule_group_statement", json!({
            "managed_rule_group_configs": [],
            "name": group,
            "rule_action_override": [],
            "scope_down_statement": [],
            "vendor_name": "AWS",
            "version": "",
        }))],
        "visibility_config": visibility(metric),
    })
}

fn alarm(u: &Unit, asg: &str, high: bool) -> Value {
    let name = format!("{}-cpu-{}", u.prefix(), if high { "high" } else { "low" });
    tagged(
        json!({
            "actions_enabled": true,
            "alarm_actions": null,
            "alarm_description": null,
            "alarm_name": name,
            "comparison_operator": if high { "GreaterThanOrEqualToThreshold" } else { "LessThanOrEqualToThreshold" },
            "datapoints_to_alarm": null,
            "dimensions": {"AutoScalingGroupName": asg},
            "evaluation_periods": 2,
            "extended_statistic": null,
            "insufficient_data_actions": null,
            "metric_name": "CPUUtilization",
            "metric_query": [],
            "namespace": "AWS/EC2",
            "ok_actions": null,
            "period": 120,
            "statistic": "Average",
            "threshold": if high { 80 } else { 20 },
            "threshold_metric_id": null,
            "treat_missing_data": "missing",
            "unit": null,
        }),
        &name,
    )
}

/// The resources of one module instance, in Terraform's order (by address).
fn unit_resources(u: &Unit) -> Vec<Res> {
    let p = u.prefix();
    let region = u.region();
    let mut out = Vec::with_capacity(PER_UNIT);
    let cert = format!(
        "arn:aws:acm:{region}:{ACCOUNT}:certificate/5e0c7a4b-{:04x}-4f1e-9d2a-{:012x}",
        u.i % 65536,
        u.i * 7919
    );
    let asg_name = format!("{p}-app");
    let bucket = format!("acme-static-{}-{}", u.key, region);

    out.push(
        res(
            "aws_vpc",
            "this",
            tagged(
                json!({
                    "assign_generated_ipv6_cidr_block": false,
                    "cidr_block": u.vpc_cidr(),
                    "enable_dns_hostnames": true,
                    "enable_dns_support": true,
                    "instance_tenancy": "default",
                    "ipv4_ipam_pool_id": null,
                    "ipv4_netmask_length": null,
                    "ipv6_ipam_pool_id": null,
                    "ipv6_netmask_length": null,
                }),
                &format!("{p}-vpc"),
            ),
        )
        .schema(1)
        .unknown(&[
            "arn",
            "default_network_acl_id",
            "default_route_table_id",
            "default_security_group_id",
            "id",
            "main_route_table_id",
            "owner_id",
        ])
        .set(&["enable_dns_hostnames", "enable_dns_support"])
        .refs("cidr_block", &["var.vpc_cidr"])
        .refs("tags", &["var.tags", "var.name"]),
    );
    for j in 0..4 {
        let public = j < 2;
        let mut r = res(
            "aws_subnet",
            "this",
            tagged(
                json!({
                    "assign_ipv6_address_on_creation": false,
                    "availability_zone": u.az(j),
                    "cidr_block": u.subnet_cidr(j),
                    "customer_owned_ipv4_pool": null,
                    "enable_lni_at_device_index": null,
                    "ipv6_cidr_block": null,
                    "map_customer_owned_ip_on_launch": null,
                    "map_public_ip_on_launch": public,
                    "outpost_arn": null,
                    "timeouts": null,
                }),
                &format!(
                    "{p}-{}-{}",
                    if public { "public" } else { "private" },
                    u.az(j)
                ),
            ),
        )
        .schema(1)
        .unknown(&["arn", "availability_zone_id", "id", "owner_id", "vpc_id"])
        .r("vpc_id", "aws_vpc.this", "id")
        .refs("cidr_block", &["var.vpc_cidr", "count.index"])
        .refs("availability_zone", &["var.azs", "count.index"])
        .refs("map_public_ip_on_launch", &["count.index"])
        .refs("tags", &["var.tags", "var.name", "count.index"]);
        r.index = Some(j);
        out.push(r);
    }
    out.push(
        res(
            "aws_internet_gateway",
            "this",
            tagged(json!({"timeouts": null}), &format!("{p}-igw")),
        )
        .unknown(&["arn", "id", "owner_id", "vpc_id"])
        .r("vpc_id", "aws_vpc.this", "id")
        .refs("tags", &["var.tags", "var.name"]),
    );
    out.push(
        res(
            "aws_eip",
            "nat",
            tagged(
                json!({
                    "address": null,
                    "associate_with_private_ip": null,
                    "customer_owned_ipv4_pool": null,
                    "domain": "vpc",
                    "ipam_pool_id": null,
                    "timeouts": null,
                }),
                &format!("{p}-nat"),
            ),
        )
        .unknown(&[
            "allocation_id",
            "arn",
            "association_id",
            "id",
            "network_interface",
            "private_ip",
            "public_ip",
        ])
        .set(&["domain"])
        .refs("tags", &["var.tags", "var.name"]),
    );
    out.push(
        res(
            "aws_nat_gateway",
            "this",
            tagged(
                json!({
                    "connectivity_type": "public",
                    "timeouts": null,
                }),
                &format!("{p}-nat"),
            ),
        )
        .unknown(&[
            "allocation_id",
            "id",
            "network_interface_id",
            "private_ip",
            "public_ip",
            "subnet_id",
        ])
        .r("allocation_id", "aws_eip.nat", "id")
        .r("subnet_id", "aws_subnet.this[0]", "id")
        .refs("tags", &["var.tags", "var.name"]),
    );
    let route =
        |cidr: &str| json!({"cidr_block": cidr, "ipv6_cidr_block": "", "transit_gateway_id": ""});
    let mut public_route = route("0.0.0.0/0");
    public_route["nat_gateway_id"] = json!("");
    let mut private_route = route("0.0.0.0/0");
    private_route["gateway_id"] = json!("");
    out.push(
        res(
            "aws_route_table",
            "private",
            tagged(
                json!({
                    "route": [private_route],
                    "timeouts": null,
                }),
                &format!("{p}-private"),
            ),
        )
        .unknown(&[
            "arn",
            "id",
            "owner_id",
            "propagating_vgws",
            "route.0.nat_gateway_id",
            "vpc_id",
        ])
        .r("vpc_id", "aws_vpc.this", "id")
        .refs("route.0.cidr_block", &[])
        .r("route.0.nat_gateway_id", "aws_nat_gateway.this", "id")
        .refs("tags", &["var.tags", "var.name"]),
    );
    out.push(
        res(
            "aws_route_table",
            "public",
            tagged(
                json!({
                    "route": [public_route],
                    "timeouts": null,
                }),
                &format!("{p}-public"),
            ),
        )
        .unknown(&[
            "arn",
            "id",
            "owner_id",
            "propagating_vgws",
            "route.0.gateway_id",
            "vpc_id",
        ])
        .r("vpc_id", "aws_vpc.this", "id")
        .r("route.0.gateway_id", "aws_internet_gateway.this", "id")
        .refs("tags", &["var.tags", "var.name"]),
    );
    out.push(
        res(
            "aws_cloudwatch_log_group",
            "flow",
            tagged(
                json!({
                    "kms_key_id": null,
                    "log_group_class": "STANDARD",
                    "name": format!("/aws/vpc/flow-logs/{p}"),
                    "retention_in_days": 30,
                    "skip_destroy": false,
                }),
                &format!("{p}-flow-logs"),
            ),
        )
        .unknown(&["arn", "id", "name_prefix"])
        .set(&["retention_in_days"])
        .refs("name", &["var.name"])
        .refs("tags", &["var.tags", "var.name"]),
    );
    out.push(
        res(
            "aws_flow_log",
            "this",
            tagged(
                json!({
                    "deliver_cross_account_role": null,
                    "destination_options": [],
                    "eni_id": null,
                    "iam_role_arn": format!("arn:aws:iam::{ACCOUNT}:role/acme-vpc-flow-logs"),
                    "log_destination_type": "cloud-watch-logs",
                    "max_aggregation_interval": 600,
                    "subnet_id": null,
                    "traffic_type": "REJECT",
                    "transit_gateway_attachment_id": null,
                    "transit_gateway_id": null,
                }),
                &format!("{p}-flow-log"),
            ),
        )
        .unknown(&["arn", "id", "log_destination", "log_format", "vpc_id"])
        .set(&[
            "log_destination_type",
            "traffic_type",
            "max_aggregation_interval",
        ])
        .r("vpc_id", "aws_vpc.this", "id")
        .r("log_destination", "aws_cloudwatch_log_group.flow", "arn")
        .refs("iam_role_arn", &["var.flow_log_role_arn"])
        .refs("tags", &["var.tags", "var.name"]),
    );
    out.push(
        res(
            "aws_security_group",
            "alb",
            tagged(
                json!({
                    "description": "ALB: HTTP and HTTPS from the internet",
                    "egress": [sg_rule(0, "0.0.0.0/0", "all outbound", "-1")],
                    "ingress": [
                        sg_rule(443, "0.0.0.0/0", "HTTPS from the internet", "tcp"),
                        sg_rule(80, "0.0.0.0/0", "HTTP from the internet (redirected)", "tcp"),
                    ],
                    "name": format!("{p}-alb"),
                    "revoke_rules_on_delete": false,
                    "timeouts": null,
                }),
                &format!("{p}-alb"),
            ),
        )
        .schema(1)
        .unknown(&["arn", "id", "name_prefix", "owner_id", "vpc_id"])
        .set(&["description", "egress", "ingress"])
        .r("vpc_id", "aws_vpc.this", "id")
        .refs("name", &["var.name"])
        .refs("tags", &["var.tags", "var.name"]),
    );
    out.push(
        res(
            "aws_security_group",
            "app",
            tagged(
                json!({
                    "description": "App instances: HTTP from the ALB only",
                    "egress": [sg_rule(0, "0.0.0.0/0", "all outbound", "-1")],
                    "name": format!("{p}-app"),
                    "revoke_rules_on_delete": false,
                    "timeouts": null,
                }),
                &format!("{p}-app"),
            ),
        )
        .schema(1)
        .unknown(&["arn", "id", "ingress", "name_prefix", "owner_id", "vpc_id"])
        .set(&["description", "egress"])
        .r("vpc_id", "aws_vpc.this", "id")
        .refs("name", &["var.name"])
        .refs("tags", &["var.tags", "var.name"]),
    );
    out.push(
        res(
            "aws_vpc_security_group_ingress_rule",
            "app_from_alb",
            json!({
                "cidr_ipv4": null,
                "cidr_ipv6": null,
                "description": "HTTP from the ALB",
                "from_port": 80,
                "ip_protocol": "tcp",
                "prefix_list_id": null,
                "tags": null,
                "to_port": 80,
            }),
        )
        .unknown(&[
            "arn",
            "id",
            "referenced_security_group_id",
            "security_group_id",
            "security_group_rule_id",
            "tags_all",
        ])
        .set(&["description", "from_port", "ip_protocol", "to_port"])
        .r("security_group_id", "aws_security_group.app", "id")
        .r(
            "referenced_security_group_id",
            "aws_security_group.alb",
            "id",
        ),
    );
    out.push(
        res(
            "aws_lb",
            "this",
            tagged(
                json!({
                    "access_logs": [{"enabled": true, "prefix": "alb"}],
                    "client_keep_alive": 3600,
                    "connection_logs": [],
                    "customer_owned_ipv4_pool": null,
                    "desync_mitigation_mode": "defensive",
                    "drop_invalid_header_fields": true,
                    "enable_cross_zone_load_balancing": true,
                    "enable_deletion_protection": true,
                    "enable_http2": true,
                    "enable_tls_version_and_cipher_suite_headers": false,
                    "enable_waf_fail_open": false,
                    "enable_xff_client_port": false,
                    "enable_zonal_shift": false,
                    "idle_timeout": 60,
                    "internal": false,
                    "ip_address_type": "ipv4",
                    "load_balancer_type": "application",
                    "name": format!("{p}-alb"),
                    "preserve_host_header": false,
                    "timeouts": null,
                    "xff_header_processing_mode": "append",
                }),
                &format!("{p}-alb"),
            ),
        )
        .unknown(&[
            "access_logs.0.bucket",
            "arn",
            "arn_suffix",
            "dns_name",
            "id",
            "security_groups",
            "subnet_mapping",
            "subnets",
            "vpc_id",
            "zone_id",
        ])
        .set(&[
            "access_logs",
            "drop_invalid_header_fields",
            "enable_deletion_protection",
            "internal",
            "load_balancer_type",
        ])
        .r("access_logs.0.bucket", "aws_s3_bucket.static", "id")
        .r("security_groups", "aws_security_group.alb", "id")
        .refs(
            "subnets",
            &[
                "aws_subnet.this[0].id",
                "aws_subnet.this[0]",
                "aws_subnet.this",
                "aws_subnet.this[1].id",
                "aws_subnet.this[1]",
            ],
        )
        .refs("name", &["var.name"])
        .refs("tags", &["var.tags", "var.name"]),
    );
    out.push(
        res(
            "aws_lb_listener",
            "http",
            json!({
                "alpn_policy": null,
                "certificate_arn": null,
                "default_action": [{
                    "authenticate_cognito": [],
                    "authenticate_oidc": [],
                    "fixed_response": [],
                    "forward": [],
                    "redirect": [{
                        "host": "#{host}",
                        "path": "/#{path}",
                        "port": "443",
                        "protocol": "HTTPS",
                        "query": "#{query}",
                        "status_code": "HTTP_301",
                    }],
                    "target_group_arn": null,
                    "type": "redirect",
                }],
                "port": 80,
                "protocol": "HTTP",
                "tags": null,
                "timeouts": null,
            }),
        )
        .unknown(&[
            "arn",
            "default_action.0.order",
            "id",
            "load_balancer_arn",
            "mutual_authentication",
            "ssl_policy",
            "tags_all",
        ])
        .set(&["default_action", "port", "protocol"])
        .r("load_balancer_arn", "aws_lb.this", "arn"),
    );
    out.push(
        res(
            "aws_lb_listener",
            "https",
            json!({
                "alpn_policy": null,
                "certificate_arn": cert,
                "default_action": [{
                    "authenticate_cognito": [],
                    "authenticate_oidc": [],
                    "fixed_response": [],
                    "forward": [],
                    "redirect": [],
                    "type": "forward",
                }],
                "port": 443,
                "protocol": "HTTPS",
                "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                "tags": null,
                "timeouts": null,
            }),
        )
        .unknown(&[
            "arn",
            "default_action.0.order",
            "default_action.0.target_group_arn",
            "id",
            "load_balancer_arn",
            "mutual_authentication",
            "tags_all",
        ])
        .set(&["default_action", "port", "protocol", "ssl_policy"])
        .r("load_balancer_arn", "aws_lb.this", "arn")
        .refs("certificate_arn", &["var.certificate_arn"])
        .r(
            "default_action.0.target_group_arn",
            "aws_lb_target_group.app",
            "arn",
        ),
    );
    out.push(
        res(
            "aws_lb_target_group",
            "app",
            tagged(
                json!({
                    "deregistration_delay": "300",
                    "health_check": [{
                        "enabled": true,
                        "healthy_threshold": 3,
                        "interval": 30,
                        "matcher": "200",
                        "path": "/",
                        "port": "traffic-port",
                        "protocol": "HTTP",
                        "timeout": 5,
                        "unhealthy_threshold": 3,
                    }],
                    "lambda_multi_value_headers_enabled": false,
                    "name": format!("{p}-app"),
                    "port": 80,
                    "protocol": "HTTP",
                    "proxy_protocol_v2": false,
                    "slow_start": 0,
                    "target_type": "instance",
                }),
                &format!("{p}-app"),
            ),
        )
        .unknown(&[
            "arn",
            "arn_suffix",
            "id",
            "load_balancer_arns",
            "protocol_version",
            "stickiness",
            "vpc_id",
        ])
        .set(&["health_check", "port", "protocol"])
        .r("vpc_id", "aws_vpc.this", "id")
        .refs("name", &["var.name"])
        .refs("tags", &["var.tags", "var.name"]),
    );
    let rate = json!({
        "action": [{"allow": [], "block": [{"custom_response": []}], "captcha": [], "challenge": [], "count": []}],
        "captcha_config": [],
        "name": "rate-limit",
        "override_action": [],
        "priority": 1,
        "rule_label": [],
        "statement": [empty_statement_with("rate_based_statement", json!({
            "aggregate_key_type": "IP",
            "custom_key": [],
            "evaluation_window_sec": 300,
            "forwarded_ip_config": [],
            "limit": 2000,
            "scope_down_statement": [],
        }))],
        "visibility_config": visibility("rate-limit"),
    });
    out.push(
        res(
            "aws_wafv2_web_acl",
            "this",
            tagged(
                json!({
                    "association_config": [],
                    "captcha_config": [],
                    "challenge_config": [],
                    "custom_response_body": [],
                    "default_action": [{"allow": [{"custom_request_handling": []}], "block": []}],
                    "description": format!("Web ACL of the {} ALB", p),
                    "name": format!("{p}-waf"),
                    "rule": [
                        rate,
                        waf_managed_rule("AWSManagedRulesCommonRuleSet", 10, "common"),
                        waf_managed_rule("AWSManagedRulesSQLiRuleSet", 20, "sqli"),
                    ],
                    "rule_json": null,
                    "scope": "REGIONAL",
                    "token_domains": null,
                    "visibility_config": visibility(&format!("{p}-waf")),
                }),
                &format!("{p}-waf"),
            ),
        )
        .unknown(&[
            "application_integration_url",
            "arn",
            "capacity",
            "id",
            "lock_token",
            "name_prefix",
        ])
        .set(&["default_action", "rule", "scope", "visibility_config"])
        .refs("name", &["var.name"])
        .refs("tags", &["var.tags", "var.name"]),
    );
    out.push(
        res(
            "aws_wafv2_web_acl_association",
            "this",
            json!({"timeouts": null}),
        )
        .unknown(&["id", "resource_arn", "web_acl_arn"])
        .r("resource_arn", "aws_lb.this", "arn")
        .r("web_acl_arn", "aws_wafv2_web_acl.this", "arn"),
    );
    let (instance_tags, _) = tags(&format!("{p}-app"));
    out.push(
        res(
            "aws_launch_template",
            "app",
            tagged(
                json!({
                    "block_device_mappings": [{
                        "device_name": "/dev/xvda",
                        "ebs": [{
                            "delete_on_termination": "true",
                            "encrypted": "true",
                            "iops": null,
                            "kms_key_id": null,
                            "snapshot_id": null,
                            "volume_size": 20,
                            "volume_type": "gp3",
                        }],
                        "no_device": null,
                        "virtual_name": null,
                    }],
                    "capacity_reservation_specification": [],
                    "cpu_options": [],
                    "credit_specification": [],
                    "description": null,
                    "disable_api_stop": null,
                    "disable_api_termination": null,
                    "ebs_optimized": null,
                    "elastic_gpu_specifications": [],
                    "elastic_inference_accelerator": [],
                    "enclave_options": [],
                    "hibernation_options": [],
                    "iam_instance_profile": [{"arn": null, "name": "acme-app-instance"}],
                    "image_id": "ami-0c02fb55956c7d316",
                    "instance_initiated_shutdown_behavior": null,
                    "instance_market_options": [],
                    "instance_requirements": [],
                    "instance_type": "t3.micro",
                    "kernel_id": null,
                    "key_name": null,
                    "license_specification": [],
                    "maintenance_options": [],
                    "metadata_options": [{
                        "http_endpoint": "enabled",
                        "http_protocol_ipv6": "disabled",
                        "http_put_response_hop_limit": 2,
                        "http_tokens": "required",
                        "instance_metadata_tags": "disabled",
                    }],
                    "monitoring": [{"enabled": true}],
                    "name_prefix": format!("{p}-app-"),
                    "network_interfaces": [],
                    "placement": [],
                    "private_dns_name_options": [],
                    "ram_disk_id": null,
                    "security_group_names": null,
                    "tag_specifications": [{"resource_type": "instance", "tags": instance_tags}],
                    "update_default_version": true,
                    "user_data": "IyEvYmluL2Jhc2gKc3lzdGVtY3RsIGVuYWJsZSAtLW5vdyBhcHAK",
                }),
                &format!("{p}-app"),
            ),
        )
        .unknown(&[
            "arn",
            "default_version",
            "id",
            "latest_version",
            "name",
            "vpc_security_group_ids",
            "block_device_mappings.0.ebs.0.throughput",
        ])
        .set(&[
            "block_device_mappings",
            "iam_instance_profile",
            "image_id",
            "instance_type",
            "metadata_options",
            "monitoring",
            "update_default_version",
            "user_data",
        ])
        .r("vpc_security_group_ids", "aws_security_group.app", "id")
        .refs("image_id", &["var.ami_id"])
        .refs("name_prefix", &["var.name"])
        .refs("tags", &["var.tags", "var.name"]),
    );
    out.push(
        res(
            "aws_autoscaling_group",
            "app",
            json!({
                "capacity_rebalance": null,
                "context": null,
                "default_instance_warmup": null,
                "desired_capacity": 2,
                "desired_capacity_type": null,
                "enabled_metrics": null,
                "force_delete": false,
                "force_delete_warm_pool": false,
                "health_check_grace_period": 300,
                "health_check_type": "ELB",
                "ignore_failed_scaling_activities": false,
                "initial_lifecycle_hook": [],
                "instance_maintenance_policy": [],
                "instance_refresh": [],
                "launch_configuration": null,
                "launch_template": [{"version": "$Latest"}],
                "max_instance_lifetime": null,
                "max_size": 6,
                "metrics_granularity": "1Minute",
                "min_elb_capacity": null,
                "min_size": 2,
                "mixed_instances_policy": [],
                "name": asg_name,
                "placement_group": null,
                "protect_from_scale_in": false,
                "suspended_processes": null,
                "tag": [
                    {"key": "Environment", "propagate_at_launch": true, "value": "production"},
                    {"key": "Name", "propagate_at_launch": true, "value": format!("{p}-app")},
                    {"key": "Unit", "propagate_at_launch": true, "value": u.key},
                ],
                "termination_policies": null,
                "timeouts": null,
                "wait_for_capacity_timeout": "10m",
                "wait_for_elb_capacity": null,
                "warm_pool": [],
            }),
        )
        .unknown(&[
            "arn",
            "availability_zones",
            "default_cooldown",
            "id",
            "launch_template.0.id",
            "launch_template.0.name",
            "service_linked_role_arn",
            "target_group_arns",
            "vpc_zone_identifier",
        ])
        .set(&[
            "desired_capacity",
            "health_check_grace_period",
            "health_check_type",
            "max_size",
            "min_size",
            "tag",
        ])
        .r("launch_template.0.id", "aws_launch_template.app", "id")
        .refs("launch_template.0.version", &[])
        .r("target_group_arns", "aws_lb_target_group.app", "arn")
        .refs(
            "vpc_zone_identifier",
            &[
                "aws_subnet.this[2].id",
                "aws_subnet.this[2]",
                "aws_subnet.this",
                "aws_subnet.this[3].id",
                "aws_subnet.this[3]",
            ],
        )
        .refs("name", &["var.name"]),
    );
    out.push(
        res(
            "aws_cloudwatch_metric_alarm",
            "cpu_high",
            alarm(u, &asg_name, true),
        )
        .schema(1)
        .unknown(&["arn", "evaluate_low_sample_count_percentiles", "id"])
        .set(&[
            "comparison_operator",
            "evaluation_periods",
            "metric_name",
            "namespace",
            "period",
            "statistic",
            "threshold",
        ])
        .r("dimensions", "aws_autoscaling_group.app", "name")
        .refs("alarm_name", &["var.name"]),
    );
    out.push(
        res(
            "aws_cloudwatch_metric_alarm",
            "cpu_low",
            alarm(u, &asg_name, false),
        )
        .schema(1)
        .unknown(&["arn", "evaluate_low_sample_count_percentiles", "id"])
        .set(&[
            "comparison_operator",
            "evaluation_periods",
            "metric_name",
            "namespace",
            "period",
            "statistic",
            "threshold",
        ])
        .r("dimensions", "aws_autoscaling_group.app", "name")
        .refs("alarm_name", &["var.name"]),
    );
    let mut replica_unknown = vec![];
    let replica = if u.primary {
        replica_unknown = vec![
            "replica.0.arn",
            "replica.0.kms_key_arn",
            "replica.0.stream_arn",
            "replica.0.stream_label",
        ];
        json!([{
            "consistency_mode": "EVENTUAL",
            "point_in_time_recovery": true,
            "propagate_tags": true,
            "region_name": u.other_region(),
        }])
    } else {
        json!([])
    };
    out.push(
        res(
            "aws_dynamodb_table",
            "sessions",
            tagged(
                json!({
                    "attribute": [{"name": "pk", "type": "S"}, {"name": "sk", "type": "S"}],
                    "billing_mode": "PAY_PER_REQUEST",
                    "deletion_protection_enabled": true,
                    "global_secondary_index": [],
                    "hash_key": "pk",
                    "import_table": [],
                    "local_secondary_index": [],
                    "name": format!("acme-sessions-{}", u.key),
                    "point_in_time_recovery": [{"enabled": true}],
                    "range_key": "sk",
                    "replica": replica,
                    "restore_date_time": null,
                    "restore_source_name": null,
                    "restore_source_table_arn": null,
                    "restore_to_latest_time": null,
                    "server_side_encryption": [{"enabled": true}],
                    "stream_enabled": true,
                    "stream_view_type": "NEW_AND_OLD_IMAGES",
                    "table_class": "STANDARD",
                    "timeouts": null,
                    "ttl": [{"attribute_name": "expires_at", "enabled": true}],
                }),
                &format!("acme-sessions-{}", u.key),
            ),
        )
        .schema(1)
        .unknown(&[
            "arn",
            "id",
            "read_capacity",
            "server_side_encryption.0.kms_key_arn",
            "stream_arn",
            "write_capacity",
        ])
        .unknown(&replica_unknown)
        .set(&[
            "attribute",
            "billing_mode",
            "deletion_protection_enabled",
            "hash_key",
            "point_in_time_recovery",
            "range_key",
            "server_side_encryption",
            "stream_enabled",
            "stream_view_type",
            "ttl",
        ])
        .refs("name", &["var.name"])
        .refs("replica", &["var.replica_regions"])
        .refs("tags", &["var.tags", "var.name"]),
    );
    out.push(
        res(
            "aws_s3_bucket",
            "static",
            tagged(
                json!({
                    "bucket": bucket,
                    "force_destroy": false,
                    "timeouts": null,
                }),
                &bucket,
            ),
        )
        .unknown(&[
            "acl",
            "arn",
            "bucket_domain_name",
            "bucket_regional_domain_name",
            "id",
            "lifecycle_rule",
            "policy",
            "region",
            "server_side_encryption_configuration",
            "versioning",
        ])
        .set(&["force_destroy"])
        .refs("bucket", &["var.name"])
        .refs("tags", &["var.tags", "var.name"]),
    );
    out.push(
        res("aws_s3_bucket_lifecycle_configuration", "static", json!({
            "expected_bucket_owner": null,
            "rule": [{
                "abort_incomplete_multipart_upload": [{"days_after_initiation": 7}],
                "expiration": [],
                "filter": [{"and": [], "object_size_greater_than": null, "object_size_less_than": null, "prefix": "", "tag": []}],
                "id": "intelligent-tiering",
                "noncurrent_version_expiration": [{"newer_noncurrent_versions": null, "noncurrent_days": 90}],
                "noncurrent_version_transition": [],
                "prefix": null,
                "status": "Enabled",
                "transition": [{"date": null, "days": 30, "storage_class": "INTELLIGENT_TIERING"}],
            }],
            "timeouts": null,
        }))
        .unknown(&["bucket", "id", "transition_default_minimum_object_size"])
        .set(&["rule"])
        .r("bucket", "aws_s3_bucket.static", "id"),
    );
    out.push(
        res(
            "aws_s3_bucket_public_access_block",
            "static",
            json!({
                "block_public_acls": true,
                "block_public_policy": true,
                "ignore_public_acls": true,
                "restrict_public_buckets": true,
            }),
        )
        .unknown(&["bucket", "id"])
        .set(&[
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        ])
        .r("bucket", "aws_s3_bucket.static", "id"),
    );
    out.push(
        res("aws_s3_bucket_server_side_encryption_configuration", "static", json!({
            "expected_bucket_owner": null,
            "rule": [{
                "apply_server_side_encryption_by_default": [{"kms_master_key_id": null, "sse_algorithm": "AES256"}],
                "bucket_key_enabled": null,
            }],
        }))
        .unknown(&["bucket", "id"])
        .set(&["rule"])
        .r("bucket", "aws_s3_bucket.static", "id"),
    );
    out.push(
        res(
            "aws_s3_bucket_versioning",
            "static",
            json!({
                "expected_bucket_owner": null,
                "mfa": null,
                "versioning_configuration": [{"status": "Enabled"}],
            }),
        )
        .unknown(&["bucket", "id", "versioning_configuration.0.mfa_delete"])
        .set(&["versioning_configuration"])
        .r("bucket", "aws_s3_bucket.static", "id"),
    );
    out.sort_by_key(|r| (r.kind, r.name, r.index));
    debug_assert_eq!(out.len(), PER_UNIT);
    out
}

/// Drops null attributes and empty blocks. Terraform prints every attribute of the
/// provider schema; without the long tail the plan weighs ~1.3 KB per resource, like
/// the real ~9k-resource plan this benchmark stands for (~12 MB), and the scanner
/// reads an absent attribute as null / no block.
fn compact(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, c| !c.is_null() && c.as_array().is_none_or(|a| !a.is_empty()));
            m.values_mut().for_each(compact);
        }
        Value::Array(a) => a.iter_mut().for_each(compact),
        _ => {}
    }
}

/// Terraform's after_unknown / after_sensitive shape of a known value: objects keep
/// only their non-false members, lists keep one entry per element, scalars are false.
fn shape(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut o = Map::new();
            for (k, c) in m {
                let s = shape(c);
                if s != Value::Bool(false) {
                    o.insert(k.clone(), s);
                }
            }
            Value::Object(o)
        }
        Value::Array(a) => Value::Array(a.iter().map(shape).collect()),
        _ => Value::Bool(false),
    }
}

fn has_path(v: &Value, path: &str) -> bool {
    let mut cur = v;
    for seg in path.split('.') {
        cur = match cur {
            Value::Object(m) => match m.get(seg) {
                Some(x) => x,
                None => return false,
            },
            Value::Array(a) => match seg.parse::<usize>().ok().and_then(|i| a.get(i)) {
                Some(x) => x,
                None => return false,
            },
            _ => return false,
        };
    }
    true
}

/// Sets `path` (`a.0.b`) in `v` to `leaf`, creating objects on the way.
fn set_path(v: &mut Value, path: &str, leaf: Value) {
    let segs: Vec<&str> = path.split('.').collect();
    let mut cur = v;
    for (n, seg) in segs.iter().enumerate() {
        let last = n + 1 == segs.len();
        let next_is_index = !last && segs[n + 1].parse::<usize>().is_ok();
        cur = match cur {
            Value::Object(m) => {
                if last {
                    m.insert(seg.to_string(), leaf);
                    return;
                }
                m.entry(seg.to_string()).or_insert_with(|| {
                    if next_is_index {
                        json!([])
                    } else {
                        json!({})
                    }
                })
            }
            Value::Array(a) => {
                let i: usize = seg.parse().expect("index");
                while a.len() <= i {
                    a.push(json!({}));
                }
                if last {
                    a[i] = leaf;
                    return;
                }
                &mut a[i]
            }
            _ => panic!("set_path {path}: not a container"),
        };
    }
}

fn after_unknown(r: &Res) -> Value {
    let mut u = shape(&r.after);
    for p in &r.unknown {
        assert!(
            !has_path(&r.after, p),
            "{}: unknown {p} has a value",
            r.address()
        );
        set_path(&mut u, p, Value::Bool(true));
    }
    u
}

fn resource_entry(call: &Call, u: &Unit, r: &Res, planned: bool) -> Value {
    let module = call.module_address(u);
    let mut m = Map::new();
    m.insert("address".into(), json!(format!("{module}.{}", r.address())));
    if !planned {
        m.insert("module_address".into(), json!(module));
    }
    m.insert("mode".into(), json!("managed"));
    m.insert("type".into(), json!(r.kind));
    m.insert("name".into(), json!(r.name));
    if let Some(i) = r.index {
        m.insert("index".into(), json!(i));
    }
    m.insert("provider_name".into(), json!(AWS));
    if planned {
        m.insert("schema_version".into(), json!(r.schema_version));
        m.insert("values".into(), r.after.clone());
        m.insert("sensitive_values".into(), shape(&r.after));
    } else {
        m.insert(
            "change".into(),
            json!({
                "actions": ["create"],
                "before": null,
                "after": r.after,
                "after_unknown": after_unknown(r),
                "before_sensitive": false,
                "after_sensitive": shape(&r.after),
            }),
        );
    }
    Value::Object(m)
}

/// A configuration expression for a known value: nested blocks stay lists of objects
/// of expressions, everything else is a constant.
fn to_expr(v: &Value) -> Value {
    match v {
        Value::Array(a) if !a.is_empty() && a.iter().all(Value::is_object) => Value::Array(
            a.iter()
                .map(|o| {
                    let m: Map<String, Value> = o
                        .as_object()
                        .unwrap()
                        .iter()
                        .filter(|(_, c)| !c.is_null() && c.as_array().is_none_or(|x| !x.is_empty()))
                        .map(|(k, c)| (k.clone(), to_expr(c)))
                        .collect();
                    Value::Object(m)
                })
                .collect(),
        ),
        _ => json!({ "constant_value": v }),
    }
}

fn module_config(sample: &Unit, provider_key: &str) -> Value {
    let resources: Vec<Value> = unit_resources(sample)
        .into_iter()
        .filter(|r| r.index.unwrap_or(0) == 0)
        .map(|r| {
            let mut exprs = json!({});
            for k in r.set {
                if let Some(v) = r.after.get(*k) {
                    if !v.is_null() {
                        exprs[*k] = to_expr(v);
                    }
                }
            }
            for (path, refs) in &r.refs {
                if refs.is_empty() {
                    // a constant inside a block that also holds references
                    if let Some(v) = path_value(&r.after, path) {
                        set_path(&mut exprs, path, json!({ "constant_value": v }));
                    }
                } else {
                    set_path(&mut exprs, path, json!({ "references": refs }));
                }
            }
            let mut o = json!({
                "address": format!("{}.{}", r.kind, r.name),
                "mode": "managed",
                "type": r.kind,
                "name": r.name,
                "provider_config_key": provider_key,
                "expressions": exprs,
                "schema_version": r.schema_version,
            });
            if r.index.is_some() {
                o["count_expression"] = json!({"constant_value": 4});
            }
            o
        })
        .collect();
    json!({
        "outputs": {
            "alb_dns_name": {"expression": {"references": ["aws_lb.this.dns_name", "aws_lb.this"]}},
            "bucket_id": {"expression": {"references": ["aws_s3_bucket.static.id", "aws_s3_bucket.static"]}},
            "table_arn": {"expression": {"references": ["aws_dynamodb_table.sessions.arn", "aws_dynamodb_table.sessions"]}},
            "vpc_id": {"expression": {"references": ["aws_vpc.this.id", "aws_vpc.this"]}},
        },
        "resources": resources,
        "variables": {
            "ami_id": {"description": "Amazon Linux 2 AMI of the region"},
            "azs": {"description": "Availability zones of the subnets"},
            "certificate_arn": {"description": "ACM certificate of the HTTPS listener"},
            "flow_log_role_arn": {"description": "IAM role VPC flow logs write with"},
            "name": {"description": "Name prefix of every resource"},
            "replica_regions": {"default": [], "description": "Regions of the DynamoDB replicas"},
            "tags": {"default": {}, "description": "Tags of every resource"},
            "vpc_cidr": {"description": "IPv4 CIDR of the VPC"},
        },
    })
}

fn path_value(v: &Value, path: &str) -> Option<Value> {
    let mut cur = v;
    for seg in path.split('.') {
        cur = match cur {
            Value::Object(m) => m.get(seg)?,
            Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur.clone())
}

fn configuration(calls: &[Call]) -> Value {
    let mut module_calls = Map::new();
    let mut provider_config = Map::new();
    provider_config.insert(
        "aws".into(),
        json!({
            "name": "aws",
            "full_name": AWS,
            "version_constraint": "~> 5.80",
            "expressions": {
                "default_tags": [{"tags": {"constant_value": default_tags()}}],
                "region": {"constant_value": "us-east-1"},
            },
        }),
    );
    provider_config.insert(
        "aws.secondary".into(),
        json!({
            "name": "aws",
            "full_name": AWS,
            "alias": "secondary",
            "version_constraint": "~> 5.80",
            "expressions": {
                "default_tags": [{"tags": {"constant_value": default_tags()}}],
                "region": {"constant_value": "us-west-2"},
            },
        }),
    );
    for call in calls {
        let sample = call.units.first().map_or_else(
            || Unit {
                key: "u0".into(),
                i: 0,
                primary: call.provider_key == "aws",
            },
            |u| Unit {
                key: u.key.clone(),
                i: u.i,
                primary: u.primary,
            },
        );
        let units_local = format!("local.{}_units", call.name);
        module_calls.insert(
            call.name.into(),
            json!({
                "source": "./modules/region",
                "expressions": {
                    "ami_id": {"references": ["each.value.ami_id", "each.value"]},
                    "azs": {"references": ["each.value.azs", "each.value"]},
                    "certificate_arn": {"references": ["each.value.certificate_arn", "each.value"]},
                    "flow_log_role_arn": {"references": ["var.flow_log_role_arn"]},
                    "name": {"references": ["each.key", "each.value.region_short", "each.value"]},
                    "replica_regions": {"references": ["each.value.replica_regions", "each.value"]},
                    "tags": {"references": ["local.tags", "each.key"]},
                    "vpc_cidr": {"references": ["each.value.cidr", "each.value"]},
                },
                "for_each_expression": {"references": [units_local]},
                "module": module_config(&sample, call.provider_key),
            }),
        );
        provider_config.insert(
            format!("module.{}:aws", call.name),
            json!({
                "name": "aws",
                "full_name": AWS,
                "version_constraint": ">= 5.0",
                "module_address": format!("module.{}", call.name),
            }),
        );
    }
    json!({
        "provider_config": provider_config,
        "root_module": {
            "module_calls": module_calls,
            "variables": {
                "environment": {"default": "production"},
                "flow_log_role_arn": {"description": "IAM role VPC flow logs write with"},
                "units": {"description": "Application units per region"},
            },
        },
    })
}

/// Writes a plan of about `target` resources; returns the resource count and bytes.
fn write_plan(path: &Path, target: usize) -> std::io::Result<(usize, u64)> {
    let calls = make_calls(target);
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
    w.write_all(br#"{"format_version":"1.2","terraform_version":"1.9.8","variables":"#)?;
    serde_json::to_writer(
        &mut w,
        &json!({
            "environment": {"value": "production"},
            "flow_log_role_arn": {"value": format!("arn:aws:iam::{ACCOUNT}:role/acme-vpc-flow-logs")},
            "units": {"value": calls.iter().map(|c| c.units.len()).sum::<usize>()},
        }),
    )?;
    w.write_all(br#","planned_values":{"root_module":{"child_modules":["#)?;
    let mut first = true;
    for call in &calls {
        for u in &call.units {
            if !first {
                w.write_all(b",")?;
            }
            first = false;
            let resources: Vec<Value> = unit_resources(u)
                .iter()
                .map(|r| resource_entry(call, u, r, true))
                .collect();
            w.write_all(br#"{"resources":"#)?;
            serde_json::to_writer(&mut w, &resources)?;
            write!(w, r#","address":{}}}"#, json!(call.module_address(u)))?;
        }
    }
    w.write_all(br#"]}},"resource_changes":["#)?;
    let mut count = 0;
    for call in &calls {
        for u in &call.units {
            for r in unit_resources(u) {
                if count > 0 {
                    w.write_all(b",")?;
                }
                count += 1;
                serde_json::to_writer(&mut w, &resource_entry(call, u, &r, false))?;
            }
        }
    }
    w.write_all(br#"],"configuration":"#)?;
    serde_json::to_writer(&mut w, &configuration(&calls))?;
    w.write_all(
        br#","timestamp":"2025-06-01T12:00:00Z","applyable":true,"complete":true,"errored":false}"#,
    )?;
    w.flush()?;
    drop(w);
    Ok((count, fs::metadata(path)?.len()))
}

// ---------------------------------------------------------------------------
// Running the binary

struct Run {
    wall: Duration,
    cpu: Duration,
    max_rss_kb: u64,
    exit: i32,
}

fn tv(t: libc::timeval) -> Duration {
    Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
}

/// Runs the binary once; its peak RSS comes from wait4's rusage (ru_maxrss, in KiB).
fn run_once(plan: &Path, out: &Path, dir: &Path) -> Run {
    let err_path = dir.join("stderr.txt");
    let err = File::create(&err_path).expect("create stderr file");
    let start = Instant::now();
    let child = Command::new(BIN)
        .arg("plan")
        .arg(plan)
        .args(["--format", "json", "--output"])
        .arg(out)
        .current_dir(dir) // no stray ./.infracheck.toml: the defaults apply
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(err))
        .spawn()
        .unwrap_or_else(|e| fail(&format!("cannot run {BIN}: {e}")));
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; wait4 fills it in.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: pid is our child, not yet reaped (std's Child is never waited on).
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
        if r == pid {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            fail(&format!("wait4: {e}"));
        }
    }
    let wall = start.elapsed();
    drop(child);
    let stderr = fs::read_to_string(&err_path).unwrap_or_default();
    let _ = fs::remove_file(&err_path);
    if !libc::WIFEXITED(status) {
        fail(&format!(
            "{BIN} died (signal {}) on {}\n{stderr}",
            libc::WTERMSIG(status),
            plan.display()
        ));
    }
    let exit = libc::WEXITSTATUS(status);
    if exit != 0 && exit != 1 {
        fail(&format!(
            "{BIN} exited with {exit} on {}:\n{stderr}",
            plan.display()
        ));
    }
    Run {
        wall,
        cpu: tv(ru.ru_utime) + tv(ru.ru_stime),
        max_rss_kb: ru.ru_maxrss as u64,
        exit,
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("bench scan: {msg}");
    std::process::exit(2)
}

struct Outcome {
    results: usize,
    failed: u64,
    unknown: u64,
    passed: u64,
    errors: usize,
}

fn read_report(out: &Path) -> Outcome {
    let text = fs::read_to_string(out).unwrap_or_else(|e| fail(&format!("{}: {e}", out.display())));
    let doc: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| fail(&format!("{}: the report is not JSON: {e}", out.display())));
    let results = doc["results"]
        .as_array()
        .unwrap_or_else(|| fail("the report has no `results` array"))
        .len();
    let n = |k: &str| doc["summary"][k].as_u64().unwrap_or(0);
    Outcome {
        results,
        failed: n("failed"),
        unknown: n("unknown"),
        passed: n("passed"),
        errors: doc["errors"].as_array().map_or(0, Vec::len),
    }
}

fn median(xs: &[Duration]) -> Duration {
    let mut v = xs.to_vec();
    v.sort();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    }
}

// ---------------------------------------------------------------------------

struct Options {
    sizes: Vec<usize>,
    runs: Option<usize>,
    keep: bool,
    scaling: bool,
}

const USAGE: &str =
    "usage: cargo bench --bench scan [-- [--sizes N[,N...]] [--runs N] [--keep] [--scaling]]
  --sizes  approximate resource counts of the generated plans (default 1000,10000,50000;
           `10k` and `10_000` are accepted)
  --runs   runs per size (default 5, 1 from 50000 resources)
  --keep   keep the generated plans and print their paths
  --scaling  time each rule on two plans (default sizes 1000 and 8000) and flag rules
           whose time grows faster than linearly";

fn parse_size(s: &str) -> usize {
    let t = s.trim().replace('_', "").to_ascii_lowercase();
    let (num, mul) = match t.strip_suffix('k') {
        Some(n) => (n.to_string(), 1000),
        None => (t.clone(), 1),
    };
    match num.parse::<usize>() {
        Ok(n) if n > 0 => n * mul,
        _ => fail(&format!("bad size {s:?}\n{USAGE}")),
    }
}

fn parse_args() -> Options {
    let mut o = Options {
        sizes: Vec::new(),
        runs: None,
        keep: false,
        scaling: false,
    };
    let mut args = std::env::args().skip(1).peekable();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--bench" => {} // added by `cargo bench`
            "--keep" => o.keep = true,
            "--scaling" => o.scaling = true,
            "--sizes" => {
                while let Some(v) = args.next_if(|v| !v.starts_with("--")) {
                    o.sizes
                        .extend(v.split(',').filter(|s| !s.is_empty()).map(parse_size));
                }
            }
            "--runs" => {
                o.runs = Some(
                    args.next()
                        .and_then(|v| v.parse().ok())
                        .filter(|&n| n > 0)
                        .unwrap_or_else(|| fail(USAGE)),
                )
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            s if s.starts_with("--sizes=") => o.sizes.extend(
                s["--sizes=".len()..]
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(parse_size),
            ),
            s if s.starts_with("--runs=") => {
                o.runs = Some(s["--runs=".len()..].parse().unwrap_or_else(|_| fail(USAGE)))
            }
            other => fail(&format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if o.scaling {
        match o.sizes.len() {
            0 => o.sizes = SCALING_SIZES.to_vec(),
            2 if o.sizes[0] < o.sizes[1] => {}
            _ => fail(&format!(
                "--scaling takes two sizes, the smaller first\n{USAGE}"
            )),
        }
    }
    if o.sizes.is_empty() {
        o.sizes = DEFAULT_SIZES.to_vec();
    }
    o
}

fn main() {
    let opts = parse_args();
    let dir = std::env::temp_dir().join("infracheck-bench");
    fs::create_dir_all(&dir).unwrap_or_else(|e| fail(&format!("{}: {e}", dir.display())));
    if !BIN.contains("/release/") {
        eprintln!("bench scan: warning: {BIN} is not a release build");
    }
    println!("binary: {BIN}");
    println!("plans:  {}", dir.display());

    let mut plans: Vec<(PathBuf, usize, u64)> = Vec::new();
    for &size in &opts.sizes {
        let path = dir.join(format!("plan-{size}.json"));
        let t = Instant::now();
        let (n, bytes) =
            write_plan(&path, size).unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
        println!(
            "generated {} ({n} resources, {:.1} MB, {:.2} KB/resource) in {:.1} s",
            path.display(),
            bytes as f64 / 1e6,
            bytes as f64 / n as f64 / 1e3,
            t.elapsed().as_secs_f64()
        );
        plans.push((path, n, bytes));
    }

    if opts.scaling {
        let code = scaling(&plans, &dir, opts.runs.unwrap_or(3));
        if !opts.keep {
            for (path, _, _) in &plans {
                let _ = fs::remove_file(path);
            }
            let _ = fs::remove_dir(&dir);
        }
        std::process::exit(code);
    }

    let out = dir.join("out.json");
    let mut rows = Vec::new();
    for (path, n, bytes) in &plans {
        let runs = opts.runs.unwrap_or(if *n >= 45_000 { 1 } else { 5 });
        let mut walls = Vec::new();
        let mut cpus = Vec::new();
        let mut rss = 0u64;
        let mut exit = 0;
        for k in 0..runs {
            let r = run_once(path, &out, &dir);
            println!(
                "  {n} resources, run {}/{runs}: {:.3} s wall, {:.3} s CPU, {:.1} MB peak RSS, exit {}",
                k + 1,
                r.wall.as_secs_f64(),
                r.cpu.as_secs_f64(),
                r.max_rss_kb as f64 * 1024.0 / 1e6,
                r.exit
            );
            walls.push(r.wall);
            cpus.push(r.cpu);
            rss = rss.max(r.max_rss_kb);
            exit = r.exit;
        }
        let report = read_report(&out);
        let _ = fs::remove_file(&out);
        rows.push((
            *n,
            *bytes,
            runs,
            median(&walls),
            *walls.iter().min().unwrap(),
            median(&cpus),
            rss,
            exit,
            report,
        ));
    }

    println!();
    println!("| resources | plan MB | runs | median s | min s | median CPU s | peak RSS MB | RSS / file | wall ms per 1k res | CPU ms per 1k res | exit | results (failed / unknown / passed) | rule errors |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|");
    for (n, bytes, runs, med, min, cpu, rss_kb, exit, r) in &rows {
        let rss_mb = *rss_kb as f64 * 1024.0 / 1e6;
        println!(
            "| {n} | {:.1} | {runs} | {:.3} | {:.3} | {:.3} | {:.1} | {:.1}x | {:.0} | {:.0} | {exit} | {} ({} / {} / {}) | {} |",
            *bytes as f64 / 1e6,
            med.as_secs_f64(),
            min.as_secs_f64(),
            cpu.as_secs_f64(),
            rss_mb,
            rss_mb * 1e6 / *bytes as f64,
            med.as_secs_f64() * 1e3 / (*n as f64 / 1e3),
            cpu.as_secs_f64() * 1e3 / (*n as f64 / 1e3),
            r.results,
            r.failed,
            r.unknown,
            r.passed,
            r.errors,
        );
    }
    println!("(MB = 10^6 bytes; peak RSS is the child's ru_maxrss from wait4, max over the runs; CPU = user + sys)");

    if opts.keep {
        println!();
        for (path, _, _) in &plans {
            println!("kept {}", path.display());
        }
    } else {
        for (path, _, _) in &plans {
            let _ = fs::remove_file(path);
        }
        let _ = fs::remove_dir(&dir); // only if empty
    }
}

// ---------------------------------------------------------------------------
// Per-rule scaling

/// Milliseconds per rule of one run with `INFRACHECK_TIMINGS=rules`, which evaluates
/// the rules one at a time and prints `<ms> ms CPU  rule <ID>` (thread CPU time).
fn rule_times(plan: &Path, dir: &Path) -> Vec<(String, f64)> {
    let out = Command::new(BIN)
        .arg("plan")
        .arg(plan)
        .args(["--format", "json", "--output", "/dev/null"])
        .env("INFRACHECK_TIMINGS", "rules")
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| fail(&format!("cannot run {BIN}: {e}")));
    if !matches!(out.status.code(), Some(0 | 1)) {
        fail(&format!(
            "{BIN} failed on {}:\n{}",
            plan.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter_map(|l| {
            let (ms, rest) = l.trim().split_once(" ms")?;
            let id = rest
                .trim()
                .strip_prefix("CPU")?
                .trim()
                .strip_prefix("rule ")?;
            Some((id.to_string(), ms.trim().parse().ok()?))
        })
        .collect()
}

/// The per-rule minimum over `runs` runs (the least disturbed by other load).
fn min_rule_times(plan: &Path, dir: &Path, runs: usize) -> BTreeMap<String, f64> {
    let mut best: BTreeMap<String, f64> = BTreeMap::new();
    for _ in 0..runs {
        for (id, ms) in rule_times(plan, dir) {
            let e = best.entry(id).or_insert(f64::INFINITY);
            *e = e.min(ms);
        }
    }
    best
}

/// Times each rule on the two plans; returns the exit code (1: a rule is flagged).
fn scaling(plans: &[(PathBuf, usize, u64)], dir: &Path, runs: usize) -> i32 {
    let [(small, n_small, _), (large, n_large, _)] = plans else {
        fail("--scaling needs two plans");
    };
    let size_ratio = *n_large as f64 / *n_small as f64;
    let a = min_rule_times(small, dir, runs);
    let b = min_rule_times(large, dir, runs);
    if a.is_empty() || a.len() != b.len() {
        fail("no per-rule timings were printed (INFRACHECK_TIMINGS=rules)");
    }
    // Below this the timer's resolution and one-off costs dominate the ratio.
    const FLOOR_MS: f64 = 5.0;
    // Linear growth gives a ratio near the size ratio; a nested loop over all
    // resources gives its square. Twice the size ratio leaves room for noise.
    let limit = 2.0 * size_ratio;
    let mut rows: Vec<(&String, f64, f64, f64)> = b
        .iter()
        .map(|(id, &ms_large)| {
            let ms_small = a.get(id).copied().unwrap_or(f64::NAN);
            (id, ms_small, ms_large, ms_large / ms_small.max(0.05))
        })
        .collect();
    rows.sort_by(|x, y| y.2.total_cmp(&x.2));
    println!();
    println!(
        "per-rule time, {n_small} -> {n_large} resources (x{size_ratio:.1}); min of {runs} runs"
    );
    println!("| rule | ms at {n_small} | ms at {n_large} | growth | |");
    println!("|---|---:|---:|---:|---|");
    let mut flagged = 0;
    for (id, s, l, g) in &rows {
        let bad = *l >= FLOOR_MS && *g > limit;
        flagged += usize::from(bad);
        println!(
            "| {id} | {s:.1} | {l:.1} | x{g:.1} | {} |",
            if bad { "SUPERLINEAR" } else { "" }
        );
    }
    let total_small: f64 = a.values().sum();
    let total_large: f64 = b.values().sum();
    println!(
        "| all rules | {total_small:.0} | {total_large:.0} | x{:.1} | |",
        total_large / total_small
    );
    if flagged > 0 {
        println!("{flagged} rule(s) grow faster than x{limit:.0} (twice the size ratio)");
        1
    } else {
        println!("no rule grows faster than x{limit:.0} (twice the size ratio)");
        0
    }
}
