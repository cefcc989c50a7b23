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
        self.findings.sort_by(|a, b| {
            let ka = (
                a.location
                    .as_ref()
                    .map(|l| (l.file.as_str(), l.span.line, l.span.col)),
                &a.rule_id,
                &a.resource,
            );
            let kb = (
                b.location
                    .as_ref()
                    .map(|l| (l.file.as_str(), l.span.line, l.span.col)),
                &b.rule_id,
                &b.resource,
            );
            ka.cmp(&kb)
        });
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
