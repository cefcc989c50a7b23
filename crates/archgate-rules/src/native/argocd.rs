//! Native Argo CD checks: the GitOps hardening rules under `rules/argocd/`
//! for `Application`, `ApplicationSet` and `AppProject` manifests
//! (`apiVersion: argoproj.io/v1alpha1`).
//!
//! Argo CD objects reach the rules as Kubernetes resources (kind
//! `Application`, address `Application.<namespace>.<name>`). Other CRDs use
//! the same kind names (the SIG `app.k8s.io` Application), so every check
//! first makes sure the object belongs to the `argoproj.io` API group.
//!
//! What an `Application` deploys is read the way Argo CD reads it: the
//! single `spec.source` and the list `spec.sources` (multi-source apps); an
//! `ApplicationSet`'s generated applications are read from
//! `spec.template.spec`. Values that are still templates (`{{…}}` from an
//! ApplicationSet generator) or that archgate could not resolve never
//! produce a finding.
//!
//! Not for: Argo Workflows (`Workflow`, `WorkflowTemplate`; Checkov's
//! CKV_ARGO_* checks cover those) or Argo CD's own installation manifests
//! (the `argocd-cm` ConfigMap and friends).

use super::{CheckFn, Context, Hit};
use archgate_core::{Node, Span, Value};
use archgate_iac::{Resource, SourceKind};

/// The native Argo CD checks, by rule id.
pub const CHECKS: &[(&str, CheckFn)] = &[
    ("AG-ARGO-001", target_revision_not_pinned),
    ("AG-ARGO-002", project_source_repos_unrestricted),
    ("AG-ARGO-003", project_destinations_unrestricted),
    ("AG-ARGO-004", destination_in_cluster_kube_system),
    ("AG-ARGO-005", project_cluster_resources_unrestricted),
    ("AG-ARGO-006", application_in_default_project),
    ("AG-ARGO-007", auto_prune_allows_empty),
    ("AG-ARGO-008", production_auto_sync_incomplete),
    ("AG-ARGO-009", source_over_plain_transport),
    ("AG-ARGO-010", project_source_namespaces_unrestricted),
];

/// The address Argo CD uses for the cluster it runs in.
const IN_CLUSTER_SERVER: &str = "https://kubernetes.default.svc";
/// The name Argo CD gives that cluster.
const IN_CLUSTER_NAME: &str = "in-cluster";

// ---------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------

/// True when `r` is an Argo CD object of `kind`.
fn is_argo(r: &Resource, kind: &str) -> bool {
    r.source == SourceKind::Kubernetes
        && r.kind == kind
        && r.body
            .get("apiVersion")
            .and_then(Node::as_str)
            .is_some_and(|v| v.starts_with("argoproj.io/"))
}

/// The application spec of an `Application`, or the template of the
/// applications an `ApplicationSet` generates.
fn app_spec(r: &Resource) -> Option<&Node> {
    if is_argo(r, "Application") {
        r.body.get("spec").filter(|s| s.as_map().is_some())
    } else if is_argo(r, "ApplicationSet") {
        r.body
            .path("spec.template.spec")
            .filter(|s| s.as_map().is_some())
    } else {
        None
    }
}

/// The span of the `spec:` key of the application spec (for findings about
/// something missing from it).
fn app_spec_key_span(r: &Resource) -> Span {
    let parent = if is_argo(r, "ApplicationSet") {
        r.body.path("spec.template")
    } else {
        Some(&r.body)
    };
    parent
        .map(|p| key_span(p, "spec", r.span))
        .unwrap_or(r.span)
}

/// The spec of an `AppProject`.
fn project_spec(r: &Resource) -> Option<&Node> {
    if is_argo(r, "AppProject") {
        r.body.get("spec").filter(|s| s.as_map().is_some())
    } else {
        None
    }
}

/// The sources of an application spec: `source` and every item of
/// `sources`, each with the span a finding about the whole source points
/// at (the `source:` key, or the list item).
fn sources(spec: &Node) -> Vec<(&Node, Span)> {
    let mut out: Vec<(&Node, Span)> = spec
        .entry("source")
        .filter(|(_, s)| s.as_map().is_some())
        .map(|(k, s)| (s, if k.span.is_empty() { s.span } else { k.span }))
        .into_iter()
        .collect();
    if let Some(items) = spec.get("sources").and_then(Node::as_seq) {
        out.extend(
            items
                .iter()
                .filter(|s| s.as_map().is_some())
                .map(|s| (s, s.span)),
        );
    }
    out
}

