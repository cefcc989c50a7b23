//! archgate-governance: the architecture function's own records, made
//! checkable.
//!
//! - [`exceptions`]: risk exceptions (`exceptions/*.yaml`, kind `Exception`):
//!   reading them, waiving the findings they match (still reported, as
//!   suppressed), and reporting expired and invalid ones as findings.
//! - [`adr`]: architecture decision records in `docs/adr/` (adr-tools /
//!   Nygard, MADR and log4brains dialects): reading, numbering, creating,
//!   superseding, linking and linting.
//! - [`standards`]: the technology standard (`standards/technologies.yaml`):
//!   radar rings, allowed versions, end-of-life dates (with built-in
//!   lifecycle data), approved container registries and the tagging
//!   standard, checked on the IaC resources.
//! - [`controls`] and [`evidence`]: control frameworks (built-in mappings
//!   from the rules' `controls`, workspace `controls/*.yaml`), requirement
//!   status from a run, and the audit evidence pack.
//! - [`scorecard`]: readiness levels per component against its tier.
//! - [`kpi`]: governance KPIs with targets.
//! - [`history`]: the trend of the KPIs and decision cycle time, from git
//!   history read in-process.
//! - [`export`]: the remediation backlog (open findings per component and
//!   rule, stable keys) as a Jira CSV or GitHub issues.
//!
//! Every check reports `AG-GOV-*` findings whose metadata (title, severity,
//! controls, remediation) lives in the rule data files
//! `crates/archgate-rules/rules/governance/`. Not here: parsing IaC
//! (archgate-iac), the model (archgate-model), rendering (archgate-core).

pub mod adr;
pub mod controls;
pub mod evidence;
pub mod exceptions;
pub mod export;
mod files;
pub mod history;
pub mod kpi;
pub mod rules;
pub mod scorecard;
pub mod standards;

pub use adr::{Adr, AdrFormat, AdrSet, AdrStatus};
pub use exceptions::{apply_exceptions, load_exceptions, Exception};
