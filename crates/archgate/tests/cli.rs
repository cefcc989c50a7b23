//! End-to-end tests: the real binary on the shipped example workspace and on
//! broken copies of it.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/acme-payments")
}

fn archgate() -> Command {
    let mut c = Command::cargo_bin("archgate").expect("binary built");
    c.env("NO_COLOR", "1");
    c
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = archgate().args(args).output().expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Copies a directory tree (the example) so a test can break it.
fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn broken_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&example(), dir.path());
    dir
}

fn json_of(args: &[&str]) -> (i32, serde_json::Value) {
    let r = run(args);
    let v: serde_json::Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.stdout));
    (r.code, v)
}

fn rule_ids(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["ruleId"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn check_on_the_example_fails_with_model_and_iac_findings() {
    let ex = example();
    let r = run(&["check", ex.to_str().unwrap()]);
    assert_eq!(r.code, 1, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    // Model mistakes the example makes on purpose, at the exact place.
    assert!(
        r.stdout.contains("AG-MODEL-002"),
        "unknown owner group not reported"
    );
    assert!(
        r.stdout.contains("AG-MODEL-003"),
        "dangling flow target not reported"
    );
    // IaC guardrails with file and line.
    assert!(r.stdout.contains("infra/terraform/"), "{}", r.stdout);
    assert!(r.stdout.contains("--> infra/k8s/"), "{}", r.stdout);
    assert!(r.stdout.contains("FAILED:"));
    // The inline checkov skip is honoured and still shown.
    assert!(
        r.stdout.contains("#checkov:skip=CKV_AWS_18"),
        "suppressed finding not shown"
    );
}

#[test]
fn json_report_has_locations_fingerprints_and_aliases() {
    let ex = example();
    let (code, v) = json_of(&["check", ex.to_str().unwrap(), "-o", "json"]);
    assert_eq!(code, 1);
    assert_eq!(v["schemaVersion"], "1.0");
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.len() > 20, "only {} findings", findings.len());
    let owner = findings
        .iter()
        .find(|f| f["ruleId"] == "AG-MODEL-002")
        .expect("owner finding");
    assert!(owner["location"]["file"]
        .as_str()
        .unwrap()
        .starts_with("catalog/"));
    assert!(owner["location"]["line"].as_u64().unwrap() > 0);
    let sg = findings
        .iter()
        .find(|f| {
            f["resource"].as_str() == Some("aws_security_group.bastion")
                && f["aliases"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|a| a == "CKV_AWS_24")
        })
        .expect("SSH from the internet on the bastion security group");
    assert_eq!(sg["location"]["file"], "infra/terraform/network.tf");
    let fps: std::collections::HashSet<&str> = findings
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fps.len(), findings.len(), "fingerprints must be unique");
    // Same input, same report (apart from timing).
    let (_, again) = json_of(&["check", ex.to_str().unwrap(), "-o", "json"]);
    assert_eq!(v["findings"], again["findings"]);
}

#[test]
fn sarif_names_resources_and_aliases() {
    let ex = example();
    let (code, v) = json_of(&["check", ex.to_str().unwrap(), "-o", "sarif"]);
    assert_eq!(code, 1);
    assert_eq!(v["version"], "2.1.0");
    let run0 = &v["runs"][0];
    let results = run0["results"].as_array().unwrap();
    assert!(results.iter().any(
        |r| r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
            == "aws_db_instance.ledger"
    ));
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["properties"]["aliases"]
        .as_array()
        .is_some_and(|a| a.iter().any(|x| x == "CKV_AWS_157"))));
    // Every result's ruleIndex points at its descriptor.
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
    }
}

