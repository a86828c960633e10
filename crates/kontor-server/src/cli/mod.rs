//! The `kontor-server` subcommands, one module each: `serve`, `seed` (`seed-demo`), `users` (`users
//! import`), `license`, `installers`, `invoices`, `packages`, `release`, `audit` (`audit verify`), `accounts` (`accounts create | list | token --rotate`). Each calls the library (services, storage), never the
//! HTTP handlers.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod accounts; // acct9
mod audit;
mod installers;
mod invoices;
mod license;
mod output;
mod packages;
mod release;
mod seed;
mod serve;
mod tickets; // support9
mod users;

#[derive(Debug, Parser)]
#[command(name = "kontor-server", version, about = "The Kontor portal server")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the portal API (runs migrations first).
    Serve(serve::ServeArgs),
    /// Seed the demo account and print it as one JSON line. With a data directory (a SQLite file's directory
    /// or --data-dir), demo installers are added to `<data dir>/installers` too.
    SeedDemo(seed::SeedDemoArgs),
    /// Manage an account's users.
    Users {
        #[command(subcommand)]
        command: users::UsersCommand,
    },
    /// Offline licenses, signed with the same key as `serve` uses.
    License {
        #[command(subcommand)]
        command: license::LicenseCommand,
    },
    /// The installer catalog customers download from.
    Installers {
        #[command(subcommand)]
        command: installers::InstallersCommand,
    },
    /// The audit log: verify its tamper evidence (hash chains).
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Invoices: the period run, credit notes, payments, listing (inv8).
    Invoices {
        #[command(subcommand)]
        command: invoices::InvoicesCommand,
    },
    /// The package catalog: packages, included applications, add-ons and prices.
    Packages {
        #[command(subcommand)]
        command: packages::PackagesCommand,
    },
    /// The desktop app's self-update releases: updater keys, signatures, publishing.
    Release {
        #[command(subcommand)]
        command: release::ReleaseCommand,
    },
    // acct9
    /// Customer accounts: create one (subscription, owner, license token), list them, rotate a token.
    Accounts {
        #[command(subcommand)]
        command: accounts::AccountsCommand,
    },
    /// support9: support tickets filed in the app: list them, close one.
    Tickets {
        #[command(subcommand)]
        command: tickets::TicketsCommand,
    },
}

/// Runs one command; errors are one line on stderr (`users import` has its own exit codes).
pub async fn run(command: Command) -> ExitCode {
    let result = match command {
        Command::Users { command } => return users::run(command).await,
        Command::Audit { command } => return audit::run(command).await,
        Command::Accounts { command } => return accounts::run(command).await, // acct9
        Command::Tickets { command } => return tickets::run(command).await,   // support9
        Command::Serve(args) => serve::run(args).await,
        Command::SeedDemo(args) => seed::run(args).await,
        Command::License { command } => license::run(command).await,
        Command::Installers { command } => installers::run(command).await,
        Command::Invoices { command } => invoices::run(command).await,
        Command::Release { command } => release::run(command),
        Command::Packages { command } => packages::run(command).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let msg = e.to_string().replace(['\n', '\r'], " ");
            eprintln!("kontor-server: error: {msg}");
            ExitCode::FAILURE
        }
    }
}
