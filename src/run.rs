//! The commands, wired from the CLI through the pipeline stages.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::cli::{
    Command, Format, OutputFormat, PlanArgs, PoliciesCommand, PolicyArgs, ReportArgs,
};
use crate::config::Config;
use crate::engine::{self, PolicyFile, PolicySet};
use crate::findings::{FailOn, Severity};
use crate::frameworks;
use crate::model::index::build_input;
use crate::report::{self, SourceInfo};
use crate::source::plan::load_plan;
use crate::suppress::{self, baseline, Baseline};

pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// What a panic prints, on one line: where, what, and that it is a bug to report.
pub fn internal_error(info: &std::panic::PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("panic");
    let what = what.lines().next().unwrap_or_default();
    let at = info
        .location()
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    format!(
        "infracheck: internal error: {what}{at}; this is a bug in infracheck, please report it with the input that caused it"
    )
}

pub fn run(command: Command) -> Result<u8> {
    match command {
        Command::Plan(args) => plan(args, false),
        Command::Hcl(args) => plan(args, true),
        #[cfg(feature = "live")]
        Command::Live(args) => live(args),
        Command::Policies(PoliciesCommand::List { format, policy }) => list(format, &policy),
        Command::Policies(PoliciesCommand::Test { verbose, policy }) => test(verbose, &policy),
        Command::Policies(PoliciesCommand::Show { id, policy }) => show(&id, &policy),
        Command::Policies(PoliciesCommand::Docs { output, policy }) => {
            docs(output.as_deref(), &policy)
        }
    }
}

fn load_config(args: &PolicyArgs) -> Result<Config> {
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    Ok(Config::discover(args.config.as_deref(), &cwd)?)
}

/// Built-in policies plus the configured and flagged directories.
fn policy_files(config: &Config, args: &PolicyArgs) -> Result<Vec<PolicyFile>> {
    let mut files = engine::builtin_files();
    for dir in config.policy_dirs.iter().chain(&args.policy_dirs) {
        files.extend(engine::dir_files(dir)?);
    }
    Ok(files)
}

fn write_output(text: &str, output: Option<&Path>) -> Result<()> {
    stream_output(output, &mut |w| w.write_all(text.as_bytes()))
}

/// Hands `write` the report's destination: the file, or standard output.
fn stream_output(
    output: Option<&Path>,
    write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    match output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("{}: cannot write the report", path.display()))?;
            let mut w = std::io::BufWriter::new(file);
            write(&mut w)
                .and_then(|()| w.flush())
                .with_context(|| format!("{}: cannot write the report", path.display()))
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = write(&mut out).and_then(|()| out.flush());
            Ok(())
        }
    }
}

/// The link base for code in GitHub Actions: this run's repository and commit.
fn github_source_url() -> Option<String> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    if var("GITHUB_ACTIONS").as_deref() != Some("true") {
        return None;
    }
    Some(format!(
        "{}/{}/blob/{}",
        var("GITHUB_SERVER_URL")?,
        var("GITHUB_REPOSITORY")?,
        var("GITHUB_SHA")?
    ))
}

fn plan(args: PlanArgs, hcl: bool) -> Result<u8> {
    // The plan is read while the policies are parsed: neither needs the other.
    let (prepared, scan) = std::thread::scope(|s| {
        let loading = s.spawn(|| load_source(&args, hcl));
        let prepared = Prepared::new(&args.report);
        let scan = loading
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (prepared, scan)
    });
    // Configuration and policy errors come first, as when they were read first.
    let prepared = prepared?;
    let scan = scan?;
    prepared.timer.mark("plan loaded");
    crate::alloc::release_freed_memory();
    let path = if !hcl && args.plan == Path::new("-") {
        crate::source::plan::STDIN_NAME.to_string()
    } else {
        args.plan.display().to_string()
    };
    let destination = Destination {
        home_region: prepared.config.settings.primary_region.clone(),
        #[cfg(feature = "live")]
        security_hub: None,
    };
    evaluate_and_report(&args.report, prepared, vec![scan], path, destination)
}

/// Where a run's findings go besides the reports.
struct Destination {
    /// ASFF findings on global resources, and on resources in regions that were not
    /// scanned, go to this region: the configured primary region (live: when it is
    /// scanned, else the first scanned region).
    home_region: String,
    /// `live --security-hub`: import into each scanned account's Security Hub.
    #[cfg(feature = "live")]
    security_hub: Option<SecurityHubTargets>,
}

#[cfg(feature = "live")]
struct SecurityHubTargets {
    /// Each account that was read, with the credentials it was read with.
    accounts: Vec<(String, aws_config::SdkConfig)>,
    /// Accounts that could not be read: their hubs are left as they are.
    unreadable: Vec<String>,
    regions: Vec<String>,
}

