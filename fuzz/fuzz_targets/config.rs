//! The hand-checked text inputs besides the sources: `.infracheck.toml` (its
//! settings' checks, its waivers' globs and dates) and `# infracheck:ignore`
//! comments. Any text must give a value or an error, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(config) = infracheck::config::Config::parse(text, Path::new("fuzz.toml")) {
        let _ = config.settings.to_rego();
        for w in &config.waivers {
            let _ = w.matches("S3-001", "module.a.aws_s3_bucket.b[\"x\"]");
        }
    }
    let _ = infracheck::suppress::inline::parse_file(text);
});
