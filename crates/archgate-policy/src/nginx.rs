//! nginx configuration files (`nginx.conf`, `--parser nginx`) as conftest's
//! nginx parser gives them to policies:
//!
//! ```json
//! {"directives": [{"name": "http", "block": {"directives": [
//!   {"name": "listen", "parameters": ["443", "ssl"]}]}}]}
//! ```
//!
//! A directive has a `name`, its `parameters` (left out when there are
//! none; quoted parameters keep their quotes, as written) and a `block`
//! when it opens one. Comments are dropped. The bodies of `*_by_lua_block`
//! directives are Lua, not nginx syntax: they are skipped and the block is
//! empty.
//!
//! A hand-written tokenizer and recursive-descent parser (the grammar is a
//! dozen lines; no crate on crates.io is both small and maintained for it).
//! Errors name the file, line and column. Not for: resolving `include`s or
//! variables, or checking that directives exist in nginx.

use archgate_core::InputError;
use serde_json::{json, Map, Value};

/// Deepest block nesting accepted: real configurations nest a few levels;
/// the limit keeps recursion bounded on hostile input.
const MAX_DEPTH: usize = 256;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Semi,
    Open,
    Close,
}

struct Lexer<'a> {
    file: &'a str,
    text: &'a str,
    pos: usize,
    line: u32,
    col: u32,
}

