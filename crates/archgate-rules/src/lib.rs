//! archgate-rules: the IaC rule engine.
//!
//! - Built-in rules are data (`rules/<provider>/<ID>.yaml`), validated and
//!   compiled into Rust by `build.rs`, so a run never parses rule YAML
//!   ([`registry`]).
//! - Conditions use a superset of Checkov's YAML custom-policy language
//!   ([`cond`], evaluated by [`eval`]); users' Checkov policies run unmodified
//!   ([`external`]).
//! - What data cannot say is a native check registered by rule id ([`native`]).
//! - [`engine::Engine`] runs every applicable rule on a parsed unit once and
//!   applies inline suppressions ([`suppress`]); [`scan::scan`] walks a tree
//!   in parallel and builds the [`archgate_core::Report`], with baselines.
//!
//! Not here: parsing IaC (archgate-iac), model rules (archgate-model),
//! rendering reports (archgate-core).

pub mod baseline;
pub mod cond;
pub mod context;
pub mod engine;
pub mod eval;
pub mod external;
pub mod native;
pub mod parity;
pub mod scan;
pub mod spec;
pub mod suppress;

pub use cond::{Condition, Kinds};
pub use engine::Engine;
pub use scan::{scan, ScanOptions};

use archgate_core::{FindingKind, RuleMeta};
use std::collections::HashMap;
use std::sync::LazyLock;

#[allow(clippy::all)]
mod builtin {
    include!(concat!(env!("OUT_DIR"), "/rules.rs"));
}

/// One rule: its description and how to evaluate it.
#[derive(Debug, Clone)]
pub struct Rule {
    pub meta: RuleMeta,
    /// The data condition (describes the passing state), or `None` for native rules.
    pub condition: Option<Condition>,
    /// Evaluated by the native check registered under the rule's id.
    pub native: bool,
    /// Fixture file names and the finding lines expected in each.
    pub fixtures: Vec<(String, Vec<u32>)>,
    /// The resource kinds the rule is evaluated on.
    pub applies_to: Kinds,
    /// Directory of the fixtures: relative to this crate for built-in
    /// rules, absolute for rules loaded at run time.
    pub fixture_dir: Option<String>,
}

impl Rule {
    /// True for rules this engine evaluates on IaC resources (model, threat
    /// and governance rules are evaluated by their own crates).
    pub fn is_iac(&self) -> bool {
        matches!(self.meta.kind, FindingKind::Iac | FindingKind::Policy)
    }
}

/// Every built-in rule, looked up by id or alias.
#[derive(Debug)]
pub struct Registry {
    rules: Vec<Rule>,
    by_name: HashMap<String, usize>,
}

impl Registry {
    /// Builds a registry; the first rule to claim an id or alias keeps it
    /// (ids are claimed before any alias).
    pub fn new(rules: Vec<Rule>) -> Registry {
        let mut by_name = HashMap::new();
        for (i, r) in rules.iter().enumerate() {
            by_name.entry(r.meta.id.to_ascii_uppercase()).or_insert(i);
        }
        for (i, r) in rules.iter().enumerate() {
            for a in &r.meta.aliases {
                by_name.entry(a.to_ascii_uppercase()).or_insert(i);
            }
        }
        Registry { rules, by_name }
    }

    /// The rule with this id or alias (case-insensitive).
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.by_name
            .get(&id.to_ascii_uppercase())
            .and_then(|i| self.rules.get(*i))
    }

    /// The metadata of the rule with this id or alias.
    pub fn meta(&self, id: &str) -> Option<&RuleMeta> {
        self.get(id).map(|r| &r.meta)
    }

    /// Every rule, in id order.
    pub fn all(&self) -> std::slice::Iter<'_, Rule> {
        self.rules.iter()
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| Registry::new(builtin::builtin()));

/// The built-in rules.
pub fn registry() -> &'static Registry {
    &REGISTRY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_finds_rules_by_id_and_alias() {
        let r = registry();
        assert!(!r.is_empty());
        let s3 = r.get("ag-aws-s3-001").expect("AG-AWS-S3-001 is built in");
        assert!(s3.native);
        assert_eq!(
            r.get("AVD-AWS-0088").map(|x| x.meta.id.as_str()),
            Some("AG-AWS-S3-001")
        );
        assert_eq!(
            r.meta("ckv_docker_2").map(|m| m.id.as_str()),
            Some("AG-DOCKER-001")
        );
        assert!(r.get("AG-NOPE-999").is_none());
        let ids: Vec<&str> = r.all().map(|x| x.meta.id.as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        assert_eq!(ids, sorted, "rules are in id order");
    }

    /// Every `native: true` IaC rule has a registered function and every
    /// registered function has a rule.
    #[test]
    fn native_registry_matches_rules() {
        let mut problems = Vec::new();
        for r in registry().all() {
            if r.native && r.is_iac() && native::lookup(&r.meta.id).is_none() {
                problems.push(format!(
                    "{} is `native: true` but no check is registered in src/native/",
                    r.meta.id
                ));
            }
            if !r.native && native::lookup(&r.meta.id).is_some() {
                problems.push(format!(
                    "{} has a native check but its rule file has a `condition`",
                    r.meta.id
                ));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for (id, _) in native::all() {
            if !seen.insert(*id) {
                problems.push(format!("{id} is registered twice in src/native/"));
            }
            if registry().get(id).map(|r| r.meta.id.as_str()) != Some(*id) {
                problems.push(format!(
                    "{id} is registered in src/native/ but there is no rule file with this id"
                ));
            }
        }
        assert!(
            problems.is_empty(),
            "native check registry:\n{}",
            problems.join("\n")
        );
    }
}