/// `infracheck live`: read the account (or each role's account), then evaluate and
/// report like `plan`; each account is evaluated on its own (see
/// [`crate::accounts`]).
#[cfg(feature = "live")]
fn live(args: crate::cli::LiveArgs) -> Result<u8> {
    use crate::source::live;
    let prepared = Prepared::new(&args.report)?;
    let regions = if args.regions.is_empty() {
        let s = &prepared.config.settings;
        let mut r = vec![s.primary_region.clone()];
        if s.secondary_region != s.primary_region {
            r.push(s.secondary_region.clone());
        }
        r
    } else {
        // `--regions a,b --regions a` scans a once.
        let mut regions: Vec<String> = Vec::new();
        for r in &args.regions {
            if !regions.contains(r) {
                regions.push(r.clone());
            }
        }
        regions
    };
    let opts = live::LiveOptions {
        regions: regions.clone(),
        profile: args.profile.clone(),
        role_arns: args.role_arn.clone(),
        endpoint_url: args.endpoint_url.clone(),
        progress: true,
    };
    let loaded = live::load_live(&opts)?;
    prepared.timer.mark("account read");
    if std::env::var_os("INFRACHECK_TIMINGS").is_some() {
        eprintln!(
            "live: {} API calls in {:.2} s",
            loaded.api_calls(),
            loaded.elapsed.as_secs_f64()
        );
    }
    for u in &loaded.unreadable {
        eprintln!(
            "infracheck: warning: account {} could not be read (role {}): {}",
            u.account, u.role_arn, u.error
        );
    }
    let rules: Vec<_> = prepared
        .policies
        .rules()
        .filter(|r| r.sources.iter().any(|s| s == "live"))
        .cloned()
        .collect();
    let needs = crate::coverage::rule_needs(&rules, &prepared.files);
    let uncollected = live::uncollected_gaps(&needs);
    let mut sdks = Vec::new();
    let mut scans = Vec::new();
    for s in loaded.scans {
        sdks.push((s.scan.accounts.first().cloned().unwrap_or_default(), s.sdk));
        scans.push(s.scan);
    }
    scans.extend(loaded.unreadable.iter().map(|u| u.scan(&regions)));
    let mut accounts = Vec::new();
    for scan in &mut scans {
        scan.gaps.extend(uncollected.iter().cloned());
        accounts.extend(scan.accounts.iter().cloned());
    }
    let path = format!("aws:{}", accounts.join(","));
    // Findings on global resources (IAM, CloudFront...) go to the primary region
    // when it is scanned, so that a run on fewer regions does not move them.
    let primary = &prepared.config.settings.primary_region;
    let home_region = if regions.contains(primary) {
        primary.clone()
    } else {
        regions[0].clone()
    };
    let destination = Destination {
        home_region,
        security_hub: args.security_hub.then(|| SecurityHubTargets {
            accounts: sdks,
            unreadable: loaded
                .unreadable
                .iter()
                .map(|u| u.account.clone())
                .collect(),
            regions: regions.clone(),
        }),
    };
    evaluate_and_report(&args.report, prepared, scans, path, destination)
}

/// Builds the input of `scan`, evaluates the rules `keep` selects on it, and turns
/// the outcomes that the scan's coverage gaps make unreliable into UNKNOWN. `last`:
/// no input is built from this scan again, so what only the input reads is freed
/// before the rules run.
fn evaluate_scan(
    policies: &PolicySet,
    files: &[PolicyFile],
    scan: &mut crate::model::Scan,
    last: bool,
    timer: &PhaseTimer,
    keep: impl Fn(&crate::findings::RuleMeta) -> bool,
) -> crate::findings::ScanResult {
    let input = build_input(scan);
    if last {
        scan.release_rule_inputs();
    }
    timer.mark("input built");
    crate::alloc::release_freed_memory();
    let mut result = policies.evaluate_where(scan, input, keep);
    timer.mark("rules evaluated");
    if !scan.gaps.is_empty() {
        let needs = crate::coverage::rule_needs(&result.rules, files);
        crate::coverage::apply_gaps(&mut result, &scan.gaps, &needs);
    }
    result
}

/// What a scan needs before its source is read: configuration, rules, baseline.
struct Prepared {
    outputs: Vec<(OutputFormat, Option<std::path::PathBuf>)>,
    cwd: std::path::PathBuf,
    today: chrono::NaiveDate,
    config: Config,
    files: Vec<PolicyFile>,
    policies: PolicySet,
    known_rules: Vec<String>,
    baseline: Option<Baseline>,
    timer: PhaseTimer,
}

