//! Native checks: rule conditions that data cannot express (IAM policy
//! documents, CIDR and port analysis, per-container logic), written in Rust
//! and registered under the id of their rule file (`native: true`).
//!
//! A check receives the resource and the [`Context`] of its whole parsed
//! unit, and returns one [`Hit`] per problem, each pointing at the exact
//! span and carrying a `key` that tells hits on the same resource apart in
//! fingerprints (`ingress[1]`, `containers[web]`). A check must return no
//! hit for values it cannot resolve (`Value::Unknown`).
//!
//! To add checks for a provider: create `native/<provider>.rs` with
//! `pub const CHECKS: &[(&str, CheckFn)]`, declare the module below and add
//! its slice to [`PROVIDERS`]. A test fails when a `native: true` rule has no
//! function here, or a function has no rule.

pub use crate::context::Context;
use archgate_core::Span;
use archgate_iac::Resource;

pub mod alicloud;
pub mod argocd;
pub mod aws;
pub mod azure;
pub mod docker;
pub mod gcp;
pub mod github;
pub mod kubernetes;
pub mod secrets;
pub mod terraform;

/// One problem a native check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Where the finding points.
    pub span: Span,
    /// What is wrong, for the finding's message.
    pub message: String,
    /// Discriminates several hits on one resource in the fingerprint; stable across line moves.
    pub key: String,
}

impl Hit {
    pub fn new(span: Span, message: impl Into<String>, key: impl Into<String>) -> Hit {
        Hit {
            span,
            message: message.into(),
            key: key.into(),
        }
    }
}

/// A native check.
pub type CheckFn = fn(&Resource, &Context) -> Vec<Hit>;

/// Every provider's checks.
pub static PROVIDERS: &[&[(&str, CheckFn)]] = &[
    alicloud::CHECKS,
    argocd::CHECKS,
    aws::CHECKS,
    azure::CHECKS,
    docker::CHECKS,
    gcp::CHECKS,
    github::CHECKS,
    kubernetes::CHECKS,
    secrets::CHECKS,
    terraform::CHECKS,
];

/// Every registered native check, by rule id.
pub fn all() -> impl Iterator<Item = &'static (&'static str, CheckFn)> {
    PROVIDERS.iter().flat_map(|p| p.iter())
}

/// The check registered for `id`.
pub fn lookup(id: &str) -> Option<CheckFn> {
    all().find(|(i, _)| *i == id).map(|(_, f)| *f)
}
