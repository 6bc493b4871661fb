//! JSON to regorus values with shared strings.
//!
//! regorus interns object keys only inside its own `Value::from_json_str`, and that
//! hook is private; plans are parsed through serde into our own types, so this
//! visitor does the same here. In a plan most keys and many short values
//! (`"tcp"`, `"us-east-1"`) repeat thousands of times: sharing them cuts both
//! allocations and peak memory.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use foldhash::{HashSet, HashSetExt};
use regorus::Value;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// Strings up to this length are shared; longer ones are rarely repeated.
const SHARE_MAX_LEN: usize = 32;

thread_local! {
    static TABLE: RefCell<Option<HashSet<Arc<str>>>> = const { RefCell::new(None) };
}

/// Shares strings on this thread while it lives.
pub struct InternScope {
    owner: bool,
}

impl InternScope {
    pub fn new() -> Self {
        let owner = TABLE.with(|t| {
            let mut t = t.borrow_mut();
            if t.is_none() {
                *t = Some(HashSet::new());
                true
            } else {
                false
            }
        });
        InternScope { owner }
    }
}

impl Default for InternScope {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for InternScope {
    fn drop(&mut self) {
        if self.owner {
            TABLE.with(|t| *t.borrow_mut() = None);
        }
    }
}

fn shared(s: &str) -> Value {
    if s.len() > SHARE_MAX_LEN {
        return Value::String(Arc::from(s));
    }
    TABLE.with(|t| match t.borrow_mut().as_mut() {
        Some(table) => {
            if let Some(existing) = table.get(s) {
                return Value::String(existing.clone());
            }
            let rc: Arc<str> = Arc::from(s);
            table.insert(rc.clone());
            Value::String(rc)
        }
        None => Value::String(Arc::from(s)),
    })
}

/// A regorus value read from JSON with shared strings.
pub struct Interned(pub Value);

impl<'de> Deserialize<'de> for Interned {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(InternedVisitor).map(Interned)
    }
}

struct Key(Value);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
                Ok(shared(s))
            }
        }
        d.deserialize_str(KeyVisitor).map(Key)
    }
}

struct InternedVisitor;

impl<'de> Visitor<'de> for InternedVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Interned::deserialize(d).map(|i| i.0)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        if v.is_finite() {
            Ok(Value::from(v))
        } else {
            Err(E::custom("non-finite number"))
        }
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        Ok(shared(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Interned(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::from(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut m = BTreeMap::new();
        while let Some((Key(k), Interned(v))) = map.next_entry()? {
            m.insert(k, v);
        }
        Ok(Value::from(m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_json_like_regorus_and_shares_strings() {
        let text = r#"[{"protocol": "tcp", "n": 1, "f": 1.5, "neg": -2, "x": null, "b": true, "l": []}, {"protocol": "tcp"}]"#;
        let _scope = InternScope::new();
        let Interned(v) = serde_json::from_str(text).unwrap();
        assert_eq!(v, Value::from_json_str(text).unwrap());
        let a = v.as_array().unwrap();
        let p = |i: usize| match a[i].as_object().unwrap().get(&Value::from("protocol")) {
            Some(Value::String(s)) => s.clone(),
            _ => panic!(),
        };
        assert!(Arc::ptr_eq(&p(0), &p(1)));
    }
}
