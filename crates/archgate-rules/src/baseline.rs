//! Baselines let a team adopt archgate without fixing history first:
//! [`write`] (`--create-baseline FILE`) records the fingerprints of the
//! current unsuppressed findings, and [`Baseline::apply`] (`--baseline
//! FILE`) marks findings with those fingerprints as suppressed (`kind:
//! baseline`); new findings still count. The file is JSON:
//!
//! ```json
//! { "version": 1, "generator": "archgate",
//!   "findings": [ { "fingerprint": "…", "rule_id": "AG-AWS-S3-001",
//!                   "file": "main.tf", "resource": "aws_s3_bucket.data" } ] }
//! ```
//!
//! A Checkov baseline (`.checkov.baseline`: `failed_checks[].file`,
//! `findings[].resource`, `check_ids`) is accepted as well, matched by file,
//! resource and rule alias.

use crate::suppress::id_matches;
use archgate_core::{Finding, InputError, Report, Suppression};
use std::collections::HashSet;
use std::path::Path;

/// A baseline file, in archgate's or Checkov's format.
#[derive(Debug, Default)]
pub struct Baseline {
    fingerprints: HashSet<String>,
    /// Checkov entries: (file without leading `/`, resource, check ids).
    checkov: Vec<(String, String, Vec<String>)>,
}

impl Baseline {
    /// Reads a baseline file.
    pub fn read(path: &Path) -> Result<Baseline, InputError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| InputError::whole_file(&name, format!("cannot read baseline: {e}")))?;
        Baseline::parse(&name, &text)
    }

    /// Parses baseline JSON; `name` names the file in errors.
    pub fn parse(name: &str, text: &str) -> Result<Baseline, InputError> {
        let json: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            InputError::new(
                name,
                e.line() as u32,
                e.column() as u32,
                format!("invalid baseline JSON: {e}"),
            )
            .expected("the file written by --create-baseline")
        })?;
        let mut b = Baseline::default();
        if let Some(items) = json.get("findings").and_then(|f| f.as_array()) {
            for i in items {
                match i.get("fingerprint").and_then(|f| f.as_str()) {
                    Some(fp) => {
                        b.fingerprints.insert(fp.to_string());
                    }
                    None => {
                        return Err(InputError::whole_file(
                            name,
                            "a baseline finding has no `fingerprint`",
                        )
                        .expected("`findings: [{fingerprint: …}]`"))
                    }
                }
            }
            return Ok(b);
        }
        if let Some(files) = json.get("failed_checks").and_then(|f| f.as_array()) {
            for f in files {
                let file = f
                    .get("file")
                    .and_then(|x| x.as_str())
                    .unwrap_or("")
                    .trim_start_matches('/')
                    .to_string();
                for fd in f
                    .get("findings")
                    .and_then(|x| x.as_array())
                    .into_iter()
                    .flatten()
                {
                    let resource = fd
                        .get("resource")
                        .and_then(|x| x.as_str())
                        .unwrap_or("")
                        .to_string();
                    let ids = fd
                        .get("check_ids")
                        .and_then(|x| x.as_array())
                        .map(|a| {
                            a.iter()
                                .filter_map(|x| x.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default();
                    b.checkov.push((file.clone(), resource, ids));
                }
            }
            return Ok(b);
        }
        Err(
            InputError::whole_file(name, "not a baseline file").expected(
                "archgate's `{\"findings\": [...]}` or Checkov's `{\"failed_checks\": [...]}`",
            ),
        )
    }

    /// Marks unsuppressed findings listed in the baseline as suppressed.
    pub fn apply(&self, findings: &mut [Finding], source: &str) {
        let registry = crate::registry();
        for f in findings.iter_mut().filter(|f| f.suppression.is_none()) {
            let listed = self.fingerprints.contains(&f.fingerprint)
                || self.checkov.iter().any(|(file, resource, ids)| {
                    let same_place = f.location.as_ref().is_some_and(|l| &l.file == file)
                        && f.resource.as_deref() == Some(resource.as_str());
                    same_place
                        && ids.iter().any(|id| match registry.meta(&f.rule_id) {
                            Some(meta) => id_matches(meta, id),
                            None => id.eq_ignore_ascii_case(&f.rule_id),
                        })
                });
            if listed {
                f.suppression = Some(Suppression {
                    kind: "baseline".into(),
                    by: None,
                    reason: Some("present in the baseline".into()),
                    until: None,
                    source: Some(source.to_string()),
                });
            }
        }
    }
}

/// Writes the baseline of the report's unsuppressed findings to `path`.
pub fn write(path: &Path, report: &Report) -> std::io::Result<()> {
    std::fs::write(path, to_json(&report.findings))
}

/// The baseline document of `findings` (the unsuppressed ones).
pub fn to_json(findings: &[Finding]) -> String {
    let mut rows: Vec<serde_json::Value> = findings
        .iter()
        .filter(|f| f.suppression.is_none())
        .map(|f| {
            serde_json::json!({
                "fingerprint": f.fingerprint,
                "rule_id": f.rule_id,
                "file": f.location.as_ref().map(|l| l.file.as_str()),
                "resource": f.resource,
            })
        })
        .collect();
    rows.sort_by(|a, b| a["fingerprint"].as_str().cmp(&b["fingerprint"].as_str()));
    rows.dedup();
    let doc = serde_json::json!({ "version": 1, "generator": "archgate", "findings": rows });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
