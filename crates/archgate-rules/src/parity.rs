//! Parity with Checkov: compares an archgate [`Report`] on a corpus with the
//! results Checkov recorded for the same corpus, and renders the comparison
//! (`bench/parity`, `docs/parity.md`, `tests/parity.rs`).
//!
//! How a Checkov result and an archgate finding are matched: the check id
//! must be one of the finding's aliases and the file must be the same; then
//! - Terraform, Kubernetes, CloudFormation: the resource must be the same
//!   block of code. Both addresses are normalised: `count`/`for_each`
//!   indexes (`[0]`, `["a"]`) and module instance prefixes
//!   (`module.eks.`, with the file already being the module's file) are
//!   dropped, and so is the `data.` of a data source (Checkov names
//!   `data "aws_availability_zones" "a"` just `aws_availability_zones.a`).
//!   A block reached through three module calls is one block in one file;
//!   Checkov reports it once per call, archgate once per way it scanned it,
//!   so both sides are compared on the block.
//! - Dockerfile: file and check id only (Checkov names per-instruction
//!   results `/path/Dockerfile.RUN` and whole-file results `/path/Dockerfile.`).
//! - Secrets: file, check id and line (Checkov names the secret by a hash;
//!   its `line_start` is the line of the secret).
//! - Kubernetes graph checks (`CKV2_K8S_*`) on pods: file, check id and
//!   line. They judge the pod a workload creates, named
//!   `Pod.<ns>.<workload>.<label>`, at the workload's first line, where
//!   archgate reports the workload. On other kinds they match by resource.
//!
//! Recall counts every Checkov failure (each distinct check id, file and
//! resource as Checkov wrote it) that some finding matches. Precision is
//! over the unsuppressed findings that carry a Checkov alias: a finding is
//! *matched* when it matches a Checkov failure, a *false positive* when
//! Checkov evaluated one of its aliases on that resource and passed it (for
//! secrets, which Checkov runs on every file and reports only when found:
//! when Checkov reports no secret on that line), and *not comparable*
//! otherwise (Checkov did not run that check there); not-comparable
//! findings count in neither direction.
//!
//! Not for: scanning (the caller passes the report) or deciding why a
//! difference exists (hand-written reasons are read from
//! `docs/parity-reasons.yaml`).

use archgate_core::{Finding, InputError, Node, Report, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

/// One result Checkov recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckovResult {
    pub check_id: String,
    pub check_name: String,
    /// Relative to the corpus root, `/` separators.
    pub file: String,
    pub resource: String,
    pub line_start: u32,
    pub line_end: u32,
    pub passed: bool,
    /// `terraform`, `kubernetes`, `cloudformation`, `dockerfile`, `secrets`, …
    pub framework: String,
}

/// Reads Checkov's recorded results: a JSON array of objects, or one
/// object per line (JSON Lines, a stray `[`, `]` or trailing comma allowed).
pub fn parse_reference(text: &str, file: &str) -> Result<Vec<CheckovResult>, InputError> {
    if let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(text) {
        // Lines are unknown once the array is parsed whole; report the index instead.
        return items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                result_of(v).map_err(|m| {
                    InputError::whole_file(file, format!("result #{}: {m}", i + 1))
                        .expected(EXPECTED)
                })
            })
            .collect();
    }
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim().trim_end_matches(',').trim();
        if t.is_empty() || t == "[" || t == "]" {
            continue;
        }
        let lineno = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let v: serde_json::Value = serde_json::from_str(t).map_err(|e| {
            InputError::new(file, lineno, e.column() as u32, format!("not JSON: {e}"))
                .expected(EXPECTED)
        })?;
        out.push(
            result_of(&v).map_err(|m| InputError::new(file, lineno, 1, m).expected(EXPECTED))?,
        );
    }
    Ok(out)
}

const EXPECTED: &str = "an object with check_id, check_name, file, resource, line_start, line_end, result (passed|failed) and framework";

fn result_of(v: &serde_json::Value) -> Result<CheckovResult, String> {
    let s = |k: &str| -> Result<String, String> {
        match v.get(k) {
            Some(serde_json::Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(format!("`{k}` is {other}, not a string")),
            None => Err(format!("`{k}` is missing")),
        }
    };
    let n = |k: &str| -> u32 {
        v.get(k)
            .and_then(serde_json::Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0)
    };
    let passed = match s("result")?.as_str() {
        "passed" => true,
        "failed" => false,
        other => return Err(format!("`result` is `{other}`, not passed or failed")),
    };
    Ok(CheckovResult {
        check_id: s("check_id")?,
        check_name: s("check_name").unwrap_or_default(),
        file: s("file")?.trim_start_matches('/').to_string(),
        resource: s("resource")?,
        line_start: n("line_start"),
        line_end: n("line_end"),
        passed,
        framework: s("framework")?,
    })
}

/// Reads a reference file from disk.
pub fn load_reference(path: &Path) -> Result<Vec<CheckovResult>, InputError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::whole_file(&name, format!("cannot read: {e}")))?;
    parse_reference(&text, &name)
}

