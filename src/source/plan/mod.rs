//! Loads `terraform show -json` plan output (format_version 0.1 to 1.x).

mod config;
mod format;
mod values;

use std::collections::{BTreeMap, BTreeSet};

use foldhash::{HashMap, HashMapExt};
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use self::config::ConfigResolver;
use serde_json::value::RawValue;

use self::format::{PlanDoc, PlannedModule, PlannedValues, ResourceChange};
use super::LoadError;
use crate::model::{Action, InstanceKey, Mode, ModulePath, Resource, Scan};

/// How a plan read from standard input is named in errors and reports.
pub const STDIN_NAME: &str = "<stdin>";

/// Reads and loads a plan file, or standard input when `path` is `-`
/// (`terraform show -json tfplan | infracheck plan -`).
pub fn load_plan(path: &Path) -> Result<Scan, LoadError> {
    let (text, path) = if path == Path::new("-") {
        let mut bytes = Vec::new();
        let path = Path::new(STDIN_NAME);
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes).map_err(|cause| {
            LoadError::Io {
                path: path.to_path_buf(),
                cause,
            }
        })?;
        (plan_text(bytes, path)?, path)
    } else {
        if path.is_dir() {
            return Err(LoadError::NotAPlan {
                path: path.to_path_buf(),
                reason: "this is a directory; `plan` reads a JSON plan, `infracheck hcl DIR` scans .tf files".into(),
            });
        }
        let bytes = std::fs::read(path).map_err(|cause| LoadError::Io {
            path: path.to_path_buf(),
            cause,
        })?;
        (plan_text(bytes, path)?, path)
    };
    parse_plan(&text, path)
}

/// The file's text, or what it is when it is not text. UTF-16 with a byte order
/// mark is read too: Windows PowerShell's `>` writes it.
fn plan_text(bytes: Vec<u8>, path: &Path) -> Result<String, LoadError> {
    let not_a_plan = |reason: String| LoadError::NotAPlan {
        path: path.to_path_buf(),
        reason,
    };
    let utf16 = |rest: &[u8], unit: fn([u8; 2]) -> u16| {
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| unit([c[0], c[1]])).collect();
        match String::from_utf16(&units) {
            Ok(text) if rest.len().is_multiple_of(2) => Ok(text),
            _ => Err(not_a_plan("the file is not valid UTF-16 text".into())),
        }
    };
    if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        return utf16(rest, u16::from_be_bytes);
    }
    String::from_utf8(bytes).map_err(|e| {
        // `terraform plan -out` writes a zip archive.
        not_a_plan(if e.as_bytes().starts_with(b"PK\x03\x04") {
            "this is a binary plan file (`terraform plan -out`); give its JSON: `terraform show -json FILE > plan.json`".into()
        } else {
            format!(
                "the file is not UTF-8 text (invalid at byte {})",
                e.utf8_error().valid_up_to()
            )
        })
    })
}

/// Loads a plan from its JSON text; `path` only names it in errors.
pub fn parse_plan(text: &str, path: &Path) -> Result<Scan, LoadError> {
    // A byte order mark, as PowerShell's `Out-File -Encoding utf8` writes.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let not_a_plan = |reason: &str| LoadError::NotAPlan {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    // serde would read a top-level array as a struct's fields, with a confusing error.
    let first = text.trim_start().chars().next();
    if first.is_some()
        && first != Some('{')
        && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
    {
        return Err(not_a_plan("the document is not a JSON object"));
    }
    let _shared_strings = crate::model::json::InternScope::new();
    let doc: PlanDoc = serde_json::from_str(text).map_err(|e| json_error(path, e))?;
    let Some(version) = doc.format_version.as_deref() else {
        return Err(not_a_plan(
            "no format_version (expected the output of `terraform show -json <planfile>`)",
        ));
    };
    check_version(version).map_err(|_| LoadError::UnsupportedVersion {
        path: path.to_path_buf(),
        version: version.to_string(),
    })?;
    if doc.planned_values.is_none() && doc.resource_changes.is_none() {
        return Err(not_a_plan(if doc.values.is_some() {
            "this is a state file (`terraform show -json` without a plan file); give a plan"
        } else {
            "neither planned_values nor resource_changes is present"
        }));
    }

    let root_variables: BTreeMap<String, Json> = doc
        .variables
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, v.value))
        .collect();
    let mut resolver = ConfigResolver::new(doc.configuration.as_ref(), root_variables);

    let mut all: Vec<Resource> = Vec::new();
    if let Some(changes) = doc.resource_changes {
        all = resources_of_changes(&changes, text, path)?;
    } else if let Some(raw) = doc.planned_values {
        let pv: PlannedValues = serde_json::from_str(raw.get()).map_err(|e| json_error(path, e))?;
        if let Some(root) = pv.root_module {
            collect_planned(root, &mut all);
        }
    }

    // Every instance must be registered before any reference is resolved.
    for r in &all {
        resolver.add_instance(
            &r.module,
            config_address(r),
            r.index.clone(),
            r.address.clone(),
        );
    }
    // Each resource's configuration is read on its own, so on all cores; the
    // instances of a module or a counted resource share one configuration block,
    // whose expressions each thread flattens once.
    let resolutions = crate::parallel::map_chunks(&all, 1000, |chunk| {
        let mut block_exprs: HashMap<*const Json, Vec<config::AttributeExpr>> = HashMap::new();
        chunk
            .iter()
            .map(|r| resolve_resource(&resolver, r, &mut block_exprs))
            .collect::<Vec<_>>()
    });
    let mut regions = BTreeSet::new();
    for (r, resolution) in all.iter_mut().zip(resolutions.into_iter().flatten()) {
        // A change or planned resource has no references, unresolved paths or
        // region of its own yet: the configuration is their only source.
        r.provider = resolution.provider;
        r.references = resolution.references;
        r.unresolved = resolution.unresolved;
        r.region = resolution.region;
        if r.mode == Mode::Managed {
            if let Some(region) = &r.region {
                regions.insert(region.clone());
            }
        }
    }
    // Data sources are few: taken out in place, rather than the resources copied
    // into a new vector (a partition took ~5 ms at 9k resources).
    let data_sources: Vec<Resource> = all.extract_if(.., |r| r.mode == Mode::Data).collect();
    let resources = all;
    let mut scan = Scan {
        source: "plan",
        resources,
        data_sources,
        regions: regions.into_iter().collect(),
        accounts: Vec::new(),
        gaps: Vec::new(),
    };
    crate::model::index::add_value_references(&mut scan);
    Ok(scan)
}

