//! The extent of a YAML or JSON value as a reviewer sees it: from its first
//! character to its last written character.
//!
//! A YAML parser ends a block mapping where the *next* token starts (often
//! the next resource, after blank lines and comments); findings and
//! Checkov-compatible line ranges want the last line that belongs to the
//! value instead. Internal helper of the Kubernetes and CloudFormation readers.

use archgate_core::{LineIndex, Node, Span, Value};

/// Byte offset just after the last character written for `node`.
pub(crate) fn content_end(node: &Node, text: &str) -> usize {
    let flow = text
        .get(node.span.start..)
        .is_some_and(|t| t.starts_with('{') || t.starts_with('['));
    let end = match &node.value {
        // Block collections: the end is the end of their last child. Flow
        // collections (`{…}`, `[…]`, JSON) end at their closing bracket.
        Value::Map(entries) if !flow => match entries.last() {
            Some((k, v)) => k.span.end.max(value_end(v, text)),
            None => node.span.end,
        },
        Value::Seq(items) if !flow => match items.last() {
            Some(v) => value_end(v, text).max(v.span.start),
            None => node.span.end,
        },
        Value::Tagged(_, inner) => content_end(inner, text).max(node.span.start),
        _ => node.span.end,
    };
    trim_back(text, node.span.start, end)
}

/// Like [`content_end`], but an empty (null) value ends where it starts, so
/// `key:` with nothing after it does not stretch to the next token.
fn value_end(node: &Node, text: &str) -> usize {
    if node.is_null() && node.span.start == node.span.end {
        return node.span.start;
    }
    content_end(node, text)
}

fn trim_back(text: &str, start: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    let mut e = end.min(bytes.len());
    while e > start && bytes[e - 1].is_ascii_whitespace() {
        e -= 1;
    }
    e
}

/// The span from `start` (a byte offset) to the end of what `node` contains.
pub(crate) fn span_through(index: &LineIndex, text: &str, start: usize, node: &Node) -> Span {
    let end = content_end(node, text).max(start);
    index.span(text, start, end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use archgate_core::yaml::parse_documents;

    #[test]
    fn block_mapping_ends_at_last_value_not_next_key() {
        let t = "Resources:\n  A:\n    Type: X\n    Properties:\n      P: 1\n\n  # next\n  B:\n    Type: Y\n";
        let doc = &parse_documents(t).unwrap()[0];
        let res = doc.get("Resources").unwrap();
        let (k, v) = res.entry("A").unwrap();
        let idx = LineIndex::new(t);
        let s = span_through(&idx, t, k.span.start, v);
        assert_eq!((s.line, s.end_line), (2, 5));
        assert_eq!(
            &t[s.start..s.end],
            "A:\n    Type: X\n    Properties:\n      P: 1"
        );
    }

    #[test]
    fn null_and_block_scalar_values() {
        let t = "a:\n  b:\n  c: |\n    text\n    more\n\nd: 1\n";
        let doc = &parse_documents(t).unwrap()[0];
        let (k, v) = doc.entry("a").unwrap();
        let s = span_through(&LineIndex::new(t), t, k.span.start, v);
        assert_eq!(s.end_line, 5);
        let t2 = "a:\n  b:\n\nd: 1\n";
        let doc = &parse_documents(t2).unwrap()[0];
        let (k, v) = doc.entry("a").unwrap();
        let s = span_through(&LineIndex::new(t2), t2, k.span.start, v);
        assert_eq!(s.end_line, 2);
    }
}
