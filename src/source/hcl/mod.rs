//! Loads Terraform `.tf` sources directly (no plan) into the same resource model as a
//! plan: `infracheck hcl DIR`.
//!
//! - [`parse`]: the files of a module directory, with lines (hcl-rs / hcl-edit);
//!   [`overrides`]: `override.tf` files merged into them.
//! - [`eval`]: variables, locals, module calls, providers, `count` / `for_each`,
//!   resources and data sources, evaluated lazily with hcl-rs's evaluator.
//! - [`funcs`]: Terraform's functions; [`rewrite`]: operators that keep unknowns.
//! - [`unknown`]: how unknown values (and the resources they come from) are carried.
//! - [`schema`]: what the AWS provider plans for a new resource (computed
//!   attributes, defaults, sets), so unknowns match a plan's.
//!
//! [`locate`] maps the resources of a plan to their blocks, for `plan --tf-dir`.

mod eval;
mod funcs;
mod overrides;
mod parse;
mod policy;
mod rewrite;
mod schema;
mod unknown;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use hcl::Value;

use self::eval::{Evaluator, ResInst, Scope};
use self::parse::{display_path, load_module, Files, ModuleDef};
use crate::model::{Gap, GapReason, Location, Mode, ModulePath, Resource, Scan};

/// A `.tf` error: the file, the line (0 when none applies) and what is wrong.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", self.render())]
pub struct HclError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl HclError {
    pub fn new(file: &str, line: usize, message: String) -> Self {
        HclError {
            file: file.to_string(),
            line,
            message,
        }
    }

    fn render(&self) -> String {
        if self.line > 0 {
            format!("{}:{}: {}", self.file, self.line, self.message)
        } else {
            format!("{}: {}", self.file, self.message)
        }
    }
}

/// Input variable values given on the command line.
#[derive(Debug, Default, Clone)]
pub struct HclOptions {
    /// `--var-file`, in order.
    pub var_files: Vec<PathBuf>,
    /// `--var name=value`, in order.
    pub vars: Vec<(String, String)>,
}

/// What `infracheck hcl` loaded.
#[derive(Debug)]
pub struct HclScan {
    pub scan: Scan,
    /// Things that are not known (variables without a value, functions not evaluated,
    /// `count` that cannot be known); one line each. Remote modules, which are not
    /// scanned, are coverage gaps of the scan (`scan.gaps`), listed in every report.
    pub warnings: Vec<String>,
}

/// Loads the root module in `dir` and every local module it calls.
pub fn load_hcl(dir: &Path, options: &HclOptions) -> Result<HclScan, HclError> {
    let shown = display_path(dir);
    if !dir.is_dir() {
        return Err(HclError::new(
            &shown,
            0,
            "not a directory of .tf files".to_string(),
        ));
    }
    let mut files = Files::default();
    let root = load_module(dir, &mut files, None)?;
    let mut warnings: Vec<String> = root.unread.iter().map(|f| unread_warning(f)).collect();
    let inputs = root_inputs(dir, &root, options, &mut files, &mut warnings)?;
    let mut ev = Evaluator::new(dir, root, files, inputs);
    ev.warnings.extend(warnings);

    let mut all: Vec<Resource> = Vec::new();
    for inst in ev.all_instances()? {
        ev.check_instance(inst)?;
        let module = ev.instances[inst].module.clone();
        for (idx, def) in module.resources.iter().enumerate() {
            let out = ev.resource(inst, idx)?;
            for ri in &out.instances {
                let r = to_resource(&mut ev, inst, def, ri)?;
                all.push(r);
            }
        }
    }
    all.push(backend(&mut ev)?);

    let mut regions = BTreeSet::new();
    for r in &all {
        if r.mode == Mode::Managed {
            if let Some(region) = &r.region {
                regions.insert(region.clone());
            }
        }
    }
    all.sort_by(|a, b| a.address.cmp(&b.address));
    let (resources, data_sources): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|r| r.mode == Mode::Managed);
    let mut scan = Scan {
        source: "hcl",
        resources,
        data_sources,
        regions: regions.into_iter().collect(),
        accounts: Vec::new(),
        gaps: ev
            .remote
            .iter()
            .map(|(module, source)| Gap {
                service: module.clone(),
                region: None,
                account: None,
                resource_types: Vec::new(),
                error: format!(
                    "(remote source {source:?}) is not scanned: remote modules are never downloaded, their resources are missing and their outputs unknown"
                ),
                reason: GapReason::NotCollected,
            })
            .collect(),
    };
    crate::model::index::add_value_references(&mut scan);
    Ok(HclScan {
        scan,
        warnings: ev.warnings,
    })
}

