//! Terraform sources: a module directory (`*.tf`, `*.tf.json`, tfvars) and
//! the local modules it calls become [`Resource`]s with spanned bodies; a
//! plan file (`terraform show -json`) becomes resources too ([`parse_plan`]).
//!
//! What a reviewer resolves is resolved (see the `eval` submodule): variable defaults,
//! overridden by `terraform.tfvars` and `*.auto.tfvars` (`.json` too) of the
//! loaded directory; `locals`; templates; conditionals; a few pure
//! functions; local module calls with their inputs. Anything else is
//! [`Value::Unknown`] with its source text. Registry and git modules are not
//! fetched. This module runs no rules.
//!
//! # Shapes the rule engine relies on
//! - `block` is the Terraform block type (`resource`, `data`, `module`,
//!   `provider`, `terraform`, `variable`, `output`, `locals`, or e.g.
//!   `moved`/`import`/`check` as written); `kind` is the resource type for
//!   resources and data sources, the provider name for providers, and the
//!   block type otherwise (`module`, `variable`, …).
//! - Addresses as Checkov writes them: `aws_s3_bucket.data`; data sources
//!   **without** a `data.` prefix (`aws_availability_zones.available`, told
//!   apart by `block == "data"`); providers `aws.default` or `aws.<alias>`;
//!   module calls by their name (`vpc`; a call inside module `a` is
//!   `module.a.vpc`); `var.<name>`, `output.<name>`,
//!   `locals`, `terraform`. Everything coming from a local module is
//!   prefixed with `module.<call>.` (nested: `module.a.module.b.`), and its
//!   [`Resource::module`] names the calling block (the innermost call; the
//!   address is the full path). A called module contributes its
//!   resources, data sources, providers and module calls; its `variable`,
//!   `output`, `locals` and `terraform` blocks are returned only when its
//!   directory is loaded on its own.
//! - `count`/`for_each` set [`Resource::multiple`]; the address stays the
//!   plain one (no `[0]` or `["key"]`), and the block is kept even when
//!   `count` is known to be 0 or `for_each` is known to be empty: Checkov
//!   scans such blocks and reports on them (terraform-aws-rds's
//!   `module.db_disabled`, called with `create_db_instance = false`, has
//!   failed checks on `aws_db_instance.this[0]` in its recorded results),
//!   and dropping them cost recall against that reference. Everything
//!   inside a module called with `count`/`for_each` is `multiple` too.
//! - `body` is a map of the block's attributes. Nested blocks are a
//!   sequence of maps under the block type, even for one block
//!   (`versioning: [{enabled: true}]`). A `dynamic "x"` block whose
//!   `for_each` is a known list or map adds one element of `x` per item,
//!   with `x.key`/`x.value` (or the `iterator` name) resolved; any other
//!   `for_each` adds its `content` once, with the iterator's values
//!   unknown. A labelled nested block (`provisioner "local-exec"`) gets its
//!   labels as a sequence of strings under the key `__labels__`.
//! - In `.tf.json` files nested blocks cannot be told from map attributes
//!   without provider schemas, so they keep the shape written (a JSON object
//!   is a map, an array a sequence); the `"//"` comment keys are dropped.
//! - [`Value::Unknown`] holds the expression's source text, trimmed:
//!   `aws_s3_bucket.b.id` for a reference (also when written as
//!   `"${aws_s3_bucket.b.id}"`), the whole quoted template otherwise. A
//!   `var.x`/`local.x` that resolves to an unknown carries that unknown's
//!   text, so a module input `bucket = aws_s3_bucket.b.id` still shows the
//!   referenced address inside the module. [`referenced_addresses`] reads
//!   the resource addresses out of such a text. (Caveat: a text that came
//!   in through a module input names an address of the *caller's* scope.)
//! - `attr = null` stays [`Value::Null`] (Terraform treats it as unset).
//!   A variable whose default is `null` and that gets no value (no tfvars,
//!   no module argument) is an optional input the caller decides: written
//!   as an argument's whole value (`kms_key_id = var.kms_key_id`) it is
//!   [`Value::Unknown`] (`"var.kms_key_id"`), not null, so rules neither
//!   fail nor pass on it; inside a larger expression (`var.x != null ? …`)
//!   its default `null` is used, as Checkov does. A `null` passed
//!   explicitly stays null.
//! - Values coming from variables and locals take the span of the place
//!   they are used, so findings point at the resource.
//! - Known `tags` or `labels` maps become [`Resource::labels`] (unknown
//!   values are left out).
//! - Only root-module inputs come from tfvars, as in Terraform; a called
//!   module's variables come from the call's arguments and its defaults.
//!   `*_override.tf` files are read like any other file (not merged).
//! - Limits, each reported as a note rather than failing: module nesting
//!   (16 levels), self-calls, module instances per unit
//!   (1,000), and data copied out of variables and locals per
//!   instance (values beyond it stay unknown).

