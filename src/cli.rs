//! Command-line interface (clap).

use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::findings::FailOn;

pub const EXIT_CODES: &str = "Exit codes:
  0  no FAILED finding at or above --fail-on (suppressed findings do not count;
     always 0 with --write-baseline)
  1  FAILED findings at or above --fail-on (default: high)
  2  bad input, bad policy, bad flags, a rule that could not be evaluated, or
     findings that Security Hub did not accept (live --security-hub)";

/// How `--format` and `--output` pair up, for `plan --help`.
pub const OUTPUTS_HELP: &str = "Formats and files:
  --format (-f) is repeatable; each format goes to standard output unless it gets a
  file, either as --format NAME=FILE or with --output (-o) FILE right after it:
    infracheck plan tfplan.json -f table -f sarif -o results.sarif -f junit=junit.xml
  prints the table and writes SARIF and JUnit files. At most one format may go to
  standard output. A lone --output goes with the lone --format, wherever it stands.";

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

// The CLI is parsed once: the size of `PlanArgs` does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan a Terraform plan (`terraform show -json tfplan > tfplan.json`).
    #[command(after_help = format!("{OUTPUTS_HELP}\n\n{EXIT_CODES}"))]
    Plan(PlanArgs),
    /// Scan Terraform .tf sources directly, without a plan: `infracheck hcl DIR`
    /// (the root module; local modules are read too, remote ones are not).
    #[command(after_help = format!("{OUTPUTS_HELP}\n\n{EXIT_CODES}"))]
    Hcl(PlanArgs),
    /// Scan a live AWS account (or several: --role-arn A,B) with the same rules
    /// (standard AWS credential chain; see docs/iam-policy.json for the read-only
    /// permissions it needs).
    #[cfg(feature = "live")]
    #[command(after_help = format!("{OUTPUTS_HELP}\n\n{EXIT_CODES}\n  (live: 2 also when nothing at all could be read, from any account; what\n  could not be read is a coverage gap and its rules give UNKNOWN)"))]
    Live(LiveArgs),
    /// List or test the rules.
    #[command(subcommand)]
    Policies(PoliciesCommand),
}

/// `infracheck live`: where to read, and the report options of `plan`.
#[cfg(feature = "live")]
#[derive(Args, Debug)]
pub struct LiveArgs {
    /// Regions to scan, comma-separated (default: the configured primary_region and
    /// secondary_region).
    #[arg(long, value_delimiter = ',', value_name = "REGIONS")]
    pub regions: Vec<String>,
    /// The AWS profile (shared config and credentials files) to use.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Assume this IAM role (through STS) and scan its account. Repeatable and
    /// comma-separated: one role per account, e.g. into each account of an
    /// organization; each account is evaluated on its own and the outcomes are
    /// merged into one report (region outcomes and coverage gaps then name their
    /// account). An account that cannot be read is a coverage gap and the others
    /// are still scanned. Without it: the account of the credentials.
    #[arg(long, value_delimiter = ',', value_name = "ARN")]
    pub role_arn: Vec<String>,
    /// Send every AWS request to this URL (an emulator such as moto_server).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Import the findings into each scanned region's AWS Security Hub (as the
    /// account's own product; with several --role-arn, each account's findings into
    /// its own hub, with its role), updating earlier runs' findings: fixed ones turn
    /// PASSED, those of deleted resources are archived. Needs
    /// securityhub:DescribeHub, GetFindings and BatchImportFindings.
    #[arg(long)]
    pub security_hub: bool,
    #[command(flatten)]
    pub report: ReportArgs,
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
    /// `plan`: the plan as JSON, from `terraform show -json` (`-`: standard input).
    /// `hcl`: the directory of the root module's .tf files.
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
    #[command(flatten)]
    pub report: ReportArgs,
}

/// The report options shared by `plan`, `hcl` and `live`.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Report format (repeatable): table (default), json, sarif, junit, markdown,
    /// github (workflow-command annotations) or asff (AWS Security Finding Format,
    /// needs the AWS account: live scans); NAME=FILE writes it to FILE (`-`:
    /// standard output).
    #[arg(long, short = 'f', value_name = "FORMAT[=FILE]", value_parser = parse_format_spec)]
    pub format: Vec<FormatSpec>,
    /// Write the report of the --format right before this flag to FILE (repeatable).
    #[arg(long, short, value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// Command-line positions of --format and --output, for pairing them
    /// (filled by [`Cli::parse_args`]).
    #[arg(skip)]
    pub positions: Option<(Vec<usize>, Vec<usize>)>,
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
    /// Suppress the FAILED findings recorded in FILE (see --write-baseline): only
    /// new findings fail the run.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the FAILED findings of this run in FILE, by fingerprint, and exit 0
    /// unless a rule could not be evaluated.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Ignore `# infracheck:ignore` comments in the .tf sources (waivers in the
    /// configuration and the baseline still apply).
    #[arg(long)]
    pub no_inline_suppressions: bool,
    /// The rule reference (docs/rules.md) as a URL, for links in Markdown, SARIF and
    /// annotations; each rule's anchor is appended.
    #[arg(long, value_name = "URL", default_value = default_rule_docs_url())]
    pub rule_docs_url: Option<String>,
    /// Where the .tf files can be browsed, for links to code in Markdown, e.g.
    /// https://github.com/OWNER/REPO/blob/SHA (default in GitHub Actions: the
    /// repository and commit of the run).
    #[arg(long, value_name = "URL")]
    pub source_url: Option<String>,
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

