//! The configuration formats conftest parses besides YAML/JSON/HCL2/
//! Dockerfile, turned into the `input` conftest's parsers give policies:
//!
//! * **TOML** (`toml_edit`): tables → objects, arrays → arrays, integers,
//!   floats, booleans; date-times as their TOML text (an offset date-time
//!   reads the same as the RFC 3339 string conftest gives).
//! * **INI** (hand-written, go-ini's defaults as conftest uses them):
//!   `[section]` → object of keys; `=` or `:` separates key and value;
//!   `#`/`;` start comments, also after a value; quoted values lose their
//!   quotes; a trailing `\` continues the value; keys before any section
//!   (go-ini's `DEFAULT`) are dropped, as conftest drops them; values that
//!   read as numbers become numbers and Go's boolean words booleans.
//! * **XML** (`roxmltree`), converted the way goxml2json does for conftest:
//!   `{"root": {...}}`, attributes as `-name`, an element's text as
//!   `#content` when it also has attributes or children (else the element
//!   is its text), repeated children become arrays, namespace prefixes
//!   dropped, text that reads as a boolean, `null`, a decimal or a
//!   multi-digit integer without a leading zero is typed.
//! * **Java properties** (hand-written): `key=value`, `key: value`,
//!   `key value`, `#`/`!` comments, `\` continuations and escapes; every
//!   value a string, `${…}` references kept as written (conftest gives
//!   magiconair/properties' `Map()`, which does not expand them), but a
//!   malformed, circular or over-deep reference is an error, as that
//!   library's loader makes it.
//!
//! Every parse error names the file, line and column. Not provided:
//! conftest's cue, jsonnet, hocon, hcl1, edn, vcl, textproto, spdx and
//! cyclonedx parsers.

use archgate_core::InputError;
use serde_json::{Map, Value};

/// 1-based line and column of byte `offset` in `text`.
fn position(text: &str, offset: usize) -> (u32, u32) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count() + 1)
        .unwrap_or(1);
    (line as u32, col as u32)
}

// ---------------------------------------------------------------- TOML

/// Parses TOML into the object conftest gives.
pub fn toml(file: &str, text: &str) -> Result<Value, InputError> {
    let doc = toml_edit::Document::parse(text).map_err(|e| {
        let (line, col) = e.span().map(|s| position(text, s.start)).unwrap_or((1, 1));
        InputError::new(file, line, col, e.message().trim().to_string()).expected("TOML")
    })?;
    Ok(toml_table(doc.as_table()))
}

fn toml_table(t: &toml_edit::Table) -> Value {
    Value::Object(
        t.iter()
            .filter_map(|(k, v)| Some((k.to_string(), toml_item(v)?)))
            .collect(),
    )
}

fn toml_item(i: &toml_edit::Item) -> Option<Value> {
    Some(match i {
        toml_edit::Item::None => return None,
        toml_edit::Item::Value(v) => toml_value(v),
        toml_edit::Item::Table(t) => toml_table(t),
        toml_edit::Item::ArrayOfTables(a) => Value::Array(a.iter().map(toml_table).collect()),
    })
}

fn toml_value(v: &toml_edit::Value) -> Value {
    match v {
        toml_edit::Value::String(s) => Value::String(s.value().clone()),
        toml_edit::Value::Integer(i) => Value::from(*i.value()),
        toml_edit::Value::Float(f) => number(*f.value()),
        toml_edit::Value::Boolean(b) => Value::Bool(*b.value()),
        toml_edit::Value::Datetime(d) => Value::String(d.value().to_string()),
        toml_edit::Value::Array(a) => Value::Array(a.iter().map(toml_value).collect()),
        toml_edit::Value::InlineTable(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.to_string(), toml_value(v)))
                .collect(),
        ),
    }
}

/// A JSON number: integral values as integers (as Go's encoder prints them).
fn number(f: f64) -> Value {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 {
        Value::from(f as i64)
    } else {
        serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    }
}

// ---------------------------------------------------------------- INI

