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
    // A panic is a bug: one line that says so, and the exit code of an error, not
    // Rust's 101 and a backtrace that a CI would not read as either.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("{}", infracheck::run::internal_error(info));
    }));
    match std::panic::catch_unwind(|| infracheck::run::run(cli.command)) {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(e)) => {
            let msg = format!("{e:#}");
            eprintln!("infracheck: error: {}", msg.lines().next().unwrap_or(""));
            ExitCode::from(infracheck::run::EXIT_ERROR)
        }
        Err(_) => ExitCode::from(infracheck::run::EXIT_ERROR),
    }
}
