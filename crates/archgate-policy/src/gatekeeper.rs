//! OPA Gatekeeper `ConstraintTemplate`s and their Constraints applied to
//! Kubernetes manifests, as `gator test` does offline: each template's Rego
//! (with its `libs`, Rego v0 or v1) is compiled once; each Constraint of the
//! template's kind selects objects by `spec.match` (`kinds`,
//! `namespaces`, `excludedNamespaces`, `name`, `labelSelector`) and the
//! template's `violation` rule runs with Gatekeeper's input,
//! `{"review": AdmissionReview request, "parameters": spec.parameters}`.
//!
//! Not supported: referential templates' `data.inventory` (archgate does
//! not sync the cluster), `namespaceSelector`, CEL (`K8sNativeValidation`)
//! sources, and the `external_data` builtin.

use crate::conftest::{CheckResult, Evaluator, FileInfo};
use crate::load::{LoadOptions, PolicySet};
use archgate_core::{InputError, Node};
use serde_json::{json, Value};

/// A compiled ConstraintTemplate.
pub struct Template {
    /// The constraint kind it defines (`K8sRequiredLabels`).
    pub kind: String,
    /// Its Rego package (`k8srequiredlabels`).
    pub package: String,
    pub file: String,
    pub line: u32,
    pub set: PolicySet,
}

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Template")
            .field("kind", &self.kind)
            .field("package", &self.package)
            .finish()
    }
}

/// A Constraint: one use of a template with parameters.
#[derive(Debug, Clone)]
pub struct Constraint {
    pub kind: String,
    pub name: String,
    pub file: String,
    pub line: u32,
    /// `deny` (default), `warn` or `dryrun`.
    pub action: String,
    pub parameters: Value,
    kinds: Vec<(Vec<String>, Vec<String>)>,
    namespaces: Vec<String>,
    excluded_namespaces: Vec<String>,
    name_pattern: Option<String>,
    label_selector: Option<Node>,
}

fn strs(n: Option<&Node>) -> Vec<String> {
    n.and_then(|n| n.as_seq())
        .map(|s| s.iter().filter_map(|x| x.scalar_text()).collect())
        .unwrap_or_default()
}

/// Templates and Constraints found in one YAML file.
#[derive(Debug, Default)]
pub struct Loaded {
    pub templates: Vec<Template>,
    pub constraints: Vec<Constraint>,
    pub notes: Vec<String>,
}

