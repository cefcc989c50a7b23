//! Finding the infrastructure code under a path, and loading one unit of it.
//!
//! [`discover`] walks a directory once (in parallel, honouring `.gitignore`
//! and `.ignore`, skipping [`SKIPPED_DIRS`] (`.terraform/`, `node_modules/`,
//! `.git/`, `vendor/`, `target/`, …) and the user's `exclude` globs;
//! symbolic links are followed, loops reported) and classifies
//! what it finds into [`WorkItem`]s, sorted for deterministic output:
//!
//! - `*.tf` / `*.tf.json` → one [`WorkItem::TerraformModule`] per directory
//!   (`.tfvars` belong to the module of their directory);
//! - `Dockerfile`, `Dockerfile.*`, `*.dockerfile`, `Containerfile` → Dockerfile;
//! - `.github/workflows/*.yml|yaml` → GitHub Actions;
//! - other `*.yaml|yml` → CloudFormation when its head says so
//!   (`AWSTemplateFormatVersion`, a top-level `Resources:`), else a Kubernetes
//!   candidate (the reader decides: non-Kubernetes YAML yields nothing, and
//!   a YAML file whose template markers lie beyond its head is still read as
//!   the template its content shows); `kustomization.yaml` is not a
//!   resource file; broken YAML that is not a manifest, or a manifest with
//!   `{{ }}` template actions, gets a note instead of an error;
//! - `*.json` → Terraform plan (`format_version` with `terraform_version` or
//!   `planned_values`), CloudFormation, a Kubernetes manifest, or ignored,
//!   from its first 4 KiB;
//! - a directory with `Chart.yaml` is a Helm chart: its `templates/` are one
//!   [`WorkItem::HelmChart`]. Templates with `{{ }}` actions are not YAML
//!   until rendered: they are skipped with one note per chart; templates
//!   without any action are plain manifests and are scanned (as Checkov
//!   does). `Chart.yaml` and `values*.yaml` are never resources;
//! - only when [`DiscoverOptions::frameworks`] lists [`SourceKind::Config`]
//!   (a scan with Rego policies): configuration files conftest can parse
//!   that are not infrastructure code ([`is_config_file`]: `Jenkinsfile`,
//!   `nginx.conf`, `*.toml`, `*.ini`, `*.xml`, `*.properties`, `*.hcl`,
//!   `.env*`, `.gitignore`, and `*.json` that is none of the above) → one config item each, carried as text for the policies. Plain
//!   YAML is not among them: it is already read as a Kubernetes candidate,
//!   whose text policies see whether or not it holds manifests.
//!
//! [`load`] reads the files of one item once and hands them to the right
//! reader. The caller runs items in parallel. Neither function runs rules.

use crate::{actions, cloudformation, dockerfile, kubernetes};
use crate::{ParsedUnit, Resource, SourceFile, SourceKind};
use archgate_core::yaml::YamlError;
use archgate_core::{InputError, Note};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Files larger than this are reported, not read.
pub const MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Directory names never descended into.
pub const SKIPPED_DIRS: [&str; 9] = [
    ".terraform",
    ".terragrunt-cache",
    "node_modules",
    ".git",
    "vendor",
    "target",
    ".venv",
    ".tox",
    "__pycache__",
];

/// How many bytes of a YAML or JSON file are read to classify it.
const PEEK_BYTES: usize = 4096;

/// What to look at.
#[derive(Debug, Clone, Default)]
pub struct DiscoverOptions {
    /// Globs (relative to the root, `/`-separated) of paths to leave out.
    pub exclude: Vec<String>,
    /// Only these source kinds (Checkov's `--framework`); `None` = every
    /// infrastructure kind ([`SourceKind::IAC`]). Configuration files
    /// ([`SourceKind::Config`]) are looked for only when listed here, so a
    /// scan without policies reads no more files than it scans.
    pub frameworks: Option<Vec<SourceKind>>,
}

/// One unit of work: what [`load`] parses in one go.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum WorkItem {
    /// A Terraform module directory (relative to the root; `""` = the root).
    TerraformModule { dir: String },
    /// One file of a known kind.
    File { path: String, kind: SourceKind },
    /// A Helm chart directory and its template files.
    HelmChart { dir: String, templates: Vec<String> },
}

impl WorkItem {
    /// The source kind the item is scanned as.
    pub fn kind(&self) -> SourceKind {
        match self {
            WorkItem::TerraformModule { .. } => SourceKind::Terraform,
            WorkItem::File { kind, .. } => *kind,
            WorkItem::HelmChart { .. } => SourceKind::Kubernetes,
        }
    }
}

/// Turns a YAML syntax error into an input error of `file`.
pub fn yaml_error(file: &str, e: &YamlError) -> InputError {
    InputError::new(file, e.line, e.col, format!("invalid YAML: {}", e.message))
        .expected("valid YAML")
}

/// What the walk found in one file, before Helm charts are known.
enum Found {
    TerraformDir(String),
    File(String, SourceKind),
    ChartRoot(String),
    /// A YAML file that may be a chart template (decided after the walk).
    Yaml(String, SourceKind),
    Error(InputError),
}

