//! Reading and parsing the files of one Terraform module directory, once,
//! plus a small process-wide cache of parsed directories.
//!
//! Why the cache: every directory is loaded as its own unit, and a module
//! such as terraform-aws-vpc's root is also called by each of its
//! examples (terraform-aws-eks's `_user_data` module by 31 callers);
//! without sharing, its files would be read and parsed once per caller
//! (3.5× the parsing on the terraform-aws-* corpora). Every directory
//! loaded goes into the cache, so a root module parsed as its own unit is
//! not parsed again when its examples call it. Entries are checked
//! against each file's size and modification time before reuse, so an
//! edited file is parsed again. The cache holds at most
//! [`SHARED_CACHE_BYTES`] of source text; when full, the least recently
//! used directories leave first. Units are scanned in path order, so the
//! modules a unit calls (usually beside or above it) are still there when
//! the next unit of the same repository calls them, and each file is read
//! and parsed once per scan unless the tree's working set is larger than
//! the cache.

use super::hcl::Body;
use crate::SourceFile;
use archgate_core::{InputError, LineIndex, Node, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

/// Files bigger than this are reported instead of parsed.
pub(crate) const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// Bracket nesting deeper than this is refused before parsing: the HCL
/// parser recurses and would otherwise overflow the stack on hostile input.
pub(crate) const MAX_NESTING: usize = 200;
/// Source bytes the shared cache may hold. A parsed file (source text,
/// line index and syntax tree) takes about 8 times its source size in
/// memory, and every byte of it is memory the kernel must hand out (and
/// zero) first. On the 5,000-file benchmark tree, 4 MiB instead of 1 MiB
/// raised the parse-only peak from 73 to 96 MiB and saved no time: units
/// are scanned in path order, so the modules a unit calls are still
/// cached when it calls them. 1 MiB holds terraform-aws-eks (0.5 MB, one
/// of the largest public modules) twice over; a tree whose shared modules
/// are larger than that still scans correctly, parsing some of them again.
pub(crate) const SHARED_CACHE_BYTES: usize = 1024 * 1024;

pub(crate) enum Content {
    Hcl(Body),
    Json(Node),
}

pub(crate) struct ParsedFile {
    pub path: String,
    pub text: Arc<str>,
    pub index: LineIndex,
    pub content: Content,
}

impl ParsedFile {
    pub fn src(&self) -> super::eval::Src<'_> {
        super::eval::Src::new(&self.text, &self.index)
    }
}

/// The parsed files of one directory, shared by every instance of it.
pub(crate) struct ModuleDir {
    pub files: Vec<ParsedFile>,
    /// `terraform.tfvars[.json]` then `*.auto.tfvars[.json]`, in the order
    /// Terraform applies them (later wins).
    pub tfvars: Vec<ParsedFile>,
    /// Every file read, also those that failed to parse.
    pub sources: Vec<SourceFile>,
    pub errors: Vec<InputError>,
    bytes: usize,
}

impl ModuleDir {
    /// A directory made of one in-memory file (tests, fuzzing).
    #[cfg(test)]
    pub fn from_text(path: &str, text: &str) -> ModuleDir {
        let text: Arc<str> = Arc::from(text);
        let mut md = ModuleDir {
            files: Vec::new(),
            tfvars: Vec::new(),
            sources: vec![SourceFile {
                path: path.to_string(),
                text: text.clone(),
            }],
            errors: Vec::new(),
            bytes: text.len(),
        };
        match parse_file(path.to_string(), text) {
            Ok(f) => md.files.push(f),
            Err(e) => md.errors.push(e),
        }
        md
    }
}

pub(crate) fn is_tfvars(name: &str) -> bool {
    name == "terraform.tfvars"
        || name == "terraform.tfvars.json"
        || name.ends_with(".auto.tfvars")
        || name.ends_with(".auto.tfvars.json")
}

