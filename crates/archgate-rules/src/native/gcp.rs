//! Native Google Cloud checks (Terraform `google`): what the condition
//! language cannot say.
//!
//! - Firewall rules (`google_compute_firewall`): whether a rule opens a port
//!   to the internet depends on the direction, the source ranges and each
//!   `allow` block's protocol and ports together; an `allow` block without
//!   `ports` opens every port of its protocol.
//! - Cloud SQL database flags (`settings.database_flags`): a flag is a
//!   `{ name, value }` pair and must be matched as a pair, which a path
//!   condition over all flags at once cannot do.
//!
//! A value archgate could not resolve never produces a finding.
//!
//! Not for: checks a data condition can express (those are rule files under
//! `rules/gcp/`).

use super::{CheckFn, Context, Hit};
use crate::cond::parse_cidr;
use crate::eval::is_unresolved;
use archgate_core::{Node, Value};
use archgate_iac::Resource;

/// The native GCP checks, by rule id.
pub const CHECKS: &[(&str, CheckFn)] = &[
    ("AG-GCP-FW-001", ssh_open_to_world),
    ("AG-GCP-FW-002", rdp_open_to_world),
    ("AG-GCP-FW-003", ftp_open_to_world),
    ("AG-GCP-FW-004", ftp_data_open_to_world),
    ("AG-GCP-FW-005", mysql_open_to_world),
    ("AG-GCP-FW-006", http_open_to_world),
    ("AG-GCP-SQL-101", pg_log_checkpoints),
    ("AG-GCP-SQL-102", pg_log_connections),
    ("AG-GCP-SQL-103", pg_log_disconnections),
    ("AG-GCP-SQL-104", pg_log_lock_waits),
    ("AG-GCP-SQL-105", pg_log_duration),
    ("AG-GCP-SQL-106", pg_log_hostname),
    ("AG-GCP-SQL-107", pg_log_min_error_statement),
    ("AG-GCP-SQL-108", pg_pgaudit),
    ("AG-GCP-SQL-109", pg_log_statement),
    ("AG-GCP-SQL-110", pg_log_temp_files),
    ("AG-GCP-KMS-001", kms_rotation),
];

// ---------------------------------------------------------------------------
// Reading values
// ---------------------------------------------------------------------------

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

/// The elements of a nested block list (a lone mapping counts as one).
fn blocks(n: Option<&Node>) -> Vec<&Node> {
    match n.map(|n| &n.value) {
        Some(Value::Seq(items)) => items.iter().collect(),
        Some(Value::Map(_)) => n.into_iter().collect(),
        _ => Vec::new(),
    }
}

/// The known scalars of a list (or single) attribute; unresolved entries are skipped.
fn texts(n: Option<&Node>) -> Vec<String> {
    let Some(n) = n.filter(|n| !n.is_null() && !is_unresolved(n)) else {
        return Vec::new();
    };
    match &n.value {
        Value::Seq(items) => items
            .iter()
            .filter(|i| !is_unresolved(i))
            .filter_map(Node::scalar_text)
            .collect(),
        _ => n.scalar_text().into_iter().collect(),
    }
}

// ---------------------------------------------------------------------------
// Firewall rules
// ---------------------------------------------------------------------------

/// True when a GCP port expression (`22`, `20-25`) includes `port`.
fn port_covers(range: &str, port: i64) -> bool {
    let range = range.trim();
    match range.split_once('-') {
        Some((a, b)) => match (a.trim().parse::<i64>(), b.trim().parse::<i64>()) {
            (Ok(a), Ok(b)) => a <= port && port <= b,
            _ => false,
        },
        None => range.parse::<i64>() == Ok(port),
    }
}

fn is_world(cidr: &str) -> bool {
    parse_cidr(cidr).is_some_and(|(_, len, _)| len == 0)
}

