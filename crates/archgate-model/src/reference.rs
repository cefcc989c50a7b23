//! Entity kinds and entity references (`[kind:][namespace/]name`), parsed
//! with Backstage's defaulting rules: the kind defaults per field (an
//! `owner` is a Group, a `system` a System, …), the namespace defaults to the
//! referring entity's namespace, and comparison is case-insensitive.
//!
//! Not the resolution itself (that needs the whole catalog, see
//! [`crate::Catalog::get`]); only the syntax and the defaults.

use std::fmt;

/// Every kind archgate reads: Backstage's (`backstage.io/v1alpha1`) and its own
/// (`archgate.dev/v1alpha1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Component,
    System,
    Domain,
    Api,
    Resource,
    Group,
    User,
    Location,
    DataAsset,
    DataFlow,
    TrustBoundary,
    Runtime,
    Actor,
    Exception,
    Standard,
    Threat,
    Profile,
}

impl Kind {
    /// The Backstage kinds archgate reads unmodified.
    pub const BACKSTAGE: [Kind; 8] = [
        Kind::Component,
        Kind::System,
        Kind::Domain,
        Kind::Api,
        Kind::Resource,
        Kind::Group,
        Kind::User,
        Kind::Location,
    ];

    /// archgate's own kinds (`archgate.dev/v1alpha1`).
    pub const ARCHGATE: [Kind; 9] = [
        Kind::DataAsset,
        Kind::DataFlow,
        Kind::TrustBoundary,
        Kind::Runtime,
        Kind::Actor,
        Kind::Exception,
        Kind::Standard,
        Kind::Threat,
        Kind::Profile,
    ];

    /// The kind as written in `kind:` (`Component`, `API`, `DataFlow`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Component => "Component",
            Kind::System => "System",
            Kind::Domain => "Domain",
            Kind::Api => "API",
            Kind::Resource => "Resource",
            Kind::Group => "Group",
            Kind::User => "User",
            Kind::Location => "Location",
            Kind::DataAsset => "DataAsset",
            Kind::DataFlow => "DataFlow",
            Kind::TrustBoundary => "TrustBoundary",
            Kind::Runtime => "Runtime",
            Kind::Actor => "Actor",
            Kind::Exception => "Exception",
            Kind::Standard => "Standard",
            Kind::Threat => "Threat",
            Kind::Profile => "Profile",
        }
    }

    /// The lower-case form used inside entity refs (`component`, `dataflow`).
    pub fn ref_name(self) -> &'static str {
        match self {
            Kind::Component => "component",
            Kind::System => "system",
            Kind::Domain => "domain",
            Kind::Api => "api",
            Kind::Resource => "resource",
            Kind::Group => "group",
            Kind::User => "user",
            Kind::Location => "location",
            Kind::DataAsset => "dataasset",
            Kind::DataFlow => "dataflow",
            Kind::TrustBoundary => "trustboundary",
            Kind::Runtime => "runtime",
            Kind::Actor => "actor",
            Kind::Exception => "exception",
            Kind::Standard => "standard",
            Kind::Threat => "threat",
            Kind::Profile => "profile",
        }
    }

    /// Parses a kind name, case-insensitively.
    pub fn from_name(name: &str) -> Option<Kind> {
        let lower = name.to_ascii_lowercase();
        Kind::BACKSTAGE
            .iter()
            .chain(Kind::ARCHGATE.iter())
            .copied()
            .find(|k| k.ref_name() == lower)
    }

    pub fn is_backstage(self) -> bool {
        Kind::BACKSTAGE.contains(&self)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A fully qualified, normalised entity reference: kind, namespace and name,
/// all lower-case (Backstage compares refs case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityRef {
    /// Lower-case kind (`component`); may name a kind archgate does not know.
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

/// The namespace Backstage assumes when an entity names none.
pub const DEFAULT_NAMESPACE: &str = "default";

impl EntityRef {
    /// A ref from known parts (lower-cased).
    pub fn new(kind: Kind, namespace: &str, name: &str) -> EntityRef {
        EntityRef {
            kind: kind.ref_name().to_string(),
            namespace: namespace.to_ascii_lowercase(),
            name: name.to_ascii_lowercase(),
        }
    }

    /// Parses `[kind:][namespace/]name`. `default_kind` is the field's
    /// default (None when the field requires an explicit kind, like
    /// `dependsOn`); `default_namespace` is the referring entity's namespace.
    pub fn parse(
        text: &str,
        default_kind: Option<Kind>,
        default_namespace: &str,
    ) -> Result<EntityRef, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("empty entity reference".into());
        }
        let (kind, rest) = match text.split_once(':') {
            Some((k, rest)) => (Some(k.trim()), rest.trim()),
            None => (None, text),
        };
        let kind = match (kind, default_kind) {
            (Some(""), _) => return Err(format!("entity reference `{text}` has an empty kind")),
            (Some(k), _) => k.to_ascii_lowercase(),
            (None, Some(d)) => d.ref_name().to_string(),
            (None, None) => {
                return Err(format!(
                    "entity reference `{text}` needs an explicit kind in this field"
                ))
            }
        };
        let (namespace, name) = match rest.split_once('/') {
            Some((ns, name)) => (ns.trim(), name.trim()),
            None => (default_namespace, rest),
        };
        if namespace.is_empty() {
            return Err(format!("entity reference `{text}` has an empty namespace"));
        }
        if name.is_empty() {
            return Err(format!("entity reference `{text}` has an empty name"));
        }
        if name.contains([':', '/']) || kind.contains('/') {
            return Err(format!(
                "entity reference `{text}` has too many `:` or `/` separators"
            ));
        }
        Ok(EntityRef {
            kind,
            namespace: namespace.to_ascii_lowercase(),
            name: name.to_ascii_lowercase(),
        })
    }

    /// The kind, when archgate knows it.
    pub fn known_kind(&self) -> Option<Kind> {
        Kind::from_name(&self.kind)
    }
}

