//! Kyverno results as Policy Reports (`wgpolicyk8s.io/v1alpha2`), the way
//! `kyverno apply --policy-report` gives them: one result per rule and
//! resource (`pass`, `fail`, `warn`, `error`, `skip`) with policy, rule,
//! severity, category, source, the resource reference and a summary of
//! counts. Results of `ClusterPolicy`s are merged into one
//! `ClusterPolicyReport` named `merged`; a namespaced `Policy` gets a
//! `PolicyReport` in its namespace.
//!
//! Also the plain text `kyverno apply` prints without `--policy-report`,
//! and a small YAML writer for the reports (block style, every string
//! double-quoted, so no value is ever re-typed by a YAML reader).
//! Not a Kubernetes client: nothing is read from or written to a cluster.

use crate::kyverno::{KyvernoPolicy, RuleResult, RuleStatus};
use archgate_core::{InputError, Node};
use serde_json::{json, Map, Value};

/// A Kubernetes object the policies are applied to.
#[derive(Debug, Clone)]
pub struct Resource {
    /// File it was read from (display path).
    pub file: String,
    pub node: Node,
}

impl Resource {
    fn field(&self, path: &str) -> String {
        self.node
            .path(path)
            .and_then(|x| x.scalar_text())
            .unwrap_or_default()
    }

    /// `{apiVersion, kind, name, namespace}` as a report's `resources` entry
    /// (the namespace only when the manifest names one, as Kyverno).
    pub fn reference(&self) -> Value {
        let mut m = Map::new();
        m.insert("apiVersion".into(), self.field("apiVersion").into());
        m.insert("kind".into(), self.field("kind").into());
        m.insert("name".into(), self.field("metadata.name").into());
        let ns = self.field("metadata.namespace");
        if !ns.is_empty() {
            m.insert("namespace".into(), ns.into());
        }
        Value::Object(m)
    }

    /// `namespace/Kind/name` (`default` when the manifest has none), as `kyverno apply` prints it.
    pub fn display(&self) -> String {
        let ns = self.field("metadata.namespace");
        format!(
            "{}/{}/{}",
            if ns.is_empty() { "default" } else { &ns },
            self.field("kind"),
            self.field("metadata.name")
        )
    }
}

/// Reads the Kubernetes objects of a YAML/JSON file: every document with a
/// `kind`, and the items of a `List`. Kyverno policies in it are skipped.
pub fn read_resources(file: &str, text: &str) -> Result<Vec<Resource>, InputError> {
    let docs = archgate_core::yaml::parse_documents(text)
        .map_err(|e| InputError::new(file, e.line, e.col, e.message.clone()))?;
    let mut out = Vec::new();
    for d in docs {
        let kind = d.get("kind").and_then(|k| k.as_str()).unwrap_or_default();
        let api = d
            .get("apiVersion")
            .and_then(|k| k.as_str())
            .unwrap_or_default();
        if kind.is_empty() || api.starts_with("kyverno.io/") {
            continue;
        }
        if kind.ends_with("List") {
            for item in d.get("items").and_then(|i| i.as_seq()).unwrap_or_default() {
                out.push(Resource {
                    file: file.to_string(),
                    node: item.clone(),
                });
            }
            continue;
        }
        out.push(Resource {
            file: file.to_string(),
            node: d,
        });
    }
    Ok(out)
}

/// YAML/JSON files under `paths` (files given directly are taken as they are), sorted.
fn manifest_files(
    paths: &[std::path::PathBuf],
    errors: &mut Vec<InputError>,
) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_file() {
            out.push(p.clone());
            continue;
        }
        if !p.is_dir() {
            errors.push(InputError::whole_file(
                p.display().to_string(),
                "no such file or directory",
            ));
            continue;
        }
        let mut found: Vec<std::path::PathBuf> = ignore::WalkBuilder::new(p)
            .standard_filters(false)
            .hidden(true)
            .build()
            .flatten()
            .map(|e| e.into_path())
            .filter(|f| {
                f.is_file()
                    && f.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
            })
            .collect();
        found.sort();
        out.extend(found);
    }
    out
}

fn read_each<T>(
    paths: &[std::path::PathBuf],
    errors: &mut Vec<InputError>,
    mut each: impl FnMut(&str, &str) -> Result<Vec<T>, InputError>,
) -> Vec<T> {
    let mut out = Vec::new();
    for f in manifest_files(paths, errors) {
        let name = f.display().to_string();
        match std::fs::read_to_string(&f) {
            Ok(text) => match each(&name, &text) {
                Ok(items) => out.extend(items),
                Err(e) => errors.push(e),
            },
            Err(e) => errors.push(InputError::whole_file(&name, format!("cannot read: {e}"))),
        }
    }
    out
}

