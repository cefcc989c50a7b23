//! Governance KPIs computed from one run: is governance working? Each KPI
//! has a value, a target and whether the target is met.
//!
//! | id | value | default target |
//! |---|---|---|
//! | `policy-compliance` | share of IaC resources without an open high or critical finding | ≥ 0.95 |
//! | `readiness` | share of tiered components at the level their tier requires | ≥ 0.90 |
//! | `observability-coverage` | share of components with an SLO, a dashboard and an on-call | ≥ 0.90 |
//! | `dr-readiness` | share of tier-1/2 components with RTO, RPO and redundancy | ≥ 1.00 |
//! | `exceptions-in-force` | exceptions waiving findings today | (reported) |
//! | `exceptions-expired-share` | share of exceptions past their expiry | ≤ 0.00 |
//! | `exception-mean-age-days` | mean days since `created` of exceptions in force | ≤ 180 |
//! | `stale-proposals` | decisions proposed for longer than 90 days | ≤ 0 |
//!
//! Not here: trends over git history (`--since`), decision cycle time from
//! history, and targets read from `archgate.yaml`; targets are overridden
//! per run (`--target id=value`).

use crate::adr::{AdrSet, AdrStatus};
use crate::exceptions::{Exception, Standing};
use crate::scorecard::{Level, Scorecard};
use archgate_core::{FindingKind, Report, Severity};
use archgate_model::{Catalog, Kind};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashSet;

/// Whether a higher or a lower value is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The value must be at least the target.
    AtLeast,
    /// The value must be at most the target.
    AtMost,
    /// Reported, no target.
    Info,
}

/// One KPI.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Kpi {
    pub id: &'static str,
    pub title: &'static str,
    /// None when there is nothing to measure (no components, no resources).
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub direction: Direction,
    /// None when there is no value or no target.
    pub met: Option<bool>,
    /// What the value was computed from (`41 of 85 resources`).
    pub basis: String,
}

/// Default targets, by KPI id.
pub const DEFAULT_TARGETS: &[(&str, f64)] = &[
    ("policy-compliance", 0.95),
    ("readiness", 0.90),
    ("observability-coverage", 0.90),
    ("dr-readiness", 1.0),
    ("exceptions-expired-share", 0.0),
    ("exception-mean-age-days", 180.0),
    ("stale-proposals", 0.0),
];

fn kpi(
    id: &'static str,
    title: &'static str,
    value: Option<f64>,
    direction: Direction,
    targets: &[(String, f64)],
    basis: String,
) -> Kpi {
    let target = targets
        .iter()
        .find(|(k, _)| k == id)
        .map(|(_, v)| *v)
        .or_else(|| {
            DEFAULT_TARGETS
                .iter()
                .find(|(k, _)| *k == id)
                .map(|(_, v)| *v)
        })
        .filter(|_| direction != Direction::Info);
    let met = match (value, target, direction) {
        (Some(v), Some(t), Direction::AtLeast) => Some(v >= t),
        (Some(v), Some(t), Direction::AtMost) => Some(v <= t),
        _ => None,
    };
    Kpi {
        id,
        title,
        value,
        target,
        direction,
        met,
        basis,
    }
}

fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Everything a KPI run reads.
pub struct Inputs<'a> {
    pub report: &'a Report,
    pub catalog: &'a Catalog,
    pub scorecards: &'a [Scorecard],
    pub exceptions: &'a [Exception],
    pub adrs: &'a AdrSet,
    pub today: NaiveDate,
    /// Overrides of [`DEFAULT_TARGETS`].
    pub targets: &'a [(String, f64)],
}

