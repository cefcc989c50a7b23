//! `archgate policy test|verify`: conftest-compatible Rego evaluation and
//! Rego unit tests. Flags keep conftest's spellings (`-p`, `-n`, `-d`, and
//! `-o` meaning the *output format*), so a conftest CI step becomes
//! archgate's by changing the program name. Wiring only: the semantics live
//! in archgate-policy.

use archgate_core::report::exit;
use archgate_core::InputError;
use archgate_policy::output::{exit_code, render, Format};
use archgate_policy::run::TestOptions;
use archgate_policy::verify::VerifyOptions;
use archgate_policy::{LoadOptions, Parser, PolicySet, RegoVersion};
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Run Rego policies on configuration files, as `conftest test`.
    Test(TestArgs),
    /// Run the policies' unit tests (`test_*` rules), as `conftest verify` / `opa test`.
    Verify(VerifyArgs),
    /// Apply Kyverno policies to Kubernetes manifests, as `kyverno apply`
    /// (`--policy-report` prints a wgpolicyk8s.io PolicyReport).
    Apply(ApplyArgs),
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Kyverno ClusterPolicy/Policy files or directories.
    #[arg(required = true, value_name = "POLICY")]
    pub policies: Vec<PathBuf>,
    /// Manifests (files or directories of YAML/JSON) to apply them to (repeatable).
    #[arg(short = 'r', long = "resource", required = true, value_name = "PATH")]
    pub resources: Vec<PathBuf>,
    /// Print the results as Policy Reports (wgpolicyk8s.io/v1alpha2).
    #[arg(short = 'p', long = "policy-report")]
    pub policy_report: bool,
    /// Report failures of Audit rules as warnings (they no longer fail the run).
    #[arg(long = "audit-warn")]
    pub audit_warn: bool,
    /// Policy report encoding: yaml or json.
    #[arg(long, default_value = "yaml", value_name = "FORMAT")]
    pub format: String,
}

/// Options shared by `test` and `verify`.
#[derive(Debug, Args)]
pub struct PolicyLoadArgs {
    /// Where the .rego files are (directories are read recursively; repeatable).
    #[arg(
        short = 'p',
        long = "policy",
        default_value = "policy",
        value_name = "PATH"
    )]
    pub policy: Vec<PathBuf>,
    /// JSON/YAML data files or directories merged into `data` (repeatable).
    #[arg(short = 'd', long = "data", value_name = "PATH")]
    pub data: Vec<PathBuf>,
    /// Rego syntax of the policies: v0 or v1 (default: v1, falling back to v0 per file with a note).
    #[arg(long = "rego-version", value_name = "VERSION")]
    pub rego_version: Option<String>,
    /// A builtin error fails the evaluation instead of making the expression undefined.
    #[arg(long = "show-builtin-errors")]
    pub show_builtin_errors: bool,
    /// Wall-clock limit per evaluation, in seconds.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub timeout: f64,
    /// Output format: stdout, json, tap, table, junit, github, azuredevops, sarif.
    #[arg(
        short = 'o',
        long = "output",
        default_value = "stdout",
        value_name = "FORMAT"
    )]
    pub output: String,
    /// Accepted for conftest compatibility: archgate's policy output has no colour.
    #[arg(long = "no-color")]
    pub no_color: bool,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Files or directories to test (`-` reads standard input).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub load: PolicyLoadArgs,
    /// Namespaces (packages) to evaluate; globs allowed (default: main).
    #[arg(
        short = 'n',
        long = "namespace",
        value_delimiter = ',',
        value_name = "NS"
    )]
    pub namespace: Vec<String>,
    /// Evaluate every namespace found in the policies.
    #[arg(long = "all-namespaces")]
    pub all_namespaces: bool,
    /// Give the policies all files at once, as one list of {path, contents}.
    #[arg(long)]
    pub combine: bool,
    /// Parse every file with this parser: yaml, json, hcl2, dockerfile, dotenv, ignore, toml, ini, xml, properties.
    #[arg(long, value_name = "PARSER")]
    pub parser: Option<String>,
    /// Skip paths matching this regex when walking directories.
    #[arg(long, value_name = "REGEX")]
    pub ignore: Option<String>,
    /// Name to report for standard input.
    #[arg(long = "stdin-filename", value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Exit 1 on warnings and 2 on failures.
    #[arg(long = "fail-on-warn")]
    pub fail_on_warn: bool,
    /// Always exit 0 when the policies and inputs are valid.
    #[arg(long = "no-fail")]
    pub no_fail: bool,
    /// Leave exceptions out of the output.
    #[arg(long = "suppress-exceptions")]
    pub suppress_exceptions: bool,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub load: PolicyLoadArgs,
    /// Namespaces whose tests run; globs allowed (default: all).
    #[arg(
        short = 'n',
        long = "namespace",
        value_delimiter = ',',
        value_name = "NS"
    )]
    pub namespace: Vec<String>,
    /// Only tests whose name (`data.<package>.<test>`) matches this regex.
    #[arg(long, value_name = "REGEX")]
    pub run: Option<String>,
    /// Print line coverage of the policy files (JSON, as `opa test --coverage`).
    #[arg(long)]
    pub coverage: bool,
    /// Always exit 0 when the policies are valid.
    #[arg(long = "no-fail")]
    pub no_fail: bool,
}

pub fn run(a: PolicyArgs) -> Result<i32, String> {
    match a.command {
        PolicyCommand::Test(t) => test(t),
        PolicyCommand::Verify(v) => verify(v),
        PolicyCommand::Apply(a) => apply(a),
    }
}

