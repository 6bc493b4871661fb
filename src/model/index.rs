//! Builds the Rego `input` document: resources plus the indexes rules join through.

use std::collections::{BTreeMap, BTreeSet};

use foldhash::{HashMap, HashMapExt};

use regorus::Value;

use super::{Resource, Scan};

fn s(v: &str) -> Value {
    Value::from(v)
}

fn string_array<'a>(items: impl IntoIterator<Item = &'a String>) -> Value {
    Value::from(items.into_iter().map(|x| s(x)).collect::<Vec<_>>())
}

/// Adds references found in known values: an attribute whose value is another
/// resource's `id` or `arn` refers to it. This is how live data is joined, and it
/// also joins plan resources that already exist. Names are ids only within a region
/// (two regions may each have an Auto Scaling group `app`): when several resources
/// have the value, the one in the referring resource's region is taken, else the
/// first.
pub fn add_value_references(scan: &mut Scan) {
    let mut ids: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in scan.resources.iter().enumerate() {
        for key in ["id", "arn"] {
            if let Some(Value::String(v)) = object_get(&r.values, key) {
                if !v.is_empty() {
                    let list = ids.entry(v.to_string()).or_default();
                    if !list.contains(&i) {
                        list.push(i);
                    }
                }
            }
        }
    }
    if ids.is_empty() {
        return;
    }
    let addresses: Vec<String> = scan.resources.iter().map(|r| r.address.clone()).collect();
    let regions: Vec<Option<String>> = scan.resources.iter().map(|r| r.region.clone()).collect();
    for (i, r) in scan.resources.iter_mut().enumerate() {
        let mut found: Vec<(String, usize)> = Vec::new();
        let mut path = String::new();
        let pick = |candidates: &[usize]| {
            candidates
                .iter()
                .copied()
                .find(|&c| regions[c].is_some() && regions[c] == regions[i])
                .unwrap_or(candidates[0])
        };
        collect_id_matches(&r.values, &mut path, &ids, &pick, &mut found, true);
        for (p, target) in found {
            if target == i {
                continue;
            }
            let list = r.references.entry(p).or_default();
            if !list.contains(&addresses[target]) {
                list.push(addresses[target].clone());
                list.sort();
            }
        }
    }
}

fn object_get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    match v {
        Value::Object(o) => o.get(&Value::from(key)),
        _ => None,
    }
}

