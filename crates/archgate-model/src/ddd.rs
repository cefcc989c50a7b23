//! Domain segregation (domain-driven design): the context map that Domains
//! and Systems declare in `spec.archgate.contextMap`, and the `AG-MODEL-02x`
//! checks that hold the catalog to it.
//!
//! A *domain* is a Backstage `Domain` (each subdomain is its own bounded
//! context). An entity belongs to the domain of its System (a Component
//! without a System inherits its parent's through `subcomponentOf`); a
//! relation declared between two Systems counts for their Domains too.
//!
//! The checks: a component that depends on another domain's internals
//! (AG-MODEL-020), a data flow that crosses domains without an API or an
//! anti-corruption layer (021), a resource used by several domains (022), a
//! domain without one owning team (023), a context-map entry naming an unknown
//! or wrong entity (024), and cross-domain API use the context map does not
//! declare (025). Not here: drawing the map (see [`crate::diagram`]) and the
//! catalog's generic reference checks (see [`crate::validate`]).

use crate::emit::Emitter;
use crate::entity::{Details, Entity};
use crate::load::Catalog;
use crate::read::{Ctx, Fact, Reference};
use crate::reference::{EntityRef, Kind};
use archgate_core::fields::{type_error, Fields};
use archgate_core::{Finding, Location, RuleMeta, Span};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

pub const FOREIGN_INTERNALS: &str = "AG-MODEL-020";
pub const CROSS_DOMAIN_FLOW: &str = "AG-MODEL-021";
pub const SHARED_RESOURCE: &str = "AG-MODEL-022";
pub const DOMAIN_WITHOUT_OWNING_TEAM: &str = "AG-MODEL-023";
pub const UNKNOWN_CONTEXT_MAP_ENTRY: &str = "AG-MODEL-024";
pub const UNDECLARED_DOMAIN_RELATION: &str = "AG-MODEL-025";

/// Every rule id this module can report.
pub const RULE_IDS: &[&str] = &[
    FOREIGN_INTERNALS,
    CROSS_DOMAIN_FLOW,
    SHARED_RESOURCE,
    DOMAIN_WITHOUT_OWNING_TEAM,
    UNKNOWN_CONTEXT_MAP_ENTRY,
    UNDECLARED_DOMAIN_RELATION,
];

/// The relation kinds of a context map (Evans, Vernon).
pub const RELATIONS: &[&str] = &[
    "customer-supplier",
    "conformist",
    "anti-corruption-layer",
    "shared-kernel",
    "published-language",
    "open-host-service",
    "partnership",
];

const ENTRY_KEYS: &[&str] = &["upstream", "downstream", "relation", "via", "description"];
const PARTY: &[Kind] = &[Kind::Domain, Kind::System];
const VIA: &[Kind] = &[Kind::Api, Kind::Component, Kind::Resource];

/// Which side of the relation the *other* party is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The declaring entity consumes from `other`.
    Upstream,
    /// `other` consumes from the declaring entity.
    Downstream,
}

/// One entry of `spec.archgate.contextMap`.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextRelation {
    pub side: Side,
    /// The other Domain or System.
    pub other: Reference,
    pub relation: Fact<String>,
    /// The APIs (or anti-corruption-layer components, or shared resources)
    /// the relation goes through.
    pub via: Vec<Reference>,
    pub description: Option<String>,
    pub file: Arc<str>,
    /// The list item.
    pub span: Span,
}

