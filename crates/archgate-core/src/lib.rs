//! archgate-core: the vocabulary every other archgate crate shares.
//!
//! Data flows one way through archgate: files → spanned documents
//! ([`node::Node`]) → resources and model → rules and policies →
//! [`finding::Finding`]s → reporters. This crate holds the shapes at the
//! ends of that flow (spans, documents, findings, rule metadata, workspace
//! settings, reporters); it parses no IaC and runs no rules.

pub mod hash;
pub mod node;
pub mod span;
pub mod yaml;

pub use node::{Key, Node, Value};
pub use span::{LineIndex, Span};
pub mod fields;
pub mod finding;
pub mod rule;

pub use finding::{Finding, FindingKind, InputError, Location, Note, Severity, Suppression};
pub use rule::{RuleDoc, RuleMeta};
pub mod config;
pub mod render;
pub mod report;

pub use config::Settings;
pub use report::{ComponentInfo, Report};
