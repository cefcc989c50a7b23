//! Evaluation of Terraform expressions into spanned [`Node`]s, the way a
//! reviewer reads them: literals, `var.x`, `local.x`, templates whose parts
//! are all known, conditionals with a known condition, operators on known
//! values and a small set of pure built-in functions.
//!
//! Everything else (resource and data references, `each`/`count`/`self`,
//! `for` expressions, splats, impure or unlisted functions) becomes
//! [`Value::Unknown`] holding the expression's source text, trimmed. A
//! reference like `aws_s3_bucket.b.id` thus stays readable, so the engine
//! can link resources by address. Not a Terraform implementation: no type
//! conversion beyond what the functions below do, no provider schemas.

use super::hcl::{
    BinaryOperator, Element, Expr, ExprKind, FuncCall, Number, ObjectKey, Template, Traversal,
    TraversalOp, UnaryOperator,
};
use archgate_core::{Key, LineIndex, Node, Span, Value};
use std::cell::{Cell, RefCell};
use std::ops::Range;

/// A map keyed by names. Scopes are rebuilt for every module instance
/// (terraform-aws-vpc's root declares hundreds of variables and is
/// instantiated once per example), and SipHash on their names was a few
/// percent of a scan.
pub(crate) type NameMap<K, V> = archgate_core::hash::FxMap<K, V>;

/// How deep local-to-local references may chain before evaluation gives up
/// (guards the stack against pathological inputs).
const MAX_LOCAL_DEPTH: u32 = 64;

/// The text expressions were parsed from, to turn byte ranges into spans and
/// to take the source text of unresolved expressions.
#[derive(Clone, Copy)]
pub(crate) struct Src<'t> {
    pub text: &'t str,
    pub index: &'t LineIndex,
    /// Set for templates embedded in JSON strings: their ranges are relative
    /// to the string, so every value gets the JSON string's span instead.
    pub fixed: Option<Span>,
}

impl<'t> Src<'t> {
    pub fn new(text: &'t str, index: &'t LineIndex) -> Src<'t> {
        Src {
            text,
            index,
            fixed: None,
        }
    }

    pub fn span(&self, r: Option<Range<usize>>) -> Span {
        if let Some(s) = self.fixed {
            return s;
        }
        match r {
            Some(r) => {
                // Block spans end after the newline that follows `}`:
                // findings should end on the `}` line, as Checkov's do.
                let end = self
                    .text
                    .get(r.start..r.end)
                    .map_or(r.end, |t| r.start + t.trim_end().len());
                self.index.span(self.text, r.start, end)
            }
            None => Span::default(),
        }
    }

    fn text_of(&self, r: Option<Range<usize>>) -> String {
        r.and_then(|r| self.text.get(r))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    }
}

/// An expression as written in HCL or in Terraform's JSON syntax.
#[derive(Clone, Copy)]
pub(crate) enum Def<'a> {
    Hcl(&'a Expr),
    Json(&'a Node),
}

/// A `locals` entry: where it is written and its expression.
pub(crate) struct LocalDef<'a> {
    pub src: Src<'a>,
    pub def: Def<'a>,
}

enum Slot {
    Busy,
    /// The value and its [`cost`].
    Done(Node, usize),
}

/// How much copying values out of variables and locals one module instance
/// may do, in [`cost`] units (about a node or 32 bytes of string each).
/// Real modules stay far below; without a bound, locals that each double
/// the previous one (`l2 = [local.l1, local.l1]`) would grow exponentially.
const COPY_BUDGET: usize = 2_000_000;

/// Size of a value: one per node plus one per 32 bytes of text.
fn cost(n: &Node) -> usize {
    let own = match &n.value {
        Value::Str(s) | Value::Unknown(s) => 1 + s.len() / 32,
        _ => 1,
    };
    match &n.value {
        Value::Seq(items) => own + items.iter().map(cost).sum::<usize>(),
        Value::Map(entries) => {
            own + entries
                .iter()
                .map(|(k, v)| k.name.len() / 32 + cost(v))
                .sum::<usize>()
        }
        Value::Tagged(_, inner) => own + cost(inner),
        _ => own,
    }
}

/// The names one module instance can resolve: its variables (already
/// resolved values) and its locals (evaluated lazily, memoised, with cycle
/// detection).
#[derive(Default)]
pub(crate) struct Scope<'a> {
    /// Variable values set from outside: tfvars or module inputs.
    pub vars: NameMap<String, Node>,
    /// Module inputs (in `vars`, as null) that are the caller's own unset
    /// optional variables: treated like a `default = null` of this module.
    pub optional_inputs: Vec<String>,
    /// Variable defaults, evaluated only when used and not set from
    /// outside (a module with hundreds of variables is called many times).
    /// Keyed by names borrowed from the parsed files: no copy per instance.
    pub var_defaults: NameMap<&'a str, LocalDef<'a>>,
    pub locals: NameMap<&'a str, LocalDef<'a>>,
    memo_locals: RefCell<NameMap<&'a str, Slot>>,
    memo_defaults: RefCell<NameMap<&'a str, Slot>>,
    depth: Cell<u32>,
    /// Copies made so far, against [`COPY_BUDGET`].
    copied: Cell<usize>,
    /// A copy was refused for lack of budget.
    refused: Cell<bool>,
    /// Iterators of the `dynamic` blocks being expanded, innermost last:
    /// (name, key, value).
    iterators: RefCell<Vec<(String, Node, Node)>>,
    /// Nested blocks expanded from `dynamic` blocks so far.
    expanded: Cell<usize>,
}

