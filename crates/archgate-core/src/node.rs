//! The spanned document tree every source is turned into: YAML, JSON, HCL
//! and Dockerfiles all end up as [`Node`]s, so rules and the model loader
//! walk one shape and every value knows where it was written.
//!
//! Not a general-purpose YAML/JSON library: it keeps what rules need
//! (values, key positions, tags, "unknown" expressions) and nothing else.

use crate::span::Span;
use std::fmt;

/// One value with the span it was written at.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

/// A mapping key with its own span (findings point at keys, not at values).
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub span: Span,
}

/// The value of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
    /// An expression archgate could not resolve (a Terraform reference, a
    /// function call, a CloudFormation intrinsic): its source text. Rules
    /// treat it as unknown and never report on it.
    Unknown(String),
    /// A YAML tag such as CloudFormation's `!Ref`, with its tagged value.
    Tagged(String, Box<Node>),
}

impl Node {
    pub fn new(value: Value, span: Span) -> Node {
        Node { value, span }
    }

    /// Value at `key` when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Key and value at `key` when this is a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.name == key)
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// Follows a dotted path (`spec.template.spec`) through mappings.
    pub fn path(&self, path: &str) -> Option<&Node> {
        path.split('.').try_fold(self, |n, seg| match &n.value {
            Value::Seq(items) => seg.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => n.get(seg),
        })
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            Value::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Int(i) => Some(*i),
            Value::Float(f) if f.fract() == 0.0 => Some(*f as i64),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match &self.value {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Key, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// True for values that were not resolved (see [`Value::Unknown`]).
    pub fn is_unknown(&self) -> bool {
        matches!(self.value, Value::Unknown(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// Scalar rendered as text (numbers and booleans too), for comparisons.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            _ => None,
        }
    }

    /// The name of the value's type, for error messages ("expected a string, found a mapping").
    pub fn type_name(&self) -> &'static str {
        self.value.type_name()
    }

    /// Converts to JSON (unknowns become their text, tags `{"!Tag": value}`), for
    /// policy inputs and JSON output.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(J::Number)
                .unwrap_or(J::Null),
            Value::Str(s) | Value::Unknown(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.name.clone(), v.to_json()))
                    .collect(),
            ),
            Value::Tagged(tag, inner) => {
                let mut m = serde_json::Map::new();
                m.insert(tag.clone(), inner.to_json());
                J::Object(m)
            }
        }
    }

    /// Visits this node and every node below it, depth first.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Node)) {
        f(self);
        match &self.value {
            Value::Seq(items) => items.iter().for_each(|n| n.walk(f)),
            Value::Map(entries) => entries.iter().for_each(|(_, n)| n.walk(f)),
            Value::Tagged(_, n) => n.walk(f),
            _ => {}
        }
    }

    /// [`Node::walk`] with a closure the compiler can inline: the same
    /// nodes in the same order, for the hot loops that visit every node of
    /// every resource (the rule context's reference index, the secret
    /// checks), where a dynamic call per node is a measurable share.
    pub fn visit<'a, F: FnMut(&'a Node)>(&'a self, f: &mut F) {
        f(self);
        match &self.value {
            Value::Seq(items) => items.iter().for_each(|n| n.visit(f)),
            Value::Map(entries) => entries.iter().for_each(|(_, n)| n.visit(f)),
            Value::Tagged(_, n) => n.visit(f),
            _ => {}
        }
    }
}

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a sequence",
            Value::Map(_) => "a mapping",
            Value::Unknown(_) => "an unresolved expression",
            Value::Tagged(..) => "a tagged value",
        }
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Value::Str(s) | Value::Unknown(s) => f.write_str(s),
            _ => write!(f, "{}", self.to_json()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: Value) -> Node {
        Node::new(v, Span::default())
    }
    fn k(n: &str) -> Key {
        Key {
            name: n.into(),
            span: Span::default(),
        }
    }

    #[test]
    fn path_walks_maps_and_indices() {
        let n = s(Value::Map(vec![(
            k("a"),
            s(Value::Seq(vec![s(Value::Map(vec![(
                k("b"),
                s(Value::Int(3)),
            )]))])),
        )]));
        assert_eq!(n.path("a.0.b").and_then(Node::as_i64), Some(3));
        assert!(n.path("a.1.b").is_none());
        assert_eq!(n.to_json(), serde_json::json!({"a": [{"b": 3}]}));
    }

    #[test]
    fn visit_sees_what_walk_sees_in_the_same_order() {
        let n = s(Value::Map(vec![
            (
                k("a"),
                s(Value::Seq(vec![
                    s(Value::Int(1)),
                    s(Value::Str("x".into())),
                ])),
            ),
            (
                k("b"),
                s(Value::Tagged("!Ref".into(), Box::new(s(Value::Null)))),
            ),
        ]));
        let mut walked = Vec::new();
        n.walk(&mut |x: &Node| walked.push(x.type_name()));
        let mut visited = Vec::new();
        n.visit(&mut |x: &Node| visited.push(x.type_name()));
        assert_eq!(walked, visited);
        assert_eq!(
            visited,
            vec![
                "a mapping",
                "a sequence",
                "an integer",
                "a string",
                "a tagged value",
                "null"
            ]
        );
    }
}
