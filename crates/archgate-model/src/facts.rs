//! The `spec.archgate` block: archgate's facts about a Backstage entity
//! (tier, archetype, exposure, data, boundary, recovery objectives, SLO,
//! runbook, on-call…). Backstage allows extra spec keys, so the block keeps
//! a catalog valid for Backstage; inside it, unknown keys and wrong types
//! are errors. A `Profile` document can carry the same block for an entity
//! whose file archgate may not edit; [`ArchgateFacts::merge`] applies it.

use crate::read::{Ctx, Fact, Reference};
use crate::reference::Kind;
use crate::vocab;
use archgate_core::fields::Fields;
use archgate_core::{InputError, Node};
use std::time::Duration;

/// Keys of the block on Component, Resource and API entities.
pub const COMPONENT_KEYS: &[&str] = &[
    "tier",
    "archetype",
    "technology",
    "assetType",
    "machine",
    "internet",
    "humanClient",
    "multiTenant",
    "redundant",
    "customDeveloped",
    "encryptionAtRest",
    "cia",
    "dataProcessed",
    "dataStored",
    "dataFormatsAccepted",
    "boundary",
    "runtime",
    "outOfScope",
    "outOfScopeReason",
    "region",
    "rto",
    "rpo",
    "slo",
    "runbook",
    "onCall",
    "dashboards",
    "iac",
    "decisions",
];

/// Keys of the block on System and Domain entities.
pub const SYSTEM_KEYS: &[&str] = &[
    "tier",
    "businessCriticality",
    "securityRequirements",
    "abuseCases",
    "questions",
    "standards",
    "runbook",
    "onCall",
    "dashboards",
    "contextMap",
    "decisions",
];

const CIA_KEYS: &[&str] = &["confidentiality", "integrity", "availability"];
const SLO_KEYS: &[&str] = &["availability", "latency"];
const IAC_KEYS: &[&str] = &["paths"];

const DATA_ASSET: &[Kind] = &[Kind::DataAsset];
const BOUNDARY: &[Kind] = &[Kind::TrustBoundary];
const RUNTIME: &[Kind] = &[Kind::Runtime];
const STANDARD: &[Kind] = &[Kind::Standard];

/// Confidentiality / integrity / availability ratings set explicitly.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cia {
    pub confidentiality: Option<vocab::Classification>,
    pub integrity: Option<String>,
    pub availability: Option<String>,
}

/// A service-level objective.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Slo {
    /// Availability target in percent (`99.95`).
    pub availability: Option<f64>,
    /// Latency targets per percentile (`p99` → 250ms).
    pub latency: Vec<(String, Duration)>,
}

/// archgate's facts about one entity (see `docs/model.md` for each field).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ArchgateFacts {
    /// Where the block was written (the `archgate` key), first source.
    pub block: Option<Fact<()>>,
    /// Criticality tier 1 (most critical) to 4.
    pub tier: Option<Fact<u8>>,
    pub archetype: Option<Fact<String>>,
    pub technology: Option<Fact<String>>,
    pub asset_type: Option<Fact<String>>,
    pub machine: Option<Fact<String>>,
    /// Directly reachable from, or located on, the internet.
    pub internet: Option<Fact<bool>>,
    pub human_client: Option<Fact<bool>>,
    pub multi_tenant: Option<Fact<bool>>,
    pub redundant: Option<Fact<bool>>,
    pub custom_developed: Option<Fact<bool>>,
    pub encryption_at_rest: Option<Fact<String>>,
    pub cia: Option<Fact<Cia>>,
    pub data_processed: Vec<Reference>,
    pub data_stored: Vec<Reference>,
    pub data_formats_accepted: Vec<Fact<String>>,
    pub boundary: Option<Reference>,
    pub runtime: Option<Reference>,
    pub out_of_scope: Option<Fact<bool>>,
    pub out_of_scope_reason: Option<Fact<String>>,
    pub region: Option<Fact<String>>,
    pub rto: Option<Fact<Duration>>,
    pub rpo: Option<Fact<Duration>>,
    pub slo: Option<Fact<Slo>>,
    pub runbook: Option<Fact<String>>,
    pub on_call: Option<Fact<String>>,
    pub dashboards: Vec<Fact<String>>,
    /// Path globs (relative to the workspace root) of the IaC that builds this entity.
    pub iac_paths: Vec<Fact<String>>,
    /// ADRs this entity's design follows (`0002`, `ADR-0002`, a file name);
    /// a missing or superseded one is AG-GOV-ADR-008.
    pub decisions: Vec<Fact<String>>,
    pub business_criticality: Option<Fact<String>>,
    pub security_requirements: Vec<(Fact<String>, String)>,
    pub abuse_cases: Vec<(Fact<String>, String)>,
    pub questions: Vec<(Fact<String>, String)>,
    pub standards: Vec<Reference>,
    /// Domain-driven design context map (System and Domain; see [`crate::ddd`]).
    pub context_map: Vec<crate::ddd::ContextRelation>,
}

