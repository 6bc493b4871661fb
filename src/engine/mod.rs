//! The policy engine: loads Rego rules (built in and from user directories) into
//! regorus and evaluates each rule separately against the resource model.

pub mod builtins;
pub mod metadata;
pub mod testing;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use foldhash::{HashMap, HashMapExt};
use include_dir::{include_dir, Dir};
use regorus::{Engine, Value};

use crate::config::Settings;
use crate::findings::{Finding, RuleError, RuleMeta, RuleScope, ScanResult, Status};
use crate::model::Scan;

static BUILTIN_POLICIES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/policies");

/// One `.rego` file, built in or from a user directory.
#[derive(Debug, Clone)]
pub struct PolicyFile {
    /// `builtin:aws/s3/bucket_encryption.rego` or the file's path.
    pub label: String,
    pub text: String,
}

impl PolicyFile {
    pub fn is_test(&self) -> bool {
        self.label.ends_with("_test.rego")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("{path}: cannot read policy directory: {cause}")]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
    #[error("rule {id} is defined twice: in {first} and in {second}")]
    DuplicateId {
        id: String,
        first: String,
        second: String,
    },
}

/// The built-in policies embedded in the binary at build time.
pub fn builtin_files() -> Vec<PolicyFile> {
    let mut out = Vec::new();
    collect_embedded(&BUILTIN_POLICIES, &mut out);
    out.sort_by(|a, b| a.label.cmp(&b.label));
    out
}

fn collect_embedded(dir: &Dir<'_>, out: &mut Vec<PolicyFile>) {
    for f in dir.files() {
        if f.path().extension().is_some_and(|e| e == "rego") {
            if let Some(text) = f.contents_utf8() {
                out.push(PolicyFile {
                    label: format!("builtin:{}", f.path().display()),
                    text: text.to_string(),
                });
            }
        }
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}

/// Every `.rego` file under `dir`, recursively, in path order.
pub fn dir_files(dir: &Path) -> Result<Vec<PolicyFile>, PolicyError> {
    let mut paths = Vec::new();
    walk(dir, &mut paths).map_err(|cause| PolicyError::Io {
        path: dir.to_path_buf(),
        cause,
    })?;
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).map_err(|cause| PolicyError::Io {
                path: p.clone(),
                cause,
            })?;
            Ok(PolicyFile {
                label: p.display().to_string(),
                text,
            })
        })
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rego") {
            out.push(path);
        }
    }
    Ok(())
}

/// What a regorus error that points into a policy's source says: it comes over
/// several lines, `--> file:line:col`, the source line with a caret under the
/// column, then `error: what is wrong`.
struct SourceError<'e> {
    file: &'e str,
    line: u32,
    column: u32,
    what: &'e str,
}

fn source_error(text: &str) -> Option<SourceError<'_>> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let location = lines.next()?.strip_prefix("--> ")?;
    let mut parts = location.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let file = parts.next()?;
    let what = lines.find_map(|l| l.strip_prefix("error: "))?;
    Some(SourceError {
        file,
        line,
        column,
        what,
    })
}

impl SourceError<'_> {
    /// Where in its file, and what: `line 13, column 6: unexpected keyword`.
    fn in_file(&self) -> String {
        format!("line {}, column {}: {}", self.line, self.column, self.what)
    }
}

/// The first non-empty line of an error's text.
fn first_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("unknown error")
        .to_string()
}

/// A regorus error on one line: `file:line:col: what is wrong` for one in a
/// policy's source, else its first line.
pub(crate) fn one_line(e: &anyhow::Error) -> String {
    let text = format!("{e:#}");
    match source_error(&text) {
        Some(s) => format!("{}:{}:{}: {}", s.file, s.line, s.column, s.what),
        None => first_line(&text),
    }
}

/// A new engine with infracheck's builtins and configuration.
pub fn new_engine(settings: &Settings) -> Result<Engine, PolicyError> {
    let mut engine = Engine::new();
    builtins::register(&mut engine).map_err(|e| PolicyError::Invalid {
        file: "builtins".into(),
        message: e.to_string(),
    })?;
    let mut cfg = BTreeMap::new();
    cfg.insert(Value::from("config"), settings.to_rego());
    let mut root = BTreeMap::new();
    root.insert(Value::from("infracheck"), Value::from(cfg));
    engine
        .add_data(Value::from(root))
        .map_err(|e| PolicyError::Invalid {
            file: "config".into(),
            message: e.to_string(),
        })?;
    Ok(engine)
}

