//! archgate's own layered layout for SVG output, so no Graphviz is needed.
//!
//! Left to right: layers are columns, assigned by longest path after the
//! edges that close cycles are reversed (iterative depth-first search).
//! Clusters are *bands*: each cluster owns a horizontal strip spanning all
//! columns, with its own nodes on top and its child clusters stacked below,
//! so cluster rectangles nest and never overlap. The order of nodes within
//! a band's column and of sibling bands follows barycentres (the mean
//! position of their neighbours), refined over a fixed number of sweeps.
//! Sizes are estimated from character counts (no font metrics). Everything
//! is deterministic: ties are broken by index.

use super::Graph;
use std::collections::HashMap;

const CHAR_W: f64 = 6.9;
const DETAIL_CHAR_W: f64 = 5.7;
const NODE_MIN_W: f64 = 110.0;
const NODE_H1: f64 = 38.0;
const NODE_H2: f64 = 52.0;
const VGAP: f64 = 26.0;
const PADX: f64 = 14.0;
const PAD_TOP: f64 = 26.0;
const PAD_BOTTOM: f64 = 14.0;
const MARGIN: f64 = 20.0;
/// Height reserved for the diagram title.
pub const TITLE_H: f64 = 30.0;
const SWEEPS: usize = 8;
/// Deeper cluster nesting is drawn flat at this depth (bounds recursion).
const MAX_DEPTH: usize = 48;

/// An axis-aligned rectangle.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    pub fn cx(&self) -> f64 {
        self.x + self.w / 2.0
    }
    pub fn cy(&self) -> f64 {
        self.y + self.h / 2.0
    }
    /// True when the two rectangles share interior points.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.right() && o.x < self.right() && self.y < o.bottom() && o.y < self.bottom()
    }
    /// True when `o` lies inside `self`.
    pub fn contains(&self, o: &Rect) -> bool {
        o.x >= self.x && o.y >= self.y && o.right() <= self.right() && o.bottom() <= self.bottom()
    }
}

/// A cubic Bézier edge and where its label goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgePath {
    pub start: (f64, f64),
    pub c1: (f64, f64),
    pub c2: (f64, f64),
    pub end: (f64, f64),
    pub label: (f64, f64),
}

/// Positions for every node, cluster and edge of a [`Graph`].
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<Rect>,
    pub clusters: Vec<Rect>,
    pub edges: Vec<EdgePath>,
}

/// Estimated rendered width of an edge label (10px font, with padding).
pub fn label_width(s: &str) -> f64 {
    s.chars().count() as f64 * 5.6 + 8.0
}

/// Estimated rendered width of a label in the node font.
pub fn text_width(s: &str) -> f64 {
    s.chars().count() as f64 * CHAR_W
}

fn node_size(g: &Graph, i: usize) -> (f64, f64) {
    let Some(n) = g.nodes.get(i) else {
        return (NODE_MIN_W, NODE_H1);
    };
    let detail = n
        .detail
        .as_ref()
        .map_or(0.0, |d| d.chars().count() as f64 * DETAIL_CHAR_W);
    let pad = match n.shape {
        super::Shape::Ellipse | super::Shape::Octagon => 44.0,
        _ => 24.0,
    };
    let w = (text_width(&n.label).max(detail) + pad).max(NODE_MIN_W);
    let h = if n.detail.is_some() { NODE_H2 } else { NODE_H1 };
    (w.ceil(), h)
}