impl Prepared {
    fn new(args: &ReportArgs) -> Result<Prepared> {
        let outputs = args.outputs().map_err(anyhow::Error::msg)?;
        let cwd = std::env::current_dir().context("cannot read the working directory")?;
        let today = suppress::today().map_err(anyhow::Error::msg)?;
        let config = load_config(&args.policy)?;
        let files = policy_files(&config, &args.policy)?;
        let mut policies = PolicySet::load(&files, &config.settings)?;
        let known_rules: Vec<String> = policies.rules().map(|r| r.id.clone()).collect();
        let baseline = match &args.baseline {
            Some(p) => Some(Baseline::load(
                p,
                &report::relative_path(&p.display().to_string(), &cwd),
            )?),
            None => None,
        };
        if !args.rules.is_empty() {
            if let Some(bad) = args.rules.iter().find(|id| !known_rules.contains(id)) {
                anyhow::bail!("--rules: no rule with ID {bad:?} (see `infracheck policies list`)");
            }
            policies.retain(&args.rules);
        }
        if let Some(fw) = &args.framework {
            let mapped: Vec<String> = policies
                .rules()
                .filter(|r| frameworks::maps_to(r, fw))
                .map(|r| r.id.clone())
                .collect();
            policies.retain(&mapped);
        }
        let timer = PhaseTimer::from_env();
        timer.mark("policies loaded");
        Ok(Prepared {
            outputs,
            cwd,
            today,
            config,
            files,
            policies,
            known_rules,
            baseline,
            timer,
        })
    }
}

