//! Reads a plan's `configuration`: resolves references between resources (through
//! module calls, module inputs and outputs) and the region of each provider.
//!
//! Terraform records, for each attribute of each resource block, the references its
//! expression makes (`aws_s3_bucket.static.id`, `var.bucket`, `module.s3.id`). This
//! module follows those references to resource instance addresses, the way Regula
//! does, so rules can join resources whose identifiers are unknown until apply.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt};

use serde_json::Value as Json;

use crate::model::address::parse_key;
use crate::model::{InstanceKey, ModulePath};

const MAX_DEPTH: usize = 32;

/// What following an expression's references gave.
#[derive(Default)]
pub struct Resolved {
    pub targets: Vec<String>,
    /// A reference went through something Terraform does not record (a local value).
    pub dead_end: bool,
}

/// One attribute of a resource block and its expression.
pub struct AttributeExpr<'a> {
    pub path: String,
    pub expr: &'a Json,
}

/// The instances of one resource block: (key, address).
type Instances = Vec<(Option<InstanceKey>, String)>;

pub struct ConfigResolver<'a> {
    root: Option<&'a Json>,
    providers: Option<&'a serde_json::Map<String, Json>>,
    root_variables: BTreeMap<String, Json>,
    /// module instance path -> "type.name" or "data.type.name" -> instances.
    instances: HashMap<ModulePath, HashMap<String, Instances>>,
    /// module instance path -> its child module instances.
    children: HashMap<ModulePath, Vec<ModulePath>>,
}

impl<'a> ConfigResolver<'a> {
    pub fn new(configuration: Option<&'a Json>, root_variables: BTreeMap<String, Json>) -> Self {
        ConfigResolver {
            root: configuration.and_then(|c| c.get("root_module")),
            providers: configuration
                .and_then(|c| c.get("provider_config"))
                .and_then(|p| p.as_object()),
            root_variables,
            instances: HashMap::new(),
            children: HashMap::new(),
        }
    }

    /// Registers a resource instance so references can find it.
    pub fn add_instance(
        &mut self,
        module: &ModulePath,
        config_address: String,
        key: Option<InstanceKey>,
        address: String,
    ) {
        let known_module = self.instances.contains_key(module);
        self.instances
            .entry(module.clone())
            .or_default()
            .entry(config_address)
            .or_default()
            .push((key, address));
        // A module seen before has its ancestry recorded already (scanning the
        // root's child list for every resource grew with modules x resources).
        if known_module {
            return;
        }
        let mut path = module.clone();
        while let Some(parent) = path.parent() {
            let list = self.children.entry(parent.clone()).or_default();
            if !list.contains(&path) {
                list.push(path.clone());
            }
            path = parent;
        }
    }

