//! Native Azure checks (Terraform `azurerm`): what the condition language
//! cannot say.
//!
//! Network security group rules are written either inline
//! (`azurerm_network_security_group` with `security_rule` blocks) or as
//! standalone `azurerm_network_security_rule` resources. One rule must be
//! judged as a whole: its access, direction, protocol, ports and sources
//! belong together, which a path condition over every `security_rule`
//! element at once cannot express. [`nsg_rules`] reads both shapes into one
//! [`NsgRule`], so the port checks are written once.
//!
//! A value archgate could not resolve never produces a finding.
//!
//! Not for: checks a data condition can express (those are rule files under
//! `rules/azure/`).

use super::{CheckFn, Context, Hit};
use crate::eval::is_unresolved;
use archgate_core::{Node, Span, Value};
use archgate_iac::Resource;

/// The native Azure checks, by rule id.
pub const CHECKS: &[(&str, CheckFn)] = &[
    ("AG-AZURE-NSG-001", ssh_open_to_internet),
    ("AG-AZURE-NSG-002", rdp_open_to_internet),
    ("AG-AZURE-NSG-003", http_open_to_internet),
];

/// Source prefixes that mean "anywhere" in an NSG rule: the `Internet` and
/// `Any` service tags, `*`, and the all-addresses CIDRs.
const INTERNET: &[&str] = &["*", "0.0.0.0", "0.0.0.0/0", "::/0", "/0", "internet", "any"];

/// A known, trimmed, lower-cased scalar; `None` when absent or unresolved.
fn lower(n: Option<&Node>) -> Option<String> {
    let n = n.filter(|n| !n.is_null())?;
    if is_unresolved(n) {
        return None;
    }
    match &n.value {
        Value::Seq(items) if items.len() == 1 => lower(items.first()),
        _ => n.scalar_text().map(|t| t.trim().to_ascii_lowercase()),
    }
}

/// The known scalars of a string-or-list attribute, and whether some part
/// of it is unresolved.
fn strings(n: Option<&Node>) -> (Vec<String>, bool) {
    let Some(n) = n.filter(|n| !n.is_null()) else {
        return (Vec::new(), false);
    };
    if is_unresolved(n) {
        return (Vec::new(), true);
    }
    match &n.value {
        Value::Seq(items) => {
            let mut out = Vec::new();
            let mut unknown = false;
            for i in items {
                if is_unresolved(i) {
                    unknown = true;
                } else if let Some(t) = i.scalar_text() {
                    out.push(t.trim().to_ascii_lowercase());
                }
            }
            (out, unknown)
        }
        _ => (
            n.scalar_text()
                .map(|t| vec![t.trim().to_ascii_lowercase()])
                .unwrap_or_default(),
            false,
        ),
    }
}

/// True when an NSG port expression (`22`, `20-25`, `*`) includes `port`.
fn port_covers(range: &str, port: i64) -> bool {
    let range = range.trim();
    if range == "*" {
        return true;
    }
    match range.split_once('-') {
        Some((a, b)) => match (a.trim().parse::<i64>(), b.trim().parse::<i64>()) {
            (Ok(a), Ok(b)) => a <= port && port <= b,
            _ => false,
        },
        None => range.parse::<i64>() == Ok(port),
    }
}

fn is_internet(prefix: &str) -> bool {
    INTERNET.contains(&prefix)
}

/// One security rule, wherever it is written.
struct NsgRule<'a> {
    node: &'a Node,
    span: Span,
    /// `security_rule[<name or index>]` for inline rules, empty for a standalone rule.
    key: String,
}

