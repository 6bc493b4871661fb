//! `infracheck hcl` benchmark: generates a .tf source tree (by default 1,000 resource
//! instances in 50 files) and runs the release binary on it as a child process,
//! measuring wall time, CPU time and peak RSS; the loader's own share (parse and
//! evaluate the sources) comes from `INFRACHECK_TIMINGS`.
//!
//! ```text
//! cargo bench --bench hcl                         # 1,000 resources in 50 files
//! cargo bench --bench hcl -- --files 200          # 4,000 resources in 200 files
//! cargo bench --bench hcl -- --runs 5 --keep      # runs; keep the tree
//! ```
//!
//! Each generated file holds 20 resource instances of the reference architecture's
//! kinds, written the way people write them: a VPC with subnets from `count` and
//! `cidrsubnet`, a security group with a `dynamic` ingress block over a local, an S3
//! bucket with its split configuration resources, a flow log and its log group, a
//! role with an `aws_iam_policy_document`, tags merged from locals. Half the files use
//! the `aws.secondary` provider alias. The root module also calls a local module once
//! per file pair with `for_each`, so module expansion is measured too.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_infracheck");
/// Resource instances per generated file.
const PER_FILE: usize = 20;

fn part(i: usize) -> String {
    let provider = if i % 2 == 1 {
        "  provider = aws.secondary\n"
    } else {
        ""
    };
    let region = if i % 2 == 1 { "us-west-2" } else { "us-east-1" };
    let mut s = String::new();
    let _ = write!(
        s,
        r#"locals {{
  cidr_{i} = "10.{a}.0.0/16"
  ports_{i} = [80, 443]
}}

resource "aws_vpc" "v{i}" {{
{provider}  cidr_block           = local.cidr_{i}
  enable_dns_hostnames = true
  tags                 = merge(local.tags, {{ Name = "vpc-{i}" }})
}}

resource "aws_subnet" "s{i}" {{
{provider}  count             = 4
  vpc_id            = aws_vpc.v{i}.id
  cidr_block        = cidrsubnet(local.cidr_{i}, 8, count.index)
  availability_zone = "{region}${{["a", "b"][count.index % 2]}}"
  tags              = merge(local.tags, {{ Name = format("subnet-%d-%d", {i}, count.index) }})
}}

resource "aws_internet_gateway" "g{i}" {{
{provider}  vpc_id = aws_vpc.v{i}.id
  tags   = local.tags
}}

resource "aws_security_group" "sg{i}" {{
{provider}  name   = "web-{i}"
  vpc_id = aws_vpc.v{i}.id

  dynamic "ingress" {{
    for_each = local.ports_{i}
    content {{
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = [aws_vpc.v{i}.cidr_block]
    }}
  }}

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
  tags = local.tags
}}

resource "aws_s3_bucket" "b{i}" {{
{provider}  bucket = "${{var.prefix}}-{i}"
  tags   = merge(local.tags, {{ DataClassification = "internal" }})
}}

resource "aws_s3_bucket_public_access_block" "b{i}" {{
{provider}  bucket                  = aws_s3_bucket.b{i}.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "b{i}" {{
{provider}  bucket = aws_s3_bucket.b{i}.id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm = "aws:kms"
    }}
  }}
}}

resource "aws_s3_bucket_versioning" "b{i}" {{
{provider}  bucket = aws_s3_bucket.b{i}.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_cloudwatch_log_group" "fl{i}" {{
{provider}  name              = "/vpc/flow-{i}"
  retention_in_days = var.retention
  tags              = local.tags
}}

resource "aws_flow_log" "fl{i}" {{
{provider}  vpc_id          = aws_vpc.v{i}.id
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.fl{i}.arn
  iam_role_arn    = aws_iam_role.fl{i}.arn
}}

data "aws_iam_policy_document" "trust{i}" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }}
  }}
}}

resource "aws_iam_role" "fl{i}" {{
  name               = "flow-logs-{i}"
  assume_role_policy = data.aws_iam_policy_document.trust{i}.json
  tags               = local.tags
}}

resource "aws_iam_role_policy" "fl{i}" {{
  role = aws_iam_role.fl{i}.id
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = ["logs:PutLogEvents"], Resource = "${{aws_cloudwatch_log_group.fl{i}.arn}}:*" }}]
  }})
}}

resource "aws_route_table" "rt{i}" {{
{provider}  vpc_id = aws_vpc.v{i}.id
  tags   = local.tags
}}

resource "aws_route" "rt{i}" {{
{provider}  route_table_id         = aws_route_table.rt{i}.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.g{i}.id
}}

resource "aws_route_table_association" "rt{i}" {{
{provider}  count          = 2
  subnet_id      = aws_subnet.s{i}[count.index].id
  route_table_id = aws_route_table.rt{i}.id
}}

resource "aws_dynamodb_table" "t{i}" {{
{provider}  name         = "table-{i}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  attribute {{
    name = "pk"
    type = "S"
  }}
  point_in_time_recovery {{
    enabled = true
  }}
  tags = local.tags
}}
"#,
        a = i % 250,
    );
    s
}

