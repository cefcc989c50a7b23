//! Everything a rule may look at besides its own resource: the whole parsed
//! unit (a file, or a Terraform module with its local modules), indexed
//! once per unit — resources by kind and address, and who references whom —
//! so cross-resource checks cost a hash lookup, never a scan per rule.
//!
//! References are found in linear time: Terraform expressions left
//! unresolved (`Value::Unknown("aws_s3_bucket.b.id")`), `${…}`
//! interpolations left in strings, and CloudFormation `Ref`/`Fn::GetAtt`/
//! `Fn::Sub` (long and short forms).

use archgate_core::hash::{fx_hash_str, FxMap};
use archgate_core::{Node, Value};
use archgate_iac::{ParsedUnit, Resource, SourceKind};
use std::cell::RefCell;
use std::rc::Rc;

/// The parsed unit with its indexes.
pub struct Context<'a> {
    pub unit: &'a ParsedUnit,
    by_kind: FxMap<&'a str, Vec<usize>>,
    by_address: FxMap<&'a str, usize>,
    refs_from: Vec<Vec<usize>>,
    refs_to: Vec<Vec<usize>>,
    /// For the resource the secret checks looked at last (by index), which
    /// checks each of its strings may concern, and all of them together:
    /// the engine runs every rule on one resource before the next, so the
    /// marker words are searched once per resource, not once per check, and
    /// a check with nothing to look at returns without walking the body.
    /// (Indices and bits only, so the context stays covariant in `'a`.)
    pub(crate) secret_masks: RefCell<Option<SecretMasks>>,
    /// Per resource kind asked about (by hash): hash of `kind.name` → the
    /// resources whose reference texts may mention it. Built on the first
    /// question about the kind, in one walk of the unit; see
    /// [`Context::mentioning`], which confirms candidates on their text.
    /// (Hashes and indices only, so the context stays covariant in `'a`.)
    mentions: RefCell<FxMap<u64, Rc<MentionIndex>>>,
}

/// Hash of `kind.name` → indices of the resources that may mention it.
type MentionIndex = FxMap<u64, Vec<usize>>;

/// The resource's index, the union of its strings' bits, and each string's bits.
pub(crate) type SecretMasks = (usize, u8, Rc<[u8]>);

