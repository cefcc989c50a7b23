//! Reading one rule file (`rules/<provider>/<ID>.yaml`, the format in
//! docs/rules.md) into a [`RuleSpec`], with every mistake reported at its
//! file, line and column. The build script includes this same file to
//! validate the built-in rules at compile time; at run time it reads users'
//! own rules written in the same format. Checkov-format policies are read by
//! `external.rs`, not here.

use crate::cond::{parse_condition, Condition, Kinds};
use archgate_core::fields::Fields;
use archgate_core::{FindingKind, InputError, Node, RuleDoc, RuleMeta, Severity, Value};

/// Providers a rule may name (the directory under `rules/`).
pub const PROVIDERS: &[&str] = &[
    "aws",
    "azure",
    "gcp",
    "alicloud",
    "oci",
    "kubernetes",
    "docker",
    "cloudformation",
    "github",
    "terraform",
    "argocd",
    "secrets",
    "model",
    "architecture",
    "threat",
    "governance",
];

/// Control frameworks a rule's `controls` may cite.
pub const FRAMEWORKS: &[&str] = &[
    "pci-dss-4.0",
    "soc2",
    "iso27001-2022",
    "nist-800-53-r5",
    "cis-aws-2.0",
    "cis-k8s-1.8",
    "cis-docker-1.6",
    "cis-azure-2.0",
    "cis-gcp-2.0",
];

const KEYS: &[&str] = &[
    "id",
    "title",
    "severity",
    "provider",
    "kind",
    "resources",
    "aliases",
    "controls",
    "condition",
    "native",
    "doc",
    "fixtures",
];
const DOC_KEYS: &[&str] = &[
    "description",
    "rationale",
    "failing_example",
    "passing_example",
    "remediation",
    "references",
];

/// A rule as read from its file.
#[derive(Debug, Clone)]
pub struct RuleSpec {
    pub meta: RuleMeta,
    pub condition: Option<Condition>,
    pub native: bool,
    /// Fixture file names (relative to `rules/<provider>/<ID>/`) and the
    /// lines where findings are expected.
    pub fixtures: Vec<(String, Vec<u32>)>,
    /// The resource kinds the rule is evaluated on.
    pub applies_to: Kinds,
}

/// True when `id` has the shape `AG-<PROVIDER>-<AREA>-NNN` or `AG-<PROVIDER>-NNN`,
/// or is a threat rule id `AG-<STRIDE letter>NN` (`AG-S01`, `AG-E06`).
pub fn valid_id(id: &str) -> bool {
    let Some(rest) = id.strip_prefix("AG-") else {
        return false;
    };
    if let [letter, d1, d2] = rest.as_bytes() {
        if b"STRIDE".contains(letter) && d1.is_ascii_digit() && d2.is_ascii_digit() {
            return true;
        }
    }
    let parts: Vec<&str> = rest.split('-').collect();
    let upper_alnum = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    };
    match parts.as_slice() {
        [provider, num] | [provider, _, num]
            if num.len() == 3
                && num.bytes().all(|b| b.is_ascii_digit())
                && upper_alnum(provider) =>
        {
            parts[1..parts.len() - 1].iter().all(|p| upper_alnum(p))
        }
        _ => false,
    }
}

fn valid_alias(a: &str) -> bool {
    !a.is_empty()
        && a.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':' | b'/'))
}

fn valid_control(c: &str) -> Result<(), String> {
    let Some((fw, req)) = c.split_once(':') else {
        return Err(format!(
            "control `{c}` must be written `framework:requirement`"
        ));
    };
    if !FRAMEWORKS.contains(&fw) {
        return Err(format!(
            "control `{c}` names unknown framework `{fw}`; known: {}",
            FRAMEWORKS.join(", ")
        ));
    }
    let ok = !req.is_empty()
        && req
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'(' | b')'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "control `{c}` has an invalid requirement `{req}` (letters, digits, `.`, `-`, `_`, `()` only)"
        ))
    }
}

