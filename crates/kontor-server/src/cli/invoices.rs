//! `kontor-server invoices issue | credit | mark-paid | list`: the vendor's side of invoicing. `issue` is the
//! period run (idempotent: each account's period invoice is keyed, each invoice one transaction).

use std::path::PathBuf;

use clap::Subcommand;
use kontor_server::db::invoices::effective_status;
use kontor_server::domain::{Actor, Refusal};
use kontor_server::invoicing::{self, RunResult};
use kontor_server::vendor::VendorProfile;
use kontor_server::{open_database, Clock, ServerError, SystemClock};
use time::{Date, Month, OffsetDateTime};

use super::output::print_json;

#[derive(Debug, Subcommand)]
pub enum InvoicesCommand {
    /// Issue the period's invoices from the subscriptions and print one JSON line per account. Re-running
    /// issues nothing twice.
    Issue {
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
        /// The month whose subscription periods are billed (`YYYY-MM`). Default: every period started by today.
        #[arg(long)]
        period: Option<String>,
        /// Only this account id.
        #[arg(long)]
        account: Option<String>,
        /// The vendor profile (TOML; `docs/vendor-profile.example.toml`). Default: the built-in demo profile.
        #[arg(long, env = "KONTOR_VENDOR_PROFILE")]
        vendor_profile: Option<PathBuf>,
    },
    /// Correct an invoice with a credit note (the original becomes cancelled); prints the credit note.
    Credit {
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
        /// The invoice number, e.g. RE-2026-000123.
        #[arg(long)]
        number: String,
        /// Why (printed on the credit note's record and in the audit log).
        #[arg(long)]
        reason: String,
        #[arg(long, env = "KONTOR_VENDOR_PROFILE")]
        vendor_profile: Option<PathBuf>,
    },
    /// Mark an invoice paid.
    MarkPaid {
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
        #[arg(long)]
        number: String,
    },
    /// List an account's invoices (newest first), one JSON line each.
    List {
        #[arg(long, env = "KONTOR_DATABASE_URL")]
        database_url: String,
        /// The account id; default: every subscribed account.
        #[arg(long)]
        account: Option<String>,
    },
}

/// The vendor profile of `--vendor-profile`, or the demo profile (said on stderr).
pub fn vendor_profile(path: Option<&PathBuf>) -> Result<VendorProfile, ServerError> {
    match path {
        Some(p) => VendorProfile::load(p).map_err(ServerError::Usage),
        None => {
            eprintln!(
                "kontor-server: note: no --vendor-profile: using the built-in DEMO vendor profile"
            );
            Ok(VendorProfile::demo())
        }
    }
}

fn today(now: i64) -> Result<Date, ServerError> {
    OffsetDateTime::from_unix_timestamp(now)
        .map(|t| t.date())
        .map_err(|e| ServerError::Internal(e.to_string()))
}

fn month_of(s: &str) -> Result<(i32, Month), ServerError> {
    let bad = || ServerError::Usage(format!("--period {s:?}: expected YYYY-MM"));
    let (y, m) = s.split_once('-').ok_or_else(bad)?;
    let y: i32 = y.parse().map_err(|_| bad())?;
    let m: u8 = m.parse().map_err(|_| bad())?;
    if y.to_string().len() != 4 {
        return Err(bad());
    }
    Ok((y, Month::try_from(m).map_err(|_| bad())?))
}

fn refused(r: Refusal) -> ServerError {
    match r {
        Refusal::NotFound(m) => ServerError::Usage(m),
        other => ServerError::Conflict(other.message().to_string()),
    }
}

pub async fn run(command: InvoicesCommand) -> Result<(), ServerError> {
    let now = SystemClock.now();
    match command {
        InvoicesCommand::Issue {
            database_url,
            period,
            account,
            vendor_profile: vp,
        } => {
            let vendor = vendor_profile(vp.as_ref())?;
            let month = period.as_deref().map(month_of).transpose()?;
            let db = open_database(&database_url).await?;
            let out = invoicing::issue_period(
                db.as_ref(),
                &vendor,
                today(now)?,
                month,
                account.as_deref(),
                now,
            )
            .await?
            .map_err(refused)?;
            for (account, result) in out {
                let (status, number) = match result {
                    RunResult::Issued(n) => ("issued", Some(n)),
                    RunResult::AlreadyIssued(n) => ("already_issued", Some(n)),
                    RunResult::Nothing => ("nothing_to_bill", None),
                };
                print_json(
                    &serde_json::json!({"account": account, "status": status, "number": number}),
                )?;
            }
            db.close().await;
            Ok(())
        }
        InvoicesCommand::Credit {
            database_url,
            number,
            reason,
            vendor_profile: vp,
        } => {
            let vendor = vendor_profile(vp.as_ref())?;
            let db = open_database(&database_url).await?;
            let inv = db
                .invoice_by_number(number.trim())
                .await?
                .ok_or_else(|| ServerError::Usage(format!("no invoice {number:?}")))?;
            let actor = Actor {
                account_id: inv.head.account_id.clone(),
                user_id: String::new(),
                system: Some("cli".to_string()),
                ip: None,
                at: now,
            };
            let cn = invoicing::credit(
                db.as_ref(),
                &vendor,
                &actor,
                &inv.head.account_id,
                &inv.head.id,
                &reason,
                today(now)?,
            )
            .await?
            .map_err(refused)?;
            let h = &cn.invoice.head;
            print_json(&serde_json::json!({
                "number": h.number, "corrects": inv.head.number, "gross_cents": h.gross_cents,
                "currency": h.currency,
            }))?;
            db.close().await;
            Ok(())
        }
        InvoicesCommand::MarkPaid {
            database_url,
            number,
        } => {
            let db = open_database(&database_url).await?;
            let inv = db
                .invoice_by_number(number.trim())
                .await?
                .ok_or_else(|| ServerError::Usage(format!("no invoice {number:?}")))?;
            let actor = Actor {
                account_id: inv.head.account_id.clone(),
                user_id: String::new(),
                system: Some("cli".to_string()),
                ip: None,
                at: now,
            };
            db.set_invoice_status(&actor, &inv.head.id, "paid", Some(now))
                .await?
                .map_err(refused)?;
            print_json(&serde_json::json!({"number": inv.head.number, "status": "paid"}))?;
            db.close().await;
            Ok(())
        }
        InvoicesCommand::List {
            database_url,
            account,
        } => {
            let db = open_database(&database_url).await?;
            let accounts = match account {
                Some(a) => vec![a],
                None => db.subscribed_accounts().await?,
            };
            let today = kontor_server::db::invoices::iso(today(now)?);
            for a in accounts {
                let mut before = None;
                loop {
                    let filter = kontor_server::db::invoices::InvoiceFilter {
                        year: None,
                        status: None,
                        before: before.clone(),
                        limit: 200,
                        today: today.clone(),
                    };
                    let (rows, more) = db.list_invoices(&a, &filter).await?;
                    for h in &rows {
                        print_json(&serde_json::json!({
                            "account": h.account_id, "number": h.number, "kind": h.kind,
                            "issued_on": h.issued_on, "period_start": h.period_start,
                            "period_end": h.period_end, "due_on": h.due_on, "net_cents": h.net_cents,
                            "vat_cents": h.vat_cents, "gross_cents": h.gross_cents, "currency": h.currency,
                            "status": effective_status(h, &today),
                        }))?;
                    }
                    match (more, rows.last()) {
                        (true, Some(last)) => before = Some(last.number.clone()),
                        _ => break,
                    }
                }
            }
            db.close().await;
            Ok(())
        }
    }
}