/// Drops `count`/`for_each` indexes: `module.a[0].aws_x.y["k"]` → `module.a.aws_x.y`.
/// Brackets inside quoted keys do not end the index.
pub fn strip_indexes(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for c in address.chars() {
        if depth > 0 {
            if escaped {
                escaped = false;
            } else if quoted {
                match c {
                    '\\' => escaped = true,
                    '"' => quoted = false,
                    _ => {}
                }
            } else {
                match c {
                    '"' => quoted = true,
                    '[' => depth += 1,
                    ']' => depth -= 1,
                    _ => {}
                }
            }
        } else if c == '[' {
            depth = 1;
        } else {
            out.push(c);
        }
    }
    out
}

/// The block a Terraform address names, without module instance prefixes,
/// indexes or `data.`: `module.x.module.y.data.aws_a.b[0]` → `aws_a.b`.
/// Addresses of other sources (`Deployment.default.web`,
/// `AWS::S3::Bucket.Logs`) come back unchanged.
pub fn block_of(address: &str) -> String {
    let stripped = strip_indexes(address);
    let mut rest = stripped.as_str();
    while let Some(after) = rest.strip_prefix("module.") {
        match after.find('.') {
            Some(dot) => rest = &after[dot + 1..],
            None => break,
        }
    }
    rest.strip_prefix("data.").unwrap_or(rest).to_string()
}

/// True for Checkov check ids (`CKV_AWS_19`, `CKV2_AWS_5`, `CKV_SECRET_2`).
pub fn is_checkov_id(id: &str) -> bool {
    let u = id.to_ascii_uppercase();
    u.starts_with("CKV_") || u.starts_with("CKV2_") || u.starts_with("CKV3_")
}

/// A Checkov failure archgate did not report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missed {
    pub check_id: String,
    pub check_name: String,
    pub framework: String,
    pub file: String,
    pub resource: String,
    pub line: u32,
}

/// How an aliased archgate finding compares with Checkov.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Matches a Checkov failure.
    Matched,
    /// Checkov ran an alias on that resource and it passed.
    FalsePositive,
    /// Checkov did not run any of its aliases there.
    NotComparable,
}

/// An archgate finding Checkov disagrees with or did not judge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extra {
    pub rule_id: String,
    /// The finding's Checkov aliases.
    pub aliases: Vec<String>,
    pub file: String,
    pub line: u32,
    pub resource: String,
    pub verdict: Verdict,
}

/// The comparison on one corpus.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CorpusParity {
    pub corpus: String,
    /// Distinct Checkov failures (check id, file, resource as written).
    pub checkov_failures: usize,
    /// Of those, matched by an archgate finding.
    pub matched_failures: usize,
    /// Per framework: (failures, matched).
    pub by_framework: BTreeMap<String, (usize, usize)>,
    /// Checkov failures no finding matches.
    pub missed: Vec<Missed>,
    /// Unsuppressed findings that carry a Checkov alias.
    pub aliased_findings: usize,
    /// Of those, matching a Checkov failure.
    pub agreeing_findings: usize,
    /// Aliased findings that are false positives or not comparable.
    pub extras: Vec<Extra>,
    /// Suppressed findings with a Checkov alias (left out of every count).
    pub suppressed_aliased: usize,
    /// Every check id Checkov ran on the corpus (any result).
    pub checks_run: BTreeSet<String>,
}

impl CorpusParity {
    /// Matched failures / all Checkov failures (1.0 when Checkov found none).
    pub fn recall(&self) -> f64 {
        ratio(self.matched_failures, self.checkov_failures)
    }

    pub fn false_positives(&self) -> usize {
        self.extras
            .iter()
            .filter(|e| e.verdict == Verdict::FalsePositive)
            .count()
    }

    pub fn not_comparable(&self) -> usize {
        self.extras
            .iter()
            .filter(|e| e.verdict == Verdict::NotComparable)
            .count()
    }

