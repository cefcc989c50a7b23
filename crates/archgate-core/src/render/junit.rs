//! The `junit` reporter: JUnit XML for CI test dashboards (GitLab, Jenkins,
//! Azure DevOps, CircleCI, GitHub test-reporter actions).
//!
//! One `<testsuite>` per rule (dashboards then read "rule → affected
//! resources", the way a reviewer triages), most severe rule first. Each
//! finding is a `<testcase>` whose `classname` is the rule id and whose name
//! is the resource and position:
//! - unsuppressed at or above the threshold: `<failure>` (fails the build);
//! - unsuppressed below the threshold: passes, the finding in `<system-out>`;
//! - suppressed: `<skipped>` with who, why and until when.
//!
//! Input errors are a suite of their own, one `<error>` test case each, so a
//! partial scan never shows green. A last suite, `archgate`, carries the
//! run's properties, notes and verdict; it holds a passing test case only
//! when the run had nothing else to report (some dashboards reject a file
//! with no test at all). XML is written by hand: the escaping below is the
//! whole of what is needed, and tests parse the output with a strict parser.

use super::{ordered, ordered_errors, position, remediation, rules_by_id, RenderOptions, Verdict};
use crate::finding::{Finding, Severity};
use crate::report::Report;
use crate::rule::RuleMeta;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Escapes text content. Characters XML 1.0 cannot carry at all (most C0
/// controls) become U+FFFD rather than an invalid document.
pub(crate) fn escape_text(s: &str) -> String {
    escape(s, false)
}

/// Escapes an attribute value; newlines and tabs become character
/// references so attribute normalisation does not turn them into spaces.
pub(crate) fn escape_attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\'' if attr => out.push_str("&apos;"),
            '\n' if attr => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attr => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// One `<testsuite>` worth of findings.
struct Suite<'a> {
    id: &'a str,
    title: &'a str,
    severity: Severity,
    aliases: &'a [String],
    controls: &'a [String],
    findings: Vec<&'a Finding>,
}

pub(crate) fn render(report: &Report, opts: &RenderOptions) -> String {
    let metas = rules_by_id(report);
    let mut by_rule: BTreeMap<&str, Suite> = BTreeMap::new();
    for f in ordered(&report.findings) {
        let meta = metas.get(f.rule_id.as_str());
        let suite = by_rule.entry(f.rule_id.as_str()).or_insert_with(|| Suite {
            id: &f.rule_id,
            title: meta.map_or(f.title.as_str(), |m| m.title.as_str()),
            severity: meta.map_or(f.severity, |m| m.severity),
            aliases: meta.map_or(&f.aliases[..], |m| &m.aliases[..]),
            controls: meta.map_or(&f.controls[..], |m| &m.controls[..]),
            findings: Vec::new(),
        });
        suite.severity = suite.severity.max(f.severity);
        suite.findings.push(f);
    }
    let mut suites: Vec<Suite> = by_rule.into_values().collect();
    suites.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(b.id)));

    let failing = report.failing(opts.fail_on).count();
    let skipped = report.suppressed_count();
    let errors = report.errors.len();
    let empty = report.findings.is_empty() && report.errors.is_empty();
    let tests = report.findings.len() + errors + usize::from(empty);

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{tests}\" failures=\"{failing}\" errors=\"{errors}\" skipped=\"{skipped}\">",
        escape_attr(format!("archgate {}", report.command).trim_end())
    );
    for suite in &suites {
        write_rule_suite(&mut out, suite, opts, &metas);
    }
    if errors > 0 {
        let _ = writeln!(
            out,
            "  <testsuite name=\"input errors\" tests=\"{errors}\" failures=\"0\" errors=\"{errors}\" skipped=\"0\">"
        );
        for e in ordered_errors(&report.errors) {
            let name = if e.line > 0 {
                format!("{}:{}:{}", e.file, e.line, e.col)
            } else {
                e.file.clone()
            };
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"input\" file=\"{}\"",
                escape_attr(&name),
                escape_attr(&e.file)
            );
            if e.line > 0 {
                let _ = write!(out, " line=\"{}\"", e.line);
            }
            let _ = writeln!(out, ">");
            let _ = writeln!(
                out,
                "      <error message=\"{}\" type=\"InputError\">{}</error>",
                escape_attr(&e.render()),
                escape_text(&e.render())
            );
            let _ = writeln!(out, "    </testcase>");
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    write_run_suite(&mut out, report, opts, empty);
    out.push_str("</testsuites>\n");
    out
}