/// Finds the work under `root` (a directory or a single file).
pub fn discover(root: &Path, opts: &DiscoverOptions) -> (Vec<WorkItem>, Vec<InputError>) {
    let mut errors = Vec::new();
    let exclude = match build_globs(&opts.exclude) {
        Ok(g) => g,
        Err(e) => return (Vec::new(), vec![e]),
    };
    let meta = match std::fs::metadata(root) {
        Ok(m) => m,
        Err(e) => {
            return (
                Vec::new(),
                vec![InputError::whole_file(
                    root.display().to_string(),
                    format!("cannot read: {e}"),
                )],
            )
        }
    };
    let config = opts
        .frameworks
        .as_ref()
        .is_some_and(|f| f.contains(&SourceKind::Config));
    let found: Vec<Found> = if meta.is_file() {
        // A single file: paths are relative to its directory.
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        classify(root, &name, &|| meta.len(), config)
            .into_iter()
            .collect()
    } else {
        walk(root, &exclude, config)
    };

    let mut tf_dirs = BTreeSet::new();
    let mut files = Vec::new();
    let mut yaml = Vec::new();
    let mut charts = BTreeSet::new();
    for f in found {
        match f {
            Found::TerraformDir(d) => {
                tf_dirs.insert(d);
            }
            Found::File(p, k) => files.push((p, k)),
            Found::ChartRoot(d) => {
                charts.insert(d);
            }
            Found::Yaml(p, k) => yaml.push((p, k)),
            Found::Error(e) => errors.push(e),
        }
    }
    let mut chart_templates: Vec<(String, Vec<String>)> =
        charts.iter().map(|c| (c.clone(), Vec::new())).collect();
    for (path, kind) in yaml {
        match chart_of(&path, &charts) {
            Some((chart, true)) => {
                if let Some((_, t)) = chart_templates.iter_mut().find(|(c, _)| c == chart) {
                    t.push(path);
                }
            }
            // Chart.yaml, values.yaml and friends describe the chart, not resources.
            Some((_, false)) if is_chart_metadata(&path) => {}
            _ => files.push((path, kind)),
        }
    }

    let mut items: Vec<WorkItem> = tf_dirs
        .into_iter()
        .map(|dir| WorkItem::TerraformModule { dir })
        .chain(
            files
                .into_iter()
                .map(|(path, kind)| WorkItem::File { path, kind }),
        )
        .chain(chart_templates.into_iter().map(|(dir, mut templates)| {
            templates.sort();
            WorkItem::HelmChart { dir, templates }
        }))
        .filter(|i| match &opts.frameworks {
            Some(f) => f.contains(&i.kind()),
            None => i.kind() != SourceKind::Config,
        })
        .collect();
    items.sort();
    errors.sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
    (items, errors)
}

fn build_globs(patterns: &[String]) -> Result<GlobSet, InputError> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let g = Glob::new(p.trim_end_matches('/')).map_err(|e| {
            InputError::whole_file(p.clone(), format!("invalid exclude pattern: {e}"))
                .expected("a glob such as `examples/**` or `*.test.yaml`")
        })?;
        b.add(g);
    }
    b.build()
        .map_err(|e| InputError::whole_file("exclude", format!("invalid exclude patterns: {e}")))
}

/// `a/b/c` relative to `root`, with `/` separators.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<_> = rel
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy()),
            _ => None,
        })
        .collect();
    parts.join("/")
}

fn walk(root: &Path, exclude: &GlobSet, config: bool) -> Vec<Found> {
    let found = Mutex::new(Vec::new());
    let root_buf = root.to_path_buf();
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(false) // `.github/workflows` must be seen
        .follow_links(true) // loops are detected and reported by `ignore`
        .require_git(false)
        .git_global(false)
        .parents(true);
    let filter_root = root_buf.clone();
    let filter_exclude = exclude.clone();
    builder.filter_entry(move |e| {
        if e.depth() == 0 {
            return true;
        }
        let is_dir = e.file_type().is_some_and(|t| t.is_dir());
        if is_dir && SKIPPED_DIRS.iter().any(|d| e.file_name() == *d) {
            return false;
        }
        filter_exclude.is_empty() || !filter_exclude.is_match(relative(&filter_root, e.path()))
    });
    builder.build_parallel().run(|| {
        let found = &found;
        let root = root_buf.clone();
        Box::new(move |entry| {
            let item = match entry {
                Ok(e) => {
                    if !e.file_type().is_some_and(|t| t.is_file()) {
                        return ignore::WalkState::Continue;
                    }
                    let rel = relative(&root, e.path());
                    // Only files that may be scanned are stat'ed.
                    let size = || e.metadata().map(|m| m.len()).unwrap_or(0);
                    classify(e.path(), &rel, &size, config)
                }
                Err(err) => Some(Found::Error(walk_error(&root, &err))),
            };
            if let Some(item) = item {
                if let Ok(mut f) = found.lock() {
                    f.push(item);
                }
            }
            ignore::WalkState::Continue
        })
    });
    found.into_inner().unwrap_or_default()
}

fn walk_error(root: &Path, err: &ignore::Error) -> InputError {
    let mut path: Option<PathBuf> = None;
    let mut e = err;
    loop {
        match e {
            ignore::Error::WithPath { path: p, err } => {
                path.get_or_insert_with(|| p.clone());
                e = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                e = err
            }
            ignore::Error::Loop { ancestor, child } => {
                return InputError::whole_file(
                    relative(root, child),
                    format!(
                        "symbolic link loop: it leads back to `{}`; not followed",
                        relative(root, ancestor)
                    ),
                )
            }
            other => {
                let file = path.map(|p| relative(root, &p)).unwrap_or_default();
                return InputError::whole_file(file, format!("cannot read: {other}"));
            }
        }
    }
}

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

