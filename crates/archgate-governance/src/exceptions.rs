//! Risk exceptions: `exceptions/*.yaml` documents of kind `Exception`
//! (`archgate.dev/v1alpha1`). An exception names what it waives (rule ids
//! or their Checkov/Trivy aliases, controls, or threats), narrows it by
//! scope (components, resource address globs, path globs), and carries the
//! justification, compensating controls, risk owner, requester, approver,
//! dates and ticket.
//!
//! [`apply_exceptions`] waives the findings an exception in force matches:
//! they stay in the report, marked suppressed with who, why and until when.
//! An expired exception waives nothing and is itself a finding
//! (AG-GOV-EXC-001); so is an exception without expiry (AG-GOV-EXC-002),
//! one that waives high or critical findings without a compensating control
//! (AG-GOV-EXC-003), and one without an approver independent of its
//! requester (AG-GOV-EXC-004). Those waive nothing either.
//!
//! The format is the model's `Exception` kind (docs/model.md), read here
//! with the plural spellings the example workspace uses (`rules`,
//! `scope.paths` …) accepted next to the singular ones. Not here: the
//! inline suppressions of IaC files (archgate-rules).

use crate::files;
use crate::rules::{self, Subject};
use archgate_core::fields::{Fields, Spanned};
use archgate_core::yaml::parse_documents;
use archgate_core::{Finding, InputError, Node, Report, Severity, Span, Suppression};
use archgate_model::{EntityRef, Kind};
use chrono::NaiveDate;
use globset::{GlobBuilder, GlobMatcher};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The apiVersion of archgate's own kinds.
pub const API_VERSION: &str = "archgate.dev/v1alpha1";

/// Statuses an exception may have. Only `accepted`, `mitigated` and
/// `false-positive` waive findings; the other two are still being decided.
pub const STATUSES: &[&str] = archgate_model::vocab::EXCEPTION_STATUS;

const TOP_KEYS: &[&str] = &["apiVersion", "kind", "metadata", "spec"];
const METADATA_KEYS: &[&str] = &[
    "name",
    "namespace",
    "title",
    "description",
    "labels",
    "annotations",
    "tags",
    "links",
];
const SPEC_KEYS: &[&str] = &[
    "rule",
    "rules",
    "control",
    "controls",
    "threat",
    "threats",
    "scope",
    "justification",
    "compensatingControls",
    "riskOwner",
    "requester",
    "approver",
    "created",
    "expires",
    "ticket",
    "status",
];
const SCOPE_KEYS: &[&str] = &[
    "component",
    "components",
    "resource",
    "resources",
    "path",
    "paths",
];

/// A glob as written, compiled.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub text: Spanned<String>,
    matcher: GlobMatcher,
}

impl Pattern {
    pub fn is_match(&self, s: &str) -> bool {
        self.matcher.is_match(s)
    }
}

/// Where an exception applies. Every field that is set must match; an empty
/// scope applies everywhere.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Model entities (`component:default/ledger`).
    pub components: Vec<Spanned<EntityRef>>,
    /// Resource address globs (`aws_db_instance.ledger`, `module.queue.*`).
    pub resources: Vec<Pattern>,
    /// File path globs relative to the workspace root (`infra/terraform/**`).
    pub paths: Vec<Pattern>,
}

/// One risk exception.
#[derive(Debug, Clone)]
pub struct Exception {
    /// `metadata.name`, with its span (where findings about the exception point).
    pub name: Spanned<String>,
    pub title: Option<String>,
    /// The file, relative to the workspace root.
    pub file: String,
    /// The file's text, for snippets.
    pub text: std::sync::Arc<str>,
    pub rules: Vec<Spanned<String>>,
    pub controls: Vec<Spanned<String>>,
    pub threats: Vec<Spanned<String>>,
    pub scope: Scope,
    pub justification: Spanned<String>,
    pub compensating_controls: Vec<Spanned<String>>,
    pub risk_owner: Option<Spanned<String>>,
    pub requester: Option<Spanned<String>>,
    pub approver: Option<Spanned<String>>,
    pub created: Option<Spanned<NaiveDate>>,
    pub expires: Option<Spanned<NaiveDate>>,
    pub ticket: Option<Spanned<String>>,
    /// One of [`STATUSES`], lower case; `accepted` when not written.
    pub status: String,
}

/// Why an exception does not waive anything (several may hold at once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Its last day was before today.
    Expired { on: NaiveDate },
    /// It has no expiry date (and is not `mitigated`/`false-positive`).
    NoExpiry,
    /// Nobody approved it.
    NoApprover,
    /// Its approver is its requester.
    SelfApproved,
}

/// An exception's state on a given day, for `exception list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// In force and waiving.
    InForce,
    /// Still `in-progress` or `in-discussion`: waives nothing yet.
    Pending,
    /// Past its expiry date.
    Expired,
    /// Invalid (no expiry, not independently approved).
    Invalid,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::InForce => "in force",
            Standing::Pending => "pending",
            Standing::Expired => "expired",
            Standing::Invalid => "invalid",
        }
    }
}

impl Exception {
    /// The exception's own reference, used as the `resource` of its findings.
    pub fn reference(&self) -> String {
        format!("exception:{}", self.name.value)
    }

