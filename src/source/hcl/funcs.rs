//! Terraform's built-in functions, for hcl-rs's evaluator.
//!
//! Every function takes any arguments (their types are checked here, so that an
//! unknown marker standing for a list or a number is not rejected before the call).
//! A function whose result depends on an unknown argument returns an unknown marker
//! carrying every address the arguments depend on. Functions that only move values
//! around (`merge`, `concat`, `lookup`, `flatten`...) keep the unknown elements where
//! they are, as Terraform does.
//!
//! A function that is not here (`file`, `templatefile`, `timestamp`, hashes...) makes
//! the value that calls it unknown; the loader reports it once as a warning.

use std::collections::BTreeSet;
use std::net::IpAddr;

use hcl::eval::{Context, FuncArgs, FuncDef, ParamType};
use hcl::{Number, Value};
use ipnet::IpNet;

use super::unknown::{contains_unknown, is_unknown, merged};

type Map = hcl::value::Map<String, Value>;
type R = Result<Value, String>;

/// True when the function is evaluated statically (`try` and `can` by the loader).
pub fn known(name: &str) -> bool {
    name == "try" || name == "can" || lookup_fn(name).is_some()
}

fn def(f: Func) -> FuncDef {
    FuncDef::builder().variadic_param(ParamType::Any).build(f)
}

/// Every function, by name.
type Func = fn(FuncArgs) -> R;

const FUNCS: &[(&str, Func)] = &[
    ("abs", abs),
    ("ceil", ceil),
    ("floor", floor),
    ("max", max),
    ("min", min),
    ("pow", pow),
    ("signum", signum),
    ("parseint", parseint),
    ("chomp", chomp),
    ("format", format),
    ("formatlist", formatlist),
    ("indent", indent),
    ("join", join),
    ("lower", lower),
    ("upper", upper),
    ("title", title),
    ("replace", replace),
    ("regex", regex_fn),
    ("regexall", regexall),
    ("split", split),
    ("strrev", strrev),
    ("substr", substr),
    ("trim", trim),
    ("trimprefix", trimprefix),
    ("trimsuffix", trimsuffix),
    ("trimspace", trimspace),
    ("startswith", startswith),
    ("endswith", endswith),
    ("strcontains", strcontains),
    ("alltrue", alltrue),
    ("anytrue", anytrue),
    ("chunklist", chunklist),
    ("coalesce", coalesce),
    ("coalescelist", coalescelist),
    ("compact", compact),
    ("concat", concat),
    ("contains", contains),
    ("distinct", distinct),
    ("element", element),
    ("flatten", flatten),
    ("index", index),
    ("keys", keys),
    ("length", length),
    ("lookup", lookup),
    ("merge", merge),
    ("one", one),
    ("range", range),
    ("reverse", reverse),
    ("setintersection", setintersection),
    ("setsubtract", setsubtract),
    ("setunion", setunion),
    ("slice", slice),
    ("sort", sort),
    ("sum", sum),
    ("values", values),
    ("zipmap", zipmap),
    ("base64encode", base64encode),
    ("base64decode", base64decode),
    ("jsonencode", jsonencode),
    ("jsondecode", jsondecode),
    ("urlencode", urlencode),
    ("cidrhost", cidrhost),
    ("cidrnetmask", cidrnetmask),
    ("cidrsubnet", cidrsubnet),
    ("cidrsubnets", cidrsubnets),
    ("tobool", tobool),
    ("tolist", tolist),
    ("tomap", tomap),
    ("tonumber", tonumber),
    ("toset", toset),
    ("tostring", tostring),
    ("sensitive", identity),
    ("nonsensitive", identity),
    ("type", type_fn),
    ("__eq", op_eq),
    ("__ne", op_ne),
    ("__and", op_and),
    ("__or", op_or),
    ("__not", op_not),
    ("__lt", op_lt),
    ("__le", op_le),
    ("__gt", op_gt),
    ("__ge", op_ge),
    ("__add", op_add),
    ("__sub", op_sub),
    ("__mul", op_mul),
    ("__div", op_div),
    ("__mod", op_mod),
    ("__neg", op_neg),
    ("__is_true", is_true),
    ("__is_false", is_false),
    ("__unknown_of", unknown_of),
];

fn lookup_fn(name: &str) -> Option<Func> {
    FUNCS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// Declares every function in `ctx`.
pub fn declare_all(ctx: &mut Context) {
    for (name, f) in FUNCS {
        ctx.declare_func(*name, def(*f));
    }
}

// ---------------------------------------------------------------------------------
// Helpers

/// An unknown result when any argument holds an unknown value anywhere.
fn strict(args: &[Value]) -> Option<Value> {
    if args.iter().any(contains_unknown) {
        Some(merged(args))
    } else {
        None
    }
}

/// An unknown result when an argument is unknown as a whole.
fn shallow(args: &[Value]) -> Option<Value> {
    if args.iter().any(is_unknown) {
        Some(merged(args))
    } else {
        None
    }
}

macro_rules! strict {
    ($args:expr) => {
        if let Some(u) = strict(&$args) {
            return Ok(u);
        }
    };
}

macro_rules! shallow {
    ($args:expr) => {
        if let Some(u) = shallow(&$args) {
            return Ok(u);
        }
    };
}

/// The most padding (`indent`, a `format` width or precision) built: past it a
/// typo would make a gigabyte string, not a plan's value.
const MAX_PADDING: usize = 10_000;

fn padding(n: i64, what: &str) -> Result<usize, String> {
    usize::try_from(n)
        .ok()
        .filter(|&n| n <= MAX_PADDING)
        .ok_or_else(|| format!("{what} must be between 0 and {MAX_PADDING}, got {n}"))
}

fn arity(args: &[Value], n: usize, name: &str) -> Result<(), String> {
    if args.len() == n {
        Ok(())
    } else {
        Err(format!("{name} takes {n} argument(s), got {}", args.len()))
    }
}

fn num(v: &Value) -> Result<f64, String> {
    match v {
        Value::Number(n) => n.as_f64().ok_or_else(|| "bad number".to_string()),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .map_err(|_| format!("{s:?} is not a number")),
        other => Err(format!("a number is required, got {other}")),
    }
}

fn int(v: &Value) -> Result<i64, String> {
    let f = num(v)?;
    if f.fract() != 0.0 {
        return Err(format!("{f} is not a whole number"));
    }
    Ok(f as i64)
}

fn number(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        Value::Number(Number::from(f as i64))
    } else {
        Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    }
}