/// Adds a file to the engine, returning its package (`data.a.b`).
pub fn add_file(engine: &mut Engine, file: &PolicyFile) -> Result<String, PolicyError> {
    engine
        .add_policy(file.label.clone(), file.text.clone())
        .map_err(|e| {
            let text = format!("{e:#}");
            PolicyError::Invalid {
                file: file.label.clone(),
                // The error names the file already; say where in it.
                message: source_error(&text).map_or_else(|| first_line(&text), |s| s.in_file()),
            }
        })
}

fn defines(text: &str, rule: &str) -> bool {
    text.lines().any(|l| {
        l.strip_prefix(rule)
            .is_some_and(|rest| rest.starts_with(' ') || rest.starts_with('['))
    })
}

struct LoadedRule {
    meta: RuleMeta,
    has_unknown: bool,
    /// Whether the rule reads a computed library value (`lib.sg_ingress_rules`...):
    /// the rules that do are evaluated in one query, which computes them once (see
    /// [`group_rules`]).
    reads_library_values: bool,
}

/// Names of the library values that are computed, not literals: `name :=
/// <expression>` or `name contains ...` at the top of a `lib.` package.
fn computed_lib_values(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let (name, rest) = l.split_once(' ')?;
            let valid = name.starts_with(|c: char| c.is_ascii_lowercase())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            let computed = rest.starts_with("contains ")
                || rest.strip_prefix(":= ").is_some_and(|v| {
                    let comprehension = v.starts_with(['{', '[']) && v.contains(" |");
                    comprehension
                        || (!v.starts_with(|c: char| "{[\"`".contains(c) || c.is_ascii_digit())
                            && !matches!(v.trim(), "true" | "false" | "null"))
                });
            (valid && computed).then(|| name.to_string())
        })
        .collect()
}

