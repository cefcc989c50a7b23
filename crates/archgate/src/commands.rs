//! One function per subcommand. Each returns the process exit code, or an
//! error message for a usage/input problem (exit 2).

use crate::cli::{
    CheckArgs, Cli, Command, ExplainArgs, InitArgs, OutputArgs, RuleSelection, RulesArgs, ScanArgs,
};
use archgate_core::render::{render_to, Format, RenderOptions};
use archgate_core::report::{exit, Report};
use archgate_core::{InputError, Note, RuleMeta, Settings, Severity};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

include!(concat!(env!("OUT_DIR"), "/init_files.rs"));

pub fn run(cli: Cli) -> Result<i32, String> {
    match cli.command {
        Command::Check(a) => check(a),
        Command::Scan(a) => scan(a),
        Command::Init(a) => init(a),
        Command::Rules(a) => rules(a),
        Command::Explain(a) => explain(a),
        Command::Exception(a) => crate::governance_cmd::run_exception(a),
        Command::Adr(a) => crate::governance_cmd::run_adr(a),
        Command::Export(a) => crate::governance_cmd::run_export(a),
        Command::Evidence(a) => crate::governance_cmd::run_evidence(a),
        Command::Scorecard(a) => crate::governance_cmd::run_scorecard(a),
        Command::Kpi(a) => crate::governance_cmd::run_kpi(a),
        Command::Policy(a) => crate::policy_cmd::run(a),
        Command::Diagram(a) => crate::diagram_cmd::run(a),
        Command::Import(a) => crate::import_cmd::run(a),
        Command::Threats(a) => crate::threats_cmd::run(a),
    }
}

/// Looks up a rule's metadata in the built-in registry.
fn lookup(id: &str) -> Option<RuleMeta> {
    archgate_rules::registry().get(id).map(|r| r.meta.clone())
}

fn scan_options(
    sel: &RuleSelection,
    settings: &Settings,
) -> Result<archgate_rules::scan::ScanOptions, String> {
    let mut frameworks = Vec::new();
    for f in &sel.framework {
        match archgate_iac::SourceKind::parse(f) {
            Some(k) => frameworks.push(k),
            None if f == "all" => {}
            None => {
                return Err(format!(
                    "unknown framework `{f}`; expected one of terraform, terraform_plan, kubernetes, dockerfile, cloudformation, github_actions, config"
                ))
            }
        }
    }
    let mut checks = settings.checks.clone();
    checks.extend(sel.check.iter().cloned());
    let mut skip = settings.skip_checks.clone();
    skip.extend(sel.skip_check.iter().cloned());
    let mut exclude = settings.iac.exclude.clone();
    exclude.extend(sel.exclude.iter().cloned());
    Ok(archgate_rules::scan::ScanOptions {
        frameworks: if frameworks.is_empty() {
            None
        } else {
            Some(frameworks)
        },
        checks,
        skip_checks: skip,
        external_checks_dirs: sel.external_checks_dir.clone(),
        baseline: sel.baseline.clone(),
        exclude,
        threads: sel.threads,
        progress: std::io::stderr().is_terminal(),
        parse_only: sel.parse_only,
        hooks: Vec::new(),
    })
}

/// Rego policies also read configuration files (`Jenkinsfile`, TOML, INI,
/// …) in the same pass: without `--framework`, discovery takes them too.
/// A `--framework` list is kept as given (`config` selects them).
fn with_config_files(frameworks: &mut Option<Vec<archgate_iac::SourceKind>>) {
    if frameworks.is_none() {
        *frameworks = Some(archgate_iac::SourceKind::ALL.to_vec());
    }
}

fn threshold(out: &OutputArgs, settings: &Settings) -> Result<Severity, String> {
    match &out.fail_on {
        Some(s) => s.parse::<Severity>().map_err(|e| format!("--fail-on: {e}")),
        None => Ok(settings.fail_on),
    }
}

