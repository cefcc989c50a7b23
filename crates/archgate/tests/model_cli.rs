//! End-to-end tests of `archgate diagram` and `archgate import threagile`:
//! the real binary on the example workspace and on Threagile's own example
//! model (read in place from the shared corpus).

use archgate_model::{Details, Kind};
use assert_cmd::Command;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/acme-payments")
}

fn threagile_example() -> Option<PathBuf> {
    let root = std::env::var_os("ARCHGATE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"));
    let p = root.join("threagile/threagile-example-model.yaml");
    p.is_file().then_some(p)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = Command::cargo_bin("archgate")
        .expect("binary built")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn diagram(ws: &Path, view: &str, format: &str) -> String {
    let r = run(&[
        "diagram",
        &ws.display().to_string(),
        "--view",
        view,
        "-o",
        format,
    ]);
    assert_eq!(r.code, 0, "{view} {format}: {}", r.stderr);
    r.stdout
}

/// `data-entity` of every node and every cluster of an SVG, which must parse as XML.
fn svg_entities(svg: &str) -> (BTreeSet<String>, BTreeSet<String>, usize) {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let of = |class: &str| -> BTreeSet<String> {
        doc.descendants()
            .filter(|n| n.attribute("class") == Some(class))
            .filter_map(|n| n.attribute("data-entity").map(String::from))
            .collect()
    };
    let edges = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("edge"))
        .count();
    (of("node"), of("cluster"), edges)
}

fn catalog(ws: &Path) -> archgate_model::Catalog {
    let loaded = archgate_model::load_catalog(ws, "catalog");
    assert!(loaded.errors.is_empty(), "{:#?}", loaded.errors);
    loaded.catalog
}

fn refs(c: &archgate_model::Catalog, kinds: &[Kind]) -> BTreeSet<String> {
    c.entities
        .iter()
        .filter(|e| kinds.contains(&e.kind))
        .map(|e| e.reference.to_string())
        .collect()
}

/// Every flow end and intermediary of the catalog.
fn flow_elements(c: &archgate_model::Catalog) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in c.of_kind(Kind::DataFlow) {
        if let Details::DataFlow(f) = &e.details {
            for r in std::iter::once(&f.source)
                .chain(f.via.iter())
                .chain(std::iter::once(&f.target))
            {
                if c.get(&r.target).is_some() {
                    out.insert(r.target.to_string());
                }
            }
        }
    }
    out
}

fn missing(want: &BTreeSet<String>, got: &BTreeSet<String>) -> Vec<String> {
    want.difference(got).cloned().collect()
}

#[test]
fn every_view_of_the_example_is_well_formed_svg_with_every_element() {
    let ws = example();
    let c = catalog(&ws);

    let (nodes, clusters, edges) = svg_entities(&diagram(&ws, "dataflow", "svg"));
    let mut want = flow_elements(&c);
    want.extend(refs(&c, &[Kind::Actor, Kind::Component]));
    assert!(
        missing(&want, &nodes).is_empty(),
        "dataflow lacks {:?}",
        missing(&want, &nodes)
    );
    // Every boundary with something in it is drawn (the example's all are).
    let boundaries = refs(&c, &[Kind::TrustBoundary]);
    assert_eq!(clusters, boundaries);
    assert!(edges >= 20, "{edges} edges");

    let (nodes, clusters, _) = svg_entities(&diagram(&ws, "container", "svg"));
    let want = refs(&c, &[Kind::Component, Kind::Resource]);
    assert!(
        missing(&want, &nodes).is_empty(),
        "container lacks {:?}",
        missing(&want, &nodes)
    );
    assert_eq!(clusters, refs(&c, &[Kind::System]));

    let (nodes, clusters, edges) = svg_entities(&diagram(&ws, "context", "svg"));
    assert_eq!(nodes, refs(&c, &[Kind::System, Kind::Actor]));
    assert_eq!(clusters, refs(&c, &[Kind::Domain]));
    assert!(edges > 5);

    let (nodes, _, edges) = svg_entities(&diagram(&ws, "context-map", "svg"));
    assert_eq!(nodes, refs(&c, &[Kind::Domain]));
    // The example declares no context map: what it shows is observed coupling
    // (the reporting pipeline reads the ledger database of domain payments).
    assert!(edges >= 2, "{edges}");
}

