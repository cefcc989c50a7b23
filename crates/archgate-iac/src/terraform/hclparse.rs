//! A single-pass HCL parser that builds [`super::hcl`]'s tree straight
//! from the bytes: no parser combinators, no backtracking beyond a saved
//! offset, no layout kept. It reads the native syntax the way hcl-edit
//! does (same grammar, same spans, same tree), and refuses (returns
//! `None`) on anything it does not accept, from syntax errors to
//! pathological nesting; [`super::hcl::parse_body`] then asks hcl-edit,
//! which reports the error (or, should this parser ever refuse valid
//! input, parses it). So a refusal costs time, never a result; what must
//! never happen is a different tree, and the tests check the trees are
//! identical to hcl-edit's on every `.tf` file of the shared corpus.
//!
//! Not for: error messages (hcl-edit's are kept), Terraform's JSON syntax
//! (`crate::json`).

use super::hcl::{
    BinaryOperator, Block, Body, Element, Expr, ExprKind, FuncCall, IfDirective, Label, Number,
    ObjectItem, ObjectKey, Sp, Structure, Template, Traversal, TraversalOp, UnaryOperator,
};
use archgate_core::hash::FxSet;
use hcl_primitives::ident::{is_id_continue, is_id_start};

/// Nesting deeper than hcl-edit's limit (64 levels) is left to it.
const MAX_DEPTH: usize = 64;
/// Binary operators in one attribute's expression beyond which hcl-edit
/// (which allows 128 chained) is asked instead.
const MAX_OPERATORS: usize = 64;

/// Parses a whole file; `None` when hcl-edit should.
pub(crate) fn parse_body(text: &str) -> Option<Body> {
    let mut p = Parser::new(text);
    let structures = p.body()?;
    p.ws()?;
    (p.i == p.b.len()).then_some(Body { structures })
}

/// Parses a bare template (a Terraform JSON string); `None` when hcl-edit should.
pub(crate) fn parse_template(text: &str) -> Option<Template> {
    let mut p = Parser::new(text);
    let elements = p.elements(Mode::Bare)?;
    (p.i == p.b.len()).then_some(Template { elements })
}

/// What ends a template literal.
#[derive(Clone, Copy)]
enum Mode<'d> {
    /// A quoted string: `"`, `\` escapes, `${`, `%{`.
    Quoted,
    /// A heredoc: `${`, `%{`, or a line holding only the delimiter.
    Heredoc(&'d str),
    /// A template on its own (directive bodies, JSON strings): `${`, `%{`.
    Bare,
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    depth: usize,
    operators: usize,
}

type R<T> = Option<T>;

impl<'a> Parser<'a> {
    fn new(s: &'a str) -> Parser<'a> {
        Parser {
            s,
            b: s.as_bytes(),
            i: 0,
            depth: 0,
            operators: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn at(&self, lit: &[u8]) -> bool {
        self.b[self.i..].starts_with(lit)
    }

    fn eat(&mut self, c: u8) -> R<()> {
        (self.peek() == Some(c)).then(|| self.i += 1)
    }

    fn eat_str(&mut self, lit: &str) -> R<()> {
        self.at(lit.as_bytes()).then(|| self.i += lit.len())
    }

    fn span(&self, start: usize) -> Sp {
        Sp::new(start, self.i)
    }

    fn char_at(&self, i: usize) -> Option<char> {
        self.s.get(i..).and_then(|r| r.chars().next())
    }

    fn id_start_here(&self) -> bool {
        match self.peek() {
            Some(c) if c.is_ascii() => c.is_ascii_alphabetic() || c == b'_',
            Some(_) => self.char_at(self.i).is_some_and(is_id_start),
            None => false,
        }
    }

    /// An identifier: an XID start (or `_`), then XID continues or `-`.
    fn ident(&mut self) -> R<&'a str> {
        if !self.id_start_here() {
            return None;
        }
        let start = self.i;
        while let Some(c) = self.peek() {
            if c.is_ascii() {
                if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' {
                    self.i += 1;
                } else {
                    break;
                }
            } else {
                match self.char_at(self.i) {
                    Some(ch) if is_id_continue(ch) => self.i += ch.len_utf8(),
                    _ => break,
                }
            }
        }
        Some(&self.s[start..self.i])
    }

    /// Skips an inline `/* … */` comment at the cursor.
    fn block_comment(&mut self) -> R<()> {
        let end = find(&self.b[self.i + 2..], b"*/")?;
        self.i += 2 + end + 2;
        Some(())
    }

    /// Skips a `#` or `//` comment up to (not including) its line ending.
    fn line_comment(&mut self) -> R<()> {
        let rest = &self.b[self.i..];
        match rest.iter().position(|&c| c == b'\n' || c == b'\r') {
            None => self.i = self.b.len(),
            Some(n) => {
                // A lone carriage return is not a line ending.
                if rest[n] == b'\r' && rest.get(n + 1) != Some(&b'\n') {
                    return None;
                }
                self.i += n;
            }
        }
        Some(())
    }

    fn at_line_comment(&self) -> bool {
        self.peek() == Some(b'#') || self.at(b"//")
    }

    /// Spaces, tabs and inline comments (no line endings).
    fn sp(&mut self) -> R<()> {
        loop {
            while matches!(self.peek(), Some(b' ' | b'\t')) {
                self.i += 1;
            }
            if self.at(b"/*") {
                self.block_comment()?;
            } else {
                return Some(());
            }
        }
    }

    /// Any whitespace, line endings and comments.
    fn ws(&mut self) -> R<()> {
        loop {
            while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
                self.i += 1;
            }
            if self.at(b"/*") {
                self.block_comment()?;
            } else if self.at_line_comment() {
                self.line_comment()?;
            } else {
                return Some(());
            }
        }
    }

