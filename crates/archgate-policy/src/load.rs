//! Loading a policy set: `*.rego` files (recursively) and `--data`
//! documents into one prepared regorus [`Engine`] — the template every
//! evaluation clones — plus what conftest needs to know about it: the
//! namespaces, their entry rules (`deny`/`violation`/`warn` and `_suffix`
//! forms), how many definitions each has, and their `# METADATA`.
//!
//! Engine defaults are reset to OPA's where regorus differs (research
//! rego.md §6): builtin errors are non-strict unless asked, lines may be
//! long, and each evaluation has a wall-clock limit.

use crate::metadata::{annotations, Annotation, Target};
use archgate_core::InputError;
use regorus::unstable::{Rule, RuleHead};
use regorus::utils::limits::ExecutionTimerConfig;
use regorus::{Engine, PolicyLengthConfig, Value};
use std::collections::BTreeMap;
use std::num::{NonZeroU32, NonZeroUsize};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

/// Which Rego syntax policies are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegoVersion {
    V0,
    V1,
}

impl std::str::FromStr for RegoVersion {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "v0" | "0" => Ok(RegoVersion::V0),
            "v1" | "1" => Ok(RegoVersion::V1),
            _ => Err(format!("unknown Rego version `{s}`; expected v0 or v1")),
        }
    }
}

/// How to load a policy set.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// `None`: try v1 and fall back to v0 per file (noted); `Some`: only that version, as conftest.
    pub rego_version: Option<RegoVersion>,
    /// `--data` files and directories (JSON/YAML).
    pub data: Vec<PathBuf>,
    /// `--show-builtin-errors`: a builtin error fails the evaluation instead of being undefined.
    pub show_builtin_errors: bool,
    /// Wall-clock limit per evaluation (one input document, one namespace).
    pub timeout: Duration,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            rego_version: None,
            data: Vec::new(),
            show_builtin_errors: false,
            timeout: Duration::from_secs(10),
        }
    }
}

/// Whether an entry rule reports failures or warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    Failure,
    Warning,
}

/// A conftest entry rule of a namespace (each distinct name once).
#[derive(Debug, Clone)]
pub struct EntryRule {
    pub name: String,
    pub kind: RuleKind,
    /// Policy file and line of its first definition.
    pub file: String,
    pub line: u32,
    /// The rule's annotation merged over its package's.
    pub annotation: Annotation,
}

/// One package of the policy set.
#[derive(Debug, Clone)]
pub struct Namespace {
    /// Dotted name as conftest prints it: `main`, `builtin.kubernetes.KSV001`.
    pub name: String,
    /// Entry rules in first-definition order.
    pub rules: Vec<EntryRule>,
    /// Number of entry-rule definitions (conftest counts successes from these).
    pub definitions: usize,
    /// Some module of the namespace defines `exception`.
    pub has_exception: bool,
    /// `test_*` / `todo_test_*` rules, for `verify`: (name, file, line).
    pub tests: Vec<(String, String, u32)>,
    /// The package's `custom.input.selector` types (Trivy), lower-case.
    pub selectors: Vec<String>,
    /// The package's selector subtype kinds (Trivy), lower-case: only
    /// documents of these kinds are evaluated in `check`/`scan`.
    pub kinds: Vec<String>,
    /// The package is marked `custom.deprecated: true` (Trivy skips it).
    pub deprecated: bool,
}

/// A loaded, prepared policy set.
#[derive(Clone)]
pub struct PolicySet {
    template: Engine,
    pub namespaces: BTreeMap<String, Namespace>,
    /// Policy files loaded (display paths).
    pub files: Vec<String>,
    /// Something worth telling the user (a file that parsed only as Rego v0).
    pub notes: Vec<String>,
    /// Some policy reads `data.conftest` (so evaluations inject `data.conftest.file`).
    pub uses_conftest_data: bool,
}

