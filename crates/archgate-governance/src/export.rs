//! The remediation backlog: open findings grouped per component and rule,
//! each group one ticket with an owner, a due date from its severity and a
//! stable key, written as a Jira CSV import file or as GitHub issues
//! (JSON for `gh api` / the REST API).
//!
//! The key is derived from the component and the rule only, so exporting
//! again after a fix, a move or new findings updates the same tickets
//! instead of duplicating them (Jira: the `archgate-<key>` label; GitHub:
//! the `archgate:<key>` label and the key in the title). Not here: talking to
//! the trackers (archgate works offline) or remembering what was exported
//! (the store's business).

use archgate_core::{Finding, Report, Severity};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Days from today until a ticket of each severity is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuePolicy {
    pub critical: i64,
    pub high: i64,
    pub medium: i64,
    pub low: i64,
    /// `None`: info tickets get no due date.
    pub info: Option<i64>,
}

impl Default for DuePolicy {
    /// 7, 30, 90 and 180 days, in line with common vulnerability-management SLAs.
    fn default() -> Self {
        DuePolicy {
            critical: 7,
            high: 30,
            medium: 90,
            low: 180,
            info: None,
        }
    }
}

impl DuePolicy {
    pub fn days(&self, s: Severity) -> Option<i64> {
        match s {
            Severity::Critical => Some(self.critical),
            Severity::High => Some(self.high),
            Severity::Medium => Some(self.medium),
            Severity::Low => Some(self.low),
            Severity::Info => self.info,
        }
    }
}

/// One ticket: every open finding of one rule in one component.
#[derive(Debug, Clone, PartialEq)]
pub struct BacklogItem {
    /// Stable: `AG-` and 12 hex digits of a hash of component and rule.
    pub key: String,
    /// The component (`component:default/ledger`), or None for unlinked findings.
    pub component: Option<String>,
    pub rule_id: String,
    pub title: String,
    /// The worst severity among the findings.
    pub severity: Severity,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub remediation: Option<String>,
    pub controls: Vec<String>,
    /// `file:line resource: message`, one per finding, sorted.
    pub occurrences: Vec<String>,
}

impl BacklogItem {
    /// The ticket summary.
    pub fn summary(&self) -> String {
        let scope = self
            .component
            .as_deref()
            .map(|c| c.rsplit('/').next().unwrap_or(c))
            .unwrap_or("unassigned");
        let n = self.occurrences.len();
        format!(
            "[{}] {}: {} ({} finding{}) [{}]",
            scope,
            self.rule_id,
            self.title,
            n,
            if n == 1 { "" } else { "s" },
            self.key
        )
    }

    /// The ticket body, Markdown.
    pub fn description(&self) -> String {
        let mut s = format!(
            "archgate rule **{}** ({}) failed {} time{}.\n\n",
            self.rule_id,
            self.severity,
            self.occurrences.len(),
            if self.occurrences.len() == 1 { "" } else { "s" }
        );
        for o in &self.occurrences {
            s.push_str(&format!("- {o}\n"));
        }
        if let Some(r) = &self.remediation {
            s.push_str(&format!("\nHow to fix: {}\n", r.trim()));
        }
        if !self.controls.is_empty() {
            s.push_str(&format!("\nControls: {}\n", self.controls.join(", ")));
        }
        s.push_str(&format!(
            "\n`archgate explain {}` shows the rule. archgate key: {}\n",
            self.rule_id, self.key
        ));
        s
    }
}

/// The stable key of a (component, rule) group.
pub fn backlog_key(component: Option<&str>, rule_id: &str) -> String {
    let mut h = blake3::Hasher::new();
    h.update(component.unwrap_or("").to_ascii_lowercase().as_bytes());
    h.update(&[0]);
    h.update(rule_id.to_ascii_uppercase().as_bytes());
    format!("AG-{}", &h.finalize().to_hex()[..12])
}

/// The owner the catalog gives a component (`group:default/team-ledger`),
/// for [`backlog`]'s `owner`; `component` is a ref as findings carry it.
pub fn catalog_owner(catalog: &archgate_model::Catalog, component: &str) -> Option<String> {
    let r = archgate_model::EntityRef::parse(
        component,
        Some(archgate_model::Kind::Component),
        "default",
    )
    .ok()?;
    catalog
        .get(&r)
        .and_then(|e| e.owner.as_ref())
        .map(|o| o.target.to_string())
}