/// Column of every node: longest path over the graph with cycle-closing edges reversed.
fn layers(g: &Graph) -> Vec<usize> {
    let n = g.nodes.len();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in &g.edges {
        if e.from < n && e.to < n && e.from != e.to {
            out[e.from].push(e.to);
        }
    }
    // Iterative DFS: an edge into a node on the stack closes a cycle.
    let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let mut dag: Vec<Vec<usize>> = vec![Vec::new(); n];
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (u, ref mut next)) = stack.last_mut() {
            if let Some(&v) = out[u].get(*next) {
                *next += 1;
                match state[v] {
                    0 => {
                        dag[u].push(v);
                        state[v] = 1;
                        stack.push((v, 0));
                    }
                    1 => dag[v].push(u), // reversed
                    _ => dag[u].push(v),
                }
            } else {
                state[u] = 2;
                stack.pop();
            }
        }
    }
    // Longest path by Kahn's algorithm.
    let mut indeg = vec![0usize; n];
    for succ in &dag {
        for &v in succ {
            indeg[v] += 1;
        }
    }
    let mut layer = vec![0usize; n];
    let mut queue: std::collections::VecDeque<usize> = (0..n).filter(|&v| indeg[v] == 0).collect();
    while let Some(u) = queue.pop_front() {
        for &v in &dag[u] {
            layer[v] = layer[v].max(layer[u] + 1);
            indeg[v] -= 1;
            if indeg[v] == 0 {
                queue.push_back(v);
            }
        }
    }
    layer
}

/// Band tree: band `clusters.len()` is the root.
struct Bands {
    /// Parent band of each cluster band (root for top level).
    parent: Vec<usize>,
    /// Ordered child bands of each band.
    kids: Vec<Vec<usize>>,
    /// Own nodes of each band, per column, ordered.
    own: Vec<Vec<Vec<usize>>>,
    /// Band of each node.
    band_of: Vec<usize>,
    depth: Vec<usize>,
}

fn bands(g: &Graph, layer: &[usize], columns: usize) -> Bands {
    let nc = g.clusters.len();
    let root = nc;
    // Depth with a guard against malformed parent chains.
    let mut depth = vec![0usize; nc + 1];
    let mut parent = vec![root; nc];
    for (i, c) in g.clusters.iter().enumerate() {
        let mut d = 0;
        let mut cur = c.parent;
        let mut chain = Vec::new();
        while let Some(p) = cur {
            if p >= nc || d > nc {
                break;
            }
            chain.push(p);
            d += 1;
            cur = g.clusters.get(p).and_then(|x| x.parent);
        }
        // Past MAX_DEPTH, hang the cluster on its ancestor at MAX_DEPTH.
        parent[i] = match c.parent {
            Some(p) if p < nc && d <= nc => {
                if d > MAX_DEPTH {
                    chain.get(d - MAX_DEPTH).copied().unwrap_or(root)
                } else {
                    p
                }
            }
            _ => root,
        };
        depth[i] = d.min(MAX_DEPTH) + 1;
    }
    let mut kids = vec![Vec::new(); nc + 1];
    for (i, &p) in parent.iter().enumerate() {
        if p != i {
            kids[p].push(i);
        }
    }
    let mut own = vec![vec![Vec::new(); columns]; nc + 1];
    let mut band_of = vec![root; g.nodes.len()];
    for (i, n) in g.nodes.iter().enumerate() {
        let b = n.cluster.filter(|&c| c < nc).unwrap_or(root);
        band_of[i] = b;
        if let Some(col) = own[b].get_mut(layer[i]) {
            col.push(i);
        }
    }
    Bands {
        parent,
        kids,
        own,
        band_of,
        depth,
    }
}

/// Places `band` at `y0`; returns its height. Fills `ys` (node top) and `band_y`.
fn place(
    b: usize,
    y0: f64,
    bands: &Bands,
    sizes: &[(f64, f64)],
    root: usize,
    ys: &mut [f64],
    band_y: &mut [(f64, f64)],
) -> f64 {
    let is_cluster = b != root;
    let top = y0 + if is_cluster { PAD_TOP } else { 0.0 };
    let stacked = |col: &Vec<usize>| -> f64 {
        let h: f64 = col.iter().map(|&i| sizes[i].1).sum();
        h + VGAP * (col.len().saturating_sub(1)) as f64
    };
    let own_h = bands.own[b].iter().map(stacked).fold(0.0, f64::max);
    for col in &bands.own[b] {
        let mut y = top + (own_h - stacked(col)) / 2.0;
        for &i in col {
            ys[i] = y;
            y += sizes[i].1 + VGAP;
        }
    }
    let mut cursor = top + own_h;
    let kids = &bands.kids[b];
    if own_h > 0.0 && !kids.is_empty() {
        cursor += VGAP;
    }
    for (k, &kid) in kids.iter().enumerate() {
        let h = place(kid, cursor, bands, sizes, root, ys, band_y);
        cursor += h;
        if k + 1 < kids.len() {
            cursor += VGAP;
        }
    }
    let bottom = cursor + if is_cluster { PAD_BOTTOM } else { 0.0 };
    band_y[b] = (y0, bottom);
    bottom - y0
}

