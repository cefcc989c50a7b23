//! The `json` reporter: archgate's own machine-readable report.
//!
//! The shape is a public, versioned contract (`docs/output.md`,
//! `schemas/report.schema.json`), so it is written from view structs here
//! rather than by serialising the internal types: renaming a field of
//! [`Finding`] must not silently change what users' scripts parse. Adding a
//! field bumps the minor part of [`SCHEMA_VERSION`]; renaming or removing
//! one bumps the major part.

use super::{ordered, ordered_errors, Verdict};
use super::{RenderOptions, Severity};
use crate::finding::{Finding, FindingKind, InputError, Location, Note, Suppression};
use crate::report::Report;
use serde::Serialize;

/// Version of the JSON report's shape (`schemaVersion`).
pub const SCHEMA_VERSION: &str = "1.0";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonReport<'a> {
    schema_version: &'static str,
    tool: Tool<'a>,
    command: &'a str,
    root: &'a str,
    summary: Summary,
    findings: FindingsSeq<'a>,
    errors: Vec<JsonError<'a>>,
    notes: Vec<JsonNote<'a>>,
    stats: JsonStats,
}

/// The findings, turned into their JSON shape one at a time while they
/// are written: a large scan has tens of thousands, and collecting their
/// JSON views first only cost fresh memory.
struct FindingsSeq<'a> {
    findings: Vec<&'a Finding>,
    report: &'a Report,
    fail_on: Severity,
}

impl Serialize for FindingsSeq<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.findings
                .iter()
                .map(|f| finding(f, self.report, self.fail_on)),
        )
    }
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    /// `failed`, `incomplete` or `passed`.
    result: &'static str,
    fail_on: Severity,
    /// All findings, suppressed included.
    total: usize,
    /// Unsuppressed findings at or above `failOn`.
    failing: usize,
    suppressed: usize,
    /// Unsuppressed findings per severity.
    by_severity: BySeverity,
    errors: usize,
    notes: usize,
}

#[derive(Serialize)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonFinding<'a> {
    rule_id: &'a str,
    title: &'a str,
    severity: Severity,
    kind: FindingKind,
    /// True when this finding alone would fail the run at `failOn`.
    failing: bool,
    location: Option<JsonLocation<'a>>,
    resource: Option<&'a str>,
    component: Option<&'a str>,
    /// The linked component's owner and tier (from the model).
    owner: Option<&'a str>,
    tier: Option<u8>,
    message: &'a str,
    remediation: Option<&'a str>,
    controls: &'a [String],
    aliases: &'a [String],
    fingerprint: &'a str,
    suppressed: bool,
    suppression: Option<JsonSuppression<'a>>,
    snippet: Option<&'a str>,
    related: Vec<JsonLocation<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonLocation<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    kind: &'a str,
    by: Option<&'a str>,
    reason: Option<&'a str>,
    until: Option<&'a str>,
    source: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonError<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    message: &'a str,
    expected: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonNote<'a> {
    file: Option<&'a str>,
    message: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonStats {
    files: usize,
    resources: usize,
    entities: usize,
    rules: usize,
    duration_ms: u64,
}

fn location(l: &Location) -> JsonLocation<'_> {
    JsonLocation {
        file: &l.file,
        line: l.span.line,
        column: l.span.col,
        end_line: l.span.end_line,
        end_column: l.span.end_col,
    }
}

fn suppression(s: &Suppression) -> JsonSuppression<'_> {
    JsonSuppression {
        kind: &s.kind,
        by: s.by.as_deref(),
        reason: s.reason.as_deref(),
        until: s.until.as_deref(),
        source: s.source.as_deref(),
    }
}

fn finding<'a>(f: &'a Finding, report: &'a Report, fail_on: Severity) -> JsonFinding<'a> {
    let info = f.component.as_ref().and_then(|c| report.components.get(c));
    JsonFinding {
        rule_id: &f.rule_id,
        title: &f.title,
        severity: f.severity,
        kind: f.kind,
        failing: !f.is_suppressed() && f.severity >= fail_on,
        location: f.location.as_ref().map(location),
        resource: f.resource.as_deref(),
        component: f.component.as_deref(),
        owner: info.and_then(|i| i.owner.as_deref()),
        tier: info.and_then(|i| i.tier),
        message: &f.message,
        remediation: f.remediation.as_deref(),
        controls: &f.controls,
        aliases: &f.aliases,
        fingerprint: &f.fingerprint,
        suppressed: f.is_suppressed(),
        suppression: f.suppression.as_ref().map(suppression),
        snippet: f.snippet.as_deref(),
        related: f.related.iter().map(location).collect(),
    }
}

fn error(e: &InputError) -> JsonError<'_> {
    JsonError {
        file: &e.file,
        line: e.line,
        column: e.col,
        message: &e.message,
        expected: e.expected.as_deref(),
    }
}

fn note(n: &Note) -> JsonNote<'_> {
    JsonNote {
        file: n.file.as_deref(),
        message: &n.message,
    }
}

pub(crate) fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut out = Vec::new();
    match write(report, opts, &mut out) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(e) => format!(
            "{{\"error\": {}}}\n",
            serde_json::Value::String(format!("cannot serialise the report: {e}"))
        ),
    }
}

