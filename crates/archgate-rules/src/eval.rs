//! Evaluates a [`Condition`] on one resource.
//!
//! Four outcomes, combined like Kleene logic with an extra "does not apply":
//! - `Pass` / `Fail`: the condition (which describes the *passing* state,
//!   as in Checkov) holds or not;
//! - `Unknown`: a value the condition needs is an unresolved expression
//!   (`Value::Unknown`, a CloudFormation intrinsic, a YAML tag). Checkov
//!   treats variable-dependent attributes as passing; archgate never reports
//!   on an unknown either, so only `Fail` makes a finding;
//! - `NotApplicable`: the leaf names other resource kinds (or a filter
//!   excludes the resource). `and`/`or` ignore such children, so one rule
//!   can carry a branch per resource kind.
//!
//! Attribute paths: `.`-separated segments; `*` matches any key or index;
//! a numeric segment indexes a list; a name met on a list is looked up in
//! every element (Terraform nested blocks are lists of mappings, so
//! `versioning.enabled` reads `versioning[*].enabled`); a key containing
//! dots (`metadata.annotations.seccomp.security.alpha.kubernetes.io/pod`) is
//! matched whole when no shorter key exists. When a path matches several
//! values, positive operators need one value to satisfy them and negative
//! ones (`not_*`) need all; `jsonpath_*` operators need all.

use crate::cond::{parse_cidr, Attribute, Condition, Connection, Lit, Op};
use crate::context::Context;
use archgate_core::{Node, Value};
use archgate_iac::{Resource, SourceKind};

/// The result of a condition on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail,
    Unknown,
    NotApplicable,
}

/// Evaluates `cond` on `res`; when it fails, the second value explains the
/// first failing leaf ("`versioning.enabled` should equal true").
pub fn evaluate(
    cond: &Condition,
    res: &Resource,
    ctx: Option<&Context>,
) -> (Outcome, Option<String>) {
    evaluate_keyed(cond, res, &kind_key(res), ctx)
}

/// [`evaluate`] with `res`'s [`kind_key`] already computed (the engine
/// computes it once per resource, not once per rule).
pub(crate) fn evaluate_keyed(
    cond: &Condition,
    res: &Resource,
    key: &str,
    ctx: Option<&Context>,
) -> (Outcome, Option<String>) {
    let mut why = None;
    let o = eval(cond, res, key, ctx, &mut why);
    (o, if o == Outcome::Fail { why } else { None })
}

fn eval(
    cond: &Condition,
    res: &Resource,
    key: &str,
    ctx: Option<&Context>,
    why: &mut Option<String>,
) -> Outcome {
    match cond {
        Condition::And(items) => {
            let mut acc = Outcome::NotApplicable;
            for i in items {
                match eval(i, res, key, ctx, why) {
                    Outcome::Fail => return Outcome::Fail,
                    Outcome::Unknown => acc = Outcome::Unknown,
                    Outcome::Pass if acc == Outcome::NotApplicable => acc = Outcome::Pass,
                    _ => {}
                }
            }
            acc
        }
        Condition::Or(items) => {
            let mut acc = Outcome::NotApplicable;
            let mut whys: Vec<String> = Vec::new();
            for i in items {
                let mut w = None;
                match eval(i, res, key, ctx, &mut w) {
                    Outcome::Pass => return Outcome::Pass,
                    Outcome::Unknown => acc = Outcome::Unknown,
                    Outcome::Fail => {
                        if acc == Outcome::NotApplicable {
                            acc = Outcome::Fail;
                        }
                        whys.extend(w);
                    }
                    _ => {}
                }
            }
            if acc == Outcome::Fail && why.is_none() {
                // Every alternative failed: say what would have satisfied it.
                whys.dedup();
                *why = match whys.len() {
                    0 => None,
                    1 => whys.pop(),
                    _ => Some(combine_alternatives(&whys)),
                };
            }
            acc
        }
        Condition::Not(inner) => {
            let mut w = None;
            match eval(inner, res, key, ctx, &mut w) {
                Outcome::Pass => {
                    if why.is_none() {
                        *why = Some("a setting the rule forbids is present".into());
                    }
                    Outcome::Fail
                }
                Outcome::Fail => Outcome::Pass,
                o => o,
            }
        }
        // Which kinds a filter admits is decided before evaluation (see
        // `Condition::kinds`); inside the tree it neither passes nor fails.
        Condition::Filter(_) => Outcome::NotApplicable,
        Condition::Attribute(a) => {
            if !a.resource_types.contains(key) {
                return Outcome::NotApplicable;
            }
            let o = attribute(a, &res.body);
            if o == Outcome::Fail && why.is_none() {
                *why = Some(describe(a, &res.body));
            }
            o
        }
        Condition::Connection(c) => {
            let o = connection(c, res, key, ctx);
            if o == Outcome::Fail && why.is_none() {
                *why = Some(describe_connection(c, res, key));
            }
            o
        }
    }
}

fn connection(c: &Connection, res: &Resource, key: &str, ctx: Option<&Context>) -> Outcome {
    let Some(ctx) = ctx else {
        return Outcome::Unknown;
    };
    let other: &crate::cond::Kinds = if c.resource_types.contains(key) {
        &c.connected_resource_types
    } else if c.connected_resource_types.contains(key) {
        &c.resource_types
    } else {
        return Outcome::NotApplicable;
    };
    let connected = ctx.connected(res, &|o| other.contains(&kind_key(o)));
    if connected == c.exists {
        Outcome::Pass
    } else {
        Outcome::Fail
    }
}

