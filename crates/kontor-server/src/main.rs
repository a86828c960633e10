//! The `kontor-server` binary: `serve` the portal API, or `seed-demo` a database.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kontor_server::seed::{seed_demo, SeedOptions};
use kontor_server::{open_database, start, Config, ServerError};

#[derive(Debug, Parser)]
#[command(name = "kontor-server", version, about = "The Kontor portal server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the portal API (runs migrations first).
    Serve {
        /// sqlite:PATH, postgres://… or postgresql://…
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
        /// Address to listen on; port 0 picks a free one.
        #[arg(long, env = "KONTOR_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Tell clients this portal holds demo data.
        #[arg(long, env = "KONTOR_DEMO")]
        demo: bool,
        #[arg(long, env = "KONTOR_VENDOR_NAME")]
        vendor_name: Option<String>,
    },
    /// Seed the demo account and print it as one JSON line.
    SeedDemo {
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
        /// The owner's password (default Demo-Passw0rd!).
        #[arg(long)]
        password: Option<String>,
        /// The license token (default: random).
        #[arg(long)]
        license_token: Option<String>,
    },
}

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
    let cli = Cli::parse();
    match run(cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let msg = e.to_string().replace(['\n', '\r'], " ");
            eprintln!("kontor-server: error: {msg}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<(), ServerError> {
    match command {
        Command::Serve {
            database_url,
            bind,
            demo,
            vendor_name,
        } => {
            let mut config = Config::new(database_url, bind);
            config.demo = demo;
            if let Some(v) = vendor_name {
                config.vendor_name = v;
            }
            let server = start(config).await?;
            println!("listening on {}", server.base_url());
            let _ = std::io::stdout().flush();
            shutdown_signal().await;
            tracing::info!("shutting down");
            server.shutdown().await;
            Ok(())
        }
        Command::SeedDemo {
            database_url,
            password,
            license_token,
        } => {
            let db = open_database(&database_url).await?;
            let mut opts = SeedOptions {
                license_token,
                ..SeedOptions::default()
            };
            if let Some(p) = password {
                opts.owner_password = p;
            }
            let seeded = seed_demo(db.as_ref(), &opts).await;
            db.close().await;
            let seeded = seeded?;
            let line =
                serde_json::to_string(&seeded).map_err(|e| ServerError::Internal(e.to_string()))?;
            println!("{line}");
            Ok(())
        }
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