// ---------------------------------------------------------------------------------
// Variables

fn root_inputs(
    dir: &Path,
    root: &ModuleDef,
    options: &HclOptions,
    files: &mut Files,
    warnings: &mut Vec<String>,
) -> Result<BTreeMap<String, Value>, HclError> {
    let mut out = BTreeMap::new();
    let mut sources: Vec<PathBuf> = Vec::new();
    for name in ["terraform.tfvars", "terraform.tfvars.json"] {
        let default = dir.join(name);
        if default.is_file() {
            sources.push(default);
        }
    }
    let mut auto: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                        n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json")
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    auto.sort();
    sources.extend(auto);
    sources.extend(options.var_files.iter().cloned());
    for path in &sources {
        let display = display_path(path);
        let text = std::fs::read_to_string(path).map_err(|e| {
            HclError::new(
                &display,
                0,
                match e.kind() {
                    std::io::ErrorKind::NotFound => "variable file not found".to_string(),
                    _ => format!("cannot read: {e}"),
                },
            )
        })?;
        let file = files.paths.len();
        files.paths.push(display.clone());
        if display.ends_with(".json") {
            let json: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| HclError::new(&display, e.line(), format!("invalid JSON: {e}")))?;
            let Some(obj) = json.as_object() else {
                return Err(HclError::new(&display, 1, "expected a JSON object".into()));
            };
            for (name, v) in obj {
                if root.variables.contains_key(name) {
                    out.insert(name.clone(), funcs::from_json(v));
                } else {
                    warnings.push(format!(
                        "{display}: value for undeclared variable \"{name}\" is ignored"
                    ));
                }
            }
            continue;
        }
        let body = parse::parse_file(&text, file, &display)?;
        for a in &body.attrs {
            if !root.variables.contains_key(&a.name) {
                let msg = format!(
                    "{display}:{}: value for undeclared variable \"{}\" is ignored",
                    a.line, a.name
                );
                warnings.push(msg);
                continue;
            }
            let v = literal_value(&a.expr).map_err(|m| {
                HclError::new(&display, a.line, format!("variable \"{}\": {m}", a.name))
            })?;
            out.insert(a.name.clone(), v);
        }
    }
    for (name, raw) in &options.vars {
        let Some(decl) = root.variables.get(name) else {
            return Err(HclError::new(
                "--var",
                0,
                format!("no variable \"{name}\" is declared in the root module"),
            ));
        };
        let is_string = decl
            .body
            .attr("type")
            .map(|t| matches!(&t.expr, hcl::Expression::Variable(v) if v.as_str() == "string"))
            .unwrap_or(true);
        let value = if is_string {
            Value::String(raw.clone())
        } else {
            raw.parse::<hcl::Expression>()
                .ok()
                .and_then(|e| literal_value(&e).ok())
                .unwrap_or_else(|| Value::String(raw.clone()))
        };
        out.insert(name.clone(), value);
    }
    Ok(out)
}

/// The value of a `.tfvars` expression (literals, lists, objects, plain templates).
fn literal_value(expr: &hcl::Expression) -> Result<Value, String> {
    use hcl::eval::Evaluate;
    let mut ctx = hcl::eval::Context::new();
    funcs::declare_all(&mut ctx);
    expr.evaluate(&ctx)
        .map_err(|e| format!("only literal values are allowed here ({e})"))
}

// ---------------------------------------------------------------------------------
// The model