/// Reads `contextMap` from a `spec.archgate` block (bad entries are recorded
/// in `ctx` and skipped).
pub(crate) fn read_context_map(ctx: &mut Ctx, f: &Fields) -> Vec<ContextRelation> {
    let mut out = Vec::new();
    for item in ctx.map_list(f, "contextMap", "spec.archgate.contextMap") {
        let file = ctx.file.clone();
        let Ok(e) = Fields::new(&file, item, "spec.archgate.contextMap[]") else {
            continue;
        };
        ctx.deny_unknown(item, "spec.archgate.contextMap[]", ENTRY_KEYS);
        let up = ctx.reference(
            &e,
            "upstream",
            "spec.archgate.contextMap[].upstream",
            Some(Kind::Domain),
            PARTY,
        );
        let down = ctx.reference(
            &e,
            "downstream",
            "spec.archgate.contextMap[].downstream",
            Some(Kind::Domain),
            PARTY,
        );
        let relation = match e.node("relation") {
            Some(_) => ctx.one_of(&e, "relation", RELATIONS),
            None => {
                ctx.error_at(
                    item.span,
                    "a context-map entry without `relation`".into(),
                    &format!("relation: one of {}", RELATIONS.join(", ")),
                );
                None
            }
        };
        let via = ctx.references(
            &e,
            "via",
            "spec.archgate.contextMap[].via",
            Some(Kind::Api),
            VIA,
        );
        let description = match e.node("description") {
            Some(n) => match n.scalar_text() {
                Some(t) => Some(t),
                None => {
                    ctx.push(type_error(
                        &file,
                        n,
                        "spec.archgate.contextMap[].description",
                        "text",
                    ));
                    None
                }
            },
            None => None,
        };
        let (side, other) = match (up, down) {
            (Some(u), None) => (Side::Upstream, u),
            (None, Some(d)) => (Side::Downstream, d),
            (Some(_), Some(_)) => {
                ctx.error_at(
                    item.span,
                    "a context-map entry names both `upstream` and `downstream`".into(),
                    "one of upstream or downstream: the other domain or system",
                );
                continue;
            }
            (None, None) => {
                if e.node("upstream").is_none() && e.node("downstream").is_none() {
                    ctx.error_at(
                        item.span,
                        "a context-map entry names no other domain or system".into(),
                        "upstream: domain:<name> or downstream: domain:<name>",
                    );
                }
                continue;
            }
        };
        let Some(relation) = relation else { continue };
        out.push(ContextRelation {
            side,
            other,
            relation,
            via,
            description,
            file: file.clone(),
            span: item.span,
        });
    }
    out
}

/// The domain each entity belongs to, and the context-map relations between
/// domains, computed once per catalog.
pub struct DomainIndex<'c> {
    catalog: &'c Catalog,
    /// Entity index → its domain's entity index.
    domain: Vec<Option<usize>>,
    /// Unordered domain pair → declared relations between them.
    relations: HashMap<(usize, usize), Vec<&'c ContextRelation>>,
    /// Whether any entity declares a context map.
    pub has_context_map: bool,
}

fn pair(a: usize, b: usize) -> (usize, usize) {
    (a.min(b), a.max(b))
}

impl<'c> DomainIndex<'c> {
    pub fn new(catalog: &'c Catalog) -> DomainIndex<'c> {
        let n = catalog.entities.len();
        let mut domain = vec![None; n];
        for (i, e) in catalog.entities.iter().enumerate() {
            domain[i] = resolve_domain(catalog, e);
        }
        let mut idx = DomainIndex {
            catalog,
            domain,
            relations: HashMap::new(),
            has_context_map: false,
        };
        for (i, e) in catalog.entities.iter().enumerate() {
            let Some(a) = &e.archgate else { continue };
            if a.context_map.is_empty() {
                continue;
            }
            idx.has_context_map = true;
            let Some(mine) = idx.domain[i] else { continue };
            for rel in &a.context_map {
                let Some(other) = catalog.position(&rel.other.target) else {
                    continue;
                };
                let Some(theirs) = idx.domain[other] else {
                    continue;
                };
                idx.relations
                    .entry(pair(mine, theirs))
                    .or_default()
                    .push(rel);
            }
        }
        idx
    }

    /// The domain (a Domain entity) of an entity, by index.
    pub fn domain_of(&self, entity: usize) -> Option<&'c Entity> {
        self.domain
            .get(entity)
            .copied()
            .flatten()
            .and_then(|d| self.catalog.entities.get(d))
    }

    fn domain_index(&self, r: &EntityRef) -> Option<usize> {
        self.catalog
            .position(r)
            .and_then(|i| self.domain.get(i).copied().flatten())
    }

    /// Relations declared between two domains (either direction).
    pub fn between(&self, a: usize, b: usize) -> &[&'c ContextRelation] {
        self.relations
            .get(&pair(a, b))
            .map_or(&[], |v| v.as_slice())
    }

    /// Every declared relation, as (declaring entity, relation), in load order.
    pub fn declared(&self) -> impl Iterator<Item = (&'c Entity, &'c ContextRelation)> {
        self.catalog.entities.iter().flat_map(|e| {
            e.archgate
                .iter()
                .flat_map(move |a| a.context_map.iter().map(move |r| (e, r)))
        })
    }
}