/// The report formats of `plan`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Sarif,
    Junit,
    Markdown,
    Github,
    /// AWS Security Finding Format, as Security Hub imports it.
    Asff,
}

impl OutputFormat {
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Table => "table",
            OutputFormat::Json => "json",
            OutputFormat::Sarif => "sarif",
            OutputFormat::Junit => "junit",
            OutputFormat::Markdown => "markdown",
            OutputFormat::Github => "github",
            OutputFormat::Asff => "asff",
        }
    }
}

/// `--format NAME` or `--format NAME=FILE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatSpec {
    pub format: OutputFormat,
    pub file: Option<PathBuf>,
}

fn parse_format_spec(s: &str) -> Result<FormatSpec, String> {
    let (name, file) = match s.split_once('=') {
        Some((n, "")) => return Err(format!("no file after {n}=")),
        Some((n, f)) => (n, Some(PathBuf::from(f))),
        None => (s, None),
    };
    let format = OutputFormat::from_str(name, true).map_err(|_| {
        format!("unknown format {name:?} (expected table, json, sarif, junit, markdown, github or asff)")
    })?;
    Ok(FormatSpec { format, file })
}

/// `--var NAME=VALUE`.
fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("expected NAME=VALUE, got {s:?}")),
    }
}

/// The default of `--rule-docs-url`: docs/rules.md of the package's repository,
/// when Cargo.toml names one.
pub fn default_rule_docs_url() -> Option<&'static str> {
    const URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/rules.md");
    (!env!("CARGO_PKG_REPOSITORY").is_empty()).then_some(URL)
}

impl Cli {
    /// Parses the command line like `Cli::parse`, and records where each --format
    /// and --output of `plan` stood, so that [`ReportArgs::outputs`] can pair them.
    pub fn parse_args() -> Cli {
        Self::try_parse_args(std::env::args_os()).unwrap_or_else(|e| e.exit())
    }

    pub fn try_parse_args<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let matches = Cli::command().try_get_matches_from(args)?;
        let mut cli = Cli::from_arg_matches(&matches)?;
        let report = match &mut cli.command {
            Command::Plan(plan) | Command::Hcl(plan) => Some(&mut plan.report),
            #[cfg(feature = "live")]
            Command::Live(live) => Some(&mut live.report),
            Command::Policies(_) => None,
        };
        if let (Some(report), Some((_, m))) = (report, matches.subcommand()) {
            let at = |id: &str| -> Vec<usize> {
                m.indices_of(id).map(|i| i.collect()).unwrap_or_default()
            };
            report.positions = Some((at("format"), at("output")));
        }
        Ok(cli)
    }
}