    /// True for statuses that waive once approved and current.
    pub fn is_decided(&self) -> bool {
        matches!(
            self.status.as_str(),
            "accepted" | "mitigated" | "false-positive"
        )
    }

    /// Days from `today` to the expiry date (negative once expired).
    pub fn days_left(&self, today: NaiveDate) -> Option<i64> {
        self.expires.as_ref().map(|e| (e.value - today).num_days())
    }

    /// Everything that keeps the exception from waiving on `today`, apart
    /// from the compensating-control check (which depends on what it waives).
    pub fn problems(&self, today: NaiveDate) -> Vec<Problem> {
        let mut out = Vec::new();
        match &self.expires {
            Some(e) if e.value < today => out.push(Problem::Expired { on: e.value }),
            Some(_) => {}
            None if !matches!(self.status.as_str(), "mitigated" | "false-positive") => {
                out.push(Problem::NoExpiry)
            }
            None => {}
        }
        match &self.approver {
            None => out.push(Problem::NoApprover),
            Some(a) => {
                if let Some(r) = &self.requester {
                    if same_person(&a.value, &r.value) {
                        out.push(Problem::SelfApproved);
                    }
                }
            }
        }
        out
    }

    /// The exception's state on `today`.
    pub fn standing(&self, today: NaiveDate) -> Standing {
        let problems = self.problems(today);
        if problems
            .iter()
            .any(|p| matches!(p, Problem::Expired { .. }))
        {
            Standing::Expired
        } else if !problems.is_empty() {
            Standing::Invalid
        } else if !self.is_decided() {
            Standing::Pending
        } else {
            Standing::InForce
        }
    }

    /// True when the exception names this finding (by rule id or alias,
    /// control, or threat) and the finding lies within its scope.
    pub fn matches(&self, f: &Finding) -> bool {
        let named = self.rules.iter().any(|r| {
            f.rule_id.eq_ignore_ascii_case(&r.value)
                || f.aliases.iter().any(|a| a.eq_ignore_ascii_case(&r.value))
        }) || self.controls.iter().any(|c| {
            f.controls
                .iter()
                .any(|fc| fc.eq_ignore_ascii_case(&c.value))
        }) || self.threats.iter().any(|t| {
            // A threat rule id (AG-T01) or its Threagile category (missing-waf).
            f.rule_id.eq_ignore_ascii_case(&t.value)
                || (f.kind == archgate_core::FindingKind::Threat
                    && f.aliases.iter().any(|a| a.eq_ignore_ascii_case(&t.value)))
                || f.resource
                    .as_deref()
                    .is_some_and(|r| r.eq_ignore_ascii_case(&t.value))
        });
        named && self.in_scope(f)
    }

    fn in_scope(&self, f: &Finding) -> bool {
        let s = &self.scope;
        if !s.components.is_empty() {
            // IaC findings carry a component only once linked to the model;
            // an unlinked finding is judged by the resource and path scope
            // alone, if the exception has one, never by the component.
            match f.component.as_deref().and_then(component_ref) {
                Some(c) if !s.components.iter().any(|x| x.value == c) => return false,
                Some(_) => {}
                None if s.resources.is_empty() && s.paths.is_empty() => return false,
                None => {}
            }
        }
        if !s.resources.is_empty()
            && !f
                .resource
                .as_deref()
                .is_some_and(|r| s.resources.iter().any(|p| p.is_match(r)))
        {
            return false;
        }
        if !s.paths.is_empty()
            && !f
                .location
                .as_ref()
                .is_some_and(|l| s.paths.iter().any(|p| p.is_match(&l.file)))
        {
            return false;
        }
        true
    }

