//! Runs a set of rules on one parsed unit: every resource meets only the
//! rules indexed under its kind (the index is built once per engine, not
//! per resource), condition rules and native checks alike, and each
//! finding gets its inline suppression, if any.
//!
//! Locations: a condition rule's finding points at the resource (its span
//! starts at the block header / document / logical id — the line Checkov
//! reports as `line_start`); a native check's finding points where the check
//! says (the offending block, statement or instruction).

use crate::cond::Kinds;
use crate::context::{Context, StrMap};
use crate::eval::{evaluate_keyed, kind_key, Outcome};
use crate::native::{self, CheckFn, Hit};
use crate::suppress::{annotation_skips, cfn_metadata_skips, id_matches, FileDirectives, Verdict};
use crate::Rule;
use archgate_core::hash::FxMap;
use archgate_core::{Finding, Location, Note, RuleMeta, Severity, Span, Suppression};
use archgate_iac::{ParsedUnit, Resource, SourceKind};
use std::borrow::Cow;

/// Most lines of a resource copied into a finding's snippet.
pub const SNIPPET_LINES: u32 = 15;

/// Which rules run (`--check`) and which are waived (`--skip-check`,
/// settings `skipChecks`). Entries are rule ids, aliases, Checkov-style
/// wildcards (`CKV_AWS_*`, `AG-K8S-*`) or a severity: `--check high` runs
/// rules of severity high and above, `--skip-check low` waives low and below.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub checks: Vec<String>,
    pub skip_checks: Vec<String>,
}

impl Selection {
    fn matches(pattern: &str, meta: &RuleMeta, at_least: bool) -> bool {
        let p = pattern.trim();
        if let Ok(sev) = p.parse::<Severity>() {
            if p.chars().all(|c| c.is_ascii_alphabetic()) {
                return if at_least {
                    meta.severity >= sev
                } else {
                    meta.severity <= sev
                };
            }
        }
        if p.contains('*') {
            let Ok(g) = globset::GlobBuilder::new(p).case_insensitive(true).build() else {
                return false;
            };
            let m = g.compile_matcher();
            return m.is_match(&meta.id) || meta.aliases.iter().any(|a| m.is_match(a));
        }
        id_matches(meta, p)
    }

    /// True when the rule runs at all.
    pub fn runs(&self, meta: &RuleMeta) -> bool {
        self.checks.is_empty()
            || self
                .checks
                .iter()
                .any(|c| Selection::matches(c, meta, true))
    }

    /// The skip entry that waives the rule.
    pub fn skipped_by(&self, meta: &RuleMeta) -> Option<&str> {
        self.skip_checks
            .iter()
            .find(|s| Selection::matches(s, meta, false))
            .map(String::as_str)
    }
}

struct Entry {
    rule: Cow<'static, Rule>,
    check: Option<CheckFn>,
    skipped_by: Option<String>,
    /// For a secret check that scans a resource's strings, the bit its
    /// strings must carry (see [`native::secrets::scan_bit`]): once the
    /// first secret check of a resource has found none carries it, the
    /// check is not called (it would return nothing).
    secret_bit: Option<u8>,
}

/// The rules of one run, indexed by resource kind.
pub struct Engine {
    entries: Vec<Entry>,
    /// Rule indices by resource kind. Looked up once per resource of every
    /// unit, so with the fast hash (the keys are the rules' own kind names).
    by_kind: StrMap<String, Vec<usize>>,
    any_kind: Vec<usize>,
    /// The rules of `any_kind` whose rule file says `resources: [all]`,
    /// the ones that also run on Terraform blocks other than resources
    /// and data sources (see `evaluate`).
    any_block: Vec<usize>,
    today: String,
}

/// What evaluating one unit produced.
#[derive(Debug, Default)]
pub struct UnitResult {
    pub findings: Vec<Finding>,
    pub notes: Vec<Note>,
}

