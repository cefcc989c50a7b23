//! Native checks for hard-coded secrets: the rules under `rules/secrets/`,
//! run on every resource of every source kind (`resources: [all]`).
//!
//! Each check walks the string values of a resource body with the name they
//! are written under (the mapping key; for `{name: X, value: Y}` pairs and
//! `NAME=value` words the name; for a Terraform `variable` default, the
//! variable's name) and looks for one kind of secret: AWS keys, private key
//! blocks, well-known token formats, credentials in URLs, or a password-like
//! name holding a literal, non-trivial value (Shannon entropy of at least 3
//! bits per character, the threshold Checkov's keyword-and-entropy detector
//! uses). Kubernetes `Secret` objects are judged on their `data` and
//! `stringData`.
//!
//! A finding is reported only where the secret is actually written: the
//! matched text must appear in the file's text inside the value's span,
//! so a variable default resolved into the place that uses it is reported
//! once, at the default. The line is the line of the match within the value
//! (heredocs and multi-line strings included).
//!
//! Not for: scanning files that are not IaC, git history, or verifying that
//! a secret is live.

use super::{CheckFn, Context, Hit};
use crate::context::StrMemo;
use archgate_core::{Node, Span, Value};
use archgate_iac::Resource;

/// The native secret checks, by rule id.
pub const CHECKS: &[(&str, CheckFn)] = &[
    ("AG-SECRET-AWS-001", aws_keys),
    ("AG-SECRET-KEY-001", private_keys),
    ("AG-SECRET-TOKEN-001", known_tokens),
    ("AG-SECRET-URL-001", url_credentials),
    ("AG-SECRET-GEN-001", password_attributes),
    ("AG-SECRET-K8S-001", kubernetes_secret_data),
];

/// The `FOR_*` bit of a check that scans a resource's strings through
/// [`scan`], by rule id: such a check finds nothing in a resource none of
/// whose strings carries its bit, so the engine need not call it then.
pub(crate) fn scan_bit(id: &str) -> Option<u8> {
    match id {
        "AG-SECRET-AWS-001" => Some(FOR_AWS),
        "AG-SECRET-KEY-001" => Some(FOR_KEY),
        "AG-SECRET-TOKEN-001" => Some(FOR_TOKEN),
        "AG-SECRET-URL-001" => Some(FOR_URL),
        "AG-SECRET-GEN-001" => Some(FOR_GEN),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Walking values
// ---------------------------------------------------------------------------

/// One string found in a resource: where, under which name, and whether it
/// is an unresolved expression's source text.
struct Text<'a> {
    node: &'a Node,
    text: &'a str,
    /// The name it is written under as written, `""` when none.
    name: &'a str,
    unresolved: bool,
}

// Which check a string may concern (the bits `compute_masks` keeps).
const FOR_AWS: u8 = 1;
const FOR_KEY: u8 = 2;
const FOR_TOKEN: u8 = 4;
const FOR_URL: u8 = 8;
const FOR_GEN: u8 = 16;

// Groups of marker words found by the automaton of [`markers`].
const M_AWS_PREFIX: u8 = 1;
const M_SECRET: u8 = 2;
const M_KEY: u8 = 4;
const M_TOKEN: u8 = 8;
const M_URL: u8 = 16;
const M_GEN: u8 = 32;

/// One automaton over every word a check's own pre-test looks for,
/// matched ignoring ASCII case, so a single pass over a string tells which
/// checks need a closer look. It only ever admits more than the checks'
/// exact tests (which still run), never fewer.
fn markers() -> Option<&'static (aho_corasick::AhoCorasick, Vec<u8>)> {
    static MARKERS: std::sync::OnceLock<Option<(aho_corasick::AhoCorasick, Vec<u8>)>> =
        std::sync::OnceLock::new();
    MARKERS
        .get_or_init(|| {
            let mut words: Vec<(String, u8)> = Vec::new();
            let mut add = |w: &str, group: u8| {
                let w = w.to_ascii_lowercase();
                match words.iter_mut().find(|(x, _)| *x == w) {
                    Some((_, g)) => *g |= group,
                    None => words.push((w, group)),
                }
            };
            for p in AWS_KEY_PREFIXES {
                add(p, M_AWS_PREFIX);
            }
            add("secret", M_SECRET);
            add("-----BEGIN ", M_KEY);
            for m in TOKEN_MARKERS {
                add(m, M_TOKEN);
            }
            add("://", M_URL);
            for w in SECRET_WORDS {
                add(w, M_GEN);
            }
            add("pwd", M_GEN);
            let groups = words.iter().map(|(_, g)| *g).collect();
            // The words are fixed and few; building cannot fail short of a bug,
            // and then every string is simply looked at by every check.
            // A full DFA: the automaton is small (a few hundred states) and
            // runs over every string of every resource, so the fastest
            // search is worth its build time (once per process).
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                .build(words.iter().map(|(w, _)| w.as_str()))
                .ok()
                .map(|ac| (ac, groups))
        })
        .as_ref()
}

/// Strings up to this long are remembered with their marker groups
/// (longer ones, rare, are searched every time).
const MEMO_MAX_LEN: usize = 4096;
/// Entries the per-thread memo holds before it starts over.
const MEMO_MAX_ENTRIES: usize = 65_536;
/// Bytes of text the per-thread memo's keys hold before it starts over.
const MEMO_MAX_BYTES: usize = 4 << 20;

/// The per-thread memo: marker groups by string, and the bytes its keys hold.
#[derive(Default)]
struct Memo {
    groups: StrMemo<u8>,
    bytes: usize,
}

thread_local! {
    /// Marker groups of strings already searched on this thread. The same
    /// strings come back again and again: key names (`name`, `tags`), and
    /// every literal of a module once per instance of it (policy
    /// documents and scripts too). A lookup is a hash of the string; the
    /// automaton's search costs several instructions per byte. Bounded
    /// (strings up to [`MEMO_MAX_LEN`], a fixed number of entries and
    /// bytes), so memory stays flat.
    static MEMO: std::cell::RefCell<Memo> = std::cell::RefCell::new(Memo::default());
}

