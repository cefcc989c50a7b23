//! The condition language: a superset of Checkov's YAML custom-policy
//! `definition` (attribute, connection and filter conditions, `and`/`or`),
//! plus `not`. This module holds the syntax tree and its parser only; the
//! build script includes this same file (via `#[path]`) to validate every
//! built-in rule and to generate code for it, so the parser exists once.
//! Evaluation lives in `eval.rs`.

use archgate_core::{InputError, Key, Node, Value};
use std::sync::OnceLock;

/// Deepest `and`/`or`/`not` nesting accepted (keeps evaluation off the stack limit).
pub const MAX_DEPTH: usize = 64;

/// The resource kinds a condition names: `all`, or a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kinds {
    All,
    Only(Vec<String>),
}

impl Kinds {
    /// True when `kind` is one of the kinds (or the kinds are `all`).
    pub fn contains(&self, kind: &str) -> bool {
        match self {
            Kinds::All => true,
            Kinds::Only(list) => list.iter().any(|k| k == kind),
        }
    }
}

/// A literal value in a condition (`value:`).
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Lit>),
}

impl Lit {
    /// The literal as text, the way it compares against string attributes.
    pub fn text(&self) -> String {
        match self {
            Lit::Null => "null".into(),
            Lit::Bool(b) => b.to_string(),
            Lit::Int(i) => i.to_string(),
            Lit::Float(f) => f.to_string(),
            Lit::Str(s) => s.clone(),
            Lit::List(items) => {
                let inner: Vec<String> = items.iter().map(Lit::text).collect();
                format!("[{}]", inner.join(", "))
            }
        }
    }

    /// The literal as a list (a scalar is a one-element list).
    pub fn items(&self) -> &[Lit] {
        match self {
            Lit::List(items) => items,
            other => std::slice::from_ref(other),
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Lit::Int(i) => Some(*i as f64),
            Lit::Float(f) => Some(*f),
            Lit::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

/// Attribute operators. Names are Checkov's; `jsonpath_<op>` is the same
/// operator with a JSONPath attribute (see [`Attribute::jsonpath`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Equals,
    NotEquals,
    EqualsIgnoreCase,
    NotEqualsIgnoreCase,
    RegexMatch,
    NotRegexMatch,
    Exists,
    NotExists,
    OneExists,
    Any,
    Contains,
    NotContains,
    Within,
    NotWithin,
    StartingWith,
    NotStartingWith,
    EndingWith,
    NotEndingWith,
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
    Subset,
    NotSubset,
    Intersects,
    NotIntersects,
    IsEmpty,
    IsNotEmpty,
    LengthEquals,
    LengthNotEquals,
    LengthGreaterThan,
    LengthGreaterThanOrEqual,
    LengthLessThan,
    LengthLessThanOrEqual,
    IsTrue,
    IsFalse,
    RangeIncludes,
    RangeNotIncludes,
    CidrRangeSubset,
    CidrRangeNotSubset,
}

/// Operator names as written in rules, and the operator each means.
pub const OPERATORS: &[(&str, Op)] = &[
    ("equals", Op::Equals),
    ("not_equals", Op::NotEquals),
    ("equals_ignore_case", Op::EqualsIgnoreCase),
    ("not_equals_ignore_case", Op::NotEqualsIgnoreCase),
    ("regex_match", Op::RegexMatch),
    ("not_regex_match", Op::NotRegexMatch),
    ("exists", Op::Exists),
    ("not_exists", Op::NotExists),
    ("one_exists", Op::OneExists),
    ("any", Op::Any),
    ("contains", Op::Contains),
    ("not_contains", Op::NotContains),
    ("within", Op::Within),
    ("not_within", Op::NotWithin),
    ("starting_with", Op::StartingWith),
    ("not_starting_with", Op::NotStartingWith),
    ("ending_with", Op::EndingWith),
    ("not_ending_with", Op::NotEndingWith),
    ("greater_than", Op::GreaterThan),
    ("greater_than_or_equal", Op::GreaterThanOrEqual),
    ("less_than", Op::LessThan),
    ("less_than_or_equal", Op::LessThanOrEqual),
    ("subset", Op::Subset),
    ("not_subset", Op::NotSubset),
    ("intersects", Op::Intersects),
    ("not_intersects", Op::NotIntersects),
    ("is_empty", Op::IsEmpty),
    ("is_not_empty", Op::IsNotEmpty),
    ("length_equals", Op::LengthEquals),
    ("length_not_equals", Op::LengthNotEquals),
    ("length_greater_than", Op::LengthGreaterThan),
    ("length_greater_than_or_equal", Op::LengthGreaterThanOrEqual),
    ("length_less_than", Op::LengthLessThan),
    ("length_less_than_or_equal", Op::LengthLessThanOrEqual),
    ("is_true", Op::IsTrue),
    ("is_false", Op::IsFalse),
    ("range_includes", Op::RangeIncludes),
    ("range_not_includes", Op::RangeNotIncludes),
    ("cidr_range_subset", Op::CidrRangeSubset),
    ("cidr_range_not_subset", Op::CidrRangeNotSubset),
];

/// What kind of `value:` an operator takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// No value (a given one is ignored, as Checkov does).
    None,
    /// Any scalar or list.
    Any,
    /// A list (a scalar counts as a one-element list).
    List,
    /// A regular expression.
    Regex,
    /// A non-negative integer.
    Length,
    /// A number, or a string compared as text.
    Ordered,
    /// An integer port/number.
    Number,
    /// One or more CIDR blocks.
    Cidr,
}

impl Op {
    pub fn name(self) -> &'static str {
        OPERATORS
            .iter()
            .find(|(_, o)| *o == self)
            .map(|(n, _)| *n)
            .unwrap_or("?")
    }

