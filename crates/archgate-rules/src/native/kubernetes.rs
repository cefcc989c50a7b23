//! Native Kubernetes checks: the rules under `rules/kubernetes/` whose
//! conditions need code rather than data.
//!
//! Most of them look inside the pod a workload runs. Checkov writes one
//! attribute path per kind (`spec.containers`, `spec.template.spec.containers`,
//! `spec.jobTemplate.spec.template.spec.containers`); here [`pod_of`] finds the
//! pod of any pod-carrying kind once and [`containers`] yields every container
//! of it, so one rule covers Pod, Deployment, StatefulSet, DaemonSet,
//! ReplicaSet, ReplicationController, Job, CronJob and PodTemplate, and each
//! finding points at the container (or the offending key) rather than at the
//! top of the document.
//!
//! Settings that Kubernetes inherits from the pod's `securityContext` into
//! each container (runAsUser, runAsNonRoot, seccompProfile, seLinuxOptions,
//! appArmorProfile, windowsOptions) are resolved the way the kubelet does:
//! the container's own value wins. A value archgate could not resolve
//! (`Value::Unknown`) never produces a finding.
//!
//! The cross-resource checks (NetworkPolicy coverage, per-namespace quota,
//! RBAC bindings that reach secrets) read the other resources of the unit
//! through [`Context`].
//!
//! Not for: parsing manifests (archgate-iac) or checks a data condition can
//! express.

use super::{CheckFn, Context, Hit};
use archgate_core::{Node, Span, Value};
use archgate_iac::Resource;

/// The native Kubernetes checks, by rule id.
pub const CHECKS: &[(&str, CheckFn)] = &[
    ("AG-K8S-POD-001", privileged),
    ("AG-K8S-POD-002", privilege_escalation),
    ("AG-K8S-POD-003", host_pid),
    ("AG-K8S-POD-004", host_ipc),
    ("AG-K8S-POD-005", host_network),
    ("AG-K8S-POD-006", runs_as_root),
    ("AG-K8S-POD-007", low_uid),
    ("AG-K8S-POD-008", writable_root_fs),
    ("AG-K8S-POD-009", net_raw_kept),
    ("AG-K8S-POD-010", capabilities_not_dropped),
    ("AG-K8S-POD-011", capabilities_added),
    ("AG-K8S-POD-012", sys_admin_added),
    ("AG-K8S-POD-013", seccomp_not_default),
    ("AG-K8S-POD-014", pod_security_context_missing),
    ("AG-K8S-POD-015", container_security_context_missing),
    ("AG-K8S-POD-016", service_account_token_mounted),
    ("AG-K8S-POD-017", runtime_socket_mounted),
    ("AG-K8S-POD-018", host_path_volume),
    ("AG-K8S-POD-019", host_port),
    ("AG-K8S-POD-020", secrets_in_env),
    ("AG-K8S-POD-021", proc_mount_unmasked),
    ("AG-K8S-POD-022", unsafe_sysctls),
    ("AG-K8S-POD-023", apparmor_unconfined),
    ("AG-K8S-POD-024", selinux_custom),
    ("AG-K8S-POD-025", run_as_uid_zero),
    ("AG-K8S-POD-026", capabilities_beyond_baseline),
    ("AG-K8S-POD-027", seccomp_unconfined),
    ("AG-K8S-POD-028", non_core_volume),
    ("AG-K8S-POD-029", root_group),
    ("AG-K8S-POD-030", windows_host_process),
    ("AG-K8S-CTR-001", liveness_probe_missing),
    ("AG-K8S-CTR-002", readiness_probe_missing),
    ("AG-K8S-CTR-003", cpu_request_missing),
    ("AG-K8S-CTR-004", cpu_limit_missing),
    ("AG-K8S-CTR-005", memory_request_missing),
    ("AG-K8S-CTR-006", memory_limit_missing),
    ("AG-K8S-IMG-001", image_tag_mutable),
    ("AG-K8S-IMG-002", image_without_digest),
    ("AG-K8S-IMG-003", image_pull_policy_not_always),
    ("AG-K8S-IMG-004", tiller_deployed),
    ("AG-K8S-IMG-005", dashboard_deployed),
    ("AG-K8S-NS-001", default_namespace),
    ("AG-K8S-NS-002", namespace_without_default_deny),
    ("AG-K8S-NS-003", namespace_without_resource_quota),
    ("AG-K8S-NS-004", namespace_without_limit_range),
    ("AG-K8S-NET-001", pod_without_network_policy),
    ("AG-K8S-RBAC-001", rbac_wildcard),
    ("AG-K8S-RBAC-002", rbac_admission_webhooks),
    ("AG-K8S-RBAC-003", rbac_approve_csr),
    ("AG-K8S-RBAC-004", rbac_bind),
    ("AG-K8S-RBAC-005", rbac_escalate),
    ("AG-K8S-RBAC-006", binding_reads_all_secrets),
    ("AG-K8S-RBAC-007", default_service_account_automount),
    ("AG-K8S-RBAC-008", binding_to_default_service_account),
    ("AG-K8S-RBAC-009", binding_to_system_group),
    ("AG-K8S-RBAC-010", binding_can_impersonate),
    ("AG-K8S-RBAC-011", binding_can_exec_or_proxy),
    ("AG-K8S-RBAC-012", binding_can_set_service_status),
    ("AG-K8S-RBAC-013", binding_to_cluster_admin),
    ("AG-K8S-SVC-001", service_external_ips),
    ("AG-K8S-ING-001", ingress_without_tls),
    ("AG-K8S-ING-002", ingress_nginx_snippets),
];

// ---------------------------------------------------------------------------
// Shapes: the pod of a workload and its containers
// ---------------------------------------------------------------------------

/// The pod a resource runs: the template's metadata (labels, annotations)
/// and its spec.
#[derive(Debug, Clone, Copy)]
pub struct Pod<'a> {
    pub meta: Option<&'a Node>,
    pub spec: &'a Node,
}

/// Kinds whose pod sits at `spec.template`.
const TEMPLATE_KINDS: &[&str] = &[
    "Deployment",
    "DeploymentConfig",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
];

/// The pod of any pod-carrying kind, `None` for other kinds or when the
/// template is not a mapping.
pub fn pod_of(r: &Resource) -> Option<Pod<'_>> {
    let doc = &r.body;
    let template = match r.kind.as_str() {
        "Pod" => {
            return doc
                .get("spec")
                .filter(|s| s.as_map().is_some())
                .map(|spec| Pod {
                    meta: doc.get("metadata"),
                    spec,
                })
        }
        "PodTemplate" => doc.get("template")?,
        "CronJob" => doc.path("spec.jobTemplate.spec.template")?,
        k if TEMPLATE_KINDS.contains(&k) => doc.path("spec.template")?,
        _ => return None,
    };
    let spec = template.get("spec").filter(|s| s.as_map().is_some())?;
    Some(Pod {
        meta: template.get("metadata"),
        spec,
    })
}

/// One container of a pod.
#[derive(Debug, Clone, Copy)]
pub struct Container<'a> {
    pub node: &'a Node,
    /// `containers`, `initContainers` or `ephemeralContainers`.
    pub list: &'static str,
}

impl<'a> Container<'a> {
    /// The container's name, or its list and position-free placeholder.
    pub fn name(&self) -> &'a str {
        self.node
            .get("name")
            .and_then(Node::as_str)
            .unwrap_or("<unnamed>")
    }

    /// A value in the container's own `securityContext`.
    fn sc(&self, field: &str) -> Option<&'a Node> {
        self.node.get("securityContext").and_then(|s| s.get(field))
    }

    /// The stable key of a finding about this container.
    fn key(&self) -> String {
        format!("{}.{}", self.list, self.name())
    }
}

/// Which container lists a rule looks at.
#[derive(Clone, Copy)]
enum Lists {
    /// `containers` only (probes: init and ephemeral containers have none).
    Main,
    /// `containers` and `initContainers` (resources, images, hardening).
    Runnable,
    /// All three, as the Pod Security Standards do.
    All,
}

/// The containers of a pod, in the order `containers`, `initContainers`,
/// `ephemeralContainers`, limited to `lists`.
fn containers<'a>(pod: &Pod<'a>, lists: Lists) -> Vec<Container<'a>> {
    let names: &[&'static str] = match lists {
        Lists::Main => &["containers"],
        Lists::Runnable => &["containers", "initContainers"],
        Lists::All => &["containers", "initContainers", "ephemeralContainers"],
    };
    let mut out = Vec::new();
    for list in names {
        if let Some(items) = pod.spec.get(list).and_then(Node::as_seq) {
            out.extend(
                items
                    .iter()
                    .filter(|n| n.as_map().is_some())
                    .map(|node| Container { node, list }),
            );
        }
    }
    out
}

/// A value in the pod's `securityContext`.
fn pod_sc<'a>(pod: &Pod<'a>, field: &str) -> Option<&'a Node> {
    pod.spec.get("securityContext").and_then(|s| s.get(field))
}

/// The value a container runs with: its own `securityContext` first, then
/// the pod's.
fn effective<'a>(pod: &Pod<'a>, c: &Container<'a>, field: &str) -> Option<&'a Node> {
    c.sc(field).or_else(|| pod_sc(pod, field))
}

/// A YAML annotation of the pod template (for a bare Pod, its own metadata).
fn annotation<'a>(pod: &Pod<'a>, name: &str) -> Option<&'a Node> {
    pod.meta
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(name))
}

fn hit(span: Span, message: String, key: impl Into<String>) -> Hit {
    Hit {
        span,
        message,
        key: key.into(),
    }
}