/// The library values of `names` that `text` reads as `lib.<name>`.
fn reads_lib_values(text: &str, names: &[String]) -> Vec<String> {
    names
        .iter()
        .filter(|n| {
            text.match_indices(&format!("lib.{n}")).any(|(i, m)| {
                !text[i + m.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            })
        })
        .cloned()
        .collect()
}

/// The loaded rules, ready to evaluate.
pub struct PolicySet {
    engine: Engine,
    rules: Vec<LoadedRule>,
}

impl PolicySet {
    /// Loads the non-test files; every package outside `lib.` must be a rule with
    /// valid metadata and a `deny` set.
    pub fn load(files: &[PolicyFile], settings: &Settings) -> Result<Self, PolicyError> {
        let mut engine = new_engine(settings)?;
        let mut rules: Vec<LoadedRule> = Vec::new();
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut lib_values = Vec::new();
        let mut rule_texts = Vec::new();
        for file in files.iter().filter(|f| !f.is_test()) {
            let package = add_file(&mut engine, file)?;
            if package.starts_with("data.lib.") {
                lib_values.extend(computed_lib_values(&file.text));
                continue;
            }
            rule_texts.push(&file.text);
            let invalid = |message: String| PolicyError::Invalid {
                file: file.label.clone(),
                message,
            };
            let meta = metadata::parse_rule_metadata(&file.text).map_err(invalid)?;
            if !defines(&file.text, "deny") {
                return Err(invalid(format!("rule {} defines no `deny` set", meta.id)));
            }
            if let Some(first) = seen.insert(meta.id.clone(), file.label.clone()) {
                return Err(PolicyError::DuplicateId {
                    id: meta.id,
                    first,
                    second: file.label.clone(),
                });
            }
            rules.push(LoadedRule {
                has_unknown: defines(&file.text, "unknown"),
                reads_library_values: false,
                meta: RuleMeta {
                    id: meta.id,
                    title: meta.title,
                    description: meta.description,
                    severity: meta.severity,
                    resource_types: meta.resource_types,
                    scope: meta.scope,
                    sources: meta.sources,
                    per_resource: meta.per_resource,
                    across_accounts: meta.across_accounts,
                    frameworks: meta.frameworks,
                    remediation: meta.remediation,
                    package,
                    source: file.label.clone(),
                },
            });
        }
        for (rule, text) in rules.iter_mut().zip(rule_texts) {
            rule.reads_library_values = !reads_lib_values(text, &lib_values).is_empty();
        }
        rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        Ok(PolicySet { engine, rules })
    }

    pub fn rules(&self) -> impl Iterator<Item = &RuleMeta> {
        self.rules.iter().map(|r| &r.meta)
    }

    /// Keeps only the rules whose IDs are listed.
    pub fn retain(&mut self, ids: &[String]) {
        self.rules.retain(|r| ids.iter().any(|i| i == &r.meta.id));
    }

    /// Evaluates every rule against `input` (built from `scan`), each on its own so
    /// one rule's runtime error does not stop the others.
    pub fn evaluate(&self, scan: &Scan, input: Value) -> ScanResult {
        self.evaluate_where(scan, input, |_| true)
    }

    /// Evaluates the rules that `keep` selects (see [`PolicySet::evaluate`]).
    pub fn evaluate_where(
        &self,
        scan: &Scan,
        input: Value,
        keep: impl Fn(&RuleMeta) -> bool,
    ) -> ScanResult {
        // A rule that cannot be evaluated on this kind of source (STATE-001 needs the
        // `.tf` backend block) has no outcome at all there, not a PASSED.
        let applicable: Vec<&LoadedRule> = self
            .rules
            .iter()
            .filter(|r| r.meta.sources.iter().any(|s| s == scan.source) && keep(&r.meta))
            .collect();
        let mut by_type: HashMap<&str, Vec<&crate::model::Resource>> = HashMap::new();
        for r in &scan.resources {
            by_type.entry(r.kind.as_str()).or_default().push(r);
        }
        let mut engine = self.engine.clone();
        engine.set_input(input);
        // Groups of rules, each evaluated as one query, handed to the threads one at a
        // time (parallel::map_each), costliest first, so the threads finish close
        // together.
        let groups = group_rules(&applicable, &by_type);
        let group_rules: Vec<Vec<&LoadedRule>> = groups
            .iter()
            .map(|g| g.iter().map(|&i| applicable[i]).collect())
            .collect();
        // One query module for all threads, prepared once before the engine is
        // cloned: regorus analyses every module on an engine's first evaluation (~20 MB
        // and ~15 ms with the built-in rules), and the clones share that work.
        let per_rule = std::env::var("INFRACHECK_TIMINGS").is_ok_and(|v| v == "rules");
        let combined = !per_rule
            && engine
                .add_policy(
                    format!("{COMBINED_PACKAGE}.rego"),
                    combined_module(&group_rules),
                )
                .is_ok()
            && engine
                .eval_rule(format!("data.{COMBINED_PACKAGE}.ready"))
                .is_ok();
        let group_outcomes = crate::parallel::map_each((0..groups.len()).collect(), |g| {
            // A panic inside regorus costs the group's rules an error, not the run.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                // A fresh clone per group: an engine keeps the values it computed
                // until its next query overwrites them.
                let mut engine = engine.clone();
                eval_group(&mut engine, &group_rules[g], combined.then_some(g))
            }))
            .ok()
        });
        // The engine holds the input document and the evaluation's state: freed, and
        // given back to the OS, before the findings are built. Freed on another thread
        // while the findings were built on two, its pages were not reused in time and
        // the peak at 9k resources went from 80 MB to 85-88 MB in a third of the runs.
        drop(engine);
        crate::alloc::release_freed_memory();
        // Every rule gets an outcome: one whose evaluation died is an error, not absent.
        let mut by_index: Vec<Option<RuleOutcome>> = (0..applicable.len()).map(|_| None).collect();
        for (members, outcomes) in groups.iter().zip(group_outcomes) {
            for (&i, outcome) in members.iter().zip(outcomes.into_iter().flatten()) {
                if let Some(slot) = by_index.get_mut(i) {
                    *slot = Some(outcome);
                }
            }
        }
        let jobs: Vec<(RuleOutcome, &RuleMeta)> = by_index
            .into_iter()
            .map(|o| o.unwrap_or_else(|| Err("the evaluation stopped unexpectedly".to_string())))
            .zip(applicable.iter().map(|r| &r.meta))
            .collect();

        let by_address: HashMap<&str, &crate::model::Resource> = scan
            .resources
            .iter()
            .map(|r| (r.address.as_str(), r))
            .collect();
        // Each rule's findings are built on their own, on all cores: at 9k resources
        // they are ~30,000, which took ~30 ms on one thread.
        let per_rule = crate::parallel::map_each(jobs, |(outcome, meta)| {
            rule_findings(meta, outcome, scan, &by_type, &by_address)
        });

        let mut result = ScanResult {
            rules: applicable.iter().map(|r| r.meta.clone()).collect(),
            ..Default::default()
        };
        result.findings.reserve_exact(
            per_rule
                .iter()
                .map(|f| f.as_ref().map_or(0, Vec::len))
                .sum(),
        );
        for findings in per_rule {
            match findings {
                Ok(findings) => result.findings.extend(findings),
                Err(error) => result.errors.push(error),
            }
        }
        result
    }
}