fn parent_dir(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

fn is_dockerfile(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    // Editor and template companions of Dockerfiles are not Dockerfiles.
    const NOT: [&str; 9] = [
        ".dockerignore",
        ".md",
        ".txt",
        ".template",
        ".tmpl",
        ".j2",
        ".orig",
        ".bak",
        ".swp",
    ];
    if NOT.iter().any(|s| lower.ends_with(s)) {
        return false;
    }
    lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
}

/// True for the configuration files conftest parses by name that are not
/// infrastructure code: `Jenkinsfile`/`Jenkinsfile.*`, `nginx.conf`, `.env*`,
/// `.gitignore`/`.dockerignore`, and `*.hcl`, `*.toml`, `*.ini`, `*.xml`,
/// `*.properties`, `*.nginx`, `*.env`. (`*.json` that is not
/// infrastructure is configuration too, but only its content tells.) The
/// names follow archgate-policy's conftest parser choice, which this crate
/// cannot call: that crate depends on this one. `*.groovy` is left out
/// although conftest parses it: it is mostly application source (Groovy
/// projects, Gradle plugins), not pipeline configuration, and its
/// Jenkins-oriented parser would fail on much of it.
pub fn is_config_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower == "jenkinsfile"
        || lower.starts_with("jenkinsfile.")
        || lower == "nginx.conf"
        || lower.starts_with(".env")
        || lower == ".gitignore"
        || lower == ".dockerignore"
    {
        return true;
    }
    const EXTENSIONS: [&str; 7] = ["hcl", "toml", "ini", "xml", "properties", "nginx", "env"];
    lower
        .rsplit_once('.')
        .is_some_and(|(stem, ext)| !stem.is_empty() && EXTENSIONS.contains(&ext))
}

/// True when `rel`, holding no resources, is a configuration file whose
/// text only policies read: a [`is_config_name`] file, or YAML/JSON that no
/// infrastructure reader claimed (plain YAML comes as a Kubernetes
/// candidate with no objects, plain JSON as a [`SourceKind::Config`] item).
/// Terraform's own JSON (`*.tf.json`, `*.tfvars.json`) is not.
pub fn is_config_file(rel: &str) -> bool {
    let name = file_name(rel);
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".tf.json") || lower.ends_with(".tfvars.json") {
        return false;
    }
    is_config_name(name)
        || lower.ends_with(".json")
        || lower.ends_with(".yaml")
        || lower.ends_with(".yml")
}

/// Classifies one file by its name (and, for YAML/JSON, its first bytes).
/// `config`: also take configuration files ([`SourceKind::Config`]).
fn classify(path: &Path, rel: &str, size: &dyn Fn() -> u64, config: bool) -> Option<Found> {
    let name = file_name(rel);
    let lower = name.to_ascii_lowercase();
    let too_large = |kind: &str, size: u64| {
        Some(Found::Error(
            InputError::whole_file(
                rel,
                format!("{kind} file too large ({size} bytes; the limit is {MAX_FILE_SIZE} bytes); not scanned"),
            ),
        ))
    };
    if lower.ends_with(".tf") || lower.ends_with(".tf.json") {
        return Some(Found::TerraformDir(parent_dir(rel).to_string()));
    }
    if lower.ends_with(".tfvars") || lower.ends_with(".tfvars.json") {
        return None;
    }
    if is_dockerfile(name) {
        let size = size();
        if size > MAX_FILE_SIZE {
            return too_large("Dockerfile", size);
        }
        return Some(Found::File(rel.to_string(), SourceKind::Dockerfile));
    }
    let is_yaml = lower.ends_with(".yaml") || lower.ends_with(".yml");
    if is_yaml {
        if name == "Chart.yaml" {
            return Some(Found::ChartRoot(parent_dir(rel).to_string()));
        }
        if lower == "kustomization.yaml" || lower == "kustomization.yml" {
            return None;
        }
        let size = size();
        if size > MAX_FILE_SIZE {
            return too_large("YAML", size);
        }
        // The full path, so that a single workflow file given as the root is recognised.
        if path
            .parent()
            .is_some_and(|d| d.ends_with(".github/workflows"))
        {
            return Some(Found::File(rel.to_string(), SourceKind::GithubActions));
        }
        let head = peek(path);
        let kind = if head.contains("AWSTemplateFormatVersion")
            || head.lines().any(|l| l.starts_with("Resources:"))
        {
            SourceKind::CloudFormation
        } else {
            SourceKind::Kubernetes
        };
        return Some(Found::Yaml(rel.to_string(), kind));
    }
    if lower.ends_with(".json") {
        let head = peek(path);
        let kind = if head.contains("\"format_version\"")
            && (head.contains("\"terraform_version\"") || head.contains("\"planned_values\""))
        {
            SourceKind::TerraformPlan
        } else if head.contains("\"AWSTemplateFormatVersion\"") || head.contains("\"Resources\"") {
            SourceKind::CloudFormation
        } else if head.contains("\"apiVersion\"") && head.contains("\"kind\"") {
            SourceKind::Kubernetes
        } else if config {
            SourceKind::Config
        } else {
            return None;
        };
        let size = size();
        if size > MAX_FILE_SIZE {
            return too_large("JSON", size);
        }
        return Some(Found::File(rel.to_string(), kind));
    }
    if config && is_config_name(name) {
        let size = size();
        if size > MAX_FILE_SIZE {
            return too_large("configuration", size);
        }
        return Some(Found::File(rel.to_string(), SourceKind::Config));
    }
    None
}

