//! Native AWS checks (Terraform and CloudFormation): what the condition
//! language cannot say.
//!
//! - Security group rules, wherever they are written (inline `ingress` /
//!   `egress` blocks, `aws_security_group_rule`, `aws_vpc_security_group_*_rule`,
//!   CloudFormation `SecurityGroupIngress`/`SecurityGroupEgress` lists and
//!   resources), are read into one [`SgRule`] shape, so the port, CIDR and
//!   description rules are written once.
//! - IAM policy documents, wherever they are written (JSON strings, resolved
//!   `jsonencode(...)`, `aws_iam_policy_document` blocks, CloudFormation
//!   `PolicyDocument`s), are read into one [`Statement`] shape; actions are
//!   classified by access level ([`access_of`]) the way AWS's service
//!   authorization reference does for most services.
//! - Cross-resource facts (a bucket configured by a separate resource that
//!   refers to it, a security group some other resource uses, a VPC with a
//!   flow log) are looked up through [`Context`].
//!
//! A value archgate could not resolve never produces a finding.
//!
//! Not for: checks a data condition can express (those are rule files under
//! `rules/aws/`).

use super::{CheckFn, Context, Hit};
use crate::cond::parse_cidr;
use crate::eval::is_unresolved;
use archgate_core::{Node, Span, Value};
use archgate_iac::Resource;

/// The native AWS checks, by rule id.
pub const CHECKS: &[(&str, CheckFn)] = &[
    ("AG-AWS-S3-001", s3_encrypted),
    ("AG-AWS-S3-003", s3_logging),
    ("AG-AWS-S3-004", s3_public_access_block),
    ("AG-AWS-S3-005", s3_kms_by_default),
    ("AG-AWS-S3-006", s3_lifecycle),
    ("AG-AWS-S3-007", s3_event_notifications),
    ("AG-AWS-S3-008", s3_replication),
    ("AG-AWS-RDS-021", rds_cluster_backup_plan),
    ("AG-AWS-IAM-001", iam_allows_all_actions),
    ("AG-AWS-IAM-002", iam_write_without_constraints),
    ("AG-AWS-IAM-003", iam_permissions_management),
    ("AG-AWS-IAM-004", iam_star_resource),
    ("AG-AWS-IAM-005", iam_credentials_exposure),
    ("AG-AWS-IAM-006", iam_data_exfiltration),
    ("AG-AWS-SG-001", ssh_open_to_world),
    ("AG-AWS-SG-002", rdp_open_to_world),
    ("AG-AWS-SG-003", http_open_to_world),
    ("AG-AWS-SG-004", sg_rule_without_description),
    ("AG-AWS-SG-005", egress_all_to_world),
    ("AG-AWS-SG-006", sg_not_attached),
    ("AG-AWS-SG-007", default_sg_not_restricted),
    ("AG-AWS-EC2-004", az_not_pinned),
    ("AG-AWS-NEPTUNE-008", neptune_snapshot_unencrypted),
    ("AG-AWS-NEPTUNE-009", neptune_snapshot_without_cmk),
    ("AG-AWS-EC2-005", instance_volume_unencrypted),
    ("AG-AWS-VPC-002", default_vpc_managed),
    ("AG-AWS-VPC-003", vpc_without_flow_log),
    ("AG-AWS-ELB-001", alb_without_access_logs),
    ("AG-AWS-ELB-002", alb_keeps_invalid_headers),
    ("AG-AWS-ELB-003", listener_tls_policy_outdated),
    ("AG-AWS-ELB-004", listener_plain_http),
];

// ---------------------------------------------------------------------------
// Reading values
// ---------------------------------------------------------------------------

/// A present, non-null attribute.
fn attr<'n>(n: &'n Node, key: &str) -> Option<&'n Node> {
    n.get(key).filter(|v| !v.is_null())
}

/// A known scalar as text; `None` when absent or unresolved.
fn text(n: Option<&Node>) -> Option<String> {
    let n = n?;
    if is_unresolved(n) {
        return None;
    }
    match &n.value {
        Value::Seq(items) if items.len() == 1 => text(items.first()),
        _ => n.scalar_text(),
    }
}

/// A known boolean (`true`, `"true"`); `None` when absent, unresolved or not boolean.
fn boolean(n: Option<&Node>) -> Option<bool> {
    let n = n?;
    if is_unresolved(n) {
        return None;
    }
    match &n.value {
        Value::Seq(items) if items.len() == 1 => boolean(items.first()),
        _ => n.as_bool(),
    }
}

/// A known integer; `None` when absent or unresolved.
fn int(n: Option<&Node>) -> Option<i64> {
    let n = n?;
    if is_unresolved(n) {
        return None;
    }
    n.as_i64()
}

/// The elements of a nested block or list (a lone mapping counts as one).
fn elements(n: Option<&Node>) -> Vec<&Node> {
    match n.map(|n| &n.value) {
        Some(Value::Seq(items)) => items.iter().collect(),
        Some(Value::Map(_)) => n.into_iter().collect(),
        _ => Vec::new(),
    }
}

/// The strings of a string-or-list attribute, with whether some entry (or
/// the whole value) is unresolved.
#[derive(Debug, Default, Clone)]
struct Strings {
    known: Vec<String>,
    unknown: bool,
}

impl Strings {
    fn of(n: Option<&Node>) -> Strings {
        let mut out = Strings::default();
        if let Some(n) = n {
            out.add(n);
        }
        out
    }

    fn add(&mut self, n: &Node) {
        if n.is_null() {
            return;
        }
        if is_unresolved(n) {
            self.unknown = true;
            return;
        }
        match &n.value {
            Value::Seq(items) => items.iter().for_each(|i| self.add(i)),
            Value::Str(s) => self.known.push(s.clone()),
            Value::Map(_) => self.unknown = true,
            _ => {
                if let Some(t) = n.scalar_text() {
                    self.known.push(t);
                }
            }
        }
    }

    fn of_json(v: Option<&serde_json::Value>) -> Strings {
        let mut out = Strings::default();
        match v {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::String(s)) => out.known.push(s.clone()),
            Some(serde_json::Value::Array(items)) => {
                for i in items {
                    match i {
                        serde_json::Value::String(s) => out.known.push(s.clone()),
                        _ => out.unknown = true,
                    }
                }
            }
            Some(_) => out.unknown = true,
        }
        out
    }
}

/// The text of every `Value::Unknown` (and `${…}` template) inside `n`:
/// Terraform references kept as written, to match a resource by address.
fn reference_texts(n: &Node) -> Vec<&str> {
    let mut out = Vec::new();
    n.walk(&mut |x| match &x.value {
        Value::Unknown(t) => out.push(t.as_str()),
        Value::Str(t) if crate::context::has_interpolation(t) => out.push(t.as_str()),
        _ => {}
    });
    out
}

/// True when `text` refers to the Terraform resource `kind.name` (as
/// `kind.name.attr`, `kind.name[0].attr`, …).
fn mentions(text: &str, kind: &str, name: &str) -> bool {
    let needle = format!("{kind}.{name}");
    text.match_indices(&needle).any(|(i, _)| {
        let before_ok = i == 0
            || !text[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        let after = &text[i + needle.len()..];
        let after_ok = !after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        before_ok && after_ok
    })
}

/// Terraform resources of `kinds` in the unit whose attributes refer to `r`,
/// or whose `bucket`-like `field` holds `r`'s literal `name_field` value.
fn configured_by<'a>(
    r: &Resource,
    ctx: &'a Context,
    kinds: &[&str],
    field: &str,
    name_field: &str,
) -> Vec<&'a Resource> {
    let mut out: Vec<&Resource> = ctx
        .references_to(r)
        .filter(|o| kinds.contains(&o.kind.as_str()))
        .collect();
    let literal = attr(&r.body, name_field).and_then(Node::as_str);
    for kind in kinds {
        for o in ctx.by_kind(kind) {
            if out.iter().any(|x| std::ptr::eq(*x, o)) {
                continue;
            }
            let Some(v) = attr(&o.body, field) else {
                continue;
            };
            let by_name = literal.is_some() && v.as_str() == literal;
            // A reference the context could not resolve to an address (for
            // example through a module input) still names the resource.
            let by_text = reference_texts(v)
                .iter()
                .any(|t| mentions(t, &r.kind, &r.name));
            if by_name || by_text {
                out.push(o);
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// S3
// ---------------------------------------------------------------------------

/// The separate resources that configure a bucket (AWS provider 4.x+).
fn bucket_configs<'a>(r: &Resource, ctx: &'a Context, kind: &str) -> Vec<&'a Resource> {
    configured_by(r, ctx, &[kind], "bucket", "bucket")
}

/// AG-AWS-S3-001: default encryption, inline or by a resource that refers to the bucket.
fn s3_encrypted(r: &Resource, ctx: &Context) -> Vec<Hit> {
    let encrypted = match r.kind.as_str() {
        "aws_s3_bucket" => {
            attr(&r.body, "server_side_encryption_configuration").is_some()
                || !bucket_configs(r, ctx, "aws_s3_bucket_server_side_encryption_configuration")
                    .is_empty()
        }
        "AWS::S3::Bucket" => attr(&r.body, "BucketEncryption").is_some(),
        _ => true,
    };
    if encrypted {
        return Vec::new();
    }
    vec![Hit::new(
        r.span,
        format!(
            "`{}` has no default server-side encryption configuration",
            r.address
        ),
        "",
    )]
}

/// AG-AWS-S3-003: server access logging, inline or by `aws_s3_bucket_logging`.
fn s3_logging(r: &Resource, ctx: &Context) -> Vec<Hit> {
    let logged = match r.kind.as_str() {
        "aws_s3_bucket" => {
            // A bucket that is itself a log target is not asked to log
            // into another bucket (that would never end).
            attr(&r.body, "logging").is_some()
                || !bucket_configs(r, ctx, "aws_s3_bucket_logging").is_empty()
                || receives_logs(r, ctx)
                || matches!(
                    text(attr(&r.body, "acl")).as_deref(),
                    Some("log-delivery-write")
                )
        }
        "AWS::S3::Bucket" => {
            attr(&r.body, "LoggingConfiguration").is_some()
                || matches!(
                    text(attr(&r.body, "AccessControl")).as_deref(),
                    Some("LogDeliveryWrite")
                )
        }
        _ => true,
    };
    if logged {
        return Vec::new();
    }
    vec![Hit::new(
        r.span,
        format!("`{}` does not record server access logs", r.address),
        "",
    )]
}

/// True when some `aws_s3_bucket_logging` (or inline `logging`) of the unit
/// writes into `r`.
fn receives_logs(r: &Resource, ctx: &Context) -> bool {
    let name = attr(&r.body, "bucket").and_then(Node::as_str);
    let targets = |n: &Node| {
        n.as_str().is_some_and(|s| Some(s) == name)
            || reference_texts(n)
                .iter()
                .any(|t| mentions(t, &r.kind, &r.name))
    };
    ctx.by_kind("aws_s3_bucket_logging")
        .any(|l| attr(&l.body, "target_bucket").is_some_and(targets))
        || ctx.by_kind("aws_s3_bucket").any(|b| {
            elements(attr(&b.body, "logging"))
                .iter()
                .any(|l| attr(l, "target_bucket").is_some_and(targets))
        })
}

/// The four settings of an S3 public access block.
const PAB_SETTINGS: [(&str, &str); 4] = [
    ("block_public_acls", "BlockPublicAcls"),
    ("block_public_policy", "BlockPublicPolicy"),
    ("ignore_public_acls", "IgnorePublicAcls"),
    ("restrict_public_buckets", "RestrictPublicBuckets"),
];

/// The settings of `cfg` (named by `pick`) that are not turned on; an
/// unresolved setting counts as on.
fn pab_off(
    cfg: &Node,
    pick: fn(&(&'static str, &'static str)) -> &'static str,
) -> Vec<&'static str> {
    PAB_SETTINGS
        .iter()
        .map(pick)
        .filter(|k| boolean(attr(cfg, k)) != Some(true) && !is_unknown_attr(cfg, k))
        .collect()
}

