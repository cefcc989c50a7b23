//! Reference architectures: what a component of a given workload archetype
//! and tier must show, and what data of a given classification demands of
//! the components and flows that hold or carry it.
//!
//! A `Pattern` (`standards/patterns/*.yaml`, kind `Pattern`) names either an
//! `archetype` (per tier: `requiredFacts` — `spec.archgate` fields that must
//! be declared, with optional bounds such as `rto <= 1h`; `requiredControls`
//! — rule ids or their Checkov/Trivy aliases that must pass on the
//! component's linked resources; `requiredSettings` — resource attributes
//! with bounds, `aws_db_instance.backup_retention_period >= 35`) or a data
//! `classification` (`requiredControls` on the resources of every component
//! storing or processing data that sensitive, `requiredFlow` facts on every
//! flow carrying it, and residency). Built-in defaults cover the five
//! workload archetypes and confidential/restricted data; a workspace
//! pattern replaces the built-in one for the same archetype or
//! classification.
//!
//! Findings: `AG-ARCH-010` (missing fact), `AG-ARCH-011` (required control
//! fails), `AG-ARCH-012` (setting out of bounds), `AG-ARCH-020` (control
//! required by the data's classification fails), `AG-ARCH-021` (flow
//! carrying classified data lacks a protection), `AG-ARCH-022` (data held
//! outside its residency). A requirement whose underlying finding is waived
//! (inline skip, exception) counts as met by that waiver, which is already
//! visible on its own. [`adoption`] gives the adoption status per pattern
//! (the KPI "reference architecture adoption rate").

use crate::emit::{Emitter, Subject};
use crate::entity::{Details, Entity};
use crate::links::Inventory;
use crate::load::Catalog;
use crate::reference::Kind;
use crate::vocab::{self, Classification};
use archgate_core::fields::Fields;
use archgate_core::yaml::parse_documents;
use archgate_core::{Finding, FindingKind, InputError, Location, Node, RuleMeta, Span, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::time::Duration;

pub const MISSING_FACT: &str = "AG-ARCH-010";
pub const CONTROL_FAILS: &str = "AG-ARCH-011";
pub const SETTING_OUT_OF_BOUNDS: &str = "AG-ARCH-012";
pub const CLASSIFICATION_CONTROL_FAILS: &str = "AG-ARCH-020";
pub const FLOW_UNPROTECTED: &str = "AG-ARCH-021";
pub const RESIDENCY: &str = "AG-ARCH-022";

/// Every rule id this module can report.
pub const RULE_IDS: &[&str] = &[
    MISSING_FACT,
    CONTROL_FAILS,
    SETTING_OUT_OF_BOUNDS,
    CLASSIFICATION_CONTROL_FAILS,
    FLOW_UNPROTECTED,
    RESIDENCY,
];

/// The built-in patterns, as data (`data/patterns/`).
const BUILTIN: &[(&str, &str)] = &[
    (
        "builtin/patterns/stateless-service.yaml",
        include_str!("../data/patterns/stateless-service.yaml"),
    ),
    (
        "builtin/patterns/stateful-service.yaml",
        include_str!("../data/patterns/stateful-service.yaml"),
    ),
    (
        "builtin/patterns/batch.yaml",
        include_str!("../data/patterns/batch.yaml"),
    ),
    (
        "builtin/patterns/event-driven.yaml",
        include_str!("../data/patterns/event-driven.yaml"),
    ),
    (
        "builtin/patterns/data-pipeline.yaml",
        include_str!("../data/patterns/data-pipeline.yaml"),
    ),
    (
        "builtin/patterns/confidential-data.yaml",
        include_str!("../data/patterns/confidential-data.yaml"),
    ),
    (
        "builtin/patterns/restricted-data.yaml",
        include_str!("../data/patterns/restricted-data.yaml"),
    ),
];

/// A value with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct At<T> {
    pub value: T,
    pub file: String,
    pub span: Span,
}

impl<T> At<T> {
    fn location(&self) -> Location {
        Location {
            file: self.file.clone(),
            span: self.span,
        }
    }
}

/// A comparison in a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Le,
    Lt,
    Ge,
    Gt,
    Eq,
}

impl Op {
    fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Op::Le => a <= b,
            Op::Lt => a < b,
            Op::Ge => a >= b,
            Op::Gt => a > b,
            Op::Eq => (a - b).abs() < f64::EPSILON,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Ge => ">=",
            Op::Gt => ">",
            Op::Eq => "==",
        }
    }
}

/// Facts a pattern can require, and how they are compared.
const FACTS: &[&str] = &[
    "runbook",
    "onCall",
    "dashboards",
    "redundant",
    "rto",
    "rpo",
    "slo.availability",
    "region",
    "boundary",
    "runtime",
    "encryptionAtRest",
];

/// One `requiredFacts` entry: a fact that must be declared, optionally bounded.
#[derive(Debug, Clone, PartialEq)]
pub struct FactRequirement {
    pub fact: String,
    pub bound: Option<(Op, f64)>,
    /// The bound as written (`1h`), for messages.
    pub text: String,
}

/// One `requiredSettings` entry: `resource_type.attribute OP number`.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingRequirement {
    pub kind: String,
    pub attribute: String,
    pub op: Op,
    pub value: f64,
    pub text: String,
}

