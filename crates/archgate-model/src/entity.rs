//! One catalog document turned into a typed [`Entity`]: the Backstage
//! envelope (`apiVersion`, `kind`, `metadata`, `spec`), the Backstage kinds'
//! relations, the `spec.archgate` block and archgate's own kinds.
//!
//! Backstage specs are read leniently (extra keys are Backstage's business),
//! archgate's blocks and kinds strictly (unknown keys and wrong types are
//! [`InputError`]s). Not here: reading files, following `Location`s and
//! cross-entity checks (see [`crate::load`] and [`crate::validate`]).

use crate::facts::{self, ArchgateFacts};
use crate::read::{Ctx, Fact, Reference};
use crate::reference::{is_valid_name, EntityRef, Kind, DEFAULT_NAMESPACE};
use crate::vocab::{self, Classification};
use archgate_core::fields::{type_error, Fields};
use archgate_core::{InputError, Node, Note, Severity, Span, Value};
use std::sync::Arc;
use std::time::Duration;

const OWNER: &[Kind] = &[Kind::Group, Kind::User];
const SYSTEM: &[Kind] = &[Kind::System];
const DOMAIN: &[Kind] = &[Kind::Domain];
const COMPONENT: &[Kind] = &[Kind::Component];
const API: &[Kind] = &[Kind::Api];
const GROUP: &[Kind] = &[Kind::Group];
const USER: &[Kind] = &[Kind::User];
const BOUNDARY: &[Kind] = &[Kind::TrustBoundary];
const DATA_ASSET: &[Kind] = &[Kind::DataAsset];
const ANY: &[Kind] = &[];
const FLOW_END: &[Kind] = &[Kind::Component, Kind::Resource, Kind::Api, Kind::Actor];
const MEMBER: &[Kind] = &[
    Kind::Component,
    Kind::Resource,
    Kind::Api,
    Kind::Actor,
    Kind::Runtime,
];
const RUNS: &[Kind] = &[Kind::Component, Kind::Resource];
const PROFILE_TARGET: &[Kind] = &[
    Kind::Component,
    Kind::Resource,
    Kind::Api,
    Kind::System,
    Kind::Domain,
];
const SCOPED: &[Kind] = &[Kind::Component, Kind::Resource, Kind::Api, Kind::System];

/// The archgate kinds' apiVersion.
pub const ARCHGATE_API_VERSION: &str = "archgate.dev/v1alpha1";
/// Backstage apiVersions read.
pub const BACKSTAGE_API_VERSIONS: &[&str] = &["backstage.io/v1alpha1", "backstage.io/v1beta1"];

/// One entity of the catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub kind: Kind,
    pub api_version: String,
    /// `kind:namespace/name`, normalised.
    pub reference: EntityRef,
    /// `metadata.name` as written, with its span.
    pub name: Fact<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub file: Arc<str>,
    /// The whole document.
    pub span: Span,
    /// The `spec` key, where missing spec fields are reported.
    pub spec_key: Option<Span>,
    pub spec_type: Option<Fact<String>>,
    pub lifecycle: Option<Fact<String>>,
    pub owner: Option<Reference>,
    pub relations: Relations,
    /// The `spec.archgate` block (after Profiles are applied).
    pub archgate: Option<ArchgateFacts>,
    /// Kind-specific content of archgate's own kinds and `Location`.
    pub details: Details,
    /// The document as parsed, for rules that read fields archgate does not type.
    pub doc: Node,
}

impl Entity {
    /// The archgate tier (1 most critical … 4), if set.
    pub fn tier(&self) -> Option<u8> {
        self.archgate.as_ref()?.tier.as_ref().map(|t| t.value)
    }

    /// Where a missing spec field is reported: the `spec` key, else `metadata.name`.
    pub fn missing_field_span(&self) -> Span {
        self.spec_key.unwrap_or(self.name.span)
    }
}

/// Backstage relations, by field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Relations {
    pub system: Option<Reference>,
    pub domain: Option<Reference>,
    pub subcomponent_of: Option<Reference>,
    pub subdomain_of: Option<Reference>,
    pub parent: Option<Reference>,
    pub provides_apis: Vec<Reference>,
    pub consumes_apis: Vec<Reference>,
    pub depends_on: Vec<Reference>,
    pub dependency_of: Vec<Reference>,
    pub children: Vec<Reference>,
    pub members: Vec<Reference>,
    pub member_of: Vec<Reference>,
}

/// Kind-specific content.
#[derive(Debug, Clone, PartialEq)]
pub enum Details {
    /// Backstage kinds other than Location: see [`Relations`].
    Backstage,
    Location(LocationSpec),
    DataAsset(DataAsset),
    DataFlow(DataFlow),
    TrustBoundary(TrustBoundary),
    Runtime(RuntimeSpec),
    Actor(Actor),
    Exception(Exception),
    Standard(Standard),
    Threat(Threat),
    Profile(Box<Profile>),
}

