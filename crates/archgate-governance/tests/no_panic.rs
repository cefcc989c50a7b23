//! No input may panic a governance reader: arbitrary text, and the example
//! workspace's files with bytes cut, duplicated or replaced, go through the
//! exception, ADR and standard parsers and come back as values or located
//! input errors.

use archgate_governance::adr::parse_adr;
use archgate_governance::exceptions::parse_exceptions;
use archgate_governance::standards::parse_standard;
use proptest::prelude::*;
use std::path::PathBuf;

fn example(rel: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/acme-payments")
        .join(rel);
    std::fs::read_to_string(p).unwrap()
}

fn samples() -> Vec<String> {
    vec![
        example("exceptions/ledger-db-single-az.yaml"),
        example("docs/adr/0001-record-architecture-decisions.md"),
        example("docs/adr/0004-adopt-a-service-mesh-for-mtls.md"),
        example("docs/adr/0005-use-istio-ambient-mode-for-mtls.md"),
        example("standards/technologies.yaml"),
    ]
}

fn all_parsers(text: &str) {
    let (_, errors) = parse_exceptions("x.yaml", text);
    for e in errors {
        assert!(!e.message.is_empty());
    }
    if let Err(e) = parse_adr("docs/adr/0001-x.md", text) {
        assert!(e.line > 0 || e.message.contains("front matter"), "{e:?}");
    }
    let _ = parse_standard("t.yaml", text);
}

/// Cuts `text` at a char boundary at or before `at`.
fn cut(text: &str, at: usize) -> &str {
    let mut i = at.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    &text[..i]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text(s in "\\PC*") {
        all_parsers(&s);
    }

    #[test]
    fn structured_noise(s in "(---\n|# |## Status\n|status: |date: |[a-z]{1,8}|: |\n|- |\\[x\\]\\(y\\.md\\)|  |\"|2026-13-40|superseded by |ADR-[0-9]{1,4}|\\{|\\}|\\[|\\])*") {
        all_parsers(&s);
    }

    #[test]
    fn truncated_and_spliced_examples(which in 0usize..5, at in 0usize..4000, junk in "\\PC{0,12}") {
        let samples = samples();
        let text = &samples[which];
        let head = cut(text, at);
        all_parsers(head);
        let spliced = format!("{head}{junk}{}", &text[head.len()..]);
        all_parsers(&spliced);
    }
}