impl fmt::Display for EntityRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}/{}", self.kind, self.namespace, self.name)
    }
}

/// True when `name` is a valid Backstage entity name: 1–63 characters,
/// runs of `[a-zA-Z0-9]` separated by single `-`, `_` or `.`.
pub fn is_valid_name(name: &str) -> bool {
    if name.is_empty() || name.len() > 63 {
        return false;
    }
    let mut prev_sep = true;
    for c in name.chars() {
        let sep = matches!(c, '-' | '_' | '.');
        if !(sep || c.is_ascii_alphanumeric()) || (sep && prev_sep) {
            return false;
        }
        prev_sep = sep;
    }
    !prev_sep
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_kind_and_namespace_per_field() {
        let r = EntityRef::parse("team-payments", Some(Kind::Group), "default").unwrap();
        assert_eq!(r.to_string(), "group:default/team-payments");
        // The namespace defaults to the referring entity's own namespace.
        let r = EntityRef::parse("card-payments", Some(Kind::System), "bank").unwrap();
        assert_eq!(r.to_string(), "system:bank/card-payments");
        // An explicit kind and namespace win over the defaults.
        let r = EntityRef::parse("User:Ops/Alice", Some(Kind::Group), "bank").unwrap();
        assert_eq!(r.to_string(), "user:ops/alice");
        let r = EntityRef::parse("other/x", Some(Kind::Api), "bank").unwrap();
        assert_eq!(r.to_string(), "api:other/x");
    }

    #[test]
    fn depends_on_requires_a_kind() {
        let e = EntityRef::parse("payments-db", None, "default").unwrap_err();
        assert!(e.contains("explicit kind"), "{e}");
        let r = EntityRef::parse("resource:payments-db", None, "default").unwrap();
        assert_eq!(r.known_kind(), Some(Kind::Resource));
    }

    #[test]
    fn rejects_malformed_refs() {
        for bad in ["", ":x", "component:", "component:/x", "a:b/c/d", "a:b:c"] {
            assert!(
                EntityRef::parse(bad, Some(Kind::Component), "default").is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn compares_case_insensitively() {
        let a = EntityRef::parse("Component:Default/Payments-API", None, "default").unwrap();
        let b = EntityRef::parse("payments-api", Some(Kind::Component), "default").unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn validates_names() {
        assert!(is_valid_name("payments-api.v2"));
        assert!(!is_valid_name("-x"));
        assert!(!is_valid_name("a--b"));
        assert!(!is_valid_name("a b"));
        assert!(!is_valid_name(&"a".repeat(64)));
        assert_eq!(Kind::from_name("api"), Some(Kind::Api));
        assert_eq!(Kind::from_name("DATAFLOW"), Some(Kind::DataFlow));
        assert_eq!(Kind::from_name("template"), None);
    }
}
