//! The `kontor-server` binary: `serve` the portal API, `seed-demo` a database, `users import` a user file,
//! `license issue` / `license public-key`, `installers add` and `release keygen | sign | publish` for vendors'
//! scripts. Parses the arguments and dispatches to `cli`, one module per subcommand.

use std::process::ExitCode;

use clap::Parser;

mod cli;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = cli::Cli::parse();
    cli::run(cli.command).await
}