/// Go's `strconv.ParseFloat` acceptance for plain decimal text (no inf/nan,
/// which JSON cannot carry).
fn go_float(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        || !body.starts_with(|c: char| c.is_ascii_digit() || c == '.')
    {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Go's `strconv.ParseBool` words.
fn go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Parses INI into `{section: {key: value}}` as conftest does.
pub fn ini(file: &str, text: &str) -> Result<Value, InputError> {
    let mut out: Map<String, Value> = Map::new();
    let mut section: Option<String> = None;
    let mut lines = text.lines().enumerate().peekable();
    while let Some((i, raw)) = lines.next() {
        let n = i as u32 + 1;
        let line = raw.trim_start_matches('\u{feff}');
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        let indent = (line.len() - line.trim_start().len()) as u32;
        if let Some(rest) = t.strip_prefix('[') {
            let Some(close) = rest.find(']') else {
                return Err(InputError::new(
                    file,
                    n,
                    indent + 1,
                    "section header without a closing `]`",
                )
                .expected("[section]"));
            };
            let name = rest.get(..close).unwrap_or_default().trim().to_string();
            out.entry(name.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            section = Some(name);
            continue;
        }
        let Some(sep) = t.find(['=', ':']) else {
            return Err(InputError::new(
                file,
                n,
                indent + 1,
                format!("`{t}` has no key-value delimiter"),
            )
            .expected("key = value, key: value or [section]"));
        };
        let key = t.get(..sep).unwrap_or_default().trim();
        let key = key.trim_matches('`').trim_matches('"').to_string();
        let after = t.get(sep + 1..).unwrap_or_default();
        let mut value = after.trim().to_string();
        // The column where the value starts.
        let col = indent + (sep + 1 + after.len() - after.trim_start().len()) as u32 + 1;
        // Continuation: a value ending in `\` goes on with the next line.
        while value.ends_with('\\') {
            value.pop();
            match lines.next() {
                Some((_, next)) => value.push_str(next.trim()),
                None => break,
            }
        }
        let value = ini_value(file, n, col, &value)?;
        if let Some(s) = &section {
            if let Some(Value::Object(m)) = out.get_mut(s) {
                m.insert(key, value);
            }
        }
    }
    Ok(Value::Object(out))
}

/// An INI value: quotes removed (`"…"`, `'…'`, `` `…` ``), else cut at an
/// inline comment; then typed as conftest types it.
fn ini_value(file: &str, line: u32, col: u32, v: &str) -> Result<Value, InputError> {
    for q in ['"', '\'', '`'] {
        if let Some(rest) = v.strip_prefix(q) {
            return match rest.find(q) {
                Some(end) => Ok(Value::String(
                    rest.get(..end).unwrap_or_default().to_string(),
                )),
                None => Err(InputError::new(
                    file,
                    line,
                    col,
                    format!("value starts with {q} but the quote is never closed"),
                )
                .expected(format!("a closing {q}"))),
            };
        }
    }
    let plain = match v.find(['#', ';']) {
        Some(i) => v.get(..i).unwrap_or_default().trim_end(),
        None => v,
    };
    Ok(match (go_float(plain), go_bool(plain)) {
        (Some(f), _) => number(f),
        (None, Some(b)) => Value::Bool(b),
        _ => Value::String(plain.to_string()),
    })
}

// ---------------------------------------------------------------- XML

/// Parses XML into goxml2json's object shape.
pub fn xml(file: &str, text: &str) -> Result<Value, InputError> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, opts).map_err(|e| {
        let p = e.pos();
        InputError::new(file, p.row, p.col, e.to_string()).expected("well-formed XML")
    })?;
    let root = doc.root_element();
    let mut m = Map::new();
    m.insert(root.tag_name().name().to_string(), xml_element(root));
    Ok(Value::Object(m))
}

/// goxml2json's typing of text: booleans, `null`, decimals with a dot and
/// integers of two or more digits not starting with 0; everything else a string.
fn xml_scalar(s: &str) -> Value {
    let t = s.trim();
    if t == "true" || t == "false" {
        return Value::Bool(t == "true");
    }
    if t.contains('.') {
        if let Some(f) = go_float(t) {
            return serde_json::Number::from_f64(f)
                .map(Value::Number)
                .unwrap_or_else(|| Value::String(s.to_string()));
        }
    }
    if t.len() > 1 && !t.starts_with('0') {
        if let Ok(i) = t.parse::<i64>() {
            return Value::from(i);
        }
    }
    if t == "null" {
        return Value::Null;
    }
    Value::String(s.to_string())
}

fn xml_element(e: roxmltree::Node) -> Value {
    // goxml2json keeps the last run of character data seen inside the
    // element (text between its children overwrites earlier text), trimmed.
    let text = e
        .children()
        .rev()
        .find(|c| c.is_text())
        .and_then(|c| c.text())
        .map(|t| t.trim().to_string())
        .unwrap_or_default();
    let mut children: Vec<(String, Vec<Value>)> = Vec::new();
    let mut push = |name: String, v: Value| match children.iter_mut().find(|(n, _)| *n == name) {
        Some((_, list)) => list.push(v),
        None => children.push((name, vec![v])),
    };
    for a in e.attributes() {
        push(format!("-{}", a.name()), xml_scalar(a.value()));
    }
    for c in e.children().filter(|c| c.is_element()) {
        push(c.tag_name().name().to_string(), xml_element(c));
    }
    if children.is_empty() {
        return xml_scalar(&text);
    }
    let mut m = Map::new();
    if !text.is_empty() {
        m.insert("#content".into(), xml_scalar(&text));
    }
    for (name, mut list) in children {
        let v = if list.len() == 1 {
            list.remove(0)
        } else {
            Value::Array(list)
        };
        m.insert(name, v);
    }
    Value::Object(m)
}

// ---------------------------------------------------------------- properties

/// Parses a Java `.properties` file into an object of strings.
pub fn properties(file: &str, text: &str) -> Result<Value, InputError> {
    let mut out = Map::new();
    let mut lines_of = std::collections::HashMap::new();
    let mut lines = text.lines().enumerate();
    while let Some((i, raw)) = lines.next() {
        let t = raw.trim_start();
        if t.is_empty() || t.starts_with('#') || t.starts_with('!') {
            continue;
        }
        // Join continuation lines: an odd number of trailing backslashes.
        let mut logical = t.to_string();
        while logical.chars().rev().take_while(|c| *c == '\\').count() % 2 == 1 {
            logical.pop();
            match lines.next() {
                Some((_, next)) => logical.push_str(next.trim_start()),
                None => break,
            }
        }
        let (key, value) = split_property(&logical);
        let key = unescape(file, i as u32 + 1, &key)?;
        let value = unescape(file, i as u32 + 1, &value)?;
        lines_of.insert(key.clone(), i as u32 + 1);
        out.insert(key, Value::String(value));
    }
    check_references(file, &out, &lines_of)?;
    Ok(Value::Object(out))
}

/// The longest chain of `${…}` references magiconair/properties follows.
const MAX_EXPANSION_DEPTH: usize = 64;

/// conftest reads properties with magiconair/properties, which keeps values
/// unexpanded (`Map()` gives them as written) but refuses, when loading, a
/// file whose `${key}` references are malformed (`${` without `}`),
/// circular, or chained deeper than 64 keys. The same checks, with the
/// line of the offending key. A reference to a key the file does not define
/// is not an error (magiconair falls back to the environment).
fn check_references(
    file: &str,
    values: &Map<String, Value>,
    lines: &std::collections::HashMap<String, u32>,
) -> Result<(), InputError> {
    // Height of each key's reference tree, once known to be sound.
    let mut heights: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut keys: Vec<&str> = values.keys().map(String::as_str).collect();
    keys.sort_unstable();
    for key in keys {
        let mut chain = Vec::new();
        let h = reference_height(key, values, &mut chain, &mut heights).map_err(|msg| {
            let line = lines.get(key).copied().unwrap_or(0);
            InputError::new(file, line, 1, format!("property `{key}`: {msg}"))
        })?;
        if h > MAX_EXPANSION_DEPTH {
            let line = lines.get(key).copied().unwrap_or(0);
            return Err(InputError::new(
                file,
                line,
                1,
                format!("property `{key}`: expansion too deep (more than {MAX_EXPANSION_DEPTH} chained references)"),
            ));
        }
    }
    Ok(())
}

/// The number of keys on the longest reference path from `key` (itself
/// included); `Err` for a malformed expression or a cycle.
fn reference_height<'a>(
    key: &'a str,
    values: &'a Map<String, Value>,
    chain: &mut Vec<&'a str>,
    memo: &mut std::collections::HashMap<&'a str, usize>,
) -> Result<usize, String> {
    if let Some(h) = memo.get(key) {
        return Ok(*h);
    }
    if chain.contains(&key) {
        chain.push(key);
        return Err(format!("circular reference: {}", chain.join(" -> ")));
    }
    if chain.len() > MAX_EXPANSION_DEPTH {
        return Err(format!(
            "expansion too deep (more than {MAX_EXPANSION_DEPTH} chained references)"
        ));
    }
    let Some(Value::String(v)) = values.get(key) else {
        // Not defined in the file: an empty value from the environment.
        return Ok(1);
    };
    chain.push(key);
    let mut height = 1;
    let mut rest = v.as_str();
    while let Some(start) = rest.find("${") {
        let after = rest.get(start + 2..).unwrap_or_default();
        let Some(len) = after.find('}') else {
            return Err("malformed expression: `${` without a closing `}`".to_string());
        };
        let name = after.get(..len).unwrap_or_default();
        let (name, values_ref) = match values.get_key_value(name) {
            Some((k, _)) => (k.as_str(), values),
            None => {
                height = height.max(2);
                rest = after.get(len + 1..).unwrap_or_default();
                continue;
            }
        };
        height = height.max(1 + reference_height(name, values_ref, chain, memo)?);
        rest = after.get(len + 1..).unwrap_or_default();
    }
    chain.pop();
    memo.insert(key, height);
    Ok(height)
}

