//! Dockerfiles to one [`Resource`] per file, with every instruction and
//! build stage spanned.
//!
//! A hand-written line parser following BuildKit's rules: parser directives
//! at the top (`# syntax=`, `# escape=`), comment lines (also inside
//! continuations), line continuation with the escape character (`\` or
//! `` ` ``), exec form (a JSON array) vs shell form, heredocs (`RUN <<EOF` …
//! `EOF`, `<<-EOF` strips leading tabs), case-insensitive keywords, and
//! stages (`FROM [--platform=…] image [AS name]`). Global `ARG` defaults
//! declared before the first `FROM` are substituted into `FROM` lines; an
//! image that still contains `$` is an unresolved value.
//!
//! The resource: `kind` = `dockerfile`, `block` = `resource`, `name` = the
//! file path, `address` = `/<path>` (Checkov's resource ids append `.` for
//! the whole file and `.FROM`, `.USER`, … per instruction), `span` = the
//! whole file, `labels` = the `LABEL` key/value pairs. The body:
//!
//! ```text
//! instructions: [            # in file order; each node spans its lines
//!   { instruction: "RUN",    # upper-cased keyword
//!     value: "apt-get …",    # everything after the keyword, continuations joined
//!     flags: ["--mount=…"],  # leading --flags (FROM, RUN, COPY, ADD, HEALTHCHECK)
//!     form: "shell"|"exec",  # exec = JSON array form
//!     args: ["apt-get", …],  # exec items, or shell words (quotes removed)
//!     stage: 0|null,         # index into `stages`; null before the first FROM
//!     heredocs: [{delimiter, body}] }   # only when present
//! ]
//! stages: [
//!   { index: 0, base: "python:3.12-slim", image: "python", tag: "3.12-slim"|null,
//!     digest: "sha256:…"|null, name: "builder"|null, platform: "…"|null,
//!     instruction: 3 }       # index of its FROM in `instructions`
//! ]
//! ```
//!
//! So rules can say: the last `USER` (last instruction named USER), any
//! `HEALTHCHECK`, a `FROM` with `tag` `latest` or null, `ADD` used, a `RUN`
//! whose `value` contains `apt-get upgrade`, `curl … | sh` or `sudo`.
//! Not a builder: variables other than global ARG defaults are not expanded.

use crate::{Resource, SourceKind};
use archgate_core::{InputError, Key, LineIndex, Node, Span, Value};

const INSTRUCTIONS: [&str; 18] = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// One physical line: byte range without the line break.
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
}

