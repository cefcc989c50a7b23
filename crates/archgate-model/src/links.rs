//! Links infrastructure code to the model: every IaC resource the scan saw
//! is attributed to the Component (or Backstage Resource) it builds, by a
//! tag or label naming it (`archgate:component = payments-api`,
//! `app.kubernetes.io/part-of`, `backstage.io/kubernetes-id`; the keys are
//! `iac.linkKeys` in archgate.yaml) or else by the path globs the entity
//! declares (`spec.archgate.iac.paths`). Through the link a finding on a
//! bucket carries the component's owner and tier, exceptions scoped to a
//! component waive IaC findings, patterns and threats see the resources
//! behind each component.
//!
//! Reported here (`AG-ARCH-001..003`): resources linked to nothing (shadow
//! infrastructure), declared IaC that does not exist, and link labels naming
//! no entity. Linking is one hash lookup per label plus one glob-set match
//! per unlabelled resource: linear in resources.
//!
//! Not here: scanning (archgate-rules) — the binary collects an
//! [`IacResource`] per scanned resource inside the scan's single pass.

use crate::emit::{Emitter, Subject};
use crate::entity::Entity;
use crate::load::Catalog;
use crate::reference::{EntityRef, Kind, DEFAULT_NAMESPACE};
use archgate_core::{ComponentInfo, Finding, FindingKind, Location, Span};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A resource that is linked to nothing.
pub const SHADOW_RESOURCE: &str = "AG-ARCH-001";
/// A component declares IaC paths that match no scanned file.
pub const DECLARED_IAC_MISSING: &str = "AG-ARCH-002";
/// A link label names an entity the catalog does not have.
pub const UNKNOWN_LINK_TARGET: &str = "AG-ARCH-003";

/// Every rule id this module can report.
pub const RULE_IDS: &[&str] = &[SHADOW_RESOURCE, DECLARED_IAC_MISSING, UNKNOWN_LINK_TARGET];

/// One resource the scan saw, with what linking needs.
#[derive(Debug, Clone, PartialEq)]
pub struct IacResource {
    /// Checkov-style address (`aws_s3_bucket.data`, `Deployment.payments.api`).
    pub address: String,
    /// Resource type (`aws_s3_bucket`, `Deployment`, `AWS::S3::Bucket`, `dockerfile`).
    pub kind: String,
    /// File relative to the workspace root, `/`-separated.
    pub file: String,
    pub span: Span,
    /// Tags or labels as written (resolved where the IaC parser could).
    pub labels: Vec<(String, String)>,
    /// True for what is deployed (Terraform `resource`, manifests, CloudFormation
    /// resources, Dockerfiles, workflows); false for data sources, variables,
    /// outputs, providers and module calls, which are never shadow infrastructure.
    pub managed: bool,
    /// Attribute values reference patterns compare (`backup_retention_period`),
    /// collected only for the (type, attribute) pairs they name.
    pub attributes: Vec<(String, archgate_core::Node)>,
    /// Addresses of the resources of the same unit this one references
    /// (`aws_s3_bucket_versioning.x` → `aws_s3_bucket.x`): an unlinked
    /// resource takes the link of what it configures.
    pub refs: Vec<String>,
}

/// How a resource was linked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkVia {
    /// A tag or label `key = value` named the entity.
    Label { key: String, value: String },
    /// The entity's `iac.paths` glob matched the file.
    Path { glob: String },
}

/// The entity a resource belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Index into `Catalog::entities`.
    pub entity: usize,
    pub via: LinkVia,
}

/// Resolves tags, labels and paths to entities.
pub struct Linker {
    keys: Vec<String>,
    /// Lower-case name → Component/Resource entity (Components win on a clash).
    by_name: HashMap<String, usize>,
    globs: GlobSet,
    /// Per glob in `globs`: the entity, the glob text and its literal length
    /// (the most specific glob wins when several match).
    glob_owner: Vec<(usize, String, usize)>,
}

