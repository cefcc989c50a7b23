//! Dockerfiles as conftest gives them to policies: a flat list of
//! instructions `{Cmd, SubCmd, Flags, Value, Original, JSON, Stage}` —
//! `Cmd` lower-cased, `Flags` the leading `--x=y` options, `Value` the
//! arguments (JSON form unpacked; `ENV`/`LABEL` as BuildKit's
//! `name, value, separator` triples;
//! shell-form `RUN`/`CMD`/`ENTRYPOINT` as one string; other instructions
//! split on whitespace), `Stage` the index of the `FROM` it belongs to.
//!
//! [`to_trivy`] gives the same instructions in Trivy's shape
//! (`input.Stages[].Commands[]` with `Path`, `StartLine`, `EndLine`), for
//! Trivy's Dockerfile checks.
//!
//! This mirrors BuildKit's parser closely enough for conftest- and
//! Trivy-style policies; it does not expand variables. Heredoc bodies are
//! read (they are not instructions) and kept in `Original`; Trivy's shape
//! also gives them as the command's value, as Trivy does.

use serde_json::{json, Value};

/// One instruction with where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Instruction {
    /// Lower-cased keyword (`from`, `run`, …).
    pub cmd: String,
    /// `ONBUILD`/`HEALTHCHECK`'s inner keyword, lower-cased.
    pub sub_cmd: String,
    /// Exec (JSON array) form.
    pub json: bool,
    /// The instruction as written (continuation lines and heredoc bodies included).
    pub original: String,
    /// Index of the `FROM` it belongs to (0 before the first `FROM`).
    pub stage: i64,
    pub flags: Vec<String>,
    pub value: Vec<String>,
    pub start_line: u32,
    pub end_line: u32,
    /// Heredoc bodies (`<<EOF … EOF`) with their terminators, in order.
    pub heredocs: Vec<Heredoc>,
    /// The comment lines since the previous instruction, as BuildKit keeps
    /// them (`PrevComment`): the line without its first character, trimmed;
    /// an empty comment (`#`) drops the ones before it.
    pub comments: Vec<String>,
}

/// A heredoc body of an instruction.
#[derive(Debug, Clone, PartialEq)]
pub struct Heredoc {
    pub name: String,
    /// Body lines joined with `\n`, with a final `\n`.
    pub content: String,
    /// `<<-`: leading tabs are stripped from the body.
    pub chomp: bool,
}

