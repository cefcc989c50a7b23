//! Every built-in rule (conditions and native checks) on random resource
//! bodies of every kind it applies to: nothing may panic, whatever the
//! shape of the input.

use archgate_core::{Key, Node, Span, Value};
use archgate_iac::{ParsedUnit, Resource, SourceFile, SourceKind};
use archgate_rules::engine::{Engine, Selection};
use archgate_rules::{registry, Kinds};
use proptest::prelude::*;
use std::sync::Arc;

/// Keys rules commonly read, so random bodies reach deep into checks.
const KEYS: &[&str] = &[
    "spec",
    "template",
    "containers",
    "securityContext",
    "metadata",
    "annotations",
    "labels",
    "name",
    "image",
    "policy",
    "Statement",
    "Effect",
    "Action",
    "Resource",
    "ingress",
    "egress",
    "cidr_blocks",
    "from_port",
    "to_port",
    "protocol",
    "instructions",
    "instruction",
    "value",
    "args",
    "stages",
    "tags",
    "bucket",
    "Properties",
    "enabled",
    "rule",
    "statement",
    "actions",
    "jobs",
    "steps",
    "run",
    "uses",
    "with",
    "env",
    "permissions",
    "volumes",
    "hostPath",
    "ports",
];

fn arb_node() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-70000i64..70000).prop_map(Value::Int),
        any::<f64>().prop_map(Value::Float),
        "(\\*|0\\.0\\.0\\.0/0|::/0|Allow|root|latest|[a-z:/.*-]{0,10}|\\{\"Statement\":\\[\\]\\})"
            .prop_map(Value::Str),
        "[a-z_.]{1,12}".prop_map(Value::Unknown),
    ]
    .prop_map(|v| Node::new(v, Span::default()));
    leaf.prop_recursive(6, 80, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4)
                .prop_map(|v| Node::new(Value::Seq(v), Span::default())),
            prop::collection::vec((prop::sample::select(KEYS), inner.clone()), 0..6).prop_map(
                |v| {
                    Node::new(
                        Value::Map(
                            v.into_iter()
                                .map(|(k, n)| {
                                    (
                                        Key {
                                            name: k.to_string(),
                                            span: Span::default(),
                                        },
                                        n,
                                    )
                                })
                                .collect(),
                        ),
                        Span::default(),
                    )
                }
            ),
            ("(Ref|GetAtt|Sub)", inner)
                .prop_map(|(t, n)| Node::new(Value::Tagged(t, Box::new(n)), Span::default())),
        ]
    })
}

fn kinds() -> Vec<String> {
    let mut out: Vec<String> = registry()
        .all()
        .flat_map(|r| match &r.applies_to {
            Kinds::All => Vec::new(),
            Kinds::Only(k) => k.clone(),
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn source_of(kind: &str) -> SourceKind {
    if kind.contains("::") {
        SourceKind::CloudFormation
    } else if kind == "dockerfile" {
        SourceKind::Dockerfile
    } else if kind == "workflow" || kind == "job" {
        SourceKind::GithubActions
    } else if kind.starts_with(|c: char| c.is_ascii_uppercase()) {
        SourceKind::Kubernetes
    } else {
        SourceKind::Terraform
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn rules_never_panic(bodies in prop::collection::vec(arb_node(), 1..4), pick in any::<prop::sample::Index>()) {
        let kinds = kinds();
        let engine = Engine::new(Vec::new(), &Selection::default());
        let start = pick.index(kinds.len());
        let mut resources = Vec::new();
        for (i, body) in bodies.into_iter().enumerate() {
            for kind in kinds.iter().cycle().skip(start).take(kinds.len()) {
                let (block, kind) = match kind.strip_prefix("data.") {
                    Some(k) => ("data", k),
                    None => ("resource", kind.as_str()),
                };
                resources.push(Resource {
                    source: source_of(kind),
                    block: block.into(),
                    kind: kind.into(),
                    name: format!("r{i}"),
                    address: format!("{kind}.r{i}"),
                    file: "f".into(),
                    span: Span::default(),
                    body: body.clone(),
                    module: None,
                    multiple: false,
                    labels: Vec::new(),
                });
            }
        }
        let unit = ParsedUnit {
            files: vec![SourceFile { path: "f".into(), text: Arc::from("# checkov:skip=X\n") }],
            resources,
            errors: Vec::new(),
            notes: Vec::new(),
        };
        let _ = engine.evaluate(&unit);
    }
}