/// Terraform's automatic conversion of a primitive to string.
fn string(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Err("a string is required, got null".to_string()),
        other => Err(format!("a string is required, got {}", type_name(other))),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    }
}

fn list(v: &Value) -> Result<&Vec<Value>, String> {
    match v {
        Value::Array(a) => Ok(a),
        other => Err(format!("a list is required, got {}", type_name(other))),
    }
}

fn map(v: &Value) -> Result<&Map, String> {
    match v {
        Value::Object(o) => Ok(o),
        other => Err(format!("a map is required, got {}", type_name(other))),
    }
}

fn bool_of(v: &Value) -> Result<bool, String> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s == "true" => Ok(true),
        Value::String(s) if s == "false" => Ok(false),
        other => Err(format!("a bool is required, got {}", type_name(other))),
    }
}

fn dedup(items: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for v in items {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

// ---------------------------------------------------------------------------------
// Numbers

fn abs(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "abs")?;
    Ok(number(num(&a[0])?.abs()))
}
fn ceil(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "ceil")?;
    Ok(number(num(&a[0])?.ceil()))
}
fn floor(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "floor")?;
    Ok(number(num(&a[0])?.floor()))
}
fn max(a: FuncArgs) -> R {
    strict!(a);
    let mut best: Option<f64> = None;
    for v in a.iter() {
        let n = num(v)?;
        best = Some(best.map_or(n, |b| b.max(n)));
    }
    best.map(number)
        .ok_or_else(|| "max needs an argument".into())
}
fn min(a: FuncArgs) -> R {
    strict!(a);
    let mut best: Option<f64> = None;
    for v in a.iter() {
        let n = num(v)?;
        best = Some(best.map_or(n, |b| b.min(n)));
    }
    best.map(number)
        .ok_or_else(|| "min needs an argument".into())
}
fn pow(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 2, "pow")?;
    Ok(number(num(&a[0])?.powf(num(&a[1])?)))
}
fn signum(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "signum")?;
    let n = num(&a[0])?;
    Ok(number(if n > 0.0 {
        1.0
    } else if n < 0.0 {
        -1.0
    } else {
        0.0
    }))
}
fn parseint(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 2, "parseint")?;
    let s = string(&a[0])?;
    let base = int(&a[1])?;
    if !(2..=62).contains(&base) {
        return Err(format!(
            "parseint: base must be a whole number between 2 and 62, got {base}"
        ));
    }
    parse_int_in_base(&s, base as u32)
        .map(|n| Value::Number(Number::from(n)))
        .ok_or_else(|| format!("parseint: cannot parse {s:?} as a base {base} integer"))
}

/// Terraform's digits: 0-9, then a-z, then (above base 36) A-Z; below base 37 the
/// letters are read in either case. std's `from_str_radix` stops at base 36.
fn parse_int_in_base(s: &str, base: u32) -> Option<i64> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if digits.is_empty() {
        return None;
    }
    let mut n: i64 = 0;
    for c in digits.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 10,
            'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
            'A'..='Z' => c as u32 - 'A' as u32 + 36,
            _ => return None,
        };
        if d >= base {
            return None;
        }
        // Accumulated negative so that i64::MIN parses too.
        let d = i64::from(d);
        n = n
            .checked_mul(i64::from(base))?
            .checked_add(if negative { -d } else { d })?;
    }
    Some(n)
}

// ---------------------------------------------------------------------------------
// Strings

fn chomp(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "chomp")?;
    Ok(Value::String(
        string(&a[0])?.trim_end_matches(['\n', '\r']).to_string(),
    ))
}

/// `format` verbs: %s %d %f %v %q %t %% with optional width/precision (kept simple).
fn format_one(spec: &str, args: &[Value]) -> Result<String, String> {
    let mut out = String::new();
    let mut it = args.iter();
    let chars: Vec<char> = spec.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        if i < chars.len() && chars[i] == '%' {
            out.push('%');
            i += 1;
            continue;
        }
        let mut flags = String::new();
        while i < chars.len() && !chars[i].is_ascii_alphabetic() {
            flags.push(chars[i]);
            i += 1;
        }
        let Some(&verb) = chars.get(i) else {
            return Err("format ends inside a verb".into());
        };
        i += 1;
        let v = it.next().ok_or("not enough arguments for format")?;
        let (width, precision) = match flags.split_once('.') {
            Some((w, p)) => (w.trim_start_matches('-'), p),
            None => (flags.trim_start_matches(['-', '0']), ""),
        };
        let bounded = |digits: &str, what: &str| match digits.parse::<i64>() {
            Ok(n) => padding(n, what).map(Some),
            // Digits too many for i64 are too large too.
            Err(_) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => Err(
                format!("{what} must be between 0 and {MAX_PADDING}, got {digits}"),
            ),
            Err(_) => Ok(None),
        };
        let width = bounded(width, "format: width")?;
        let precision = bounded(precision, "format: precision")?;
        let text = match verb {
            's' | 'v' => match v {
                Value::Array(_) | Value::Object(_) => to_json(v)?,
                other => string(other)?,
            },
            'q' => serde_json::to_string(&string(v)?).map_err(|e| e.to_string())?,
            'd' => format!("{}", int(v)?),
            'f' | 'g' | 'e' => {
                let n = num(v)?;
                match precision {
                    Some(p) => format!("{n:.p$}"),
                    None if verb == 'f' => format!("{n:.6}"),
                    None => format!("{n}"),
                }
            }
            't' => bool_of(v)?.to_string(),
            'x' => format!("{:x}", int(v)?),
            'X' => format!("{:X}", int(v)?),
            'o' => format!("{:o}", int(v)?),
            'b' => format!("{:b}", int(v)?),
            other => return Err(format!("unsupported format verb %{other}")),
        };
        match width {
            Some(w) if text.chars().count() < w => {
                let pad = w - text.chars().count();
                if flags.starts_with('-') {
                    out.push_str(&text);
                    out.push_str(&" ".repeat(pad));
                } else if flags.starts_with('0') && verb == 'd' {
                    out.push_str(&"0".repeat(pad));
                    out.push_str(&text);
                } else {
                    out.push_str(&" ".repeat(pad));
                    out.push_str(&text);
                }
            }
            _ => out.push_str(&text),
        }
    }
    Ok(out)
}

