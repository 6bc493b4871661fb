//! `.infracheck.toml`: run options and the thresholds rules read as
//! `data.infracheck.config`, defaulting to the reference architecture's values.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::findings::FailOn;

mod settings;
use settings::SettingProblem;
pub use settings::{is_region_name, Settings};

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
    /// `[[waivers]]` as written; [`Config::parse`] checks them into `waivers`.
    #[serde(default, rename = "waivers")]
    raw_waivers: Vec<toml::Spanned<RawWaiver>>,
    /// Suppressions of FAILED findings by rule and resource address pattern.
    #[serde(skip)]
    pub waivers: Vec<Waiver>,
    /// The file the configuration was read from (none for the defaults).
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    rule: String,
    resource: toml::Spanned<String>,
    reason: String,
    expires: Option<toml::Spanned<toml::Value>>,
}

/// A `[[waivers]]` entry: the FAILED findings of `rule` on the resources whose
/// address matches the glob `resource` are suppressed, until `expires` if set.
#[derive(Debug, Clone)]
pub struct Waiver {
    pub rule: String,
    /// The glob as written: `*` and `?` match any characters (`.` and `/` too),
    /// `{a,b}` either; `[` and `]` match themselves.
    pub resource: String,
    pub reason: String,
    /// The last day the waiver applies.
    pub expires: Option<chrono::NaiveDate>,
    /// The 1-based line of the entry in the configuration file.
    pub line: usize,
    matcher: globset::GlobMatcher,
}

impl Waiver {
    pub fn new(
        rule: &str,
        resource: &str,
        reason: &str,
        expires: Option<chrono::NaiveDate>,
        line: usize,
    ) -> Result<Waiver, String> {
        if rule.trim().is_empty() {
            return Err("waiver: `rule` is empty".into());
        }
        if reason.trim().is_empty() {
            return Err(format!("waiver for {rule}: `reason` is empty"));
        }
        // Addresses hold `[0]` and `["key"]`: brackets are literal, not classes.
        let escaped = resource.replace('[', "\\[").replace(']', "\\]");
        let matcher = globset::GlobBuilder::new(&escaped)
            .literal_separator(false)
            .backslash_escape(true)
            .build()
            .map_err(|e| {
                format!(
                    "waiver for {rule}: bad `resource` pattern {resource:?}: {}",
                    e.kind()
                )
            })?
            .compile_matcher();
        Ok(Waiver {
            rule: rule.trim().to_string(),
            resource: resource.to_string(),
            reason: reason.trim().to_string(),
            expires,
            line,
            matcher,
        })
    }

    /// Whether the waiver covers a finding of `rule_id` on `address`.
    pub fn matches(&self, rule_id: &str, address: &str) -> bool {
        self.rule.eq_ignore_ascii_case(rule_id) && self.matcher.is_match(address)
    }
}

/// `YYYY-MM-DD`, as a TOML date (`2025-06-30`) or a string (`"2025-06-30"`).
fn parse_date(value: &toml::Value) -> Result<chrono::NaiveDate, String> {
    let bad = || format!("`expires` must be a date YYYY-MM-DD, not {value}");
    match value {
        toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
            let d = dt.date.ok_or_else(bad)?;
            chrono::NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
                .ok_or_else(bad)
        }
        toml::Value::String(s) => {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad())
        }
        _ => Err(bad()),
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
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
        let mut config = Self::parse(&text, path)?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let invalid = |line: usize, message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message: format!("line {line}: {message}"),
        };
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let mut message = e.message().to_string();
            if let Some(span) = e.span() {
                let line = line_of(text, span.start);
                message = format!("line {line}: {message}");
            }
            ConfigError::Invalid {
                path: path.to_path_buf(),
                message,
            }
        })?;
        for raw in std::mem::take(&mut config.raw_waivers) {
            let line = line_of(text, raw.span().start);
            let raw = raw.into_inner();
            let expires = match &raw.expires {
                Some(e) => Some(
                    parse_date(e.get_ref())
                        .map_err(|m| invalid(line_of(text, e.span().start), m))?,
                ),
                None => None,
            };
            let waiver = Waiver::new(
                &raw.rule,
                raw.resource.get_ref(),
                &raw.reason,
                expires,
                line,
            )
            .map_err(|m| invalid(line_of(text, raw.resource.span().start), m))?;
            config.waivers.push(waiver);
        }
        let problems = config.settings.problems();
        if !problems.is_empty() {
            // The config parsed, so this does too; without it the error has no line.
            let written: WrittenSettings = toml::from_str(text).unwrap_or_default();
            let line = |p: &SettingProblem| {
                p.keys
                    .iter()
                    .find_map(|k| written.settings.get(*k))
                    .map(|v| line_of(text, v.span().start))
            };
            // The problem written first in the file.
            let first = problems
                .iter()
                .min_by_key(|p| line(p).unwrap_or(usize::MAX))
                .expect("not empty");
            return Err(match line(first) {
                Some(n) => invalid(n, first.message.clone()),
                None => ConfigError::Invalid {
                    path: path.to_path_buf(),
                    message: first.message.clone(),
                },
            });
        }
        Ok(config)
    }
}