    fn ws_or_sp(&mut self, newlines: bool) -> R<()> {
        if newlines {
            self.ws()
        } else {
            self.sp()
        }
    }

    fn line_ending(&mut self) -> R<()> {
        if self.eat(b'\n').is_some() {
            return Some(());
        }
        self.eat_str("\r\n")
    }

    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> R<T>) -> R<T> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let out = f(self);
        self.depth -= 1;
        out
    }

    // ---- structure ----

    /// Attributes and blocks, each ending its line (or the file).
    fn body(&mut self) -> R<Vec<Structure>> {
        let mut out = Vec::new();
        let mut keys: FxSet<&'a str> = FxSet::default();
        loop {
            let save = self.i;
            self.ws()?;
            if !self.id_start_here() {
                self.i = save;
                return Some(out);
            }
            let s = self.structure(&mut keys)?;
            out.push(s);
            self.sp()?;
            if self.at_line_comment() {
                self.line_comment()?;
            }
            if self.i < self.b.len() {
                self.line_ending()?;
            }
        }
    }

    fn structure(&mut self, keys: &mut FxSet<&'a str>) -> R<Structure> {
        let start = self.i;
        let ident = self.ident()?;
        let ident_span = self.span(start);
        self.sp()?;
        match self.peek()? {
            b'=' => {
                if !keys.insert(ident) {
                    return None;
                }
                self.i += 1;
                self.sp()?;
                let value = self.root_expr()?;
                Some(Structure::Attribute(super::hcl::Attribute {
                    key: ident.into(),
                    key_span: ident_span,
                    value,
                }))
            }
            b'{' => {
                let body = self.block_body()?;
                Some(Structure::Block(Block {
                    ident: ident.into(),
                    ident_span,
                    labels: Vec::new(),
                    body,
                    span: self.span(start),
                }))
            }
            b'"' => self.labelled_block(start, ident, ident_span),
            _ if self.id_start_here() => self.labelled_block(start, ident, ident_span),
            _ => None,
        }
    }

    fn labelled_block(&mut self, start: usize, ident: &str, ident_span: Sp) -> R<Structure> {
        let mut labels = Vec::new();
        loop {
            let l = self.i;
            let value: Box<str> = if self.peek() == Some(b'"') {
                self.plain_string()?.into()
            } else if self.id_start_here() {
                self.ident()?.into()
            } else {
                break;
            };
            labels.push(Label {
                value,
                span: self.span(l),
            });
            self.sp()?;
        }
        let body = self.block_body()?;
        Some(Structure::Block(Block {
            ident: ident.into(),
            ident_span,
            labels,
            body,
            span: self.span(start),
        }))
    }

    /// `{`, then either a line ending and a body, or at most one attribute
    /// on the same line; then `}`.
    fn block_body(&mut self) -> R<Body> {
        self.nested(|p| {
            p.eat(b'{')?;
            let save = p.i;
            p.sp()?;
            if p.at_line_comment() {
                p.line_comment()?;
            }
            if p.line_ending().is_some() {
                let structures = p.body()?;
                p.ws()?;
                p.eat(b'}')?;
                return Some(Body { structures });
            }
            p.i = save;
            p.sp()?;
            let mut structures = Vec::new();
            if p.id_start_here() {
                let start = p.i;
                let key = p.ident()?;
                let key_span = p.span(start);
                p.sp()?;
                p.eat(b'=')?;
                p.sp()?;
                let value = p.root_expr()?;
                structures.push(Structure::Attribute(super::hcl::Attribute {
                    key: key.into(),
                    key_span,
                    value,
                }));
                p.sp()?;
            }
            p.eat(b'}')?;
            Some(Body { structures })
        })
    }

    // ---- expressions ----

    /// An attribute's value.
    fn root_expr(&mut self) -> R<Expr> {
        self.operators = 0;
        let mut newlines = false;
        self.expr_inner(&mut newlines)
    }

    /// A nested expression where line endings end it.
    fn expr(&mut self) -> R<Expr> {
        self.nested(|p| p.expr_inner(&mut false))
    }

    /// A nested expression inside brackets, where line endings are space.
    fn multiline_expr(&mut self) -> R<Expr> {
        self.nested(|p| p.expr_inner(&mut true))
    }

    fn expr_with(&mut self, newlines: bool) -> R<Expr> {
        self.nested(|p| p.expr_inner(&mut { newlines }))
    }

    fn expr_inner(&mut self, newlines: &mut bool) -> R<Expr> {
        let start = self.i;
        let mut e = self.term(newlines)?;
        loop {
            let save = self.i;
            self.ws_or_sp(*newlines)?;
            let rest = &self.b[self.i..];
            if rest.len() < 2 {
                self.i = save;
                return Some(e);
            }
            if rest[0] == b'?' {
                self.i += 1;
                let nl = *newlines;
                self.ws_or_sp(nl)?;
                let yes = self.expr_with(nl)?;
                self.ws_or_sp(nl)?;
                self.eat(b':')?;
                self.ws_or_sp(nl)?;
                let no = self.expr_with(nl)?;
                return Some(Expr {
                    kind: ExprKind::Conditional(Box::new([e, yes, no])),
                    span: self.span(start),
                });
            }
            let two = &rest[..2];
            let operator =
                two != b"//" && two != b"/*" && (two == b"==" || b"!<>+-*/%&|".contains(&rest[0]));
            self.i = save;
            if !operator {
                return Some(e);
            }
            e = self.binary_ops(*newlines, e)?;
            e.span = self.span(start);
        }
    }

    fn binary_operator(&mut self) -> Option<BinaryOperator> {
        use BinaryOperator as B;
        let next = self.b.get(self.i + 1).copied();
        let (op, len) = match (self.peek()?, next) {
            (b'=', Some(b'=')) => (B::Eq, 2),
            (b'!', Some(b'=')) => (B::NotEq, 2),
            (b'<', Some(b'=')) => (B::LessEq, 2),
            (b'<', _) => (B::Less, 1),
            (b'>', Some(b'=')) => (B::GreaterEq, 2),
            (b'>', _) => (B::Greater, 1),
            (b'+', _) => (B::Plus, 1),
            (b'-', _) => (B::Minus, 1),
            (b'*', _) => (B::Mul, 1),
            (b'/', Some(b'/' | b'*')) => return None,
            (b'/', _) => (B::Div, 1),
            (b'%', _) => (B::Mod, 1),
            (b'&', Some(b'&')) => (B::And, 2),
            (b'|', Some(b'|')) => (B::Or, 2),
            _ => return None,
        };
        self.i += len;
        Some(op)
    }

    /// A chain of binary operators after `lhs`, grouped by precedence
    /// (all left-associative).
    fn binary_ops(&mut self, newlines: bool, lhs: Expr) -> R<Expr> {
        let mut operands = vec![lhs];
        let mut ops: Vec<BinaryOperator> = Vec::new();
        loop {
            let save = self.i;
            self.ws_or_sp(newlines)?;
            let Some(op) = self.binary_operator() else {
                if ops.is_empty() {
                    return None;
                }
                self.i = save;
                break;
            };
            self.ws_or_sp(newlines)?;
            let rhs = self.term(&mut { newlines })?;
            ops.push(op);
            operands.push(rhs);
        }
        self.operators += ops.len();
        if self.operators > MAX_OPERATORS {
            return None;
        }
        let mut out: Vec<Expr> = Vec::with_capacity(operands.len());
        let mut pending: Vec<BinaryOperator> = Vec::with_capacity(ops.len());
        let mut operands = operands.into_iter();
        out.push(operands.next()?);
        for (op, rhs) in ops.into_iter().zip(operands) {
            while pending
                .last()
                .is_some_and(|top| top.precedence() >= op.precedence())
            {
                reduce(&mut out, &mut pending)?;
            }
            pending.push(op);
            out.push(rhs);
        }
        while !pending.is_empty() {
            reduce(&mut out, &mut pending)?;
        }
        out.pop()
    }

    /// One term with its traversals (`a.b[0]`), no operators.
    fn term(&mut self, newlines: &mut bool) -> R<Expr> {
        let start = self.i;
        let kind = match self.peek()? {
            b'"' => self.string_like()?,
            b'[' => {
                *newlines = true;
                self.array(*newlines)?
            }
            b'{' => self.object(newlines)?,
            b'0'..=b'9' => ExprKind::Number(self.number()?),
            b'<' => self.heredoc()?,
            b'-' => {
                let save = self.i;
                match self.negative_number() {
                    Some(n) => ExprKind::Number(n),
                    None => {
                        self.i = save;
                        self.unary(*newlines)?
                    }
                }
            }
            b'!' => self.unary(*newlines)?,
            b'(' => {
                self.i += 1;
                self.ws()?;
                let inner = self.multiline_expr()?;
                self.ws()?;
                self.eat(b')')?;
                ExprKind::Parenthesis(Box::new(inner))
            }
            _ if self.id_start_here() => self.identlike(newlines)?,
            _ => return None,
        };
        let mut e = Expr {
            kind,
            span: self.span(start),
        };
        let save = self.i;
        self.ws_or_sp(*newlines)?;
        let rest = &self.b[self.i..];
        if rest.len() >= 2 && &rest[..2] != b".." && (rest[0] == b'.' || rest[0] == b'[') {
            let ops = self.traversal(*newlines)?;
            e = Expr {
                kind: ExprKind::Traversal(Box::new(Traversal { expr: e, ops })),
                span: self.span(start),
            };
        } else {
            self.i = save;
        }
        Some(e)
    }

    fn traversal(&mut self, newlines: bool) -> R<Vec<TraversalOp>> {
        let mut ops = Vec::new();
        loop {
            let save = self.i;
            self.ws_or_sp(newlines)?;
            if self.at(b"..") {
                self.i = save;
                return Some(ops);
            }
            match self.peek() {
                Some(b'.') => {
                    self.i += 1;
                    self.ws()?;
                    match self.peek()? {
                        b'*' => {
                            self.i += 1;
                            ops.push(TraversalOp::Splat);
                        }
                        b'0'..=b'9' => {
                            let start = self.i;
                            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                                self.i += 1;
                            }
                            let n: u64 = self.s[start..self.i].parse().ok()?;
                            ops.push(TraversalOp::LegacyIndex(n));
                        }
                        _ => ops.push(TraversalOp::GetAttr(self.ident()?.into())),
                    }
                }
                Some(b'[') => {
                    self.i += 1;
                    self.ws()?;
                    if self.peek() == Some(b'*') {
                        self.i += 1;
                        ops.push(TraversalOp::Splat);
                    } else {
                        ops.push(TraversalOp::Index(self.multiline_expr()?));
                    }
                    self.ws()?;
                    self.eat(b']')?;
                }
                _ => {
                    self.i = save;
                    return Some(ops);
                }
            }
        }
    }

    fn unary(&mut self, newlines: bool) -> R<ExprKind> {
        let op = match self.peek()? {
            b'-' => UnaryOperator::Neg,
            b'!' => UnaryOperator::Not,
            _ => return None,
        };
        self.i += 1;
        self.sp()?;
        let operand = self.nested(|p| p.term(&mut { newlines }))?;
        Some(ExprKind::Unary(op, Box::new(operand)))
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        self.i - start
    }

    /// A decimal number: an integer, or a float with a fraction and/or exponent.
    fn number(&mut self) -> R<Number> {
        let start = self.i;
        if self.digits() == 0 {
            return None;
        }
        let int_end = self.i;
        let mut float = false;
        if self.peek() == Some(b'.') && self.b.get(self.i + 1).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
            self.digits();
            float = true;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            // An exponent without digits is an error in HCL.
            if self.digits() == 0 {
                return None;
            }
            float = true;
        }
        if float {
            return Number::from_f64(self.s[start..self.i].parse().ok()?);
        }
        self.i = int_end;
        let text = &self.s[start..int_end];
        match text.parse::<u64>() {
            Ok(n) => Some(Number::from(n)),
            Err(_) => Number::from_f64(text.parse().ok()?),
        }
    }

    fn negative_number(&mut self) -> R<Number> {
        self.eat(b'-')?;
        self.sp()?;
        if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
            return None;
        }
        Some(-self.number()?)
    }

    /// A name: `null`, `true`, `false`, a variable, or a function call.
    fn identlike(&mut self, newlines: &mut bool) -> R<ExprKind> {
        let name = self.ident()?;
        let save = self.i;
        self.ws_or_sp(*newlines)?;
        let rest = &self.b[self.i..];
        if rest.len() >= 2 && (rest.starts_with(b"::") || rest[0] == b'(') {
            let mut last = name;
            let namespaced = rest.starts_with(b"::");
            while self.eat_str("::").is_some() {
                self.ws_or_sp(*newlines)?;
                last = self.ident()?;
                self.ws_or_sp(*newlines)?;
            }
            *newlines = true;
            let (args, expand_final) = self.func_args(*newlines)?;
            return Some(ExprKind::FuncCall(Box::new(FuncCall {
                name: last.into(),
                namespaced,
                args,
                expand_final,
            })));
        }
        self.i = save;
        Some(match name {
            "null" => ExprKind::Null,
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            v => ExprKind::Variable(v.into()),
        })
    }

    fn arg_ends(&self) -> bool {
        matches!(self.peek(), None | Some(b',' | b'.' | b')'))
    }

    fn func_args(&mut self, newlines: bool) -> R<(Vec<Expr>, bool)> {
        self.eat(b'(')?;
        let mut args = Vec::new();
        let mut expand_final = false;
        let save = self.i;
        self.ws()?;
        if self.arg_ends() {
            self.i = save;
        } else {
            args.push(self.expr_with(newlines)?);
            self.ws()?;
            loop {
                let save = self.i;
                if self.eat(b',').is_none() {
                    break;
                }
                self.ws()?;
                if self.arg_ends() {
                    self.i = save;
                    break;
                }
                args.push(self.expr_with(newlines)?);
                self.ws()?;
            }
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'.') => {
                    self.eat_str("...")?;
                    expand_final = true;
                }
                _ => {}
            }
        }
        self.ws()?;
        self.eat(b')')?;
        Some((args, expand_final))
    }

    /// After `[` or `{`: a `for` expression follows.
    fn for_follows(&mut self) -> R<bool> {
        let save = self.i;
        self.ws()?;
        let yes = self.at(b"for")
            && matches!(
                self.b.get(self.i + 3),
                Some(b' ' | b'\t' | b'#' | b'/' | b'\n')
            );
        self.i = save;
        Some(yes)
    }

    fn array(&mut self, newlines: bool) -> R<ExprKind> {
        self.eat(b'[')?;
        if self.for_follows()? {
            self.for_intro()?;
            self.ws()?;
            self.expr_with(newlines)?;
            self.ws()?;
            self.for_cond(newlines)?;
            self.eat(b']')?;
            return Some(ExprKind::For);
        }
        let mut items = Vec::new();
        let save = self.i;
        self.ws()?;
        if matches!(self.peek(), Some(b']') | None) {
            self.i = save;
        } else {
            items.push(self.expr_with(newlines)?);
            self.ws()?;
            loop {
                let save = self.i;
                if self.eat(b',').is_none() {
                    break;
                }
                self.ws()?;
                if matches!(self.peek(), Some(b']') | None) {
                    self.i = save;
                    break;
                }
                items.push(self.expr_with(newlines)?);
                self.ws()?;
            }
        }
        let _ = self.eat(b',');
        self.ws()?;
        self.eat(b']')?;
        Some(ExprKind::Array(items))
    }

    /// `for k, v in coll :` (the parts are not kept).
    fn for_intro(&mut self) -> R<()> {
        self.ws()?;
        self.eat_str("for")?;
        self.for_variables()?;
        self.ws()?;
        self.eat(b':')
    }

    /// After `for` (an expression's or a template directive's): ` k, v in
    /// coll`, the key variable optional.
    fn for_variables(&mut self) -> R<()> {
        self.ws()?;
        self.ident()?;
        self.ws()?;
        if self.eat(b',').is_some() {
            self.ws()?;
            self.ident()?;
            self.ws()?;
        }
        self.eat_str("in")?;
        self.ws()?;
        self.expr().map(drop)
    }

    /// An optional `if cond` of a `for` expression.
    fn for_cond(&mut self, newlines: bool) -> R<()> {
        let save = self.i;
        self.ws()?;
        if self.eat_str("if").is_none() {
            self.i = save;
            return Some(());
        }
        self.ws()?;
        self.expr_with(newlines)?;
        self.ws()
    }

    fn object(&mut self, newlines: &mut bool) -> R<ExprKind> {
        self.eat(b'{')?;
        if self.for_follows()? {
            *newlines = true;
            self.for_intro()?;
            self.ws()?;
            self.expr()?;
            self.ws()?;
            self.eat_str("=>")?;
            self.ws()?;
            self.expr()?;
            self.ws()?;
            if self.eat_str("...").is_some() {
                self.ws()?;
            }
            self.for_cond(*newlines)?;
            self.eat(b'}')?;
            return Some(ExprKind::For);
        }
        let mut items: Vec<ObjectItem> = Vec::new();
        let mut names: FxSet<&'a str> = FxSet::default();
        let mut strings: FxSet<Box<str>> = FxSet::default();
        loop {
            self.ws()?;
            if self.eat(b'}').is_some() {
                return Some(ExprKind::Object(items));
            }
            let key_start = self.i;
            let key = self.expr()?;
            let key_span = self.span(key_start);
            // hcl-edit refuses a key given twice; so do we (it then reports it).
            let key = match key.kind {
                ExprKind::Variable(name) => {
                    if !names.insert(&self.s[key_span.range()]) {
                        return None;
                    }
                    ObjectKey::Ident(name)
                }
                ExprKind::String(ref s) => {
                    if !strings.insert(s.clone()) {
                        return None;
                    }
                    ObjectKey::Expr(key)
                }
                _ => {
                    let text = strip_space(&self.s[key_span.range()]);
                    let repeated = items.iter().any(|it| match &it.key {
                        ObjectKey::Expr(e) if !matches!(e.kind, ExprKind::String(_)) => {
                            strip_space(&self.s[it.key_span.range()]) == text
                        }
                        _ => false,
                    });
                    if repeated {
                        return None;
                    }
                    ObjectKey::Expr(key)
                }
            };
            self.sp()?;
            match self.peek()? {
                b'=' | b':' => self.i += 1,
                _ => return None,
            }
            self.sp()?;
            let value = self.expr()?;
            self.sp()?;
            items.push(ObjectItem {
                key,
                key_span,
                value,
            });
            match self.peek()? {
                b'}' => {
                    self.i += 1;
                    return Some(ExprKind::Object(items));
                }
                b'\r' => self.eat_str("\r\n")?,
                b'\n' | b',' => self.i += 1,
                b'#' | b'/' => {
                    if !self.at_line_comment() {
                        return None;
                    }
                    self.line_comment()?;
                    self.line_ending()?;
                }
                _ => return None,
            }
        }
    }

    // ---- strings and templates ----

    /// A quoted string: a plain string when it has no interpolation or
    /// directive, else a template.
    fn string_like(&mut self) -> R<ExprKind> {
        self.eat(b'"')?;
        let mut elements = self.elements(Mode::Quoted)?;
        self.eat(b'"')?;
        Some(match elements.as_mut_slice() {
            [] => ExprKind::String("".into()),
            [Element::Literal(s)] => ExprKind::String(std::mem::take(s)),
            _ => ExprKind::StringTemplate(Box::new(Template { elements })),
        })
    }

    /// A block label's quoted string: no interpolation allowed.
    fn plain_string(&mut self) -> R<String> {
        self.eat(b'"')?;
        let mut out = String::new();
        self.literal(Mode::Quoted, &mut out)?;
        self.eat(b'"')?;
        Some(out)
    }

    /// Literal text up to the next interpolation, directive or end; false
    /// when there is none.
    fn literal(&mut self, mode: Mode, out: &mut String) -> R<bool> {
        let start = self.i;
        loop {
            let rest = &self.b[self.i..];
            let Some(&c) = rest.first() else { break };
            if rest.starts_with(b"$${") || rest.starts_with(b"%%{") {
                out.push_str(if c == b'$' { "${" } else { "%{" });
                self.i += 3;
                continue;
            }
            if rest.starts_with(b"${") || rest.starts_with(b"%{") {
                break;
            }
            match mode {
                Mode::Quoted if c == b'"' => break,
                Mode::Quoted if c == b'\\' => {
                    self.i += 1;
                    out.push(self.escape()?);
                    continue;
                }
                Mode::Heredoc(delim)
                    if (c == b'\n' || c == b'\r') && self.heredoc_end_at(self.i, delim) =>
                {
                    break
                }
                _ => {}
            }
            // Copy the run of ordinary bytes up to the next special one.
            let run = rest
                .iter()
                .skip(1)
                .position(|&b| matches!(b, b'$' | b'%' | b'"' | b'\\' | b'\n' | b'\r'))
                .map_or(rest.len(), |n| n + 1);
            out.push_str(self.s.get(self.i..self.i + run)?);
            self.i += run;
        }
        Some(self.i > start)
    }

    /// The character after a `\` in a quoted string.
    fn escape(&mut self) -> R<char> {
        let c = self.peek()?;
        self.i += 1;
        Some(match c {
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'\\' => '\\',
            b'"' => '"',
            b'u' | b'U' => {
                let n = if c == b'u' { 4 } else { 8 };
                let hex = self.b.get(self.i..self.i + n)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                self.i += n;
                char::from_u32(u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?)?
            }
            _ => return None,
        })
    }

    /// True when a heredoc's closing line starts at `at` (a line ending,
    /// spaces, the delimiter, then no identifier character).
    fn heredoc_end_at(&self, at: usize, delim: &str) -> bool {
        let mut j = at;
        if self.b.get(j) == Some(&b'\r') {
            j += 1;
        }
        if self.b.get(j) != Some(&b'\n') {
            return false;
        }
        j += 1;
        while matches!(self.b.get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        if !self.b[j..].starts_with(delim.as_bytes()) {
            return false;
        }
        !self.char_at(j + delim.len()).is_some_and(is_id_continue)
    }

    /// A template's elements until one cannot start (the caller checks
    /// what ends it).
    fn elements(&mut self, mode: Mode) -> R<Vec<Element>> {
        let mut out = Vec::new();
        loop {
            let mut text = String::new();
            if self.literal(mode, &mut text)? {
                out.push(Element::Literal(text.into()));
            } else if self.at(b"${") {
                self.i += 2;
                let strip_start = self.eat(b'~').is_some();
                self.ws()?;
                let expr = self.multiline_expr()?;
                self.ws()?;
                let strip_end = self.eat(b'~').is_some();
                self.eat(b'}')?;
                out.push(Element::Interpolation {
                    expr,
                    strip: strip_start || strip_end,
                });
            } else if self.at(b"%{") {
                match self.directive()? {
                    Some(d) => out.push(d),
                    None => return Some(out),
                }
            } else {
                return Some(out);
            }
        }
    }

    /// `%{`, an optional `~`, space, then `word`; the strip flag, or `None`
    /// (cursor unchanged) when the marker holds another word.
    fn open_marker(&mut self, word: &str) -> R<Option<bool>> {
        let save = self.i;
        self.eat_str("%{")?;
        let strip = self.eat(b'~').is_some();
        self.ws()?;
        if self.eat_str(word).is_none() {
            self.i = save;
            return Some(None);
        }
        Some(Some(strip))
    }

    /// Space, an optional `~` and `}` closing a marker; its strip flag.
    fn close_marker(&mut self) -> R<bool> {
        self.ws()?;
        let strip = self.eat(b'~').is_some();
        self.eat(b'}')?;
        Some(strip)
    }

    /// `%{ if … }…%{ endif }` or `%{ for … }…%{ endfor }`; `Ok(None)` for
    /// another marker (`else`, `endif`, …), which ends the enclosing template.
    fn directive(&mut self) -> R<Option<Element>> {
        if let Some(s1) = self.open_marker("if")? {
            self.ws()?;
            let cond = self.expr()?;
            let s2 = self.close_marker()?;
            let then = self.nested(|p| p.elements(Mode::Bare))?;
            let mut strip = s1 || s2;
            let otherwise = match self.open_marker("else")? {
                Some(s3) => {
                    strip |= s3 || self.close_marker()?;
                    Some(self.nested(|p| p.elements(Mode::Bare))?)
                }
                None => None,
            };
            strip |= self.open_marker("endif")?? || self.close_marker()?;
            return Some(Some(Element::If(Box::new(IfDirective {
                cond,
                then: Template { elements: then },
                otherwise: otherwise.map(|elements| Template { elements }),
                strip,
            }))));
        }
        if self.open_marker("for")?.is_some() {
            self.for_variables()?;
            self.close_marker()?;
            self.nested(|p| p.elements(Mode::Bare))?;
            self.open_marker("endfor")??;
            self.close_marker()?;
            return Some(Some(Element::For));
        }
        Some(None)
    }

    /// `<<EOF` or `<<-EOF`, the lines, and the closing delimiter line.
    fn heredoc(&mut self) -> R<ExprKind> {
        self.eat_str("<<")?;
        let indented = self.eat(b'-').is_some();
        let delim = self.ident()?;
        self.line_ending()?;
        // An empty heredoc (the delimiter on the next line) is left to hcl-edit.
        if self.heredoc_end_at(self.i, delim) || {
            let mut j = self.i;
            while matches!(self.b.get(j), Some(b' ' | b'\t')) {
                j += 1;
            }
            self.b[j..].starts_with(delim.as_bytes())
        } {
            return None;
        }
        let mut elements = self.elements(Mode::Heredoc(delim))?;
        let ending = self.i;
        self.line_ending()?;
        let ending = &self.s[ending..self.i];
        match elements.last_mut() {
            Some(Element::Literal(s)) => {
                let mut text = s.to_string();
                text.push_str(ending);
                *s = text.into();
            }
            _ => elements.push(Element::Literal(ending.into())),
        }
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
        self.eat_str(delim)?;
        if self.char_at(self.i).is_some_and(is_id_continue) {
            return None;
        }
        let mut template = Template { elements };
        if indented {
            dedent(&mut template);
        }
        Some(ExprKind::Heredoc(Box::new(template)))
    }
}