/// Writes the report to `w` as it is serialised, without building the
/// whole text first (a large scan's report is megabytes).
pub(crate) fn write(
    report: &Report,
    opts: &RenderOptions,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let count = |s: Severity| {
        report
            .counts()
            .iter()
            .find(|(sev, _)| *sev == s)
            .map_or(0, |(_, n)| *n)
    };
    let doc = JsonReport {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "archgate",
            version: &opts.version,
        },
        command: &report.command,
        root: &report.root,
        summary: Summary {
            result: Verdict::of(report, opts.fail_on).as_str(),
            fail_on: opts.fail_on,
            total: report.findings.len(),
            failing: report.failing(opts.fail_on).count(),
            suppressed: report.suppressed_count(),
            by_severity: BySeverity {
                critical: count(Severity::Critical),
                high: count(Severity::High),
                medium: count(Severity::Medium),
                low: count(Severity::Low),
                info: count(Severity::Info),
            },
            errors: report.errors.len(),
            notes: report.notes.len(),
        },
        findings: FindingsSeq {
            findings: ordered(&report.findings),
            report,
            fail_on: opts.fail_on,
        },
        errors: ordered_errors(&report.errors)
            .into_iter()
            .map(error)
            .collect(),
        notes: report.notes.iter().map(note).collect(),
        stats: JsonStats {
            files: report.stats.files,
            resources: report.stats.resources,
            entities: report.stats.entities,
            rules: report.stats.rules,
            duration_ms: report.stats.duration_ms,
        },
    };
    serde_json::to_writer_pretty(&mut *w, &doc).map_err(std::io::Error::other)?;
    w.write_all(b"\n")
}

/// Pretty JSON plus a final newline. Serialising these plain structs cannot
/// fail (string keys only, no custom serialisers); should it ever, the
/// output is still valid JSON that says what went wrong instead of a panic.
pub(crate) fn to_pretty<T: Serialize>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        Err(e) => format!(
            "{{\"error\": {}}}\n",
            serde_json::Value::String(format!("cannot serialise the report: {e}"))
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;
    use serde_json::{json, Value};

    fn output() -> Value {
        let s = render(&fixture::report(), &fixture::opts());
        serde_json::from_str(&s).unwrap()
    }

    #[test]
    fn header_and_summary() {
        let v = output();
        assert_eq!(v["schemaVersion"], "1.0");
        assert_eq!(v["tool"], json!({"name": "archgate", "version": "0.1.0"}));
        assert_eq!(v["command"], "check");
        assert_eq!(v["root"], "examples/acme-payments");
        assert_eq!(
            v["summary"],
            json!({
                "result": "failed", "failOn": "high", "total": 4, "failing": 2,
                "suppressed": 1,
                "bySeverity": {"critical": 1, "high": 1, "medium": 0, "low": 1, "info": 0},
                "errors": 1, "notes": 1
            })
        );
        assert_eq!(
            v["stats"],
            json!({"files": 12, "resources": 40, "entities": 5, "rules": 90, "durationMs": 23})
        );
    }

    #[test]
    fn findings_carry_every_field_in_location_order() {
        let v = output();
        let ids: Vec<&str> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["ruleId"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            [
                "AG-K8S-POD-001",
                "AG-AWS-S3-002",
                "AG-AWS-S3-001",
                "AG-MODEL-OWNER-001"
            ]
        );
        let public = &v["findings"][1];
        assert_eq!(public["severity"], "critical");
        assert_eq!(public["kind"], "iac");
        assert_eq!(public["failing"], true);
        assert_eq!(
            public["location"],
            json!({"file": "main.tf", "line": 12, "column": 1, "endLine": 15, "endColumn": 2})
        );
        assert_eq!(public["resource"], "module.store.aws_s3_bucket.data");
        assert_eq!(public["component"], "payments-api");
        assert_eq!(public["aliases"], json!(["CKV_AWS_20", "AWS-0092"]));
        assert_eq!(public["controls"], json!(["pci-dss-4.0:1.3.1"]));
        assert_eq!(public["fingerprint"].as_str().unwrap().len(), 32);
        assert_eq!(public["suppressed"], false);
        assert_eq!(public["suppression"], Value::Null);
        assert_eq!(public["related"][0]["file"], "modules/store/main.tf");
        assert!(public["snippet"].as_str().unwrap().contains("public-read"));

        let logs = &v["findings"][2];
        assert_eq!(logs["suppressed"], true);
        assert_eq!(logs["failing"], false);
        assert_eq!(
            logs["suppression"],
            json!({"kind": "exception", "by": "alice",
                   "reason": "the log bucket cannot log to itself",
                   "until": "2026-12-31", "source": "EXC-7"})
        );
        let owner = &v["findings"][3];
        assert_eq!(owner["location"], Value::Null);
        assert_eq!(owner["kind"], "model");
    }

    #[test]
    fn errors_and_notes() {
        let v = output();
        assert_eq!(
            v["errors"],
            json!([{"file": "catalog/broken.yaml", "line": 3, "column": 7,
                    "message": "mapping values are not allowed here",
                    "expected": "a `key: value` pair"}])
        );
        assert_eq!(v["notes"][0]["file"], "charts/web");
    }

    #[test]
    fn matches_the_published_json_schema() {
        let schema_path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../schemas/report.schema.json"
        );
        let schema: Value = serde_json::from_str(
            &std::fs::read_to_string(schema_path).expect("schemas/report.schema.json is readable"),
        )
        .expect("the schema is JSON");
        let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
        let mut reports = vec![fixture::report(), Report::default()];
        let mut passed = fixture::report();
        passed.errors.clear();
        passed.findings.retain(|f| f.severity < Severity::High);
        reports.push(passed);
        for r in &reports {
            let out: Value = serde_json::from_str(&render(r, &fixture::opts())).unwrap();
            let problems: Vec<String> = validator
                .iter_errors(&out)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(problems.is_empty(), "{problems:#?}");
        }
        // The schema is strict enough to catch drift: an unknown field fails.
        let mut out: Value =
            serde_json::from_str(&render(&fixture::report(), &fixture::opts())).unwrap();
        out["findings"][0]["surprise"] = json!(1);
        assert!(!validator.is_valid(&out));
    }
}