/// The resources of a plan's resource changes, in order. A large plan's changes are
/// read on several threads: turning their values into regorus values is most of
/// the time a plan takes to load.
fn resources_of_changes(
    changes: &[&RawValue],
    text: &str,
    path: &Path,
) -> Result<Vec<Resource>, LoadError> {
    let parts = crate::parallel::map_chunks(changes, 500, |part| {
        let _shared_strings = crate::model::json::InternScope::new();
        let mut out = Vec::with_capacity(part.len());
        for raw in part {
            if let Some(r) = resource_of_change(raw, text, path)? {
                out.push(r);
            }
        }
        Ok::<_, LoadError>(out)
    });
    let mut all = Vec::with_capacity(changes.len());
    for part in parts {
        all.extend(part?);
    }
    Ok(all)
}

/// The resource of one change; `None` for one that will not exist after apply.
fn resource_of_change(
    raw: &RawValue,
    text: &str,
    path: &Path,
) -> Result<Option<Resource>, LoadError> {
    let rc: ResourceChange =
        serde_json::from_str(raw.get()).map_err(|e| json_error_within(path, e, text, raw))?;
    // Deposed objects are old instances on their way out.
    if rc.deposed.is_some() {
        return Ok(None);
    }
    let Some(action) = action_of(&rc.change.actions) else {
        return Ok(None); // delete or forget: it will not exist
    };
    let mode = if rc.mode == "data" {
        Mode::Data
    } else {
        Mode::Managed
    };
    let module = rc
        .module_address
        .as_deref()
        .and_then(ModulePath::parse)
        .unwrap_or_default();
    let mut values = rc
        .change
        .after
        .map(|v| v.0)
        .unwrap_or_else(regorus::Value::new_object);
    if matches!(values, regorus::Value::Null) {
        values = regorus::Value::new_object();
    }
    if let Some(mask) = &rc.change.after_sensitive {
        values::redact(&mut values, mask);
    }
    let mut unknown = Vec::new();
    if let Some(u) = &rc.change.after_unknown {
        values::unknown_paths(u, &mut String::new(), &mut unknown);
    }
    Ok(Some(Resource {
        address: rc.address,
        mode,
        kind: rc.kind,
        name: rc.name,
        module,
        index: rc.index.as_ref().and_then(InstanceKey::from_json),
        provider: rc.provider_name.unwrap_or_default(),
        region: None,
        account: None,
        action: Some(action),
        values,
        unknown,
        references: BTreeMap::new(),
        unresolved: Vec::new(),
        location: None,
    }))
}

