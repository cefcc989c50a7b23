//! The `sarif` reporter: SARIF 2.1.0 for code-scanning services (GitHub
//! code scanning, Azure DevOps, IDE SARIF viewers, DefectDojo, …).
//!
//! One run; `tool.driver.rules` holds one descriptor per rule that has a
//! finding (with the rule's aliases in `properties.aliases`, so a consumer
//! can match archgate's results to Checkov's, and GitHub's
//! `security-severity`). Each result points at the file relative to
//! `%SRCROOT%` (the scanned root), names the resource address in
//! `logicalLocations`, carries the fingerprint in `partialFingerprints`, and,
//! when waived, a `suppressions` entry. Input errors become
//! `invocations[0].toolExecutionNotifications` and make
//! `executionSuccessful` false: a partial scan never looks clean.
//!
//! Written with plain serde structs rather than a SARIF crate: the subset
//! archgate emits is small, and a test validates it against the official
//! OASIS schema.

use super::json::to_pretty;
use super::{ordered, ordered_errors, rules_by_id, RenderOptions, Verdict};
use crate::finding::{Finding, FindingKind, Location, Severity};
use crate::report::Report;
use crate::rule::RuleMeta;
use serde::Serialize;
use std::collections::BTreeMap;

/// The schema URI written to `$schema`: the OASIS standard (errata 01).
pub const SARIF_SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base id every artifact URI is relative to: the scanned root.
const SRCROOT: &str = "%SRCROOT%";

/// Key of archgate's fingerprint in `partialFingerprints`; the suffix is the
/// fingerprint algorithm's version, bumped if `Finding::fingerprint_of` changes.
const FINGERPRINT_KEY: &str = "archgate/v1";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: Vec<Invocation>,
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    /// archgate counts columns in characters (Unicode code points).
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties<'a> {
    command: &'a str,
    fail_on: Severity,
    result: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Descriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor<'a> {
    id: &'a str,
    name: String,
    short_description: Message,
    full_description: Message,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Help>,
    default_configuration: Configuration,
    properties: DescriptorProperties<'a>,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct DescriptorProperties<'a> {
    aliases: &'a [String],
    controls: &'a [String],
    tags: Vec<String>,
    severity: Severity,
    /// GitHub code scanning reads this CVSS-like score (a string, as GitHub
    /// documents it) to rank alerts critical/high/medium/low.
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<SarifLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation>,
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression<'a>>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    severity: Severity,
    kind: FindingKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    component: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tier: Option<u8>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    controls: &'a [String],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
struct SarifSuppression<'a> {
    kind: &'static str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'a str>,
    properties: SuppressionProperties<'a>,
}

#[derive(Serialize)]
struct SuppressionProperties<'a> {
    /// archgate's own kind: inline, exception, baseline, config.
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    by: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    until: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<SarifLocation>,
}

/// SARIF `level` for a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` score for a severity (GitHub maps > 9.0 to
/// critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low).
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn kind_str(k: FindingKind) -> &'static str {
    match k {
        FindingKind::Iac => "iac",
        FindingKind::Policy => "policy",
        FindingKind::Model => "model",
        FindingKind::Threat => "threat",
        FindingKind::Governance => "governance",
    }
}

/// `S3 bucket is publicly readable` → `S3BucketIsPubliclyReadable`: SARIF
/// wants `name` to be an identifier-like word, not a sentence.
fn pascal_name(title: &str) -> String {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(first) => first.to_uppercase().chain(cs).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// Percent-encodes a `/`-separated path into a URI reference. Everything
/// but RFC 3986 unreserved characters and `/` is encoded, which also keeps
/// a `:` in the first segment from being read as a URI scheme.
fn encode_path(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                s.push(b as char)
            }
            _ => s.push_str(&format!("%{b:02X}")),
        }
    }
    s
}