/// Evaluates the rules on a scan (`live` over several accounts: on each account's
/// scan, then merged, see [`crate::accounts`]) and writes every report: shared by
/// `plan`, `hcl` and `live`. Coverage gaps of the scan turn the outcomes they make
/// unreliable into UNKNOWN (see [`crate::coverage`]).
fn evaluate_and_report(
    args: &ReportArgs,
    prepared: Prepared,
    scans: Vec<crate::model::Scan>,
    source_path: String,
    destination: Destination,
) -> Result<u8> {
    let Prepared {
        outputs,
        cwd,
        today,
        config,
        files,
        policies,
        known_rules,
        baseline,
        timer,
    } = prepared;
    let several = scans.len() > 1;
    let mut parts = Vec::with_capacity(scans.len());
    for mut scan in scans {
        let account = scan.accounts.first().cloned().unwrap_or_default();
        if several {
            crate::accounts::qualify_gaps(&mut scan, &account);
        }
        // Over several accounts, the rules that compare accounts run once, below, on
        // an input built from the accounts' scans together.
        let mut result = evaluate_scan(&policies, &files, &mut scan, !several, &timer, |r| {
            !(several && r.across_accounts)
        });
        if several {
            crate::accounts::qualify_findings(&mut result, &account);
        }
        parts.push((scan, result));
    }
    let (scan, mut result) = if several {
        let (mut scan, mut result) = crate::accounts::merge(parts);
        let across = evaluate_scan(&policies, &files, &mut scan, true, &timer, |r| {
            r.across_accounts
        });
        crate::accounts::add_across(&mut result, across);
        (scan, result)
    } else {
        parts.pop().context("nothing to evaluate")?
    };
    suppress::apply(
        &mut result,
        &suppress::Options {
            today,
            inline: !args.no_inline_suppressions,
            waivers: &config.waivers,
            config_file: config
                .path
                .as_ref()
                .map(|p| report::relative_path(&p.display().to_string(), &cwd)),
            baseline: baseline.as_ref(),
            known_rules: &known_rules,
            base_dir: &cwd,
        },
    )?;
    if let Some(path) = &args.write_baseline {
        std::fs::write(path, baseline::render(&result))
            .with_context(|| format!("{}: cannot write the baseline", path.display()))?;
    }
    let source = SourceInfo {
        kind: scan.source.into(),
        path: source_path,
        regions: scan.regions.clone(),
        resources: scan.resources.len(),
    };
    let framework = args
        .framework
        .as_deref()
        .map(|fw| frameworks::summarize(&result, fw));
    let ctx = report::Context {
        source: &source,
        framework: framework.as_ref(),
        rule_docs_url: args.rule_docs_url.clone(),
        source_url: args.source_url.clone().or_else(github_source_url),
        base_dir: cwd.clone(),
    };
    let asff_options = report::asff::Options {
        now: report::asff::now(),
        home_region: &destination.home_region,
        rule_docs_url: ctx.rule_docs_url.as_deref(),
    };
    // Built once, for the ASFF report and the Security Hub import alike.
    #[cfg(feature = "live")]
    let pushing = destination.security_hub.is_some();
    #[cfg(not(feature = "live"))]
    let pushing = false;
    #[cfg_attr(not(feature = "live"), allow(unused_mut))]
    let mut asff = if pushing || outputs.iter().any(|(f, _)| *f == OutputFormat::Asff) {
        Some(report::asff::build(
            &result.findings,
            &result.rules,
            &scan,
            &asff_options,
        )?)
    } else {
        None
    };
    for (format, file) in &outputs {
        let text = match format {
            OutputFormat::Table => {
                let mut t = report::table::render(&result, &ctx);
                if let Some(fw) = &framework {
                    t.push_str(&report::table::render_framework(fw));
                }
                t
            }
            OutputFormat::Json => {
                // Streamed: a large scan's JSON report is the biggest thing it writes.
                stream_output(file.as_deref(), &mut |w| {
                    report::json::write(&result, &ctx, w)
                })?;
                continue;
            }
            OutputFormat::Sarif => report::sarif::render(&result, &ctx),
            OutputFormat::Junit => report::junit::render(&result, &ctx),
            OutputFormat::Markdown => report::markdown::render(&result, &ctx),
            OutputFormat::Github => report::github::render(&result, &ctx),
            OutputFormat::Asff => report::asff::render(asff.as_deref().unwrap_or_default()),
        };
        write_output(&text, file.as_deref())?;
    }
    timer.mark("report written");
    #[cfg(feature = "live")]
    let import_failed = match &destination.security_hub {
        Some(target) => {
            let needs = crate::coverage::rule_needs(&result.rules, &files);
            let scope = crate::publish::scope::EvaluatedScope::new(&result, &scan, &needs);
            let mut findings = asff.take().unwrap_or_default();
            let mut failed = false;
            // Each account's findings go to its own hub, with its own credentials.
            for (account, sdk) in &target.accounts {
                let (mine, rest) = findings
                    .into_iter()
                    .partition(|f| &f.aws_account_id == account);
                findings = rest;
                let outcomes = crate::publish::security_hub::publish(
                    sdk,
                    account,
                    &target.regions,
                    mine,
                    &scope,
                )?;
                let label = if several {
                    format!("account {account}: ")
                } else {
                    String::new()
                };
                for o in &outcomes {
                    eprintln!("infracheck: {label}{}", o.summary());
                    for f in &o.failed {
                        failed = true;
                        eprintln!(
                            "infracheck: error: {label}security hub {}: finding {} was not imported: {} {}",
                            o.region, f.id, f.code, f.message
                        );
                    }
                }
            }
            for account in &target.unreadable {
                eprintln!(
                    "infracheck: account {account}: security hub skipped: the account could not be read"
                );
            }
            timer.mark("security hub updated");
            failed
        }
        None => false,
    };
    #[cfg(not(feature = "live"))]
    let import_failed = false;
    for e in &result.errors {
        eprintln!(
            "infracheck: error: rule {} could not be evaluated: {}",
            e.rule_id, e.message
        );
    }
    // The table on standard output lists the warnings already.
    if !outputs.contains(&(OutputFormat::Table, None)) {
        for w in &result.warnings {
            eprintln!("infracheck: warning: {w}");
        }
    }
    let fail_on = args
        .fail_on
        .or(config.fail_on)
        .unwrap_or(FailOn::Severity(Severity::High));
    let code = if !result.errors.is_empty() || import_failed {
        EXIT_ERROR
    } else if args.write_baseline.is_some() {
        // Every FAILED finding is in the new baseline.
        EXIT_OK
    } else if result.fails(fail_on) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    // The scan, the findings and the parsed rules are left to the process's exit:
    // freeing the findings and rules one by one was 27M instructions (5-8 ms) at
    // the end of a 9k scan.
    std::mem::forget(scan);
    std::mem::forget(result);
    std::mem::forget(policies);
    Ok(code)
}

fn list(format: Format, args: &PolicyArgs) -> Result<u8> {
    let config = load_config(args)?;
    let files = policy_files(&config, args)?;
    let policies = PolicySet::load(&files, &config.settings)?;
    let rules: Vec<_> = policies.rules().cloned().collect();
    let text = match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&rules)?;
            s.push('\n');
            s
        }
        Format::Table => {
            let mut table = comfy_table::Table::new();
            table
                .load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
                .set_header(vec![
                    "ID",
                    "Severity",
                    "Title",
                    "Resource types",
                    "Frameworks",
                ]);
            for r in &rules {
                let frameworks: Vec<String> = r
                    .frameworks
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", v.join(", ")))
                    .collect();
                table.add_row(vec![
                    r.id.clone(),
                    r.severity.to_string(),
                    r.title.clone(),
                    r.resource_types.join(", "),
                    frameworks.join("\n"),
                ]);
            }
            format!("{table}\n{} rules\n", rules.len())
        }
    };
    write_output(&text, None)?;
    Ok(EXIT_OK)
}

