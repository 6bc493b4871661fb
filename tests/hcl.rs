//! `infracheck hcl`: .tf sources into the resource model, and its errors.

use std::path::Path;
use std::process::{Command, Output};

use infracheck::model::{Resource, Scan};
use infracheck::source::hcl::{load_hcl, HclOptions};

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
}

fn load(dir: &Path) -> Scan {
    load_hcl(dir, &HclOptions::default()).unwrap().scan
}

fn res<'a>(scan: &'a Scan, address: &str) -> &'a Resource {
    scan.resources
        .iter()
        .chain(&scan.data_sources)
        .find(|r| r.address == address)
        .unwrap_or_else(|| {
            let all: Vec<&str> = scan.resources.iter().map(|r| r.address.as_str()).collect();
            panic!("no {address} in {all:?}")
        })
}

fn json(r: &Resource) -> serde_json::Value {
    serde_json::from_str(&r.values.to_json_str().unwrap()).unwrap()
}

fn infracheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_infracheck"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs")
}

const ROOT: &str = r#"
terraform {
  backend "s3" {
    bucket         = "acme-state"
    key            = "prod/terraform.tfstate"
    region         = "us-east-1"
    encrypt        = true
    dynamodb_table = "locks"
  }
}

provider "aws" {
  region = var.primary_region
  default_tags {
    tags = local.tags
  }
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

variable "primary_region" {
  default = "us-east-1"
}

variable "env" {
  type = string
}

variable "bucket_count" {
  type    = number
  default = 1
}

locals {
  tags   = { Environment = var.env, Owner = "platform" }
  prefix = "acme-${var.env}"
  ports  = [80, 443]
}

resource "aws_s3_bucket" "logs" {
  count  = var.bucket_count
  bucket = "${local.prefix}-logs-${count.index}"
  tags   = { Name = "logs" }
}

resource "aws_s3_bucket_public_access_block" "logs" {
  count                   = var.bucket_count
  bucket                  = aws_s3_bucket.logs[count.index].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = length(local.ports) == 2
}

module "net" {
  source   = "./modules/net"
  for_each = { a = "10.0.0.0/16", b = "10.1.0.0/16" }
  cidr     = each.value
  name     = "net-${each.key}"
  providers = {
    aws = aws.west
  }
}

module "remote" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}

resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = module.net["a"].vpc_id

  dynamic "ingress" {
    for_each = local.ports
    iterator = port
    content {
      from_port   = port.value
      to_port     = port.value
      protocol    = "tcp"
      cidr_blocks = [module.net["b"].cidr]
    }
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_flow_log" "remote" {
  vpc_id       = module.remote.vpc_id
  traffic_type = var.env == "prod" ? "REJECT" : "ALL"
}

data "aws_region" "current" {}

data "aws_region" "west" {
  provider = aws.west
}

