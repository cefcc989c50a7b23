//! Workspace settings: `archgate.yaml` at the workspace root. Every key has a
//! default, so a directory without the file is a valid workspace; unknown
//! keys and wrong types are errors with file, line and column.

use crate::fields::{Fields, Spanned};
use crate::finding::{InputError, Severity};
use crate::node::{Node, Value};
use crate::yaml::parse_documents;
use std::path::{Path, PathBuf};

/// The settings file's name.
pub const SETTINGS_FILE: &str = "archgate.yaml";

/// Where the workspace keeps each kind of file (relative to the root).
#[derive(Debug, Clone, PartialEq)]
pub struct Paths {
    pub catalog: String,
    pub patterns: String,
    pub technologies: String,
    pub adr: String,
    pub exceptions: String,
    pub controls: String,
    pub policy: String,
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            catalog: "catalog".into(),
            patterns: "standards/patterns".into(),
            technologies: "standards/technologies.yaml".into(),
            adr: "docs/adr".into(),
            exceptions: "exceptions".into(),
            controls: "controls".into(),
            policy: "policy".into(),
        }
    }
}

/// Settings for scanning infrastructure code.
#[derive(Debug, Clone, PartialEq)]
pub struct IacSettings {
    /// Directories (relative to the root) scanned for IaC; default: the root.
    pub roots: Vec<String>,
    /// Extra glob patterns to leave out (on top of .gitignore and the defaults).
    pub exclude: Vec<String>,
    /// Tag/label keys that link a resource to a component.
    pub link_keys: Vec<String>,
}

impl Default for IacSettings {
    fn default() -> Self {
        IacSettings {
            roots: vec![".".into()],
            exclude: Vec::new(),
            link_keys: vec![
                "archgate:component".into(),
                "archgate.dev/component".into(),
                "app.kubernetes.io/part-of".into(),
                "backstage.io/kubernetes-id".into(),
            ],
        }
    }
}

/// One entry of the `kpis:` block: a KPI's target and, optionally, which
/// way is better. The KPI ids are archgate-governance's; it checks them
/// (with these spans) when it computes the KPIs.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiSetting {
    /// The KPI id as written (the key).
    pub id: Spanned<String>,
    pub target: Option<Spanned<f64>>,
    /// `at-least` or `at-most` (lower case); `None` keeps the KPI's own.
    pub direction: Option<Spanned<String>>,
}

/// The `scorecard:` block: which readiness checks each level holds and
/// which level each tier requires. Check ids are archgate-governance's; it
/// checks them (with these spans).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScorecardSettings {
    /// Level (`bronze`, `silver`, `gold`) → its checks. Empty: the built-in levels.
    pub levels: Vec<(Spanned<String>, Vec<Spanned<String>>)>,
    /// Tier (1–4) → the level it requires (`none`, `bronze`, `silver`, `gold`).
    pub tiers: Vec<(Spanned<u8>, Spanned<String>)>,
}

/// The parsed `archgate.yaml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Display name of the workspace.
    pub name: Option<String>,
    /// Control frameworks in scope (`pci-dss-4.0`, `soc2`, `iso27001-2022`, `nist-800-53-r5`, `cis`).
    pub frameworks: Vec<String>,
    /// Findings at or above this severity fail the run (exit 1).
    pub fail_on: Severity,
    pub paths: Paths,
    pub iac: IacSettings,
    /// Rule ids (or aliases) never to run.
    pub skip_checks: Vec<String>,
    /// When non-empty, only these rule ids (or aliases) run.
    pub checks: Vec<String>,
    /// Regular expression a change's ticket reference must match (`gate`).
    pub ticket_pattern: String,
    /// `kpis:` targets, in file order.
    pub kpis: Vec<KpiSetting>,
    /// `scorecard:` levels and tier requirements.
    pub scorecard: ScorecardSettings,
    /// The file these settings came from, if any.
    pub source: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            name: None,
            frameworks: Vec::new(),
            fail_on: Severity::High,
            paths: Paths::default(),
            iac: IacSettings::default(),
            skip_checks: Vec::new(),
            checks: Vec::new(),
            ticket_pattern: "[A-Z][A-Z0-9]+-[0-9]+".into(),
            kpis: Vec::new(),
            scorecard: ScorecardSettings::default(),
            source: None,
        }
    }
}

