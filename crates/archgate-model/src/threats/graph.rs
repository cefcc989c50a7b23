//! The model prepared for threat rules: every index a rule needs, built
//! once in one pass over the catalog (flows by source and target, boundary
//! membership and nesting, effective zone/ceiling/region/environment per
//! boundary, the data each asset touches, runtimes, dependants, the
//! relative attacker attractiveness). Rules only read it.

use super::{Element, Mitigation};
use crate::entity::{Details, Entity};
use crate::links::Inventory;
use crate::load::Catalog;
use crate::reference::Kind;
use crate::vocab::Classification;
use std::collections::HashMap;

/// Bound on boundary nesting walks (cycles are a model error reported by
/// validation; here they only must not loop).
const MAX_DEPTH: usize = 64;

/// What a technical asset is, from its archetype, technology, Backstage
/// type, tags and kind: rules test these attributes, never names (the
/// design Threagile's `technologies.yaml` uses).
#[derive(Debug, Clone, Default)]
pub struct Attrs {
    pub web_app: bool,
    pub web_service: bool,
    pub datastore: bool,
    pub database: bool,
    pub ldap: bool,
    pub search: bool,
    pub filesystem: bool,
    pub build_pipeline: bool,
    pub scm: bool,
    pub dev_relevant: bool,
    pub code_inspection: bool,
    pub may_contain_secrets: bool,
    pub no_auth_required: bool,
    pub traffic_forwarding: bool,
    pub waf: bool,
    pub gateway: bool,
    pub monitoring: bool,
    pub log_store: bool,
    pub vault: bool,
    pub identity: bool,
    pub container_platform: bool,
    pub service_registry: bool,
    pub client: bool,
    pub less_protected: bool,
    pub ejb: bool,
}

/// How sensitive some data is: the strictest confidentiality, integrity and
/// availability, and the regulated categories present.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sens {
    pub conf: Option<Classification>,
    /// Criticality rank 0 (archive) … 4 (mission-critical).
    pub integ: u8,
    pub avail: u8,
    /// pci-pan, pci-sad or secret-key present.
    pub top: bool,
    pub pii: bool,
    pub pci: bool,
    pub payment_instruction: bool,
    pub audit_log: bool,
    pub any: bool,
}

impl Sens {
    pub fn merge(&mut self, o: &Sens) {
        self.conf = self.conf.max(o.conf);
        self.integ = self.integ.max(o.integ);
        self.avail = self.avail.max(o.avail);
        self.top |= o.top;
        self.pii |= o.pii;
        self.pci |= o.pci;
        self.payment_instruction |= o.payment_instruction;
        self.audit_log |= o.audit_log;
        self.any |= o.any;
    }
    /// Strictly confidential (restricted), mission-critical, or PAN/SAD/secret keys.
    pub fn highest(&self) -> bool {
        self.conf == Some(Classification::Restricted)
            || self.integ >= 4
            || self.avail >= 4
            || self.top
    }
    /// Confidential or above, or integrity/availability critical or above.
    pub fn sensitive(&self) -> bool {
        self.conf >= Some(Classification::Confidential)
            || self.integ >= 3
            || self.avail >= 3
            || self.top
    }
    /// The shared impact scale: high for the highest, medium for sensitive, else low.
    pub fn impact(&self) -> super::Impact {
        if self.highest() {
            super::Impact::High
        } else if self.sensitive() {
            super::Impact::Medium
        } else {
            super::Impact::Low
        }
    }
}

/// A data asset's ratings.
#[derive(Debug, Clone, Default)]
pub struct DataInfo {
    pub sens: Sens,
    pub residency: Vec<String>,
    /// Threagile's quantity factor (1, 2, 3, 5).
    pub quantity: f64,
}

/// A technical asset (Component, Resource, API) or an Actor.
#[derive(Debug, Clone, Default)]
pub struct Asset {
    pub is_asset: bool,
    pub actor: bool,
    pub human: bool,
    pub tier: Option<u8>,
    pub attrs: Attrs,
    pub boundary: Option<usize>,
    pub network: Option<usize>,
    pub internet: bool,
    pub in_scope: bool,
    pub custom: bool,
    pub container: bool,
    pub multi_tenant: bool,
    pub redundant: Option<bool>,
    pub trusted: Option<bool>,
    pub encryption: Option<String>,
    pub formats: Vec<String>,
    pub region: Option<String>,
    pub non_prod: bool,
    pub experimental: bool,
    pub stored: Vec<usize>,
    pub processed: Vec<usize>,
    /// Processed, stored and carried by its flows (sorted, unique).
    pub touched: Vec<usize>,
    pub sens_all: Sens,
    pub sens_stored: Sens,
    pub runtimes: Vec<usize>,
    /// Components and Resources that `dependsOn` this one.
    pub dependants: Vec<usize>,
    /// What this one `dependsOn` (resolved).
    pub depends_on: Vec<usize>,
    /// Relative attacker attractiveness, 0–100 over the model.
    pub raa: f64,
}