/// Nested blocks one module instance may expand from `dynamic` blocks over
/// known collections; nested `dynamic` blocks multiply, so this bounds the
/// work on hostile input. Real modules expand a few dozen.
pub(crate) const MAX_DYNAMIC_BLOCKS: usize = 10_000;

fn unknown(text: String, span: Span) -> Node {
    Node::new(Value::Unknown(text), span)
}

/// Gives a value (and everything inside it) the span of the place it is
/// used: a variable's default lives in another file, and findings must point
/// at the resource that uses it.
pub(crate) fn respan(mut n: Node, span: Span) -> Node {
    set_span(&mut n, span);
    n
}

fn set_span(n: &mut Node, span: Span) {
    n.span = span;
    match &mut n.value {
        Value::Seq(items) => items.iter_mut().for_each(|i| set_span(i, span)),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            k.span = span;
            set_span(v, span)
        }),
        Value::Tagged(_, inner) => set_span(inner, span),
        _ => {}
    }
}

/// True when no part of the value is unresolved.
pub(crate) fn deep_known(n: &Node) -> bool {
    match &n.value {
        Value::Unknown(_) => false,
        Value::Seq(items) => items.iter().all(deep_known),
        Value::Map(entries) => entries.iter().all(|(_, v)| deep_known(v)),
        Value::Tagged(_, inner) => deep_known(inner),
        _ => true,
    }
}

/// Structural equality of values, ignoring spans.
fn value_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| value_eq(&a.value, &b.value))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| {
                    y.iter()
                        .any(|(k2, v2)| k.name == k2.name && value_eq(&v.value, &v2.value))
                })
        }
        (Value::Int(i), Value::Float(f)) | (Value::Float(f), Value::Int(i)) => *i as f64 == *f,
        _ => a == b,
    }
}

/// Renders a float the way Terraform prints numbers (`2` not `2.0`).
fn fmt_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// A scalar as template text; `None` for null, collections and unknowns.
pub(crate) fn scalar_string(n: &Node) -> Option<String> {
    match &n.value {
        Value::Str(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(fmt_float(*f)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// JSON for `jsonencode`; `None` when anything inside is unknown.
fn to_json(n: &Node) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    Some(match &n.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(f) => J::Number(serde_json::Number::from_f64(*f)?),
        Value::Str(s) => J::String(s.clone()),
        Value::Seq(items) => J::Array(items.iter().map(to_json).collect::<Option<_>>()?),
        Value::Map(entries) => {
            let mut m = serde_json::Map::new();
            for (k, v) in entries {
                m.insert(k.name.clone(), to_json(v)?);
            }
            J::Object(m)
        }
        Value::Unknown(_) | Value::Tagged(..) => return None,
    })
}

fn from_json(j: &serde_json::Value, span: Span, depth: u32) -> Option<Node> {
    use serde_json::Value as J;
    if depth > 128 {
        return None;
    }
    let v = match j {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64()?),
        },
        J::String(s) => Value::Str(s.clone()),
        J::Array(items) => Value::Seq(
            items
                .iter()
                .map(|i| from_json(i, span, depth + 1))
                .collect::<Option<_>>()?,
        ),
        J::Object(m) => Value::Map(
            m.iter()
                .map(|(k, v)| {
                    Some((
                        Key {
                            name: k.clone(),
                            span,
                        },
                        from_json(v, span, depth + 1)?,
                    ))
                })
                .collect::<Option<_>>()?,
        ),
    };
    Some(Node::new(v, span))
}

fn number(n: &Number) -> Value {
    match n.as_i64() {
        Some(i) => Value::Int(i),
        None => n.as_f64().map(Value::Float).unwrap_or(Value::Null),
    }
}

fn truthy(n: &Node) -> Option<bool> {
    match &n.value {
        Value::Bool(b) => Some(*b),
        Value::Str(s) if s == "true" => Some(true),
        Value::Str(s) if s == "false" => Some(false),
        _ => None,
    }
}