/// AG-AWS-S3-004: every bucket has a public access block with all four settings on.
fn s3_public_access_block(r: &Resource, ctx: &Context) -> Vec<Hit> {
    let missing = match r.kind.as_str() {
        "aws_s3_bucket" => {
            let blocks = bucket_configs(r, ctx, "aws_s3_bucket_public_access_block");
            match blocks.first() {
                None => "no `aws_s3_bucket_public_access_block` refers to it".to_string(),
                // One fully blocking configuration is enough.
                Some(_) if blocks.iter().any(|b| pab_off(&b.body, |s| s.0).is_empty()) => {
                    return Vec::new()
                }
                Some(b) => format!(
                    "its public access block leaves off {}",
                    pab_off(&b.body, |s| s.0).join(", ")
                ),
            }
        }
        "AWS::S3::Bucket" => match attr(&r.body, "PublicAccessBlockConfiguration") {
            None => "it has no `PublicAccessBlockConfiguration`".to_string(),
            Some(cfg) if is_unresolved(cfg) => return Vec::new(),
            Some(cfg) => {
                let off = pab_off(cfg, |s| s.1);
                if off.is_empty() {
                    return Vec::new();
                }
                format!(
                    "`PublicAccessBlockConfiguration` leaves off {}",
                    off.join(", ")
                )
            }
        },
        _ => return Vec::new(),
    };
    vec![Hit::new(
        r.span,
        format!("`{}` can be made public: {missing}", r.address),
        "",
    )]
}

/// True when `field` of `n` is present but unresolved.
fn is_unknown_attr(n: &Node, field: &str) -> bool {
    attr(n, field).is_some_and(is_unresolved)
}

/// Every `sse_algorithm` (`SSEAlgorithm`) under an encryption configuration.
fn algorithms(n: &Node) -> Vec<&Node> {
    let mut found = Vec::new();
    n.walk(&mut |x| {
        if let Some(v) = x.get("sse_algorithm").or_else(|| x.get("SSEAlgorithm")) {
            found.push(v);
        }
    });
    found
}

/// AG-AWS-S3-005: default encryption uses KMS (`aws:kms` / `aws:kms:dsse`).
fn s3_kms_by_default(r: &Resource, ctx: &Context) -> Vec<Hit> {
    let mut algs: Vec<&Node> = Vec::new();
    match r.kind.as_str() {
        "aws_s3_bucket" => {
            if let Some(inline) = attr(&r.body, "server_side_encryption_configuration") {
                algs.extend(algorithms(inline));
            }
            for c in bucket_configs(r, ctx, "aws_s3_bucket_server_side_encryption_configuration") {
                algs.extend(algorithms(&c.body));
            }
        }
        "AWS::S3::Bucket" => {
            if let Some(enc) = attr(&r.body, "BucketEncryption") {
                if is_unresolved(enc) {
                    return Vec::new();
                }
                algs.extend(algorithms(enc));
            }
        }
        _ => return Vec::new(),
    }
    if algs.iter().any(|a| is_unresolved(a)) {
        return Vec::new();
    }
    let kms = algs
        .iter()
        .filter_map(|a| a.as_str())
        .any(|s| s.eq_ignore_ascii_case("aws:kms") || s.eq_ignore_ascii_case("aws:kms:dsse"));
    if kms {
        return Vec::new();
    }
    vec![Hit::new(
        r.span,
        format!("`{}` is not encrypted with a KMS key by default", r.address),
        "",
    )]
}

/// One hit at the bucket when neither the inline block `inline` nor a
/// separate `companion` resource referring to it is present.
fn bucket_lacks(
    r: &Resource,
    ctx: &Context,
    inline: Option<&str>,
    companion: &str,
    what: &str,
) -> Vec<Hit> {
    if r.kind != "aws_s3_bucket" {
        return Vec::new();
    }
    if inline.is_some_and(|f| attr(&r.body, f).is_some())
        || !bucket_configs(r, ctx, companion).is_empty()
    {
        return Vec::new();
    }
    vec![Hit::new(
        r.span,
        format!("`{}` has no {what}", r.address),
        "",
    )]
}

/// AG-AWS-S3-006: a lifecycle configuration, inline or separate.
fn s3_lifecycle(r: &Resource, ctx: &Context) -> Vec<Hit> {
    bucket_lacks(
        r,
        ctx,
        Some("lifecycle_rule"),
        "aws_s3_bucket_lifecycle_configuration",
        "lifecycle configuration",
    )
}

/// AG-AWS-S3-007: event notifications (`aws_s3_bucket_notification`).
fn s3_event_notifications(r: &Resource, ctx: &Context) -> Vec<Hit> {
    bucket_lacks(
        r,
        ctx,
        // Notifications have no inline form on the bucket.
        None,
        "aws_s3_bucket_notification",
        "event notification configuration",
    )
}

/// AG-AWS-S3-008: replication with at least one enabled rule, inline or separate.
fn s3_replication(r: &Resource, ctx: &Context) -> Vec<Hit> {
    if r.kind != "aws_s3_bucket" {
        return Vec::new();
    }
    // Some rule enabled, or a status archgate cannot resolve.
    let enabled = |rules: Vec<&Node>| {
        rules.iter().any(|rule| {
            let st = attr(rule, "status");
            st.is_some_and(is_unresolved) || text(st).as_deref() == Some("Enabled")
        })
    };
    let inline = elements(attr(&r.body, "replication_configuration"))
        .into_iter()
        .any(|c| is_unresolved(c) || enabled(elements(attr(c, "rules"))));
    let separate = bucket_configs(r, ctx, "aws_s3_bucket_replication_configuration")
        .iter()
        .any(|c| enabled(elements(attr(&c.body, "rule"))));
    if inline || separate {
        return Vec::new();
    }
    vec![Hit::new(
        r.span,
        format!("`{}` is not replicated to another bucket", r.address),
        "",
    )]
}

// ---------------------------------------------------------------------------
// IAM policy documents
// ---------------------------------------------------------------------------

/// One statement of a policy document, from any of its spellings.
#[derive(Debug, Clone)]
struct Statement {
    /// Where findings about it point.
    span: Span,
    /// Stable name for fingerprints: `Policies[0].Statement[1]`.
    key: String,
    /// `Some(true)` for Allow; `None` when unresolved.
    allow: Option<bool>,
    actions: Strings,
    /// The statement uses `NotAction` (everything but `actions`).
    not_action: bool,
    resources: Strings,
    /// The statement uses `NotResource` (everything but `resources`).
    not_resource: bool,
    /// A `Condition` narrows the statement.
    has_condition: bool,
    /// A `Principal`: a resource policy, where `"*"` resources mean the resource itself.
    has_principal: bool,
}

impl Statement {
    /// True when the statement grants its actions on every resource: `Allow`,
    /// with `Resource: "*"` or a `NotResource`, no `Condition`, and no
    /// `Principal` (in a resource policy `"*"` means the resource itself).
    fn unconstrained(&self) -> bool {
        self.allow == Some(true)
            && !self.has_condition
            && !self.has_principal
            && (self.not_resource || self.resources.known.iter().any(|r| r == "*"))
    }
}