mod eval;
mod files;
mod hcl;
mod hclparse;
mod plan;
mod refs;

pub use plan::{parse_plan, KNOWN_AFTER_APPLY};
pub use refs::referenced_addresses;

#[cfg(test)]
use crate::SourceFile;
use crate::{ModuleCall, ParsedUnit, Resource, SourceKind};
use archgate_core::{InputError, Key, Node, Note, Span, Value};
use eval::{Def, LocalDef, NameMap, Scope, Src};
use files::{Content, ModuleDir, ParsedFile};
use hcl::{Body, ExprKind, Structure};
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// Local module calls nested deeper than this are not followed.
const MAX_MODULE_DEPTH: usize = 16;
/// Module instances one unit may hold (a chain of modules each calling the
/// next several times multiplies quickly).
const MAX_INSTANCES: usize = 1_000;

/// Blocks not turned into resources for a module instance reached through
/// a `module` call (see `Loader::instantiate`).
const CALLED_MODULE_SKIPS: &[&str] = &["variable", "output", "locals", "terraform"];

/// Meta-arguments of a `module` block that are not inputs of the module.
const MODULE_META: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

/// Loads the Terraform module in `dir` (relative to `root`, `/`-separated,
/// `.` for the root itself) with the local modules it calls.
pub fn load_module(root: &Path, dir: &str) -> ParsedUnit {
    let dir = normalise_dir(dir);
    let mut loader = Loader {
        root,
        unit: ParsedUnit::default(),
        cache: HashMap::new(),
        seen_files: HashSet::new(),
        instances: 0,
    };
    let mut stack = Vec::new();
    loader.instantiate(&dir, Instance::Root, &mut stack);
    loader.unit
}

/// Parses HCL or JSON text of one file and returns its resources as if the
/// file were a module on its own (no tfvars, no module calls followed).
/// For tests and fuzzing of the parser and evaluator without a filesystem.
#[cfg(test)]
pub(crate) fn load_text(path: &str, text: &str) -> ParsedUnit {
    let mut loader = Loader {
        root: Path::new("/nonexistent"),
        unit: ParsedUnit::default(),
        cache: HashMap::new(),
        seen_files: HashSet::new(),
        instances: 0,
    };
    let md = Arc::new(ModuleDir::from_text(path, text));
    loader.adopt(".", &md);
    loader.instantiate(".", Instance::Root, &mut Vec::new());
    loader.unit
}

fn normalise_dir(dir: &str) -> String {
    let parts: Vec<&str> = dir
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// `base` joined with a relative module source; `None` when it leaves the root.
fn join_dir(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = base
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    for seg in rel.split(['/', '\\']) {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    })
}

/// How a module directory is being loaded.
enum Instance {
    /// The directory asked for: tfvars apply.
    Root,
    /// Called from a `module` block: its inputs are the variable values.
    Called {
        inputs: Vec<(String, Node)>,
        /// Inputs that are the caller's unset optional variables.
        optional: Vec<String>,
        prefix: String,
        call: ModuleCall,
        /// The call (or one above it) has `count`/`for_each`.
        multiple: bool,
    },
}