const TOP_KEYS: &[&str] = &[
    "version",
    "name",
    "frameworks",
    "failOn",
    "paths",
    "iac",
    "skipChecks",
    "checks",
    "ticketPattern",
    "kpis",
    "scorecard",
];
const PATH_KEYS: &[&str] = &[
    "catalog",
    "patterns",
    "technologies",
    "adr",
    "exceptions",
    "controls",
    "policy",
];
const IAC_KEYS: &[&str] = &["roots", "exclude", "linkKeys"];
const KPI_KEYS: &[&str] = &["target", "direction"];
const SCORECARD_KEYS: &[&str] = &["levels", "tiers"];
const LEVELS: &[&str] = &["bronze", "silver", "gold"];
const REQUIRED_LEVELS: &[&str] = &["none", "bronze", "silver", "gold"];

impl Settings {
    /// Loads `<root>/archgate.yaml`; `Ok(None)` when the file does not exist.
    pub fn load(root: &Path) -> Result<Option<Settings>, InputError> {
        let path = root.join(SETTINGS_FILE);
        let text = match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
                InputError::whole_file(
                    SETTINGS_FILE,
                    format!("not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()),
                )
                .expected("a UTF-8 YAML text file")
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(InputError::whole_file(
                    SETTINGS_FILE,
                    format!("cannot read: {e}"),
                ))
            }
        };
        let mut s = Settings::parse(SETTINGS_FILE, &text)?;
        s.source = Some(path);
        Ok(Some(s))
    }

    /// Parses settings text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Settings, InputError> {
        let docs = parse_documents(text).map_err(|e| {
            InputError::new(file, e.line, e.col, format!("invalid YAML: {}", e.message))
        })?;
        let mut s = Settings::default();
        let Some(root) = docs.into_iter().find(|d| !d.is_null()) else {
            return Ok(s);
        };
        let f = Fields::new(file, &root, "")?;
        f.deny_unknown(TOP_KEYS)?;
        if let Some(v) = f.int("version")? {
            if v.value != 1 {
                return Err(InputError::new(
                    file,
                    v.span.line,
                    v.span.col,
                    format!("unsupported settings version {}", v.value),
                )
                .expected("1"));
            }
        }
        s.name = f.str("name")?.map(|v| v.value);
        s.frameworks = f
            .str_list("frameworks")?
            .into_iter()
            .map(|v| v.value)
            .collect();
        if let Some(v) = f.str("failOn")? {
            s.fail_on = v
                .value
                .parse()
                .map_err(|m: String| InputError::new(file, v.span.line, v.span.col, m))?;
        }
        if let Some(p) = f.map("paths")? {
            p.deny_unknown(PATH_KEYS)?;
            let d = &mut s.paths;
            for (key, slot) in [
                ("catalog", &mut d.catalog),
                ("patterns", &mut d.patterns),
                ("technologies", &mut d.technologies),
                ("adr", &mut d.adr),
                ("exceptions", &mut d.exceptions),
                ("controls", &mut d.controls),
                ("policy", &mut d.policy),
            ] {
                if let Some(v) = p.str(key)? {
                    *slot = v.value;
                }
            }
        }
        if let Some(i) = f.map("iac")? {
            i.deny_unknown(IAC_KEYS)?;
            let roots = i.str_list("roots")?;
            if !roots.is_empty() {
                s.iac.roots = roots.into_iter().map(|v| v.value).collect();
            }
            s.iac.exclude = i
                .str_list("exclude")?
                .into_iter()
                .map(|v| v.value)
                .collect();
            let keys = i.str_list("linkKeys")?;
            if !keys.is_empty() {
                s.iac.link_keys = keys.into_iter().map(|v| v.value).collect();
            }
        }
        s.skip_checks = f
            .str_list("skipChecks")?
            .into_iter()
            .map(|v| v.value)
            .collect();
        s.checks = f.str_list("checks")?.into_iter().map(|v| v.value).collect();
        if let Some(v) = f.str("ticketPattern")? {
            s.ticket_pattern = v.value;
        }
        if f.map("kpis")?.is_some() {
            s.kpis = parse_kpis(file, f.node("kpis").unwrap_or(&root))?;
        }
        if let Some(c) = f.map("scorecard")? {
            s.scorecard = parse_scorecard(file, &c)?;
        }
        Ok(s)
    }
}

