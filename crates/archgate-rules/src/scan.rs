//! `archgate scan`: discover the IaC under a root, load each work item once
//! (in parallel, on a rayon pool), run every applicable rule on it, drop it,
//! and gather one deterministic [`Report`]. Memory is bounded by the largest
//! unit being evaluated per thread, not by the tree.
//! With `baseline` set, findings listed in that file are suppressed
//! (see [`crate::baseline`]).

use crate::baseline::Baseline;
use crate::engine::{Engine, Selection, UnitResult};
use archgate_core::report::Stats;
use archgate_core::{Finding, InputError, Note, Report, RuleMeta};
use archgate_iac::discover::{discover, load, DiscoverOptions};
use archgate_iac::SourceKind;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// What to scan and how.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Only these source kinds (`--framework`); `None` = all.
    pub frameworks: Option<Vec<SourceKind>>,
    /// `--check`: only these rules (ids, aliases, wildcards, a severity).
    pub checks: Vec<String>,
    /// `--skip-check` and settings `skipChecks`: findings stay, suppressed (`config`).
    pub skip_checks: Vec<String>,
    /// `--external-checks-dir`: Checkov YAML policies and archgate rule files.
    pub external_checks_dirs: Vec<PathBuf>,
    /// `--baseline FILE`: findings listed there are suppressed (`baseline`).
    pub baseline: Option<PathBuf>,
    /// Globs (relative to the root) to leave out.
    pub exclude: Vec<String>,
    /// Worker threads; `None` = one per core.
    pub threads: Option<usize>,
    /// Print a progress counter on stderr when it is a terminal.
    pub progress: bool,
    /// Only read and parse the files, run no rule (to measure parsing alone, `bench/scan`).
    pub parse_only: bool,
    /// More checks run on each unit in the same pass (Rego policies from
    /// archgate-policy); their findings are merged like the rules' own.
    pub hooks: Vec<std::sync::Arc<dyn UnitHook>>,
}

/// A check run on every parsed unit inside the scan's single pass, on the
/// scan's worker threads; it must be cheap to call concurrently. This is how
/// crates that archgate-rules must not depend on (archgate-policy, which
/// owns the Rego engine) add findings without a second walk over the files.
pub trait UnitHook: Send + Sync + std::fmt::Debug {
    /// Findings and notes for one unit. Findings carry their own
    /// suppressions; the baseline is applied by the scan afterwards.
    fn evaluate(&self, unit: &archgate_iac::ParsedUnit) -> UnitResult;
    /// Descriptions of the rules this hook can report (for SARIF and `report.rules`).
    fn rules(&self) -> Vec<RuleMeta>;
}

