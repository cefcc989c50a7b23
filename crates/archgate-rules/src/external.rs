//! Rules loaded at run time from `--external-checks-dir DIR`: users'
//! Checkov YAML custom policies, unmodified (`metadata` + `definition`, an
//! optional `scope`), and rules in archgate's own format (docs/rules.md).
//! Both run on the same evaluator as the built-in rules.
//!
//! A Checkov policy becomes a rule whose id is the policy's id (also its
//! alias, so `--skip-check` and `#checkov:skip=` with that id work), kind
//! `policy`, severity from `metadata.severity` (medium when absent).
//! Checkov evaluates YAML policies on Terraform data sources too, so each
//! resource type `T` in a Checkov policy also matches `data "T"` blocks.

use crate::cond::{parse_condition, Condition, Kinds};
use crate::spec::rule_from_node;
use crate::Rule;
use archgate_core::fields::Fields;
use archgate_core::{FindingKind, InputError, Node, RuleDoc, RuleMeta, Severity};
use std::path::Path;

/// Deepest directory level searched for policies.
const MAX_DEPTH: usize = 16;

/// Loads every policy under `dir` (recursively, `*.yaml`/`*.yml`).
pub fn load_dir(dir: &Path) -> (Vec<Rule>, Vec<InputError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    if !dir.is_dir() {
        errors.push(InputError::whole_file(
            dir.display().to_string(),
            "external checks directory does not exist or is not a directory",
        ));
        return (Vec::new(), errors);
    }
    collect(dir, 0, &mut files, &mut errors);
    files.sort();
    let mut rules = Vec::new();
    for f in files {
        let name = f.display().to_string();
        let text = match std::fs::read(&f).map(String::from_utf8) {
            Ok(Ok(t)) => t,
            Ok(Err(_)) => {
                errors.push(
                    InputError::whole_file(&name, "not valid UTF-8").expected("a UTF-8 YAML file"),
                );
                continue;
            }
            Err(e) => {
                errors.push(InputError::whole_file(&name, format!("cannot read: {e}")));
                continue;
            }
        };
        match load_text(&name, &text) {
            Ok(mut r) => rules.append(&mut r),
            Err(e) => errors.push(e),
        }
    }
    (rules, errors)
}

fn collect(
    dir: &Path,
    depth: usize,
    files: &mut Vec<std::path::PathBuf>,
    errors: &mut Vec<InputError>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(InputError::whole_file(
                dir.display().to_string(),
                format!("cannot read directory: {e}"),
            ));
            return;
        }
    };
    for e in entries.flatten() {
        let Ok(ft) = e.file_type() else { continue };
        let path = e.path();
        // Symlinks are not followed: no loops.
        if ft.is_dir() {
            collect(&path, depth + 1, files, errors);
        } else if ft.is_file() && path.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            files.push(path);
        }
    }
}

/// Reads the policies of one file (`file` names it in errors).
pub fn load_text(file: &str, text: &str) -> Result<Vec<Rule>, InputError> {
    let docs = archgate_core::yaml::parse_documents(text).map_err(|e| {
        InputError::new(file, e.line, e.col, format!("invalid YAML: {}", e.message))
    })?;
    let mut out = Vec::new();
    for doc in docs.iter().filter(|d| !d.is_null()) {
        if doc.get("definition").is_some() {
            out.push(checkov_policy(file, doc)?);
        } else if doc.get("id").is_some() {
            let spec = rule_from_node(file, doc, false)?;
            if spec.native {
                return Err(InputError::new(
                    file,
                    doc.span.line,
                    doc.span.col,
                    "`native: true` is only available to built-in rules",
                )
                .expected("a `condition`"));
            }
            out.push(Rule {
                meta: spec.meta,
                condition: spec.condition,
                native: false,
                fixtures: spec.fixtures,
                applies_to: spec.applies_to,
                fixture_dir: None,
            });
        } else {
            return Err(InputError::new(file, doc.span.line, doc.span.col, "not a policy")
                .expected("a Checkov YAML policy (`metadata` and `definition`) or an archgate rule (`id`, `condition`, …)"));
        }
    }
    Ok(out)
}

fn checkov_policy(file: &str, doc: &Node) -> Result<Rule, InputError> {
    let f = Fields::new(file, doc, "")?;
    f.deny_unknown(&["metadata", "definition", "scope"])?;
    let Some(m) = f.map("metadata")? else {
        return Err(InputError::new(
            file,
            doc.span.line,
            doc.span.col,
            "missing required key `metadata`",
        ));
    };
    let id = m.req_str("id")?;
    let name = m.req_str("name")?;
    let category = m.str("category")?.map(|c| c.value);
    let severity = match m.str("severity")? {
        None => Severity::Medium,
        Some(s) => s
            .value
            .parse()
            .map_err(|msg: String| InputError::new(file, s.span.line, s.span.col, msg))?,
    };
    let guideline = m.str("guideline")?.map(|g| g.value);
    let provider = match f.map("scope")? {
        Some(s) => s.str("provider")?.map(|p| p.value.to_ascii_lowercase()),
        None => None,
    };
    let def = f.required("definition")?;
    let mut condition = parse_condition(file, def)?;
    add_data_kinds(&mut condition);
    let applies_to = condition.kinds();
    Ok(Rule {
        meta: RuleMeta {
            id: id.value.clone(),
            title: name.value.clone(),
            severity,
            provider: provider.unwrap_or_else(|| "custom".into()),
            kind: FindingKind::Policy,
            resource_kinds: match &applies_to {
                Kinds::All => Vec::new(),
                Kinds::Only(l) => l.clone(),
            },
            aliases: vec![id.value],
            controls: Vec::new(),
            doc: RuleDoc {
                description: name.value,
                rationale: category
                    .map(|c| format!("Category: {c}"))
                    .unwrap_or_default(),
                failing_example: String::new(),
                passing_example: String::new(),
                remediation: guideline.clone().unwrap_or_default(),
                references: guideline.into_iter().collect(),
            },
        },
        condition: Some(condition),
        native: false,
        fixtures: Vec::new(),
        applies_to,
        fixture_dir: None,
    })
}

/// Adds `data.T` next to every kind `T` (Checkov judges data sources too).
fn add_data_kinds(c: &mut Condition) {
    let widen = |k: &mut Kinds| {
        if let Kinds::Only(list) = k {
            let extra: Vec<String> = list
                .iter()
                .filter(|t| !t.starts_with("data.") && !t.contains("::") && t.contains('_'))
                .map(|t| format!("data.{t}"))
                .collect();
            list.extend(extra);
        }
    };
    match c {
        Condition::And(items) | Condition::Or(items) => items.iter_mut().for_each(add_data_kinds),
        Condition::Not(inner) => add_data_kinds(inner),
        Condition::Attribute(a) => widen(&mut a.resource_types),
        Condition::Connection(x) => {
            widen(&mut x.resource_types);
            widen(&mut x.connected_resource_types);
        }
        Condition::Filter(kinds) => {
            let mut k = Kinds::Only(std::mem::take(kinds));
            widen(&mut k);
            if let Kinds::Only(l) = k {
                *kinds = l;
            }
        }
    }
}
