//! HCL2 (Terraform `.tf`, `.tfvars`, `.hcl`) as `hcl2json` shapes it —
//! conftest's HCL2 input, so existing Terraform policies run unchanged:
//!
//! * every block is a **list** of bodies, nested under its type and then
//!   each label: `resource "aws_s3_bucket" "b" {…}` →
//!   `{"resource": {"aws_s3_bucket": {"b": [{…}]}}}`; blocks inside bodies
//!   (`versioning {…}`) likewise;
//! * literal values (numbers, strings, bools, null, lists and objects of
//!   them, `-1`) are native JSON;
//! * every other expression is its source text wrapped in `${…}`
//!   (`"${var.x}"`, `"${4 - 2}"`); string templates keep their literal
//!   parts and wrap each interpolation (`"app-${var.env}"`).
//!
//! Nothing is evaluated here: that is archgate-iac's Terraform evaluator.

use archgate_core::InputError;
use hcl_edit::expr::{Expression, ObjectKey, UnaryOperator};
use hcl_edit::structure::{BlockLabel, Body, Structure};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span as _;
use serde_json::{Map, Value};

/// Parses `text` and converts it.
pub fn to_json(file: &str, text: &str) -> Result<Value, InputError> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| {
        let loc = e.location();
        InputError::new(
            file,
            loc.line() as u32,
            loc.column() as u32,
            format!("HCL parse error: {}", e.message()),
        )
        .expected("valid HCL2 syntax")
    })?;
    Ok(Value::Object(body_to_json(&body, text)))
}

fn body_to_json(body: &Body, src: &str) -> Map<String, Value> {
    let mut out = Map::new();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                out.insert(a.key.as_str().to_string(), expr(&a.value, src));
            }
            Structure::Block(b) => {
                let labels: Vec<String> = std::iter::once(b.ident.as_str().to_string())
                    .chain(b.labels.iter().map(|l| match l {
                        BlockLabel::String(s) => s.value().to_string(),
                        BlockLabel::Ident(i) => i.as_str().to_string(),
                    }))
                    .collect();
                push_block(&mut out, &labels, Value::Object(body_to_json(&b.body, src)));
            }
        }
    }
    out
}

/// Appends `body` to the list at `path` (type, then labels), creating objects on the way.
fn push_block(map: &mut Map<String, Value>, path: &[String], body: Value) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let slot = map.entry(first.clone()).or_insert(Value::Null);
    if rest.is_empty() {
        if !slot.is_array() {
            // An attribute and a block of the same name: the block wins, as in hcl2json.
            *slot = Value::Array(Vec::new());
        }
        if let Value::Array(items) = slot {
            items.push(body);
        }
        return;
    }
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    if let Value::Object(m) = slot {
        push_block(m, rest, body);
    }
}

