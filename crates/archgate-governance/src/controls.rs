//! Control frameworks: which archgate checks speak to which requirement of
//! SOC 2, ISO/IEC 27001:2022, PCI DSS v4.0, NIST SP 800-53 rev 5 and the CIS
//! benchmarks, and what the findings of a run say about each requirement.
//!
//! The built-in mapping is the rules' own `controls` (every rule data file
//! lists `framework:requirement` references), so it is written once.
//! Workspace `controls/*.yaml` files (kind `ControlMapping`) add rules to
//! requirements, replace a requirement's mapping, add requirements no rule
//! covers (so the evidence pack lists them as not covered), or define an
//! internal control catalogue under a new framework id.
//! Not here: writing the evidence pack ([`crate::evidence`]).

use crate::files;
use archgate_core::fields::Fields;
use archgate_core::yaml::parse_documents;
use archgate_core::{Finding, InputError, Severity};
use std::collections::BTreeMap;
use std::path::Path;

/// Short names users type for the built-in frameworks.
const ALIASES: &[(&str, &str)] = &[
    ("pci-dss", "pci-dss-4.0"),
    ("pci", "pci-dss-4.0"),
    ("soc2", "soc2"),
    ("soc-2", "soc2"),
    ("iso27001", "iso27001-2022"),
    ("iso-27001", "iso27001-2022"),
    ("nist-800-53", "nist-800-53-r5"),
    ("nist", "nist-800-53-r5"),
    ("cis-aws", "cis-aws-2.0"),
    ("cis-k8s", "cis-k8s-1.8"),
    ("cis-kubernetes", "cis-k8s-1.8"),
    ("cis-docker", "cis-docker-1.6"),
    ("cis-azure", "cis-azure-2.0"),
    ("cis-gcp", "cis-gcp-2.0"),
];

/// Display titles of the built-in frameworks.
pub fn framework_title(id: &str) -> &str {
    match id {
        "pci-dss-4.0" => "PCI DSS v4.0",
        "soc2" => "SOC 2 (Trust Services Criteria 2017)",
        "iso27001-2022" => "ISO/IEC 27001:2022 Annex A",
        "nist-800-53-r5" => "NIST SP 800-53 Rev. 5",
        "cis-aws-2.0" => "CIS AWS Foundations Benchmark v2.0",
        "cis-k8s-1.8" => "CIS Kubernetes Benchmark v1.8",
        "cis-docker-1.6" => "CIS Docker Benchmark v1.6",
        "cis-azure-2.0" => "CIS Microsoft Azure Foundations Benchmark v2.0",
        "cis-gcp-2.0" => "CIS Google Cloud Platform Foundation Benchmark v2.0",
        other => other,
    }
}

/// One requirement and the checks mapped to it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Requirement {
    pub id: String,
    pub title: Option<String>,
    /// Rule ids (or aliases) whose findings are evidence for it.
    pub rules: Vec<String>,
}

/// A framework's requirements, in id order.
#[derive(Debug, Clone, PartialEq)]
pub struct Framework {
    pub id: String,
    pub title: String,
    pub requirements: Vec<Requirement>,
}

/// Every mapping known to a workspace: built in plus `controls/*.yaml`.
#[derive(Debug, Clone, Default)]
pub struct Mappings {
    frameworks: BTreeMap<String, Framework>,
}

impl Mappings {
    /// The built-in mapping, from the rules' `controls`.
    pub fn builtin() -> Mappings {
        let mut m = Mappings::default();
        for id in archgate_rules::spec::FRAMEWORKS {
            m.framework_mut(id, framework_title(id));
        }
        for rule in archgate_rules::registry().all() {
            for c in &rule.meta.controls {
                if let Some((fw, req)) = c.split_once(':') {
                    let f = m.framework_mut(fw, framework_title(fw));
                    let r = requirement_mut(f, req);
                    if !r.rules.contains(&rule.meta.id) {
                        r.rules.push(rule.meta.id.clone());
                    }
                }
            }
        }
        m
    }

    fn framework_mut(&mut self, id: &str, title: &str) -> &mut Framework {
        self.frameworks
            .entry(id.to_string())
            .or_insert_with(|| Framework {
                id: id.to_string(),
                title: title.to_string(),
                requirements: Vec::new(),
            })
    }

    /// The framework a user's name means (`pci-dss` → `pci-dss-4.0`).
    pub fn resolve(&self, name: &str) -> Option<&Framework> {
        let lower = name.trim().to_ascii_lowercase();
        let id = ALIASES
            .iter()
            .find(|(a, _)| *a == lower)
            .map_or(lower.as_str(), |(_, id)| id);
        self.frameworks.get(id)
    }

    /// Every framework id, sorted.
    pub fn ids(&self) -> Vec<&str> {
        self.frameworks.keys().map(String::as_str).collect()
    }