impl std::fmt::Debug for PolicySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicySet")
            .field("files", &self.files)
            .field("namespaces", &self.namespaces.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// `^(deny|violation)(_[a-zA-Z0-9]+)*$` / `^warn(_[a-zA-Z0-9]+)*$`, as conftest.
pub fn entry_kind(name: &str) -> Option<RuleKind> {
    fn suffix_ok(rest: &str) -> bool {
        rest.is_empty()
            || (rest.starts_with('_')
                && rest
                    .split('_')
                    .skip(1)
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric())))
    }
    for (prefix, kind) in [
        ("deny", RuleKind::Failure),
        ("violation", RuleKind::Failure),
        ("warn", RuleKind::Warning),
    ] {
        if let Some(rest) = name.strip_prefix(prefix) {
            if suffix_ok(rest) {
                return Some(kind);
            }
        }
    }
    None
}

/// Every `*.rego` file under `paths` (files given directly are taken as they are), sorted.
pub fn rego_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_file() {
            out.push(p.clone());
            continue;
        }
        if !p.is_dir() {
            return Err(InputError::whole_file(
                p.display().to_string(),
                "policy path does not exist",
            )
            .expected("a directory or a .rego file"));
        }
        for entry in ignore::WalkBuilder::new(p)
            .standard_filters(false)
            .hidden(true)
            .sort_by_file_path(|a, b| a.cmp(b))
            .build()
        {
            let entry = entry.map_err(|e| {
                InputError::whole_file(p.display().to_string(), format!("cannot walk: {e}"))
            })?;
            let path = entry.path();
            if path.is_file() && path.extension().is_some_and(|e| e == "rego") {
                out.push(path.to_path_buf());
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Turns a regorus error (`\n--> file:line:col\n … \nerror: message`) into an [`InputError`].
pub fn engine_error(fallback_file: &str, err: &dyn std::fmt::Display) -> InputError {
    let text = err.to_string();
    static LOC: OnceLock<regex::Regex> = OnceLock::new();
    let loc = LOC.get_or_init(|| {
        regex::Regex::new(r"-->\s*(.+?):(\d+):(\d+)").unwrap_or_else(|_| unreachable!())
    });
    let message = text
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("error: "))
        .unwrap_or_else(|| text.trim())
        .to_string();
    match loc.captures(&text) {
        Some(c) => {
            let n = |i: usize| {
                c.get(i)
                    .and_then(|m| m.as_str().parse::<u32>().ok())
                    .unwrap_or(0)
            };
            let file = c.get(1).map(|m| m.as_str()).unwrap_or(fallback_file);
            InputError::new(file, n(2), n(3), message)
        }
        None => InputError::whole_file(fallback_file, message),
    }
}

fn new_engine(opts: &LoadOptions, dirs: &crate::builtins::PolicyDirs) -> Engine {
    let mut e = Engine::new();
    e.set_strict_builtin_errors(opts.show_builtin_errors);
    // Real policies (Trivy's outdated_api.rego) have lines far beyond
    // regorus' 1024-column default.
    if let (Some(col), Some(bytes), Some(lines)) = (
        NonZeroU32::new(1 << 20),
        NonZeroUsize::new(16 << 20),
        NonZeroUsize::new(1_000_000),
    ) {
        e.set_policy_length_config(PolicyLengthConfig {
            max_col: col,
            max_file_bytes: bytes,
            max_lines: lines,
        });
    }
    // Registering on a fresh engine cannot clash with an existing name.
    let _ = crate::builtins::register(&mut e, dirs, opts.show_builtin_errors);
    let _ = crate::net::register(&mut e, opts.show_builtin_errors);
    if let Some(interval) = NonZeroU32::new(64) {
        e.set_execution_timer_config(ExecutionTimerConfig {
            limit: opts.timeout,
            check_interval: interval,
        });
    }
    e
}

impl PolicySet {
    /// Loads every `.rego` file under `paths` and the `--data` documents.
    /// All parse errors are returned together (file, line, column, message).
    pub fn load(paths: &[PathBuf], opts: &LoadOptions) -> Result<PolicySet, Vec<InputError>> {
        let files = rego_files(paths).map_err(|e| vec![e])?;
        if files.is_empty() {
            let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            return Err(vec![InputError::whole_file(
                shown.join(", "),
                "no policies found",
            )
            .expected("at least one .rego file")]);
        }
        let mut sources = Vec::new();
        let mut errors = Vec::new();
        for f in &files {
            match std::fs::read_to_string(f) {
                Ok(t) => sources.push((f.display().to_string(), t)),
                Err(e) => errors.push(InputError::whole_file(
                    f.display().to_string(),
                    format!("cannot read: {e}"),
                )),
            }
        }
        let mut set = PolicySet::from_sources(sources, opts)?;
        for d in &opts.data {
            if let Err(e) = crate::data::load_data(&mut set.template, d) {
                errors.push(e);
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        set.prepare().map_err(|e| vec![e])?;
        Ok(set)
    }

    /// Builds a set from `(file name, text)` pairs (tests and embedded policies).
    pub fn from_sources(
        sources: Vec<(String, String)>,
        opts: &LoadOptions,
    ) -> Result<PolicySet, Vec<InputError>> {
        let dirs = crate::builtins::PolicyDirs::default();
        if let Ok(mut d) = dirs.write() {
            for (name, _) in &sources {
                if let Some(parent) = Path::new(name).parent() {
                    if !d.iter().any(|x| x == parent) {
                        d.push(parent.to_path_buf());
                    }
                }
            }
        }
        let mut engine = new_engine(opts, &dirs);
        let mut errors = Vec::new();
        let mut notes = Vec::new();
        let mut uses_conftest_data = false;
        let mut ann_by_file: BTreeMap<String, Vec<(Target, Annotation)>> = BTreeMap::new();
        let mut names = Vec::new();
        for (name, text) in sources {
            // Only a real reference costs the `with` per evaluation (a comment
            // saying "conftest" must not).
            uses_conftest_data |= text.contains("data.conftest");
            ann_by_file.insert(name.clone(), annotations(&text));
            match opts.rego_version {
                Some(v) => {
                    engine.set_rego_v0(v == RegoVersion::V0);
                    if let Err(e) = engine.add_policy(name.clone(), text) {
                        errors.push(engine_error(&name, &e));
                    }
                }
                None => {
                    engine.set_rego_v0(false);
                    if let Err(v1) = engine.add_policy(name.clone(), text.clone()) {
                        // Retry as v0 only when v1 rejected a v0-ism (`deny[msg] {`
                        // without `if`/`contains`); a plain syntax error is reported as is.
                        if !v1.to_string().contains("keyword is required") {
                            errors.push(engine_error(&name, &v1));
                            names.push(name);
                            continue;
                        }
                        engine.set_rego_v0(true);
                        match engine.add_policy(name.clone(), text) {
                            Ok(_) => notes.push(format!(
                                "{name}: parsed as Rego v0 (it is not valid Rego v1: {})",
                                engine_error(&name, &v1).render()
                            )),
                            // The v1 error is the one to show: v1 is the default language.
                            Err(_) => errors.push(engine_error(&name, &v1)),
                        }
                        engine.set_rego_v0(false);
                    }
                }
            }
            names.push(name);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let namespaces = collect_namespaces(&mut engine, &ann_by_file);
        let mut set = PolicySet {
            template: engine,
            namespaces,
            files: names,
            notes,
            uses_conftest_data,
        };
        // Data from `--data` is added (by `load`) before the analysis; without
        // any, analyse now so compile errors are reported by this call.
        if opts.data.is_empty() {
            set.prepare().map_err(|e| vec![e])?;
        }
        Ok(set)
    }

    /// Adds a data document at the root of `data` (tests, embedded data).
    pub fn add_data(&mut self, value: serde_json::Value) -> Result<(), InputError> {
        self.template
            .add_data(Value::from(value))
            .map_err(|e| InputError::whole_file("<data>", e.to_string()))?;
        self.prepare()
    }

    /// Runs regorus' analysis once on the template so clones start
    /// prepared. Compile errors (an unsafe variable, a call to an unknown
    /// function) surface here, before any input is evaluated.
    fn prepare(&mut self) -> Result<(), InputError> {
        self.template
            .eval_query("true".into(), false)
            .map(|_| ())
            .map_err(|e| engine_error("<policy>", &e))
    }

    /// A fresh evaluation engine (cheap: modules and analysis are shared).
    pub fn engine(&self) -> Engine {
        self.template.clone()
    }

    /// Namespaces matching conftest's `--namespace` globs (`*` matches dots too),
    /// or all of them.
    pub fn select(&self, patterns: &[String], all: bool) -> Vec<&Namespace> {
        if all {
            return self.namespaces.values().collect();
        }
        let globs: Vec<regex::Regex> = patterns
            .iter()
            .filter_map(|p| {
                let re = format!("^{}$", regex::escape(p).replace(r"\*", ".*"));
                regex::Regex::new(&re).ok()
            })
            .collect();
        self.namespaces
            .values()
            .filter(|n| globs.iter().any(|g| g.is_match(&n.name)))
            .collect()
    }
}

fn collect_namespaces(
    engine: &mut Engine,
    ann_by_file: &BTreeMap<String, Vec<(Target, Annotation)>>,
) -> BTreeMap<String, Namespace> {
    let mut out: BTreeMap<String, Namespace> = BTreeMap::new();
    for m in engine.get_modules().iter() {
        let Ok(pkg) = regorus::utils::get_path_string(&m.package.refr, Some("data")) else {
            continue;
        };
        let name = pkg.strip_prefix("data.").unwrap_or(&pkg).to_string();
        let file = m.package.span.source.file().clone();
        let anns: &[(Target, Annotation)] = ann_by_file.get(&file).map(|v| &v[..]).unwrap_or(&[]);
        let pkg_ann = anns
            .iter()
            .find(|(t, _)| *t == Target::Package)
            .map(|(_, a)| a.clone())
            .unwrap_or_default();
        let ns = out.entry(name.clone()).or_insert_with(|| Namespace {
            name: name.clone(),
            rules: Vec::new(),
            definitions: 0,
            has_exception: false,
            tests: Vec::new(),
            selectors: Vec::new(),
            kinds: Vec::new(),
            deprecated: false,
        });
        for t in &pkg_ann.selectors {
            if !ns.selectors.contains(t) {
                ns.selectors.push(t.clone());
            }
        }
        for k in &pkg_ann.subtypes {
            if !ns.kinds.contains(k) {
                ns.kinds.push(k.clone());
            }
        }
        ns.deprecated |= pkg_ann.deprecated;
        for rule in m.policy.iter() {
            let (span, refr) = match rule.as_ref() {
                Rule::Spec { span, head, .. } => match head {
                    RuleHead::Compr { refr, .. }
                    | RuleHead::Set { refr, .. }
                    | RuleHead::Func { refr, .. } => (span, refr),
                },
                Rule::Default { span, refr, .. } => (span, refr),
                #[allow(unreachable_patterns)]
                _ => continue,
            };
            let Ok(root) = regorus::utils::get_root_var(refr) else {
                continue;
            };
            let rname = root.text().to_string();
            if rname == "exception" {
                ns.has_exception = true;
                continue;
            }
            if rname.starts_with("test_") || rname.starts_with("todo_test_") {
                if !ns.tests.iter().any(|(n, _, _)| *n == rname) {
                    ns.tests.push((rname, file.clone(), span.line));
                }
                continue;
            }
            let Some(kind) = entry_kind(&rname) else {
                continue;
            };
            ns.definitions += 1;
            if ns.rules.iter().any(|r| r.name == rname) {
                continue;
            }
            let rule_ann = anns
                .iter()
                .find(|(t, _)| matches!(t, Target::Rule(n) if *n == rname))
                .map(|(_, a)| a.or(&pkg_ann))
                .unwrap_or_else(|| pkg_ann.clone());
            ns.rules.push(EntryRule {
                name: rname,
                kind,
                file: file.clone(),
                line: span.line,
                annotation: rule_ann,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_rule_names_follow_conftest() {
        assert_eq!(entry_kind("deny"), Some(RuleKind::Failure));
        assert_eq!(entry_kind("deny_root_user"), Some(RuleKind::Failure));
        assert_eq!(entry_kind("violation_x1"), Some(RuleKind::Failure));
        assert_eq!(entry_kind("warn_latest"), Some(RuleKind::Warning));
        assert_eq!(entry_kind("denylist"), None);
        assert_eq!(entry_kind("deny_"), None);
        assert_eq!(entry_kind("deny__x"), None);
        assert_eq!(entry_kind("warning"), None);
    }

    #[test]
    fn parse_error_has_file_line_column() {
        let r = PolicySet::from_sources(
            vec![(
                "p.rego".into(),
                "package main\n\ndeny contains msg if {\n  msg := \n}\n".into(),
            )],
            &LoadOptions::default(),
        );
        let errs = r.err().unwrap_or_default();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].file, "p.rego");
        assert!(errs[0].line >= 4, "{:?}", errs[0]);
        assert!(errs[0].col > 0);
        assert!(!errs[0].message.is_empty());
    }

    #[test]
    fn compile_error_is_a_load_error_with_position() {
        let r = PolicySet::from_sources(
            vec![(
                "t.rego".into(),
                "package main\n\ntest_x if {\n  some m in deny\n}\n".into(),
            )],
            &LoadOptions::default(),
        );
        let errs = r.err().unwrap_or_default();
        assert_eq!(errs.len(), 1);
        assert_eq!(
            (errs[0].file.as_str(), errs[0].line),
            ("t.rego", 4),
            "{errs:?}"
        );
        assert!(errs[0].message.contains("deny"), "{errs:?}");
    }

    #[test]
    fn v0_fallback_is_noted_and_strict_version_rejects() {
        let src = "package main\n\ndeny[msg] { msg := \"x\" }\n";
        let set =
            PolicySet::from_sources(vec![("p.rego".into(), src.into())], &LoadOptions::default())
                .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(set.notes.len(), 1);
        let strict = PolicySet::from_sources(
            vec![("p.rego".into(), src.into())],
            &LoadOptions {
                rego_version: Some(RegoVersion::V1),
                ..LoadOptions::default()
            },
        );
        assert!(strict.is_err());
    }

    #[test]
    fn counts_definitions_and_distinct_rules() {
        let src = "package main\n\ndeny contains \"a\" if { input.a }\ndeny contains \"b\" if { input.b }\nwarn_x contains \"w\" if { input.w }\nexception contains [\"x\"] if { input.e }\ntest_a if { true }\n";
        let set =
            PolicySet::from_sources(vec![("p.rego".into(), src.into())], &LoadOptions::default())
                .unwrap_or_else(|e| panic!("{e:?}"));
        let ns = &set.namespaces["main"];
        assert_eq!(ns.definitions, 3);
        assert_eq!(ns.rules.len(), 2);
        assert_eq!(ns.rules[1].kind, RuleKind::Warning);
        assert!(ns.has_exception);
        assert_eq!(ns.tests.len(), 1);
    }

    #[test]
    fn namespace_globs_match_dots() {
        let src = |p: &str| format!("package {p}\n\ndeny contains \"a\" if {{ input.a }}\n");
        let set = PolicySet::from_sources(
            vec![
                ("a.rego".into(), src("main")),
                ("b.rego".into(), src("k8s.pods.security")),
                ("c.rego".into(), src("other")),
            ],
            &LoadOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let names = |v: Vec<&Namespace>| v.into_iter().map(|n| n.name.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(set.select(&["k8s*".into()], false)),
            vec!["k8s.pods.security"]
        );
        assert_eq!(names(set.select(&["main".into()], false)), vec!["main"]);
        assert_eq!(set.select(&[], true).len(), 3);
    }
}