/// `kpis: {<id>: {target: 0.9, direction: at-least}}`, or `<id>: 0.9` for
/// a target alone.
fn parse_kpis(file: &str, kpis: &Node) -> Result<Vec<KpiSetting>, InputError> {
    let mut out = Vec::new();
    for (key, node) in kpis.as_map().unwrap_or(&[]) {
        let id = Spanned::new(key.name.clone(), key.span);
        let at = format!("kpis.{}", key.name);
        let (target, direction) = match &node.value {
            Value::Int(i) => (Some(Spanned::new(*i as f64, node.span)), None),
            Value::Float(x) => (Some(Spanned::new(*x, node.span)), None),
            _ => {
                let e = Fields::new(file, node, &at).map_err(|e| {
                    e.expected("a number (the target) or a mapping with target and direction")
                })?;
                e.deny_unknown(KPI_KEYS)?;
                (
                    e.float("target")?,
                    e.one_of("direction", &["at-least", "at-most"])?,
                )
            }
        };
        if let Some(t) = target.as_ref().filter(|t| !t.value.is_finite()) {
            return Err(InputError::new(
                file,
                t.span.line,
                t.span.col,
                format!("`{at}.target` is not a finite number"),
            )
            .expected("a number such as 0.95 or 30"));
        }
        out.push(KpiSetting {
            id,
            target,
            direction,
        });
    }
    Ok(out)
}

