//! A root module of one `main.tf`, in a directory each fuzz process reuses.

use std::path::Path;
use std::sync::OnceLock;

use infracheck::source::hcl::{load_hcl, HclOptions};

/// Writes `text` as the module's `main.tf` and returns the module's directory.
pub fn write(text: &str) -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    let dir = DIR
        .get_or_init(|| tempfile::tempdir().expect("a temporary directory"))
        .path();
    std::fs::write(dir.join("main.tf"), text).expect("main.tf written");
    dir
}

/// Loads the module as `infracheck hcl` does, then builds the rules' input.
pub fn load(dir: &Path) {
    if let Ok(loaded) = load_hcl(dir, &HclOptions::default()) {
        let _ = infracheck::model::index::build_input(&loaded.scan);
    }
}
