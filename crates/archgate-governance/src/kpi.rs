//! Governance KPIs: is governance working? Each KPI has a value, a target
//! (built in, overridden by `archgate.yaml` `kpis:` and `--target`) and
//! whether the target is met.
//!
//! | id | value | default target |
//! |---|---|---|
//! | `policy-compliance` | share of IaC resources without an open high or critical finding | ≥ 0.95 |
//! | `tag-coverage` | share of taggable IaC resources carrying every required tag | ≥ 0.95 |
//! | `pattern-adoption` | share of components with a reference pattern that meet it | ≥ 0.80 |
//! | `readiness` | share of tiered components at the level their tier requires | ≥ 0.90 |
//! | `observability-coverage` | share of components with an SLO, a dashboard and an on-call | ≥ 0.90 |
//! | `dr-readiness` | share of tier-1/2 components with RTO, RPO and redundancy | ≥ 1.00 |
//! | `exceptions-in-force` | exceptions waiving findings today | (reported) |
//! | `exceptions-expired-share` | share of exceptions past their expiry | ≤ 0.00 |
//! | `exception-mean-age-days` | mean days since `created` of exceptions in force | ≤ 180 |
//! | `stale-proposals` | decisions proposed for longer than 90 days | ≤ 0 |
//! | `decision-cycle-days` | median days from proposed to accepted (git history) | ≤ 30 |
//!
//! [`compute`] needs a run (findings, scan counts); [`file_kpis`] only the
//! workspace files, so [`crate::history`] can compute it at past commits.
//! A KPI with nothing to measure (no resources, no patterns evaluated, not a
//! git repository) has no value and says why in its basis: never a made-up
//! number. Not here: reading git history (see [`crate::history`]).

use crate::adr::{AdrSet, AdrStatus};
use crate::exceptions::{Exception, Standing};
use crate::scorecard::{Level, Scorecard};
use crate::standards::TagCoverage;
use archgate_core::config::KpiSetting;
use archgate_core::{FindingKind, InputError, Report, Severity};
use archgate_model::{Catalog, Kind};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashSet;

/// Whether a higher or a lower value is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// The value must be at least the target.
    AtLeast,
    /// The value must be at most the target.
    AtMost,
}

/// What a value counts, for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// A share between 0 and 1 (shown as a percentage).
    Share,
    /// A count.
    Count,
    /// A number of days.
    Days,
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
    pub unit: Unit,
    /// None when there is no value or no target.
    pub met: Option<bool>,
    /// What the value was computed from (`41 of 85 resources`).
    pub basis: String,
}

/// Every KPI: id, title, the direction that is better, unit, default target.
pub const KPIS: &[(&str, &str, Direction, Unit, Option<f64>)] = &[
    (
        "policy-compliance",
        "Resources passing the critical and high rules",
        Direction::AtLeast,
        Unit::Share,
        Some(0.95),
    ),
    (
        "tag-coverage",
        "Taggable resources carrying every required tag",
        Direction::AtLeast,
        Unit::Share,
        Some(0.95),
    ),
    (
        "pattern-adoption",
        "Components meeting their reference architecture",
        Direction::AtLeast,
        Unit::Share,
        Some(0.8),
    ),
    (
        "readiness",
        "Components at the readiness level their tier requires",
        Direction::AtLeast,
        Unit::Share,
        Some(0.9),
    ),
    (
        "observability-coverage",
        "Components with an SLO, a dashboard and an on-call",
        Direction::AtLeast,
        Unit::Share,
        Some(0.9),
    ),
    (
        "dr-readiness",
        "Tier-1/2 components with RTO, RPO and redundancy",
        Direction::AtLeast,
        Unit::Share,
        Some(1.0),
    ),
    (
        "exceptions-in-force",
        "Exceptions waiving findings today",
        Direction::AtMost,
        Unit::Count,
        None,
    ),
    (
        "exceptions-expired-share",
        "Exceptions past their expiry",
        Direction::AtMost,
        Unit::Share,
        Some(0.0),
    ),
    (
        "exception-mean-age-days",
        "Mean age of the exceptions in force, in days",
        Direction::AtMost,
        Unit::Days,
        Some(180.0),
    ),
    (
        "stale-proposals",
        "Decisions proposed for more than 90 days",
        Direction::AtMost,
        Unit::Count,
        Some(0.0),
    ),
    (
        "decision-cycle-days",
        "Median days from proposed to accepted",
        Direction::AtMost,
        Unit::Days,
        Some(30.0),
    ),
];

