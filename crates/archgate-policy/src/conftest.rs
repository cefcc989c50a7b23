//! `conftest test` semantics on top of a [`PolicySet`]: for each input file
//! and each selected namespace, evaluate every entry rule
//! (`deny`/`violation`/`warn` and `_suffix` forms) and `exception`, and
//! build conftest's `CheckResult` (failures, warnings, exceptions,
//! successes).
//!
//! All entry rules of a namespace and its exceptions are evaluated in
//! **one** query per input document, so helper rules are computed once.
//! Each worker owns an [`Evaluator`] (a clone of the prepared template
//! engine). Reproduced conftest behaviours, each tested below:
//! * a document whose value is a list is evaluated once per element
//!   (conftest does this for multi-document YAML, and so for any list);
//! * results of a rule named in `exception` are dropped and counted as one
//!   exception whose message is conftest's exception query;
//! * `successes = definitions − failures − warnings − exceptions` (≥ 0),
//!   per file and namespace;
//! * `data.conftest.file.{name,dir}` is set when a policy reads it;
//! * each failure and warning carries `metadata.query` (`data.main.deny`).

use crate::load::{Namespace, PolicySet, RuleKind};
use regorus::{Engine, Value as RValue};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// `_loc` of an object result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Loc {
    pub file: String,
    pub line: u64,
}

/// One message (a failure, a warning or an exception).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub msg: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loc: Option<Loc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    /// The entry rule that produced it (not in conftest's JSON).
    #[serde(skip)]
    pub rule: String,
    /// First line of the input document it came from.
    #[serde(skip)]
    pub doc_line: u32,
}

/// conftest's `CheckResult`: one file under one namespace.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct CheckResult {
    pub filename: String,
    pub namespace: String,
    pub successes: usize,
    pub warnings: Vec<Outcome>,
    pub failures: Vec<Outcome>,
    pub exceptions: Vec<Outcome>,
    /// `verify`: `todo_test_` rules (always empty for `test`).
    pub skipped: Vec<Outcome>,
    /// Evaluation errors (timeouts, builtin errors with `--show-builtin-errors`).
    #[serde(skip)]
    pub errors: Vec<String>,
}

/// The file an input came from, as `data.conftest.file` shows it.
#[derive(Debug, Clone)]
pub struct FileInfo {
    pub name: String,
    pub dir: String,
}

impl FileInfo {
    pub fn of(name: &str) -> FileInfo {
        let dir = std::path::Path::new(name)
            .parent()
            .map(|p| p.to_string_lossy().to_string())
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| ".".into());
        FileInfo {
            name: name.to_string(),
            dir,
        }
    }
}

/// One worker's evaluation engine.
pub struct Evaluator<'a> {
    set: &'a PolicySet,
    engine: Engine,
    queries: HashMap<String, String>,
}

/// conftest's rule name without its `deny_`/`violation_`/`warn_` prefix.
pub fn exception_name(rule: &str) -> &str {
    for p in ["deny", "violation", "warn"] {
        if let Some(rest) = rule.strip_prefix(p) {
            return rest.strip_prefix('_').unwrap_or(rest);
        }
    }
    rule
}

/// `data.a.b` for a dotted package name, quoting components that are not identifiers.
pub fn data_ref(name: &str) -> String {
    let mut s = String::from("data");
    for part in name.split('.') {
        let ident = !part.is_empty()
            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !part.starts_with(|c: char| c.is_ascii_digit());
        if ident {
            s.push('.');
            s.push_str(part);
        } else {
            s.push_str(&format!("[{}]", Value::String(part.to_string())));
        }
    }
    s
}