/// The `allow` blocks of an enabled ingress firewall rule open to the whole
/// internet that admit TCP `port`, with their index.
fn world_allows(r: &Resource, port: i64) -> Vec<(usize, &Node)> {
    if r.kind != "google_compute_firewall" {
        return Vec::new();
    }
    let body = &r.body;
    // Direction defaults to INGRESS; an unresolved direction is not judged.
    match body.get("direction").filter(|n| !n.is_null()) {
        None => {}
        Some(d) => match text(Some(d)) {
            Some(t) if t.eq_ignore_ascii_case("INGRESS") => {}
            _ => return Vec::new(),
        },
    }
    if body.get("disabled").and_then(Node::as_bool) == Some(true) {
        return Vec::new();
    }
    if !texts(body.get("source_ranges")).iter().any(|c| is_world(c)) {
        return Vec::new();
    }
    blocks(body.get("allow"))
        .into_iter()
        .enumerate()
        .filter(|(_, b)| !is_unresolved(b))
        .filter(|(_, b)| {
            let proto = match text(b.get("protocol")) {
                Some(p) => p.to_ascii_lowercase(),
                None => return false,
            };
            // Protocol numbers are allowed too: 6 is TCP.
            if !matches!(proto.as_str(), "tcp" | "all" | "6") {
                return false;
            }
            match b.get("ports").filter(|p| !p.is_null()) {
                // No `ports`: every port of the protocol.
                None => true,
                Some(p) if is_unresolved(p) => false,
                Some(p) => {
                    let list = texts(Some(p));
                    // An empty list also means all ports.
                    let all_known = match &p.value {
                        Value::Seq(items) => items.iter().all(|i| !is_unresolved(i)),
                        _ => true,
                    };
                    (list.is_empty() && all_known) || list.iter().any(|x| port_covers(x, port))
                }
            }
        })
        .collect()
}

fn open_port(r: &Resource, port: i64, service: &str) -> Vec<Hit> {
    world_allows(r, port)
        .into_iter()
        .map(|(i, b)| {
            Hit::new(
                b.span,
                format!(
                    "`{}` allows {service} (TCP {port}) from 0.0.0.0/0 (allow block {i})",
                    r.address
                ),
                format!("allow[{i}]"),
            )
        })
        .collect()
}

/// AG-GCP-FW-001: TCP 22 open to the internet.
fn ssh_open_to_world(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    open_port(r, 22, "SSH")
}

/// AG-GCP-FW-002: TCP 3389 open to the internet.
fn rdp_open_to_world(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    open_port(r, 3389, "RDP")
}

/// AG-GCP-FW-003: TCP 21 open to the internet.
fn ftp_open_to_world(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    open_port(r, 21, "FTP")
}

/// AG-GCP-FW-004: TCP 20 open to the internet.
fn ftp_data_open_to_world(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    open_port(r, 20, "FTP data")
}

/// AG-GCP-FW-005: TCP 3306 open to the internet.
fn mysql_open_to_world(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    open_port(r, 3306, "MySQL")
}

/// AG-GCP-FW-006: TCP 80 open to the internet.
fn http_open_to_world(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    open_port(r, 80, "HTTP")
}

// ---------------------------------------------------------------------------
// Cloud SQL for PostgreSQL flags
// ---------------------------------------------------------------------------

/// What the flags of a PostgreSQL instance say about one flag.
#[derive(Debug, PartialEq, Eq)]
enum Flag {
    /// Set to an accepted value.
    Good,
    /// Absent or set to another value.
    Bad,
    /// Not a PostgreSQL instance, or the answer hides in an unresolved value.
    NotJudged,
}

fn pg_flag(r: &Resource, name: &str, accepted: &[&str]) -> Flag {
    if r.kind != "google_sql_database_instance" {
        return Flag::NotJudged;
    }
    match text(r.body.get("database_version")) {
        Some(v) if v.to_ascii_uppercase().starts_with("POSTGRES") => {}
        _ => return Flag::NotJudged,
    }
    let settings = r.body.get("settings");
    if settings.is_some_and(is_unresolved) {
        return Flag::NotJudged;
    }
    let mut unknown = false;
    for s in blocks(settings) {
        let flags = s.get("database_flags");
        if flags.is_some_and(is_unresolved) {
            unknown = true;
            continue;
        }
        for f in blocks(flags) {
            if is_unresolved(f) {
                unknown = true;
                continue;
            }
            let (n, v) = (f.get("name"), f.get("value"));
            if n.is_some_and(is_unresolved) {
                unknown = true;
                continue;
            }
            if text(n).as_deref() != Some(name) {
                continue;
            }
            if v.is_some_and(is_unresolved) {
                unknown = true;
            } else if text(v).is_some_and(|v| accepted.iter().any(|a| a.eq_ignore_ascii_case(&v))) {
                return Flag::Good;
            }
        }
    }
    if unknown {
        Flag::NotJudged
    } else {
        Flag::Bad
    }
}

