//! `# METADATA` annotations: the YAML comment blocks OPA, Trivy and
//! `conftest doc` read above a package or a rule.
//!
//! regorus has no annotation API (no `rego.metadata.*`), so archgate reads
//! the comment blocks itself from the policy text. Only what archgate maps
//! onto findings is kept: `title`, `description`, `custom.id` (or Trivy's
//! `custom.avd_id`), `custom.severity`, `custom.recommended_action`,
//! `scope`. This is not a validator for the annotation schema.

use archgate_core::yaml::parse_documents;
use archgate_core::Node;

/// What an annotation block says about a rule or a package.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Annotation {
    pub title: Option<String>,
    pub description: Option<String>,
    /// `custom.id`, else `custom.avd_id` (Trivy), else `custom.long_id`.
    pub id: Option<String>,
    /// `custom.severity`, lower-cased as written (`HIGH` → `high`).
    pub severity: Option<String>,
    /// `custom.recommended_action`, shown as the finding's remediation.
    pub remediation: Option<String>,
    /// `custom.aliases` and Trivy's `custom.id` when `avd_id` is the id.
    pub aliases: Vec<String>,
    /// `scope:` as written (`rule`, `document`, `package`, `subpackages`).
    pub scope: Option<String>,
    /// Trivy's `custom.input.selector[].type` (`kubernetes`, `dockerfile`, …):
    /// the inputs the policy is written for.
    pub selectors: Vec<String>,
    /// Trivy's `custom.input.selector[].subtypes[].kind`, lower-cased: the
    /// only object kinds the policy applies to (`limitrange`).
    pub subtypes: Vec<String>,
    /// Trivy's `custom.deprecated: true` (Trivy no longer runs the check).
    pub deprecated: bool,
}

impl Annotation {
    /// Fills what `self` lacks from `outer` (a package annotation under a rule's).
    pub fn or(&self, outer: &Annotation) -> Annotation {
        Annotation {
            title: self.title.clone().or_else(|| outer.title.clone()),
            description: self
                .description
                .clone()
                .or_else(|| outer.description.clone()),
            id: self.id.clone().or_else(|| outer.id.clone()),
            severity: self.severity.clone().or_else(|| outer.severity.clone()),
            remediation: self
                .remediation
                .clone()
                .or_else(|| outer.remediation.clone()),
            aliases: if self.aliases.is_empty() {
                outer.aliases.clone()
            } else {
                self.aliases.clone()
            },
            scope: self.scope.clone(),
            selectors: if self.selectors.is_empty() {
                outer.selectors.clone()
            } else {
                self.selectors.clone()
            },
            subtypes: if self.subtypes.is_empty() {
                outer.subtypes.clone()
            } else {
                self.subtypes.clone()
            },
            deprecated: self.deprecated || outer.deprecated,
        }
    }
}

/// Where an annotation block attaches.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// The package statement that follows (or `scope: package|subpackages`).
    Package,
    /// The rule whose head starts the line after the block.
    Rule(String),
}

/// Every annotation block in `text`, with what it attaches to. Blocks whose
/// YAML does not parse are skipped: annotations decorate findings, they
/// never change what a policy decides, so a typo must not stop evaluation.
pub fn annotations(text: &str) -> Vec<(Target, Annotation)> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines.get(i).map(|l| l.trim()).unwrap_or_default();
        if line != "# METADATA" {
            i += 1;
            continue;
        }
        i += 1;
        let mut yaml = String::new();
        while let Some(l) = lines.get(i) {
            let t = l.trim_start();
            let Some(rest) = t.strip_prefix('#') else {
                break;
            };
            // Strip exactly one space after `#`: YAML indentation must survive.
            yaml.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            yaml.push('\n');
            i += 1;
        }
        // Skip blank lines between the block and what it annotates.
        while lines.get(i).is_some_and(|l| l.trim().is_empty()) {
            i += 1;
        }
        let next = lines.get(i).map(|l| l.trim()).unwrap_or_default();
        let Ok(docs) = parse_documents(&yaml) else {
            continue;
        };
        let Some(doc) = docs.first() else {
            continue;
        };
        let ann = read(doc);
        let target = match ann.scope.as_deref() {
            Some("package") | Some("subpackages") => Target::Package,
            _ if next.starts_with("package ") || next == "package" => Target::Package,
            _ => match rule_name(next) {
                Some(n) => Target::Rule(n),
                None => continue,
            },
        };
        out.push((target, ann));
    }
    out
}

/// The rule name a head line starts with: `deny_x contains msg if {` → `deny_x`.
fn rule_name(line: &str) -> Option<String> {
    let line = line.strip_prefix("default ").unwrap_or(line);
    let name: String = line
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        None
    } else {
        Some(name)
    }
}

