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
    let d = loadable_copy();
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
    let ws_dir = loadable_copy();
    let ws = ws_dir.path().to_path_buf();
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
    let ws_dir = loadable_copy();
    let ws = ws_dir.path().to_path_buf();
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
    let ws_dir = loadable_copy();
    let ws = ws_dir.path().to_path_buf();
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
    let ws_dir = loadable_copy();
    let ws = ws_dir.path().to_path_buf();
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

/// A copy of the example that loads under the current model checks: its
/// flows.yaml names `component:notification`, which the model now rejects
/// as an input error; the copy names the existing `notifications`.
fn loadable_copy() -> tempfile::TempDir {
    let d = workspace_copy();
    let flows = d.path().join("catalog/flows.yaml");
    let text = std::fs::read_to_string(&flows).unwrap();
    std::fs::write(
        &flows,
        text.replace(
            "target: component:notification\n",
            "target: component:notifications\n",
        ),
    )
    .unwrap();
    d
}

fn append(path: &Path, text: &str) {
    let mut s = std::fs::read_to_string(path).unwrap();
    s.push_str(text);
    std::fs::write(path, s).unwrap();
}

fn kpi_json(args: &[&str]) -> serde_json::Value {
    let r = run(args);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

fn kpi_of<'a>(kpis: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    kpis.as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .unwrap_or_else(|| panic!("{id} in {kpis}"))
}

#[test]
fn kpi_targets_tag_coverage_and_scorecard_levels_from_settings() {
    let ws = loadable_copy();
    let root = ws.path().to_str().unwrap();
    append(
        &ws.path().join("archgate.yaml"),
        "kpis:\n  readiness: 0.4\n  exceptions-in-force: {target: 0, direction: at-most}\n  tag-coverage: {target: 1}\nscorecard:\n  tiers: {2: bronze}\n",
    );
    let kpis = kpi_json(&["kpi", "-w", root, "-o", "json"]);
    let readiness = kpi_of(&kpis, "readiness");
    assert_eq!(readiness["target"], 0.4);
    let in_force = kpi_of(&kpis, "exceptions-in-force");
    assert_eq!(
        (&in_force["value"], &in_force["target"], &in_force["met"]),
        (
            &serde_json::json!(1.0),
            &serde_json::json!(0.0),
            &serde_json::json!(false)
        )
    );
    // Tags are counted in the scan: value = compliant / judged, as the basis says.
    let tags = kpi_of(&kpis, "tag-coverage");
    let basis = tags["basis"].as_str().unwrap();
    let (compliant, judged) = {
        let mut words = basis.split_whitespace();
        let c: f64 = words.next().unwrap().parse().unwrap();
        let j: f64 = words.nth(1).unwrap().parse().unwrap();
        (c, j)
    };
    assert!(basis.contains("taggable resources"), "{basis}");
    assert!(judged > 0.0, "{basis}");
    assert!((tags["value"].as_f64().unwrap() - compliant / judged).abs() < 1e-9);
    assert_eq!(tags["target"], 1.0);
    assert_eq!(tags["met"], serde_json::json!(compliant == judged));
    // The copy is not in a git repository: no cycle time, and it says why.
    let cycle = kpi_of(&kpis, "decision-cycle-days");
    assert!(cycle["value"].is_null());
    assert!(
        cycle["basis"]
            .as_str()
            .unwrap()
            .contains("is not in a git repository"),
        "{cycle}"
    );
    assert_eq!(cycle["direction"], "at-most");
    assert_eq!(cycle["unit"], "days");
    // Pattern adoption comes from the pattern evaluation of the same run.
    let adoption = kpi_of(&kpis, "pattern-adoption");
    assert!(
        adoption["basis"]
            .as_str()
            .unwrap()
            .ends_with("components with a reference pattern"),
        "{adoption}"
    );

    // settlement-batch (tier 2) lacks on-call and runbook: below bronze,
    // which is now all tier 2 requires, so still short of it.
    let r = run(&["scorecard", "settlement-batch", "-w", root, "-o", "json"]);
    let cards: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(cards[0]["required"], "bronze", "{}", r.stdout);
    assert_eq!(cards[0]["achieved"], "none");
}