/// The heredoc markers of an instruction line: (name, chomp).
fn heredoc_markers(line: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("<<") {
        let after = rest.get(i + 2..).unwrap_or_default();
        let (chomp, after) = match after.strip_prefix('-') {
            Some(a) => (true, a),
            None => (false, after),
        };
        let quoted = after.starts_with(['"', '\'']);
        let body = after.trim_start_matches(['"', '\'']);
        let name: String = body
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let ok = !name.is_empty()
            && (quoted || after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'));
        if ok {
            out.push((name.clone(), chomp));
        }
        rest = after.get(name.len().max(1)..).unwrap_or_default();
    }
    out
}

/// Parses Dockerfile text into instructions with their lines.
pub fn instructions(text: &str) -> Vec<Instruction> {
    let mut out = Vec::new();
    let mut stage: i64 = -1;
    let mut escape = '\\';
    let mut logical = String::new();
    let mut original = String::new();
    let mut start = 0u32;
    let mut at_start = true;
    let mut comments: Vec<String> = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((i, raw)) = lines.next() {
        let n = i as u32 + 1;
        let raw = if i == 0 {
            raw.trim_start_matches('\u{feff}')
        } else {
            raw
        };
        let t = raw.trim();
        if logical.is_empty() && t.starts_with('#') {
            // BuildKit drops the line's first character (not necessarily
            // the `#` when the comment is indented) and trims the rest.
            let mut chars = raw.chars();
            chars.next();
            let c = chars.as_str().trim();
            if c.is_empty() {
                comments.clear();
            } else {
                comments.push(c.to_string());
            }
        }
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
        if logical.is_empty() {
            start = n;
        }
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
        let mut orig = std::mem::take(&mut original);
        let mut end = n;
        // Heredoc bodies follow the instruction line, each up to its terminator.
        let mut heredocs = Vec::new();
        for (name, chomp) in heredoc_markers(&line) {
            let mut content = String::new();
            for (j, body) in lines.by_ref() {
                end = j as u32 + 1;
                let done = if chomp {
                    body.trim_start_matches('\t') == name
                } else {
                    body == name
                };
                if done {
                    break;
                }
                content.push_str(if chomp {
                    body.trim_start_matches('\t')
                } else {
                    body
                });
                content.push('\n');
            }
            heredocs.push(Heredoc {
                name,
                content,
                chomp,
            });
        }
        if let Some(mut cmd) = instruction(&line, &orig, &mut stage) {
            if !heredocs.is_empty() {
                orig.push('\n');
                for (k, h) in heredocs.iter().enumerate() {
                    orig.push_str(&h.content);
                    orig.push_str(&h.name);
                    if k + 1 < heredocs.len() {
                        orig.push('\n');
                    }
                }
                cmd.original = orig;
            }
            cmd.start_line = start;
            cmd.end_line = end;
            cmd.heredocs = heredocs;
            cmd.comments = std::mem::take(&mut comments);
            out.push(cmd);
        }
    }
    if !logical.is_empty() {
        if let Some(mut cmd) = instruction(&logical, &original, &mut stage) {
            cmd.comments = comments;
            cmd.start_line = start;
            cmd.end_line = text.lines().count() as u32;
            out.push(cmd);
        }
    }
    out
}

/// True when a namespace is written for Trivy's Dockerfile input: its
/// METADATA `custom.input.selector` names `dockerfile` (Trivy's checks
/// do); conftest-style packages get conftest's instruction list.
pub fn wants_trivy_shape(ns: &crate::load::Namespace) -> bool {
    ns.selectors.iter().any(|s| s == "dockerfile")
}

/// Converts Dockerfile text to conftest's instruction list. As conftest
/// does, the comments before an instruction come first, one entry each:
/// `{"Cmd": "comment", "Value": [text], "Stage": …}`.
pub fn to_json(text: &str) -> Value {
    let mut out = Vec::new();
    for c in instructions(text) {
        for comment in &c.comments {
            out.push(json!({
                "Cmd": "comment",
                "SubCmd": "",
                "JSON": false,
                "Stage": c.stage,
                "Flags": [],
                "Value": [comment],
            }));
        }
        out.push(json!({
            "Cmd": c.cmd,
            "SubCmd": c.sub_cmd,
            "JSON": c.json,
            "Original": c.original,
            "Stage": c.stage,
            "Flags": c.flags,
            "Value": c.value,
        }));
    }
    Value::Array(out)
}

/// The value Trivy gives a heredoc instruction: a simple heredoc's lines
/// joined with ` ; ` (they run in a shell one by one); a script (`#!`) or a
/// heredoc with more on its line is the line and the bodies as written.
fn trivy_heredoc_value(c: &Instruction) -> String {
    let Some(first) = c.heredocs.first() else {
        return c.value.join(" ");
    };
    let arg = c.value.join(" ");
    let simple = heredoc_markers(&arg).len() == 1
        && arg
            .trim_start_matches("<<")
            .trim_start_matches('-')
            .trim_matches(['"', '\''])
            == first.name;
    if !simple || first.content.starts_with("#!") {
        let mut s = arg;
        for h in &c.heredocs {
            s.push('\n');
            s.push_str(&h.content);
            s.push_str(&h.name);
        }
        return s;
    }
    first
        .content
        .replace("\r\n", "\n")
        .trim_end_matches('\n')
        .split('\n')
        .collect::<Vec<_>>()
        .join(" ; ")
}

/// Converts Dockerfile text to Trivy's input (`input.Stages[].Commands[]`
/// with `Cmd`, `SubCmd`, `Flags`, `Value`, `Original`, `JSON`, `Stage`,
/// `Path`, `StartLine`, `EndLine`), so Trivy's Dockerfile checks run
/// unmodified. A stage's `Name` is its `FROM` line without `FROM `;
/// instructions before the first `FROM` form a stage of their own named "".
pub fn to_trivy(text: &str, path: &str) -> Value {
    let mut stages: Vec<Value> = Vec::new();
    let mut name = String::new();
    let mut commands: Vec<Value> = Vec::new();
    for c in instructions(text) {
        if c.cmd == "from" {
            if !commands.is_empty() {
                stages.push(json!({"Name": name, "Commands": std::mem::take(&mut commands)}));
            }
            name = c
                .original
                .strip_prefix("FROM ")
                .unwrap_or(&c.original)
                .trim()
                .to_string();
        }
        let value = if c.heredocs.is_empty() {
            c.value.clone()
        } else {
            vec![trivy_heredoc_value(&c)]
        };
        commands.push(json!({
            "Cmd": c.cmd,
            "SubCmd": c.sub_cmd,
            "Flags": c.flags,
            "Value": value,
            "Original": c.original,
            "JSON": c.json,
            "Stage": c.stage,
            "Path": path,
            "StartLine": c.start_line,
            "EndLine": c.end_line,
        }));
    }
    if !commands.is_empty() {
        stages.push(json!({"Name": name, "Commands": commands}));
    }
    json!({ "Stages": stages })
}

fn instruction(line: &str, original: &str, stage: &mut i64) -> Option<Instruction> {
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
    Some(Instruction {
        cmd,
        sub_cmd,
        json: is_json,
        original: original.trim().to_string(),
        stage: (*stage).max(0),
        flags,
        value,
        start_line: 0,
        end_line: 0,
        heredocs: Vec::new(),
        comments: Vec::new(),
    })
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

/// BuildKit's word splitting for `ENV`/`LABEL`: whitespace outside quotes
/// separates words; quotes and escapes stay in the words, as in BuildKit's
/// syntax tree (they are only removed when the build expands them).
fn build_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                word.push(c);
                if c == q {
                    quote = None;
                } else if c == '\\' && q == '"' {
                    if let Some(n) = chars.next() {
                        word.push(n);
                    }
                }
            }
            None if c.is_whitespace() => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
            }
            None => {
                word.push(c);
                if c == '"' || c == '\'' {
                    quote = Some(c);
                } else if c == '\\' {
                    if let Some(n) = chars.next() {
                        word.push(n);
                    }
                }
            }
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// `ENV`/`LABEL` arguments as BuildKit's syntax tree holds them: a
/// `name, value, separator` triple per variable — `K=V K2="v 2"` gives
/// `[K, V, =, K2, "v 2", =]` (quotes kept), the legacy `K value with
/// spaces` gives `[K, value with spaces, ""]`.
fn pairs(s: &str) -> Vec<String> {
    let words = build_words(s);
    let legacy = words.first().is_some_and(|w| !w.contains('='));
    if legacy {
        return match s.split_once(char::is_whitespace) {
            Some((k, v)) => vec![k.to_string(), v.trim().to_string(), String::new()],
            None => vec![s.to_string(), String::new(), String::new()],
        };
    }
    let mut out = Vec::new();
    for w in words {
        let (k, v) = w.split_once('=').unwrap_or((w.as_str(), ""));
        out.push(k.to_string());
        out.push(v.to_string());
        out.push("=".to_string());
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
        let all = v.as_array().cloned().unwrap_or_default();
        // The parser directive is a comment to BuildKit, kept before `FROM`.
        assert_eq!(
            all[0],
            json!({"Cmd": "comment", "SubCmd": "", "JSON": false, "Stage": 0, "Flags": [], "Value": ["syntax=docker/dockerfile:1"]})
        );
        let a: Vec<Value> = all.into_iter().skip(1).collect();
        assert_eq!(a.len(), 8);
        assert_eq!(a[0]["Cmd"], "from");
        assert_eq!(a[0]["Value"], json!(["golang:1.22", "AS", "build"]));
        // BuildKit's triples; quotes stay until the build expands them.
        assert_eq!(
            a[1]["Value"],
            json!(["A", "1", "=", "B", "\"two words\"", "="])
        );
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

    #[test]
    fn comments_come_before_their_instruction_like_buildkit() {
        let v = to_json(
            "FROM a\n# one\n\n  #  two  \n#\n# three\nRUN x \\\n# inside\n  y\n# four\nFROM b\n# trailing\n",
        );
        let cmds: Vec<(String, Value, Value)> = v
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|c| {
                (
                    c["Cmd"].as_str().unwrap_or_default().to_string(),
                    c["Value"].clone(),
                    c["Stage"].clone(),
                )
            })
            .collect();
        assert_eq!(
            cmds,
            vec![
                ("from".into(), json!(["a"]), json!(0)),
                // `#` alone drops "one" and "# two" (BuildKit drops the
                // indented line's first character, a space).
                ("comment".into(), json!(["three"]), json!(0)),
                ("run".into(), json!(["x y"]), json!(0)),
                ("comment".into(), json!(["four"]), json!(1)),
                ("from".into(), json!(["b"]), json!(1)),
            ]
        );
    }

    #[test]
    fn trivy_shape_has_stages_lines_and_heredocs() {
        let text = "ARG V=1\nFROM golang:1.22 AS build\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\nFROM alpine:3.20\nUSER root\nCOPY --chown=1:1 a \\\n  b /c/\n";
        let v = to_trivy(text, "app/Dockerfile");
        let stages = v["Stages"].as_array().cloned().unwrap_or_default();
        assert_eq!(stages.len(), 3);
        assert_eq!(stages[0]["Name"], "");
        assert_eq!(stages[0]["Commands"][0]["Cmd"], "arg");
        assert_eq!(stages[1]["Name"], "golang:1.22 AS build");
        let run = &stages[1]["Commands"][1];
        assert_eq!(run["Cmd"], "run");
        assert_eq!(
            run["Value"],
            json!(["apt-get update ; apt-get install -y curl"])
        );
        assert_eq!(
            (run["StartLine"].clone(), run["EndLine"].clone()),
            (json!(3), json!(6))
        );
        assert_eq!(
            run["Original"],
            "RUN <<EOF\napt-get update\napt-get install -y curl\nEOF"
        );
        assert_eq!(run["Path"], "app/Dockerfile");
        let user = &stages[2]["Commands"][1];
        assert_eq!(
            (user["Stage"].clone(), user["StartLine"].clone()),
            (json!(1), json!(8))
        );
        let copy = &stages[2]["Commands"][2];
        assert_eq!(copy["Flags"], json!(["--chown=1:1"]));
        assert_eq!(
            (copy["StartLine"].clone(), copy["EndLine"].clone()),
            (json!(9), json!(10))
        );
        // Heredoc bodies are not instructions in conftest's shape either.
        assert_eq!(to_json(text).as_array().map(|a| a.len()), Some(6));
    }
}