/// Parses one Dockerfile. A file without any instruction yields no resource.
pub fn parse(path: &str, text: &str) -> (Option<Resource>, Vec<InputError>) {
    let index = LineIndex::new(text);
    let lines = split_lines(text);
    let mut errors = Vec::new();
    let line_text = |l: &Line| &text[l.start..l.end];

    // Parser directives: only at the very top, before any comment, blank
    // line or instruction; an unknown directive ends the directive block.
    let mut escape = '\\';
    let mut i = 0;
    while let Some(l) = lines.get(i) {
        match directive(line_text(l)) {
            Some((name, value)) if name == "escape" => {
                match value {
                    "\\" => escape = '\\',
                    "`" => escape = '`',
                    other => errors.push(
                        InputError::new(
                            path,
                            i as u32 + 1,
                            1,
                            format!("invalid escape directive `{other}`"),
                        )
                        .expected("`\\` or a backtick"),
                    ),
                }
                i += 1;
            }
            Some((name, _)) if matches!(name.as_str(), "syntax" | "check") => i += 1,
            _ => break,
        }
    }

    let mut instructions: Vec<Node> = Vec::new();
    let mut stages: Vec<Node> = Vec::new();
    let mut labels = Vec::new();
    let mut global_args: Vec<(String, String)> = Vec::new();
    while i < lines.len() {
        let first = lines[i];
        let trimmed = line_text(&first).trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        // Join continuation lines; comment lines inside a continuation are dropped.
        let mut last = first;
        let mut cur: &str = line_text(&first).trim_end();
        i += 1;
        // Most instructions are one line: join only when a continuation appears.
        let mut joined = String::new();
        while let Some(head) = cur.strip_suffix(escape) {
            joined.push_str(head);
            while let Some(next) = lines.get(i) {
                let t = line_text(next).trim();
                if !(t.starts_with('#') || t.is_empty()) {
                    break;
                }
                i += 1;
            }
            match lines.get(i) {
                Some(next) => {
                    cur = line_text(next).trim_end();
                    last = *next;
                    i += 1;
                }
                None => {
                    cur = "";
                    break;
                }
            }
        }
        let joined: &str = if joined.is_empty() {
            cur.trim()
        } else {
            joined.push_str(cur);
            joined.trim()
        };
        let line_no = index.locate(text, first.start).0;
        let (word, rest) = match joined.find(char::is_whitespace) {
            Some(p) => (&joined[..p], joined[p..].trim_start()),
            None => (joined, ""),
        };
        let keyword = word.to_ascii_uppercase();
        if !INSTRUCTIONS.contains(&keyword.as_str()) {
            let col = index
                .locate(
                    text,
                    first.start + (line_text(&first).len() - line_text(&first).trim_start().len()),
                )
                .1;
            errors.push(
                InputError::new(path, line_no, col, format!("unknown instruction `{word}`"))
                    .expected("a Dockerfile instruction (FROM, RUN, COPY, USER, …)"),
            );
            continue;
        }

        // Heredocs: their bodies follow the instruction line, in order.
        let mut heredocs = Vec::new();
        if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") {
            for (delim, strip_tabs) in heredoc_markers(rest) {
                let mut body = String::new();
                let mut closed = false;
                while let Some(l) = lines.get(i) {
                    i += 1;
                    last = *l;
                    let t = line_text(l);
                    let cmp = if strip_tabs {
                        t.trim_start_matches('\t')
                    } else {
                        t
                    };
                    if cmp == delim {
                        closed = true;
                        break;
                    }
                    body.push_str(cmp);
                    body.push('\n');
                }
                if !closed {
                    errors.push(
                        InputError::new(
                            path,
                            line_no,
                            1,
                            format!("heredoc `{delim}` is not terminated"),
                        )
                        .expected(format!("a line `{delim}` ending the heredoc")),
                    );
                }
                heredocs.push((delim, body));
            }
        }

        let span = index.span(text, first.start, last.end);
        let (flags, body_args) = if matches!(
            keyword.as_str(),
            "FROM" | "RUN" | "COPY" | "ADD" | "HEALTHCHECK"
        ) {
            split_flags(rest)
        } else {
            (Vec::new(), rest)
        };
        let (form, args) = match exec_form(body_args) {
            Some(items) => ("exec", items),
            None => ("shell", shell_words(body_args)),
        };
        let stage = if keyword == "FROM" {
            Some(stages.len())
        } else {
            stages.len().checked_sub(1)
        };

        match keyword.as_str() {
            "ARG" if stages.is_empty() => {
                for w in &args {
                    if let Some((k, v)) = w.split_once('=') {
                        global_args.push((k.to_string(), v.to_string()));
                    }
                }
            }
            "LABEL" => labels.extend(label_pairs(&args)),
            "FROM" => stages.push(stage_node(
                &args,
                &flags,
                &global_args,
                stages.len(),
                instructions.len(),
                span,
            )),
            _ => {}
        }

        let mut entries = vec![
            entry("instruction", Value::Str(keyword.clone()), span),
            entry("value", Value::Str(rest.to_string()), span),
            entry("flags", strings(&flags, span), span),
            entry("form", Value::Str(form.to_string()), span),
            entry("args", strings(&args, span), span),
            entry(
                "stage",
                stage.map_or(Value::Null, |s| Value::Int(s as i64)),
                span,
            ),
        ];
        if !heredocs.is_empty() {
            let docs = heredocs
                .into_iter()
                .map(|(d, b)| {
                    Node::new(
                        Value::Map(vec![
                            entry("delimiter", Value::Str(d), span),
                            entry("body", Value::Str(b), span),
                        ]),
                        span,
                    )
                })
                .collect();
            entries.push(entry("heredocs", Value::Seq(docs), span));
        }
        instructions.push(Node::new(Value::Map(entries), span));
    }

    if instructions.is_empty() {
        return (None, errors);
    }
    let end = text.trim_end().len();
    let file_span = index.span(text, 0, end);
    let body = Node::new(
        Value::Map(vec![
            entry("instructions", Value::Seq(instructions), file_span),
            entry("stages", Value::Seq(stages), file_span),
        ]),
        file_span,
    );
    let resource = Resource {
        source: SourceKind::Dockerfile,
        block: "resource".to_string(),
        kind: "dockerfile".to_string(),
        name: path.to_string(),
        address: format!("/{path}"),
        file: path.to_string(),
        span: file_span,
        body,
        module: None,
        multiple: false,
        labels,
    };
    (Some(resource), errors)
}

fn split_lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            let end = if i > start && text.as_bytes()[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            out.push(Line { start, end });
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(Line {
            start,
            end: text.len(),
        });
    }
    out
}

