//! docs/rules.md is generated from the rules' metadata and must not go stale;
//! docs/configuration.md must show the defaults the code has.

use infracheck::config::{Config, Settings};
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

#[test]
fn configuration_docs_show_the_defaults() {
    let page = std::fs::read_to_string("docs/configuration.md").unwrap();
    let example = page
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/configuration.md has a ```toml example");
    let documented = Config::parse(example, std::path::Path::new("docs/configuration.md"))
        .unwrap()
        .settings;
    assert_eq!(
        serde_json::to_value(&documented).unwrap(),
        serde_json::to_value(Settings::default()).unwrap(),
        "the example in docs/configuration.md is not the defaults"
    );
    // Every setting is in the example, and every one but a true/false switch in
    // the table of checked values.
    let defaults = serde_json::to_value(Settings::default()).unwrap();
    for (key, value) in defaults.as_object().unwrap() {
        assert!(
            example.contains(&format!("\n{key} = ")),
            "{key} is not in the example"
        );
        assert!(
            value.is_boolean()
                || page.contains(&format!("| `{key}`"))
                || page.contains(&format!(", `{key}`")),
            "{key} is not in the table of checked values"
        );
    }
}
