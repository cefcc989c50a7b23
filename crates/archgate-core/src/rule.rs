//! Rule metadata: what `archgate rules` lists and `archgate explain` prints.
//! How a rule's condition is evaluated lives with the engines (archgate-rules
//! for IaC, archgate-model for model checks); this is only the description.

use crate::finding::{FindingKind, Severity};
use serde::Serialize;

/// A rule's documentation, written once and rendered by `explain`, the
/// generated docs and SARIF rule descriptors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct RuleDoc {
    /// What the rule checks.
    pub description: String,
    /// Why it matters.
    pub rationale: String,
    /// A minimal input that fails the rule.
    pub failing_example: String,
    /// The same input, fixed.
    pub passing_example: String,
    /// How to fix a failure.
    pub remediation: String,
    /// Further reading (URLs or standard references).
    pub references: Vec<String>,
}

/// Everything known about a rule except how to evaluate it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleMeta {
    /// `AG-<PROVIDER>-<AREA>-NNN`.
    pub id: String,
    pub title: String,
    pub severity: Severity,
    /// aws, azure, gcp, kubernetes, docker, github, terraform, secrets, model, threat, governance, …
    pub provider: String,
    pub kind: FindingKind,
    /// Resource kinds the rule applies to (`aws_s3_bucket`, `Deployment`, `AWS::S3::Bucket`).
    pub resource_kinds: Vec<String>,
    /// Equivalent check ids in other tools (Checkov `CKV_AWS_18`, Trivy `AWS-0089`, KICS ids).
    pub aliases: Vec<String>,
    /// Control references, `framework:requirement` (`pci-dss-4.0:10.2.1`, `soc2:CC7.2`).
    pub controls: Vec<String>,
    pub doc: RuleDoc,
}

impl RuleMeta {
    /// True when `id` names this rule or one of its aliases (case-insensitive).
    pub fn answers_to(&self, id: &str) -> bool {
        self.id.eq_ignore_ascii_case(id) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(id))
    }

    /// Renders the documentation as Markdown (what `archgate explain` prints).
    pub fn to_markdown(&self) -> String {
        let d = &self.doc;
        let mut s = format!("# {} — {}\n\n", self.id, self.title);
        s.push_str(&format!("Severity: **{}**  \n", self.severity));
        s.push_str(&format!("Provider: {}  \n", self.provider));
        if !self.resource_kinds.is_empty() {
            s.push_str(&format!(
                "Applies to: {}  \n",
                self.resource_kinds.join(", ")
            ));
        }
        if !self.aliases.is_empty() {
            s.push_str(&format!("Aliases: {}  \n", self.aliases.join(", ")));
        }
        if !self.controls.is_empty() {
            s.push_str(&format!("Controls: {}  \n", self.controls.join(", ")));
        }
        s.push_str(&format!(
            "\n## What\n\n{}\n\n## Why\n\n{}\n",
            d.description.trim(),
            d.rationale.trim()
        ));
        if !d.failing_example.trim().is_empty() {
            s.push_str(&format!(
                "\n## Failing example\n\n```\n{}\n```\n",
                d.failing_example.trim_end()
            ));
        }
        if !d.passing_example.trim().is_empty() {
            s.push_str(&format!(
                "\n## Passing example\n\n```\n{}\n```\n",
                d.passing_example.trim_end()
            ));
        }
        s.push_str(&format!("\n## How to fix\n\n{}\n", d.remediation.trim()));
        if !d.references.is_empty() {
            s.push_str("\n## References\n\n");
            for r in &d.references {
                s.push_str(&format!("- {r}\n"));
            }
        }
        s
    }
}
