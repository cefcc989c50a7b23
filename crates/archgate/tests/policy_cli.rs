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

#[test]
fn policy_apply_prints_kyverno_results_and_policy_reports() {
    let (code, out, err) = run(
        &fixtures(),
        &[
            "policy",
            "apply",
            "policy/kyverno-pod-security.yaml",
            "-r",
            "kyverno/pods.yaml",
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        out.starts_with("Applying 2 policy rule(s) to 2 resource(s)...\n\npolicy disallow-privileged -> resource apps/Pod/debug failed:\n1. privileged-containers: "),
        "{out}"
    );
    assert!(
        out.ends_with("\npass: 2, fail: 2, warn: 0, error: 0, skip: 0\n"),
        "{out}"
    );
    // As a PolicyReport (YAML, read back with archgate's YAML reader).
    let (code, out, err) = run(
        &fixtures(),
        &[
            "policy",
            "apply",
            "policy",
            "--resource",
            "kyverno",
            "--policy-report",
        ],
    );
    assert_eq!(code, 1, "{err}");
    let docs =
        archgate_core::yaml::parse_documents(&out).unwrap_or_else(|e| panic!("{e:?}\n{out}"));
    assert_eq!(docs.len(), 1, "{out}");
    let report = archgate_policy::input::to_json(&docs[0]);
    assert_eq!(report["apiVersion"], "wgpolicyk8s.io/v1alpha2");
    assert_eq!(report["kind"], "ClusterPolicyReport");
    assert_eq!(
        report["summary"],
        serde_json::json!({"error": 0, "fail": 2, "pass": 2, "skip": 0, "warn": 0})
    );
    let fails: Vec<(String, String, String)> = report["results"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|r| r["result"] == "fail")
                .map(|r| {
                    (
                        r["rule"].as_str().unwrap_or_default().to_string(),
                        r["resources"][0]["name"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                        r["severity"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        fails,
        vec![
            (
                "privileged-containers".into(),
                "debug".into(),
                "medium".into()
            ),
            (
                "require-run-as-non-root".into(),
                "debug".into(),
                "medium".into()
            ),
        ]
    );
    // --audit-warn: the Audit rule's failure is a warning; the Enforce rule still fails.
    let (code, out, _) = run(
        &fixtures(),
        &[
            "policy",
            "apply",
            "policy/kyverno-pod-security.yaml",
            "-r",
            "kyverno/pods.yaml",
            "-p",
            "--audit-warn",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
    assert_eq!(v["summary"]["warn"], 1, "{out}");
    assert_eq!(v["summary"]["fail"], 1, "{out}");
    // A missing resource path is an input error.
    let (code, _, err) = run(
        &fixtures(),
        &["policy", "apply", "policy", "-r", "kyverno/none.yaml"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("kyverno/none.yaml"), "{err}");
}

#[test]
fn check_and_skip_check_select_policy_findings() {
    let ids = |args: &[&str]| -> Vec<(String, bool)> {
        let (_, out, err) = run(&fixtures(), args);
        let v: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
        let mut got: Vec<(String, bool)> = v["findings"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|f| {
                        (
                            f["ruleId"].as_str().unwrap_or_default().to_string(),
                            f["suppressed"].as_bool().unwrap_or(false),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        got.sort();
        got
    };
    let base = ["scan", "inputs/main.tf", "--policy", "policy", "-o", "json"];
    // --check by `<package>.<rule>`: only that policy runs (built-in rules are not selected either).
    let mut args = base.to_vec();
    args.extend(["--check", "terraform.deny_versioning"]);
    assert_eq!(
        ids(&args),
        vec![("terraform.deny_versioning".into(), false)]
    );
    // Wildcards work on policy ids as on built-in ones.
    let mut args = base.to_vec();
    args.extend(["--check", "terraform.deny*"]);
    assert_eq!(
        ids(&args),
        vec![
            ("terraform.deny".into(), false),
            ("terraform.deny_versioning".into(), false)
        ]
    );
    // --skip-check keeps the finding, suppressed by configuration.
    let mut args = base.to_vec();
    args.extend(["--skip-check", "terraform.warn"]);
    let got = ids(&args);
    assert!(got.contains(&("terraform.warn".into(), true)), "{got:?}");
    assert!(got.contains(&("terraform.deny".into(), false)), "{got:?}");
    // METADATA ids select Trivy-style checks.
    let got = ids(&[
        "scan",
        "trivy/Dockerfile",
        "--policy",
        "trivy",
        "-o",
        "json",
        "--check",
        "ORG-DS-001",
    ]);
    assert_eq!(got, vec![("ORG-DS-001".into(), false)]);
}

#[test]
fn policy_test_ci_output_formats() {
    let args = |fmt: &'static str| -> Vec<&'static str> {
        vec![
            "policy",
            "test",
            "-p",
            "policy",
            "-d",
            "data",
            "inputs/deployment.yaml",
            "-o",
            fmt,
        ]
    };
    let (code, out, err) = run(&fixtures(), &args("github"));
    assert_eq!(code, 1, "{err}");
    assert!(
        out.starts_with("::group::Testing \"inputs/deployment.yaml\" against 3 policies in namespace \"main\"\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "::error file=inputs/deployment.yaml,line=1::web: containers must not run as root\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("::warning file=inputs/deployment.yaml,line=1::Service web has no labels\n"),
        "{out}"
    );
    assert!(out.ends_with("::notice file=inputs/deployment.yaml,line=1::Number of successful checks: 0\n::endgroup::\n3 tests, 0 passed, 1 warning, 2 failures, 0 exceptions\n"), "{out}");
    let (code, out, _) = run(&fixtures(), &args("azuredevops"));
    assert_eq!(code, 1);
    assert!(
        out.contains("##vso[task.logissue type=error] file=inputs/deployment.yaml --> web: containers must not run as root\n"),
        "{out}"
    );
    let (code, out, _) = run(&fixtures(), &args("sarif"));
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
    let results = v["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(results.len(), 3, "{out}");
    assert_eq!(results[0]["ruleId"], "main/deny");
    assert_eq!(results[0]["level"], "error");
    assert_eq!(v["runs"][0]["invocations"][0]["exitCode"], 1);
}

#[test]
fn policy_test_reads_toml_ini_xml_and_properties() {
    let (code, out, err) = run(
        &fixtures(),
        &["policy", "test", "-p", "formats/policy", "formats/inputs"],
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out,
        "WARN - formats/inputs/app.properties - main - all actuator endpoints are exposed\n\
         FAIL - formats/inputs/app.properties - main - a datasource password is written in the properties file\n\
         FAIL - formats/inputs/firewall.ini - main - SSH open to 0.0.0.0/0\n\
         FAIL - formats/inputs/pom.xml - main - log4j-core 2.14.1 is vulnerable (scope compile)\n\
         FAIL - formats/inputs/service.toml - main - server on port 8080 must use TLS\n\
         FAIL - formats/inputs/service.toml - main - upstream billing is not HTTPS\n\
         \n\
         24 tests, 18 passed, 1 warning, 5 failures, 0 exceptions\n"
    );
    // A malformed INI file: file, line and column, exit 2.
    let (code, _, err) = run(
        &fixtures(),
        &[
            "policy",
            "test",
            "-p",
            "formats/policy",
            "formats/broken/bad.ini",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("formats/broken/bad.ini:3:1"), "{err}");
    // --parser names the new formats too.
    let (code, out, _) = run(
        &fixtures(),
        &[
            "policy",
            "test",
            "-p",
            "formats/policy",
            "--parser",
            "ini",
            "formats/inputs/firewall.ini",
        ],
    );
    assert_eq!(code, 1);
    assert!(out.contains("SSH open to 0.0.0.0/0"), "{out}");
}

#[test]
fn trivy_dockerfile_checks_get_trivy_input_shape() {
    // In scan/check: the finding points at the USER line Trivy's StartLine names.
    let (_, out, err) = run(
        &fixtures(),
        &[
            "scan",
            "trivy/Dockerfile",
            "--policy",
            "trivy",
            "-o",
            "json",
        ],
    );
    let v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    let f = v["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["ruleId"] == "ORG-DS-001"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(f["location"]["line"], 8, "{out}");
    assert_eq!(f["message"], "last USER (line 8) is root");
    assert_eq!(f["severity"], "high");
    // In policy test: the same shape for namespaces with a dockerfile selector.
    let (code, out, _) = run(
        &fixtures(),
        &[
            "policy",
            "test",
            "-p",
            "trivy",
            "--all-namespaces",
            "trivy/Dockerfile",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        out.contains(
            "FAIL - trivy/Dockerfile - user.dockerfile.ORG_DS_001 - last USER (line 8) is root\n"
        ),
        "{out}"
    );
}

#[test]
fn check_and_scan_run_policies_on_configuration_files() {
    let ws = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let root = ws.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(p, text).unwrap_or_else(|e| panic!("{e}"));
    };
    // A Jenkinsfile rule pointing at the step's line, and a TOML rule.
    write(
        "policy/jenkins.rego",
        r#"package jenkins

import rego.v1

deny contains {"msg": "sh step uses sudo", "_loc": {"file": data.conftest.file.name, "line": step.line}} if {
  walk(input, [_, step])
  step.kind == "CallExpr"
  step.children[0].children[0].text == "sh"
  walk(step, [_, s])
  s.kind == "StringLiteral"
  contains(s.text, "sudo")
}
"#,
    );
    write(
        "policy/settings.rego",
        "package config.toml\n\nimport rego.v1\n\ndeny contains \"debug must be off\" if input.server.debug == true\n",
    );
    write(
        "ci/Jenkinsfile",
        "pipeline {\n  agent any\n  stages {\n    stage('Build') {\n      steps {\n        sh 'sudo make install'\n      }\n    }\n  }\n}\n",
    );
    write("app/settings.toml", "[server]\nport = 8080\ndebug = true\n");
    write(
        "main.tf",
        "variable \"region\" {\n  default = \"eu-west-1\"\n}\n",
    );

    let policy_findings = |out: &str, err: &str| -> (Vec<(String, String, u64)>, u64) {
        let v: serde_json::Value =
            serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
        let mut got: Vec<(String, String, u64)> = v["findings"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|f| f["kind"] == "policy")
                    .map(|f| {
                        (
                            f["ruleId"].as_str().unwrap_or_default().to_string(),
                            f["location"]["file"]
                                .as_str()
                                .unwrap_or_default()
                                .to_string(),
                            f["location"]["line"].as_u64().unwrap_or(0),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        got.sort();
        (got, v["stats"]["files"].as_u64().unwrap_or(0))
    };
    let expected = vec![
        (
            "config.toml.deny".to_string(),
            "app/settings.toml".to_string(),
            1,
        ),
        ("jenkins.deny".to_string(), "ci/Jenkinsfile".to_string(), 6),
    ];

    // `check`: the workspace's policy/ runs on them in the same pass.
    let (code, out, err) = run(root, &["check", ".", "-o", "json"]);
    assert_eq!(code, 1, "{out} {err}");
    let (got, files) = policy_findings(&out, &err);
    assert_eq!(got, expected, "{out}");
    assert_eq!(
        files, 3,
        "main.tf, the Jenkinsfile and the TOML file: {out}"
    );

    // `scan --policy`: the same, on any directory.
    let (code, out, err) = run(root, &["scan", ".", "--policy", "policy", "-o", "json"]);
    assert_eq!(code, 1, "{out} {err}");
    assert_eq!(policy_findings(&out, &err), (expected.clone(), 3), "{out}");

    // `--framework config` takes the configuration files alone.
    let (_, out, err) = run(
        root,
        &[
            "scan",
            ".",
            "--policy",
            "policy",
            "--framework",
            "config",
            "-o",
            "json",
        ],
    );
    assert_eq!(policy_findings(&out, &err), (expected, 2), "{out}");

    // Without policies the configuration files are not read at all.
    let (code, out, err) = run(root, &["scan", ".", "-o", "json"]);
    assert_eq!(code, 0, "{out} {err}");
    assert_eq!(policy_findings(&out, &err), (Vec::new(), 1), "{out}");
    std::fs::rename(root.join("policy"), root.join("rules-off")).unwrap_or_else(|e| panic!("{e}"));
    let (_, out, err) = run(root, &["check", ".", "-o", "json"]);
    assert_eq!(policy_findings(&out, &err), (Vec::new(), 1), "{out}");
    std::fs::rename(root.join("rules-off"), root.join("policy")).unwrap_or_else(|e| panic!("{e}"));

    // A configuration file that does not parse: an input error at its
    // line and column, the other findings still reported. Exit 2 when no
    // finding reaches the threshold (findings take precedence, as for every
    // input error).
    write("app/broken.ini", "[server]\nport = 80\n[unclosed\n");
    let (code, out, err) = run(root, &["check", ".", "-o", "json"]);
    assert_eq!(code, 1, "{out} {err}");
    let (code, _, _) = run(root, &["check", ".", "--fail-on", "critical"]);
    assert_eq!(code, 2);
    let v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    let errors = v["errors"].as_array().cloned().unwrap_or_default();
    assert_eq!(errors.len(), 1, "{out}");
    assert_eq!(errors[0]["file"], "app/broken.ini", "{out}");
    assert_eq!(errors[0]["line"], 3, "{out}");
    assert_eq!(errors[0]["column"], 1, "{out}");
    assert_eq!(policy_findings(&out, &err).0.len(), 2, "{out}");
    let (code, out, err) = run(
        root,
        &["scan", ".", "--policy", "policy", "--fail-on", "critical"],
    );
    assert_eq!(code, 2);
    assert!(
        format!("{out}{err}").contains("app/broken.ini:3:1"),
        "{out} {err}"
    );
}