/// Statements of a policy document given as a mapping (CloudFormation, or
/// a structure) or as JSON text. Unparsable or unresolved documents give none.
fn statements_of(doc: &Node, key: &str, out: &mut Vec<Statement>) {
    if is_unresolved(doc) {
        return;
    }
    match &doc.value {
        Value::Str(text) => {
            let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
                return;
            };
            let list: Vec<&serde_json::Value> = match json.get("Statement") {
                Some(serde_json::Value::Array(items)) => items.iter().collect(),
                Some(one @ serde_json::Value::Object(_)) => vec![one],
                _ => Vec::new(),
            };
            for (i, st) in list.into_iter().enumerate() {
                // Inside a string there are no finer positions: point at the attribute.
                out.push(json_statement(
                    st,
                    doc.span,
                    format!("{key}.Statement[{i}]"),
                ));
            }
        }
        Value::Map(_) => {
            let Some(st) = attr(doc, "Statement") else {
                return;
            };
            if is_unresolved(st) {
                return;
            }
            for (i, s) in elements(Some(st)).into_iter().enumerate() {
                if is_unresolved(s) {
                    continue;
                }
                let (actions, not_action) = match attr(s, "NotAction") {
                    Some(n) => (Strings::of(Some(n)), true),
                    None => (Strings::of(attr(s, "Action")), false),
                };
                let (resources, not_resource) = match attr(s, "NotResource") {
                    Some(n) => (Strings::of(Some(n)), true),
                    None => (Strings::of(attr(s, "Resource")), false),
                };
                let allow = match attr(s, "Effect") {
                    Some(e) if is_unresolved(e) => None,
                    Some(e) => Some(e.as_str().is_some_and(|x| x.eq_ignore_ascii_case("allow"))),
                    None => Some(false),
                };
                out.push(Statement {
                    span: s.span,
                    key: format!("{key}.Statement[{i}]"),
                    allow,
                    actions,
                    not_action,
                    resources,
                    not_resource,
                    has_condition: attr(s, "Condition").is_some(),
                    has_principal: attr(s, "Principal").is_some()
                        || attr(s, "NotPrincipal").is_some(),
                });
            }
        }
        _ => {}
    }
}

fn json_statement(st: &serde_json::Value, span: Span, key: String) -> Statement {
    let get = |k: &str| st.get(k).filter(|v| !v.is_null());
    let (actions, not_action) = match get("NotAction") {
        Some(v) => (Strings::of_json(Some(v)), true),
        None => (Strings::of_json(get("Action")), false),
    };
    let (resources, not_resource) = match get("NotResource") {
        Some(v) => (Strings::of_json(Some(v)), true),
        None => (Strings::of_json(get("Resource")), false),
    };
    Statement {
        span,
        key,
        allow: Some(
            get("Effect")
                .and_then(|e| e.as_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("allow")),
        ),
        actions,
        not_action,
        resources,
        not_resource,
        has_condition: get("Condition").is_some(),
        has_principal: get("Principal").is_some() || get("NotPrincipal").is_some(),
    }
}

/// Statements of an `aws_iam_policy_document` data source (its `statement` blocks).
fn document_statements(body: &Node, out: &mut Vec<Statement>) {
    for (i, s) in elements(attr(body, "statement")).into_iter().enumerate() {
        let (actions, not_action) = match attr(s, "not_actions") {
            Some(n) => (Strings::of(Some(n)), true),
            None => (Strings::of(attr(s, "actions")), false),
        };
        let (resources, not_resource) = match attr(s, "not_resources") {
            Some(n) => (Strings::of(Some(n)), true),
            None => (Strings::of(attr(s, "resources")), false),
        };
        // `effect` defaults to Allow in a policy document.
        let allow = match attr(s, "effect") {
            None => Some(true),
            Some(e) if is_unresolved(e) => None,
            Some(e) => Some(e.as_str().is_some_and(|x| x.eq_ignore_ascii_case("allow"))),
        };
        out.push(Statement {
            span: s.span,
            key: format!("statement[{i}]"),
            allow,
            actions,
            not_action,
            resources,
            not_resource,
            has_condition: attr(s, "condition").is_some(),
            has_principal: attr(s, "principals").is_some() || attr(s, "not_principals").is_some(),
        });
    }
}

/// Every statement of the identity policies a resource carries.
fn identity_statements(r: &Resource) -> Vec<Statement> {
    let mut out = Vec::new();
    match r.kind.as_str() {
        "aws_iam_policy"
        | "aws_iam_role_policy"
        | "aws_iam_user_policy"
        | "aws_iam_group_policy" => {
            if let Some(p) = attr(&r.body, "policy") {
                statements_of(p, "policy", &mut out);
            }
        }
        "aws_iam_role" => {
            for (i, p) in elements(attr(&r.body, "inline_policy"))
                .into_iter()
                .enumerate()
            {
                if let Some(doc) = attr(p, "policy") {
                    statements_of(doc, &format!("inline_policy[{i}].policy"), &mut out);
                }
            }
        }
        "aws_iam_policy_document" => document_statements(&r.body, &mut out),
        "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
            if let Some(p) = attr(&r.body, "PolicyDocument") {
                statements_of(p, "PolicyDocument", &mut out);
            }
        }
        "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => {
            for (i, p) in elements(attr(&r.body, "Policies")).into_iter().enumerate() {
                if let Some(doc) = attr(p, "PolicyDocument") {
                    statements_of(doc, &format!("Policies[{i}].PolicyDocument"), &mut out);
                }
            }
        }
        _ => {}
    }
    out
}

/// AG-AWS-IAM-001: a statement with `Effect: Allow` and `Action: "*"`.
fn iam_allows_all_actions(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    identity_statements(r)
        .into_iter()
        .filter(|s| {
            s.allow == Some(true) && !s.not_action && s.actions.known.iter().any(|a| a == "*")
        })
        .map(|s| {
            Hit::new(
                s.span,
                "the statement allows every action (`Action: \"*\"`)",
                s.key,
            )
        })
        .collect()
}

/// How much an action can do, after AWS's access levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    List,
    Read,
    Tagging,
    Write,
    PermissionsManagement,
}

/// Verbs that begin read-only action names (`s3:GetObject`, `ec2:DescribeInstances`).
const READ_VERBS: &[&str] = &[
    "Get", "Describe", "Head", "Query", "Scan", "Search", "Select", "BatchGet", "Lookup", "View",
    "Read", "Download", "Check", "Preview", "Estimate", "Simulate", "Validate", "Discover",
    "Verify", "Detect", "Filter", "Evaluate", "Retrieve", "Receive", "Count", "Browse", "Fetch",
];

/// Verbs that begin tagging action names.
const TAG_VERBS: &[&str] = &[
    "TagResource",
    "UntagResource",
    "Tag",
    "Untag",
    "CreateTags",
    "DeleteTags",
    "AddTags",
    "RemoveTags",
];

/// Actions that change who may do what, per service (the permissions
/// management level of AWS's reference), for matching wildcards such as
/// `s3:Put*`. [`access_of`] also recognises them by shape.
const PERMISSION_ACTIONS: &[(&str, &[&str])] = &[
    (
        "iam",
        &[
            "AttachGroupPolicy",
            "AttachRolePolicy",
            "AttachUserPolicy",
            "DetachGroupPolicy",
            "DetachRolePolicy",
            "DetachUserPolicy",
            "PutGroupPolicy",
            "PutRolePolicy",
            "PutUserPolicy",
            "DeleteGroupPolicy",
            "DeleteRolePolicy",
            "DeleteUserPolicy",
            "CreatePolicy",
            "CreatePolicyVersion",
            "DeletePolicy",
            "DeletePolicyVersion",
            "SetDefaultPolicyVersion",
            "UpdateAssumeRolePolicy",
            "AddUserToGroup",
            "RemoveUserFromGroup",
            "CreateAccessKey",
            "UpdateAccessKey",
            "DeleteAccessKey",
            "CreateLoginProfile",
            "UpdateLoginProfile",
            "DeleteLoginProfile",
            "PutRolePermissionsBoundary",
            "PutUserPermissionsBoundary",
            "DeleteRolePermissionsBoundary",
            "DeleteUserPermissionsBoundary",
        ],
    ),
    (
        "s3",
        &[
            "PutBucketPolicy",
            "DeleteBucketPolicy",
            "PutBucketAcl",
            "PutObjectAcl",
            "PutObjectVersionAcl",
            "PutBucketPublicAccessBlock",
            "DeleteBucketPublicAccessBlock",
            "PutAccountPublicAccessBlock",
            "PutBucketOwnershipControls",
            "PutAccessPointPolicy",
            "DeleteAccessPointPolicy",
        ],
    ),
    (
        "kms",
        &["PutKeyPolicy", "CreateGrant", "RevokeGrant", "RetireGrant"],
    ),
    (
        "lambda",
        &[
            "AddPermission",
            "RemovePermission",
            "AddLayerVersionPermission",
            "RemoveLayerVersionPermission",
        ],
    ),
    (
        "sns",
        &["AddPermission", "RemovePermission", "SetTopicAttributes"],
    ),
    ("sqs", &["AddPermission", "RemovePermission"]),
    (
        "ecr",
        &[
            "SetRepositoryPolicy",
            "DeleteRepositoryPolicy",
            "PutRegistryPolicy",
            "DeleteRegistryPolicy",
        ],
    ),
    (
        "ec2",
        &[
            "CreateNetworkInterfacePermission",
            "DeleteNetworkInterfacePermission",
            "ModifySnapshotAttribute",
            "ResetSnapshotAttribute",
            "ModifyImageAttribute",
            "ResetImageAttribute",
            "ModifyVpcEndpointServicePermissions",
        ],
    ),
    (
        "secretsmanager",
        &["PutResourcePolicy", "DeleteResourcePolicy"],
    ),
    ("logs", &["PutResourcePolicy", "DeleteResourcePolicy"]),
    ("events", &["PutPermission", "RemovePermission"]),
    (
        "glacier",
        &["SetVaultAccessPolicy", "DeleteVaultAccessPolicy"],
    ),
    (
        "backup",
        &[
            "PutBackupVaultAccessPolicy",
            "DeleteBackupVaultAccessPolicy",
        ],
    ),
    (
        "ram",
        &[
            "CreateResourceShare",
            "AssociateResourceShare",
            "UpdateResourceShare",
        ],
    ),
];

