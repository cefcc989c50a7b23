//! Kyverno `ClusterPolicy` / `Policy` validation rules applied to
//! Kubernetes manifests, as `kyverno apply` does offline:
//!
//! * `match` / `exclude` — `any`, `all` or the legacy `resources` block —
//!   by `kinds` (`Pod`, `apps/v1/Deployment`, wildcards), `names`/`name`,
//!   `namespaces` and label `selector` (`matchLabels`, `matchExpressions`);
//!   a namespaced `Policy` only sees its own namespace;
//! * `validate.pattern` and `anyPattern` with Kyverno's anchors —
//!   conditional `(k)`, global `<(k)`, equality `=(k)`, negation `X(k)`,
//!   existence `^(k)` — and value operators: wildcards `*` `?`, `?*`, `!`,
//!   `|`, `&`, `>` `<` `>=` `<=` (numbers and Kubernetes quantities) and
//!   ranges `a-b` / `a!-b`;
//! * `validate.deny.conditions` (`any`/`all`, `Equals`, `NotEquals`, `In`,
//!   `AnyIn`, `AllIn`, `NotIn`, `AnyNotIn`, `AllNotIn`, `GreaterThan[OrEquals]`,
//!   `LessThan[OrEquals]`) with `{{ request.object.… }}` dotted paths;
//! * rules on `Pod` also check the pod templates of Deployments,
//!   StatefulSets, DaemonSets, ReplicaSets, Jobs and CronJobs (Kyverno's
//!   auto-generated rules), unless `pod-policies.kyverno.io/autogen-controllers: none`.
//!
//! Not supported (the rule is skipped with a note, never guessed): JMESPath
//! beyond dotted paths, `context` entries (API calls, ConfigMaps),
//! `foreach`, CEL, `podSecurity`, image verification, mutate and generate.

use archgate_core::{InputError, Node, Value};

/// A loaded Kyverno policy.
#[derive(Debug, Clone)]
pub struct KyvernoPolicy {
    pub name: String,
    /// `Policy` (namespaced): the namespace it applies to.
    pub namespace: Option<String>,
    pub file: String,
    pub line: u32,
    pub title: Option<String>,
    pub description: Option<String>,
    /// `policies.kyverno.io/severity`.
    pub severity: Option<String>,
    /// `policies.kyverno.io/category`.
    pub category: Option<String>,
    /// `policies.kyverno.io/scored` is not `"false"`.
    pub scored: bool,
    pub autogen: bool,
    pub rules: Vec<KyvernoRule>,
}

/// One validation rule.
#[derive(Debug, Clone)]
pub struct KyvernoRule {
    pub name: String,
    pub line: u32,
    matching: Match,
    exclude: Option<Match>,
    check: Check,
    pub message: String,
    /// `Enforce` or `Audit` (rule `validate.failureAction`, else the policy's).
    pub action: String,
}

#[derive(Debug, Clone, Default)]
struct Match {
    any: Vec<Filter>,
    all: Vec<Filter>,
}

#[derive(Debug, Clone, Default)]
struct Filter {
    kinds: Vec<String>,
    names: Vec<String>,
    namespaces: Vec<String>,
    selector: Option<Node>,
}

#[derive(Debug, Clone)]
enum Check {
    Pattern(Node),
    AnyPattern(Vec<Node>),
    Deny { any: Vec<Cond>, all: Vec<Cond> },
}

#[derive(Debug, Clone)]
struct Cond {
    key: Node,
    operator: String,
    value: Node,
}

/// A failed validation.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub policy: String,
    pub rule: String,
    /// `validation error: <message>. rule <rule> failed at path <path>`.
    pub message: String,
    /// Where in the resource it failed (the deepest node that exists on the path).
    pub line: u32,
    pub col: u32,
    pub action: String,
}

fn strs(n: Option<&Node>) -> Vec<String> {
    n.and_then(|n| n.as_seq())
        .map(|s| s.iter().filter_map(|x| x.scalar_text()).collect())
        .unwrap_or_default()
}

fn filter(n: &Node) -> Filter {
    let r = n.get("resources").unwrap_or(n);
    let mut names = strs(r.get("names"));
    if let Some(one) = r.get("name").and_then(|x| x.scalar_text()) {
        names.push(one);
    }
    Filter {
        kinds: strs(r.get("kinds")),
        names,
        namespaces: strs(r.get("namespaces")),
        selector: r.get("selector").cloned(),
    }
}

fn matching(n: &Node) -> Match {
    let list = |k: &str| -> Vec<Filter> {
        n.get(k)
            .and_then(|x| x.as_seq())
            .map(|s| s.iter().map(filter).collect())
            .unwrap_or_default()
    };
    let mut m = Match {
        any: list("any"),
        all: list("all"),
    };
    if m.any.is_empty() && m.all.is_empty() && n.get("resources").is_some() {
        m.all.push(filter(n));
    }
    m
}