fn flag_hit(r: &Resource, name: &str, accepted: &[&str]) -> Vec<Hit> {
    if pg_flag(r, name, accepted) != Flag::Bad {
        return Vec::new();
    }
    vec![Hit::new(
        r.span,
        format!(
            "`{}`: PostgreSQL flag `{name}` should be set to {}",
            r.address,
            accepted.join(" or ")
        ),
        format!("database_flags[{name}]"),
    )]
}

/// AG-GCP-SQL-101
fn pg_log_checkpoints(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    flag_hit(r, "log_checkpoints", &["on"])
}

/// AG-GCP-SQL-102
fn pg_log_connections(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    flag_hit(r, "log_connections", &["on"])
}

/// AG-GCP-SQL-103
fn pg_log_disconnections(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    flag_hit(r, "log_disconnections", &["on"])
}

/// AG-GCP-SQL-104
fn pg_log_lock_waits(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    flag_hit(r, "log_lock_waits", &["on"])
}

/// AG-GCP-SQL-105
fn pg_log_duration(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    flag_hit(r, "log_duration", &["on"])
}

/// AG-GCP-SQL-106
fn pg_log_hostname(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    flag_hit(r, "log_hostname", &["on"])
}

/// AG-GCP-SQL-107: severity `error` or more verbose.
fn pg_log_min_error_statement(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    flag_hit(
        r,
        "log_min_error_statement",
        &[
            "debug5", "debug4", "debug3", "debug2", "debug1", "info", "notice", "warning", "error",
        ],
    )
}

/// AG-GCP-SQL-108
fn pg_pgaudit(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    flag_hit(r, "cloudsql.enable_pgaudit", &["on"])
}

/// AG-GCP-SQL-109: at least DDL statements are logged.
fn pg_log_statement(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    flag_hit(r, "log_statement", &["ddl", "mod", "all"])
}

/// AG-GCP-SQL-110: every temporary file is logged (`0` = no size threshold).
fn pg_log_temp_files(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    flag_hit(r, "log_temp_files", &["0"])
}

// ---------------------------------------------------------------------------
// Cloud KMS
// ---------------------------------------------------------------------------

const ONE_DAY: u64 = 86_400;
const NINETY_DAYS: u64 = 90 * ONE_DAY;

/// Seconds of a protobuf duration string such as `"7776000s"` or `"86400.5s"`.
fn duration_seconds(text: &str) -> Option<u64> {
    let n = text.trim().strip_suffix('s')?;
    let whole = n.split_once('.').map(|(a, _)| a).unwrap_or(n);
    whole.parse().ok()
}

