//! The technology standard (`standards/technologies.yaml`, kind
//! `TechnologyStandard`): which technologies may be used, in which
//! versions, until when, from which container registries, and which tags
//! every taggable resource carries. [`Checker`] applies it to the IaC
//! resources of one parsed unit, inside the scan's single pass
//! ([`StandardsHook`]):
//!
//! - technology and version found in IaC: RDS `engine`/`engine_version`,
//!   EKS/AKS/GKE Kubernetes versions, Lambda `runtime`, container images in
//!   Kubernetes workloads and Dockerfile `FROM`s, and the Terraform
//!   `required_version` / provider `version` constraints (judged by the
//!   lowest version they admit);
//! - a technology on `hold` (or `retired`) → AG-GOV-STD-001; a version
//!   outside `versions` → AG-GOV-STD-002; past end of life → AG-GOV-STD-003;
//!   end of life within `eolWarningDays` → AG-GOV-STD-004 (a warning);
//! - an image from a registry not in `registries.approved` → AG-GOV-STD-005;
//! - a required tag or label missing or with a value not allowed →
//!   AG-GOV-STD-006 (AWS provider `default_tags` count);
//! - a Kubernetes manifest on an API version no release serves any more →
//!   AG-GOV-STD-007 (built-in table, `data/kubernetes-removed-apis.yaml`).
//!
//! End-of-life dates come from the workspace first, then from the built-in
//! lifecycle data (`data/lifecycle.yaml`, from endoflife.date, dated).
//! Unresolved values (a `var.` without default) are never judged.
//! Not here: IaC parsing (archgate-iac).

use crate::adr::AdrSet;
use crate::files;
use crate::rules::{self, Subject};
use archgate_core::fields::{Fields, Spanned};
use archgate_core::yaml::parse_documents;
use archgate_core::{Finding, InputError, Node, RuleMeta, Span, Value};
use archgate_iac::{ParsedUnit, Resource, SourceKind};
use chrono::NaiveDate;
use regex::Regex;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

/// Radar rings, inner to outer, plus `retired` (no use at all).
pub const RINGS: &[&str] = &["adopt", "trial", "assess", "hold", "retired"];

/// Default warning window before an end of life, in days.
pub const DEFAULT_EOL_WARNING_DAYS: i64 = 90;

const TOP_KEYS: &[&str] = &["apiVersion", "kind", "metadata", "spec"];
const SPEC_KEYS: &[&str] = &[
    "eolWarningDays",
    "technologies",
    "registries",
    "tagging",
    "description",
];
const TECH_KEYS: &[&str] = &[
    "id",
    "title",
    "quadrant",
    "ring",
    "versions",
    "endOfLife",
    "replacement",
    "adr",
    "source",
    "note",
    "owner",
    "lifecycle",
];
const TAG_KEYS: &[&str] = &["key", "values", "pattern", "description"];

/// An end-of-life entry: a date, or "supported, no date announced".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eol {
    Date(NaiveDate),
    Supported,
}

/// One technology of the standard.
#[derive(Debug, Clone)]
pub struct Technology {
    pub id: Spanned<String>,
    pub title: Option<String>,
    pub ring: Option<Spanned<String>>,
    /// The allowed range as written, and parsed.
    pub versions: Option<(Spanned<String>, VersionReq)>,
    /// Release cycle → end of life, as the workspace wrote them.
    pub end_of_life: Vec<(String, Eol)>,
    pub replacement: Option<String>,
    /// The ADR that decided it (a number, `ADR-NNNN` or a file).
    pub adr: Option<Spanned<String>>,
    /// The built-in lifecycle product to fall back on (default: the id).
    pub lifecycle: Option<String>,
}

/// A required tag or label.
#[derive(Debug, Clone)]
pub struct TagRule {
    pub key: String,
    pub values: Vec<String>,
    pub pattern: Option<Regex>,
}

/// The parsed standard.
#[derive(Debug, Clone, Default)]
pub struct Standard {
    /// Where it was read from (relative to the workspace), empty when built in.
    pub file: String,
    /// Its text, for the snippets of findings about it.
    pub text: Arc<str>,
    pub eol_warning_days: i64,
    pub technologies: Vec<Technology>,
    /// Approved registry prefixes (`123456789012.dkr.ecr.eu-west-1.amazonaws.com`).
    pub registries: Vec<String>,
    /// Provider (`aws`, `azure`, `gcp`, `kubernetes`) → required tags.
    pub tagging: Vec<(String, Vec<TagRule>)>,
}

impl Standard {
    /// The standard of a workspace without `technologies.yaml`: built-in
    /// lifecycle data only.
    pub fn builtin_only() -> Standard {
        Standard {
            eol_warning_days: DEFAULT_EOL_WARNING_DAYS,
            ..Standard::default()
        }
    }

    pub fn technology(&self, id: &str) -> Option<&Technology> {
        self.technologies
            .iter()
            .find(|t| t.id.value.eq_ignore_ascii_case(id))
    }
}

/// A version constraint: clauses joined by commas, all of which must hold.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionReq {
    clauses: Vec<(Op, Vec<u64>)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Ge,
    Gt,
    Le,
    Lt,
    /// `=1.28` or a bare `1.28`: the version starts with these parts.
    Prefix,
    Ne,
    /// `~> 5.70`: at least 5.70, below 6.
    Pessimistic,
}

impl VersionReq {
    /// Parses `>=15, <18`, `~> 5.70`, `1.32`.
    pub fn parse(text: &str) -> Result<VersionReq, String> {
        let mut clauses = Vec::new();
        for part in text.split(',') {
            let p = part.trim();
            let (op, rest) = [
                (">=", Op::Ge),
                ("<=", Op::Le),
                ("!=", Op::Ne),
                ("~>", Op::Pessimistic),
                ("==", Op::Prefix),
                (">", Op::Gt),
                ("<", Op::Lt),
                ("=", Op::Prefix),
            ]
            .iter()
            .find_map(|(s, op)| p.strip_prefix(s).map(|r| (*op, r)))
            .unwrap_or((Op::Prefix, p));
            let v = version_parts(rest.trim())
                .filter(|v| {
                    !v.is_empty()
                        && rest
                            .trim()
                            .chars()
                            .all(|c| c.is_ascii_digit() || c == '.' || c == 'v')
                })
                .ok_or_else(|| format!("`{p}` is not a version constraint"))?;
            clauses.push((op, v));
        }
        if clauses.is_empty() {
            return Err("empty version constraint".into());
        }
        Ok(VersionReq { clauses })
    }

    /// The lowest version the constraint admits (its greatest lower bound),
    /// or None when it has no lower bound.
    pub fn lowest(&self) -> Option<Vec<u64>> {
        self.clauses
            .iter()
            .filter_map(|(op, c)| match op {
                Op::Ge | Op::Prefix | Op::Pessimistic => Some(c.clone()),
                Op::Gt => {
                    let mut v = c.clone();
                    if let Some(last) = v.last_mut() {
                        *last += 1;
                    }
                    Some(v)
                }
                Op::Le | Op::Lt | Op::Ne => None,
            })
            .max_by(|a, b| cmp(a, b))
    }