fn num(n: &Node) -> Option<f64> {
    match &n.value {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn int(n: &Node) -> Option<i64> {
    match &n.value {
        Value::Int(i) => Some(*i),
        Value::Float(f) if f.fract() == 0.0 => Some(*f as i64),
        Value::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Looks up `key` (a name or an index) in a known map or sequence.
fn index(base: &Node, key: &Node) -> Option<Node> {
    match &base.value {
        Value::Map(entries) => {
            let k = scalar_string(key)?;
            entries
                .iter()
                .find(|(e, _)| e.name == k)
                .map(|(_, v)| v.clone())
        }
        Value::Seq(items) => {
            let i = usize::try_from(int(key)?).ok()?;
            items.get(i).cloned()
        }
        _ => None,
    }
}

fn float_or_int(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        Value::Int(f as i64)
    } else {
        Value::Float(f)
    }
}

impl<'a> Scope<'a> {
    /// The value of `var.name`: set from outside, else its default.
    pub fn var(&self, name: &str) -> Option<Node> {
        match self.vars.get(name) {
            Some(n) => self.charge(cost(n)).then(|| n.clone()),
            None => self.lazy(&self.var_defaults, &self.memo_defaults, name),
        }
    }

    /// True when `var.name` is null only because nobody gave it a value:
    /// its default is `null` and it got no value, or the caller passed on
    /// such a variable of its own.
    pub fn unset_optional(&self, name: &str) -> bool {
        match self.vars.get(name) {
            Some(v) => v.is_null() && self.optional_inputs.iter().any(|o| o == name),
            None => self.var(name).is_some_and(|v| v.is_null()),
        }
    }

    /// Evaluates an attribute's whole value (a resource argument, a module
    /// input, a nested block's argument).
    ///
    /// A variable whose default is `null` and that got no value (no
    /// tfvars, no module input), written as the whole value (`x =
    /// var.name`, `x = "${var.name}"`), is unknown, not "unset":
    /// `default = null` is how a module marks an optional input whose
    /// value the caller decides, and a reader cannot tell what a caller
    /// would pass, so rules neither fail nor pass on it (Checkov leaves
    /// such values unresolved and passes them). Inside a larger expression
    /// the default `null` is used, as Checkov does: `var.x != null ? … : …`
    /// guards are how modules pick their no-input branch, and making them
    /// unknown hid real findings (recall on the Checkov corpora fell from
    /// 93.6% to 91.4%). An explicit `null` (tfvars, a module argument)
    /// stays null: that caller did decide.
    pub fn eval_attr(&self, src: &Src, e: &Expr) -> Node {
        let n = self.eval(src, e);
        if n.is_null() {
            if let Some((name, inner)) = bare_var(e) {
                if self.unset_optional(name) {
                    return unknown(src.text_of(Some(inner.span.range())), n.span);
                }
            }
        }
        n
    }

    /// [`Scope::eval_attr`] for a value in Terraform's JSON syntax.
    pub fn eval_json_attr(&self, src: &Src, j: &Node) -> Node {
        let n = self.eval_json(src, j);
        if n.is_null() {
            if let Value::Str(s) = &j.value {
                let name = s
                    .trim()
                    .strip_prefix("${")
                    .and_then(|r| r.strip_suffix('}'))
                    .map(str::trim)
                    .and_then(|r| r.strip_prefix("var."))
                    .filter(|r| {
                        r.chars()
                            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                    });
                if let Some(name) = name {
                    if self.unset_optional(name) {
                        return unknown(format!("var.{name}"), n.span);
                    }
                }
            }
        }
        n
    }

    /// Books `blocks` expanded `dynamic` blocks; false (and the "some values
    /// were left unknown" note) when that would pass [`MAX_DYNAMIC_BLOCKS`].
    pub fn expand(&self, blocks: usize) -> bool {
        let total = self.expanded.get().saturating_add(blocks);
        if total > MAX_DYNAMIC_BLOCKS {
            self.refused.set(true);
            return false;
        }
        self.expanded.set(total);
        true
    }

    /// Binds a `dynamic` block's iterator (`name.key`, `name.value`) while
    /// its `content` is evaluated; [`Scope::pop_iterator`] undoes it.
    pub fn push_iterator(&self, name: &str, key: Node, value: Node) {
        self.iterators
            .borrow_mut()
            .push((name.to_string(), key, value));
    }

    pub fn pop_iterator(&self) {
        self.iterators.borrow_mut().pop();
    }

    /// `name.key` / `name.value` of the innermost iterator called `name`.
    fn iterator(&self, name: &str, attr: &str) -> Option<Node> {
        let iters = self.iterators.borrow();
        let (_, key, value) = iters.iter().rev().find(|(n, _, _)| n == name)?;
        match attr {
            "key" => Some(key.clone()),
            "value" => self.charge(cost(value)).then(|| value.clone()),
            _ => None,
        }
    }

    /// True when the copy budget ran out and some values were left unknown.
    pub fn exhausted(&self) -> bool {
        self.refused.get()
    }

    /// Books a copy of `units` against the budget; false when exhausted.
    /// Refused copies are not booked, so small values stay available
    /// after a huge one was turned away.
    fn charge(&self, units: usize) -> bool {
        let total = self.copied.get().saturating_add(units);
        if total > COPY_BUDGET {
            self.refused.set(true);
            return false;
        }
        self.copied.set(total);
        true
    }

    /// The value of `local.name`, or `None` when undefined, cyclic or too deep.
    fn local(&self, name: &str) -> Option<Node> {
        self.lazy(&self.locals, &self.memo_locals, name)
    }

    fn lazy(
        &self,
        defs: &NameMap<&'a str, LocalDef<'a>>,
        memo: &RefCell<NameMap<&'a str, Slot>>,
        name: &str,
    ) -> Option<Node> {
        match memo.borrow().get(name) {
            Some(Slot::Busy) => return None,
            Some(Slot::Done(n, c)) => return self.charge(*c).then(|| n.clone()),
            None => {}
        }
        let (&key, def) = defs.get_key_value(name)?;
        if self.depth.get() >= MAX_LOCAL_DEPTH {
            return None;
        }
        memo.borrow_mut().insert(key, Slot::Busy);
        self.depth.set(self.depth.get() + 1);
        // Locals and defaults cannot see a `dynamic` block's iterator, and
        // their memoised values must not depend on where they were first used.
        let iterators = std::mem::take(&mut *self.iterators.borrow_mut());
        let n = match def.def {
            Def::Hcl(e) => self.eval(&def.src, e),
            Def::Json(j) => self.eval_json(&def.src, j),
        };
        *self.iterators.borrow_mut() = iterators;
        self.depth.set(self.depth.get() - 1);
        let c = cost(&n);
        let out = self.charge(c).then(|| n.clone());
        memo.borrow_mut().insert(key, Slot::Done(n, c));
        out
    }

    /// Evaluates a value written in Terraform's JSON syntax: strings are
    /// templates there (`"${var.env}"`); everything else is taken as written.
    pub fn eval_json(&self, src: &Src, j: &Node) -> Node {
        let value = match &j.value {
            Value::Str(s) if s.contains("${") || s.contains("%{") => {
                return match super::hcl::parse_template(s) {
                    Ok(t) => {
                        let inner = Src {
                            text: s,
                            index: src.index,
                            fixed: Some(j.span),
                        };
                        self.eval_template(&inner, &t, Some(0..s.len()), j.span)
                    }
                    Err(_) => unknown(s.clone(), j.span),
                };
            }
            Value::Seq(items) => Value::Seq(items.iter().map(|i| self.eval_json(src, i)).collect()),
            Value::Map(entries) => Value::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), self.eval_json(src, v)))
                    .collect(),
            ),
            other => other.clone(),
        };
        Node::new(value, j.span)
    }

    /// Evaluates an HCL expression.
    pub fn eval(&self, src: &Src, e: &Expr) -> Node {
        let range = Some(e.span.range());
        let span = src.span(range.clone());
        let value = match &e.kind {
            ExprKind::Null => Value::Null,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Number(n) => number(n),
            ExprKind::String(s) => Value::Str(String::from(&**s)),
            ExprKind::Array(a) => Value::Seq(a.iter().map(|x| self.eval(src, x)).collect()),
            ExprKind::Object(o) => {
                let mut entries = Vec::with_capacity(o.len());
                for item in o {
                    let name = match &item.key {
                        ObjectKey::Ident(id) => Some(String::from(&**id)),
                        ObjectKey::Expr(ke) => scalar_string(&self.eval(src, ke)),
                    };
                    // An unresolved key makes the whole object unknown:
                    // there is no honest name to file the value under.
                    let Some(name) = name else {
                        return unknown(src.text_of(range), span);
                    };
                    let key = Key {
                        name,
                        span: src.span(Some(item.key_span.range())),
                    };
                    entries.push((key, self.eval(src, &item.value)));
                }
                Value::Map(entries)
            }
            ExprKind::StringTemplate(t) | ExprKind::Heredoc(t) => {
                return self.eval_template(src, t, range, span)
            }
            ExprKind::Parenthesis(p) => {
                let mut n = self.eval(src, p);
                n.span = span;
                return n;
            }
            ExprKind::Conditional(c) => {
                let [cond, yes, no] = &**c;
                match truthy(&self.eval(src, cond)) {
                    Some(true) => return self.eval(src, yes),
                    Some(false) => return self.eval(src, no),
                    None => Value::Unknown(src.text_of(range)),
                }
            }
            ExprKind::FuncCall(f) => match self.call(src, f, span) {
                Some(v) => v,
                None => Value::Unknown(src.text_of(range)),
            },
            ExprKind::Traversal(t) => return self.traverse(src, t, range, span),
            ExprKind::Unary(op, operand) => {
                let inner = self.eval(src, operand);
                let v = match op {
                    UnaryOperator::Neg => match inner.value {
                        Value::Int(i) => i.checked_neg().map(Value::Int),
                        Value::Float(f) => Some(Value::Float(-f)),
                        _ => None,
                    },
                    UnaryOperator::Not => truthy(&inner).map(|b| Value::Bool(!b)),
                };
                v.unwrap_or_else(|| Value::Unknown(src.text_of(range)))
            }
            ExprKind::Binary(b) => {
                let (lhs, op, rhs) = &**b;
                let l = self.eval(src, lhs);
                let r = self.eval(src, rhs);
                binary(*op, &l, &r).unwrap_or_else(|| Value::Unknown(src.text_of(range)))
            }
            ExprKind::Variable(_) | ExprKind::For => Value::Unknown(src.text_of(range)),
        };
        Node::new(value, span)
    }

    fn traverse(&self, src: &Src, t: &Traversal, range: Option<Range<usize>>, span: Span) -> Node {
        let ops = &t.ops;
        let (mut cur, rest) = match &t.expr.kind {
            ExprKind::Variable(root) => {
                let first = match ops.first() {
                    Some(TraversalOp::GetAttr(id)) => &**id,
                    _ => return unknown(src.text_of(range), span),
                };
                let found = match &**root {
                    "var" => self.var(first),
                    "local" => self.local(first),
                    // A `dynamic` block's iterator over a known collection.
                    // Otherwise resources, data sources, modules,
                    // each/count/self, path and terraform: known only at
                    // plan time.
                    root => self.iterator(root, first),
                };
                match found {
                    Some(n) => (n, &ops[1..]),
                    None => return unknown(src.text_of(range), span),
                }
            }
            _ => (self.eval(src, &t.expr), &ops[..]),
        };
        if rest.is_empty() {
            // `var.x` alone: the value itself, even when it is unknown (a
            // module input such as `aws_s3_bucket.b.id` keeps its text).
            return respan(cur, span);
        }
        for op in rest {
            let next = match op {
                TraversalOp::GetAttr(id) => {
                    index(&cur, &Node::new(Value::Str(String::from(&**id)), span))
                }
                TraversalOp::Index(e) => {
                    let k = self.eval(src, e);
                    index(&cur, &k)
                }
                TraversalOp::LegacyIndex(i) => index(&cur, &Node::new(Value::Int(*i as i64), span)),
                TraversalOp::Splat => None,
            };
            match next {
                Some(n) => cur = n,
                None => return unknown(src.text_of(range), span),
            }
        }
        respan(cur, span)
    }

    /// A template: a string when every part is known, the single
    /// interpolation's own value for `"${x}"`, else unknown.
    fn eval_template(
        &self,
        src: &Src,
        t: &Template,
        range: Option<Range<usize>>,
        span: Span,
    ) -> Node {
        if let [Element::Interpolation { expr, strip: false }] = t.elements.as_slice() {
            let mut n = self.eval(src, expr);
            n.span = span;
            return n;
        }
        let mut out = String::new();
        if self.render(src, t, &mut out) {
            Node::new(Value::Str(out), span)
        } else {
            unknown(src.text_of(range), span)
        }
    }

    fn render(&self, src: &Src, t: &Template, out: &mut String) -> bool {
        for el in &t.elements {
            match el {
                Element::Literal(s) => out.push_str(s),
                Element::Interpolation { expr, strip } => {
                    // Whitespace stripping (`${~ x ~}`) is not modelled:
                    // rather unknown than a subtly wrong string.
                    if *strip {
                        return false;
                    }
                    match scalar_string(&self.eval(src, expr)) {
                        Some(s) => out.push_str(&s),
                        None => return false,
                    }
                }
                Element::If(d) => {
                    if d.strip {
                        return false;
                    }
                    match truthy(&self.eval(src, &d.cond)) {
                        Some(true) => {
                            if !self.render(src, &d.then, out) {
                                return false;
                            }
                        }
                        Some(false) => {
                            if let Some(e) = &d.otherwise {
                                if !self.render(src, e, out) {
                                    return false;
                                }
                            }
                        }
                        None => return false,
                    }
                }
                Element::For => return false,
            }
        }
        true
    }

    /// Built-in functions on known arguments; `None` means unknown.
    fn call(&self, src: &Src, f: &FuncCall, span: Span) -> Option<Value> {
        if f.namespaced || f.expand_final {
            return None;
        }
        let name = &*f.name;
        if !KNOWN_FUNCTIONS.contains(&name) {
            return None;
        }
        let args: Vec<Node> = f.args.iter().map(|a| self.eval(src, a)).collect();
        call_builtin(name, &args, span)
    }
}