/// Reads the templates and constraints in one YAML file; other documents are ignored.
pub fn parse(file: &str, text: &str) -> Result<Loaded, Vec<InputError>> {
    let docs = archgate_core::yaml::parse_documents(text)
        .map_err(|e| vec![InputError::new(file, e.line, e.col, e.message.clone())])?;
    let mut out = Loaded::default();
    let mut errors = Vec::new();
    for d in docs {
        let api = d
            .get("apiVersion")
            .and_then(|x| x.as_str())
            .unwrap_or_default();
        let kind = d.get("kind").and_then(|x| x.as_str()).unwrap_or_default();
        if api.starts_with("templates.gatekeeper.sh/") && kind == "ConstraintTemplate" {
            let Some(ckind) = d
                .path("spec.crd.spec.names.kind")
                .and_then(|x| x.scalar_text())
            else {
                errors.push(
                    InputError::new(
                        file,
                        d.span.line,
                        d.span.col,
                        "ConstraintTemplate without spec.crd.spec.names.kind",
                    )
                    .expected("the constraint kind the template defines"),
                );
                continue;
            };
            let targets = d
                .path("spec.targets")
                .and_then(|x| x.as_seq())
                .unwrap_or_default();
            let Some(target) = targets.first() else {
                continue;
            };
            // Rego either directly on the target or under `code: [{engine: Rego, source: …}]`.
            let source = target
                .get("code")
                .and_then(|c| c.as_seq())
                .and_then(|c| {
                    c.iter()
                        .find(|e| e.get("engine").and_then(|x| x.as_str()) == Some("Rego"))
                })
                .and_then(|e| e.get("source"))
                .unwrap_or(target);
            let Some(rego) = source.get("rego").and_then(|x| x.as_str()) else {
                out.notes.push(format!(
                    "{file}:{}: ConstraintTemplate {ckind} has no Rego source (CEL is not evaluated); skipped",
                    d.span.line
                ));
                continue;
            };
            let mut sources = vec![(format!("{file}#{ckind}"), rego.to_string())];
            for (i, lib) in strs(source.get("libs")).into_iter().enumerate() {
                sources.push((format!("{file}#{ckind}.libs[{i}]"), lib));
            }
            match PolicySet::from_sources(sources, &LoadOptions::default()) {
                Ok(set) => {
                    let package = set
                        .namespaces
                        .values()
                        .find(|n| n.rules.iter().any(|r| r.name == "violation"))
                        .map(|n| n.name.clone());
                    match package {
                        Some(package) => out.templates.push(Template {
                            kind: ckind,
                            package,
                            file: file.to_string(),
                            line: d.span.line,
                            set,
                        }),
                        None => out.notes.push(format!(
                            "{file}:{}: ConstraintTemplate {ckind} defines no `violation` rule; skipped",
                            d.span.line
                        )),
                    }
                }
                Err(mut e) => {
                    // Positions are inside the embedded Rego: say which template.
                    for x in e.iter_mut() {
                        x.message = format!(
                            "in ConstraintTemplate {ckind} (line {} of its Rego): {}",
                            x.line, x.message
                        );
                        x.file = file.to_string();
                        x.line = d.span.line;
                        x.col = d.span.col;
                    }
                    errors.extend(e);
                }
            }
        } else if api.starts_with("constraints.gatekeeper.sh/") {
            let m = d.path("spec.match");
            let kinds = m
                .and_then(|m| m.get("kinds"))
                .and_then(|k| k.as_seq())
                .map(|ks| {
                    ks.iter()
                        .map(|k| (strs(k.get("apiGroups")), strs(k.get("kinds"))))
                        .collect()
                })
                .unwrap_or_default();
            out.constraints.push(Constraint {
                kind: kind.to_string(),
                name: d
                    .path("metadata.name")
                    .and_then(|x| x.scalar_text())
                    .unwrap_or_default(),
                file: file.to_string(),
                line: d.span.line,
                action: d
                    .path("spec.enforcementAction")
                    .and_then(|x| x.scalar_text())
                    .unwrap_or_else(|| "deny".into()),
                parameters: d
                    .path("spec.parameters")
                    .map(crate::input::to_json)
                    .unwrap_or_else(|| json!({})),
                kinds,
                namespaces: strs(m.and_then(|m| m.get("namespaces"))),
                excluded_namespaces: strs(m.and_then(|m| m.get("excludedNamespaces"))),
                name_pattern: m.and_then(|m| m.get("name")).and_then(|x| x.scalar_text()),
                label_selector: m.and_then(|m| m.get("labelSelector")).cloned(),
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn labels_match(sel: &Node, labels: &serde_json::Map<String, Value>) -> bool {
    let get = |k: &str| labels.get(k).and_then(|v| v.as_str());
    if let Some(m) = sel.get("matchLabels").and_then(|x| x.as_map()) {
        if !m.iter().all(|(k, v)| get(&k.name) == v.as_str()) {
            return false;
        }
    }
    sel.get("matchExpressions")
        .and_then(|x| x.as_seq())
        .unwrap_or_default()
        .iter()
        .all(|e| {
            let key = e
                .get("key")
                .and_then(|x| x.scalar_text())
                .unwrap_or_default();
            let values = strs(e.get("values"));
            let have = get(&key);
            match e
                .get("operator")
                .and_then(|x| x.as_str())
                .unwrap_or_default()
            {
                "In" => have.is_some_and(|h| values.iter().any(|v| v == h)),
                "NotIn" => !have.is_some_and(|h| values.iter().any(|v| v == h)),
                "Exists" => have.is_some(),
                "DoesNotExist" => have.is_none(),
                _ => false,
            }
        })
}

impl Constraint {
    /// Whether the constraint's `spec.match` selects `obj`.
    pub fn matches(&self, obj: &Value) -> bool {
        let api = obj["apiVersion"].as_str().unwrap_or_default();
        let group = api.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
        let kind = obj["kind"].as_str().unwrap_or_default();
        let ns = obj["metadata"]["namespace"].as_str().unwrap_or("default");
        let name = obj["metadata"]["name"].as_str().unwrap_or_default();
        let any =
            |v: &[String], x: &str| v.iter().any(|p| p == "*" || crate::kyverno::wildcard(p, x));
        let kind_ok = self.kinds.is_empty()
            || self.kinds.iter().any(|(groups, kinds)| {
                (groups.is_empty() || any(groups, group)) && (kinds.is_empty() || any(kinds, kind))
            });
        let empty = serde_json::Map::new();
        let labels = obj["metadata"]["labels"].as_object().unwrap_or(&empty);
        kind_ok
            && (self.namespaces.is_empty() || any(&self.namespaces, ns))
            && !any(&self.excluded_namespaces, ns)
            && self
                .name_pattern
                .as_ref()
                .is_none_or(|p| crate::kyverno::wildcard(p, name))
            && self
                .label_selector
                .as_ref()
                .is_none_or(|s| labels_match(s, labels))
    }

    /// Gatekeeper's input for `obj`: an AdmissionReview request plus the parameters.
    pub fn input(&self, obj: &Value) -> Value {
        let api = obj["apiVersion"].as_str().unwrap_or_default();
        let (group, version) = api.rsplit_once('/').unwrap_or(("", api));
        json!({
            "review": {
                "object": obj,
                "kind": {"group": group, "version": version, "kind": obj["kind"]},
                "name": obj["metadata"]["name"],
                "namespace": obj["metadata"]["namespace"].as_str().unwrap_or("default"),
                "operation": "CREATE",
                "userInfo": {"username": "archgate"},
            },
            "parameters": self.parameters,
        })
    }
}

impl Template {
    /// Runs the template's `violation` rule for `constraint` on `obj`.
    pub fn review(
        &self,
        ev: &mut Evaluator,
        constraint: &Constraint,
        obj: &Value,
        file: &str,
    ) -> Option<CheckResult> {
        let ns = self.set.namespaces.get(&self.package)?;
        Some(ev.check_one(ns, constraint.input(obj), 1, &FileInfo::of(file)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = r#"apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8srequiredlabels
spec:
  crd:
    spec:
      names:
        kind: K8sRequiredLabels
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8srequiredlabels

        import data.lib.helpers.missing

        violation[{"msg": msg, "details": {"missing_labels": m}}] {
          provided := {label | input.review.object.metadata.labels[label]}
          required := {label | label := input.parameters.labels[_]}
          m := missing(required, provided)
          count(m) > 0
          msg := sprintf("you must provide labels: %v", [m])
        }
      libs:
        - |
          package lib.helpers

          missing(required, provided) = m {
            m := required - provided
          }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata:
  name: must-have-owner
spec:
  enforcementAction: warn
  match:
    kinds:
      - apiGroups: [""]
        kinds: ["Namespace", "Pod"]
    excludedNamespaces: ["kube-system"]
  parameters:
    labels: ["owner"]
"#;

    #[test]
    fn template_with_libs_and_constraint_review_objects() {
        let l = parse("gk.yaml", TEMPLATE).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((l.templates.len(), l.constraints.len()), (1, 1));
        let (t, c) = (&l.templates[0], &l.constraints[0]);
        assert_eq!(
            (t.kind.as_str(), t.package.as_str()),
            ("K8sRequiredLabels", "k8srequiredlabels")
        );
        assert_eq!(c.action, "warn");
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "x"}}});
        assert!(c.matches(&pod));
        let mut ev = Evaluator::new(&t.set);
        let r = t.review(&mut ev, c, &pod, "pod.yaml").unwrap_or_default();
        assert_eq!(r.failures.len(), 1, "{r:?}");
        assert_eq!(r.failures[0].msg, "you must provide labels: {\"owner\"}");
        let owned = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"owner": "me"}}});
        assert!(t
            .review(&mut ev, c, &owned, "pod.yaml")
            .unwrap_or_default()
            .failures
            .is_empty());
        let system = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "kube-system"}});
        assert!(!c.matches(&system));
        let dep = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}});
        assert!(!c.matches(&dep));
    }

    #[test]
    fn broken_template_rego_names_the_template() {
        let bad = TEMPLATE.replace("count(m) > 0", "count(m) > ");
        let e = parse("gk.yaml", &bad).err().unwrap_or_default();
        assert_eq!(e.len(), 1);
        assert!(e[0].message.contains("K8sRequiredLabels"), "{e:?}");
        assert_eq!((e[0].file.as_str(), e[0].line), ("gk.yaml", 1));
    }
}
