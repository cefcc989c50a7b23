//! Governance over time, from git history: the workspace's decision
//! records, exceptions and catalog as they were at past commits, read
//! in-process with gix straight from the object database (no `git`
//! subprocess, no checkout, the working tree untouched).
//!
//! Two things come out of one walk of the first-parent history of `HEAD`
//! back to the start of the window:
//! - **trend points**: at each week (windows up to 120 days) or month
//!   boundary, and at `HEAD`, the KPIs that need only files
//!   ([`crate::kpi::file_kpis`]), judged as of that day;
//! - **decision cycle time**: for each decision accepted in the window,
//!   the days from proposed to accepted. *Proposed* is the earliest of the
//!   `date` written in a proposed (or draft) version and the commit that
//!   first had it proposed; *accepted* is the commit whose version first
//!   reads accepted, or the `date` that version carries when it was
//!   rewritten on acceptance and lies between the two (the decision was
//!   taken, then merged). Following the
//!   first parent means a change counts when it landed on the main line.
//!
//! Not here: KPIs that need a scan (policy compliance, tag coverage,
//! readiness) — running the IaC engine on every past tree would cost what
//! the working-tree run costs, per point. Files at a past commit that no
//! longer parse are skipped and counted, never fatal.

use crate::adr::{self, AdrSet, AdrStatus};
use crate::exceptions::{self, Exception};
use crate::kpi::{self, CycleTimes, Kpi, Target};
use archgate_model::Catalog;
use chrono::{Months, NaiveDate};
use gix::ObjectId;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// Where a trend starts: a date, or a commit (hex prefix or reference name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    Date(NaiveDate),
    Commit(String),
}

impl Since {
    /// `1y`, `90d`, `6w` (back from `today`), `2025-11-25`, or else a commit
    /// (`a1b2c3d`, `v1.4`, `main`).
    pub fn parse(text: &str, today: NaiveDate) -> Since {
        if let Some(d) = archgate_model::vocab::parse_date(text) {
            return Since::Date(d);
        }
        match archgate_model::vocab::parse_duration(text) {
            Some(d) => Since::Date(today - chrono::Duration::days((d.as_secs() / 86_400) as i64)),
            None => Since::Commit(text.trim().to_string()),
        }
    }
}

/// Where the governance files live in the workspace (`archgate.yaml` `paths`).
#[derive(Debug, Clone)]
pub struct Paths {
    pub adr: String,
    pub exceptions: String,
    pub catalog: String,
}

/// What to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// Decision cycle times only.
    CycleTimes,
    /// Cycle times and the trend points.
    Trend,
}

/// One point of the trend.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Point {
    /// The day the KPIs are judged as of.
    #[serde(serialize_with = "ymd")]
    pub date: NaiveDate,
    /// The commit in effect at the end of that day (12 hex digits).
    pub commit: String,
    pub kpis: Vec<Kpi>,
}

/// One decision's way from proposed to accepted.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionCycle {
    /// `ADR-0004` or the file stem.
    pub id: String,
    pub file: String,
    #[serde(serialize_with = "ymd")]
    pub proposed: NaiveDate,
    #[serde(serialize_with = "ymd")]
    pub accepted: NaiveDate,
    pub days: i64,
}

/// Everything read from history.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct History {
    /// First day of the window.
    #[serde(serialize_with = "ymd")]
    pub since: NaiveDate,
    /// The commit the window starts after (`--since COMMIT`), 12 hex digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_commit: Option<String>,
    /// `HEAD`, 12 hex digits.
    pub head: String,
    /// First-parent commits read.
    pub commits: usize,
    pub points: Vec<Point>,
    /// Decisions accepted in the window, oldest acceptance first.
    pub decisions: Vec<DecisionCycle>,
    /// Decisions accepted in the window without a proposed version on record.
    pub accepted_unproposed: Vec<String>,
    /// Files at past commits that were not UTF-8 or did not parse (path@commit).
    pub skipped: Vec<String>,
    /// The history ended before the window's start (a shallow clone).
    pub truncated: bool,
}

impl History {
    /// The cycle times as the `decision-cycle-days` KPI reads them.
    pub fn cycle_times(&self) -> CycleTimes {
        CycleTimes {
            decisions: self
                .decisions
                .iter()
                .map(|d| (d.id.clone(), d.days))
                .collect(),
            accepted_unproposed: self.accepted_unproposed.len(),
            window: match &self.since_commit {
                Some(c) => format!("since commit {c} ({})", self.since),
                None => format!("since {}", self.since),
            },
        }
    }
}

