//! Model validation: the `AG-MODEL-*` checks over a loaded [`Catalog`],
//! reported as [`Finding`]s of kind `model` at the exact node at fault.
//!
//! Every check is linear in the size of the catalog (hash lookups, one
//! iterative depth-first search per hierarchy). Rule titles, severities,
//! remediation and controls come from the rule registry through `lookup`
//! (the rule data lives in `crates/archgate-rules/rules/model/`); this module
//! decides only *whether* and *where* a rule fails.

use crate::entity::{Details, Entity};
use crate::load::Catalog;
use crate::read::Reference;
use crate::reference::{EntityRef, Kind};
use crate::vocab::{self, Classification};
use archgate_core::{Finding, Location, RuleMeta, Span};
use std::collections::HashSet;

pub const MISSING_OWNER: &str = "AG-MODEL-001";
pub const UNKNOWN_OWNER: &str = "AG-MODEL-002";
pub const DANGLING_REFERENCE: &str = "AG-MODEL-003";
pub const UNKNOWN_SYSTEM_DOMAIN_GROUP: &str = "AG-MODEL-004";
pub const DUPLICATE_ENTITY: &str = "AG-MODEL-005";
pub const MISSING_ON_CALL: &str = "AG-MODEL-006";
pub const MISSING_RUNBOOK: &str = "AG-MODEL-007";
pub const FLOW_WITHOUT_PROTOCOL: &str = "AG-MODEL-008";
pub const DATA_WITHOUT_CLASSIFICATION: &str = "AG-MODEL-009";
pub const HIERARCHY_CYCLE: &str = "AG-MODEL-010";
pub const SENSITIVE_STORE_WITHOUT_TIER: &str = "AG-MODEL-011";
pub const WRONG_REFERENCE_KIND: &str = "AG-MODEL-012";
pub const UNKNOWN_PROTOCOL: &str = "AG-MODEL-013";
pub const UNKNOWN_ARCHETYPE: &str = "AG-MODEL-014";
pub const FLOW_ENDPOINT_WITHOUT_BOUNDARY: &str = "AG-MODEL-015";
pub const COMPONENT_WITHOUT_TIER_IN_CRITICAL_SYSTEM: &str = "AG-MODEL-016";

/// Every rule id this module can report.
pub const RULE_IDS: &[&str] = &[
    MISSING_OWNER,
    UNKNOWN_OWNER,
    DANGLING_REFERENCE,
    UNKNOWN_SYSTEM_DOMAIN_GROUP,
    DUPLICATE_ENTITY,
    MISSING_ON_CALL,
    MISSING_RUNBOOK,
    FLOW_WITHOUT_PROTOCOL,
    DATA_WITHOUT_CLASSIFICATION,
    HIERARCHY_CYCLE,
    SENSITIVE_STORE_WITHOUT_TIER,
    WRONG_REFERENCE_KIND,
    UNKNOWN_PROTOCOL,
    UNKNOWN_ARCHETYPE,
    FLOW_ENDPOINT_WITHOUT_BOUNDARY,
    COMPONENT_WITHOUT_TIER_IN_CRITICAL_SYSTEM,
];

use crate::emit::Emitter as Out;

fn loc(file: &str, span: Span) -> Location {
    Location {
        file: file.to_string(),
        span,
    }
}

