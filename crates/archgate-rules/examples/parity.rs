//! The parity report (`bench/parity`): scans every corpus that has recorded
//! Checkov results, in process, compares (see `archgate_rules::parity`),
//! prints the side-by-side table, the most-missed check ids and the false
//! positives by rule, and with `--markdown FILE` writes `docs/parity.md`.
//!
//! Usage: `parity [--corpus DIR] [--markdown FILE] [--reasons FILE] [--only NAME]... [--top N] [--list]`
//! (`--list` prints every disagreement, one per line).
//! The corpus defaults to `$ARCHGATE_CORPUS`, else `../shared/corpus` beside
//! the repository; reasons default to `docs/parity-reasons.yaml`.

use archgate_rules::parity::{self, ParityResult, Reasons, Verdict};
use archgate_rules::{registry, scan, ScanOptions};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut corpus = std::env::var_os("ARCHGATE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("../shared/corpus"));
    let mut markdown: Option<PathBuf> = None;
    let mut reasons_path = repo.join("docs/parity-reasons.yaml");
    let mut only: Vec<String> = Vec::new();
    let mut top = 30usize;
    let mut list_all = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |flag: &str| args.next().ok_or_else(|| format!("{flag} needs a value"));
        let parsed: Result<(), String> = match a.as_str() {
            "--corpus" => value("--corpus").map(|v| corpus = v.into()),
            "--markdown" => value("--markdown").map(|v| markdown = Some(v.into())),
            "--reasons" => value("--reasons").map(|v| reasons_path = v.into()),
            "--only" => value("--only").map(|v| only.push(v)),
            "--list" => {
                list_all = true;
                Ok(())
            }
            "--top" => value("--top").and_then(|v| {
                v.parse()
                    .map(|n| top = n)
                    .map_err(|_| format!("--top takes a number, not `{v}`"))
            }),
            "-h" | "--help" => {
                println!("usage: parity [--corpus DIR] [--markdown FILE] [--reasons FILE] [--only NAME]... [--top N] [--list]");
                return ExitCode::SUCCESS;
            }
            other => Err(format!("unknown argument `{other}`")),
        };
        if let Err(e) = parsed {
            eprintln!("parity: {e}");
            return ExitCode::from(2);
        }
    }
    let reasons = match Reasons::load(&reasons_path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("parity: {}", e.render());
            return ExitCode::from(2);
        }
    };
    let reference_dir = corpus.join("reference/checkov");
    let mut names: Vec<String> = match std::fs::read_dir(&reference_dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                let stem = name.strip_suffix(".json")?;
                (!stem.ends_with(".summary") && corpus.join(stem).is_dir())
                    .then(|| stem.to_string())
            })
            .collect(),
        Err(e) => {
            eprintln!(
                "parity: no Checkov results at {} ({e}); set ARCHGATE_CORPUS or --corpus",
                reference_dir.display()
            );
            return ExitCode::from(2);
        }
    };
    names.retain(|n| only.is_empty() || only.contains(n));
    names.sort();

    let mut result = ParityResult::default();
    for name in &names {
        let reference = match parity::load_reference(&reference_dir.join(format!("{name}.json"))) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("parity: {}", e.render());
                return ExitCode::from(2);
            }
        };
        let report = scan(&corpus.join(name), &ScanOptions::default());
        eprintln!(
            "scanned {name}: {} files, {} findings, {} input errors, {} ms",
            report.stats.files,
            report.findings.len(),
            report.errors.len(),
            report.stats.duration_ms
        );
        result
            .corpora
            .push(parity::compute(name, &reference, &report));
    }

    println!("Parity with Checkov (recall goal 90%, precision goal 95%)\n");
    print!("{}", result.table());
    println!("\nrecall by framework:");
    for (fw, (n, m)) in result.by_framework() {
        println!(
            "  {fw:<15} {m:>5} / {n:<5} {}",
            parity::pct(if n == 0 { 1.0 } else { m as f64 / n as f64 })
        );
    }
    let missed = result.missed_by_check();
    println!(
        "\nmost-missed Checkov checks (top {top} of {}):",
        missed.len()
    );
    for g in missed.iter().take(top) {
        println!(
            "  {:>4}  {:<14} {:<14} {}  (e.g. {})",
            g.count, g.check_id, g.framework, g.check_name, g.example
        );
    }
    let fps = result.extras_by_rule(Verdict::FalsePositive);
    println!("\nfalse positives by rule ({}):", fps.len());
    for g in &fps {
        println!(
            "  {:>4}  {:<22} {}  e.g. {}",
            g.count,
            g.rule_id,
            g.aliases.join(","),
            g.examples.join(" ; ")
        );
    }
    // --list: every disagreement, one per line, for working through them.
    if list_all {
        println!("\nevery disagreement:");
        for c in &result.corpora {
            for m in &c.missed {
                println!(
                    "  missed   {} {} {}:{} {}",
                    c.corpus, m.check_id, m.file, m.line, m.resource
                );
            }
            for e in &c.extras {
                let what = match e.verdict {
                    Verdict::FalsePositive => "falsepos",
                    Verdict::NotComparable => "notcomp ",
                    Verdict::Matched => "matched ",
                };
                println!(
                    "  {what} {} {} [{}] {}:{} {}",
                    c.corpus,
                    e.rule_id,
                    e.aliases.join(","),
                    e.file,
                    e.line,
                    e.resource
                );
            }
        }
    }
    if let Some(path) = markdown {
        let rules_for = |id: &str| -> Vec<String> {
            registry()
                .all()
                .filter(|r| r.meta.aliases.iter().any(|a| a.eq_ignore_ascii_case(id)))
                .map(|r| r.meta.id.clone())
                .collect()
        };
        let md = parity::render_markdown(&result, &reasons, &rules_for);
        if let Err(e) = std::fs::write(&path, md) {
            eprintln!("parity: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
        eprintln!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
}