/// Every KPI id, in display order.
pub fn ids() -> Vec<&'static str> {
    KPIS.iter().map(|k| k.0).collect()
}

/// A target set for one KPI (from `archgate.yaml` or `--target`).
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: String,
    /// None keeps the built-in target.
    pub value: Option<f64>,
    /// None keeps the KPI's own direction.
    pub direction: Option<Direction>,
}

/// The `kpis:` block of `archgate.yaml` as targets; an id that is no KPI is
/// an input error at its key.
pub fn targets_from_settings(file: &str, kpis: &[KpiSetting]) -> Result<Vec<Target>, InputError> {
    kpis.iter()
        .map(|k| {
            if !KPIS.iter().any(|x| x.0 == k.id.value) {
                return Err(InputError::new(
                    file,
                    k.id.span.line,
                    k.id.span.col,
                    format!("unknown KPI `kpis.{}`", k.id.value),
                )
                .expected(format!("one of {}", ids().join(", "))));
            }
            Ok(Target {
                id: k.id.value.clone(),
                value: k.target.as_ref().map(|t| t.value),
                direction: k.direction.as_ref().map(|d| {
                    if d.value == "at-most" {
                        Direction::AtMost
                    } else {
                        Direction::AtLeast
                    }
                }),
            })
        })
        .collect()
}

fn kpi(id: &'static str, value: Option<f64>, targets: &[Target], basis: String) -> Kpi {
    let (title, mut direction, unit, mut target) = KPIS
        .iter()
        .find(|k| k.0 == id)
        .map(|k| (k.1, k.2, k.3, k.4))
        .unwrap_or(("", Direction::AtLeast, Unit::Count, None));
    // Later settings win: `archgate.yaml` first, then `--target`.
    for t in targets.iter().filter(|t| t.id == id) {
        if let Some(v) = t.value {
            target = Some(v);
        }
        if let Some(d) = t.direction {
            direction = d;
        }
    }
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
        unit,
        met,
        basis,
    }
}

fn share(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Reference-architecture adoption, as pattern evaluation (archgate-model)
/// counts it: of the components a pattern applies to, how many meet it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PatternAdoption {
    /// Components a reference pattern applies to.
    pub with_pattern: usize,
    /// Of those, components meeting every requirement of their pattern.
    pub meeting: usize,
}

/// Decision cycle time from git history (see [`crate::history`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CycleTimes {
    /// Each decision accepted in the window: id and days from proposed to accepted.
    pub decisions: Vec<(String, i64)>,
    /// Decisions accepted in the window with no proposed version on record.
    pub accepted_unproposed: usize,
    /// The window, for the basis (`since 2025-11-25`).
    pub window: String,
}

/// What was not measurable, and why (`not a git repository`).
#[derive(Debug, Clone, PartialEq)]
pub enum Measured<T> {
    Yes(T),
    No(String),
}

/// Everything a KPI run reads.
pub struct Inputs<'a> {
    pub report: &'a Report,
    pub catalog: &'a Catalog,
    pub scorecards: &'a [Scorecard],
    pub exceptions: &'a [Exception],
    pub adrs: &'a AdrSet,
    pub today: NaiveDate,
    /// Tag counts from the scan's standards pass.
    pub tags: Measured<TagCoverage>,
    /// Pattern adoption from pattern evaluation.
    pub adoption: Measured<PatternAdoption>,
    /// Decision cycle times from git history.
    pub cycle: Measured<CycleTimes>,
    /// Targets from `archgate.yaml` and the command line, in that order.
    pub targets: &'a [Target],
}

