//! Policies inside `archgate check`/`scan`: a [`UnitHook`] that evaluates
//! the workspace's Rego policies on every file of each parsed unit, in the
//! scan's single pass, and turns conftest results into ordinary findings.
//!
//! * **Identity:** `# METADATA` `custom.id` (Trivy: `custom.id`/`avd_id`)
//!   is the rule id, else `<package>.<rule>` (`main.deny_latest`); title,
//!   description and remediation come from the annotation too.
//! * **Severity:** a result object's `severity` key, else the annotation's
//!   `custom.severity`, else `high` for failures and `medium` for warnings.
//! * **Place:** the result's `_loc.line` when it names this file, else
//!   `__defsec_metadata.startline` in the result, else the line the input
//!   document starts on; the resource is the parsed resource at that line.
//! * **Suppressible** by the same inline comments as built-in rules
//!   (`# archgate:ignore main.deny …`, `#checkov:skip=ID`, …) and by
//!   baselines. Exceptions written in Rego (`exception` rules) drop results
//!   before they become findings, as conftest does.
//!
//! * **Configuration files** (`Jenkinsfile`, `nginx.conf`, TOML, INI, XML,
//!   properties, HCL, dotenv, plain JSON/YAML: units without resources,
//!   [`archgate_iac::discover::is_config_file`]) are parsed as `policy test`
//!   parses them (conftest's parser chosen by [`detect`]); one that does not
//!   parse is an [`InputError`], collected by the hook and handed to the
//!   caller ([`WorkspacePolicies::take_input_errors`]), since a scan hook
//!   returns only findings and notes. A scan reads such files only when
//!   asked ([`WorkspacePolicies::wants_config_files`]).
//!
//! Compiled once; each worker takes an engine from a pool of clones of the
//! prepared template, so evaluation needs no lock beyond the pool's.

use crate::conftest::{CheckResult, Evaluator, FileInfo, Outcome};
use crate::input::{detect, parse, Parser};
use crate::load::{EntryRule, Namespace, PolicySet, RuleKind};
use archgate_core::{
    Finding, FindingKind, InputError, Location, Note, RuleDoc, RuleMeta, Severity, Span,
};
use archgate_iac::ParsedUnit;
use archgate_rules::engine::UnitResult;
use archgate_rules::scan::UnitHook;
use archgate_rules::suppress::{FileDirectives, Verdict};
use regorus::Engine;
use std::sync::{Arc, Mutex};

/// Runs a policy set's namespaces on scanned files.
pub struct PolicyHook {
    set: Arc<PolicySet>,
    /// Namespace names and the source kinds each is written for (`None`: every file).
    namespaces: Vec<(String, Option<Vec<&'static str>>)>,
    pool: Mutex<Vec<Engine>>,
    today: String,
    /// Configuration files that did not parse (see [`PolicyHook::take_errors`]).
    errors: Mutex<Vec<InputError>>,
}

impl std::fmt::Debug for PolicyHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicyHook")
            .field("namespaces", &self.namespaces)
            .finish()
    }
}

impl PolicyHook {
    /// Every namespace that has entry rules runs (a workspace's `policy/`
    /// holds policies for different inputs, each in its own package).
    /// Packages marked `custom.deprecated: true` do not run, as Trivy
    /// skips its deprecated checks.
    pub fn new(set: PolicySet) -> PolicyHook {
        let namespaces = set
            .namespaces
            .values()
            .filter(|n| !n.rules.is_empty() && !n.deprecated)
            .map(|n| (n.name.clone(), targets(n)))
            .collect();
        PolicyHook {
            set: Arc::new(set),
            namespaces,
            pool: Mutex::new(Vec::new()),
            today: chrono::Local::now()
                .date_naive()
                .format("%Y-%m-%d")
                .to_string(),
            errors: Mutex::new(Vec::new()),
        }
    }

    /// True when some namespace runs (the scan should then also read
    /// configuration files for it).
    pub fn runs_anything(&self) -> bool {
        !self.namespaces.is_empty()
    }

    /// The input errors found so far (configuration files that do not
    /// parse), sorted by place, and forgets them: a [`UnitHook`] returns
    /// only findings and notes, so the caller moves these into its report
    /// after each scan.
    pub fn take_errors(&self) -> Vec<InputError> {
        let mut out = self
            .errors
            .lock()
            .map(|mut e| std::mem::take(&mut *e))
            .unwrap_or_default();
        out.sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
        out
    }

    /// Evaluates expiry dates of suppressions against `today` (tests).
    pub fn with_today(mut self, today: &str) -> PolicyHook {
        self.today = today.to_string();
        self
    }

    fn take_engine(&self) -> Engine {
        let pooled = self.pool.lock().ok().and_then(|mut p| p.pop());
        pooled.unwrap_or_else(|| self.set.engine())
    }

    fn give_engine(&self, e: Engine) {
        if let Ok(mut p) = self.pool.lock() {
            p.push(e);
        }
    }

