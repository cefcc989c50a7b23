//! Standalone SVG: the [`layout`](super::layout) drawn with plain SVG 1.1
//! elements and inline styles (no scripts, no external fonts or files), so
//! the file opens in any browser and embeds in Markdown. Every node and
//! cluster carries its entity ref in `data-entity` and a `<title>`.

use super::layout::{label_width, layout, Rect, TITLE_H};
use super::{Graph, Line, Shape, Tone};
use std::fmt::Write;

/// Text and attribute values with XML's five special characters escaped and
/// characters XML 1.0 forbids dropped.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn stroke(t: Tone) -> &'static str {
    match t {
        Tone::Normal => "#333333",
        Tone::Focus => "#1f4e9c",
        Tone::Muted => "#9a9a9a",
        Tone::Warning => "#d98c00",
        Tone::Danger => "#c0392b",
    }
}

fn fill(t: Tone) -> &'static str {
    match t {
        Tone::Focus => "#dde8f7",
        Tone::Muted => "#f2f2f2",
        _ => "#ffffff",
    }
}

/// Two decimals at most, no trailing zeros: stable, compact numbers.
fn num(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let s = format!("{:.2}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

fn shape(s: &mut String, sh: Shape, r: &Rect, tone: Tone) {
    let st = format!(
        "fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"",
        fill(tone),
        stroke(tone),
        if matches!(tone, Tone::Focus | Tone::Danger | Tone::Warning) {
            "2"
        } else {
            "1.2"
        }
    );
    let (x, y, w, h) = (r.x, r.y, r.w, r.h);
    match sh {
        Shape::Box => {
            let _ = writeln!(
                s,
                "    <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {st}/>",
                num(x),
                num(y),
                num(w),
                num(h)
            );
        }
        Shape::Rounded | Shape::Person => {
            let rx = if sh == Shape::Person { h / 2.0 } else { 8.0 };
            let _ = writeln!(
                s,
                "    <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" {st}/>",
                num(x),
                num(y),
                num(w),
                num(h),
                num(rx)
            );
        }
        Shape::Ellipse => {
            let _ = writeln!(
                s,
                "    <ellipse cx=\"{}\" cy=\"{}\" rx=\"{}\" ry=\"{}\" {st}/>",
                num(r.cx()),
                num(r.cy()),
                num(w / 2.0),
                num(h / 2.0)
            );
        }
        Shape::Cylinder => {
            let e = 6.0;
            let _ = writeln!(
                s,
                "    <path d=\"M{x0},{y0} A{rx},{e} 0 0 0 {x1},{y0} V{y1} A{rx},{e} 0 0 1 {x0},{y1} Z\" {st}/>",
                x0 = num(x),
                y0 = num(y + e),
                x1 = num(x + w),
                y1 = num(y + h - e),
                rx = num(w / 2.0),
                e = num(e),
            );
            let _ = writeln!(
                s,
                "    <path d=\"M{x0},{y0} A{rx},{e} 0 0 0 {x1},{y0}\" fill=\"none\" stroke=\"{c}\"/>",
                x0 = num(x),
                y0 = num(y + e),
                x1 = num(x + w),
                rx = num(w / 2.0),
                e = num(e),
                c = stroke(tone)
            );
        }
        Shape::Octagon => {
            let c = 10.0_f64.min(h / 3.0);
            let pts = [
                (x + c, y),
                (x + w - c, y),
                (x + w, y + c),
                (x + w, y + h - c),
                (x + w - c, y + h),
                (x + c, y + h),
                (x, y + h - c),
                (x, y + c),
            ];
            let p: Vec<String> = pts
                .iter()
                .map(|(a, b)| format!("{},{}", num(*a), num(*b)))
                .collect();
            let _ = writeln!(s, "    <polygon points=\"{}\" {st}/>", p.join(" "));
        }
    }
}

pub(super) fn render(g: &Graph) -> String {
    let lay = layout(g);
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">",
        w = num(lay.width),
        h = num(lay.height)
    );
    let _ = writeln!(s, "  <title>{}</title>", esc(&g.title));
    s.push_str("  <defs>\n");
    for (id, colour) in [
        ("arrow", stroke(Tone::Normal)),
        ("arrow-danger", stroke(Tone::Danger)),
        ("arrow-warning", stroke(Tone::Warning)),
        ("arrow-muted", stroke(Tone::Muted)),
    ] {
        let _ = writeln!(
            s,
            "    <marker id=\"{id}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{colour}\"/></marker>"
        );
    }
    s.push_str("  </defs>\n");
    s.push_str("  <rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    let _ = writeln!(
        s,
        "  <text x=\"20\" y=\"{}\" font-size=\"15\" font-weight=\"bold\" fill=\"#222222\">{}</text>",
        num(TITLE_H),
        esc(&g.title)
    );
    s.push_str("  <g class=\"clusters\">\n");
    for (i, c) in g.clusters.iter().enumerate() {
        let Some(r) = lay.clusters.get(i) else {
            continue;
        };
        let entity = c
            .entity
            .as_ref()
            .map(|e| format!(" data-entity=\"{}\"", esc(e)))
            .unwrap_or_default();
        let _ = writeln!(s, "   <g class=\"cluster\" id=\"{}\"{entity}>", esc(&c.id));
        let _ = writeln!(s, "    <title>{}</title>", esc(&c.label));
        let _ = writeln!(
            s,
            "    <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\" fill=\"#fafafa\" fill-opacity=\"0.6\" stroke=\"#7a7a7a\" stroke-dasharray=\"6 3\"/>",
            num(r.x),
            num(r.y),
            num(r.w),
            num(r.h)
        );
        let _ = writeln!(
            s,
            "    <text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#555555\">{}</text>",
            num(r.x + 8.0),
            num(r.y + 16.0),
            esc(&c.label)
        );
        s.push_str("   </g>\n");
    }
    s.push_str("  </g>\n  <g class=\"edges\">\n");
    for (i, e) in g.edges.iter().enumerate() {
        let (Some(p), Some(a), Some(b)) =
            (lay.edges.get(i), g.nodes.get(e.from), g.nodes.get(e.to))
        else {
            continue;
        };
        let dash = match e.line {
            Line::Solid => "",
            Line::Dashed => " stroke-dasharray=\"7 4\"",
            Line::Dotted => " stroke-dasharray=\"2 3\"",
        };
        let marker = if e.arrow {
            let m = match e.tone {
                Tone::Danger => "arrow-danger",
                Tone::Warning => "arrow-warning",
                Tone::Muted => "arrow-muted",
                _ => "arrow",
            };
            format!(" marker-end=\"url(#{m})\"")
        } else {
            String::new()
        };
        let _ = writeln!(s, "   <g class=\"edge\" id=\"e{i}\">");
        let _ = writeln!(
            s,
            "    <title>{} → {}: {}</title>",
            esc(&a.label),
            esc(&b.label),
            esc(&e.label)
        );
        let _ = writeln!(
            s,
            "    <path d=\"M{},{} C{},{} {},{} {},{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.3\"{dash}{marker}/>",
            num(p.start.0),
            num(p.start.1),
            num(p.c1.0),
            num(p.c1.1),
            num(p.c2.0),
            num(p.c2.1),
            num(p.end.0),
            num(p.end.1),
            stroke(e.tone)
        );
        s.push_str("   </g>\n");
    }
    s.push_str("  </g>\n  <g class=\"nodes\">\n");
    for (i, n) in g.nodes.iter().enumerate() {
        let Some(r) = lay.nodes.get(i) else { continue };
        let entity = n
            .entity
            .as_ref()
            .map(|e| format!(" data-entity=\"{}\"", esc(e)))
            .unwrap_or_default();
        let _ = writeln!(s, "   <g class=\"node\" id=\"{}\"{entity}>", esc(&n.id));
        let _ = writeln!(
            s,
            "    <title>{}</title>",
            esc(n.entity.as_deref().unwrap_or(&n.label))
        );
        shape(&mut s, n.shape, r, n.tone);
        let (ly, dy) = if n.detail.is_some() {
            (r.cy() - 3.0, r.cy() + 12.0)
        } else {
            (r.cy() + 4.0, 0.0)
        };
        let _ = writeln!(
            s,
            "    <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\" fill=\"#222222\">{}</text>",
            num(r.cx()),
            num(ly),
            esc(&n.label)
        );
        if let Some(d) = &n.detail {
            let _ = writeln!(
                s,
                "    <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#555555\">{}</text>",
                num(r.cx()),
                num(dy),
                esc(d)
            );
        }
        s.push_str("   </g>\n");
    }
    // Edge labels last, so no node or curve hides them.
    s.push_str("  </g>\n  <g class=\"labels\">\n");
    for (i, e) in g.edges.iter().enumerate() {
        let Some(p) = lay.edges.get(i) else { continue };
        if e.label.is_empty() {
            continue;
        }
        let w = label_width(&e.label);
        let _ = writeln!(
            s,
            "   <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"14\" fill=\"#ffffff\" fill-opacity=\"0.85\"/>",
            num(p.label.0 - w / 2.0),
            num(p.label.1 - 10.0),
            num(w)
        );
        let _ = writeln!(
            s,
            "   <text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" fill=\"{}\">{}</text>",
            num(p.label.0),
            num(p.label.1),
            stroke(e.tone),
            esc(&e.label)
        );
    }
    s.push_str("  </g>\n</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::super::tests::node;
    use super::super::{Graph, Line, Tone};
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            esc("a<b>&\"c\"'d'\u{1}\n"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos; "
        );
        assert_eq!(num(1.0), "1");
        assert_eq!(num(2.50), "2.5");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f64::NAN), "0");
    }

    #[test]
    fn svg_is_well_formed_xml_with_every_node() {
        let mut g = Graph::new("A <title> & \"more\"".into());
        let c = g.cluster(
            Some("trustboundary:default/x".into()),
            "zone <x>".into(),
            None,
        );
        let shapes = [
            Shape::Person,
            Shape::Box,
            Shape::Rounded,
            Shape::Ellipse,
            Shape::Cylinder,
            Shape::Octagon,
        ];
        for (i, sh) in shapes.iter().enumerate() {
            let k = format!("n{i} & <x>");
            let mut n = node(&k);
            n.shape = *sh;
            n.entity = Some(format!("component:default/e{i}"));
            n.detail = Some("detail \"d\"".into());
            n.cluster = (i % 2 == 0).then_some(c);
            g.node(&k, || n);
        }
        for i in 0..5 {
            g.add_edge(
                i,
                i + 1,
                "https & <tls>",
                Line::Dashed,
                Tone::Danger,
                i % 2 == 0,
            );
        }
        g.add_edge(5, 0, "back", Line::Solid, Tone::Normal, true);
        let svg = render(&g);
        let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
        let entities: Vec<&str> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("node"))
            .filter_map(|n| n.attribute("data-entity"))
            .collect();
        assert_eq!(entities.len(), 6);
        for i in 0..6 {
            assert!(entities.contains(&format!("component:default/e{i}").as_str()));
        }
        let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
        assert!(texts.contains(&"n0 & <x>"));
        assert!(texts.contains(&"https & <tls>"));
        assert_eq!(
            doc.descendants()
                .filter(|n| n.attribute("class") == Some("edge"))
                .count(),
            6
        );
    }
}
