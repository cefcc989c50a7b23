//! CloudFormation templates (YAML and JSON) to [`Resource`]s.
//!
//! A document is a template when it has `AWSTemplateFormatVersion`, or a
//! `Resources` mapping with at least one entry whose `Type` starts with
//! `AWS::` (see [`looks_like_template`]). Each logical resource becomes one
//! [`Resource`]:
//!
//! - `kind` = the resource type (`AWS::S3::Bucket`), `name` = the logical id,
//!   `address` = `AWS::S3::Bucket.Logs` (Checkov's resource id);
//! - `span` = the logical resource entry, from its key through the last line
//!   of its value (Checkov's line range);
//! - `body` = the resource's `Properties` mapping (an empty mapping when it
//!   has none), so attribute paths are relative to `Properties`
//!   (`BucketEncryption.ServerSideEncryptionConfiguration`) as in Checkov's
//!   CloudFormation custom policies. The rest of the entry (`Type`,
//!   `DependsOn`, `Condition`, `Metadata`, `DeletionPolicy`,
//!   `UpdateReplacePolicy`, …) is appended to the body under the reserved key
//!   [`RESOURCE_KEY`] (`__resource__`), so rules can still reach it;
//! - `labels` = the `Properties.Tags` key/value pairs.
//!
//! Values are normalised before rules see them: short-form tags (`!Ref X`,
//! `!GetAtt A.B`, `!Sub …`, `!If …`, …) become their long form (`{"Ref": X}`,
//! `{"Fn::GetAtt": [A, B]}`, `{"Fn::Sub": …}`), so YAML and JSON templates
//! look the same. A `Ref` to a template parameter that has a `Default` is
//! replaced by that default (as Checkov does), keeping the span of the `Ref`;
//! every other intrinsic stays a mapping that rules must treat as unknown
//! ([`is_intrinsic`]). Not a CloudFormation evaluator: conditions, mappings
//! and `Fn::Sub` are not computed, and `Metadata` suppressions are not read here.

use crate::extent::span_through;
use crate::{Resource, SourceKind};
use archgate_core::{InputError, Key, LineIndex, Node, Value};

/// Key under which a resource body keeps the entry's non-`Properties` attributes.
pub const RESOURCE_KEY: &str = "__resource__";

/// True when `doc` is a CloudFormation template.
pub fn looks_like_template(doc: &Node) -> bool {
    if doc.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    doc.get("Resources")
        .and_then(Node::as_map)
        .is_some_and(|entries| {
            entries.iter().any(|(_, r)| {
                r.get("Type")
                    .and_then(Node::as_str)
                    .is_some_and(|t| t.starts_with("AWS::"))
            })
        })
}

/// True for an unevaluated intrinsic function (`{"Ref": …}`, `{"Fn::…": …}`,
/// `{"Condition": …}`) or a tag archgate did not normalise: rules must treat
/// such a value as unknown, never as a literal.
pub fn is_intrinsic(node: &Node) -> bool {
    match &node.value {
        Value::Map(entries) if entries.len() == 1 => {
            let k = &entries[0].0.name;
            k == "Ref" || k == "Condition" || k.starts_with("Fn::")
        }
        Value::Tagged(..) | Value::Unknown(_) => true,
        _ => false,
    }
}

/// The long-form name of a short-form tag (`!Ref` → `Ref`, `!Sub` → `Fn::Sub`).
fn long_form(tag: &str) -> Option<String> {
    let name = tag.strip_prefix('!')?;
    match name {
        "Ref" | "Condition" => Some(name.to_string()),
        "Base64" | "Cidr" | "FindInMap" | "GetAtt" | "GetAZs" | "ImportValue" | "Join"
        | "Select" | "Split" | "Sub" | "Transform" | "And" | "Equals" | "If" | "Not" | "Or"
        | "ToJsonString" | "Length" | "ForEach" => Some(format!("Fn::{name}")),
        _ => None,
    }
}

/// Rewrites short-form tags to long-form mappings, recursively.
pub fn normalize(node: Node) -> Node {
    let span = node.span;
    match node.value {
        Value::Tagged(tag, inner) => {
            let inner = normalize(*inner);
            match long_form(&tag) {
                Some(name) => {
                    let arg = if name == "Fn::GetAtt" {
                        split_get_att(inner)
                    } else {
                        inner
                    };
                    let key = Key { name, span };
                    Node::new(Value::Map(vec![(key, arg)]), span)
                }
                None => Node::new(Value::Tagged(tag, Box::new(inner)), span),
            }
        }
        Value::Map(entries) => Node::new(
            Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, normalize(v)))
                    .collect(),
            ),
            span,
        ),
        Value::Seq(items) => {
            Node::new(Value::Seq(items.into_iter().map(normalize).collect()), span)
        }
        other => Node::new(other, span),
    }
}

