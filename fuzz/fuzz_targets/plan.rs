//! A plan document, loaded and turned into the rules' input: any text must give a
//! model or a `LoadError`, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(scan) = infracheck::source::plan::parse_plan(text, Path::new("fuzz.json")) {
        let _ = infracheck::model::index::build_input(&scan);
    }
});
