//! Native Terraform-generic checks: the rules under `rules/terraform/`
//! about how a configuration pulls in code, independent of any cloud
//! provider (module sources and their pinning).
//!
//! A module call is a resource with `kind` `module` whose body holds the
//! `source` and `version` arguments as written. Terraform's source address
//! forms are recognised here: local paths (`./`, `../`), registry addresses
//! (`[host/]namespace/name/provider`), git (`git::…`, `github.com/…`,
//! `bitbucket.org/…`, `git@…`), Mercurial, HTTP archives and bucket
//! sources (`s3::`, `gcs::`).
//!
//! Not for: fetching modules or checking that a ref exists.

use super::{CheckFn, Context, Hit};
use archgate_core::{Node, Span};
use archgate_iac::Resource;

/// The native Terraform checks, by rule id.
pub const CHECKS: &[(&str, CheckFn)] = &[
    ("AG-TF-MODULE-001", module_not_pinned_to_commit),
    ("AG-TF-MODULE-002", module_not_pinned_to_version),
    ("AG-TF-MODULE-003", module_over_plain_transport),
    ("AG-TF-PROV-001", provider_without_version),
];

/// Where a module's code comes from.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum SourceType {
    Local,
    Registry,
    Git,
    Other,
}

/// Classifies a module `source` address.
pub fn source_type(source: &str) -> SourceType {
    let s = source.trim();
    if s.starts_with("./") || s.starts_with("../") || s == "." || s == ".." {
        return SourceType::Local;
    }
    let lower = s.to_ascii_lowercase();
    if lower.starts_with("git::")
        || lower.starts_with("git@")
        || lower.starts_with("github.com/")
        || lower.starts_with("bitbucket.org/")
        || lower.starts_with("ssh://")
        || lower.split('?').next().is_some_and(|p| p.ends_with(".git"))
    {
        return SourceType::Git;
    }
    if lower.contains("::") || lower.contains("://") {
        return SourceType::Other;
    }
    // `[host/]namespace/name/provider`: three or four segments, optionally
    // followed by `//subdir`.
    let main = s.split("//").next().unwrap_or(s);
    let segments: Vec<&str> = main.split('/').collect();
    let plain = segments.iter().all(|p| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    });
    if plain && (segments.len() == 3 || segments.len() == 4) {
        SourceType::Registry
    } else {
        SourceType::Other
    }
}

/// The value of the `ref` query argument of a source address.
pub fn source_ref(source: &str) -> Option<&str> {
    let query = source.split_once('?')?.1;
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("ref="))
        .map(|v| v.split("//").next().unwrap_or(v))
}

/// True for a commit id: 7 to 40 (or 64, SHA-256 repositories) hex digits.
pub fn is_commit(r: &str) -> bool {
    ((7..=40).contains(&r.len()) || r.len() == 64) && r.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The module's `source` string with the span of its key, when known.
fn source_of(r: &Resource) -> Option<(&str, Span)> {
    if r.kind != "module" {
        return None;
    }
    let (k, v) = r.body.entry("source")?;
    let s = v.as_str()?;
    let span = if k.span.is_empty() { r.span } else { k.span };
    Some((s, span))
}

fn module_not_pinned_to_commit(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some((source, span)) = source_of(r) else {
        return Vec::new();
    };
    let kind = source_type(source);
    if kind == SourceType::Local {
        return Vec::new();
    }
    if let Some(rf) = source_ref(source) {
        if is_commit(rf) {
            return Vec::new();
        }
    }
    let why = match kind {
        SourceType::Registry => {
            "comes from a registry, whose versions are git tags that can be moved"
        }
        SourceType::Git => "is a git source without `?ref=<commit id>`",
        _ => "is a remote source not pinned to a commit",
    };
    vec![Hit {
        span,
        message: format!("module {} source {source} {why}", r.name),
        key: "source".into(),
    }]
}

/// True when a version string has at least `major.minor` digits.
fn has_version_number(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == b'.' && w[2].is_ascii_digit())
}

