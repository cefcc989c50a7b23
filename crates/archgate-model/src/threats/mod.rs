//! STRIDE threats derived from the model (`archgate threats`, and the threat
//! part of `archgate check`): 42 rules `AG-S01`…`AG-E06` over a prepared
//! graph of the catalog (flows indexed by source and target, trust-boundary
//! membership with nesting, the data each asset touches, network-boundary
//! crossings, internet exposure) plus the IaC resources linked to each
//! component, which count as mitigations (a WAF association, a KMS key, a
//! security group, a log group — with their file and line).
//!
//! Each rule follows the trigger of `research/model.md`'s table and keeps
//! Threagile's category id as its alias, so Threagile users' habits (and
//! `risk_tracking` imported as exceptions) carry over. Severity comes from
//! impact × likelihood on Threagile's matrix ([`severity`]); every threat
//! lists the elements involved, the mitigations found and its status.
//! Mitigated threats are still reported, as findings suppressed with kind
//! `mitigated`; accepted ones are findings an exception waived (governance
//! applies exceptions after this module runs; [`mark_accepted`] reads the
//! outcome back).
//!
//! Derivation is linear in the size of the model: the graph is built once
//! with indexes, and every rule walks nodes, flows or boundary members, never
//! flows × components. Not here: rule metadata (the rule files in
//! archgate-rules), waiving (archgate-governance), rendering (the binary and
//! [`report`]).

mod graph;
pub mod report;
mod rules;
pub mod severity;

use crate::emit::{Emitter, Subject};
use crate::links::Inventory;
use crate::load::Catalog;
use crate::reference::Kind;
use archgate_core::{Finding, FindingKind, Location, Span, Suppression};
pub use severity::{Impact, Likelihood, RiskLevel};

/// STRIDE categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stride {
    Spoofing,
    Tampering,
    Repudiation,
    InformationDisclosure,
    DenialOfService,
    ElevationOfPrivilege,
}

impl Stride {
    pub const ALL: [Stride; 6] = [
        Stride::Spoofing,
        Stride::Tampering,
        Stride::Repudiation,
        Stride::InformationDisclosure,
        Stride::DenialOfService,
        Stride::ElevationOfPrivilege,
    ];

    /// The kebab-case name (`information-disclosure`).
    pub fn as_str(self) -> &'static str {
        match self {
            Stride::Spoofing => "spoofing",
            Stride::Tampering => "tampering",
            Stride::Repudiation => "repudiation",
            Stride::InformationDisclosure => "information-disclosure",
            Stride::DenialOfService => "denial-of-service",
            Stride::ElevationOfPrivilege => "elevation-of-privilege",
        }
    }

    /// A heading for reports (`Information disclosure`).
    pub fn title(self) -> &'static str {
        match self {
            Stride::Spoofing => "Spoofing",
            Stride::Tampering => "Tampering",
            Stride::Repudiation => "Repudiation",
            Stride::InformationDisclosure => "Information disclosure",
            Stride::DenialOfService => "Denial of service",
            Stride::ElevationOfPrivilege => "Elevation of privilege",
        }
    }

    /// The letter of the rule id (`AG-S01` is spoofing).
    pub fn from_rule_id(id: &str) -> Option<Stride> {
        match id.strip_prefix("AG-")?.chars().next()? {
            'S' => Some(Stride::Spoofing),
            'T' => Some(Stride::Tampering),
            'R' => Some(Stride::Repudiation),
            'I' => Some(Stride::InformationDisclosure),
            'D' => Some(Stride::DenialOfService),
            'E' => Some(Stride::ElevationOfPrivilege),
            _ => None,
        }
    }
}

/// A threat rule: its id and the Threagile categories it answers for.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    pub id: &'static str,
    /// Threagile category ids (the rule file's `aliases`); empty for
    /// archgate's own rules.
    pub threagile: &'static [&'static str],
}

