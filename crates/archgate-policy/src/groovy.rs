//! Jenkinsfiles and Groovy sources (`Jenkinsfile`, `Jenkinsfile.*`,
//! `*.groovy`, `--parser groovy`) as conftest's groovy parser gives them to
//! policies: a concrete syntax tree of nodes
//! `{"kind", "text", "line", "column", "children"}`.
//!
//! Token nodes carry `text` (the source text, strings with their quotes);
//! interior nodes carry `children` and the position of their first child
//! (1:1 when they have none). Comments and whitespace are left out. The
//! kinds policies match on are conftest's: `FileNode` at the root,
//! `ExpressionStmt`, `CallExpr` whose first child is the callee (an
//! `IdentExpr` holding an `Identifier` token for `sh 'make'` or
//! `stage('x') { … }`), arguments after it (a command call `sh 'x'` has no
//! parentheses), `LiteralExpr` around literal tokens, `ClosureExpr`,
//! `GStringExpr` holding `GStringBegin`/`GStringPart`/`GStringEnd` tokens
//! around the interpolated values, `StringLiteral`, `SlashyStringLit`,
//! `DollarSlashyStringLit`. The other kinds (statements, operators,
//! punctuation tokens such as `LParen`) are named in the same style.
//!
//! The grammar is Groovy 2.4 as Jenkins pipelines use it: declarations,
//! methods and classes, control flow, command expressions (`sh 'x'`,
//! `agent any`, `def out = sh script: 'ls', returnStdout: true`), closures
//! with parameters, named arguments, list and map literals, GStrings with
//! `${expr}` and `$path` values, slashy and dollar-slashy strings,
//! operators with Groovy's precedence, newline-terminated statements.
//! Errors name the file, line and column of the offending token. As in
//! conftest, trees deeper than 256 levels or larger than 100,000 nodes are
//! refused.
//!
//! Not for: evaluating Groovy, resolving shared libraries, or Groovy 3+
//! syntax (lambdas `->` outside closures, `!in`, `?[`). Interpolation
//! inside slashy strings is kept as text.

use archgate_core::InputError;
use serde_json::{Map, Value};

/// The limits conftest applies to a parsed tree.
const MAX_DEPTH: usize = 256;
const MAX_NODES: usize = 100_000;

const KEYWORDS: &[&str] = &[
    "as",
    "assert",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "def",
    "default",
    "do",
    "else",
    "enum",
    "extends",
    "finally",
    "for",
    "goto",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "new",
    "package",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "throws",
    "trait",
    "try",
    "while",
];
const MODIFIERS: &[&str] = &[
    "abstract",
    "final",
    "native",
    "private",
    "protected",
    "public",
    "static",
    "strictfp",
    "synchronized",
    "transient",
    "volatile",
];
const PRIMITIVES: &[&str] = &[
    "boolean", "byte", "char", "short", "int", "long", "float", "double", "void",
];

/// Operators, longest first so the lexer takes the longest match.
const OPERATORS: &[&str] = &[
    ">>>=", ">>>", ">>=", "<<=", "<=>", "===", "!==", "==~", "**=", "..<", "?.", "*.", ".@", ".&",
    "?:", "->", "==", "!=", "<=", ">=", "&&", "||", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=",
    "|=", "^=", "=~", "**", "<<", "..", "+", "-", "*", "/", "%", "=", "<", ">", "!", "~", "&", "|",
    "^", "?", ":", ".", ",", ";", "(", ")", "[", "]", "{", "}", "@",
];

#[derive(Debug, Clone)]
struct Tok {
    kind: &'static str,
    text: String,
    line: u32,
    col: u32,
    /// A line break comes between the previous token and this one.
    nl: bool,
}

impl Tok {
    fn is(&self, kind: &str, text: &str) -> bool {
        self.kind == kind && self.text == text
    }
    /// An operator or punctuation token with this text (never a name,
    /// keyword or literal that happens to be spelt the same).
    fn punct(&self, text: &str) -> bool {
        matches!(
            self.kind,
            "LParen"
                | "RParen"
                | "LBracket"
                | "RBracket"
                | "LBrace"
                | "RBrace"
                | "Comma"
                | "Semicolon"
                | "Dot"
                | "SafeDot"
                | "SpreadDot"
                | "Colon"
                | "Question"
                | "Arrow"
                | "At"
                | "Assign"
                | "Operator"
        ) && self.text == text
    }
}

fn punct_kind(op: &str) -> &'static str {
    match op {
        "(" => "LParen",
        ")" => "RParen",
        "[" => "LBracket",
        "]" => "RBracket",
        "{" => "LBrace",
        "}" => "RBrace",
        "," => "Comma",
        ";" => "Semicolon",
        "." => "Dot",
        "?." => "SafeDot",
        "*." => "SpreadDot",
        ":" => "Colon",
        "?" => "Question",
        "->" => "Arrow",
        "@" => "At",
        "=" => "Assign",
        _ => "Operator",
    }
}

struct Lexer<'a> {
    file: &'a str,
    chars: Vec<char>,
    i: usize,
    line: u32,
    col: u32,
    nl: bool,
    out: Vec<Tok>,
    depth: usize,
}