/// The Domain entity an entity belongs to, if the catalog says.
fn resolve_domain(c: &Catalog, e: &Entity) -> Option<usize> {
    let mut cur = e;
    // Bounded walk up subcomponentOf: a cycle there is AG-MODEL-010's business.
    for _ in 0..32 {
        match cur.kind {
            Kind::Domain => return c.position(&cur.reference),
            Kind::System => {
                let d = cur.relations.domain.as_ref()?;
                let i = c.position(&d.target)?;
                return (c.entities.get(i)?.kind == Kind::Domain).then_some(i);
            }
            Kind::Component | Kind::Resource | Kind::Api => {
                if let Some(s) = &cur.relations.system {
                    let sys = c.get(&s.target)?;
                    if sys.kind != Kind::System {
                        return None;
                    }
                    cur = sys;
                    continue;
                }
                let parent = cur.relations.subcomponent_of.as_ref()?;
                cur = c.get(&parent.target)?;
            }
            Kind::DataAsset => {
                let Details::DataAsset(d) = &cur.details else {
                    return None;
                };
                cur = c.get(&d.system.as_ref()?.target)?;
            }
            _ => return None,
        }
    }
    None
}

fn loc(file: &str, span: Span) -> Location {
    Location {
        file: file.to_string(),
        span,
    }
}