impl ReportArgs {
    /// Each report to write: its format and its file (`None`: standard output).
    ///
    /// `--format NAME=FILE` names its file; an `--output` goes with the `--format`
    /// right before it; a lone `--output` goes with the lone `--format` (or the
    /// default table) wherever it stands. At most one report goes to standard output,
    /// and no file gets two.
    pub fn outputs(&self) -> Result<Vec<(OutputFormat, Option<PathBuf>)>, String> {
        let (fpos, opos) = match &self.positions {
            Some((f, o)) if f.len() == self.format.len() && o.len() == self.output.len() => {
                (f.clone(), o.clone())
            }
            // Parsed without positions: the formats, then the outputs.
            _ => (
                (0..self.format.len()).collect(),
                (self.format.len()..self.format.len() + self.output.len()).collect(),
            ),
        };
        let mut events: Vec<(usize, Result<&FormatSpec, &PathBuf>)> = fpos
            .into_iter()
            .zip(self.format.iter().map(Ok))
            .chain(opos.into_iter().zip(self.output.iter().map(Err)))
            .collect();
        events.sort_by_key(|(at, _)| *at);
        let mut reports: Vec<(OutputFormat, Option<PathBuf>)> = Vec::new();
        let mut pending: Option<usize> = None;
        let mut leading: Vec<&PathBuf> = Vec::new();
        for (_, event) in events {
            match event {
                Ok(spec) => {
                    reports.push((spec.format, spec.file.clone()));
                    pending = spec.file.is_none().then_some(reports.len() - 1);
                }
                Err(path) => match pending.take() {
                    Some(i) => reports[i].1 = Some(path.clone()),
                    None if reports.is_empty() => leading.push(path),
                    None => {
                        return Err(format!(
                            "--output {}: no --format right before it to write there (put each --output right after its --format, or use --format NAME=FILE)",
                            path.display()
                        ))
                    }
                },
            }
        }
        if reports.is_empty() {
            reports.push((OutputFormat::Table, None));
        }
        if let Some(first) = leading.first() {
            let free: Vec<usize> = (0..reports.len())
                .filter(|&i| reports[i].1.is_none())
                .collect();
            if leading.len() == 1 && free.len() == 1 {
                reports[free[0]].1 = Some((*first).clone());
            } else {
                return Err(format!(
                    "--output {}: it stands before every --format, so which report it is for is unclear (put each --output right after its --format, or use --format NAME=FILE)",
                    first.display()
                ));
            }
        }
        // `-` is standard output.
        for (_, file) in reports.iter_mut() {
            if file.as_deref() == Some(std::path::Path::new("-")) {
                *file = None;
            }
        }
        let to_stdout: Vec<&str> = reports
            .iter()
            .filter(|(_, f)| f.is_none())
            .map(|(fmt, _)| fmt.name())
            .collect();
        if to_stdout.len() > 1 {
            return Err(format!(
                "--format {} would all go to standard output: give all but one a file (--format NAME=FILE, or --output FILE right after it)",
                to_stdout.join(", --format ")
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for (_, file) in &reports {
            if let Some(f) = file {
                if !seen.insert(f) {
                    return Err(format!(
                        "{}: two reports would be written to it",
                        f.display()
                    ));
                }
            }
        }
        Ok(reports)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outputs(args: &[&str]) -> Result<Vec<(&'static str, Option<String>)>, String> {
        let mut argv = vec!["infracheck", "plan", "p.json"];
        argv.extend(args);
        let cli = Cli::try_parse_args(argv).map_err(|e| e.to_string())?;
        let Command::Plan(plan) = cli.command else {
            unreachable!()
        };
        Ok(plan
            .report
            .outputs()?
            .into_iter()
            .map(|(f, p)| (f.name(), p.map(|p| p.display().to_string())))
            .collect())
    }

    #[test]
    fn outputs_pair_with_the_format_before_them() {
        assert_eq!(outputs(&[]).unwrap(), vec![("table", None)]);
        assert_eq!(
            outputs(&["-o", "t.txt"]).unwrap(),
            vec![("table", Some("t.txt".into()))]
        );
        assert_eq!(
            outputs(&["--format", "json", "-o", "r.json"]).unwrap(),
            vec![("json", Some("r.json".into()))]
        );
        assert_eq!(
            outputs(&["-o", "r.json", "--format", "json"]).unwrap(),
            vec![("json", Some("r.json".into()))]
        );
        assert_eq!(
            outputs(&[
                "--format",
                "table",
                "--format",
                "sarif",
                "--output",
                "results.sarif"
            ])
            .unwrap(),
            vec![("table", None), ("sarif", Some("results.sarif".into()))]
        );
        assert_eq!(
            outputs(&[
                "-f",
                "sarif",
                "-o",
                "r.sarif",
                "-f",
                "markdown=m.md",
                "-f",
                "junit=j.xml",
                "-f",
                "github",
                "-o",
                "-"
            ])
            .unwrap(),
            vec![
                ("sarif", Some("r.sarif".into())),
                ("markdown", Some("m.md".into())),
                ("junit", Some("j.xml".into())),
                ("github", None),
            ]
        );
        assert_eq!(
            outputs(&["-f", "SARIF=a", "--rules", "S3-001", "-f", "json"]).unwrap(),
            vec![("sarif", Some("a".into())), ("json", None)]
        );
    }

    #[test]
    fn unclear_pairings_are_errors() {
        assert_eq!(
            outputs(&["-f", "table", "-f", "json"]).unwrap_err(),
            "--format table, --format json would all go to standard output: give all but one a file (--format NAME=FILE, or --output FILE right after it)"
        );
        assert!(outputs(&["-f", "json=a", "-o", "b"])
            .unwrap_err()
            .starts_with("--output b: no --format right before it"));
        assert!(
            outputs(&["-o", "a", "-o", "b", "-f", "json", "-f", "sarif"])
                .unwrap_err()
                .starts_with("--output a: it stands before every --format")
        );
        assert_eq!(
            outputs(&["-f", "json=a", "-f", "sarif=a"]).unwrap_err(),
            "a: two reports would be written to it"
        );
        assert!(outputs(&["-f", "pdf"]).unwrap_err().contains(
            "unknown format \"pdf\" (expected table, json, sarif, junit, markdown, github or asff)"
        ));
    }
}
