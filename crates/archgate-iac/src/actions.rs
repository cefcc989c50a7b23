//! GitHub Actions workflows (`.github/workflows/*.yml|yaml`) to [`Resource`]s.
//!
//! Per workflow file:
//!
//! - one workflow resource: `kind` = `workflow`, `name` = the file path,
//!   `address` = `workflow.<path>`, `body` = the whole document (`on`,
//!   `permissions`, `env`, `jobs`, …), `span` = the document;
//! - one resource per job: `kind` = `job`, `name` = the job id, `address` =
//!   `jobs.<id>` (Checkov reports GitHub Actions checks on `jobs` entities),
//!   `body` = the job mapping (`runs-on`, `permissions`, `steps`, …),
//!   `span` = the job entry from its key to its last line.
//!
//! Expressions (`${{ … }}`) are kept as written strings; this module does
//! not evaluate them, and it does not read composite actions or reusable
//! workflows from other repositories.

use crate::extent::span_through;
use crate::{Resource, SourceKind};
use archgate_core::{InputError, LineIndex, Node};

/// Reads one workflow file.
pub fn parse(path: &str, text: &str) -> (Vec<Resource>, Vec<InputError>) {
    let docs = match archgate_core::yaml::parse_documents(text) {
        Ok(d) => d,
        Err(e) => return (Vec::new(), vec![crate::discover::yaml_error(path, &e)]),
    };
    let index = LineIndex::new(text);
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for doc in docs {
        if doc.is_null() {
            continue;
        }
        if doc.as_map().is_none() {
            errors.push(
                InputError::new(
                    path,
                    doc.span.line,
                    doc.span.col,
                    format!("a workflow is {}", doc.type_name()),
                )
                .expected("a mapping with `on` and `jobs`"),
            );
            continue;
        }
        let mut jobs = Vec::new();
        if let Some(entries) = doc.get("jobs").and_then(Node::as_map) {
            for (key, job) in entries {
                jobs.push(Resource {
                    source: SourceKind::GithubActions,
                    block: "resource".to_string(),
                    kind: "job".to_string(),
                    name: key.name.clone(),
                    address: format!("jobs.{}", key.name),
                    file: path.to_string(),
                    span: span_through(&index, text, key.span.start, job),
                    body: job.clone(),
                    module: None,
                    multiple: job
                        .get("strategy")
                        .is_some_and(|s| s.get("matrix").is_some()),
                    labels: Vec::new(),
                });
            }
        }
        out.push(Resource {
            source: SourceKind::GithubActions,
            block: "resource".to_string(),
            kind: "workflow".to_string(),
            name: path.to_string(),
            address: format!("workflow.{path}"),
            file: path.to_string(),
            span: span_through(&index, text, doc.span.start, &doc),
            body: doc,
            module: None,
            multiple: false,
            labels: Vec::new(),
        });
        out.extend(jobs);
    }
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WF: &str = "name: CI\non:\n  push:\n    branches: [main]\npermissions: write-all\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo ${{ github.event.issue.title }}\n\n  test:\n    strategy:\n      matrix: {os: [a, b]}\n    runs-on: ${{ matrix.os }}\n    steps: [{run: make test}]\n";

    #[test]
    fn workflow_and_job_resources() {
        let (res, errs) = parse(".github/workflows/ci.yml", WF);
        assert!(errs.is_empty());
        let addrs: Vec<_> = res.iter().map(|r| r.address.as_str()).collect();
        assert_eq!(
            addrs,
            [
                "workflow..github/workflows/ci.yml",
                "jobs.build",
                "jobs.test"
            ]
        );
        assert_eq!(res[0].kind, "workflow");
        assert_eq!(
            res[0].body.get("permissions").and_then(Node::as_str),
            Some("write-all")
        );
        assert_eq!((res[1].span.line, res[1].span.end_line), (7, 11));
        assert_eq!(
            res[1].body.path("steps.1.run").and_then(Node::as_str),
            Some("echo ${{ github.event.issue.title }}")
        );
        assert!(!res[1].multiple && res[2].multiple);
        assert_eq!((res[2].span.line, res[2].span.end_line), (13, 17));
        assert!(res.iter().all(|r| r.source == SourceKind::GithubActions));
    }

    #[test]
    fn bad_workflows_are_reported() {
        let (res, errs) = parse("w.yml", "- just\n- a list\n");
        assert!(res.is_empty());
        assert_eq!(errs[0].line, 1);
        let (_, errs) = parse("w.yml", "jobs:\n  a: {\n");
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.contains("YAML") || !errs[0].message.is_empty());
    }
}
