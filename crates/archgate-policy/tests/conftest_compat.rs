//! `policy test` end to end on the fixtures: policies, data and inputs
//! written for these tests, with the exact results conftest's semantics give.

use archgate_policy::output::{exit_code, render, Format};
use archgate_policy::run::{run, TestOptions};
use archgate_policy::verify::{verify, Verdict, VerifyOptions};
use archgate_policy::{LoadOptions, Parser, PolicySet};
use std::path::PathBuf;

fn fx(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(p)
}

fn opts(inputs: &[&str], ns: &str) -> TestOptions {
    TestOptions {
        inputs: inputs.iter().map(|i| fx(i)).collect(),
        policy: vec![fx("policy")],
        namespaces: vec![ns.to_string()],
        load: LoadOptions {
            data: vec![fx("data")],
            ..LoadOptions::default()
        },
        ..TestOptions::default()
    }
}

fn msgs(v: &[archgate_policy::Outcome]) -> Vec<String> {
    v.iter().map(|o| o.msg.clone()).collect()
}

#[test]
fn kubernetes_multi_document_with_data_exceptions_and_metadata() {
    let r = run(&opts(
        &["inputs/deployment.yaml", "inputs/legacy.yaml"],
        "main",
    ))
    .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(r.errors.is_empty() && r.eval_errors.is_empty(), "{r:?}");
    assert_eq!(r.results.len(), 2);
    let dep = &r.results[0];
    assert!(dep.filename.ends_with("deployment.yaml"));
    assert_eq!(dep.namespace, "main");
    assert_eq!(
        msgs(&dep.failures),
        vec![
            "web: containers must not run as root",
            "web: image docker.io/nginx:1.27 is not from an approved registry"
        ]
    );
    // The object result keeps its other keys as metadata.
    assert_eq!(
        dep.failures[1]
            .metadata
            .as_ref()
            .map(|m| m["image"].clone()),
        Some(serde_json::json!("docker.io/nginx:1.27"))
    );
    // Second document (the first Service) starts on line 17, after `---`.
    assert_eq!(msgs(&dep.warnings), vec!["Service web has no labels"]);
    assert_eq!(dep.warnings[0].doc_line, 17);
    assert_eq!(dep.successes, 0);

    let legacy = &r.results[1];
    assert!(legacy.failures.is_empty());
    assert_eq!(
        msgs(&legacy.exceptions),
        vec!["data.main.exception[_][_] == \"registry\""]
    );
    assert_eq!(legacy.successes, 2);

    let text = render(&r.results, Format::Stdout);
    assert!(
        text.ends_with("6 tests, 2 passed, 1 warning, 2 failures, 1 exception\n"),
        "{text}"
    );
    assert_eq!(exit_code(&r.results, false, false), 1);
    assert_eq!(exit_code(&r.results, true, false), 2);
    assert_eq!(exit_code(&r.results, false, true), 0);
}

#[test]
fn terraform_in_hcl2json_shape_with_conftest_file() {
    let r = run(&opts(&["inputs/main.tf"], "terraform")).unwrap_or_else(|e| panic!("{e:?}"));
    let t = &r.results[0];
    assert_eq!(
        msgs(&t.failures),
        vec![
            "aws_s3_bucket.logs is publicly readable",
            "aws_s3_bucket.logs has no versioning"
        ]
    );
    let w = msgs(&t.warnings);
    assert_eq!(w.len(), 1);
    assert!(w[0].starts_with("aws_security_group.web is open to the world (file "));
    assert!(w[0].ends_with("inputs/main.tf)"), "{w:?}");
}

#[test]
fn dockerfile_in_conftest_shape() {
    let r = run(&opts(&["inputs/Dockerfile"], "docker")).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        msgs(&r.results[0].failures),
        vec![
            "stage 1 uses a latest tag: alpine:latest",
            "no USER instruction: the container runs as root"
        ]
    );
}

#[test]
fn combine_gives_one_input_of_every_document() {
    let mut o = opts(&["inputs/deployment.yaml", "inputs/legacy.yaml"], "combine");
    o.combine = true;
    let r = run(&o).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(r.results.len(), 1);
    assert_eq!(r.results[0].filename, "Combined");
    let f = msgs(&r.results[0].failures);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].starts_with("Service orphan in "), "{f:?}");
}

#[test]
fn namespace_globs_all_namespaces_and_directory_walk() {
    let mut o = opts(&["inputs"], "*");
    o.all_namespaces = false;
    let r = run(&o).unwrap_or_else(|e| panic!("{e:?}"));
    // 4 files (Dockerfile, two YAML, one .tf) × 4 namespaces.
    assert_eq!(r.results.len(), 16, "{:?}", r.errors);
    let mut o = opts(&["inputs"], "main");
    o.all_namespaces = true;
    assert_eq!(run(&o).map(|r| r.results.len()).unwrap_or(0), 16);
    // --parser forces one parser: the Dockerfile as YAML is a parse error, not a panic.
    let mut o = opts(&["inputs/Dockerfile"], "main");
    o.parser = Some(Parser::Yaml);
    let r = run(&o).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(r.results.len() + r.errors.len() >= 1);
}

#[test]
fn broken_policy_reports_file_line_column() {
    let mut o = opts(&["inputs/legacy.yaml"], "main");
    o.policy = vec![fx("bad_policy")];
    let errs = run(&o).err().unwrap_or_default();
    assert_eq!(errs.len(), 1);
    assert!(errs[0].file.ends_with("broken.rego"), "{errs:?}");
    assert_eq!(errs[0].line, 6, "{errs:?}");
    assert!(errs[0].col > 0);
}

#[test]
fn verify_runs_the_fixture_tests() {
    let set = PolicySet::load(
        &[fx("policy")],
        &LoadOptions {
            data: vec![fx("data")],
            ..LoadOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    let (cases, _) = verify(&set, &VerifyOptions::default()).unwrap_or_default();
    let passed = cases.iter().filter(|c| c.verdict == Verdict::Pass).count();
    let skipped = cases.iter().filter(|c| c.verdict == Verdict::Skip).count();
    assert_eq!((cases.len(), passed, skipped), (5, 4, 1), "{cases:?}");
}

#[test]
fn metadata_annotations_reach_entry_rules() {
    let set = PolicySet::load(&[fx("policy")], &LoadOptions::default())
        .unwrap_or_else(|e| panic!("{e:?}"));
    let ns = &set.namespaces["main"];
    let deny = ns.rules.iter().find(|r| r.name == "deny");
    let a = deny.map(|r| r.annotation.clone()).unwrap_or_default();
    assert_eq!(a.id.as_deref(), Some("ORG-K8S-001"));
    assert_eq!(a.severity.as_deref(), Some("high"));
    let warn = ns.rules.iter().find(|r| r.name == "warn_labels");
    // Falls back to the package annotation.
    assert_eq!(
        warn.and_then(|r| r.annotation.severity.clone()).as_deref(),
        Some("medium")
    );
}