    fn module_config(&self, config_path: &[String]) -> Option<&'a Json> {
        let mut m = self.root?;
        for name in config_path {
            m = m.get("module_calls")?.get(name)?.get("module")?;
        }
        Some(m)
    }

    fn module_call(&self, config_path: &[String]) -> Option<&'a Json> {
        let (last, parent) = config_path.split_last()?;
        self.module_config(parent)?.get("module_calls")?.get(last)
    }

    /// The configuration block of a resource (`config_address` is `type.name` or
    /// `data.type.name`) in the module at `config_path`.
    pub fn resource_config(
        &self,
        config_path: &[String],
        config_address: &str,
    ) -> Option<&'a Json> {
        self.module_config(config_path)?
            .get("resources")?
            .as_array()?
            .iter()
            .find(|r| r.get("address").and_then(Json::as_str) == Some(config_address))
    }

    /// Flattens a resource block's expressions into (attribute path, expression) leaves.
    pub fn attribute_exprs(block: &'a Json) -> Vec<AttributeExpr<'a>> {
        let mut out = Vec::new();
        if let Some(exprs) = block.get("expressions") {
            flatten_exprs(exprs, String::new(), &mut out);
        }
        out
    }

    /// Follows every reference of `expr`, evaluated in module instance `module`
    /// (configuration path `config_path`), for the instance with key `self_key`.
    pub fn resolve(
        &self,
        expr: &Json,
        config_path: &[String],
        module: &ModulePath,
        self_key: Option<&InstanceKey>,
    ) -> Resolved {
        let mut out = Resolved::default();
        self.resolve_into(expr, config_path, module, self_key, 0, &mut out);
        out.targets.sort();
        out.targets.dedup();
        out
    }

    fn resolve_into(
        &self,
        expr: &Json,
        config_path: &[String],
        module: &ModulePath,
        self_key: Option<&InstanceKey>,
        depth: usize,
        out: &mut Resolved,
    ) {
        if depth > MAX_DEPTH {
            out.dead_end = true;
            return;
        }
        let Some(refs) = expr.get("references").and_then(Json::as_array) else {
            return;
        };
        for r in refs.iter().filter_map(Json::as_str) {
            self.resolve_reference(r, config_path, module, self_key, depth, out);
        }
    }

    fn resolve_reference(
        &self,
        reference: &str,
        config_path: &[String],
        module: &ModulePath,
        self_key: Option<&InstanceKey>,
        depth: usize,
        out: &mut Resolved,
    ) {
        let mut parts = reference.splitn(2, '.');
        let head = parts.next().unwrap_or("");
        let rest = parts.next().unwrap_or("");
        match head {
            "count" | "each" | "path" | "terraform" | "self" => {}
            "local" => out.dead_end = true,
            "var" => {
                let var = rest.split(['.', '[']).next().unwrap_or(rest);
                // Root variables hold values, never resources.
                if config_path.is_empty() {
                    return;
                }
                let Some(call) = self.module_call(config_path) else {
                    out.dead_end = true;
                    return;
                };
                let Some(arg) = call.get("expressions").and_then(|e| e.get(var)) else {
                    return; // the module's default applies: a value, not a reference
                };
                let parent_path = &config_path[..config_path.len() - 1];
                let parent = module.parent().unwrap_or_default();
                self.resolve_into(arg, parent_path, &parent, module.last_key(), depth + 1, out);
            }
            "module" => {
                let (name, after) = split_name(rest);
                let (key, after) = match parse_index(after, self_key) {
                    Some(x) => x,
                    None => (IndexSel::All, after),
                };
                let Some(output) = after.strip_prefix('.') else {
                    return; // the whole module object: its outputs are listed separately
                };
                let output = output.split(['.', '[']).next().unwrap_or(output);
                let mut child_path = config_path.to_vec();
                child_path.push(name.to_string());
                let Some(expr) = self
                    .module_config(&child_path)
                    .and_then(|m| m.get("outputs"))
                    .and_then(|o| o.get(output))
                    .and_then(|o| o.get("expression"))
                else {
                    out.dead_end = true;
                    return;
                };
                let Some(children) = self.children.get(module) else {
                    return;
                };
                for child in children {
                    let Some(step) = child.0.last() else { continue };
                    if step.name != name || !key.matches(step.key.as_ref()) {
                        continue;
                    }
                    self.resolve_into(expr, &child_path, child, None, depth + 1, out);
                }
            }
            "data" => {
                let (kind, after) = split_name(rest);
                let (name, after) = split_name(after.strip_prefix('.').unwrap_or(""));
                self.add_targets(module, format!("data.{kind}.{name}"), after, self_key, out);
            }
            kind => {
                let (name, after) = split_name(rest);
                if name.is_empty() {
                    return;
                }
                self.add_targets(module, format!("{kind}.{name}"), after, self_key, out);
            }
        }
    }

    fn add_targets(
        &self,
        module: &ModulePath,
        config_address: String,
        after: &str,
        self_key: Option<&InstanceKey>,
        out: &mut Resolved,
    ) {
        let sel = parse_index(after, self_key)
            .map(|(s, _)| s)
            .unwrap_or(IndexSel::All);
        if let Some(list) = self
            .instances
            .get(module)
            .and_then(|m| m.get(&config_address))
        {
            for (key, address) in list {
                if sel.matches(key.as_ref()) {
                    out.targets.push(address.clone());
                }
            }
        }
    }

    /// The AWS region of a provider configuration, as used by a resource in
    /// module `config_path` with `provider_config_key`.
    pub fn provider_region(&self, key: &str, config_path: &[String]) -> Option<String> {
        let providers = self.providers?;
        // Terraform < 0.15 writes `<module name>:aws`; later versions `module.a.module.b:aws`
        // for providers a module declares, and the resolved key (`aws.west`) otherwise.
        let local = key.rsplit(':').next().unwrap_or(key);
        let mut path = config_path.to_vec();
        let mut candidates = Vec::new();
        candidates.push(key.to_string());
        loop {
            if path.is_empty() {
                candidates.push(local.to_string());
                break;
            }
            candidates.push(format!("{}:{}", module_prefix(&path), local));
            path.pop();
        }
        for candidate in candidates {
            let Some(cfg) = providers.get(&candidate) else {
                continue;
            };
            let Some(region) = cfg.get("expressions").and_then(|e| e.get("region")) else {
                continue; // declared without settings: inherited from the parent
            };
            let owner: Vec<String> = cfg
                .get("module_address")
                .and_then(Json::as_str)
                .and_then(ModulePath::parse)
                .map(|m| m.config_path())
                .unwrap_or_default();
            return self.constant_string(region, &owner, 0);
        }
        None
    }

    /// Evaluates an expression that is a constant or a chain of variables.
    fn constant_string(&self, expr: &Json, config_path: &[String], depth: usize) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        if let Some(v) = expr.get("constant_value") {
            return v.as_str().map(str::to_string);
        }
        let refs = expr.get("references")?.as_array()?;
        let var = refs
            .iter()
            .filter_map(Json::as_str)
            .find_map(|r| r.strip_prefix("var."))?;
        let var = var.split(['.', '[']).next().unwrap_or(var);
        if config_path.is_empty() {
            if let Some(v) = self.root_variables.get(var) {
                return v.as_str().map(str::to_string);
            }
            return self
                .root?
                .get("variables")?
                .get(var)?
                .get("default")?
                .as_str()
                .map(str::to_string);
        }
        if let Some(arg) = self
            .module_call(config_path)
            .and_then(|c| c.get("expressions"))
            .and_then(|e| e.get(var))
        {
            return self.constant_string(arg, &config_path[..config_path.len() - 1], depth + 1);
        }
        self.module_config(config_path)?
            .get("variables")?
            .get(var)?
            .get("default")?
            .as_str()
            .map(str::to_string)
    }
}

