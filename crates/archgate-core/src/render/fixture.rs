//! The report every reporter's tests render: four findings (one
//! suppressed, one with a component and a related location, one without a
//! location, one whose text needs escaping in every format), one input
//! error and one note.

use super::RenderOptions;
use crate::finding::{Finding, FindingKind, InputError, Location, Note, Severity, Suppression};
use crate::report::{Report, Stats};
use crate::rule::{RuleDoc, RuleMeta};
use crate::span::Span;

fn span(line: u32, col: u32, end_line: u32, end_col: u32) -> Span {
    Span {
        start: 0,
        end: 0,
        line,
        col,
        end_line,
        end_col,
    }
}

fn loc(file: &str, s: Span) -> Option<Location> {
    Some(Location {
        file: file.into(),
        span: s,
    })
}

pub(crate) fn opts() -> RenderOptions {
    RenderOptions {
        color: false,
        fail_on: Severity::High,
        show_suppressed: true,
        version: "0.1.0".into(),
    }
}

fn meta(id: &str, title: &str, severity: Severity, aliases: &[&str]) -> RuleMeta {
    RuleMeta {
        id: id.into(),
        title: title.into(),
        severity,
        provider: "aws".into(),
        kind: FindingKind::Iac,
        resource_kinds: vec!["aws_s3_bucket".into()],
        aliases: aliases.iter().map(|s| s.to_string()).collect(),
        controls: vec!["pci-dss-4.0:1.3.1".into()],
        doc: RuleDoc {
            description: format!("Checks that {title}."),
            rationale: "Public data leaks.".into(),
            failing_example: "acl = \"public-read\"".into(),
            passing_example: "acl = \"private\"".into(),
            remediation: "Set `acl = \"private\"` and block public access.".into(),
            references: vec![],
        },
    }
}

pub(crate) fn report() -> Report {
    let public = Finding {
        rule_id: "AG-AWS-S3-002".into(),
        title: "S3 bucket is publicly readable".into(),
        severity: Severity::Critical,
        kind: FindingKind::Iac,
        location: loc("main.tf", span(12, 1, 15, 2)),
        resource: Some("module.store.aws_s3_bucket.data".into()),
        component: Some("payments-api".into()),
        message: "Bucket `data` grants public-read to everyone.".into(),
        remediation: Some("Set `acl = \"private\"`.".into()),
        controls: vec!["pci-dss-4.0:1.3.1".into()],
        aliases: vec!["CKV_AWS_20".into(), "AWS-0092".into()],
        fingerprint: Finding::fingerprint_of(
            "AG-AWS-S3-002",
            "main.tf",
            "module.store.aws_s3_bucket.data",
            "acl",
        ),
        suppression: None,
        snippet: Some(
            "resource \"aws_s3_bucket\" \"data\" {\n  bucket = \"acme-data\"\n  acl    = \"public-read\"\n}"
                .into(),
        ),
        related: vec![Location {
            file: "modules/store/main.tf".into(),
            span: span(3, 1, 3, 20),
        }],
    };
    let pod = Finding {
        rule_id: "AG-K8S-POD-001".into(),
        title: "Container runs as root".into(),
        severity: Severity::High,
        kind: FindingKind::Iac,
        location: loc("k8s/deploy.yaml", span(20, 9, 20, 30)),
        resource: Some("Deployment.default.web".into()),
        component: None,
        message: "runAsNonRoot is not true | user <0> & \"root\" isn't allowed".into(),
        remediation: None,
        controls: vec![],
        aliases: vec!["CKV_K8S_23".into()],
        fingerprint: Finding::fingerprint_of(
            "AG-K8S-POD-001",
            "k8s/deploy.yaml",
            "Deployment.default.web",
            "",
        ),
        suppression: None,
        snippet: Some("        securityContext: {}".into()),
        related: vec![],
    };
    let logs = Finding {
        rule_id: "AG-AWS-S3-001".into(),
        title: "S3 bucket has no access logging".into(),
        severity: Severity::Medium,
        kind: FindingKind::Iac,
        location: loc("main.tf", span(30, 1, 32, 2)),
        resource: Some("aws_s3_bucket.logs".into()),
        component: Some("payments-api".into()),
        message: "Bucket `logs` has no access logging.".into(),
        remediation: Some("Add an aws_s3_bucket_logging resource.".into()),
        controls: vec![],
        aliases: vec!["CKV_AWS_18".into()],
        fingerprint: Finding::fingerprint_of("AG-AWS-S3-001", "main.tf", "aws_s3_bucket.logs", ""),
        suppression: Some(Suppression {
            kind: "exception".into(),
            by: Some("alice".into()),
            reason: Some("the log bucket cannot log to itself".into()),
            until: Some("2026-12-31".into()),
            source: Some("EXC-7".into()),
        }),
        snippet: Some("resource \"aws_s3_bucket\" \"logs\" {".into()),
        related: vec![],
    };
    let owner = Finding {
        rule_id: "AG-MODEL-OWNER-001".into(),
        title: "Component has no owner".into(),
        severity: Severity::Low,
        kind: FindingKind::Model,
        location: None,
        resource: Some("component:default/ledger".into()),
        component: Some("ledger".into()),
        message: "Component `ledger` names no owner.".into(),
        remediation: None,
        controls: vec![],
        aliases: vec![],
        fingerprint: Finding::fingerprint_of(
            "AG-MODEL-OWNER-001",
            "",
            "component:default/ledger",
            "",
        ),
        suppression: None,
        snippet: None,
        related: vec![],
    };
    Report {
        command: "check".into(),
        root: "examples/acme-payments".into(),
        findings: vec![owner, logs, pod, public],
        errors: vec![InputError::new(
            "catalog/broken.yaml",
            3,
            7,
            "mapping values are not allowed here",
        )
        .expected("a `key: value` pair")],
        notes: vec![Note {
            file: Some("charts/web".into()),
            message: "Helm chart templates skipped; scan `helm template` output instead".into(),
        }],
        rules: vec![
            meta(
                "AG-AWS-S3-002",
                "S3 bucket is publicly readable",
                Severity::Critical,
                &["CKV_AWS_20", "AWS-0092"],
            ),
            meta(
                "AG-AWS-S3-001",
                "S3 bucket has no access logging",
                Severity::Medium,
                &["CKV_AWS_18"],
            ),
            meta(
                "AG-K8S-POD-001",
                "Container runs as root",
                Severity::High,
                &["CKV_K8S_23"],
            ),
            // Known to the run but not found: must not appear in SARIF rules.
            meta(
                "AG-AWS-EC2-001",
                "EC2 instance has a public IP",
                Severity::High,
                &[],
            ),
        ],
        stats: Stats {
            files: 12,
            resources: 40,
            entities: 5,
            rules: 90,
            duration_ms: 23,
        },
        components: [(
            "payments-api".to_string(),
            crate::report::ComponentInfo {
                title: Some("Payments API".into()),
                owner: Some("group:default/team-payments".into()),
                tier: Some(1),
                system: Some("system:default/card-acceptance".into()),
                domain: None,
            },
        )]
        .into_iter()
        .collect(),
    }
}
