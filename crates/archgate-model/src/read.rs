//! Typed reading of one catalog document with an error sink: a wrong type
//! or a bad value records an [`InputError`] (file, line, column, expected)
//! and reading goes on, so one run reports every mistake in a file rather
//! than the first.

use crate::reference::{EntityRef, Kind};
use archgate_core::fields::{type_error, Fields};
use archgate_core::{InputError, Node, Span, Value};
use std::sync::Arc;

/// A value read from the catalog with the file and span it was written at.
/// (Unlike [`archgate_core::fields::Spanned`] it carries its file, because a
/// `Profile` can set facts on an entity from another file.)
#[derive(Debug, Clone, PartialEq)]
pub struct Fact<T> {
    pub value: T,
    pub file: Arc<str>,
    pub span: Span,
}

/// One entity reference written in the catalog, resolved to a full ref.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// Dotted field it was written in (`spec.owner`, `spec.archgate.boundary`).
    pub field: &'static str,
    /// The normalised target.
    pub target: EntityRef,
    /// The text as written.
    pub raw: String,
    pub file: Arc<str>,
    pub span: Span,
    /// Kinds the field accepts; empty means any kind.
    pub expect: &'static [Kind],
}

/// Reading state for one document.
pub(crate) struct Ctx<'e> {
    pub file: Arc<str>,
    /// Namespace of the entity being read (the default for its refs).
    pub namespace: String,
    pub errors: &'e mut Vec<InputError>,
}

impl<'e> Ctx<'e> {
    pub fn push(&mut self, e: InputError) {
        self.errors.push(e);
    }

    pub fn error_at(&mut self, span: Span, message: String, expected: &str) {
        let e = InputError::new(&*self.file, span.line, span.col, message).expected(expected);
        self.errors.push(e);
    }

    /// Unwraps a field read, recording its error.
    pub fn opt<T>(&mut self, r: Result<Option<T>, InputError>) -> Option<T> {
        match r {
            Ok(v) => v,
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    fn fact<T>(&self, value: T, span: Span) -> Fact<T> {
        Fact {
            value,
            file: self.file.clone(),
            span,
        }
    }

    pub fn str(&mut self, f: &Fields, key: &str) -> Option<Fact<String>> {
        self.opt(f.str(key)).map(|s| self.fact(s.value, s.span))
    }

    pub fn bool(&mut self, f: &Fields, key: &str) -> Option<Fact<bool>> {
        self.opt(f.bool(key)).map(|s| self.fact(s.value, s.span))
    }

    pub fn one_of(&mut self, f: &Fields, key: &str, allowed: &[&str]) -> Option<Fact<String>> {
        self.opt(f.one_of(key, allowed))
            .map(|s| self.fact(s.value, s.span))
    }

    pub fn list(&mut self, f: &Fields, key: &str) -> Vec<Fact<String>> {
        match f.str_list(key) {
            Ok(v) => v.into_iter().map(|s| self.fact(s.value, s.span)).collect(),
            Err(e) => {
                self.errors.push(e);
                Vec::new()
            }
        }
    }

    /// A list whose entries must each be one of `allowed`.
    pub fn list_of(
        &mut self,
        f: &Fields,
        key: &str,
        at: &str,
        allowed: &[&str],
    ) -> Vec<Fact<String>> {
        let items = self.list(f, key);
        let mut out = Vec::with_capacity(items.len());
        for mut item in items {
            let lower = item.value.to_ascii_lowercase();
            if allowed.contains(&lower.as_str()) {
                item.value = lower;
                out.push(item);
            } else {
                self.error_at(
                    item.span,
                    format!("`{}` is not a valid value for `{at}`", item.value),
                    &format!("one of {}", allowed.join(", ")),
                );
            }
        }
        out
    }

    /// A nested mapping (a wrong type is recorded).
    pub fn map<'n>(&mut self, f: &Fields<'n>, key: &str) -> Option<Fields<'n>> {
        self.opt(f.map(key))
    }

