//! Inline suppressions: `# infracheck:ignore RULE-ID[,RULE-ID] reason="..." expires=YYYY-MM-DD`
//! in a comment of the `.tf` source, on the lines directly above a resource block
//! or inside it.

use chrono::NaiveDate;

pub const MARKER: &str = "infracheck:ignore";

/// One `infracheck:ignore` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// 1-based line of the comment.
    pub line: usize,
    pub rules: Vec<String>,
    pub reason: String,
    pub expires: Option<NaiveDate>,
}

/// Every directive of a file, each parsed or with the reason it is invalid.
pub fn parse_file(text: &str) -> Vec<(usize, Result<Directive, String>)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| comment_directive(l).map(|d| (i + 1, parse_directive(d, i + 1))))
        .collect()
}

/// The text after the marker, when the marker stands in a comment.
fn comment_directive(line: &str) -> Option<&str> {
    let at = line.find(MARKER)?;
    let before = line[..at].trim_end();
    let in_comment = before.ends_with('#') || before.ends_with("//") || before.ends_with("/*");
    in_comment.then(|| {
        let rest = &line[at + MARKER.len()..];
        rest.trim_end().trim_end_matches("*/")
    })
}

fn parse_directive(text: &str, line: usize) -> Result<Directive, String> {
    let mut words = Tokens(text);
    let rules: Vec<String> = match words.next_word() {
        Some(w) if !w.contains('=') => w
            .split(',')
            .filter(|r| !r.is_empty())
            .map(|r| r.to_ascii_uppercase())
            .collect(),
        _ => Vec::new(),
    };
    if rules.is_empty() {
        return Err(format!(
            "`{MARKER}` names no rule (expected `{MARKER} RULE-ID reason=\"...\"`)"
        ));
    }
    let mut reason = None;
    let mut expires = None;
    while let Some((key, value)) = words.next_pair()? {
        match key {
            "reason" => reason = Some(value),
            "expires" => {
                expires =
                    Some(NaiveDate::parse_from_str(&value, "%Y-%m-%d").map_err(|_| {
                        format!("`expires` must be a date YYYY-MM-DD, not {value:?}")
                    })?)
            }
            other => {
                return Err(format!(
                    "unknown key `{other}` (expected reason=\"...\" and expires=YYYY-MM-DD)"
                ))
            }
        }
    }
    match reason {
        Some(r) if !r.trim().is_empty() => Ok(Directive {
            line,
            rules,
            reason: r.trim().to_string(),
            expires,
        }),
        _ => Err(format!(
            "{} has no reason: a suppression needs reason=\"...\"",
            rules.join(",")
        )),
    }
}

struct Tokens<'a>(&'a str);

impl<'a> Tokens<'a> {
    fn next_word(&mut self) -> Option<&'a str> {
        let s = self.0.trim_start();
        if s.is_empty() {
            return None;
        }
        let end = s.find(char::is_whitespace).unwrap_or(s.len());
        self.0 = &s[end..];
        Some(&s[..end])
    }

    /// `key=value` or `key="quoted value"` (with `\"` and `\\` escapes).
    fn next_pair(&mut self) -> Result<Option<(&'a str, String)>, String> {
        let s = self.0.trim_start();
        if s.is_empty() {
            return Ok(None);
        }
        let Some(eq) = s.find('=') else {
            let word = s.split_whitespace().next().unwrap_or(s);
            return Err(format!(
                "unexpected {word:?} (expected reason=\"...\" and expires=YYYY-MM-DD)"
            ));
        };
        let key = &s[..eq];
        if key.contains(char::is_whitespace) || key.is_empty() {
            let word = s.split_whitespace().next().unwrap_or(s);
            return Err(format!(
                "unexpected {word:?} (expected reason=\"...\" and expires=YYYY-MM-DD)"
            ));
        }
        let rest = &s[eq + 1..];
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            value.push(n);
                        }
                    }
                    '"' => {
                        self.0 = &quoted[i + 1..];
                        return Ok(Some((key, value)));
                    }
                    c => value.push(c),
                }
            }
            Err(format!("`{key}`: the closing quote is missing"))
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            self.0 = &rest[end..];
            Ok(Some((key, rest[..end].to_string())))
        }
    }
}

