//! Reads the `.tf` files of one module directory into blocks and attributes that
//! remember where they are (file and line), parsed by hcl-rs (hcl-edit keeps the spans).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hcl::edit::structure as es;
use hcl::edit::Span;
use hcl::Expression;

use super::{overrides, HclError};

/// An attribute: `name = expr`, at `line` of file `file` (an index into [`Files`]:
/// an override file's attributes merge into blocks of other files).
#[derive(Debug, Clone)]
pub struct Attr {
    pub name: String,
    pub expr: Expression,
    pub file: usize,
    pub line: usize,
}

/// A block with its labels, body and line range.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    pub body: Body,
    pub file: usize,
    pub line: usize,
    pub end_line: usize,
}

/// A block body, in source order.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub attrs: Vec<Attr>,
    pub blocks: Vec<Block>,
}

impl Body {
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }

    pub fn blocks_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }
}

/// Line starts of a text, to turn byte offsets into 1-based lines.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines(starts)
    }

    fn line(&self, offset: usize) -> usize {
        match self.0.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

/// Parses one `.tf` file (`file` is its index in the scan's file list, for locations).
pub fn parse_file(text: &str, file: usize, display: &str) -> Result<Body, HclError> {
    let body: es::Body = hcl::edit::parser::parse_body(text).map_err(|e| {
        let loc = e.location();
        HclError::new(
            display,
            loc.line(),
            format!(
                "syntax error at column {}: {}",
                loc.column(),
                first_line(e.message())
            ),
        )
    })?;
    let lines = Lines::new(text);
    Ok(convert_body(body, file, &lines))
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_string()
}

fn convert_body(body: es::Body, file: usize, lines: &Lines) -> Body {
    let mut out = Body::default();
    for structure in body {
        match structure {
            es::Structure::Attribute(a) => {
                let line = a.span().map(|s| lines.line(s.start)).unwrap_or(0);
                out.attrs.push(Attr {
                    name: a.key.as_str().to_string(),
                    expr: super::rewrite::prepare(a.value.into()),
                    file,
                    line,
                });
            }
            es::Structure::Block(b) => {
                let (line, end_line) = b
                    .span()
                    .map(|s| (lines.line(s.start), lines.line(s.end.saturating_sub(1))))
                    .unwrap_or((0, 0));
                let labels = b
                    .labels
                    .iter()
                    .map(|l| match l {
                        es::BlockLabel::Ident(i) => i.as_str().to_string(),
                        es::BlockLabel::String(s) => s.as_str().to_string(),
                    })
                    .collect();
                out.blocks.push(Block {
                    kind: b.ident.as_str().to_string(),
                    labels,
                    body: convert_body(b.body, file, lines),
                    file,
                    line,
                    end_line,
                });
            }
        }
    }
    out
}

/// A `resource` or `data` block.
#[derive(Debug, Clone)]
pub struct ResourceDef {
    pub data: bool,
    pub kind: String,
    pub name: String,
    pub block: Block,
}

impl ResourceDef {
    /// `type.name` or `data.type.name`.
    pub fn config_address(&self) -> String {
        if self.data {
            format!("data.{}.{}", self.kind, self.name)
        } else {
            format!("{}.{}", self.kind, self.name)
        }
    }
}

/// One module directory: every top-level block of its `.tf` files.
#[derive(Debug, Default)]
pub struct ModuleDef {
    pub dir: PathBuf,
    pub variables: BTreeMap<String, Block>,
    pub locals: BTreeMap<String, Attr>,
    pub outputs: BTreeMap<String, Block>,
    pub resources: Vec<ResourceDef>,
    pub module_calls: Vec<Block>,
    pub providers: Vec<Block>,
    /// `terraform { backend "x" {...} }` or `terraform { cloud {...} }`.
    pub backend: Option<Block>,
    /// The JSON configuration files of the directory (`.tf.json`, `.tofu.json`),
    /// which are not read.
    pub unread: Vec<String>,
}

/// Every file the scan read, by index; their display paths name them in errors.
#[derive(Debug, Default)]
pub struct Files {
    pub paths: Vec<String>,
}

impl Files {
    pub fn display(&self, file: usize) -> &str {
        self.paths.get(file).map(String::as_str).unwrap_or("?")
    }
}

/// The display form of a path: `./` components dropped, `a/../b` kept as written.
pub fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    let mut parts: Vec<&str> = Vec::new();
    for part in s.split('/') {
        match part {
            "." => {}
            "" if !parts.is_empty() => {}
            ".." if parts.last().is_some_and(|l| *l != ".." && !l.is_empty()) => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// Reads every `*.tf` (and OpenTofu `*.tofu`) file of `dir`, sorted by name, then
/// its override files, registering them in `files`.
/// `at` names the place that asked for the directory (a module call), for errors.
pub fn load_module(
    dir: &Path,
    files: &mut Files,
    at: Option<(&str, usize)>,
) -> Result<ModuleDef, HclError> {
    let shown = display_path(dir);
    let missing = |why: String| match at {
        Some((file, line)) => HclError::new(file, line, why),
        None => HclError::new(&shown, 0, why),
    };
    let entries = std::fs::read_dir(dir).map_err(|e| {
        missing(format!(
            "module directory {shown} cannot be read: {}",
            io_reason(&e)
        ))
    })?;
    let paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    let named = |suffix: &str| {
        let mut v: Vec<PathBuf> = paths
            .iter()
            .filter(|p| p.to_string_lossy().ends_with(suffix))
            .cloned()
            .collect();
        v.sort();
        v
    };
    // OpenTofu's `x.tofu` is read instead of a `x.tf` beside it.
    let tofu = named(".tofu");
    let mut names: Vec<PathBuf> = named(".tf")
        .into_iter()
        .filter(|p| !tofu.contains(&p.with_extension("tofu")))
        .chain(tofu.iter().cloned())
        .collect();
    names.sort();
    let mut unread: Vec<PathBuf> = named(".tf.json");
    unread.extend(named(".tofu.json"));
    unread.sort();
    let unread: Vec<String> = unread.iter().map(|p| display_path(p)).collect();
    if names.is_empty() {
        return Err(missing(if unread.is_empty() {
            format!("no .tf files in {shown}")
        } else {
            format!("no .tf files in {shown}, only JSON configuration files (.tf.json), which infracheck does not read")
        }));
    }
    let mut module = ModuleDef {
        dir: dir.to_path_buf(),
        unread,
        ..Default::default()
    };
    // Override files after all the others, in name order, as Terraform reads them.
    let (overrides, names): (Vec<PathBuf>, Vec<PathBuf>) =
        names.into_iter().partition(|p| overrides::is_override(p));
    for (path, is_override) in names
        .into_iter()
        .map(|p| (p, false))
        .chain(overrides.into_iter().map(|p| (p, true)))
    {
        let display = display_path(&path);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| HclError::new(&display, 0, format!("cannot read: {}", io_reason(&e))))?;
        let file = files.paths.len();
        files.paths.push(display.clone());
        let body = parse_file(&text, file, &display)?;
        if is_override {
            overrides::apply(&mut module, body, &display)?;
        } else {
            add_file(&mut module, body, &display, files)?;
        }
    }
    Ok(module)
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such directory".to_string(),
        _ => e.to_string(),
    }
}

fn label<'a>(b: &'a Block, i: usize, display: &str, what: &str) -> Result<&'a str, HclError> {
    b.labels
        .get(i)
        .map(String::as_str)
        .ok_or_else(|| HclError::new(display, b.line, format!("{} block needs {what}", b.kind)))
}