fn describe_connection(c: &Connection, res: &Resource, key: &str) -> String {
    let other = if c.resource_types.contains(key) {
        &c.connected_resource_types
    } else {
        &c.resource_types
    };
    let names = match other {
        crate::cond::Kinds::All => "any resource".to_string(),
        crate::cond::Kinds::Only(l) => l.join(" or "),
    };
    if c.exists {
        format!("an {names} must refer to `{}`", res.address)
    } else {
        format!("`{}` must not be connected to {names}", res.address)
    }
}

/// "found `x` = 30; accepted: `x` must not be set, or must be at least 365":
/// the alternatives of a failed `or`, with each distinct finding said once.
fn combine_alternatives(whys: &[String]) -> String {
    let mut found: Vec<String> = Vec::new();
    let mut accepted: Vec<String> = Vec::new();
    let mut last_attr = "";
    for w in whys {
        let (req, seen) = match w.rsplit_once(" (") {
            Some((r, f)) if f.ends_with(')') => (r, Some(&f[..f.len() - 1])),
            _ => (w.as_str(), None),
        };
        // Requirements about the same attribute read better without repeating its name.
        let (attr, rest) = match req.strip_prefix('`').and_then(|r| r.split_once("` ")) {
            Some((a, rest)) => (a, rest),
            None => ("", req),
        };
        if !attr.is_empty() && attr == last_attr {
            accepted.push(rest.to_string());
        } else {
            accepted.push(req.to_string());
        }
        last_attr = attr;
        if let Some(seen) = seen {
            let seen = if attr.is_empty() {
                seen.to_string()
            } else if seen == "not set" {
                format!("`{attr}` not set")
            } else {
                format!("`{attr}` = {}", seen.trim_start_matches("found "))
            };
            if !found.contains(&seen) {
                found.push(seen);
            }
        }
    }
    if found.is_empty() {
        format!("none of these holds: {}", accepted.join(", or "))
    } else {
        format!(
            "found {}; accepted: {}",
            found.join(", "),
            accepted.join(", or ")
        )
    }
}

fn describe(a: &Attribute, body: &Node) -> String {
    let v = a.value.as_ref().map(Lit::text).unwrap_or_default();
    let what = match a.op {
        Op::Exists | Op::OneExists => "must be set".to_string(),
        Op::NotExists => "must not be set".to_string(),
        Op::Any => "must be present".to_string(),
        Op::IsEmpty => "must be empty".to_string(),
        Op::IsNotEmpty => "must not be empty".to_string(),
        Op::IsTrue => "must be true".to_string(),
        Op::IsFalse => "must be false".to_string(),
        Op::Equals | Op::EqualsIgnoreCase => format!("must be {v}"),
        Op::NotEquals | Op::NotEqualsIgnoreCase => format!("must not be {v}"),
        Op::GreaterThan => format!("must be greater than {v}"),
        Op::GreaterThanOrEqual => format!("must be at least {v}"),
        Op::LessThan => format!("must be less than {v}"),
        Op::LessThanOrEqual => format!("must be at most {v}"),
        Op::Within => format!("must be one of {v}"),
        Op::NotWithin => format!("must not be one of {v}"),
        op => format!(
            "must {} {v}",
            op.name().trim_start_matches("jsonpath_").replace('_', " ")
        ),
    };
    if a.path.iter().any(|p| p == "*") && !a.op.is_negative() {
        // A wildcard path passes when any element satisfies it: say none does.
        return format!(
            "no `{}` {}",
            a.attribute,
            what.replacen("must be", "is", 1).replacen("must ", "", 1)
        );
    }
    // Say what was found, so the reader need not open the file.
    let mut found = Vec::new();
    let mut unknown = false;
    resolve(body, &a.path, &mut found, &mut unknown);
    let seen = match found.iter().find(|n| !n.is_null()) {
        None if matches!(a.op, Op::Exists | Op::OneExists) => String::new(),
        None => " (not set)".to_string(),
        Some(n) => match n.scalar_text() {
            Some(t) if t.chars().count() <= 60 => format!(" (found {t})"),
            _ => String::new(),
        },
    };
    format!("`{}` {what}{seen}", a.attribute)
}

/// The kind a rule names to match `res`: the resource kind, or
/// `data.<type>` for a Terraform data source (so `aws_s3_bucket` rules do
/// not judge `data "aws_s3_bucket"` lookups).
pub fn kind_key(res: &Resource) -> std::borrow::Cow<'_, str> {
    if res.block == "data"
        && matches!(
            res.source,
            SourceKind::Terraform | SourceKind::TerraformPlan
        )
    {
        std::borrow::Cow::Owned(format!("data.{}", res.kind))
    } else {
        std::borrow::Cow::Borrowed(res.kind.as_str())
    }
}

/// True for values whose content is not known at scan time.
pub fn is_unresolved(n: &Node) -> bool {
    match &n.value {
        Value::Unknown(_) | Value::Tagged(..) => true,
        Value::Map(entries) if entries.len() == 1 => {
            let k = entries[0].0.name.as_str();
            k == "Ref" || k.starts_with("Fn::")
        }
        _ => false,
    }
}