/// A trust boundary, with what it inherits from the boundaries around it.
#[derive(Debug, Clone, Default)]
pub struct Boundary {
    pub parent: Option<usize>,
    pub members: Vec<usize>,
    pub network_type: bool,
    pub cloud: bool,
    /// The closest network boundary (itself, or the nearest ancestor).
    pub network: Option<usize>,
    /// The outermost cloud boundary around it (itself included).
    pub cloud_root: Option<usize>,
    pub zone: Option<String>,
    pub ceiling: Option<Classification>,
    pub region: Option<String>,
    pub non_prod: bool,
}

/// A data flow, resolved.
#[derive(Debug, Clone)]
pub struct Flow {
    pub entity: usize,
    pub source: usize,
    pub target: usize,
    pub protocol: Option<String>,
    /// Effective encryption: the flag, else mTLS, else the protocol; None when unknown.
    pub encrypted: Option<bool>,
    pub authentication: Option<String>,
    pub authorization: Option<String>,
    pub mtls: bool,
    pub signed: bool,
    pub vpn: bool,
    pub ip_filtered: bool,
    pub readonly: bool,
    pub devops: bool,
    pub via: Vec<usize>,
    pub data: Vec<usize>,
    pub received: Vec<usize>,
    pub sens: Sens,
    pub crosses_network: bool,
    pub crosses_boundary: bool,
}

impl Flow {
    pub fn process_local(&self) -> bool {
        matches!(
            self.protocol.as_deref(),
            Some(
                "in-process-library-call"
                    | "inter-process-communication"
                    | "local-file-access"
                    | "container-spawning"
            )
        )
    }
    pub fn web(&self) -> bool {
        matches!(
            self.protocol.as_deref(),
            Some(
                "http"
                    | "https"
                    | "ws"
                    | "wss"
                    | "reverse-proxy-web-protocol"
                    | "reverse-proxy-web-protocol-encrypted"
            )
        )
    }
    pub fn database(&self) -> bool {
        self.protocol.as_deref().is_some_and(|p| {
            [
                "jdbc",
                "odbc",
                "sql-access-protocol",
                "nosql-access-protocol",
            ]
            .iter()
            .any(|d| p == *d || p.strip_prefix(d) == Some("-encrypted"))
        })
    }
}

/// True for protocols that encrypt on the wire.
pub fn encrypted_protocol(p: &str) -> Option<bool> {
    let yes = p.ends_with("-encrypted")
        || matches!(
            p,
            "https"
                | "wss"
                | "ssh"
                | "ssh-tunnel"
                | "ftps"
                | "sftp"
                | "scp"
                | "ldaps"
                | "mqtts"
                | "grpcs"
                | "amqps"
                | "kafka-tls"
                | "tls"
                | "dtls"
                | "smb-encrypted"
        );
    if yes {
        return Some(true);
    }
    match p {
        "unknown-protocol" => None,
        "in-process-library-call"
        | "inter-process-communication"
        | "local-file-access"
        | "container-spawning" => Some(true),
        _ => Some(false),
    }
}

/// The prepared model.
pub struct Graph<'c> {
    pub catalog: &'c Catalog,
    pub inventory: Option<&'c Inventory>,
    pub assets: Vec<Asset>,
    pub boundaries: HashMap<usize, Boundary>,
    pub data: HashMap<usize, DataInfo>,
    pub flows: Vec<Flow>,
    pub flows_in: Vec<Vec<usize>>,
    pub flows_out: Vec<Vec<usize>>,
    /// Runtime entity → assets it runs.
    pub runtimes: Vec<(usize, Vec<usize>)>,
}

fn criticality(s: &str) -> u8 {
    match s {
        "archive" => 0,
        "operational" => 1,
        "important" => 2,
        "critical" => 3,
        "mission-critical" => 4,
        _ => 0,
    }
}

fn tags(e: &Entity) -> Vec<String> {
    e.doc
        .path("metadata.tags")
        .and_then(|n| n.as_seq())
        .unwrap_or(&[])
        .iter()
        .filter_map(|n| n.as_str().map(|s| s.to_ascii_lowercase()))
        .collect()
}

