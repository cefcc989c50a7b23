//! End to end through `scan`: discovery, parsing, rules (built-in and
//! Checkov-format external policies), suppressions, selection, baselines
//! and bad input, on small trees written to a temporary directory.

use archgate_core::{Finding, Report};
use archgate_rules::{registry, scan, ScanOptions};
use std::path::{Path, PathBuf};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(p, text).unwrap();
}

fn policies() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/checkov-policies")
}

fn of<'r>(report: &'r Report, rule: &str) -> Vec<&'r Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.rule_id == rule)
        .collect()
}

fn line(f: &Finding) -> u32 {
    f.location.as_ref().map(|l| l.span.line).unwrap_or(0)
}

const MAIN_TF: &str = r#"resource "aws_s3_bucket" "owned" {
  bucket = "acme-owned"
  tags = {
    Owner = "data-team"
  }
}

resource "aws_s3_bucket" "orphan" {
  bucket = "acme-orphan"
  #checkov:skip=AVD-AWS-0088:encrypted by the bucket policy of the landing zone
}

resource "aws_s3_bucket_server_side_encryption_configuration" "owned" {
  bucket = aws_s3_bucket.owned.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_security_group" "web" {
  name = "web"
}

resource "aws_instance" "attached" {
  ami                    = "ami-123"
  vpc_security_group_ids = [aws_security_group.web.id]
}

resource "aws_instance" "lonely" {
  ami = "ami-123"
}
"#;