/// The span of the key `field` of `map` (findings point at keys), falling
/// back to the value's own span.
fn key_span(map: &Node, field: &str) -> Option<Span> {
    map.entry(field)
        .map(|(k, v)| if k.span.is_empty() { v.span } else { k.span })
}

/// The span of a container's `securityContext.<field>` key, or of the
/// container when it is absent.
fn container_sc_span(c: &Container, field: &str) -> Span {
    c.node
        .get("securityContext")
        .and_then(|s| key_span(s, field))
        .unwrap_or(c.node.span)
}

/// The span of `field` wherever it is set for the container (its own
/// securityContext, else the pod's), else the container.
fn effective_span(pod: &Pod, c: &Container, field: &str) -> Span {
    if let Some(s) = c
        .node
        .get("securityContext")
        .and_then(|s| key_span(s, field))
    {
        return s;
    }
    pod.spec
        .get("securityContext")
        .and_then(|s| key_span(s, field))
        .unwrap_or(c.node.span)
}

/// A boolean value; `None` when absent, unresolved or not a boolean.
fn boolean(n: Option<&Node>) -> Option<bool> {
    n.and_then(Node::as_bool)
}

fn is_unknown(n: Option<&Node>) -> bool {
    n.is_some_and(contains_unknown)
}

/// True when the value or anything below it is unresolved.
fn contains_unknown(n: &Node) -> bool {
    let mut found = false;
    n.walk(&mut |x| found |= x.is_unknown());
    found
}

/// The strings of a sequence value (non-strings skipped).
fn strings(n: Option<&Node>) -> Vec<&str> {
    n.and_then(Node::as_seq)
        .map(|items| items.iter().filter_map(Node::as_str).collect())
        .unwrap_or_default()
}

/// Runs `f` on every container of the resource's pod.
fn per_container(
    r: &Resource,
    lists: Lists,
    f: impl Fn(&Pod, &Container) -> Option<Hit>,
) -> Vec<Hit> {
    let Some(pod) = pod_of(r) else {
        return Vec::new();
    };
    containers(&pod, lists)
        .iter()
        .filter_map(|c| f(&pod, c))
        .collect()
}

/// A pod-level boolean that must not be true (`hostPID` and friends).
fn pod_flag(r: &Resource, field: &str, what: &str) -> Vec<Hit> {
    let Some(pod) = pod_of(r) else {
        return Vec::new();
    };
    match boolean(pod.spec.get(field)) {
        Some(true) => vec![hit(
            key_span(pod.spec, field).unwrap_or(r.span),
            format!("{} sets {field}: true: {what}", r.address),
            field,
        )],
        _ => Vec::new(),
    }
}

// ---------------------------------------------------------------------------
// Pod Security Standards and container hardening
// ---------------------------------------------------------------------------

fn privileged(r: &Resource, _: &Context) -> Vec<Hit> {
    per_container(r, Lists::All, |_, c| {
        (boolean(c.sc("privileged")) == Some(true)).then(|| {
            hit(
                container_sc_span(c, "privileged"),
                format!(
                    "container '{}' runs privileged, with every capability and all host devices",
                    c.name()
                ),
                c.key(),
            )
        })
    })
}

fn privilege_escalation(r: &Resource, _: &Context) -> Vec<Hit> {
    per_container(r, Lists::All, |_, c| {
        let v = c.sc("allowPrivilegeEscalation");
        if is_unknown(v) || boolean(v) == Some(false) {
            return None;
        }
        let why = if v.is_some() {
            "sets allowPrivilegeEscalation to true"
        } else {
            "does not set allowPrivilegeEscalation: false"
        };
        Some(hit(
            container_sc_span(c, "allowPrivilegeEscalation"),
            format!(
                "container '{}' {why}; setuid binaries can gain privileges",
                c.name()
            ),
            c.key(),
        ))
    })
}

fn host_pid(r: &Resource, _: &Context) -> Vec<Hit> {
    pod_flag(
        r,
        "hostPID",
        "its containers see and can signal every host process",
    )
}

fn host_ipc(r: &Resource, _: &Context) -> Vec<Hit> {
    pod_flag(
        r,
        "hostIPC",
        "its containers share the host's IPC namespace",
    )
}

fn host_network(r: &Resource, _: &Context) -> Vec<Hit> {
    pod_flag(
        r,
        "hostNetwork",
        "its containers use the node's network stack and bypass NetworkPolicy",
    )
}

fn runs_as_root(r: &Resource, _: &Context) -> Vec<Hit> {
    per_container(r, Lists::All, |pod, c| {
        let non_root = effective(pod, c, "runAsNonRoot");
        let user = effective(pod, c, "runAsUser");
        if is_unknown(non_root) || is_unknown(user) {
            return None;
        }
        if boolean(non_root) == Some(true) || user.and_then(Node::as_i64).is_some_and(|u| u > 0) {
            return None;
        }
        // Point at the explicit setting that makes it root, if any.
        let span = if user.and_then(Node::as_i64) == Some(0) {
            effective_span(pod, c, "runAsUser")
        } else if non_root.is_some() {
            effective_span(pod, c, "runAsNonRoot")
        } else {
            c.node.span
        };
        Some(hit(
            span,
            format!(
                "container '{}' may run as root: neither runAsNonRoot: true nor a non-zero runAsUser applies",
                c.name()
            ),
            c.key(),
        ))
    })
}

fn low_uid(r: &Resource, _: &Context) -> Vec<Hit> {
    per_container(r, Lists::Runnable, |pod, c| {
        // A user namespace remaps container UIDs away from host UIDs.
        if boolean(pod.spec.get("hostUsers")) == Some(false) {
            return None;
        }
        let user = effective(pod, c, "runAsUser");
        if is_unknown(user) || user.and_then(Node::as_i64).is_some_and(|u| u >= 10000) {
            return None;
        }
        let (span, why) = match user.and_then(Node::as_i64) {
            Some(u) => (
                effective_span(pod, c, "runAsUser"),
                format!("runs as UID {u}"),
            ),
            None => (c.node.span, "sets no runAsUser".to_string()),
        };
        Some(hit(
            span,
            format!(
                "container '{}' {why}; UIDs below 10000 can collide with host users",
                c.name()
            ),
            c.key(),
        ))
    })
}

fn writable_root_fs(r: &Resource, _: &Context) -> Vec<Hit> {
    per_container(r, Lists::Runnable, |_, c| {
        let v = c.sc("readOnlyRootFilesystem");
        if is_unknown(v) || boolean(v) == Some(true) {
            return None;
        }
        Some(hit(
            container_sc_span(c, "readOnlyRootFilesystem"),
            format!(
                "container '{}' has a writable root filesystem (readOnlyRootFilesystem is not true)",
                c.name()
            ),
            c.key(),
        ))
    })
}

/// Capability names as written, upper-cased and without the `CAP_` prefix.
fn caps(c: &Container, which: &str) -> Option<Vec<String>> {
    let list = c.sc("capabilities").and_then(|caps| caps.get(which))?;
    Some(
        strings(Some(list))
            .iter()
            .map(|s| {
                let u = s.trim().to_ascii_uppercase();
                u.strip_prefix("CAP_").map(str::to_string).unwrap_or(u)
            })
            .collect(),
    )
}

fn caps_unknown(c: &Container) -> bool {
    is_unknown(c.sc("capabilities"))
}

/// The span of `capabilities.<which>` of a container, or the container.
fn caps_span(c: &Container, which: &str) -> Span {
    c.sc("capabilities")
        .and_then(|caps| key_span(caps, which))
        .unwrap_or(c.node.span)
}

fn net_raw_kept(r: &Resource, _: &Context) -> Vec<Hit> {
    per_container(r, Lists::Runnable, |_, c| {
        if caps_unknown(c) {
            return None;
        }
        let added = caps(c, "add").unwrap_or_default();
        if added.iter().any(|a| a == "NET_RAW" || a == "ALL") {
            return Some(hit(
                caps_span(c, "add"),
                format!("container '{}' adds the NET_RAW capability", c.name()),
                c.key(),
            ));
        }
        let dropped = caps(c, "drop").unwrap_or_default();
        if dropped.iter().any(|d| d == "ALL" || d == "NET_RAW") {
            return None;
        }
        Some(hit(
            caps_span(c, "drop"),
            format!(
                "container '{}' keeps NET_RAW (drop neither ALL nor NET_RAW); it can craft raw packets and spoof traffic",
                c.name()
            ),
            c.key(),
        ))
    })
}

fn capabilities_not_dropped(r: &Resource, _: &Context) -> Vec<Hit> {
    per_container(r, Lists::Runnable, |_, c| {
        if caps_unknown(c)
            || caps(c, "drop")
                .unwrap_or_default()
                .iter()
                .any(|d| d == "ALL")
        {
            return None;
        }
        Some(hit(
            caps_span(c, "drop"),
            format!(
                "container '{}' does not drop ALL capabilities and keeps the runtime's default set",
                c.name()
            ),
            c.key(),
        ))
    })
}

fn capabilities_added(r: &Resource, _: &Context) -> Vec<Hit> {
    per_container(r, Lists::Runnable, |_, c| {
        let added = caps(c, "add")?;
        if caps_unknown(c) || added.is_empty() {
            return None;
        }
        Some(hit(
            caps_span(c, "add"),
            format!(
                "container '{}' adds capabilities: {}",
                c.name(),
                added.join(", ")
            ),
            c.key(),
        ))
    })
}

fn sys_admin_added(r: &Resource, _: &Context) -> Vec<Hit> {
    per_container(r, Lists::All, |_, c| {
        let added = caps(c, "add")?;
        added
            .iter()
            .any(|a| a == "SYS_ADMIN" || a == "ALL")
            .then(|| {
                hit(
                    caps_span(c, "add"),
                    format!(
                        "container '{}' adds SYS_ADMIN, which is close to full root on the node",
                        c.name()
                    ),
                    c.key(),
                )
            })
    })
}

