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
    // `for_each` over a known list: the iterator is resolved.
    assert_eq!(b.body.path("rule.0.x").and_then(Node::as_i64), Some(1));
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

#[test]
fn null_default_variables_are_unknown_not_unset() {
    let text = r#"
variable "kms_key_id" {
  type    = string
  default = null
}
variable "retention" {
  default = 7
}
resource "aws_cloudwatch_log_group" "this" {
  kms_key_id        = var.kms_key_id
  retention_in_days = var.retention
  skip_destroy      = null
  name              = var.kms_key_id == null ? "plain" : "encrypted"
  quoted            = "${var.kms_key_id}"
}
"#;
    let unit = load_text("lg.tf", text);
    assert!(unit.errors.is_empty(), "{:?}", unit.errors);
    let lg = res(&unit, "aws_cloudwatch_log_group.this");
    // The caller decides an optional input: unknown, with the use site's text.
    assert_eq!(
        lg.body.get("kms_key_id").map(|n| n.value.clone()),
        Some(Value::Unknown("var.kms_key_id".into()))
    );
    // Inside an expression the default `null` is used (the module's own
    // "no input" branch), as Checkov does.
    assert_eq!(lg.body.get("name").and_then(Node::as_str), Some("plain"));
    assert_eq!(
        lg.body.get("quoted").map(|n| n.value.clone()),
        Some(Value::Unknown("var.kms_key_id".into()))
    );
    assert_eq!(
        lg.body.get("retention_in_days").and_then(Node::as_i64),
        Some(7)
    );
    // A literal `null` is still "not set".
    assert!(lg.body.get("skip_destroy").unwrap().is_null());
    // The variable block itself keeps its written default.
    assert!(res(&unit, "var.kms_key_id")
        .body
        .get("default")
        .unwrap()
        .is_null());
}

#[test]
fn null_given_by_the_caller_stays_null() {
    let module = "variable \"kms\" {\n  default = null\n}\nresource \"aws_cloudwatch_log_group\" \"g\" {\n  kms_key_id = var.kms\n}\n";
    let tree = Tree::new(
        "nullinputs",
        &[
            ("mod/main.tf", module),
            (
                "root/main.tf",
                "module \"given\" {\n  source = \"../mod\"\n  kms    = null\n}\nmodule \"omitted\" {\n  source = \"../mod\"\n}\n",
            ),
            ("tfvars/main.tf", module),
            ("tfvars/terraform.tfvars", "kms = null\n"),
        ],
    );
    let unit = load_module(&tree.0, "root");
    assert!(unit.errors.is_empty(), "{:?}", unit.errors);
    let given = res(&unit, "module.given.aws_cloudwatch_log_group.g");
    assert!(given.body.get("kms_key_id").unwrap().is_null());
    let omitted = res(&unit, "module.omitted.aws_cloudwatch_log_group.g");
    assert!(omitted.body.get("kms_key_id").unwrap().is_unknown());
    let unit = load_module(&tree.0, "tfvars");
    let g = res(&unit, "aws_cloudwatch_log_group.g");
    assert!(g.body.get("kms_key_id").unwrap().is_null());
}

#[test]
fn count_zero_blocks_are_still_scanned() {
    // Checkov reports on blocks whose `count` is 0 (terraform-aws-rds's
    // `module.db_disabled` fails checks on `aws_db_instance.this[0]`), so
    // they stay, marked `multiple`, and a module called that way is loaded.
    let tree = Tree::new(
        "countzero",
        &[
            (
                "root/main.tf",
                "variable \"create\" {\n  default = false\n}\nresource \"aws_s3_bucket\" \"off\" {\n  count = var.create ? 1 : 0\n}\nresource \"aws_s3_bucket\" \"none\" {\n  for_each = {}\n}\nmodule \"skipped\" {\n  source = \"../mod\"\n  count  = 0\n}\n",
            ),
            ("mod/main.tf", "resource \"aws_sqs_queue\" \"q\" {}\n"),
        ],
    );
    let unit = load_module(&tree.0, "root");
    assert!(unit.errors.is_empty(), "{:?}", unit.errors);
    let off = res(&unit, "aws_s3_bucket.off");
    assert!(off.multiple);
    assert_eq!(off.body.get("count").and_then(Node::as_i64), Some(0));
    assert!(res(&unit, "aws_s3_bucket.none").multiple);
    assert!(res(&unit, "module.skipped.aws_sqs_queue.q").multiple);
}

