//! The Markdown threat-model report (`archgate threats --report FILE`): what
//! a security architecture review board reads — the scope (systems,
//! components by tier, data by classification, trust boundaries), the open
//! threats first, then every threat by STRIDE category with its severity,
//! elements, mitigations and status, and the accepted risks with their
//! exception and expiry. Built from the model and the derived threats only;
//! the findings' own reporters (text, json, sarif…) live in archgate-core.

use super::{Status, Stride, Threat};
use crate::entity::Details;
use crate::load::Catalog;
use crate::reference::Kind;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Escapes a table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn short(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

/// Open first, then accepted, then mitigated; within each, most severe first.
fn order(a: &Threat, b: &Threat) -> std::cmp::Ordering {
    (
        a.status,
        std::cmp::Reverse(a.severity),
        a.rule,
        &a.synthetic_id,
    )
        .cmp(&(
            b.status,
            std::cmp::Reverse(b.severity),
            b.rule,
            &b.synthetic_id,
        ))
}

fn elements(t: &Threat) -> String {
    let mut names: Vec<String> = t
        .elements
        .iter()
        .take(4)
        .map(|e| format!("`{}`", e.reference))
        .collect();
    if t.elements.len() > 4 {
        names.push(format!("+{}", t.elements.len() - 4));
    }
    names.join(", ")
}

fn status(t: &Threat) -> String {
    match (&t.status, &t.accepted_by) {
        (Status::Accepted, Some(s)) => format!(
            "accepted ({}{})",
            s.source.as_deref().unwrap_or("exception"),
            s.until
                .as_deref()
                .map(|u| format!(", until {u}"))
                .unwrap_or_default()
        ),
        (s, _) => s.as_str().to_string(),
    }
}

/// Renders the report. `workspace` names it; `date` is printed as the
/// report date (the caller passes today's date, tests a fixed one).
pub fn markdown(catalog: &Catalog, threats: &[Threat], workspace: &str, date: &str) -> String {
    let mut sorted: Vec<&Threat> = threats.iter().collect();
    sorted.sort_by(|a, b| order(a, b));
    let mut s = String::new();
    let _ = writeln!(s, "# Threat model: {workspace}\n");
    let _ = writeln!(
        s,
        "Derived by archgate from the workspace model and its linked infrastructure code on {date}. \
         Severity is likelihood × impact on Threagile's matrix (see docs/threats.md); \
         a threat is *open* until a model fact or linked IaC mitigates it or an exception accepts it.\n"
    );
    // Summary.
    let count = |st: Status| threats.iter().filter(|t| t.status == st).count();
    let _ = writeln!(s, "## Summary\n");
    let _ = writeln!(
        s,
        "{} threats: **{} open**, {} accepted, {} mitigated.\n",
        threats.len(),
        count(Status::Open),
        count(Status::Accepted),
        count(Status::Mitigated)
    );
    let _ = writeln!(
        s,
        "| severity | open | accepted | mitigated |\n|---|---|---|---|"
    );
    for sev in archgate_core::Severity::ALL {
        let n = |st: Status| {
            threats
                .iter()
                .filter(|t| t.severity == sev && t.status == st)
                .count()
        };
        let row = (n(Status::Open), n(Status::Accepted), n(Status::Mitigated));
        if row != (0, 0, 0) {
            let _ = writeln!(s, "| {sev} | {} | {} | {} |", row.0, row.1, row.2);
        }
    }
    s.push('\n');
    scope(&mut s, catalog);
    // Open items.
    let _ = writeln!(s, "## Open threats\n");
    let open: Vec<&&Threat> = sorted.iter().filter(|t| t.status == Status::Open).collect();
    if open.is_empty() {
        let _ = writeln!(s, "None.\n");
    } else {
        let _ = writeln!(
            s,
            "| severity | rule | STRIDE | threat | element | rating |\n|---|---|---|---|---|---|"
        );
        for t in open {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | `{}` | {} × {} |",
                t.severity,
                t.rule,
                t.stride.title(),
                cell(&t.message),
                t.elements.first().map_or("", |e| short(&e.reference)),
                t.likelihood.as_str(),
                t.impact.as_str()
            );
        }
        s.push('\n');
    }
    // By STRIDE category.
    let _ = writeln!(s, "## Threats by STRIDE category\n");
    for cat in Stride::ALL {
        let list: Vec<&&Threat> = sorted.iter().filter(|t| t.stride == cat).collect();
        let _ = writeln!(s, "### {} ({})\n", cat.title(), list.len());
        if list.is_empty() {
            let _ = writeln!(s, "No threat derived.\n");
            continue;
        }
        let _ = writeln!(
            s,
            "| rule | severity | status | threat | elements | likelihood × impact | mitigations |\n|---|---|---|---|---|---|---|"
        );
        for t in list {
            let mitigations: Vec<String> = t.mitigations.iter().map(|m| m.render()).collect();
            let _ = writeln!(
                s,
                "| {}{} | {} | {} | **{}**: {} | {} | {} × {} | {} |",
                t.rule,
                t.category.map(|c| format!(" ({c})")).unwrap_or_default(),
                t.severity,
                cell(&status(t)),
                cell(&t.title),
                cell(&t.message),
                elements(t),
                t.likelihood.as_str(),
                t.impact.as_str(),
                if mitigations.is_empty() {
                    "—".to_string()
                } else {
                    cell(&mitigations.join("; "))
                }
            );
        }
        s.push('\n');
    }
    // Accepted risks.
    let _ = writeln!(s, "## Accepted risks\n");
    let accepted: Vec<&&Threat> = sorted
        .iter()
        .filter(|t| t.status == Status::Accepted)
        .collect();
    if accepted.is_empty() {
        let _ = writeln!(s, "None. Accept a threat with an `Exception` naming its rule id or Threagile category (docs/threats.md).\n");
    } else {
        let _ = writeln!(
            s,
            "| rule | severity | element | exception | approved by | expires | justification |\n|---|---|---|---|---|---|---|"
        );
        for t in accepted {
            let x = t.accepted_by.as_ref();
            let _ = writeln!(
                s,
                "| {} | {} | `{}` | {} | {} | {} | {} |",
                t.rule,
                t.severity,
                t.elements.first().map_or("", |e| short(&e.reference)),
                cell(x.and_then(|x| x.source.as_deref()).unwrap_or("—")),
                cell(x.and_then(|x| x.by.as_deref()).unwrap_or("—")),
                x.and_then(|x| x.until.as_deref()).unwrap_or("—"),
                cell(x.and_then(|x| x.reason.as_deref()).unwrap_or("—"))
            );
        }
        s.push('\n');
    }
    s
}

