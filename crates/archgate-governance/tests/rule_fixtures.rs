//! Runs every governance rule on its fixtures
//! (`crates/archgate-rules/rules/governance/<ID>/`) and asserts the exact
//! lines reported, as RULE_FORMAT.md requires; also checks that every rule
//! this crate reports has a data file and back, and that the registry
//! carries the data's title and severity into the findings.
//!
//! How each family reads its fixtures (all "as of" [`TODAY`]):
//! - `AG-GOV-EXC-*`: each fixture is an exceptions file, applied to a report
//!   holding one high finding (`AG-AWS-RDS-*` alias `CKV_AWS_157` on
//!   `aws_db_instance.ledger` in `infra/terraform/ledger.tf`).
//! - `AG-GOV-ADR-*`: the fixture directory is one ADR directory, linted as a
//!   whole; each listed file's lines are compared. The citation rules (007:
//!   standards, 008: catalog entities) read the records in `<ID>/adr/` and
//!   check each listed standard or catalog file against them.
//! - `AG-GOV-STD-*`: `technologies.yaml` in the fixture directory is the
//!   standard; each listed file is parsed as IaC and checked against it.

use archgate_core::yaml::parse_documents;
use archgate_core::{Finding, FindingKind, Location, Report, Severity, Span};
use archgate_governance::rules::RULE_IDS;
use archgate_iac::discover::{discover, load, DiscoverOptions};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

const TODAY: &str = "2026-11-25";

fn today() -> chrono::NaiveDate {
    archgate_model::vocab::parse_date(TODAY).unwrap()
}

fn rules_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../archgate-rules/rules/governance")
}

struct RuleFile {
    id: String,
    fixtures: Vec<(String, Vec<u32>)>,
}

fn read_rules() -> Vec<RuleFile> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(rules_dir())
        .expect("rules/governance exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let doc = &parse_documents(&text).unwrap()[0];
            let s = |k: &str| doc.path(k).and_then(|n| n.as_str()).unwrap_or_default();
            assert_eq!(s("provider"), "governance", "{}", p.display());
            assert_eq!(s("kind"), "governance", "{}", p.display());
            assert_eq!(doc.get("native").and_then(|n| n.as_bool()), Some(true));
            let fixtures = doc
                .get("fixtures")
                .and_then(|n| n.as_map())
                .unwrap_or(&[])
                .iter()
                .map(|(k, v)| {
                    let mut lines: Vec<u32> = v
                        .as_seq()
                        .unwrap_or(&[])
                        .iter()
                        .map(|n| n.as_i64().unwrap() as u32)
                        .collect();
                    lines.sort_unstable();
                    (k.name.clone(), lines)
                })
                .collect();
            RuleFile {
                id: s("id").to_string(),
                fixtures,
            }
        })
        .collect()
}

#[test]
fn every_rule_has_data_and_every_data_file_a_rule() {
    let ids: Vec<String> = read_rules().into_iter().map(|r| r.id).collect();
    let mut expected: Vec<String> = RULE_IDS.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(ids, expected);
}

fn high_finding() -> Finding {
    Finding {
        rule_id: "AG-AWS-RDS-900".into(),
        title: "RDS instance is Multi-AZ".into(),
        severity: Severity::High,
        kind: FindingKind::Iac,
        location: Some(Location {
            file: "infra/terraform/ledger.tf".into(),
            span: Span {
                line: 1,
                col: 1,
                end_line: 1,
                end_col: 1,
                start: 0,
                end: 0,
            },
        }),
        resource: Some("aws_db_instance.ledger".into()),
        component: None,
        message: "not Multi-AZ".into(),
        remediation: None,
        controls: vec![],
        aliases: vec!["CKV_AWS_157".into()],
        fingerprint: "x".into(),
        suppression: None,
        snippet: None,
        related: vec![],
    }
}