/// Renders, writes and turns the report into an exit code.
pub(crate) fn finish(
    mut report: Report,
    out: &OutputArgs,
    sel: Option<&RuleSelection>,
    fail_on: Severity,
    started: Instant,
) -> Result<i32, String> {
    let format: Format = out
        .format
        .parse()
        .map_err(|e: String| format!("--format: {e}"))?;
    report.sort();
    describe_fired_rules(&mut report);
    report.stats.duration_ms = started.elapsed().as_millis() as u64;
    if let Some(path) = sel.and_then(|s| s.create_baseline.as_ref()) {
        archgate_rules::baseline::write(path, &report)
            .map_err(|e| format!("cannot write baseline {}: {e}", path.display()))?;
        eprintln!(
            "baseline with {} findings written to {}",
            report.failing(Severity::Info).count(),
            path.display()
        );
        return Ok(exit::CLEAN);
    }
    let color = out.output.is_none()
        && !out.no_color
        && std::env::var_os("NO_COLOR").is_none()
        && std::io::stdout().is_terminal();
    let opts = RenderOptions {
        color,
        fail_on,
        show_suppressed: !out.hide_suppressed,
        version: env!("CARGO_PKG_VERSION").to_string(),
    };
    // Written as it is rendered: a large scan's JSON report is megabytes,
    // and building it as one string first cost tens of milliseconds.
    match &out.output {
        Some(path) => {
            let written = std::fs::File::create(path).and_then(|f| {
                let mut w = std::io::BufWriter::new(f);
                render_to(&report, format, &opts, &mut w)?;
                w.flush()
            });
            written.map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            eprintln!("report written to {}", path.display());
        }
        None => {
            let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            // A closed pipe (`archgate check | head`) is not an error worth a panic.
            let _ = render_to(&report, format, &opts, &mut stdout);
            let _ = stdout.flush();
        }
    }
    Ok(report.exit_code(fail_on, out.soft_fail))
}

/// Makes `report.rules` describe exactly the rules that produced findings
/// (SARIF rule descriptors): those the scans returned (which include users'
/// external checks) plus built-in metadata for the rest.
fn describe_fired_rules(report: &mut Report) {
    let mut seen = std::collections::BTreeSet::new();
    let fired: std::collections::BTreeSet<&str> =
        report.findings.iter().map(|f| f.rule_id.as_str()).collect();
    let mut rules: Vec<RuleMeta> = Vec::new();
    for m in std::mem::take(&mut report.rules) {
        if fired.contains(m.id.as_str()) && seen.insert(m.id.clone()) {
            rules.push(m);
        }
    }
    for id in fired {
        if !seen.contains(id) {
            if let Some(m) = lookup(id) {
                seen.insert(id.to_string());
                rules.push(m);
            }
        }
    }
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    report.rules = rules;
}

fn require_dir(path: &Path) -> Result<(), String> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(format!(
            "{} is a file; expected a workspace directory",
            path.display()
        )),
        Err(_) => Err(format!("{}: no such directory", path.display())),
    }
}

fn check(a: CheckArgs) -> Result<i32, String> {
    let started = Instant::now();
    let (report, fail_on) = check_report(&a)?;
    finish(report, &a.output, Some(&a.rules), fail_on, started)
}

/// Everything `check` finds, before rendering (also the input of `export`),
/// with the failure threshold.
pub(crate) fn check_report(a: &CheckArgs) -> Result<(Report, Severity), String> {
    check_workspace(a).map(|c| (c.report, c.fail_on))
}

/// Everything `archgate check` computed: the report and, when the workspace
/// has a catalog, the model with the IaC linked to it (for `threats`,
/// `diagram` and the scorecards).
pub(crate) struct Checked {
    pub report: Report,
    pub fail_on: Severity,
    pub model: Option<crate::workspace::Model>,
    /// Adoption status per reference pattern.
    pub adoption: Vec<archgate_model::patterns::Adoption>,
    /// Tag coverage counted by the standards hook in the scan's pass.
    pub tags: archgate_governance::standards::TagCoverage,
    /// STRIDE threats derived from the model (statuses before exceptions;
    /// `threats::mark_accepted` reads the exceptions back from `report`).
    pub threats: Vec<archgate_model::threats::Threat>,
}

