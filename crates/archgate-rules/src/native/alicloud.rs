//! Native Alibaba Cloud checks (Terraform `alicloud`): what the condition
//! language cannot say.
//!
//! RDS database parameters (`alicloud_db_instance` `parameters` blocks) are
//! `{ name, value }` pairs that must be matched as pairs; a path condition
//! over all parameters at once cannot tell `log_duration = on` from
//! `log_duration = off` next to another parameter that is `on`.
//!
//! A value archgate could not resolve never produces a finding.
//!
//! Not for: checks a data condition can express (those are rule files under
//! `rules/alicloud/`).

use super::{CheckFn, Context, Hit};
use crate::eval::is_unresolved;
use archgate_core::{Node, Value};
use archgate_iac::Resource;

/// The native Alibaba Cloud checks, by rule id.
pub const CHECKS: &[(&str, CheckFn)] = &[
    ("AG-ALI-RDS-004", pg_log_duration),
    ("AG-ALI-RDS-005", pg_log_disconnections),
    ("AG-ALI-RDS-006", pg_log_connections),
];

/// A known scalar as text; `None` when absent, null or unresolved.
fn text(n: Option<&Node>) -> Option<String> {
    let n = n.filter(|n| !n.is_null())?;
    if is_unresolved(n) {
        return None;
    }
    match &n.value {
        Value::Seq(items) if items.len() == 1 => text(items.first()),
        _ => n.scalar_text(),
    }
}

/// Whether a PostgreSQL RDS instance sets parameter `name` to `on`:
/// `Some(true)`/`Some(false)`, or `None` when the instance is not
/// PostgreSQL or the answer hides in an unresolved value.
fn pg_parameter_on(r: &Resource, name: &str) -> Option<bool> {
    if r.kind != "alicloud_db_instance" {
        return None;
    }
    // These are PostgreSQL server parameters; other engines do not have them.
    let engine = text(r.body.get("engine"))?;
    if !engine.eq_ignore_ascii_case("PostgreSQL") {
        return None;
    }
    let params = r.body.get("parameters").filter(|n| !n.is_null());
    let items: Vec<&Node> = match params.map(|p| &p.value) {
        None => Vec::new(),
        Some(_) if params.is_some_and(is_unresolved) => return None,
        Some(Value::Seq(items)) => items.iter().collect(),
        Some(Value::Map(_)) => params.into_iter().collect(),
        Some(_) => Vec::new(),
    };
    let mut unknown = false;
    for p in items {
        if is_unresolved(p) || p.get("name").is_some_and(is_unresolved) {
            unknown = true;
            continue;
        }
        if text(p.get("name")).as_deref() != Some(name) {
            continue;
        }
        match text(p.get("value")) {
            Some(v) if v.eq_ignore_ascii_case("on") => return Some(true),
            Some(_) => {}
            None => unknown = true,
        }
    }
    if unknown {
        None
    } else {
        Some(false)
    }
}

fn parameter_hit(r: &Resource, name: &str) -> Vec<Hit> {
    if pg_parameter_on(r, name) != Some(false) {
        return Vec::new();
    }
    vec![Hit::new(
        r.span,
        format!(
            "`{}`: PostgreSQL parameter `{name}` should be set to `on`",
            r.address
        ),
        format!("parameters[{name}]"),
    )]
}

/// AG-ALI-RDS-004
fn pg_log_duration(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    parameter_hit(r, "log_duration")
}

/// AG-ALI-RDS-005
fn pg_log_disconnections(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    parameter_hit(r, "log_disconnections")
}

/// AG-ALI-RDS-006
fn pg_log_connections(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    parameter_hit(r, "log_connections")
}

#[cfg(test)]
mod tests {
    use super::*;
    use archgate_iac::discover::{discover, load, DiscoverOptions};

    fn lines(check: CheckFn, tf: &str) -> Vec<u32> {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("main.tf"), tf).expect("write main.tf");
        let (items, errors) = discover(dir.path(), &DiscoverOptions::default());
        assert!(errors.is_empty(), "{errors:?}");
        let mut out = Vec::new();
        for item in &items {
            let unit = load(dir.path(), item);
            assert!(unit.errors.is_empty(), "{:?}", unit.errors);
            let ctx = Context::new(&unit);
            for r in &unit.resources {
                out.extend(check(r, &ctx).into_iter().map(|h| h.span.line));
            }
        }
        out
    }

    #[test]
    fn parameters_are_matched_as_pairs_on_postgres_only() {
        let tf = r#"resource "alicloud_db_instance" "pg" {
  engine         = "PostgreSQL"
  engine_version = "15.0"
  parameters {
    name  = "log_duration"
    value = "off"
  }
  parameters {
    name  = "log_connections"
    value = "on"
  }
}

resource "alicloud_db_instance" "mysql" {
  engine         = "MySQL"
  engine_version = "8.0"
}

resource "alicloud_db_instance" "pg_var" {
  engine         = "PostgreSQL"
  engine_version = "15.0"
  parameters {
    name  = "log_disconnections"
    value = var.log_disconnections
  }
}
"#;
        assert_eq!(lines(pg_log_duration, tf), vec![1, 19]);
        assert_eq!(lines(pg_log_connections, tf), vec![19]);
        assert_eq!(lines(pg_log_disconnections, tf), vec![1]);
    }
}