/// The capabilities a container may add under the Pod Security Standards'
/// baseline profile (the container runtime's default set).
const BASELINE_CAPS: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

fn capabilities_beyond_baseline(r: &Resource, _: &Context) -> Vec<Hit> {
    per_container(r, Lists::All, |_, c| {
        let added = caps(c, "add")?;
        let extra: Vec<&str> = added
            .iter()
            .map(String::as_str)
            .filter(|a| !BASELINE_CAPS.contains(a))
            .collect();
        (!extra.is_empty()).then(|| {
            hit(
                caps_span(c, "add"),
                format!(
                    "container '{}' adds capabilities outside the baseline set: {}",
                    c.name(),
                    extra.join(", ")
                ),
                c.key(),
            )
        })
    })
}

/// How a seccomp setting reads: confined by a default or local profile,
/// explicitly unconfined, or not said.
#[derive(PartialEq, Clone, Copy)]
enum Seccomp {
    Confined,
    Unconfined,
    Unset,
    Unknown,
}

fn seccomp_type(n: Option<&Node>) -> Seccomp {
    let Some(n) = n else { return Seccomp::Unset };
    if contains_unknown(n) {
        return Seccomp::Unknown;
    }
    match n.get("type").and_then(Node::as_str) {
        Some("RuntimeDefault") | Some("Localhost") => Seccomp::Confined,
        Some("Unconfined") => Seccomp::Unconfined,
        _ => Seccomp::Unset,
    }
}

fn seccomp_annotation(v: Option<&Node>) -> Seccomp {
    match v.map(|n| (n.is_unknown(), n.as_str())) {
        None => Seccomp::Unset,
        Some((true, _)) => Seccomp::Unknown,
        Some((_, Some(s))) if s == "runtime/default" || s == "docker/default" => Seccomp::Confined,
        Some((_, Some(s))) if s.starts_with("localhost/") => Seccomp::Confined,
        Some((_, Some("unconfined"))) => Seccomp::Unconfined,
        _ => Seccomp::Unset,
    }
}

/// The seccomp setting a container runs with and where it is written:
/// container field, pod field, container annotation, pod annotation.
fn container_seccomp(pod: &Pod, c: &Container) -> (Seccomp, Option<Span>) {
    let own = seccomp_type(c.sc("seccompProfile"));
    if own != Seccomp::Unset {
        return (
            own,
            c.node
                .get("securityContext")
                .and_then(|s| key_span(s, "seccompProfile")),
        );
    }
    let pod_level = seccomp_type(pod_sc(pod, "seccompProfile"));
    if pod_level != Seccomp::Unset {
        return (
            pod_level,
            pod.spec
                .get("securityContext")
                .and_then(|s| key_span(s, "seccompProfile")),
        );
    }
    let anns = pod.meta.and_then(|m| m.get("annotations"));
    let cname = format!(
        "container.seccomp.security.alpha.kubernetes.io/{}",
        c.name()
    );
    for name in [cname.as_str(), "seccomp.security.alpha.kubernetes.io/pod"] {
        let s = seccomp_annotation(annotation(pod, name));
        if s != Seccomp::Unset {
            return (s, anns.and_then(|a| key_span(a, name)));
        }
    }
    (Seccomp::Unset, None)
}

fn seccomp_not_default(r: &Resource, _: &Context) -> Vec<Hit> {
    per_container(r, Lists::All, |pod, c| {
        match container_seccomp(pod, c) {
        (Seccomp::Confined, _) | (Seccomp::Unknown, _) => None,
        (Seccomp::Unconfined, span) => Some(hit(
            span.unwrap_or(c.node.span),
            format!("container '{}' runs with seccomp Unconfined", c.name()),
            c.key(),
        )),
        (Seccomp::Unset, _) => Some(hit(
            c.node.span,
            format!(
                "container '{}' has no seccomp profile (RuntimeDefault or Localhost) on it or its pod",
                c.name()
            ),
            c.key(),
        )),
    }
    })
}

fn seccomp_unconfined(r: &Resource, _: &Context) -> Vec<Hit> {
    per_container(r, Lists::All, |pod, c| match container_seccomp(pod, c) {
        (Seccomp::Unconfined, span) => Some(hit(
            span.unwrap_or(c.node.span),
            format!(
                "container '{}' explicitly disables seccomp (Unconfined)",
                c.name()
            ),
            c.key(),
        )),
        _ => None,
    })
}

fn pod_security_context_missing(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some(pod) = pod_of(r) else {
        return Vec::new();
    };
    match pod.spec.get("securityContext") {
        Some(sc) if sc.is_unknown() || sc.as_map().is_some_and(|m| !m.is_empty()) => Vec::new(),
        Some(_) => vec![hit(
            key_span(pod.spec, "securityContext").unwrap_or(r.span),
            format!("{} has an empty pod securityContext", r.address),
            "securityContext",
        )],
        None => vec![hit(
            r.span,
            format!("{} sets no pod securityContext", r.address),
            "securityContext",
        )],
    }
}

fn container_security_context_missing(r: &Resource, _: &Context) -> Vec<Hit> {
    per_container(r, Lists::Runnable, |_, c| {
        match c.node.get("securityContext") {
            Some(sc) if sc.is_unknown() || sc.as_map().is_some_and(|m| !m.is_empty()) => None,
            _ => Some(hit(
                key_span(c.node, "securityContext").unwrap_or(c.node.span),
                format!("container '{}' sets no securityContext", c.name()),
                c.key(),
            )),
        }
    })
}

fn service_account_token_mounted(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some(pod) = pod_of(r) else {
        return Vec::new();
    };
    let v = pod.spec.get("automountServiceAccountToken");
    if is_unknown(v) || boolean(v) == Some(false) {
        return Vec::new();
    }
    vec![hit(
        key_span(pod.spec, "automountServiceAccountToken").unwrap_or(r.span),
        format!(
            "{} mounts a service account token (automountServiceAccountToken is not false)",
            r.address
        ),
        "automountServiceAccountToken",
    )]
}

/// Host paths that expose a container runtime's control socket.
const RUNTIME_SOCKETS: &[&str] = &[
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/var/run/cri-dockerd.sock",
];

/// The pod's volumes that are mappings.
fn volumes<'a>(pod: &Pod<'a>) -> Vec<&'a Node> {
    pod.spec
        .get("volumes")
        .and_then(Node::as_seq)
        .map(|v| v.iter().filter(|n| n.as_map().is_some()).collect())
        .unwrap_or_default()
}

fn volume_name(v: &Node) -> &str {
    v.get("name").and_then(Node::as_str).unwrap_or("<unnamed>")
}

fn runtime_socket_mounted(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some(pod) = pod_of(r) else {
        return Vec::new();
    };
    volumes(&pod)
        .into_iter()
        .filter_map(|v| {
            let hp = v.get("hostPath")?;
            let path = hp.get("path").and_then(Node::as_str)?;
            let p = path.trim_end_matches('/');
            RUNTIME_SOCKETS.contains(&p).then(|| {
                hit(
                    key_span(hp, "path").unwrap_or(v.span),
                    format!(
                        "volume '{}' mounts the container runtime socket {path}: whoever reaches it controls the node",
                        volume_name(v)
                    ),
                    format!("volumes.{}", volume_name(v)),
                )
            })
        })
        .collect()
}

fn host_path_volume(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some(pod) = pod_of(r) else {
        return Vec::new();
    };
    volumes(&pod)
        .into_iter()
        .filter(|v| v.get("hostPath").is_some())
        .map(|v| {
            let path = v
                .path("hostPath.path")
                .and_then(Node::as_str)
                .unwrap_or("?");
            hit(
                key_span(v, "hostPath").unwrap_or(v.span),
                format!("volume '{}' mounts host path {path}", volume_name(v)),
                format!("volumes.{}", volume_name(v)),
            )
        })
        .collect()
}

fn host_port(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some(pod) = pod_of(r) else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    for c in containers(&pod, Lists::All) {
        let ports = c.node.get("ports").and_then(Node::as_seq).unwrap_or(&[]);
        for p in ports {
            let Some(hp) = p.get("hostPort") else {
                continue;
            };
            if hp.is_unknown() || hp.as_i64() == Some(0) {
                continue;
            }
            hits.push(hit(
                key_span(p, "hostPort").unwrap_or(p.span),
                format!("container '{}' binds host port {hp}", c.name()),
                format!("{}.hostPort.{hp}", c.key()),
            ));
        }
    }
    hits
}

fn secrets_in_env(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some(pod) = pod_of(r) else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    for c in containers(&pod, Lists::Runnable) {
        for e in c.node.get("env").and_then(Node::as_seq).unwrap_or(&[]) {
            if let Some(vf) = e.get("valueFrom") {
                if let Some(span) = key_span(vf, "secretKeyRef") {
                    let var = e.get("name").and_then(Node::as_str).unwrap_or("?");
                    hits.push(hit(
                        span,
                        format!(
                            "container '{}' reads a Secret into environment variable {var}",
                            c.name()
                        ),
                        format!("{}.env.{var}", c.key()),
                    ));
                }
            }
        }
        for (i, e) in c
            .node
            .get("envFrom")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            if let Some(span) = key_span(e, "secretRef") {
                let name = e
                    .path("secretRef.name")
                    .and_then(Node::as_str)
                    .unwrap_or("?");
                hits.push(hit(
                    span,
                    format!(
                        "container '{}' loads Secret '{name}' into its environment",
                        c.name()
                    ),
                    format!("{}.envFrom.{i}", c.key()),
                ));
            }
        }
    }
    hits
}