const KNOWN_FUNCTIONS: &[&str] = &[
    "abs",
    "coalesce",
    "compact",
    "concat",
    "contains",
    "distinct",
    "element",
    "flatten",
    "format",
    "join",
    "jsondecode",
    "jsonencode",
    "keys",
    "length",
    "lookup",
    "lower",
    "max",
    "merge",
    "min",
    "replace",
    "split",
    "tobool",
    "tolist",
    "tomap",
    "tonumber",
    "toset",
    "tostring",
    "trimspace",
    "upper",
    "values",
];

fn binary(op: BinaryOperator, l: &Node, r: &Node) -> Option<Value> {
    use BinaryOperator as B;
    match op {
        B::Eq | B::NotEq => {
            if !deep_known(l) || !deep_known(r) {
                return None;
            }
            let eq = value_eq(&l.value, &r.value);
            Some(Value::Bool(if op == B::Eq { eq } else { !eq }))
        }
        B::And => Some(Value::Bool(truthy(l)? && truthy(r)?)),
        B::Or => Some(Value::Bool(truthy(l)? || truthy(r)?)),
        B::Less | B::LessEq | B::Greater | B::GreaterEq => {
            let (a, b) = (num(l)?, num(r)?);
            Some(Value::Bool(match op {
                B::Less => a < b,
                B::LessEq => a <= b,
                B::Greater => a > b,
                _ => a >= b,
            }))
        }
        B::Plus | B::Minus | B::Mul | B::Div | B::Mod => {
            if let (Value::Int(a), Value::Int(b)) = (&l.value, &r.value) {
                let v = match op {
                    B::Plus => a.checked_add(*b),
                    B::Minus => a.checked_sub(*b),
                    B::Mul => a.checked_mul(*b),
                    B::Mod => a.checked_rem(*b),
                    _ => {
                        return (*b != 0).then(|| float_or_int(*a as f64 / *b as f64));
                    }
                };
                return v.map(Value::Int);
            }
            let (a, b) = (num(l)?, num(r)?);
            let v = match op {
                B::Plus => a + b,
                B::Minus => a - b,
                B::Mul => a * b,
                B::Div if b != 0.0 => a / b,
                B::Mod if b != 0.0 => a % b,
                _ => return None,
            };
            v.is_finite().then(|| float_or_int(v))
        }
    }
}