fn test(verbose: bool, args: &PolicyArgs) -> Result<u8> {
    let config = load_config(args)?;
    let files = policy_files(&config, args)?;
    let outcomes = engine::testing::run_tests(&files, &config.settings)?;
    let mut out = String::new();
    for t in &outcomes {
        match &t.failure {
            Some(why) => out.push_str(&format!("FAIL {} ({}): {why}\n", t.name, t.file)),
            None if verbose => out.push_str(&format!("PASS {}\n", t.name)),
            None => {}
        }
    }
    let failed = outcomes.iter().filter(|t| t.failure.is_some()).count();
    out.push_str(&format!(
        "{} passed, {} failed\n",
        outcomes.len() - failed,
        failed
    ));
    write_output(&out, None)?;
    Ok(if failed > 0 { EXIT_FINDINGS } else { EXIT_OK })
}

fn show(id: &str, args: &PolicyArgs) -> Result<u8> {
    let config = load_config(args)?;
    let files = policy_files(&config, args)?;
    let policies = PolicySet::load(&files, &config.settings)?;
    let Some(rule) = policies.rules().find(|r| r.id.eq_ignore_ascii_case(id)) else {
        anyhow::bail!("no rule with ID {id:?} (see `infracheck policies list`)");
    };
    write_output(&report::rule_docs::rule_section(rule), None)?;
    Ok(EXIT_OK)
}

fn docs(output: Option<&Path>, args: &PolicyArgs) -> Result<u8> {
    let config = load_config(args)?;
    let files = policy_files(&config, args)?;
    let policies = PolicySet::load(&files, &config.settings)?;
    let rules: Vec<_> = policies.rules().cloned().collect();
    write_output(&report::rule_docs::render(&rules), output)?;
    Ok(EXIT_OK)
}

/// `INFRACHECK_TIMINGS=1` prints, to standard error, when each stage ended and the
/// resident memory then; `INFRACHECK_TIMINGS=rules` also evaluates the rules one at
/// a time and prints each one's CPU time.
struct PhaseTimer(Option<std::time::Instant>);

impl PhaseTimer {
    fn from_env() -> Self {
        PhaseTimer(std::env::var_os("INFRACHECK_TIMINGS").map(|_| std::time::Instant::now()))
    }

    fn mark(&self, what: &str) {
        if let Some(start) = self.0 {
            eprintln!(
                "{:>8.1} ms {:>7} MB RSS  {what}",
                start.elapsed().as_secs_f64() * 1000.0,
                resident_mb().map_or_else(|| "?".to_string(), |mb| format!("{mb:.1}"))
            );
        }
    }
}

/// The process's resident memory now, in MB (Linux: /proc/self/statm).
fn resident_mb() -> Option<f64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: f64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096.0 / 1e6)
}

/// The scan of `plan` (a plan file, with `--tf-dir` locations) or of `hcl` (.tf
/// sources); the options of the other command are refused. Source warnings (remote
/// modules not scanned, variables without a value...) go to standard error.
fn load_source(args: &PlanArgs, hcl: bool) -> Result<crate::model::Scan> {
    use crate::source::hcl::{load_hcl, locate, HclOptions};
    // Test builds only: the tests' way to see what a bug on a loader thread does.
    if cfg!(debug_assertions) && std::env::var_os("INFRACHECK_TEST_PANIC").is_some() {
        panic!("INFRACHECK_TEST_PANIC is set");
    }
    if hcl {
        if args.tf_dir.is_some() {
            anyhow::bail!("--tf-dir is for `plan`: `hcl` knows where its resources are");
        }
        let options = HclOptions {
            var_files: args.var_files.clone(),
            vars: args.vars.clone(),
        };
        let loaded = load_hcl(&args.plan, &options)?;
        for w in &loaded.warnings {
            eprintln!("infracheck: warning: {w}");
        }
        return Ok(loaded.scan);
    }
    if !args.var_files.is_empty() || !args.vars.is_empty() {
        anyhow::bail!("--var and --var-file are for `hcl`: a plan holds its variables' values");
    }
    let mut scan = load_plan(&args.plan)?;
    if let Some(dir) = &args.tf_dir {
        locate(dir)?.apply(&mut scan);
    }
    Ok(scan)
}