/// Runs the whole check: settings → model → IaC scan (rules, policies,
/// standards and resource collection in one pass per IaC root) → links,
/// patterns and threats → governance (ADRs, exceptions last).
pub(crate) fn check_workspace(a: &CheckArgs) -> Result<Checked, String> {
    let root = &a.path;
    require_dir(root)?;
    let mut report = Report {
        command: "check".into(),
        root: root.display().to_string(),
        ..Report::default()
    };
    let settings = match Settings::load(root) {
        Ok(Some(s)) => s,
        Ok(None) => {
            report.notes.push(Note {
                file: None,
                message: format!(
                    "no archgate.yaml in {}: checking with the default settings",
                    root.display()
                ),
            });
            Settings::default()
        }
        Err(e) => {
            // Settings are the frame of the whole run: nothing else is meaningful without them.
            report.errors.push(e);
            Settings::default()
        }
    };
    let fail_on = threshold(&a.output, &settings)?;

    // The model: catalog loading and validation.
    let catalog_dir = root.join(&settings.paths.catalog);
    let mut catalog = None;
    if catalog_dir.is_dir() {
        let loaded = archgate_model::load_catalog(root, &settings.paths.catalog);
        report.stats.entities = loaded.catalog.len();
        report.errors.extend(loaded.errors);
        report.notes.extend(loaded.notes);
        for f in archgate_model::validate(&loaded.catalog, &lookup) {
            // A flow or trust boundary naming an entity that does not exist
            // leaves the data-flow graph broken: threats and classification
            // checks cannot be derived for it, so the run is incomplete (exit 2).
            let structural = f.rule_id == archgate_model::validate::DANGLING_REFERENCE
                && f.resource
                    .as_deref()
                    .is_some_and(|r| r.starts_with("dataflow:") || r.starts_with("trustboundary:"));
            match (&f.location, structural) {
                (Some(l), true) => report.errors.push(
                    InputError::new(l.file.clone(), l.span.line, l.span.col, f.message)
                        .expected("a reference to an entity defined in the catalog"),
                ),
                _ => report.findings.push(f),
            }
        }
        // Domain segregation (context map, cross-domain coupling).
        report
            .findings
            .extend(archgate_model::ddd::ddd_findings(&loaded.catalog, &lookup));
        catalog = Some(loaded.catalog);
    } else {
        report.notes.push(Note {
            file: None,
            message: format!(
                "no catalog at {}: model checks skipped",
                settings.paths.catalog
            ),
        });
    }

    // Infrastructure code under each IaC root.
    let mut opts = scan_options(&a.rules, &settings)?;
    // The workspace's Rego policies run on the same files in the same pass.
    let policies = archgate_policy::hook::workspace_policies(&root.join(&settings.paths.policy));
    // Policies are not infrastructure: Kyverno policies would otherwise be scanned as manifests.
    opts.exclude.push(format!(
        "{}/**",
        settings.paths.policy.trim_end_matches('/')
    ));
    if policies.wants_config_files() {
        with_config_files(&mut opts.frameworks);
    }
    // Configuration files that do not parse are the Rego hook's input errors.
    let rego = policies.rego.clone();
    opts.hooks.extend(policies.hooks);
    report.errors.extend(policies.errors);
    report.notes.extend(policies.notes);
    // Standards run inside the scan; ADR lint and exceptions after it.
    let governance = crate::governance_cmd::prepare(root, &settings, &mut report)?;
    opts.hooks.extend(governance.hooks());
    // Reference patterns are read before the scan: the settings they compare
    // are collected in the scan's pass.
    let patterns = catalog.as_ref().map(|_| {
        let (patterns, errors) =
            archgate_model::patterns::load_patterns(root, &settings.paths.patterns, &lookup);
        report.errors.extend(errors);
        patterns
    });
    let wanted = patterns
        .as_deref()
        .map(archgate_model::patterns::wanted_settings)
        .unwrap_or_default();
    let mut resources = Vec::new();
    for r in &settings.iac.roots {
        let dir = root.join(r);
        if !dir.exists() {
            report.errors.push(
                InputError::whole_file(
                    r.clone(),
                    "IaC root listed in archgate.yaml does not exist",
                )
                .expected("an existing directory"),
            );
            continue;
        }
        // The model needs every resource, not only those with findings:
        // collected in the same pass, only when there is a model to link to.
        let collector = catalog
            .as_ref()
            .map(|_| crate::workspace::Collector::new(r, wanted.clone()));
        if let Some(c) = &collector {
            opts.hooks.push(c.clone());
        }
        let mut part = archgate_rules::scan::scan(&dir, &opts);
        if let Some(h) = &rego {
            part.errors.extend(h.take_errors());
        }
        if let Some(c) = collector {
            opts.hooks.pop();
            resources.extend(c.take());
        }
        merge(&mut report, part, r);
    }

    // Links: findings carry their component, owner and tier; shadow
    // infrastructure and missing declared IaC are findings of their own.
    let mut threats = Vec::new();
    let model = catalog.map(|c| {
        let model = crate::workspace::Model::new(c, &settings.iac.link_keys, resources);
        report.components = archgate_model::links::annotate(
            &mut report.findings,
            &model.catalog,
            &model.linker,
            &model.inventory,
        );
        let mut out = archgate_model::emit::Emitter::new(&model.catalog, &lookup);
        archgate_model::links::link_findings(&model.catalog, &model.inventory, &mut out);
        // Threats see the IaC linked to each component (mitigations).
        threats = archgate_model::threats::derive(&model.catalog, Some(&model.inventory), &mut out);
        report.findings.extend(out.findings);
        model
    });
    governance.finish(
        &mut report,
        root,
        &settings,
        model.as_ref().map(|m| &m.catalog),
    );
    // Patterns last: a required control whose finding an exception waives is
    // met by that waiver, so they need the exceptions applied.
    let mut adoption = Vec::new();
    if let (Some(m), Some(patterns)) = (&model, &patterns) {
        let mut out = archgate_model::emit::Emitter::new(&m.catalog, &lookup);
        adoption = archgate_model::patterns::evaluate(
            &m.catalog,
            &m.inventory,
            patterns,
            &report.findings,
            &mut out,
        );
        report.findings.extend(out.findings);
        for a in adoption.iter().filter(|a| !a.components.is_empty()) {
            report.notes.push(Note {
                file: None,
                message: format!(
                    "pattern {}: {} of {} components meet it{}",
                    a.pattern,
                    a.adopted.len(),
                    a.components.len(),
                    if a.adopted.len() < a.components.len() {
                        // At most a screenful of names; the JSON findings have them all.
                        let gaps = a.gaps();
                        let mut names: Vec<&str> = gaps
                            .iter()
                            .take(10)
                            .map(|c| c.rsplit('/').next().unwrap_or(c))
                            .collect();
                        let more = gaps.len().saturating_sub(names.len());
                        let more = if more > 0 {
                            format!(" and {more} more")
                        } else {
                            String::new()
                        };
                        names.sort_unstable();
                        format!(" (gaps: {}{more})", names.join(", "))
                    } else {
                        String::new()
                    }
                ),
            });
        }
    }
    Ok(Checked {
        report,
        fail_on,
        tags: governance.tag_coverage(),
        model,
        adoption,
        threats,
    })
}

