//! A root module of a `main.tf` (and an `override.tf` after a `#override` line),
//! loaded by `infracheck hcl` and by `--tf-dir`'s locator, then turned into the
//! rules' input: any text must give a model or an `HclError`, never a panic.
#![no_main]

mod root_module;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let dir = root_module::write(text);
    root_module::load(dir);
    let _ = infracheck::source::hcl::locate(dir);
});