/// What a scalar field holds, as far as a check may judge it.
enum Field<'a> {
    /// Not written (or null).
    Absent,
    /// A literal value.
    Known(String, &'a Node),
    /// Unresolved, a template, or not a scalar: never judged.
    Opaque,
}

fn field<'a>(map: &'a Node, key: &str) -> Field<'a> {
    let Some(n) = map.get(key) else {
        return Field::Absent;
    };
    if n.is_null() {
        return Field::Absent;
    }
    if n.is_unknown() || matches!(n.value, Value::Tagged(..)) {
        return Field::Opaque;
    }
    match n.scalar_text() {
        Some(s) if is_template(&s) => Field::Opaque,
        Some(s) => Field::Known(s, n),
        None => Field::Opaque,
    }
}

/// A literal string field, `None` when absent, unresolved or templated.
fn known<'a>(map: &'a Node, key: &str) -> Option<(String, &'a Node)> {
    match field(map, key) {
        Field::Known(s, n) => Some((s, n)),
        _ => None,
    }
}

/// An ApplicationSet generator parameter or Helm template left in a value.
fn is_template(s: &str) -> bool {
    s.contains("{{") || s.contains("${")
}

/// The span of `key` in `map` (the key itself when it has one), else `fallback`.
fn key_span(map: &Node, key: &str, fallback: Span) -> Span {
    map.entry(key)
        .map(|(k, v)| if k.span.is_empty() { v.span } else { k.span })
        .unwrap_or(fallback)
}

fn name_of(r: &Resource) -> &str {
    r.body
        .path("metadata.name")
        .and_then(Node::as_str)
        .unwrap_or(r.name.as_str())
}

// ---------------------------------------------------------------------------
// AG-ARGO-001: pinned revisions
// ---------------------------------------------------------------------------

/// True for a full Git commit id (SHA-1, or SHA-256 for SHA-256 repositories).
fn is_commit_sha(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// True for an OCI manifest digest (`sha256:<64 hex>`).
fn is_digest(s: &str) -> bool {
    s.strip_prefix("sha256:")
        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// True for an exact semantic version `MAJOR.MINOR.PATCH` with an optional
/// leading `v`, pre-release and build metadata (`v1.4.2`, `2.0.0-rc.1+b7`).
fn is_exact_semver(s: &str) -> bool {
    let s = s.strip_prefix('v').unwrap_or(s);
    let core_end = s.find(['-', '+']).unwrap_or(s.len());
    let (core, rest) = s.split_at(core_end);
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && rest
            .chars()
            .skip(1)
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '+')
        && rest.len() != 1
}

/// A Git revision that names one commit for good: a full commit SHA, or a
/// release tag `[path/]vX.Y.Z` (monorepo tags such as `charts/web/v1.2.3`
/// included). Branch names, `HEAD` and short SHAs move or are ambiguous.
fn git_revision_pinned(rev: &str) -> bool {
    if is_commit_sha(rev) {
        return true;
    }
    let tag = rev.strip_prefix("refs/tags/").unwrap_or(rev);
    let last = tag.rsplit('/').next().unwrap_or(tag);
    is_exact_semver(last)
}

/// True when the source is a Helm chart from a chart repository (where
/// `targetRevision` is the chart version, not a Git revision).
fn is_helm_repo_source(source: &Node) -> bool {
    matches!(field(source, "chart"), Field::Known(..) | Field::Opaque)
}

fn target_revision_not_pinned(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some(spec) = app_spec(r) else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    for (i, (source, source_span)) in sources(spec).into_iter().enumerate() {
        let helm = is_helm_repo_source(source);
        let problem = match field(source, "targetRevision") {
            Field::Opaque => None,
            Field::Absent => Some(if helm {
                "no chart version (`targetRevision`), so the latest chart is deployed".to_string()
            } else {
                "no `targetRevision`, so Argo CD follows HEAD of the default branch".to_string()
            }),
            Field::Known(rev, _) => {
                let rev = rev.trim();
                if rev.is_empty() {
                    Some(if helm {
                        "an empty chart version, so the latest chart is deployed".to_string()
                    } else {
                        "an empty `targetRevision`, so Argo CD follows HEAD".to_string()
                    })
                } else if helm {
                    (!is_exact_semver(rev) && !is_digest(rev)).then(|| {
                        format!("chart version `{rev}` is a range or a moving name, not one exact version")
                    })
                } else if is_digest(rev) || git_revision_pinned(rev) {
                    None
                } else if rev.eq_ignore_ascii_case("HEAD") {
                    Some("`targetRevision: HEAD` follows the default branch".to_string())
                } else {
                    Some(format!(
                        "`targetRevision: {rev}` is a branch or moving name, not a commit SHA or release tag"
                    ))
                }
            }
        };
        if let Some(what) = problem {
            let span = key_span(source, "targetRevision", source_span);
            hits.push(Hit::new(
                span,
                format!("{} {}: source {} has {what}", r.kind, name_of(r), i + 1),
                format!("sources[{i}].targetRevision"),
            ));
        }
    }
    hits
}

// ---------------------------------------------------------------------------
// AppProject scope
// ---------------------------------------------------------------------------

/// Why a `sourceRepos` pattern admits repositories of anyone, or `None`
/// when it is scoped to a host and an owner.
fn repo_pattern_too_wide(pattern: &str) -> Option<&'static str> {
    let p = pattern.trim();
    if p.starts_with('!') {
        return None; // a deny entry narrows the list
    }
    if p.chars().all(|c| c == '*') {
        return Some("every repository");
    }
    // `https://host/owner/repo`, `ssh://git@host/owner/repo`, `git@host:owner/repo`.
    let rest = match p.find("://") {
        Some(i) => &p[i + 3..],
        None => p,
    };
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let (host, path) = match rest.find(['/', ':']) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    if host.contains('*') {
        return Some("repositories on any host");
    }
    let owner = path.trim_start_matches('/').split('/').next().unwrap_or("");
    if owner.is_empty() || owner.chars().all(|c| c == '*') {
        return Some("every repository on the host, whoever owns it");
    }
    None
}

