//! The `text` reporter: what a person reads in a terminal or a CI log.
//!
//! Findings are grouped by file, each with its position (`file:line:col`,
//! clickable in terminals and editors), resource, component, message, the
//! offending lines and how to fix it; then suppressed findings in one line
//! each, input errors, notes, a summary and the verdict. Colour is plain
//! ANSI and only when [`RenderOptions::color`] says so; this module never
//! looks at the terminal itself.

use super::{
    ordered, ordered_errors, plural, position, printable, remediation, rules_by_id, RenderOptions,
    Verdict,
};
use crate::finding::{Finding, Severity};
use crate::report::Report;
use std::fmt::Write as _;

/// Snippets longer than this are cut, so one big resource block does not
/// bury the other findings.
const MAX_SNIPPET_LINES: usize = 8;

const BOLD: &str = "1";
const DIM: &str = "2";
const RED: &str = "31";
const GREEN: &str = "32";
const YELLOW: &str = "33";
const BLUE: &str = "34";
const MAGENTA: &str = "35";
const CYAN: &str = "36";

struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, codes: &[&str], text: &str) -> String {
        if self.color && !text.is_empty() {
            format!("\x1b[{}m{text}\x1b[0m", codes.join(";"))
        } else {
            text.to_string()
        }
    }

    fn severity(&self, s: Severity) -> String {
        let codes: &[&str] = match s {
            Severity::Critical => &[BOLD, MAGENTA],
            Severity::High => &[BOLD, RED],
            Severity::Medium => &[YELLOW],
            Severity::Low => &[CYAN],
            Severity::Info => &[BLUE],
        };
        self.paint(codes, s.as_str())
    }
}

pub(crate) fn render(report: &Report, opts: &RenderOptions) -> String {
    let p = Painter { color: opts.color };
    let rules = rules_by_id(report);
    let findings = ordered(&report.findings);
    let mut out = String::new();

    // Findings, grouped by file; `ordered` puts location-less ones last.
    let mut current: Option<Option<&str>> = None;
    for f in findings.iter().filter(|f| !f.is_suppressed()) {
        let file = f.location.as_ref().map(|l| l.file.as_str());
        if current != Some(file) {
            if current.is_some() {
                out.push('\n');
            }
            let header = match file {
                Some(file) => printable(file),
                None => "(not in a file)".to_string(),
            };
            let _ = writeln!(out, "{}", p.paint(&[BOLD, "4"], &header));
            current = Some(file);
        }
        write_finding(&mut out, &p, report, f, remediation(f, &rules));
    }

    let suppressed: Vec<&&Finding> = findings.iter().filter(|f| f.is_suppressed()).collect();
    if opts.show_suppressed && !suppressed.is_empty() {
        section(&mut out, &p, &format!("suppressed ({})", suppressed.len()));
        for f in suppressed {
            let _ = writeln!(out, "  {}", suppressed_line(&p, f));
        }
    }

    if !report.errors.is_empty() {
        section(
            &mut out,
            &p,
            &format!("input errors ({})", report.errors.len()),
        );
        for e in ordered_errors(&report.errors) {
            let _ = writeln!(
                out,
                "  {}: {}",
                p.paint(&[BOLD, RED], "error"),
                printable(&e.render())
            );
        }
    }

    if !report.notes.is_empty() {
        section(&mut out, &p, "notes");
        for n in &report.notes {
            let text = match &n.file {
                Some(file) => format!("{file}: {}", n.message),
                None => n.message.clone(),
            };
            let _ = writeln!(
                out,
                "  {}: {}",
                p.paint(&[BOLD, BLUE], "note"),
                printable(&text)
            );
        }
    }

    if !out.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}", summary_line(report));
    let _ = writeln!(out, "{}", p.paint(&[DIM], &scanned_line(report)));
    let verdict = Verdict::of(report, opts.fail_on);
    let sentence = verdict.sentence(report, opts.fail_on);
    let verdict_codes: &[&str] = match verdict {
        Verdict::Failed { .. } => &[BOLD, RED],
        Verdict::Incomplete => &[BOLD, YELLOW],
        Verdict::Passed => &[BOLD, GREEN],
    };
    let _ = writeln!(out, "{}", p.paint(verdict_codes, &sentence));
    out
}

fn section(out: &mut String, p: &Painter, title: &str) {
    if !out.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}", p.paint(&[BOLD], title));
}

