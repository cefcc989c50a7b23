//! The model side of `archgate check`: the catalog, the resources the scan
//! saw (collected by a hook inside the scan's single pass, never by a second
//! walk), and the links between them. Commands that need the whole picture
//! (`check`, `threats`, `diagram`) get it from [`Model`].

use archgate_iac::{ParsedUnit, SourceKind};
use archgate_model::links::{IacResource, Inventory, Linker};
use archgate_model::Catalog;
use archgate_rules::engine::UnitResult;
use archgate_rules::scan::UnitHook;
use std::sync::{Arc, Mutex};

/// Collects one [`IacResource`] per scanned resource, with files made
/// relative to the workspace root (`prefix` is the IaC root being scanned).
#[derive(Debug)]
pub(crate) struct Collector {
    prefix: String,
    /// `(resource type, attribute)` pairs whose values patterns compare.
    wanted: Vec<(String, String)>,
    items: Mutex<Vec<IacResource>>,
}

impl Collector {
    pub(crate) fn new(prefix: &str, wanted: Vec<(String, String)>) -> Arc<Collector> {
        let prefix = prefix.trim_start_matches("./").trim_end_matches('/');
        Arc::new(Collector {
            prefix: if prefix == "." {
                String::new()
            } else {
                prefix.to_string()
            },
            wanted,
            items: Mutex::new(Vec::new()),
        })
    }

    /// The resources collected so far.
    pub(crate) fn take(&self) -> Vec<IacResource> {
        self.items
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default()
    }
}

/// True for what gets deployed. Terraform data sources, variables, outputs,
/// providers and module calls are not infrastructure of their own; a
/// workflow's jobs are parts of the workflow.
fn managed(r: &archgate_iac::Resource) -> bool {
    match r.source {
        SourceKind::Terraform | SourceKind::TerraformPlan => r.block == "resource",
        SourceKind::GithubActions => r.kind == "workflow",
        _ => true,
    }
}

impl UnitHook for Collector {
    fn evaluate(&self, unit: &ParsedUnit) -> UnitResult {
        let ctx = archgate_rules::context::Context::new(unit);
        let items: Vec<IacResource> = unit
            .resources
            .iter()
            .map(|r| IacResource {
                refs: ctx.references_from(r).map(|o| o.address.clone()).collect(),
                address: r.address.clone(),
                kind: r.kind.clone(),
                file: if self.prefix.is_empty() {
                    r.file.clone()
                } else {
                    format!("{}/{}", self.prefix, r.file)
                },
                span: r.span,
                labels: r.labels.clone(),
                managed: managed(r),
                attributes: self
                    .wanted
                    .iter()
                    .filter(|(kind, _)| *kind == r.kind)
                    .filter_map(|(_, attr)| r.body.path(attr).map(|n| (attr.clone(), n.clone())))
                    .collect(),
            })
            .collect();
        if let Ok(mut v) = self.items.lock() {
            v.extend(items);
        }
        UnitResult::default()
    }

    fn rules(&self) -> Vec<archgate_core::RuleMeta> {
        Vec::new()
    }
}

/// The loaded model and what the scan linked to it.
pub(crate) struct Model {
    pub catalog: Catalog,
    pub linker: Linker,
    pub inventory: Inventory,
}

impl Model {
    pub(crate) fn new(
        catalog: Catalog,
        link_keys: &[String],
        resources: Vec<IacResource>,
    ) -> Model {
        let linker = Linker::new(&catalog, link_keys);
        let inventory = Inventory::build(&catalog, &linker, resources);
        Model {
            catalog,
            linker,
            inventory,
        }
    }
}
