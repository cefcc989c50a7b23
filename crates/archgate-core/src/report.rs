//! The result of one run, and what it means for the exit code. Rendering
//! lives in [`crate::render`].

use crate::finding::{Finding, InputError, Note, Severity};
use crate::rule::RuleMeta;
use serde::Serialize;

/// Counters printed in summaries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub files: usize,
    pub resources: usize,
    pub entities: usize,
    pub rules: usize,
    pub duration_ms: u64,
}

/// What a report says about a model component that findings name
/// (`Finding::component` holds its ref, e.g. `component:default/ledger`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ComponentInfo {
    pub title: Option<String>,
    /// Owner ref (`group:default/team-ledger`).
    pub owner: Option<String>,
    /// Criticality tier 1 (most critical) to 4.
    pub tier: Option<u8>,
    pub system: Option<String>,
    pub domain: Option<String>,
}

/// Everything one command produced.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// The command that produced it (`check`, `scan`, …).
    pub command: String,
    /// The scanned root as the user gave it.
    pub root: String,
    pub findings: Vec<Finding>,
    pub errors: Vec<InputError>,
    pub notes: Vec<Note>,
    /// Metadata of every rule that can appear in `findings` (for SARIF descriptors).
    #[serde(skip)]
    pub rules: Vec<RuleMeta>,
    pub stats: Stats,
    /// The components findings are linked to, by ref, so every reporter can
    /// name their owner and tier without repeating them in each finding.
    pub components: std::collections::BTreeMap<String, ComponentInfo>,
}

/// Process exit codes, stable across releases.
pub mod exit {
    /// No finding at or above the threshold, no input error.
    pub const CLEAN: i32 = 0;
    /// Findings at or above the threshold.
    pub const FINDINGS: i32 = 1;
    /// Usage or input error (including a partial scan).
    pub const INPUT: i32 = 2;
}

impl Report {
    /// Sorts findings by file, line, rule, so every output is deterministic.
    pub fn sort(&mut self) {
        let key = sort_key;
        // Sorted through a permutation of indices, then moved into place:
        // a stable sort of the findings themselves (hundreds of bytes each)
        // needs scratch space as large as the list, fresh memory the
        // kernel must zero on large scans.
        let findings = &mut self.findings;
        if !findings.is_sorted_by(|a, b| key(a) <= key(b)) {
            let mut order: Vec<usize> = (0..findings.len()).collect();
            order.sort_by(|&a, &b| key(&findings[a]).cmp(&key(&findings[b])));
            permute(findings, &mut order);
        }
        self.errors
            .sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
    }

    /// Unsuppressed findings at or above `threshold`.
    pub fn failing(&self, threshold: Severity) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(move |f| !f.is_suppressed() && f.severity >= threshold)
    }

    /// 1 when failing findings exist (unless `soft_fail`), else 2 when the
    /// input was incomplete, else 0. A partial scan never looks clean.
    pub fn exit_code(&self, threshold: Severity, soft_fail: bool) -> i32 {
        if !soft_fail && self.failing(threshold).next().is_some() {
            exit::FINDINGS
        } else if !self.errors.is_empty() {
            exit::INPUT
        } else {
            exit::CLEAN
        }
    }

    /// Counts of unsuppressed findings per severity, highest first.
    pub fn counts(&self) -> Vec<(Severity, usize)> {
        Severity::ALL
            .iter()
            .map(|s| {
                (
                    *s,
                    self.findings
                        .iter()
                        .filter(|f| !f.is_suppressed() && f.severity == *s)
                        .count(),
                )
            })
            .collect()
    }

    pub fn suppressed_count(&self) -> usize {
        self.findings.iter().filter(|f| f.is_suppressed()).count()
    }
}

/// Where a finding is: file, line and column (none for workspace-wide ones).
type Place<'a> = Option<(&'a str, u32, u32)>;

/// Findings are listed by file, position, rule and resource.
fn sort_key(f: &Finding) -> (Place<'_>, &str, Option<&str>) {
    (
        f.location
            .as_ref()
            .map(|l| (l.file.as_str(), l.span.line, l.span.col)),
        &f.rule_id,
        f.resource.as_deref(),
    )
}

/// Reorders `items` in place so that position `k` holds what was at
/// `order[k]` (`order` is a permutation; it is used up as scratch).
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..order.len() {
        // Follow the cycle through `start`, swapping each element into place.
        let mut k = start;
        while order[k] != start {
            let src = order[k];
            if src == k {
                break;
            }
            items.swap(k, src);
            order[k] = k;
            k = src;
        }
        order[k] = k;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{FindingKind, Location};
    use crate::Span;

    fn finding(n: usize, file: &str, line: u32, rule: &str) -> Finding {
        Finding {
            rule_id: rule.into(),
            title: String::new(),
            severity: Severity::Low,
            kind: FindingKind::Iac,
            location: (!file.is_empty()).then(|| Location {
                file: file.into(),
                span: Span {
                    line,
                    col: 1,
                    ..Span::default()
                },
            }),
            resource: None,
            component: None,
            message: format!("#{n}"),
            remediation: None,
            controls: Vec::new(),
            aliases: Vec::new(),
            fingerprint: n.to_string(),
            suppression: None,
            snippet: None,
            related: Vec::new(),
        }
    }

    #[test]
    fn permute_applies_every_cycle() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        // Position k receives what was at order[k]: cycles (0 2 4) (1 5), 3 fixed.
        let mut order = vec![2, 5, 4, 3, 0, 1];
        permute(&mut items, &mut order);
        assert_eq!(items, vec!['c', 'f', 'e', 'd', 'a', 'b']);
    }

    #[test]
    fn sort_is_the_stable_sort_by_file_position_rule() {
        // A pseudo-random list with many equal keys, so stability shows.
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        let files = ["", "a.tf", "b.tf", "m/c.tf"];
        let rules = ["AG-1", "AG-2"];
        let findings: Vec<Finding> = (0..500)
            .map(|n| finding(n, files[next() % 4], (next() % 5) as u32, rules[next() % 2]))
            .collect();
        let mut expected = findings.clone();
        expected.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
        let mut report = Report {
            findings,
            ..Report::default()
        };
        report.sort();
        let got: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
        let want: Vec<&str> = expected.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(got, want);
        // Sorting a sorted report changes nothing.
        report.sort();
        let again: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(again, want);
    }
}
