//! conftest's host builtins, registered on every engine:
//! `parse_config(parser, text)`, `parse_config_file(path)` and
//! `parse_combined_config_files(paths)`. They parse with the same parsers
//! as `policy test` inputs ([`crate::input`]). A file holding one document
//! gives that document; several (multi-document YAML) give a list. Paths are
//! relative to the working directory, as in conftest.
//!
//! And the Trivy builtins its checks call, so Trivy's Kubernetes and
//! Dockerfile checks run unmodified: `result.new(msg, cause)` (the message
//! with the cause's `__defsec_metadata` location), `isManaged(x)`,
//! `sh.parse_commands(script)` (simple commands as word lists) and
//! `squealer.scan_string(text)` (secret detection, [`crate::squealer`]).
//!
//! `regex.match` is registered here too, over regorus' own: regorus caps a
//! compiled regex at 100 KiB, which Trivy's KSV01010 patterns (Unicode
//! `\b`/`\d` under `(?i)`) exceed, while OPA (Go's RE2) accepts them. Ours
//! compiles with the `regex` crate's default limit (10 MiB; the same engine
//! and syntax as regorus, so results are otherwise identical) and keeps a
//! bounded cache of compiled patterns.
//!
//! So is `object.subset`: regorus 0.14.1 panics on an empty array as the
//! subset (`slice::windows(0)`), which Trivy's `lib/cloud/metadata` reaches;
//! ours has regorus' semantics otherwise and, as OPA, finds an empty array
//! in every array.

use crate::input::{detect, parse, Parser};
use regorus::{Engine, Value};
use serde_json::Value as J;

fn docs_value(docs: Vec<crate::input::Document>) -> J {
    let mut values: Vec<J> = docs.into_iter().map(|d| d.value).collect();
    if values.len() == 1 {
        values.remove(0)
    } else {
        J::Array(values)
    }
}

fn string_arg(args: &[Value], i: usize, name: &str) -> anyhow::Result<String> {
    match args.get(i) {
        Some(Value::String(s)) => Ok(s.to_string()),
        _ => Err(anyhow::anyhow!(
            "{name}: argument {} must be a string",
            i + 1
        )),
    }
}

/// Compiled `regex.match` patterns, shared by every engine. Cleared when it
/// reaches [`REGEX_CACHE_MAX`] entries, so policies that build patterns from
/// input cannot grow it without bound.
static REGEX_CACHE: std::sync::OnceLock<
    std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<regex::Regex>>>,
> = std::sync::OnceLock::new();
const REGEX_CACHE_MAX: usize = 512;

fn regex_match(pattern: &str, value: &str) -> anyhow::Result<bool> {
    let cache = REGEX_CACHE.get_or_init(Default::default);
    let cached = cache.lock().ok().and_then(|c| c.get(pattern).cloned());
    let re = match cached {
        Some(re) => re,
        None => {
            let re = std::sync::Arc::new(
                regex::Regex::new(pattern)
                    .map_err(|e| anyhow::anyhow!("regex.match: invalid pattern: {e}"))?,
            );
            if let Ok(mut c) = cache.lock() {
                if c.len() >= REGEX_CACHE_MAX {
                    c.clear();
                }
                c.insert(pattern.to_string(), re.clone());
            }
            re
        }
    };
    Ok(re.is_match(value))
}

/// OPA's `object.subset(super, sub)`: objects key by key (recursively),
/// sets by membership, arrays as a contiguous run, an array against a set
/// by membership, anything else by equality.
fn is_subset(sup: &Value, sub: &Value) -> bool {
    match (sup, sub) {
        (Value::Object(sup), Value::Object(sub)) => sub
            .iter()
            .all(|(k, v)| sup.get(k).is_some_and(|s| is_subset(s, v))),
        (Value::Set(sup), Value::Set(sub)) => sub.is_subset(sup),
        (Value::Array(_), Value::Array(sub)) if sub.as_slice().is_empty() => true,
        (Value::Array(sup), Value::Array(sub)) => sup
            .as_slice()
            .windows(sub.as_slice().len())
            .any(|w| w == sub.as_slice()),
        (Value::Array(sup), Value::Set(sub)) => sub.iter().all(|v| sup.as_slice().contains(v)),
        (sup, sub) => sup == sub,
    }
}