fn project_source_repos_unrestricted(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some(spec) = project_spec(r) else {
        return Vec::new();
    };
    let Some(items) = spec.get("sourceRepos").and_then(Node::as_seq) else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let s = item.as_str().filter(|s| !is_template(s))?;
            let what = repo_pattern_too_wide(s)?;
            Some(Hit::new(
                item.span,
                format!(
                    "AppProject {}: sourceRepos entry `{s}` admits {what}",
                    name_of(r)
                ),
                format!("sourceRepos[{i}]"),
            ))
        })
        .collect()
}

/// The project's `destinations` that are mappings.
fn project_destinations(spec: &Node) -> Vec<&Node> {
    spec.get("destinations")
        .and_then(Node::as_seq)
        .map(|items| items.iter().filter(|d| d.as_map().is_some()).collect())
        .unwrap_or_default()
}

fn is_wildcard(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c == '*')
}

fn project_destinations_unrestricted(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some(spec) = project_spec(r) else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    for (i, dest) in project_destinations(spec).into_iter().enumerate() {
        let server = known(dest, "server").map(|(s, _)| s);
        let name = known(dest, "name").map(|(s, _)| s);
        let any_cluster =
            server.as_deref().is_some_and(is_wildcard) || name.as_deref().is_some_and(is_wildcard);
        let any_namespace = known(dest, "namespace").is_some_and(|(s, _)| is_wildcard(&s));
        let what = match (any_cluster, any_namespace) {
            (true, true) => "any namespace of any cluster",
            (true, false) => "any cluster Argo CD knows",
            (false, true) => "any namespace of the cluster",
            (false, false) => continue,
        };
        let key = if any_cluster {
            if server.as_deref().is_some_and(is_wildcard) {
                "server"
            } else {
                "name"
            }
        } else {
            "namespace"
        };
        hits.push(Hit::new(
            key_span(dest, key, dest.span),
            format!(
                "AppProject {}: destination {} allows {what}",
                name_of(r),
                i + 1
            ),
            format!("destinations[{i}]"),
        ));
    }
    hits
}