/// `# name=value` → (lower-cased name, value).
fn directive(line: &str) -> Option<(String, &str)> {
    let rest = line.trim().strip_prefix('#')?;
    let (name, value) = rest.split_once('=')?;
    let name = name.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    Some((name.to_ascii_lowercase(), value.trim()))
}

/// Heredoc markers in an instruction's arguments: `<<EOF`, `<<-EOF`,
/// `<<"EOF"`, `<<'EOF'` (not the here-string `<<<`).
fn heredoc_markers(args: &str) -> Vec<(String, bool)> {
    let b = args.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b'<' && b.get(i + 1) == Some(&b'<') && (i == 0 || b[i - 1] != b'<') {
            let mut j = i + 2;
            if b.get(j) == Some(&b'<') {
                i = j + 1;
                continue;
            }
            let strip = b.get(j) == Some(&b'-');
            if strip {
                j += 1;
            }
            let quote = match b.get(j) {
                Some(q @ (b'"' | b'\'')) => {
                    j += 1;
                    Some(*q)
                }
                _ => None,
            };
            let s = j;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            let word_ok = j > s && !b[s].is_ascii_digit();
            let quote_ok = match quote {
                Some(q) => b.get(j) == Some(&q),
                None => true,
            };
            if word_ok && quote_ok {
                out.push((args[s..j].to_string(), strip));
                i = j + usize::from(quote.is_some());
                continue;
            }
            i = j.max(i + 2);
            continue;
        }
        i += 1;
    }
    out
}

/// Leading `--flag[=value]` words, and the rest of the arguments.
fn split_flags(rest: &str) -> (Vec<String>, &str) {
    let mut flags = Vec::new();
    let mut r = rest;
    while r.starts_with("--") {
        let end = r.find(char::is_whitespace).unwrap_or(r.len());
        flags.push(r[..end].to_string());
        r = r[end..].trim_start();
    }
    (flags, r)
}

/// Exec form: a JSON array of strings; anything else is shell form (as in Docker).
fn exec_form(args: &str) -> Option<Vec<String>> {
    let t = args.trim();
    if !t.starts_with('[') {
        return None;
    }
    serde_json::from_str::<Vec<String>>(t).ok()
}

/// Splits shell-form arguments into words: whitespace separates, quotes
/// group (and are removed), a backslash escapes the next character outside
/// single quotes. No expansion.
fn shell_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        // Fast path: a word without quotes or escapes is taken as written.
        if !word.contains(['"', '\'', '\\']) {
            out.push(word.to_string());
            rest = rest[end..].trim_start();
            continue;
        }
        let (w, used) = quoted_word(rest);
        out.push(w);
        rest = rest[used..].trim_start();
    }
    out
}

/// One word that contains quotes or escapes, and the bytes it used.
fn quoted_word(s: &str) -> (String, usize) {
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => match chars.next() {
                Some((_, n)) => cur.push(n),
                None => cur.push('\\'),
            },
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => quote = Some(c),
            (None, '\\') => match chars.next() {
                Some((_, n)) => cur.push(n),
                None => cur.push('\\'),
            },
            (None, c) if c.is_whitespace() => return (cur, i),
            (None, c) => cur.push(c),
        }
    }
    (cur, s.len())
}