fn write_rule_suite(
    out: &mut String,
    suite: &Suite,
    opts: &RenderOptions,
    metas: &BTreeMap<&str, &RuleMeta>,
) {
    let failures = suite
        .findings
        .iter()
        .filter(|f| !f.is_suppressed() && f.severity >= opts.fail_on)
        .count();
    let skipped = suite.findings.iter().filter(|f| f.is_suppressed()).count();
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
        escape_attr(&format!("{}: {}", suite.id, suite.title)),
        suite.findings.len()
    );
    let _ = writeln!(out, "    <properties>");
    let _ = writeln!(
        out,
        "      <property name=\"severity\" value=\"{}\"/>",
        suite.severity
    );
    let (aliases, controls) = (suite.aliases, suite.controls);
    if !aliases.is_empty() {
        let _ = writeln!(
            out,
            "      <property name=\"aliases\" value=\"{}\"/>",
            escape_attr(&aliases.join(", "))
        );
    }
    if !controls.is_empty() {
        let _ = writeln!(
            out,
            "      <property name=\"controls\" value=\"{}\"/>",
            escape_attr(&controls.join(", "))
        );
    }
    let _ = writeln!(out, "    </properties>");
    for f in &suite.findings {
        write_case(out, f, opts, remediation(f, metas));
    }
    let _ = writeln!(out, "  </testsuite>");
}

fn write_case(out: &mut String, f: &Finding, opts: &RenderOptions, fix: Option<&str>) {
    let at = f.location.as_ref().map(position);
    let name = match (&f.resource, &at) {
        (Some(r), Some(at)) => format!("{r} ({at})"),
        (Some(r), None) => r.clone(),
        (None, Some(at)) => at.clone(),
        (None, None) => f.message.clone(),
    };
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\"",
        escape_attr(&name),
        escape_attr(&f.rule_id)
    );
    if let Some(loc) = &f.location {
        let _ = write!(out, " file=\"{}\"", escape_attr(&loc.file));
        if loc.span.line > 0 {
            let _ = write!(out, " line=\"{}\"", loc.span.line);
        }
    }
    let _ = writeln!(out, ">");

    let mut body = format!("{} [{}] {}\n", f.rule_id, f.severity, f.title);
    if let Some(at) = &at {
        let _ = writeln!(body, "location: {at}");
    }
    if let Some(r) = &f.resource {
        let _ = writeln!(body, "resource: {r}");
    }
    if let Some(c) = &f.component {
        let _ = writeln!(body, "component: {c}");
    }
    let _ = writeln!(body, "{}", f.message);
    if let Some(fix) = fix {
        let _ = writeln!(body, "fix: {fix}");
    }
    for r in &f.related {
        let _ = writeln!(body, "related: {}", position(r));
    }
    let body = body.trim_end();

    if let Some(s) = &f.suppression {
        let mut why = format!("suppressed by {}", s.kind);
        if let Some(src) = &s.source {
            why.push_str(&format!(" {src}"));
        }
        if let Some(by) = &s.by {
            why.push_str(&format!(" (by {by})"));
        }
        if let Some(until) = &s.until {
            why.push_str(&format!(" until {until}"));
        }
        if let Some(reason) = &s.reason {
            why.push_str(&format!(": {reason}"));
        }
        let _ = writeln!(out, "      <skipped message=\"{}\"/>", escape_attr(&why));
    } else if f.severity >= opts.fail_on {
        let _ = writeln!(
            out,
            "      <failure message=\"{}\" type=\"{}\">{}</failure>",
            escape_attr(&f.message),
            f.severity,
            escape_text(body)
        );
    } else {
        let _ = writeln!(
            out,
            "      <system-out>{}</system-out>",
            escape_text(&format!(
                "{} finding below the --fail-on threshold ({}):\n{body}",
                f.severity, opts.fail_on
            ))
        );
    }
    let _ = writeln!(out, "    </testcase>");
}

