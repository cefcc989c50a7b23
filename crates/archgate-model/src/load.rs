//! Loading the catalog: every `*.yaml`/`*.yml` under the catalog directory
//! plus the files Backstage `Location` entities point at, read and parsed in
//! parallel, then indexed by entity ref and merged with `Profile`s.
//!
//! Results are deterministic: files are sorted by path and processed in
//! that order whatever the thread scheduling. Not here: cross-entity
//! validation (see [`crate::validate`]).

use crate::entity::{read_document, Details, Entity, Outcome};
use crate::reference::{EntityRef, Kind};
use archgate_core::yaml::parse_documents;
use archgate_core::{InputError, Note};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Files larger than this are not read (a catalog file is a few KB; this
/// guards memory against a stray dump in the catalog directory).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The loaded model: every entity, indexed by ref.
#[derive(Debug, Default)]
pub struct Catalog {
    /// Entities in load order (files sorted by path, documents in file order).
    pub entities: Vec<Entity>,
    /// Ref → index of the first entity with that ref.
    index: HashMap<EntityRef, usize>,
    /// `(duplicate, first)` entity indices sharing kind, namespace and name.
    pub duplicates: Vec<(usize, usize)>,
    /// Refs of documents that failed to load; references to them are not
    /// reported as dangling (the input error already says what is wrong).
    pub broken: HashSet<EntityRef>,
    /// Files read, relative to the workspace root, in load order.
    pub files: Vec<String>,
    /// The text of each file that parsed, by file, for the code snippets of findings.
    pub sources: HashMap<String, Arc<str>>,
    /// Line starts of each source, built on the first snippet request, so a
    /// snippet costs a lookup instead of a walk from the top of its file.
    line_index: std::sync::OnceLock<HashMap<String, archgate_core::LineIndex>>,
}

impl Catalog {
    /// Builds the index over `entities` (first occurrence wins; later ones are duplicates).
    pub fn from_entities(entities: Vec<Entity>) -> Catalog {
        let mut index = HashMap::with_capacity(entities.len());
        let mut duplicates = Vec::new();
        for (i, e) in entities.iter().enumerate() {
            match index.get(&e.reference) {
                Some(&first) => duplicates.push((i, first)),
                None => {
                    index.insert(e.reference.clone(), i);
                }
            }
        }
        Catalog {
            entities,
            index,
            duplicates,
            broken: HashSet::new(),
            files: Vec::new(),
            sources: HashMap::new(),
            line_index: std::sync::OnceLock::new(),
        }
    }

    /// The entity a ref names, if any.
    pub fn get(&self, r: &EntityRef) -> Option<&Entity> {
        self.index.get(r).and_then(|&i| self.entities.get(i))
    }

    /// Index of the entity a ref names.
    pub fn position(&self, r: &EntityRef) -> Option<usize> {
        self.index.get(r).copied()
    }

    /// Lines `from..=to` (1-based) of a loaded file, for snippets.
    pub fn lines(&self, file: &str, from: u32, to: u32) -> Option<String> {
        let text = self.sources.get(file)?;
        let index = self
            .line_index
            .get_or_init(|| {
                self.sources
                    .iter()
                    .map(|(f, t)| (f.clone(), archgate_core::LineIndex::new(t)))
                    .collect()
            })
            .get(file)?;
        let start = index.line_start(from.max(1))?;
        let end = index
            .line_start(to.saturating_add(1))
            .unwrap_or(text.len())
            .min(text.len());
        let s = text.get(start..end)?.trim_end_matches(['\n', '\r']);
        (!s.is_empty()).then(|| s.replace("\r\n", "\n"))
    }

    /// Entities of one kind, in load order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Entity> {
        self.entities.iter().filter(move |e| e.kind == kind)
    }

    pub fn len(&self) -> usize {
        self.entities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }
}

/// A loaded catalog with the input errors and notes met on the way.
#[derive(Debug, Default)]
pub struct LoadResult {
    pub catalog: Catalog,
    pub errors: Vec<InputError>,
    pub notes: Vec<Note>,
}

/// What one file yielded.
#[derive(Default)]
struct FileLoad {
    /// The file's text, kept only when it yielded entities.
    text: Option<(String, Arc<str>)>,
    entities: Vec<Entity>,
    broken: Vec<EntityRef>,
    errors: Vec<InputError>,
    notes: Vec<Note>,
}

