//! The closed vocabularies of the catalog (classification, criticality,
//! protocols, authentication, trust-boundary types, …) and the few value
//! syntaxes archgate defines (durations, dates).
//!
//! The enums reuse Threagile's words so a Threagile model imports without
//! loss; archgate's classification scale is the four-level one banks use
//! (`public < internal < confidential < restricted`), with Threagile's
//! `strictly-confidential` accepted as an alias of `restricted`.

use std::time::Duration;

/// Workload archetypes every workspace knows. A workspace adds its own with
/// a `Standard` document's `spec.archetypes`.
pub const ARCHETYPES: &[&str] = &[
    "stateless-service",
    "stateful-service",
    "batch",
    "event-driven",
    "data-pipeline",
    "web-application",
    "api-gateway",
    "load-balancer",
    "waf",
    "database",
    "object-storage",
    "message-queue",
    "cache",
    "identity-provider",
    "vault",
    "monitoring",
    "siem",
    "log-store",
    "build-pipeline",
    "sourcecode-repository",
    "artifact-registry",
    "container-platform",
];

pub const MACHINES: &[&str] = &["physical", "virtual", "container", "serverless"];

pub const ASSET_TYPES: &[&str] = &["process", "datastore", "external-entity"];

pub const ENCRYPTION_AT_REST: &[&str] = &[
    "none",
    "transparent",
    "data-with-symmetric-shared-key",
    "data-with-asymmetric-shared-key",
    "data-with-end-user-individual-key",
];

/// Written forms of the classification scale, aliases included.
pub const CLASSIFICATIONS: &[&str] = &[
    "public",
    "internal",
    "confidential",
    "restricted",
    "strictly-confidential",
];

pub const CRITICALITY: &[&str] = &[
    "archive",
    "operational",
    "important",
    "critical",
    "mission-critical",
];

pub const DATA_FORMATS: &[&str] = &["json", "xml", "serialization", "file", "csv", "yaml"];

/// Data categories rules know about; others are accepted (kebab-case) and
/// carried through untouched.
pub const DATA_CATEGORIES: &[&str] = &[
    "pii",
    "pci-pan",
    "pci-sad",
    "credentials",
    "secret-key",
    "payment-instruction",
    "health",
    "financial",
    "audit-log",
];

pub const QUANTITY: &[&str] = &["very-few", "few", "many", "very-many"];

pub const USAGE: &[&str] = &["business", "devops"];

/// Threagile's protocols plus common ones it lacks (gRPC, AMQP, Kafka, TLS).
pub const PROTOCOLS: &[&str] = &[
    "unknown-protocol",
    "http",
    "https",
    "ws",
    "wss",
    "reverse-proxy-web-protocol",
    "reverse-proxy-web-protocol-encrypted",
    "mqtt",
    "mqtts",
    "jdbc",
    "jdbc-encrypted",
    "odbc",
    "odbc-encrypted",
    "sql-access-protocol",
    "sql-access-protocol-encrypted",
    "nosql-access-protocol",
    "nosql-access-protocol-encrypted",
    "binary",
    "binary-encrypted",
    "text",
    "text-encrypted",
    "ssh",
    "ssh-tunnel",
    "smtp",
    "smtp-encrypted",
    "pop3",
    "pop3-encrypted",
    "imap",
    "imap-encrypted",
    "ftp",
    "ftps",
    "sftp",
    "scp",
    "ldap",
    "ldaps",
    "jms",
    "nfs",
    "smb",
    "smb-encrypted",
    "local-file-access",
    "nrpe",
    "xmpp",
    "iiop",
    "iiop-encrypted",
    "jrmp",
    "jrmp-encrypted",
    "in-process-library-call",
    "inter-process-communication",
    "container-spawning",
    "grpc",
    "grpcs",
    "amqp",
    "amqps",
    "kafka",
    "kafka-tls",
    "tcp",
    "tls",
    "udp",
    "dtls",
];

pub const AUTHENTICATION: &[&str] = &[
    "none",
    "credentials",
    "session-id",
    "token",
    "client-certificate",
    "two-factor",
    "externalized",
];

/// Common names for authentication methods, mapped to the Threagile word.
pub const AUTHENTICATION_ALIASES: &[(&str, &str)] = &[
    ("oauth2", "token"),
    ("oauth", "token"),
    ("oidc", "token"),
    ("jwt", "token"),
    ("bearer", "token"),
    ("mtls", "client-certificate"),
    ("mutual-tls", "client-certificate"),
    ("client-cert", "client-certificate"),
    ("api-key", "credentials"),
    ("basic", "credentials"),
    ("password", "credentials"),
    ("mfa", "two-factor"),
    ("2fa", "two-factor"),
    ("sso", "externalized"),
    ("saml", "externalized"),
];

/// The canonical authentication word for `text` (aliases resolved), if known.
pub fn authentication(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    AUTHENTICATION
        .iter()
        .find(|a| **a == lower)
        .copied()
        .or_else(|| {
            AUTHENTICATION_ALIASES
                .iter()
                .find(|(alias, _)| *alias == lower)
                .map(|(_, canonical)| *canonical)
        })
}

