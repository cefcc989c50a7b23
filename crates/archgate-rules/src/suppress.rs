//! Inline suppressions, honoured as their tools write them. All are read
//! from the text already loaded for the unit (no second parse):
//!
//! | comment | where it counts |
//! |---|---|
//! | `#checkov:skip=<ID>:<reason>` | inside the resource's lines, or in the comment lines right above it |
//! | `#trivy:ignore:<ID>[:exp:YYYY-MM-DD]`, `#tfsec:ignore:<ID>` | comment lines right above the resource or the offending line, or at the end of that line |
//! | `# kics-scan ignore-line` | the line below |
//! | `# kics-scan ignore-block` | the resource starting (or the line) below |
//! | `# kics-scan ignore` / `# kics-scan disable=<id,…>` | the whole file / those ids in the file |
//! | `# archgate:ignore <ID> reason="…" until=YYYY-MM-DD` | above the resource or the offending line, or inside the resource |
//!
//! Plus Kubernetes annotations `checkov.io/skip<N>: <ID>=<reason>` and
//! CloudFormation `Metadata: {checkov: {skip: [{id, comment}]}}`; a comment
//! on a Terraform `module` call covers what the module creates (applied by
//! the engine). `<ID>` may
//! be the archgate id or any alias (Checkov, Trivy with or without `AVD-`,
//! KICS). An `until` date in the past stops the suppression.

use archgate_core::{Node, RuleMeta, Span, Suppression};

/// What a directive says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirectiveKind {
    CheckovSkip,
    TrivyIgnore,
    KicsIgnoreLine,
    KicsIgnoreBlock,
    KicsIgnoreFile,
    KicsDisable,
    ArchgateIgnore,
}

/// One suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// 1-based line of the comment.
    pub line: u32,
    pub kind: DirectiveKind,
    /// Rule ids it names; empty for KICS line/block/file ignores (every rule).
    pub ids: Vec<String>,
    pub reason: Option<String>,
    pub until: Option<String>,
    /// The comment as written.
    pub text: String,
}

/// The directives of one file and which of its lines are comment-only.
#[derive(Debug, Default)]
pub struct FileDirectives {
    directives: Vec<Directive>,
    /// `comment_line[i]`: line i+1 holds only a comment.
    comment_line: Vec<bool>,
}

/// Result of looking up a finding's suppression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    None,
    Suppressed(Suppression),
    /// A matching directive whose `until` has passed (line, until).
    Expired(u32, String),
}

const MARKERS: [&str; 5] = [
    "checkov:skip",
    "trivy:ignore",
    "tfsec:ignore",
    "kics-scan",
    "archgate:ignore",
];

impl FileDirectives {
    /// Reads every suppression comment of a file.
    pub fn parse(text: &str) -> FileDirectives {
        let mut out = FileDirectives::default();
        // Most files suppress nothing: then no line needs looking at (the
        // comment lines only matter for finding directives above a line).
        if !MARKERS.iter().any(|m| text.contains(m)) {
            return out;
        }
        for (i, line) in text.lines().enumerate() {
            let t = line.trim_start();
            out.comment_line
                .push(t.starts_with('#') || t.starts_with("//"));
            if let Some(d) = parse_line(line, i as u32 + 1) {
                out.directives.push(d);
            }
        }
        out
    }

    pub fn directives(&self) -> &[Directive] {
        &self.directives
    }

    fn is_comment(&self, line: u32) -> bool {
        line >= 1
            && self
                .comment_line
                .get(line as usize - 1)
                .copied()
                .unwrap_or(false)
    }

    /// Directives on the comment lines directly above `line`, or on `line` itself.
    fn near(&self, line: u32) -> impl Iterator<Item = &Directive> {
        let mut first = line;
        while first > 1 && self.is_comment(first - 1) {
            first -= 1;
        }
        self.directives
            .iter()
            .filter(move |d| d.line >= first && d.line <= line)
    }

