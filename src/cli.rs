//! Command-line interface (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::findings::FailOn;

pub const EXIT_CODES: &str = "Exit codes:
  0  no FAILED finding at or above --fail-on
  1  FAILED findings at or above --fail-on (default: high)
  2  bad input, bad policy, bad flags or a rule that could not be evaluated";

#[derive(Parser, Debug)]
#[command(
    name = "infracheck",
    version,
    about = "Policy and compliance scanner for AWS infrastructure built with Terraform",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan a Terraform plan (`terraform show -json tfplan > tfplan.json`).
    #[command(after_help = EXIT_CODES)]
    Plan(PlanArgs),
    /// Scan Terraform .tf sources directly, without a plan: `infracheck hcl DIR`
    /// (the root module; local modules are read too, remote ones are not).
    #[command(after_help = EXIT_CODES)]
    Hcl(PlanArgs),
    /// List or test the rules.
    #[command(subcommand)]
    Policies(PoliciesCommand),
}

#[derive(Args, Debug)]
pub struct PolicyArgs {
    /// Extra policy directory, added to the built-in rules (repeatable).
    #[arg(long = "policy-dir", value_name = "DIR")]
    pub policy_dirs: Vec<PathBuf>,
    /// Configuration file (default: ./.infracheck.toml if present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct PlanArgs {
    /// `plan`: the plan as JSON, from `terraform show -json`. `hcl`: the directory
    /// of the root module's .tf files.
    #[arg(value_name = "PLAN|DIR")]
    pub plan: PathBuf,
    /// `plan`: the directory of the .tf sources the plan was made from, so that
    /// findings point at the file and line of each resource block.
    #[arg(long, value_name = "DIR")]
    pub tf_dir: Option<PathBuf>,
    /// `hcl`: a .tfvars file of input variable values (repeatable, applied in order
    /// after terraform.tfvars and *.auto.tfvars).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// `hcl`: an input variable value, NAME=VALUE (repeatable; wins over files).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lowest severity of a FAILED finding that makes the exit code 1:
    /// critical, high, medium, low, info or never.
    #[arg(long, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// Run only these rules (comma-separated IDs).
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub rules: Vec<String>,
    /// Run only the rules mapped to this framework and add a per-requirement summary.
    #[arg(long, value_parser = ["pci-dss-4.0", "gdpr", "cis-aws-3.0", "cis-aws-1.4", "aws-fsbp"])]
    pub framework: Option<String>,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

#[derive(Subcommand, Debug)]
pub enum PoliciesCommand {
    /// Print the rule catalog.
    List {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// Print a rule's metadata, rationale and remediation.
    Show {
        /// The rule ID, e.g. S3-002.
        id: String,
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// Generate the rule reference (docs/rules.md) from the rules' metadata.
    Docs {
        /// Write to FILE instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// Run every `test_*` rule of every `*_test.rego`, built in and in --policy-dir.
    Test {
        /// Print every test, not only the failing ones.
        #[arg(long, short)]
        verbose: bool,
        #[command(flatten)]
        policy: PolicyArgs,
    },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

/// `--var NAME=VALUE`.
fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("expected NAME=VALUE, got {s:?}")),
    }
}