/// Parses one file's text (`file` is its display path).
fn load_text(file: &str, text: &str) -> FileLoad {
    let mut out = FileLoad::default();
    let file: Arc<str> = Arc::from(file);
    let docs = match parse_documents(text) {
        Ok(d) => d,
        Err(e) => {
            out.errors.push(
                InputError::new(
                    &*file,
                    e.line.max(1),
                    e.col.max(1),
                    format!("invalid YAML: {}", e.message),
                )
                .expected("well-formed YAML (Backstage/archgate catalog descriptors)"),
            );
            return out;
        }
    };
    if docs.iter().all(|d| d.is_null()) {
        out.notes.push(Note {
            file: Some(file.to_string()),
            message: "empty catalog file".into(),
        });
        return out;
    }
    for doc in docs {
        match read_document(&file, doc, &mut out.errors, &mut out.notes) {
            Outcome::Entity(e) => out.entities.push(*e),
            Outcome::Skipped => {}
            Outcome::Failed(r) => out.broken.extend(r),
        }
    }
    if !out.entities.is_empty() {
        out.text = Some((file.to_string(), Arc::from(text)));
    }
    out
}

/// Reads and parses one file under `root`.
fn load_file(root: &Path, rel: &str) -> FileLoad {
    let path = root.join(rel);
    let bytes = match std::fs::metadata(&path) {
        Ok(m) if m.len() > MAX_FILE_BYTES => {
            let mut out = FileLoad::default();
            out.errors.push(
                InputError::whole_file(
                    rel,
                    format!("file is {} bytes, too large for a catalog file", m.len()),
                )
                .expected(format!("a YAML file under {MAX_FILE_BYTES} bytes")),
            );
            return out;
        }
        _ => std::fs::read(&path),
    };
    match bytes {
        Ok(b) => {
            if b.contains(&0) {
                let mut out = FileLoad::default();
                out.errors.push(
                    InputError::whole_file(rel, "binary file (contains NUL bytes)")
                        .expected("a UTF-8 YAML text file"),
                );
                return out;
            }
            match String::from_utf8(b) {
                Ok(text) => load_text(rel, &text),
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    let valid = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
                    let idx = archgate_core::LineIndex::new(&valid);
                    let (line, col) = idx.locate(&valid, at);
                    let mut out = FileLoad::default();
                    out.errors.push(
                        InputError::new(rel, line, col, "invalid UTF-8 byte sequence")
                            .expected("a UTF-8 YAML text file"),
                    );
                    out
                }
            }
        }
        Err(e) => {
            let mut out = FileLoad::default();
            out.errors.push(
                InputError::whole_file(rel, format!("cannot read file: {e}"))
                    .expected("a readable YAML file"),
            );
            out
        }
    }
}

/// Loads an in-memory catalog: `(display path, text)` pairs. `Location`
/// entities are kept but not followed (there is no directory to follow
/// them in). Used by tests, fixtures and tools that hold files in memory.
pub fn load_texts(files: &[(String, String)]) -> LoadResult {
    let loads: Vec<FileLoad> = files
        .par_iter()
        .map(|(path, text)| load_text(path, text))
        .collect();
    let names = files.iter().map(|(p, _)| p.clone()).collect();
    assemble(loads, names, Vec::new(), Vec::new())
}

