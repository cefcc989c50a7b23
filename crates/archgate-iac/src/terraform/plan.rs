//! Terraform plan JSON (`terraform show -json plan.out`): the planned
//! values of every resource, as [`Resource`]s with spans into the plan file.
//!
//! Shapes follow the HCL reader (see the parent module): `block` is
//! `resource` or `data` (from `mode`), `kind` the type, `name` the name. The
//! address is the plan's, except that the `data.` segment is dropped, as in
//! the HCL reader and Checkov (`module.x.data.aws_iam_policy_document.p` →
//! `module.x.aws_iam_policy_document.p`); instance keys (`[0]`, `["a"]`) are
//! kept and set [`Resource::multiple`]. Resources in child modules get a
//! [`ModuleCall`] pointing at the child module's object in the plan.
//!
//! Values that are known only after apply (`after_unknown` in
//! `resource_changes`) become [`Value::Unknown`]`("(known after apply)")`
//! instead of being absent, so rules do not mistake them for unset. The
//! change's actions are added to the body as `__actions__` (a sequence of
//! strings such as `"create"`, `"update"`). Resources only being deleted do
//! not appear in the planned values and are not returned.

use crate::{ModuleCall, ParsedUnit, Resource, SourceFile, SourceKind};
use archgate_core::{InputError, Key, Node, Value};
use std::collections::HashMap;

/// Text of values Terraform will know only after apply.
pub const KNOWN_AFTER_APPLY: &str = "(known after apply)";

/// Reads one plan file into resources.
pub fn parse_plan(file: SourceFile) -> ParsedUnit {
    let mut unit = ParsedUnit::default();
    let text = file.text.clone();
    let path = file.path.clone();
    unit.files.push(file);
    let expected = "a Terraform plan from `terraform show -json`";
    let root = match crate::json::parse(&path, &text) {
        Ok(r) => r,
        Err(e) => {
            unit.errors.push(e.expected(expected));
            return unit;
        }
    };
    let Some(root_module) = root
        .get("planned_values")
        .and_then(|p| p.get("root_module"))
    else {
        unit.errors.push(
            InputError::new(
                &path,
                root.span.line,
                root.span.col,
                "not a Terraform plan: no `planned_values.root_module`",
            )
            .expected(
                "the output of `terraform show -json PLANFILE` (with `format_version` and `planned_values`)",
            ),
        );
        return unit;
    };

    let mut changes: HashMap<&str, &Node> = HashMap::new();
    for rc in root
        .get("resource_changes")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        if let (Some(addr), Some(change)) =
            (rc.get("address").and_then(Node::as_str), rc.get("change"))
        {
            changes.insert(addr, change);
        }
    }
    let reader = PlanReader {
        path: &path,
        changes,
    };
    reader.module(root_module, None, &mut unit, 0);
    unit
}

struct PlanReader<'a> {
    path: &'a str,
    changes: HashMap<&'a str, &'a Node>,
}

fn items<'n>(n: &'n Node, key: &str) -> &'n [Node] {
    n.get(key).and_then(Node::as_seq).unwrap_or_default()
}

impl PlanReader<'_> {
    fn module(&self, m: &Node, call: Option<&ModuleCall>, unit: &mut ParsedUnit, depth: usize) {
        // The JSON parser bounds nesting, so this depth check is belt and braces.
        if depth > 64 {
            return;
        }
        for r in items(m, "resources") {
            if let Some(res) = self.resource(r, call) {
                unit.resources.push(res);
            }
        }
        for child in items(m, "child_modules") {
            let address = child
                .get("address")
                .and_then(Node::as_str)
                .unwrap_or_default()
                .to_string();
            let call = ModuleCall {
                address,
                file: self.path.to_string(),
                span: child.span,
            };
            self.module(child, Some(&call), unit, depth + 1);
        }
    }

    fn resource(&self, r: &Node, call: Option<&ModuleCall>) -> Option<Resource> {
        let plan_address = r.get("address")?.as_str()?;
        let kind = r.get("type")?.as_str()?.to_string();
        let name = r.get("name")?.as_str()?.to_string();
        let block = match r.get("mode").and_then(Node::as_str) {
            Some("data") => "data",
            _ => "resource",
        };
        let address = match plan_address.strip_prefix("data.") {
            Some(rest) => rest.to_string(),
            None => plan_address.replace(".data.", "."),
        };
        let mut body = match r.get("values") {
            Some(v) if v.as_map().is_some() => v.clone(),
            _ => Node::new(Value::Map(Vec::new()), r.span),
        };
        if let Some(change) = self.changes.get(plan_address) {
            if let Some(au) = change.get("after_unknown") {
                mark_unknown(&mut body, au, 0);
            }
            if let (Some(actions), Value::Map(entries)) = (change.get("actions"), &mut body.value) {
                let list = actions
                    .as_seq()
                    .unwrap_or_default()
                    .iter()
                    .filter(|a| a.as_str().is_some())
                    .cloned()
                    .collect();
                entries.push((
                    Key {
                        name: "__actions__".into(),
                        span: actions.span,
                    },
                    Node::new(Value::Seq(list), actions.span),
                ));
            }
        }
        let labels = ["tags", "labels"]
            .iter()
            .filter_map(|k| body.get(k).and_then(Node::as_map))
            .flat_map(|m| m.iter())
            .filter_map(|(k, v)| Some((k.name.clone(), v.scalar_text()?)))
            .collect();
        Some(Resource {
            source: SourceKind::TerraformPlan,
            block: block.to_string(),
            kind,
            name,
            multiple: r.get("index").is_some() || address.ends_with(']'),
            address,
            file: self.path.to_string(),
            span: r.span,
            body,
            module: call.cloned(),
            labels,
        })
    }
}