    /// Applies one `ControlMapping` file.
    pub fn add_file(&mut self, file: &str, text: &str) -> Result<(), InputError> {
        let docs = parse_documents(text).map_err(|e| {
            InputError::new(
                file,
                e.line.max(1),
                e.col.max(1),
                format!("invalid YAML: {}", e.message),
            )
        })?;
        for doc in docs.iter().filter(|d| !d.is_null()) {
            let top = Fields::new(file, doc, "")?;
            top.deny_unknown(&["apiVersion", "kind", "metadata", "spec"])?;
            let kind = top.req_str("kind")?;
            if kind.value != "ControlMapping" {
                return Err(InputError::new(
                    file,
                    kind.span.line,
                    kind.span.col,
                    format!("`{}` document in the controls directory", kind.value),
                )
                .expected("kind: ControlMapping"));
            }
            let spec = top.map("spec")?.ok_or_else(|| {
                InputError::new(
                    file,
                    doc.span.line,
                    doc.span.col,
                    "missing required key `spec`",
                )
            })?;
            spec.deny_unknown(&["framework", "title", "requirements"])?;
            let fw = spec.req_str("framework")?;
            let id = ALIASES
                .iter()
                .find(|(a, _)| a.eq_ignore_ascii_case(&fw.value))
                .map_or(fw.value.to_ascii_lowercase(), |(_, id)| id.to_string());
            if !archgate_model::vocab::is_kebab(&id.replace('.', "-")) {
                return Err(InputError::new(
                    file,
                    fw.span.line,
                    fw.span.col,
                    format!("`{}` is not a framework id", fw.value),
                )
                .expected("a built-in framework or a kebab-case id for an internal catalogue"));
            }
            let title = spec
                .str("title")?
                .map_or_else(|| framework_title(&id).to_string(), |t| t.value);
            let f = self.framework_mut(&id, &title);
            let Some(list) = spec.node("requirements") else {
                continue;
            };
            let items = list.as_seq().ok_or_else(|| {
                archgate_core::fields::type_error(
                    file,
                    list,
                    "spec.requirements",
                    "a list of requirements",
                )
            })?;
            for item in items {
                let rf = Fields::new(file, item, "spec.requirements[]")?;
                rf.deny_unknown(&["id", "title", "rules", "replace", "description"])?;
                let rid = rf.req_str("id")?.value;
                let rules: Vec<String> =
                    rf.str_list("rules")?.into_iter().map(|r| r.value).collect();
                let replace = rf.bool("replace")?.is_some_and(|b| b.value);
                let title = rf.str("title")?.map(|t| t.value);
                let r = requirement_mut(f, &rid);
                if replace {
                    r.rules.clear();
                }
                for rule in rules {
                    if !r.rules.iter().any(|x| x.eq_ignore_ascii_case(&rule)) {
                        r.rules.push(rule);
                    }
                }
                if title.is_some() {
                    r.title = title;
                }
            }
        }
        Ok(())
    }
}

fn requirement_mut<'f>(f: &'f mut Framework, id: &str) -> &'f mut Requirement {
    let at = match f.requirements.iter().position(|r| r.id == id) {
        Some(i) => i,
        None => {
            f.requirements.push(Requirement {
                id: id.to_string(),
                ..Requirement::default()
            });
            f.requirements.sort_by_cached_key(|r| natural_key(&r.id));
            f.requirements.iter().position(|r| r.id == id).unwrap_or(0)
        }
    };
    &mut f.requirements[at]
}

/// `10.2.1` after `3.5.1`, `CC6.10` after `CC6.2`: numbers compare as numbers.
fn natural_key(id: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut num = String::new();
    for c in id.chars() {
        if c.is_ascii_digit() {
            num.push(c);
        } else {
            if !num.is_empty() {
                out.push((std::mem::take(&mut text), num.parse().unwrap_or(u64::MAX)));
                num.clear();
            }
            text.push(c);
        }
    }
    out.push((text, num.parse().unwrap_or(0)));
    out
}

/// The built-in mapping plus every `controls/*.yaml` of the workspace.
pub fn load_mappings(root: &Path, dir: &str) -> (Mappings, Vec<InputError>) {
    let mut m = Mappings::builtin();
    let mut errors = Vec::new();
    for rel in files::list(root, dir, &[".yaml", ".yml"]) {
        match files::read_text(root, &rel).and_then(|t| m.add_file(&rel, &t)) {
            Ok(()) => {}
            Err(e) => errors.push(e),
        }
    }
    (m, errors)
}

/// What the run says about a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// An open high or critical finding.
    NotMet,
    /// No open high/critical finding, but open lower ones, or findings waived by exceptions.
    PartiallyMet,
    /// Checks are mapped and none failed.
    Met,
    /// No automated check is mapped: evidence must come from elsewhere.
    NotCovered,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotMet => "not met",
            Status::PartiallyMet => "partially met",
            Status::Met => "met",
            Status::NotCovered => "not covered by automated checks",
        }
    }
}

/// One requirement's result.
#[derive(Debug, Clone)]
pub struct Assessment<'r> {
    pub requirement: &'r Requirement,
    pub status: Status,
    /// Findings of its rules (or citing it), open and waived.
    pub findings: Vec<&'r Finding>,
}

