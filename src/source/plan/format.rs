//! The parts of `terraform show -json` output infracheck reads, as serde types.
//! Everything else (prior_state, before values, drift...) is skipped while parsing.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::model::json::Interned;

#[derive(Deserialize)]
pub struct PlanDoc<'a> {
    pub format_version: Option<String>,
    #[serde(borrow, default)]
    pub planned_values: Option<&'a RawValue>,
    /// Each change is read on its own (see `parse_plan`), on several threads.
    #[serde(borrow, default)]
    pub resource_changes: Option<Vec<&'a RawValue>>,
    #[serde(default)]
    pub configuration: Option<serde_json::Value>,
    #[serde(default)]
    pub variables: Option<BTreeMap<String, Variable>>,
    /// Present in state files (`terraform show -json` without a plan).
    #[serde(borrow, default)]
    pub values: Option<&'a RawValue>,
}

#[derive(Deserialize)]
pub struct Variable {
    #[serde(default)]
    pub value: serde_json::Value,
}

#[derive(Deserialize)]
pub struct ResourceChange {
    pub address: String,
    #[serde(default)]
    pub module_address: Option<String>,
    pub mode: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub index: Option<serde_json::Value>,
    #[serde(default)]
    pub provider_name: Option<String>,
    #[serde(default)]
    pub deposed: Option<String>,
    pub change: Change,
}

#[derive(Deserialize)]
pub struct Change {
    pub actions: Vec<String>,
    #[serde(default)]
    pub after: Option<Interned>,
    #[serde(default)]
    pub after_unknown: Option<serde_json::Value>,
    #[serde(default)]
    pub after_sensitive: Option<serde_json::Value>,
}

#[derive(Deserialize)]
pub struct PlannedModule {
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub resources: Vec<PlannedResource>,
    #[serde(default)]
    pub child_modules: Vec<PlannedModule>,
}

#[derive(Deserialize)]
pub struct PlannedResource {
    pub address: String,
    pub mode: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub index: Option<serde_json::Value>,
    #[serde(default)]
    pub provider_name: Option<String>,
    #[serde(default)]
    pub values: Option<Interned>,
    #[serde(default)]
    pub sensitive_values: Option<serde_json::Value>,
}

#[derive(Deserialize)]
pub struct PlannedValues {
    #[serde(default)]
    pub root_module: Option<PlannedModule>,
}