    /// True when `v` satisfies every clause.
    pub fn matches(&self, v: &[u64]) -> bool {
        self.clauses.iter().all(|(op, c)| {
            let ord = cmp(v, c);
            match op {
                Op::Ge => ord.is_ge(),
                Op::Gt => ord.is_gt(),
                Op::Le => ord.is_le(),
                Op::Lt => ord.is_lt(),
                Op::Ne => ord.is_ne(),
                Op::Prefix => v.len() >= c.len() && v[..c.len()] == c[..],
                Op::Pessimistic => {
                    let mut upper = c.clone();
                    if upper.len() > 1 {
                        upper.pop();
                    }
                    if let Some(last) = upper.last_mut() {
                        *last += 1;
                    }
                    ord.is_ge() && cmp(v, &upper).is_lt()
                }
            }
        })
    }
}

/// Compares dotted versions, missing parts counting as 0.
fn cmp(a: &[u64], b: &[u64]) -> std::cmp::Ordering {
    let n = a.len().max(b.len());
    for i in 0..n {
        let (x, y) = (
            a.get(i).copied().unwrap_or(0),
            b.get(i).copied().unwrap_or(0),
        );
        if x != y {
            return x.cmp(&y);
        }
    }
    std::cmp::Ordering::Equal
}

/// The numeric parts a version starts with: `13.14` → [13, 14],
/// `3.12-slim` → [3, 12], `v1.28` → [1, 28]. None without a leading number.
pub fn version_parts(text: &str) -> Option<Vec<u64>> {
    let t = text.trim().trim_start_matches(['v', 'V']);
    let mut parts = Vec::new();
    for seg in t.split('.') {
        let digits: String = seg.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits.is_empty() {
            break;
        }
        parts.push(digits.parse().ok()?);
        if digits.len() != seg.len() {
            break;
        }
    }
    (!parts.is_empty()).then_some(parts)
}

/// Reads `root/path`; `Ok(None)` when the file does not exist.
pub fn load_standard(root: &Path, path: &str) -> Result<Option<Standard>, InputError> {
    if !root.join(path).is_file() {
        return Ok(None);
    }
    let text = files::read_text(root, path)?;
    parse_standard(path, &text).map(Some)
}

fn at(file: &str, span: Span, message: String) -> InputError {
    InputError::new(file, span.line, span.col, message)
}

/// Parses a `TechnologyStandard` document.
pub fn parse_standard(file: &str, text: &str) -> Result<Standard, InputError> {
    let docs = parse_documents(text).map_err(|e| {
        InputError::new(
            file,
            e.line.max(1),
            e.col.max(1),
            format!("invalid YAML: {}", e.message),
        )
        .expected("a TechnologyStandard YAML document")
    })?;
    let Some(doc) = docs.iter().find(|d| !d.is_null()) else {
        return Ok(Standard {
            file: file.to_string(),
            ..Standard::builtin_only()
        });
    };
    let top = Fields::new(file, doc, "")?;
    top.deny_unknown(TOP_KEYS)?;
    let kind = top.req_str("kind")?;
    if kind.value != "TechnologyStandard" {
        return Err(at(
            file,
            kind.span,
            format!("`{}` is not a technology standard", kind.value),
        )
        .expected("kind: TechnologyStandard"));
    }
    let api = top.req_str("apiVersion")?;
    if api.value != crate::exceptions::API_VERSION {
        return Err(at(
            file,
            api.span,
            format!("unsupported apiVersion `{}`", api.value),
        )
        .expected(crate::exceptions::API_VERSION));
    }
    let mut std = Standard {
        file: file.to_string(),
        text: Arc::from(text),
        ..Standard::builtin_only()
    };
    let Some(spec) = top.map("spec")? else {
        return Ok(std);
    };
    spec.deny_unknown(SPEC_KEYS)?;
    if let Some(d) = spec.int("eolWarningDays")? {
        if d.value < 0 {
            return Err(at(file, d.span, "negative eolWarningDays".into())
                .expected("a number of days, 0 or more"));
        }
        std.eol_warning_days = d.value;
    }
    if let Some(n) = spec.node("technologies") {
        let items = n.as_seq().ok_or_else(|| {
            archgate_core::fields::type_error(
                file,
                n,
                "spec.technologies",
                "a list of technologies",
            )
        })?;
        for item in items {
            let t = read_technology(file, item)?;
            if std.technology(&t.id.value).is_some() {
                return Err(at(
                    file,
                    t.id.span,
                    format!("technology `{}` is listed twice", t.id.value),
                )
                .expected("one entry per technology id"));
            }
            std.technologies.push(t);
        }
    }
    if let Some(r) = spec.map("registries")? {
        r.deny_unknown(&["approved"])?;
        std.registries = r
            .str_list("approved")?
            .into_iter()
            .map(|s| s.value.trim_end_matches('/').to_ascii_lowercase())
            .collect();
    }
    if let Some(t) = spec.map("tagging")? {
        t.deny_unknown(&["aws", "azure", "gcp", "kubernetes"])?;
        for provider in ["aws", "azure", "gcp", "kubernetes"] {
            let Some(n) = t.node(provider) else { continue };
            let items = n.as_seq().ok_or_else(|| {
                archgate_core::fields::type_error(
                    file,
                    n,
                    &format!("spec.tagging.{provider}"),
                    "a list of {key, values, pattern}",
                )
            })?;
            let mut list = Vec::new();
            for item in items {
                let f = Fields::new(file, item, &format!("spec.tagging.{provider}[]"))?;
                f.deny_unknown(TAG_KEYS)?;
                let key = f.req_str("key")?.value;
                let values = f.str_list("values")?.into_iter().map(|v| v.value).collect();
                let pattern = match f.str("pattern")? {
                    Some(p) => Some(Regex::new(&p.value).map_err(|e| {
                        at(file, p.span, format!("invalid pattern: {e}"))
                            .expected("a regular expression")
                    })?),
                    None => None,
                };
                list.push(TagRule {
                    key,
                    values,
                    pattern,
                });
            }
            std.tagging.push((provider.to_string(), list));
        }
    }
    Ok(std)
}

fn read_technology(file: &str, item: &Node) -> Result<Technology, InputError> {
    let f = Fields::new(file, item, "spec.technologies[]")?;
    f.deny_unknown(TECH_KEYS)?;
    let id = f.req_str("id")?;
    let versions = match f.str("versions")? {
        Some(v) => {
            let req = VersionReq::parse(&v.value).map_err(|m| {
                at(file, v.span, m)
                    .expected("comma-separated constraints such as \">=15, <18\" or \"~> 5.70\"")
            })?;
            Some((v, req))
        }
        None => None,
    };
    let mut end_of_life = Vec::new();
    if let Some(n) = f.node("endOfLife") {
        let entries = n.as_map().ok_or_else(|| {
            archgate_core::fields::type_error(
                file,
                n,
                "endOfLife",
                "a mapping of release cycle to date",
            )
        })?;
        for (k, v) in entries {
            end_of_life.push((k.name.clone(), eol_value(file, v)?));
        }
    }
    Ok(Technology {
        id,
        title: f.str("title")?.map(|t| t.value),
        ring: f.one_of("ring", RINGS)?,
        versions,
        end_of_life,
        replacement: f.str("replacement")?.map(|t| t.value),
        adr: f.str("adr")?,
        lifecycle: f.str("lifecycle")?.map(|t| t.value),
    })
}

fn eol_value(file: &str, v: &Node) -> Result<Eol, InputError> {
    match &v.value {
        Value::Bool(false) => Ok(Eol::Supported),
        _ => v
            .scalar_text()
            .and_then(|t| archgate_model::vocab::parse_date(&t))
            .map(Eol::Date)
            .ok_or_else(|| {
                at(file, v.span, format!("`{v}` is not an end-of-life date"))
                    .expected("a date YYYY-MM-DD, or false while supported")
            }),
    }
}

