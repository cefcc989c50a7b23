//! Mermaid flowchart syntax (renders in GitHub, GitLab and most wikis).

use super::{Graph, Line, Shape, Tone};
use std::collections::HashMap;
use std::fmt::Write;

/// Text inside a quoted Mermaid label: quotes, angle brackets and `#` as
/// Mermaid entity codes, so no label can end the string or inject markup.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn node_text(label: &str, detail: Option<&str>) -> String {
    match detail {
        Some(d) => format!("{}<br/><small>{}</small>", text(label), text(d)),
        None => text(label),
    }
}

fn shape(s: Shape, t: &str) -> String {
    match s {
        Shape::Person => format!("(\"{t}\")"),
        Shape::Box => format!("[\"{t}\"]"),
        Shape::Rounded => format!("(\"{t}\")"),
        // Mermaid has no ellipse; the stadium is the closest outline.
        Shape::Ellipse => format!("([\"{t}\"])"),
        Shape::Cylinder => format!("[(\"{t}\")]"),
        Shape::Octagon => format!("{{{{\"{t}\"}}}}"),
    }
}

fn tone_class(t: Tone) -> Option<&'static str> {
    match t {
        Tone::Normal => None,
        Tone::Focus => Some("focus"),
        Tone::Muted => Some("muted"),
        Tone::Warning => Some("warning"),
        Tone::Danger => Some("danger"),
    }
}

pub(super) fn render(g: &Graph) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "---\ntitle: \"{}\"\n---", text(&g.title));
    s.push_str("flowchart LR\n");
    let children = g.cluster_children();
    let mut nodes_in: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
    for (i, n) in g.nodes.iter().enumerate() {
        nodes_in.entry(n.cluster).or_default().push(i);
    }
    // Clusters as nested subgraphs, depth-first; an explicit stack keeps
    // deep nesting from recursing.
    let mut stack: Vec<(Option<usize>, usize, bool)> = vec![(None, 0, false)];
    while let Some((c, depth, closing)) = stack.pop() {
        let pad = "  ".repeat(depth + 1);
        if closing {
            let _ = writeln!(s, "{}end", "  ".repeat(depth));
            continue;
        }
        if let Some(ci) = c {
            if let Some(cl) = g.clusters.get(ci) {
                let _ = writeln!(
                    s,
                    "{}subgraph {}[\"{}\"]",
                    "  ".repeat(depth),
                    cl.id,
                    text(&cl.label)
                );
                let _ = writeln!(s, "{pad}direction LR");
            }
            stack.push((c, depth, true));
        }
        for &ni in nodes_in.get(&c).map_or(&[][..], |v| v.as_slice()) {
            if let Some(n) = g.nodes.get(ni) {
                let _ = writeln!(
                    s,
                    "{pad}{}{}",
                    n.id,
                    shape(n.shape, &node_text(&n.label, n.detail.as_deref()))
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
        let arrow = match (e.line, e.arrow) {
            (Line::Solid, true) => "-->",
            (Line::Solid, false) => "---",
            (Line::Dashed | Line::Dotted, true) => "-.->",
            (Line::Dashed | Line::Dotted, false) => "-.-",
        };
        if e.label.is_empty() {
            let _ = writeln!(s, "  {} {arrow} {}", a.id, b.id);
        } else {
            let _ = writeln!(s, "  {} {arrow}|\"{}\"| {}", a.id, text(&e.label), b.id);
        }
    }
    s.push_str("  classDef focus stroke:#1f4e9c,stroke-width:3px;\n");
    s.push_str("  classDef muted fill:#f2f2f2,stroke:#999,color:#666;\n");
    s.push_str("  classDef warning stroke:#d98c00,stroke-width:2px;\n");
    s.push_str("  classDef danger stroke:#c0392b,stroke-width:2px;\n");
    for tone in [Tone::Focus, Tone::Muted, Tone::Warning, Tone::Danger] {
        let ids: Vec<&str> = g
            .nodes
            .iter()
            .filter(|n| n.tone == tone)
            .map(|n| n.id.as_str())
            .collect();
        if let (false, Some(class)) = (ids.is_empty(), tone_class(tone)) {
            let _ = writeln!(s, "  class {} {class};", ids.join(","));
        }
    }
    for (i, e) in g.edges.iter().enumerate() {
        let colour = match e.tone {
            Tone::Danger => Some("#c0392b"),
            Tone::Warning => Some("#d98c00"),
            Tone::Muted => Some("#999"),
            _ => None,
        };
        if let Some(c) = colour {
            let _ = writeln!(s, "  linkStyle {i} stroke:{c};");
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_cannot_break_out_of_their_quotes() {
        assert_eq!(text("a \"b\" <c> #1"), "a #quot;b#quot; #lt;c#gt; #35;1");
        assert_eq!(shape(Shape::Cylinder, "db"), "[(\"db\")]");
        assert_eq!(shape(Shape::Octagon, "x"), "{{\"x\"}}");
    }
}