    /// The suppression that applies to a finding of `meta` on a resource
    /// spanning `resource` whose location is on `line`. `today` is YYYY-MM-DD.
    pub fn verdict(&self, meta: &RuleMeta, resource: Span, line: u32, today: &str) -> Verdict {
        let (rs, re) = (resource.line, resource.end_line.max(resource.line));
        let mut expired = None;
        for d in &self.directives {
            let names = d.ids.is_empty() || d.ids.iter().any(|i| id_matches(meta, i));
            if !names {
                continue;
            }
            let inside = d.line >= rs && d.line <= re;
            let placed = match d.kind {
                DirectiveKind::KicsIgnoreFile | DirectiveKind::KicsDisable => true,
                DirectiveKind::CheckovSkip => inside || self.near(rs).any(|x| x == d),
                DirectiveKind::TrivyIgnore | DirectiveKind::KicsIgnoreBlock => {
                    self.near(rs).any(|x| x == d) || self.near(line).any(|x| x == d)
                }
                DirectiveKind::KicsIgnoreLine => self.near(line).any(|x| x == d) && d.line < line,
                DirectiveKind::ArchgateIgnore => {
                    inside || self.near(rs).any(|x| x == d) || self.near(line).any(|x| x == d)
                }
            };
            if !placed {
                continue;
            }
            if let Some(until) = &d.until {
                if !valid_date(until) || until.as_str() < today {
                    expired = Some(Verdict::Expired(d.line, until.clone()));
                    continue;
                }
            }
            return Verdict::Suppressed(Suppression {
                kind: "inline".into(),
                by: None,
                reason: d.reason.clone(),
                until: d.until.clone(),
                // The comment itself when it gives no reason, else just where it is.
                source: Some(match d.reason {
                    Some(_) => format!("comment at line {}", d.line),
                    None => format!("`{}` at line {}", d.text.trim(), d.line),
                }),
            });
        }
        expired.unwrap_or(Verdict::None)
    }
}

fn valid_date(s: &str) -> bool {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// True when `id` names the rule: its id or an alias, case-insensitively;
/// Trivy ids with or without `AVD-`; `*`/`all` name every rule.
pub fn id_matches(meta: &RuleMeta, id: &str) -> bool {
    let id = id.trim();
    if id == "*" || id.eq_ignore_ascii_case("all") {
        return true;
    }
    if meta.answers_to(id) {
        return true;
    }
    let strip = |s: &str| -> String {
        let u = s.to_ascii_uppercase();
        u.strip_prefix("AVD-").map(str::to_string).unwrap_or(u)
    };
    let want = strip(id);
    meta.aliases.iter().any(|a| strip(a) == want)
}

/// The comment part of a line (after `#` or `//`), if the marker is in it.
fn comment_of(line: &str) -> Option<&str> {
    let hash = line.find('#');
    let slashes = line.find("//");
    let start = match (hash, slashes) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => return None,
    };
    Some(&line[start..])
}