fn at(file: &str, n: &Node, msg: impl Into<String>) -> InputError {
    InputError::new(file, n.span.line, n.span.col, msg)
}

/// Parses and validates the text of one rule file. `require_fixtures`:
/// built-in rules must list at least one failing and one passing fixture.
pub fn parse_rule(file: &str, text: &str, require_fixtures: bool) -> Result<RuleSpec, InputError> {
    let docs = archgate_core::yaml::parse_documents(text).map_err(|e| {
        InputError::new(file, e.line, e.col, format!("invalid YAML: {}", e.message))
    })?;
    let mut docs = docs.into_iter().filter(|d| !d.is_null());
    let Some(root) = docs.next() else {
        return Err(InputError::whole_file(file, "empty rule file"));
    };
    if let Some(extra) = docs.next() {
        return Err(at(
            file,
            &extra,
            "a rule file holds exactly one YAML document",
        ));
    }
    rule_from_node(file, &root, require_fixtures)
}

/// Validates one rule given as a YAML mapping.
pub fn rule_from_node(
    file: &str,
    root: &Node,
    require_fixtures: bool,
) -> Result<RuleSpec, InputError> {
    let f = Fields::new(file, root, "")?;
    f.deny_unknown(KEYS)?;
    let id = f.req_str("id")?;
    if !valid_id(&id.value) {
        return Err(InputError::new(file, id.span.line, id.span.col, format!("invalid rule id `{}`", id.value))
            .expected("AG-<PROVIDER>-<AREA>-NNN or AG-<PROVIDER>-NNN (upper-case letters/digits, three-digit number)"));
    }
    let title = f.req_str("title")?;
    if title.value.trim().is_empty() {
        return Err(InputError::new(
            file,
            title.span.line,
            title.span.col,
            "`title` is empty",
        ));
    }
    let sev = f.req_str("severity")?;
    let severity: Severity = match sev.value.as_str() {
        "critical" | "high" | "medium" | "low" | "info" => {
            sev.value.parse().unwrap_or(Severity::Info)
        }
        other => {
            return Err(InputError::new(
                file,
                sev.span.line,
                sev.span.col,
                format!("invalid severity `{other}`"),
            )
            .expected("critical, high, medium, low or info"))
        }
    };
    let provider = f.req_str("provider")?;
    if !PROVIDERS.contains(&provider.value.as_str()) {
        return Err(InputError::new(
            file,
            provider.span.line,
            provider.span.col,
            format!("unknown provider `{}`", provider.value),
        )
        .expected(format!("one of {}", PROVIDERS.join(", "))));
    }
    let kind = match f.str("kind")? {
        None => FindingKind::Iac,
        Some(k) => match k.value.as_str() {
            "iac" => FindingKind::Iac,
            "model" => FindingKind::Model,
            "threat" => FindingKind::Threat,
            "governance" => FindingKind::Governance,
            "policy" => FindingKind::Policy,
            other => {
                return Err(InputError::new(
                    file,
                    k.span.line,
                    k.span.col,
                    format!("invalid kind `{other}`"),
                )
                .expected("iac, model, threat, governance or policy"))
            }
        },
    };
    let resources: Vec<String> = f
        .str_list("resources")?
        .into_iter()
        .map(|s| s.value)
        .collect();
    if let Some(r) = resources
        .iter()
        .find(|r| r.trim().is_empty() || r.contains(char::is_whitespace))
    {
        return Err(at(
            file,
            root,
            format!("invalid resource kind `{r}` in `resources`"),
        ));
    }
    let mut aliases = Vec::new();
    for a in f.str_list("aliases")? {
        if !valid_alias(&a.value) {
            return Err(InputError::new(
                file,
                a.span.line,
                a.span.col,
                format!("invalid alias `{}`", a.value),
            )
            .expected("a check id such as CKV_AWS_18, AVD-AWS-0089 or a KICS query id"));
        }
        if a.value.eq_ignore_ascii_case(&id.value) {
            return Err(InputError::new(
                file,
                a.span.line,
                a.span.col,
                "an alias repeats the rule's own id",
            ));
        }
        aliases.push(a.value);
    }
    let mut controls = Vec::new();
    for c in f.str_list("controls")? {
        valid_control(&c.value).map_err(|m| InputError::new(file, c.span.line, c.span.col, m))?;
        controls.push(c.value);
    }
    let native = f.bool("native")?.map(|b| b.value).unwrap_or(false);
    let condition = match f.node("condition") {
        Some(n) => Some(parse_condition(file, n)?),
        None => None,
    };
    match (&condition, native) {
        (Some(_), true) => {
            return Err(at(
                file,
                root,
                "a rule has either `condition` or `native: true`, not both",
            ));
        }
        (None, false) => {
            return Err(at(
                file,
                root,
                "a rule needs a `condition` or `native: true`",
            ));
        }
        _ => {}
    }
    if kind == FindingKind::Iac && resources.is_empty() {
        return Err(at(
            file,
            root,
            "an iac rule must list the resource kinds it applies to in `resources`",
        ));
    }
    let doc = parse_doc(&f)?;
    let fixtures = parse_fixtures(file, f.node("fixtures"))?;
    if require_fixtures {
        if !fixtures.iter().any(|(_, lines)| !lines.is_empty()) {
            return Err(at(file, f.node("fixtures").unwrap_or(root), "`fixtures` needs at least one failing fixture (a file with expected finding lines)"));
        }
        if !fixtures.iter().any(|(_, lines)| lines.is_empty()) {
            return Err(at(
                file,
                f.node("fixtures").unwrap_or(root),
                "`fixtures` needs at least one passing fixture (a file with `[]`)",
            ));
        }
    }
    // `resources: [all]`: every resource kind (rules that scan any value, such as secrets).
    let applies_to = if resources.len() == 1 && resources[0] == "all" {
        Kinds::All
    } else if !resources.is_empty() {
        Kinds::Only(resources.clone())
    } else if let Some(c) = &condition {
        c.kinds()
    } else {
        Kinds::Only(Vec::new())
    };
    Ok(RuleSpec {
        meta: RuleMeta {
            id: id.value,
            title: title.value.trim().to_string(),
            severity,
            provider: provider.value,
            kind,
            resource_kinds: resources,
            aliases,
            controls,
            doc,
        },
        condition,
        native,
        fixtures,
        applies_to,
    })
}