/// A label that names no entity (reported as `AG-ARCH-003`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLabel {
    pub key: String,
    pub value: String,
}

fn linkable(e: &Entity) -> bool {
    matches!(e.kind, Kind::Component | Kind::Resource)
}

impl Linker {
    /// Builds the linker for `catalog` with the tag/label keys `keys`.
    pub fn new(catalog: &Catalog, keys: &[String]) -> Linker {
        let mut by_name: HashMap<String, usize> = HashMap::new();
        let mut builder = GlobSetBuilder::new();
        let mut glob_owner = Vec::new();
        for (i, e) in catalog.entities.iter().enumerate() {
            if !linkable(e) {
                continue;
            }
            let name = e.reference.name.to_ascii_lowercase();
            let replace = match by_name.get(&name) {
                None => true,
                // A Component outranks a Resource of the same name; the
                // default namespace outranks others.
                Some(&j) => {
                    let other = &catalog.entities[j];
                    (e.kind == Kind::Component && other.kind != Kind::Component)
                        || (e.kind == other.kind
                            && e.reference.namespace == DEFAULT_NAMESPACE
                            && other.reference.namespace != DEFAULT_NAMESPACE)
                }
            };
            if replace {
                by_name.insert(name, i);
            }
            for g in e.archgate.iter().flat_map(|a| a.iac_paths.iter()) {
                // The loader already rejected globs that do not compile.
                if let Ok(glob) = Glob::new(g.value.trim_start_matches("./")) {
                    builder.add(glob);
                    let literal = g.value.chars().filter(|c| !"*?[]{}".contains(*c)).count();
                    glob_owner.push((i, g.value.clone(), literal));
                }
            }
        }
        let globs = builder.build().unwrap_or_else(|_| GlobSet::empty());
        let glob_owner = if globs.len() == glob_owner.len() {
            glob_owner
        } else {
            Vec::new()
        };
        Linker {
            keys: keys.to_vec(),
            by_name,
            globs,
            glob_owner,
        }
    }

    /// The entity a label value names: a plain name, or a full ref
    /// (`component:payments-api`, `resource:default/payments-db`).
    fn named(&self, catalog: &Catalog, value: &str) -> Option<usize> {
        let v = value.trim();
        if v.contains(':') || v.contains('/') {
            let r = EntityRef::parse(v, Some(Kind::Component), DEFAULT_NAMESPACE).ok()?;
            let i = catalog.position(&r)?;
            return linkable(&catalog.entities[i]).then_some(i);
        }
        self.by_name.get(&v.to_ascii_lowercase()).copied()
    }

    /// Links one resource: labels first (in the order of the configured
    /// keys), then the most specific path glob. `Err` when an archgate link
    /// key names an unknown entity (generic keys such as
    /// `app.kubernetes.io/part-of` may name applications the catalog does
    /// not model; they only fall through).
    pub fn link(
        &self,
        catalog: &Catalog,
        file: &str,
        labels: &[(String, String)],
    ) -> (Option<Link>, Option<UnknownLabel>) {
        let mut unknown = None;
        for key in &self.keys {
            for (k, v) in labels.iter().filter(|(k, _)| k == key) {
                match self.named(catalog, v) {
                    Some(entity) => {
                        return (
                            Some(Link {
                                entity,
                                via: LinkVia::Label {
                                    key: k.clone(),
                                    value: v.clone(),
                                },
                            }),
                            None,
                        )
                    }
                    None if unknown.is_none() && k.contains("archgate") => {
                        unknown = Some(UnknownLabel {
                            key: k.clone(),
                            value: v.clone(),
                        })
                    }
                    None => {}
                }
            }
        }
        (self.by_path(file), unknown)
    }

