//! Override files (`override.tf`, `*_override.tf`): read after the other files of
//! their module, each top-level block merged into the block it names, as Terraform
//! does (language/files/override):
//!
//! - an attribute replaces the attribute of the same name;
//! - nested blocks of a kind (static or `dynamic`) replace all blocks of that kind,
//!   except a resource's `lifecycle`, which merges attribute by attribute;
//! - `locals` override value by value; a `terraform` block's `backend` or `cloud`
//!   replaces the module's.
//!
//! A block that overrides nothing, or a `depends_on` in an overriding resource,
//! data or output block, is an error, as in Terraform.

use std::path::Path;

use super::eval::literal_string;
use super::parse::{Block, Body, ModuleDef};
use super::HclError;

/// Whether `path` is an override file.
pub fn is_override(path: &Path) -> bool {
    path.file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|s| s == "override" || s.ends_with("_override"))
}

/// Merges the top-level blocks of an override file into `module`.
pub fn apply(module: &mut ModuleDef, body: Body, display: &str) -> Result<(), HclError> {
    for over in body.blocks {
        let missing = |what: String| {
            HclError::new(
                display,
                over.line,
                format!("{what} to override is not declared in the module's other files"),
            )
        };
        let name = over.labels.first().cloned().unwrap_or_default();
        if matches!(over.kind.as_str(), "resource" | "data" | "output") {
            if let Some(a) = over.body.attr("depends_on") {
                return Err(HclError::new(
                    display,
                    a.line,
                    format!("depends_on cannot be overridden: Terraform refuses it in an override {} block", over.kind),
                ));
            }
        }
        match over.kind.as_str() {
            "variable" => match module.variables.get_mut(&name) {
                Some(base) => merge(base, over, false),
                None => return Err(missing(format!("variable \"{name}\""))),
            },
            "output" => match module.outputs.get_mut(&name) {
                Some(base) => merge(base, over, false),
                None => return Err(missing(format!("output \"{name}\""))),
            },
            "locals" => {
                for a in over.body.attrs {
                    match module.locals.get_mut(&a.name) {
                        Some(base) => *base = a,
                        None => {
                            return Err(HclError::new(
                                display,
                                a.line,
                                format!(
                                    "local value \"{}\" to override is not defined in the module's other files",
                                    a.name
                                ),
                            ))
                        }
                    }
                }
            }
            "resource" | "data" => {
                let kind = name;
                let rname = over.labels.get(1).cloned().unwrap_or_default();
                let data = over.kind == "data";
                match module
                    .resources
                    .iter_mut()
                    .find(|r| r.data == data && r.kind == kind && r.name == rname)
                {
                    Some(base) => merge(&mut base.block, over, true),
                    None => return Err(missing(format!("{} \"{kind}\" \"{rname}\"", over.kind))),
                }
            }
            "module" => match module
                .module_calls
                .iter_mut()
                .find(|c| c.labels.first() == Some(&name))
            {
                Some(base) => merge(base, over, false),
                None => return Err(missing(format!("module \"{name}\""))),
            },
            "provider" => {
                let alias = alias_of(&over);
                match module
                    .providers
                    .iter_mut()
                    .find(|p| p.labels.first() == Some(&name) && alias_of(p) == alias)
                {
                    Some(base) => merge(base, over, false),
                    None => {
                        let what = match alias {
                            Some(a) => format!("provider \"{name}\" with alias \"{a}\""),
                            None => format!("provider \"{name}\""),
                        };
                        return Err(missing(what));
                    }
                }
            }
            "terraform" => {
                for inner in over.body.blocks {
                    if matches!(inner.kind.as_str(), "backend" | "cloud") {
                        module.backend = Some(inner);
                    }
                }
            }
            // Not read from the other files either.
            _ => {}
        }
    }
    Ok(())
}

/// A provider block's `alias`, when written as a literal.
pub(super) fn alias_of(provider: &Block) -> Option<String> {
    provider
        .body
        .attr("alias")
        .and_then(|a| literal_string(&a.expr))
}