/// The built-in lifecycle data: product → (cycle → end of life).
pub struct Lifecycle {
    pub source: String,
    pub date: String,
    pub products: HashMap<String, Vec<(String, Eol)>>,
}

const LIFECYCLE_YAML: &str = include_str!("../data/lifecycle.yaml");
const REMOVED_APIS_YAML: &str = include_str!("../data/kubernetes-removed-apis.yaml");

/// A Kubernetes API version of a kind that the API server no longer serves.
#[derive(Debug, Clone, PartialEq)]
pub struct RemovedApi {
    pub api_version: String,
    pub kind: String,
    /// The Kubernetes release that stopped serving it (`1.25`).
    pub removed_in: String,
    /// What to use instead.
    pub replacement: String,
}

/// Parses the built-in removed-API table (checked by a test).
fn parse_removed_apis(text: &str) -> Result<Vec<RemovedApi>, InputError> {
    let file = "data/kubernetes-removed-apis.yaml";
    let docs =
        parse_documents(text).map_err(|e| InputError::new(file, e.line, e.col, e.message))?;
    let doc = docs
        .first()
        .ok_or_else(|| InputError::whole_file(file, "empty"))?;
    let f = Fields::new(file, doc, "")?;
    let list = f.required("removed")?;
    let mut out = Vec::new();
    for item in list.as_seq().unwrap_or(&[]) {
        let e = Fields::new(file, item, "removed[]")?;
        let api_version = e.req_str("apiVersion")?.value;
        let removed_in = e.req_str("removedIn")?.value;
        let replacement = e.req_str("use")?.value;
        for kind in e.str_list("kinds")? {
            out.push(RemovedApi {
                api_version: api_version.clone(),
                kind: kind.value,
                removed_in: removed_in.clone(),
                replacement: replacement.clone(),
            });
        }
    }
    Ok(out)
}

/// The built-in table of removed Kubernetes APIs, parsed once.
pub fn removed_apis() -> &'static [RemovedApi] {
    static DATA: LazyLock<Vec<RemovedApi>> =
        LazyLock::new(|| parse_removed_apis(REMOVED_APIS_YAML).unwrap_or_default());
    &DATA
}

/// Parses the built-in data (checked by a test; a broken file would leave it empty).
fn parse_lifecycle(text: &str) -> Result<Lifecycle, InputError> {
    let file = "data/lifecycle.yaml";
    let docs =
        parse_documents(text).map_err(|e| InputError::new(file, e.line, e.col, e.message))?;
    let doc = docs
        .first()
        .ok_or_else(|| InputError::whole_file(file, "empty"))?;
    let f = Fields::new(file, doc, "")?;
    let mut products = HashMap::new();
    let p = f.required("products")?;
    for (name, body) in p.as_map().unwrap_or(&[]) {
        let rel = body.get("releases").and_then(Node::as_map).unwrap_or(&[]);
        let mut cycles = Vec::new();
        for (k, v) in rel {
            cycles.push((k.name.clone(), eol_value(file, v)?));
        }
        products.insert(name.name.clone(), cycles);
    }
    Ok(Lifecycle {
        source: f.req_str("source")?.value,
        date: f.req_str("date")?.value,
        products,
    })
}

/// The built-in lifecycle data, parsed once.
pub fn lifecycle() -> &'static Lifecycle {
    static DATA: LazyLock<Lifecycle> = LazyLock::new(|| {
        parse_lifecycle(LIFECYCLE_YAML).unwrap_or(Lifecycle {
            source: String::new(),
            date: String::new(),
            products: HashMap::new(),
        })
    });
    &DATA
}

/// The longest release cycle `v` belongs to.
fn cycle_of<'a>(v: &[u64], cycles: &'a [(String, Eol)]) -> Option<&'a (String, Eol)> {
    cycles
        .iter()
        .filter_map(|c| version_parts(&c.0).map(|p| (p, c)))
        .filter(|(p, _)| v.len() >= p.len() && v[..p.len()] == p[..])
        .max_by_key(|(p, _)| p.len())
        .map(|(_, c)| c)
}

/// A technology named by IaC, with where.
struct Usage<'a> {
    /// Technology id (`postgresql`).
    tech: String,
    /// Built-in lifecycle product to use (`amazon-eks` for EKS).
    product: String,
    /// Version as written, when given.
    version: Option<String>,
    /// The node naming the technology (engine, image, runtime).
    node: &'a Node,
    /// The node giving the version (engine version, image, EKS version).
    version_node: &'a Node,
    /// `version` is a constraint (`>= 1.6, < 2.0`), not a version: only its
    /// lowest admitted version is checked against the allowed range.
    constraint: bool,
}

/// How the tagging standard judged the taggable resources of a run: the
/// counts behind the `tag-coverage` KPI.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct TagCoverage {
    /// Resources carrying every required tag with an allowed value.
    pub compliant: usize,
    /// Resources missing a required tag or carrying a value not allowed.
    pub non_compliant: usize,
    /// Resources whose tags are unknown here (built by an expression, or a
    /// module whose caller's default tags are not in the unit): not judged.
    pub unknown: usize,
}

impl TagCoverage {
    fn add(&mut self, v: TagVerdict) {
        match v {
            TagVerdict::Compliant => self.compliant += 1,
            TagVerdict::NonCompliant => self.non_compliant += 1,
            TagVerdict::Unknown => self.unknown += 1,
            TagVerdict::NotJudged => {}
        }
    }
}

/// [`TagCoverage`] summed across the scan's worker threads.
#[derive(Debug, Default)]
pub struct TagTally {
    compliant: AtomicUsize,
    non_compliant: AtomicUsize,
    unknown: AtomicUsize,
}

impl TagTally {
    fn add(&self, c: TagCoverage) {
        self.compliant.fetch_add(c.compliant, Ordering::Relaxed);
        self.non_compliant
            .fetch_add(c.non_compliant, Ordering::Relaxed);
        self.unknown.fetch_add(c.unknown, Ordering::Relaxed);
    }

    /// The counts so far.
    pub fn get(&self) -> TagCoverage {
        TagCoverage {
            compliant: self.compliant.load(Ordering::Relaxed),
            non_compliant: self.non_compliant.load(Ordering::Relaxed),
            unknown: self.unknown.load(Ordering::Relaxed),
        }
    }
}

/// One resource against the tagging standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TagVerdict {
    /// Not taggable, or no tagging rules for its provider.
    NotJudged,
    Compliant,
    NonCompliant,
    Unknown,
}

/// Applies a [`Standard`] to parsed units.
#[derive(Debug, Clone)]
pub struct Checker {
    pub standard: Arc<Standard>,
    pub today: NaiveDate,
    /// Where the tag counts of every checked unit are added, if anywhere.
    pub tally: Option<Arc<TagTally>>,
}

impl Checker {
    pub fn new(standard: Standard, today: NaiveDate) -> Checker {
        Checker {
            standard: Arc::new(standard),
            today,
            tally: None,
        }
    }

    /// Every standards finding of one unit (tag counts go to `tally`).
    pub fn check_unit(&self, unit: &ParsedUnit) -> Vec<Finding> {
        let (findings, tags) = self.check_unit_counted(unit);
        if let Some(t) = &self.tally {
            t.add(tags);
        }
        findings
    }