/// Judges every requirement of `framework` on `findings`.
pub fn assess<'r>(framework: &'r Framework, findings: &'r [Finding]) -> Vec<Assessment<'r>> {
    framework
        .requirements
        .iter()
        .map(|req| {
            let control = format!("{}:{}", framework.id, req.id);
            let fs: Vec<&Finding> = findings
                .iter()
                .filter(|f| {
                    f.controls.iter().any(|c| c.eq_ignore_ascii_case(&control))
                        || req.rules.iter().any(|r| {
                            f.rule_id.eq_ignore_ascii_case(r)
                                || f.aliases.iter().any(|a| a.eq_ignore_ascii_case(r))
                        })
                })
                .collect();
            let open: Vec<&&Finding> = fs.iter().filter(|f| !f.is_suppressed()).collect();
            let status = if req.rules.is_empty() && fs.is_empty() {
                Status::NotCovered
            } else if open.iter().any(|f| f.severity >= Severity::High) {
                Status::NotMet
            } else if !fs.is_empty() {
                Status::PartiallyMet
            } else {
                Status::Met
            };
            Assessment {
                requirement: req,
                status,
                findings: fs,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use archgate_core::{FindingKind, Suppression};

    fn finding(rule: &str, sev: Severity, control: &str, waived: bool) -> Finding {
        Finding {
            rule_id: rule.into(),
            title: "t".into(),
            severity: sev,
            kind: FindingKind::Iac,
            location: None,
            resource: None,
            component: None,
            message: "m".into(),
            remediation: None,
            controls: vec![control.into()],
            aliases: vec!["CKV_X_1".into()],
            fingerprint: String::new(),
            suppression: waived.then(|| Suppression {
                kind: "exception".into(),
                by: None,
                reason: None,
                until: None,
                source: None,
            }),
            snippet: None,
            related: vec![],
        }
    }

    #[test]
    fn builtin_mapping_comes_from_the_rules() {
        let m = Mappings::builtin();
        let pci = m.resolve("PCI-DSS").expect("pci-dss-4.0");
        assert_eq!(pci.id, "pci-dss-4.0");
        assert!(pci.requirements.iter().any(|r| !r.rules.is_empty()));
        // Requirements are in natural order.
        let ids: Vec<&str> = pci.requirements.iter().map(|r| r.id.as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort_by_key(|a| natural_key(a));
        assert_eq!(ids, sorted);
        assert!(m.resolve("hipaa").is_none());
        assert!(natural_key("10.2.1") > natural_key("3.5.1"));
        assert!(natural_key("CC6.10") > natural_key("CC6.2"));
    }

    #[test]
    fn workspace_files_add_replace_and_define_catalogues() {
        let mut m = Mappings::builtin();
        m.add_file(
            "controls/acme.yaml",
            "apiVersion: archgate.dev/v1alpha1\nkind: ControlMapping\nmetadata: {name: acme}\nspec:\n  framework: acme-isp\n  title: Acme information security policy\n  requirements:\n    - id: ISP-4.2\n      title: Encrypt data at rest\n      rules: [AG-AWS-RDS-001]\n    - id: ISP-9.1\n      title: Annual DR test\n",
        )
        .unwrap();
        let f = m.resolve("acme-isp").unwrap();
        assert_eq!(f.title, "Acme information security policy");
        assert_eq!(f.requirements.len(), 2);
        let findings = vec![finding("AG-AWS-RDS-001", Severity::Medium, "x:y", false)];
        let a = assess(f, &findings);
        assert_eq!(a[0].status, Status::PartiallyMet);
        assert_eq!(a[1].status, Status::NotCovered);
        let e = m
            .add_file("controls/bad.yaml", "apiVersion: archgate.dev/v1alpha1\nkind: ControlMapping\nspec:\n  framework: acme-isp\n  requirements:\n    - id: ISP-1\n      rulez: [a]\n")
            .unwrap_err();
        assert_eq!((e.line, e.col), (7, 7));
    }

    #[test]
    fn statuses() {
        let fw = Framework {
            id: "soc2".into(),
            title: "SOC 2".into(),
            requirements: vec![
                Requirement {
                    id: "CC6.1".into(),
                    title: None,
                    rules: vec!["CKV_X_1".into()],
                },
                Requirement {
                    id: "CC6.2".into(),
                    title: None,
                    rules: vec!["AG-OTHER".into()],
                },
                Requirement {
                    id: "CC6.3".into(),
                    title: None,
                    rules: vec![],
                },
            ],
        };
        let open_high = vec![finding("AG-A", Severity::High, "soc2:CC6.1", false)];
        let a = assess(&fw, &open_high);
        assert_eq!(
            a.iter().map(|x| x.status).collect::<Vec<_>>(),
            vec![Status::NotMet, Status::Met, Status::NotCovered]
        );
        let waived = vec![finding("AG-A", Severity::High, "soc2:CC6.3", true)];
        let a = assess(&fw, &waived);
        assert_eq!(
            a[0].status,
            Status::PartiallyMet,
            "matched by alias, waived"
        );
        assert_eq!(
            a[2].status,
            Status::PartiallyMet,
            "matched by the finding's control"
        );
    }
}
