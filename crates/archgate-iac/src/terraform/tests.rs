//! Behaviour of the Terraform reader on small inline modules.

use super::*;
use proptest::prelude::*;
use std::path::PathBuf;

fn res<'a>(unit: &'a ParsedUnit, address: &str) -> &'a Resource {
    match unit.resources.iter().find(|r| r.address == address) {
        Some(r) => r,
        None => panic!(
            "no {address}; have {:?}",
            unit.resources
                .iter()
                .map(|r| &r.address)
                .collect::<Vec<_>>()
        ),
    }
}

/// A throwaway directory tree, removed on drop.
struct Tree(PathBuf);

impl Tree {
    fn new(name: &str, files: &[(&str, &str)]) -> Tree {
        let root = std::env::temp_dir().join(format!("archgate-tf-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (path, text) in files {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        Tree(root)
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const S3: &str = r#"
variable "env" {
  default = "dev"
}

locals {
  name = "app-${var.env}"
  tags = merge({ Env = var.env }, { "archgate:component" = "web" })
}

# the bucket
resource "aws_s3_bucket" "data" {
  bucket = local.name
  acl    = "private"
  tags   = local.tags

  versioning {
    enabled = true
  }
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        kms_master_key_id = aws_kms_key.k.arn
        sse_algorithm     = "aws:kms"
      }
    }
  }
}

data "aws_availability_zones" "available" {}

provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "b" {
  bucket = aws_s3_bucket.data.id
}
"#;

#[test]
fn resources_with_addresses_spans_and_bodies() {
    let unit = load_text("s3.tf", S3);
    assert!(unit.errors.is_empty(), "{:?}", unit.errors);
    let b = res(&unit, "aws_s3_bucket.data");
    assert_eq!(
        (b.block.as_str(), b.kind.as_str(), b.name.as_str()),
        ("resource", "aws_s3_bucket", "data")
    );
    assert_eq!(b.file, "s3.tf");
    assert_eq!(
        b.span.line, 12,
        "block starts at `resource`, not at its comment"
    );
    assert_eq!(b.span.end_line, 28);
    assert_eq!(b.body.get("bucket").and_then(Node::as_str), Some("app-dev"));
    // A value from a local points at the place it is used.
    assert_eq!(b.body.get("bucket").unwrap().span.line, 13);
    assert_eq!(b.body.entry("acl").unwrap().0.span.line, 14);
    assert_eq!(
        b.body.path("versioning.0.enabled").and_then(Node::as_bool),
        Some(true)
    );
    assert_eq!(
        b.body
            .get("versioning")
            .and_then(Node::as_seq)
            .map(<[Node]>::len),
        Some(1)
    );
    let kms = b
        .body
        .path("server_side_encryption_configuration.0.rule.0.apply_server_side_encryption_by_default.0.kms_master_key_id")
        .unwrap();
    assert_eq!(kms.value, Value::Unknown("aws_kms_key.k.arn".into()));
    assert_eq!(kms.span.line, 23);
    assert!(b.labels.contains(&("Env".to_string(), "dev".to_string())));
    assert!(b
        .labels
        .contains(&("archgate:component".to_string(), "web".to_string())));
    assert!(!b.multiple);
    assert!(b.module.is_none());

    let d = res(&unit, "aws_availability_zones.available");
    assert_eq!(d.block, "data");
    assert_eq!(res(&unit, "aws.default").kind, "aws");
    assert_eq!(res(&unit, "aws.west").name, "west");
    assert_eq!(res(&unit, "var.env").block, "variable");
    assert_eq!(res(&unit, "locals").block, "locals");
    let enc = res(
        &unit,
        "aws_s3_bucket_server_side_encryption_configuration.b",
    );
    assert_eq!(
        enc.body.get("bucket").map(|n| n.value.clone()),
        Some(Value::Unknown("aws_s3_bucket.data.id".into()))
    );
}

#[test]
fn dynamic_and_labelled_blocks_count_and_for_each() {
    let text = r#"
resource "aws_security_group" "sg" {
  count = 2
  ingress {
    from_port = 22
  }
  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port   = ingress.value
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
  provisioner "local-exec" {
    command = "echo hi"
  }
}
resource "aws_instance" "i" {
  for_each = toset(["a"])
}
"#;
    let unit = load_text("sg.tf", text);
    assert!(unit.errors.is_empty(), "{:?}", unit.errors);
    let sg = res(&unit, "aws_security_group.sg");
    assert!(sg.multiple);
    let ingress = sg.body.get("ingress").and_then(Node::as_seq).unwrap();
    assert_eq!(ingress.len(), 2);
    assert_eq!(ingress[0].get("from_port").and_then(Node::as_i64), Some(22));
    assert!(ingress[1].get("from_port").unwrap().is_unknown());
    assert_eq!(
        ingress[1].path("cidr_blocks.0").and_then(Node::as_str),
        Some("0.0.0.0/0")
    );
    assert_eq!(ingress[1].span.line, 9);
    assert_eq!(
        sg.body
            .path("provisioner.0.__labels__.0")
            .and_then(Node::as_str),
        Some("local-exec")
    );
    assert_eq!(
        sg.body.path("provisioner.0.command").and_then(Node::as_str),
        Some("echo hi")
    );
    assert!(res(&unit, "aws_instance.i").multiple);
}

#[test]
fn iam_policy_jsonencode_is_a_string() {
    let text = r#"
resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}
resource "aws_iam_policy" "q" {
  policy = jsonencode({ Statement = [{ Resource = aws_s3_bucket.b.arn }] })
}
"#;
    let unit = load_text("iam.tf", text);
    let p = res(&unit, "aws_iam_policy.p").body.get("policy").unwrap();
    let j: serde_json::Value = serde_json::from_str(p.as_str().unwrap()).unwrap();
    assert_eq!(j["Statement"][0]["Action"], "*");
    assert!(res(&unit, "aws_iam_policy.q")
        .body
        .get("policy")
        .unwrap()
        .is_unknown());
}