/// The Kyverno policies in the YAML/JSON files under `paths`, notes about
/// rules archgate cannot evaluate, and input errors.
pub fn load_policies(
    paths: &[std::path::PathBuf],
) -> (Vec<KyvernoPolicy>, Vec<String>, Vec<InputError>) {
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    let policies = read_each(paths, &mut errors, |name, text| {
        let (p, n) = crate::kyverno::parse_policies(name, text)?;
        notes.extend(n);
        Ok(p)
    });
    (policies, notes, errors)
}

/// The Kubernetes objects in the YAML/JSON files under `paths`, and input errors.
pub fn load_resources(paths: &[std::path::PathBuf]) -> (Vec<Resource>, Vec<InputError>) {
    let mut errors = Vec::new();
    let resources = read_each(paths, &mut errors, read_resources);
    (resources, errors)
}

/// One policy applied to one resource.
#[derive(Debug, Clone)]
pub struct Applied<'a> {
    pub policy: &'a KyvernoPolicy,
    pub resource: &'a Resource,
    pub results: Vec<RuleResult>,
}

/// Applies every policy to every resource, in input order.
pub fn apply_all<'a>(policies: &'a [KyvernoPolicy], resources: &'a [Resource]) -> Vec<Applied<'a>> {
    let mut out = Vec::new();
    for policy in policies {
        for resource in resources {
            let results = policy.evaluate(&resource.node);
            if !results.is_empty() {
                out.push(Applied {
                    policy,
                    resource,
                    results,
                });
            }
        }
    }
    out
}

/// How results become report entries.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportOptions {
    /// `--audit-warn`: failures of `Audit` rules are `warn`.
    pub audit_warn: bool,
    /// Seconds since the epoch stamped on each result.
    pub timestamp: i64,
}

/// The report status of one rule result (`fail` of an Audit rule becomes
/// `warn` with `--audit-warn`).
pub fn status(a: &Applied, r: &RuleResult, opts: &ReportOptions) -> &'static str {
    if r.status == RuleStatus::Fail && opts.audit_warn {
        let audit = a
            .policy
            .rules
            .iter()
            .find(|x| x.name == r.rule)
            .is_some_and(|x| !x.action.eq_ignore_ascii_case("enforce"));
        if audit {
            return "warn";
        }
    }
    r.status.as_str()
}

fn result_entry(a: &Applied, r: &RuleResult, opts: &ReportOptions) -> Value {
    let mut m = Map::new();
    if let Some(c) = &a.policy.category {
        m.insert("category".into(), c.clone().into());
    }
    m.insert("message".into(), r.message.clone().into());
    m.insert("policy".into(), a.policy.name.clone().into());
    m.insert("resources".into(), json!([a.resource.reference()]));
    m.insert("result".into(), status(a, r, opts).into());
    m.insert("rule".into(), r.rule.clone().into());
    m.insert("scored".into(), a.policy.scored.into());
    if let Some(s) = a
        .policy
        .severity
        .as_deref()
        .map(str::to_ascii_lowercase)
        .filter(|s| matches!(s.as_str(), "critical" | "high" | "medium" | "low" | "info"))
    {
        m.insert("severity".into(), s.into());
    }
    m.insert("source".into(), "kyverno".into());
    m.insert(
        "timestamp".into(),
        json!({"nanos": 0, "seconds": opts.timestamp}),
    );
    Value::Object(m)
}

/// Counts of each result word.
pub fn summary(results: &[Value]) -> Value {
    let count = |w: &str| {
        results
            .iter()
            .filter(|r| r.get("result").and_then(|x| x.as_str()) == Some(w))
            .count()
    };
    json!({
        "error": count("error"),
        "fail": count("fail"),
        "pass": count("pass"),
        "skip": count("skip"),
        "warn": count("warn"),
    })
}