impl Engine {
    /// Every built-in IaC rule plus `extra` (users' rules), filtered by `selection`.
    pub fn new(extra: Vec<Rule>, selection: &Selection) -> Engine {
        let builtin = crate::registry().all().map(Cow::Borrowed);
        Engine::from_rules(builtin.chain(extra.into_iter().map(Cow::Owned)), selection)
    }

    /// An engine over exactly these rules.
    pub fn from_rules(
        rules: impl IntoIterator<Item = Cow<'static, Rule>>,
        selection: &Selection,
    ) -> Engine {
        let mut entries = Vec::new();
        let mut by_kind: StrMap<String, Vec<usize>> = StrMap::default();
        let mut any_kind = Vec::new();
        let mut any_block = Vec::new();
        for rule in rules {
            if !rule.is_iac() || !selection.runs(&rule.meta) {
                continue;
            }
            let check = if rule.native {
                match native::lookup(&rule.meta.id) {
                    Some(f) => Some(f),
                    // A native rule without code cannot run (the registry test catches it).
                    None => continue,
                }
            } else {
                None
            };
            if rule.condition.is_none() && check.is_none() {
                continue;
            }
            let idx = entries.len();
            match &rule.applies_to {
                Kinds::All => {
                    any_kind.push(idx);
                    if rule.meta.resource_kinds.iter().any(|k| k == "all") {
                        any_block.push(idx);
                    }
                }
                Kinds::Only(kinds) => {
                    for k in kinds {
                        let list = by_kind.entry(k.clone()).or_default();
                        if !list.contains(&idx) {
                            list.push(idx);
                        }
                    }
                }
            }
            let skipped_by = selection.skipped_by(&rule.meta).map(str::to_string);
            let secret_bit = check
                .is_some()
                .then(|| native::secrets::scan_bit(&rule.meta.id))
                .flatten();
            entries.push(Entry {
                rule,
                check,
                skipped_by,
                secret_bit,
            });
        }
        Engine {
            entries,
            by_kind,
            any_kind,
            any_block,
            today: chrono::Local::now()
                .date_naive()
                .format("%Y-%m-%d")
                .to_string(),
        }
    }

    /// Evaluates expiry dates against `today` (YYYY-MM-DD) instead of the clock.
    pub fn with_today(mut self, today: &str) -> Engine {
        self.today = today.to_string();
        self
    }

    /// Number of rules that run.
    pub fn rule_count(&self) -> usize {
        self.entries.len()
    }