    /// The entity whose most specific `iac.paths` glob matches `file`.
    pub fn by_path(&self, file: &str) -> Option<Link> {
        self.globs
            .matches(file)
            .into_iter()
            .filter_map(|g| self.glob_owner.get(g))
            .max_by_key(|(_, glob, literal)| (*literal, std::cmp::Reverse(glob.clone())))
            .map(|(entity, glob, _)| Link {
                entity: *entity,
                via: LinkVia::Path { glob: glob.clone() },
            })
    }
}

/// `aws_sqs_queue.this` for `module.a.module.b.aws_sqs_queue.this`.
fn base_address(address: &str) -> &str {
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        match after.find('.') {
            Some(dot) => rest = &after[dot + 1..],
            None => break,
        }
    }
    rest
}

/// The directory part of a `/`-separated path.
fn parent(file: &str) -> &str {
    file.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Every scanned resource with its link.
#[derive(Debug, Default)]
pub struct Inventory {
    pub resources: Vec<IacResource>,
    pub links: Vec<Option<Link>>,
    unknown: Vec<(usize, UnknownLabel)>,
    by_address: HashMap<(String, String), usize>,
    by_entity: HashMap<usize, Vec<usize>>,
}

impl Inventory {
    /// Links every resource (sorted by file and position, so results are
    /// deterministic whatever order the scan's threads produced them in).
    pub fn build(catalog: &Catalog, linker: &Linker, mut resources: Vec<IacResource>) -> Self {
        resources.sort_by(|a, b| {
            (&a.file, a.span.start, &a.address).cmp(&(&b.file, b.span.start, &b.address))
        });
        resources.dedup_by(|a, b| a.file == b.file && a.address == b.address);
        let mut inv = Inventory::default();
        for (i, r) in resources.iter().enumerate() {
            let (link, unknown) = linker.link(catalog, &r.file, &r.labels);
            if let Some(l) = &link {
                inv.by_entity.entry(l.entity).or_default().push(i);
            }
            if let Some(u) = unknown {
                inv.unknown.push((i, u));
            }
            inv.by_address
                .insert((r.file.clone(), r.address.clone()), i);
            inv.links.push(link);
        }
        // A module's file is also scanned on its own, where its inputs (and so
        // its tags) are unknown: an instance that is unlinked there takes the
        // link of the same block instantiated through a module call.
        let mut by_block: HashMap<(&str, &str), usize> = HashMap::new();
        for (i, r) in resources.iter().enumerate() {
            if inv.links[i].is_some() {
                by_block
                    .entry((r.file.as_str(), base_address(&r.address)))
                    .or_insert(i);
            }
        }
        for (i, r) in resources.iter().enumerate() {
            if inv.links[i].is_none() {
                if let Some(&j) = by_block.get(&(r.file.as_str(), base_address(&r.address))) {
                    let link = inv.links[j].clone();
                    if let Some(l) = &link {
                        inv.by_entity.entry(l.entity).or_default().push(i);
                    }
                    inv.links[i] = link;
                }
            }
        }
        // Terraform references stay within a module, which is a directory.
        let by_dir_address: HashMap<(&str, &str), usize> = resources
            .iter()
            .enumerate()
            .map(|(i, r)| ((parent(&r.file), r.address.as_str()), i))
            .collect();
        // A resource that configures another (a bucket's versioning, a
        // security group's rule, a role's policy attachment) belongs where
        // what it configures belongs. Chains are short: a few passes suffice.
        for _ in 0..3 {
            let mut changed = false;
            for (i, r) in resources.iter().enumerate() {
                if inv.links[i].is_some() {
                    continue;
                }
                let dir = parent(&r.file);
                let inherited = r.refs.iter().find_map(|a| {
                    by_dir_address
                        .get(&(dir, a.as_str()))
                        .and_then(|&j| inv.links[j].clone())
                });
                if let Some(l) = inherited {
                    inv.by_entity.entry(l.entity).or_default().push(i);
                    inv.links[i] = Some(l);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        inv.resources = resources;
        inv
    }

    /// The resource at `file` with `address`, if the scan saw it.
    pub fn find(&self, file: &str, address: &str) -> Option<usize> {
        self.by_address
            .get(&(file.to_string(), address.to_string()))
            .copied()
    }

    /// Resources linked to entity `entity` (index into the catalog).
    pub fn resources_of(&self, entity: usize) -> impl Iterator<Item = &IacResource> {
        self.by_entity
            .get(&entity)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.resources.get(i))
    }

    /// True when at least one resource is linked to `entity`.
    pub fn has_resources(&self, entity: usize) -> bool {
        self.by_entity.get(&entity).is_some_and(|v| !v.is_empty())
    }

    /// Managed resources, and how many of them are linked.
    pub fn coverage(&self) -> (usize, usize) {
        let managed = self.resources.iter().filter(|r| r.managed).count();
        let linked = self
            .resources
            .iter()
            .zip(&self.links)
            .filter(|(r, l)| r.managed && l.is_some())
            .count();
        (managed, linked)
    }
}

/// What a report says about an entity findings are linked to.
pub fn component_info(e: &Entity) -> ComponentInfo {
    ComponentInfo {
        title: e.title.clone(),
        owner: e.owner.as_ref().map(|o| o.target.to_string()),
        tier: e.tier(),
        system: e.relations.system.as_ref().map(|s| s.target.to_string()),
        domain: e.relations.domain.as_ref().map(|d| d.target.to_string()),
    }
}

/// Attributes IaC, policy and governance findings to the entity their
/// resource (or, for file-level findings, their file) is linked to, and
/// returns the entities named, for `Report::components`. Findings that
/// already name a component (model findings) keep it.
pub fn annotate(
    findings: &mut [Finding],
    catalog: &Catalog,
    linker: &Linker,
    inventory: &Inventory,
) -> BTreeMap<String, ComponentInfo> {
    let mut named: BTreeMap<String, ComponentInfo> = BTreeMap::new();
    for f in findings.iter_mut() {
        if f.component.is_none() {
            let Some(loc) = &f.location else { continue };
            let entity = f
                .resource
                .as_deref()
                .and_then(|r| inventory.find(&loc.file, r))
                .and_then(|i| inventory.links.get(i).cloned().flatten())
                .or_else(|| linker.by_path(&loc.file))
                .map(|l| l.entity);
            if let Some(e) = entity.and_then(|i| catalog.entities.get(i)) {
                f.component = Some(e.reference.to_string());
            }
        }
        if let Some(c) = &f.component {
            if !named.contains_key(c) {
                let entity = EntityRef::parse(c, Some(Kind::Component), DEFAULT_NAMESPACE)
                    .ok()
                    .and_then(|r| catalog.get(&r));
                if let Some(e) = entity {
                    named.insert(c.clone(), component_info(e));
                }
            }
        }
    }
    named
}

/// The link findings: shadow resources, declared IaC that is missing, link
/// labels naming no entity.
pub fn link_findings(catalog: &Catalog, inventory: &Inventory, out: &mut Emitter<'_>) {
    // Shadow infrastructure: deployed resources linked to nothing.
    for (r, _) in inventory
        .resources
        .iter()
        .zip(&inventory.links)
        .filter(|(r, l)| r.managed && l.is_none())
    {
        out.emit(
            SHADOW_RESOURCE,
            Subject {
                kind: FindingKind::Model,
                file: &r.file,
                span: r.span,
                resource: r.address.clone(),
                component: None,
                key: "",
            },
            format!(
                "{} is linked to no component: tag it with a link key or declare its path in a component's spec.archgate.iac.paths",
                r.address
            ),
            Vec::new(),
        );
    }
    // Labels that name no entity.
    for (i, u) in &inventory.unknown {
        let Some(r) = inventory.resources.get(*i) else {
            continue;
        };
        out.emit(
            UNKNOWN_LINK_TARGET,
            Subject {
                kind: FindingKind::Model,
                file: &r.file,
                span: r.span,
                resource: r.address.clone(),
                component: None,
                key: &u.key,
            },
            format!(
                "{} = \"{}\" on {} names no Component or Resource in the catalog",
                u.key, u.value, r.address
            ),
            Vec::new(),
        );
    }
    // Declared IaC that the scan did not see: every declared glob in one
    // set, matched once per scanned file (linear, not globs × files).
    let mut declared: Vec<(&Entity, &crate::read::Fact<String>)> = Vec::new();
    let mut builder = GlobSetBuilder::new();
    for e in catalog.entities.iter().filter(|e| linkable(e)) {
        for g in e.archgate.iter().flat_map(|a| a.iac_paths.iter()) {
            if let Ok(glob) = Glob::new(g.value.trim_start_matches("./")) {
                builder.add(glob);
                declared.push((e, g));
            }
        }
    }
    let Ok(set) = builder.build() else { return };
    let mut seen = vec![false; declared.len()];
    let files: HashSet<&str> = inventory
        .resources
        .iter()
        .map(|r| r.file.as_str())
        .collect();
    for f in files {
        for i in set.matches(f) {
            if let Some(s) = seen.get_mut(i) {
                *s = true;
            }
        }
    }
    for ((e, g), _) in declared.iter().zip(&seen).filter(|(_, s)| !**s) {
        out.emit(
            DECLARED_IAC_MISSING,
            Subject {
                kind: FindingKind::Model,
                file: &g.file,
                span: g.span,
                resource: e.reference.to_string(),
                component: (e.kind == Kind::Component).then(|| e.reference.to_string()),
                key: &g.value,
            },
            format!(
                "{} declares its infrastructure at `{}`, but no scanned IaC file matches",
                e.reference, g.value
            ),
            vec![Location {
                file: e.file.to_string(),
                span: e.span,
            }],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_texts;

    const CATALOG: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-api
spec:
  type: service
  lifecycle: production
  owner: group:team-payments
  archgate:
    tier: 1
    iac:
      paths: [\"infra/payments/**\", \"infra/shared/payments.tf\"]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
spec:
  type: service
  lifecycle: production
  owner: group:team-ledger
  archgate:
    iac:
      paths: [\"infra/**\", \"infra/ledger-gone/**\"]
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: events
spec:
  type: queue
  owner: group:team-payments
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-payments
spec:
  type: team
  children: []
";

    fn res(file: &str, address: &str, labels: &[(&str, &str)], managed: bool) -> IacResource {
        IacResource {
            address: address.into(),
            kind: address.split('.').next().unwrap_or_default().into(),
            file: file.into(),
            span: Span::default(),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            managed,
            attributes: Vec::new(),
            refs: Vec::new(),
        }
    }

    fn setup() -> (Catalog, Linker) {
        let loaded = load_texts(&[("catalog/c.yaml".into(), CATALOG.into())]);
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        let keys = vec![
            "archgate:component".into(),
            "app.kubernetes.io/part-of".into(),
        ];
        let linker = Linker::new(&loaded.catalog, &keys);
        (loaded.catalog, linker)
    }

    fn name(c: &Catalog, l: &Option<Link>) -> Option<String> {
        l.as_ref()
            .map(|l| c.entities[l.entity].reference.name.clone())
    }

    #[test]
    fn labels_win_over_paths_and_specific_globs_over_broad_ones() {
        let (c, l) = setup();
        let (by_label, _) = l.link(
            &c,
            "infra/x.tf",
            &[("archgate:component".into(), "Payments-API".into())],
        );
        assert_eq!(name(&c, &by_label), Some("payments-api".into()));
        assert!(matches!(by_label.unwrap().via, LinkVia::Label { .. }));
        // infra/** (ledger) and infra/payments/** (payments-api) both match: the longer literal wins.
        let (by_path, _) = l.link(&c, "infra/payments/main.tf", &[]);
        assert_eq!(name(&c, &by_path), Some("payments-api".into()));
        let (broad, _) = l.link(&c, "infra/other.tf", &[]);
        assert_eq!(name(&c, &broad), Some("ledger".into()));
        // Full refs and Backstage Resources link too.
        let (q, _) = l.link(
            &c,
            "elsewhere/q.tf",
            &[("archgate:component".into(), "resource:events".into())],
        );
        assert_eq!(name(&c, &q), Some("events".into()));
        let (none, _) = l.link(&c, "elsewhere/q.tf", &[]);
        assert_eq!(none, None);
    }

    #[test]
    fn unknown_archgate_label_is_reported_but_generic_keys_fall_through() {
        let (c, l) = setup();
        let (link, unknown) = l.link(
            &c,
            "infra/a.tf",
            &[("archgate:component".into(), "nope".into())],
        );
        assert_eq!(name(&c, &link), Some("ledger".into()));
        assert_eq!(unknown.map(|u| u.value), Some("nope".into()));
        let (_, unknown) = l.link(
            &c,
            "k8s/a.yaml",
            &[("app.kubernetes.io/part-of".into(), "some-app".into())],
        );
        assert_eq!(unknown, None);
    }

    #[test]
    fn shadow_missing_and_unknown_findings() {
        let (c, l) = setup();
        let inv = Inventory::build(
            &c,
            &l,
            vec![
                res("other/main.tf", "aws_s3_bucket.orphan", &[], true),
                res("other/main.tf", "data.aws_caller_identity.me", &[], false),
                res(
                    "other/main.tf",
                    "aws_sqs_queue.q",
                    &[("archgate:component", "ghost")],
                    true,
                ),
                res("infra/payments/main.tf", "aws_s3_bucket.p", &[], true),
            ],
        );
        assert_eq!(inv.coverage(), (3, 1));
        let lookup = |_: &str| None;
        let mut out = Emitter::new(&c, &lookup);
        link_findings(&c, &inv, &mut out);
        let mut got: Vec<(String, String)> = out
            .findings
            .iter()
            .map(|f| (f.rule_id.clone(), f.resource.clone().unwrap_or_default()))
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec![
                (SHADOW_RESOURCE.into(), "aws_s3_bucket.orphan".into()),
                (SHADOW_RESOURCE.into(), "aws_sqs_queue.q".into()),
                // infra/shared/payments.tf and infra/ledger-gone/** match nothing scanned.
                (
                    DECLARED_IAC_MISSING.into(),
                    "component:default/ledger".into()
                ),
                (
                    DECLARED_IAC_MISSING.into(),
                    "component:default/payments-api".into()
                ),
                (UNKNOWN_LINK_TARGET.into(), "aws_sqs_queue.q".into()),
            ]
        );
    }

    #[test]
    fn annotate_names_component_owner_and_tier() {
        let (c, l) = setup();
        let inv = Inventory::build(
            &c,
            &l,
            vec![res("infra/payments/main.tf", "aws_s3_bucket.p", &[], true)],
        );
        let mut findings = vec![Finding {
            rule_id: "AG-AWS-S3-002".into(),
            title: String::new(),
            severity: archgate_core::Severity::High,
            kind: FindingKind::Iac,
            location: Some(Location {
                file: "infra/payments/main.tf".into(),
                span: Span::default(),
            }),
            resource: Some("aws_s3_bucket.p".into()),
            component: None,
            message: String::new(),
            remediation: None,
            controls: vec![],
            aliases: vec![],
            fingerprint: String::new(),
            suppression: None,
            snippet: None,
            related: vec![],
        }];
        let named = annotate(&mut findings, &c, &l, &inv);
        assert_eq!(
            findings[0].component.as_deref(),
            Some("component:default/payments-api")
        );
        let info = &named["component:default/payments-api"];
        assert_eq!(info.tier, Some(1));
        assert_eq!(info.owner.as_deref(), Some("group:default/team-payments"));
    }
}
