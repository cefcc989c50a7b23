//! `archgate import`: other tools' models turned into workspace files
//! (wiring only; the mapping lives in `archgate_model::import`). Existing
//! files are never overwritten.

use archgate_core::report::exit;
use archgate_model::import::threagile;
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub source: ImportSource,
}

#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// A Threagile model (YAML) → catalog/*.yaml, exceptions/ and archgate.yaml (see docs/threagile.md).
    Threagile(ThreagileArgs),
}

#[derive(Debug, Args)]
pub struct ThreagileArgs {
    /// The Threagile model file.
    #[arg(value_name = "MODEL.yaml")]
    pub model: PathBuf,
    /// The workspace to write (created if missing; existing files are never overwritten).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The date imported acceptances start from (YYYY-MM-DD; default today), for reproducible imports.
    #[arg(long, value_name = "DATE", hide = true)]
    pub today: Option<String>,
}

pub fn run(a: ImportArgs) -> Result<i32, String> {
    match a.source {
        ImportSource::Threagile(t) => run_threagile(t),
    }
}

fn run_threagile(a: ThreagileArgs) -> Result<i32, String> {
    let today = match &a.today {
        Some(d) => archgate_model::vocab::parse_date(d)
            .ok_or_else(|| format!("--today: `{d}` is not a date YYYY-MM-DD"))?,
        None => chrono::Local::now().date_naive(),
    };
    let bytes =
        std::fs::read(&a.model).map_err(|e| format!("cannot read {}: {e}", a.model.display()))?;
    let display = a.model.display().to_string();
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => return Err(format!("{display}: not a UTF-8 text file")),
    };
    let imported = match threagile::import(&display, &text, today) {
        Ok(i) => i,
        Err(errors) => {
            for e in &errors {
                eprintln!("{}", e.render());
            }
            eprintln!(
                "error: {} problem(s) in the Threagile model; nothing was written",
                errors.len()
            );
            return Ok(exit::INPUT);
        }
    };
    if a.dir.exists() && !a.dir.is_dir() {
        return Err(format!(
            "{} is a file; expected a directory",
            a.dir.display()
        ));
    }
    // archgate.yaml is only written when missing (importing into an
    // existing workspace); any other existing file stops the import.
    let mut clashes = Vec::new();
    let mut to_write = Vec::new();
    for (rel, body) in &imported.files {
        let path = a.dir.join(rel);
        if path.exists() {
            if rel == archgate_core::config::SETTINGS_FILE {
                continue;
            }
            clashes.push(rel.as_str());
        } else {
            to_write.push((path, body));
        }
    }
    if !clashes.is_empty() {
        eprintln!(
            "error: {} already has {}; nothing was written (import into an empty directory, or move those files away)",
            a.dir.display(),
            clashes.join(", ")
        );
        return Ok(exit::INPUT);
    }
    for (path, body) in &to_write {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(path, body).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    for w in &imported.warnings {
        eprintln!("warning: {w}");
    }
    println!(
        "Imported {} into {} ({} files).",
        display,
        a.dir.display(),
        to_write.len()
    );
    println!("Next: archgate check {}", a.dir.display());
    Ok(exit::CLEAN)
}
