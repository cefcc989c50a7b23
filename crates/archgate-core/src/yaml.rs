//! YAML (1.2 core schema) to spanned [`Node`]s, built straight from
//! saphyr-parser's event stream: multi-document files, anchors and aliases
//! (with an expansion budget against "billion laughs"), merge keys `<<`
//! (explicit keys win) and custom tags kept as [`Value::Tagged`] so
//! CloudFormation's `!Ref`/`!GetAtt` survive.

use crate::node::{Key, Node, Value};
use crate::span::Span;
use saphyr_parser::{Event, Parser, ScalarStyle, Span as YSpan};
use std::collections::HashMap;

/// Deepest nesting accepted; deeper input is rejected rather than risking the stack.
pub const MAX_DEPTH: usize = 200;
/// Most nodes alias expansion may create in one file.
pub const MAX_ALIAS_NODES: usize = 1_000_000;

/// A YAML syntax error at a position.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    pub message: String,
    pub line: u32,
    pub col: u32,
    pub offset: usize,
}

/// Parses every document in `text`. Empty documents come back as `Null` nodes.
pub fn parse_documents(text: &str) -> Result<Vec<Node>, YamlError> {
    let mut b = Builder::new(text);
    let mut parser = Parser::new_from_str(text);
    for ev in &mut parser {
        let (ev, span) = ev.map_err(|e| {
            let m = e.marker();
            YamlError {
                message: e.info().to_string(),
                line: m.line() as u32,
                col: m.col() as u32 + 1,
                offset: b.byte(m.index()),
            }
        })?;
        b.on_event(ev, span)?;
    }
    Ok(b.docs)
}

enum Frame {
    Seq {
        anchor: usize,
        items: Vec<Node>,
        start: Span,
        tag: Option<String>,
    },
    Map {
        anchor: usize,
        entries: Vec<(Key, Node)>,
        pending_key: Option<Key>,
        merges: Vec<Node>,
        start: Span,
        tag: Option<String>,
    },
}

struct Builder<'t> {
    text: &'t str,
    char_to_byte: Option<Vec<usize>>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    docs: Vec<Node>,
    alias_budget: usize,
    doc_open: bool,
    doc_has_root: bool,
    doc_start: Span,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Self {
        let char_to_byte = if text.is_ascii() {
            None
        } else {
            let mut v: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
            v.push(text.len());
            Some(v)
        };
        Builder {
            text,
            char_to_byte,
            stack: Vec::new(),
            anchors: HashMap::new(),
            docs: Vec::new(),
            alias_budget: MAX_ALIAS_NODES,
            doc_open: false,
            doc_has_root: false,
            doc_start: Span::default(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.char_to_byte {
            None => char_index.min(self.text.len()),
            Some(v) => v.get(char_index).copied().unwrap_or(self.text.len()),
        }
    }

    fn span(&self, s: &YSpan) -> Span {
        Span {
            start: self.byte(s.start.index()),
            end: self.byte(s.end.index()),
            line: s.start.line() as u32,
            col: s.start.col() as u32 + 1,
            end_line: s.end.line() as u32,
            end_col: s.end.col() as u32 + 1,
        }
    }

    fn err(&self, span: Span, message: impl Into<String>) -> YamlError {
        YamlError {
            message: message.into(),
            line: span.line,
            col: span.col,
            offset: span.start,
        }
    }

    fn on_event(&mut self, ev: Event<'_>, yspan: YSpan) -> Result<(), YamlError> {
        let span = self.span(&yspan);
        match ev {
            Event::DocumentStart(_) => {
                self.doc_open = true;
                self.doc_has_root = false;
                self.doc_start = span;
            }
            Event::DocumentEnd => {
                if self.doc_open && !self.doc_has_root {
                    self.docs.push(Node::new(Value::Null, self.doc_start));
                }
                self.doc_open = false;
                self.anchors.clear();
            }
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                let node = scalar(&text, style, tag.as_deref(), span);
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push(node)?;
            }
            Event::Alias(id) => {
                let Some(mut node) = self.anchors.get(&id).cloned() else {
                    return Err(self.err(span, "alias refers to an unknown anchor"));
                };
                let mut count = 0usize;
                node.walk(&mut |_| count += 1);
                if count > self.alias_budget {
                    return Err(self.err(
                        span,
                        "alias expansion exceeds the limit (possible \"billion laughs\" document)",
                    ));
                }
                self.alias_budget -= count;
                node.span = span;
                self.push(node)?;
            }
            Event::SequenceStart(anchor, tag) => {
                self.enter(span)?;
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                self.stack.push(Frame::Seq {
                    anchor,
                    items: Vec::new(),
                    start: span,
                    tag,
                });
            }
            Event::MappingStart(anchor, tag) => {
                self.enter(span)?;
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                self.stack.push(Frame::Map {
                    anchor,
                    entries: Vec::new(),
                    pending_key: None,
                    merges: Vec::new(),
                    start: span,
                    tag,
                });
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq {
                    anchor,
                    items,
                    start,
                    tag,
                }) = self.stack.pop()
                {
                    let node = wrap(Node::new(Value::Seq(items), start.to(span)), tag);
                    if anchor > 0 {
                        self.anchors.insert(anchor, node.clone());
                    }
                    self.push(node)?;
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map {
                    anchor,
                    mut entries,
                    merges,
                    start,
                    tag,
                    ..
                }) = self.stack.pop()
                {
                    apply_merges(&mut entries, merges);
                    let node = wrap(Node::new(Value::Map(entries), start.to(span)), tag);
                    if anchor > 0 {
                        self.anchors.insert(anchor, node.clone());
                    }
                    self.push(node)?;
                }
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn enter(&self, span: Span) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.err(span, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn push(&mut self, node: Node) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => {
                self.docs.push(node);
                self.doc_has_root = true;
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                pending_key,
                merges,
                ..
            }) => match pending_key.take() {
                None => {
                    let name = match &node.value {
                        Value::Str(s) => s.clone(),
                        Value::Null => String::new(),
                        Value::Bool(_) | Value::Int(_) | Value::Float(_) => {
                            node.scalar_text().unwrap_or_default()
                        }
                        _ => {
                            let span = node.span;
                            return Err(self.err(span, "mapping keys must be scalars"));
                        }
                    };
                    *pending_key = Some(Key {
                        name,
                        span: node.span,
                    });
                }
                Some(key) if key.name == "<<" => merges.push(node),
                Some(key) => entries.push((key, node)),
            },
        }
        Ok(())
    }
}