/// Write actions AWS only allows on `"*"` (they have no resource ARN to
/// narrow to), so `Resource: "*"` is not a missing constraint for them.
const WILDCARD_ONLY: &[&str] = &[
    "cloudwatch:PutMetricData",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "ecs:RegisterTaskDefinition",
    "ecs:DeregisterTaskDefinition",
    "ecs:DiscoverPollEndpoint",
    "ecs:CreateCluster",
    "ec2:CreateNetworkInterface",
    "ec2:CreateSecurityGroup",
    "ec2:CreateVpc",
    "ec2:CreateKeyPair",
    "ec2:ImportKeyPair",
    "ec2:AllocateAddress",
    "logs:PutDestination",
    "sts:DecodeAuthorizationMessage",
    "route53:CreateHostedZone",
    "sns:CreateTopic",
];

/// Services none of whose actions accept a resource ARN: every statement
/// for them must say `Resource: "*"` (the AWS Price List API).
const WILDCARD_ONLY_SERVICES: &[&str] = &["pricing"];

/// Actions whose verb says write but whose access level in AWS's service
/// authorization reference is Read (the EKS Pod Identity agent exchanging
/// a service-account token for the role's credentials).
const READ_EXCEPTIONS: &[&str] = &["eks-auth:AssumeRoleForPodIdentity"];

/// The access level of one concrete action name (without its service).
fn access_of(service: &str, name: &str) -> Access {
    let starts = |verbs: &[&str]| verbs.iter().any(|v| name.starts_with(v));
    if READ_EXCEPTIONS.iter().any(|a| {
        a.split_once(':')
            .is_some_and(|(s, n)| s.eq_ignore_ascii_case(service) && n.eq_ignore_ascii_case(name))
    }) {
        return Access::Read;
    }
    if known_permission(service, name) || looks_like_permission(service, name) {
        return Access::PermissionsManagement;
    }
    if name.starts_with("List") {
        return Access::List;
    }
    if starts(TAG_VERBS) {
        return Access::Tagging;
    }
    if starts(READ_VERBS) {
        return Access::Read;
    }
    Access::Write
}

fn known_permission(service: &str, name: &str) -> bool {
    PERMISSION_ACTIONS
        .iter()
        .filter(|(s, _)| s.eq_ignore_ascii_case(service))
        .any(|(_, names)| names.iter().any(|n| n.eq_ignore_ascii_case(name)))
}

/// Action names shaped like permission changes in services the table does
/// not list: `…Permission…`, `Put…ResourcePolicy`, `…Grant`.
fn looks_like_permission(service: &str, name: &str) -> bool {
    let read = READ_VERBS.iter().any(|v| name.starts_with(v)) || name.starts_with("List");
    if read {
        return false;
    }
    if service.eq_ignore_ascii_case("iam") {
        return name.contains("Policy")
            || name.contains("PermissionsBoundary")
            || name.starts_with("Attach")
            || name.starts_with("Detach");
    }
    name.contains("Permission") || name.contains("ResourcePolicy") || name.ends_with("Grant")
}

/// Glob match with `*` and `?`, ASCII case-insensitive (IAM action matching).
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().map(|c| c.to_ascii_lowercase()).collect();
    let t: Vec<char> = text.chars().map(|c| c.to_ascii_lowercase()).collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// True when the action pattern (`s3:PutObject`, `s3:Put*`, `*`) can grant
/// an action of access level `level`. Wildcards count when they can match
/// such an action.
fn grants(pattern: &str, level: Access) -> bool {
    if pattern == "*" {
        return true;
    }
    let Some((service, name)) = pattern.split_once(':') else {
        return false;
    };
    if !name.contains('*') && !name.contains('?') {
        if level == Access::Write
            && WILDCARD_ONLY
                .iter()
                .any(|w| w.eq_ignore_ascii_case(pattern))
        {
            return false;
        }
        return access_of(service, name) == level;
    }
    match level {
        Access::PermissionsManagement => PERMISSION_ACTIONS
            .iter()
            .filter(|(s, _)| s.eq_ignore_ascii_case(service) || service == "*")
            .any(|(_, names)| names.iter().any(|n| glob(name, n))),
        Access::Write => {
            // The literal text before the first wildcard decides: `Get*`,
            // `Describe*`, `List*` stay read-only; anything else may write.
            let prefix: &str = name.split(['*', '?']).next().unwrap_or("");
            let read_only = READ_VERBS
                .iter()
                .chain(TAG_VERBS)
                .any(|v| prefix.starts_with(v))
                || prefix.starts_with("List");
            !read_only
        }
        _ => true,
    }
}

/// The actions of unconstrained statements that grant `level`, one hit per statement.
fn unconstrained_hits(r: &Resource, level: Access, what: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    for s in identity_statements(r) {
        if !s.unconstrained() {
            continue;
        }
        let offending: Vec<&str> = if s.not_action {
            // Everything except the listed actions: grants every level.
            vec!["NotAction"]
        } else {
            s.actions
                .known
                .iter()
                .filter(|a| grants(a, level))
                .map(String::as_str)
                .collect()
        };
        if offending.is_empty() {
            continue;
        }
        let shown: Vec<&str> = offending.iter().take(5).copied().collect();
        hits.push(Hit::new(
            s.span,
            format!(
                "the statement allows {what} on every resource (`Resource: \"*\"`): {}{}",
                shown.join(", "),
                if offending.len() > shown.len() {
                    ", …"
                } else {
                    ""
                }
            ),
            s.key,
        ));
    }
    hits
}

/// AG-AWS-IAM-002: write actions allowed on `"*"`.
fn iam_write_without_constraints(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    unconstrained_hits(r, Access::Write, "write actions")
}

/// AG-AWS-IAM-003: permission-changing actions allowed on `"*"`.
fn iam_permissions_management(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    unconstrained_hits(
        r,
        Access::PermissionsManagement,
        "permissions-management actions",
    )
}

/// Actions whose response carries credentials (access keys, passwords,
/// session tokens, database or registry credentials), as catalogued by
/// Salesforce's Cloudsplaining (the list Checkov's CKV_AWS_287 uses).
/// `ecr:GetAuthorizationToken` is left out: it only works on `"*"`, and
/// what the token may pull is decided by repository policies.
const CREDENTIAL_ACTIONS: &[&str] = &[
    "airflow:CreateCliToken",
    "airflow:CreateWebLoginToken",
    "appsync:CreateApiKey",
    "chime:CreateApiKey",
    "cloud9:CreateEnvironmentToken",
    "codeartifact:GetAuthorizationToken",
    "codepipeline:PollForJobs",
    "cognito-identity:GetOpenIdToken",
    "cognito-identity:GetOpenIdTokenForDeveloperIdentity",
    "cognito-identity:GetCredentialsForIdentity",
    "cognito-idp:GetSigningCertificate",
    "connect:GetFederationToken",
    "connect:GetFederationTokens",
    "ec2:GetPasswordData",
    "ecr-public:GetAuthorizationToken",
    "emr-containers:GetManagedEndpointSessionCredentials",
    "finspace-api:GetProgrammaticAccessCredentials",
    "gamelift:RequestUploadCredentials",
    "gamelift:GetInstanceAccess",
    "gamelift:GetComputeAccess",
    "gamelift:GetComputeAuthToken",
    "grafana:CreateWorkspaceApiKey",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:CreateServiceSpecificCredential",
    "iam:ResetServiceSpecificCredential",
    "iam:UpdateAccessKey",
    "license-manager:GetAccessToken",
    "lightsail:GetInstanceAccessDetails",
    "lightsail:DownloadDefaultKeyPair",
    "lightsail:CreateBucketAccessKey",
    "lightsail:GetRelationalDatabaseMasterUserPassword",
    "mediapackage:RotateChannelCredentials",
    "mediapackage:RotateIngestEndpointCredentials",
    "rds-db:Connect",
    "redshift:GetClusterCredentials",
    "redshift:GetClusterCredentialsWithIAM",
    "redshift-serverless:GetCredentials",
    "sso:GetRoleCredentials",
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:GetFederationToken",
    "sts:GetSessionToken",
];

/// Read actions that hand out stored data or secrets: object contents,
/// SSM parameters and Secrets Manager values (Cloudsplaining's data
/// exfiltration list, used by Checkov's CKV_AWS_288).
const DATA_READ_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "secretsmanager:GetSecretValue",
];

