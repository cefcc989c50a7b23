//! `archgate threats`: runs the check pipeline and reports only its threat
//! findings, in any reporter format, with exit codes like `check`;
//! `--report FILE` also writes the Markdown threat-model report. Wiring
//! only: derivation and the report live in `archgate_model::threats`.

use crate::cli::{CheckArgs, OutputArgs, RuleSelection};
use archgate_core::FindingKind;
use archgate_model::threats;
use clap::Args;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  archgate threats examples/acme-payments
  archgate threats -o sarif --output threats.sarif
  archgate threats --report threat-model.md --fail-on critical

A threat is open until a model fact or a linked IaC resource mitigates it
(reported as suppressed, kind `mitigated`) or an Exception naming its rule id
or Threagile category accepts it. Exit codes: 0 clean, 1 an open threat at or
above --fail-on, 2 usage or input error.")]
pub struct ThreatsArgs {
    /// The workspace root (the directory holding archgate.yaml).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Also write a Markdown threat-model report (scope, threats by STRIDE
    /// category, mitigations, accepted risks) to FILE.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

pub fn run(a: ThreatsArgs) -> Result<i32, String> {
    let started = Instant::now();
    let check = CheckArgs {
        path: a.path.clone(),
        output: a.output.clone(),
        rules: RuleSelection::default(),
    };
    let checked = crate::commands::check_workspace(&check)?;
    let mut report = checked.report;
    report.command = "threats".into();
    report.findings.retain(|f| f.kind == FindingKind::Threat);
    let mut found = checked.threats;
    threats::mark_accepted(&mut found, &report.findings);
    if let Some(path) = &a.report {
        let Some(model) = &checked.model else {
            return Err(format!(
                "{}: no catalog, so no model to derive threats from",
                a.path.display()
            ));
        };
        let name = std::fs::canonicalize(&a.path)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
            .unwrap_or_else(|| a.path.display().to_string());
        let today = crate::governance_cmd::today()?;
        let md = threats::report::markdown(&model.catalog, &found, &name, &today.to_string());
        std::fs::write(path, md).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("threat-model report written to {}", path.display());
    }
    crate::commands::finish(report, &a.output, None, checked.fail_on, started)
}