impl<'a> Context<'a> {
    /// Indexes `unit` (linear in the size of its resources' bodies).
    pub fn new(unit: &'a ParsedUnit) -> Context<'a> {
        let n = unit.resources.len();
        let mut by_kind: FxMap<&str, Vec<usize>> = FxMap::default();
        let mut by_address: FxMap<&str, usize> = FxMap::default();
        // Terraform data sources have no `data.` in their address; references do.
        let mut data_by_address: FxMap<&str, usize> = FxMap::default();
        // CloudFormation logical ids, per file.
        let mut logical: FxMap<(&str, &str), usize> = FxMap::default();
        for (i, r) in unit.resources.iter().enumerate() {
            by_kind.entry(r.kind.as_str()).or_default().push(i);
            if r.block == "data" {
                data_by_address.entry(r.address.as_str()).or_insert(i);
            } else {
                by_address.entry(r.address.as_str()).or_insert(i);
            }
            if r.source == SourceKind::CloudFormation {
                logical
                    .entry((r.file.as_str(), r.name.as_str()))
                    .or_insert(i);
            }
        }
        let mut refs_from = vec![Vec::new(); n];
        let mut refs_to = vec![Vec::new(); n];
        let mut scratch = String::new();
        for (i, r) in unit.resources.iter().enumerate() {
            // `module.a` for a resource of module `a` (resolve_tf adds the dot).
            let prefix = r.module.as_ref().map(|m| m.address.as_str());
            let mut targets: Vec<usize> = Vec::new();
            let add = |t: usize, targets: &mut Vec<usize>| {
                if t != i && !targets.contains(&t) {
                    targets.push(t);
                }
            };
            r.body.walk(&mut |node: &Node| match &node.value {
                Value::Unknown(text) => {
                    for chain in chains(text) {
                        if let Some(t) =
                            resolve_tf(&by_address, &data_by_address, prefix, chain, &mut scratch)
                        {
                            add(t, &mut targets);
                        }
                    }
                }
                Value::Str(text) if has_interpolation(text) => {
                    for inner in interpolations(text) {
                        for chain in chains(inner) {
                            if let Some(t) = resolve_tf(
                                &by_address,
                                &data_by_address,
                                prefix,
                                chain,
                                &mut scratch,
                            ) {
                                add(t, &mut targets);
                            }
                            if r.source == SourceKind::CloudFormation {
                                let logical_id = chain.split('.').next().unwrap_or(chain);
                                if let Some(t) = logical.get(&(r.file.as_str(), logical_id)) {
                                    add(*t, &mut targets);
                                }
                            }
                        }
                    }
                }
                Value::Map(entries)
                    if entries.len() == 1 && r.source == SourceKind::CloudFormation =>
                {
                    let (k, v) = &entries[0];
                    if let Some(id) = cfn_target(&k.name, v) {
                        if let Some(t) = logical.get(&(r.file.as_str(), id)) {
                            add(*t, &mut targets);
                        }
                    }
                }
                Value::Tagged(tag, v) if r.source == SourceKind::CloudFormation => {
                    if let Some(id) = cfn_target(tag.trim_start_matches('!'), v) {
                        if let Some(t) = logical.get(&(r.file.as_str(), id)) {
                            add(*t, &mut targets);
                        }
                    }
                }
                _ => {}
            });
            for t in &targets {
                refs_to[*t].push(i);
            }
            refs_from[i] = targets;
        }
        Context {
            unit,
            by_kind,
            by_address,
            refs_from,
            refs_to,
            secret_masks: RefCell::new(None),
            mentions: RefCell::new(FxMap::default()),
        }
    }

    /// Resources of `kind` in the unit.
    pub fn by_kind(&self, kind: &str) -> impl Iterator<Item = &'a Resource> + '_ {
        let unit = self.unit;
        self.by_kind
            .get(kind)
            .into_iter()
            .flatten()
            .filter_map(move |i| unit.resources.get(*i))
    }

    /// The resource with this address.
    pub fn by_address(&self, address: &str) -> Option<&'a Resource> {
        self.by_address
            .get(address)
            .and_then(|i| self.unit.resources.get(*i))
    }

    /// Position of `r` in the unit, when it belongs to it.
    pub fn index_of(&self, r: &Resource) -> Option<usize> {
        let size = std::mem::size_of::<Resource>();
        let base = self.unit.resources.as_ptr() as usize;
        let p = r as *const Resource as usize;
        let off = p.checked_sub(base)?;
        (size > 0 && off % size == 0 && off / size < self.unit.resources.len())
            .then_some(off / size)
    }

    /// Resources whose attributes reference `r`.
    pub fn references_to(&self, r: &Resource) -> impl Iterator<Item = &'a Resource> + '_ {
        self.neighbours(r, &self.refs_to)
    }

    /// Resources `r`'s attributes reference.
    pub fn references_from(&self, r: &Resource) -> impl Iterator<Item = &'a Resource> + '_ {
        self.neighbours(r, &self.refs_from)
    }

