//! `archgate exception …` and `archgate adr …`, and the governance part of
//! `archgate check` (exceptions, ADR lint, technology standards). Wiring
//! only: the semantics live in archgate-governance.

use archgate_core::config::SETTINGS_FILE;
use archgate_core::render::{render, Format, RenderOptions};
use archgate_core::report::exit;
use archgate_core::{InputError, Report, Settings};
use archgate_governance::adr::{self, AdrFormat, AdrStatus, NewAdr};
use archgate_governance::exceptions::{self, Exception, NewException, Standing};
use archgate_governance::export;
use archgate_governance::history::{self, Since, Want};
use archgate_governance::kpi::Measured;
use archgate_governance::standards::{
    self, Checker, Standard, StandardsHook, TagCoverage, TagTally,
};
use archgate_governance::{controls, evidence, kpi, scorecard};
use archgate_rules::scan::UnitHook;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The day governance dates are judged against: `ARCHGATE_TODAY`
/// (YYYY-MM-DD, for reproducible runs and tests) or the local date.
pub fn today() -> Result<NaiveDate, String> {
    match std::env::var("ARCHGATE_TODAY") {
        Ok(s) => archgate_model::vocab::parse_date(&s)
            .ok_or_else(|| format!("ARCHGATE_TODAY=`{s}` is not a date; expected YYYY-MM-DD")),
        Err(_) => Ok(chrono::Local::now().date_naive()),
    }
}

/// The arguments of the `archgate check` run behind export, evidence,
/// scorecard and kpi: every finding (suppressed ones too), never failing on
/// findings, no rendering.
fn check_args(root: &Path, rules: crate::cli::RuleSelection) -> crate::cli::CheckArgs {
    crate::cli::CheckArgs {
        path: root.to_path_buf(),
        output: crate::cli::OutputArgs {
            format: "json".into(),
            output: None,
            fail_on: None,
            soft_fail: true,
            hide_suppressed: false,
            no_color: true,
        },
        rules,
    }
}

/// Loads the workspace settings (defaults when there is no archgate.yaml).
fn settings(root: &Path) -> Result<Settings, String> {
    match Settings::load(root) {
        Ok(s) => Ok(s.unwrap_or_default()),
        Err(e) => Err(e.render()),
    }
}

