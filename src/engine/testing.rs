//! `infracheck policies test`: runs every `test_*` rule of every `*_test.rego`.

use super::{add_file, new_engine, PolicyError, PolicyFile};
use crate::config::Settings;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutcome {
    /// `data.aws.s3.bucket_encryption_test.test_unencrypted_bucket_fails`
    pub name: String,
    pub file: String,
    /// `None` when it passed; otherwise why it failed.
    pub failure: Option<String>,
}

/// The names of the `test_*` rules a file defines (rule heads start a line).
fn test_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in text.lines() {
        let Some(l) = line.strip_prefix("test_") else {
            continue;
        };
        let end = l
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(l.len());
        let name = format!("test_{}", &l[..end]);
        // A rule with several bodies is one test.
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// Loads all files (rules, libraries and tests) and runs the tests.
pub fn run_tests(
    files: &[PolicyFile],
    settings: &Settings,
) -> Result<Vec<TestOutcome>, PolicyError> {
    let mut engine = new_engine(settings)?;
    let mut tests = Vec::new();
    for f in files {
        let package = add_file(&mut engine, f)?;
        if f.is_test() {
            for name in test_names(&f.text) {
                tests.push((format!("{package}.{name}"), f.label.clone()));
            }
        }
    }
    engine.set_input(regorus::Value::new_object());
    let mut out = Vec::new();
    for (name, file) in tests {
        let failure = match engine.eval_rule(name.clone()) {
            Ok(v) if v == regorus::Value::from(true) => None,
            Ok(regorus::Value::Undefined) => {
                Some("undefined (a condition did not hold)".to_string())
            }
            Ok(v) => Some(format!("returned {v}")),
            Err(e) => Some(super::one_line(&e)),
        };
        out.push(TestOutcome {
            name,
            file,
            failure,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_test_rule_heads() {
        let text = "package a_test\ntest_one if {\n}\ntest_two if true\n  test_not_a_head if true\ntest_one if { false }\n";
        assert_eq!(test_names(text), vec!["test_one", "test_two"]);
    }
}