    /// Every standards finding of one unit, and how its taggable resources fared.
    pub fn check_unit_counted(&self, unit: &ParsedUnit) -> (Vec<Finding>, TagCoverage) {
        let mut tags = TagCoverage::default();
        let mut out = Vec::new();
        let default_tags = aws_default_tags(unit);
        // A unit without an AWS provider block is a module scanned on its
        // own: its caller's provider `default_tags` (and the values of its
        // `var.tags`) are unknown here, so missing tags are not judged.
        let knows_defaults = unit
            .resources
            .iter()
            .any(|r| r.block == "provider" && r.kind == "aws");
        for r in &unit.resources {
            let text = unit.text_of(&r.file);
            for u in usages(r, &self.standard) {
                self.check_usage(r, &u, text, &mut out);
            }
            if r.source == SourceKind::Kubernetes || r.source == SourceKind::Dockerfile {
                self.check_images(r, text, &mut out);
            }
            if r.source == SourceKind::Kubernetes {
                check_removed_api(r, text, &mut out);
            }
            tags.add(self.check_tags(r, default_tags, knows_defaults, text, &mut out));
        }
        (out, tags)
    }

    fn subject<'a>(
        r: &'a Resource,
        node: &Node,
        key: &'a str,
        text: Option<&'a str>,
    ) -> Subject<'a> {
        Subject {
            file: &r.file,
            span: if node.span.is_empty() {
                r.span
            } else {
                node.span
            },
            resource: r.address.clone(),
            component: None,
            key,
            text,
        }
    }

    fn check_usage(&self, r: &Resource, u: &Usage, text: Option<&str>, out: &mut Vec<Finding>) {
        let std = &self.standard;
        let tech = std.technology(&u.tech);
        let name = tech
            .and_then(|t| t.title.clone())
            .unwrap_or_else(|| u.tech.clone());
        if let Some(t) = tech {
            if let Some(ring) = t
                .ring
                .as_ref()
                .filter(|r| r.value == "hold" || r.value == "retired")
            {
                out.push(rules::finding(
                    rules::STD_HOLD,
                    Self::subject(r, u.node, "hold", text),
                    format!(
                        "{name} is `{}` in the technology standard ({}:{}){}",
                        ring.value,
                        std.file,
                        ring.span.line,
                        t.replacement
                            .as_ref()
                            .map_or(String::new(), |x| format!("; use {x} instead"))
                    ),
                ));
            }
        }
        let Some(written) = u.version.as_deref() else {
            return;
        };
        if u.constraint {
            self.check_constraint(r, u, &name, written, tech, text, out);
            return;
        }
        let Some(v) = version_parts(written) else {
            return;
        };
        if let Some((req_text, req)) = tech.and_then(|t| t.versions.as_ref()) {
            if !req.matches(&v) {
                out.push(rules::finding(
                    rules::STD_VERSION_NOT_ALLOWED,
                    Self::subject(r, u.version_node, "version", text),
                    format!(
                        "{name} {written} is outside the allowed versions `{}` ({}:{})",
                        req_text.value, std.file, req_text.span.line
                    ),
                ));
            }
        }
        // The workspace's dates win; the built-in data covers the rest.
        let own = tech.map(|t| t.end_of_life.as_slice()).unwrap_or(&[]);
        let product = tech
            .and_then(|t| t.lifecycle.clone())
            .unwrap_or_else(|| u.product.clone());
        let builtin = lifecycle();
        let (cycle, source) = match cycle_of(&v, own) {
            Some(c) => (Some(c), std.file.clone()),
            None => (
                builtin
                    .products
                    .get(&product)
                    .and_then(|cs| cycle_of(&v, cs))
                    .or_else(|| {
                        builtin
                            .products
                            .get(&u.tech)
                            .and_then(|cs| cycle_of(&v, cs))
                    }),
                format!(
                    "built-in lifecycle data, {} of {}",
                    builtin.source, builtin.date
                ),
            ),
        };
        let Some((cycle, Eol::Date(eol))) = cycle else {
            return;
        };
        let days = (*eol - self.today).num_days();
        if days < 0 {
            out.push(rules::finding(
                rules::STD_END_OF_LIFE,
                Self::subject(r, u.version_node, "eol", text),
                format!("{name} {cycle} reached end of life on {eol} (source: {source})"),
            ));
        } else if days <= std.eol_warning_days {
            out.push(rules::finding(
                rules::STD_END_OF_LIFE_SOON,
                Self::subject(r, u.version_node, "eol-soon", text),
                format!("{name} {cycle} reaches end of life on {eol}, in {days} days (source: {source})"),
            ));
        }
    }

    /// A version constraint (Terraform `required_version`, provider
    /// `version`) is outside the standard when the lowest version it admits is.
    #[allow(clippy::too_many_arguments)]
    fn check_constraint(
        &self,
        r: &Resource,
        u: &Usage,
        name: &str,
        written: &str,
        tech: Option<&Technology>,
        text: Option<&str>,
        out: &mut Vec<Finding>,
    ) {
        let Some((req_text, req)) = tech.and_then(|t| t.versions.as_ref()) else {
            return;
        };
        let Some(lowest) = VersionReq::parse(written).ok().and_then(|c| c.lowest()) else {
            return;
        };
        if !req.matches(&lowest) {
            let shown: Vec<String> = lowest.iter().map(u64::to_string).collect();
            out.push(rules::finding(
                rules::STD_VERSION_NOT_ALLOWED,
                Self::subject(r, u.version_node, "version", text),
                format!(
                    "{name} constraint `{written}` admits {}, outside the allowed versions `{}` ({}:{})",
                    shown.join("."),
                    req_text.value,
                    self.standard.file,
                    req_text.span.line
                ),
            ));
        }
    }

    fn check_images(&self, r: &Resource, text: Option<&str>, out: &mut Vec<Finding>) {
        if self.standard.registries.is_empty() {
            return;
        }
        for (node, image) in images(r) {
            let reference = normalise_image(&image);
            let approved = self
                .standard
                .registries
                .iter()
                .any(|p| reference == *p || reference.starts_with(&format!("{p}/")));
            if !approved {
                out.push(rules::finding(
                    rules::STD_REGISTRY,
                    Self::subject(r, node, "registry", text),
                    format!(
                        "image `{image}` comes from `{}`, which is not an approved registry ({})",
                        reference.split('/').next().unwrap_or(""),
                        self.standard.registries.join(", ")
                    ),
                ));
            }
        }
    }

    fn check_tags(
        &self,
        r: &Resource,
        default_tags: Option<&Node>,
        knows_defaults: bool,
        text: Option<&str>,
        out: &mut Vec<Finding>,
    ) -> TagVerdict {
        let Some((provider, attr)) = tag_provider(r) else {
            return TagVerdict::NotJudged;
        };
        let Some(rules_for) = self
            .standard
            .tagging
            .iter()
            .find(|(p, _)| p == provider)
            .map(|(_, l)| l)
            .filter(|l| !l.is_empty())
        else {
            return TagVerdict::NotJudged;
        };
        let tags_node = if provider == "kubernetes" {
            r.body.path("metadata.labels")
        } else {
            r.body.get(attr)
        };
        if provider != "kubernetes" && tags_node.is_none() && !is_taggable(&r.kind) {
            return TagVerdict::NotJudged;
        }
        // Tags built by an expression (`merge(local.tags, …)`) are unknown: never judged.
        if tags_node.is_some_and(|n| !matches!(n.value, Value::Map(_))) {
            return TagVerdict::Unknown;
        }
        let before = out.len();
        let mut unknown = false;
        let lookup = |key: &str| -> Option<&Node> {
            tags_node.and_then(|n| n.get(key)).or_else(|| {
                if provider == "aws" {
                    default_tags.and_then(|d| d.get(key))
                } else {
                    None
                }
            })
        };
        let anchor = tags_node.map_or(r.span, |n| n.span);
        for rule in rules_for {
            match lookup(&rule.key) {
                None if provider == "aws" && !knows_defaults => unknown = true,
                None => out.push(rules::finding(
                    rules::STD_TAGGING,
                    Subject {
                        file: &r.file,
                        span: Span {
                            end_line: anchor.line,
                            ..anchor
                        },
                        resource: r.address.clone(),
                        component: None,
                        key: &rule.key,
                        text,
                    },
                    format!(
                        "{} has no `{}` {}",
                        r.address,
                        rule.key,
                        if provider == "kubernetes" {
                            "label"
                        } else {
                            "tag"
                        }
                    ),
                )),
                Some(v) => {
                    let Some(val) = v.as_str().map(str::to_string).or_else(|| {
                        matches!(v.value, Value::Int(_) | Value::Float(_) | Value::Bool(_))
                            .then(|| v.scalar_text())
                            .flatten()
                    }) else {
                        unknown = true;
                        continue;
                    };
                    let bad_value =
                        !rule.values.is_empty() && !rule.values.iter().any(|a| a == &val);
                    let bad_pattern = rule.pattern.as_ref().is_some_and(|p| !p.is_match(&val));
                    if bad_value || bad_pattern {
                        let expected = if bad_value {
                            format!("one of {}", rule.values.join(", "))
                        } else {
                            format!(
                                "a value matching `{}`",
                                rule.pattern.as_ref().map_or("", |p| p.as_str())
                            )
                        };
                        out.push(rules::finding(
                            rules::STD_TAGGING,
                            Self::subject(r, v, &rule.key, text),
                            format!(
                                "{}: `{}` = `{val}` is not allowed; expected {expected}",
                                r.address, rule.key
                            ),
                        ));
                    }
                }
            }
        }
        if out.len() > before {
            TagVerdict::NonCompliant
        } else if unknown {
            TagVerdict::Unknown
        } else {
            TagVerdict::Compliant
        }
    }
}

