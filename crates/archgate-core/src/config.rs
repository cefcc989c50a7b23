//! Workspace settings: `archgate.yaml` at the workspace root. Every key has a
//! default, so a directory without the file is a valid workspace; unknown
//! keys and wrong types are errors with file, line and column.

use crate::fields::Fields;
use crate::finding::{InputError, Severity};
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
        Ok(s)
    }
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
}
