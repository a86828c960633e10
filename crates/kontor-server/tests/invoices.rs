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
            Some("change:test-1"),
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
        // No billing address (the seed wrote one): the account name, and the note says so; 19 % VAT.
        exec(
            &env,
            "DELETE FROM billing_addresses WHERE account_id = $1",
            &[&acc],
        )
        .await
        .expect("no address");
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

// ---- The API: role matrix, tenancy, paging, documents ----

use common::{api_error, owner, seed_options, seeded_session};
use kontor_api::{InvoiceQuery, InvoiceStatus, PaymentTerms};
use kontor_client::InvoiceFormat;

/// `1.808,80 €`: how the German PDF shows an amount.
fn euro_de(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let units = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped},{:02} €", abs % 100)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owner_and_billing_see_invoices_admin_and_user_get_403_other_accounts_404() {
    check(|env| async move {
        let acc = env.seed.account_id.clone();
        let owner_tok = owner(&env).await;
        let page = env
            .client
            .invoices(&owner_tok, &acc, &InvoiceQuery::default())
            .await
            .expect("owner lists");
        // The seed: a year of invoices plus a credit note, every status.
        assert_eq!(page.invoices.len(), 13, "{}", env.backend);
        let statuses: std::collections::HashSet<InvoiceStatus> =
            page.invoices.iter().map(|i| i.status).collect();
        for s in InvoiceStatus::FILTERS {
            assert!(statuses.contains(&s), "{s:?} in the demo data");
        }
        let first = page.invoices[0].clone();
        assert_eq!(
            first.status,
            InvoiceStatus::Open,
            "newest first: this month's"
        );

        let billing = seeded_session(&env, &owner_tok, "lea.schmidt").await;
        let admin = seeded_session(&env, &owner_tok, "jonas.becker").await;
        let user = seeded_session(&env, &owner_tok, "paul.wagner").await;
        for tok in [&owner_tok, &billing] {
            let d = env
                .client
                .invoice(tok, &acc, &first.id)
                .await
                .expect("detail");
            assert_eq!(d.summary, first);
            assert!(env
                .client
                .invoice_document(tok, &acc, &first.id, InvoiceFormat::Xml)
                .await
                .is_ok());
        }
        for tok in [&admin, &user] {
            let (status, body) = api_error(
                env.client
                    .invoices(tok, &acc, &InvoiceQuery::default())
                    .await,
            );
            assert_eq!((status, body.code), (403, kontor_api::ErrorCode::Forbidden));
            assert_eq!(
                api_error(env.client.invoice(tok, &acc, &first.id).await).0,
                403
            );
            assert_eq!(
                api_error(
                    env.client
                        .invoice_document(tok, &acc, &first.id, InvoiceFormat::Pdf)
                        .await
                )
                .0,
                403
            );
        }

        // Another account's invoice: 404 through either path, exactly as an unknown one.
        let b = kontor_server::seed::seed_demo(
            env.db.as_ref(),
            &kontor_server::seed::SeedOptions {
                customer_number: "K-99999".into(),
                account_name: "Beispiel AG".into(),
                owner_email: "chef@beispiel.example".into(),
                owner_password: "Other-Passw0rd!".into(),
                ..seed_options()
            },
        )
        .await
        .expect("second account");
        let b_tok = env
            .client
            .login_password(&common::login(&b.owner_email, "Other-Passw0rd!"))
            .await
            .expect("B signs in")
            .access_token;
        let b_first = env
            .client
            .invoices(&b_tok, &b.account_id, &InvoiceQuery::default())
            .await
            .expect("B lists")
            .invoices[0]
            .clone();
        for (path_acc, id) in [(&acc, &b_first.id), (&b.account_id, &b_first.id)] {
            let (status, body) = api_error(env.client.invoice(&owner_tok, path_acc, id).await);
            assert_eq!((status, body.code), (404, kontor_api::ErrorCode::NotFound));
            assert_eq!(
                api_error(
                    env.client
                        .invoice_document(&owner_tok, path_acc, id, InvoiceFormat::Pdf)
                        .await
                )
                .0,
                404
            );
        }
        assert_eq!(
            api_error(env.client.invoice(&owner_tok, &acc, "nope").await).0,
            404
        );

        // The API offers no change to an invoice.
        let http = reqwest::Client::new();
        for m in [
            reqwest::Method::PUT,
            reqwest::Method::PATCH,
            reqwest::Method::DELETE,
        ] {
            let r = http
                .request(
                    m.clone(),
                    format!(
                        "{}/api/v1/accounts/{acc}/invoices/{}",
                        env.base_url, first.id
                    ),
                )
                .bearer_auth(&owner_tok)
                .json(&serde_json::json!({"gross_cents": 1}))
                .send()
                .await
                .expect("send");
            assert_eq!(r.status().as_u16(), 405, "{m}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_pages_by_keyset_and_filters_by_year_and_status() {
    check(|env| async move {
        let acc = env.seed.account_id.clone();
        for i in 0..230 {
            let mut new = new_invoice(&acc, vec![one_line(100 + i, 1)], None);
            new.issued_on = date!(2025 - 03 - 01) + time::Duration::days(i % 200);
            issue(&env, &new).await;
        }
        let tok = owner(&env).await;
        let mut all = Vec::new();
        let mut before = None;
        let mut pages = 0;
        loop {
            let page = env
                .client
                .invoices(
                    &tok,
                    &acc,
                    &InvoiceQuery {
                        limit: Some(40),
                        before: before.clone(),
                        ..Default::default()
                    },
                )
                .await
                .expect("page");
            pages += 1;
            assert!(page.invoices.len() <= 40);
            all.extend(page.invoices);
            match page.next_before {
                Some(b) => before = Some(b),
                None => break,
            }
        }
        assert_eq!(all.len(), 230 + 13, "{}", env.backend);
        assert_eq!(pages, 7);
        let keys: Vec<(String, String)> = all
            .iter()
            .map(|i| (i.issued_on.clone(), i.number.clone()))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        sorted.reverse();
        assert_eq!(keys, sorted, "newest first, no duplicate, nothing skipped");

        // Year and status filters.
        let y2025 = env
            .client
            .invoices(
                &tok,
                &acc,
                &InvoiceQuery {
                    year: Some(2025),
                    limit: Some(200),
                    ..Default::default()
                },
            )
            .await
            .expect("2025");
        assert!(y2025
            .invoices
            .iter()
            .all(|i| i.issued_on.starts_with("2025-")));
        assert_eq!(
            y2025.invoices.len() as usize,
            all.iter()
                .filter(|i| i.issued_on.starts_with("2025-"))
                .count()
                .min(200)
        );
        for s in InvoiceStatus::FILTERS {
            let page = env
                .client
                .invoices(
                    &tok,
                    &acc,
                    &InvoiceQuery {
                        status: Some(s),
                        limit: Some(200),
                        ..Default::default()
                    },
                )
                .await
                .expect("status page");
            let expected = all.iter().filter(|i| i.status == s).count().min(200);
            assert_eq!(page.invoices.len(), expected, "{s:?}");
            assert!(page.invoices.iter().all(|i| i.status == s), "{s:?}");
        }
        // Limits are checked.
        for q in [
            InvoiceQuery {
                limit: Some(0),
                ..Default::default()
            },
            InvoiceQuery {
                limit: Some(201),
                ..Default::default()
            },
            InvoiceQuery {
                year: Some(1999),
                ..Default::default()
            },
        ] {
            assert_eq!(
                api_error(env.client.invoices(&tok, &acc, &q).await).0,
                422,
                "{q:?}"
            );
        }
    })
    .await;
}

/// `pdftotext -layout FILE -`.
fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("invoice.pdf");
    std::fs::write(&path, bytes).expect("write");
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils, scripts/setup.sh)");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `scripts/check-einvoice.py FILE` (python factur-x): the XSD check and the totals, as JSON.
fn check_einvoice(bytes: &[u8], name: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/check-einvoice.py");
    let out = std::process::Command::new("python3")
        .arg(&script)
        .arg(&path)
        .output()
        .expect("python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "check-einvoice.py: {stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.lines().last().unwrap_or("")).expect("one JSON line")
}

fn decimal(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!(
        "{sign}{}.{:02}",
        cents.unsigned_abs() / 100,
        cents.unsigned_abs() % 100
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pdf_shows_number_and_total_and_embeds_xml_with_the_same_totals() {
    check(|env| async move {
        let acc = env.seed.account_id.clone();
        let tok = owner(&env).await;
        let page = env
            .client
            .invoices(&tok, &acc, &InvoiceQuery::default())
            .await
            .expect("list");
        let open = page
            .invoices
            .iter()
            .find(|i| i.status == InvoiceStatus::Open)
            .expect("open");
        let credit = page
            .invoices
            .iter()
            .find(|i| i.status == InvoiceStatus::CreditNote)
            .expect("credit note");
        for inv in [open, credit] {
            let (pdf, name) = env
                .client
                .invoice_document(&tok, &acc, &inv.id, InvoiceFormat::Pdf)
                .await
                .expect("pdf");
            assert_eq!(name, format!("{}.pdf", inv.number));
            assert!(pdf.starts_with(b"%PDF-"));
            let text = pdf_text(&pdf);
            assert!(text.contains(&inv.number), "number in {text}");
            assert!(
                text.contains(&euro_de(inv.gross_cents))
                    || text.contains(&euro_de(-inv.gross_cents)),
                "gross {} in {text}",
                euro_de(inv.gross_cents)
            );
            let report = check_einvoice(&pdf, &name);
            assert_eq!(report["valid_xsd"], true, "{report}");
            assert_eq!(report["number"], inv.number.as_str());
            // A credit note's XML states the amounts positive (EN 16931, type 381).
            assert_eq!(
                report["grand_total"],
                decimal(inv.gross_cents.abs()).as_str(),
                "{report}"
            );
            assert_eq!(
                report["tax_total"],
                decimal(inv.vat_cents.abs()).as_str(),
                "{report}"
            );
            assert_eq!(
                report["line_total"],
                decimal(inv.net_cents.abs()).as_str(),
                "{report}"
            );

            let (xml, xml_name) = env
                .client
                .invoice_document(&tok, &acc, &inv.id, InvoiceFormat::Xml)
                .await
                .expect("xml");
            assert_eq!(xml_name, format!("{}.xml", inv.number));
            let report = check_einvoice(&xml, &xml_name);
            assert_eq!(report["valid_xsd"], true, "{report}");
            assert_eq!(
                report["grand_total"],
                decimal(inv.gross_cents.abs()).as_str()
            );
        }
        // The seed's open invoice is issued to the demo address with 19 % and paid by transfer.
        let d = env
            .client
            .invoice(&tok, &acc, &open.id)
            .await
            .expect("detail");
        assert_eq!(d.bill_to.company, "Muster GmbH");
        assert!(matches!(d.payment, PaymentTerms::Invoice { .. }));
        assert!(d.lines.iter().all(|l| l.vat_rate_bp == 1900));
        let c = env
            .client
            .invoice(&tok, &acc, &credit.id)
            .await
            .expect("credit");
        let corrected = c.corrects_number.clone().expect("corrects");
        let orig = page
            .invoices
            .iter()
            .find(|i| i.number == corrected)
            .expect("original listed");
        assert_eq!(orig.status, InvoiceStatus::Cancelled);
        assert_eq!(orig.gross_cents, -credit.gross_cents);
        let o = env
            .client
            .invoice(&tok, &acc, &orig.id)
            .await
            .expect("original");
        assert_eq!(
            o.corrected_by.map(|r| r.number),
            Some(credit.number.clone())
        );
    })
    .await;
}

fn cli(args: &[&str]) -> (bool, Vec<serde_json::Value>, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kontor-server"))
        .args(args)
        .env_remove("KONTOR_VENDOR_PROFILE")
        .output()
        .expect("run kontor-server");
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    (
        out.status.success(),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn the_cli_period_run_is_idempotent_and_credits_and_marks_paid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("k.sqlite").display());
    {
        let db = kontor_server::open_database(&url).await.expect("open");
        kontor_server::seed::seed_demo(db.as_ref(), &seed_options())
            .await
            .expect("seed");
        db.close().await;
    }
    // The seed's subscription is monthly from 2026-05-01: June's period is billed once.
    let run = |p: &str| cli(&["invoices", "issue", "--database-url", &url, "--period", p]);
    let (ok, first, err) = run("2026-06");
    assert!(ok, "{err}");
    assert!(err.contains("DEMO"), "says it uses the demo profile: {err}");
    assert_eq!(first.len(), 1);
    assert_eq!(first[0]["status"], "issued");
    let number = first[0]["number"].as_str().expect("number").to_string();
    // The seed (T0 = 2026-05-28) issued June–December 2025 (7) and January–May 2026 plus a credit note (6).
    assert_eq!(number, "RE-2026-000007", "continues the seed's 2026 series");
    let (ok, again, _) = run("2026-06");
    assert!(ok);
    assert_eq!(again[0]["status"], "already_issued");
    assert_eq!(again[0]["number"], number.as_str());
    let (ok, _, err) = run("2026-13");
    assert!(!ok && err.contains("YYYY-MM"), "{err}");

    let (ok, paid, err) = cli(&[
        "invoices",
        "mark-paid",
        "--database-url",
        &url,
        "--number",
        &number,
    ]);
    assert!(ok, "{err}");
    assert_eq!(paid[0]["status"], "paid");
    let (ok, credit, err) = cli(&[
        "invoices",
        "credit",
        "--database-url",
        &url,
        "--number",
        &number,
        "--reason",
        "test",
    ]);
    assert!(ok, "{err}");
    assert_eq!(credit[0]["corrects"], number.as_str());
    // June's invoice: the demo catalog's Business package and one Analytics add-on, monthly, 19 % VAT.
    assert_eq!(credit[0]["gross_cents"], -(149_000 + 14_500) * 119 / 100);
    let (ok, _, err) = cli(&[
        "invoices",
        "credit",
        "--database-url",
        &url,
        "--number",
        &number,
        "--reason",
        "twice",
    ]);
    assert!(!ok && err.contains("already cancelled"), "{err}");
    let (ok, list, _) = cli(&["invoices", "list", "--database-url", &url]);
    assert!(ok);
    assert_eq!(list.len(), 15);
    let mut numbers: Vec<String> = list
        .iter()
        .filter_map(|l| l["number"].as_str().map(str::to_string))
        .collect();
    numbers.sort();
    let expected: Vec<String> = (1..=7)
        .map(|n| format!("RE-2025-{n:06}"))
        .chain((1..=8).map(|n| format!("RE-2026-{n:06}")))
        .collect();
    assert_eq!(numbers, expected, "gapless");
}

/// p50 and p99 of `samples` (milliseconds).
fn percentiles(mut samples: Vec<f64>) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    (at(0.50), at(0.99))
}

/// BENCHMARKS.md: 10,000 invoices in one account; one list page, a filtered page and one PDF, each timed
/// against `GET /api/health` in the same run. `cargo test -p kontor-server --release --test invoices
/// bench -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run by hand for BENCHMARKS.md"]
async fn bench_list_10000_invoices_and_render_a_pdf() {
    check(|env| async move {
        let acc = env.seed.account_id.clone();
        let t0 = std::time::Instant::now();
        for i in 0..10_000i64 {
            let mut new = new_invoice(&acc, vec![one_line(1_000 + i, 1), one_line(33, 3)], None);
            new.issued_on = date!(2024 - 01 - 01) + time::Duration::days(i % 1000);
            issue(&env, &new).await;
        }
        eprintln!(
            "{}: issued 10,000 in {:.1} s",
            env.backend,
            t0.elapsed().as_secs_f64()
        );
        let tok = owner(&env).await;
        let http = reqwest::Client::new();
        let time = |url: String| {
            let http = http.clone();
            let tok = tok.clone();
            async move {
                let t = std::time::Instant::now();
                let r = http.get(url).bearer_auth(tok).send().await.expect("send");
                assert!(r.status().is_success());
                let _ = r.bytes().await.expect("body");
                t.elapsed().as_secs_f64() * 1000.0
            }
        };
        let base = env.base_url.clone();
        let page_url = format!("{base}/api/v1/accounts/{acc}/invoices?limit=50");
        let first = env
            .client
            .invoices(
                &tok,
                &acc,
                &InvoiceQuery {
                    limit: Some(50),
                    ..Default::default()
                },
            )
            .await
            .expect("page");
        let deep = format!(
            "{base}/api/v1/accounts/{acc}/invoices?limit=50&before={}",
            first.invoices[25].number
        );
        let filtered =
            format!("{base}/api/v1/accounts/{acc}/invoices?limit=50&year=2025&status=overdue");
        let pdf = format!(
            "{base}/api/v1/accounts/{acc}/invoices/{}/pdf",
            first.invoices[0].id
        );
        let cases = [
            (
                "GET /api/health (baseline)",
                format!("{base}/api/health"),
                300,
            ),
            ("list, first page of 50", page_url, 300),
            ("list, page after a cursor", deep, 300),
            ("list, year + status filter", filtered, 300),
            ("PDF of one invoice", pdf, 100),
        ];
        for (name, url, n) in cases {
            for _ in 0..5 {
                time(url.clone()).await;
            }
            let mut s = Vec::with_capacity(n);
            for _ in 0..n {
                s.push(time(url.clone()).await);
            }
            let (p50, p99) = percentiles(s);
            eprintln!(
                "{}: {name}: p50 {p50:.2} ms, p99 {p99:.2} ms (n = {n})",
                env.backend
            );
        }
    })
    .await;
}
