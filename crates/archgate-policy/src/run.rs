//! `archgate policy test`: conftest's `test` command as a library call.
//! Walks the input paths, parses each file once, evaluates the selected
//! namespaces on a pool of workers (one [`Evaluator`] per thread, cloned
//! from the prepared template) and returns conftest's results in input
//! order. Rendering is [`crate::output`]'s job.

use crate::conftest::{CheckResult, Evaluator, FileInfo};
use crate::input::{detect, parse, Parser};
use crate::load::{LoadOptions, PolicySet};
use archgate_core::InputError;
use rayon::prelude::*;
use serde_json::{json, Value};
use std::io::Read;
use std::path::{Path, PathBuf};

/// What `policy test` runs.
#[derive(Debug, Clone, Default)]
pub struct TestOptions {
    pub inputs: Vec<PathBuf>,
    pub policy: Vec<PathBuf>,
    /// Namespace globs (`--namespace`); empty means `main`.
    pub namespaces: Vec<String>,
    pub all_namespaces: bool,
    pub load: LoadOptions,
    /// `--combine`: one input holding every file.
    pub combine: bool,
    /// `--parser`: one parser for every file.
    pub parser: Option<Parser>,
    /// `--ignore REGEX`: paths to skip when walking directories.
    pub ignore: Option<String>,
    /// Name for standard input (`-`), default `-`.
    pub stdin_filename: Option<String>,
    pub threads: Option<usize>,
}

/// What a `policy test` run produced.
#[derive(Debug, Default)]
pub struct TestRun {
    pub results: Vec<CheckResult>,
    /// Inputs that could not be read or parsed.
    pub errors: Vec<InputError>,
    /// Evaluation errors (timeouts, strict builtin errors), already naming file and rule.
    pub eval_errors: Vec<String>,
    pub notes: Vec<String>,
}

/// Loads the policies (errors: exit 2) and runs them on the inputs.
pub fn run(opts: &TestOptions) -> Result<TestRun, Vec<InputError>> {
    let policy = if opts.policy.is_empty() {
        vec![PathBuf::from("policy")]
    } else {
        opts.policy.clone()
    };
    let set = PolicySet::load(&policy, &opts.load)?;
    Ok(run_with(&set, opts))
}

struct Input {
    name: String,
    docs: Result<Vec<(Value, u32)>, InputError>,
    /// A Dockerfile in Trivy's shape, for namespaces written for Trivy.
    trivy: Option<Value>,
}

/// Runs an already loaded policy set on the inputs of `opts`.
pub fn run_with(set: &PolicySet, opts: &TestOptions) -> TestRun {
    let mut out = TestRun {
        notes: set.notes.clone(),
        ..TestRun::default()
    };
    let patterns = if opts.namespaces.is_empty() {
        vec!["main".to_string()]
    } else {
        opts.namespaces.clone()
    };
    let namespaces = set.select(&patterns, opts.all_namespaces);
    let (files, mut errors) = input_files(opts);
    out.errors.append(&mut errors);

    let any_trivy = namespaces
        .iter()
        .any(|ns| crate::dockerfile::wants_trivy_shape(ns));
    let read = |path: &PathBuf| -> Input {
        let stdin = path.as_os_str() == "-";
        let name = if stdin {
            opts.stdin_filename.clone().unwrap_or_else(|| "-".into())
        } else {
            path.display().to_string()
        };
        let parsed = read_text(path, &name, opts.parser, stdin);
        let trivy = match &parsed {
            Ok((Parser::Dockerfile, text, _)) if any_trivy => {
                Some(crate::dockerfile::to_trivy(text, &name))
            }
            _ => None,
        };
        Input {
            name,
            docs: parsed.map(|(_, _, d)| d),
            trivy,
        }
    };

    if opts.combine {
        let mut combined = Vec::new();
        for f in &files {
            let i = read(f);
            match i.docs {
                Ok(docs) => {
                    for (d, _) in docs {
                        combined.push(json!({"path": i.name, "contents": d}));
                    }
                }
                Err(e) => out.errors.push(e),
            }
        }
        // conftest sorts the combined documents by path.
        combined.sort_by(|a, b| a["path"].as_str().cmp(&b["path"].as_str()));
        let file = FileInfo::of("Combined");
        let mut ev = Evaluator::new(set);
        for ns in &namespaces {
            // The combined array is one document: wrap it so it is not split per element.
            let r = ev.check_one(ns, Value::Array(combined.clone()), 1, &file);
            out.eval_errors.extend(r.errors.iter().cloned());
            out.results.push(r);
        }
        return out;
    }

    let work = |ev: &mut Evaluator, f: &PathBuf| -> (Vec<CheckResult>, Option<InputError>) {
        let i = read(f);
        match i.docs {
            Ok(docs) => {
                let file = FileInfo::of(&i.name);
                let trivy = i.trivy.map(|t| vec![(t, 1)]);
                (
                    namespaces
                        .iter()
                        .map(|ns| match &trivy {
                            Some(t) if crate::dockerfile::wants_trivy_shape(ns) => {
                                ev.check(ns, t, &file)
                            }
                            _ => ev.check(ns, &docs, &file),
                        })
                        .collect(),
                    None,
                )
            }
            Err(e) => (Vec::new(), Some(e)),
        }
    };
    let run_all = || -> Vec<(Vec<CheckResult>, Option<InputError>)> {
        files
            .par_iter()
            .map_init(|| Evaluator::new(set), |ev, f| work(ev, f))
            .collect()
    };
    let parts = match opts.threads {
        Some(n) => match rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
        {
            Ok(pool) => pool.install(run_all),
            Err(_) => run_all(),
        },
        None => run_all(),
    };
    for (results, err) in parts {
        for r in results {
            out.eval_errors.extend(r.errors.iter().cloned());
            out.results.push(r);
        }
        out.errors.extend(err);
    }
    out
}

