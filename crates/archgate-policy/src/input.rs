//! Turning a file into the `input` documents a conftest policy sees: the
//! parser chosen by file name (or `--parser`), then the shape conftest's
//! parser for that format produces — YAML/JSON as parsed (one document per
//! YAML document), HCL2 as `hcl2json` gives it ([`crate::hcl2`]),
//! Dockerfiles as conftest's list of instructions ([`crate::dockerfile`]),
//! dotenv as a flat object.
//!
//! TOML, INI, XML and Java properties come from [`crate::formats`];
//! Jenkinsfiles/Groovy from [`crate::groovy`], nginx configuration from
//! [`crate::nginx`].
//!
//! Each document keeps the line it starts on, so policy results point at
//! it. Not a general converter: formats conftest supports that archgate
//! does not (cue, jsonnet, hocon, …) are refused with a clear error.

use archgate_core::{InputError, Node, Value as NV};
use serde_json::Value;
use std::path::Path;

/// A conftest parser name (`--parser`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parser {
    Yaml,
    Json,
    Hcl2,
    Dockerfile,
    Dotenv,
    Ignore,
    Toml,
    Ini,
    Xml,
    Properties,
    Groovy,
    Nginx,
}

impl Parser {
    pub const NAMES: &'static str =
        "yaml, json, hcl2, dockerfile, dotenv, ignore, toml, ini, xml, properties, groovy, nginx";

    pub fn parse(name: &str) -> Result<Parser, String> {
        Ok(match name.to_ascii_lowercase().as_str() {
            "yaml" | "yml" => Parser::Yaml,
            "json" | "jsonc" => Parser::Json,
            "hcl2" | "hcl" | "tf" | "tfvars" => Parser::Hcl2,
            "dockerfile" => Parser::Dockerfile,
            "dotenv" | "env" => Parser::Dotenv,
            "ignore" => Parser::Ignore,
            "toml" => Parser::Toml,
            "ini" => Parser::Ini,
            "xml" => Parser::Xml,
            "properties" => Parser::Properties,
            "groovy" => Parser::Groovy,
            "nginx" => Parser::Nginx,
            other => {
                return Err(format!(
                    "parser `{other}` is not supported; archgate supports {}",
                    Parser::NAMES
                ))
            }
        })
    }
}

/// The parser conftest would pick for `path`, by name then extension.
pub fn detect(path: &Path) -> Result<Parser, String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("dockerfile")
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
        || lower == "containerfile"
    {
        return Ok(Parser::Dockerfile);
    }
    if lower.starts_with(".env") {
        return Ok(Parser::Dotenv);
    }
    if lower == ".gitignore" || lower == ".dockerignore" {
        return Ok(Parser::Ignore);
    }
    // conftest's names: `nginx.conf`, `Jenkinsfile` and `Jenkinsfile.*`.
    if lower == "nginx.conf" {
        return Ok(Parser::Nginx);
    }
    if lower == "jenkinsfile" || lower.starts_with("jenkinsfile.") {
        return Ok(Parser::Groovy);
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if ext.is_empty() {
        return Err(format!(
            "{name}: no parser for a file without an extension; use --parser ({})",
            Parser::NAMES
        ));
    }
    Parser::parse(&ext).map_err(|e| format!("{name}: {e}"))
}

/// One input document and the line it starts on (1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub value: Value,
    pub line: u32,
}

/// Parses `text` (named `file` in errors) with `parser`.
pub fn parse(parser: Parser, file: &str, text: &str) -> Result<Vec<Document>, InputError> {
    match parser {
        Parser::Yaml => {
            let docs = archgate_core::yaml::parse_documents(text)
                .map_err(|e| InputError::new(file, e.line, e.col, e.message.clone()))?;
            let mut out: Vec<Document> = docs
                .iter()
                .filter(|d| !d.is_null())
                .map(|d| Document {
                    value: to_json(d),
                    line: d.span.line.max(1),
                })
                .collect();
            // An empty file is one `null` document, as conftest gives it.
            if out.is_empty() {
                out.push(Document {
                    value: Value::Null,
                    line: 1,
                });
            }
            Ok(out)
        }
        Parser::Json => {
            let v: Value = serde_json::from_str(text).map_err(|e| {
                InputError::new(file, e.line() as u32, e.column() as u32, e.to_string())
                    .expected("JSON")
            })?;
            Ok(vec![Document { value: v, line: 1 }])
        }
        Parser::Hcl2 => Ok(vec![Document {
            value: crate::hcl2::to_json(file, text)?,
            line: 1,
        }]),
        Parser::Dockerfile => Ok(vec![Document {
            value: crate::dockerfile::to_json(text),
            line: 1,
        }]),
        Parser::Dotenv => Ok(vec![Document {
            value: dotenv(text),
            line: 1,
        }]),
        Parser::Ignore => Ok(vec![Document {
            value: ignore_file(text),
            line: 1,
        }]),
        Parser::Toml => one(crate::formats::toml(file, text)?),
        Parser::Ini => one(crate::formats::ini(file, text)?),
        Parser::Xml => one(crate::formats::xml(file, text)?),
        Parser::Properties => one(crate::formats::properties(file, text)?),
        Parser::Groovy => one(crate::groovy::to_json(file, text)?),
        Parser::Nginx => one(crate::nginx::to_json(file, text)?),
    }
}

