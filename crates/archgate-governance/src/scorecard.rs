//! Readiness scorecards: per component, the production-readiness checks its
//! criticality tier requires, as levels. Level semantics are those of
//! OpsLevel, Cortex and Port: a component holds the highest level L such
//! that every check at L and below passes.
//!
//! | level | checks |
//! |---|---|
//! | bronze | owner, on-call, runbook |
//! | silver | SLO (availability), dashboards, no open critical finding |
//! | gold | RTO and RPO, redundant, no open high finding |
//!
//! Tier 1 requires gold, tier 2 silver, tier 3 bronze, tier 4 nothing.
//! `archgate.yaml` `scorecard:` changes both ([`Policy::from_settings`]):
//! `levels` reassigns the checks to levels (a check not listed is not
//! required), `tiers` the level each tier requires.
//! Facts come from the catalog (`spec.owner`, `spec.archgate`), findings
//! from the run (open = not waived; matched to the component by the
//! finding's `component`). Not here: DR-test dates and threat-model reviews,
//! which the model does not record yet.

use archgate_core::config::ScorecardSettings;
use archgate_core::{Finding, InputError, Severity};
use archgate_model::{Catalog, EntityRef, Kind};
use serde::Serialize;

/// Readiness levels, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    None,
    Bronze,
    Silver,
    Gold,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Bronze => "bronze",
            Level::Silver => "silver",
            Level::Gold => "gold",
        }
    }
}

/// Every readiness check, with its built-in level.
pub const CHECKS: &[(&str, Level)] = &[
    ("owner", Level::Bronze),
    ("on-call", Level::Bronze),
    ("runbook", Level::Bronze),
    ("slo", Level::Silver),
    ("dashboards", Level::Silver),
    ("no-open-critical", Level::Silver),
    ("rto-rpo", Level::Gold),
    ("redundant", Level::Gold),
    ("no-open-high", Level::Gold),
];

/// Which check belongs to which level, and which level each tier requires.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// Check id → level; a check not listed is not run.
    pub checks: Vec<(&'static str, Level)>,
    /// Required level of tiers 1, 2, 3 and 4.
    pub tiers: [Level; 4],
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            checks: CHECKS.to_vec(),
            tiers: [Level::Gold, Level::Silver, Level::Bronze, Level::None],
        }
    }
}

fn level_named(name: &str) -> Level {
    match name {
        "bronze" => Level::Bronze,
        "silver" => Level::Silver,
        "gold" => Level::Gold,
        _ => Level::None,
    }
}

impl Policy {
    /// The policy `archgate.yaml` sets (`file` names it in errors): an
    /// unknown check id, or a check at two levels, is an input error.
    pub fn from_settings(file: &str, s: &ScorecardSettings) -> Result<Policy, InputError> {
        let mut p = Policy::default();
        if !s.levels.is_empty() {
            p.checks.clear();
            for (level, checks) in &s.levels {
                for c in checks {
                    let Some(&(id, _)) = CHECKS.iter().find(|(id, _)| *id == c.value) else {
                        let known: Vec<&str> = CHECKS.iter().map(|(id, _)| *id).collect();
                        return Err(InputError::new(
                            file,
                            c.span.line,
                            c.span.col,
                            format!("unknown readiness check `{}`", c.value),
                        )
                        .expected(format!("one of {}", known.join(", "))));
                    };
                    if let Some((_, other)) = p.checks.iter().find(|(x, _)| *x == id) {
                        return Err(InputError::new(
                            file,
                            c.span.line,
                            c.span.col,
                            format!(
                                "readiness check `{id}` is already at level {}",
                                other.as_str()
                            ),
                        )
                        .expected("each check at one level"));
                    }
                    p.checks.push((id, level_named(&level.value)));
                }
            }
        }
        for (tier, level) in &s.tiers {
            if let Some(slot) = p.tiers.get_mut(usize::from(tier.value).saturating_sub(1)) {
                *slot = level_named(&level.value);
            }
        }
        Ok(p)
    }

    /// The level a criticality tier requires.
    pub fn required_for(&self, tier: Option<u8>) -> Level {
        tier.and_then(|t| self.tiers.get(usize::from(t).checked_sub(1)?))
            .copied()
            .unwrap_or(Level::None)
    }
}

