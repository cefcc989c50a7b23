//! Everything a rule may look at besides its own resource: the whole parsed
//! unit (a file, or a Terraform module with its local modules), indexed
//! once per unit — resources by kind and address, and who references whom —
//! so cross-resource checks cost a hash lookup, never a scan per rule.
//!
//! References are found in linear time: Terraform expressions left
//! unresolved (`Value::Unknown("aws_s3_bucket.b.id")`), `${…}`
//! interpolations left in strings, and CloudFormation `Ref`/`Fn::GetAtt`/
//! `Fn::Sub` (long and short forms).
//!
//! Module instances repeat their module's expressions, so what an
//! unresolved expression references is found once per distinct text on a
//! thread (a memo bounded by bytes) and shared, with the secret checks'
//! marker words, by every node holding that text; only the lookup of the
//! references in the unit's indexes is done per node.

use archgate_core::hash::{fx_hash_str, FxMap};
use archgate_core::{Node, Value};
use archgate_iac::{ParsedUnit, Resource, SourceKind};
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::rc::Rc;

/// The parsed unit with its indexes.
pub struct Context<'a> {
    pub unit: &'a ParsedUnit,
    by_kind: FxMap<&'a str, Vec<usize>>,
    by_address: StrMap<&'a str, usize>,
    refs_from: Vec<Vec<usize>>,
    refs_to: Vec<Vec<usize>>,
    /// Every reference text (unresolved expression, string with `${…}`)
    /// of every resource with what it mentions, in walk order: resource
    /// `i`'s are `ref_texts[ref_start[i]..ref_start[i + 1]]`. Gathered by
    /// the walk that finds references anyway, so the mention index and its
    /// confirmations read a flat list instead of walking bodies again.
    ref_texts: Vec<(&'a str, Rc<TextRefs>)>,
    ref_start: Vec<usize>,
    /// For the resource the secret checks looked at last (by index), which
    /// checks each of its strings may concern, and all of them together:
    /// the engine runs every rule on one resource before the next, so the
    /// marker words are searched once per resource, not once per check, and
    /// a check with nothing to look at returns without walking the body.
    /// (Indices and bits only, so the context stays covariant in `'a`.)
    pub(crate) secret_masks: RefCell<SecretMasks>,
    /// Per resource kind asked about (by hash): hash of `kind.name` → the
    /// resources whose reference texts may mention it. Built on the first
    /// question about the kind, in one pass over `ref_texts`; see
    /// [`Context::mentioning`], which confirms candidates on their text.
    /// (Hashes and indices only, so the context stays covariant in `'a`.)
    mentions: RefCell<FxMap<u64, Rc<MentionIndex>>>,
}

/// Hash of `kind.name` → indices of the resources that may mention it.
type MentionIndex = FxMap<u64, Vec<usize>>;

/// Which checks the strings of one resource may concern (see the
/// `secret_masks` field). The buffer is reused from resource to resource.
#[derive(Default)]
pub(crate) struct SecretMasks {
    /// Index of the resource the bits are for; `None` before the first.
    pub(crate) at: Option<usize>,
    /// The union of `masks`.
    pub(crate) union: u8,
    /// Each string's bits, in the order the secret checks visit them.
    pub(crate) masks: Vec<u8>,
}

