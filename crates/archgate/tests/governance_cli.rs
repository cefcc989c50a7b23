//! End-to-end tests of the governance commands (`archgate exception …`,
//! `archgate adr …`) and of governance inside `archgate check`, on the
//! shipped example workspace and on broken copies of it. "Today" is pinned
//! with `ARCHGATE_TODAY` so the example's dates give the same result every year.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

const TODAY: &str = "2026-11-25";

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/acme-payments")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = Command::cargo_bin("archgate")
        .expect("binary built")
        .env("NO_COLOR", "1")
        .env("ARCHGATE_TODAY", TODAY)
        .args(args)
        .output()
        .expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
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

fn workspace_copy() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    copy_tree(&example(), d.path());
    d
}

fn json_check(root: &Path) -> serde_json::Value {
    let r = run(&["check", root.to_str().unwrap(), "-o", "json"]);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stderr))
}

/// (rule, file, line) of a finding.
type Located = (String, String, u64);
/// (rule, exception name) of a finding an exception waives.
type Waived = (String, String);

/// The governance findings, and the findings exceptions waive.
fn governance(v: &serde_json::Value) -> (Vec<Located>, Vec<Waived>) {
    let mut gov = Vec::new();
    let mut waived = Vec::new();
    for f in v["findings"].as_array().unwrap() {
        let id = f["ruleId"].as_str().unwrap().to_string();
        let file = f["location"]["file"].as_str().unwrap_or("").to_string();
        let line = f["location"]["span"]["line"]
            .as_u64()
            .or_else(|| f["location"]["line"].as_u64())
            .unwrap_or(0);
        if id.starts_with("AG-GOV-") {
            gov.push((id.clone(), file, line));
        }
        if f["suppression"]["kind"] == "exception" {
            waived.push((id, f["suppression"]["source"].as_str().unwrap().to_string()));
        }
    }
    (gov, waived)
}

#[test]
fn check_reports_expired_and_self_approved_exceptions_and_waives_with_the_valid_one() {
    let v = json_check(&example());
    let (gov, waived) = governance(&v);
    let has = |rule: &str, file: &str, line: u64| {
        gov.iter()
            .any(|(r, f, l)| r == rule && f == file && *l == line)
    };
    assert!(
        has(
            "AG-GOV-EXC-001",
            "exceptions/statements-bucket-versioning.yaml",
            26
        ),
        "{gov:#?}"
    );
    assert!(
        has("AG-GOV-EXC-004", "exceptions/bastion-ssh-open.yaml", 24),
        "{gov:#?}"
    );
    assert_eq!(
        waived,
        vec![(
            "AG-AWS-RDS-004".to_string(),
            "ledger-db-single-az".to_string()
        )],
        "only the valid exception waives"
    );
    // The expired exception's rule (CKV_AWS_21, versioning) counts again.
    let versioning_open = v["findings"].as_array().unwrap().iter().any(|f| {
        f["aliases"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == "CKV_AWS_21"))
            && f["suppression"].is_null()
    });
    assert!(versioning_open);
    // ADR 0006 proposed since 2025-09-15; standards on EKS 1.28, PostgreSQL 13, node:20.
    assert!(has(
        "AG-GOV-ADR-006",
        "docs/adr/0006-move-payment-events-to-amazon-msk.md",
        2
    ));
    assert!(
        has("AG-GOV-STD-003", "infra/terraform/eks.tf", 33),
        "{gov:#?}"
    );
    assert!(
        has("AG-GOV-STD-003", "infra/terraform/ledger.tf", 39),
        "{gov:#?}"
    );
    assert!(has(
        "AG-GOV-STD-005",
        "infra/docker/payments-api/Dockerfile",
        9
    ));
    // 0004/0005 are linked both ways: no supersede finding.
    assert!(!gov
        .iter()
        .any(|(r, _, _)| r == "AG-GOV-ADR-004" || r == "AG-GOV-ADR-005"));
}