/// The kind a nested block stands for: `dynamic "ingress"` stands for `ingress`.
fn nested_kind(b: &Block) -> &str {
    if b.kind == "dynamic" {
        b.labels.first().map(String::as_str).unwrap_or("")
    } else {
        &b.kind
    }
}

/// Merges `over` into `base`; `resource`: `base` is a resource or data block, whose
/// `lifecycle` merges attribute by attribute. `base` keeps its place in the sources.
fn merge(base: &mut Block, over: Block, resource: bool) {
    for a in over.body.attrs {
        match base.body.attrs.iter_mut().find(|b| b.name == a.name) {
            Some(slot) => *slot = a,
            None => base.body.attrs.push(a),
        }
    }
    let mut kinds: Vec<String> = Vec::new();
    for b in &over.body.blocks {
        let kind = nested_kind(b).to_string();
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    let mut incoming = over.body.blocks;
    for kind in kinds {
        let (of_kind, rest): (Vec<Block>, Vec<Block>) =
            incoming.into_iter().partition(|b| nested_kind(b) == kind);
        incoming = rest;
        if resource && kind == "lifecycle" {
            if let Some(lifecycle) = base.body.blocks.iter_mut().find(|b| b.kind == "lifecycle") {
                for over_lifecycle in of_kind {
                    merge(lifecycle, over_lifecycle, false);
                }
                continue;
            }
        }
        base.body.blocks.retain(|b| nested_kind(b) != kind);
        base.body.blocks.extend(of_kind);
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse_file;
    use super::*;

    fn block(text: &str) -> Block {
        parse_file(text, 0, "x.tf").unwrap().blocks.remove(0)
    }

    fn attr_names(b: &Block) -> Vec<&str> {
        b.body.attrs.iter().map(|a| a.name.as_str()).collect()
    }

    #[test]
    fn a_resource_lifecycle_merges_by_argument_other_blocks_are_replaced() {
        let mut base = block(
            "resource \"t\" \"n\" {\n  a = 1\n  lifecycle {\n    ignore_changes = [a]\n  }\n  provisioner \"local-exec\" {\n    command = \"x\"\n  }\n  provisioner \"local-exec\" {\n    command = \"y\"\n  }\n}\n",
        );
        let over = block(
            "resource \"t\" \"n\" {\n  b = 2\n  lifecycle {\n    create_before_destroy = true\n  }\n  provisioner \"remote-exec\" {\n    inline = []\n  }\n}\n",
        );
        merge(&mut base, over, true);
        assert_eq!(attr_names(&base), ["a", "b"]);
        let lifecycle: Vec<&Block> = base.body.blocks_of("lifecycle").collect();
        assert_eq!(lifecycle.len(), 1);
        assert_eq!(
            attr_names(lifecycle[0]),
            ["ignore_changes", "create_before_destroy"]
        );
        let provisioners: Vec<&str> = base
            .body
            .blocks_of("provisioner")
            .map(|b| b.labels[0].as_str())
            .collect();
        assert_eq!(provisioners, ["remote-exec"]);
        // The merged block stays where it was written.
        assert_eq!((base.line, base.end_line), (1, 12));
    }

    #[test]
    fn outside_resources_a_lifecycle_is_a_block_like_any_other() {
        let mut base = block("module \"m\" {\n  lifecycle {\n    a = 1\n  }\n}\n");
        let over = block("module \"m\" {\n  lifecycle {\n    b = 1\n  }\n}\n");
        merge(&mut base, over, false);
        let lifecycle: Vec<&Block> = base.body.blocks_of("lifecycle").collect();
        assert_eq!(attr_names(lifecycle[0]), ["b"]);
    }

    #[test]
    fn override_files_are_named_override_or_end_in_it() {
        for name in ["override.tf", "dev_override.tf", "a/b/x_override.tf"] {
            assert!(is_override(Path::new(name)), "{name}");
        }
        for name in ["main.tf", "overrides.tf", "override_x.tf", "myoverride.tf"] {
            assert!(!is_override(Path::new(name)), "{name}");
        }
    }
}
