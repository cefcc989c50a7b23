//! Parity of the Terraform reader with Checkov on the shared corpus: every
//! module directory loads without input errors, and every Terraform
//! resource Checkov reports exists with the same address, file and lines.
//!
//! Reads `/work/shared/corpus` in place (or `$ARCHGATE_CORPUS`); skips with a
//! message when it is absent.

use archgate_iac::terraform::{load_module, referenced_addresses};
use archgate_iac::{ParsedUnit, Resource};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("ARCHGATE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/shared/corpus"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIPPED: corpus not found at {}", dir.display());
        None
    }
}

/// Every directory under `root` holding a `.tf` or `.tf.json` file, relative, `/`-separated.
fn module_dirs(root: &Path) -> Vec<String> {
    fn walk(root: &Path, rel: &str, out: &mut BTreeSet<String>) {
        let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let child = if rel == "." {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() && !name.starts_with('.') {
                walk(root, &child, out);
            } else if ft.is_file() && (name.ends_with(".tf") || name.ends_with(".tf.json")) {
                out.insert(rel.to_string());
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(root, ".", &mut out);
    out.into_iter().collect()
}

/// Checkov's Terraform results: (file, resource address without instance key) → (line_start, line_end).
fn checkov_resources(corpus: &Path, name: &str) -> HashMap<(String, String), (u32, u32)> {
    let path = corpus
        .join("reference/checkov")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let records: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap_or_default();
    let mut out = HashMap::new();
    for r in records {
        if r["framework"] != "terraform" {
            continue;
        }
        let (Some(file), Some(res)) = (r["file"].as_str(), r["resource"].as_str()) else {
            continue;
        };
        let res = strip_instance_keys(res);
        let lines = (
            r["line_start"].as_u64().unwrap_or(0) as u32,
            r["line_end"].as_u64().unwrap_or(0) as u32,
        );
        out.insert((file.trim_start_matches('/').to_string(), res), lines);
    }
    out
}

/// `module.a["x"].aws_vpc.this[0]` → `module.a.aws_vpc.this`.
fn strip_instance_keys(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0;
    for c in address.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn load_all(root: &Path) -> Vec<(String, ParsedUnit)> {
    module_dirs(root)
        .into_iter()
        .map(|d| {
            let unit = load_module(root, &d);
            (d, unit)
        })
        .collect()
}

fn check_corpus(name: &str, min_dirs: usize) -> Option<Vec<(String, ParsedUnit)>> {
    let corpus = corpus()?;
    let root = corpus.join(name);
    if !root.is_dir() {
        eprintln!("SKIPPED: {} not found", root.display());
        return None;
    }
    let units = load_all(&root);
    assert!(
        units.len() >= min_dirs,
        "only {} module dirs in {name}",
        units.len()
    );
    let errors: Vec<_> = units.iter().flat_map(|(_, u)| &u.errors).collect();
    assert!(errors.is_empty(), "input errors in {name}: {errors:#?}");

    // Every resource Checkov reports is found with its file and lines.
    let mut found: HashMap<(String, String), Vec<&Resource>> = HashMap::new();
    for (_, u) in &units {
        for r in &u.resources {
            found
                .entry((r.file.clone(), r.address.clone()))
                .or_default()
                .push(r);
        }
    }
    let expected = checkov_resources(&corpus, name);
    assert!(!expected.is_empty(), "no Checkov reference for {name}");
    let mut missing = Vec::new();
    for ((file, address), (start, end)) in &expected {
        match found.get(&(file.clone(), address.clone())) {
            Some(rs)
                if rs
                    .iter()
                    .any(|r| r.span.line == *start && r.span.end_line == *end) => {}
            Some(rs) => missing.push(format!(
                "{file} {address}: lines {start}-{end}, archgate {:?}",
                rs.iter()
                    .map(|r| (r.span.line, r.span.end_line))
                    .collect::<Vec<_>>()
            )),
            None => missing.push(format!("{file} {address}: not found")),
        }
    }
    missing.sort();
    eprintln!(
        "{name}: {} module dirs, {} resources, {} Checkov resources compared",
        units.len(),
        found.len(),
        expected.len()
    );
    assert!(
        missing.is_empty(),
        "{} of {} Checkov resources differ:\n{}",
        missing.len(),
        expected.len(),
        missing.join("\n")
    );
    Some(units)
}

#[test]
fn terragoat_matches_checkov() {
    let Some(units) = check_corpus("terragoat", 5) else {
        return;
    };
    let all: Vec<&Resource> = units.iter().flat_map(|(_, u)| &u.resources).collect();
    let data = all
        .iter()
        .find(|r| r.address == "aws_s3_bucket.data")
        .expect("aws_s3_bucket.data");
    assert_eq!(data.file, "terraform/aws/s3.tf");
    assert_eq!(data.span.line, 1);
    // The name depends on a data source through a local: unknown, never guessed.
    let bucket = data.body.get("bucket").expect("bucket");
    assert!(bucket.is_unknown(), "{bucket:?}");
    assert_eq!(
        data.body.get("force_destroy").and_then(|n| n.as_bool()),
        Some(true)
    );
    // `tags = merge({...unknown Name...}, {...})`: the known tags become labels.
    assert!(data
        .labels
        .contains(&("git_repo".to_string(), "terragoat".to_string())));
    assert!(!data.labels.iter().any(|(k, _)| k == "Name"));
    // A variable default reaches the resource attribute.
    let db = all
        .iter()
        .find(|r| r.address == "aws_db_instance.default")
        .expect("aws_db_instance.default");
    assert_eq!(db.body.get("name").and_then(|n| n.as_str()), Some("db1"));
    // Every file read is in its unit.
    for (_, u) in &units {
        for r in &u.resources {
            assert!(u.text_of(&r.file).is_some(), "{} not in unit files", r.file);
        }
    }
}

#[test]
fn terraform_aws_vpc_matches_checkov_with_modules() {
    let Some(units) = check_corpus("terraform-aws-vpc", 10) else {
        return;
    };
    // examples/complete calls the root module as `vpc`: its VPC resource is
    // the root's main.tf with the module prefix, and the call is recorded.
    let (_, unit) = units
        .iter()
        .find(|(d, _)| d == "examples/complete")
        .expect("examples/complete");
    let vpc = unit
        .resources
        .iter()
        .find(|r| r.address == "module.vpc.aws_vpc.this")
        .expect("module.vpc.aws_vpc.this");
    assert_eq!(vpc.file, "main.tf");
    assert!(vpc.multiple);
    let call = vpc.module.as_ref().expect("module call");
    assert_eq!(call.address, "module.vpc");
    assert_eq!(call.file, "examples/complete/main.tf");
    // The example passes `enable_dns_hostnames = true`: the module input
    // reaches the resource attribute.
    let dns = vpc
        .body
        .get("enable_dns_hostnames")
        .expect("enable_dns_hostnames");
    assert_eq!(dns.as_bool(), Some(true), "{dns:?}");
    assert!(unit.text_of("main.tf").is_some());
    // The gateway's `vpc_id = local.vpc_id` resolves to a `try(...)` over
    // resource attributes: unknown, but it still names the VPC it belongs to.
    let igw = unit
        .resources
        .iter()
        .find(|r| r.address == "module.vpc.aws_internet_gateway.this")
        .expect("module.vpc.aws_internet_gateway.this");
    let vpc_id = igw.body.get("vpc_id").expect("vpc_id");
    let archgate_core::Value::Unknown(text) = &vpc_id.value else {
        panic!("vpc_id should be unknown: {vpc_id:?}");
    };
    assert!(
        referenced_addresses(text).contains(&"aws_vpc.this".to_string()),
        "{text}"
    );
    assert_eq!(
        vpc_id.span.line,
        igw.span.line + 5,
        "points at the gateway's own line"
    );
}

#[test]
fn terraform_aws_eks_matches_checkov() {
    check_corpus("terraform-aws-eks", 5);
}

#[test]
fn terraform_aws_rds_matches_checkov() {
    check_corpus("terraform-aws-rds", 5);
}
