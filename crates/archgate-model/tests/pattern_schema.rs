//! `schemas/pattern.schema.json` is a valid draft 2020-12 schema, accepts the
//! built-in patterns and the example workspace's, and rejects what the
//! pattern loader rejects.

use archgate_core::yaml::parse_documents;
use serde_json::Value;
use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo().join("schemas/pattern.schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    assert!(jsonschema::meta::is_valid(&schema));
    jsonschema::draft202012::new(&schema).unwrap()
}

fn docs(text: &str) -> Vec<Value> {
    parse_documents(text)
        .unwrap()
        .iter()
        .filter(|d| !d.is_null())
        .map(|d| d.to_json())
        .collect()
}

#[test]
fn accepts_builtin_and_example_patterns() {
    let v = validator();
    let mut seen = 0;
    for dir in [
        "crates/archgate-model/data/patterns",
        "examples/acme-payments/standards/patterns",
    ] {
        for e in std::fs::read_dir(repo().join(dir)).unwrap().flatten() {
            let text = std::fs::read_to_string(e.path()).unwrap();
            for d in docs(&text) {
                let errors: Vec<String> = v.iter_errors(&d).map(|e| e.to_string()).collect();
                assert!(errors.is_empty(), "{}: {errors:?}", e.path().display());
                seen += 1;
            }
        }
    }
    assert!(seen >= 12, "{seen}");
}

#[test]
fn rejects_what_the_loader_rejects() {
    let v = validator();
    for bad in [
        // Both scopes at once.
        "apiVersion: archgate.dev/v1alpha1\nkind: Pattern\nmetadata: {name: x}\nspec: {archetype: batch, classification: restricted, tiers: {1: {}}}\n",
        // Tier out of range.
        "apiVersion: archgate.dev/v1alpha1\nkind: Pattern\nmetadata: {name: x}\nspec: {archetype: batch, tiers: {5: {}}}\n",
        // Unknown fact.
        "apiVersion: archgate.dev/v1alpha1\nkind: Pattern\nmetadata: {name: x}\nspec: {archetype: batch, tiers: {1: {requiredFacts: [owner]}}}\n",
        // Unknown flow protection.
        "apiVersion: archgate.dev/v1alpha1\nkind: Pattern\nmetadata: {name: x}\nspec: {classification: restricted, requiredFlow: [vpn]}\n",
    ] {
        let d = &docs(bad)[0];
        assert!(!v.is_valid(d), "accepted: {bad}");
    }
}