/// Converts an hcl value to a regorus value; unknown parts are left out (null in
/// lists) and their paths added to `unknown`.
fn to_rego(v: &Value, path: &str, unknown_paths: &mut Vec<String>) -> Option<regorus::Value> {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    match v {
        Value::String(s) if unknown::str_is_unknown(s) => {
            unknown_paths.push(path.to_string());
            None
        }
        Value::Null => Some(regorus::Value::Null),
        Value::Bool(b) => Some(regorus::Value::Bool(*b)),
        Value::Number(n) => Some(match (n.as_i64(), n.as_f64()) {
            (Some(i), _) if n.is_i64() || n.is_u64() => regorus::Value::from(i),
            (_, Some(f)) => regorus::Value::from(f),
            _ => regorus::Value::Null,
        }),
        Value::String(s) => Some(regorus::Value::from(s.as_str())),
        Value::Array(items) => {
            let out: Vec<regorus::Value> = items
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    to_rego(x, &join(&i.to_string()), unknown_paths).unwrap_or(regorus::Value::Null)
                })
                .collect();
            Some(regorus::Value::from(out))
        }
        Value::Object(o) => {
            let mut m = BTreeMap::new();
            for (k, x) in o {
                if unknown::str_is_unknown(k) {
                    // An unknown key: the whole object's shape is unknown.
                    unknown_paths.push(path.to_string());
                    return None;
                }
                if let Some(rv) = to_rego(x, &join(k), unknown_paths) {
                    m.insert(regorus::Value::from(k.as_str()), rv);
                }
            }
            Some(regorus::Value::from(m))
        }
    }
}

fn path_unknown(unknown_paths: &[String], path: &str) -> bool {
    unknown_paths.iter().any(|u| {
        u == path
            || (path.starts_with(u.as_str()) && path.as_bytes().get(u.len()) == Some(&b'.'))
            || (u.starts_with(path) && u.as_bytes().get(path.len()) == Some(&b'.'))
    })
}

fn to_resource(
    ev: &mut Evaluator,
    inst: usize,
    def: &parse::ResourceDef,
    ri: &ResInst,
) -> Result<Resource, HclError> {
    let module_path = ev.instances[inst].path.clone();
    let mut values = ri.data_values.clone().unwrap_or_else(|| ri.values.clone());
    let region_from_provider = ev.region_of(ri.provider)?;

    if !def.data {
        // What the provider plans for attributes left out of the configuration.
        let me = std::slice::from_ref(&ri.address);
        if let Some(s) = schema::schema(&def.kind) {
            for a in s.computed {
                values
                    .entry(a.to_string())
                    .or_insert_with(|| unknown::marker(me));
            }
            for (a, d) in &s.defaults {
                values.entry(a.to_string()).or_insert_with(|| match d {
                    Some(j) => funcs::from_json(j),
                    None => unknown::marker(me),
                });
            }
        }
        if schema::taggable(&def.kind) {
            let default_tags = ev.default_tags_of(ri.provider)?;
            let tags = values.get("tags").cloned();
            let known_type = schema::schema(&def.kind).is_some();
            if known_type || default_tags.is_some() || tags.is_some() {
                let all = match (&default_tags, &tags) {
                    (Some(d), _) if unknown::is_unknown(d) => unknown::merged([d]),
                    (_, Some(t)) if unknown::is_unknown(t) => unknown::merged([t]),
                    _ => {
                        let mut m = hcl::value::Map::new();
                        for src in [&default_tags, &tags].into_iter().flatten() {
                            if let Value::Object(o) = src {
                                for (k, v) in o {
                                    m.insert(k.clone(), v.clone());
                                }
                            }
                        }
                        Value::Object(m)
                    }
                };
                values.insert("tags_all".into(), all);
                values.entry("tags".to_string()).or_insert(Value::Null);
            }
        }
    }

    // Sets holding an unknown element are unknown as a whole.
    for (k, v) in values.iter_mut() {
        if schema::is_set(k) && !unknown::is_unknown(v) && unknown::contains_unknown(v) {
            *v = unknown::merged([&*v]);
        }
    }

    let mut unknown_paths = Vec::new();
    let mut rv = to_rego(&Value::Object(values.clone()), "", &mut unknown_paths)
        .unwrap_or_else(regorus::Value::new_object);
    for p in &ri.unknown_blocks {
        if !unknown_paths.contains(p) {
            unknown_paths.push(p.clone());
        }
    }
    // Sensitive attributes, redacted as a plan is.
    if let Ok(o) = rv.as_object_mut() {
        for (k, v) in o.iter_mut() {
            if let regorus::Value::String(name) = k {
                if schema::is_sensitive(&def.kind, name) && *v != regorus::Value::Null {
                    *v = regorus::Value::from(crate::model::REDACTED);
                }
            }
        }
    }

    // Values that come from sensitive variables, redacted as a plan does.
    for f in ri.fields.iter().filter(|f| f.sensitive) {
        redact_path(&mut rv, &f.path);
    }

    let mut references: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unresolved = Vec::new();
    for f in &ri.fields {
        let targets: Vec<String> = f
            .refs
            .iter()
            .filter(|a| **a != ri.address)
            .cloned()
            .collect();
        if !targets.is_empty() {
            references.insert(f.path.clone(), targets);
        } else if path_unknown(&unknown_paths, &f.path) {
            unresolved.push(f.path.clone());
        }
    }

    let own_region = match values.get("region") {
        Some(Value::String(s)) if !s.is_empty() && !unknown::str_is_unknown(s) => Some(s.clone()),
        _ => None,
    };
    let region = if def.kind.starts_with("aws_") {
        own_region.or(region_from_provider)
    } else {
        None
    };
    let block = &def.block;
    Ok(Resource {
        address: ri.address.clone(),
        mode: if def.data { Mode::Data } else { Mode::Managed },
        kind: def.kind.clone(),
        name: def.name.clone(),
        module: module_path,
        index: ri.key.clone(),
        provider: ri.provider_key.clone(),
        region,
        account: None,
        action: None,
        values: rv,
        unknown: unknown_paths,
        references,
        unresolved,
        location: Some(Location {
            file: ev.files.display(block.file).to_string(),
            line: block.line,
            end_line: block.end_line,
        }),
    })
}

