//! conftest's host builtins, registered on every engine:
//! `parse_config(parser, text)`, `parse_config_file(path)` and
//! `parse_combined_config_files(paths)`. They parse with the same parsers
//! as `policy test` inputs ([`crate::input`]). A file holding one document
//! gives that document; several (multi-document YAML) give a list. Paths are
//! relative to the working directory, as in conftest.
//!
//! And the Trivy builtins its checks call, so Trivy's Kubernetes and
//! Dockerfile checks run unmodified: `result.new(msg, cause)` (the message
//! with the cause's `__defsec_metadata` location), `isManaged(x)` and
//! `sh.parse_commands(script)` (simple commands as word lists). Trivy's
//! `squealer.scan_string` (secret scanning) is not provided.

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

/// Adds the conftest and Trivy builtins to `engine` (before policies are analysed).
pub fn register(engine: &mut Engine, dirs: &PolicyDirs) -> anyhow::Result<()> {
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