fn text(n: Option<&Node>) -> Option<String> {
    n.and_then(|n| n.scalar_text())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn read(doc: &Node) -> Annotation {
    let custom = doc.get("custom");
    let c = |k: &str| text(custom.and_then(|c| c.get(k)));
    let avd = c("avd_id");
    let plain_id = c("id");
    // Trivy writes both: `id: KSV001` (short) and `avd_id: AVD-KSV-0001`.
    // The short id is what users suppress by, so it wins; the other is an alias.
    let id = plain_id
        .clone()
        .or_else(|| avd.clone())
        .or_else(|| c("long_id"));
    let mut aliases: Vec<String> = custom
        .and_then(|c| c.get("aliases"))
        .and_then(|a| a.as_seq())
        .map(|s| s.iter().filter_map(|n| n.scalar_text()).collect())
        .unwrap_or_default();
    if let (Some(a), Some(_)) = (&avd, &plain_id) {
        aliases.push(a.clone());
    }
    Annotation {
        title: text(doc.get("title")),
        description: text(doc.get("description")),
        id,
        severity: c("severity").map(|s| s.to_ascii_lowercase()),
        remediation: c("recommended_action").or_else(|| c("remediation")),
        aliases,
        scope: text(doc.get("scope")),
        selectors: custom
            .and_then(|c| c.path("input.selector"))
            .and_then(|s| s.as_seq())
            .map(|s| {
                s.iter()
                    .filter_map(|n| n.get("type").and_then(|t| t.scalar_text()))
                    .map(|t| t.to_ascii_lowercase())
                    .collect()
            })
            .unwrap_or_default(),
        subtypes: custom
            .and_then(|c| c.path("input.selector"))
            .and_then(|s| s.as_seq())
            .map(|s| {
                s.iter()
                    .filter_map(|n| n.get("subtypes").and_then(|t| t.as_seq()))
                    .flatten()
                    .filter_map(|t| t.get("kind").and_then(|k| k.scalar_text()))
                    .map(|k| k.to_ascii_lowercase())
                    .collect()
            })
            .unwrap_or_default(),
        deprecated: c("deprecated").is_some_and(|d| d.eq_ignore_ascii_case("true")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rule_and_package_blocks() {
        let src = "# METADATA\n# title: Pkg title\n# custom:\n#   severity: LOW\npackage main\n\n# METADATA\n# title: No root\n# description: Containers must not run as root\n# custom:\n#   id: ORG-K8S-001\n#   severity: HIGH\n#   recommended_action: set runAsNonRoot\n\ndeny_root contains msg if {\n  true\n}\n";
        let a = annotations(src);
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].0, Target::Package);
        assert_eq!(a[0].1.severity.as_deref(), Some("low"));
        assert_eq!(a[1].0, Target::Rule("deny_root".into()));
        let r = &a[1].1;
        assert_eq!(r.id.as_deref(), Some("ORG-K8S-001"));
        assert_eq!(r.severity.as_deref(), Some("high"));
        assert_eq!(r.title.as_deref(), Some("No root"));
        assert_eq!(r.remediation.as_deref(), Some("set runAsNonRoot"));
        let merged = a[1].1.or(&a[0].1);
        assert_eq!(merged.title.as_deref(), Some("No root"));
    }

    #[test]
    fn trivy_ids_short_id_wins_avd_is_alias() {
        let src = "# METADATA\n# title: x\n# scope: package\n# custom:\n#   id: KSV001\n#   avd_id: AVD-KSV-0001\n#   input:\n#     selector:\n#     - type: kubernetes\npackage builtin.kubernetes.KSV001\n";
        let a = annotations(src);
        assert_eq!(a[0].0, Target::Package);
        assert_eq!(a[0].1.id.as_deref(), Some("KSV001"));
        assert_eq!(a[0].1.aliases, vec!["AVD-KSV-0001".to_string()]);
        assert_eq!(a[0].1.selectors, vec!["kubernetes".to_string()]);
        assert!(a[0].1.subtypes.is_empty());
        assert!(!a[0].1.deprecated);
    }

    #[test]
    fn trivy_subtypes_and_deprecation() {
        let src = "# METADATA\n# scope: package\n# custom:\n#   id: KSV-0039\n#   deprecated: true\n#   input:\n#     selector:\n#     - type: kubernetes\n#       subtypes:\n#         - kind: LimitRange\npackage builtin.kubernetes.KSV039\n";
        let a = annotations(src);
        assert_eq!(a[0].1.subtypes, vec!["limitrange".to_string()]);
        assert!(a[0].1.deprecated);
    }

    #[test]
    fn broken_yaml_is_skipped_not_fatal() {
        let src = "# METADATA\n# title: [unclosed\ndeny contains m if { m := 1 }\n";
        assert!(annotations(src).is_empty());
    }
}
