//! Issue 8 (sepa8): billing address, payment method and SEPA mandate over HTTP on SQLite and PostgreSQL —
//! the role matrix, another account's 404, validation cases with located errors, mandate replacement, the
//! masking of the IBAN in answers, the audit log and the server's log output, and the creditor id option.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};

use common::{api_error, check, login, owner, seed_options, seeded_session, Env};
use kontor_api::{
    BankAccount, BillingAddress, BillingField, BillingProblem, ErrorCode, ErrorDetail,
    MandateLanguage, PaymentMethod, PaymentMethodChange,
};
use kontor_client::{ClientError, PortalClient};
use kontor_server::seed::{seed_demo, SeedOptions};

const IBAN: &str = "DE89370400440532013000";
const IBAN_SPACED: &str = "DE89 3704 0044 0532 0130 00";
const IBAN2: &str = "AT611904300234573201";

fn address() -> BillingAddress {
    BillingAddress {
        company: "Muster GmbH".into(),
        addressee: Some("Buchhaltung".into()),
        street: "Hauptstraße 1".into(),
        street2: None,
        postal_code: "10115".into(),
        city: "Berlin".into(),
        country: "DE".into(),
        vat_id: Some("DE 136 695 976".into()),
        invoice_emails: vec!["rechnung@muster.example".into()],
        po_reference: Some("PO-4711".into()),
        leitweg_id: None,
    }
}

fn bank(iban: &str) -> BankAccount {
    BankAccount {
        account_holder: "Muster GmbH".into(),
        iban: iban.into(),
        bic: None,
        accept_mandate: true,
        language: None,
    }
}

/// The located problems of a billing refusal.
fn problems(body: &kontor_api::ErrorBody) -> Vec<(BillingField, BillingProblem)> {
    match &body.detail {
        Some(ErrorDetail::BillingFields { errors }) => {
            errors.iter().map(|e| (e.field(), e.problem())).collect()
        }
        other => panic!("expected billing_fields, got {other:?}"),
    }
}

/// Every billing endpoint called with `tok` on `account`: the status of each.
async fn statuses(env: &Env, tok: &str, account: &str) -> Vec<u16> {
    let c = &env.client;
    let st = |r: Result<(), ClientError>| match r {
        Ok(()) => 200,
        Err(ClientError::Api { status, .. }) => status,
        Err(e) => panic!("{e:?}"),
    };
    vec![
        st(c.billing_address(tok, account).await.map(|_| ())),
        st(c.save_billing_address(tok, account, &address())
            .await
            .map(|_| ())),
        st(c.payment_details(tok, account).await.map(|_| ())),
        st(c.save_bank_account(tok, account, &bank(IBAN))
            .await
            .map(|_| ())),
        st(c.mandate_text(tok, account, MandateLanguage::En)
            .await
            .map(|_| ())),
        st(c.change_payment_method(
            tok,
            account,
            &PaymentMethodChange {
                method: PaymentMethod::Invoice,
            },
        )
        .await
        .map(|_| ())),
    ]
}

#[tokio::test]
async fn owner_and_billing_may_admin_and_user_get_403_and_another_account_404() {
    check(|env| async move {
        let own = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let billing = seeded_session(&env, &own, "lea.schmidt").await;
        let admin = seeded_session(&env, &own, "jonas.becker").await;
        let user = seeded_session(&env, &own, "paul.wagner").await;
        assert_eq!(statuses(&env, &own, &acc).await, vec![200; 6]);
        assert_eq!(statuses(&env, &billing, &acc).await, vec![200; 6]);
        assert_eq!(statuses(&env, &admin, &acc).await, vec![403; 6]);
        assert_eq!(statuses(&env, &user, &acc).await, vec![403; 6]);
        // Another real account: 404 for every role, and nothing of it was read or changed.
        let other = seed_demo(
            env.db.as_ref(),
            &SeedOptions {
                account_name: "Beispiel AG".into(),
                customer_number: "K-200078".into(),
                owner_email: "chef@beispiel.example".into(),
                owner_password: "Other-Passw0rd!".into(),
                ..seed_options()
            },
        )
        .await
        .expect("second account");
        for tok in [&own, &billing, &admin, &user] {
            assert_eq!(statuses(&env, tok, &other.account_id).await, vec![404; 6]);
        }
        // Its address is still the one its seed wrote.
        let theirs_address = env.db.billing_address(&other.account_id).await.expect("db");
        assert_eq!(
            theirs_address.map(|a| (a.company, a.city)),
            Some(("Beispiel AG".to_string(), "München".to_string()))
        );
        let theirs = env.db.payment(&other.account_id).await.expect("db");
        assert_eq!(
            theirs.map(|p| (p.method, p.mandate.is_none())),
            Some((PaymentMethod::Invoice, true))
        );
        // Without a token: 401.
        let (status, _) = api_error(env.client.payment_details("nope", &acc).await);
        assert_eq!(status, 401);
    })
    .await;
}