/// AG-GOV-STD-007: a manifest whose `apiVersion` no supported cluster serves.
fn check_removed_api(r: &Resource, text: Option<&str>, out: &mut Vec<Finding>) {
    let Some(node) = r.body.get("apiVersion") else {
        return;
    };
    let Some(api) = node.as_str() else {
        return;
    };
    if let Some(x) = removed_apis()
        .iter()
        .find(|x| x.api_version == api && x.kind == r.kind)
    {
        out.push(rules::finding(
            rules::STD_REMOVED_API,
            Subject {
                file: &r.file,
                span: node.span,
                resource: r.address.clone(),
                component: None,
                key: "api-version",
                text,
            },
            format!(
                "{} `{api}` is no longer served since Kubernetes {}; use {}",
                r.kind, x.removed_in, x.replacement
            ),
        ));
    }
}

/// `node:20` → `docker.io/library/node:20`, lower case, so registry
/// prefixes compare on one form.
pub fn normalise_image(image: &str) -> String {
    let i = image.trim().to_ascii_lowercase();
    let first = i.split('/').next().unwrap_or("");
    let has_registry =
        i.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    if has_registry {
        i
    } else if i.contains('/') {
        format!("docker.io/{i}")
    } else {
        format!("docker.io/library/{i}")
    }
}

/// Image name (last path segment, no tag/digest) and tag.
fn split_image(image: &str) -> (String, Option<String>) {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    match last.split_once(':') {
        Some((n, t)) => (n.to_ascii_lowercase(), Some(t.to_string())),
        None => (last.to_ascii_lowercase(), None),
    }
}

/// Which technology an image is, by its name.
fn image_technology(name: &str) -> Option<&'static str> {
    Some(match name {
        "node" => "nodejs",
        "python" => "python",
        "postgres" | "postgresql" => "postgresql",
        "mysql" => "mysql",
        "eclipse-temurin" | "openjdk" | "amazoncorretto" | "ibm-semeru-runtimes" => "java",
        _ => return None,
    })
}

/// Container images a resource runs, with the nodes naming them.
fn images(r: &Resource) -> Vec<(&Node, String)> {
    let mut out = Vec::new();
    match r.source {
        SourceKind::Dockerfile => {
            let stages = r.body.get("stages").and_then(Node::as_seq).unwrap_or(&[]);
            let names: Vec<String> = stages
                .iter()
                .filter_map(|s| {
                    s.get("name")
                        .and_then(Node::as_str)
                        .map(str::to_ascii_lowercase)
                })
                .collect();
            for s in stages {
                let Some(base) = s.get("base").filter(|b| !b.is_unknown()) else {
                    continue;
                };
                let Some(b) = base.as_str() else { continue };
                // `FROM build` names an earlier stage; `scratch` is no image at all.
                if b == "scratch"
                    || names.iter().any(|n| n == &b.to_ascii_lowercase())
                    || b.contains('$')
                {
                    continue;
                }
                out.push((base, b.to_string()));
            }
        }
        SourceKind::Kubernetes => {
            r.body.walk(&mut |n| {
                for key in ["containers", "initContainers", "ephemeralContainers"] {
                    for c in n.get(key).and_then(Node::as_seq).unwrap_or(&[]) {
                        if let Some(img) = c.get("image").filter(|i| !i.is_unknown()) {
                            if let Some(s) = img.as_str() {
                                out.push((img, s.to_string()));
                            }
                        }
                    }
                }
            });
        }
        _ => {}
    }
    out
}

