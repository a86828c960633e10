//! support9: `kontor-server tickets list | close` — the vendor's view of the support tickets users filed in
//! the app (each was also mailed to the support address). `list` prints one tab-separated line per ticket
//! (reference, status, time, account, user, category, subject); `close` marks one closed, which the user
//! sees in the app, and (support9b) queues a note to its author in their language (sent by `serve`'s
//! outbox worker) and audits `support.ticket_closed`, in one transaction. Exit code 0: done; 1: no such open ticket; 2: usage or database error. With SQLite the
//! server holds the database file's lock: run it against PostgreSQL or a stopped server's file.

use std::process::ExitCode;

use clap::Subcommand;
use kontor_server::open_database;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

#[derive(Debug, Subcommand)]
pub enum TicketsCommand {
    /// List the support tickets, newest first.
    List {
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
        /// Closed tickets too.
        #[arg(long)]
        all: bool,
    },
    /// Close an open ticket (by its reference, e.g. T-7F3A9C21, or id).
    Close {
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
        ticket: String,
        /// support9b: the vendor's name in the note to the author (as `serve --vendor-name`).
        #[arg(long, env = "KONTOR_VENDOR_NAME", default_value = "Kontor")]
        vendor_name: String,
    },
}

fn when(at: i64) -> String {
    OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| at.to_string())
}

pub async fn run(command: TicketsCommand) -> ExitCode {
    let url = match &command {
        TicketsCommand::List { database_url, .. } | TicketsCommand::Close { database_url, .. } => {
            database_url.clone()
        }
    };
    let db = match open_database(&url).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("kontor-server: error: {e}");
            return ExitCode::from(2);
        }
    };
    let code = match command {
        TicketsCommand::List { all, .. } => match db.all_tickets(!all).await {
            Ok(rows) => {
                for t in rows {
                    let subject = t.subject.replace(['\t', '\n', '\r'], " ");
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{subject}",
                        t.reference,
                        t.status,
                        when(t.created_at),
                        t.account_id,
                        t.user_email,
                        t.category
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("kontor-server: error: {e}");
                ExitCode::from(2)
            }
        },
        TicketsCommand::Close {
            ticket,
            vendor_name,
            ..
        } => {
            let now = OffsetDateTime::now_utc().unix_timestamp();
            match kontor_server::support::close_ticket(db.as_ref(), &vendor_name, &ticket, now)
                .await
            {
                Ok(Some(closed)) => {
                    let note = if closed.mailed {
                        " (the author is notified by e-mail)"
                    } else {
                        ""
                    };
                    println!("closed {}{note}", closed.reference);
                    ExitCode::SUCCESS
                }
                Ok(None) => {
                    eprintln!("kontor-server: no open ticket {}", ticket.trim());
                    ExitCode::from(1)
                }
                Err(e) => {
                    eprintln!("kontor-server: error: {e}");
                    ExitCode::from(2)
                }
            }
        }
    };
    db.close().await;
    code
}