#[test]
fn focused_views_and_text_formats() {
    let ws = example();
    let svg = diagram(&ws, "container", "svg");
    let focused = run(&[
        "diagram",
        &ws.display().to_string(),
        "--view",
        "container",
        "--system",
        "card-vault",
        "-o",
        "svg",
    ]);
    assert_eq!(focused.code, 0, "{}", focused.stderr);
    let (nodes, clusters, _) = svg_entities(&focused.stdout);
    assert!(nodes.contains("component:default/card-vault"));
    assert!(nodes.contains("resource:default/card-vault-db"));
    // Neighbours collapse to their systems.
    assert!(
        nodes.contains("system:default/card-acceptance"),
        "{nodes:?}"
    );
    assert!(!nodes.contains("component:default/payments-api"));
    assert_eq!(clusters.len(), 1);
    assert!(focused.stdout.len() < svg.len());

    let mermaid = diagram(&ws, "dataflow", "mermaid");
    assert!(mermaid.contains("\nflowchart LR\n"));
    assert!(mermaid.contains("subgraph c0[\"Public internet [network-virtual-lan]\"]"));
    // Data stores are cylinders, the unencrypted http flow is dashed.
    assert!(mermaid.contains("[(\"Card vault database (RDS PostgreSQL)"));
    assert!(mermaid.contains("-.->|\"http\"|"), "{mermaid}");
    assert_eq!(
        mermaid.matches("subgraph ").count(),
        mermaid.matches("\n    end\n").count() + mermaid.matches("\n  end\n").count()
    );

    let dot = diagram(&ws, "dataflow", "dot");
    assert!(dot.starts_with("digraph archgate {\n") && dot.ends_with("}\n"));
    assert_eq!(dot.matches('{').count(), dot.matches('}').count());
    assert!(dot.contains("subgraph cluster_c0 {"));
    assert!(dot.contains("shape=cylinder"));
    assert!(dot.contains("[label=\"http\", style=dashed"), "{dot}");
    // Deterministic.
    assert_eq!(dot, diagram(&ws, "dataflow", "dot"));
}

#[test]
fn diagram_usage_and_input_errors_exit_2() {
    let ws = example().display().to_string();
    let r = run(&["diagram", &ws, "--view", "deployment"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown view `deployment`"),
        "{}",
        r.stderr
    );
    let r = run(&["diagram", &ws, "--system", "nowhere"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no System `system:default/nowhere`"),
        "{}",
        r.stderr
    );
    let r = run(&["diagram", &ws, "-o", "png"]);
    assert_eq!(r.code, 2);
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("catalog")).unwrap();
    std::fs::write(dir.path().join("catalog/bad.yaml"), "kind: [\n").unwrap();
    let r = run(&["diagram", &dir.path().display().to_string()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("catalog/bad.yaml:"), "{}", r.stderr);
}

#[test]
fn threagile_example_imports_into_a_workspace_archgate_checks() {
    let Some(model) = threagile_example() else {
        eprintln!("skipped: no shared corpus with the Threagile example (set ARCHGATE_CORPUS)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("imported");
    let ws_s = ws.display().to_string();
    let model_s = model.display().to_string();
    let r = run(&[
        "import",
        "threagile",
        &model_s,
        &ws_s,
        "--today",
        "2026-11-25",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Imported"), "{}", r.stdout);
    assert!(r.stderr.contains("no expiry in Threagile"), "{}", r.stderr);
    for f in [
        "archgate.yaml",
        "catalog/system.yaml",
        "catalog/technical-assets.yaml",
        "catalog/data-flows.yaml",
        "exceptions/threagile-risk-tracking.yaml",
    ] {
        assert!(ws.join(f).is_file(), "{f}");
    }
    // Loads with zero input errors, with every technical asset.
    let c = catalog(&ws);
    assert_eq!(
        refs(&c, &[Kind::Component, Kind::Resource, Kind::Actor]).len(),
        {
            let text = std::fs::read_to_string(&model).unwrap();
            ["process", "datastore", "external-entity"]
                .iter()
                .map(|t| text.matches(&format!("\n    type: {t}")).count())
                .sum::<usize>()
        }
    );
    // `archgate check` runs on it: findings, but no input error.
    let r = run(&["check", &ws_s, "-o", "json"]);
    assert!(r.code == 0 || r.code == 1, "{}\n{}", r.code, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON report");
    assert_eq!(
        v["errors"].as_array().map(Vec::len),
        Some(0),
        "{}",
        v["errors"]
    );
    // And draws.
    let (nodes, clusters, _) = svg_entities(&diagram(&ws, "dataflow", "svg"));
    assert!(nodes.contains("resource:default/sql-database"));
    assert!(clusters.contains("trustboundary:default/application-network"));

    // A second import into the same directory refuses and changes nothing.
    let before = std::fs::read_to_string(ws.join("catalog/system.yaml")).unwrap();
    let r = run(&["import", "threagile", &model_s, &ws_s]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("catalog/system.yaml"), "{}", r.stderr);
    assert!(r.stderr.contains("nothing was written"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(ws.join("catalog/system.yaml")).unwrap(),
        before
    );
}

#[test]
fn bad_threagile_models_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.yaml");
    let out = dir.path().join("ws");
    for (text, at) in [
        (&b"title: x\ntechnical_assets:\n  A:\n    id: a\n    type: process\n    machine: mainframe\n"[..], ":6:14"),
        (&b"title: [x\n"[..], ":2:1"),
        (&b"title: x\ntechnical_assets:\n  A:\n    id: a\n    type: robot\n"[..], ":5:11"),
        (&[0xffu8, 0xfe, 0x41][..], "UTF-8"),
    ] {
        std::fs::write(&model, text).unwrap();
        let r = run(&[
            "import",
            "threagile",
            &model.display().to_string(),
            &out.display().to_string(),
        ]);
        assert_eq!(r.code, 2, "{at}: {}", r.stderr);
        assert!(r.stderr.contains(at), "{at}: {}", r.stderr);
        assert!(!out.exists(), "nothing is written on error");
    }
    let r = run(&[
        "import",
        "threagile",
        "/nonexistent/model.yaml",
        &out.display().to_string(),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot read"), "{}", r.stderr);
}
