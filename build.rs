// The built-in policies are embedded with include_dir!, which does not tell cargo
// to rebuild when a .rego file changes; this does (cargo scans the whole folder).
fn main() {
    println!("cargo:rerun-if-changed=policies");
}
