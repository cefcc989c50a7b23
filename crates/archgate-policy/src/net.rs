//! Network builtins policies rely on that regorus 0.14.1 lacks, registered
//! as extensions on every engine. regorus already has `net.cidr_contains`,
//! `net.cidr_expand` and `net.cidr_is_valid`; this adds, with OPA's
//! semantics:
//!
//! * `net.cidr_intersects(a, b)` — the two CIDRs share an address;
//! * `net.cidr_merge(addrs)` — IPs and CIDRs (array or set) merged into the
//!   smallest set of CIDRs (an IP counts as /32 or /128);
//! * `net.cidr_contains_matches(cidrs, cidrs_or_ips)` — the set of
//!   `[key1, key2]` pairs where the first contains the second; each argument
//!   a string, an array, a set or an object (keys are reported; an array
//!   value's first element is the address), as OPA;
//! * `net.cidr_overlap(cidr, ip)` — OPA's deprecated name of `cidr_contains`;
//!
//! and Trivy's host builtins its cloud checks and `lib/` call:
//! `cidr.count_addresses(cidr)` (uint64, `*`/`internet`/`any` = max) and
//! `cidr.is_public(cidr)` (outside loopback, RFC 1918, link-local, shared
//! and IPv6 unique-local space at either end of the range).
//!
//! Invalid addresses are errors (so undefined unless
//! `--show-builtin-errors`), as in OPA. Not provided: `net.lookup_ip_addr`
//! (it needs DNS; archgate runs offline).

use ipnet::IpNet;
use regorus::{Engine, Value};
use std::net::IpAddr;

fn net_of(s: &str, what: &str) -> anyhow::Result<IpNet> {
    if s.contains('/') {
        return s
            .parse::<IpNet>()
            .map_err(|e| anyhow::anyhow!("{what}: invalid CIDR `{s}`: {e}"));
    }
    s.parse::<IpAddr>()
        .map(IpNet::from)
        .map_err(|e| anyhow::anyhow!("{what}: invalid IP address `{s}`: {e}"))
}

fn string(v: Option<&Value>, what: &str) -> anyhow::Result<String> {
    match v {
        Some(Value::String(s)) => Ok(s.to_string()),
        _ => Err(anyhow::anyhow!("{what}: expected a string")),
    }
}

/// True when `a` and `b` share at least one address.
pub fn intersects(a: &IpNet, b: &IpNet) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// `(key, address)` pairs of a `cidr_contains_matches` argument.
fn keyed(v: Option<&Value>, what: &str) -> anyhow::Result<Vec<(Value, String)>> {
    let addr_of = |x: &Value| -> Option<String> {
        match x {
            Value::String(s) => Some(s.to_string()),
            Value::Array(a) => match a.first() {
                Some(Value::String(s)) => Some(s.to_string()),
                _ => None,
            },
            _ => None,
        }
    };
    let bad =
        || anyhow::anyhow!("{what}: expected a string, an array, a set or an object of CIDRs");
    Ok(match v {
        Some(Value::String(s)) => vec![(Value::String(s.clone()), s.to_string())],
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, x)| Ok((Value::from(i as u64), addr_of(x).ok_or_else(bad)?)))
            .collect::<anyhow::Result<_>>()?,
        Some(Value::Set(items)) => items
            .iter()
            .map(|x| Ok((x.clone(), addr_of(x).ok_or_else(bad)?)))
            .collect::<anyhow::Result<_>>()?,
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, x)| Ok((k.clone(), addr_of(x).ok_or_else(bad)?)))
            .collect::<anyhow::Result<_>>()?,
        _ => return Err(bad()),
    })
}

/// Trivy's count: 1 for an IP, 2^(bits−prefix) for a CIDR, u64::MAX from 2^63
/// on and for `*`/`internet`/`any`, 0 for what does not parse.
pub fn count_addresses(s: &str) -> u64 {
    if s == "*" || s.eq_ignore_ascii_case("internet") || s.eq_ignore_ascii_case("any") {
        return u64::MAX;
    }
    if !s.contains('/') {
        return u64::from(s.parse::<IpAddr>().is_ok());
    }
    match s.parse::<IpNet>() {
        Ok(n) => {
            let power = u32::from(n.max_prefix_len() - n.prefix_len());
            if power >= 63 {
                u64::MAX
            } else {
                1u64 << power
            }
        }
        Err(_) => 0,
    }
}