/// Computes every KPI, in [`KPIS`] order.
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
        share(total.saturating_sub(failing.len()), total),
        t,
        format!(
            "{} of {total} resources with an open high or critical finding",
            failing.len()
        ),
    ));

    out.push(match &i.tags {
        Measured::Yes(c) => {
            let judged = c.compliant + c.non_compliant;
            let mut basis = if judged + c.unknown == 0 {
                "no taggable resource judged (no tagging rules for their providers in the technology standard, or no taggable resources)".to_string()
            } else {
                format!("{} of {judged} taggable resources", c.compliant)
            };
            if c.unknown > 0 {
                basis.push_str(&format!(
                    "; {} more with tags built by expressions, not judged",
                    c.unknown
                ));
            }
            kpi("tag-coverage", share(c.compliant, judged), t, basis)
        }
        Measured::No(why) => kpi("tag-coverage", None, t, format!("not measured: {why}")),
    });

    out.push(match &i.adoption {
        Measured::Yes(a) => kpi(
            "pattern-adoption",
            share(a.meeting, a.with_pattern),
            t,
            format!(
                "{} of {} components with a reference pattern",
                a.meeting, a.with_pattern
            ),
        ),
        Measured::No(why) => kpi("pattern-adoption", None, t, format!("not measured: {why}")),
    });

    let tiered: Vec<&Scorecard> = i
        .scorecards
        .iter()
        .filter(|c| c.required > Level::None)
        .collect();
    let ready = tiered.iter().filter(|c| c.meets_tier()).count();
    out.push(kpi(
        "readiness",
        share(ready, tiered.len()),
        t,
        format!("{ready} of {} tiered components", tiered.len()),
    ));

    out.extend(file_kpis(i.catalog, i.exceptions, i.adrs, i.today, t));

    out.push(match &i.cycle {
        Measured::Yes(c) => cycle_kpi(c, t),
        Measured::No(why) => kpi(
            "decision-cycle-days",
            None,
            t,
            format!("not measured: {why}"),
        ),
    });
    out
}

/// `decision-cycle-days`: the median, so one decision that sat for a year
/// does not hide that the others are quick (and the other way round).
fn cycle_kpi(c: &CycleTimes, t: &[Target]) -> Kpi {
    let mut days: Vec<i64> = c.decisions.iter().map(|(_, d)| *d).collect();
    days.sort_unstable();
    let median = match days.len() {
        0 => None,
        n if n % 2 == 1 => days.get(n / 2).map(|d| *d as f64),
        n => match (days.get(n / 2 - 1), days.get(n / 2)) {
            (Some(a), Some(b)) => Some((*a + *b) as f64 / 2.0),
            _ => None,
        },
    };
    let mut basis = format!("{} decisions accepted {}", c.decisions.len(), c.window);
    if c.accepted_unproposed > 0 {
        basis.push_str(&format!(
            "; {} more accepted without a proposed version on record",
            c.accepted_unproposed
        ));
    }
    kpi("decision-cycle-days", median, t, basis)
}

/// The KPIs that need only the workspace's files (catalog, exceptions,
/// decisions), judged as of `today`: also computable at a past commit.
pub fn file_kpis(
    catalog: &Catalog,
    exceptions: &[Exception],
    adrs: &AdrSet,
    today: NaiveDate,
    t: &[Target],
) -> Vec<Kpi> {
    let mut out = Vec::new();
    let components: Vec<_> = catalog.of_kind(Kind::Component).collect();
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
        share(observed, components.len()),
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
        share(dr, critical.len()),
        t,
        format!("{dr} of {} tier-1/2 components", critical.len()),
    ));

    let standings: Vec<Standing> = exceptions.iter().map(|x| x.standing(today)).collect();
    let in_force: Vec<&Exception> = exceptions
        .iter()
        .zip(&standings)
        .filter(|(_, s)| **s == Standing::InForce)
        .map(|(x, _)| x)
        .collect();
    out.push(kpi(
        "exceptions-in-force",
        Some(in_force.len() as f64),
        t,
        format!("{} exceptions in total", exceptions.len()),
    ));
    let expired = standings
        .iter()
        .filter(|s| **s == Standing::Expired)
        .count();
    out.push(kpi(
        "exceptions-expired-share",
        share(expired, exceptions.len()),
        t,
        format!("{expired} of {} exceptions", exceptions.len()),
    ));
    let ages: Vec<i64> = in_force
        .iter()
        .filter_map(|x| x.created.as_ref().map(|c| (today - c.value).num_days()))
        .collect();
    out.push(kpi(
        "exception-mean-age-days",
        (!ages.is_empty()).then(|| ages.iter().sum::<i64>() as f64 / ages.len() as f64),
        t,
        format!("{} exceptions in force with a creation date", ages.len()),
    ));

    let proposed: Vec<_> = adrs
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
                .is_some_and(|d| (today - d.value).num_days() > 90)
        })
        .count();
    out.push(kpi(
        "stale-proposals",
        Some(stale as f64),
        t,
        format!(
            "{stale} of {} open proposals, {} decisions",
            proposed.len(),
            adrs.adrs.len()
        ),
    ));
    out
}