/// Builds the innermost pending operator's node from the last two operands.
fn reduce(out: &mut Vec<Expr>, pending: &mut Vec<BinaryOperator>) -> R<()> {
    let op = pending.pop()?;
    let rhs = out.pop()?;
    let lhs = out.pop()?;
    let span = Sp {
        start: lhs.span.start,
        end: rhs.span.end,
    };
    out.push(Expr {
        kind: ExprKind::Binary(Box::new((lhs, op, rhs))),
        span,
    });
    Some(())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn strip_space(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// `<<-` heredocs: the smallest indentation of the literal lines (lines
/// with none do not count, as in hcl-edit) is removed from every line; an
/// interpolation or directive at the start of a line means none is.
fn dedent(t: &mut Template) {
    let mut indent: Option<usize> = None;
    let mut skip_first = false;
    for el in &t.elements {
        match el {
            Element::Literal(s) => {
                if let Some(n) = min_leading_whitespace(s, skip_first) {
                    indent = Some(indent.map_or(n, |i| i.min(n)));
                }
                skip_first = !s.ends_with('\n');
            }
            _ if !skip_first => return,
            _ => {}
        }
    }
    let Some(indent) = indent else { return };
    let mut skip_first = false;
    for el in &mut t.elements {
        match el {
            Element::Literal(s) => {
                let d = dedent_by(s, indent, skip_first);
                skip_first = !d.ends_with('\n');
                *s = d.into();
            }
            _ if !skip_first => skip_first = true,
            _ => {}
        }
    }
}

fn min_leading_whitespace(s: &str, skip_first: bool) -> Option<usize> {
    let mut least: Option<usize> = None;
    for (i, line) in s.lines().enumerate() {
        if (i == 0 && skip_first) || line.is_empty() {
            continue;
        }
        let n = line.chars().take_while(|c| c.is_whitespace()).count();
        if n == 0 {
            return None;
        }
        least = Some(least.map_or(n, |l| l.min(n)));
    }
    least
}

fn dedent_by(s: &str, n: usize, skip_first: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.lines().enumerate() {
        if i == 0 && skip_first {
            out.push_str(line);
        } else if !line.is_empty() {
            out.extend(line.chars().skip(n));
        }
        out.push('\n');
    }
    if !s.ends_with('\n') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::hcl::from_edit;
    use super::*;
    use proptest::prelude::*;
    use std::path::{Path, PathBuf};

    /// The tree hcl-edit gives, converted; `None` when hcl-edit refuses.
    fn reference(text: &str) -> Option<Body> {
        hcl_edit::parser::parse_body(text)
            .ok()
            .map(|b| from_edit::body(&b))
    }

    fn same_as_hcl_edit(text: &str) {
        let ours = parse_body(text);
        let theirs = reference(text);
        assert!(theirs.is_some(), "hcl-edit refuses the sample:\n{text}");
        assert_eq!(ours, theirs, "trees differ for:\n{text}");
    }

    #[test]
    fn trees_match_hcl_edit_on_tricky_syntax() {
        let samples = [
            "a = 1\nb = -2.5e3\nc = - 7\nd = 18446744073709551616\ne = 1.5\n",
            "x = a + b * c - d / e % f == g && h || !i\ny = (a + b) * c\nz = a < b ? c : d ? e : f\n",
            "t = \"plain \\\"q\\\" \\n \\u00e9 $${not} %%{nor}\"\n",
            "t = \"a ${var.x} b ${~ local.y ~} c\"\n",
            "t = \"%{ if var.on }yes%{ else }no%{ endif }\"\nu = \"%{ for x in var.l }${x},%{ endfor }\"\n",
            "h = <<EOF\nline ${var.a}\n  two\nEOF\n",
            "h = <<-EOT\n    indented\n      more\n    ${var.x}\n    EOT\n",
            "o = {\n  a = 1\n  \"b\" : 2, c = [1, 2,]\n  (var.k) = 3 # note\n  d = { e = f } // x\n}\n",
            "l = [for k, v in var.m : \"${k}=${v}\" if v != null]\nm = {for x in var.l : x.id => x...}\n",
            "f = provider::aws::arn_parse(var.a)\ng = concat(var.a, [\"b\"]...)\nh = f(\n  a,\n  b,\n)\n",
            "r = aws_s3_bucket.b[0].id\ns = var.list[*].name\nt = var.x.0.y\nu = module.m.*.out\n",
            "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\" /* inline */\n\n  versioning { enabled = true }\n  lifecycle {}\n  dynamic \"rule\" {\n    for_each = var.rules\n    content {\n      id = rule.value.id\n    }\n  }\n}\n",
            "locals {\r\n  a = \"crlf\"\r\n  b = [\r\n    1,\r\n  ]\r\n}\r\n",
            "# only a comment\n/* block\ncomment */\nblock label_ident \"str\" { a = 1 }\n",
            "über = \"unicode ident\"\nnäme-x = ünïcode.välue\n",
            "a = [\n  1\n  ,2\n]\nb = true ? [\n  1] : []\nc = null\nd = !false\n",
            "x = {\n}\ny = []\nz = \"\"\nw = f()\n",
            "a = <<EOF\nno trailing interpolation\nEOF\nb = 1",
        ];
        for s in samples {
            same_as_hcl_edit(s);
        }
    }

    #[test]
    fn refuses_what_hcl_edit_refuses() {
        let bad = [
            "a = 1\na = 2\n",
            "a = \"unterminated\n",
            "a = {\n  k = 1\n  k = 2\n}\n",
            "a = 1e\n",
            "block { nested {} }\n",
            "a = \"bad \\q escape\"\n",
            "a = [1, 2\n",
            "a = 1 b = 2\n",
            "a = \"%{ if x }never closed\"\n",
            "a = /* open",
        ];
        for s in bad {
            assert!(reference(s).is_none(), "hcl-edit accepts:\n{s}");
            assert_eq!(parse_body(s), None, "accepted:\n{s}");
        }
    }

    #[test]
    fn deep_nesting_is_left_to_hcl_edit() {
        let deep = format!("a = {}1{}\n", "[".repeat(80), "]".repeat(80));
        assert_eq!(parse_body(&deep), None);
    }

    #[test]
    fn templates_match_hcl_edit() {
        for s in [
            "arn:aws:s3:::${var.bucket}/*",
            "${var.a}",
            "plain",
            "%{ if var.x }a%{ endif }b",
            "$${escaped} and ${upper(var.n)}",
        ] {
            let theirs = hcl_edit::parser::parse_template(s)
                .ok()
                .map(|t| from_edit::template(&t));
            assert!(theirs.is_some(), "{s}");
            assert_eq!(parse_template(s), theirs, "{s}");
        }
    }

    fn corpus() -> PathBuf {
        std::env::var_os("ARCHGATE_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"))
    }

    fn hcl_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                hcl_files(&p, out);
            } else if p
                .extension()
                .is_some_and(|x| x == "tf" || x == "tfvars" || x == "hcl")
            {
                out.push(p);
            }
        }
    }

    /// The fast parser's tree is hcl-edit's, span for span, on every HCL
    /// file of the shared corpus; and it refuses no file hcl-edit reads.
    #[test]
    fn trees_match_hcl_edit_on_the_corpus() {
        let root = corpus();
        if !root.is_dir() {
            eprintln!("SKIPPED: corpus not found at {}", root.display());
            return;
        }
        let mut files = Vec::new();
        hcl_files(&root, &mut files);
        assert!(files.len() > 300, "only {} HCL files found", files.len());
        let mut refused = Vec::new();
        for f in &files {
            let Ok(text) = std::fs::read_to_string(f) else {
                continue;
            };
            let theirs = reference(&text);
            let ours = parse_body(&text);
            match (&ours, &theirs) {
                (None, Some(_)) => refused.push(f.display().to_string()),
                _ => assert_eq!(ours, theirs, "trees differ for {}", f.display()),
            }
        }
        eprintln!("compared {} files, {} refused", files.len(), refused.len());
        assert!(refused.is_empty(), "refused valid files: {refused:#?}");
    }

    /// Random text built from HCL's tokens: wherever hcl-edit reads it, the
    /// trees are the same; wherever it refuses, so does this parser. (A
    /// refusal of valid input is only allowed around heredocs, whose empty
    /// form is left to hcl-edit on purpose.)
    fn agrees_with_hcl_edit(text: &str) -> Result<(), TestCaseError> {
        let theirs = reference(text);
        let ours = parse_body(text);
        match (&ours, &theirs) {
            (None, Some(_)) => prop_assert!(text.contains("<<"), "refused valid input:\n{text}"),
            _ => prop_assert_eq!(ours, theirs, "input:\n{}", text),
        }
        Ok(())
    }

    fn token() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "a",
            "b_2",
            "var",
            "local",
            ".",
            "x",
            "-y",
            " ",
            "  ",
            "\n",
            "\r\n",
            "\t",
            "=",
            " = ",
            ":",
            ",",
            "(",
            ")",
            "[",
            "]",
            "{",
            "}",
            "\"",
            "\"s\"",
            "\\n",
            "\\u00e9",
            "${",
            "%{",
            "$${",
            "~",
            "if ",
            "else",
            "endif",
            "for ",
            " in ",
            "=>",
            "...",
            "?",
            "+",
            "-",
            "*",
            "/",
            "%",
            "==",
            "!=",
            "<",
            "<=",
            ">",
            "&&",
            "||",
            "!",
            "1",
            "2.5",
            "1e3",
            "0",
            "null",
            "true",
            "# c\n",
            "// c\n",
            "/* c */",
            "<<EOF\n",
            "<<-EOF\n",
            "EOF\n",
            "  EOF\n",
            "é",
            "::",
            "[*]",
            ".*",
            "block \"l\" {\n",
            "}\n",
            "k = ",
        ])
    }

    fn attribute_line() -> impl Strategy<Value = String> {
        proptest::collection::vec(token(), 0..12).prop_map(|t| format!("k = {}\n", t.concat()))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn agrees_on_token_soup(parts in proptest::collection::vec(token(), 0..30)) {
            agrees_with_hcl_edit(&parts.concat())?;
        }

        #[test]
        fn agrees_on_attribute_values(lines in proptest::collection::vec(attribute_line(), 1..4)) {
            agrees_with_hcl_edit(&lines.concat())?;
        }
    }
}