/// A Backstage `Location`: more descriptor files to read.
#[derive(Debug, Clone, PartialEq)]
pub struct LocationSpec {
    pub location_type: Option<Fact<String>>,
    pub targets: Vec<Fact<String>>,
    /// `presence: optional`: a missing target is a note, not an error.
    pub optional: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DataAsset {
    pub classification: Option<Fact<Classification>>,
    pub categories: Vec<Fact<String>>,
    pub integrity: Option<Fact<String>>,
    pub availability: Option<Fact<String>>,
    pub quantity: Option<Fact<String>>,
    pub usage: Option<Fact<String>>,
    pub origin: Option<Fact<String>>,
    /// Regions the data may live in.
    pub residency: Vec<Fact<String>>,
    pub retention: Option<Fact<Duration>>,
    pub justification: Option<Fact<String>>,
    pub system: Option<Reference>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DataFlow {
    pub source: Reference,
    pub target: Reference,
    pub protocol: Option<Fact<String>>,
    /// Data assets carried from source to target.
    pub data: Vec<Reference>,
    /// Data assets returned to the source.
    pub data_received: Vec<Reference>,
    pub encrypted: Option<Fact<bool>>,
    pub authentication: Option<Fact<String>>,
    pub authorization: Option<Fact<String>>,
    pub mtls: Option<Fact<bool>>,
    pub signed: Option<Fact<bool>>,
    pub vpn: Option<Fact<bool>>,
    pub ip_filtered: Option<Fact<bool>>,
    pub readonly: Option<Fact<bool>>,
    pub usage: Option<Fact<String>>,
    /// Intermediaries in order (WAF, gateway…).
    pub via: Vec<Reference>,
    pub description: Option<Fact<String>>,
    pub tags: Vec<Fact<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrustBoundary {
    pub boundary_type: Option<Fact<String>>,
    pub zone: Option<Fact<String>>,
    pub contains: Vec<Reference>,
    pub nested: Vec<Reference>,
    /// The most sensitive data the boundary may hold.
    pub max_classification: Option<Fact<Classification>>,
    pub environment: Option<Fact<String>>,
    pub provider: Option<Fact<String>>,
    pub region: Option<Fact<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuntimeSpec {
    pub runtime_type: Option<Fact<String>>,
    pub runs: Vec<Reference>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub actor_type: Option<Fact<String>>,
    pub internet: Option<Fact<bool>>,
    pub trusted: Option<Fact<bool>>,
    pub region: Option<Fact<String>>,
}

/// A risk exception: its shape only; waiving findings is governance's job.
#[derive(Debug, Clone, PartialEq)]
pub struct Exception {
    pub rule: Option<Fact<String>>,
    pub control: Option<Fact<String>>,
    pub threat: Option<Fact<String>>,
    pub scope_component: Option<Reference>,
    pub scope_resource: Option<Fact<String>>,
    pub scope_path: Option<Fact<String>>,
    pub justification: Fact<String>,
    pub compensating_controls: Vec<Fact<String>>,
    pub risk_owner: Option<Reference>,
    pub requester: Option<Fact<String>>,
    pub approver: Option<Reference>,
    pub created: Option<Fact<chrono::NaiveDate>>,
    pub expires: Option<Fact<chrono::NaiveDate>>,
    pub ticket: Option<Fact<String>>,
    pub status: Fact<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Standard {
    pub frameworks: Vec<Fact<String>>,
    pub requirements: Vec<Requirement>,
    pub thresholds: Vec<Threshold>,
    /// Workload archetypes this workspace adds to the built-in ones.
    pub archetypes: Vec<Fact<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    pub id: Fact<String>,
    pub title: Option<Fact<String>>,
    pub rules: Vec<Fact<String>>,
    pub level: Option<Fact<String>>,
    pub applies_kind: Option<Fact<String>>,
    pub applies_type: Option<Fact<String>>,
    pub applies_tiers: Vec<Fact<u8>>,
    pub applies_archetype: Option<Fact<String>>,
}

/// Per tier, the severity at or above which an unaccepted finding fails CI.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub tier: Fact<u8>,
    pub fail_on: Fact<Severity>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Threat {
    pub title: Fact<String>,
    pub stride: Vec<Fact<String>>,
    pub severity: Option<Fact<String>>,
    pub likelihood: Option<Fact<String>>,
    pub impact: Option<Fact<String>>,
    pub affects: Vec<Reference>,
    pub cwe: Vec<Fact<String>>,
    pub mitigation: Option<Fact<String>>,
    pub status: Option<Fact<String>>,
}

/// archgate facts for an entity, kept outside that entity's file.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub target: Reference,
    pub facts: ArchgateFacts,
}

/// What became of one document.
pub(crate) enum Outcome {
    Entity(Box<Entity>),
    /// Not an entity archgate reads (empty document, Template, foreign kind).
    Skipped,
    /// Unusable; the ref (when known) is remembered so references to it are
    /// not reported as dangling on top of the input error.
    Failed(Option<EntityRef>),
}

const ENVELOPE_KEYS: &[&str] = &["apiVersion", "kind", "metadata", "spec"];
const BACKSTAGE_ENVELOPE_KEYS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "spec",
    "relations",
    "status",
];

/// Reads one parsed document of `file`.
pub(crate) fn read_document(
    file: &Arc<str>,
    doc: Node,
    errors: &mut Vec<InputError>,
    notes: &mut Vec<Note>,
) -> Outcome {
    if doc.is_null() {
        return Outcome::Skipped;
    }
    let env = match Fields::new(file, &doc, "") {
        Ok(f) => f,
        Err(e) => {
            errors.push(
                e.expected("a catalog entity: a mapping with apiVersion, kind, metadata and spec"),
            );
            return Outcome::Failed(None);
        }
    };
    let (api_version, kind_text) = match (env.req_str("apiVersion"), env.req_str("kind")) {
        (Ok(a), Ok(k)) => (a, k),
        (Err(e), _) | (_, Err(e)) => {
            errors.push(e.expected("a catalog entity with apiVersion and kind"));
            return Outcome::Failed(None);
        }
    };
    let known = Kind::from_name(&kind_text.value);
    let kind = if api_version.value.starts_with("backstage.io/") {
        match known {
            Some(k)
                if k.is_backstage()
                    && BACKSTAGE_API_VERSIONS.contains(&api_version.value.as_str()) =>
            {
                k
            }
            _ => {
                notes.push(Note {
                    file: Some(file.to_string()),
                    message: format!(
                        "line {}: skipped {} ({}): archgate does not read this kind",
                        doc.span.line, kind_text.value, api_version.value
                    ),
                });
                return Outcome::Skipped;
            }
        }
    } else if api_version.value == ARCHGATE_API_VERSION {
        match known {
            Some(k) if !k.is_backstage() => k,
            _ => {
                let names: Vec<&str> = Kind::ARCHGATE.iter().map(|k| k.as_str()).collect();
                errors.push(
                    InputError::new(
                        &**file,
                        kind_text.span.line,
                        kind_text.span.col,
                        format!(
                            "unknown kind `{}` for {ARCHGATE_API_VERSION}",
                            kind_text.value
                        ),
                    )
                    .expected(format!("one of {}", names.join(", "))),
                );
                return Outcome::Failed(None);
            }
        }
    } else if api_version.value.starts_with("archgate.dev/") {
        errors.push(
            InputError::new(
                &**file,
                api_version.span.line,
                api_version.span.col,
                format!("unsupported apiVersion `{}`", api_version.value),
            )
            .expected(ARCHGATE_API_VERSION),
        );
        return Outcome::Failed(None);
    } else {
        notes.push(Note {
            file: Some(file.to_string()),
            message: format!(
                "line {}: skipped {} ({}): not a catalog entity",
                doc.span.line, kind_text.value, api_version.value
            ),
        });
        return Outcome::Skipped;
    };

    let mut ctx = Ctx {
        file: file.clone(),
        namespace: DEFAULT_NAMESPACE.to_string(),
        errors,
    };
    let envelope_keys = if kind.is_backstage() {
        BACKSTAGE_ENVELOPE_KEYS
    } else {
        ENVELOPE_KEYS
    };
    ctx.deny_unknown(&doc, "", envelope_keys);

    // metadata
    let meta = match env
        .required("metadata")
        .and_then(|n| Fields::new(file, n, "metadata"))
    {
        Ok(m) => m,
        Err(e) => {
            ctx.push(e.expected("metadata with at least a name"));
            return Outcome::Failed(None);
        }
    };
    let name = match meta.req_str("name") {
        Ok(n) => n,
        Err(e) => {
            ctx.push(e.expected("an entity name"));
            return Outcome::Failed(None);
        }
    };
    if !is_valid_name(&name.value) {
        ctx.error_at(
            name.span,
            format!("`{}` is not a valid entity name", name.value),
            "1-63 letters or digits, separated by single `-`, `_` or `.`",
        );
        return Outcome::Failed(None);
    }
    if let Some(ns) = ctx.str(&meta, "namespace") {
        if is_valid_name(&ns.value) {
            ctx.namespace = ns.value.to_ascii_lowercase();
        } else {
            ctx.error_at(
                ns.span,
                format!("`{}` is not a valid namespace", ns.value),
                "1-63 letters or digits, separated by single `-`, `_` or `.`",
            );
            return Outcome::Failed(None);
        }
    }
    let reference = EntityRef::new(kind, &ctx.namespace, &name.value);
    let title = ctx.str(&meta, "title").map(|t| t.value);
    let description = ctx.str(&meta, "description").map(|t| t.value);

    // spec
    let spec_entry = doc.entry("spec").filter(|(_, n)| !n.is_null());
    let spec_key = spec_entry.map(|(k, _)| k.span);
    let empty = Node::new(Value::Map(Vec::new()), doc.span);
    let spec_node = match spec_entry {
        Some((_, n)) => n,
        None if kind.is_backstage() => &empty,
        None => {
            ctx.error_at(
                name.span,
                format!("{} `{}` has no `spec`", kind, name.value),
                &format!("a spec mapping (see docs/model.md#{})", kind.ref_name()),
            );
            return Outcome::Failed(Some(reference));
        }
    };
    let spec = match Fields::new(file, spec_node, "spec") {
        Ok(s) => s,
        Err(e) => {
            ctx.push(e);
            return Outcome::Failed(Some(reference));
        }
    };

    let mut entity = Entity {
        kind,
        api_version: api_version.value,
        reference: reference.clone(),
        name: Fact {
            value: name.value,
            file: file.clone(),
            span: name.span,
        },
        title,
        description,
        file: file.clone(),
        span: doc.span,
        spec_key,
        spec_type: None,
        lifecycle: None,
        owner: None,
        relations: Relations::default(),
        archgate: None,
        details: Details::Backstage,
        doc: Node::new(Value::Null, doc.span),
    };

    let ok = if kind.is_backstage() {
        read_backstage(&mut ctx, &spec, spec_node, &mut entity);
        true
    } else {
        read_archgate_kind(&mut ctx, &spec, spec_node, &mut entity)
    };
    if !ok {
        return Outcome::Failed(Some(reference));
    }
    entity.doc = doc;
    Outcome::Entity(Box::new(entity))
}

fn read_backstage(ctx: &mut Ctx, spec: &Fields, spec_node: &Node, e: &mut Entity) {
    let k = e.kind;
    e.spec_type = ctx.str(spec, "type");
    e.lifecycle = ctx.str(spec, "lifecycle");
    let r = &mut e.relations;
    if matches!(
        k,
        Kind::Component | Kind::Api | Kind::Resource | Kind::System | Kind::Domain
    ) {
        e.owner = ctx.reference(spec, "owner", "spec.owner", Some(Kind::Group), OWNER);
    }
    if matches!(k, Kind::Component | Kind::Api | Kind::Resource) {
        r.system = ctx.reference(spec, "system", "spec.system", Some(Kind::System), SYSTEM);
    }
    if matches!(k, Kind::Component | Kind::Resource) {
        r.depends_on = ctx.references(spec, "dependsOn", "spec.dependsOn", None, ANY);
        r.dependency_of = ctx.references(spec, "dependencyOf", "spec.dependencyOf", None, ANY);
    }
    match k {
        Kind::Component => {
            r.subcomponent_of = ctx.reference(
                spec,
                "subcomponentOf",
                "spec.subcomponentOf",
                Some(Kind::Component),
                COMPONENT,
            );
            r.provides_apis = ctx.references(
                spec,
                "providesApis",
                "spec.providesApis",
                Some(Kind::Api),
                API,
            );
            r.consumes_apis = ctx.references(
                spec,
                "consumesApis",
                "spec.consumesApis",
                Some(Kind::Api),
                API,
            );
        }
        Kind::System => {
            r.domain = ctx.reference(spec, "domain", "spec.domain", Some(Kind::Domain), DOMAIN);
        }
        Kind::Domain => {
            r.subdomain_of = ctx.reference(
                spec,
                "subdomainOf",
                "spec.subdomainOf",
                Some(Kind::Domain),
                DOMAIN,
            );
        }
        Kind::Group => {
            r.parent = ctx.reference(spec, "parent", "spec.parent", Some(Kind::Group), GROUP);
            r.children =
                ctx.references(spec, "children", "spec.children", Some(Kind::Group), GROUP);
            r.members = ctx.references(spec, "members", "spec.members", Some(Kind::User), USER);
        }
        Kind::User => {
            r.member_of =
                ctx.references(spec, "memberOf", "spec.memberOf", Some(Kind::Group), GROUP);
        }
        Kind::Location => {
            let mut targets = Vec::new();
            targets.extend(ctx.str(spec, "target"));
            targets.extend(ctx.list(spec, "targets"));
            let presence = ctx.one_of(spec, "presence", &["required", "optional"]);
            e.details = Details::Location(LocationSpec {
                location_type: e.spec_type.clone(),
                targets,
                optional: presence.is_some_and(|p| p.value == "optional"),
            });
        }
        _ => {}
    }
    if let Some((key, node)) = spec_node.entry("archgate").filter(|(_, n)| !n.is_null()) {
        let allowed = match k {
            Kind::Component | Kind::Resource | Kind::Api => Some(facts::COMPONENT_KEYS),
            Kind::System | Kind::Domain => Some(facts::SYSTEM_KEYS),
            _ => None,
        };
        match allowed {
            Some(allowed) => {
                e.archgate = ArchgateFacts::read(ctx, key.span, node, "spec.archgate", allowed)
            }
            None => ctx.error_at(
                key.span,
                format!("`spec.archgate` is not read on {k} entities"),
                "spec.archgate only on Component, Resource, API, System or Domain",
            ),
        }
    }
}

const DATA_ASSET_KEYS: &[&str] = &[
    "owner",
    "classification",
    "categories",
    "integrity",
    "availability",
    "quantity",
    "usage",
    "origin",
    "residency",
    "retention",
    "justification",
    "system",
    "description",
];
const DATA_FLOW_KEYS: &[&str] = &[
    "source",
    "target",
    "protocol",
    "data",
    "dataReceived",
    "encrypted",
    "authentication",
    "authorization",
    "mtls",
    "signed",
    "vpn",
    "ipFiltered",
    "readonly",
    "usage",
    "via",
    "description",
    "tags",
];
const BOUNDARY_KEYS: &[&str] = &[
    "type",
    "zone",
    "contains",
    "nested",
    "maxClassification",
    "environment",
    "provider",
    "region",
    "description",
];
const RUNTIME_KEYS: &[&str] = &["type", "runs", "description"];
const ACTOR_KEYS: &[&str] = &[
    "type",
    "owner",
    "internet",
    "trusted",
    "region",
    "description",
];
const EXCEPTION_KEYS: &[&str] = &[
    "rule",
    "control",
    "threat",
    "scope",
    "justification",
    "compensatingControls",
    "riskOwner",
    "requester",
    "approver",
    "created",
    "expires",
    "ticket",
    "status",
];
const SCOPE_KEYS: &[&str] = &["component", "resource", "path"];
const STANDARD_KEYS: &[&str] = &[
    "framework",
    "requirements",
    "thresholds",
    "archetypes",
    "description",
];
const REQUIREMENT_KEYS: &[&str] = &["id", "title", "rules", "appliesTo", "level", "description"];
const APPLIES_KEYS: &[&str] = &["kind", "type", "tier", "archetype"];
const THRESHOLD_KEYS: &[&str] = &["tier", "failOn"];
const ARCHETYPE_KEYS: &[&str] = &["name", "description"];
const THREAT_KEYS: &[&str] = &[
    "title",
    "stride",
    "severity",
    "likelihood",
    "impact",
    "affects",
    "cwe",
    "mitigation",
    "status",
    "description",
];
const PROFILE_KEYS: &[&str] = &["target", "archgate"];

/// Reads an archgate kind's spec; false when a required part is missing.
fn read_archgate_kind(ctx: &mut Ctx, spec: &Fields, node: &Node, e: &mut Entity) -> bool {
    let file = ctx.file.clone();
    let details = match e.kind {
        Kind::DataAsset => {
            ctx.deny_unknown(node, "spec", DATA_ASSET_KEYS);
            e.owner = ctx.reference(spec, "owner", "spec.owner", Some(Kind::Group), OWNER);
            let classification = ctx
                .one_of(spec, "classification", vocab::CLASSIFICATIONS)
                .and_then(|c| {
                    Classification::parse(&c.value).map(|v| Fact {
                        value: v,
                        file: c.file,
                        span: c.span,
                    })
                });
            let mut categories = ctx.list(spec, "categories");
            // Vocabulary matches case-insensitively, like every enum in the catalog.
            for c in &mut categories {
                c.value = c.value.to_ascii_lowercase();
            }
            categories.retain(|c| {
                let ok = vocab::is_kebab(&c.value);
                if !ok {
                    ctx.error_at(
                        c.span,
                        format!("`{}` is not a valid data category", c.value),
                        &format!(
                            "a kebab-case category, e.g. one of {}",
                            vocab::DATA_CATEGORIES.join(", ")
                        ),
                    );
                }
                ok
            });
            let retention = spec.node("retention").and_then(|n| {
                match n.scalar_text().and_then(|t| vocab::parse_duration(&t)) {
                    Some(d) => Some(Fact {
                        value: d,
                        file: file.clone(),
                        span: n.span,
                    }),
                    None => {
                        ctx.error_at(
                            n.span,
                            format!("`{n}` is not a valid duration for `spec.retention`"),
                            "a duration such as 30d or 7y",
                        );
                        None
                    }
                }
            });
            Details::DataAsset(DataAsset {
                classification,
                categories,
                integrity: ctx.one_of(spec, "integrity", vocab::CRITICALITY),
                availability: ctx.one_of(spec, "availability", vocab::CRITICALITY),
                quantity: ctx.one_of(spec, "quantity", vocab::QUANTITY),
                usage: ctx.one_of(spec, "usage", vocab::USAGE),
                origin: ctx.str(spec, "origin"),
                residency: ctx.list(spec, "residency"),
                retention,
                justification: ctx.str(spec, "justification"),
                system: ctx.reference(spec, "system", "spec.system", Some(Kind::System), SYSTEM),
            })
        }
        Kind::DataFlow => {
            ctx.deny_unknown(node, "spec", DATA_FLOW_KEYS);
            let source = ctx.req_reference(
                spec,
                "source",
                "spec.source",
                Some(Kind::Component),
                FLOW_END,
            );
            let target = ctx.req_reference(
                spec,
                "target",
                "spec.target",
                Some(Kind::Component),
                FLOW_END,
            );
            let protocol = ctx.str(spec, "protocol").map(|mut p| {
                p.value = p.value.to_ascii_lowercase();
                p
            });
            let flow_data =
                ctx.references(spec, "data", "spec.data", Some(Kind::DataAsset), DATA_ASSET);
            let data_received = ctx.references(
                spec,
                "dataReceived",
                "spec.dataReceived",
                Some(Kind::DataAsset),
                DATA_ASSET,
            );
            let via = ctx.references(spec, "via", "spec.via", Some(Kind::Component), FLOW_END);
            let (Some(source), Some(target)) = (source, target) else {
                return false;
            };
            Details::DataFlow(DataFlow {
                source,
                target,
                protocol,
                data: flow_data,
                data_received,
                encrypted: ctx.bool(spec, "encrypted"),
                authentication: read_authentication(ctx, spec),
                authorization: ctx.one_of(spec, "authorization", vocab::AUTHORIZATION),
                mtls: ctx.bool(spec, "mtls"),
                signed: ctx.bool(spec, "signed"),
                vpn: ctx.bool(spec, "vpn"),
                ip_filtered: ctx.bool(spec, "ipFiltered"),
                readonly: ctx.bool(spec, "readonly"),
                usage: ctx.one_of(spec, "usage", vocab::USAGE),
                via,
                description: ctx.str(spec, "description"),
                tags: ctx.list(spec, "tags"),
            })
        }
        Kind::TrustBoundary => {
            ctx.deny_unknown(node, "spec", BOUNDARY_KEYS);
            let max_classification = ctx
                .one_of(spec, "maxClassification", vocab::CLASSIFICATIONS)
                .and_then(|c| {
                    Classification::parse(&c.value).map(|v| Fact {
                        value: v,
                        file: c.file,
                        span: c.span,
                    })
                });
            Details::TrustBoundary(TrustBoundary {
                boundary_type: ctx.one_of(spec, "type", vocab::BOUNDARY_TYPES),
                zone: ctx.one_of(spec, "zone", vocab::ZONES),
                contains: ctx.references(
                    spec,
                    "contains",
                    "spec.contains",
                    Some(Kind::Component),
                    MEMBER,
                ),
                nested: ctx.references(
                    spec,
                    "nested",
                    "spec.nested",
                    Some(Kind::TrustBoundary),
                    BOUNDARY,
                ),
                max_classification,
                environment: ctx.str(spec, "environment"),
                provider: ctx.str(spec, "provider"),
                region: ctx.str(spec, "region"),
            })
        }
        Kind::Runtime => {
            ctx.deny_unknown(node, "spec", RUNTIME_KEYS);
            Details::Runtime(RuntimeSpec {
                runtime_type: ctx.str(spec, "type"),
                runs: ctx.references(spec, "runs", "spec.runs", Some(Kind::Component), RUNS),
            })
        }
        Kind::Actor => {
            ctx.deny_unknown(node, "spec", ACTOR_KEYS);
            e.owner = ctx.reference(spec, "owner", "spec.owner", Some(Kind::Group), OWNER);
            Details::Actor(Actor {
                actor_type: ctx.one_of(spec, "type", vocab::ACTOR_TYPES),
                internet: ctx.bool(spec, "internet"),
                trusted: ctx.bool(spec, "trusted"),
                region: ctx.str(spec, "region"),
            })
        }
        Kind::Exception => {
            ctx.deny_unknown(node, "spec", EXCEPTION_KEYS);
            let rule = ctx.str(spec, "rule");
            let control = ctx.str(spec, "control");
            let threat = ctx.str(spec, "threat");
            if rule.is_none() && control.is_none() && threat.is_none() {
                ctx.error_at(
                    e.spec_key.unwrap_or(e.name.span),
                    "the exception names no rule, control or threat".into(),
                    "one of spec.rule (a rule id), spec.control or spec.threat",
                );
            }
            let (mut scope_component, mut scope_resource, mut scope_path) = (None, None, None);
            if let Some(scope) = ctx.map(spec, "scope") {
                if let Some(n) = spec.node("scope") {
                    ctx.deny_unknown(n, "spec.scope", SCOPE_KEYS);
                }
                scope_component = ctx.reference(
                    &scope,
                    "component",
                    "spec.scope.component",
                    Some(Kind::Component),
                    SCOPED,
                );
                scope_resource = ctx.str(&scope, "resource");
                scope_path = ctx.str(&scope, "path");
                if let Some(p) = &scope_path {
                    if let Err(err) = globset::Glob::new(&p.value) {
                        ctx.error_at(
                            p.span,
                            format!("`{}` is not a valid glob: {}", p.value, err.kind()),
                            "a path glob relative to the workspace root",
                        );
                    }
                }
            }
            let status = ctx
                .one_of(spec, "status", vocab::EXCEPTION_STATUS)
                .unwrap_or(Fact {
                    value: "accepted".into(),
                    file: file.clone(),
                    span: Span::default(),
                });
            let created = read_date(ctx, spec, "created");
            let expires = read_date(ctx, spec, "expires");
            if expires.is_none()
                && spec.node("expires").is_none()
                && matches!(
                    status.value.as_str(),
                    "accepted" | "in-progress" | "in-discussion"
                )
            {
                ctx.error_at(
                    e.spec_key.unwrap_or(e.name.span),
                    format!("the {} exception has no `spec.expires`", status.value),
                    "an expiry date YYYY-MM-DD (only mitigated or false-positive exceptions may omit it)",
                );
            }
            if let (Some(c), Some(x)) = (&created, &expires) {
                if x.value < c.value {
                    ctx.error_at(
                        x.span,
                        "the exception expires before it was created".into(),
                        "an expiry date on or after `spec.created`",
                    );
                }
            }
            let justification = ctx.req_str(spec, "justification");
            let approver =
                ctx.reference(spec, "approver", "spec.approver", Some(Kind::User), OWNER);
            let risk_owner =
                ctx.reference(spec, "riskOwner", "spec.riskOwner", Some(Kind::User), OWNER);
            let Some(justification) = justification else {
                return false;
            };
            Details::Exception(Exception {
                rule,
                control,
                threat,
                scope_component,
                scope_resource,
                scope_path,
                justification,
                compensating_controls: ctx.list(spec, "compensatingControls"),
                risk_owner,
                requester: ctx.str(spec, "requester"),
                approver,
                created,
                expires,
                ticket: ctx.str(spec, "ticket"),
                status,
            })
        }
        Kind::Standard => {
            ctx.deny_unknown(node, "spec", STANDARD_KEYS);
            let frameworks = ctx.list(spec, "framework");
            let mut requirements = Vec::new();
            for item in ctx.map_list(spec, "requirements", "spec.requirements") {
                let Ok(rf) = Fields::new(&file, item, "spec.requirements[]") else {
                    continue;
                };
                ctx.deny_unknown(item, "spec.requirements[]", REQUIREMENT_KEYS);
                let id = ctx.req_str(&rf, "id");
                let title = ctx.str(&rf, "title");
                let rules = ctx.list(&rf, "rules");
                let level = ctx.str(&rf, "level");
                let (mut applies_kind, mut applies_type, mut applies_tiers, mut applies_archetype) =
                    (None, None, Vec::new(), None);
                if let Some(af) = ctx.map(&rf, "appliesTo") {
                    if let Some(n) = rf.node("appliesTo") {
                        ctx.deny_unknown(n, "spec.requirements[].appliesTo", APPLIES_KEYS);
                    }
                    applies_kind = ctx.str(&af, "kind");
                    applies_type = ctx.str(&af, "type");
                    applies_archetype = ctx.str(&af, "archetype");
                    applies_tiers = read_tiers(ctx, &af, "tier");
                }
                if let Some(id) = id {
                    requirements.push(Requirement {
                        id,
                        title,
                        rules,
                        level,
                        applies_kind,
                        applies_type,
                        applies_tiers,
                        applies_archetype,
                    });
                }
            }
            let mut thresholds = Vec::new();
            for item in ctx.map_list(spec, "thresholds", "spec.thresholds") {
                let Ok(tf) = Fields::new(&file, item, "spec.thresholds[]") else {
                    continue;
                };
                ctx.deny_unknown(item, "spec.thresholds[]", THRESHOLD_KEYS);
                let tier = read_tiers(ctx, &tf, "tier");
                let sev = ctx.one_of(&tf, "failOn", vocab::SEVERITIES);
                match (tier.as_slice(), sev) {
                    ([t], Some(s)) => {
                        if let Ok(sev) = s.value.parse::<Severity>() {
                            thresholds.push(Threshold {
                                tier: t.clone(),
                                fail_on: Fact {
                                    value: sev,
                                    file: s.file,
                                    span: s.span,
                                },
                            });
                        }
                    }
                    _ => ctx.error_at(
                        item.span,
                        "a threshold needs one `tier` and a `failOn` severity".into(),
                        "{tier: 1, failOn: medium}",
                    ),
                }
            }
            let mut archetypes = Vec::new();
            for item in ctx.map_list(spec, "archetypes", "spec.archetypes") {
                let Ok(af) = Fields::new(&file, item, "spec.archetypes[]") else {
                    continue;
                };
                ctx.deny_unknown(item, "spec.archetypes[]", ARCHETYPE_KEYS);
                if let Some(n) = ctx.req_str(&af, "name") {
                    if vocab::is_kebab(&n.value) {
                        archetypes.push(n);
                    } else {
                        ctx.error_at(
                            n.span,
                            format!("`{}` is not a valid archetype name", n.value),
                            "a kebab-case name such as regulated-batch",
                        );
                    }
                }
            }
            Details::Standard(Standard {
                frameworks,
                requirements,
                thresholds,
                archetypes,
            })
        }
        Kind::Threat => {
            ctx.deny_unknown(node, "spec", THREAT_KEYS);
            let title = ctx.req_str(spec, "title");
            let mut stride = Vec::new();
            for mut s in ctx.list(spec, "stride") {
                let full = match s.value.to_ascii_uppercase().as_str() {
                    "S" => "spoofing",
                    "T" => "tampering",
                    "R" => "repudiation",
                    "I" => "information-disclosure",
                    "D" => "denial-of-service",
                    "E" => "elevation-of-privilege",
                    _ => "",
                };
                let lower = s.value.to_ascii_lowercase();
                if !full.is_empty() {
                    s.value = full.to_string();
                    stride.push(s);
                } else if vocab::STRIDE.contains(&lower.as_str()) {
                    s.value = lower;
                    stride.push(s);
                } else {
                    ctx.error_at(
                        s.span,
                        format!("`{}` is not a STRIDE category", s.value),
                        &format!("one of {} (or S, T, R, I, D, E)", vocab::STRIDE.join(", ")),
                    );
                }
            }
            let t = Threat {
                title: title.clone().unwrap_or(Fact {
                    value: String::new(),
                    file: file.clone(),
                    span: Span::default(),
                }),
                stride,
                severity: ctx.one_of(spec, "severity", vocab::SEVERITIES),
                likelihood: ctx.one_of(spec, "likelihood", vocab::LIKELIHOOD),
                impact: ctx.one_of(spec, "impact", vocab::IMPACT),
                affects: ctx.references(
                    spec,
                    "affects",
                    "spec.affects",
                    Some(Kind::Component),
                    ANY,
                ),
                cwe: ctx.list(spec, "cwe"),
                mitigation: ctx.str(spec, "mitigation"),
                status: ctx.one_of(spec, "status", vocab::THREAT_STATUS),
            };
            if title.is_none() {
                return false;
            }
            Details::Threat(t)
        }
        Kind::Profile => {
            ctx.deny_unknown(node, "spec", PROFILE_KEYS);
            let target = ctx.req_reference(
                spec,
                "target",
                "spec.target",
                Some(Kind::Component),
                PROFILE_TARGET,
            );
            let facts = match node.entry("archgate").filter(|(_, n)| !n.is_null()) {
                Some((key, n)) => {
                    // Which keys are allowed depends on the target's kind.
                    let allowed = match target.as_ref().and_then(|t| t.target.known_kind()) {
                        Some(Kind::System | Kind::Domain) => facts::SYSTEM_KEYS,
                        _ => facts::COMPONENT_KEYS,
                    };
                    ArchgateFacts::read(ctx, key.span, n, "spec.archgate", allowed)
                }
                None => {
                    ctx.push(
                        InputError::new(
                            &*file,
                            e.spec_key.map_or(e.name.span.line, |s| s.line),
                            e.spec_key.map_or(e.name.span.col, |s| s.col),
                            "missing required key `spec.archgate`",
                        )
                        .expected("the archgate facts to apply to the target"),
                    );
                    None
                }
            };
            let (Some(target), Some(facts)) = (target, facts) else {
                return false;
            };
            Details::Profile(Box::new(Profile { target, facts }))
        }
        // Backstage kinds are read by `read_backstage`.
        _ => Details::Backstage,
    };
    e.details = details;
    true
}

/// `spec.authentication`, aliases (oauth2, mtls, api-key…) normalised.
fn read_authentication(ctx: &mut Ctx, f: &Fields) -> Option<Fact<String>> {
    let s = ctx.str(f, "authentication")?;
    match vocab::authentication(&s.value) {
        Some(canonical) => Some(Fact {
            value: canonical.to_string(),
            ..s
        }),
        None => {
            let aliases: Vec<&str> = vocab::AUTHENTICATION_ALIASES
                .iter()
                .map(|(a, _)| *a)
                .collect();
            ctx.error_at(
                s.span,
                format!(
                    "`{}` is not a valid value for `spec.authentication`",
                    s.value
                ),
                &format!(
                    "one of {} (aliases: {})",
                    vocab::AUTHENTICATION.join(", "),
                    aliases.join(", ")
                ),
            );
            None
        }
    }
}

fn read_date(ctx: &mut Ctx, f: &Fields, key: &str) -> Option<Fact<chrono::NaiveDate>> {
    let n = f.node(key)?;
    match n.scalar_text().and_then(|t| vocab::parse_date(&t)) {
        Some(d) => Some(Fact {
            value: d,
            file: ctx.file.clone(),
            span: n.span,
        }),
        None => {
            ctx.error_at(
                n.span,
                format!("`{n}` is not a valid date for `spec.{key}`"),
                "a date YYYY-MM-DD",
            );
            None
        }
    }
}

/// `tier: 1` or `tier: [1, 2]`.
fn read_tiers(ctx: &mut Ctx, f: &Fields, key: &str) -> Vec<Fact<u8>> {
    let Some(n) = f.node(key) else {
        return Vec::new();
    };
    let items: Vec<&Node> = match &n.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![n],
    };
    let mut out = Vec::new();
    for item in items {
        match item.value {
            Value::Int(t @ 1..=4) => out.push(Fact {
                value: t as u8,
                file: ctx.file.clone(),
                span: item.span,
            }),
            _ => ctx.push(type_error(
                &ctx.file.clone(),
                item,
                key,
                "a tier, an integer from 1 (most critical) to 4",
            )),
        }
    }
    out
}

impl Entity {
    /// Every entity reference written in this entity's document (for a
    /// Profile, its target and the facts it sets; facts a Profile applied
    /// to this entity are listed on the Profile).
    pub fn references(&self) -> Vec<&Reference> {
        let r = &self.relations;
        let mut refs: Vec<&Reference> = Vec::new();
        refs.extend(self.owner.iter());
        refs.extend(
            [
                &r.system,
                &r.domain,
                &r.subcomponent_of,
                &r.subdomain_of,
                &r.parent,
            ]
            .into_iter()
            .flatten(),
        );
        for many in [
            &r.provides_apis,
            &r.consumes_apis,
            &r.depends_on,
            &r.dependency_of,
            &r.children,
            &r.members,
            &r.member_of,
        ] {
            refs.extend(many.iter());
        }
        if let Some(a) = &self.archgate {
            // Only the facts written in this file; merged Profile facts are the Profile's.
            refs.extend(a.references().filter(|x| {
                x.file == self.file
                    && x.span.start >= self.span.start
                    && x.span.end <= self.span.end
            }));
        }
        match &self.details {
            Details::DataAsset(d) => refs.extend(d.system.iter()),
            Details::DataFlow(f) => {
                refs.push(&f.source);
                refs.push(&f.target);
                refs.extend(f.data.iter());
                refs.extend(f.data_received.iter());
                refs.extend(f.via.iter());
            }
            Details::TrustBoundary(b) => {
                refs.extend(b.contains.iter());
                refs.extend(b.nested.iter());
            }
            Details::Runtime(rt) => refs.extend(rt.runs.iter()),
            Details::Exception(x) => {
                refs.extend(x.scope_component.iter());
                refs.extend(x.risk_owner.iter());
                refs.extend(x.approver.iter());
            }
            Details::Threat(t) => refs.extend(t.affects.iter()),
            Details::Profile(p) => {
                refs.push(&p.target);
                refs.extend(p.facts.references());
            }
            Details::Backstage
            | Details::Location(_)
            | Details::Actor(_)
            | Details::Standard(_) => {}
        }
        refs
    }
}