    fn namespaces(&self) -> impl Iterator<Item = (&Namespace, Option<&[&'static str]>)> {
        self.namespaces
            .iter()
            .filter_map(|(n, t)| self.set.namespaces.get(n).map(|ns| (ns, t.as_deref())))
    }
}

/// archgate's source kind for a word in a package name or a Trivy selector.
fn kind_word(w: &str) -> Option<&'static str> {
    Some(match w.to_ascii_lowercase().as_str() {
        "kubernetes" | "k8s" | "kube" => "kubernetes",
        "docker" | "dockerfile" => "dockerfile",
        "terraform" | "tf" | "hcl" | "hcl2" => "terraform",
        "terraform_plan" | "tfplan" => "terraform_plan",
        "cloudformation" | "cfn" => "cloudformation",
        "github_actions" | "actions" | "gha" => "github_actions",
        // Configuration files: all of them, or those of one format.
        "config" => "config",
        "toml" => "toml",
        "ini" => "ini",
        "xml" => "xml",
        "properties" => "properties",
        "groovy" | "jenkins" | "jenkinsfile" => "groovy",
        "nginx" => "nginx",
        "dotenv" => "dotenv",
        _ => return None,
    })
}

/// The kind word of a configuration file parsed with `p`: for TOML, INI,
/// XML, properties, Groovy, nginx and dotenv what [`kind_word`] gives for a
/// package naming the format. `yaml`, `json`, `hcl2` and `ignore` are no
/// package words (`hcl` already means Terraform): such files are reached
/// by `config` and untargeted namespaces.
fn format_word(p: Parser) -> &'static str {
    match p {
        Parser::Yaml => "yaml",
        Parser::Json => "json",
        Parser::Hcl2 => "hcl2",
        Parser::Dockerfile => "dockerfile",
        Parser::Dotenv => "dotenv",
        Parser::Ignore => "ignore",
        Parser::Toml => "toml",
        Parser::Ini => "ini",
        Parser::Xml => "xml",
        Parser::Properties => "properties",
        Parser::Groovy => "groovy",
        Parser::Nginx => "nginx",
    }
}

/// The source kinds a namespace is written for: its Trivy
/// `custom.input.selector` types, else the kind a component of its package
/// name names (`docker`, `k8s.pods`, `terraform.s3`); `None` (e.g. `main`)
/// means every file, as conftest runs `main` on whatever it is given.
/// Selectors that name no archgate input (Trivy's `cloud`, which expects
/// Trivy's normalised provider state) match nothing.
pub fn targets(ns: &Namespace) -> Option<Vec<&'static str>> {
    if !ns.selectors.is_empty() {
        return Some(ns.selectors.iter().filter_map(|s| kind_word(s)).collect());
    }
    let kinds: Vec<&'static str> = ns.name.split('.').filter_map(kind_word).collect();
    if kinds.is_empty() {
        None
    } else {
        Some(kinds)
    }
}

/// The rule id a finding of `rule` in `ns` carries.
pub fn rule_id(ns: &Namespace, rule: &EntryRule) -> String {
    rule.annotation
        .id
        .clone()
        .unwrap_or_else(|| format!("{}.{}", ns.name, rule.name))
}

fn meta(ns: &Namespace, rule: &EntryRule) -> RuleMeta {
    let a = &rule.annotation;
    let id = rule_id(ns, rule);
    let mut aliases = a.aliases.clone();
    let plain = format!("{}.{}", ns.name, rule.name);
    if plain != id {
        aliases.push(plain);
    }
    RuleMeta {
        id,
        title: a
            .title
            .clone()
            .unwrap_or_else(|| format!("Rego policy {}.{}", ns.name, rule.name)),
        severity: a
            .severity
            .as_deref()
            .and_then(|s| s.parse().ok())
            .unwrap_or(match rule.kind {
                RuleKind::Failure => Severity::High,
                RuleKind::Warning => Severity::Medium,
            }),
        provider: "rego".into(),
        kind: FindingKind::Policy,
        resource_kinds: Vec::new(),
        aliases,
        controls: Vec::new(),
        doc: RuleDoc {
            description: a.description.clone().unwrap_or_default(),
            remediation: a.remediation.clone().unwrap_or_default(),
            references: vec![format!("{}:{}", rule.file, rule.line)],
            ..RuleDoc::default()
        },
    }
}

/// The line a result points at in `file`, if it says.
fn result_line(o: &Outcome, file: &str) -> Option<u32> {
    if let Some(loc) = &o.loc {
        if loc.file.is_empty() || file.ends_with(&loc.file) || loc.file.ends_with(file) {
            return u32::try_from(loc.line).ok().filter(|l| *l > 0);
        }
    }
    let m = o.metadata.as_ref()?;
    // Trivy's `result.new` puts the cause's start line at the top level.
    if let Some(l) = m
        .get("startline")
        .and_then(|l| l.as_u64())
        .filter(|l| *l > 0)
    {
        return u32::try_from(l).ok();
    }
    let defsec = m
        .get("__defsec_metadata")
        .or_else(|| m.get("cause").and_then(|c| c.get("__defsec_metadata")))?;
    defsec
        .get("startline")
        .or_else(|| defsec.get("StartLine"))
        .and_then(|l| l.as_u64())
        .and_then(|l| u32::try_from(l).ok())
        .filter(|l| *l > 0)
}

/// The whole line `line` of `text` as a span.
fn line_span(text: &str, line: u32) -> Span {
    let mut start = 0usize;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line as usize {
            let body = l.trim_end_matches(['\n', '\r']);
            return Span {
                start,
                end: start + body.len(),
                line,
                col: 1,
                end_line: line,
                end_col: body.chars().count() as u32 + 1,
            };
        }
        start += l.len();
    }
    Span {
        start: 0,
        end: 0,
        line,
        col: 1,
        end_line: line,
        end_col: 1,
    }
}