fn source(src: &str, range: Option<std::ops::Range<usize>>) -> String {
    range
        .and_then(|r| src.get(r))
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

fn wrap(src: &str, range: Option<std::ops::Range<usize>>) -> Value {
    Value::String(format!("${{{}}}", source(src, range)))
}

fn number(n: &hcl_edit::Number) -> Value {
    if let Some(i) = n.as_i64() {
        Value::from(i)
    } else if let Some(u) = n.as_u64() {
        Value::from(u)
    } else {
        n.as_f64()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    }
}

fn expr(e: &Expression, src: &str) -> Value {
    match e {
        Expression::Null(_) => Value::Null,
        Expression::Bool(b) => Value::Bool(*b.value()),
        Expression::Number(n) => number(n.value()),
        Expression::String(s) => Value::String(s.value().to_string()),
        Expression::Array(a) => Value::Array(a.iter().map(|x| expr(x, src)).collect()),
        Expression::Object(o) => {
            let mut m = Map::new();
            for (k, v) in o.iter() {
                let key = match k {
                    ObjectKey::Ident(i) => i.as_str().to_string(),
                    ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                    ObjectKey::Expression(Expression::Traversal(_))
                    | ObjectKey::Expression(Expression::Variable(_)) => source(src, k.span()),
                    ObjectKey::Expression(other) => match expr(other, src) {
                        Value::String(s) => s,
                        v => v.to_string(),
                    },
                };
                m.insert(key, expr(v.expr(), src));
            }
            Value::Object(m)
        }
        Expression::StringTemplate(t) => template(t, src),
        Expression::HeredocTemplate(h) => template(&h.template, src),
        // `-1` is a literal to hcl2json; `-var.x` is an expression.
        Expression::UnaryOp(u) if *u.operator.value() == UnaryOperator::Neg => match &u.expr {
            Expression::Number(n) => match number(n.value()) {
                Value::Number(x) => {
                    if let Some(i) = x.as_i64() {
                        Value::from(-i)
                    } else {
                        x.as_f64()
                            .and_then(|f| serde_json::Number::from_f64(-f))
                            .map(Value::Number)
                            .unwrap_or(Value::Null)
                    }
                }
                other => other,
            },
            _ => wrap(src, e.span()),
        },
        _ => wrap(src, e.span()),
    }
}

fn template(t: &Template, src: &str) -> Value {
    let mut out = String::new();
    for el in t.iter() {
        match el {
            Element::Literal(s) => out.push_str(s.value()),
            Element::Interpolation(i) => {
                out.push_str("${");
                out.push_str(&source(src, i.expr.span()));
                out.push('}');
            }
            Element::Directive(d) => out.push_str(&source(src, d.span())),
        }
    }
    Value::String(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn blocks_are_lists_under_type_and_labels() {
        let src = r#"
resource "aws_s3_bucket" "b" {
  bucket = "logs"
  count  = 2
  acl    = var.acl
  tags   = { Name = "x", "k-2" = local.y }
  versioning {
    enabled = true
  }
  ports = [80, -1]
  name  = "app-${var.env}"
  size  = 4 - 2
}
terraform {
  required_version = ">= 1.0"
}
locals {
  a = 1
}
"#;
        let v = to_json("main.tf", src).unwrap_or_default();
        let b = &v["resource"]["aws_s3_bucket"]["b"][0];
        assert_eq!(b["bucket"], "logs");
        assert_eq!(b["count"], 2);
        assert_eq!(b["acl"], "${var.acl}");
        assert_eq!(b["tags"], json!({"Name": "x", "k-2": "${local.y}"}));
        assert_eq!(b["versioning"], json!([{"enabled": true}]));
        assert_eq!(b["ports"], json!([80, -1]));
        assert_eq!(b["name"], "app-${var.env}");
        assert_eq!(b["size"], "${4 - 2}");
        assert_eq!(v["terraform"][0]["required_version"], ">= 1.0");
        assert_eq!(v["locals"], json!([{"a": 1}]));
    }

    #[test]
    fn dynamic_blocks_and_repeated_blocks() {
        let src = "resource \"a\" \"b\" {\n  dynamic \"ingress\" {\n    for_each = var.p\n    content {\n      port = ingress.value\n    }\n  }\n  rule { x = 1 }\n  rule { x = 2 }\n}\n";
        let v = to_json("m.tf", src).unwrap_or_default();
        let r = &v["resource"]["a"]["b"][0];
        assert_eq!(r["dynamic"]["ingress"][0]["for_each"], "${var.p}");
        assert_eq!(
            r["dynamic"]["ingress"][0]["content"][0]["port"],
            "${ingress.value}"
        );
        assert_eq!(r["rule"], json!([{"x": 1}, {"x": 2}]));
    }

    #[test]
    fn syntax_error_has_position() {
        let e = to_json("bad.tf", "resource \"a\" {\n  x = \n}\n").err();
        assert!(e.is_some_and(|e| e.file == "bad.tf" && e.line >= 2));
    }
}