/// Every threat rule, in id order (the rule files under
/// `crates/archgate-rules/rules/threat/` carry the same ids and aliases).
pub const RULES: &[RuleInfo] = &[
    r("AG-D01", &["dos-risky-access-across-trust-boundary"]),
    r("AG-D02", &[]),
    r("AG-D03", &[]),
    r("AG-E01", &["unguarded-access-from-internet"]),
    r("AG-E02", &["unguarded-direct-datastore-access"]),
    r(
        "AG-E03",
        &[
            "missing-network-segmentation",
            "missing-vault-isolation",
            "missing-identity-provider-isolation",
        ],
    ),
    r(
        "AG-E04",
        &[
            "mixed-targets-on-shared-runtime",
            "container-platform-escape",
        ],
    ),
    r("AG-E05", &["missing-identity-propagation"]),
    r("AG-E06", &[]),
    r("AG-I01", &["unencrypted-communication"]),
    r("AG-I02", &["unencrypted-asset"]),
    r("AG-I03", &["accidental-secret-leak"]),
    r("AG-I04", &["path-traversal"]),
    r("AG-I05", &["server-side-request-forgery"]),
    r("AG-I06", &["xml-external-entity"]),
    r("AG-I07", &["missing-vault"]),
    r("AG-I08", &[]),
    r("AG-I09", &[]),
    r("AG-I10", &[]),
    r("AG-R01", &[]),
    r("AG-R02", &[]),
    r("AG-S01", &["missing-authentication"]),
    r("AG-S02", &["missing-authentication-second-factor"]),
    r("AG-S03", &["missing-identity-store"]),
    r("AG-S04", &["service-registry-poisoning"]),
    r("AG-S05", &["cross-site-request-forgery"]),
    r("AG-S06", &[]),
    r("AG-S07", &["missing-file-validation"]),
    r("AG-T01", &["missing-waf"]),
    r("AG-T02", &["sql-nosql-injection"]),
    r("AG-T03", &["ldap-injection"]),
    r("AG-T04", &["search-query-injection"]),
    r("AG-T05", &["cross-site-scripting"]),
    r("AG-T06", &["untrusted-deserialization"]),
    r("AG-T07", &["code-backdooring"]),
    r("AG-T08", &["container-baseimage-backdooring"]),
    r("AG-T09", &["unchecked-deployment"]),
    r("AG-T10", &["push-instead-of-pull-deployment"]),
    r("AG-T11", &["missing-build-infrastructure"]),
    r("AG-T12", &["missing-hardening"]),
    r("AG-T13", &["missing-cloud-hardening"]),
    r("AG-T14", &[]),
];

const fn r(id: &'static str, threagile: &'static [&'static str]) -> RuleInfo {
    RuleInfo { id, threagile }
}

/// The rule with this id, if it is a threat rule.
pub fn rule(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id.eq_ignore_ascii_case(id))
}

/// Where a threat stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Nothing in the model or the IaC mitigates it, and no exception accepts it.
    Open,
    /// A valid exception accepts the risk (until its expiry).
    Accepted,
    /// A model fact or a linked IaC resource mitigates it.
    Mitigated,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Accepted => "accepted",
            Status::Mitigated => "mitigated",
        }
    }
}

/// A model element a threat involves.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    /// Entity ref (`component:default/payments-api`).
    pub reference: String,
    pub kind: Kind,
    pub title: Option<String>,
    pub file: String,
    pub span: Span,
}

/// Something that mitigates a threat, and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Mitigation {
    /// What mitigates (`flow passes component:default/edge-waf (WAF)`,
    /// `aws_wafv2_web_acl_association.portal`).
    pub description: String,
    pub file: String,
    pub span: Span,
}

impl Mitigation {
    /// `description (file:line)`.
    pub fn render(&self) -> String {
        if self.span.line > 0 {
            format!("{} ({}:{})", self.description, self.file, self.span.line)
        } else {
            format!("{} ({})", self.description, self.file)
        }
    }
}

/// One threat derived from the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Threat {
    /// Rule id (`AG-T01`).
    pub rule: &'static str,
    /// The Threagile category this instance corresponds to, if any
    /// (`missing-waf`; AG-E03 and AG-E04 bundle several).
    pub category: Option<&'static str>,
    pub stride: Stride,
    /// The rule's title.
    pub title: String,
    /// What is at risk, in one sentence.
    pub message: String,
    pub likelihood: Likelihood,
    pub impact: Impact,
    /// The level on Threagile's matrix (kept for people comparing with Threagile).
    pub level: RiskLevel,
    pub severity: archgate_core::Severity,
    /// The element the finding is reported at first, then the others involved.
    pub elements: Vec<Element>,
    pub mitigations: Vec<Mitigation>,
    pub status: Status,
    /// Threagile-style synthetic id (`missing-waf@<flow>@<source>@<target>`).
    pub synthetic_id: String,
    /// The fingerprint of the finding reported for it (joins with the report).
    pub fingerprint: String,
    /// The exception that accepts it and its expiry, once [`mark_accepted`] ran.
    pub accepted_by: Option<Suppression>,
}

/// Derives every threat of the model, reports each as a finding of kind
/// `threat` through `out` (mitigated ones suppressed with kind `mitigated`),
/// and returns them.
pub fn derive(catalog: &Catalog, inventory: Option<&Inventory>, out: &mut Emitter) -> Vec<Threat> {
    let g = graph::Graph::build(catalog, inventory);
    let raw = rules::run_all(&g);
    let mut threats = Vec::with_capacity(raw.len());
    for t in raw {
        threats.push(emit(&g, t, out));
    }
    threats
}