/// What one tier (or one classification) requires.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Requirements {
    pub facts: Vec<At<FactRequirement>>,
    /// Rule ids or aliases as written, with the registry id they resolve to.
    pub controls: Vec<At<(String, String)>>,
    pub settings: Vec<At<SettingRequirement>>,
    /// Flow facts (`encrypted`, `authenticated`, `mtls`, `signed`).
    pub flow: Vec<At<String>>,
}

/// What a pattern applies to.
#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    Archetype(String),
    Classification(Classification),
}

/// One reference architecture.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    pub name: String,
    pub title: Option<String>,
    pub file: String,
    pub span: Span,
    pub scope: Scope,
    /// Per tier (archetype patterns).
    pub tiers: BTreeMap<u8, Requirements>,
    /// Classification patterns.
    pub requires: Requirements,
    pub builtin: bool,
}

const PATTERN_KEYS: &[&str] = &["apiVersion", "kind", "metadata", "spec"];
const SPEC_KEYS: &[&str] = &[
    "archetype",
    "classification",
    "tiers",
    "description",
    "requiredControls",
    "requiredFlow",
];
const TIER_KEYS: &[&str] = &["requiredFacts", "requiredControls", "requiredSettings"];
const FLOW_FACTS: &[&str] = &["encrypted", "authenticated", "mtls", "signed", "authorized"];

fn err(file: &str, span: Span, message: String, expected: &str) -> InputError {
    InputError::new(file, span.line, span.col, message).expected(expected.to_string())
}

fn parse_op(text: &str) -> Option<(Op, &str)> {
    for (s, op) in [
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("==", Op::Eq),
        ("<", Op::Lt),
        (">", Op::Gt),
    ] {
        if let Some(rest) = text.trim_start().strip_prefix(s) {
            return Some((op, rest.trim()));
        }
    }
    None
}

fn parse_fact(
    file: &str,
    s: &archgate_core::fields::Spanned<String>,
) -> Result<At<FactRequirement>, InputError> {
    let text = s.value.trim();
    let split = text.find(['<', '>', '=']).unwrap_or(text.len());
    let (fact, rest) = text.split_at(split);
    let fact = fact.trim();
    if !FACTS.contains(&fact) {
        return Err(err(
            file,
            s.span,
            format!("unknown fact `{fact}` in requiredFacts"),
            &format!(
                "one of {} (optionally with a bound: `rto <= 1h`)",
                FACTS.join(", ")
            ),
        ));
    }
    let bound = if rest.trim().is_empty() {
        None
    } else {
        let Some((op, value)) = parse_op(rest) else {
            return Err(err(
                file,
                s.span,
                format!("cannot read the bound in `{text}`"),
                "an operator <=, <, >=, > or == and a value",
            ));
        };
        let number = match fact {
            "rto" | "rpo" => vocab::parse_duration(value).map(|d| d.as_secs_f64()),
            "slo.availability" => value.trim_end_matches('%').parse::<f64>().ok(),
            _ => None,
        };
        let Some(n) = number else {
            return Err(err(
                file,
                s.span,
                format!("cannot compare `{fact}` with `{value}`"),
                "a duration (15m, 4h) for rto/rpo, a percentage for slo.availability; other facts take no bound",
            ));
        };
        Some((op, n))
    };
    Ok(At {
        value: FactRequirement {
            fact: fact.to_string(),
            bound,
            text: text.to_string(),
        },
        file: file.to_string(),
        span: s.span,
    })
}

fn parse_setting(
    file: &str,
    s: &archgate_core::fields::Spanned<String>,
) -> Result<At<SettingRequirement>, InputError> {
    let text = s.value.trim();
    let split = text.find(['<', '>', '=']).unwrap_or(text.len());
    let (path, rest) = text.split_at(split);
    let parsed = path
        .trim()
        .split_once('.')
        .zip(parse_op(rest))
        .and_then(|((kind, attr), (op, v))| v.parse::<f64>().ok().map(|n| (kind, attr, op, n)));
    let Some((kind, attribute, op, value)) = parsed else {
        return Err(err(
            file,
            s.span,
            format!("cannot read the setting `{text}`"),
            "`resource_type.attribute OP number`, e.g. `aws_db_instance.backup_retention_period >= 35`",
        ));
    };
    Ok(At {
        value: SettingRequirement {
            kind: kind.to_string(),
            attribute: attribute.to_string(),
            op,
            value,
            text: text.to_string(),
        },
        file: file.to_string(),
        span: s.span,
    })
}

fn parse_controls(
    f: &Fields<'_>,
    key: &str,
    lookup: &dyn Fn(&str) -> Option<RuleMeta>,
) -> Result<Vec<At<(String, String)>>, InputError> {
    let mut out = Vec::new();
    for c in f.str_list(key)? {
        let Some(meta) = lookup(&c.value) else {
            return Err(err(
                f.file(),
                c.span,
                format!("`{}` in {key} names no rule", c.value),
                "an archgate rule id or a Checkov/Trivy alias (`archgate rules` lists them)",
            ));
        };
        out.push(At {
            value: (c.value.clone(), meta.id),
            file: f.file().to_string(),
            span: c.span,
        });
    }
    Ok(out)
}