data "aws_iam_policy_document" "deny_http" {
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.logs[0].arn, "${aws_s3_bucket.logs[0].arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

data "aws_iam_policy_document" "static" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::static/*"]
  }
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs[0].id
  policy = data.aws_iam_policy_document.deny_http.json
}

resource "aws_iam_policy" "static" {
  name   = "static-${data.aws_region.west.name}"
  policy = data.aws_iam_policy_document.static.json
}
"#;

const NET: &str = r#"
variable "cidr" {
  type = string
}
variable "name" {}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
  tags       = { Name = var.name }
}

resource "aws_subnet" "private" {
  count             = 2
  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet(var.cidr, 8, count.index)
  availability_zone = element(["us-west-2a", "us-west-2b"], count.index)
}

output "vpc_id" {
  value = aws_vpc.this.id
}

output "cidr" {
  value = aws_vpc.this.cidr_block
}

output "subnet_ids" {
  value = aws_subnet.private[*].id
}
"#;

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf", ROOT);
    write(dir.path(), "terraform.tfvars", "env = \"prod\"\n");
    write(dir.path(), "modules/net/main.tf", NET);
    dir
}

#[test]
fn values_are_evaluated_statically() {
    let dir = tree();
    let scan = load(dir.path());
    assert_eq!(scan.source, "hcl");
    assert_eq!(scan.regions, vec!["us-east-1", "us-west-2"]);

    let b = res(&scan, "aws_s3_bucket.logs[0]");
    let v = json(b);
    assert_eq!(v["bucket"], "acme-prod-logs-0");
    assert_eq!(b.region.as_deref(), Some("us-east-1"));
    assert_eq!(b.provider, "aws");
    // Provider default_tags reach tags_all; computed attributes are unknown.
    assert_eq!(
        v["tags_all"],
        serde_json::json!({"Environment": "prod", "Owner": "platform", "Name": "logs"})
    );
    assert!(b.unknown.contains(&"id".to_string()));
    assert!(b.unknown.contains(&"arn".to_string()));
    assert!(v.get("id").is_none());
    // Optional+Computed arguments left out are unknown, as a plan says.
    assert!(b
        .unknown
        .contains(&"server_side_encryption_configuration".to_string()));
    let loc = b.location.as_ref().unwrap();
    assert!(loc.file.ends_with("main.tf"), "{}", loc.file);
    assert_eq!(loc.line, 43);
    assert_eq!(loc.end_line, 47);

    let pab = res(&scan, "aws_s3_bucket_public_access_block.logs[0]");
    assert_eq!(json(pab)["restrict_public_buckets"], true);
    assert!(pab.unknown.contains(&"bucket".to_string()));
    assert_eq!(
        pab.references["bucket"],
        vec!["aws_s3_bucket.logs[0]".to_string()]
    );
    assert!(pab.unresolved.is_empty());
}

#[test]
fn modules_expand_with_for_each_count_and_providers() {
    let dir = tree();
    let scan = load(dir.path());
    let vpc = res(&scan, r#"module.net["b"].aws_vpc.this"#);
    assert_eq!(json(vpc)["cidr_block"], "10.1.0.0/16");
    assert_eq!(json(vpc)["tags"]["Name"], "net-b");
    assert_eq!(vpc.region.as_deref(), Some("us-west-2"));
    assert_eq!(vpc.provider, "aws.west");
    let s = res(&scan, r#"module.net["a"].aws_subnet.private[1]"#);
    assert_eq!(json(s)["cidr_block"], "10.0.1.0/24");
    assert_eq!(json(s)["availability_zone"], "us-west-2b");
    assert_eq!(
        s.references["vpc_id"],
        vec![r#"module.net["a"].aws_vpc.this"#.to_string()]
    );
    assert_eq!(s.module.to_string(), r#"module.net["a"]"#);
    assert!(s
        .location
        .as_ref()
        .unwrap()
        .file
        .ends_with("modules/net/main.tf"));

    // References through module outputs; dynamic blocks with a custom iterator.
    let sg = res(&scan, "aws_security_group.web");
    let v = json(sg);
    assert_eq!(v["ingress"][1]["from_port"], 443);
    assert_eq!(
        v["ingress"][0]["cidr_blocks"],
        serde_json::json!(["10.1.0.0/16"])
    );
    assert_eq!(v["egress"][0]["protocol"], "-1");
    assert_eq!(
        sg.references["vpc_id"],
        vec![r#"module.net["a"].aws_vpc.this"#.to_string()]
    );
    assert_eq!(
        sg.references["ingress.0.cidr_blocks"],
        vec![r#"module.net["b"].aws_vpc.this"#.to_string()]
    );
    assert!(sg.unknown.contains(&"vpc_id".to_string()));
}

#[test]
fn remote_modules_and_unknown_values() {
    let dir = tree();
    let loaded = load_hcl(dir.path(), &HclOptions::default()).unwrap();
    // Not scanned: a coverage gap of the scan, in every report.
    assert_eq!(loaded.scan.gaps.len(), 1, "{:?}", loaded.scan.gaps);
    let gap = &loaded.scan.gaps[0];
    assert_eq!(gap.service, "module.remote");
    assert!(gap
        .error
        .contains("\"terraform-aws-modules/vpc/aws\") is not scanned"));
    assert!(gap.resource_types.is_empty());
    let fl = res(&loaded.scan, "aws_flow_log.remote");
    // A remote module's output is unknown and resolves to no resource.
    assert!(fl.unknown.contains(&"vpc_id".to_string()));
    assert_eq!(fl.unresolved, vec!["vpc_id".to_string()]);
    assert_eq!(json(fl)["traffic_type"], "REJECT");
}

#[test]
fn data_sources_backend_and_policy_documents() {
    let dir = tree();
    let scan = load(dir.path());
    assert!(scan
        .resources
        .iter()
        .all(|r| !r.address.starts_with("data.")));
    let west = res(&scan, "data.aws_region.west");
    assert_eq!(json(west)["name"], "us-west-2");
    assert_eq!(
        json(res(&scan, "data.aws_region.current"))["name"],
        "us-east-1"
    );
    assert_eq!(
        json(res(&scan, "aws_iam_policy.static"))["name"],
        "static-us-west-2"
    );
    // A policy document with only known values is known JSON.
    let p = json(res(&scan, "aws_iam_policy.static"));
    let doc: serde_json::Value = serde_json::from_str(p["policy"].as_str().unwrap()).unwrap();
    assert_eq!(doc["Statement"][0]["Action"], "s3:GetObject");
    // One that uses a bucket ARN is unknown until the data source is read: the policy
    // refers to the data source (as in a plan), whose statements are known.
    let bp = res(&scan, "aws_s3_bucket_policy.logs");
    assert!(bp.unknown.contains(&"policy".to_string()));
    assert_eq!(
        bp.references["policy"],
        vec!["data.aws_iam_policy_document.deny_http".to_string()]
    );
    let doc = res(&scan, "data.aws_iam_policy_document.deny_http");
    assert!(doc.unknown.contains(&"json".to_string()));
    assert!(doc.unknown.contains(&"statement.0.resources.0".to_string()));
    assert_eq!(json(doc)["statement"][0]["effect"], "Deny");

    let backend = res(&scan, "terraform.backend");
    assert_eq!(backend.kind, "terraform_backend");
    let v = json(backend);
    assert_eq!(v["type"], "s3");
    assert_eq!(v["config"]["encrypt"], true);
    assert_eq!(v["config"]["dynamodb_table"], "locks");
}

#[test]
fn variables_come_from_files_and_flags_in_order() {
    let dir = tree();
    write(dir.path(), "b.auto.tfvars", "bucket_count = 3\n");
    write(dir.path(), "c.auto.tfvars.json", r#"{"bucket_count": "4"}"#);
    write(
        dir.path(),
        "extra.tfvars",
        "env = \"stage\"\nbucket_count = 2\n",
    );
    let opts = HclOptions {
        var_files: vec![dir.path().join("extra.tfvars")],
        vars: vec![("env".into(), "dev".into())],
    };
    let scan = load_hcl(dir.path(), &opts).unwrap().scan;
    let buckets: Vec<&Resource> = scan
        .resources
        .iter()
        .filter(|r| r.kind == "aws_s3_bucket")
        .collect();
    assert_eq!(buckets.len(), 2);
    assert_eq!(json(buckets[1])["bucket"], "acme-dev-logs-1");

    // JSON files, and a string converted to the variable's type.
    std::fs::remove_file(dir.path().join("extra.tfvars")).unwrap();
    let scan = load_hcl(dir.path(), &HclOptions::default()).unwrap().scan;
    let n = scan
        .resources
        .iter()
        .filter(|r| r.kind == "aws_s3_bucket")
        .count();
    assert_eq!(n, 4);

    // Without a value, a variable is unknown: so is what depends on it.
    std::fs::remove_file(dir.path().join("terraform.tfvars")).unwrap();
    let loaded = load_hcl(dir.path(), &HclOptions::default()).unwrap();
    assert!(loaded
        .warnings
        .iter()
        .any(|w| w.contains("variable \"env\" has no value")));
    let b = res(&loaded.scan, "aws_s3_bucket.logs[0]");
    assert!(b.unknown.contains(&"bucket".to_string()));
    assert!(b.unknown.contains(&"tags_all.Environment".to_string()));
    // Unknown, but not because of a resource: unresolved.
    assert!(b.unresolved.contains(&"bucket".to_string()));
}

/// A function that refuses known arguments leaves its value unknown and says so in
/// a warning; inside `try` or `can` the failure is expected and quiet; a key that is
/// not there may be an unknown attribute, so it is quiet too.
#[test]
fn functions_refusing_known_arguments_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        r#"locals {
  base    = 1
  bad     = parseint("ff", local.base)
  sum     = 1 + "a"
  tried   = try(parseint("ff", local.base), "x")
  checked = can(upper([])) ? "yes" : "no"
}

resource "aws_vpc" "a" {
  cidr_block = "10.0.0.0/16"
  tags       = { Bad = local.bad, Sum = local.sum, Tried = local.tried, Checked = local.checked }
  # Over a resource's attribute a failure may be the unknown's doing: quiet.
  ipv6_cidr_block = cidrsubnet(aws_vpc.b.cidr_block, 300, 1)
}

resource "aws_vpc" "b" {
  cidr_block = cidrsubnet("10.0.0.0/16", 20, 0)
}
"#,
    );
    let loaded = load_hcl(dir.path(), &HclOptions::default()).unwrap();
    let file = dir.path().join("main.tf").display().to_string();
    assert_eq!(
        loaded.warnings,
        [
            format!("{file}:3: parseint() cannot be evaluated: base must be a whole number between 2 and 62, got 1; values that use it are unknown"),
            format!("{file}:4: an operator cannot be evaluated: \"a\" is not a number; values that use it are unknown"),
            format!("{file}:17: cidrsubnet() cannot be evaluated: insufficient address space to extend prefix of 16 by 20; values that use it are unknown"),
        ]
    );
    let a = res(&loaded.scan, "aws_vpc.a");
    assert_eq!(a.values["tags"]["Tried"], "x".into());
    assert_eq!(a.values["tags"]["Checked"], "no".into());
    for unknown in ["tags.Bad", "tags.Sum", "ipv6_cidr_block"] {
        assert!(
            a.unknown.contains(&unknown.to_string()),
            "{unknown}: {:?}",
            a.unknown
        );
    }
    assert!(res(&loaded.scan, "aws_vpc.b")
        .unknown
        .contains(&"cidr_block".to_string()));
}

#[test]
fn override_files_merge_into_the_blocks_they_name() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        r#"terraform {
  backend "s3" {
    bucket = "state"
    key    = "k"
    region = "us-east-1"
  }
}

provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

variable "env" {
  default = "dev"
}

locals {
  name = "base"
}

resource "aws_security_group" "web" {
  name        = local.name
  description = "d"
  tags        = { Env = var.env }
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  dynamic "ingress" {
    for_each = [80]
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_s3_bucket" "logs" {
  provider = aws.west
  bucket   = "logs"
}
"#,
    );
    // Read after main.tf, and before override.tf (name order).
    write(
        dir.path(),
        "a_override.tf",
        r#"variable "env" {
  default = "prod"
}

locals {
  name = "over"
}

resource "aws_security_group" "web" {
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

provider "aws" {
  alias  = "west"
  region = "eu-west-1"
}
"#,
    );
    write(
        dir.path(),
        "override.tf",
        "resource \"aws_security_group\" \"web\" {\n  description = \"final\"\n}\n\nterraform {\n  backend \"local\" {}\n}\n",
    );
    write(dir.path(), "generated.tf.json", r#"{"resource": {}}"#);
    let loaded = load_hcl(dir.path(), &HclOptions::default()).unwrap();
    let json_file = dir.path().join("generated.tf.json").display().to_string();
    assert_eq!(
        loaded.warnings,
        [format!(
            "{json_file}: JSON configuration files are not read: the blocks in it are not scanned"
        )]
    );
    let scan = &loaded.scan;
    let sg = json(res(scan, "aws_security_group.web"));
    assert_eq!(sg["name"], "over");
    assert_eq!(sg["description"], "final");
    assert_eq!(sg["tags"], serde_json::json!({"Env": "prod"}));
    // The override's ingress replaces both the static and the dynamic ones.
    let ports: Vec<_> = sg["ingress"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["from_port"].clone())
        .collect();
    assert_eq!(ports, [serde_json::json!(443)]);
    assert_eq!(sg["egress"].as_array().unwrap().len(), 1);
    assert_eq!(
        res(scan, "aws_s3_bucket.logs").region.as_deref(),
        Some("eu-west-1")
    );
    assert_eq!(json(res(scan, "terraform.backend"))["type"], "local");
    // Findings still point at the block in main.tf.
    let sg = res(scan, "aws_security_group.web");
    let location = sg.location.as_ref().unwrap();
    assert_eq!(
        (location.file.as_str(), location.line),
        (
            dir.path().join("main.tf").display().to_string().as_str(),
            26
        )
    );

    // An override of nothing is an error, as in Terraform.
    assert_tf_error(
        &[
            (
                "main.tf",
                "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
            ),
            (
                "x_override.tf",
                "locals {\n  a = 1\n}\n\nresource \"aws_vpc\" \"b\" {\n}\n",
            ),
        ],
        "x_override.tf:2",
        "local value \"a\" to override is not defined in the module's other files",
    );
    assert_tf_error(
        &[
            (
                "main.tf",
                "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
            ),
            ("x_override.tf", "resource \"aws_vpc\" \"b\" {\n}\n"),
        ],
        "x_override.tf:1",
        "resource \"aws_vpc\" \"b\" to override is not declared in the module's other files",
    );
    assert_tf_error(
        &[
            (
                "main.tf",
                "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
            ),
            (
                "override.tf",
                "resource \"aws_vpc\" \"a\" {\n  depends_on = []\n}\n",
            ),
        ],
        "override.tf:2",
        "depends_on cannot be overridden: Terraform refuses it in an override resource block",
    );
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf.json", "{}");
    let root = dir.path().display().to_string();
    let o = infracheck(&["hcl", &root]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim_end(),
        format!("infracheck: error: {root}: no .tf files in {root}, only JSON configuration files (.tf.json), which infracheck does not read")
    );
}

#[test]
fn opentofu_files_are_read_and_win_over_their_tf_namesakes() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\n",
    );
    write(
        dir.path(),
        "vpc.tf",
        "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
    );
    write(
        dir.path(),
        "vpc.tofu",
        "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.1.0.0/16\"\n}\n",
    );
    write(
        dir.path(),
        "extra.tofu",
        "resource \"aws_vpc\" \"b\" {\n  cidr_block = \"10.2.0.0/16\"\n}\n",
    );
    write(
        dir.path(),
        "b_override.tofu",
        "resource \"aws_vpc\" \"b\" {\n  cidr_block = \"10.3.0.0/16\"\n}\n",
    );
    let scan = load(dir.path());
    assert_eq!(json(res(&scan, "aws_vpc.a"))["cidr_block"], "10.1.0.0/16");
    assert_eq!(json(res(&scan, "aws_vpc.b"))["cidr_block"], "10.3.0.0/16");
    let vpc_a = res(&scan, "aws_vpc.a").location.as_ref().unwrap();
    assert_eq!(
        vpc_a.file,
        dir.path().join("vpc.tofu").display().to_string()
    );
}

#[test]
fn duplicate_blocks_name_where_the_first_one_is() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
    );
    write(
        dir.path(),
        "vpc.tf",
        "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.1.0.0/16\"\n}\n",
    );
    let root = dir.path().display().to_string();
    let o = infracheck(&["hcl", &root]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim_end(),
        format!("infracheck: error: {root}/vpc.tf:1: duplicate resource \"aws_vpc\" \"a\" (first declared at {root}/main.tf:1)")
    );
    // In one file, the line is enough; outputs and module calls are checked too.
    assert_tf_error(
        &[(
            "main.tf",
            "output \"a\" {\n  value = 1\n}\n\noutput \"a\" {\n  value = 2\n}\n",
        )],
        "main.tf:5",
        "duplicate output \"a\" (first declared at line 1)",
    );
    assert_tf_error(
        &[
            (
                "main.tf",
                "module \"m\" {\n  source = \"./m\"\n}\n\nmodule \"m\" {\n  source = \"./m\"\n}\n",
            ),
            ("m/main.tf", "variable \"x\" {\n  default = 1\n}\n"),
        ],
        "main.tf:5",
        "duplicate module \"m\" (first declared at line 1)",
    );
    assert_tf_error(
        &[(
            "main.tf",
            "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nprovider \"aws\" {\n  alias  = \"west\"\n  region = \"us-west-2\"\n}\n\nprovider \"aws\" {\n  alias  = \"west\"\n  region = \"eu-west-1\"\n}\n",
        )],
        "main.tf:10",
        "duplicate provider \"aws\" with alias \"west\" (first declared at line 5)",
    );
}

/// `infracheck hcl` exits 2 with one `file:line: message` line.
fn assert_tf_error(files: &[(&str, &str)], expected_file: &str, expected: &str) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        write(dir.path(), name, text);
    }
    let root = dir.path().display().to_string();
    let o = infracheck(&["hcl", &root]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    let want = format!("infracheck: error: {root}/{expected_file}: {expected}");
    assert_eq!(err.trim_end(), want);
}

#[test]
fn tf_errors_exit_2_with_file_and_line() {
    assert_tf_error(
        &[(
            "main.tf",
            "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n  tags = {\n}\n",
        )],
        "main.tf:4",
        "syntax error at column 3: invalid block body; expected `}`, newline or identifier",
    );
    assert_tf_error(
        &[(
            "main.tf",
            "variable \"a\" {}\n\nresource \"aws_vpc\" \"a\" {\n  cidr_block = var.cidr\n}\n",
        )],
        "main.tf:4",
        "reference to undeclared input variable \"cidr\"",
    );
    assert_tf_error(
        &[(
            "locals.tf",
            "locals {\n  a = local.b\n  b = \"${local.c}-x\"\n  c = upper(local.a)\n}\nresource \"aws_vpc\" \"a\" {\n  cidr_block = local.a\n}\n",
        )],
        "locals.tf:2",
        "cyclic local values: local.a -> local.b -> local.c -> local.a",
    );
    assert_tf_error(
        &[(
            "main.tf",
            "\nmodule \"net\" {\n  source = \"./modules/missing\"\n}\n",
        )],
        "main.tf:2",
        "module \"net\": source directory \"./modules/missing\" does not exist",
    );
    assert_tf_error(
        &[(
            "main.tf",
            "resource \"aws_subnet\" \"a\" {\n  vpc_id = aws_vpc.nope.id\n}\n",
        )],
        "main.tf:2",
        "reference to undeclared resource \"aws_vpc.nope\"",
    );
    assert_tf_error(
        &[(
            "main.tf",
            "resource \"aws_security_group\" \"a\" {\n  name = aws_security_group.b.name\n}\n\nresource \"aws_security_group\" \"b\" {\n  name = aws_security_group.a.name\n}\n",
        )],
        "main.tf:1",
        "cycle between values: aws_security_group.a -> aws_security_group.b -> aws_security_group.a",
    );
    assert_tf_error(
        &[(
            "main.tf",
            "resource \"aws_vpc\" \"a\" {\n  count = 1e9\n}\n",
        )],
        "main.tf:2",
        "aws_vpc.a: count is 1000000000: infracheck expands at most 100000 instances of a block",
    );
    assert_tf_error(
        &[(
            "main.tf",
            "resource \"aws_vpc\" \"a\" {\n  count = 2.5\n}\n",
        )],
        "main.tf:2",
        "aws_vpc.a: count is 2.5: it must be a whole number, 0 or more",
    );
    assert_tf_error(
        &[
            ("main.tf", "module \"m\" {\n  source = \"./m\"\n}\n"),
            ("m/main.tf", "output \"x\" {\n  value = local.nope\n}\n"),
        ],
        "m/main.tf:2",
        "reference to undeclared local value \"nope\"",
    );
}

#[test]
fn bad_directories_and_flags_exit_2() {
    let o = infracheck(&["hcl", "no/such/dir"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim_end(),
        "infracheck: error: no/such/dir: not a directory of .tf files"
    );
    let dir = tree();
    let root = dir.path().display().to_string();
    let o = infracheck(&["hcl", &root, "--var", "nope=1"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim_end(),
        "infracheck: error: --var: no variable \"nope\" is declared in the root module"
    );
}

#[test]
fn values_of_sensitive_variables_are_redacted() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        r#"
variable "secret" {
  sensitive = true
}
locals {
  wrapped = "user:${var.secret}"
}
resource "aws_secretsmanager_secret_version" "v" {
  secret_id     = "x"
  secret_string = local.wrapped
}
resource "aws_ssm_parameter" "p" {
  name  = "p"
  type  = "SecureString"
  value = "plain"
  description = var.secret
}
"#,
    );
    write(
        dir.path(),
        "terraform.tfvars",
        "secret = \"NOT-A-REAL-SECRET\"\n",
    );
    let scan = load(dir.path());
    for r in &scan.resources {
        let text = r.values.to_json_str().unwrap();
        assert!(!text.contains("NOT-A-REAL-SECRET"), "{}: {text}", r.address);
    }
    let v = json(res(&scan, "aws_secretsmanager_secret_version.v"));
    assert_eq!(v["secret_string"], "(sensitive)");
    let p = json(res(&scan, "aws_ssm_parameter.p"));
    assert_eq!(p["description"], "(sensitive)");
    // Sensitive in the provider's schema.
    assert_eq!(p["value"], "(sensitive)");
    assert_eq!(p["name"], "p");
}

#[test]
fn tf_dir_locates_local_and_installed_modules() {
    use infracheck::model::{Mode, ModulePath};
    let dir = tree();
    // A registry module that `terraform init` installed: located, never downloaded.
    write(
        dir.path(),
        ".terraform/modules/modules.json",
        r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"remote","Source":"registry.terraform.io/terraform-aws-modules/vpc/aws","Version":"5.0.0","Dir":".terraform/modules/remote"}]}"#,
    );
    write(
        dir.path(),
        ".terraform/modules/remote/main.tf",
        "\nresource \"aws_vpc\" \"this\" {\n  cidr_block = \"10.9.0.0/16\"\n}\n",
    );
    let locs = infracheck::source::hcl::locate(dir.path()).unwrap();
    let at = |module: &str, kind: &str, name: &str| {
        let m = ModulePath::parse(module).unwrap();
        locs.find(&m, Mode::Managed, kind, name).cloned()
    };
    let vpc = at(r#"module.net["b"]"#, "aws_vpc", "this").unwrap();
    assert!(vpc.file.ends_with("modules/net/main.tf"), "{}", vpc.file);
    assert_eq!((vpc.line, vpc.end_line), (7, 10));
    let remote = at("module.remote", "aws_vpc", "this").unwrap();
    assert!(remote.file.ends_with(".terraform/modules/remote/main.tf"));
    assert_eq!(remote.line, 2);
    assert!(at("", "aws_s3_bucket", "logs").is_some());
    assert!(at("", "aws_s3_bucket", "nope").is_none());
}

#[test]
fn options_of_the_other_command_are_refused() {
    let dir = tree();
    let root = dir.path().display().to_string();
    let o = infracheck(&["hcl", &root, "--tf-dir", &root]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim_end(),
        "infracheck: error: --tf-dir is for `plan`: `hcl` knows where its resources are"
    );
    let o = infracheck(&[
        "plan",
        "fixtures/plans/reference-architecture.json",
        "--var",
        "a=b",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim_end(),
        "infracheck: error: --var and --var-file are for `hcl`: a plan holds its variables' values"
    );
    let o = infracheck(&["hcl", &root, "--var", "novalue"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("expected NAME=VALUE"));
}

#[test]
fn hcl_reports_like_plan_with_gaps_and_warnings() {
    let dir = tree();
    let root = dir.path().display().to_string();
    let o = infracheck(&["hcl", &root, "--format", "json", "--fail-on", "never"]);
    assert_eq!(o.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["source"]["kind"], "hcl");
    assert_eq!(report["source"]["path"], root.as_str());
    // Findings point at the block.
    let sg = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "SG-001" && f["address"] == "aws_security_group.web")
        .unwrap();
    assert!(sg["location"]["file"]
        .as_str()
        .unwrap()
        .ends_with("main.tf"));
    assert_eq!(sg["location"]["line"], 73);
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let gaps = report["coverage_gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0]["service"], "module.remote");
    // The table lists it too.
    let o = infracheck(&["hcl", &root, "--fail-on", "never"]);
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(
        table.contains("coverage gap: module.remote (remote source \"terraform-aws-modules/vpc/aws\") is not scanned"),
        "{table}"
    );
    // A variable without a value is a warning on standard error.
    std::fs::remove_file(dir.path().join("terraform.tfvars")).unwrap();
    let o = infracheck(&["hcl", &root, "--fail-on", "never", "--format", "json"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim_end(),
        "infracheck: warning: variable \"env\" has no value: what depends on it is unknown (set it with --var or --var-file)"
    );
}

#[test]
fn variables_follow_their_type_with_optional_attributes() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        r#"
variable "subnets" {
  type = map(object({
    cidr   = string
    public = optional(bool, false)
    az     = optional(string)
    size   = optional(number, 24)
  }))
  default = {
    a = { cidr = "10.0.1.0/24", public = true }
    b = { cidr = "10.0.2.0/24", size = "26" }
  }
}
resource "aws_subnet" "s" {
  for_each                = var.subnets
  vpc_id                  = "vpc-1"
  cidr_block              = each.value.cidr
  map_public_ip_on_launch = each.value.public
  availability_zone       = each.value.az
  tags                    = { size = each.value.size + 1 }
}
"#,
    );
    let scan = load(dir.path());
    let b = json(res(&scan, r#"aws_subnet.s["b"]"#));
    assert_eq!(b["map_public_ip_on_launch"], false);
    assert_eq!(b["availability_zone"], serde_json::Value::Null);
    assert_eq!(b["tags"]["size"], 27);
    let a = json(res(&scan, r#"aws_subnet.s["a"]"#));
    assert_eq!(a["map_public_ip_on_launch"], true);
    assert_eq!(a["tags"]["size"], 25);
}