/// Directories of the loaded policy files, filled in once they are known.
pub type PolicyDirs = std::sync::Arc<std::sync::RwLock<Vec<std::path::PathBuf>>>;

fn locate(path: &str, dirs: &PolicyDirs) -> std::path::PathBuf {
    let p = std::path::Path::new(path);
    if p.is_absolute() {
        return p.to_path_buf();
    }
    // Next to a policy first (where conftest looks), then the working directory.
    if let Ok(dirs) = dirs.read() {
        if let Some(found) = dirs.iter().map(|d| d.join(p)).find(|c| c.exists()) {
            return found;
        }
    }
    p.to_path_buf()
}

fn parse_file_docs(path: &str, dirs: &PolicyDirs) -> anyhow::Result<Vec<J>> {
    let found = locate(path, dirs);
    let p = found.as_path();
    let parser = detect(p).map_err(|e| anyhow::anyhow!("{e}"))?;
    let text = std::fs::read_to_string(p).map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
    let docs = parse(parser, path, &text).map_err(|e| anyhow::anyhow!("{}", e.render()))?;
    Ok(docs.into_iter().map(|d| d.value).collect())
}

fn parse_file(path: &str, dirs: &PolicyDirs) -> anyhow::Result<J> {
    let mut docs = parse_file_docs(path, dirs)?;
    Ok(if docs.len() == 1 {
        docs.remove(0)
    } else {
        J::Array(docs)
    })
}

fn get<'a>(v: &'a J, k: &str) -> Option<&'a J> {
    v.as_object().and_then(|m| m.get(k))
}

/// Trivy's `result.new`: `{msg, startline, endline, filepath, explicit, managed, fskey, resource}`
/// from the cause's `__defsec_metadata` (or the cause itself when it has none).
fn trivy_result(msg: J, cause: &J) -> J {
    let meta = get(cause, "__defsec_metadata").unwrap_or(cause);
    let pick = |a: &str, b: &str, d: J| get(meta, a).or_else(|| get(meta, b)).cloned().unwrap_or(d);
    serde_json::json!({
        "msg": msg,
        "startline": pick("startline", "StartLine", J::from(0)),
        "endline": pick("endline", "EndLine", J::from(0)),
        "filepath": pick("filepath", "Path", J::from("")),
        "explicit": pick("explicit", "explicit", J::Bool(false)),
        "managed": pick("managed", "managed", J::Bool(true)),
        "fskey": pick("fskey", "fskey", J::from("")),
        "resource": pick("resource", "resource", J::from("")),
    })
}

/// Splits a shell script into simple commands (lists of words): commands
/// end at unquoted `&&`, `||`, `;`, `|`, `&` and newlines; quotes group
/// words and are removed; `\` escapes; `#` starts a comment at a word start.
pub fn shell_commands(script: &str) -> Vec<Vec<String>> {
    let mut cmds: Vec<Vec<String>> = Vec::new();
    let mut cmd: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = script.chars().peekable();
    let end_word = |cmd: &mut Vec<String>, word: &mut String, in_word: &mut bool| {
        if *in_word {
            cmd.push(std::mem::take(word));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\n') | None => {}
                Some(n) => {
                    word.push(n);
                    in_word = true;
                }
            },
            '\'' => {
                in_word = true;
                for n in chars.by_ref() {
                    if n == '\'' {
                        break;
                    }
                    word.push(n);
                }
            }
            '"' => {
                in_word = true;
                while let Some(n) = chars.next() {
                    match n {
                        '"' => break,
                        '\\' => {
                            if let Some(e) = chars.next() {
                                word.push(e);
                            }
                        }
                        _ => word.push(n),
                    }
                }
            }
            '#' if !in_word => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
                end_word(&mut cmd, &mut word, &mut in_word);
                if !cmd.is_empty() {
                    cmds.push(std::mem::take(&mut cmd));
                }
            }
            ';' | '\n' | '&' | '|' => {
                if (c == '&' || c == '|') && chars.peek() == Some(&c) {
                    chars.next();
                }
                end_word(&mut cmd, &mut word, &mut in_word);
                if !cmd.is_empty() {
                    cmds.push(std::mem::take(&mut cmd));
                }
            }
            c if c.is_whitespace() => end_word(&mut cmd, &mut word, &mut in_word),
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    end_word(&mut cmd, &mut word, &mut in_word);
    if !cmd.is_empty() {
        cmds.push(cmd);
    }
    cmds
}

