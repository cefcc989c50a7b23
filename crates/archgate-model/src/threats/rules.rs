//! The 42 threat rules, one function each, over the prepared [`Graph`].
//! Triggers and ratings follow `research/model.md`'s table (Threagile's
//! detection logic where a rule is shared with Threagile). Tier words of the
//! research (0 = most critical … 3) map onto archgate's tiers 1 … 4: the
//! research's "tier 0" is archgate's tier 1 and "tier 0/1" is tiers 1–2
//! ([`CRITICAL_TIER`]).

use super::graph::{Flow, Graph, Sens};
use super::{Impact as I, Likelihood as L, Mitigation};
use crate::reference::Kind;
use crate::vocab::Classification;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Tiers up to this one are "critical" (the research's tiers 0 and 1).
pub const CRITICAL_TIER: u8 = 2;

/// IaC that puts a WAF in front of what it is linked to.
const WAF_KINDS: &[&str] = &[
    "aws_wafv2_web_acl_association",
    "aws_wafregional_web_acl_association",
    "aws_waf_web_acl",
    "aws_wafv2_web_acl",
    "azurerm_web_application_firewall_policy",
    "azurerm_frontdoor_firewall_policy",
    "google_compute_security_policy",
    "AWS::WAFv2::WebACLAssociation",
];
/// IaC that shows a customer-managed key or encryption configuration.
const ENCRYPTION_KINDS: &[&str] = &[
    "aws_kms_key",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_ebs_encryption_by_default",
    "azurerm_key_vault_key",
    "google_kms_crypto_key",
    "AWS::KMS::Key",
];
/// IaC that ships logs or audit trails.
const LOG_KINDS: &[&str] = &[
    "aws_cloudwatch_log_group",
    "aws_cloudwatch_log_subscription_filter",
    "aws_cloudtrail",
    "aws_flow_log",
    "aws_s3_bucket_logging",
    "azurerm_monitor_diagnostic_setting",
    "google_logging_*",
    "AWS::Logs::LogGroup",
    "AWS::CloudTrail::Trail",
];
/// IaC that restricts network access to what it is linked to.
const GUARD_KINDS: &[&str] = &[
    "aws_security_group",
    "aws_vpc_endpoint",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_policy",
    "azurerm_network_security_group",
    "azurerm_private_endpoint",
    "google_compute_firewall",
    "NetworkPolicy",
    "AWS::EC2::SecurityGroup",
];
/// IaC of a secret store or key management service.
const VAULT_KINDS: &[&str] = &[
    "aws_secretsmanager_secret",
    "aws_kms_key",
    "aws_cloudhsm_v2_cluster",
    "azurerm_key_vault",
    "google_secret_manager_secret",
    "google_kms_key_ring",
    "vault_*",
    "AWS::SecretsManager::Secret",
    "AWS::KMS::Key",
];
/// IaC of cloud posture monitoring (the CIS benchmark's detective controls).
const CLOUD_POSTURE_KINDS: &[&str] = &[
    "aws_config_configuration_recorder",
    "aws_securityhub_account",
    "aws_guardduty_detector",
    "aws_cloudtrail",
    "azurerm_security_center_subscription_pricing",
    "google_scc_*",
];
/// IaC of an identity store.
const IDENTITY_KINDS: &[&str] = &[
    "aws_cognito_user_pool",
    "azuread_application",
    "okta_*",
    "keycloak_*",
    "google_identity_platform_config",
];

/// A threat as a rule found it, before severity and reporting.
pub struct Raw {
    pub rule: &'static str,
    pub category: Option<&'static str>,
    /// Entity indices: the element reported at first, then the others involved.
    pub elements: Vec<usize>,
    /// The component the finding belongs to (when it is a Component).
    pub component: Option<usize>,
    pub likelihood: L,
    pub impact: I,
    pub message: String,
    pub mitigations: Vec<Mitigation>,
    pub synthetic_id: String,
    pub key: String,
}

/// Builds and collects raw threats.
struct Out<'g, 'c> {
    g: &'g Graph<'c>,
    list: Vec<Raw>,
}

impl Out<'_, '_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        rule: &'static str,
        category: Option<&'static str>,
        elements: Vec<usize>,
        component: Option<usize>,
        likelihood: L,
        impact: I,
        message: String,
        mitigations: Vec<Mitigation>,
    ) {
        let names: Vec<&str> = elements
            .iter()
            .map(|&e| self.g.entity(e).reference.name.as_str())
            .collect();
        let synthetic_id = format!(
            "{}@{}",
            category.unwrap_or(&rule.to_ascii_lowercase()),
            names.join("@")
        );
        self.list.push(Raw {
            rule,
            category,
            key: synthetic_id.clone(),
            synthetic_id,
            elements,
            component,
            likelihood,
            impact,
            message,
            mitigations,
        });
    }
}

/// Every rule over the graph, in rule-id order.
pub fn run_all(g: &Graph) -> Vec<Raw> {
    let mut o = Out {
        g,
        list: Vec::new(),
    };
    d01(&mut o);
    d02(&mut o);
    d03(&mut o);
    e01(&mut o);
    e02(&mut o);
    e03(&mut o);
    e04(&mut o);
    e05(&mut o);
    e06(&mut o);
    i01(&mut o);
    i02(&mut o);
    i03(&mut o);
    i04(&mut o);
    i05(&mut o);
    i06(&mut o);
    i07(&mut o);
    i08(&mut o);
    i09(&mut o);
    i10(&mut o);
    r01(&mut o);
    r02(&mut o);
    s01(&mut o);
    s02(&mut o);
    s03(&mut o);
    s04(&mut o);
    s05(&mut o);
    s06(&mut o);
    s07(&mut o);
    t01(&mut o);
    t02(&mut o);
    t03(&mut o);
    t04(&mut o);
    t05(&mut o);
    t06(&mut o);
    t07(&mut o);
    t08(&mut o);
    t09(&mut o);
    t10(&mut o);
    t11(&mut o);
    t12(&mut o);
    t13(&mut o);
    t14(&mut o);
    o.list
}

// ------------------------------------------------------------------ helpers

/// A technical asset that is in scope (not an Actor, not `outOfScope`).
fn in_scope(g: &Graph, i: usize) -> bool {
    g.assets
        .get(i)
        .is_some_and(|a| a.is_asset && a.in_scope && !a.actor)
}

fn name(g: &Graph, i: usize) -> String {
    let e = g.entity(i);
    format!("{} {}", e.kind.ref_name(), e.reference.name)
}

fn flow_name(g: &Graph, f: &Flow) -> String {
    format!(
        "flow {} ({} → {})",
        g.entity(f.entity).reference.name,
        g.entity(f.source).reference.name,
        g.entity(f.target).reference.name
    )
}

fn component(g: &Graph, i: usize) -> Option<usize> {
    (g.entity(i).kind == Kind::Component).then_some(i)
}

/// The first few data asset names, for messages.
fn data_names(g: &Graph, ids: &[usize]) -> String {
    let mut names: Vec<&str> = ids
        .iter()
        .take(4)
        .map(|&d| g.entity(d).reference.name.as_str())
        .collect();
    if ids.len() > 4 {
        names.push("…");
    }
    names.join(", ")
}

fn highest_or(s: &Sens, base: I, raised: I) -> I {
    if s.highest() {
        raised
    } else {
        base
    }
}

fn lower_if_devops(l: L, f: &Flow) -> L {
    if f.devops {
        l.shift(-1)
    } else {
        l
    }
}

fn critical_tier(t: Option<u8>) -> bool {
    t.is_some_and(|t| t <= CRITICAL_TIER)
}

/// Mitigations of a flow through its intermediaries matching `pred`.
fn via_facts(g: &Graph, f: &Flow, what: &str, pred: impl Fn(usize) -> bool) -> Vec<Mitigation> {
    f.via
        .iter()
        .filter(|&&v| pred(v))
        .map(|&v| g.fact(f.entity, format!("the flow passes {} ({what})", name(g, v))))
        .collect()
}

