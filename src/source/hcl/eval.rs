//! Evaluates a module tree: variables, locals, module calls, providers, resources and
//! data sources, lazily and memoized, with cycle detection.
//!
//! Each expression is evaluated by hcl-rs with a context built for it alone: the
//! functions it calls and the values of the names it refers to (`var.x`, `local.y`,
//! `aws_vpc.main`, `module.net`, `data.aws_region.current`, `count`, `each`...).
//! Values unknown until apply are markers ([`super::unknown`]). An expression that
//! fails to evaluate for any other reason than a reference to an undeclared name is
//! unknown as a whole.
//!
//! Every evaluated expression also gets its references: the resource instances it
//! names directly, through variables, locals and module outputs (like the references
//! a plan records), and those its unknown values come from.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use hcl::eval::{Context, Evaluate};
use hcl::expr::{Expression, ObjectKey, TraversalOperator};
use hcl::template::{Directive, Element, Template};
use hcl::Value;

use super::funcs;
use super::parse::{display_path, load_module, Attr, Block, Body, Files, ModuleDef, ResourceDef};
use super::unknown::{self, contains_unknown, is_unknown, marker};
use super::HclError;
use crate::model::{InstanceKey, ModulePath};

type Map = hcl::value::Map<String, Value>;

/// An evaluated expression.
#[derive(Debug, Clone)]
pub struct Evaluated {
    pub value: Value,
    /// Addresses of the resources (and data sources) the value depends on.
    pub refs: BTreeSet<String>,
    /// The expression could not be evaluated (its value is unknown as a whole).
    pub failed: bool,
    /// The value comes from a sensitive variable (or output): redacted in the model.
    pub sensitive: bool,
}

impl Evaluated {
    fn known(value: Value) -> Self {
        Evaluated {
            value,
            refs: BTreeSet::new(),
            failed: false,
            sensitive: false,
        }
    }
}

/// What evaluation scope an expression is in.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub inst: usize,
    pub count_index: Option<Value>,
    pub each: Option<(Value, Value)>,
    /// `dynamic` block iterators and similar names.
    pub extra: Vec<(String, Value)>,
}

impl Scope {
    fn at(inst: usize) -> Self {
        Scope {
            inst,
            ..Default::default()
        }
    }
}

/// How a module call or a resource expands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Single,
    Count,
    ForEach,
}

/// One module instance.
#[derive(Debug)]
pub struct Inst {
    pub path: ModulePath,
    pub module: Rc<ModuleDef>,
    pub parent: Option<usize>,
    /// The module call block in the parent, and this instance's count/each there.
    pub call: Option<(Block, Scope)>,
    /// Local provider key (`aws`, `aws.west`) -> provider configuration.
    pub providers: BTreeMap<String, usize>,
}

/// A provider configuration block.
#[derive(Debug)]
pub struct Provider {
    /// The key resources report: `aws`, `aws.secondary`, `module.net:aws`.
    pub key: String,
    pub inst: usize,
    pub block: Block,
    pub region: Option<Option<String>>,
    pub default_tags: Option<Value>,
}

/// An instance key and the scope its expressions are evaluated in.
type KeyedScope = (Option<InstanceKey>, Scope);

/// Children of a module call.
#[derive(Debug, Clone)]
enum Children {
    Remote,
    Instances(Shape, Vec<(Option<InstanceKey>, usize)>),
}

/// One evaluated attribute or block attribute of a resource instance.
#[derive(Debug, Clone)]
pub struct Field {
    /// `bucket`, `rule.0.apply_server_side_encryption_by_default.0.sse_algorithm`.
    pub path: String,
    pub refs: BTreeSet<String>,
    pub sensitive: bool,
}

/// One resource instance, evaluated.
#[derive(Debug, Clone)]
pub struct ResInst {
    pub key: Option<InstanceKey>,
    pub address: String,
    /// Configured values (blocks as lists of objects), unknowns as markers.
    pub values: Map,
    pub fields: Vec<Field>,
    /// Paths whose whole value is unknown because their block could not be expanded.
    pub unknown_blocks: Vec<String>,
    pub provider: Option<usize>,
    pub provider_key: String,
    /// Data sources: the values infracheck knows without reading (aws_region,
    /// aws_iam_policy_document...).
    pub data_values: Option<Map>,
}

#[derive(Debug)]
pub struct ResOut {
    pub instances: Vec<ResInst>,
    /// What references to the resource see.
    pub visible: Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Var(usize, String),
    Local(usize, String),
    Output(usize, String),
    Resource(usize, usize),
    Call(usize, String),
    Provider(usize),
}

/// What an expression refers to.
#[derive(Default)]
struct Needs {
    vars: BTreeSet<String>,
    locals: BTreeSet<String>,
    /// module name -> outputs named (None: the whole module object).
    modules: BTreeMap<String, Option<BTreeSet<String>>>,
    /// (module name, index expression) of each reference to a module.
    module_refs: Vec<(String, Option<Expression>)>,
    /// (data?, type, name, index expression)
    resources: Vec<(bool, String, String, Option<Expression>)>,
    count: bool,
    each: bool,
    path: bool,
    terraform: bool,
    extra: BTreeSet<String>,
    funcs: BTreeSet<String>,
    /// Roots that name nothing known.
    unknown_roots: Vec<String>,
}

pub struct Evaluator {
    pub files: Files,
    pub root_dir: PathBuf,
    pub instances: Vec<Inst>,
    pub providers: Vec<Provider>,
    pub warnings: Vec<String>,
    /// Module calls with a remote source, not scanned: (module address, source).
    pub remote: Vec<(String, String)>,
    root_inputs: BTreeMap<String, Value>,
    memo: HashMap<Key, Evaluated>,
    resources: HashMap<(usize, usize), Rc<ResOut>>,
    children: HashMap<(usize, String), Children>,
    stack: Vec<(Key, String, String, usize)>,
    module_cache: HashMap<PathBuf, Rc<ModuleDef>>,
    warned: BTreeSet<String>,
}

/// The most instances one `count` makes: past it the value is a typo (or an attack
/// on the scanner's memory), not infrastructure.
const MAX_COUNT: usize = 100_000;

const META_ATTRS: &[&str] = &["count", "for_each", "provider", "depends_on"];
const META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection"];

impl Evaluator {
    pub fn new(
        root_dir: &Path,
        root: ModuleDef,
        files: Files,
        root_inputs: BTreeMap<String, Value>,
    ) -> Self {
        let mut ev = Evaluator {
            files,
            root_dir: root_dir.to_path_buf(),
            instances: Vec::new(),
            providers: Vec::new(),
            warnings: Vec::new(),
            root_inputs,
            memo: HashMap::new(),
            resources: HashMap::new(),
            children: HashMap::new(),
            stack: Vec::new(),
            module_cache: HashMap::new(),
            warned: BTreeSet::new(),
            remote: Vec::new(),
        };
        let module = Rc::new(root);
        ev.add_instance(ModulePath::root(), module, None, None, BTreeMap::new());
        ev
    }

    pub fn warn(&mut self, msg: String) {
        if self.warned.insert(msg.clone()) {
            self.warnings.push(msg);
        }
    }

    fn file(&self, idx: usize) -> String {
        self.files.display(idx).to_string()
    }

