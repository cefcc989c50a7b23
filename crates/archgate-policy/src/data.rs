//! `--data`: JSON and YAML documents merged into Rego's `data`, the way
//! OPA's loader places them: a file named directly merges at the root of
//! `data`; a file found under a named directory is placed under its
//! directory path relative to that directory (`dir/k8s/data.yaml` →
//! `data.k8s`). `.rego` files under a data directory are ignored here
//! (they are policies; pass them with `--policy`).

use archgate_core::InputError;
use regorus::{Engine, Value};
use std::path::Path;

/// Merges the documents under `path` (file or directory) into `engine`'s data.
pub fn load_data(engine: &mut Engine, path: &Path) -> Result<(), InputError> {
    if path.is_file() {
        let doc = read_doc(path)?;
        return merge(engine, path, doc);
    }
    if !path.is_dir() {
        return Err(
            InputError::whole_file(path.display().to_string(), "data path does not exist")
                .expected("a JSON/YAML file or a directory of them"),
        );
    }
    for entry in ignore::WalkBuilder::new(path)
        .standard_filters(false)
        .hidden(true)
        .sort_by_file_path(|a, b| a.cmp(b))
        .build()
    {
        let entry = entry.map_err(|e| {
            InputError::whole_file(path.display().to_string(), format!("cannot walk: {e}"))
        })?;
        let p = entry.path();
        let is_doc = p.is_file()
            && p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "json" | "yaml" | "yml"));
        if !is_doc {
            continue;
        }
        let mut doc = read_doc(p)?;
        let rel = p
            .parent()
            .and_then(|d| d.strip_prefix(path).ok())
            .map(|d| d.to_path_buf())
            .unwrap_or_default();
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        for part in parts.iter().rev() {
            let mut m = serde_json::Map::new();
            m.insert(part.clone(), doc);
            doc = serde_json::Value::Object(m);
        }
        merge(engine, p, doc)?;
    }
    Ok(())
}

fn merge(engine: &mut Engine, p: &Path, doc: serde_json::Value) -> Result<(), InputError> {
    if !doc.is_object() {
        return Err(InputError::whole_file(
            p.display().to_string(),
            "data document is not an object",
        )
        .expected("a mapping at the top level"));
    }
    engine
        .add_data(Value::from(doc))
        .map_err(|e| InputError::whole_file(p.display().to_string(), e.to_string()))
}

fn read_doc(p: &Path) -> Result<serde_json::Value, InputError> {
    let name = p.display().to_string();
    let text = std::fs::read_to_string(p)
        .map_err(|e| InputError::whole_file(&name, format!("cannot read: {e}")))?;
    let is_json = p.extension().is_some_and(|e| e == "json");
    let parser = if is_json {
        crate::input::Parser::Json
    } else {
        crate::input::Parser::Yaml
    };
    let mut docs = crate::input::parse(parser, &name, &text)?;
    match docs.len() {
        0 => Ok(serde_json::Value::Object(Default::default())),
        1 => Ok(docs.remove(0).value),
        _ => Err(
            InputError::whole_file(name, "data file holds several YAML documents")
                .expected("one document"),
        ),
    }
}
