//! `[settings]`: the thresholds and lists rules read as `data.infracheck.config`,
//! their defaults (the reference architecture's values), and the checks that keep
//! out values no rule could use.

use serde::{Deserialize, Serialize};

/// Thresholds and lists the rules read; see docs/configuration.md.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    pub primary_region: String,
    pub secondary_region: String,
    pub allowed_regions: Vec<String>,
    pub include_default_vpcs: bool,
    pub lb_public_ports: Vec<u16>,
    pub flow_log_retention_days: u32,
    pub cpu_scale_out: f64,
    pub cpu_scale_in: f64,
    pub health_check_path: String,
    pub health_check_interval: u32,
    pub health_check_healthy_threshold: u32,
    pub health_check_unhealthy_threshold: u32,
    pub failover_detection_seconds: u32,
    pub dns_health_check_interval: u32,
    pub dns_health_check_failure_threshold: u32,
    pub alb_tls_policy_prefixes: Vec<String>,
    pub cloudfront_min_tls: String,
    pub ddb_autoscaling_target: f64,
    pub ddb_autoscaling_min: u32,
    pub ddb_autoscaling_max: u32,
    pub dax_min_nodes: u32,
    pub backup_retention_days: u32,
    pub log_retention_min_days: u32,
    pub required_tags: Vec<String>,
    pub data_classification_values: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        Settings {
            primary_region: "us-east-1".into(),
            secondary_region: "us-west-2".into(),
            allowed_regions: strings(&["us-east-1", "us-west-2"]),
            include_default_vpcs: false,
            lb_public_ports: vec![80, 443],
            flow_log_retention_days: 30,
            cpu_scale_out: 80.0,
            cpu_scale_in: 20.0,
            health_check_path: "/".into(),
            health_check_interval: 30,
            health_check_healthy_threshold: 3,
            health_check_unhealthy_threshold: 3,
            failover_detection_seconds: 90,
            dns_health_check_interval: 30,
            dns_health_check_failure_threshold: 3,
            alb_tls_policy_prefixes: strings(&[
                "ELBSecurityPolicy-TLS13-1-2-",
                "ELBSecurityPolicy-FS-1-2-",
            ]),
            cloudfront_min_tls: "TLSv1.2_2021".into(),
            ddb_autoscaling_target: 70.0,
            ddb_autoscaling_min: 1,
            ddb_autoscaling_max: 10,
            dax_min_nodes: 3,
            backup_retention_days: 30,
            log_retention_min_days: 1,
            required_tags: strings(&["Environment", "Owner", "CostCenter"]),
            data_classification_values: strings(&[
                "public",
                "internal",
                "confidential",
                "restricted",
            ]),
        }
    }
}

impl Settings {
    /// The settings as the Rego value `data.infracheck.config`.
    pub fn to_rego(&self) -> regorus::Value {
        regorus::Value::from(serde_json::to_value(self).unwrap_or_default())
    }