fn parse_pattern(
    file: &str,
    doc: &Node,
    lookup: &dyn Fn(&str) -> Option<RuleMeta>,
    builtin: bool,
) -> Result<Pattern, InputError> {
    let top = Fields::new(file, doc, "")?;
    top.deny_unknown(PATTERN_KEYS)?;
    let kind = top.req_str("kind")?;
    if kind.value != "Pattern" {
        return Err(err(
            file,
            kind.span,
            format!("kind `{}` in a patterns file", kind.value),
            "kind: Pattern",
        ));
    }
    let meta = top.map("metadata")?.ok_or_else(|| {
        err(
            file,
            doc.span,
            "a pattern needs metadata.name".into(),
            "metadata: {name: …}",
        )
    })?;
    let name = meta.req_str("name")?;
    let title = meta.str("title")?.map(|t| t.value);
    let spec = top.map("spec")?.ok_or_else(|| {
        err(
            file,
            doc.span,
            "a pattern needs a spec".into(),
            "spec: {archetype: …, tiers: …} or spec: {classification: …}",
        )
    })?;
    spec.deny_unknown(SPEC_KEYS)?;
    let scope = match (spec.str("archetype")?, spec.str("classification")?) {
        (Some(a), None) => {
            if !vocab::ARCHETYPES.contains(&a.value.as_str()) {
                return Err(err(
                    file,
                    a.span,
                    format!("unknown archetype `{}`", a.value),
                    &format!("one of {}", vocab::ARCHETYPES.join(", ")),
                ));
            }
            Scope::Archetype(a.value)
        }
        (None, Some(c)) => match Classification::parse(&c.value) {
            Some(c) => Scope::Classification(c),
            None => {
                return Err(err(
                    file,
                    c.span,
                    format!("unknown classification `{}`", c.value),
                    &format!("one of {}", vocab::CLASSIFICATIONS.join(", ")),
                ))
            }
        },
        _ => {
            return Err(err(
                file,
                spec.span(),
                "a pattern names exactly one of spec.archetype or spec.classification".into(),
                "archetype: stateful-service, or classification: restricted",
            ))
        }
    };
    let mut tiers = BTreeMap::new();
    let mut requires = Requirements::default();
    match scope {
        Scope::Archetype(_) => {
            let Some(t) = spec.node("tiers") else {
                return Err(err(
                    file,
                    spec.span(),
                    "an archetype pattern needs spec.tiers".into(),
                    "tiers: {1: {requiredFacts: […], requiredControls: […]}, …}",
                ));
            };
            for (k, v) in t.as_map().unwrap_or(&[]) {
                let tier = k.name.parse::<u8>().ok().filter(|t| (1..=4).contains(t));
                let Some(tier) = tier else {
                    return Err(err(
                        file,
                        k.span,
                        format!("`{}` is not a tier", k.name),
                        "a tier 1 to 4",
                    ));
                };
                let f = Fields::new(file, v, &format!("spec.tiers.{tier}"))?;
                f.deny_unknown(TIER_KEYS)?;
                let mut r = Requirements::default();
                for s in f.str_list("requiredFacts")? {
                    r.facts.push(parse_fact(file, &s)?);
                }
                r.controls = parse_controls(&f, "requiredControls", lookup)?;
                for s in f.str_list("requiredSettings")? {
                    r.settings.push(parse_setting(file, &s)?);
                }
                tiers.insert(tier, r);
            }
        }
        Scope::Classification(_) => {
            requires.controls = parse_controls(&spec, "requiredControls", lookup)?;
            for s in spec.str_list("requiredFlow")? {
                if !FLOW_FACTS.contains(&s.value.as_str()) {
                    return Err(err(
                        file,
                        s.span,
                        format!("unknown flow fact `{}`", s.value),
                        &format!("one of {}", FLOW_FACTS.join(", ")),
                    ));
                }
                requires.flow.push(At {
                    value: s.value.clone(),
                    file: file.to_string(),
                    span: s.span,
                });
            }
        }
    }
    Ok(Pattern {
        name: name.value,
        title,
        file: file.to_string(),
        span: doc.span,
        scope,
        tiers,
        requires,
        builtin,
    })
}

fn parse_file(
    file: &str,
    text: &str,
    lookup: &dyn Fn(&str) -> Option<RuleMeta>,
    builtin: bool,
    out: &mut Vec<Pattern>,
    errors: &mut Vec<InputError>,
) {
    match parse_documents(text) {
        Ok(docs) => {
            for d in docs.iter().filter(|d| !d.is_null()) {
                match parse_pattern(file, d, lookup, builtin) {
                    Ok(p) => out.push(p),
                    Err(e) => errors.push(e),
                }
            }
        }
        Err(e) => errors.push(
            InputError::new(file, e.line.max(1), e.col.max(1), e.message)
                .expected("a valid YAML document"),
        ),
    }
}