/// Where the blocks being turned into resources come from.
struct Context<'c> {
    dir: &'c str,
    /// `module.a.` for an instance called as `module "a"`; empty at the root.
    prefix: &'c str,
    call: Option<&'c ModuleCall>,
    /// Every resource of this instance stands for many (a counted call).
    multiple: bool,
}

/// One block of a file, HCL or JSON, before evaluation.
struct BlockView<'a> {
    file: usize,
    ident: &'a str,
    labels: Vec<&'a str>,
    span: Range<usize>,
    body: BodyRef<'a>,
}

#[derive(Clone, Copy)]
enum BodyRef<'a> {
    Hcl(&'a Body),
    Json(&'a Node),
}

struct Loader<'r> {
    root: &'r Path,
    unit: ParsedUnit,
    cache: HashMap<String, Arc<ModuleDir>>,
    seen_files: HashSet<String>,
    instances: usize,
}

/// A local module call found while instantiating a module, followed after
/// the module's own blocks are done.
struct PendingCall {
    dir: String,
    inputs: Vec<(String, Node)>,
    /// Inputs passed on from the caller's own unset optional variables
    /// (`x = var.x` where the caller's `x` defaults to null): null, but
    /// still the outer caller's decision (see `Scope::eval_attr`).
    optional: Vec<String>,
    prefix: String,
    call: ModuleCall,
    multiple: bool,
}

