//! Benchmark: generates a realistic catalog of N entities (default 10,000)
//! in a temporary directory, then prints how long loading and validating it
//! takes. Run through `bench/model-load.sh` (release build).

use rayon::prelude::*;
use std::fmt::Write as _;
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("cannot create a temporary directory: {e}");
            std::process::exit(2);
        }
    };
    let root = dir.path();
    let (files, entities, bytes) = generate(root, n);
    println!(
        "generated {entities} entities in {files} files ({} KiB) under {}",
        bytes / 1024,
        root.display()
    );

    // Baseline: only reading and YAML-parsing the same files, same parallelism.
    let mut paths = Vec::new();
    collect(&root.join("catalog"), &mut paths);
    let mut baseline = f64::MAX;
    for _ in 0..5 {
        let t0 = Instant::now();
        let docs: usize = paths
            .par_iter()
            .map(|p| {
                std::fs::read_to_string(p)
                    .ok()
                    .and_then(|t| archgate_core::yaml::parse_documents(&t).ok())
                    .map_or(0, |d| d.len())
            })
            .sum();
        baseline = baseline.min(t0.elapsed().as_secs_f64() * 1e3);
        assert_eq!(docs, entities, "every generated document parses");
    }
    println!("baseline (read + parse YAML only): {baseline:.1} ms");

    let mut best = (f64::MAX, f64::MAX);
    for run in 1..=5 {
        let t0 = Instant::now();
        let loaded = archgate_model::load_catalog(root, "catalog");
        let t1 = Instant::now();
        let findings = archgate_model::validate(&loaded.catalog, &|_| None);
        let t2 = Instant::now();
        let (load, check) = ((t1 - t0).as_secs_f64() * 1e3, (t2 - t1).as_secs_f64() * 1e3);
        println!(
            "run {run}: load {load:8.1} ms   validate {check:6.1} ms   total {:8.1} ms   ({} entities, {} input errors, {} findings)",
            load + check,
            loaded.catalog.len(),
            loaded.errors.len(),
            findings.len()
        );
        if run == 1 {
            // A generated catalog is meant to be clean; show what is not.
            for e in loaded.errors.iter().take(3) {
                println!("  input error: {}", e.render());
            }
            let mut by_rule = std::collections::BTreeMap::new();
            for f in &findings {
                *by_rule.entry(f.rule_id.as_str()).or_insert(0) += 1;
            }
            for (rule, count) in by_rule {
                println!("  {rule}: {count}");
            }
        }
        best = (best.0.min(load), best.1.min(check));
    }
    println!(
        "best: load {:.1} ms + validate {:.1} ms = {:.1} ms",
        best.0,
        best.1,
        best.0 + best.1
    );
}

/// Writes the catalog; returns (files, entities, bytes).
fn generate(root: &std::path::Path, n: usize) -> (usize, usize, usize) {
    let per_file = 100;
    // Proportions of a real estate: few groups/systems, many components,
    // resources, data assets and flows.
    let groups = (n / 200).max(1);
    let domains = (n / 500).max(1);
    let systems = (n / 50).max(1);
    let boundaries = (n / 300).max(1);
    let assets = n / 10;
    let rest = n.saturating_sub(groups + domains + systems + boundaries + assets);
    let components = rest * 45 / 100;
    let resources = rest * 20 / 100;
    let flows = rest.saturating_sub(components + resources);
    let mut docs: Vec<String> = Vec::with_capacity(n);
    for g in 0..groups {
        // A tree of teams: team-0 at the root, ten children per team.
        let parent = if g == 0 {
            String::new()
        } else {
            format!("  parent: team-{}\n", (g - 1) / 10)
        };
        docs.push(format!("apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-{g}\nspec:\n  type: team\n{parent}  children: []\n"));
    }
    for d in 0..domains {
        docs.push(format!("apiVersion: backstage.io/v1alpha1\nkind: Domain\nmetadata:\n  name: domain-{d}\nspec:\n  owner: team-{}\n", d % groups));
    }
    for s in 0..systems {
        docs.push(format!("apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: system-{s}\n  description: System {s} of the estate\nspec:\n  owner: group:default/team-{}\n  domain: domain-{}\n  archgate:\n    tier: {}\n", s % groups, s % domains, s % 4 + 1));
    }
    for b in 0..boundaries {
        let members: Vec<String> = (0..components)
            .filter(|c| c % boundaries == b)
            .take(40)
            .map(|c| format!("svc-{c}"))
            .collect();
        docs.push(format!("apiVersion: archgate.dev/v1alpha1\nkind: TrustBoundary\nmetadata:\n  name: zone-{b}\nspec:\n  type: network-cloud-security-group\n  zone: internal\n  contains: [{}]\n", members.join(", ")));
    }
    for a in 0..assets {
        docs.push(format!("apiVersion: archgate.dev/v1alpha1\nkind: DataAsset\nmetadata:\n  name: data-{a}\nspec:\n  owner: team-{}\n  classification: {}\n  categories: [pii]\n  residency: [eu-west-1]\n", a % groups, ["public", "internal", "confidential", "restricted"][a % 4]));
    }
    for c in 0..components {
        let mut d = format!("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc-{c}\n  annotations:\n    github.com/project-slug: acme/svc-{c}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-{}\n  system: system-{}\n", c % groups, c % systems);
        if resources > 0 {
            let _ = writeln!(d, "  dependsOn: [resource:db-{}]", c % resources);
        }
        let _ = write!(d, "  archgate:\n    tier: {}\n    archetype: stateless-service\n    internet: false\n    rto: 1h\n    rpo: 15m\n    slo: {{availability: 99.9, latency: {{p99: 300ms}}}}\n    runbook: https://runbooks.example/svc-{c}\n    onCall: https://pager.example/svc-{c}\n    dataProcessed: [data-{}]\n    boundary: zone-{}\n", c % 4 + 1, c % assets.max(1), c % boundaries);
        docs.push(d);
    }
    for r in 0..resources {
        docs.push(format!("apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: db-{r}\nspec:\n  type: database\n  owner: team-{}\n  system: system-{}\n  archgate:\n    tier: {}\n    boundary: zone-{}\n    dataStored: [data-{}]\n", r % groups, r % systems, r % 4 + 1, r % boundaries, r % assets.max(1)));
    }
    for f in 0..flows {
        docs.push(format!("apiVersion: archgate.dev/v1alpha1\nkind: DataFlow\nmetadata:\n  name: flow-{f}\nspec:\n  source: svc-{}\n  target: svc-{}\n  protocol: https\n  authentication: token\n  data: [data-{}]\n", f % components.max(1), (f * 7 + 1) % components.max(1), f % assets.max(1)));
    }
    let total = docs.len();
    let mut bytes = 0;
    let mut files = 0;
    for (i, chunk) in docs.chunks(per_file).enumerate() {
        let text = chunk.join("---\n");
        bytes += text.len();
        let dir = root.join("catalog").join(format!("part-{}", i % 10));
        let written = std::fs::create_dir_all(&dir)
            .and_then(|_| std::fs::write(dir.join(format!("entities-{i:04}.yaml")), text));
        if let Err(e) = written {
            eprintln!("cannot write the generated catalog: {e}");
            std::process::exit(2);
        }
        files += 1;
    }
    (files, total, bytes)
}

fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}