/// Collects the nodes `path` reaches; `unknown` is set when the walk went
/// through an unresolved value (the answer may be hidden there).
pub fn resolve<'n>(node: &'n Node, path: &[String], out: &mut Vec<&'n Node>, unknown: &mut bool) {
    let Some((seg, rest)) = path.split_first() else {
        out.push(node);
        return;
    };
    if is_unresolved(node) {
        *unknown = true;
        return;
    }
    match &node.value {
        Value::Seq(items) => {
            if seg == "*" {
                items.iter().for_each(|i| resolve(i, rest, out, unknown));
            } else if let Ok(idx) = seg.parse::<usize>() {
                if let Some(i) = items.get(idx) {
                    resolve(i, rest, out, unknown);
                }
            } else {
                // Implicit traversal of block lists.
                items.iter().for_each(|i| resolve(i, path, out, unknown));
            }
        }
        Value::Map(entries) => {
            if seg == "*" {
                entries
                    .iter()
                    .for_each(|(_, v)| resolve(v, rest, out, unknown));
                return;
            }
            if let Some(v) = node.get(seg) {
                resolve(v, rest, out, unknown);
                return;
            }
            // A key with dots in it (annotations, tags). Most misses are
            // plain absent attributes: only build the joined names when a
            // key starts with `seg.`.
            let dotted = entries.iter().any(|(k, _)| {
                k.name.len() > seg.len()
                    && k.name.starts_with(seg.as_str())
                    && k.name.as_bytes().get(seg.len()) == Some(&b'.')
            });
            if !dotted {
                return;
            }
            for k in 2..=path.len() {
                let joined = path[..k].join(".");
                if let Some(v) = node.get(&joined) {
                    resolve(v, &path[k..], out, unknown);
                    return;
                }
            }
        }
        _ => {}
    }
}

fn attribute(a: &Attribute, body: &Node) -> Outcome {
    if a.op == Op::Any {
        return Outcome::Pass;
    }
    let mut found = Vec::new();
    let mut unknown = false;
    resolve(body, &a.path, &mut found, &mut unknown);
    // `x = null` in Terraform means "not set".
    found.retain(|n| !n.is_null());
    if found.is_empty() {
        return if unknown {
            Outcome::Unknown
        } else {
            on_missing(a.op)
        };
    }
    let all = a.op.is_negative() || a.jsonpath;
    let mut acc = if unknown {
        Outcome::Unknown
    } else if all {
        Outcome::Pass
    } else {
        Outcome::Fail
    };
    for n in found {
        // An attribute written with an unresolved value is set: `exists`
        // passes on it (as Checkov passes variable-dependent attributes)
        // and `not_exists` fails on a reference such as
        // `aws_eip.ip.id`. A variable the reader could not resolve (an
        // optional module input, see `archgate_iac::terraform`) may still
        // be null, though, so `not_exists` is unknown there.
        let o = if (is_unresolved(n) && !matches!(a.op, Op::Exists | Op::OneExists | Op::NotExists))
            || (a.op == Op::NotExists && maybe_null(n))
        {
            Outcome::Unknown
        } else {
            one(a, n)
        };
        match (all, o) {
            (false, Outcome::Pass) => return Outcome::Pass,
            (true, Outcome::Fail) => return Outcome::Fail,
            (_, Outcome::Unknown) => acc = Outcome::Unknown,
            _ => {}
        }
    }
    acc
}

/// An unresolved Terraform variable (`var.kms_key_id`): set as written,
/// but its value, null included, is the caller's.
fn maybe_null(n: &Node) -> bool {
    matches!(&n.value, Value::Unknown(text) if text.starts_with("var."))
}

/// The outcome when the path matches nothing.
fn on_missing(op: Op) -> Outcome {
    if op.is_negative() {
        Outcome::Pass
    } else {
        Outcome::Fail
    }
}

fn pass(b: bool) -> Outcome {
    if b {
        Outcome::Pass
    } else {
        Outcome::Fail
    }
}

/// Outcome of a tri-state comparison (None = unresolved inside).
fn tri(b: Option<bool>) -> Outcome {
    match b {
        Some(b) => pass(b),
        None => Outcome::Unknown,
    }
}