/// Every security rule a resource writes.
fn nsg_rules(r: &Resource) -> Vec<NsgRule<'_>> {
    match r.kind.as_str() {
        "azurerm_network_security_rule" => vec![NsgRule {
            node: &r.body,
            span: r.span,
            key: String::new(),
        }],
        "azurerm_network_security_group" => {
            let Some(list) = r.body.get("security_rule").filter(|n| !is_unresolved(n)) else {
                return Vec::new();
            };
            let items: Vec<&Node> = match &list.value {
                Value::Seq(items) => items.iter().collect(),
                Value::Map(_) => vec![list],
                _ => Vec::new(),
            };
            items
                .into_iter()
                .enumerate()
                .filter(|(_, n)| !is_unresolved(n))
                .map(|(i, n)| {
                    let label = lower(n.get("name")).unwrap_or_else(|| i.to_string());
                    NsgRule {
                        node: n,
                        span: n.span,
                        key: format!("security_rule[{label}]"),
                    }
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

impl NsgRule<'_> {
    /// True when the rule certainly admits TCP `port` from the internet.
    /// Any unresolved part that decides the answer makes it false.
    fn admits_from_internet(&self, port: i64) -> bool {
        let n = self.node;
        if lower(n.get("access")).as_deref() != Some("allow")
            || lower(n.get("direction")).as_deref() != Some("inbound")
        {
            return false;
        }
        if !matches!(lower(n.get("protocol")).as_deref(), Some("tcp" | "*")) {
            return false;
        }
        let (mut ports, _) = strings(n.get("destination_port_range"));
        let (more, _) = strings(n.get("destination_port_ranges"));
        ports.extend(more);
        if !ports.iter().any(|p| port_covers(p, port)) {
            return false;
        }
        let (mut sources, _) = strings(n.get("source_address_prefix"));
        let (more, _) = strings(n.get("source_address_prefixes"));
        sources.extend(more);
        sources.iter().any(|s| is_internet(s))
    }
}

/// Rules of `r` that open TCP `port` to the internet.
fn open_port(r: &Resource, port: i64, service: &str) -> Vec<Hit> {
    nsg_rules(r)
        .into_iter()
        .filter(|x| x.admits_from_internet(port))
        .map(|x| {
            let what = if x.key.is_empty() {
                format!("`{}`", r.address)
            } else {
                format!("`{}` {}", r.address, x.key)
            };
            Hit::new(
                x.span,
                format!("{what} allows {service} (TCP {port}) inbound from the internet"),
                x.key,
            )
        })
        .collect()
}

/// AG-AZURE-NSG-001: an allow rule admits TCP 22 from any address.
fn ssh_open_to_internet(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    open_port(r, 22, "SSH")
}

/// AG-AZURE-NSG-002: an allow rule admits TCP 3389 from any address.
fn rdp_open_to_internet(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    open_port(r, 3389, "RDP")
}

/// AG-AZURE-NSG-003: an allow rule admits TCP 80 from any address.
fn http_open_to_internet(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    open_port(r, 80, "HTTP")
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
    fn port_expressions() {
        assert!(port_covers("22", 22));
        assert!(port_covers("*", 3389));
        assert!(port_covers("20-25", 22));
        assert!(port_covers(" 3000 - 4000 ", 3389));
        assert!(!port_covers("2222", 22));
        assert!(!port_covers("23-80", 22));
        assert!(!port_covers("x-y", 22));
    }

    #[test]
    fn internet_sources() {
        for s in ["*", "internet", "any", "0.0.0.0/0", "::/0", "0.0.0.0"] {
            assert!(is_internet(s), "{s}");
        }
        assert!(!is_internet("10.0.0.0/8"));
        assert!(!is_internet("virtualnetwork"));
    }

    #[test]
    fn inline_rules_are_judged_one_by_one() {
        let tf = r#"
resource "azurerm_network_security_group" "nsg" {
  name = "nsg"
  security_rule {
    name                       = "ssh-from-office"
    access                     = "Allow"
    direction                  = "Inbound"
    protocol                   = "Tcp"
    destination_port_range     = "22"
    source_address_prefix      = "203.0.113.0/24"
  }
  security_rule {
    name                       = "web"
    access                     = "Allow"
    direction                  = "Inbound"
    protocol                   = "Tcp"
    destination_port_range     = "443"
    source_address_prefix      = "Internet"
  }
  security_rule {
    name                       = "everything"
    access                     = "Allow"
    direction                  = "Inbound"
    protocol                   = "*"
    destination_port_ranges    = ["20-25", "8080"]
    source_address_prefixes    = ["10.0.0.0/8", "0.0.0.0/0"]
  }
}
"#;
        assert_eq!(
            hits(ssh_open_to_internet, tf),
            vec![(20, "security_rule[everything]".to_string())]
        );
        assert!(hits(rdp_open_to_internet, tf).is_empty());
    }

    #[test]
    fn standalone_rule_deny_and_unknowns() {
        let tf = r#"
resource "azurerm_network_security_rule" "rdp" {
  name                        = "rdp"
  access                      = "Allow"
  direction                   = "Inbound"
  protocol                    = "Tcp"
  destination_port_range      = "3389"
  source_address_prefix       = "*"
}

resource "azurerm_network_security_rule" "deny" {
  name                        = "deny-rdp"
  access                      = "Deny"
  direction                   = "Inbound"
  protocol                    = "Tcp"
  destination_port_range      = "3389"
  source_address_prefix       = "*"
}

resource "azurerm_network_security_rule" "var_source" {
  name                        = "rdp-var"
  access                      = "Allow"
  direction                   = "Inbound"
  protocol                    = "Tcp"
  destination_port_range      = "3389"
  source_address_prefix       = var.admin_cidr
}
"#;
        assert_eq!(hits(rdp_open_to_internet, tf), vec![(2, String::new())]);
        assert!(hits(ssh_open_to_internet, tf).is_empty());
    }
}
