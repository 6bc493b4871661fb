//! Suppressions: inline `# infracheck:ignore` comments in the `.tf` sources,
//! `[[waivers]]` of `.infracheck.toml` and a `--baseline` file.
//!
//! A suppressed FAILED finding keeps its status and carries a [`Suppression`]; it
//! no longer counts for the exit code. Expired, unused and invalid suppressions
//! become [`Warning`]s of the scan. Precedence when several match: inline, waiver,
//! baseline; every one that matches counts as used.

pub mod baseline;
pub mod inline;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

pub use baseline::Baseline;

use crate::config::Waiver;
use crate::findings::{
    Origin, ScanResult, Status, Suppression, SuppressionKind, Warning, WarningKind,
};

#[derive(Debug, thiserror::Error)]
pub enum SuppressError {
    #[error("{path}: cannot read: {cause}")]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// What to apply, and against which day.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// Suppressions whose `expires` is before this day no longer apply.
    pub today: NaiveDate,
    /// Read `# infracheck:ignore` comments (off with `--no-inline-suppressions`).
    pub inline: bool,
    pub waivers: &'a [Waiver],
    /// The configuration file the waivers come from, as reports should name it.
    pub config_file: Option<String>,
    pub baseline: Option<&'a Baseline>,
    /// Every rule ID of the catalog, run or not: a suppression of any other ID is
    /// invalid, one of a known rule that did not run is left alone.
    pub known_rules: &'a [String],
    /// Relative `.tf` locations are read from here (the working directory).
    pub base_dir: &'a Path,
}