impl<'a> Context<'a> {
    /// Indexes `unit` (linear in the size of its resources' bodies).
    pub fn new(unit: &'a ParsedUnit) -> Context<'a> {
        let n = unit.resources.len();
        let mut by_kind: FxMap<&str, Vec<usize>> = FxMap::default();
        let mut by_address: StrMap<&str, usize> = StrMap::default();
        // Terraform data sources have no `data.` in their address; references do.
        let mut data_by_address: StrMap<&str, usize> = StrMap::default();
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
        let mut ref_texts: Vec<(&'a str, Rc<TextRefs>)> = Vec::new();
        let mut ref_start: Vec<usize> = Vec::with_capacity(n + 1);
        let mut scratch = String::new();
        let mut targets: Vec<usize> = Vec::new();
        // Borrowed once for the whole unit (see `CHAIN_MEMO`); without it
        // (never, short of a re-entrant call) texts are scanned afresh.
        let memo_cell = CHAIN_MEMO.with(|m| m.clone());
        let mut memo = memo_cell.try_borrow_mut().ok();
        for (i, r) in unit.resources.iter().enumerate() {
            ref_start.push(ref_texts.len());
            // `module.a` for a resource of module `a` (resolve_tf adds the dot).
            let prefix = r.module.as_ref().map(|m| m.address.as_str());
            let cfn = r.source == SourceKind::CloudFormation;
            let add = |t: usize, targets: &mut Vec<usize>| {
                if t != i && !targets.contains(&t) {
                    targets.push(t);
                }
            };
            targets.clear();
            r.body.visit(&mut |node: &'a Node| match &node.value {
                Value::Unknown(text) => {
                    let refs = text_refs(memo.as_deref_mut(), text);
                    for chain in refs.chains(text) {
                        if let Some(t) =
                            resolve_tf(&by_address, &data_by_address, prefix, chain, &mut scratch)
                        {
                            add(t, &mut targets);
                        }
                    }
                    ref_texts.push((text, refs));
                }
                Value::Str(text) if has_interpolation(text) => {
                    ref_texts.push((text, Rc::new(TextRefs::default())));
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
                            if cfn {
                                let logical_id = chain.split('.').next().unwrap_or(chain);
                                if let Some(t) = logical.get(&(r.file.as_str(), logical_id)) {
                                    add(*t, &mut targets);
                                }
                            }
                        }
                    }
                }
                Value::Map(entries) if entries.len() == 1 && cfn => {
                    let (k, v) = &entries[0];
                    if let Some(id) = cfn_target(&k.name, v) {
                        if let Some(t) = logical.get(&(r.file.as_str(), id)) {
                            add(*t, &mut targets);
                        }
                    }
                }
                Value::Tagged(tag, v) if cfn => {
                    if let Some(id) = cfn_target(tag.trim_start_matches('!'), v) {
                        if let Some(t) = logical.get(&(r.file.as_str(), id)) {
                            add(*t, &mut targets);
                        }
                    }
                }
                _ => {}
            });
            if !targets.is_empty() {
                for t in &targets {
                    refs_to[*t].push(i);
                }
                refs_from[i] = targets.clone();
            }
        }
        ref_start.push(ref_texts.len());
        Context {
            unit,
            by_kind,
            by_address,
            refs_from,
            refs_to,
            ref_texts,
            ref_start,
            secret_masks: RefCell::new(SecretMasks::default()),
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
        let key_hash = fx_hash_str(&key);
        let index = self.mentions_of_kind(kind);
        let candidates: Vec<usize> = index.get(&key_hash).cloned().unwrap_or_default();
        candidates.into_iter().filter_map(move |i| {
            let found = self.ref_texts_of(i).iter().any(|(t, refs)| {
                refs.pairs(t)
                    .iter()
                    .any(|p| p.hash == key_hash && t.get(p.start..p.end) == Some(key.as_str()))
            });
            if found {
                unit.resources.get(i)
            } else {
                None
            }
        })
    }

    /// The union of the secret checks' bits of the strings of the resource
    /// at index `at`, once a secret check computed them.
    pub(crate) fn secret_union(&self, at: usize) -> Option<u8> {
        let cache = self.secret_masks.try_borrow().ok()?;
        (cache.at == Some(at)).then_some(cache.union)
    }

