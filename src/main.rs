use std::process::ExitCode;

// The scan allocates millions of small values; mimalloc is markedly faster at that
// than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    infracheck::alloc::configure();
    // regorus raises errors internally while evaluating; with RUST_BACKTRACE set each
    // of them would capture a backtrace (about a tenth of a scan's time). Our errors
    // are one-line messages that never print one.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
    }
    let cli = infracheck::cli::Cli::parse_args();
    match infracheck::run::run(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let msg = format!("{e:#}");
            eprintln!("infracheck: error: {}", msg.lines().next().unwrap_or(""));
            ExitCode::from(infracheck::run::EXIT_ERROR)
        }
    }
}