/// Replaces the known value at a dotted path (`a.0.b`) with [`crate::model::REDACTED`].
fn redact_path(v: &mut regorus::Value, path: &str) {
    let mut cur = v;
    for part in path.split('.') {
        let next = match cur {
            regorus::Value::Object(_) => cur
                .as_object_mut()
                .ok()
                .and_then(|o| o.get_mut(&regorus::Value::from(part))),
            regorus::Value::Array(_) => match part.parse::<usize>() {
                Ok(i) => cur.as_array_mut().ok().and_then(|a| a.get_mut(i)),
                Err(_) => None,
            },
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    if *cur != regorus::Value::Null {
        *cur = regorus::Value::from(crate::model::REDACTED);
    }
}

/// `terraform { backend "s3" {...} }` as the pseudo-resource `terraform.backend`
/// (type `terraform_backend`, values {"type": ..., "config": {...}}); a root module
/// without a backend keeps its state locally (type "local").
fn backend(ev: &mut Evaluator) -> Result<Resource, HclError> {
    let root = ev.instances[0].module.clone();
    let mut fields = Vec::new();
    let mut unknown_blocks = Vec::new();
    let (kind, config, location) = match &root.backend {
        Some(b) => {
            let kind = if b.kind == "cloud" {
                "cloud".to_string()
            } else {
                b.labels.first().cloned().unwrap_or_default()
            };
            let config =
                ev.eval_block_body(b, &Scope::default(), &mut fields, &mut unknown_blocks)?;
            (
                kind,
                Value::Object(config),
                Some(Location {
                    file: ev.files.display(b.file).to_string(),
                    line: b.line,
                    end_line: b.end_line,
                }),
            )
        }
        None => (
            "local".to_string(),
            Value::Object(hcl::value::Map::new()),
            None,
        ),
    };
    let mut values = hcl::value::Map::new();
    values.insert("type".into(), Value::from(kind));
    values.insert("config".into(), config);
    let mut unknown_paths = Vec::new();
    let rv = to_rego(&Value::Object(values), "", &mut unknown_paths)
        .unwrap_or_else(regorus::Value::new_object);
    Ok(Resource {
        address: "terraform.backend".into(),
        mode: Mode::Managed,
        kind: "terraform_backend".into(),
        name: "backend".into(),
        module: ModulePath::root(),
        index: None,
        provider: "terraform".into(),
        region: None,
        account: None,
        action: None,
        values: rv,
        unknown: unknown_paths,
        references: BTreeMap::new(),
        unresolved: Vec::new(),
        location,
    })
}

// ---------------------------------------------------------------------------------
// Locations for plans (`plan --tf-dir`)

/// Block locations by module configuration path and `type.name` / `data.type.name`.
#[derive(Debug, Default)]
pub struct Locations {
    blocks: BTreeMap<(Vec<String>, String), Location>,
}

impl Locations {
    /// The location of a resource of a plan, by its module path and address.
    pub fn find(
        &self,
        module: &ModulePath,
        mode: Mode,
        kind: &str,
        name: &str,
    ) -> Option<&Location> {
        let addr = match mode {
            Mode::Data => format!("data.{kind}.{name}"),
            Mode::Managed => format!("{kind}.{name}"),
        };
        self.blocks.get(&(module.config_path(), addr))
    }

    /// Fills `location` of every resource and data source of the scan that has a block.
    pub fn apply(&self, scan: &mut Scan) {
        for r in scan
            .resources
            .iter_mut()
            .chain(scan.data_sources.iter_mut())
        {
            if r.location.is_none() {
                r.location = self.find(&r.module, r.mode, &r.kind, &r.name).cloned();
            }
        }
    }
}

/// The warning for a `.tf.json` file, which is not read.
pub(crate) fn unread_warning(file: &str) -> String {
    format!("{file}: JSON configuration files are not read: the blocks in it are not scanned")
}

/// Reads the `.tf` sources in `dir` and the local modules they call (by their
/// literal `source`), without evaluating anything: where each block is.
///
/// Remote modules are located in the directories `terraform init` installed them in,
/// when `.terraform/modules/modules.json` lists them (nothing is downloaded).
pub fn locate(dir: &Path) -> Result<Locations, HclError> {
    let mut files = Files::default();
    let root = load_module(dir, &mut files, None)?;
    let installed = installed_modules(dir);
    let mut out = Locations::default();
    let mut stack: Vec<(Vec<String>, ModuleDef, usize)> = vec![(Vec::new(), root, 0)];
    while let Some((path, module, depth)) = stack.pop() {
        for r in &module.resources {
            out.blocks.insert(
                (path.clone(), r.config_address()),
                Location {
                    file: files.display(r.block.file).to_string(),
                    line: r.block.line,
                    end_line: r.block.end_line,
                },
            );
        }
        if depth > 32 {
            continue;
        }
        for call in &module.module_calls {
            let Some(source) = call
                .body
                .attr("source")
                .and_then(|a| eval::literal_string(&a.expr))
            else {
                continue;
            };
            let mut p = path.clone();
            p.push(call.labels[0].clone());
            let child_dir = if source.starts_with("./") || source.starts_with("../") {
                module.dir.join(&source)
            } else {
                match installed.get(&p.join(".")) {
                    Some(d) if d.is_dir() => d.clone(),
                    _ => continue,
                }
            };
            let file = files.display(call.file).to_string();
            let child = load_module(&child_dir, &mut files, Some((&file, call.line)))?;
            stack.push((p, child, depth + 1));
        }
    }
    Ok(out)
}

/// `.terraform/modules/modules.json`: module call path (`app.inner`) -> directory.
fn installed_modules(dir: &Path) -> BTreeMap<String, PathBuf> {
    #[derive(serde::Deserialize)]
    struct Manifest {
        #[serde(rename = "Modules", default)]
        modules: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        #[serde(rename = "Key", default)]
        key: String,
        #[serde(rename = "Dir", default)]
        dir: String,
    }
    let path = dir.join(".terraform/modules/modules.json");
    let Ok(text) = std::fs::read_to_string(path) else {
        return BTreeMap::new();
    };
    let Ok(m) = serde_json::from_str::<Manifest>(&text) else {
        return BTreeMap::new();
    };
    m.modules
        .into_iter()
        .filter(|e| !e.key.is_empty() && !e.dir.is_empty())
        .map(|e| (e.key, dir.join(e.dir)))
        .collect()
}