fn json_arg(args: &[Value], i: usize) -> J {
    args.get(i)
        .and_then(|v| serde_json::to_value(v).ok())
        .unwrap_or(J::Null)
}

/// Adds extensions to an engine the way OPA treats builtin errors: an
/// extension that fails makes its expression undefined, unless `strict`
/// (`--show-builtin-errors`), where the error fails the evaluation. regorus
/// applies its own strict setting to its builtins only; without this, a
/// failing extension (an invalid `regex.match` pattern, an unparsable
/// `parse_config` text) would abort every rule of the namespace.
pub struct Registrar<'a> {
    pub engine: &'a mut Engine,
    pub strict: bool,
}

impl Registrar<'_> {
    /// `Engine::add_extension`, with the error handling described above.
    pub fn add_extension(
        &mut self,
        name: String,
        nargs: u8,
        mut f: Box<dyn regorus::Extension>,
    ) -> anyhow::Result<()> {
        let strict = self.strict;
        self.engine.add_extension(
            name,
            nargs,
            Box::new(move |args: Vec<Value>| match f(args) {
                Ok(v) => Ok(v),
                Err(e) if strict => Err(e),
                Err(_) => Ok(Value::Undefined),
            }),
        )
    }
}

/// Adds the conftest and Trivy builtins to `engine` (before policies are
/// analysed); `strict` as `--show-builtin-errors`.
pub fn register(engine: &mut Engine, dirs: &PolicyDirs, strict: bool) -> anyhow::Result<()> {
    let mut engine = Registrar { engine, strict };
    engine.add_extension(
        "result.new".into(),
        2,
        Box::new(|args: Vec<Value>| {
            Ok(Value::from(trivy_result(
                json_arg(&args, 0),
                &json_arg(&args, 1),
            )))
        }),
    )?;
    engine.add_extension(
        "isManaged".into(),
        1,
        Box::new(|args: Vec<Value>| {
            let v = json_arg(&args, 0);
            let managed = get(&v, "__defsec_metadata")
                .and_then(|m| get(m, "managed"))
                .and_then(|m| m.as_bool())
                .unwrap_or(true);
            Ok(Value::from(managed))
        }),
    )?;
    engine.add_extension(
        "sh.parse_commands".into(),
        1,
        Box::new(|args: Vec<Value>| {
            let script = string_arg(&args, 0, "sh.parse_commands")?;
            Ok(Value::from(serde_json::json!(shell_commands(&script))))
        }),
    )?;
    engine.add_extension(
        "squealer.scan_string".into(),
        1,
        Box::new(|args: Vec<Value>| {
            let text = string_arg(&args, 0, "squealer.scan_string")?;
            Ok(Value::from(crate::squealer::scan_string(&text)))
        }),
    )?;
    engine.add_extension(
        "regex.match".into(),
        2,
        Box::new(|args: Vec<Value>| {
            let pattern = string_arg(&args, 0, "regex.match")?;
            let value = string_arg(&args, 1, "regex.match")?;
            Ok(Value::from(regex_match(&pattern, &value)?))
        }),
    )?;
    engine.add_extension(
        "object.subset".into(),
        2,
        Box::new(|args: Vec<Value>| match (args.first(), args.get(1)) {
            (Some(sup), Some(sub)) => Ok(Value::from(is_subset(sup, sub))),
            _ => Err(anyhow::anyhow!("object.subset: expects two arguments")),
        }),
    )?;
    engine.add_extension(
        "parse_config".into(),
        2,
        Box::new(|args: Vec<Value>| {
            let parser = Parser::parse(&string_arg(&args, 0, "parse_config")?)
                .map_err(|e| anyhow::anyhow!("parse_config: {e}"))?;
            let text = string_arg(&args, 1, "parse_config")?;
            let docs = parse(parser, "<parse_config>", &text)
                .map_err(|e| anyhow::anyhow!("parse_config: {}", e.render()))?;
            Ok(Value::from(docs_value(docs)))
        }),
    )?;
    let d = dirs.clone();
    engine.add_extension(
        "parse_config_file".into(),
        1,
        Box::new(move |args: Vec<Value>| {
            let path = string_arg(&args, 0, "parse_config_file")?;
            Ok(Value::from(parse_file(&path, &d)?))
        }),
    )?;
    let d = dirs.clone();
    engine.add_extension(
        "parse_combined_config_files".into(),
        1,
        Box::new(move |args: Vec<Value>| {
            let paths: Vec<String> = match args.first() {
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(|v| v.as_string().ok().map(|s| s.to_string()))
                    .collect(),
                Some(Value::Set(s)) => s
                    .iter()
                    .filter_map(|v| v.as_string().ok().map(|s| s.to_string()))
                    .collect(),
                _ => {
                    return Err(anyhow::anyhow!(
                        "parse_combined_config_files: argument must be an array of paths"
                    ))
                }
            };
            let mut out = Vec::new();
            for p in paths {
                // One element per document, as `--combine` gives them.
                for c in parse_file_docs(&p, &d)? {
                    out.push(serde_json::json!({"path": p, "contents": c}));
                }
            }
            Ok(Value::from(J::Array(out)))
        }),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::shell_commands;
    use crate::conftest::{Evaluator, FileInfo};
    use crate::load::{LoadOptions, PolicySet};
    use serde_json::json;

    #[test]
    fn shell_commands_split_like_a_shell() {
        assert_eq!(
            shell_commands(
                "apt-get update && apt-get install -y 'a b' \\\n  c; echo \"x y\" | tee f # done"
            ),
            vec![
                vec!["apt-get", "update"],
                vec!["apt-get", "install", "-y", "a b", "c"],
                vec!["echo", "x y"],
                vec!["tee", "f"],
            ]
        );
    }

    #[test]
    fn trivy_result_new_and_is_managed() {
        let src = "package t\n\ndeny contains res if {\n  isManaged(input.c)\n  res := result.new(\"bad\", input.c)\n}\n";
        let set =
            PolicySet::from_sources(vec![("p.rego".into(), src.into())], &LoadOptions::default())
                .unwrap_or_else(|e| panic!("{e:?}"));
        let mut ev = Evaluator::new(&set);
        let input = json!({"c": {"__defsec_metadata": {"startline": 7, "endline": 9}}});
        let r = ev.check(&set.namespaces["t"], &[(input, 1)], &FileInfo::of("x"));
        let m = r
            .failures
            .first()
            .and_then(|f| f.metadata.clone())
            .unwrap_or_default();
        assert_eq!(
            (m["startline"].clone(), m["managed"].clone()),
            (json!(7), json!(true))
        );
        let unmanaged = json!({"c": {"__defsec_metadata": {"managed": false}}});
        assert!(ev
            .check(&set.namespaces["t"], &[(unmanaged, 1)], &FileInfo::of("x"))
            .failures
            .is_empty());
    }

    #[test]
    fn squealer_and_large_regexes() {
        // A Unicode-aware case-insensitive pattern over regorus' 100 KiB cap.
        let src = "package t\n\ndeny contains msg if {\n  r := squealer.scan_string(input.s)\n  r.transgressionFound\n  regex.match(`(?i)\\b[A-Z]{2}\\d{2} ?\\d{4} ?\\d{4} ?\\d{4} ?\\d{4}\\b`, input.iban)\n  msg := r.description\n}\n";
        let set =
            PolicySet::from_sources(vec![("p.rego".into(), src.into())], &LoadOptions::default())
                .unwrap_or_else(|e| panic!("{e:?}"));
        let mut ev = Evaluator::new(&set);
        let input = json!({"s": "password: hunter2hunter2", "iban": "GB82 1234 5678 9012 3456"});
        let r = ev.check(&set.namespaces["t"], &[(input, 1)], &FileInfo::of("x"));
        assert_eq!(
            r.failures.first().map(|f| f.msg.as_str()),
            Some("Password literal"),
            "{r:?}"
        );
        let clean = json!({"s": "hello", "iban": "GB82 1234 5678 9012 3456"});
        assert!(ev
            .check(&set.namespaces["t"], &[(clean, 1)], &FileInfo::of("x"))
            .failures
            .is_empty());
    }

    #[test]
    fn extension_errors_are_undefined_unless_strict() {
        let src = "package t\n\ndeny contains \"bad regex\" if not regex.match(\"(\", \"x\")\ndeny contains \"bad config\" if not parse_config(\"json\", \"{\")\ndeny contains \"ok\" if true\n";
        let load = |strict| {
            PolicySet::from_sources(
                vec![("p.rego".into(), src.into())],
                &LoadOptions {
                    show_builtin_errors: strict,
                    ..LoadOptions::default()
                },
            )
            .unwrap_or_else(|e| panic!("{e:?}"))
        };
        let set = load(false);
        let mut ev = Evaluator::new(&set);
        let r = ev.check(&set.namespaces["t"], &[(json!({}), 1)], &FileInfo::of("x"));
        let mut msgs: Vec<&str> = r.failures.iter().map(|f| f.msg.as_str()).collect();
        msgs.sort();
        assert_eq!(msgs, vec!["bad config", "bad regex", "ok"], "{r:?}");
        let strict = load(true);
        let mut ev = Evaluator::new(&strict);
        let r = ev.check(
            &strict.namespaces["t"],
            &[(json!({}), 1)],
            &FileInfo::of("x"),
        );
        assert_eq!(r.errors.len(), 1, "{r:?}");
    }

    #[test]
    fn object_subset_handles_empty_arrays() {
        let src = "package t\n\ndeny contains msg if {\n  object.subset([1, 2], [])\n  object.subset({\"a\": {\"b\": [1, 2, 3], \"s\": {1, 2}}}, {\"a\": {\"b\": [2, 3], \"s\": {2}}})\n  object.subset([3, 1, 2], {1, 3})\n  not object.subset([1, 2, 3], [1, 3])\n  not object.subset({\"a\": 1}, {\"b\": 1})\n  msg := \"ok\"\n}\n";
        let set =
            PolicySet::from_sources(vec![("p.rego".into(), src.into())], &LoadOptions::default())
                .unwrap_or_else(|e| panic!("{e:?}"));
        let mut ev = Evaluator::new(&set);
        let r = ev.check(&set.namespaces["t"], &[(json!({}), 1)], &FileInfo::of("x"));
        assert_eq!(
            r.failures.first().map(|f| f.msg.as_str()),
            Some("ok"),
            "{r:?}"
        );
    }

    #[test]
    fn parse_config_and_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let f = dir.path().join("c.yaml");
        std::fs::write(&f, "replicas: 3\n").unwrap_or_else(|e| panic!("{e}"));
        let src = format!(
            "package main\n\ndeny contains msg if {{\n  cfg := parse_config(\"hcl2\", \"a = 1\")\n  file := parse_config_file({:?})\n  both := parse_combined_config_files([{:?}])\n  msg := sprintf(\"%v %v %v\", [cfg.a, file.replicas, both[0].contents.replicas])\n}}\n",
            f.display().to_string(),
            f.display().to_string()
        );
        let set = PolicySet::from_sources(vec![("p.rego".into(), src)], &LoadOptions::default())
            .unwrap_or_else(|e| panic!("{e:?}"));
        let mut ev = Evaluator::new(&set);
        let r = ev.check(
            &set.namespaces["main"],
            &[(json!({}), 1)],
            &FileInfo::of("x"),
        );
        assert_eq!(
            r.failures.first().map(|f| f.msg.as_str()),
            Some("1 3 3"),
            "{r:?}"
        );
    }
}