fn proc_mount_unmasked(r: &Resource, _: &Context) -> Vec<Hit> {
    per_container(r, Lists::All, |_, c| {
        let v = c.sc("procMount")?;
        match v.as_str() {
            Some(s) if s != "Default" => Some(hit(
                container_sc_span(c, "procMount"),
                format!(
                    "container '{}' sets procMount: {s}, unmasking /proc paths",
                    c.name()
                ),
                c.key(),
            )),
            _ => None,
        }
    })
}

/// Sysctls the Pod Security Standards' baseline profile allows (namespaced
/// and isolated from the node).
const SAFE_SYSCTLS: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];

fn unsafe_sysctls(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some(pod) = pod_of(r) else {
        return Vec::new();
    };
    let items = pod_sc(&pod, "sysctls")
        .and_then(Node::as_seq)
        .unwrap_or(&[]);
    items
        .iter()
        .filter_map(|s| {
            let name = s.get("name").and_then(Node::as_str)?;
            (!SAFE_SYSCTLS.contains(&name)).then(|| {
                hit(
                    key_span(s, "name").unwrap_or(s.span),
                    format!(
                        "{} sets sysctl {name}, which is not in the safe set",
                        r.address
                    ),
                    format!("sysctls.{name}"),
                )
            })
        })
        .collect()
}

fn apparmor_unconfined(r: &Resource, _: &Context) -> Vec<Hit> {
    per_container(r, Lists::All, |pod, c| {
        // The field (Kubernetes 1.30+) wins over the annotation.
        if let Some(p) = effective(pod, c, "appArmorProfile") {
            if p.get("type").and_then(Node::as_str) == Some("Unconfined") {
                return Some(hit(
                    effective_span(pod, c, "appArmorProfile"),
                    format!("container '{}' runs with AppArmor Unconfined", c.name()),
                    c.key(),
                ));
            }
            return None;
        }
        let name = format!(
            "container.apparmor.security.beta.kubernetes.io/{}",
            c.name()
        );
        let v = annotation(pod, &name)?.as_str()?;
        if v == "runtime/default" || v.starts_with("localhost/") {
            return None;
        }
        Some(hit(
            pod.meta
                .and_then(|m| m.get("annotations"))
                .and_then(|a| key_span(a, &name))
                .unwrap_or(c.node.span),
            format!(
                "container '{}' sets AppArmor profile '{v}' (only runtime/default or localhost/* are allowed)",
                c.name()
            ),
            c.key(),
        ))
    })
}

/// SELinux types a container may run as under the baseline profile.
const SELINUX_TYPES: &[&str] = &[
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

fn selinux_custom(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some(pod) = pod_of(r) else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    let mut check = |opts: &Node, key: String, who: String| {
        if contains_unknown(opts) {
            return;
        }
        if let Some(t) = opts.get("type").and_then(Node::as_str) {
            if !t.is_empty() && !SELINUX_TYPES.contains(&t) {
                hits.push(hit(
                    key_span(opts, "type").unwrap_or(opts.span),
                    format!("{who} sets SELinux type {t}"),
                    key.clone(),
                ));
            }
        }
        for field in ["user", "role"] {
            if let Some(v) = opts
                .get(field)
                .and_then(Node::as_str)
                .filter(|v| !v.is_empty())
            {
                hits.push(hit(
                    key_span(opts, field).unwrap_or(opts.span),
                    format!("{who} sets a custom SELinux {field} '{v}'"),
                    format!("{key}.{field}"),
                ));
            }
        }
    };
    if let Some(opts) = pod_sc(&pod, "seLinuxOptions") {
        check(opts, "pod".into(), r.address.clone());
    }
    for c in containers(&pod, Lists::All) {
        if let Some(opts) = c.sc("seLinuxOptions") {
            check(opts, c.key(), format!("container '{}'", c.name()));
        }
    }
    hits
}

fn run_as_uid_zero(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some(pod) = pod_of(r) else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    if pod_sc(&pod, "runAsUser").and_then(Node::as_i64) == Some(0) {
        hits.push(hit(
            pod.spec
                .get("securityContext")
                .and_then(|s| key_span(s, "runAsUser"))
                .unwrap_or(r.span),
            format!("{} sets runAsUser: 0 for the pod", r.address),
            "pod",
        ));
    }
    for c in containers(&pod, Lists::All) {
        if c.sc("runAsUser").and_then(Node::as_i64) == Some(0) {
            hits.push(hit(
                container_sc_span(&c, "runAsUser"),
                format!("container '{}' sets runAsUser: 0", c.name()),
                c.key(),
            ));
        }
    }
    hits
}

/// Volume types the restricted profile allows.
const CORE_VOLUMES: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

fn non_core_volume(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some(pod) = pod_of(r) else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    for v in volumes(&pod) {
        for (k, _) in v.as_map().unwrap_or(&[]) {
            // hostPath has its own rule (AG-K8S-POD-018).
            if k.name != "name" && k.name != "hostPath" && !CORE_VOLUMES.contains(&k.name.as_str())
            {
                hits.push(hit(
                    k.span,
                    format!(
                        "volume '{}' uses type {}, outside the restricted profile's volume types",
                        volume_name(v),
                        k.name
                    ),
                    format!("volumes.{}", volume_name(v)),
                ));
            }
        }
    }
    hits
}

fn root_group(r: &Resource, _: &Context) -> Vec<Hit> {
    let Some(pod) = pod_of(r) else {
        return Vec::new();
    };
    let mut hits = Vec::new();
    if let Some(sc) = pod.spec.get("securityContext") {
        for field in ["runAsGroup", "fsGroup"] {
            if sc.get(field).and_then(Node::as_i64) == Some(0) {
                hits.push(hit(
                    key_span(sc, field).unwrap_or(sc.span),
                    format!("{} sets {field}: 0 (the root group)", r.address),
                    format!("pod.{field}"),
                ));
            }
        }
        let groups = sc
            .get("supplementalGroups")
            .and_then(Node::as_seq)
            .unwrap_or(&[]);
        if groups.iter().any(|g| g.as_i64() == Some(0)) {
            hits.push(hit(
                key_span(sc, "supplementalGroups").unwrap_or(sc.span),
                format!("{} adds the root group 0 to supplementalGroups", r.address),
                "pod.supplementalGroups",
            ));
        }
    }
    for c in containers(&pod, Lists::All) {
        if c.sc("runAsGroup").and_then(Node::as_i64) == Some(0) {
            hits.push(hit(
                container_sc_span(&c, "runAsGroup"),
                format!(
                    "container '{}' sets runAsGroup: 0 (the root group)",
                    c.name()
                ),
                c.key(),
            ));
        }
    }
    hits
}

fn windows_host_process(r: &Resource, _: &Context) -> Vec<Hit> {
    per_container(r, Lists::All, |pod, c| {
        let opts = effective(pod, c, "windowsOptions")?;
        (boolean(opts.get("hostProcess")) == Some(true)).then(|| {
            hit(
                key_span(opts, "hostProcess").unwrap_or(opts.span),
                format!(
                    "container '{}' runs as a Windows HostProcess container with host access",
                    c.name()
                ),
                c.key(),
            )
        })
    })
}

// ---------------------------------------------------------------------------
// Container hygiene: probes, resources, images
// ---------------------------------------------------------------------------

/// Kinds whose pods run to completion: probes make no sense there.
fn runs_to_completion(r: &Resource) -> bool {
    matches!(r.kind.as_str(), "Job" | "CronJob")
}

fn probe_missing(r: &Resource, field: &str, what: &str) -> Vec<Hit> {
    if runs_to_completion(r) {
        return Vec::new();
    }
    per_container(r, Lists::Main, |_, c| match c.node.get(field) {
        Some(p) if !p.is_null() => None,
        _ => Some(hit(
            c.node.span,
            format!("container '{}' has no {field}; {what}", c.name()),
            c.key(),
        )),
    })
}

fn liveness_probe_missing(r: &Resource, _: &Context) -> Vec<Hit> {
    probe_missing(r, "livenessProbe", "a hung process is never restarted")
}

fn readiness_probe_missing(r: &Resource, _: &Context) -> Vec<Hit> {
    probe_missing(
        r,
        "readinessProbe",
        "traffic reaches it before it can serve",
    )
}

fn resource_missing(r: &Resource, section: &str, what: &str) -> Vec<Hit> {
    per_container(r, Lists::Runnable, |_, c| {
        let res = c.node.get("resources");
        if is_unknown(res) {
            return None;
        }
        let sec = res.and_then(|n| n.get(section));
        if is_unknown(sec) {
            return None;
        }
        // A container that sets only a limit gets a request equal to it.
        let limit_implies_request = section == "requests"
            && res
                .and_then(|n| n.path(&format!("limits.{what}")))
                .is_some_and(|v| !v.is_null());
        match sec.and_then(|s| s.get(what)) {
            Some(v) if !v.is_null() => None,
            _ if limit_implies_request => None,
            _ => Some(hit(
                sec.and_then(|_| res.and_then(|n| key_span(n, section)))
                    .or_else(|| res.and_then(|_| key_span(c.node, "resources")))
                    .unwrap_or(c.node.span),
                format!(
                    "container '{}' sets no resources.{section}.{what}",
                    c.name()
                ),
                c.key(),
            )),
        }
    })
}

fn cpu_request_missing(r: &Resource, _: &Context) -> Vec<Hit> {
    resource_missing(r, "requests", "cpu")
}

fn cpu_limit_missing(r: &Resource, _: &Context) -> Vec<Hit> {
    resource_missing(r, "limits", "cpu")
}

fn memory_request_missing(r: &Resource, _: &Context) -> Vec<Hit> {
    resource_missing(r, "requests", "memory")
}

fn memory_limit_missing(r: &Resource, _: &Context) -> Vec<Hit> {
    resource_missing(r, "limits", "memory")
}

/// An image reference split into name, tag and digest.
#[derive(Debug, PartialEq)]
pub struct ImageRef<'a> {
    pub name: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

/// Splits `registry:5000/team/app:1.2@sha256:…`. A `:` before the last `/`
/// belongs to the registry's port, not to a tag.
pub fn parse_image(image: &str) -> ImageRef<'_> {
    let image = image.trim();
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[last_slash..].rfind(':') {
        Some(i) => ImageRef {
            name: &rest[..last_slash + i],
            tag: Some(&rest[last_slash + i + 1..]),
            digest,
        },
        None => ImageRef {
            name: rest,
            tag: None,
            digest,
        },
    }
}