    fn subject(&self, span: Span, key: &'static str) -> Subject<'_> {
        Subject {
            file: &self.file,
            span,
            resource: self.reference(),
            component: self.scope.components.first().map(|c| c.value.to_string()),
            key,
            text: Some(&self.text),
        }
    }

    /// What it waives, for messages: `CKV_AWS_21, control pci-dss-4.0:3.5.1`.
    pub fn waives(&self) -> String {
        let mut parts: Vec<String> = self.rules.iter().map(|r| r.value.clone()).collect();
        parts.extend(self.controls.iter().map(|c| format!("control {}", c.value)));
        parts.extend(self.threats.iter().map(|t| format!("threat {}", t.value)));
        parts.join(", ")
    }
}

/// `alice`, `user:alice` and `User:default/Alice` are the same person.
fn same_person(a: &str, b: &str) -> bool {
    match (
        EntityRef::parse(a, Some(Kind::User), "default"),
        EntityRef::parse(b, Some(Kind::User), "default"),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => a.trim().eq_ignore_ascii_case(b.trim()),
    }
}

fn component_ref(text: &str) -> Option<EntityRef> {
    EntityRef::parse(text, Some(Kind::Component), "default").ok()
}

/// Reads every `*.yaml`/`*.yml` file under `root/dir` (the workspace's
/// `paths.exceptions`). A missing directory means no exceptions.
pub fn load_exceptions(root: &Path, dir: &str) -> (Vec<Exception>, Vec<InputError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for rel in files::list(root, dir, &[".yaml", ".yml"]) {
        match files::read_text(root, &rel) {
            Ok(text) => {
                let (mut xs, mut es) = parse_exceptions(&rel, &text);
                out.append(&mut xs);
                errors.append(&mut es);
            }
            Err(e) => errors.push(e),
        }
    }
    check_unique(&out, &mut errors);
    (out, errors)
}

/// Two exceptions with one name make `exception list` and the suppressions
/// ambiguous: the later one is an input error.
fn check_unique(xs: &[Exception], errors: &mut Vec<InputError>) {
    let mut seen: HashMap<&str, &Exception> = HashMap::new();
    for x in xs {
        if let Some(first) = seen.get(x.name.value.as_str()) {
            errors.push(
                InputError::new(
                    &x.file,
                    x.name.span.line,
                    x.name.span.col,
                    format!(
                        "exception `{}` is already defined in {}:{}",
                        x.name.value, first.file, first.name.span.line
                    ),
                )
                .expected("a unique metadata.name per exception"),
            );
        } else {
            seen.insert(&x.name.value, x);
        }
    }
}

/// Parses one file's exceptions (`file` names it in errors). A document
/// that is not a well-formed Exception is an input error; the others load.
pub fn parse_exceptions(file: &str, text: &str) -> (Vec<Exception>, Vec<InputError>) {
    let docs = match parse_documents(text) {
        Ok(d) => d,
        Err(e) => {
            return (
                Vec::new(),
                vec![InputError::new(
                    file,
                    e.line.max(1),
                    e.col.max(1),
                    format!("invalid YAML: {}", e.message),
                )
                .expected("a YAML Exception document")],
            )
        }
    };
    let shared: std::sync::Arc<str> = std::sync::Arc::from(text);
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for doc in docs.iter().filter(|d| !d.is_null()) {
        match read_exception(file, doc, &shared) {
            Ok(x) => out.push(x),
            Err(e) => errors.push(e),
        }
    }
    (out, errors)
}

fn read_exception(
    file: &str,
    doc: &Node,
    text: &std::sync::Arc<str>,
) -> Result<Exception, InputError> {
    let top = Fields::new(file, doc, "")?;
    top.deny_unknown(TOP_KEYS)?;
    let api = top.req_str("apiVersion")?;
    if api.value != API_VERSION {
        return Err(at(
            file,
            api.span,
            format!("unsupported apiVersion `{}`", api.value),
        )
        .expected(API_VERSION));
    }
    let kind = top.req_str("kind")?;
    if kind.value != "Exception" {
        return Err(at(
            file,
            kind.span,
            format!("`{}` document in the exceptions directory", kind.value),
        )
        .expected("kind: Exception"));
    }
    let meta = top
        .map("metadata")?
        .ok_or_else(|| at(file, doc.span, "missing required key `metadata`".into()))?;
    meta.deny_unknown(METADATA_KEYS)?;
    let name = meta.req_str("name")?;
    if !archgate_model::reference::is_valid_name(&name.value) {
        return Err(at(
            file,
            name.span,
            format!("`{}` is not a valid exception name", name.value),
        )
        .expected("1-63 characters [A-Za-z0-9] separated by single - _ or ."));
    }
    let title = meta.str("title")?.map(|t| t.value);
    let spec = top
        .map("spec")?
        .ok_or_else(|| at(file, name.span, "missing required key `spec`".into()))?;
    spec.deny_unknown(SPEC_KEYS)?;
    let rules = plural(&spec, "rule", "rules")?;
    let controls = plural(&spec, "control", "controls")?;
    let threats = plural(&spec, "threat", "threats")?;
    for c in &controls {
        check_framework(file, c)?;
    }
    if rules.is_empty() && controls.is_empty() && threats.is_empty() {
        return Err(at(
            file,
            spec.span(),
            "the exception names no rule, control or threat".into(),
        )
        .expected("spec.rules (rule ids or aliases), spec.controls or spec.threats"));
    }
    let mut scope = Scope::default();
    if let Some(s) = spec.map("scope")? {
        s.deny_unknown(SCOPE_KEYS)?;
        for c in plural(&s, "component", "components")? {
            let r = EntityRef::parse(&c.value, Some(Kind::Component), "default").map_err(|m| {
                at(file, c.span, m).expected("an entity reference such as component:ledger")
            })?;
            scope.components.push(Spanned::new(r, c.span));
        }
        for r in plural(&s, "resource", "resources")? {
            scope.resources.push(pattern(file, r, false)?);
        }
        for p in plural(&s, "path", "paths")? {
            scope.paths.push(pattern(file, p, true)?);
        }
    }
    let justification = spec.req_str("justification")?;
    if justification.value.trim().is_empty() {
        return Err(at(file, justification.span, "empty justification".into())
            .expected("why the risk is accepted"));
    }
    let status = match spec.one_of("status", STATUSES)? {
        Some(s) => s.value,
        None => "accepted".to_string(),
    };
    let created = date(file, &spec, "created")?;
    let expires = date(file, &spec, "expires")?;
    if let (Some(c), Some(x)) = (&created, &expires) {
        if x.value < c.value {
            return Err(at(
                file,
                x.span,
                format!(
                    "the exception expires ({}) before it was created ({})",
                    x.value, c.value
                ),
            )
            .expected("an expiry date on or after spec.created"));
        }
    }
    let person = |key: &str| -> Result<Option<Spanned<String>>, InputError> {
        let Some(v) = spec.str(key)? else {
            return Ok(None);
        };
        EntityRef::parse(&v.value, Some(Kind::User), "default").map_err(|m| {
            at(file, v.span, m).expected("a User or Group reference such as user:alice")
        })?;
        Ok(Some(v))
    };
    Ok(Exception {
        name,
        title,
        file: file.to_string(),
        text: text.clone(),
        rules,
        controls,
        threats,
        scope,
        justification,
        compensating_controls: spec.str_list("compensatingControls")?,
        risk_owner: person("riskOwner")?,
        requester: person("requester")?,
        approver: person("approver")?,
        created,
        expires,
        ticket: spec.str("ticket")?,
        status,
    })
}

/// A control is `framework:requirement` with a framework archgate knows;
/// a typo would otherwise waive nothing, silently.
fn check_framework(file: &str, c: &Spanned<String>) -> Result<(), InputError> {
    let known = archgate_rules::spec::FRAMEWORKS;
    let framework = c.value.split_once(':').map(|(f, _)| f.trim());
    match framework {
        Some(f) if known.iter().any(|k| k.eq_ignore_ascii_case(f)) => Ok(()),
        Some(f) => Err(at(file, c.span, format!("unknown control framework `{f}`"))
            .expected(format!("one of {}", known.join(", ")))),
        None => Err(at(
            file,
            c.span,
            format!("`{}` is not a control reference", c.value),
        )
        .expected("framework:requirement, e.g. pci-dss-4.0:3.5.1")),
    }
}

fn at(file: &str, span: Span, message: String) -> InputError {
    InputError::new(file, span.line, span.col, message)
}

/// `rule: X` and `rules: [X, Y]` read as one list.
fn plural(f: &Fields, one: &str, many: &str) -> Result<Vec<Spanned<String>>, InputError> {
    let mut v = f.str_list(one)?;
    v.extend(f.str_list(many)?);
    Ok(v)
}

fn pattern(file: &str, text: Spanned<String>, is_path: bool) -> Result<Pattern, InputError> {
    let glob = GlobBuilder::new(text.value.trim_start_matches("./"))
        .literal_separator(is_path)
        .case_insensitive(!is_path)
        .build()
        .map_err(|e| {
            at(
                file,
                text.span,
                format!("`{}` is not a valid glob: {}", text.value, e.kind()),
            )
            .expected(if is_path {
                "a path glob relative to the workspace root, e.g. infra/terraform/**"
            } else {
                "a resource address or glob, e.g. aws_db_instance.ledger"
            })
        })?;
    Ok(Pattern {
        text,
        matcher: glob.compile_matcher(),
    })
}

/// A `YYYY-MM-DD` date; anything else is an input error at the value.
fn date(file: &str, f: &Fields, key: &str) -> Result<Option<Spanned<NaiveDate>>, InputError> {
    let Some(n) = f.node(key) else {
        return Ok(None);
    };
    match n
        .scalar_text()
        .and_then(|t| archgate_model::vocab::parse_date(&t))
    {
        Some(d) => Ok(Some(Spanned::new(d, n.span))),
        None => Err(at(
            file,
            n.span,
            format!("`{n}` is not a valid date for `spec.{key}`"),
        )
        .expected("a date YYYY-MM-DD")),
    }
}

/// Applies `exceptions` to `report` as of `today`: the findings an exception
/// in force matches get an `exception` suppression (inline suppressions and
/// baselines already there are kept); expired and invalid exceptions waive
/// nothing and are added as findings.
pub fn apply_exceptions(report: &mut Report, exceptions: &[Exception], today: NaiveDate) {
    let mut added = Vec::new();
    for x in exceptions {
        let problems = x.problems(today);
        for p in &problems {
            added.push(problem_finding(x, p, today));
        }
        if !problems.is_empty() || !x.is_decided() {
            continue;
        }
        let matched: Vec<usize> = report
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.is_suppressed() && x.matches(f))
            .map(|(i, _)| i)
            .collect();
        // A false positive needs no compensating control: there is no risk to compensate.
        let needs_control = x.status != "false-positive" && x.compensating_controls.is_empty();
        let serious: Vec<&Finding> = matched
            .iter()
            .filter_map(|&i| report.findings.get(i))
            .filter(|f| f.severity >= Severity::High)
            .collect();
        if needs_control && !serious.is_empty() {
            let worst = serious
                .iter()
                .map(|f| f.severity)
                .max()
                .unwrap_or(Severity::High);
            let mut what: Vec<String> = serious
                .iter()
                .map(|f| match &f.resource {
                    Some(r) => format!("{} on {r}", f.rule_id),
                    None => f.rule_id.clone(),
                })
                .collect();
            what.dedup();
            added.push(rules::finding(
                rules::EXCEPTION_NO_COMPENSATING_CONTROL,
                x.subject(x.name.span, "compensating"),
                format!(
                    "exception `{}` waives {worst} findings ({}) but names no compensating control; it waives nothing",
                    x.name.value,
                    what.join(", ")
                ),
            ));
            continue;
        }
        for i in matched {
            if let Some(f) = report.findings.get_mut(i) {
                f.suppression = Some(Suppression {
                    kind: "exception".into(),
                    by: x.approver.as_ref().map(|a| a.value.clone()),
                    reason: Some(x.justification.value.trim().to_string()),
                    until: x.expires.as_ref().map(|e| e.value.to_string()),
                    source: Some(x.name.value.clone()),
                });
            }
        }
    }
    report.findings.extend(added);
}

