//! The normalized resource model every source produces and every rule reads.
//!
//! Sources (plan, `.tf`, live) build a [`Scan`]; [`index::build_input`] turns it into the
//! Rego `input` document with the joins resolved in Rust.

pub mod address;
pub mod index;
pub mod json;

use std::collections::BTreeMap;

pub use address::{InstanceKey, ModulePath};

/// The text that replaces every sensitive value at load time.
pub const REDACTED: &str = "(sensitive)";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Managed,
    Data,
}

/// What the plan will do to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    NoOp,
    Replace,
    Read,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::NoOp => "no-op",
            Action::Replace => "replace",
            Action::Read => "read",
        }
    }
}

/// Where a resource's block is in the `.tf` sources (lines are 1-based, inclusive).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub end_line: usize,
}

/// One resource instance, in Terraform's vocabulary whatever the source.
#[derive(Debug, Clone)]
pub struct Resource {
    pub address: String,
    pub mode: Mode,
    pub kind: String,
    pub name: String,
    pub module: ModulePath,
    pub index: Option<InstanceKey>,
    pub provider: String,
    pub region: Option<String>,
    pub account: Option<String>,
    pub action: Option<Action>,
    /// Attribute values, sensitive ones already redacted, unknown ones absent.
    pub values: regorus::Value,
    /// Attribute paths (`a.0.b`) whose value is unknown until apply. Once the
    /// scan is loaded, read only into the rules' input (see
    /// [`Scan::release_rule_inputs`]), as are the next two.
    pub unknown: Vec<String>,
    /// Attribute path -> addresses of the resources it refers to.
    pub references: BTreeMap<String, Vec<String>>,
    /// Attribute paths whose value is unknown and whose reference could not be
    /// resolved.
    pub unresolved: Vec<String>,
    pub location: Option<Location>,
}

/// Everything one source produced, ready for indexing.
#[derive(Debug, Default)]
pub struct Scan {
    pub source: &'static str,
    /// Managed resources that will exist (deleted ones are left out).
    pub resources: Vec<Resource>,
    /// Data sources, read only into the rules' input.
    pub data_sources: Vec<Resource>,
    /// Regions the scan covers; for plans, the regions its resources are in.
    pub regions: Vec<String>,
    pub accounts: Vec<String>,
    /// What could not be read (see [`Gap`]): live API failures and services not
    /// collected; for `.tf` sources, remote modules (never downloaded).
    pub gaps: Vec<Gap>,
}

impl Scan {
    /// Frees what only the rules' input reads (the data sources, and each
    /// resource's unknown paths, references and unresolved paths), once that input
    /// is built and no later input will be built from this scan: findings and
    /// reports read the rest. The input holds its own copy while the rules run, and
    /// that is when a scan's memory peaks: freeing these lowers the peak by 7 MB
    /// (9%) at 9k resources.
    pub fn release_rule_inputs(&mut self) {
        self.data_sources = Vec::new();
        for r in &mut self.resources {
            r.unknown = Vec::new();
            r.references = BTreeMap::new();
            r.unresolved = Vec::new();
        }
    }
}

/// A part of a live account that could not be read (access denied, region not
/// enabled, timeout, a service the collectors do not cover yet). Rules that need
/// one of its resource types give UNKNOWN instead of PASSED in its scope; see
/// docs/resource-model.md.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Gap {
    /// The AWS service, as in IAM actions: `ec2`, `s3`, `guardduty` (for `.tf`
    /// sources: the address of a module call that was not scanned).
    pub service: String,
    /// The region that could not be read; `None` for the whole scan (global
    /// services, or every region).
    pub region: Option<String>,
    /// The account that could not be read, in a live run over several accounts
    /// (`None` in a run over one account, and for what no account has: a service
    /// that is not collected).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The Terraform resource types whose data is missing.
    pub resource_types: Vec<String>,
    /// Why: the API's error code and message, or what is not covered.
    pub error: String,
    pub reason: GapReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GapReason {
    /// An API call failed: the data exists but was not read.
    Unreadable,
    /// No collector reads these resource types yet.
    NotCollected,
}

/// The AWS partition of a region: `aws`, `aws-cn` or `aws-us-gov`.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}