/// Where an earlier declaration is, seen from file `current`: `line 3`, or
/// `other.tf:3` in another file.
fn earlier(files: &Files, file: usize, line: usize, current: &str) -> String {
    match files.display(file) {
        shown if shown == current => format!("line {line}"),
        shown => format!("{shown}:{line}"),
    }
}

fn add_file(m: &mut ModuleDef, body: Body, display: &str, files: &Files) -> Result<(), HclError> {
    let duplicate = |what: String, line: usize, prev_file: usize, prev_line: usize| {
        HclError::new(
            display,
            line,
            format!(
                "duplicate {what} (first declared at {})",
                earlier(files, prev_file, prev_line, display)
            ),
        )
    };
    for b in body.blocks {
        match b.kind.as_str() {
            "variable" => {
                let name = label(&b, 0, display, "a name")?.to_string();
                if let Some(prev) = m.variables.get(&name) {
                    let what = format!("variable \"{name}\"");
                    return Err(duplicate(what, b.line, prev.file, prev.line));
                }
                m.variables.insert(name, b);
            }
            "output" => {
                let name = label(&b, 0, display, "a name")?.to_string();
                if let Some(prev) = m.outputs.get(&name) {
                    let what = format!("output \"{name}\"");
                    return Err(duplicate(what, b.line, prev.file, prev.line));
                }
                m.outputs.insert(name, b);
            }
            "locals" => {
                for a in b.body.attrs {
                    if let Some(prev) = m.locals.get(&a.name) {
                        let what = format!("local value \"{}\"", a.name);
                        return Err(duplicate(what, a.line, prev.file, prev.line));
                    }
                    m.locals.insert(a.name.clone(), a);
                }
            }
            "resource" | "data" => {
                let kind = label(&b, 0, display, "a type and a name")?.to_string();
                let name = label(&b, 1, display, "a type and a name")?.to_string();
                let data = b.kind == "data";
                if let Some(prev) = m
                    .resources
                    .iter()
                    .find(|r| r.data == data && r.kind == kind && r.name == name)
                {
                    let what = format!("{} \"{kind}\" \"{name}\"", b.kind);
                    return Err(duplicate(what, b.line, prev.block.file, prev.block.line));
                }
                m.resources.push(ResourceDef {
                    data,
                    kind,
                    name,
                    block: b,
                });
            }
            "module" => {
                let name = label(&b, 0, display, "a name")?;
                if let Some(prev) = m.module_calls.iter().find(|c| c.labels[0] == name) {
                    let what = format!("module \"{name}\"");
                    return Err(duplicate(what, b.line, prev.file, prev.line));
                }
                m.module_calls.push(b);
            }
            "provider" => {
                let name = label(&b, 0, display, "a name")?;
                let alias = overrides::alias_of(&b);
                if let Some(prev) = m
                    .providers
                    .iter()
                    .find(|p| p.labels[0] == name && overrides::alias_of(p) == alias)
                {
                    let what = match alias {
                        Some(a) => format!("provider \"{name}\" with alias \"{a}\""),
                        None => format!("provider \"{name}\""),
                    };
                    return Err(duplicate(what, b.line, prev.file, prev.line));
                }
                m.providers.push(b);
            }
            "terraform" => {
                for inner in b.body.blocks {
                    match inner.kind.as_str() {
                        "backend" | "cloud" => m.backend = Some(inner),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_attributes_carry_lines() {
        let text = "# c\nresource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n\n  tags = {\n    A = 1\n  }\n}\n";
        let body = parse_file(text, 0, "main.tf").unwrap();
        let b = &body.blocks[0];
        assert_eq!((b.line, b.end_line), (2, 8));
        assert_eq!(b.labels, vec!["aws_vpc", "main"]);
        assert_eq!(b.body.attr("cidr_block").unwrap().line, 3);
        assert_eq!(b.body.attr("tags").unwrap().line, 5);
    }

    #[test]
    fn syntax_errors_name_file_and_line() {
        let err = parse_file("a = 1\nb = = 2\n", 0, "x.tf").unwrap_err();
        assert_eq!(err.file, "x.tf");
        assert_eq!(err.line, 2);
        assert!(err.message.starts_with("syntax error"), "{}", err.message);
    }

    #[test]
    fn display_paths_drop_dot_components() {
        assert_eq!(display_path(Path::new("./a/./b/../c.tf")), "a/c.tf");
        assert_eq!(display_path(Path::new("a/modules/../x")), "a/x");
        assert_eq!(display_path(Path::new("/abs/x")), "/abs/x");
    }
}
