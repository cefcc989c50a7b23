//! The audit evidence pack (`archgate evidence --framework F --out DIR`):
//! per requirement of one framework, its status and the checks, findings
//! and exceptions behind it, with the commit, time and archgate version.
//!
//! Files written: `index.md` and `index.html` (the readable report),
//! `findings.json` (every finding the framework's requirements cite),
//! `oscal-assessment-results.json` (OSCAL 1.1 assessment results), and
//! `manifest.sha256` (`sha256sum -c` format, every other file). Everything
//! is sorted and derived from the inputs, so two runs on the same commit
//! differ only in the `generated` timestamp fields. Not here: running the
//! checks (the binary passes the report in).

use crate::controls::{assess, Assessment, Framework, Status};
use archgate_core::{Finding, Report};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::Path;

/// Where and when the pack was made.
#[derive(Debug, Clone)]
pub struct Provenance {
    /// The workspace as the user named it.
    pub workspace: String,
    /// The git commit checked out, if the workspace is a git repository.
    pub commit: Option<String>,
    /// RFC 3339 time of the run (the only field that differs between runs).
    pub generated: String,
    pub archgate_version: String,
}

/// The commit `HEAD` points at, read from `.git` without running git:
/// a detached `HEAD`, a loose ref, or `packed-refs`.
pub fn git_commit(root: &Path) -> Option<String> {
    let git = root.join(".git");
    let head = std::fs::read_to_string(git.join("HEAD")).ok()?;
    let head = head.trim();
    let Some(reference) = head.strip_prefix("ref: ") else {
        return is_sha(head).then(|| head.to_string());
    };
    if let Ok(s) = std::fs::read_to_string(git.join(reference)) {
        let s = s.trim();
        return is_sha(s).then(|| s.to_string());
    }
    let packed = std::fs::read_to_string(git.join("packed-refs")).ok()?;
    packed.lines().find_map(|l| {
        let (sha, name) = l.split_once(' ')?;
        (name.trim() == reference && is_sha(sha)).then(|| sha.to_string())
    })
}

