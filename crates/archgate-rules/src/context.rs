//! Everything a rule may look at besides its own resource: the whole parsed
//! unit (a file, or a Terraform module with its local modules), indexed
//! once per unit — resources by kind and address, and who references whom —
//! so cross-resource checks cost a hash lookup, never a scan per rule.
//!
//! References are found in linear time: Terraform expressions left
//! unresolved (`Value::Unknown("aws_s3_bucket.b.id")`), `${…}`
//! interpolations left in strings, and CloudFormation `Ref`/`Fn::GetAtt`/
//! `Fn::Sub` (long and short forms).

use archgate_core::{Node, Value};
use archgate_iac::{ParsedUnit, Resource, SourceKind};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// The parsed unit with its indexes.
pub struct Context<'a> {
    pub unit: &'a ParsedUnit,
    by_kind: HashMap<&'a str, Vec<usize>>,
    by_address: HashMap<&'a str, usize>,
    refs_from: Vec<Vec<usize>>,
    refs_to: Vec<Vec<usize>>,
    /// For the resource the secret checks looked at last (by index), which
    /// checks each of its strings may concern, and all of them together:
    /// the engine runs every rule on one resource before the next, so the
    /// marker words are searched once per resource, not once per check, and
    /// a check with nothing to look at returns without walking the body.
    /// (Indices and bits only, so the context stays covariant in `'a`.)
    pub(crate) secret_masks: RefCell<Option<SecretMasks>>,
}

/// The resource's index, the union of its strings' bits, and each string's bits.
pub(crate) type SecretMasks = (usize, u8, Rc<[u8]>);

impl<'a> Context<'a> {
    /// Indexes `unit` (linear in the size of its resources' bodies).
    pub fn new(unit: &'a ParsedUnit) -> Context<'a> {
        let n = unit.resources.len();
        let mut by_kind: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_address: HashMap<&str, usize> = HashMap::new();
        // Terraform data sources have no `data.` in their address; references do.
        let mut data_by_address: HashMap<&str, usize> = HashMap::new();
        // CloudFormation logical ids, per file.
        let mut logical: HashMap<(&str, &str), usize> = HashMap::new();
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
                Value::Str(text) if text.contains("${") => {
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

    /// The text of a file of the unit.
    pub fn text(&self, file: &str) -> Option<&'a str> {
        self.unit.text_of(file)
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

/// The `…` of every `${…}` in a string.
fn interpolations(text: &str) -> impl Iterator<Item = &str> {
    text.split("${")
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(inner, _)| inner))
}

/// Dotted identifier chains in an expression: `aws_s3_bucket.b.id`,
/// `data.aws_iam_policy_document.p.json`.
fn chains(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .map(|s| s.trim_matches('.'))
        .filter(|s| s.contains('.') && s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
}

/// The resource a Terraform reference chain names, looked up within the
/// referencing resource's module.
fn resolve_tf(
    by_address: &HashMap<&str, usize>,
    data_by_address: &HashMap<&str, usize>,
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