/// Dates as `YYYY-MM-DD` in JSON.
fn ymd<S: serde::Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

/// Why history could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryError {
    /// The workspace is not inside a git repository (or it has no commits).
    NotARepository(String),
    /// The repository could not be read, or `--since` names no commit.
    Other(String),
}

impl std::fmt::Display for HistoryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HistoryError::NotARepository(m) | HistoryError::Other(m) => f.write_str(m),
        }
    }
}

fn other(context: &str) -> impl Fn(gix::Error) -> HistoryError + '_ {
    move |e| HistoryError::Other(format!("{context}: {e}"))
}

/// One commit of the walk.
struct Step {
    id: ObjectId,
    date: NaiveDate,
    tree: ObjectId,
}

fn short(id: &ObjectId) -> String {
    id.to_hex_with_len(12).to_string()
}

fn day_of(seconds: i64) -> Option<NaiveDate> {
    chrono::DateTime::from_timestamp(seconds, 0).map(|t| t.date_naive())
}

/// Joins the workspace's place in the repository and a workspace path.
fn join(prefix: &str, path: &str) -> String {
    let p = path.trim_start_matches("./").trim_matches('/');
    match (prefix.is_empty(), p.is_empty() || p == ".") {
        (true, _) => p.to_string(),
        (false, true) => prefix.to_string(),
        (false, false) => format!("{prefix}/{p}"),
    }
}

/// Reads the history of the repository holding `root`.
pub fn read(
    root: &Path,
    paths: &Paths,
    since: &Since,
    today: NaiveDate,
    targets: &[Target],
    want: Want,
) -> Result<History, HistoryError> {
    // gix's own message names every directory it tried; the path is enough.
    let mut repo = gix::discover(root).map_err(|_| {
        HistoryError::NotARepository(format!("{} is not in a git repository", root.display()))
    })?;
    // Each commit's tree is looked up once per governance directory.
    repo.object_cache_size_if_unset(8 * 1024 * 1024);
    let workdir = repo.workdir().ok_or_else(|| {
        HistoryError::Other("the repository has no working tree (bare)".to_string())
    })?;
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let prefix = canon(root)
        .strip_prefix(canon(workdir))
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_default();
    let head = repo
        .head_id()
        .map_err(|e| HistoryError::NotARepository(format!("the repository has no commits ({e})")))?
        .detach();

    // The commit a `--since COMMIT` names: a reference, else a hex prefix
    // matched while walking (it must be on the first-parent line).
    let (since_ref, since_hex) = match since {
        Since::Commit(c) => {
            let by_ref = repo
                .try_find_reference(c.as_str())
                .ok()
                .flatten()
                .and_then(|mut r| r.peel_to_id().ok())
                .map(|id| id.detach());
            let hex = c.to_ascii_lowercase();
            if by_ref.is_none() && (hex.len() < 4 || !hex.chars().all(|x| x.is_ascii_hexdigit())) {
                return Err(HistoryError::Other(format!(
                    "--since `{c}`: not a date (YYYY-MM-DD), a duration (90d, 1y) or a commit"
                )));
            }
            (by_ref, Some(hex))
        }
        Since::Date(_) => (None, None),
    };

    // Newest first, down to the first commit before the window (the
    // baseline: the state the window starts from).
    let mut steps = Vec::new();
    let mut cur = Some(head);
    let mut found_since = None;
    let mut truncated = false;
    while let Some(id) = cur {
        let commit = match repo.find_commit(id) {
            Ok(c) => c,
            // A parent that is not in the object database: a shallow clone
            // (CI's default). The history read ends there, and says so.
            Err(_) if !steps.is_empty() => {
                truncated = true;
                break;
            }
            Err(e) => return Err(other("reading a commit")(e)),
        };
        let seconds = commit
            .time()
            .map_err(other("reading a commit time"))?
            .seconds;
        let date = day_of(seconds).ok_or_else(|| {
            HistoryError::Other(format!("commit {} has an impossible date", short(&id)))
        })?;
        let tree = commit
            .tree_id()
            .map_err(other("reading a commit's tree"))?
            .detach();
        cur = commit.parent_ids().next().map(|p| p.detach());
        steps.push(Step { id, date, tree });
        match since {
            Since::Date(d) if date < *d => break,
            Since::Commit(_) => {
                let hit = since_ref == Some(id)
                    || (since_ref.is_none()
                        && since_hex
                            .as_deref()
                            .is_some_and(|h| id.to_hex().to_string().starts_with(h)));
                if hit {
                    found_since = Some((id, date));
                    break;
                }
            }
            Since::Date(_) => {}
        }
    }
    let start = match since {
        Since::Date(d) => *d,
        Since::Commit(c) => match found_since {
            Some((_, date)) => date,
            None => {
                return Err(HistoryError::Other(format!(
                    "--since `{c}`: no such commit on the first-parent history of HEAD"
                )))
            }
        },
    };
    steps.reverse();

    let mut reader = Reader {
        repo: &repo,
        adrs: HashMap::new(),
        exceptions: HashMap::new(),
        catalogs: HashMap::new(),
        skipped: Vec::new(),
    };
    let adr_dir = join(&prefix, &paths.adr);
    let decisions = reader.cycle_times(
        &steps,
        &adr_dir,
        &paths.adr,
        start,
        found_since.map(|f| f.0),
    )?;

    let mut points = Vec::new();
    if want == Want::Trend {
        for (date, step) in sample(&steps, start, today) {
            let tree = step.tree;
            let adrs = reader.adr_set(tree, &adr_dir, &paths.adr, step.id)?;
            let xs =
                reader.exceptions_at(tree, &join(&prefix, &paths.exceptions), &prefix, step.id)?;
            let catalog =
                reader.catalog_at(tree, &join(&prefix, &paths.catalog), &prefix, step.id)?;
            points.push(Point {
                date,
                commit: short(&step.id),
                kpis: kpi::file_kpis(&catalog, &xs, &adrs, date, targets),
            });
        }
    }
    let (decisions, accepted_unproposed) = decisions;
    Ok(History {
        since: start,
        since_commit: found_since.map(|(id, _)| short(&id)),
        head: short(&head),
        commits: steps.len(),
        points,
        decisions,
        accepted_unproposed,
        skipped: reader.skipped,
        truncated,
    })
}