#[test]
fn scans_with_builtin_and_checkov_policies_and_inline_skips() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf", MAIN_TF);
    let report = scan(
        dir.path(),
        &ScanOptions {
            external_checks_dirs: vec![policies()],
            ..ScanOptions::default()
        },
    );
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    // Cross-resource: `owned` is encrypted by the separate resource.
    let enc = of(&report, "AG-AWS-S3-001");
    assert_eq!(enc.len(), 1, "{enc:#?}");
    let orphan = enc[0];
    assert_eq!(orphan.resource.as_deref(), Some("aws_s3_bucket.orphan"));
    assert_eq!(line(orphan), 8);
    let s = orphan.suppression.as_ref().expect("skipped by its alias");
    assert_eq!(s.kind, "inline");
    assert_eq!(
        s.reason.as_deref(),
        Some("encrypted by the bucket policy of the landing zone")
    );
    assert!(orphan.aliases.contains(&"AVD-AWS-0088".to_string()));
    assert!(orphan
        .snippet
        .as_deref()
        .unwrap_or("")
        .starts_with("resource \"aws_s3_bucket\" \"orphan\""));
    assert_eq!(orphan.fingerprint.len(), 32);
    // The Checkov policy: `orphan` has no Owner tag.
    let owner = of(&report, "CKV2_ACME_1");
    assert_eq!(
        owner
            .iter()
            .map(|f| f.resource.as_deref())
            .collect::<Vec<_>>(),
        vec![Some("aws_s3_bucket.orphan")]
    );
    assert_eq!(owner[0].severity, archgate_core::Severity::High);
    assert_eq!(owner[0].kind, archgate_core::FindingKind::Policy);
    // The connection policy: only the instance without a security group.
    let sg = of(&report, "CKV2_ACME_2");
    assert_eq!(
        sg.iter().map(|f| f.resource.as_deref()).collect::<Vec<_>>(),
        vec![Some("aws_instance.lonely")]
    );
    // Report metadata: rules that fired, stats.
    assert!(report.rules.iter().any(|m| m.id == "CKV2_ACME_2"));
    assert!(report.rules.iter().any(|m| m.id == "AG-AWS-S3-001"));
    assert_eq!(report.stats.files, 1);
    assert_eq!(report.stats.resources, 6);
    assert!(report.stats.rules > 100);
    // Deterministic order: by file, line, rule.
    let keys: Vec<(u32, &str)> = report
        .findings
        .iter()
        .map(|f| (line(f), f.rule_id.as_str()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn check_and_skip_check_select_and_waive() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf", MAIN_TF);
    let only = scan(
        dir.path(),
        &ScanOptions {
            checks: vec!["AVD-AWS-0088".into()],
            ..ScanOptions::default()
        },
    );
    assert!(!only.findings.is_empty());
    assert!(only.findings.iter().all(|f| f.rule_id == "AG-AWS-S3-001"));
    assert_eq!(only.stats.rules, 1);

    let skipped = scan(
        dir.path(),
        &ScanOptions {
            skip_checks: vec!["ckv_aws_*".into()],
            ..ScanOptions::default()
        },
    );
    let versioning = of(&skipped, "AG-AWS-S3-002");
    assert!(!versioning.is_empty());
    for f in versioning {
        let s = f.suppression.as_ref().expect("waived by the wildcard");
        assert_eq!(s.kind, "config");
        assert_eq!(s.source.as_deref(), Some("ckv_aws_*"));
    }

    let high = scan(
        dir.path(),
        &ScanOptions {
            checks: vec!["high".into()],
            ..ScanOptions::default()
        },
    );
    assert!(high
        .findings
        .iter()
        .all(|f| f.severity >= archgate_core::Severity::High));
}

#[test]
fn baseline_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "infra/main.tf", MAIN_TF);
    let baseline = dir.path().join("baseline.json");
    let first = scan(&dir.path().join("infra"), &ScanOptions::default());
    archgate_rules::baseline::write(&baseline, &first).unwrap();
    let open = first.findings.iter().filter(|f| !f.is_suppressed()).count();
    assert!(open > 0);
    let text = std::fs::read_to_string(&baseline).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(open));

    // A new problem after the baseline is still reported.
    write(
        dir.path(),
        "infra/new.tf",
        "resource \"aws_s3_bucket\" \"fresh\" {\n  bucket = \"acme-fresh\"\n}\n",
    );
    let second = scan(
        &dir.path().join("infra"),
        &ScanOptions {
            baseline: Some(baseline.clone()),
            ..ScanOptions::default()
        },
    );
    assert!(second.errors.is_empty(), "{:?}", second.errors);
    let still_open: Vec<&Finding> = second
        .findings
        .iter()
        .filter(|f| !f.is_suppressed())
        .collect();
    assert!(!still_open.is_empty());
    assert!(
        still_open
            .iter()
            .all(|f| f.resource.as_deref() == Some("aws_s3_bucket.fresh")),
        "{still_open:#?}"
    );
    assert!(second
        .findings
        .iter()
        .filter(|f| f.resource.as_deref() == Some("aws_s3_bucket.owned"))
        .all(|f| f.suppression.as_ref().is_some_and(|s| s.kind == "baseline")));

    // A broken baseline is an input error, not a silent clean run.
    std::fs::write(&baseline, "{ not json").unwrap();
    let broken = scan(
        &dir.path().join("infra"),
        &ScanOptions {
            baseline: Some(baseline),
            ..ScanOptions::default()
        },
    );
    assert!(broken.errors.iter().any(|e| e.message.contains("baseline")));
}

#[test]
fn checkov_baseline_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf", MAIN_TF);
    let baseline = dir.path().join(".checkov.baseline");
    std::fs::write(
        &baseline,
        r#"{"failed_checks": [{"file": "/main.tf", "findings": [{"resource": "aws_instance.lonely", "check_ids": ["CKV2_ACME_2"]}]}]}"#,
    )
    .unwrap();
    let report = scan(
        dir.path(),
        &ScanOptions {
            baseline: Some(baseline),
            external_checks_dirs: vec![policies()],
            ..ScanOptions::default()
        },
    );
    let sg = of(&report, "CKV2_ACME_2");
    assert_eq!(sg.len(), 1);
    assert_eq!(
        sg[0].suppression.as_ref().map(|s| s.kind.as_str()),
        Some("baseline")
    );
}

