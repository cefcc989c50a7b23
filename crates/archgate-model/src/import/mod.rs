//! Importers: other tools' models turned into archgate workspace files.
//!
//! An importer returns the files to write (paths relative to the new
//! workspace and their text) and warnings about what it could not carry
//! over; writing them, and refusing to overwrite, is the caller's job.
//! Only [`threagile`] exists so far.

pub mod threagile;

use archgate_core::InputError;

/// What an import produced.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Imported {
    /// `(relative path, text)`, in a stable order.
    pub files: Vec<(String, String)>,
    /// What was changed or dropped on the way, one sentence each.
    pub warnings: Vec<String>,
}

/// An import that failed: every problem found, each with file, line and column.
pub type ImportErrors = Vec<InputError>;

/// A Backstage entity name from free text: lower-case runs of letters and
/// digits joined by single `-`, at most 63 characters ("x" if nothing is left).
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(ch.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    if out.len() > 63 {
        out.truncate(63);
        while out.ends_with('-') {
            out.pop();
        }
    }
    if out.is_empty() {
        out.push('x');
    }
    out
}

/// A YAML scalar for `text`: plain when that reads back as the same string,
/// else double-quoted with escapes.
pub fn yaml_str(text: &str) -> String {
    const WORDS: &[&str] = &[
        "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~",
    ];
    let plain = !text.is_empty()
        && text.len() <= 120
        && text.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && text.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '-' | '_' | '.' | '/' | ':' | ' ' | '@' | '>' | '*')
        })
        && !text.ends_with([':', ' '])
        && !text.contains(": ")
        && !text.contains(" #")
        && !WORDS.contains(&text.to_ascii_lowercase().as_str());
    if plain {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use archgate_core::yaml::parse_documents;

    #[test]
    fn slugs_are_valid_entity_names() {
        assert_eq!(slug("Company XYZ"), "company-xyz");
        assert_eq!(slug("  --Hello__World!! "), "hello-world");
        assert_eq!(slug("ÄÖÜ"), "x");
        let long = slug(&"ab-".repeat(40));
        assert!(long.len() <= 63 && !long.ends_with('-'));
        assert!(crate::reference::is_valid_name(&long));
    }

    #[test]
    fn yaml_strings_round_trip() {
        for s in [
            "plain text",
            "component:customer-client",
            "true",
            "123",
            "a: b",
            "x #y",
            "quote \" and \\ back",
            "multi\nline\ttab\u{1}",
            "",
            "-dash",
            "ümlaut",
            "trailing:",
            "sql-nosql-injection@db@api>db-access",
            "missing-waf@*",
        ] {
            let doc = format!("k: {}\n", yaml_str(s));
            let parsed = parse_documents(&doc).unwrap();
            let v = parsed[0]
                .get("k")
                .and_then(|n| n.as_str())
                .map(str::to_string);
            assert_eq!(v.as_deref(), Some(s), "{doc}");
        }
    }
}