#[test]
fn bad_kpi_and_scorecard_settings_are_located_input_errors() {
    let ws = loadable_copy();
    let root = ws.path().to_str().unwrap();
    let settings = ws.path().join("archgate.yaml");
    let original = std::fs::read_to_string(&settings).unwrap();
    let lines = original.lines().count();
    let case = |extra: &str, cmd: &[&str], want: &str, line: usize, col: usize| {
        std::fs::write(&settings, format!("{original}{extra}")).unwrap();
        let mut args = cmd.to_vec();
        args.extend(["-w", root]);
        let r = run(&args);
        assert_eq!(r.code, 2, "{cmd:?} {extra}: {}\n{}", r.stdout, r.stderr);
        let at = format!("archgate.yaml:{}:{col}:", lines + line);
        assert!(
            r.stderr.contains(&at) && r.stderr.contains(want),
            "{cmd:?} {extra}: want `{at} … {want}` in {}",
            r.stderr
        );
    };
    case(
        "kpis:\n  happiness: 1\n",
        &["kpi"],
        "unknown KPI `kpis.happiness`",
        2,
        3,
    );
    case(
        "kpis:\n  readiness: {target: high}\n",
        &["kpi"],
        "expected a number",
        2,
        23,
    );
    case(
        "scorecard:\n  levels:\n    gold: [owner, pager]\n",
        &["scorecard"],
        "unknown readiness check `pager`",
        3,
        19,
    );
    case(
        "scorecard:\n  tiers: {9: gold}\n",
        &["scorecard"],
        "a tier 1, 2, 3 or 4",
        2,
        11,
    );
    // `check` reports them too, as input errors of the run (never exit 0;
    // 1 here because the example also has failing findings).
    std::fs::write(&settings, format!("{original}kpis:\n  happiness: 1\n")).unwrap();
    let r = run(&["check", root]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("1 input error"), "{}", r.stdout);
    assert!(
        format!("{}{}", r.stdout, r.stderr).contains("unknown KPI `kpis.happiness`"),
        "{}{}",
        r.stdout,
        r.stderr
    );
}

#[test]
fn catalog_citations_of_missing_or_superseded_decisions_are_findings() {
    let ws = loadable_copy();
    let file = ws.path().join("catalog/payments.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    // ADR-0004 is superseded by ADR-0005; ADR-0042 does not exist.
    let cited = text.replacen(
        "  name: ledger\n",
        "  name: ledger\n  annotations:\n    archgate.dev/adr: \"0003, ADR-0004, 0042\"\n",
        1,
    );
    assert_ne!(cited, text);
    std::fs::write(&file, &cited).unwrap();
    let line = cited
        .lines()
        .position(|l| l.contains("archgate.dev/adr"))
        .unwrap() as u64
        + 1;
    let v = json_check(ws.path());
    let (gov, _) = governance(&v);
    let hits: Vec<&Located> = gov.iter().filter(|g| g.0 == "AG-GOV-ADR-008").collect();
    assert_eq!(
        hits,
        vec![
            &(
                "AG-GOV-ADR-008".to_string(),
                "catalog/payments.yaml".to_string(),
                line
            );
            2
        ],
        "{gov:?}"
    );
    let messages: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["ruleId"] == "AG-GOV-ADR-008")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("ADR-0004, which is superseded")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("decision `0042`, which is not in docs/adr")),
        "{messages:?}"
    );
    let r = run(&["explain", "AG-GOV-ADR-008"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("archgate.dev/adr"), "{}", r.stdout);
}