#[test]
fn dynamic_blocks_expand_over_known_collections() {
    let text = r#"
variable "rules" {
  default = [
    { port = 22, cidr = "10.0.0.0/8" },
    { port = 443, cidr = "0.0.0.0/0" },
  ]
}
variable "tags" {
  default = { a = "x", b = "y" }
}
resource "aws_security_group" "sg" {
  dynamic "ingress" {
    for_each = var.rules
    content {
      from_port   = ingress.value.port
      cidr_blocks = [ingress.value.cidr]
      description = "rule ${ingress.key}"
    }
  }
  dynamic "egress" {
    for_each = var.rules
    iterator = rule
    content {
      to_port = rule.value["port"]
      dynamic "nested" {
        for_each = var.tags
        content {
          name  = nested.key
          outer = rule.value.port
        }
      }
    }
  }
  dynamic "none" {
    for_each = []
    content {
      x = 1
    }
  }
  dynamic "later" {
    for_each = aws_subnet.s[*].id
    content {
      subnet = later.value
      fixed  = true
    }
  }
}
"#;
    let unit = load_text("sg.tf", text);
    assert!(unit.errors.is_empty(), "{:?}", unit.errors);
    let sg = res(&unit, "aws_security_group.sg");
    let ingress = sg.body.get("ingress").and_then(Node::as_seq).unwrap();
    assert_eq!(ingress.len(), 2);
    assert_eq!(ingress[0].get("from_port").and_then(Node::as_i64), Some(22));
    assert_eq!(
        ingress[1].path("cidr_blocks.0").and_then(Node::as_str),
        Some("0.0.0.0/0")
    );
    assert_eq!(
        ingress[1].get("description").and_then(Node::as_str),
        Some("rule 1")
    );
    // Values from the iterator point at the content block that uses them.
    assert_eq!(ingress[1].get("from_port").unwrap().span.line, 15);
    let egress = sg.body.get("egress").and_then(Node::as_seq).unwrap();
    assert_eq!(egress.len(), 2);
    assert_eq!(egress[1].get("to_port").and_then(Node::as_i64), Some(443));
    let nested = egress[1].get("nested").and_then(Node::as_seq).unwrap();
    assert_eq!(nested.len(), 2);
    assert_eq!(nested[1].get("name").and_then(Node::as_str), Some("b"));
    assert_eq!(nested[1].get("outer").and_then(Node::as_i64), Some(443));
    // An empty collection adds no block; an unknown one adds one block
    // whose iterator values stay unknown.
    assert!(sg.body.get("none").is_none());
    let later = sg.body.get("later").and_then(Node::as_seq).unwrap();
    assert_eq!(later.len(), 1);
    assert_eq!(
        later[0].get("subnet").map(|n| n.value.clone()),
        Some(Value::Unknown("later.value".into()))
    );
    assert_eq!(later[0].get("fixed").and_then(Node::as_bool), Some(true));
}

#[test]
fn dynamic_blocks_in_json_expand_too() {
    let text = r#"{
  "variable": {"ports": {"default": [80, 443]}},
  "resource": {"aws_security_group": {"sg": {
    "dynamic": {"ingress": {
      "for_each": "${var.ports}",
      "iterator": "p",
      "content": {"from_port": "${p.value}", "to_port": "${p.key}"}
    }}
  }}}
}"#;
    let unit = load_text("sg.tf.json", text);
    assert!(unit.errors.is_empty(), "{:?}", unit.errors);
    let ingress = res(&unit, "aws_security_group.sg")
        .body
        .get("ingress")
        .and_then(Node::as_seq)
        .unwrap();
    let ports: Vec<(Option<i64>, Option<i64>)> = ingress
        .iter()
        .map(|i| {
            (
                i.get("from_port").and_then(Node::as_i64),
                i.get("to_port").and_then(Node::as_i64),
            )
        })
        .collect();
    assert_eq!(ports, vec![(Some(80), Some(0)), (Some(443), Some(1))]);
}

