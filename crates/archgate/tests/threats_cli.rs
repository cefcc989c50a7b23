//! End-to-end tests of `archgate threats` on the shipped example and on
//! small workspaces: the threats an architect expects, mitigations from the
//! model and the IaC, acceptance by exception (rule id or Threagile
//! category), the Markdown report, formats and exit codes.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/acme-payments")
}

fn archgate() -> Command {
    let mut c = Command::cargo_bin("archgate").expect("binary built");
    c.env("NO_COLOR", "1").env("ARCHGATE_TODAY", "2026-11-25");
    c
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = archgate().args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(args: &[&str]) -> (i32, serde_json::Value) {
    let (code, out, err) = run(args);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}{err}"));
    (code, v)
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

/// `(rule, resource name, suppression kind)` of every finding.
fn threats_of(v: &serde_json::Value) -> Vec<(String, String, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["ruleId"].as_str().unwrap().to_string(),
                f["resource"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                f["suppression"]["kind"]
                    .as_str()
                    .unwrap_or("open")
                    .to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn has(
    list: &[(String, String, String, String)],
    rule: &str,
    res: &str,
    status: &str,
    sev: &str,
) -> bool {
    list.iter()
        .any(|(r, n, s, v)| r == rule && n == res && s == status && v == sev)
}

#[test]
fn example_threats_are_the_ones_an_architect_expects() {
    let dir = example();
    let (code, v) = json(&["threats", dir.to_str().unwrap(), "-o", "json"]);
    assert_eq!(code, 1, "open high threats fail the run");
    assert_eq!(v["command"], "threats");
    let list = threats_of(&v);
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["kind"] == "threat"));
    let rules: std::collections::BTreeSet<&str> = list.iter().map(|t| t.0.as_str()).collect();
    assert!(rules.len() >= 25, "{rules:?}");
    // The merchant portal on its own ALB: no WAF, straight from the internet, with a static credential.
    assert!(
        has(&list, "AG-T01", "merchant-to-portal", "open", "high"),
        "{list:?}"
    );
    assert!(has(&list, "AG-E01", "merchant-to-portal", "open", "high"));
    assert!(has(&list, "AG-S06", "merchant-to-portal", "open", "high"));
    // The same threats on the card flows are mitigated by the edge WAF.
    assert!(has(
        &list,
        "AG-T01",
        "cardholder-checkout",
        "mitigated",
        "high"
    ));
    assert!(has(
        &list,
        "AG-E01",
        "merchant-payments",
        "mitigated",
        "high"
    ));
    // PAN in clear text across app-zone → CDE, and PANs held above the app zone's ceiling.
    assert!(has(
        &list,
        "AG-I01",
        "settlement-detokenise",
        "open",
        "high"
    ));
    assert!(has(&list, "AG-I08", "settlement-batch", "open", "high"));
    // The single-AZ ledger database is a single point of failure for tier 1.
    assert!(has(&list, "AG-D02", "ledger-db", "open", "high"));
    // The shared cluster mixes the CDE with the DMZ and the back office.
    assert!(has(&list, "AG-E04", "eks-prod-euw1", "open", "high"));
    // Linked IaC mitigates: the ledger's KMS key, the payments API's log group.
    assert!(has(&list, "AG-I02", "ledger-db", "mitigated", "medium"));
    assert!(has(&list, "AG-R01", "payments-api", "mitigated", "high"));
    let r01 = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["ruleId"] == "AG-R01" && f["resource"] == "component:default/payments-api")
        .unwrap();
    assert!(r01["suppression"]["reason"]
        .as_str()
        .unwrap()
        .contains("aws_cloudwatch_log_group.payments_api"));
    assert_eq!(r01["suppression"]["source"], "infra/terraform/logging.tf:5");
    // Flow threats point at the flow in the catalog and name the component at risk.
    let waf = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["ruleId"] == "AG-T01" && f["resource"] == "dataflow:default/merchant-to-portal")
        .unwrap();
    assert_eq!(waf["location"]["file"], "catalog/flows.yaml");
    assert_eq!(waf["component"], "component:default/merchant-portal");
    assert_eq!(waf["aliases"][0], "missing-waf");
}