#[test]
fn exception_list_and_expiring() {
    let ws = example();
    let r = run(&["exception", "list", "-w", ws.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let line = |name: &str| {
        r.stdout
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} in {}", r.stdout))
            .to_string()
    };
    assert!(line("statements-bucket-versioning").contains("expired!"));
    assert!(line("bastion-ssh-open").contains("invalid!"));
    assert!(line("ledger-db-single-az").contains("in force"));
    let r = run(&[
        "exception",
        "expiring",
        "--within",
        "60d",
        "-w",
        ws.to_str().unwrap(),
        "-o",
        "json",
    ]);
    let list: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec!["statements-bucket-versioning", "bastion-ssh-open"]
    );
    let r = run(&[
        "exception",
        "expiring",
        "--within",
        "soon",
        "-w",
        ws.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a duration"), "{}", r.stderr);
}

#[test]
fn exception_new_writes_once_and_the_check_uses_it() {
    let d = workspace_copy();
    let ws = d.path().to_str().unwrap();
    let args = [
        "exception",
        "new",
        "eks-upgrade",
        "-w",
        ws,
        "--rule",
        "AG-GOV-STD-003",
        "--resource",
        "aws_eks_cluster.prod",
        "--justification",
        "Upgrade to 1.33 is scheduled for the January window",
        "--compensating-control",
        "Cluster API endpoint is private",
        "--requester",
        "user:d.kowalski",
        "--approver",
        "user:t.nakamura",
        "--expires",
        "60d",
        "--ticket",
        "PLAT-88",
    ];
    let r = run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let path = d.path().join("exceptions/eks-upgrade.yaml");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("expires: 2027-01-24"), "{written}");
    let r = run(&args);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), written);
    let (_, waived) = governance(&json_check(d.path()));
    assert!(
        waived.contains(&("AG-GOV-STD-003".into(), "eks-upgrade".into())),
        "{waived:?}"
    );
}