impl<'a> Lexer<'a> {
    fn peek_char(&self) -> Option<char> {
        self.text.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek_char()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn error(&self, line: u32, col: u32, msg: impl Into<String>) -> InputError {
        InputError::new(self.file, line, col, msg.into())
    }

    /// The next token and where it starts, `None` at the end.
    fn next(&mut self) -> Result<Option<(Tok, u32, u32)>, InputError> {
        loop {
            match self.peek_char() {
                Some(c) if c.is_whitespace() => {
                    self.bump();
                }
                Some('#') => {
                    while let Some(c) = self.peek_char() {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                _ => break,
            }
        }
        let (line, col) = (self.line, self.col);
        let Some(c) = self.peek_char() else {
            return Ok(None);
        };
        let tok = match c {
            ';' => {
                self.bump();
                Tok::Semi
            }
            '{' => {
                self.bump();
                Tok::Open
            }
            '}' => {
                self.bump();
                Tok::Close
            }
            '"' | '\'' => {
                let start = self.pos;
                self.bump();
                loop {
                    match self.bump() {
                        None => {
                            return Err(self
                                .error(line, col, format!("unterminated {c}-quoted string"))
                                .expected(format!("a closing {c}")))
                        }
                        Some('\\') => {
                            self.bump();
                        }
                        Some(q) if q == c => break,
                        Some(_) => {}
                    }
                }
                Tok::Word(
                    self.text
                        .get(start..self.pos)
                        .unwrap_or_default()
                        .to_string(),
                )
            }
            _ => {
                let start = self.pos;
                while let Some(c) = self.peek_char() {
                    if c.is_whitespace() || c == ';' || c == '{' || c == '}' {
                        // `${name}` is a variable inside a word, not a block.
                        if c == '{' && self.text.get(..self.pos).is_some_and(|s| s.ends_with('$')) {
                            while let Some(c) = self.bump() {
                                if c == '}' {
                                    break;
                                }
                            }
                            continue;
                        }
                        break;
                    }
                    if c == '\\' {
                        self.bump();
                    }
                    self.bump();
                }
                Tok::Word(
                    self.text
                        .get(start..self.pos)
                        .unwrap_or_default()
                        .to_string(),
                )
            }
        };
        Ok(Some((tok, line, col)))
    }

    /// Skips a Lua block body up to its matching `}` (strings and comments
    /// of Lua are respected so their braces do not count).
    fn skip_lua(&mut self, line: u32, col: u32) -> Result<(), InputError> {
        let mut depth = 1usize;
        while let Some(c) = self.bump() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                '"' | '\'' => {
                    while let Some(d) = self.bump() {
                        if d == '\\' {
                            self.bump();
                        } else if d == c || d == '\n' {
                            break;
                        }
                    }
                }
                '-' if self.peek_char() == Some('-') => {
                    while let Some(d) = self.peek_char() {
                        if d == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                _ => {}
            }
        }
        Err(self
            .error(line, col, "unclosed Lua block")
            .expected("a closing }"))
    }
}

/// Parses an nginx configuration into conftest's `{"directives": […]}`.
pub fn to_json(file: &str, text: &str) -> Result<Value, InputError> {
    let mut lx = Lexer {
        file,
        text,
        pos: 0,
        line: 1,
        col: 1,
    };
    let directives = block(&mut lx, None, 0)?;
    Ok(json!({ "directives": directives }))
}

/// Directives up to the `}` closing the block opened at `open` (or the end
/// of the file at the top level).
fn block(lx: &mut Lexer, open: Option<(u32, u32)>, depth: usize) -> Result<Vec<Value>, InputError> {
    let mut out = Vec::new();
    loop {
        let Some((tok, line, col)) = lx.next()? else {
            return match open {
                None => Ok(out),
                Some((l, c)) => Err(lx
                    .error(l, c, "block is never closed")
                    .expected("a closing }")),
            };
        };
        let name = match tok {
            Tok::Word(w) => w,
            Tok::Close if open.is_some() => return Ok(out),
            Tok::Close => return Err(lx.error(line, col, "unexpected }").expected("a directive")),
            Tok::Semi => return Err(lx.error(line, col, "unexpected ;").expected("a directive")),
            Tok::Open => return Err(lx.error(line, col, "unexpected {").expected("a directive")),
        };
        let mut params = Vec::new();
        let mut d = Map::new();
        loop {
            match lx.next()? {
                Some((Tok::Word(w), _, _)) => params.push(Value::String(w)),
                Some((Tok::Semi, _, _)) => break,
                Some((Tok::Open, l, c)) => {
                    let inner = if name.ends_with("_by_lua_block") {
                        lx.skip_lua(l, c)?;
                        Vec::new()
                    } else if depth + 1 >= MAX_DEPTH {
                        return Err(lx.error(
                            l,
                            c,
                            format!("blocks nested deeper than {MAX_DEPTH}"),
                        ));
                    } else {
                        block(lx, Some((l, c)), depth + 1)?
                    };
                    d.insert("block".into(), json!({ "directives": inner }));
                    break;
                }
                Some((Tok::Close, l, c)) => {
                    return Err(lx
                        .error(l, c, format!("directive `{name}` is not terminated"))
                        .expected("; or {"))
                }
                None => {
                    return Err(lx
                        .error(line, col, format!("directive `{name}` is not terminated"))
                        .expected("; or {"))
                }
            }
        }
        let mut entry = Map::new();
        entry.insert("name".into(), Value::String(name));
        if !params.is_empty() {
            entry.insert("parameters".into(), Value::Array(params));
        }
        entry.extend(d);
        out.push(Value::Object(entry));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(t: &str) -> Value {
        to_json("nginx.conf", t).unwrap_or_else(|e| panic!("{}", e.render()))
    }

    #[test]
    fn directives_blocks_and_parameters() {
        let v = parse(
            "# top\nworker_processes 1;\nhttp {\n  server {\n    listen 443 ssl; # tls\n    return 301 https://$host${request_uri};\n    add_header X \"a b;c\";\n  }\n}\n",
        );
        assert_eq!(
            v["directives"][0],
            json!({"name": "worker_processes", "parameters": ["1"]})
        );
        let server = &v["directives"][1]["block"]["directives"][0];
        assert_eq!(server["name"], "server");
        assert!(server.get("parameters").is_none());
        let d = &server["block"]["directives"];
        assert_eq!(d[0]["parameters"], json!(["443", "ssl"]));
        assert_eq!(
            d[1]["parameters"],
            json!(["301", "https://$host${request_uri}"])
        );
        assert_eq!(d[2]["parameters"], json!(["X", "\"a b;c\""]));
    }

    #[test]
    fn empty_inputs_and_lua() {
        assert_eq!(parse(""), json!({"directives": []}));
        assert_eq!(
            parse("events {}"),
            json!({"directives": [{"name": "events", "block": {"directives": []}}]})
        );
        let v = parse("content_by_lua_block { local t = {a = \"}\"} -- }\n ngx.say(t) }\nx 1;");
        assert_eq!(
            v["directives"][1],
            json!({"name": "x", "parameters": ["1"]})
        );
    }

    #[test]
    fn errors_have_positions() {
        let e = |t: &str| to_json("n.conf", t).err().map(|e| (e.line, e.col));
        assert_eq!(e("http {\n  listen 80;\n"), Some((1, 6)));
        assert_eq!(e("listen 80"), Some((1, 1)));
        assert_eq!(e("a 1;\n}"), Some((2, 1)));
        assert_eq!(e("a \"open;"), Some((1, 3)));
        assert_eq!(e("server {\n listen 80 }"), Some((2, 12)));
        let deep = "a {".repeat(300);
        assert!(to_json("n.conf", &deep).is_err());
    }
}
