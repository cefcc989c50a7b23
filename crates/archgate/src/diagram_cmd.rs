//! `archgate diagram`: draws a view of the workspace's model (wiring only;
//! the views and renderers live in `archgate_model::diagram`).

use archgate_core::report::exit;
use archgate_core::Settings;
use archgate_model::diagram::{self, Format, Options, View};
use archgate_model::{EntityRef, Kind};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct DiagramArgs {
    /// The workspace root (the directory holding archgate.yaml).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// What to draw: context (C4 system context), container (C4 containers),
    /// dataflow (data flows in nested trust boundaries) or context-map (domains).
    #[arg(long, default_value = "dataflow", value_name = "VIEW")]
    pub view: String,
    /// Limit the view to one System and what it talks to (`card-vault` or `system:ns/name`).
    #[arg(long, value_name = "SYSTEM")]
    pub system: Option<String>,
    /// Output syntax: mermaid, dot (Graphviz) or svg (laid out by archgate).
    /// Default: from the --output extension, else mermaid.
    #[arg(short = 'o', long = "format", value_name = "FORMAT")]
    pub format: Option<String>,
    /// Write the diagram to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(a: DiagramArgs) -> Result<i32, String> {
    let view = View::parse(&a.view).ok_or_else(|| {
        format!(
            "--view: unknown view `{}`; expected one of {}",
            a.view,
            View::NAMES.join(", ")
        )
    })?;
    let format = match (&a.format, &a.output) {
        (Some(f), _) => Format::parse(f).ok_or_else(|| {
            format!(
                "--format: unknown format `{f}`; expected one of {}",
                Format::NAMES.join(", ")
            )
        })?,
        (None, Some(out)) => out
            .extension()
            .and_then(|e| e.to_str())
            .and_then(Format::parse)
            .unwrap_or(Format::Mermaid),
        (None, None) => Format::Mermaid,
    };
    let root = &a.path;
    if !root.is_dir() {
        return Err(format!("{}: no such workspace directory", root.display()));
    }
    let settings = match Settings::load(root) {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => {
            eprintln!("{}", e.render());
            return Ok(exit::INPUT);
        }
    };
    let loaded = archgate_model::load_catalog(root, &settings.paths.catalog);
    if !loaded.errors.is_empty() {
        // A diagram of a model that did not load would silently leave parts out.
        for e in &loaded.errors {
            eprintln!("{}", e.render());
        }
        eprintln!(
            "error: the model has {} input error(s); fix them first (`archgate check` shows them all)",
            loaded.errors.len()
        );
        return Ok(exit::INPUT);
    }
    let system = match &a.system {
        Some(s) => Some(
            EntityRef::parse(
                s,
                Some(Kind::System),
                archgate_model::reference::DEFAULT_NAMESPACE,
            )
            .map_err(|e| format!("--system: {e}"))?,
        ),
        None => None,
    };
    let text = diagram::render(&loaded.catalog, &Options { view, system }, format)
        .map_err(|e| format!("--system: {e}"))?;
    match &a.output {
        Some(path) => {
            std::fs::write(path, &text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            eprintln!("{} diagram written to {}", view.as_str(), path.display());
        }
        None => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
        }
    }
    Ok(exit::CLEAN)
}