/// True when a destination names the cluster Argo CD runs in. A missing
/// server and name is not judged (Argo CD rejects such a destination).
fn is_in_cluster(dest: &Node) -> bool {
    let server = known(dest, "server").map(|(s, _)| s);
    let name = known(dest, "name").map(|(s, _)| s);
    server
        .as_deref()
        .is_some_and(|s| s.trim_end_matches('/') == IN_CLUSTER_SERVER || is_wildcard(s))
        || name
            .as_deref()
            .is_some_and(|n| n == IN_CLUSTER_NAME || is_wildcard(n))
}

fn destination_in_cluster_kube_system(r: &Resource, _: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    if let Some(spec) = app_spec(r) {
        if let Some(dest) = spec.get("destination").filter(|d| d.as_map().is_some()) {
            if let Some((ns, node)) = known(dest, "namespace") {
                if ns == "kube-system" && is_in_cluster(dest) {
                    hits.push(Hit::new(
                        node.span,
                        format!(
                            "{} {} deploys into kube-system of the cluster Argo CD runs in",
                            r.kind,
                            name_of(r)
                        ),
                        "destination.namespace",
                    ));
                }
            }
        }
    }
    if let Some(spec) = project_spec(r) {
        for (i, dest) in project_destinations(spec).into_iter().enumerate() {
            // `*` namespaces are AG-ARGO-003's; here only an explicit kube-system.
            if let Some((ns, node)) = known(dest, "namespace") {
                if ns == "kube-system" && is_in_cluster(dest) {
                    hits.push(Hit::new(
                        node.span,
                        format!(
                            "AppProject {}: destination {} allows kube-system of the cluster Argo CD runs in",
                            name_of(r),
                            i + 1
                        ),
                        format!("destinations[{i}].namespace"),
                    ));
                }
            }
        }
    }
    hits
}

fn project_cluster_resources_unrestricted(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some(spec) = project_spec(r) else {
        return Vec::new();
    };
    let Some(items) = spec.get("clusterResourceWhitelist").and_then(Node::as_seq) else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let group = known(item, "group")?.0;
            let kind = known(item, "kind")?.0;
            (is_wildcard(&group) && is_wildcard(&kind)).then(|| {
                Hit::new(
                    item.span,
                    format!(
                        "AppProject {}: clusterResourceWhitelist allows every cluster-scoped kind (`*/*`)",
                        name_of(r)
                    ),
                    format!("clusterResourceWhitelist[{i}]"),
                )
            })
        })
        .collect()
}