fn apply(a: ApplyArgs) -> Result<i32, String> {
    use archgate_policy::policyreport::{self, ReportOptions};
    let json = match a.format.as_str() {
        "yaml" => false,
        "json" => true,
        other => {
            return Err(format!(
                "--format: unknown `{other}`; expected yaml or json"
            ))
        }
    };
    let (policies, notes, mut errors) = policyreport::load_policies(&a.policies);
    for n in notes {
        eprintln!("note: {n}");
    }
    let (resources, more) = policyreport::load_resources(&a.resources);
    errors.extend(more);
    if !errors.is_empty() {
        print_errors(&errors);
        return Ok(exit::INPUT);
    }
    if policies.is_empty() {
        print_errors(&[InputError::whole_file(
            a.policies
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            "no Kyverno policies found",
        )
        .expected("ClusterPolicy or Policy documents (apiVersion kyverno.io/…)")]);
        return Ok(exit::INPUT);
    }
    let opts = ReportOptions {
        audit_warn: a.audit_warn,
        timestamp: chrono::Utc::now().timestamp(),
    };
    let applied = policyreport::apply_all(&policies, &resources);
    let reports = policyreport::reports(&applied, &opts);
    let failed = reports
        .iter()
        .filter_map(|r| r["summary"]["fail"].as_u64())
        .sum::<u64>();
    if a.policy_report {
        let text = if json {
            let v = match reports.as_slice() {
                [one] => one.clone(),
                many => serde_json::json!({"apiVersion": "v1", "kind": "List", "items": many}),
            };
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())? + "\n"
        } else {
            reports
                .iter()
                .map(policyreport::to_yaml)
                .collect::<Vec<_>>()
                .join("---\n")
        };
        write_stdout(&text);
    } else {
        let rules: usize = policies.iter().map(|p| p.rules.len()).sum();
        write_stdout(&policyreport::text(&applied, rules, resources.len(), &opts));
    }
    // As `kyverno apply`: failures fail the run (with --audit-warn, Audit failures are warnings).
    Ok(if failed > 0 {
        exit::FINDINGS
    } else {
        exit::CLEAN
    })
}

fn load_options(a: &PolicyLoadArgs) -> Result<LoadOptions, String> {
    let rego_version = match &a.rego_version {
        Some(v) => Some(
            v.parse::<RegoVersion>()
                .map_err(|e| format!("--rego-version: {e}"))?,
        ),
        None => None,
    };
    if !(a.timeout > 0.0 && a.timeout.is_finite()) {
        return Err("--timeout: expected a positive number of seconds".into());
    }
    Ok(LoadOptions {
        rego_version,
        data: a.data.clone(),
        show_builtin_errors: a.show_builtin_errors,
        timeout: Duration::from_secs_f64(a.timeout),
    })
}

/// Prints input errors on stderr; they make the run exit 2.
fn print_errors(errors: &[InputError]) {
    for e in errors {
        eprintln!("error: {}", e.render());
    }
}

fn write_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe is not worth a panic.
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

fn test(a: TestArgs) -> Result<i32, String> {
    let format: Format = a
        .load
        .output
        .parse()
        .map_err(|e| format!("--output: {e}"))?;
    let parser = match &a.parser {
        Some(p) => Some(Parser::parse(p).map_err(|e| format!("--parser: {e}"))?),
        None => None,
    };
    let opts = TestOptions {
        inputs: a.paths.clone(),
        policy: a.load.policy.clone(),
        namespaces: a.namespace.clone(),
        all_namespaces: a.all_namespaces,
        load: load_options(&a.load)?,
        combine: a.combine,
        parser,
        ignore: a.ignore.clone(),
        stdin_filename: a.stdin_filename.clone(),
        threads: a.threads,
    };
    let mut run = match archgate_policy::run::run(&opts) {
        Ok(r) => r,
        Err(errors) => {
            print_errors(&errors);
            return Ok(exit::INPUT);
        }
    };
    for n in &run.notes {
        eprintln!("note: {n}");
    }
    if a.suppress_exceptions {
        for r in run.results.iter_mut() {
            r.exceptions.clear();
        }
    }
    write_stdout(&render(&run.results, format));
    print_errors(&run.errors);
    for e in &run.eval_errors {
        eprintln!("error: {e}");
    }
    let code = exit_code(&run.results, a.fail_on_warn, a.no_fail);
    if !run.errors.is_empty() || !run.eval_errors.is_empty() {
        return Ok(code.max(exit::INPUT));
    }
    Ok(code)
}

fn verify(a: VerifyArgs) -> Result<i32, String> {
    let format: Format = a
        .load
        .output
        .parse()
        .map_err(|e| format!("--output: {e}"))?;
    let set = match PolicySet::load(&a.load.policy, &load_options(&a.load)?) {
        Ok(s) => s,
        Err(errors) => {
            print_errors(&errors);
            return Ok(exit::INPUT);
        }
    };
    for n in &set.notes {
        eprintln!("note: {n}");
    }
    let (cases, coverage) = archgate_policy::verify::verify(
        &set,
        &VerifyOptions {
            namespaces: a.namespace.clone(),
            run: a.run.clone(),
            coverage: a.coverage,
        },
    )?;
    let results = archgate_policy::verify::as_results(&cases);
    match coverage {
        Some(c) => {
            write_stdout(&(serde_json::to_string_pretty(&c).map_err(|e| e.to_string())? + "\n"))
        }
        None => write_stdout(&render(&results, format)),
    }
    if cases.is_empty() {
        eprintln!("note: no tests found (rules named test_* in the selected namespaces)");
    }
    Ok(exit_code(&results, false, a.no_fail))
}