    /// Agreeing findings / (agreeing + false positives): not-comparable
    /// findings are left out (1.0 when there is nothing to compare).
    pub fn precision(&self) -> f64 {
        ratio(
            self.agreeing_findings,
            self.agreeing_findings + self.false_positives(),
        )
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// What one Checkov result is compared on (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum MatchKey {
    Block(String, String, String),
    File(String, String),
    Line(String, String, u32),
}

fn key_of(r: &CheckovResult) -> MatchKey {
    let id = r.check_id.to_ascii_uppercase();
    match r.framework.as_str() {
        "dockerfile" => MatchKey::File(id, r.file.clone()),
        "secrets" => MatchKey::Line(id, r.file.clone(), r.line_start),
        // Graph checks judge the pod a workload creates and name it
        // `Pod.<ns>.<workload>.<label>`; its line is the workload's first line.
        "kubernetes" if id.starts_with("CKV2_K8S_") && r.resource.starts_with("Pod.") => {
            MatchKey::Line(id, r.file.clone(), r.line_start)
        }
        _ => MatchKey::Block(id, r.file.clone(), block_of(&r.resource)),
    }
}

fn finding_place(f: &Finding) -> (&str, u32) {
    f.location
        .as_ref()
        .map(|l| (l.file.as_str(), l.span.line))
        .unwrap_or(("", 0))
}

/// The keys a finding answers to under one alias.
fn finding_keys(alias: &str, f: &Finding) -> [MatchKey; 3] {
    let id = alias.to_ascii_uppercase();
    let (file, line) = finding_place(f);
    let block = block_of(f.resource.as_deref().unwrap_or(""));
    [
        MatchKey::Block(id.clone(), file.to_string(), block),
        MatchKey::File(id.clone(), file.to_string()),
        MatchKey::Line(id, file.to_string(), line),
    ]
}

/// Compares `report` (a scan of the corpus root) with Checkov's `reference`
/// results for the same corpus.
pub fn compute(corpus: &str, reference: &[CheckovResult], report: &Report) -> CorpusParity {
    let mut out = CorpusParity {
        corpus: corpus.to_string(),
        ..CorpusParity::default()
    };
    // Checkov's failures, deduplicated on what it wrote; passes by key.
    let mut failures: Vec<&CheckovResult> = Vec::new();
    let mut seen = HashSet::new();
    let mut failed_keys: HashSet<MatchKey> = HashSet::new();
    let mut passed_keys: HashSet<MatchKey> = HashSet::new();
    for r in reference {
        out.checks_run.insert(r.check_id.to_ascii_uppercase());
        if r.passed {
            passed_keys.insert(key_of(r));
        } else {
            failed_keys.insert(key_of(r));
            if seen.insert((&r.check_id, &r.file, &r.resource)) {
                failures.push(r);
            }
        }
    }
    let mut found: HashSet<MatchKey> = HashSet::new();
    for f in &report.findings {
        let aliases: Vec<String> = f
            .aliases
            .iter()
            .filter(|a| is_checkov_id(a))
            .map(|a| a.to_ascii_uppercase())
            .collect();
        if aliases.is_empty() {
            continue;
        }
        if f.is_suppressed() {
            out.suppressed_aliased += 1;
            continue;
        }
        out.aliased_findings += 1;
        let mut verdict = Verdict::NotComparable;
        for alias in &aliases {
            for key in finding_keys(alias, f) {
                if failed_keys.contains(&key) {
                    verdict = Verdict::Matched;
                    found.insert(key);
                } else if verdict == Verdict::NotComparable && passed_keys.contains(&key) {
                    verdict = Verdict::FalsePositive;
                }
            }
            // Checkov's secrets scan runs on every file by default and reports
            // only what it finds: silence on that line is its "passed".
            if verdict == Verdict::NotComparable && alias.starts_with("CKV_SECRET_") {
                verdict = Verdict::FalsePositive;
            }
        }
        if verdict == Verdict::Matched {
            out.agreeing_findings += 1;
        } else {
            let (file, line) = finding_place(f);
            out.extras.push(Extra {
                rule_id: f.rule_id.clone(),
                aliases,
                file: file.to_string(),
                line,
                resource: f.resource.clone().unwrap_or_default(),
                verdict,
            });
        }
    }

    out.checkov_failures = failures.len();
    for r in failures {
        let hit = found.contains(&key_of(r));
        let e = out.by_framework.entry(r.framework.clone()).or_default();
        e.0 += 1;
        if hit {
            e.1 += 1;
            out.matched_failures += 1;
        } else {
            out.missed.push(Missed {
                check_id: r.check_id.clone(),
                check_name: r.check_name.clone(),
                framework: r.framework.clone(),
                file: r.file.clone(),
                resource: r.resource.clone(),
                line: r.line_start,
            });
        }
    }
    out
}

/// The comparison on every corpus.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParityResult {
    pub corpora: Vec<CorpusParity>,
}

/// Missed failures of one check id, across corpora.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissedGroup {
    pub check_id: String,
    pub check_name: String,
    pub framework: String,
    pub count: usize,
    /// `corpus/file:line`.
    pub example: String,
}

/// Findings of one rule with one verdict, across corpora.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraGroup {
    pub rule_id: String,
    pub aliases: Vec<String>,
    pub count: usize,
    /// Up to three `corpus/file:line resource`.
    pub examples: Vec<String>,
}

impl ParityResult {
    pub fn checkov_failures(&self) -> usize {
        self.corpora.iter().map(|c| c.checkov_failures).sum()
    }
    pub fn matched_failures(&self) -> usize {
        self.corpora.iter().map(|c| c.matched_failures).sum()
    }
    pub fn aliased_findings(&self) -> usize {
        self.corpora.iter().map(|c| c.aliased_findings).sum()
    }
    pub fn agreeing_findings(&self) -> usize {
        self.corpora.iter().map(|c| c.agreeing_findings).sum()
    }
    pub fn false_positives(&self) -> usize {
        self.corpora.iter().map(|c| c.false_positives()).sum()
    }
    pub fn not_comparable(&self) -> usize {
        self.corpora.iter().map(|c| c.not_comparable()).sum()
    }
    pub fn recall(&self) -> f64 {
        ratio(self.matched_failures(), self.checkov_failures())
    }
    pub fn precision(&self) -> f64 {
        ratio(
            self.agreeing_findings(),
            self.agreeing_findings() + self.false_positives(),
        )
    }