fn format(a: FuncArgs) -> R {
    strict!(a);
    let spec = string(a.first().ok_or("format needs a format string")?)?;
    format_one(&spec, &a[1..]).map(Value::String)
}

fn formatlist(a: FuncArgs) -> R {
    strict!(a);
    let spec = string(a.first().ok_or("formatlist needs a format string")?)?;
    let rest = &a[1..];
    let n = rest
        .iter()
        .filter_map(|v| v.as_array().map(Vec::len))
        .max()
        .unwrap_or(1);
    let mut out = Vec::new();
    for i in 0..n {
        let row: Vec<Value> = rest
            .iter()
            .map(|v| match v {
                Value::Array(l) => l.get(i).cloned().unwrap_or(Value::Null),
                other => other.clone(),
            })
            .collect();
        out.push(Value::String(format_one(&spec, &row)?));
    }
    Ok(Value::Array(out))
}

fn indent(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 2, "indent")?;
    let n = padding(int(&a[0])?, "indent: number of spaces")?;
    let s = string(&a[1])?;
    let pad = " ".repeat(n);
    Ok(Value::String(s.replace('\n', &format!("\n{pad}"))))
}

fn join(a: FuncArgs) -> R {
    strict!(a);
    let sep = string(a.first().ok_or("join needs a separator")?)?;
    let mut parts = Vec::new();
    for l in &a[1..] {
        for v in list(l)? {
            parts.push(string(v)?);
        }
    }
    Ok(Value::String(parts.join(&sep)))
}

fn lower(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "lower")?;
    Ok(Value::String(string(&a[0])?.to_lowercase()))
}
fn upper(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "upper")?;
    Ok(Value::String(string(&a[0])?.to_uppercase()))
}
fn title(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "title")?;
    let s = string(&a[0])?;
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphanumeric();
    }
    Ok(Value::String(out))
}

/// A `/regex/` argument of replace, or a plain substring.
fn as_regex(pattern: &str) -> Option<&str> {
    if pattern.len() >= 2 && pattern.starts_with('/') && pattern.ends_with('/') {
        Some(&pattern[1..pattern.len() - 1])
    } else {
        None
    }
}

fn go_replacement(rep: &str) -> String {
    // Terraform uses $1 / ${1}; the regex crate understands both as well.
    rep.to_string()
}

fn replace(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 3, "replace")?;
    let s = string(&a[0])?;
    let pat = string(&a[1])?;
    let rep = string(&a[2])?;
    match as_regex(&pat) {
        Some(re) => {
            let re = regex::Regex::new(re).map_err(|e| e.to_string())?;
            Ok(Value::String(
                re.replace_all(&s, go_replacement(&rep).as_str())
                    .into_owned(),
            ))
        }
        None => Ok(Value::String(s.replace(&pat, &rep))),
    }
}

fn captures_value(re: &regex::Regex, caps: &regex::Captures) -> Value {
    let named: Vec<&str> = re.capture_names().flatten().collect();
    if !named.is_empty() {
        let mut m = Map::new();
        for n in named {
            m.insert(
                n.to_string(),
                caps.name(n)
                    .map(|c| Value::String(c.as_str().to_string()))
                    .unwrap_or(Value::Null),
            );
        }
        Value::Object(m)
    } else if caps.len() > 1 {
        Value::Array(
            (1..caps.len())
                .map(|i| {
                    caps.get(i)
                        .map(|c| Value::String(c.as_str().to_string()))
                        .unwrap_or(Value::Null)
                })
                .collect(),
        )
    } else {
        Value::String(caps.get(0).map(|c| c.as_str()).unwrap_or("").to_string())
    }
}

fn regex_fn(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 2, "regex")?;
    let re = regex::Regex::new(&string(&a[0])?).map_err(|e| e.to_string())?;
    let s = string(&a[1])?;
    let caps = re.captures(&s).ok_or("the pattern does not match")?;
    Ok(captures_value(&re, &caps))
}

fn regexall(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 2, "regexall")?;
    let re = regex::Regex::new(&string(&a[0])?).map_err(|e| e.to_string())?;
    let s = string(&a[1])?;
    Ok(Value::Array(
        re.captures_iter(&s)
            .map(|c| captures_value(&re, &c))
            .collect(),
    ))
}

fn split(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 2, "split")?;
    let sep = string(&a[0])?;
    let s = string(&a[1])?;
    if s.is_empty() {
        return Ok(Value::Array(vec![Value::String(String::new())]));
    }
    Ok(Value::Array(
        s.split(sep.as_str())
            .map(|p| Value::String(p.to_string()))
            .collect(),
    ))
}

fn strrev(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "strrev")?;
    Ok(Value::String(string(&a[0])?.chars().rev().collect()))
}

fn substr(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 3, "substr")?;
    let chars: Vec<char> = string(&a[0])?.chars().collect();
    let len = chars.len() as i64;
    let mut off = int(&a[1])?;
    if off < 0 {
        off += len;
    }
    let off = off.clamp(0, len) as usize;
    let n = int(&a[2])?;
    let end = if n < 0 {
        chars.len()
    } else {
        (off + n as usize).min(chars.len())
    };
    Ok(Value::String(chars[off..end].iter().collect()))
}