fn is_sha(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.chars().all(|c| c.is_ascii_hexdigit())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A stable UUID (version 5 layout) derived from `parts`, so OSCAL ids do
/// not change between runs.
fn uuid(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    let d = h.finalize();
    let mut b: Vec<u8> = d.iter().take(16).copied().collect();
    if let Some(x) = b.get_mut(6) {
        *x = (*x & 0x0f) | 0x50;
    }
    if let Some(x) = b.get_mut(8) {
        *x = (*x & 0x3f) | 0x80;
    }
    let h = hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn count(a: &[Assessment], s: Status) -> usize {
    a.iter().filter(|x| x.status == s).count()
}

fn where_(f: &Finding) -> String {
    f.location
        .as_ref()
        .map_or(String::new(), |l| format!("{}:{}", l.file, l.span.line))
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The Markdown report.
pub fn markdown(fw: &Framework, a: &[Assessment], p: &Provenance) -> String {
    let mut s = format!("# Evidence: {}\n\n", fw.title);
    let _ = writeln!(s, "- Framework: `{}`", fw.id);
    let _ = writeln!(s, "- Workspace: `{}`", p.workspace);
    let _ = writeln!(
        s,
        "- Commit: `{}`",
        p.commit.as_deref().unwrap_or("(not a git repository)")
    );
    let _ = writeln!(s, "- archgate: {}", p.archgate_version);
    let _ = writeln!(s, "- Generated: {}\n", p.generated);
    let _ = writeln!(s, "## Summary\n\n| status | requirements |\n|---|---|");
    for st in [
        Status::Met,
        Status::PartiallyMet,
        Status::NotMet,
        Status::NotCovered,
    ] {
        let _ = writeln!(s, "| {} | {} |", st.as_str(), count(a, st));
    }
    let _ = writeln!(s, "\n## Requirements\n\n| requirement | status | checks | open findings | waived |\n|---|---|---|---|---|");
    for x in a {
        let open = x.findings.iter().filter(|f| !f.is_suppressed()).count();
        let _ = writeln!(
            s,
            "| [{}](#req-{}) {} | {} | {} | {} | {} |",
            x.requirement.id,
            anchor(&x.requirement.id),
            md_escape(x.requirement.title.as_deref().unwrap_or("")),
            x.status.as_str(),
            x.requirement.rules.len(),
            open,
            x.findings.len() - open
        );
    }
    let _ = writeln!(s, "\n## Details");
    for x in a {
        let _ = writeln!(
            s,
            "\n### <a id=\"req-{}\"></a>{} — {}\n",
            anchor(&x.requirement.id),
            x.requirement.id,
            x.status.as_str()
        );
        if let Some(t) = &x.requirement.title {
            let _ = writeln!(s, "{t}\n");
        }
        if x.requirement.rules.is_empty() {
            let _ = writeln!(
                s,
                "No automated check maps to this requirement; provide evidence by other means."
            );
        } else {
            let _ = writeln!(
                s,
                "Checks: {}",
                x.requirement
                    .rules
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        for f in &x.findings {
            let state = match &f.suppression {
                Some(sup) if sup.kind == "exception" => format!(
                    "waived by exception `{}` (approver {}, until {})",
                    sup.source.as_deref().unwrap_or("?"),
                    sup.by.as_deref().unwrap_or("?"),
                    sup.until.as_deref().unwrap_or("?")
                ),
                Some(sup) => format!("suppressed ({})", sup.kind),
                None => "open".to_string(),
            };
            let _ = writeln!(
                s,
                "- **{}** {} `{}` {}: {} — {state}",
                f.severity,
                f.rule_id,
                where_(f),
                f.resource.as_deref().unwrap_or(""),
                md_escape(&f.message)
            );
        }
    }
    s
}

fn anchor(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// The HTML report (self-contained, no scripts).
pub fn html(fw: &Framework, a: &[Assessment], p: &Provenance) -> String {
    let mut s =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(s, "<title>Evidence: {}</title>", html_escape(&fw.title));
    s.push_str("<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}.not-met{color:#b00020}.met{color:#1b5e20}.partially-met{color:#e65100}</style>\n</head>\n<body>\n");
    let _ = writeln!(s, "<h1>Evidence: {}</h1>", html_escape(&fw.title));
    let _ = writeln!(
        s,
        "<ul><li>Framework: <code>{}</code></li><li>Workspace: <code>{}</code></li><li>Commit: <code>{}</code></li><li>archgate: {}</li><li>Generated: {}</li></ul>",
        html_escape(&fw.id),
        html_escape(&p.workspace),
        html_escape(p.commit.as_deref().unwrap_or("(not a git repository)")),
        html_escape(&p.archgate_version),
        html_escape(&p.generated)
    );
    s.push_str("<table>\n<tr><th>requirement</th><th>title</th><th>status</th><th>checks</th><th>open findings</th><th>waived</th></tr>\n");
    for x in a {
        let open = x.findings.iter().filter(|f| !f.is_suppressed()).count();
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            html_escape(&x.requirement.id),
            html_escape(x.requirement.title.as_deref().unwrap_or("")),
            x.status.as_str().split(' ').take(2).collect::<Vec<_>>().join("-"),
            x.status.as_str(),
            html_escape(&x.requirement.rules.join(", ")),
            open,
            x.findings.len() - open
        );
    }
    s.push_str("</table>\n");
    for x in a.iter().filter(|x| !x.findings.is_empty()) {
        let _ = writeln!(
            s,
            "<h2>{} — {}</h2>\n<ul>",
            html_escape(&x.requirement.id),
            x.status.as_str()
        );
        for f in &x.findings {
            let _ = writeln!(
                s,
                "<li><b>{}</b> {} <code>{}</code> {}: {}{}</li>",
                f.severity,
                html_escape(&f.rule_id),
                html_escape(&where_(f)),
                html_escape(f.resource.as_deref().unwrap_or("")),
                html_escape(&f.message),
                f.suppression.as_ref().map_or(String::new(), |sup| format!(
                    " <i>(waived: {} {})</i>",
                    html_escape(&sup.kind),
                    html_escape(sup.source.as_deref().unwrap_or(""))
                ))
            );
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</body>\n</html>\n");
    s
}

/// OSCAL 1.1 assessment results: one result, one finding per requirement
/// (target = the requirement, state satisfied / not-satisfied), and one
/// observation per archgate finding.
pub fn oscal(fw: &Framework, a: &[Assessment], p: &Provenance) -> serde_json::Value {
    let seed = [fw.id.as_str(), p.commit.as_deref().unwrap_or("")];
    let mut observations = Vec::new();
    let mut findings = Vec::new();
    for x in a {
        let mut related = Vec::new();
        for f in &x.findings {
            let ou = uuid(&[
                seed[0],
                seed[1],
                "observation",
                &f.fingerprint,
                &x.requirement.id,
            ]);
            related.push(serde_json::json!({"observation-uuid": ou}));
            observations.push(serde_json::json!({
                "uuid": ou,
                "title": format!("{} {}", f.rule_id, f.title),
                "description": f.message,
                "methods": ["TEST"],
                "types": ["finding"],
                "subjects": [{"subject-uuid": uuid(&["subject", f.resource.as_deref().unwrap_or(""), &where_(f)]), "type": "component", "title": f.resource.clone().unwrap_or_else(|| where_(f))}],
                "collected": p.generated,
                "props": [
                    {"name": "severity", "ns": "https://archgate.dev/ns/oscal", "value": f.severity.as_str()},
                    {"name": "suppressed", "ns": "https://archgate.dev/ns/oscal", "value": if f.is_suppressed() { "true" } else { "false" }},
                ],
            }));
        }
        let state = match x.status {
            Status::Met => "satisfied",
            Status::NotMet | Status::PartiallyMet => "not-satisfied",
            Status::NotCovered => continue,
        };
        let mut finding = serde_json::json!({
            "uuid": uuid(&[seed[0], seed[1], "finding", &x.requirement.id]),
            "title": format!("{} {}", fw.id, x.requirement.id),
            "description": format!("{}: {}", x.requirement.id, x.status.as_str()),
            "target": {
                "type": "objective-id",
                "target-id": x.requirement.id,
                "status": {"state": state},
            },
        });
        if !related.is_empty() {
            finding["related-observations"] = serde_json::Value::Array(related);
        }
        findings.push(finding);
    }
    serde_json::json!({
        "assessment-results": {
            "uuid": uuid(&[seed[0], seed[1], "assessment-results"]),
            "metadata": {
                "title": format!("archgate evidence: {}", fw.title),
                "last-modified": p.generated,
                "version": p.commit.clone().unwrap_or_else(|| "uncommitted".into()),
                "oscal-version": "1.1.2",
            },
            "import-ap": {"href": format!("#archgate-{}", fw.id)},
            "results": [{
                "uuid": uuid(&[seed[0], seed[1], "result"]),
                "title": format!("{} automated checks", fw.title),
                "description": format!("archgate {} on {}", p.archgate_version, p.workspace),
                "start": p.generated,
                "reviewed-controls": {"control-selections": [{"include-all": {}}]},
                "observations": observations,
                "findings": findings,
            }],
        }
    })
}

/// Writes the pack into `dir` (created if needed) and returns the files
/// written, relative to `dir`, manifest last.
pub fn write_pack(
    dir: &Path,
    fw: &Framework,
    report: &Report,
    p: &Provenance,
) -> Result<Vec<String>, String> {
    let a = assess(fw, &report.findings);
    let mut cited: Vec<&Finding> = a.iter().flat_map(|x| x.findings.iter().copied()).collect();
    cited.sort_by(|x, y| x.fingerprint.cmp(&y.fingerprint));
    cited.dedup_by(|x, y| x.fingerprint == y.fingerprint && x.rule_id == y.rule_id);
    let pretty = |v: &serde_json::Value| {
        serde_json::to_string_pretty(v)
            .map(|s| s + "\n")
            .map_err(|e| e.to_string())
    };
    let findings_json = serde_json::to_value(&cited).map_err(|e| e.to_string())?;
    let files: Vec<(&str, String)> = vec![
        ("index.md", markdown(fw, &a, p)),
        ("index.html", html(fw, &a, p)),
        ("findings.json", pretty(&findings_json)?),
        ("oscal-assessment-results.json", pretty(&oscal(fw, &a, p))?),
    ];
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut manifest = String::new();
    let mut written = Vec::new();
    for (name, text) in &files {
        std::fs::write(dir.join(name), text)
            .map_err(|e| format!("cannot write {}: {e}", dir.join(name).display()))?;
        let _ = writeln!(
            manifest,
            "{}  {name}",
            hex(&Sha256::digest(text.as_bytes()))
        );
        written.push(name.to_string());
    }
    std::fs::write(dir.join("manifest.sha256"), &manifest)
        .map_err(|e| format!("cannot write manifest: {e}"))?;
    written.push("manifest.sha256".into());
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::Requirement;
    use archgate_core::{FindingKind, Location, Severity, Span, Suppression};

    fn fw() -> Framework {
        Framework {
            id: "pci-dss-4.0".into(),
            title: "PCI DSS v4.0".into(),
            requirements: vec![
                Requirement {
                    id: "1.2.1".into(),
                    title: Some("NSC config <standards>".into()),
                    rules: vec!["AG-A".into()],
                },
                Requirement {
                    id: "3.5.1".into(),
                    title: None,
                    rules: vec!["AG-B".into()],
                },
                Requirement {
                    id: "12.10.1".into(),
                    title: None,
                    rules: vec![],
                },
            ],
        }
    }

    fn finding(rule: &str, waived: bool) -> Finding {
        Finding {
            rule_id: rule.into(),
            title: "t".into(),
            severity: Severity::High,
            kind: FindingKind::Iac,
            location: Some(Location {
                file: "a.tf".into(),
                span: Span {
                    line: 4,
                    col: 1,
                    ..Span::default()
                },
            }),
            resource: Some("aws_x.y".into()),
            component: None,
            message: "bad | worse".into(),
            remediation: None,
            controls: vec![],
            aliases: vec![],
            fingerprint: format!("fp-{rule}"),
            suppression: waived.then(|| Suppression {
                kind: "exception".into(),
                by: Some("user:ciso".into()),
                reason: None,
                until: Some("2027-01-01".into()),
                source: Some("x".into()),
            }),
            snippet: None,
            related: vec![],
        }
    }

    fn prov(t: &str) -> Provenance {
        Provenance {
            workspace: "ws".into(),
            commit: Some("a".repeat(40)),
            generated: t.into(),
            archgate_version: "0.1.0".into(),
        }
    }

    #[test]
    fn pack_is_complete_and_reproducible_apart_from_timestamps() {
        let report = Report {
            findings: vec![finding("AG-A", false), finding("AG-B", true)],
            ..Report::default()
        };
        let d1 = tempfile::tempdir().unwrap();
        let d2 = tempfile::tempdir().unwrap();
        let files = write_pack(d1.path(), &fw(), &report, &prov("2026-11-25T10:00:00Z")).unwrap();
        assert_eq!(
            files,
            vec![
                "index.md",
                "index.html",
                "findings.json",
                "oscal-assessment-results.json",
                "manifest.sha256"
            ]
        );
        write_pack(d2.path(), &fw(), &report, &prov("2026-11-25T10:00:00Z")).unwrap();
        for f in &files {
            assert_eq!(
                std::fs::read(d1.path().join(f)).unwrap(),
                std::fs::read(d2.path().join(f)).unwrap(),
                "{f}"
            );
        }
        let d3 = tempfile::tempdir().unwrap();
        write_pack(d3.path(), &fw(), &report, &prov("2027-01-01T00:00:00Z")).unwrap();
        let a = std::fs::read_to_string(d1.path().join("index.md")).unwrap();
        let b = std::fs::read_to_string(d3.path().join("index.md")).unwrap();
        assert_eq!(
            a.replace("2026-11-25T10:00:00Z", "T"),
            b.replace("2027-01-01T00:00:00Z", "T")
        );
        assert!(
            a.contains("| [1.2.1](#req-1-2-1) NSC config <standards> | not met | 1 | 1 | 0 |"),
            "{a}"
        );
        assert!(
            a.contains("| [3.5.1](#req-3-5-1)  | partially met | 1 | 0 | 1 |"),
            "{a}"
        );
        assert!(
            a.contains(
                "| [12.10.1](#req-12-10-1)  | not covered by automated checks | 0 | 0 | 0 |"
            ),
            "{a}"
        );
        assert!(a.contains("waived by exception `x` (approver user:ciso, until 2027-01-01)"));
        let html = std::fs::read_to_string(d1.path().join("index.html")).unwrap();
        assert!(html.contains("NSC config &lt;standards&gt;"));
        let manifest = std::fs::read_to_string(d1.path().join("manifest.sha256")).unwrap();
        let md_hash = hex(&Sha256::digest(a.as_bytes()));
        assert!(
            manifest.starts_with(&format!("{md_hash}  index.md\n")),
            "{manifest}"
        );
        assert_eq!(manifest.lines().count(), 4);
        let oscal: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(d1.path().join("oscal-assessment-results.json")).unwrap(),
        )
        .unwrap();
        let r = &oscal["assessment-results"]["results"][0];
        assert_eq!(
            r["findings"].as_array().unwrap().len(),
            2,
            "not-covered requirements are not findings"
        );
        assert_eq!(
            r["findings"][0]["target"]["status"]["state"],
            "not-satisfied"
        );
        assert_eq!(r["observations"].as_array().unwrap().len(), 2);
        let u = oscal["assessment-results"]["uuid"].as_str().unwrap();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "5");
    }

    #[test]
    fn reads_the_commit_without_git() {
        let d = tempfile::tempdir().unwrap();
        let git = d.path().join(".git");
        std::fs::create_dir_all(git.join("refs/heads")).unwrap();
        std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        assert_eq!(git_commit(d.path()), None);
        let sha = "0123456789abcdef0123456789abcdef01234567";
        std::fs::write(
            git.join("packed-refs"),
            format!("# pack-refs with: peeled\n{sha} refs/heads/main\n"),
        )
        .unwrap();
        assert_eq!(git_commit(d.path()).as_deref(), Some(sha));
        std::fs::write(git.join("refs/heads/main"), format!("{}\n", "f".repeat(40))).unwrap();
        assert_eq!(git_commit(d.path()), Some("f".repeat(40)));
        std::fs::write(git.join("HEAD"), format!("{sha}\n")).unwrap();
        assert_eq!(git_commit(d.path()).as_deref(), Some(sha));
    }
}