#[tokio::test]
async fn the_address_is_saved_normalised_and_every_bad_field_is_located() {
    check(|env| async move {
        let tok = owner(&env).await;
        let acc = env.seed.account_id.as_str();
        let before = env.client.billing_address(&tok, acc).await.expect("get");
        // The demo seed's address (written by `seed-demo`, not through this API).
        assert_eq!(
            before.address.map(|a| a.company).as_deref(),
            Some("Muster GmbH")
        );

        let saved = env
            .client
            .save_billing_address(&tok, acc, &address())
            .await
            .expect("save");
        assert_eq!(saved.vat_id.as_deref(), Some("DE136695976"));
        let got = env.client.billing_address(&tok, acc).await.expect("get");
        assert_eq!(got.address.as_ref(), Some(&saved));
        assert!(got.updated_at.is_some());

        // One bad postal code: invalid_postal_code at its field.
        let (status, body) = api_error(
            env.client
                .save_billing_address(
                    &tok,
                    acc,
                    &BillingAddress {
                        postal_code: "1234".into(),
                        ..address()
                    },
                )
                .await,
        );
        assert_eq!((status, body.code), (422, ErrorCode::InvalidPostalCode));
        assert_eq!(
            problems(&body),
            vec![(BillingField::PostalCode, BillingProblem::InvalidPostalCode)]
        );

        // Several at once, in form order; the code is the first problem's.
        let (status, body) = api_error(
            env.client
                .save_billing_address(
                    &tok,
                    acc,
                    &BillingAddress {
                        company: " ".into(),
                        country: "AT".into(),
                        postal_code: "10115".into(),
                        vat_id: Some("DE136695978".into()),
                        invoice_emails: vec!["kein-at-zeichen".into()],
                        leitweg_id: Some("991-33333TEST-34".into()),
                        ..address()
                    },
                )
                .await,
        );
        assert_eq!((status, body.code), (422, ErrorCode::Validation));
        assert_eq!(
            problems(&body),
            vec![
                (BillingField::Company, BillingProblem::Required),
                (BillingField::PostalCode, BillingProblem::InvalidPostalCode),
                (BillingField::VatId, BillingProblem::InvalidVatId),
                (BillingField::InvoiceEmails, BillingProblem::InvalidEmail),
                (BillingField::LeitwegId, BillingProblem::InvalidLeitwegId),
            ]
        );
        let (_, body) = api_error(
            env.client
                .save_billing_address(
                    &tok,
                    acc,
                    &BillingAddress {
                        vat_id: Some("FR41303265045".into()),
                        ..address()
                    },
                )
                .await,
        );
        assert_eq!(body.code, ErrorCode::InvalidVatId);
        let (_, body) = api_error(
            env.client
                .save_billing_address(
                    &tok,
                    acc,
                    &BillingAddress {
                        country: "XX".into(),
                        ..address()
                    },
                )
                .await,
        );
        assert_eq!(
            problems(&body),
            vec![(BillingField::Country, BillingProblem::UnknownCountry)]
        );
        // Refusals changed nothing.
        let after = env.client.billing_address(&tok, acc).await.expect("get");
        assert_eq!(after.address.as_ref(), Some(&saved));

        // A Leitweg-ID and other countries' formats are taken.
        let public = BillingAddress {
            country: "NL".into(),
            postal_code: "1012ab".into(),
            vat_id: Some("NL004495445B01".into()),
            leitweg_id: Some("991-33333test-33".into()),
            ..address()
        };
        let saved = env
            .client
            .save_billing_address(&tok, acc, &public)
            .await
            .expect("save");
        assert_eq!(saved.postal_code, "1012 AB");
        assert_eq!(saved.leitweg_id.as_deref(), Some("991-33333TEST-33"));

        let events: Vec<_> = env
            .db
            .audit_events(acc)
            .await
            .expect("audit")
            .into_iter()
            .filter(|e| e.event == "billing.address_changed")
            .map(|e| e.target)
            .collect();
        assert_eq!(events, vec![Some("Muster GmbH".to_string()); 2]);
    })
    .await;
}