/// Whether a report path is absolute (a Unix path or a `C:/` drive path).
fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with('/') || (b.len() > 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

/// An artifact: relative to `%SRCROOT%`, or a `file://` URI when absolute.
fn artifact(file: &str) -> ArtifactLocation {
    let file = file.replace('\\', "/");
    if is_absolute(&file) {
        let path = if file.starts_with('/') {
            file
        } else {
            format!("/{file}")
        };
        ArtifactLocation {
            uri: Some(format!("file://{}", encode_path(&path))),
            uri_base_id: None,
            description: None,
        }
    } else {
        ArtifactLocation {
            uri: Some(encode_path(file.trim_start_matches("./"))),
            uri_base_id: Some(SRCROOT),
            description: None,
        }
    }
}

/// SARIF positions are 1-based; archgate uses 0 for "unknown", so zeros are
/// dropped rather than written as invalid values.
fn region(
    line: u32,
    col: u32,
    end_line: u32,
    end_col: u32,
    snippet: Option<&str>,
) -> Option<Region> {
    if line == 0 {
        return None;
    }
    let end_line = (end_line >= line).then_some(end_line);
    Some(Region {
        start_line: line,
        start_column: (col > 0).then_some(col),
        end_line,
        end_column: end_line.and(Some(end_col)).filter(|c| *c > 0),
        snippet: snippet.map(|s| Message {
            text: s.to_string(),
        }),
    })
}

fn physical(loc: &Location, snippet: Option<&str>) -> Option<PhysicalLocation> {
    if loc.file.is_empty() {
        return None;
    }
    let s = &loc.span;
    Some(PhysicalLocation {
        artifact_location: artifact(&loc.file),
        region: region(s.line, s.col, s.end_line, s.end_col, snippet),
    })
}

fn descriptor<'a>(f: &'a Finding, meta: Option<&'a RuleMeta>) -> Descriptor<'a> {
    let (title, severity, aliases, controls) = match meta {
        Some(m) => (
            m.title.as_str(),
            m.severity,
            &m.aliases[..],
            &m.controls[..],
        ),
        None => (
            f.title.as_str(),
            f.severity,
            &f.aliases[..],
            &f.controls[..],
        ),
    };
    let description = meta
        .map(|m| m.doc.description.trim())
        .filter(|d| !d.is_empty())
        .unwrap_or(title);
    let remediation = meta
        .map(|m| m.doc.remediation.trim())
        .filter(|r| !r.is_empty())
        .or(f.remediation.as_deref().map(str::trim))
        .filter(|r| !r.is_empty());
    let help = match (meta, remediation) {
        (Some(m), fix) => Some(Help {
            text: match fix {
                Some(fix) => format!("{description}\n\nHow to fix: {fix}"),
                None => description.to_string(),
            },
            markdown: m.to_markdown(),
        }),
        (None, Some(fix)) => Some(Help {
            text: format!("How to fix: {fix}"),
            markdown: format!("**How to fix:** {fix}"),
        }),
        (None, None) => None,
    };
    let kind = meta.map_or(f.kind, |m| m.kind);
    // GitHub treats `security`-tagged rules as security alerts (and only
    // then reads `security-severity`); model hygiene and governance are not.
    let mut tags = Vec::new();
    if matches!(
        kind,
        FindingKind::Iac | FindingKind::Policy | FindingKind::Threat
    ) {
        tags.push("security".to_string());
    }
    tags.push(kind_str(kind).to_string());
    if let Some(m) = meta {
        if !m.provider.is_empty() && !tags.contains(&m.provider) {
            tags.push(m.provider.clone());
        }
    }
    Descriptor {
        id: &f.rule_id,
        name: pascal_name(title),
        short_description: Message {
            text: title.to_string(),
        },
        full_description: Message {
            text: description.to_string(),
        },
        help,
        default_configuration: Configuration {
            level: level(severity),
        },
        properties: DescriptorProperties {
            aliases,
            controls,
            tags,
            severity,
            security_severity: security_severity(severity),
        },
    }
}

fn result<'a>(f: &'a Finding, report: &'a Report, rule_index: usize) -> SarifResult<'a> {
    let info = f.component.as_ref().and_then(|c| report.components.get(c));
    let mut locations = Vec::new();
    let physical_location = f
        .location
        .as_ref()
        .and_then(|l| physical(l, f.snippet.as_deref()));
    let logical_locations: Vec<LogicalLocation> = f
        .resource
        .iter()
        .map(|r| LogicalLocation {
            fully_qualified_name: r.clone(),
            kind: "resource",
        })
        .collect();
    if physical_location.is_some() || !logical_locations.is_empty() {
        locations.push(SarifLocation {
            id: None,
            physical_location,
            logical_locations,
        });
    }
    let related_locations = f
        .related
        .iter()
        .filter_map(|l| physical(l, None))
        .enumerate()
        .map(|(i, p)| SarifLocation {
            id: Some(i + 1),
            physical_location: Some(p),
            logical_locations: Vec::new(),
        })
        .collect();
    let suppressions = f
        .suppression
        .iter()
        .map(|s| SarifSuppression {
            kind: if s.kind == "inline" {
                "inSource"
            } else {
                "external"
            },
            status: "accepted",
            justification: s.reason.as_deref(),
            properties: SuppressionProperties {
                kind: &s.kind,
                by: s.by.as_deref(),
                until: s.until.as_deref(),
                source: s.source.as_deref(),
            },
        })
        .collect();
    SarifResult {
        rule_id: &f.rule_id,
        rule_index,
        level: level(f.severity),
        message: Message {
            text: f.message.clone(),
        },
        locations,
        related_locations,
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, f.fingerprint.as_str())]),
        suppressions,
        properties: ResultProperties {
            severity: f.severity,
            kind: f.kind,
            resource: f.resource.as_deref(),
            component: f.component.as_deref(),
            owner: info.and_then(|i| i.owner.as_deref()),
            tier: info.and_then(|i| i.tier),
            controls: &f.controls,
        },
    }
}