    /// Per framework over all corpora: (failures, matched).
    pub fn by_framework(&self) -> BTreeMap<String, (usize, usize)> {
        let mut out: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for c in &self.corpora {
            for (fw, (n, m)) in &c.by_framework {
                let e = out.entry(fw.clone()).or_default();
                e.0 += n;
                e.1 += m;
            }
        }
        out
    }

    /// Missed failures grouped by check id, most missed first.
    pub fn missed_by_check(&self) -> Vec<MissedGroup> {
        let mut groups: BTreeMap<String, MissedGroup> = BTreeMap::new();
        for c in &self.corpora {
            for m in &c.missed {
                let g = groups
                    .entry(m.check_id.clone())
                    .or_insert_with(|| MissedGroup {
                        check_id: m.check_id.clone(),
                        check_name: m.check_name.clone(),
                        framework: m.framework.clone(),
                        count: 0,
                        example: format!("{}/{}:{}", c.corpus, m.file, m.line),
                    });
                g.count += 1;
            }
        }
        let mut v: Vec<MissedGroup> = groups.into_values().collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then(a.check_id.cmp(&b.check_id)));
        v
    }

    /// Findings with `verdict` grouped by rule, most first.
    pub fn extras_by_rule(&self, verdict: Verdict) -> Vec<ExtraGroup> {
        let mut groups: BTreeMap<String, ExtraGroup> = BTreeMap::new();
        for c in &self.corpora {
            for e in c.extras.iter().filter(|e| e.verdict == verdict) {
                let g = groups
                    .entry(e.rule_id.clone())
                    .or_insert_with(|| ExtraGroup {
                        rule_id: e.rule_id.clone(),
                        aliases: e.aliases.clone(),
                        count: 0,
                        examples: Vec::new(),
                    });
                g.count += 1;
                if g.examples.len() < 3 {
                    g.examples
                        .push(format!("{}/{}:{} {}", c.corpus, e.file, e.line, e.resource));
                }
            }
        }
        let mut v: Vec<ExtraGroup> = groups.into_values().collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then(a.rule_id.cmp(&b.rule_id)));
        v
    }

    /// The side-by-side table, one row per corpus and a total.
    pub fn table(&self) -> String {
        let header = [
            "corpus",
            "checkov failures",
            "matched",
            "recall",
            "aliased findings",
            "agreeing",
            "false pos.",
            "precision",
            "not comparable",
        ];
        let row = |name: &str,
                   fails: usize,
                   matched: usize,
                   recall: f64,
                   aliased: usize,
                   agree: usize,
                   fp: usize,
                   precision: f64,
                   nc: usize| {
            vec![
                name.to_string(),
                fails.to_string(),
                matched.to_string(),
                pct(recall),
                aliased.to_string(),
                agree.to_string(),
                fp.to_string(),
                pct(precision),
                nc.to_string(),
            ]
        };
        let mut rows: Vec<Vec<String>> = self
            .corpora
            .iter()
            .map(|c| {
                row(
                    &c.corpus,
                    c.checkov_failures,
                    c.matched_failures,
                    c.recall(),
                    c.aliased_findings,
                    c.agreeing_findings,
                    c.false_positives(),
                    c.precision(),
                    c.not_comparable(),
                )
            })
            .collect();
        rows.push(row(
            "total",
            self.checkov_failures(),
            self.matched_failures(),
            self.recall(),
            self.aliased_findings(),
            self.agreeing_findings(),
            self.false_positives(),
            self.precision(),
            self.not_comparable(),
        ));
        let widths: Vec<usize> = (0..header.len())
            .map(|i| {
                rows.iter()
                    .filter_map(|r| r.get(i))
                    .map(String::len)
                    .chain([header[i].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: Vec<&str>| -> String {
            cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect::<Vec<_>>()
                .join(" | ")
                .trim_end()
                .to_string()
        };
        let mut s = line(header.to_vec());
        s.push('\n');
        s.push_str(
            &widths
                .iter()
                .map(|w| "-".repeat(*w))
                .collect::<Vec<_>>()
                .join("-+-"),
        );
        s.push('\n');
        for r in &rows {
            s.push_str(&line(r.iter().map(String::as_str).collect()));
            s.push('\n');
        }
        s
    }
}

/// `0.8734` → `87.3%`.
pub fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// Hand-written reasons for disagreements, by check id or rule id
/// (`docs/parity-reasons.yaml`: a mapping of id → reason).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reasons {
    by_id: HashMap<String, String>,
}

impl Reasons {
    /// Parses a YAML mapping of id → reason string.
    pub fn parse(text: &str, file: &str) -> Result<Reasons, InputError> {
        let docs = archgate_core::yaml::parse_documents(text)
            .map_err(|e| InputError::new(file, e.line, e.col, e.message))?;
        let mut by_id = HashMap::new();
        for doc in &docs {
            let entries: &[(archgate_core::Key, Node)] = match &doc.value {
                Value::Null => continue,
                Value::Map(entries) => entries,
                _ => {
                    return Err(InputError::new(
                        file,
                        doc.span.line,
                        doc.span.col,
                        format!("a {} at the top level", doc.type_name()),
                    )
                    .expected("a mapping of check id or rule id to a reason"))
                }
            };
            for (k, v) in entries {
                let Some(reason) = v.as_str() else {
                    return Err(InputError::new(
                        file,
                        v.span.line,
                        v.span.col,
                        format!("the reason for `{}` is a {}", k.name, v.type_name()),
                    )
                    .expected("a string such as \"gap: no rule yet\""));
                };
                by_id.insert(k.name.to_ascii_uppercase(), reason.to_string());
            }
        }
        Ok(Reasons { by_id })
    }

    /// Reads the reasons file; a missing file means no reasons.
    pub fn load(path: &Path) -> Result<Reasons, InputError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Reasons::parse(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Reasons::default()),
            Err(e) => Err(InputError::whole_file(
                path.display().to_string(),
                format!("cannot read: {e}"),
            )),
        }
    }

    pub fn get(&self, id: &str) -> Option<&str> {
        self.by_id.get(&id.to_ascii_uppercase()).map(String::as_str)
    }
}

