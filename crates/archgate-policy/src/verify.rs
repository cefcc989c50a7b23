//! `archgate policy verify`: Rego unit tests, as `opa test` and
//! `conftest verify` run them. Every rule named `test_*` in the selected
//! namespaces is evaluated on a fresh clone of the prepared engine (so one
//! test's `with` overrides never leak into the next); it passes when its
//! value is `true` — or, for data-driven tests (`test_x[name] if …`), when it
//! is a non-empty set or an object whose values are all `true`. `todo_test_*`
//! rules are skipped. Results reuse conftest's [`CheckResult`] so every
//! output format works; `--coverage` uses regorus' line coverage.

use crate::conftest::{data_ref, CheckResult, Outcome};
use crate::load::PolicySet;
use regorus::Value as RValue;
use serde::Serialize;
use std::collections::BTreeMap;

/// What `verify` runs.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Namespace globs; empty means every namespace (as `opa test`).
    pub namespaces: Vec<String>,
    /// `--run REGEX`: only tests whose `data.<pkg>.<name>` matches.
    pub run: Option<String>,
    pub coverage: bool,
}

/// One test's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail(Option<String>),
    Skip,
}

/// One test.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// `data.main.test_deny_root`.
    pub name: String,
    pub file: String,
    pub line: u32,
    pub verdict: Verdict,
    pub duration: std::time::Duration,
}

/// Line coverage of the policy files, as `opa test --coverage` reports it.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Coverage {
    pub files: BTreeMap<String, FileCoverage>,
    pub covered_lines: usize,
    pub not_covered_lines: usize,
    pub coverage: f64,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct FileCoverage {
    pub covered: Vec<u32>,
    pub not_covered: Vec<u32>,
    pub coverage: f64,
}

/// Runs the tests. `Err` only for an invalid `--run` regex.
pub fn verify(
    set: &PolicySet,
    opts: &VerifyOptions,
) -> Result<(Vec<TestCase>, Option<Coverage>), String> {
    let filter = match &opts.run {
        Some(r) => Some(regex::Regex::new(r).map_err(|e| format!("--run: invalid regex: {e}"))?),
        None => None,
    };
    let namespaces = set.select(&opts.namespaces, opts.namespaces.is_empty());
    let mut cases = Vec::new();
    let mut cov_engine = set.engine();
    if opts.coverage {
        cov_engine.set_enable_coverage(true);
    }
    for ns in namespaces {
        for (rule, file, line) in &ns.tests {
            let name = format!("{}.{rule}", data_ref(&ns.name));
            if filter.as_ref().is_some_and(|f| !f.is_match(&name)) {
                continue;
            }
            let started = std::time::Instant::now();
            let verdict = if rule.starts_with("todo_test_") {
                Verdict::Skip
            } else {
                // One engine for coverage (it accumulates), else a fresh clone per test.
                let mut fresh;
                let engine = if opts.coverage {
                    &mut cov_engine
                } else {
                    fresh = set.engine();
                    &mut fresh
                };
                let rule = name.clone();
                match crate::guard::guard(|| engine.eval_rule(rule).map_err(|e| e.to_string())) {
                    Ok(v) => {
                        if passes(&v) {
                            Verdict::Pass
                        } else {
                            Verdict::Fail(None)
                        }
                    }
                    Err(e) => {
                        if opts.coverage {
                            // The coverage engine may be in an unknown state after a panic.
                            cov_engine = set.engine();
                            cov_engine.set_enable_coverage(true);
                        }
                        Verdict::Fail(Some(e.trim().to_string()))
                    }
                }
            };
            cases.push(TestCase {
                name,
                file: file.clone(),
                line: *line,
                verdict,
                duration: started.elapsed(),
            });
        }
    }
    let coverage = if opts.coverage {
        let report = cov_engine
            .get_coverage_report()
            .map_err(|e| format!("coverage: {e}"))?;
        let mut c = Coverage::default();
        for f in report.files {
            let covered: Vec<u32> = f.covered.iter().copied().collect();
            let not_covered: Vec<u32> = f.not_covered.iter().copied().collect();
            c.covered_lines += covered.len();
            c.not_covered_lines += not_covered.len();
            let total = covered.len() + not_covered.len();
            let pct = if total == 0 {
                100.0
            } else {
                100.0 * covered.len() as f64 / total as f64
            };
            c.files.insert(
                f.path.clone(),
                FileCoverage {
                    covered,
                    not_covered,
                    coverage: pct,
                },
            );
        }
        let total = c.covered_lines + c.not_covered_lines;
        c.coverage = if total == 0 {
            100.0
        } else {
            100.0 * c.covered_lines as f64 / total as f64
        };
        Some(c)
    } else {
        None
    };
    Ok((cases, coverage))
}