#[tokio::test]
async fn invalid_ibans_are_refused_with_invalid_iban_exactly_as_the_issue_sends_them() {
    check(|env| async move {
        let tok = owner(&env).await;
        let acc = env.seed.account_id.as_str();
        let http = reqwest::Client::new();
        let url = format!(
            "{}/api/v1/accounts/{acc}/billing/bank-account",
            env.base_url
        );
        let send = |iban: &'static str| {
            let http = http.clone();
            let url = url.clone();
            let tok = tok.clone();
            async move {
                let resp = http
                    .put(&url)
                    .bearer_auth(&tok)
                    .json(&serde_json::json!({
                        "account_holder": "Muster GmbH",
                        "iban": iban,
                        "bic": null,
                        "accept_mandate": true
                    }))
                    .send()
                    .await
                    .expect("send");
                let status = resp.status().as_u16();
                let body: serde_json::Value = resp.json().await.expect("json");
                (status, body)
            }
        };
        for bad in [
            "DE89 3704 0044 0532 0130 01",    // check digits
            "DE89 3704 0044 0532 0130 0O",    // letter O for zero
            "DE89\u{200B}370400440532013000", // zero-width space
            "\u{0414}E89370400440532013000",  // Cyrillic De
            "DE89 3704 0044 0532 0130 ０0",   // full-width zero
            "DE89 3704 0044 0532 0130",       // too short
            "XX89370400440532013000",         // no such country
            "BR1800360305000010009795493C1",  // not SEPA
            "",
        ] {
            let (status, body) = send(bad).await;
            assert_eq!(status, 422, "{bad:?}: {body}");
            if bad.is_empty() {
                assert_eq!(body["code"], "validation", "{body}");
            } else {
                assert_eq!(body["code"], "invalid_iban", "{bad:?}: {body}");
            }
            assert_eq!(body["detail"]["errors"][0]["field"], "iban", "{body}");
        }
        // Nothing was saved by the refusals.
        let p = env
            .client
            .payment_details(&tok, acc)
            .await
            .expect("payment");
        assert_eq!((p.method, p.mandate), (PaymentMethod::Invoice, None));

        let (status, body) = send("de89 3704 0044 0532 0130 00").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["method"], "sepa");
        assert_eq!(
            body["mandate"]["iban_masked"],
            "DE89 **** **** **** **30 00"
        );

        // The BIC must fit the IBAN's country; the mandate must be accepted; all problems at once.
        let (status, body) = api_error(
            env.client
                .save_bank_account(
                    &tok,
                    acc,
                    &BankAccount {
                        account_holder: "".into(),
                        bic: Some("BNPAFRPP".into()),
                        accept_mandate: false,
                        ..bank(IBAN)
                    },
                )
                .await,
        );
        assert_eq!((status, body.code), (422, ErrorCode::Validation));
        assert_eq!(
            problems(&body),
            vec![
                (BillingField::AccountHolder, BillingProblem::Required),
                (BillingField::Bic, BillingProblem::BicCountryMismatch),
                (
                    BillingField::AcceptMandate,
                    BillingProblem::MandateNotAccepted
                ),
            ]
        );
        let (_, body) = api_error(
            env.client
                .save_bank_account(
                    &tok,
                    acc,
                    &BankAccount {
                        bic: Some("COBADEF".into()),
                        ..bank(IBAN)
                    },
                )
                .await,
        );
        assert_eq!(body.code, ErrorCode::InvalidBic);
        let ok = env
            .client
            .save_bank_account(
                &tok,
                acc,
                &BankAccount {
                    bic: Some("cobadeffxxx".into()),
                    ..bank(IBAN)
                },
            )
            .await
            .expect("with BIC");
        assert_eq!(
            ok.mandate.and_then(|m| m.bic).as_deref(),
            Some("COBADEFFXXX")
        );
    })
    .await;
}