/// Loads `root/catalog_dir/**/*.{yaml,yml}` and every file a `Location`
/// points at. Never panics; problems come back as `errors` (missing
/// directory, unreadable or binary file, bad YAML, wrong types) and
/// `notes` (skipped kinds, optional locations absent, empty files).
pub fn load_catalog(root: &Path, catalog_dir: &str) -> LoadResult {
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    let dir = root.join(catalog_dir);
    if !root.is_dir() {
        errors.push(
            InputError::whole_file(root.display().to_string(), "workspace directory not found")
                .expected("an existing directory"),
        );
        return LoadResult {
            catalog: Catalog::default(),
            errors,
            notes,
        };
    }
    if !dir.is_dir() {
        let what = if dir.exists() {
            "catalog path is not a directory"
        } else {
            "catalog directory not found"
        };
        errors.push(InputError::whole_file(catalog_dir, what).expected(
            "a directory of Backstage/archgate YAML descriptors (paths.catalog in archgate.yaml)",
        ));
        return LoadResult {
            catalog: Catalog::default(),
            errors,
            notes,
        };
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut seen: HashSet<String> = HashSet::new();
    let mut wave: Vec<String> = Vec::new();
    walk_yaml(root, &dir, &mut wave, &mut errors);
    wave.sort();
    wave.dedup();
    let mut loads: Vec<FileLoad> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    // Each wave is one parallel batch; Locations found in a wave feed the next.
    while !wave.is_empty() {
        wave.retain(|f| seen.insert(f.clone()));
        let batch: Vec<FileLoad> = wave.par_iter().map(|f| load_file(root, f)).collect();
        let mut next = Vec::new();
        for (rel, load) in wave.iter().zip(&batch) {
            for e in &load.entities {
                if let Details::Location(loc) = &e.details {
                    follow_location(
                        root,
                        &canonical_root,
                        rel,
                        loc,
                        &mut next,
                        &mut errors,
                        &mut notes,
                    );
                }
            }
        }
        names.append(&mut wave);
        loads.extend(batch);
        next.sort();
        next.dedup();
        next.retain(|f| !seen.contains(f));
        wave = next;
    }
    let result = assemble(loads, names, errors, notes);
    let mut result = result;
    if result.catalog.is_empty() && result.errors.is_empty() {
        result.errors.push(
            InputError::whole_file(catalog_dir, "the catalog holds no entities")
                .expected("at least one Backstage or archgate.dev descriptor (`archgate init` writes an example)"),
        );
    }
    result
}

/// Turns per-file results into one catalog, in file order.
fn assemble(
    loads: Vec<FileLoad>,
    files: Vec<String>,
    mut errors: Vec<InputError>,
    mut notes: Vec<Note>,
) -> LoadResult {
    let mut entities = Vec::new();
    let mut broken = HashSet::new();
    let mut sources = HashMap::new();
    for l in loads {
        sources.extend(l.text);
        entities.extend(l.entities);
        broken.extend(l.broken);
        errors.extend(l.errors);
        notes.extend(l.notes);
    }
    let mut catalog = Catalog::from_entities(entities);
    catalog.broken = broken;
    catalog.files = files;
    catalog.sources = sources;
    apply_profiles(&mut catalog, &mut errors);
    LoadResult {
        catalog,
        errors,
        notes,
    }
}

/// Applies every Profile's block to its target, in load order.
fn apply_profiles(catalog: &mut Catalog, errors: &mut Vec<InputError>) {
    let mut merges = Vec::new();
    for p in &catalog.entities {
        if let Details::Profile(profile) = &p.details {
            if let Some(t) = catalog.position(&profile.target.target) {
                merges.push((t, profile.facts.clone()));
            }
            // A missing target is a dangling reference, reported by validation.
        }
    }
    for (t, facts) in merges {
        let Some(target) = catalog.entities.get_mut(t) else {
            continue;
        };
        if !matches!(
            target.kind,
            Kind::Component | Kind::Resource | Kind::Api | Kind::System | Kind::Domain
        ) {
            // Wrong target kind: reported by validation (AG-MODEL-012).
            continue;
        }
        match &mut target.archgate {
            Some(existing) => existing.merge(facts, errors),
            None => target.archgate = Some(facts),
        }
    }
}

/// Collects `*.yaml`/`*.yml` files under `dir` (recursively, skipping hidden
/// directories), as `/`-separated paths relative to `root`.
fn walk_yaml(root: &Path, dir: &Path, out: &mut Vec<String>, errors: &mut Vec<InputError>) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) => {
                errors.push(
                    InputError::whole_file(
                        rel_path(root, &d),
                        format!("cannot read directory: {e}"),
                    )
                    .expected("a readable directory"),
                );
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            let Ok(ft) = entry.file_type() else { continue };
            if ft.is_dir() {
                if !hidden {
                    stack.push(path);
                }
            } else if is_yaml(&path) && !hidden {
                out.push(rel_path(root, &path));
            }
        }
    }
}

fn is_yaml(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
}