impl Lexer<'_> {
    fn peek(&self, k: usize) -> Option<char> {
        self.chars.get(self.i + k).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn starts(&self, s: &str) -> bool {
        s.chars().enumerate().all(|(k, c)| self.peek(k) == Some(c))
    }

    fn error(&self, line: u32, col: u32, msg: impl Into<String>) -> InputError {
        InputError::new(
            self.file,
            line,
            col,
            format!("parse groovy: {}", msg.into()),
        )
    }

    fn push(&mut self, kind: &'static str, text: String, line: u32, col: u32) {
        let nl = std::mem::take(&mut self.nl);
        self.out.push(Tok {
            kind,
            text,
            line,
            col,
            nl,
        });
    }

    /// Skips whitespace and comments, noting line breaks.
    fn trivia(&mut self) -> Result<(), InputError> {
        loop {
            match self.peek(0) {
                Some('\n') => {
                    self.nl = true;
                    self.bump();
                }
                Some(c) if c.is_whitespace() => {
                    self.bump();
                }
                // A backslash before a line break continues the line.
                Some('\\') if self.peek(1) == Some('\n') => {
                    self.bump();
                    self.bump();
                }
                Some('/') if self.peek(1) == Some('/') => {
                    while self.peek(0).is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                }
                Some('/') if self.peek(1) == Some('*') => {
                    let (l, c) = (self.line, self.col);
                    self.bump();
                    self.bump();
                    loop {
                        if self.starts("*/") {
                            self.bump();
                            self.bump();
                            break;
                        }
                        match self.bump() {
                            Some('\n') => self.nl = true,
                            Some(_) => {}
                            None => {
                                return Err(self.error(l, c, "unterminated comment").expected("*/"))
                            }
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// Whether `/` here starts a slashy string rather than a division.
    fn regex_allowed(&self) -> bool {
        match self.out.last() {
            None => true,
            Some(t) => {
                !matches!(
                    t.kind,
                    "Identifier"
                        | "IntegerLiteral"
                        | "FloatingPointLiteral"
                        | "StringLiteral"
                        | "GStringEnd"
                        | "SlashyStringLit"
                        | "DollarSlashyStringLit"
                        | "RParen"
                        | "RBracket"
                        | "RBrace"
                        | "BooleanLiteral"
                        | "NullLiteral"
                ) && !(t.kind == "Keyword" && (t.text == "this" || t.text == "super"))
            }
        }
    }

    /// Lexes code up to the end of input, or, inside `${…}`, up to the
    /// unmatched `}` (pushed as `RBrace`).
    fn code(&mut self, in_gstring: bool) -> Result<(), InputError> {
        self.depth += 1;
        // Each nested `${…}` adds at least two tree levels.
        if self.depth > MAX_DEPTH / 2 {
            return Err(self.error(
                self.line,
                self.col,
                format!("syntax tree exceeds maximum depth of {MAX_DEPTH}"),
            ));
        }
        let mut braces = 0usize;
        loop {
            self.trivia()?;
            let (line, col) = (self.line, self.col);
            let Some(c) = self.peek(0) else {
                if in_gstring {
                    return Err(self
                        .error(line, col, "unterminated ${…} in a string")
                        .expected("}"));
                }
                break;
            };
            if c.is_alphabetic() || c == '_' || c == '$' && !self.starts("$/") {
                let mut s = String::new();
                while let Some(c) = self.peek(0) {
                    if c.is_alphanumeric() || c == '_' || c == '$' {
                        s.push(c);
                        self.bump();
                    } else {
                        break;
                    }
                }
                let kind = if s == "true" || s == "false" {
                    "BooleanLiteral"
                } else if s == "null" {
                    "NullLiteral"
                } else if KEYWORDS.contains(&s.as_str())
                    || MODIFIERS.contains(&s.as_str())
                    || PRIMITIVES.contains(&s.as_str())
                {
                    "Keyword"
                } else {
                    "Identifier"
                };
                self.push(kind, s, line, col);
            } else if c.is_ascii_digit()
                || c == '.'
                    && self.peek(1).is_some_and(|d| d.is_ascii_digit())
                    && self.regex_allowed()
            {
                self.number(line, col);
            } else if c == '\'' {
                let quote = if self.starts("'''") { "'''" } else { "'" };
                let text = self.plain_string(quote, line, col)?;
                self.push("StringLiteral", text, line, col);
            } else if c == '"' {
                let quote = if self.starts("\"\"\"") {
                    "\"\"\""
                } else {
                    "\""
                };
                self.gstring(quote, line, col)?;
            } else if self.starts("$/") {
                self.dollar_slashy(line, col)?;
            } else if c == '/' && self.regex_allowed() {
                self.slashy(line, col)?;
            } else if in_gstring && c == '}' && braces == 0 {
                self.bump();
                self.push("RBrace", "}".into(), line, col);
                break;
            } else if let Some(op) = OPERATORS.iter().find(|op| self.starts(op)) {
                for _ in 0..op.chars().count() {
                    self.bump();
                }
                match *op {
                    "{" => braces += 1,
                    "}" => braces = braces.saturating_sub(1),
                    _ => {}
                }
                self.push(punct_kind(op), (*op).to_string(), line, col);
            } else if line == 1 && col == 1 && self.starts("#!") {
                while self.peek(0).is_some_and(|c| c != '\n') {
                    self.bump();
                }
            } else {
                return Err(self.error(line, col, format!("unexpected character {c:?}")));
            }
        }
        self.depth -= 1;
        Ok(())
    }

    fn number(&mut self, line: u32, col: u32) {
        let mut s = String::new();
        let mut float = false;
        if self.starts("0x") || self.starts("0X") || self.starts("0b") || self.starts("0B") {
            for _ in 0..2 {
                if let Some(c) = self.bump() {
                    s.push(c);
                }
            }
            while let Some(c) = self.peek(0).filter(|c| c.is_ascii_hexdigit() || *c == '_') {
                s.push(c);
                self.bump();
            }
        } else {
            while let Some(c) = self.peek(0) {
                let exp_sign = (c == '+' || c == '-') && s.ends_with(['e', 'E']);
                if c.is_ascii_digit() || c == '_' || exp_sign {
                    s.push(c);
                } else if (c == '.' && !float && self.peek(1).is_some_and(|d| d.is_ascii_digit()))
                    || ((c == 'e' || c == 'E') && !s.contains(['e', 'E']))
                {
                    float = true;
                    s.push(c);
                } else {
                    break;
                }
                self.bump();
            }
        }
        if let Some(c) = self.peek(0).filter(|c| "gGlLiIdDfF".contains(*c)) {
            float |= "dDfF".contains(c);
            s.push(c);
            self.bump();
        }
        let kind = if float {
            "FloatingPointLiteral"
        } else {
            "IntegerLiteral"
        };
        self.push(kind, s, line, col);
    }

    fn plain_string(&mut self, quote: &str, line: u32, col: u32) -> Result<String, InputError> {
        let mut s = String::new();
        for _ in 0..quote.len() {
            if let Some(c) = self.bump() {
                s.push(c);
            }
        }
        loop {
            if self.starts(quote) {
                for _ in 0..quote.len() {
                    if let Some(c) = self.bump() {
                        s.push(c);
                    }
                }
                return Ok(s);
            }
            match self.bump() {
                Some('\\') => {
                    s.push('\\');
                    if let Some(c) = self.bump() {
                        s.push(c);
                    }
                }
                Some('\n') if quote.len() == 1 => {
                    return Err(self
                        .error(line, col, "string literal is not closed on its line")
                        .expected(quote.to_string()))
                }
                Some(c) => s.push(c),
                None => {
                    return Err(self
                        .error(line, col, "unterminated string literal")
                        .expected(quote.to_string()))
                }
            }
        }
    }

    /// A double-quoted string: one `StringLiteral` without interpolation,
    /// else `GStringBegin`, values, `GStringPart`s and `GStringEnd`.
    fn gstring(&mut self, quote: &str, line: u32, col: u32) -> Result<(), InputError> {
        let mut s = String::new();
        for _ in 0..quote.len() {
            if let Some(c) = self.bump() {
                s.push(c);
            }
        }
        let (mut pl, mut pc) = (line, col);
        let mut began = false;
        loop {
            if self.starts(quote) {
                for _ in 0..quote.len() {
                    if let Some(c) = self.bump() {
                        s.push(c);
                    }
                }
                let kind = if began { "GStringEnd" } else { "StringLiteral" };
                self.push(kind, s, pl, pc);
                return Ok(());
            }
            let starts_value = self.peek(0) == Some('$')
                && self
                    .peek(1)
                    .is_some_and(|c| c == '{' || c.is_alphabetic() || c == '_');
            if starts_value {
                if let Some(c) = self.bump() {
                    s.push(c);
                }
                let kind = if began { "GStringPart" } else { "GStringBegin" };
                self.push(kind, std::mem::take(&mut s), pl, pc);
                began = true;
                if self.peek(0) == Some('{') {
                    let (l, c) = (self.line, self.col);
                    self.bump();
                    self.push("LBrace", "{".into(), l, c);
                    self.code(true)?;
                } else {
                    // `$name.path`: identifiers joined by dots.
                    loop {
                        let (l, c) = (self.line, self.col);
                        let mut id = String::new();
                        while let Some(ch) =
                            self.peek(0).filter(|c| c.is_alphanumeric() || *c == '_')
                        {
                            id.push(ch);
                            self.bump();
                        }
                        self.push("Identifier", id, l, c);
                        let next_is_id =
                            self.peek(1).is_some_and(|c| c.is_alphabetic() || c == '_');
                        if self.peek(0) == Some('.') && next_is_id {
                            let (l, c) = (self.line, self.col);
                            self.bump();
                            self.push("Dot", ".".into(), l, c);
                        } else {
                            break;
                        }
                    }
                }
                (pl, pc) = (self.line, self.col);
                continue;
            }
            match self.bump() {
                Some('\\') => {
                    s.push('\\');
                    if let Some(c) = self.bump() {
                        s.push(c);
                    }
                }
                Some('\n') if quote.len() == 1 => {
                    return Err(self
                        .error(line, col, "string literal is not closed on its line")
                        .expected(quote.to_string()))
                }
                Some(c) => s.push(c),
                None => {
                    return Err(self
                        .error(line, col, "unterminated string literal")
                        .expected(quote.to_string()))
                }
            }
        }
    }

    fn slashy(&mut self, line: u32, col: u32) -> Result<(), InputError> {
        let mut s = String::from("/");
        self.bump();
        loop {
            match self.bump() {
                Some('\\') if self.peek(0) == Some('/') => {
                    s.push('\\');
                    s.push('/');
                    self.bump();
                }
                Some('/') => {
                    s.push('/');
                    self.push("SlashyStringLit", s, line, col);
                    return Ok(());
                }
                Some(c) => s.push(c),
                None => {
                    return Err(self
                        .error(line, col, "unterminated slashy string")
                        .expected("/"))
                }
            }
        }
    }

    fn dollar_slashy(&mut self, line: u32, col: u32) -> Result<(), InputError> {
        let mut s = String::from("$/");
        self.bump();
        self.bump();
        loop {
            if self.starts("$$") || self.starts("$/") {
                // Escapes: `$$` is `$`, `$/` is `/`.
                for _ in 0..2 {
                    if let Some(c) = self.bump() {
                        s.push(c);
                    }
                }
                continue;
            }
            if self.starts("/$") {
                self.bump();
                self.bump();
                s.push_str("/$");
                self.push("DollarSlashyStringLit", s, line, col);
                return Ok(());
            }
            match self.bump() {
                Some(c) => s.push(c),
                None => {
                    return Err(self
                        .error(line, col, "unterminated dollar-slashy string")
                        .expected("/$"))
                }
            }
        }
    }
}

/// A syntax tree node before it becomes JSON.
#[derive(Debug)]
struct Node {
    kind: &'static str,
    text: Option<String>,
    line: u32,
    col: u32,
    /// Levels in this subtree (a token is 1), kept at most [`MAX_DEPTH`] so
    /// converting and dropping the tree never recurses deeper than that.
    height: usize,
    children: Vec<Node>,
}

impl Node {
    fn new(kind: &'static str, children: Vec<Node>) -> Node {
        let (line, col) = children.first().map(|c| (c.line, c.col)).unwrap_or((1, 1));
        let height = 1 + children.iter().map(|c| c.height).max().unwrap_or(0);
        Node {
            kind,
            text: None,
            line,
            col,
            height,
            children,
        }
    }

    fn json(self) -> Value {
        let mut m = Map::new();
        m.insert("kind".into(), Value::String(self.kind.into()));
        if let Some(t) = self.text.filter(|t| !t.is_empty()) {
            m.insert("text".into(), Value::String(t));
        }
        m.insert("line".into(), Value::from(self.line));
        m.insert("column".into(), Value::from(self.col));
        if !self.children.is_empty() {
            m.insert(
                "children".into(),
                Value::Array(self.children.into_iter().map(Node::json).collect()),
            );
        }
        Value::Object(m)
    }
}

struct P<'a> {
    file: &'a str,
    toks: Vec<Tok>,
    i: usize,
    /// Position of the end of input, for errors there.
    end: (u32, u32),
    depth: usize,
    nodes: usize,
    /// Inside `(…)`/`[…]`, where line breaks do not end anything.
    nested: usize,
    /// Directly in a class body, where `Name(args) { … }` is a constructor.
    in_class: bool,
}

type R<T> = Result<T, InputError>;

fn binding(t: &Tok) -> Option<(u8, bool)> {
    // (precedence, right-associative); higher binds tighter.
    let op = t.text.as_str();
    if t.kind == "Keyword" {
        return match op {
            "in" | "instanceof" | "as" => Some((9, false)),
            _ => None,
        };
    }
    if !matches!(t.kind, "Operator" | "Assign" | "Question") {
        return None;
    }
    Some(match op {
        "=" | "+=" | "-=" | "*=" | "/=" | "%=" | "**=" | "<<=" | ">>=" | ">>>=" | "&=" | "^="
        | "|=" => (1, true),
        "?" | "?:" => (2, true),
        "||" => (3, false),
        "&&" => (4, false),
        "|" => (5, false),
        "^" => (6, false),
        "&" => (7, false),
        "==" | "!=" | "<=>" | "===" | "!==" | "=~" | "==~" => (8, false),
        "<" | "<=" | ">" | ">=" => (9, false),
        "<<" | ">>" | ">>>" | ".." | "..<" => (10, false),
        "+" | "-" => (11, false),
        "*" | "/" | "%" => (12, false),
        "**" => (14, true),
        _ => return None,
    })
}

impl P<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i)
    }
    fn peek_at(&self, k: usize) -> Option<&Tok> {
        self.toks.get(self.i + k)
    }
    fn at_punct(&self, p: &str) -> bool {
        self.peek().is_some_and(|t| t.punct(p))
    }
    fn at_kw(&self, k: &str) -> bool {
        self.peek().is_some_and(|t| t.is("Keyword", k))
    }

    fn error_here(&self, msg: impl Into<String>) -> InputError {
        let (line, col) = self.peek().map(|t| (t.line, t.col)).unwrap_or(self.end);
        InputError::new(
            self.file,
            line,
            col,
            format!("parse groovy: {}", msg.into()),
        )
    }

    fn unexpected(&self, expected: &str) -> InputError {
        let found = match self.peek() {
            Some(t) => format!("unexpected `{}`", t.text),
            None => "unexpected end of input".to_string(),
        };
        self.error_here(found).expected(expected.to_string())
    }

    fn count(&mut self) -> R<()> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(self.error_here(format!(
                "syntax tree exceeds maximum node count of {MAX_NODES}"
            )));
        }
        Ok(())
    }

    fn node(&mut self, kind: &'static str, children: Vec<Node>) -> R<Node> {
        self.count()?;
        let n = Node::new(kind, children);
        if n.height > MAX_DEPTH {
            return Err(InputError::new(
                self.file,
                n.line,
                n.col,
                format!("parse groovy: syntax tree exceeds maximum depth of {MAX_DEPTH}"),
            ));
        }
        Ok(n)
    }

    fn token(&mut self) -> R<Node> {
        self.count()?;
        let t = self
            .toks
            .get(self.i)
            .cloned()
            .ok_or_else(|| self.unexpected("more input"))?;
        self.i += 1;
        Ok(Node {
            kind: t.kind,
            text: Some(t.text),
            line: t.line,
            col: t.col,
            height: 1,
            children: Vec::new(),
        })
    }

    fn expect(&mut self, p: &str) -> R<Node> {
        if self.at_punct(p) {
            self.token()
        } else {
            Err(self.unexpected(&format!("`{p}`")))
        }
    }

    /// Guards recursion: `weight` approximates the tree levels the construct
    /// adds, so the parser stops near where the tree would be refused.
    fn enter(&mut self, weight: usize) -> R<()> {
        self.depth += weight;
        if self.depth > MAX_DEPTH {
            return Err(
                self.error_here(format!("syntax tree exceeds maximum depth of {MAX_DEPTH}"))
            );
        }
        Ok(())
    }

    /// Statements until `}` (left unconsumed) or the end of input.
    fn statements(&mut self, out: &mut Vec<Node>) -> R<()> {
        self.statements_in(out, false)
    }

    fn statements_in(&mut self, out: &mut Vec<Node>, class_body: bool) -> R<()> {
        let saved = std::mem::replace(&mut self.nested, 0);
        let saved_class = std::mem::replace(&mut self.in_class, class_body);
        loop {
            while self.at_punct(";") {
                let t = self.token()?;
                out.push(t);
            }
            match self.peek() {
                None => break,
                Some(t) if t.punct("}") => break,
                _ => {}
            }
            out.push(self.statement()?);
            match self.peek() {
                None => {}
                Some(t) if t.punct("}") || t.punct(";") || t.nl => {}
                Some(_) => {
                    return Err(self.unexpected("the end of the statement (a new line or `;`)"))
                }
            }
        }
        self.nested = saved;
        self.in_class = saved_class;
        Ok(())
    }

    fn block(&mut self) -> R<Node> {
        self.enter(3)?;
        let mut c = vec![self.expect("{")?];
        self.statements(&mut c)?;
        c.push(self.expect("}")?);
        self.depth -= 3;
        self.node("BlockStmt", c)
    }

    /// A statement body: a block, or a single statement.
    fn body(&mut self) -> R<Node> {
        if self.at_punct("{") {
            self.block()
        } else {
            self.enter(1)?;
            let s = self.statement()?;
            self.depth -= 1;
            Ok(s)
        }
    }

    fn paren_expr(&mut self, c: &mut Vec<Node>) -> R<()> {
        c.push(self.expect("(")?);
        self.nested += 1;
        c.push(self.expr(0)?);
        self.nested -= 1;
        c.push(self.expect(")")?);
        Ok(())
    }

    fn statement(&mut self) -> R<Node> {
        let Some(t) = self.peek().cloned() else {
            return Err(self.unexpected("a statement"));
        };
        if t.kind == "Keyword" {
            match t.text.as_str() {
                "if" => {
                    let mut c = vec![self.token()?];
                    self.paren_expr(&mut c)?;
                    c.push(self.body()?);
                    // `else` may follow on a new line, after optional `;`.
                    let save = self.i;
                    while self.at_punct(";") {
                        self.i += 1;
                    }
                    if self.at_kw("else") {
                        c.push(self.token()?);
                        c.push(self.body()?);
                    } else {
                        self.i = save;
                    }
                    return self.node("IfStmt", c);
                }
                "while" => {
                    let mut c = vec![self.token()?];
                    self.paren_expr(&mut c)?;
                    c.push(self.body()?);
                    return self.node("WhileStmt", c);
                }
                "do" => {
                    let mut c = vec![self.token()?, self.body()?];
                    if !self.at_kw("while") {
                        return Err(self.unexpected("`while`"));
                    }
                    c.push(self.token()?);
                    self.paren_expr(&mut c)?;
                    return self.node("DoWhileStmt", c);
                }
                "for" => return self.for_stmt(),
                "try" => return self.try_stmt(),
                "switch" => return self.switch_stmt(),
                "return" | "throw" | "assert" => {
                    let mut c = vec![self.token()?];
                    if self
                        .peek()
                        .is_some_and(|n| !n.nl && !n.punct("}") && !n.punct(";"))
                    {
                        c.push(self.expr(0)?);
                        if t.text == "assert" && (self.at_punct(":") || self.at_punct(",")) {
                            c.push(self.token()?);
                            c.push(self.expr(0)?);
                        }
                    }
                    let kind = match t.text.as_str() {
                        "return" => "ReturnStmt",
                        "throw" => "ThrowStmt",
                        _ => "AssertStmt",
                    };
                    return self.node(kind, c);
                }
                "break" | "continue" => {
                    let mut c = vec![self.token()?];
                    if self.peek().is_some_and(|n| !n.nl && n.kind == "Identifier") {
                        c.push(self.token()?);
                    }
                    let kind = if t.text == "break" {
                        "BreakStmt"
                    } else {
                        "ContinueStmt"
                    };
                    return self.node(kind, c);
                }
                "package" | "import" => {
                    let mut c = vec![self.token()?];
                    while let Some(n) = self.peek() {
                        if n.nl && c.len() > 1 || n.punct(";") || n.punct("}") {
                            break;
                        }
                        c.push(self.token()?);
                    }
                    let kind = if t.text == "package" {
                        "PackageDecl"
                    } else {
                        "ImportDecl"
                    };
                    return self.node(kind, c);
                }
                _ => {}
            }
        }
        // Annotations belong to what follows them (`@Library('lib') _`).
        if t.punct("@")
            && !self
                .peek_at(1)
                .is_some_and(|n| n.is("Keyword", "interface"))
        {
            let mut c = vec![self.annotation()?];
            while self.at_punct("@")
                && !self
                    .peek_at(1)
                    .is_some_and(|n| n.is("Keyword", "interface"))
            {
                c.push(self.annotation()?);
            }
            if self.peek().is_some_and(|n| !n.punct("}")) {
                self.enter(1)?;
                c.push(self.statement()?);
                self.depth -= 1;
            }
            return self.node("AnnotatedStmt", c);
        }
        // `label:` before a loop.
        if t.kind == "Identifier" && self.peek_at(1).is_some_and(|n| n.punct(":")) {
            let c = vec![self.token()?, self.token()?, self.statement()?];
            return self.node("LabeledStmt", c);
        }
        if let Some(d) = self.declaration()? {
            return Ok(d);
        }
        let e = self.command_or_expr()?;
        self.node("ExpressionStmt", vec![e])
    }

    fn annotation(&mut self) -> R<Node> {
        let mut c = vec![self.token()?];
        c.push(self.token()?);
        while self.at_punct(".") && self.peek_at(1).is_some_and(|n| n.kind == "Identifier") {
            c.push(self.token()?);
            c.push(self.token()?);
        }
        if self.at_punct("(") && !self.peek().is_some_and(|t| t.nl) {
            self.args_in_parens(&mut c)?;
        }
        self.node("Annotation", c)
    }

    fn for_stmt(&mut self) -> R<Node> {
        let mut c = vec![self.token()?, self.expect("(")?];
        self.nested += 1;
        // `for (x in xs)`, `for (String x : xs)` or `for (init; cond; update)`.
        let mut k = self.i;
        while self
            .toks
            .get(k)
            .is_some_and(|t| t.kind == "Identifier" || t.kind == "Keyword" && t.text != "in")
        {
            k += 1;
        }
        let each = k > self.i
            && self
                .toks
                .get(k)
                .is_some_and(|t| t.is("Keyword", "in") || t.punct(":"));
        if each {
            while self.i < k {
                c.push(self.token()?);
            }
            c.push(self.token()?);
            c.push(self.expr(0)?);
        } else {
            for part in 0..3 {
                if !self.at_punct(";") && !self.at_punct(")") {
                    match self.declaration()? {
                        Some(d) if part == 0 => c.push(d),
                        Some(_) => return Err(self.unexpected("an expression")),
                        None => c.push(self.expr(0)?),
                    }
                }
                if part < 2 {
                    c.push(self.expect(";")?);
                }
            }
        }
        self.nested -= 1;
        c.push(self.expect(")")?);
        c.push(self.body()?);
        self.node("ForStmt", c)
    }

    fn try_stmt(&mut self) -> R<Node> {
        let mut c = vec![self.token()?, self.block()?];
        while self.at_kw("catch") {
            let mut k = vec![self.token()?, self.expect("(")?];
            while self.peek().is_some_and(|t| !t.punct(")")) {
                k.push(self.token()?);
            }
            k.push(self.expect(")")?);
            k.push(self.block()?);
            c.push(self.node("CatchClause", k)?);
        }
        if self.at_kw("finally") {
            let f = vec![self.token()?, self.block()?];
            c.push(self.node("FinallyClause", f)?);
        }
        self.node("TryStmt", c)
    }

    fn switch_stmt(&mut self) -> R<Node> {
        let mut c = vec![self.token()?];
        self.paren_expr(&mut c)?;
        c.push(self.expect("{")?);
        self.enter(3)?;
        let saved = std::mem::replace(&mut self.nested, 0);
        while self.at_kw("case") || self.at_kw("default") {
            let mut k = vec![self.token()?];
            if k.first().is_some_and(|t| t.text.as_deref() == Some("case")) {
                self.nested += 1;
                k.push(self.expr(2)?);
                self.nested -= 1;
            }
            k.push(self.expect(":")?);
            loop {
                while self.at_punct(";") {
                    k.push(self.token()?);
                }
                if self.at_kw("case")
                    || self.at_kw("default")
                    || self.at_punct("}")
                    || self.peek().is_none()
                {
                    break;
                }
                k.push(self.statement()?);
            }
            c.push(self.node("CaseClause", k)?);
        }
        self.nested = saved;
        self.depth -= 3;
        c.push(self.expect("}")?);
        self.node("SwitchStmt", c)
    }

    /// How many tokens a type takes at `k` (`String`, `a.b.C`, `List<Map<K, V>>`,
    /// `int[]`), or 0 when none starts there.
    fn type_len(&self, k: usize) -> usize {
        let Some(first) = self.toks.get(k) else {
            return 0;
        };
        let mut j = k;
        if first.kind == "Keyword" && PRIMITIVES.contains(&first.text.as_str()) {
            j += 1;
        } else if first.kind == "Identifier" {
            j += 1;
            while self.toks.get(j).is_some_and(|t| t.punct("."))
                && self.toks.get(j + 1).is_some_and(|t| t.kind == "Identifier")
            {
                j += 2;
            }
            if self.toks.get(j).is_some_and(|t| t.punct("<")) {
                let mut open = 0i32;
                loop {
                    let Some(t) = self.toks.get(j) else { return 0 };
                    match t.text.as_str() {
                        "<" => open += 1,
                        ">" => open -= 1,
                        ">>" => open -= 2,
                        ">>>" => open -= 3,
                        "," | "." | "?" | "extends" | "super" | "[" | "]" => {}
                        _ if t.kind == "Identifier" || t.kind == "Keyword" => {}
                        _ => return 0,
                    }
                    j += 1;
                    if open <= 0 {
                        break;
                    }
                }
                if open < 0 {
                    return 0;
                }
            }
        } else {
            return 0;
        }
        while self.toks.get(j).is_some_and(|t| t.punct("["))
            && self.toks.get(j + 1).is_some_and(|t| t.punct("]"))
        {
            j += 2;
        }
        if self.toks.get(j).is_some_and(|t| t.text == "...") {
            j += 1;
        }
        j - k
    }

    /// A variable, method or class declaration, if one starts here.
    fn declaration(&mut self) -> R<Option<Node>> {
        let mut k = self.i;
        // `has_def`: `def` or a modifier, so a declaration follows;
        // `saw_def`: the `def` keyword itself.
        let mut has_def = false;
        let mut saw_def = false;
        while let Some(t) = self.toks.get(k) {
            if t.kind == "Keyword" && (MODIFIERS.contains(&t.text.as_str()) || t.text == "def") {
                has_def = true;
                saw_def |= t.text == "def";
                k += 1;
            } else if t.punct("@") && has_def {
                return Ok(None);
            } else {
                break;
            }
        }
        if let Some(t) = self.toks.get(k) {
            if t.kind == "Keyword"
                && matches!(t.text.as_str(), "class" | "interface" | "trait" | "enum")
                || t.punct("@")
                    && self
                        .toks
                        .get(k + 1)
                        .is_some_and(|n| n.is("Keyword", "interface"))
            {
                return self.class_decl(k).map(Some);
            }
        }
        // A type is a primitive, or a name starting with a capital letter
        // (Groovy's rule: `agent any` is a call, `String s` a declaration).
        let tl = match self.toks.get(k) {
            Some(t) if t.kind == "Keyword" && PRIMITIVES.contains(&t.text.as_str()) => {
                self.type_len(k)
            }
            Some(t) if t.kind == "Identifier" && t.text.starts_with(|c: char| c.is_uppercase()) => {
                self.type_len(k)
            }
            _ => 0,
        };
        // A constructor: `Name(params) {` directly in a class body.
        let ctor = self.in_class
            && !saw_def
            && self.toks.get(k).is_some_and(|t| t.kind == "Identifier")
            && self.toks.get(k + 1).is_some_and(|t| t.punct("("));
        if ctor {
            let mut c = Vec::new();
            while self.i <= k {
                c.push(self.token()?);
            }
            self.params(&mut c, ")")?;
            if self.at_punct("{") {
                c.push(self.block()?);
            }
            return self.node("MethodDecl", c).map(Some);
        }
        let name_at = k + tl;
        let name_ok = self
            .toks
            .get(name_at)
            .is_some_and(|t| t.kind == "Identifier" || t.kind == "StringLiteral" && has_def);
        if !(has_def || tl > 0) {
            return Ok(None);
        }
        // `def (a, b) = [1, 2]`
        if saw_def && self.toks.get(name_at).is_some_and(|t| t.punct("(")) {
            let mut c = Vec::new();
            while self.i < name_at {
                c.push(self.token()?);
            }
            c.push(self.token()?);
            while self.peek().is_some_and(|t| !t.punct(")")) {
                c.push(self.token()?);
            }
            c.push(self.expect(")")?);
            c.push(self.expect("=")?);
            c.push(self.command_or_expr()?);
            return self.node("VarDecl", c).map(Some);
        }
        if !name_ok || (!has_def && self.toks.get(name_at).is_some_and(|t| t.nl)) {
            return Ok(None);
        }
        let mut c = Vec::new();
        while self.i < k {
            c.push(self.token()?);
        }
        if tl > 0 {
            let mut ty = Vec::new();
            while self.i < name_at {
                ty.push(self.token()?);
            }
            c.push(self.node("TypeExpr", ty)?);
        }
        c.push(self.token()?);
        if self.at_punct("(") {
            self.params(&mut c, ")")?;
            if self.at_kw("throws") {
                c.push(self.token()?);
                while self.peek().is_some_and(|t| !t.punct("{")) {
                    c.push(self.token()?);
                }
            }
            if self.at_punct("{") {
                c.push(self.block()?);
            }
            return self.node("MethodDecl", c).map(Some);
        }
        loop {
            if self.at_punct("=") {
                c.push(self.token()?);
                c.push(self.command_or_expr()?);
            }
            if self.at_punct(",") && self.peek_at(1).is_some_and(|t| t.kind == "Identifier") {
                c.push(self.token()?);
                c.push(self.token()?);
            } else {
                break;
            }
        }
        self.node("VarDecl", c).map(Some)
    }

    /// `(params)` of a method: `Type name = default`, separated by commas.
    fn params(&mut self, c: &mut Vec<Node>, close: &str) -> R<()> {
        c.push(self.expect("(")?);
        self.nested += 1;
        while !self.at_punct(close) {
            let mut p = Vec::new();
            while self
                .peek()
                .is_some_and(|t| !t.punct(",") && !t.punct("=") && !t.punct(close))
            {
                p.push(self.token()?);
            }
            if self.at_punct("=") {
                p.push(self.token()?);
                p.push(self.expr(1)?);
            }
            c.push(self.node("Param", p)?);
            if self.at_punct(",") {
                c.push(self.token()?);
            } else {
                break;
            }
        }
        self.nested -= 1;
        c.push(self.expect(close)?);
        Ok(())
    }

    fn class_decl(&mut self, kw_at: usize) -> R<Node> {
        let mut c = Vec::new();
        while self.i <= kw_at {
            c.push(self.token()?);
        }
        if self.at_kw("interface") {
            c.push(self.token()?);
        }
        while self.peek().is_some_and(|t| !t.punct("{")) {
            c.push(self.token()?);
        }
        c.push(self.expect("{")?);
        self.enter(3)?;
        let is_enum = c
            .iter()
            .any(|n| n.kind == "Keyword" && n.text.as_deref() == Some("enum"));
        if is_enum {
            let saved = std::mem::replace(&mut self.nested, 1);
            while self.peek().is_some_and(|t| t.kind == "Identifier") {
                let mut k = vec![self.token()?];
                if self.at_punct("(") {
                    self.args_in_parens(&mut k)?;
                }
                c.push(self.node("EnumConstant", k)?);
                if self.at_punct(",") {
                    c.push(self.token()?);
                } else {
                    break;
                }
            }
            self.nested = saved;
        }
        self.statements_in(&mut c, true)?;
        c.push(self.expect("}")?);
        self.depth -= 3;
        self.node("ClassDecl", c)
    }

    /// An expression, or a command call `callee arg, name: arg` whose
    /// arguments follow on the same line without parentheses.
    fn command_or_expr(&mut self) -> R<Node> {
        let e = self.expr(0)?;
        let callee_like = matches!(e.kind, "IdentExpr" | "PropertyExpr");
        if !callee_like || self.nested > 0 {
            return Ok(e);
        }
        let starts_arg = self.peek().is_some_and(|t| {
            !t.nl
                && (matches!(
                    t.kind,
                    "Identifier"
                        | "StringLiteral"
                        | "GStringBegin"
                        | "SlashyStringLit"
                        | "DollarSlashyStringLit"
                        | "IntegerLiteral"
                        | "FloatingPointLiteral"
                        | "BooleanLiteral"
                        | "NullLiteral"
                ) || t.kind == "Keyword" && matches!(t.text.as_str(), "this" | "new" | "super")
                    || t.punct("[")
                    || t.punct("!"))
        });
        if !starts_arg {
            return Ok(e);
        }
        let mut c = vec![e];
        loop {
            c.push(self.arg()?);
            if self.at_punct(",") {
                c.push(self.token()?);
            } else {
                break;
            }
        }
        // A closure on the same line ends the call: `stage 'x', { … }`.
        if self.at_punct("{") && !self.peek().is_some_and(|t| t.nl) {
            c.push(self.closure()?);
        }
        self.node("CallExpr", c)
    }

    /// One argument: `name: value` or an expression.
    fn arg(&mut self) -> R<Node> {
        let keyish = self.peek().is_some_and(|t| {
            matches!(
                t.kind,
                "Identifier"
                    | "StringLiteral"
                    | "Keyword"
                    | "IntegerLiteral"
                    | "BooleanLiteral"
                    | "NullLiteral"
            )
        }) && self.peek_at(1).is_some_and(|t| t.punct(":"));
        if keyish {
            let c = vec![self.token()?, self.token()?, self.expr(1)?];
            return self.node("NamedArg", c);
        }
        if self.at_punct("*") && self.peek_at(1).is_some_and(|t| t.punct(":")) {
            let c = vec![self.token()?, self.token()?, self.expr(1)?];
            return self.node("NamedArg", c);
        }
        let e = self.expr(1)?;
        if self.at_punct(":") {
            let c = vec![e, self.token()?, self.expr(1)?];
            return self.node("NamedArg", c);
        }
        Ok(e)
    }

    fn args_in_parens(&mut self, c: &mut Vec<Node>) -> R<()> {
        c.push(self.expect("(")?);
        self.nested += 1;
        while !self.at_punct(")") {
            c.push(self.arg()?);
            if self.at_punct(",") {
                c.push(self.token()?);
            } else {
                break;
            }
        }
        self.nested -= 1;
        c.push(self.expect(")")?);
        Ok(())
    }

    /// Operators by precedence climbing; `min` is the lowest binding power
    /// accepted.
    fn expr(&mut self, min: u8) -> R<Node> {
        self.enter(1)?;
        let mut lhs = self.unary()?;
        while let Some(t) = self.peek() {
            // Outside brackets a line break ends the expression.
            if t.nl && self.nested == 0 {
                break;
            }
            let Some((bp, right)) = binding(t) else { break };
            if bp < min || (bp == 1 && min > 1) {
                break;
            }
            let op_text = t.text.clone();
            let op = self.token()?;
            if op_text == "?" {
                self.nested += 1;
                let then = self.expr(1)?;
                self.nested -= 1;
                let colon = self.expect(":")?;
                let els = self.expr(2)?;
                lhs = self.node("TernaryExpr", vec![lhs, op, then, colon, els])?;
                continue;
            }
            if matches!(op_text.as_str(), "as" | "instanceof") {
                let tl = self.type_len(self.i);
                if tl == 0 {
                    return Err(self.unexpected("a type"));
                }
                let mut ty = Vec::new();
                for _ in 0..tl {
                    ty.push(self.token()?);
                }
                let ty = self.node("TypeExpr", ty)?;
                let kind = if op_text == "as" {
                    "CastExpr"
                } else {
                    "InstanceofExpr"
                };
                lhs = self.node(kind, vec![lhs, op, ty])?;
                continue;
            }
            let next = if right { bp } else { bp + 1 };
            let rhs = if bp == 1 {
                self.command_or_expr_at(next)?
            } else {
                self.expr(next)?
            };
            let kind = match bp {
                1 => "AssignExpr",
                2 => "ElvisExpr",
                _ => "BinaryExpr",
            };
            lhs = self.node(kind, vec![lhs, op, rhs])?;
        }
        self.depth -= 1;
        Ok(lhs)
    }

    /// The right side of an assignment, which may be a command call.
    fn command_or_expr_at(&mut self, min: u8) -> R<Node> {
        if min <= 1 {
            self.command_or_expr()
        } else {
            self.expr(min)
        }
    }

    fn unary(&mut self) -> R<Node> {
        let prefix = self.peek().is_some_and(|t| {
            t.kind == "Operator"
                && matches!(t.text.as_str(), "!" | "-" | "+" | "~" | "++" | "--" | "*")
        });
        if prefix {
            self.enter(1)?;
            let op = self.token()?;
            // `-a ** b` is `-(a ** b)`.
            let operand = self.expr(13)?;
            self.depth -= 1;
            return self.node("UnaryExpr", vec![op, operand]);
        }
        // A cast `(String) x`.
        if self.at_punct("(") {
            let tl = self.type_len(self.i + 1);
            let is_type = tl > 0
                && self.peek_at(1).is_some_and(|t| {
                    t.kind == "Keyword" || t.text.starts_with(|c: char| c.is_uppercase())
                });
            if is_type
                && self.peek_at(tl + 1).is_some_and(|t| t.punct(")"))
                && self.peek_at(tl + 2).is_some_and(|t| {
                    !t.nl
                        && matches!(
                            t.kind,
                            "Identifier"
                                | "StringLiteral"
                                | "GStringBegin"
                                | "IntegerLiteral"
                                | "LParen"
                        )
                })
            {
                let mut c = vec![self.token()?];
                let mut ty = Vec::new();
                for _ in 0..tl {
                    ty.push(self.token()?);
                }
                c.push(self.node("TypeExpr", ty)?);
                c.push(self.token()?);
                self.enter(1)?;
                c.push(self.unary()?);
                self.depth -= 1;
                return self.node("CastExpr", c);
            }
        }
        self.postfix()
    }

    fn postfix(&mut self) -> R<Node> {
        let mut e = self.primary()?;
        while let Some(t) = self.peek() {
            let same_line = !t.nl || self.nested > 0;
            if matches!(t.kind, "Dot" | "SafeDot" | "SpreadDot")
                || t.is("Operator", ".@")
                || t.is("Operator", ".&")
            {
                // Method chains may continue on the next line.
                let dot = self.token()?;
                let name = match self.peek() {
                    Some(n)
                        if matches!(
                            n.kind,
                            "Identifier"
                                | "Keyword"
                                | "StringLiteral"
                                | "BooleanLiteral"
                                | "NullLiteral"
                        ) =>
                    {
                        self.token()?
                    }
                    Some(n) if n.kind == "GStringBegin" => self.gstring()?,
                    _ => return Err(self.unexpected("a property or method name")),
                };
                e = self.node("PropertyExpr", vec![e, dot, name])?;
            } else if t.punct("(") && same_line {
                let mut c = vec![e];
                self.args_in_parens(&mut c)?;
                if self.at_punct("{") && !self.peek().is_some_and(|t| t.nl) {
                    c.push(self.closure()?);
                }
                e = self.node("CallExpr", c)?;
            } else if t.punct("[") && same_line {
                let mut c = vec![e, self.token()?];
                self.nested += 1;
                while !self.at_punct("]") {
                    c.push(self.expr(0)?);
                    if self.at_punct(",") {
                        c.push(self.token()?);
                    } else {
                        break;
                    }
                }
                self.nested -= 1;
                c.push(self.expect("]")?);
                e = self.node("IndexExpr", c)?;
            } else if t.punct("{")
                && !t.nl
                && matches!(e.kind, "IdentExpr" | "PropertyExpr" | "CallExpr")
            {
                let cl = self.closure()?;
                e = self.node("CallExpr", vec![e, cl])?;
            } else if (t.is("Operator", "++") || t.is("Operator", "--")) && !t.nl {
                let op = self.token()?;
                e = self.node("PostfixExpr", vec![e, op])?;
            } else {
                break;
            }
        }
        Ok(e)
    }

    fn closure(&mut self) -> R<Node> {
        self.enter(3)?;
        let mut c = vec![self.expect("{")?];
        // Parameters: names (optionally typed) and commas up to `->`.
        let mut k = self.i;
        while self.toks.get(k).is_some_and(|t| {
            matches!(
                t.kind,
                "Identifier" | "Comma" | "Dot" | "LBracket" | "RBracket"
            ) || t.kind == "Keyword"
                && (PRIMITIVES.contains(&t.text.as_str()) || t.text == "def" || t.text == "final")
                || t.punct("<")
                || t.punct(">")
        }) {
            k += 1;
        }
        if self.toks.get(k).is_some_and(|t| t.punct("->")) {
            let mut p = Vec::new();
            while self.i < k {
                if self.at_punct(",") {
                    if !p.is_empty() {
                        let done = std::mem::take(&mut p);
                        c.push(self.node("Param", done)?);
                    }
                    c.push(self.token()?);
                } else {
                    p.push(self.token()?);
                }
            }
            if !p.is_empty() {
                c.push(self.node("Param", p)?);
            }
            c.push(self.token()?);
        }
        self.statements(&mut c)?;
        c.push(self.expect("}")?);
        self.depth -= 3;
        self.node("ClosureExpr", c)
    }

    fn gstring(&mut self) -> R<Node> {
        let mut c = vec![self.token()?];
        loop {
            if self.at_punct("{") {
                c.push(self.token()?);
                self.enter(2)?;
                self.statements(&mut c)?;
                self.depth -= 2;
                c.push(self.expect("}")?);
            } else {
                // `$a.b.c`
                let mut e = self.token().map(|id| vec![id])?;
                let mut node = self.node("IdentExpr", std::mem::take(&mut e))?;
                while self.at_punct(".") && self.peek_at(1).is_some_and(|t| t.kind == "Identifier")
                {
                    let dot = self.token()?;
                    let id = self.token()?;
                    node = self.node("PropertyExpr", vec![node, dot, id])?;
                }
                c.push(node);
            }
            match self.peek().map(|t| t.kind) {
                Some("GStringPart") => c.push(self.token()?),
                Some("GStringEnd") => {
                    c.push(self.token()?);
                    break;
                }
                _ => return Err(self.unexpected("the rest of the string")),
            }
        }
        self.node("GStringExpr", c)
    }

    fn primary(&mut self) -> R<Node> {
        let Some(t) = self.peek().cloned() else {
            return Err(self.unexpected("an expression"));
        };
        match t.kind {
            "Identifier" => {
                let id = self.token()?;
                self.node("IdentExpr", vec![id])
            }
            "StringLiteral"
            | "SlashyStringLit"
            | "DollarSlashyStringLit"
            | "IntegerLiteral"
            | "FloatingPointLiteral"
            | "BooleanLiteral"
            | "NullLiteral" => {
                let lit = self.token()?;
                self.node("LiteralExpr", vec![lit])
            }
            "GStringBegin" => self.gstring(),
            "LParen" => {
                self.enter(1)?;
                let mut c = vec![self.token()?];
                self.nested += 1;
                c.push(self.expr(0)?);
                self.nested -= 1;
                c.push(self.expect(")")?);
                self.depth -= 1;
                self.node("ParenExpr", c)
            }
            "LBracket" => self.list_or_map(),
            "LBrace" => self.closure(),
            "Keyword" => match t.text.as_str() {
                "this" | "super" => {
                    let k = self.token()?;
                    self.node("IdentExpr", vec![k])
                }
                "new" => {
                    let mut c = vec![self.token()?];
                    let tl = self.type_len(self.i);
                    if tl == 0 {
                        return Err(self.unexpected("a type after `new`"));
                    }
                    let mut ty = Vec::new();
                    for _ in 0..tl {
                        ty.push(self.token()?);
                    }
                    c.push(self.node("TypeExpr", ty)?);
                    if self.at_punct("(") {
                        self.args_in_parens(&mut c)?;
                        if self.at_punct("{") && !self.peek().is_some_and(|t| t.nl) {
                            // An anonymous class body.
                            c.push(self.block()?);
                        }
                    } else if self.at_punct("[") {
                        while self.at_punct("[") {
                            c.push(self.token()?);
                            self.nested += 1;
                            if !self.at_punct("]") {
                                c.push(self.expr(0)?);
                            }
                            self.nested -= 1;
                            c.push(self.expect("]")?);
                        }
                        if self.at_punct("{") {
                            c.push(self.block()?);
                        }
                    }
                    self.node("NewExpr", c)
                }
                _ if PRIMITIVES.contains(&t.text.as_str()) => {
                    // `int.class`, `def x = int` and the like.
                    let k = self.token()?;
                    self.node("IdentExpr", vec![k])
                }
                _ => Err(self.unexpected("an expression")),
            },
            _ => Err(self.unexpected("an expression")),
        }
    }

    fn list_or_map(&mut self) -> R<Node> {
        self.enter(1)?;
        let mut c = vec![self.token()?];
        self.nested += 1;
        let mut is_map = false;
        if self.at_punct(":") && self.peek_at(1).is_some_and(|t| t.punct("]")) {
            c.push(self.token()?);
            is_map = true;
        }
        let mut first = true;
        while !self.at_punct("]") {
            let a = self.arg()?;
            if first {
                is_map |= a.kind == "NamedArg";
                first = false;
            }
            let a = if a.kind == "NamedArg" {
                Node {
                    kind: "MapEntry",
                    ..a
                }
            } else {
                a
            };
            c.push(a);
            if self.at_punct(",") {
                c.push(self.token()?);
            } else {
                break;
            }
        }
        self.nested -= 1;
        c.push(self.expect("]")?);
        self.depth -= 1;
        self.node(if is_map { "MapExpr" } else { "ListExpr" }, c)
    }
}