/// True when a string still holds template syntax (Helm, envsubst, Kustomize
/// placeholders): its real value is not known.
fn templated(s: &str) -> bool {
    s.contains("{{") || s.contains("${") || s.contains("$(")
}

/// The container's image as a known string, with the span of its key.
fn image_of<'a>(c: &Container<'a>) -> Option<(&'a str, Span)> {
    let n = c.node.get("image")?;
    let s = n
        .as_str()
        .filter(|s| !s.trim().is_empty() && !templated(s))?;
    Some((s, key_span(c.node, "image").unwrap_or(n.span)))
}

fn image_tag_mutable(r: &Resource, _: &Context) -> Vec<Hit> {
    per_container(r, Lists::Runnable, |_, c| {
        if is_unknown(c.node.get("image")) {
            return None;
        }
        let Some((image, span)) = image_of(c) else {
            if c.node.get("image").is_some() {
                return None;
            }
            return Some(hit(
                c.node.span,
                format!("container '{}' names no image", c.name()),
                c.key(),
            ));
        };
        let parsed = parse_image(image);
        if parsed.digest.is_some() {
            return None;
        }
        match parsed.tag {
            Some(t) if !t.is_empty() && t != "latest" => None,
            _ => Some(hit(
                span,
                format!(
                    "container '{}' uses image {image} without a fixed tag (latest or none)",
                    c.name()
                ),
                c.key(),
            )),
        }
    })
}

fn image_without_digest(r: &Resource, _: &Context) -> Vec<Hit> {
    per_container(r, Lists::Runnable, |_, c| {
        let (image, span) = image_of(c)?;
        parse_image(image).digest.is_none().then(|| {
            hit(
                span,
                format!(
                    "container '{}' uses image {image} by tag, not by digest",
                    c.name()
                ),
                c.key(),
            )
        })
    })
}

fn image_pull_policy_not_always(r: &Resource, _: &Context) -> Vec<Hit> {
    per_container(r, Lists::Runnable, |_, c| {
        let (image, span) = image_of(c)?;
        let parsed = parse_image(image);
        if parsed.digest.is_some() {
            // A digest cannot change under the same reference.
            return None;
        }
        match c.node.get("imagePullPolicy") {
            Some(p) if p.is_unknown() => None,
            Some(p) => (p.as_str() != Some("Always")).then(|| {
                hit(
                    key_span(c.node, "imagePullPolicy").unwrap_or(p.span),
                    format!(
                        "container '{}' sets imagePullPolicy: {p}; a cached image is used without checking the registry",
                        c.name()
                    ),
                    c.key(),
                )
            }),
            // Kubernetes defaults to Always for :latest or untagged images.
            None => match parsed.tag {
                None | Some("latest") | Some("") => None,
                Some(_) => Some(hit(
                    span,
                    format!(
                        "container '{}' leaves imagePullPolicy at its default (IfNotPresent for a tagged image)",
                        c.name()
                    ),
                    c.key(),
                )),
            },
        }
    })
}

fn label<'a>(meta: Option<&'a Node>, name: &str) -> Option<&'a str> {
    meta?.get("labels")?.get(name)?.as_str()
}

fn tiller_deployed(r: &Resource, _: &Context) -> Vec<Hit> {
    per_container(r, Lists::Runnable, |pod, c| {
        let by_image = image_of(c).filter(|(img, _)| {
            let p = parse_image(img);
            p.name.rsplit('/').next() == Some("tiller")
        });
        let by_label =
            label(pod.meta, "app") == Some("helm") && label(pod.meta, "name") == Some("tiller");
        if by_image.is_none() && !by_label {
            return None;
        }
        Some(hit(
            by_image.map(|(_, s)| s).unwrap_or(c.node.span),
            format!(
                "container '{}' runs Tiller (Helm v2), which has cluster-admin and no authentication",
                c.name()
            ),
            c.key(),
        ))
    })
}

fn dashboard_deployed(r: &Resource, _: &Context) -> Vec<Hit> {
    per_container(r, Lists::Runnable, |pod, c| {
        let by_image = image_of(c).filter(|(img, _)| {
            img.contains("kubernetes-dashboard") || img.contains("kubernetesui/dashboard")
        });
        let by_label = label(pod.meta, "app") == Some("kubernetes-dashboard")
            || label(pod.meta, "k8s-app") == Some("kubernetes-dashboard");
        if by_image.is_none() && !by_label {
            return None;
        }
        Some(hit(
            by_image.map(|(_, s)| s).unwrap_or(c.node.span),
            format!("container '{}' runs the Kubernetes dashboard", c.name()),
            c.key(),
        ))
    })
}

// ---------------------------------------------------------------------------
// Namespaces and multi-tenancy
// ---------------------------------------------------------------------------

/// The namespace a namespaced resource is written for (`default` when the
/// manifest does not say), or `None` when it is an unresolved expression.
fn namespace_of(r: &Resource) -> Option<&str> {
    match r.body.path("metadata.namespace") {
        None => Some("default"),
        Some(n) => n.as_str().filter(|s| !templated(s)),
    }
}

fn name_of(r: &Resource) -> &str {
    r.body
        .path("metadata.name")
        .and_then(Node::as_str)
        .unwrap_or("")
}

/// Kinds whose objects belong to a namespace and that tenants create (the
/// workload, configuration, networking and RBAC objects Checkov judges too).
const NAMESPACED_KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "DaemonSet",
    "StatefulSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "Service",
    "Secret",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ConfigMap",
    "Ingress",
];

fn default_namespace(r: &Resource, _: &Context) -> Vec<Hit> {
    if !NAMESPACED_KINDS.contains(&r.kind.as_str()) {
        return Vec::new();
    }
    // Objects Kubernetes itself keeps in `default`.
    let name = name_of(r);
    if (r.kind == "ServiceAccount" && name == "default")
        || (r.kind == "Service" && name == "kubernetes")
    {
        return Vec::new();
    }
    if namespace_of(r) != Some("default") {
        return Vec::new();
    }
    let span = r
        .body
        .get("metadata")
        .and_then(|m| key_span(m, "namespace"))
        .unwrap_or(r.span);
    vec![hit(
        span,
        format!("{} {name} lives in the default namespace", r.kind),
        "metadata.namespace",
    )]
}

/// The other resources of the unit with the given kind.
fn of_kind<'a>(ctx: &'a Context, kind: &'a str) -> impl Iterator<Item = &'a Resource> + 'a {
    ctx.by_kind(kind)
}

/// True for a NetworkPolicy that selects every pod of its namespace and
/// denies ingress by default (no ingress rule, or policyTypes lists Ingress
/// with no rules).
fn is_default_deny(np: &Resource) -> bool {
    let Some(spec) = np.body.get("spec") else {
        return false;
    };
    let selects_all = match spec.get("podSelector") {
        Some(sel) => sel.as_map().is_none_or(|m| m.is_empty()) && !sel.is_unknown(),
        None => false,
    };
    if !selects_all {
        return false;
    }
    let types = strings(spec.get("policyTypes"));
    let ingress_rules = spec
        .get("ingress")
        .and_then(Node::as_seq)
        .map_or(0, |s| s.len());
    let denies_ingress = (types.is_empty() || types.contains(&"Ingress")) && ingress_rules == 0;
    denies_ingress && spec.get("ingress").is_none_or(|i| !i.is_unknown())
}

fn namespace_check(
    r: &Resource,
    ctx: &Context,
    satisfied: impl Fn(&Resource) -> bool,
    message: &str,
) -> Vec<Hit> {
    if r.kind != "Namespace" {
        return Vec::new();
    }
    let ns = name_of(r);
    if ns.is_empty() || templated(ns) {
        return Vec::new();
    }
    // Only a unit that also holds the namespace's objects shows how the
    // namespace is set up; a file that merely lists namespaces says
    // nothing about quotas or policies kept in other files.
    let members = ctx
        .unit
        .resources
        .iter()
        .any(|o| o.kind != "Namespace" && namespace_of(o) == Some(ns));
    if !members {
        return Vec::new();
    }
    let ok = ctx
        .unit
        .resources
        .iter()
        .any(|o| namespace_of(o) == Some(ns) && satisfied(o));
    if ok {
        return Vec::new();
    }
    let span = r
        .body
        .get("metadata")
        .and_then(|m| key_span(m, "name"))
        .unwrap_or(r.span);
    vec![hit(
        span,
        format!("namespace {ns} {message}"),
        ns.to_string(),
    )]
}

fn namespace_without_default_deny(r: &Resource, ctx: &Context) -> Vec<Hit> {
    namespace_check(
        r,
        ctx,
        |o| o.kind == "NetworkPolicy" && is_default_deny(o),
        "has no default-deny NetworkPolicy (empty podSelector, no ingress rules)",
    )
}