/// Where each key of `[settings]` is written, for the lines of errors.
#[derive(Default, Deserialize)]
struct WrittenSettings {
    #[serde(default)]
    settings: std::collections::BTreeMap<String, toml::Spanned<toml::Value>>,
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
    fn waivers_parse_with_their_lines_and_globs() {
        let text = "fail_on = \"high\"\n\n[[waivers]]\nrule = \"S3-002\"\nresource = \"module.web.aws_s3_bucket.*\"\nreason = \"public website\"\nexpires = 2025-06-30\n\n[[waivers]]\nrule = \"SG-001\"\nresource = \"aws_security_group.lb[0]\"\nreason = \"load balancer\"\nexpires = \"2030-01-01\"\n";
        let c = Config::parse(text, Path::new("x.toml")).unwrap();
        assert_eq!(c.waivers.len(), 2);
        let w = &c.waivers[0];
        assert_eq!(w.line, 3);
        assert_eq!(w.expires, chrono::NaiveDate::from_ymd_opt(2025, 6, 30));
        assert!(w.matches("S3-002", "module.web.aws_s3_bucket.logs"));
        assert!(w.matches("s3-002", "module.web.aws_s3_bucket.logs[\"a\"]"));
        assert!(!w.matches("S3-001", "module.web.aws_s3_bucket.logs"));
        assert!(!w.matches("S3-002", "aws_s3_bucket.logs"));
        let w = &c.waivers[1];
        assert_eq!(w.line, 9);
        assert!(w.matches("SG-001", "aws_security_group.lb[0]"));
        assert!(!w.matches("SG-001", "aws_security_group.lb0"));
    }

    #[test]
    fn bad_waivers_name_the_file_and_line() {
        let err = |text: &str| {
            Config::parse(text, Path::new("x.toml"))
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err("[[waivers]]\nrule = \"S3-002\"\nresource = \"*\"\n"),
            "x.toml: line 1: missing field `reason`"
        );
        assert_eq!(
            err("[[waivers]]\nrule = \"S3-002\"\nresource = \"*\"\nreason = \"x\"\nexpires = \"2025-13-01\"\n"),
            "x.toml: line 5: `expires` must be a date YYYY-MM-DD, not \"2025-13-01\""
        );
        assert_eq!(
            err("[[waivers]]\nrule = \"S3-002\"\nresource = \"a{b\"\nreason = \"x\"\n"),
            "x.toml: line 3: waiver for S3-002: bad `resource` pattern \"a{b\": unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)"
        );
        assert_eq!(
            err("[[waivers]]\nrule = \"S3-002\"\nresource = \"*\"\nreason = \" \"\n"),
            "x.toml: line 3: waiver for S3-002: `reason` is empty"
        );
        assert!(err(
            "[[waivers]]\nrule = \"S3-002\"\nresource = \"*\"\nreason = \"x\"\nuntil = 1\n"
        )
        .starts_with("x.toml: line 5: unknown field `until`"));
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