#[test]
fn parse_errors_keep_the_other_files() {
    let tree = Tree::new(
        "errors",
        &[
            ("m/good.tf", "resource \"aws_s3_bucket\" \"ok\" {}\n"),
            (
                "m/bad.tf",
                "resource \"aws_s3_bucket\" \"x\" {\n  acl = \n}\n",
            ),
            ("m/nolabel.tf", "resource \"aws_s3_bucket\" {}\n"),
        ],
    );
    std::fs::write(tree.0.join("m/latin1.tf"), b"# caf\xe9\n").unwrap();
    let unit = load_module(&tree.0, "m");
    assert!(unit
        .resources
        .iter()
        .any(|r| r.address == "aws_s3_bucket.ok"));
    let bad = unit.errors.iter().find(|e| e.file == "m/bad.tf").unwrap();
    assert_eq!(bad.line, 2, "{bad:?}");
    assert!(bad.message.starts_with("HCL parse error"), "{bad:?}");
    assert!(bad.expected.is_some());
    let nolabel = unit
        .errors
        .iter()
        .find(|e| e.file == "m/nolabel.tf")
        .unwrap();
    assert!(nolabel
        .expected
        .as_deref()
        .unwrap()
        .contains("\"TYPE\" \"NAME\""));
    let latin = unit
        .errors
        .iter()
        .find(|e| e.file == "m/latin1.tf")
        .unwrap();
    assert_eq!((latin.line, latin.col), (1, 6));
    assert!(latin.message.contains("UTF-8"));
    // Every file read is in the unit, for snippets and suppressions.
    assert_eq!(unit.files.len(), 4);
    assert_eq!(unit.errors.len(), 3);
}