/// The reports: one `ClusterPolicyReport` named `merged` holding every
/// ClusterPolicy result (present even when empty, as `kyverno apply`
/// prints it), then one `PolicyReport` per namespaced `Policy`.
pub fn reports(applied: &[Applied], opts: &ReportOptions) -> Vec<Value> {
    let mut cluster = Vec::new();
    let mut namespaced: Vec<(&KyvernoPolicy, Vec<Value>)> = Vec::new();
    for a in applied {
        let entries = a.results.iter().map(|r| result_entry(a, r, opts));
        match &a.policy.namespace {
            None => cluster.extend(entries),
            Some(_) => match namespaced
                .iter_mut()
                .find(|(p, _)| std::ptr::eq(*p, a.policy))
            {
                Some((_, list)) => list.extend(entries),
                None => namespaced.push((a.policy, entries.collect())),
            },
        }
    }
    let mut out = vec![json!({
        "apiVersion": "wgpolicyk8s.io/v1alpha2",
        "kind": "ClusterPolicyReport",
        "metadata": {"name": "merged"},
        "results": cluster,
        "summary": summary(&cluster),
    })];
    for (p, results) in namespaced {
        out.push(json!({
            "apiVersion": "wgpolicyk8s.io/v1alpha2",
            "kind": "PolicyReport",
            "metadata": {"name": p.name, "namespace": p.namespace.clone().unwrap_or_default()},
            "summary": summary(&results),
            "results": results,
        }));
    }
    out
}

/// What `kyverno apply` prints without `--policy-report`: each failing
/// policy/resource with its failed rules, then the counts.
pub fn text(
    applied: &[Applied],
    rule_count: usize,
    resource_count: usize,
    opts: &ReportOptions,
) -> String {
    let mut s =
        format!("Applying {rule_count} policy rule(s) to {resource_count} resource(s)...\n");
    let mut counts = [0usize; 5]; // pass, fail, warn, error, skip
    for a in applied {
        let mut failed = Vec::new();
        for r in &a.results {
            let st = status(a, r, opts);
            let i = match st {
                "pass" => 0,
                "fail" => 1,
                "warn" => 2,
                "error" => 3,
                _ => 4,
            };
            if let Some(c) = counts.get_mut(i) {
                *c += 1;
            }
            if st == "fail" || st == "warn" || st == "error" {
                failed.push((st, r));
            }
        }
        if failed.is_empty() {
            continue;
        }
        let verb = if failed.iter().any(|(st, _)| *st == "fail") {
            "failed"
        } else {
            "warning"
        };
        s.push_str(&format!(
            "\npolicy {} -> resource {} {verb}:\n",
            a.policy.name,
            a.resource.display()
        ));
        for (i, (_, r)) in failed.iter().enumerate() {
            s.push_str(&format!("{}. {}: {}\n", i + 1, r.rule, r.message));
        }
    }
    let [pass, fail, warn, error, skip] = counts;
    s.push_str(&format!(
        "\npass: {pass}, fail: {fail}, warn: {warn}, error: {error}, skip: {skip}\n"
    ));
    s
}

/// Writes `v` as block-style YAML (a document per call; strings always
/// double-quoted with JSON escapes, which YAML reads back unchanged).
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    write_yaml(v, 0, &mut out);
    out
}

fn scalar(v: &Value) -> Option<String> {
    Some(match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => Value::String(s.clone()).to_string(),
        Value::Array(a) if a.is_empty() => "[]".into(),
        Value::Object(o) if o.is_empty() => "{}".into(),
        _ => return None,
    })
}