fn one(value: Value) -> Result<Vec<Document>, InputError> {
    Ok(vec![Document { value, line: 1 }])
}

/// JSON of a spanned YAML node, the way a YAML → JSON conversion gives it:
/// tags are dropped (their value kept), unresolved expressions are their text.
pub fn to_json(n: &Node) -> Value {
    match &n.value {
        NV::Null => Value::Null,
        NV::Bool(b) => Value::Bool(*b),
        NV::Int(i) => Value::from(*i),
        NV::Float(f) => serde_json::Number::from_f64(*f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        NV::Str(s) | NV::Unknown(s) => Value::String(s.clone()),
        NV::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        NV::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.name.clone(), to_json(v)))
                .collect(),
        ),
        NV::Tagged(_, inner) => to_json(inner),
    }
}

/// `KEY=value` lines (comments, `export`, quotes) → an object of strings.
fn dotenv(text: &str) -> Value {
    let mut m = serde_json::Map::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = v.trim();
        let v = if v.len() >= 2
            && ((v.starts_with('"') && v.ends_with('"'))
                || (v.starts_with('\'') && v.ends_with('\'')))
        {
            v.get(1..v.len() - 1).unwrap_or_default().to_string()
        } else {
            // An unquoted value ends at an inline comment.
            v.split(" #").next().unwrap_or_default().trim().to_string()
        };
        m.insert(k.trim().to_string(), Value::String(v));
    }
    Value::Object(m)
}

/// `.gitignore`-style files: conftest gives a list with one list of entries
/// `{Kind, Value, Original}` per file (Kind: Path, NegatedPath, Comment, Empty).
fn ignore_file(text: &str) -> Value {
    let entries: Vec<Value> = text
        .lines()
        .map(|l| {
            let t = l.trim();
            let (kind, value) = if t.is_empty() {
                ("Empty", "")
            } else if let Some(c) = t.strip_prefix('#') {
                ("Comment", c)
            } else if let Some(n) = t.strip_prefix('!') {
                ("NegatedPath", n)
            } else {
                ("Path", t)
            };
            serde_json::json!({"Kind": kind, "Value": value, "Original": l})
        })
        .collect();
    Value::Array(vec![Value::Array(entries)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_parsers_like_conftest() {
        let d = |p: &str| detect(Path::new(p));
        assert_eq!(d("a/Dockerfile"), Ok(Parser::Dockerfile));
        assert_eq!(d("Dockerfile.prod"), Ok(Parser::Dockerfile));
        assert_eq!(d("x.yml"), Ok(Parser::Yaml));
        assert_eq!(d("main.tf"), Ok(Parser::Hcl2));
        assert_eq!(d("plan.json"), Ok(Parser::Json));
        assert_eq!(d(".env.local"), Ok(Parser::Dotenv));
        assert_eq!(d("pyproject.toml"), Ok(Parser::Toml));
        assert_eq!(d("php.ini"), Ok(Parser::Ini));
        assert_eq!(d("pom.xml"), Ok(Parser::Xml));
        assert_eq!(d("app.properties"), Ok(Parser::Properties));
        assert_eq!(d("ci/Jenkinsfile"), Ok(Parser::Groovy));
        assert_eq!(d("Jenkinsfile.prod"), Ok(Parser::Groovy));
        assert_eq!(d("vars/build.groovy"), Ok(Parser::Groovy));
        assert_eq!(d("etc/nginx.conf"), Ok(Parser::Nginx));
        assert_eq!(d("site.nginx"), Ok(Parser::Nginx));
        assert!(d("other.conf").is_err());
        assert!(d("x.cue").is_err());
        assert!(d("README").is_err());
    }

    #[test]
    fn yaml_documents_keep_start_lines_and_drop_tags() {
        let docs = parse(
            Parser::Yaml,
            "a.yaml",
            "kind: A\n---\n# c\nkind: B\nref: !Ref X\n---\n",
        )
        .unwrap_or_default();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].line, 1);
        assert_eq!(docs[1].line, 4);
        assert_eq!(docs[1].value["ref"], "X");
    }

    #[test]
    fn json_error_has_position() {
        let e = parse(Parser::Json, "a.json", "{\n  \"a\": ,\n}").err();
        let e = e.unwrap_or_else(|| InputError::whole_file("", ""));
        assert_eq!((e.file.as_str(), e.line), ("a.json", 2));
    }

    #[test]
    fn dotenv_values() {
        let v = dotenv("# x\nexport A=1\nB=\"two words\"\nC=3 # note\n");
        assert_eq!(v["A"], "1");
        assert_eq!(v["B"], "two words");
        assert_eq!(v["C"], "3");
    }
}
