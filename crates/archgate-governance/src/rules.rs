//! The `AG-GOV-*` rule ids this crate reports, and how a governance finding
//! is built: title, severity, controls and remediation come from the rule
//! data files (compiled into the archgate-rules registry), so they are
//! written once.

use archgate_core::{Finding, FindingKind, Location, RuleMeta, Severity, Span};

/// An exception past its expiry date.
pub const EXCEPTION_EXPIRED: &str = "AG-GOV-EXC-001";
/// An exception without an expiry date.
pub const EXCEPTION_NO_EXPIRY: &str = "AG-GOV-EXC-002";
/// An exception waiving high or critical findings without compensating controls.
pub const EXCEPTION_NO_COMPENSATING_CONTROL: &str = "AG-GOV-EXC-003";
/// An exception without an approver, or approved by its own requester.
pub const EXCEPTION_NOT_INDEPENDENTLY_APPROVED: &str = "AG-GOV-EXC-004";

/// An ADR without a status or a date.
pub const ADR_NO_STATUS: &str = "AG-GOV-ADR-001";
/// An ADR missing a title or a required section.
pub const ADR_MISSING_SECTION: &str = "AG-GOV-ADR-002";
/// A relative link in an ADR to a file that does not exist.
pub const ADR_BROKEN_LINK: &str = "AG-GOV-ADR-003";
/// A superseded ADR that names no existing successor.
pub const ADR_SUPERSEDED_WITHOUT_SUCCESSOR: &str = "AG-GOV-ADR-004";
/// A supersede link that is not recorded on the other ADR.
pub const ADR_LINK_NOT_RECIPROCAL: &str = "AG-GOV-ADR-005";
/// An ADR proposed for longer than the allowed time.
pub const ADR_PROPOSED_TOO_LONG: &str = "AG-GOV-ADR-006";
/// A standard citing an ADR that does not exist or is superseded.
pub const ADR_CITATION: &str = "AG-GOV-ADR-007";
/// A catalog entity citing an ADR that does not exist or is superseded.
pub const ADR_MODEL_CITATION: &str = "AG-GOV-ADR-008";

/// Use of a technology on hold.
pub const STD_HOLD: &str = "AG-GOV-STD-001";
/// A version outside the allowed range.
pub const STD_VERSION_NOT_ALLOWED: &str = "AG-GOV-STD-002";
/// A version past its end of life.
pub const STD_END_OF_LIFE: &str = "AG-GOV-STD-003";
/// A version whose end of life is near.
pub const STD_END_OF_LIFE_SOON: &str = "AG-GOV-STD-004";
/// A container image from a registry that is not approved.
pub const STD_REGISTRY: &str = "AG-GOV-STD-005";
/// A required tag or label missing, or with a value the standard does not allow.
pub const STD_TAGGING: &str = "AG-GOV-STD-006";
/// A Kubernetes manifest using an API version no cluster serves any more.
pub const STD_REMOVED_API: &str = "AG-GOV-STD-007";

/// Every rule id this crate can report.
pub const RULE_IDS: &[&str] = &[
    ADR_NO_STATUS,
    ADR_MISSING_SECTION,
    ADR_BROKEN_LINK,
    ADR_SUPERSEDED_WITHOUT_SUCCESSOR,
    ADR_LINK_NOT_RECIPROCAL,
    ADR_PROPOSED_TOO_LONG,
    ADR_CITATION,
    ADR_MODEL_CITATION,
    EXCEPTION_EXPIRED,
    EXCEPTION_NO_EXPIRY,
    EXCEPTION_NO_COMPENSATING_CONTROL,
    EXCEPTION_NOT_INDEPENDENTLY_APPROVED,
    STD_HOLD,
    STD_VERSION_NOT_ALLOWED,
    STD_END_OF_LIFE,
    STD_END_OF_LIFE_SOON,
    STD_REGISTRY,
    STD_TAGGING,
    STD_REMOVED_API,
];

/// The registry's metadata for a governance rule.
pub fn meta(id: &str) -> Option<&'static RuleMeta> {
    archgate_rules::registry().meta(id)
}

/// What a governance finding is about, beyond its rule.
pub struct Subject<'a> {
    pub file: &'a str,
    pub span: Span,
    /// Resource address or `kind:name` of the record (`exception:ledger-db-single-az`).
    pub resource: String,
    pub component: Option<String>,
    /// Discriminator for the fingerprint (never a line number).
    pub key: &'a str,
    /// The text of `file`, for the snippet.
    pub text: Option<&'a str>,
}

/// Builds a governance finding for `rule` at `subject`.
pub fn finding(rule: &str, subject: Subject<'_>, message: String) -> Finding {
    let meta = meta(rule);
    let snippet = subject
        .text
        .filter(|_| subject.span.line > 0)
        .map(|t| archgate_core::span::snippet(t, subject.span.line, subject.span.line))
        .filter(|s| !s.is_empty());
    Finding {
        rule_id: rule.to_string(),
        title: meta.map_or_else(|| rule.to_string(), |m| m.title.clone()),
        severity: meta.map_or(Severity::Medium, |m| m.severity),
        kind: FindingKind::Governance,
        location: Some(Location {
            file: subject.file.to_string(),
            span: subject.span,
        }),
        fingerprint: Finding::fingerprint_of(rule, subject.file, &subject.resource, subject.key),
        resource: Some(subject.resource),
        component: subject.component,
        message,
        remediation: meta.map(|m| m.doc.remediation.clone()),
        controls: meta.map(|m| m.controls.clone()).unwrap_or_default(),
        aliases: meta.map(|m| m.aliases.clone()).unwrap_or_default(),
        suppression: None,
        snippet,
        related: Vec::new(),
    }
}
