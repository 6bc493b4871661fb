//! Every plan of the shared corpus loads, with the resource counts its file implies.

use std::path::{Path, PathBuf};

use infracheck::model::Scan;
use infracheck::source::plan::load_plan;
use serde_json::Value;

const CORPUS: &str = "../shared/corpus/plans";

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .expect("the shared corpus is beside the repository")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// (managed, data) instance counts, computed straight from the JSON.
fn expected_counts(doc: &Value) -> (usize, usize) {
    if let Some(changes) = doc["resource_changes"].as_array() {
        let live = changes.iter().filter(|rc| {
            let actions: Vec<&str> = rc["change"]["actions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap())
                .collect();
            let deleted = (actions.contains(&"delete") && !actions.contains(&"create"))
                || actions.contains(&"forget");
            rc.get("deposed").is_none() && !deleted
        });
        let (data, managed): (Vec<_>, Vec<_>) = live.partition(|rc| rc["mode"] == "data");
        (managed.len(), data.len())
    } else {
        fn walk(m: &Value, counts: &mut (usize, usize)) {
            for r in m["resources"].as_array().into_iter().flatten() {
                if r["mode"] == "data" {
                    counts.1 += 1
                } else {
                    counts.0 += 1
                }
            }
            for c in m["child_modules"].as_array().into_iter().flatten() {
                walk(c, counts);
            }
        }
        let mut counts = (0, 0);
        walk(&doc["planned_values"]["root_module"], &mut counts);
        counts
    }
}

#[test]
fn every_corpus_plan_loads_with_the_right_counts() {
    let files = corpus_files();
    assert_eq!(files.len(), 55, "the corpus MANIFEST lists 55 plans");
    for path in files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let scan = load_plan(&path).unwrap_or_else(|e| panic!("{e}"));
        let (managed, data) = expected_counts(&doc);
        assert_eq!(
            scan.resources.len(),
            managed,
            "managed resources of {}",
            path.display()
        );
        assert_eq!(
            scan.data_sources.len(),
            data,
            "data sources of {}",
            path.display()
        );
        for r in &scan.resources {
            assert!(
                r.action.is_some() || doc["resource_changes"].is_null(),
                "{}",
                r.address
            );
        }
    }
}

fn load(name: &str) -> Scan {
    load_plan(&Path::new(CORPUS).join(name)).unwrap()
}

fn refs<'a>(scan: &'a Scan, address: &str, attr: &str) -> Vec<&'a str> {
    let r = scan
        .resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("no {address}"));
    r.references
        .get(attr)
        .map(|v| v.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn references_resolve_through_nested_modules_and_count() {
    let scan = load("bridgecrewio__checkov__nested-child-modules-with-connections.json");
    assert_eq!(
        refs(&scan, "aws_s3_bucket_public_access_block.root", "bucket"),
        vec!["aws_s3_bucket.root_bucket"]
    );
    assert_eq!(
        refs(&scan, "module.s3_module.module.s3_submodule.aws_s3_bucket_public_access_block.submodule_bucket", "bucket"),
        vec!["module.s3_module.module.s3_submodule.aws_s3_bucket.submodule_bucket"]
    );
    // `local.attach_policy ? aws_s3_bucket_policy.this[0].id : aws_s3_bucket.this[0].id`
    assert_eq!(
        refs(
            &scan,
            "module.s3_bucket.aws_s3_bucket_public_access_block.this[0]",
            "bucket"
        ),
        vec!["module.s3_bucket.aws_s3_bucket.this[0]"]
    );
    assert_eq!(scan.regions, vec!["us-west-2"]);
}

#[test]
fn regions_follow_provider_aliases() {
    let scan = load("cycloidio__terracost__provider-alias-sensitive-tf0.15.json");
    let regions: Vec<(String, Option<String>)> = scan
        .resources
        .iter()
        .map(|r| (r.address.clone(), r.region.clone()))
        .collect();
    assert!(
        regions
            .iter()
            .any(|(_, r)| r.as_deref() == Some("eu-west-3")),
        "{regions:?}"
    );
    assert!(
        regions
            .iter()
            .any(|(_, r)| r.as_deref() == Some("eu-west-1")),
        "{regions:?}"
    );
}

#[test]
fn deleted_resources_are_not_evaluated() {
    assert!(load("snyk__cli__destroy.json").resources.is_empty());
    let scan = load("snyk__policy-engine__resource-changes-all-actions.json");
    assert_eq!(scan.resources.len(), 3);
}
