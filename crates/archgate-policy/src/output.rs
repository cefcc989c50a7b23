//! conftest's output formats for `policy test` and `policy verify`
//! (`-o stdout|json|tap|table|junit`) and its exit codes. Text layouts
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
            _ => {
                return Err(format!(
                    "unknown output format `{s}`; expected stdout, json, tap, table or junit"
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
    }
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
}