/// `LABEL k=v k2="v 2"` (and the legacy `LABEL key value`).
fn label_pairs(words: &[String]) -> Vec<(String, String)> {
    if let (Some(first), false) = (words.first(), words.iter().any(|w| w.contains('='))) {
        return vec![(first.clone(), words[1..].join(" "))];
    }
    words
        .iter()
        .filter_map(|w| w.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Substitutes `$NAME` / `${NAME}` from global ARG defaults; `None` when a
/// variable has no known value.
fn substitute(s: &str, args: &[(String, String)]) -> Option<String> {
    if !s.contains('$') {
        return Some(s.to_string());
    }
    let lookup = |name: &str| {
        args.iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let mut out = String::new();
    let mut rest = s;
    while let Some(p) = rest.find('$') {
        out.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        let (name, len) = if let Some(inner) = after.strip_prefix('{') {
            let close = inner.find('}')?;
            (&inner[..close], close + 2)
        } else {
            let n = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..n], n)
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        out.push_str(&lookup(name)?);
        rest = &after[len..];
    }
    out.push_str(rest);
    Some(out)
}

/// `image[:tag][@digest]`, where a `:` before the last `/` is a registry port.
fn split_image(base: &str) -> (String, Option<String>, Option<String>) {
    let (name, digest) = match base.split_once('@') {
        Some((n, d)) => (n, Some(d.to_string())),
        None => (base, None),
    };
    let slash = name.rfind('/').map_or(0, |p| p + 1);
    match name[slash..].rfind(':') {
        Some(c) => (
            name[..slash + c].to_string(),
            Some(name[slash + c + 1..].to_string()),
            digest,
        ),
        None => (name.to_string(), None, digest),
    }
}

fn stage_node(
    args: &[String],
    flags: &[String],
    global_args: &[(String, String)],
    index: usize,
    instruction: usize,
    span: Span,
) -> Node {
    let written = args.first().cloned().unwrap_or_default();
    let name = match (args.get(1), args.get(2)) {
        (Some(a), Some(n)) if a.eq_ignore_ascii_case("as") => Value::Str(n.to_ascii_lowercase()),
        _ => Value::Null,
    };
    let platform = flags
        .iter()
        .find_map(|f| f.strip_prefix("--platform="))
        .map_or(Value::Null, |p| Value::Str(p.to_string()));
    let (base, image, tag, digest) = match substitute(&written, global_args) {
        Some(b) => {
            let (image, tag, digest) = split_image(&b);
            let opt = |o: Option<String>| o.map_or(Value::Null, Value::Str);
            (Value::Str(b), Value::Str(image), opt(tag), opt(digest))
        }
        None => (
            Value::Unknown(written.clone()),
            Value::Unknown(written.clone()),
            Value::Unknown(written.clone()),
            Value::Unknown(written),
        ),
    };
    Node::new(
        Value::Map(vec![
            entry("index", Value::Int(index as i64), span),
            entry("base", base, span),
            entry("image", image, span),
            entry("tag", tag, span),
            entry("digest", digest, span),
            entry("name", name, span),
            entry("platform", platform, span),
            entry("instruction", Value::Int(instruction as i64), span),
        ]),
        span,
    )
}

fn entry(name: &str, value: Value, span: Span) -> (Key, Node) {
    (
        Key {
            name: name.to_string(),
            span,
        },
        Node::new(value, span),
    )
}

fn strings(items: &[String], span: Span) -> Value {
    Value::Seq(
        items
            .iter()
            .map(|s| Node::new(Value::Str(s.clone()), span))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instrs(r: &Resource) -> &[Node] {
        r.body.get("instructions").and_then(Node::as_seq).unwrap()
    }

    #[test]
    fn continuation_comments_and_exec_form() {
        let t = "# syntax=docker/dockerfile:1\nFROM alpine:3.19 AS base\n# a comment\nrun apk add \\\n    # comment inside\n    curl \\\n    git\nCMD [\"sh\", \"-c\", \"echo hi\"]\nENTRYPOINT [broken\n";
        let (r, errs) = parse("Dockerfile", t);
        assert!(errs.is_empty(), "{errs:?}");
        let r = r.unwrap();
        assert_eq!(r.address, "/Dockerfile");
        assert_eq!((r.span.line, r.span.end_line), (1, 9));
        let ins = instrs(&r);
        assert_eq!(ins.len(), 4);
        let run = &ins[1];
        assert_eq!(run.get("instruction").and_then(Node::as_str), Some("RUN"));
        assert_eq!(
            run.get("value").and_then(Node::as_str),
            Some("apk add     curl     git")
        );
        assert_eq!((run.span.line, run.span.end_line), (4, 7));
        let args: Vec<_> = run
            .get("args")
            .unwrap()
            .as_seq()
            .unwrap()
            .iter()
            .filter_map(Node::as_str)
            .collect();
        assert_eq!(args, ["apk", "add", "curl", "git"]);
        assert_eq!(ins[2].get("form").and_then(Node::as_str), Some("exec"));
        assert_eq!(
            ins[2].path("args.2").and_then(Node::as_str),
            Some("echo hi")
        );
        // Invalid JSON falls back to shell form, as Docker does.
        assert_eq!(ins[3].get("form").and_then(Node::as_str), Some("shell"));
        assert_eq!(ins[1].get("stage").and_then(Node::as_i64), Some(0));
    }

    #[test]
    fn escape_directive_and_heredocs() {
        let t = "# escape=`\nFROM mcr.microsoft.com/windows:ltsc2022\nRUN dir `\n  c:\\\nRUN <<EOF\napt-get update\napt-get upgrade -y\nEOF\nCOPY <<-A /a <<'B' /b\n\thello\n\tA\nworld\nB\nUSER app\n";
        let (r, errs) = parse("win.Dockerfile", t);
        assert!(errs.is_empty(), "{errs:?}");
        let r = r.unwrap();
        let ins = instrs(&r);
        assert_eq!(
            ins[1].get("value").and_then(Node::as_str),
            Some("dir   c:\\")
        );
        let hd = ins[2].path("heredocs.0").unwrap();
        assert_eq!(hd.get("delimiter").and_then(Node::as_str), Some("EOF"));
        assert_eq!(
            hd.get("body").and_then(Node::as_str),
            Some("apt-get update\napt-get upgrade -y\n")
        );
        assert_eq!((ins[2].span.line, ins[2].span.end_line), (5, 8));
        assert_eq!(
            ins[3].path("heredocs.0.body").and_then(Node::as_str),
            Some("hello\n")
        );
        assert_eq!(
            ins[3].path("heredocs.1.body").and_then(Node::as_str),
            Some("world\n")
        );
        assert_eq!(
            ins[4].get("instruction").and_then(Node::as_str),
            Some("USER")
        );
        assert_eq!(ins[4].span.line, 14);
        let (_, errs) = parse("D", "FROM a\nRUN <<EOF\nnever closed\n");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, 2);
    }

    #[test]
    fn stages_tags_digests_and_args() {
        let t = "ARG BASE=python:3.12\nARG UNSET\nFROM --platform=$BUILDPLATFORM ${BASE} AS Build\nFROM registry:5000/team/app@sha256:abc\nFROM ubuntu\nFROM $UNSET\nFROM build\nLABEL org.opencontainers.image.title=\"My app\" owner=team\nHEALTHCHECK --interval=5s CMD curl -f http://localhost/\n";
        let (r, errs) = parse("Dockerfile.prod", t);
        assert!(errs.is_empty());
        let r = r.unwrap();
        let st = r.body.get("stages").and_then(Node::as_seq).unwrap();
        assert_eq!(st.len(), 5);
        assert_eq!(
            st[0].get("base").and_then(Node::as_str),
            Some("python:3.12")
        );
        assert_eq!(st[0].get("tag").and_then(Node::as_str), Some("3.12"));
        assert_eq!(st[0].get("name").and_then(Node::as_str), Some("build"));
        assert_eq!(
            st[0].get("platform").and_then(Node::as_str),
            Some("$BUILDPLATFORM")
        );
        assert_eq!(st[0].get("instruction").and_then(Node::as_i64), Some(2));
        assert_eq!(
            st[1].get("image").and_then(Node::as_str),
            Some("registry:5000/team/app")
        );
        assert!(st[1].get("tag").unwrap().is_null());
        assert_eq!(
            st[1].get("digest").and_then(Node::as_str),
            Some("sha256:abc")
        );
        assert!(st[2].get("tag").unwrap().is_null());
        assert!(st[3].get("tag").unwrap().is_unknown());
        assert_eq!(
            instrs(&r)[0].get("stage"),
            Some(&Node::new(Value::Null, instrs(&r)[0].span))
        );
        assert_eq!(
            r.labels,
            [
                ("org.opencontainers.image.title".into(), "My app".into()),
                ("owner".into(), "team".into())
            ]
        );
        let hc = &instrs(&r)[8];
        assert_eq!(
            hc.path("flags.0").and_then(Node::as_str),
            Some("--interval=5s")
        );
        assert_eq!(hc.path("args.0").and_then(Node::as_str), Some("CMD"));
    }

    #[test]
    fn unknown_instructions_and_empty_files() {
        let (r, errs) = parse("Dockerfile", "FROM a\nFOO bar\nRUN x\n");
        assert_eq!(errs.len(), 1);
        assert_eq!((errs[0].line, errs[0].col), (2, 1));
        assert_eq!(instrs(&r.unwrap()).len(), 2);
        let (r, errs) = parse("Dockerfile", "# only a comment\n\n");
        assert!(r.is_none() && errs.is_empty());
        // Trailing escape at end of file does not loop or panic.
        let (r, _) = parse("Dockerfile", "FROM a\nRUN x \\");
        assert_eq!(
            instrs(&r.unwrap())[1].get("value").and_then(Node::as_str),
            Some("x")
        );
    }

    #[test]
    fn words_and_markers() {
        assert_eq!(
            shell_words(r#"a "b c" 'd\e' f\ g"#),
            ["a", "b c", "d\\e", "f g"]
        );
        assert_eq!(heredoc_markers("cat <<< x"), Vec::<(String, bool)>::new());
        assert_eq!(heredoc_markers("<<EOF bash"), [("EOF".to_string(), false)]);
        assert_eq!(
            split_image("localhost:5000/x:1"),
            ("localhost:5000/x".into(), Some("1".into()), None)
        );
    }
}