/// Runs git (test set-up only) in `dir` with a fixed date.
fn git(dir: &Path, args: &[&str], date: &str) {
    let stamp = format!("{date}T12:00:00+00:00");
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", &stamp)
        .env("GIT_COMMITTER_DATE", &stamp)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn madr(status: &str, date: &str, title: &str) -> String {
    format!("---\nstatus: {status}\ndate: {date}\n---\n# {title}\n\n## Context and Problem Statement\n\nWhy.\n\n## Decision Outcome\n\nWhat.\n")
}

fn commit(dir: &Path, date: &str) {
    git(dir, &["add", "-A"], date);
    git(dir, &["commit", "-q", "-m", date], date);
}

#[test]
fn kpi_since_reads_the_trend_and_cycle_time_from_git_history() {
    let d = tempfile::tempdir().unwrap();
    let repo = d.path();
    git(repo, &["init", "-q", "-b", "main"], "2025-01-01");
    // The workspace is a subdirectory of the repository.
    let ws = repo.join("governance");
    write(
        &ws,
        "archgate.yaml",
        "version: 1\nname: t\nkpis:\n  decision-cycle-days: 20\n",
    );
    write(
        &ws,
        "docs/adr/0001-a.md",
        &madr("proposed", "2026-05-04", "A"),
    );
    commit(repo, "2026-05-04");
    write(
        &ws,
        "docs/adr/0002-b.md",
        &madr("proposed", "2026-06-01", "B"),
    );
    commit(repo, "2026-06-01");
    write(
        &ws,
        "docs/adr/0001-a.md",
        &madr("accepted", "2026-05-04", "A"),
    );
    commit(repo, "2026-06-15");
    write(
        &ws,
        "docs/adr/0002-b.md",
        &madr("accepted", "2026-06-20", "B"),
    );
    commit(repo, "2026-09-01");
    // Uncommitted: history must not see it, and must leave it alone.
    write(
        &ws,
        "docs/adr/0003-c.md",
        &madr("accepted", "2026-11-01", "C"),
    );
    let status_before = std::process::Command::new("git")
        .current_dir(repo)
        .args(["status", "--porcelain"])
        .output()
        .unwrap()
        .stdout;
    let root = ws.to_str().unwrap();

    let v = kpi_json(&["kpi", "-w", root, "--since", "2026-05-01", "-o", "json"]);
    let h = &v["history"];
    assert_eq!(h["since"], "2026-05-01");
    assert_eq!(h["commits"], 4);
    let decisions: Vec<(String, String, String, i64)> = h["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["id"].as_str().unwrap().to_string(),
                x["proposed"].as_str().unwrap().to_string(),
                x["accepted"].as_str().unwrap().to_string(),
                x["days"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        decisions,
        vec![
            (
                "ADR-0001".into(),
                "2026-05-04".into(),
                "2026-06-15".into(),
                42
            ),
            (
                "ADR-0002".into(),
                "2026-06-01".into(),
                "2026-06-20".into(),
                19
            ),
        ]
    );
    // Median of 42 and 19 against the target from archgate.yaml.
    let cycle = kpi_of(&v["kpis"], "decision-cycle-days");
    assert_eq!(
        (&cycle["value"], &cycle["target"], &cycle["met"]),
        (
            &serde_json::json!(30.5),
            &serde_json::json!(20.0),
            &serde_json::json!(false)
        )
    );
    // Monthly points from 2026-05-01 to today, from the first day a commit
    // is in effect; the last one is HEAD's committed state (two decisions),
    // not the working tree's three.
    let points = h["points"].as_array().unwrap();
    let dates: Vec<&str> = points.iter().map(|p| p["date"].as_str().unwrap()).collect();
    assert_eq!(
        dates,
        vec![
            "2026-06-01",
            "2026-07-01",
            "2026-08-01",
            "2026-09-01",
            "2026-10-01",
            "2026-11-01",
            "2026-11-25"
        ]
    );
    let stale_basis = |p: &serde_json::Value| {
        p["kpis"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["id"] == "stale-proposals")
            .unwrap()["basis"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        stale_basis(&points[0]),
        "0 of 2 open proposals, 2 decisions"
    );
    assert_eq!(
        stale_basis(&points[6]),
        "0 of 0 open proposals, 2 decisions"
    );
    let after = std::process::Command::new("git")
        .current_dir(repo)
        .args(["status", "--porcelain"])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(status_before, after, "the working tree is untouched");

    // Text: the KPI table, then the trend and the decisions.
    let r = run(&["kpi", "-w", root, "--since", "1y"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("Trend since 2025-11-25: 4 commits read"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("ADR-0001   proposed 2026-05-04  accepted 2026-06-15    42 days"),
        "{}",
        r.stdout
    );
    // From a commit (hex prefix): only what was accepted after it.
    let log = std::process::Command::new("git")
        .current_dir(repo)
        .args(["log", "--format=%H", "--reverse"])
        .output()
        .unwrap()
        .stdout;
    let log = String::from_utf8(log).unwrap();
    let third = log.lines().nth(2).unwrap();
    let v = kpi_json(&["kpi", "-w", root, "--since", &third[..10], "-o", "json"]);
    assert_eq!(v["history"]["sinceCommit"], &third[..12]);
    let ids: Vec<&str> = v["history"]["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["ADR-0002"]);
    // Without --since, cycle time covers the last year of history.
    let v = kpi_json(&["kpi", "-w", root, "-o", "json"]);
    assert_eq!(kpi_of(&v, "decision-cycle-days")["value"], 30.5);

    // Bad --since values and a workspace outside git: exit 2, clear message.
    for (since, want) in [
        (
            "last-tuesday",
            "not a date (YYYY-MM-DD), a duration (90d, 1y) or a commit",
        ),
        (
            "deadbeef",
            "no such commit on the first-parent history of HEAD",
        ),
    ] {
        let r = run(&["kpi", "-w", root, "--since", since]);
        assert_eq!(r.code, 2, "{since}");
        assert!(r.stderr.contains(want), "{since}: {}", r.stderr);
    }
    let outside = tempfile::tempdir().unwrap();
    let r = run(&[
        "kpi",
        "-w",
        outside.path().to_str().unwrap(),
        "--since",
        "1y",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("is not in a git repository"),
        "{}",
        r.stderr
    );
}