/// The first bytes of a file as text (lossy; classification only).
fn peek(path: &Path) -> String {
    let mut buf = vec![0u8; PEEK_BYTES];
    let n = std::fs::File::open(path)
        .and_then(|mut f| {
            let mut total = 0;
            while total < buf.len() {
                let n = f.read(&mut buf[total..])?;
                if n == 0 {
                    break;
                }
                total += n;
            }
            Ok(total)
        })
        .unwrap_or(0);
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// The chart `path` lies in, and whether it is under the chart's `templates/`.
/// The innermost chart wins (charts vendor sub-charts under `charts/`);
/// looking up each ancestor directory keeps this linear in the path depth.
fn chart_of<'c>(path: &str, charts: &'c BTreeSet<String>) -> Option<(&'c String, bool)> {
    let mut dir = parent_dir(path);
    loop {
        if let Some(c) = charts.get(dir) {
            let inner = if c.is_empty() {
                path
            } else {
                &path[c.len() + 1..]
            };
            return Some((c, inner.starts_with("templates/")));
        }
        if dir.is_empty() {
            return None;
        }
        dir = parent_dir(dir);
    }
}

fn is_chart_metadata(path: &str) -> bool {
    let name = file_name(path);
    name == "Chart.yaml"
        || name.starts_with("values")
        || name == "requirements.yaml"
        || name == "Chart.lock"
}

/// Reads and parses one work item. `root` is what was passed to [`discover`].
pub fn load(root: &Path, item: &WorkItem) -> ParsedUnit {
    let base = if root.is_file() {
        root.parent().unwrap_or(Path::new("")).to_path_buf()
    } else {
        root.to_path_buf()
    };
    match item {
        WorkItem::TerraformModule { dir } => terraform_shim::load_module(&base, dir),
        WorkItem::File { path, kind } => match read_text(&base, path) {
            Ok(file) => parse_source(file, *kind),
            Err(e) => ParsedUnit {
                errors: vec![e],
                ..ParsedUnit::default()
            },
        },
        WorkItem::HelmChart { dir, templates } => load_chart(&base, dir, templates),
    }
}

/// What one file produced.
#[derive(Default)]
struct Parsed {
    resources: Vec<Resource>,
    errors: Vec<InputError>,
    notes: Vec<Note>,
}

impl From<(Vec<Resource>, Vec<InputError>)> for Parsed {
    fn from((resources, errors): (Vec<Resource>, Vec<InputError>)) -> Parsed {
        Parsed {
            resources,
            errors,
            notes: Vec::new(),
        }
    }
}

/// True when some top-level line starts a Kubernetes object (`apiVersion:`
/// and `kind:`), so a YAML syntax error in the file is worth reporting.
fn looks_like_manifest_text(text: &str) -> bool {
    let mut api = false;
    let mut kind = false;
    for l in text.lines() {
        api |= l.starts_with("apiVersion:");
        kind |= l.starts_with("kind:");
        if api && kind {
            return true;
        }
    }
    false
}

/// Parses text already in memory as `kind` (e.g. rule fixtures). Terraform
/// is read per module directory: use [`load`] with a
/// [`WorkItem::TerraformModule`] for it.
pub fn parse_source(file: SourceFile, kind: SourceKind) -> ParsedUnit {
    match kind {
        SourceKind::TerraformPlan => terraform_shim::parse_plan(file),
        SourceKind::Terraform => ParsedUnit {
            errors: vec![InputError::whole_file(
                &file.path,
                "Terraform is read per module directory, not per file",
            )
            .expected("a module directory (`WorkItem::TerraformModule`)")],
            files: vec![file],
            ..ParsedUnit::default()
        },
        _ => {
            let parsed = parse_file(&file.path, &file.text, kind);
            ParsedUnit {
                files: vec![file],
                resources: parsed.resources,
                errors: parsed.errors,
                notes: parsed.notes,
            }
        }
    }
}