    /// The rules that run.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.entries.iter().map(|e| e.rule.as_ref())
    }

    /// Runs every applicable rule on every resource of `unit`.
    pub fn evaluate(&self, unit: &ParsedUnit) -> UnitResult {
        let mut out = UnitResult::default();
        if unit.resources.is_empty() || self.entries.is_empty() {
            return out;
        }
        let ctx = Context::new(unit);
        // Per file with findings: its text and suppression comments, read once.
        let mut files: FxMap<&str, (Option<&str>, FileDirectives)> = FxMap::default();
        let mut candidates: Vec<usize> = Vec::new();
        for (at, res) in unit.resources.iter().enumerate() {
            candidates.clear();
            let key = kind_key(res);
            if let Some(list) = self.by_kind.get(key.as_ref()) {
                candidates.extend_from_slice(list);
            }
            // `resource_types: all` means resources, not variables or providers.
            if matches!(res.block.as_str(), "resource" | "data")
                || res.source != SourceKind::Terraform
            {
                candidates.extend_from_slice(&self.any_kind);
            } else {
                // A rule file's `resources: [all]` means every block: hard-coded
                // secrets sit in providers, variable defaults and module inputs too.
                candidates.extend_from_slice(&self.any_block);
            }
            if candidates.is_empty() {
                continue;
            }
            for &i in candidates.iter() {
                let Some(entry) = self.entries.get(i) else {
                    continue;
                };
                if let (Some(bit), Some(union)) = (entry.secret_bit, ctx.secret_union(at)) {
                    if union & bit == 0 {
                        continue;
                    }
                }
                let hits: Vec<Hit> = match (&entry.check, &entry.rule.condition) {
                    (Some(check), _) => check(res, &ctx),
                    (None, Some(cond)) => match evaluate_keyed(cond, res, &key, Some(&ctx)) {
                        (Outcome::Fail, why) => vec![Hit::new(
                            res.span,
                            why.map(|w| format!("{}: {w}", res.address))
                                .unwrap_or_else(|| {
                                    format!("{}: {}", res.address, entry.rule.meta.title)
                                }),
                            "",
                        )],
                        _ => Vec::new(),
                    },
                    (None, None) => Vec::new(),
                };
                for hit in hits {
                    let (text, dirs) = files.entry(res.file.as_str()).or_insert_with(|| {
                        let text = unit.text_of(&res.file);
                        (text, text.map(FileDirectives::parse).unwrap_or_default())
                    });
                    let mut finding = self.finding(entry, res, hit, *text, dirs, &mut out.notes);
                    // As in Checkov, a skip on the module call covers what the module creates.
                    if let (None, Some(call)) = (&finding.suppression, &res.module) {
                        let (_, call_dirs) = files.entry(call.file.as_str()).or_insert_with(|| {
                            let text = unit.text_of(&call.file);
                            (text, text.map(FileDirectives::parse).unwrap_or_default())
                        });
                        let verdict = call_dirs.verdict(
                            &entry.rule.meta,
                            call.span,
                            call.span.line,
                            &self.today,
                        );
                        if let Verdict::Suppressed(mut s) = verdict {
                            s.source = s
                                .source
                                .map(|x| format!("{x} (on the call {})", call.address));
                            finding.suppression = Some(s);
                        }
                    }
                    out.findings.push(finding);
                }
            }
        }
        out
    }

    fn finding(
        &self,
        entry: &Entry,
        res: &Resource,
        hit: Hit,
        text: Option<&str>,
        dirs: &FileDirectives,
        notes: &mut Vec<Note>,
    ) -> Finding {
        let meta = &entry.rule.meta;
        let span = if hit.span.is_empty() {
            res.span
        } else {
            hit.span
        };
        let suppression = match dirs.verdict(meta, res.span, span.line, &self.today) {
            Verdict::Suppressed(s) => Some(s),
            Verdict::Expired(line, until) => {
                notes.push(Note {
                    file: Some(res.file.clone()),
                    message: format!(
                        "the suppression of {} on line {line} expired on {until}; the finding counts again",
                        meta.id
                    ),
                });
                None
            }
            Verdict::None => None,
        }
        .or_else(|| body_suppression(meta, res, text))
        .or_else(|| {
            entry.skipped_by.as_ref().map(|by| Suppression {
                kind: "config".into(),
                by: None,
                reason: Some(format!("skipped by `{by}`")),
                until: None,
                source: Some(by.clone()),
            })
        });
        let snippet = text.and_then(|t| snippet_of(t, span));
        Finding {
            rule_id: meta.id.clone(),
            title: meta.title.clone(),
            severity: meta.severity,
            kind: meta.kind,
            location: Some(Location {
                file: res.file.clone(),
                span,
            }),
            resource: Some(res.address.clone()),
            component: None,
            message: hit.message,
            remediation: Some(meta.doc.remediation.clone()).filter(|r| !r.is_empty()),
            controls: meta.controls.clone(),
            aliases: meta.aliases.clone(),
            fingerprint: Finding::fingerprint_of(&meta.id, &res.file, &res.address, &hit.key),
            suppression,
            snippet,
            related: res
                .module
                .iter()
                .map(|m| Location {
                    file: m.file.clone(),
                    span: m.span,
                })
                .collect(),
        }
    }
}

