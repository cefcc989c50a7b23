//! Graphviz DOT, with trust boundaries and systems as nested clusters.

use super::{Graph, Line, Shape, Tone};
use std::collections::HashMap;
use std::fmt::Write;

/// A DOT double-quoted string body.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn colour(t: Tone) -> &'static str {
    match t {
        Tone::Normal => "#333333",
        Tone::Focus => "#1f4e9c",
        Tone::Muted => "#999999",
        Tone::Warning => "#d98c00",
        Tone::Danger => "#c0392b",
    }
}

fn shape_attrs(s: Shape) -> &'static str {
    match s {
        Shape::Person => "shape=box, style=\"rounded,filled\", fillcolor=\"#dde8f7\"",
        Shape::Box => "shape=box, style=filled, fillcolor=\"#ffffff\"",
        Shape::Rounded => "shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\"",
        Shape::Ellipse => "shape=ellipse, style=filled, fillcolor=\"#ffffff\"",
        Shape::Cylinder => "shape=cylinder, style=filled, fillcolor=\"#ffffff\"",
        Shape::Octagon => "shape=octagon, style=filled, fillcolor=\"#ffffff\"",
    }
}

pub(super) fn render(g: &Graph) -> String {
    let mut s = String::from("digraph archgate {\n");
    let _ = writeln!(
        s,
        "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, labelloc=t, label={}];",
        quote(&g.title)
    );
    s.push_str("  node [fontname=\"Helvetica\", fontsize=10];\n");
    s.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    let children = g.cluster_children();
    let mut nodes_in: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
    for (i, n) in g.nodes.iter().enumerate() {
        nodes_in.entry(n.cluster).or_default().push(i);
    }
    let mut stack: Vec<(Option<usize>, usize, bool)> = vec![(None, 0, false)];
    while let Some((c, depth, closing)) = stack.pop() {
        let pad = "  ".repeat(depth + 1);
        if closing {
            let _ = writeln!(s, "{}}}", "  ".repeat(depth));
            continue;
        }
        if let Some(ci) = c {
            if let Some(cl) = g.clusters.get(ci) {
                let _ = writeln!(s, "{}subgraph cluster_{} {{", "  ".repeat(depth), cl.id);
                let _ = writeln!(
                    s,
                    "{pad}label={}; style=\"rounded,dashed\"; color=\"#7a7a7a\"; fontcolor=\"#555555\";",
                    quote(&cl.label)
                );
            }
            stack.push((c, depth, true));
        }
        for &ni in nodes_in.get(&c).map_or(&[][..], |v| v.as_slice()) {
            if let Some(n) = g.nodes.get(ni) {
                let label = match &n.detail {
                    Some(d) => format!("{}\n{}", n.label, d),
                    None => n.label.clone(),
                };
                let width = if matches!(n.tone, Tone::Focus | Tone::Danger | Tone::Warning) {
                    ", penwidth=2"
                } else {
                    ""
                };
                let _ = writeln!(
                    s,
                    "{pad}{} [label={}, {}, color=\"{}\"{width}];",
                    n.id,
                    quote(&label),
                    shape_attrs(n.shape),
                    colour(n.tone)
                );
            }
        }
        for &ch in children
            .get(&c)
            .map_or(&[][..], |v| v.as_slice())
            .iter()
            .rev()
        {
            stack.push((Some(ch), depth + 1, false));
        }
    }
    for e in &g.edges {
        let (Some(a), Some(b)) = (g.nodes.get(e.from), g.nodes.get(e.to)) else {
            continue;
        };
        let style = match e.line {
            Line::Solid => "solid",
            Line::Dashed => "dashed",
            Line::Dotted => "dotted",
        };
        let dir = if e.arrow { "" } else { ", dir=none" };
        let _ = writeln!(
            s,
            "  {} -> {} [label={}, style={style}, color=\"{}\", fontcolor=\"{}\"{dir}];",
            a.id,
            b.id,
            quote(&e.label),
            colour(e.tone),
            colour(e.tone)
        );
    }
    s.push_str("}\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(quote("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
    }
}