// ----------------------------------------------------------------- spoofing

/// AG-S01: unauthenticated inbound flow into an asset holding sensitive data.
fn s01(o: &mut Out) {
    let g = o.g;
    for f in &g.flows {
        let (t, s) = (&g.assets[f.target], &g.assets[f.source]);
        if !in_scope(g, f.target)
            || f.authentication.as_deref() != Some("none")
            || f.process_local()
            || !(t.sens_all.sensitive() || t.multi_tenant)
            || t.attrs.no_auth_required
            || s.attrs.datastore
            || s.attrs.monitoring
        {
            continue;
        }
        let impact = if f.sens.highest() {
            I::High
        } else if f.sens.any && !f.sens.sensitive() {
            I::Low
        } else {
            I::Medium
        };
        let m = via_facts(g, f, "authenticating gateway", |v| {
            g.assets[v].attrs.gateway || g.assets[v].attrs.identity
        });
        o.push(
            "AG-S01",
            Some("missing-authentication"),
            vec![f.entity, f.source, f.target],
            component(g, f.target),
            L::Likely,
            impact.for_tier(t.tier),
            format!(
                "{} reaches {} with `authentication: none`, although {} handles sensitive data",
                flow_name(g, f),
                name(g, f.target),
                g.entity(f.target).reference.name
            ),
            m,
        );
    }
}

/// AG-S02: a human reaches critical data without a second factor.
fn s02(o: &mut Out) {
    let g = o.g;
    for f in &g.flows {
        let t = &g.assets[f.target];
        if !in_scope(g, f.target) {
            continue;
        }
        let s = &g.assets[f.source];
        let human = s.human
            || (s.attrs.traffic_forwarding
                && g.flows_in[f.source]
                    .iter()
                    .any(|&k| g.assets[g.flows[k].source].human));
        let Some(auth) = f.authentication.as_deref() else {
            continue;
        };
        if !human
            || matches!(auth, "two-factor" | "externalized")
            || !(critical_tier(t.tier) || t.sens_all.highest())
        {
            continue;
        }
        let l = if f.devops { L::Likely } else { L::Unlikely };
        o.push(
            "AG-S02",
            Some("missing-authentication-second-factor"),
            vec![f.entity, f.source, f.target],
            component(g, f.target),
            l,
            highest_or(&t.sens_all, I::Medium, I::High).for_tier(t.tier),
            format!(
                "a human user reaches {} through {} with `{auth}` authentication, without a second factor",
                name(g, f.target),
                flow_name(g, f)
            ),
            Vec::new(),
        );
    }
}