    fn add_instance(
        &mut self,
        path: ModulePath,
        module: Rc<ModuleDef>,
        parent: Option<usize>,
        call: Option<(Block, Scope)>,
        mut providers: BTreeMap<String, usize>,
    ) -> usize {
        let id = self.instances.len();
        let prefix = if path.0.is_empty() {
            String::new()
        } else {
            format!(
                "{}:",
                path.config_path()
                    .iter()
                    .map(|n| format!("module.{n}"))
                    .collect::<Vec<_>>()
                    .join(".")
            )
        };
        for b in &module.providers {
            let name = b.labels[0].clone();
            let alias = b.body.attr("alias").and_then(|a| literal_string(&a.expr));
            let local = match &alias {
                Some(a) => format!("{name}.{a}"),
                None => name.clone(),
            };
            let pid = self.providers.len();
            self.providers.push(Provider {
                key: format!("{prefix}{local}"),
                inst: id,
                block: b.clone(),
                region: None,
                default_tags: None,
            });
            providers.insert(local, pid);
        }
        self.instances.push(Inst {
            path,
            module,
            parent,
            call,
            providers,
        });
        id
    }

    // -----------------------------------------------------------------------------
    // Cycle detection

    fn enter(&mut self, key: Key, what: String, file: String, line: usize) -> Result<(), HclError> {
        if let Some(pos) = self.stack.iter().position(|(k, ..)| *k == key) {
            let mut chain: Vec<String> = self.stack[pos..]
                .iter()
                .map(|(_, w, ..)| w.clone())
                .collect();
            chain.push(what.clone());
            let (_, _, f, l) = &self.stack[pos];
            let all_locals = chain.iter().all(|c| c.starts_with("local."));
            let msg = if all_locals {
                format!("cyclic local values: {}", chain.join(" -> "))
            } else {
                format!("cycle between values: {}", chain.join(" -> "))
            };
            return Err(HclError::new(f, *l, msg));
        }
        self.stack.push((key, what, file, line));
        Ok(())
    }

    fn leave(&mut self) {
        self.stack.pop();
    }

    // -----------------------------------------------------------------------------
    // Names

    fn var_value(&mut self, inst: usize, name: &str) -> Result<Evaluated, HclError> {
        let key = Key::Var(inst, name.to_string());
        if let Some(e) = self.memo.get(&key) {
            return Ok(e.clone());
        }
        let module = self.instances[inst].module.clone();
        let decl = module.variables.get(name).cloned();
        let result = if self.instances[inst].parent.is_none() {
            match self.root_inputs.get(name) {
                Some(v) => Evaluated::known(v.clone()),
                None => match decl.as_ref().and_then(|d| d.body.attr("default")) {
                    Some(a) => {
                        let a = a.clone();
                        self.eval_attr(&a, &Scope::at(inst))?
                    }
                    None => {
                        self.warn(format!(
                            "variable \"{name}\" has no value: what depends on it is unknown (set it with --var or --var-file)"
                        ));
                        Evaluated::known(unknown::unknown())
                    }
                },
            }
        } else {
            let (call, call_scope) = self.instances[inst].call.clone().expect("child has a call");
            match call.body.attr(name) {
                Some(a) => {
                    let a = a.clone();
                    self.enter(
                        key.clone(),
                        format!("var.{name}"),
                        self.file(a.file),
                        a.line,
                    )?;
                    let r = self.eval_attr(&a, &call_scope);
                    self.leave();
                    r?
                }
                None => match decl.as_ref().and_then(|d| d.body.attr("default")) {
                    Some(a) => {
                        let a = a.clone();
                        self.eval_attr(&a, &Scope::at(inst))?
                    }
                    None => {
                        let what = self.instances[inst].path.to_string();
                        return Err(HclError::new(
                            &self.file(call.file),
                            call.line,
                            format!("{what}: the module needs a value for variable \"{name}\""),
                        ));
                    }
                },
            }
        };
        let mut result = result;
        if let Some(t) = decl.as_ref().and_then(|d| d.body.attr("type")) {
            result.value = convert(result.value, &t.expr);
        }
        let declared = decl
            .as_ref()
            .and_then(|d| d.body.attr("sensitive"))
            .is_some_and(|a| matches!(a.expr, Expression::Bool(true)));
        result.sensitive |= declared;
        self.memo.insert(key, result.clone());
        Ok(result)
    }

    fn local_value(&mut self, inst: usize, name: &str) -> Result<Evaluated, HclError> {
        let key = Key::Local(inst, name.to_string());
        if let Some(e) = self.memo.get(&key) {
            return Ok(e.clone());
        }
        let module = self.instances[inst].module.clone();
        let attr = module
            .locals
            .get(name)
            .cloned()
            .expect("checked by the caller");
        self.enter(
            key.clone(),
            format!("local.{name}"),
            self.file(attr.file),
            attr.line,
        )?;
        let r = self.eval_attr(&attr, &Scope::at(inst));
        self.leave();
        let r = r?;
        self.memo.insert(key, r.clone());
        Ok(r)
    }

    fn output_value(&mut self, inst: usize, name: &str) -> Result<Evaluated, HclError> {
        let key = Key::Output(inst, name.to_string());
        if let Some(e) = self.memo.get(&key) {
            return Ok(e.clone());
        }
        let module = self.instances[inst].module.clone();
        let Some(block) = module.outputs.get(name) else {
            let (call, _) = self.instances[inst].call.clone().expect("child");
            return Err(HclError::new(
                &self.file(call.file),
                call.line,
                format!("{} has no output \"{name}\"", self.instances[inst].path),
            ));
        };
        let r = match block.body.attr("value") {
            Some(a) => {
                self.enter(
                    key.clone(),
                    format!("{}.{name}", self.instances[inst].path),
                    self.file(a.file),
                    a.line,
                )?;
                let r = self.eval_attr(a, &Scope::at(inst));
                self.leave();
                r?
            }
            None => Evaluated::known(Value::Null),
        };
        let mut r = r;
        r.sensitive |= block
            .body
            .attr("sensitive")
            .is_some_and(|a| matches!(a.expr, Expression::Bool(true)));
        self.memo.insert(key, r.clone());
        Ok(r)
    }

    /// Expands a module call into its instances (loading the module's files).
    fn call_children(&mut self, inst: usize, name: &str) -> Result<Children, HclError> {
        if let Some(c) = self.children.get(&(inst, name.to_string())) {
            return Ok(c.clone());
        }
        let module = self.instances[inst].module.clone();
        let call = module
            .module_calls
            .iter()
            .find(|b| b.labels[0] == name)
            .cloned()
            .expect("checked by the caller");
        let key = Key::Call(inst, name.to_string());
        let file = self.file(call.file);
        self.enter(key, format!("module.{name}"), file.clone(), call.line)?;
        let r = self.expand_call(inst, name, &call, &module.dir, &file);
        self.leave();
        let c = r?;
        self.children.insert((inst, name.to_string()), c.clone());
        Ok(c)
    }