impl UnitHook for PolicyHook {
    fn evaluate(&self, unit: &ParsedUnit) -> UnitResult {
        let mut out = UnitResult::default();
        if self.namespaces.is_empty() {
            return out;
        }
        // A Terraform unit also carries the files of the local modules it
        // calls; those are evaluated as their own unit, so only files in the
        // unit's own directory are taken here (no duplicate findings).
        let home = unit
            .files
            .first()
            .map(|f| parent(&f.path).to_string())
            .unwrap_or_default();
        let mut engine = Some(self.take_engine());
        for f in unit.files.iter().filter(|f| parent(&f.path) == home) {
            let Ok(parser) = detect(std::path::Path::new(&f.path)) else {
                continue;
            };
            // A file no infrastructure reader took anything from is
            // configuration: policies are the only ones to read it.
            let own = unit.resources.iter().any(|r| r.file == f.path);
            let config = !own && archgate_iac::discover::is_config_file(&f.path);
            let parsed = match parse(parser, &f.path, &f.text) {
                // Configuration JSON is often JSONC (`tsconfig.json`,
                // `.vscode/settings.json`, devcontainers): comments and
                // trailing commas are accepted for it, as archgate's IaC
                // JSON reader accepts them; a `policy test` user names the
                // parser instead.
                Err(_) if config && parser == Parser::Json => {
                    archgate_iac::json::parse(&f.path, &f.text).map(|n| {
                        vec![crate::input::Document {
                            value: crate::input::to_json(&n),
                            line: 1,
                        }]
                    })
                }
                other => other,
            };
            let docs = match parsed {
                Ok(d) => d,
                Err(e) => {
                    // The IaC reader already reported (as an error or a
                    // note) the syntax errors of the files it reads; a
                    // configuration file's are the policies' to report.
                    let said = unit.errors.iter().any(|x| x.file == f.path)
                        || unit
                            .notes
                            .iter()
                            .any(|n| n.file.as_deref() == Some(f.path.as_str()));
                    if config && !said {
                        if let Ok(mut errs) = self.errors.lock() {
                            errs.push(e);
                        }
                    }
                    continue;
                }
            };
            let docs: Vec<(serde_json::Value, u32)> =
                docs.into_iter().map(|d| (d.value, d.line)).collect();
            // Trivy's Dockerfile checks read `input.Stages`: built once per file, when wanted.
            let mut trivy: Option<Vec<(serde_json::Value, u32)>> = None;
            let Some(e) = engine.take() else { break };
            let mut ev = Evaluator::with_engine(&self.set, e);
            let file = FileInfo::of(&f.path);
            let dirs = FileDirectives::parse(&f.text);
            let mut kinds: Vec<&str> = unit
                .resources
                .iter()
                .filter(|r| r.file == f.path)
                .map(|r| r.source.as_str())
                .collect();
            match parser {
                _ if config => kinds.extend(["config", format_word(parser)]),
                Parser::Dockerfile => kinds.push("dockerfile"),
                Parser::Hcl2 => kinds.push("terraform"),
                _ => {}
            }
            for (ns, targets) in self.namespaces() {
                if targets.is_some_and(|t| !t.iter().any(|k| kinds.contains(k))) {
                    continue;
                }
                let input =
                    if parser == Parser::Dockerfile && crate::dockerfile::wants_trivy_shape(ns) {
                        trivy.get_or_insert_with(|| {
                            vec![(crate::dockerfile::to_trivy(&f.text, &f.path), 1)]
                        })
                    } else {
                        &docs
                    };
                // Trivy's selector subtypes: only documents of those kinds.
                let of_kind: Vec<(serde_json::Value, u32)>;
                let input = if ns.kinds.is_empty() {
                    input
                } else {
                    of_kind = input
                        .iter()
                        .filter(|(d, _)| {
                            d.get("kind")
                                .and_then(|k| k.as_str())
                                .is_some_and(|k| ns.kinds.contains(&k.to_ascii_lowercase()))
                        })
                        .cloned()
                        .collect();
                    if of_kind.is_empty() {
                        continue;
                    }
                    &of_kind
                };
                let r = ev.check(ns, input, &file);
                self.findings(ns, &r, unit, &f.path, &f.text, &dirs, &mut out);
            }
            engine = Some(ev.into_engine());
        }
        if let Some(e) = engine {
            self.give_engine(e);
        }
        out
    }