fn parse_doc(f: &Fields) -> Result<RuleDoc, InputError> {
    let file = f.file();
    let Some(d) = f.map("doc")? else {
        return Err(InputError::new(
            file,
            f.span().line,
            f.span().col,
            "missing required key `doc`",
        ));
    };
    d.deny_unknown(DOC_KEYS)?;
    let text = |key: &str| -> Result<String, InputError> {
        let v = d.req_str(key)?;
        if v.value.trim().is_empty() {
            return Err(InputError::new(
                file,
                v.span.line,
                v.span.col,
                format!("`doc.{key}` is empty"),
            ));
        }
        Ok(v.value)
    };
    Ok(RuleDoc {
        description: text("description")?.trim().to_string(),
        rationale: text("rationale")?.trim().to_string(),
        failing_example: text("failing_example")?,
        passing_example: text("passing_example")?,
        remediation: text("remediation")?.trim().to_string(),
        references: d
            .str_list("references")?
            .into_iter()
            .map(|s| s.value)
            .collect(),
    })
}

fn parse_fixtures(file: &str, node: Option<&Node>) -> Result<Vec<(String, Vec<u32>)>, InputError> {
    let Some(n) = node else {
        return Ok(Vec::new());
    };
    let Some(entries) = n.as_map() else {
        return Err(at(
            file,
            n,
            format!(
                "`fixtures` must map file names to lists of lines, found {}",
                n.type_name()
            ),
        ));
    };
    let mut out: Vec<(String, Vec<u32>)> = Vec::new();
    for (k, v) in entries {
        let name = k.name.as_str();
        let bad_name = name.is_empty()
            || name.starts_with('/')
            || name.contains('\\')
            || name.split('/').any(|p| p.is_empty() || p == "..");
        if bad_name {
            return Err(InputError::new(
                file,
                k.span.line,
                k.span.col,
                format!("invalid fixture file name `{name}`"),
            )
            .expected("a relative path inside the rule's fixture directory"));
        }
        let mut lines = Vec::new();
        match &v.value {
            Value::Seq(items) => {
                for i in items {
                    match i.value {
                        Value::Int(l) if l >= 1 && l <= u32::MAX as i64 => lines.push(l as u32),
                        _ => return Err(at(file, i, format!("fixture `{name}`: expected a line number (a positive integer), found {}", i.type_name()))),
                    }
                }
            }
            Value::Null => {}
            _ => {
                return Err(at(
                    file,
                    v,
                    format!(
                        "fixture `{name}`: expected a list of line numbers, found {}",
                        v.type_name()
                    ),
                ))
            }
        }
        lines.sort_unstable();
        out.push((name.to_string(), lines));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(valid_id("AG-AWS-S3-001"));
        assert!(valid_id("AG-MODEL-004"));
        assert!(valid_id("AG-K8S-POD-010"));
        assert!(!valid_id("AG-aws-S3-001"));
        assert!(!valid_id("AG-AWS-S3-01"));
        assert!(!valid_id("AG-AWS-S3-X-001"));
        assert!(!valid_id("CKV_AWS_1"));
        assert!(valid_id("AG-S01"));
        assert!(!valid_id("AG-X01"));
        assert!(!valid_id("AG-S1"));
    }

    const GOOD: &str = "id: AG-AWS-S3-900\ntitle: t\nseverity: high\nprovider: aws\nresources: [aws_s3_bucket]\naliases: [CKV_AWS_1]\ncontrols: [soc2:CC6.1]\ncondition:\n  cond_type: attribute\n  resource_types: [aws_s3_bucket]\n  attribute: acl\n  operator: not_equals\n  value: public-read\ndoc:\n  description: d\n  rationale: r\n  failing_example: f\n  passing_example: p\n  remediation: x\nfixtures:\n  fail.tf: [1]\n  pass.tf: []\n";

    #[test]
    fn parses_a_complete_rule() {
        let r = parse_rule("r.yaml", GOOD, true).unwrap();
        assert_eq!(r.meta.id, "AG-AWS-S3-900");
        assert_eq!(r.meta.severity, Severity::High);
        assert_eq!(
            r.fixtures,
            vec![("fail.tf".into(), vec![1]), ("pass.tf".into(), vec![])]
        );
        assert_eq!(r.applies_to, Kinds::Only(vec!["aws_s3_bucket".into()]));
    }

    #[test]
    fn reports_mistakes_at_their_line() {
        let e = parse_rule(
            "r.yaml",
            &GOOD.replace("severity: high", "severity: severe"),
            true,
        )
        .unwrap_err();
        assert_eq!(e.line, 3);
        let e = parse_rule(
            "r.yaml",
            &GOOD.replace("operator: not_equals", "operator: not_equal"),
            true,
        )
        .unwrap_err();
        assert_eq!(e.line, 12);
        assert!(e.render().contains("unknown operator"));
        let e = parse_rule("r.yaml", &GOOD.replace("soc2:CC6.1", "sox:1"), true).unwrap_err();
        assert!(e.message.contains("unknown framework"), "{}", e.render());
        let e = parse_rule("r.yaml", &GOOD.replace("  pass.tf: []\n", ""), true).unwrap_err();
        assert!(e.message.contains("passing fixture"));
        let e = parse_rule("r.yaml", &GOOD.replace("  rationale: r\n", ""), true).unwrap_err();
        assert!(e.message.contains("doc.rationale"), "{}", e.render());
        let e =
            parse_rule("r.yaml", &GOOD.replace("doc:", "native: true\ndoc:"), true).unwrap_err();
        assert!(e.message.contains("not both"));
    }
}