#[test]
fn adr_new_supersede_and_lint() {
    let d = workspace_copy();
    let ws = d.path().to_str().unwrap();
    let r = run(&[
        "adr",
        "new",
        "Fan",
        "out",
        "payment",
        "events",
        "with",
        "SNS",
        "-s",
        "6",
        "-w",
        ws,
        "--deciders",
        "a.moreau",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let new = d
        .path()
        .join("docs/adr/0007-fan-out-payment-events-with-sns.md");
    let text = std::fs::read_to_string(&new).unwrap();
    assert!(text.contains("Supersedes [Move payment events from SQS to Amazon MSK](0006-move-payment-events-to-amazon-msk.md)"), "{text}");
    let old = std::fs::read_to_string(
        d.path()
            .join("docs/adr/0006-move-payment-events-to-amazon-msk.md"),
    )
    .unwrap();
    assert!(
        old.starts_with("---\nstatus: \"superseded by ADR-0007\"\n"),
        "{old}"
    );
    let r = run(&["adr", "lint", "-w", ws, "-o", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{}", r.stdout);
    let r = run(&["adr", "list", "-w", ws]);
    assert!(
        r.stdout.contains("ADR-0006               superseded"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("ADR-0007               proposed"),
        "{}",
        r.stdout
    );
}

#[test]
fn broken_governance_files_are_located_input_errors() {
    let d = workspace_copy();
    let adr2 = d
        .path()
        .join("docs/adr/0002-tokenise-pan-in-a-dedicated-card-vault.md");
    let t = std::fs::read_to_string(&adr2).unwrap();
    std::fs::write(&adr2, t.replace("status: accepted", "status: approved")).unwrap();
    std::fs::copy(
        d.path()
            .join("docs/adr/0003-use-postgresql-on-rds-for-the-ledger.md"),
        d.path().join("docs/adr/0003-copy.md"),
    )
    .unwrap();
    let x = d.path().join("exceptions/ledger-db-single-az.yaml");
    let t = std::fs::read_to_string(&x).unwrap();
    std::fs::write(&x, t.replace("expires: 2027-06-30", "expires: mid-2027")).unwrap();
    let r = run(&["adr", "lint", "-w", d.path().to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stdout.contains("docs/adr/0002-tokenise-pan-in-a-dedicated-card-vault.md:2:9: unknown decision status `approved`"), "{}", r.stdout);
    assert!(r.stdout.contains("docs/adr/0003-use-postgresql-on-rds-for-the-ledger.md:1:1: ADR number 0003 is also used by docs/adr/0003-copy.md"), "{}", r.stdout);
    let r = run(&["exception", "list", "-w", d.path().to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("exceptions/ledger-db-single-az.yaml:28:12: `mid-2027` is not a valid date for `spec.expires`; expected a date YYYY-MM-DD"), "{}", r.stderr);
    let v = json_check(d.path());
    assert_eq!(v["errors"].as_array().unwrap().len(), 3, "{}", v["errors"]);
}

#[test]
fn export_backlog_groups_open_findings_with_stable_keys() {
    let ws = example();
    let r = run(&[
        "export",
        ws.to_str().unwrap(),
        "--to",
        "github-issues",
        "--min-severity",
        "high",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let issues: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let issues = issues.as_array().unwrap();
    assert!(!issues.is_empty());
    // The waived Multi-AZ finding of the ledger is not in the backlog.
    assert!(!issues
        .iter()
        .any(|i| i["title"].as_str().unwrap().contains("AG-AWS-RDS-004")));
    // Re-exporting gives the same keys.
    let again = run(&[
        "export",
        ws.to_str().unwrap(),
        "--to",
        "github-issues",
        "--min-severity",
        "high",
    ]);
    assert_eq!(again.stdout, r.stdout);
    let r = run(&["export", ws.to_str().unwrap(), "--to", "jira-csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r
        .stdout
        .starts_with("Summary,Description,Priority,Due Date,Assignee,Labels,Labels,Component\n"));
    let r = run(&["export", ws.to_str().unwrap(), "--to", "trello"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("expected jira-csv or github-issues"),
        "{}",
        r.stderr
    );
}

#[test]
fn evidence_pack_is_written_and_reproducible() {
    let out = tempfile::tempdir().unwrap();
    let (a, b) = (out.path().join("a"), out.path().join("b"));
    let ws = example();
    for dir in [&a, &b] {
        let r = Command::cargo_bin("archgate")
            .unwrap()
            .env("ARCHGATE_TODAY", TODAY)
            .env("SOURCE_DATE_EPOCH", "1764064800")
            .args([
                "evidence",
                ws.to_str().unwrap(),
                "--framework",
                "pci-dss",
                "--out",
                dir.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert_eq!(
            r.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&r.stderr)
        );
    }
    for f in [
        "index.md",
        "index.html",
        "findings.json",
        "oscal-assessment-results.json",
        "manifest.sha256",
    ] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    let md = std::fs::read_to_string(a.join("index.md")).unwrap();
    assert!(md.starts_with("# Evidence: PCI DSS v4.0\n"), "{md}");
    assert!(md.contains("- Generated: 2025-11-25T10:00:00Z"));
    // Governance findings are evidence too: end of life maps to PCI DSS 12.3.4.
    assert!(md.contains("AG-GOV-STD-003"), "{md}");
    assert!(md.contains("| not met |"), "{md}");
    let r = run(&[
        "evidence",
        ws.to_str().unwrap(),
        "--framework",
        "hipaa",
        "--out",
        a.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown framework `hipaa`"),
        "{}",
        r.stderr
    );
}

#[test]
fn scorecard_levels_per_component() {
    let ws = example();
    let r = run(&["scorecard", "-w", ws.to_str().unwrap()]);
    assert_eq!(r.code, 1, "tier-1 components below gold fail: {}", r.stdout);
    let line = |c: &str| {
        r.stdout
            .lines()
            .find(|l| l.starts_with(c))
            .unwrap_or_else(|| panic!("{c} in {}", r.stdout))
            .to_string()
    };
    // settlement-batch (tier 2) has neither runbook nor on-call.
    let sb = line("component:default/settlement-batch");
    assert!(
        sb.contains("silver    none!") && sb.contains("on-call, runbook"),
        "{sb}"
    );
    // notifications' owner group does not exist.
    assert!(
        line("component:default/notifications").contains("owner"),
        "{}",
        r.stdout
    );
    let r = run(&[
        "scorecard",
        "ledger",
        "-w",
        ws.to_str().unwrap(),
        "-o",
        "json",
    ]);
    let cards: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(cards.as_array().unwrap().len(), 1);
    assert_eq!(cards[0]["component"], "component:default/ledger");
    assert_eq!(cards[0]["required"], "gold");
    let r = run(&["scorecard", "nope", "-w", ws.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no component `nope`"), "{}", r.stderr);
}

#[test]
fn kpis_with_targets() {
    let ws = example();
    let r = run(&[
        "kpi",
        "-w",
        ws.to_str().unwrap(),
        "-o",
        "json",
        "--target",
        "readiness=0.5",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let kpis: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let get = |id: &str| {
        kpis.as_array()
            .unwrap()
            .iter()
            .find(|k| k["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
            .clone()
    };
    // One of the three exceptions has expired.
    let expired = get("exceptions-expired-share");
    assert!((expired["value"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9);
    assert_eq!(expired["met"], false);
    assert_eq!(get("exceptions-in-force")["value"], 1.0);
    assert_eq!(get("stale-proposals")["value"], 1.0);
    assert_eq!(get("readiness")["target"], 0.5);
    let r = run(&["kpi", "-w", ws.to_str().unwrap(), "--target", "happiness=1"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown KPI `happiness`"), "{}", r.stderr);
}