/// Computes every KPI.
pub fn compute(i: &Inputs) -> Vec<Kpi> {
    let t = i.targets;
    let mut out = Vec::new();

    let failing: HashSet<(String, String)> = i
        .report
        .findings
        .iter()
        .filter(|f| {
            matches!(f.kind, FindingKind::Iac | FindingKind::Policy)
                && !f.is_suppressed()
                && f.severity >= Severity::High
        })
        .filter_map(|f| {
            let file = f
                .location
                .as_ref()
                .map(|l| l.file.clone())
                .unwrap_or_default();
            f.resource.clone().map(|r| (file, r))
        })
        .collect();
    let total = i.report.stats.resources;
    out.push(kpi(
        "policy-compliance",
        "Resources passing the critical and high rules",
        share(total.saturating_sub(failing.len()), total),
        Direction::AtLeast,
        t,
        format!(
            "{} of {total} resources with an open high or critical finding",
            failing.len()
        ),
    ));

    let tiered: Vec<&Scorecard> = i
        .scorecards
        .iter()
        .filter(|c| c.required > Level::None)
        .collect();
    let ready = tiered.iter().filter(|c| c.meets_tier()).count();
    out.push(kpi(
        "readiness",
        "Components at the readiness level their tier requires",
        share(ready, tiered.len()),
        Direction::AtLeast,
        t,
        format!("{ready} of {} tiered components", tiered.len()),
    ));

    let components: Vec<_> = i.catalog.of_kind(Kind::Component).collect();
    let observed = components
        .iter()
        .filter(|e| {
            e.archgate.as_ref().is_some_and(|f| {
                f.slo
                    .as_ref()
                    .is_some_and(|s| s.value.availability.is_some())
                    && !f.dashboards.is_empty()
                    && f.on_call
                        .as_ref()
                        .is_some_and(|o| !o.value.trim().is_empty())
            })
        })
        .count();
    out.push(kpi(
        "observability-coverage",
        "Components with an SLO, a dashboard and an on-call",
        share(observed, components.len()),
        Direction::AtLeast,
        t,
        format!("{observed} of {} components", components.len()),
    ));

    let critical: Vec<_> = components
        .iter()
        .filter(|e| matches!(e.tier(), Some(1 | 2)))
        .collect();
    let dr = critical
        .iter()
        .filter(|e| {
            e.archgate.as_ref().is_some_and(|f| {
                f.rto.is_some() && f.rpo.is_some() && f.redundant.as_ref().is_some_and(|r| r.value)
            })
        })
        .count();
    out.push(kpi(
        "dr-readiness",
        "Tier-1/2 components with RTO, RPO and redundancy",
        share(dr, critical.len()),
        Direction::AtLeast,
        t,
        format!("{dr} of {} tier-1/2 components", critical.len()),
    ));

    let standings: Vec<Standing> = i.exceptions.iter().map(|x| x.standing(i.today)).collect();
    let in_force: Vec<&Exception> = i
        .exceptions
        .iter()
        .zip(&standings)
        .filter(|(_, s)| **s == Standing::InForce)
        .map(|(x, _)| x)
        .collect();
    out.push(kpi(
        "exceptions-in-force",
        "Exceptions waiving findings today",
        Some(in_force.len() as f64),
        Direction::Info,
        t,
        format!("{} exceptions in total", i.exceptions.len()),
    ));
    let expired = standings
        .iter()
        .filter(|s| **s == Standing::Expired)
        .count();
    out.push(kpi(
        "exceptions-expired-share",
        "Exceptions past their expiry",
        share(expired, i.exceptions.len()),
        Direction::AtMost,
        t,
        format!("{expired} of {} exceptions", i.exceptions.len()),
    ));
    let ages: Vec<i64> = in_force
        .iter()
        .filter_map(|x| x.created.as_ref().map(|c| (i.today - c.value).num_days()))
        .collect();
    out.push(kpi(
        "exception-mean-age-days",
        "Mean age of the exceptions in force, in days",
        (!ages.is_empty()).then(|| ages.iter().sum::<i64>() as f64 / ages.len() as f64),
        Direction::AtMost,
        t,
        format!("{} exceptions in force with a creation date", ages.len()),
    ));

    let proposed: Vec<_> = i
        .adrs
        .adrs
        .iter()
        .filter(|a| {
            a.status
                .as_ref()
                .is_some_and(|s| matches!(s.value, AdrStatus::Proposed | AdrStatus::Draft))
        })
        .collect();
    let stale = proposed
        .iter()
        .filter(|a| {
            a.date
                .as_ref()
                .is_some_and(|d| (i.today - d.value).num_days() > 90)
        })
        .count();
    out.push(kpi(
        "stale-proposals",
        "Decisions proposed for more than 90 days",
        Some(stale as f64),
        Direction::AtMost,
        t,
        format!(
            "{stale} of {} open proposals, {} decisions",
            proposed.len(),
            i.adrs.adrs.len()
        ),
    ));
    out
}