fn trim(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 2, "trim")?;
    let s = string(&a[0])?;
    let cut: Vec<char> = string(&a[1])?.chars().collect();
    Ok(Value::String(
        s.trim_matches(|c| cut.contains(&c)).to_string(),
    ))
}
fn trimprefix(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 2, "trimprefix")?;
    let s = string(&a[0])?;
    let p = string(&a[1])?;
    Ok(Value::String(s.strip_prefix(&p).unwrap_or(&s).to_string()))
}
fn trimsuffix(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 2, "trimsuffix")?;
    let s = string(&a[0])?;
    let p = string(&a[1])?;
    Ok(Value::String(s.strip_suffix(&p).unwrap_or(&s).to_string()))
}
fn trimspace(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "trimspace")?;
    Ok(Value::String(string(&a[0])?.trim().to_string()))
}
fn startswith(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 2, "startswith")?;
    Ok(Value::Bool(string(&a[0])?.starts_with(&string(&a[1])?)))
}
fn endswith(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 2, "endswith")?;
    Ok(Value::Bool(string(&a[0])?.ends_with(&string(&a[1])?)))
}
fn strcontains(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 2, "strcontains")?;
    Ok(Value::Bool(string(&a[0])?.contains(&string(&a[1])?)))
}

// ---------------------------------------------------------------------------------
// Collections

fn alltrue(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "alltrue")?;
    let mut all = true;
    for v in list(&a[0])? {
        all &= bool_of(v)?;
    }
    Ok(Value::Bool(all))
}
fn anytrue(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "anytrue")?;
    let mut any = false;
    for v in list(&a[0])? {
        any |= bool_of(v)?;
    }
    Ok(Value::Bool(any))
}

fn chunklist(a: FuncArgs) -> R {
    shallow!(a);
    arity(&a, 2, "chunklist")?;
    let l = list(&a[0])?;
    let n = int(&a[1])?;
    if n <= 0 {
        return Ok(Value::Array(vec![Value::Array(l.clone())]));
    }
    Ok(Value::Array(
        l.chunks(n as usize)
            .map(|c| Value::Array(c.to_vec()))
            .collect(),
    ))
}

fn coalesce(a: FuncArgs) -> R {
    for v in a.iter() {
        if is_unknown(v) {
            return Ok(merged(a.iter()));
        }
        match v {
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            other => return Ok(other.clone()),
        }
    }
    Err("no non-null, non-empty argument".into())
}

fn coalescelist(a: FuncArgs) -> R {
    for v in a.iter() {
        if is_unknown(v) {
            return Ok(merged(a.iter()));
        }
        if !list(v)?.is_empty() {
            return Ok(v.clone());
        }
    }
    Err("no non-empty list argument".into())
}

fn compact(a: FuncArgs) -> R {
    shallow!(a);
    arity(&a, 1, "compact")?;
    let l = list(&a[0])?;
    if l.iter().any(is_unknown) {
        return Ok(merged(l));
    }
    Ok(Value::Array(
        l.iter()
            .filter(|v| !matches!(v, Value::Null) && !matches!(v, Value::String(s) if s.is_empty()))
            .cloned()
            .collect(),
    ))
}

fn concat(a: FuncArgs) -> R {
    shallow!(a);
    let mut out = Vec::new();
    for l in a.iter() {
        out.extend(list(l)?.iter().cloned());
    }
    Ok(Value::Array(out))
}

fn contains(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 2, "contains")?;
    Ok(Value::Bool(list(&a[0])?.contains(&a[1])))
}

fn distinct(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "distinct")?;
    Ok(Value::Array(dedup(list(&a[0])?.clone())))
}

fn element(a: FuncArgs) -> R {
    shallow!(a);
    arity(&a, 2, "element")?;
    let l = list(&a[0])?;
    if l.is_empty() {
        return Err("element of an empty list".into());
    }
    let i = int(&a[1])?;
    if i < 0 {
        return Err("element index is negative".into());
    }
    Ok(l[i as usize % l.len()].clone())
}

fn flatten_into(v: &Value, out: &mut Vec<Value>) -> Result<(), String> {
    match v {
        Value::Array(l) => {
            for x in l {
                flatten_into(x, out)?;
            }
            Ok(())
        }
        other => {
            out.push(other.clone());
            Ok(())
        }
    }
}

fn flatten(a: FuncArgs) -> R {
    arity(&a, 1, "flatten")?;
    shallow!(a);
    let l = list(&a[0])?;
    if l.iter().any(is_unknown) {
        // An unknown element may be a list: the shape is not known.
        return Ok(merged(l));
    }
    let mut out = Vec::new();
    flatten_into(&a[0], &mut out)?;
    Ok(Value::Array(out))
}

fn index(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 2, "index")?;
    list(&a[0])?
        .iter()
        .position(|v| v == &a[1])
        .map(|i| Value::Number(Number::from(i as u64)))
        .ok_or_else(|| "the value is not in the list".into())
}

fn keys(a: FuncArgs) -> R {
    shallow!(a);
    arity(&a, 1, "keys")?;
    let mut k: Vec<&String> = map(&a[0])?.keys().collect();
    k.sort();
    Ok(Value::Array(
        k.into_iter().map(|s| Value::String(s.clone())).collect(),
    ))
}

fn values(a: FuncArgs) -> R {
    shallow!(a);
    arity(&a, 1, "values")?;
    let m = map(&a[0])?;
    let mut k: Vec<&String> = m.keys().collect();
    k.sort();
    Ok(Value::Array(k.into_iter().map(|s| m[s].clone()).collect()))
}

fn length(a: FuncArgs) -> R {
    shallow!(a);
    arity(&a, 1, "length")?;
    let n = match &a[0] {
        Value::Array(l) => l.len(),
        Value::Object(o) => o.len(),
        Value::String(s) => s.chars().count(),
        other => return Err(format!("length of a {}", type_name(other))),
    };
    Ok(Value::Number(Number::from(n as u64)))
}

fn lookup(a: FuncArgs) -> R {
    if a.len() < 2 || a.len() > 3 {
        return Err("lookup takes 2 or 3 arguments".into());
    }
    if is_unknown(&a[0]) || contains_unknown(&a[1]) {
        return Ok(merged(a.iter()));
    }
    let key = string(&a[1])?;
    match map(&a[0])?.get(&key) {
        Some(v) => Ok(v.clone()),
        None => a
            .get(2)
            .cloned()
            .ok_or_else(|| format!("the map has no key {key:?}")),
    }
}