fn conds(n: Option<&Node>) -> Vec<Cond> {
    n.and_then(|x| x.as_seq())
        .map(|s| {
            s.iter()
                .filter_map(|c| {
                    Some(Cond {
                        key: c.get("key")?.clone(),
                        operator: c.get("operator")?.scalar_text()?,
                        value: c
                            .get("value")
                            .cloned()
                            .unwrap_or_else(|| Node::new(Value::Null, c.span)),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Reads the Kyverno policies in one YAML file. Other documents are ignored;
/// rules archgate cannot evaluate are reported as notes (second value).
pub fn parse_policies(
    file: &str,
    text: &str,
) -> Result<(Vec<KyvernoPolicy>, Vec<String>), InputError> {
    let docs = archgate_core::yaml::parse_documents(text)
        .map_err(|e| InputError::new(file, e.line, e.col, e.message.clone()))?;
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for d in docs {
        let api = d
            .get("apiVersion")
            .and_then(|x| x.as_str())
            .unwrap_or_default();
        let kind = d.get("kind").and_then(|x| x.as_str()).unwrap_or_default();
        if !api.starts_with("kyverno.io/") || !matches!(kind, "ClusterPolicy" | "Policy") {
            continue;
        }
        let Some(name) = d.path("metadata.name").and_then(|x| x.scalar_text()) else {
            return Err(InputError::new(
                file,
                d.span.line,
                d.span.col,
                "Kyverno policy without metadata.name",
            )
            .expected("metadata.name"));
        };
        let ann = |k: &str| {
            d.get("metadata")
                .and_then(|m| m.get("annotations"))
                .and_then(|a| a.get(k))
                .and_then(|x| x.scalar_text())
        };
        let spec_action = d
            .path("spec.validationFailureAction")
            .and_then(|x| x.scalar_text())
            .unwrap_or_else(|| "Audit".into());
        let mut rules = Vec::new();
        for r in d
            .path("spec.rules")
            .and_then(|x| x.as_seq())
            .unwrap_or_default()
        {
            let rname = r
                .get("name")
                .and_then(|x| x.scalar_text())
                .unwrap_or_default();
            let Some(v) = r.get("validate") else {
                continue; // mutate/generate/verifyImages rules do not validate.
            };
            let unsupported = ["context", "preconditions"]
                .iter()
                .find(|k| r.get(k).is_some())
                .map(|k| k.to_string())
                .or_else(|| {
                    ["foreach", "cel", "podSecurity", "manifests"]
                        .iter()
                        .find(|k| v.get(k).is_some())
                        .map(|k| format!("validate.{k}"))
                });
            if let Some(what) = unsupported {
                notes.push(format!(
                    "{file}:{}: Kyverno rule {name}/{rname} uses `{what}`, which archgate does not evaluate; rule skipped",
                    r.span.line
                ));
                continue;
            }
            let check = if let Some(p) = v.get("pattern") {
                Check::Pattern(p.clone())
            } else if let Some(ps) = v.get("anyPattern").and_then(|x| x.as_seq()) {
                Check::AnyPattern(ps.to_vec())
            } else if let Some(dc) = v.path("deny.conditions") {
                if dc.as_seq().is_some() {
                    // The old form: a bare list means `all`.
                    Check::Deny {
                        any: Vec::new(),
                        all: conds(Some(dc)),
                    }
                } else {
                    Check::Deny {
                        any: conds(dc.get("any")),
                        all: conds(dc.get("all")),
                    }
                }
            } else {
                notes.push(format!(
                    "{file}:{}: Kyverno rule {name}/{rname} has no pattern, anyPattern or deny; rule skipped",
                    r.span.line
                ));
                continue;
            };
            rules.push(KyvernoRule {
                name: rname,
                line: r.span.line,
                matching: r.get("match").map(matching).unwrap_or_default(),
                exclude: r.get("exclude").map(matching),
                check,
                message: v
                    .get("message")
                    .and_then(|x| x.scalar_text())
                    .unwrap_or_default(),
                action: v
                    .get("failureAction")
                    .and_then(|x| x.scalar_text())
                    .unwrap_or_else(|| spec_action.clone()),
            });
        }
        out.push(KyvernoPolicy {
            namespace: (kind == "Policy").then(|| {
                d.path("metadata.namespace")
                    .and_then(|x| x.scalar_text())
                    .unwrap_or_else(|| "default".into())
            }),
            name,
            file: file.to_string(),
            line: d.span.line,
            title: ann("policies.kyverno.io/title"),
            description: ann("policies.kyverno.io/description"),
            severity: ann("policies.kyverno.io/severity"),
            category: ann("policies.kyverno.io/category"),
            scored: ann("policies.kyverno.io/scored").as_deref() != Some("false"),
            autogen: ann("pod-policies.kyverno.io/autogen-controllers").as_deref() != Some("none"),
            rules,
        });
    }
    Ok((out, notes))
}

/// Shell-style wildcard match (`*`, `?`), as Kyverno's `wildcard.Match`.
pub fn wildcard(pattern: &str, s: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = s.chars().collect();
    let (mut pi, mut ti, mut star, mut mark) = (0usize, 0usize, None::<usize>, 0usize);
    while ti < t.len() {
        match p.get(pi) {
            Some('?') => {
                pi += 1;
                ti += 1;
            }
            Some('*') => {
                star = Some(pi);
                mark = ti;
                pi += 1;
            }
            Some(c) if Some(c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some(s) => {
                    pi = s + 1;
                    mark += 1;
                    ti = mark;
                }
                None => return false,
            },
        }
    }
    while p.get(pi) == Some(&'*') {
        pi += 1;
    }
    pi == p.len()
}

/// The parts of a resource `match` looks at.
struct Target<'a> {
    api_version: &'a str,
    kind: &'a str,
    name: String,
    namespace: String,
    labels: Vec<(String, String)>,
}

fn target(res: &Node) -> Target<'_> {
    let labels = res
        .path("metadata.labels")
        .and_then(|l| l.as_map())
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.name.clone(), v.scalar_text()?)))
                .collect()
        })
        .unwrap_or_default();
    Target {
        api_version: res
            .get("apiVersion")
            .and_then(|x| x.as_str())
            .unwrap_or_default(),
        kind: res.get("kind").and_then(|x| x.as_str()).unwrap_or_default(),
        name: res
            .path("metadata.name")
            .and_then(|x| x.scalar_text())
            .unwrap_or_default(),
        namespace: res
            .path("metadata.namespace")
            .and_then(|x| x.scalar_text())
            .unwrap_or_else(|| "default".into()),
        labels,
    }
}