/// Groups the report's open (unsuppressed) findings at or above `min` into
/// tickets, sorted by due date, then key. `owner` maps a component to its owner.
pub fn backlog(
    report: &Report,
    min: Severity,
    owner: &dyn Fn(&str) -> Option<String>,
    today: NaiveDate,
    due: &DuePolicy,
) -> Vec<BacklogItem> {
    let mut groups: BTreeMap<(Option<String>, String), Vec<&Finding>> = BTreeMap::new();
    for f in report
        .findings
        .iter()
        .filter(|f| !f.is_suppressed() && f.severity >= min)
    {
        groups
            .entry((f.component.clone(), f.rule_id.clone()))
            .or_default()
            .push(f);
    }
    let mut items: Vec<BacklogItem> = groups
        .into_iter()
        .map(|((component, rule_id), fs)| {
            let severity = fs
                .iter()
                .map(|f| f.severity)
                .max()
                .unwrap_or(Severity::Info);
            let mut occurrences: Vec<String> = fs
                .iter()
                .map(|f| {
                    let at = f
                        .location
                        .as_ref()
                        .map_or(String::new(), |l| format!("{}:{}", l.file, l.span.line));
                    match &f.resource {
                        Some(r) => format!("{at} {r}: {}", f.message),
                        None => format!("{at}: {}", f.message),
                    }
                })
                .collect();
            occurrences.sort();
            occurrences.dedup();
            let first = fs.first();
            BacklogItem {
                key: backlog_key(component.as_deref(), &rule_id),
                owner: component.as_deref().and_then(owner),
                due: due
                    .days(severity)
                    .map(|d| today + chrono::Duration::days(d)),
                title: first.map(|f| f.title.clone()).unwrap_or_default(),
                remediation: first.and_then(|f| f.remediation.clone()),
                controls: first.map(|f| f.controls.clone()).unwrap_or_default(),
                component,
                rule_id,
                severity,
                occurrences,
            }
        })
        .collect();
    items.sort_by(|a, b| (a.due.is_none(), a.due, &a.key).cmp(&(b.due.is_none(), b.due, &b.key)));
    items
}

/// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn jira_priority(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Highest",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "Lowest",
    }
}

/// A Jira CSV import file: Summary, Description, Priority, Due Date,
/// Assignee, Labels (two columns: `archgate` and `archgate-<key>`), Component.
pub fn jira_csv(items: &[BacklogItem]) -> String {
    let mut s =
        String::from("Summary,Description,Priority,Due Date,Assignee,Labels,Labels,Component\n");
    for i in items {
        let component = i
            .component
            .as_deref()
            .map(|c| c.rsplit('/').next().unwrap_or(c))
            .unwrap_or("");
        let row = [
            i.summary(),
            i.description(),
            jira_priority(i.severity).to_string(),
            i.due.map(|d| d.to_string()).unwrap_or_default(),
            i.owner.clone().unwrap_or_default(),
            "archgate".to_string(),
            format!("archgate-{}", i.key),
            component.to_string(),
        ];
        let fields: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        s.push_str(&fields.join(","));
        s.push('\n');
    }
    s
}