/// Escapes a table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// `docs/parity.md`: the totals, per corpus and per framework, then every
/// disagreement grouped, each with its reason. `rules_for` names the
/// archgate rules carrying a check id as an alias (to tell "no rule yet"
/// from "the rule does not fire here" when no reason is written).
pub fn render_markdown(
    result: &ParityResult,
    reasons: &Reasons,
    rules_for: &dyn Fn(&str) -> Vec<String>,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Parity with Checkov\n");
    let _ = writeln!(
        s,
        "Generated by `bench/parity` (do not edit by hand; reasons live in \
         `docs/parity-reasons.yaml`). archgate scans every corpus under \
         `../shared/corpus` and is compared with Checkov's recorded results \
         (`reference/checkov/<corpus>.json`). Matching and counting rules: \
         `crates/archgate-rules/src/parity.rs`.\n"
    );
    let _ = writeln!(
        s,
        "- **Recall**: {} of {} Checkov failures matched = **{}** (goal 90%).",
        result.matched_failures(),
        result.checkov_failures(),
        pct(result.recall())
    );
    let _ = writeln!(
        s,
        "- **Precision**: {} of {} comparable aliased findings agree = **{}** (goal 95%); \
         {} false positives; {} aliased findings not comparable (Checkov did not run that check there).\n",
        result.agreeing_findings(),
        result.agreeing_findings() + result.false_positives(),
        pct(result.precision()),
        result.false_positives(),
        result.not_comparable()
    );
    let _ = writeln!(
        s,
        "| corpus | Checkov failures | matched | recall | aliased findings | agreeing | false positives | precision | not comparable |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for c in &result.corpora {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            c.corpus,
            c.checkov_failures,
            c.matched_failures,
            pct(c.recall()),
            c.aliased_findings,
            c.agreeing_findings,
            c.false_positives(),
            pct(c.precision()),
            c.not_comparable()
        );
    }
    let _ = writeln!(
        s,
        "| **total** | {} | {} | **{}** | {} | {} | {} | **{}** | {} |\n",
        result.checkov_failures(),
        result.matched_failures(),
        pct(result.recall()),
        result.aliased_findings(),
        result.agreeing_findings(),
        result.false_positives(),
        pct(result.precision()),
        result.not_comparable()
    );
    let _ = writeln!(s, "## Recall by framework\n");
    let _ = writeln!(s, "| framework | Checkov failures | matched | recall |");
    let _ = writeln!(s, "|---|---:|---:|---:|");
    for (fw, (n, m)) in result.by_framework() {
        let _ = writeln!(s, "| {fw} | {n} | {m} | {} |", pct(ratio(m, n)));
    }

    let missed = result.missed_by_check();
    let _ = writeln!(
        s,
        "\n## Checkov failures archgate misses ({} in {} check ids)\n",
        missed.iter().map(|g| g.count).sum::<usize>(),
        missed.len()
    );
    let _ = writeln!(
        s,
        "| check id | framework | missed | example | archgate rule | reason |"
    );
    let _ = writeln!(s, "|---|---|---:|---|---|---|");
    for g in &missed {
        let rules = rules_for(&g.check_id);
        let reason = reasons
            .get(&g.check_id)
            .map(str::to_string)
            .unwrap_or_else(|| {
                if rules.is_empty() {
                    "gap: no rule yet".to_string()
                } else {
                    "gap: the rule does not fire here".to_string()
                }
            });
        let _ = writeln!(
            s,
            "| {} {} | {} | {} | `{}` | {} | {} |",
            g.check_id,
            cell(&g.check_name),
            g.framework,
            g.count,
            cell(&g.example),
            if rules.is_empty() {
                "—".to_string()
            } else {
                rules.join(", ")
            },
            cell(&reason)
        );
    }

    let fps = result.extras_by_rule(Verdict::FalsePositive);
    let _ = writeln!(
        s,
        "\n## archgate findings Checkov passes ({} in {} rules)\n",
        fps.iter().map(|g| g.count).sum::<usize>(),
        fps.len()
    );
    // How the false positives divide by the kind of reason written for them.
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for g in &fps {
        let kind = match reasons.get(&g.rule_id) {
            Some(r) if r.starts_with("Checkov bug") => "Checkov bug",
            Some(r) if r.starts_with("deliberate difference") => "deliberate difference",
            Some(r) if r.starts_with("gap") => "gap",
            _ => "unexplained",
        };
        *kinds.entry(kind).or_default() += g.count;
    }
    if !kinds.is_empty() {
        let _ = writeln!(
            s,
            "By reason: {}.\n",
            kinds
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let _ = writeln!(s, "| rule | aliases | findings | examples | reason |");
    let _ = writeln!(s, "|---|---|---:|---|---|");
    for g in &fps {
        let reason = reasons
            .get(&g.rule_id)
            .unwrap_or("unexplained: to investigate");
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            g.rule_id,
            g.aliases.join(", "),
            g.count,
            g.examples
                .iter()
                .map(|e| format!("`{}`", cell(e)))
                .collect::<Vec<_>>()
                .join("<br>"),
            cell(reason)
        );
    }

    let nc = result.extras_by_rule(Verdict::NotComparable);
    let _ = writeln!(
        s,
        "\n## Aliased findings Checkov did not judge ({} in {} rules)\n",
        nc.iter().map(|g| g.count).sum::<usize>(),
        nc.len()
    );
    let _ = writeln!(
        s,
        "Not counted either way: Checkov ran none of the rule's aliases on that \
         resource (a check it does not have, a file it does not parse, a block \
         it names differently).\n"
    );
    let _ = writeln!(s, "| rule | aliases | findings | example |");
    let _ = writeln!(s, "|---|---|---:|---|");
    for g in &nc {
        let _ = writeln!(
            s,
            "| {} | {} | {} | `{}` |",
            g.rule_id,
            g.aliases.join(", "),
            g.count,
            g.examples.first().map(|e| cell(e)).unwrap_or_default()
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use archgate_core::{FindingKind, Location, Severity, Span, Suppression};

    fn checkov(
        id: &str,
        fw: &str,
        file: &str,
        res: &str,
        line: u32,
        passed: bool,
    ) -> CheckovResult {
        CheckovResult {
            check_id: id.into(),
            check_name: format!("name of {id}"),
            file: file.into(),
            resource: res.into(),
            line_start: line,
            line_end: line + 1,
            passed,
            framework: fw.into(),
        }
    }

    fn finding(rule: &str, aliases: &[&str], file: &str, line: u32, res: &str) -> Finding {
        Finding {
            rule_id: rule.into(),
            title: String::new(),
            severity: Severity::High,
            kind: FindingKind::Iac,
            location: Some(Location {
                file: file.into(),
                span: Span {
                    line,
                    col: 1,
                    ..Span::default()
                },
            }),
            resource: Some(res.into()),
            component: None,
            message: String::new(),
            remediation: None,
            controls: Vec::new(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            fingerprint: String::new(),
            suppression: None,
            snippet: None,
            related: Vec::new(),
        }
    }

    fn report(findings: Vec<Finding>) -> Report {
        Report {
            findings,
            ..Report::default()
        }
    }

    #[test]
    fn addresses_normalise_to_the_block() {
        assert_eq!(strip_indexes(r#"aws_x.y["a[0]"]"#), "aws_x.y");
        assert_eq!(
            strip_indexes(r#"module.a[0].aws_x.y["k\"]"]"#),
            "module.a.aws_x.y"
        );
        assert_eq!(
            block_of("module.byo.module.db_instance.aws_db_instance.this[0]"),
            "aws_db_instance.this"
        );
        assert_eq!(
            block_of("data.aws_availability_zones.a"),
            "aws_availability_zones.a"
        );
        assert_eq!(
            block_of("module.v.data.aws_iam_policy_document.p"),
            "aws_iam_policy_document.p"
        );
        assert_eq!(block_of("Deployment.data.web"), "Deployment.data.web");
        assert_eq!(block_of("AWS::S3::Bucket.Logs"), "AWS::S3::Bucket.Logs");
        assert!(is_checkov_id("ckv2_aws_5") && !is_checkov_id("AWS-0086"));
    }

    #[test]
    fn reference_reads_arrays_and_json_lines() {
        let line = r#"{"check_id": "CKV_AWS_1", "check_name": "n", "file": "/a.tf", "resource": "aws_x.y", "line_start": 3, "line_end": 9, "result": "failed", "framework": "terraform"}"#;
        let array = format!("[\n{line},\n{}\n]\n", line.replace("failed", "passed"));
        let a = parse_reference(&array, "r.json").unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].file, "a.tf");
        assert!(!a[0].passed && a[1].passed);
        assert_eq!((a[0].line_start, a[0].line_end), (3, 9));
        let lines = parse_reference(&format!("{line}\n{line}\n"), "r.jsonl").unwrap();
        assert_eq!(lines.len(), 2);
        let bad = parse_reference(
            &format!("{line}\n{}\n", line.replace("failed", "skipped")),
            "r.jsonl",
        )
        .unwrap_err();
        assert_eq!((bad.file.as_str(), bad.line), ("r.jsonl", 2));
        assert!(bad.message.contains("skipped"));
        let missing = parse_reference("[{\"check_id\": \"X\"}]", "r.json").unwrap_err();
        assert!(missing.message.contains("result"), "{}", missing.message);
    }

    #[test]
    fn matches_terraform_blocks_across_module_instances_and_indexes() {
        let reference = vec![
            checkov(
                "CKV_AWS_37",
                "terraform",
                "main.tf",
                "module.eks.aws_eks_cluster.this",
                36,
                false,
            ),
            checkov(
                "CKV_AWS_37",
                "terraform",
                "main.tf",
                "module.off.aws_eks_cluster.this[0]",
                36,
                false,
            ),
            checkov(
                "CKV_AWS_58",
                "terraform",
                "main.tf",
                "module.eks.aws_eks_cluster.this",
                36,
                false,
            ),
            checkov(
                "CKV_AWS_39",
                "terraform",
                "main.tf",
                "module.eks.aws_eks_cluster.this",
                36,
                true,
            ),
            checkov(
                "CKV_AWS_394",
                "terraform",
                "ex/main.tf",
                "aws_availability_zones.available",
                5,
                false,
            ),
        ];
        let r = report(vec![
            finding(
                "AG-EKS-1",
                &["CKV_AWS_37", "AVD-AWS-0038"],
                "main.tf",
                36,
                "aws_eks_cluster.this",
            ),
            finding(
                "AG-EKS-2",
                &["CKV_AWS_39"],
                "main.tf",
                36,
                "module.eks.aws_eks_cluster.this",
            ),
            finding(
                "AG-EKS-3",
                &["CKV_AWS_999"],
                "main.tf",
                36,
                "aws_eks_cluster.this",
            ),
            finding(
                "AG-AZ-1",
                &["CKV_AWS_394"],
                "ex/main.tf",
                5,
                "data.aws_availability_zones.available",
            ),
            finding("AG-OWN-1", &[], "main.tf", 36, "aws_eks_cluster.this"),
        ]);
        let p = compute("eks", &reference, &r);
        assert_eq!(p.checkov_failures, 4);
        assert_eq!(
            p.matched_failures, 3,
            "both module instances and the data source match"
        );
        assert_eq!(p.missed.len(), 1);
        assert_eq!(p.missed[0].check_id, "CKV_AWS_58");
        assert_eq!(
            p.aliased_findings, 4,
            "findings without a Checkov alias are not counted"
        );
        assert_eq!(p.agreeing_findings, 2);
        assert_eq!(p.false_positives(), 1);
        assert_eq!(p.not_comparable(), 1);
        assert_eq!(
            p.extras
                .iter()
                .map(|e| (e.rule_id.as_str(), e.verdict))
                .collect::<Vec<_>>(),
            vec![
                ("AG-EKS-2", Verdict::FalsePositive),
                ("AG-EKS-3", Verdict::NotComparable)
            ]
        );
        assert!((p.recall() - 0.75).abs() < 1e-9);
        assert!((p.precision() - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(p.by_framework.get("terraform"), Some(&(4, 3)));
    }

    #[test]
    fn dockerfiles_match_on_file_secrets_and_pods_on_line() {
        let reference = vec![
            checkov(
                "CKV_DOCKER_2",
                "dockerfile",
                "a/Dockerfile",
                "/a/Dockerfile.",
                1,
                false,
            ),
            checkov(
                "CKV2_DOCKER_1",
                "dockerfile",
                "a/Dockerfile",
                "/a/Dockerfile.RUN",
                4,
                true,
            ),
            checkov(
                "CKV2_DOCKER_1",
                "dockerfile",
                "a/Dockerfile",
                "/a/Dockerfile.RUN",
                7,
                true,
            ),
            checkov("CKV_SECRET_2", "secrets", "ec2.tf", "fc3f78", 15, false),
            checkov("CKV_SECRET_2", "secrets", "ec2.tf", "c00f1a", 16, false),
            checkov(
                "CKV2_K8S_6",
                "kubernetes",
                "k.yaml",
                "Pod.default.web.app-web",
                19,
                false,
            ),
            checkov(
                "CKV2_K8S_5",
                "kubernetes",
                "k.yaml",
                "RoleBinding.ns.reader",
                40,
                false,
            ),
        ];
        let r = report(vec![
            finding(
                "AG-DOCKER-001",
                &["CKV_DOCKER_2"],
                "a/Dockerfile",
                1,
                "a/Dockerfile",
            ),
            finding(
                "AG-DOCKER-RUN-1",
                &["CKV2_DOCKER_1"],
                "a/Dockerfile",
                4,
                "a/Dockerfile",
            ),
            finding(
                "AG-SECRET-AWS-001",
                &["CKV_SECRET_2"],
                "ec2.tf",
                15,
                "aws_instance.web",
            ),
            finding(
                "AG-SECRET-AWS-001",
                &["CKV_SECRET_2"],
                "ec2.tf",
                30,
                "aws_instance.web",
            ),
            finding(
                "AG-K8S-NET-001",
                &["CKV2_K8S_6"],
                "k.yaml",
                19,
                "Deployment.default.web",
            ),
            finding(
                "AG-K8S-RBAC-006",
                &["CKV2_K8S_5"],
                "k.yaml",
                49,
                "RoleBinding.ns.reader",
            ),
        ]);
        let p = compute("c", &reference, &r);
        assert_eq!(p.checkov_failures, 5);
        assert_eq!(
            p.matched_failures, 4,
            "the workload matches the pod it creates; other graph checks match by resource"
        );
        assert_eq!(p.missed[0].line, 16);
        assert_eq!(p.agreeing_findings, 4);
        assert_eq!(
            p.false_positives(),
            2,
            "a passed instruction and a line with no Checkov secret"
        );
        assert_eq!(p.not_comparable(), 0);
    }

    #[test]
    fn suppressed_findings_count_nowhere() {
        let reference = vec![checkov(
            "CKV_AWS_1",
            "terraform",
            "a.tf",
            "aws_x.y",
            1,
            true,
        )];
        let mut f = finding("AG-1", &["CKV_AWS_1"], "a.tf", 1, "aws_x.y");
        f.suppression = Some(Suppression {
            kind: "inline".into(),
            by: None,
            reason: None,
            until: None,
            source: None,
        });
        let p = compute("c", &reference, &report(vec![f]));
        assert_eq!((p.aliased_findings, p.suppressed_aliased), (0, 1));
        assert_eq!(p.precision(), 1.0);
        assert_eq!(p.recall(), 1.0, "no Checkov failure: nothing to miss");
    }

    #[test]
    fn groups_and_markdown_list_every_disagreement_with_its_reason() {
        let reference = vec![
            checkov("CKV_AWS_1", "terraform", "a.tf", "aws_x.a", 1, false),
            checkov("CKV_AWS_1", "terraform", "a.tf", "aws_x.b", 9, false),
            checkov("CKV_AWS_2", "terraform", "a.tf", "aws_x.a", 1, false),
            checkov("CKV_AWS_3", "terraform", "a.tf", "aws_x.a", 1, true),
        ];
        let r = report(vec![finding("AG-3", &["CKV_AWS_3"], "a.tf", 1, "aws_x.a")]);
        let result = ParityResult {
            corpora: vec![compute("one", &reference, &r)],
        };
        let missed = result.missed_by_check();
        assert_eq!(
            missed
                .iter()
                .map(|g| (g.check_id.as_str(), g.count, g.example.as_str()))
                .collect::<Vec<_>>(),
            vec![
                ("CKV_AWS_1", 2, "one/a.tf:1"),
                ("CKV_AWS_2", 1, "one/a.tf:1")
            ]
        );
        let reasons = Reasons::parse(
            "ckv_aws_2: \"Checkov bug: reads the wrong attribute\"\nAG-3: \"deliberate difference: stricter\"\n",
            "r.yaml",
        )
        .unwrap();
        let md = render_markdown(&result, &reasons, &|id: &str| {
            if id == "CKV_AWS_1" {
                vec!["AG-1".to_string()]
            } else {
                Vec::new()
            }
        });
        assert!(md.contains("| CKV_AWS_1 name of CKV_AWS_1 | terraform | 2 | `one/a.tf:1` | AG-1 | gap: the rule does not fire here |"), "{md}");
        assert!(md.contains("| CKV_AWS_2 name of CKV_AWS_2 | terraform | 1 | `one/a.tf:1` | — | Checkov bug: reads the wrong attribute |"), "{md}");
        assert!(
            md.contains(
                "| AG-3 | CKV_AWS_3 | 1 | `one/a.tf:1 aws_x.a` | deliberate difference: stricter |"
            ),
            "{md}"
        );
        assert!(
            md.contains("0 of 3 Checkov failures matched = **0.0%**"),
            "{md}"
        );
        let table = result.table();
        assert!(
            table.lines().count() == 4 && table.contains("total"),
            "{table}"
        );
    }

    #[test]
    fn reasons_reject_non_string_values_with_a_position() {
        let e = Reasons::parse("CKV_AWS_1:\n  - a\n", "r.yaml").unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("r.yaml", 2));
        assert!(Reasons::parse("- a\n", "r.yaml").is_err());
        assert_eq!(Reasons::parse("", "r.yaml").unwrap(), Reasons::default());
    }
}