fn merge(a: FuncArgs) -> R {
    shallow!(a);
    let mut out = Map::new();
    for m in a.iter() {
        if matches!(m, Value::Null) {
            continue;
        }
        for (k, v) in map(m)? {
            out.insert(k.clone(), v.clone());
        }
    }
    Ok(Value::Object(out))
}

fn one(a: FuncArgs) -> R {
    shallow!(a);
    arity(&a, 1, "one")?;
    let l = list(&a[0])?;
    match l.len() {
        0 => Ok(Value::Null),
        1 => Ok(l[0].clone()),
        _ => Err("one: the list has more than one element".into()),
    }
}

fn range(a: FuncArgs) -> R {
    strict!(a);
    let (start, end, step) = match a.len() {
        1 => (0.0, num(&a[0])?, 1.0),
        2 => (num(&a[0])?, num(&a[1])?, 1.0),
        3 => (num(&a[0])?, num(&a[1])?, num(&a[2])?),
        _ => return Err("range takes 1 to 3 arguments".into()),
    };
    if step == 0.0 {
        return Err("range step is zero".into());
    }
    let mut out = Vec::new();
    let mut x = start;
    while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
        out.push(number(x));
        x += step;
        if out.len() > 1024 {
            return Err("range too long".into());
        }
    }
    Ok(Value::Array(out))
}

fn reverse(a: FuncArgs) -> R {
    shallow!(a);
    arity(&a, 1, "reverse")?;
    let mut l = list(&a[0])?.clone();
    l.reverse();
    Ok(Value::Array(l))
}

fn setunion(a: FuncArgs) -> R {
    strict!(a);
    let mut out = Vec::new();
    for l in a.iter() {
        out.extend(list(l)?.iter().cloned());
    }
    Ok(Value::Array(dedup(out)))
}

fn setintersection(a: FuncArgs) -> R {
    strict!(a);
    let first = list(a.first().ok_or("setintersection needs an argument")?)?;
    let mut out = dedup(first.clone());
    for l in &a[1..] {
        let l = list(l)?;
        out.retain(|v| l.contains(v));
    }
    Ok(Value::Array(out))
}

fn setsubtract(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 2, "setsubtract")?;
    let b = list(&a[1])?;
    Ok(Value::Array(
        dedup(list(&a[0])?.clone())
            .into_iter()
            .filter(|v| !b.contains(v))
            .collect(),
    ))
}

fn slice(a: FuncArgs) -> R {
    shallow!(a);
    arity(&a, 3, "slice")?;
    let l = list(&a[0])?;
    let s = int(&a[1])?;
    let e = int(&a[2])?;
    if s < 0 || e < s || e as usize > l.len() {
        return Err("slice indexes out of range".into());
    }
    Ok(Value::Array(l[s as usize..e as usize].to_vec()))
}

fn sort(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "sort")?;
    let mut l: Vec<String> = list(&a[0])?.iter().map(string).collect::<Result<_, _>>()?;
    l.sort();
    Ok(Value::Array(l.into_iter().map(Value::String).collect()))
}

fn sum(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "sum")?;
    let mut t = 0.0;
    for v in list(&a[0])? {
        t += num(v)?;
    }
    Ok(number(t))
}

fn zipmap(a: FuncArgs) -> R {
    shallow!(a);
    arity(&a, 2, "zipmap")?;
    let k = list(&a[0])?;
    let v = list(&a[1])?;
    if k.iter().any(contains_unknown) {
        return Ok(merged(a.iter()));
    }
    if k.len() != v.len() {
        return Err("zipmap: the lists differ in length".into());
    }
    let mut out = Map::new();
    for (k, v) in k.iter().zip(v) {
        out.insert(string(k)?, v.clone());
    }
    Ok(Value::Object(out))
}

// ---------------------------------------------------------------------------------
// Encoding

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64encode(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "base64encode")?;
    let s = string(&a[0])?;
    let bytes = s.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    Ok(Value::String(out))
}

fn base64decode(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "base64decode")?;
    let s = string(&a[0])?;
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|c| *c != b'=') {
        let v = B64.iter().position(|x| *x == c).ok_or("invalid base64")? as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8(out)
        .map(Value::String)
        .map_err(|_| "not UTF-8".into())
}

fn to_json_value(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) if n.is_i64() || n.is_u64() => serde_json::Value::from(i),
            (_, Some(f)) => serde_json::Number::from_f64(f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            _ => serde_json::Value::Null,
        },
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Array(a) => serde_json::Value::Array(a.iter().map(to_json_value).collect()),
        Value::Object(o) => {
            // Terraform writes object keys sorted.
            let sorted: std::collections::BTreeMap<&String, &Value> = o.iter().collect();
            serde_json::Value::Object(
                sorted
                    .into_iter()
                    .map(|(k, v)| (k.clone(), to_json_value(v)))
                    .collect(),
            )
        }
    }
}

fn to_json(v: &Value) -> Result<String, String> {
    serde_json::to_string(&to_json_value(v)).map_err(|e| e.to_string())
}

/// A JSON value as an hcl value.
pub fn from_json(j: &serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => n
            .as_i64()
            .map(|i| Value::Number(Number::from(i)))
            .or_else(|| n.as_f64().and_then(Number::from_f64).map(Value::Number))
            .unwrap_or(Value::Null),
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(a) => Value::Array(a.iter().map(from_json).collect()),
        serde_json::Value::Object(o) => {
            Value::Object(o.iter().map(|(k, v)| (k.clone(), from_json(v))).collect())
        }
    }
}

fn jsonencode(a: FuncArgs) -> R {
    arity(&a, 1, "jsonencode")?;
    // Unknown parts stay markers inside the text, so the result is unknown.
    to_json(&a[0]).map(Value::String)
}

fn jsondecode(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "jsondecode")?;
    let j: serde_json::Value = serde_json::from_str(&string(&a[0])?).map_err(|e| e.to_string())?;
    Ok(from_json(&j))
}

fn urlencode(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "urlencode")?;
    let s = string(&a[0])?;
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(Value::String(out))
}