/// Turns a rule's raw threat into a [`Threat`] and its finding.
fn emit(g: &graph::Graph, t: rules::Raw, out: &mut Emitter) -> Threat {
    let (severity, level) = severity::rate(t.likelihood, t.impact);
    let title = out
        .meta(t.rule)
        .map_or_else(|| t.rule.to_string(), |m| m.title.clone());
    let elements: Vec<Element> = t.elements.iter().map(|&i| g.element(i)).collect();
    let main = elements.first().cloned().unwrap_or(Element {
        reference: String::new(),
        kind: Kind::Component,
        title: None,
        file: String::new(),
        span: Span::default(),
    });
    let component = t
        .component
        .and_then(|i| g.catalog.entities.get(i))
        .filter(|e| e.kind == Kind::Component)
        .map(|e| e.reference.to_string());
    let key = t.key.clone();
    let mut message = t.message.clone();
    message.push_str(&format!(
        " [{} likelihood × {} impact]",
        t.likelihood.as_str(),
        t.impact.as_str()
    ));
    let related: Vec<Location> = elements
        .iter()
        .skip(1)
        .map(|e| Location {
            file: e.file.clone(),
            span: e.span,
        })
        .chain(t.mitigations.iter().map(|m| Location {
            file: m.file.clone(),
            span: m.span,
        }))
        .collect();
    out.emit_with_severity(
        t.rule,
        Subject {
            kind: FindingKind::Threat,
            file: &main.file,
            span: main.span,
            resource: main.reference.clone(),
            component,
            key: &key,
        },
        severity,
        message,
        related,
    );
    let status = if t.mitigations.is_empty() {
        Status::Open
    } else {
        Status::Mitigated
    };
    let fingerprint = out.findings.last().map(|f| f.fingerprint.clone());
    if status == Status::Mitigated {
        if let Some(f) = out.findings.last_mut() {
            let reasons: Vec<String> = t.mitigations.iter().map(|m| m.render()).collect();
            f.suppression = Some(Suppression {
                kind: "mitigated".into(),
                by: None,
                reason: Some(format!("mitigated by {}", reasons.join("; "))),
                until: None,
                source: t.mitigations.first().map(|m| {
                    if m.span.line > 0 {
                        format!("{}:{}", m.file, m.span.line)
                    } else {
                        m.file.clone()
                    }
                }),
            });
        }
    }
    Threat {
        rule: t.rule,
        category: t.category,
        stride: Stride::from_rule_id(t.rule).unwrap_or(Stride::Tampering),
        title,
        message: t.message,
        likelihood: t.likelihood,
        impact: t.impact,
        level,
        severity,
        elements,
        mitigations: t.mitigations,
        status,
        synthetic_id: t.synthetic_id,
        fingerprint: fingerprint.unwrap_or_default(),
        accepted_by: None,
    }
}

/// Reads back which threats an exception accepted: a threat whose finding
/// carries an `exception` suppression becomes [`Status::Accepted`] (a
/// mitigated threat stays mitigated).
pub fn mark_accepted(threats: &mut [Threat], findings: &[Finding]) {
    let by_fp: std::collections::HashMap<&str, &Finding> = findings
        .iter()
        .filter(|f| f.kind == FindingKind::Threat)
        .map(|f| (f.fingerprint.as_str(), f))
        .collect();
    for t in threats.iter_mut() {
        let Some(f) = by_fp.get(t.fingerprint.as_str()) else {
            continue;
        };
        if let Some(s) = f.suppression.as_ref().filter(|s| s.kind == "exception") {
            t.status = Status::Accepted;
            t.accepted_by = Some(s.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mark_accepted_reads_exception_suppressions_back() {
        let text = "\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: portal}
spec: {type: website, lifecycle: production, owner: t, archgate: {machine: container}}
";
        let loaded = crate::load::load_texts(&[("c.yaml".into(), text.into())]);
        let lookup = |_: &str| None;
        let mut out = Emitter::new(&loaded.catalog, &lookup);
        let mut threats = derive(&loaded.catalog, None, &mut out);
        let mut findings = out.findings;
        let xss = findings.iter().position(|f| f.rule_id == "AG-T05").unwrap();
        findings[xss].suppression = Some(Suppression {
            kind: "exception".into(),
            by: Some("user:h.brennan".into()),
            reason: Some("CSP rolled out".into()),
            until: Some("2027-03-31".into()),
            source: Some("portal-xss".into()),
        });
        mark_accepted(&mut threats, &findings);
        let t05 = threats.iter().find(|t| t.rule == "AG-T05").unwrap();
        assert_eq!(t05.status, Status::Accepted);
        assert_eq!(
            t05.accepted_by.as_ref().and_then(|s| s.until.as_deref()),
            Some("2027-03-31")
        );
        let t08 = threats.iter().find(|t| t.rule == "AG-T08").unwrap();
        assert_eq!(t08.status, Status::Open);
    }

    #[test]
    fn rules_are_sorted_unique_and_named_by_stride() {
        let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted);
        assert_eq!(ids.len(), 42);
        for id in ids {
            assert!(Stride::from_rule_id(id).is_some(), "{id}");
        }
        assert_eq!(
            rule("ag-t01").map(|r| r.threagile),
            Some(&["missing-waf"][..])
        );
        // Every Threagile threat category appears once.
        let mut cats: Vec<&str> = RULES
            .iter()
            .flat_map(|r| r.threagile.iter().copied())
            .collect();
        let n = cats.len();
        cats.sort_unstable();
        cats.dedup();
        assert_eq!(cats.len(), n);
        assert_eq!(n, 35);
    }
}