/// The trend's days and the commit in effect at the end of each: every
/// week (windows up to 120 days) or month from `start`, then today.
fn sample(steps: &[Step], start: NaiveDate, today: NaiveDate) -> Vec<(NaiveDate, &Step)> {
    let weekly = (today - start).num_days() <= 120;
    let mut days = Vec::new();
    let mut d = start;
    let mut n = 0u32;
    while d < today {
        days.push(d);
        n += 1;
        let next = if weekly {
            start.checked_add_signed(chrono::Duration::days(7 * i64::from(n)))
        } else {
            start.checked_add_months(Months::new(n))
        };
        match next {
            Some(x) => d = x,
            None => break,
        }
    }
    days.push(today);
    days.into_iter()
        .filter_map(|day| steps.iter().rev().find(|s| s.date <= day).map(|s| (day, s)))
        .collect()
}

/// A decision record's status and date in one version.
#[derive(Clone)]
struct Version {
    id: String,
    status: Option<AdrStatus>,
    date: Option<NaiveDate>,
}

/// One decision's record across the walk.
#[derive(Default)]
struct Track {
    id: String,
    proposed: Option<NaiveDate>,
    /// The `date` written in the latest proposed version.
    proposed_written: Option<NaiveDate>,
    /// Accepted (on or before the baseline, or in the window).
    accepted: bool,
}

/// A file at one commit: workspace-relative path and blob id.
type FileAt = (String, ObjectId);

/// Reads blobs and trees, caching what it parsed by object id.
struct Reader<'r> {
    repo: &'r gix::Repository,
    adrs: HashMap<(String, ObjectId), Option<Arc<adr::Adr>>>,
    exceptions: HashMap<(String, ObjectId), Option<Arc<Vec<Exception>>>>,
    catalogs: HashMap<ObjectId, Arc<Catalog>>,
    skipped: Vec<String>,
}