#[test]
fn dynamic_expansion_is_bounded() {
    // 200 × 200 nested blocks would be 40,000: the budget stops expanding
    // and leaves the rest as one block of unknowns, with a note.
    let text = r#"
locals {
  many = [for i in range(200) : i]
}
variable "l" {
  default = [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79,80,81,82,83,84,85,86,87,88,89,90,91,92,93,94,95,96,97,98,99,100,101,102,103,104,105,106,107,108,109,110,111,112,113,114,115,116,117,118,119,120,121,122,123,124,125,126,127,128,129,130,131,132,133,134,135,136,137,138,139,140,141,142,143,144,145,146,147,148,149,150,151,152,153,154,155,156,157,158,159,160,161,162,163,164,165,166,167,168,169,170,171,172,173,174,175,176,177,178,179,180,181,182,183,184,185,186,187,188,189,190,191,192,193,194,195,196,197,198,199]
}
resource "aws_security_group" "sg" {
  dynamic "a" {
    for_each = var.l
    content {
      dynamic "b" {
        for_each = var.l
        content {
          v = b.value
        }
      }
    }
  }
}
"#;
    let unit = load_text("big.tf", text);
    let a = res(&unit, "aws_security_group.sg")
        .body
        .get("a")
        .and_then(Node::as_seq)
        .unwrap();
    assert_eq!(a.len(), 200);
    let inner: usize = a
        .iter()
        .map(|x| x.get("b").and_then(Node::as_seq).map_or(0, <[Node]>::len))
        .sum();
    assert!(inner <= eval::MAX_DYNAMIC_BLOCKS + 200, "{inner}");
    assert!(unit
        .notes
        .iter()
        .any(|n| n.message.contains("left unknown")));
}

#[test]
fn null_default_variables_in_json_are_unknown_too() {
    let text = r#"{
  "variable": {"kms": {"default": null}},
  "resource": {"aws_cloudwatch_log_group": {"g": {"kms_key_id": "${var.kms}", "name": null}}}
}"#;
    let unit = load_text("lg.tf.json", text);
    assert!(unit.errors.is_empty(), "{:?}", unit.errors);
    let g = res(&unit, "aws_cloudwatch_log_group.g");
    assert_eq!(
        g.body.get("kms_key_id").map(|n| n.value.clone()),
        Some(Value::Unknown("var.kms".into()))
    );
    assert!(g.body.get("name").unwrap().is_null());
}

#[test]
fn unset_optional_variables_passed_on_stay_the_callers_choice() {
    // terraform-aws-rds's shape: the root passes its own optional inputs
    // on to a nested module, which guards on them.
    let tree = Tree::new(
        "optionalchain",
        &[
            (
                "root/main.tf",
                "variable \"kms\" {\n  default = null\n}\nvariable \"replica_of\" {\n  default = null\n}\nmodule \"db\" {\n  source     = \"../db\"\n  kms        = var.kms\n  replica_of = var.replica_of\n}\n",
            ),
            (
                "db/main.tf",
                "variable \"kms\" {\n  default = \"alias/db\"\n}\nvariable \"replica_of\" {\n  default = null\n}\nresource \"aws_db_instance\" \"this\" {\n  kms_key_id = var.kms\n  engine     = var.replica_of != null ? null : \"mysql\"\n}\n",
            ),
        ],
    );
    let unit = load_module(&tree.0, "root");
    assert!(unit.errors.is_empty(), "{:?}", unit.errors);
    let db = res(&unit, "module.db.aws_db_instance.this");
    assert_eq!(
        db.body.get("kms_key_id").map(|n| n.value.clone()),
        Some(Value::Unknown("var.kms".into()))
    );
    assert_eq!(db.body.get("engine").and_then(Node::as_str), Some("mysql"));
    // The module block shows the caller's unset inputs as unknown too.
    assert!(res(&unit, "db").body.get("kms").unwrap().is_unknown());
}