impl Loader<'_> {
    fn error(&mut self, e: InputError) {
        // A module loaded twice (two calls) must not report its errors twice.
        if !self.unit.errors.contains(&e) {
            self.unit.errors.push(e);
        }
    }

    /// The parsed directory, read once per unit (and, through the
    /// process-wide cache, usually once per scan); its files and errors
    /// join the unit the first time it is used.
    fn module_dir(&mut self, dir: &str) -> Arc<ModuleDir> {
        if let Some(md) = self.cache.get(dir) {
            return md.clone();
        }
        let md = files::load_dir(self.root, dir);
        self.adopt(dir, &md);
        md
    }

    fn adopt(&mut self, dir: &str, md: &Arc<ModuleDir>) {
        for f in &md.sources {
            if self.seen_files.insert(f.path.clone()) {
                self.unit.files.push(f.clone());
            }
        }
        for e in &md.errors {
            self.error(e.clone());
        }
        self.cache.insert(dir.to_string(), md.clone());
    }

    fn instantiate(&mut self, dir: &str, instance: Instance, stack: &mut Vec<String>) {
        self.instances += 1;
        let md = self.module_dir(dir);
        let mut blocks = Vec::new();
        for (i, f) in md.files.iter().enumerate() {
            match &f.content {
                Content::Hcl(body) => hcl_blocks(i, body, &mut blocks),
                Content::Json(j) => json_blocks(i, j, &mut blocks),
            }
        }

        // Variables: defaults (evaluated when used), overridden by tfvars
        // (root only) or module inputs.
        let empty = Scope::default();
        let mut scope = Scope::default();
        for b in blocks.iter().filter(|b| b.ident == "variable") {
            let (Some(name), Some(file)) = (b.labels.first(), md.files.get(b.file)) else {
                continue;
            };
            let def = match b.body {
                BodyRef::Hcl(body) => body.get_attribute("default").map(|a| Def::Hcl(&a.value)),
                BodyRef::Json(j) => j.get("default").map(Def::Json),
            };
            if let Some(def) = def {
                scope.var_defaults.insert(
                    name,
                    LocalDef {
                        src: file.src(),
                        def,
                    },
                );
            }
        }
        let (prefix, call, multiple) = match instance {
            Instance::Root => {
                for f in &md.tfvars {
                    match &f.content {
                        Content::Hcl(body) => {
                            for s in body.iter() {
                                if let Structure::Attribute(a) = s {
                                    let v = empty.eval(&f.src(), &a.value);
                                    scope.vars.insert(String::from(&*a.key), v);
                                }
                            }
                        }
                        Content::Json(j) => {
                            for (k, v) in j.as_map().unwrap_or_default() {
                                scope.vars.insert(k.name.clone(), v.clone());
                            }
                        }
                    }
                }
                (String::new(), None, false)
            }
            Instance::Called {
                inputs,
                optional,
                prefix,
                call,
                multiple,
            } => {
                scope.vars.extend(inputs);
                scope.optional_inputs = optional;
                (prefix, Some(call), multiple)
            }
        };
        for b in blocks.iter().filter(|b| b.ident == "locals") {
            let Some(file) = md.files.get(b.file) else {
                continue;
            };
            match b.body {
                BodyRef::Hcl(body) => {
                    for s in body.iter() {
                        if let Structure::Attribute(a) = s {
                            scope.locals.insert(
                                &*a.key,
                                LocalDef {
                                    src: file.src(),
                                    def: Def::Hcl(&a.value),
                                },
                            );
                        }
                    }
                }
                BodyRef::Json(j) => {
                    for (k, v) in j.as_map().unwrap_or_default() {
                        scope.locals.insert(
                            k.name.as_str(),
                            LocalDef {
                                src: file.src(),
                                def: Def::Json(v),
                            },
                        );
                    }
                }
            }
        }

        stack.push(dir.to_string());
        let mut pending = Vec::new();
        let ctx = Context {
            dir,
            prefix: &prefix,
            call: call.as_ref(),
            multiple,
        };
        for b in &blocks {
            // A called module's declarations (variables, outputs, locals,
            // its terraform block) are reported where the module directory
            // is loaded on its own; repeating them for every call would
            // only multiply the work (terraform-aws-vpc's examples call its
            // root, with its hundreds of variables, a dozen times).
            if call.is_some() && CALLED_MODULE_SKIPS.contains(&b.ident) {
                continue;
            }
            let Some(file) = md.files.get(b.file) else {
                continue;
            };
            if let Some(r) = self.resource(&scope, file, b, &ctx, &mut pending) {
                self.unit.resources.push(r);
            }
        }
        if scope.exhausted() {
            let at = if prefix.is_empty() { dir } else { &prefix };
            self.unit.notes.push(Note {
                file: None,
                message: format!(
                    "{at}: variables and locals copy more data than archgate evaluates per module; some values were left unknown"
                ),
            });
        }
        for p in pending {
            if stack.contains(&p.dir) {
                self.unit.notes.push(Note {
                    file: Some(p.call.file.clone()),
                    message: format!(
                        "{}: module source `{}` calls itself (directly or through other modules); not followed",
                        p.call.address, p.dir
                    ),
                });
                continue;
            }
            if stack.len() >= MAX_MODULE_DEPTH {
                self.unit.notes.push(Note {
                    file: Some(p.call.file.clone()),
                    message: format!(
                        "{}: local modules nested more than {MAX_MODULE_DEPTH} deep; not followed",
                        p.call.address
                    ),
                });
                continue;
            }
            if self.instances >= MAX_INSTANCES {
                self.unit.notes.push(Note {
                    file: Some(p.call.file.clone()),
                    message: format!(
                        "{}: more than {MAX_INSTANCES} local module instances in one module tree; not followed",
                        p.call.address
                    ),
                });
                continue;
            }
            self.instantiate(
                &p.dir,
                Instance::Called {
                    inputs: p.inputs,
                    optional: p.optional,
                    prefix: p.prefix,
                    call: p.call,
                    multiple: p.multiple,
                },
                stack,
            );
        }
        stack.pop();
    }

    /// Turns one block into a resource; queues local module calls.
    fn resource(
        &mut self,
        scope: &Scope,
        file: &ParsedFile,
        b: &BlockView,
        ctx: &Context,
        pending: &mut Vec<PendingCall>,
    ) -> Option<Resource> {
        let prefix = ctx.prefix;
        let src = file.src();
        let span = src.span(Some(b.span.clone()));
        let labels_needed = match b.ident {
            "resource" | "data" => 2,
            "module" | "provider" | "variable" | "output" => 1,
            _ => 0,
        };
        if b.labels.len() < labels_needed {
            let shape = match labels_needed {
                2 => format!("{} \"TYPE\" \"NAME\" {{ … }}", b.ident),
                _ => format!("{} \"NAME\" {{ … }}", b.ident),
            };
            self.error(
                InputError::new(
                    &file.path,
                    span.line,
                    span.col,
                    format!("`{}` block without its label(s)", b.ident),
                )
                .expected(shape),
            );
            return None;
        }
        let body = body_node(scope, &src, b.body, span);
        let label = |i: usize| b.labels.get(i).copied().unwrap_or_default().to_string();
        let (kind, name, address) = match b.ident {
            "resource" | "data" => {
                let (kind, name) = (label(0), label(1));
                let address = format!("{kind}.{name}");
                (kind, name, address)
            }
            "module" => ("module".to_string(), label(0), label(0)),
            "provider" => {
                let kind = label(0);
                let name = body
                    .get("alias")
                    .and_then(Node::as_str)
                    .unwrap_or("default")
                    .to_string();
                let address = format!("{kind}.{name}");
                (kind, name, address)
            }
            "variable" => (
                "variable".to_string(),
                label(0),
                format!("var.{}", label(0)),
            ),
            "output" => (
                "output".to_string(),
                label(0),
                format!("output.{}", label(0)),
            ),
            other => {
                let name = if b.labels.is_empty() {
                    other.to_string()
                } else {
                    b.labels.join(".")
                };
                let address = if b.labels.is_empty() {
                    other.to_string()
                } else {
                    format!("{other}.{name}")
                };
                (other.to_string(), name, address)
            }
        };
        let address = format!("{prefix}{address}");

        if b.ident == "module" {
            let source = body.get("source").and_then(Node::as_str).unwrap_or("");
            if source.starts_with("./") || source.starts_with("../") {
                let module_address = format!("{prefix}module.{name}");
                match join_dir(ctx.dir, source) {
                    Some(child) if self.root.join(&child).is_dir() => {
                        let mut optional = Vec::new();
                        let inputs = body
                            .as_map()
                            .unwrap_or_default()
                            .iter()
                            .filter(|(k, _)| !MODULE_META.contains(&k.name.as_str()))
                            .map(|(k, v)| {
                                // The caller's unset optional variable passed on:
                                // null for the module's expressions, unknown as a
                                // whole argument value, like its own defaults.
                                if let Value::Unknown(t) = &v.value {
                                    if t.strip_prefix("var.").is_some_and(|n| scope.unset_optional(n)) {
                                        optional.push(k.name.clone());
                                        return (k.name.clone(), Node::new(Value::Null, v.span));
                                    }
                                }
                                (k.name.clone(), v.clone())
                            })
                            .collect();
                        pending.push(PendingCall {
                            dir: child,
                            inputs,
                            optional,
                            prefix: format!("{module_address}."),
                            multiple: ctx.multiple
                                || body.get("count").is_some()
                                || body.get("for_each").is_some(),
                            call: ModuleCall {
                                address: module_address,
                                file: file.path.clone(),
                                span,
                            },
                        });
                    }
                    _ => self.unit.notes.push(Note {
                        file: Some(file.path.clone()),
                        message: format!(
                            "{module_address}: local module source `{source}` is not a directory inside the scanned tree; not loaded"
                        ),
                    }),
                }
            }
        }

        let multiple =
            ctx.multiple || body.get("count").is_some() || body.get("for_each").is_some();
        let labels = ["tags", "labels"]
            .iter()
            .filter_map(|k| body.get(k).and_then(Node::as_map))
            .flat_map(|m| m.iter())
            .filter_map(|(k, v)| Some((k.name.clone(), eval::scalar_string(v)?)))
            .collect();
        Some(Resource {
            source: SourceKind::Terraform,
            block: b.ident.to_string(),
            kind,
            name,
            address,
            file: file.path.clone(),
            span,
            body,
            module: ctx.call.cloned(),
            multiple,
            labels,
        })
    }
}