/// Lays the graph out.
pub fn layout(g: &Graph) -> Layout {
    let n = g.nodes.len();
    let nc = g.clusters.len();
    let root = nc;
    let layer = layers(g);
    let columns = layer.iter().copied().max().map_or(1, |m| m + 1);
    let sizes: Vec<(f64, f64)> = (0..n).map(|i| node_size(g, i)).collect();
    let mut b = bands(g, &layer, columns);
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in &g.edges {
        if e.from < n && e.to < n {
            neighbours[e.from].push(e.to);
            neighbours[e.to].push(e.from);
        }
    }
    let mut ys = vec![0.0; n];
    let mut band_y = vec![(0.0, 0.0); nc + 1];
    for _ in 0..SWEEPS {
        place(root, 0.0, &b, &sizes, root, &mut ys, &mut band_y);
        let centre: Vec<f64> = (0..n).map(|i| ys[i] + sizes[i].1 / 2.0).collect();
        let bary: Vec<f64> = (0..n)
            .map(|i| {
                let ns = &neighbours[i];
                if ns.is_empty() {
                    centre[i]
                } else {
                    ns.iter().map(|&j| centre[j]).sum::<f64>() / ns.len() as f64
                }
            })
            .collect();
        // Band barycentre: mean over every node below it.
        let mut sum = vec![(0.0f64, 0usize); nc + 1];
        for (i, &bc) in bary.iter().enumerate() {
            let mut cur = b.band_of[i];
            let mut guard = 0;
            loop {
                sum[cur].0 += bc;
                sum[cur].1 += 1;
                if cur == root || guard > nc {
                    break;
                }
                cur = b.parent.get(cur).copied().unwrap_or(root);
                guard += 1;
            }
        }
        let band_bary: Vec<f64> = (0..=nc)
            .map(|k| {
                if sum[k].1 == 0 {
                    band_y[k].0
                } else {
                    sum[k].0 / sum[k].1 as f64
                }
            })
            .collect();
        for band in 0..=nc {
            for col in b.own[band].iter_mut() {
                col.sort_by(|&x, &y| bary[x].total_cmp(&bary[y]).then(x.cmp(&y)));
            }
            b.kids[band].sort_by(|&x, &y| band_bary[x].total_cmp(&band_bary[y]).then(x.cmp(&y)));
        }
    }
    place(root, 0.0, &b, &sizes, root, &mut ys, &mut band_y);

    // Columns: room between them for every nesting level's padding.
    let max_depth = b.depth.iter().copied().max().unwrap_or(0);
    let side = PADX * max_depth as f64;
    let hgap = 70.0 + 2.0 * side;
    let mut col_w = vec![0.0f64; columns];
    for i in 0..n {
        col_w[layer[i]] = col_w[layer[i]].max(sizes[i].0);
    }
    // A gap wide enough for the labels of edges between adjacent columns.
    let mut gap = vec![hgap; columns];
    for e in &g.edges {
        let (Some(&lu), Some(&lv)) = (layer.get(e.from), layer.get(e.to)) else {
            continue;
        };
        if lv == lu + 1 {
            let w = label_width(&e.label) + 40.0 + 2.0 * side;
            gap[lu] = gap[lu].max(w);
        }
    }
    let mut col_x = vec![0.0f64; columns];
    let mut x = MARGIN + side;
    for c in 0..columns {
        col_x[c] = x;
        x += col_w[c] + gap[c];
    }
    let top = MARGIN + TITLE_H;
    let nodes: Vec<Rect> = (0..n)
        .map(|i| Rect {
            x: col_x[layer[i]] + (col_w[layer[i]] - sizes[i].0) / 2.0,
            y: top + ys[i],
            w: sizes[i].0,
            h: sizes[i].1,
        })
        .collect();

    // Cluster rectangles bottom-up: own nodes and child rectangles, padded.
    let mut clusters = vec![Rect::default(); nc];
    let mut order: Vec<usize> = (0..nc).collect();
    order.sort_by(|&x, &y| b.depth[y].cmp(&b.depth[x]).then(x.cmp(&y)));
    for &c in &order {
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for col in &b.own[c] {
            for &i in col {
                lo = lo.min(nodes[i].x);
                hi = hi.max(nodes[i].right());
            }
        }
        for &k in &b.kids[c] {
            lo = lo.min(clusters[k].x);
            hi = hi.max(clusters[k].right());
        }
        if !lo.is_finite() {
            lo = MARGIN + side;
            hi = lo + NODE_MIN_W;
        }
        let label_w = g.clusters.get(c).map_or(0.0, |cl| {
            cl.label.chars().count() as f64 * DETAIL_CHAR_W + 2.0 * PADX
        });
        let x0 = lo - PADX;
        let w = (hi + PADX - x0).max(label_w);
        let (y0, y1) = band_y[c];
        clusters[c] = Rect {
            x: x0,
            y: top + y0,
            w,
            h: y1 - y0,
        };
    }

    // Parallel edges (same two nodes, either direction) fan out so their
    // curves and labels do not sit on top of each other.
    let mut seen_pairs: HashMap<(usize, usize), usize> = HashMap::new();
    let fan: Vec<f64> = g
        .edges
        .iter()
        .map(|e| {
            let k = seen_pairs
                .entry((e.from.min(e.to), e.from.max(e.to)))
                .or_insert(0);
            let off = *k as f64 * 16.0;
            *k += 1;
            off
        })
        .collect();
    let edges: Vec<EdgePath> = g
        .edges
        .iter()
        .zip(fan)
        .map(|(e, off)| {
            let (Some(u), Some(v)) = (nodes.get(e.from), nodes.get(e.to)) else {
                let z = (0.0, 0.0);
                return EdgePath {
                    start: z,
                    c1: z,
                    c2: z,
                    end: z,
                    label: z,
                };
            };
            let (lu, lv) = (
                layer.get(e.from).copied().unwrap_or(0),
                layer.get(e.to).copied().unwrap_or(0),
            );
            let (start, c1, c2, end) = if lv > lu {
                let s = (u.right(), u.cy());
                let t = (v.x, v.cy());
                let dx = (t.0 - s.0) / 2.0;
                (s, (s.0 + dx, s.1), (t.0 - dx, t.1), t)
            } else if lv < lu {
                let s = (u.cx(), u.bottom());
                let t = (v.cx(), v.bottom());
                (s, (s.0, s.1 + 46.0), (t.0, t.1 + 46.0), t)
            } else {
                let s = (u.right(), u.cy());
                let t = (v.right(), v.cy());
                (s, (s.0 + 56.0, s.1), (t.0 + 56.0, t.1), t)
            };
            let (c1, c2) = ((c1.0, c1.1 + off), (c2.0, c2.1 + off));
            // Bézier point at t = 0.5.
            let label = (
                (start.0 + 3.0 * c1.0 + 3.0 * c2.0 + end.0) / 8.0,
                (start.1 + 3.0 * c1.1 + 3.0 * c2.1 + end.1) / 8.0,
            );
            EdgePath {
                start,
                c1,
                c2,
                end,
                label,
            }
        })
        .collect();

    let mut width = MARGIN * 2.0 + text_width(&g.title);
    let mut height = top + MARGIN;
    for r in nodes.iter().chain(clusters.iter()) {
        width = width.max(r.right() + MARGIN);
        height = height.max(r.bottom() + MARGIN);
    }
    for p in &edges {
        for pt in [p.c1, p.c2, p.end] {
            width = width.max(pt.0 + MARGIN);
            height = height.max(pt.1 + MARGIN);
        }
    }
    Layout {
        width: width.ceil(),
        height: height.ceil(),
        nodes,
        clusters,
        edges,
    }
}