    pub fn parse(name: &str) -> Option<Op> {
        OPERATORS.iter().find(|(n, _)| *n == name).map(|(_, o)| *o)
    }

    /// Negative operators must hold for every value a wildcard path
    /// matches; positive ones for at least one.
    pub fn is_negative(self) -> bool {
        matches!(
            self,
            Op::NotEquals
                | Op::NotEqualsIgnoreCase
                | Op::NotRegexMatch
                | Op::NotExists
                | Op::NotContains
                | Op::NotWithin
                | Op::NotStartingWith
                | Op::NotEndingWith
                | Op::NotSubset
                | Op::NotIntersects
                | Op::RangeNotIncludes
                | Op::CidrRangeNotSubset
        )
    }

    pub fn value_kind(self) -> ValueKind {
        match self {
            Op::Exists
            | Op::NotExists
            | Op::OneExists
            | Op::Any
            | Op::IsEmpty
            | Op::IsNotEmpty
            | Op::IsTrue
            | Op::IsFalse => ValueKind::None,
            Op::Within
            | Op::NotWithin
            | Op::Subset
            | Op::NotSubset
            | Op::Intersects
            | Op::NotIntersects => ValueKind::List,
            Op::RegexMatch | Op::NotRegexMatch => ValueKind::Regex,
            Op::LengthEquals
            | Op::LengthNotEquals
            | Op::LengthGreaterThan
            | Op::LengthGreaterThanOrEqual
            | Op::LengthLessThan
            | Op::LengthLessThanOrEqual => ValueKind::Length,
            Op::GreaterThan | Op::GreaterThanOrEqual | Op::LessThan | Op::LessThanOrEqual => {
                ValueKind::Ordered
            }
            Op::RangeIncludes | Op::RangeNotIncludes => ValueKind::Number,
            Op::CidrRangeSubset | Op::CidrRangeNotSubset => ValueKind::Cidr,
            _ => ValueKind::Any,
        }
    }
}

