//! The command line: clap definitions only.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  archgate check                         check the workspace in the current directory
  archgate check examples/acme-payments  check another workspace
  archgate check -o sarif --output archgate.sarif
  archgate scan infra/ --framework terraform --skip-check CKV_AWS_18
  archgate rules --provider aws          list the built-in AWS rules
  archgate explain AG-AWS-S3-001         show a rule's documentation
  archgate init my-architecture          scaffold a workspace with a worked example

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.";

/// Architecture governance as code: guardrails on infrastructure code, model
/// validation, threats and evidence from one architecture workspace.
#[derive(Debug, Parser)]
#[command(name = "archgate", version, about, after_help = EXAMPLES, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a workspace: model validation and IaC guardrails in one pass (the main job).
    #[command(
        after_help = "A directory without archgate.yaml is checked with the default settings."
    )]
    Check(CheckArgs),
    /// Scan infrastructure code only, Checkov-style, on any directory or file (no workspace needed).
    Scan(ScanArgs),
    /// Scaffold a new workspace with a small worked example.
    Init(InitArgs),
    /// List the built-in rules.
    Rules(RulesArgs),
    /// Show a rule's documentation (by archgate id or a Checkov/Trivy alias).
    Explain(ExplainArgs),
    /// Risk exceptions: `new`, `list`, `expiring --within 30d`.
    Exception(crate::governance_cmd::ExceptionArgs),
    /// Decision records: `new`, `list`, `supersede`, `link`, `lint`.
    Adr(crate::governance_cmd::AdrArgs),
    /// Export the remediation backlog (open findings per component and rule) for Jira or GitHub.
    Export(crate::governance_cmd::ExportArgs),
    /// Write an audit evidence pack for one control framework.
    Evidence(crate::governance_cmd::EvidenceArgs),
    /// Readiness levels (bronze, silver, gold) per component against its tier.
    Scorecard(crate::governance_cmd::ScorecardArgs),
    /// Governance KPIs (policy compliance, readiness, exceptions, decisions) with targets.
    Kpi(crate::governance_cmd::KpiArgs),
    /// Rego policies: `test` (as conftest test) and `verify` (as conftest verify / opa test).
    Policy(crate::policy_cmd::PolicyArgs),
    /// STRIDE threats derived from the model and the linked IaC, with mitigation status.
    Threats(crate::threats_cmd::ThreatsArgs),
    /// Draw the model: C4 context/container, data flows with trust boundaries, the DDD context map (Mermaid, DOT, SVG).
    Diagram(crate::diagram_cmd::DiagramArgs),
    /// Turn another tool's model into workspace files: `import threagile MODEL.yaml DIR`.
    Import(crate::import_cmd::ImportArgs),
}

/// Options every reporting command shares.
#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Report format: text, json, sarif, junit, markdown, policyreport (a wgpolicyk8s.io ClusterPolicyReport).
    #[arg(
        short = 'o',
        long = "format",
        default_value = "text",
        value_name = "FORMAT"
    )]
    pub format: String,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lowest severity that makes the run fail (critical, high, medium, low, info).
    /// Default: the workspace's failOn, else high.
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
    /// Report findings but always exit 0 unless the input is broken.
    #[arg(long)]
    pub soft_fail: bool,
    /// Leave suppressed findings out of the text and Markdown reports.
    #[arg(long)]
    pub hide_suppressed: bool,
    /// Never colour the output.
    #[arg(long)]
    pub no_color: bool,
}

/// Options selecting which IaC rules run.
#[derive(Debug, Args, Clone, Default)]
pub struct RuleSelection {
    /// Run only these rules (ids or aliases, comma-separated; `CKV_AWS_*` wildcards allowed).
    #[arg(short = 'c', long = "check", value_delimiter = ',', value_name = "IDS")]
    pub check: Vec<String>,
    /// Never run these rules (ids or aliases, comma-separated; wildcards allowed).
    #[arg(long = "skip-check", value_delimiter = ',', value_name = "IDS")]
    pub skip_check: Vec<String>,
    /// Only these source kinds: terraform, terraform_plan, kubernetes, dockerfile, cloudformation, github_actions, config (files only Rego policies read).
    #[arg(long, value_delimiter = ',', value_name = "KINDS")]
    pub framework: Vec<String>,
    /// Also run the Checkov YAML custom policies in DIR (repeatable).
    #[arg(long = "external-checks-dir", value_name = "DIR")]
    pub external_checks_dir: Vec<PathBuf>,
    /// Mark findings recorded in this baseline file as suppressed.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the current unsuppressed findings to FILE as a baseline, then exit 0.
    #[arg(long, value_name = "FILE")]
    pub create_baseline: Option<PathBuf>,
    /// Glob patterns of paths to leave out (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Only read and parse the files; run no rule (for benchmarks).
    #[arg(long, hide = true)]
    pub parse_only: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The workspace root (the directory holding archgate.yaml).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub rules: RuleSelection,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Directories or files to scan.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Also run the Rego, Kyverno and Gatekeeper policies in DIR (repeatable), as `check` runs `policy/`.
    #[arg(long = "policy", value_name = "DIR")]
    pub policy: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub rules: RuleSelection,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to create the workspace (created if missing; existing files are never overwritten).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Show only the rule with this id or alias.
    pub id: Option<String>,
    /// Only rules of this provider (aws, azure, gcp, kubernetes, docker, github, terraform, model, …).
    #[arg(long)]
    pub provider: Option<String>,
    /// Output format: text, json, markdown.
    #[arg(short = 'o', long = "format", default_value = "text")]
    pub format: String,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule id (AG-…) or an alias (CKV_AWS_18, AWS-0089).
    pub id: String,
}
