//! `--format policyreport`: the run as one `wgpolicyk8s.io/v1alpha2`
//! `ClusterPolicyReport`, the shape Kyverno, kube-bench and Trivy Operator
//! publish and Policy Reporter dashboards read. It is written as JSON, which
//! `kubectl apply -f` accepts like YAML.
//!
//! One result per finding: `fail` at or above the threshold, `warn` below
//! it, `skip` when suppressed (the suppression is in `properties`), `error`
//! per input error. Kubernetes objects (`Deployment.payments.api`) are
//! named as `resources`; everything else (Terraform, CloudFormation, model
//! entities) is identified by `properties.resource` and `properties.file`.
//! No timestamp: the same report renders to the same bytes.

use crate::finding::{Finding, Severity};
use crate::render::{ordered, RenderOptions};
use crate::report::Report;
use serde_json::{json, Map, Value};

/// `Kind.namespace.name` → the object reference a PolicyReport result names.
fn kubernetes_object(address: &str) -> Option<Value> {
    let (kind, rest) = address.split_once('.')?;
    let (namespace, name) = rest.split_once('.')?;
    let k8s_kind = kind.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && kind.chars().all(|c| c.is_ascii_alphanumeric())
        && !name.is_empty();
    k8s_kind.then(|| {
        let mut o = Map::new();
        o.insert("kind".into(), json!(kind));
        if !namespace.is_empty() && namespace != "default" || kind != "Namespace" {
            o.insert("namespace".into(), json!(namespace));
        }
        o.insert("name".into(), json!(name));
        Value::Object(o)
    })
}

fn result(f: &Finding, report: &Report, fail_on: Severity) -> (Value, &'static str) {
    let outcome = if f.is_suppressed() {
        "skip"
    } else if f.severity >= fail_on {
        "fail"
    } else {
        "warn"
    };
    let mut properties = Map::new();
    if let Some(l) = &f.location {
        properties.insert("file".into(), json!(l.file));
        properties.insert("line".into(), json!(l.span.line.to_string()));
    }
    if let Some(r) = &f.resource {
        properties.insert("resource".into(), json!(r));
    }
    if let Some(c) = &f.component {
        properties.insert("component".into(), json!(c));
        if let Some(info) = report.components.get(c) {
            if let Some(o) = &info.owner {
                properties.insert("owner".into(), json!(o));
            }
            if let Some(t) = info.tier {
                properties.insert("tier".into(), json!(t.to_string()));
            }
        }
    }
    if !f.aliases.is_empty() {
        properties.insert("aliases".into(), json!(f.aliases.join(",")));
    }
    if !f.controls.is_empty() {
        properties.insert("controls".into(), json!(f.controls.join(",")));
    }
    properties.insert("fingerprint".into(), json!(f.fingerprint));
    if let Some(s) = &f.suppression {
        properties.insert("suppression".into(), json!(s.kind));
        if let Some(r) = &s.reason {
            properties.insert("suppressionReason".into(), json!(r));
        }
    }
    let mut r = Map::new();
    r.insert("policy".into(), json!(f.rule_id));
    r.insert("rule".into(), json!(f.rule_id));
    r.insert("result".into(), json!(outcome));
    r.insert("severity".into(), json!(f.severity.as_str()));
    r.insert("category".into(), json!(f.kind));
    r.insert("source".into(), json!("archgate"));
    r.insert("scored".into(), json!(true));
    r.insert(
        "message".into(),
        json!(format!("{}: {}", f.title, f.message)),
    );
    if let Some(o) = f.resource.as_deref().and_then(kubernetes_object) {
        r.insert("resources".into(), json!([o]));
    }
    r.insert("properties".into(), Value::Object(properties));
    (Value::Object(r), outcome)
}

pub(crate) fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut results = Vec::new();
    let mut summary = [
        ("pass", 0usize),
        ("fail", 0),
        ("warn", 0),
        ("error", 0),
        ("skip", 0),
    ];
    let mut count = |outcome: &str| {
        if let Some(s) = summary.iter_mut().find(|(k, _)| *k == outcome) {
            s.1 += 1;
        }
    };
    for f in ordered(&report.findings) {
        let (r, outcome) = result(f, report, opts.fail_on);
        count(outcome);
        results.push(r);
    }
    for e in &report.errors {
        count("error");
        results.push(json!({
            "policy": "archgate/input",
            "rule": "input-error",
            "result": "error",
            "source": "archgate",
            "scored": true,
            "message": e.render(),
            "properties": {
                "file": e.file,
                "line": e.line.to_string(),
                "column": e.col.to_string(),
            },
        }));
    }
    let summary: Map<String, Value> = summary
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let doc = json!({
        "apiVersion": "wgpolicyk8s.io/v1alpha2",
        "kind": "ClusterPolicyReport",
        "metadata": {
            "name": format!("archgate-{}", report.command),
            "labels": {
                "app.kubernetes.io/managed-by": "archgate",
                "app.kubernetes.io/version": opts.version,
            },
        },
        "summary": summary,
        "results": results,
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixture::report;

    fn doc() -> Value {
        serde_json::from_str(&render(&report(), &RenderOptions::default())).unwrap()
    }

    #[test]
    fn one_result_per_finding_and_error_with_summary() {
        let d = doc();
        let r = report();
        assert_eq!(d["kind"], "ClusterPolicyReport");
        assert_eq!(d["apiVersion"], "wgpolicyk8s.io/v1alpha2");
        let results = d["results"].as_array().unwrap();
        assert_eq!(results.len(), r.findings.len() + r.errors.len());
        let s = &d["summary"];
        let total: u64 = ["pass", "fail", "warn", "error", "skip"]
            .iter()
            .map(|k| s[k].as_u64().unwrap())
            .sum();
        assert_eq!(total as usize, results.len());
        assert_eq!(s["error"], 1);
        assert_eq!(
            s["skip"].as_u64().unwrap() as usize,
            r.findings.iter().filter(|f| f.is_suppressed()).count()
        );
        assert_eq!(
            s["fail"].as_u64().unwrap() as usize,
            r.failing(Severity::High).count()
        );
    }

    #[test]
    fn kubernetes_objects_are_named_and_linked_components_described() {
        let d = doc();
        let results = d["results"].as_array().unwrap();
        let pod = results
            .iter()
            .find(|r| r["properties"]["resource"] == "Deployment.default.web")
            .unwrap();
        assert_eq!(pod["resources"][0]["kind"], "Deployment");
        assert_eq!(pod["resources"][0]["namespace"], "default");
        assert_eq!(pod["resources"][0]["name"], "web");
        let bucket = results
            .iter()
            .find(|r| r["properties"]["resource"] == "module.store.aws_s3_bucket.data")
            .unwrap();
        assert!(bucket.get("resources").is_none());
        assert_eq!(bucket["properties"]["tier"], "1");
        assert_eq!(bucket["properties"]["owner"], "group:default/team-payments");
        assert_eq!(kubernetes_object("AWS::S3::Bucket.Logs"), None);
        assert_eq!(kubernetes_object("component:default/ledger"), None);
    }

    #[test]
    fn deterministic() {
        let a = render(&report(), &RenderOptions::default());
        assert_eq!(a, render(&report(), &RenderOptions::default()));
        assert!(a.ends_with('\n'));
    }
}