/// `cond_type: attribute`: an operator applied to the values at a path.
#[derive(Debug, Clone)]
pub struct Attribute {
    pub resource_types: Kinds,
    /// The path as written (`versioning.enabled`, `ingress.*.cidr_blocks`, `$.a[*].b`).
    pub attribute: String,
    /// The path split into segments; `*` matches any key or index.
    pub path: Vec<String>,
    pub op: Op,
    pub value: Option<Lit>,
    /// Written as `jsonpath_<op>`: every matched value must satisfy the operator.
    pub jsonpath: bool,
    /// The compiled regular expression of `regex_match`, built on first use.
    pub regex: OnceLock<Option<regex::Regex>>,
}

/// `cond_type: connection`: whether a resource references (or is referenced
/// by) a resource of the other kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub resource_types: Kinds,
    pub connected_resource_types: Kinds,
    /// `exists` (true) or `not_exists` (false).
    pub exists: bool,
}

/// A condition tree.
#[derive(Debug, Clone)]
pub enum Condition {
    And(Vec<Condition>),
    Or(Vec<Condition>),
    /// archgate extension: negation.
    Not(Box<Condition>),
    Attribute(Attribute),
    Connection(Connection),
    /// `cond_type: filter` (`attribute: resource_type`, `operator: within`):
    /// resources of other kinds are not judged at all.
    Filter(Vec<String>),
}

impl Condition {
    /// The resource kinds the condition can judge: the filter's kinds when
    /// there is a filter at the top (or in a top-level `and`), otherwise the
    /// union of every leaf's `resource_types` (and connected types).
    pub fn kinds(&self) -> Kinds {
        if let Some(f) = self.top_filter() {
            return Kinds::Only(f);
        }
        let mut acc = Vec::new();
        if self.collect_kinds(&mut acc) {
            Kinds::All
        } else {
            Kinds::Only(acc)
        }
    }

    fn top_filter(&self) -> Option<Vec<String>> {
        match self {
            Condition::Filter(k) => Some(k.clone()),
            Condition::And(items) => {
                let mut out: Option<Vec<String>> = None;
                for i in items {
                    if let Condition::Filter(k) = i {
                        out = Some(match out {
                            None => k.clone(),
                            Some(prev) => prev.into_iter().filter(|p| k.contains(p)).collect(),
                        });
                    }
                }
                out
            }
            _ => None,
        }
    }

    /// Adds leaf kinds to `acc`; true when some leaf applies to all kinds.
    fn collect_kinds(&self, acc: &mut Vec<String>) -> bool {
        let add = |k: &Kinds, acc: &mut Vec<String>| match k {
            Kinds::All => true,
            Kinds::Only(list) => {
                for x in list {
                    if !acc.contains(x) {
                        acc.push(x.clone());
                    }
                }
                false
            }
        };
        match self {
            Condition::And(items) | Condition::Or(items) => {
                let mut all = false;
                for i in items {
                    all |= i.collect_kinds(acc);
                }
                all
            }
            Condition::Not(inner) => inner.collect_kinds(acc),
            Condition::Attribute(a) => add(&a.resource_types, acc),
            Condition::Connection(c) => {
                let a = add(&c.resource_types, acc);
                add(&c.connected_resource_types, acc) || a
            }
            Condition::Filter(k) => add(&Kinds::Only(k.clone()), acc),
        }
    }
}

fn err(file: &str, n: &Node, msg: impl Into<String>) -> InputError {
    InputError::new(file, n.span.line, n.span.col, msg)
}

fn key_err(file: &str, k: &Key, msg: impl Into<String>) -> InputError {
    InputError::new(file, k.span.line, k.span.col, msg)
}

/// Parses a condition (a Checkov `definition`).
pub fn parse_condition(file: &str, node: &Node) -> Result<Condition, InputError> {
    parse_at(file, node, 0)
}