fn namespace_without_resource_quota(r: &Resource, ctx: &Context) -> Vec<Hit> {
    namespace_check(
        r,
        ctx,
        |o| o.kind == "ResourceQuota",
        "has no ResourceQuota; one tenant can exhaust the cluster",
    )
}

fn namespace_without_limit_range(r: &Resource, ctx: &Context) -> Vec<Hit> {
    namespace_check(
        r,
        ctx,
        |o| o.kind == "LimitRange",
        "has no LimitRange; containers without requests and limits get none",
    )
}

/// The string labels of a mapping.
fn labels_of(meta: Option<&Node>) -> Vec<(&str, &str)> {
    meta.and_then(|m| m.get("labels"))
        .and_then(Node::as_map)
        .map(|entries| {
            entries
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.name.as_str(), v)))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a label selector (`matchLabels` and `matchExpressions`) selects
/// `labels`. `None` when the selector cannot be evaluated.
fn selects(selector: &Node, labels: &[(&str, &str)]) -> Option<bool> {
    if contains_unknown(selector) {
        return None;
    }
    let get = |k: &str| labels.iter().find(|(n, _)| *n == k).map(|(_, v)| *v);
    if let Some(ml) = selector.get("matchLabels").and_then(Node::as_map) {
        for (k, v) in ml {
            if get(&k.name) != v.scalar_text().as_deref() {
                return Some(false);
            }
        }
    }
    for e in selector
        .get("matchExpressions")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
    {
        let key = e.get("key").and_then(Node::as_str)?;
        let values = strings(e.get("values"));
        let ok = match e.get("operator").and_then(Node::as_str)? {
            "In" => get(key).is_some_and(|v| values.contains(&v)),
            "NotIn" => get(key).is_none_or(|v| !values.contains(&v)),
            "Exists" => get(key).is_some(),
            "DoesNotExist" => get(key).is_none(),
            _ => return None,
        };
        if !ok {
            return Some(false);
        }
    }
    Some(true)
}

fn pod_without_network_policy(r: &Resource, ctx: &Context) -> Vec<Hit> {
    let Some(pod) = pod_of(r) else {
        return Vec::new();
    };
    let Some(ns) = namespace_of(r) else {
        return Vec::new();
    };
    let labels = labels_of(pod.meta);
    let mut unknown = false;
    let covered = of_kind(ctx, "NetworkPolicy").any(|np| {
        if namespace_of(np) != Some(ns) {
            return false;
        }
        match np.body.path("spec.podSelector") {
            None => false,
            Some(sel) => match selects(sel, &labels) {
                Some(b) => b,
                None => {
                    unknown = true;
                    false
                }
            },
        }
    });
    if covered || unknown {
        return Vec::new();
    }
    vec![hit(
        r.span,
        format!(
            "the pods of {} are selected by no NetworkPolicy in namespace {ns}; all traffic to and from them is allowed",
            r.address
        ),
        "networkpolicy",
    )]
}

// ---------------------------------------------------------------------------
// RBAC
// ---------------------------------------------------------------------------

/// The rules of a Role or ClusterRole.
fn rbac_rules(r: &Resource) -> &[Node] {
    if r.kind != "Role" && r.kind != "ClusterRole" {
        return &[];
    }
    r.body.get("rules").and_then(Node::as_seq).unwrap_or(&[])
}

fn rbac_wildcard(r: &Resource, _: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (i, rule) in rbac_rules(r).iter().enumerate() {
        for field in ["apiGroups", "resources", "verbs"] {
            if strings(rule.get(field)).contains(&"*") {
                hits.push(hit(
                    key_span(rule, field).unwrap_or(rule.span),
                    format!("{} rule {} grants '*' in {field}", r.address, i + 1),
                    format!("rules.{i}.{field}"),
                ));
            }
        }
    }
    hits
}

/// One permission: any of `groups` × `verbs` × `resources`.
struct Operation {
    groups: &'static [&'static str],
    verbs: &'static [&'static str],
    resources: &'static [&'static str],
}

fn grants(rule: &Node, op: &Operation) -> bool {
    let any = |field: &str, wanted: &[&str]| {
        strings(rule.get(field))
            .iter()
            .any(|v| *v == "*" || wanted.contains(v))
    };
    let resource = strings(rule.get("resources")).iter().any(|g| {
        *g == "*"
            || op.resources.iter().any(|w| {
                *g == *w
                    || w.split_once('/')
                        .is_some_and(|(_, sub)| g.strip_prefix("*/") == Some(sub))
            })
    });
    any("apiGroups", op.groups) && any("verbs", op.verbs) && resource
}

/// Findings for a role that can perform every one of `ops`.
fn rbac_can(r: &Resource, kinds: &[&str], ops: &[Operation], what: &str) -> Vec<Hit> {
    if !kinds.contains(&r.kind.as_str()) {
        return Vec::new();
    }
    let rules = rbac_rules(r);
    if rules.iter().any(contains_unknown) {
        return Vec::new();
    }
    let first = ops
        .iter()
        .map(|op| rules.iter().find(|rule| grants(rule, op)))
        .collect::<Option<Vec<_>>>();
    match first {
        Some(found) if !found.is_empty() => {
            vec![hit(found[0].span, format!("{} {what}", r.address), "rules")]
        }
        _ => Vec::new(),
    }
}

fn rbac_admission_webhooks(r: &Resource, _: &Context) -> Vec<Hit> {
    rbac_can(
        r,
        &["ClusterRole"],
        &[Operation {
            groups: &["admissionregistration.k8s.io"],
            verbs: &["create", "update", "patch"],
            resources: &[
                "mutatingwebhookconfigurations",
                "validatingwebhookconfigurations",
            ],
        }],
        "can create or change admission webhooks, and so read or rewrite every object sent to the API server",
    )
}

fn rbac_approve_csr(r: &Resource, _: &Context) -> Vec<Hit> {
    rbac_can(
        r,
        &["ClusterRole"],
        &[
            Operation {
                groups: &["certificates.k8s.io"],
                verbs: &["update", "patch"],
                resources: &["certificatesigningrequests/approval"],
            },
            Operation {
                groups: &["certificates.k8s.io"],
                verbs: &["approve"],
                resources: &["signers"],
            },
        ],
        "can approve CertificateSigningRequests and so mint client certificates for any identity",
    )
}

fn rbac_bind(r: &Resource, _: &Context) -> Vec<Hit> {
    rbac_can(
        r,
        &["Role", "ClusterRole"],
        &[Operation {
            groups: &["rbac.authorization.k8s.io"],
            verbs: &["bind"],
            resources: &["rolebindings", "clusterrolebindings"],
        }],
        "can bind roles it does not hold (the 'bind' verb)",
    )
}

fn rbac_escalate(r: &Resource, _: &Context) -> Vec<Hit> {
    rbac_can(
        r,
        &["Role", "ClusterRole"],
        &[Operation {
            groups: &["rbac.authorization.k8s.io"],
            verbs: &["escalate"],
            resources: &["roles", "clusterroles"],
        }],
        "can grant itself permissions it does not hold (the 'escalate' verb)",
    )
}

/// True when a rule lets its holder read every Secret (no resourceNames).
fn reads_all_secrets(rule: &Node) -> bool {
    let resources = strings(rule.get("resources"));
    let verbs = strings(rule.get("verbs"));
    let groups = strings(rule.get("apiGroups"));
    (groups.is_empty() || groups.iter().any(|g| g.is_empty() || *g == "*"))
        && resources.iter().any(|r| *r == "secrets" || *r == "*")
        && verbs
            .iter()
            .any(|v| matches!(*v, "get" | "list" | "watch" | "*"))
        && rule
            .get("resourceNames")
            .and_then(Node::as_seq)
            .is_none_or(|n| n.is_empty())
}

/// Findings for a RoleBinding or ClusterRoleBinding that gives a
/// ServiceAccount or Node a role (declared in the unit) with a rule
/// matching `dangerous`.
fn binding_grants(
    r: &Resource,
    ctx: &Context,
    dangerous: fn(&Node, bool) -> bool,
    what: &str,
) -> Vec<Hit> {
    if r.kind != "RoleBinding" && r.kind != "ClusterRoleBinding" {
        return Vec::new();
    }
    let subjects = r.body.get("subjects").and_then(Node::as_seq).unwrap_or(&[]);
    let machine = subjects.iter().any(|s| {
        matches!(
            s.get("kind").and_then(Node::as_str),
            Some("ServiceAccount") | Some("Node")
        )
    });
    if !machine {
        return Vec::new();
    }
    let Some(role_kind) = r.body.path("roleRef.kind").and_then(Node::as_str) else {
        return Vec::new();
    };
    let Some(role_name) = r.body.path("roleRef.name").and_then(Node::as_str) else {
        return Vec::new();
    };
    let ns = namespace_of(r);
    let role = of_kind(ctx, role_kind)
        .find(|o| name_of(o) == role_name && (role_kind == "ClusterRole" || namespace_of(o) == ns));
    let Some(role) = role else {
        return Vec::new();
    };
    // A namespaced Role cannot grant cluster-scoped resources such as nodes.
    let cluster = role_kind == "ClusterRole";
    if !rbac_rules(role).iter().any(|rule| dangerous(rule, cluster)) {
        return Vec::new();
    }
    vec![hit(
        key_span(&r.body, "roleRef").unwrap_or(r.span),
        format!(
            "{} gives a service account or node {role_kind} {role_name}, which {what}",
            r.address
        ),
        "roleRef",
    )]
}

fn binding_reads_all_secrets(r: &Resource, ctx: &Context) -> Vec<Hit> {
    binding_grants(
        r,
        ctx,
        |rule, _| reads_all_secrets(rule),
        "reads every Secret",
    )
}