/// The actions of `targets` that an unconstrained statement of `r` allows,
/// one hit per statement. Wildcards in the statement (`ec2:*`, `s3:Get*`,
/// `*`) match the targets they cover; a `NotAction` statement allows every
/// target it does not list (and none when a listed pattern is unresolved).
fn sensitive_unconstrained_hits(r: &Resource, targets: &[&str], what: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    for s in identity_statements(r) {
        if !s.unconstrained() {
            continue;
        }
        let allowed: Vec<&str> = targets
            .iter()
            .copied()
            .filter(|t| {
                let listed = s.actions.known.iter().any(|p| glob(p, t));
                if s.not_action {
                    !listed && !s.actions.unknown
                } else {
                    listed
                }
            })
            .collect();
        if allowed.is_empty() {
            continue;
        }
        let shown: Vec<&str> = allowed.iter().take(5).copied().collect();
        hits.push(Hit::new(
            s.span,
            format!(
                "the statement allows {what} on every resource (`Resource: \"*\"`): {}{}",
                shown.join(", "),
                if allowed.len() > shown.len() {
                    ", …"
                } else {
                    ""
                }
            ),
            s.key,
        ));
    }
    hits
}

/// AG-AWS-IAM-005: actions that return credentials allowed on `"*"`.
fn iam_credentials_exposure(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    sensitive_unconstrained_hits(r, CREDENTIAL_ACTIONS, "actions that return credentials")
}

/// AG-AWS-IAM-006: data-reading actions (objects, parameters, secrets) allowed on `"*"`.
fn iam_data_exfiltration(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    sensitive_unconstrained_hits(r, DATA_READ_ACTIONS, "reading stored data and secrets")
}

/// AG-AWS-IAM-004: any action that could be narrowed to resources allowed on `"*"`.
fn iam_star_resource(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    for s in identity_statements(r) {
        if !s.unconstrained() {
            continue;
        }
        let restrictable: Vec<&str> = if s.not_action {
            vec!["NotAction"]
        } else {
            s.actions
                .known
                .iter()
                .filter(|a| restrictable(a))
                .map(String::as_str)
                .collect()
        };
        if restrictable.is_empty() {
            continue;
        }
        hits.push(Hit::new(
            s.span,
            format!(
                "the statement allows {} on `Resource: \"*\"` although it can be limited to specific resources",
                restrictable.iter().take(5).copied().collect::<Vec<_>>().join(", ")
            ),
            s.key,
        ));
    }
    hits
}

/// True for action patterns that can be scoped to resource ARNs: writes,
/// permission changes and reads of data (`s3:GetObject`), but not the
/// list/describe calls AWS only allows on `"*"`.
fn restrictable(pattern: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let Some((service, name)) = pattern.split_once(':') else {
        return false;
    };
    if WILDCARD_ONLY
        .iter()
        .any(|w| w.eq_ignore_ascii_case(pattern))
        || WILDCARD_ONLY_SERVICES
            .iter()
            .any(|w| w.eq_ignore_ascii_case(service))
    {
        return false;
    }
    if name.contains('*') || name.contains('?') {
        // `s3:Get*` covers `s3:GetObject`; only describe/list families are
        // wholly unscopable.
        let prefix: &str = name.split(['*', '?']).next().unwrap_or("");
        return !(prefix.starts_with("Describe") || prefix.starts_with("List"));
    }
    match access_of(service, name) {
        Access::Write | Access::PermissionsManagement => true,
        // Reads of data objects are scoped by ARN; describe/list calls mostly are not.
        Access::Read => !name.starts_with("Describe") && !name.starts_with("GetAuthorizationToken"),
        Access::List | Access::Tagging => false,
    }
}

// ---------------------------------------------------------------------------
// Security groups
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Ingress,
    Egress,
}

/// One security group rule, from any of its spellings.
#[derive(Debug, Clone)]
struct SgRule<'a> {
    /// The rule's own mapping (an inline block, a list item, or the body of a rule resource).
    node: &'a Node,
    /// Where findings about it point.
    span: Span,
    /// `ingress[1]`, `SecurityGroupIngress[0]`, or empty for rule resources.
    key: String,
    direction: Option<Direction>,
    /// Lower-cased protocol (`tcp`, `-1`, `6`); `None` when unresolved.
    protocol: Option<String>,
    from: Option<i64>,
    to: Option<i64>,
    cidrs: Strings,
    /// Description keys of this spelling.
    description: &'static str,
}

impl SgRule<'_> {
    /// True when the rule admits traffic from (or to) every address.
    fn world(&self) -> bool {
        self.cidrs.known.iter().any(|c| is_world(c))
    }

    /// True when the rule covers `port` of a connection-oriented protocol
    /// (`tcp`, or `udp` when `udp` is set). Unresolved values never count.
    fn covers(&self, port: i64, udp: bool) -> bool {
        let Some(p) = self.protocol.as_deref() else {
            return false;
        };
        match p {
            "-1" | "all" => return true,
            "tcp" | "6" => {}
            "udp" | "17" if udp => {}
            _ => return false,
        }
        match (self.from, self.to) {
            // -1 in CloudFormation means every port.
            (Some(-1), Some(-1)) => true,
            (Some(f), Some(t)) => f <= port && port <= t,
            _ => false,
        }
    }

    fn all_traffic(&self) -> bool {
        matches!(self.protocol.as_deref(), Some("-1" | "all"))
    }
}

fn is_world(cidr: &str) -> bool {
    parse_cidr(cidr).is_some_and(|(_, len, _)| len == 0)
}

fn lower(n: Option<&Node>) -> Option<String> {
    text(n).map(|t| t.trim().to_ascii_lowercase())
}

/// A Terraform rule (inline block or `aws_security_group_rule`).
fn tf_rule<'a>(
    node: &'a Node,
    span: Span,
    key: String,
    direction: Option<Direction>,
) -> SgRule<'a> {
    let mut cidrs = Strings::of(attr(node, "cidr_blocks"));
    let v6 = Strings::of(attr(node, "ipv6_cidr_blocks"));
    cidrs.known.extend(v6.known);
    cidrs.unknown |= v6.unknown;
    SgRule {
        node,
        span,
        key,
        direction,
        protocol: lower(attr(node, "protocol")),
        from: int(attr(node, "from_port")),
        to: int(attr(node, "to_port")),
        cidrs,
        description: "description",
    }
}

/// A CloudFormation rule (list item or rule resource).
fn cfn_rule<'a>(node: &'a Node, span: Span, key: String, direction: Direction) -> SgRule<'a> {
    let mut cidrs = Strings::of(attr(node, "CidrIp"));
    let v6 = Strings::of(attr(node, "CidrIpv6"));
    cidrs.known.extend(v6.known);
    cidrs.unknown |= v6.unknown;
    SgRule {
        node,
        span,
        key,
        direction: Some(direction),
        protocol: lower(attr(node, "IpProtocol")),
        from: int(attr(node, "FromPort")),
        to: int(attr(node, "ToPort")),
        cidrs,
        description: "Description",
    }
}

/// Every rule a resource writes.
fn sg_rules(r: &Resource) -> Vec<SgRule<'_>> {
    let mut out = Vec::new();
    match r.kind.as_str() {
        "aws_security_group" | "aws_default_security_group" => {
            for (dir, field) in [
                (Direction::Ingress, "ingress"),
                (Direction::Egress, "egress"),
            ] {
                let Some(list) = attr(&r.body, field) else {
                    continue;
                };
                if is_unresolved(list) {
                    continue;
                }
                for (i, rule) in elements(Some(list)).into_iter().enumerate() {
                    out.push(tf_rule(rule, rule.span, format!("{field}[{i}]"), Some(dir)));
                }
            }
        }
        "aws_security_group_rule" => {
            let dir = match lower(attr(&r.body, "type")).as_deref() {
                Some("ingress") => Some(Direction::Ingress),
                Some("egress") => Some(Direction::Egress),
                _ => None,
            };
            out.push(tf_rule(&r.body, r.span, String::new(), dir));
        }
        "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
            let dir = if r.kind.ends_with("ingress_rule") {
                Direction::Ingress
            } else {
                Direction::Egress
            };
            let mut cidrs = Strings::of(attr(&r.body, "cidr_ipv4"));
            let v6 = Strings::of(attr(&r.body, "cidr_ipv6"));
            cidrs.known.extend(v6.known);
            cidrs.unknown |= v6.unknown;
            out.push(SgRule {
                node: &r.body,
                span: r.span,
                key: String::new(),
                direction: Some(dir),
                protocol: lower(attr(&r.body, "ip_protocol")),
                from: int(attr(&r.body, "from_port")),
                to: int(attr(&r.body, "to_port")),
                cidrs,
                description: "description",
            });
        }
        "AWS::EC2::SecurityGroup" => {
            for (dir, field) in [
                (Direction::Ingress, "SecurityGroupIngress"),
                (Direction::Egress, "SecurityGroupEgress"),
            ] {
                let Some(list) = attr(&r.body, field) else {
                    continue;
                };
                if is_unresolved(list) {
                    continue;
                }
                for (i, rule) in elements(Some(list)).into_iter().enumerate() {
                    if is_unresolved(rule) {
                        continue;
                    }
                    out.push(cfn_rule(rule, rule.span, format!("{field}[{i}]"), dir));
                }
            }
        }
        "AWS::EC2::SecurityGroupIngress" => {
            out.push(cfn_rule(&r.body, r.span, String::new(), Direction::Ingress))
        }
        "AWS::EC2::SecurityGroupEgress" => {
            out.push(cfn_rule(&r.body, r.span, String::new(), Direction::Egress))
        }
        _ => {}
    }
    out
}

/// Ingress rules open to the internet on `port`.
fn open_port(r: &Resource, port: i64, udp: bool, service: &str) -> Vec<Hit> {
    sg_rules(r)
        .into_iter()
        .filter(|x| x.direction == Some(Direction::Ingress) && x.world() && x.covers(port, udp))
        .map(|x| {
            let what = if x.key.is_empty() {
                format!("`{}`", r.address)
            } else {
                format!("`{}` rule {}", r.address, x.key)
            };
            Hit::new(
                x.span,
                format!("{what} allows {service} (port {port}) from the whole internet"),
                x.key,
            )
        })
        .collect()
}

