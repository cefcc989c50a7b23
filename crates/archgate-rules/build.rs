//! Compiles the built-in rules (`rules/<provider>/<ID>.yaml`) into Rust.
//!
//! Every rule file is validated here with the same parser the crate uses at
//! run time (`src/cond.rs`, `src/spec.rs`, included below), so a broken rule
//! fails the build with its file, line and column, and `archgate` never
//! parses rule YAML when it starts. The output, `$OUT_DIR/rules.rs`, is one
//! function per rule building its struct literal.

#[allow(dead_code)]
#[path = "src/cond.rs"]
mod cond;
#[allow(dead_code)]
#[path = "src/spec.rs"]
mod spec;

use cond::{Condition, Kinds, Lit};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=src/cond.rs");
    println!("cargo:rerun-if-changed=src/spec.rs");
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()));
    let (rules, errors) = load_rules(&manifest);
    if !errors.is_empty() {
        for e in &errors {
            eprintln!("error: {e}");
        }
        panic!(
            "{} problem(s) in the built-in rule files under crates/archgate-rules/rules (paths below are relative to crates/archgate-rules):\n{}",
            errors.len(),
            errors.join("\n")
        );
    }
    let code = generate(&rules);
    let out =
        PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("rules.rs");
    if let Err(e) = std::fs::write(&out, code) {
        panic!("cannot write {}: {e}", out.display());
    }
}

/// A validated rule and the directory its fixtures live in (relative to the crate).
struct Loaded {
    spec: spec::RuleSpec,
    fixture_dir: String,
}

fn load_rules(manifest: &Path) -> (Vec<Loaded>, Vec<String>) {
    let mut errors = Vec::new();
    let mut rules: Vec<Loaded> = Vec::new();
    let root = manifest.join("rules");
    let Ok(providers) = std::fs::read_dir(&root) else {
        return (rules, errors);
    };
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for p in providers.flatten() {
        let ppath = p.path();
        if !ppath.is_dir() {
            continue;
        }
        let provider = p.file_name().to_string_lossy().to_string();
        let Ok(entries) = std::fs::read_dir(&ppath) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            let is_yaml = path.extension().is_some_and(|x| x == "yaml" || x == "yml");
            if path.is_file() && is_yaml {
                files.push((provider.clone(), path));
            }
        }
    }
    files.sort();
    let mut ids: HashMap<String, String> = HashMap::new();
    for (provider, path) in files {
        let rel = format!(
            "rules/{provider}/{}",
            path.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        );
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                errors.push(format!("{rel}: cannot read: {e}"));
                continue;
            }
        };
        let spec = match spec::parse_rule(&rel, &text, true) {
            Ok(s) => s,
            Err(e) => {
                errors.push(e.render());
                continue;
            }
        };
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let id = spec.meta.id.clone();
        if path.extension().is_some_and(|x| x != "yaml") {
            errors.push(format!("{rel}: rule files end in `.yaml`"));
        }
        if stem != id {
            errors.push(format!(
                "{rel}: the file name must be the rule id: rename it to `{id}.yaml` (or fix `id`)"
            ));
        }
        if spec.meta.provider != provider {
            errors.push(format!(
                "{rel}: `provider: {}` but the file is under rules/{provider}/; move it to rules/{}/",
                spec.meta.provider, spec.meta.provider
            ));
        }
        if let Some(prev) = ids.insert(id.to_ascii_uppercase(), rel.clone()) {
            errors.push(format!("{rel}: duplicate rule id `{id}` (also in {prev})"));
        }
        let fixture_dir = format!("rules/{provider}/{id}");
        for (name, _) in &spec.fixtures {
            let f = manifest.join(&fixture_dir).join(name);
            if !f.is_file() {
                errors.push(format!(
                    "{rel}: fixture `{name}` does not exist (expected {fixture_dir}/{name})"
                ));
            }
        }
        rules.push(Loaded { spec, fixture_dir });
    }
    // An alias must not be another rule's id: `--skip-check X` would be ambiguous.
    for r in &rules {
        for a in &r.spec.meta.aliases {
            if let Some(file) = ids.get(&a.to_ascii_uppercase()) {
                errors.push(format!(
                    "rules/{}/{}.yaml: alias `{a}` is the id of another rule ({file})",
                    r.spec.meta.provider, r.spec.meta.id
                ));
            }
        }
    }
    rules.sort_by(|a, b| a.spec.meta.id.cmp(&b.spec.meta.id));
    (rules, errors)
}

fn strs(items: &[String]) -> String {
    let mut s = String::from("vec![");
    for i in items {
        let _ = write!(s, "{i:?}.to_string(),");
    }
    s.push(']');
    s
}