/// `!GetAtt Logical.Attr.Sub` → `[Logical, Attr.Sub]` (split on the first dot).
fn split_get_att(arg: Node) -> Node {
    let span = arg.span;
    match &arg.value {
        Value::Str(s) => match s.split_once('.') {
            Some((res, attr)) => Node::new(
                Value::Seq(vec![
                    Node::new(Value::Str(res.to_string()), span),
                    Node::new(Value::Str(attr.to_string()), span),
                ]),
                span,
            ),
            None => arg,
        },
        _ => arg,
    }
}

/// Replaces `{"Ref": P}` by parameter `P`'s `Default` where it has one; the
/// default's value is used with the span of the `Ref` (where a finding belongs).
fn resolve_refs(node: Node, defaults: &[(String, Node)]) -> Node {
    let span = node.span;
    match node.value {
        Value::Map(entries) => {
            if entries.len() == 1 && entries[0].0.name == "Ref" {
                if let Some(name) = entries[0].1.as_str() {
                    if let Some((_, default)) = defaults.iter().find(|(k, _)| k == name) {
                        let mut d = default.clone();
                        d.span = span;
                        return d;
                    }
                }
                return Node::new(Value::Map(entries), span);
            }
            Node::new(
                Value::Map(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k, resolve_refs(v, defaults)))
                        .collect(),
                ),
                span,
            )
        }
        Value::Seq(items) => Node::new(
            Value::Seq(
                items
                    .into_iter()
                    .map(|v| resolve_refs(v, defaults))
                    .collect(),
            ),
            span,
        ),
        other => Node::new(other, span),
    }
}

/// The resources of one template document. `text` is the file's text (for
/// spans); `doc` should satisfy [`looks_like_template`].
pub fn resources_from_template(
    path: &str,
    text: &str,
    index: &LineIndex,
    doc: Node,
) -> (Vec<Resource>, Vec<InputError>) {
    let mut resources = Vec::new();
    let mut errors = Vec::new();
    let Value::Map(sections) = normalize(doc).value else {
        return (resources, errors);
    };
    // Only parameters with a default can be resolved; keep just those.
    let defaults: Vec<(String, Node)> = sections
        .iter()
        .find(|(k, _)| k.name == "Parameters")
        .and_then(|(_, p)| p.as_map())
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, p)| Some((k.name.clone(), p.get("Default")?.clone())))
        .collect();
    // The template is consumed: resource bodies are moved out of it, not copied.
    let Some((_, section)) = sections.into_iter().find(|(k, _)| k.name == "Resources") else {
        return (resources, errors);
    };
    let section_span = section.span;
    let Value::Map(entries) = section.value else {
        errors.push(
            InputError::new(
                path,
                section_span.line,
                section_span.col,
                format!("`Resources` is {}", section.value.type_name()),
            )
            .expected("a mapping of logical ids to resources"),
        );
        return (resources, errors);
    };
    for (key, entry) in entries {
        // `Fn::ForEach::Name` (language extension) expands to resources at
        // deploy time; it is not one resource itself.
        if key.name.starts_with("Fn::ForEach") {
            continue;
        }
        if entry.as_map().is_none() {
            errors.push(
                InputError::new(
                    path,
                    entry.span.line,
                    entry.span.col,
                    format!("resource `{}` is {}", key.name, entry.type_name()),
                )
                .expected("a mapping with `Type` and `Properties`"),
            );
            continue;
        }
        let Some(kind) = entry.get("Type").and_then(Node::as_str).map(str::to_string) else {
            errors.push(
                InputError::new(
                    path,
                    key.span.line,
                    key.span.col,
                    format!("resource `{}` has no string `Type`", key.name),
                )
                .expected("`Type: AWS::Service::Resource`"),
            );
            continue;
        };
        let span = span_through(index, text, key.span.start, &entry);
        let entry_span = entry.span;
        let Value::Map(fields) = entry.value else {
            continue;
        };
        let mut properties = None;
        let mut rest = Vec::with_capacity(fields.len());
        for (k, v) in fields {
            if k.name == "Properties" && properties.is_none() {
                properties = Some(v);
            } else {
                rest.push((k, v));
            }
        }
        let mut body = match properties {
            Some(p) if defaults.is_empty() => p,
            Some(p) => resolve_refs(p, &defaults),
            None => Node::new(Value::Map(Vec::new()), span),
        };
        let labels = body.get("Tags").map(tag_pairs).unwrap_or_default();
        if let Value::Map(props) = &mut body.value {
            props.push((
                Key {
                    name: RESOURCE_KEY.to_string(),
                    span: key.span,
                },
                Node::new(Value::Map(rest), entry_span),
            ));
        }
        resources.push(Resource {
            source: SourceKind::CloudFormation,
            block: "resource".to_string(),
            address: format!("{kind}.{}", key.name),
            kind,
            name: key.name,
            file: path.to_string(),
            span,
            body,
            module: None,
            multiple: false,
            labels,
        });
    }
    (resources, errors)
}