/// Map of layer per node, for tests and callers that want columns.
pub fn columns(g: &Graph) -> HashMap<usize, usize> {
    layers(g).into_iter().enumerate().collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::node;
    use super::super::{Graph, Line, Tone};
    use super::*;

    fn chain_graph() -> Graph {
        let mut g = Graph::new("t".into());
        let outer = g.cluster(None, "outer".into(), None);
        let inner = g.cluster(None, "inner".into(), Some(outer));
        let other = g.cluster(None, "other".into(), None);
        let ids: Vec<usize> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(|k| g.node(k, || node(k)))
            .collect();
        g.nodes[ids[1]].cluster = Some(outer);
        g.nodes[ids[2]].cluster = Some(inner);
        g.nodes[ids[3]].cluster = Some(inner);
        g.nodes[ids[4]].cluster = Some(other);
        for (x, y) in [(0, 1), (1, 2), (2, 3), (3, 1), (0, 4)] {
            g.add_edge(ids[x], ids[y], "https", Line::Solid, Tone::Normal, true);
        }
        g
    }

    #[test]
    fn longest_path_layers_with_cycles_broken() {
        let g = chain_graph();
        let l = columns(&g);
        assert_eq!(l[&0], 0);
        assert_eq!(l[&1], 1);
        assert_eq!(l[&2], 2);
        assert_eq!(l[&3], 3);
        assert_eq!(l[&4], 1);
    }

    #[test]
    fn clusters_nest_and_never_overlap_nodes_outside_them() {
        let g = chain_graph();
        let lay = layout(&g);
        // Nodes never overlap each other.
        for i in 0..lay.nodes.len() {
            for j in i + 1..lay.nodes.len() {
                assert!(!lay.nodes[i].overlaps(&lay.nodes[j]), "{i} {j}");
            }
        }
        // Each cluster contains its nodes and child clusters, and no other node.
        for (ci, c) in g.clusters.iter().enumerate() {
            let r = lay.clusters[ci];
            if let Some(p) = c.parent {
                assert!(lay.clusters[p].contains(&r));
            }
            for (ni, n) in g.nodes.iter().enumerate() {
                let mut inside = false;
                let mut cur = n.cluster;
                while let Some(x) = cur {
                    inside |= x == ci;
                    cur = g.clusters[x].parent;
                }
                assert_eq!(r.contains(&lay.nodes[ni]), inside, "cluster {ci} node {ni}");
                if !inside {
                    assert!(!r.overlaps(&lay.nodes[ni]), "cluster {ci} node {ni}");
                }
            }
        }
        // Sibling top-level clusters do not overlap.
        assert!(!lay.clusters[0].overlaps(&lay.clusters[2]));
        assert!(lay.width > 0.0 && lay.height > 0.0);
        // Deterministic.
        assert_eq!(layout(&g), lay);
    }

    #[test]
    fn empty_and_deeply_nested_graphs_lay_out() {
        let g = Graph::new("empty".into());
        let lay = layout(&g);
        assert!(lay.nodes.is_empty() && lay.width > 0.0);
        for depth in [30, 500] {
            let mut g = Graph::new("deep".into());
            let mut parent = None;
            for i in 0..depth {
                parent = Some(g.cluster(None, format!("c{i}"), parent));
            }
            let n = g.node("x", || node("x"));
            g.nodes[n].cluster = parent;
            let lay = layout(&g);
            assert!(lay.width.is_finite() && lay.height.is_finite());
            if depth <= MAX_DEPTH {
                assert!(lay.clusters.iter().all(|c| c.contains(&lay.nodes[0])));
            }
        }
    }
}