#[tokio::test]
async fn new_bank_details_replace_the_mandate_and_pay_by_invoice_ends_it() {
    check(|env| async move {
        let own = owner(&env).await;
        let acc = env.seed.account_id.as_str();

        let first = env
            .client
            .save_bank_account(&own, acc, &bank(IBAN_SPACED))
            .await
            .expect("first");
        assert_eq!(first.method, PaymentMethod::Sepa);
        let m1 = first.mandate.expect("mandate");
        assert_eq!(
            m1.reference,
            format!("KONTOR-{}-1", env.seed.customer_number)
        );
        assert_eq!(m1.iban_masked, "DE89 **** **** **** **30 00");
        assert_eq!(m1.creditor_id, "DE98ZZZ09999999999");
        assert_eq!(m1.accepted_by, env.seed.owner_email);
        assert_eq!(m1.signed_on, "2026-05-28");
        assert_eq!(m1.language, MandateLanguage::De);

        env.clock.advance(86_400);
        // Sessions of the next day.
        let own = owner(&env).await;
        let billing = seeded_session(&env, &own, "lea.schmidt").await;
        let second = env
            .client
            .save_bank_account(
                &billing,
                acc,
                &BankAccount {
                    account_holder: "Lea Schmidt".into(),
                    language: Some(MandateLanguage::En),
                    ..bank(IBAN2)
                },
            )
            .await
            .expect("second");
        let m2 = second.mandate.expect("mandate");
        assert_eq!(
            m2.reference,
            format!("KONTOR-{}-2", env.seed.customer_number)
        );
        assert_eq!(m2.iban_masked, "AT61 **** **** **** 3201");
        assert_eq!(m2.accepted_by, "lea.schmidt@muster.example");
        assert_eq!(m2.signed_on, "2026-05-29");
        assert_eq!(m2.language, MandateLanguage::En);
        assert_eq!(
            env.client
                .payment_details(&own, acc)
                .await
                .expect("get")
                .mandate,
            Some(m2.clone())
        );
        // Exactly one active mandate; the first one ended when the second was saved.
        let rows = mandate_rows(&env).await;
        assert_eq!(rows.len(), 2);
        assert_eq!(rows.iter().filter(|(_, ended)| ended.is_none()).count(), 1);
        assert_eq!(
            rows.iter()
                .find(|(r, _)| r == &m1.reference)
                .and_then(|(_, e)| *e),
            Some(common::T0 + 86_400)
        );

        // `sepa` through the method endpoint is refused: bank details choose it.
        let (status, body) = api_error(
            env.client
                .change_payment_method(
                    &own,
                    acc,
                    &PaymentMethodChange {
                        method: PaymentMethod::Sepa,
                    },
                )
                .await,
        );
        assert_eq!(status, 422);
        assert_eq!(
            problems(&body),
            vec![(BillingField::Method, BillingProblem::SepaNeedsBankAccount)]
        );
        let inv = env
            .client
            .change_payment_method(
                &own,
                acc,
                &PaymentMethodChange {
                    method: PaymentMethod::Invoice,
                },
            )
            .await
            .expect("invoice");
        assert_eq!((inv.method, inv.mandate), (PaymentMethod::Invoice, None));
        assert!(mandate_rows(&env).await.iter().all(|(_, e)| e.is_some()));
        // Again: nothing changes, no second event.
        env.client
            .change_payment_method(
                &own,
                acc,
                &PaymentMethodChange {
                    method: PaymentMethod::Invoice,
                },
            )
            .await
            .expect("invoice again");

        let events: Vec<(String, Option<String>)> = env
            .db
            .audit_events(acc)
            .await
            .expect("audit")
            .into_iter()
            .filter(|e| e.event.starts_with("billing."))
            .map(|e| (e.event, e.target))
            .collect();
        let c = &env.seed.customer_number;
        assert_eq!(
            events,
            vec![
                (
                    "billing.mandate_accepted".to_string(),
                    Some(format!("KONTOR-{c}-1 DE89 **** **** **** **30 00"))
                ),
                (
                    "billing.payment_method_changed".to_string(),
                    Some("sepa".to_string())
                ),
                (
                    "billing.mandate_accepted".to_string(),
                    Some(format!("KONTOR-{c}-2 AT61 **** **** **** 3201"))
                ),
                (
                    "billing.payment_method_changed".to_string(),
                    Some("invoice".to_string())
                ),
            ]
        );
    })
    .await;
}

