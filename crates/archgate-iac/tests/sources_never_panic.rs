//! Property tests: no input makes the non-Terraform readers panic, and
//! every error they report names the file and a position inside it.

use archgate_iac::{actions, cloudformation, dockerfile, json, kubernetes};
use proptest::prelude::*;

/// Text biased towards the characters that steer these parsers.
fn tricky() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("\n".to_string()),
            Just("\\\n".to_string()),
            Just("`".to_string()),
            Just("<<EOF\n".to_string()),
            Just("<<-'X'".to_string()),
            Just("EOF\n".to_string()),
            Just("FROM ".to_string()),
            Just("RUN ".to_string()),
            Just("# escape=`\n".to_string()),
            Just("[\"a\", ".to_string()),
            Just("apiVersion: v1\nkind: List\nitems:\n- ".to_string()),
            Just(
                "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      ".to_string()
            ),
            Just("!GetAtt ".to_string()),
            Just("!Ref ".to_string()),
            Just("{\"Ref\": ".to_string()),
            Just("jobs:\n  ".to_string()),
            Just("- ".to_string()),
            Just(": ".to_string()),
            Just("  ".to_string()),
            Just("{".to_string()),
            Just("}".to_string()),
            Just("]".to_string()),
            Just("$".to_string()),
            Just("${A".to_string()),
            Just("é".to_string()),
            "[a-zA-Z0-9._:/@=\"' -]{0,8}",
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

fn check_errors(errors: &[archgate_core::InputError], file: &str, text: &str) {
    let lines = text.split('\n').count() as u32 + 1;
    for e in errors {
        assert_eq!(e.file, file);
        assert!(e.line <= lines, "{e:?} beyond {lines} lines");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn dockerfile_never_panics(text in prop_oneof![tricky(), any::<String>()]) {
        let (r, errs) = dockerfile::parse("Dockerfile", &text);
        check_errors(&errs, "Dockerfile", &text);
        if let Some(r) = r {
            prop_assert!(r.span.end <= text.len());
            prop_assert!(r.body.get("instructions").and_then(|n| n.as_seq()).is_some_and(|s| !s.is_empty()));
        }
    }

    #[test]
    fn yaml_readers_never_panic(text in prop_oneof![tricky(), any::<String>()]) {
        let (res, errs) = kubernetes::parse_yaml("k.yaml", &text);
        check_errors(&errs, "k.yaml", &text);
        for r in &res {
            prop_assert!(r.span.start <= r.span.end && r.span.end <= text.len());
        }
        let (res, errs) = cloudformation::parse_yaml("c.yaml", &text);
        check_errors(&errs, "c.yaml", &text);
        for r in &res {
            prop_assert!(r.span.start <= r.span.end && r.span.end <= text.len());
        }
        let (_, errs) = actions::parse("w.yml", &text);
        check_errors(&errs, "w.yml", &text);
    }

    #[test]
    fn json_readers_never_panic(text in prop_oneof![tricky(), any::<String>()]) {
        if let Err(e) = json::parse("j.json", &text) {
            prop_assert_eq!(e.file.as_str(), "j.json");
        }
        let (_, errs) = cloudformation::parse_json("c.json", &text);
        check_errors(&errs, "c.json", &text);
        let (_, errs) = kubernetes::parse_json("k.json", &text);
        check_errors(&errs, "k.json", &text);
    }
}
