//! The JSON Schemas under `schemas/` (one per catalog kind plus
//! `catalog.schema.json` for mixed files): they are valid draft 2020-12
//! schemas, they accept the clean catalogs of the rule fixtures, and they
//! reject the mistakes the loader rejects. Also: the shipped example
//! workspace's catalog parses (when present; another part of the project
//! writes it).

use archgate_core::yaml::parse_documents;
use serde_json::Value;
use std::path::PathBuf;

const KINDS: &[&str] = &[
    "component",
    "api",
    "resource",
    "system",
    "domain",
    "group",
    "user",
    "location",
    "dataasset",
    "dataflow",
    "trustboundary",
    "runtime",
    "actor",
    "exception",
    "standard",
    "threat",
    "profile",
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn schema(name: &str) -> Value {
    let path = repo().join("schemas").join(format!("{name}.schema.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: invalid JSON: {e}", path.display()))
}

fn validator(name: &str) -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
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
fn every_kind_has_a_valid_draft_2020_12_schema() {
    for name in KINDS.iter().copied().chain(["catalog"]) {
        let s = schema(name);
        assert_eq!(
            s["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        assert!(
            jsonschema::meta::is_valid(&s),
            "{name} is not a valid schema"
        );
        validator(name);
    }
}

#[test]
fn schemas_accept_the_clean_fixture_catalogs() {
    let catalog = validator("catalog");
    let rules = repo().join("crates/archgate-rules/rules/model");
    let mut checked = 0;
    for entry in std::fs::read_dir(&rules).unwrap().flatten() {
        let pass = entry.path().join("pass.yaml");
        let Ok(text) = std::fs::read_to_string(&pass) else {
            continue;
        };
        for doc in docs(&text) {
            let kind = doc["kind"].as_str().unwrap().to_ascii_lowercase();
            let errors: Vec<String> = catalog.iter_errors(&doc).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}\n{doc}", pass.display());
            assert!(
                validator(&kind).is_valid(&doc),
                "{}: {kind}",
                pass.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} documents checked");
}

#[test]
fn schemas_reject_what_the_loader_rejects() {
    let catalog = validator("catalog");
    let bad = [
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\nspec: {owner: g, archgate: {tier: 7}}\n",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\nspec: {owner: g, archgate: {colour: blue}}\n",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\nspec: {owner: g, archgate: {rto: soon}}\n",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: 'not a name'}\nspec: {owner: g}\n",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\nspec: {owner: g, dependsOn: [payments-db]}\n",
        "apiVersion: archgate.dev/v1alpha1\nkind: DataFlow\nmetadata: {name: f}\nspec: {source: a, protocol: https}\n",
        "apiVersion: archgate.dev/v1alpha1\nkind: DataFlow\nmetadata: {name: f}\nspec: {source: a, target: b, protocol: https, colour: red}\n",
        "apiVersion: archgate.dev/v1alpha1\nkind: Exception\nmetadata: {name: x}\nspec: {rule: AG-AWS-S3-001, justification: legacy}\n",
        "apiVersion: archgate.dev/v1alpha1\nkind: Exception\nmetadata: {name: x}\nspec: {justification: legacy, expires: 2026-01-01}\n",
        "apiVersion: archgate.dev/v1alpha1\nkind: DataAsset\nmetadata: {name: d}\nspec: {owner: g, classification: secret}\n",
    ];
    for text in bad {
        let doc = &docs(text)[0];
        assert!(!catalog.is_valid(doc), "accepted: {text}");
        // …and the loader reports an input error for all but the schema-only
        // requirements (protocol is a finding, not an input error).
        let r = archgate_model::load_texts(&[("x.yaml".into(), text.into())]);
        assert!(!r.errors.is_empty(), "loader accepted: {text}");
    }
    let ok = "apiVersion: archgate.dev/v1alpha1\nkind: Exception\nmetadata: {name: x}\nspec: {rule: AG-AWS-S3-001, justification: fixed, status: mitigated}\n";
    assert!(catalog.is_valid(&docs(ok)[0]));
    // Unknown kinds (Templates, Kubernetes manifests) are not the catalog schema's business.
    let template = "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: t}\nspec: {steps: []}\n";
    assert!(catalog.is_valid(&docs(template)[0]));
}

#[test]
fn example_workspace_catalog_parses_when_present() {
    let root = repo().join("examples/acme-payments");
    let dir = root.join("catalog");
    if !dir.is_dir() {
        return; // written by another part of the project; nothing to check yet
    }
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let p = entry.path();
        if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            let text = std::fs::read_to_string(&p).unwrap();
            assert!(
                parse_documents(&text).is_ok(),
                "{} is not valid YAML",
                p.display()
            );
            files += 1;
        }
    }
    let r = archgate_model::load_catalog(&root, "catalog");
    assert!(
        files == 0 || !r.catalog.is_empty(),
        "no entities loaded from {}",
        dir.display()
    );
    for e in &r.catalog.entities {
        assert!(
            r.catalog.get(&e.reference).is_some(),
            "{} not indexed",
            e.reference
        );
    }
}

#[test]
fn the_examples_in_docs_model_md_load_and_match_the_schema() {
    let text = std::fs::read_to_string(repo().join("docs/model.md")).unwrap();
    let catalog = validator("catalog");
    let mut blocks = 0;
    let mut rest = text.as_str();
    while let Some(start) = rest.find("```yaml\n") {
        let body = &rest[start + 8..];
        let Some(end) = body.find("```") else { break };
        let block = &body[..end];
        rest = &body[end + 3..];
        if !block.starts_with("apiVersion:") {
            continue; // a fragment, not a whole document
        }
        blocks += 1;
        let r = archgate_model::load_texts(&[("docs/model.md".into(), block.into())]);
        assert!(r.errors.is_empty(), "{block}\n{:?}", r.errors);
        assert_eq!(r.catalog.len(), 1, "{block}");
        for doc in docs(block) {
            let errors: Vec<String> = catalog.iter_errors(&doc).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{block}\n{errors:?}");
        }
    }
    assert!(blocks >= 11, "only {blocks} examples found");
}

#[test]
fn schema_vocabularies_match_the_loader() {
    use archgate_model::vocab;
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap_or_else(|| panic!("not an enum: {v}"))
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    };
    let owned = |v: &[&str]| -> Vec<String> { v.iter().map(|s| s.to_string()).collect() };
    let flow = schema("dataflow");
    let spec = &flow["properties"]["spec"]["properties"];
    assert_eq!(
        strings(&spec["authorization"]["enum"]),
        owned(vocab::AUTHORIZATION)
    );
    let mut auth = owned(vocab::AUTHENTICATION);
    auth.extend(
        vocab::AUTHENTICATION_ALIASES
            .iter()
            .map(|(a, _)| a.to_string()),
    );
    assert_eq!(strings(&spec["authentication"]["enum"]), auth);
    assert_eq!(strings(&spec["usage"]["enum"]), owned(vocab::USAGE));
    let tb = schema("trustboundary");
    let spec = &tb["properties"]["spec"]["properties"];
    assert_eq!(strings(&spec["type"]["enum"]), owned(vocab::BOUNDARY_TYPES));
    assert_eq!(strings(&spec["zone"]["enum"]), owned(vocab::ZONES));
    assert_eq!(
        strings(&tb["$defs"]["classification"]["enum"]),
        owned(vocab::CLASSIFICATIONS)
    );
    let comp = schema("component");
    let facts = &comp["$defs"]["componentFacts"]["properties"];
    assert_eq!(strings(&facts["machine"]["enum"]), owned(vocab::MACHINES));
    assert_eq!(
        strings(&facts["encryptionAtRest"]["enum"]),
        owned(vocab::ENCRYPTION_AT_REST)
    );
    let mut keys: Vec<String> = facts.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    let mut expected = owned(archgate_model::facts::COMPONENT_KEYS);
    expected.sort();
    assert_eq!(keys, expected, "spec.archgate keys (Component)");
    let system = schema("system");
    let mut keys: Vec<String> = system["$defs"]["systemFacts"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    keys.sort();
    let mut expected = owned(archgate_model::facts::SYSTEM_KEYS);
    expected.sort();
    assert_eq!(keys, expected, "spec.archgate keys (System)");
    let exc = schema("exception");
    assert_eq!(
        strings(&exc["properties"]["spec"]["properties"]["status"]["enum"]),
        owned(vocab::EXCEPTION_STATUS)
    );
}