    fn neighbours<'s>(
        &'s self,
        r: &Resource,
        table: &'s [Vec<usize>],
    ) -> impl Iterator<Item = &'a Resource> + 's {
        let unit = self.unit;
        self.index_of(r)
            .and_then(|i| table.get(i))
            .into_iter()
            .flatten()
            .filter_map(move |i| unit.resources.get(*i))
    }

    /// True when `r` references, or is referenced by, a resource satisfying `pred`.
    pub fn connected(&self, r: &Resource, pred: &dyn Fn(&Resource) -> bool) -> bool {
        self.references_from(r).any(pred) || self.references_to(r).any(pred)
    }

    /// Resources whose unresolved expressions or `${…}` strings mention the
    /// Terraform resource `kind.name` as a whole reference (`kind.name.id`,
    /// `kind.name[0].arn`; not `kind.name2`, not `module.m.kind.name`), in
    /// unit order. Unlike [`Context::references_to`] this does not resolve
    /// the reference to an address, so it also sees references the index
    /// could not place (through a module input, in another module).
    /// A hash lookup; the few candidates are confirmed on their text.
    pub fn mentioning<'s>(
        &'s self,
        kind: &'s str,
        name: &'s str,
    ) -> impl Iterator<Item = &'a Resource> + 's {
        let unit = self.unit;
        let key = format!("{kind}.{name}");
        let index = self.mentions_of_kind(kind);
        let candidates: Vec<usize> = index.get(&fx_hash_str(&key)).cloned().unwrap_or_default();
        candidates
            .into_iter()
            .filter_map(move |i| unit.resources.get(i))
            .filter(move |r| {
                let mut found = false;
                r.body.walk(&mut |n: &Node| {
                    if !found {
                        found = match &n.value {
                            Value::Unknown(t) => mentioned_pairs(t).any(|p| p == key),
                            Value::Str(t) if has_interpolation(t) => {
                                mentioned_pairs(t).any(|p| p == key)
                            }
                            _ => false,
                        };
                    }
                });
                found
            })
    }

    /// The mention index of `kind` (see the `mentions` field).
    fn mentions_of_kind(&self, kind: &str) -> Rc<MentionIndex> {
        let kind_hash = fx_hash_str(kind);
        if let Some(index) = self.mentions.borrow().get(&kind_hash) {
            return index.clone();
        }
        let prefix = format!("{kind}.");
        let mut index = MentionIndex::default();
        for (i, r) in self.unit.resources.iter().enumerate() {
            r.body.walk(&mut |node: &Node| {
                let text = match &node.value {
                    Value::Unknown(t) => t.as_str(),
                    Value::Str(t) if has_interpolation(t) => t.as_str(),
                    _ => return,
                };
                // A substring search finds the few texts that name the kind;
                // only those are split into pairs.
                if !text.contains(&prefix) {
                    return;
                }
                for pair in mentioned_pairs(text) {
                    if pair.starts_with(&prefix) {
                        let list = index.entry(fx_hash_str(pair)).or_default();
                        if list.last() != Some(&i) {
                            list.push(i);
                        }
                    }
                }
            });
        }
        let index = Rc::new(index);
        self.mentions.borrow_mut().insert(kind_hash, index.clone());
        index
    }

    /// The text of a file of the unit.
    pub fn text(&self, file: &str) -> Option<&'a str> {
        self.unit.text_of(file)
    }
}

/// The `kind.name` pairs `text` mentions as whole references: starting at a
/// run of identifier characters (`[A-Za-z0-9_.-]`) or after a `-` in it,
/// never after a `.` (so `module.m.kind.name` does not mention
/// `kind.name`), and ending at a `.` or the end of the run.
fn mentioned_pairs(text: &str) -> impl Iterator<Item = &str> {
    ident_runs(text).flat_map(|run| {
        let starts = std::iter::once(0).chain(run.match_indices('-').map(|(p, _)| p + 1));
        starts.filter_map(move |p| {
            let rest = run.get(p..)?;
            let dot = rest.find('.')?;
            if dot == 0 {
                return None;
            }
            let end = rest[dot + 1..]
                .find('.')
                .map(|e| dot + 1 + e)
                .unwrap_or(rest.len());
            (end > dot + 1).then(|| &rest[..end])
        })
    })
}

/// The target logical id of a CloudFormation `Ref`/`Fn::GetAtt`/`Fn::Sub`.
fn cfn_target<'n>(name: &str, v: &'n Node) -> Option<&'n str> {
    match name {
        "Ref" => v.as_str(),
        "Fn::GetAtt" | "GetAtt" => match &v.value {
            Value::Str(s) => s.split('.').next(),
            Value::Seq(items) => items.first().and_then(Node::as_str),
            _ => None,
        },
        _ => None,
    }
}

/// True when `text` holds a `${`. Every string of every resource is asked,
/// and most hold no `$` at all: a byte search for `$` (memchr) answers
/// that faster than a substring search set up per string.
pub(crate) fn has_interpolation(text: &str) -> bool {
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        rest = &rest[at + 1..];
        if rest.starts_with('{') {
            return true;
        }
    }
    false
}