/// The findings of one rule: a verdict for every resource of its types (or every
/// region), FAILED where it denies, UNKNOWN where it only cannot tell.
fn rule_findings(
    meta: &RuleMeta,
    outcome: RuleOutcome,
    scan: &Scan,
    by_type: &HashMap<&str, Vec<&crate::model::Resource>>,
    by_address: &HashMap<&str, &crate::model::Resource>,
) -> Result<Vec<Finding>, RuleError> {
    let (deny, unknown) = outcome.map_err(|message| RuleError {
        rule_id: meta.id.clone(),
        message,
    })?;
    #[derive(Default)]
    struct Verdict {
        failed: Vec<String>,
        unknown: Vec<String>,
        region: Option<String>,
    }
    let mut verdicts: BTreeMap<String, Verdict> = BTreeMap::new();
    match meta.scope {
        RuleScope::Resource => {
            for t in &meta.resource_types {
                for r in by_type.get(t.as_str()).into_iter().flatten() {
                    verdicts.entry(r.address.clone()).or_default();
                }
            }
        }
        RuleScope::Region => {
            for region in &scan.regions {
                verdicts.entry(region_address(region)).or_default().region = Some(region.clone());
            }
        }
    }
    for (failed, items) in [(true, deny), (false, unknown)] {
        for item in items {
            let v = verdicts.entry(item.address).or_default();
            let list = if failed {
                &mut v.failed
            } else {
                &mut v.unknown
            };
            if !list.contains(&item.message) {
                list.push(item.message);
            }
            if item.region.is_some() {
                v.region = item.region;
            }
        }
    }
    let findings = verdicts.into_iter().map(|(address, v)| {
        // A known violation stands even where something else is unknown.
        let (status, messages) = if !v.failed.is_empty() {
            (Status::Failed, v.failed)
        } else if !v.unknown.is_empty() {
            (Status::Unknown, v.unknown)
        } else {
            (Status::Passed, Vec::new())
        };
        let resource = by_address.get(address.as_str());
        Finding {
            rule_id: meta.id.clone(),
            severity: meta.severity,
            status,
            resource_type: resource.map(|r| r.kind.clone()).unwrap_or_default(),
            region: v.region.or_else(|| resource.and_then(|r| r.region.clone())),
            message: if messages.is_empty() && status != Status::Passed {
                meta.title.clone()
            } else {
                messages.join("; ")
            },
            location: resource.and_then(|r| r.location.clone()),
            suppression: None,
            address,
        }
    });
    Ok(findings.collect())
}

/// The pseudo-address of a region, for scan-wide rules (`lib.region_result`).
pub fn region_address(region: &str) -> String {
    format!("region/{region}")
}

struct Item {
    address: String,
    message: String,
    region: Option<String>,
}

type RuleOutcome = Result<(Vec<Item>, Vec<Item>), String>;

/// The rules (indexes into `rules`) in groups evaluated as one query each, for
/// the threads to take from a queue. Rules that read a computed library value are
/// one group, so that the library is computed once; every other rule is a group of
/// its own, since a query has no measurable fixed cost and small groups let the
/// threads finish close together. Groups are ordered costliest first, by an
/// estimate: the resources of the rules' types, plus, for the library group, every
/// resource, which its values are computed from. (At 9k resources that group is a
/// third of the rules' CPU time; started last, it kept one thread busy ~90 ms
/// after the other was done.)
fn group_rules(
    rules: &[&LoadedRule],
    by_type: &HashMap<&str, Vec<&crate::model::Resource>>,
) -> Vec<Vec<usize>> {
    let cost = |r: &LoadedRule| -> usize {
        1 + r
            .meta
            .resource_types
            .iter()
            .map(|t| by_type.get(t.as_str()).map_or(0, Vec::len))
            .sum::<usize>()
    };
    // Reading any value of the library through its import makes regorus evaluate the
    // library package whole, every computed value in it (callgrind: a rule reading
    // only lib.all_route_table_statuses also runs infracheck.sg_ingress_rules).
    let (readers, others): (Vec<usize>, Vec<usize>) =
        (0..rules.len()).partition(|&i| rules[i].reads_library_values);
    let mut groups: Vec<(usize, Vec<usize>)> = others
        .into_iter()
        .map(|i| (cost(rules[i]), vec![i]))
        .collect();
    if !readers.is_empty() {
        let all: usize = by_type.values().map(Vec::len).sum();
        let c = all + readers.iter().map(|&i| cost(rules[i])).sum::<usize>();
        groups.push((c, readers));
    }
    groups.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    groups.into_iter().map(|(_, members)| members).collect()
}