    fn expand_call(
        &mut self,
        inst: usize,
        name: &str,
        call: &Block,
        dir: &Path,
        file: &str,
    ) -> Result<Children, HclError> {
        let source = call
            .body
            .attr("source")
            .and_then(|a| literal_string(&a.expr))
            .ok_or_else(|| {
                HclError::new(
                    file,
                    call.line,
                    format!("module \"{name}\" needs a literal source"),
                )
            })?;
        let parent_path = self.instances[inst].path.clone();
        let shown = if parent_path.0.is_empty() {
            format!("module.{name}")
        } else {
            format!("{parent_path}.module.{name}")
        };
        if !(source.starts_with("./") || source.starts_with("../")) {
            if !self.remote.iter().any(|(m, _)| *m == shown) {
                self.remote.push((shown, source));
            }
            return Ok(Children::Remote);
        }
        let child_dir = dir.join(&source);
        let canonical = child_dir.canonicalize().unwrap_or(child_dir.clone());
        let module = match self.module_cache.get(&canonical) {
            Some(m) => m.clone(),
            None => {
                if !child_dir.is_dir() {
                    return Err(HclError::new(
                        file,
                        call.line,
                        format!("module \"{name}\": source directory {source:?} does not exist"),
                    ));
                }
                let m = Rc::new(load_module(
                    &child_dir,
                    &mut self.files,
                    Some((file, call.line)),
                )?);
                for f in &m.unread {
                    self.warn(super::unread_warning(f));
                }
                self.module_cache.insert(canonical, m.clone());
                m
            }
        };
        let (shape, keys) = self.expand_meta(&call.body, &Scope::at(inst), &shown)?;
        // Providers: the parent's default configurations are inherited; `providers`
        // maps the module's names to the parent's configurations.
        let parent_providers = self.instances[inst].providers.clone();
        let mut providers: BTreeMap<String, usize> = parent_providers
            .iter()
            .filter(|(k, _)| !k.contains('.'))
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        if let Some(a) = call.body.attr("providers") {
            if let Expression::Object(obj) = &a.expr {
                for (k, v) in obj.iter() {
                    let child_key = match k {
                        ObjectKey::Identifier(i) => i.to_string(),
                        ObjectKey::Expression(e) => traversal_name(e).unwrap_or_default(),
                        _ => continue,
                    };
                    let Some(parent_key) = traversal_name(v) else {
                        continue;
                    };
                    if let Some(pid) = parent_providers.get(&parent_key) {
                        providers.insert(child_key, *pid);
                    }
                }
            }
        }
        let mut out = Vec::new();
        for (key, scope) in keys {
            let mut path = parent_path.clone();
            path.0.push(crate::model::address::ModuleStep {
                name: name.to_string(),
                key: key.clone(),
            });
            let mut scope = scope;
            scope.inst = inst;
            let id = self.add_instance(
                path,
                module.clone(),
                Some(inst),
                Some((call.clone(), scope)),
                providers.clone(),
            );
            out.push((key, id));
        }
        Ok(Children::Instances(shape, out))
    }

    /// Evaluates `count` / `for_each` of a block: its instance keys and their scopes.
    fn expand_meta(
        &mut self,
        body: &Body,
        scope: &Scope,
        what: &str,
    ) -> Result<(Shape, Vec<KeyedScope>), HclError> {
        if let Some(a) = body.attr("count") {
            let e = self.eval_attr(a, scope)?;
            // Terraform converts a string count ("2") to a number.
            let value = convert(
                e.value.clone(),
                &Expression::Variable(hcl::expr::Variable::unchecked("number")),
            );
            return match &value {
                Value::Number(n) => {
                    let n = n.as_f64().unwrap_or(f64::NAN);
                    let unsuitable = |why: String| {
                        HclError::new(
                            &self.file(a.file),
                            a.line,
                            format!("{what}: count is {value}: {why}"),
                        )
                    };
                    if n.fract() != 0.0 || n < 0.0 {
                        return Err(unsuitable("it must be a whole number, 0 or more".into()));
                    }
                    if n > MAX_COUNT as f64 {
                        return Err(unsuitable(format!(
                            "infracheck expands at most {MAX_COUNT} instances of a block"
                        )));
                    }
                    let n = n as i64;
                    Ok((
                        Shape::Count,
                        (0..n)
                            .map(|i| {
                                let mut s = scope.clone();
                                s.count_index = Some(Value::from(i));
                                (Some(InstanceKey::Int(i)), s)
                            })
                            .collect(),
                    ))
                }
                Value::Null => Ok((Shape::Count, Vec::new())),
                _ => {
                    self.warn(format!(
                        "{what}: count is not known statically; scanned as one instance with unknown values"
                    ));
                    let mut s = scope.clone();
                    s.count_index = Some(unknown::merged([&e.value]));
                    Ok((Shape::Single, vec![(None, s)]))
                }
            };
        }
        if let Some(a) = body.attr("for_each") {
            let e = self.eval_attr(a, scope)?;
            let mut out = Vec::new();
            match &e.value {
                Value::Object(o) if !o.keys().any(|k| unknown::str_is_unknown(k)) => {
                    let mut keys: Vec<&String> = o.keys().collect();
                    keys.sort();
                    for k in keys {
                        let mut s = scope.clone();
                        s.each = Some((Value::from(k.clone()), o[k].clone()));
                        out.push((Some(InstanceKey::Str(k.clone())), s));
                    }
                }
                Value::Array(items) if !items.iter().any(contains_unknown) => {
                    let mut keys: Vec<String> = Vec::new();
                    for v in items {
                        match v {
                            Value::String(s) => keys.push(s.clone()),
                            Value::Number(n) => keys.push(n.to_string()),
                            _ => {
                                return Err(HclError::new(
                                    &self.file(a.file),
                                    a.line,
                                    "for_each needs a map or a set of strings".to_string(),
                                ))
                            }
                        }
                    }
                    keys.sort();
                    keys.dedup();
                    for k in keys {
                        let mut s = scope.clone();
                        s.each = Some((Value::from(k.clone()), Value::from(k.clone())));
                        out.push((Some(InstanceKey::Str(k)), s));
                    }
                }
                Value::Null => {}
                v if contains_unknown(v) => {
                    self.warn(format!(
                        "{what}: for_each is not known statically; scanned as one instance with unknown values"
                    ));
                    let u = unknown::merged([v]);
                    let mut s = scope.clone();
                    s.each = Some((u.clone(), u));
                    return Ok((Shape::Single, vec![(None, s)]));
                }
                _ => {
                    return Err(HclError::new(
                        &self.file(a.file),
                        a.line,
                        "for_each needs a map or a set of strings".to_string(),
                    ))
                }
            }
            return Ok((Shape::ForEach, out));
        }
        Ok((Shape::Single, vec![(None, scope.clone())]))
    }

    fn module_object(
        &mut self,
        inst: usize,
        name: &str,
        outputs: &Option<BTreeSet<String>>,
        refs: &mut Vec<(Option<InstanceKey>, BTreeSet<String>)>,
        sensitive: &mut bool,
    ) -> Result<Value, HclError> {
        let children = self.call_children(inst, name)?;
        let (shape, list) = match children {
            Children::Remote => return Ok(unknown::unknown()),
            Children::Instances(shape, list) => (shape, list),
        };
        let mut values: Vec<(Option<InstanceKey>, Value)> = Vec::new();
        for (key, child) in list {
            let module = self.instances[child].module.clone();
            let names: Vec<String> = match outputs {
                Some(set) => set.iter().cloned().collect(),
                None => module.outputs.keys().cloned().collect(),
            };
            let mut obj = Map::new();
            let mut these = BTreeSet::new();
            for o in names {
                if !module.outputs.contains_key(&o) {
                    continue; // reported by the caller's check
                }
                let e = self.output_value(child, &o)?;
                *sensitive |= e.sensitive;
                these.extend(e.refs.iter().cloned());
                obj.insert(o, e.value);
            }
            refs.push((key.clone(), these));
            values.push((key, Value::Object(obj)));
        }
        Ok(shape_value(shape, values))
    }