fn kind_matches(spec: &str, t: &Target, kind: &str) -> bool {
    let spec = spec.split('/').collect::<Vec<_>>();
    let (gv, k) = match spec.as_slice() {
        [k] => (None, *k),
        [v, k] => (Some(v.to_string()), *k),
        [g, v, k] => (Some(format!("{g}/{v}")), *k),
        _ => return false,
    };
    if !wildcard(k, kind) {
        return false;
    }
    match gv {
        None => true,
        Some(gv) => wildcard(&gv, t.api_version),
    }
}

fn selector_matches(sel: &Node, labels: &[(String, String)]) -> bool {
    let get = |k: &str| labels.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if let Some(m) = sel.get("matchLabels").and_then(|x| x.as_map()) {
        for (k, v) in m {
            let want = v.scalar_text().unwrap_or_default();
            if !get(&k.name).is_some_and(|have| wildcard(&want, have)) {
                return false;
            }
        }
    }
    for e in sel
        .get("matchExpressions")
        .and_then(|x| x.as_seq())
        .unwrap_or_default()
    {
        let key = e
            .get("key")
            .and_then(|x| x.scalar_text())
            .unwrap_or_default();
        let op = e
            .get("operator")
            .and_then(|x| x.scalar_text())
            .unwrap_or_default();
        let values = strs(e.get("values"));
        let have = get(&key);
        let ok = match op.as_str() {
            "In" => have.is_some_and(|h| values.iter().any(|v| v == h)),
            "NotIn" => !have.is_some_and(|h| values.iter().any(|v| v == h)),
            "Exists" => have.is_some(),
            "DoesNotExist" => have.is_none(),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    true
}

fn filter_matches(f: &Filter, t: &Target, kind: &str) -> bool {
    (f.kinds.is_empty() || f.kinds.iter().any(|k| kind_matches(k, t, kind)))
        && (f.names.is_empty() || f.names.iter().any(|n| wildcard(n, &t.name)))
        && (f.namespaces.is_empty() || f.namespaces.iter().any(|n| wildcard(n, &t.namespace)))
        && f.selector
            .as_ref()
            .is_none_or(|s| selector_matches(s, &t.labels))
}

fn match_matches(m: &Match, t: &Target, kind: &str) -> bool {
    if m.any.is_empty() && m.all.is_empty() {
        return false;
    }
    (m.any.is_empty() || m.any.iter().any(|f| filter_matches(f, t, kind)))
        && m.all.iter().all(|f| filter_matches(f, t, kind))
}

/// Controllers whose pod template a `Pod` rule also checks, and where the template is.
fn pod_template(res: &Node, kind: &str) -> Option<Node> {
    let path = match kind {
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "Job"
        | "ReplicationController" => "spec.template",
        "CronJob" => "spec.jobTemplate.spec.template",
        _ => return None,
    };
    res.path(path).cloned()
}

#[derive(Debug)]
enum Outcome {
    Pass,
    /// A conditional anchor did not hold: this element is not concerned.
    Skip,
    /// A global anchor did not hold: the rule does not apply to the resource.
    SkipRule,
    Fail {
        path: String,
        line: u32,
        col: u32,
    },
}

fn fail(path: &str, n: &Node) -> Outcome {
    Outcome::Fail {
        path: format!("{path}/"),
        line: n.span.line,
        col: n.span.col,
    }
}

/// Splits an anchored key into (anchor, key): `(k)` → `("(", k)`,
/// `=(k)` → `("=", k)`, `X(k)`, `^(k)`, `<(k)`, `+(k)` likewise; a plain key → `("", k)`.
fn anchor(key: &str) -> (&str, &str) {
    for a in ["=(", "X(", "^(", "<(", "+("] {
        if let Some(rest) = key.strip_prefix(a).and_then(|r| r.strip_suffix(')')) {
            return (a.trim_end_matches('('), rest);
        }
    }
    match key.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        Some(rest) => ("(", rest),
        None => ("", key),
    }
}

fn validate(pattern: &Node, res: &Node, path: &str) -> Outcome {
    match (&pattern.value, &res.value) {
        (Value::Map(pm), _) => {
            let Some(rm) = res.as_map() else {
                return fail(path, res);
            };
            let get = |k: &str| rm.iter().find(|(rk, _)| rk.name == k).map(|(_, v)| v);
            // Conditions first: they decide whether the rest applies.
            for (k, pv) in pm {
                let (a, key) = anchor(&k.name);
                if a != "(" && a != "<" {
                    continue;
                }
                let holds = get(key).map(|rv| validate(pv, rv, &format!("{path}/{key}")));
                match (a, holds) {
                    (_, Some(Outcome::Pass)) => {}
                    (_, Some(Outcome::SkipRule)) | ("<", _) => return Outcome::SkipRule,
                    _ => return Outcome::Skip,
                }
            }
            for (k, pv) in pm {
                let (a, key) = anchor(&k.name);
                let p = format!("{path}/{key}");
                match (a, get(key)) {
                    ("(", _) | ("<", _) | ("+", _) => {} // checked above / mutate-only
                    ("X", Some(rv)) => return fail(&p, rv),
                    ("X", None) => {}
                    ("=", None) => {}
                    ("^", Some(rv)) => {
                        let (Some(items), Some(first)) =
                            (rv.as_seq(), pv.as_seq().and_then(|s| s.first()))
                        else {
                            return fail(&p, rv);
                        };
                        if !items
                            .iter()
                            .any(|i| matches!(validate(first, i, &p), Outcome::Pass))
                        {
                            return fail(&p, rv);
                        }
                    }
                    (_, Some(rv)) => match validate(pv, rv, &p) {
                        Outcome::Pass | Outcome::Skip if a == "=" => {}
                        Outcome::Pass => {}
                        other => return other,
                    },
                    (_, None) => {
                        // A missing key passes only for patterns that accept absence.
                        if !accepts_absent(pv) {
                            return fail(&p, res);
                        }
                    }
                }
            }
            Outcome::Pass
        }
        (Value::Seq(ps), _) => {
            let Some(items) = res.as_seq() else {
                return fail(path, res);
            };
            let Some(first) = ps.first() else {
                return Outcome::Pass;
            };
            if first.as_map().is_some() {
                // As Kyverno: elements a conditional anchor excludes are
                // skipped; when every element is skipped the pattern is.
                let (mut applied, mut skipped) = (0usize, 0usize);
                for (i, item) in items.iter().enumerate() {
                    match validate(first, item, &format!("{path}/{i}")) {
                        Outcome::Pass => applied += 1,
                        Outcome::Skip => skipped += 1,
                        other => return other,
                    }
                }
                if applied == 0 && skipped > 0 {
                    Outcome::Skip
                } else {
                    Outcome::Pass
                }
            } else {
                for (i, item) in items.iter().enumerate() {
                    if !ps.iter().any(|p| scalar(p, item)) {
                        return fail(&format!("{path}/{i}"), item);
                    }
                }
                Outcome::Pass
            }
        }
        _ => {
            if scalar(pattern, res) {
                Outcome::Pass
            } else {
                fail(path, res)
            }
        }
    }
}

/// Patterns a missing field satisfies: `null`, and operators that hold for "nothing" (`!x`).
fn accepts_absent(p: &Node) -> bool {
    match &p.value {
        Value::Null => true,
        Value::Str(s) => s.split('|').any(|alt| alt.starts_with('!') && alt != "!*"),
        _ => false,
    }
}

fn text_of(n: &Node) -> Option<String> {
    match &n.value {
        Value::Null => Some(String::new()),
        _ => n.scalar_text(),
    }
}

/// A Kubernetes quantity or a plain number (`100m`, `1Gi`, `2`, `1.5`).
pub fn quantity(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<f64>() {
        return Some(n);
    }
    const SUFFIXES: [(&str, f64); 13] = [
        ("Ki", 1024.0),
        ("Mi", 1048576.0),
        ("Gi", 1073741824.0),
        ("Ti", 1099511627776.0),
        ("Pi", 1125899906842624.0),
        ("Ei", 1152921504606846976.0),
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
    ];
    SUFFIXES.iter().find_map(|(suf, mul)| {
        s.strip_suffix(suf)
            .and_then(|n| n.parse::<f64>().ok())
            .map(|n| n * mul)
    })
}

fn scalar(pattern: &Node, value: &Node) -> bool {
    match &pattern.value {
        Value::Null => value.is_null(),
        Value::Bool(b) => value.as_bool() == Some(*b),
        Value::Int(_) | Value::Float(_) => match (pattern.as_f64(), value.as_f64()) {
            (Some(a), Some(b)) => (a - b).abs() < f64::EPSILON,
            _ => false,
        },
        Value::Str(p) => {
            let Some(v) = text_of(value) else {
                return false;
            };
            p.split('|')
                .any(|alt| alt.split('&').all(|part| op_match(part.trim(), &v)))
        }
        _ => false,
    }
}

fn op_match(p: &str, v: &str) -> bool {
    if p == "?*" {
        return !v.is_empty();
    }
    for (op, f) in [
        (">=", (|a: f64, b: f64| a >= b) as fn(f64, f64) -> bool),
        ("<=", |a, b| a <= b),
        (">", |a, b| a > b),
        ("<", |a, b| a < b),
    ] {
        if let Some(rest) = p.strip_prefix(op) {
            return match (quantity(v), quantity(rest)) {
                (Some(a), Some(b)) => f(a, b),
                _ => false,
            };
        }
    }
    if let Some(rest) = p.strip_prefix('!') {
        return !op_match(rest, v);
    }
    // Ranges: `1-10` (inclusive) and `1!-10` (outside).
    if let Some((a, b)) = p.split_once("!-") {
        if let (Some(a), Some(b), Some(x)) = (quantity(a), quantity(b), quantity(v)) {
            return x < a || x > b;
        }
    }
    if let Some((a, b)) = p.split_once('-') {
        if let (Some(a), Some(b), Some(x)) = (quantity(a), quantity(b), quantity(v)) {
            return x >= a && x <= b;
        }
    }
    if p.contains('*') || p.contains('?') {
        return wildcard(p, v);
    }
    if let (Some(a), Some(b)) = (p.parse::<f64>().ok(), v.parse::<f64>().ok()) {
        return (a - b).abs() < f64::EPSILON;
    }
    p == v
}

/// Resolves `{{ request.object.a.b }}` (and `request.operation`, `request.namespace`)
/// against `obj`; `None` when a variable cannot be resolved.
fn substitute(s: &str, obj: &serde_json::Value, ns: &str) -> Option<serde_json::Value> {
    let trimmed = s.trim();
    let var = |expr: &str| -> Option<serde_json::Value> {
        let e = expr.trim();
        if e == "request.operation" {
            return Some("CREATE".into());
        }
        if e == "request.namespace" {
            return Some(ns.into());
        }
        let path = e.strip_prefix("request.object")?;
        let mut cur = obj;
        for part in path.split('.').filter(|p| !p.is_empty()) {
            cur = match cur {
                serde_json::Value::Object(m) => m.get(part)?,
                serde_json::Value::Array(a) => a.get(part.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur.clone())
    };
    // A whole-value variable keeps its type (lists, numbers).
    if let Some(inner) = trimmed
        .strip_prefix("{{")
        .and_then(|r| r.strip_suffix("}}"))
    {
        if !inner.contains("{{") {
            return var(inner);
        }
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("{{") {
        out.push_str(rest.get(..i)?);
        let after = rest.get(i + 2..)?;
        let j = after.find("}}")?;
        let v = var(after.get(..j)?)?;
        match v {
            serde_json::Value::String(x) => out.push_str(&x),
            other => out.push_str(&other.to_string()),
        }
        rest = after.get(j + 2..)?;
    }
    out.push_str(rest);
    Some(serde_json::Value::String(out))
}

fn resolve(n: &Node, obj: &serde_json::Value, ns: &str) -> Option<serde_json::Value> {
    match &n.value {
        Value::Str(s) => substitute(s, obj, ns),
        _ => Some(crate::input::to_json(n)),
    }
}

fn condition(c: &Cond, obj: &serde_json::Value, ns: &str) -> Option<bool> {
    use serde_json::Value as J;
    let key = resolve(&c.key, obj, ns)?;
    let value = resolve(&c.value, obj, ns)?;
    let eq = |a: &J, b: &J| match (a, b) {
        (J::String(x), J::String(y)) => wildcard(y, x) || x == y,
        (J::Number(_), J::String(s)) | (J::String(s), J::Number(_)) => {
            let n = if let J::Number(n) = a {
                n
            } else if let J::Number(n) = b {
                n
            } else {
                return false;
            };
            n.as_f64()
                .zip(quantity(s))
                .is_some_and(|(x, y)| (x - y).abs() < f64::EPSILON)
        }
        _ => a == b,
    };
    let list = |v: &J| -> Vec<J> {
        match v {
            J::Array(a) => a.clone(),
            other => vec![other.clone()],
        }
    };
    let num = |v: &J| match v {
        J::Number(n) => n.as_f64(),
        J::String(s) => quantity(s),
        _ => None,
    };
    let (keys, values) = (list(&key), list(&value));
    let in_values = |k: &J| values.iter().any(|v| eq(k, v));
    Some(match c.operator.as_str() {
        "Equals" | "Equal" => eq(&key, &value),
        "NotEquals" | "NotEqual" => !eq(&key, &value),
        "In" | "AllIn" => keys.iter().all(in_values),
        "AnyIn" => keys.iter().any(in_values),
        "NotIn" | "AllNotIn" => keys.iter().all(|k| !in_values(k)),
        "AnyNotIn" => keys.iter().any(|k| !in_values(k)),
        "GreaterThan" => num(&key)? > num(&value)?,
        "GreaterThanOrEquals" => num(&key)? >= num(&value)?,
        "LessThan" => num(&key)? < num(&value)?,
        "LessThanOrEquals" => num(&key)? <= num(&value)?,
        _ => return None,
    })
}

/// How one rule came out on one resource (Kyverno's rule statuses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleStatus {
    Pass,
    Fail,
    /// The rule matched the resource but a conditional or global anchor
    /// says it does not concern it (Kyverno reports `skip`).
    Skip,
    /// The rule could not be decided offline (a variable archgate cannot resolve).
    Error,
}

impl RuleStatus {
    /// The `result` word of a PolicyReport.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleStatus::Pass => "pass",
            RuleStatus::Fail => "fail",
            RuleStatus::Skip => "skip",
            RuleStatus::Error => "error",
        }
    }
}

/// One rule applied to one resource (every matching rule gives one).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleResult {
    pub rule: String,
    pub status: RuleStatus,
    /// Kyverno's message for the status (for `fail`, the rule's message with the path).
    pub message: String,
    /// Where in the resource it failed (the resource's first line unless `fail`).
    pub line: u32,
    pub col: u32,
}