    /// The values no rule could use as meant: out of AWS's own range, contradicting
    /// another setting, or unusable (NaN, an empty tag key). Left through, they
    /// would turn every verdict of a rule the same way without a word.
    pub(super) fn problems(&self) -> Vec<SettingProblem> {
        let mut out = Vec::new();
        let mut bad = |keys: &[&'static str], message: String| {
            out.push(SettingProblem {
                keys: keys.to_vec(),
                message,
            })
        };
        for (key, region) in [
            ("primary_region", &self.primary_region),
            ("secondary_region", &self.secondary_region),
        ] {
            if !is_region_name(region) {
                bad(&[key], format!("{key}: {}", not_a_region(region)));
            }
        }
        if self.allowed_regions.is_empty() {
            bad(
                &["allowed_regions"],
                "allowed_regions is empty: every resource would be in a region not allowed".into(),
            );
        }
        for region in &self.allowed_regions {
            if !is_region_name(region) {
                bad(
                    &["allowed_regions"],
                    format!("allowed_regions: {}", not_a_region(region)),
                );
            }
        }
        for (key, region) in [
            ("primary_region", &self.primary_region),
            ("secondary_region", &self.secondary_region),
        ] {
            if is_region_name(region)
                && !self.allowed_regions.is_empty()
                && !self.allowed_regions.contains(region)
            {
                bad(
                    &["allowed_regions", "primary_region", "secondary_region"],
                    format!("{key} {region} is not in allowed_regions"),
                );
            }
        }
        if self.lb_public_ports.contains(&0) {
            bad(
                &["lb_public_ports"],
                "lb_public_ports: 0 is not a port".into(),
            );
        }
        for (key, days) in [
            ("flow_log_retention_days", self.flow_log_retention_days),
            ("backup_retention_days", self.backup_retention_days),
            ("log_retention_min_days", self.log_retention_min_days),
        ] {
            if days == 0 {
                bad(&[key], format!("{key} must be at least 1 day, got 0"));
            }
        }
        for (key, percent) in [
            ("cpu_scale_out", self.cpu_scale_out),
            ("cpu_scale_in", self.cpu_scale_in),
        ] {
            if !(0.0..=100.0).contains(&percent) {
                bad(
                    &[key],
                    format!("{key} is a CPU percentage, between 0 and 100, got {percent}"),
                );
            }
        }
        if self.cpu_scale_in >= self.cpu_scale_out {
            bad(
                &["cpu_scale_in", "cpu_scale_out"],
                format!(
                    "cpu_scale_in ({}) must be below cpu_scale_out ({})",
                    self.cpu_scale_in, self.cpu_scale_out
                ),
            );
        }
        if !self.health_check_path.starts_with('/') {
            bad(
                &["health_check_path"],
                format!(
                    "health_check_path must start with /, got {:?}",
                    self.health_check_path
                ),
            );
        }
        // The ranges AWS accepts; a setting outside them fails every resource.
        for (key, value, min, max, what) in [
            (
                "health_check_interval",
                self.health_check_interval,
                5,
                300,
                "seconds, as for a target group",
            ),
            (
                "health_check_healthy_threshold",
                self.health_check_healthy_threshold,
                2,
                10,
                "checks, as for a target group",
            ),
            (
                "health_check_unhealthy_threshold",
                self.health_check_unhealthy_threshold,
                2,
                10,
                "checks, as for a target group",
            ),
            (
                "dns_health_check_failure_threshold",
                self.dns_health_check_failure_threshold,
                1,
                10,
                "checks, as for a Route 53 health check",
            ),
            (
                "ddb_autoscaling_min",
                self.ddb_autoscaling_min,
                1,
                u32::MAX,
                "capacity units",
            ),
            (
                "dax_min_nodes",
                self.dax_min_nodes,
                1,
                11,
                "nodes, as in a DAX cluster",
            ),
        ] {
            if !(min..=max).contains(&value) {
                let range = if max == u32::MAX {
                    format!("at least {min}")
                } else {
                    format!("between {min} and {max}")
                };
                bad(&[key], format!("{key} must be {range} {what}, got {value}"));
            }
        }
        if ![10, 30].contains(&self.dns_health_check_interval) {
            bad(
                &["dns_health_check_interval"],
                format!(
                    "dns_health_check_interval must be 10 or 30 seconds, the intervals Route 53 offers, got {}",
                    self.dns_health_check_interval
                ),
            );
        }
        let detection = u64::from(self.dns_health_check_interval)
            * u64::from(self.dns_health_check_failure_threshold);
        if detection > u64::from(self.failover_detection_seconds) {
            bad(
                &[
                    "failover_detection_seconds",
                    "dns_health_check_interval",
                    "dns_health_check_failure_threshold",
                ],
                format!(
                    "a health check with dns_health_check_interval x dns_health_check_failure_threshold = {detection} s would fail failover_detection_seconds = {} s",
                    self.failover_detection_seconds
                ),
            );
        }
        if self.alb_tls_policy_prefixes.is_empty() {
            bad(
                &["alb_tls_policy_prefixes"],
                "alb_tls_policy_prefixes is empty: every HTTPS listener would fail".into(),
            );
        }
        if self.alb_tls_policy_prefixes.iter().any(|p| p.is_empty()) {
            bad(
                &["alb_tls_policy_prefixes"],
                "alb_tls_policy_prefixes: an empty prefix allows every TLS policy".into(),
            );
        }
        if !is_cloudfront_security_policy(&self.cloudfront_min_tls) {
            bad(
                &["cloudfront_min_tls"],
                format!(
                    "cloudfront_min_tls: {:?} is not a CloudFront security policy (like TLSv1.2_2021)",
                    self.cloudfront_min_tls
                ),
            );
        }
        if !(20.0..=90.0).contains(&self.ddb_autoscaling_target) {
            bad(
                &["ddb_autoscaling_target"],
                format!(
                    "ddb_autoscaling_target must be between 20 and 90 percent, the target utilizations DynamoDB accepts, got {}",
                    self.ddb_autoscaling_target
                ),
            );
        }
        if self.ddb_autoscaling_min > self.ddb_autoscaling_max {
            bad(
                &["ddb_autoscaling_min", "ddb_autoscaling_max"],
                format!(
                    "ddb_autoscaling_min ({}) is above ddb_autoscaling_max ({})",
                    self.ddb_autoscaling_min, self.ddb_autoscaling_max
                ),
            );
        }
        for tag in &self.required_tags {
            if tag.trim().is_empty() || tag.chars().count() > 128 {
                bad(
                    &["required_tags"],
                    format!("required_tags: {tag:?} is not a tag key (1 to 128 characters)"),
                );
            }
        }
        if self.data_classification_values.is_empty() {
            bad(
                &["data_classification_values"],
                "data_classification_values is empty: every classification tag would fail".into(),
            );
        }
        if self
            .data_classification_values
            .iter()
            .any(|v| v.trim().is_empty())
        {
            bad(
                &["data_classification_values"],
                "data_classification_values: an empty value is not a classification".into(),
            );
        }
        out
    }
}