fn one(a: &Attribute, n: &Node) -> Outcome {
    let empty = Lit::List(Vec::new());
    let v = a.value.as_ref().unwrap_or(&empty);
    match a.op {
        Op::Exists | Op::OneExists | Op::Any => Outcome::Pass,
        Op::NotExists => Outcome::Fail,
        Op::Equals => tri(equals(n, v, false)),
        Op::NotEquals => tri(equals(n, v, false).map(|b| !b)),
        Op::EqualsIgnoreCase => tri(equals(n, v, true)),
        Op::NotEqualsIgnoreCase => tri(equals(n, v, true).map(|b| !b)),
        Op::RegexMatch => tri(regex_match(a, n)),
        Op::NotRegexMatch => tri(regex_match(a, n).map(|b| !b)),
        Op::Contains => tri(contains(n, v)),
        Op::NotContains => tri(contains(n, v).map(|b| !b)),
        Op::Within | Op::Subset => tri(subset(n, v)),
        Op::NotWithin | Op::NotSubset => tri(subset(n, v).map(|b| !b)),
        Op::Intersects => tri(intersects(n, v)),
        Op::NotIntersects => tri(intersects(n, v).map(|b| !b)),
        Op::StartingWith => text_op(n, |t| t.starts_with(&v.text())),
        Op::NotStartingWith => text_op(n, |t| !t.starts_with(&v.text())),
        Op::EndingWith => text_op(n, |t| t.ends_with(&v.text())),
        Op::NotEndingWith => text_op(n, |t| !t.ends_with(&v.text())),
        Op::GreaterThan => ordered(n, v, |o| o.is_gt()),
        Op::GreaterThanOrEqual => ordered(n, v, |o| o.is_ge()),
        Op::LessThan => ordered(n, v, |o| o.is_lt()),
        Op::LessThanOrEqual => ordered(n, v, |o| o.is_le()),
        Op::IsEmpty => length(n).map_or(Outcome::Fail, |l| pass(l == 0)),
        Op::IsNotEmpty => length(n).map_or(Outcome::Pass, |l| pass(l > 0)),
        Op::LengthEquals => len_op(n, v, |l, x| l == x),
        Op::LengthNotEquals => len_op(n, v, |l, x| l != x),
        Op::LengthGreaterThan => len_op(n, v, |l, x| l > x),
        Op::LengthGreaterThanOrEqual => len_op(n, v, |l, x| l >= x),
        Op::LengthLessThan => len_op(n, v, |l, x| l < x),
        Op::LengthLessThanOrEqual => len_op(n, v, |l, x| l <= x),
        Op::IsTrue => pass(n.as_bool() == Some(true)),
        Op::IsFalse => pass(n.as_bool() == Some(false)),
        Op::RangeIncludes => tri(range_includes(n, v)),
        Op::RangeNotIncludes => tri(range_includes(n, v).map(|b| !b)),
        Op::CidrRangeSubset => tri(cidr_subset(n, v)),
        Op::CidrRangeNotSubset => tri(cidr_subset(n, v).map(|b| !b)),
    }
}

/// Scalar equality with YAML/HCL type coercion: `true` equals `"true"`,
/// `80` equals `"80"`. A one-element list equals its element.
fn scalar_eq(n: &Node, l: &Lit, fold: bool) -> Option<bool> {
    if is_unresolved(n) {
        return None;
    }
    Some(match (&n.value, l) {
        (Value::Null, Lit::Null) => true,
        (Value::Bool(b), Lit::Bool(x)) => b == x,
        (Value::Bool(b), Lit::Str(s)) | (Value::Str(s), Lit::Bool(b)) => {
            s.trim().eq_ignore_ascii_case(&b.to_string())
        }
        (Value::Int(_) | Value::Float(_) | Value::Str(_), Lit::Int(_) | Lit::Float(_))
        | (Value::Int(_) | Value::Float(_), Lit::Str(_)) => match (n.as_f64(), l.as_f64()) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        },
        (Value::Str(s), Lit::Str(x)) => {
            if fold {
                s.to_lowercase() == x.to_lowercase()
            } else {
                s == x
            }
        }
        (Value::Seq(items), Lit::List(xs)) => {
            if items.len() != xs.len() {
                return Some(false);
            }
            let mut any_unknown = false;
            for (i, x) in items.iter().zip(xs) {
                match scalar_eq(i, x, fold) {
                    Some(false) => return Some(false),
                    None => any_unknown = true,
                    Some(true) => {}
                }
            }
            return if any_unknown { None } else { Some(true) };
        }
        (Value::Seq(items), _) if items.len() == 1 => return scalar_eq(&items[0], l, fold),
        _ => false,
    })
}

fn equals(n: &Node, l: &Lit, fold: bool) -> Option<bool> {
    scalar_eq(n, l, fold)
}

fn regex_match(a: &Attribute, n: &Node) -> Option<bool> {
    let re = a.regex.get_or_init(|| {
        // Checkov uses Python's `re.match`: anchored at the start only.
        let pat = a.value.as_ref().map(Lit::text).unwrap_or_default();
        regex::Regex::new(&format!("^(?:{pat})")).ok()
    });
    let re = re.as_ref()?;
    match &n.value {
        Value::Seq(items) => {
            let mut unknown = false;
            for i in items {
                if is_unresolved(i) {
                    unknown = true;
                } else if i.scalar_text().is_some_and(|t| re.is_match(&t)) {
                    return Some(true);
                }
            }
            if unknown {
                None
            } else {
                Some(false)
            }
        }
        _ => Some(n.scalar_text().is_some_and(|t| re.is_match(&t))),
    }
}

fn contains(n: &Node, l: &Lit) -> Option<bool> {
    match &n.value {
        Value::Seq(items) => {
            let mut unknown = false;
            for i in items {
                match scalar_eq(i, l, false) {
                    Some(true) => return Some(true),
                    None => unknown = true,
                    Some(false) => {}
                }
            }
            if unknown {
                None
            } else {
                Some(false)
            }
        }
        Value::Map(entries) => {
            let t = l.text();
            Some(entries.iter().any(|(k, _)| k.name == t))
        }
        Value::Str(s) => Some(s.contains(&l.text())),
        _ => n.scalar_text().map(|s| s == l.text()),
    }
}

/// Every element of `n` (or `n` itself) is one of the list's items.
fn subset(n: &Node, l: &Lit) -> Option<bool> {
    let items: Vec<&Node> = match &n.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![n],
    };
    let mut unknown = false;
    for i in items {
        let mut hit = false;
        for x in l.items() {
            match scalar_eq(i, x, false) {
                Some(true) => {
                    hit = true;
                    break;
                }
                None => unknown = true,
                Some(false) => {}
            }
        }
        if !hit && !unknown {
            return Some(false);
        }
    }
    if unknown {
        None
    } else {
        Some(true)
    }
}

