//! Threagile model (YAML) → archgate workspace files.
//!
//! The mapping follows `docs/threagile.md`: technical assets become
//! Components (processes), Resources (data stores) or Actors (external
//! entities); communication links become DataFlows named
//! `<source>.<link>` that keep Threagile's link id in the annotation
//! `archgate.dev/threagile-id`; data assets, trust boundaries (nested),
//! shared runtimes, custom risk categories (Threats) and risk tracking
//! (Exceptions) carry over; the model's metadata becomes one System.
//! Facts archgate has no field for are kept as `archgate.dev/threagile-*`
//! annotations, so nothing Threagile's rules read is lost.
//!
//! Input is checked as strictly as Threagile does: unknown enum values,
//! references to undefined ids and duplicate ids are errors with file, line
//! and column. Unknown keys are warnings (newer Threagile versions add keys).
//! Not here: writing files (the CLI does, never overwriting).

use super::{slug, yaml_str, ImportErrors, Imported};
use crate::vocab;
use archgate_core::yaml::parse_documents;
use archgate_core::{InputError, Node, Span, Value};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;

const TOP_KEYS: &[&str] = &[
    "threagile_version",
    "title",
    "author",
    "contributors",
    "date",
    "business_criticality",
    "management_summary_comment",
    "application_description",
    "business_overview",
    "technical_overview",
    "security_requirements",
    "abuse_cases",
    "questions",
    "tags_available",
    "data_assets",
    "technical_assets",
    "trust_boundaries",
    "shared_runtimes",
    "custom_risk_categories",
    "individual_risk_categories",
    "risk_tracking",
    "includes",
];
const DATA_KEYS: &[&str] = &[
    "id",
    "description",
    "usage",
    "tags",
    "origin",
    "owner",
    "quantity",
    "confidentiality",
    "integrity",
    "availability",
    "justification_cia_rating",
];
const ASSET_KEYS: &[&str] = &[
    "id",
    "description",
    "type",
    "usage",
    "used_as_client_by_human",
    "out_of_scope",
    "justification_out_of_scope",
    "size",
    "technology",
    "technologies",
    "tags",
    "internet",
    "machine",
    "encryption",
    "owner",
    "confidentiality",
    "integrity",
    "availability",
    "justification_cia_rating",
    "multi_tenant",
    "redundant",
    "custom_developed_parts",
    "data_assets_processed",
    "data_assets_stored",
    "data_formats_accepted",
    "communication_links",
];
const LINK_KEYS: &[&str] = &[
    "target",
    "description",
    "protocol",
    "authentication",
    "authorization",
    "tags",
    "vpn",
    "ip_filtered",
    "readonly",
    "usage",
    "data_assets_sent",
    "data_assets_received",
];
const BOUNDARY_KEYS: &[&str] = &[
    "id",
    "description",
    "type",
    "tags",
    "technical_assets_inside",
    "trust_boundaries_nested",
];
const RUNTIME_KEYS: &[&str] = &["id", "description", "tags", "technical_assets_running"];
const TRACKING_KEYS: &[&str] = &["status", "justification", "ticket", "date", "checked_by"];
const CATEGORY_KEYS: &[&str] = &[
    "id",
    "description",
    "impact",
    "asvs",
    "cheat_sheet",
    "action",
    "mitigation",
    "check",
    "function",
    "stride",
    "detection_logic",
    "risk_assessment",
    "false_positives",
    "model_failure_possible_reason",
    "cwe",
    "risks_identified",
];
const RISK_KEYS: &[&str] = &[
    "severity",
    "exploitation_likelihood",
    "exploitation_impact",
    "data_breach_probability",
    "data_breach_technical_assets",
    "most_relevant_data_asset",
    "most_relevant_technical_asset",
    "most_relevant_communication_link",
    "most_relevant_trust_boundary",
    "most_relevant_shared_runtime",
];

const ASSET_TYPES: &[&str] = &["external-entity", "process", "datastore"];
const SIZES: &[&str] = &["system", "service", "application", "component"];
/// Threagile's confidentiality scale, lowest first (not archgate's).
const CONFIDENTIALITY: &[&str] = &[
    "public",
    "internal",
    "restricted",
    "confidential",
    "strictly-confidential",
];
const RISK_STATUS: &[&str] = &[
    "unchecked",
    "in-discussion",
    "accepted",
    "in-progress",
    "mitigated",
    "false-positive",
];
const SEVERITY: &[&str] = &["low", "medium", "elevated", "high", "critical"];
const BREACH: &[&str] = &["improbable", "possible", "probable"];
const FUNCTIONS: &[&str] = &["business-side", "architecture", "development", "operations"];

/// The technology names of Threagile's `technologies.yaml`; others are
/// imported as written, with a warning.
const TECHNOLOGIES: &[&str] = &[
    "ai",
    "application-server",
    "artifact-registry",
    "batch-processing",
    "big-data-platform",
    "block-storage",
    "browser",
    "build-pipeline",
    "client-system",
    "cli",
    "cms",
    "code-inspection-platform",
    "container-platform",
    "data-lake",
    "database",
    "desktop",
    "devops-client",
    "ejb",
    "erp",
    "event-listener",
    "file-server",
    "function",
    "gateway",
    "hsm",
    "identity-provider",
    "identity-store-database",
    "identity-store-ldap",
    "ids",
    "iot-device",
    "ips",
    "ldap-server",
    "library",
    "load-balancer",
    "local-file-system",
    "mail-server",
    "mainframe",
    "message-queue",
    "mobile-app",
    "monitoring",
    "report-engine",
    "reverse-proxy",
    "scheduler",
    "search-engine",
    "search-index",
    "service-mesh",
    "service-registry",
    "sourcecode-repository",
    "stream-processing",
    "task",
    "tool",
    "unknown-technology",
    "vault",
    "waf",
    "web-application",
    "web-server",
    "web-service-rest",
    "web-service-soap",
];

/// The group that owns what the Threagile model gives no owner.
const FALLBACK_OWNER: &str = "threat-model-owners";

/// Days an imported acceptance stays valid: Threagile has no expiry, archgate requires one.
pub const DEFAULT_EXPIRY_DAYS: i64 = 90;

/// Reading state: the file name for messages and the problems found.
struct Reader<'f> {
    file: &'f str,
    errors: Vec<InputError>,
    warnings: Vec<String>,
}

fn is_absent(n: &Node) -> bool {
    n.is_null()
}

impl<'f> Reader<'f> {
    fn error(&mut self, span: Span, message: String, expected: impl Into<String>) {
        self.errors.push(
            InputError::new(self.file, span.line.max(1), span.col.max(1), message)
                .expected(expected),
        );
    }

    fn warn(&mut self, span: Span, message: String) {
        self.warnings.push(format!(
            "{}:{}:{}: {message}",
            self.file, span.line, span.col
        ));
    }

    /// The entries of a mapping (Null is an empty mapping).
    fn entries<'n>(&mut self, n: &'n Node, at: &str) -> &'n [(archgate_core::Key, Node)] {
        match &n.value {
            Value::Map(m) => m,
            Value::Null => &[],
            _ => {
                self.error(
                    n.span,
                    format!("`{at}` is a {}", n.type_name()),
                    "a mapping",
                );
                &[]
            }
        }
    }

    fn unknown_keys(&mut self, n: &Node, at: &str, allowed: &[&str]) {
        let Some(entries) = n.as_map() else { return };
        for (k, _) in entries {
            if !allowed.contains(&k.name.as_str()) && !k.name.starts_with("diagram_tweak_") {
                self.warn(k.span, format!("ignored unknown key `{at}.{}`", k.name));
            }
        }
    }

    /// A scalar as text; absent or null gives None; a collection is an error.
    fn text(&mut self, n: &Node, key: &str, at: &str) -> Option<(String, Span)> {
        let v = n.get(key)?;
        if is_absent(v) {
            return None;
        }
        match v.scalar_text() {
            Some(t) => Some((t, v.span)),
            None => {
                self.error(
                    v.span,
                    format!("`{at}.{key}` is a {}", v.type_name()),
                    "a text value",
                );
                None
            }
        }
    }

    fn one_of(
        &mut self,
        n: &Node,
        key: &str,
        at: &str,
        allowed: &[&str],
    ) -> Option<(String, Span)> {
        let (t, span) = self.text(n, key, at)?;
        let lower = t.trim().to_ascii_lowercase();
        if allowed.contains(&lower.as_str()) {
            Some((lower, span))
        } else {
            self.error(
                span,
                format!("`{t}` is not a valid value for `{at}.{key}`"),
                format!("one of {}", allowed.join(", ")),
            );
            None
        }
    }

    fn boolean(&mut self, n: &Node, key: &str, at: &str) -> Option<bool> {
        let v = n.get(key)?;
        match &v.value {
            Value::Null => None,
            Value::Bool(b) => Some(*b),
            _ => {
                self.error(
                    v.span,
                    format!("`{at}.{key}` is not a boolean"),
                    "true or false",
                );
                None
            }
        }
    }

    /// A list of scalars (Null or absent is empty; a single scalar is one item).
    fn list(&mut self, n: &Node, key: &str, at: &str) -> Vec<(String, Span)> {
        let Some(v) = n.get(key) else {
            return Vec::new();
        };
        match &v.value {
            Value::Null => Vec::new(),
            Value::Seq(items) => {
                let mut out = Vec::new();
                for i in items {
                    match i.scalar_text() {
                        Some(t) => out.push((t, i.span)),
                        None if i.is_null() => {}
                        None => self.error(
                            i.span,
                            format!("an item of `{at}.{key}` is a {}", i.type_name()),
                            "a text value",
                        ),
                    }
                }
                out
            }
            _ => match v.scalar_text() {
                Some(t) => vec![(t, v.span)],
                None => {
                    self.error(
                        v.span,
                        format!("`{at}.{key}` is a {}", v.type_name()),
                        "a list",
                    );
                    Vec::new()
                }
            },
        }
    }
}