/// Findings of every governance rule on the fixtures of `rule`, by file.
fn run(rule: &RuleFile) -> Vec<Finding> {
    let dir = rules_dir().join(&rule.id);
    let mut out = Vec::new();
    if rule.id.starts_with("AG-GOV-EXC-") {
        for (name, _) in &rule.fixtures {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            let (xs, errors) = archgate_governance::exceptions::parse_exceptions(name, &text);
            assert!(errors.is_empty(), "{}/{name}: {errors:?}", rule.id);
            let mut report = Report {
                findings: vec![high_finding()],
                ..Report::default()
            };
            archgate_governance::apply_exceptions(&mut report, &xs, today());
            out.extend(report.findings.into_iter().skip(1));
        }
    } else if rule.id == archgate_governance::rules::ADR_CITATION {
        let (set, errors) =
            archgate_governance::adr::load_adrs(&rules_dir(), &format!("{}/adr", rule.id));
        assert!(errors.is_empty(), "{}: {errors:?}", rule.id);
        for (name, _) in &rule.fixtures {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            let std = archgate_governance::standards::parse_standard(name, &text)
                .unwrap_or_else(|e| panic!("{}/{name}: {}", rule.id, e.render()));
            out.extend(archgate_governance::standards::check_citations(&std, &set));
        }
    } else if rule.id == archgate_governance::rules::ADR_MODEL_CITATION {
        let (set, errors) =
            archgate_governance::adr::load_adrs(&rules_dir(), &format!("{}/adr", rule.id));
        assert!(errors.is_empty(), "{}: {errors:?}", rule.id);
        for (name, _) in &rule.fixtures {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            let loaded = archgate_model::load_texts(&[(name.clone(), text)]);
            assert!(
                loaded.errors.is_empty(),
                "{}/{name}: {:?}",
                rule.id,
                loaded.errors
            );
            out.extend(archgate_governance::adr::check_model_citations(
                &loaded.catalog,
                &set,
            ));
        }
    } else if rule.id.starts_with("AG-GOV-ADR-") {
        let (set, errors) = archgate_governance::adr::load_adrs(&rules_dir(), &rule.id);
        assert!(errors.is_empty(), "{}: {errors:?}", rule.id);
        let prefix = format!("{}/", rule.id);
        for mut f in
            archgate_governance::adr::lint(&set, &rules_dir(), today(), &Default::default())
        {
            if let Some(l) = f.location.as_mut() {
                l.file = l.file.trim_start_matches(&prefix).to_string();
            }
            out.push(f);
        }
    } else if rule.id.starts_with("AG-GOV-STD-") {
        let text = std::fs::read_to_string(dir.join("technologies.yaml")).unwrap();
        let std = archgate_governance::standards::parse_standard("technologies.yaml", &text)
            .unwrap_or_else(|e| panic!("{}: {}", rule.id, e.render()));
        let checker = archgate_governance::standards::Checker::new(std, today());
        let (items, errors) = discover(&dir, &DiscoverOptions::default());
        assert!(errors.is_empty(), "{}: {errors:?}", rule.id);
        for item in &items {
            let unit = load(&dir, item);
            assert!(unit.errors.is_empty(), "{}: {:?}", rule.id, unit.errors);
            out.extend(checker.check_unit(&unit));
        }
    } else {
        panic!("{}: no fixture runner for this rule family", rule.id);
    }
    out
}

#[test]
fn fixtures_report_exactly_the_listed_lines() {
    let mut problems = Vec::new();
    for r in read_rules() {
        if !(r.fixtures.iter().any(|(_, l)| !l.is_empty())
            && r.fixtures.iter().any(|(_, l)| l.is_empty()))
        {
            problems.push(format!("{} needs a failing and a passing fixture", r.id));
        }
        let findings = run(&r);
        let meta = archgate_rules::registry()
            .meta(&r.id)
            .expect("in the registry");
        let mut got: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
        for f in findings.iter().filter(|f| f.rule_id == r.id) {
            assert_eq!(f.title, meta.title);
            assert_eq!(f.severity, meta.severity);
            assert_eq!(f.kind, FindingKind::Governance);
            let l = f.location.as_ref().expect("located");
            got.entry(l.file.clone()).or_default().insert(l.span.line);
        }
        for (file, lines) in &r.fixtures {
            let want: BTreeSet<u32> = lines.iter().copied().collect();
            let have = got.remove(file).unwrap_or_default();
            if want != have {
                problems.push(format!(
                    "{}/{file}: expected lines {want:?}, got {have:?}",
                    r.id
                ));
            }
        }
        for (file, lines) in got {
            problems.push(format!(
                "{}: unexpected findings in {file} at {lines:?}",
                r.id
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