fn intersects(n: &Node, l: &Lit) -> Option<bool> {
    let items: Vec<&Node> = match &n.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![n],
    };
    let mut unknown = false;
    for i in items {
        for x in l.items() {
            match scalar_eq(i, x, false) {
                Some(true) => return Some(true),
                None => unknown = true,
                Some(false) => {}
            }
        }
    }
    if unknown {
        None
    } else {
        Some(false)
    }
}

fn text_op(n: &Node, f: impl Fn(&str) -> bool) -> Outcome {
    match &n.value {
        Value::Seq(items) if items.len() == 1 => text_op(&items[0], f),
        _ => match n.scalar_text() {
            Some(t) => pass(f(&t)),
            None => Outcome::Fail,
        },
    }
}

fn ordered(n: &Node, l: &Lit, f: impl Fn(std::cmp::Ordering) -> bool) -> Outcome {
    if let (Some(a), Some(b)) = (n.as_f64(), l.as_f64()) {
        return a.partial_cmp(&b).map_or(Outcome::Fail, |o| pass(f(o)));
    }
    match (n.scalar_text(), l) {
        (Some(t), Lit::Str(s)) => pass(f(t.as_str().cmp(s.as_str()))),
        _ => Outcome::Fail,
    }
}

fn length(n: &Node) -> Option<usize> {
    match &n.value {
        Value::Str(s) => Some(s.chars().count()),
        Value::Seq(items) => Some(items.len()),
        Value::Map(entries) => Some(entries.len()),
        Value::Null => Some(0),
        _ => None,
    }
}

fn len_op(n: &Node, l: &Lit, f: impl Fn(usize, usize) -> bool) -> Outcome {
    let want = l.as_f64().map(|x| x as usize).unwrap_or(0);
    match length(n) {
        Some(len) => pass(f(len, want)),
        None => Outcome::Fail,
    }
}

/// `n` is a port range (`"80-443"`, `"22"`, `8080`, `"*"`) or a list of
/// them; true when the literal port lies within one.
fn range_includes(n: &Node, l: &Lit) -> Option<bool> {
    let port = l.as_f64()? as i64;
    let within = |t: &str| -> bool {
        let t = t.trim();
        if t == "*" || t.eq_ignore_ascii_case("all") {
            return true;
        }
        match t.split_once('-') {
            Some((a, b)) => match (a.trim().parse::<i64>(), b.trim().parse::<i64>()) {
                (Ok(a), Ok(b)) => a <= port && port <= b,
                _ => false,
            },
            None => t.parse::<i64>() == Ok(port),
        }
    };
    match &n.value {
        Value::Seq(items) => {
            let mut unknown = false;
            for i in items {
                if is_unresolved(i) {
                    unknown = true;
                } else if i.scalar_text().is_some_and(|t| within(&t)) {
                    return Some(true);
                }
            }
            if unknown {
                None
            } else {
                Some(false)
            }
        }
        _ => Some(n.scalar_text().is_some_and(|t| within(&t))),
    }
}