    fn rules(&self) -> Vec<RuleMeta> {
        self.namespaces()
            .flat_map(|(ns, _)| ns.rules.iter().map(move |r| meta(ns, r)))
            .collect()
    }
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

impl PolicyHook {
    #[allow(clippy::too_many_arguments)]
    fn findings(
        &self,
        ns: &Namespace,
        r: &CheckResult,
        unit: &ParsedUnit,
        path: &str,
        text: &str,
        dirs: &FileDirectives,
        out: &mut UnitResult,
    ) {
        for e in &r.errors {
            out.notes.push(Note {
                file: Some(path.to_string()),
                message: format!("policy evaluation failed: {e}"),
            });
        }
        for o in r.failures.iter().chain(r.warnings.iter()) {
            let Some(rule) = ns.rules.iter().find(|x| x.name == o.rule) else {
                continue;
            };
            let mut m = meta(ns, rule);
            if let Some(sev) = o
                .metadata
                .as_ref()
                .and_then(|md| md.get("severity"))
                .and_then(|s| s.as_str())
                .and_then(|s| s.parse::<Severity>().ok())
            {
                m.severity = sev;
            }
            // Without an explicit place, a resource of this file named in the
            // message (`aws_s3_bucket.logs is public`) is the place: HCL
            // inputs are one document, so the document line says little.
            let named = || {
                unit.resources
                    .iter()
                    .filter(|x| x.file == path && o.msg.contains(&x.address))
                    .max_by_key(|x| x.address.len())
                    .map(|x| x.span.line)
            };
            let line = result_line(o, path)
                .or_else(named)
                .unwrap_or(o.doc_line.max(1));
            let span = line_span(text, line);
            // The innermost parsed resource of this file that holds the line.
            let res = unit
                .resources
                .iter()
                .filter(|x| {
                    x.file == path
                        && x.span.line <= line
                        && line <= x.span.end_line.max(x.span.line)
                })
                .min_by_key(|x| x.span.end_line.saturating_sub(x.span.line));
            let res_span = res.map(|x| x.span).unwrap_or(span);
            let suppression = match dirs.verdict(&m, res_span, line, &self.today) {
                Verdict::Suppressed(s) => Some(s),
                Verdict::Expired(l, until) => {
                    out.notes.push(Note {
                        file: Some(path.to_string()),
                        message: format!(
                            "the suppression of {} on line {l} expired on {until}; the finding counts again",
                            m.id
                        ),
                    });
                    None
                }
                Verdict::None => None,
            };
            let address = res.map(|x| x.address.clone());
            out.findings.push(Finding {
                fingerprint: Finding::fingerprint_of(
                    &m.id,
                    path,
                    address.as_deref().unwrap_or(""),
                    &o.msg,
                ),
                rule_id: m.id,
                title: m.title,
                severity: m.severity,
                kind: FindingKind::Policy,
                location: Some(Location {
                    file: path.to_string(),
                    span,
                }),
                resource: address,
                component: None,
                message: o.msg.clone(),
                remediation: Some(m.doc.remediation).filter(|s| !s.is_empty()),
                controls: Vec::new(),
                aliases: m.aliases,
                suppression,
                snippet: archgate_core::span::snippet(text, line, line).into(),
                related: Vec::new(),
            });
        }
    }
}

/// Kyverno policies found in the workspace policy directory, applied to
/// every Kubernetes object of each unit.
#[derive(Debug)]
pub struct KyvernoHook {
    policies: Vec<crate::kyverno::KyvernoPolicy>,
    today: String,
}

impl KyvernoHook {
    pub fn new(policies: Vec<crate::kyverno::KyvernoPolicy>) -> KyvernoHook {
        KyvernoHook {
            policies,
            today: chrono::Local::now()
                .date_naive()
                .format("%Y-%m-%d")
                .to_string(),
        }
    }

    fn meta(&self, p: &crate::kyverno::KyvernoPolicy, r: &crate::kyverno::KyvernoRule) -> RuleMeta {
        // Enforce blocks admission: high. Audit only reports: the policy's
        // own severity annotation, else medium.
        let severity = if r.action.eq_ignore_ascii_case("enforce") {
            Severity::High
        } else {
            p.severity
                .as_deref()
                .and_then(|s| s.parse().ok())
                .unwrap_or(Severity::Medium)
        };
        RuleMeta {
            id: format!("{}/{}", p.name, r.name),
            title: p
                .title
                .clone()
                .map(|t| format!("{t} ({})", r.name))
                .unwrap_or_else(|| format!("Kyverno {}/{}", p.name, r.name)),
            severity,
            provider: "kyverno".into(),
            kind: FindingKind::Policy,
            resource_kinds: Vec::new(),
            aliases: Vec::new(),
            controls: Vec::new(),
            doc: RuleDoc {
                description: p.description.clone().unwrap_or_default(),
                remediation: r.message.clone(),
                references: vec![format!("{}:{}", p.file, r.line)],
                ..RuleDoc::default()
            },
        }
    }
}

impl UnitHook for KyvernoHook {
    fn evaluate(&self, unit: &ParsedUnit) -> UnitResult {
        let mut out = UnitResult::default();
        let mut dirs: std::collections::HashMap<&str, FileDirectives> = Default::default();
        for res in unit
            .resources
            .iter()
            .filter(|r| r.source == archgate_iac::SourceKind::Kubernetes)
        {
            for p in &self.policies {
                for v in p.apply(&res.body) {
                    let Some(rule) = p.rules.iter().find(|r| r.name == v.rule) else {
                        continue;
                    };
                    let m = self.meta(p, rule);
                    let text = unit.text_of(&res.file).unwrap_or_default();
                    let d = dirs
                        .entry(res.file.as_str())
                        .or_insert_with(|| FileDirectives::parse(text));
                    let suppression = match d.verdict(&m, res.span, v.line, &self.today) {
                        Verdict::Suppressed(s) => Some(s),
                        _ => None,
                    };
                    let mut span = line_span(text, v.line.max(1));
                    span.col = v.col.max(1);
                    out.findings.push(Finding {
                        fingerprint: Finding::fingerprint_of(
                            &m.id,
                            &res.file,
                            &res.address,
                            &v.message,
                        ),
                        rule_id: m.id,
                        title: m.title,
                        severity: m.severity,
                        kind: FindingKind::Policy,
                        location: Some(Location {
                            file: res.file.clone(),
                            span,
                        }),
                        resource: Some(res.address.clone()),
                        component: None,
                        message: v.message,
                        remediation: None,
                        controls: Vec::new(),
                        aliases: Vec::new(),
                        suppression,
                        snippet: Some(archgate_core::span::snippet(text, v.line, v.line)),
                        related: Vec::new(),
                    });
                }
            }
        }
        out
    }

