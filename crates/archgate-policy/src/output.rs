//! conftest's output formats for `policy test` and `policy verify`
//! (`-o stdout|json|tap|table|junit|github|azuredevops|sarif`) and its exit
//! codes. Text layouts
//! follow conftest's so CI logs and scripts that grep them keep working.

use crate::conftest::CheckResult;

/// An output format name conftest accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Stdout,
    Json,
    Tap,
    Table,
    Junit,
    /// GitHub Actions workflow commands (`::error file=…,line=…::msg`).
    Github,
    /// Azure Pipelines logging commands (`##vso[task.logissue …]`).
    AzureDevops,
    /// SARIF 2.1.0, one rule per namespace and result kind, as conftest.
    Sarif,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "stdout" | "text" => Format::Stdout,
            "json" => Format::Json,
            "tap" => Format::Tap,
            "table" => Format::Table,
            "junit" => Format::Junit,
            "github" => Format::Github,
            "azuredevops" => Format::AzureDevops,
            "sarif" => Format::Sarif,
            _ => {
                return Err(format!(
                    "unknown output format `{s}`; expected stdout, json, tap, table, junit, github, azuredevops or sarif"
                ))
            }
        })
    }
}

/// Totals over all results.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub tests: usize,
    pub passed: usize,
    pub warnings: usize,
    pub failures: usize,
    pub exceptions: usize,
    /// `verify`'s `todo_test_` rules (not counted in `tests`).
    pub skipped: usize,
}

pub fn totals(results: &[CheckResult]) -> Totals {
    let mut t = Totals::default();
    for r in results {
        t.passed += r.successes;
        t.warnings += r.warnings.len();
        t.failures += r.failures.len();
        t.exceptions += r.exceptions.len();
        t.skipped += r.skipped.len();
    }
    t.tests = t.passed + t.warnings + t.failures + t.exceptions;
    t
}