/// The patterns in force: the workspace's (`root/dir/*.yaml`) plus the
/// built-in ones for archetypes and classifications the workspace does not
/// define. Errors name file, line and column.
pub fn load_patterns(
    root: &Path,
    dir: &str,
    lookup: &dyn Fn(&str) -> Option<RuleMeta>,
) -> (Vec<Pattern>, Vec<InputError>) {
    let mut patterns = Vec::new();
    let mut errors = Vec::new();
    let path = root.join(dir);
    if let Ok(entries) = std::fs::read_dir(&path) {
        let mut files: Vec<_> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect();
        files.sort();
        for p in files {
            let rel = format!(
                "{}/{}",
                dir.trim_end_matches('/'),
                p.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            );
            match std::fs::read_to_string(&p) {
                Ok(text) => parse_file(&rel, &text, lookup, false, &mut patterns, &mut errors),
                Err(e) => errors.push(InputError::whole_file(rel, format!("cannot read: {e}"))),
            }
        }
    }
    let mut builtin = Vec::new();
    for (file, text) in BUILTIN {
        parse_file(file, text, lookup, true, &mut builtin, &mut errors);
    }
    let defined: HashSet<String> = patterns.iter().map(|p| scope_key(&p.scope)).collect();
    patterns.extend(
        builtin
            .into_iter()
            .filter(|p| !defined.contains(&scope_key(&p.scope))),
    );
    (patterns, errors)
}

fn scope_key(s: &Scope) -> String {
    match s {
        Scope::Archetype(a) => format!("archetype:{a}"),
        Scope::Classification(c) => format!("classification:{}", c.as_str()),
    }
}

