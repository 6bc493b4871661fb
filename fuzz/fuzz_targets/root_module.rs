//! A root module of a `main.tf` and, after a `#override` line, an `override.tf`, in
//! a directory each fuzz process reuses.

use std::path::Path;
use std::sync::OnceLock;

use infracheck::source::hcl::{load_hcl, HclOptions};

/// Writes `text` as the module's `main.tf`, the part after a `#override` line as its
/// `override.tf`, and returns the module's directory.
pub fn write(text: &str) -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR
        .get_or_init(|| tempfile::tempdir().expect("a temporary directory"))
        .path();
    let (main, over) = match text.split_once("\n#override\n") {
        Some((main, over)) => (main, Some(over)),
        None => (text, None),
    };
    std::fs::write(dir.join("main.tf"), main).expect("main.tf written");
    let override_tf = dir.join("override.tf");
    match over {
        Some(over) => std::fs::write(override_tf, over).expect("override.tf written"),
        None => {
            let _ = std::fs::remove_file(override_tf);
        }
    }
    dir
}

/// Loads the module as `infracheck hcl` does, then builds the rules' input.
pub fn load(dir: &Path) {
    if let Ok(loaded) = load_hcl(dir, &HclOptions::default()) {
        let _ = infracheck::model::index::build_input(&loaded.scan);
    }
}