#[test]
fn markdown_report_for_the_review_board() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("threat-model.md");
    let (code, _, err) = run(&[
        "threats",
        example().to_str().unwrap(),
        "--report",
        out.to_str().unwrap(),
        "-o",
        "sarif",
    ]);
    assert_eq!(code, 1, "{err}");
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.starts_with("# Threat model: acme-payments"), "{md}");
    for section in [
        "## Summary",
        "### Systems",
        "### Components by tier",
        "### Data by classification",
        "### Trust boundaries",
        "## Open threats",
        "### Spoofing",
        "### Repudiation",
        "### Elevation of privilege",
        "## Accepted risks",
    ] {
        assert!(md.contains(section), "{section}");
    }
    assert!(md.contains("| restricted | `cardholder-data` (pci-pan, pii)"));
    // Open items come first; mitigated ones show what mitigates them.
    let open = md.find("## Open threats").unwrap();
    assert!(
        md[open..].find("merchant-to-portal").unwrap()
            < md[open..].find("## Threats by STRIDE").unwrap()
    );
    assert!(md.contains(
        "aws_kms_key.ledger linked to component:default/ledger (infra/terraform/ledger.tf:12)"
    ));
}

#[test]
fn exceptions_accept_threats_by_rule_id_or_threagile_category() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&example(), tmp.path());
    std::fs::write(
        tmp.path().join("exceptions/portal-waf.yaml"),
        "apiVersion: archgate.dev/v1alpha1
kind: Exception
metadata:
  name: portal-waf
spec:
  threats: [missing-waf]
  scope:
    component: merchant-portal
  justification: The portal moves behind the edge WAF with the Q1 release (PAY-2291).
  compensatingControls:
    - Per-merchant rate limit on the ALB listener.
  riskOwner: user:t.nakamura
  requester: user:d.kowalski
  approver: user:h.brennan
  created: 2026-11-01
  expires: 2027-03-31
  ticket: PAY-2291
---
apiVersion: archgate.dev/v1alpha1
kind: Exception
metadata:
  name: sms-provider-dpa
spec:
  threats: [AG-I09]
  justification: The messaging provider processes in the EU under a signed DPA.
  compensatingControls:
    - Annual third-party risk assessment (SEC-88).
  riskOwner: user:t.nakamura
  requester: user:d.kowalski
  approver: user:h.brennan
  created: 2026-11-01
  expires: 2027-10-31
  ticket: SEC-88
",
    )
    .unwrap();
    let report = tmp.path().join("tm.md");
    let (_, v) = json(&[
        "threats",
        tmp.path().to_str().unwrap(),
        "-o",
        "json",
        "--report",
        report.to_str().unwrap(),
    ]);
    let list = threats_of(&v);
    // By Threagile category, within the exception's component scope only.
    assert!(
        has(&list, "AG-T01", "merchant-to-portal", "exception", "high"),
        "{list:?}"
    );
    assert!(has(
        &list,
        "AG-T01",
        "agent-to-admin-portal",
        "open",
        "medium"
    ));
    // By rule id.
    assert!(has(
        &list,
        "AG-I09",
        "notifications-send",
        "exception",
        "high"
    ));
    let md = std::fs::read_to_string(&report).unwrap();
    let accepted = &md[md.find("## Accepted risks").unwrap()..];
    assert!(
        accepted.contains(
            "| AG-T01 | high | `merchant-to-portal` | portal-waf | user:h.brennan | 2027-03-31 |"
        ),
        "{accepted}"
    );
    assert!(accepted.contains("sms-provider-dpa"));
    assert!(md.contains("accepted (portal-waf, until 2027-03-31)"));
}

#[test]
fn exit_codes_follow_fail_on() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("catalog")).unwrap();
    std::fs::write(
        tmp.path().join("catalog/model.yaml"),
        "apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: portal
spec:
  type: website
  lifecycle: production
  owner: group:web
  archgate:
    tier: 3
",
    )
    .unwrap();
    let ws = tmp.path().to_str().unwrap();
    // XSS and CSRF-class threats on a tier-3 website are medium: clean at high, failing at medium.
    assert_eq!(run(&["threats", ws]).0, 0);
    let (code, out, _) = run(&["threats", ws, "--fail-on", "medium"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("AG-T05"), "{out}");
    // Other formats render the same findings.
    let (_, junit, _) = run(&["threats", ws, "-o", "junit"]);
    assert!(junit.contains("AG-T05"));
    // Not a directory: usage error.
    assert_eq!(run(&["threats", "/nonexistent/ws"]).0, 2);
}