#[test]
fn kubernetes_annotations_and_cloudformation_metadata_skip() {
    let dir = tempfile::tempdir().unwrap();
    // Whatever rule answers to Checkov's privileged-container id.
    let privileged = registry().get("CKV_K8S_16").map(|r| r.meta.id.clone());
    write(
        dir.path(),
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n    checkov.io/skip1: CKV_K8S_16=needs raw devices\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n",
    );
    write(
        dir.path(),
        "template.yaml",
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Archive:\n    Type: AWS::S3::Bucket\n    Metadata:\n      checkov:\n        skip:\n          - id: CKV_AWS_21\n            comment: archive is write-once\n    Properties:\n      BucketName: acme-archive\n",
    );
    let report = scan(dir.path(), &ScanOptions::default());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    if let Some(id) = privileged {
        let f = of(&report, &id);
        assert!(!f.is_empty(), "privileged container reported");
        for x in f {
            let s = x.suppression.as_ref().expect("skipped by annotation");
            assert_eq!(s.reason.as_deref(), Some("needs raw devices"));
        }
    }
    let v = of(&report, "AG-AWS-S3-002");
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].resource.as_deref(), Some("AWS::S3::Bucket.Archive"));
    let s = v[0].suppression.as_ref().expect("skipped by Metadata");
    assert_eq!(s.reason.as_deref(), Some("archive is write-once"));
    // Not skipped: encryption (a different rule).
    assert!(of(&report, "AG-AWS-S3-001")
        .iter()
        .all(|f| !f.is_suppressed()));
}

#[test]
fn bad_input_is_reported_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "good/main.tf",
        "resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"a\"\n}\n",
    );
    write(
        dir.path(),
        "bad/main.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \n",
    );
    write(
        dir.path(),
        "k8s/broken.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: [unclosed\n",
    );
    let report = scan(
        dir.path(),
        &ScanOptions {
            threads: Some(2),
            ..ScanOptions::default()
        },
    );
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.file.ends_with("bad/main.tf") && e.line > 0),
        "{:?}",
        report.errors
    );
    assert!(
        !of(&report, "AG-AWS-S3-001").is_empty(),
        "the good file is still scanned"
    );
    assert_eq!(
        report.exit_code(archgate_core::Severity::Critical, false),
        2,
        "a partial scan never looks clean"
    );
}

#[test]
fn external_policy_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "bad.yaml",
        "metadata:\n  id: CKV2_X_1\n  name: x\ndefinition:\n  cond_type: attribute\n  resource_types: [aws_s3_bucket]\n  attribute: acl\n  operator: equalz\n  value: private\n",
    );
    let (rules, errors) = archgate_rules::external::load_dir(dir.path());
    assert!(rules.is_empty());
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 8);
    assert!(errors[0].message.contains("unknown operator `equalz`"));
    let (rules, errors) = archgate_rules::external::load_dir(&policies());
    assert!(errors.is_empty(), "{errors:?}");
    let mut ids: Vec<&str> = rules.iter().map(|r| r.meta.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, vec!["CKV2_ACME_1", "CKV2_ACME_2", "CKV2_ACME_3"]);
}

#[test]
fn findings_inside_local_modules_name_the_call_and_honour_its_skips() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        "module \"store\" {\n  source = \"./modules/store\"\n  name   = \"acme-store\"\n}\n\n# checkov:skip=CKV_AWS_21:the archive module is versioned by replication\nmodule \"archive\" {\n  source = \"./modules/store\"\n  name   = \"acme-archive\"\n}\n",
    );
    write(
        dir.path(),
        "modules/store/main.tf",
        "variable \"name\" {}\n\nresource \"aws_s3_bucket\" \"this\" {\n  bucket = var.name\n}\n",
    );
    let report = scan(dir.path(), &ScanOptions::default());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let v = of(&report, "AG-AWS-S3-002");
    let by_addr = |a: &str| v.iter().find(|f| f.resource.as_deref() == Some(a)).copied();
    let store = by_addr("module.store.aws_s3_bucket.this").expect("finding inside the module");
    let loc = store.location.as_ref().unwrap();
    assert_eq!(
        (loc.file.as_str(), loc.span.line),
        ("modules/store/main.tf", 3)
    );
    assert_eq!(
        store
            .related
            .first()
            .map(|l| (l.file.as_str(), l.span.line)),
        Some(("main.tf", 1))
    );
    assert!(store.suppression.is_none());
    let archive = by_addr("module.archive.aws_s3_bucket.this").expect("second instance");
    let s = archive
        .suppression
        .as_ref()
        .expect("skipped on the module call");
    assert_eq!(
        s.reason.as_deref(),
        Some("the archive module is versioned by replication")
    );
    assert_ne!(store.fingerprint, archive.fingerprint);
}
