//! The one shape of everything archgate reports (PRODUCT.md "Findings"),
//! and the input errors that make a run incomplete.

use crate::span::Span;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How bad a finding is. Ordered: `Info < Low < … < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" | "informational" | "none" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" | "moderate" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(format!(
                "unknown severity `{s}`; expected one of critical, high, medium, low, info"
            )),
        }
    }
}

/// What produced a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    /// A guardrail on infrastructure code.
    Iac,
    /// A custom policy (Rego, Kyverno, Checkov YAML).
    Policy,
    /// Model validation and hygiene.
    Model,
    /// A STRIDE threat derived from the model.
    Threat,
    /// Standards, ADRs, exceptions, scorecards.
    Governance,
}

/// A place in a file of the scanned tree. `file` is relative to the scan
/// root and uses `/` separators, so reports are the same on every machine.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Location {
    pub file: String,
    pub span: Span,
}

/// Why a finding does not count against the threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// `inline` (a comment in the file), `exception` (a workspace exception),
    /// `baseline`, or `config` (skip list in archgate.yaml / `--skip-check`).
    pub kind: String,
    /// Who waived it, where known (the exception's approver).
    pub by: Option<String>,
    pub reason: Option<String>,
    /// Last day the waiver holds (YYYY-MM-DD).
    pub until: Option<String>,
    /// The exception id or the comment that waived it.
    pub source: Option<String>,
}

/// One result: a rule that failed on a resource or model element.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule_id: String,
    pub title: String,
    pub severity: Severity,
    pub kind: FindingKind,
    pub location: Option<Location>,
    /// Resource address the way Checkov names it (`aws_s3_bucket.data`) or a model entity ref.
    pub resource: Option<String>,
    /// The model component the resource belongs to, once linked.
    pub component: Option<String>,
    pub message: String,
    pub remediation: Option<String>,
    pub controls: Vec<String>,
    pub aliases: Vec<String>,
    /// Stable across line moves: rule, file, resource and `key`.
    pub fingerprint: String,
    pub suppression: Option<Suppression>,
    /// The source lines of the span, for reports.
    pub snippet: Option<String>,
    /// Other places involved (a module call site, the other end of a flow).
    pub related: Vec<Location>,
}

impl Finding {
    /// Computes the fingerprint from the rule, the file, the resource and an
    /// extra discriminator (e.g. the attribute path), never from line numbers.
    pub fn fingerprint_of(rule_id: &str, file: &str, resource: &str, key: &str) -> String {
        let mut h = blake3::Hasher::new();
        for part in [rule_id, file, resource, key] {
            h.update(part.as_bytes());
            h.update(&[0]);
        }
        h.finalize().to_hex()[..32].to_string()
    }

    pub fn is_suppressed(&self) -> bool {
        self.suppression.is_some()
    }
}

/// A problem with the input that makes the run incomplete: a file that does
/// not parse, a wrong type in a settings file, a missing path. Always
/// carries where and what was expected; turns the exit code into 2 unless
/// findings already made it 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}", self.render())]
pub struct InputError {
    pub file: String,
    pub line: u32,
    pub col: u32,
    pub message: String,
    /// What the reader expected, in the user's words.
    pub expected: Option<String>,
}

impl InputError {
    pub fn new(file: impl Into<String>, line: u32, col: u32, message: impl Into<String>) -> Self {
        InputError {
            file: file.into(),
            line,
            col,
            message: message.into(),
            expected: None,
        }
    }

    /// An error about a whole file or path (no position inside it).
    pub fn whole_file(file: impl Into<String>, message: impl Into<String>) -> Self {
        InputError::new(file, 0, 0, message)
    }

    pub fn expected(mut self, what: impl Into<String>) -> Self {
        self.expected = Some(what.into());
        self
    }

    /// `file:line:col: message (expected …)`.
    pub fn render(&self) -> String {
        let mut s = if self.line > 0 {
            format!("{}:{}:{}: {}", self.file, self.line, self.col, self.message)
        } else {
            format!("{}: {}", self.file, self.message)
        };
        if let Some(e) = &self.expected {
            s.push_str("; expected ");
            s.push_str(e);
        }
        s
    }
}

/// Something worth saying that is neither a finding nor an error
/// ("no archgate.yaml: using defaults", "Helm chart templates skipped").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub file: Option<String>,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_orders_and_parses() {
        assert!(Severity::Critical > Severity::High && Severity::Low > Severity::Info);
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("severe".parse::<Severity>().is_err());
    }

    #[test]
    fn fingerprint_ignores_position_but_not_identity() {
        let a = Finding::fingerprint_of("AG-1", "main.tf", "aws_s3_bucket.a", "");
        assert_eq!(
            a,
            Finding::fingerprint_of("AG-1", "main.tf", "aws_s3_bucket.a", "")
        );
        assert_ne!(
            a,
            Finding::fingerprint_of("AG-1", "main.tf", "aws_s3_bucket.b", "")
        );
        assert_eq!(a.len(), 32);
    }

    #[test]
    fn input_error_renders_position_and_expectation() {
        let e = InputError::new("a.yaml", 3, 5, "wrong type for `tier`").expected("an integer 1-4");
        assert_eq!(
            e.render(),
            "a.yaml:3:5: wrong type for `tier`; expected an integer 1-4"
        );
    }
}