impl KyvernoPolicy {
    /// Applies every rule to one Kubernetes object (a whole manifest
    /// document); only the failures.
    pub fn apply(&self, res: &Node) -> Vec<Violation> {
        self.evaluate(res)
            .into_iter()
            .filter(|r| r.status == RuleStatus::Fail)
            .map(|r| Violation {
                policy: self.name.clone(),
                action: self
                    .rules
                    .iter()
                    .find(|x| x.name == r.rule)
                    .map(|x| x.action.clone())
                    .unwrap_or_default(),
                rule: r.rule,
                message: r.message,
                line: r.line,
                col: r.col,
            })
            .collect()
    }

    /// Applies every rule to one Kubernetes object: one result per rule
    /// that matches it (rules that do not match give nothing, as in
    /// Kyverno's engine response).
    pub fn evaluate(&self, res: &Node) -> Vec<RuleResult> {
        let mut out = Vec::new();
        let t = target(res);
        if t.kind.is_empty() {
            return out;
        }
        if self.namespace.as_ref().is_some_and(|ns| *ns != t.namespace) {
            return out;
        }
        for rule in &self.rules {
            // The object itself, or for a Pod rule the controller's pod template.
            let subject: Option<(Node, &str)> = if match_matches(&rule.matching, &t, t.kind) {
                Some((res.clone(), ""))
            } else if self.autogen && match_matches(&rule.matching, &t, "Pod") {
                let prefix = if t.kind == "CronJob" {
                    "/spec/jobTemplate/spec/template"
                } else {
                    "/spec/template"
                };
                pod_template(res, t.kind).map(|n| (n, prefix))
            } else {
                None
            };
            let Some((node, prefix)) = subject else {
                continue;
            };
            if let Some(ex) = &rule.exclude {
                if match_matches(ex, &t, t.kind)
                    || (!prefix.is_empty() && match_matches(ex, &t, "Pod"))
                {
                    continue;
                }
            }
            let obj = crate::input::to_json(&node);
            let decided: Result<Option<(String, u32, u32)>, RuleStatus> = match &rule.check {
                Check::Pattern(p) => match validate(p, &node, prefix) {
                    Outcome::Fail { path, line, col } => Ok(Some((path, line, col))),
                    Outcome::Pass => Ok(None),
                    Outcome::Skip | Outcome::SkipRule => Err(RuleStatus::Skip),
                },
                Check::AnyPattern(ps) => {
                    let results: Vec<Outcome> =
                        ps.iter().map(|p| validate(p, &node, prefix)).collect();
                    if results.iter().any(|o| matches!(o, Outcome::Pass)) {
                        Ok(None)
                    } else if results.iter().any(|o| !matches!(o, Outcome::Fail { .. })) {
                        Err(RuleStatus::Skip)
                    } else {
                        Ok(results.into_iter().find_map(|o| match o {
                            Outcome::Fail { path, line, col } => Some((path, line, col)),
                            _ => None,
                        }))
                    }
                }
                Check::Deny { any, all } => {
                    let eval = |cs: &[Cond]| -> Option<Vec<bool>> {
                        cs.iter()
                            .map(|c| condition(c, &obj, &t.namespace))
                            .collect()
                    };
                    // An unresolvable variable: the rule is not decided, never a guessed failure.
                    match (eval(any), eval(all)) {
                        (Some(a), Some(b)) => {
                            let deny =
                                (a.is_empty() || a.iter().any(|x| *x)) && b.iter().all(|x| *x);
                            Ok((deny && !(a.is_empty() && b.is_empty()))
                                .then(|| (String::new(), res.span.line, res.span.col)))
                        }
                        _ => Err(RuleStatus::Error),
                    }
                }
            };
            let (line, col) = (res.span.line, res.span.col);
            let result = match decided {
                Ok(Some((path, line, col))) => {
                    let msg = substitute(&rule.message, &obj, &t.namespace)
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_else(|| rule.message.clone());
                    let msg = msg.trim_end_matches('.');
                    let message = if path.is_empty() {
                        format!("validation error: {msg}. rule {} failed", rule.name)
                    } else {
                        format!(
                            "validation error: {msg}. rule {} failed at path {path}",
                            rule.name
                        )
                    };
                    RuleResult {
                        rule: rule.name.clone(),
                        status: RuleStatus::Fail,
                        message,
                        line,
                        col,
                    }
                }
                Ok(None) => RuleResult {
                    rule: rule.name.clone(),
                    status: RuleStatus::Pass,
                    message: format!("validation rule '{}' passed.", rule.name),
                    line,
                    col,
                },
                Err(status) => RuleResult {
                    rule: rule.name.clone(),
                    status,
                    message: if status == RuleStatus::Skip {
                        format!(
                            "validation rule '{}' skipped: an anchor condition does not hold for this resource",
                            rule.name
                        )
                    } else {
                        format!(
                            "validation rule '{}' not evaluated: a variable in its conditions cannot be resolved offline",
                            rule.name
                        )
                    },
                    line,
                    col,
                },
            };
            out.push(result);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = r#"apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: pod-security
  annotations:
    policies.kyverno.io/title: Pod security basics
    policies.kyverno.io/severity: medium
spec:
  validationFailureAction: Enforce
  rules:
    - name: no-privileged
      match:
        any:
          - resources:
              kinds: [Pod]
      exclude:
        any:
          - resources:
              namespaces: [kube-system]
      validate:
        message: "Privileged mode is not allowed ({{ request.object.metadata.name }})"
        pattern:
          spec:
            =(initContainers):
              - =(securityContext):
                  =(privileged): "false"
            containers:
              - =(securityContext):
                  =(privileged): "false"
    - name: require-team-label
      match:
        resources:
          kinds: [Deployment]
          selector:
            matchLabels:
              tier: "*"
      validate:
        failureAction: Audit
        message: "label team is required"
        pattern:
          metadata:
            labels:
              team: "?*"
    - name: limits
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "memory limit must be at most 1Gi"
        pattern:
          spec:
            containers:
              - (name): "app-*"
                resources:
                  limits:
                    memory: "<=1Gi"
    - name: no-latest
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "an image tag is required"
        anyPattern:
          - spec:
              containers:
                - image: "*:*"
          - spec:
              containers:
                - image: "*@sha256:*"
    - name: replicas
      match:
        any:
          - resources:
              kinds: [Deployment]
      validate:
        message: "at least 2 replicas, got {{ request.object.spec.replicas }}"
        deny:
          conditions:
            any:
              - key: "{{ request.object.spec.replicas }}"
                operator: LessThan
                value: 2
"#;

    fn policy() -> KyvernoPolicy {
        let (p, notes) = parse_policies("kyverno.yaml", POLICY).unwrap_or_default();
        assert!(notes.is_empty(), "{notes:?}");
        p.into_iter().next().unwrap_or_else(|| panic!("no policy"))
    }

    fn doc(y: &str) -> Node {
        archgate_core::yaml::parse_documents(y)
            .unwrap_or_default()
            .into_iter()
            .next()
            .unwrap_or_else(|| Node::new(Value::Null, Default::default()))
    }

    fn rules(v: &[Violation]) -> Vec<&str> {
        v.iter().map(|x| x.rule.as_str()).collect()
    }

    #[test]
    fn pattern_anchors_and_messages() {
        let p = policy();
        let bad = doc("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app-1\n      image: nginx\n      securityContext:\n        privileged: true\n      resources:\n        limits:\n          memory: 2Gi\n");
        let v = p.apply(&bad);
        assert_eq!(
            rules(&v),
            vec!["no-privileged", "limits", "no-latest"],
            "{v:?}"
        );
        assert_eq!(
            v[0].message,
            "validation error: Privileged mode is not allowed (web). rule no-privileged failed at path /spec/containers/0/securityContext/privileged/"
        );
        assert_eq!((v[0].line, v[0].action.as_str()), (10, "Enforce"));
        assert_eq!(v[1].line, 13);
        let good = doc("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: sidecar\n      image: nginx:1.27\n      resources:\n        limits:\n          memory: 4Gi\n");
        // The limit only concerns containers named app-* (conditional anchor).
        assert!(p.apply(&good).is_empty(), "{:?}", p.apply(&good));
        let system = doc("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  namespace: kube-system\nspec:\n  containers:\n    - name: c\n      image: a:1\n      securityContext:\n        privileged: true\n");
        assert!(p.apply(&system).is_empty());
    }

    #[test]
    fn selectors_autogen_and_deny_conditions() {
        let p = policy();
        let dep = doc("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  labels:\n    tier: backend\nspec:\n  replicas: 1\n  template:\n    metadata:\n      labels:\n        app: api\n    spec:\n      containers:\n        - name: api\n          image: api\n          securityContext:\n            privileged: true\n");
        let v = p.apply(&dep);
        assert_eq!(
            rules(&v),
            vec![
                "no-privileged",
                "require-team-label",
                "no-latest",
                "replicas"
            ],
            "{v:?}"
        );
        assert!(
            v[0].message
                .ends_with("at path /spec/template/spec/containers/0/securityContext/privileged/"),
            "{}",
            v[0].message
        );
        assert_eq!(v[1].action, "Audit");
        assert!(v[3].message.contains("got 1"), "{}", v[3].message);
        // Without the tier label the team rule's selector does not match.
        let plain = doc("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api:1\n");
        assert!(p.apply(&plain).is_empty(), "{:?}", p.apply(&plain));
    }

    #[test]
    fn operators() {
        assert!(op_match(">=2", "3") && !op_match(">2", "2"));
        assert!(op_match("<=1Gi", "512Mi") && !op_match("<=1Gi", "2Gi"));
        assert!(op_match("1-10", "5") && op_match("1!-10", "11"));
        assert!(op_match("!root", "app") && !op_match("!root", "root"));
        assert!(op_match("*.example.com", "a.example.com"));
        assert!(!op_match("?*", ""));
        assert!(wildcard("a?c*", "abcdef") && !wildcard("a?c", "ac"));
        assert_eq!(quantity("100m"), Some(0.1));
    }

    #[test]
    fn unsupported_rules_are_noted_not_guessed() {
        let src = "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: x\nspec:\n  rules:\n    - name: ctx\n      match: {any: [{resources: {kinds: [Pod]}}]}\n      context:\n        - name: cm\n          configMap: {name: c, namespace: d}\n      validate:\n        pattern: {spec: {x: 1}}\n";
        let (p, notes) = parse_policies("k.yaml", src).unwrap_or_default();
        assert_eq!(p[0].rules.len(), 0);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("k.yaml:7"), "{notes:?}");
    }

    #[test]
    fn rule_is_skipped_when_a_conditional_anchor_excludes_every_element() {
        let policy = "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: p\nspec:\n  rules:\n    - name: nginx-pinned\n      match:\n        any:\n          - resources:\n              kinds: [Pod]\n      validate:\n        message: pin nginx\n        pattern:\n          spec:\n            containers:\n              - (name): \"nginx*\"\n                image: \"!*:latest\"\n";
        let (p, _) = parse_policies("p.yaml", policy).unwrap_or_else(|e| panic!("{e:?}"));
        let pod = |containers: &str| {
            let text = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n{containers}");
            archgate_core::yaml::parse_documents(&text)
                .unwrap_or_default()
                .remove(0)
        };
        let status = |c: &str| p[0].evaluate(&pod(c)).first().map(|r| r.status);
        // No container is nginx: every element skipped, so the rule is.
        assert_eq!(
            status("    - name: app\n      image: app:latest\n"),
            Some(RuleStatus::Skip)
        );
        assert_eq!(
            status(
                "    - name: app\n      image: a:1\n    - name: nginx\n      image: nginx:1.27\n"
            ),
            Some(RuleStatus::Pass)
        );
        assert_eq!(
            status("    - name: nginx\n      image: nginx:latest\n"),
            Some(RuleStatus::Fail)
        );
    }
}