fn problem_finding(x: &Exception, p: &Problem, today: NaiveDate) -> Finding {
    match p {
        Problem::Expired { on } => {
            let span = x.expires.as_ref().map_or(x.name.span, |e| e.span);
            let days = (today - *on).num_days();
            rules::finding(
                rules::EXCEPTION_EXPIRED,
                x.subject(span, "expired"),
                format!(
                    "exception `{}` expired on {on} ({days} day{} ago); it no longer waives {}",
                    x.name.value,
                    if days == 1 { "" } else { "s" },
                    x.waives()
                ),
            )
        }
        Problem::NoExpiry => rules::finding(
            rules::EXCEPTION_NO_EXPIRY,
            x.subject(x.name.span, "no-expiry"),
            format!(
                "exception `{}` has no expiry date; it waives nothing until it has one",
                x.name.value
            ),
        ),
        Problem::NoApprover => rules::finding(
            rules::EXCEPTION_NOT_INDEPENDENTLY_APPROVED,
            x.subject(x.name.span, "approval"),
            format!(
                "exception `{}` has no approver; it waives nothing until someone other than the requester approves it",
                x.name.value
            ),
        ),
        Problem::SelfApproved => {
            let span = x.approver.as_ref().map_or(x.name.span, |a| a.span);
            let who = x.approver.as_ref().map_or("", |a| a.value.as_str());
            rules::finding(
                rules::EXCEPTION_NOT_INDEPENDENTLY_APPROVED,
                x.subject(span, "approval"),
                format!(
                    "exception `{}` is approved by its own requester `{who}`; it waives nothing until someone else approves it",
                    x.name.value
                ),
            )
        }
    }
}