fn attrs_of(e: &Entity, human_client: bool) -> Attrs {
    let a = e.archgate.as_ref();
    let arch = a
        .and_then(|a| a.archetype.as_ref())
        .map(|f| f.value.to_ascii_lowercase())
        .unwrap_or_default();
    let tech = a
        .and_then(|a| a.technology.as_ref())
        .map(|f| f.value.to_ascii_lowercase())
        .unwrap_or_default();
    let st = e
        .spec_type
        .as_ref()
        .map(|f| f.value.to_ascii_lowercase())
        .unwrap_or_default();
    let asset_type = a
        .and_then(|a| a.asset_type.as_ref())
        .map(|f| f.value.as_str())
        .unwrap_or("");
    let tags = tags(e);
    let tag = |t: &str| tags.iter().any(|x| x == t);
    let is = |xs: &[&str], v: &str| xs.contains(&v);
    let mut x = Attrs {
        waf: arch == "waf" || tech == "waf" || tag("waf"),
        gateway: arch == "api-gateway" || tech == "gateway" || tag("gateway") || tag("api-gateway"),
        monitoring: is(&["monitoring", "siem"], &arch) || tech == "monitoring" || tag("siem"),
        log_store: arch == "log-store",
        vault: arch == "vault" || is(&["vault", "hsm"], &tech),
        identity: arch == "identity-provider"
            || is(
                &[
                    "identity-provider",
                    "identity-store-ldap",
                    "identity-store-database",
                ],
                &tech,
            ),
        ldap: is(&["ldap-server", "identity-store-ldap"], &tech),
        search: is(&["search-engine", "search-index"], &tech),
        filesystem: is(&["file-server", "local-file-system"], &tech),
        database: arch == "database"
            || is(&["database", "identity-store-database"], &tech)
            || st == "database",
        build_pipeline: arch == "build-pipeline" || tech == "build-pipeline",
        scm: arch == "sourcecode-repository" || tech == "sourcecode-repository",
        code_inspection: tech == "code-inspection-platform",
        container_platform: arch == "container-platform"
            || tech == "container-platform"
            || st == "kubernetes-cluster",
        service_registry: tech == "service-registry",
        ejb: tech == "ejb",
        client: human_client
            || is(
                &[
                    "browser",
                    "desktop",
                    "mobile-app",
                    "client-system",
                    "cli",
                    "devops-client",
                    "iot-device",
                ],
                &tech,
            ),
        // Threagile's web applications: what a browser talks to.
        web_app: arch == "web-application"
            || is(
                &[
                    "web-application",
                    "cms",
                    "web-server",
                    "application-server",
                    "erp",
                    "identity-provider",
                    "report-engine",
                ],
                &tech,
            )
            || st == "website",
        ..Attrs::default()
    };
    let registry = arch == "artifact-registry" || tech == "artifact-registry";
    let lb = arch == "load-balancer" || is(&["load-balancer", "reverse-proxy"], &tech);
    x.traffic_forwarding = x.waf || x.gateway || lb || tech == "service-mesh";
    x.dev_relevant =
        x.build_pipeline || x.scm || registry || x.code_inspection || tech == "devops-client";
    x.may_contain_secrets = x.scm || registry;
    x.no_auth_required = lb || x.waf || x.service_registry || is(&["ids", "ips"], &tech);
    x.datastore = asset_type == "datastore"
        || x.database
        || x.filesystem
        || x.log_store
        || is(&["object-storage", "message-queue", "cache"], &arch)
        || is(&["block-storage", "data-lake", "search-index"], &tech)
        || (e.kind == Kind::Resource
            && is(
                &[
                    "database",
                    "s3-bucket",
                    "bucket",
                    "storage",
                    "object-storage",
                    "queue",
                    "topic",
                    "cache",
                    "file-system",
                    "filesystem",
                ],
                &st,
            ));
    if asset_type == "process" {
        x.datastore = false;
    }
    x.web_service = e.kind == Kind::Component
        && !x.datastore
        && (is(&["service", "website"], &st)
            || is(
                &[
                    "web-service-rest",
                    "web-service-soap",
                    "web-server",
                    "application-server",
                ],
                &tech,
            ));
    x.less_protected = x.web_app
        || x.client
        || x.build_pipeline
        || x.scm
        || x.monitoring
        || is(&["web-server", "cms", "mail-server"], &tech);
    x
}

/// Whether a component is custom-developed: the fact, else true for
/// Components whose archetype is not off-the-shelf infrastructure.
fn custom_developed(e: &Entity, attrs: &Attrs) -> bool {
    if let Some(c) = e
        .archgate
        .as_ref()
        .and_then(|a| a.custom_developed.as_ref())
    {
        return c.value;
    }
    e.kind == Kind::Component
        && !(attrs.traffic_forwarding
            || attrs.datastore
            || attrs.monitoring
            || attrs.vault
            || attrs.identity
            || attrs.container_platform
            || attrs.dev_relevant)
}