impl Reader<'_> {
    /// The tree at `path` ("" = the root) of the commit tree `root`.
    fn subtree(&self, root: ObjectId, path: &str) -> Result<Option<ObjectId>, HistoryError> {
        let mut id = root;
        for part in path.split('/').filter(|p| !p.is_empty()) {
            let tree = self.repo.find_tree(id).map_err(other("reading a tree"))?;
            let next = tree
                .decode()
                .map_err(other("decoding a tree"))?
                .entries
                .iter()
                .find(|e| e.filename == part && e.mode.is_tree())
                .map(|e| e.oid.to_owned());
            match next {
                Some(n) => id = n,
                None => return Ok(None),
            }
        }
        Ok(Some(id))
    }

    /// Blobs under tree `id` (recursively) whose names end with one of
    /// `exts`, as (path below `base`, blob id), sorted by path.
    fn blobs(
        &self,
        id: ObjectId,
        base: &str,
        exts: &[&str],
        out: &mut Vec<FileAt>,
        depth: usize,
    ) -> Result<(), HistoryError> {
        if depth > 32 {
            return Ok(());
        }
        let tree = self.repo.find_tree(id).map_err(other("reading a tree"))?;
        let decoded = tree.decode().map_err(other("decoding a tree"))?;
        for e in &decoded.entries {
            let name = e.filename.to_string();
            if name.starts_with('.') {
                continue;
            }
            let path = if base.is_empty() {
                name.clone()
            } else {
                format!("{base}/{name}")
            };
            if e.mode.is_tree() {
                self.blobs(e.oid.to_owned(), &path, exts, out, depth + 1)?;
            } else if e.mode.is_blob() && exts.iter().any(|x| name.ends_with(x)) {
                out.push((path, e.oid.to_owned()));
            }
        }
        out.sort();
        Ok(())
    }

    /// Blob text, or None (recorded as skipped) when it is not UTF-8.
    fn text(
        &mut self,
        id: ObjectId,
        path: &str,
        commit: ObjectId,
    ) -> Result<Option<String>, HistoryError> {
        let blob = self.repo.find_blob(id).map_err(other("reading a file"))?;
        match std::str::from_utf8(&blob.data) {
            Ok(t) => Ok(Some(t.to_string())),
            Err(_) => {
                self.skipped.push(format!("{path}@{}", short(&commit)));
                Ok(None)
            }
        }
    }

    /// The decision record at `path` (workspace-relative) in blob `id`.
    fn adr(
        &mut self,
        path: &str,
        id: ObjectId,
        commit: ObjectId,
    ) -> Result<Option<Arc<adr::Adr>>, HistoryError> {
        let key = (path.to_string(), id);
        if let Some(a) = self.adrs.get(&key) {
            return Ok(a.clone());
        }
        let parsed = match self.text(id, path, commit)? {
            Some(t) => match adr::parse_adr(path, &t) {
                Ok(a) => Some(Arc::new(a)),
                Err(_) => {
                    self.skipped.push(format!("{path}@{}", short(&commit)));
                    None
                }
            },
            None => None,
        };
        self.adrs.insert(key, parsed.clone());
        Ok(parsed)
    }

    /// The decision files of the ADR directory at one commit.
    fn adr_files(
        &self,
        tree: ObjectId,
        dir: &str,
        rel_dir: &str,
    ) -> Result<Vec<FileAt>, HistoryError> {
        let mut out = Vec::new();
        if let Some(d) = self.subtree(tree, dir)? {
            let base = rel_dir.trim_start_matches("./").trim_end_matches('/');
            self.blobs(d, base, &[".md"], &mut out, 0)?;
        }
        out.retain(|(p, _)| adr::is_decision_file(p));
        Ok(out)
    }

    fn adr_set(
        &mut self,
        tree: ObjectId,
        dir: &str,
        rel_dir: &str,
        commit: ObjectId,
    ) -> Result<AdrSet, HistoryError> {
        let mut set = AdrSet {
            dir: rel_dir
                .trim_start_matches("./")
                .trim_end_matches('/')
                .to_string(),
            adrs: Vec::new(),
        };
        for (path, id) in self.adr_files(tree, dir, rel_dir)? {
            if let Some(a) = self.adr(&path, id, commit)? {
                set.adrs.push((*a).clone());
            }
        }
        Ok(set)
    }

    /// The tree of `dir` (a repository path) and its YAML files, as
    /// workspace-relative paths and blob ids.
    fn yaml_files(
        &self,
        tree: ObjectId,
        dir: &str,
        prefix: &str,
    ) -> Result<(Option<ObjectId>, Vec<FileAt>), HistoryError> {
        let mut out = Vec::new();
        let sub = self.subtree(tree, dir)?;
        if let Some(d) = sub {
            let rel = dir
                .strip_prefix(prefix)
                .unwrap_or(dir)
                .trim_start_matches('/');
            self.blobs(d, rel, &[".yaml", ".yml"], &mut out, 0)?;
        }
        Ok((sub, out))
    }

    fn exceptions_at(
        &mut self,
        tree: ObjectId,
        dir: &str,
        prefix: &str,
        commit: ObjectId,
    ) -> Result<Vec<Exception>, HistoryError> {
        let (_, files) = self.yaml_files(tree, dir, prefix)?;
        let mut out = Vec::new();
        for (path, id) in files {
            let key = (path.clone(), id);
            let parsed = match self.exceptions.get(&key) {
                Some(x) => x.clone(),
                None => {
                    let parsed = match self.text(id, &path, commit)? {
                        Some(t) => {
                            let (xs, errors) = exceptions::parse_exceptions(&path, &t);
                            if !errors.is_empty() {
                                self.skipped.push(format!("{path}@{}", short(&commit)));
                            }
                            Some(Arc::new(xs))
                        }
                        None => None,
                    };
                    self.exceptions.insert(key, parsed.clone());
                    parsed
                }
            };
            if let Some(xs) = parsed {
                out.extend(xs.iter().cloned());
            }
        }
        Ok(out)
    }

    fn catalog_at(
        &mut self,
        tree: ObjectId,
        dir: &str,
        prefix: &str,
        commit: ObjectId,
    ) -> Result<Arc<Catalog>, HistoryError> {
        let (sub, files) = self.yaml_files(tree, dir, prefix)?;
        let Some(sub) = sub else {
            return Ok(Arc::new(archgate_model::load_texts(&[]).catalog));
        };
        if let Some(c) = self.catalogs.get(&sub) {
            return Ok(c.clone());
        }
        let mut texts = Vec::new();
        for (path, id) in files {
            if let Some(t) = self.text(id, &path, commit)? {
                texts.push((path, t));
            }
        }
        let loaded = archgate_model::load_texts(&texts);
        for e in &loaded.errors {
            self.skipped.push(format!("{}@{}", e.file, short(&commit)));
        }
        let c = Arc::new(loaded.catalog);
        self.catalogs.insert(sub, c.clone());
        Ok(c)
    }

    /// Follows every decision record through the walk (oldest first) and
    /// returns the decisions accepted in the window with their cycle time,
    /// and those accepted with no proposed version on record.
    fn cycle_times(
        &mut self,
        steps: &[Step],
        dir: &str,
        rel_dir: &str,
        start: NaiveDate,
        since_commit: Option<ObjectId>,
    ) -> Result<(Vec<DecisionCycle>, Vec<String>), HistoryError> {
        let mut tracks: HashMap<String, Track> = HashMap::new();
        let mut last: HashMap<String, ObjectId> = HashMap::new();
        let mut last_dir: Option<Option<ObjectId>> = None;
        let mut out = Vec::new();
        let mut unproposed = Vec::new();
        for step in steps {
            let sub = self.subtree(step.tree, dir)?;
            if last_dir == Some(sub) {
                continue;
            }
            last_dir = Some(sub);
            // The baseline is the state the window starts from: what is
            // accepted there was accepted before the window.
            let baseline = step.date < start || Some(step.id) == since_commit;
            let files = match sub {
                Some(_) => self.adr_files(step.tree, dir, rel_dir)?,
                None => Vec::new(),
            };
            for (path, id) in files {
                if last.get(&path) == Some(&id) {
                    continue;
                }
                last.insert(path.clone(), id);
                let Some(a) = self.adr(&path, id, step.id)? else {
                    continue;
                };
                let v = Version {
                    id: a.id(),
                    status: a.status.as_ref().map(|s| s.value),
                    date: a.date.as_ref().map(|d| d.value),
                };
                let t = tracks.entry(path.clone()).or_default();
                t.id = v.id.clone();
                match v.status {
                    Some(AdrStatus::Proposed | AdrStatus::Draft) => {
                        let written = v.date.filter(|d| *d <= step.date);
                        let first = written.map_or(step.date, |w| w.min(step.date));
                        t.proposed = Some(t.proposed.map_or(first, |p| p.min(first)));
                        t.proposed_written = v.date;
                    }
                    Some(AdrStatus::Accepted) if !t.accepted => {
                        t.accepted = true;
                        if baseline {
                            continue;
                        }
                        match t.proposed {
                            Some(p) => {
                                // A date rewritten on acceptance is the decision's
                                // day; one left as proposed says nothing.
                                let accepted = v
                                    .date
                                    .filter(|d| {
                                        Some(*d) != t.proposed_written && *d >= p && *d <= step.date
                                    })
                                    .unwrap_or(step.date);
                                out.push(DecisionCycle {
                                    id: v.id.clone(),
                                    file: path.clone(),
                                    proposed: p,
                                    accepted,
                                    days: (accepted - p).num_days(),
                                });
                            }
                            None => unproposed.push(v.id.clone()),
                        }
                    }
                    _ => {}
                }
            }
        }
        out.sort_by(|a, b| (a.accepted, &a.id).cmp(&(b.accepted, &b.id)));
        Ok((out, unproposed))
    }
}

