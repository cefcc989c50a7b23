//! Every architecture rule (`crates/archgate-rules/rules/architecture/`)
//! against its fixtures, end to end: each fixture key names a file inside a
//! small workspace (`fail/…`, `pass/…`); `archgate check` runs on that
//! workspace and the lines of the rule's findings in each listed file must
//! equal the listed lines. Links, patterns and data classification need the
//! catalog and the IaC together, so these fixtures are whole workspaces.

use archgate_core::yaml::parse_documents;
use assert_cmd::Command;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rules_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../archgate-rules/rules/architecture")
}

/// `(rule id, fixture key → expected lines)` for every rule file.
fn rules() -> Vec<(String, BTreeMap<String, BTreeSet<u32>>)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(rules_dir())
        .expect("rules/architecture exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            let doc = &parse_documents(&text).unwrap()[0];
            let id = doc.get("id").and_then(|n| n.as_str()).unwrap().to_string();
            let fixtures = doc
                .get("fixtures")
                .and_then(|n| n.as_map())
                .unwrap_or(&[])
                .iter()
                .map(|(k, v)| {
                    let lines = v
                        .as_seq()
                        .unwrap_or(&[])
                        .iter()
                        .map(|n| n.as_i64().unwrap() as u32)
                        .collect();
                    (k.name.clone(), lines)
                })
                .collect();
            (id, fixtures)
        })
        .collect()
}

/// Runs `archgate check --format json` on `ws` and returns the rule's
/// finding lines per file.
fn check(ws: &Path, rule: &str) -> BTreeMap<String, BTreeSet<u32>> {
    let out = Command::cargo_bin("archgate")
        .unwrap()
        .env("ARCHGATE_TODAY", "2026-06-01")
        .args(["check", "--format", "json", "--soft-fail"])
        .arg(ws)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: not JSON ({e}): {}{}",
            ws.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let errors = json["errors"].as_array().cloned().unwrap_or_default();
    assert!(
        errors.is_empty(),
        "{}: input errors {errors:#?}",
        ws.display()
    );
    let mut got: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    for f in json["findings"].as_array().unwrap() {
        if f["ruleId"] != rule || f["suppressed"] == true {
            continue;
        }
        let file = f["location"]["file"].as_str().unwrap().to_string();
        let line = f["location"]["line"].as_u64().unwrap() as u32;
        got.entry(file).or_default().insert(line);
    }
    got
}

#[test]
fn every_architecture_rule_matches_its_fixture_workspaces() {
    let mut problems = Vec::new();
    let all = rules();
    assert!(all.len() >= 9, "architecture rules missing: {}", all.len());
    for (id, fixtures) in &all {
        assert!(
            fixtures.iter().any(|(_, l)| !l.is_empty())
                && fixtures.iter().any(|(_, l)| l.is_empty()),
            "{id} needs a failing and a passing fixture"
        );
        // Group the listed files by their workspace (the first path segment).
        let mut by_ws: BTreeMap<&str, Vec<(&str, &BTreeSet<u32>)>> = BTreeMap::new();
        for (key, lines) in fixtures {
            let (ws, file) = key.split_once('/').expect("fixture keys are ws/file");
            by_ws.entry(ws).or_default().push((file, lines));
        }
        for (ws, files) in by_ws {
            let dir = rules_dir().join(id).join(ws);
            let mut got = check(&dir, id);
            for (file, expected) in files {
                let actual = got.remove(file).unwrap_or_default();
                if &actual != expected {
                    problems.push(format!(
                        "{id}: {ws}/{file}: expected lines {expected:?}, got {actual:?}"
                    ));
                }
            }
            for (file, lines) in got {
                problems.push(format!(
                    "{id}: {ws}/{file}: findings on lines {lines:?} that `fixtures` does not list"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