#[test]
fn thresholds_soft_fail_and_output_file() {
    let ex = example();
    let ex = ex.to_str().unwrap();
    assert_eq!(run(&["check", ex, "--soft-fail"]).code, 0);
    let (_, v) = json_of(&["check", ex, "-o", "json"]);
    let has_critical = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["severity"] == "critical" && f["suppression"].is_null());
    assert_eq!(
        run(&["check", ex, "--fail-on", "critical"]).code,
        if has_critical { 1 } else { 0 }
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.md");
    let r = run(&[
        "check",
        ex,
        "-o",
        "markdown",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.contains("| ") && md.contains("AG-MODEL-002"));
    let r = run(&["check", ex, "-o", "junit"]);
    assert!(r.stdout.starts_with("<?xml"));
    assert_eq!(run(&["check", ex, "-o", "yaml"]).code, 2);
    assert_eq!(run(&["check", ex, "--fail-on", "severe"]).code, 2);
}

#[test]
fn malformed_catalog_yaml_is_located_and_exits_2() {
    let ws = broken_copy();
    std::fs::write(
        ws.path().join("catalog/broken.yaml"),
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: [oops\n",
    )
    .unwrap();
    let r = run(&["check", ws.path().to_str().unwrap(), "--soft-fail"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stdout.contains("catalog/broken.yaml:"), "{}", r.stdout);
    // Without --soft-fail the findings already make it 1: a partial scan never looks clean.
    assert_eq!(run(&["check", ws.path().to_str().unwrap()]).code, 1);
}

#[test]
fn wrong_type_and_unknown_key_in_settings_are_located() {
    let ws = broken_copy();
    let settings = ws.path().join("archgate.yaml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, format!("{text}\nfailOnn: high\n")).unwrap();
    let r = run(&["check", ws.path().to_str().unwrap(), "--soft-fail"]);
    assert_eq!(r.code, 2);
    let line = text.lines().count() + 2;
    assert!(
        r.stdout
            .contains(&format!("archgate.yaml:{line}:1: unknown key `failOnn`")),
        "{}",
        r.stdout
    );

    std::fs::write(&settings, "name: [1, 2]\n").unwrap();
    let r = run(&["check", ws.path().to_str().unwrap(), "--soft-fail"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stdout
            .contains("archgate.yaml:1:7: wrong type for `name`"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("expected a string"));
}

#[test]
fn binary_file_and_wrong_catalog_type_are_errors_not_panics() {
    let ws = broken_copy();
    std::fs::write(
        ws.path().join("catalog/blob.yaml"),
        [0u8, 159, 146, 150, 0, 1, 2],
    )
    .unwrap();
    std::fs::write(
        ws.path().join("catalog/typo.yaml"),
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: typo\nspec:\n  type: service\n  lifecycle: production\n  owner: group:payments-team\n  archgate:\n    tier: high\n",
    )
    .unwrap();
    let r = run(&[
        "check",
        ws.path().to_str().unwrap(),
        "--soft-fail",
        "-o",
        "json",
    ]);
    assert_eq!(r.code, 2);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let errors = v["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["file"] == "catalog/blob.yaml"),
        "{errors:?}"
    );
    let tier = errors
        .iter()
        .find(|e| e["file"] == "catalog/typo.yaml")
        .expect("tier error");
    assert_eq!(
        (tier["line"].as_u64(), tier["column"].as_u64()),
        (Some(10), Some(11))
    );
    assert!(!r.stderr.contains("panicked"));
}

#[test]
fn missing_path_is_a_usage_error() {
    let r = run(&["check", "/nonexistent/archgate/workspace"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no such directory"), "{}", r.stderr);
    assert_eq!(run(&["scan", "/nonexistent/file.tf"]).code, 2);
    assert_eq!(run(&["frobnicate"]).code, 2);
}

#[test]
fn a_directory_without_settings_runs_with_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("no archgate.yaml"), "{}", r.stdout);
}

#[test]
fn init_scaffolds_a_working_workspace_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("arch");
    let r = run(&["init", ws.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(ws.join("archgate.yaml").is_file());
    let r = run(&["check", ws.to_str().unwrap(), "-o", "json"]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stdout);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(
        v["errors"].as_array().unwrap().is_empty(),
        "scaffold has input errors: {}",
        v["errors"]
    );
    assert!(
        !v["findings"].as_array().unwrap().is_empty(),
        "the scaffold's deliberate finding is missing"
    );
    // A second init refuses and changes nothing.
    let before = std::fs::read_to_string(ws.join("archgate.yaml")).unwrap();
    let r = run(&["init", ws.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("nothing was changed"));
    assert_eq!(
        std::fs::read_to_string(ws.join("archgate.yaml")).unwrap(),
        before
    );
}

#[test]
fn rules_and_explain() {
    let r = run(&["rules"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("AG-MODEL-001") && r.stdout.contains("AG-AWS-S3-001"));
    let r = run(&["rules", "--provider", "kubernetes", "-o", "json"]);
    let list: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    assert!(list.len() >= 10 && list.iter().all(|m| m["provider"] == "kubernetes"));
    let r = run(&["explain", "CKV_AWS_21"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("## Failing example") && r.stdout.contains("## How to fix"));
    let r = run(&["explain", "NOPE-1"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no rule"));
}

#[test]
fn scan_honours_suppressions_skip_lists_and_baselines() {
    let dir = tempfile::tempdir().unwrap();
    let tf = dir.path().join("main.tf");
    std::fs::write(
        &tf,
        "resource \"aws_db_instance\" \"a\" {\n  engine = \"postgres\"\n  multi_az = false\n}\n\nresource \"aws_db_instance\" \"b\" {\n  #checkov:skip=CKV_AWS_157:single-AZ test database\n  engine = \"postgres\"\n  multi_az = false\n}\n",
    )
    .unwrap();
    let d = dir.path().to_str().unwrap();
    let (code, v) = json_of(&[
        "scan",
        d,
        "-o",
        "json",
        "--check",
        "CKV_AWS_157",
        "--fail-on",
        "medium",
    ]);
    assert_eq!(code, 1);
    let f = v["findings"].as_array().unwrap();
    assert_eq!(f.len(), 2, "{f:?}");
    let a = f
        .iter()
        .find(|x| x["resource"] == "aws_db_instance.a")
        .unwrap();
    assert!(a["suppression"].is_null());
    assert_eq!(a["location"]["line"], 1);
    let b = f
        .iter()
        .find(|x| x["resource"] == "aws_db_instance.b")
        .unwrap();
    assert_eq!(b["suppression"]["reason"], "single-AZ test database");
    // --skip-check keeps the finding visible but suppressed.
    let (code, v) = json_of(&[
        "scan",
        d,
        "-o",
        "json",
        "--check",
        "CKV_AWS_157",
        "--skip-check",
        "CKV_AWS_157",
    ]);
    assert_eq!(code, 0);
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| !x["suppression"].is_null()));
    // Baseline: adopt without fixing history.
    let base = dir.path().join("baseline.json");
    assert_eq!(
        run(&[
            "scan",
            d,
            "--check",
            "CKV_AWS_157",
            "--create-baseline",
            base.to_str().unwrap()
        ])
        .code,
        0
    );
    assert_eq!(
        run(&[
            "scan",
            d,
            "--check",
            "CKV_AWS_157",
            "--fail-on",
            "medium",
            "--baseline",
            base.to_str().unwrap()
        ])
        .code,
        0
    );
    std::fs::write(
        dir.path().join("new.tf"),
        "resource \"aws_db_instance\" \"c\" {\n  engine = \"postgres\"\n  multi_az = false\n}\n",
    )
    .unwrap();
    assert_eq!(
        run(&[
            "scan",
            d,
            "--check",
            "CKV_AWS_157",
            "--fail-on",
            "medium",
            "--baseline",
            base.to_str().unwrap()
        ])
        .code,
        1
    );
}

#[test]
fn unparseable_iac_is_reported_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.tf"),
        "resource \"aws_s3_bucket\" \"x\" {\n  bucket = \n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM ubuntu:latest\nRUN apt-get install -y curl\n",
    )
    .unwrap();
    let (code, v) = json_of(&[
        "scan",
        dir.path().to_str().unwrap(),
        "-o",
        "json",
        "--soft-fail",
    ]);
    assert_eq!(code, 2);
    let e = &v["errors"][0];
    assert_eq!(e["file"], "bad.tf");
    assert!(e["line"].as_u64().unwrap() >= 2);
    assert!(
        rule_ids(&v).iter().any(|id| id.starts_with("AG-DOCKER")),
        "Dockerfile not scanned: {v}"
    );
    let (_, sarif) = json_of(&["scan", dir.path().to_str().unwrap(), "-o", "sarif"]);
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(notes.iter().any(|n| n["level"] == "error"));
}

#[test]
fn version_and_help() {
    let r = run(&["--version"]);
    assert!(r.stdout.starts_with("archgate "));
    let r = run(&["--help"]);
    assert!(r.stdout.contains("Examples:") && r.stdout.contains("Exit codes"));
}