/// A setting that fails [`Settings::problems`]; `keys` are the settings it is
/// about, the first one written in the file giving the error's line.
pub(super) struct SettingProblem {
    pub(super) keys: Vec<&'static str>,
    pub(super) message: String,
}

fn not_a_region(value: &str) -> String {
    format!("{value:?} is not an AWS region name (like us-east-1)")
}

/// An AWS region name: `us-east-1`, `us-gov-west-1`, `cn-northwest-1`...
pub fn is_region_name(name: &str) -> bool {
    static PATTERN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^[a-z]{2}(-[a-z]+)+-[0-9]+$").expect("a valid pattern")
    });
    PATTERN.is_match(name)
}

/// A name in CloudFront's scheme of security policies (`SSLv3`, `TLSv1`,
/// `TLSv1.2_2021`...): the scheme policies/aws/cloudfront/min_tls.rego ranks by.
fn is_cloudfront_security_policy(name: &str) -> bool {
    static PATTERN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(SSLv[0-9]+|TLSv[0-9]+(\.[0-9]+)?(_[0-9]{4})?)$")
            .expect("a valid pattern")
    });
    PATTERN.is_match(name)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::Config;

    #[test]
    fn the_default_settings_pass_their_own_checks() {
        let problems: Vec<String> = Settings::default()
            .problems()
            .into_iter()
            .map(|p| p.message)
            .collect();
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn settings_no_rule_could_use_are_errors_on_their_line() {
        let err = |settings: &str| {
            Config::parse(
                &format!("fail_on = \"high\"\n[settings]\n{settings}"),
                Path::new("x.toml"),
            )
            .unwrap_err()
            .to_string()
        };
        for (settings, message) in [
            ("primary_region = \"us-east1\"\n", "line 3: primary_region: \"us-east1\" is not an AWS region name (like us-east-1)"),
            ("secondary_region = \"us-west2\"\n", "line 3: secondary_region: \"us-west2\" is not an AWS region name (like us-east-1)"),
            ("allowed_regions = []\n", "line 3: allowed_regions is empty: every resource would be in a region not allowed"),
            ("allowed_regions = [\"us-east-1\", \"US-WEST-2\"]\n", "line 3: allowed_regions: \"US-WEST-2\" is not an AWS region name (like us-east-1)"),
            ("allowed_regions = [\"us-east-1\", \"eu-west-1\"]\n", "line 3: secondary_region us-west-2 is not in allowed_regions"),
            ("lb_public_ports = [0, 443]\n", "line 3: lb_public_ports: 0 is not a port"),
            ("backup_retention_days = 0\n", "line 3: backup_retention_days must be at least 1 day, got 0"),
            ("cpu_scale_out = nan\n", "line 3: cpu_scale_out is a CPU percentage, between 0 and 100, got NaN"),
            ("cpu_scale_out = 150\n", "line 3: cpu_scale_out is a CPU percentage, between 0 and 100, got 150"),
            ("cpu_scale_in = 85\n", "line 3: cpu_scale_in (85) must be below cpu_scale_out (80)"),
            ("health_check_path = \"health\"\n", "line 3: health_check_path must start with /, got \"health\""),
            ("health_check_interval = 1\n", "line 3: health_check_interval must be between 5 and 300 seconds, as for a target group, got 1"),
            ("health_check_unhealthy_threshold = 11\n", "line 3: health_check_unhealthy_threshold must be between 2 and 10 checks, as for a target group, got 11"),
            ("dns_health_check_interval = 15\n", "line 3: dns_health_check_interval must be 10 or 30 seconds, the intervals Route 53 offers, got 15"),
            ("failover_detection_seconds = 60\n", "line 3: a health check with dns_health_check_interval x dns_health_check_failure_threshold = 90 s would fail failover_detection_seconds = 60 s"),
            ("alb_tls_policy_prefixes = [\"\"]\n", "line 3: alb_tls_policy_prefixes: an empty prefix allows every TLS policy"),
            ("cloudfront_min_tls = \"TLS1.2_2021\"\n", "line 3: cloudfront_min_tls: \"TLS1.2_2021\" is not a CloudFront security policy (like TLSv1.2_2021)"),
            ("ddb_autoscaling_target = 95\n", "line 3: ddb_autoscaling_target must be between 20 and 90 percent, the target utilizations DynamoDB accepts, got 95"),
            ("ddb_autoscaling_min = 20\n", "line 3: ddb_autoscaling_min (20) is above ddb_autoscaling_max (10)"),
            ("dax_min_nodes = 0\n", "line 3: dax_min_nodes must be between 1 and 11 nodes, as in a DAX cluster, got 0"),
            ("required_tags = [\"Owner\", \" \"]\n", "line 3: required_tags: \" \" is not a tag key (1 to 128 characters)"),
            ("data_classification_values = []\n", "line 3: data_classification_values is empty: every classification tag would fail"),
            // Of two problems, the one written first; a problem between two
            // settings is on the line of the one written.
            ("ddb_autoscaling_max = 0\ncpu_scale_out = 101\n", "line 3: ddb_autoscaling_min (1) is above ddb_autoscaling_max (0)"),
            ("cpu_scale_in = 10\ncpu_scale_out = 5\n", "line 3: cpu_scale_in (10) must be below cpu_scale_out (5)"),
        ] {
            assert_eq!(err(settings), format!("x.toml: {message}"), "{settings}");
        }
    }

    #[test]
    fn changed_settings_that_hold_together_are_accepted() {
        let c = Config::parse(
            "[settings]\nprimary_region = \"eu-central-1\"\nsecondary_region = \"eu-west-1\"\nallowed_regions = [\"eu-central-1\", \"eu-west-1\", \"us-gov-west-1\"]\ncloudfront_min_tls = \"TLSv1.2_2019\"\ndns_health_check_interval = 10\nfailover_detection_seconds = 30\n",
            Path::new("x.toml"),
        )
        .unwrap();
        assert_eq!(c.settings.primary_region, "eu-central-1");
        // One region for both: `live` then scans it once.
        let c = Config::parse(
            "[settings]\nsecondary_region = \"us-east-1\"\n",
            Path::new("x.toml"),
        )
        .unwrap();
        assert_eq!(c.settings.secondary_region, "us-east-1");
        for name in [
            "SSLv3",
            "TLSv1",
            "TLSv1_2016",
            "TLSv1.1_2016",
            "TLSv1.3_2025",
        ] {
            assert!(is_cloudfront_security_policy(name), "{name}");
        }
        for name in [
            "us-east-1",
            "cn-northwest-1",
            "us-isob-east-1",
            "ap-southeast-5",
        ] {
            assert!(is_region_name(name), "{name}");
        }
        for name in ["", "us-east", "useast-1", "us-east-1a", " us-east-1"] {
            assert!(!is_region_name(name), "{name}");
        }
    }
}