fn module_prefix(config_path: &[String]) -> String {
    config_path
        .iter()
        .map(|n| format!("module.{n}"))
        .collect::<Vec<_>>()
        .join(".")
}

fn flatten_exprs<'a>(v: &'a Json, prefix: String, out: &mut Vec<AttributeExpr<'a>>) {
    let Some(map) = v.as_object() else { return };
    for (k, e) in map {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match e {
            Json::Object(o) if o.contains_key("references") => {
                out.push(AttributeExpr { path, expr: e });
            }
            Json::Object(o) if o.contains_key("constant_value") => {}
            Json::Object(_) => flatten_exprs(e, format!("{path}.0"), out),
            Json::Array(blocks) => {
                for (i, b) in blocks.iter().enumerate() {
                    flatten_exprs(b, format!("{path}.{i}"), out);
                }
            }
            _ => {}
        }
    }
}

/// Splits `name.rest` / `name[..]rest` into the name and what follows.
fn split_name(s: &str) -> (&str, &str) {
    let end = s.find(['.', '[']).unwrap_or(s.len());
    (&s[..end], &s[end..])
}

enum IndexSel {
    All,
    Key(InstanceKey),
}

impl IndexSel {
    fn matches(&self, key: Option<&InstanceKey>) -> bool {
        match self {
            IndexSel::All => true,
            IndexSel::Key(k) => key == Some(k),
        }
    }
}

/// Reads an index after a name: a literal (`[0]`, `["a"]`), or `count.index` /
/// `each.key`, which select the referring instance's own key.
fn parse_index<'s>(after: &'s str, self_key: Option<&InstanceKey>) -> Option<(IndexSel, &'s str)> {
    if !after.starts_with('[') {
        return None;
    }
    if let Some((k, rest)) = parse_key(after) {
        return Some((IndexSel::Key(k), rest));
    }
    let end = after.find(']')?;
    let inner = &after[1..end];
    let sel = match (inner, self_key) {
        ("count.index" | "each.key", Some(k)) => IndexSel::Key(k.clone()),
        _ => IndexSel::All,
    };
    Some((sel, &after[end + 1..]))
}