/// Moves `items` to the end of `to`, taking the vector itself when `to` is
/// empty (no copy, no fresh allocation).
fn append<T>(to: &mut Vec<T>, items: Vec<T>) {
    if to.is_empty() {
        *to = items;
    } else {
        to.extend(items);
    }
}

/// Adds a scan of `prefix` (relative to the report root) to `report`.
fn merge(report: &mut Report, part: Report, prefix: &str) {
    let prefix = prefix.trim_start_matches("./").trim_end_matches('/');
    let join = |p: &str| format!("{prefix}/{p}");
    if prefix.is_empty() || prefix == "." {
        // One scanned path (the usual case): the findings move as they are;
        // a large scan has tens of thousands.
        append(&mut report.findings, part.findings);
        append(&mut report.errors, part.errors);
        append(&mut report.notes, part.notes);
    } else {
        report.findings.reserve(part.findings.len());
        for mut f in part.findings {
            if let Some(l) = f.location.as_mut() {
                l.file = join(&l.file);
            }
            for l in f.related.iter_mut() {
                l.file = join(&l.file);
            }
            report.findings.push(f);
        }
        for mut e in part.errors {
            e.file = join(&e.file);
            report.errors.push(e);
        }
        for mut n in part.notes {
            n.file = n.file.map(|f| join(&f));
            report.notes.push(n);
        }
    }
    report.rules.extend(part.rules);
    report.stats.files += part.stats.files;
    report.stats.resources += part.stats.resources;
    report.stats.rules = report.stats.rules.max(part.stats.rules);
}

fn scan(a: ScanArgs) -> Result<i32, String> {
    let started = Instant::now();
    let settings = Settings::default();
    let fail_on = threshold(&a.output, &settings)?;
    let mut opts = scan_options(&a.rules, &settings)?;
    let mut policy_errors = Vec::new();
    let mut policy_notes = Vec::new();
    let mut rego = Vec::new();
    for dir in &a.policy {
        if !dir.is_dir() {
            return Err(format!("--policy {}: no such directory", dir.display()));
        }
        let p = archgate_policy::hook::workspace_policies(dir);
        if p.wants_config_files() {
            with_config_files(&mut opts.frameworks);
        }
        rego.extend(p.rego.clone());
        opts.hooks.extend(p.hooks);
        policy_errors.extend(p.errors);
        policy_notes.extend(p.notes);
    }
    let mut report = Report {
        command: "scan".into(),
        root: a
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" "),
        ..Report::default()
    };
    report.errors.extend(policy_errors);
    report.notes.extend(policy_notes);
    for p in &a.paths {
        if !p.exists() {
            return Err(format!("{}: no such file or directory", p.display()));
        }
        let mut part = archgate_rules::scan::scan(p, &opts);
        for h in &rego {
            part.errors.extend(h.take_errors());
        }
        let prefix = if a.paths.len() > 1 {
            p.display().to_string()
        } else {
            String::new()
        };
        merge(&mut report, part, &prefix);
    }
    finish(report, &a.output, Some(&a.rules), fail_on, started)
}