fn file_path(dir: &str, name: &str) -> String {
    if dir == "." {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// The Terraform files of a directory in load order, with what identifies
/// their current contents (size, modification time).
struct Listing {
    names: Vec<String>,
    stamp: Vec<(u64, Option<SystemTime>)>,
    error: Option<InputError>,
}

fn list(root: &Path, dir: &str) -> Listing {
    let mut names = Vec::new();
    let mut error = None;
    match std::fs::read_dir(root.join(dir)) {
        Ok(entries) => {
            for entry in entries.flatten() {
                let Ok(name) = entry.file_name().into_string() else {
                    continue;
                };
                let wanted =
                    name.ends_with(".tf") || name.ends_with(".tf.json") || is_tfvars(&name);
                // The directory entry's type needs no extra system call;
                // only symbolic links are followed to see what they are.
                let is_file = match entry.file_type() {
                    Ok(t) if t.is_symlink() => entry.path().is_file(),
                    Ok(t) => t.is_file(),
                    Err(_) => false,
                };
                if wanted && is_file {
                    names.push(name);
                }
            }
        }
        Err(e) => {
            error = Some(
                InputError::whole_file(dir, format!("cannot read the directory: {e}"))
                    .expected("a readable Terraform module directory"),
            )
        }
    }
    names.sort();
    // Terraform applies terraform.tfvars first, then *.auto.tfvars in
    // lexical order.
    names.sort_by_key(|n| !n.starts_with("terraform.tfvars"));
    let stamp = names
        .iter()
        .map(|n| match std::fs::metadata(root.join(file_path(dir, n))) {
            Ok(m) => (m.len(), m.modified().ok()),
            Err(_) => (0, None),
        })
        .collect();
    Listing {
        names,
        stamp,
        error,
    }
}

type CacheKey = (PathBuf, String);
/// Name, size and modification time of each file of a directory.
type Stamp = Vec<(String, u64, Option<SystemTime>)>;

struct Entry {
    stamp: Stamp,
    md: Arc<ModuleDir>,
    /// [`SharedCache::clock`] at the last use, for least-recently-used eviction.
    used: u64,
}

#[derive(Default)]
struct SharedCache {
    dirs: HashMap<CacheKey, Entry>,
    bytes: usize,
    clock: u64,
}

impl SharedCache {
    fn get(&mut self, key: &CacheKey, stamp: &Stamp) -> Option<Arc<ModuleDir>> {
        self.clock += 1;
        let clock = self.clock;
        let e = self.dirs.get_mut(key)?;
        if e.stamp != *stamp {
            return None;
        }
        e.used = clock;
        Some(e.md.clone())
    }

    fn insert(&mut self, key: CacheKey, stamp: Stamp, md: Arc<ModuleDir>) {
        if let Some(old) = self.dirs.remove(&key) {
            self.bytes = self.bytes.saturating_sub(old.md.bytes);
        }
        // Evict least recently used directories until the new one fits.
        // The cache holds a few hundred directories at most, so a linear
        // search for the oldest is cheaper than keeping an ordered index.
        while self.bytes + md.bytes > SHARED_CACHE_BYTES {
            let Some(oldest) = self
                .dirs
                .iter()
                .min_by_key(|(_, e)| e.used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some(e) = self.dirs.remove(&oldest) {
                self.bytes = self.bytes.saturating_sub(e.md.bytes);
            }
        }
        self.clock += 1;
        self.bytes += md.bytes;
        self.dirs.insert(
            key,
            Entry {
                stamp,
                md,
                used: self.clock,
            },
        );
    }
}

fn shared() -> &'static Mutex<SharedCache> {
    static CACHE: OnceLock<Mutex<SharedCache>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(SharedCache::default()))
}

/// Reads and parses `dir` under `root`, or takes it from the process-wide
/// cache when no file of it changed since.
pub(crate) fn load_dir(root: &Path, dir: &str) -> Arc<ModuleDir> {
    let listing = list(root, dir);
    let stamp: Stamp = listing
        .names
        .iter()
        .zip(&listing.stamp)
        .map(|(n, (len, t))| (n.clone(), *len, *t))
        .collect();
    let cacheable = listing.error.is_none() && stamp.iter().all(|(_, _, t)| t.is_some());
    let key = (root.to_path_buf(), dir.to_string());
    if cacheable {
        if let Ok(mut cache) = shared().lock() {
            if let Some(md) = cache.get(&key, &stamp) {
                return md;
            }
        }
    }
    let md = Arc::new(read_dir(root, dir, listing));
    if cacheable && md.bytes <= SHARED_CACHE_BYTES {
        if let Ok(mut cache) = shared().lock() {
            cache.insert(key, stamp, md.clone());
        }
    }
    md
}

fn read_dir(root: &Path, dir: &str, listing: Listing) -> ModuleDir {
    let mut md = ModuleDir {
        files: Vec::new(),
        tfvars: Vec::new(),
        sources: Vec::new(),
        errors: listing.error.into_iter().collect(),
        bytes: 0,
    };
    for (name, (len, _)) in listing.names.iter().zip(&listing.stamp) {
        let path = file_path(dir, name);
        if *len > MAX_FILE_BYTES {
            md.errors.push(
                InputError::whole_file(&path, "file is too large to scan (over 32 MiB)")
                    .expected("a Terraform file under 32 MiB"),
            );
            continue;
        }
        let bytes = match std::fs::read(root.join(&path)) {
            Ok(b) => b,
            Err(e) => {
                md.errors
                    .push(InputError::whole_file(&path, format!("cannot read: {e}")));
                continue;
            }
        };
        md.bytes += bytes.len();
        let text: Arc<str> = match String::from_utf8(bytes) {
            Ok(s) => Arc::from(s),
            Err(e) => {
                md.errors
                    .push(utf8_error(&path, e.as_bytes(), e.utf8_error()));
                // Kept (lossily) so reports can still show the file.
                md.sources.push(SourceFile {
                    path,
                    text: Arc::from(String::from_utf8_lossy(e.as_bytes()).into_owned()),
                });
                continue;
            }
        };
        md.sources.push(SourceFile {
            path: path.clone(),
            text: text.clone(),
        });
        match parse_file(path, text) {
            Ok(f) if is_tfvars(name) => md.tfvars.push(f),
            Ok(f) => md.files.push(f),
            Err(e) => md.errors.push(e),
        }
    }
    md
}

fn utf8_error(path: &str, bytes: &[u8], e: std::str::Utf8Error) -> InputError {
    let valid = e.valid_up_to();
    let prefix = bytes
        .get(..valid)
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or_default();
    let (line, col) = LineIndex::new(prefix).locate(prefix, valid);
    InputError::new(
        path,
        line,
        col,
        format!("invalid UTF-8 at byte {valid}; the file was not parsed"),
    )
    .expected("a UTF-8 text file")
}

/// Byte offset where bracket nesting first exceeds [`MAX_NESTING`]. Counts
/// brackets everywhere (strings and comments too): a conservative, linear
/// pre-check, and no real file comes near the limit.
pub(crate) fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Parses one file (HCL, or JSON for `*.json`); syntax errors become
/// [`InputError`]s with line, column and what was expected.
pub(crate) fn parse_file(path: String, text: Arc<str>) -> Result<ParsedFile, InputError> {
    let index = LineIndex::new(&text);
    // Refused before the recursive parsers see it; the fast HCL parser
    // has its own (lower) limit and hands such files to hcl-edit, so the
    // check runs only for JSON and for what it hands over.
    let depth_error = || {
        too_deep(&text).map(|at| {
            let (line, col) = index.locate(&text, at);
            InputError::new(
                &path,
                line,
                col,
                format!("brackets nested more than {MAX_NESTING} levels deep"),
            )
            .expected("less deeply nested expressions")
        })
    };
    let content = if path.ends_with(".json") {
        if let Some(e) = depth_error() {
            return Err(e);
        }
        match crate::json::parse(&path, &text) {
            Ok(j) if matches!(j.value, Value::Map(_)) => Content::Json(j),
            Ok(j) => {
                return Err(InputError::new(&path, j.span.line, j.span.col, "not a Terraform JSON document")
                    .expected("a JSON object whose keys are block types (`resource`, `variable`, …) or variable names"));
            }
            Err(e) => return Err(e.expected("Terraform JSON syntax (a JSON object)")),
        }
    } else {
        let parsed = match super::hclparse::parse_body(&text) {
            Some(b) => Ok(b),
            None => {
                if let Some(e) = depth_error() {
                    return Err(e);
                }
                // hcl-edit reports the error, or reads what the fast
                // parser left to it (see `hcl`).
                hcl_edit::parser::parse_body(&text).map(|b| super::hcl::from_edit::body(&b))
            }
        };
        match parsed {
            Ok(b) => Content::Hcl(b),
            Err(e) => {
                // hcl-edit says "invalid <what>; expected <tokens>".
                let message = e.message();
                let (what, expected) = match message.split_once("expected ") {
                    Some((what, exp)) => (
                        what.trim_end_matches([';', ' ']).to_string(),
                        exp.to_string(),
                    ),
                    None => (message.to_string(), "valid HCL syntax".to_string()),
                };
                let what = if what.is_empty() {
                    "syntax error".to_string()
                } else {
                    what
                };
                let loc = e.location();
                return Err(InputError::new(
                    &path,
                    loc.line() as u32,
                    loc.column() as u32,
                    format!("HCL parse error: {what}"),
                )
                .expected(expected));
            }
        }
    };
    Ok(ParsedFile {
        path,
        text,
        index,
        content,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edited_files_are_parsed_again() {
        let root = std::env::temp_dir().join(format!("archgate-tf-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("m")).unwrap();
        std::fs::write(root.join("m/a.tf"), "locals {}\n").unwrap();
        let first = load_dir(&root, "m");
        let again = load_dir(&root, "m");
        assert!(Arc::ptr_eq(&first, &again), "unchanged directory is shared");
        std::fs::write(root.join("m/a.tf"), "locals { a = 1 }\n").unwrap();
        let edited = load_dir(&root, "m");
        assert_eq!(&*edited.sources[0].text, "locals { a = 1 }\n");
        let _ = std::fs::remove_dir_all(&root);
    }

    fn dir_of(bytes: usize) -> Arc<ModuleDir> {
        Arc::new(ModuleDir {
            files: Vec::new(),
            tfvars: Vec::new(),
            sources: Vec::new(),
            errors: Vec::new(),
            bytes,
        })
    }

    #[test]
    fn least_recently_used_directories_leave_first() {
        let mut cache = SharedCache::default();
        let key = |d: &str| (PathBuf::from("/r"), d.to_string());
        let third = SHARED_CACHE_BYTES / 3;
        cache.insert(key("a"), Vec::new(), dir_of(third));
        cache.insert(key("b"), Vec::new(), dir_of(third));
        cache.insert(key("c"), Vec::new(), dir_of(third));
        // `a` is used again, so `b` is the oldest when `d` needs room.
        assert!(cache.get(&key("a"), &Vec::new()).is_some());
        cache.insert(key("d"), Vec::new(), dir_of(third));
        assert!(cache.get(&key("b"), &Vec::new()).is_none());
        for kept in ["a", "c", "d"] {
            assert!(cache.get(&key(kept), &Vec::new()).is_some(), "{kept}");
        }
        assert!(cache.bytes <= SHARED_CACHE_BYTES);
        // A changed stamp is a miss.
        let stamp = vec![("x.tf".to_string(), 1, None)];
        assert!(cache.get(&key("a"), &stamp).is_none());
    }
}