/// Parses one file's text as `kind` (YAML CloudFormation/Kubernetes files
/// are parsed once and the content decides between the two).
fn parse_file(path: &str, text: &str, kind: SourceKind) -> Parsed {
    let json = path.to_ascii_lowercase().ends_with(".json");
    match kind {
        SourceKind::Dockerfile => {
            let (r, e) = dockerfile::parse(path, text);
            (r.into_iter().collect(), e).into()
        }
        SourceKind::GithubActions => actions::parse(path, text).into(),
        SourceKind::CloudFormation | SourceKind::Kubernetes if json => {
            let index = archgate_core::LineIndex::new(text);
            match crate::json::parse_indexed(path, text, &index) {
                Ok(doc) if cloudformation::looks_like_template(&doc) => {
                    cloudformation::resources_from_template(path, text, &index, doc).into()
                }
                Ok(doc) => (
                    kubernetes::from_documents(path, text, vec![doc]),
                    Vec::new(),
                )
                    .into(),
                Err(e) => (Vec::new(), vec![e]).into(),
            }
        }
        SourceKind::CloudFormation | SourceKind::Kubernetes => {
            match archgate_core::yaml::parse_documents(text) {
                Ok(docs) if docs.iter().any(cloudformation::looks_like_template) => {
                    cloudformation::from_yaml_documents(path, text, docs).into()
                }
                Ok(docs) => (kubernetes::from_documents(path, text, docs), Vec::new()).into(),
                // Any `.yaml` is a candidate, but a broken file that is
                // neither a template nor a manifest (CI config, Ansible,
                // templated YAML) is not infrastructure archgate reads: say
                // so in a note rather than failing the scan.
                Err(e) if kind == SourceKind::Kubernetes && !looks_like_manifest_text(text) => {
                    Parsed {
                        notes: vec![Note {
                            file: Some(path.to_string()),
                            message: format!(
                                "not scanned: not valid YAML ({}:{}: {}) and not a Kubernetes manifest",
                                e.line, e.col, e.message
                            ),
                        }],
                        ..Parsed::default()
                    }
                }
                // A templated manifest outside a chart (kustomize/helm/jinja input).
                Err(_) if kind == SourceKind::Kubernetes && text.contains("{{") => Parsed {
                    notes: vec![Note {
                        file: Some(path.to_string()),
                        message: "not scanned: contains template expressions (`{{ }}`); render it (e.g. `helm template`) and scan the output".to_string(),
                    }],
                    ..Parsed::default()
                },
                Err(e) => (Vec::new(), vec![yaml_error(path, &e)]).into(),
            }
        }
        // Terraform is read per module directory, never per file here.
        SourceKind::Terraform | SourceKind::TerraformPlan => Parsed::default(),
        // Configuration files are text for policies: no resources, and
        // their syntax is the policy parser's to judge.
        SourceKind::Config => Parsed::default(),
    }
}

/// A Helm chart: templates containing template actions (`{{ … }}`) are not
/// YAML until rendered, so they are skipped with one note for the chart;
/// templates without any action are plain manifests and are scanned.
fn load_chart(base: &Path, dir: &str, templates: &[String]) -> ParsedUnit {
    let mut unit = ParsedUnit::default();
    let mut skipped = 0usize;
    for t in templates {
        let file = match read_text(base, t) {
            Ok(f) => f,
            Err(e) => {
                unit.errors.push(e);
                continue;
            }
        };
        if file.text.contains("{{") {
            skipped += 1;
            continue;
        }
        let parsed = parse_file(&file.path, &file.text, SourceKind::Kubernetes);
        unit.resources.extend(parsed.resources);
        unit.errors.extend(parsed.errors);
        unit.notes.extend(parsed.notes);
        unit.files.push(file);
    }
    if skipped > 0 {
        let chart = if dir.is_empty() {
            ".".to_string()
        } else {
            dir.to_string()
        };
        let chart_file = if dir.is_empty() {
            "Chart.yaml".to_string()
        } else {
            format!("{dir}/Chart.yaml")
        };
        unit.notes.push(Note {
            file: Some(chart_file),
            message: format!(
                "Helm chart `{chart}`: {skipped} template(s) not rendered; run `helm template` and scan the output"
            ),
        });
    }
    unit
}