pub const AUTHORIZATION: &[&str] = &["none", "technical-user", "end-user-identity-propagation"];

pub const BOUNDARY_TYPES: &[&str] = &[
    "network-on-prem",
    "network-dedicated-hoster",
    "network-virtual-lan",
    "network-cloud-provider",
    "network-cloud-security-group",
    "network-policy-namespace-isolation",
    "execution-environment",
];

pub const ZONES: &[&str] = &["internet", "dmz", "internal", "restricted", "management"];

pub const ACTOR_TYPES: &[&str] = &["human", "external-system"];

pub const EXCEPTION_STATUS: &[&str] = &[
    "accepted",
    "mitigated",
    "false-positive",
    "in-progress",
    "in-discussion",
];

pub const STRIDE: &[&str] = &[
    "spoofing",
    "tampering",
    "repudiation",
    "information-disclosure",
    "denial-of-service",
    "elevation-of-privilege",
];

pub const SEVERITIES: &[&str] = &["critical", "high", "medium", "low", "info"];

pub const LIKELIHOOD: &[&str] = &["unlikely", "likely", "very-likely", "frequent"];

pub const IMPACT: &[&str] = &["low", "medium", "high", "very-high"];

pub const THREAT_STATUS: &[&str] = &[
    "unchecked",
    "in-discussion",
    "accepted",
    "in-progress",
    "mitigated",
    "false-positive",
];

/// How sensitive data is. Ordered: `Public < Internal < Confidential < Restricted`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Classification {
    Public,
    Internal,
    Confidential,
    Restricted,
}

impl Classification {
    /// Parses a written classification (aliases included), case-insensitively.
    pub fn parse(text: &str) -> Option<Classification> {
        match text.to_ascii_lowercase().as_str() {
            "public" => Some(Classification::Public),
            "internal" => Some(Classification::Internal),
            "confidential" => Some(Classification::Confidential),
            "restricted" | "strictly-confidential" => Some(Classification::Restricted),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Classification::Public => "public",
            Classification::Internal => "internal",
            Classification::Confidential => "confidential",
            Classification::Restricted => "restricted",
        }
    }
}

/// Parses a duration such as `15m`, `4h`, `1h30m`, `2d`, `1w`, `500ms`,
/// `90s` or `0`. Units: ms, s, m, h, d, w, y (365 days).
pub fn parse_duration(text: &str) -> Option<Duration> {
    let t = text.trim();
    if t == "0" {
        return Some(Duration::ZERO);
    }
    if t.is_empty() {
        return None;
    }
    let mut total_ms: u128 = 0;
    let mut rest = t;
    while !rest.is_empty() {
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 || digits > 12 {
            return None;
        }
        let (num, tail) = rest.split_at(digits);
        let n: u128 = num.parse().ok()?;
        let unit_len = tail.chars().take_while(|c| c.is_ascii_alphabetic()).count();
        let (unit, tail) = tail.split_at(unit_len);
        let factor: u128 = match unit {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            "w" => 604_800_000,
            "y" => 31_536_000_000,
            _ => return None,
        };
        total_ms = total_ms.checked_add(n.checked_mul(factor)?)?;
        rest = tail;
    }
    let ms = u64::try_from(total_ms).ok()?;
    Some(Duration::from_millis(ms))
}

/// Parses an ISO date `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<chrono::NaiveDate> {
    let t = text.trim();
    if t.len() != 10 {
        return None;
    }
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()
}

/// True for kebab-case words (`pci-pan`, `team-a1`), the syntax of free-form
/// vocabulary entries such as custom data categories and archetypes.
pub fn is_kebab(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with('-')
        && !text.ends_with('-')
        && !text.contains("--")
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("15m"), Some(Duration::from_secs(900)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("0"), Some(Duration::ZERO));
        assert_eq!(parse_duration("2d"), Some(Duration::from_secs(172_800)));
        for bad in ["", "15", "m", "15x", "1.5h", "-1h", "99999999999999999999h"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn classification_orders_and_aliases() {
        assert!(Classification::Restricted > Classification::Confidential);
        assert!(Classification::Internal > Classification::Public);
        assert_eq!(
            Classification::parse("Strictly-Confidential"),
            Some(Classification::Restricted)
        );
        assert_eq!(Classification::parse("secret"), None);
    }

    #[test]
    fn dates_and_words() {
        assert!(parse_date("2026-02-28").is_some());
        assert!(parse_date("2026-02-30").is_none());
        assert!(parse_date("2026-2-1").is_none());
        assert!(is_kebab("pci-pan"));
        assert_eq!(authentication("OAuth2"), Some("token"));
        assert_eq!(authentication("mtls"), Some("client-certificate"));
        assert_eq!(authentication("token"), Some("token"));
        assert_eq!(authentication("magic"), None);
        assert!(!is_kebab("PCI"));
        assert!(!is_kebab("a--b"));
    }
}
