//! Runs every threat rule on its fixtures (`crates/archgate-rules/rules/threat/<ID>/`,
//! each a small catalog) and asserts the exact lines of its open findings,
//! as RULE_FORMAT.md requires; checks that the rule files and
//! `threats::RULES` agree on ids and Threagile aliases; and checks the
//! shape of threat findings (kind, element, mitigation suppressions).

use archgate_core::yaml::parse_documents;
use archgate_core::{FindingKind, RuleDoc, RuleMeta, Severity};
use archgate_model::emit::Emitter;
use archgate_model::load_texts;
use archgate_model::threats::{self, Status};
use std::path::PathBuf;

fn rules_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../archgate-rules/rules/threat")
}

struct RuleFile {
    meta: RuleMeta,
    fixtures: Vec<(String, Vec<u32>)>,
}

fn read_rules() -> Vec<RuleFile> {
    let mut out = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(rules_dir())
        .expect("rules/threat exists")
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
        let list = |k: &str| -> Vec<String> {
            doc.get(k)
                .and_then(|n| n.as_seq())
                .unwrap_or(&[])
                .iter()
                .filter_map(|n| n.as_str().map(String::from))
                .collect()
        };
        assert_eq!(s("provider"), "threat", "{}", p.display());
        assert_eq!(s("kind"), "threat", "{}", p.display());
        assert_eq!(doc.get("native").and_then(|n| n.as_bool()), Some(true));
        for k in [
            "description",
            "rationale",
            "remediation",
            "failing_example",
            "passing_example",
        ] {
            assert!(
                !s(&format!("doc.{k}")).trim().is_empty(),
                "{}: doc.{k}",
                p.display()
            );
        }
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
                kind: FindingKind::Threat,
                resource_kinds: vec![],
                aliases: list("aliases"),
                controls: list("controls"),
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
fn rule_files_match_the_rule_table() {
    let rules = read_rules();
    let files: Vec<(String, Vec<String>)> = rules
        .iter()
        .map(|r| (r.meta.id.clone(), r.meta.aliases.clone()))
        .collect();
    let table: Vec<(String, Vec<String>)> = threats::RULES
        .iter()
        .map(|r| {
            (
                r.id.to_string(),
                r.threagile.iter().map(|s| s.to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(files, table);
    assert!(files.len() >= 40);
}

#[test]
fn fixtures_report_exactly_the_listed_lines() {
    let rules = read_rules();
    let metas: Vec<RuleMeta> = rules.iter().map(|r| r.meta.clone()).collect();
    let lookup = |id: &str| metas.iter().find(|m| m.id == id).cloned();
    let mut problems = Vec::new();
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
            let mut out = Emitter::new(&loaded.catalog, &lookup);
            let found = threats::derive(&loaded.catalog, None, &mut out);
            let mine: Vec<_> = out
                .findings
                .iter()
                .filter(|f| f.rule_id == r.meta.id && !f.is_suppressed())
                .collect();
            let mut got: Vec<u32> = mine
                .iter()
                .map(|f| f.location.as_ref().unwrap().span.line)
                .collect();
            got.sort_unstable();
            if &got != lines {
                problems.push(format!(
                    "{}/{name}: expected lines {lines:?}, got {got:?}: {:#?}",
                    r.meta.id,
                    mine.iter().map(|f| &f.message).collect::<Vec<_>>()
                ));
            }
            for f in &mine {
                assert_eq!(f.kind, FindingKind::Threat);
                assert_eq!(f.title, r.meta.title);
                assert_eq!(f.aliases, r.meta.aliases);
                assert_eq!(f.controls, r.meta.controls);
                let res = f.resource.as_deref().unwrap_or_default();
                assert!(res.contains(':') && res.contains('/'), "{res}");
                if let Some(c) = &f.component {
                    assert!(c.starts_with("component:"), "{c}");
                }
            }
            // Every finding has its Threat, with the same severity and an open or mitigated status.
            assert_eq!(found.len(), out.findings.len());
            for (t, f) in found.iter().zip(&out.findings) {
                assert_eq!(t.rule, f.rule_id);
                assert_eq!(t.severity, f.severity);
                assert_eq!(t.fingerprint, f.fingerprint);
                assert_eq!(t.status == Status::Mitigated, f.is_suppressed());
                assert!(!t.elements.is_empty());
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Mitigations found in the model keep the threat visible as suppressed
/// (kind `mitigated`) with what mitigates it and where.
#[test]
fn mitigated_threats_stay_visible_with_their_mitigation() {
    let text = std::fs::read_to_string(rules_dir().join("AG-T01/pass.yaml")).unwrap();
    let loaded = load_texts(&[("pass.yaml".into(), text)]);
    let lookup = |_: &str| None;
    let mut out = Emitter::new(&loaded.catalog, &lookup);
    let found = threats::derive(&loaded.catalog, None, &mut out);
    let waf: Vec<_> = found.iter().filter(|t| t.rule == "AG-T01").collect();
    assert_eq!(waf.len(), 1);
    assert_eq!(waf[0].status, Status::Mitigated);
    assert!(waf[0].mitigations[0].description.contains("edge-waf"));
    let f = out.findings.iter().find(|f| f.rule_id == "AG-T01").unwrap();
    let s = f.suppression.as_ref().unwrap();
    assert_eq!(s.kind, "mitigated");
    assert!(s.reason.as_deref().unwrap().contains("edge-waf"), "{s:?}");
    assert!(s.source.as_deref().unwrap().starts_with("pass.yaml:"));
    assert_eq!(
        waf[0].synthetic_id,
        "missing-waf@merchant-to-portal@merchant@portal"
    );
}

/// Derivation is linear: a model of thousands of components and flows is
/// prepared and checked without quadratic blow-up (a loose bound that only
/// catches an accidental flows × components loop).
#[test]
fn large_models_stay_fast() {
    // 3,000 components and 3,000 flows in 60 files (a finding's snippet is
    // cut from its own file, so file size, not model size, bounds that).
    let mut files: Vec<(String, String)> = Vec::new();
    for chunk in 0..60 {
        let mut text = String::new();
        for i in chunk * 50..(chunk + 1) * 50 {
            text.push_str(&format!(
                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: c{i}\nspec:\n  type: service\n  lifecycle: production\n  owner: group:t\n  archgate:\n    tier: {}\n    boundary: b{}\n    machine: container\n    dataProcessed: [d]\n---\n",
                i % 4 + 1,
                i % 10
            ));
            text.push_str(&format!(
                "apiVersion: archgate.dev/v1alpha1\nkind: DataFlow\nmetadata:\n  name: f{i}\nspec:\n  source: component:c{i}\n  target: component:c{}\n  protocol: http\n  authentication: none\n  data: [d]\n---\n",
                (i * 7 + 1) % 3000
            ));
        }
        files.push((format!("c{chunk}.yaml"), text));
    }
    let mut text = String::new();
    for b in 0..10 {
        text.push_str(&format!(
            "apiVersion: archgate.dev/v1alpha1\nkind: TrustBoundary\nmetadata:\n  name: b{b}\nspec:\n  type: network-cloud-security-group\n---\n"
        ));
    }
    text.push_str("apiVersion: archgate.dev/v1alpha1\nkind: DataAsset\nmetadata:\n  name: d\nspec:\n  owner: group:t\n  classification: restricted\n");
    files.push(("shared.yaml".into(), text));
    let loaded = load_texts(&files);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors.first());
    let lookup = |_: &str| None;
    let mut out = Emitter::new(&loaded.catalog, &lookup);
    let started = std::time::Instant::now();
    let found = threats::derive(&loaded.catalog, None, &mut out);
    let took = started.elapsed();
    assert!(found.iter().any(|t| t.rule == "AG-I01"));
    assert!(found.iter().any(|t| t.rule == "AG-S01"));
    assert!(took.as_secs() < 20, "{took:?}");
}