/// AG-GCP-KMS-001: symmetric keys rotate automatically at least every 90 days.
fn kms_rotation(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    if r.kind != "google_kms_crypto_key" {
        return Vec::new();
    }
    // Only symmetric encryption keys (the default purpose) support automatic rotation.
    if let Some(p) = r.body.get("purpose").filter(|n| !n.is_null()) {
        match text(Some(p)) {
            Some(p) if p.eq_ignore_ascii_case("ENCRYPT_DECRYPT") => {}
            _ => return Vec::new(),
        }
    }
    let message = match r.body.get("rotation_period").filter(|n| !n.is_null()) {
        None => "has no `rotation_period`".to_string(),
        Some(n) if is_unresolved(n) => return Vec::new(),
        Some(n) => match text(Some(n)).as_deref().and_then(duration_seconds) {
            Some(secs) if (ONE_DAY..=NINETY_DAYS).contains(&secs) => return Vec::new(),
            Some(secs) => format!("rotates every {} days", secs / ONE_DAY),
            None => "has an unreadable `rotation_period`".to_string(),
        },
    };
    vec![Hit::new(
        r.span,
        format!("`{}` {message}; rotate at most every 90 days", r.address),
        "rotation_period",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use archgate_iac::discover::{discover, load, DiscoverOptions};

    /// Runs `check` over `tf` written as `main.tf` of a temporary module;
    /// returns (line, key) of each hit.
    fn hits(check: CheckFn, tf: &str) -> Vec<(u32, String)> {
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
                out.extend(check(r, &ctx).into_iter().map(|h| (h.span.line, h.key)));
            }
        }
        out
    }

    #[test]
    fn durations() {
        assert_eq!(duration_seconds("7776000s"), Some(7_776_000));
        assert_eq!(duration_seconds("86400.5s"), Some(86_400));
        assert_eq!(duration_seconds("90d"), None);
    }

    #[test]
    fn kms_rotation_periods() {
        let tf = r#"resource "google_kms_crypto_key" "yearly" {
  name            = "yearly"
  key_ring        = "ring"
  rotation_period = "31536000s"
}

resource "google_kms_crypto_key" "never" {
  name     = "never"
  key_ring = "ring"
}

resource "google_kms_crypto_key" "quarterly" {
  name            = "quarterly"
  key_ring        = "ring"
  rotation_period = "7776000s"
}

resource "google_kms_crypto_key" "signing" {
  name     = "signing"
  key_ring = "ring"
  purpose  = "ASYMMETRIC_SIGN"
}

resource "google_kms_crypto_key" "variable" {
  name            = "variable"
  key_ring        = "ring"
  rotation_period = var.rotation
}
"#;
        let lines: Vec<u32> = hits(kms_rotation, tf).into_iter().map(|(l, _)| l).collect();
        assert_eq!(lines, vec![1, 7]);
    }

    #[test]
    fn port_ranges() {
        assert!(port_covers("22", 22));
        assert!(port_covers("0-65535", 3389));
        assert!(!port_covers("23-79", 22));
        assert!(!port_covers("abc", 22));
    }

    #[test]
    fn firewall_blocks_are_judged_one_by_one() {
        let tf = r#"resource "google_compute_firewall" "mixed" {
  name          = "mixed"
  network       = "default"
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "udp"
    ports    = ["22"]
  }
  allow {
    protocol = "tcp"
    ports    = ["443", "20-23"]
  }
}

resource "google_compute_firewall" "all_tcp" {
  name          = "all-tcp"
  network       = "default"
  source_ranges = ["10.0.0.0/8", "0.0.0.0/0"]
  allow {
    protocol = "all"
  }
}

resource "google_compute_firewall" "internal" {
  name          = "internal"
  network       = "default"
  source_ranges = ["10.0.0.0/8"]
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}

resource "google_compute_firewall" "egress" {
  name               = "egress"
  network            = "default"
  direction          = "EGRESS"
  destination_ranges = ["0.0.0.0/0"]
  source_ranges      = ["0.0.0.0/0"]
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}

resource "google_compute_firewall" "variable_ports" {
  name          = "var"
  network       = "default"
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "tcp"
    ports    = var.ports
  }
}
"#;
        assert_eq!(
            hits(ssh_open_to_world, tf),
            vec![(9, "allow[1]".to_string()), (19, "allow[0]".to_string())]
        );
        assert_eq!(
            hits(rdp_open_to_world, tf),
            vec![(19, "allow[0]".to_string())]
        );
    }

    #[test]
    fn postgres_flags_are_matched_as_pairs() {
        let tf = r#"resource "google_sql_database_instance" "pg" {
  database_version = "POSTGRES_15"
  settings {
    tier = "db-f1-micro"
    database_flags {
      name  = "log_connections"
      value = "off"
    }
    database_flags {
      name  = "log_checkpoints"
      value = "on"
    }
  }
}

resource "google_sql_database_instance" "mysql" {
  database_version = "MYSQL_8_0"
  settings {
    tier = "db-f1-micro"
  }
}

resource "google_sql_database_instance" "pg_var" {
  database_version = "POSTGRES_15"
  settings {
    tier = "db-f1-micro"
    database_flags {
      name  = "log_connections"
      value = var.log_connections
    }
  }
}
"#;
        let lines = |c: CheckFn| hits(c, tf).into_iter().map(|(l, _)| l).collect::<Vec<_>>();
        // MySQL is never judged; `pg_var` lacks log_checkpoints altogether.
        assert_eq!(lines(pg_log_checkpoints), vec![23]);
        // `pg` sets it off; `pg_var`'s value is unresolved, so it is not judged.
        assert_eq!(lines(pg_log_connections), vec![1]);
        assert_eq!(lines(pg_log_lock_waits), vec![1, 23]);
    }
}