fn init(a: InitArgs) -> Result<i32, String> {
    let dir = &a.dir;
    if dir.join(archgate_core::config::SETTINGS_FILE).exists() {
        return Err(format!(
            "{} already holds an archgate.yaml; nothing was changed",
            dir.display()
        ));
    }
    // Refuse before writing anything, so a half-scaffolded directory never happens.
    let clashes: Vec<&str> = INIT_FILES
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| dir.join(p).exists())
        .collect();
    if !clashes.is_empty() {
        return Err(format!(
            "{} already has {}; nothing was changed",
            dir.display(),
            clashes.join(", ")
        ));
    }
    for (rel, text) in INIT_FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!(
        "Created an archgate workspace in {} ({} files).",
        dir.display(),
        INIT_FILES.len()
    );
    println!("Next: archgate check {}", dir.display());
    Ok(exit::CLEAN)
}

fn rules(a: RulesArgs) -> Result<i32, String> {
    let reg = archgate_rules::registry();
    let mut list: Vec<&RuleMeta> = reg
        .all()
        .map(|r| &r.meta)
        .filter(|m| {
            a.provider
                .as_ref()
                .is_none_or(|p| m.provider.eq_ignore_ascii_case(p))
        })
        .filter(|m| a.id.as_ref().is_none_or(|id| m.answers_to(id)))
        .collect();
    list.sort_by(|x, y| (&x.provider, &x.id).cmp(&(&y.provider, &y.id)));
    if list.is_empty() {
        return Err(match (&a.id, &a.provider) {
            (Some(id), _) => {
                format!("no rule with id or alias `{id}`; run `archgate rules` for the list")
            }
            (None, Some(p)) => format!("no rules for provider `{p}`"),
            _ => "no rules".into(),
        });
    }
    let out = match a.format.as_str() {
        "json" => serde_json::to_string_pretty(&list).map_err(|e| e.to_string())? + "\n",
        "markdown" | "md" => rules_markdown(&list),
        "text" => rules_text(&list),
        other => {
            return Err(format!(
                "--format: unknown format `{other}`; expected text, json or markdown"
            ))
        }
    };
    print!("{out}");
    Ok(exit::CLEAN)
}

fn rules_text(list: &[&RuleMeta]) -> String {
    let mut s = String::new();
    let mut provider = "";
    for m in list {
        if m.provider != provider {
            provider = &m.provider;
            let n = list.iter().filter(|x| x.provider == provider).count();
            s.push_str(&format!("\n{provider} ({n} rules)\n"));
        }
        s.push_str(&format!(
            "  {:<22} {:<8} {}\n",
            m.id,
            m.severity.as_str(),
            m.title
        ));
        if !m.aliases.is_empty() {
            s.push_str(&format!(
                "  {:<22} {:<8} aliases: {}\n",
                "",
                "",
                m.aliases.join(", ")
            ));
        }
        if !m.controls.is_empty() {
            s.push_str(&format!(
                "  {:<22} {:<8} controls: {}\n",
                "",
                "",
                m.controls.join(", ")
            ));
        }
    }
    s.push_str(&format!(
        "\n{} rules. `archgate explain ID` shows one rule's documentation.\n",
        list.len()
    ));
    s
}

fn rules_markdown(list: &[&RuleMeta]) -> String {
    let mut s = String::from(
        "| id | severity | provider | title | aliases | controls |\n|---|---|---|---|---|---|\n",
    );
    for m in list {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            m.id,
            m.severity,
            m.provider,
            m.title.replace('|', "\\|"),
            m.aliases.join(", "),
            m.controls.join(", ")
        ));
    }
    s
}

fn explain(a: ExplainArgs) -> Result<i32, String> {
    match archgate_rules::registry().get(&a.id) {
        Some(r) => {
            print!("{}", r.meta.to_markdown());
            Ok(exit::CLEAN)
        }
        None => Err(format!(
            "no rule with id or alias `{}`; run `archgate rules` for the list",
            a.id
        )),
    }
}
