//! Diagrams of the model: C4 system-context and container views, a
//! data-flow diagram with nested trust boundaries, and the domain-driven
//! design context map, rendered as Mermaid, Graphviz DOT or a standalone SVG
//! that archgate lays out itself (see [`layout`]).
//!
//! Each view is first built into one renderer-neutral [`Graph`] (nodes with
//! a shape, edges with a label and a style, nested clusters), so the three
//! formats always show the same thing. Output is deterministic: the same
//! catalog gives byte-identical text. Not here: reading the catalog (see
//! [`crate::load`]) or judging it (diagrams draw what the model says,
//! including its mistakes).

mod dot;
pub mod layout;
mod mermaid;
mod svg;
mod views;

use crate::load::Catalog;
use crate::reference::EntityRef;
use std::collections::HashMap;
use std::fmt;

/// Which picture of the model to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// C4 level 1: a system (or every system) with its users and neighbours.
    Context,
    /// C4 level 2: the components and resources inside a system (or every system).
    Container,
    /// Data flows between components, resources and actors, inside nested trust boundaries.
    DataFlow,
    /// Domains and the relations between them (declared and observed).
    ContextMap,
}

impl View {
    pub const NAMES: &'static [&'static str] = &["context", "container", "dataflow", "context-map"];

    pub fn parse(text: &str) -> Option<View> {
        match text.to_ascii_lowercase().as_str() {
            "context" | "system-context" => Some(View::Context),
            "container" | "containers" => Some(View::Container),
            "dataflow" | "data-flow" | "dfd" => Some(View::DataFlow),
            "context-map" | "contextmap" => Some(View::ContextMap),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            View::Context => "context",
            View::Container => "container",
            View::DataFlow => "dataflow",
            View::ContextMap => "context-map",
        }
    }
}

/// Output syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Mermaid,
    Dot,
    Svg,
}

impl Format {
    pub const NAMES: &'static [&'static str] = &["mermaid", "dot", "svg"];

    pub fn parse(text: &str) -> Option<Format> {
        match text.to_ascii_lowercase().as_str() {
            "mermaid" | "mmd" => Some(Format::Mermaid),
            "dot" | "graphviz" | "gv" => Some(Format::Dot),
            "svg" => Some(Format::Svg),
            _ => None,
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Mermaid => "mmd",
            Format::Dot => "dot",
            Format::Svg => "svg",
        }
    }
}

/// What to draw.
#[derive(Debug, Clone)]
pub struct Options {
    pub view: View,
    /// Limit the view to one System (and what it talks to).
    pub system: Option<EntityRef>,
}

/// Why a diagram could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiagramError {
    /// `--system` names no System of the catalog.
    UnknownSystem(String),
}

impl fmt::Display for DiagramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiagramError::UnknownSystem(s) => write!(f, "no System `{s}` in the catalog"),
        }
    }
}

impl std::error::Error for DiagramError {}

/// Node outlines, after C4 and Threagile's data-flow diagrams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A person (C4).
    Person,
    /// A plain box: external entity (Threagile), software system (C4).
    Box,
    /// A rounded box: a container (C4).
    Rounded,
    /// A process (Threagile's ellipse).
    Ellipse,
    /// A data store.
    Cylinder,
    /// A client used by a human (Threagile's octagon).
    Octagon,
}

/// How strongly a node or edge is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tone {
    Normal,
    /// The subject of the view (the focused system).
    Focus,
    /// Outside the subject, or out of scope: greyed.
    Muted,
    /// Confidential data, or an edge that needs attention.
    Warning,
    /// Restricted data, an unencrypted flow, an integration breaking domain segregation.
    Danger,
}