/// `Tags: [{Key: k, Value: v}]` (or a plain mapping) as label pairs; tags
/// whose key or value is not a literal are left out.
fn tag_pairs(tags: &Node) -> Vec<(String, String)> {
    match &tags.value {
        Value::Seq(items) => items
            .iter()
            .filter_map(|t| {
                let k = t.get("Key")?.scalar_text()?;
                let v = t.get("Value")?.scalar_text()?;
                Some((k, v))
            })
            .collect(),
        Value::Map(entries) => entries
            .iter()
            .filter_map(|(k, v)| Some((k.name.clone(), v.scalar_text()?)))
            .collect(),
        _ => Vec::new(),
    }
}

/// Reads every template document of a YAML file. Documents that are not
/// templates are ignored.
pub fn parse_yaml(path: &str, text: &str) -> (Vec<Resource>, Vec<InputError>) {
    match archgate_core::yaml::parse_documents(text) {
        Ok(docs) => from_yaml_documents(path, text, docs),
        Err(e) => (Vec::new(), vec![crate::discover::yaml_error(path, &e)]),
    }
}

/// The resources of already parsed YAML documents (for callers that parsed
/// the file once and then decided it is CloudFormation).
pub fn from_yaml_documents(
    path: &str,
    text: &str,
    docs: Vec<Node>,
) -> (Vec<Resource>, Vec<InputError>) {
    let index = LineIndex::new(text);
    let mut resources = Vec::new();
    let mut errors = Vec::new();
    for doc in docs.into_iter().filter(looks_like_template) {
        let (r, e) = resources_from_template(path, text, &index, doc);
        resources.extend(r);
        errors.extend(e);
    }
    (resources, errors)
}