/// What `archgate exception new` writes.
#[derive(Debug, Clone, Default)]
pub struct NewException {
    pub name: String,
    pub title: Option<String>,
    pub rules: Vec<String>,
    pub controls: Vec<String>,
    pub threats: Vec<String>,
    pub components: Vec<String>,
    pub resources: Vec<String>,
    pub paths: Vec<String>,
    pub justification: String,
    pub compensating_controls: Vec<String>,
    pub risk_owner: Option<String>,
    pub requester: Option<String>,
    pub approver: String,
    pub created: NaiveDate,
    pub expires: NaiveDate,
    pub ticket: Option<String>,
}

/// A YAML double-quoted scalar (JSON string syntax is valid YAML).
fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

fn list_line(out: &mut String, indent: &str, key: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let items: Vec<String> = items.iter().map(|s| quoted(s)).collect();
    out.push_str(&format!("{indent}{key}: [{}]\n", items.join(", ")));
}

/// Renders a well-formed exception file. The result is checked by parsing
/// it back, so what is written always loads.
pub fn render_exception(x: &NewException) -> Result<String, String> {
    if x.rules.is_empty() && x.controls.is_empty() && x.threats.is_empty() {
        return Err("name at least one --rule, --control or --threat to waive".into());
    }
    if x.justification.trim().is_empty() {
        return Err("--justification must say why the risk is accepted".into());
    }
    if x.expires < x.created {
        return Err(format!(
            "--expires {} is before the creation date {}",
            x.expires, x.created
        ));
    }
    if x.requester
        .as_deref()
        .is_some_and(|r| same_person(r, &x.approver))
    {
        return Err(format!(
            "the approver `{}` is the requester; an exception needs an independent approver",
            x.approver
        ));
    }
    let mut s = String::new();
    s.push_str(&format!(
        "apiVersion: {API_VERSION}\nkind: Exception\nmetadata:\n"
    ));
    s.push_str(&format!("  name: {}\n", quoted(&x.name)));
    if let Some(t) = &x.title {
        s.push_str(&format!("  title: {}\n", quoted(t)));
    }
    s.push_str("spec:\n");
    list_line(&mut s, "  ", "rules", &x.rules);
    list_line(&mut s, "  ", "controls", &x.controls);
    list_line(&mut s, "  ", "threats", &x.threats);
    if !(x.components.is_empty() && x.resources.is_empty() && x.paths.is_empty()) {
        s.push_str("  scope:\n");
        list_line(&mut s, "    ", "components", &x.components);
        list_line(&mut s, "    ", "resources", &x.resources);
        list_line(&mut s, "    ", "paths", &x.paths);
    }
    s.push_str(&format!(
        "  justification: {}\n",
        quoted(x.justification.trim())
    ));
    if !x.compensating_controls.is_empty() {
        s.push_str("  compensatingControls:\n");
        for c in &x.compensating_controls {
            s.push_str(&format!("    - {}\n", quoted(c)));
        }
    }
    for (key, v) in [("riskOwner", &x.risk_owner), ("requester", &x.requester)] {
        if let Some(v) = v {
            s.push_str(&format!("  {key}: {}\n", quoted(v)));
        }
    }
    s.push_str(&format!("  approver: {}\n", quoted(&x.approver)));
    s.push_str(&format!(
        "  created: {}\n  expires: {}\n",
        x.created, x.expires
    ));
    if let Some(t) = &x.ticket {
        s.push_str(&format!("  ticket: {}\n", quoted(t)));
    }
    let (_, errors) = parse_exceptions("new exception", &s);
    if let Some(e) = errors.first() {
        return Err(e.render());
    }
    Ok(s)
}