/// Runs every model check. `lookup` maps a rule id to its metadata (the
/// rule registry); when it returns None the finding gets the id as title and
/// severity medium.
pub fn validate(catalog: &Catalog, lookup: &dyn Fn(&str) -> Option<RuleMeta>) -> Vec<Finding> {
    let mut out = Out::new(catalog, lookup);
    check_duplicates(catalog, &mut out);
    check_owners_and_references(catalog, &mut out);
    check_readiness(catalog, &mut out);
    check_data(catalog, &mut out);
    check_flows(catalog, &mut out);
    check_archetypes(catalog, &mut out);
    check_cycles(catalog, &mut out);
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

fn check_duplicates(c: &Catalog, out: &mut Out) {
    for &(dup, first) in &c.duplicates {
        let (Some(d), Some(f)) = (c.entities.get(dup), c.entities.get(first)) else {
            continue;
        };
        out.report(
            DUPLICATE_ENTITY,
            &d.file,
            d.name.span,
            d,
            &format!("{}:{}", d.name.span.line, d.name.span.col),
            format!(
                "{} is defined twice; first at {}:{}:{}",
                d.reference, f.file, f.name.span.line, f.name.span.col
            ),
            vec![loc(&f.file, f.name.span)],
        );
    }
}

/// Kinds a Backstage catalog requires an owner for (plus DataAsset, whose
/// owner is the accountable data owner).
fn needs_owner(k: Kind) -> bool {
    matches!(
        k,
        Kind::Component
            | Kind::Api
            | Kind::Resource
            | Kind::System
            | Kind::Domain
            | Kind::DataAsset
    )
}

fn check_owners_and_references(c: &Catalog, out: &mut Out) {
    for e in &c.entities {
        if needs_owner(e.kind) && e.owner.is_none() && e.doc.path("spec.owner").is_none() {
            out.report(
                MISSING_OWNER,
                &e.file,
                e.missing_field_span(),
                e,
                "",
                format!("{} has no `spec.owner`", e.reference),
                vec![],
            );
        }
        for r in e.references() {
            check_reference(c, e, r, out);
        }
    }
}

fn check_reference(c: &Catalog, e: &Entity, r: &Reference, out: &mut Out) {
    let is_owner_field = r.field.ends_with(".owner");
    // Built only when reporting: this runs for every reference in the catalog.
    let key = || format!("{}={}", r.field, r.target);
    match c.get(&r.target) {
        Some(target) => {
            if !r.expect.is_empty() && !r.expect.contains(&target.kind) {
                let names: Vec<&str> = r.expect.iter().map(|k| k.as_str()).collect();
                let rule = if is_owner_field {
                    UNKNOWN_OWNER
                } else {
                    WRONG_REFERENCE_KIND
                };
                out.report(
                    rule,
                    &r.file,
                    r.span,
                    e,
                    &key(),
                    format!(
                        "`{}` resolves to {}, but `{}` expects {}",
                        r.raw,
                        target.reference,
                        r.field,
                        names.join(" or ")
                    ),
                    vec![loc(&target.file, target.name.span)],
                );
            }
        }
        None if c.broken.contains(&r.target) => {}
        None => {
            let rule = if is_owner_field {
                UNKNOWN_OWNER
            } else if matches!(r.target.kind.as_str(), "system" | "domain" | "group") {
                UNKNOWN_SYSTEM_DOMAIN_GROUP
            } else {
                DANGLING_REFERENCE
            };
            let what = match rule {
                UNKNOWN_OWNER => "owner",
                UNKNOWN_SYSTEM_DOMAIN_GROUP => r.target.kind.as_str(),
                _ => "entity",
            };
            out.report(
                rule,
                &r.file,
                r.span,
                e,
                &key(),
                format!(
                    "`{}` in `{}` names unknown {what} {}",
                    r.raw, r.field, r.target
                ),
                vec![],
            );
        }
    }
}

fn check_readiness(c: &Catalog, out: &mut Out) {
    for e in c.of_kind(Kind::Component) {
        let Some(a) = &e.archgate else { continue };
        let Some(tier) = &a.tier else { continue };
        if tier.value > 2 {
            continue;
        }
        if a.on_call.is_none() {
            out.report(
                MISSING_ON_CALL,
                &tier.file,
                tier.span,
                e,
                "",
                format!(
                    "tier-{} component {} has no `spec.archgate.onCall`",
                    tier.value, e.reference
                ),
                vec![],
            );
        }
        if a.runbook.is_none() {
            out.report(
                MISSING_RUNBOOK,
                &tier.file,
                tier.span,
                e,
                "",
                format!(
                    "tier-{} component {} has no `spec.archgate.runbook`",
                    tier.value, e.reference
                ),
                vec![],
            );
        }
    }
    // AG-MODEL-016: untiered components of tier-1/2 systems.
    for e in c.of_kind(Kind::Component) {
        if e.tier().is_some() {
            continue;
        }
        let Some(sys_ref) = &e.relations.system else {
            continue;
        };
        let Some(sys) = c.get(&sys_ref.target) else {
            continue;
        };
        let Some(st) = sys.archgate.as_ref().and_then(|a| a.tier.as_ref()) else {
            continue;
        };
        if st.value <= 2 {
            out.report(
                COMPONENT_WITHOUT_TIER_IN_CRITICAL_SYSTEM,
                &sys_ref.file,
                sys_ref.span,
                e,
                "",
                format!(
                    "{} has no `spec.archgate.tier` but belongs to tier-{} system {}",
                    e.reference, st.value, sys.reference
                ),
                vec![loc(&st.file, st.span)],
            );
        }
    }
}

fn check_data(c: &Catalog, out: &mut Out) {
    for e in c.of_kind(Kind::DataAsset) {
        if let Details::DataAsset(d) = &e.details {
            if d.classification.is_none() {
                out.report(
                    DATA_WITHOUT_CLASSIFICATION,
                    &e.file,
                    e.missing_field_span(),
                    e,
                    "",
                    format!("data asset {} has no `spec.classification`", e.reference),
                    vec![],
                );
            }
        }
    }
    // AG-MODEL-011: stores of confidential/restricted data must declare a tier.
    for e in &c.entities {
        if !matches!(e.kind, Kind::Component | Kind::Resource) || e.tier().is_some() {
            continue;
        }
        let Some(a) = &e.archgate else { continue };
        for r in &a.data_stored {
            let Some(asset) = c.get(&r.target) else {
                continue;
            };
            let Details::DataAsset(d) = &asset.details else {
                continue;
            };
            let Some(cl) = &d.classification else {
                continue;
            };
            if cl.value >= Classification::Confidential {
                out.report(
                    SENSITIVE_STORE_WITHOUT_TIER,
                    &r.file,
                    r.span,
                    e,
                    &r.target.to_string(),
                    format!(
                        "{} stores {} data ({}) but has no `spec.archgate.tier`",
                        e.reference,
                        cl.value.as_str(),
                        asset.reference
                    ),
                    vec![loc(&cl.file, cl.span)],
                );
                break;
            }
        }
    }
}

fn check_flows(c: &Catalog, out: &mut Out) {
    let has_boundaries = c.of_kind(Kind::TrustBoundary).next().is_some();
    // Members of some boundary: listed in `contains` or declaring `boundary`.
    let mut bounded: HashSet<&EntityRef> = HashSet::new();
    if has_boundaries {
        for b in c.of_kind(Kind::TrustBoundary) {
            if let Details::TrustBoundary(tb) = &b.details {
                bounded.extend(tb.contains.iter().map(|r| &r.target));
            }
        }
        for e in &c.entities {
            if e.archgate.as_ref().is_some_and(|a| a.boundary.is_some()) {
                bounded.insert(&e.reference);
            }
        }
    }
    for e in c.of_kind(Kind::DataFlow) {
        let Details::DataFlow(f) = &e.details else {
            continue;
        };
        match &f.protocol {
            None => out.report(
                FLOW_WITHOUT_PROTOCOL,
                &e.file,
                e.missing_field_span(),
                e,
                "",
                format!(
                    "data flow {} ({} → {}) declares no `spec.protocol`",
                    e.reference, f.source.target, f.target.target
                ),
                vec![],
            ),
            Some(p) if !vocab::PROTOCOLS.contains(&p.value.as_str()) => out.report(
                UNKNOWN_PROTOCOL,
                &p.file,
                p.span,
                e,
                &p.value,
                format!("`{}` is not a protocol archgate knows", p.value),
                vec![],
            ),
            Some(_) => {}
        }
        if has_boundaries {
            for end in [&f.source, &f.target] {
                let Some(t) = c.get(&end.target) else {
                    continue;
                };
                if matches!(t.kind, Kind::Component | Kind::Resource)
                    && !bounded.contains(&t.reference)
                {
                    out.report(
                        FLOW_ENDPOINT_WITHOUT_BOUNDARY,
                        &end.file,
                        end.span,
                        e,
                        end.field,
                        format!("{} ({}) is in no trust boundary", t.reference, end.field),
                        vec![loc(&t.file, t.name.span)],
                    );
                }
            }
        }
    }
}

fn check_archetypes(c: &Catalog, out: &mut Out) {
    let mut known: HashSet<String> = vocab::ARCHETYPES.iter().map(|s| s.to_string()).collect();
    for s in c.of_kind(Kind::Standard) {
        if let Details::Standard(st) = &s.details {
            known.extend(st.archetypes.iter().map(|a| a.value.clone()));
        }
    }
    for e in &c.entities {
        let Some(a) = e.archgate.as_ref().and_then(|a| a.archetype.as_ref()) else {
            continue;
        };
        if !known.contains(&a.value) {
            out.report(
                UNKNOWN_ARCHETYPE,
                &a.file,
                a.span,
                e,
                &a.value,
                format!(
                    "archetype `{}` is neither built in nor declared by a Standard",
                    a.value
                ),
                vec![],
            );
        }
    }
}

/// The hierarchies that must be acyclic, each as child → parent edges.
fn check_cycles(c: &Catalog, out: &mut Out) {
    // (hierarchy name, edges per entity index)
    let n = c.entities.len();
    let mut groups: Vec<Vec<(usize, &Reference)>> = vec![Vec::new(); n];
    let mut domains: Vec<Vec<(usize, &Reference)>> = vec![Vec::new(); n];
    let mut components: Vec<Vec<(usize, &Reference)>> = vec![Vec::new(); n];
    let mut boundaries: Vec<Vec<(usize, &Reference)>> = vec![Vec::new(); n];
    for (i, e) in c.entities.iter().enumerate() {
        let r = &e.relations;
        if let Some(p) = &r.parent {
            if let Some(j) = c.position(&p.target) {
                groups[i].push((j, p));
            }
        }
        for ch in &r.children {
            // `children` states the same relation from the parent's side: child → parent.
            if let Some(j) = c.position(&ch.target) {
                groups[j].push((i, ch));
            }
        }
        if let Some(p) = &r.subdomain_of {
            if let Some(j) = c.position(&p.target) {
                domains[i].push((j, p));
            }
        }
        if let Some(p) = &r.subcomponent_of {
            if let Some(j) = c.position(&p.target) {
                components[i].push((j, p));
            }
        }
        if let Details::TrustBoundary(tb) = &e.details {
            for nb in &tb.nested {
                if let Some(j) = c.position(&nb.target) {
                    // nested: parent → child; store as child → parent.
                    boundaries[j].push((i, nb));
                }
            }
        }
    }
    for (name, graph) in [
        ("group", &groups),
        ("domain", &domains),
        ("component", &components),
        ("trust boundary", &boundaries),
    ] {
        find_cycles(c, name, graph, out);
    }
}

/// Iterative three-colour DFS; each back edge closes one cycle, reported at
/// the reference that closes it.
fn find_cycles(c: &Catalog, name: &str, graph: &[Vec<(usize, &Reference)>], out: &mut Out) {
    #[derive(Clone, Copy, PartialEq)]
    enum Colour {
        White,
        Grey,
        Black,
    }
    let n = graph.len();
    let mut colour = vec![Colour::White; n];
    // Stack of (node, next edge index).
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for start in 0..n {
        if colour[start] != Colour::White || graph[start].is_empty() {
            continue;
        }
        stack.push((start, 0));
        colour[start] = Colour::Grey;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&(to, reference)) = graph[node].get(*next) {
                *next += 1;
                match colour[to] {
                    Colour::White => {
                        colour[to] = Colour::Grey;
                        stack.push((to, 0));
                    }
                    Colour::Grey => {
                        // The cycle is the stack from `to` up to `node`, then back to `to`.
                        let from = stack.iter().position(|&(v, _)| v == to).unwrap_or(0);
                        let mut path: Vec<String> = stack[from..]
                            .iter()
                            .filter_map(|&(v, _)| {
                                c.entities.get(v).map(|e| e.reference.to_string())
                            })
                            .collect();
                        path.push(
                            c.entities
                                .get(to)
                                .map(|e| e.reference.to_string())
                                .unwrap_or_default(),
                        );
                        let Some(e) = c.entities.get(node) else {
                            continue;
                        };
                        let key = {
                            let mut members = path.clone();
                            members.sort();
                            members.dedup();
                            members.join(",")
                        };
                        out.report(
                            HIERARCHY_CYCLE,
                            &reference.file,
                            reference.span,
                            e,
                            &key,
                            format!("{name} hierarchy has a cycle: {}", path.join(" → ")),
                            vec![],
                        );
                    }
                    Colour::Black => {}
                }
            } else {
                colour[node] = Colour::Black;
                stack.pop();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_texts;
    use archgate_core::{FindingKind, Severity};

    /// Loads one in-memory file, asserts it loads cleanly, and returns
    /// `(rule, line, col)` of every finding.
    fn run(text: &str) -> Vec<(String, u32, u32)> {
        let r = load_texts(&[("c.yaml".to_string(), text.to_string())]);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        validate(&r.catalog, &|_| None)
            .into_iter()
            .map(|f| {
                let l = f.location.unwrap();
                (f.rule_id, l.span.line, l.span.col)
            })
            .collect()
    }

    fn only(text: &str, rule: &str) -> Vec<(u32, u32)> {
        run(text)
            .into_iter()
            .filter(|(r, _, _)| r == rule)
            .map(|(_, l, c)| (l, c))
            .collect()
    }

    const GROUP: &str = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n";

    #[test]
    fn missing_owner_points_at_spec() {
        let t = format!("{GROUP}---\napiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: pay\nspec:\n  type: x\n");
        assert_eq!(only(&t, MISSING_OWNER), vec![(10, 1)]);
        let t = format!("{GROUP}---\napiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: pay\nspec:\n  owner: team-a\n");
        assert!(run(&t).is_empty(), "{:?}", run(&t));
    }

    #[test]
    fn unknown_owner_and_owner_of_wrong_kind() {
        let t = "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: {name: pay}\nspec:\n  owner: team-x\n";
        assert_eq!(only(t, UNKNOWN_OWNER), vec![(5, 10)]);
        let t = "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: {name: pay}\nspec:\n  owner: system:pay\n";
        assert_eq!(only(t, UNKNOWN_OWNER), vec![(5, 10)]);
    }

    #[test]
    fn dangling_and_unknown_system_refs() {
        let t = format!("{GROUP}---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: api}}\nspec:\n  owner: team-a\n  system: nowhere\n  dependsOn: [resource:db]\n  providesApis: [Pay-API]\n");
        let f = run(&t);
        assert_eq!(
            only(&t, UNKNOWN_SYSTEM_DOMAIN_GROUP),
            vec![(11, 11)],
            "{f:?}"
        );
        assert_eq!(
            only(&t, DANGLING_REFERENCE),
            vec![(12, 15), (13, 18)],
            "{f:?}"
        );
    }

    #[test]
    fn wrong_reference_kind() {
        let t = format!("{GROUP}---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: api}}\nspec:\n  owner: team-a\n  archgate:\n    boundary: group:team-a\n");
        assert_eq!(only(&t, WRONG_REFERENCE_KIND), vec![(12, 15)]);
    }

    #[test]
    fn duplicate_points_at_second_with_related_first() {
        let t = format!("{GROUP}---\n{GROUP}");
        assert_eq!(only(&t, DUPLICATE_ENTITY), vec![(8, 18)]);
        let r = load_texts(&[("c.yaml".into(), t)]);
        let f = validate(&r.catalog, &|_| None);
        assert_eq!(f[0].related[0].span.line, 3);
        assert_eq!(f[0].resource.as_deref(), Some("group:default/team-a"));
        assert_eq!(f[0].severity, Severity::Medium);
        assert_eq!(f[0].title, DUPLICATE_ENTITY);
        assert_eq!(f[0].snippet.as_deref(), Some("metadata: {name: team-a}"));
    }

    #[test]
    fn tier_one_needs_on_call_and_runbook() {
        let t = format!("{GROUP}---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: api}}\nspec:\n  owner: team-a\n  archgate:\n    tier: 1\n");
        assert_eq!(only(&t, MISSING_ON_CALL), vec![(12, 11)]);
        assert_eq!(only(&t, MISSING_RUNBOOK), vec![(12, 11)]);
        let ok = t.replace("tier: 1", "tier: 3");
        assert!(run(&ok).is_empty());
        let ok = t.replace(
            "tier: 1",
            "tier: 2\n    onCall: https://pager/x\n    runbook: https://wiki/rb",
        );
        assert!(run(&ok).is_empty());
    }

    #[test]
    fn flows_and_data() {
        let t = "apiVersion: archgate.dev/v1alpha1\nkind: DataFlow\nmetadata: {name: f}\nspec:\n  source: actor:a\n  target: actor:b\n---\napiVersion: archgate.dev/v1alpha1\nkind: Actor\nmetadata: {name: a}\nspec: {type: human}\n---\napiVersion: archgate.dev/v1alpha1\nkind: Actor\nmetadata: {name: b}\nspec: {type: human}\n";
        assert_eq!(run(t), vec![(FLOW_WITHOUT_PROTOCOL.into(), 4, 1)]);
        let t2 = t.replace(
            "  target: actor:b\n",
            "  target: actor:b\n  protocol: carrier-pigeon\n",
        );
        assert_eq!(run(&t2), vec![(UNKNOWN_PROTOCOL.into(), 7, 13)]);
        let d = format!("{GROUP}---\napiVersion: archgate.dev/v1alpha1\nkind: DataAsset\nmetadata: {{name: cards}}\nspec:\n  owner: team-a\n");
        assert_eq!(run(&d), vec![(DATA_WITHOUT_CLASSIFICATION.into(), 9, 1)]);
    }

    #[test]
    fn sensitive_store_needs_tier() {
        let t = format!("{GROUP}---\napiVersion: archgate.dev/v1alpha1\nkind: DataAsset\nmetadata: {{name: cards}}\nspec: {{owner: team-a, classification: restricted}}\n---\napiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: {{name: db}}\nspec:\n  owner: team-a\n  archgate:\n    dataStored: [cards]\n");
        assert_eq!(only(&t, SENSITIVE_STORE_WITHOUT_TIER), vec![(17, 18)]);
        let internal = t.replace("restricted", "internal");
        assert!(only(&internal, SENSITIVE_STORE_WITHOUT_TIER).is_empty());
    }

    #[test]
    fn cycles_in_every_hierarchy() {
        let groups = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: a}\nspec: {type: team, parent: b, children: []}\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: b}\nspec: {type: team, parent: a, children: []}\n";
        assert_eq!(only(groups, HIERARCHY_CYCLE), vec![(9, 28)]);
        let boundaries = "apiVersion: archgate.dev/v1alpha1\nkind: TrustBoundary\nmetadata: {name: a}\nspec: {nested: [a]}\n";
        assert_eq!(only(boundaries, HIERARCHY_CYCLE), vec![(4, 17)]);
        // A consistent parent/children pair is no cycle.
        let ok = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: a}\nspec: {type: team, children: [b]}\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: b}\nspec: {type: team, parent: a, children: []}\n";
        assert!(only(ok, HIERARCHY_CYCLE).is_empty());
    }

    #[test]
    fn long_chain_is_linear_and_iterative() {
        // 20,000 nested groups: a recursive DFS would overflow the stack.
        let mut t = String::new();
        for i in 0..20_000 {
            t.push_str(&format!(
                "---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {{name: g{i}}}\nspec: {{type: team, parent: g{}, children: []}}\n",
                (i + 1) % 20_000
            ));
        }
        let f = only(&t, HIERARCHY_CYCLE);
        assert_eq!(f.len(), 1);
    }

    #[test]
    fn archetypes_and_boundaries() {
        let t = format!("{GROUP}---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: api}}\nspec:\n  owner: team-a\n  archgate:\n    archetype: quantum-service\n");
        assert_eq!(only(&t, UNKNOWN_ARCHETYPE), vec![(12, 16)]);
        let declared = format!("{t}---\napiVersion: archgate.dev/v1alpha1\nkind: Standard\nmetadata: {{name: s}}\nspec:\n  archetypes: [{{name: quantum-service}}]\n");
        assert!(only(&declared, UNKNOWN_ARCHETYPE).is_empty());
        let flow = format!("{GROUP}---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: a}}\nspec: {{owner: team-a}}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: b}}\nspec: {{owner: team-a, archgate: {{boundary: app}}}}\n---\napiVersion: archgate.dev/v1alpha1\nkind: TrustBoundary\nmetadata: {{name: app}}\nspec: {{zone: internal}}\n---\napiVersion: archgate.dev/v1alpha1\nkind: DataFlow\nmetadata: {{name: f}}\nspec:\n  source: a\n  target: b\n  protocol: https\n");
        assert_eq!(only(&flow, FLOW_ENDPOINT_WITHOUT_BOUNDARY), vec![(25, 11)]);
    }

    #[test]
    fn untiered_component_in_tier_one_system() {
        let t = format!("{GROUP}---\napiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: {{name: pay}}\nspec: {{owner: team-a, archgate: {{tier: 1}}}}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: api}}\nspec:\n  owner: team-a\n  system: pay\n");
        assert_eq!(
            only(&t, COMPONENT_WITHOUT_TIER_IN_CRITICAL_SYSTEM),
            vec![(16, 11)]
        );
    }

    #[test]
    fn lookup_fills_title_and_severity() {
        let meta = RuleMeta {
            id: MISSING_OWNER.into(),
            title: "Entity has an owner".into(),
            severity: Severity::High,
            provider: "model".into(),
            kind: FindingKind::Model,
            resource_kinds: vec![],
            aliases: vec![],
            controls: vec!["iso27001-2022:A.5.9".into()],
            doc: Default::default(),
        };
        let t = "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: {name: pay}\n";
        let r = load_texts(&[("c.yaml".into(), t.into())]);
        let f = validate(&r.catalog, &|id| {
            (id == MISSING_OWNER).then(|| meta.clone())
        });
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].title.as_str(), f[0].severity),
            ("Entity has an owner", Severity::High)
        );
        assert_eq!(f[0].controls, vec!["iso27001-2022:A.5.9".to_string()]);
        // No spec at all: reported at metadata.name.
        assert_eq!(f[0].location.as_ref().unwrap().span.line, 3);
    }
}

