//! archgate-policy: policy as code. Rego policies run through the `regorus`
//! engine with conftest's semantics (`archgate policy test`), Rego unit
//! tests run like `opa test` (`archgate policy verify`), and policy results
//! become ordinary archgate findings inside `archgate check`, next to
//! Kyverno policies and Gatekeeper ConstraintTemplates.
//!
//! This crate owns everything that touches regorus, so the rest of the
//! workspace builds without it. It does not discover IaC or apply built-in
//! rules: archgate-iac and archgate-rules do that, and call in here through
//! [`hook::workspace_policies`].

pub mod builtins;
pub mod conftest;
pub mod data;
pub mod dockerfile;
pub mod formats;
pub mod gatekeeper;
pub mod groovy;
pub mod guard;
pub mod hcl2;
pub mod hook;
pub mod input;
pub mod kyverno;
pub mod load;
pub mod metadata;
pub mod net;
pub mod nginx;
pub mod output;
pub mod policyreport;
pub mod run;
pub mod squealer;
pub mod verify;

pub use conftest::{CheckResult, Evaluator, FileInfo, Outcome};
pub use input::{Document, Parser};
pub use load::{LoadOptions, Namespace, PolicySet, RegoVersion};