impl<'c> Graph<'c> {
    pub fn build(catalog: &'c Catalog, inventory: Option<&'c Inventory>) -> Graph<'c> {
        let n = catalog.entities.len();
        let pos = |r: &crate::Reference| catalog.position(&r.target);
        let mut g = Graph {
            catalog,
            inventory,
            assets: vec![Asset::default(); n],
            boundaries: HashMap::new(),
            data: HashMap::new(),
            flows: Vec::new(),
            flows_in: vec![Vec::new(); n],
            flows_out: vec![Vec::new(); n],
            runtimes: Vec::new(),
        };
        // Data assets and boundaries first: assets refer to both.
        for (i, e) in catalog.entities.iter().enumerate() {
            match &e.details {
                Details::DataAsset(d) => {
                    let cats: Vec<&str> = d.categories.iter().map(|c| c.value.as_str()).collect();
                    let has = |c: &str| cats.contains(&c);
                    let sens = Sens {
                        conf: d.classification.as_ref().map(|c| c.value),
                        integ: d.integrity.as_ref().map_or(0, |x| criticality(&x.value)),
                        avail: d.availability.as_ref().map_or(0, |x| criticality(&x.value)),
                        top: has("pci-pan") || has("pci-sad") || has("secret-key"),
                        pii: has("pii"),
                        pci: has("pci-pan") || has("pci-sad"),
                        payment_instruction: has("payment-instruction"),
                        audit_log: has("audit-log"),
                        any: true,
                    };
                    let quantity = match d.quantity.as_ref().map(|q| q.value.as_str()) {
                        Some("few") => 2.0,
                        Some("many") => 3.0,
                        Some("very-many") => 5.0,
                        _ => 1.0,
                    };
                    g.data.insert(
                        i,
                        DataInfo {
                            sens,
                            residency: d
                                .residency
                                .iter()
                                .map(|r| r.value.to_ascii_lowercase())
                                .collect(),
                            quantity,
                        },
                    );
                }
                Details::TrustBoundary(b) => {
                    let t = b
                        .boundary_type
                        .as_ref()
                        .map(|t| t.value.as_str())
                        .unwrap_or("");
                    g.boundaries.insert(
                        i,
                        Boundary {
                            network_type: t != "execution-environment",
                            cloud: t.starts_with("network-cloud-"),
                            zone: b.zone.as_ref().map(|z| z.value.to_ascii_lowercase()),
                            ceiling: b.max_classification.as_ref().map(|c| c.value),
                            region: b.region.as_ref().map(|r| r.value.to_ascii_lowercase()),
                            non_prod: b.environment.as_ref().is_some_and(|v| {
                                !matches!(
                                    v.value.to_ascii_lowercase().as_str(),
                                    "prod" | "production"
                                )
                            }),
                            ..Boundary::default()
                        },
                    );
                }
                _ => {}
            }
        }
        // Nesting: a boundary's parent is the boundary that lists it in `nested`.
        let mut contained: Vec<(usize, usize)> = Vec::new();
        for (i, e) in catalog.entities.iter().enumerate() {
            if let Details::TrustBoundary(b) = &e.details {
                for c in &b.nested {
                    if let Some(j) = pos(c).filter(|j| g.boundaries.contains_key(j) && *j != i) {
                        if let Some(child) = g.boundaries.get_mut(&j) {
                            child.parent.get_or_insert(i);
                        }
                    }
                }
                for m in &b.contains {
                    if let Some(j) = pos(m) {
                        contained.push((j, i));
                    }
                }
            }
        }
        g.resolve_boundaries();
        // Assets.
        for (i, e) in catalog.entities.iter().enumerate() {
            let actor = match &e.details {
                Details::Actor(a) => Some(a),
                _ => None,
            };
            if !matches!(
                e.kind,
                Kind::Component | Kind::Resource | Kind::Api | Kind::Actor
            ) {
                continue;
            }
            let f = e.archgate.as_ref();
            let human = actor
                .is_some_and(|a| a.actor_type.as_ref().is_some_and(|t| t.value == "human"))
                || f.and_then(|f| f.human_client.as_ref())
                    .is_some_and(|h| h.value);
            let attrs = attrs_of(e, human);
            let a = &mut g.assets[i];
            a.is_asset = true;
            a.actor = actor.is_some();
            a.human = human;
            a.tier = e.tier();
            a.custom = custom_developed(e, &attrs);
            a.attrs = attrs;
            a.in_scope = !f
                .and_then(|f| f.out_of_scope.as_ref())
                .is_some_and(|o| o.value);
            a.container = f
                .and_then(|f| f.machine.as_ref())
                .is_some_and(|m| m.value == "container");
            a.multi_tenant = f
                .and_then(|f| f.multi_tenant.as_ref())
                .is_some_and(|m| m.value);
            a.redundant = f.and_then(|f| f.redundant.as_ref()).map(|r| r.value);
            a.trusted = actor.and_then(|x| x.trusted.as_ref()).map(|t| t.value);
            a.encryption = f
                .and_then(|f| f.encryption_at_rest.as_ref())
                .map(|x| x.value.clone());
            a.formats = f
                .map(|f| {
                    f.data_formats_accepted
                        .iter()
                        .map(|x| x.value.clone())
                        .collect()
                })
                .unwrap_or_default();
            a.region = f
                .and_then(|f| f.region.as_ref())
                .or(actor.and_then(|x| x.region.as_ref()))
                .map(|r| r.value.to_ascii_lowercase());
            a.experimental = e
                .lifecycle
                .as_ref()
                .is_some_and(|l| l.value == "experimental");
            a.boundary = f
                .and_then(|f| f.boundary.as_ref())
                .and_then(pos)
                .filter(|b| g.boundaries.contains_key(b));
            a.stored = f
                .map(|f| f.data_stored.iter().filter_map(pos).collect())
                .unwrap_or_default();
            a.processed = f
                .map(|f| f.data_processed.iter().filter_map(pos).collect())
                .unwrap_or_default();
            a.internet = f.and_then(|f| f.internet.as_ref()).is_some_and(|x| x.value)
                || actor
                    .and_then(|x| x.internet.as_ref())
                    .is_some_and(|x| x.value);
            if let Some(c) = f.and_then(|f| f.cia.as_ref()) {
                let s = Sens {
                    conf: c.value.confidentiality,
                    integ: c.value.integrity.as_deref().map_or(0, criticality),
                    avail: c.value.availability.as_deref().map_or(0, criticality),
                    any: true,
                    ..Sens::default()
                };
                a.sens_all.merge(&s);
                a.sens_stored.merge(&s);
            }
        }
        for (member, b) in contained {
            if let Some(a) = g.assets.get_mut(member).filter(|a| a.is_asset) {
                a.boundary.get_or_insert(b);
            }
        }
        // Runtimes and dependencies.
        for (i, e) in catalog.entities.iter().enumerate() {
            if let Details::Runtime(rt) = &e.details {
                let mut runs: Vec<usize> = rt
                    .runs
                    .iter()
                    .filter_map(pos)
                    .filter(|&j| g.assets[j].is_asset)
                    .collect();
                runs.sort_unstable();
                runs.dedup();
                g.runtimes.push((i, runs));
            }
        }
        let runtime_pos: HashMap<usize, usize> = g
            .runtimes
            .iter()
            .enumerate()
            .map(|(k, (r, _))| (*r, k))
            .collect();
        for (i, e) in catalog.entities.iter().enumerate() {
            if let Some(rt) = e
                .archgate
                .as_ref()
                .and_then(|f| f.runtime.as_ref())
                .and_then(pos)
            {
                if let Some((_, runs)) = runtime_pos.get(&rt).and_then(|&k| g.runtimes.get_mut(k)) {
                    runs.push(i);
                }
            }
        }
        for (_, runs) in g.runtimes.iter_mut() {
            runs.sort_unstable();
            runs.dedup();
        }
        for (r, runs) in &g.runtimes {
            for &j in runs {
                g.assets[j].runtimes.push(*r);
            }
        }
        for (i, e) in catalog.entities.iter().enumerate() {
            if !g.assets[i].is_asset {
                continue;
            }
            for d in e.relations.depends_on.iter().filter_map(pos) {
                if g.assets[d].is_asset && d != i {
                    g.assets[i].depends_on.push(d);
                    g.assets[d].dependants.push(i);
                }
            }
        }
        // Boundary-derived facts per asset.
        for i in 0..n {
            let Some(b) = g.assets[i].boundary else {
                continue;
            };
            let Some(bd) = g.boundaries.get(&b) else {
                continue;
            };
            let (network, internet, region, non_prod) = (
                bd.network,
                bd.zone.as_deref() == Some("internet"),
                bd.region.clone(),
                bd.non_prod,
            );
            let a = &mut g.assets[i];
            a.network = network;
            a.internet |= internet;
            if a.region.is_none() {
                a.region = region;
            }
            a.non_prod = non_prod;
            if let Some(bm) = g.boundaries.get_mut(&b) {
                bm.members.push(i);
            }
        }
        // Flows.
        for (i, e) in catalog.entities.iter().enumerate() {
            let Details::DataFlow(f) = &e.details else {
                continue;
            };
            let (Some(s), Some(t)) = (pos(&f.source), pos(&f.target)) else {
                continue;
            };
            if !g.assets[s].is_asset || !g.assets[t].is_asset {
                continue;
            }
            let protocol = f.protocol.as_ref().map(|p| p.value.to_ascii_lowercase());
            let mtls = f.mtls.as_ref().is_some_and(|x| x.value);
            let encrypted = match (&f.encrypted, mtls, &protocol) {
                (Some(x), _, _) => Some(x.value),
                (None, true, _) => Some(true),
                (None, false, Some(p)) => encrypted_protocol(p),
                (None, false, None) => None,
            };
            let data: Vec<usize> = f
                .data
                .iter()
                .filter_map(pos)
                .filter(|d| g.data.contains_key(d))
                .collect();
            let received: Vec<usize> = f
                .data_received
                .iter()
                .filter_map(pos)
                .filter(|d| g.data.contains_key(d))
                .collect();
            let mut sens = Sens::default();
            for d in data.iter().chain(received.iter()) {
                if let Some(di) = g.data.get(d) {
                    sens.merge(&di.sens);
                }
            }
            let (sa, ta) = (&g.assets[s], &g.assets[t]);
            let flow = Flow {
                entity: i,
                source: s,
                target: t,
                encrypted,
                authentication: f.authentication.as_ref().map(|x| x.value.clone()),
                authorization: f.authorization.as_ref().map(|x| x.value.clone()),
                mtls,
                signed: f.signed.as_ref().is_some_and(|x| x.value),
                vpn: f.vpn.as_ref().is_some_and(|x| x.value),
                ip_filtered: f.ip_filtered.as_ref().is_some_and(|x| x.value),
                readonly: f.readonly.as_ref().is_some_and(|x| x.value),
                devops: f.usage.as_ref().is_some_and(|u| u.value == "devops"),
                via: f
                    .via
                    .iter()
                    .filter_map(pos)
                    .filter(|&v| g.assets[v].is_asset)
                    .collect(),
                crosses_network: sa.network != ta.network,
                crosses_boundary: sa.boundary != ta.boundary,
                protocol,
                data,
                received,
                sens,
            };
            let k = g.flows.len();
            g.flows_out[s].push(k);
            g.flows_in[t].push(k);
            g.flows.push(flow);
        }
        // The data each asset touches.
        for f in &g.flows {
            for &d in f.data.iter().chain(f.received.iter()) {
                g.assets[f.source].touched.push(d);
                g.assets[f.target].touched.push(d);
            }
        }
        for a in g.assets.iter_mut().filter(|a| a.is_asset) {
            a.touched.extend(a.processed.iter().copied());
            a.touched.extend(a.stored.iter().copied());
            a.touched.sort_unstable();
            a.touched.dedup();
            for d in &a.touched {
                if let Some(di) = g.data.get(d) {
                    a.sens_all.merge(&di.sens);
                }
            }
            for d in &a.stored {
                if let Some(di) = g.data.get(d) {
                    a.sens_stored.merge(&di.sens);
                }
            }
        }
        g.compute_raa();
        g
    }

    /// Per boundary: parent chain → closest network boundary, outermost
    /// cloud boundary, and the zone, ceiling, region and environment in force.
    fn resolve_boundaries(&mut self) {
        let ids: Vec<usize> = self.boundaries.keys().copied().collect();
        let mut resolved: Vec<(usize, Boundary)> = Vec::with_capacity(ids.len());
        for b in ids {
            let mut chain = Vec::new();
            let mut cur = Some(b);
            while let Some(c) = cur {
                if chain.len() >= MAX_DEPTH || chain.contains(&c) {
                    break;
                }
                chain.push(c);
                cur = self.boundaries.get(&c).and_then(|x| x.parent);
            }
            let Some(mut out) = self.boundaries.get(&b).cloned() else {
                continue;
            };
            for &c in &chain {
                let Some(x) = self.boundaries.get(&c) else {
                    continue;
                };
                if out.network.is_none() && x.network_type {
                    out.network = Some(c);
                }
                if x.cloud {
                    out.cloud_root = Some(c);
                }
                if out.zone.is_none() {
                    out.zone = x.zone.clone();
                }
                if out.region.is_none() {
                    out.region = x.region.clone();
                }
                out.ceiling = match (out.ceiling, x.ceiling) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                out.non_prod |= x.non_prod;
            }
            resolved.push((b, out));
        }
        for (b, out) in resolved {
            self.boundaries.insert(b, out);
        }
    }

    /// Threagile's relative attacker attractiveness, normalised to 0–100
    /// over the model's assets (without Threagile's pivoting adjustment).
    fn compute_raa(&mut self) {
        let conf = |c: Option<Classification>| match c {
            Some(Classification::Public) | None => 8.0,
            Some(Classification::Internal) => 13.0,
            Some(Classification::Confidential) => 34.0,
            Some(Classification::Restricted) => 55.0,
        };
        let crit = |r: u8| [5.0, 8.0, 13.0, 21.0, 34.0][usize::from(r.min(4))];
        let mut scores: Vec<Option<f64>> = vec![None; self.assets.len()];
        for (i, a) in self.assets.iter().enumerate() {
            if !a.is_asset || a.actor {
                continue;
            }
            let mut s = 0.0;
            let own = a.sens_all;
            s += conf(own.conf) + crit(own.integ) + crit(own.avail);
            for d in a.processed.iter().chain(a.stored.iter()) {
                if let Some(di) = self.data.get(d) {
                    s += (conf(di.sens.conf) + crit(di.sens.integ)) * di.quantity
                        + crit(di.sens.avail);
                }
            }
            for &k in self.flows_in[i].iter().chain(self.flows_out[i].iter()) {
                for d in self.flows[k]
                    .data
                    .iter()
                    .chain(self.flows[k].received.iter())
                {
                    if let Some(di) = self.data.get(d) {
                        s += ((conf(di.sens.conf) + crit(di.sens.integ)) * di.quantity
                            + crit(di.sens.avail))
                            / 2.0;
                    }
                }
            }
            let x = &a.attrs;
            if x.traffic_forwarding && !x.gateway {
                s /= 5.5;
            }
            if x.monitoring {
                s /= 5.0;
            }
            if x.container_platform {
                s *= 5.0;
            }
            if x.vault || x.dev_relevant {
                s *= 2.0;
            }
            if x.identity {
                s *= 2.5;
            }
            if x.datastore {
                s *= 2.0;
            }
            if a.multi_tenant {
                s *= 1.5;
            }
            scores[i] = Some(s);
        }
        let (min, max) = scores
            .iter()
            .flatten()
            .fold((f64::MAX, f64::MIN), |(lo, hi), &s| (lo.min(s), hi.max(s)));
        for (i, s) in scores.into_iter().enumerate() {
            if let Some(s) = s {
                self.assets[i].raa = if max > min {
                    (s - min) / (max - min) * 100.0
                } else {
                    100.0
                };
            }
        }
    }

    pub fn entity(&self, i: usize) -> &Entity {
        &self.catalog.entities[i]
    }

    /// `component:default/payments-api`.
    pub fn name(&self, i: usize) -> String {
        self.catalog
            .entities
            .get(i)
            .map_or_else(String::new, |e| e.reference.to_string())
    }

    pub fn element(&self, i: usize) -> Element {
        let e = self.entity(i);
        Element {
            reference: e.reference.to_string(),
            kind: e.kind,
            title: e.title.clone(),
            file: e.file.to_string(),
            span: e.name.span,
        }
    }

    /// The boundary record of an asset's boundary.
    pub fn boundary_of(&self, asset: usize) -> Option<&Boundary> {
        self.assets
            .get(asset)?
            .boundary
            .and_then(|b| self.boundaries.get(&b))
    }

    /// The boundary's effective zone for an asset.
    pub fn zone_of(&self, asset: usize) -> Option<&str> {
        self.boundary_of(asset)?.zone.as_deref()
    }

    /// The most critical tier of the flow's two ends.
    pub fn flow_tier(&self, f: &Flow) -> Option<u8> {
        match (self.assets[f.source].tier, self.assets[f.target].tier) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// IaC resources of one of `kinds` linked to `asset` or, for a Backstage
    /// Resource, to a Component that depends on it (a database Resource is
    /// usually built by the IaC of the component that owns it; a component's
    /// own controls are never credited to its callers).
    pub fn iac(&self, asset: usize, kinds: &[&str]) -> Vec<Mitigation> {
        let Some(inv) = self.inventory else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let builders: &[usize] = if self.entity(asset).kind == Kind::Resource {
            &self.assets[asset].dependants
        } else {
            &[]
        };
        let owners = std::iter::once(asset).chain(
            builders
                .iter()
                .copied()
                .filter(|&d| self.entity(d).kind == Kind::Component),
        );
        for o in owners {
            for r in inv.resources_of(o) {
                if kinds.iter().any(|k| kind_matches(&r.kind, k)) {
                    out.push(Mitigation {
                        description: format!("{} linked to {}", r.address, self.name(o)),
                        file: r.file.clone(),
                        span: r.span,
                    });
                }
            }
        }
        out.truncate(3);
        out
    }

    /// The first IaC resource of one of `kinds` anywhere in the workspace.
    pub fn iac_anywhere(&self, kinds: &[&str]) -> Option<Mitigation> {
        let inv = self.inventory?;
        inv.resources
            .iter()
            .find(|r| kinds.iter().any(|k| kind_matches(&r.kind, k)))
            .map(|r| Mitigation {
                description: format!("{} ({})", r.address, r.kind),
                file: r.file.clone(),
                span: r.span,
            })
    }

    /// A model fact as a mitigation: the flow or asset entity that states it.
    pub fn fact(&self, entity: usize, what: String) -> Mitigation {
        let e = self.entity(entity);
        Mitigation {
            description: what,
            file: e.file.to_string(),
            span: e.name.span,
        }
    }
}

