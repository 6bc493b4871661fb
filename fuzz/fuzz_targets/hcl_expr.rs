//! One HCL expression, as a local value that a resource's attribute reads: the
//! functions, operators and conversions of `infracheck hcl`, reached far more often
//! than from whole files. Any text must give a model or an `HclError`, never a panic.
#![no_main]

mod root_module;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(expr) = std::str::from_utf8(data) else {
        return;
    };
    // One line, so that the expression cannot close the block it is put in.
    if expr.contains(['\n', '\r', '#']) || expr.contains("//") || expr.contains("/*") {
        return;
    }
    let text = format!(
        "variable \"n\" {{\n  default = 3\n}}\nlocals {{\n  x = {expr}\n}}\nresource \"aws_vpc\" \"v\" {{\n  count      = 2\n  cidr_block = \"10.0.0.0/16\"\n  tags       = {{ Name = \"v${{count.index}}\" }}\n}}\nresource \"aws_s3_bucket\" \"b\" {{\n  bucket = local.x\n}}\n"
    );
    root_module::load(root_module::write(&text));
});
