//! The HCL syntax tree the Terraform loader evaluates: only what the
//! evaluator reads (values, references, templates, calls, operators) with
//! the byte range of every node, and nothing of the layout (whitespace,
//! comments, trailing commas) that an editing tree keeps.
//!
//! Why our own tree: parsing was over a third of a scan's instructions,
//! and the editing tree (hcl-edit) takes 50–100 times its source in memory
//! and decorates every node with its surrounding whitespace. Files are
//! parsed by [`super::hclparse`], a single-pass parser made for this tree;
//! when it refuses a file (a syntax error, or a construct it leaves to
//! hcl-edit), hcl-edit parses it instead (`files::parse_file`), so error messages stay
//! hcl-edit's and a file our parser cannot read still loads. hcl-edit's
//! trees are converted with [`from_edit`], which is also the reference the
//! fast parser is tested against (`hclparse` tests: identical trees for
//! every `.tf` file of the corpus).
//!
//! Not for: writing HCL back, or policies that read the editing tree
//! (archgate-policy's `hcl2` parser keeps hcl-edit).

pub(crate) use hcl_edit::expr::{BinaryOperator, UnaryOperator};
use hcl_edit::expr::{Expression, ObjectKey as EditKey, TraversalOperator};
use hcl_edit::structure::{BlockLabel, Structure as EditStructure};
use hcl_edit::template::{Directive, Element as EditElement, Strip};
pub(crate) use hcl_edit::Number;
use hcl_edit::Span as _;
use std::ops::Range;

/// A byte range in the parsed text (files are at most 32 MiB, so `u32`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Sp {
    pub start: u32,
    pub end: u32,
}

impl Sp {
    pub fn new(start: usize, end: usize) -> Sp {
        Sp {
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    fn of(r: Option<Range<usize>>) -> Sp {
        r.map_or(Sp::default(), |r| Sp::new(r.start, r.end))
    }
}

/// A file's (or a block's) attributes and blocks, in source order.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Body {
    pub structures: Vec<Structure>,
}

impl Body {
    /// The first attribute called `key`.
    pub fn get_attribute(&self, key: &str) -> Option<&Attribute> {
        self.structures.iter().find_map(|s| match s {
            Structure::Attribute(a) if &*a.key == key => Some(a),
            _ => None,
        })
    }

    /// The nested blocks of type `ident`.
    pub fn get_blocks<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.structures.iter().filter_map(move |s| match s {
            Structure::Block(b) if &*b.ident == ident => Some(b),
            _ => None,
        })
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Structure> {
        self.structures.iter()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Structure {
    Attribute(Attribute),
    Block(Block),
}

/// `key = value`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Attribute {
    pub key: Box<str>,
    pub key_span: Sp,
    pub value: Expr,
}

/// `ident "label" … { body }`; `span` runs from the type to the closing brace.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Block {
    pub ident: Box<str>,
    pub ident_span: Sp,
    pub labels: Vec<Label>,
    pub body: Body,
    pub span: Sp,
}

/// A block label, quoted or bare.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Label {
    pub value: Box<str>,
    pub span: Sp,
}