/// Looks up marker groups for the strings of one resource: the memo is
/// borrowed once for all of them, strings shorter than every marker word
/// are answered without a lookup, and a name is looked up once for a run
/// of strings written under it (the items of a list share their name).
struct Groups<'m> {
    memo: Option<std::cell::RefMut<'m, Memo>>,
    /// Strings shorter than this hold no marker word.
    min_len: usize,
    /// The last name looked up: its address, length and groups.
    last_name: (usize, usize, u8),
}

impl Groups<'_> {
    /// Runs `f` with the lookup of this thread.
    fn with<T>(f: impl FnOnce(&mut Groups) -> T) -> T {
        // Without the automaton every string is looked at by every check
        // (`search_markers` answers all bits), so no string is too short.
        let min_len = markers().map_or(0, |(ac, _)| ac.min_pattern_len());
        MEMO.with(|memo| {
            let mut groups = Groups {
                memo: memo.try_borrow_mut().ok(),
                min_len,
                last_name: (0, usize::MAX, 0),
            };
            f(&mut groups)
        })
    }

    /// The marker groups found in `s`.
    fn of(&mut self, s: &str) -> u8 {
        if s.len() < self.min_len {
            return 0;
        }
        if s.len() > MEMO_MAX_LEN {
            return search_markers(s);
        }
        let Some(memo) = self.memo.as_mut() else {
            return search_markers(s);
        };
        if let Some(g) = memo.groups.get(s) {
            return *g;
        }
        let g = search_markers(s);
        if memo.groups.len() >= MEMO_MAX_ENTRIES || memo.bytes + s.len() > MEMO_MAX_BYTES {
            memo.groups.clear();
            memo.bytes = 0;
        }
        memo.bytes += s.len();
        memo.groups.insert(s.into(), g);
        g
    }

    /// The marker groups of a name that matter (`M_SECRET`, `M_GEN`; see
    /// [`mask_from`]).
    fn of_name(&mut self, name: &str) -> u8 {
        let id = (name.as_ptr() as usize, name.len());
        if (self.last_name.0, self.last_name.1) == id {
            return self.last_name.2;
        }
        // Most names (`name`, `tags`, `value`, `type`) hold none of the
        // letters every credential word has one of: no lookup for them.
        let g = if name.bytes().any(may_start_credential_word) {
            self.of(name) & (M_SECRET | M_GEN)
        } else {
            0
        };
        self.last_name = (id.0, id.1, g);
        g
    }

    /// Which checks (`FOR_*` bits) could find anything in `t`.
    fn mask(&mut self, t: &Text) -> u8 {
        let m = self.of(t.text);
        let long = t.text.len() >= 20;
        if t.unresolved {
            return unresolved_mask(m, long);
        }
        let n = self.of_name(t.name);
        mask_from(m, n, long)
    }
}

/// True for the bytes (`k`, `c`, `w`, `h`, either case) of which every
/// credential word (`M_SECRET`, `M_GEN`) holds at least one: a name
/// without any holds none of the words.
fn may_start_credential_word(b: u8) -> bool {
    matches!(b | 0x20, b'k' | b'c' | b'w' | b'h')
}

/// The marker groups found in `s`, searched.
fn search_markers(s: &str) -> u8 {
    let Some((ac, groups)) = markers() else {
        return 0xff;
    };
    let mut found = 0u8;
    for m in ac.find_overlapping_iter(s) {
        found |= groups.get(m.pattern().as_usize()).copied().unwrap_or(0xff);
        if found == 0x3f {
            break;
        }
    }
    found
}

/// Which checks (`FOR_*` bits) could find anything in a string with the
/// marker groups `m`, written under a name with the groups `n`; `long`
/// when the string has at least 20 bytes.
fn mask_from(m: u8, n: u8, long: bool) -> u8 {
    let mut mask = 0;
    if long && (m & (M_AWS_PREFIX | M_SECRET) != 0 || n & M_SECRET != 0) {
        mask |= FOR_AWS;
    }
    if m & M_KEY != 0 {
        mask |= FOR_KEY;
    }
    if long && m & M_TOKEN != 0 {
        mask |= FOR_TOKEN;
    }
    if m & M_URL != 0 {
        mask |= FOR_URL;
    }
    if (m | n) & M_GEN != 0 {
        mask |= FOR_GEN;
    }
    mask
}

/// Which checks (`FOR_*` bits) could find anything in an unresolved
/// expression with the marker groups `m`. Less than [`mask_from`] admits,
/// and without the name: the password check never reads unresolved
/// expressions, and in them the AWS check only looks for access key ids,
/// which carry one of the prefixes.
fn unresolved_mask(m: u8, long: bool) -> u8 {
    let mut mask = mask_from(m & !(M_SECRET | M_GEN), 0, long);
    if !long || m & M_AWS_PREFIX == 0 {
        mask &= !FOR_AWS;
    }
    mask & !FOR_GEN
}

/// Which checks (`FOR_*` bits) could find anything in `t`.
#[cfg(test)]
fn mask_of(t: &Text) -> u8 {
    Groups::with(|g| g.mask(t))
}

/// Calls `f` on every string below `n` (in document order) with the name
/// it is written under.
fn each_text<'a, F: FnMut(Text<'a>)>(n: &'a Node, name: &'a str, f: &mut F) {
    match &n.value {
        Value::Str(s) => f(Text {
            node: n,
            text: s,
            name,
            unresolved: false,
        }),
        Value::Unknown(s) => f(Text {
            node: n,
            text: s,
            name,
            unresolved: true,
        }),
        Value::Map(entries) => {
            // `{name: DB_PASSWORD, value: …}` (Kubernetes env, ECS container
            // definitions): the value is written under the sibling name,
            // the first `name` when it is a string and a `value` exists.
            let mut first_name: Option<&Node> = None;
            let mut has_value = false;
            for (k, v) in entries {
                match k.name.as_str() {
                    "name" if first_name.is_none() => first_name = Some(v),
                    "value" => has_value = true,
                    _ => {}
                }
            }
            let pair_name = first_name.and_then(Node::as_str).filter(|_| has_value);
            for (k, v) in entries {
                let nm = match (pair_name, k.name.as_str()) {
                    (Some(p), "value") => p,
                    _ => k.name.as_str(),
                };
                each_text(v, nm, f);
            }
        }
        Value::Seq(items) => {
            for v in items {
                each_text(v, name, f);
            }
        }
        Value::Tagged(_, inner) => each_text(inner, name, f),
        _ => {}
    }
}