fn render_errors(errors: &[InputError]) -> String {
    errors
        .iter()
        .map(InputError::render)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A date (`2027-06-30`) or a time from today (`90d`, `12w`, `1y`).
fn date_or_offset(text: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    if let Some(d) = archgate_model::vocab::parse_date(text) {
        return Ok(d);
    }
    let days = days(text)?;
    Ok(today + chrono::Duration::days(days))
}

/// `30d`, `6w`, `1y` as a number of days.
fn days(text: &str) -> Result<i64, String> {
    archgate_model::vocab::parse_duration(text)
        .map(|d| (d.as_secs() / 86_400) as i64)
        .ok_or_else(|| format!("`{text}` is not a duration; expected e.g. 30d, 6w or 1y"))
}

/// The governance part of `archgate check`: prepared before the IaC scan
/// (the technology standard runs inside the scan's single pass as a hook),
/// finished after it (ADR lint, standards' ADR citations, and exceptions,
/// applied last so they can waive every other finding, governance ones included).
pub struct Governance {
    today: NaiveDate,
    standard: Option<Arc<Standard>>,
    /// Tag counts the standards hook adds up during the scan.
    tags: Arc<TagTally>,
}

/// Loads the technology standard and returns what `check` needs.
pub fn prepare(
    root: &Path,
    settings: &Settings,
    report: &mut Report,
) -> Result<Governance, String> {
    let today = today()?;
    // The KPI targets and scorecard levels are settings too: wrong ones are
    // input errors of every run, not only of `kpi` and `scorecard`.
    if let Err(e) = kpi::targets_from_settings(SETTINGS_FILE, &settings.kpis) {
        report.errors.push(e);
    }
    if let Err(e) = scorecard::Policy::from_settings(SETTINGS_FILE, &settings.scorecard) {
        report.errors.push(e);
    }
    let standard = match standards::load_standard(root, &settings.paths.technologies) {
        Ok(Some(s)) => Some(s),
        // Without a standard the built-in lifecycle data still applies.
        Ok(None) => Some(Standard::builtin_only()),
        Err(e) => {
            report.errors.push(e);
            None
        }
    };
    Ok(Governance {
        today,
        standard: standard.map(Arc::new),
        tags: Arc::new(TagTally::default()),
    })
}

impl Governance {
    /// The scan hooks: the technology standard on every parsed unit.
    pub fn hooks(&self) -> Vec<Arc<dyn UnitHook>> {
        match &self.standard {
            Some(s) => vec![Arc::new(StandardsHook(Checker {
                standard: s.clone(),
                today: self.today,
                tally: Some(self.tags.clone()),
            }))],
            None => Vec::new(),
        }
    }

    /// Tag coverage the standards hook counted during the scan.
    pub fn tag_coverage(&self) -> TagCoverage {
        self.tags.get()
    }

    /// ADR lint, citations and exceptions, after every other finding is in.
    /// `catalog` is the model `check` loaded, for the entities' ADR citations.
    pub fn finish(
        &self,
        report: &mut Report,
        root: &Path,
        settings: &Settings,
        catalog: Option<&archgate_model::Catalog>,
    ) {
        let (set, errors) = adr::load_adrs(root, &settings.paths.adr);
        report.errors.extend(errors);
        report.findings.extend(adr::lint(
            &set,
            root,
            self.today,
            &adr::LintOptions::default(),
        ));
        if let Some(s) = self.standard.as_ref().filter(|s| !s.file.is_empty()) {
            report.findings.extend(standards::check_citations(s, &set));
        }
        // Catalog entities citing decisions.
        if let Some(c) = catalog {
            report.findings.extend(adr::check_model_citations(c, &set));
        }
        let (xs, errors) = exceptions::load_exceptions(root, &settings.paths.exceptions);
        report.errors.extend(errors);
        exceptions::apply_exceptions(report, &xs, self.today);
    }
}

#[derive(Debug, Args)]
pub struct ExceptionArgs {
    #[command(subcommand)]
    pub command: ExceptionCommand,
}

#[derive(Debug, Subcommand)]
pub enum ExceptionCommand {
    /// Write a new exception file (never overwrites an existing one).
    New(Box<NewExceptionArgs>),
    /// List the workspace's exceptions with their standing today.
    List(ListExceptionArgs),
    /// List exceptions that expire within a time (and those already expired).
    Expiring(ExpiringArgs),
}

#[derive(Debug, Args)]
pub struct WorkspaceArg {
    /// The workspace root (the directory holding archgate.yaml).
    #[arg(long, short = 'w', default_value = ".", value_name = "DIR")]
    pub workspace: PathBuf,
}

#[derive(Debug, Args)]
pub struct NewExceptionArgs {
    /// The exception's name (metadata.name and the file name).
    pub name: String,
    #[command(flatten)]
    pub ws: WorkspaceArg,
    /// Rule ids or Checkov/Trivy aliases waived (comma-separated, repeatable).
    #[arg(long = "rule", value_delimiter = ',', value_name = "IDS")]
    pub rules: Vec<String>,
    /// Controls waived (`pci-dss-4.0:3.5.1`).
    #[arg(long = "control", value_delimiter = ',', value_name = "CONTROLS")]
    pub controls: Vec<String>,
    /// Threats waived.
    #[arg(long = "threat", value_delimiter = ',', value_name = "THREATS")]
    pub threats: Vec<String>,
    /// Scope: model components (`ledger`, `component:ledger`).
    #[arg(long = "component", value_delimiter = ',', value_name = "REFS")]
    pub components: Vec<String>,
    /// Scope: resource addresses or globs (`aws_db_instance.ledger`).
    #[arg(long = "resource", value_delimiter = ',', value_name = "GLOBS")]
    pub resources: Vec<String>,
    /// Scope: path globs relative to the workspace (`infra/terraform/**`).
    #[arg(long = "path", value_delimiter = ',', value_name = "GLOBS")]
    pub paths: Vec<String>,
    /// Why the risk is accepted.
    #[arg(long, value_name = "TEXT")]
    pub justification: String,
    /// What limits the risk meanwhile (repeatable).
    #[arg(long = "compensating-control", value_name = "TEXT")]
    pub compensating_controls: Vec<String>,
    #[arg(long, value_name = "REF")]
    pub risk_owner: Option<String>,
    #[arg(long, value_name = "REF")]
    pub requester: Option<String>,
    /// Who approved it (must not be the requester).
    #[arg(long, value_name = "REF")]
    pub approver: String,
    /// Last day the exception holds: a date (2027-06-30) or a time from today (90d).
    #[arg(long, value_name = "DATE|DURATION")]
    pub expires: String,
    /// Creation date (default: today).
    #[arg(long, value_name = "DATE")]
    pub created: Option<String>,
    /// Ticket tracking the remediation or the risk acceptance.
    #[arg(long, value_name = "KEY")]
    pub ticket: Option<String>,
    /// A one-line title.
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListExceptionArgs {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    /// Output format: text or json.
    #[arg(short = 'o', long = "format", default_value = "text")]
    pub format: String,
}

#[derive(Debug, Args)]
pub struct ExpiringArgs {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    /// How far ahead to look (`30d`, `6w`, `1y`).
    #[arg(long, default_value = "30d", value_name = "DURATION")]
    pub within: String,
    /// Output format: text or json.
    #[arg(short = 'o', long = "format", default_value = "text")]
    pub format: String,
}

pub fn run_exception(a: ExceptionArgs) -> Result<i32, String> {
    match a.command {
        ExceptionCommand::New(n) => exception_new(*n),
        ExceptionCommand::List(l) => {
            let xs = load(&l.ws.workspace)?;
            print_exceptions(&xs, |_| true, &l.format)
        }
        ExceptionCommand::Expiring(e) => {
            let horizon = days(&e.within)?;
            let xs = load(&e.ws.workspace)?;
            let today = today()?;
            print_exceptions(
                &xs,
                |x| x.days_left(today).is_some_and(|d| d <= horizon),
                &e.format,
            )
        }
    }
}

fn load(root: &Path) -> Result<Vec<Exception>, String> {
    let s = settings(root)?;
    let (xs, errors) = exceptions::load_exceptions(root, &s.paths.exceptions);
    if !errors.is_empty() {
        return Err(render_errors(&errors));
    }
    Ok(xs)
}

fn exception_new(a: NewExceptionArgs) -> Result<i32, String> {
    let root = &a.ws.workspace;
    let s = settings(root)?;
    let today = today()?;
    let created = match &a.created {
        Some(c) => archgate_model::vocab::parse_date(c)
            .ok_or_else(|| format!("--created `{c}` is not a date; expected YYYY-MM-DD"))?,
        None => today,
    };
    let x = NewException {
        name: a.name,
        title: a.title,
        rules: a.rules,
        controls: a.controls,
        threats: a.threats,
        components: a.components,
        resources: a.resources,
        paths: a.paths,
        justification: a.justification,
        compensating_controls: a.compensating_controls,
        risk_owner: a.risk_owner,
        requester: a.requester,
        approver: a.approver,
        created,
        expires: date_or_offset(&a.expires, today)?,
        ticket: a.ticket,
    };
    let path = exceptions::create_exception(root, &s.paths.exceptions, &x)?;
    println!("Created {}", path.display());
    Ok(exit::CLEAN)
}

fn print_exceptions(
    xs: &[Exception],
    keep: impl Fn(&Exception) -> bool,
    format: &str,
) -> Result<i32, String> {
    let today = today()?;
    let mut rows: Vec<&Exception> = xs.iter().filter(|x| keep(x)).collect();
    rows.sort_by_key(|x| (x.expires.as_ref().map(|e| e.value), x.name.value.clone()));
    match format {
        "json" => {
            let list: Vec<serde_json::Value> = rows
                .iter()
                .map(|x| {
                    serde_json::json!({
                        "name": x.name.value,
                        "title": x.title,
                        "file": x.file,
                        "line": x.name.span.line,
                        "standing": x.standing(today).as_str(),
                        "status": x.status,
                        "waives": x.waives(),
                        "approver": x.approver.as_ref().map(|a| &a.value),
                        "requester": x.requester.as_ref().map(|a| &a.value),
                        "riskOwner": x.risk_owner.as_ref().map(|a| &a.value),
                        "created": x.created.as_ref().map(|d| d.value.to_string()),
                        "expires": x.expires.as_ref().map(|d| d.value.to_string()),
                        "daysLeft": x.days_left(today),
                        "ticket": x.ticket.as_ref().map(|t| &t.value),
                    })
                })
                .collect();
            let text = serde_json::to_string_pretty(&list).map_err(|e| e.to_string())?;
            println!("{text}");
        }
        "text" => {
            if rows.is_empty() {
                println!("No exceptions.");
                return Ok(exit::CLEAN);
            }
            println!(
                "{:<32} {:<9} {:<11} {:>5}  {:<24} WAIVES",
                "NAME", "STANDING", "EXPIRES", "DAYS", "APPROVER"
            );
            for x in &rows {
                let standing = x.standing(today);
                let flag = match standing {
                    Standing::InForce | Standing::Pending => "",
                    Standing::Expired | Standing::Invalid => "!",
                };
                println!(
                    "{:<32} {:<9} {:<11} {:>5}  {:<24} {}",
                    x.name.value,
                    format!("{}{flag}", standing.as_str()),
                    x.expires
                        .as_ref()
                        .map_or("-".to_string(), |e| e.value.to_string()),
                    x.days_left(today)
                        .map_or("-".to_string(), |d| d.to_string()),
                    x.approver.as_ref().map_or("-", |a| a.value.as_str()),
                    x.waives()
                );
            }
        }
        other => {
            return Err(format!(
                "--format: unknown format `{other}`; expected text or json"
            ))
        }
    }
    Ok(exit::CLEAN)
}

#[derive(Debug, Args)]
pub struct AdrArgs {
    #[command(subcommand)]
    pub command: AdrCommand,
}

#[derive(Debug, Subcommand)]
pub enum AdrCommand {
    /// Write the next decision record (never overwrites an existing file).
    New(NewAdrArgs),
    /// List the decision records.
    List(ListAdrArgs),
    /// Mark OLD superseded by NEW, and NEW as superseding OLD.
    Supersede(SupersedeArgs),
    /// Link two records both ways: `adr link 5 Amends 3 "Amended by"`.
    Link(LinkArgs),
    /// Check the records: status, date, sections, links, supersessions, stale proposals.
    Lint(LintAdrArgs),
}

#[derive(Debug, Args)]
pub struct NewAdrArgs {
    /// The decision's title.
    #[arg(required = true, num_args = 1..)]
    pub title: Vec<String>,
    #[command(flatten)]
    pub ws: WorkspaceArg,
    /// Template: madr, nygard (adr-tools) or log4brains. Default: that of the latest record, else madr.
    #[arg(long, value_name = "FORMAT")]
    pub template: Option<String>,
    /// Initial status.
    #[arg(long, default_value = "proposed")]
    pub status: String,
    /// Who decides (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub deciders: Vec<String>,
    /// The decision's date (default: today).
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// The record this one supersedes (number, ADR-NNNN or file name).
    #[arg(short = 's', long, value_name = "ADR")]
    pub supersedes: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListAdrArgs {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    /// Output format: text or json.
    #[arg(short = 'o', long = "format", default_value = "text")]
    pub format: String,
}

#[derive(Debug, Args)]
pub struct SupersedeArgs {
    /// The record being superseded.
    pub old: String,
    /// The record that supersedes it.
    pub new: String,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

#[derive(Debug, Args)]
pub struct LinkArgs {
    /// The record the link is written on.
    pub source: String,
    /// The link type written on SOURCE (`Amends`).
    pub link: String,
    /// The record linked to.
    pub target: String,
    /// The link type written back on TARGET (`Amended by`).
    pub reverse: String,
    #[command(flatten)]
    pub ws: WorkspaceArg,
}

#[derive(Debug, Args)]
pub struct LintAdrArgs {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    /// A decision proposed for longer than this is reported (`90d`, `12w`).
    #[arg(long, default_value = "90d", value_name = "DURATION")]
    pub max_proposed: String,
    /// Report format: text, json, sarif, junit, markdown, policyreport.
    #[arg(short = 'o', long = "format", default_value = "text")]
    pub format: String,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run_adr(a: AdrArgs) -> Result<i32, String> {
    match a.command {
        AdrCommand::New(n) => adr_new(n),
        AdrCommand::List(l) => adr_list(l),
        AdrCommand::Supersede(s) => {
            let root = &s.ws.workspace;
            let dir = settings(root)?.paths.adr;
            adr::supersede(root, &dir, &s.old, &s.new)?;
            println!("{} is superseded by {}", s.old, s.new);
            Ok(exit::CLEAN)
        }
        AdrCommand::Link(l) => {
            let root = &l.ws.workspace;
            let dir = settings(root)?.paths.adr;
            adr::link(root, &dir, &l.source, &l.link, &l.target, &l.reverse)?;
            println!(
                "{} {} {}; {} {} {}",
                l.source, l.link, l.target, l.target, l.reverse, l.source
            );
            Ok(exit::CLEAN)
        }
        AdrCommand::Lint(l) => adr_lint(l),
    }
}

fn adr_new(a: NewAdrArgs) -> Result<i32, String> {
    let root = &a.ws.workspace;
    let dir = settings(root)?.paths.adr;
    let title = a.title.join(" ");
    let status = AdrStatus::parse(&a.status).ok_or_else(|| {
        format!(
            "--status `{}`: expected draft, proposed, accepted, rejected, deprecated or superseded",
            a.status
        )
    })?;
    let format = match &a.template {
        Some(t) => AdrFormat::parse(t)
            .ok_or_else(|| format!("--template `{t}`: expected madr, nygard or log4brains"))?,
        None => {
            let (set, _) = adr::load_adrs(root, &dir);
            set.adrs
                .iter()
                .max_by_key(|x| (x.number, x.file_name.clone()))
                .map_or(AdrFormat::Madr, |x| x.format)
        }
    };
    let date = match &a.date {
        Some(d) => archgate_model::vocab::parse_date(d)
            .ok_or_else(|| format!("--date `{d}` is not a date; expected YYYY-MM-DD"))?,
        None => today()?,
    };
    let n = NewAdr {
        title,
        format,
        status,
        date,
        deciders: a.deciders,
    };
    let path = adr::create(root, &dir, &n, a.supersedes.as_deref())?;
    println!("Created {}", path.display());
    Ok(exit::CLEAN)
}

fn adr_list(a: ListAdrArgs) -> Result<i32, String> {
    let root = &a.ws.workspace;
    let dir = settings(root)?.paths.adr;
    let (set, errors) = adr::load_adrs(root, &dir);
    if !errors.is_empty() {
        return Err(render_errors(&errors));
    }
    match a.format.as_str() {
        "json" => {
            let list: Vec<serde_json::Value> = set
                .adrs
                .iter()
                .map(|x| {
                    serde_json::json!({
                        "id": x.id(),
                        "number": x.number,
                        "file": x.file,
                        "format": x.format.as_str(),
                        "title": x.title.as_ref().map(|t| &t.value),
                        "status": x.status.as_ref().map(|s| s.value.as_str()),
                        "statusText": x.status_text,
                        "date": x.date.as_ref().map(|d| d.value.to_string()),
                        "deciders": x.deciders,
                        "tags": x.tags,
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&list).map_err(|e| e.to_string())?
            );
        }
        "text" => {
            if set.adrs.is_empty() {
                println!("No decision records in {dir}.");
                return Ok(exit::CLEAN);
            }
            println!("{:<22} {:<11} {:<11} TITLE", "ID", "STATUS", "DATE");
            for x in &set.adrs {
                println!(
                    "{:<22} {:<11} {:<11} {}",
                    x.id(),
                    x.status.as_ref().map_or("-", |s| s.value.as_str()),
                    x.date
                        .as_ref()
                        .map_or("-".to_string(), |d| d.value.to_string()),
                    x.title.as_ref().map_or("", |t| t.value.as_str())
                );
            }
        }
        other => {
            return Err(format!(
                "--format: unknown format `{other}`; expected text or json"
            ))
        }
    }
    Ok(exit::CLEAN)
}

fn adr_lint(a: LintAdrArgs) -> Result<i32, String> {
    let root = &a.ws.workspace;
    let s = settings(root)?;
    let format: Format = a
        .format
        .parse()
        .map_err(|e: String| format!("--format: {e}"))?;
    let opts = adr::LintOptions {
        max_proposed_days: days(&a.max_proposed)?,
    };
    let mut report = Report {
        command: "adr lint".into(),
        root: root.display().to_string(),
        ..Report::default()
    };
    let (set, errors) = adr::load_adrs(root, &s.paths.adr);
    report.errors.extend(errors);
    report.findings = adr::lint(&set, root, today()?, &opts);
    report.stats.files = set.adrs.len();
    report.sort();
    let mut ids: Vec<&str> = report.findings.iter().map(|f| f.rule_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    report.rules = ids
        .iter()
        .filter_map(|id| archgate_governance::rules::meta(id).cloned())
        .collect();
    let text = render(
        &report,
        format,
        &RenderOptions {
            color: false,
            fail_on: s.fail_on,
            show_suppressed: true,
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
    );
    match &a.output {
        Some(p) => {
            std::fs::write(p, &text).map_err(|e| format!("cannot write {}: {e}", p.display()))?
        }
        None => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
        }
    }
    Ok(report.exit_code(s.fail_on, false))
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The workspace root (the directory holding archgate.yaml).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Tracker format: jira-csv or github-issues.
    #[arg(long, value_name = "FORMAT")]
    pub to: String,
    /// Write to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lowest severity exported (default: low).
    #[arg(long, default_value = "low", value_name = "SEVERITY")]
    pub min_severity: String,
    #[command(flatten)]
    pub rules: crate::cli::RuleSelection,
}

/// `archgate export`: runs the checks of `archgate check`, groups the open
/// findings per component and rule, and writes the tracker's import file.
pub fn run_export(a: ExportArgs) -> Result<i32, String> {
    let min: archgate_core::Severity = a
        .min_severity
        .parse()
        .map_err(|e: String| format!("--min-severity: {e}"))?;
    let render_items: fn(&[export::BacklogItem]) -> String = match a.to.as_str() {
        "jira-csv" => export::jira_csv,
        "github-issues" => export::github_issues,
        other => {
            return Err(format!(
                "--to: unknown tracker format `{other}`; expected jira-csv or github-issues"
            ))
        }
    };
    let args = check_args(&a.path, a.rules);
    let (report, _) = crate::commands::check_report(&args)?;
    if !report.errors.is_empty() {
        return Err(format!(
            "the workspace has input errors; fix them before exporting:\n{}",
            render_errors(&report.errors)
        ));
    }
    let s = settings(&a.path)?;
    let loaded = archgate_model::load_catalog(&a.path, &s.paths.catalog);
    let owner = |c: &str| export::catalog_owner(&loaded.catalog, c);
    let items = export::backlog(
        &report,
        min,
        &owner,
        today()?,
        &export::DuePolicy::default(),
    );
    let text = render_items(&items);
    match &a.output {
        Some(p) => {
            std::fs::write(p, &text).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
            eprintln!("{} tickets written to {}", items.len(), p.display());
        }
        None => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
        }
    }
    Ok(exit::CLEAN)
}

#[derive(Debug, Args)]
pub struct EvidenceArgs {
    /// The workspace root (the directory holding archgate.yaml).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The framework: pci-dss, soc2, iso27001, nist-800-53, cis-aws, … or an id from controls/*.yaml.
    #[arg(long, value_name = "FRAMEWORK")]
    pub framework: String,
    /// The directory the pack is written to (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// The run's time, RFC 3339: `SOURCE_DATE_EPOCH` (seconds, the
/// reproducible-builds convention) when set, else now.
fn generated_at() -> Result<String, String> {
    let t = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) => {
            let secs: i64 = s
                .trim()
                .parse()
                .map_err(|_| format!("SOURCE_DATE_EPOCH=`{s}` is not a number of seconds"))?;
            chrono::DateTime::from_timestamp(secs, 0)
                .ok_or_else(|| format!("SOURCE_DATE_EPOCH=`{s}` is out of range"))?
        }
        Err(_) => chrono::Utc::now(),
    };
    Ok(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// `archgate evidence`: runs the checks of `archgate check` and writes the
/// framework's evidence pack.
pub fn run_evidence(a: EvidenceArgs) -> Result<i32, String> {
    let s = settings(&a.path)?;
    let (mappings, errors) = controls::load_mappings(&a.path, &s.paths.controls);
    if !errors.is_empty() {
        return Err(render_errors(&errors));
    }
    let fw = mappings.resolve(&a.framework).ok_or_else(|| {
        format!(
            "--framework: unknown framework `{}`; expected one of {} (or pci-dss, iso27001, nist-800-53, cis-aws …)",
            a.framework,
            mappings.ids().join(", ")
        )
    })?;
    // Evidence covers every check: no rule selection.
    let args = check_args(&a.path, crate::cli::RuleSelection::default());
    let (report, _) = crate::commands::check_report(&args)?;
    if !report.errors.is_empty() {
        return Err(format!(
            "the workspace has input errors; an evidence pack from a partial run would be wrong:\n{}",
            render_errors(&report.errors)
        ));
    }
    let p = evidence::Provenance {
        workspace: a.path.display().to_string(),
        commit: evidence::git_commit(&a.path),
        generated: generated_at()?,
        archgate_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let files = evidence::write_pack(&a.out, fw, &report, &p)?;
    println!(
        "Evidence pack for {} written to {} ({} files; open index.html)",
        fw.title,
        a.out.display(),
        files.len()
    );
    Ok(exit::CLEAN)
}

#[derive(Debug, Args)]
pub struct ScorecardArgs {
    /// Only this component (`ledger`, `component:default/ledger`).
    pub component: Option<String>,
    #[command(flatten)]
    pub ws: WorkspaceArg,
    /// Output format: text, markdown or json (full detail).
    #[arg(short = 'o', long = "format", default_value = "text")]
    pub format: String,
}

/// `archgate scorecard`: readiness levels per component. Exit 1 when a
/// component is below the level its tier requires.
pub fn run_scorecard(a: ScorecardArgs) -> Result<i32, String> {
    let root = &a.ws.workspace;
    let only = match &a.component {
        Some(c) => Some(
            archgate_model::EntityRef::parse(c, Some(archgate_model::Kind::Component), "default")
                .map_err(|e| format!("COMPONENT: {e}"))?,
        ),
        None => None,
    };
    if !matches!(a.format.as_str(), "text" | "markdown" | "md" | "json") {
        return Err(format!(
            "--format: unknown format `{}`; expected text, markdown or json",
            a.format
        ));
    }
    let args = check_args(root, crate::cli::RuleSelection::default());
    let (report, _) = crate::commands::check_report(&args)?;
    if !report.errors.is_empty() {
        return Err(format!(
            "the workspace has input errors; fix them first:\n{}",
            render_errors(&report.errors)
        ));
    }
    let s = settings(root)?;
    let policy =
        scorecard::Policy::from_settings(SETTINGS_FILE, &s.scorecard).map_err(|e| e.render())?;
    let loaded = archgate_model::load_catalog(root, &s.paths.catalog);
    let cards =
        scorecard::scorecards_with(&loaded.catalog, &report.findings, only.as_ref(), &policy);
    if let (Some(c), true) = (&a.component, cards.is_empty()) {
        return Err(format!("no component `{c}` in the catalog"));
    }
    let text = match a.format.as_str() {
        "json" => serde_json::to_string_pretty(&cards).map_err(|e| e.to_string())? + "\n",
        "markdown" | "md" => scorecard::table(&cards, true),
        _ => scorecard::table(&cards, false),
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    Ok(if cards.iter().all(|c| c.meets_tier()) {
        exit::CLEAN
    } else {
        exit::FINDINGS
    })
}

#[derive(Debug, Args)]
pub struct KpiArgs {
    #[command(flatten)]
    pub ws: WorkspaceArg,
    /// Override a KPI's target (`--target policy-compliance=0.9`, repeatable).
    #[arg(long = "target", value_name = "ID=VALUE")]
    pub targets: Vec<String>,
    /// Also show the trend from git history: since a time (`1y`, `90d`), a
    /// date (`2025-11-25`) or a commit (`a1b2c3d`, `v1.4`).
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Output format: text, markdown or json.
    #[arg(short = 'o', long = "format", default_value = "text")]
    pub format: String,
}

/// How far back decision cycle time looks when `--since` is not given.
const DEFAULT_CYCLE_WINDOW_DAYS: i64 = 365;

/// `archgate kpi`: governance KPIs of the workspace, each with its target,
/// and with `--since` their trend over git history.
pub fn run_kpi(a: KpiArgs) -> Result<i32, String> {
    let root = &a.ws.workspace;
    if !matches!(a.format.as_str(), "text" | "markdown" | "md" | "json") {
        return Err(format!(
            "--format: unknown format `{}`; expected text, markdown or json",
            a.format
        ));
    }
    let s = settings(root)?;
    let mut targets = kpi::targets_from_settings(SETTINGS_FILE, &s.kpis).map_err(|e| e.render())?;
    for t in &a.targets {
        let (id, v) = t
            .split_once('=')
            .ok_or_else(|| format!("--target `{t}`: expected ID=VALUE"))?;
        let id = id.trim();
        if !kpi::ids().contains(&id) {
            return Err(format!(
                "--target: unknown KPI `{id}`; expected one of {}",
                kpi::ids().join(", ")
            ));
        }
        let v: f64 = v
            .trim()
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| format!("--target `{t}`: `{v}` is not a number"))?;
        targets.push(kpi::Target {
            id: id.to_string(),
            value: Some(v),
            direction: None,
        });
    }
    let policy =
        scorecard::Policy::from_settings(SETTINGS_FILE, &s.scorecard).map_err(|e| e.render())?;
    let today = today()?;
    let paths = history::Paths {
        adr: s.paths.adr.clone(),
        exceptions: s.paths.exceptions.clone(),
        catalog: s.paths.catalog.clone(),
    };
    // History first: a bad `--since` is a usage error before any scan.
    let trend = match &a.since {
        Some(w) => Some(
            history::read(
                root,
                &paths,
                &Since::parse(w, today),
                today,
                &targets,
                Want::Trend,
            )
            .map_err(|e| format!("--since: {e}"))?,
        ),
        None => None,
    };
    let cycle = match &trend {
        Some(h) => Measured::Yes(h.cycle_times()),
        None => {
            let since = Since::Date(today - chrono::Duration::days(DEFAULT_CYCLE_WINDOW_DAYS));
            match history::read(root, &paths, &since, today, &targets, Want::CycleTimes) {
                Ok(h) => Measured::Yes(h.cycle_times()),
                Err(e) => Measured::No(e.to_string()),
            }
        }
    };
    let args = check_args(root, crate::cli::RuleSelection::default());
    let checked = crate::commands::check_workspace(&args)?;
    let report = &checked.report;
    if !report.errors.is_empty() {
        return Err(format!(
            "the workspace has input errors; KPIs of a partial run would be wrong:\n{}",
            render_errors(&report.errors)
        ));
    }
    let loaded;
    let catalog = match &checked.model {
        Some(m) => &m.catalog,
        None => {
            loaded = archgate_model::load_catalog(root, &s.paths.catalog);
            &loaded.catalog
        }
    };
    let cards = scorecard::scorecards_with(catalog, &report.findings, None, &policy);
    let (xs, _) = exceptions::load_exceptions(root, &s.paths.exceptions);
    let (adrs, _) = adr::load_adrs(root, &s.paths.adr);
    // Counted by the standards hook in the same pass (a standard that does
    // not load is an input error, refused above).
    let tags = Measured::Yes(checked.tags);
    let (with_pattern, meeting) = archgate_model::patterns::adoption_totals(&checked.adoption);
    let adoption = if with_pattern == 0 {
        Measured::No(format!(
            "no reference-architecture pattern in {} applies to a component",
            s.paths.patterns
        ))
    } else {
        Measured::Yes(kpi::PatternAdoption {
            with_pattern,
            meeting,
        })
    };
    let kpis = kpi::compute(&kpi::Inputs {
        report,
        catalog,
        scorecards: &cards,
        exceptions: &xs,
        adrs: &adrs,
        today,
        tags,
        adoption,
        cycle,
        targets: &targets,
    });
    let markdown = matches!(a.format.as_str(), "markdown" | "md");
    let text = match (a.format.as_str(), &trend) {
        ("json", None) => serde_json::to_string_pretty(&kpis).map_err(|e| e.to_string())? + "\n",
        ("json", Some(h)) => {
            serde_json::to_string_pretty(&serde_json::json!({ "kpis": kpis, "history": h }))
                .map_err(|e| e.to_string())?
                + "\n"
        }
        (_, None) => kpi::table(&kpis, markdown),
        (_, Some(h)) => {
            let mut t = kpi::table(&kpis, markdown);
            let from = match &h.since_commit {
                Some(c) => format!("commit {c} ({})", h.since),
                None => h.since.to_string(),
            };
            t.push_str(&format!(
                "\n{}Trend since {from}: {} commits read, HEAD {}\n\n",
                if markdown { "## " } else { "" },
                h.commits,
                h.head
            ));
            t.push_str(&history::trend_table(h, markdown));
            if !h.decisions.is_empty() {
                t.push_str(&format!(
                    "\n{}Decisions accepted since {from}:\n\n",
                    if markdown { "## " } else { "" }
                ));
                for d in &h.decisions {
                    t.push_str(&format!(
                        "{}{:<10} proposed {}  accepted {}  {:>4} days  {}\n",
                        if markdown { "- " } else { "" },
                        d.id,
                        d.proposed,
                        d.accepted,
                        d.days,
                        d.file
                    ));
                }
            }
            if h.truncated {
                t.push_str(
                    "\nThe history ends before the window starts (a shallow clone?): fetch more of it for a full trend.\n",
                );
            }
            if !h.skipped.is_empty() {
                t.push_str(&format!(
                    "\n{} file version(s) at past commits did not parse and were skipped (e.g. {})\n",
                    h.skipped.len(),
                    h.skipped.first().map_or("", |x| x.as_str())
                ));
            }
            t
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    Ok(exit::CLEAN)
}