/// `scorecard: {levels: {bronze: [owner, …], …}, tiers: {1: gold, …}}`.
fn parse_scorecard(file: &str, c: &Fields) -> Result<ScorecardSettings, InputError> {
    c.deny_unknown(SCORECARD_KEYS)?;
    let mut out = ScorecardSettings::default();
    if let Some(levels) = c.map("levels")? {
        levels.deny_unknown(LEVELS)?;
        for (key, _) in c.node("levels").and_then(Node::as_map).unwrap_or(&[]) {
            let checks = levels.str_list(&key.name)?;
            out.levels
                .push((Spanned::new(key.name.clone(), key.span), checks));
        }
    }
    if let Some(tiers) = c.map("tiers")? {
        for (key, _) in c.node("tiers").and_then(Node::as_map).unwrap_or(&[]) {
            let tier = match key.name.parse::<u8>() {
                Ok(t @ 1..=4) => t,
                _ => {
                    return Err(InputError::new(
                        file,
                        key.span.line,
                        key.span.col,
                        format!("`scorecard.tiers.{}` is not a tier", key.name),
                    )
                    .expected("a tier 1, 2, 3 or 4"))
                }
            };
            if let Some(level) = tiers.one_of(&key.name, REQUIRED_LEVELS)? {
                out.tiers.push((Spanned::new(tier, key.span), level));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let s = Settings::parse(
            "archgate.yaml",
            "name: acme\nfailOn: medium\npaths: {adr: decisions}\niac: {roots: [infra]}\n",
        )
        .unwrap();
        assert_eq!(s.name.as_deref(), Some("acme"));
        assert_eq!(s.fail_on, Severity::Medium);
        assert_eq!(s.paths.adr, "decisions");
        assert_eq!(s.paths.catalog, "catalog");
        assert_eq!(s.iac.roots, vec!["infra"]);
        assert_eq!(Settings::parse("a", "").unwrap(), Settings::default());
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_located() {
        let e = Settings::parse("archgate.yaml", "name: a\nfailon: high\n").unwrap_err();
        assert_eq!((e.line, e.col), (2, 1));
        let e = Settings::parse("archgate.yaml", "paths:\n  catalog: [a]\n").unwrap_err();
        assert_eq!((e.line, e.col), (2, 12));
        assert!(e.render().contains("expected a string"));
        let e = Settings::parse("archgate.yaml", "failOn: severe\n").unwrap_err();
        assert_eq!(e.line, 1);
    }

    #[test]
    fn kpis_and_scorecard_blocks() {
        let s = Settings::parse(
            "archgate.yaml",
            "kpis:\n  policy-compliance: 0.9\n  decision-cycle-days: {target: 21, direction: at-most}\nscorecard:\n  levels:\n    bronze: [owner]\n    gold: [rto-rpo, redundant]\n  tiers: {1: silver, 4: bronze}\n",
        )
        .unwrap();
        assert_eq!(s.kpis.len(), 2);
        assert_eq!(s.kpis[0].id.value, "policy-compliance");
        assert_eq!(s.kpis[0].target.as_ref().map(|t| t.value), Some(0.9));
        assert_eq!(s.kpis[0].direction, None);
        assert_eq!(s.kpis[1].target.as_ref().map(|t| t.value), Some(21.0));
        assert_eq!(
            s.kpis[1].direction.as_ref().map(|d| d.value.as_str()),
            Some("at-most")
        );
        assert_eq!((s.kpis[1].id.span.line, s.kpis[1].id.span.col), (3, 3));
        let levels: Vec<(&str, Vec<&str>)> = s
            .scorecard
            .levels
            .iter()
            .map(|(l, c)| {
                (
                    l.value.as_str(),
                    c.iter().map(|x| x.value.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            levels,
            vec![
                ("bronze", vec!["owner"]),
                ("gold", vec!["rto-rpo", "redundant"])
            ]
        );
        let tiers: Vec<(u8, &str)> = s
            .scorecard
            .tiers
            .iter()
            .map(|(t, l)| (t.value, l.value.as_str()))
            .collect();
        assert_eq!(tiers, vec![(1, "silver"), (4, "bronze")]);
    }

    #[test]
    fn kpis_and_scorecard_errors_are_located() {
        let err = |text: &str| {
            let e = Settings::parse("archgate.yaml", text).unwrap_err();
            (e.line, e.col, e.render())
        };
        let (l, c, m) = err("kpis:\n  readiness: {target: high}\n");
        assert_eq!((l, c), (2, 23), "{m}");
        assert!(m.contains("expected a number"), "{m}");
        let (l, c, m) = err("kpis:\n  readiness: {target: 1, dirction: at-most}\n");
        assert_eq!((l, c), (2, 26), "{m}");
        assert!(m.contains("unknown key `kpis.readiness.dirction`"), "{m}");
        let (l, _, m) = err("kpis:\n  readiness: {direction: up}\n");
        assert_eq!(l, 2);
        assert!(m.contains("at-least, at-most"), "{m}");
        let (l, c, m) = err("kpis:\n  readiness: [1]\n");
        assert_eq!((l, c), (2, 14), "{m}");
        let (l, c, m) = err("scorecard:\n  levels: {platinum: [owner]}\n");
        assert_eq!((l, c), (2, 12), "{m}");
        assert!(m.contains("bronze, silver, gold"), "{m}");
        let (l, c, m) = err("scorecard:\n  tiers: {5: gold}\n");
        assert_eq!((l, c), (2, 11), "{m}");
        assert!(m.contains("a tier 1, 2, 3 or 4"), "{m}");
        let (l, _, m) = err("scorecard:\n  tiers: {1: diamond}\n");
        assert_eq!(l, 2);
        assert!(m.contains("none, bronze, silver, gold"), "{m}");
        let (l, c, _) = err("scorecard:\n  levels:\n    gold: {a: 1}\n");
        assert_eq!((l, c), (3, 11));
        let (l, c, _) = err("scorecard:\n  level: {}\n");
        assert_eq!((l, c), (2, 3));
    }
}
