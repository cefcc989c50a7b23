//! Runs every model rule on its fixtures (`crates/archgate-rules/rules/model/<ID>/`)
//! and asserts the exact lines reported, as RULE_FORMAT.md requires; also
//! checks that every rule the validator reports has a data file and back.

use archgate_core::yaml::parse_documents;
use archgate_core::{FindingKind, RuleDoc, RuleMeta, Severity};
use archgate_model::{load_texts, validate};
use std::path::PathBuf;

fn rules_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../archgate-rules/rules/model")
}

struct RuleFile {
    meta: RuleMeta,
    fixtures: Vec<(String, Vec<u32>)>,
}

fn read_rules() -> Vec<RuleFile> {
    let mut out = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(rules_dir())
        .expect("rules/model exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    for p in paths {
        let text = std::fs::read_to_string(&p).unwrap();
        let doc = &parse_documents(&text).unwrap()[0];
        let s = |k: &str| {
            doc.path(k)
                .and_then(|n| n.as_str())
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(s("provider"), "model", "{}", p.display());
        assert_eq!(s("kind"), "model", "{}", p.display());
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
        out.push(RuleFile {
            meta: RuleMeta {
                id: s("id"),
                title: s("title"),
                severity: s("severity").parse::<Severity>().unwrap(),
                provider: s("provider"),
                kind: FindingKind::Model,
                resource_kinds: vec![],
                aliases: vec![],
                controls: doc
                    .get("controls")
                    .and_then(|n| n.as_seq())
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|n| n.as_str().map(String::from))
                    .collect(),
                doc: RuleDoc {
                    remediation: s("doc.remediation"),
                    ..Default::default()
                },
            },
            fixtures,
        });
    }
    out
}

#[test]
fn every_rule_has_data_and_every_data_file_a_rule() {
    let ids: Vec<String> = read_rules().into_iter().map(|r| r.meta.id).collect();
    let mut expected: Vec<String> = archgate_model::validate::RULE_IDS
        .iter()
        .chain(archgate_model::ddd::RULE_IDS)
        .map(|s| s.to_string())
        .collect();
    expected.sort();
    assert_eq!(ids, expected);
}

#[test]
fn fixtures_report_exactly_the_listed_lines() {
    let rules = read_rules();
    let metas: Vec<RuleMeta> = rules.iter().map(|r| r.meta.clone()).collect();
    let lookup = |id: &str| metas.iter().find(|m| m.id == id).cloned();
    for r in &rules {
        assert!(
            r.fixtures.iter().any(|(_, l)| !l.is_empty())
                && r.fixtures.iter().any(|(_, l)| l.is_empty()),
            "{} needs a failing and a passing fixture",
            r.meta.id
        );
        for (name, lines) in &r.fixtures {
            let path = rules_dir().join(&r.meta.id).join(name);
            let text = std::fs::read_to_string(&path).unwrap();
            let loaded = load_texts(&[(name.clone(), text)]);
            assert!(
                loaded.errors.is_empty(),
                "{}/{name}: {:?}",
                r.meta.id,
                loaded.errors
            );
            let mut findings = validate(&loaded.catalog, &lookup);
            findings.extend(archgate_model::ddd::ddd_findings(&loaded.catalog, &lookup));
            let mut got: Vec<u32> = findings
                .iter()
                .filter(|f| f.rule_id == r.meta.id)
                .map(|f| f.location.as_ref().unwrap().span.line)
                .collect();
            got.sort_unstable();
            assert_eq!(&got, lines, "{}/{name}: {findings:#?}", r.meta.id);
            for f in findings.iter().filter(|f| f.rule_id == r.meta.id) {
                assert_eq!(f.title, r.meta.title);
                assert_eq!(f.severity, r.meta.severity);
                assert_eq!(f.controls, r.meta.controls);
            }
            // Passing fixtures are clean models: no other model rule fires either.
            if lines.is_empty() {
                assert!(findings.is_empty(), "{}/{name}: {findings:#?}", r.meta.id);
            }
        }
    }
}
