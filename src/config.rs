//! `.infracheck.toml`: run options and the thresholds rules read as
//! `data.infracheck.config`, defaulting to the reference architecture's values.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::findings::FailOn;

pub const CONFIG_FILE: &str = ".infracheck.toml";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read: {cause}")]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub fail_on: Option<FailOn>,
    #[serde(default)]
    pub policy_dirs: Vec<PathBuf>,
    #[serde(default)]
    pub settings: Settings,
}

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
}

impl Config {
    /// Reads `explicit`, or `.infracheck.toml` in `dir` if it exists, or the defaults.
    pub fn discover(explicit: Option<&Path>, dir: &Path) -> Result<Config, ConfigError> {
        match explicit {
            Some(p) => Self::load(p),
            None => {
                let p = dir.join(CONFIG_FILE);
                if p.is_file() {
                    Self::load(&p)
                } else {
                    Ok(Config::default())
                }
            }
        }
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|cause| ConfigError::Io {
            path: path.to_path_buf(),
            cause,
        })?;
        Self::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let mut message = e.message().to_string();
            if let Some(span) = e.span() {
                let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                message = format!("line {line}: {message}");
            }
            ConfigError::Invalid {
                path: path.to_path_buf(),
                message,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_architecture_document() {
        let c = Config::parse("", Path::new("x.toml")).unwrap();
        assert_eq!(c.settings.flow_log_retention_days, 30);
        assert_eq!(c.settings.allowed_regions, vec!["us-east-1", "us-west-2"]);
        assert!(c.fail_on.is_none());
    }

    #[test]
    fn overrides_and_rejects_unknown_keys() {
        let c = Config::parse(
            "fail_on = \"medium\"\n[settings]\nflow_log_retention_days = 90\n",
            Path::new("x.toml"),
        )
        .unwrap();
        assert_eq!(c.settings.flow_log_retention_days, 90);
        assert_eq!(c.settings.cpu_scale_out, 80.0);
        let err =
            Config::parse("[settings]\nflow_log_retention = 9\n", Path::new("x.toml")).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("x.toml: line 2: unknown field `flow_log_retention`"),
            "{msg}"
        );
    }
}