/// A text or Markdown table of KPIs.
pub fn table(kpis: &[Kpi], markdown: bool) -> String {
    let fmt = |v: Option<f64>, id: &str| match v {
        None => "-".to_string(),
        Some(x)
            if id.ends_with("share")
                || !(id.contains("days")
                    || id.contains("proposals")
                    || id.contains("in-force")) =>
        {
            format!("{:.1}%", x * 100.0)
        }
        Some(x) => format!("{x:.0}"),
    };
    let mut s = if markdown {
        String::from("| KPI | value | target | met | basis |\n|---|---|---|---|---|\n")
    } else {
        format!(
            "{:<26} {:>8} {:>10} {:<4} BASIS\n",
            "KPI", "VALUE", "TARGET", "MET"
        )
    };
    for k in kpis {
        let target = match (k.target, k.direction) {
            (Some(t), Direction::AtLeast) => format!(">= {}", fmt(Some(t), k.id)),
            (Some(t), Direction::AtMost) => format!("<= {}", fmt(Some(t), k.id)),
            _ => "-".to_string(),
        };
        let met = match k.met {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "-",
        };
        if markdown {
            s.push_str(&format!(
                "| {} | {} | {target} | {met} | {} |\n",
                k.id,
                fmt(k.value, k.id),
                k.basis
            ));
        } else {
            s.push_str(&format!(
                "{:<26} {:>8} {:>10} {:<4} {}\n",
                k.id,
                fmt(k.value, k.id),
                target,
                met,
                k.basis
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use archgate_core::{Finding, Location, Span};

    fn finding(resource: &str, sev: Severity) -> Finding {
        Finding {
            rule_id: "AG-X".into(),
            title: "t".into(),
            severity: sev,
            kind: FindingKind::Iac,
            location: Some(Location {
                file: "a.tf".into(),
                span: Span::default(),
            }),
            resource: Some(resource.into()),
            component: None,
            message: "m".into(),
            remediation: None,
            controls: vec![],
            aliases: vec![],
            fingerprint: String::new(),
            suppression: None,
            snippet: None,
            related: vec![],
        }
    }

    const CATALOG: &str = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\nspec:\n  owner: g\n  archgate:\n    tier: 1\n    onCall: x\n    runbook: y\n    dashboards: [d]\n    slo: {availability: 99.9}\n    rto: 1h\n    rpo: 5m\n    redundant: true\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: b}\nspec:\n  owner: g\n  archgate: {tier: 2}\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: g}\nspec: {type: team}\n";

    #[test]
    fn computes_values_targets_and_met() {
        let mut report = Report {
            findings: vec![
                finding("aws_s3_bucket.a", Severity::High),
                finding("aws_s3_bucket.a", Severity::Critical),
                finding("aws_s3_bucket.b", Severity::Medium),
            ],
            ..Report::default()
        };
        report.stats.resources = 10;
        let loaded = archgate_model::load_texts(&[("c.yaml".into(), CATALOG.into())]);
        let cards = crate::scorecard::scorecards(&loaded.catalog, &report.findings, None);
        let xs_text = "apiVersion: archgate.dev/v1alpha1\nkind: Exception\nmetadata: {name: a}\nspec:\n  rules: [X]\n  justification: j\n  compensatingControls: [c]\n  requester: r\n  approver: p\n  created: 2026-10-26\n  expires: 2027-01-01\n---\napiVersion: archgate.dev/v1alpha1\nkind: Exception\nmetadata: {name: b}\nspec:\n  rules: [X]\n  justification: j\n  approver: p\n  created: 2025-01-01\n  expires: 2025-06-01\n";
        let (xs, errors) = crate::exceptions::parse_exceptions("x.yaml", xs_text);
        assert!(errors.is_empty(), "{errors:?}");
        let targets = vec![("readiness".to_string(), 0.5)];
        let kpis = compute(&Inputs {
            report: &report,
            catalog: &loaded.catalog,
            scorecards: &cards,
            exceptions: &xs,
            adrs: &AdrSet::default(),
            today: archgate_model::vocab::parse_date("2026-11-25").unwrap(),
            targets: &targets,
        });
        let get = |id: &str| kpis.iter().find(|k| k.id == id).unwrap();
        assert_eq!(get("policy-compliance").value, Some(0.9));
        assert_eq!(get("policy-compliance").met, Some(false));
        assert_eq!(get("readiness").value, Some(0.5));
        assert_eq!(
            (get("readiness").target, get("readiness").met),
            (Some(0.5), Some(true))
        );
        assert_eq!(get("observability-coverage").value, Some(0.5));
        assert_eq!(get("dr-readiness").value, Some(0.5));
        assert_eq!(get("exceptions-in-force").value, Some(1.0));
        assert_eq!(get("exceptions-expired-share").value, Some(0.5));
        assert_eq!(get("exception-mean-age-days").value, Some(30.0));
        assert_eq!(get("exception-mean-age-days").met, Some(true));
        assert_eq!(get("stale-proposals").value, Some(0.0));
        let text = table(&kpis, false);
        assert!(
            text.contains("policy-compliance             90.0%   >= 95.0% NO   1 of 10 resources"),
            "{text}"
        );
        assert!(
            table(&kpis, true).contains("| exception-mean-age-days | 30 | <= 180 | yes |"),
            "{}",
            table(&kpis, true)
        );
    }
}