/// Line pattern of an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Line {
    Solid,
    Dashed,
    Dotted,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Identifier in the output (`n0`, `n1`, …).
    pub id: String,
    /// The entity drawn, when there is one (`component:default/ledger`).
    pub entity: Option<String>,
    pub label: String,
    /// Second line: the C4 type or the technology.
    pub detail: Option<String>,
    pub shape: Shape,
    pub tone: Tone,
    /// Index into [`Graph::clusters`].
    pub cluster: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// Indices into [`Graph::nodes`].
    pub from: usize,
    pub to: usize,
    pub label: String,
    pub line: Line,
    pub tone: Tone,
    /// False for symmetric relations (shared kernel, partnership).
    pub arrow: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub id: String,
    pub entity: Option<String>,
    pub label: String,
    pub parent: Option<usize>,
}

/// A renderer-neutral diagram.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Graph {
    pub title: String,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub clusters: Vec<Cluster>,
    /// Entity ref → node index (for builders).
    index: HashMap<String, usize>,
    /// Distinct labels merged into each edge, for `add_edge`.
    edge_labels: Vec<Vec<String>>,
    /// `(from, to, line, arrow)` → edge index, so merging stays linear.
    edge_index: HashMap<(usize, usize, Line, bool), usize>,
}

/// Most labels one merged edge shows before "…".
const MAX_EDGE_LABELS: usize = 3;

impl Graph {
    fn new(title: String) -> Graph {
        Graph {
            title,
            ..Graph::default()
        }
    }

    /// The node drawing `key`, creating it with `make` the first time.
    fn node(&mut self, key: &str, make: impl FnOnce() -> Node) -> usize {
        if let Some(&i) = self.index.get(key) {
            return i;
        }
        let mut n = make();
        let i = self.nodes.len();
        n.id = format!("n{i}");
        self.nodes.push(n);
        self.index.insert(key.to_string(), i);
        i
    }

    fn node_index(&self, key: &str) -> Option<usize> {
        self.index.get(key).copied()
    }

    fn cluster(&mut self, entity: Option<String>, label: String, parent: Option<usize>) -> usize {
        let i = self.clusters.len();
        self.clusters.push(Cluster {
            id: format!("c{i}"),
            entity,
            label,
            parent,
        });
        i
    }

    /// Adds an edge, merged with an existing edge of the same ends and style
    /// (labels are collected, so two flows between the same pair show once).
    fn add_edge(
        &mut self,
        from: usize,
        to: usize,
        label: &str,
        line: Line,
        tone: Tone,
        arrow: bool,
    ) {
        if from == to {
            return;
        }
        let i = match self.edge_index.get(&(from, to, line, arrow)) {
            Some(&i) => i,
            None => {
                self.edge_index
                    .insert((from, to, line, arrow), self.edges.len());
                self.edges.push(Edge {
                    from,
                    to,
                    label: String::new(),
                    line,
                    tone,
                    arrow,
                });
                self.edge_labels.push(Vec::new());
                self.edges.len() - 1
            }
        };
        if let (Some(e), Some(labels)) = (self.edges.get_mut(i), self.edge_labels.get_mut(i)) {
            e.tone = e.tone.max(tone);
            if !label.is_empty() && !labels.iter().any(|l| l == label) {
                labels.push(label.to_string());
                let mut shown: Vec<&str> = labels.iter().map(String::as_str).collect();
                shown.sort_unstable();
                let more = shown.len() > MAX_EDGE_LABELS;
                shown.truncate(MAX_EDGE_LABELS);
                e.label = shown.join(", ");
                if more {
                    e.label.push_str(", …");
                }
            }
        }
    }