fn wrap(node: Node, tag: Option<String>) -> Node {
    match tag {
        Some(t) if !t.starts_with("!!") && !t.starts_with("tag:yaml.org") => {
            let span = node.span;
            Node::new(Value::Tagged(t, Box::new(node)), span)
        }
        _ => node,
    }
}

/// Merge keys: entries of the merged mappings are added where the mapping
/// has no explicit key of that name (YAML 1.1 merge semantics).
fn apply_merges(entries: &mut Vec<(Key, Node)>, merges: Vec<Node>) {
    let mut sources = Vec::new();
    for m in merges {
        match m.value {
            Value::Seq(items) => sources.extend(items),
            _ => sources.push(m),
        }
    }
    for src in sources {
        if let Value::Map(extra) = src.value {
            for (k, v) in extra {
                if !entries.iter().any(|(e, _)| e.name == k.name) {
                    entries.push((k, v));
                }
            }
        }
    }
}

fn scalar(text: &str, style: ScalarStyle, tag: Option<&str>, span: Span) -> Node {
    let value = match tag {
        Some("!!str") | Some("tag:yaml.org,2002:str") => Value::Str(text.to_string()),
        Some("!!int") => text
            .parse()
            .map(Value::Int)
            .unwrap_or_else(|_| Value::Str(text.to_string())),
        Some("!!float") => text
            .parse()
            .map(Value::Float)
            .unwrap_or_else(|_| Value::Str(text.to_string())),
        Some("!!bool") => match text {
            "true" | "True" | "TRUE" => Value::Bool(true),
            "false" | "False" | "FALSE" => Value::Bool(false),
            _ => Value::Str(text.to_string()),
        },
        Some("!!null") => Value::Null,
        Some(t) if !t.starts_with("!!") => {
            let inner = scalar(text, style, None, span);
            return Node::new(Value::Tagged(t.to_string(), Box::new(inner)), span);
        }
        _ if style != ScalarStyle::Plain => Value::Str(text.to_string()),
        _ => plain(text),
    };
    Node::new(value, span)
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn plain(t: &str) -> Value {
    match t {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let b = t.as_bytes();
    let first = b[0];
    if first.is_ascii_digit() || ((first == b'-' || first == b'+') && b.len() > 1) {
        if let Some(hex) = t.strip_prefix("0x") {
            if let Ok(i) = i64::from_str_radix(hex, 16) {
                return Value::Int(i);
            }
        } else if let Some(oct) = t.strip_prefix("0o") {
            if let Ok(i) = i64::from_str_radix(oct, 8) {
                return Value::Int(i);
            }
        } else if b.iter().skip(1).all(|c| c.is_ascii_digit()) {
            if let Ok(i) = t.parse::<i64>() {
                return Value::Int(i);
            }
        } else if b
            .iter()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'-' | b'+'))
        {
            if let Ok(f) = t.parse::<f64>() {
                return Value::Float(f);
            }
        }
    } else if first == b'.' && b.len() > 1 && b[1].is_ascii_digit() {
        if let Ok(f) = t.parse::<f64>() {
            return Value::Float(f);
        }
    }
    Value::Str(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_document_with_spans() {
        let docs = parse_documents("a: 1\nb: [x, 'y']\n---\nkind: Pod\n").unwrap();
        assert_eq!(docs.len(), 2);
        let (k, v) = docs[0].entry("b").unwrap();
        assert_eq!((k.span.line, k.span.col), (2, 1));
        assert_eq!(v.as_seq().unwrap()[1].as_str(), Some("y"));
        assert_eq!(docs[1].get("kind").unwrap().span.line, 4);
    }

    #[test]
    fn scalars_follow_core_schema() {
        let d =
            &parse_documents("a: 010\nb: '1'\nc: ~\nd: 1.5\ne: yes\nf: 0x1F\ng: -3").unwrap()[0];
        assert_eq!(d.get("a").unwrap().value, Value::Int(10));
        assert_eq!(d.get("b").unwrap().value, Value::Str("1".into()));
        assert_eq!(d.get("c").unwrap().value, Value::Null);
        assert_eq!(d.get("d").unwrap().value, Value::Float(1.5));
        assert_eq!(d.get("e").unwrap().value, Value::Str("yes".into()));
        assert_eq!(d.get("f").unwrap().value, Value::Int(31));
        assert_eq!(d.get("g").unwrap().value, Value::Int(-3));
    }

    #[test]
    fn tags_are_kept() {
        let d = &parse_documents("a: !Ref Bucket\nb: !GetAtt [X, Arn]\nc: !!str 3").unwrap()[0];
        assert!(
            matches!(&d.get("a").unwrap().value, Value::Tagged(t, n) if t == "!Ref" && n.as_str() == Some("Bucket"))
        );
        assert!(
            matches!(&d.get("b").unwrap().value, Value::Tagged(t, n) if t == "!GetAtt" && n.as_seq().is_some())
        );
        assert_eq!(d.get("c").unwrap().as_str(), Some("3"));
    }

    #[test]
    fn merge_keys_and_aliases() {
        let d = &parse_documents("base: &b {x: 1, y: 2}\nthing:\n  <<: *b\n  y: 3\n").unwrap()[0];
        let t = d.get("thing").unwrap();
        assert_eq!(t.get("x").and_then(Node::as_i64), Some(1));
        assert_eq!(t.get("y").and_then(Node::as_i64), Some(3));
        assert!(t.get("<<").is_none());
    }

    #[test]
    fn errors_have_positions() {
        let e = parse_documents("a: 1\nb: [1, 2\n").unwrap_err();
        assert!(e.line >= 2, "{e:?}");
        assert!(parse_documents("a: *nope").is_err());
    }

    #[test]
    fn deep_nesting_is_rejected() {
        let deep = "[".repeat(MAX_DEPTH + 5) + &"]".repeat(MAX_DEPTH + 5);
        assert!(parse_documents(&deep).is_err());
    }

    #[test]
    fn billion_laughs_is_bounded() {
        let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            s.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        assert!(parse_documents(&s).is_err());
    }

    #[test]
    fn unicode_offsets_are_bytes() {
        let t = "é: ü\nk: v\n";
        let d = &parse_documents(t).unwrap()[0];
        let (k, _) = d.entry("k").unwrap();
        assert_eq!(&t[k.span.start..k.span.end], "k");
    }
}