    fn provider_info(&mut self, pid: usize) -> Result<(Option<String>, Option<Value>), HclError> {
        if let Some(region) = &self.providers[pid].region {
            return Ok((region.clone(), self.providers[pid].default_tags.clone()));
        }
        let block = self.providers[pid].block.clone();
        let scope = Scope::at(self.providers[pid].inst);
        let key = Key::Provider(pid);
        self.enter(
            key,
            format!("provider {}", self.providers[pid].key),
            self.file(block.file),
            block.line,
        )?;
        let r = (|| {
            let region = match block.body.attr("region") {
                Some(a) => match self.eval_attr(a, &scope)?.value {
                    Value::String(s) if !unknown::str_is_unknown(&s) => Some(s),
                    _ => None,
                },
                None => None,
            };
            let mut tags = None;
            if let Some(dt) = block.body.blocks_of("default_tags").next() {
                if let Some(a) = dt.body.attr("tags") {
                    tags = Some(self.eval_attr(a, &scope)?.value);
                }
            }
            Ok((region, tags))
        })();
        self.leave();
        let (region, tags) = r?;
        self.providers[pid].region = Some(region.clone());
        self.providers[pid].default_tags = tags.clone();
        Ok((region, tags))
    }

    /// The provider configuration of a resource block.
    fn resource_provider(&self, inst: usize, def: &ResourceDef) -> (Option<usize>, String) {
        let local = match def.block.body.attr("provider") {
            Some(a) => traversal_name(&a.expr).unwrap_or_default(),
            None => def.kind.split('_').next().unwrap_or(&def.kind).to_string(),
        };
        match self.instances[inst].providers.get(&local) {
            Some(pid) => (Some(*pid), self.providers[*pid].key.clone()),
            None => (None, local),
        }
    }

    // -----------------------------------------------------------------------------
    // Resources

    pub fn resource(&mut self, inst: usize, idx: usize) -> Result<Rc<ResOut>, HclError> {
        if let Some(r) = self.resources.get(&(inst, idx)) {
            return Ok(r.clone());
        }
        let module = self.instances[inst].module.clone();
        let def = &module.resources[idx];
        let path = self.instances[inst].path.clone();
        let shown = path.resource_address(
            &if def.data {
                format!("data.{}", def.kind)
            } else {
                def.kind.clone()
            },
            &def.name,
            None,
        );
        let key = Key::Resource(inst, idx);
        self.enter(
            key,
            shown.clone(),
            self.file(def.block.file),
            def.block.line,
        )?;
        let r = self.eval_resource(inst, def, &path, &shown);
        self.leave();
        let out = Rc::new(r?);
        self.resources.insert((inst, idx), out.clone());
        Ok(out)
    }

    fn eval_resource(
        &mut self,
        inst: usize,
        def: &ResourceDef,
        path: &ModulePath,
        shown: &str,
    ) -> Result<ResOut, HclError> {
        let (shape, keys) = self.expand_meta(&def.block.body, &Scope::at(inst), shown)?;
        let (provider, provider_key) = self.resource_provider(inst, def);
        let mut instances = Vec::new();
        let kind_for_address = if def.data {
            format!("data.{}", def.kind)
        } else {
            def.kind.clone()
        };
        for (key, scope) in keys {
            let address = path.resource_address(&kind_for_address, &def.name, key.as_ref());
            let mut fields = Vec::new();
            let mut unknown_blocks = Vec::new();
            let values = self.eval_body(
                &def.block.body,
                &scope,
                "",
                true,
                &mut fields,
                &mut unknown_blocks,
            )?;
            instances.push(ResInst {
                key,
                address,
                values,
                fields,
                unknown_blocks,
                provider,
                provider_key: provider_key.clone(),
                data_values: None,
            });
        }
        // What references see: the configured values, with the attributes the
        // provider computes as unknowns that come from this instance.
        let mut visible = Vec::new();
        for ri in instances.iter_mut() {
            let mut v = ri.values.clone();
            let me = std::slice::from_ref(&ri.address);
            if def.data {
                self.data_source_values(def, ri, &mut v)?;
                ri.data_values = Some(v.clone());
            } else {
                for a in ["id", "arn"] {
                    v.entry(a.to_string()).or_insert_with(|| marker(me));
                }
                if let Some(s) = super::schema::schema(&def.kind) {
                    for a in s.computed {
                        v.entry(a.to_string()).or_insert_with(|| marker(me));
                    }
                    for (a, d) in &s.defaults {
                        v.entry(a.to_string()).or_insert_with(|| match d {
                            Some(j) => funcs::from_json(j),
                            None => marker(me),
                        });
                    }
                }
            }
            visible.push((ri.key.clone(), Value::Object(v)));
        }
        Ok(ResOut {
            instances,
            visible: shape_value(shape, visible),
        })
    }

    /// The values of a data source that infracheck can know without reading it.
    fn data_source_values(
        &mut self,
        def: &ResourceDef,
        ri: &ResInst,
        v: &mut Map,
    ) -> Result<(), HclError> {
        let me = std::slice::from_ref(&ri.address);
        let region = match ri.provider {
            Some(pid) => self.provider_info(pid)?.0,
            None => None,
        };
        match def.kind.as_str() {
            "aws_region" => {
                let r = match (v.get("name").or(v.get("region")), &region) {
                    (Some(Value::String(s)), _) => Value::String(s.clone()),
                    (_, Some(r)) => Value::String(r.clone()),
                    _ => marker(me),
                };
                for a in ["name", "region", "id"] {
                    v.insert(a.to_string(), r.clone());
                }
            }
            "aws_partition" => {
                v.insert("partition".into(), Value::from("aws"));
                v.insert("id".into(), Value::from("aws"));
                v.insert("dns_suffix".into(), Value::from("amazonaws.com"));
                v.insert("reverse_dns_prefix".into(), Value::from("com.amazonaws"));
            }
            "aws_iam_policy_document" => {
                let doc = super::policy::document(&ri.values);
                let json = match doc {
                    Some(j) if !unknown::str_is_unknown(&j) => Value::String(j),
                    // Unknown until the data source is read, at apply: references
                    // to it go to the data source (as in a plan), not beyond.
                    _ => marker(me),
                };
                v.insert("json".into(), json.clone());
                v.insert("minified_json".into(), json);
                v.entry("id".to_string()).or_insert_with(|| marker(me));
            }
            _ => {}
        }
        Ok(())
    }