/// Scans `root` (a directory or one file).
pub fn scan(root: &Path, opts: &ScanOptions) -> Report {
    let started = Instant::now();
    let mut report = Report {
        command: "scan".into(),
        root: root.display().to_string(),
        ..Report::default()
    };
    let mut extra = Vec::new();
    for dir in &opts.external_checks_dirs {
        let (mut rules, mut errors) = crate::external::load_dir(dir);
        extra.append(&mut rules);
        report.errors.append(&mut errors);
    }
    let selection = Selection {
        checks: opts.checks.clone(),
        skip_checks: opts.skip_checks.clone(),
    };
    let engine = Engine::new(extra, &selection);
    let (items, mut errors) = discover(
        root,
        &DiscoverOptions {
            exclude: opts.exclude.clone(),
            frameworks: opts.frameworks.clone(),
        },
    );
    report.errors.append(&mut errors);

    let done = AtomicUsize::new(0);
    let total = items.len();
    let show_progress = opts.progress && total > 1 && std::io::stderr().is_terminal();
    let run = || -> Vec<UnitOutput> {
        items
            .par_iter()
            // One unit per job: units differ a lot in cost (a module called
            // by a dozen examples against a lone Dockerfile), and rayon's
            // default leaves of a quarter of the list left one thread
            // working alone for the last tenth of a large scan.
            .with_max_len(1)
            .map(|item| {
                let unit = load(root, item);
                let result = if opts.parse_only {
                    UnitResult::default()
                } else {
                    let mut r = engine.evaluate(&unit);
                    for hook in &opts.hooks {
                        let extra = hook.evaluate(&unit);
                        r.findings
                            .extend(select_hook_findings(&selection, extra.findings));
                        r.notes.extend(extra.notes);
                    }
                    r
                };
                if show_progress {
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if n == total || n % 50 == 0 {
                        eprint!("\rscanned {n}/{total}");
                        if n == total {
                            eprintln!();
                        }
                    }
                }
                UnitOutput {
                    files: unit.files.len(),
                    resources: unit.resources.len(),
                    findings: result.findings,
                    errors: unit.errors,
                    notes: unit.notes.into_iter().chain(result.notes).collect(),
                }
            })
            .collect()
    };
    // The merging, sorting and de-duplication after the parallel pass run
    // on a pool thread too: that thread's allocator already holds the
    // memory the units freed, where the calling thread would have the
    // kernel hand out (and zero) fresh pages for tens of thousands of
    // findings.
    let assemble = |mut report: Report| -> Report {
        let outputs = run();
        gather(&mut report, outputs, &engine, opts);
        report.stats.duration_ms = started.elapsed().as_millis() as u64;
        report
    };
    match opts.threads {
        Some(n) => match rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
        {
            Ok(pool) => pool.install(|| assemble(report)),
            Err(e) => {
                report.notes.push(Note {
                    file: None,
                    message: format!("could not start {n} threads ({e}); using the default pool"),
                });
                rayon::scope(|_| assemble(report))
            }
        },
        None => rayon::scope(|_| assemble(report)),
    }
}

/// Adds the units' outputs to `report`, applies the baseline, sorts,
/// de-duplicates and describes the rules that fired.
fn gather(report: &mut Report, outputs: Vec<UnitOutput>, engine: &Engine, opts: &ScanOptions) {
    let mut stats = Stats::default();
    report
        .findings
        .reserve(outputs.iter().map(|o| o.findings.len()).sum());
    for o in outputs {
        stats.files += o.files;
        stats.resources += o.resources;
        report.findings.extend(o.findings);
        report.errors.extend(o.errors);
        report.notes.extend(o.notes);
    }
    if let Some(path) = &opts.baseline {
        match Baseline::read(path) {
            Ok(b) => b.apply(&mut report.findings, &path.display().to_string()),
            Err(e) => report.errors.push(e),
        }
    }
    report.sort();
    report.findings = dedupe(std::mem::take(&mut report.findings));
    let mut fired: BTreeMap<&str, &RuleMeta> = BTreeMap::new();
    let fired_ids: HashSet<&str> = report.findings.iter().map(|f| f.rule_id.as_str()).collect();
    for r in engine.rules() {
        if fired_ids.contains(r.meta.id.as_str()) {
            fired.entry(r.meta.id.as_str()).or_insert(&r.meta);
        }
    }
    let hook_rules: Vec<RuleMeta> = opts.hooks.iter().flat_map(|h| h.rules()).collect();
    for m in &hook_rules {
        if fired_ids.contains(m.id.as_str()) {
            fired.entry(m.id.as_str()).or_insert(m);
        }
    }
    report.rules = fired.into_values().cloned().collect();
    stats.rules = engine.rule_count();
    report.stats = stats;
}

