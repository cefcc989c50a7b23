//! Loads and validates a workspace's catalog and prints what it found:
//! `cargo run -p archgate-model --example check_catalog -- DIR [CATALOG_DIR]`.
//! A debugging aid for catalog authors until `archgate check` wires it in.

fn main() {
    let mut args = std::env::args().skip(1);
    let root = std::path::PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    let dir = args.next().unwrap_or_else(|| "catalog".into());
    let r = archgate_model::load_catalog(&root, &dir);
    for n in &r.notes {
        println!("note: {}: {}", n.file.as_deref().unwrap_or("-"), n.message);
    }
    for e in &r.errors {
        println!("error: {}", e.render());
    }
    for f in archgate_model::validate(&r.catalog, &|_| None) {
        let l = f.location.as_ref();
        println!(
            "{} {}:{}:{} {}",
            f.rule_id,
            l.map_or("-", |l| l.file.as_str()),
            l.map_or(0, |l| l.span.line),
            l.map_or(0, |l| l.span.col),
            f.message
        );
    }
    println!(
        "{} entities in {} files",
        r.catalog.len(),
        r.catalog.files.len()
    );
}
