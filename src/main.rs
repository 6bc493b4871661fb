use std::process::ExitCode;

use clap::Parser;

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