fn hcl_blocks<'a>(file: usize, body: &'a Body, out: &mut Vec<BlockView<'a>>) {
    for s in body.iter() {
        if let Structure::Block(b) = s {
            out.push(BlockView {
                file,
                ident: &b.ident,
                labels: b.labels.iter().map(|l| &*l.value).collect(),
                span: b.span.range(),
                body: BodyRef::Hcl(&b.body),
            });
        }
    }
}

/// Blocks of a `.tf.json` file: `{"resource": {"TYPE": {"NAME": {…}}}}`,
/// where any level may also be an array of such objects.
fn json_blocks<'a>(file: usize, root: &'a Node, out: &mut Vec<BlockView<'a>>) {
    for (key, v) in root.as_map().unwrap_or_default() {
        let depth = match key.name.as_str() {
            "resource" | "data" => 2,
            "module" | "provider" | "variable" | "output" => 1,
            "terraform" | "locals" => 0,
            // `//` comments and block types without a JSON shape we model.
            _ => continue,
        };
        json_descend(
            file,
            &key.name,
            v,
            depth,
            key.span.start,
            &mut Vec::new(),
            out,
        );
    }
}

fn json_descend<'a>(
    file: usize,
    ident: &'a str,
    v: &'a Node,
    remaining: usize,
    start: usize,
    labels: &mut Vec<&'a str>,
    out: &mut Vec<BlockView<'a>>,
) {
    match &v.value {
        Value::Seq(items) => {
            for item in items {
                json_descend(file, ident, item, remaining, item.span.start, labels, out);
            }
        }
        Value::Map(entries) if remaining > 0 => {
            for (k, child) in entries {
                if k.name == "//" {
                    continue;
                }
                labels.push(&k.name);
                json_descend(file, ident, child, remaining - 1, k.span.start, labels, out);
                labels.pop();
            }
        }
        Value::Map(_) => out.push(BlockView {
            file,
            ident,
            labels: labels.clone(),
            span: start..v.span.end,
            body: BodyRef::Json(v),
        }),
        _ => {}
    }
}