/// One readiness check of one component.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub id: &'static str,
    pub level: Level,
    pub passed: bool,
    /// What was found (or what is missing).
    pub detail: String,
}

/// One component's scorecard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scorecard {
    /// `component:default/ledger`.
    pub component: String,
    pub title: Option<String>,
    pub file: String,
    pub line: u32,
    pub tier: Option<u8>,
    pub required: Level,
    pub achieved: Level,
    pub checks: Vec<Check>,
}

impl Scorecard {
    /// True when the component reaches the level its tier requires.
    pub fn meets_tier(&self) -> bool {
        self.achieved >= self.required
    }
}

fn check(id: &'static str, level: Level, passed: bool, detail: String) -> Check {
    Check {
        id,
        level,
        passed,
        detail,
    }
}

fn component_of(f: &Finding) -> Option<EntityRef> {
    f.component
        .as_deref()
        .and_then(|c| EntityRef::parse(c, Some(Kind::Component), "default").ok())
}

/// The scorecard of every Component in the catalog (or only `only`, a
/// component reference), in catalog order, with the built-in levels.
pub fn scorecards(
    catalog: &Catalog,
    findings: &[Finding],
    only: Option<&EntityRef>,
) -> Vec<Scorecard> {
    scorecards_with(catalog, findings, only, &Policy::default())
}

/// [`scorecards`] with the levels and tier requirements of `policy`.
pub fn scorecards_with(
    catalog: &Catalog,
    findings: &[Finding],
    only: Option<&EntityRef>,
    policy: &Policy,
) -> Vec<Scorecard> {
    let mut out = Vec::new();
    for e in catalog.of_kind(Kind::Component) {
        if only.is_some_and(|o| *o != e.reference) {
            continue;
        }
        let facts = e.archgate.as_ref();
        let open: Vec<&Finding> = findings
            .iter()
            .filter(|f| !f.is_suppressed() && component_of(f).as_ref() == Some(&e.reference))
            .collect();
        let worst = |s: Severity| open.iter().filter(|f| f.severity >= s).count();
        let present = |v: Option<&String>| v.is_some_and(|s| !s.trim().is_empty());
        let mut checks = vec![
            // An owner that names no Group or User in the catalog is no owner.
            check(
                "owner",
                Level::Bronze,
                e.owner
                    .as_ref()
                    .is_some_and(|o| catalog.get(&o.target).is_some()),
                match &e.owner {
                    Some(o) if catalog.get(&o.target).is_some() => o.target.to_string(),
                    Some(o) => format!("{} is not in the catalog", o.target),
                    None => "no spec.owner".into(),
                },
            ),
            check(
                "on-call",
                Level::Bronze,
                present(facts.and_then(|f| f.on_call.as_ref()).map(|f| &f.value)),
                facts
                    .and_then(|f| f.on_call.as_ref())
                    .map_or("no spec.archgate.onCall".into(), |f| f.value.clone()),
            ),
            check(
                "runbook",
                Level::Bronze,
                present(facts.and_then(|f| f.runbook.as_ref()).map(|f| &f.value)),
                facts
                    .and_then(|f| f.runbook.as_ref())
                    .map_or("no spec.archgate.runbook".into(), |f| f.value.clone()),
            ),
        ];
        let availability = facts
            .and_then(|f| f.slo.as_ref())
            .and_then(|s| s.value.availability);
        checks.push(check(
            "slo",
            Level::Silver,
            availability.is_some(),
            availability.map_or("no spec.archgate.slo.availability".into(), |a| {
                format!("{a}% availability")
            }),
        ));
        let dashboards = facts.map_or(0, |f| f.dashboards.len());
        checks.push(check(
            "dashboards",
            Level::Silver,
            dashboards > 0,
            format!("{dashboards} dashboard(s)"),
        ));
        let critical = worst(Severity::Critical);
        checks.push(check(
            "no-open-critical",
            Level::Silver,
            critical == 0,
            format!("{critical} open critical finding(s)"),
        ));
        let (rto, rpo) = (
            facts.and_then(|f| f.rto.as_ref()),
            facts.and_then(|f| f.rpo.as_ref()),
        );
        checks.push(check(
            "rto-rpo",
            Level::Gold,
            rto.is_some() && rpo.is_some(),
            match (rto, rpo) {
                (Some(t), Some(p)) => {
                    format!("RTO {}s, RPO {}s", t.value.as_secs(), p.value.as_secs())
                }
                _ => "spec.archgate.rto and rpo are not both set".into(),
            },
        ));
        let redundant = facts.and_then(|f| f.redundant.as_ref()).map(|r| r.value);
        checks.push(check(
            "redundant",
            Level::Gold,
            redundant == Some(true),
            match redundant {
                Some(true) => "redundant".into(),
                Some(false) => "redundant: false".into(),
                None => "spec.archgate.redundant not set".into(),
            },
        ));
        let high = worst(Severity::High);
        checks.push(check(
            "no-open-high",
            Level::Gold,
            high == 0,
            format!("{high} open high or critical finding(s)"),
        ));
        // The policy decides each check's level; checks it leaves out are not required.
        let checks: Vec<Check> = checks
            .into_iter()
            .filter_map(|mut c| {
                let (_, level) = policy.checks.iter().find(|(id, _)| *id == c.id)?;
                c.level = *level;
                Some(c)
            })
            .collect();
        let achieved = [Level::Bronze, Level::Silver, Level::Gold]
            .into_iter()
            .take_while(|l| checks.iter().filter(|c| c.level <= *l).all(|c| c.passed))
            .last()
            .unwrap_or(Level::None);
        let tier = e.tier();
        out.push(Scorecard {
            component: e.reference.to_string(),
            title: e.title.clone(),
            file: e.file.to_string(),
            line: e.name.span.line,
            tier,
            required: policy.required_for(tier),
            achieved,
            checks,
        });
    }
    out
}

