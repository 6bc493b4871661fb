//! Baselines: `--write-baseline FILE` records the FAILED findings of a run by
//! fingerprint; `--baseline FILE` suppresses those and fails only on new ones.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::SuppressError;
use crate::findings::{fingerprint, ScanResult, Status};

pub const BASELINE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    pub address: String,
    /// [`fingerprint`] of rule and address; computed when left out.
    #[serde(default)]
    pub fingerprint: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    #[serde(default)]
    generated_by: String,
    findings: Vec<Entry>,
}

/// A loaded baseline.
#[derive(Debug, Clone)]
pub struct Baseline {
    /// The file, as reports name it.
    pub path: String,
    pub entries: Vec<Entry>,
}

impl Baseline {
    pub fn load(path: &Path, shown_as: &str) -> Result<Baseline, SuppressError> {
        let text = std::fs::read_to_string(path).map_err(|cause| SuppressError::Io {
            path: path.to_path_buf(),
            cause,
        })?;
        let invalid = |message: String| SuppressError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let file: File = serde_json::from_str(&text)
            .map_err(|e| invalid(format!("not an infracheck baseline: {e}")))?;
        if file.version != BASELINE_VERSION {
            return Err(invalid(format!(
                "baseline version {} is not supported (expected {BASELINE_VERSION})",
                file.version
            )));
        }
        let entries = file
            .findings
            .into_iter()
            .map(|mut e| {
                if e.fingerprint.is_empty() {
                    e.fingerprint = fingerprint(&e.rule, &e.address);
                }
                e
            })
            .collect();
        Ok(Baseline {
            path: shown_as.to_string(),
            entries,
        })
    }

    pub fn fingerprints(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.fingerprint.as_str())
    }
}

/// The baseline of a scan: every FAILED finding, suppressed or not, sorted.
pub fn render(result: &ScanResult) -> String {
    let findings: BTreeSet<Entry> = result
        .findings
        .iter()
        .filter(|f| f.status == Status::Failed)
        .map(|f| Entry {
            rule: f.rule_id.clone(),
            address: f.address.clone(),
            fingerprint: f.fingerprint(),
        })
        .collect();
    let file = File {
        version: BASELINE_VERSION,
        generated_by: format!("infracheck {}", env!("CARGO_PKG_VERSION")),
        findings: findings.into_iter().collect(),
    };
    let mut s = serde_json::to_string_pretty(&file).unwrap_or_default();
    s.push('\n');
    s
}
