//! `kontor-server accounts create | list | token --rotate` (acct9): customer accounts for the vendor, through
//! `service::accounts`. Exit codes: 0 done; 2 refused input (invalid value, unknown package, customer number
//! or e-mail in use, unknown account) with nothing written; 1 any other failure (e.g. the database).

use std::process::ExitCode;

use clap::Subcommand;
use kontor_server::accounts::{self, NewCustomer};
use kontor_server::{open_database, Clock, ServerError, SystemClock};

use super::output::print_json;

#[derive(Debug, Subcommand)]
pub enum AccountsCommand {
    /// Create a customer account with its subscription (a package of the catalog, see `packages list`), its
    /// owner with a temporary password (to be changed at the first sign-in) and a license token. Prints one
    /// JSON line with the license token and the temporary password, or with --mail queues them in the
    /// outbox for the owner (sent by `serve`) and prints no secret.
    Create {
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
        /// The customer's company name.
        #[arg(long)]
        name: String,
        #[arg(long)]
        customer_number: String,
        /// A package code of the catalog.
        #[arg(long)]
        package: String,
        #[arg(long)]
        owner_email: String,
        /// Default: the e-mail's local part.
        #[arg(long)]
        owner_name: Option<String>,
        /// monthly or yearly.
        #[arg(long, default_value = "monthly")]
        billing_period: String,
        /// The owner's language (their profile's, which the portal's mails to them use) and that of this
        /// mail: de or en.
        #[arg(long, default_value = "de")]
        language: String,
        /// Mail the license token and the temporary password to the owner instead of printing them.
        #[arg(long)]
        mail: bool,
        /// The vendor's name in the mail (as `serve --vendor-name`).
        #[arg(long, env = "KONTOR_VENDOR_NAME", default_value = "Kontor")]
        vendor_name: String,
    },
    /// Print every account as one JSON line: id, customer number, name, package, owner e-mail, live users
    /// and live license tokens.
    List {
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
    },
    /// License tokens of an account.
    Token {
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
        #[arg(long)]
        customer_number: String,
        /// Issue a new token (printed once as JSON), revoke every earlier one and end the sessions started
        /// with them.
        #[arg(long, required = true)]
        rotate: bool,
    },
}

/// Runs one `accounts` command with the exit codes of the module comment.
pub async fn run(command: AccountsCommand) -> ExitCode {
    match execute(command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let msg = e.to_string().replace(['\n', '\r'], " ");
            eprintln!("kontor-server: error: {msg}");
            match e {
                ServerError::Usage(_) | ServerError::Conflict(_) => ExitCode::from(2),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

async fn execute(command: AccountsCommand) -> Result<(), ServerError> {
    let now = SystemClock.now();
    match command {
        AccountsCommand::Create {
            database_url,
            name,
            customer_number,
            package,
            owner_email,
            owner_name,
            billing_period,
            language,
            mail,
            vendor_name,
        } => {
            let db = open_database(&database_url).await?;
            let new = NewCustomer {
                name,
                customer_number,
                package,
                billing_period,
                owner_email,
                owner_name,
                language,
                mail,
                vendor_name,
            };
            let created = accounts::create_account(db.as_ref(), &new, now).await;
            db.close().await;
            print_json(&created?)
        }
        AccountsCommand::List { database_url } => {
            let db = open_database(&database_url).await?;
            let listed = accounts::list(db.as_ref(), now).await;
            db.close().await;
            print_json(&listed?)
        }
        AccountsCommand::Token {
            database_url,
            customer_number,
            rotate: _,
        } => {
            let db = open_database(&database_url).await?;
            let rotated = accounts::rotate_token(db.as_ref(), &customer_number, now).await;
            db.close().await;
            print_json(&rotated?)
        }
    }
}