    /// Evaluates a block body into an object (nested blocks as lists of objects).
    #[allow(clippy::too_many_arguments)]
    fn eval_body(
        &mut self,
        body: &Body,
        scope: &Scope,
        prefix: &str,
        top: bool,
        fields: &mut Vec<Field>,
        unknown_blocks: &mut Vec<String>,
    ) -> Result<Map, HclError> {
        let mut out = Map::new();
        let join = |name: &str| {
            if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}.{name}")
            }
        };
        for a in &body.attrs {
            if top && META_ATTRS.contains(&a.name.as_str()) {
                continue;
            }
            let e = self.eval_attr(a, scope)?;
            fields.push(Field {
                path: join(&a.name),
                refs: e.refs,
                sensitive: e.sensitive,
            });
            out.insert(a.name.clone(), e.value);
        }
        // Blocks of one kind, static and dynamic, in source order.
        let mut order: Vec<String> = Vec::new();
        for b in &body.blocks {
            let kind = if b.kind == "dynamic" {
                b.labels.first().cloned().unwrap_or_default()
            } else {
                b.kind.clone()
            };
            if top && META_BLOCKS.contains(&kind.as_str()) {
                continue;
            }
            if !order.contains(&kind) {
                order.push(kind);
            }
        }
        for kind in order {
            let mut items: Vec<Value> = Vec::new();
            let mut unknown_list: Option<Value> = None;
            for b in &body.blocks {
                let is_dynamic = b.kind == "dynamic" && b.labels.first() == Some(&kind);
                if b.kind != kind && !is_dynamic {
                    continue;
                }
                if !is_dynamic {
                    let p = join(&format!("{kind}.{}", items.len()));
                    let v = self.eval_body(&b.body, scope, &p, false, fields, unknown_blocks)?;
                    items.push(Value::Object(v));
                    continue;
                }
                let iter_name = b
                    .body
                    .attr("iterator")
                    .and_then(|a| traversal_name(&a.expr))
                    .unwrap_or_else(|| kind.clone());
                let Some(fe) = b.body.attr("for_each") else {
                    continue;
                };
                let e = self.eval_attr(fe, scope)?;
                let pairs: Vec<(Value, Value)> = match &e.value {
                    Value::Array(list) if !list.iter().any(is_unknown) => list
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (Value::from(i as u64), v.clone()))
                        .collect(),
                    Value::Object(o) if !o.keys().any(|k| unknown::str_is_unknown(k)) => o
                        .iter()
                        .map(|(k, v)| (Value::from(k.clone()), v.clone()))
                        .collect(),
                    Value::Null => Vec::new(),
                    other => {
                        let mut refs = e.refs.clone();
                        unknown::addresses(other, &mut refs);
                        unknown_list = Some(marker(&refs));
                        fields.push(Field {
                            path: join(&kind),
                            refs,
                            sensitive: e.sensitive,
                        });
                        continue;
                    }
                };
                let Some(content) = b.body.blocks_of("content").next() else {
                    continue;
                };
                for (k, v) in pairs {
                    let mut s = scope.clone();
                    let mut it = Map::new();
                    it.insert("key".into(), k);
                    it.insert("value".into(), v);
                    s.extra.retain(|(n, _)| *n != iter_name);
                    s.extra.push((iter_name.clone(), Value::Object(it)));
                    let p = join(&format!("{kind}.{}", items.len()));
                    let v = self.eval_body(&content.body, &s, &p, false, fields, unknown_blocks)?;
                    items.push(Value::Object(v));
                }
            }
            match unknown_list {
                Some(u) => {
                    unknown_blocks.push(join(&kind));
                    out.insert(kind, u);
                }
                None => {
                    out.insert(kind, Value::Array(items));
                }
            }
        }
        Ok(out)
    }

    /// Evaluates a block's body at the top of a scope (for `terraform { backend }`).
    pub fn eval_block_body(
        &mut self,
        b: &Block,
        scope: &Scope,
        fields: &mut Vec<Field>,
        unknown_blocks: &mut Vec<String>,
    ) -> Result<Map, HclError> {
        self.eval_body(&b.body, scope, "", false, fields, unknown_blocks)
    }

    // -----------------------------------------------------------------------------
    // Expressions

    pub fn eval_attr(&mut self, a: &Attr, scope: &Scope) -> Result<Evaluated, HclError> {
        self.eval_expr(&a.expr, a.file, a.line, scope)
    }

    pub fn eval_expr(
        &mut self,
        expr: &Expression,
        file: usize,
        line: usize,
        scope: &Scope,
    ) -> Result<Evaluated, HclError> {
        self.eval_expr_reporting(expr, file, line, scope, true)
    }

    /// Evaluates `expr`; one that fails on known values is reported as a warning when
    /// `report_failure` (not for an argument of `try` or `can`, whose failure is
    /// expected).
    fn eval_expr_reporting(
        &mut self,
        expr: &Expression,
        file: usize,
        line: usize,
        scope: &Scope,
        report_failure: bool,
    ) -> Result<Evaluated, HclError> {
        let mut needs = Needs::default();
        let mut bound: Vec<String> = scope.extra.iter().map(|(n, _)| n.clone()).collect();
        walk(expr, &mut bound, &mut needs);
        let inst = scope.inst;
        let module = self.instances[inst].module.clone();
        let fname = self.file(file);
        let err = |msg: String| HclError::new(&fname, line, msg);

        // Every name must be declared.
        for v in &needs.vars {
            if !module.variables.contains_key(v) {
                return Err(err(format!(
                    "reference to undeclared input variable \"{v}\""
                )));
            }
        }
        for l in &needs.locals {
            if !module.locals.contains_key(l) {
                return Err(err(format!("reference to undeclared local value \"{l}\"")));
            }
        }
        for m in needs.modules.keys() {
            if !module.module_calls.iter().any(|b| b.labels[0] == *m) {
                return Err(err(format!("reference to undeclared module \"{m}\"")));
            }
        }
        let mut res_idx: Vec<usize> = Vec::new();
        for (data, kind, name, _) in &needs.resources {
            match module
                .resources
                .iter()
                .position(|r| r.data == *data && r.kind == *kind && r.name == *name)
            {
                Some(i) => res_idx.push(i),
                None if *data => {
                    return Err(err(format!(
                        "reference to undeclared data source \"data.{kind}.{name}\""
                    )))
                }
                None => {
                    return Err(err(format!(
                        "reference to undeclared resource \"{kind}.{name}\""
                    )))
                }
            }
        }
        if let Some(r) = needs.unknown_roots.first() {
            return Err(err(format!(
                "unknown name \"{r}\" (not a variable, local, module, resource or data source)"
            )));
        }

        // The values of the names, and the references behind them.
        let mut ctx = Context::new();
        let mut refs: BTreeSet<String> = BTreeSet::new();
        let mut sensitive = false;
        // Whether a value the expression reads holds an unknown: then a failure may
        // be the unknown's doing, not the configuration's.
        let mut reads_unknown = false;
        let mut unevaluated = false;
        for f in &needs.funcs {
            if !funcs::known(f) {
                unevaluated = true;
                self.warn(format!(
                    "{}:{line}: function {f}() is not evaluated statically; values that use it are unknown",
                    self.files.display(file)
                ));
            }
        }
        funcs::declare_all_of(&mut ctx, &needs.funcs);
        if !needs.vars.is_empty() {
            let mut o = Map::new();
            for v in &needs.vars {
                let e = self.var_value(inst, v)?;
                sensitive |= e.sensitive;
                reads_unknown |= contains_unknown(&e.value);
                refs.extend(e.refs);
                o.insert(v.clone(), e.value);
            }
            ctx.declare_var("var", Value::Object(o));
        }
        if !needs.locals.is_empty() {
            let mut o = Map::new();
            for l in &needs.locals {
                let e = self.local_value(inst, l)?;
                sensitive |= e.sensitive;
                reads_unknown |= contains_unknown(&e.value);
                refs.extend(e.refs);
                o.insert(l.clone(), e.value);
            }
            ctx.declare_var("local", Value::Object(o));
        }
        if !needs.modules.is_empty() {
            let mut o = Map::new();
            for (m, outs) in &needs.modules {
                let child_module = self.module_def_of_call(inst, m)?;
                if let (Some(outs), Some(cm)) = (outs, &child_module) {
                    if let Some(bad) = outs.iter().find(|o| !cm.outputs.contains_key(*o)) {
                        return Err(err(format!("module \"{m}\" has no output \"{bad}\"")));
                    }
                }
                let mut by_instance = Vec::new();
                let v = self.module_object(inst, m, outs, &mut by_instance, &mut sensitive)?;
                reads_unknown |= contains_unknown(&v);
                o.insert(m.clone(), v);
                for (_, index) in needs.module_refs.iter().filter(|(n, _)| n == m) {
                    let sel = self.index_value(index.as_ref(), scope, &needs);
                    for (key, r) in &by_instance {
                        if key_matches(&sel, key.as_ref()) {
                            refs.extend(r.iter().cloned());
                        }
                    }
                }
            }
            ctx.declare_var("module", Value::Object(o));
        }
        let mut by_kind: BTreeMap<String, Map> = BTreeMap::new();
        let mut data: BTreeMap<String, Map> = BTreeMap::new();
        for ((is_data, kind, name, index), idx) in needs.resources.iter().zip(&res_idx) {
            let out = self.resource(inst, *idx)?;
            // Its unknown attributes may be absent keys, not markers: no need to walk it.
            reads_unknown = true;
            let target = if *is_data { &mut data } else { &mut by_kind };
            target
                .entry(kind.clone())
                .or_default()
                .insert(name.clone(), out.visible.clone());
            // The instances named: all, or the one a constant index selects.
            let sel = self.index_value(index.as_ref(), scope, &needs);
            for ri in &out.instances {
                if key_matches(&sel, ri.key.as_ref()) {
                    refs.insert(ri.address.clone());
                }
            }
        }
        for (kind, o) in by_kind {
            ctx.declare_var(kind, Value::Object(o));
        }
        if !data.is_empty() {
            ctx.declare_var(
                "data",
                Value::Object(
                    data.into_iter()
                        .map(|(k, v)| (k, Value::Object(v)))
                        .collect(),
                ),
            );
        }
        if needs.path {
            let mut o = Map::new();
            o.insert("module".into(), Value::from(display_path(&module.dir)));
            o.insert("root".into(), Value::from(display_path(&self.root_dir)));
            o.insert("cwd".into(), Value::from("."));
            ctx.declare_var("path", Value::Object(o));
        }
        if needs.terraform {
            let mut o = Map::new();
            o.insert("workspace".into(), Value::from("default"));
            ctx.declare_var("terraform", Value::Object(o));
        }
        declare_scope(&mut ctx, scope, &needs);

        // try() and can() must see errors: evaluate their arguments one by one.
        let lowered;
        let expr = if needs.funcs.contains("try") || needs.funcs.contains("can") {
            lowered = self.lower_try(expr, file, line, scope)?;
            &lowered
        } else {
            expr
        };

        match expr.evaluate(&ctx) {
            Ok(value) => {
                unknown::addresses(&value, &mut refs);
                Ok(Evaluated {
                    value,
                    refs,
                    failed: false,
                    sensitive,
                })
            }
            Err(e) => {
                // Unknown as a whole; its references are those of its names, plus the
                // unknown values those names hold.
                for v in ctx_values(&ctx, &needs, scope) {
                    reads_unknown |= contains_unknown(&v);
                    unknown::addresses(&v, &mut refs);
                }
                // A function that refuses known arguments means the configuration is
                // wrong (Terraform would stop there): said, not silently unknown. Other
                // failures (a key that is not there) are how unknown attributes of
                // resources and data sources show, so they stay quiet.
                if let hcl::eval::ErrorKind::FuncCall(name, why) = e.kind() {
                    if report_failure && !reads_unknown && !unevaluated {
                        let name = name.to_string();
                        let why = why.strip_prefix(&format!("{name}: ")).unwrap_or(why);
                        let what = if name.starts_with("__") {
                            "an operator".to_string()
                        } else {
                            format!("{name}()")
                        };
                        self.warn(format!(
                            "{fname}:{line}: {what} cannot be evaluated: {why}; values that use it are unknown"
                        ));
                    }
                }
                Ok(Evaluated {
                    value: marker(&refs),
                    refs,
                    failed: true,
                    sensitive,
                })
            }
        }
    }

    /// The value of an index expression in a traversal, when it needs nothing but
    /// `count`, `each`, iterators and functions.
    fn index_value(
        &self,
        index: Option<&Expression>,
        scope: &Scope,
        needs: &Needs,
    ) -> Option<Value> {
        let ix = index?;
        let mut ictx = Context::new();
        declare_scope(&mut ictx, scope, needs);
        funcs::declare_all_of(&mut ictx, &needs.funcs);
        ix.evaluate(&ictx).ok()
    }

    fn module_def_of_call(
        &mut self,
        inst: usize,
        name: &str,
    ) -> Result<Option<Rc<ModuleDef>>, HclError> {
        match self.call_children(inst, name)? {
            Children::Remote => Ok(None),
            Children::Instances(_, list) => {
                Ok(list.first().map(|(_, i)| self.instances[*i].module.clone()))
            }
        }
    }

    /// Replaces `try(...)` and `can(...)` calls (outside `for` expressions) by their
    /// values.
    fn lower_try(
        &mut self,
        expr: &Expression,
        file: usize,
        line: usize,
        scope: &Scope,
    ) -> Result<Expression, HclError> {
        Ok(match expr {
            Expression::FuncCall(f)
                if f.name.name.as_str() == "try" || f.name.name.as_str() == "can" =>
            {
                let is_try = f.name.name.as_str() == "try";
                let mut result: Option<Value> = None;
                for arg in &f.args {
                    let e = self.eval_expr_reporting(arg, file, line, scope, false)?;
                    if !is_try {
                        result = Some(if e.failed {
                            Value::Bool(false)
                        } else if contains_unknown(&e.value) {
                            e.value
                        } else {
                            Value::Bool(true)
                        });
                        break;
                    }
                    if !e.failed {
                        result = Some(e.value);
                        break;
                    }
                }
                match result {
                    Some(v) => Expression::from(v),
                    // Every argument failed: try() fails, which makes the value unknown.
                    None => Expression::from(unknown::unknown()),
                }
            }
            Expression::FuncCall(f) => {
                let mut f = (**f).clone();
                f.args = f
                    .args
                    .iter()
                    .map(|a| self.lower_try(a, file, line, scope))
                    .collect::<Result<_, _>>()?;
                Expression::FuncCall(Box::new(f))
            }
            Expression::Array(items) => Expression::Array(
                items
                    .iter()
                    .map(|a| self.lower_try(a, file, line, scope))
                    .collect::<Result<_, _>>()?,
            ),
            Expression::Object(obj) => {
                let mut out = hcl::expr::Object::new();
                for (k, v) in obj.iter() {
                    out.insert(k.clone(), self.lower_try(v, file, line, scope)?);
                }
                Expression::Object(out)
            }
            Expression::Parenthesis(e) => {
                Expression::Parenthesis(Box::new(self.lower_try(e, file, line, scope)?))
            }
            Expression::Conditional(c) => {
                let mut c = (**c).clone();
                c.cond_expr = self.lower_try(&c.cond_expr, file, line, scope)?;
                c.true_expr = self.lower_try(&c.true_expr, file, line, scope)?;
                c.false_expr = self.lower_try(&c.false_expr, file, line, scope)?;
                Expression::Conditional(Box::new(c))
            }
            other => other.clone(),
        })
    }

    // -----------------------------------------------------------------------------
    // The whole tree

    /// Expands every module call, depth first; returns every instance id.
    pub fn all_instances(&mut self) -> Result<Vec<usize>, HclError> {
        let mut out = vec![0];
        let mut i = 0;
        while i < out.len() {
            let inst = out[i];
            let module = self.instances[inst].module.clone();
            for call in &module.module_calls {
                if let Children::Instances(_, list) = self.call_children(inst, &call.labels[0])? {
                    out.extend(list.into_iter().map(|(_, id)| id));
                }
            }
            i += 1;
        }
        Ok(out)
    }

    /// Evaluates every local value and output of an instance, so that their errors
    /// are reported even when nothing uses them (as `terraform validate` does).
    pub fn check_instance(&mut self, inst: usize) -> Result<(), HclError> {
        let module = self.instances[inst].module.clone();
        for name in module.locals.keys() {
            self.local_value(inst, name)?;
        }
        for name in module.outputs.keys() {
            self.output_value(inst, name)?;
        }
        Ok(())
    }

    pub fn region_of(&mut self, pid: Option<usize>) -> Result<Option<String>, HclError> {
        match pid {
            Some(p) => Ok(self.provider_info(p)?.0),
            None => Ok(None),
        }
    }

    pub fn default_tags_of(&mut self, pid: Option<usize>) -> Result<Option<Value>, HclError> {
        match pid {
            Some(p) => Ok(self.provider_info(p)?.1),
            None => Ok(None),
        }
    }
}