/// The `…` of every `${…}` in a string.
fn interpolations(text: &str) -> impl Iterator<Item = &str> {
    text.split("${")
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(inner, _)| inner))
}

/// Dotted identifier chains in an expression: `aws_s3_bucket.b.id`,
/// `data.aws_iam_policy_document.p.json`.
fn chains(text: &str) -> impl Iterator<Item = &str> {
    ident_runs(text)
        .map(|s| s.trim_matches('.'))
        .filter(|s| s.contains('.') && s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
}

/// The maximal runs of `[A-Za-z0-9_.-]` in `text`. Scanned by byte (this
/// runs over every unresolved expression of every resource): the bytes
/// of a multi-byte character are never in the set, so every run starts
/// and ends on a character boundary.
fn ident_runs(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let is_run = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.';
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && !is_run(bytes[i]) {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        while i < bytes.len() && is_run(bytes[i]) {
            i += 1;
        }
        text.get(start..i)
    })
}

/// The resource a Terraform reference chain names, looked up within the
/// referencing resource's module.
fn resolve_tf(
    by_address: &FxMap<&str, usize>,
    data_by_address: &FxMap<&str, usize>,
    prefix: Option<&str>,
    chain: &str,
    scratch: &mut String,
) -> Option<usize> {
    let mut parts = chain.split('.');
    let first = parts.next()?;
    let second = parts.next()?;
    if matches!(
        first,
        "var" | "local" | "module" | "each" | "count" | "path" | "self" | "terraform"
    ) {
        return None;
    }
    scratch.clear();
    if let Some(p) = prefix {
        scratch.push_str(p);
        scratch.push('.');
    }
    if first == "data" {
        let third = parts.next()?;
        scratch.push_str(second);
        scratch.push('.');
        scratch.push_str(third);
        return data_by_address.get(scratch.as_str()).copied();
    }
    scratch.push_str(first);
    scratch.push('.');
    scratch.push_str(second);
    by_address.get(scratch.as_str()).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentioned_pairs_are_whole_references() {
        let pairs = |t| mentioned_pairs(t).collect::<Vec<_>>();
        assert_eq!(pairs("${aws_vpc.main[0].id}"), vec!["aws_vpc.main"]);
        assert_eq!(pairs("aws_vpc.main.id"), vec!["aws_vpc.main"]);
        assert_eq!(pairs("x-aws_vpc.a"), vec!["x-aws_vpc.a", "aws_vpc.a"]);
        // After a `-` a new reference may start (`a-b.c` is a subtraction).
        assert_eq!(pairs("aws_vpc.main-x.id"), vec!["aws_vpc.main-x", "x.id"]);
        // `module.x.aws_vpc.m` only mentions `module.x`.
        assert_eq!(pairs("module.x.aws_vpc.m"), vec!["module.x"]);
        assert!(pairs(".aws_vpc.m").is_empty());
        assert!(pairs("plain words").is_empty());
    }

    #[test]
    fn interpolation_needs_dollar_brace() {
        assert!(has_interpolation("a${b}"));
        assert!(has_interpolation("$$${b}"));
        assert!(!has_interpolation("a$b {c}"));
        assert!(!has_interpolation("a$"));
        assert!(!has_interpolation(""));
    }

    #[test]
    fn ident_runs_split_on_everything_else() {
        let runs: Vec<&str> = ident_runs("é${a.b[0]}-x  y.z é").collect();
        assert_eq!(runs, vec!["a.b", "0", "-x", "y.z"]);
        assert_eq!(ident_runs("").count(), 0);
        assert_eq!(ident_runs("ééé").count(), 0);
    }

    #[test]
    fn finds_reference_chains() {
        let c: Vec<&str> =
            chains("${aws_s3_bucket.b.id}-x + data.aws_iam_policy_document.p.json").collect();
        assert_eq!(
            c,
            vec!["aws_s3_bucket.b.id", "data.aws_iam_policy_document.p.json"]
        );
        assert_eq!(
            interpolations("a${x.y}b${z}").collect::<Vec<_>>(),
            vec!["x.y", "z"]
        );
    }
}
