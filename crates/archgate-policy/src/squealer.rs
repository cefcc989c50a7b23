//! Trivy's `squealer.scan_string(text)` builtin: does a string hold a
//! secret? Trivy's cloud checks (secrets in EC2 user data, ECS container
//! environments, Azure custom data, …) and its `lib/` tests call it.
//!
//! The result has the shape Trivy's host function returns, which is what
//! those checks read: `{"transgressionFound": bool, "description": string}`,
//! the description naming the kind of secret found first, `""` when none
//! is found. Like Trivy's string scanner, the whole string is tested
//! against each pattern in turn and the first match wins; no entropy
//! threshold is applied to a string scan.
//!
//! The patterns are archgate's own: well-known token formats (AWS, GitHub,
//! GitLab, Slack, Google, Stripe, npm, SendGrid, Twilio), private key
//! blocks, credentials inside URLs, and a password-like name assigned a
//! literal value (not a `$VAR`/`${…}`/`{{ … }}` reference).
//!
//! Not for: scanning IaC resources for findings (archgate-rules' `secrets`
//! checks do that, with locations), or verifying that a secret is live.

use regex::Regex;
use serde_json::{json, Value};
use std::sync::OnceLock;

/// One kind of secret: what it is called in the result, and its pattern.
struct Pattern {
    description: &'static str,
    regex: Regex,
}

/// (description, pattern) in the order they are tried.
const SOURCES: &[(&str, &str)] = &[
    (
        "AWS access key ID",
        r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|APKA)[0-9A-Z]{16}\b",
    ),
    (
        "AWS secret access key",
        r#"(?i)aws.{0,20}secret.{0,20}['"=:\s][A-Za-z0-9/+]{40}\b"#,
    ),
    (
        "Private key",
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----",
    ),
    (
        "GitHub token",
        r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})",
    ),
    ("GitLab token", r"\bglpat-[A-Za-z0-9_-]{20,}"),
    ("Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    (
        "Slack webhook",
        r"https://hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+",
    ),
    ("Google API key", r"\bAIza[0-9A-Za-z_-]{35}"),
    ("Stripe API key", r"\b[rs]k_live_[0-9A-Za-z]{20,}"),
    ("npm token", r"\bnpm_[A-Za-z0-9]{36}\b"),
    (
        "SendGrid API key",
        r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b",
    ),
    ("Twilio API key", r"\bSK[0-9a-fA-F]{32}\b"),
    (
        "Credentials in a URL",
        r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@$]+:[^/\s@${}]{3,}@[^\s/]+",
    ),
    // A password-like name, `=` or `:`, then a literal of 6+ characters that
    // is not a reference: `$` (shell/Terraform/Helm), `{`, `<` (placeholders),
    // `%` (templating). Quotes, also escaped ones (`\"`), may surround it.
    (
        "Password literal",
        r#"(?i)(?:pass(?:word|wd|phrase)?|pwd|secret|api[_-]?key|access[_-]?key|auth[_-]?token|private[_-]?key|client[_-]?secret)[A-Za-z0-9_.-]*["']?\s*[:=]\s*(?:\\?["'])?[^\s"'\\$%{}<>]{6,}"#,
    ),
];

fn patterns() -> &'static [Pattern] {
    static COMPILED: OnceLock<Vec<Pattern>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        SOURCES
            .iter()
            // Every pattern is a constant checked by the tests below, so a
            // failure here is a programming error caught there, not input.
            .filter_map(|(description, src)| {
                Regex::new(src)
                    .ok()
                    .map(|regex| Pattern { description, regex })
            })
            .collect()
    })
}

/// The kind of secret `text` holds first, if any.
pub fn find(text: &str) -> Option<&'static str> {
    patterns()
        .iter()
        .find(|p| p.regex.is_match(text))
        .map(|p| p.description)
}

/// `squealer.scan_string(text)`: `{"transgressionFound", "description"}`.
pub fn scan_string(text: &str) -> Value {
    match find(text) {
        Some(d) => json!({"transgressionFound": true, "description": d}),
        None => json!({"transgressionFound": false, "description": ""}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        assert_eq!(patterns().len(), SOURCES.len());
    }

    #[test]
    fn password_assignments_are_found_and_references_are_not() {
        assert_eq!(
            find(r#"export DATABASE_PASSWORD=\"SomeSortOfPassword\""#),
            Some("Password literal")
        );
        assert_eq!(find("db_password: hunter2hunter"), Some("Password literal"));
        assert_eq!(find("PASSWORD=${DB_PASSWORD}"), None);
        assert_eq!(find("password: $DB_PASSWORD"), None);
        assert_eq!(find("password = \"{{ .Values.pw }}\""), None);
        assert_eq!(find(r#"export GREETING="Hello there""#), None);
        assert_eq!(find("password="), None);
    }

    #[test]
    fn token_formats() {
        assert_eq!(
            find("aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE"),
            Some("AWS access key ID")
        );
        assert_eq!(
            find("-----BEGIN RSA PRIVATE KEY-----\nMIIE..."),
            Some("Private key")
        );
        assert_eq!(
            find("token ghp_0123456789abcdefghijABCDEFGHIJ012345"),
            Some("GitHub token")
        );
        assert_eq!(
            find("curl https://admin:s3cr3tpw@example.com/x"),
            Some("Credentials in a URL")
        );
        assert_eq!(find("curl https://example.com/x"), None);
        assert_eq!(find("git clone https://${USER}:${TOKEN}@host/r"), None);
    }

    #[test]
    fn result_shape_is_trivys() {
        assert_eq!(
            scan_string("hello"),
            json!({"transgressionFound": false, "description": ""})
        );
        assert_eq!(
            scan_string("pass=abcdefgh")["transgressionFound"],
            json!(true)
        );
    }
}
