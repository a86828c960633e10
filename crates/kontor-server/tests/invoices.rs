//! Invoices (issue 8) on both backends: gapless numbers under concurrent issuing, idempotent issuing,
//! immutability (direct SQL refused), credit notes, reverse charge and domestic VAT, the address snapshot.

mod common;

use std::sync::Arc;

use common::{check, Env, T0};
use kontor_server::db::invoices::Issued;
use kontor_server::domain::Actor;
use kontor_server::invoicing::{self, NewInvoice, NewLine};
use kontor_server::vendor::VendorProfile;
use sqlx::Connection;
use time::macros::date;

fn cli_actor(account_id: &str) -> Actor {
    Actor {
        account_id: account_id.to_string(),
        user_id: String::new(),
        system: Some("test".to_string()),
        ip: None,
        at: T0,
    }
}

fn one_line(unit_price_cents: i64, quantity: i64) -> NewLine {
    NewLine {
        description: "Package Business (monthly)".to_string(),
        quantity,
        unit_price_cents,
        period: Some((date!(2026 - 05 - 01), date!(2026 - 05 - 31))),
    }
}

fn new_invoice(account_id: &str, lines: Vec<NewLine>, key: Option<&str>) -> NewInvoice {
    NewInvoice {
        account_id: account_id.to_string(),
        issued_on: date!(2026 - 05 - 28),
        period_start: date!(2026 - 05 - 01),
        period_end: date!(2026 - 05 - 31),
        lines,
        key: key.map(str::to_string),
        subscription_change_id: None,
    }
}

async fn issue(env: &Env, new: &NewInvoice) -> Issued {
    invoicing::issue(
        env.db.as_ref(),
        &VendorProfile::demo(),
        &cli_actor(&new.account_id),
        new,
    )
    .await
    .expect("db")
    .expect("issued")
}

/// Runs one statement beside the running server with text parameters; the database's error as text.
pub async fn exec(env: &Env, sql: &str, args: &[&str]) -> Result<u64, String> {
    if env.backend == "sqlite" {
        let mut c = sqlx::SqliteConnection::connect(&env.db_url)
            .await
            .expect("sqlite");
        let mut q = sqlx::query(sql);
        for a in args {
            q = q.bind(*a);
        }
        let r = q.execute(&mut c).await.map(|r| r.rows_affected());
        let _ = c.close().await;
        r.map_err(|e| e.to_string())
    } else {
        let mut c = sqlx::PgConnection::connect(&env.db_url)
            .await
            .expect("postgres");
        let mut q = sqlx::query(sql);
        for a in args {
            q = q.bind(*a);
        }
        let r = q.execute(&mut c).await.map(|r| r.rows_affected());
        let _ = c.close().await;
        r.map_err(|e| e.to_string())
    }
}

/// Writes the account's billing address (sepa8 owns the API; the row is what it writes).
pub async fn set_address(env: &Env, company: &str, country: &str, vat_id: Option<&str>) {
    exec(
        env,
        "DELETE FROM billing_addresses WHERE account_id = $1",
        &[&env.seed.account_id],
    )
    .await
    .expect("clear address");
    let sql = "INSERT INTO billing_addresses (account_id, company, addressee, street, street2, postal_code, \
               city, country, vat_id, invoice_emails, po_reference, leitweg_id, updated_at) \
               VALUES ($1, $2, NULL, 'Hauptstraße 5', NULL, '1010', 'Wien', $3, $4, '[\"ap@example.com\"]', \
               NULL, NULL, 0)";
    if let Some(v) = vat_id {
        exec(env, sql, &[&env.seed.account_id, company, country, v])
            .await
            .expect("insert address");
    } else {
        exec(
            env,
            &sql.replace("$4", "NULL"),
            &[&env.seed.account_id, company, country],
        )
        .await
        .expect("insert address");
    }
}

fn seq(number: &str) -> (String, u64) {
    let (series, n) = number.rsplit_once('-').expect("series-n");
    (series.to_string(), n.parse().expect("numeric"))
}

