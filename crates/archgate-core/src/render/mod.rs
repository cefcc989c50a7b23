//! Reporters: turn one [`Report`] into the text a person, a CI system or a
//! code-scanning service reads (`--format text|json|sarif|junit|markdown|policyreport`).
//!
//! Every reporter is a pure function of the report and the
//! [`RenderOptions`]: no clock, no environment, no file system, so the same
//! report always renders to byte-identical output. Deciding whether stdout is
//! a terminal (colour) and writing the result somewhere is the binary's job.
//! The JSON and SARIF shapes are documented in `docs/output.md`; the JSON one
//! is versioned ([`json::SCHEMA_VERSION`]) and described by
//! `schemas/report.schema.json`.

use crate::finding::{Finding, InputError, Location, Severity};
use crate::report::Report;
use crate::rule::RuleMeta;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

pub mod json;
pub mod junit;
pub mod markdown;
pub mod policyreport;
pub mod sarif;
pub mod text;

/// An output format of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Human-readable, grouped by file, with code snippets.
    Text,
    /// archgate's versioned JSON report.
    Json,
    /// SARIF 2.1.0, for code-scanning services.
    Sarif,
    /// JUnit XML, for CI test dashboards.
    Junit,
    /// GitHub-flavoured Markdown sized for a pull-request comment.
    Markdown,
    /// A wgpolicyk8s.io ClusterPolicyReport (JSON), for Policy Reporter and Kubernetes.
    PolicyReport,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 6] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Markdown,
        Format::PolicyReport,
    ];

    /// The name `--format` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
            Format::PolicyReport => "policyreport",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // `cli` is Checkov's name for its text output; `junitxml`, `md` and
        // `txt` are what users of Checkov, pytest and friends type by habit.
        match s.trim().to_ascii_lowercase().as_str() {
            "text" | "cli" | "txt" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            "junit" | "junitxml" | "junit_xml" => Ok(Format::Junit),
            "markdown" | "md" => Ok(Format::Markdown),
            "policyreport" | "policy-report" => Ok(Format::PolicyReport),
            _ => Err(format!(
                "unknown format `{s}`; expected one of text, json, sarif, junit, markdown, policyreport"
            )),
        }
    }
}

/// What a reporter needs to know besides the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colours in `text` output; the caller sets it only for a terminal.
    pub color: bool,
    /// The threshold (`--fail-on`): unsuppressed findings at or above it fail the run.
    pub fail_on: Severity,
    /// List suppressed findings (they are always counted).
    pub show_suppressed: bool,
    /// archgate's version, written into JSON, SARIF and JUnit output.
    pub version: String,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            fail_on: Severity::High,
            show_suppressed: true,
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// Renders `report` in `format`. The result ends with a newline.
pub fn render(report: &Report, format: Format, opts: &RenderOptions) -> String {
    match format {
        Format::Text => text::render(report, opts),
        Format::Json => json::render(report, opts),
        Format::Sarif => sarif::render(report, opts),
        Format::Junit => junit::render(report, opts),
        Format::Markdown => markdown::render(report, opts),
        Format::PolicyReport => policyreport::render(report, opts),
    }
}

/// [`render`] straight into a writer. The JSON report and the SARIF log
/// are serialised as they are written (no megabytes-long string first);
/// the other formats are rendered, then written.
pub fn render_to(
    report: &Report,
    format: Format,
    opts: &RenderOptions,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::write(report, opts, w),
        Format::Sarif => sarif::write(report, opts, w),
        other => w.write_all(render(report, other, opts).as_bytes()),
    }
}

/// The outcome of a run relative to the threshold, as every reporter states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Unsuppressed findings at or above the threshold (exit code 1).
    Failed { failing: usize },
    /// No failing finding, but input errors: the scan is partial (exit code 2).
    Incomplete,
    /// Nothing at or above the threshold and no input error (exit code 0).
    Passed,
}

impl Verdict {
    pub(crate) fn of(report: &Report, fail_on: Severity) -> Verdict {
        let failing = report.failing(fail_on).count();
        if failing > 0 {
            Verdict::Failed { failing }
        } else if !report.errors.is_empty() {
            Verdict::Incomplete
        } else {
            Verdict::Passed
        }
    }