/// Writes `root/dir/<name>.yaml`; never replaces an existing file.
pub fn create_exception(root: &Path, dir: &str, x: &NewException) -> Result<PathBuf, String> {
    if !archgate_model::reference::is_valid_name(&x.name) {
        return Err(format!(
            "`{}` is not a valid exception name; expected 1-63 characters [A-Za-z0-9] separated by single - _ or .",
            x.name
        ));
    }
    let text = render_exception(x)?;
    let (existing, _) = load_exceptions(root, dir);
    if let Some(other) = existing.iter().find(|e| e.name.value == x.name) {
        return Err(format!(
            "an exception named `{}` already exists in {}; nothing was written",
            x.name, other.file
        ));
    }
    let path = root.join(dir).join(format!("{}.yaml", x.name));
    files::create_new(&path, &text)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use archgate_core::{FindingKind, Location};

    const VALID: &str = "\
apiVersion: archgate.dev/v1alpha1
kind: Exception
metadata:
  name: ledger-db-single-az
spec:
  rules: [CKV_AWS_157]
  scope:
    component: ledger
    resource: aws_db_instance.ledger
    paths: [infra/terraform/*.tf]
  justification: Migration to Aurora in Q2.
  compensatingControls: [Snapshots copied every 15 minutes]
  requester: user:e.fischer
  approver: user:h.brennan
  created: 2026-07-01
  expires: 2027-06-30
";

    fn day(s: &str) -> NaiveDate {
        archgate_model::vocab::parse_date(s).unwrap()
    }

    fn one(text: &str) -> Exception {
        let (xs, errors) = parse_exceptions("exceptions/x.yaml", text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(xs.len(), 1);
        xs.into_iter().next().unwrap()
    }

    fn err(text: &str) -> InputError {
        let (_, errors) = parse_exceptions("exceptions/x.yaml", text);
        errors.into_iter().next().expect("an input error")
    }

    fn finding(rule: &str, aliases: &[&str], resource: &str, file: &str, sev: Severity) -> Finding {
        Finding {
            rule_id: rule.into(),
            title: "t".into(),
            severity: sev,
            kind: FindingKind::Iac,
            location: Some(Location {
                file: file.into(),
                span: Span {
                    line: 3,
                    col: 1,
                    ..Span::default()
                },
            }),
            resource: Some(resource.into()),
            component: None,
            message: "m".into(),
            remediation: None,
            controls: vec!["pci-dss-4.0:12.10.1".into()],
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            fingerprint: "f".into(),
            suppression: None,
            snippet: None,
            related: vec![],
        }
    }

    #[test]
    fn reads_every_field_with_positions() {
        let x = one(VALID);
        assert_eq!(x.name.value, "ledger-db-single-az");
        assert_eq!((x.name.span.line, x.name.span.col), (4, 9));
        assert_eq!(x.rules[0].value, "CKV_AWS_157");
        assert_eq!(
            x.scope.components[0].value.to_string(),
            "component:default/ledger"
        );
        assert_eq!(x.expires.as_ref().unwrap().span.line, 16);
        assert_eq!(x.status, "accepted");
        assert_eq!(x.standing(day("2026-11-25")), Standing::InForce);
        assert_eq!(x.standing(day("2027-07-01")), Standing::Expired);
        // The expiry day itself is still covered.
        assert_eq!(x.standing(day("2027-06-30")), Standing::InForce);
    }

    #[test]
    fn waives_matching_findings_by_alias_resource_and_path() {
        let x = one(VALID);
        let mut report = Report {
            findings: vec![
                finding(
                    "AG-AWS-RDS-004",
                    &["CKV_AWS_157"],
                    "aws_db_instance.ledger",
                    "infra/terraform/ledger.tf",
                    Severity::High,
                ),
                finding(
                    "AG-AWS-RDS-004",
                    &["CKV_AWS_157"],
                    "aws_db_instance.other",
                    "infra/terraform/ledger.tf",
                    Severity::High,
                ),
                finding(
                    "AG-AWS-RDS-004",
                    &["CKV_AWS_157"],
                    "aws_db_instance.ledger",
                    "infra/other/ledger.tf",
                    Severity::High,
                ),
                finding(
                    "AG-AWS-RDS-005",
                    &["CKV_AWS_293"],
                    "aws_db_instance.ledger",
                    "infra/terraform/ledger.tf",
                    Severity::High,
                ),
            ],
            ..Report::default()
        };
        apply_exceptions(&mut report, &[x], day("2026-11-25"));
        let s = report.findings[0].suppression.as_ref().expect("waived");
        assert_eq!(s.kind, "exception");
        assert_eq!(s.by.as_deref(), Some("user:h.brennan"));
        assert_eq!(s.until.as_deref(), Some("2027-06-30"));
        assert_eq!(s.source.as_deref(), Some("ledger-db-single-az"));
        assert_eq!(s.reason.as_deref(), Some("Migration to Aurora in Q2."));
        assert!(report.findings[1..].iter().all(|f| f.suppression.is_none()));
        assert_eq!(
            report.findings.len(),
            4,
            "a valid exception adds no finding"
        );
    }

    #[test]
    fn linked_component_must_match_when_known() {
        let x = one(VALID);
        let mut f = finding(
            "AG-AWS-RDS-004",
            &["CKV_AWS_157"],
            "aws_db_instance.ledger",
            "infra/terraform/ledger.tf",
            Severity::High,
        );
        f.component = Some("component:default/card-vault".into());
        assert!(!x.matches(&f));
        f.component = Some("Ledger".into());
        assert!(x.matches(&f));
    }

    #[test]
    fn expired_exception_waives_nothing_and_is_reported_at_expires() {
        let x = one(VALID);
        let mut report = Report {
            findings: vec![finding(
                "AG-AWS-RDS-004",
                &["CKV_AWS_157"],
                "aws_db_instance.ledger",
                "infra/terraform/ledger.tf",
                Severity::High,
            )],
            ..Report::default()
        };
        apply_exceptions(&mut report, &[x], day("2027-07-03"));
        assert!(report.findings[0].suppression.is_none());
        let e = &report.findings[1];
        assert_eq!(e.rule_id, rules::EXCEPTION_EXPIRED);
        let l = e.location.as_ref().unwrap();
        assert_eq!(
            (l.file.as_str(), l.span.line, l.span.col),
            ("exceptions/x.yaml", 16, 12)
        );
        assert!(
            e.message.contains("expired on 2027-06-30 (3 days ago)"),
            "{}",
            e.message
        );
        assert_eq!(e.resource.as_deref(), Some("exception:ledger-db-single-az"));
    }

    #[test]
    fn self_approved_and_unapproved_and_no_expiry_are_findings() {
        let self_approved = VALID.replace("user:h.brennan", "E.Fischer");
        let x = one(&self_approved);
        assert_eq!(x.problems(day("2026-11-25")), vec![Problem::SelfApproved]);
        let mut report = Report {
            findings: vec![finding(
                "AG-AWS-RDS-004",
                &["CKV_AWS_157"],
                "aws_db_instance.ledger",
                "infra/terraform/ledger.tf",
                Severity::High,
            )],
            ..Report::default()
        };
        apply_exceptions(&mut report, &[x], day("2026-11-25"));
        assert!(report.findings[0].suppression.is_none());
        let l = report.findings[1].location.as_ref().unwrap();
        assert_eq!(
            report.findings[1].rule_id,
            rules::EXCEPTION_NOT_INDEPENDENTLY_APPROVED
        );
        assert_eq!((l.span.line, l.span.col), (14, 13));

        let unapproved = one(&VALID.replace("  approver: user:h.brennan\n", ""));
        assert_eq!(
            unapproved.problems(day("2026-11-25")),
            vec![Problem::NoApprover]
        );
        let no_expiry = one(&VALID.replace("  expires: 2027-06-30\n", ""));
        assert_eq!(
            no_expiry.problems(day("2026-11-25")),
            vec![Problem::NoExpiry]
        );
        assert_eq!(no_expiry.standing(day("2026-11-25")), Standing::Invalid);
        let fp = one(&VALID.replace("  expires: 2027-06-30\n", "  status: false-positive\n"));
        assert!(fp.problems(day("2026-11-25")).is_empty());
    }

    #[test]
    fn high_findings_need_a_compensating_control() {
        let x = one(&VALID.replace(
            "  compensatingControls: [Snapshots copied every 15 minutes]\n",
            "",
        ));
        let mut report = Report {
            findings: vec![finding(
                "AG-AWS-RDS-004",
                &["CKV_AWS_157"],
                "aws_db_instance.ledger",
                "infra/terraform/ledger.tf",
                Severity::High,
            )],
            ..Report::default()
        };
        apply_exceptions(&mut report, std::slice::from_ref(&x), day("2026-11-25"));
        assert!(report.findings[0].suppression.is_none());
        assert_eq!(
            report.findings[1].rule_id,
            rules::EXCEPTION_NO_COMPENSATING_CONTROL
        );
        assert!(report.findings[1]
            .message
            .contains("AG-AWS-RDS-004 on aws_db_instance.ledger"));
        // A medium finding may be waived without one.
        let mut report = Report {
            findings: vec![finding(
                "AG-AWS-RDS-004",
                &["CKV_AWS_157"],
                "aws_db_instance.ledger",
                "infra/terraform/ledger.tf",
                Severity::Medium,
            )],
            ..Report::default()
        };
        apply_exceptions(&mut report, &[x], day("2026-11-25"));
        assert!(report.findings[0].suppression.is_some());
        assert_eq!(report.findings.len(), 1);
    }

    #[test]
    fn controls_and_pending_status() {
        let x = one(&VALID.replace("rules: [CKV_AWS_157]", "control: PCI-DSS-4.0:12.10.1"));
        let f = finding(
            "AG-X",
            &[],
            "aws_db_instance.ledger",
            "infra/terraform/ledger.tf",
            Severity::Low,
        );
        assert!(x.matches(&f));
        let pending = one(&VALID.replace("  expires:", "  status: in-discussion\n  expires:"));
        assert_eq!(pending.standing(day("2026-11-25")), Standing::Pending);
        let mut report = Report {
            findings: vec![finding(
                "AG-AWS-RDS-004",
                &["CKV_AWS_157"],
                "aws_db_instance.ledger",
                "infra/terraform/ledger.tf",
                Severity::Low,
            )],
            ..Report::default()
        };
        apply_exceptions(&mut report, &[pending], day("2026-11-25"));
        assert!(report.findings[0].suppression.is_none());
    }

    #[test]
    fn bad_input_is_located() {
        let e = err(&VALID.replace("2027-06-30", "2027-13-01"));
        assert_eq!((e.line, e.col), (16, 12));
        assert!(
            e.render().contains("expected a date YYYY-MM-DD"),
            "{}",
            e.render()
        );
        let e = err(&VALID.replace("2027-06-30", "next summer"));
        assert_eq!((e.line, e.col), (16, 12));
        let e = err(&VALID.replace("2027-06-30", "2026-01-01"));
        assert!(e.message.contains("before it was created"), "{}", e.message);
        let e = err(&VALID.replace("  rules: [CKV_AWS_157]\n", ""));
        assert!(e.message.contains("no rule, control or threat"));
        let e = err(&VALID.replace("  created:", "  risk: high\n  created:"));
        assert_eq!((e.line, e.col), (15, 3));
        assert!(e.message.contains("unknown key `spec.risk`"));
        let e = err(&VALID.replace("kind: Exception", "kind: Component"));
        assert_eq!((e.line, e.col), (2, 7));
        let e = err(&VALID.replace("paths: [infra/terraform/*.tf]", "paths: [\"infra/[x\"]"));
        assert_eq!(e.line, 10);
        let e = err(&VALID.replace("rules: [CKV_AWS_157]", "controls: [pci-dss-4:3.5.1]"));
        assert_eq!((e.line, e.col), (6, 14));
        assert!(
            e.render()
                .contains("unknown control framework `pci-dss-4`; expected one of pci-dss-4.0"),
            "{}",
            e.render()
        );
        let e = err(&VALID.replace("rules: [CKV_AWS_157]", "control: encryption"));
        assert!(
            e.message.contains("not a control reference"),
            "{}",
            e.message
        );
        let e = err("a: [\n");
        assert!(e.message.starts_with("invalid YAML"));
        let e = err(&VALID
            .replace("  status", "x")
            .replace("  expires:", "  status: waived\n  expires:"));
        assert!(
            e.render().contains("expected one of accepted"),
            "{}",
            e.render()
        );
    }

    #[test]
    fn new_exception_round_trips_and_never_overwrites() {
        let d = tempfile::tempdir().unwrap();
        let x = NewException {
            name: "bucket-logs".into(),
            title: Some("Logs: \"temporary\"".into()),
            rules: vec!["CKV_AWS_18".into()],
            resources: vec!["aws_s3_bucket.logs".into()],
            paths: vec!["infra/**".into()],
            justification: "Access logs of the log bucket would loop: yes".into(),
            compensating_controls: vec!["CloudTrail data events".into()],
            requester: Some("user:alice".into()),
            approver: "user:bob".into(),
            created: day("2026-11-25"),
            expires: day("2027-02-28"),
            ticket: Some("SEC-1".into()),
            ..NewException::default()
        };
        let path = create_exception(d.path(), "exceptions", &x).unwrap();
        let (loaded, errors) = load_exceptions(d.path(), "exceptions");
        assert!(errors.is_empty(), "{errors:?}");
        let l = &loaded[0];
        assert_eq!(l.title.as_deref(), Some("Logs: \"temporary\""));
        assert_eq!(
            l.justification.value,
            "Access logs of the log bucket would loop: yes"
        );
        assert_eq!(l.expires.as_ref().unwrap().value, day("2027-02-28"));
        assert_eq!(l.standing(day("2026-12-01")), Standing::InForce);
        let before = std::fs::read_to_string(&path).unwrap();
        let e = create_exception(d.path(), "exceptions", &x).unwrap_err();
        assert!(e.contains("already exists"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
        let mut bad = x.clone();
        bad.name = "other".into();
        bad.approver = "alice".into();
        assert!(create_exception(d.path(), "exceptions", &bad)
            .unwrap_err()
            .contains("independent approver"));
    }

    #[test]
    fn duplicate_names_are_input_errors() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("exceptions")).unwrap();
        std::fs::write(d.path().join("exceptions/a.yaml"), VALID).unwrap();
        std::fs::write(d.path().join("exceptions/b.yaml"), VALID).unwrap();
        let (xs, errors) = load_exceptions(d.path(), "exceptions");
        assert_eq!(xs.len(), 2);
        assert_eq!(errors.len(), 1);
        assert_eq!(
            (errors[0].file.as_str(), errors[0].line),
            ("exceptions/b.yaml", 4)
        );
    }
}