/// Skips written in the resource itself: Kubernetes `checkov.io/skip<N>`
/// annotations and CloudFormation `Metadata.checkov.skip`.
fn body_suppression(meta: &RuleMeta, res: &Resource, text: Option<&str>) -> Option<Suppression> {
    let inline = |reason: Option<String>, source: String| Suppression {
        kind: "inline".into(),
        by: None,
        reason,
        until: None,
        source: Some(source),
    };
    match res.source {
        SourceKind::Kubernetes => annotation_skips(&res.body)
            .into_iter()
            .find(|(id, _, _)| id_matches(meta, id))
            .map(|(_, reason, source)| inline(reason, source)),
        SourceKind::CloudFormation => {
            let lines = resource_text(text?, res.span)?;
            cfn_metadata_skips(lines)
                .into_iter()
                .find(|(id, _)| id_matches(meta, id))
                .map(|(id, reason)| inline(reason, format!("Metadata.checkov.skip {id}")))
        }
        _ => None,
    }
}

/// The source lines of `span` (at most [`SNIPPET_LINES`]), found from its
/// byte offsets so the cost does not grow with the file.
fn snippet_of(text: &str, span: Span) -> Option<String> {
    if span.start > text.len() || span.is_empty() {
        return None;
    }
    let start = text
        .get(..span.start)?
        .rfind('\n')
        .map(|p| p + 1)
        .unwrap_or(0);
    let lines = span
        .end_line
        .saturating_sub(span.line)
        .min(SNIPPET_LINES - 1) as usize
        + 1;
    let rest = text.get(start..)?;
    let mut end = rest.len();
    for (n, (pos, _)) in rest.match_indices('\n').enumerate() {
        if n + 1 == lines {
            end = pos;
            break;
        }
    }
    Some(rest[..end].trim_end_matches('\r').replace("\r\n", "\n"))
}