/// A table: component, tier, required, achieved, failing checks.
pub fn table(cards: &[Scorecard], markdown: bool) -> String {
    let mut s = String::new();
    if markdown {
        s.push_str(
            "| component | tier | required | achieved | failing checks |\n|---|---|---|---|---|\n",
        );
    } else {
        s.push_str(&format!(
            "{:<40} {:<5} {:<9} {:<9} FAILING CHECKS\n",
            "COMPONENT", "TIER", "REQUIRED", "ACHIEVED"
        ));
    }
    for c in cards {
        let failing: Vec<&str> = c
            .checks
            .iter()
            .filter(|x| !x.passed)
            .map(|x| x.id)
            .collect();
        let achieved = if c.meets_tier() {
            c.achieved.as_str().to_string()
        } else {
            format!("{}!", c.achieved.as_str())
        };
        let tier = c.tier.map_or("-".to_string(), |t| t.to_string());
        if markdown {
            s.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                c.component,
                tier,
                c.required.as_str(),
                achieved,
                failing.join(", ")
            ));
        } else {
            s.push_str(&format!(
                "{:<40} {:<5} {:<9} {:<9} {}\n",
                c.component,
                tier,
                c.required.as_str(),
                achieved,
                failing.join(", ")
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use archgate_core::{FindingKind, Suppression};

    const CATALOG: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: ledger}
spec:
  type: service
  lifecycle: production
  owner: team-ledger
  archgate:
    tier: 1
    runbook: https://runbooks/ledger
    onCall: https://pager/ledger
    dashboards: [https://grafana/ledger]
    slo: {availability: 99.95}
    rto: 1h
    rpo: 15m
    redundant: true
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: batch}
spec:
  type: service
  lifecycle: production
  owner: team-ledger
  archgate:
    tier: 2
    runbook: https://runbooks/batch
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-ledger}
spec: {type: team, children: []}
";

    fn finding(component: &str, sev: Severity, waived: bool) -> Finding {
        Finding {
            rule_id: "AG-X".into(),
            title: "t".into(),
            severity: sev,
            kind: FindingKind::Iac,
            location: None,
            resource: None,
            component: Some(component.into()),
            message: "m".into(),
            remediation: None,
            controls: vec![],
            aliases: vec![],
            fingerprint: String::new(),
            suppression: waived.then(|| Suppression {
                kind: "exception".into(),
                by: None,
                reason: None,
                until: None,
                source: None,
            }),
            snippet: None,
            related: vec![],
        }
    }

    #[test]
    fn levels_follow_the_lowest_failing_check() {
        let loaded = archgate_model::load_texts(&[("c.yaml".into(), CATALOG.into())]);
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        let cards = scorecards(&loaded.catalog, &[], None);
        assert_eq!(cards.len(), 2);
        assert_eq!(
            (cards[0].achieved, cards[0].required),
            (Level::Gold, Level::Gold)
        );
        assert!(cards[0].meets_tier());
        // batch: no on-call (bronze fails), though it has a runbook.
        assert_eq!(
            (cards[1].achieved, cards[1].required),
            (Level::None, Level::Silver)
        );
        assert!(!cards[1].meets_tier());
        assert_eq!(cards[1].line, 20);

        // An open high finding costs the ledger gold; a waived one does not.
        let f = [finding("ledger", Severity::High, false)];
        let only = EntityRef::parse("ledger", Some(Kind::Component), "default").unwrap();
        let cards = scorecards(&loaded.catalog, &f, Some(&only));
        assert_eq!(cards.len(), 1);
        assert_eq!(cards[0].achieved, Level::Silver);
        let f = [finding(
            "component:default/ledger",
            Severity::Critical,
            true,
        )];
        assert_eq!(
            scorecards(&loaded.catalog, &f, Some(&only))[0].achieved,
            Level::Gold
        );
        let f = [finding(
            "component:default/ledger",
            Severity::Critical,
            false,
        )];
        assert_eq!(
            scorecards(&loaded.catalog, &f, Some(&only))[0].achieved,
            Level::Bronze
        );
    }

    #[test]
    fn tables() {
        let loaded = archgate_model::load_texts(&[("c.yaml".into(), CATALOG.into())]);
        let cards = scorecards(&loaded.catalog, &[], None);
        let orphan = CATALOG.replace(
            "owner: team-ledger\n  archgate:\n    tier: 1",
            "owner: team-gone\n  archgate:\n    tier: 1",
        );
        let gone = archgate_model::load_texts(&[("c.yaml".into(), orphan)]);
        let c = &scorecards(&gone.catalog, &[], None)[0];
        assert_eq!(c.achieved, Level::None);
        assert_eq!(
            c.checks[0].detail,
            "group:default/team-gone is not in the catalog"
        );
        let md = table(&cards, true);
        assert!(
            md.contains("| component:default/ledger | 1 | gold | gold |  |"),
            "{md}"
        );
        assert!(md.contains("| component:default/batch | 2 | silver | none! | on-call, slo, dashboards, rto-rpo, redundant |"), "{md}");
        let text = table(&cards, false);
        assert!(text.starts_with("COMPONENT"));
        assert_eq!(Policy::default().required_for(None), Level::None);
    }

    #[test]
    fn levels_and_tiers_from_settings() {
        let settings = archgate_core::Settings::parse(
            "archgate.yaml",
            "scorecard:\n  levels:\n    bronze: [owner, runbook]\n    silver: [slo]\n  tiers: {2: bronze}\n",
        )
        .unwrap();
        let p = Policy::from_settings("archgate.yaml", &settings.scorecard).unwrap();
        assert_eq!(p.required_for(Some(2)), Level::Bronze);
        assert_eq!(p.required_for(Some(1)), Level::Gold);
        let loaded = archgate_model::load_texts(&[("c.yaml".into(), CATALOG.into())]);
        let cards = scorecards_with(&loaded.catalog, &[], None, &p);
        // batch has an owner and a runbook: bronze now needs nothing else,
        // and bronze is all tier 2 requires here.
        assert_eq!(cards[1].achieved, Level::Bronze);
        assert!(cards[1].meets_tier());
        let ids: Vec<&str> = cards[1].checks.iter().map(|c| c.id).collect();
        assert_eq!(ids, vec!["owner", "runbook", "slo"]);
        // No gold checks are configured: passing silver reaches gold.
        assert_eq!(cards[0].achieved, Level::Gold);

        let bad = |text: &str| {
            let s = archgate_core::Settings::parse("archgate.yaml", text).unwrap();
            Policy::from_settings("archgate.yaml", &s.scorecard).unwrap_err()
        };
        let e = bad("scorecard:\n  levels:\n    bronze: [owner, pager]\n");
        assert_eq!((e.line, e.col), (3, 21));
        assert!(e.render().contains("unknown readiness check `pager`"));
        assert!(e.render().contains("no-open-high"));
        let e = bad("scorecard:\n  levels:\n    bronze: [owner]\n    gold: [owner]\n");
        assert_eq!((e.line, e.col), (4, 12));
        assert!(
            e.render().contains("already at level bronze"),
            "{}",
            e.render()
        );
    }
}