/// (reference, ended_at) of the account's mandates, from the database itself.
async fn mandate_rows(env: &Env) -> Vec<(String, Option<i64>)> {
    let sql =
        "SELECT reference, ended_at FROM sepa_mandates WHERE account_id = $1 ORDER BY created_at";
    if env.backend == "sqlite" {
        let pool = sqlx::SqlitePool::connect(&env.db_url)
            .await
            .expect("sqlite");
        let rows = sqlx::query_as::<_, (String, Option<i64>)>(sql)
            .bind(&env.seed.account_id)
            .fetch_all(&pool)
            .await
            .expect("rows");
        pool.close().await;
        rows
    } else {
        let pool = sqlx::PgPool::connect(&env.db_url).await.expect("postgres");
        let rows = sqlx::query_as::<_, (String, Option<i64>)>(sql)
            .bind(&env.seed.account_id)
            .fetch_all(&pool)
            .await
            .expect("rows");
        pool.close().await;
        rows
    }
}

#[tokio::test]
async fn the_full_iban_is_in_no_answer_and_no_audit_event() {
    check(|env| async move {
        let tok = owner(&env).await;
        let acc = env.seed.account_id.as_str();
        let saved = env
            .client
            .save_bank_account(&tok, acc, &bank(IBAN_SPACED))
            .await
            .expect("save");
        let answers = [
            serde_json::to_string(&saved).expect("json"),
            serde_json::to_string(&env.client.payment_details(&tok, acc).await.expect("get"))
                .expect("json"),
            serde_json::to_string(
                &env.client
                    .audit(&tok, acc, None, None)
                    .await
                    .expect("audit"),
            )
            .expect("json"),
        ];
        for a in &answers {
            assert!(!leaks(a), "{a}");
        }
        for e in env.db.audit_events(acc).await.expect("audit") {
            assert!(!leaks(&format!("{e:?}")), "{e:?}");
        }
        // The masked text: country, check digits and the last four only.
        assert!(answers[0].contains("DE89 **** **** **** **30 00"));
    })
    .await;
}

/// Whether `s` holds the IBAN, or any 8 of its digits in a row beyond the shown parts.
fn leaks(s: &str) -> bool {
    let compact: String = s.chars().filter(|c| *c != ' ').collect();
    compact.contains(IBAN) || compact.contains(&IBAN[4..12]) || compact.contains(&IBAN[8..16])
}

#[tokio::test]
async fn the_mandate_text_names_the_vendor_and_creditor_in_both_languages() {
    check(|env| async move {
        let tok = owner(&env).await;
        let acc = env.seed.account_id.as_str();
        let de = env
            .client
            .mandate_text(&tok, acc, MandateLanguage::De)
            .await
            .expect("de");
        let en = env
            .client
            .mandate_text(&tok, acc, MandateLanguage::En)
            .await
            .expect("en");
        assert_eq!(
            (de.language, en.language),
            (MandateLanguage::De, MandateLanguage::En)
        );
        assert!(de
            .paragraphs
            .iter()
            .any(|p| p.contains("Test Vendor") && p.contains("Lastschrift")));
        assert!(en
            .paragraphs
            .iter()
            .any(|p| p.contains("Test Vendor") && p.contains("debit")));
        assert_eq!(de.creditor_id, "DE98ZZZ09999999999");
        let resp = reqwest::Client::new()
            .get(format!(
                "{}/api/v1/accounts/{acc}/billing/mandate-text?lang=fr",
                env.base_url
            ))
            .bearer_auth(&tok)
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status().as_u16(), 422);
    })
    .await;
}