/// Reads a JSON template; JSON that is not a template yields nothing.
pub fn parse_json(path: &str, text: &str) -> (Vec<Resource>, Vec<InputError>) {
    match crate::json::parse(path, text) {
        Ok(doc) if looks_like_template(&doc) => {
            resources_from_template(path, text, &LineIndex::new(text), doc)
        }
        Ok(_) => (Vec::new(), Vec::new()),
        Err(e) => (Vec::new(), vec![e]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  BucketName:
    Type: String
    Default: my-logs
  Env:
    Type: String
Resources:
  Logs:
    Type: AWS::S3::Bucket
    DependsOn: Key
    Properties:
      BucketName: !Ref BucketName
      Owner: !Ref Env
      Arn: !GetAtt Key.Arn
      Url: !Join ["", ["https://", !Ref "AWS::Region", !GetAtt [Key, Arn]]]
      Tags:
        - Key: archgate:component
          Value: billing

  # the key
  Key:
    Type: AWS::KMS::Key
"#;

    fn parse(t: &str) -> (Vec<Resource>, Vec<InputError>) {
        parse_yaml("t.yaml", t)
    }

    #[test]
    fn resources_have_checkov_addresses_and_entry_spans() {
        let (res, errs) = parse(TEMPLATE);
        assert!(errs.is_empty(), "{errs:?}");
        let addrs: Vec<_> = res.iter().map(|r| r.address.as_str()).collect();
        assert_eq!(addrs, ["AWS::S3::Bucket.Logs", "AWS::KMS::Key.Key"]);
        assert_eq!((res[0].span.line, res[0].span.end_line), (9, 19));
        assert_eq!((res[1].span.line, res[1].span.end_line), (22, 23));
        assert_eq!(
            res[0].labels,
            [("archgate:component".into(), "billing".into())]
        );
        assert_eq!(res[0].source, SourceKind::CloudFormation);
    }

    #[test]
    fn short_tags_become_long_form_and_defaults_resolve() {
        let (res, _) = parse(TEMPLATE);
        let b = &res[0].body;
        // Ref to a parameter with a Default: the default, at the Ref's position.
        assert_eq!(b.get("BucketName").and_then(Node::as_str), Some("my-logs"));
        assert_eq!(b.get("BucketName").unwrap().span.line, 13);
        // Ref to a parameter without a default stays an intrinsic.
        let owner = b.get("Owner").unwrap();
        assert!(is_intrinsic(owner));
        assert_eq!(owner.path("Ref").and_then(Node::as_str), Some("Env"));
        let arn = b.get("Arn").unwrap();
        assert_eq!(
            arn.to_json(),
            serde_json::json!({"Fn::GetAtt": ["Key", "Arn"]})
        );
        assert_eq!(
            b.get("Url").unwrap().to_json(),
            serde_json::json!({"Fn::Join": ["", ["https://", {"Ref": "AWS::Region"}, {"Fn::GetAtt": ["Key", "Arn"]}]]})
        );
        assert!(!is_intrinsic(b.get("BucketName").unwrap()));
    }

    #[test]
    fn non_properties_attributes_are_kept_under_reserved_key() {
        let (res, _) = parse(TEMPLATE);
        let r = res[0].body.get(RESOURCE_KEY).unwrap();
        assert_eq!(r.get("DependsOn").and_then(Node::as_str), Some("Key"));
        assert_eq!(
            r.get("Type").and_then(Node::as_str),
            Some("AWS::S3::Bucket")
        );
        assert!(r.get("Properties").is_none());
        // A resource without Properties has an empty body apart from the reserved key.
        let k = res[1].body.as_map().unwrap();
        assert_eq!(k.len(), 1);
    }

    #[test]
    fn nested_short_tags_in_block_sequences() {
        let t = "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: !Sub\n        - arn:${P}\n        - P: !Select [0, !Split [',', !ImportValue X]]\n      Cond: !If [IsProd, !Base64 abc, !Ref AWS::NoValue]\n      Azs: !GetAZs ''\n";
        let (res, errs) = parse(t);
        assert!(errs.is_empty());
        let b = &res[0].body;
        assert_eq!(
            b.get("Role").unwrap().to_json(),
            serde_json::json!({"Fn::Sub": ["arn:${P}", {"P": {"Fn::Select": [0, {"Fn::Split": [",", {"Fn::ImportValue": "X"}]}]}}]})
        );
        assert_eq!(
            b.get("Cond").unwrap().to_json(),
            serde_json::json!({"Fn::If": ["IsProd", {"Fn::Base64": "abc"}, {"Ref": "AWS::NoValue"}]})
        );
        assert_eq!(
            b.get("Azs").unwrap().to_json(),
            serde_json::json!({"Fn::GetAZs": ""})
        );
    }

    #[test]
    fn json_templates_match_yaml() {
        let t = r#"{
  "Parameters": {"Name": {"Type": "String", "Default": "x"}},
  "Resources": {
    "Q": {
      "Type": "AWS::SQS::Queue",
      "Properties": {"QueueName": {"Ref": "Name"}, "Arn": {"Fn::GetAtt": ["A", "Arn"]}}
    }
  }
}"#;
        let (res, errs) = parse_json("q.json", t);
        assert!(errs.is_empty());
        assert_eq!(res[0].address, "AWS::SQS::Queue.Q");
        assert_eq!((res[0].span.line, res[0].span.end_line), (4, 7));
        assert_eq!(
            res[0].body.get("QueueName").and_then(Node::as_str),
            Some("x")
        );
        assert!(is_intrinsic(res[0].body.get("Arn").unwrap()));
    }

    #[test]
    fn detection_and_bad_resources() {
        let not = &archgate_core::yaml::parse_documents("Resources:\n  a: b\n").unwrap()[0];
        assert!(!looks_like_template(not));
        let (res, errs) = parse("AWSTemplateFormatVersion: x\nResources:\n  A: 3\n  B:\n    Properties: {}\n  C:\n    Type: AWS::SNS::Topic\n");
        assert_eq!(res.len(), 1);
        assert_eq!(errs.len(), 2);
        assert_eq!((errs[0].line, errs[1].line), (3, 4));
        assert!(errs[1].expected.is_some());
        let (_, errs) = parse("Resources: [\n");
        assert_eq!(errs.len(), 1);
        assert!(errs[0].line >= 1);
        let (res, errs) = parse_json("x.json", "{\"name\": \"pkg\"}");
        assert!(res.is_empty() && errs.is_empty());
    }
}
