//! Builds findings about the model (validation, links, patterns, threats):
//! title, severity, remediation, controls and aliases come from the rule
//! registry through `lookup`; the caller decides only whether and where a
//! rule fails. One place, so every model-side check reports the same way.

use crate::entity::Entity;
use crate::load::Catalog;
use crate::reference::Kind;
use archgate_core::{Finding, FindingKind, Location, RuleMeta, Severity, Span};
use std::collections::HashMap;

/// Most source lines copied into a finding's snippet.
const MAX_SNIPPET_LINES: u32 = 5;

/// Collects findings, filling rule metadata from the registry.
pub struct Emitter<'l> {
    catalog: &'l Catalog,
    lookup: &'l dyn Fn(&str) -> Option<RuleMeta>,
    cache: HashMap<String, Option<RuleMeta>>,
    pub findings: Vec<Finding>,
}

/// Where and about what a finding is, for [`Emitter::emit`].
pub struct Subject<'a> {
    pub kind: FindingKind,
    pub file: &'a str,
    pub span: Span,
    /// Resource address or entity ref.
    pub resource: String,
    /// Component ref the finding belongs to, if any.
    pub component: Option<String>,
    /// Extra fingerprint discriminator (the field at fault).
    pub key: &'a str,
}

impl<'l> Emitter<'l> {
    pub fn new(catalog: &'l Catalog, lookup: &'l dyn Fn(&str) -> Option<RuleMeta>) -> Self {
        Emitter {
            catalog,
            lookup,
            cache: HashMap::new(),
            findings: Vec::new(),
        }
    }

    /// The registry's metadata for `rule` (cached).
    pub fn meta(&mut self, rule: &str) -> Option<&RuleMeta> {
        let lookup = self.lookup;
        self.cache
            .entry(rule.to_string())
            .or_insert_with(|| lookup(rule))
            .as_ref()
    }

    /// A model finding about `entity` at `span` in `file`.
    #[allow(clippy::too_many_arguments)]
    pub fn report(
        &mut self,
        rule: &str,
        file: &str,
        span: Span,
        entity: &Entity,
        key: &str,
        message: String,
        related: Vec<Location>,
    ) {
        let resource = entity.reference.to_string();
        let component = matches!(entity.kind, Kind::Component).then(|| resource.clone());
        self.emit(
            rule,
            Subject {
                kind: FindingKind::Model,
                file,
                span,
                resource,
                component,
                key,
            },
            message,
            related,
        );
    }

    /// A finding of any kind; severity from the registry (medium if unknown).
    pub fn emit(&mut self, rule: &str, at: Subject<'_>, message: String, related: Vec<Location>) {
        let severity = self.meta(rule).map_or(Severity::Medium, |m| m.severity);
        self.emit_with_severity(rule, at, severity, message, related);
    }

    /// A finding whose severity is computed by the caller (threats: impact × likelihood).
    pub fn emit_with_severity(
        &mut self,
        rule: &str,
        at: Subject<'_>,
        severity: Severity,
        message: String,
        related: Vec<Location>,
    ) {
        // A key or scalar is one line; cap multi-line spans so snippets stay short.
        let end = at
            .span
            .end_line
            .clamp(at.span.line, at.span.line + MAX_SNIPPET_LINES - 1);
        let snippet = self.catalog.lines(at.file, at.span.line, end);
        let meta = self.meta(rule).cloned();
        self.findings.push(Finding {
            rule_id: rule.to_string(),
            title: meta
                .as_ref()
                .map_or_else(|| rule.to_string(), |m| m.title.clone()),
            severity,
            kind: at.kind,
            location: Some(Location {
                file: at.file.to_string(),
                span: at.span,
            }),
            fingerprint: Finding::fingerprint_of(rule, at.file, &at.resource, at.key),
            resource: Some(at.resource),
            component: at.component,
            message,
            remediation: meta.as_ref().map(|m| m.doc.remediation.clone()),
            controls: meta
                .as_ref()
                .map(|m| m.controls.clone())
                .unwrap_or_default(),
            aliases: meta.as_ref().map(|m| m.aliases.clone()).unwrap_or_default(),
            suppression: None,
            snippet,
            related,
        });
    }
}
