//! End-to-end tests of `archgate policy test|verify` and of workspace
//! policies inside `archgate check`, on the archgate-policy fixtures
//! (policies and inputs written for these tests).

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../archgate-policy/tests/fixtures")
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("archgate")
        .expect("binary built")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn policy_test_with_conftest_flags() {
    let (code, out, err) = run(
        &fixtures(),
        &[
            "policy",
            "test",
            "-p",
            "policy",
            "-d",
            "data",
            "inputs/deployment.yaml",
            "inputs/legacy.yaml",
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out,
        "WARN - inputs/deployment.yaml - main - Service web has no labels\n\
         FAIL - inputs/deployment.yaml - main - web: containers must not run as root\n\
         FAIL - inputs/deployment.yaml - main - web: image docker.io/nginx:1.27 is not from an approved registry\n\
         EXCP - inputs/legacy.yaml - main - data.main.exception[_][_] == \"registry\"\n\
         \n\
         6 tests, 2 passed, 1 warning, 2 failures, 1 exception\n"
    );
    let (code, out, _) = run(
        &fixtures(),
        &[
            "policy",
            "test",
            "-n",
            "terraform",
            "-o",
            "json",
            "--no-fail",
            "inputs/main.tf",
        ],
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
    assert_eq!(v[0]["namespace"], "terraform");
    assert_eq!(v[0]["failures"].as_array().map(|a| a.len()), Some(2));
    assert_eq!(v[0]["warnings"].as_array().map(|a| a.len()), Some(1));
    // Only warnings: 0 normally, 1 with --fail-on-warn.
    let (code, _, _) = run(
        &fixtures(),
        &[
            "policy",
            "test",
            "-n",
            "main",
            "-d",
            "data",
            "inputs/legacy.yaml",
            "--fail-on-warn",
        ],
    );
    assert_eq!(code, 0);
}

#[test]
fn policy_test_bad_policy_exits_2_with_position() {
    let (code, _, err) = run(
        &fixtures(),
        &["policy", "test", "-p", "bad_policy", "inputs/legacy.yaml"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("bad_policy/broken.rego:6:"), "{err}");
}

#[test]
fn policy_verify_counts_and_filters() {
    let (code, out, err) = run(
        &fixtures(),
        &["policy", "verify", "-p", "policy", "-d", "data"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "4 tests, 4 passed, 0 warnings, 0 failures, 0 exceptions, 1 skipped\n"
    );
    let (code, out, _) = run(
        &fixtures(),
        &["policy", "verify", "-d", "data", "--run", "registry"],
    );
    assert_eq!(code, 0);
    assert!(out.starts_with("2 tests, 2 passed"), "{out}");
    let (code, out, _) = run(
        &fixtures(),
        &["policy", "verify", "-d", "data", "--coverage"],
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
    assert!(v["coverage"].as_f64().is_some_and(|c| c > 0.0), "{out}");
}

#[test]
fn check_runs_workspace_policies_as_findings() {
    let ws = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let policy = ws.path().join("policy");
    std::fs::create_dir_all(&policy).unwrap_or_else(|e| panic!("{e}"));
    for f in [
        "terraform.rego",
        "docker.rego",
        "kyverno-pod-security.yaml",
        "gatekeeper-required-labels.yaml",
    ] {
        std::fs::copy(fixtures().join("policy").join(f), policy.join(f))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let tf = std::fs::read_to_string(fixtures().join("inputs/main.tf")).unwrap_or_default();
    let tf = tf.replacen(
        "  acl    = \"public-read\"",
        "  # archgate:ignore terraform.deny reason=\"public website\"\n  acl    = \"public-read\"",
        1,
    );
    std::fs::write(ws.path().join("main.tf"), tf).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        ws.path().join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n    - name: shell\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (_, out, err) = run(ws.path(), &["check", ".", "-o", "json"]);
    let v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    let policy_findings: Vec<(String, u64, bool)> = v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| f["kind"] == "policy")
                .map(|f| {
                    (
                        f["ruleId"].as_str().unwrap_or_default().to_string(),
                        f["location"]["line"].as_u64().unwrap_or(0),
                        f["suppressed"].as_bool().unwrap_or(false),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let mut got = policy_findings.clone();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("K8sRequiredLabels/must-have-owner".into(), 1, false),
            (
                "disallow-privileged/privileged-containers".into(),
                12,
                false
            ),
            ("terraform.deny".into(), 1, true),
            ("terraform.deny_versioning".into(), 1, false),
            ("terraform.warn".into(), 14, false),
        ],
        "{out}"
    );
}

#[test]
fn scan_runs_policies_given_with_policy_flag() {
    let (_, out, err) = run(
        &fixtures(),
        &["scan", "inputs/main.tf", "--policy", "policy", "-o", "json"],
    );
    let v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    let mut ids: Vec<String> = v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| f["kind"] == "policy")
                .map(|f| f["ruleId"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    assert_eq!(
        ids,
        vec![
            "terraform.deny",
            "terraform.deny_versioning",
            "terraform.warn"
        ],
        "{out}"
    );
    let (code, _, err) = run(&fixtures(), &["scan", "inputs/main.tf", "--policy", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("--policy nope"), "{err}");
}