/// [`json_error`] for an error in `part`, a slice of `text`: its line and column
/// are made the file's.
fn json_error_within(path: &Path, e: serde_json::Error, text: &str, part: &RawValue) -> LoadError {
    let offset = (part.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    let before = &text[..offset.min(text.len())];
    let start_line = before.matches('\n').count() + 1;
    let start_column = offset - before.rfind('\n').map_or(0, |i| i + 1);
    let (line, column) = if e.line() == 1 {
        (start_line, start_column + e.column())
    } else {
        (start_line + e.line() - 1, e.column())
    };
    json_error_at(path, &e, line, column)
}

fn json_error(path: &Path, e: serde_json::Error) -> LoadError {
    json_error_at(path, &e, e.line(), e.column())
}

/// The load error for JSON error `e`, at `line` and `column` of the file.
fn json_error_at(path: &Path, e: &serde_json::Error, line: usize, column: usize) -> LoadError {
    use serde_json::error::Category;
    match e.classify() {
        Category::Data => LoadError::NotAPlan {
            path: path.to_path_buf(),
            reason: format!(
                "{} (line {line}, column {column})",
                strip_position(&e.to_string())
            ),
        },
        Category::Eof => LoadError::Json {
            path: path.to_path_buf(),
            line,
            column,
            message: "the file ends too early (truncated?)".to_string(),
        },
        _ => LoadError::Json {
            path: PathBuf::from(path),
            line,
            column,
            message: strip_position(&e.to_string()),
        },
    }
}

fn strip_position(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

fn check_version(version: &str) -> Result<(), ()> {
    let mut parts = version.split('.');
    let major: u32 = parts.next().and_then(|p| p.parse().ok()).ok_or(())?;
    let _minor: u32 = parts.next().and_then(|p| p.parse().ok()).ok_or(())?;
    // Minor versions only add fields; a new major version may change meanings.
    if major <= 1 {
        Ok(())
    } else {
        Err(())
    }
}

fn action_of(actions: &[String]) -> Option<Action> {
    let has = |a: &str| actions.iter().any(|x| x == a);
    if has("delete") && has("create") {
        Some(Action::Replace)
    } else if has("delete") || has("forget") {
        None
    } else if has("create") {
        Some(Action::Create)
    } else if has("update") {
        Some(Action::Update)
    } else if has("read") {
        Some(Action::Read)
    } else {
        Some(Action::NoOp)
    }
}

fn config_address(r: &Resource) -> String {
    match r.mode {
        Mode::Data => format!("data.{}.{}", r.kind, r.name),
        Mode::Managed => format!("{}.{}", r.kind, r.name),
    }
}

/// What the configuration says about a resource.
struct Resolution {
    provider: String,
    /// Attribute paths and the addresses they refer to.
    references: BTreeMap<String, Vec<String>>,
    /// Attribute paths unknown until apply whose expression refers to nothing the
    /// scan has.
    unresolved: Vec<String>,
    /// The AWS region; set on AWS resources only.
    region: Option<String>,
}

fn resolve_resource<'a>(
    resolver: &ConfigResolver<'a>,
    r: &Resource,
    block_exprs: &mut HashMap<*const Json, Vec<config::AttributeExpr<'a>>>,
) -> Resolution {
    let config_path = r.module.config_path();
    let block = resolver.resource_config(&config_path, &config_address(r));
    let provider = match block {
        Some(block) => match block.get("provider_config_key").and_then(Json::as_str) {
            Some(key) => key.to_string(),
            None => r.provider.clone(),
        },
        None => short_provider(&r.provider),
    };
    let mut references = BTreeMap::new();
    let mut unresolved = Vec::new();
    if let Some(block) = block {
        let attrs = block_exprs
            .entry(block as *const Json)
            .or_insert_with(|| ConfigResolver::attribute_exprs(block));
        for attr in attrs.iter() {
            let resolved = resolver.resolve(attr.expr, &config_path, &r.module, r.index.as_ref());
            if !resolved.targets.is_empty() {
                references.insert(attr.path.clone(), resolved.targets);
            } else if values::is_unknown(&r.unknown, &attr.path) {
                unresolved.push(attr.path.clone());
            }
        }
    }
    // Only AWS resources have an AWS region; other providers' `region` means something else.
    let region = if r.kind.starts_with("aws_") {
        resource_region(r).or_else(|| resolver.provider_region(&provider, &config_path))
    } else {
        None
    };
    Resolution {
        provider,
        references,
        unresolved,
        region,
    }
}

/// `registry.terraform.io/hashicorp/aws` -> `aws`.
fn short_provider(name: &str) -> String {
    name.rsplit('/').next().unwrap_or(name).to_string()
}

/// AWS provider v6 lets a resource set its own `region`.
fn resource_region(r: &Resource) -> Option<String> {
    match &r.values {
        regorus::Value::Object(o) => match o.get(&regorus::Value::from("region")) {
            Some(regorus::Value::String(s)) if !s.is_empty() => Some(s.to_string()),
            _ => None,
        },
        _ => None,
    }
}

fn collect_planned(module: PlannedModule, out: &mut Vec<Resource>) {
    let path = module
        .address
        .as_deref()
        .and_then(ModulePath::parse)
        .unwrap_or_default();
    for pr in module.resources {
        let mode = if pr.mode == "data" {
            Mode::Data
        } else {
            Mode::Managed
        };
        let mut values = pr
            .values
            .map(|v| v.0)
            .unwrap_or_else(regorus::Value::new_object);
        if let Some(mask) = &pr.sensitive_values {
            values::redact(&mut values, mask);
        }
        out.push(Resource {
            address: pr.address,
            mode,
            kind: pr.kind,
            name: pr.name,
            module: path.clone(),
            index: pr.index.as_ref().and_then(InstanceKey::from_json),
            provider: pr.provider_name.unwrap_or_default(),
            region: None,
            account: None,
            action: None,
            values,
            unknown: Vec::new(),
            references: BTreeMap::new(),
            unresolved: Vec::new(),
            location: None,
        });
    }
    for child in module.child_modules {
        collect_planned(child, out);
    }
}