    /// `failed`, `incomplete` or `passed`: the JSON `summary.result` value.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Verdict::Failed { .. } => "failed",
            Verdict::Incomplete => "incomplete",
            Verdict::Passed => "passed",
        }
    }

    /// One sentence, e.g. `FAILED: 3 findings at or above high`.
    pub(crate) fn sentence(self, report: &Report, fail_on: Severity) -> String {
        let errors = report.errors.len();
        match self {
            Verdict::Failed { failing } => {
                let mut s = format!(
                    "FAILED: {} at or above {fail_on}",
                    plural(failing, "finding", "findings")
                );
                if errors > 0 {
                    s.push_str(&format!(
                        ", and {} (the scan is partial)",
                        plural(errors, "input error", "input errors")
                    ));
                }
                s
            }
            Verdict::Incomplete => format!(
                "INCOMPLETE: {}; the scan is partial, no finding at or above {fail_on}",
                plural(errors, "input error", "input errors")
            ),
            Verdict::Passed => format!("passed: no finding at or above {fail_on}"),
        }
    }
}

/// `1 finding`, `3 findings`.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Findings in report order: by file (findings without a location last),
/// line, column, rule, resource, fingerprint. Reporters sort themselves so
/// their output does not depend on the order engines produced findings in.
pub(crate) fn ordered(findings: &[Finding]) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = findings.iter().collect();
    v.sort_by(|a, b| cmp_findings(a, b));
    v
}

/// Input errors by file, line, column.
pub(crate) fn ordered_errors(errors: &[InputError]) -> Vec<&InputError> {
    let mut v: Vec<&InputError> = errors.iter().collect();
    v.sort_by(|a, b| {
        (&a.file, a.line, a.col, &a.message).cmp(&(&b.file, b.line, b.col, &b.message))
    });
    v
}

pub(crate) fn cmp_findings(a: &Finding, b: &Finding) -> Ordering {
    fn key(f: &Finding) -> (bool, &str, u32, u32) {
        match &f.location {
            Some(l) => (false, l.file.as_str(), l.span.line, l.span.col),
            None => (true, "", 0, 0),
        }
    }
    key(a)
        .cmp(&key(b))
        .then_with(|| a.rule_id.cmp(&b.rule_id))
        .then_with(|| a.resource.cmp(&b.resource))
        .then_with(|| a.fingerprint.cmp(&b.fingerprint))
        .then_with(|| a.message.cmp(&b.message))
}

/// `file:line:col`, `file:line` when the column is unknown, `file` for a
/// whole-file location.
pub(crate) fn position(loc: &Location) -> String {
    let s = &loc.span;
    if s.line == 0 {
        loc.file.clone()
    } else if s.col == 0 {
        format!("{}:{}", loc.file, s.line)
    } else {
        format!("{}:{}:{}", loc.file, s.line, s.col)
    }
}

/// Rule metadata by id, for the descriptors and remediation hints.
pub(crate) fn rules_by_id(report: &Report) -> BTreeMap<&str, &RuleMeta> {
    report.rules.iter().map(|r| (r.id.as_str(), r)).collect()
}

/// The remediation to show for a finding: its own, else its rule's.
pub(crate) fn remediation<'a>(
    f: &'a Finding,
    rules: &BTreeMap<&str, &'a RuleMeta>,
) -> Option<&'a str> {
    f.remediation
        .as_deref()
        .or_else(|| {
            rules
                .get(f.rule_id.as_str())
                .map(|r| r.doc.remediation.as_str())
        })
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Replaces control characters (other than tab and newline) so text taken
/// from scanned files cannot drive the reader's terminal or break a format.
pub(crate) fn printable(s: &str) -> String {
    if !s.chars().any(is_unsafe_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| if is_unsafe_control(c) { '\u{FFFD}' } else { c })
        .collect()
}

fn is_unsafe_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || c == '\u{2028}' || c == '\u{2029}'
}