/// The text of a span, from the start of its first line.
fn resource_text(text: &str, span: Span) -> Option<&str> {
    if span.end <= span.start || span.end > text.len() {
        return None;
    }
    let start = text
        .get(..span.start)?
        .rfind('\n')
        .map(|p| p + 1)
        .unwrap_or(0);
    text.get(start..span.end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cond::parse_condition;
    use archgate_core::yaml::parse_documents;
    use archgate_core::{FindingKind, LineIndex, RuleDoc};
    use archgate_iac::SourceFile;
    use std::sync::Arc;

    fn meta(id: &str, severity: Severity, aliases: &[&str]) -> RuleMeta {
        RuleMeta {
            id: id.into(),
            title: format!("{id} title"),
            severity,
            provider: "aws".into(),
            kind: FindingKind::Iac,
            resource_kinds: vec!["aws_s3_bucket".into()],
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            controls: vec![],
            doc: RuleDoc::default(),
        }
    }

    #[test]
    fn selection_by_id_alias_wildcard_and_severity() {
        let m = meta("AG-AWS-S3-900", Severity::Medium, &["CKV_AWS_21"]);
        let sel = |checks: &[&str], skips: &[&str]| Selection {
            checks: checks.iter().map(|s| s.to_string()).collect(),
            skip_checks: skips.iter().map(|s| s.to_string()).collect(),
        };
        assert!(sel(&[], &[]).runs(&m));
        assert!(sel(&["ckv_aws_21"], &[]).runs(&m));
        assert!(sel(&["CKV_AWS_*"], &[]).runs(&m));
        assert!(sel(&["AG-AWS-*"], &[]).runs(&m));
        assert!(!sel(&["CKV_K8S_*"], &[]).runs(&m));
        assert!(
            sel(&["medium"], &[]).runs(&m),
            "a severity selects it and above"
        );
        assert!(!sel(&["HIGH"], &[]).runs(&m));
        assert_eq!(
            sel(&[], &["low"]).skipped_by(&m),
            None,
            "skip by severity: it and below"
        );
        assert_eq!(sel(&[], &["medium"]).skipped_by(&m), Some("medium"));
        assert_eq!(
            sel(&[], &["AG-AWS-S3-900"]).skipped_by(&m),
            Some("AG-AWS-S3-900")
        );
    }

    #[test]
    fn snippet_takes_the_span_lines_capped() {
        let text = "a\nresource {\n  x = 1\n}\nz\n";
        let idx = LineIndex::new(text);
        let start = text.find("resource").unwrap();
        let end = text.find('}').unwrap() + 1;
        let span = idx.span(text, start, end);
        assert_eq!(
            snippet_of(text, span).as_deref(),
            Some("resource {\n  x = 1\n}")
        );
        let long: String = (1..=40).map(|i| format!("l{i}\n")).collect();
        let idx = LineIndex::new(&long);
        let span = idx.span(&long, 0, long.len());
        let s = snippet_of(&long, span).unwrap();
        assert_eq!(s.lines().count(), SNIPPET_LINES as usize);
        assert!(s.ends_with("l15"));
    }

    fn unit(text: &str, resources: Vec<Resource>) -> ParsedUnit {
        ParsedUnit {
            files: vec![SourceFile {
                path: "main.tf".into(),
                text: Arc::from(text),
            }],
            resources,
            errors: vec![],
            notes: vec![],
        }
    }

    fn res(block: &str, kind: &str, name: &str, line: u32) -> Resource {
        Resource {
            source: SourceKind::Terraform,
            block: block.into(),
            kind: kind.into(),
            name: name.into(),
            address: format!("{kind}.{name}"),
            file: "main.tf".into(),
            span: Span {
                line,
                end_line: line,
                col: 1,
                end_col: 1,
                ..Span::default()
            },
            body: parse_documents("{}").unwrap().remove(0),
            module: None,
            multiple: false,
            labels: vec![],
        }
    }

    fn rule(kinds: Kinds, cond: &str) -> Rule {
        let c = parse_condition("r", &parse_documents(cond).unwrap()[0]).unwrap();
        Rule {
            meta: meta("AG-AWS-S3-901", Severity::High, &["CKV_AWS_999"]),
            condition: Some(c),
            native: false,
            fixtures: vec![],
            applies_to: kinds,
            fixture_dir: None,
        }
    }

    #[test]
    fn data_sources_and_non_resource_blocks_are_not_judged_by_resource_rules() {
        let text = "resource\ndata\nvariable\n";
        let u = unit(
            text,
            vec![
                res("resource", "aws_s3_bucket", "a", 1),
                res("data", "aws_s3_bucket", "b", 2),
                res("variable", "variable", "c", 3),
            ],
        );
        let r = rule(
            Kinds::Only(vec!["aws_s3_bucket".into()]),
            "{cond_type: attribute, resource_types: [aws_s3_bucket], attribute: acl, operator: exists}",
        );
        let e = Engine::from_rules([Cow::Owned(r)], &Selection::default());
        let found: Vec<String> = e
            .evaluate(&u)
            .findings
            .into_iter()
            .filter_map(|f| f.resource)
            .collect();
        assert_eq!(found, vec!["aws_s3_bucket.a"]);
        let all = rule(
            Kinds::All,
            "{cond_type: attribute, resource_types: all, attribute: acl, operator: exists}",
        );
        let e = Engine::from_rules([Cow::Owned(all)], &Selection::default());
        let found: Vec<String> = e
            .evaluate(&u)
            .findings
            .into_iter()
            .filter_map(|f| f.resource)
            .collect();
        assert_eq!(
            found,
            vec!["aws_s3_bucket.a", "aws_s3_bucket.b"],
            "`all` is resources and data, not variables"
        );
    }

    #[test]
    fn expired_archgate_ignore_counts_again_with_a_note() {
        let text = "# archgate:ignore AG-AWS-S3-901 reason=\"later\" until=2020-01-01\nresource\n";
        let u = unit(text, vec![res("resource", "aws_s3_bucket", "a", 2)]);
        let r = rule(
            Kinds::Only(vec!["aws_s3_bucket".into()]),
            "{cond_type: attribute, resource_types: [aws_s3_bucket], attribute: acl, operator: exists}",
        );
        let e = Engine::from_rules([Cow::Owned(r)], &Selection::default()).with_today("2026-01-01");
        let out = e.evaluate(&u);
        assert_eq!(out.findings.len(), 1);
        assert!(out.findings[0].suppression.is_none());
        assert!(out.notes[0].message.contains("expired on 2020-01-01"));
        assert_eq!(
            out.findings[0].message,
            "aws_s3_bucket.a: `acl` must be set"
        );
    }
}