/// AG-AWS-SG-001: TCP 22 reachable from 0.0.0.0/0 or ::/0.
fn ssh_open_to_world(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    open_port(r, 22, false, "SSH")
}

/// AG-AWS-SG-002: port 3389 (TCP or UDP) reachable from the internet.
fn rdp_open_to_world(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    open_port(r, 3389, true, "RDP")
}

/// AG-AWS-SG-003: TCP 80 reachable from the internet.
fn http_open_to_world(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    open_port(r, 80, false, "plain HTTP")
}

/// AG-AWS-SG-004: every group and rule explains itself.
fn sg_rule_without_description(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    let mut hits = Vec::new();
    let missing = |n: &Node, key: &str| -> bool {
        match attr(n, key) {
            None => true,
            Some(v) if is_unresolved(v) => false,
            Some(v) => v.scalar_text().is_none_or(|t| t.trim().is_empty()),
        }
    };
    // The group itself (Terraform defaults it to "Managed by Terraform").
    if matches!(r.kind.as_str(), "aws_security_group") && missing(&r.body, "description") {
        hits.push(Hit::new(
            r.span,
            format!("`{}` has no description", r.address),
            "description",
        ));
    }
    for rule in sg_rules(r) {
        if missing(rule.node, rule.description) {
            let what = if rule.key.is_empty() {
                format!("`{}`", r.address)
            } else {
                format!("rule {} of `{}`", rule.key, r.address)
            };
            hits.push(Hit::new(
                rule.span,
                format!("{what} has no description"),
                rule.key,
            ));
        }
    }
    hits
}

/// AG-AWS-SG-005: egress of every protocol to every address.
fn egress_all_to_world(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    sg_rules(r)
        .into_iter()
        .filter(|x| x.direction == Some(Direction::Egress) && x.world() && x.all_traffic())
        .map(|x| {
            let what = if x.key.is_empty() {
                format!("`{}`", r.address)
            } else {
                format!("`{}` rule {}", r.address, x.key)
            };
            Hit::new(
                x.span,
                format!("{what} allows all outbound traffic to the whole internet"),
                x.key,
            )
        })
        .collect()
}

/// Resource kinds that only describe a security group (its rules), which do
/// not make it used.
const SG_RULE_KINDS: &[&str] = &[
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_security_group",
];

/// The address of the module call a resource comes from (`None` at the root).
fn module_of(r: &Resource) -> Option<&str> {
    r.module.as_ref().map(|m| m.address.as_str())
}

/// True when a file of `r`'s module directory mentions `r` inside a
/// top-level `output`, `locals` or `module` block. Local modules' outputs
/// and locals are not resources of the unit, so their text is read.
fn exported_in_text(r: &Resource, ctx: &Context) -> bool {
    let dir = r.file.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let needle = format!("{}.{}", r.kind, r.name);
    ctx.unit
        .files
        .iter()
        .filter(|f| {
            f.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("") == dir
                && f.path.ends_with(".tf")
                // One substring search rules out most files before any
                // line is looked at.
                && f.text.contains(&needle)
        })
        .any(|f| {
            let mut exporting = false;
            f.text.lines().any(|line| {
                let trimmed = line.trim_start();
                if trimmed.starts_with('#') || trimmed.starts_with("//") {
                    return false;
                }
                if !line.starts_with([' ', '\t', '}']) && !line.is_empty() {
                    let word = line.split([' ', '{', '"']).next().unwrap_or("");
                    exporting = matches!(word, "output" | "locals" | "module");
                }
                exporting && line.contains(&needle) && mentions(line, &r.kind, &r.name)
            })
        })
}

/// AG-AWS-SG-006: a security group some resource (instance, load balancer,
/// ENI, database, endpoint, …) uses.
fn sg_not_attached(r: &Resource, ctx: &Context) -> Vec<Hit> {
    if r.kind != "aws_security_group" {
        return Vec::new();
    }
    let here = module_of(r);
    let used = ctx
        .references_to(r)
        .any(|o| !SG_RULE_KINDS.contains(&o.kind.as_str()))
        || ctx.mentioning(&r.kind, &r.name).any(|o| {
            module_of(o) == here
                && match o.block.as_str() {
                    // Exported or passed on: its users are out of view.
                    "output" | "module" | "locals" => true,
                    "resource" => !SG_RULE_KINDS.contains(&o.kind.as_str()),
                    _ => false,
                }
        })
        || exported_in_text(r, ctx);
    if used {
        return Vec::new();
    }
    vec![Hit::new(
        r.span,
        format!("`{}` is not attached to any resource", r.address),
        "",
    )]
}

/// True when the rule's content is known: at least one of its defining
/// values is resolved. A `dynamic` block over an unknown list gives a rule
/// whose every value is unknown: it may stand for no rule at all.
fn rule_is_known(x: &SgRule) -> bool {
    x.protocol.is_some()
        || x.from.is_some()
        || x.to.is_some()
        || !x.cidrs.known.is_empty()
        || boolean(attr(x.node, "self")).is_some()
}

/// AG-AWS-SG-007: the default security group of a VPC has no rules. Reported
/// on the VPC (as Checkov does), at the VPC.
fn default_sg_not_restricted(r: &Resource, ctx: &Context) -> Vec<Hit> {
    if r.kind != "aws_vpc" {
        return Vec::new();
    }
    let here = module_of(r);
    // The VPC's default group keeps AWS's allow rules unless an
    // `aws_default_security_group` adopts it (and empties it).
    let mut adopters: Vec<&Resource> = ctx
        .references_to(r)
        .filter(|o| o.kind == "aws_default_security_group")
        .collect();
    for d in ctx.by_kind("aws_default_security_group") {
        if module_of(d) == here
            && !adopters.iter().any(|a| std::ptr::eq(*a, d))
            && attr(&d.body, "vpc_id").is_some_and(|v| {
                reference_texts(v)
                    .iter()
                    .any(|t| mentions(t, &r.kind, &r.name))
            })
        {
            adopters.push(d);
        }
    }
    if adopters.is_empty() {
        return vec![Hit::new(
            r.span,
            format!(
                "the default security group of `{}` is not restricted (no `aws_default_security_group` empties it)",
                r.address
            ),
            "",
        )];
    }
    for d in adopters {
        if let Some(x) = sg_rules(d).into_iter().find(rule_is_known) {
            return vec![Hit::new(
                r.span,
                format!(
                    "the default security group of `{}` keeps rule {} (`{}`)",
                    r.address, x.key, d.address
                ),
                "",
            )];
        }
    }
    Vec::new()
}

// ---------------------------------------------------------------------------
// EC2 and VPC
// ---------------------------------------------------------------------------

/// AG-AWS-EC2-004: an `aws_availability_zones` data source names the zones it may return.
fn az_not_pinned(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    if r.kind != "aws_availability_zones" || r.block != "data" {
        return Vec::new();
    }
    let mut unknown = false;
    let pinned = elements(attr(&r.body, "filter")).into_iter().any(|f| {
        if is_unresolved(f) {
            unknown = true;
            return false;
        }
        match lower(attr(f, "name")) {
            Some(name) => matches!(name.as_str(), "zone-name" | "zone-id"),
            None => {
                unknown |= attr(f, "name").is_some();
                false
            }
        }
    });
    if pinned || unknown {
        return Vec::new();
    }
    vec![Hit::new(
        r.span,
        format!(
            "`{}` returns whatever zones the region has; pin them with a `zone-name` or `zone-id` filter",
            r.address
        ),
        "",
    )]
}

// ---------------------------------------------------------------------------
// Neptune snapshots
// ---------------------------------------------------------------------------

/// The Neptune cluster an `aws_neptune_cluster_snapshot` is taken from, when
/// `db_cluster_identifier` refers to one in the unit. The snapshot's own
/// `storage_encrypted` and `kms_key_id` are read-only (computed from the
/// cluster), so the cluster is what decides.
fn snapshot_cluster<'a>(r: &Resource, ctx: &Context<'a>) -> Option<&'a Resource> {
    if r.kind != "aws_neptune_cluster_snapshot" {
        return None;
    }
    ctx.references_from(r)
        .find(|c| c.kind == "aws_neptune_cluster")
}

/// The span of the snapshot's `db_cluster_identifier`, else the snapshot.
fn snapshot_span(r: &Resource) -> Span {
    r.body
        .entry("db_cluster_identifier")
        .map(|(k, v)| if k.span.is_empty() { v.span } else { k.span })
        .unwrap_or(r.span)
}

/// AG-AWS-NEPTUNE-008: a snapshot of a cluster whose storage is not encrypted.
fn neptune_snapshot_unencrypted(r: &Resource, ctx: &Context) -> Vec<Hit> {
    let Some(cluster) = snapshot_cluster(r, ctx) else {
        return Vec::new();
    };
    let encrypted = attr(&cluster.body, "storage_encrypted");
    if encrypted.is_some_and(is_unresolved) || boolean(encrypted) == Some(true) {
        return Vec::new();
    }
    vec![Hit::new(
        snapshot_span(r),
        format!(
            "`{}` copies `{}`, whose storage is not encrypted, so the snapshot is not encrypted either",
            r.address, cluster.address
        ),
        "db_cluster_identifier",
    )]
}