/// Key and raw value: the key ends at the first unescaped `=`, `:` or
/// whitespace; whitespace and one separator after it are skipped.
fn split_property(line: &str) -> (String, String) {
    let mut key = String::new();
    let mut chars = line.char_indices().peekable();
    let mut rest_at = line.len();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                key.push(c);
                if let Some((_, n)) = chars.next() {
                    key.push(n);
                }
            }
            '=' | ':' => {
                rest_at = i + 1;
                break;
            }
            c if c.is_whitespace() => {
                // Whitespace, then optionally one `=`/`:` and more whitespace.
                let mut j = i;
                while let Some(&(k, n)) = chars.peek() {
                    if n.is_whitespace() {
                        chars.next();
                        j = k + n.len_utf8();
                    } else {
                        break;
                    }
                }
                j = j.max(i + c.len_utf8());
                if let Some(&(k, n)) = chars.peek() {
                    if n == '=' || n == ':' {
                        j = k + 1;
                    }
                }
                rest_at = j;
                break;
            }
            c => key.push(c),
        }
    }
    let value = line
        .get(rest_at..)
        .unwrap_or_default()
        .trim_start()
        .to_string();
    (key, value)
}

fn unescape(file: &str, line: u32, s: &str) -> Result<String, InputError> {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let ch = u32::from_str_radix(&hex, 16)
                    .ok()
                    .filter(|_| hex.len() == 4)
                    .and_then(char::from_u32);
                match ch {
                    Some(ch) => out.push(ch),
                    None => {
                        return Err(InputError::new(
                            file,
                            line,
                            1,
                            format!("invalid unicode escape `\\u{hex}`"),
                        )
                        .expected("\\u followed by four hex digits"))
                    }
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn toml_tables_arrays_and_types() {
        let v = toml(
            "c.toml",
            "title = \"x\"\n[server]\nport = 8080\nratio = 0.5\ntls = true\nstarted = 1979-05-27T07:32:00Z\nhosts = [\"a\", \"b\"]\nlimits = { cpu = 2 }\n[[rule]]\nname = \"r1\"\n[[rule]]\nname = \"r2\"\n",
        )
        .unwrap_or_default();
        assert_eq!(
            v,
            json!({
                "title": "x",
                "server": {"port": 8080, "ratio": 0.5, "tls": true, "started": "1979-05-27T07:32:00Z",
                           "hosts": ["a", "b"], "limits": {"cpu": 2}},
                "rule": [{"name": "r1"}, {"name": "r2"}]
            })
        );
    }

    #[test]
    fn toml_error_has_line_and_column() {
        let e = toml("c.toml", "a = 1\nb = = 2\n").err();
        let e = e.unwrap_or_else(|| InputError::whole_file("", ""));
        assert_eq!((e.file.as_str(), e.line, e.col), ("c.toml", 2, 5), "{e:?}");
    }

    #[test]
    fn ini_sections_types_comments_and_quotes() {
        let v = ini(
            "a.ini",
            "global = dropped\n[server]\nport = 8080\nratio: 1.5\ndebug = true\non = T\nname = \"my app\" \nurl = http://x ; comment\npath = /a/\\\n  b\n[empty]\n",
        )
        .unwrap_or_default();
        assert_eq!(
            v,
            json!({
                "server": {"port": 8080, "ratio": 1.5, "debug": true, "on": true,
                           "name": "my app", "url": "http://x", "path": "/a/b"},
                "empty": {}
            })
        );
    }

    #[test]
    fn ini_errors_point_at_the_line() {
        let e = ini("a.ini", "[s]\nok = 1\n  broken line\n").err();
        let e = e.unwrap_or_else(|| InputError::whole_file("", ""));
        assert_eq!((e.line, e.col), (3, 3));
        let e = ini("a.ini", "[s\n").err();
        assert_eq!(e.map(|e| e.line), Some(1));
        let e = ini("a.ini", "[s]\nk = \"open\n").err();
        assert_eq!(e.map(|e| (e.line, e.col)), Some((2, 5)));
    }

    #[test]
    fn xml_like_goxml2json() {
        let v = xml(
            "p.xml",
            "<?xml version=\"1.0\"?>\n<project xmlns:x=\"urn:x\" version=\"4.0\">\n  <name>demo</name>\n  <count>12</count>\n  <one>5</one>\n  <dep scope=\"test\">junit</dep>\n  <dep>log</dep>\n  <x:flag>true</x:flag>\n  <empty/>\n</project>\n",
        )
        .unwrap_or_default();
        assert_eq!(
            v,
            json!({"project": {
                "-version": 4.0,
                "name": "demo",
                "count": 12,
                // A single digit stays a string, as goxml2json types it.
                "one": "5",
                "dep": [{"-scope": "test", "#content": "junit"}, "log"],
                "flag": true,
                "empty": ""
            }})
        );
    }

    #[test]
    fn xml_error_has_position() {
        let e = xml("p.xml", "<a>\n  <b></c>\n</a>").err();
        let e = e.unwrap_or_else(|| InputError::whole_file("", ""));
        assert_eq!((e.file.as_str(), e.line), ("p.xml", 2), "{e:?}");
    }

    #[test]
    fn properties_separators_continuations_escapes() {
        let v = properties(
            "a.properties",
            "# c\n! c\nkey=value\nkey2 : v2\nkey3 v3\nmulti = a \\\n    b\nesc\\ key = tab\\there \\u00e9\nref = ${key}\n",
        )
        .unwrap_or_default();
        assert_eq!(
            v,
            json!({"key": "value", "key2": "v2", "key3": "v3", "multi": "a b",
                   "esc key": "tab\there é", "ref": "${key}"})
        );
        assert!(properties("a.properties", "k = \\u12\n").is_err());
    }

    #[test]
    fn properties_references_are_checked_like_magiconair() {
        let pos = |t: &str| {
            properties("a.properties", t)
                .err()
                .map(|e| (e.line, e.message))
        };
        // Kept as written; an undefined key (the environment's) is fine.
        assert_eq!(
            properties("a.properties", "a = ${b}/x\nb = ${c}\nd = ${HOME}\n").ok(),
            Some(json!({"a": "${b}/x", "b": "${c}", "d": "${HOME}"}))
        );
        let (line, msg) = pos("ok = 1\nbad = ${open\n").unwrap_or_default();
        assert_eq!(line, 2);
        assert!(msg.contains("malformed"), "{msg}");
        let (line, msg) = pos("a = ${b}\nb = x${a}\n").unwrap_or_default();
        assert_eq!(line, 1);
        assert!(msg.contains("circular reference: a -> b -> a"), "{msg}");
        let chain = |n: usize| {
            let mut t: String = (0..n)
                .map(|i| format!("k{i} = ${{k{}}}\n", i + 1))
                .collect();
            t.push_str(&format!("k{n} = end\n"));
            t
        };
        assert!(properties("a.properties", &chain(63)).is_ok());
        assert!(pos(&chain(64)).is_some_and(|(_, m)| m.contains("too deep")));
    }
}