fn write_finding(out: &mut String, p: &Painter, report: &Report, f: &Finding, fix: Option<&str>) {
    let _ = writeln!(
        out,
        "  {} {}: {}",
        p.severity(f.severity),
        p.paint(&[BOLD], &printable(&f.rule_id)),
        printable(&f.title)
    );
    if let Some(loc) = &f.location {
        let _ = writeln!(
            out,
            "    {} {}",
            p.paint(&[CYAN], "-->"),
            printable(&position(loc))
        );
    }
    let component = f.component.as_ref().map(|c| {
        // `component:default/x` reads as `x`; other kinds and namespaces stay explicit.
        let short = c.strip_prefix("component:default/").unwrap_or(c);
        let mut s = format!("component {}", printable(short));
        if let Some(info) = report.components.get(c) {
            if let Some(t) = info.tier {
                s.push_str(&format!(", tier {t}"));
            }
            if let Some(o) = &info.owner {
                s.push_str(&format!(", owner {}", printable(o)));
            }
        }
        s
    });
    match (&f.resource, component) {
        (Some(r), Some(c)) => {
            let _ = writeln!(out, "    resource {} ({c})", printable(r));
        }
        (Some(r), None) => {
            let _ = writeln!(out, "    resource {}", printable(r));
        }
        (None, Some(c)) => {
            let _ = writeln!(out, "    {c}");
        }
        (None, None) => {}
    }
    for line in printable(&f.message).lines() {
        let _ = writeln!(out, "    {line}");
    }
    // Without a line number the snippet's lines could not be numbered truthfully.
    if let (Some(snippet), Some(loc)) = (&f.snippet, &f.location) {
        if loc.span.line > 0 {
            write_snippet(out, p, snippet, loc.span.line);
        }
    }
    if let Some(fix) = fix {
        let mut lines = printable(fix)
            .lines()
            .map(str::to_string)
            .collect::<Vec<_>>();
        if lines.is_empty() {
            lines.push(String::new());
        }
        let _ = writeln!(out, "    {} {}", p.paint(&[GREEN], "fix:"), lines[0]);
        for line in &lines[1..] {
            let _ = writeln!(out, "         {line}");
        }
    }
    for r in &f.related {
        let _ = writeln!(out, "    related: {}", printable(&position(r)));
    }
    if !f.aliases.is_empty() {
        let _ = writeln!(
            out,
            "    {}",
            p.paint(
                &[DIM],
                &format!("aliases: {}", printable(&f.aliases.join(", ")))
            )
        );
    }
}

/// The offending lines with their numbers, ripgrep/rustc style.
fn write_snippet(out: &mut String, p: &Painter, snippet: &str, first_line: u32) {
    let lines: Vec<&str> = snippet.lines().collect();
    if lines.is_empty() {
        return;
    }
    let shown = lines.len().min(MAX_SNIPPET_LINES);
    let last = u64::from(first_line) + shown as u64 - 1;
    let width = last.to_string().len();
    let gutter = |s: &str| p.paint(&[CYAN], s);
    let _ = writeln!(out, "    {} {}", " ".repeat(width), gutter("|"));
    for (i, line) in lines.iter().take(shown).enumerate() {
        let n = u64::from(first_line) + i as u64;
        let _ = writeln!(
            out,
            "    {} {} {}",
            gutter(&format!("{n:>width$}")),
            gutter("|"),
            printable(line.trim_end_matches('\r'))
        );
    }
    if lines.len() > shown {
        let _ = writeln!(
            out,
            "    {} {} {}",
            " ".repeat(width),
            gutter("|"),
            p.paint(
                &[DIM],
                &format!(
                    "… {}",
                    plural(lines.len() - shown, "more line", "more lines")
                )
            )
        );
    }
}

/// `main.tf:30:1 medium AG-… aws_s3_bucket.logs: exception EXC-7 by alice until 2026-12-31: reason`.
fn suppressed_line(p: &Painter, f: &Finding) -> String {
    let mut s = String::new();
    if let Some(loc) = &f.location {
        s.push_str(&position(loc));
        s.push(' ');
    }
    s.push_str(&format!("{} {}", p.severity(f.severity), f.rule_id));
    if let Some(r) = &f.resource {
        s.push(' ');
        s.push_str(r);
    }
    if let Some(sup) = &f.suppression {
        s.push_str(": ");
        s.push_str(&sup.kind);
        if let Some(src) = &sup.source {
            s.push(' ');
            s.push_str(src);
        }
        if let Some(by) = &sup.by {
            s.push_str(" by ");
            s.push_str(by);
        }
        if let Some(until) = &sup.until {
            s.push_str(" until ");
            s.push_str(until);
        }
        if let Some(reason) = &sup.reason {
            s.push_str(": ");
            s.push_str(reason);
        }
    }
    // One line per suppression, whatever the reason text holds.
    printable(&s).replace('\n', " ")
}

/// `3 findings: 1 critical, 1 high, 1 low; 1 suppressed; 1 input error`.
fn summary_line(report: &Report) -> String {
    let counts = report.counts();
    let total: usize = counts.iter().map(|(_, n)| n).sum();
    let mut s = plural(total, "finding", "findings");
    let by: Vec<String> = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(sev, n)| format!("{n} {sev}"))
        .collect();
    if !by.is_empty() {
        s.push_str(": ");
        s.push_str(&by.join(", "));
    }
    s.push_str(&format!("; {} suppressed", report.suppressed_count()));
    if !report.errors.is_empty() {
        s.push_str("; ");
        s.push_str(&plural(report.errors.len(), "input error", "input errors"));
    }
    s
}