/// Reads and parses one input into its documents and their start lines.
pub fn read_input(
    path: &Path,
    name: &str,
    parser: Option<Parser>,
    stdin: bool,
) -> Result<Vec<(Value, u32)>, InputError> {
    read_text(path, name, parser, stdin).map(|(_, _, d)| d)
}

type Parsed = (Parser, String, Vec<(Value, u32)>);

/// Reads one input: the parser used, its text and its documents.
fn read_text(
    path: &Path,
    name: &str,
    parser: Option<Parser>,
    stdin: bool,
) -> Result<Parsed, InputError> {
    let text = if stdin {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| InputError::whole_file(name, format!("cannot read stdin: {e}")))?;
        s
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| InputError::whole_file(name, format!("cannot read: {e}")))?
    };
    let parser = match parser {
        Some(p) => p,
        None if stdin => Parser::Yaml,
        None => detect(path).map_err(|e| InputError::whole_file(name, e))?,
    };
    let docs = parse(parser, name, &text)?
        .into_iter()
        .map(|d| (d.value, d.line))
        .collect();
    Ok((parser, text, docs))
}

/// The files to test: named files as given, directories walked (sorted),
/// skipping files no parser claims and paths matching `--ignore`.
fn input_files(opts: &TestOptions) -> (Vec<PathBuf>, Vec<InputError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let ignore = match opts.ignore.as_deref().map(regex::Regex::new) {
        Some(Ok(r)) => Some(r),
        Some(Err(e)) => {
            errors.push(InputError::whole_file(
                "--ignore",
                format!("invalid regex: {e}"),
            ));
            None
        }
        None => None,
    };
    for p in &opts.inputs {
        if p.as_os_str() == "-" || p.is_file() {
            files.push(p.clone());
            continue;
        }
        if !p.is_dir() {
            errors.push(InputError::whole_file(
                p.display().to_string(),
                "no such file or directory",
            ));
            continue;
        }
        let mut found = Vec::new();
        for entry in ignore::WalkBuilder::new(p)
            .standard_filters(false)
            .hidden(false)
            .filter_entry(|e| e.file_name() != ".git")
            .build()
            .flatten()
        {
            let path = entry.path();
            if !path.is_file() {
                continue;
            }
            let shown = path.display().to_string();
            if ignore.as_ref().is_some_and(|r| r.is_match(&shown)) {
                continue;
            }
            // Walking a directory takes only files a parser claims (as conftest).
            if opts.parser.is_none() && detect(path).is_err() {
                continue;
            }
            found.push(path.to_path_buf());
        }
        found.sort();
        files.extend(found);
    }
    (files, errors)
}
