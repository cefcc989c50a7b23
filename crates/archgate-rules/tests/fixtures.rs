//! Every built-in IaC rule against its own fixtures, through the real
//! parsers: the lines of its unsuppressed findings in each fixture file
//! must equal the lines the rule file lists. Findings of other rules are
//! ignored. All mismatches are reported in one failure.
//!
//! Model, threat and governance rules are tested by their own crates.

use archgate_iac::discover::{discover, load, DiscoverOptions};
use archgate_rules::engine::{Engine, Selection};
use archgate_rules::registry;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[test]
fn every_rule_matches_its_fixtures() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems: Vec<String> = Vec::new();
    let mut checked = 0;
    for rule in registry().all() {
        if !rule.is_iac() || rule.fixtures.is_empty() {
            continue;
        }
        let Some(dir) = rule.fixture_dir.as_deref().map(|d| crate_dir.join(d)) else {
            continue;
        };
        let id = &rule.meta.id;
        let engine = Engine::from_rules([Cow::Borrowed(rule)], &Selection::default());
        if engine.rule_count() == 0 {
            problems.push(format!(
                "{id}: the rule cannot run (native rule without a registered check?)"
            ));
            continue;
        }
        let (items, errors) = discover(&dir, &DiscoverOptions::default());
        for e in errors {
            problems.push(format!("{id}: fixture input error: {}", e.render()));
        }
        let mut got: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
        for item in &items {
            let unit = load(&dir, item);
            for e in &unit.errors {
                problems.push(format!("{id}: fixture does not parse: {}", e.render()));
            }
            for f in engine.evaluate(&unit).findings {
                if f.rule_id != *id || f.is_suppressed() {
                    continue;
                }
                if let Some(loc) = f.location {
                    got.entry(loc.file).or_default().insert(loc.span.line);
                }
            }
        }
        for (file, expected) in &rule.fixtures {
            let expected: BTreeSet<u32> = expected.iter().copied().collect();
            let actual = got.remove(file).unwrap_or_default();
            if !dir.join(file).is_file() {
                problems.push(format!("{id}: fixture {file} is missing"));
            } else if expected != actual {
                problems.push(format!(
                    "{id}: {}/{file}: expected findings on lines {:?}, got {:?}",
                    rule.fixture_dir.as_deref().unwrap_or(""),
                    expected,
                    actual
                ));
            }
        }
        for (file, lines) in got {
            problems.push(format!(
                "{id}: findings on lines {lines:?} of {file}, which `fixtures` does not list (list it with its lines)"
            ));
        }
        checked += 1;
    }
    assert!(checked > 0, "no rule with fixtures was checked");
    assert!(
        problems.is_empty(),
        "{} fixture mismatch(es) in {checked} rules:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