/// A table of the trend: one row per point, one column per file KPI.
pub fn trend_table(h: &History, markdown: bool) -> String {
    let ids: Vec<&str> = h
        .points
        .first()
        .map(|p| p.kpis.iter().map(|k| k.id).collect())
        .unwrap_or_default();
    let mut s = String::new();
    if markdown {
        s.push_str(&format!("| date | commit | {} |\n", ids.join(" | ")));
        s.push_str(&format!("|---|---|{}\n", "---|".repeat(ids.len())));
    } else {
        s.push_str(&format!("{:<10} {:<12}", "DATE", "COMMIT"));
        for id in &ids {
            s.push_str(&format!(" {:>w$}", id, w = id.len().max(8)));
        }
        s.push('\n');
    }
    for p in &h.points {
        if markdown {
            let vals: Vec<String> = p.kpis.iter().map(|k| kpi::show(k.value, k.unit)).collect();
            s.push_str(&format!(
                "| {} | {} | {} |\n",
                p.date,
                p.commit,
                vals.join(" | ")
            ));
        } else {
            s.push_str(&format!("{:<10} {:<12}", p.date.to_string(), p.commit));
            for k in &p.kpis {
                s.push_str(&format!(
                    " {:>w$}",
                    kpi::show(k.value, k.unit),
                    w = k.id.len().max(8)
                ));
            }
            s.push('\n');
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn day(s: &str) -> NaiveDate {
        archgate_model::vocab::parse_date(s).unwrap()
    }

    /// A repository built with the git CLI (test set-up only; archgate
    /// itself reads it with gix). `ws` is the workspace inside it.
    struct Repo {
        dir: tempfile::TempDir,
    }

    impl Repo {
        fn new() -> Repo {
            let dir = tempfile::tempdir().unwrap();
            let r = Repo { dir };
            r.git(&["init", "-q", "-b", "main"], "2025-01-01");
            r
        }

        fn git(&self, args: &[&str], date: &str) {
            let stamp = format!("{date}T12:00:00+00:00");
            let out = Command::new("git")
                .current_dir(self.dir.path())
                .env("GIT_AUTHOR_DATE", &stamp)
                .env("GIT_COMMITTER_DATE", &stamp)
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
                .args(args)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }

        fn write(&self, path: &str, text: &str) {
            let p = self.dir.path().join("ws").join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }

        fn commit(&self, date: &str) {
            self.git(&["add", "-A"], date);
            self.git(&["commit", "-q", "--allow-empty", "-m", date], date);
        }

        fn ws(&self) -> std::path::PathBuf {
            self.dir.path().join("ws")
        }
    }

    fn madr(status: &str, date: &str, title: &str) -> String {
        format!("---\nstatus: {status}\ndate: {date}\n---\n# {title}\n\n## Context and Problem Statement\n\nx\n\n## Decision Outcome\n\ny\n")
    }

    const XS: &str = "apiVersion: archgate.dev/v1alpha1\nkind: Exception\nmetadata: {name: a}\nspec:\n  rules: [X]\n  justification: j\n  compensatingControls: [c]\n  requester: r\n  approver: p\n  created: 2025-12-01\n  expires: 2026-02-01\n";

    fn paths() -> Paths {
        Paths {
            adr: "docs/adr".into(),
            exceptions: "exceptions".into(),
            catalog: "catalog".into(),
        }
    }

    #[test]
    fn cycle_times_and_trend_from_history() {
        let r = Repo::new();
        // Before the window: 0001 accepted, 0002 proposed.
        r.write("docs/adr/0001-a.md", &madr("accepted", "2025-06-01", "A"));
        r.write("docs/adr/0002-b.md", &madr("proposed", "2025-11-20", "B"));
        r.write("docs/adr/README.md", "# Decisions\n");
        r.commit("2025-11-25");
        // In the window: 0002 accepted with its date rewritten; 0003
        // proposed then accepted with the date left as proposed; 0004
        // appears accepted.
        r.write("docs/adr/0003-c.md", &madr("proposed", "2026-01-05", "C"));
        r.write("exceptions/a.yaml", XS);
        r.commit("2026-01-06");
        r.write("docs/adr/0002-b.md", &madr("accepted", "2026-01-10", "B"));
        r.commit("2026-01-12");
        r.write("docs/adr/0003-c.md", &madr("accepted", "2026-01-05", "C"));
        r.write("docs/adr/0004-d.md", &madr("accepted", "2026-02-01", "D"));
        r.commit("2026-02-03");
        // A change outside the governance files.
        r.write("infra/main.tf", "# nothing\n");
        r.commit("2026-02-10");

        let today = day("2026-04-15");
        let h = read(
            &r.ws(),
            &paths(),
            &Since::parse("2025-12-01", today),
            today,
            &[],
            Want::Trend,
        )
        .unwrap();
        assert_eq!(h.since, day("2025-12-01"));
        assert_eq!(h.commits, 5);
        let got: Vec<(&str, NaiveDate, NaiveDate, i64)> = h
            .decisions
            .iter()
            .map(|d| (d.id.as_str(), d.proposed, d.accepted, d.days))
            .collect();
        assert_eq!(
            got,
            vec![
                ("ADR-0002", day("2025-11-20"), day("2026-01-10"), 51),
                ("ADR-0003", day("2026-01-05"), day("2026-02-03"), 29),
            ]
        );
        assert_eq!(h.accepted_unproposed, vec!["ADR-0004".to_string()]);
        assert!(h.skipped.is_empty(), "{:?}", h.skipped);
        let c = h.cycle_times();
        assert_eq!(c.window, "since 2025-12-01");

        // Monthly points from 2025-12-01, then today.
        let dates: Vec<String> = h.points.iter().map(|p| p.date.to_string()).collect();
        assert_eq!(
            dates,
            vec![
                "2025-12-01",
                "2026-01-01",
                "2026-02-01",
                "2026-03-01",
                "2026-04-01",
                "2026-04-15"
            ]
        );
        let value = |i: usize, id: &str| {
            h.points[i]
                .kpis
                .iter()
                .find(|k| k.id == id)
                .and_then(|k| k.value)
        };
        // The exception exists from 2026-01-06 and expires 2026-02-01.
        assert_eq!(value(0, "exceptions-in-force"), Some(0.0));
        assert_eq!(value(1, "exceptions-in-force"), Some(0.0));
        assert_eq!(value(2, "exceptions-in-force"), Some(1.0));
        assert_eq!(value(3, "exceptions-expired-share"), Some(1.0));
        // 0002 was an open proposal at the start; on 2026-02-01 (commit of
        // 2026-01-12) 0003 was, and 0004 did not exist yet.
        let stale = |i: usize| {
            h.points[i]
                .kpis
                .iter()
                .find(|k| k.id == "stale-proposals")
                .map(|k| k.basis.clone())
                .unwrap()
        };
        assert!(
            stale(0).starts_with("0 of 1 open proposals, 2 decisions"),
            "{}",
            stale(0)
        );
        assert!(
            stale(2).starts_with("0 of 1 open proposals, 3 decisions"),
            "{}",
            stale(2)
        );
        assert!(
            stale(3).starts_with("0 of 0 open proposals, 4 decisions"),
            "{}",
            stale(3)
        );
        let table = trend_table(&h, false);
        assert!(table.starts_with("DATE       COMMIT"), "{table}");
        assert_eq!(table.lines().count(), 7, "{table}");

        // A window up to 120 days long has weekly points.
        let short_window = read(
            &r.ws(),
            &paths(),
            &Since::parse("30d", today),
            today,
            &[],
            Want::Trend,
        )
        .unwrap();
        let dates: Vec<String> = short_window
            .points
            .iter()
            .map(|p| p.date.to_string())
            .collect();
        assert_eq!(
            dates,
            vec![
                "2026-03-16",
                "2026-03-23",
                "2026-03-30",
                "2026-04-06",
                "2026-04-13",
                "2026-04-15"
            ]
        );
        assert!(short_window.decisions.is_empty());

        // From a commit: the window starts after it.
        let second = h.points[2].commit.clone();
        let h2 = read(
            &r.ws(),
            &paths(),
            &Since::Commit(second[..8].to_string()),
            today,
            &[],
            Want::CycleTimes,
        )
        .unwrap();
        assert_eq!(h2.since_commit.as_deref(), Some(second.as_str()));
        assert_eq!(h2.since, day("2026-01-12"));
        assert_eq!(h2.commits, 3);
        assert!(h2.points.is_empty());
        let ids: Vec<&str> = h2.decisions.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, vec!["ADR-0003"]);
        // A branch name works too.
        let h3 = read(
            &r.ws(),
            &paths(),
            &Since::Commit("main".into()),
            today,
            &[],
            Want::CycleTimes,
        )
        .unwrap();
        assert_eq!(h3.commits, 1);
    }

    #[test]
    fn errors_name_the_problem() {
        let today = day("2026-03-01");
        let d = tempfile::tempdir().unwrap();
        let e = read(
            d.path(),
            &paths(),
            &Since::Date(today),
            today,
            &[],
            Want::Trend,
        )
        .unwrap_err();
        assert!(matches!(e, HistoryError::NotARepository(_)), "{e}");
        let r = Repo::new();
        r.write("docs/adr/0001-a.md", &madr("accepted", "2025-06-01", "A"));
        r.commit("2025-11-25");
        let e = read(
            &r.ws(),
            &paths(),
            &Since::Commit("deadbeef".into()),
            today,
            &[],
            Want::Trend,
        )
        .unwrap_err();
        assert!(e.to_string().contains("no such commit"), "{e}");
        let e = read(
            &r.ws(),
            &paths(),
            &Since::Commit("last-tuesday".into()),
            today,
            &[],
            Want::Trend,
        )
        .unwrap_err();
        assert!(e.to_string().contains("not a date"), "{e}");
        // Non-UTF-8 and unparsable files at a past commit are skipped, not fatal.
        r.write("docs/adr/0002-b.md", "---\nstatus: [\n---\n");
        r.write("exceptions/x.yaml", "\u{0}\u{1}");
        std::fs::write(r.ws().join("exceptions/y.yaml"), [0xff, 0xfe, 0x00]).unwrap();
        r.commit("2026-01-02");
        let h = read(
            &r.ws(),
            &paths(),
            &Since::parse("1y", today),
            today,
            &[],
            Want::Trend,
        )
        .unwrap();
        assert!(
            h.skipped
                .iter()
                .any(|s| s.starts_with("docs/adr/0002-b.md@")),
            "{:?}",
            h.skipped
        );
        assert!(
            h.skipped
                .iter()
                .any(|s| s.starts_with("exceptions/y.yaml@")),
            "{:?}",
            h.skipped
        );
        assert_eq!(Since::parse("90d", today), Since::Date(day("2025-12-01")));
        assert!(!h.truncated);

        // A shallow clone: the walk ends where the objects do, and says so.
        r.write("docs/adr/0003-c.md", &madr("proposed", "2026-02-01", "C"));
        r.commit("2026-02-01");
        let shallow = tempfile::tempdir().unwrap();
        let url = format!("file://{}", r.dir.path().display());
        let out = Command::new("git")
            .args(["clone", "-q", "--depth", "2", &url])
            .arg(shallow.path().join("c"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let h = read(
            &shallow.path().join("c/ws"),
            &paths(),
            &Since::parse("1y", today),
            today,
            &[],
            Want::Trend,
        )
        .unwrap();
        assert!(h.truncated);
        assert_eq!(h.commits, 2);
    }
}