/// Writes the tree: `files` files of [`PER_FILE`] resource instances each (the first
/// also holds the providers, variables and tags, and a module call with two more).
fn generate(dir: &Path, files: usize) -> usize {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir.join("modules/kms")).unwrap();
    let mut count = 0;
    for i in 0..files {
        let mut text = String::new();
        if i == 0 {
            text.push_str(
                r#"provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = { CostCenter = "CC-1042" }
  }
}

provider "aws" {
  alias  = "secondary"
  region = var.secondary_region
}

variable "secondary_region" {
  default = "us-west-2"
}

variable "prefix" {
  default = "acme-bench"
}

variable "retention" {
  type    = number
  default = 30
}

locals {
  tags = { Environment = "production", Owner = "platform-team" }
}

module "kms" {
  source   = "./modules/kms"
  for_each = toset(["a", "b"])
  alias    = "bench-${each.key}"
}

"#,
            );
            count += 2;
        }
        text.push_str(&part(i));
        count += PER_FILE;
        fs::write(dir.join(format!("part_{i:03}.tf")), text).unwrap();
    }
    fs::write(
        dir.join("modules/kms/main.tf"),
        r#"variable "alias" {}

resource "aws_kms_key" "this" {
  description         = var.alias
  enable_key_rotation = true
}

output "arn" {
  value = aws_kms_key.this.arn
}
"#,
    )
    .unwrap();
    count
}

struct Run {
    wall: Duration,
    cpu: Duration,
    max_rss_kb: u64,
    load_ms: Option<f64>,
}

fn tv(t: libc::timeval) -> Duration {
    Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
}

fn fail(msg: &str) -> ! {
    eprintln!("bench hcl: {msg}");
    std::process::exit(2)
}

/// Runs the binary once; peak RSS from wait4's rusage (ru_maxrss, KiB).
fn run_once(tree: &Path, out: &Path, work: &Path) -> Run {
    let err_path = work.join("stderr.txt");
    let err = File::create(&err_path).unwrap();
    let start = Instant::now();
    let child = Command::new(BIN)
        .arg("hcl")
        .arg(tree)
        .args(["--format", "json", "--output"])
        .arg(out)
        .env("INFRACHECK_TIMINGS", "1")
        .current_dir(work)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(err))
        .spawn()
        .unwrap_or_else(|e| fail(&format!("cannot run {BIN}: {e}")));
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; wait4 fills it in.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: pid is our child, not yet reaped.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
        if r == pid {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            fail(&format!("wait4: {e}"));
        }
    }
    let wall = start.elapsed();
    drop(child);
    let stderr = fs::read_to_string(&err_path).unwrap_or_default();
    if !libc::WIFEXITED(status) || !matches!(libc::WEXITSTATUS(status), 0 | 1) {
        fail(&format!("{BIN} failed on {}:\n{stderr}", tree.display()));
    }
    // "   12.3 ms  policies loaded" / "   45.6 ms  plan loaded": the loader's share.
    let mark = |what: &str| -> Option<f64> {
        stderr
            .lines()
            .find(|l| l.trim_end().ends_with(what))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
    };
    let load_ms = match (mark("policies loaded"), mark("plan loaded")) {
        (Some(a), Some(b)) => Some(b - a),
        _ => None,
    };
    Run {
        wall,
        cpu: tv(ru.ru_utime) + tv(ru.ru_stime),
        max_rss_kb: ru.ru_maxrss as u64,
        load_ms,
    }
}

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    xs[xs.len() / 2]
}

fn main() {
    let mut files = 50usize;
    let mut runs = 3usize;
    let mut keep = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--files" => files = args.next().and_then(|v| v.parse().ok()).unwrap_or(files),
            "--runs" => {
                runs = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(runs)
                    .max(1)
            }
            "--keep" => keep = true,
            "--bench" => {}
            _ => {}
        }
    }
    let work = std::env::temp_dir().join(format!("infracheck-bench-hcl-{}", std::process::id()));
    fs::create_dir_all(&work).unwrap();
    let tree: PathBuf = work.join("tree");
    let t = Instant::now();
    let resources = generate(&tree, files);
    let gen = t.elapsed();
    let bytes: u64 = fs::read_dir(&tree)
        .unwrap()
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!(
        "generated {resources} resource instances in {files} files ({:.0} KB of .tf) in {:.0} ms",
        bytes as f64 / 1e3,
        gen.as_secs_f64() * 1e3
    );
    let out = work.join("report.json");
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    let mut loads = Vec::new();
    let mut rss = 0u64;
    for _ in 0..runs {
        let r = run_once(&tree, &out, &work);
        walls.push(r.wall.as_secs_f64() * 1e3);
        cpus.push(r.cpu.as_secs_f64() * 1e3);
        if let Some(l) = r.load_ms {
            loads.push(l);
        }
        rss = rss.max(r.max_rss_kb);
    }
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    let scanned = report["source"]["resources"].as_u64().unwrap_or(0);
    let results = report["results"].as_array().map_or(0, Vec::len);
    println!(
        "infracheck hcl: {scanned} resources scanned, {results} results; median of {runs} run(s): wall {:.0} ms, CPU {:.0} ms, load+evaluate .tf {:.0} ms; peak RSS {:.1} MB",
        median(&mut walls),
        median(&mut cpus),
        if loads.is_empty() { f64::NAN } else { median(&mut loads) },
        rss as f64 * 1024.0 / 1e6
    );
    println!("(MB = 10^6 bytes; peak RSS is the child's ru_maxrss from wait4, max over the runs; CPU = user + sys)");
    if keep {
        println!("kept {}", tree.display());
    } else {
        let _ = fs::remove_dir_all(&work);
    }
}