/// Runs `each` once per element of a `dynamic` block's `for_each` with the
/// iterator bound (`key` is the list index or the map key, `value` the
/// element), so the content is expanded into one nested block per element.
/// A `for_each` that is not a known list or map (unknown, absent, a scalar)
/// gives one block whose iterator-dependent values stay unknown: it stands
/// for however many blocks the real value will produce.
/// Past [`eval::MAX_DYNAMIC_BLOCKS`] expanded blocks per module instance
/// (nested `dynamic` blocks multiply), the rest stay one unknown block each.
fn for_each_instance(
    scope: &Scope,
    iterator: &str,
    for_each: Option<&Node>,
    mut each: impl FnMut(),
) {
    let known = match for_each.map(|n| &n.value) {
        Some(Value::Seq(items)) => Some(items.len()),
        Some(Value::Map(entries)) => Some(entries.len()),
        _ => None,
    };
    if known.is_some_and(|n| !scope.expand(n)) {
        each();
        return;
    }
    match for_each.map(|n| &n.value) {
        Some(Value::Seq(items)) => {
            for (i, item) in items.iter().enumerate() {
                let key = Node::new(Value::Int(i as i64), item.span);
                scope.push_iterator(iterator, key, item.clone());
                each();
                scope.pop_iterator();
            }
        }
        Some(Value::Map(entries)) => {
            for (k, v) in entries {
                let key = Node::new(Value::Str(k.name.clone()), k.span);
                scope.push_iterator(iterator, key, v.clone());
                each();
                scope.pop_iterator();
            }
        }
        _ => each(),
    }
}