/// A value as the tables show it: shares as percentages, counts and days whole.
pub fn show(v: Option<f64>, unit: Unit) -> String {
    match (v, unit) {
        (None, _) => "-".to_string(),
        (Some(x), Unit::Share) => format!("{:.1}%", x * 100.0),
        (Some(x), Unit::Days) if x.fract() != 0.0 => format!("{x:.1}"),
        (Some(x), _) => format!("{x:.0}"),
    }
}

/// A text or Markdown table of KPIs.
pub fn table(kpis: &[Kpi], markdown: bool) -> String {
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
            (Some(t), Direction::AtLeast) => format!(">= {}", show(Some(t), k.unit)),
            (Some(t), Direction::AtMost) => format!("<= {}", show(Some(t), k.unit)),
            (None, _) => "-".to_string(),
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
                show(k.value, k.unit),
                k.basis
            ));
        } else {
            s.push_str(&format!(
                "{:<26} {:>8} {:>10} {:<4} {}\n",
                k.id,
                show(k.value, k.unit),
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
        let settings = archgate_core::Settings::parse(
            "archgate.yaml",
            "kpis:\n  readiness: 0.4\n  exceptions-in-force: {target: 0}\n  decision-cycle-days: {target: 10, direction: at-least}\n",
        )
        .unwrap();
        let mut targets = targets_from_settings("archgate.yaml", &settings.kpis).unwrap();
        // The command line comes after the file and wins.
        targets.push(Target {
            id: "readiness".into(),
            value: Some(0.5),
            direction: None,
        });
        let kpis = compute(&Inputs {
            report: &report,
            catalog: &loaded.catalog,
            scorecards: &cards,
            exceptions: &xs,
            adrs: &AdrSet::default(),
            today: archgate_model::vocab::parse_date("2026-11-25").unwrap(),
            tags: Measured::Yes(TagCoverage {
                compliant: 3,
                non_compliant: 1,
                unknown: 2,
            }),
            adoption: Measured::No("pattern evaluation is not available yet".into()),
            cycle: Measured::Yes(CycleTimes {
                decisions: vec![
                    ("ADR-0001".into(), 4),
                    ("ADR-0002".into(), 30),
                    ("ADR-0003".into(), 12),
                    ("ADR-0004".into(), 9),
                ],
                accepted_unproposed: 1,
                window: "since 2025-11-25".into(),
            }),
            targets: &targets,
        });
        let ids: Vec<&str> = kpis.iter().map(|k| k.id).collect();
        assert_eq!(ids, super::ids(), "every KPI, in order");
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
        // A target from archgate.yaml on a KPI without a built-in one.
        assert_eq!(
            (
                get("exceptions-in-force").target,
                get("exceptions-in-force").met
            ),
            (Some(0.0), Some(false))
        );
        assert_eq!(get("tag-coverage").value, Some(0.75));
        assert_eq!(
            get("tag-coverage").basis,
            "3 of 4 taggable resources; 2 more with tags built by expressions, not judged"
        );
        assert_eq!(get("pattern-adoption").value, None);
        assert_eq!(get("pattern-adoption").met, None);
        assert_eq!(
            get("pattern-adoption").basis,
            "not measured: pattern evaluation is not available yet"
        );
        // Median of 4, 9, 12, 30; the direction was turned round in the settings.
        let cycle = get("decision-cycle-days");
        assert_eq!(cycle.value, Some(10.5));
        assert_eq!(cycle.direction, Direction::AtLeast);
        assert_eq!(cycle.met, Some(true));
        assert_eq!(
            cycle.basis,
            "4 decisions accepted since 2025-11-25; 1 more accepted without a proposed version on record"
        );
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
        assert!(
            text.contains("decision-cycle-days            10.5      >= 10 yes"),
            "{text}"
        );
        assert!(
            text.contains("pattern-adoption                  -   >= 80.0% -    not measured"),
            "{text}"
        );
    }

    #[test]
    fn unknown_kpis_in_settings_are_located() {
        let settings = archgate_core::Settings::parse(
            "archgate.yaml",
            "kpis:\n  readiness: 0.4\n  happiness: 1\n",
        )
        .unwrap();
        let e = targets_from_settings("archgate.yaml", &settings.kpis).unwrap_err();
        assert_eq!((e.line, e.col), (3, 3));
        assert!(
            e.render().contains("unknown KPI `kpis.happiness`"),
            "{}",
            e.render()
        );
        assert!(e.render().contains("tag-coverage"), "{}", e.render());
    }
}