#[tokio::test]
async fn twenty_concurrent_issues_get_a_gapless_duplicate_free_sequence() {
    check(|env| async move {
        let env = Arc::new(env);
        let mut tasks = Vec::new();
        for i in 0..20 {
            let env = env.clone();
            tasks.push(tokio::spawn(async move {
                let new = new_invoice(&env.seed.account_id, vec![one_line(1000 + i, 1)], None);
                issue(&env, &new).await.invoice.head.number
            }));
        }
        let mut numbers = Vec::new();
        for t in tasks {
            numbers.push(seq(&t.await.expect("task")));
        }
        numbers.sort();
        let series = &numbers[0].0;
        assert_eq!(series, "RE-2026", "{}", env.backend);
        let ns: Vec<u64> = numbers.iter().map(|(_, n)| *n).collect();
        let first = ns[0];
        assert_eq!(
            ns,
            (first..first + 20).collect::<Vec<_>>(),
            "{}",
            env.backend
        );
        assert!(numbers.iter().all(|(s, _)| s == series));
        // The next one continues the sequence.
        let next = issue(
            &env,
            &new_invoice(&env.seed.account_id, vec![one_line(5, 1)], None),
        )
        .await;
        assert_eq!(seq(&next.invoice.head.number).1, first + 20);
    })
    .await;
}

#[tokio::test]
async fn issuing_again_with_the_same_key_issues_nothing() {
    check(|env| async move {
        let new = new_invoice(
            &env.seed.account_id,
            vec![one_line(1000, 2)],
            Some("recurring:2026-05-01"),
        );
        let a = issue(&env, &new).await;
        let b = issue(&env, &new).await;
        assert!(a.new && !b.new);
        assert_eq!(a.invoice.head.number, b.invoice.head.number);
        let c = issue(
            &env,
            &new_invoice(&env.seed.account_id, vec![one_line(1, 1)], None),
        )
        .await;
        assert_eq!(
            seq(&c.invoice.head.number).1,
            seq(&a.invoice.head.number).1 + 1,
            "the repeated key used no number"
        );
    })
    .await;
}

#[tokio::test]
async fn domestic_vat_reverse_charge_and_the_address_snapshot() {
    check(|env| async move {
        let acc = env.seed.account_id.clone();
        // No billing address: the account name, and the note says so; German VAT at 19 %.
        let none = issue(
            &env,
            &new_invoice(&acc, vec![one_line(10_000, 1), one_line(33, 3)], None),
        )
        .await;
        let h = &none.invoice.head;
        assert_eq!(h.bill_company, "Muster GmbH");
        assert!(h
            .note
            .as_deref()
            .unwrap_or("")
            .contains("No billing address"));
        assert_eq!(
            (h.net_cents, h.vat_cents, h.gross_cents),
            (10_099, 1_919, 12_018)
        );
        assert!(!h.reverse_charge);
        assert_eq!(
            none.invoice.lines.iter().map(|l| l.vat_cents).sum::<i64>(),
            h.vat_cents
        );
        assert_eq!(h.payment_method, "invoice");
        assert_eq!(h.due_on, "2026-06-11", "14 days after issue");

        // A German buyer with a VAT ID: domestic, 19 %.
        set_address(&env, "Muster GmbH Berlin", "DE", Some("DE136695976")).await;
        let de = issue(&env, &new_invoice(&acc, vec![one_line(10_000, 1)], None)).await;
        let h = &de.invoice.head;
        assert_eq!(
            (h.net_cents, h.vat_cents, h.gross_cents, h.reverse_charge),
            (10_000, 1_900, 11_900, false)
        );
        assert_eq!(h.bill_company, "Muster GmbH Berlin");
        assert_eq!(h.language, "de");

        // An Austrian business: reverse charge, 0 %.
        set_address(&env, "Muster Wien GmbH", "AT", Some("ATU12345678")).await;
        let at = issue(&env, &new_invoice(&acc, vec![one_line(10_000, 1)], None)).await;
        let h = &at.invoice.head;
        assert_eq!(
            (h.net_cents, h.vat_cents, h.gross_cents, h.reverse_charge),
            (10_000, 0, 10_000, true)
        );
        assert!(at.invoice.lines.iter().all(|l| l.vat_rate_bp == 0));

        // An Austrian consumer without VAT ID: domestic rate.
        set_address(&env, "Max Muster", "AT", None).await;
        let b2c = issue(&env, &new_invoice(&acc, vec![one_line(10_000, 1)], None)).await;
        assert_eq!(b2c.invoice.head.vat_cents, 1_900);

        // The snapshots stay as issued.
        let again = env
            .db
            .invoice(&acc, &de.invoice.head.id)
            .await
            .expect("db")
            .expect("there");
        assert_eq!(again.head.bill_company, "Muster GmbH Berlin");
    })
    .await;
}