/// Runs the domain-segregation checks (AG-MODEL-020 … 025).
pub fn ddd_findings(catalog: &Catalog, lookup: &dyn Fn(&str) -> Option<RuleMeta>) -> Vec<Finding> {
    let idx = DomainIndex::new(catalog);
    let mut out = Emitter::new(catalog, lookup);
    check_foreign_internals(catalog, &idx, &mut out);
    check_cross_domain_flows(catalog, &idx, &mut out);
    check_shared_resources(catalog, &idx, &mut out);
    check_owning_team(catalog, &idx, &mut out);
    check_context_map_entries(catalog, &idx, &mut out);
    check_undeclared_relations(catalog, &idx, &mut out);
    let mut findings = out.findings;
    findings.sort_by(|a, b| {
        let key = |f: &Finding| {
            f.location
                .as_ref()
                .map(|l| (l.file.clone(), l.span.line, l.span.col))
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.rule_id.cmp(&b.rule_id))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
    findings
}

fn name_of(e: &Entity) -> String {
    e.reference.to_string()
}

/// True when a declared relation between the two domains names `target`
/// in its `via`, or is a shared kernel (sharing internals on purpose).
fn sanctioned(idx: &DomainIndex, a: usize, b: usize, target: &EntityRef) -> bool {
    idx.between(a, b)
        .iter()
        .any(|r| r.relation.value == "shared-kernel" || r.via.iter().any(|v| &v.target == target))
}

/// AG-MODEL-020: `dependsOn` a Component or Resource of another domain.
fn check_foreign_internals(c: &Catalog, idx: &DomainIndex, out: &mut Emitter) {
    for (i, e) in c.entities.iter().enumerate() {
        if !matches!(e.kind, Kind::Component | Kind::Resource) {
            continue;
        }
        let Some(mine) = idx.domain[i] else { continue };
        for r in &e.relations.depends_on {
            let Some(ti) = c.position(&r.target) else {
                continue;
            };
            let Some(t) = c.entities.get(ti) else {
                continue;
            };
            if !matches!(t.kind, Kind::Component | Kind::Resource) {
                continue;
            }
            let Some(theirs) = idx.domain[ti] else {
                continue;
            };
            if theirs == mine || sanctioned(idx, mine, theirs, &t.reference) {
                continue;
            }
            let (Some(md), Some(td)) = (c.entities.get(mine), c.entities.get(theirs)) else {
                continue;
            };
            let apis: Vec<String> = t
                .relations
                .provides_apis
                .iter()
                .map(|a| a.target.to_string())
                .collect();
            let instead = if apis.is_empty() {
                format!(
                    "domain {} publishes no API for it: add one, or declare the dependency in a context map (`via`)",
                    td.reference.name
                )
            } else {
                format!("consume its API instead ({})", apis.join(", "))
            };
            out.report(
                FOREIGN_INTERNALS,
                &r.file,
                r.span,
                e,
                &r.target.to_string(),
                format!(
                    "{} (domain {}) depends on {}, an internal of domain {}; {instead}",
                    name_of(e),
                    md.reference.name,
                    t.reference,
                    td.reference.name
                ),
                vec![loc(&t.file, t.name.span)],
            );
        }
    }
}

/// True when an API contract covers traffic between `a` and `b`: one
/// consumes an API the other provides or that belongs to the other's system.
fn api_contract(c: &Catalog, a: &Entity, b: &Entity) -> bool {
    let covers = |consumer: &Entity, provider: &Entity| {
        consumer.relations.consumes_apis.iter().any(|api| {
            provider
                .relations
                .provides_apis
                .iter()
                .any(|p| p.target == api.target)
                || c.get(&api.target).is_some_and(|x| {
                    x.relations.system.is_some()
                        && x.relations.system.as_ref().map(|s| &s.target)
                            == provider.relations.system.as_ref().map(|s| &s.target)
                })
        })
    };
    covers(a, b) || covers(b, a)
}

/// AG-MODEL-021: a DataFlow between domains with no API or ACL on its way.
fn check_cross_domain_flows(c: &Catalog, idx: &DomainIndex, out: &mut Emitter) {
    for e in c.of_kind(Kind::DataFlow) {
        let Details::DataFlow(f) = &e.details else {
            continue;
        };
        let (Some(s), Some(t)) = (c.get(&f.source.target), c.get(&f.target.target)) else {
            continue;
        };
        let (Some(ds), Some(dt)) = (
            idx.domain_index(&s.reference),
            idx.domain_index(&t.reference),
        ) else {
            continue;
        };
        if ds == dt || s.kind == Kind::Api || t.kind == Kind::Api {
            continue;
        }
        let declared = idx.between(ds, dt);
        let named_in_map = |r: &EntityRef| {
            declared
                .iter()
                .any(|rel| rel.via.iter().any(|v| &v.target == r))
        };
        let through_via = f.via.iter().any(|v| {
            c.get(&v.target).is_some_and(|x| {
                x.kind == Kind::Api
                    || x.archgate
                        .as_ref()
                        .and_then(|a| a.archetype.as_ref())
                        .is_some_and(|a| a.value == "api-gateway")
                    || named_in_map(&x.reference)
            })
        });
        let through_map = [s, t].iter().any(|x| {
            named_in_map(&x.reference)
                || x.relations
                    .provides_apis
                    .iter()
                    .any(|p| named_in_map(&p.target))
        });
        if through_via || through_map || api_contract(c, s, t) {
            continue;
        }
        let (Some(sd), Some(td)) = (c.entities.get(ds), c.entities.get(dt)) else {
            continue;
        };
        out.report(
            CROSS_DOMAIN_FLOW,
            &f.target.file,
            f.target.span,
            e,
            "spec.target",
            format!(
                "data flow {} goes from domain {} ({}) to domain {} ({}) without an API or anti-corruption layer: no API in `via`, no API contract between them, and no context-map relation naming either end",
                e.reference.name,
                sd.reference.name,
                s.reference,
                td.reference.name,
                t.reference
            ),
            vec![loc(&t.file, t.name.span)],
        );
    }
}

/// AG-MODEL-022: a Resource that components of two or more domains depend on.
fn check_shared_resources(c: &Catalog, idx: &DomainIndex, out: &mut Emitter) {
    // Resource index → (dependent domain index → references naming it).
    let mut users: BTreeMap<usize, BTreeMap<usize, Vec<&Reference>>> = BTreeMap::new();
    for (i, e) in c.entities.iter().enumerate() {
        if !matches!(e.kind, Kind::Component | Kind::Resource) {
            continue;
        }
        for r in &e.relations.depends_on {
            let (Some(ri), Some(d)) = (c.position(&r.target), idx.domain[i]) else {
                continue;
            };
            if c.entities.get(ri).is_some_and(|x| x.kind == Kind::Resource) && ri != i {
                users.entry(ri).or_default().entry(d).or_default().push(r);
            }
        }
        if e.kind == Kind::Resource {
            // `dependencyOf` states the same edge from the resource's side.
            for r in &e.relations.dependency_of {
                let Some(ui) = c.position(&r.target) else {
                    continue;
                };
                if let Some(d) = idx.domain[ui] {
                    users.entry(i).or_default().entry(d).or_default().push(r);
                }
            }
        }
    }
    for (ri, by_domain) in users {
        if by_domain.len() < 2 {
            continue;
        }
        let Some(res) = c.entities.get(ri) else {
            continue;
        };
        let shared_kernel = idx.declared().any(|(_, rel)| {
            rel.relation.value == "shared-kernel"
                && rel.via.iter().any(|v| v.target == res.reference)
        });
        if shared_kernel {
            continue;
        }
        let names: Vec<String> = by_domain
            .keys()
            .filter_map(|d| c.entities.get(*d))
            .map(|d| d.reference.name.clone())
            .collect();
        let related: Vec<Location> = by_domain
            .values()
            .flatten()
            .map(|r| loc(&r.file, r.span))
            .collect();
        out.report(
            SHARED_RESOURCE,
            &res.file,
            res.name.span,
            res,
            &names.join(","),
            format!(
                "{} is used by components of {} domains ({}); give it one owning domain and let the others use an API",
                res.reference,
                names.len(),
                names.join(", ")
            ),
            related,
        );
    }
}

/// Group index → every group under it (itself included), by parent/children.
fn team_tree(c: &Catalog, root: usize) -> HashSet<usize> {
    let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, g) in c.entities.iter().enumerate() {
        if g.kind != Kind::Group {
            continue;
        }
        if let Some(p) = g
            .relations
            .parent
            .as_ref()
            .and_then(|p| c.position(&p.target))
        {
            children.entry(p).or_default().push(i);
        }
        for ch in &g.relations.children {
            if let Some(j) = c.position(&ch.target) {
                children.entry(i).or_default().push(j);
            }
        }
    }
    let mut seen = HashSet::from([root]);
    let mut stack = vec![root];
    while let Some(g) = stack.pop() {
        for &ch in children.get(&g).map_or(&[][..], |v| v.as_slice()) {
            if seen.insert(ch) {
                stack.push(ch);
            }
        }
    }
    seen
}

/// AG-MODEL-023: a domain owned by a person, or whose systems and
/// components are owned by teams outside the domain owner's team tree.
fn check_owning_team(c: &Catalog, idx: &DomainIndex, out: &mut Emitter) {
    for (di, d) in c.entities.iter().enumerate() {
        if d.kind != Kind::Domain {
            continue;
        }
        // A missing or unknown owner is AG-MODEL-001/002's finding.
        let Some(owner) = &d.owner else { continue };
        let Some(oi) = c.position(&owner.target) else {
            continue;
        };
        let Some(o) = c.entities.get(oi) else {
            continue;
        };
        if o.kind == Kind::User {
            out.report(
                DOMAIN_WITHOUT_OWNING_TEAM,
                &owner.file,
                owner.span,
                d,
                "person",
                format!(
                    "domain {} is owned by a person ({}), not a team",
                    d.reference.name, o.reference
                ),
                vec![],
            );
            continue;
        }
        if o.kind != Kind::Group {
            continue;
        }
        let tree = team_tree(c, oi);
        let mut strays: Vec<(&Entity, &Reference)> = Vec::new();
        for (i, e) in c.entities.iter().enumerate() {
            if e.kind == Kind::Domain
                || !matches!(
                    e.kind,
                    Kind::System | Kind::Component | Kind::Resource | Kind::Api
                )
                || idx.domain[i] != Some(di)
            {
                continue;
            }
            let Some(eo) = &e.owner else { continue };
            let Some(gi) = c.position(&eo.target) else {
                continue;
            };
            if c.entities.get(gi).is_some_and(|g| g.kind == Kind::Group) && !tree.contains(&gi) {
                strays.push((e, eo));
            }
        }
        if strays.is_empty() {
            continue;
        }
        let teams: BTreeSet<String> = strays.iter().map(|(_, o)| o.target.to_string()).collect();
        let what: Vec<String> = strays
            .iter()
            .map(|(e, _)| e.reference.to_string())
            .collect();
        out.report(
            DOMAIN_WITHOUT_OWNING_TEAM,
            &owner.file,
            owner.span,
            d,
            "teams",
            format!(
                "domain {} is owned by {} but {} {} owned by {}, outside that team's tree",
                d.reference.name,
                o.reference,
                what.join(", "),
                if what.len() == 1 { "is" } else { "are" },
                teams.into_iter().collect::<Vec<_>>().join(", ")
            ),
            strays.iter().map(|(_, r)| loc(&r.file, r.span)).collect(),
        );
    }
}

/// AG-MODEL-024: a context-map entry naming an unknown or wrong entity.
fn check_context_map_entries(c: &Catalog, idx: &DomainIndex, out: &mut Emitter) {
    for (e, rel) in idx.declared() {
        let refs = std::iter::once(&rel.other).chain(rel.via.iter());
        for r in refs {
            let problem = match c.get(&r.target) {
                None if c.broken.contains(&r.target) => None,
                None => Some(format!("names unknown entity {}", r.target)),
                Some(t) if !r.expect.contains(&t.kind) => {
                    let names: Vec<&str> = r.expect.iter().map(|k| k.as_str()).collect();
                    Some(format!(
                        "names {} where `{}` expects {}",
                        t.reference,
                        r.field.rsplit('.').next().unwrap_or(r.field),
                        names.join(" or ")
                    ))
                }
                Some(t) if std::ptr::eq(t, e) => {
                    Some("names the declaring entity itself".to_string())
                }
                Some(_) => None,
            };
            if let Some(p) = problem {
                out.report(
                    UNKNOWN_CONTEXT_MAP_ENTRY,
                    &r.file,
                    r.span,
                    e,
                    &format!("{}={}", r.field, r.target),
                    format!("the context map of {} {p}", e.reference),
                    vec![],
                );
            }
        }
    }
}

/// AG-MODEL-025: once a workspace keeps a context map, a component that
/// consumes another domain's API with no relation declared between the two.
fn check_undeclared_relations(c: &Catalog, idx: &DomainIndex, out: &mut Emitter) {
    if !idx.has_context_map {
        return;
    }
    for (i, e) in c.entities.iter().enumerate() {
        if e.kind != Kind::Component {
            continue;
        }
        let Some(mine) = idx.domain[i] else { continue };
        for api in &e.relations.consumes_apis {
            let Some(theirs) = idx.domain_index(&api.target) else {
                continue;
            };
            if theirs == mine || !idx.between(mine, theirs).is_empty() {
                continue;
            }
            let (Some(md), Some(td)) = (c.entities.get(mine), c.entities.get(theirs)) else {
                continue;
            };
            out.report(
                UNDECLARED_DOMAIN_RELATION,
                &api.file,
                api.span,
                e,
                &api.target.to_string(),
                format!(
                    "{} (domain {}) consumes {} of domain {}, but neither domain's context map declares a relation between them",
                    e.reference, md.reference.name, api.target, td.reference.name
                ),
                vec![loc(&td.file, td.name.span)],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_texts;

    const HEAD: &str = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: org}\nspec: {type: org, children: [team-a, team-b]}\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, parent: org, children: []}\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-b}\nspec: {type: team, parent: org, children: []}\n---\napiVersion: backstage.io/v1alpha1\nkind: Domain\nmetadata: {name: da}\nspec: {owner: team-a}\n---\napiVersion: backstage.io/v1alpha1\nkind: Domain\nmetadata: {name: db}\nspec: {owner: team-b}\n---\napiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: {name: sa}\nspec: {owner: team-a, domain: da}\n---\napiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: {name: sb}\nspec: {owner: team-b, domain: db}\n";

    fn run_text(text: String) -> Vec<(String, u32, u32)> {
        let r = load_texts(&[("c.yaml".into(), text)]);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        ddd_findings(&r.catalog, &|_| None)
            .into_iter()
            .map(|f| {
                let l = f.location.unwrap();
                (f.rule_id, l.span.line, l.span.col)
            })
            .collect()
    }

    fn run(extra: &str) -> Vec<(String, u32, u32)> {
        run_text(format!("{HEAD}---\n{extra}"))
    }

    /// HEAD with domain `da` declaring `entries` as its context map.
    fn run_with_map(extra: &str, entries: &str) -> Vec<(String, u32, u32)> {
        let head = HEAD.replace(
            "metadata: {name: da}\nspec: {owner: team-a}\n",
            &format!("metadata: {{name: da}}\nspec:\n  owner: team-a\n  archgate:\n    contextMap:\n{entries}"),
        );
        assert_ne!(head, HEAD);
        run_text(format!("{head}---\n{extra}"))
    }

    fn line_of(extra: &str, needle: &str) -> u32 {
        let text = format!("{HEAD}---\n{extra}");
        text.lines()
            .position(|l| l.contains(needle))
            .map_or(0, |i| i as u32 + 1)
    }

    #[test]
    fn depending_on_another_domains_database_is_reported_at_the_reference() {
        let extra = "apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: {name: db-b}\nspec: {type: database, owner: team-b, system: sb}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: app-a}\nspec:\n  type: service\n  owner: team-a\n  system: sa\n  dependsOn: [resource:db-b]\n";
        assert_eq!(
            run(extra),
            vec![(FOREIGN_INTERNALS.into(), line_of(extra, "dependsOn"), 15)]
        );
        // A shared kernel between the domains sanctions it.
        let shared = "      - upstream: db\n        relation: shared-kernel\n";
        assert!(run_with_map(extra, shared).is_empty());
        // So does a relation naming the resource in `via`.
        let via =
            "      - upstream: db\n        relation: conformist\n        via: [resource:db-b]\n";
        assert!(run_with_map(extra, via).is_empty());
        // A relation that names something else does not.
        let other = "      - upstream: db\n        relation: conformist\n";
        assert_eq!(run_with_map(extra, other).len(), 1);
    }

    #[test]
    fn flows_between_domains_need_an_api() {
        let comps = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: app-a}\nspec: {type: service, owner: team-a, system: sa}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: app-b}\nspec: {type: service, owner: team-b, system: sb, providesApis: [api-b]}\n---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: api-b}\nspec: {type: openapi, lifecycle: production, owner: team-b, system: sb, definition: x}\n---\napiVersion: archgate.dev/v1alpha1\nkind: DataFlow\nmetadata: {name: f}\nspec:\n  source: app-a\n  target: app-b\n  protocol: https\n";
        assert_eq!(
            run(comps),
            vec![(
                CROSS_DOMAIN_FLOW.into(),
                line_of(comps, "target: app-b"),
                11
            )]
        );
        // Consuming the API the target provides makes it a contract.
        let with_api = comps.replace("system: sa}", "system: sa, consumesApis: [api-b]}");
        assert!(run(&with_api).is_empty(), "{:?}", run(&with_api));
        // So does a context-map relation naming the target's API.
        let map =
            "      - upstream: db\n        relation: open-host-service\n        via: [api-b]\n";
        assert!(run_with_map(comps, map).is_empty());
        // Or an API on the way.
        let gw = comps.replace("  target: app-b\n", "  target: app-b\n  via: [api:api-b]\n");
        assert!(run(&gw).is_empty());
    }

    #[test]
    fn undeclared_relations_only_once_a_context_map_exists() {
        let comps = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: app-a}\nspec: {type: service, owner: team-a, system: sa, consumesApis: [api-b]}\n---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: api-b}\nspec: {type: openapi, lifecycle: production, owner: team-b, system: sb, definition: x}\n---\napiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: {name: sc}\nspec:\n  owner: team-b\n  domain: db\n  archgate:\n    contextMap:\n      - downstream: system:sc\n        relation: partnership\n";
        let got = run(comps);
        let rules: Vec<&str> = got.iter().map(|(r, _, _)| r.as_str()).collect();
        // sc naming itself is AG-MODEL-024; app-a using db's API with no relation is 025.
        assert_eq!(
            rules,
            vec![UNDECLARED_DOMAIN_RELATION, UNKNOWN_CONTEXT_MAP_ENTRY]
        );
        assert!(rules.contains(&UNDECLARED_DOMAIN_RELATION), "{got:?}");
        let declared =
            "      - upstream: db\n        relation: customer-supplier\n        via: [api-b]\n";
        let got = run_with_map(comps, declared);
        assert!(
            !got.iter().any(|(r, _, _)| r == UNDECLARED_DOMAIN_RELATION),
            "{got:?}"
        );
    }

    #[test]
    fn context_map_entries_are_read_and_checked() {
        let text = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: g}\nspec: {type: team, children: []}\n---\napiVersion: backstage.io/v1alpha1\nkind: Domain\nmetadata: {name: a}\nspec:\n  owner: g\n  archgate:\n    contextMap:\n      - upstream: b\n        relation: customer-supplier\n        via: [api:nope]\n      - downstream: ghost\n        relation: conformist\n---\napiVersion: backstage.io/v1alpha1\nkind: Domain\nmetadata: {name: b}\nspec: {owner: g}\n";
        let r = load_texts(&[("c.yaml".into(), text.into())]);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let a = r
            .catalog
            .get(&EntityRef::new(Kind::Domain, "default", "a"))
            .and_then(|e| e.archgate.as_ref())
            .map(|a| a.context_map.clone())
            .unwrap_or_default();
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].side, Side::Upstream);
        assert_eq!(a[0].other.target.to_string(), "domain:default/b");
        assert_eq!(a[1].side, Side::Downstream);
        let f: Vec<(String, u32)> = ddd_findings(&r.catalog, &|_| None)
            .into_iter()
            .map(|f| (f.rule_id, f.location.map_or(0, |l| l.span.line)))
            .collect();
        assert_eq!(
            f,
            vec![
                (UNKNOWN_CONTEXT_MAP_ENTRY.to_string(), 15),
                (UNKNOWN_CONTEXT_MAP_ENTRY.to_string(), 16)
            ]
        );
    }

    #[test]
    fn malformed_context_map_entries_are_input_errors() {
        for (bad, expect) in [
            ("      - relation: conformist\n", "names no other domain"),
            (
                "      - upstream: b\n        downstream: b\n        relation: conformist\n",
                "both",
            ),
            (
                "      - upstream: b\n        relation: friends\n",
                "friends",
            ),
            ("      - upstream: b\n", "without `relation`"),
            (
                "      - upstream: b\n        relation: conformist\n        colour: red\n",
                "colour",
            ),
            ("      - just-a-string\n", "mapping"),
        ] {
            let text = format!("apiVersion: backstage.io/v1alpha1\nkind: Domain\nmetadata: {{name: a}}\nspec:\n  owner: g\n  archgate:\n    contextMap:\n{bad}");
            let r = load_texts(&[("c.yaml".into(), text)]);
            assert!(
                r.errors.iter().any(|e| e.render().contains(expect)),
                "{bad}: {:?}",
                r.errors
            );
            assert!(r.errors.iter().all(|e| e.line >= 8), "{:?}", r.errors);
        }
    }

    #[test]
    fn resource_used_by_two_domains_and_domain_team_tree() {
        let extra = "apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: {name: shared-db}\nspec: {type: database, owner: team-a, system: sa}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: app-a}\nspec: {type: service, owner: team-a, system: sa, dependsOn: [resource:shared-db]}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: app-b}\nspec: {type: service, owner: team-a, system: sb, dependsOn: [resource:shared-db]}\n";
        let got = run(extra);
        let rules: Vec<&str> = got.iter().map(|(r, _, _)| r.as_str()).collect();
        assert!(rules.contains(&SHARED_RESOURCE), "{got:?}");
        assert!(rules.contains(&FOREIGN_INTERNALS), "{got:?}");
        // app-b (domain db, owned by team-b) is owned by team-a: outside team-b's tree.
        assert!(rules.contains(&DOMAIN_WITHOUT_OWNING_TEAM), "{got:?}");
        let shared = got.iter().find(|(r, _, _)| r == SHARED_RESOURCE).unwrap();
        assert_eq!(shared.1, line_of(extra, "name: shared-db"));
    }
}