fn seq(n: &Node) -> Option<&[Node]> {
    match &n.value {
        Value::Seq(items) => Some(items),
        _ => None,
    }
}

fn string(n: &Node) -> Option<String> {
    scalar_string(n)
}

fn call_builtin(name: &str, args: &[Node], span: Span) -> Option<Value> {
    let arg = |i: usize| args.get(i);
    let one = || if args.len() == 1 { args.first() } else { None };
    Some(match name {
        "lower" => Value::Str(string(one()?)?.to_lowercase()),
        "upper" => Value::Str(string(one()?)?.to_uppercase()),
        "trimspace" => Value::Str(string(one()?)?.trim().to_string()),
        "tostring" => match &one()?.value {
            Value::Null => Value::Null,
            _ => Value::Str(string(one()?)?),
        },
        "tonumber" => match &one()?.value {
            Value::Null => Value::Null,
            Value::Int(i) => Value::Int(*i),
            Value::Float(f) => Value::Float(*f),
            Value::Str(s) => match s.trim().parse::<i64>() {
                Ok(i) => Value::Int(i),
                Err(_) => Value::Float(s.trim().parse::<f64>().ok().filter(|f| f.is_finite())?),
            },
            _ => return None,
        },
        "tobool" => match &one()?.value {
            Value::Null => Value::Null,
            _ => Value::Bool(truthy(one()?)?),
        },
        "tolist" => Value::Seq(seq(one()?)?.to_vec()),
        "toset" | "distinct" => {
            let items = seq(one()?)?;
            if !items.iter().all(deep_known) {
                return None;
            }
            let mut out: Vec<Node> = Vec::with_capacity(items.len());
            for i in items {
                if !out.iter().any(|o| value_eq(&o.value, &i.value)) {
                    out.push(i.clone());
                }
            }
            Value::Seq(out)
        }
        "tomap" => match &one()?.value {
            Value::Map(m) => Value::Map(m.clone()),
            _ => return None,
        },
        "concat" => {
            let mut out = Vec::new();
            for a in args {
                out.extend_from_slice(seq(a)?);
            }
            Value::Seq(out)
        }
        "merge" => {
            let mut out: Vec<(Key, Node)> = Vec::new();
            for a in args {
                match &a.value {
                    Value::Null => {}
                    Value::Map(entries) => {
                        for (k, v) in entries {
                            match out.iter_mut().find(|(o, _)| o.name == k.name) {
                                Some(slot) => *slot = (k.clone(), v.clone()),
                                None => out.push((k.clone(), v.clone())),
                            }
                        }
                    }
                    _ => return None,
                }
            }
            Value::Map(out)
        }
        "lookup" => {
            if !(2..=3).contains(&args.len()) {
                return None;
            }
            let map = arg(0)?;
            let key = string(arg(1)?)?;
            let Value::Map(entries) = &map.value else {
                return None;
            };
            match entries.iter().find(|(k, _)| k.name == key) {
                Some((_, v)) => v.value.clone(),
                None => arg(2)?.value.clone(),
            }
        }
        "format" => Value::Str(format(&string(arg(0)?)?, args.get(1..)?)?),
        "jsonencode" => Value::Str(serde_json::to_string(&to_json(one()?)?).ok()?),
        "jsondecode" => {
            let j: serde_json::Value = serde_json::from_str(&string(one()?)?).ok()?;
            from_json(&j, span, 0)?.value
        }
        "join" => {
            if args.len() < 2 {
                return None;
            }
            let sep = string(arg(0)?)?;
            let mut parts = Vec::new();
            for list in args.get(1..)? {
                for i in seq(list)? {
                    parts.push(string(i)?);
                }
            }
            Value::Str(parts.join(&sep))
        }
        "split" => {
            let (sep, s) = (string(arg(0)?)?, string(arg(1)?)?);
            if args.len() != 2 || sep.is_empty() {
                return None;
            }
            Value::Seq(
                s.split(sep.as_str())
                    .map(|p| Node::new(Value::Str(p.to_string()), span))
                    .collect(),
            )
        }
        "length" => match &one()?.value {
            Value::Seq(items) => Value::Int(items.len() as i64),
            Value::Map(entries) => Value::Int(entries.len() as i64),
            Value::Str(s) => Value::Int(s.chars().count() as i64),
            _ => return None,
        },
        "coalesce" => {
            for a in args {
                match &a.value {
                    Value::Null => continue,
                    Value::Str(s) if s.is_empty() => continue,
                    Value::Unknown(_) => return None,
                    v => return Some(v.clone()),
                }
            }
            return None;
        }
        "compact" => {
            let items = seq(one()?)?;
            let mut out = Vec::new();
            for i in items {
                match &i.value {
                    Value::Null => {}
                    Value::Str(s) if s.is_empty() => {}
                    Value::Str(_) => out.push(i.clone()),
                    _ => return None,
                }
            }
            Value::Seq(out)
        }
        "flatten" => {
            fn flat(items: &[Node], out: &mut Vec<Node>) -> bool {
                for i in items {
                    match &i.value {
                        Value::Seq(inner) => {
                            if !flat(inner, out) {
                                return false;
                            }
                        }
                        Value::Unknown(_) => return false,
                        _ => out.push(i.clone()),
                    }
                }
                true
            }
            let mut out = Vec::new();
            if !flat(seq(one()?)?, &mut out) {
                return None;
            }
            Value::Seq(out)
        }
        "contains" => {
            let (list, v) = (seq(arg(0)?)?, arg(1)?);
            if args.len() != 2 || !deep_known(v) {
                return None;
            }
            if list.iter().any(|i| value_eq(&i.value, &v.value)) {
                Value::Bool(true)
            } else if list.iter().all(deep_known) {
                Value::Bool(false)
            } else {
                return None;
            }
        }
        "keys" | "values" => {
            let Value::Map(entries) = &one()?.value else {
                return None;
            };
            let mut sorted: Vec<&(Key, Node)> = entries.iter().collect();
            sorted.sort_by(|a, b| a.0.name.cmp(&b.0.name));
            Value::Seq(
                sorted
                    .into_iter()
                    .map(|(k, v)| {
                        if name == "keys" {
                            Node::new(Value::Str(k.name.clone()), span)
                        } else {
                            v.clone()
                        }
                    })
                    .collect(),
            )
        }
        "element" => {
            let (list, i) = (seq(arg(0)?)?, int(arg(1)?)?);
            if list.is_empty() || i < 0 {
                return None;
            }
            list.get(usize::try_from(i).ok()? % list.len())?
                .value
                .clone()
        }
        "min" | "max" => {
            let nums: Vec<f64> = args.iter().map(num).collect::<Option<_>>()?;
            let first = *nums.first()?;
            let v =
                nums.iter().copied().fold(
                    first,
                    |a, b| {
                        if name == "min" {
                            a.min(b)
                        } else {
                            a.max(b)
                        }
                    },
                );
            float_or_int(v)
        }
        "abs" => match &one()?.value {
            Value::Int(i) => Value::Int(i.checked_abs()?),
            _ => Value::Float(num(one()?)?.abs()),
        },
        "replace" => {
            let (s, from, to) = (string(arg(0)?)?, string(arg(1)?)?, string(arg(2)?)?);
            // `/…/` patterns are regular expressions in Terraform: not modelled.
            if args.len() != 3
                || from.is_empty()
                || (from.len() > 1 && from.starts_with('/') && from.ends_with('/'))
            {
                return None;
            }
            Value::Str(s.replace(&from, &to))
        }
        _ => return None,
    })
}