/// GitHub issues as a JSON array of `{title, body, labels, milestone_due}`
/// objects, one per ticket, ready for `gh api repos/O/R/issues --input`.
pub fn github_issues(items: &[BacklogItem]) -> String {
    let list: Vec<serde_json::Value> = items
        .iter()
        .map(|i| {
            serde_json::json!({
                "title": i.summary(),
                "body": i.description(),
                "labels": [
                    "archgate",
                    format!("archgate:{}", i.key),
                    format!("severity:{}", i.severity),
                ],
                "assignees": i.owner.iter().collect::<Vec<_>>(),
                "due": i.due.map(|d| d.to_string()),
                "key": i.key,
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use archgate_core::{FindingKind, Location, Span, Suppression};

    fn f(rule: &str, sev: Severity, component: Option<&str>, file: &str, line: u32) -> Finding {
        Finding {
            rule_id: rule.into(),
            title: format!("{rule} title"),
            severity: sev,
            kind: FindingKind::Iac,
            location: Some(Location {
                file: file.into(),
                span: Span {
                    line,
                    col: 1,
                    ..Span::default()
                },
            }),
            resource: Some(format!("res.{line}")),
            component: component.map(String::from),
            message: "bad, \"really\"".into(),
            remediation: Some("Fix it.".into()),
            controls: vec!["soc2:CC6.1".into()],
            aliases: vec![],
            fingerprint: String::new(),
            suppression: None,
            snippet: None,
            related: vec![],
        }
    }

    fn day(s: &str) -> NaiveDate {
        archgate_model::vocab::parse_date(s).unwrap()
    }

    #[test]
    fn groups_per_component_and_rule_with_stable_keys() {
        let mut waived = f(
            "AG-3",
            Severity::Critical,
            Some("component:default/ledger"),
            "c.tf",
            1,
        );
        waived.suppression = Some(Suppression {
            kind: "exception".into(),
            by: None,
            reason: None,
            until: None,
            source: None,
        });
        let report = Report {
            findings: vec![
                f(
                    "AG-1",
                    Severity::High,
                    Some("component:default/ledger"),
                    "a.tf",
                    3,
                ),
                f(
                    "AG-1",
                    Severity::Medium,
                    Some("component:default/ledger"),
                    "a.tf",
                    9,
                ),
                f(
                    "AG-1",
                    Severity::High,
                    Some("component:default/vault"),
                    "b.tf",
                    1,
                ),
                f("AG-2", Severity::Low, None, "d.tf", 2),
                f("AG-4", Severity::Info, None, "d.tf", 5),
                waived,
            ],
            ..Report::default()
        };
        let owner =
            |c: &str| (c == "component:default/ledger").then(|| "group:team-ledger".to_string());
        let items = backlog(
            &report,
            Severity::Low,
            &owner,
            day("2026-11-25"),
            &DuePolicy::default(),
        );
        assert_eq!(items.len(), 3, "{items:#?}");
        assert_eq!(items[0].occurrences.len() + items[1].occurrences.len(), 3);
        let ledger = items
            .iter()
            .find(|i| i.component.as_deref() == Some("component:default/ledger"))
            .unwrap();
        assert_eq!(ledger.severity, Severity::High);
        assert_eq!(ledger.due, Some(day("2026-12-25")));
        assert_eq!(ledger.owner.as_deref(), Some("group:team-ledger"));
        assert_eq!(
            ledger.key,
            backlog_key(Some("Component:default/Ledger"), "ag-1")
        );
        assert!(ledger
            .summary()
            .starts_with("[ledger] AG-1: AG-1 title (2 findings) [AG-"));
        assert_eq!(items[2].due, Some(day("2027-05-24")));
        assert_ne!(items[0].key, items[1].key);
        // A re-export after one occurrence is fixed keeps the key.
        let mut fewer = report.clone();
        fewer.findings.remove(1);
        let again = backlog(
            &fewer,
            Severity::Low,
            &owner,
            day("2026-11-25"),
            &DuePolicy::default(),
        );
        assert!(again
            .iter()
            .any(|i| i.key == ledger.key && i.occurrences.len() == 1));
    }

    #[test]
    fn owners_come_from_the_catalog() {
        let text = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: ledger}\nspec: {type: service, lifecycle: production, owner: team-ledger}\n";
        let loaded = archgate_model::load_texts(&[("c.yaml".into(), text.into())]);
        assert_eq!(
            catalog_owner(&loaded.catalog, "component:default/ledger").as_deref(),
            Some("group:default/team-ledger")
        );
        assert_eq!(
            catalog_owner(&loaded.catalog, "ledger").as_deref(),
            Some("group:default/team-ledger")
        );
        assert_eq!(catalog_owner(&loaded.catalog, "vault"), None);
    }

    #[test]
    fn csv_and_github_outputs_are_well_formed() {
        let report = Report {
            findings: vec![f(
                "AG-1",
                Severity::High,
                Some("component:default/ledger"),
                "a.tf",
                3,
            )],
            ..Report::default()
        };
        let items = backlog(
            &report,
            Severity::Info,
            &|_| None,
            day("2026-11-25"),
            &DuePolicy::default(),
        );
        let csv = jira_csv(&items);
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("Summary,Description,Priority,Due Date,Assignee,Labels,Labels,Component")
        );
        assert!(csv.contains("\"archgate rule **AG-1** (high) failed 1 time.\n\n- a.tf:3 res.3: bad, \"\"really\"\""), "{csv}");
        assert!(
            csv.trim_end().ends_with(&format!(
                ",High,2026-12-25,,archgate,archgate-{},ledger",
                items[0].key
            )),
            "{csv}"
        );
        let gh: serde_json::Value = serde_json::from_str(&github_issues(&items)).unwrap();
        assert_eq!(gh[0]["labels"][1], format!("archgate:{}", items[0].key));
        assert_eq!(gh[0]["due"], "2026-12-25");
    }
}