#[tokio::test]
async fn a_credit_note_negates_the_invoice_and_cancels_it() {
    check(|env| async move {
        let acc = env.seed.account_id.clone();
        let vendor = VendorProfile::demo();
        let orig = issue(
            &env,
            &new_invoice(&acc, vec![one_line(10_000, 1), one_line(500, 3)], None),
        )
        .await;
        let cn = invoicing::credit(
            env.db.as_ref(),
            &vendor,
            &cli_actor(&acc),
            &acc,
            &orig.invoice.head.id,
            "wrong seats",
            date!(2026 - 05 - 29),
        )
        .await
        .expect("db")
        .expect("credited");
        let c = &cn.invoice;
        assert_eq!(c.head.kind, "credit_note");
        assert_eq!(
            c.head.corrects_invoice_id.as_deref(),
            Some(orig.invoice.head.id.as_str())
        );
        assert_eq!(c.head.gross_cents, -orig.invoice.head.gross_cents);
        assert_eq!(c.head.net_cents, -11_500);
        assert!(c.lines.iter().all(|l| l.net_cents < 0));
        assert_eq!(c.head.note.as_deref(), Some("wrong seats"));
        assert_eq!(seq(&c.head.number).1, seq(&orig.invoice.head.number).1 + 1);
        let o = env
            .db
            .invoice(&acc, &orig.invoice.head.id)
            .await
            .expect("db")
            .expect("there");
        assert_eq!(o.head.status, "cancelled");
        assert_eq!(
            o.corrected_by.as_ref().map(|c| c.1.as_str()),
            Some(c.head.number.as_str())
        );
        // Twice: refused; a credit note of a credit note: refused.
        let again = invoicing::credit(
            env.db.as_ref(),
            &vendor,
            &cli_actor(&acc),
            &acc,
            &orig.invoice.head.id,
            "again",
            date!(2026 - 05 - 29),
        )
        .await
        .expect("db");
        assert!(again.is_err());
        let events = env.db.audit_events(&acc).await.expect("audit");
        assert!(events
            .iter()
            .any(|e| e.event == "invoice.credit_note_issued"
                && e.target.as_deref()
                    == Some(format!("{} → {}", c.head.number, orig.invoice.head.number).as_str())));
        assert!(events.iter().any(|e| e.event == "invoice.issued"
            && e.target.as_deref() == Some(orig.invoice.head.number.as_str())));
    })
    .await;
}

#[tokio::test]
async fn issued_invoices_refuse_changes_and_deletes_in_sql() {
    check(|env| async move {
        let acc = env.seed.account_id.clone();
        let inv = issue(&env, &new_invoice(&acc, vec![one_line(10_000, 1)], None)).await;
        let id = inv.invoice.head.id.clone();
        for sql in [
            "UPDATE invoices SET gross_cents = 1 WHERE id = $1",
            "UPDATE invoices SET number = 'X-1' WHERE id = $1",
            "UPDATE invoices SET bill_company = 'Someone else' WHERE id = $1",
            "DELETE FROM invoices WHERE id = $1",
            "UPDATE invoice_lines SET net_cents = 1 WHERE invoice_id = $1",
            "DELETE FROM invoice_lines WHERE invoice_id = $1",
        ] {
            let r = exec(&env, sql, &[&id]).await;
            let e = r.expect_err(sql);
            assert!(e.contains("invoice_immutable"), "{sql}: {e}");
        }
        // Status moves.
        assert_eq!(
            exec(
                &env,
                "UPDATE invoices SET status = 'paid' WHERE id = $1",
                &[&id]
            )
            .await,
            Ok(1)
        );
        let now = env.db.invoice(&acc, &id).await.expect("db").expect("there");
        assert_eq!(now.head.gross_cents, inv.invoice.head.gross_cents);
        assert_eq!(now.head.status, "paid");
    })
    .await;
}