/// The attributes and nested blocks of a block body as a map.
fn body_node<'b>(scope: &Scope, src: &Src, body: BodyRef<'b>, span: Span) -> Node {
    let mut entries: Vec<(Key, Node)> = Vec::new();
    // Position of each nested block type's sequence in `entries`.
    let mut block_slots: NameMap<&'b str, usize> = NameMap::default();
    let mut push_block = |entries: &mut Vec<(Key, Node)>, name: &'b str, key: Key, item: Node| {
        if let Some(&i) = block_slots.get(name) {
            if let Some((
                _,
                Node {
                    value: Value::Seq(items),
                    span,
                },
            )) = entries.get_mut(i)
            {
                *span = span.to(item.span);
                items.push(item);
                return;
            }
        }
        block_slots.insert(name, entries.len());
        let seq_span = item.span;
        entries.push((key, Node::new(Value::Seq(vec![item]), seq_span)));
    };
    match body {
        BodyRef::Hcl(body) => {
            for s in body.iter() {
                match s {
                    Structure::Attribute(a) => {
                        let key = Key {
                            name: String::from(&*a.key),
                            span: src.span(Some(a.key_span.range())),
                        };
                        entries.push((key, scope.eval_attr(src, &a.value)));
                    }
                    Structure::Block(b) => {
                        let bspan = src.span(Some(b.span.range()));
                        if &*b.ident == "dynamic" {
                            let Some(name) = b.labels.first().map(|l| &*l.value) else {
                                continue;
                            };
                            let key = Key {
                                name: name.to_string(),
                                span: bspan,
                            };
                            let for_each = b
                                .body
                                .get_attribute("for_each")
                                .map(|a| scope.eval(src, &a.value));
                            let iterator =
                                match b.body.get_attribute("iterator").map(|a| &a.value.kind) {
                                    Some(ExprKind::Variable(v)) => &**v,
                                    _ => name,
                                };
                            for content in b.body.get_blocks("content") {
                                let cspan = src.span(Some(content.span.range()));
                                for_each_instance(scope, iterator, for_each.as_ref(), || {
                                    let item =
                                        body_node(scope, src, BodyRef::Hcl(&content.body), cspan);
                                    push_block(&mut entries, name, key.clone(), item);
                                });
                            }
                            continue;
                        }
                        let mut item = body_node(scope, src, BodyRef::Hcl(&b.body), bspan);
                        if !b.labels.is_empty() {
                            if let Value::Map(m) = &mut item.value {
                                let labels = b
                                    .labels
                                    .iter()
                                    .map(|l| {
                                        Node::new(
                                            Value::Str(String::from(&*l.value)),
                                            src.span(Some(l.span.range())),
                                        )
                                    })
                                    .collect();
                                m.insert(
                                    0,
                                    (
                                        Key {
                                            name: "__labels__".into(),
                                            span: bspan,
                                        },
                                        Node::new(Value::Seq(labels), bspan),
                                    ),
                                );
                            }
                        }
                        let key = Key {
                            name: String::from(&*b.ident),
                            span: src.span(Some(b.ident_span.range())),
                        };
                        push_block(&mut entries, &b.ident, key, item);
                    }
                }
            }
        }
        BodyRef::Json(j) => {
            for (key, v) in j.as_map().unwrap_or_default() {
                if key.name == "//" {
                    continue;
                }
                if key.name == "dynamic" {
                    // {"dynamic": {"ingress": {"for_each": …, "content": {…}}}}
                    for (name, d) in v.as_map().unwrap_or_default() {
                        let dyns: Vec<&Node> = match &d.value {
                            Value::Seq(items) => items.iter().collect(),
                            _ => vec![d],
                        };
                        for d in dyns {
                            let Some(content) = d.get("content") else {
                                continue;
                            };
                            let for_each = d.get("for_each").map(|f| scope.eval_json(src, f));
                            let iterator = d
                                .get("iterator")
                                .and_then(Node::as_str)
                                .unwrap_or(&name.name);
                            for_each_instance(scope, iterator, for_each.as_ref(), || {
                                let item =
                                    body_node(scope, src, BodyRef::Json(content), content.span);
                                push_block(&mut entries, &name.name, name.clone(), item);
                            });
                        }
                    }
                    continue;
                }
                entries.push((key.clone(), scope.eval_json_attr(src, v)));
            }
        }
    }
    Node::new(Value::Map(entries), span)
}

#[cfg(test)]
mod tests;