/// Stack for the parsing thread. The parser recurses once per nesting
/// level and stops at [`MAX_DEPTH`]; unoptimised builds use up to ~5 MiB
/// there, more than a worker thread (or regorus, calling `parse_config`
/// from deep in its interpreter) has left. Only touched pages are committed.
const PARSER_STACK: usize = 32 << 20;

/// Parses Groovy source into conftest's syntax tree (a `FileNode`).
pub fn to_json(file: &str, text: &str) -> Result<Value, InputError> {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("groovy-parser".into())
            .stack_size(PARSER_STACK)
            .spawn_scoped(s, || parse(file, text))
            .map_err(|e| {
                InputError::new(
                    file,
                    0,
                    0,
                    format!("parse groovy: cannot start the parser: {e}"),
                )
            })?
            .join()
            .unwrap_or_else(|_| {
                Err(InputError::new(
                    file,
                    0,
                    0,
                    "parse groovy: the parser failed internally",
                ))
            })
    })
}

fn parse(file: &str, text: &str) -> Result<Value, InputError> {
    let mut lx = Lexer {
        file,
        chars: text.chars().collect(),
        i: 0,
        line: 1,
        col: 1,
        nl: false,
        out: Vec::new(),
        depth: 0,
    };
    lx.code(false)?;
    let end = (lx.line, lx.col);
    let mut p = P {
        file,
        toks: lx.out,
        i: 0,
        end,
        depth: 0,
        nodes: 0,
        nested: 0,
        in_class: false,
    };
    let mut c = Vec::new();
    p.statements(&mut c)?;
    if p.peek().is_some() {
        return Err(p.unexpected("a statement"));
    }
    Ok(p.node("FileNode", c)?.json())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(t: &str) -> Value {
        to_json("Jenkinsfile", t).unwrap_or_else(|e| panic!("{}", e.render()))
    }

    fn find<'a>(v: &'a Value, kind: &str, text: Option<&str>, out: &mut Vec<&'a Value>) {
        if v["kind"] == kind && text.is_none_or(|t| v["text"] == t) {
            out.push(v);
        }
        if let Some(c) = v["children"].as_array() {
            for n in c {
                find(n, kind, text, out);
            }
        }
    }

    fn all<'a>(v: &'a Value, kind: &str) -> Vec<&'a Value> {
        let mut out = Vec::new();
        find(v, kind, None, &mut out);
        out
    }

    #[test]
    fn command_call_has_conftests_shape() {
        assert_eq!(
            parse("sh 'echo ok'"),
            json!({"kind": "FileNode", "line": 1, "column": 1, "children": [
                {"kind": "ExpressionStmt", "line": 1, "column": 1, "children": [
                    {"kind": "CallExpr", "line": 1, "column": 1, "children": [
                        {"kind": "IdentExpr", "line": 1, "column": 1, "children": [
                            {"kind": "Identifier", "text": "sh", "line": 1, "column": 1}]},
                        {"kind": "LiteralExpr", "line": 1, "column": 4, "children": [
                            {"kind": "StringLiteral", "text": "'echo ok'", "line": 1, "column": 4}]}]}]}]})
        );
    }

    #[test]
    fn declarative_pipeline() {
        let v = parse(
            "// comment\npipeline {\n  agent any\n  environment { FOO = 'bar' }\n  stages {\n    stage('Build') {\n      steps {\n        sh 'make build'\n        script {\n          def out = sh script: 'ls', returnStdout: true\n          if (out.trim() == 'x') { echo \"got ${out.trim()}\" } else { error 'no' }\n        }\n      }\n    }\n  }\n  post { always { junit '**/*.xml' } }\n}\n",
        );
        let mut sh = Vec::new();
        find(&v, "Identifier", Some("sh"), &mut sh);
        assert_eq!(
            (sh[0]["line"].clone(), sh[0]["column"].clone()),
            (json!(8), json!(9))
        );
        assert!(!all(&v, "ClosureExpr").is_empty());
        assert_eq!(all(&v, "NamedArg").len(), 2);
        assert_eq!(all(&v, "GStringExpr").len(), 1);
        assert!(!serde_json::to_string(&v)
            .unwrap_or_default()
            .contains("comment"));
        // Every call's callee comes first.
        for c in all(&v, "CallExpr") {
            assert!(
                matches!(
                    c["children"][0]["kind"].as_str(),
                    Some("IdentExpr" | "PropertyExpr")
                ),
                "{c}"
            );
        }
    }

    #[test]
    fn strings() {
        let v = parse("sh \"curl x | b${''}ash\"\nsh $/a/b | c/$\ndef r = /a+b/\nsh \"deploy $env.BRANCH now\"\nsh '''multi\nline'''");
        let begin = all(&v, "GStringBegin");
        assert_eq!(begin[0]["text"], "\"curl x | b$");
        assert_eq!(all(&v, "GStringEnd")[0]["text"], "ash\"");
        assert_eq!(all(&v, "DollarSlashyStringLit")[0]["text"], "$/a/b | c/$");
        assert_eq!(all(&v, "SlashyStringLit")[0]["text"], "/a+b/");
        assert_eq!(begin[1]["text"], "\"deploy $");
        assert_eq!(all(&v, "GStringEnd")[1]["text"], " now\"");
        assert_eq!(all(&v, "PropertyExpr").len(), 1);
        assert_eq!(
            all(&v, "StringLiteral").last().map(|s| s["text"].clone()),
            Some(json!("'''multi\nline'''"))
        );
    }

    #[test]
    fn scripted_groovy() {
        let v = parse(
            "@Library('shared') _\nimport groovy.json.JsonSlurper\n\nString name = \"x\"\nList<String> xs = ['a', 'b']\ndef m = [a: 1, 'b': [1, 2], (name): null]\n\ndef build(String target, boolean push = false) {\n  for (t in xs) { println t }\n  for (int i = 0; i < 3; i++) { echo \"${i}\" }\n  try {\n    node('linux') {\n      xs.each { x -> sh \"make ${x}\" }\n      def ok = m?.a ?: 2\n      def n = ok > 1 ? 'big' : 'small'\n      switch (n) {\n        case 'big': echo 'b'; break\n        default: echo 'd'\n      }\n    }\n  } catch (Exception e) {\n    currentBuild.result = 'FAILURE'\n    throw e\n  } finally {\n    cleanWs()\n  }\n}\n\nclass Helper implements Serializable {\n  def steps\n  public Helper(steps) { this.steps = steps }\n  void run() { steps.sh('x') }\n}\nbuild 'app'\n",
        );
        assert_eq!(all(&v, "MethodDecl").len(), 3);
        assert_eq!(all(&v, "ClassDecl").len(), 1);
        assert_eq!(all(&v, "MapExpr").len(), 1);
        assert_eq!(all(&v, "ForStmt").len(), 2);
        assert_eq!(all(&v, "TryStmt").len(), 1);
        assert_eq!(all(&v, "ElvisExpr").len(), 1);
        assert_eq!(all(&v, "TernaryExpr").len(), 1);
        assert_eq!(all(&v, "Param").len(), 4);
        assert_eq!(all(&v, "Annotation").len(), 1);
        assert_eq!(all(&v, "AnnotatedStmt").len(), 1);
    }

    #[test]
    fn newlines_end_statements_but_not_chains() {
        let v = parse("def a = 1\n-2\ndef s = xs\n  .findAll { it }\n  .join(',')\n");
        let stmts = v["children"].as_array().map(Vec::len);
        assert_eq!(stmts, Some(3));
        assert_eq!(all(&v, "PropertyExpr").len(), 2);
    }

    #[test]
    fn errors_have_positions() {
        let e = |t: &str| to_json("Jenkinsfile", t).err().map(|e| (e.line, e.col));
        // The end of input, as conftest reports `pipeline {`.
        assert_eq!(e("pipeline {"), Some((1, 11)));
        assert_eq!(e("sh 'open\n"), Some((1, 4)));
        assert_eq!(e("a = (1 +\n)"), Some((2, 1)));
        assert_eq!(e("x = 1 2"), Some((1, 7)));
        assert_eq!(e("echo \"${a\""), Some((1, 10)));
        assert!(e("/* open").is_some());
        let deep = format!("{}1{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        let err = to_json("J", &deep).err().map(|e| e.message);
        assert!(err.is_some_and(|m| m.contains("maximum depth")));
        let deep_strings = "\"${".repeat(400);
        assert!(to_json("J", &deep_strings).is_err());
    }
}