/// Declares `count`, `each` and the scope's iterators.
fn declare_scope(ctx: &mut Context, scope: &Scope, needs: &Needs) {
    if needs.count {
        let mut o = Map::new();
        o.insert(
            "index".into(),
            scope.count_index.clone().unwrap_or_else(unknown::unknown),
        );
        ctx.declare_var("count", Value::Object(o));
    }
    if needs.each {
        let mut o = Map::new();
        let (k, v) = scope
            .each
            .clone()
            .unwrap_or_else(|| (unknown::unknown(), unknown::unknown()));
        o.insert("key".into(), k);
        o.insert("value".into(), v);
        ctx.declare_var("each", Value::Object(o));
    }
    for (n, v) in &scope.extra {
        if needs.extra.contains(n) {
            ctx.declare_var(n.clone(), v.clone());
        }
    }
}

/// The values an expression's names hold (for the references of a failed expression).
fn ctx_values(_ctx: &Context, needs: &Needs, scope: &Scope) -> Vec<Value> {
    let mut out = Vec::new();
    if needs.each {
        if let Some((k, v)) = &scope.each {
            out.push(k.clone());
            out.push(v.clone());
        }
    }
    if needs.count {
        if let Some(i) = &scope.count_index {
            out.push(i.clone());
        }
    }
    for (n, v) in &scope.extra {
        if needs.extra.contains(n) {
            out.push(v.clone());
        }
    }
    out
}