/// `scanned 12 files, 40 resources, 5 entities with 90 rules in 23 ms`.
fn scanned_line(report: &Report) -> String {
    let st = &report.stats;
    let mut what = vec![plural(st.files, "file", "files")];
    if st.resources > 0 {
        what.push(plural(st.resources, "resource", "resources"));
    }
    if st.entities > 0 {
        what.push(plural(st.entities, "model entity", "model entities"));
    }
    format!(
        "scanned {} with {} in {} ms",
        what.join(", "),
        plural(st.rules, "rule", "rules"),
        st.duration_ms
    )
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    fn text(color: bool, show_suppressed: bool) -> String {
        let mut o = fixture::opts();
        o.color = color;
        o.show_suppressed = show_suppressed;
        render(&fixture::report(), &o)
    }

    #[test]
    fn groups_by_file_with_position_snippet_and_fix() {
        let t = text(false, true);
        let expected = "\
k8s/deploy.yaml
  high AG-K8S-POD-001: Container runs as root
    --> k8s/deploy.yaml:20:9
    resource Deployment.default.web
    runAsNonRoot is not true | user <0> & \"root\" isn't allowed
       |
    20 |         securityContext: {}
    fix: Set `acl = \"private\"` and block public access.
    aliases: CKV_K8S_23

main.tf
  critical AG-AWS-S3-002: S3 bucket is publicly readable
    --> main.tf:12:1
    resource module.store.aws_s3_bucket.data (component payments-api, tier 1, owner group:default/team-payments)
    Bucket `data` grants public-read to everyone.
       |
    12 | resource \"aws_s3_bucket\" \"data\" {
    13 |   bucket = \"acme-data\"
    14 |   acl    = \"public-read\"
    15 | }
    fix: Set `acl = \"private\"`.
    related: modules/store/main.tf:3:1
    aliases: CKV_AWS_20, AWS-0092

(not in a file)
  low AG-MODEL-OWNER-001: Component has no owner
    resource component:default/ledger (component ledger)
    Component `ledger` names no owner.
";
        assert!(t.starts_with(expected), "got:\n{t}");
    }

    #[test]
    fn lists_suppressed_errors_notes_summary_and_verdict() {
        let t = text(false, true);
        let tail = "
suppressed (1)
  main.tf:30:1 medium AG-AWS-S3-001 aws_s3_bucket.logs: exception EXC-7 by alice until 2026-12-31: the log bucket cannot log to itself

input errors (1)
  error: catalog/broken.yaml:3:7: mapping values are not allowed here; expected a `key: value` pair

notes
  note: charts/web: Helm chart templates skipped; scan `helm template` output instead

3 findings: 1 critical, 1 high, 1 low; 1 suppressed; 1 input error
scanned 12 files, 40 resources, 5 model entities with 90 rules in 23 ms
FAILED: 2 findings at or above high, and 1 input error (the scan is partial)
";
        assert!(t.ends_with(tail), "got:\n{t}");
        assert!(!t.contains('\x1b'), "no colour was asked for");
    }

    #[test]
    fn hides_suppressed_but_still_counts_them() {
        let t = text(false, false);
        assert!(!t.contains("AG-AWS-S3-001"));
        assert!(t.contains("; 1 suppressed;"));
    }

    #[test]
    fn colours_only_when_asked() {
        let t = text(true, true);
        assert!(t.contains("\x1b[1;35mcritical\x1b[0m"));
        assert!(t.contains("\x1b[1;31mFAILED: 2 findings at or above high"));
    }

    #[test]
    fn passes_cleanly_and_cuts_long_snippets() {
        let mut r = fixture::report();
        r.errors.clear();
        r.findings.retain(|f| f.severity < Severity::High);
        let t = render(&r, &fixture::opts());
        assert!(
            t.ends_with("passed: no finding at or above high\n"),
            "got:\n{t}"
        );

        let mut r = fixture::report();
        let long: Vec<String> = (0..20).map(|i| format!("line {i}")).collect();
        r.findings[3].snippet = Some(long.join("\n"));
        let t = render(&r, &fixture::opts());
        assert!(t.contains("    19 | line 7\n"), "got:\n{t}");
        assert!(!t.contains("line 8\n"));
        assert!(t.contains("… 12 more lines"));
    }

    #[test]
    fn escape_sequences_from_files_are_neutralised() {
        let mut r = fixture::report();
        r.findings[0].message = "evil \x1b]0;title\x07 text".into();
        let t = render(&r, &fixture::opts());
        assert!(!t.contains('\x1b') && !t.contains('\x07'));
    }
}
