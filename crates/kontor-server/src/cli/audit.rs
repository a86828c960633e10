//! `kontor-server audit verify`: checks the audit log's hash chains (`db::audit`) and names the first
//! broken entry of each account. Exit code 0: every chain intact; 1: a chain is broken; 2: usage or
//! database error. With SQLite the server holds the database file's lock: verify a stopped server's file
//! (or a copy of it).

use std::process::ExitCode;

use clap::Subcommand;
use kontor_server::db::audit::{AccountCheck, Break};
use kontor_server::open_database;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the audit log's tamper evidence: prints one line per account, `OK …` or `BROKEN …` naming the
    /// first broken entry (account, id, time, why). Exit code 0: intact; 1: broken; 2: error.
    Verify {
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
        /// Only this account (default: every account).
        #[arg(long)]
        account: Option<String>,
    },
}

/// A Unix time as RFC 3339 (UTC), or the number if it is out of range.
fn when(at: i64) -> String {
    OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| at.to_string())
}

/// One account's line.
pub fn line(c: &AccountCheck) -> String {
    match &c.broken {
        None => format!("OK account {}: {} entries", c.account_id, c.entries),
        Some(b) => {
            let why = match &b.why {
                Break::HashMismatch => "its hash does not match its content and the previous entry \
                    (this entry was changed, or one before it was changed, removed or moved)"
                    .to_string(),
                Break::SeqMismatch { expected, found } => format!(
                    "it is number {} of the chain where {expected} belongs (an entry before it is missing \
                     or out of order)",
                    found.map_or("-".to_string(), |f| f.to_string())
                ),
                Break::Unchained => "it has no hash (written outside the server)".to_string(),
                Break::Truncated {
                    head_seq,
                    last_seq,
                } => format!(
                    "the chain ends at entry {last_seq} of {head_seq}: the entries after it were removed"
                ),
            };
            format!(
                "BROKEN account {}: entry {} at {}: {why}",
                b.account_id,
                b.id,
                when(b.at)
            )
        }
    }
}

pub async fn run(command: AuditCommand) -> ExitCode {
    let AuditCommand::Verify {
        database_url,
        account,
    } = command;
    let db = match open_database(&database_url).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("kontor-server: error: {e}");
            return ExitCode::from(2);
        }
    };
    let checks = db.audit_verify(account.as_deref()).await;
    db.close().await;
    match checks {
        Ok(checks) => {
            let mut broken = false;
            for c in &checks {
                broken |= c.broken.is_some();
                println!("{}", line(c));
            }
            if broken {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("kontor-server: error: {e}");
            ExitCode::from(2)
        }
    }
}