#[test]
fn tfvars_override_defaults_in_terraform_order() {
    let tree = Tree::new(
        "tfvars",
        &[
            (
                "main.tf",
                "variable \"a\" { default = \"d\" }\nvariable \"b\" { default = 1 }\nvariable \"c\" {}\nresource \"x_y\" \"z\" {\n  a = var.a\n  b = var.b\n  c = var.c\n}\n",
            ),
            ("terraform.tfvars", "a = \"tf\"\nb = 2\n"),
            ("x.auto.tfvars", "a = \"auto\"\n"),
            ("y.auto.tfvars.json", "{\"c\": [\"j\"]}"),
        ],
    );
    let unit = load_module(&tree.0, ".");
    assert!(unit.errors.is_empty(), "{:?}", unit.errors);
    let z = res(&unit, "x_y.z");
    assert_eq!(z.body.get("a").and_then(Node::as_str), Some("auto"));
    assert_eq!(z.body.get("b").and_then(Node::as_i64), Some(2));
    assert_eq!(z.body.path("c.0").and_then(Node::as_str), Some("j"));
    assert_eq!(z.body.get("a").unwrap().span.line, 5);
    assert_eq!(unit.files.len(), 4);
}

#[test]
fn local_modules_get_prefix_inputs_and_call() {
    let tree = Tree::new(
        "modules",
        &[
            (
                "env/prod/main.tf",
                "module \"store\" {\n  source  = \"../../modules/bucket\"\n  name    = \"prod-${local.suffix}\"\n  kms_key = aws_kms_key.k.arn\n}\nlocals {\n  suffix = \"logs\"\n}\nmodule \"remote\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n",
            ),
            (
                "modules/bucket/main.tf",
                "variable \"name\" {}\nvariable \"kms_key\" { default = null }\nvariable \"public\" { default = false }\n\nresource \"aws_s3_bucket\" \"this\" {\n  bucket = var.name\n  acl    = var.public ? \"public-read\" : \"private\"\n  kms    = var.kms_key\n}\nmodule \"inner\" {\n  source = \"./inner\"\n  n      = var.name\n}\n",
            ),
            (
                "modules/bucket/inner/main.tf",
                "variable \"n\" {}\nresource \"aws_sqs_queue\" \"q\" {\n  name = \"${var.n}-q\"\n}\n",
            ),
            ("modules/loop/main.tf", "module \"self\" {\n  source = \"./\"\n}\n"),
            (
                "env/many/main.tf",
                "module \"m\" {\n  source   = \"../../modules/bucket\"\n  for_each = toset([\"a\", \"b\"])\n  name     = each.key\n}\n",
            ),
        ],
    );
    let unit = load_module(&tree.0, "env/prod");
    assert!(unit.errors.is_empty(), "{:?}", unit.errors);
    let b = res(&unit, "module.store.aws_s3_bucket.this");
    assert_eq!(b.file, "modules/bucket/main.tf");
    assert_eq!(b.span.line, 5);
    assert_eq!(
        b.body.get("bucket").and_then(Node::as_str),
        Some("prod-logs")
    );
    assert_eq!(b.body.get("acl").and_then(Node::as_str), Some("private"));
    assert_eq!(b.body.get("acl").unwrap().span.line, 7);
    assert_eq!(
        b.body.get("kms").map(|n| n.value.clone()),
        Some(Value::Unknown("aws_kms_key.k.arn".into()))
    );
    let call = b.module.as_ref().unwrap();
    assert_eq!(call.address, "module.store");
    assert_eq!(call.file, "env/prod/main.tf");
    assert_eq!((call.span.line, call.span.end_line), (1, 5));

    let q = res(&unit, "module.store.module.inner.aws_sqs_queue.q");
    assert_eq!(
        q.body.get("name").and_then(Node::as_str),
        Some("prod-logs-q")
    );
    assert_eq!(
        q.module.as_ref().unwrap().address,
        "module.store.module.inner"
    );
    assert_eq!(q.module.as_ref().unwrap().file, "modules/bucket/main.tf");

    let store = res(&unit, "store");
    assert_eq!(
        (store.kind.as_str(), store.block.as_str()),
        ("module", "module")
    );
    assert_eq!(res(&unit, "module.store.inner").kind, "module");
    // A called module's variables are not repeated per call.
    assert!(!unit
        .resources
        .iter()
        .any(|r| r.address.starts_with("module.store.var.")));
    assert_eq!(res(&unit, "remote").module, None);
    let paths: Vec<_> = unit.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "env/prod/main.tf",
            "modules/bucket/main.tf",
            "modules/bucket/inner/main.tf"
        ]
    );

    assert!(!b.multiple);
    // Everything in a module called with for_each stands for many.
    let unit = load_module(&tree.0, "env/many");
    let many = res(&unit, "module.m.aws_s3_bucket.this");
    assert!(many.multiple);
    assert!(many.body.get("bucket").unwrap().is_unknown());
    assert!(res(&unit, "module.m.module.inner.aws_sqs_queue.q").multiple);

    // A module calling itself stops with a note.
    let unit = load_module(&tree.0, "modules/loop");
    assert_eq!(unit.resources.len(), 1);
    assert!(unit
        .notes
        .iter()
        .any(|n| n.message.contains("calls itself")));
    // A missing directory is an input error, not a panic.
    let unit = load_module(&tree.0, "nope");
    assert_eq!(unit.errors.len(), 1);
}