// ---------------------------------------------------------------------------------
// Networking

fn parse_net(s: &str) -> Result<IpNet, String> {
    s.parse::<IpNet>()
        .map_err(|_| format!("invalid CIDR address {s:?}"))
}

/// `cidrsubnet(prefix, newbits, netnum)`.
pub fn subnet(prefix: &str, newbits: u8, netnum: u128) -> Result<IpNet, String> {
    let net = parse_net(prefix)?.trunc();
    // In u16: a /128 extended by 128 bits must be refused, not wrap to /0.
    let new_len = u16::from(net.prefix_len()) + u16::from(newbits);
    if new_len > u16::from(net.max_prefix_len()) {
        return Err(format!(
            "insufficient address space to extend prefix of {} by {newbits}",
            net.prefix_len()
        ));
    }
    let new_len = new_len as u8;
    if newbits < 128 && netnum >= (1u128 << newbits) {
        return Err(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {netnum}"
        ));
    }
    let host_bits = u32::from(net.max_prefix_len() - new_len);
    match net {
        IpNet::V4(n) => {
            let base = u32::from(n.network());
            let shift = netnum.checked_shl(host_bits).unwrap_or(0) as u32;
            let addr = std::net::Ipv4Addr::from(base | shift);
            Ok(IpNet::V4(
                ipnet::Ipv4Net::new(addr, new_len).map_err(|e| e.to_string())?,
            ))
        }
        IpNet::V6(n) => {
            let base = u128::from(n.network());
            let shift = netnum.checked_shl(host_bits).unwrap_or(0);
            let addr = std::net::Ipv6Addr::from(base | shift);
            Ok(IpNet::V6(
                ipnet::Ipv6Net::new(addr, new_len).map_err(|e| e.to_string())?,
            ))
        }
    }
}

fn cidrsubnet(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 3, "cidrsubnet")?;
    let newbits = int(&a[1])?;
    let netnum = int(&a[2])?;
    if !(0..=128).contains(&newbits) || netnum < 0 {
        return Err("cidrsubnet: bad arguments".into());
    }
    subnet(&string(&a[0])?, newbits as u8, netnum as u128).map(|n| Value::String(n.to_string()))
}

fn cidrsubnets(a: FuncArgs) -> R {
    strict!(a);
    let prefix = parse_net(&string(a.first().ok_or("cidrsubnets needs a prefix")?)?)?.trunc();
    let mut out = Vec::new();
    // Each subnet is allocated right after the previous one, aligned to its size.
    let max = u32::from(prefix.max_prefix_len());
    let base_len = u32::from(prefix.prefix_len());
    let mut next: u128 = 0; // offset in addresses from the prefix start
    for nb in &a[1..] {
        let nb = int(nb)?;
        if nb <= 0 || nb > i64::from(max - base_len) {
            return Err(format!(
                "cidrsubnets: cannot extend prefix of {base_len} by {nb} bits"
            ));
        }
        let host_bits = max - base_len - nb as u32;
        let size: u128 = 1u128 << host_bits;
        let aligned = next.div_ceil(size) * size;
        let netnum = aligned >> host_bits;
        let n = subnet(&prefix.to_string(), nb as u8, netnum)?;
        out.push(Value::String(n.to_string()));
        next = aligned + size;
    }
    Ok(Value::Array(out))
}

fn cidrhost(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 2, "cidrhost")?;
    let net = parse_net(&string(&a[0])?)?.trunc();
    let host = int(&a[1])?;
    let host_bits = u32::from(net.max_prefix_len() - net.prefix_len());
    let count: i128 = 1i128 << host_bits.min(126);
    let h = if host < 0 {
        count + i128::from(host)
    } else {
        i128::from(host)
    };
    if h < 0 || h >= count {
        return Err(format!("host number {host} is out of range"));
    }
    let addr: IpAddr = match net {
        IpNet::V4(n) => std::net::Ipv4Addr::from(u32::from(n.network()) + h as u32).into(),
        IpNet::V6(n) => std::net::Ipv6Addr::from(u128::from(n.network()) + h as u128).into(),
    };
    Ok(Value::String(addr.to_string()))
}

fn cidrnetmask(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "cidrnetmask")?;
    match parse_net(&string(&a[0])?)? {
        IpNet::V4(n) => Ok(Value::String(n.netmask().to_string())),
        IpNet::V6(_) => Err("cidrnetmask only supports IPv4".into()),
    }
}

// ---------------------------------------------------------------------------------
// Types

fn tobool(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "tobool")?;
    match &a[0] {
        Value::Null => Ok(Value::Null),
        v => bool_of(v).map(Value::Bool),
    }
}

fn tolist(a: FuncArgs) -> R {
    shallow!(a);
    arity(&a, 1, "tolist")?;
    Ok(Value::Array(list(&a[0])?.clone()))
}

fn toset(a: FuncArgs) -> R {
    shallow!(a);
    arity(&a, 1, "toset")?;
    let l = list(&a[0])?;
    if l.iter().any(contains_unknown) {
        // Set order and duplicates depend on the unknown values.
        return Ok(merged(l));
    }
    let mut items = dedup(l.clone());
    if items.iter().all(|v| matches!(v, Value::String(_))) {
        items.sort_by(|x, y| x.as_str().cmp(&y.as_str()));
    }
    Ok(Value::Array(items))
}

fn tomap(a: FuncArgs) -> R {
    shallow!(a);
    arity(&a, 1, "tomap")?;
    Ok(Value::Object(map(&a[0])?.clone()))
}

fn tonumber(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "tonumber")?;
    match &a[0] {
        Value::Null => Ok(Value::Null),
        v => num(v).map(number),
    }
}

fn tostring(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "tostring")?;
    match &a[0] {
        Value::Null => Ok(Value::Null),
        v => string(v).map(Value::String),
    }
}

fn identity(a: FuncArgs) -> R {
    arity(&a, 1, "sensitive")?;
    Ok(a[0].clone())
}

fn type_fn(a: FuncArgs) -> R {
    strict!(a);
    arity(&a, 1, "type")?;
    Ok(Value::String(type_name(&a[0]).to_string()))
}