/// `var.NAME` written alone (also as `"${var.NAME}"` or in parentheses):
/// the name and the traversal expression.
fn bare_var(e: &Expr) -> Option<(&str, &Expr)> {
    match &e.kind {
        ExprKind::Traversal(t) => {
            let ExprKind::Variable(root) = &t.expr.kind else {
                return None;
            };
            match t.ops.as_slice() {
                [TraversalOp::GetAttr(id)] if &**root == "var" => Some((&**id, e)),
                _ => None,
            }
        }
        ExprKind::StringTemplate(t) => match t.elements.as_slice() {
            [Element::Interpolation { expr, strip: false }] => bare_var(expr),
            _ => None,
        },
        ExprKind::Parenthesis(p) => bare_var(p),
        _ => None,
    }
}

/// Terraform's `format` for the common verbs (`%s`, `%d`, `%v`, `%%`);
/// anything else (widths, `%q`, `%f`) is left unknown.
fn format(fmt: &str, args: &[Node]) -> Option<String> {
    let mut out = String::new();
    let mut next = args.iter();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '%' => out.push('%'),
            's' | 'v' => out.push_str(&scalar_string(next.next()?)?),
            'd' => out.push_str(&int(next.next()?)?.to_string()),
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval_in(scope: &Scope, expr: &str) -> Node {
        let e = super::super::hcl::parse_expr(expr).unwrap();
        let idx = LineIndex::new(expr);
        scope.eval(&Src::new(expr, &idx), &e)
    }

    fn json(n: &Node) -> serde_json::Value {
        n.to_json()
    }

    #[test]
    fn literals_and_collections() {
        let s = Scope::default();
        let n = eval_in(&s, r#"{ a = 1, "b" = [true, null, 2.5, "x"] }"#);
        assert_eq!(
            json(&n),
            serde_json::json!({"a": 1, "b": [true, null, 2.5, "x"]})
        );
        let (k, v) = n.entry("b").unwrap();
        assert_eq!((k.span.col, v.span.col), (10, 16));
    }

    #[test]
    fn variables_locals_and_templates() {
        let mut s = Scope::default();
        s.vars.insert(
            "env".into(),
            Node::new(Value::Str("prod".into()), Span::default()),
        );
        let ltext = "upper(var.env)";
        let lexpr = super::super::hcl::parse_expr(ltext).unwrap();
        let lidx = LineIndex::new(ltext);
        s.locals.insert(
            "up",
            LocalDef {
                src: Src::new(ltext, &lidx),
                def: Def::Hcl(&lexpr),
            },
        );
        assert_eq!(
            eval_in(&s, r#""app-${var.env}""#).as_str(),
            Some("app-prod")
        );
        assert_eq!(eval_in(&s, r#""${local.up}-x""#).as_str(), Some("PROD-x"));
        let n = eval_in(&s, r#"var.env == "prod" ? 1 : 2"#);
        assert_eq!(n.as_i64(), Some(1));
        // A used value takes the span of the use site.
        let n = eval_in(&s, "[ var.env]");
        assert_eq!(n.as_seq().unwrap()[0].span.col, 3);
        assert!(eval_in(&s, "var.missing").is_unknown());
        assert!(eval_in(&s, r#""${var.missing}-x""#).is_unknown());
    }

    #[test]
    fn references_stay_unknown_with_their_text() {
        let s = Scope::default();
        let n = eval_in(&s, "aws_s3_bucket.b.id");
        assert_eq!(n.value, Value::Unknown("aws_s3_bucket.b.id".into()));
        let n = eval_in(&s, r#""${aws_kms_key.k.arn}""#);
        assert_eq!(n.value, Value::Unknown("aws_kms_key.k.arn".into()));
        let n = eval_in(&s, r#""${aws_s3_bucket.b.arn}/*""#);
        assert_eq!(
            n.value,
            Value::Unknown(r#""${aws_s3_bucket.b.arn}/*""#.into())
        );
        assert!(eval_in(&s, "[for x in var.l : x]").is_unknown());
        assert!(eval_in(&s, "var.c ? 1 : 2").is_unknown());
        assert!(eval_in(&s, "file(\"x\")").is_unknown());
    }

    #[test]
    fn cyclic_locals_are_unknown() {
        let mut s = Scope::default();
        let (ta, tb) = ("local.b", "local.a");
        let (ea, eb) = (
            super::super::hcl::parse_expr(ta).unwrap(),
            super::super::hcl::parse_expr(tb).unwrap(),
        );
        let (ia, ib) = (LineIndex::new(ta), LineIndex::new(tb));
        s.locals.insert(
            "a",
            LocalDef {
                src: Src::new(ta, &ia),
                def: Def::Hcl(&ea),
            },
        );
        s.locals.insert(
            "b",
            LocalDef {
                src: Src::new(tb, &ib),
                def: Def::Hcl(&eb),
            },
        );
        assert!(eval_in(&s, "local.a").is_unknown());
        assert!(eval_in(&s, "local.b").is_unknown());
    }

    #[test]
    fn doubling_locals_hit_the_copy_budget() {
        let mut s = Scope::default();
        let texts: Vec<String> = (0..60)
            .map(|i| {
                if i == 0 {
                    "[\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"]".to_string()
                } else {
                    format!("concat(local.l{0}, local.l{0})", i - 1)
                }
            })
            .collect();
        let exprs: Vec<Expr> = texts
            .iter()
            .map(|t| super::super::hcl::parse_expr(t).unwrap())
            .collect();
        let idx: Vec<LineIndex> = texts.iter().map(|t| LineIndex::new(t)).collect();
        let names: Vec<String> = (0..60).map(|i| format!("l{i}")).collect();
        for i in 0..60 {
            s.locals.insert(
                &names[i],
                LocalDef {
                    src: Src::new(&texts[i], &idx[i]),
                    def: Def::Hcl(&exprs[i]),
                },
            );
        }
        assert_eq!(eval_in(&s, "length(local.l3)").as_i64(), Some(8));
        assert!(eval_in(&s, "local.l59").is_unknown());
    }

    #[test]
    fn functions() {
        let s = Scope::default();
        let n = eval_in(
            &s,
            r#"jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["s3:*"] }] })"#,
        );
        let j: serde_json::Value = serde_json::from_str(n.as_str().unwrap()).unwrap();
        assert_eq!(j["Statement"][0]["Action"][0], "s3:*");
        assert!(eval_in(&s, "jsonencode({ a = aws_s3_bucket.b.arn })").is_unknown());
        let n = eval_in(&s, r#"merge({ a = 1, b = 2 }, { b = 3 }, null)"#);
        assert_eq!(json(&n), serde_json::json!({"a": 1, "b": 3}));
        assert_eq!(
            eval_in(&s, r#"lookup({ a = "x" }, "b", "d")"#).as_str(),
            Some("d")
        );
        assert!(eval_in(&s, r#"lookup({ a = "x" }, "b")"#).is_unknown());
        assert_eq!(
            eval_in(&s, r#"format("%s-%d%%", "a", 3)"#).as_str(),
            Some("a-3%")
        );
        assert_eq!(
            json(&eval_in(&s, r#"concat(["a"], tolist(["b"]))"#)),
            serde_json::json!(["a", "b"])
        );
        assert_eq!(eval_in(&s, r#"join(",", ["a", 1])"#).as_str(), Some("a,1"));
        assert_eq!(eval_in(&s, "length([1, 2, 3]) * 2").as_i64(), Some(6));
        assert_eq!(eval_in(&s, "7 / 2").as_f64(), Some(3.5));
        assert!(eval_in(&s, "1 / 0").is_unknown());
        assert_eq!(eval_in(&s, "!(1 < 2) || true").as_bool(), Some(true));
        assert_eq!(eval_in(&s, "{ a = [5, 6] }.a[1]").as_i64(), Some(6));
        assert_eq!(
            eval_in(&s, r#"coalesce("", null, "z")"#).as_str(),
            Some("z")
        );
    }

    #[test]
    fn template_directives() {
        let s = Scope::default();
        assert_eq!(
            eval_in(&s, r#""a%{ if true }b%{ else }c%{ endif }""#).as_str(),
            Some("ab")
        );
        assert!(eval_in(&s, r#""%{ for x in [1] }${x}%{ endfor }""#).is_unknown());
        let heredoc = "<<EOF\nhello ${upper(\"w\")}\nEOF\n";
        assert_eq!(eval_in(&s, heredoc.trim_end()).as_str(), Some("hello W\n"));
    }

    #[test]
    fn json_strings_are_templates() {
        let mut s = Scope::default();
        s.vars.insert(
            "env".into(),
            Node::new(Value::Str("dev".into()), Span::default()),
        );
        let t = r#"{"a": "x-${var.env}", "b": "${aws_s3_bucket.b.id}", "c": 3}"#;
        let j = crate::json::parse("t.json", t).unwrap();
        let idx = LineIndex::new(t);
        let n = s.eval_json(&Src::new(t, &idx), &j);
        assert_eq!(n.get("a").unwrap().as_str(), Some("x-dev"));
        assert_eq!(
            n.get("b").unwrap().value,
            Value::Unknown("aws_s3_bucket.b.id".into())
        );
        assert_eq!(n.get("b").unwrap().span.col, 28);
        assert_eq!(n.get("c").unwrap().as_i64(), Some(3));
    }
}
