//! `kontor-server users import`: a user file into an account, with its own exit codes (0 all rows valid,
//! 1 some rows have problems, 2 usage, file or database error).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use kontor_server::import::{import_file, ImportOptions};
use kontor_server::{open_database, Clock, SystemClock};

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Import users from a CSV or XLSX file; prints one JSON summary on stdout.
    ///
    /// Exit code 0: every row valid (and committed unless --dry-run); 1: some rows have problems (the valid
    /// ones are committed unless --dry-run); 2: usage, file or database error. Running the same file again
    /// creates nobody twice and finishes an interrupted import.
    Import {
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
        /// The account id.
        #[arg(long)]
        account: String,
        /// Validate only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// CSV file for the created users' temporary passwords (written atomically, mode 0600); required
        /// unless --dry-run. Passwords are never printed.
        #[arg(long)]
        passwords_out: Option<PathBuf>,
        /// The user file (.csv, .txt, .tsv or .xlsx).
        file: PathBuf,
    },
}

/// `users import`: the JSON summary on stdout; exit 2 with one error line on stderr for usage and database
/// errors.
pub async fn run(command: UsersCommand) -> ExitCode {
    let UsersCommand::Import {
        database_url,
        account,
        dry_run,
        passwords_out,
        file,
    } = command;
    let opts = ImportOptions {
        account_id: account,
        file,
        dry_run,
        passwords_out,
        now: SystemClock.now(),
    };
    let result = match open_database(&database_url).await {
        Ok(db) => {
            let r = import_file(db.as_ref(), &opts).await;
            db.close().await;
            r
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(report) => {
            match serde_json::to_string(&report) {
                Ok(line) => println!("{line}"),
                Err(e) => {
                    eprintln!("kontor-server: error: {e}");
                    return ExitCode::from(2);
                }
            }
            let _ = std::io::stdout().flush();
            if let Some(f) = &report.file_error {
                eprintln!(
                    "kontor-server: error: {}",
                    f.message.replace(['\n', '\r'], " ")
                );
            }
            ExitCode::from(report.exit_code())
        }
        Err(e) => {
            let msg = e.to_string().replace(['\n', '\r'], " ");
            eprintln!("kontor-server: error: {msg}");
            ExitCode::from(2)
        }
    }
}