pub(crate) fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut out = Vec::new();
    match write(report, opts, &mut out) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(e) => to_pretty(&serde_json::json!({
            "error": format!("cannot serialise the report: {e}")
        })),
    }
}

/// Writes the SARIF log to `w` as it is serialised (see [`super::render_to`]).
pub(crate) fn write(
    report: &Report,
    opts: &RenderOptions,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let metas = rules_by_id(report);
    let findings = ordered(&report.findings);

    // One descriptor per rule that has a finding, sorted by id; a finding
    // whose rule has no metadata (a custom policy) gets one built from it.
    let mut first_of_rule: BTreeMap<&str, &Finding> = BTreeMap::new();
    for f in &findings {
        first_of_rule.entry(f.rule_id.as_str()).or_insert(f);
    }
    let index: BTreeMap<&str, usize> = first_of_rule
        .keys()
        .enumerate()
        .map(|(i, id)| (*id, i))
        .collect();
    let rules: Vec<Descriptor> = first_of_rule
        .iter()
        .map(|(id, f)| descriptor(f, metas.get(id).copied()))
        .collect();
    let results = findings
        .iter()
        .map(|f| {
            result(
                f,
                report,
                index.get(f.rule_id.as_str()).copied().unwrap_or(0),
            )
        })
        .collect();

    let mut notifications: Vec<Notification> = ordered_errors(&report.errors)
        .into_iter()
        .map(|e| {
            let mut text = e.message.clone();
            if let Some(x) = &e.expected {
                text.push_str("; expected ");
                text.push_str(x);
            }
            let locations = if e.file.is_empty() {
                Vec::new()
            } else {
                vec![SarifLocation {
                    id: None,
                    physical_location: Some(PhysicalLocation {
                        artifact_location: artifact(&e.file),
                        region: region(e.line, e.col, 0, 0, None),
                    }),
                    logical_locations: Vec::new(),
                }]
            };
            Notification {
                level: "error",
                message: Message { text },
                locations,
            }
        })
        .collect();
    notifications.extend(report.notes.iter().map(|n| {
        Notification {
            level: "note",
            message: Message {
                text: n.message.clone(),
            },
            locations: n
                .file
                .iter()
                .filter(|f| !f.is_empty())
                .map(|f| SarifLocation {
                    id: None,
                    physical_location: Some(PhysicalLocation {
                        artifact_location: artifact(f),
                        region: None,
                    }),
                    logical_locations: Vec::new(),
                })
                .collect(),
        }
    }));

    let root = report.root.replace('\\', "/");
    let srcroot = if is_absolute(&root) {
        let mut path = if root.starts_with('/') {
            root.clone()
        } else {
            format!("/{root}")
        };
        if !path.ends_with('/') {
            path.push('/');
        }
        ArtifactLocation {
            uri: Some(format!("file://{}", encode_path(&path))),
            uri_base_id: None,
            description: Some(Message {
                text: "The scanned root.".into(),
            }),
        }
    } else {
        // A relative root cannot be an absolute base URI; the consumer
        // resolves against its own checkout (what GitHub does).
        ArtifactLocation {
            uri: None,
            uri_base_id: None,
            description: Some(Message {
                text: format!(
                    "The scanned root, `{}`.",
                    if root.is_empty() { "." } else { &root }
                ),
            }),
        }
    };

    let log = Log {
        schema: SARIF_SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "archgate",
                    version: &opts.version,
                    // Cargo's `repository`, when the crate declares one
                    // (SARIF requires an absolute URI or nothing).
                    information_uri: Some(env!("CARGO_PKG_REPOSITORY"))
                        .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
                    rules,
                },
            },
            invocations: vec![Invocation {
                execution_successful: report.errors.is_empty(),
                tool_execution_notifications: notifications,
            }],
            original_uri_base_ids: BTreeMap::from([(SRCROOT, srcroot)]),
            column_kind: "unicodeCodePoints",
            results,
            properties: RunProperties {
                command: &report.command,
                fail_on: opts.fail_on,
                result: Verdict::of(report, opts.fail_on).as_str(),
            },
        }],
    };
    serde_json::to_writer_pretty(&mut *w, &log).map_err(std::io::Error::other)?;
    w.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;
    use serde_json::{json, Value};

    fn output(report: &Report) -> Value {
        serde_json::from_str(&render(report, &fixture::opts())).unwrap()
    }

    #[test]
    fn driver_lists_only_rules_with_findings() {
        let v = output(&fixture::report());
        assert_eq!(v["version"], "2.1.0");
        assert_eq!(v["$schema"], SARIF_SCHEMA_URI);
        let driver = &v["runs"][0]["tool"]["driver"];
        assert_eq!(driver["name"], "archgate");
        assert_eq!(driver["version"], "0.1.0");
        let ids: Vec<&str> = driver["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            [
                "AG-AWS-S3-001",
                "AG-AWS-S3-002",
                "AG-K8S-POD-001",
                "AG-MODEL-OWNER-001"
            ]
        );
        let public = &driver["rules"][1];
        assert_eq!(public["name"], "S3BucketIsPubliclyReadable");
        assert_eq!(
            public["shortDescription"]["text"],
            "S3 bucket is publicly readable"
        );
        assert_eq!(
            public["fullDescription"]["text"],
            "Checks that S3 bucket is publicly readable."
        );
        assert!(public["help"]["markdown"]
            .as_str()
            .unwrap()
            .starts_with("# AG-AWS-S3-002 — S3 bucket is publicly readable"));
        assert!(public["help"]["text"]
            .as_str()
            .unwrap()
            .contains("How to fix: Set `acl"));
        assert_eq!(public["defaultConfiguration"]["level"], "error");
        assert_eq!(
            public["properties"]["aliases"],
            json!(["CKV_AWS_20", "AWS-0092"])
        );
        assert_eq!(
            public["properties"]["controls"],
            json!(["pci-dss-4.0:1.3.1"])
        );
        assert_eq!(public["properties"]["security-severity"], "9.5");
        assert_eq!(
            public["properties"]["tags"],
            json!(["security", "iac", "aws"])
        );
        // A rule without metadata still gets a descriptor from its finding.
        let owner = &driver["rules"][3];
        assert_eq!(owner["shortDescription"]["text"], "Component has no owner");
        assert_eq!(owner["defaultConfiguration"]["level"], "note");
        assert_eq!(owner["properties"]["security-severity"], "3.0");
        assert_eq!(owner["properties"]["tags"], json!(["model"]));
    }

    #[test]
    fn results_point_at_file_resource_and_fingerprint() {
        let v = output(&fixture::report());
        let run = &v["runs"][0];
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 4);
        let public = &results[1];
        assert_eq!(public["ruleId"], "AG-AWS-S3-002");
        assert_eq!(public["ruleIndex"], 1);
        assert_eq!(public["level"], "error");
        assert_eq!(
            public["message"]["text"],
            "Bucket `data` grants public-read to everyone."
        );
        let loc = &public["locations"][0];
        assert_eq!(
            loc["physicalLocation"]["artifactLocation"],
            json!({"uri": "main.tf", "uriBaseId": "%SRCROOT%"})
        );
        let region = &loc["physicalLocation"]["region"];
        assert_eq!(
            (
                &region["startLine"],
                &region["startColumn"],
                &region["endLine"],
                &region["endColumn"]
            ),
            (&json!(12), &json!(1), &json!(15), &json!(2))
        );
        assert!(region["snippet"]["text"]
            .as_str()
            .unwrap()
            .contains("public-read"));
        assert_eq!(
            loc["logicalLocations"],
            json!([{"fullyQualifiedName": "module.store.aws_s3_bucket.data", "kind": "resource"}])
        );
        let fp = Finding::fingerprint_of(
            "AG-AWS-S3-002",
            "main.tf",
            "module.store.aws_s3_bucket.data",
            "acl",
        );
        assert_eq!(public["partialFingerprints"], json!({"archgate/v1": fp}));
        assert_eq!(
            public["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "modules/store/main.tf"
        );
        assert_eq!(public["properties"]["component"], "payments-api");
        assert!(public.get("suppressions").is_none());

        let logs = &results[2];
        assert_eq!(logs["level"], "warning");
        assert_eq!(
            logs["suppressions"],
            json!([{"kind": "external", "status": "accepted",
                    "justification": "the log bucket cannot log to itself",
                    "properties": {"kind": "exception", "by": "alice",
                                   "until": "2026-12-31", "source": "EXC-7"}}])
        );
        // A model finding has no file but still names its element.
        let owner = &results[3];
        assert!(owner["locations"][0].get("physicalLocation").is_none());
        assert_eq!(
            owner["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            "component:default/ledger"
        );
    }

    #[test]
    fn input_errors_become_tool_execution_notifications() {
        let v = output(&fixture::report());
        let inv = &v["runs"][0]["invocations"][0];
        assert_eq!(inv["executionSuccessful"], false);
        let n = &inv["toolExecutionNotifications"];
        assert_eq!(n[0]["level"], "error");
        assert_eq!(
            n[0]["message"]["text"],
            "mapping values are not allowed here; expected a `key: value` pair"
        );
        assert_eq!(
            n[0]["locations"][0]["physicalLocation"],
            json!({"artifactLocation": {"uri": "catalog/broken.yaml", "uriBaseId": "%SRCROOT%"},
                   "region": {"startLine": 3, "startColumn": 7}})
        );
        assert_eq!(n[1]["level"], "note");

        let mut clean = fixture::report();
        clean.errors.clear();
        let v = output(&clean);
        assert_eq!(v["runs"][0]["invocations"][0]["executionSuccessful"], true);
    }

    #[test]
    fn uris_are_encoded_and_roots_described() {
        assert_eq!(encode_path("my dir/a#b:c.tf"), "my%20dir/a%23b%3Ac.tf");
        assert_eq!(encode_path("é.tf"), "%C3%A9.tf");
        let a = artifact("/abs/x y.tf");
        assert_eq!(a.uri.as_deref(), Some("file:///abs/x%20y.tf"));
        assert!(a.uri_base_id.is_none());
        assert_eq!(artifact("./rel.tf").uri.as_deref(), Some("rel.tf"));

        let mut r = fixture::report();
        r.root = "/srv/repo".into();
        let v = output(&r);
        assert_eq!(
            v["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            "file:///srv/repo/"
        );
    }

    /// The official schema, installed by `scripts/fetch-sarif-schema.sh`
    /// (never fetched from the network by the test itself).
    fn official_schema() -> Value {
        let path = std::env::var_os("ARCHGATE_SARIF_SCHEMA")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../target/sarif-schema-2.1.0.json")
            });
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "the SARIF 2.1.0 schema is not installed at {} ({e}); \
                 run `bash scripts/fetch-sarif-schema.sh` from the workspace root \
                 (or point ARCHGATE_SARIF_SCHEMA at sarif-schema-2.1.0.json)",
                path.display()
            )
        });
        serde_json::from_str(&text).expect("the SARIF schema file is JSON")
    }

    #[test]
    fn validates_against_the_official_sarif_schema() {
        let schema = official_schema();
        assert_eq!(
            schema["title"], "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema",
            "not the SARIF 2.1.0 schema"
        );
        let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
        let mut absolute = fixture::report();
        absolute.root = "/srv/repo".into();
        absolute.findings[1].suppression.as_mut().unwrap().kind = "inline".into();
        absolute.errors.push(crate::finding::InputError::whole_file(
            "/tmp/x y.tf",
            "unreadable",
        ));
        let mut clean = fixture::report();
        clean.errors.clear();
        clean.notes.clear();
        for r in [fixture::report(), absolute, clean, Report::default()] {
            let out = output(&r);
            let problems: Vec<String> = validator
                .iter_errors(&out)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(problems.is_empty(), "{problems:#?}");
        }
        // The check is not vacuous: a level SARIF does not know is rejected.
        let mut bad = output(&fixture::report());
        bad["runs"][0]["results"][0]["level"] = json!("fatal");
        assert!(!validator.is_valid(&bad));
    }

    #[test]
    fn zero_positions_are_left_out() {
        assert!(region(0, 0, 0, 0, None).is_none());
        let r = region(4, 0, 0, 0, None).unwrap();
        assert_eq!(
            (r.start_line, r.start_column, r.end_line, r.end_column),
            (4, None, None, None)
        );
    }
}