/// Technologies a resource names, with versions.
fn usages<'a>(r: &'a Resource, std: &Standard) -> Vec<Usage<'a>> {
    let mut out = Vec::new();
    let text = |k: &str| {
        r.body
            .get(k)
            .filter(|n| !n.is_unknown())
            .and_then(|n| n.scalar_text().map(|s| (n, s)))
    };
    match (r.source, r.kind.as_str()) {
        (
            SourceKind::Terraform | SourceKind::TerraformPlan,
            "aws_db_instance" | "aws_rds_cluster",
        ) => {
            let Some((engine_node, engine)) = text("engine") else {
                return out;
            };
            let tech = match engine.as_str() {
                "postgres" | "aurora-postgresql" => "postgresql",
                "mysql" | "aurora-mysql" | "aurora" => "mysql",
                "mariadb" => "mariadb",
                e if e.starts_with("sqlserver") => "sqlserver",
                e if e.starts_with("oracle") => "oracle",
                _ => return out,
            };
            let version = text("engine_version");
            out.push(Usage {
                tech: tech.into(),
                product: tech.into(),
                node: engine_node,
                constraint: false,
                version_node: version.as_ref().map_or(engine_node, |v| v.0),
                version: version.map(|v| v.1),
            });
        }
        (
            SourceKind::Terraform | SourceKind::TerraformPlan,
            kind @ ("aws_eks_cluster" | "azurerm_kubernetes_cluster" | "google_container_cluster"),
        ) => {
            let (attr, product) = match kind {
                "aws_eks_cluster" => ("version", "amazon-eks"),
                "azurerm_kubernetes_cluster" => ("kubernetes_version", "kubernetes"),
                _ => ("min_master_version", "kubernetes"),
            };
            if let Some((n, v)) = text(attr) {
                out.push(Usage {
                    tech: "kubernetes".into(),
                    product: product.into(),
                    version: Some(v),
                    node: n,
                    version_node: n,
                    constraint: false,
                });
            }
        }
        (SourceKind::Terraform | SourceKind::TerraformPlan, "aws_lambda_function") => {
            if let Some((n, runtime)) = text("runtime") {
                let split = [("nodejs", "nodejs"), ("python", "python"), ("java", "java")]
                    .iter()
                    .find_map(|(p, t)| runtime.strip_prefix(p).map(|rest| (*t, rest.to_string())));
                if let Some((tech, rest)) = split {
                    out.push(Usage {
                        tech: tech.into(),
                        product: tech.into(),
                        version: Some(rest.trim_end_matches(".x").to_string()),
                        node: n,
                        version_node: n,
                        constraint: false,
                    });
                }
            }
        }
        (SourceKind::Terraform, "terraform") if r.block == "terraform" => {
            if let Some((n, v)) = text("required_version") {
                out.push(Usage {
                    tech: "terraform".into(),
                    product: "terraform".into(),
                    version: Some(v),
                    node: n,
                    version_node: n,
                    constraint: true,
                });
            }
            let providers = r.body.get("required_providers");
            let blocks = providers.and_then(Node::as_seq).map_or_else(
                || providers.into_iter().collect::<Vec<_>>(),
                |s| s.iter().collect(),
            );
            for block in blocks {
                for (name, spec) in block.as_map().unwrap_or(&[]) {
                    // `aws = { source = "hashicorp/aws", version = "~> 5.70" }` or the old `aws = "~> 5.70"`.
                    let version = match &spec.value {
                        Value::Str(_) => Some(spec),
                        _ => spec.get("version"),
                    };
                    let Some(vn) = version.filter(|v| !v.is_unknown()) else {
                        continue;
                    };
                    let Some(v) = vn.as_str() else { continue };
                    let tech = format!("terraform-provider-{}", name.name.to_ascii_lowercase());
                    out.push(Usage {
                        product: tech.clone(),
                        tech,
                        version: Some(v.to_string()),
                        node: vn,
                        version_node: vn,
                        constraint: true,
                    });
                }
            }
        }
        (SourceKind::Kubernetes | SourceKind::Dockerfile, _) => {
            for (node, image) in images(r) {
                let (name, tag) = split_image(&image);
                let tech = match image_technology(&name) {
                    Some(t) => t.to_string(),
                    None if std.technology(&name).is_some() => name.clone(),
                    None => continue,
                };
                out.push(Usage {
                    product: tech.clone(),
                    tech,
                    version: tag.filter(|t| t != "latest"),
                    node,
                    version_node: node,
                    constraint: false,
                });
            }
        }
        _ => {}
    }
    out
}

/// `tags` of the unit's AWS provider `default_tags` block, if any.
fn aws_default_tags(unit: &ParsedUnit) -> Option<&Node> {
    unit.resources
        .iter()
        .filter(|r| r.block == "provider" && r.kind == "aws")
        .find_map(|r| {
            let d = r.body.get("default_tags")?;
            let block = d.as_seq().and_then(|s| s.first()).unwrap_or(d);
            block
                .get("tags")
                .filter(|t| matches!(t.value, Value::Map(_)))
        })
}

/// The tagging provider and attribute for a resource, if it is taggable at all.
fn tag_provider(r: &Resource) -> Option<(&'static str, &'static str)> {
    match r.source {
        SourceKind::Terraform | SourceKind::TerraformPlan if r.block == "resource" => {
            if r.kind.starts_with("aws_") {
                Some(("aws", "tags"))
            } else if r.kind.starts_with("azurerm_") {
                Some(("azure", "tags"))
            } else if r.kind.starts_with("google_") {
                Some(("gcp", "labels"))
            } else {
                None
            }
        }
        SourceKind::Kubernetes if WORKLOADS.contains(&r.kind.as_str()) => {
            Some(("kubernetes", "labels"))
        }
        _ => None,
    }
}

const WORKLOADS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "Pod",
];

/// AWS resource types that take tags even when none are written (so a
/// missing `tags` block is a finding); others are judged only when they
/// have `tags`.
const TAGGABLE_AWS: &[&str] = &[
    "aws_instance",
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_s3_bucket",
    "aws_vpc",
    "aws_subnet",
    "aws_security_group",
    "aws_kms_key",
    "aws_sqs_queue",
    "aws_sns_topic",
    "aws_lambda_function",
    "aws_eks_cluster",
    "aws_eks_node_group",
    "aws_iam_role",
    "aws_iam_policy",
    "aws_cloudwatch_log_group",
    "aws_dynamodb_table",
    "aws_ecr_repository",
    "aws_lb",
    "aws_ecs_cluster",
    "aws_ecs_service",
    "aws_efs_file_system",
    "aws_elasticache_replication_group",
    "aws_secretsmanager_secret",
    "aws_kinesis_stream",
    "aws_msk_cluster",
    "aws_nat_gateway",
    "aws_internet_gateway",
    "aws_ebs_volume",
    "aws_db_subnet_group",
];

fn is_taggable(kind: &str) -> bool {
    kind.starts_with("azurerm_") || kind.starts_with("google_") || TAGGABLE_AWS.contains(&kind)
}

/// AG-GOV-ADR-007: technologies citing a decision that does not exist or
/// that has been superseded.
pub fn check_citations(std: &Standard, adrs: &AdrSet) -> Vec<Finding> {
    let mut out = Vec::new();
    for t in &std.technologies {
        let Some(cite) = &t.adr else { continue };
        let subject = Subject {
            file: &std.file,
            span: cite.span,
            resource: format!("technology:{}", t.id.value),
            component: None,
            key: "adr",
            text: Some(&std.text),
        };
        if let Some(problem) = crate::adr::citation_problem(adrs, &cite.value) {
            out.push(rules::finding(
                rules::ADR_CITATION,
                subject,
                format!("technology `{}` cites {problem}", t.id.value),
            ));
        }
    }
    out
}

/// Runs a [`Checker`] on every unit of `archgate check`'s scan.
#[derive(Debug)]
pub struct StandardsHook(pub Checker);

impl archgate_rules::scan::UnitHook for StandardsHook {
    fn evaluate(&self, unit: &ParsedUnit) -> archgate_rules::engine::UnitResult {
        archgate_rules::engine::UnitResult {
            findings: self.0.check_unit(unit),
            notes: Vec::new(),
        }
    }

