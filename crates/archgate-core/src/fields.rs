//! Typed reading of spanned YAML mappings with errors that name file, line,
//! column and what was expected. Used for archgate's own files (settings,
//! catalog kinds, exceptions), where unknown keys and wrong types must be
//! reported precisely rather than ignored.

use crate::finding::InputError;
use crate::node::{Node, Value};
use crate::span::Span;
use std::cell::RefCell;

/// A value together with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// Reads the fields of one mapping node.
pub struct Fields<'a> {
    file: &'a str,
    node: &'a Node,
    /// Dotted location of this mapping, for messages (`spec.archgate`).
    at: String,
    used: RefCell<Vec<String>>,
}

impl<'a> Fields<'a> {
    /// Fails unless `node` is a mapping.
    pub fn new(file: &'a str, node: &'a Node, at: &str) -> Result<Fields<'a>, InputError> {
        if !matches!(node.value, Value::Map(_)) {
            return Err(type_error(file, node, at, "a mapping"));
        }
        Ok(Fields {
            file,
            node,
            at: at.to_string(),
            used: RefCell::new(Vec::new()),
        })
    }

    pub fn file(&self) -> &'a str {
        self.file
    }

    pub fn span(&self) -> Span {
        self.node.span
    }

    fn path(&self, key: &str) -> String {
        if self.at.is_empty() {
            key.to_string()
        } else {
            format!("{}.{}", self.at, key)
        }
    }

    /// The raw node at `key`, if present and not null.
    pub fn node(&self, key: &str) -> Option<&'a Node> {
        self.used.borrow_mut().push(key.to_string());
        self.node.get(key).filter(|n| !n.is_null())
    }

    /// The node at `key`, or an error naming the missing key.
    pub fn required(&self, key: &str) -> Result<&'a Node, InputError> {
        self.node(key).ok_or_else(|| {
            InputError::new(
                self.file,
                self.node.span.line,
                self.node.span.col,
                format!("missing required key `{}`", self.path(key)),
            )
        })
    }

    pub fn str(&self, key: &str) -> Result<Option<Spanned<String>>, InputError> {
        self.node(key).map(|n| self.as_string(n, key)).transpose()
    }

    pub fn req_str(&self, key: &str) -> Result<Spanned<String>, InputError> {
        let n = self.required(key)?;
        self.as_string(n, key)
    }

    fn as_string(&self, n: &Node, key: &str) -> Result<Spanned<String>, InputError> {
        match &n.value {
            Value::Str(s) => Ok(Spanned::new(s.clone(), n.span)),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                Ok(Spanned::new(n.scalar_text().unwrap_or_default(), n.span))
            }
            _ => Err(type_error(self.file, n, &self.path(key), "a string")),
        }
    }

    pub fn bool(&self, key: &str) -> Result<Option<Spanned<bool>>, InputError> {
        self.node(key)
            .map(|n| match n.value {
                Value::Bool(b) => Ok(Spanned::new(b, n.span)),
                _ => Err(type_error(self.file, n, &self.path(key), "true or false")),
            })
            .transpose()
    }

    pub fn int(&self, key: &str) -> Result<Option<Spanned<i64>>, InputError> {
        self.node(key)
            .map(|n| match n.value {
                Value::Int(i) => Ok(Spanned::new(i, n.span)),
                _ => Err(type_error(self.file, n, &self.path(key), "an integer")),
            })
            .transpose()
    }

    pub fn float(&self, key: &str) -> Result<Option<Spanned<f64>>, InputError> {
        self.node(key)
            .map(|n| match n.value {
                Value::Int(i) => Ok(Spanned::new(i as f64, n.span)),
                Value::Float(f) => Ok(Spanned::new(f, n.span)),
                _ => Err(type_error(self.file, n, &self.path(key), "a number")),
            })
            .transpose()
    }

    /// A list of strings; a single string is accepted as a one-element list.
    pub fn str_list(&self, key: &str) -> Result<Vec<Spanned<String>>, InputError> {
        let Some(n) = self.node(key) else {
            return Ok(Vec::new());
        };
        match &n.value {
            Value::Str(s) => Ok(vec![Spanned::new(s.clone(), n.span)]),
            Value::Seq(items) => items
                .iter()
                .map(|i| match &i.value {
                    Value::Str(s) => Ok(Spanned::new(s.clone(), i.span)),
                    Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                        Ok(Spanned::new(i.scalar_text().unwrap_or_default(), i.span))
                    }
                    _ => Err(type_error(self.file, i, &self.path(key), "a string")),
                })
                .collect(),
            _ => Err(type_error(
                self.file,
                n,
                &self.path(key),
                "a list of strings",
            )),
        }
    }

    /// A nested mapping.
    pub fn map(&self, key: &str) -> Result<Option<Fields<'a>>, InputError> {
        self.node(key)
            .map(|n| Fields::new(self.file, n, &self.path(key)))
            .transpose()
    }

    /// A string that must be one of `allowed`.
    pub fn one_of(
        &self,
        key: &str,
        allowed: &[&str],
    ) -> Result<Option<Spanned<String>>, InputError> {
        let Some(s) = self.str(key)? else {
            return Ok(None);
        };
        if allowed.iter().any(|a| a.eq_ignore_ascii_case(&s.value)) {
            Ok(Some(Spanned::new(s.value.to_ascii_lowercase(), s.span)))
        } else {
            Err(InputError::new(
                self.file,
                s.span.line,
                s.span.col,
                format!(
                    "`{}` is not a valid value for `{}`",
                    s.value,
                    self.path(key)
                ),
            )
            .expected(format!("one of {}", allowed.join(", "))))
        }
    }

    /// Every key of the mapping that is not in `allowed` is an error.
    pub fn deny_unknown(&self, allowed: &[&str]) -> Result<(), InputError> {
        for (k, _) in self.node.as_map().unwrap_or(&[]) {
            if !allowed.contains(&k.name.as_str()) {
                let mut e = InputError::new(
                    self.file,
                    k.span.line,
                    k.span.col,
                    format!("unknown key `{}`", self.path(&k.name)),
                );
                e.expected = Some(format!("one of {}", allowed.join(", ")));
                return Err(e);
            }
        }
        Ok(())
    }
}

/// "wrong type for `x`: expected a string, found a mapping".
pub fn type_error(file: &str, n: &Node, at: &str, expected: &str) -> InputError {
    InputError::new(
        file,
        n.span.line,
        n.span.col,
        format!("wrong type for `{at}`: found {}", n.type_name()),
    )
    .expected(expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_documents;

    #[test]
    fn reads_and_rejects() {
        let d = &parse_documents("a: x\nb: 3\nc: [p, q]\nd: {e: true}\nzz: 1\n").unwrap()[0];
        let f = Fields::new("f.yaml", d, "").unwrap();
        assert_eq!(f.req_str("a").unwrap().value, "x");
        assert_eq!(f.int("b").unwrap().unwrap().value, 3);
        assert_eq!(f.str_list("c").unwrap().len(), 2);
        assert!(
            f.map("d")
                .unwrap()
                .unwrap()
                .bool("e")
                .unwrap()
                .unwrap()
                .value
        );
        let e = f.int("a").unwrap_err();
        assert_eq!((e.line, e.col), (1, 4));
        assert!(e.render().contains("expected an integer"), "{}", e.render());
        let e = f.deny_unknown(&["a", "b", "c", "d"]).unwrap_err();
        assert_eq!((e.line, e.col), (5, 1));
        assert!(f.req_str("missing").is_err());
        assert!(f.one_of("a", &["y", "z"]).is_err());
    }
}