    fn rules(&self) -> Vec<RuleMeta> {
        self.policies
            .iter()
            .flat_map(|p| p.rules.iter().map(move |r| self.meta(p, r)))
            .collect()
    }
}

/// Gatekeeper ConstraintTemplates and Constraints from the workspace policy
/// directory, applied to every Kubernetes object of each unit.
pub struct GatekeeperHook {
    templates: Vec<crate::gatekeeper::Template>,
    constraints: Vec<crate::gatekeeper::Constraint>,
    /// One pool of engines per template (same index).
    pools: Vec<Mutex<Vec<Engine>>>,
    today: String,
}

impl std::fmt::Debug for GatekeeperHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GatekeeperHook")
            .field("templates", &self.templates)
            .field("constraints", &self.constraints.len())
            .finish()
    }
}

impl GatekeeperHook {
    pub fn new(
        templates: Vec<crate::gatekeeper::Template>,
        constraints: Vec<crate::gatekeeper::Constraint>,
    ) -> GatekeeperHook {
        GatekeeperHook {
            pools: templates.iter().map(|_| Mutex::new(Vec::new())).collect(),
            templates,
            constraints,
            today: chrono::Local::now()
                .date_naive()
                .format("%Y-%m-%d")
                .to_string(),
        }
    }

    fn meta(&self, c: &crate::gatekeeper::Constraint) -> RuleMeta {
        RuleMeta {
            id: format!("{}/{}", c.kind, c.name),
            title: format!("Gatekeeper constraint {} {}", c.kind, c.name),
            // deny blocks admission; warn and dryrun only report.
            severity: match c.action.as_str() {
                "deny" => Severity::High,
                "warn" => Severity::Medium,
                _ => Severity::Low,
            },
            provider: "gatekeeper".into(),
            kind: FindingKind::Policy,
            resource_kinds: Vec::new(),
            aliases: vec![c.kind.clone()],
            controls: Vec::new(),
            doc: RuleDoc {
                references: vec![format!("{}:{}", c.file, c.line)],
                ..RuleDoc::default()
            },
        }
    }
}

impl UnitHook for GatekeeperHook {
    fn evaluate(&self, unit: &ParsedUnit) -> UnitResult {
        let mut out = UnitResult::default();
        let mut dirs: std::collections::HashMap<&str, FileDirectives> = Default::default();
        for res in unit
            .resources
            .iter()
            .filter(|r| r.source == archgate_iac::SourceKind::Kubernetes)
        {
            let obj = crate::input::to_json(&res.body);
            for c in &self.constraints {
                let Some(ti) = self.templates.iter().position(|t| t.kind == c.kind) else {
                    continue;
                };
                let (Some(t), Some(pool)) = (self.templates.get(ti), self.pools.get(ti)) else {
                    continue;
                };
                if !c.matches(&obj) {
                    continue;
                }
                let engine = pool
                    .lock()
                    .ok()
                    .and_then(|mut p| p.pop())
                    .unwrap_or_else(|| t.set.engine());
                let mut ev = Evaluator::with_engine(&t.set, engine);
                let r = t.review(&mut ev, c, &obj, &res.file);
                if let Ok(mut p) = pool.lock() {
                    p.push(ev.into_engine());
                }
                let Some(r) = r else { continue };
                for e in r.errors {
                    out.notes.push(Note {
                        file: Some(res.file.clone()),
                        message: format!("constraint {}/{}: {e}", c.kind, c.name),
                    });
                }
                let m = self.meta(c);
                let text = unit.text_of(&res.file).unwrap_or_default();
                for o in r.failures {
                    let d = dirs
                        .entry(res.file.as_str())
                        .or_insert_with(|| FileDirectives::parse(text));
                    let suppression = match d.verdict(&m, res.span, res.span.line, &self.today) {
                        Verdict::Suppressed(s) => Some(s),
                        _ => None,
                    };
                    out.findings.push(Finding {
                        fingerprint: Finding::fingerprint_of(
                            &m.id,
                            &res.file,
                            &res.address,
                            &o.msg,
                        ),
                        rule_id: m.id.clone(),
                        title: m.title.clone(),
                        severity: m.severity,
                        kind: FindingKind::Policy,
                        location: Some(Location {
                            file: res.file.clone(),
                            span: line_span(text, res.span.line.max(1)),
                        }),
                        resource: Some(res.address.clone()),
                        component: None,
                        message: o.msg,
                        remediation: None,
                        controls: Vec::new(),
                        aliases: m.aliases.clone(),
                        suppression,
                        snippet: Some(archgate_core::span::snippet(
                            text,
                            res.span.line,
                            res.span.line,
                        )),
                        related: Vec::new(),
                    });
                }
            }
        }
        out
    }