/// One technical asset as read.
struct Asset {
    id: String,
    /// Entity kind in archgate: component, resource or actor.
    kind: &'static str,
    span: Span,
}

/// Text as written after Threagile's HTML markup is removed (`<b>x</b>` → `x`).
fn strip_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for ch in s.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Threagile's link id: `<source id>>` + the title lower-cased, each
/// non-alphanumeric character turned into `-`.
fn link_id(source: &str, title: &str) -> String {
    let t: String = title
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                '-'
            }
        })
        .collect();
    format!("{source}>{t}")
}

/// Backstage tag syntax: `[a-z0-9:+#]` words separated by `-`, at most 63.
fn tag(t: &str) -> Option<String> {
    let mut out = String::new();
    let mut dash = false;
    for ch in t.chars() {
        let c = ch.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || matches!(c, ':' | '+' | '#') {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    out.truncate(63);
    while out.ends_with('-') {
        out.pop();
    }
    (!out.is_empty()).then_some(out)
}

/// A document being written.
struct DocWriter {
    text: String,
}

impl DocWriter {
    fn new(api: &str, kind: &str, name: &str) -> DocWriter {
        DocWriter {
            text: format!("apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}\n"),
        }
    }

    fn meta(
        &mut self,
        title: Option<&str>,
        description: Option<&str>,
        annotations: &[(String, String)],
        tags: &[String],
    ) {
        if let Some(t) = title {
            let _ = writeln!(self.text, "  title: {}", yaml_str(t));
        }
        if let Some(d) = description.filter(|d| !d.trim().is_empty()) {
            let _ = writeln!(self.text, "  description: {}", yaml_str(d.trim()));
        }
        if !annotations.is_empty() {
            self.text.push_str("  annotations:\n");
            for (k, v) in annotations {
                let _ = writeln!(self.text, "    {k}: {}", yaml_str(v));
            }
        }
        if !tags.is_empty() {
            let t: Vec<String> = tags.iter().map(|t| yaml_str(t)).collect();
            let _ = writeln!(self.text, "  tags: [{}]", t.join(", "));
        }
        self.text.push_str("spec:\n");
    }

    /// `key: value` at `indent` spaces.
    fn kv(&mut self, indent: usize, key: &str, value: &str) {
        let _ = writeln!(self.text, "{}{key}: {value}", " ".repeat(indent));
    }

    fn str(&mut self, indent: usize, key: &str, value: &str) {
        self.kv(indent, key, &yaml_str(value));
    }

    fn list(&mut self, indent: usize, key: &str, items: &[String]) {
        if items.is_empty() {
            return;
        }
        let _ = writeln!(self.text, "{}{key}:", " ".repeat(indent));
        for i in items {
            let _ = writeln!(self.text, "{}  - {}", " ".repeat(indent), yaml_str(i));
        }
    }

    fn finish(self) -> String {
        self.text
    }
}

/// archgate's classification for Threagile's confidentiality: the scale has
/// one level fewer, so Threagile's `restricted` (between internal and
/// confidential) becomes `internal`, keeping every "confidential or above"
/// rule where Threagile has it; the original is kept as an annotation.
fn classification(c: &str) -> &'static str {
    match c {
        "public" => "public",
        "internal" | "restricted" => "internal",
        "confidential" => "confidential",
        _ => "strictly-confidential",
    }
}

/// Resource `spec.type` for a data store technology.
fn resource_type(tech: Option<&str>) -> &'static str {
    match tech.unwrap_or("") {
        "database" | "identity-store-database" => "database",
        "file-server" | "local-file-system" => "file-system",
        "block-storage" => "block-storage",
        "data-lake" | "big-data-platform" => "data-lake",
        "search-index" | "search-engine" => "search-index",
        "message-queue" => "queue",
        "identity-store-ldap" | "ldap-server" => "directory",
        "sourcecode-repository" => "repository",
        "artifact-registry" => "registry",
        "vault" | "hsm" => "vault",
        _ => "datastore",
    }
}

/// Component `spec.type` for a process technology.
fn component_type(tech: Option<&str>) -> &'static str {
    match tech.unwrap_or("") {
        "web-application" | "web-server" | "cms" => "website",
        "library" => "library",
        _ => "service",
    }
}

