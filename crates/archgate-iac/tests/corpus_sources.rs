//! Parity with Checkov on the shared corpus, read in place: every file
//! Checkov parsed parses here without input errors, and every resource
//! Checkov reported on is found here under the same address, starting on
//! the same line. Skipped (with a message) when the corpus is absent.

use archgate_iac::discover::{discover, load, DiscoverOptions};
use archgate_iac::{Resource, SourceKind};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

/// One recorded Checkov result.
struct Reference {
    check_id: String,
    framework: String,
    file: String,
    resource: String,
    line_start: u32,
    line_end: u32,
}

fn references(corpus: &str) -> Option<Vec<Reference>> {
    let path = corpus_root().join(format!("reference/checkov/{corpus}.json"));
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let s = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
    let n = |v: &serde_json::Value, k: &str| v[k].as_u64().unwrap_or_default() as u32;
    Some(
        json.as_array()?
            .iter()
            .map(|v| Reference {
                check_id: s(v, "check_id"),
                framework: s(v, "framework"),
                file: s(v, "file"),
                resource: s(v, "resource"),
                line_start: n(v, "line_start"),
                line_end: n(v, "line_end"),
            })
            .collect(),
    )
}

/// Scans a corpus with the non-Terraform readers; returns the resources by
/// (file, address), and fails on any input error.
fn scan(corpus: &str) -> Option<HashMap<(String, String), Resource>> {
    let root = corpus_root().join(corpus);
    if !root.is_dir() {
        eprintln!("corpus {} absent; skipping", root.display());
        return None;
    }
    let opts = DiscoverOptions {
        exclude: Vec::new(),
        frameworks: Some(vec![
            SourceKind::Kubernetes,
            SourceKind::CloudFormation,
            SourceKind::Dockerfile,
            SourceKind::GithubActions,
        ]),
    };
    let (items, errors) = discover(&root, &opts);
    assert!(errors.is_empty(), "{corpus}: discovery errors {errors:?}");
    let mut out = HashMap::new();
    for item in &items {
        let unit = load(&root, item);
        assert!(
            unit.errors.is_empty(),
            "{corpus}: {item:?}: {:?}",
            unit.errors
        );
        for r in unit.resources {
            let key = (r.file.clone(), r.address.clone());
            assert!(
                !out.contains_key(&key),
                "{corpus}: duplicate resource {key:?}"
            );
            out.insert(key, r);
        }
    }
    Some(out)
}

/// Compares with Checkov; returns how many reference resources were checked.
fn compare(corpus: &str) -> usize {
    let (Some(found), Some(refs)) = (scan(corpus), references(corpus)) else {
        eprintln!("corpus or reference for {corpus} absent; skipping");
        return 0;
    };
    let mut checked = std::collections::HashSet::new();
    let mut missing = Vec::new();
    for r in &refs {
        match r.framework.as_str() {
            "kubernetes" | "cloudformation" => {
                // CKV2_K8S_6 runs on Pods Checkov derives from workload
                // templates; archgate keeps one resource per document.
                if r.check_id == "CKV2_K8S_6" && r.resource.starts_with("Pod.") {
                    continue;
                }
                match found.get(&(r.file.clone(), r.resource.clone())) {
                    Some(res) if res.span.line == r.line_start => {
                        if r.framework == "cloudformation" {
                            assert_eq!(res.span.end_line, r.line_end, "{} {}", r.file, r.resource);
                        }
                        checked.insert((r.file.clone(), r.resource.clone()));
                    }
                    Some(res) => missing.push(format!(
                        "{} {}: line {} here, {} in Checkov",
                        r.file, r.resource, res.span.line, r.line_start
                    )),
                    None => missing.push(format!("{} {}: not found", r.file, r.resource)),
                }
            }
            "dockerfile" => {
                // `/path/Dockerfile.` is the whole file, `/path/Dockerfile.FROM`
                // an instruction of it.
                let Some((addr, instr)) = r.resource.rsplit_once('.') else {
                    continue;
                };
                let Some(res) = found.get(&(r.file.clone(), addr.to_string())) else {
                    missing.push(format!("{} {}: not found", r.file, r.resource));
                    continue;
                };
                if instr.is_empty() {
                    assert_eq!(
                        (res.span.line, res.span.end_line),
                        (r.line_start, r.line_end),
                        "{}",
                        r.file
                    );
                } else {
                    let ok = res
                        .body
                        .get("instructions")
                        .and_then(|n| n.as_seq())
                        .unwrap_or_default()
                        .iter()
                        .any(|i| {
                            i.get("instruction").and_then(|n| n.as_str()) == Some(instr)
                                && i.span.line == r.line_start
                                && i.span.end_line == r.line_end
                        });
                    if !ok {
                        missing.push(format!(
                            "{} {}: no {instr} at lines {}-{}",
                            r.file, r.resource, r.line_start, r.line_end
                        ));
                    }
                }
                checked.insert((r.file.clone(), r.resource.clone()));
            }
            _ => {}
        }
    }
    assert!(
        missing.is_empty(),
        "{corpus}: {} mismatches:\n{}",
        missing.len(),
        missing.join("\n")
    );
    checked.len()
}

#[test]
fn kubernetes_goat_matches_checkov() {
    let n = compare("kubernetes-goat");
    if n > 0 {
        assert!(n >= 40, "only {n} resources compared");
        // The Deployment in the scenario with a leading comment block.
        let found = scan("kubernetes-goat").unwrap_or_default();
        let ds = &found[&(
            "scenarios/docker-bench-security/deployment.yaml".to_string(),
            "DaemonSet.default.docker-bench-security".to_string(),
        )];
        assert_eq!(ds.span.line, 12);
    }
}

#[test]
fn kubernetes_goat_helm_charts_are_noted() {
    let root = corpus_root().join("kubernetes-goat");
    if !root.is_dir() {
        eprintln!("corpus absent; skipping");
        return;
    }
    let (items, _) = discover(&root, &DiscoverOptions::default());
    let notes: Vec<_> = items.iter().flat_map(|i| load(&root, i).notes).collect();
    let helm: Vec<_> = notes
        .iter()
        .filter_map(|n| {
            n.file
                .as_deref()
                .filter(|_| n.message.contains("helm template"))
        })
        .collect();
    assert_eq!(
        helm,
        [
            "infrastructure/helm-tiller/pwnchart/Chart.yaml",
            "scenarios/metadata-db/Chart.yaml"
        ]
    );
}

#[test]
fn aws_cfn_templates_match_checkov() {
    let n = compare("aws-cfn-templates");
    if n > 0 {
        assert!(n >= 300, "only {n} resources compared");
        let found = scan("aws-cfn-templates").unwrap_or_default();
        let m = &found[&(
            "APIGateway/apigateway_lambda_integration.json".to_string(),
            "AWS::ApiGateway::Method.ApiMethod".to_string(),
        )];
        assert_eq!((m.span.line, m.span.end_line), (77, 142));
        let d = &found[&(
            "EKS/manifest.yml".to_string(),
            "Deployment.default.nginx".to_string(),
        )];
        assert_eq!(d.span.line, 2);
    }
}

#[test]
fn docker_library_matches_checkov() {
    let n = compare("docker-library");
    if n > 0 {
        assert!(n >= 28, "only {n} resources compared");
    }
}