/// Whether a line is a comment (or the inside of a `/* */` block), for the
/// block of comments directly above a resource.
fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with("//") || t.starts_with("/*") || t.starts_with('*')
}

/// Whether a directive on `directive_line` applies to the block spanning
/// `start..=end`: inside it, or in the unbroken run of comment lines right above.
pub fn covers(lines: &[&str], directive_line: usize, start: usize, end: usize) -> bool {
    if (start..=end).contains(&directive_line) {
        return true;
    }
    if directive_line >= start {
        return false;
    }
    // Lines directive_line..start-1 (1-based) must all be comments.
    (directive_line..start).all(|n| lines.get(n - 1).is_some_and(|l| is_comment(l)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> Result<Directive, String> {
        let mut v = parse_file(line);
        assert_eq!(v.len(), 1, "{line}");
        v.remove(0).1
    }

    #[test]
    fn parses_rules_reason_and_expiry() {
        let d = one(r#"# infracheck:ignore S3-002,s3-001 reason="static \"site\" bucket" expires=2025-06-30"#)
            .unwrap();
        assert_eq!(d.rules, vec!["S3-002", "S3-001"]);
        assert_eq!(d.reason, "static \"site\" bucket");
        assert_eq!(d.expires, NaiveDate::from_ymd_opt(2025, 6, 30));
        let d = one("  bucket = \"x\" // infracheck:ignore SG-001 reason=temporary").unwrap();
        assert_eq!(d.reason, "temporary");
        assert_eq!(d.expires, None);
        let d = one("/* infracheck:ignore SG-001 reason=\"lb\" */").unwrap();
        assert_eq!(d.reason, "lb");
    }

    #[test]
    fn invalid_directives_say_why() {
        assert_eq!(
            one("# infracheck:ignore S3-002").unwrap_err(),
            "S3-002 has no reason: a suppression needs reason=\"...\""
        );
        assert_eq!(
            one("# infracheck:ignore S3-002 reason=\"\"").unwrap_err(),
            "S3-002 has no reason: a suppression needs reason=\"...\""
        );
        assert_eq!(
            one("# infracheck:ignore reason=\"x\"").unwrap_err(),
            "`infracheck:ignore` names no rule (expected `infracheck:ignore RULE-ID reason=\"...\"`)"
        );
        assert_eq!(
            one("# infracheck:ignore S3-002 reason=x expires=30/06/2025").unwrap_err(),
            "`expires` must be a date YYYY-MM-DD, not \"30/06/2025\""
        );
        assert_eq!(
            one("# infracheck:ignore S3-002 reason=\"x").unwrap_err(),
            "`reason`: the closing quote is missing"
        );
        assert_eq!(
            one("# infracheck:ignore S3-002 because=x").unwrap_err(),
            "unknown key `because` (expected reason=\"...\" and expires=YYYY-MM-DD)"
        );
        assert_eq!(
            one("# infracheck:ignore S3-002 please reason=x").unwrap_err(),
            "unexpected \"please\" (expected reason=\"...\" and expires=YYYY-MM-DD)"
        );
    }

    #[test]
    fn the_marker_outside_a_comment_is_no_directive() {
        assert!(parse_file("description = \"infracheck:ignore S3-002\"").is_empty());
    }

    #[test]
    fn covers_the_block_and_the_comments_right_above_it() {
        let text = "# infracheck:ignore A reason=x\n\nresource \"a\" \"b\" {\n  # infracheck:ignore B reason=y\n  # another comment\n  x = 1\n}\n";
        let lines: Vec<&str> = text.lines().collect();
        // Resource on lines 3..=7; line 1 is separated by a blank line.
        assert!(!covers(&lines, 1, 3, 7));
        assert!(covers(&lines, 4, 3, 7));
        assert!(!covers(&lines, 8, 3, 7));
        let text =
            "# infracheck:ignore A reason=x\n# why: a long story\nresource \"a\" \"b\" {\n}\n";
        let lines: Vec<&str> = text.lines().collect();
        assert!(covers(&lines, 1, 3, 4));
        assert!(covers(&lines, 2, 3, 4));
    }
}