fn write_run_suite(out: &mut String, report: &Report, opts: &RenderOptions, empty: bool) {
    let verdict = Verdict::of(report, opts.fail_on);
    let _ = writeln!(
        out,
        "  <testsuite name=\"archgate\" tests=\"{}\" failures=\"0\" errors=\"0\" skipped=\"0\">",
        usize::from(empty)
    );
    let _ = writeln!(out, "    <properties>");
    for (name, value) in [
        ("version", opts.version.as_str()),
        ("command", report.command.as_str()),
        ("root", report.root.as_str()),
        ("fail-on", opts.fail_on.as_str()),
        ("result", verdict.as_str()),
    ] {
        let _ = writeln!(
            out,
            "      <property name=\"{name}\" value=\"{}\"/>",
            escape_attr(value)
        );
    }
    let _ = writeln!(out, "    </properties>");
    if empty {
        let _ = writeln!(
            out,
            "    <testcase name=\"no findings\" classname=\"archgate\"/>"
        );
    }
    let mut text = String::new();
    for n in &report.notes {
        match &n.file {
            Some(file) => {
                let _ = writeln!(text, "note: {file}: {}", n.message);
            }
            None => {
                let _ = writeln!(text, "note: {}", n.message);
            }
        }
    }
    text.push_str(&verdict.sentence(report, opts.fail_on));
    let _ = writeln!(out, "    <system-out>{}</system-out>", escape_text(&text));
    let _ = writeln!(out, "  </testsuite>");
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    fn xml(report: &Report) -> String {
        render(report, &fixture::opts())
    }

    fn attr<'a>(n: roxmltree::Node<'a, 'a>, name: &str) -> &'a str {
        n.attribute(name).unwrap_or_default()
    }

    #[test]
    fn is_well_formed_with_suites_per_rule_and_counts() {
        let out = xml(&fixture::report());
        let doc = roxmltree::Document::parse(&out).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        assert_eq!(
            (
                attr(root, "tests"),
                attr(root, "failures"),
                attr(root, "errors"),
                attr(root, "skipped")
            ),
            ("5", "2", "1", "1")
        );
        let suites: Vec<&str> = root
            .children()
            .filter(|n| n.has_tag_name("testsuite"))
            .map(|n| attr(n, "name"))
            .collect();
        assert_eq!(
            suites,
            [
                "AG-AWS-S3-002: S3 bucket is publicly readable",
                "AG-K8S-POD-001: Container runs as root",
                "AG-AWS-S3-001: S3 bucket has no access logging",
                "AG-MODEL-OWNER-001: Component has no owner",
                "input errors",
                "archgate",
            ]
        );
    }

    #[test]
    fn failures_skips_errors_and_passes() {
        let out = xml(&fixture::report());
        let doc = roxmltree::Document::parse(&out).unwrap();
        let case = |name: &str| {
            doc.descendants()
                .find(|n| n.has_tag_name("testcase") && attr(*n, "name") == name)
                .unwrap_or_else(|| panic!("no testcase {name} in\n{out}"))
        };
        let public = case("module.store.aws_s3_bucket.data (main.tf:12:1)");
        assert_eq!(attr(public, "classname"), "AG-AWS-S3-002");
        assert_eq!(
            (attr(public, "file"), attr(public, "line")),
            ("main.tf", "12")
        );
        let failure = public
            .children()
            .find(|n| n.has_tag_name("failure"))
            .unwrap();
        assert_eq!(attr(failure, "type"), "critical");
        let body = failure.text().unwrap();
        assert!(body.contains("component: payments-api"));
        assert!(body.contains("related: modules/store/main.tf:3:1"));
        assert!(body.contains("fix: Set `acl = \"private\"`."));

        let logs = case("aws_s3_bucket.logs (main.tf:30:1)");
        let skipped = logs.children().find(|n| n.has_tag_name("skipped")).unwrap();
        assert_eq!(
            attr(skipped, "message"),
            "suppressed by exception EXC-7 (by alice) until 2026-12-31: the log bucket cannot log to itself"
        );

        let owner = case("component:default/ledger");
        assert!(owner.children().all(|n| !n.has_tag_name("failure")));
        assert!(owner
            .children()
            .find(|n| n.has_tag_name("system-out"))
            .and_then(|n| n.text())
            .unwrap()
            .starts_with("low finding below the --fail-on threshold (high)"));

        let broken = case("catalog/broken.yaml:3:7");
        let error = broken.children().find(|n| n.has_tag_name("error")).unwrap();
        assert_eq!(
            attr(error, "message"),
            "catalog/broken.yaml:3:7: mapping values are not allowed here; expected a `key: value` pair"
        );
    }

    #[test]
    fn escapes_markup_and_quotes_round_trip() {
        let out = xml(&fixture::report());
        assert!(out.contains(
            "runAsNonRoot is not true | user &lt;0&gt; &amp; &quot;root&quot; isn&apos;t allowed"
        ));
        let doc = roxmltree::Document::parse(&out).unwrap();
        let failure = doc
            .descendants()
            .find(|n| n.has_tag_name("failure") && attr(*n, "type") == "high")
            .unwrap();
        assert_eq!(
            attr(failure, "message"),
            "runAsNonRoot is not true | user <0> & \"root\" isn't allowed"
        );
        assert_eq!(escape_attr("a\nb\tc"), "a&#10;b&#9;c");
        assert_eq!(escape_text("x\u{1}y</z>"), "x\u{FFFD}y&lt;/z&gt;");

        // Hostile text everywhere still yields a document a strict parser accepts.
        let mut r = fixture::report();
        for f in &mut r.findings {
            f.message = "]]> <!-- \u{0}\u{8} &amp; \"'".into();
            f.resource = Some("<x a=\"1\">".into());
        }
        r.notes[0].message = "</system-out>".into();
        roxmltree::Document::parse(&xml(&r)).expect("still well-formed");
    }

    #[test]
    fn an_empty_run_still_has_one_passing_test() {
        let out = xml(&Report::default());
        let doc = roxmltree::Document::parse(&out).unwrap();
        let root = doc.root_element();
        assert_eq!((attr(root, "tests"), attr(root, "failures")), ("1", "0"));
        assert!(out.contains("<testcase name=\"no findings\" classname=\"archgate\"/>"));
        assert!(out.contains("passed: no finding at or above high"));
    }
}
