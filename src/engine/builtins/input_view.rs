//! Read access to the Rego `input` document (src/model/index.rs builds it) for the
//! builtins that compute joins over the whole scan in Rust. The same functions as
//! the library's Rego helpers of those names, so a builtin's answer matches what
//! the Rego it replaced computed, on plans, live scans and `lib.mock_input` alike.

use regorus::Value;

/// `v[key]` when `v` is an object.
pub fn field<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    match v {
        Value::Object(o) => o.get(&Value::from(key)),
        _ => None,
    }
}

/// `v[key]` as a string.
pub fn str_field<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    match field(v, key)? {
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// The elements of `v` when it is an array, else none.
pub fn elements(v: Option<&Value>) -> &[Value] {
    match v {
        Some(Value::Array(a)) => a.as_slice(),
        _ => &[],
    }
}

/// The `input` document.
pub struct Input<'v> {
    root: &'v Value,
}

impl<'v> Input<'v> {
    pub fn new(root: &'v Value) -> Self {
        Self { root }
    }

    /// `input.scan.source == "live"`.
    pub fn live(&self) -> bool {
        field(self.root, "scan").and_then(|s| str_field(s, "source")) == Some("live")
    }

    /// Every resource of type `t` (`lib.resources`).
    pub fn resources(&self, t: &str) -> &'v [Value] {
        elements(field(self.root, "by_type").and_then(|b| field(b, t)))
    }

    /// The resource at `address`.
    pub fn resource(&self, address: &str) -> Option<&'v Value> {
        field(self.root, "resources").and_then(|r| field(r, address))
    }

    /// The type of the resource or data source at `address` (`_address_type`).
    pub fn address_type(&self, address: &str) -> Option<&'v str> {
        self.resource(address)
            .or_else(|| field(self.root, "data_sources").and_then(|d| field(d, address)))
            .and_then(|r| str_field(r, "type"))
    }

    /// The resources of type `t` that refer to resource `r` (`lib.referrers`).
    pub fn referrers(&self, r: &Value, t: &str) -> Vec<&'v Value> {
        let Some(address) = str_field(r, "address") else {
            return Vec::new();
        };
        let addresses = field(self.root, "referrers")
            .and_then(|x| field(x, address))
            .and_then(|x| field(x, t));
        elements(addresses)
            .iter()
            .filter_map(|a| self.resource(a.as_string().ok()?))
            .collect()
    }

    /// The addresses of the resources of type `t` with a reference that could not
    /// be resolved.
    pub fn unresolved(&self, t: &str) -> impl Iterator<Item = &'v str> {
        elements(field(self.root, "unresolved").and_then(|u| field(u, t)))
            .iter()
            .filter_map(|a| a.as_string().ok().map(|s| s.as_ref()))
    }

    /// Whether `r` has a reference that could not be resolved
    /// (`lib.unresolved_resource`).
    pub fn unresolved_resource(&self, r: &Value) -> bool {
        let (Some(t), Some(address)) = (str_field(r, "type"), str_field(r, "address")) else {
            return false;
        };
        self.unresolved(t).any(|a| a == address)
    }

    /// The resources of a type in `types` that `r` refers to through the
    /// single-valued attribute `path`, narrowed by instance key
    /// (`lib.single_referenced`).
    pub fn single_referenced(&self, r: &Value, path: &str, types: &[&str]) -> Vec<&'v Value> {
        let targets: Vec<&'v Value> = references_under(r, path)
            .into_iter()
            .filter_map(|a| self.resource(a))
            .filter(|t| str_field(t, "type").is_some_and(|k| types.contains(&k)))
            .collect();
        let index = field(r, "index").unwrap_or(&Value::Null);
        if targets.len() > 1 && *index != Value::Null {
            let same_key: Vec<&'v Value> = targets
                .iter()
                .copied()
                .filter(|t| field(t, "index") == Some(index))
                .collect();
            if !same_key.is_empty() {
                return same_key;
            }
        }
        targets
    }

    /// Whether `r` refers to resource `t` through `path` (`lib.points_at`).
    pub fn points_at(&self, r: &Value, path: &str, t: &Value) -> bool {
        let (Some(kind), Some(address)) = (str_field(t, "type"), str_field(t, "address")) else {
            return false;
        };
        self.single_referenced(r, path, &[kind])
            .iter()
            .any(|x| str_field(x, "address") == Some(address))
    }
}

/// The addresses `r` refers to through `path` or anything below it, sorted and
/// without duplicates (`lib.references_under`).
pub fn references_under<'v>(r: &'v Value, path: &str) -> Vec<&'v str> {
    let mut out: Vec<&'v str> = Vec::new();
    if let Some(Value::Object(refs)) = field(r, "references") {
        for (p, targets) in refs.iter() {
            let Value::String(p) = p else { continue };
            let below =
                p.len() > path.len() && p.starts_with(path) && p.as_bytes()[path.len()] == b'.';
            if p.as_ref() == path || below {
                out.extend(
                    elements(Some(targets))
                        .iter()
                        .filter_map(|a| a.as_string().ok().map(|s| s.as_ref())),
                );
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether `path` or one of its ancestors is a key of `unknown` (a resource's
/// `unknown` object: dotted paths, "." for the whole resource).
pub fn unknown_at_in(unknown: &Value, path: &str) -> bool {
    let Value::Object(unknown) = unknown else {
        return false;
    };
    if unknown.is_empty() {
        return false;
    }
    if unknown.contains_key(&Value::from(".")) || unknown.contains_key(&Value::from(path)) {
        return true;
    }
    let mut end = path.len();
    while let Some(dot) = path[..end].rfind('.') {
        if unknown.contains_key(&Value::from(&path[..dot])) {
            return true;
        }
        end = dot;
    }
    false
}

/// Whether `path`, an ancestor or a descendant is a key of `unknown`.
pub fn unknown_around_in(unknown: &Value, path: &str) -> bool {
    let Value::Object(unknown) = unknown else {
        return false;
    };
    unknown.keys().any(|k| {
        let Value::String(u) = k else { return false };
        let u: &str = u;
        u == "."
            || u == path
            || (path.starts_with(u) && path.as_bytes().get(u.len()) == Some(&b'.'))
            || (u.starts_with(path) && u.as_bytes().get(path.len()) == Some(&b'.'))
    })
}

/// Whether `path` or one of its ancestors is unknown until apply
/// (`lib.unknown_value`, `infracheck.is_unknown_at`).
pub fn unknown_at(r: &Value, path: &str) -> bool {
    field(r, "unknown").is_some_and(|u| unknown_at_in(u, path))
}

/// Whether `path`, an ancestor or a descendant is unknown until apply
/// (`lib.unknown`, `infracheck.is_unknown`).
pub fn unknown_around(r: &Value, path: &str) -> bool {
    field(r, "unknown").is_some_and(|u| unknown_around_in(u, path))
}

/// Whether the `unknown` object of `r` has exactly the key `path` (`r.unknown[path]`).
pub fn unknown_key(r: &Value, path: &str) -> bool {
    matches!(field(r, "unknown"), Some(Value::Object(u)) if u.get(&Value::from(path)).is_some_and(|v| *v != Value::Bool(false) && *v != Value::Null))
}