fn parse_at(file: &str, node: &Node, depth: usize) -> Result<Condition, InputError> {
    if depth > MAX_DEPTH {
        return Err(err(
            file,
            node,
            format!("condition nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    let Some(entries) = node.as_map() else {
        return Err(err(
            file,
            node,
            format!("a condition must be a mapping, found {}", node.type_name()),
        )
        .expected("`and: [...]`, `or: [...]`, `not: {...}` or a mapping with `cond_type`"));
    };
    // `and`/`or`/`not` stand alone in their mapping.
    for (k, v) in entries {
        let combinator = match k.name.as_str() {
            "and" | "or" => true,
            "not" => false,
            _ => continue,
        };
        if entries.len() != 1 {
            return Err(key_err(
                file,
                k,
                format!("`{}` must be the only key of its mapping", k.name),
            ));
        }
        if !combinator {
            return Ok(Condition::Not(Box::new(parse_at(file, v, depth + 1)?)));
        }
        let Some(items) = v.as_seq() else {
            return Err(err(
                file,
                v,
                format!(
                    "`{}` takes a list of conditions, found {}",
                    k.name,
                    v.type_name()
                ),
            ));
        };
        if items.is_empty() {
            return Err(err(file, v, format!("`{}` has no conditions", k.name)));
        }
        let parsed = items
            .iter()
            .map(|i| parse_at(file, i, depth + 1))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(if k.name == "and" {
            Condition::And(parsed)
        } else {
            Condition::Or(parsed)
        });
    }
    const LEAF_KEYS: &[&str] = &[
        "cond_type",
        "resource_types",
        "attribute",
        "operator",
        "value",
        "connected_resource_types",
    ];
    for (k, _) in entries {
        if !LEAF_KEYS.contains(&k.name.as_str()) {
            return Err(
                key_err(file, k, format!("unknown key `{}` in a condition", k.name))
                    .expected(format!("one of and, or, not, {}", LEAF_KEYS.join(", "))),
            );
        }
    }
    let cond_type = match node.get("cond_type") {
        Some(n) => n
            .as_str()
            .ok_or_else(|| err(file, n, "`cond_type` must be a string"))?,
        // Checkov defaults to an attribute condition.
        None => "attribute",
    };
    match cond_type {
        "attribute" => parse_attribute(file, node),
        "connection" => parse_connection(file, node),
        "filter" => parse_filter(file, node),
        other => Err(err(
            file,
            node.get("cond_type").unwrap_or(node),
            format!("unknown cond_type `{other}`"),
        )
        .expected("attribute, connection or filter")),
    }
}

fn parse_kinds(file: &str, node: &Node, key: &str) -> Result<Kinds, InputError> {
    let Some(n) = node.get(key).filter(|n| !n.is_null()) else {
        return Err(err(file, node, format!("missing required key `{key}`")));
    };
    match &n.value {
        Value::Str(s) if s.eq_ignore_ascii_case("all") => Ok(Kinds::All),
        Value::Str(s) if !s.trim().is_empty() => Ok(Kinds::Only(vec![s.trim().to_string()])),
        Value::Seq(items) if !items.is_empty() => {
            let mut out = Vec::new();
            for i in items {
                match i.as_str() {
                    Some(s) if s.eq_ignore_ascii_case("all") => return Ok(Kinds::All),
                    Some(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                    _ => {
                        return Err(err(
                            file,
                            i,
                            format!("`{key}` entries must be non-empty strings"),
                        ))
                    }
                }
            }
            Ok(Kinds::Only(out))
        }
        _ => Err(err(
            file,
            n,
            format!("`{key}` must be `all` or a non-empty list of resource kinds"),
        )),
    }
}

fn req_str<'a>(file: &str, node: &'a Node, key: &str) -> Result<(&'a str, &'a Node), InputError> {
    let Some(n) = node.get(key).filter(|n| !n.is_null()) else {
        return Err(err(file, node, format!("missing required key `{key}`")));
    };
    match n.as_str() {
        Some(s) if !s.trim().is_empty() => Ok((s, n)),
        _ => Err(err(
            file,
            n,
            format!(
                "`{key}` must be a non-empty string, found {}",
                n.type_name()
            ),
        )),
    }
}

fn lit_of(file: &str, n: &Node, depth: usize) -> Result<Lit, InputError> {
    Ok(match &n.value {
        Value::Null => Lit::Null,
        Value::Bool(b) => Lit::Bool(*b),
        Value::Int(i) => Lit::Int(*i),
        Value::Float(f) => Lit::Float(*f),
        Value::Str(s) => Lit::Str(s.clone()),
        Value::Seq(items) if depth < 4 => Lit::List(
            items
                .iter()
                .map(|i| lit_of(file, i, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        _ => {
            return Err(err(
                file,
                n,
                format!(
                    "`value` must be a scalar or a list of scalars, found {}",
                    n.type_name()
                ),
            ))
        }
    })
}

/// Splits an attribute path into segments. Plain paths split on `.`;
/// JSONPath (`$.a.b[*].c`, `a[0].b`) is reduced to the same segments.
pub fn split_path(attribute: &str, jsonpath: bool) -> Result<Vec<String>, String> {
    let mut text = attribute.trim();
    if jsonpath || text.starts_with('$') {
        text = text.trim_start_matches('$').trim_start_matches('.');
    }
    let mut out = Vec::new();
    for part in text.split('.') {
        // `name[*]`, `name[0]`, `[*]`
        let mut rest = part;
        let head_end = rest.find('[').unwrap_or(rest.len());
        let head = &rest[..head_end];
        if !head.is_empty() {
            out.push(head.to_string());
        }
        rest = &rest[head_end..];
        while let Some(stripped) = rest.strip_prefix('[') {
            let Some(close) = stripped.find(']') else {
                return Err(format!("unclosed `[` in attribute path `{attribute}`"));
            };
            let raw = stripped[..close].trim();
            let quoted = raw.len() >= 2 && (raw.starts_with('\'') || raw.starts_with('"'));
            let inner = raw.trim_matches(|c| c == '\'' || c == '"');
            if !(quoted && !inner.is_empty() || inner == "*" || inner.parse::<usize>().is_ok()) {
                return Err(format!(
                    "unsupported selector `[{raw}]` in attribute path `{attribute}` (supported: [*], [N], ['key'])"
                ));
            }
            out.push(inner.to_string());
            rest = &stripped[close + 1..];
        }
        if !rest.is_empty() {
            return Err(format!(
                "unexpected `{rest}` in attribute path `{attribute}`"
            ));
        }
        if head.is_empty() && head_end == part.len() {
            return Err(format!("empty segment in attribute path `{attribute}`"));
        }
    }
    if out.is_empty() {
        return Err(format!("empty attribute path `{attribute}`"));
    }
    Ok(out)
}

fn parse_attribute(file: &str, node: &Node) -> Result<Condition, InputError> {
    let resource_types = parse_kinds(file, node, "resource_types")?;
    let (attribute, attr_node) = req_str(file, node, "attribute")?;
    let (op_name, op_node) = req_str(file, node, "operator")?;
    let (jsonpath, base) = match op_name.strip_prefix("jsonpath_") {
        Some(b) => (true, b),
        None => (false, op_name),
    };
    let op = Op::parse(base).ok_or_else(|| {
        err(file, op_node, format!("unknown operator `{op_name}`")).expected(format!(
            "one of {} (optionally prefixed `jsonpath_`)",
            OPERATORS
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let path = split_path(attribute, jsonpath).map_err(|m| err(file, attr_node, m))?;
    let value_node = node.get("value").filter(|n| !n.is_null());
    let value = match (op.value_kind(), value_node) {
        (ValueKind::None, _) => None,
        (_, None) => {
            return Err(err(
                file,
                node,
                format!("operator `{op_name}` needs a `value`"),
            ))
        }
        (kind, Some(v)) => {
            let lit = lit_of(file, v, 0)?;
            check_value(file, v, kind, &lit, op_name)?;
            Some(match kind {
                ValueKind::List if !matches!(lit, Lit::List(_)) => Lit::List(vec![lit]),
                _ => lit,
            })
        }
    };
    Ok(Condition::Attribute(Attribute {
        resource_types,
        attribute: attribute.to_string(),
        path,
        op,
        value,
        jsonpath,
        regex: OnceLock::new(),
    }))
}

fn check_value(
    file: &str,
    v: &Node,
    kind: ValueKind,
    lit: &Lit,
    op: &str,
) -> Result<(), InputError> {
    let bad = |what: &str| err(file, v, format!("operator `{op}` needs {what} as `value`"));
    match kind {
        ValueKind::Regex => match lit {
            Lit::Str(s) => regex::Regex::new(s)
                .map(|_| ())
                .map_err(|e| err(file, v, format!("invalid regular expression: {e}"))),
            _ => Err(bad("a regular expression string")),
        },
        ValueKind::Length => match lit {
            Lit::Int(i) if *i >= 0 => Ok(()),
            Lit::Str(s) if s.trim().parse::<u64>().is_ok() => Ok(()),
            _ => Err(bad("a non-negative integer")),
        },
        ValueKind::Number => match lit {
            Lit::Int(_) => Ok(()),
            Lit::Str(s) if s.trim().parse::<i64>().is_ok() => Ok(()),
            _ => Err(bad("an integer")),
        },
        ValueKind::Ordered => match lit {
            Lit::Int(_) | Lit::Float(_) | Lit::Str(_) => Ok(()),
            _ => Err(bad("a number")),
        },
        ValueKind::Cidr => {
            for item in lit.items() {
                match item {
                    Lit::Str(s) if parse_cidr(s).is_some() => {}
                    _ => return Err(bad("a CIDR block or a list of CIDR blocks")),
                }
            }
            Ok(())
        }
        ValueKind::List | ValueKind::Any | ValueKind::None => Ok(()),
    }
}

/// Parses `a.b.c.d/n` or an IPv6 CIDR (a bare address is a /32 or /128)
/// into (address bits, prefix length, is IPv6).
pub fn parse_cidr(s: &str) -> Option<(u128, u8, bool)> {
    let s = s.trim();
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l.parse::<u8>().ok()?)),
        None => (s, None),
    };
    let ip: std::net::IpAddr = addr.parse().ok()?;
    match ip {
        std::net::IpAddr::V4(v4) => {
            let len = len.unwrap_or(32);
            (len <= 32).then_some((u32::from(v4) as u128, len, false))
        }
        std::net::IpAddr::V6(v6) => {
            let len = len.unwrap_or(128);
            (len <= 128).then_some((u128::from(v6), len, true))
        }
    }
}

fn parse_connection(file: &str, node: &Node) -> Result<Condition, InputError> {
    let resource_types = parse_kinds(file, node, "resource_types")?;
    let connected_resource_types = parse_kinds(file, node, "connected_resource_types")?;
    let (op, op_node) = req_str(file, node, "operator")?;
    let exists = match op {
        "exists" => true,
        "not_exists" => false,
        other => {
            return Err(err(
                file,
                op_node,
                format!("unknown connection operator `{other}`"),
            )
            .expected("exists or not_exists"))
        }
    };
    Ok(Condition::Connection(Connection {
        resource_types,
        connected_resource_types,
        exists,
    }))
}

fn parse_filter(file: &str, node: &Node) -> Result<Condition, InputError> {
    let (attribute, attr_node) = req_str(file, node, "attribute")?;
    if attribute != "resource_type" {
        return Err(err(
            file,
            attr_node,
            format!("filters support only `attribute: resource_type`, found `{attribute}`"),
        ));
    }
    let (op, op_node) = req_str(file, node, "operator")?;
    if op != "within" {
        return Err(err(
            file,
            op_node,
            format!("filters support only `operator: within`, found `{op}`"),
        ));
    }
    let Some(v) = node.get("value").filter(|n| !n.is_null()) else {
        return Err(err(
            file,
            node,
            "a filter needs a `value` list of resource kinds",
        ));
    };
    let kinds: Vec<String> = match &v.value {
        Value::Str(s) => vec![s.clone()],
        Value::Seq(items) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| err(file, i, "filter values must be resource kinds (strings)"))
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(err(
                file,
                v,
                "a filter `value` must be a list of resource kinds",
            ))
        }
    };
    Ok(Condition::Filter(kinds))
}

#[cfg(test)]
mod tests {
    use super::*;
    use archgate_core::yaml::parse_documents;
    use proptest::prelude::*;

    fn parse(text: &str) -> Result<Condition, InputError> {
        parse_condition("c.yaml", &parse_documents(text).unwrap()[0])
    }

    #[test]
    fn kinds_come_from_filters_first() {
        let c = parse("and: [{cond_type: filter, attribute: resource_type, operator: within, value: [a]}, {cond_type: connection, resource_types: [a], connected_resource_types: [b], operator: exists}]").unwrap();
        assert_eq!(c.kinds(), Kinds::Only(vec!["a".into()]));
        let c = parse("or: [{resource_types: [a], attribute: x, operator: exists}, {resource_types: [b, a], attribute: y, operator: exists}]").unwrap();
        assert_eq!(c.kinds(), Kinds::Only(vec!["a".into(), "b".into()]));
        let c = parse("{resource_types: all, attribute: x, operator: exists}").unwrap();
        assert_eq!(c.kinds(), Kinds::All);
    }

    #[test]
    fn rejects_what_checkov_would_not_run() {
        let e = parse("{resource_types: [a], attribute: x, operator: equals}").unwrap_err();
        assert!(e.message.contains("needs a `value`"));
        let e = parse("{resource_types: [a], attribute: x, operator: regex_match, value: '('}")
            .unwrap_err();
        assert!(e.message.contains("invalid regular expression"));
        let e = parse("{resource_types: [a], attribute: x, operator: length_equals, value: -1}")
            .unwrap_err();
        assert!(e.message.contains("non-negative"));
        let e = parse("{resource_types: [a], attribute: x, operator: cidr_range_subset, value: [10.0.0.0/33]}").unwrap_err();
        assert!(e.message.contains("CIDR"));
        let e = parse("{cond_type: graph, resource_types: [a]}").unwrap_err();
        assert!(e.message.contains("unknown cond_type"));
        let e = parse("{and: [], or: []}").unwrap_err();
        assert!(e.message.contains("only key"));
        let e = parse("{resource_types: [a], attribute: 'x[?y]', operator: exists}").unwrap_err();
        assert!(e.message.contains("unsupported selector"));
        let e = parse("{resource_types: [a], atribute: x, operator: exists}").unwrap_err();
        assert_eq!((e.line, e.col), (1, 23));
    }

    #[test]
    fn jsonpath_and_plain_paths_split_alike() {
        assert_eq!(
            split_path("$.a.b[*].c", true).unwrap(),
            vec!["a", "b", "*", "c"]
        );
        assert_eq!(split_path("a[0]['k']", true).unwrap(), vec!["a", "0", "k"]);
        assert_eq!(
            split_path("ingress.*.cidr_blocks", false).unwrap(),
            vec!["ingress", "*", "cidr_blocks"]
        );
        assert!(split_path("a..b", false).is_err());
        assert_eq!(parse_cidr("10.0.0.0/8"), Some((10 << 24, 8, false)));
        assert_eq!(parse_cidr("::/0").map(|c| c.1), Some(0));
        assert!(parse_cidr("300.0.0.0/8").is_none());
    }

    proptest! {
        /// Any YAML a user writes as a condition is accepted or rejected, never a panic.
        #[test]
        fn parser_never_panics(text in "(and|or|not|cond_type|attribute|resource_types|operator|value|connected_resource_types|filter|connection|all|equals|jsonpath_exists|regex_match|within|[:\\[\\]{}, \n*$.'0-9a-z-]){0,60}") {
            if let Ok(docs) = parse_documents(&text) {
                for d in docs {
                    let _ = parse_condition("c", &d);
                }
            }
        }
    }
}
