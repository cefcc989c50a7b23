//! archgate-model: the architecture model of a workspace.
//!
//! Reads the catalog (`catalog/**/*.yaml`): Backstage descriptors unmodified
//! (Component, System, Domain, API, Resource, Group, User, Location) with
//! archgate's facts in an optional `spec.archgate` block, and archgate's own
//! kinds (`archgate.dev/v1alpha1`: DataAsset, DataFlow, TrustBoundary,
//! Runtime, Actor, Exception, Standard, Threat, Profile). Every value keeps
//! its file and span, references are resolved with Backstage's defaulting
//! rules, and [`validate`] reports the model's own mistakes as `AG-MODEL-*`
//! findings.
//!
//! Not here: IaC parsing (archgate-iac), rule metadata (archgate-rules owns
//! the rule data files), the semantics of exceptions and standards
//! (archgate-governance). See `docs/model.md` for the format.
//!
//! ```no_run
//! let loaded = archgate_model::load_catalog(std::path::Path::new("."), "catalog");
//! let findings = archgate_model::validate(&loaded.catalog, &|_| None);
//! # let _ = findings;
//! ```

pub mod ddd;
pub mod diagram;
pub mod emit;
pub mod entity;
pub mod facts;
pub mod import;
pub mod links;
pub mod load;
pub mod patterns;
pub mod read;
pub mod reference;
pub mod threats;
pub mod validate;
pub mod vocab;

pub use entity::{Details, Entity, Relations};
pub use facts::ArchgateFacts;
pub use load::{load_catalog, load_texts, Catalog, LoadResult};
pub use read::{Fact, Reference};
pub use reference::{EntityRef, Kind};
pub use validate::validate;
