//! Property tests: no input makes the loader or the validator panic.

use archgate_model::{load_catalog, load_texts, validate};
use proptest::prelude::*;

/// YAML-ish text built from catalog vocabulary, so generated documents get
/// past the YAML parser and exercise the entity readers.
fn yamlish() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "apiVersion: backstage.io/v1alpha1\n",
        "apiVersion: archgate.dev/v1alpha1\n",
        "kind: Component\n",
        "kind: DataFlow\n",
        "kind: Group\n",
        "kind: Profile\n",
        "kind: TrustBoundary\n",
        "kind: Exception\n",
        "kind: Location\n",
        "kind: Standard\n",
        "metadata:\n",
        "  name: a\n",
        "  name: b\n",
        "  namespace: x\n",
        "spec:\n",
        "  owner: a\n",
        "  owner: [1, 2]\n",
        "  parent: a\n",
        "  parent: b\n",
        "  nested: [a, b]\n",
        "  source: a\n",
        "  target: component:x/b\n",
        "  target: ../../../etc/passwd\n",
        "  targets: ['*.yaml', '**']\n",
        "  dependsOn: [a]\n",
        "  archgate:\n",
        "    tier: 1\n",
        "    tier: 9\n",
        "    rto: 15m\n",
        "    slo: {availability: 200, latency: {p99: x}}\n",
        "    boundary: a\n",
        "    dataStored: [a, b]\n",
        "  requirements: [{id: r}, 3]\n",
        "  expires: 2026-02-30\n",
        "---\n",
        "- [\n",
        "&a x: *a\n",
        "<<: {a: 1}\n",
        "  : \n",
        "\t\n",
        "!Ref x\n",
        "'\n",
        "é: ü\n",
    ]);
    prop::collection::vec(token, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let r = load_texts(&[("c.yaml".into(), text)]);
        let _ = validate(&r.catalog, &|_| None);
    }

    #[test]
    fn random_yamlish_text_never_panics(a in yamlish(), b in yamlish()) {
        let r = load_texts(&[("a.yaml".into(), a), ("b.yaml".into(), b)]);
        for e in &r.errors {
            // Every error names a file; positioned errors have 1-based positions.
            prop_assert!(!e.file.is_empty());
            prop_assert!(e.line == 0 || e.col >= 1);
        }
        let _ = validate(&r.catalog, &|_| None);
    }
}

#[test]
fn random_files_on_disk_never_panic() {
    // Raw bytes (not lossily decoded) through the file reader, Locations included.
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    });
    runner
        .run(
            &(prop::collection::vec(any::<u8>(), 0..300), yamlish()),
            |(bytes, yaml)| {
                let d = tempfile::tempdir().unwrap();
                std::fs::create_dir_all(d.path().join("catalog")).unwrap();
                std::fs::write(d.path().join("catalog/a.yaml"), &bytes).unwrap();
                std::fs::write(d.path().join("catalog/b.yaml"), yaml.as_bytes()).unwrap();
                let r = load_catalog(d.path(), "catalog");
                let _ = validate(&r.catalog, &|_| None);
                Ok(())
            },
        )
        .unwrap();
}