/// Calls `f` on every string of the resource with its name. A Terraform
/// variable's default is named after the variable.
fn each_text_of<'a, F: FnMut(Text<'a>)>(r: &'a Resource, f: &mut F) {
    if r.block == "variable" {
        for (k, v) in r.body.as_map().unwrap_or(&[]) {
            let name = if k.name == "default" {
                r.name.as_str()
            } else {
                k.name.as_str()
            };
            each_text(v, name, f);
        }
    } else if r.kind == "workflow" {
        // A workflow's jobs are resources of their own: scan them once, there.
        for (k, v) in r.body.as_map().unwrap_or(&[]) {
            if k.name != "jobs" {
                each_text(v, &k.name, f);
            }
        }
    } else {
        each_text(&r.body, "", f);
    }
}

/// Computes the `FOR_*` bits of every string of `r` (in [`each_text_of`]
/// order) into `out`, and returns their union.
///
/// An unresolved expression's marker groups are kept with the context's
/// record of the text (shared by every node holding the same text, as
/// module instances do): the context lists them in the same document
/// order, so a cursor finds each one, usually at its first try.
fn compute_masks(r: &Resource, ctx: &Context, out: &mut Vec<u8>) -> u8 {
    /// How far past the cursor a text is looked for (a workflow's jobs,
    /// skipped here, sit in between); past it the memo answers.
    const LOOKAHEAD: usize = 64;
    out.clear();
    let refs = ctx.ref_texts(r);
    let mut cursor = 0;
    Groups::with(|g| {
        let mut union = 0;
        each_text_of(r, &mut |t: Text| {
            let mut shared = None;
            if t.unresolved {
                let window = refs.get(cursor..).unwrap_or(&[]);
                for (j, (text, text_refs)) in window.iter().take(LOOKAHEAD).enumerate() {
                    if text.as_ptr() == t.text.as_ptr() && text.len() == t.text.len() {
                        cursor += j + 1;
                        shared = Some(text_refs);
                        break;
                    }
                }
            }
            let m = match shared {
                Some(text_refs) => {
                    let m = text_refs.markers(|| g.of(t.text));
                    unresolved_mask(m, t.text.len() >= 20)
                }
                None => g.mask(&t),
            };
            union |= m;
            out.push(m);
        });
        union
    })
}

/// The bits of every string of `r` when any of them concerns `check`,
/// `None` when none does. The bits are computed once per resource — by
/// whichever secret check runs on it first — and kept in the context for
/// the others.
fn masks_for(r: &Resource, ctx: &Context, check: u8) -> Option<Vec<u8>> {
    let at = ctx.index_of(r);
    if at.is_some() {
        if let Ok(cache) = ctx.secret_masks.try_borrow() {
            if cache.at == at {
                return (cache.union & check != 0).then(|| cache.masks.clone());
            }
        }
        if let Ok(mut cache) = ctx.secret_masks.try_borrow_mut() {
            let union = compute_masks(r, ctx, &mut cache.masks);
            cache.at = at;
            cache.union = union;
            return (union & check != 0).then(|| cache.masks.clone());
        }
    }
    let mut masks = Vec::new();
    let union = compute_masks(r, ctx, &mut masks);
    (union & check != 0).then_some(masks)
}

/// The line of `needle` at byte `offset` of a value, when the file's text
/// inside the value's span really contains it; `None` when the value was
/// not written here (resolved from elsewhere) or the text is unavailable.
fn located(ctx: &Context, r: &Resource, span: Span, needle: &str) -> Option<Span> {
    let text = ctx.text(&r.file)?;
    let src = text.get(span.start..span.end.min(text.len()))?;
    let at = src.find(needle)?;
    let before = &src[..at];
    let newlines = before.bytes().filter(|b| *b == b'\n').count() as u32;
    let col = match before.rfind('\n') {
        Some(i) => before[i + 1..].chars().count() as u32 + 1,
        None => span.col + before.chars().count() as u32,
    };
    Some(Span {
        start: span.start + at,
        end: span.start + at + needle.len(),
        line: span.line + newlines,
        col,
        end_line: span.line + newlines,
        end_col: col + needle.chars().count() as u32,
    })
}

/// Collects hits, one per line and rule, for the matches `find` returns in
/// each string (`(matched text, what it is)`).
fn scan(
    r: &Resource,
    ctx: &Context,
    check: u8,
    include_unresolved: bool,
    find: impl Fn(&Text) -> Vec<(String, String)>,
) -> Vec<Hit> {
    let mut hits: Vec<Hit> = Vec::new();
    let Some(masks) = masks_for(r, ctx, check) else {
        return hits;
    };
    let mut masks = masks.into_iter();
    each_text_of(r, &mut |t: Text| {
        let mask = masks.next().unwrap_or(u8::MAX);
        if mask & check == 0 || (t.unresolved && !include_unresolved) {
            return;
        }
        for (needle, what) in find(&t) {
            let Some(span) = located(ctx, r, t.node.span, &needle) else {
                continue;
            };
            if hits.iter().any(|h| h.span.line == span.line) {
                continue;
            }
            let key = if t.name.is_empty() { "value" } else { t.name };
            hits.push(Hit {
                span,
                message: format!("{what} is hard-coded in {}", describe(r, &t)),
                key: format!("{key}#{}", hits.len()),
            });
        }
    });
    hits
}

fn describe(r: &Resource, t: &Text) -> String {
    if t.name.is_empty() {
        r.address.clone()
    } else {
        format!("{} ({})", r.address, t.name)
    }
}

/// Case-insensitive substring test without allocating (`needle` lower-case ASCII).
fn contains_ci(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    n.is_empty()
        || h.windows(n.len())
            .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b))
}