fn parse_line(line: &str, no: u32) -> Option<Directive> {
    let c = comment_of(line)?;
    let text = c.trim().to_string();
    let make = |kind, ids: Vec<String>, reason: Option<String>, until: Option<String>| Directive {
        line: no,
        kind,
        ids,
        reason,
        until,
        text: text.clone(),
    };
    if let Some(pos) = c.find("checkov:skip=") {
        let rest = &c[pos + "checkov:skip=".len()..];
        let (ids, reason) = match rest.split_once(':') {
            Some((i, r)) => (i, Some(r.trim().to_string()).filter(|r| !r.is_empty())),
            None => (rest, None),
        };
        let ids = ids
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        return Some(make(DirectiveKind::CheckovSkip, ids, reason, None));
    }
    for marker in ["trivy:ignore:", "tfsec:ignore:"] {
        if let Some(pos) = c.find(marker) {
            let rest = c[pos + marker.len()..]
                .split_whitespace()
                .next()
                .unwrap_or("");
            let mut parts = rest.split(':');
            let id = parts.next().unwrap_or("").trim_end_matches(']').to_string();
            let mut until = None;
            while let Some(p) = parts.next() {
                if p == "exp" {
                    until = parts.next().map(str::to_string);
                }
            }
            if id.is_empty() {
                return None;
            }
            return Some(make(DirectiveKind::TrivyIgnore, vec![id], None, until));
        }
    }
    if let Some(pos) = c.find("kics-scan") {
        let rest = c[pos + "kics-scan".len()..].trim();
        if rest.starts_with("ignore-line") {
            return Some(make(DirectiveKind::KicsIgnoreLine, Vec::new(), None, None));
        }
        if rest.starts_with("ignore-block") {
            return Some(make(DirectiveKind::KicsIgnoreBlock, Vec::new(), None, None));
        }
        if let Some(list) = rest.strip_prefix("disable=") {
            let ids = list
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            return Some(make(DirectiveKind::KicsDisable, ids, None, None));
        }
        if rest == "ignore" {
            return Some(make(DirectiveKind::KicsIgnoreFile, Vec::new(), None, None));
        }
        return None;
    }
    if let Some(pos) = c.find("archgate:ignore") {
        let rest = c[pos + "archgate:ignore".len()..].trim_start_matches([' ', '=', ':']);
        let (ids_part, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let ids: Vec<String> = ids_part
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if ids.is_empty() {
            return None;
        }
        let reason = quoted_value(tail, "reason=");
        let until = tail
            .split_whitespace()
            .find_map(|w| w.strip_prefix("until="))
            .map(|s| s.trim_matches(['"', '\'']).to_string());
        return Some(make(DirectiveKind::ArchgateIgnore, ids, reason, until));
    }
    None
}

/// `key="value with spaces"` or `key=word`.
fn quoted_value(text: &str, key: &str) -> Option<String> {
    let pos = text.find(key)?;
    let rest = &text[pos + key.len()..];
    if let Some(q) = rest.strip_prefix('"') {
        return q.split_once('"').map(|(v, _)| v.to_string());
    }
    rest.split_whitespace().next().map(str::to_string)
}

/// Kubernetes `metadata.annotations` `checkov.io/skip<N>: <ID>[=<reason>]`.
pub fn annotation_skips(body: &Node) -> Vec<(String, Option<String>, String)> {
    let mut out = Vec::new();
    let Some(ann) = body.path("metadata.annotations").and_then(Node::as_map) else {
        return out;
    };
    for (k, v) in ann {
        if !k.name.starts_with("checkov.io/skip") {
            continue;
        }
        let Some(text) = v.as_str() else { continue };
        let (id, reason) = match text.split_once('=') {
            Some((i, r)) => (
                i.trim(),
                Some(r.trim().to_string()).filter(|r| !r.is_empty()),
            ),
            None => (text.trim(), None),
        };
        out.push((id.to_string(), reason, format!("{}: {}", k.name, text)));
    }
    out
}

/// CloudFormation `Metadata.checkov.skip` entries (`id`, `comment`) found in
/// the resource's own lines of text (the resource body holds only
/// `Properties`).
pub fn cfn_metadata_skips(lines: &str) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    if !lines.contains("checkov") || !lines.contains("skip") {
        return out;
    }
    let mut in_checkov = false;
    // The value after `key:` / `"key":` at the start of `t` or after a comma.
    fn value_after(t: &str, key: &str) -> Option<String> {
        for k in [format!("\"{key}\""), key.to_string()] {
            let at = if t.starts_with(&k) {
                Some(0)
            } else {
                t.find(&format!(", {k}")).map(|p| p + 2)
            };
            if let Some(pos) = at {
                let rest = t[pos + k.len()..].trim_start();
                if let Some(v) = rest.strip_prefix(':') {
                    return Some(v.trim().to_string());
                }
            }
        }
        None
    }
    let unquote = |v: &str| v.trim().trim_matches(['"', '\'']).to_string();
    for line in lines.lines() {
        let t = line
            .trim()
            .trim_start_matches("- ")
            .trim_start_matches('{')
            .trim();
        if t.starts_with("checkov:") || t.contains("\"checkov\"") {
            in_checkov = true;
        }
        if !in_checkov {
            continue;
        }
        let comment = value_after(t, "comment")
            .map(|c| unquote(c.trim_end_matches([',', '}', ']', ' '])))
            .filter(|c| !c.is_empty());
        if let Some(id) = value_after(t, "id") {
            let id = unquote(id.split([',', '}']).next().unwrap_or(""));
            if !id.is_empty() {
                out.push((id, comment));
            }
        } else if let Some(c) = comment {
            if let Some(last) = out.last_mut() {
                if last.1.is_none() {
                    last.1 = Some(c);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use archgate_core::{FindingKind, RuleDoc, Severity};

    fn meta() -> RuleMeta {
        RuleMeta {
            id: "AG-AWS-S3-002".into(),
            title: "t".into(),
            severity: Severity::High,
            provider: "aws".into(),
            kind: FindingKind::Iac,
            resource_kinds: vec![],
            aliases: vec!["CKV_AWS_21".into(), "AVD-AWS-0090".into()],
            controls: vec![],
            doc: RuleDoc::default(),
        }
    }

    fn span(line: u32, end_line: u32) -> Span {
        Span {
            line,
            end_line,
            ..Span::default()
        }
    }

    fn verdict(text: &str, rs: u32, re: u32, line: u32) -> Verdict {
        FileDirectives::parse(text).verdict(&meta(), span(rs, re), line, "2026-01-01")
    }

    fn suppressed(v: &Verdict) -> bool {
        matches!(v, Verdict::Suppressed(_))
    }

    #[test]
    fn checkov_skip_inside_the_resource() {
        let t = "resource \"a\" \"b\" {\n  #checkov:skip=CKV_AWS_21:versioning is handled by backup\n}\nresource \"a\" \"c\" {\n}\n";
        let v = verdict(t, 1, 3, 1);
        let Verdict::Suppressed(s) = v else {
            panic!("not suppressed")
        };
        assert_eq!(s.reason.as_deref(), Some("versioning is handled by backup"));
        assert_eq!(s.kind, "inline");
        assert!(
            !suppressed(&verdict(t, 4, 5, 4)),
            "other resources are not skipped"
        );
        let other = "resource \"a\" \"b\" {\n  #checkov:skip=CKV_AWS_20:x\n}\n";
        assert!(
            !suppressed(&verdict(other, 1, 3, 1)),
            "another id does not skip"
        );
    }

    #[test]
    fn trivy_ignore_above_with_and_without_avd_prefix_and_expiry() {
        assert!(suppressed(&verdict(
            "#trivy:ignore:AVD-AWS-0090\nresource \"a\" \"b\" {\n}\n",
            2,
            3,
            2
        )));
        assert!(suppressed(&verdict(
            "# tfsec:ignore:aws-0090\nresource \"a\" \"b\" {\n}\n",
            2,
            3,
            2
        )));
        assert!(suppressed(&verdict(
            "#trivy:ignore:AWS-0090\n# another comment\nresource \"a\" \"b\" {\n}\n",
            3,
            4,
            3
        )));
        assert!(
            !suppressed(&verdict(
                "#trivy:ignore:AWS-0090\n\nresource \"a\" \"b\" {\n}\n",
                3,
                4,
                3
            )),
            "a blank line breaks the run"
        );
        let v = verdict(
            "#trivy:ignore:AWS-0090:exp:2025-06-01\nresource \"a\" \"b\" {\n}\n",
            2,
            3,
            2,
        );
        assert_eq!(v, Verdict::Expired(1, "2025-06-01".into()));
        // Above the offending line inside the block.
        assert!(suppressed(&verdict(
            "resource \"a\" \"b\" {\n  #trivy:ignore:CKV_AWS_21\n  acl = \"x\"\n}\n",
            1,
            4,
            3
        )));
    }

    #[test]
    fn kics_line_block_and_file() {
        assert!(suppressed(&verdict(
            "a: 1\n# kics-scan ignore-line\nb: 2\n",
            1,
            3,
            3
        )));
        assert!(!suppressed(&verdict(
            "# kics-scan ignore-line\na: 1\nb: 2\n",
            2,
            3,
            3
        )));
        assert!(suppressed(&verdict(
            "# kics-scan ignore-block\nresource \"a\" \"b\" {\n  x = 1\n}\n",
            2,
            4,
            3
        )));
        assert!(suppressed(&verdict(
            "# kics-scan ignore\nresource \"a\" \"b\" {\n}\n",
            2,
            3,
            2
        )));
        assert!(suppressed(&verdict(
            "# kics-scan disable=ckv_aws_21\nresource \"a\" \"b\" {\n}\n",
            2,
            3,
            2
        )));
        assert!(!suppressed(&verdict(
            "# kics-scan disable=other\nresource \"a\" \"b\" {\n}\n",
            2,
            3,
            2
        )));
    }

    #[test]
    fn archgate_ignore_with_reason_and_until() {
        let t = "# archgate:ignore AG-AWS-S3-002 reason=\"backups cover it\" until=2026-03-31\nresource \"a\" \"b\" {\n}\n";
        let Verdict::Suppressed(s) = verdict(t, 2, 3, 2) else {
            panic!("not suppressed")
        };
        assert_eq!(s.reason.as_deref(), Some("backups cover it"));
        assert_eq!(s.until.as_deref(), Some("2026-03-31"));
        let expired = FileDirectives::parse(t).verdict(&meta(), span(2, 3), 2, "2026-04-01");
        assert_eq!(expired, Verdict::Expired(1, "2026-03-31".into()));
        let inside = "resource \"a\" \"b\" {\n  // archgate:ignore CKV_AWS_21 reason=ok\n}\n";
        assert!(suppressed(&verdict(inside, 1, 3, 1)));
        let bad_date = "# archgate:ignore AG-AWS-S3-002 until=someday\nresource \"a\" \"b\" {\n}\n";
        assert!(matches!(verdict(bad_date, 2, 3, 2), Verdict::Expired(..)));
    }

    #[test]
    fn cloudformation_metadata_and_annotations() {
        let cfn = "  Data:\n    Type: AWS::S3::Bucket\n    Metadata:\n      checkov:\n        skip:\n          - id: CKV_AWS_21\n            comment: archived data\n";
        assert_eq!(
            cfn_metadata_skips(cfn),
            vec![("CKV_AWS_21".to_string(), Some("archived data".to_string()))]
        );
        let json = "\"Metadata\": {\"checkov\": {\"skip\": [\n {\"id\": \"CKV_AWS_18\",\n \"comment\": \"logs\"}]}}";
        assert_eq!(
            cfn_metadata_skips(json),
            vec![("CKV_AWS_18".to_string(), Some("logs".to_string()))]
        );
        let doc = &archgate_core::yaml::parse_documents(
            "metadata:\n  annotations:\n    checkov.io/skip1: CKV_K8S_20=needs it\n    other: x\n",
        )
        .unwrap()[0];
        let skips = annotation_skips(doc);
        assert_eq!(skips.len(), 1);
        assert_eq!(skips[0].0, "CKV_K8S_20");
        assert_eq!(skips[0].1.as_deref(), Some("needs it"));
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// No comment text, however malformed, panics the directive reader.
        #[test]
        fn directive_reader_never_panics(text in "(#|//| |checkov:skip=|trivy:ignore:|tfsec:ignore:|kics-scan |ignore-line|ignore-block|disable=|archgate:ignore |reason=\"|until=|exp:|[A-Z_0-9:,=\"é\n-]){0,40}") {
            let d = FileDirectives::parse(&text);
            let m = RuleMeta {
                id: "AG-X-001".into(),
                title: String::new(),
                severity: archgate_core::Severity::Low,
                provider: "aws".into(),
                kind: archgate_core::FindingKind::Iac,
                resource_kinds: vec![],
                aliases: vec!["CKV_X_1".into()],
                controls: vec![],
                doc: archgate_core::RuleDoc::default(),
            };
            for line in 0..5 {
                let _ = d.verdict(&m, Span { line, end_line: line + 2, ..Span::default() }, line + 1, "2026-01-01");
            }
            let _ = cfn_metadata_skips(&text);
        }
    }
}