/// Evaluates a group of rules: together, through `results_<group>` of the
/// combined module when there is one, else (or when that query fails, e.g. on a
/// rule's runtime error) one at a time.
fn eval_group(
    engine: &mut Engine,
    group: &[&LoadedRule],
    combined: Option<usize>,
) -> Vec<RuleOutcome> {
    if let Some(outcomes) = combined.and_then(|g| eval_together(engine, group, g)) {
        return outcomes;
    }
    group.iter().map(|rule| eval_rule(engine, rule)).collect()
}

const COMBINED_PACKAGE: &str = "infracheck_internal_eval";

/// A module with one query per group of rules, `results_<group>`: for each rule of
/// the group, by its position, its `deny` and `unknown` sets; and `ready`, a trivial
/// rule whose evaluation prepares the engine.
fn combined_module(groups: &[Vec<&LoadedRule>]) -> String {
    let mut module = format!("package {COMBINED_PACKAGE}\n\nready := true\n");
    for (g, group) in groups.iter().enumerate() {
        let entries: Vec<String> = group
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let unknown = if r.has_unknown {
                    format!("{}.unknown", r.meta.package)
                } else {
                    "set()".to_string()
                };
                format!("\"{i}\": [{}.deny, {unknown}]", r.meta.package)
            })
            .collect();
        module.push_str(&format!(
            "\nresults_{g} := {{\n{}\n}}\n",
            entries.join(",\n")
        ));
    }
    module
}

fn eval_together(engine: &mut Engine, group: &[&LoadedRule], g: usize) -> Option<Vec<RuleOutcome>> {
    let all = engine
        .eval_rule(format!("data.{COMBINED_PACKAGE}.results_{g}"))
        .ok()?;
    let Value::Object(all) = all else { return None };
    group
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let pair = all.get(&Value::from(i.to_string()))?;
            let pair = pair.as_array().ok()?;
            let deny = items(&pair[0], &format!("{}.deny", r.meta.package));
            let unknown = items(&pair[1], &format!("{}.unknown", r.meta.package));
            Some(deny.and_then(|d| unknown.map(|u| (d, u))))
        })
        .collect()
}

fn eval_rule(engine: &mut Engine, rule: &LoadedRule) -> RuleOutcome {
    // CPU time of this thread, not wall time: a busy machine barely moves it, so the
    // per-rule figures (and the bench's scaling check built on them) stay comparable.
    let start = cpu_time::ThreadTime::now();
    let deny = eval_set(engine, &format!("{}.deny", rule.meta.package))?;
    let unknown = if rule.has_unknown {
        eval_set(engine, &format!("{}.unknown", rule.meta.package))?
    } else {
        Vec::new()
    };
    if std::env::var_os("INFRACHECK_TIMINGS").is_some() {
        eprintln!(
            "{:>8.1} ms CPU  rule {}",
            start.elapsed().as_secs_f64() * 1000.0,
            rule.meta.id
        );
    }
    Ok((deny, unknown))
}

fn eval_set(engine: &mut Engine, path: &str) -> Result<Vec<Item>, String> {
    let v = engine
        .eval_rule(path.to_string())
        .map_err(|e| one_line(&e))?;
    items(&v, path)
}

