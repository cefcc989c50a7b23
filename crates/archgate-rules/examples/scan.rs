//! Scans a directory and prints a summary: `cargo run --example scan -- PATH [THREADS]`.
//! For trying the engine on a tree without the CLI (timings, counts per rule).

use std::collections::BTreeMap;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: scan PATH [THREADS]");
        std::process::exit(2);
    };
    let threads = args.next().and_then(|t| t.parse().ok());
    // PARSE_ONLY=1: discover and parse without rules, to compare the cost.
    if std::env::var_os("PARSE_ONLY").is_some() {
        use rayon::prelude::*;
        let started = std::time::Instant::now();
        let root = std::path::Path::new(&root);
        let (items, _) = archgate_iac::discover::discover(root, &Default::default());
        let resources: usize = items
            .par_iter()
            .map(|i| archgate_iac::discover::load(root, i).resources.len())
            .sum();
        println!(
            "parse only: {} units {resources} resources in {} ms",
            items.len(),
            started.elapsed().as_millis()
        );
        return;
    }
    let report = archgate_rules::scan(
        std::path::Path::new(&root),
        &archgate_rules::ScanOptions {
            threads,
            progress: true,
            ..Default::default()
        },
    );
    let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &report.findings {
        *per_rule.entry(f.rule_id.as_str()).or_default() += 1;
    }
    // SHOW=AG-AWS-S3-001 lists that rule's findings.
    if let Ok(show) = std::env::var("SHOW") {
        for f in report.findings.iter().filter(|f| f.rule_id == show) {
            let (file, line) = f
                .location
                .as_ref()
                .map(|l| (l.file.as_str(), l.span.line))
                .unwrap_or(("", 0));
            println!(
                "{file}:{line}\t{}\t{}",
                f.resource.as_deref().unwrap_or(""),
                f.message
            );
        }
    }
    for (rule, n) in &per_rule {
        println!("{rule}\t{n}");
    }
    for e in report.errors.iter().take(20) {
        println!("error: {}", e.render());
    }
    println!(
        "files {} resources {} rules {} findings {} suppressed {} errors {} notes {} in {} ms",
        report.stats.files,
        report.stats.resources,
        report.stats.rules,
        report.findings.len(),
        report.suppressed_count(),
        report.errors.len(),
        report.notes.len(),
        report.stats.duration_ms
    );
}