fn private(ip: IpAddr) -> bool {
    const BLOCKS: [&str; 9] = [
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "169.254.0.0/16",
        "::1/128",
        "fe80::/10",
        "fc00::/7",
        "100.64.0.0/10",
    ];
    BLOCKS
        .iter()
        .filter_map(|b| b.parse::<IpNet>().ok())
        .any(|b| b.contains(&ip))
}

/// Trivy's `cidr.is_public`: wildcards are public; an IP is public outside
/// the private blocks; a CIDR when its first or last address is. A range
/// `a-b` counts as public: Trivy's implementation never recognises its
/// ends as private (it reads the text as raw bytes), and this keeps its result.
pub fn is_public(s: &str) -> bool {
    if s == "*" || s.eq_ignore_ascii_case("internet") || s.eq_ignore_ascii_case("any") {
        return true;
    }
    if s.contains('-') {
        return s.split('-').count() == 2;
    }
    if !s.contains('/') {
        return s.parse::<IpAddr>().is_ok_and(|ip| !private(ip));
    }
    // Go's ParseCIDR keeps the written address as the start.
    let Some((addr, _)) = s.split_once('/') else {
        return false;
    };
    match (addr.parse::<IpAddr>(), s.parse::<IpNet>()) {
        (Ok(start), Ok(n)) => !private(start) || !private(n.broadcast()),
        _ => false,
    }
}