/// True when a rule allows any of `verbs` on any of `resources` (wildcards
/// included), whatever the API group.
fn allows(rule: &Node, verbs: &[&str], resources: &[&str]) -> bool {
    let v = strings(rule.get("verbs"));
    let res = strings(rule.get("resources"));
    v.iter().any(|x| *x == "*" || verbs.contains(x))
        && res.iter().any(|x| *x == "*" || resources.contains(x))
}

fn impersonates(rule: &Node, _cluster: bool) -> bool {
    allows(
        rule,
        &["impersonate"],
        &["users", "groups", "serviceaccounts"],
    )
}

fn binding_can_impersonate(r: &Resource, ctx: &Context) -> Vec<Hit> {
    binding_grants(
        r,
        ctx,
        impersonates,
        "may impersonate users, groups or service accounts",
    )
}

/// `create` on pods/exec, or (cluster roles only) `get`/`create` on
/// nodes/proxy, which reaches the kubelet API, exec included.
fn execs_or_proxies(rule: &Node, cluster: bool) -> bool {
    allows(rule, &["create"], &["pods/exec"])
        || (cluster && allows(rule, &["get", "create"], &["nodes/proxy"]))
}

fn binding_can_exec_or_proxy(r: &Resource, ctx: &Context) -> Vec<Hit> {
    binding_grants(
        r,
        ctx,
        execs_or_proxies,
        "may exec into pods or reach the kubelet through nodes/proxy",
    )
}

fn sets_service_status(rule: &Node, _cluster: bool) -> bool {
    allows(rule, &["update", "patch"], &["services/status"])
}

fn binding_can_set_service_status(r: &Resource, ctx: &Context) -> Vec<Hit> {
    binding_grants(
        r,
        ctx,
        sets_service_status,
        "may rewrite services/status, and so a LoadBalancer's ingress IP (CVE-2020-8554)",
    )
}

fn default_service_account_automount(r: &Resource, _: &Context) -> Vec<Hit> {
    if r.kind != "ServiceAccount" || name_of(r) != "default" {
        return Vec::new();
    }
    let v = r.body.get("automountServiceAccountToken");
    if is_unknown(v) || boolean(v) == Some(false) {
        return Vec::new();
    }
    vec![hit(
        key_span(&r.body, "automountServiceAccountToken").unwrap_or(r.span),
        "the default ServiceAccount mounts its token into every pod that does not opt out"
            .to_string(),
        "automountServiceAccountToken",
    )]
}

fn binding_subjects(r: &Resource) -> &[Node] {
    if r.kind != "RoleBinding" && r.kind != "ClusterRoleBinding" {
        return &[];
    }
    r.body.get("subjects").and_then(Node::as_seq).unwrap_or(&[])
}

fn binding_to_default_service_account(r: &Resource, _: &Context) -> Vec<Hit> {
    binding_subjects(r)
        .iter()
        .filter(|s| {
            s.get("kind").and_then(Node::as_str) == Some("ServiceAccount")
                && s.get("name").and_then(Node::as_str) == Some("default")
        })
        .map(|s| {
            hit(
                s.span,
                format!(
                    "{} grants a role to the default ServiceAccount, i.e. to every pod of the namespace",
                    r.address
                ),
                "subjects.default",
            )
        })
        .collect()
}

/// Groups and users that stand for everyone, or for cluster administrators.
const SYSTEM_SUBJECTS: &[&str] = &[
    "system:anonymous",
    "system:unauthenticated",
    "system:authenticated",
    "system:masters",
];

fn binding_to_system_group(r: &Resource, _: &Context) -> Vec<Hit> {
    binding_subjects(r)
        .iter()
        .filter_map(|s| {
            let name = s.get("name").and_then(Node::as_str)?;
            SYSTEM_SUBJECTS.contains(&name).then(|| {
                hit(
                    s.span,
                    format!("{} grants a role to {name}", r.address),
                    format!("subjects.{name}"),
                )
            })
        })
        .collect()
}

fn service_external_ips(r: &Resource, _: &Context) -> Vec<Hit> {
    if r.kind != "Service" {
        return Vec::new();
    }
    let Some(spec) = r.body.get("spec") else {
        return Vec::new();
    };
    match spec.get("externalIPs").map(|n| &n.value) {
        Some(Value::Seq(items)) if !items.is_empty() => vec![hit(
            key_span(spec, "externalIPs").unwrap_or(r.span),
            format!(
                "{} sets externalIPs, which lets it capture traffic for those addresses (CVE-2020-8554)",
                r.address
            ),
            "spec.externalIPs",
        )],
        _ => Vec::new(),
    }
}

fn binding_to_cluster_admin(r: &Resource, _: &Context) -> Vec<Hit> {
    if r.kind != "RoleBinding" && r.kind != "ClusterRoleBinding" {
        return Vec::new();
    }
    let kind = r.body.path("roleRef.kind").and_then(Node::as_str);
    let name = r.body.path("roleRef.name").and_then(Node::as_str);
    if kind != Some("ClusterRole") || name != Some("cluster-admin") {
        return Vec::new();
    }
    let scope = if r.kind == "ClusterRoleBinding" {
        "everywhere in the cluster"
    } else {
        "in its namespace"
    };
    vec![hit(
        key_span(&r.body, "roleRef").unwrap_or(r.span),
        format!("{} grants cluster-admin {scope}", r.address),
        "roleRef",
    )]
}

fn ingress_without_tls(r: &Resource, _: &Context) -> Vec<Hit> {
    if r.kind != "Ingress" {
        return Vec::new();
    }
    let Some(spec) = r.body.get("spec") else {
        return Vec::new();
    };
    if is_unknown(Some(spec)) {
        return Vec::new();
    }
    let has_tls = spec
        .get("tls")
        .and_then(Node::as_seq)
        .is_some_and(|t| !t.is_empty());
    if has_tls {
        return Vec::new();
    }
    vec![hit(
        key_span(&r.body, "spec").unwrap_or(r.span),
        format!(
            "{} serves its hosts over plain HTTP (no spec.tls)",
            r.address
        ),
        "spec.tls",
    )]
}

fn ingress_nginx_snippets(r: &Resource, _: &Context) -> Vec<Hit> {
    if r.kind != "Ingress" {
        return Vec::new();
    }
    let Some(anns) = r.body.path("metadata.annotations").and_then(Node::as_map) else {
        return Vec::new();
    };
    anns.iter()
        .filter(|(k, _)| k.name.ends_with("-snippet") || k.name.ends_with("/snippet"))
        .map(|(k, v)| {
            let text = v.as_str().unwrap_or("");
            let worse = text.contains("alias ")
                || text.contains("lua_")
                || text.contains("_by_lua")
                || text.contains("serviceaccount");
            let what = if worse {
                "with alias/Lua/service account access, the documented way to read the controller's credentials"
            } else {
                "raw NGINX configuration any Ingress author can inject into the shared controller"
            };
            hit(
                k.span,
                format!("{} sets the snippet annotation {}: {what}", r.address, k.name),
                format!("annotations.{}", k.name),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use archgate_core::yaml::parse_documents;
    use archgate_iac::{ParsedUnit, SourceKind};

    /// Resources from a multi-document manifest, built the way the
    /// Kubernetes parser names them.
    fn resources(text: &str) -> Vec<Resource> {
        parse_documents(text)
            .unwrap_or_default()
            .into_iter()
            .map(|body| {
                let kind = body
                    .get("kind")
                    .and_then(Node::as_str)
                    .unwrap_or("")
                    .to_string();
                let ns = body
                    .path("metadata.namespace")
                    .and_then(Node::as_str)
                    .unwrap_or("default")
                    .to_string();
                let name = body
                    .path("metadata.name")
                    .and_then(Node::as_str)
                    .unwrap_or("")
                    .to_string();
                Resource {
                    source: SourceKind::Kubernetes,
                    block: "resource".into(),
                    address: format!("{kind}.{ns}.{name}"),
                    name: format!("{ns}.{name}"),
                    kind,
                    file: "m.yaml".into(),
                    span: body.span,
                    body,
                    module: None,
                    multiple: false,
                    labels: Vec::new(),
                }
            })
            .collect()
    }

    /// Lines reported by `check` over every resource of `text`.
    fn lines(check: CheckFn, text: &str) -> Vec<u32> {
        let unit = ParsedUnit {
            resources: resources(text),
            ..ParsedUnit::default()
        };
        let ctx = Context::new(&unit);
        unit.resources
            .iter()
            .flat_map(|r| check(r, &ctx))
            .map(|h| h.span.line)
            .collect()
    }

    const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: app
          image: nginx:1.25
          securityContext:
            privileged: true
        - name: side
          image: busybox
";

    #[test]
    fn finds_the_pod_of_every_kind() {
        let text = "kind: CronJob
metadata: {name: c}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: a, image: x}]
---
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: x}]
---
kind: Service
metadata: {name: s}
spec: {}
";
        let rs = resources(text);
        assert!(pod_of(&rs[0]).is_some());
        assert!(pod_of(&rs[1]).is_some());
        assert!(pod_of(&rs[2]).is_none());
    }

    #[test]
    fn privileged_points_at_the_key() {
        assert_eq!(lines(privileged, DEPLOY), vec![16]);
    }

    #[test]
    fn escalation_reports_each_container_without_false() {
        assert_eq!(lines(privilege_escalation, DEPLOY), vec![13, 17]);
    }

    #[test]
    fn container_settings_override_pod_settings() {
        let text = "kind: Pod
metadata: {name: p}
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: a
      image: x:1
    - name: b
      image: x:1
      securityContext:
        runAsNonRoot: false
    - name: c
      image: x:1
      securityContext:
        runAsNonRoot: false
        runAsUser: 1000
";
        assert_eq!(lines(runs_as_root, text), vec![12]);
    }

    #[test]
    fn image_references_split_on_the_last_path_segment() {
        assert_eq!(
            parse_image("reg:5000/team/app"),
            ImageRef {
                name: "reg:5000/team/app",
                tag: None,
                digest: None
            }
        );
        assert_eq!(parse_image("app:1.2@sha256:ab").tag, Some("1.2"));
        assert_eq!(parse_image("app@sha256:ab").digest, Some("sha256:ab"));
    }

    #[test]
    fn image_tag_rules() {
        assert_eq!(lines(image_tag_mutable, DEPLOY), vec![18]);
        assert_eq!(lines(image_without_digest, DEPLOY), vec![14, 18]);
        // busybox untagged defaults to Always; nginx:1.25 does not.
        assert_eq!(lines(image_pull_policy_not_always, DEPLOY), vec![14]);
    }

    #[test]
    fn unknown_values_never_report() {
        let mut rs = resources(DEPLOY);
        // Replace the privileged flag by an unresolved expression.
        if let Some(Value::Map(entries)) = rs.first_mut().map(|r| &mut r.body.value) {
            entries.retain(|(k, _)| k.name != "spec");
            entries.push((
                archgate_core::Key {
                    name: "spec".into(),
                    span: Span::default(),
                },
                Node::new(Value::Unknown("var.spec".into()), Span::default()),
            ));
        }
        let unit = ParsedUnit {
            resources: rs,
            ..ParsedUnit::default()
        };
        let ctx = Context::new(&unit);
        assert!(privileged(&unit.resources[0], &ctx).is_empty());
        assert!(pod_security_context_missing(&unit.resources[0], &ctx).is_empty());
    }

    #[test]
    fn network_policy_selects_pods_by_labels_in_the_same_namespace() {
        let text = "kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: a, image: x}]
---
kind: Deployment
metadata: {name: db, namespace: shop}
spec:
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: a, image: x}]
---
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector:
    matchLabels: {app: web}