/// Reads `rel` under `base` as UTF-8 text (a leading BOM is dropped).
pub fn read_text(base: &Path, rel: &str) -> Result<SourceFile, InputError> {
    let full = if rel.is_empty() {
        base.to_path_buf()
    } else {
        base.join(rel)
    };
    let meta = std::fs::metadata(&full)
        .map_err(|e| InputError::whole_file(rel, format!("cannot read: {e}")))?;
    if meta.len() > MAX_FILE_SIZE {
        return Err(InputError::whole_file(
            rel,
            format!(
                "file too large ({} bytes; the limit is {MAX_FILE_SIZE} bytes); not scanned",
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(&full)
        .map_err(|e| InputError::whole_file(rel, format!("cannot read: {e}")))?;
    let text = decode(rel, bytes)?;
    Ok(SourceFile {
        path: rel.to_string(),
        text: Arc::from(text),
    })
}

/// UTF-8 text, or an error at the first offending byte.
fn decode(rel: &str, bytes: Vec<u8>) -> Result<String, InputError> {
    let position = |upto: &[u8]| {
        let line = upto.iter().filter(|b| **b == b'\n').count() as u32 + 1;
        let line_start = upto.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
        let col = String::from_utf8_lossy(&upto[line_start..]).chars().count() as u32 + 1;
        (line, col)
    };
    if let Some(nul) = bytes.iter().position(|b| *b == 0) {
        let (line, col) = position(&bytes[..nul]);
        return Err(
            InputError::new(rel, line, col, "binary content (a NUL byte)")
                .expected("a UTF-8 text file"),
        );
    }
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Ok(s)
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let (line, col) = position(&e.as_bytes()[..at]);
            Err(InputError::new(rel, line, col, "invalid UTF-8").expected("a UTF-8 text file"))
        }
    }
}

/// The Terraform reader lives in `crate::terraform` (another part of this
/// crate); this shim is the one place that calls it, so the dispatcher does
/// not change when that reader's internals do.
mod terraform_shim {
    use crate::{ParsedUnit, SourceFile};
    use std::path::Path;

    pub(super) fn load_module(root: &Path, dir: &str) -> ParsedUnit {
        crate::terraform::load_module(root, dir)
    }

    pub(super) fn parse_plan(file: SourceFile) -> ParsedUnit {
        crate::terraform::parse_plan(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(root: &Path, rel: &str, text: &[u8]) {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    fn tree() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        write(r, "main.tf", b"resource \"a\" \"b\" {}\n");
        write(r, "modules/x/vars.tf.json", b"{}");
        write(r, "modules/x/terraform.tfvars", b"a = 1\n");
        write(r, ".terraform/modules/m/main.tf", b"");
        write(r, "node_modules/p/Dockerfile", b"FROM a\n");
        write(r, "app/Dockerfile", b"FROM alpine\nUSER app\n");
        write(r, "app/api.dockerfile", b"FROM alpine\n");
        write(r, "app/Dockerfile.md", b"# docs\n");
        write(
            r,
            ".github/workflows/ci.yml",
            b"on: push\njobs:\n  a:\n    runs-on: x\n",
        );
        write(
            r,
            "k8s/deploy.yaml",
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n",
        );
        write(r, "k8s/kustomization.yaml", b"resources: [deploy.yaml]\n");
        write(r, "cfn/stack.yml", b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n");
        write(
            r,
            "cfn/stack.json",
            b"{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\"}}}",
        );
        write(
            r,
            "plan.json",
            br#"{"format_version": "1.2", "terraform_version": "1.9.0",
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "values": {"bucket": "x"}}
  ]}}}"#,
        );
        write(r, "package.json", b"{\"name\": \"x\"}");
        write(r, "chart/Chart.yaml", b"apiVersion: v2\nname: c\n");
        write(r, "chart/values.yaml", b"replicas: 1\n");
        write(
            r,
            "chart/templates/deploy.yaml",
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n",
        );
        write(
            r,
            "chart/templates/role.yaml",
            b"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n",
        );
        write(
            r,
            "ignored/x.yaml",
            b"apiVersion: v1\nkind: Pod\nmetadata: {name: q}\n",
        );
        write(r, ".gitignore", b"ignored/\n");
        d
    }

    #[test]
    fn classifies_and_skips() {
        let d = tree();
        let (items, errs) = discover(d.path(), &DiscoverOptions::default());
        assert!(errs.is_empty(), "{errs:?}");
        let file = |p: &str, k| WorkItem::File {
            path: p.into(),
            kind: k,
        };
        assert_eq!(
            items,
            vec![
                WorkItem::TerraformModule { dir: "".into() },
                WorkItem::TerraformModule {
                    dir: "modules/x".into()
                },
                file(".github/workflows/ci.yml", SourceKind::GithubActions),
                file("app/Dockerfile", SourceKind::Dockerfile),
                file("app/api.dockerfile", SourceKind::Dockerfile),
                file("cfn/stack.json", SourceKind::CloudFormation),
                file("cfn/stack.yml", SourceKind::CloudFormation),
                file("k8s/deploy.yaml", SourceKind::Kubernetes),
                file("plan.json", SourceKind::TerraformPlan),
                WorkItem::HelmChart {
                    dir: "chart".into(),
                    templates: vec![
                        "chart/templates/deploy.yaml".into(),
                        "chart/templates/role.yaml".into()
                    ]
                },
            ]
        );
    }

    #[test]
    fn frameworks_and_excludes_filter() {
        let d = tree();
        let opts = DiscoverOptions {
            exclude: vec!["cfn/*.json".into(), "app".into()],
            frameworks: Some(vec![SourceKind::CloudFormation, SourceKind::Dockerfile]),
        };
        let (items, errs) = discover(d.path(), &opts);
        assert!(errs.is_empty());
        assert_eq!(
            items,
            vec![WorkItem::File {
                path: "cfn/stack.yml".into(),
                kind: SourceKind::CloudFormation
            }]
        );
        let bad = DiscoverOptions {
            exclude: vec!["a[".into()],
            frameworks: None,
        };
        let (items, errs) = discover(d.path(), &bad);
        assert!(items.is_empty());
        assert!(errs[0].message.contains("invalid exclude pattern"));
    }

    #[test]
    fn loads_each_kind() {
        let d = tree();
        let (items, _) = discover(d.path(), &DiscoverOptions::default());
        let mut addrs = Vec::new();
        let mut notes = Vec::new();
        for item in &items {
            let u = load(d.path(), item);
            assert!(u.errors.is_empty(), "{item:?}: {:?}", u.errors);
            addrs.extend(
                u.resources
                    .iter()
                    .map(|r| format!("{}:{}", r.file, r.address)),
            );
            notes.extend(u.notes);
        }
        for expected in [
            "main.tf:a.b",
            "plan.json:aws_s3_bucket.b",
            "app/Dockerfile:/app/Dockerfile",
            "cfn/stack.yml:AWS::S3::Bucket.B",
            "cfn/stack.json:AWS::S3::Bucket.B",
            "k8s/deploy.yaml:Pod.default.p",
            ".github/workflows/ci.yml:jobs.a",
            "chart/templates/role.yaml:ServiceAccount.default.sa",
        ] {
            assert!(
                addrs.iter().any(|a| a == expected),
                "{expected} not in {addrs:?}"
            );
        }
        let helm: Vec<_> = notes
            .iter()
            .filter(|n| n.message.contains("helm template"))
            .collect();
        assert_eq!(helm.len(), 1);
        assert_eq!(helm[0].file.as_deref(), Some("chart/Chart.yaml"));
        assert!(helm[0].message.contains("1 template"));
    }

    #[test]
    fn innermost_chart_owns_a_template() {
        let charts: BTreeSet<String> = ["app".to_string(), "app/charts/db".to_string()].into();
        let c = |p| chart_of(p, &charts).map(|(c, t)| (c.as_str(), t));
        assert_eq!(c("app/templates/a.yaml"), Some(("app", true)));
        assert_eq!(
            c("app/charts/db/templates/s.yaml"),
            Some(("app/charts/db", true))
        );
        assert_eq!(
            c("app/charts/db/values.yaml"),
            Some(("app/charts/db", false))
        );
        assert_eq!(c("other/templates/x.yaml"), None);
        let root: BTreeSet<String> = ["".to_string()].into();
        assert_eq!(
            chart_of("templates/x.yaml", &root).map(|(_, t)| t),
            Some(true)
        );
    }

    #[test]
    fn parse_source_reads_text_in_memory() {
        let file = |p: &str, t: &str| SourceFile {
            path: p.into(),
            text: Arc::from(t),
        };
        let u = parse_source(
            file("Dockerfile", "FROM a:latest\n"),
            SourceKind::Dockerfile,
        );
        assert_eq!(u.resources[0].address, "/Dockerfile");
        assert_eq!(u.text_of("Dockerfile"), Some("FROM a:latest\n"));
        let u = parse_source(
            file("t.yaml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"),
            SourceKind::Kubernetes,
        );
        assert_eq!(u.resources[0].address, "AWS::SQS::Queue.Q");
        let u = parse_source(file("main.tf", ""), SourceKind::Terraform);
        assert_eq!(u.errors.len(), 1);
    }

    #[test]
    fn single_file_root() {
        let d = tree();
        let f = d.path().join("k8s/deploy.yaml");
        let (items, errs) = discover(&f, &DiscoverOptions::default());
        assert!(errs.is_empty());
        assert_eq!(
            items,
            vec![WorkItem::File {
                path: "deploy.yaml".into(),
                kind: SourceKind::Kubernetes
            }]
        );
        let u = load(&f, &items[0]);
        assert_eq!(u.resources[0].address, "Pod.default.p");
        assert_eq!(u.files[0].path, "deploy.yaml");
        // A workflow given alone is still recognised as a workflow.
        let w = d.path().join(".github/workflows/ci.yml");
        let (items, _) = discover(&w, &DiscoverOptions::default());
        assert_eq!(
            items,
            vec![WorkItem::File {
                path: "ci.yml".into(),
                kind: SourceKind::GithubActions
            }]
        );
    }

    #[test]
    fn bad_files_are_input_errors() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        write(r, "bin/Dockerfile", b"FROM a\n\x00\x01");
        write(r, "latin/Dockerfile", b"FROM a\nLABEL x=\xe9\n");
        write(r, "bad.yaml", b"apiVersion: v1\nkind: [\n");
        write(r, "big.yaml", &vec![b'#'; (MAX_FILE_SIZE + 1) as usize]);
        let (items, errs) = discover(r, &DiscoverOptions::default());
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.contains("too large"), "{errs:?}");
        assert_eq!(errs[0].file, "big.yaml");
        let mut all = Vec::new();
        for i in &items {
            all.extend(load(r, i).errors);
        }
        all.sort_by(|a, b| a.file.cmp(&b.file));
        assert_eq!(all.len(), 3, "{all:?}");
        // The unterminated flow sequence is reported where the parser gave up.
        assert_eq!(all[0].file, "bad.yaml");
        assert!(all[0].line >= 2, "{:?}", all[0]);
        assert_eq!(all[0].expected.as_deref(), Some("valid YAML"));
        assert_eq!(
            (all[1].file.as_str(), all[1].line, all[1].col),
            ("bin/Dockerfile", 2, 1)
        );
        assert_eq!(
            (all[2].file.as_str(), all[2].line, all[2].col),
            ("latin/Dockerfile", 2, 9)
        );
        assert!(all[1..]
            .iter()
            .all(|e| e.expected.as_deref() == Some("a UTF-8 text file")));
        // Broken YAML that is not a manifest, and a templated manifest: notes, not errors.
        let d2 = tempfile::tempdir().unwrap();
        write(d2.path(), "ansible/site.yml", b"- hosts: all\n  tasks: [\n");
        write(
            d2.path(),
            "deploy/pod.yaml",
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ name }}\n  labels: {{ labels }}\n",
        );
        let (items2, _) = discover(d2.path(), &DiscoverOptions::default());
        assert_eq!(items2.len(), 2);
        for i in &items2 {
            let u = load(d2.path(), i);
            assert!(u.errors.is_empty() && u.resources.is_empty(), "{u:?}");
            assert_eq!(u.notes.len(), 1);
            assert!(u.notes[0].message.starts_with("not scanned"));
        }
        let (items, errs) = discover(&r.join("missing"), &DiscoverOptions::default());
        assert!(items.is_empty() && errs.len() == 1);
    }

    #[test]
    fn config_names() {
        for yes in [
            "Jenkinsfile",
            "jenkinsfile.release",
            "nginx.conf",
            ".env",
            ".env.local",
            ".gitignore",
            "pyproject.toml",
            "php.ini",
            "pom.xml",
            "app.properties",
            "terragrunt.hcl",
            ".terraform.lock.hcl",
            "site.nginx",
            "prod.env",
        ] {
            assert!(is_config_name(file_name(yes)), "{yes}");
            assert!(is_config_file(yes), "{yes}");
        }
        for no in [
            "main.tf",
            "x.tfvars",
            "Dockerfile",
            "other.conf",
            "README",
            "notes.md",
            "toml",
            ".toml",
            "vars/build.groovy",
        ] {
            assert!(!is_config_name(no), "{no}");
        }
        assert!(is_config_file("conf/settings.json"));
        assert!(is_config_file("values.yaml"));
        assert!(!is_config_file("main.tf.json"));
        assert!(!is_config_file("prod.tfvars.json"));
        assert!(!is_config_file("Dockerfile"));
    }

    #[test]
    fn config_files_are_found_only_when_asked() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        write(r, "main.tf", b"resource \"a\" \"b\" {}\n");
        write(r, ".terraform.lock.hcl", b"provider \"x\" {}\n");
        write(r, "ci/Jenkinsfile", b"pipeline { agent any }\n");
        write(r, "pyproject.toml", b"[tool.x]\na = 1\n");
        write(r, "etc/nginx.conf", b"events {}\n");
        write(r, "etc/other.conf", b"x\n");
        write(r, "conf/app.properties", b"a=1\n");
        write(r, "package.json", b"{\"name\": \"x\"}");
        write(r, "main.tf.json", b"{}");
        write(r, "config.yaml", b"debug: true\n");
        write(r, "node_modules/p/x.toml", b"a = 1\n");
        write(r, "skip/x.ini", b"[a]\n");
        write(r, ".gitignore", b"skip/\n");
        write(r, "latin.ini", b"[a]\nb = \xe9\n");
        let cfg = |p: &str| WorkItem::File {
            path: p.into(),
            kind: SourceKind::Config,
        };

        // Without `config`, nothing more is found than before.
        let (plain, errs) = discover(r, &DiscoverOptions::default());
        assert!(errs.is_empty(), "{errs:?}");
        assert!(
            plain.iter().all(|i| i.kind() != SourceKind::Config),
            "{plain:?}"
        );
        assert_eq!(plain.len(), 2, "{plain:?}"); // the module and config.yaml

        let all = DiscoverOptions {
            frameworks: Some(SourceKind::ALL.to_vec()),
            ..DiscoverOptions::default()
        };
        let (items, errs) = discover(r, &all);
        assert!(errs.is_empty(), "{errs:?}");
        let configs: Vec<WorkItem> = items
            .iter()
            .filter(|i| i.kind() == SourceKind::Config)
            .cloned()
            .collect();
        assert_eq!(
            configs,
            vec![
                cfg(".gitignore"),
                cfg(".terraform.lock.hcl"),
                cfg("ci/Jenkinsfile"),
                cfg("conf/app.properties"),
                cfg("etc/nginx.conf"),
                cfg("latin.ini"),
                cfg("package.json"),
                cfg("pyproject.toml"),
            ]
        );
        // The IaC items are the same as without configuration files.
        let iac: Vec<WorkItem> = items
            .into_iter()
            .filter(|i| i.kind() != SourceKind::Config)
            .collect();
        assert_eq!(iac, plain);

        // `--framework config` selects them alone.
        let only = DiscoverOptions {
            frameworks: Some(vec![SourceKind::Config]),
            ..DiscoverOptions::default()
        };
        assert_eq!(discover(r, &only).0, configs);

        // A config unit is the file's text and nothing else.
        let u = load(r, &cfg("ci/Jenkinsfile"));
        assert!(u.resources.is_empty() && u.errors.is_empty() && u.notes.is_empty());
        assert_eq!(
            u.text_of("ci/Jenkinsfile"),
            Some("pipeline { agent any }\n")
        );
        // Bad UTF-8 is an input error at the offending byte, as for IaC files.
        let u = load(r, &cfg("latin.ini"));
        assert_eq!(u.errors.len(), 1, "{:?}", u.errors);
        assert_eq!((u.errors[0].line, u.errors[0].col), (2, 5));

        // A single configuration file given as the root.
        let (one, _) = discover(&r.join("pyproject.toml"), &all);
        assert_eq!(one, vec![cfg("pyproject.toml")]);
        let (none, _) = discover(&r.join("pyproject.toml"), &DiscoverOptions::default());
        assert!(none.is_empty());

        // The size limit holds for them too.
        write(r, "big.toml", &vec![b'#'; (MAX_FILE_SIZE + 1) as usize]);
        let (_, errs) = discover(r, &all);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].file, "big.toml");
        assert!(errs[0].message.contains("configuration file too large"));
        assert!(discover(r, &DiscoverOptions::default()).1.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_reported_not_followed_forever() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        write(r, "a/Dockerfile", b"FROM a\n");
        std::os::unix::fs::symlink(r.join("a"), r.join("a/loop")).unwrap();
        let (items, errs) = discover(r, &DiscoverOptions::default());
        assert_eq!(
            items,
            vec![WorkItem::File {
                path: "a/Dockerfile".into(),
                kind: SourceKind::Dockerfile
            }]
        );
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.contains("symbolic link loop"), "{errs:?}");
    }
}