/// Terraform's conversion of a variable's value to its `type`: primitives ("3" to 3,
/// 3 to "3", "true" to true), recursively through `list`, `set`, `map`, `tuple` and
/// `object` types, whose `optional(type, default)` attributes get their default (or
/// null) when the value leaves them out. Anything else is kept as it is.
fn convert(v: Value, ty: &Expression) -> Value {
    if unknown::is_unknown(&v) || matches!(v, Value::Null) {
        return v;
    }
    match ty {
        Expression::Variable(t) => match (t.as_str(), v) {
            ("number", Value::String(s)) => match s.trim().parse::<i64>() {
                Ok(i) => Value::from(i),
                Err(_) => match s.trim().parse::<f64>().ok().and_then(hcl::Number::from_f64) {
                    Some(n) => Value::Number(n),
                    None => Value::String(s),
                },
            },
            ("string", Value::Number(n)) => Value::String(n.to_string()),
            ("string", Value::Bool(b)) => Value::String(b.to_string()),
            ("bool", Value::String(s)) if s == "true" || s == "false" => Value::Bool(s == "true"),
            (_, v) => v,
        },
        Expression::FuncCall(f) => {
            let arg = f.args.first();
            match (f.name.name.as_str(), v, arg) {
                ("list" | "set", Value::Array(items), Some(t)) => {
                    Value::Array(items.into_iter().map(|x| convert(x, t)).collect())
                }
                ("map", Value::Object(o), Some(t)) => {
                    Value::Object(o.into_iter().map(|(k, x)| (k, convert(x, t))).collect())
                }
                ("tuple", Value::Array(items), Some(Expression::Array(types))) => Value::Array(
                    items
                        .into_iter()
                        .enumerate()
                        .map(|(i, x)| match types.get(i) {
                            Some(t) => convert(x, t),
                            None => x,
                        })
                        .collect(),
                ),
                ("object", Value::Object(mut o), Some(Expression::Object(attrs))) => {
                    for (k, t) in attrs.iter() {
                        let name = match k {
                            ObjectKey::Identifier(i) => i.to_string(),
                            ObjectKey::Expression(e) => match traversal_name(e) {
                                Some(n) => n,
                                None => continue,
                            },
                            _ => continue,
                        };
                        let (inner, default) = match t {
                            Expression::FuncCall(opt) if opt.name.name.as_str() == "optional" => (
                                opt.args.first().cloned().unwrap_or(Expression::Null),
                                Some(opt.args.get(1).map(literal_or_null).unwrap_or(Value::Null)),
                            ),
                            other => (other.clone(), None),
                        };
                        match o.swap_remove(&name) {
                            Some(x) => {
                                o.insert(name, convert(x, &inner));
                            }
                            None => {
                                if let Some(d) = default {
                                    o.insert(name, convert(d, &inner));
                                }
                            }
                        }
                    }
                    Value::Object(o)
                }
                (_, v, _) => v,
            }
        }
        _ => v,
    }
}

/// The value of a constant expression (an `optional()` default), null otherwise.
fn literal_or_null(e: &Expression) -> Value {
    let mut ctx = Context::new();
    funcs::declare_all(&mut ctx);
    e.evaluate(&ctx).unwrap_or(Value::Null)
}

/// Whether an instance key is selected by an index value (`None`: every instance).
fn key_matches(sel: &Option<Value>, key: Option<&InstanceKey>) -> bool {
    match (sel, key) {
        (Some(Value::Number(n)), Some(InstanceKey::Int(i))) => n.as_i64() == Some(*i),
        (Some(Value::String(s)), Some(InstanceKey::Str(k))) => unknown::str_is_unknown(s) || s == k,
        _ => true,
    }
}