    /// The reference texts of `r` with what they reference, in walk order
    /// (none when `r` is not of the unit).
    pub(crate) fn ref_texts(&self, r: &Resource) -> &[(&'a str, Rc<TextRefs>)] {
        self.index_of(r).map_or(&[], |i| self.ref_texts_of(i))
    }

    /// The reference texts of the resource at index `i`, in walk order.
    fn ref_texts_of(&self, i: usize) -> &[(&'a str, Rc<TextRefs>)] {
        match (self.ref_start.get(i), self.ref_start.get(i + 1)) {
            (Some(&from), Some(&to)) => self.ref_texts.get(from..to).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The mention index of `kind` (see the `mentions` field).
    fn mentions_of_kind(&self, kind: &str) -> Rc<MentionIndex> {
        let kind_hash = fx_hash_str(kind);
        if let Some(index) = self.mentions.borrow().get(&kind_hash) {
            return index.clone();
        }
        let mut index = MentionIndex::default();
        for i in 0..self.unit.resources.len() {
            for (text, refs) in self.ref_texts_of(i) {
                // The pairs and their hashes were found once per text (see
                // `TextRefs`). A pair starts with `kind.` exactly when its
                // part before its (only) dot is `kind`.
                for pair in refs.pairs(text) {
                    if pair.kind_hash == kind_hash && text.get(pair.start..pair.dot) == Some(kind) {
                        let list = index.entry(pair.hash).or_default();
                        if list.last() != Some(&i) {
                            list.push(i);
                        }
                    }
                }
            }
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
#[cfg(test)]
fn mentioned_pairs(text: &str) -> impl Iterator<Item = &str> {
    let mut ranges = Vec::new();
    pair_ranges(text, &mut ranges);
    ranges
        .into_iter()
        .filter_map(move |(s, _, e)| text.get(s..e))
}

/// The byte ranges of the pairs of [`mentioned_pairs`], in order, appended
/// to `out` as (start, offset of the pair's dot, end). Scanned by byte (the
/// set is ASCII, so every range is on character boundaries), without a
/// searcher per run or per `-`.
fn pair_ranges(text: &str, out: &mut Vec<(usize, usize, usize)>) {
    let b = text.as_bytes();
    // The first `byte` in `b[from..to]`.
    let find = |byte: u8, from: usize, to: usize| -> Option<usize> {
        b.get(from..to)?
            .iter()
            .position(|&x| x == byte)
            .map(|p| from + p)
    };
    let mut i = 0;
    while i < b.len() {
        if !b.get(i).is_some_and(|&x| is_run_byte(x)) {
            i += 1;
            continue;
        }
        let run_start = i;
        // The run's first two dots and whether it has a `-`, in the pass
        // that finds its end: most runs have no `-`, and then the pair (if
        // any) is known from these.
        let (mut dot1, mut dot2, mut dash) = (None, None, false);
        while let Some(&x) = b.get(i).filter(|&&x| is_run_byte(x)) {
            match x {
                b'.' if dot1.is_none() => dot1 = Some(i),
                b'.' if dot2.is_none() => dot2 = Some(i),
                b'-' => dash = true,
                _ => {}
            }
            i += 1;
        }
        let run_end = i;
        let Some(dot1) = dot1 else {
            // No dot: no pair from any start.
            continue;
        };
        if !dash {
            let end = dot2.unwrap_or(run_end);
            if dot1 > run_start && end > dot1 + 1 {
                out.push((run_start, dot1, end));
            }
            continue;
        }
        // A pair may start at the run's start and after each `-` in it.
        let mut p = run_start;
        loop {
            if let Some(dot) = find(b'.', p, run_end).filter(|&d| d > p) {
                let end = find(b'.', dot + 1, run_end).unwrap_or(run_end);
                if end > dot + 1 {
                    out.push((p, dot, end));
                }
            }
            match find(b'-', p, run_end) {
                Some(dash) => p = dash + 1,
                None => break,
            }
        }
    }
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

/// A hash for memo tables keyed by strings: the Fx multiply-rotate over
/// whole 8-byte words, the last (partial) word read as an overlapping load
/// instead of copied byte by byte, and the length mixed in. The memos'
/// keys are looked up tens of thousands of times per scan; a tail copied
/// into a zeroed word costs a `memcpy` call per lookup.
#[derive(Default, Clone, Copy)]
pub(crate) struct MemoHasher(u64);

impl MemoHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// The 8 bytes of `b` at `at` (the caller keeps `at + 8 <= b.len()`).
fn word_at(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    if let Some(src) = b.get(at..at + 8) {
        w.copy_from_slice(src);
    }
    u64::from_le_bytes(w)
}

impl std::hash::Hasher for MemoHasher {
    fn write(&mut self, b: &[u8]) {
        let n = b.len();
        if n >= 8 {
            let mut at = 0;
            while at + 8 < n {
                self.add(word_at(b, at));
                at += 8;
            }
            self.add(word_at(b, n - 8));
        } else if n >= 4 {
            let mut lo = [0u8; 4];
            let mut hi = [0u8; 4];
            if let (Some(a), Some(z)) = (b.get(..4), b.get(n - 4..)) {
                lo.copy_from_slice(a);
                hi.copy_from_slice(z);
            }
            self.add(u64::from(u32::from_le_bytes(lo)) << 32 | u64::from(u32::from_le_bytes(hi)));
        } else if let (Some(&a), Some(&m), Some(&z)) = (b.first(), b.get(n / 2), b.last()) {
            self.add(u64::from(a) | u64::from(m) << 8 | u64::from(z) << 16);
        }
        self.add(n as u64);
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by strings, hashed with [`MemoHasher`].
pub(crate) type StrMap<K, V> = HashMap<K, V, BuildHasherDefault<MemoHasher>>;

/// A map keyed by owned strings, hashed with [`MemoHasher`].
pub(crate) type StrMemo<V> = StrMap<Box<str>, V>;

/// What a reference text holds, as byte ranges of it: the chains that
/// may name a resource (see [`may_name_resource`]) and, once asked for,
/// the `kind.name` pairs it mentions (see [`pair_ranges`]), in order.
/// Found once per distinct text (see `CHAIN_MEMO`) and shared by every
/// node holding it.
#[derive(Default)]
pub(crate) struct TextRefs {
    chains: Box<[(usize, usize)]>,
    /// Only units with a mention question need these.
    pairs: std::cell::OnceCell<Box<[Pair]>>,
    /// The secret checks' marker groups of the text, once they asked.
    markers: std::cell::OnceCell<u8>,
}

/// One `kind.name` pair a text mentions: its byte range, where its dot is,
/// and the hashes of the pair and of its `kind` part, so the mention index
/// compares numbers, not text, for the pairs of other kinds.
#[derive(Clone, Copy)]
struct Pair {
    start: usize,
    dot: usize,
    end: usize,
    hash: u64,
    kind_hash: u64,
}

impl TextRefs {
    /// The chains of `text` that may name a resource.
    fn of(text: &str) -> TextRefs {
        TextRefs {
            chains: ranges_in(text, chains(text).filter(|c| may_name_resource(c))),
            ..TextRefs::default()
        }
    }

    /// The secret checks' marker groups of the text, found by `find` the
    /// first time any node holding the text asks.
    pub(crate) fn markers(&self, find: impl FnOnce() -> u8) -> u8 {
        *self.markers.get_or_init(find)
    }

    /// The chains of `text`, the text these ranges were found in.
    fn chains<'t>(&'t self, text: &'t str) -> impl Iterator<Item = &'t str> + 't {
        self.chains.iter().filter_map(|&(s, e)| text.get(s..e))
    }

    /// The mentioned pairs of `text`, the text these ranges were (or are
    /// now) found in.
    fn pairs(&self, text: &str) -> &[Pair] {
        self.pairs.get_or_init(|| {
            let mut ranges = Vec::new();
            pair_ranges(text, &mut ranges);
            ranges
                .into_iter()
                .filter_map(|(start, dot, end)| {
                    Some(Pair {
                        start,
                        dot,
                        end,
                        hash: fx_hash_str(text.get(start..end)?),
                        kind_hash: fx_hash_str(text.get(start..dot)?),
                    })
                })
                .collect()
        })
    }
}

/// The byte ranges of `parts`, sub-slices of `text`.
fn ranges_in<'t>(text: &'t str, parts: impl Iterator<Item = &'t str>) -> Box<[(usize, usize)]> {
    let base = text.as_ptr() as usize;
    parts
        .map(|p| {
            let start = (p.as_ptr() as usize).saturating_sub(base);
            (start, start + p.len())
        })
        .collect()
}

/// Per-thread memory of what unresolved expressions reference.
struct ChainMemo {
    map: StrMemo<Rc<TextRefs>>,
    /// Bytes of text the keys hold.
    bytes: usize,
}

/// Texts longer than this are scanned every time (they are few).
const CHAIN_MEMO_MAX_LEN: usize = 1024;
/// Bytes of text the chain memo holds before it starts over.
const CHAIN_MEMO_MAX_BYTES: usize = 4 << 20;

thread_local! {
    /// The same unresolved expressions come back again and again: every
    /// instance of a module repeats its module's texts (on the benchmark
    /// tree, under one text in ten is new). What a text mentions does not
    /// depend on the unit, only the lookup of it does, so the scan of a
    /// text is remembered (bounded by bytes, so memory stays flat) and
    /// repeats cost a hash of the text.
    static CHAIN_MEMO: Rc<RefCell<ChainMemo>> = Rc::new(RefCell::new(ChainMemo {
        map: StrMemo::default(),
        bytes: 0,
    }));
}

/// True when a chain may name a resource: it has a second part and does
/// not start at a Terraform namespace that never does (`var.`, `local.`…;
/// [`resolve_tf`] checks the same again).
fn may_name_resource(chain: &str) -> bool {
    let (first, rest) = split_dot(chain);
    rest.is_some() && !is_tf_namespace(first)
}

/// Terraform namespaces whose references are not resources.
fn is_tf_namespace(first: &str) -> bool {
    matches!(
        first,
        "var" | "local" | "module" | "each" | "count" | "path" | "self" | "terraform"
    )
}

/// What `text` references, through the memo when there is one.
fn text_refs(memo: Option<&mut ChainMemo>, text: &str) -> Rc<TextRefs> {
    let Some(memo) = memo.filter(|_| text.len() <= CHAIN_MEMO_MAX_LEN) else {
        return Rc::new(TextRefs::of(text));
    };
    if let Some(refs) = memo.map.get(text) {
        return refs.clone();
    }
    let refs = Rc::new(TextRefs::of(text));
    if memo.bytes + text.len() > CHAIN_MEMO_MAX_BYTES {
        memo.map.clear();
        memo.bytes = 0;
    }
    memo.bytes += text.len();
    memo.map.insert(text.into(), refs.clone());
    refs
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

/// Byte offset of the next `${` at or after `from`.
fn next_interpolation(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        let p = at + bytes.get(at..)?.iter().position(|&b| b == b'$')?;
        if bytes.get(p + 1) == Some(&b'{') {
            return Some(p);
        }
        at = p + 1;
    }
}

/// The `…` of every `${…}` in a string: the text after each `${` up to
/// the first `}` before the next `${` (a piece with none is skipped).
/// Scanned by byte: both markers are ASCII, so every cut is on a
/// character boundary.
fn interpolations(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut open = next_interpolation(bytes, 0);
    std::iter::from_fn(move || loop {
        let start = open? + 2;
        let next = next_interpolation(bytes, start);
        open = next;
        let piece_end = next.unwrap_or(bytes.len());
        let piece = bytes.get(start..piece_end)?;
        if let Some(close) = piece.iter().position(|&b| b == b'}') {
            return text.get(start..start + close);
        }
    })
}

/// The bytes of an identifier run (`[A-Za-z0-9_.-]`), as a table: the
/// scanners test every byte of every unresolved expression.
const RUN_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        table[i] = b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.';
        i += 1;
    }
    table
};

/// True for the bytes of an identifier run (`[A-Za-z0-9_.-]`).
fn is_run_byte(b: u8) -> bool {
    RUN_BYTES[usize::from(b)]
}

/// Dotted identifier chains in an expression: `aws_s3_bucket.b.id`,
/// `data.aws_iam_policy_document.p.json` — the maximal runs of
/// `[A-Za-z0-9_.-]`  trimmed of dots, that still hold
/// a dot and start with a letter or `_`. Every unresolved expression of
/// every resource goes through here, and most of their bytes belong to no
/// dotted run: the scan jumps from dot to dot and only reads the runs
/// around them.
fn chains(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut from = 0;
    std::iter::from_fn(move || loop {
        let dot = from + bytes.get(from..)?.iter().position(|&b| b == b'.')?;
        // The run around the dot: it starts after `from`, the end of the
        // run before it (a byte outside the set).
        let mut start = dot;
        while start > from && bytes.get(start - 1).is_some_and(|&b| is_run_byte(b)) {
            start -= 1;
        }
        let mut end = dot + 1;
        while bytes.get(end).is_some_and(|&b| is_run_byte(b)) {
            end += 1;
        }
        from = end;
        // Trim the dots at both ends.
        while start < end && bytes.get(start) == Some(&b'.') {
            start += 1;
        }
        while end > start && bytes.get(end - 1) == Some(&b'.') {
            end -= 1;
        }
        let Some(run) = bytes.get(start..end) else {
            continue;
        };
        let starts_ok = run
            .first()
            .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'_');
        if starts_ok && run.contains(&b'.') {
            // ASCII bounds: always character boundaries.
            if let Some(chain) = text.get(start..end) {
                return Some(chain);
            }
        }
    })
}

/// `s` up to its first `.`, and what follows that dot (`None` without one):
/// the steps of `s.split('.')` without a searcher per step.
fn split_dot(s: &str) -> (&str, Option<&str>) {
    match s.bytes().position(|b| b == b'.') {
        Some(i) => (s.get(..i).unwrap_or(s), s.get(i + 1..)),
        None => (s, None),
    }
}

/// The resource a Terraform reference chain names, looked up within the
/// referencing resource's module.
fn resolve_tf(
    by_address: &StrMap<&str, usize>,
    data_by_address: &StrMap<&str, usize>,
    prefix: Option<&str>,
    chain: &str,
    scratch: &mut String,
) -> Option<usize> {
    let (first, rest) = split_dot(chain);
    let (second, rest) = split_dot(rest?);
    if is_tf_namespace(first) {
        return None;
    }
    scratch.clear();
    if let Some(p) = prefix {
        scratch.push_str(p);
        scratch.push('.');
    }
    if first == "data" {
        let (third, _) = split_dot(rest?);
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
    use proptest::prelude::*;

    /// The maximal runs of `[A-Za-z0-9_.-]` in `text` (the definition the
    /// fast scanners above are checked against).
    fn ident_runs(text: &str) -> impl Iterator<Item = &str> {
        let bytes = text.as_bytes();
        let mut i = 0;
        std::iter::from_fn(move || {
            while i < bytes.len() && !is_run_byte(bytes[i]) {
                i += 1;
            }
            if i >= bytes.len() {
                return None;
            }
            let start = i;
            while i < bytes.len() && is_run_byte(bytes[i]) {
                i += 1;
            }
            text.get(start..i)
        })
    }

    /// [`chains`] by its definition.
    fn chains_by_definition(text: &str) -> Vec<&str> {
        ident_runs(text)
            .map(|s| s.trim_matches('.'))
            .filter(|s| {
                s.contains('.') && s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            })
            .collect()
    }

    /// [`mentioned_pairs`] by its definition.
    fn pairs_by_definition(text: &str) -> Vec<&str> {
        ident_runs(text)
            .flat_map(|run| {
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
            .collect()
    }

    /// [`interpolations`] by its definition.
    fn interpolations_by_definition(text: &str) -> Vec<&str> {
        text.split("${")
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(inner, _)| inner))
            .collect()
    }

    proptest! {
        /// The byte scanners find exactly what their definitions find, on
        /// expression-like text (the characters that matter, and a
        /// multi-byte one).
        #[test]
        fn scanners_agree_with_their_definitions(
            text in "[a-c_.\\-${}\\[\\] 0é]{0,40}"
        ) {
            prop_assert_eq!(chains(&text).collect::<Vec<_>>(), chains_by_definition(&text));
            prop_assert_eq!(mentioned_pairs(&text).collect::<Vec<_>>(), pairs_by_definition(&text));
            prop_assert_eq!(
                interpolations(&text).collect::<Vec<_>>(),
                interpolations_by_definition(&text)
            );
        }
    }

    /// Compiles only while the context stays covariant in `'a` (rules
    /// pass a context of a longer-lived unit where a shorter one is asked).
    #[allow(dead_code)]
    fn context_is_covariant<'long: 'short, 'short>(
        c: &'short Context<'long>,
    ) -> &'short Context<'short> {
        c
    }

    #[test]
    fn memo_hasher_separates_lengths_and_tails() {
        use std::hash::{BuildHasher, BuildHasherDefault};
        let h = |s: &str| BuildHasherDefault::<MemoHasher>::default().hash_one(s);
        let words = [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "abcde",
            "abcdefgh",
            "abcdefghi",
            "abcdefgh\0",
        ];
        for (i, a) in words.iter().enumerate() {
            for b in &words[i + 1..] {
                assert_ne!(h(a), h(b), "{a:?} and {b:?}");
            }
        }
        let mut m: StrMemo<u8> = StrMemo::default();
        m.insert("aws_vpc.main.id".into(), 1);
        assert_eq!(m.get("aws_vpc.main.id"), Some(&1));
        assert_eq!(m.get("aws_vpc.main.ie"), None);
    }

    #[test]
    fn text_refs_keep_candidate_chains_and_find_pairs_when_asked() {
        let text = "var.on ? aws_vpc.main[0].id : data.aws_ami.x.id-local.y";
        let refs = TextRefs::of(text);
        assert_eq!(
            refs.chains(text).collect::<Vec<_>>(),
            vec!["aws_vpc.main", "data.aws_ami.x.id-local.y"]
        );
        let pairs: Vec<&str> = refs
            .pairs(text)
            .iter()
            .filter_map(|p| text.get(p.start..p.end))
            .collect();
        assert_eq!(pairs, pairs_by_definition(text));
        for p in refs.pairs(text) {
            assert_eq!(text.get(p.dot..p.dot + 1), Some("."));
            assert_eq!(p.kind_hash, fx_hash_str(&text[p.start..p.dot]));
        }
    }

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