fn collect_id_matches(
    v: &Value,
    path: &mut String,
    ids: &HashMap<String, Vec<usize>>,
    pick: &dyn Fn(&[usize]) -> usize,
    found: &mut Vec<(String, usize)>,
    top: bool,
) {
    match v {
        Value::String(x) => {
            if let Some(candidates) = ids.get(x.as_ref()) {
                found.push((path.clone(), pick(candidates)));
            }
        }
        Value::Array(items) => {
            let len = path.len();
            for (i, item) in items.iter().enumerate() {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&i.to_string());
                collect_id_matches(item, path, ids, pick, found, false);
                path.truncate(len);
            }
        }
        Value::Object(o) => {
            let len = path.len();
            for (k, item) in o.iter() {
                let Value::String(k) = k else { continue };
                // A resource's own identity is not a reference to anything.
                if top && (k.as_ref() == "id" || k.as_ref() == "arn") {
                    continue;
                }
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                collect_id_matches(item, path, ids, pick, found, false);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Rego strings made once and shared: field names, and the types, regions,
/// providers, modules and attribute paths that repeat across resources. Each
/// `Value::from(&str)` is an allocation; a 9k-resource input made some 300,000 of
/// them, most alike.
#[derive(Default)]
struct SharedStrings<'a> {
    values: HashMap<&'a str, Value>,
    modules: HashMap<&'a super::ModulePath, Value>,
}

impl<'a> SharedStrings<'a> {
    fn get(&mut self, text: &'a str) -> Value {
        self.values
            .entry(text)
            .or_insert_with(|| Value::from(text))
            .clone()
    }

    fn get_module(&mut self, module: &'a super::ModulePath) -> Value {
        self.modules
            .entry(module)
            .or_insert_with(|| Value::from(module.to_string()))
            .clone()
    }

    fn get_opt(&mut self, text: &'a Option<String>) -> Value {
        match text {
            Some(x) => self.get(x),
            None => Value::Null,
        }
    }
}

/// The Rego value of one resource, and its address as a Rego string.
fn resource_value<'a>(r: &'a Resource, shared: &mut SharedStrings<'a>) -> (Value, Value) {
    let address = s(&r.address);
    let mut m: BTreeMap<Value, Value> = BTreeMap::new();
    m.insert(shared.get("address"), address.clone());
    m.insert(shared.get("type"), shared.get(&r.kind));
    m.insert(shared.get("name"), shared.get(&r.name));
    m.insert(
        shared.get("mode"),
        shared.get(match r.mode {
            super::Mode::Managed => "managed",
            super::Mode::Data => "data",
        }),
    );
    m.insert(shared.get("module"), shared.get_module(&r.module));
    m.insert(
        shared.get("index"),
        match &r.index {
            Some(super::InstanceKey::Int(i)) => Value::from(*i),
            Some(super::InstanceKey::Str(k)) => s(k),
            None => Value::Null,
        },
    );
    m.insert(shared.get("provider"), shared.get(&r.provider));
    m.insert(shared.get("region"), shared.get_opt(&r.region));
    m.insert(shared.get("account"), shared.get_opt(&r.account));
    m.insert(
        shared.get("action"),
        r.action
            .map(|a| shared.get(a.as_str()))
            .unwrap_or(Value::Null),
    );
    m.insert(shared.get("values"), r.values.clone());
    let unknown: BTreeMap<Value, Value> = r
        .unknown
        .iter()
        .map(|p| (shared.get(p), Value::from(true)))
        .collect();
    m.insert(shared.get("unknown"), Value::from(unknown));
    let refs: BTreeMap<Value, Value> = r
        .references
        .iter()
        .map(|(p, t)| {
            let targets: Vec<Value> = t.iter().map(|a| shared.get(a)).collect();
            (shared.get(p), Value::from(targets))
        })
        .collect();
    m.insert(shared.get("references"), Value::from(refs));
    let unresolved: BTreeMap<Value, Value> = r
        .unresolved
        .iter()
        .map(|p| (shared.get(p), Value::from(true)))
        .collect();
    m.insert(shared.get("unresolved"), Value::from(unresolved));
    if let Some(loc) = &r.location {
        m.insert(shared.get("file"), shared.get(&loc.file));
        m.insert(shared.get("line"), Value::from(loc.line as u64));
    }
    (address, Value::from(m))
}

/// The whole `input` document for the policy engine.
pub fn build_input(scan: &Scan) -> Value {
    // Gathered unsorted, and sorted once when they become Rego objects: inserting
    // into ordered maps compared long addresses ~14 times per entry.
    let mut resources: Vec<(Value, Value)> = Vec::with_capacity(scan.resources.len());
    let mut by_type: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    let mut referrers: HashMap<&str, BTreeMap<&str, BTreeSet<&str>>> = HashMap::new();
    let mut unresolved: BTreeMap<&str, Vec<Value>> = BTreeMap::new();

    // The resources' values are built on all cores; the indexes over them here.
    let values = crate::parallel::map_chunks(&scan.resources, 1000, |chunk| {
        let mut shared = SharedStrings::default();
        chunk
            .iter()
            .map(|r| resource_value(r, &mut shared))
            .collect::<Vec<_>>()
    });
    // Each address as one Rego string, however many indexes list it.
    let mut addresses: HashMap<&str, Value> = HashMap::with_capacity(scan.resources.len());
    for (r, (address, v)) in scan.resources.iter().zip(values.into_iter().flatten()) {
        addresses.insert(&r.address, address.clone());
        resources.push((address, v.clone()));
        by_type.entry(&r.kind).or_default().push(v);
        for targets in r.references.values() {
            for t in targets {
                referrers
                    .entry(t)
                    .or_default()
                    .entry(&r.kind)
                    .or_default()
                    .insert(&r.address);
            }
        }
        if !r.unresolved.is_empty() {
            unresolved
                .entry(&r.kind)
                .or_default()
                .push(addresses[r.address.as_str()].clone());
        }
    }
    let address = |a: &str| addresses.get(a).cloned().unwrap_or_else(|| s(a));
    let mut shared = SharedStrings::default();
    let data_sources: BTreeMap<Value, Value> = scan
        .data_sources
        .iter()
        .map(|r| resource_value(r, &mut shared))
        .collect();

    let mut input: BTreeMap<Value, Value> = BTreeMap::new();
    let mut scan_info: BTreeMap<Value, Value> = BTreeMap::new();
    scan_info.insert(s("source"), s(scan.source));
    scan_info.insert(s("regions"), string_array(&scan.regions));
    scan_info.insert(s("accounts"), string_array(&scan.accounts));
    input.insert(s("scan"), Value::from(scan_info));
    input.insert(
        s("resources"),
        Value::from(resources.into_iter().collect::<BTreeMap<_, _>>()),
    );
    input.insert(
        s("by_type"),
        Value::from(
            by_type
                .into_iter()
                .map(|(k, v)| (s(k), Value::from(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
    );
    input.insert(s("data_sources"), Value::from(data_sources));
    // Each target's entry is built on all cores, as the resources' values are.
    let referrers: Vec<(&str, BTreeMap<&str, BTreeSet<&str>>)> = referrers.into_iter().collect();
    let referrers = crate::parallel::map_chunks(&referrers, 1000, |chunk| {
        chunk
            .iter()
            .map(|(target, by_kind)| {
                let inner: BTreeMap<Value, Value> = by_kind
                    .iter()
                    .map(|(k, addrs)| {
                        (
                            s(k),
                            Value::from(addrs.iter().map(|a| address(a)).collect::<Vec<_>>()),
                        )
                    })
                    .collect();
                (address(target), Value::from(inner))
            })
            .collect::<Vec<_>>()
    });
    input.insert(
        s("referrers"),
        Value::from(referrers.into_iter().flatten().collect::<BTreeMap<_, _>>()),
    );
    input.insert(
        s("unresolved"),
        Value::from(
            unresolved
                .into_iter()
                .map(|(k, v)| (s(k), Value::from(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
    );
    Value::from(input)
}

#[cfg(test)]
mod value_reference_tests {
    use super::*;
    use crate::model::{Location, Mode, ModulePath};

    fn res(address: &str, region: &str, values: serde_json::Value) -> Resource {
        Resource {
            address: address.to_string(),
            mode: Mode::Managed,
            kind: address.split('.').next().unwrap().to_string(),
            name: address.split('.').nth(1).unwrap().to_string(),
            module: ModulePath::root(),
            index: None,
            provider: "aws".into(),
            region: Some(region.to_string()),
            account: None,
            action: None,
            values: Value::from(values),
            unknown: Vec::new(),
            references: BTreeMap::new(),
            unresolved: Vec::new(),
            location: None,
        }
    }

    #[test]
    fn releasing_the_rule_inputs_keeps_the_input_and_what_findings_read() {
        let mut bucket = res(
            "aws_s3_bucket.logs",
            "us-east-1",
            serde_json::json!({"bucket": "logs"}),
        );
        bucket.unknown = vec!["arn".into()];
        bucket.references = BTreeMap::from([("policy".into(), vec!["aws_iam_policy.p".into()])]);
        bucket.unresolved = vec!["policy".into()];
        bucket.location = Some(Location {
            file: "main.tf".into(),
            line: 3,
            end_line: 9,
        });
        let mut scan = Scan {
            resources: vec![bucket.clone()],
            data_sources: vec![res(
                "data.aws_region.here",
                "us-east-1",
                serde_json::json!({}),
            )],
            ..Default::default()
        };
        let input = build_input(&scan);
        let built = input.to_string();
        scan.release_rule_inputs();

        assert_eq!(input.to_string(), built, "the input holds its own copy");
        let listed = &input["resources"]["aws_s3_bucket.logs"];
        assert_eq!(listed["unknown"]["arn"], Value::from(true));
        assert_eq!(
            listed["references"]["policy"][0],
            Value::from("aws_iam_policy.p")
        );
        assert!(input["data_sources"]["data.aws_region.here"] != Value::Undefined);

        let kept = &scan.resources[0];
        assert!(
            kept.unknown.is_empty() && kept.references.is_empty() && kept.unresolved.is_empty()
        );
        assert!(scan.data_sources.is_empty());
        assert_eq!(
            (
                &kept.address,
                &kept.kind,
                &kept.region,
                &kept.values,
                &kept.location
            ),
            (
                &bucket.address,
                &bucket.kind,
                &bucket.region,
                &bucket.values,
                &bucket.location
            )
        );
    }

    #[test]
    fn a_name_in_two_regions_joins_within_the_region() {
        let mut scan = Scan {
            resources: vec![
                res(
                    "aws_autoscaling_group.east",
                    "us-east-1",
                    serde_json::json!({"id": "app"}),
                ),
                res(
                    "aws_autoscaling_group.west",
                    "us-west-2",
                    serde_json::json!({"id": "app"}),
                ),
                res(
                    "aws_autoscaling_policy.west",
                    "us-west-2",
                    serde_json::json!({"autoscaling_group_name": "app"}),
                ),
                res(
                    "aws_autoscaling_policy.east",
                    "us-east-1",
                    serde_json::json!({"autoscaling_group_name": "app"}),
                ),
                res(
                    "aws_autoscaling_policy.elsewhere",
                    "eu-west-1",
                    serde_json::json!({"autoscaling_group_name": "app"}),
                ),
            ],
            ..Default::default()
        };
        add_value_references(&mut scan);
        let refs = |i: usize| scan.resources[i].references["autoscaling_group_name"].clone();
        assert_eq!(refs(2), vec!["aws_autoscaling_group.west"]);
        assert_eq!(refs(3), vec!["aws_autoscaling_group.east"]);
        // No resource of that region: the first one, as before.
        assert_eq!(refs(4), vec!["aws_autoscaling_group.east"]);
    }
}