fn passes(v: &RValue) -> bool {
    match v {
        RValue::Bool(b) => *b,
        RValue::Set(s) => !s.is_empty(),
        RValue::Object(o) => !o.is_empty() && o.values().all(|x| matches!(x, RValue::Bool(true))),
        _ => false,
    }
}

/// Test cases as conftest's results (one per test file and namespace), for the output formats.
pub fn as_results(cases: &[TestCase]) -> Vec<CheckResult> {
    let mut by: BTreeMap<(String, String), CheckResult> = BTreeMap::new();
    for c in cases {
        let ns = c
            .name
            .rsplit_once('.')
            .map(|(p, _)| p.trim_start_matches("data.").to_string())
            .unwrap_or_default();
        let r = by
            .entry((c.file.clone(), ns.clone()))
            .or_insert_with(|| CheckResult {
                filename: c.file.clone(),
                namespace: ns,
                ..CheckResult::default()
            });
        let outcome = |msg: String| Outcome {
            msg,
            loc: None,
            metadata: None,
            rule: c.name.clone(),
            doc_line: c.line,
        };
        match &c.verdict {
            Verdict::Pass => r.successes += 1,
            Verdict::Fail(None) => r.failures.push(outcome(c.name.clone())),
            Verdict::Fail(Some(e)) => r.failures.push(outcome(format!("{}: {e}", c.name))),
            Verdict::Skip => r.skipped.push(outcome(c.name.clone())),
        }
    }
    by.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::LoadOptions;

    const POLICY: &str = r#"package main

deny contains msg if {
  input.user == "root"
  msg := "root"
}

allowed_registry(img) if startswith(img, data.config.registry)

deny contains msg if {
  not allowed_registry(input.image)
  msg := "registry"
}
"#;
    const TESTS: &str = r#"package main

test_root_denied if {
  "root" in deny with input as {"user": "root", "image": "r.io/a"} with data.config.registry as "r.io/"
}

test_mock_function if {
  count(deny) == 0 with input as {"user": "u", "image": "x"} with allowed_registry as true
}

test_fails if {
  count(deny) == 0 with input as {"user": "root", "image": "r.io/a"} with data.config.registry as "r.io/"
}

todo_test_later if { false }

test_cases[name] if {
  some name, img in {"ok": "r.io/a"}
  count(deny) == 0 with input as {"user": "u", "image": img} with data.config.registry as "r.io/"
}
"#;

    fn set() -> PolicySet {
        PolicySet::from_sources(
            vec![
                ("policy/main.rego".into(), POLICY.into()),
                ("policy/main_test.rego".into(), TESTS.into()),
            ],
            &LoadOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn verdicts(cases: &[TestCase]) -> Vec<(String, Verdict)> {
        cases
            .iter()
            .map(|c| (c.name.clone(), c.verdict.clone()))
            .collect()
    }

    #[test]
    fn runs_tests_with_mocks_todos_and_data_driven_cases() {
        let (cases, cov) = verify(&set(), &VerifyOptions::default()).unwrap_or_default();
        assert!(cov.is_none());
        let v = verdicts(&cases);
        assert!(
            v.contains(&("data.main.test_root_denied".into(), Verdict::Pass)),
            "{v:?}"
        );
        assert!(
            v.contains(&("data.main.test_mock_function".into(), Verdict::Pass)),
            "{v:?}"
        );
        assert!(
            v.contains(&("data.main.test_fails".into(), Verdict::Fail(None))),
            "{v:?}"
        );
        assert!(
            v.contains(&("data.main.todo_test_later".into(), Verdict::Skip)),
            "{v:?}"
        );
        assert!(
            v.contains(&("data.main.test_cases".into(), Verdict::Pass)),
            "{v:?}"
        );
        let r = as_results(&cases);
        assert_eq!(r.len(), 1);
        assert_eq!(
            (r[0].successes, r[0].failures.len(), r[0].skipped.len()),
            (3, 1, 1)
        );
    }

    #[test]
    fn run_filter_and_coverage() {
        let (cases, cov) = verify(
            &set(),
            &VerifyOptions {
                run: Some("root".into()),
                coverage: true,
                ..VerifyOptions::default()
            },
        )
        .unwrap_or_default();
        assert_eq!(cases.len(), 1);
        let cov = cov.unwrap_or_default();
        let main = &cov.files["policy/main.rego"];
        assert!(main.covered.contains(&4), "{main:?}");
        assert!(cov.coverage > 0.0 && cov.coverage <= 100.0);
        assert!(verify(
            &set(),
            &VerifyOptions {
                run: Some("(".into()),
                ..Default::default()
            }
        )
        .is_err());
    }
}
