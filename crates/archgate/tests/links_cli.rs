//! End to end on the example workspace: IaC findings carry their component,
//! owner and tier; shadow infrastructure, pattern gaps and classification
//! requirements are reported where an architect expects them; the model's
//! structural errors (a flow naming nothing, a pattern naming no rule) are
//! located input errors with exit 2.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/acme-payments")
}

fn check(ws: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let out = Command::cargo_bin("archgate")
        .unwrap()
        .env("ARCHGATE_TODAY", "2026-06-01")
        .args(["check", "--format", "json"])
        .args(extra)
        .arg(ws)
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap_or(-1), v)
}

fn findings<'a>(v: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["ruleId"] == rule)
        .collect()
}

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

#[test]
fn iac_findings_carry_component_owner_and_tier() {
    let (code, v) = check(&example(), &[]);
    assert_eq!(code, 1);
    assert!(
        v["errors"].as_array().unwrap().is_empty(),
        "{:#}",
        v["errors"]
    );
    // The ledger database (tagged archgate:component = ledger) is tier 1, owned by team-ledger.
    let db = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "iac" && f["resource"] == "aws_db_instance.ledger")
        .expect("an IaC finding on the ledger database");
    assert_eq!(db["component"], "component:default/ledger");
    assert_eq!(db["owner"], "group:default/team-ledger");
    assert_eq!(db["tier"], 1);
    // Kubernetes objects link through app.kubernetes.io/part-of.
    assert!(v["findings"].as_array().unwrap().iter().any(|f| {
        f["resource"] == "Deployment.payments.payments-api"
            && f["component"] == "component:default/payments-api"
            && f["tier"] == 1
    }));
    // Every IaC finding is linked: the only unlinked IaC is the deliberate shadow bucket.
    let unlinked: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "iac" && f["component"].is_null())
        .collect();
    assert!(
        unlinked.iter().all(|f| f["resource"]
            .as_str()
            .unwrap()
            .contains("migration_exports")),
        "{unlinked:#?}"
    );
}

#[test]
fn shadow_infrastructure_and_pattern_gaps_on_the_example() {
    let (_, v) = check(&example(), &[]);
    let shadow: Vec<&str> = findings(&v, "AG-ARCH-001")
        .iter()
        .map(|f| f["resource"].as_str().unwrap())
        .collect();
    // The hand-made migration bucket and its encryption configuration.
    assert_eq!(
        shadow,
        [
            "aws_s3_bucket.migration_exports",
            "aws_s3_bucket_server_side_encryption_configuration.migration_exports"
        ]
    );
    // The tier-1 ledger keeps 7 days of backups; its pattern requires 35.
    let backup = findings(&v, "AG-ARCH-012");
    assert_eq!(backup.len(), 1);
    assert_eq!(backup[0]["resource"], "aws_db_instance.ledger");
    assert!(backup[0]["message"].as_str().unwrap().contains(">= 35"));
    assert_eq!(
        backup[0]["related"][0]["file"],
        "standards/patterns/stateful-service.yaml"
    );
    // The tier-2 settlement batch declares no runbook or on-call, as its pattern requires.
    let facts: Vec<&str> = findings(&v, "AG-ARCH-010")
        .iter()
        .map(|f| f["resource"].as_str().unwrap())
        .collect();
    assert!(
        facts
            .iter()
            .all(|r| *r == "component:default/settlement-batch"),
        "{facts:?}"
    );
    assert_eq!(facts.len(), 2);
    // Plain-HTTP detokenisation carries PANs: the classification requires encryption.
    assert!(findings(&v, "AG-ARCH-021")
        .iter()
        .any(|f| f["resource"] == "dataflow:default/settlement-detokenise"));
    // Adoption status per pattern is reported.
    let notes: Vec<&str> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["message"].as_str())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("pattern stateful-service: ") && n.contains("gaps: ledger")),
        "{notes:?}"
    );
}

#[test]
fn a_flow_naming_nothing_is_a_located_input_error() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&example(), dir.path());
    let flows = dir.path().join("catalog/flows.yaml");
    let text = std::fs::read_to_string(&flows).unwrap();
    std::fs::write(
        &flows,
        text.replacen(
            "target: component:notifications\n",
            "target: component:notificationz\n",
            1,
        ),
    )
    .unwrap();
    let (code, v) = check(dir.path(), &["--soft-fail"]);
    assert_eq!(code, 2);
    let e = &v["errors"][0];
    assert_eq!(e["file"], "catalog/flows.yaml");
    assert!(e["line"].as_u64().unwrap() > 1 && e["column"].as_u64().unwrap() > 1);
    assert!(
        e["message"].as_str().unwrap().contains("notificationz"),
        "{e}"
    );
}

#[test]
fn a_pattern_naming_an_unknown_rule_is_a_located_input_error() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&example(), dir.path());
    let p = dir.path().join("standards/patterns/batch.yaml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text.replacen("CKV_AWS_63", "CKV_AWS_99999", 1)).unwrap();
    let (code, v) = check(dir.path(), &["--soft-fail"]);
    assert_eq!(code, 2);
    let e = &v["errors"][0];
    assert_eq!(e["file"], "standards/patterns/batch.yaml");
    assert!(
        e["message"].as_str().unwrap().contains("CKV_AWS_99999"),
        "{e}"
    );
    assert!(e["line"].as_u64().unwrap() > 1);
}

#[test]
fn policyreport_format_names_kubernetes_objects_and_components() {
    let out = Command::cargo_bin("archgate")
        .unwrap()
        .env("ARCHGATE_TODAY", "2026-06-01")
        .args(["check", "--format", "policyreport"])
        .arg(example())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["apiVersion"], "wgpolicyk8s.io/v1alpha2");
    assert_eq!(v["kind"], "ClusterPolicyReport");
    let results = v["results"].as_array().unwrap();
    assert!(v["summary"]["fail"].as_u64().unwrap() > 0);
    assert!(v["summary"]["skip"].as_u64().unwrap() > 0);
    let deployment = results
        .iter()
        .find(|r| {
            r["resources"][0]["name"] == "payments-api" && r["resources"][0]["kind"] == "Deployment"
        })
        .expect("a result on the payments Deployment");
    assert_eq!(deployment["resources"][0]["namespace"], "payments");
    assert_eq!(
        deployment["properties"]["component"],
        "component:default/payments-api"
    );
    assert_eq!(deployment["properties"]["tier"], "1");
}