    fn rules(&self) -> Vec<RuleMeta> {
        self.constraints.iter().map(|c| self.meta(c)).collect()
    }
}

/// What the workspace policy directory adds to `check`.
#[derive(Debug, Default)]
pub struct WorkspacePolicies {
    pub hooks: Vec<Arc<dyn UnitHook>>,
    pub errors: Vec<InputError>,
    pub notes: Vec<Note>,
    /// The Rego hook (also in `hooks`), for its input errors.
    pub rego: Option<Arc<PolicyHook>>,
}

impl WorkspacePolicies {
    /// True when Rego policies with entry rules were loaded: the scan
    /// should then also discover configuration files
    /// ([`archgate_iac::SourceKind::Config`]) for them. Without, it reads
    /// no more files than its rules need.
    pub fn wants_config_files(&self) -> bool {
        self.rego.as_ref().is_some_and(|h| h.runs_anything())
    }

    /// The input errors the policies found in the files of the scans run
    /// so far (configuration files that do not parse), to add to the
    /// report of the scan just run; each is returned once.
    pub fn take_input_errors(&self) -> Vec<InputError> {
        self.rego
            .as_ref()
            .map(|h| h.take_errors())
            .unwrap_or_default()
    }
}

/// Loads the workspace policy directory for `check`: its `.rego` files
/// (one [`PolicyHook`]), the Kyverno policies in its YAML files (one
/// [`KyvernoHook`]) and Gatekeeper ConstraintTemplates with their
/// Constraints (one [`GatekeeperHook`]). A missing directory adds nothing.
pub fn workspace_policies(dir: &std::path::Path) -> WorkspacePolicies {
    let mut out = WorkspacePolicies::default();
    if !dir.is_dir() {
        return out;
    }
    match crate::load::rego_files(&[dir.to_path_buf()]) {
        Ok(files) if !files.is_empty() => {
            match PolicySet::load(&[dir.to_path_buf()], &crate::load::LoadOptions::default()) {
                Ok(set) => {
                    out.notes.extend(set.notes.iter().map(|n| Note {
                        file: None,
                        message: n.clone(),
                    }));
                    let deprecated = set
                        .namespaces
                        .values()
                        .filter(|n| n.deprecated && !n.rules.is_empty())
                        .count();
                    if deprecated > 0 {
                        out.notes.push(Note {
                            file: None,
                            message: format!(
                                "{deprecated} polic{} marked `custom.deprecated: true` not run, as Trivy skips them",
                                if deprecated == 1 { "y" } else { "ies" }
                            ),
                        });
                    }
                    let hook = Arc::new(PolicyHook::new(set));
                    out.hooks.push(hook.clone());
                    out.rego = Some(hook);
                }
                Err(e) => out.errors.extend(e),
            }
        }
        Ok(_) => {}
        Err(e) => out.errors.push(e),
    }
    let mut kyverno = Vec::new();
    let mut templates = Vec::new();
    let mut constraints = Vec::new();
    let mut yamls: Vec<std::path::PathBuf> = ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .hidden(true)
        .build()
        .flatten()
        .map(|e| e.into_path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| e == "yaml" || e == "yml")
        })
        .collect();
    yamls.sort();
    for p in yamls {
        let name = p.display().to_string();
        let text = match std::fs::read_to_string(&p) {
            Ok(t) => t,
            Err(e) => {
                out.errors
                    .push(InputError::whole_file(&name, format!("cannot read: {e}")));
                continue;
            }
        };
        if text.contains("gatekeeper.sh/") {
            match crate::gatekeeper::parse(&name, &text) {
                Ok(l) => {
                    templates.extend(l.templates);
                    constraints.extend(l.constraints);
                    out.notes.extend(l.notes.into_iter().map(|n| Note {
                        file: Some(name.clone()),
                        message: n,
                    }));
                }
                Err(e) => out.errors.extend(e),
            }
        }
        if !text.contains("kyverno.io/") {
            continue;
        }
        match crate::kyverno::parse_policies(&name, &text) {
            Ok((policies, notes)) => {
                kyverno.extend(policies);
                out.notes.extend(notes.into_iter().map(|n| Note {
                    file: Some(name.clone()),
                    message: n,
                }));
            }
            Err(e) => out.errors.push(e),
        }
    }
    if !kyverno.is_empty() {
        out.hooks.push(Arc::new(KyvernoHook::new(kyverno)));
    }
    for c in &constraints {
        if !templates.iter().any(|t| t.kind == c.kind) {
            out.notes.push(Note {
                file: Some(c.file.clone()),
                message: format!(
                    "constraint {}/{} has no ConstraintTemplate of kind {} in the policy directory; skipped",
                    c.kind, c.name, c.kind
                ),
            });
        }
    }
    if !constraints.is_empty() && !templates.is_empty() {
        out.hooks
            .push(Arc::new(GatekeeperHook::new(templates, constraints)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::LoadOptions;
    use archgate_iac::discover::parse_source;
    use archgate_iac::{SourceFile, SourceKind};

    const POLICY: &str = r#"package k8s.pods

# METADATA
# title: Pods must not use the host network
# custom:
#   id: ORG-POD-001
#   severity: critical
#   recommended_action: Remove hostNetwork.
deny_host_network contains msg if {
  input.spec.hostNetwork == true
  msg := sprintf("%s uses the host network", [input.metadata.name])
}

warn_image contains {"msg": "image without tag", "severity": "low", "_loc": {"file": "pods.yaml", "line": 9}} if {
  some c in input.spec.containers
  not contains(c.image, ":")
}
"#;

    const PODS: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  hostNetwork: true\n  containers:\n    - name: c\n      image: nginx\n---\n# archgate:ignore ORG-POD-001 reason=\"node agent\"\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\nspec:\n  hostNetwork: true\n  containers:\n    - name: c\n      image: nginx:1\n";

    fn hook() -> PolicyHook {
        let set = PolicySet::from_sources(
            vec![("p.rego".into(), POLICY.into())],
            &LoadOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        PolicyHook::new(set).with_today("2026-01-01")
    }

    #[test]
    fn results_become_findings_with_metadata_lines_and_suppressions() {
        let unit = parse_source(
            SourceFile {
                path: "pods.yaml".into(),
                text: PODS.into(),
            },
            SourceKind::Kubernetes,
        );
        let out = hook().evaluate(&unit);
        assert!(out.notes.is_empty(), "{:?}", out.notes);
        let got: Vec<(String, Severity, u32, Option<String>, bool)> = out
            .findings
            .iter()
            .map(|f| {
                (
                    f.rule_id.clone(),
                    f.severity,
                    f.location.as_ref().map(|l| l.span.line).unwrap_or(0),
                    f.resource.clone(),
                    f.is_suppressed(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "ORG-POD-001".into(),
                    Severity::Critical,
                    1,
                    Some("Pod.default.a".into()),
                    false
                ),
                // The second document starts at its first key, under the suppression comment.
                (
                    "ORG-POD-001".into(),
                    Severity::Critical,
                    12,
                    Some("Pod.default.b".into()),
                    true
                ),
                (
                    "k8s.pods.warn_image".into(),
                    Severity::Low,
                    9,
                    Some("Pod.default.a".into()),
                    false
                ),
            ]
        );
        let first = &out.findings[0];
        assert_eq!(first.title, "Pods must not use the host network");
        assert_eq!(first.remediation.as_deref(), Some("Remove hostNetwork."));
        assert_eq!(first.kind, FindingKind::Policy);
        assert!(first
            .aliases
            .contains(&"k8s.pods.deny_host_network".to_string()));
        assert_eq!(hook().rules().len(), 2);
    }

    #[test]
    fn namespaces_apply_to_the_kinds_they_name() {
        // `k8s.pods` does not run on a Dockerfile.
        let unit = parse_source(
            SourceFile {
                path: "Dockerfile".into(),
                text: "FROM alpine\n".into(),
            },
            SourceKind::Dockerfile,
        );
        assert!(hook().evaluate(&unit).findings.is_empty());
        let ns = |name: &str| Namespace {
            name: name.into(),
            rules: Vec::new(),
            definitions: 0,
            has_exception: false,
            tests: Vec::new(),
            selectors: Vec::new(),
            kinds: Vec::new(),
            deprecated: false,
        };
        assert_eq!(targets(&ns("main")), None);
        assert_eq!(targets(&ns("policy.docker.base")), Some(vec!["dockerfile"]));
        let mut trivy = ns("builtin.kubernetes.KSV001");
        trivy.selectors = vec!["cloud".into()];
        assert_eq!(targets(&trivy), Some(vec![]));
    }

    const CONFIG_POLICY: &str = r#"package config.toml

deny contains {"msg": "debug is on", "_loc": {"file": "app/settings.toml", "line": 3}} if {
  input.server.debug == true
}
"#;

    const JENKINS_POLICY: &str = r#"package jenkins

import rego.v1

deny contains sprintf("sh step at line %d uses sudo", [step.line]) if {
  walk(input, [_, step])
  step.kind == "CallExpr"
  step.children[0].children[0].text == "sh"
  some t in step.children
  walk(t, [_, s])
  s.kind == "StringLiteral"
  contains(s.text, "sudo")
}
"#;

    const MAIN_POLICY: &str = "package main\n\ndeny contains \"seen\" if { input.seen }\n";

    fn config_hook() -> PolicyHook {
        let set = PolicySet::from_sources(
            vec![
                ("cfg.rego".into(), CONFIG_POLICY.into()),
                ("jenkins.rego".into(), JENKINS_POLICY.into()),
                ("main.rego".into(), MAIN_POLICY.into()),
                ("pods.rego".into(), POLICY.into()),
            ],
            &LoadOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        PolicyHook::new(set).with_today("2026-01-01")
    }

    fn config_unit(path: &str, text: &str) -> ParsedUnit {
        parse_source(
            SourceFile {
                path: path.into(),
                text: text.into(),
            },
            SourceKind::Config,
        )
    }

    fn ids_and_lines(out: &UnitResult) -> Vec<(String, u32, String)> {
        out.findings
            .iter()
            .map(|f| {
                (
                    f.rule_id.clone(),
                    f.location.as_ref().map(|l| l.span.line).unwrap_or(0),
                    f.message.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn configuration_files_reach_the_namespaces_written_for_them() {
        let hook = config_hook();
        let toml = config_unit(
            "app/settings.toml",
            "[server]\nport = 8080\ndebug = true\nseen = 1\n",
        );
        let out = hook.evaluate(&toml);
        assert!(out.notes.is_empty(), "{:?}", out.notes);
        // `config.toml` runs (at `_loc`), `jenkins` and `k8s.pods` do not;
        // `main` runs on everything but finds no top-level `seen`.
        assert_eq!(
            ids_and_lines(&out),
            vec![("config.toml.deny".into(), 3, "debug is on".into())]
        );
        assert_eq!(out.findings[0].resource, None);
        assert_eq!(
            out.findings[0].snippet.as_deref().map(str::trim_end),
            Some("debug = true")
        );

        let jenkins = config_unit(
            "ci/Jenkinsfile",
            "pipeline {\n  agent any\n  stages {\n    stage('b') {\n      steps {\n        sh 'sudo make'\n      }\n    }\n  }\n}\n",
        );
        let out = hook.evaluate(&jenkins);
        assert_eq!(
            ids_and_lines(&out),
            vec![(
                "jenkins.deny".into(),
                1,
                "sh step at line 6 uses sudo".into()
            )]
        );

        // `main` runs on plain JSON configuration, `config.toml` does not;
        // JSONC (comments, trailing commas) is read too.
        let json = config_unit("conf/flags.json", "{\"seen\": true}");
        assert_eq!(
            ids_and_lines(&hook.evaluate(&json)),
            vec![("main.deny".into(), 1, "seen".into())]
        );
        let jsonc = config_unit(
            ".vscode/settings.json",
            "{\n  // editor\n  \"seen\": [1, 2,],\n}\n",
        );
        assert_eq!(
            ids_and_lines(&hook.evaluate(&jsonc)),
            vec![("main.deny".into(), 1, "seen".into())]
        );
        assert!(hook.take_errors().is_empty());
    }

    #[test]
    fn a_configuration_file_that_does_not_parse_is_an_input_error() {
        let hook = config_hook();
        let out = hook.evaluate(&config_unit("app/bad.toml", "[server]\nport = = 1\n"));
        assert!(out.findings.is_empty());
        let errs = hook.take_errors();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!((errs[0].file.as_str(), errs[0].line), ("app/bad.toml", 2));
        assert!(errs[0].col > 1, "{:?}", errs[0]);
        // Taken once.
        assert!(hook.take_errors().is_empty());
        // JSON that is not even JSONC: the position of the error.
        hook.evaluate(&config_unit("conf/x.json", "{\n  \"a\": }\n"));
        let errs = hook.take_errors();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!((errs[0].file.as_str(), errs[0].line), ("conf/x.json", 2));
        // Broken YAML the IaC reader already noted is not reported twice.
        let yaml = parse_source(
            SourceFile {
                path: "ansible/site.yml".into(),
                text: "- hosts: all\n  tasks: [\n".into(),
            },
            SourceKind::Kubernetes,
        );
        assert_eq!(yaml.notes.len(), 1);
        hook.evaluate(&yaml);
        assert!(hook.take_errors().is_empty());
    }

    #[test]
    fn workspace_policies_ask_for_configuration_files_only_with_entry_rules() {
        let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let none = workspace_policies(d.path());
        assert!(!none.wants_config_files());
        std::fs::write(d.path().join("lib.rego"), "package lib\n\nx := 1\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!workspace_policies(d.path()).wants_config_files());
        std::fs::write(d.path().join("cfg.rego"), CONFIG_POLICY).unwrap_or_else(|e| panic!("{e}"));
        let with = workspace_policies(d.path());
        assert!(with.errors.is_empty(), "{:?}", with.errors);
        assert!(with.wants_config_files());
        let rego = with.hooks.first().cloned();
        let unit = config_unit("bad.ini", "[a\n");
        if let Some(h) = rego {
            h.evaluate(&unit);
        }
        assert_eq!(with.take_input_errors().len(), 1);
    }

    #[test]
    fn trivy_subtypes_limit_kinds_and_deprecated_packages_do_not_run() {
        let src = "# METADATA\n# scope: package\n# custom:\n#   id: ORG-LR-001\n#   input:\n#     selector:\n#     - type: kubernetes\n#       subtypes:\n#         - kind: LimitRange\npackage org.lr\n\ndeny contains sprintf(\"%s seen\", [input.kind]) if true\n";
        let old = "# METADATA\n# scope: package\n# custom:\n#   id: ORG-OLD-001\n#   deprecated: true\n#   input:\n#     selector:\n#     - type: kubernetes\npackage org.old\n\ndeny contains \"old\" if true\n";
        let set = PolicySet::from_sources(
            vec![
                ("lr.rego".into(), src.into()),
                ("old.rego".into(), old.into()),
            ],
            &LoadOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let hook = PolicyHook::new(set);
        let unit = parse_source(
            SourceFile {
                path: "ns.yaml".into(),
                text: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n---\napiVersion: v1\nkind: LimitRange\nmetadata:\n  name: l\nspec:\n  limits: []\n".into(),
            },
            SourceKind::Kubernetes,
        );
        let got: Vec<(String, String)> = hook
            .evaluate(&unit)
            .findings
            .into_iter()
            .map(|f| (f.rule_id, f.message))
            .collect();
        assert_eq!(
            got,
            vec![("ORG-LR-001".to_string(), "LimitRange seen".to_string())]
        );
        assert_eq!(
            hook.rules().len(),
            1,
            "the deprecated package is not offered either"
        );
    }
}
