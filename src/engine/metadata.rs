//! Reads a rule's `# METADATA` block (OPA's annotation format: YAML in comments).
//! regorus parses Rego but not annotations, so infracheck reads them itself.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::findings::{RuleScope, Severity};

#[derive(Debug, Deserialize)]
struct Annotation {
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    custom: Option<Custom>,
}

#[derive(Debug, Deserialize)]
struct Custom {
    id: Option<String>,
    severity: Option<String>,
    resource_types: Option<Vec<String>>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    sources: Option<Vec<String>>,
    #[serde(default)]
    per_resource: bool,
    #[serde(default)]
    across_accounts: bool,
    #[serde(default)]
    frameworks: BTreeMap<String, Vec<String>>,
    remediation: Option<String>,
}

/// A rule's metadata, before it is tied to a package.
#[derive(Debug, Clone)]
pub struct ParsedMeta {
    pub id: String,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub resource_types: Vec<String>,
    pub scope: RuleScope,
    pub sources: Vec<String>,
    pub per_resource: bool,
    pub across_accounts: bool,
    pub frameworks: BTreeMap<String, Vec<String>>,
    pub remediation: String,
}

/// The sources a rule can run on (the catalog's Src column); all of them by default.
pub const SOURCES: [&str; 3] = ["plan", "hcl", "live"];

pub const FRAMEWORKS: [&str; 5] = [
    "pci-dss-4.0",
    "gdpr",
    "cis-aws-3.0",
    "cis-aws-1.4",
    "aws-fsbp",
];

/// The YAML text of the `# METADATA` block that precedes `package`, with its line.
pub fn metadata_block(source: &str) -> Option<(usize, String)> {
    let lines: Vec<&str> = source.lines().collect();
    let start = lines.iter().position(|l| l.trim_end() == "# METADATA")?;
    let mut yaml = String::new();
    for line in &lines[start + 1..] {
        let Some(rest) = line.strip_prefix('#') else {
            break;
        };
        yaml.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        yaml.push('\n');
    }
    Some((start + 1, yaml))
}

/// Parses and validates rule metadata; the error says what is wrong.
pub fn parse_rule_metadata(source: &str) -> Result<ParsedMeta, String> {
    let (line, yaml) = metadata_block(source).ok_or("no `# METADATA` block above `package`")?;
    let ann: Annotation = yaml_serde::from_str(&yaml)
        .map_err(|e| format!("line {line}: invalid METADATA YAML: {e}"))?;
    let custom = ann
        .custom
        .ok_or_else(|| format!("line {line}: METADATA has no `custom` section"))?;
    let missing = |field: &str| format!("line {line}: METADATA has no `{field}`");
    let id = custom.id.ok_or_else(|| missing("custom.id"))?;
    if !valid_id(&id) {
        return Err(format!(
            "line {line}: rule id {id:?} is not of the form ABC-123"
        ));
    }
    let severity: Severity = custom
        .severity
        .ok_or_else(|| missing("custom.severity"))?
        .parse()
        .map_err(|e| format!("line {line}: {e}"))?;
    let title = ann.title.ok_or_else(|| missing("title"))?;
    let resource_types = custom
        .resource_types
        .ok_or_else(|| missing("custom.resource_types"))?;
    let remediation = custom
        .remediation
        .ok_or_else(|| missing("custom.remediation"))?;
    let scope = match custom.scope.as_deref() {
        None | Some("resource") => RuleScope::Resource,
        Some("region") => RuleScope::Region,
        Some(other) => {
            return Err(format!(
                "line {line}: unknown custom.scope {other:?} (expected resource or region)"
            ))
        }
    };
    let sources = custom
        .sources
        .unwrap_or_else(|| SOURCES.iter().map(|s| s.to_string()).collect());
    if let Some(bad) = sources.iter().find(|s| !SOURCES.contains(&s.as_str())) {
        return Err(format!(
            "line {line}: unknown custom.sources entry {bad:?} (expected plan, hcl or live)"
        ));
    }
    for fw in custom.frameworks.keys() {
        if !FRAMEWORKS.contains(&fw.as_str()) {
            return Err(format!(
                "line {line}: unknown framework {fw:?} (expected one of {})",
                FRAMEWORKS.join(", ")
            ));
        }
    }
    Ok(ParsedMeta {
        id,
        title: title.trim().to_string(),
        description: ann.description.unwrap_or_default().trim().to_string(),
        severity,
        resource_types,
        scope,
        sources,
        per_resource: custom.per_resource,
        across_accounts: custom.across_accounts,
        frameworks: custom.frameworks,
        remediation: remediation.trim_end().to_string(),
    })
}

fn valid_id(id: &str) -> bool {
    let Some((prefix, num)) = id.split_once('-') else {
        return false;
    };
    !prefix.is_empty()
        && prefix
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && num.len() == 3
        && num.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "# METADATA\n# title: T\n# custom:\n#   id: S3-001\n#   severity: high\n#   resource_types: [aws_s3_bucket]\n#   frameworks:\n#     pci-dss-4.0: [\"3.5.1\"]\n#   remediation: |-\n#     fix it\npackage a.b\n";

    #[test]
    fn reads_a_complete_block() {
        let m = parse_rule_metadata(GOOD).unwrap();
        assert_eq!(m.id, "S3-001");
        assert_eq!(m.severity, Severity::High);
        assert_eq!(m.frameworks["pci-dss-4.0"], vec!["3.5.1"]);
        assert_eq!(m.remediation, "fix it");
    }

    #[test]
    fn names_what_is_wrong() {
        assert_eq!(
            parse_rule_metadata("package x\n").unwrap_err(),
            "no `# METADATA` block above `package`"
        );
        let bad = GOOD.replace("severity: high", "severity: urgent");
        assert!(parse_rule_metadata(&bad)
            .unwrap_err()
            .contains("unknown severity \"urgent\""));
        let bad = GOOD.replace("S3-001", "s3_1");
        assert!(parse_rule_metadata(&bad)
            .unwrap_err()
            .contains("not of the form"));
        let bad = GOOD.replace("#   severity: high\n", "");
        assert_eq!(
            parse_rule_metadata(&bad).unwrap_err(),
            "line 1: METADATA has no `custom.severity`"
        );
    }
}
