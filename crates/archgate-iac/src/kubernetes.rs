//! Kubernetes manifests (multi-document YAML, or JSON) to [`Resource`]s.
//!
//! One [`Resource`] per document (or per item of a `kind: List`) that has
//! `apiVersion`, `kind` and `metadata.name`:
//!
//! - `kind` = the Kubernetes kind (`Deployment`), `name` =
//!   `<namespace>.<name>` with namespace `default` when none is written,
//!   `address` = `Deployment.default.web` (Checkov's resource id);
//! - `body` = the whole document, `span` = the document from its first key
//!   to its last written line;
//! - `labels` = `metadata.labels` plus the pod template's labels
//!   (`spec.template.metadata.labels`, and for CronJobs
//!   `spec.jobTemplate.spec.template.metadata.labels`).
//!
//! Documents that are not Kubernetes objects (no `apiVersion`/`kind`, or no
//! name: Helm `values.yaml`, kind cluster configs, other YAML) are skipped
//! silently, as are `Kustomization` files. Helm chart templates are not
//! handled here: see [`crate::discover`], which recognises charts.

use crate::extent::span_through;
use crate::{Resource, SourceKind};
use archgate_core::{InputError, LineIndex, Node, Value};

/// True when `doc` is a Kubernetes object (has `apiVersion` and `kind`).
pub fn looks_like_object(doc: &Node) -> bool {
    doc.get("apiVersion").and_then(Node::as_str).is_some()
        && doc.get("kind").and_then(Node::as_str).is_some()
}

/// The resources of already parsed documents of one file.
pub fn from_documents(path: &str, text: &str, docs: Vec<Node>) -> Vec<Resource> {
    let index = LineIndex::new(text);
    let mut out = Vec::new();
    for doc in docs {
        collect(path, text, &index, doc, &mut out);
    }
    out
}

fn collect(path: &str, text: &str, index: &LineIndex, doc: Node, out: &mut Vec<Resource>) {
    if !looks_like_object(&doc) {
        return;
    }
    let kind = doc.get("kind").and_then(Node::as_str).unwrap_or_default();
    if kind == "List" || (kind.ends_with("List") && doc.get("items").is_some()) {
        if let Value::Map(entries) = doc.value {
            for (k, v) in entries {
                if k.name == "items" {
                    if let Value::Seq(items) = v.value {
                        for item in items {
                            collect(path, text, index, item, out);
                        }
                    }
                }
            }
        }
        return;
    }
    if kind == "Kustomization" {
        return;
    }
    let Some(name) = doc.path("metadata.name").and_then(Node::scalar_text) else {
        return;
    };
    let namespace = doc
        .path("metadata.namespace")
        .and_then(Node::scalar_text)
        .unwrap_or_else(|| "default".to_string());
    let kind = kind.to_string();
    let mut labels = Vec::new();
    for p in [
        "metadata.labels",
        "spec.template.metadata.labels",
        "spec.jobTemplate.spec.template.metadata.labels",
    ] {
        if let Some(entries) = doc.path(p).and_then(Node::as_map) {
            for (k, v) in entries {
                if let Some(v) = v.scalar_text() {
                    let pair = (k.name.clone(), v);
                    if !labels.contains(&pair) {
                        labels.push(pair);
                    }
                }
            }
        }
    }
    let span = span_through(index, text, doc.span.start, &doc);
    let name = format!("{namespace}.{name}");
    out.push(Resource {
        source: SourceKind::Kubernetes,
        block: "resource".to_string(),
        address: format!("{kind}.{name}"),
        kind,
        name,
        file: path.to_string(),
        span,
        body: doc,
        module: None,
        multiple: false,
        labels,
    });
}

/// Reads a YAML manifest file. YAML syntax errors are reported; documents
/// that are not Kubernetes objects are skipped.
pub fn parse_yaml(path: &str, text: &str) -> (Vec<Resource>, Vec<InputError>) {
    match archgate_core::yaml::parse_documents(text) {
        Ok(docs) => (from_documents(path, text, docs), Vec::new()),
        Err(e) => (Vec::new(), vec![crate::discover::yaml_error(path, &e)]),
    }
}

/// Reads a JSON manifest (one object, possibly a `List`).
pub fn parse_json(path: &str, text: &str) -> (Vec<Resource>, Vec<InputError>) {
    match crate::json::parse(path, text) {
        Ok(doc) => (from_documents(path, text, vec![doc]), Vec::new()),
        Err(e) => (Vec::new(), vec![e]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MULTI: &str = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  template:\n    metadata:\n      labels:\n        app: web\n        tier: front\n    spec:\n      containers:\n        - name: c\n          image: nginx\n# trailing comment\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: prod\nspec:\n  ports: [{port: 80}]\n---\n# just a comment\n---\nfoo: bar\n";

    #[test]
    fn one_resource_per_document_with_checkov_addresses() {
        let (res, errs) = parse_yaml("m.yaml", MULTI);
        assert!(errs.is_empty());
        let addrs: Vec<_> = res.iter().map(|r| r.address.as_str()).collect();
        assert_eq!(addrs, ["Deployment.default.web", "Service.prod.web"]);
        assert_eq!((res[0].span.line, res[0].span.end_line), (2, 17));
        assert_eq!((res[1].span.line, res[1].span.end_line), (20, 26));
        assert_eq!(res[0].name, "default.web");
        assert_eq!(
            res[0].labels,
            [
                ("app".into(), "web".into()),
                ("tier".into(), "front".into())
            ]
        );
        assert_eq!(
            res[0]
                .body
                .path("spec.template.spec.containers.0.image")
                .and_then(Node::as_str),
            Some("nginx")
        );
    }

    #[test]
    fn lists_are_expanded() {
        let t = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: b, namespace: ns}\n";
        let (res, _) = parse_yaml("l.yaml", t);
        let addrs: Vec<_> = res
            .iter()
            .map(|r| (r.address.as_str(), r.span.line))
            .collect();
        assert_eq!(addrs, [("ConfigMap.default.a", 4), ("Secret.ns.b", 7)]);
    }

    #[test]
    fn non_kubernetes_yaml_is_skipped_and_errors_are_positioned() {
        let (res, errs) = parse_yaml("v.yaml", "replicaCount: 1\nimage: {repository: x}\n");
        assert!(res.is_empty() && errs.is_empty());
        let (res, _) = parse_yaml(
            "k.yaml",
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n",
        );
        assert!(res.is_empty());
        let (_, errs) = parse_yaml(
            "bad.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [x\n",
        );
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].file, "bad.yaml");
        assert!(errs[0].line >= 4, "{:?}", errs[0]);
    }

    #[test]
    fn json_manifests() {
        let t = "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"}}";
        let (res, errs) = parse_json("p.json", t);
        assert!(errs.is_empty());
        assert_eq!(res[0].address, "Pod.default.p");
    }
}