#[cfg(test)]
pub(crate) mod fixture;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_to_writes_what_render_returns() {
        let report = fixture::report();
        let opts = fixture::opts();
        for format in [
            Format::Json,
            Format::Sarif,
            Format::Text,
            Format::Junit,
            Format::Markdown,
            Format::PolicyReport,
        ] {
            let mut out = Vec::new();
            render_to(&report, format, &opts, &mut out).unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                render(&report, format, &opts),
                "{format:?}"
            );
        }
    }

    #[test]
    fn format_parses_names_and_aliases() {
        assert_eq!("text".parse::<Format>(), Ok(Format::Text));
        assert_eq!("cli".parse::<Format>(), Ok(Format::Text));
        assert_eq!("SARIF".parse::<Format>(), Ok(Format::Sarif));
        assert_eq!("junitxml".parse::<Format>(), Ok(Format::Junit));
        assert_eq!("md".parse::<Format>(), Ok(Format::Markdown));
        let err = "html".parse::<Format>().unwrap_err();
        assert!(err.contains("`html`") && err.contains("text, json, sarif, junit, markdown"));
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>(), Ok(f));
        }
    }

    #[test]
    fn every_format_is_deterministic_and_ends_with_newline() {
        let report = fixture::report();
        let mut shuffled = report.clone();
        shuffled.findings.reverse();
        shuffled.rules.reverse();
        let opts = fixture::opts();
        for f in Format::ALL {
            let a = render(&report, f, &opts);
            assert_eq!(a, render(&report, f, &opts), "{f} differs between runs");
            assert_eq!(
                a,
                render(&shuffled, f, &opts),
                "{f} depends on finding order"
            );
            assert!(a.ends_with('\n'), "{f} output lacks a final newline");
        }
    }

    #[test]
    fn verdict_follows_threshold_and_errors() {
        let mut r = fixture::report();
        let v = Verdict::of(&r, Severity::High);
        assert_eq!(v, Verdict::Failed { failing: 2 });
        assert_eq!(
            v.sentence(&r, Severity::High),
            "FAILED: 2 findings at or above high, and 1 input error (the scan is partial)"
        );
        assert_eq!(
            Verdict::of(&r, Severity::Critical),
            Verdict::Failed { failing: 1 }
        );
        r.findings.retain(|f| f.severity < Severity::High);
        let v = Verdict::of(&r, Severity::High);
        assert_eq!(v, Verdict::Incomplete);
        assert_eq!(
            v.sentence(&r, Severity::High),
            "INCOMPLETE: 1 input error; the scan is partial, no finding at or above high"
        );
        r.errors.clear();
        assert_eq!(Verdict::of(&r, Severity::Critical), Verdict::Passed);
        assert_eq!(
            Verdict::Passed.sentence(&r, Severity::Critical),
            "passed: no finding at or above critical"
        );
    }

    proptest::proptest! {
        /// Whatever text the scanned files put into a report, every format
        /// renders without panicking and stays parseable.
        #[test]
        fn any_text_renders_in_every_format(
            file in "(?s).{0,12}",
            message in "(?s).{0,40}",
            resource in "\\PC{0,20}",
            line in 0u32..5000,
            col in 0u32..200,
        ) {
            let mut r = fixture::report();
            for f in &mut r.findings {
                f.message = message.clone();
                f.resource = Some(resource.clone());
                f.snippet = Some(format!("{message}\n{resource}"));
                if let Some(l) = &mut f.location {
                    l.file = file.clone();
                    l.span.line = line;
                    l.span.col = col;
                }
            }
            r.errors[0].file = file.clone();
            r.errors[0].message = message.clone();
            let opts = fixture::opts();
            let _ = render(&r, Format::Text, &opts);
            let _ = render(&r, Format::Markdown, &opts);
            for f in [Format::Json, Format::Sarif] {
                let out = render(&r, f, &opts);
                proptest::prop_assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok());
            }
            let xml = render(&r, Format::Junit, &opts);
            proptest::prop_assert!(roxmltree::Document::parse(&xml).is_ok(), "{}", xml);
        }
    }

    #[test]
    fn printable_neutralises_escape_sequences() {
        assert_eq!(printable("a\x1b[31mb\tc\nd"), "a\u{FFFD}[31mb\tc\nd");
        assert_eq!(printable("plain"), "plain");
    }
}