/// `aws_wafv2_*` matches every kind with that prefix; otherwise exact.
fn kind_matches(kind: &str, pattern: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => kind.starts_with(prefix),
        None => kind == pattern,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_texts;

    const MODEL: &str = "\
apiVersion: archgate.dev/v1alpha1
kind: TrustBoundary
metadata: {name: cloud}
spec: {type: network-cloud-provider, maxClassification: restricted, region: eu-west-1, nested: [app, pod]}
---
apiVersion: archgate.dev/v1alpha1
kind: TrustBoundary
metadata: {name: app}
spec: {type: network-cloud-security-group, maxClassification: confidential}
---
apiVersion: archgate.dev/v1alpha1
kind: TrustBoundary
metadata: {name: pod}
spec: {type: execution-environment}
---
apiVersion: archgate.dev/v1alpha1
kind: TrustBoundary
metadata: {name: internet}
spec: {type: network-virtual-lan, zone: internet, contains: [actor:user]}
---
apiVersion: archgate.dev/v1alpha1
kind: Actor
metadata: {name: user}
spec: {type: human}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: api}
spec: {type: service, lifecycle: production, owner: t, archgate: {boundary: app, dataProcessed: [pan]}}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: sidecar}
spec: {type: service, lifecycle: production, owner: t, archgate: {boundary: pod}}
---
apiVersion: archgate.dev/v1alpha1
kind: DataAsset
metadata: {name: pan}
spec: {owner: t, classification: restricted, categories: [pci-pan]}
---
apiVersion: archgate.dev/v1alpha1
kind: DataFlow
metadata: {name: use}
spec: {source: actor:user, target: component:api, protocol: grpc}
---
apiVersion: archgate.dev/v1alpha1
kind: DataFlow
metadata: {name: local}
spec: {source: component:sidecar, target: component:api, protocol: https, mtls: true}
";

    #[test]
    fn boundaries_nesting_crossings_exposure_and_data() {
        let loaded = load_texts(&[("m.yaml".into(), MODEL.into())]);
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        let c = &loaded.catalog;
        let g = Graph::build(c, None);
        let at = |kind: Kind, name: &str| {
            c.position(&crate::EntityRef::new(kind, "default", name))
                .unwrap()
        };
        let (cloud, app, api, sidecar, user) = (
            at(Kind::TrustBoundary, "cloud"),
            at(Kind::TrustBoundary, "app"),
            at(Kind::Component, "api"),
            at(Kind::Component, "sidecar"),
            at(Kind::Actor, "user"),
        );
        // The execution environment's network boundary is the cloud around it.
        assert_eq!(g.assets[sidecar].network, Some(cloud));
        assert_eq!(g.assets[api].network, Some(app));
        // Ceilings tighten inward; regions and cloud roots are inherited.
        let b = g.boundary_of(api).unwrap();
        assert_eq!(b.ceiling, Some(Classification::Confidential));
        assert_eq!(b.cloud_root, Some(cloud));
        assert_eq!(g.assets[api].region.as_deref(), Some("eu-west-1"));
        // Actors are placed by `contains` and exposed by their zone.
        assert!(g.assets[user].internet && g.assets[user].human);
        assert!(!g.assets[api].internet);
        // Flows: encryption from the protocol or mTLS, crossings by network boundary.
        let use_ = &g.flows[g.flows_in[api][0]];
        assert_eq!(use_.encrypted, Some(false));
        assert!(use_.crosses_network);
        let local = &g.flows[g.flows_out[sidecar][0]];
        assert_eq!(local.encrypted, Some(true));
        assert!(local.crosses_network, "pod (cloud) → app");
        // Data the api touches rates it at the top.
        assert!(g.assets[api].sens_all.highest());
        assert_eq!(g.assets[api].raa, 100.0);
    }

    #[test]
    fn protocols() {
        assert_eq!(encrypted_protocol("https"), Some(true));
        assert_eq!(encrypted_protocol("jdbc-encrypted"), Some(true));
        assert_eq!(encrypted_protocol("http"), Some(false));
        assert_eq!(encrypted_protocol("grpc"), Some(false));
        assert_eq!(encrypted_protocol("unknown-protocol"), None);
        assert!(kind_matches("aws_wafv2_web_acl_association", "aws_wafv2_*"));
        assert!(!kind_matches("aws_waf", "aws_wafv2_*"));
    }
}