    fn rules(&self) -> Vec<RuleMeta> {
        [
            rules::STD_HOLD,
            rules::STD_VERSION_NOT_ALLOWED,
            rules::STD_END_OF_LIFE,
            rules::STD_END_OF_LIFE_SOON,
            rules::STD_REGISTRY,
            rules::STD_TAGGING,
            rules::STD_REMOVED_API,
        ]
        .iter()
        .filter_map(|id| rules::meta(id).cloned())
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use archgate_iac::discover::{discover, load, DiscoverOptions};

    const STD: &str = "\
apiVersion: archgate.dev/v1alpha1
kind: TechnologyStandard
metadata: {name: radar}
spec:
  eolWarningDays: 180
  technologies:
    - id: postgresql
      ring: adopt
      versions: \">=15, <18\"
      endOfLife:
        \"13\": 2025-11-13
        \"16\": 2028-11-09
    - id: mysql
      ring: hold
      replacement: postgresql
    - id: kubernetes
      versions: \">=1.32\"
    - id: nodejs
      versions: \">=22\"
  registries:
    approved: [123456789012.dkr.ecr.eu-west-1.amazonaws.com]
  tagging:
    aws:
      - key: environment
        values: [prod, nonprod]
      - key: cost-centre
        pattern: \"^CC-[0-9]{4}$\"
    kubernetes:
      - key: app.kubernetes.io/name
";

    fn day(s: &str) -> NaiveDate {
        archgate_model::vocab::parse_date(s).unwrap()
    }

    /// Parses `src` as the file `path` through the real discovery (Terraform
    /// is read per module directory) and checks it against [`STD`].
    fn run(path: &str, src: &str, today: &str) -> Vec<(String, u32, String)> {
        run_with(STD, path, src, today)
    }

    fn run_with(std: &str, path: &str, src: &str, today: &str) -> Vec<(String, u32, String)> {
        let std = parse_standard("standards/technologies.yaml", std).unwrap();
        let d = tempfile::tempdir().unwrap();
        let full = d.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(&full, src).unwrap();
        let (items, errors) = discover(d.path(), &DiscoverOptions::default());
        assert!(errors.is_empty(), "{errors:?}");
        let checker = Checker::new(std, day(today));
        let mut out = Vec::new();
        for item in &items {
            let unit = load(d.path(), item);
            assert!(unit.errors.is_empty(), "{:?}", unit.errors);
            out.extend(
                checker
                    .check_unit(&unit)
                    .into_iter()
                    .map(|f| (f.rule_id, f.location.unwrap().span.line, f.message)),
            );
        }
        out
    }

    #[test]
    fn versions_and_constraints() {
        let r = VersionReq::parse(">=15, <18").unwrap();
        assert!(
            r.matches(&[15, 4]) && r.matches(&[17]) && !r.matches(&[13, 14]) && !r.matches(&[18])
        );
        let p = VersionReq::parse("~> 5.70").unwrap();
        assert!(p.matches(&[5, 80]) && !p.matches(&[6, 0]) && !p.matches(&[5, 69]));
        let e = VersionReq::parse("1.28").unwrap();
        assert!(e.matches(&[1, 28, 3]) && !e.matches(&[1, 2]));
        assert!(VersionReq::parse(">= fifteen").is_err());
        assert_eq!(version_parts("3.12-slim"), Some(vec![3, 12]));
        assert_eq!(version_parts("v1.28"), Some(vec![1, 28]));
        assert_eq!(version_parts("latest"), None);
        assert_eq!(normalise_image("node:20"), "docker.io/library/node:20");
        assert_eq!(normalise_image("bitnami/redis"), "docker.io/bitnami/redis");
        assert_eq!(normalise_image("localhost:5000/x"), "localhost:5000/x");
    }

    #[test]
    fn rds_engine_version_outside_range_and_past_eol() {
        let tf = "provider \"aws\" {\n  default_tags {\n    tags = {\n      environment = \"prod\"\n      cost-centre = \"CC-0001\"\n    }\n  }\n}\n\nresource \"aws_db_instance\" \"ledger\" {\n  engine         = \"postgres\"\n  engine_version = \"13.14\"\n}\n\nresource \"aws_db_instance\" \"vault\" {\n  engine         = \"postgres\"\n  engine_version = \"16.4\"\n}\n\nresource \"aws_db_instance\" \"recon\" {\n  engine = \"mysql\"\n  engine_version = var.mysql_version\n}\n";
        let got = run("main.tf", tf, "2026-11-25");
        let ids: Vec<(&str, u32)> = got.iter().map(|(r, l, _)| (r.as_str(), *l)).collect();
        assert_eq!(
            ids,
            vec![
                (rules::STD_VERSION_NOT_ALLOWED, 12),
                (rules::STD_END_OF_LIFE, 12),
                (rules::STD_HOLD, 21),
            ],
            "{got:#?}"
        );
        assert!(
            got[1].2.contains(
                "13 reached end of life on 2025-11-13 (source: standards/technologies.yaml)"
            ),
            "{}",
            got[1].2
        );
        assert!(got[2].2.contains("use postgresql instead"), "{}", got[2].2);
    }

    #[test]
    fn eks_uses_builtin_lifecycle_and_warns_before_eol() {
        let tf = "resource \"aws_eks_cluster\" \"prod\" {\n  name    = \"prod\"\n  version = \"1.32\"\n  tags = { environment = \"prod\", cost-centre = \"CC-0001\" }\n}\n";
        // EKS 1.32 extended support ends 2027-03-23 (built-in data).
        let got = run("eks.tf", tf, "2026-11-25");
        assert_eq!(got.len(), 1, "{got:#?}");
        assert_eq!(
            (got[0].0.as_str(), got[0].1),
            (rules::STD_END_OF_LIFE_SOON, 3)
        );
        assert!(
            got[0].2.contains("in 118 days") && got[0].2.contains("built-in lifecycle data"),
            "{}",
            got[0].2
        );
        let got = run("eks.tf", tf, "2027-04-01");
        assert_eq!(got[0].0, rules::STD_END_OF_LIFE);
    }

    #[test]
    fn dockerfile_base_image_registry_and_eol() {
        let df = "FROM node:20 AS build\nRUN npm ci\nFROM 123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/node:22-alpine\nCOPY --from=build /a /a\nFROM build\n";
        let got = run("Dockerfile", df, "2026-11-25");
        let ids: Vec<(&str, u32)> = got.iter().map(|(r, l, _)| (r.as_str(), *l)).collect();
        assert_eq!(
            ids,
            vec![
                (rules::STD_VERSION_NOT_ALLOWED, 1),
                (rules::STD_END_OF_LIFE, 1),
                // Node.js 22 ends 2027-04-30, within the 180-day window.
                (rules::STD_END_OF_LIFE_SOON, 3),
                (rules::STD_REGISTRY, 1),
            ],
            "{got:#?}"
        );
        assert!(got[3].2.contains("`docker.io`"), "{}", got[3].2);
    }

    #[test]
    fn kubernetes_images_and_labels() {
        let k = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    team: a\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: python:3.9-slim\n        - name: sidecar\n          image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/envoy:1.30\n";
        let got = run("k8s/web.yaml", k, "2026-11-25");
        let ids: Vec<(&str, u32)> = got.iter().map(|(r, l, _)| (r.as_str(), *l)).collect();
        assert_eq!(
            ids,
            vec![
                (rules::STD_END_OF_LIFE, 12),
                (rules::STD_REGISTRY, 12),
                (rules::STD_TAGGING, 6),
            ],
            "{got:#?}"
        );
        assert!(
            got[0]
                .2
                .contains("python 3.9 reached end of life on 2025-10-31"),
            "{}",
            got[0].2
        );
    }

    #[test]
    fn tags_missing_wrong_or_unknown() {
        let tf = "provider \"aws\" {\n  region = \"eu-west-1\"\n}\n\nresource \"aws_s3_bucket\" \"a\" {\n  bucket = \"a\"\n}\n\nresource \"aws_s3_bucket\" \"b\" {\n  tags = {\n    environment = \"production\"\n    cost-centre = \"CC-12\"\n  }\n}\n\nresource \"aws_s3_bucket\" \"c\" {\n  tags = merge(local.tags, { x = 1 })\n}\n\nresource \"aws_s3_bucket\" \"d\" {\n  tags = {\n    environment = var.env\n    cost-centre = \"CC-1234\"\n  }\n}\n\nresource \"aws_kms_alias\" \"e\" {\n  name = \"alias/e\"\n}\n";
        let got = run("s3.tf", tf, "2026-11-25");
        // The same resources without a provider block: a module scanned on
        // its own, whose caller's default tags are unknown; only wrong values count.
        let module = tf.split_once("}\n\n").unwrap().1;
        let alone: Vec<u32> = run("modules/s3/main.tf", module, "2026-11-25")
            .iter()
            .map(|g| g.1)
            .collect();
        assert_eq!(alone, vec![7, 8], "{alone:?}");
        let ids: Vec<(&str, u32)> = got.iter().map(|(r, l, _)| (r.as_str(), *l)).collect();
        assert_eq!(
            ids,
            vec![
                (rules::STD_TAGGING, 5),
                (rules::STD_TAGGING, 5),
                (rules::STD_TAGGING, 11),
                (rules::STD_TAGGING, 12),
            ],
            "{got:#?}"
        );
        assert!(
            got[2].2.contains("expected one of prod, nonprod"),
            "{}",
            got[2].2
        );
    }

    /// Tag counts of one file: (compliant, non-compliant, unknown), summed in a tally.
    fn tag_counts(path: &str, src: &str) -> TagCoverage {
        let std = parse_standard("standards/technologies.yaml", STD).unwrap();
        let d = tempfile::tempdir().unwrap();
        let full = d.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(&full, src).unwrap();
        let (items, _) = discover(d.path(), &DiscoverOptions::default());
        let tally = Arc::new(TagTally::default());
        let checker = Checker {
            tally: Some(tally.clone()),
            ..Checker::new(std, day("2026-11-25"))
        };
        for item in &items {
            checker.check_unit(&load(d.path(), item));
        }
        tally.get()
    }

    #[test]
    fn tag_coverage_counts_each_taggable_resource_once() {
        let tf = "provider \"aws\" {\n  region = \"eu-west-1\"\n}\n\nresource \"aws_s3_bucket\" \"a\" {\n  bucket = \"a\"\n}\n\nresource \"aws_s3_bucket\" \"b\" {\n  tags = {\n    environment = \"prod\"\n    cost-centre = \"CC-1234\"\n  }\n}\n\nresource \"aws_s3_bucket\" \"c\" {\n  tags = merge(local.tags, { x = 1 })\n}\n\nresource \"aws_s3_bucket\" \"d\" {\n  tags = {\n    environment = var.env\n    cost-centre = \"CC-1234\"\n  }\n}\n\nresource \"aws_s3_bucket\" \"e\" {\n  tags = {\n    environment = \"staging\"\n    cost-centre = \"CC-1234\"\n  }\n}\n\nresource \"aws_kms_alias\" \"f\" {\n  name = \"alias/f\"\n}\n";
        // a: no tags (non-compliant); b: compliant; c, d: unknown; e: wrong
        // value (non-compliant); f: not taggable, not counted.
        assert_eq!(
            tag_counts("s3.tf", tf),
            TagCoverage {
                compliant: 1,
                non_compliant: 2,
                unknown: 2
            }
        );
        // Without the provider block (a module on its own) missing tags are unknown.
        let module = tf.split_once("}\n\n").unwrap().1;
        assert_eq!(
            tag_counts("modules/s3/main.tf", module),
            TagCoverage {
                compliant: 1,
                non_compliant: 1,
                unknown: 3
            }
        );
    }

    #[test]
    fn terraform_constraints_admitting_versions_outside_the_range() {
        let std = STD.replace(
            "  registries:",
            "    - id: terraform\n      versions: \">=1.6, <2.0\"\n    - id: terraform-provider-aws\n      versions: \">=5.70\"\n  registries:",
        );
        let tf = "terraform {\n  required_version = \">= 1.3.0, < 2.0.0\"\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \"~> 5.70\"\n    }\n    tls = \"~> 4.0\"\n  }\n}\n";
        let got = run_with(&std, "versions.tf", tf, "2026-11-25");
        assert_eq!(got.len(), 1, "{got:#?}");
        assert_eq!(
            (got[0].0.as_str(), got[0].1),
            (rules::STD_VERSION_NOT_ALLOWED, 2)
        );
        assert!(
            got[0]
                .2
                .contains("constraint `>= 1.3.0, < 2.0.0` admits 1.3.0"),
            "{}",
            got[0].2
        );
        let ok = tf
            .replace(">= 1.3.0", ">= 1.6.0")
            .replace("~> 5.70", "~> 5.0");
        let got = run_with(&std, "versions.tf", &ok, "2026-11-25");
        assert_eq!(got.len(), 1, "{got:#?}");
        assert!(
            got[0]
                .2
                .contains("terraform-provider-aws constraint `~> 5.0` admits 5.0"),
            "{}",
            got[0].2
        );
        assert_eq!(
            VersionReq::parse("> 1.2, <= 3").unwrap().lowest(),
            Some(vec![1, 3])
        );
        assert_eq!(VersionReq::parse("< 3").unwrap().lowest(), None);
    }

    #[test]
    fn bad_standard_is_located() {
        let e =
            parse_standard("t.yaml", &STD.replace("\">=15, <18\"", "\">= fifteen\"")).unwrap_err();
        assert_eq!((e.line, e.col), (9, 17));
        let e = parse_standard("t.yaml", &STD.replace("2025-11-13", "soon")).unwrap_err();
        assert_eq!((e.line, e.col), (11, 15));
        let e = parse_standard("t.yaml", &STD.replace("ring: hold", "ring: avoid")).unwrap_err();
        assert_eq!(e.line, 14);
        let e = parse_standard("t.yaml", &STD.replace("\"^CC-[0-9]{4}$\"", "\"(\"")).unwrap_err();
        assert_eq!(e.line, 27);
    }

    #[test]
    fn removed_kubernetes_apis() {
        let table = parse_removed_apis(REMOVED_APIS_YAML).unwrap();
        assert!(table.len() > 40, "{}", table.len());
        let k = "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: nightly\n  labels: {app.kubernetes.io/name: nightly}\nspec:\n  schedule: \"0 1 * * *\"\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: hourly\n  labels: {app.kubernetes.io/name: hourly}\nspec:\n  schedule: \"0 * * * *\"\n---\napiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: restricted}\n";
        let got = run("k8s/jobs.yaml", k, "2026-11-25");
        let ids: Vec<(&str, u32)> = got.iter().map(|(r, l, _)| (r.as_str(), *l)).collect();
        assert_eq!(
            ids,
            vec![(rules::STD_REMOVED_API, 1), (rules::STD_REMOVED_API, 17)],
            "{got:#?}"
        );
        assert!(
            got[0].2.contains(
                "CronJob `batch/v1beta1` is no longer served since Kubernetes 1.25; use batch/v1"
            ),
            "{}",
            got[0].2
        );
    }

    #[test]
    fn builtin_lifecycle_parses() {
        let l = parse_lifecycle(LIFECYCLE_YAML).unwrap();
        for p in [
            "kubernetes",
            "amazon-eks",
            "postgresql",
            "mysql",
            "nodejs",
            "python",
            "java",
            "terraform",
        ] {
            assert!(l.products.get(p).is_some_and(|c| !c.is_empty()), "{p}");
        }
        assert_eq!(l.date, "2026-08-22");
        let pg = &l.products["postgresql"];
        assert_eq!(
            cycle_of(&[13, 14], pg).map(|c| c.1),
            Some(Eol::Date(day("2025-11-13")))
        );
        assert_eq!(
            cycle_of(&[1, 15, 2], &l.products["terraform"]).map(|c| c.1),
            Some(Eol::Supported)
        );
    }
}
