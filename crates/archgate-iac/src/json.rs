//! JSON text to a spanned [`Node`] tree, via jsonc-parser's AST (byte
//! ranges) and [`LineIndex`] (lines and columns).
//!
//! Used for CloudFormation JSON, Kubernetes manifests written as JSON, and
//! available to the Terraform reader for `.tf.json` and plan JSON. The parser
//! is lenient the way real-world JSON tooling is (comments and trailing
//! commas are accepted) but reports every syntax error with its position.
//! It is not a JSON writer and keeps no comments.

use archgate_core::{InputError, Key, LineIndex, Node, Value};
use jsonc_parser::ast;
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions};

/// Parses `text` (the contents of `file`) into a spanned tree. An empty or
/// whitespace-only file yields a `Null` node.
pub fn parse(file: &str, text: &str) -> Result<Node, InputError> {
    parse_indexed(file, text, &LineIndex::new(text))
}

/// [`parse`] with a [`LineIndex`] of `text` the caller already has (and
/// will use again for spans of its own).
pub fn parse_indexed(file: &str, text: &str, index: &LineIndex) -> Result<Node, InputError> {
    let result =
        jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &ParseOptions::default())
            .map_err(|e| {
                InputError::new(
                    file,
                    e.line_display() as u32,
                    e.column_display() as u32,
                    format!("invalid JSON: {}", e.kind()),
                )
                .expected("valid JSON")
            })?;
    let conv = Converter { text, index };
    Ok(match &result.value {
        Some(v) => conv.value(v),
        None => Node::new(Value::Null, index.span(text, 0, 0)),
    })
}

/// Converts an already parsed jsonc-parser value of `text` (for callers that
/// hold the AST themselves, e.g. to reuse one [`LineIndex`]).
pub fn to_node(value: &ast::Value<'_>, text: &str, index: &LineIndex) -> Node {
    Converter { text, index }.value(value)
}

struct Converter<'a> {
    text: &'a str,
    index: &'a LineIndex,
}

impl Converter<'_> {
    fn span(&self, r: jsonc_parser::common::Range) -> archgate_core::Span {
        self.index.span(self.text, r.start, r.end)
    }

    // Recursion depth is bounded by jsonc-parser's own nesting limit (512),
    // which is far below what the stack can take.
    fn value(&self, v: &ast::Value<'_>) -> Node {
        let span = self.span(v.range());
        let value = match v {
            ast::Value::StringLit(s) => Value::Str(s.value.to_string()),
            ast::Value::NumberLit(n) => number(n.value),
            ast::Value::BooleanLit(b) => Value::Bool(b.value),
            ast::Value::NullKeyword(_) => Value::Null,
            ast::Value::Array(a) => Value::Seq(a.elements.iter().map(|e| self.value(e)).collect()),
            ast::Value::Object(o) => Value::Map(
                o.properties
                    .iter()
                    .map(|p| {
                        let key = Key {
                            name: p.name.as_str().to_string(),
                            span: self.span(p.name.range()),
                        };
                        (key, self.value(&p.value))
                    })
                    .collect(),
            ),
        };
        Node::new(value, span)
    }
}

/// JSON numbers: integers when they fit an `i64`, floats otherwise; the
/// lenient extras (hex, `+1`, `.5`, `Infinity`) are read where Rust can.
fn number(text: &str) -> Value {
    if let Ok(i) = text.parse::<i64>() {
        return Value::Int(i);
    }
    let unsigned = text.strip_prefix('+').unwrap_or(text);
    if let Some(hex) = unsigned
        .strip_prefix("0x")
        .or_else(|| unsigned.strip_prefix("0X"))
    {
        if let Ok(i) = i64::from_str_radix(hex, 16) {
            return Value::Int(i);
        }
    }
    match unsigned {
        "Infinity" => return Value::Float(f64::INFINITY),
        "-Infinity" => return Value::Float(f64::NEG_INFINITY),
        "NaN" => return Value::Float(f64::NAN),
        _ => {}
    }
    match unsigned.parse::<f64>() {
        Ok(f) => Value::Float(f),
        Err(_) => Value::Str(text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_point_at_keys_and_values() {
        let t = "{\n  \"a\": [1, 2.5, true, null],\n  \"b\": {\"c\": \"x\"}\n}";
        let n = parse("f.json", t).unwrap();
        let (k, v) = n.entry("b").unwrap();
        assert_eq!((k.span.line, k.span.col), (3, 3));
        assert_eq!(&t[k.span.start..k.span.end], "\"b\"");
        assert_eq!(v.span.line, 3);
        assert_eq!(n.path("b.c").and_then(Node::as_str), Some("x"));
        let a = n.get("a").unwrap().as_seq().unwrap();
        assert_eq!(a[0].value, Value::Int(1));
        assert_eq!(a[1].value, Value::Float(2.5));
        assert_eq!(a[2].value, Value::Bool(true));
        assert!(a[3].is_null());
        assert_eq!((n.span.line, n.span.end_line), (1, 4));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = parse("bad.json", "{\n  \"a\": 1\n  \"b\": }").unwrap_err();
        assert_eq!(e.file, "bad.json");
        assert_eq!(e.line, 3);
        assert!(e.message.starts_with("invalid JSON"), "{e}");
        assert_eq!(e.expected.as_deref(), Some("valid JSON"));
    }

    #[test]
    fn empty_text_is_null_and_unicode_offsets_are_bytes() {
        assert!(parse("e.json", "  \n").unwrap().is_null());
        let t = "{\"é\": \"ü\", \"k\": 1}";
        let n = parse("u.json", t).unwrap();
        let (k, _) = n.entry("k").unwrap();
        assert_eq!(&t[k.span.start..k.span.end], "\"k\"");
        assert_eq!(k.span.col, 12);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(5000) + &"]".repeat(5000);
        assert!(parse("deep.json", &deep).is_err());
    }

    #[test]
    fn numbers_keep_their_kind() {
        assert_eq!(number("9223372036854775807"), Value::Int(i64::MAX));
        assert_eq!(number("1e3"), Value::Float(1000.0));
        assert_eq!(number("0x1F"), Value::Int(31));
        assert_eq!(number("99999999999999999999"), Value::Float(1e20));
    }
}
