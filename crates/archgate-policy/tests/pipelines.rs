//! Jenkinsfiles (conftest's groovy parser), nginx configuration, Dockerfile
//! comments and Trivy's `squealer.scan_string`, end to end through
//! `policy test` and `policy verify`, with policies written for these tests.

use archgate_policy::run::{run, TestOptions};
use archgate_policy::verify::{verify, Verdict, VerifyOptions};
use archgate_policy::{LoadOptions, PolicySet};
use std::path::PathBuf;

fn fx(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pipelines")
        .join(p)
}

fn failures(input: &str) -> Vec<(String, u64)> {
    let o = TestOptions {
        inputs: vec![fx(input)],
        policy: vec![fx("policy")],
        all_namespaces: true,
        ..TestOptions::default()
    };
    let r = run(&o).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(r.errors.is_empty() && r.eval_errors.is_empty(), "{r:?}");
    let mut out: Vec<(String, u64)> = r
        .results
        .iter()
        .flat_map(|f| {
            f.failures
                .iter()
                .map(|o| (o.msg.clone(), o.loc.as_ref().map_or(0, |l| l.line)))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn jenkinsfile_is_detected_and_parsed_like_conftest() {
    let f = failures("inputs/Jenkinsfile");
    let msgs: Vec<&str> = f.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(
        msgs,
        vec![
            "line 11: sh step uses sudo",
            "line 16: Password literal in a sh step"
        ]
    );
    // `_loc.line` from the syntax tree places the finding.
    assert_eq!(f[0].1, 11);
    assert_eq!(f[1].1, 0);
    assert!(failures("inputs/Jenkinsfile.safe").is_empty());
}

#[test]
fn nginx_conf_is_detected_and_parsed_like_conftest() {
    let msgs: Vec<String> = failures("inputs/nginx.conf")
        .into_iter()
        .map(|(m, _)| m)
        .collect();
    assert_eq!(
        msgs,
        vec!["server_tokens must be off", "ssl_protocols allows TLSv1"]
    );
}

#[test]
fn verify_runs_parse_config_and_squealer_tests() {
    let set = PolicySet::load(&[fx("policy")], &LoadOptions::default())
        .unwrap_or_else(|e| panic!("{e:?}"));
    let (cases, _) = verify(&set, &VerifyOptions::default()).unwrap_or_default();
    let failed: Vec<_> = cases
        .iter()
        .filter(|c| c.verdict != Verdict::Pass)
        .collect();
    assert_eq!((cases.len(), failed.len()), (6, 0), "{failed:?}");
}

#[test]
fn bad_groovy_and_nginx_are_input_errors_with_positions() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let jf = dir.path().join("Jenkinsfile");
    std::fs::write(&jf, "pipeline {\n  agent any\n").unwrap_or_else(|e| panic!("{e}"));
    let nc = dir.path().join("nginx.conf");
    std::fs::write(&nc, "http {\n  listen 80\n}\n").unwrap_or_else(|e| panic!("{e}"));
    let o = TestOptions {
        inputs: vec![jf, nc],
        policy: vec![fx("policy")],
        all_namespaces: true,
        ..TestOptions::default()
    };
    let r = run(&o).unwrap_or_else(|e| panic!("{e:?}"));
    let mut errs: Vec<(u32, u32)> = r.errors.iter().map(|e| (e.line, e.col)).collect();
    errs.sort();
    // The unclosed block at the end of input; the unterminated `listen`
    // where `}` comes instead of `;`.
    assert_eq!(errs, vec![(3, 1), (3, 1)], "{:?}", r.errors);
}