// ---------------------------------------------------------------------------------
// Operators, rewritten into calls so that unknown operands give unknown results.

fn cmp_num(a: &FuncArgs, f: fn(f64, f64) -> bool) -> R {
    strict!(a);
    Ok(Value::Bool(f(num(&a[0])?, num(&a[1])?)))
}

/// Terraform compares a number and its string form as equal after conversion only
/// for `==` between a string and a number it can convert; keep it strict but treat
/// whole floats and integers alike.
fn equal(x: &Value, y: &Value) -> bool {
    match (x, y) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => x == y,
    }
}

fn op_eq(a: FuncArgs) -> R {
    strict!(a);
    Ok(Value::Bool(equal(&a[0], &a[1])))
}
fn op_ne(a: FuncArgs) -> R {
    strict!(a);
    Ok(Value::Bool(!equal(&a[0], &a[1])))
}
fn op_and(a: FuncArgs) -> R {
    // false && unknown is false.
    if matches!(a[0], Value::Bool(false)) || matches!(a[1], Value::Bool(false)) {
        return Ok(Value::Bool(false));
    }
    strict!(a);
    Ok(Value::Bool(bool_of(&a[0])? && bool_of(&a[1])?))
}
fn op_or(a: FuncArgs) -> R {
    if matches!(a[0], Value::Bool(true)) || matches!(a[1], Value::Bool(true)) {
        return Ok(Value::Bool(true));
    }
    strict!(a);
    Ok(Value::Bool(bool_of(&a[0])? || bool_of(&a[1])?))
}
fn op_not(a: FuncArgs) -> R {
    strict!(a);
    Ok(Value::Bool(!bool_of(&a[0])?))
}
fn op_lt(a: FuncArgs) -> R {
    cmp_num(&a, |x, y| x < y)
}
fn op_le(a: FuncArgs) -> R {
    cmp_num(&a, |x, y| x <= y)
}
fn op_gt(a: FuncArgs) -> R {
    cmp_num(&a, |x, y| x > y)
}
fn op_ge(a: FuncArgs) -> R {
    cmp_num(&a, |x, y| x >= y)
}
fn arith(a: &FuncArgs, f: fn(f64, f64) -> f64) -> R {
    strict!(a);
    Ok(number(f(num(&a[0])?, num(&a[1])?)))
}
fn op_add(a: FuncArgs) -> R {
    arith(&a, |x, y| x + y)
}
fn op_sub(a: FuncArgs) -> R {
    arith(&a, |x, y| x - y)
}
fn op_mul(a: FuncArgs) -> R {
    arith(&a, |x, y| x * y)
}
fn op_div(a: FuncArgs) -> R {
    strict!(a);
    let d = num(&a[1])?;
    if d == 0.0 {
        return Err("division by zero".into());
    }
    Ok(number(num(&a[0])? / d))
}
fn op_mod(a: FuncArgs) -> R {
    strict!(a);
    let d = num(&a[1])?;
    if d == 0.0 {
        return Err("modulo by zero".into());
    }
    Ok(number(num(&a[0])? % d))
}
fn op_neg(a: FuncArgs) -> R {
    strict!(a);
    Ok(number(-num(&a[0])?))
}

/// `c ? t : f` is rewritten to `__is_true(c) ? t : (__is_false(c) ? f : __unknown_of(c))`,
/// so the branch not taken is never evaluated and an unknown condition gives unknown.
fn is_true(a: FuncArgs) -> R {
    Ok(Value::Bool(matches!(&a[0], Value::Bool(true))))
}
fn is_false(a: FuncArgs) -> R {
    Ok(Value::Bool(matches!(&a[0], Value::Bool(false))))
}
fn unknown_of(a: FuncArgs) -> R {
    if contains_unknown(&a[0]) {
        Ok(merged(a.iter()))
    } else {
        Err(format!(
            "a condition must be a bool, got {}",
            type_name(&a[0])
        ))
    }
}

/// Declares the functions of `names` that exist (others stay undefined: calling them
/// fails, which makes the value unknown).
pub fn declare_all_of(ctx: &mut Context, names: &BTreeSet<String>) {
    if names.is_empty() {
        return;
    }
    for n in names {
        if let Some(f) = lookup_fn(n) {
            ctx.declare_func(n.as_str(), def(f));
        }
    }
}