/// The findings of a `deny` or `unknown` set.
fn items(v: &Value, path: &str) -> Result<Vec<Item>, String> {
    let items: Vec<&Value> = match v {
        Value::Undefined => return Ok(Vec::new()),
        Value::Set(s) => s.iter().collect(),
        Value::Array(a) => a.iter().collect(),
        other => return Err(format!("{path} is not a set but {other}")),
    };
    items
        .into_iter()
        .map(|item| {
            let field = |k: &str| match item {
                Value::Object(o) => o.get(&Value::from(k)).cloned(),
                _ => None,
            };
            let text = |v: Option<Value>| match v {
                Some(Value::String(s)) => Some(s.to_string()),
                _ => None,
            };
            let address = text(field("address"))
                .ok_or_else(|| format!("{path}: result {item} has no string `address`"))?;
            Ok(Item {
                address,
                message: text(field("message")).unwrap_or_default(),
                region: text(field("region")),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_errors_are_one_line_with_their_place() {
        let mut engine = Engine::new();
        let bad = "package p\n\nimport rego.v1\n\nx := [1,\n";
        let e = engine.add_policy("p.rego".into(), bad.into()).unwrap_err();
        assert!(format!("{e:#}").lines().count() > 1, "regorus' own form");
        assert_eq!(
            one_line(&e),
            "p.rego:6:1: expecting `]` while parsing array"
        );
        let file = PolicyFile {
            label: "p.rego".into(),
            text: bad.into(),
        };
        let message = add_file(&mut Engine::new(), &file).unwrap_err().to_string();
        assert_eq!(
            message,
            "p.rego: line 6, column 1: expecting `]` while parsing array"
        );
        assert_eq!(
            one_line(&anyhow::anyhow!("plain\nsecond")),
            "plain",
            "an error without a place is its first line"
        );
    }

    #[test]
    fn lib_values_computed_from_the_input_are_found() {
        let lib = "package lib.x\n\nopen := {\"a\"}\nlimit := 5\nflag := true\n\
                   tiers := tier_map(resources(\"aws_subnet\"))\nrules contains e if {\n}\n\
                   helper(x) := x\nnames := {a: s.name | some a, s in tiers}\n";
        assert_eq!(computed_lib_values(lib), vec!["tiers", "rules", "names"]);
        let names = vec!["tiers".to_string(), "rules".to_string()];
        assert_eq!(
            reads_lib_values("x := lib.tiers[a]\ny := lib.rules_of(b)", &names),
            vec!["tiers"]
        );
    }

    /// A run that keeps only some of the rules reading library values (live, per
    /// account) gives their findings as a full run does.
    #[test]
    fn some_library_readers_alone_give_the_findings_of_a_full_run() {
        let set = PolicySet::load(&builtin_files(), &Settings::default()).unwrap();
        let plan = Path::new("fixtures/plans/drifted.json");
        let scan = crate::source::plan::load_plan(plan).unwrap();
        let input = crate::model::index::build_input(&scan);
        let some = ["NET-003", "SG-001"];
        let kept = |id: &str| some.contains(&id);
        let subset = set.evaluate_where(&scan, input.clone(), |r| kept(&r.id));
        let full = set.evaluate(&scan, input);
        assert!(subset.errors.is_empty() && full.errors.is_empty());
        let full: Vec<&Finding> = full.findings.iter().filter(|f| kept(&f.rule_id)).collect();
        let text =
            |f: &Finding| format!("{} {} {:?} {}", f.rule_id, f.address, f.status, f.message);
        let expected: Vec<String> = full.into_iter().map(text).collect();
        let got: Vec<String> = subset.findings.iter().map(text).collect();
        assert_eq!(got, expected);
        for id in some {
            assert!(
                got.iter()
                    .any(|f| f.starts_with(&format!("{id} ")) && f.contains(" Failed ")),
                "{id} fails somewhere in the drifted plan: {got:#?}"
            );
        }
    }

    #[test]
    fn rules_reading_library_values_are_one_query() {
        let set = PolicySet::load(&builtin_files(), &Settings::default()).unwrap();
        let rules: Vec<&LoadedRule> = set.rules.iter().collect();
        let groups = group_rules(&rules, &HashMap::new());
        let mut all: Vec<usize> = groups.iter().flatten().copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..rules.len()).collect::<Vec<_>>(), "each rule once");
        let ids = |g: &Vec<usize>| -> Vec<&str> {
            let mut v: Vec<&str> = g.iter().map(|&i| rules[i].meta.id.as_str()).collect();
            v.sort_unstable();
            v
        };
        let family = [
            "EC2-001", "NET-003", "NET-004", "SG-001", "SG-002", "SG-003",
        ];
        assert!(
            groups
                .iter()
                .any(|g| family.iter().all(|id| ids(g).contains(id))),
            "{family:?} split over {groups:?}"
        );
        // The library group comes first: it is the costliest.
        assert!(family.iter().all(|id| ids(&groups[0]).contains(id)));
        assert_eq!(groups.len(), rules.len() + 1 - groups[0].len());
    }
}