/// Every CIDR in `n` lies inside one of the literal's CIDRs.
fn cidr_subset(n: &Node, l: &Lit) -> Option<bool> {
    let outer: Vec<(u128, u8, bool)> = l
        .items()
        .iter()
        .filter_map(|x| parse_cidr(&x.text()))
        .collect();
    let inside = |t: &str| -> bool {
        let Some((addr, len, v6)) = parse_cidr(t) else {
            return false;
        };
        outer.iter().any(|&(o, olen, ov6)| {
            if v6 != ov6 || len < olen {
                return false;
            }
            let bits = if v6 { 128 } else { 32 };
            let shift = bits - olen as u32;
            let (a, b) = if shift >= 128 {
                (0, 0)
            } else {
                (addr >> shift, o >> shift)
            };
            a == b
        })
    };
    let items: Vec<&Node> = match &n.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![n],
    };
    let mut unknown = false;
    for i in items {
        if is_unresolved(i) {
            unknown = true;
        } else if !i.scalar_text().is_some_and(|t| inside(&t)) {
            return Some(false);
        }
    }
    if unknown {
        None
    } else {
        Some(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cond::parse_condition;
    use archgate_core::yaml::parse_documents;
    use archgate_core::Span;

    fn node(yaml: &str) -> Node {
        parse_documents(yaml).unwrap().remove(0)
    }

    fn resource(kind: &str, body: Node) -> Resource {
        Resource {
            source: SourceKind::Terraform,
            block: "resource".into(),
            kind: kind.into(),
            name: "x".into(),
            address: format!("{kind}.x"),
            file: "main.tf".into(),
            span: Span::default(),
            body,
            module: None,
            multiple: false,
            labels: Vec::new(),
        }
    }

    fn unknown(text: &str) -> Node {
        Node::new(Value::Unknown(text.into()), Span::default())
    }

    /// Evaluates a condition (YAML) on a body (YAML).
    fn run(cond: &str, body: &str) -> Outcome {
        let c = parse_condition("c.yaml", &node(cond)).unwrap();
        evaluate(&c, &resource("t", node(body)), None).0
    }

    fn attr(op: &str, path: &str, value: &str) -> String {
        format!("{{cond_type: attribute, resource_types: [t], attribute: '{path}', operator: {op}, value: {value}}}")
    }

    use Outcome::{Fail, NotApplicable, Pass, Unknown};

    #[test]
    fn equality_with_coercion_and_block_lists() {
        assert_eq!(
            run(
                &attr("equals", "versioning.enabled", "true"),
                "versioning: [{enabled: true}]"
            ),
            Pass
        );
        assert_eq!(
            run(
                &attr("equals", "versioning.enabled", "true"),
                "versioning: [{enabled: 'true'}]"
            ),
            Pass
        );
        assert_eq!(
            run(
                &attr("equals", "versioning.enabled", "true"),
                "versioning: [{enabled: false}]"
            ),
            Fail
        );
        assert_eq!(
            run(&attr("equals", "versioning.enabled", "true"), "{}"),
            Fail
        );
        assert_eq!(run(&attr("equals", "port", "'80'"), "port: 80"), Pass);
        assert_eq!(
            run(&attr("not_equals", "acl", "public-read"), "{}"),
            Pass,
            "missing passes negatives"
        );
        assert_eq!(
            run(
                &attr("not_equals", "acl", "public-read"),
                "acl: public-read"
            ),
            Fail
        );
        assert_eq!(run(&attr("equals_ignore_case", "s", "abc"), "s: ABC"), Pass);
        assert_eq!(
            run(&attr("not_equals_ignore_case", "s", "abc"), "s: ABC"),
            Fail
        );
    }

    #[test]
    fn wildcards_any_for_positive_all_for_negative() {
        let body = "ingress: [{cidr: 10.0.0.0/8}, {cidr: 0.0.0.0/0}]";
        assert_eq!(
            run(&attr("equals", "ingress.*.cidr", "0.0.0.0/0"), body),
            Pass
        );
        assert_eq!(
            run(&attr("not_equals", "ingress.*.cidr", "0.0.0.0/0"), body),
            Fail
        );
        assert_eq!(
            run(&attr("not_equals", "ingress.*.cidr", "1.1.1.1/32"), body),
            Pass
        );
        assert_eq!(
            run(
                &attr("jsonpath_equals", "$.ingress[*].cidr", "0.0.0.0/0"),
                body
            ),
            Fail,
            "jsonpath needs all"
        );
        assert_eq!(
            run(&attr("equals", "ingress.1.cidr", "0.0.0.0/0"), body),
            Pass
        );
        assert_eq!(
            run(&attr("equals", "ingress.0.cidr", "0.0.0.0/0"), body),
            Fail
        );
    }

    #[test]
    fn unknown_values_never_fail() {
        let c = parse_condition("c", &node(&attr("equals", "versioning.enabled", "true"))).unwrap();
        let mut body = node("versioning: [{enabled: x}]");
        if let Value::Map(e) = &mut body.value {
            if let Value::Seq(items) = &mut e[0].1.value {
                if let Value::Map(inner) = &mut items[0].value {
                    inner[0].1 = unknown("var.enabled");
                }
            }
        }
        assert_eq!(evaluate(&c, &resource("t", body), None).0, Unknown);
        // The path goes through an unknown block.
        let body = Node::new(
            Value::Map(vec![(
                archgate_core::Key {
                    name: "versioning".into(),
                    span: Span::default(),
                },
                unknown("local.v"),
            )]),
            Span::default(),
        );
        assert_eq!(evaluate(&c, &resource("t", body.clone()), None).0, Unknown);
        let neg = parse_condition(
            "c",
            &node(&attr("not_equals", "versioning.enabled", "true")),
        )
        .unwrap();
        assert_eq!(evaluate(&neg, &resource("t", body), None).0, Unknown);
        // CloudFormation intrinsics and tags are unknown too.
        assert_eq!(
            run(&attr("equals", "Status", "Enabled"), "Status: {Ref: P}"),
            Unknown
        );
        assert_eq!(
            run(&attr("equals", "Status", "Enabled"), "Status: !Ref P"),
            Unknown
        );
        assert_eq!(
            run(
                "{cond_type: attribute, resource_types: [t], attribute: Status, operator: exists}",
                "Status: !Ref P"
            ),
            Pass
        );
    }

    #[test]
    fn collection_operators() {
        let body = "list: [a, b]\ns: hello world\nm: {k: v}\nempty: []";
        assert_eq!(run(&attr("contains", "list", "a"), body), Pass);
        assert_eq!(run(&attr("contains", "s", "lo wo"), body), Pass);
        assert_eq!(run(&attr("contains", "m", "k"), body), Pass);
        assert_eq!(run(&attr("not_contains", "list", "c"), body), Pass);
        assert_eq!(run(&attr("within", "list", "[a, b, c]"), body), Pass);
        assert_eq!(run(&attr("within", "list", "[a]"), body), Fail);
        assert_eq!(run(&attr("not_within", "s", "[x]"), body), Pass);
        assert_eq!(run(&attr("subset", "list", "[a, b]"), body), Pass);
        assert_eq!(run(&attr("not_subset", "list", "[a]"), body), Pass);
        assert_eq!(run(&attr("intersects", "list", "[b, z]"), body), Pass);
        assert_eq!(run(&attr("not_intersects", "list", "[z]"), body), Pass);
        assert_eq!(
            run(
                "{cond_type: attribute, resource_types: [t], attribute: empty, operator: is_empty}",
                body
            ),
            Pass
        );
        assert_eq!(run("{cond_type: attribute, resource_types: [t], attribute: list, operator: is_not_empty}", body), Pass);
        assert_eq!(run(&attr("length_equals", "list", "2"), body), Pass);
        assert_eq!(run(&attr("length_greater_than", "s", "20"), body), Fail);
        assert_eq!(
            run(&attr("length_less_than_or_equal", "m", "1"), body),
            Pass
        );
        assert_eq!(run(&attr("length_not_equals", "list", "3"), body), Pass);
    }

    #[test]
    fn text_number_regex_and_range_operators() {
        let body = "name: prod-db\nretention: 30\nport: '20-25'\ncidrs: [10.1.0.0/16, 10.2.3.0/24]";
        assert_eq!(run(&attr("starting_with", "name", "prod"), body), Pass);
        assert_eq!(run(&attr("not_starting_with", "name", "prod"), body), Fail);
        assert_eq!(run(&attr("ending_with", "name", "-db"), body), Pass);
        assert_eq!(run(&attr("not_ending_with", "name", "-db"), body), Fail);
        assert_eq!(run(&attr("regex_match", "name", "'[a-z]+-db'"), body), Pass);
        assert_eq!(
            run(&attr("regex_match", "name", "db"), body),
            Fail,
            "anchored at the start like re.match"
        );
        assert_eq!(run(&attr("not_regex_match", "name", "test"), body), Pass);
        assert_eq!(
            run(&attr("greater_than_or_equal", "retention", "30"), body),
            Pass
        );
        assert_eq!(run(&attr("greater_than", "retention", "30"), body), Fail);
        assert_eq!(run(&attr("less_than", "retention", "'365'"), body), Pass);
        assert_eq!(
            run(&attr("less_than_or_equal", "retention", "29"), body),
            Fail
        );
        assert_eq!(run(&attr("range_includes", "port", "22"), body), Pass);
        assert_eq!(run(&attr("range_not_includes", "port", "80"), body), Pass);
        assert_eq!(
            run(&attr("cidr_range_subset", "cidrs", "10.0.0.0/8"), body),
            Pass
        );
        assert_eq!(
            run(&attr("cidr_range_subset", "cidrs", "10.1.0.0/16"), body),
            Fail
        );
        assert_eq!(
            run(
                &attr("cidr_range_not_subset", "cidrs", "192.168.0.0/16"),
                body
            ),
            Pass
        );
        assert_eq!(
            run(
                "{cond_type: attribute, resource_types: [t], attribute: f, operator: is_false}",
                "f: false"
            ),
            Pass
        );
        assert_eq!(
            run(
                "{cond_type: attribute, resource_types: [t], attribute: f, operator: is_true}",
                "f: 'false'"
            ),
            Fail
        );
    }

    #[test]
    fn existence_and_dotted_keys() {
        let ex = |op: &str, path: &str| {
            format!("{{cond_type: attribute, resource_types: [t], attribute: '{path}', operator: {op}}}")
        };
        let body = "logging: [{target: b}]\nmetadata: {annotations: {seccomp.security.alpha.kubernetes.io/pod: runtime/default}}\nnothing: null";
        assert_eq!(run(&ex("exists", "logging"), body), Pass);
        assert_eq!(run(&ex("exists", "logging.target"), body), Pass);
        assert_eq!(run(&ex("exists", "nothing"), body), Fail, "null is unset");
        assert_eq!(run(&ex("not_exists", "website"), body), Pass);
        assert_eq!(run(&ex("not_exists", "logging"), body), Fail);
        // Set to an unresolved value: not absent, but maybe null.
        let c = |op: &str| parse_condition("c", &node(&ex(op, "kms"))).unwrap();
        let unresolved = Node::new(
            Value::Map(vec![(
                archgate_core::Key {
                    name: "kms".into(),
                    span: Span::default(),
                },
                unknown("var.kms"),
            )]),
            Span::default(),
        );
        let r = resource("t", unresolved.clone());
        assert_eq!(evaluate(&c("exists"), &r, None).0, Pass);
        assert_eq!(evaluate(&c("not_exists"), &r, None).0, Unknown);
        // A reference to another resource is set: `not_exists` fails.
        let mut reference = unresolved;
        if let Value::Map(e) = &mut reference.value {
            e[0].1 = unknown("aws_eip.ip.id");
        }
        let r = resource("t", reference);
        assert_eq!(evaluate(&c("exists"), &r, None).0, Pass);
        assert_eq!(evaluate(&c("not_exists"), &r, None).0, Fail);
        assert_eq!(run(&ex("one_exists", "logging"), body), Pass);
        assert_eq!(run(&ex("any", "whatever"), body), Pass);
        assert_eq!(
            run(
                &attr(
                    "equals",
                    "metadata.annotations.seccomp.security.alpha.kubernetes.io/pod",
                    "runtime/default"
                ),
                body
            ),
            Pass
        );
    }

    #[test]
    fn and_or_not_and_applicability() {
        let both = format!(
            "and: [{}, {}]",
            attr("equals", "a", "1"),
            attr("equals", "b", "2")
        );
        assert_eq!(run(&both, "{a: 1, b: 2}"), Pass);
        assert_eq!(run(&both, "{a: 1, b: 3}"), Fail);
        let either = format!(
            "or: [{}, {}]",
            attr("equals", "a", "1"),
            attr("equals", "b", "2")
        );
        assert_eq!(run(&either, "{a: 0, b: 2}"), Pass);
        assert_eq!(run(&either, "{a: 0, b: 0}"), Fail);
        assert_eq!(
            run(&format!("not: {}", attr("equals", "a", "1")), "{a: 1}"),
            Fail
        );
        // A branch for another kind neither passes nor fails.
        let other = "{cond_type: attribute, resource_types: [other], attribute: a, operator: equals, value: 9}";
        assert_eq!(run(other, "{a: 1}"), NotApplicable);
        assert_eq!(
            run(
                &format!("or: [{other}, {}]", attr("equals", "a", "2")),
                "{a: 1}"
            ),
            Fail
        );
        assert_eq!(
            run(
                &format!("and: [{other}, {}]", attr("equals", "a", "1")),
                "{a: 1}"
            ),
            Pass
        );
        // Unknown does not hide a definite failure in `and`, nor a pass in `or`.
        let unk = attr("equals", "u", "1");
        assert_eq!(
            run(
                &format!("and: [{unk}, {}]", attr("equals", "a", "2")),
                "{a: 1, u: !Ref x}"
            ),
            Fail
        );
        assert_eq!(
            run(
                &format!("or: [{unk}, {}]", attr("equals", "a", "1")),
                "{a: 1, u: !Ref x}"
            ),
            Pass
        );
        assert_eq!(
            run(
                &format!("or: [{unk}, {}]", attr("equals", "a", "2")),
                "{a: 1, u: !Ref x}"
            ),
            Unknown
        );
    }

    #[test]
    fn failure_is_explained() {
        let c = parse_condition("c", &node(&attr("equals", "versioning.enabled", "true"))).unwrap();
        let (o, why) = evaluate(&c, &resource("t", node("{}")), None);
        assert_eq!(o, Fail);
        assert_eq!(
            why.as_deref(),
            Some("`versioning.enabled` must be true (not set)")
        );
        let (_, why) = evaluate(
            &c,
            &resource("t", node("{versioning: [{enabled: false}]}")),
            None,
        );
        assert_eq!(
            why.as_deref(),
            Some("`versioning.enabled` must be true (found false)")
        );
        // A failed `or` states what was found once and every accepted alternative.
        let c = parse_condition(
            "c",
            &node(&format!(
                "or: [{}, {}]",
                attr("not_exists", "days", ""),
                attr("greater_than_or_equal", "days", "365")
            )),
        )
        .unwrap();
        let (o, why) = evaluate(&c, &resource("t", node("{days: 30}")), None);
        assert_eq!(o, Fail);
        assert_eq!(
            why.as_deref(),
            Some("found `days` = 30; accepted: `days` must not be set, or must be at least 365")
        );
    }

    #[test]
    fn data_sources_are_matched_as_data_kinds() {
        let mut r = resource("aws_s3_bucket", node("{}"));
        assert_eq!(kind_key(&r), "aws_s3_bucket");
        r.block = "data".into();
        assert_eq!(kind_key(&r), "data.aws_s3_bucket");
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn arb_node() -> impl Strategy<Value = Node> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i64>().prop_map(Value::Int),
                any::<f64>().prop_map(Value::Float),
                "[a-z0-9./*-]{0,8}".prop_map(Value::Str),
                "[a-z._]{0,12}".prop_map(Value::Unknown),
            ]
            .prop_map(|v| Node::new(v, Span::default()));
            leaf.prop_recursive(5, 64, 6, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..5)
                        .prop_map(|v| Node::new(Value::Seq(v), Span::default())),
                    prop::collection::vec(("[a-c]{1,2}", inner.clone()), 0..5).prop_map(|v| {
                        Node::new(
                            Value::Map(
                                v.into_iter()
                                    .map(|(k, n)| {
                                        (
                                            archgate_core::Key {
                                                name: k,
                                                span: Span::default(),
                                            },
                                            n,
                                        )
                                    })
                                    .collect(),
                            ),
                            Span::default(),
                        )
                    }),
                    ("[A-Za-z]{1,5}", inner).prop_map(|(t, n)| Node::new(
                        Value::Tagged(t, Box::new(n)),
                        Span::default()
                    )),
                ]
            })
        }

        proptest! {
            #[test]
            fn evaluator_never_panics(body in arb_node(), op in 0usize..crate::cond::OPERATORS.len(), path in "[a-c*0-2]{1,2}(\\.[a-c*0-2]{1,2}){0,3}", value in "[a-c0-9./-]{0,6}") {
                let (name, o) = crate::cond::OPERATORS[op];
                let v = match o.value_kind() {
                    crate::cond::ValueKind::Length | crate::cond::ValueKind::Number => "3".to_string(),
                    crate::cond::ValueKind::Cidr => "10.0.0.0/8".to_string(),
                    crate::cond::ValueKind::Regex => "'[a-c]+'".to_string(),
                    _ => format!("'{value}'"),
                };
                let text = format!("{{cond_type: attribute, resource_types: all, attribute: '{path}', operator: {name}, value: {v}}}");
                let c = parse_condition("c", &node(&text)).unwrap();
                let _ = evaluate(&c, &resource("t", body), None);
            }
        }
    }
}