#[test]
fn tf_json_files() {
    let text = r#"{
  "variable": { "env": { "default": "qa" } },
  "locals": { "name": "b-${var.env}" },
  "resource": {
    "aws_s3_bucket": {
      "j": {
        "//": "comment",
        "bucket": "${local.name}",
        "acl": "private",
        "count": 1,
        "tags": { "Owner": "me" },
        "dynamic": { "rule": { "for_each": [1], "content": { "x": "${rule.value}" } } }
      }
    }
  },
  "provider": { "aws": [ { "region": "eu-west-1" }, { "alias": "b", "region": "eu-west-2" } ] }
}"#;
    let unit = load_text("main.tf.json", text);
    assert!(unit.errors.is_empty(), "{:?}", unit.errors);
    let b = res(&unit, "aws_s3_bucket.j");
    assert_eq!(b.span.line, 6);
    assert_eq!(b.body.get("bucket").and_then(Node::as_str), Some("b-qa"));
    assert_eq!(b.body.get("bucket").unwrap().span.line, 8);
    assert!(b.body.get("//").is_none());
    assert!(b.multiple);
    assert_eq!(b.labels, [("Owner".to_string(), "me".to_string())]);
    assert!(b.body.path("rule.0.x").unwrap().is_unknown());
    assert!(unit.resources.iter().any(|r| r.address == "aws.default"));
    assert!(unit.resources.iter().any(|r| r.address == "aws.b"));

    let unit = load_text("bad.tf.json", "[1]");
    assert_eq!(unit.errors.len(), 1);
    assert!(unit.errors[0].message.contains("not a Terraform JSON"));
}

#[test]
fn hostile_nesting_is_an_error() {
    let text = format!("x = {}{}", "[".repeat(10_000), "]".repeat(10_000));
    let unit = load_text("deep.tf", &text);
    assert_eq!(unit.errors.len(), 1);
    assert!(unit.errors[0].message.contains("nested"));
}

