//! Dockerfiles as conftest gives them to policies: a flat list of
//! instructions `{Cmd, SubCmd, Flags, Value, Original, JSON, Stage}` —
//! `Cmd` lower-cased, `Flags` the leading `--x=y` options, `Value` the
//! arguments (JSON form unpacked; `ENV`/`LABEL` as key, value pairs;
//! shell-form `RUN`/`CMD`/`ENTRYPOINT` as one string; other instructions
//! split on whitespace), `Stage` the index of the `FROM` it belongs to.
//!
//! This mirrors BuildKit's parser closely enough for conftest-style
//! policies; it does not expand variables or read heredoc bodies beyond
//! keeping them in `Original`.

use serde_json::{json, Value};

/// Converts Dockerfile text to conftest's instruction list.
pub fn to_json(text: &str) -> Value {
    let mut out = Vec::new();
    let mut stage: i64 = -1;
    let mut escape = '\\';
    let mut logical = String::new();
    let mut original = String::new();
    let mut at_start = true;
    for raw in text.lines() {
        let t = raw.trim();
        // Parser directives (`# escape=`` `) only before the first instruction.
        if at_start {
            if let Some(d) = t.strip_prefix('#') {
                let d = d.trim().to_ascii_lowercase();
                if let Some(e) = d.strip_prefix("escape=") {
                    if let Some(c) = e.trim().chars().next() {
                        escape = c;
                    }
                }
                continue;
            }
        }
        if logical.is_empty() && (t.is_empty() || t.starts_with('#')) {
            continue;
        }
        if !logical.is_empty() && t.starts_with('#') {
            // Comment lines inside a continuation are dropped, as BuildKit does.
            continue;
        }
        at_start = false;
        if !original.is_empty() {
            original.push('\n');
        }
        original.push_str(raw);
        if let Some(body) = t.strip_suffix(escape) {
            // Docker joins continuation lines as written, without adding a space.
            logical.push_str(body);
            continue;
        }
        logical.push_str(t);
        let line = std::mem::take(&mut logical);
        let orig = std::mem::take(&mut original);
        if let Some(cmd) = instruction(&line, &orig, &mut stage) {
            out.push(cmd);
        }
    }
    if !logical.is_empty() {
        if let Some(cmd) = instruction(&logical, &original, &mut stage) {
            out.push(cmd);
        }
    }
    Value::Array(out)
}

fn instruction(line: &str, original: &str, stage: &mut i64) -> Option<Value> {
    let line = line.trim();
    let (word, rest) = match line.split_once(char::is_whitespace) {
        Some((w, r)) => (w, r.trim()),
        None => (line, ""),
    };
    if word.is_empty() {
        return None;
    }
    let cmd = word.to_ascii_lowercase();
    if cmd == "from" {
        *stage += 1;
    }
    let (flags, rest) = split_flags(rest);
    let mut sub_cmd = String::new();
    let (value, is_json): (Vec<String>, bool) = match cmd.as_str() {
        "run" | "cmd" | "entrypoint" | "shell" => match json_array(rest) {
            Some(v) => (v, true),
            None => (vec![rest.to_string()], false),
        },
        "copy" | "add" | "volume" => match json_array(rest) {
            Some(v) => (v, true),
            None => (words(rest), false),
        },
        "env" | "label" => (pairs(rest), false),
        "arg" | "maintainer" | "workdir" | "stopsignal" | "user" => (vec![rest.to_string()], false),
        "onbuild" | "healthcheck" => {
            let (sub, tail) = match rest.split_once(char::is_whitespace) {
                Some((s, t)) => (s, t.trim()),
                None => (rest, ""),
            };
            sub_cmd = sub.to_ascii_lowercase();
            match json_array(tail) {
                Some(v) => (v, true),
                None if tail.is_empty() => (Vec::new(), false),
                None => (vec![tail.to_string()], false),
            }
        }
        _ => (words(rest), false),
    };
    Some(json!({
        "Cmd": cmd,
        "SubCmd": sub_cmd,
        "JSON": is_json,
        "Original": original.trim(),
        "Stage": (*stage).max(0),
        "Flags": flags,
        "Value": value,
    }))
}

/// Leading `--name=value` / `--name` options.
fn split_flags(rest: &str) -> (Vec<String>, &str) {
    let mut flags = Vec::new();
    let mut r = rest;
    while r.starts_with("--") {
        let (f, tail) = match r.split_once(char::is_whitespace) {
            Some((f, t)) => (f, t.trim_start()),
            None => (r, ""),
        };
        flags.push(f.to_string());
        r = tail;
    }
    (flags, r)
}

fn json_array(s: &str) -> Option<Vec<String>> {
    if !s.starts_with('[') {
        return None;
    }
    serde_json::from_str::<Vec<String>>(s).ok()
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

/// `K=V K2="v 2"` or the legacy `K value with spaces` → `[K, V, K2, v 2]`.
fn pairs(s: &str) -> Vec<String> {
    let first = s.split_whitespace().next().unwrap_or_default();
    if !first.contains('=') {
        return match s.split_once(char::is_whitespace) {
            Some((k, v)) => vec![k.to_string(), v.trim().to_string()],
            None => vec![s.to_string(), String::new()],
        };
    }
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        let mut val = String::new();
        if chars.peek() == Some(&'=') {
            chars.next();
            let mut quote: Option<char> = None;
            while let Some(&c) = chars.peek() {
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => val.push(c),
                    None if c == '"' || c == '\'' => quote = Some(c),
                    None if c.is_whitespace() => break,
                    None if c == '\\' => {
                        chars.next();
                        if let Some(n) = chars.peek() {
                            val.push(*n);
                        }
                    }
                    None => val.push(c),
                }
                chars.next();
            }
        }
        out.push(key);
        out.push(val);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_like_conftest() {
        let v = to_json(
            "# syntax=docker/dockerfile:1\nFROM golang:1.22 AS build\nENV A=1 B=\"two words\"\nRUN apt-get update && \\\n    apt-get install -y curl\nFROM alpine:latest\nCOPY --from=build /out /bin/app\nUSER 1000\nCMD [\"/bin/app\", \"-v\"]\nHEALTHCHECK CMD curl -f http://localhost/\n",
        );
        let a = v.as_array().cloned().unwrap_or_default();
        assert_eq!(a.len(), 8);
        assert_eq!(a[0]["Cmd"], "from");
        assert_eq!(a[0]["Value"], json!(["golang:1.22", "AS", "build"]));
        assert_eq!(a[1]["Value"], json!(["A", "1", "B", "two words"]));
        assert_eq!(
            a[2]["Value"],
            json!(["apt-get update && apt-get install -y curl"])
        );
        assert!(a[2]["Original"].as_str().is_some_and(|o| o.contains('\n')));
        assert_eq!(a[3]["Stage"], 1);
        assert_eq!(a[4]["Flags"], json!(["--from=build"]));
        assert_eq!(a[4]["Value"], json!(["/out", "/bin/app"]));
        assert_eq!(a[5]["Value"], json!(["1000"]));
        assert_eq!(a[6]["JSON"], true);
        assert_eq!(a[6]["Value"], json!(["/bin/app", "-v"]));
        assert_eq!(a[7]["SubCmd"], "cmd");
    }
}