/// AG-AWS-NEPTUNE-009: a snapshot of a cluster without a customer-managed key.
fn neptune_snapshot_without_cmk(r: &Resource, ctx: &Context) -> Vec<Hit> {
    let Some(cluster) = snapshot_cluster(r, ctx) else {
        return Vec::new();
    };
    if attr(&cluster.body, "kms_key_arn").is_some() {
        return Vec::new();
    }
    vec![Hit::new(
        snapshot_span(r),
        format!(
            "`{}` copies `{}`, which names no customer-managed KMS key (`kms_key_arn`)",
            r.address, cluster.address
        ),
        "db_cluster_identifier",
    )]
}

/// AG-AWS-EC2-005: every EBS volume an instance or launch configuration creates is encrypted.
fn instance_volume_unencrypted(r: &Resource, ctx: &Context) -> Vec<Hit> {
    if !matches!(r.kind.as_str(), "aws_instance" | "aws_launch_configuration") {
        return Vec::new();
    }
    // Account-level EBS encryption by default, managed in the same unit,
    // encrypts every new volume.
    if ctx
        .by_kind("aws_ebs_encryption_by_default")
        .any(|e| boolean(attr(&e.body, "enabled")) != Some(false))
    {
        return Vec::new();
    }
    let mut hits = Vec::new();
    let root = attr(&r.body, "root_block_device");
    if root.is_none() {
        // Without the block the root volume is created unencrypted (unless
        // account-level EBS encryption by default is on, which code cannot see).
        hits.push(Hit::new(
            r.span,
            format!(
                "`{}` does not encrypt its root volume (no `root_block_device`)",
                r.address
            ),
            "root_block_device",
        ));
    }
    for field in ["root_block_device", "ebs_block_device"] {
        for (i, b) in elements(attr(&r.body, field)).into_iter().enumerate() {
            if is_unresolved(b) {
                continue;
            }
            // A volume made from a snapshot takes the snapshot's encryption.
            if attr(b, "snapshot_id").is_some() {
                continue;
            }
            let enc = attr(b, "encrypted");
            if enc.is_some_and(is_unresolved) {
                continue;
            }
            if boolean(enc) != Some(true) {
                hits.push(Hit::new(
                    b.span,
                    format!("`{}` {field} {} is not encrypted", r.address, i + 1),
                    format!("{field}[{i}]"),
                ));
            }
        }
    }
    hits
}

/// AG-AWS-VPC-002: Terraform adopts (and so keeps using) the region's default VPC.
fn default_vpc_managed(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    if r.kind != "aws_default_vpc" {
        return Vec::new();
    }
    vec![Hit::new(
        r.span,
        format!(
            "`{}` manages the region's default VPC; build a VPC of your own",
            r.address
        ),
        "",
    )]
}

/// AG-AWS-VPC-003: a VPC has a flow log.
fn vpc_without_flow_log(r: &Resource, ctx: &Context) -> Vec<Hit> {
    let logged = match r.kind.as_str() {
        "aws_vpc" => {
            ctx.references_to(r).any(|o| o.kind == "aws_flow_log")
                || ctx.by_kind("aws_flow_log").any(|f| {
                    attr(&f.body, "vpc_id").is_some_and(|v| {
                        reference_texts(v)
                            .iter()
                            .any(|t| mentions(t, &r.kind, &r.name))
                    })
                })
        }
        "AWS::EC2::VPC" => ctx.references_to(r).any(|o| o.kind == "AWS::EC2::FlowLog"),
        _ => true,
    };
    if logged {
        return Vec::new();
    }
    vec![Hit::new(
        r.span,
        format!("`{}` has no flow log", r.address),
        "",
    )]
}

/// AG-AWS-RDS-021: an AWS Backup selection covers the cluster.
fn rds_cluster_backup_plan(r: &Resource, ctx: &Context) -> Vec<Hit> {
    if r.kind != "aws_rds_cluster" {
        return Vec::new();
    }
    let mut covered = ctx
        .references_to(r)
        .any(|o| o.kind == "aws_backup_selection");
    for sel in ctx.by_kind("aws_backup_selection") {
        if covered {
            break;
        }
        // Selections by tag or condition, wildcard ARNs and unresolved
        // lists may include the cluster: not reported. A reference to
        // another resource (`aws_rds_cluster.other.arn`) does not.
        let covers = |n: &Node| match &n.value {
            Value::Str(a) => a == "*" || a.ends_with(":*"),
            Value::Unknown(t) => {
                mentions(t, &r.kind, &r.name) || !(t.starts_with("aws_") && t.contains('.'))
            }
            _ => is_unresolved(n),
        };
        covered = attr(&sel.body, "selection_tag").is_some()
            || attr(&sel.body, "condition").is_some()
            || match attr(&sel.body, "resources") {
                Some(list) if list.as_seq().is_some() => {
                    list.as_seq().unwrap_or(&[]).iter().any(covers)
                }
                Some(other) => covers(other),
                None => false,
            };
    }
    if covered {
        return Vec::new();
    }
    vec![Hit::new(
        r.span,
        format!("`{}` is not selected by any AWS Backup plan", r.address),
        "",
    )]
}

// ---------------------------------------------------------------------------
// Load balancers
// ---------------------------------------------------------------------------

/// The value of a CloudFormation `LoadBalancerAttributes` entry:
/// `Some(Some(v))` known, `Some(None)` present but unresolved, `None` absent.
fn lb_attribute(body: &Node, key: &str) -> Option<Option<String>> {
    let list = attr(body, "LoadBalancerAttributes")?;
    if is_unresolved(list) {
        return Some(None);
    }
    for item in elements(Some(list)) {
        if is_unresolved(item) {
            return Some(None);
        }
        if text(attr(item, "Key")).as_deref() == Some(key) {
            return Some(text(attr(item, "Value")).map(|v| v.to_ascii_lowercase()));
        }
    }
    None
}

/// The load balancer type: `application` unless stated.
fn lb_type(r: &Resource) -> Option<String> {
    let field = if r.kind.starts_with("AWS::") {
        "Type"
    } else {
        "load_balancer_type"
    };
    match attr(&r.body, field) {
        None => Some("application".into()),
        some => lower(some),
    }
}

/// AG-AWS-ELB-001: an application or network load balancer writes access logs.
fn alb_without_access_logs(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    let on = match r.kind.as_str() {
        "aws_lb" | "aws_alb" => {
            if lb_type(r).is_none_or(|t| t == "gateway") {
                return Vec::new();
            }
            let logs = elements(attr(&r.body, "access_logs"));
            if logs
                .iter()
                .any(|l| is_unresolved(l) || attr(l, "enabled").is_some_and(is_unresolved))
            {
                return Vec::new();
            }
            logs.iter()
                .any(|l| boolean(attr(l, "enabled")) == Some(true))
        }
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
            if lb_type(r).is_none_or(|t| t == "gateway") {
                return Vec::new();
            }
            match lb_attribute(&r.body, "access_logs.s3.enabled") {
                Some(None) => return Vec::new(),
                Some(Some(v)) => v == "true",
                None => false,
            }
        }
        _ => return Vec::new(),
    };
    if on {
        return Vec::new();
    }
    vec![Hit::new(
        r.span,
        format!("`{}` does not write access logs", r.address),
        "",
    )]
}

/// AG-AWS-ELB-002: an application load balancer drops invalid HTTP headers.
fn alb_keeps_invalid_headers(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    if lb_type(r).as_deref() != Some("application") {
        return Vec::new();
    }
    let drops = match r.kind.as_str() {
        "aws_lb" | "aws_alb" => {
            let v = attr(&r.body, "drop_invalid_header_fields");
            if v.is_some_and(is_unresolved) {
                return Vec::new();
            }
            boolean(v) == Some(true)
        }
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
            match lb_attribute(&r.body, "routing.http.drop_invalid_header_fields.enabled") {
                Some(None) => return Vec::new(),
                Some(Some(v)) => v == "true",
                None => false,
            }
        }
        _ => return Vec::new(),
    };
    if drops {
        return Vec::new();
    }
    vec![Hit::new(
        r.span,
        format!("`{}` forwards HTTP headers that are not valid", r.address),
        "",
    )]
}

/// A listener's protocol and what its default action does.
struct Listener<'a> {
    protocol: Option<String>,
    protocol_present: bool,
    ssl_policy: Option<&'a Node>,
    /// `Some(true)` when the default action redirects to HTTPS; `None` when unresolved.
    redirects_to_https: Option<bool>,
}

fn listener(r: &Resource) -> Option<Listener<'_>> {
    let cfn = match r.kind.as_str() {
        "aws_lb_listener" | "aws_alb_listener" => false,
        "AWS::ElasticLoadBalancingV2::Listener" => true,
        _ => return None,
    };
    let (p_key, pol_key, act_key, type_key, redir_key, rproto_key) = if cfn {
        (
            "Protocol",
            "SslPolicy",
            "DefaultActions",
            "Type",
            "RedirectConfig",
            "Protocol",
        )
    } else {
        (
            "protocol",
            "ssl_policy",
            "default_action",
            "type",
            "redirect",
            "protocol",
        )
    };
    let protocol_node = attr(&r.body, p_key);
    let mut redirects = Some(false);
    match attr(&r.body, act_key) {
        Some(a) if is_unresolved(a) => redirects = None,
        a => {
            for action in elements(a) {
                if is_unresolved(action) {
                    redirects = None;
                    continue;
                }
                let ty = attr(action, type_key);
                let rp = elements(attr(action, redir_key))
                    .into_iter()
                    .map(|x| attr(x, rproto_key))
                    .next()
                    .flatten();
                if ty.is_some_and(is_unresolved) || rp.is_some_and(is_unresolved) {
                    redirects = None;
                    continue;
                }
                if lower(ty).as_deref() == Some("redirect") && text(rp).as_deref() == Some("HTTPS")
                {
                    redirects = Some(true);
                    break;
                }
            }
        }
    }
    Some(Listener {
        protocol: protocol_node
            .and_then(|p| text(Some(p)))
            .map(|p| p.to_ascii_uppercase()),
        protocol_present: protocol_node.is_some(),
        ssl_policy: attr(&r.body, pol_key),
        redirects_to_https: redirects,
    })
}