/// `--check`/`--skip-check` for policy findings of hooks (Rego, Kyverno and
/// Gatekeeper policies), by rule id, alias or severity as for built-in
/// rules: a finding of a rule `--check` does not select is dropped; one
/// `--skip-check` names is kept, suppressed by configuration. Other hook
/// findings (standards) pass through unchanged.
fn select_hook_findings(sel: &Selection, findings: Vec<Finding>) -> Vec<Finding> {
    if sel.checks.is_empty() && sel.skip_checks.is_empty() {
        return findings;
    }
    findings
        .into_iter()
        .filter_map(|mut f| {
            if f.kind != archgate_core::FindingKind::Policy {
                return Some(f);
            }
            let meta = RuleMeta {
                id: f.rule_id.clone(),
                title: f.title.clone(),
                severity: f.severity,
                provider: String::new(),
                kind: f.kind,
                resource_kinds: Vec::new(),
                aliases: f.aliases.clone(),
                controls: Vec::new(),
                doc: Default::default(),
            };
            if !sel.runs(&meta) {
                return None;
            }
            if f.suppression.is_none() {
                if let Some(by) = sel.skipped_by(&meta) {
                    f.suppression = Some(archgate_core::Suppression {
                        kind: "config".into(),
                        by: None,
                        reason: Some(format!("skipped by `{by}`")),
                        until: None,
                        source: Some(by.to_string()),
                    });
                }
            }
            Some(f)
        })
        .collect()
}

struct UnitOutput {
    files: usize,
    resources: usize,
    findings: Vec<Finding>,
    errors: Vec<InputError>,
    notes: Vec<Note>,
}

/// One finding per fingerprint. A module's resources are evaluated once per
/// unit that calls it (each example of a module repository loads the root
/// module); the same resource in the same file fails the same rule only
/// once, with every call site kept as a related location. Findings arrive
/// sorted, so the first of each fingerprint wins deterministically.
fn dedupe(findings: Vec<Finding>) -> Vec<Finding> {
    let mut findings = findings;
    // Later copies of a fingerprint, with the position of its first copy.
    // Usually there are none, and then nothing is moved or allocated beyond
    // this index (a scan can have tens of thousands of findings).
    let repeats: Vec<(usize, usize)> = {
        let mut first: archgate_core::hash::FxMap<&str, usize> =
            archgate_core::hash::FxMap::default();
        first.reserve(findings.len());
        findings
            .iter()
            .enumerate()
            .filter_map(|(i, f)| match first.entry(f.fingerprint.as_str()) {
                std::collections::hash_map::Entry::Occupied(e) => Some((i, *e.get())),
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(i);
                    None
                }
            })
            .collect()
    };
    if repeats.is_empty() {
        return findings;
    }
    let mut drop = vec![false; findings.len()];
    for &(i, kept) in &repeats {
        for r in std::mem::take(&mut findings[i].related) {
            if !findings[kept].related.contains(&r) {
                findings[kept].related.push(r);
            }
        }
        drop[i] = true;
    }
    let mut i = 0;
    findings.retain(|_| {
        let keep = !drop[i];
        i += 1;
        keep
    });
    findings
}

#[cfg(test)]
mod dedupe_tests {
    use super::*;
    use archgate_core::{FindingKind, Location, Severity, Span};

    fn finding(fp: &str, call: &str) -> Finding {
        Finding {
            rule_id: "AG-X-001".into(),
            title: "t".into(),
            severity: Severity::High,
            kind: FindingKind::Iac,
            location: Some(Location {
                file: "modules/x/main.tf".into(),
                span: Span::default(),
            }),
            resource: Some("module.x.aws_s3_bucket.b".into()),
            component: None,
            message: "m".into(),
            remediation: None,
            controls: vec![],
            aliases: vec![],
            fingerprint: fp.into(),
            suppression: None,
            snippet: None,
            related: vec![Location {
                file: call.into(),
                span: Span::default(),
            }],
        }
    }

    #[test]
    fn same_fingerprint_is_reported_once_with_every_call_site() {
        let out = dedupe(vec![
            finding("a", "ex1/main.tf"),
            finding("a", "ex2/main.tf"),
            finding("b", "ex1/main.tf"),
        ]);
        assert_eq!(out.len(), 2);
        let files: Vec<&str> = out[0].related.iter().map(|l| l.file.as_str()).collect();
        assert_eq!(files, vec!["ex1/main.tf", "ex2/main.tf"]);
    }
}