impl<'a> Evaluator<'a> {
    pub fn new(set: &'a PolicySet) -> Evaluator<'a> {
        Evaluator::with_engine(set, set.engine())
    }

    /// Reuses `engine` (a clone of `set`'s template from a pool).
    pub fn with_engine(set: &'a PolicySet, engine: Engine) -> Evaluator<'a> {
        Evaluator {
            set,
            engine,
            queries: HashMap::new(),
        }
    }

    /// Gives the engine back (to a pool).
    pub fn into_engine(self) -> Engine {
        self.engine
    }

    fn query(&mut self, ns: &Namespace) -> String {
        if let Some(q) = self.queries.get(&ns.name) {
            return q.clone();
        }
        let base = data_ref(&ns.name);
        let mut parts: Vec<String> = ns
            .rules
            .iter()
            .map(|r| format!("[x | x := {base}.{}]", r.name))
            .collect();
        if ns.has_exception {
            parts.push(format!("[n | n := {base}.exception[_][_]]"));
        }
        let q = format!("[{}]", parts.join(", "));
        self.queries.insert(ns.name.clone(), q.clone());
        q
    }

    /// Evaluates `ns` on one document; the raw per-rule values and exception names.
    fn eval_doc(
        &mut self,
        ns: &Namespace,
        input: &Value,
        file: &FileInfo,
    ) -> Result<(Vec<Option<Value>>, Vec<String>), String> {
        let mut q = self.query(ns);
        if self.set.uses_conftest_data {
            q.push_str(&format!(
                " with data.conftest.file as {}",
                serde_json::json!({"name": file.name, "dir": file.dir})
            ));
        }
        self.engine.set_input(RValue::from(input.clone()));
        let engine = &mut self.engine;
        let results =
            crate::guard::guard(|| engine.eval_query(q, false).map_err(|e| e.to_string()));
        let results = match results {
            Ok(r) => r,
            Err(e) => {
                // After a panic the engine's state is unknown: start from the template again.
                self.engine = self.set.engine();
                return Err(e);
            }
        };
        let value = results
            .result
            .first()
            .and_then(|r| r.expressions.first())
            .map(|e| e.value.clone())
            .unwrap_or(RValue::Undefined);
        let json: Value = serde_json::to_value(&value).map_err(|e| e.to_string())?;
        let mut cols = match json {
            Value::Array(a) => a,
            _ => Vec::new(),
        };
        let exceptions = if ns.has_exception {
            match cols.pop() {
                Some(Value::Array(names)) => names
                    .into_iter()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            }
        } else {
            Vec::new()
        };
        let per_rule = cols
            .into_iter()
            .map(|c| match c {
                Value::Array(mut one) if !one.is_empty() => Some(one.remove(0)),
                _ => None,
            })
            .collect();
        Ok((per_rule, exceptions))
    }

    /// Finds which rule fails when the combined query errors, so the error names it.
    fn blame(&mut self, ns: &Namespace, input: &Value) -> Option<String> {
        self.engine.set_input(RValue::from(input.clone()));
        let base = data_ref(&ns.name);
        for r in &ns.rules {
            let engine = &mut self.engine;
            let q = format!("[x | x := {base}.{}]", r.name);
            if crate::guard::guard(|| engine.eval_query(q, false).map_err(|e| e.to_string()))
                .is_err()
            {
                self.engine = self.set.engine();
                return Some(format!("{base}.{}", r.name));
            }
        }
        None
    }

    /// conftest's check of one file (its documents) under one namespace.
    pub fn check(&mut self, ns: &Namespace, docs: &[(Value, u32)], file: &FileInfo) -> CheckResult {
        // Documents that are lists are evaluated per element, as conftest does.
        let mut flat: Vec<(&Value, u32)> = Vec::new();
        for (v, line) in docs {
            match v {
                Value::Array(items) if !items.is_empty() && !is_instruction_list(items) => {
                    flat.extend(items.iter().map(|i| (i, *line)))
                }
                _ => flat.push((v, *line)),
            }
        }
        self.check_docs(ns, flat, file)
    }

    /// Evaluates `doc` as one input even when it is a list (`--combine`).
    pub fn check_one(
        &mut self,
        ns: &Namespace,
        doc: Value,
        line: u32,
        file: &FileInfo,
    ) -> CheckResult {
        self.check_docs(ns, vec![(&doc, line)], file)
    }

    fn check_docs(
        &mut self,
        ns: &Namespace,
        flat: Vec<(&Value, u32)>,
        file: &FileInfo,
    ) -> CheckResult {
        let mut res = CheckResult {
            filename: file.name.clone(),
            namespace: ns.name.clone(),
            ..CheckResult::default()
        };
        let mut excepted: Vec<bool> = vec![false; ns.rules.len()];
        for (doc, line) in flat {
            let (per_rule, exceptions) = match self.eval_doc(ns, doc, file) {
                Ok(r) => r,
                Err(e) => {
                    let rule = self
                        .blame(ns, doc)
                        .map(|r| format!(" in rule {r}"))
                        .unwrap_or_default();
                    res.errors.push(format!(
                        "{}:{line}: evaluating namespace {}{rule}: {}",
                        file.name,
                        ns.name,
                        e.trim()
                    ));
                    continue;
                }
            };
            for (i, rule) in ns.rules.iter().enumerate() {
                if exceptions.iter().any(|n| n == exception_name(&rule.name)) {
                    if let Some(x) = excepted.get_mut(i) {
                        *x = true;
                    }
                    continue;
                }
                let Some(value) = per_rule.get(i).cloned().flatten() else {
                    continue;
                };
                let items = match value {
                    Value::Array(a) => a,
                    Value::Bool(false) | Value::Null => Vec::new(),
                    other => vec![other],
                };
                for item in items {
                    let out = match outcome(item, &rule.name, line) {
                        Ok(mut o) => {
                            // conftest records the query that produced each result.
                            o.metadata.get_or_insert_with(Map::new).insert(
                                "query".into(),
                                Value::String(format!("{}.{}", data_ref(&ns.name), rule.name)),
                            );
                            o
                        }
                        Err(e) => {
                            res.errors.push(format!("{}: {e}", file.name));
                            continue;
                        }
                    };
                    match rule.kind {
                        RuleKind::Failure => res.failures.push(out),
                        RuleKind::Warning => res.warnings.push(out),
                    }
                }
            }
        }
        for (i, rule) in ns.rules.iter().enumerate() {
            if excepted.get(i).copied().unwrap_or(false) {
                res.exceptions.push(Outcome {
                    msg: format!(
                        "{}.exception[_][_] == {:?}",
                        data_ref(&ns.name),
                        exception_name(&rule.name)
                    ),
                    loc: None,
                    metadata: None,
                    rule: rule.name.clone(),
                    doc_line: 1,
                });
            }
        }
        res.successes = ns
            .definitions
            .saturating_sub(res.failures.len() + res.warnings.len() + res.exceptions.len());
        res
    }
}

/// A Dockerfile's instruction list is one document, not one per instruction.
fn is_instruction_list(items: &[Value]) -> bool {
    items
        .first()
        .and_then(|v| v.as_object())
        .is_some_and(|o| o.contains_key("Cmd") && o.contains_key("Original"))
}

fn outcome(item: Value, rule: &str, doc_line: u32) -> Result<Outcome, String> {
    match item {
        Value::String(msg) => Ok(Outcome {
            msg,
            loc: None,
            metadata: None,
            rule: rule.to_string(),
            doc_line,
        }),
        Value::Object(mut m) => {
            let msg = match m.remove("msg") {
                Some(Value::String(s)) => s,
                Some(_) => return Err(format!("rule {rule}: `msg` must be a string")),
                None => {
                    return Err(format!(
                        "rule {rule} returned an object without the required `msg` key"
                    ))
                }
            };
            let loc = m.remove("_loc").and_then(|l| {
                Some(Loc {
                    file: l.get("file")?.as_str()?.to_string(),
                    line: l.get("line")?.as_u64()?,
                })
            });
            Ok(Outcome {
                msg,
                loc,
                metadata: if m.is_empty() { None } else { Some(m) },
                rule: rule.to_string(),
                doc_line,
            })
        }
        other => Err(format!(
            "rule {rule} returned {other}; expected a string or an object with `msg`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::LoadOptions;
    use serde_json::json;

    fn set(src: &str) -> PolicySet {
        PolicySet::from_sources(vec![("p.rego".into(), src.into())], &LoadOptions::default())
            .unwrap_or_else(|e| panic!("{e:?}"))
    }

    const POLICY: &str = r#"package main

deny contains msg if {
  input.kind == "Deployment"
  not input.spec.template.spec.securityContext.runAsNonRoot
  msg := sprintf("%s must not run as root", [input.metadata.name])
}

deny_latest contains {"msg": "uses latest", "image": input.image, "_loc": {"file": "x.yaml", "line": 7}} if {
  endswith(input.image, ":latest")
}

warn contains "no labels" if {
  not input.metadata.labels
}

violation_never contains "never" if {
  false
}

exception contains rules if {
  input.metadata.name == "legacy"
  rules := ["latest"]
}
"#;

    #[test]
    fn failures_warnings_successes_and_metadata() {
        let s = set(POLICY);
        let mut ev = Evaluator::new(&s);
        let ns = &s.namespaces["main"];
        let doc = json!({"kind": "Deployment", "metadata": {"name": "web"}, "image": "nginx:latest", "spec": {}});
        let r = ev.check(ns, &[(doc, 3)], &FileInfo::of("d.yaml"));
        assert_eq!(r.failures.len(), 2, "{r:?}");
        assert_eq!(r.failures[0].msg, "web must not run as root");
        assert_eq!(r.failures[0].doc_line, 3);
        assert_eq!(
            r.failures[0].metadata.as_ref().map(|m| m["query"].clone()),
            Some(json!("data.main.deny"))
        );
        assert_eq!(r.failures[1].msg, "uses latest");
        assert_eq!(
            r.failures[1].loc,
            Some(Loc {
                file: "x.yaml".into(),
                line: 7
            })
        );
        assert_eq!(
            r.failures[1].metadata.as_ref().map(|m| m["image"].clone()),
            Some(json!("nginx:latest"))
        );
        assert_eq!(r.warnings.len(), 1);
        // 4 definitions − 2 failures − 1 warning.
        assert_eq!(r.successes, 1);
    }

    #[test]
    fn exceptions_drop_the_rule_and_count_once() {
        let s = set(POLICY);
        let mut ev = Evaluator::new(&s);
        let ns = &s.namespaces["main"];
        let doc = json!({"kind": "Service", "metadata": {"name": "legacy", "labels": {}}, "image": "a:latest"});
        let r = ev.check(ns, &[(doc, 1)], &FileInfo::of("d.yaml"));
        assert!(r.failures.is_empty(), "{r:?}");
        assert_eq!(r.exceptions.len(), 1);
        assert_eq!(
            r.exceptions[0].msg,
            "data.main.exception[_][_] == \"latest\""
        );
        assert_eq!(r.successes, 3);
    }

    #[test]
    fn list_documents_are_evaluated_per_element() {
        let s = set("package main\n\ndeny contains msg if { msg := sprintf(\"bad %v\", [input.n]); input.bad }\n");
        let mut ev = Evaluator::new(&s);
        let docs = [(
            json!([{"n": 1, "bad": true}, {"n": 2, "bad": false}, {"n": 3, "bad": true}]),
            1,
        )];
        let r = ev.check(&s.namespaces["main"], &docs, &FileInfo::of("l.json"));
        let msgs: Vec<&str> = r.failures.iter().map(|f| f.msg.as_str()).collect();
        assert_eq!(msgs, vec!["bad 1", "bad 3"]);
    }

    #[test]
    fn conftest_file_data_is_injected() {
        let s = set("package main\n\ndeny contains msg if { msg := sprintf(\"%s in %s\", [data.conftest.file.name, data.conftest.file.dir]) }\n");
        let mut ev = Evaluator::new(&s);
        let r = ev.check(
            &s.namespaces["main"],
            &[(json!({}), 1)],
            &FileInfo::of("k8s/a.yaml"),
        );
        assert_eq!(r.failures[0].msg, "k8s/a.yaml in k8s");
    }

    #[test]
    fn builtin_errors_are_undefined_by_default() {
        let src = "package main\n\ndeny contains \"x\" if { to_number(\"abc\") > 1 }\ndeny contains \"y\" if { true }\n";
        let s = set(src);
        let mut ev = Evaluator::new(&s);
        let r = ev.check(
            &s.namespaces["main"],
            &[(json!({}), 1)],
            &FileInfo::of("a.json"),
        );
        assert!(r.errors.is_empty(), "{r:?}");
        assert_eq!(r.failures.len(), 1);
        let strict = PolicySet::from_sources(
            vec![("p.rego".into(), src.into())],
            &LoadOptions {
                show_builtin_errors: true,
                ..LoadOptions::default()
            },
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let mut ev = Evaluator::new(&strict);
        let r = ev.check(
            &strict.namespaces["main"],
            &[(json!({}), 1)],
            &FileInfo::of("a.json"),
        );
        assert_eq!(r.errors.len(), 1, "{r:?}");
        assert!(r.errors[0].contains("data.main.deny"), "{:?}", r.errors);
    }

    #[test]
    fn runaway_policy_times_out_with_rule_and_input_named() {
        let src = "package main\n\ndeny contains \"slow\" if {\n  some a in numbers.range(1, 100000)\n  some b in numbers.range(1, 100000)\n  a + b < 0\n}\n";
        let s = PolicySet::from_sources(
            vec![("p.rego".into(), src.into())],
            &LoadOptions {
                timeout: std::time::Duration::from_millis(200),
                ..LoadOptions::default()
            },
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let mut ev = Evaluator::new(&s);
        let r = ev.check(
            &s.namespaces["main"],
            &[(json!({}), 5)],
            &FileInfo::of("in.yaml"),
        );
        assert_eq!(r.errors.len(), 1, "{r:?}");
        assert!(r.errors[0].starts_with("in.yaml:5:"), "{:?}", r.errors);
        assert!(r.errors[0].contains("data.main.deny"), "{:?}", r.errors);
    }

    #[test]
    fn exception_names_strip_prefixes() {
        assert_eq!(exception_name("deny"), "");
        assert_eq!(exception_name("deny_latest_tag"), "latest_tag");
        assert_eq!(exception_name("warn_x"), "x");
        assert_eq!(data_ref("a.b-c.d"), "data.a[\"b-c\"].d");
    }
}
