//! archgate-iac: reads infrastructure code into one [`Resource`] shape with
//! source spans on every value.
//!
//! One module per source kind (Terraform, Terraform plan JSON, Kubernetes,
//! Dockerfile, CloudFormation, GitHub Actions). Each parses a file (or, for
//! Terraform, a module directory) once and returns a [`ParsedUnit`]; rules
//! run on that. Configuration files that only policies read
//! ([`SourceKind::Config`]) are carried as text, without resources.
//! This crate runs no rules and reports no findings.

use archgate_core::{InputError, Node, Note, Span};
use std::sync::Arc;

pub mod terraform;

pub mod actions;
pub mod cloudformation;
pub mod discover;
pub mod dockerfile;
mod extent;
pub mod json;
pub mod kubernetes;

/// The kind of source a resource came from. Names match Checkov's framework names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceKind {
    Terraform,
    TerraformPlan,
    Kubernetes,
    Dockerfile,
    CloudFormation,
    GithubActions,
    /// A configuration file conftest can parse that is not infrastructure
    /// code (`Jenkinsfile`, `nginx.conf`, `*.toml`, `*.ini`, `*.xml`,
    /// `*.properties`, `*.hcl`, `.env`, plain JSON …). Discovered only when
    /// asked for (`DiscoverOptions::frameworks` lists it), it yields no
    /// resources: only Rego policies see its text.
    Config,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Terraform => "terraform",
            SourceKind::TerraformPlan => "terraform_plan",
            SourceKind::Kubernetes => "kubernetes",
            SourceKind::Dockerfile => "dockerfile",
            SourceKind::CloudFormation => "cloudformation",
            SourceKind::GithubActions => "github_actions",
            SourceKind::Config => "config",
        }
    }

    /// Every kind, `config` included (what `--framework` accepts).
    pub const ALL: [SourceKind; 7] = [
        SourceKind::Terraform,
        SourceKind::TerraformPlan,
        SourceKind::Kubernetes,
        SourceKind::Dockerfile,
        SourceKind::CloudFormation,
        SourceKind::GithubActions,
        SourceKind::Config,
    ];

    /// The infrastructure-code kinds: what a scan reads when no framework
    /// is named (configuration files are read only when asked for).
    pub const IAC: [SourceKind; 6] = [
        SourceKind::Terraform,
        SourceKind::TerraformPlan,
        SourceKind::Kubernetes,
        SourceKind::Dockerfile,
        SourceKind::CloudFormation,
        SourceKind::GithubActions,
    ];

    pub fn parse(s: &str) -> Option<SourceKind> {
        SourceKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
    }
}

/// One file as read from disk: its path relative to the scan root (with `/`
/// separators) and its text, shared by every resource parsed from it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: Arc<str>,
}

/// Where a module was called from, for findings inside modules.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleCall {
    /// `module.vpc` (nested calls: `module.a.module.b`).
    pub address: String,
    pub file: String,
    pub span: Span,
}

/// One resource (or data source, document, workflow, image stage) with its
/// attributes as a spanned tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub source: SourceKind,
    /// Terraform block type: `resource`, `data`, `module`, `provider`, `terraform`,
    /// `variable`, `output`; for other sources `resource`.
    pub block: String,
    /// Resource type: `aws_s3_bucket`, `Deployment`, `AWS::S3::Bucket`, `dockerfile`, `workflow`.
    pub kind: String,
    /// The name within its kind: `data`, `default.web`, `Logs`.
    pub name: String,
    /// The address the way Checkov names it: `aws_s3_bucket.data`,
    /// `module.vpc.aws_vpc.this`, `Deployment.default.web`, `AWS::S3::Bucket.Logs`.
    pub address: String,
    /// File the resource is written in (relative to the scan root).
    pub file: String,
    /// The whole block or document.
    pub span: Span,
    /// Attributes (Terraform: nested blocks are sequences of mappings).
    pub body: Node,
    /// The calling module block, when the resource comes from a local module.
    pub module: Option<ModuleCall>,
    /// `count`/`for_each` present: the block stands for many instances.
    pub multiple: bool,
    /// Tags or labels (for linking to model components).
    pub labels: Vec<(String, String)>,
}

/// What one unit of work (a file, or a Terraform module directory with the
/// local modules it calls) produced.
#[derive(Debug, Default)]
pub struct ParsedUnit {
    pub files: Vec<SourceFile>,
    pub resources: Vec<Resource>,
    pub errors: Vec<InputError>,
    pub notes: Vec<Note>,
}

impl ParsedUnit {
    /// The text of `path` if it belongs to this unit.
    pub fn text_of(&self, path: &str) -> Option<&str> {
        self.files.iter().find(|f| f.path == path).map(|f| &*f.text)
    }
}