/// The `serve` binary with a debug log: after saving bank details (valid and invalid), neither stdout nor
/// stderr nor the audit table holds the IBAN; `--sepa-creditor-id` is validated and used.
#[tokio::test]
async fn the_servers_log_output_never_holds_the_iban() {
    let bin = env!("CARGO_BIN_EXE_kontor-server");
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("k.sqlite").display());
    let db = kontor_server::open_database(&url).await.expect("open");
    let seed = seed_demo(db.as_ref(), &seed_options()).await.expect("seed");
    db.close().await;
    drop(db);

    // A bad creditor id is refused at start.
    let out = Command::new(bin)
        .args(["serve", "--database-url", &url, "--bind", "127.0.0.1:0"])
        .args(["--sepa-creditor-id", "DE97ZZZ09999999999"])
        .env("RUST_LOG", "warn")
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--sepa-creditor-id"));

    let log = dir.path().join("serve.log");
    let log_file = std::fs::File::create(&log).expect("log");
    let mut child = Command::new(bin)
        .args(["serve", "--database-url", &url, "--bind", "127.0.0.1:0"])
        .args(["--sepa-creditor-id", "de98 zzz0 9999 9999 99"])
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(log_file)
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = Vec::new();
    let mut byte = [0u8; 1];
    while stdout.read(&mut byte).expect("read") == 1 && byte[0] != b'\n' {
        first.push(byte[0]);
    }
    let line = String::from_utf8(first).expect("utf8");
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    let client = PortalClient::new(&base).expect("client");
    let tok = client
        .login_password(&login(&seed.owner_email, &seed.owner_password))
        .await
        .expect("login")
        .access_token;
    let acc = seed.account_id.as_str();
    client
        .save_bank_account(&tok, acc, &bank(IBAN_SPACED))
        .await
        .expect("save");
    let _ = client
        .save_bank_account(
            &tok,
            acc,
            &BankAccount {
                accept_mandate: false,
                ..bank(IBAN)
            },
        )
        .await;
    let _ = client
        .save_bank_account(
            &tok,
            acc,
            &BankAccount {
                bic: Some("X".repeat(40)),
                ..bank(IBAN)
            },
        )
        .await;
    // A body that does not parse, with the IBAN in it.
    let _ = reqwest::Client::new()
        .put(format!("{base}/api/v1/accounts/{acc}/billing/bank-account"))
        .bearer_auth(&tok)
        .header("content-type", "application/json")
        .body(format!(r#"{{"iban": "{IBAN}", "accept_mandate": "yes"}}"#))
        .send()
        .await;
    let p = client.payment_details(&tok, acc).await.expect("get");
    assert_eq!(
        p.mandate.map(|m| m.creditor_id).as_deref(),
        Some("DE98ZZZ09999999999")
    );
    let pid = child.id().to_string();
    Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    let mut rest = String::new();
    let _ = stdout.read_to_string(&mut rest);
    child.wait().expect("wait");

    let text = std::fs::read_to_string(&log).expect("log") + &line + &rest;
    assert!(text.contains("bank-account"), "the log has the requests");
    assert!(!leaks(&text), "the IBAN is in the log output");

    // The audit table, read directly.
    let pool = sqlx::SqlitePool::connect(&url).await.expect("sqlite");
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT event, target FROM audit_events WHERE account_id = $1")
            .bind(acc)
            .fetch_all(&pool)
            .await
            .expect("audit");
    assert!(rows.iter().any(|(e, _)| e == "billing.mandate_accepted"));
    for (e, t) in &rows {
        assert!(!leaks(&format!("{e} {t:?}")), "{e} {t:?}");
    }
    // It is stored (normalised) in the mandate itself, the one place it must be.
    let stored: String = sqlx::query_scalar("SELECT iban FROM sepa_mandates WHERE account_id = $1")
        .bind(acc)
        .fetch_one(&pool)
        .await
        .expect("mandate");
    assert_eq!(stored, IBAN);
    pool.close().await;
}