/// The scope section: systems, components by tier, data by classification, boundaries.
fn scope(s: &mut String, catalog: &Catalog) {
    let _ = writeln!(s, "## Scope\n");
    let systems: Vec<_> = catalog.of_kind(Kind::System).collect();
    let mut per_system: BTreeMap<String, usize> = BTreeMap::new();
    for e in catalog
        .entities
        .iter()
        .filter(|e| matches!(e.kind, Kind::Component | Kind::Resource))
    {
        if let Some(sys) = &e.relations.system {
            *per_system.entry(sys.target.to_string()).or_default() += 1;
        }
    }
    let _ = writeln!(s, "### Systems ({})\n", systems.len());
    if !systems.is_empty() {
        let _ = writeln!(
            s,
            "| system | owner | domain | components and resources |\n|---|---|---|---|"
        );
        for e in &systems {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                cell(e.title.as_deref().unwrap_or(&e.reference.name)),
                e.owner
                    .as_ref()
                    .map_or("—".to_string(), |o| o.target.to_string()),
                e.relations
                    .domain
                    .as_ref()
                    .map_or("—".to_string(), |d| d.target.name.clone()),
                per_system
                    .get(&e.reference.to_string())
                    .copied()
                    .unwrap_or(0)
            );
        }
        s.push('\n');
    }
    let mut by_tier: BTreeMap<Option<u8>, Vec<String>> = BTreeMap::new();
    for e in catalog.of_kind(Kind::Component) {
        by_tier
            .entry(e.tier())
            .or_default()
            .push(format!("`{}`", e.reference.name));
    }
    let _ = writeln!(s, "### Components by tier\n");
    let _ = writeln!(s, "| tier | components |\n|---|---|");
    for (tier, names) in &by_tier {
        let _ = writeln!(
            s,
            "| {} | {} |",
            tier.map_or("unset".to_string(), |t| t.to_string()),
            names.join(", ")
        );
    }
    s.push('\n');
    let mut by_class: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in catalog.of_kind(Kind::DataAsset) {
        if let Details::DataAsset(d) = &e.details {
            let class = d
                .classification
                .as_ref()
                .map_or("unclassified".to_string(), |c| c.value.as_str().to_string());
            let cats: Vec<&str> = d.categories.iter().map(|c| c.value.as_str()).collect();
            let label = if cats.is_empty() {
                format!("`{}`", e.reference.name)
            } else {
                format!("`{}` ({})", e.reference.name, cats.join(", "))
            };
            by_class.entry(class).or_default().push(label);
        }
    }
    let _ = writeln!(s, "### Data by classification\n");
    let _ = writeln!(s, "| classification | data assets |\n|---|---|");
    for class in [
        "restricted",
        "confidential",
        "internal",
        "public",
        "unclassified",
    ] {
        if let Some(list) = by_class.get(class) {
            let _ = writeln!(s, "| {class} | {} |", list.join(", "));
        }
    }
    s.push('\n');
    let _ = writeln!(s, "### Trust boundaries\n");
    let _ = writeln!(
        s,
        "| boundary | type | zone | ceiling | nested |\n|---|---|---|---|---|"
    );
    for e in catalog.of_kind(Kind::TrustBoundary) {
        if let Details::TrustBoundary(b) = &e.details {
            let nested: Vec<&str> = b.nested.iter().map(|n| n.target.name.as_str()).collect();
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                cell(e.title.as_deref().unwrap_or(&e.reference.name)),
                b.boundary_type.as_ref().map_or("—", |t| t.value.as_str()),
                b.zone.as_ref().map_or("—", |z| z.value.as_str()),
                b.max_classification
                    .as_ref()
                    .map_or("—", |c| c.value.as_str()),
                if nested.is_empty() {
                    "—".to_string()
                } else {
                    nested.join(", ")
                }
            );
        }
    }
    s.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::Emitter;
    use crate::load::load_texts;

    #[test]
    fn report_lists_scope_open_items_first_and_every_category() {
        let text = "\
apiVersion: backstage.io/v1alpha1
kind: System
metadata: {name: shop}
spec: {owner: group:t}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: portal}
spec:
  type: website
  lifecycle: production
  owner: group:t
  system: shop
  archgate: {tier: 2, boundary: dmz, dataProcessed: [pii]}