fn project_source_namespaces_unrestricted(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some(spec) = project_spec(r) else {
        return Vec::new();
    };
    let Some(items) = spec.get("sourceNamespaces").and_then(Node::as_seq) else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let s = item.as_str()?;
            is_wildcard(s).then(|| {
                Hit::new(
                    item.span,
                    format!(
                        "AppProject {}: sourceNamespaces `{s}` lets Applications in any namespace use the project",
                        name_of(r)
                    ),
                    format!("sourceNamespaces[{i}]"),
                )
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Application settings
// ---------------------------------------------------------------------------

fn application_in_default_project(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some(spec) = app_spec(r) else {
        return Vec::new();
    };
    // Argo CD reads an empty or missing project as `default`.
    let problem = match field(spec, "project") {
        Field::Opaque => return Vec::new(),
        Field::Absent => "names no project, so it runs in `default`",
        Field::Known(p, _) if p.trim().is_empty() || p.trim() == "default" => {
            "runs in the `default` project"
        }
        Field::Known(..) => return Vec::new(),
    };
    vec![Hit::new(
        key_span(spec, "project", app_spec_key_span(r)),
        format!("{} {} {problem}", r.kind, name_of(r)),
        "project",
    )]
}

/// The `automated` block of the spec's sync policy when automated sync is
/// on (`automated: {}` turns it on; `enabled: false` turns it off).
fn automated(spec: &Node) -> Option<&Node> {
    let auto = spec.path("syncPolicy.automated")?;
    if auto.is_null() || auto.is_unknown() {
        return None;
    }
    auto.as_map()?;
    match auto.get("enabled").map(|e| (e.is_unknown(), e.as_bool())) {
        Some((true, _)) | Some((false, Some(false))) => None,
        _ => Some(auto),
    }
}

/// A boolean of the automated block: `Some(true/false)` when known,
/// `Some(false)` when absent (Argo CD's default), `None` when unresolved.
fn auto_flag(auto: &Node, key: &str) -> Option<bool> {
    match auto.get(key) {
        None => Some(false),
        Some(n) if n.is_null() => Some(false),
        Some(n) if n.is_unknown() => None,
        Some(n) => match n.as_bool() {
            Some(b) => Some(b),
            None if n.as_str().is_some_and(is_template) => None,
            None => Some(false),
        },
    }
}

fn auto_prune_allows_empty(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some(auto) = app_spec(r).and_then(automated) else {
        return Vec::new();
    };
    if auto_flag(auto, "prune") != Some(true) || auto_flag(auto, "allowEmpty") != Some(true) {
        return Vec::new();
    }
    vec![Hit::new(
        key_span(auto, "allowEmpty", auto.span),
        format!(
            "{} {}: automated sync prunes with `allowEmpty: true`, so a source that renders nothing deletes every resource",
            r.kind,
            name_of(r)
        ),
        "syncPolicy.automated.allowEmpty",
    )]
}

/// Names that mark production, compared with the whole words of a name.
const PRODUCTION_WORDS: &[&str] = &["prod", "production", "prd", "live"];
/// Labels whose value names the environment.
const ENVIRONMENT_LABELS: &[&str] = &["env", "environment", "stage", "tier"];

fn names_production(s: &str) -> bool {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| PRODUCTION_WORDS.iter().any(|p| w.eq_ignore_ascii_case(p)))
}

/// Why the application is a production one, if it is: an environment
/// label, or a word of its name, project or destination namespace.
fn production_marker(r: &Resource, spec: &Node) -> Option<String> {
    let labels = if is_argo(r, "ApplicationSet") {
        r.body.path("spec.template.metadata.labels")
    } else {
        r.body.path("metadata.labels")
    };
    if let Some(entries) = labels.and_then(Node::as_map) {
        for (k, v) in entries {
            let label = k.name.rsplit('/').next().unwrap_or(&k.name);
            if ENVIRONMENT_LABELS.contains(&label) {
                if let Some(v) = v.as_str().filter(|v| !is_template(v)) {
                    if names_production(v) {
                        return Some(format!("label {}={v}", k.name));
                    }
                }
            }
        }
    }
    if is_argo(r, "Application") && names_production(name_of(r)) {
        return Some(format!("name {}", name_of(r)));
    }
    if let Some((p, _)) = known(spec, "project") {
        if names_production(&p) {
            return Some(format!("project {p}"));
        }
    }
    if let Some(dest) = spec.get("destination") {
        if let Some((ns, _)) = known(dest, "namespace") {
            if names_production(&ns) {
                return Some(format!("destination namespace {ns}"));
            }
        }
    }
    None
}

fn production_auto_sync_incomplete(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some(spec) = app_spec(r) else {
        return Vec::new();
    };
    let Some(auto) = automated(spec) else {
        return Vec::new();
    };
    let Some(marker) = production_marker(r, spec) else {
        return Vec::new();
    };
    let missing: Vec<&str> = ["prune", "selfHeal"]
        .into_iter()
        .filter(|k| auto_flag(auto, k) == Some(false))
        .collect();
    if missing.is_empty() {
        return Vec::new();
    }
    let span = spec
        .get("syncPolicy")
        .map(|sp| key_span(sp, "automated", auto.span))
        .unwrap_or(auto.span);
    vec![Hit::new(
        span,
        format!(
            "{} {} is production ({marker}) and syncs automatically without {}",
            r.kind,
            name_of(r),
            missing
                .iter()
                .map(|k| format!("`{k}: true`"))
                .collect::<Vec<_>>()
                .join(" and ")
        ),
        "syncPolicy.automated",
    )]
}

fn source_over_plain_transport(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some(spec) = app_spec(r) else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    for (i, (source, _)) in sources(spec).into_iter().enumerate() {
        let Some((url, node)) = known(source, "repoURL") else {
            continue;
        };
        let lower = url.trim().to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("git://") {
            hits.push(Hit::new(
                node.span,
                format!(
                    "{} {}: source {} is fetched over an unencrypted, unauthenticated transport ({url})",
                    r.kind,
                    name_of(r),
                    i + 1
                ),
                format!("sources[{i}].repoURL"),
            ));
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use archgate_core::yaml::parse_documents;
    use archgate_iac::ParsedUnit;

    fn unit(text: &str) -> ParsedUnit {
        let docs = parse_documents(text).unwrap_or_default();
        ParsedUnit {
            resources: archgate_iac::kubernetes::from_documents("m.yaml", text, docs),
            ..ParsedUnit::default()
        }
    }

    fn lines(check: CheckFn, text: &str) -> Vec<u32> {
        let unit = unit(text);
        let ctx = Context::new(&unit);
        unit.resources
            .iter()
            .flat_map(|r| check(r, &ctx))
            .map(|h| h.span.line)
            .collect()
    }

    #[test]
    fn revisions_that_name_one_commit() {
        assert!(git_revision_pinned("v1.4.2"));
        assert!(git_revision_pinned("1.4.2-rc.1"));
        assert!(git_revision_pinned("refs/tags/v2.0.0"));
        assert!(git_revision_pinned("charts/web/v0.3.1"));
        assert!(git_revision_pinned(
            "3f786850e387550fdab836ed7e6dc881de23001b"
        ));
        for moving in [
            "HEAD",
            "main",
            "release-1.2",
            "v1",
            "v1.2",
            "3f78685",
            "1.x",
            "",
        ] {
            assert!(!git_revision_pinned(moving), "{moving}");
        }
        assert!(is_exact_semver("10.2.0+build.5"));
        assert!(!is_exact_semver("1.2.3-"));
        assert!(!is_exact_semver(">=1.2.3"));
        assert!(!is_exact_semver("1.2.*"));
        assert!(!is_exact_semver("^1.2.3"));
    }

    #[test]
    fn target_revision_of_git_helm_and_templated_sources() {
        let text = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: a, namespace: argocd}
spec:
  project: shop
  sources:
    - repoURL: https://github.com/acme/apps.git
      targetRevision: main
    - repoURL: https://charts.acme.io
      chart: web
      targetRevision: 1.2.*
    - repoURL: https://github.com/acme/apps.git
      targetRevision: 0123456789abcdef0123456789abcdef01234567
    - repoURL: https://github.com/acme/apps.git
    - repoURL: https://github.com/acme/apps.git
      targetRevision: '{{revision}}'
";
        assert_eq!(lines(target_revision_not_pinned, text), vec![8, 11, 14]);
    }

    #[test]
    fn other_api_groups_are_not_argo_cd() {
        let text = "apiVersion: app.k8s.io/v1beta1
kind: Application
metadata: {name: a}
spec:
  project: default
  source: {repoURL: 'http://x', targetRevision: HEAD}
";
        assert!(lines(target_revision_not_pinned, text).is_empty());
        assert!(lines(application_in_default_project, text).is_empty());
    }

    #[test]
    fn repo_patterns() {
        assert!(repo_pattern_too_wide("*").is_some());
        assert!(repo_pattern_too_wide("https://github.com/*").is_some());
        assert!(repo_pattern_too_wide("https://*.example.com/acme/x").is_some());
        assert!(repo_pattern_too_wide("git@github.com:*/x.git").is_some());
        assert!(repo_pattern_too_wide("https://github.com/acme/*").is_none());
        assert!(repo_pattern_too_wide("git@github.com:acme/apps.git").is_none());
        assert!(repo_pattern_too_wide("ssh://git@gitlab.acme.io/platform/*").is_none());
        assert!(repo_pattern_too_wide("!https://github.com/acme/secret").is_none());
    }

    #[test]
    fn production_is_read_from_labels_names_and_namespaces() {
        let text = "apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
  labels: {env: prod}
spec:
  project: shop
  destination: {server: 'https://kubernetes.default.svc', namespace: web}
  syncPolicy:
    automated: {prune: true}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web-staging, namespace: argocd}
spec:
  project: shop
  destination: {server: 'https://kubernetes.default.svc', namespace: web-staging}
  syncPolicy:
    automated: {}
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: api, namespace: argocd}
spec:
  project: shop
  destination: {server: 'https://kubernetes.default.svc', namespace: api-production}
  syncPolicy:
    automated: {enabled: false}
";
        assert_eq!(lines(production_auto_sync_incomplete, text), vec![11]);
        assert!(names_production("payments-prod-eu"));
        assert!(!names_production("product-catalog"));
    }

    #[test]
    fn unresolved_values_are_not_judged() {
        let text = "apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: s, namespace: argocd}
spec:
  template:
    metadata: {name: '{{name}}'}
    spec:
      project: '{{project}}'
      source: {repoURL: '{{url}}', targetRevision: '{{rev}}'}
      destination: {server: '{{server}}', namespace: kube-system}
";
        for check in CHECKS {
            assert!(lines(check.1, text).is_empty(), "{}", check.0);
        }
    }
}

/// No input may panic an Argo CD check: random specs shaped loosely like
/// Applications, ApplicationSets and AppProjects.
#[cfg(test)]
mod no_panic {
    use super::*;
    use archgate_core::Key;
    use archgate_iac::ParsedUnit;
    use proptest::prelude::*;

    const KEYS: &[&str] = &[
        "spec",
        "template",
        "metadata",
        "labels",
        "name",
        "project",
        "source",
        "sources",
        "repoURL",
        "targetRevision",
        "chart",
        "destination",
        "destinations",
        "server",
        "namespace",
        "syncPolicy",
        "automated",
        "prune",
        "selfHeal",
        "allowEmpty",
        "enabled",
        "sourceRepos",
        "sourceNamespaces",
        "clusterResourceWhitelist",
        "group",
        "kind",
        "env",
    ];

    const WORDS: &[&str] = &[
        "*",
        "**",
        "",
        "HEAD",
        "main",
        "v1.2.3",
        "1.2.*",
        "sha256:",
        "{{x}}",
        "prod",
        "kube-system",
        "in-cluster",
        "https://kubernetes.default.svc",
        "http://x",
        "git@:",
        "://",
        "!*",
        "https://*/",
        "true",
        "default",
    ];

    fn arb_node() -> impl Strategy<Value = Node> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-3i64..70000).prop_map(Value::Int),
            prop::sample::select(WORDS).prop_map(|w| Value::Str(w.to_string())),
            "[a-zA-Z0-9./:@*!{}-]{0,14}".prop_map(Value::Str),
            "[a-z_.]{1,8}".prop_map(Value::Unknown),
        ]
        .prop_map(|v| Node::new(v, Span::default()));
        leaf.prop_recursive(5, 60, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|v| Node::new(Value::Seq(v), Span::default())),
                prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|v| {
                    Node::new(
                        Value::Map(
                            v.into_iter()
                                .map(|(k, n)| {
                                    (
                                        Key {
                                            name: k.to_string(),
                                            span: Span::default(),
                                        },
                                        n,
                                    )
                                })
                                .collect(),
                        ),
                        Span::default(),
                    )
                }),
            ]
        })
    }

    fn key(name: &str) -> Key {
        Key {
            name: name.to_string(),
            span: Span::default(),
        }
    }

    fn string(s: &str) -> Node {
        Node::new(Value::Str(s.to_string()), Span::default())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
        #[test]
        fn argo_checks_never_panic(spec in arb_node(), meta in arb_node(), kind in prop::sample::select(&["Application", "ApplicationSet", "AppProject"][..])) {
            let body = Node::new(
                Value::Map(vec![
                    (key("apiVersion"), string("argoproj.io/v1alpha1")),
                    (key("kind"), string(kind)),
                    (key("metadata"), meta),
                    (key("spec"), spec),
                ]),
                Span::default(),
            );
            let unit = ParsedUnit {
                resources: vec![Resource {
                    source: SourceKind::Kubernetes,
                    block: "resource".into(),
                    address: format!("{kind}.argocd.x"),
                    name: "argocd.x".into(),
                    kind: kind.to_string(),
                    file: "m.yaml".into(),
                    span: Span::default(),
                    body,
                    module: None,
                    multiple: false,
                    labels: Vec::new(),
                }],
                ..ParsedUnit::default()
            };
            let ctx = Context::new(&unit);
            for r in &unit.resources {
                for (_, check) in CHECKS {
                    let _ = check(r, &ctx);
                }
            }
        }
    }
}
