//! Reading the workspace's governance files: directory walks in a stable
//! order and UTF-8 text with located errors. Not a general file walker
//! (IaC discovery lives in archgate-iac).

use archgate_core::{InputError, LineIndex};
use std::path::Path;

/// Largest governance file read; a decision record or an exception is a few KB.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Files under `root/dir` (recursively, hidden entries skipped) whose names
/// end with one of `extensions`, as paths relative to `root` with `/`
/// separators, sorted. A missing directory yields nothing.
pub fn list(root: &Path, dir: &str, extensions: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let base = dir.trim_end_matches('/');
    walk(root, base, extensions, &mut out, 0);
    out.sort();
    out
}

fn walk(root: &Path, rel: &str, extensions: &[&str], out: &mut Vec<String>, depth: usize) {
    // Symlink loops and absurd trees end here rather than in a stack overflow.
    if depth > 32 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let child = if rel.is_empty() || rel == "." {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(root, &child, extensions, out, depth + 1),
            Ok(_) if extensions.iter().any(|e| name.ends_with(e)) => out.push(child),
            _ => {}
        }
    }
}

/// Reads `root/rel` as UTF-8 text; errors name `rel`.
pub fn read_text(root: &Path, rel: &str) -> Result<String, InputError> {
    let path = root.join(rel);
    match std::fs::metadata(&path) {
        Ok(m) if m.len() > MAX_FILE_BYTES => {
            return Err(InputError::whole_file(
                rel,
                format!("file is {} bytes, too large", m.len()),
            )
            .expected(format!("a text file under {MAX_FILE_BYTES} bytes")))
        }
        _ => {}
    }
    let bytes = std::fs::read(&path)
        .map_err(|e| InputError::whole_file(rel, format!("cannot read file: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let valid = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
        let (line, col) = LineIndex::new(&valid).locate(&valid, at);
        InputError::new(rel, line, col, "invalid UTF-8 byte sequence").expected("a UTF-8 text file")
    })
}

/// Writes a new file, refusing to replace one that exists (`adr new`,
/// `exception new`): user files are never overwritten.
pub fn create_new(path: &Path, text: &str) -> Result<(), String> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                format!("{} already exists; nothing was written", path.display())
            }
            _ => format!("cannot create {}: {e}", path.display()),
        })?;
    f.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_sorted_and_skips_hidden() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("x/sub")).unwrap();
        std::fs::create_dir_all(d.path().join("x/.git")).unwrap();
        for f in [
            "x/b.yaml",
            "x/a.yml",
            "x/sub/c.yaml",
            "x/.git/d.yaml",
            "x/e.txt",
        ] {
            std::fs::write(d.path().join(f), "a: 1\n").unwrap();
        }
        assert_eq!(
            list(d.path(), "x", &[".yaml", ".yml"]),
            vec!["x/a.yml", "x/b.yaml", "x/sub/c.yaml"]
        );
        assert!(list(d.path(), "missing", &[".yaml"]).is_empty());
    }

    #[test]
    fn create_new_never_overwrites() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a/b.md");
        create_new(&p, "one").unwrap();
        let e = create_new(&p, "two").unwrap_err();
        assert!(e.contains("already exists"), "{e}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "one");
    }

    #[test]
    fn invalid_utf8_is_located() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("f.yaml"), b"a: 1\nb: \xff\n").unwrap();
        let e = read_text(d.path(), "f.yaml").unwrap_err();
        assert_eq!((e.line, e.col), (2, 4));
    }
}
