//! The `markdown` reporter: GitHub-flavoured Markdown sized for a
//! pull-request comment (GitHub caps comments at 65,536 characters).
//!
//! The verdict first, then severity counts, a findings table (most severe
//! first, capped at [`MAX_TABLE_ROWS`] rows), one collapsed `<details>` per
//! rule with how to fix it, suppressed findings collapsed, input errors and
//! notes. Text from scanned files is escaped so it cannot break the tables
//! or inject HTML into the comment.

use super::{
    cmp_findings, ordered, ordered_errors, plural, position, printable, rules_by_id, RenderOptions,
    Verdict,
};
use crate::finding::{Finding, Severity};
use crate::report::Report;
use crate::rule::RuleMeta;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Rows of the findings table before it says "and K more".
pub const MAX_TABLE_ROWS: usize = 50;
/// Findings listed inside one rule's `<details>`.
const MAX_PER_RULE: usize = 20;

/// Inline text for a table cell: one line, `|` escaped, no raw HTML.
fn cell(s: &str) -> String {
    inline(s).replace('|', "\\|")
}

/// Inline text outside tables: one line, no raw HTML.
fn inline(s: &str) -> String {
    printable(s)
        .replace('\r', "")
        .replace('\n', " ")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A code span that survives backticks inside `s` (CommonMark: a longer
/// fence, padded with spaces when `s` starts or ends with a backtick).
fn code(s: &str) -> String {
    let s = printable(s).replace(['\r', '\n'], " ");
    let mut longest_run = 0;
    let mut run = 0;
    for c in s.chars() {
        if c == '`' {
            run += 1;
            longest_run = longest_run.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest_run + 1);
    if s.starts_with('`') || s.ends_with('`') {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

/// A code span inside a table cell (GFM needs `\|` even in code spans there).
fn code_cell(s: &str) -> String {
    code(s).replace('|', "\\|")
}

/// Text for HTML elements (`<summary>`).
fn html(s: &str) -> String {
    printable(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', " ")
}

/// `main.tf:12` — what the tables show; the column adds noise there.
fn short_position(f: &Finding) -> Option<String> {
    f.location.as_ref().map(|l| {
        if l.span.line > 0 {
            format!("{}:{}", l.file, l.span.line)
        } else {
            l.file.clone()
        }
    })
}

/// Most severe first, then in location order.
fn by_severity<'a>(findings: &[&'a Finding]) -> Vec<&'a Finding> {
    let mut v = findings.to_vec();
    v.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| cmp_findings(a, b)));
    v
}

pub(crate) fn render(report: &Report, opts: &RenderOptions) -> String {
    let metas = rules_by_id(report);
    let all = ordered(&report.findings);
    let active: Vec<&Finding> = all.iter().copied().filter(|f| !f.is_suppressed()).collect();
    let suppressed: Vec<&Finding> = all.iter().copied().filter(|f| f.is_suppressed()).collect();
    let verdict = Verdict::of(report, opts.fail_on);
    let mut out = String::new();

    let title = if report.command.is_empty() {
        "archgate".to_string()
    } else {
        format!("archgate {}", report.command)
    };
    let badge = match verdict {
        Verdict::Failed { .. } => "failed",
        Verdict::Incomplete => "incomplete",
        Verdict::Passed => "passed",
    };
    let _ = writeln!(out, "### {}: {badge}\n", inline(&title));
    let _ = writeln!(
        out,
        "**{}**\n",
        inline(&verdict.sentence(report, opts.fail_on))
    );

    out.push_str("| Severity | Findings |\n| --- | ---: |\n");
    for (sev, n) in report.counts() {
        let _ = writeln!(out, "| {sev} | {n} |");
    }
    let _ = writeln!(out, "| suppressed | {} |", suppressed.len());
    if !report.errors.is_empty() {
        let _ = writeln!(out, "| input errors | {} |", report.errors.len());
    }
    let st = &report.stats;
    let _ = writeln!(
        out,
        "\nScanned {}, {}, {} with {}.",
        plural(st.files, "file", "files"),
        plural(st.resources, "resource", "resources"),
        plural(st.entities, "model entity", "model entities"),
        plural(st.rules, "rule", "rules")
    );

    if !active.is_empty() {
        out.push_str("\n#### Findings\n\n");
        out.push_str("| Severity | Rule | Location | Resource | Message |\n");
        out.push_str("| --- | --- | --- | --- | --- |\n");
        let sorted = by_severity(&active);
        for f in sorted.iter().take(MAX_TABLE_ROWS) {
            let sev = if f.severity >= opts.fail_on {
                format!("**{}**", f.severity)
            } else {
                f.severity.to_string()
            };
            let _ = writeln!(
                out,
                "| {sev} | {} | {} | {} | {} |",
                code_cell(&f.rule_id),
                short_position(f).map_or(String::new(), |p| code_cell(&p)),
                f.resource.as_deref().map_or(String::new(), code_cell),
                cell(&f.message)
            );
        }
        if sorted.len() > MAX_TABLE_ROWS {
            let _ = writeln!(out, "\n_… and {} more._", sorted.len() - MAX_TABLE_ROWS);
        }
        write_rule_details(&mut out, &sorted, &metas, &report.components);
    }

    if !suppressed.is_empty() {
        let _ = writeln!(
            out,
            "\n<details>\n<summary>Suppressed findings ({})</summary>\n",
            suppressed.len()
        );
        out.push_str("| Rule | Location | Resource | Suppression | Reason | Until |\n");
        out.push_str("| --- | --- | --- | --- | --- | --- |\n");
        for f in suppressed.iter().take(MAX_TABLE_ROWS) {
            let Some(s) = &f.suppression else { continue };
            let mut how = s.kind.clone();
            if let Some(src) = &s.source {
                how.push(' ');
                how.push_str(src);
            }
            if let Some(by) = &s.by {
                how.push_str(" by ");
                how.push_str(by);
            }
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                code_cell(&f.rule_id),
                short_position(f).map_or(String::new(), |p| code_cell(&p)),
                f.resource.as_deref().map_or(String::new(), code_cell),
                cell(&how),
                s.reason.as_deref().map_or(String::new(), cell),
                s.until.as_deref().map_or(String::new(), cell)
            );
        }
        if suppressed.len() > MAX_TABLE_ROWS {
            let _ = writeln!(out, "\n_… and {} more._", suppressed.len() - MAX_TABLE_ROWS);
        }
        out.push_str("\n</details>\n");
    }

    if !report.errors.is_empty() {
        let _ = writeln!(out, "\n#### Input errors ({})\n", report.errors.len());
        for e in ordered_errors(&report.errors) {
            let at = if e.line > 0 {
                format!("{}:{}:{}", e.file, e.line, e.col)
            } else {
                e.file.clone()
            };
            let mut text = inline(&e.message);
            if let Some(x) = &e.expected {
                text.push_str("; expected ");
                text.push_str(&inline(x));
            }
            let _ = writeln!(out, "- {}: {text}", code(&at));
        }
    }

    if !report.notes.is_empty() {
        out.push_str("\n#### Notes\n\n");
        for n in &report.notes {
            match &n.file {
                Some(file) => {
                    let _ = writeln!(out, "- {}: {}", code(file), inline(&n.message));
                }
                None => {
                    let _ = writeln!(out, "- {}", inline(&n.message));
                }
            }
        }
    }
    out
}