/// An expression and the bytes it was written in.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expr {
    pub kind: ExprKind,
    pub span: Sp,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ExprKind {
    Null,
    Bool(bool),
    Number(Number),
    /// A quoted string without interpolations or directives.
    String(Box<str>),
    Array(Vec<Expr>),
    Object(Vec<ObjectItem>),
    /// A quoted string with interpolations or directives.
    StringTemplate(Box<Template>),
    Heredoc(Box<Template>),
    Parenthesis(Box<Expr>),
    Variable(Box<str>),
    Conditional(Box<[Expr; 3]>),
    FuncCall(Box<FuncCall>),
    Traversal(Box<Traversal>),
    Unary(UnaryOperator, Box<Expr>),
    Binary(Box<(Expr, BinaryOperator, Expr)>),
    /// A `for` expression: never evaluated (its text is kept), so its
    /// parts are not kept either.
    For,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ObjectItem {
    pub key: ObjectKey,
    pub key_span: Sp,
    pub value: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ObjectKey {
    Ident(Box<str>),
    Expr(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FuncCall {
    pub name: Box<str>,
    /// `provider::x::name(…)`.
    pub namespaced: bool,
    pub args: Vec<Expr>,
    /// The last argument is expanded (`f(list...)`).
    pub expand_final: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Traversal {
    pub expr: Expr,
    pub ops: Vec<TraversalOp>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TraversalOp {
    GetAttr(Box<str>),
    Index(Expr),
    LegacyIndex(u64),
    /// `.*` or `[*]`.
    Splat,
}

/// A template's parts in order.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Template {
    pub elements: Vec<Element>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Element {
    Literal(Box<str>),
    /// `${ expr }`; `strip` when either side has `~`.
    Interpolation {
        expr: Expr,
        strip: bool,
    },
    If(Box<IfDirective>),
    /// `%{ for … }`: never rendered, so its parts are not kept.
    For,
}

/// `%{ if cond }…%{ else }…%{ endif }`; `strip` when any of its three
/// markers has `~`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IfDirective {
    pub cond: Expr,
    pub then: Template,
    pub otherwise: Option<Template>,
    pub strip: bool,
}

/// Parses a template (a string of Terraform's JSON syntax): the fast
/// parser first, hcl-edit when it refuses (files are parsed the same way,
/// in `files::parse_file`).
pub(crate) fn parse_template(text: &str) -> Result<Template, hcl_edit::parser::Error> {
    if let Some(t) = super::hclparse::parse_template(text) {
        return Ok(t);
    }
    hcl_edit::parser::parse_template(text).map(|t| from_edit::template(&t))
}

/// Parses one expression (tests), through hcl-edit.
#[cfg(test)]
pub(crate) fn parse_expr(text: &str) -> Result<Expr, hcl_edit::parser::Error> {
    hcl_edit::parser::parse_expr(text).map(|e| from_edit::expr(&e))
}

/// Conversion of hcl-edit's editing tree into ours, keeping every span.
pub(crate) mod from_edit {
    use super::*;

    pub(crate) fn body(b: &hcl_edit::structure::Body) -> Body {
        Body {
            structures: b
                .iter()
                .map(|s| match s {
                    EditStructure::Attribute(a) => Structure::Attribute(Attribute {
                        key: a.key.as_str().into(),
                        key_span: Sp::of(a.key.span()),
                        value: expr(&a.value),
                    }),
                    EditStructure::Block(b) => Structure::Block(Block {
                        ident: b.ident.as_str().into(),
                        ident_span: Sp::of(b.ident.span()),
                        labels: b
                            .labels
                            .iter()
                            .map(|l| Label {
                                value: l.as_str().into(),
                                span: Sp::of(match l {
                                    BlockLabel::Ident(i) => i.span(),
                                    BlockLabel::String(s) => s.span(),
                                }),
                            })
                            .collect(),
                        body: body(&b.body),
                        span: Sp::of(b.span()),
                    }),
                })
                .collect(),
        }
    }

    pub(crate) fn expr(e: &Expression) -> Expr {
        let kind = match e {
            Expression::Null(_) => ExprKind::Null,
            Expression::Bool(b) => ExprKind::Bool(*b.value()),
            Expression::Number(n) => ExprKind::Number(*n.value()),
            Expression::String(s) => ExprKind::String(s.value().as_str().into()),
            Expression::Array(a) => ExprKind::Array(a.iter().map(expr).collect()),
            Expression::Object(o) => ExprKind::Object(
                o.iter()
                    .map(|(k, v)| ObjectItem {
                        key: match k {
                            EditKey::Ident(i) => ObjectKey::Ident(i.as_str().into()),
                            EditKey::Expression(e) => ObjectKey::Expr(expr(e)),
                        },
                        key_span: Sp::of(k.span()),
                        value: expr(v.expr()),
                    })
                    .collect(),
            ),
            Expression::StringTemplate(t) => ExprKind::StringTemplate(Box::new(template(t))),
            Expression::HeredocTemplate(h) => ExprKind::Heredoc(Box::new(template(&h.template))),
            Expression::Parenthesis(p) => ExprKind::Parenthesis(Box::new(expr(p.inner()))),
            Expression::Variable(v) => ExprKind::Variable(v.as_str().into()),
            Expression::Conditional(c) => ExprKind::Conditional(Box::new([
                expr(&c.cond_expr),
                expr(&c.true_expr),
                expr(&c.false_expr),
            ])),
            Expression::FuncCall(f) => ExprKind::FuncCall(Box::new(FuncCall {
                name: f.name.name.as_str().into(),
                namespaced: f.name.is_namespaced(),
                args: f.args.iter().map(expr).collect(),
                expand_final: f.args.expand_final(),
            })),
            Expression::Traversal(t) => ExprKind::Traversal(Box::new(Traversal {
                expr: expr(&t.expr),
                ops: t
                    .operators
                    .iter()
                    .map(|o| match o.value() {
                        TraversalOperator::GetAttr(i) => TraversalOp::GetAttr(i.as_str().into()),
                        TraversalOperator::Index(e) => TraversalOp::Index(expr(e)),
                        TraversalOperator::LegacyIndex(i) => TraversalOp::LegacyIndex(*i.value()),
                        TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                            TraversalOp::Splat
                        }
                    })
                    .collect(),
            })),
            Expression::UnaryOp(u) => ExprKind::Unary(*u.operator.value(), Box::new(expr(&u.expr))),
            Expression::BinaryOp(b) => ExprKind::Binary(Box::new((
                expr(&b.lhs_expr),
                *b.operator.value(),
                expr(&b.rhs_expr),
            ))),
            Expression::ForExpr(_) => ExprKind::For,
        };
        Expr {
            kind,
            span: Sp::of(e.span()),
        }
    }

    pub(crate) fn template(t: &hcl_edit::template::Template) -> Template {
        Template {
            elements: t
                .iter()
                .map(|el| match el {
                    EditElement::Literal(s) => Element::Literal(s.value().as_str().into()),
                    EditElement::Interpolation(i) => Element::Interpolation {
                        expr: expr(&i.expr),
                        strip: i.strip != Strip::None,
                    },
                    EditElement::Directive(d) => match d.as_ref() {
                        Directive::If(d) => Element::If(Box::new(IfDirective {
                            cond: expr(&d.if_expr.cond_expr),
                            then: template(&d.if_expr.template),
                            otherwise: d.else_expr.as_ref().map(|e| template(&e.template)),
                            strip: d.if_expr.strip != Strip::None
                                || d.endif_expr.strip != Strip::None
                                || d.else_expr.as_ref().is_some_and(|e| e.strip != Strip::None),
                        })),
                        Directive::For(_) => Element::For,
                    },
                })
                .collect(),
        }
    }
}
