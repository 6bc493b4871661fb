//! docs/rules.md is generated from the rules' metadata and must not go stale.

use infracheck::config::Settings;
use infracheck::engine::{builtin_files, PolicySet};
use infracheck::report::rule_docs;

#[test]
fn rule_docs_are_up_to_date() {
    let policies = PolicySet::load(&builtin_files(), &Settings::default()).unwrap();
    let rules: Vec<_> = policies.rules().cloned().collect();
    let generated = rule_docs::render(&rules);
    let committed = std::fs::read_to_string("docs/rules.md").unwrap_or_default();
    assert!(
        generated == committed,
        "docs/rules.md is stale: run `cargo run -- policies docs -o docs/rules.md`"
    );
}
