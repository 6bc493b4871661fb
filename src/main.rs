use std::process::ExitCode;

use clap::Parser;

// The scan allocates millions of small values; mimalloc is markedly faster at that
// than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = infracheck::cli::Cli::parse();
    match infracheck::run::run(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let msg = format!("{e:#}");
            eprintln!("infracheck: error: {}", msg.lines().next().unwrap_or(""));
            ExitCode::from(infracheck::run::EXIT_ERROR)
        }
    }
}