    /// A mapping of names to free text (`securityRequirements`, `questions`).
    pub fn text_map(&mut self, f: &Fields, key: &str, at: &str) -> Vec<(Fact<String>, String)> {
        let Some(node) = f.node(key) else {
            return Vec::new();
        };
        let Some(entries) = node.as_map() else {
            self.push(type_error(
                &self.file,
                node,
                at,
                "a mapping of names to text",
            ));
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, v) in entries {
            match v.scalar_text() {
                Some(text) => out.push((self.fact(k.name.clone(), k.span), text)),
                None => self.push(type_error(
                    &self.file,
                    v,
                    &format!("{at}.{}", k.name),
                    "text",
                )),
            }
        }
        out
    }

    /// Records every key of `node` not in `allowed` (all of them, not only the first).
    pub fn deny_unknown(&mut self, node: &Node, at: &str, allowed: &[&str]) {
        let Some(entries) = node.as_map() else {
            return;
        };
        for (k, _) in entries {
            if !allowed.contains(&k.name.as_str()) {
                let path = if at.is_empty() {
                    k.name.clone()
                } else {
                    format!("{at}.{}", k.name)
                };
                self.error_at(
                    k.span,
                    format!("unknown key `{path}`"),
                    &format!("one of {}", allowed.join(", ")),
                );
            }
        }
    }

    fn parse_ref(
        &mut self,
        raw: &str,
        span: Span,
        at: &'static str,
        default_kind: Option<Kind>,
        expect: &'static [Kind],
    ) -> Option<Reference> {
        match EntityRef::parse(raw, default_kind, &self.namespace) {
            Ok(target) => Some(Reference {
                field: at,
                target,
                raw: raw.to_string(),
                file: self.file.clone(),
                span,
                expect,
            }),
            Err(msg) => {
                let example = match default_kind {
                    Some(_) => "an entity reference `[kind:][namespace/]name`".to_string(),
                    None => format!(
                        "an entity reference with a kind, `kind:[namespace/]name` (e.g. resource:{})",
                        raw.rsplit(['/', ':']).next().unwrap_or("name")
                    ),
                };
                self.error_at(span, format!("{msg} (in `{at}`)"), &example);
                None
            }
        }
    }

    /// One entity reference at `key`.
    pub fn reference(
        &mut self,
        f: &Fields,
        key: &str,
        at: &'static str,
        default_kind: Option<Kind>,
        expect: &'static [Kind],
    ) -> Option<Reference> {
        let s = self.opt(f.str(key))?;
        self.parse_ref(&s.value, s.span, at, default_kind, expect)
    }

    /// A list of entity references at `key` (a single string is a one-element list).
    pub fn references(
        &mut self,
        f: &Fields,
        key: &str,
        at: &'static str,
        default_kind: Option<Kind>,
        expect: &'static [Kind],
    ) -> Vec<Reference> {
        let items = match f.str_list(key) {
            Ok(v) => v,
            Err(e) => {
                self.errors.push(e.expected("a list of entity references"));
                return Vec::new();
            }
        };
        items
            .into_iter()
            .filter_map(|s| self.parse_ref(&s.value, s.span, at, default_kind, expect))
            .collect()
    }

    /// A required string; missing or wrong type is recorded and yields None.
    pub fn req_str(&mut self, f: &Fields, key: &str) -> Option<Fact<String>> {
        match f.req_str(key) {
            Ok(s) => Some(self.fact(s.value, s.span)),
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    /// A required entity reference.
    pub fn req_reference(
        &mut self,
        f: &Fields,
        key: &str,
        at: &'static str,
        default_kind: Option<Kind>,
        expect: &'static [Kind],
    ) -> Option<Reference> {
        let s = match f.req_str(key) {
            Ok(s) => s,
            Err(e) => {
                self.errors
                    .push(e.expected("an entity reference `[kind:][namespace/]name`"));
                return None;
            }
        };
        self.parse_ref(&s.value, s.span, at, default_kind, expect)
    }

    /// A list of mappings at `key` (each item's errors recorded).
    pub fn map_list<'n>(&mut self, f: &Fields<'n>, key: &str, at: &str) -> Vec<&'n Node> {
        let Some(node) = f.node(key) else {
            return Vec::new();
        };
        match &node.value {
            Value::Seq(items) => {
                let mut out = Vec::new();
                for item in items {
                    if item.as_map().is_some() {
                        out.push(item);
                    } else {
                        self.push(type_error(&self.file, item, at, "a mapping"));
                    }
                }
                out
            }
            _ => {
                self.push(type_error(&self.file, node, at, "a list of mappings"));
                Vec::new()
            }
        }
    }
}