impl ArchgateFacts {
    /// Reads a `spec.archgate` block (`at` is its dotted path for messages).
    pub(crate) fn read(
        ctx: &mut Ctx,
        key_span: archgate_core::Span,
        node: &Node,
        at: &str,
        allowed: &[&str],
    ) -> Option<ArchgateFacts> {
        let file = ctx.file.clone();
        let f = match Fields::new(&file, node, at) {
            Ok(f) => f,
            Err(e) => {
                ctx.push(e.expected("a mapping of archgate facts (see docs/model.md)"));
                return None;
            }
        };
        ctx.deny_unknown(node, at, allowed);
        let p = |k: &str| format!("{at}.{k}");
        let mut a = ArchgateFacts {
            block: Some(Fact {
                value: (),
                file: file.clone(),
                span: key_span,
            }),
            ..Default::default()
        };
        if let Some(n) = f.node("tier") {
            match n.value {
                archgate_core::Value::Int(t @ 1..=4) => {
                    a.tier = Some(Fact {
                        value: t as u8,
                        file: file.clone(),
                        span: n.span,
                    })
                }
                _ => ctx.error_at(
                    n.span,
                    format!("`{}` is not a valid tier for `{}`", n, p("tier")),
                    "an integer from 1 (most critical) to 4",
                ),
            }
        }
        if let Some(s) = ctx.str(&f, "archetype") {
            if vocab::is_kebab(&s.value) {
                a.archetype = Some(s);
            } else {
                ctx.error_at(
                    s.span,
                    format!("`{}` is not a valid archetype name", s.value),
                    "a kebab-case archetype such as stateless-service",
                );
            }
        }
        a.technology = ctx.str(&f, "technology");
        a.asset_type = ctx.one_of(&f, "assetType", vocab::ASSET_TYPES);
        a.machine = ctx.one_of(&f, "machine", vocab::MACHINES);
        a.internet = ctx.bool(&f, "internet");
        a.human_client = ctx.bool(&f, "humanClient");
        a.multi_tenant = ctx.bool(&f, "multiTenant");
        a.redundant = ctx.bool(&f, "redundant");
        a.custom_developed = ctx.bool(&f, "customDeveloped");
        a.encryption_at_rest = ctx.one_of(&f, "encryptionAtRest", vocab::ENCRYPTION_AT_REST);
        if let Some(c) = ctx.map(&f, "cia") {
            ctx.deny_unknown(f.node("cia").unwrap_or(node), &p("cia"), CIA_KEYS);
            let conf = ctx.one_of(&c, "confidentiality", vocab::CLASSIFICATIONS);
            let cia = Cia {
                confidentiality: conf.and_then(|c| vocab::Classification::parse(&c.value)),
                integrity: ctx
                    .one_of(&c, "integrity", vocab::CRITICALITY)
                    .map(|x| x.value),
                availability: ctx
                    .one_of(&c, "availability", vocab::CRITICALITY)
                    .map(|x| x.value),
            };
            a.cia = Some(Fact {
                value: cia,
                file: file.clone(),
                span: c.span(),
            });
        }
        a.data_processed = ctx.references(
            &f,
            "dataProcessed",
            "spec.archgate.dataProcessed",
            Some(Kind::DataAsset),
            DATA_ASSET,
        );
        a.data_stored = ctx.references(
            &f,
            "dataStored",
            "spec.archgate.dataStored",
            Some(Kind::DataAsset),
            DATA_ASSET,
        );
        a.data_formats_accepted = ctx.list_of(
            &f,
            "dataFormatsAccepted",
            "spec.archgate.dataFormatsAccepted",
            vocab::DATA_FORMATS,
        );
        a.boundary = ctx.reference(
            &f,
            "boundary",
            "spec.archgate.boundary",
            Some(Kind::TrustBoundary),
            BOUNDARY,
        );
        a.runtime = ctx.reference(
            &f,
            "runtime",
            "spec.archgate.runtime",
            Some(Kind::Runtime),
            RUNTIME,
        );
        a.out_of_scope = ctx.bool(&f, "outOfScope");
        a.out_of_scope_reason = ctx.str(&f, "outOfScopeReason");
        a.region = ctx.str(&f, "region");
        a.rto = read_duration(ctx, &f, "rto", "spec.archgate.rto");
        a.rpo = read_duration(ctx, &f, "rpo", "spec.archgate.rpo");
        if let Some(s) = ctx.map(&f, "slo") {
            if let Some(n) = f.node("slo") {
                ctx.deny_unknown(n, &p("slo"), SLO_KEYS);
            }
            let mut slo = Slo::default();
            if let Some(av) = ctx.opt(s.float("availability")) {
                if av.value > 0.0 && av.value <= 100.0 {
                    slo.availability = Some(av.value);
                } else {
                    ctx.error_at(
                        av.span,
                        format!("`{}` is not a valid availability target", av.value),
                        "a percentage above 0 and at most 100, e.g. 99.95",
                    );
                }
            }
            if let Some(lat) = s.node("latency") {
                match lat.as_map() {
                    Some(entries) => {
                        for (k, v) in entries {
                            let pct_ok = k
                                .name
                                .strip_prefix('p')
                                .and_then(|n| n.parse::<f64>().ok())
                                .is_some_and(|n| n > 0.0 && n <= 100.0);
                            let dur = v.scalar_text().and_then(|t| vocab::parse_duration(&t));
                            match (pct_ok, dur) {
                                (true, Some(d)) => slo.latency.push((k.name.clone(), d)),
                                (false, _) => ctx.error_at(
                                    k.span,
                                    format!("`{}` is not a latency percentile", k.name),
                                    "a percentile key such as p50, p95, p99 or p99.9",
                                ),
                                (true, None) => ctx.error_at(
                                    v.span,
                                    format!("`{v}` is not a valid latency"),
                                    "a duration such as 250ms or 2s",
                                ),
                            }
                        }
                    }
                    None => ctx.error_at(
                        lat.span,
                        format!("wrong type for `{}.latency`", p("slo")),
                        "a mapping of percentiles to durations, e.g. {p99: 250ms}",
                    ),
                }
            }
            a.slo = Some(Fact {
                value: slo,
                file: file.clone(),
                span: s.span(),
            });
        }
        let runbook = ctx.str(&f, "runbook");
        a.runbook = non_empty(ctx, runbook, "spec.archgate.runbook");
        let on_call = ctx.str(&f, "onCall");
        a.on_call = non_empty(ctx, on_call, "spec.archgate.onCall");
        a.dashboards = ctx.list(&f, "dashboards");
        a.decisions = ctx.list(&f, "decisions");
        if let Some(i) = ctx.map(&f, "iac") {
            if let Some(n) = f.node("iac") {
                ctx.deny_unknown(n, &p("iac"), IAC_KEYS);
            }
            for g in ctx.list(&i, "paths") {
                match globset::Glob::new(&g.value) {
                    Ok(_) => a.iac_paths.push(g),
                    Err(e) => ctx.error_at(
                        g.span,
                        format!("`{}` is not a valid glob: {}", g.value, e.kind()),
                        "a path glob relative to the workspace root, e.g. infra/payments/**",
                    ),
                }
            }
        }
        a.business_criticality = ctx.one_of(&f, "businessCriticality", vocab::CRITICALITY);
        a.security_requirements = ctx.text_map(
            &f,
            "securityRequirements",
            "spec.archgate.securityRequirements",
        );
        a.abuse_cases = ctx.text_map(&f, "abuseCases", "spec.archgate.abuseCases");
        a.questions = ctx.text_map(&f, "questions", "spec.archgate.questions");
        a.standards = ctx.references(
            &f,
            "standards",
            "spec.archgate.standards",
            Some(Kind::Standard),
            STANDARD,
        );
        a.context_map = crate::ddd::read_context_map(ctx, &f);
        Some(a)
    }