#[test]
fn join_dir_stays_inside_the_root() {
    assert_eq!(
        join_dir("examples/complete", "../../").as_deref(),
        Some(".")
    );
    assert_eq!(join_dir(".", "./modules/x").as_deref(), Some("modules/x"));
    assert_eq!(join_dir("a", "../../x"), None);
    assert_eq!(normalise_dir("./a//b/"), "a/b");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_text(s in "\\PC{0,200}") {
        let _ = load_text("f.tf", &s);
        let _ = load_text("f.tf.json", &s);
    }

    #[test]
    fn reference_scan_never_panics(s in r#"[a-z_."${}\\\[\]<>%\n é0-9]{0,120}"#) {
        for a in referenced_addresses(&s) {
            prop_assert!(!a.is_empty());
        }
    }

    #[test]
    fn never_panics_on_hcl_like_text(s in "[a-z\"{}\\[\\]()=.,:?!<>$%~*/+\\-0-9 \n#]{0,300}") {
        let _ = load_text("f.tf", &s);
    }

    #[test]
    fn never_panics_on_bytes(b in proptest::collection::vec(any::<u8>(), 0..200)) {
        let s = String::from_utf8_lossy(&b);
        let _ = load_text("f.tf", &s);
        let _ = parse_plan(SourceFile { path: "p.json".into(), text: Arc::from(&*s) });
    }

    #[test]
    fn evaluates_mutated_expressions(
        expr in "(var\\.a|local\\.l|1|\"x\"|true|null|\\[1, 2\\]|\\{ k = 1 \\})( (\\+|-|\\*|/|%|==|&&|\\|\\|) (var\\.a|2|\"y\"|false))?",
        wrap in "(|tolist|merge|jsonencode|lookup|format|length|upper|element)",
    ) {
        let text = format!(
            "variable \"a\" {{ default = 3 }}\nlocals {{ l = [var.a] }}\nresource \"t\" \"n\" {{ v = {wrap}({expr}) }}\n"
        );
        let unit = load_text("f.tf", &text);
        prop_assert!(unit.errors.is_empty(), "{:?}", unit.errors);
        prop_assert!(unit.resources.iter().any(|r| r.address == "t.n" && r.body.get("v").is_some()));
    }
}

#[test]
fn long_operator_chains_do_not_overflow() {
    // hcl-edit bounds nesting and operator chains itself; the reader turns
    // that into an input error, and a long traversal stays unknown.
    for n in [1_000usize, 20_000] {
        let chains = [
            "1 + ".repeat(n) + "1",
            "!".repeat(n) + "true",
            "true ? 1 : ".repeat(n) + "1",
            "- ".repeat(n) + "1",
        ];
        for chain in chains {
            let t = format!("resource \"t\" \"n\" {{\n  x = {chain}\n}}\n");
            let unit = load_text("chain.tf", &t);
            assert_eq!(unit.errors.len(), 1, "{n}: {:?}", unit.errors);
            assert_eq!(unit.errors[0].line, 2);
            assert!(unit.errors[0].expected.is_some());
        }
        let t = format!("resource \"t\" \"n\" {{\n  x = a{}\n}}\n", ".b".repeat(n));
        let unit = load_text("chain.tf", &t);
        assert!(unit.errors.is_empty());
        assert!(res(&unit, "t.n").body.get("x").unwrap().is_unknown());
    }
}

#[test]
fn runaway_modules_and_locals_are_cut_off_with_a_note() {
    let mut files: Vec<(String, String)> = (0..12)
        .map(|i| {
            let next = format!(
                "module \"a\" {{\n  source = \"../m{0}\"\n}}\nmodule \"b\" {{\n  source = \"../m{0}\"\n}}\n",
                i + 1
            );
            (format!("m{i}/main.tf"), next)
        })
        .collect();
    files.push(("m12/main.tf".into(), "resource \"t\" \"n\" {}\n".into()));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let tree = Tree::new("runaway", &refs);
    let unit = load_module(&tree.0, "m0");
    assert!(unit
        .notes
        .iter()
        .any(|n| n.message.contains("local module instances")));
    assert!(unit.errors.is_empty());

    let mut text =
        String::from("locals {\n  l0 = [\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"]\n");
    for i in 1..40 {
        text.push_str(&format!("  l{i} = concat(local.l{0}, local.l{0})\n", i - 1));
    }
    text.push_str("}\nresource \"t\" \"n\" {\n  v = local.l39\n  w = length(local.l2)\n}\n");
    let unit = load_text("big.tf", &text);
    let r = res(&unit, "t.n");
    assert!(r.body.get("v").unwrap().is_unknown());
    assert_eq!(r.body.get("w").and_then(Node::as_i64), Some(4));
    assert!(unit
        .notes
        .iter()
        .any(|n| n.message.contains("left unknown")));
}