/// Cheap pre-test: does the text mention any credential word at all?
/// Short names are compared in place; long texts are lower-cased once so
/// each word is a fast substring search.
fn mentions_secret_word(s: &str) -> bool {
    if s.len() <= 64 {
        return SECRET_WORDS.iter().any(|w| contains_ci(s, w)) || contains_ci(s, "pwd");
    }
    let lower = s.to_ascii_lowercase();
    SECRET_WORDS.iter().any(|w| lower.contains(w)) || lower.contains("pwd")
}

/// True when the text may hold an AWS access key id (one of the prefixes).
fn may_hold_access_key(s: &str) -> bool {
    s.match_indices('A').any(|(i, _)| {
        s.get(i..i + 4).is_some_and(|p| {
            matches!(
                p,
                "AKIA"
                    | "ASIA"
                    | "ABIA"
                    | "ACCA"
                    | "AGPA"
                    | "AIDA"
                    | "AROA"
                    | "ANPA"
                    | "ANVA"
                    | "AIPA"
            )
        })
    })
}

// ---------------------------------------------------------------------------
// Token scanning helpers
// ---------------------------------------------------------------------------

/// Maximal runs of characters satisfying `word`, with their byte offsets.
fn tokens(s: &str, word: impl Fn(char) -> bool) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (word(c), start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                out.push(&s[st..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push(&s[st..]);
    }
    out
}

fn alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// Shannon entropy in bits per character.
pub fn entropy(s: &str) -> f64 {
    let mut counts: Vec<(char, usize)> = Vec::new();
    let mut n = 0usize;
    for c in s.chars() {
        n += 1;
        match counts.iter_mut().find(|(k, _)| *k == c) {
            Some((_, v)) => *v += 1,
            None => counts.push((c, 1)),
        }
    }
    if n == 0 {
        return 0.0;
    }
    counts
        .iter()
        .map(|(_, v)| {
            let p = *v as f64 / n as f64;
            -p * p.log2()
        })
        .sum()
}

// ---------------------------------------------------------------------------
// AWS keys
// ---------------------------------------------------------------------------

/// The prefixes of AWS access key ids.
const AWS_KEY_PREFIXES: [&str; 10] = [
    "AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA",
];

/// An AWS access key id: a known prefix and 16 more upper-case letters or digits.
pub fn is_aws_access_key_id(tok: &str) -> bool {
    tok.len() == 20
        && AWS_KEY_PREFIXES.iter().any(|p| tok.starts_with(p))
        && tok
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// A 40-character AWS secret access key shape.
fn is_aws_secret_shape(tok: &str) -> bool {
    tok.len() == 40
        && tok
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+')
        && tok.bytes().any(|b| b.is_ascii_lowercase())
        && tok
            .bytes()
            .any(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// Names under which an AWS secret access key is written.
fn aws_secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("secret_access_key")
        || n.contains("secretaccesskey")
        || n == "secret_key"
        || n == "aws_secret_key"
        || (n.contains("aws") && n.contains("secret"))
}

/// `(name, value)` assignments written inside a string, one per line:
/// `export AWS_SECRET_ACCESS_KEY=…`, `password: …`, `--token=…`.
fn inline_assignments(s: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    for line in s.lines() {
        let mut rest = line;
        while let Some(eq) = rest.find(['=', ':']) {
            let before = &rest[..eq];
            let name = before
                .trim_end()
                .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
                .next()
                .unwrap_or("")
                .trim_start_matches('-');
            let after = rest[eq + 1..].trim_start();
            let value = match after.chars().next() {
                Some(q @ ('"' | '\'')) => after[1..].split(q).next().unwrap_or(""),
                _ => after
                    .split(|c: char| c.is_whitespace() || c == ';' || c == ',')
                    .next()
                    .unwrap_or(""),
            };
            if !name.is_empty() && !value.is_empty() {
                out.push((name, value));
            }
            rest = &rest[eq + 1..];
        }
    }
    out
}

fn aws_keys(r: &Resource, ctx: &Context) -> Vec<Hit> {
    scan(r, ctx, FOR_AWS, true, |t| {
        let mut found = Vec::new();
        if t.text.len() < 20 {
            return found;
        }
        if may_hold_access_key(t.text) {
            for tok in tokens(t.text, alnum) {
                if is_aws_access_key_id(tok) {
                    found.push((tok.to_string(), "an AWS access key id".to_string()));
                }
            }
        }
        let mentions_secret = ["secret", "SECRET", "Secret"]
            .iter()
            .any(|w| t.text.contains(w) || t.name.contains(w));
        if !t.unresolved && mentions_secret {
            let secret_tok = |c: char| c.is_ascii_alphanumeric() || c == '/' || c == '+';
            if aws_secret_name(t.name) {
                for tok in tokens(t.text, secret_tok) {
                    if is_aws_secret_shape(tok) {
                        found.push((tok.to_string(), "an AWS secret access key".to_string()));
                    }
                }
            }
            for (name, value) in inline_assignments(t.text) {
                if aws_secret_name(name) && is_aws_secret_shape(value) {
                    found.push((value.to_string(), "an AWS secret access key".to_string()));
                }
            }
        }
        found
    })
}

// ---------------------------------------------------------------------------
// Private keys
// ---------------------------------------------------------------------------

fn private_keys(r: &Resource, ctx: &Context) -> Vec<Hit> {
    scan(r, ctx, FOR_KEY, true, |t| {
        let mut found = Vec::new();
        if !t.text.contains("-----BEGIN ") {
            return found;
        }
        let mut rest = t.text;
        while let Some(i) = rest.find("-----BEGIN ") {
            let after = &rest[i + "-----BEGIN ".len()..];
            let Some(end) = after.find("-----") else {
                break;
            };
            let label = &after[..end];
            // An encrypted key is still a key, but it is the unencrypted
            // ones that hand over an identity as is.
            if label.ends_with("PRIVATE KEY") || label == "PGP PRIVATE KEY BLOCK" {
                // Only a block with key material on the lines after the
                // header, not a lone placeholder header.
                let body = &after[end + 5..];
                let material = body
                    .lines()
                    .skip(1)
                    .map(str::trim)
                    .find(|l| !l.is_empty())
                    .is_some_and(|l| l.len() >= 16 || l.contains(':'));
                if material {
                    found.push((
                        format!("-----BEGIN {label}-----"),
                        format!("a private key ({label})"),
                    ));
                }
            }
            rest = &after[end..];
        }
        found
    })
}

// ---------------------------------------------------------------------------
// Well-known token formats
// ---------------------------------------------------------------------------

/// The kind of a well-known token, if `tok` is one.
fn token_kind(tok: &str) -> Option<&'static str> {
    let rest_len = |p: &str| tok.len() - p.len();
    let body_ok = |p: &str, min: usize| {
        rest_len(p) >= min
            && tok[p.len()..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    for (prefix, min, what) in [
        ("ghp_", 36, "a GitHub personal access token"),
        ("gho_", 36, "a GitHub OAuth token"),
        ("ghu_", 36, "a GitHub user-to-server token"),
        ("ghs_", 36, "a GitHub server-to-server token"),
        ("ghr_", 36, "a GitHub refresh token"),
        (
            "github_pat_",
            60,
            "a GitHub fine-grained personal access token",
        ),
        ("glpat-", 20, "a GitLab personal access token"),
        ("xoxb-", 20, "a Slack bot token"),
        ("xoxp-", 20, "a Slack user token"),
        ("xoxa-", 20, "a Slack app token"),
        ("xoxs-", 20, "a Slack session token"),
        ("sk_live_", 24, "a Stripe live secret key"),
        ("rk_live_", 24, "a Stripe live restricted key"),
        ("npm_", 36, "an npm access token"),
        ("AIza", 35, "a Google API key"),
        ("SG.", 60, "a SendGrid API key"),
    ] {
        if tok.starts_with(prefix) && body_ok(prefix, min) {
            return Some(what);
        }
    }
    None
}

/// A JSON Web Token: three base64url parts, the first decoding to a JSON
/// header (`eyJ` is `{"` in base64).
fn is_jwt(tok: &str) -> bool {
    let parts: Vec<&str> = tok.split('.').collect();
    parts.len() == 3
        && parts[0].starts_with("eyJ")
        && parts[1].starts_with("eyJ")
        && parts[0].len() >= 10
        && parts[1].len() >= 10
        && parts[2].len() >= 16
        && parts.iter().all(|p| {
            p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
}

/// Substrings every token format handled here contains.
const TOKEN_MARKERS: &[&str] = &[
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "xox",
    "_live_",
    "npm_",
    "AIza",
    "SG.",
    "eyJ",
    "AccountKey=",
];

fn known_tokens(r: &Resource, ctx: &Context) -> Vec<Hit> {
    scan(r, ctx, FOR_TOKEN, true, |t| {
        let mut found = Vec::new();
        if t.text.len() < 20 || !TOKEN_MARKERS.iter().any(|m| t.text.contains(m)) {
            return found;
        }
        let tok_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.';
        for tok in tokens(t.text, tok_char) {
            if is_jwt(tok) {
                found.push((tok.to_string(), "a JSON Web Token".to_string()));
                continue;
            }
            // Token formats do not contain dots except SendGrid's.
            for piece in tok.split('.') {
                let piece_start = if tok.starts_with("SG.") { tok } else { piece };
                if let Some(what) = token_kind(piece_start) {
                    found.push((piece_start.to_string(), what.to_string()));
                    break;
                }
            }
        }
        // Azure storage connection strings carry the account key.
        if let Some(i) = t.text.find("AccountKey=") {
            let key: String = t.text[i + "AccountKey=".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
                .collect();
            if key.len() >= 40 {
                found.push((key, "an Azure storage account key".to_string()));
            }
        }
        found
    })
}

// ---------------------------------------------------------------------------
// Credentials in URLs
// ---------------------------------------------------------------------------

fn url_credentials(r: &Resource, ctx: &Context) -> Vec<Hit> {
    // Unresolved expressions too: a literal URL inside `jsonencode(…)` is
    // still written in the file.
    scan(r, ctx, FOR_URL, true, |t| {
        let mut found = Vec::new();
        if !t.text.contains("://") || !t.text.contains('@') {
            return found;
        }
        let mut rest = t.text;
        while let Some(i) = rest.find("://") {
            let after = &rest[i + 3..];
            let authority: &str = after
                .split(|c: char| c == '/' || c == '?' || c.is_whitespace() || c == '"' || c == '\'')
                .next()
                .unwrap_or("");
            if let Some((userinfo, _host)) = authority.rsplit_once('@') {
                if let Some((user, pass)) = userinfo.split_once(':') {
                    let placeholder = pass.is_empty()
                        || pass.starts_with('$')
                        || pass.starts_with('<')
                        || pass.starts_with('{')
                        || pass.chars().all(|c| c == '*' || c == 'x' || c == 'X');
                    if !user.is_empty() && !placeholder {
                        found.push((format!("{userinfo}@"), "a password in a URL".to_string()));
                    }
                }
            }
            rest = after;
        }
        found
    })
}

// ---------------------------------------------------------------------------
// Password-like attributes
// ---------------------------------------------------------------------------

/// Name parts that say the value is a credential.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "private_key",
    "privatekey",
    "access_key",
    "accesskey",
    "auth_key",
    "credential",
    "client_secret",
];

/// Name parts that say the value is about a credential, not the credential
/// (matched against whole parts of the name: `secret_name`, `tokenTtl`).
const NOT_SECRET_PARTS: &[&str] = &[
    "name",
    "id",
    "ids",
    "arn",
    "file",
    "path",
    "url",
    "uri",
    "endpoint",
    "length",
    "ttl",
    "version",
    "ref",
    "type",
    "policy",
    "rotation",
    "rotate",
    "schedule",
    "expression",
    "enabled",
    "enable",
    "required",
    "min",
    "max",
    "expiry",
    "expiration",
    "expires",
    "duration",
    "count",
    "kms",
    "mount",
    "template",
    "format",
    "hint",
    "prompt",
    "reset",
    "manage",
    "description",
    "label",
    "selector",
    "annotation",
    "provider",
    "source",
    "location",
    "store",
    "vault",
    "algorithm",
    "regex",
    "pattern",
    "complexity",
    "encrypted",
    "existing",
    "header",
    "parameter",
    "field",
    "var",
    "variable",
    "audience",
    "issuer",
    "lifetime",
    "timeout",
    "wo_version",
    "key_id",
    "namespace",
    "generate",
    "generated",
    "special",
    "upper",
    "lower",
    "numeric",
    "auth_type",
];

/// The parts of a name: split on `_`, `-`, `.`, `/` and camelCase humps,
/// lower-cased.
fn name_parts(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                parts.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            parts.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    parts
}

/// True when `name` marks a credential.
pub fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let parts = name_parts(name);
    let joined = parts.join("_");
    let credential = SECRET_WORDS.iter().any(|w| n.contains(w) || joined.contains(w))
        // `pwd` only as a whole name part (`db_pwd`), never inside words.
        || parts.iter().any(|p| p == "pwd");
    let about = parts.iter().any(|p| NOT_SECRET_PARTS.contains(&p.as_str()))
        || NOT_SECRET_PARTS
            .iter()
            .filter(|w| w.contains('_'))
            .any(|w| joined.contains(w));
    credential && !about
}

/// True when a value is a literal that could be a real credential (not a
/// reference, placeholder, template, number, boolean or path).
fn literal_secret(value: &str) -> bool {
    let v = value.trim();
    if v.len() < 6 || v.len() > 500 {
        return false;
    }
    let looks_like_reference = v.contains("${")
        || v.contains("{{")
        || v.contains("$(")
        || v.starts_with('$')
        || v.starts_with('<')
        || v.starts_with('/')
        || v.starts_with("./")
        || v.starts_with("arn:")
        || v.starts_with("projects/")
        || v.starts_with("http://")
        || v.starts_with("https://")
        || v.starts_with("vault:")
        || v.starts_with("ssm:")
        || v.contains(' ');
    if looks_like_reference || v.parse::<f64>().is_ok() {
        return false;
    }
    if matches!(
        v.to_ascii_lowercase().as_str(),
        "true" | "false" | "null" | "none"
    ) {
        return false;
    }
    entropy(v) >= 3.0
}

/// True when a secret-like key holding `value` most likely names another
/// object (`existingSecret: db-credentials`): a Kubernetes object name.
fn names_an_object(name: &str, value: &str) -> bool {
    (name.ends_with("secret") || name.ends_with("secrets") || name.ends_with("token"))
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && value.contains('-')
}

fn password_attributes(r: &Resource, ctx: &Context) -> Vec<Hit> {
    // Kubernetes Secret payloads are AG-SECRET-K8S-001's.
    if r.kind == "Secret" {
        return Vec::new();
    }
    scan(r, ctx, FOR_GEN, false, |t| {
        let mut found = Vec::new();
        let mut consider = |name: &str, value: &str| {
            let n = name.to_ascii_lowercase();
            let v = value.trim().trim_matches(['"', '\'']);
            if secret_name(&n)
                && literal_secret(v)
                && !names_an_object(&n, v)
                // AWS keys are AG-SECRET-AWS-001's.
                && !(aws_secret_name(&n) && is_aws_secret_shape(v))
                && !is_aws_access_key_id(v)
            {
                found.push((v.to_string(), format!("a credential ({name})")));
            }
        };
        let multi = t.text.contains('\n') || t.text.contains('=');
        // Most strings mention no credential word at all: skip them cheaply.
        if !(mentions_secret_word(t.name) || (multi && mentions_secret_word(t.text))) {
            return found;
        }
        if !t.text.contains('\n') {
            // The whole value under its name (base64 values may end in `=`).
            consider(t.name, t.text);
            if t.text.contains('=') && !t.text.contains(' ') {
                // `NAME=value` words (Dockerfile ENV/ARG, command arguments).
                if let Some((n, v)) = t.text.split_once('=') {
                    consider(n.trim_start_matches('-'), v);
                }
            }
        } else {
            for (n, v) in inline_assignments(t.text) {
                consider(n, v);
            }
        }
        found
    })
}

// ---------------------------------------------------------------------------
// Kubernetes Secrets
// ---------------------------------------------------------------------------

fn kubernetes_secret_data(r: &Resource, ctx: &Context) -> Vec<Hit> {
    if r.kind != "Secret" {
        return Vec::new();
    }
    let mut hits = Vec::new();
    for section in ["data", "stringData"] {
        let Some(entries) = r.body.get(section).and_then(Node::as_map) else {
            continue;
        };
        for (k, v) in entries {
            let Some(value) = v.as_str() else { continue };
            let lower = k.name.to_ascii_lowercase();
            // Certificates and CA bundles are public material.
            let public = lower.ends_with(".crt")
                || lower.ends_with(".pub")
                || lower.contains("ca-bundle")
                || lower == "ca.pem";
            if public || value.trim().is_empty() || value.contains("{{") || value.contains("${") {
                continue;
            }
            let span = located(ctx, r, v.span, value.trim()).unwrap_or(k.span);
            hits.push(Hit {
                span,
                message: format!(
                    "{} carries the value of '{}' in the manifest; anyone with read access to the repository has it",
                    r.address, k.name
                ),
                key: format!("{section}.{}", k.name),
            });
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_masks_admit_every_check_that_could_match() {
        let node = Node::new(Value::Null, Span::default());
        let mask = |text: &str, name: &str| {
            mask_of(&Text {
                node: &node,
                text,
                name,
                unresolved: false,
            })
        };
        assert_ne!(mask("AKIAIOSFODNN7EXAMPLE", "") & FOR_AWS, 0);
        assert_ne!(
            mask(
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "AWS_SECRET_ACCESS_KEY"
            ) & FOR_AWS,
            0
        );
        assert_ne!(
            mask("-----BEGIN RSA PRIVATE KEY-----\nMIIE", "") & FOR_KEY,
            0
        );
        assert_ne!(
            mask("token: ghp_0123456789abcdefghijklmnopqrstuvwxyz", "") & FOR_TOKEN,
            0
        );
        assert_ne!(mask("postgres://app:hunter2@db/app", "") & FOR_URL, 0);
        assert_ne!(mask("S3cr3tV4lue", "DB_PassWord") & FOR_GEN, 0);
        assert_ne!(mask("x", "db_PWD") & FOR_GEN, 0);
        // Most strings concern no check, so the checks skip them unread.
        assert_eq!(mask("t3.micro", "instance_type"), 0);
        assert_eq!(mask("us-east-1", "region"), 0);
        // Unresolved expressions: what the checks that read them can find.
        let unresolved = |text: &str, name: &str| {
            mask_of(&Text {
                node: &node,
                text,
                name,
                unresolved: true,
            })
        };
        assert_eq!(
            unresolved("join(\"\", [\"AKIAIOSFODNN7EXAMPLE\"])", "x"),
            FOR_AWS
        );
        assert_eq!(unresolved("var.db_password_secret_value", "password"), 0);
        assert_eq!(
            unresolved("format(\"https://%s@host\", var.x)", "") & FOR_URL,
            FOR_URL
        );
    }

    /// The password check never reads unresolved expressions, and the AWS
    /// check reads them only for access key ids: a secret-looking name or
    /// word in one finds nothing, as the narrower mask says.
    #[test]
    fn unresolved_expressions_concern_only_the_checks_that_read_them() {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        let text = format!("aws_secret_access_key = {secret}\n");
        let start = text.find(secret).unwrap_or(0);
        let span = Span {
            start,
            end: start + secret.len(),
            line: 1,
            col: start as u32 + 1,
            end_line: 1,
            end_col: (start + secret.len()) as u32 + 1,
        };
        let hits = |value: Value, check: CheckFn| {
            let body = Node::new(
                Value::Map(vec![(
                    archgate_core::Key {
                        name: "aws_secret_access_key".into(),
                        span,
                    },
                    Node::new(value, span),
                )]),
                span,
            );
            let unit = archgate_iac::ParsedUnit {
                files: vec![archgate_iac::SourceFile {
                    path: "main.tf".into(),
                    text: text.as_str().into(),
                }],
                resources: vec![Resource {
                    source: archgate_iac::SourceKind::Terraform,
                    block: "resource".into(),
                    kind: "null_resource".into(),
                    name: "x".into(),
                    address: "null_resource.x".into(),
                    file: "main.tf".into(),
                    span,
                    body,
                    module: None,
                    multiple: false,
                    labels: Vec::new(),
                }],
                ..Default::default()
            };
            let ctx = Context::new(&unit);
            unit.resources.iter().flat_map(|r| check(r, &ctx)).count()
        };
        // Written as a literal, both checks report it…
        assert_eq!(hits(Value::Str(secret.into()), aws_keys), 1);
        assert_eq!(hits(Value::Str(secret.into()), password_attributes), 0);
        // …as an unresolved expression's text, neither reads it.
        assert_eq!(hits(Value::Unknown(secret.into()), aws_keys), 0);
        assert_eq!(hits(Value::Unknown(secret.into()), password_attributes), 0);
    }

    #[test]
    fn every_credential_word_holds_a_letter_names_are_screened_for() {
        for w in SECRET_WORDS.iter().chain(&["pwd", "secret"]) {
            assert!(
                w.bytes().any(may_start_credential_word),
                "{w} would be screened out of names"
            );
        }
        let node = Node::new(Value::Null, Span::default());
        let mask = |name: &str| {
            mask_of(&Text {
                node: &node,
                text: "S3cr3tV4lue-long-enough-20",
                name,
                unresolved: false,
            })
        };
        assert_eq!(mask("DB_PASSWORD") & FOR_GEN, FOR_GEN);
        assert_eq!(mask("AWS_SECRET") & FOR_AWS, FOR_AWS);
        assert_eq!(mask("tags"), 0);
    }

    /// The engine skips a check whose bit no string of the resource
    /// carries: each check's bit must be the one its own scan asks for.
    /// Every check with a bit finds its sample, and the sample's strings
    /// carry that bit.
    #[test]
    fn scan_bits_are_the_bits_each_check_scans_for() {
        let samples = [
            ("AG-SECRET-AWS-001", "run.sh", "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"),
            ("AG-SECRET-KEY-001", "id_rsa", "|\n    -----BEGIN RSA PRIVATE KEY-----\n    MIIEowIBAAKCAQEAx4dZ0123456789abcdef\n    -----END RSA PRIVATE KEY-----"),
            ("AG-SECRET-TOKEN-001", "note", "use ghp_0123456789abcdefghijABCDEFGHIJ012345 here"),
            ("AG-SECRET-URL-001", "dsn", "postgres://app:hunter2@db.internal/app"),
            ("AG-SECRET-GEN-001", "db_password", "Xk9mQ2vLp7"),
        ];
        let with_bits = CHECKS
            .iter()
            .filter(|(id, _)| scan_bit(id).is_some())
            .count();
        assert_eq!(with_bits, samples.len());
        assert_eq!(scan_bit("AG-SECRET-K8S-001"), None);
        for (id, key, value) in samples {
            let Some(bit) = scan_bit(id) else {
                panic!("{id} has no bit");
            };
            let Some((_, check)) = CHECKS.iter().find(|(i, _)| *i == id) else {
                panic!("{id} is not a check");
            };
            let text = format!("kind: ConfigMap\nmetadata: {{name: c}}\ndata:\n  {key}: {value}\n");
            assert_eq!(lines(*check, &text).len(), 1, "{id} finds its sample");
            let doc = archgate_core::yaml::parse_documents(&text)
                .unwrap_or_default()
                .remove(0);
            let resource = Resource {
                source: archgate_iac::SourceKind::Kubernetes,
                block: "resource".into(),
                kind: "ConfigMap".into(),
                name: "c".into(),
                address: "c".into(),
                file: "m.yaml".into(),
                span: doc.span,
                body: doc,
                module: None,
                multiple: false,
                labels: Vec::new(),
            };
            let mut masks = Vec::new();
            let unit = archgate_iac::ParsedUnit::default();
            let union = compute_masks(&resource, &Context::new(&unit), &mut masks);
            assert_ne!(union & bit, 0, "{id}'s sample carries its bit");
        }
    }

    #[test]
    fn aws_key_shapes() {
        assert!(is_aws_access_key_id("AKIAIOSFODNN7EXAMPLE"));
        assert!(!is_aws_access_key_id("AKIAIOSFODNN7EXAMPL"));
        assert!(is_aws_secret_shape(
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        ));
    }

    #[test]
    fn names_that_mark_credentials() {
        assert!(secret_name("administrator_login_password"));
        assert!(secret_name("DB_PASSWORD"));
        assert!(secret_name("db_pwd"));
        assert!(!secret_name("password_length"));
        assert!(!secret_name(
            "master_user_password_rotation_schedule_expression"
        ));
        assert!(!secret_name("secret_name"));
        assert!(!secret_name("kms_key_id"));
        assert!(!secret_name("secretKeyRef"));
        assert!(secret_name("clientSecret"));
        assert!(!secret_name("tokenTTL"));
    }

    #[test]
    fn literals_need_entropy_and_no_reference_syntax() {
        assert!(literal_secret("SuperSecretPassw0rd"));
        assert!(literal_secret("Aa12345678"));
        assert!(!literal_secret("changeme"));
        assert!(!literal_secret("${var.password}"));
        assert!(!literal_secret("/run/secrets/db"));
        assert!(!literal_secret("12345678"));
    }

    #[test]
    fn inline_assignments_in_scripts() {
        let a = inline_assignments("export AWS_SECRET_ACCESS_KEY=abc\n--password='x y' user: bob");
        assert_eq!(
            a,
            vec![
                ("AWS_SECRET_ACCESS_KEY", "abc"),
                ("password", "x y"),
                ("user", "bob")
            ]
        );
    }

    #[test]
    fn token_formats() {
        assert_eq!(
            token_kind("ghp_0123456789abcdefghijABCDEFGHIJ012345"),
            Some("a GitHub personal access token")
        );
        assert!(is_jwt("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"));
        assert!(!is_jwt("a.b.c"));
    }

    /// Runs `check` on the Kubernetes documents of `text`, with the file
    /// text available to the context as the engine provides it.
    fn lines(check: CheckFn, text: &str) -> Vec<u32> {
        let resources = archgate_core::yaml::parse_documents(text)
            .unwrap_or_default()
            .into_iter()
            .map(|body| Resource {
                source: archgate_iac::SourceKind::Kubernetes,
                block: "resource".into(),
                kind: body.get("kind").and_then(Node::as_str).unwrap_or("").into(),
                name: "x".into(),
                address: "x".into(),
                file: "m.yaml".into(),
                span: body.span,
                body,
                module: None,
                multiple: false,
                labels: Vec::new(),
            })
            .collect();
        let unit = archgate_iac::ParsedUnit {
            files: vec![archgate_iac::SourceFile {
                path: "m.yaml".into(),
                text: text.into(),
            }],
            resources,
            ..Default::default()
        };
        let ctx = Context::new(&unit);
        unit.resources
            .iter()
            .flat_map(|r| check(r, &ctx))
            .map(|h| h.span.line)
            .collect()
    }

    #[test]
    fn reports_the_line_inside_a_multi_line_value() {
        let text = "kind: ConfigMap
metadata: {name: c}
data:
  run.sh: |
    #!/bin/sh
    export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
";
        assert_eq!(lines(aws_keys, text), vec![6]);
    }

    #[test]
    fn workflow_strings_are_scanned_once_in_their_job() {
        let text = "on: push
jobs:
  a:
    runs-on: x
    env:
      GH_TOKEN: ghp_0123456789abcdefghijABCDEFGHIJ012345
";
        let doc = archgate_core::yaml::parse_documents(text)
            .unwrap_or_default()
            .remove(0);
        let job = doc.path("jobs.a").cloned().unwrap_or_else(|| doc.clone());
        let make = |kind: &str, body: Node| Resource {
            source: archgate_iac::SourceKind::GithubActions,
            block: "resource".into(),
            kind: kind.into(),
            name: kind.into(),
            address: kind.into(),
            file: "w.yml".into(),
            span: body.span,
            body,
            module: None,
            multiple: false,
            labels: Vec::new(),
        };
        let unit = archgate_iac::ParsedUnit {
            files: vec![archgate_iac::SourceFile {
                path: "w.yml".into(),
                text: text.into(),
            }],
            resources: vec![make("workflow", doc.clone()), make("job", job)],
            ..Default::default()
        };
        let ctx = Context::new(&unit);
        let lines: Vec<u32> = unit
            .resources
            .iter()
            .flat_map(|r| known_tokens(r, &ctx))
            .map(|h| h.span.line)
            .collect();
        assert_eq!(lines, vec![6]);
    }

    #[test]
    fn base64_values_keep_their_padding() {
        let text = "kind: ConfigMap
metadata: {name: c}
data:
  api_token: c2VjcmV0LXRva2VuLXZhbHVlPT0=
";
        assert_eq!(lines(password_attributes, text), vec![4]);
    }

    #[test]
    fn env_pairs_are_named_by_their_sibling() {
        let text = "kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      env:
        - name: DB_PASSWORD
          value: Xk9mQ2vLp7
        - name: DB_HOST
          value: db.internal.example
";
        assert_eq!(lines(password_attributes, text), vec![8]);
    }

    #[test]
    fn secret_payloads_skip_certificates() {
        let text = "kind: Secret
metadata: {name: s}
data:
  tls.crt: QUJD
  tls.key: S0VZS0VZS0VZ
";
        assert_eq!(lines(kubernetes_secret_data, text), vec![5]);
    }

    #[test]
    fn entropy_of_strings() {
        assert!(entropy("aaaa") < 0.01);
        assert!((entropy("ab") - 1.0).abs() < 1e-9);
    }
}