/// The resource attributes patterns compare (`(resource type, attribute)`),
/// for the scan to collect.
pub fn wanted_settings(patterns: &[Pattern]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = patterns
        .iter()
        .flat_map(|p| p.tiers.values())
        .flat_map(|r| r.settings.iter())
        .map(|s| (s.value.kind.clone(), s.value.attribute.clone()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Adoption of one pattern.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Adoption {
    pub pattern: String,
    pub title: Option<String>,
    /// Components the pattern applies to.
    pub components: Vec<String>,
    /// Those meeting every requirement.
    pub adopted: Vec<String>,
}

impl Adoption {
    /// Components the pattern applies to that do not meet it, in order.
    pub fn gaps(&self) -> Vec<&str> {
        let adopted: HashSet<&str> = self.adopted.iter().map(String::as_str).collect();
        self.components
            .iter()
            .map(String::as_str)
            .filter(|c| !adopted.contains(c))
            .collect()
    }
}

/// Components some pattern applies to, and how many of them meet every
/// pattern that applies to them (the KPI "reference architecture adoption
/// rate").
pub fn adoption_totals(adoption: &[Adoption]) -> (usize, usize) {
    let mut with: HashSet<&str> = HashSet::new();
    let mut failing: HashSet<&str> = HashSet::new();
    for a in adoption {
        let adopted: HashSet<&str> = a.adopted.iter().map(String::as_str).collect();
        for c in &a.components {
            with.insert(c);
            if !adopted.contains(c.as_str()) {
                failing.insert(c);
            }
        }
    }
    (with.len(), with.len() - failing.len())
}

/// The strictest classification of the data an entity stores or processes.
fn strictest_data(catalog: &Catalog, e: &Entity) -> Option<(Classification, String)> {
    let a = e.archgate.as_ref()?;
    a.data_stored
        .iter()
        .chain(a.data_processed.iter())
        .filter_map(|r| catalog.get(&r.target))
        .filter_map(|d| match &d.details {
            Details::DataAsset(da) => da
                .classification
                .as_ref()
                .map(|c| (c.value, d.reference.name.clone())),
            _ => None,
        })
        .max_by_key(|(c, _)| *c)
}

/// Evaluates every pattern on the catalog and the linked resources.
/// `findings` are the run's findings so far (IaC, policy), which say which
/// controls fail where. Returns the adoption status per pattern.
pub fn evaluate(
    catalog: &Catalog,
    inventory: &Inventory,
    patterns: &[Pattern],
    findings: &[Finding],
    out: &mut Emitter<'_>,
) -> Vec<Adoption> {
    // Findings by (file, resource address).
    let mut by_resource: HashMap<(&str, &str), Vec<&Finding>> = HashMap::new();
    for f in findings {
        if let (Some(l), Some(r)) = (&f.location, &f.resource) {
            by_resource
                .entry((l.file.as_str(), r.as_str()))
                .or_default()
                .push(f);
        }
    }
    let by_archetype: HashMap<&str, &Pattern> = patterns
        .iter()
        .filter_map(|p| match &p.scope {
            Scope::Archetype(a) => Some((a.as_str(), p)),
            _ => None,
        })
        .collect();
    let mut by_class: Vec<&Pattern> = patterns
        .iter()
        .filter(|p| matches!(p.scope, Scope::Classification(_)))
        .collect();
    by_class.sort_by_key(|p| match p.scope {
        Scope::Classification(c) => c,
        _ => Classification::Public,
    });
    let mut adoption: BTreeMap<String, Adoption> = BTreeMap::new();
    for p in patterns {
        adoption.insert(
            p.name.clone(),
            Adoption {
                pattern: p.name.clone(),
                title: p.title.clone(),
                ..Adoption::default()
            },
        );
    }

    for (idx, e) in catalog.entities.iter().enumerate() {
        if !matches!(e.kind, Kind::Component | Kind::Resource) {
            continue;
        }
        let Some(a) = &e.archgate else { continue };
        let component = e.reference.to_string();
        let comp = (e.kind == Kind::Component).then(|| component.clone());
        let resources: Vec<_> = inventory.resources_of(idx).collect();
        // Archetype pattern for the component's tier.
        if let (Some(arch), Some(tier)) = (&a.archetype, e.tier()) {
            if let Some(p) = by_archetype.get(arch.value.as_str()) {
                if let Some(req) = p.tiers.get(&tier) {
                    let before = out.findings.len();
                    for fr in &req.facts {
                        if let Some(problem) = fact_problem(e, &fr.value) {
                            let (file, span) =
                                a.block.as_ref().map_or((e.file.to_string(), e.span), |b| {
                                    (b.file.to_string(), b.span)
                                });
                            out.emit(
                                MISSING_FACT,
                                Subject {
                                    kind: FindingKind::Model,
                                    file: &file,
                                    span,
                                    resource: component.clone(),
                                    component: comp.clone(),
                                    key: &fr.value.text,
                                },
                                format!(
                                    "tier-{tier} {} pattern `{}` requires `{}`: {problem}",
                                    arch.value, p.name, fr.value.text
                                ),
                                vec![fr.location()],
                            );
                        }
                    }
                    for c in &req.controls {
                        control_gaps(
                            CONTROL_FAILS,
                            &format!("tier-{tier} {} pattern `{}`", arch.value, p.name),
                            c,
                            &resources,
                            &by_resource,
                            comp.as_deref(),
                            &component,
                            out,
                        );
                    }
                    for s in &req.settings {
                        for r in resources.iter().filter(|r| r.kind == s.value.kind) {
                            let found = r
                                .attributes
                                .iter()
                                .find(|(k, _)| *k == s.value.attribute)
                                .map(|(_, v)| v);
                            let problem = match found.map(|n| &n.value) {
                                None | Some(Value::Null) => Some("not set".to_string()),
                                Some(Value::Unknown(_)) => None,
                                Some(_) => match found.and_then(number) {
                                    Some(n) if s.value.op.holds(n, s.value.value) => None,
                                    Some(n) => Some(format!("is {n}")),
                                    None => None,
                                },
                            };
                            if let Some(problem) = problem {
                                out.emit(
                                    SETTING_OUT_OF_BOUNDS,
                                    Subject { kind: FindingKind::Model, file: &r.file, span: r.span, resource: r.address.clone(), component: comp.clone(), key: &s.value.text },
                                    format!(
                                        "tier-{tier} {} pattern `{}` requires `{}`; {}.{} {problem}",
                                        arch.value, p.name, s.value.text, r.address, s.value.attribute
                                    ),
                                    vec![s.location()],
                                );
                            }
                        }
                    }
                    if let Some(ad) = adoption.get_mut(&p.name) {
                        ad.components.push(component.clone());
                        if out.findings.len() == before {
                            ad.adopted.push(component.clone());
                        }
                    }
                }
            }
        }
        // Classification patterns: every one at or below the data's level applies.
        if let Some((class, data)) = strictest_data(catalog, e) {
            for p in by_class
                .iter()
                .filter(|p| matches!(p.scope, Scope::Classification(c) if c <= class))
            {
                let before = out.findings.len();
                for c in &p.requires.controls {
                    control_gaps(
                        CLASSIFICATION_CONTROL_FAILS,
                        &format!("{} data `{data}` (pattern `{}`)", class.as_str(), p.name),
                        c,
                        &resources,
                        &by_resource,
                        comp.as_deref(),
                        &component,
                        out,
                    );
                }
                if let Some(ad) = adoption.get_mut(&p.name) {
                    ad.components.push(component.clone());
                    if out.findings.len() == before {
                        ad.adopted.push(component.clone());
                    }
                }
            }
        }
        residency(catalog, e, out);
    }
    flows(catalog, &by_class, out);
    adoption.into_values().collect()
}

/// True for protocols that encrypt in transit.
fn protocol_encrypted(p: &str) -> bool {
    p.ends_with("-encrypted")
        || matches!(
            p,
            "https"
                | "wss"
                | "mqtts"
                | "ftps"
                | "sftp"
                | "scp"
                | "ssh"
                | "ssh-tunnel"
                | "ldaps"
                | "grpcs"
                | "amqps"
                | "kafka-tls"
                | "tls"
                | "dtls"
        )
}

fn number(n: &Node) -> Option<f64> {
    match &n.value {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Why `e` does not meet `r`, or None when it does.
fn fact_problem(e: &Entity, r: &FactRequirement) -> Option<String> {
    let a = e.archgate.as_ref()?;
    let present = |b: bool| (!b).then(|| "not declared".to_string());
    match r.fact.as_str() {
        "runbook" => present(a.runbook.is_some()),
        "onCall" => present(a.on_call.is_some()),
        "dashboards" => present(!a.dashboards.is_empty()),
        "region" => present(a.region.is_some()),
        "boundary" => present(a.boundary.is_some()),
        "runtime" => present(a.runtime.is_some()),
        "encryptionAtRest" => match &a.encryption_at_rest {
            None => Some("not declared".into()),
            Some(v) if v.value == "none" => Some("declared as none".into()),
            Some(_) => None,
        },
        "redundant" => match &a.redundant {
            Some(v) if v.value => None,
            Some(_) => Some("declared false".into()),
            None => Some("not declared".into()),
        },
        "rto" | "rpo" => {
            let v = if r.fact == "rto" { &a.rto } else { &a.rpo };
            let Some(v) = v else {
                return Some("not declared".into());
            };
            let (op, bound) = r.bound?;
            (!op.holds(v.value.as_secs_f64(), bound)).then(|| {
                format!(
                    "declared {} which is not {} {}",
                    human(v.value),
                    op.as_str(),
                    human(Duration::from_secs_f64(bound))
                )
            })
        }
        "slo.availability" => {
            let Some(av) = a.slo.as_ref().and_then(|s| s.value.availability) else {
                return Some("not declared".into());
            };
            let (op, bound) = r.bound?;
            (!op.holds(av, bound))
                .then(|| format!("declared {av}% which is not {} {bound}%", op.as_str()))
        }
        _ => None,
    }
}

fn human(d: Duration) -> String {
    let s = d.as_secs();
    if s.is_multiple_of(86_400) && s > 0 {
        format!("{}d", s / 86_400)
    } else if s.is_multiple_of(3600) && s > 0 {
        format!("{}h", s / 3600)
    } else if s.is_multiple_of(60) && s > 0 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// Reports each linked resource on which the required rule fails unwaived.
#[allow(clippy::too_many_arguments)]
fn control_gaps(
    rule: &str,
    why: &str,
    control: &At<(String, String)>,
    resources: &[&crate::links::IacResource],
    by_resource: &HashMap<(&str, &str), Vec<&Finding>>,
    comp: Option<&str>,
    component: &str,
    out: &mut Emitter<'_>,
) {
    let (written, id) = &control.value;
    for r in resources {
        let Some(fs) = by_resource.get(&(r.file.as_str(), r.address.as_str())) else {
            continue;
        };
        let failing = fs.iter().find(|f| {
            !f.is_suppressed()
                && (f.rule_id.eq_ignore_ascii_case(id)
                    || f.aliases.iter().any(|a| a.eq_ignore_ascii_case(written)))
        });
        if let Some(f) = failing {
            let named = if written.eq_ignore_ascii_case(id) {
                id.clone()
            } else {
                format!("{written} ({id})")
            };
            out.emit(
                rule,
                Subject {
                    kind: FindingKind::Model,
                    file: &r.file,
                    span: r.span,
                    resource: r.address.clone(),
                    component: comp.map(String::from),
                    key: written,
                },
                format!(
                    "{why} requires {named} to pass on the resources of {component}; it fails on {}: {}",
                    r.address, f.message
                ),
                vec![control.location()],
            );
        }
    }
}

/// Data with `residency` held by a component whose `region` is not allowed.
fn residency(catalog: &Catalog, e: &Entity, out: &mut Emitter<'_>) {
    let Some(a) = &e.archgate else { return };
    let Some(region) = &a.region else { return };
    for r in a.data_stored.iter().chain(a.data_processed.iter()) {
        let Some(d) = catalog.get(&r.target) else {
            continue;
        };
        let Details::DataAsset(da) = &d.details else {
            continue;
        };
        if da.residency.is_empty()
            || da
                .residency
                .iter()
                .any(|x| x.value.eq_ignore_ascii_case(&region.value))
        {
            continue;
        }
        let allowed: Vec<&str> = da.residency.iter().map(|x| x.value.as_str()).collect();
        out.emit(
            RESIDENCY,
            Subject {
                kind: FindingKind::Model,
                file: &region.file,
                span: region.span,
                resource: e.reference.to_string(),
                component: (e.kind == Kind::Component).then(|| e.reference.to_string()),
                key: &d.reference.name,
            },
            format!(
                "{} holds `{}` in region {}, outside its residency ({})",
                e.reference,
                d.reference.name,
                region.value,
                allowed.join(", ")
            ),
            vec![Location {
                file: r.file.to_string(),
                span: r.span,
            }],
        );
    }
}

/// Flows carrying classified data must show the protections the strictest
/// applicable classification pattern requires.
fn flows(catalog: &Catalog, by_class: &[&Pattern], out: &mut Emitter<'_>) {
    if by_class.is_empty() {
        return;
    }
    for e in catalog.of_kind(Kind::DataFlow) {
        let Details::DataFlow(f) = &e.details else {
            continue;
        };
        let strictest = f
            .data
            .iter()
            .chain(f.data_received.iter())
            .filter_map(|r| catalog.get(&r.target))
            .filter_map(|d| match &d.details {
                Details::DataAsset(da) => da
                    .classification
                    .as_ref()
                    .map(|c| (c.value, d.reference.name.clone())),
                _ => None,
            })
            .max_by_key(|(c, _)| *c);
        let Some((class, data)) = strictest else {
            continue;
        };
        let mut required: Vec<(&At<String>, &Pattern)> = Vec::new();
        for p in by_class
            .iter()
            .filter(|p| matches!(p.scope, Scope::Classification(c) if c <= class))
        {
            for r in &p.requires.flow {
                if !required.iter().any(|(x, _)| x.value == r.value) {
                    required.push((r, p));
                }
            }
        }
        // A person's browser or a partner system cannot be asked for a client
        // certificate or message signatures, and a customer acting for
        // themselves needs no authorisation beyond authentication: those
        // apply between our own services.
        let from_actor = f.source.target.known_kind() == Some(Kind::Actor)
            || f.target.target.known_kind() == Some(Kind::Actor);
        for (r, p) in required {
            if from_actor && matches!(r.value.as_str(), "mtls" | "signed" | "authorized") {
                continue;
            }
            let met = match r.value.as_str() {
                "encrypted" => f
                    .encrypted
                    .as_ref()
                    .map(|v| v.value)
                    .or_else(|| f.protocol.as_ref().map(|p| protocol_encrypted(&p.value))),
                "authenticated" => f.authentication.as_ref().map(|v| v.value != "none"),
                "authorized" => f.authorization.as_ref().map(|v| v.value != "none"),
                "mtls" => Some(f.mtls.as_ref().is_some_and(|v| v.value)),
                "signed" => Some(
                    f.signed.as_ref().is_some_and(|v| v.value)
                        || f.mtls.as_ref().is_some_and(|v| v.value),
                ),
                _ => None,
            };
            if met == Some(false) || met.is_none() {
                let state = if met.is_none() {
                    "does not declare it"
                } else {
                    "does not have it"
                };
                out.emit(
                    FLOW_UNPROTECTED,
                    Subject {
                        kind: FindingKind::Model,
                        file: &e.file,
                        span: e.name.span,
                        resource: e.reference.to_string(),
                        component: None,
                        key: &r.value,
                    },
                    format!(
                        "flow {} carries {} data `{data}`; pattern `{}` requires it to be {} and the flow {state}",
                        e.reference.name,
                        class.as_str(),
                        p.name,
                        r.value
                    ),
                    vec![r.location()],
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::{IacResource, Linker};
    use crate::load::load_texts;
    use archgate_core::{FindingKind, Severity};

    fn lookup(id: &str) -> Option<RuleMeta> {
        let known = [
            ("AG-AWS-RDS-004", "CKV_AWS_157"),
            ("AG-AWS-SQS-001", "CKV_AWS_27"),
        ];
        known
            .iter()
            .find(|(i, a)| i.eq_ignore_ascii_case(id) || a.eq_ignore_ascii_case(id))
            .map(|(i, a)| RuleMeta {
                id: i.to_string(),
                title: i.to_string(),
                severity: Severity::High,
                provider: "aws".into(),
                kind: FindingKind::Iac,
                resource_kinds: vec![],
                aliases: vec![a.to_string()],
                controls: vec![],
                doc: Default::default(),
            })
    }

    fn parse(text: &str) -> Result<Vec<Pattern>, InputError> {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        parse_file("p.yaml", text, &lookup, false, &mut out, &mut errors);
        match errors.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }

    const HEAD: &str =
        "apiVersion: archgate.dev/v1alpha1\nkind: Pattern\nmetadata:\n  name: p\nspec:\n";

    #[test]
    fn builtin_patterns_cover_the_five_archetypes_and_two_classifications() {
        // The real registry is checked end to end by the binary's tests (every
        // `check` loads the built-ins and fails on an unknown rule id); here
        // any archgate id is accepted so the shapes and scopes are checked.
        let any = |id: &str| {
            id.starts_with("AG-").then(|| RuleMeta {
                id: id.to_string(),
                title: String::new(),
                severity: Severity::High,
                provider: String::new(),
                kind: FindingKind::Iac,
                resource_kinds: vec![],
                aliases: vec![],
                controls: vec![],
                doc: Default::default(),
            })
        };
        let (patterns, errors) = load_patterns(Path::new("/nonexistent"), "patterns", &any);
        assert!(errors.is_empty(), "{errors:?}");
        let mut scopes: Vec<String> = patterns.iter().map(|p| scope_key(&p.scope)).collect();
        scopes.sort();
        assert_eq!(
            scopes,
            [
                "archetype:batch",
                "archetype:data-pipeline",
                "archetype:event-driven",
                "archetype:stateful-service",
                "archetype:stateless-service",
                "classification:confidential",
                "classification:restricted",
            ]
        );
        // Every archetype pattern says something for every tier.
        for p in patterns
            .iter()
            .filter(|p| matches!(p.scope, Scope::Archetype(_)))
        {
            assert_eq!(
                p.tiers.keys().copied().collect::<Vec<_>>(),
                [1, 2, 3, 4],
                "{}",
                p.name
            );
        }
    }

    #[test]
    fn bad_patterns_are_errors_with_positions() {
        let e = parse(&format!(
            "{HEAD}  archetype: batch\n  tiers:\n    1:\n      requiredFacts: [owner]\n"
        ))
        .unwrap_err();
        assert_eq!((e.line, e.col), (9, 23), "{e:?}");
        assert!(e.message.contains("unknown fact `owner`"), "{}", e.message);
        let e = parse(&format!(
            "{HEAD}  archetype: batch\n  tiers:\n    7:\n      requiredFacts: []\n"
        ))
        .unwrap_err();
        assert_eq!(e.line, 8);
        let e = parse(&format!(
            "{HEAD}  archetype: batch\n  tiers:\n    1:\n      requiredControls: [CKV_NOPE_1]\n"
        ))
        .unwrap_err();
        assert!(e.message.contains("names no rule"), "{}", e.message);
        let e = parse(&format!(
            "{HEAD}  archetype: batch\n  tiers:\n    1:\n      requiredFacts: [\"rto <= soon\"]\n"
        ))
        .unwrap_err();
        assert!(e.message.contains("cannot compare"), "{}", e.message);
        let e = parse(&format!("{HEAD}  classification: secretive\n")).unwrap_err();
        assert!(
            e.message.contains("unknown classification"),
            "{}",
            e.message
        );
        let e = parse(&format!("{HEAD}  archetype: batch\n  tiers:\n    1:\n      requiredSettings: [\"backup >= 3\"]\n")).unwrap_err();
        assert!(
            e.message.contains("cannot read the setting"),
            "{}",
            e.message
        );
        // An alias resolves to the rule id.
        let ok = parse(&format!(
            "{HEAD}  archetype: batch\n  tiers:\n    1:\n      requiredControls: [ckv_aws_157]\n"
        ))
        .unwrap();
        assert_eq!(ok[0].tiers[&1].controls[0].value.1, "AG-AWS-RDS-004");
    }

    const CATALOG: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
spec:
  type: service
  lifecycle: production
  owner: group:team
  archgate:
    tier: 1
    archetype: stateful-service
    rto: 4h
    runbook: https://wiki/ledger
    iac:
      paths: [\"infra/**\"]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: cache
spec:
  type: service
  lifecycle: production
  owner: group:team
  archgate:
    tier: 1
    archetype: stateful-service
    rto: 30m
    runbook: https://wiki/cache
";

    #[test]
    fn evaluates_facts_settings_controls_and_adoption() {
        let patterns = parse(&format!(
            "{HEAD}  archetype: stateful-service\n  tiers:\n    1:\n      requiredFacts: [runbook, \"rto <= 1h\"]\n      requiredControls: [CKV_AWS_157]\n      requiredSettings: [\"aws_db_instance.backup_retention_period >= 35\"]\n"
        ))
        .unwrap();
        let loaded = load_texts(&[("c.yaml".into(), CATALOG.into())]);
        let linker = Linker::new(&loaded.catalog, &[]);
        let db = IacResource {
            address: "aws_db_instance.ledger".into(),
            kind: "aws_db_instance".into(),
            file: "infra/db.tf".into(),
            span: Span {
                line: 3,
                col: 1,
                ..Span::default()
            },
            labels: vec![],
            managed: true,
            attributes: vec![(
                "backup_retention_period".into(),
                Node::new(Value::Int(7), Span::default()),
            )],
            refs: vec![],
        };
        let inv = Inventory::build(&loaded.catalog, &linker, vec![db]);
        let failing = Finding {
            rule_id: "AG-AWS-RDS-004".into(),
            title: String::new(),
            severity: Severity::High,
            kind: FindingKind::Iac,
            location: Some(Location {
                file: "infra/db.tf".into(),
                span: Span::default(),
            }),
            resource: Some("aws_db_instance.ledger".into()),
            component: None,
            message: "not Multi-AZ".into(),
            remediation: None,
            controls: vec![],
            aliases: vec!["CKV_AWS_157".into()],
            fingerprint: String::new(),
            suppression: None,
            snippet: None,
            related: vec![],
        };
        let none = |_: &str| None;
        let mut out = Emitter::new(&loaded.catalog, &none);
        let adoption = evaluate(
            &loaded.catalog,
            &inv,
            &patterns,
            std::slice::from_ref(&failing),
            &mut out,
        );
        let mut got: Vec<(&str, &str)> = out
            .findings
            .iter()
            .map(|f| {
                (
                    f.rule_id.as_str(),
                    f.resource.as_deref().unwrap_or_default(),
                )
            })
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec![
                (MISSING_FACT, "component:default/ledger"),
                (CONTROL_FAILS, "aws_db_instance.ledger"),
                (SETTING_OUT_OF_BOUNDS, "aws_db_instance.ledger"),
            ]
        );
        let rto = out
            .findings
            .iter()
            .find(|f| f.rule_id == MISSING_FACT)
            .unwrap();
        assert!(
            rto.message.contains("declared 4h which is not <= 1h"),
            "{}",
            rto.message
        );
        assert_eq!(adoption[0].components.len(), 2);
        assert_eq!(
            adoption[0].adopted,
            vec!["component:default/cache".to_string()]
        );

        // A waived finding meets the requirement.
        let mut waived = failing.clone();
        waived.suppression = Some(archgate_core::Suppression {
            kind: "exception".into(),
            by: None,
            reason: None,
            until: None,
            source: None,
        });
        let mut out = Emitter::new(&loaded.catalog, &none);
        evaluate(&loaded.catalog, &inv, &patterns, &[waived], &mut out);
        assert!(!out.findings.iter().any(|f| f.rule_id == CONTROL_FAILS));
    }
}