fn kinds(k: &Kinds) -> String {
    match k {
        Kinds::All => "Kinds::All".into(),
        Kinds::Only(list) => format!("Kinds::Only({})", strs(list)),
    }
}

fn lit(l: &Lit) -> String {
    match l {
        Lit::Null => "Lit::Null".into(),
        Lit::Bool(b) => format!("Lit::Bool({b})"),
        Lit::Int(i) => format!("Lit::Int({i}i64)"),
        Lit::Float(f) if f.is_nan() => "Lit::Float(f64::NAN)".into(),
        Lit::Float(f) if f.is_infinite() && *f > 0.0 => "Lit::Float(f64::INFINITY)".into(),
        Lit::Float(f) if f.is_infinite() => "Lit::Float(f64::NEG_INFINITY)".into(),
        Lit::Float(f) => format!("Lit::Float({f:?}f64)"),
        Lit::Str(s) => format!("Lit::Str({s:?}.to_string())"),
        Lit::List(items) => format!(
            "Lit::List(vec![{}])",
            items.iter().map(lit).collect::<Vec<_>>().join(",")
        ),
    }
}

fn condition(c: &Condition) -> String {
    match c {
        Condition::And(items) => format!("Condition::And(vec![{}])", items.iter().map(condition).collect::<Vec<_>>().join(",")),
        Condition::Or(items) => format!("Condition::Or(vec![{}])", items.iter().map(condition).collect::<Vec<_>>().join(",")),
        Condition::Not(inner) => format!("Condition::Not(Box::new({}))", condition(inner)),
        Condition::Attribute(a) => format!(
            "Condition::Attribute(Attribute {{ resource_types: {}, attribute: {:?}.to_string(), path: {}, op: Op::{:?}, value: {}, jsonpath: {}, regex: ::std::sync::OnceLock::new() }})",
            kinds(&a.resource_types),
            a.attribute,
            strs(&a.path),
            a.op,
            a.value.as_ref().map(|v| format!("Some({})", lit(v))).unwrap_or_else(|| "None".into()),
            a.jsonpath
        ),
        Condition::Connection(c) => format!(
            "Condition::Connection(Connection {{ resource_types: {}, connected_resource_types: {}, exists: {} }})",
            kinds(&c.resource_types),
            kinds(&c.connected_resource_types),
            c.exists
        ),
        Condition::Filter(k) => format!("Condition::Filter({})", strs(k)),
    }
}

fn generate(rules: &[Loaded]) -> String {
    let mut s = String::from(
        "// Generated by build.rs from rules/**/*.yaml. Do not edit.\n\
         use crate::cond::{Attribute, Condition, Connection, Kinds, Lit, Op};\n\
         use archgate_core::{FindingKind, RuleDoc, RuleMeta, Severity};\n\n",
    );
    s.push_str("/// Every built-in rule, in id order.\npub(crate) fn builtin() -> Vec<crate::Rule> {\n    vec![\n");
    for i in 0..rules.len() {
        let _ = writeln!(s, "        r{i}(),");
    }
    s.push_str("    ]\n}\n\n");
    for (i, r) in rules.iter().enumerate() {
        let m = &r.spec.meta;
        let d = &m.doc;
        let _ = writeln!(
            s,
            "fn r{i}() -> crate::Rule {{\n    crate::Rule {{\n        meta: RuleMeta {{\n            id: {:?}.to_string(),\n            title: {:?}.to_string(),\n            severity: Severity::{:?},\n            provider: {:?}.to_string(),\n            kind: FindingKind::{:?},\n            resource_kinds: {},\n            aliases: {},\n            controls: {},\n            doc: RuleDoc {{\n                description: {:?}.to_string(),\n                rationale: {:?}.to_string(),\n                failing_example: {:?}.to_string(),\n                passing_example: {:?}.to_string(),\n                remediation: {:?}.to_string(),\n                references: {},\n            }},\n        }},\n        condition: {},\n        native: {},\n        fixtures: vec![{}],\n        applies_to: {},\n        fixture_dir: Some({:?}.to_string()),\n    }}\n}}\n",
            m.id,
            m.title,
            m.severity,
            m.provider,
            m.kind,
            strs(&m.resource_kinds),
            strs(&m.aliases),
            strs(&m.controls),
            d.description,
            d.rationale,
            d.failing_example,
            d.passing_example,
            d.remediation,
            strs(&d.references),
            r.spec.condition.as_ref().map(|c| format!("Some({})", condition(c))).unwrap_or_else(|| "None".into()),
            r.spec.native,
            r.spec
                .fixtures
                .iter()
                .map(|(n, l)| format!("({n:?}.to_string(), vec!{l:?})"))
                .collect::<Vec<_>>()
                .join(","),
            kinds(&r.spec.applies_to),
            r.fixture_dir,
        );
    }
    s
}
