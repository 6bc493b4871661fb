//! Findings: the outcome of each (rule, resource) pair, and the rule metadata they carry.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            other => Err(format!(
                "unknown severity {other:?} (expected critical, high, medium, low or info)"
            )),
        }
    }
}

/// The lowest severity that fails a run, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Severity(Severity),
    Never,
}

impl FromStr for FailOn {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("never") {
            Ok(FailOn::Never)
        } else {
            s.parse::<Severity>()
                .map(FailOn::Severity)
                .map_err(|_| format!("unknown --fail-on value {s:?} (expected critical, high, medium, low, info or never)"))
        }
    }
}

impl<'de> Deserialize<'de> for FailOn {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    Failed,
    Unknown,
    Passed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Failed => "FAILED",
            Status::Passed => "PASSED",
            Status::Unknown => "UNKNOWN",
        }
    }
}

/// What a rule's PASSED outcomes are about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleScope {
    /// Each resource of the rule's resource types.
    Resource,
    /// Each region of the scan (`region/<name>`), for scan-wide rules.
    Region,
}

/// A rule's metadata, read from its `# METADATA` block.
#[derive(Debug, Clone, Serialize)]
pub struct RuleMeta {
    pub id: String,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub resource_types: Vec<String>,
    pub scope: RuleScope,
    /// The sources the rule runs on: `plan`, `hcl`, `live`.
    pub sources: Vec<String>,
    /// Each resource's outcome depends only on that resource (and on joined data of
    /// types outside `resource_types`): a coverage gap in some of the rule's
    /// resource types leaves the outcomes on its other types as they are.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub per_resource: bool,
    /// The rule compares resources of different accounts (VPC address ranges): a live
    /// run over several accounts evaluates it once over all of them, where the other
    /// rules are evaluated account by account.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub across_accounts: bool,
    /// framework -> requirement IDs (`pci-dss-4.0` -> ["3.5.1"]).
    pub frameworks: BTreeMap<String, Vec<String>>,
    pub remediation: String,
    /// The Rego package, e.g. `data.aws.s3.bucket_encryption`.
    pub package: String,
    /// Where the rule came from (`builtin:aws/s3/x.rego` or a path).
    pub source: String,
}

/// The outcome of one rule for one resource (or region, for scan-wide rules).
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule_id: String,
    pub severity: Severity,
    pub status: Status,
    pub address: String,
    pub resource_type: String,
    pub region: Option<String>,
    pub message: String,
    /// The resource's block in the `.tf` sources, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<crate::model::Location>,
    /// Set on a FAILED finding that an inline comment, a waiver or the baseline
    /// suppresses: it keeps its status but no longer counts for the exit code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
}

impl Finding {
    /// A stable identity of the finding across runs: the rule and the address.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.rule_id, &self.address)
    }

    /// FAILED and not suppressed: the findings that count for the exit code.
    pub fn is_failing(&self) -> bool {
        self.status == Status::Failed && self.suppression.is_none()
    }
}

/// The hex SHA-256 (first 128 bits) of `rule_id`, a NUL and `address`.
pub fn fingerprint(rule_id: &str, address: &str) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(rule_id.as_bytes());
    h.update([0u8]);
    h.update(address.as_bytes());
    hex::encode(&h.finalize()[..16])
}

/// Where a suppression or a warning comes from: a file and, when known, a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.file),
            None => f.write_str(&self.file),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionKind {
    /// `# infracheck:ignore RULE-ID reason="..."` in the `.tf` source.
    Inline,
    /// A `[[waivers]]` entry of `.infracheck.toml`.
    Waiver,
    /// An entry of the `--baseline` file.
    Baseline,
}

impl SuppressionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::Inline => "inline",
            SuppressionKind::Waiver => "waiver",
            SuppressionKind::Baseline => "baseline",
        }
    }
}

/// Why a FAILED finding does not count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub reason: String,
    /// The last day the suppression applies (`YYYY-MM-DD`), if it expires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<chrono::NaiveDate>,
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// Past its `expires` date: it no longer suppresses anything.
    ExpiredSuppression,
    /// Matches no FAILED finding of a rule that ran.
    UnusedSuppression,
    /// Cannot be read (no reason, a bad date, an unknown rule); it suppresses nothing.
    InvalidSuppression,
}

impl WarningKind {
    pub fn title(self) -> &'static str {
        match self {
            WarningKind::ExpiredSuppression => "expired suppression",
            WarningKind::UnusedSuppression => "unused suppression",
            WarningKind::InvalidSuppression => "invalid suppression",
        }
    }
}

/// Something about the run that is worth a look but does not fail it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub kind: WarningKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.origin {
            Some(o) => write!(f, "{o}: {}: {}", self.kind.title(), self.message),
            None => write!(f, "{}: {}", self.kind.title(), self.message),
        }
    }
}

/// A rule that could not be evaluated.
#[derive(Debug, Clone, Serialize)]
pub struct RuleError {
    pub rule_id: String,
    pub message: String,
}

/// Everything one scan produced.
#[derive(Debug, Default)]
pub struct ScanResult {
    pub rules: Vec<RuleMeta>,
    pub findings: Vec<Finding>,
    pub errors: Vec<RuleError>,
    /// Expired, unused and invalid suppressions.
    pub warnings: Vec<Warning>,
    /// Live scans: what could not be read (see [`crate::coverage`]).
    pub coverage_gaps: Vec<crate::model::Gap>,
}

impl ScanResult {
    pub fn count(&self, status: Status) -> usize {
        self.findings.iter().filter(|f| f.status == status).count()
    }

    /// FAILED findings that a suppression covers.
    pub fn suppressed(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.status == Status::Failed && f.suppression.is_some())
            .count()
    }

    /// Whether a FAILED finding that is not suppressed reaches `fail_on`.
    pub fn fails(&self, fail_on: FailOn) -> bool {
        match fail_on {
            FailOn::Never => false,
            FailOn::Severity(min) => self
                .findings
                .iter()
                .any(|f| f.is_failing() && f.severity >= min),
        }
    }
}