    /// Removes clusters holding no node (directly or below), renumbering.
    fn prune_clusters(&mut self) {
        let n = self.clusters.len();
        let mut used = vec![false; n];
        for node in &self.nodes {
            let mut c = node.cluster;
            let mut guard = 0;
            while let Some(ci) = c {
                if guard > n || used.get(ci).copied().unwrap_or(true) {
                    break;
                }
                used[ci] = true;
                c = self.clusters.get(ci).and_then(|x| x.parent);
                guard += 1;
            }
        }
        let mut remap = vec![None; n];
        let mut kept = Vec::new();
        for (i, c) in self.clusters.iter().enumerate() {
            if used[i] {
                remap[i] = Some(kept.len());
                kept.push(c.clone());
            }
        }
        for (i, c) in kept.iter_mut().enumerate() {
            c.id = format!("c{i}");
            c.parent = c.parent.and_then(|p| remap.get(p).copied().flatten());
        }
        for node in &mut self.nodes {
            node.cluster = node.cluster.and_then(|c| remap.get(c).copied().flatten());
        }
        self.clusters = kept;
    }

    /// Children of each cluster, and top-level clusters (`None` key), in index order.
    pub fn cluster_children(&self) -> HashMap<Option<usize>, Vec<usize>> {
        let mut m: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
        for (i, c) in self.clusters.iter().enumerate() {
            m.entry(c.parent).or_default().push(i);
        }
        m
    }
}

/// Builds the graph of a view.
pub fn build(catalog: &Catalog, opts: &Options) -> Result<Graph, DiagramError> {
    if let Some(s) = &opts.system {
        if catalog
            .get(s)
            .is_none_or(|e| e.kind != crate::reference::Kind::System)
        {
            return Err(DiagramError::UnknownSystem(s.to_string()));
        }
    }
    let mut g = match opts.view {
        View::Context => views::context(catalog, opts.system.as_ref()),
        View::Container => views::container(catalog, opts.system.as_ref()),
        View::DataFlow => views::dataflow(catalog, opts.system.as_ref()),
        View::ContextMap => views::context_map(catalog, opts.system.as_ref()),
    };
    g.prune_clusters();
    Ok(g)
}

/// Draws a view in a format.
pub fn render(catalog: &Catalog, opts: &Options, format: Format) -> Result<String, DiagramError> {
    let g = build(catalog, opts)?;
    Ok(match format {
        Format::Mermaid => mermaid::render(&g),
        Format::Dot => dot::render(&g),
        Format::Svg => svg::render(&g),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_edges_merge_their_labels() {
        let mut g = Graph::new("t".into());
        let a = g.node("a", || node("a"));
        let b = g.node("b", || node("b"));
        g.add_edge(a, b, "https", Line::Solid, Tone::Normal, true);
        g.add_edge(a, b, "grpc", Line::Solid, Tone::Danger, true);
        g.add_edge(a, b, "https", Line::Solid, Tone::Normal, true);
        g.add_edge(a, a, "self", Line::Solid, Tone::Normal, true);
        assert_eq!(g.edges.len(), 1);
        assert_eq!(g.edges[0].label, "grpc, https");
        assert_eq!(g.edges[0].tone, Tone::Danger);
        for l in ["a", "b", "c", "d"] {
            g.add_edge(b, a, l, Line::Dashed, Tone::Normal, true);
        }
        assert_eq!(g.edges[1].label, "a, b, c, …");
    }

    #[test]
    fn empty_clusters_are_pruned() {
        let mut g = Graph::new("t".into());
        let outer = g.cluster(None, "outer".into(), None);
        let _empty = g.cluster(None, "empty".into(), Some(outer));
        let inner = g.cluster(None, "inner".into(), Some(outer));
        let n = g.node("a", || node("a"));
        g.nodes[n].cluster = Some(inner);
        g.prune_clusters();
        let labels: Vec<&str> = g.clusters.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, vec!["outer", "inner"]);
        assert_eq!(g.clusters[1].parent, Some(0));
        assert_eq!(g.nodes[0].cluster, Some(1));
    }

    pub(super) fn node(label: &str) -> Node {
        Node {
            id: String::new(),
            entity: None,
            label: label.into(),
            detail: None,
            shape: Shape::Box,
            tone: Tone::Normal,
            cluster: None,
        }
    }
}