/// AG-S03: end-user identity is propagated but no identity store is modelled.
fn s03(o: &mut Out) {
    let g = o.g;
    let flows: Vec<&Flow> = g
        .flows
        .iter()
        .filter(|f| f.authorization.as_deref() == Some("end-user-identity-propagation"))
        .collect();
    let Some(first) = flows.first() else { return };
    if (0..g.assets.len()).any(|i| in_scope(g, i) && g.assets[i].attrs.identity) {
        return;
    }
    let mut sens = Sens::default();
    let mut tier: Option<u8> = None;
    for f in &flows {
        sens.merge(&g.assets[f.target].sens_all);
        tier = match (tier, g.assets[f.target].tier) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    let m = g
        .iac_anywhere(IDENTITY_KINDS)
        .map(|mut m| {
            m.description = format!("identity store {}", m.description);
            m
        })
        .into_iter()
        .collect();
    o.push(
        "AG-S03",
        Some("missing-identity-store"),
        vec![first.entity],
        component(g, first.target),
        L::Unlikely,
        sens.impact().for_tier(tier),
        format!(
            "{} flow(s) propagate end-user identity (first: {}), but no in-scope identity provider or identity store is modelled",
            flows.len(),
            flow_name(g, first)
        ),
        m,
    );
}

/// AG-S04: a service registry callers trust for addresses.
fn s04(o: &mut Out) {
    let g = o.g;
    for i in 0..g.assets.len() {
        if !in_scope(g, i) || !g.assets[i].attrs.service_registry {
            continue;
        }
        let mut sens = Sens::default();
        for &k in &g.flows_in[i] {
            sens.merge(&g.assets[g.flows[k].source].sens_all);
        }
        o.push(
            "AG-S04",
            Some("service-registry-poisoning"),
            vec![i],
            component(g, i),
            L::Unlikely,
            sens.impact(),
            format!(
                "{} is a service registry: a poisoned entry redirects its callers",
                name(g, i)
            ),
            Vec::new(),
        );
    }
}

/// AG-S05: a web application with incoming web flows.
fn s05(o: &mut Out) {
    let g = o.g;
    for f in &g.flows {
        if !in_scope(g, f.target) || !g.assets[f.target].attrs.web_app || !f.web() {
            continue;
        }
        let impact = if f.sens.integ >= 4 { I::Medium } else { I::Low };
        o.push(
            "AG-S05",
            Some("cross-site-request-forgery"),
            vec![f.entity, f.target],
            component(g, f.target),
            lower_if_devops(L::VeryLikely, f),
            impact,
            format!(
                "web application {} accepts {}: a forged cross-site request could act with the user's session",
                name(g, f.target),
                flow_name(g, f)
            ),
            Vec::new(),
        );
    }
}

/// AG-S06: a static secret authenticates service-to-service traffic across a network boundary.
fn s06(o: &mut Out) {
    let g = o.g;
    for f in &g.flows {
        let s = &g.assets[f.source];
        if s.human
            || s.attrs.client
            || !f.crosses_network
            || f.authentication.as_deref() != Some("credentials")
            || !f.sens.sensitive()
            || f.mtls
        {
            continue;
        }
        let mut m = Vec::new();
        if f.vpn {
            m.push(g.fact(f.entity, "the flow runs over a VPN".into()));
        }
        m.extend(g.iac(f.source, &["aws_secretsmanager_secret_rotation"]));
        o.push(
            "AG-S06",
            None,
            vec![f.entity, f.source, f.target],
            component(g, f.target).or(component(g, f.source)),
            L::Likely,
            f.sens.impact().for_tier(g.flow_tier(f)),
            format!(
                "{} authenticates with a static credential and no mutual TLS across a network boundary, carrying {}",
                flow_name(g, f),
                data_names(g, &f.data)
            ),
            m,
        );
    }
}

/// AG-S07: custom code accepts uploaded files.
fn s07(o: &mut Out) {
    let g = o.g;
    for i in 0..g.assets.len() {
        let a = &g.assets[i];
        if !in_scope(g, i) || !a.custom || !a.formats.iter().any(|f| f == "file") {
            continue;
        }
        o.push(
            "AG-S07",
            Some("missing-file-validation"),
            vec![i],
            component(g, i),
            L::VeryLikely,
            a.sens_all.impact().for_tier(a.tier),
            format!(
                "{} is custom-developed and accepts files: their type, size and content must be validated",
                name(g, i)
            ),
            Vec::new(),
        );
    }
}

// ---------------------------------------------------------------- tampering

/// AG-T01: a web application or service reached across a network boundary without a WAF.
fn t01(o: &mut Out) {
    let g = o.g;
    for f in &g.flows {
        let t = &g.assets[f.target];
        let s = &g.assets[f.source];
        if !in_scope(g, f.target)
            || !(t.attrs.web_app || t.attrs.web_service)
            || t.attrs.waf
            || s.attrs.waf
            || !f.web()
            || !f.crosses_network
        {
            continue;
        }
        let mut m = via_facts(g, f, "WAF", |v| g.assets[v].attrs.waf);
        if s.attrs.traffic_forwarding {
            let ins = &g.flows_in[f.source];
            let guarded = !ins.is_empty()
                && ins.iter().all(|&k| {
                    let up = &g.flows[k];
                    g.assets[up.source].attrs.waf || up.via.iter().any(|&v| g.assets[v].attrs.waf)
                });
            if guarded {
                m.push(g.fact(
                    f.entity,
                    format!("every flow into {} passes a WAF", name(g, f.source)),
                ));
            }
        }
        m.extend(g.iac(f.target, WAF_KINDS));
        for &v in &f.via {
            m.extend(g.iac(v, WAF_KINDS));
        }
        let l = if s.internet {
            L::Unlikely.shift(1)
        } else {
            L::Unlikely
        };
        o.push(
            "AG-T01",
            Some("missing-waf"),
            vec![f.entity, f.source, f.target],
            component(g, f.target),
            l,
            t.sens_all.impact().for_tier(t.tier),
            format!(
                "{} reaches {} across a network boundary with no WAF in front{}",
                flow_name(g, f),
                name(g, f.target),
                if s.internet {
                    " (from the internet)"
                } else {
                    ""
                }
            ),
            m,
        );
    }
}

/// Injection into a query language: shared by T02, T03, T04.
#[allow(clippy::too_many_arguments)]
fn injection(
    o: &mut Out,
    rule: &'static str,
    category: &'static str,
    base: L,
    target: impl Fn(&super::graph::Asset) -> bool,
    protocol: impl Fn(&Flow, &super::graph::Asset) -> bool,
    impact: impl Fn(&super::graph::Asset) -> I,
    what: &str,
) {
    let g = o.g;
    for f in &g.flows {
        let t = &g.assets[f.target];
        if !in_scope(g, f.target) || !target(t) || !protocol(f, t) {
            continue;
        }
        o.push(
            rule,
            Some(category),
            vec![f.entity, f.source, f.target],
            component(g, f.source).or(component(g, f.target)),
            lower_if_devops(base, f),
            impact(t),
            format!(
                "{} sends {what} to {}: input concatenated into them can change what they do",
                flow_name(g, f),
                name(g, f.target)
            ),
            Vec::new(),
        );
    }
}

/// AG-T02: SQL/NoSQL injection.
fn t02(o: &mut Out) {
    injection(
        o,
        "AG-T02",
        "sql-nosql-injection",
        L::VeryLikely,
        |t| t.attrs.database || t.attrs.datastore,
        |f, t| {
            f.database()
                || (t.attrs.database
                    && (f.web()
                        || f.protocol
                            .as_deref()
                            .is_some_and(|p| p.starts_with("binary"))))
        },
        |t| {
            let s = if t.stored.is_empty() {
                &t.sens_all
            } else {
                &t.sens_stored
            };
            highest_or(s, I::Medium, I::High).for_tier(t.tier)
        },
        "queries",
    );
}

/// AG-T03: LDAP injection.
fn t03(o: &mut Out) {
    injection(
        o,
        "AG-T03",
        "ldap-injection",
        L::Likely,
        |t| t.attrs.ldap,
        |f, _| matches!(f.protocol.as_deref(), Some("ldap" | "ldaps")),
        |t| t.sens_all.impact().for_tier(t.tier),
        "LDAP queries",
    );
}

/// AG-T04: search-query injection.
fn t04(o: &mut Out) {
    injection(
        o,
        "AG-T04",
        "search-query-injection",
        L::VeryLikely,
        |t| t.attrs.search,
        |f, _| !f.process_local(),
        |t| t.sens_all.impact().for_tier(t.tier),
        "search queries",
    );
}

/// AG-T05: cross-site scripting in a web application.
fn t05(o: &mut Out) {
    let g = o.g;
    for i in 0..g.assets.len() {
        let a = &g.assets[i];
        if !in_scope(g, i) || !a.attrs.web_app {
            continue;
        }
        o.push(
            "AG-T05",
            Some("cross-site-scripting"),
            vec![i],
            component(g, i),
            L::Likely,
            highest_or(&a.sens_all, I::Medium, I::High).for_tier(a.tier),
            format!(
                "web application {} renders user-supplied content: script injected into it runs in its users' sessions",
                name(g, i)
            ),
            Vec::new(),
        );
    }
}

/// AG-T06: untrusted deserialization.
fn t06(o: &mut Out) {
    let g = o.g;
    for i in 0..g.assets.len() {
        let a = &g.assets[i];
        if !in_scope(g, i) {
            continue;
        }
        let rmi = g.flows_in[i].iter().any(|&k| {
            g.flows[k]
                .protocol
                .as_deref()
                .is_some_and(|p| p.starts_with("iiop") || p.starts_with("jrmp"))
        });
        if !(a.formats.iter().any(|f| f == "serialization") || a.attrs.ejb || rmi) {
            continue;
        }
        let across = g.flows_in[i].iter().any(|&k| g.flows[k].crosses_network);
        o.push(
            "AG-T06",
            Some("untrusted-deserialization"),
            vec![i],
            component(g, i),
            if across { L::VeryLikely } else { L::Likely },
            highest_or(&a.sens_all, I::High, I::VeryHigh),
            format!(
                "{} deserializes objects it receives: a crafted object can run code",
                name(g, i)
            ),
            Vec::new(),
        );
    }
}

/// AG-T07: development infrastructure reachable from the internet.
fn t07(o: &mut Out) {
    let g = o.g;
    let inspection =
        (0..g.assets.len()).any(|i| in_scope(g, i) && g.assets[i].attrs.code_inspection);
    for i in 0..g.assets.len() {
        let a = &g.assets[i];
        if !in_scope(g, i) || !a.attrs.dev_relevant {
            continue;
        }
        let from_internet = g.flows_in[i]
            .iter()
            .any(|&k| g.assets[g.flows[k].source].internet && !g.flows[k].vpn);
        if !(a.internet || from_internet) {
            continue;
        }
        let mut impact = I::Medium;
        if g.flows_out[i]
            .iter()
            .any(|&k| g.flows[k].devops && g.assets[g.flows[k].target].sens_all.highest())
        {
            impact = I::High;
        }
        if inspection {
            impact = impact.shift(-1);
        }
        o.push(
            "AG-T07",
            Some("code-backdooring"),
            vec![i],
            component(g, i),
            L::Unlikely,
            impact,
            format!(
                "{} builds or holds code and is reachable from the internet: a compromised account can plant a backdoor",
                name(g, i)
            ),
            Vec::new(),
        );
    }
}

/// AG-T08: a container image built on a base image nobody vetted.
fn t08(o: &mut Out) {
    let g = o.g;
    for i in 0..g.assets.len() {
        let a = &g.assets[i];
        if !in_scope(g, i) || !a.container {
            continue;
        }
        let impact = if a.tier == Some(1) || a.sens_all.highest() {
            I::High
        } else {
            I::Medium
        };
        o.push(
            "AG-T08",
            Some("container-baseimage-backdooring"),
            vec![i],
            component(g, i),
            L::Unlikely,
            impact,
            format!(
                "{} runs as a container: a backdoored base image ships into production with it",
                name(g, i)
            ),
            Vec::new(),
        );
    }
}

/// AG-T09: development infrastructure deploys without a check of what it deploys.
fn t09(o: &mut Out) {
    let g = o.g;
    for i in 0..g.assets.len() {
        if !in_scope(g, i) || !g.assets[i].attrs.dev_relevant {
            continue;
        }
        let targets: Vec<usize> = g.flows_out[i]
            .iter()
            .filter(|&&k| g.flows[k].devops)
            .map(|&k| g.flows[k].target)
            .collect();
        if targets.is_empty() {
            continue;
        }
        let mut sens = Sens::default();
        for &t in &targets {
            sens.merge(&g.assets[t].sens_all);
        }
        let mut elements = vec![i];
        elements.extend(targets.iter().take(5));
        o.push(
            "AG-T09",
            Some("unchecked-deployment"),
            elements,
            component(g, i),
            L::Unlikely,
            sens.impact(),
            format!(
                "{} deploys to {} target(s): without signed, scanned artefacts a tampered build reaches them",
                name(g, i),
                targets.len()
            ),
            Vec::new(),
        );
    }
}

/// AG-T10: a build pipeline pushes into its targets.
fn t10(o: &mut Out) {
    let g = o.g;
    for i in 0..g.assets.len() {
        if !in_scope(g, i) || !g.assets[i].attrs.build_pipeline {
            continue;
        }
        let targets: Vec<usize> = g.flows_out[i]
            .iter()
            .map(|&k| &g.flows[k])
            .filter(|f| f.devops && !f.readonly && !g.assets[f.target].attrs.dev_relevant)
            .map(|f| f.target)
            .collect();
        if targets.is_empty() {
            continue;
        }
        let mut sens = Sens::default();
        let mut tier: Option<u8> = None;
        for &t in &targets {
            sens.merge(&g.assets[t].sens_all);
            tier = match (tier, g.assets[t].tier) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        let mut elements = vec![i];
        elements.extend(targets.iter().take(5));
        o.push(
            "AG-T10",
            Some("push-instead-of-pull-deployment"),
            elements,
            component(g, i),
            L::Unlikely,
            sens.impact().for_tier(tier),
            format!(
                "build pipeline {} writes into {} target(s): it holds credentials to production",
                name(g, i),
                targets.len()
            ),
            Vec::new(),
        );
    }
}

/// AG-T11: custom code with no modelled source repository and build pipeline.
fn t11(o: &mut Out) {
    let g = o.g;
    let custom: Vec<usize> = (0..g.assets.len())
        .filter(|&i| in_scope(g, i) && g.assets[i].custom && g.entity(i).kind == Kind::Component)
        .collect();
    if custom.is_empty() {
        return;
    }
    let has = |p: fn(&super::graph::Attrs) -> bool| {
        (0..g.assets.len()).any(|i| in_scope(g, i) && p(&g.assets[i].attrs))
    };
    let (ci, scm) = (has(|a| a.build_pipeline), has(|a| a.scm));
    if ci && scm {
        return;
    }
    let mut sens = Sens::default();
    for &c in &custom {
        sens.merge(&g.assets[c].sens_all);
    }
    let top = custom
        .iter()
        .copied()
        .max_by_key(|&c| {
            (
                g.assets[c].sens_all.impact(),
                std::cmp::Reverse(g.assets[c].tier.unwrap_or(9)),
                std::cmp::Reverse(c),
            )
        })
        .unwrap_or(custom[0]);
    let missing: Vec<&str> = [(!scm, "source repository"), (!ci, "build pipeline")]
        .into_iter()
        .filter(|(m, _)| *m)
        .map(|(_, w)| w)
        .collect();
    let m = g
        .iac_anywhere(&["workflow"])
        .map(|mut m| {
            m.description = format!(
                "the CI workflow {} builds from a source repository",
                m.description
            );
            m
        })
        .into_iter()
        .collect();
    o.push(
        "AG-T11",
        Some("missing-build-infrastructure"),
        vec![top],
        component(g, top),
        L::Unlikely,
        sens.impact(),
        format!(
            "{} custom-developed component(s) but no in-scope {}: how their code is built and released cannot be reviewed",
            custom.len(),
            missing.join(" or ")
        ),
        m,
    );
}

/// AG-T12: an attractive target without a hardening baseline.
fn t12(o: &mut Out) {
    let g = o.g;
    for i in 0..g.assets.len() {
        let a = &g.assets[i];
        if !in_scope(g, i) {
            continue;
        }
        let high_value =
            a.attrs.datastore || a.attrs.identity || a.attrs.vault || a.tier == Some(1);
        let threshold = if high_value { 40.0 } else { 55.0 };
        if a.raa < threshold {
            continue;
        }
        o.push(
            "AG-T12",
            Some("missing-hardening"),
            vec![i],
            component(g, i),
            L::Likely,
            highest_or(&a.sens_all, I::Low, I::Medium),
            format!(
                "{} has a relative attacker attractiveness of {:.0}%: it needs a documented hardening baseline",
                name(g, i),
                a.raa
            ),
            Vec::new(),
        );
    }
}

/// AG-T13: cloud accounts without posture monitoring.
fn t13(o: &mut Out) {
    let g = o.g;
    let mut roots: BTreeMap<usize, Sens> = BTreeMap::new();
    for i in 0..g.assets.len() {
        if !in_scope(g, i) {
            continue;
        }
        if let Some(r) = g.boundary_of(i).and_then(|b| b.cloud_root) {
            roots.entry(r).or_default().merge(&g.assets[i].sens_all);
        }
    }
    let posture = g.iac_anywhere(CLOUD_POSTURE_KINDS);
    for (r, sens) in roots {
        o.push(
            "AG-T13",
            Some("missing-cloud-hardening"),
            vec![r],
            None,
            L::Unlikely,
            sens.impact(),
            format!(
                "cloud boundary {} needs the provider's hardening baseline (CIS benchmark) and posture monitoring",
                name(g, r)
            ),
            posture.clone().into_iter().collect(),
        );
    }
}

/// AG-T14: integrity-critical data crosses a trust boundary without message integrity.
fn t14(o: &mut Out) {
    let g = o.g;
    for f in &g.flows {
        if !(f.sens.integ >= 3 || f.sens.payment_instruction)
            || !f.crosses_boundary
            || f.signed
            || f.mtls
            || f.database()
            || f.process_local()
        {
            continue;
        }
        o.push(
            "AG-T14",
            None,
            vec![f.entity, f.source, f.target],
            component(g, f.target).or(component(g, f.source)),
            L::Likely,
            I::High,
            format!(
                "{} carries {} across a trust boundary with neither message signing nor mutual TLS",
                flow_name(g, f),
                data_names(g, &f.data)
            ),
            Vec::new(),
        );
    }
}

// -------------------------------------------------------------- repudiation

/// AG-R01: a critical asset with no audit trail to monitoring.
fn r01(o: &mut Out) {
    let g = o.g;
    for i in 0..g.assets.len() {
        let a = &g.assets[i];
        if !in_scope(g, i) || a.attrs.monitoring {
            continue;
        }
        let critical = g.entity(i).kind == Kind::Component && critical_tier(a.tier);
        let store = !a.stored.is_empty() && a.sens_stored.highest();
        if !(critical || store) {
            continue;
        }
        let monitored = g.flows_out[i]
            .iter()
            .any(|&k| g.assets[g.flows[k].target].attrs.monitoring)
            || g.flows_in[i]
                .iter()
                .any(|&k| g.assets[g.flows[k].source].attrs.monitoring);
        if monitored {
            continue;
        }
        let m = g.iac(i, LOG_KINDS);
        o.push(
            "AG-R01",
            None,
            vec![i],
            component(g, i),
            L::Likely,
            I::Medium.for_tier(a.tier),
            format!(
                "{} sends no audit trail to a monitoring or SIEM asset: its actions cannot be attributed afterwards",
                name(g, i)
            ),
            m,
        );
    }
}

/// AG-R02: the audit log sits with the applications it audits.
fn r02(o: &mut Out) {
    let g = o.g;
    for i in 0..g.assets.len() {
        let a = &g.assets[i];
        if !in_scope(g, i) || !(a.attrs.log_store || a.sens_stored.audit_log) {
            continue;
        }
        let writers: Vec<usize> = g.flows_in[i]
            .iter()
            .map(|&k| g.flows[k].source)
            .filter(|&s| {
                let w = &g.assets[s];
                (w.network.is_some() && w.network == a.network)
                    || w.runtimes.iter().any(|r| a.runtimes.contains(r))
            })
            .collect();
        if writers.is_empty() {
            continue;
        }
        let impact = match a.tier {
            Some(1) => I::High,
            Some(2) => I::Medium,
            _ => I::Low,
        };
        let mut elements = vec![i];
        elements.extend(writers.iter().take(5));
        o.push(
            "AG-R02",
            None,
            elements,
            component(g, i),
            L::Unlikely,
            impact,
            format!(
                "audit log store {} shares its network boundary or runtime with {} of the applications it audits: an intruder there can erase the trail",
                name(g, i),
                writers.len()
            ),
            Vec::new(),
        );
    }
}

// --------------------------------------------------- information disclosure

/// AG-I01: sensitive data over an unencrypted protocol.
fn i01(o: &mut Out) {
    let g = o.g;
    for f in &g.flows {
        if f.encrypted != Some(false)
            || f.process_local()
            || g.assets[f.source].attrs.monitoring
            || g.assets[f.target].attrs.monitoring
            || !f.sens.sensitive()
        {
            continue;
        }
        let l = if f.crosses_network {
            L::Likely
        } else {
            L::Unlikely
        };
        let m = if f.vpn {
            vec![g.fact(f.entity, "the flow runs over a VPN".into())]
        } else {
            Vec::new()
        };
        o.push(
            "AG-I01",
            Some("unencrypted-communication"),
            vec![f.entity, f.source, f.target],
            component(g, f.target).or(component(g, f.source)),
            l,
            highest_or(&f.sens, I::Medium, I::High).for_tier(g.flow_tier(f)),
            format!(
                "{} carries {} unencrypted ({}){}",
                flow_name(g, f),
                data_names(g, &f.data),
                f.protocol.as_deref().unwrap_or("encrypted: false"),
                if f.crosses_network {
                    " across a network boundary"
                } else {
                    ""
                }
            ),
            m,
        );
    }
}

/// AG-I02: sensitive data stored without encryption at rest.
fn i02(o: &mut Out) {
    let g = o.g;
    for i in 0..g.assets.len() {
        let a = &g.assets[i];
        if !in_scope(g, i)
            || a.stored.is_empty()
            || !a.sens_stored.sensitive()
            || a.attrs.traffic_forwarding
        {
            continue;
        }
        let (why, m) = match a.encryption.as_deref() {
            Some("none") => ("declares `encryptionAtRest: none`".to_string(), Vec::new()),
            Some("transparent") if a.sens_stored.highest() => (
                "uses only transparent encryption for its most sensitive data (at least data-with-symmetric-shared-key expected)".to_string(),
                Vec::new(),
            ),
            Some(_) => continue,
            None => (
                "declares no `encryptionAtRest`".to_string(),
                g.iac(i, ENCRYPTION_KINDS),
            ),
        };
        o.push(
            "AG-I02",
            Some("unencrypted-asset"),
            vec![i],
            component(g, i),
            L::Unlikely,
            highest_or(&a.sens_stored, I::Medium, I::High).for_tier(a.tier),
            format!(
                "{} stores {} and {why}",
                name(g, i),
                data_names(g, &a.stored)
            ),
            m,
        );
    }
}

/// AG-I03: an asset that tends to collect secrets.
fn i03(o: &mut Out) {
    let g = o.g;
    for i in 0..g.assets.len() {
        let a = &g.assets[i];
        if !in_scope(g, i) || !a.attrs.may_contain_secrets {
            continue;
        }
        o.push(
            "AG-I03",
            Some("accidental-secret-leak"),
            vec![i],
            component(g, i),
            L::Unlikely,
            a.sens_all.impact(),
            format!(
                "{} holds code or artefacts where credentials get committed by accident",
                name(g, i)
            ),
            Vec::new(),
        );
    }
}

/// AG-I04: path traversal into a filesystem.
fn i04(o: &mut Out) {
    let g = o.g;
    for f in &g.flows {
        let t = &g.assets[f.target];
        if !in_scope(g, f.target) || !t.attrs.filesystem {
            continue;
        }
        o.push(
            "AG-I04",
            Some("path-traversal"),
            vec![f.entity, f.source, f.target],
            component(g, f.source).or(component(g, f.target)),
            lower_if_devops(L::VeryLikely, f),
            t.sens_stored.impact().for_tier(t.tier),
            format!(
                "{} opens files on {}: a crafted path reads files outside the intended directory",
                flow_name(g, f),
                name(g, f.target)
            ),
            Vec::new(),
        );
    }
}

/// AG-I05: server-side request forgery from an asset with outgoing web calls.
fn i05(o: &mut Out) {
    let g = o.g;
    for i in 0..g.assets.len() {
        let a = &g.assets[i];
        if !in_scope(g, i) || a.attrs.client || a.attrs.traffic_forwarding || a.attrs.datastore {
            continue;
        }
        let outs: Vec<&Flow> = g.flows_out[i]
            .iter()
            .map(|&k| &g.flows[k])
            .filter(|f| f.web())
            .collect();
        if outs.is_empty() {
            continue;
        }
        let cloud = g.boundary_of(i).is_some_and(|b| b.cloud_root.is_some());
        let sensitive_target = outs.iter().any(|f| g.assets[f.target].sens_all.sensitive());
        let impact = if cloud || sensitive_target {
            I::Medium
        } else {
            I::Low
        };
        let l = if outs.iter().all(|f| f.devops) {
            L::Unlikely
        } else {
            L::Likely
        };
        let mut elements = vec![i];
        elements.extend(outs.iter().take(5).map(|f| f.target));
        o.push(
            "AG-I05",
            Some("server-side-request-forgery"),
            elements,
            component(g, i),
            l,
            impact,
            format!(
                "{} makes outgoing web requests ({} flow(s)){}: a URL an attacker controls can make it call internal endpoints",
                name(g, i),
                outs.len(),
                if cloud { " in the cloud, where the instance metadata endpoint holds credentials" } else { "" }
            ),
            g.iac(i, &["NetworkPolicy"]),
        );
    }
}

/// AG-I06: XML external entities.
fn i06(o: &mut Out) {
    let g = o.g;
    for i in 0..g.assets.len() {
        let a = &g.assets[i];
        if !in_scope(g, i) || !a.formats.iter().any(|f| f == "xml") {
            continue;
        }
        o.push(
            "AG-I06",
            Some("xml-external-entity"),
            vec![i],
            component(g, i),
            L::VeryLikely,
            highest_or(&a.sens_all, I::Medium, I::High).for_tier(a.tier),
            format!(
                "{} parses XML: external entities can read local files or reach internal hosts",
                name(g, i)
            ),
            Vec::new(),
        );
    }
}

/// AG-I07: no vault for the secrets of sensitive systems.
fn i07(o: &mut Out) {
    let g = o.g;
    if (0..g.assets.len()).any(|i| in_scope(g, i) && g.assets[i].attrs.vault) {
        return;
    }
    // Per System: the data its assets touch and its most critical tier.
    let mut systems: BTreeMap<usize, (Sens, Option<u8>)> = BTreeMap::new();
    let mut loose = Sens::default();
    let mut loose_tier: Option<u8> = None;
    let mut loose_first: Option<usize> = None;
    for i in 0..g.assets.len() {
        if !in_scope(g, i) {
            continue;
        }
        let a = &g.assets[i];
        let sys = g
            .entity(i)
            .relations
            .system
            .as_ref()
            .and_then(|s| g.catalog.position(&s.target));
        let (sens, tier) = match sys {
            Some(s) => {
                let e = systems.entry(s).or_default();
                (&mut e.0, &mut e.1)
            }
            None => {
                loose_first.get_or_insert(i);
                (&mut loose, &mut loose_tier)
            }
        };
        sens.merge(&a.sens_all);
        *tier = match (*tier, a.tier) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (x, y) => x.or(y),
        };
    }
    let qualifies = |s: &Sens, t: Option<u8>| s.sensitive() || critical_tier(t);
    let mut candidates: Vec<(usize, Sens, Option<u8>)> = systems
        .into_iter()
        .filter(|(_, (s, t))| qualifies(s, *t))
        .map(|(k, (s, t))| (k, s, t))
        .collect();
    if let Some(first) = loose_first.filter(|_| qualifies(&loose, loose_tier)) {
        candidates.push((first, loose, loose_tier));
    }
    let Some(top) = candidates
        .iter()
        .max_by_key(|(k, s, t)| {
            (
                s.impact(),
                std::cmp::Reverse(t.unwrap_or(9)),
                std::cmp::Reverse(*k),
            )
        })
        .cloned()
    else {
        return;
    };
    let mut elements = vec![top.0];
    elements.extend(
        candidates
            .iter()
            .map(|c| c.0)
            .filter(|&k| k != top.0)
            .take(9),
    );
    let m = g
        .iac_anywhere(VAULT_KINDS)
        .map(|mut m| {
            m.description = format!("secret/key store {}", m.description);
            m
        })
        .into_iter()
        .collect();
    o.push(
        "AG-I07",
        Some("missing-vault"),
        elements,
        None,
        L::Unlikely,
        top.1.impact().for_tier(top.2),
        format!(
            "no vault or HSM is modelled, yet {} system(s) handle sensitive data or are critical (most sensitive: {})",
            candidates.len(),
            name(g, top.0)
        ),
        m,
    );
}

/// AG-I08: data held above its zone's classification ceiling.
fn i08(o: &mut Out) {
    let g = o.g;
    let mut arriving: HashMap<usize, Vec<usize>> = HashMap::new();
    for f in &g.flows {
        arriving
            .entry(f.target)
            .or_default()
            .extend(f.data.iter().copied());
        arriving
            .entry(f.source)
            .or_default()
            .extend(f.received.iter().copied());
    }
    for i in 0..g.assets.len() {
        let a = &g.assets[i];
        if !a.is_asset {
            continue;
        }
        let Some(b) = a.boundary else { continue };
        let Some(ceiling) = g.boundaries.get(&b).and_then(|x| x.ceiling) else {
            continue;
        };
        let mut over: Vec<usize> = a
            .stored
            .iter()
            .chain(arriving.get(&i).into_iter().flatten())
            .copied()
            .filter(|d| {
                g.data
                    .get(d)
                    .and_then(|x| x.sens.conf)
                    .is_some_and(|c| c > ceiling)
            })
            .collect();
        over.sort_unstable();
        over.dedup();
        if over.is_empty() {
            continue;
        }
        let mut elements = vec![i, b];
        elements.extend(over.iter().take(4));
        o.push(
            "AG-I08",
            None,
            elements,
            component(g, i),
            L::Likely,
            I::High,
            format!(
                "{} holds {} in {}, whose ceiling is {}",
                name(g, i),
                data_names(g, &over),
                name(g, b),
                ceiling.as_str()
            ),
            Vec::new(),
        );
    }
}

/// AG-I09: data leaves its allowed regions or goes to an untrusted party.
fn i09(o: &mut Out) {
    let g = o.g;
    let breaches = |receiver: usize, data: &[usize]| -> Vec<(usize, String)> {
        let r = &g.assets[receiver];
        let mut out = Vec::new();
        for &d in data {
            let Some(di) = g.data.get(&d) else { continue };
            if let Some(region) = &r.region {
                if !di.residency.is_empty() && !di.residency.contains(region) {
                    out.push((d, format!("region {region} is outside its residency")));
                    continue;
                }
            }
            if r.actor
                && r.trusted == Some(false)
                && (di.sens.conf >= Some(Classification::Confidential) || di.sens.pii)
            {
                out.push((d, "the receiving party is untrusted".into()));
            }
        }
        out
    };
    for f in &g.flows {
        for (receiver, data) in [(f.target, &f.data), (f.source, &f.received)] {
            let b = breaches(receiver, data);
            if b.is_empty() {
                continue;
            }
            let ids: Vec<usize> = b.iter().map(|x| x.0).collect();
            let mut elements = vec![f.entity, receiver];
            elements.extend(ids.iter().take(4));
            o.push(
                "AG-I09",
                None,
                elements,
                component(g, f.source).or(component(g, f.target)),
                L::Likely,
                I::High,
                format!(
                    "{} sends {} to {}: {}",
                    flow_name(g, f),
                    data_names(g, &ids),
                    name(g, receiver),
                    b[0].1
                ),
                Vec::new(),
            );
        }
    }
    for i in 0..g.assets.len() {
        if !g.assets[i].is_asset || g.assets[i].stored.is_empty() {
            continue;
        }
        let b: Vec<(usize, String)> = breaches(i, &g.assets[i].stored)
            .into_iter()
            .filter(|(_, why)| why.starts_with("region"))
            .collect();
        if b.is_empty() {
            continue;
        }
        let ids: Vec<usize> = b.iter().map(|x| x.0).collect();
        let mut elements = vec![i];
        elements.extend(ids.iter().take(4));
        o.push(
            "AG-I09",
            None,
            elements,
            component(g, i),
            L::Likely,
            I::High,
            format!("{} stores {}: {}", name(g, i), data_names(g, &ids), b[0].1),
            Vec::new(),
        );
    }
}

/// AG-I10: production-grade data in an experimental or non-production place.
fn i10(o: &mut Out) {
    let g = o.g;
    for i in 0..g.assets.len() {
        let a = &g.assets[i];
        if !in_scope(g, i) || !(a.experimental || a.non_prod) {
            continue;
        }
        let s = &a.sens_all;
        if !(s.pii || s.pci || s.conf == Some(Classification::Restricted)) {
            continue;
        }
        o.push(
            "AG-I10",
            None,
            vec![i],
            component(g, i),
            L::Likely,
            highest_or(s, I::Medium, I::High),
            format!(
                "{} is {} but handles {}",
                name(g, i),
                if a.experimental {
                    "experimental"
                } else {
                    "in a non-production environment"
                },
                data_names(g, &a.touched)
            ),
            Vec::new(),
        );
    }
}

// --------------------------------------------------------- denial of service

/// AG-D01: a critical asset takes traffic from across a network boundary.
fn d01(o: &mut Out) {
    let g = o.g;
    for f in &g.flows {
        let t = &g.assets[f.target];
        if f.devops
            || !in_scope(g, f.target)
            || !(t.sens_all.avail >= 3 || critical_tier(t.tier))
            || f.process_local()
        {
            continue;
        }
        let s = &g.assets[f.source];
        let one_hop = s.attrs.traffic_forwarding
            && g.flows_in[f.source]
                .iter()
                .any(|&k| g.flows[k].crosses_network && !g.flows[k].devops);
        if !(f.crosses_network || one_hop) {
            continue;
        }
        let mut m = via_facts(g, f, "rate limiting", |v| {
            g.assets[v].attrs.waf || g.assets[v].attrs.gateway
        });
        if f.ip_filtered {
            m.push(g.fact(f.entity, "the flow is IP-filtered".into()));
        }
        if f.vpn {
            m.push(g.fact(f.entity, "the flow runs over a VPN".into()));
        }
        let impact = if t.sens_all.avail >= 4 && t.redundant != Some(true) {
            I::Medium
        } else {
            I::Low
        };
        o.push(
            "AG-D01",
            Some("dos-risky-access-across-trust-boundary"),
            vec![f.entity, f.source, f.target],
            component(g, f.target),
            L::Unlikely,
            impact,
            format!(
                "{} lets traffic from across a network boundary reach {}, which must stay available",
                flow_name(g, f),
                name(g, f.target)
            ),
            m,
        );
    }
}

/// AG-D02: a single point of failure for a critical component.
fn d02(o: &mut Out) {
    let g = o.g;
    for i in 0..g.assets.len() {
        let a = &g.assets[i];
        if !in_scope(g, i) || a.redundant != Some(false) {
            continue;
        }
        let critical_dependants: Vec<usize> = a
            .dependants
            .iter()
            .copied()
            .filter(|&d| critical_tier(g.assets[d].tier))
            .collect();
        if !(critical_tier(a.tier) || a.sens_all.avail >= 3 || !critical_dependants.is_empty()) {
            continue;
        }
        let tier = std::iter::once(a.tier)
            .chain(critical_dependants.iter().map(|&d| g.assets[d].tier))
            .flatten()
            .min();
        let impact = match tier {
            Some(1) => I::High,
            Some(2) => I::Medium,
            _ => I::Low,
        };
        let mut elements = vec![i];
        elements.extend(critical_dependants.iter().take(5));
        let comp = component(g, i).or(critical_dependants
            .iter()
            .copied()
            .find(|&d| g.entity(d).kind == Kind::Component));
        let users = if critical_dependants.is_empty() {
            String::new()
        } else {
            let n: Vec<String> = critical_dependants
                .iter()
                .take(3)
                .map(|&d| name(g, d))
                .collect();
            format!(", and {} depend(s) on it", n.join(", "))
        };
        o.push(
            "AG-D02",
            None,
            elements,
            comp,
            L::Likely,
            impact,
            format!(
                "{} is not redundant (`redundant: false`){users}: one failure stops {}",
                name(g, i),
                tier.map_or_else(
                    || "a service that must stay available".to_string(),
                    |t| format!("tier {t} service")
                )
            ),
            Vec::new(),
        );
    }
}

/// AG-D03: a critical component depends on a less critical one.
fn d03(o: &mut Out) {
    let g = o.g;
    let mut provider: HashMap<usize, usize> = HashMap::new();
    for (i, e) in g.catalog.entities.iter().enumerate() {
        for api in &e.relations.provides_apis {
            if let Some(a) = g.catalog.position(&api.target) {
                provider.entry(a).or_insert(i);
            }
        }
    }
    for i in 0..g.assets.len() {
        let a = &g.assets[i];
        let Some(t) = a.tier else { continue };
        if !in_scope(g, i) || g.entity(i).kind != Kind::Component {
            continue;
        }
        let mut deps: Vec<usize> = a.depends_on.clone();
        deps.extend(
            g.entity(i)
                .relations
                .consumes_apis
                .iter()
                .filter_map(|api| g.catalog.position(&api.target))
                .filter_map(|api| provider.get(&api).copied()),
        );
        deps.extend(
            g.flows_out[i]
                .iter()
                .map(|&k| &g.flows[k])
                .filter(|f| !f.devops)
                .map(|f| f.target),
        );
        let mut seen = HashSet::new();
        for d in deps {
            if d == i || !seen.insert(d) {
                continue;
            }
            let Some(td) = g.assets.get(d).and_then(|x| x.tier) else {
                continue;
            };
            if td <= t {
                continue;
            }
            let impact = if t == 1 && td >= 3 {
                I::High
            } else {
                I::Medium
            };
            o.push(
                "AG-D03",
                None,
                vec![i, d],
                Some(i),
                L::Likely,
                impact,
                format!(
                    "tier {t} {} depends on tier {td} {}: its availability is capped by the less critical dependency",
                    name(g, i),
                    name(g, d)
                ),
                Vec::new(),
            );
        }
    }
}

// ---------------------------------------------------- elevation of privilege

/// AG-E01: sensitive asset reached straight from the internet.
fn e01(o: &mut Out) {
    let g = o.g;
    for f in &g.flows {
        let t = &g.assets[f.target];
        if !in_scope(g, f.target)
            || !g.assets[f.source].internet
            || f.vpn
            || t.attrs.monitoring
            || !(t.sens_all.conf >= Some(Classification::Confidential) || t.sens_all.integ >= 3)
        {
            continue;
        }
        let web_or_ftp = f.web() || matches!(f.protocol.as_deref(), Some("ftp" | "ftps" | "sftp"));
        if !t.custom && t.attrs.traffic_forwarding && web_or_ftp {
            continue;
        }
        let m = via_facts(g, f, "guard in front", |v| {
            g.assets[v].attrs.traffic_forwarding
        });
        let mut impact = highest_or(&t.sens_all, I::Low, I::Medium);
        if t.raa > 40.0 {
            impact = impact.shift(1);
        }
        o.push(
            "AG-E01",
            Some("unguarded-access-from-internet"),
            vec![f.entity, f.source, f.target],
            component(g, f.target),
            L::VeryLikely,
            impact,
            format!(
                "{} reaches {} from the internet{}",
                flow_name(g, f),
                name(g, f.target),
                if f.via.is_empty() {
                    " directly, with no gateway, proxy or WAF in between"
                } else {
                    ""
                }
            ),
            m,
        );
    }
}

/// AG-E02: a sensitive datastore reached across a network boundary.
fn e02(o: &mut Out) {
    let g = o.g;
    for f in &g.flows {
        let t = &g.assets[f.target];
        let s = &g.assets[f.source];
        let sens = if t.stored.is_empty() {
            &t.sens_all
        } else {
            &t.sens_stored
        };
        if !in_scope(g, f.target)
            || !t.attrs.datastore
            || !sens.sensitive()
            || !f.crosses_network
            || f.devops
            || (s.attrs.identity && t.attrs.ldap)
            || (t.attrs.filesystem
                && matches!(f.protocol.as_deref(), Some("ftp" | "ftps" | "sftp" | "scp")))
        {
            continue;
        }
        let mut m = Vec::new();
        if f.ip_filtered {
            m.push(g.fact(f.entity, "the flow is IP-filtered".into()));
        }
        m.extend(g.iac(f.target, GUARD_KINDS));
        let mut impact = highest_or(sens, I::Low, I::Medium);
        if t.raa > 40.0 {
            impact = impact.shift(1);
        }
        o.push(
            "AG-E02",
            Some("unguarded-direct-datastore-access"),
            vec![f.entity, f.source, f.target],
            component(g, f.source).or(component(g, f.target)),
            L::Likely,
            impact,
            format!(
                "{} reaches datastore {} directly across a network boundary",
                flow_name(g, f),
                name(g, f.target)
            ),
            m,
        );
    }
}

/// AG-E03: high-value assets share a network segment with less protected ones.
fn e03(o: &mut Out) {
    let g = o.g;
    let mut by_network: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..g.assets.len() {
        if in_scope(g, i) {
            if let Some(nw) = g.assets[i].network {
                by_network.entry(nw).or_default().push(i);
            }
        }
    }
    for (nw, members) in by_network {
        let less: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&m| g.assets[m].attrs.less_protected)
            .collect();
        for &h in &members {
            let a = &g.assets[h];
            let same_runtime = |other: usize| {
                g.assets[other]
                    .runtimes
                    .iter()
                    .any(|r| a.runtimes.contains(r))
            };
            if a.attrs.vault || a.attrs.identity {
                let others: Vec<usize> = members
                    .iter()
                    .copied()
                    .filter(|&m| {
                        m != h
                            && !(if a.attrs.vault {
                                g.assets[m].attrs.vault
                            } else {
                                g.assets[m].attrs.identity
                            })
                    })
                    .take(5)
                    .collect();
                if others.is_empty() {
                    continue;
                }
                let (cat, base, raised, what) = if a.attrs.vault {
                    ("missing-vault-isolation", I::Medium, I::High, "vault")
                } else {
                    (
                        "missing-identity-provider-isolation",
                        I::High,
                        I::VeryHigh,
                        "identity provider",
                    )
                };
                let l = if others.iter().any(|&x| same_runtime(x)) {
                    L::Likely
                } else {
                    L::Unlikely
                };
                let mut elements = vec![h, nw];
                elements.extend(others.iter());
                o.push(
                    "AG-E03",
                    Some(cat),
                    elements,
                    component(g, h),
                    l,
                    highest_or(&a.sens_all, base, raised),
                    format!(
                        "{what} {} shares network boundary {} with {} other asset(s)",
                        name(g, h),
                        name(g, nw),
                        others.len()
                    ),
                    Vec::new(),
                );
                continue;
            }
            let high_value = !a.attrs.traffic_forwarding
                && !a.attrs.less_protected
                && ((a.attrs.datastore && a.sens_all.sensitive()) || a.tier == Some(1));
            if !high_value || less.is_empty() {
                continue;
            }
            let mut neighbours: HashSet<usize> = HashSet::new();
            for &k in g.flows_in[h].iter().chain(g.flows_out[h].iter()) {
                let f = &g.flows[k];
                neighbours.insert(f.source);
                neighbours.insert(f.target);
                neighbours.extend(f.via.iter().copied());
            }
            let unrelated: Vec<usize> = less
                .iter()
                .copied()
                .filter(|m| *m != h && !neighbours.contains(m))
                .take(5)
                .collect();
            if unrelated.is_empty() {
                continue;
            }
            let l = if unrelated.iter().any(|&x| same_runtime(x)) {
                L::Likely
            } else {
                L::Unlikely
            };
            let mut elements = vec![h, nw];
            elements.extend(unrelated.iter());
            o.push(
                "AG-E03",
                Some("missing-network-segmentation"),
                elements,
                component(g, h),
                l,
                highest_or(&a.sens_all, I::Low, I::Medium),
                format!(
                    "{} shares network boundary {} with less protected {} it never talks to",
                    name(g, h),
                    name(g, nw),
                    unrelated
                        .iter()
                        .map(|&u| name(g, u))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Vec::new(),
            );
        }
    }
}

/// AG-E04: a shared runtime mixes trust levels; container platforms can be escaped.
fn e04(o: &mut Out) {
    let g = o.g;
    for (rt, runs) in &g.runtimes {
        let tenants: Vec<usize> = runs.iter().copied().filter(|&i| in_scope(g, i)).collect();
        if tenants.len() < 2 {
            continue;
        }
        let nets: HashSet<Option<usize>> = tenants.iter().map(|&i| g.assets[i].network).collect();
        let tiers: HashSet<Option<u8>> = tenants.iter().map(|&i| g.assets[i].tier).collect();
        let frontend = |i: usize| {
            let a = &g.assets[i];
            a.attrs.web_app || a.internet || matches!(g.zone_of(i), Some("dmz" | "internet"))
        };
        let backend = |i: usize| {
            let a = &g.assets[i];
            !frontend(i) && (a.attrs.datastore || matches!(g.zone_of(i), Some("restricted")))
        };
        let mixes_ends =
            tenants.iter().any(|&i| frontend(i)) && tenants.iter().any(|&i| backend(i));
        if nets.len() < 2 && tiers.len() < 2 && !mixes_ends {
            continue;
        }
        let restricted = |i: usize| g.zone_of(i) == Some("restricted");
        let l = if tenants.iter().any(|&i| restricted(i)) && tenants.iter().any(|&i| !restricted(i))
        {
            L::Likely
        } else {
            L::Unlikely
        };
        let mut sens = Sens::default();
        for &i in &tenants {
            sens.merge(&g.assets[i].sens_all);
        }
        let tier = tenants.iter().filter_map(|&i| g.assets[i].tier).min();
        let mut reasons = Vec::new();
        if nets.len() > 1 {
            reasons.push(format!("{} network boundaries", nets.len()));
        }
        if tiers.len() > 1 {
            reasons.push(format!("{} tiers", tiers.len()));
        }
        if mixes_ends {
            reasons.push("frontend and backend workloads".to_string());
        }
        let mut elements = vec![*rt];
        elements.extend(tenants.iter().take(6));
        o.push(
            "AG-E04",
            Some("mixed-targets-on-shared-runtime"),
            elements,
            None,
            l,
            sens.impact().for_tier(tier),
            format!(
                "{} runs {} workloads from {}: a compromise of the weakest reaches the most sensitive",
                name(g, *rt),
                tenants.len(),
                reasons.join(", ")
            ),
            Vec::new(),
        );
    }
    // Container platforms: an escape reaches every container workload.
    let containers: Vec<usize> = (0..g.assets.len())
        .filter(|&i| in_scope(g, i) && g.assets[i].container)
        .collect();
    for i in 0..g.assets.len() {
        let a = &g.assets[i];
        if !in_scope(g, i) || !a.attrs.container_platform {
            continue;
        }
        let name_i = &g.entity(i).reference.name;
        let hosted: Vec<usize> = match g
            .runtimes
            .iter()
            .find(|(r, _)| &g.entity(*r).reference.name == name_i)
        {
            Some((_, runs)) => runs.clone(),
            None => containers.clone(),
        };
        let mut sens = a.sens_all;
        for &h in &hosted {
            sens.merge(&g.assets[h].sens_all);
        }
        o.push(
            "AG-E04",
            Some("container-platform-escape"),
            vec![i],
            component(g, i),
            L::Unlikely,
            sens.impact().for_tier(a.tier),
            format!(
                "container platform {} hosts {} workload(s): a container escape reaches all of them",
                name(g, i),
                hosted.len()
            ),
            Vec::new(),
        );
    }
}

/// AG-E05: the end user's identity is lost at a technical-user hop.
fn e05(o: &mut Out) {
    let g = o.g;
    for f in &g.flows {
        let t = &g.assets[f.target];
        if !in_scope(g, f.target)
            || t.attrs.datastore
            || f.devops
            || f.authorization.as_deref() != Some("technical-user")
            || matches!(f.authentication.as_deref(), None | Some("none"))
            || !(t.sens_all.sensitive() || t.multi_tenant)
        {
            continue;
        }
        // Serves end users: a web application, or called by a human or a
        // client directly or through one forwarding hop (load balancer, WAF).
        let human = |i: usize| g.assets[i].human || g.assets[i].attrs.client;
        let end_user = g.assets[f.source].attrs.web_app
            || g.flows_in[f.source].iter().any(|&k| {
                let up = g.flows[k].source;
                human(up)
                    || (g.assets[up].attrs.traffic_forwarding
                        && g.flows_in[up].iter().any(|&j| human(g.flows[j].source)))
            });
        if !end_user {
            continue;
        }
        o.push(
            "AG-E05",
            Some("missing-identity-propagation"),
            vec![f.entity, f.source, f.target],
            component(g, f.target),
            L::Unlikely,
            highest_or(&t.sens_all, I::Medium, I::High).for_tier(t.tier),
            format!(
                "{} serves end users but calls {} as a technical user: {} cannot check which user it acts for",
                name(g, f.source),
                name(g, f.target),
                g.entity(f.target).reference.name
            ),
            Vec::new(),
        );
    }
}

/// AG-E06: administrative access to a critical asset from outside the management zone.
fn e06(o: &mut Out) {
    let g = o.g;
    for f in &g.flows {
        let t = &g.assets[f.target];
        if !f.devops
            || !in_scope(g, f.target)
            || !critical_tier(t.tier)
            || g.zone_of(f.source) == Some("management")
            || f.vpn
        {
            continue;
        }
        o.push(
            "AG-E06",
            None,
            vec![f.entity, f.source, f.target],
            component(g, f.target),
            L::Likely,
            I::High,
            format!(
                "{} is administrative access to tier {} {} from outside a management zone, without a VPN or bastion",
                flow_name(g, f),
                t.tier.unwrap_or(0),
                name(g, f.target)
            ),
            Vec::new(),
        );
    }
}