/// AG-AWS-ELB-003: TLS listeners use a policy that allows TLS 1.2 or later only.
fn listener_tls_policy_outdated(r: &Resource, _ctx: &Context) -> Vec<Hit> {
    let Some(l) = listener(r) else {
        return Vec::new();
    };
    match l.protocol.as_deref() {
        Some("HTTPS" | "TLS") => {}
        // A plain HTTP listener that does not redirect uses no TLS at all.
        Some("HTTP") if l.redirects_to_https == Some(false) => {
            return vec![Hit::new(
                r.span,
                format!("`{}` serves plain HTTP, without TLS", r.address),
                "",
            )];
        }
        _ => return Vec::new(),
    }
    let policy = match l.ssl_policy {
        Some(p) if is_unresolved(p) => return Vec::new(),
        Some(p) => p.scalar_text(),
        // Without one, the ELB default policy (ELBSecurityPolicy-2016-08) allows TLS 1.0.
        None => None,
    };
    if policy.as_deref().is_some_and(modern_tls_policy) {
        return Vec::new();
    }
    let span = l.ssl_policy.map(|p| p.span).unwrap_or(r.span);
    vec![Hit::new(
        span,
        format!(
            "`{}` accepts TLS versions older than 1.2 (policy {})",
            r.address,
            policy
                .as_deref()
                .unwrap_or("ELBSecurityPolicy-2016-08, the default")
        ),
        "",
    )]
}

/// ELB security policies that accept only TLS 1.2 and 1.3.
fn modern_tls_policy(name: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "ELBSecurityPolicy-TLS13-",
        "ELBSecurityPolicy-TLS-1-2",
        "ELBSecurityPolicy-FS-1-2",
    ];
    PREFIXES.iter().any(|p| name.starts_with(p))
}

/// AG-AWS-ELB-004: a listener serves HTTP only to redirect it to HTTPS.
fn listener_plain_http(r: &Resource, ctx: &Context) -> Vec<Hit> {
    let Some(l) = listener(r) else {
        return Vec::new();
    };
    let plain = match l.protocol.as_deref() {
        Some("HTTP") => true,
        // Without a protocol, a listener of an application load balancer
        // is HTTP; network and gateway listeners are not. Decide only when
        // the load balancer is in view.
        None if !l.protocol_present => ctx
            .references_from(r)
            .find(|o| {
                matches!(
                    o.kind.as_str(),
                    "aws_lb" | "aws_alb" | "AWS::ElasticLoadBalancingV2::LoadBalancer"
                )
            })
            .is_some_and(|lb| lb_type(lb).as_deref() == Some("application")),
        _ => false,
    };
    if !plain || l.redirects_to_https != Some(false) {
        return Vec::new();
    }
    vec![Hit::new(
        r.span,
        format!(
            "`{}` serves plain HTTP instead of redirecting to HTTPS",
            r.address
        ),
        "",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_iam_wildcards() {
        assert!(glob("Put*", "PutBucketPolicy"));
        assert!(glob("*Policy", "PutBucketPolicy"));
        assert!(glob("Get?bject", "GetObject"));
        assert!(!glob("Get*", "PutObject"));
        assert!(glob("*", "Anything"));
        assert!(glob("put*", "PutObject"), "IAM matching ignores case");
    }

    #[test]
    fn access_levels_follow_the_verb() {
        assert_eq!(access_of("s3", "GetObject"), Access::Read);
        assert_eq!(access_of("s3", "ListBucket"), Access::List);
        assert_eq!(access_of("s3", "PutObject"), Access::Write);
        assert_eq!(
            access_of("s3", "PutBucketPolicy"),
            Access::PermissionsManagement
        );
        assert_eq!(
            access_of("ec2", "CreateNetworkInterfacePermission"),
            Access::PermissionsManagement
        );
        assert_eq!(
            access_of("iam", "AttachRolePolicy"),
            Access::PermissionsManagement
        );
        assert_eq!(access_of("iam", "GetRolePolicy"), Access::Read);
        assert_eq!(access_of("ec2", "CreateTags"), Access::Tagging);
        assert_eq!(access_of("ecs", "UpdateService"), Access::Write);
        assert_eq!(
            access_of("eks-auth", "AssumeRoleForPodIdentity"),
            Access::Read
        );
        assert_eq!(access_of("sts", "AssumeRole"), Access::Write);
    }

    #[test]
    fn wildcards_grant_what_they_can_match() {
        assert!(grants("*", Access::Write));
        assert!(grants("s3:*", Access::Write));
        assert!(grants("s3:Put*", Access::PermissionsManagement));
        assert!(!grants("s3:Get*", Access::Write));
        assert!(!grants("ec2:Describe*", Access::Write));
        assert!(grants("ecs:Submit*", Access::Write));
        assert!(!grants("logs:Create*", Access::PermissionsManagement));
        assert!(
            !grants("cloudwatch:PutMetricData", Access::Write),
            "wildcard-only action"
        );
    }

    #[test]
    fn restrictable_actions() {
        assert!(restrictable("s3:GetObject"));
        assert!(!restrictable("ec2:DescribeInstances"));
        assert!(!restrictable("s3:ListAllMyBuckets"));
        assert!(restrictable("dynamodb:PutItem"));
        assert!(!restrictable("xray:PutTraceSegments"));
        assert!(!restrictable("pricing:GetProducts"));
        assert!(!restrictable("pricing:*"));
    }

    #[test]
    fn world_cidrs() {
        assert!(is_world("0.0.0.0/0"));
        assert!(is_world("::/0"));
        assert!(!is_world("10.0.0.0/8"));
        assert!(!is_world("not a cidr"));
    }

    #[test]
    fn mentions_needs_whole_names() {
        assert!(mentions("aws_vpc.main.id", "aws_vpc", "main"));
        assert!(mentions("${aws_vpc.main[0].id}", "aws_vpc", "main"));
        assert!(!mentions("aws_vpc.main2.id", "aws_vpc", "main"));
        assert!(!mentions("module.x.aws_vpc.mainly", "aws_vpc", "main"));
    }

    /// A CloudFormation `AWS::IAM::Policy` whose properties are `props` (YAML).
    fn cfn_policy(props: &str) -> Resource {
        let body = archgate_core::yaml::parse_documents(props)
            .ok()
            .and_then(|d| d.into_iter().next())
            .unwrap_or_else(|| Node::new(Value::Null, Span::default()));
        Resource {
            source: archgate_iac::SourceKind::CloudFormation,
            block: "resource".into(),
            address: "AWS::IAM::Policy.P".into(),
            name: "P".into(),
            kind: "AWS::IAM::Policy".into(),
            file: "t.yaml".into(),
            span: body.span,
            body,
            module: None,
            multiple: false,
            labels: Vec::new(),
        }
    }

    fn sensitive(props: &str, targets: &[&str]) -> Vec<String> {
        sensitive_unconstrained_hits(&cfn_policy(props), targets, "x")
            .into_iter()
            .map(|h| h.message)
            .collect()
    }

    #[test]
    fn credential_and_data_actions_through_wildcards() {
        let service_wide = "PolicyDocument:
  Statement:
    - Effect: Allow
      Action: ['s3:*', 'ec2:*']
      Resource: '*'
";
        let creds = sensitive(service_wide, CREDENTIAL_ACTIONS);
        assert_eq!(creds.len(), 1);
        assert!(creds[0].contains("ec2:GetPasswordData"), "{creds:?}");
        let data = sensitive(service_wide, DATA_READ_ACTIONS);
        assert!(data[0].contains("s3:GetObject"), "{data:?}");
        assert!(!data[0].contains("ssm:"), "{data:?}");

        let scoped = "PolicyDocument:
  Statement:
    - Effect: Allow
      Action: ['sts:AssumeRole', 'secretsmanager:GetSecretValue']
      Resource: 'arn:aws:iam::123456789012:role/deploy'
    - Effect: Allow
      Action: ['ecr:GetAuthorizationToken', 's3:ListAllMyBuckets']
      Resource: '*'
";
        assert!(sensitive(scoped, CREDENTIAL_ACTIONS).is_empty());
        assert!(sensitive(scoped, DATA_READ_ACTIONS).is_empty());

        let not_action = "PolicyDocument:
  Statement:
    - Effect: Allow
      NotAction: ['iam:*', 'sts:*']
      Resource: '*'
";
        let creds = sensitive(not_action, &["sts:AssumeRole", "ec2:GetPasswordData"]);
        assert_eq!(creds.len(), 1);
        assert!(creds[0].ends_with(": ec2:GetPasswordData"), "{creds:?}");
    }

    #[test]
    fn tls_policies() {
        assert!(modern_tls_policy("ELBSecurityPolicy-TLS13-1-2-2021-06"));
        assert!(modern_tls_policy("ELBSecurityPolicy-TLS-1-2-2017-01"));
        assert!(!modern_tls_policy("ELBSecurityPolicy-2016-08"));
        assert!(!modern_tls_policy("ELBSecurityPolicy-TLS-1-1-2017-01"));
    }
}