fn rel_path(root: &Path, p: &Path) -> String {
    let r = p.strip_prefix(root).unwrap_or(p);
    r.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Normalises `a/b/../c` to `a/c` without touching the file system; None
/// when the path climbs above its start.
fn normalise(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(s) => out.push(s),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// Resolves a Location's targets relative to its file; globs are expanded.
fn follow_location(
    root: &Path,
    canonical_root: &Path,
    location_file: &str,
    loc: &crate::entity::LocationSpec,
    next: &mut Vec<String>,
    errors: &mut Vec<InputError>,
    notes: &mut Vec<Note>,
) {
    let remote = loc
        .location_type
        .as_ref()
        .is_some_and(|t| !matches!(t.value.as_str(), "file" | "dir"));
    let base = Path::new(location_file)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    for t in &loc.targets {
        if remote || t.value.contains("://") {
            notes.push(Note {
                file: Some(location_file.to_string()),
                message: format!(
                    "line {}: remote location `{}` not fetched (archgate reads only local files)",
                    t.span.line, t.value
                ),
            });
            continue;
        }
        let Some(rel) = normalise(&base.join(&t.value)) else {
            errors.push(
                InputError::new(
                    location_file,
                    t.span.line,
                    t.span.col,
                    format!("location target `{}` is outside the workspace", t.value),
                )
                .expected("a path inside the workspace, relative to the Location file"),
            );
            continue;
        };
        let rel_str = rel_path(Path::new(""), &rel);
        let is_glob = t.value.contains(['*', '?', '[', '{']);
        if is_glob {
            let matcher = match globset::GlobBuilder::new(&rel_str)
                .literal_separator(true)
                .build()
            {
                Ok(g) => g.compile_matcher(),
                Err(e) => {
                    errors.push(
                        InputError::new(
                            location_file,
                            t.span.line,
                            t.span.col,
                            format!("invalid glob `{}`: {}", t.value, e.kind()),
                        )
                        .expected("a path or glob relative to the Location file"),
                    );
                    continue;
                }
            };
            // Walk from the longest literal prefix of the pattern.
            let prefix: PathBuf = rel
                .components()
                .take_while(|c| {
                    !c.as_os_str()
                        .to_string_lossy()
                        .contains(['*', '?', '[', '{'])
                })
                .collect();
            let mut found = Vec::new();
            let mut errs = Vec::new();
            let start = root.join(&prefix);
            if start.is_dir() {
                walk_yaml(root, &start, &mut found, &mut errs);
            }
            errors.extend(errs);
            let before = next.len();
            next.extend(found.into_iter().filter(|f| matcher.is_match(f)));
            if next.len() == before {
                missing(location_file, t, loc.optional, errors, notes);
            }
            continue;
        }
        let full = root.join(&rel);
        match full.canonicalize() {
            Ok(c) if c.starts_with(canonical_root) => {
                if c.is_file() {
                    next.push(rel_str);
                } else {
                    errors.push(
                        InputError::new(
                            location_file,
                            t.span.line,
                            t.span.col,
                            format!("location target `{}` is not a file", t.value),
                        )
                        .expected("a YAML file path or glob"),
                    );
                }
            }
            Ok(_) => errors.push(
                InputError::new(
                    location_file,
                    t.span.line,
                    t.span.col,
                    format!("location target `{}` is outside the workspace", t.value),
                )
                .expected("a path inside the workspace, relative to the Location file"),
            ),
            Err(_) => missing(location_file, t, loc.optional, errors, notes),
        }
    }
}

fn missing(
    location_file: &str,
    t: &crate::read::Fact<String>,
    optional: bool,
    errors: &mut Vec<InputError>,
    notes: &mut Vec<Note>,
) {
    if optional {
        notes.push(Note {
            file: Some(location_file.to_string()),
            message: format!(
                "line {}: optional location target `{}` not found",
                t.span.line, t.value
            ),
        });
    } else {
        errors.push(
            InputError::new(
                location_file,
                t.span.line,
                t.span.col,
                format!("location target `{}` not found", t.value),
            )
            .expected("an existing file relative to the Location file (or `presence: optional`)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::Details;

    fn one(text: &str) -> LoadResult {
        load_texts(&[("catalog/c.yaml".to_string(), text.to_string())])
    }

    fn write(root: &Path, rel: &str, text: &[u8]) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    #[test]
    fn backstage_entity_with_extra_keys_and_archgate_block() {
        let r = one(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: Payments-API\n  namespace: bank\n  annotations: {backstage.io/techdocs-ref: dir:.}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-payments\n  system: cards\n  dependsOn: [resource:payments-db, component:default/fraud]\n  providesApis: [pay-api]\n  somePluginKey: {anything: true}\n  archgate:\n    tier: 1\n    internet: true\n    rto: 15m\n    rpo: 1h\n    slo: {availability: 99.95, latency: {p99: 250ms}}\n    dataProcessed: [cards]\n    iac: {paths: [infra/payments/**]}\n",
        );
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let e = &r.catalog.entities[0];
        assert_eq!(e.reference.to_string(), "component:bank/payments-api");
        assert_eq!(
            e.owner.as_ref().unwrap().target.to_string(),
            "group:bank/team-payments"
        );
        let rel = &e.relations;
        assert_eq!(
            rel.system.as_ref().unwrap().target.to_string(),
            "system:bank/cards"
        );
        assert_eq!(
            rel.depends_on[1].target.to_string(),
            "component:default/fraud"
        );
        assert_eq!(rel.provides_apis[0].target.to_string(), "api:bank/pay-api");
        let a = e.archgate.as_ref().unwrap();
        assert_eq!(a.tier.as_ref().unwrap().value, 1);
        assert_eq!(a.rto.as_ref().unwrap().value.as_secs(), 900);
        assert_eq!(a.slo.as_ref().unwrap().value.availability, Some(99.95));
        assert_eq!(
            a.data_processed[0].target.to_string(),
            "dataasset:bank/cards"
        );
        // name span points at the value of metadata.name
        assert_eq!((e.name.span.line, e.name.span.col), (4, 9));
        assert!(r
            .catalog
            .get(&EntityRef::parse("Component:Bank/PAYMENTS-api", None, "x").unwrap())
            .is_some());
    }

    #[test]
    fn every_relation_field_gets_backstages_default_kind() {
        let r = one(concat!(
            "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: g, namespace: ns}\n",
            "spec: {type: team, parent: p, children: [c], members: [m]}\n",
            "---\napiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: u}\nspec: {memberOf: [g]}\n",
            "---\napiVersion: backstage.io/v1alpha1\nkind: Domain\nmetadata: {name: d}\nspec: {owner: g, subdomainOf: top}\n",
            "---\napiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: {name: s}\nspec: {owner: user:u, domain: d}\n",
            "---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: c}\n",
            "spec: {owner: g, subcomponentOf: parent, consumesApis: [x], dependencyOf: [system:s]}\n",
            "---\napiVersion: archgate.dev/v1alpha1\nkind: TrustBoundary\nmetadata: {name: b}\nspec: {contains: [c], nested: [inner]}\n",
            "---\napiVersion: archgate.dev/v1alpha1\nkind: Runtime\nmetadata: {name: k8s}\nspec: {runs: [c]}\n",
        ));
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let refs: Vec<(String, &str, String)> = r
            .catalog
            .entities
            .iter()
            .flat_map(|e| {
                e.references()
                    .into_iter()
                    .map(|x| (e.name.value.clone(), x.field, x.target.to_string()))
            })
            .collect();
        let expect = [
            ("g", "spec.parent", "group:ns/p"),
            ("g", "spec.children", "group:ns/c"),
            ("g", "spec.members", "user:ns/m"),
            ("u", "spec.memberOf", "group:default/g"),
            ("d", "spec.owner", "group:default/g"),
            ("d", "spec.subdomainOf", "domain:default/top"),
            ("s", "spec.owner", "user:default/u"),
            ("s", "spec.domain", "domain:default/d"),
            ("c", "spec.owner", "group:default/g"),
            ("c", "spec.subcomponentOf", "component:default/parent"),
            ("c", "spec.consumesApis", "api:default/x"),
            ("c", "spec.dependencyOf", "system:default/s"),
            ("b", "spec.contains", "component:default/c"),
            ("b", "spec.nested", "trustboundary:default/inner"),
            ("k8s", "spec.runs", "component:default/c"),
        ];
        let got: Vec<(&str, &str, &str)> = refs
            .iter()
            .map(|(a, b, c)| (a.as_str(), *b, c.as_str()))
            .collect();
        assert_eq!(got, expect);
    }

    #[test]
    fn wrong_types_and_unknown_keys_in_archgate_blocks_are_errors() {
        let r = one("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\nspec:\n  owner: g\n  archgate:\n    tier: high\n    internet: maybe\n    rto: soon\n    colour: blue\n");
        let got: Vec<(u32, u32)> = r.errors.iter().map(|e| (e.line, e.col)).collect();
        assert_eq!(
            got,
            vec![(10, 5), (7, 11), (8, 15), (9, 10)],
            "{:?}",
            r.errors
        );
        assert!(
            r.errors[1].render().contains("expected an integer from 1"),
            "{}",
            r.errors[1].render()
        );
        assert!(r.errors[2].render().contains("expected true or false"));
        assert!(r.errors[0]
            .render()
            .contains("unknown key `spec.archgate.colour`"));
        // The entity is still there (its other facts are usable).
        assert_eq!(r.catalog.len(), 1);
    }

    #[test]
    fn depends_on_without_kind_is_an_error_at_the_item() {
        let r = one("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: a}\nspec:\n  owner: g\n  dependsOn:\n    - payments-db\n");
        assert_eq!(r.errors.len(), 1);
        assert_eq!((r.errors[0].line, r.errors[0].col), (7, 7));
        assert!(
            r.errors[0].render().contains("resource:payments-db"),
            "{}",
            r.errors[0].render()
        );
    }

    #[test]
    fn template_and_foreign_documents_are_skipped_with_a_note() {
        let r = one("apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: t}\nspec: {}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n");
        assert!(r.errors.is_empty());
        assert!(r.catalog.is_empty());
        assert_eq!(r.notes.len(), 2);
        assert!(r.notes[0].message.contains("Template"));
    }

    #[test]
    fn unknown_archgate_kind_and_bad_envelope_are_errors() {
        let r = one("apiVersion: archgate.dev/v1alpha1\nkind: Dataflow2\nmetadata: {name: x}\nspec: {}\n---\n- a list\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: 'not a name'}\n");
        let got: Vec<(u32, u32)> = r.errors.iter().map(|e| (e.line, e.col)).collect();
        assert_eq!(got, vec![(2, 7), (6, 1), (10, 18)], "{:?}", r.errors);
    }

    #[test]
    fn archgate_kinds_load_and_validate_their_shape() {
        let r = one(concat!(
            "apiVersion: archgate.dev/v1alpha1\nkind: DataFlow\nmetadata: {name: f}\nspec:\n  source: web\n  target: resource:db\n  protocol: HTTPS\n  data: [cards]\n  authentication: token\n  via: [component:waf]\n",
            "---\napiVersion: archgate.dev/v1alpha1\nkind: Exception\nmetadata: {name: x}\nspec:\n  rule: AG-AWS-S3-001\n  justification: legacy\n  approver: user:ciso\n  created: 2026-01-01\n  expires: 2026-13-01\n",
            "---\napiVersion: archgate.dev/v1alpha1\nkind: DataFlow\nmetadata: {name: g}\nspec:\n  target: b\n",
        ));
        let msgs: Vec<String> = r.errors.iter().map(|e| e.render()).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(
            msgs[0].starts_with("catalog/c.yaml:20:12:") && msgs[0].contains("YYYY-MM-DD"),
            "{msgs:?}"
        );
        assert!(
            msgs[1].contains("missing required key `spec.source`"),
            "{msgs:?}"
        );
        assert_eq!(r.catalog.len(), 2);
        let Details::DataFlow(f) = &r.catalog.entities[0].details else {
            panic!()
        };
        assert_eq!(f.protocol.as_ref().unwrap().value, "https");
        assert_eq!(f.source.target.to_string(), "component:default/web");
        assert_eq!(f.data[0].target.to_string(), "dataasset:default/cards");
        // The failed DataFlow is remembered so refs to it are not "dangling".
        assert!(r
            .catalog
            .broken
            .contains(&EntityRef::new(Kind::DataFlow, "default", "g")));
    }

    #[test]
    fn profiles_merge_and_conflict() {
        let base = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: api}\nspec:\n  owner: g\n  archgate: {tier: 2}\n";
        let profile = "apiVersion: archgate.dev/v1alpha1\nkind: Profile\nmetadata: {name: api-facts}\nspec:\n  target: api\n  archgate:\n    onCall: https://pager/api\n    tier: 1\n";
        let r = load_texts(&[
            ("a.yaml".into(), base.into()),
            ("b.yaml".into(), profile.into()),
        ]);
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert_eq!(
            (r.errors[0].file.as_str(), r.errors[0].line, r.errors[0].col),
            ("b.yaml", 8, 11)
        );
        assert!(
            r.errors[0].message.contains("a.yaml:6:20"),
            "{}",
            r.errors[0].message
        );
        let a = r.catalog.entities[0].archgate.as_ref().unwrap();
        assert_eq!(a.tier.as_ref().unwrap().value, 2);
        let oc = a.on_call.as_ref().unwrap();
        assert_eq!((&*oc.file, oc.span.line), ("b.yaml", 7));
    }

    #[test]
    fn loads_directory_and_follows_locations() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        write(root, "catalog/all.yaml", b"apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: more}\nspec:\n  targets: [../teams/*.yaml, ../missing.yaml]\n---\napiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: opt}\nspec:\n  presence: optional\n  target: ../gone.yaml\n");
        write(root, "catalog/z/sys.yml", b"apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata: {name: pay}\nspec: {owner: team-a}\n");
        write(root, "teams/a.yaml", b"apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: team-a}\nspec: {type: team, children: []}\n");
        write(root, "teams/.hidden.yaml", b"not: [valid");
        write(root, "catalog/readme.md", b"ignored");
        let r = load_catalog(root, "catalog");
        assert_eq!(
            r.catalog.files,
            vec!["catalog/all.yaml", "catalog/z/sys.yml", "teams/a.yaml"]
        );
        let kinds: Vec<Kind> = r.catalog.entities.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![Kind::Location, Kind::Location, Kind::System, Kind::Group]
        );
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert_eq!(
            (r.errors[0].file.as_str(), r.errors[0].line, r.errors[0].col),
            ("catalog/all.yaml", 5, 30)
        );
        assert!(r.notes.iter().any(|n| n
            .message
            .contains("optional location target `../gone.yaml`")));
        assert!(crate::validate(&r.catalog, &|_| None).is_empty());
    }

    #[test]
    fn location_outside_workspace_is_refused() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "ws/catalog/l.yaml", b"apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: {name: l}\nspec: {target: ../../outside.yaml}\n");
        write(
            d.path(),
            "outside.yaml",
            b"apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: g}\nspec: {}\n",
        );
        let r = load_catalog(&d.path().join("ws"), "catalog");
        assert_eq!(r.errors.len(), 1);
        assert!(r.errors[0].message.contains("outside the workspace"));
        assert_eq!(r.catalog.files.len(), 1);
    }

    #[test]
    fn bad_files_become_input_errors() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        // missing directory
        let r = load_catalog(root, "catalog");
        assert!(r.errors[0].render().contains("catalog directory not found"));
        // empty catalog
        std::fs::create_dir_all(root.join("catalog")).unwrap();
        let r = load_catalog(root, "catalog");
        assert!(
            r.errors[0].render().contains("no entities"),
            "{:?}",
            r.errors
        );
        write(root, "catalog/bin.yaml", b"\x00\x01\x02");
        write(root, "catalog/latin1.yaml", b"name: caf\xe9\n");
        write(
            root,
            "catalog/broken.yaml",
            b"apiVersion: backstage.io/v1alpha1\nkind: [Group\n",
        );
        write(root, "catalog/empty.yaml", b"");
        let r = load_catalog(root, "catalog");
        let got: Vec<String> = r.errors.iter().map(|e| e.render()).collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(
            got[0].starts_with("catalog/bin.yaml: binary file"),
            "{got:?}"
        );
        assert!(
            got[1].starts_with("catalog/broken.yaml:3:1: invalid YAML"),
            "{got:?}"
        );
        assert!(
            got[2].starts_with("catalog/latin1.yaml:1:10: invalid UTF-8"),
            "{got:?}"
        );
        assert!(r.notes.iter().any(|n| n.message == "empty catalog file"));
        // not a directory
        let r = load_catalog(root, "catalog/empty.yaml");
        assert!(r.errors[0].message.contains("not a directory"));
        let r = load_catalog(&root.join("nope"), "catalog");
        assert!(r.errors[0]
            .message
            .contains("workspace directory not found"));
    }
}