/// Imports a Threagile model. `file` names the model in messages; `today`
/// starts the validity of imported acceptances (Threagile has no expiry).
pub fn import(file: &str, text: &str, today: NaiveDate) -> Result<Imported, ImportErrors> {
    let mut r = Reader {
        file,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let docs = match parse_documents(text) {
        Ok(d) => d,
        Err(e) => {
            return Err(vec![InputError::new(
                file,
                e.line.max(1),
                e.col.max(1),
                format!("invalid YAML: {}", e.message),
            )
            .expected("a Threagile model (YAML)")]);
        }
    };
    let Some(root) = docs.iter().find(|d| !d.is_null()) else {
        return Err(vec![
            InputError::whole_file(file, "the file is empty").expected("a Threagile model (YAML)")
        ]);
    };
    if docs.iter().filter(|d| !d.is_null()).count() > 1 {
        r.warn(root.span, "only the first YAML document is read".into());
    }
    if root.as_map().is_none() {
        return Err(vec![InputError::new(
            file,
            root.span.line.max(1),
            root.span.col.max(1),
            format!("the model is a {}", root.type_name()),
        )
        .expected(
            "a Threagile model: a mapping with title, data_assets, technical_assets…",
        )]);
    }
    r.unknown_keys(root, "model", TOP_KEYS);
    if let Some((k, _)) = root.entry("includes").filter(|(_, v)| !v.is_null()) {
        r.error(
            k.span,
            "`includes` is not supported by the importer".into(),
            "one model file: merge the included files into it first",
        );
    }
    if root.get("technical_assets").is_none() {
        r.error(
            root.span,
            "the model has no `technical_assets`".into(),
            "a Threagile model (threagile_version, title, data_assets, technical_assets…)",
        );
    }

    let mut out = Imported::default();
    let title = r
        .text(root, "title", "model")
        .map(|(t, _)| t)
        .unwrap_or_else(|| "Threagile model".into());
    let system = slug(&title);

    // ------------------------------------------------------------ owners
    let mut groups: BTreeMap<String, String> = BTreeMap::new();
    // Set when an entity has no owner and gets the fallback group.
    let fallback_used = std::cell::Cell::new(false);
    let fallback = || {
        fallback_used.set(true);
        FALLBACK_OWNER.to_string()
    };
    let mut owner_count: HashMap<String, usize> = HashMap::new();
    let mut owner_of =
        |raw: Option<String>, groups: &mut BTreeMap<String, String>| -> Option<String> {
            let raw = raw?.trim().to_string();
            if raw.is_empty() {
                return None;
            }
            let s = slug(&raw);
            groups.entry(s.clone()).or_insert(raw);
            *owner_count.entry(s.clone()).or_default() += 1;
            Some(s)
        };

    // ------------------------------------------------------------ data assets
    let mut data_ids: HashMap<String, Span> = HashMap::new();
    let mut data_docs: Vec<String> = Vec::new();
    let data_node = root
        .get("data_assets")
        .cloned()
        .unwrap_or(Node::new(Value::Null, root.span));
    for (k, d) in r.entries(&data_node, "data_assets").to_vec() {
        let at = format!("data_assets.{}", k.name);
        if d.as_map().is_none() {
            r.error(
                d.span,
                format!("`{at}` is a {}", d.type_name()),
                "a data asset mapping",
            );
            continue;
        }
        r.unknown_keys(&d, &at, DATA_KEYS);
        let Some((id, id_span)) = r.text(&d, "id", &at) else {
            r.error(
                k.span,
                format!("data asset `{}` has no `id`", k.name),
                "id: a-unique-id",
            );
            continue;
        };
        let name = entity_name(&mut r, &id, id_span);
        if let Some(prev) = data_ids.insert(id.clone(), id_span) {
            r.error(
                id_span,
                format!(
                    "duplicate data asset id `{id}` (first at line {})",
                    prev.line
                ),
                "a unique id per data asset",
            );
            continue;
        }
        let owner = owner_of(r.text(&d, "owner", &at).map(|x| x.0), &mut groups);
        let conf = r.one_of(&d, "confidentiality", &at, CONFIDENTIALITY);
        let integ = r.one_of(&d, "integrity", &at, vocab::CRITICALITY);
        let avail = r.one_of(&d, "availability", &at, vocab::CRITICALITY);
        let quantity = r.one_of(&d, "quantity", &at, vocab::QUANTITY);
        let usage = r.one_of(&d, "usage", &at, vocab::USAGE);
        let mut ann = vec![("archgate.dev/threagile-id".to_string(), id.clone())];
        if let Some((c, _)) = &conf {
            ann.push(("archgate.dev/threagile-confidentiality".into(), c.clone()));
        }
        let tags = tags_of(&mut r, &d, &at);
        let mut w = DocWriter::new(crate::entity::ARCHGATE_API_VERSION, "DataAsset", &name);
        w.meta(
            Some(&k.name),
            r.text(&d, "description", &at).map(|x| x.0).as_deref(),
            &ann,
            &tags,
        );
        w.kv(
            2,
            "owner",
            &format!("group:{}", owner.unwrap_or_else(fallback)),
        );
        if let Some((c, _)) = &conf {
            w.kv(2, "classification", classification(c));
        }
        if let Some((v, _)) = integ {
            w.kv(2, "integrity", &v);
        }
        if let Some((v, _)) = avail {
            w.kv(2, "availability", &v);
        }
        if let Some((v, _)) = quantity {
            w.kv(2, "quantity", &v);
        }
        if let Some((v, _)) = usage {
            w.kv(2, "usage", &v);
        }
        if let Some((o, _)) = r.text(&d, "origin", &at) {
            w.str(2, "origin", &o);
        }
        if let Some((j, _)) = r.text(&d, "justification_cia_rating", &at) {
            w.str(2, "justification", j.trim());
        }
        w.kv(2, "system", &system);
        data_docs.push(w.finish());
    }

    // ------------------------------------------------------------ technical assets
    let assets_node = root
        .get("technical_assets")
        .cloned()
        .unwrap_or(Node::new(Value::Null, root.span));
    let asset_entries = r.entries(&assets_node, "technical_assets").to_vec();
    // First pass: ids and kinds, so links can point forward.
    let mut assets: HashMap<String, Asset> = HashMap::new();
    for (k, a) in &asset_entries {
        let at = format!("technical_assets.{}", k.name);
        if a.as_map().is_none() {
            r.error(
                a.span,
                format!("`{at}` is a {}", a.type_name()),
                "a technical asset mapping",
            );
            continue;
        }
        let Some((id, span)) = r.text(a, "id", &at) else {
            r.error(
                k.span,
                format!("technical asset `{}` has no `id`", k.name),
                "id: a-unique-id",
            );
            continue;
        };
        let kind = match r
            .one_of(a, "type", &at, ASSET_TYPES)
            .map(|x| x.0)
            .as_deref()
        {
            Some("datastore") => "resource",
            Some("external-entity") => "actor",
            Some(_) => "component",
            None => {
                if a.get("type").is_none_or(is_absent) {
                    r.error(
                        k.span,
                        format!("technical asset `{}` has no `type`", k.name),
                        "type: process, datastore or external-entity",
                    );
                }
                continue;
            }
        };
        if let Some(prev) = assets.get(&id) {
            let line = prev.span.line;
            r.error(
                span,
                format!("duplicate technical asset id `{id}` (first at line {line})"),
                "a unique id per technical asset",
            );
            continue;
        }
        assets.insert(id.clone(), Asset { id, kind, span });
    }
    let asset_ref = |r: &mut Reader, id: &str, span: Span, at: &str| -> Option<String> {
        match assets.get(id) {
            Some(a) => Some(format!("{}:{}", a.kind, entity_name_quiet(&a.id))),
            None => {
                r.error(
                    span,
                    format!("`{id}` in `{at}` is not a technical asset id"),
                    "the id of a technical asset of this model",
                );
                None
            }
        }
    };
    let data_ref = |r: &mut Reader, id: &str, span: Span, at: &str| -> Option<String> {
        if data_ids.contains_key(id) {
            Some(entity_name_quiet(id))
        } else {
            r.error(
                span,
                format!("`{id}` in `{at}` is not a data asset id"),
                "the id of a data asset of this model",
            );
            None
        }
    };

    let mut asset_docs: Vec<String> = Vec::new();
    let mut flow_docs: Vec<String> = Vec::new();
    let mut flow_names: HashSet<String> = HashSet::new();
    for (k, a) in &asset_entries {
        let at = format!("technical_assets.{}", k.name);
        let Some((id, id_span)) = r.text(a, "id", &at) else {
            continue;
        };
        let Some(asset) = assets.get(&id) else {
            continue;
        };
        if asset.span != id_span {
            continue; // a duplicate, already reported
        }
        r.unknown_keys(a, &at, ASSET_KEYS);
        let name = entity_name(&mut r, &id, id_span);
        let kind = asset.kind;
        let owner = owner_of(r.text(a, "owner", &at).map(|x| x.0), &mut groups);
        let mut techs: Vec<(String, Span)> = r.list(a, "technologies", &at);
        if let Some(t) = r.text(a, "technology", &at) {
            techs.insert(0, t);
        }
        let mut ann = vec![("archgate.dev/threagile-id".to_string(), id.clone())];
        for (t, span) in &techs {
            if !TECHNOLOGIES.contains(&t.as_str()) {
                r.warn(*span, format!("technology `{t}` is not one of Threagile's built-in names; imported as written"));
            }
        }
        let tech = techs.first().map(|t| t.0.to_ascii_lowercase());
        if techs.len() > 1 {
            let rest: Vec<&str> = techs.iter().skip(1).map(|t| t.0.as_str()).collect();
            ann.push(("archgate.dev/threagile-technologies".into(), rest.join(",")));
        }
        let usage = r.one_of(a, "usage", &at, vocab::USAGE);
        let size = r.one_of(a, "size", &at, SIZES);
        let machine = r.one_of(a, "machine", &at, vocab::MACHINES);
        let encryption = r.one_of(a, "encryption", &at, vocab::ENCRYPTION_AT_REST);
        let conf = r.one_of(a, "confidentiality", &at, CONFIDENTIALITY);
        let integ = r.one_of(a, "integrity", &at, vocab::CRITICALITY);
        let avail = r.one_of(a, "availability", &at, vocab::CRITICALITY);
        let human = r.boolean(a, "used_as_client_by_human", &at);
        let oos = r.boolean(a, "out_of_scope", &at);
        let oos_reason = r.text(a, "justification_out_of_scope", &at).map(|x| x.0);
        let internet = r.boolean(a, "internet", &at);
        let multi = r.boolean(a, "multi_tenant", &at);
        let redundant = r.boolean(a, "redundant", &at);
        let custom = r.boolean(a, "custom_developed_parts", &at);
        let processed: Vec<String> = r
            .list(a, "data_assets_processed", &at)
            .into_iter()
            .filter_map(|(d, s)| data_ref(&mut r, &d, s, &format!("{at}.data_assets_processed")))
            .collect();
        let stored: Vec<String> = r
            .list(a, "data_assets_stored", &at)
            .into_iter()
            .filter_map(|(d, s)| data_ref(&mut r, &d, s, &format!("{at}.data_assets_stored")))
            .collect();
        let formats: Vec<String> = r
            .list(a, "data_formats_accepted", &at)
            .into_iter()
            .filter_map(|(f, s)| {
                let l = f.to_ascii_lowercase();
                if vocab::DATA_FORMATS.contains(&l.as_str()) {
                    Some(l)
                } else {
                    r.error(
                        s,
                        format!("`{f}` is not a valid value for `{at}.data_formats_accepted`"),
                        format!("one of {}", vocab::DATA_FORMATS.join(", ")),
                    );
                    None
                }
            })
            .collect();
        if let Some((c, _)) = &conf {
            ann.push(("archgate.dev/threagile-confidentiality".into(), c.clone()));
        }
        if let Some((s, _)) = &size {
            ann.push(("archgate.dev/threagile-size".into(), s.clone()));
        }
        if let Some((u, _)) = &usage {
            ann.push(("archgate.dev/threagile-usage".into(), u.clone()));
        }
        if let Some((j, _)) = r.text(a, "justification_cia_rating", &at) {
            ann.push((
                "archgate.dev/threagile-justification-cia".into(),
                j.trim().to_string(),
            ));
        }
        let tags = tags_of(&mut r, a, &at);
        let description = r.text(a, "description", &at).map(|x| x.0);
        let owner_ref = format!("group:{}", owner.clone().unwrap_or_else(fallback));
        let doc = match kind {
            "actor" => {
                // Actors have no archgate block: Threagile facts the Actor kind
                // cannot hold stay as annotations for the threat rules.
                if let Some(t) = &tech {
                    ann.push(("archgate.dev/threagile-technology".into(), t.clone()));
                }
                for (key, v) in [
                    ("machine", &machine),
                    ("encryption", &encryption),
                    ("integrity", &integ),
                    ("availability", &avail),
                ] {
                    if let Some((x, _)) = v {
                        ann.push((format!("archgate.dev/threagile-{key}"), x.clone()));
                    }
                }
                for (key, v) in [
                    ("multi-tenant", multi),
                    ("redundant", redundant),
                    ("custom-developed-parts", custom),
                    ("out-of-scope", oos),
                ] {
                    if let Some(b) = v {
                        ann.push((format!("archgate.dev/threagile-{key}"), b.to_string()));
                    }
                }
                if let Some(j) = &oos_reason {
                    ann.push((
                        "archgate.dev/threagile-justification-out-of-scope".into(),
                        j.clone(),
                    ));
                }
                for (key, v) in [
                    ("data-assets-processed", &processed),
                    ("data-assets-stored", &stored),
                    ("data-formats-accepted", &formats),
                ] {
                    if !v.is_empty() {
                        ann.push((format!("archgate.dev/threagile-{key}"), v.join(",")));
                    }
                }
                let mut w = DocWriter::new(crate::entity::ARCHGATE_API_VERSION, "Actor", &name);
                w.meta(Some(&k.name), description.as_deref(), &ann, &tags);
                w.kv(
                    2,
                    "type",
                    if human == Some(true) {
                        "human"
                    } else {
                        "external-system"
                    },
                );
                w.kv(2, "owner", &owner_ref);
                if let Some(i) = internet {
                    w.kv(2, "internet", &i.to_string());
                }
                w.finish()
            }
            _ => {
                let is_store = kind == "resource";
                let mut w = DocWriter::new(
                    "backstage.io/v1alpha1",
                    if is_store { "Resource" } else { "Component" },
                    &name,
                );
                w.meta(Some(&k.name), description.as_deref(), &ann, &tags);
                if is_store {
                    w.kv(2, "type", resource_type(tech.as_deref()));
                } else {
                    w.kv(2, "type", component_type(tech.as_deref()));
                    w.kv(2, "lifecycle", "production");
                }
                w.kv(2, "owner", &owner_ref);
                w.kv(2, "system", &system);
                w.text.push_str("  archgate:\n");
                if let Some(t) = &tech {
                    w.str(4, "technology", t);
                }
                w.kv(
                    4,
                    "assetType",
                    if is_store { "datastore" } else { "process" },
                );
                if let Some((m, _)) = &machine {
                    w.kv(4, "machine", m);
                }
                for (key, v) in [
                    ("internet", internet),
                    ("humanClient", human),
                    ("multiTenant", multi),
                    ("redundant", redundant),
                    ("customDeveloped", custom),
                ] {
                    if let Some(b) = v {
                        w.kv(4, key, &b.to_string());
                    }
                }
                if let Some((e, _)) = &encryption {
                    w.kv(4, "encryptionAtRest", e);
                }
                if conf.is_some() || integ.is_some() || avail.is_some() {
                    w.text.push_str("    cia:\n");
                    if let Some((c, _)) = &conf {
                        w.kv(6, "confidentiality", classification(c));
                    }
                    if let Some((i, _)) = &integ {
                        w.kv(6, "integrity", i);
                    }
                    if let Some((x, _)) = &avail {
                        w.kv(6, "availability", x);
                    }
                }
                w.list(4, "dataProcessed", &processed);
                w.list(4, "dataStored", &stored);
                w.list(4, "dataFormatsAccepted", &formats);
                if let Some(o) = oos {
                    w.kv(4, "outOfScope", &o.to_string());
                }
                if let Some(j) = oos_reason.as_deref().filter(|j| !j.trim().is_empty()) {
                    w.str(4, "outOfScopeReason", j.trim());
                }
                w.finish()
            }
        };
        asset_docs.push(doc);

        // Communication links, under their source asset.
        let Some(links) = a.get("communication_links") else {
            continue;
        };
        for (lk, l) in r
            .entries(links, &format!("{at}.communication_links"))
            .to_vec()
        {
            let lat = format!("{at}.communication_links.{}", lk.name);
            if l.as_map().is_none() {
                r.error(
                    l.span,
                    format!("`{lat}` is a {}", l.type_name()),
                    "a communication link mapping",
                );
                continue;
            }
            r.unknown_keys(&l, &lat, LINK_KEYS);
            let target = match r.text(&l, "target", &lat) {
                Some((t, s)) => asset_ref(&mut r, &t, s, &format!("{lat}.target")),
                None => {
                    r.error(
                        lk.span,
                        format!("communication link `{}` has no `target`", lk.name),
                        "target: the id of a technical asset",
                    );
                    None
                }
            };
            let protocol = r.one_of(&l, "protocol", &lat, vocab::PROTOCOLS);
            let authn = r.one_of(&l, "authentication", &lat, vocab::AUTHENTICATION);
            let authz = r.one_of(&l, "authorization", &lat, vocab::AUTHORIZATION);
            let usage = r.one_of(&l, "usage", &lat, vocab::USAGE);
            let vpn = r.boolean(&l, "vpn", &lat);
            let ipf = r.boolean(&l, "ip_filtered", &lat);
            let ro = r.boolean(&l, "readonly", &lat);
            let sent: Vec<String> = r
                .list(&l, "data_assets_sent", &lat)
                .into_iter()
                .filter_map(|(d, s)| data_ref(&mut r, &d, s, &format!("{lat}.data_assets_sent")))
                .collect();
            let received: Vec<String> = r
                .list(&l, "data_assets_received", &lat)
                .into_iter()
                .filter_map(|(d, s)| {
                    data_ref(&mut r, &d, s, &format!("{lat}.data_assets_received"))
                })
                .collect();
            let tags = tags_of(&mut r, &l, &lat);
            let Some(target) = target else { continue };
            let mut fname = format!("{name}.{}", slug(&lk.name));
            if fname.len() > 63 {
                fname = slug(&fname);
            }
            let base = fname.clone();
            let mut n = 2;
            while !flow_names.insert(fname.clone()) {
                let suffix = format!("-{n}");
                let mut b = base.clone();
                b.truncate(63 - suffix.len());
                fname = format!("{}{suffix}", b.trim_end_matches(['-', '.']));
                n += 1;
            }
            let ann = vec![(
                "archgate.dev/threagile-id".to_string(),
                link_id(&id, &lk.name),
            )];
            let mut w = DocWriter::new(crate::entity::ARCHGATE_API_VERSION, "DataFlow", &fname);
            w.meta(Some(&lk.name), None, &ann, &tags);
            w.kv(2, "source", &format!("{kind}:{name}"));
            w.kv(2, "target", &target);
            if let Some((p, _)) = protocol {
                w.kv(2, "protocol", &p);
            }
            if let Some((v, _)) = authn {
                w.kv(2, "authentication", &v);
            }
            if let Some((v, _)) = authz {
                w.kv(2, "authorization", &v);
            }
            for (key, v) in [("vpn", vpn), ("ipFiltered", ipf), ("readonly", ro)] {
                if let Some(b) = v {
                    w.kv(2, key, &b.to_string());
                }
            }
            if let Some((u, _)) = usage {
                w.kv(2, "usage", &u);
            }
            let as_refs = |v: &[String]| -> Vec<String> {
                v.iter().map(|d| format!("dataasset:{d}")).collect()
            };
            w.list(2, "data", &as_refs(&sent));
            w.list(2, "dataReceived", &as_refs(&received));
            if let Some((d, _)) = r.text(&l, "description", &lat) {
                if !d.trim().is_empty() {
                    w.str(2, "description", d.trim());
                }
            }
            flow_docs.push(w.finish());
        }
    }

    // ------------------------------------------------------------ trust boundaries
    let tb_node = root
        .get("trust_boundaries")
        .cloned()
        .unwrap_or(Node::new(Value::Null, root.span));
    let tb_entries = r.entries(&tb_node, "trust_boundaries").to_vec();
    let mut tb_ids: HashMap<String, Span> = HashMap::new();
    for (k, b) in &tb_entries {
        if let Some((id, span)) = r.text(b, "id", &format!("trust_boundaries.{}", k.name)) {
            if let Some(prev) = tb_ids.insert(id.clone(), span) {
                r.error(
                    span,
                    format!(
                        "duplicate trust boundary id `{id}` (first at line {})",
                        prev.line
                    ),
                    "a unique id per trust boundary",
                );
            }
        }
    }
    let mut inside_of: HashMap<String, String> = HashMap::new();
    let mut boundary_docs: Vec<String> = Vec::new();
    for (k, b) in &tb_entries {
        let at = format!("trust_boundaries.{}", k.name);
        if b.as_map().is_none() {
            r.error(
                b.span,
                format!("`{at}` is a {}", b.type_name()),
                "a trust boundary mapping",
            );
            continue;
        }
        r.unknown_keys(b, &at, BOUNDARY_KEYS);
        let Some((id, span)) = r.text(b, "id", &at) else {
            r.error(
                k.span,
                format!("trust boundary `{}` has no `id`", k.name),
                "id: a-unique-id",
            );
            continue;
        };
        let name = entity_name(&mut r, &id, span);
        let btype = r.one_of(b, "type", &at, vocab::BOUNDARY_TYPES);
        let mut contains = Vec::new();
        for (m, s) in r.list(b, "technical_assets_inside", &at) {
            if let Some(x) = asset_ref(&mut r, &m, s, &format!("{at}.technical_assets_inside")) {
                if let Some(prev) = inside_of.insert(m.clone(), id.clone()) {
                    r.error(
                        s,
                        format!("technical asset `{m}` is already inside trust boundary `{prev}`"),
                        "each technical asset directly inside at most one trust boundary",
                    );
                }
                contains.push(x);
            }
        }
        let mut nested = Vec::new();
        for (m, s) in r.list(b, "trust_boundaries_nested", &at) {
            if tb_ids.contains_key(&m) {
                nested.push(format!("trustboundary:{}", entity_name_quiet(&m)));
            } else {
                r.error(
                    s,
                    format!("`{m}` in `{at}.trust_boundaries_nested` is not a trust boundary id"),
                    "the id of a trust boundary of this model",
                );
            }
        }
        let tags = tags_of(&mut r, b, &at);
        let ann = vec![("archgate.dev/threagile-id".to_string(), id.clone())];
        let mut w = DocWriter::new(crate::entity::ARCHGATE_API_VERSION, "TrustBoundary", &name);
        w.meta(
            Some(&k.name),
            r.text(b, "description", &at).map(|x| x.0).as_deref(),
            &ann,
            &tags,
        );
        if let Some((t, _)) = btype {
            w.kv(2, "type", &t);
        }
        w.list(2, "contains", &contains);
        w.list(2, "nested", &nested);
        boundary_docs.push(w.finish());
    }

    // ------------------------------------------------------------ shared runtimes
    let rt_node = root
        .get("shared_runtimes")
        .cloned()
        .unwrap_or(Node::new(Value::Null, root.span));
    let mut runtime_docs: Vec<String> = Vec::new();
    let mut rt_ids: HashSet<String> = HashSet::new();
    for (k, rt) in r.entries(&rt_node, "shared_runtimes").to_vec() {
        let at = format!("shared_runtimes.{}", k.name);
        if rt.as_map().is_none() {
            r.error(
                rt.span,
                format!("`{at}` is a {}", rt.type_name()),
                "a shared runtime mapping",
            );
            continue;
        }
        r.unknown_keys(&rt, &at, RUNTIME_KEYS);
        let Some((id, span)) = r.text(&rt, "id", &at) else {
            r.error(
                k.span,
                format!("shared runtime `{}` has no `id`", k.name),
                "id: a-unique-id",
            );
            continue;
        };
        if !rt_ids.insert(id.clone()) {
            r.error(
                span,
                format!("duplicate shared runtime id `{id}`"),
                "a unique id per shared runtime",
            );
            continue;
        }
        let name = entity_name(&mut r, &id, span);
        let mut runs = Vec::new();
        for (m, s) in r.list(&rt, "technical_assets_running", &at) {
            if let Some(x) = asset_ref(&mut r, &m, s, &format!("{at}.technical_assets_running")) {
                if x.starts_with("actor:") {
                    r.warn(s, format!("external entity `{m}` in shared runtime `{id}` dropped: a Runtime runs components and resources"));
                } else {
                    runs.push(x);
                }
            }
        }
        let tags = tags_of(&mut r, &rt, &at);
        let ann = vec![("archgate.dev/threagile-id".to_string(), id.clone())];
        let mut w = DocWriter::new(crate::entity::ARCHGATE_API_VERSION, "Runtime", &name);
        w.meta(
            Some(&k.name),
            r.text(&rt, "description", &at).map(|x| x.0).as_deref(),
            &ann,
            &tags,
        );
        w.list(2, "runs", &runs);
        runtime_docs.push(w.finish());
    }

    // ------------------------------------------------------------ custom risks
    let mut threat_docs: Vec<String> = Vec::new();
    let mut threat_names: HashSet<String> = HashSet::new();
    for key in ["custom_risk_categories", "individual_risk_categories"] {
        let Some(cats) = root.get(key) else { continue };
        // The current key is a list of categories; the legacy one a map by title.
        let items: Vec<(String, Node)> = match &cats.value {
            Value::Seq(items) => items.iter().map(|i| (String::new(), i.clone())).collect(),
            Value::Map(m) => m.iter().map(|(k, v)| (k.name.clone(), v.clone())).collect(),
            Value::Null => Vec::new(),
            _ => {
                r.error(
                    cats.span,
                    format!("`{key}` is a {}", cats.type_name()),
                    "a list (or map) of risk categories",
                );
                continue;
            }
        };
        for (title_key, c) in items {
            let at = format!(
                "{key}.{}",
                if title_key.is_empty() {
                    "[]"
                } else {
                    &title_key
                }
            );
            if c.as_map().is_none() {
                r.error(
                    c.span,
                    format!("`{at}` is a {}", c.type_name()),
                    "a risk category mapping",
                );
                continue;
            }
            r.unknown_keys(&c, &at, &[CATEGORY_KEYS, &["title"]].concat());
            let cat_id = r
                .text(&c, "id", &at)
                .map(|x| x.0)
                .unwrap_or_else(|| slug(&title_key));
            let cat_title = r
                .text(&c, "title", &at)
                .map(|x| x.0)
                .unwrap_or_else(|| title_key.clone());
            let stride = r.one_of(&c, "stride", &at, vocab::STRIDE);
            let _ = r.one_of(&c, "function", &at, FUNCTIONS);
            let cwe = r.text(&c, "cwe", &at).map(|x| x.0);
            let mitigation = r.text(&c, "mitigation", &at).map(|x| x.0);
            let description = r.text(&c, "description", &at).map(|x| x.0);
            let Some(risks) = c.get("risks_identified") else {
                continue;
            };
            for (rk, risk) in r.entries(risks, &format!("{at}.risks_identified")).to_vec() {
                let rat = format!("{at}.risks_identified");
                r.unknown_keys(&risk, &rat, RISK_KEYS);
                let sev = r.one_of(&risk, "severity", &rat, SEVERITY);
                let lik = r.one_of(&risk, "exploitation_likelihood", &rat, vocab::LIKELIHOOD);
                let imp = r.one_of(&risk, "exploitation_impact", &rat, vocab::IMPACT);
                let breach = r.one_of(&risk, "data_breach_probability", &rat, BREACH);
                let mut affects: Vec<String> = Vec::new();
                if let Some((t, s)) = r.text(&risk, "most_relevant_technical_asset", &rat) {
                    affects.extend(asset_ref(
                        &mut r,
                        &t,
                        s,
                        &format!("{rat}.most_relevant_technical_asset"),
                    ));
                }
                for (t, s) in r.list(&risk, "data_breach_technical_assets", &rat) {
                    if let Some(x) = asset_ref(
                        &mut r,
                        &t,
                        s,
                        &format!("{rat}.data_breach_technical_assets"),
                    ) {
                        if !affects.contains(&x) {
                            affects.push(x);
                        }
                    }
                }
                let target = affects
                    .first()
                    .and_then(|a| a.split(':').nth(1))
                    .unwrap_or("model");
                let mut tname = slug(&format!("{cat_id}-{target}"));
                let mut n = 2;
                while !threat_names.insert(tname.clone()) {
                    tname = slug(&format!("{cat_id}-{target}-{n}"));
                    n += 1;
                }
                let mut ann = vec![(
                    "archgate.dev/threagile-category".to_string(),
                    cat_id.clone(),
                )];
                if let Some((s, _)) = &sev {
                    ann.push(("archgate.dev/threagile-severity".into(), s.clone()));
                }
                if let Some((b, _)) = &breach {
                    ann.push((
                        "archgate.dev/threagile-data-breach-probability".into(),
                        b.clone(),
                    ));
                }
                let mut w = DocWriter::new(crate::entity::ARCHGATE_API_VERSION, "Threat", &tname);
                w.meta(
                    Some(&strip_html(&rk.name)),
                    description.as_deref(),
                    &ann,
                    &[],
                );
                w.str(
                    2,
                    "title",
                    &format!("{}: {}", strip_html(&cat_title), strip_html(&rk.name)),
                );
                if let Some((s, _)) = &stride {
                    w.text.push_str(&format!("  stride: [{s}]\n"));
                }
                if let Some((s, _)) = &sev {
                    // Threagile's `elevated` sits between medium and high; rounded up.
                    let mapped = if s == "elevated" { "high" } else { s.as_str() };
                    w.kv(2, "severity", mapped);
                }
                if let Some((l, _)) = lik {
                    w.kv(2, "likelihood", &l);
                }
                if let Some((i, _)) = imp {
                    w.kv(2, "impact", &i);
                }
                w.list(2, "affects", &affects);
                if let Some(c) = &cwe {
                    let c = c.trim();
                    let cw = if c.to_ascii_uppercase().starts_with("CWE") {
                        c.to_string()
                    } else {
                        format!("CWE-{c}")
                    };
                    w.list(2, "cwe", &[cw]);
                }
                if let Some(m) = &mitigation {
                    w.str(2, "mitigation", m.trim());
                }
                threat_docs.push(w.finish());
            }
        }
    }

    // ------------------------------------------------------------ risk tracking
    let mut exception_docs: Vec<String> = Vec::new();
    let mut people: BTreeMap<String, String> = BTreeMap::new();
    let mut exc_names: HashSet<String> = HashSet::new();
    let tr_node = root
        .get("risk_tracking")
        .cloned()
        .unwrap_or(Node::new(Value::Null, root.span));
    for (k, t) in r.entries(&tr_node, "risk_tracking").to_vec() {
        let at = format!("risk_tracking.{}", k.name);
        if t.as_map().is_none() {
            r.error(
                t.span,
                format!("`{at}` is a {}", t.type_name()),
                "a risk tracking mapping",
            );
            continue;
        }
        r.unknown_keys(&t, &at, TRACKING_KEYS);
        let status = r
            .one_of(&t, "status", &at, RISK_STATUS)
            .map(|x| x.0)
            .unwrap_or_else(|| "unchecked".into());
        if status == "unchecked" {
            r.warn(
                k.span,
                format!(
                    "risk tracking `{}` is unchecked: no exception imported",
                    k.name
                ),
            );
            continue;
        }
        let justification = r
            .text(&t, "justification", &at)
            .map(|x| x.0)
            .unwrap_or_default();
        let created = r
            .text(&t, "date", &at)
            .and_then(|(d, s)| match vocab::parse_date(&d) {
                Some(x) => Some(x),
                None => {
                    r.error(
                        s,
                        format!("`{d}` is not a valid date for `{at}.date`"),
                        "a date YYYY-MM-DD",
                    );
                    None
                }
            });
        let checked_by = r
            .text(&t, "checked_by", &at)
            .map(|x| x.0)
            .filter(|c| !c.trim().is_empty());
        let mut ename = slug(&k.name.replace('*', "any"));
        let mut n = 2;
        while !exc_names.insert(ename.clone()) {
            ename = slug(&format!("{}-{n}", k.name.replace('*', "any")));
            n += 1;
        }
        let mut w = DocWriter::new(crate::entity::ARCHGATE_API_VERSION, "Exception", &ename);
        w.meta(
            Some(&k.name),
            None,
            &[("archgate.dev/threagile-risk-id".to_string(), k.name.clone())],
            &[],
        );
        w.str(2, "threat", &k.name);
        w.str(
            2,
            "justification",
            if justification.trim().is_empty() {
                "Imported from Threagile risk tracking without a justification."
            } else {
                justification.trim()
            },
        );
        if let Some(c) = &checked_by {
            let u = slug(c);
            people.entry(u.clone()).or_insert_with(|| c.clone());
            w.kv(2, "approver", &format!("user:{u}"));
        }
        if let Some(d) = created {
            w.kv(2, "created", &d.format("%Y-%m-%d").to_string());
        }
        if matches!(
            status.as_str(),
            "accepted" | "in-progress" | "in-discussion"
        ) {
            let start = today.max(created.unwrap_or(today));
            let expires = start + chrono::Duration::days(DEFAULT_EXPIRY_DAYS);
            w.kv(2, "expires", &expires.format("%Y-%m-%d").to_string());
            out.warnings.push(format!(
                "{file}: risk tracking `{}` ({status}) has no expiry in Threagile; the imported exception expires {} ({DEFAULT_EXPIRY_DAYS} days): review it",
                k.name,
                expires.format("%Y-%m-%d")
            ));
        }
        if let Some((tk, _)) = r.text(&t, "ticket", &at) {
            w.str(2, "ticket", &tk);
        }
        w.kv(2, "status", &status);
        exception_docs.push(w.finish());
    }

    if !r.errors.is_empty() {
        return Err(r.errors);
    }

    // ------------------------------------------------------------ system and groups
    let system_owner = owner_count
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(k, _)| k.clone())
        .unwrap_or_else(fallback);
    if fallback_used.get() {
        groups.insert(FALLBACK_OWNER.into(), "Threat model owners".into());
    }
    let mut sys = DocWriter::new("backstage.io/v1alpha1", "System", &system);
    let overview = [
        "application_description",
        "business_overview",
        "technical_overview",
    ]
    .iter()
    .filter_map(|k| {
        root.get(k)
            .and_then(|n| n.get("description"))
            .and_then(|d| d.scalar_text())
    })
    .map(|d| strip_html(&d))
    .filter(|d| !d.is_empty())
    .collect::<Vec<_>>()
    .join("\n\n");
    let mut ann = Vec::new();
    if let Some((v, _)) = r.text(root, "threagile_version", "model") {
        ann.push(("archgate.dev/threagile-version".to_string(), v));
    }
    if let Some(a) = root
        .get("author")
        .and_then(|a| a.get("name"))
        .and_then(|n| n.scalar_text())
    {
        ann.push(("archgate.dev/threagile-author".into(), a));
    }
    if let Some((d, _)) = r.text(root, "date", "model") {
        ann.push(("archgate.dev/threagile-date".into(), d));
    }
    if let Some((m, _)) = r.text(root, "management_summary_comment", "model") {
        ann.push((
            "archgate.dev/threagile-management-summary".into(),
            strip_html(&m),
        ));
    }
    sys.meta(Some(&title), Some(&overview), &ann, &[]);
    sys.kv(2, "owner", &format!("group:{system_owner}"));
    let crit = r.one_of(root, "business_criticality", "model", vocab::CRITICALITY);
    let texts: Vec<(&str, Vec<(String, String)>)> =
        ["security_requirements", "abuse_cases", "questions"]
            .iter()
            .map(|k| {
                let entries = root
                    .get(k)
                    .and_then(|n| n.as_map())
                    .map(|m| {
                        m.iter()
                            .map(|(key, v)| (key.name.clone(), v.scalar_text().unwrap_or_default()))
                            .collect()
                    })
                    .unwrap_or_default();
                (*k, entries)
            })
            .collect();
    if crit.is_some() || texts.iter().any(|(_, v)| !v.is_empty()) {
        sys.text.push_str("  archgate:\n");
        if let Some((c, _)) = &crit {
            sys.kv(4, "businessCriticality", c);
        }
        for (k, entries) in &texts {
            if entries.is_empty() {
                continue;
            }
            let key = match *k {
                "security_requirements" => "securityRequirements",
                "abuse_cases" => "abuseCases",
                _ => "questions",
            };
            let _ = writeln!(sys.text, "    {key}:");
            for (q, a) in entries {
                let _ = writeln!(sys.text, "      {}: {}", yaml_str(q), yaml_str(a.trim()));
            }
        }
    }
    if !r.errors.is_empty() {
        return Err(r.errors);
    }
    let mut group_docs = Vec::new();
    for (name, title) in &groups {
        let mut w = DocWriter::new("backstage.io/v1alpha1", "Group", name);
        w.meta(
            Some(title),
            Some("Owner named in the Threagile model."),
            &[],
            &[],
        );
        w.kv(2, "type", "team");
        w.kv(2, "children", "[]");
        group_docs.push(w.finish());
    }
    for (name, full) in &people {
        let mut w = DocWriter::new("backstage.io/v1alpha1", "User", name);
        w.meta(
            None,
            Some("Checked risks in the Threagile model."),
            &[],
            &[],
        );
        let _ = writeln!(w.text, "  profile:\n    displayName: {}", yaml_str(full));
        w.kv(2, "memberOf", "[]");
        group_docs.push(w.finish());
    }
    let tags_available: Vec<String> = r
        .list(root, "tags_available", "model")
        .into_iter()
        .map(|t| t.0)
        .collect();
    let changed: Vec<&String> = tags_available
        .iter()
        .filter(|t| tag(t).as_deref() != Some(t.as_str()))
        .collect();
    if !changed.is_empty() {
        out.warnings.push(format!(
            "{file}: tags rewritten to Backstage's tag syntax: {}",
            changed
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if root
        .as_map()
        .is_some_and(|m| m.iter().any(|(k, _)| k.name.starts_with("diagram_tweak_")))
    {
        out.warnings.push(format!(
            "{file}: diagram_tweak_* settings dropped (archgate lays diagrams out itself)"
        ));
    }
    out.warnings.push(format!(
        "{file}: owners became groups: {}",
        groups.keys().cloned().collect::<Vec<_>>().join(", ")
    ));
    out.warnings.extend(r.warnings);

    let header =
        format!("# Imported from the Threagile model {file} by `archgate import threagile`.\n");
    let join = |docs: &[String]| -> String { format!("{header}{}", docs.join("---\n")) };
    let mut files = vec![
        ("catalog/system.yaml".to_string(), join(&[sys.finish()])),
        ("catalog/owners.yaml".to_string(), join(&group_docs)),
    ];
    for (path, docs) in [
        ("catalog/data-assets.yaml", &data_docs),
        ("catalog/technical-assets.yaml", &asset_docs),
        ("catalog/data-flows.yaml", &flow_docs),
        ("catalog/trust-boundaries.yaml", &boundary_docs),
        ("catalog/shared-runtimes.yaml", &runtime_docs),
        ("catalog/threats.yaml", &threat_docs),
        ("exceptions/threagile-risk-tracking.yaml", &exception_docs),
    ] {
        if !docs.is_empty() {
            files.push((path.to_string(), join(docs)));
        }
    }
    files.push((
        "archgate.yaml".to_string(),
        format!(
            "# archgate workspace imported from the Threagile model {file}.\nversion: 1\nname: {}\niac:\n  # The model holds no infrastructure code: keep the scan off the model files.\n  # List the IaC directories under `roots` when you add them.\n  exclude:\n    - \"catalog/**\"\n    - \"exceptions/**\"\n",
            yaml_str(&system)
        ),
    ));
    out.files = files;
    Ok(out)
}

fn tags_of(r: &mut Reader, n: &Node, at: &str) -> Vec<String> {
    r.list(n, "tags", at)
        .into_iter()
        .filter_map(|(t, _)| tag(&t))
        .collect()
}

/// The entity name for a Threagile id (slugged with a warning when the id
/// is not a valid Backstage name).
fn entity_name(r: &mut Reader, id: &str, span: Span) -> String {
    if crate::reference::is_valid_name(id) {
        id.to_ascii_lowercase()
    } else {
        let s = slug(id);
        r.warn(
            span,
            format!("id `{id}` is not a valid entity name; imported as `{s}`"),
        );
        s
    }
}

fn entity_name_quiet(id: &str) -> String {
    if crate::reference::is_valid_name(id) {
        id.to_ascii_lowercase()
    } else {
        slug(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_texts;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default()
    }

    const SMALL: &str = "title: Tiny App\nbusiness_criticality: critical\ndata_assets:\n  Cards:\n    id: cards\n    owner: Payments Team\n    usage: business\n    confidentiality: strictly-confidential\n    integrity: critical\n    availability: important\n  Notes:\n    id: notes\n    owner: Payments Team\n    confidentiality: restricted\ntechnical_assets:\n  Browser:\n    id: browser\n    type: external-entity\n    used_as_client_by_human: true\n    technology: browser\n    internet: true\n    owner: Customer\n    data_assets_processed: [cards]\n    communication_links:\n      Checkout Traffic:\n        target: api\n        protocol: https\n        authentication: session-id\n        authorization: end-user-identity-propagation\n        data_assets_sent: [cards]\n  API:\n    id: api\n    type: process\n    technology: web-service-rest\n    machine: container\n    encryption: none\n    owner: Payments Team\n    confidentiality: confidential\n    integrity: critical\n    availability: critical\n    multi_tenant: false\n    redundant: true\n    custom_developed_parts: true\n    data_assets_processed: [cards, notes]\n    data_formats_accepted: [json]\n    communication_links:\n      DB Access:\n        target: db\n        protocol: jdbc-encrypted\n        authentication: credentials\n        authorization: technical-user\n        readonly: false\n        data_assets_sent: [cards]\n  DB:\n    id: db\n    type: datastore\n    technology: database\n    encryption: transparent\n    owner: Payments Team\n    data_assets_stored: [cards]\ntrust_boundaries:\n  Cloud:\n    id: cloud\n    type: network-cloud-provider\n    technical_assets_inside: [api]\n    trust_boundaries_nested: [data]\n  Data:\n    id: data\n    type: network-cloud-security-group\n    technical_assets_inside: [db]\nshared_runtimes:\n  K8s:\n    id: k8s\n    technical_assets_running: [api, db]\nrisk_tracking:\n  sql-nosql-injection@db@api>db-access:\n    status: accepted\n    justification: Prepared statements everywhere\n    date: 2026-01-02\n    checked_by: Jane Roe\n  missing-waf@*:\n    status: mitigated\n    justification: WAF in front\n";

    fn files(imp: &Imported) -> Vec<(String, String)> {
        imp.files
            .iter()
            .filter(|(p, _)| p.starts_with("catalog/"))
            .cloned()
            .collect()
    }

    #[test]
    fn imports_a_small_model_that_loads_cleanly() {
        let imp = import("m.yaml", SMALL, today()).unwrap();
        let loaded = load_texts(&files(&imp));
        assert!(loaded.errors.is_empty(), "{:#?}", loaded.errors);
        let c = &loaded.catalog;
        let get =
            |k: crate::reference::Kind, n: &str| c.get(&crate::EntityRef::new(k, "default", n));
        use crate::reference::Kind;
        assert!(get(Kind::System, "tiny-app").is_some());
        assert!(get(Kind::Actor, "browser").is_some());
        let api = get(Kind::Component, "api").unwrap();
        let a = api.archgate.as_ref().unwrap();
        assert_eq!(a.technology.as_ref().unwrap().value, "web-service-rest");
        assert_eq!(a.encryption_at_rest.as_ref().unwrap().value, "none");
        assert_eq!(a.data_processed.len(), 2);
        assert_eq!(a.data_formats_accepted[0].value, "json");
        assert!(a.redundant.as_ref().unwrap().value);
        let db = get(Kind::Resource, "db").unwrap();
        assert_eq!(db.spec_type.as_ref().unwrap().value, "database");
        let flow = get(Kind::DataFlow, "browser.checkout-traffic").unwrap();
        let Details::DataFlow(f) = &flow.details else {
            panic!()
        };
        assert_eq!(f.target.target.to_string(), "component:default/api");
        assert_eq!(f.authentication.as_ref().unwrap().value, "session-id");
        assert_eq!(
            flow.doc
                .path("metadata.annotations")
                .and_then(|a| a.get("archgate.dev/threagile-id"))
                .and_then(|n| n.as_str()),
            Some("browser>checkout-traffic")
        );
        let Details::TrustBoundary(tb) = &get(Kind::TrustBoundary, "cloud").unwrap().details else {
            panic!()
        };
        assert_eq!(
            tb.nested[0].target.to_string(),
            "trustboundary:default/data"
        );
        assert_eq!(tb.contains[0].target.to_string(), "component:default/api");
        let Details::DataAsset(notes) = &get(Kind::DataAsset, "notes").unwrap().details else {
            panic!()
        };
        // Threagile's `restricted` is below confidential.
        assert_eq!(
            notes.classification.as_ref().unwrap().value,
            Classification::Internal
        );
        assert!(get(Kind::Group, "payments-team").is_some());
        assert!(get(Kind::User, "jane-roe").is_some());
        let exc = &imp
            .files
            .iter()
            .find(|(p, _)| p.starts_with("exceptions/"))
            .unwrap()
            .1;
        assert!(
            exc.contains("threat: sql-nosql-injection@db@api>db-access"),
            "{exc}"
        );
        assert!(exc.contains("expires: 2027-02-23"), "{exc}");
        assert!(exc.contains("status: mitigated"));
        assert!(imp.warnings.iter().any(|w| w.contains("no expiry")));
    }

    use crate::entity::Details;
    use crate::vocab::Classification;

    #[test]
    fn output_is_deterministic() {
        assert_eq!(
            import("m.yaml", SMALL, today()),
            import("m.yaml", SMALL, today())
        );
    }

    #[test]
    fn bad_models_are_located_errors() {
        // (model, text on the line at fault (last occurrence), message part)
        for (bad, at, needle) in [
            (
                SMALL.replace("protocol: https", "protocol: carrier-pigeon"),
                "carrier-pigeon",
                "carrier-pigeon",
            ),
            (
                SMALL.replace("target: db", "target: nowhere"),
                "nowhere",
                "nowhere",
            ),
            (
                SMALL.replace("confidentiality: confidential", "confidentiality: secret"),
                "secret",
                "secret",
            ),
            (
                SMALL.replace("data_assets_stored: [cards]", "data_assets_stored: [cardz]"),
                "cardz",
                "cardz",
            ),
            (
                SMALL.replace("type: datastore", "type: database"),
                "type: database",
                "database",
            ),
            (
                SMALL.replace("status: accepted", "status: ignored"),
                "ignored",
                "ignored",
            ),
            (
                SMALL.replace("    id: db\n", "    id: api\n"),
                "id: api",
                "duplicate",
            ),
            (
                SMALL.replace(
                    "trust_boundaries_nested: [data]",
                    "trust_boundaries_nested: [dta]",
                ),
                "[dta]",
                "dta",
            ),
            (
                SMALL.replace("date: 2026-01-02", "date: 2026-13-02"),
                "2026-13-02",
                "not a valid date",
            ),
            (
                SMALL.replace("redundant: true", "redundant: maybe"),
                "maybe",
                "boolean",
            ),
            (
                "title: [unclosed\nnext: 1\n".to_string(),
                "next",
                "invalid YAML",
            ),
            ("- a list".to_string(), "a list", "mapping"),
            ("title: x\n".to_string(), "title", "technical_assets"),
            (
                "title: x\nincludes: [other.yaml]\ntechnical_assets: {}\n".to_string(),
                "includes",
                "includes",
            ),
        ] {
            let line = bad[..bad.rfind(at).unwrap_or(0)].matches('\n').count() as u32 + 1;
            let errs = import("m.yaml", &bad, today()).unwrap_err();
            let e = errs
                .iter()
                .find(|e| e.render().contains(needle))
                .unwrap_or_else(|| panic!("{needle}: {errs:?}"));
            assert_eq!(
                (e.file.as_str(), e.line),
                ("m.yaml", line),
                "{needle}: {e:?}"
            );
        }
        assert!(import("m.yaml", "", today()).is_err());
    }

    #[test]
    fn html_ids_and_tags() {
        assert_eq!(strip_html("<b>Example</b> at <i>DB</i>"), "Example at DB");
        assert_eq!(
            link_id("client", "Customer Traffic"),
            "client>customer-traffic"
        );
        assert_eq!(tag("AWS:EC2"), Some("aws:ec2".into()));
        assert_eq!(tag("some erp"), Some("some-erp".into()));
        assert_eq!(tag("!!"), None);
    }

    /// Threagile's own example model (read in place from the shared corpus).
    fn example() -> Option<String> {
        let root = std::env::var_os("ARCHGATE_CORPUS")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
            });
        std::fs::read_to_string(root.join("threagile/threagile-example-model.yaml")).ok()
    }

    #[test]
    fn threagile_example_model_imports_faithfully() {
        let Some(text) = example() else {
            eprintln!("skipped: no shared corpus with the Threagile example (set ARCHGATE_CORPUS)");
            return;
        };
        let imp = import("threagile-example-model.yaml", &text, today()).unwrap();
        let loaded = load_texts(&files(&imp));
        assert!(loaded.errors.is_empty(), "{:#?}", loaded.errors);
        use crate::reference::Kind;
        let c = &loaded.catalog;
        let count = |k: Kind| c.of_kind(k).count();
        // Every data asset, technical asset, link, boundary and runtime of the example.
        let ids = |key: &str| -> usize {
            let doc = parse_documents(&text).unwrap();
            doc[0]
                .get(key)
                .and_then(|n| n.as_map())
                .map_or(0, |m| m.len())
        };
        assert_eq!(count(Kind::DataAsset), ids("data_assets"));
        assert_eq!(
            count(Kind::Component) + count(Kind::Resource) + count(Kind::Actor),
            ids("technical_assets")
        );
        assert_eq!(count(Kind::TrustBoundary), ids("trust_boundaries"));
        assert_eq!(count(Kind::Runtime), ids("shared_runtimes"));
        let links = text.matches("\n        target: ").count();
        assert_eq!(count(Kind::DataFlow), links);
        // The legacy individual_risk_categories: two identified risks.
        assert_eq!(count(Kind::Threat), 2);
        // Nesting: application-network nests web-dmz, erp-dmz and auth-env.
        let net = c
            .get(&crate::EntityRef::new(
                Kind::TrustBoundary,
                "default",
                "application-network",
            ))
            .unwrap();
        let Details::TrustBoundary(tb) = &net.details else {
            panic!()
        };
        let nested: Vec<String> = tb.nested.iter().map(|r| r.target.name.clone()).collect();
        assert_eq!(nested, vec!["web-dmz", "erp-dmz", "auth-env"]);
        // Human-used clients are human actors; the SQL database is a data store.
        let client = c
            .get(&crate::EntityRef::new(
                Kind::Actor,
                "default",
                "customer-client",
            ))
            .unwrap();
        let Details::Actor(a) = &client.details else {
            panic!()
        };
        assert_eq!(a.actor_type.as_ref().unwrap().value, "human");
        assert!(c
            .get(&crate::EntityRef::new(
                Kind::Resource,
                "default",
                "sql-database"
            ))
            .is_some());
        // Six risk-tracking entries.
        let exc = &imp
            .files
            .iter()
            .find(|(p, _)| p.starts_with("exceptions/"))
            .unwrap()
            .1;
        assert_eq!(exc.matches("kind: Exception").count(), 6);
    }

    mod no_panic {
        use super::*;
        use proptest::prelude::*;

        /// Lines of the small model, shuffled, dropped and retyped, so
        /// generated models get past the YAML parser into the importer.
        fn mutated() -> impl Strategy<Value = String> {
            let lines: Vec<String> = SMALL.lines().map(String::from).collect();
            let n = lines.len();
            (
                prop::collection::vec(0..n, 0..n * 2),
                prop::sample::select(vec![
                    "", "[", "{}", "- x", "null", "7", "true", "*", "a: b: c", "~",
                ]),
            )
                .prop_map(move |(picks, junk)| {
                    let mut out = String::new();
                    for (k, i) in picks.into_iter().enumerate() {
                        let line = lines.get(i).cloned().unwrap_or_default();
                        if k % 7 == 3 {
                            let indent = line.len() - line.trim_start().len();
                            out.push_str(&line[..indent]);
                            out.push_str(line.split(':').next().unwrap_or("").trim_start());
                            out.push_str(": ");
                            out.push_str(junk);
                        } else {
                            out.push_str(&line);
                        }
                        out.push('\n');
                    }
                    out
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]

            #[test]
            fn random_text_never_panics(text in ".{0,400}") {
                let _ = import("m.yaml", &text, today());
            }

            #[test]
            fn mutated_models_never_panic_and_load_when_accepted(text in mutated()) {
                if let Ok(imp) = import("m.yaml", &text, today()) {
                    // Whatever the importer accepts is a catalog archgate reads.
                    let loaded = load_texts(&files(&imp));
                    prop_assert!(loaded.errors.is_empty(), "{:?}\n{text}", loaded.errors);
                }
            }
        }
    }
}