fn write_yaml(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let key = Value::String(k.clone()).to_string();
                // Plain keys when they are simple words; quoted otherwise.
                let key = if k.chars().all(|c| {
                    c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.' || c == '/'
                }) && !k.is_empty()
                {
                    k.clone()
                } else {
                    key
                };
                match scalar(x) {
                    Some(s) => out.push_str(&format!("{pad}{key}: {s}\n")),
                    None => {
                        out.push_str(&format!("{pad}{key}:\n"));
                        let inner = if x.is_array() { indent } else { indent + 2 };
                        write_yaml(x, inner, out);
                    }
                }
            }
        }
        Value::Array(items) => {
            for x in items {
                match scalar(x) {
                    Some(s) => out.push_str(&format!("{pad}- {s}\n")),
                    None => {
                        // The first line of the nested block shares the dash.
                        let mut inner = String::new();
                        write_yaml(x, indent + 2, &mut inner);
                        let body = inner.get(indent + 2..).unwrap_or_default();
                        out.push_str(&format!("{pad}- {body}"));
                    }
                }
            }
        }
        other => {
            if let Some(s) = scalar(other) {
                out.push_str(&format!("{pad}{s}\n"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kyverno::parse_policies;

    const POLICIES: &str = r#"apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-labels
  annotations:
    policies.kyverno.io/category: Best Practices
    policies.kyverno.io/severity: medium
spec:
  validationFailureAction: Audit
  rules:
    - name: check-team
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "label team is required"
        pattern:
          metadata:
            labels:
              team: "?*"
    - name: privileged-if-any
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "no privileged"
        pattern:
          (metadata):
            (name): "priv-*"
          spec:
            =(hostNetwork): false
---
apiVersion: kyverno.io/v1
kind: Policy
metadata:
  name: ns-only
  namespace: team-a
spec:
  validationFailureAction: Enforce
  rules:
    - name: no-latest
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "no latest"
        pattern:
          spec:
            containers:
              - image: "!*:latest"
"#;

    const PODS: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: good\n  namespace: team-a\n  labels:\n    team: a\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\n  namespace: team-a\nspec:\n  containers:\n    - name: c\n      image: nginx:latest\n";

    fn setup() -> (Vec<KyvernoPolicy>, Vec<Resource>) {
        let (p, notes) = parse_policies("p.yaml", POLICIES).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(notes.is_empty(), "{notes:?}");
        let r = read_resources("pods.yaml", PODS).unwrap_or_else(|e| panic!("{e:?}"));
        (p, r)
    }

    #[test]
    fn reports_have_results_per_rule_and_resource_with_summaries() {
        let (p, r) = setup();
        let applied = apply_all(&p, &r);
        let opts = ReportOptions {
            audit_warn: false,
            timestamp: 1_700_000_000,
        };
        let reps = reports(&applied, &opts);
        assert_eq!(reps.len(), 2);
        let cluster = &reps[0];
        assert_eq!(cluster["kind"], "ClusterPolicyReport");
        assert_eq!(cluster["metadata"]["name"], "merged");
        // check-team: pass (good), fail (bad); privileged-if-any: skip twice
        // (neither pod is named priv-*, so the conditional anchor never holds).
        assert_eq!(
            cluster["summary"],
            json!({"error": 0, "fail": 1, "pass": 1, "skip": 2, "warn": 0})
        );
        let fail = cluster["results"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["result"] == "fail"))
            .cloned()
            .unwrap_or_default();
        assert_eq!(fail["policy"], "require-labels");
        assert_eq!(fail["rule"], "check-team");
        assert_eq!(fail["severity"], "medium");
        assert_eq!(fail["category"], "Best Practices");
        assert_eq!(fail["source"], "kyverno");
        assert_eq!(fail["scored"], true);
        assert_eq!(fail["timestamp"]["seconds"], 1_700_000_000);
        assert_eq!(
            fail["resources"],
            json!([{"apiVersion": "v1", "kind": "Pod", "name": "bad", "namespace": "team-a"}])
        );
        let ns = &reps[1];
        assert_eq!(ns["kind"], "PolicyReport");
        assert_eq!(ns["metadata"]["namespace"], "team-a");
        assert_eq!(
            ns["summary"],
            json!({"error": 0, "fail": 1, "pass": 1, "skip": 0, "warn": 0})
        );
    }

    #[test]
    fn audit_warn_turns_audit_failures_into_warnings() {
        let (p, r) = setup();
        let applied = apply_all(&p, &r);
        let opts = ReportOptions {
            audit_warn: true,
            timestamp: 0,
        };
        let reps = reports(&applied, &opts);
        assert_eq!(reps[0]["summary"]["warn"], 1);
        assert_eq!(reps[0]["summary"]["fail"], 0);
        // The namespaced policy enforces: its failure stays a failure.
        assert_eq!(reps[1]["summary"]["fail"], 1);
        let t = text(&applied, 3, 2, &opts);
        assert!(
            t.starts_with("Applying 3 policy rule(s) to 2 resource(s)...\n"),
            "{t}"
        );
        assert!(t.contains("policy ns-only -> resource team-a/Pod/bad failed:\n1. no-latest: validation error: no latest. rule no-latest failed at path /spec/containers/0/image/\n"), "{t}");
        assert!(
            t.ends_with("pass: 2, fail: 1, warn: 1, error: 0, skip: 2\n"),
            "{t}"
        );
    }

    #[test]
    fn yaml_round_trips_through_the_yaml_reader() {
        let v = json!({"a": [{"b": "x: y", "c": [1, true, null]}, "s"], "e": {}, "q key": "n\nl"});
        let y = to_yaml(&v);
        let docs =
            archgate_core::yaml::parse_documents(&y).unwrap_or_else(|e| panic!("{e:?}\n{y}"));
        assert_eq!(crate::input::to_json(&docs[0]), v, "{y}");
    }

    #[test]
    fn lists_expand_and_policies_are_not_resources() {
        let text = "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: a}\n---\napiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: p}\n";
        let r = read_resources("l.yaml", text).unwrap_or_default();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].display(), "default/Pod/a");
        assert!(read_resources("bad.yaml", "a: [\n").is_err());
    }
}