---
apiVersion: archgate.dev/v1alpha1
kind: DataAsset
metadata: {name: pii}
spec: {owner: group:t, classification: confidential, categories: [pii]}
---
apiVersion: archgate.dev/v1alpha1
kind: TrustBoundary
metadata: {name: dmz}
spec: {type: network-cloud-security-group, zone: dmz}
";
        let loaded = load_texts(&[("c.yaml".into(), text.into())]);
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        let lookup = |_: &str| None;
        let mut out = Emitter::new(&loaded.catalog, &lookup);
        let threats = super::super::derive(&loaded.catalog, None, &mut out);
        let md = markdown(&loaded.catalog, &threats, "shop", "2026-11-25");
        assert!(md.starts_with("# Threat model: shop"));
        assert!(md.contains("| 2 | `portal` |"), "{md}");
        assert!(md.contains("| confidential | `pii` (pii) |"));
        assert!(md.contains("| dmz | network-cloud-security-group | dmz |"));
        // XSS on the portal is open and listed before the categories.
        let open = md.find("## Open threats").unwrap();
        let xss = md.find("AG-T05").unwrap();
        let cats = md.find("## Threats by STRIDE category").unwrap();
        assert!(open < xss && xss < cats, "{md}");
        for c in Stride::ALL {
            assert!(md.contains(&format!("### {} (", c.title())));
        }
        assert!(md.contains("## Accepted risks\n\nNone."));
    }
}