/// conftest's exit code: 0 clean; 1 on failures; with `fail_on_warn`, 1 on
/// warnings and 2 on failures; `no_fail` always 0.
pub fn exit_code(results: &[CheckResult], fail_on_warn: bool, no_fail: bool) -> i32 {
    if no_fail {
        return 0;
    }
    let t = totals(results);
    match (t.failures > 0, t.warnings > 0, fail_on_warn) {
        (true, _, true) => 2,
        (true, _, false) => 1,
        (false, true, true) => 1,
        _ => 0,
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Renders `results` in `format`.
pub fn render(results: &[CheckResult], format: Format) -> String {
    match format {
        Format::Stdout => stdout(results),
        Format::Json => serde_json::to_string_pretty(results).unwrap_or_default() + "\n",
        Format::Tap => tap(results),
        Format::Table => table(results),
        Format::Junit => junit(results),
        Format::Github => github(results),
        Format::AzureDevops => azuredevops(results),
        Format::Sarif => sarif(results),
    }
}

fn summary_line(t: &Totals) -> String {
    format!(
        "{}, {} passed, {}, {}, {}",
        plural(t.tests + t.skipped, "test"),
        t.passed,
        plural(t.warnings, "warning"),
        plural(t.failures, "failure"),
        plural(t.exceptions, "exception")
    )
}

/// A workflow-command property value: `%`, CR, LF, `:` and `,` escaped (they end the property).
fn gh_property(v: &str) -> String {
    v.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
        .replace(':', "%3A")
        .replace(',', "%2C")
}

/// A path relative to the working directory when it is under it (policies may name absolute paths).
fn relative(p: &str) -> String {
    let path = std::path::Path::new(p);
    if path.is_absolute() {
        if let Ok(cwd) = std::env::current_dir() {
            if let Ok(r) = path.strip_prefix(&cwd) {
                return r.display().to_string();
            }
        }
    }
    p.to_string()
}

fn gh(s: &mut String, level: &str, file: &str, line: u64, msg: &str) {
    s.push_str(&format!(
        "::{level} file={},line={line}::{msg}\n",
        gh_property(file)
    ));
}

fn github(results: &[CheckResult]) -> String {
    let mut s = String::new();
    for r in results {
        let n = r.successes
            + r.failures.len()
            + r.warnings.len()
            + r.exceptions.len()
            + r.skipped.len();
        s.push_str(&format!(
            "::group::Testing {:?} against {n} policies in namespace {:?}\n",
            r.filename, r.namespace
        ));
        let each = |s: &mut String, level: &str, o: &crate::conftest::Outcome, prefix: &str| {
            let msg = format!("{prefix}{}", o.msg);
            match &o.loc {
                None => gh(s, level, &r.filename, 1, &msg),
                // In the same file the policy's location wins.
                Some(loc) if loc.file == r.filename => gh(s, level, &r.filename, loc.line, &msg),
                // Elsewhere: both places, the input's saying where it came from.
                Some(loc) => {
                    let origin = relative(&loc.file);
                    gh(s, level, &origin, loc.line, &msg);
                    gh(
                        s,
                        level,
                        &r.filename,
                        1,
                        &format!("(ORIGINATING FROM {origin} L{}) {msg}", loc.line),
                    );
                }
            }
        };
        for f in &r.failures {
            each(&mut s, "error", f, "");
        }
        for w in &r.warnings {
            each(&mut s, "warning", w, "");
        }
        for e in &r.exceptions {
            each(&mut s, "notice", e, "");
        }
        for k in &r.skipped {
            each(&mut s, "notice", k, "Test was skipped: ");
        }
        gh(
            &mut s,
            "notice",
            &r.filename,
            1,
            &format!("Number of successful checks: {}", r.successes),
        );
        s.push_str("::endgroup::\n");
    }
    s.push_str(&summary_line(&totals(results)));
    s.push('\n');
    s
}

fn azuredevops(results: &[CheckResult]) -> String {
    let mut s = String::new();
    for r in results {
        let n = r.successes
            + r.failures.len()
            + r.warnings.len()
            + r.exceptions.len()
            + r.skipped.len();
        s.push_str(&format!(
            "##[section]Testing '{}' against {n} policies in namespace '{}'\n##[group]See conftest results\n",
            r.filename, r.namespace
        ));
        for f in &r.failures {
            s.push_str(&format!(
                "##vso[task.logissue type=error] file={} --> {}\n",
                r.filename, f.msg
            ));
        }
        // Exceptions are logged as warnings, as conftest does.
        for w in r.warnings.iter().chain(r.exceptions.iter()) {
            s.push_str(&format!(
                "##vso[task.logissue type=warning] file={} --> {}\n",
                r.filename, w.msg
            ));
        }
        for k in &r.skipped {
            s.push_str(&format!("skipped file={} {}\n", r.filename, k.msg));
        }
        if r.successes > 0 {
            s.push_str(&format!("success file={} {}\n", r.filename, r.successes));
        }
        s.push_str("##[endgroup]\n");
    }
    s.push_str(&summary_line(&totals(results)));
    s.push('\n');
    s
}

/// conftest's SARIF: rule ids `<namespace>/deny|warn|allow|success|skip`,
/// levels error/warning/note/none, a success (or skip) result for a file
/// and namespace without failures or warnings, and an invocation carrying
/// the exit code.
fn sarif(results: &[CheckResult]) -> String {
    use serde_json::{json, Map, Value};
    let describe = |kind: &str| match kind {
        "success" => "Policy was satisfied successfully",
        "skip" => "Policy check was skipped",
        "allow" => "Policy exception",
        "warn" => "Policy warning",
        _ => "Policy violation",
    };
    let mut rules: Vec<Value> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = Default::default();
    let mut out: Vec<Value> = Vec::new();
    let mut add = |ns: &str,
                   kind: &str,
                   level: &str,
                   msg: &str,
                   file: &str,
                   loc: Option<&crate::conftest::Loc>,
                   metadata: Option<&Map<String, Value>>| {
        let id = format!("{ns}/{kind}");
        let idx = *index.entry(id.clone()).or_insert_with(|| {
            let mut rule = json!({
                "id": id,
                "shortDescription": {"text": describe(kind)},
                "fullDescription": {"text": describe(kind)},
            });
            if let (Some(m), Some(o)) = (metadata, rule.as_object_mut()) {
                o.insert("properties".into(), Value::Object(m.clone()));
            }
            rules.push(rule);
            rules.len() - 1
        });
        let physical = match loc {
            Some(l) => json!({
                "artifactLocation": {"uri": l.file.replace('\\', "/")},
                "region": {"startLine": l.line, "endLine": l.line},
            }),
            None => json!({"artifactLocation": {"uri": file.replace('\\', "/")}}),
        };
        out.push(json!({
            "ruleId": id,
            "ruleIndex": idx,
            "level": level,
            "message": {"text": msg},
            "locations": [{"physicalLocation": physical}],
        }));
    };
    for r in results {
        for f in &r.failures {
            add(
                &r.namespace,
                "deny",
                "error",
                &f.msg,
                &r.filename,
                f.loc.as_ref(),
                f.metadata.as_ref(),
            );
        }
        for w in &r.warnings {
            add(
                &r.namespace,
                "warn",
                "warning",
                &w.msg,
                &r.filename,
                w.loc.as_ref(),
                w.metadata.as_ref(),
            );
        }
        for e in &r.exceptions {
            add(
                &r.namespace,
                "allow",
                "note",
                &e.msg,
                &r.filename,
                e.loc.as_ref(),
                e.metadata.as_ref(),
            );
        }
        if !r.failures.is_empty() || !r.warnings.is_empty() {
            continue;
        }
        let kind = if r.successes > 0 || !r.exceptions.is_empty() {
            "success"
        } else {
            "skip"
        };
        let mut m = Map::new();
        m.insert("description".into(), describe(kind).into());
        add(
            &r.namespace,
            kind,
            "none",
            describe(kind),
            &r.filename,
            None,
            Some(&m),
        );
    }
    let t = totals(results);
    let doc = json!({
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "archgate",
                "version": env!("CARGO_PKG_VERSION"),
                                "rules": rules,
            }},
            "results": out,
            "invocations": [{
                "executionSuccessful": true,
                "exitCode": exit_code(results, false, false),
                "exitCodeDescription": if t.failures > 0 {
                    "Policy violations found"
                } else if t.warnings > 0 {
                    "Policy warnings found"
                } else {
                    "No policy violations found"
                },
            }],
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn stdout(results: &[CheckResult]) -> String {
    let mut s = String::new();
    for r in results {
        for (tag, items) in [
            ("WARN", &r.warnings),
            ("FAIL", &r.failures),
            ("EXCP", &r.exceptions),
        ] {
            for i in items {
                s.push_str(&format!(
                    "{tag} - {} - {} - {}\n",
                    r.filename, r.namespace, i.msg
                ));
            }
        }
    }
    let t = totals(results);
    if !s.is_empty() {
        s.push('\n');
    }
    s.push_str(&format!(
        "{}, {} passed, {}, {}, {}\n",
        plural(t.tests, "test"),
        t.passed,
        plural(t.warnings, "warning"),
        plural(t.failures, "failure"),
        plural(t.exceptions, "exception")
    ));
    if t.skipped > 0 {
        // Only `verify` skips (todo tests); keep `test`'s line exactly conftest's.
        s.insert_str(s.len() - 1, &format!(", {} skipped", t.skipped));
    }
    s
}

fn tap(results: &[CheckResult]) -> String {
    let mut s = String::new();
    for r in results {
        let n = r.failures.len() + r.warnings.len() + r.exceptions.len() + r.successes;
        if n == 0 {
            continue;
        }
        s.push_str(&format!("1..{n}\n"));
        let mut i = 0;
        for f in &r.failures {
            i += 1;
            s.push_str(&format!(
                "not ok {i} - {} - {} - {}\n",
                r.filename, r.namespace, f.msg
            ));
        }
        if !r.warnings.is_empty() {
            s.push_str("# warnings\n");
            for w in &r.warnings {
                i += 1;
                s.push_str(&format!(
                    "not ok {i} - {} - {} - {}\n",
                    r.filename, r.namespace, w.msg
                ));
            }
        }
        if !r.exceptions.is_empty() {
            s.push_str("# exceptions\n");
            for e in &r.exceptions {
                i += 1;
                s.push_str(&format!(
                    "ok {i} - {} - {} - {}\n",
                    r.filename, r.namespace, e.msg
                ));
            }
        }
        if r.successes > 0 {
            s.push_str("# successes\n");
            for _ in 0..r.successes {
                i += 1;
                s.push_str(&format!("ok {i} - {} - {} - \n", r.filename, r.namespace));
            }
        }
    }
    s
}

fn table(results: &[CheckResult]) -> String {
    let mut rows: Vec<[String; 4]> = Vec::new();
    for r in results {
        for (tag, items) in [
            ("failure", &r.failures),
            ("warning", &r.warnings),
            ("exception", &r.exceptions),
        ] {
            for i in items {
                rows.push([
                    tag.to_string(),
                    r.filename.clone(),
                    r.namespace.clone(),
                    i.msg.clone(),
                ]);
            }
        }
        for _ in 0..r.successes {
            rows.push([
                "success".into(),
                r.filename.clone(),
                r.namespace.clone(),
                String::new(),
            ]);
        }
    }
    let head = ["RESULT", "FILE", "NAMESPACE", "MESSAGE"];
    let mut w = head.map(|h| h.len());
    for r in &rows {
        for (c, cell) in r.iter().enumerate() {
            if let Some(x) = w.get_mut(c) {
                *x = (*x).max(cell.chars().count());
            }
        }
    }
    let line = |cells: &[String; 4]| -> String {
        let mut s = String::from("|");
        for (c, cell) in cells.iter().enumerate() {
            let width = w.get(c).copied().unwrap_or(0);
            s.push_str(&format!(" {cell:<width$} |"));
        }
        s.push('\n');
        s
    };
    let rule = {
        let mut s = String::from("+");
        for x in w {
            s.push_str(&"-".repeat(x + 2));
            s.push('+');
        }
        s.push('\n');
        s
    };
    let mut s = rule.clone();
    s.push_str(&line(&head.map(str::to_string)));
    s.push_str(&rule);
    for r in &rows {
        s.push_str(&line(r));
    }
    s.push_str(&rule);
    s
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn junit(results: &[CheckResult]) -> String {
    let t = totals(results);
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(&format!(
        "<testsuites>\n  <testsuite name=\"conftest\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n",
        t.tests,
        t.failures + t.warnings
    ));
    for r in results {
        let name = |msg: &str| xml(&format!("{} - {} - {msg}", r.filename, r.namespace));
        for f in &r.failures {
            s.push_str(&format!(
                "    <testcase classname=\"conftest\" name=\"{}\">\n      <failure message=\"{}\"></failure>\n    </testcase>\n",
                name(&f.msg),
                xml(&f.msg)
            ));
        }
        for w in &r.warnings {
            s.push_str(&format!(
                "    <testcase classname=\"conftest\" name=\"{}\">\n      <failure message=\"{}\" type=\"warning\"></failure>\n    </testcase>\n",
                name(&w.msg),
                xml(&w.msg)
            ));
        }
        for e in &r.exceptions {
            s.push_str(&format!(
                "    <testcase classname=\"conftest\" name=\"{}\">\n      <skipped message=\"{}\"></skipped>\n    </testcase>\n",
                name(&e.msg),
                xml(&e.msg)
            ));
        }
        for _ in 0..r.successes {
            s.push_str(&format!(
                "    <testcase classname=\"conftest\" name=\"{}\"></testcase>\n",
                name("")
            ));
        }
    }
    s.push_str("  </testsuite>\n</testsuites>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conftest::Outcome;

    fn result() -> Vec<CheckResult> {
        let o = |m: &str| Outcome {
            msg: m.into(),
            loc: None,
            metadata: None,
            rule: "deny".into(),
            doc_line: 1,
        };
        vec![CheckResult {
            filename: "a.yaml".into(),
            namespace: "main".into(),
            successes: 2,
            warnings: vec![o("w <1>")],
            failures: vec![o("f")],
            exceptions: vec![],
            skipped: vec![],
            errors: vec![],
        }]
    }

    #[test]
    fn stdout_matches_conftest_layout() {
        assert_eq!(
            render(&result(), Format::Stdout),
            "WARN - a.yaml - main - w <1>\nFAIL - a.yaml - main - f\n\n4 tests, 2 passed, 1 warning, 1 failure, 0 exceptions\n"
        );
    }

    #[test]
    fn exit_codes_follow_conftest() {
        let r = result();
        assert_eq!(exit_code(&r, false, false), 1);
        assert_eq!(exit_code(&r, true, false), 2);
        assert_eq!(exit_code(&r, true, true), 0);
        let mut only_warn = result();
        only_warn[0].failures.clear();
        assert_eq!(exit_code(&only_warn, false, false), 0);
        assert_eq!(exit_code(&only_warn, true, false), 1);
    }

    #[test]
    fn json_tap_table_junit() {
        let r = result();
        let j: serde_json::Value =
            serde_json::from_str(&render(&r, Format::Json)).unwrap_or_default();
        assert_eq!(j[0]["failures"][0]["msg"], "f");
        assert_eq!(j[0]["successes"], 2);
        let tap = render(&r, Format::Tap);
        assert!(tap.starts_with("1..4\nnot ok 1 - a.yaml - main - f\n# warnings\n"));
        let table = render(&r, Format::Table);
        assert!(
            table.contains("| failure | a.yaml | main      | f       |"),
            "{table}"
        );
        let junit = render(&r, Format::Junit);
        assert!(junit.contains("w &lt;1&gt;"));
        assert_eq!(junit.matches("<testcase").count(), 4);
    }

    fn located() -> Vec<CheckResult> {
        let mut r = result();
        r[0].failures[0].loc = Some(crate::conftest::Loc {
            file: "a.yaml".into(),
            line: 7,
        });
        r[0].warnings[0].loc = Some(crate::conftest::Loc {
            file: "lib/b,c.yaml".into(),
            line: 3,
        });
        r
    }

    #[test]
    fn github_annotations_like_conftest() {
        assert_eq!(
            render(&located(), Format::Github),
            "::group::Testing \"a.yaml\" against 4 policies in namespace \"main\"\n\
             ::error file=a.yaml,line=7::f\n\
             ::warning file=lib/b%2Cc.yaml,line=3::w <1>\n\
             ::warning file=a.yaml,line=1::(ORIGINATING FROM lib/b,c.yaml L3) w <1>\n\
             ::notice file=a.yaml,line=1::Number of successful checks: 2\n\
             ::endgroup::\n\
             4 tests, 2 passed, 1 warning, 1 failure, 0 exceptions\n"
        );
    }

    #[test]
    fn azuredevops_logging_commands_like_conftest() {
        assert_eq!(
            render(&result(), Format::AzureDevops),
            "##[section]Testing 'a.yaml' against 4 policies in namespace 'main'\n\
             ##[group]See conftest results\n\
             ##vso[task.logissue type=error] file=a.yaml --> f\n\
             ##vso[task.logissue type=warning] file=a.yaml --> w <1>\n\
             success file=a.yaml 2\n\
             ##[endgroup]\n\
             4 tests, 2 passed, 1 warning, 1 failure, 0 exceptions\n"
        );
    }

    #[test]
    fn sarif_rules_per_namespace_and_kind() {
        let mut r = located();
        r.push(CheckResult {
            filename: "ok.yaml".into(),
            namespace: "main".into(),
            successes: 3,
            ..CheckResult::default()
        });
        let v: serde_json::Value =
            serde_json::from_str(&render(&r, Format::Sarif)).unwrap_or_default();
        let run = &v["runs"][0];
        assert_eq!(v["version"], "2.1.0");
        let ids: Vec<&str> = run["tool"]["driver"]["rules"]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x["id"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(ids, vec!["main/deny", "main/warn", "main/success"]);
        let res = run["results"].as_array().cloned().unwrap_or_default();
        assert_eq!(res.len(), 3);
        assert_eq!(res[0]["level"], "error");
        assert_eq!(
            res[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
            7
        );
        assert_eq!(res[1]["level"], "warning");
        assert_eq!(res[2]["level"], "none");
        assert_eq!(res[2]["ruleIndex"], 2);
        assert_eq!(
            res[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "ok.yaml"
        );
        assert_eq!(run["invocations"][0]["exitCode"], 1);
        assert_eq!(
            run["invocations"][0]["exitCodeDescription"],
            "Policy violations found"
        );
    }
}