/// Registers the builtins on `engine`; `strict` as `--show-builtin-errors`
/// (see [`crate::builtins::Registrar`]).
pub fn register(engine: &mut Engine, strict: bool) -> anyhow::Result<()> {
    let mut engine = crate::builtins::Registrar { engine, strict };
    engine.add_extension(
        "net.cidr_intersects".into(),
        2,
        Box::new(|args: Vec<Value>| {
            let what = "net.cidr_intersects";
            let a = net_of(&string(args.first(), what)?, what)?;
            let b = net_of(&string(args.get(1), what)?, what)?;
            Ok(Value::from(intersects(&a, &b)))
        }),
    )?;
    engine.add_extension(
        "net.cidr_overlap".into(),
        2,
        Box::new(|args: Vec<Value>| {
            let what = "net.cidr_overlap";
            let a = net_of(&string(args.first(), what)?, what)?;
            let b = net_of(&string(args.get(1), what)?, what)?;
            Ok(Value::from(a.contains(&b)))
        }),
    )?;
    engine.add_extension(
        "net.cidr_merge".into(),
        1,
        Box::new(|args: Vec<Value>| {
            let what = "net.cidr_merge";
            let items: Vec<&Value> = match args.first() {
                Some(Value::Array(a)) => a.iter().collect(),
                Some(Value::Set(s)) => s.iter().collect(),
                _ => return Err(anyhow::anyhow!("{what}: expected an array or a set")),
            };
            let nets = items
                .into_iter()
                .map(|v| net_of(&string(Some(v), what)?, what))
                .collect::<anyhow::Result<Vec<IpNet>>>()?;
            let merged: std::collections::BTreeSet<Value> = IpNet::aggregate(&nets)
                .into_iter()
                .map(|n| Value::String(n.to_string().into()))
                .collect();
            Ok(Value::from(merged))
        }),
    )?;
    engine.add_extension(
        "net.cidr_contains_matches".into(),
        2,
        Box::new(|args: Vec<Value>| {
            let what = "net.cidr_contains_matches";
            let outer = keyed(args.first(), what)?;
            let inner = keyed(args.get(1), what)?;
            let inner: Vec<(Value, IpNet)> = inner
                .into_iter()
                .map(|(k, s)| Ok((k, net_of(&s, what)?)))
                .collect::<anyhow::Result<_>>()?;
            let mut out = std::collections::BTreeSet::new();
            for (k1, s) in outer {
                let n = net_of(&s, what)?;
                for (k2, m) in &inner {
                    if n.contains(m) {
                        out.insert(Value::from(vec![k1.clone(), k2.clone()]));
                    }
                }
            }
            Ok(Value::from(out))
        }),
    )?;
    engine.add_extension(
        "cidr.count_addresses".into(),
        1,
        Box::new(|args: Vec<Value>| {
            let s = string(args.first(), "cidr.count_addresses")?;
            Ok(Value::from(count_addresses(&s)))
        }),
    )?;
    engine.add_extension(
        "cidr.is_public".into(),
        1,
        Box::new(|args: Vec<Value>| {
            let s = string(args.first(), "cidr.is_public")?;
            Ok(Value::from(is_public(&s)))
        }),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conftest::{Evaluator, FileInfo};
    use crate::load::{LoadOptions, PolicySet};
    use serde_json::json;

    fn eval(expr: &str) -> serde_json::Value {
        let src = format!(
            "package t\n\nwarn contains {{\"msg\": \"v\", \"v\": v}} if {{\n  v := {expr}\n}}\n"
        );
        let set = PolicySet::from_sources(vec![("p.rego".into(), src)], &LoadOptions::default())
            .unwrap_or_else(|e| panic!("{e:?}"));
        let mut ev = Evaluator::new(&set);
        let r = ev.check(&set.namespaces["t"], &[(json!({}), 1)], &FileInfo::of("x"));
        r.warnings
            .first()
            .and_then(|w| w.metadata.as_ref())
            .and_then(|m| m.get("v").cloned())
            .unwrap_or(serde_json::Value::Null)
    }

    #[test]
    fn intersects_and_overlap() {
        assert_eq!(
            eval(r#"net.cidr_intersects("10.0.0.0/8", "10.1.0.0/16")"#),
            json!(true)
        );
        assert_eq!(
            eval(r#"net.cidr_intersects("10.0.0.0/16", "10.1.0.0/16")"#),
            json!(false)
        );
        assert_eq!(
            eval(r#"net.cidr_intersects("fd00::/8", "fd00:1::/32")"#),
            json!(true)
        );
        assert_eq!(
            eval(r#"net.cidr_overlap("10.0.0.0/8", "10.2.3.4")"#),
            json!(true)
        );
        // Invalid input: an error, so undefined (no warning at all).
        assert_eq!(
            eval(r#"net.cidr_intersects("10.0.0.0/33", "10.0.0.0/8")"#),
            json!(null)
        );
    }

    #[test]
    fn merge_like_opa() {
        assert_eq!(
            eval(
                r#"net.cidr_merge(["192.0.128.0/24", "192.0.129.0/24", "10.0.0.1", "10.0.0.0/8"])"#
            ),
            json!(["10.0.0.0/8", "192.0.128.0/23"])
        );
        assert_eq!(
            eval(r#"net.cidr_merge({"2001:db8::/33", "2001:db8:8000::/33"})"#),
            json!(["2001:db8::/32"])
        );
    }

    #[test]
    fn contains_matches_keys_like_opa() {
        assert_eq!(
            eval(r#"net.cidr_contains_matches(["1.1.1.0/24", "1.1.2.0/24"], "1.1.1.128")"#),
            json!([[0, "1.1.1.128"]])
        );
        assert_eq!(
            eval(
                r#"net.cidr_contains_matches({"a": "10.0.0.0/8", "b": ["192.168.0.0/16", "x"]}, {"k": "192.168.1.1", "j": "10.1.1.1"})"#
            ),
            json!([["a", "j"], ["b", "k"]])
        );
    }

    #[test]
    fn trivy_count_and_public() {
        assert_eq!(count_addresses("*"), u64::MAX);
        assert_eq!(count_addresses("1.2.3.4/32"), 1);
        assert_eq!(count_addresses("10.0.0.0/16"), 65536);
        assert_eq!(count_addresses("::/0"), u64::MAX);
        assert_eq!(count_addresses("1.2.3.4"), 1);
        assert_eq!(count_addresses("nope"), 0);
        assert!(is_public("0.0.0.0/0"));
        assert!(!is_public("10.0.0.0/16"));
        assert!(is_public("8.8.8.8"));
        assert!(!is_public("192.168.1.1"));
        assert!(is_public("10.0.0.0/7"), "ends outside 10/8");
        assert_eq!(eval(r#"cidr.count_addresses("10.0.0.0/24")"#), json!(256));
        assert_eq!(eval(r#"cidr.is_public("*")"#), json!(true));
    }
}