/// One collapsed section per rule, most severe rule first.
fn write_rule_details(
    out: &mut String,
    findings: &[&Finding],
    metas: &BTreeMap<&str, &RuleMeta>,
    components: &BTreeMap<String, crate::report::ComponentInfo>,
) {
    let mut rules: Vec<(&str, Severity, Vec<&Finding>)> = Vec::new();
    for f in findings {
        match rules.iter_mut().find(|(id, _, _)| *id == f.rule_id) {
            Some((_, sev, v)) => {
                *sev = (*sev).max(f.severity);
                v.push(f);
            }
            None => rules.push((&f.rule_id, f.severity, vec![f])),
        }
    }
    rules.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));

    out.push_str(
        "\n#### How to fix\n\n`archgate explain RULE-ID` prints a rule's full documentation.\n",
    );
    for (id, severity, fs) in &rules {
        let Some(first) = fs.first() else { continue };
        let meta = metas.get(id).copied();
        let title = meta.map_or(first.title.as_str(), |m| m.title.as_str());
        let _ = writeln!(
            out,
            "\n<details>\n<summary><code>{}</code> {} ({severity}, {})</summary>\n",
            html(id),
            html(title),
            plural(fs.len(), "finding", "findings")
        );
        if let Some(m) = meta {
            // The first paragraph: the comment stays short, the full doc
            // is one `archgate explain` away.
            let description = m.doc.description.trim().split("\n\n").next().unwrap_or("");
            if !description.is_empty() {
                let _ = writeln!(out, "{}\n", inline(description));
            }
        }
        let fix = meta
            .map(|m| m.doc.remediation.trim())
            .filter(|r| !r.is_empty())
            .or_else(|| fs.iter().find_map(|f| f.remediation.as_deref()));
        if let Some(fix) = fix {
            let _ = writeln!(out, "**How to fix:** {}\n", inline(fix));
        }
        let (aliases, controls) = match meta {
            Some(m) => (&m.aliases, &m.controls),
            None => (&first.aliases, &first.controls),
        };
        let mut refs = Vec::new();
        if !aliases.is_empty() {
            let list: Vec<String> = aliases.iter().map(|a| code(a)).collect();
            refs.push(format!("Aliases: {}", list.join(", ")));
        }
        if !controls.is_empty() {
            let list: Vec<String> = controls.iter().map(|c| code(c)).collect();
            refs.push(format!("Controls: {}", list.join(", ")));
        }
        if !refs.is_empty() {
            let _ = writeln!(out, "{}\n", refs.join(" · "));
        }
        for f in fs.iter().take(MAX_PER_RULE) {
            let mut line = String::from("-");
            if let Some(p) = f.location.as_ref().map(position) {
                line.push(' ');
                line.push_str(&code(&p));
            }
            if let Some(r) = &f.resource {
                line.push(' ');
                line.push_str(&code(r));
            }
            if let Some(c) = &f.component {
                let mut about = format!("component {}", code(c));
                if let Some(info) = components.get(c) {
                    if let Some(t) = info.tier {
                        about.push_str(&format!(", tier {t}"));
                    }
                    if let Some(o) = &info.owner {
                        about.push_str(&format!(", owner {}", code(o)));
                    }
                }
                line.push_str(&format!(" ({about})"));
            }
            line.push_str(" — ");
            line.push_str(&inline(&f.message));
            let _ = writeln!(out, "{line}");
        }
        if fs.len() > MAX_PER_RULE {
            let _ = writeln!(out, "- … and {} more", fs.len() - MAX_PER_RULE);
        }
        out.push_str("\n</details>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    fn md(report: &Report) -> String {
        render(report, &fixture::opts())
    }

    #[test]
    fn verdict_counts_and_findings_table() {
        let out = md(&fixture::report());
        assert!(
            out.starts_with(
                "### archgate check: failed\n\n\
             **FAILED: 2 findings at or above high, and 1 input error (the scan is partial)**\n\n\
             | Severity | Findings |\n| --- | ---: |\n\
             | critical | 1 |\n| high | 1 |\n| medium | 0 |\n| low | 1 |\n| info | 0 |\n\
             | suppressed | 1 |\n| input errors | 1 |\n\n\
             Scanned 12 files, 40 resources, 5 model entities with 90 rules.\n"
            ),
            "got:\n{out}"
        );
        let table = "\
| Severity | Rule | Location | Resource | Message |
| --- | --- | --- | --- | --- |
| **critical** | `AG-AWS-S3-002` | `main.tf:12` | `module.store.aws_s3_bucket.data` | Bucket `data` grants public-read to everyone. |
| **high** | `AG-K8S-POD-001` | `k8s/deploy.yaml:20` | `Deployment.default.web` | runAsNonRoot is not true \\| user &lt;0&gt; & \"root\" isn't allowed |
| low | `AG-MODEL-OWNER-001` |  | `component:default/ledger` | Component `ledger` names no owner. |
";
        assert!(out.contains(table), "got:\n{out}");
    }

    #[test]
    fn details_per_rule_suppressed_errors_and_notes() {
        let out = md(&fixture::report());
        assert!(out.contains(
            "<details>\n<summary><code>AG-AWS-S3-002</code> S3 bucket is publicly readable (critical, 1 finding)</summary>\n\n\
             Checks that S3 bucket is publicly readable.\n\n\
             **How to fix:** Set `acl = \"private\"` and block public access.\n\n\
             Aliases: `CKV_AWS_20`, `AWS-0092` · Controls: `pci-dss-4.0:1.3.1`\n\n\
             - `main.tf:12:1` `module.store.aws_s3_bucket.data` (component `payments-api`, tier 1, owner `group:default/team-payments`) — Bucket `data` grants public-read to everyone.\n\n\
             </details>\n"
        ), "got:\n{out}");
        assert!(out.contains(
            "<summary>Suppressed findings (1)</summary>\n\n\
             | Rule | Location | Resource | Suppression | Reason | Until |\n\
             | --- | --- | --- | --- | --- | --- |\n\
             | `AG-AWS-S3-001` | `main.tf:30` | `aws_s3_bucket.logs` | exception EXC-7 by alice | the log bucket cannot log to itself | 2026-12-31 |\n"
        ), "got:\n{out}");
        assert!(out.contains(
            "#### Input errors (1)\n\n- `catalog/broken.yaml:3:7`: mapping values are not allowed here; expected a `key: value` pair\n"
        ));
        assert!(out.contains("#### Notes\n\n- `charts/web`: Helm chart templates skipped; scan `helm template` output instead\n"));
        // The suppressed finding is not in the main table.
        assert!(!out.contains("| medium | `AG-AWS-S3-001`"));
    }

    #[test]
    fn caps_the_table_and_says_how_many_more() {
        let mut r = fixture::report();
        let template = r.findings[3].clone();
        for i in 0..60 {
            let mut f = template.clone();
            f.resource = Some(format!("aws_s3_bucket.b{i:02}"));
            r.findings.push(f);
        }
        let out = md(&r);
        let rows = out
            .lines()
            .filter(|l| l.starts_with("| **critical** |"))
            .count();
        assert_eq!(rows, MAX_TABLE_ROWS);
        assert!(out.contains("_… and 13 more._"), "got:\n{out}");
        assert!(out.contains("- … and 41 more\n"));
    }

    #[test]
    fn escaping_keeps_tables_and_html_intact() {
        assert_eq!(cell("a|b\nc <b>"), "a\\|b c &lt;b&gt;");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code_cell("x|y"), "`x\\|y`");
        assert_eq!(html("<x> & y"), "&lt;x&gt; &amp; y");
        let mut r = fixture::report();
        r.findings[3].message = "</details><script>alert(1)</script>".into();
        let out = md(&r);
        assert!(!out.contains("<script>"));
    }

    #[test]
    fn a_clean_run_says_passed() {
        let mut r = fixture::report();
        r.findings.clear();
        r.errors.clear();
        let out = md(&r);
        assert!(out.starts_with(
            "### archgate check: passed\n\n**passed: no finding at or above high**\n"
        ));
        assert!(!out.contains("#### Findings"));
    }
}