/// The addresses in a set of values (for tests).
#[cfg(test)]
fn addrs(v: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    super::unknown::addresses(v, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcl::eval::Evaluate;

    fn eval(src: &str) -> Value {
        let mut ctx = Context::new();
        declare_all(&mut ctx);
        ctx.declare_var(
            "u",
            super::super::unknown::marker(&["aws_vpc.x".to_string()]),
        );
        let expr: hcl::Expression = src.parse().unwrap();
        expr.evaluate(&ctx).unwrap()
    }

    #[test]
    fn networking() {
        assert_eq!(
            eval(r#"cidrsubnet("10.0.0.0/16", 8, 2)"#),
            Value::from("10.0.2.0/24")
        );
        assert_eq!(
            eval(r#"cidrsubnet("10.1.0.0/16", 4, 15)"#),
            Value::from("10.1.240.0/20")
        );
        assert_eq!(
            eval(r#"cidrhost("10.0.1.0/24", 5)"#),
            Value::from("10.0.1.5")
        );
        assert_eq!(
            eval(r#"cidrhost("10.0.1.0/24", -2)"#),
            Value::from("10.0.1.254")
        );
        assert_eq!(
            eval(r#"cidrnetmask("10.0.0.0/12")"#),
            Value::from("255.240.0.0")
        );
        assert_eq!(
            eval(r#"cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)"#),
            eval(r#"["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"]"#)
        );
    }

    #[test]
    fn strings_and_collections() {
        assert_eq!(
            eval(r#"format("%s-%03d", "web", 7)"#),
            Value::from("web-007")
        );
        assert_eq!(eval(r#"join(",", ["a", "b"])"#), Value::from("a,b"));
        assert_eq!(eval(r#"replace("a-b-c", "-", "_")"#), Value::from("a_b_c"));
        assert_eq!(
            eval(r#"replace("a1b22", "/[0-9]+/", "_")"#),
            Value::from("a_b_")
        );
        assert_eq!(
            eval(r#"merge({a = 1, b = 2}, {b = 3})"#),
            eval(r#"{a = 1, b = 3}"#)
        );
        assert_eq!(eval(r#"lookup({a = 1}, "b", 9)"#), Value::from(9));
        assert_eq!(eval(r#"element(["a", "b"], 3)"#), Value::from("b"));
        assert_eq!(eval(r#"index(["a", "b"], "b")"#), Value::from(1));
        assert_eq!(
            eval(r#"flatten([["a"], [["b"]], "c"])"#),
            eval(r#"["a", "b", "c"]"#)
        );
        assert_eq!(eval(r#"toset(["b", "a", "b"])"#), eval(r#"["a", "b"]"#));
        assert_eq!(eval(r#"zipmap(["a"], [1])"#), eval(r#"{a = 1}"#));
        assert_eq!(eval(r#"keys({b = 1, a = 2})"#), eval(r#"["a", "b"]"#));
        assert_eq!(eval(r#"coalesce("", null, "x")"#), Value::from("x"));
        assert_eq!(eval(r#"length("abc")"#), Value::from(3));
        assert_eq!(
            eval(r#"jsonencode({b = [1, "x"], a = true})"#),
            Value::from(r#"{"a":true,"b":[1,"x"]}"#)
        );
        assert_eq!(eval(r#"base64encode("hello")"#), Value::from("aGVsbG8="));
        assert_eq!(eval(r#"base64decode("aGVsbG8=")"#), Value::from("hello"));
        assert_eq!(eval(r#"tonumber("42")"#), Value::from(42));
        assert_eq!(eval(r#"upper(substr("hello", 1, 3))"#), Value::from("ELL"));
    }

    /// The error a call gives (hcl-rs wraps it with the function's name).
    fn eval_err(src: &str) -> String {
        let mut ctx = Context::new();
        declare_all(&mut ctx);
        let expr: hcl::Expression = src.parse().unwrap();
        match expr.evaluate(&ctx) {
            Ok(v) => panic!("{src} gave {v:?}, not an error"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn parseint_reads_bases_2_to_62() {
        assert_eq!(eval(r#"parseint("ff", 16)"#), Value::from(255));
        assert_eq!(eval(r#"parseint("FF", 16)"#), Value::from(255));
        assert_eq!(eval(r#"parseint("Z", 36)"#), Value::from(35));
        assert_eq!(eval(r#"parseint("-101", 2)"#), Value::from(-5));
        assert_eq!(eval(r#"parseint("zZ", 62)"#), Value::from(35 * 62 + 61));
        assert_eq!(
            eval(r#"parseint("-9223372036854775808", 10)"#),
            Value::from(i64::MIN)
        );
        for (call, error) in [
            (
                r#"parseint("1", 1)"#,
                "base must be a whole number between 2 and 62, got 1",
            ),
            (r#"parseint("1", 63)"#, "between 2 and 62, got 63"),
            (r#"parseint("1", -4)"#, "between 2 and 62, got -4"),
            (
                r#"parseint("12", 2)"#,
                r#"cannot parse "12" as a base 2 integer"#,
            ),
            (
                r#"parseint("", 10)"#,
                r#"cannot parse "" as a base 10 integer"#,
            ),
            (
                r#"parseint("9223372036854775808", 10)"#,
                "as a base 10 integer",
            ),
        ] {
            let e = eval_err(call);
            assert!(e.contains(error), "{call}: {e}");
        }
    }

    #[test]
    fn padding_is_bounded_and_never_negative() {
        assert_eq!(eval(r#"indent(2, "a\nb")"#), Value::from("a\n  b"));
        assert_eq!(
            eval(r#"format("%-4s|%5.1f", "ab", 2.25)"#),
            Value::from("ab  |  2.2")
        );
        for (call, error) in [
            (
                r#"indent(-1, "a")"#,
                "indent: number of spaces must be between 0 and 10000, got -1",
            ),
            (r#"indent(10001, "a")"#, "got 10001"),
            (
                r#"format("%20000s", "a")"#,
                "format: width must be between 0 and 10000, got 20000",
            ),
            (
                r#"format("%.99999999999999999999f", 1)"#,
                "format: precision must be between 0 and 10000, got 99999999999999999999",
            ),
        ] {
            let e = eval_err(call);
            assert!(e.contains(error), "{call}: {e}");
        }
    }

    #[test]
    fn cidr_functions_refuse_prefixes_past_the_address_size() {
        // 128 + 128 bits used to wrap to a /0 in release builds.
        let e = eval_err(r#"cidrsubnet("::/128", 128, 0)"#);
        assert!(
            e.contains("insufficient address space to extend prefix of 128 by 128"),
            "{e}"
        );
        let e = eval_err(r#"cidrsubnets("10.0.0.0/16", 4294967297)"#);
        assert!(
            e.contains("cannot extend prefix of 16 by 4294967297 bits"),
            "{e}"
        );
        assert_eq!(
            eval(r#"cidrsubnet("10.0.0.0/16", 16, 3)"#),
            Value::from("10.0.0.3/32")
        );
    }

    #[test]
    fn unknown_arguments_give_unknown_results() {
        let v = eval(r#"cidrsubnet(u, 8, 1)"#);
        assert!(is_unknown(&v));
        assert_eq!(addrs(&v).into_iter().collect::<Vec<_>>(), vec!["aws_vpc.x"]);
        assert!(is_unknown(&eval("length(u)")));
        // merge keeps the unknown element where it is.
        let m = eval(r#"merge({a = u}, {b = 1})"#);
        assert!(is_unknown(&m.as_object().unwrap()["a"]));
        assert_eq!(m.as_object().unwrap()["b"], Value::from(1));
        assert!(is_unknown(&eval(r#"jsonencode({a = u})"#)));
        assert!(is_unknown(&eval(r#"__eq(u, "x")"#)));
        assert_eq!(eval(r#"__and(false, u)"#), Value::Bool(false));
    }
}