fn module_not_pinned_to_version(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some((source, span)) = source_of(r) else {
        return Vec::new();
    };
    let version = r.body.get("version");
    if version.is_some_and(Node::is_unknown) {
        return Vec::new();
    }
    let pinned = match source_type(source) {
        SourceType::Local => true,
        SourceType::Git => {
            source_ref(source).is_some_and(|rf| has_version_number(rf) || is_commit(rf))
        }
        SourceType::Registry => version.is_some_and(|v| !v.is_null()),
        SourceType::Other => source_ref(source).is_some() || version.is_some_and(|v| !v.is_null()),
    };
    if pinned {
        return Vec::new();
    }
    vec![Hit {
        span,
        message: format!(
            "module {} source {source} is not pinned to a version: every `terraform init` may pull different code",
            r.name
        ),
        key: "source".into(),
    }]
}

fn module_over_plain_transport(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some((source, span)) = source_of(r) else {
        return Vec::new();
    };
    let lower = source.trim().to_ascii_lowercase();
    let bare = lower
        .split_once("::")
        .map(|(getter, rest)| {
            if getter.contains('/') {
                lower.as_str()
            } else {
                rest
            }
        })
        .unwrap_or(&lower);
    let plain = bare.starts_with("http://") || bare.starts_with("git://");
    if !plain {
        return Vec::new();
    }
    vec![Hit {
        span,
        message: format!(
            "module {} is downloaded over an unencrypted, unauthenticated transport ({source})",
            r.name
        ),
        key: "source".into(),
    }]
}

fn provider_without_version(r: &Resource, _: &Context) -> Vec<Hit> {
    if r.kind != "terraform" {
        return Vec::new();
    }
    // `required_providers` is a nested block: a list of mappings.
    let blocks = match r.body.get("required_providers") {
        Some(n) => match n.as_seq() {
            Some(items) => items.iter().collect::<Vec<_>>(),
            None => vec![n],
        },
        None => return Vec::new(),
    };
    let mut hits = Vec::new();
    for block in blocks {
        for (k, v) in block.as_map().unwrap_or(&[]) {
            if v.is_unknown() {
                continue;
            }
            // Terraform 0.12 style: `aws = "~> 5.0"` is the version itself.
            let versioned = match v.as_str() {
                Some(s) => !s.trim().is_empty(),
                None => v.get("version").is_some_and(|x| !x.is_null()),
            };
            if !versioned {
                hits.push(Hit {
                    span: k.span,
                    message: format!(
                        "required provider {} has no version constraint: any release, including a new major version, is installed",
                        k.name
                    ),
                    key: format!("required_providers.{}", k.name),
                });
            }
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_sources() {
        assert_eq!(source_type("./modules/vpc"), SourceType::Local);
        assert_eq!(
            source_type("terraform-aws-modules/vpc/aws"),
            SourceType::Registry
        );
        assert_eq!(
            source_type("app.terraform.io/acme/vpc/aws"),
            SourceType::Registry
        );
        assert_eq!(
            source_type("terraform-aws-modules/vpc/aws//modules/vpc-endpoints"),
            SourceType::Registry
        );
        assert_eq!(
            source_type("git::https://example.com/vpc.git?ref=v1.2.0"),
            SourceType::Git
        );
        assert_eq!(
            source_type("github.com/acme/terraform-vpc"),
            SourceType::Git
        );
        assert_eq!(
            source_type("s3::https://s3.amazonaws.com/bucket/vpc.zip"),
            SourceType::Other
        );
    }

    #[test]
    fn reads_refs() {
        assert_eq!(
            source_ref("git::https://x/y.git?ref=v1.2.0"),
            Some("v1.2.0")
        );
        assert_eq!(
            source_ref("git::https://x/y.git?depth=1&ref=abc1234//sub"),
            Some("abc1234")
        );
        assert_eq!(source_ref("git::https://x/y.git"), None);
        assert!(is_commit("3f1c2b7"));
        assert!(is_commit("3f1c2b7d9e8a6b5c4d3e2f1a0b9c8d7e6f5a4b3c"));
        assert!(!is_commit("3f1c2b"));
        assert!(!is_commit("release-1"));
    }
}