/// Today's date in UTC, or `INFRACHECK_TODAY` (`YYYY-MM-DD`) when set, so that
/// runs with expiring suppressions can be reproduced.
pub fn today() -> Result<NaiveDate, String> {
    match std::env::var("INFRACHECK_TODAY") {
        Ok(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map_err(|_| format!("INFRACHECK_TODAY: expected a date YYYY-MM-DD, not {s:?}")),
        Err(_) => Ok(chrono::Utc::now().date_naive()),
    }
}

struct InlineEntry {
    file: String,
    directive: inline::Directive,
    used: HashSet<String>,
}

fn expired(expires: Option<NaiveDate>, today: NaiveDate) -> bool {
    expires.is_some_and(|d| d < today)
}

/// Marks suppressed findings and adds the suppressions' warnings to `result`.
pub fn apply(result: &mut ScanResult, opts: &Options) -> Result<(), SuppressError> {
    let ran: HashSet<String> = result
        .rules
        .iter()
        .map(|r| r.id.to_ascii_uppercase())
        .collect();
    let known: HashSet<String> = opts
        .known_rules
        .iter()
        .map(|r| r.to_ascii_uppercase())
        .collect();
    let mut warnings = Vec::new();
    let warn = |kind, rule: Option<&str>, message: String, origin: Option<Origin>| Warning {
        kind,
        rule_id: rule.map(str::to_string),
        message,
        origin,
    };

    // Inline comments of every file a finding points into.
    let mut inline_entries: Vec<InlineEntry> = Vec::new();
    let mut file_lines: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if opts.inline {
        let files: BTreeSet<&str> = result
            .findings
            .iter()
            .filter_map(|f| f.location.as_ref().map(|l| l.file.as_str()))
            .collect();
        for file in files {
            let path = opts.base_dir.join(file);
            let text = std::fs::read_to_string(&path)
                .map_err(|cause| SuppressError::Io { path, cause })?;
            for (line, parsed) in inline::parse_file(&text) {
                let origin = Origin {
                    file: file.to_string(),
                    line: Some(line),
                };
                match parsed {
                    Err(why) => warnings.push(warn(
                        WarningKind::InvalidSuppression,
                        None,
                        why,
                        Some(origin),
                    )),
                    Ok(d) => {
                        for r in d.rules.iter().filter(|r| !known.contains(*r)) {
                            warnings.push(warn(
                                WarningKind::InvalidSuppression,
                                Some(r),
                                format!("no rule has the ID {r}"),
                                Some(origin.clone()),
                            ));
                        }
                        if expired(d.expires, opts.today) {
                            warnings.push(warn(
                                WarningKind::ExpiredSuppression,
                                Some(&d.rules.join(",")),
                                format!(
                                    "{} expired on {}, so its findings count again (reason: {})",
                                    d.rules.join(","),
                                    d.expires.map(|e| e.to_string()).unwrap_or_default(),
                                    d.reason
                                ),
                                Some(origin.clone()),
                            ));
                        }
                        inline_entries.push(InlineEntry {
                            file: file.to_string(),
                            directive: d,
                            used: HashSet::new(),
                        });
                    }
                }
            }
            file_lines.insert(file.to_string(), text.lines().map(str::to_string).collect());
        }
    }

    let config_file = opts
        .config_file
        .clone()
        .unwrap_or_else(|| crate::config::CONFIG_FILE.to_string());
    let mut waiver_used = vec![false; opts.waivers.len()];
    let baseline_set: HashSet<&str> = opts
        .baseline
        .map(|b| b.fingerprints().collect())
        .unwrap_or_default();
    let mut baseline_used: HashSet<String> = HashSet::new();

    for f in result.findings.iter_mut() {
        if f.status != Status::Failed {
            continue;
        }
        let rule = f.rule_id.to_ascii_uppercase();
        let mut chosen: Option<Suppression> = None;
        if let Some(loc) = &f.location {
            let lines: Vec<&str> = file_lines
                .get(&loc.file)
                .map(|v| v.iter().map(String::as_str).collect())
                .unwrap_or_default();
            for e in inline_entries.iter_mut().filter(|e| e.file == loc.file) {
                let d = &e.directive;
                if d.rules.contains(&rule) && inline::covers(&lines, d.line, loc.line, loc.end_line)
                {
                    e.used.insert(rule.clone());
                    if chosen.is_none() && !expired(d.expires, opts.today) {
                        chosen = Some(Suppression {
                            kind: SuppressionKind::Inline,
                            reason: d.reason.clone(),
                            expires: d.expires,
                            origin: Origin {
                                file: e.file.clone(),
                                line: Some(d.line),
                            },
                        });
                    }
                }
            }
        }
        for (i, w) in opts.waivers.iter().enumerate() {
            if w.matches(&rule, &f.address) {
                waiver_used[i] = true;
                if chosen.is_none() && !expired(w.expires, opts.today) {
                    chosen = Some(Suppression {
                        kind: SuppressionKind::Waiver,
                        reason: w.reason.clone(),
                        expires: w.expires,
                        origin: Origin {
                            file: config_file.clone(),
                            line: Some(w.line),
                        },
                    });
                }
            }
        }
        if let Some(b) = opts.baseline {
            let fp = f.fingerprint();
            if baseline_set.contains(fp.as_str()) {
                baseline_used.insert(fp);
                if chosen.is_none() {
                    chosen = Some(Suppression {
                        kind: SuppressionKind::Baseline,
                        reason: "in the baseline".into(),
                        expires: None,
                        origin: Origin {
                            file: b.path.clone(),
                            line: None,
                        },
                    });
                }
            }
        }
        f.suppression = chosen;
    }

    for e in &inline_entries {
        let d = &e.directive;
        if expired(d.expires, opts.today) {
            continue;
        }
        for r in d
            .rules
            .iter()
            .filter(|r| ran.contains(*r) && !e.used.contains(*r))
        {
            warnings.push(warn(
                WarningKind::UnusedSuppression,
                Some(r),
                format!("{r} is suppressed here, but no FAILED finding of {r} is in this block"),
                Some(Origin {
                    file: e.file.clone(),
                    line: Some(d.line),
                }),
            ));
        }
    }
    for (w, used) in opts.waivers.iter().zip(waiver_used) {
        let rule = w.rule.to_ascii_uppercase();
        let origin = Some(Origin {
            file: config_file.clone(),
            line: Some(w.line),
        });
        if !known.contains(&rule) {
            warnings.push(warn(
                WarningKind::InvalidSuppression,
                Some(&w.rule),
                format!("waiver: no rule has the ID {}", w.rule),
                origin,
            ));
        } else if expired(w.expires, opts.today) {
            warnings.push(warn(
                WarningKind::ExpiredSuppression,
                Some(&w.rule),
                format!(
                    "waiver for {} on {:?} expired on {}, so its findings count again (reason: {})",
                    w.rule,
                    w.resource,
                    w.expires.map(|e| e.to_string()).unwrap_or_default(),
                    w.reason
                ),
                origin,
            ));
        } else if !used && ran.contains(&rule) {
            warnings.push(warn(
                WarningKind::UnusedSuppression,
                Some(&w.rule),
                format!(
                    "waiver for {} on {:?} matches no FAILED finding",
                    w.rule, w.resource
                ),
                origin,
            ));
        }
    }
    if let Some(b) = opts.baseline {
        let stale: Vec<&baseline::Entry> = b
            .entries
            .iter()
            .filter(|e| {
                ran.contains(&e.rule.to_ascii_uppercase())
                    && !baseline_used.contains(e.fingerprint.as_str())
            })
            .collect();
        if !stale.is_empty() {
            let mut names: Vec<String> = stale
                .iter()
                .take(5)
                .map(|e| format!("{} {}", e.rule, e.address))
                .collect();
            if stale.len() > 5 {
                names.push(format!("and {} more", stale.len() - 5));
            }
            warnings.push(warn(
                WarningKind::UnusedSuppression,
                None,
                format!(
                    "{} baseline {} no FAILED finding (fixed or renamed: {}); refresh the file with --write-baseline",
                    stale.len(),
                    if stale.len() == 1 { "entry matches" } else { "entries match" },
                    names.join(", ")
                ),
                Some(Origin {
                    file: b.path.clone(),
                    line: None,
                }),
            ));
        }
    }
    result.warnings.extend(warnings);
    Ok(())
}

#[cfg(test)]
mod tests;