#[cfg(test)]
mod example_tests {
    use super::*;

    /// The shipped example: the reporting pipeline (platform) reads the
    /// ledger database (payments) directly, and fraud scoring calls the
    /// customer profile without consuming its API.
    #[test]
    fn example_workspace_findings_are_the_ones_an_architect_expects() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/acme-payments");
        if !root.join("catalog").is_dir() {
            return;
        }
        let loaded = crate::load_catalog(&root, "catalog");
        let got: Vec<(String, String)> = ddd_findings(&loaded.catalog, &|_| None)
            .into_iter()
            .map(|f| (f.rule_id, f.resource.unwrap_or_default()))
            .collect();
        for want in [
            (FOREIGN_INTERNALS, "component:default/reporting-pipeline"),
            (CROSS_DOMAIN_FLOW, "dataflow:default/reporting-extract"),
            (CROSS_DOMAIN_FLOW, "dataflow:default/fraud-customer-lookup"),
            (SHARED_RESOURCE, "resource:default/ledger-db"),
        ] {
            assert!(
                got.iter().any(|(r, e)| r == want.0 && e == want.1),
                "{want:?} not in {got:#?}"
            );
        }
        // Consuming the published event stream is an API contract, not a finding.
        assert!(!got
            .iter()
            .any(|(_, e)| e == "dataflow:default/notifications-consume-events"));
    }
}