";
        assert_eq!(lines(pod_without_network_policy, text), vec![9]);
    }

    #[test]
    fn namespaces_need_default_deny_quota_and_limits() {
        let text = "kind: Namespace
metadata:
  name: team-a
---
kind: Namespace
metadata:
  name: listed-only
---
kind: NetworkPolicy
metadata: {name: deny, namespace: team-a}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
kind: ResourceQuota
metadata: {name: q, namespace: team-b}
";
        assert!(lines(namespace_without_default_deny, text).is_empty());
        assert_eq!(lines(namespace_without_resource_quota, text), vec![3]);
        assert_eq!(lines(namespace_without_limit_range, text), vec![3]);
    }

    #[test]
    fn rbac_checks_every_rule_and_needs_every_operation() {
        let text = "kind: ClusterRole
metadata: {name: r}
rules:
  - apiGroups: ['']
    resources: [pods]
    verbs: [get]
  - apiGroups: ['*']
    resources: ['*']
    verbs: ['*']
";
        assert_eq!(lines(rbac_wildcard, text), vec![7, 8, 9]);
        assert_eq!(lines(rbac_escalate, text), vec![7]);
        assert_eq!(lines(rbac_approve_csr, text), vec![7]);
        let narrow = "kind: ClusterRole
metadata: {name: r}
rules:
  - apiGroups: [certificates.k8s.io]
    resources: [certificatesigningrequests/approval]
    verbs: [update]
";
        // Approving also needs the signer permission.
        assert!(lines(rbac_approve_csr, narrow).is_empty());
    }

    #[test]
    fn bindings_that_reach_all_secrets() {
        let text = "kind: Role
metadata: {name: reader, namespace: a}
rules:
  - apiGroups: ['']
    resources: [secrets]
    verbs: [get, list]
---
kind: RoleBinding
metadata: {name: b, namespace: a}
subjects:
  - kind: ServiceAccount
    name: app
roleRef:
  kind: Role
  name: reader
";
        assert_eq!(lines(binding_reads_all_secrets, text), vec![13]);
    }

    #[test]
    fn default_namespace_ignores_kubernetes_own_objects() {
        let text = "kind: ServiceAccount
metadata: {name: default}
---
kind: Service
metadata: {name: api}
---
kind: ConfigMap
metadata:
  name: c
  namespace: default
";
        assert_eq!(lines(default_namespace, text), vec![4, 10]);
    }
}

/// No input may panic a native check: random documents, shaped loosely
/// like the manifests, Dockerfiles, workflows and Terraform blocks the
/// checks expect, run through every check of the providers written
/// alongside this one.
#[cfg(test)]
mod no_panic {
    use super::super::{docker, github, secrets, terraform};
    use super::*;
    use archgate_core::Key;
    use archgate_iac::{ParsedUnit, SourceFile, SourceKind};
    use proptest::prelude::*;

    const KEYS: &[&str] = &[
        "apiVersion",
        "kind",
        "metadata",
        "name",
        "namespace",
        "labels",
        "annotations",
        "spec",
        "template",
        "jobTemplate",
        "containers",
        "initContainers",
        "ephemeralContainers",
        "securityContext",
        "capabilities",
        "add",
        "drop",
        "privileged",
        "runAsUser",
        "runAsNonRoot",
        "allowPrivilegeEscalation",
        "seccompProfile",
        "type",
        "volumes",
        "hostPath",
        "path",
        "image",
        "imagePullPolicy",
        "ports",
        "hostPort",
        "env",
        "value",
        "valueFrom",
        "secretKeyRef",
        "envFrom",
        "secretRef",
        "rules",
        "verbs",
        "resources",
        "apiGroups",
        "subjects",
        "roleRef",
        "sysctls",
        "podSelector",
        "matchLabels",
        "matchExpressions",
        "key",
        "operator",
        "values",
        "policyTypes",
        "ingress",
        "tls",
        "externalIPs",
        "data",
        "stringData",
        "instructions",
        "instruction",
        "args",
        "form",
        "stage",
        "stages",
        "base",
        "tag",
        "digest",
        "heredocs",
        "body",
        "flags",
        "steps",
        "uses",
        "run",
        "with",
        "ref",
        "on",
        "permissions",
        "jobs",
        "source",
        "version",
        "required_providers",
        "password",
        "token",
    ];

    const WORDS: &[&str] = &[
        "ALL",
        "NET_RAW",
        "SYS_ADMIN",
        "RuntimeDefault",
        "Unconfined",
        "Localhost",
        "default",
        "*",
        "get",
        "create",
        "pods/exec",
        "nodes/proxy",
        "secrets",
        "RUN",
        "FROM",
        "USER",
        "root",
        "ENV",
        "ADD",
        "COPY",
        "curl -k https://x | sh",
        "apt-get update",
        "sudo apt",
        "A=1 B=2",
        "--from=0",
        "actions/checkout@v4",
        "${{ github.head_ref }}",
        "pull_request_target",
        "write-all",
        "terraform-aws-modules/vpc/aws",
        "git::http://x/y.git?ref=",
        "AKIAIOSFODNN7EXAMPLE",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIE",
        "postgres://u:p@h/db",
        "ghp_",
        "eyJ.eyJ.x",
        "é",
        "",
    ];

    fn node() -> impl Strategy<Value = Node> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-5i64..70_000).prop_map(Value::Int),
            prop::sample::select(WORDS).prop_map(|s| Value::Str(s.to_string())),
            "[ -~]{0,40}".prop_map(Value::Str),
            Just(Value::Unknown("var.x".into())),
        ]
        .prop_map(|v| Node::new(v, Span::default()));
        leaf.prop_recursive(5, 96, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|v| Node::new(Value::Seq(v), Span::default())),
                prop::collection::vec((prop::sample::select(KEYS), inner), 0..7).prop_map(|kv| {
                    let entries = kv
                        .into_iter()
                        .map(|(k, v)| {
                            (
                                Key {
                                    name: k.to_string(),
                                    span: Span::default(),
                                },
                                v,
                            )
                        })
                        .collect();
                    Node::new(Value::Map(entries), Span::default())
                }),
            ]
        })
    }

    const KINDS: &[&str] = &[
        "Pod",
        "Deployment",
        "CronJob",
        "Job",
        "Namespace",
        "NetworkPolicy",
        "Role",
        "ClusterRole",
        "RoleBinding",
        "ClusterRoleBinding",
        "ServiceAccount",
        "Service",
        "Ingress",
        "Secret",
        "dockerfile",
        "workflow",
        "job",
        "module",
        "terraform",
    ];

    proptest! {
        #[test]
        fn checks_never_panic(bodies in prop::collection::vec((prop::sample::select(KINDS), node()), 1..6)) {
            let resources: Vec<Resource> = bodies
                .into_iter()
                .map(|(kind, body)| Resource {
                    source: SourceKind::Kubernetes,
                    block: "resource".into(),
                    kind: kind.into(),
                    name: "n".into(),
                    address: format!("{kind}.n"),
                    file: "f".into(),
                    span: Span::default(),
                    body,
                    module: None,
                    multiple: false,
                    labels: Vec::new(),
                })
                .collect();
            let unit = ParsedUnit {
                files: vec![SourceFile { path: "f".into(), text: "AKIAIOSFODNN7EXAMPLE".into() }],
                resources,
                ..ParsedUnit::default()
            };
            let ctx = Context::new(&unit);
            for r in &unit.resources {
                for (_, check) in CHECKS
                    .iter()
                    .chain(docker::CHECKS)
                    .chain(github::CHECKS)
                    .chain(secrets::CHECKS)
                    .chain(terraform::CHECKS)
                {
                    let _ = check(r, &ctx);
                }
            }
        }
    }
}