/// Applies `after_unknown` (same shape as the values, `true` where unknown).
fn mark_unknown(body: &mut Node, au: &Node, depth: usize) {
    if depth > 64 {
        return;
    }
    if au.value == Value::Bool(true) {
        body.value = Value::Unknown(KNOWN_AFTER_APPLY.into());
        return;
    }
    let span = body.span;
    match (&mut body.value, &au.value) {
        (Value::Map(entries), Value::Map(flags)) => {
            for (k, v) in flags {
                match entries.iter_mut().find(|(e, _)| e.name == k.name) {
                    Some((_, n)) => mark_unknown(n, v, depth + 1),
                    None if v.value == Value::Bool(true) => entries.push((
                        Key {
                            name: k.name.clone(),
                            span,
                        },
                        Node::new(Value::Unknown(KNOWN_AFTER_APPLY.into()), span),
                    )),
                    None => {}
                }
            }
        }
        (Value::Seq(items), Value::Seq(flags)) => {
            for (n, f) in items.iter_mut().zip(flags) {
                mark_unknown(n, f, depth + 1);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    const PLAN: &str = r#"{
  "format_version": "1.2",
  "planned_values": {
    "root_module": {
      "resources": [
        {
          "address": "aws_s3_bucket.logs",
          "mode": "managed",
          "type": "aws_s3_bucket",
          "name": "logs",
          "values": { "bucket": "logs", "acl": "private", "tags": { "archgate:component": "web" } }
        },
        {
          "address": "data.aws_caller_identity.me",
          "mode": "data",
          "type": "aws_caller_identity",
          "name": "me",
          "values": {}
        }
      ],
      "child_modules": [
        {
          "address": "module.vpc",
          "resources": [
            {
              "address": "module.vpc.aws_vpc.this[0]",
              "mode": "managed",
              "type": "aws_vpc",
              "name": "this",
              "index": 0,
              "values": { "cidr_block": "10.0.0.0/16" }
            }
          ]
        }
      ]
    }
  },
  "resource_changes": [
    {
      "address": "aws_s3_bucket.logs",
      "change": { "actions": ["create"], "after_unknown": { "arn": true, "tags": {} } }
    }
  ]
}"#;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            path: "plan.json".into(),
            text: Arc::from(text),
        }
    }

    #[test]
    fn reads_planned_values() {
        let unit = parse_plan(file(PLAN));
        assert!(unit.errors.is_empty(), "{:?}", unit.errors);
        assert_eq!(unit.files.len(), 1);
        let addrs: Vec<_> = unit.resources.iter().map(|r| r.address.as_str()).collect();
        assert_eq!(
            addrs,
            [
                "aws_s3_bucket.logs",
                "aws_caller_identity.me",
                "module.vpc.aws_vpc.this[0]"
            ]
        );
        let b = &unit.resources[0];
        assert_eq!(b.source, SourceKind::TerraformPlan);
        assert_eq!(b.span.line, 6);
        assert_eq!(b.body.get("acl").and_then(Node::as_str), Some("private"));
        assert_eq!(
            b.body.get("arn").map(|n| n.value.clone()),
            Some(Value::Unknown(KNOWN_AFTER_APPLY.into()))
        );
        assert_eq!(
            b.body.path("__actions__.0").and_then(Node::as_str),
            Some("create")
        );
        assert_eq!(
            b.labels,
            [("archgate:component".to_string(), "web".to_string())]
        );
        assert_eq!(unit.resources[1].block, "data");
        let v = &unit.resources[2];
        assert!(v.multiple);
        assert_eq!(
            v.module.as_ref().map(|m| m.address.as_str()),
            Some("module.vpc")
        );
    }

    #[test]
    fn bad_plans_are_input_errors() {
        let unit = parse_plan(file("{\"format_version\": \"1.2\",}"));
        assert_eq!(unit.errors.len(), 1);
        assert_eq!(unit.errors[0].line, 1);
        let unit = parse_plan(file("{\"resources\": []}"));
        assert!(unit.errors[0].message.contains("not a Terraform plan"));
        let unit = parse_plan(file("[".repeat(5000).as_str()));
        assert_eq!(unit.errors.len(), 1);
        let unit = parse_plan(file(""));
        assert_eq!(unit.errors.len(), 1);
    }
}