#[cfg(test)]
mod profile_tests {
    use super::*;
    use crate::load::load_texts;

    #[test]
    fn profile_refs_are_reported_once_on_the_profile() {
        let t = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: g}\nspec: {type: team, children: []}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: api}\nspec: {owner: g}\n---\napiVersion: archgate.dev/v1alpha1\nkind: Profile\nmetadata: {name: p}\nspec:\n  target: api\n  archgate:\n    dataStored: [nothing]\n";
        let r = load_texts(&[("c.yaml".into(), t.into())]);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let f = validate(&r.catalog, &|_| None);
        let got: Vec<(&str, u32, Option<&str>)> = f
            .iter()
            .map(|f| {
                (
                    f.rule_id.as_str(),
                    f.location.as_ref().unwrap().span.line,
                    f.resource.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![(DANGLING_REFERENCE, 17, Some("profile:default/p"))]
        );
        // The merged fact is visible on the target.
        let api = r
            .catalog
            .get(&EntityRef::new(Kind::Component, "default", "api"))
            .unwrap();
        assert_eq!(api.archgate.as_ref().unwrap().data_stored.len(), 1);
    }

    #[test]
    fn profile_on_missing_target_is_a_dangling_reference() {
        let t = "apiVersion: archgate.dev/v1alpha1\nkind: Profile\nmetadata: {name: p}\nspec:\n  target: ghost\n  archgate: {tier: 1}\n";
        let r = load_texts(&[("c.yaml".into(), t.into())]);
        let f = validate(&r.catalog, &|_| None);
        assert_eq!(f.len(), 1);
        assert_eq!(
            (
                f[0].rule_id.as_str(),
                f[0].location.as_ref().unwrap().span.line
            ),
            (DANGLING_REFERENCE, 5)
        );
    }
}
