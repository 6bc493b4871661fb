//! Builds the Rego `input` document: resources plus the indexes rules join through.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use regorus::Value;

use super::{Resource, Scan};

fn s(v: &str) -> Value {
    Value::from(v)
}

fn opt(v: &Option<String>) -> Value {
    match v {
        Some(x) => s(x),
        None => Value::Null,
    }
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

/// The Rego value of one resource.
pub fn resource_value(r: &Resource) -> Value {
    let mut m: BTreeMap<Value, Value> = BTreeMap::new();
    m.insert(s("address"), s(&r.address));
    m.insert(s("type"), s(&r.kind));
    m.insert(s("name"), s(&r.name));
    m.insert(
        s("mode"),
        s(match r.mode {
            super::Mode::Managed => "managed",
            super::Mode::Data => "data",
        }),
    );
    m.insert(s("module"), s(&r.module.to_string()));
    m.insert(
        s("index"),
        match &r.index {
            Some(super::InstanceKey::Int(i)) => Value::from(*i),
            Some(super::InstanceKey::Str(k)) => s(k),
            None => Value::Null,
        },
    );
    m.insert(s("provider"), s(&r.provider));
    m.insert(s("region"), opt(&r.region));
    m.insert(s("account"), opt(&r.account));
    m.insert(
        s("action"),
        r.action.map(|a| s(a.as_str())).unwrap_or(Value::Null),
    );
    m.insert(s("values"), r.values.clone());
    let unknown: BTreeMap<Value, Value> = r
        .unknown
        .iter()
        .map(|p| (s(p), Value::from(true)))
        .collect();
    m.insert(s("unknown"), Value::from(unknown));
    let refs: BTreeMap<Value, Value> = r
        .references
        .iter()
        .map(|(p, t)| (s(p), string_array(t)))
        .collect();
    m.insert(s("references"), Value::from(refs));
    let unresolved: BTreeMap<Value, Value> = r
        .unresolved
        .iter()
        .map(|p| (s(p), Value::from(true)))
        .collect();
    m.insert(s("unresolved"), Value::from(unresolved));
    if let Some(loc) = &r.location {
        m.insert(s("file"), s(&loc.file));
        m.insert(s("line"), Value::from(loc.line as u64));
    }
    Value::from(m)
}

/// The whole `input` document for the policy engine.
pub fn build_input(scan: &Scan) -> Value {
    let mut resources: BTreeMap<Value, Value> = BTreeMap::new();
    let mut by_type: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    let mut referrers: BTreeMap<&str, BTreeMap<&str, BTreeSet<&str>>> = BTreeMap::new();
    let mut unresolved: BTreeMap<&str, Vec<Value>> = BTreeMap::new();

    // The resources' values are built on all cores; the indexes over them here.
    let values = crate::parallel::map_chunks(&scan.resources, 1000, |chunk| {
        chunk.iter().map(resource_value).collect::<Vec<_>>()
    });
    for (r, v) in scan.resources.iter().zip(values.into_iter().flatten()) {
        resources.insert(s(&r.address), v.clone());
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
            unresolved.entry(&r.kind).or_default().push(s(&r.address));
        }
    }
    let data_sources: BTreeMap<Value, Value> = scan
        .data_sources
        .iter()
        .map(|r| (s(&r.address), resource_value(r)))
        .collect();

    let mut input: BTreeMap<Value, Value> = BTreeMap::new();
    let mut scan_info: BTreeMap<Value, Value> = BTreeMap::new();
    scan_info.insert(s("source"), s(scan.source));
    scan_info.insert(s("regions"), string_array(&scan.regions));
    scan_info.insert(s("accounts"), string_array(&scan.accounts));
    input.insert(s("scan"), Value::from(scan_info));
    input.insert(s("resources"), Value::from(resources));
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
    input.insert(
        s("referrers"),
        Value::from(
            referrers
                .into_iter()
                .map(|(target, by_kind)| {
                    let inner: BTreeMap<Value, Value> = by_kind
                        .into_iter()
                        .map(|(k, addrs)| {
                            (
                                s(k),
                                Value::from(addrs.into_iter().map(s).collect::<Vec<_>>()),
                            )
                        })
                        .collect();
                    (s(target), Value::from(inner))
                })
                .collect::<BTreeMap<_, _>>(),
        ),
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
    use crate::model::{Mode, ModulePath};

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