    /// Every entity reference in the block.
    pub fn references(&self) -> impl Iterator<Item = &Reference> {
        self.data_processed
            .iter()
            .chain(self.data_stored.iter())
            .chain(self.boundary.iter())
            .chain(self.runtime.iter())
            .chain(self.standards.iter())
    }

    /// Applies `other` (a Profile's block) onto `self`. A field set in both
    /// is a conflict, reported at the Profile's value.
    pub fn merge(&mut self, other: ArchgateFacts, errors: &mut Vec<InputError>) {
        fn conflict(
            errors: &mut Vec<InputError>,
            name: &str,
            file: &str,
            span: archgate_core::Span,
            prev_file: &str,
            prev: archgate_core::Span,
        ) {
            errors.push(
                InputError::new(
                    file,
                    span.line,
                    span.col,
                    format!(
                        "`{name}` is already set for this entity at {prev_file}:{}:{}",
                        prev.line, prev.col
                    ),
                )
                .expected("each archgate fact set in one place only (catalog file or one Profile)"),
            );
        }
        macro_rules! one {
            ($($f:ident: $name:literal, $loc:expr),* $(,)?) => {$(
                if let Some(v) = other.$f {
                    match &self.$f {
                        Some(prev) => {
                            let (pf, ps) = $loc(prev);
                            let (nf, ns) = $loc(&v);
                            conflict(errors, $name, nf, ns, pf, ps);
                        }
                        None => self.$f = Some(v),
                    }
                }
            )*};
        }
        macro_rules! many {
            ($($f:ident: $name:literal, $loc:expr),* $(,)?) => {$(
                if !other.$f.is_empty() {
                    match (self.$f.first(), other.$f.first()) {
                        (Some(prev), Some(v)) => {
                            let (pf, ps) = $loc(prev);
                            let (nf, ns) = $loc(v);
                            conflict(errors, $name, nf, ns, pf, ps);
                        }
                        _ => self.$f = other.$f,
                    }
                }
            )*};
        }
        fn fl<T>(f: &Fact<T>) -> (&str, archgate_core::Span) {
            (&f.file, f.span)
        }
        fn rl(r: &Reference) -> (&str, archgate_core::Span) {
            (&r.file, r.span)
        }
        fn tl(t: &(Fact<String>, String)) -> (&str, archgate_core::Span) {
            (&t.0.file, t.0.span)
        }
        fn cl(c: &crate::ddd::ContextRelation) -> (&str, archgate_core::Span) {
            (&c.file, c.span)
        }
        if self.block.is_none() {
            self.block = other.block;
        }
        one!(
            tier: "tier", fl, archetype: "archetype", fl, technology: "technology", fl,
            asset_type: "assetType", fl, machine: "machine", fl, internet: "internet", fl,
            human_client: "humanClient", fl, multi_tenant: "multiTenant", fl,
            redundant: "redundant", fl, custom_developed: "customDeveloped", fl,
            encryption_at_rest: "encryptionAtRest", fl, cia: "cia", fl,
            boundary: "boundary", rl, runtime: "runtime", rl, out_of_scope: "outOfScope", fl,
            out_of_scope_reason: "outOfScopeReason", fl, region: "region", fl, rto: "rto", fl,
            rpo: "rpo", fl, slo: "slo", fl, runbook: "runbook", fl, on_call: "onCall", fl,
            business_criticality: "businessCriticality", fl,
        );
        many!(
            data_processed: "dataProcessed", rl, data_stored: "dataStored", rl,
            data_formats_accepted: "dataFormatsAccepted", fl, dashboards: "dashboards", fl,
            decisions: "decisions", fl,
            iac_paths: "iac.paths", fl, standards: "standards", rl,
            security_requirements: "securityRequirements", tl, abuse_cases: "abuseCases", tl,
            questions: "questions", tl, context_map: "contextMap", cl,
        );
    }
}

/// Blank runbook/on-call values count as errors: they would silently pass readiness checks.
fn non_empty(ctx: &mut Ctx, v: Option<Fact<String>>, at: &str) -> Option<Fact<String>> {
    let v = v?;
    if v.value.trim().is_empty() {
        ctx.error_at(v.span, format!("`{at}` is empty"), "a non-empty value");
        None
    } else {
        Some(v)
    }
}

fn read_duration(ctx: &mut Ctx, f: &Fields, key: &str, at: &str) -> Option<Fact<Duration>> {
    let n = f.node(key)?;
    match n.scalar_text().and_then(|t| vocab::parse_duration(&t)) {
        Some(d) => Some(Fact {
            value: d,
            file: ctx.file.clone(),
            span: n.span,
        }),
        None => {
            ctx.error_at(
                n.span,
                format!("`{n}` is not a valid duration for `{at}`"),
                "a duration such as 15m, 4h, 1h30m or 1d",
            );
            None
        }
    }
}