/// Arranges instance values the way references see them.
fn shape_value(shape: Shape, values: Vec<(Option<InstanceKey>, Value)>) -> Value {
    match shape {
        Shape::Single => values
            .into_iter()
            .next()
            .map(|(_, v)| v)
            .unwrap_or(Value::Null),
        Shape::Count => Value::Array(values.into_iter().map(|(_, v)| v).collect()),
        Shape::ForEach => Value::Object(
            values
                .into_iter()
                .map(|(k, v)| {
                    let k = match k {
                        Some(InstanceKey::Str(s)) => s,
                        Some(InstanceKey::Int(i)) => i.to_string(),
                        None => String::new(),
                    };
                    (k, v)
                })
                .collect(),
        ),
    }
}

/// A literal string (quoted, without interpolation).
pub fn literal_string(e: &Expression) -> Option<String> {
    match e {
        Expression::String(s) => Some(s.clone()),
        Expression::TemplateExpr(t) => {
            let tpl = Template::from_expr(t).ok()?;
            match tpl.elements() {
                [] => Some(String::new()),
                [Element::Literal(s)] => Some(s.clone()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `aws.west` for a traversal `aws.west`, `aws` for a variable `aws`.
pub fn traversal_name(e: &Expression) -> Option<String> {
    match e {
        Expression::Variable(v) => Some(v.as_str().to_string()),
        Expression::Traversal(t) => {
            let mut s = traversal_name(&t.expr)?;
            for op in &t.operators {
                match op {
                    TraversalOperator::GetAttr(a) => {
                        s.push('.');
                        s.push_str(a.as_str());
                    }
                    _ => return None,
                }
            }
            Some(s)
        }
        Expression::String(_) | Expression::TemplateExpr(_) => literal_string(e),
        _ => None,
    }
}

fn get_attr(op: Option<&TraversalOperator>) -> Option<String> {
    match op {
        Some(TraversalOperator::GetAttr(a)) => Some(a.as_str().to_string()),
        _ => None,
    }
}

fn root(name: &str, ops: &[TraversalOperator], bound: &[String], needs: &mut Needs) {
    if bound.iter().any(|b| b == name) {
        needs.extra.insert(name.to_string());
        return;
    }
    match name {
        "var" => {
            if let Some(n) = get_attr(ops.first()) {
                needs.vars.insert(n);
            }
        }
        "local" => {
            if let Some(n) = get_attr(ops.first()) {
                needs.locals.insert(n);
            }
        }
        "module" => {
            if let Some(m) = get_attr(ops.first()) {
                needs.module_refs.push((m.clone(), index_of(ops.get(1))));
                let mut rest = &ops[1..];
                if matches!(
                    rest.first(),
                    Some(TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_))
                ) {
                    rest = &rest[1..];
                }
                let out = get_attr(rest.first());
                let entry = needs
                    .modules
                    .entry(m)
                    .or_insert_with(|| Some(BTreeSet::new()));
                match (entry.as_mut(), out) {
                    (Some(set), Some(o)) => {
                        set.insert(o);
                    }
                    _ => *entry = None,
                }
            }
        }
        "data" => {
            if let (Some(t), Some(n)) = (get_attr(ops.first()), get_attr(ops.get(1))) {
                needs.resources.push((true, t, n, index_of(ops.get(2))));
            }
        }
        "count" => needs.count = true,
        "each" => needs.each = true,
        "path" => needs.path = true,
        "terraform" => needs.terraform = true,
        "self" => {}
        kind => match get_attr(ops.first()) {
            Some(n) => needs
                .resources
                .push((false, kind.to_string(), n, index_of(ops.get(1)))),
            None => needs.unknown_roots.push(kind.to_string()),
        },
    }
}

fn index_of(op: Option<&TraversalOperator>) -> Option<Expression> {
    match op {
        Some(TraversalOperator::Index(e)) => Some(e.clone()),
        Some(TraversalOperator::LegacyIndex(i)) => Some(Expression::from(*i)),
        _ => None,
    }
}

/// Collects what an expression refers to; `bound` holds the names of enclosing `for`s.
fn walk(expr: &Expression, bound: &mut Vec<String>, needs: &mut Needs) {
    match expr {
        Expression::Variable(v) => root(v.as_str(), &[], bound, needs),
        Expression::Traversal(t) => {
            match &t.expr {
                Expression::Variable(v) => root(v.as_str(), &t.operators, bound, needs),
                other => walk(other, bound, needs),
            }
            for op in &t.operators {
                if let TraversalOperator::Index(e) = op {
                    walk(e, bound, needs);
                }
            }
        }
        Expression::FuncCall(f) => {
            needs.funcs.insert(f.name.name.as_str().to_string());
            for a in &f.args {
                walk(a, bound, needs);
            }
        }
        Expression::Array(items) => items.iter().for_each(|e| walk(e, bound, needs)),
        Expression::Object(obj) => {
            for (k, v) in obj.iter() {
                if let ObjectKey::Expression(e) = k {
                    // A bare word key is a literal, not a reference.
                    if !matches!(e, Expression::Variable(_)) {
                        walk(e, bound, needs);
                    }
                }
                walk(v, bound, needs);
            }
        }
        Expression::Parenthesis(e) => walk(e, bound, needs),
        Expression::Conditional(c) => {
            walk(&c.cond_expr, bound, needs);
            walk(&c.true_expr, bound, needs);
            walk(&c.false_expr, bound, needs);
        }
        Expression::Operation(op) => match &**op {
            hcl::expr::Operation::Unary(u) => walk(&u.expr, bound, needs),
            hcl::expr::Operation::Binary(b) => {
                walk(&b.lhs_expr, bound, needs);
                walk(&b.rhs_expr, bound, needs);
            }
        },
        Expression::ForExpr(f) => {
            walk(&f.collection_expr, bound, needs);
            let n = bound.len();
            if let Some(k) = &f.key_var {
                bound.push(k.as_str().to_string());
            }
            bound.push(f.value_var.as_str().to_string());
            if let Some(k) = &f.key_expr {
                walk(k, bound, needs);
            }
            walk(&f.value_expr, bound, needs);
            if let Some(c) = &f.cond_expr {
                walk(c, bound, needs);
            }
            bound.truncate(n);
        }
        Expression::TemplateExpr(t) => {
            if let Ok(tpl) = Template::from_expr(t) {
                walk_template(&tpl, bound, needs);
            }
        }
        _ => {}
    }
}

fn walk_template(t: &Template, bound: &mut Vec<String>, needs: &mut Needs) {
    for e in t.elements() {
        match e {
            Element::Literal(_) => {}
            Element::Interpolation(i) => walk(&i.expr, bound, needs),
            Element::Directive(d) => match &**d {
                Directive::If(d) => {
                    walk(&d.cond_expr, bound, needs);
                    walk_template(&d.true_template, bound, needs);
                    if let Some(f) = &d.false_template {
                        walk_template(f, bound, needs);
                    }
                }
                Directive::For(d) => {
                    walk(&d.collection_expr, bound, needs);
                    let n = bound.len();
                    if let Some(k) = &d.key_var {
                        bound.push(k.as_str().to_string());
                    }
                    bound.push(d.value_var.as_str().to_string());
                    walk_template(&d.template, bound, needs);
                    bound.truncate(n);
                }
            },
        }
    }
}
