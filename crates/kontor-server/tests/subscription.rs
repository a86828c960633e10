//! Issue 8, subscription and package: the subscription and catalog views, the role matrix (Owner and Billing
//! only) and other accounts (404), the package change preview and its booking (preview = booked, once per
//! idempotency key, also in parallel), the downgrade refusal with its numbers, pending downgrades applied at
//! the period's end, and the audit events. On SQLite and, when configured, PostgreSQL.

mod cli_support;
mod common;

use common::{api_error, check, owner, seeded_session, Env};
use kontor_api::{
    BillingPeriod, ChangeKind, ChangePreviewRequest, ChangeRequest, ErrorCode, ErrorDetail,
    FieldProblem, LicenseChange, OverLimit, PackageRelation,
};
use kontor_server::seed::{seed_demo, SeedOptions};

/// The demo's "today" (`common::T0`) and period: 2026-05-28 in [2026-05-01, 2026-06-01).
const TODAY: &str = "2026-05-28";
/// Unix seconds at 00:00 UTC of 2026-05-31 and 2026-06-01.
const MAY_31: i64 = 1_780_185_600;
const JUNE_1: i64 = 1_780_272_000;

fn preview_req(package: &str) -> ChangePreviewRequest {
    ChangePreviewRequest {
        package: package.to_string(),
    }
}

fn change_req(package: &str, key: &str) -> ChangeRequest {
    ChangeRequest {
        package: package.to_string(),
        idempotency_key: Some(key.to_string()),
    }
}

fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn events(env: &Env, name: &str) -> Vec<Option<String>> {
    env.db
        .audit_events(&env.seed.account_id)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.event == name)
        .map(|e| e.target)
        .collect()
}

/// The user id of a seeded user (`local`@muster.example).
async fn user_id(env: &Env, local: &str) -> String {
    env.db
        .user_by_email(&format!("{local}@muster.example"))
        .await
        .expect("db")
        .expect("seeded user")
        .id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owner_and_billing_see_the_subscription_and_catalog_admin_and_user_do_not() {
    check(|env| async move {
        let o = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let billing = seeded_session(&env, &o, "lea.schmidt").await;
        let admin = seeded_session(&env, &o, "jonas.becker").await;
        let user = seeded_session(&env, &o, "paul.wagner").await;

        for tok in [&o, &billing] {
            let s = env
                .client
                .subscription(tok, &acc)
                .await
                .expect("subscription");
            assert_eq!(s.package_code, "business");
            assert_eq!(s.billing_period, BillingPeriod::Monthly);
            assert_eq!(
                (
                    s.period_start.as_str(),
                    s.period_end.as_str(),
                    s.renews_on.as_str()
                ),
                ("2026-05-01", "2026-06-01", "2026-06-01")
            );
            assert_eq!(s.term_start, "2025-12-01");
            let apps: Vec<(&str, i64, i64, i64, i64)> = s
                .apps
                .iter()
                .map(|a| {
                    (
                        a.product_code.as_str(),
                        a.package_seats,
                        a.addon_seats,
                        a.seats,
                        a.assigned,
                    )
                })
                .collect();
            assert_eq!(
                apps,
                [
                    ("analytics", 0, 5, 5, 4),
                    ("cmdb", 25, 0, 25, 11),
                    ("docs", 10, 0, 10, 6)
                ]
            );
            assert_eq!(s.addons.len(), 1);
            assert_eq!(
                (s.addons[0].code.as_str(), s.addons[0].quantity),
                ("analytics-5", 1)
            );
            assert_eq!(s.package_price_cents, 149_000);
            assert_eq!(s.recurring_cents, 149_000 + 14_500);
            assert_eq!(s.pending_change, None);

            let c = env.client.packages(tok, &acc).await.expect("packages");
            let rel: Vec<(&str, PackageRelation, i64)> = c
                .packages
                .iter()
                .map(|p| (p.code.as_str(), p.relation, p.price_cents))
                .collect();
            assert_eq!(
                rel,
                [
                    ("starter", PackageRelation::Lower, 49_000),
                    ("business", PackageRelation::Current, 149_000),
                    ("enterprise", PackageRelation::Higher, 299_000)
                ]
            );
            let ent = &c.packages[2];
            assert_eq!(ent.apps.len(), 4);
            assert!(ent.addons.iter().all(|a| a.code != "analytics-5"));
            assert!(c.packages[1].addons.iter().any(|a| a.code == "analytics-5"));
        }
        for tok in [&admin, &user] {
            let (status, body) = api_error(env.client.subscription(tok, &acc).await);
            assert_eq!(
                (status, body.detail),
                (403, Some(ErrorDetail::RoleNotAllowed))
            );
            let (status, _) = api_error(env.client.packages(tok, &acc).await);
            assert_eq!(status, 403);
            let (status, _) = api_error(
                env.client
                    .preview_package_change(tok, &acc, &preview_req("enterprise"))
                    .await,
            );
            assert_eq!(status, 403);
            let (status, _) = api_error(
                env.client
                    .change_package(tok, &acc, &change_req("enterprise", &key()))
                    .await,
            );
            assert_eq!(status, 403);
        }
        assert!(events(&env, "subscription.change_booked").await.is_empty());

        // Another account's subscription: 404, for every role.
        let other = seed_demo(
            env.db.as_ref(),
            &SeedOptions {
                account_name: "Beispiel AG".into(),
                customer_number: "K-200078".into(),
                owner_email: "chef@beispiel.example".into(),
                ..common::seed_options()
            },
        )
        .await
        .expect("second account");
        for tok in [&o, &billing, &admin, &user] {
            let (status, body) = api_error(env.client.subscription(tok, &other.account_id).await);
            assert_eq!((status, body.code), (404, ErrorCode::NotFound));
            let (status, _) = api_error(
                env.client
                    .change_package(tok, &other.account_id, &change_req("enterprise", &key()))
                    .await,
            );
            assert_eq!(status, 404);
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upgrade_books_what_its_preview_said_once_per_key() {
    check(|env| async move {
        let o = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let p = env
            .client
            .preview_package_change(&o, &acc, &preview_req("enterprise"))
            .await
            .expect("preview");
        assert_eq!(p.kind, ChangeKind::Upgrade);
        assert_eq!(p.apps_gained, ["API Access"]);
        assert!(p.apps_lost.is_empty());
        assert_eq!(p.addons_dropped, ["Analytics, 5 seats"]);
        let seats: Vec<(&str, i64, i64)> = p
            .seats
            .iter()
            .map(|s| (s.product_code.as_str(), s.old_seats, s.new_seats))
            .collect();
        assert_eq!(
            seats,
            [
                ("analytics", 5, 15),
                ("api", 0, 10),
                ("cmdb", 25, 50),
                ("docs", 10, 25)
            ]
        );
        assert_eq!(
            (p.old_recurring_cents, p.new_recurring_cents),
            (163_500, 299_000)
        );
        // 4 of 31 days remain: 135,500 × 4 / 31 = 17,483.87 → 17,484.
        assert_eq!((p.remaining_days, p.period_days), (4, 31));
        assert_eq!(p.prorated_cents, 17_484);
        assert_eq!(p.effective_on, TODAY);
        // A preview changes nothing.
        assert_eq!(
            env.client
                .subscription(&o, &acc)
                .await
                .expect("sub")
                .package_code,
            "business"
        );

        let k = key();
        let booked = env
            .client
            .change_package(&o, &acc, &change_req("enterprise", &k))
            .await
            .expect("change");
        assert_eq!(booked.kind, ChangeKind::Upgrade);
        assert_eq!(booked.prorated_cents, p.prorated_cents, "preview = booked");
        assert_eq!(booked.effective_on, p.effective_on);
        assert_eq!(
            (booked.from_package.as_str(), booked.to_package.as_str()),
            ("business", "enterprise")
        );

        // The proration invoice: issued through invoicing (net = the prorated charge, one line), linked.
        let inv = booked.invoice.clone().expect("a proration invoice");
        let stored = env
            .db
            .invoice(&acc, &inv.id)
            .await
            .expect("db")
            .expect("the invoice is stored");
        assert_eq!(stored.head.number, inv.number);
        assert_eq!(stored.head.net_cents, p.prorated_cents);
        assert_eq!(stored.head.gross_cents, inv.gross_cents);
        assert_eq!(stored.lines.len(), 1);
        assert_eq!(stored.lines[0].net_cents, p.prorated_cents);
        assert_eq!(
            (
                stored.head.period_start.as_str(),
                stored.head.period_end.as_str()
            ),
            (TODAY, "2026-05-31")
        );
        // The seed's invoices come first; the proration invoice is the newest, audited once.
        let issued = events(&env, "invoice.issued").await;
        assert_eq!(issued.last(), Some(&Some(inv.number.clone())));
        assert_eq!(
            issued
                .iter()
                .filter(|n| n.as_deref() == Some(inv.number.as_str()))
                .count(),
            1
        );

        let s = env.client.subscription(&o, &acc).await.expect("sub");
        assert_eq!(s.package_code, "enterprise");
        assert!(s.addons.is_empty(), "the add-on that does not fit ended");
        assert_eq!(s.recurring_cents, p.new_recurring_cents);
        let pools: Vec<(String, i64)> = env
            .client
            .licenses(&o, &acc)
            .await
            .expect("pools")
            .into_iter()
            .map(|l| (l.product_code, l.seats_total))
            .collect();
        let want: Vec<(String, i64)> = p
            .seats
            .iter()
            .map(|s| (s.product_code.clone(), s.new_seats))
            .collect();
        assert_eq!(pools, want, "the seat limits license assignment checks");

        // The same key again: the same booking, nothing booked twice.
        let again = env
            .client
            .change_package(&o, &acc, &change_req("enterprise", &k))
            .await
            .expect("again");
        assert_eq!(again, booked);
        // Also through the header instead of the body.
        let resp = reqwest::Client::new()
            .post(format!(
                "{}/api/v1/accounts/{acc}/subscription/change",
                env.base_url
            ))
            .bearer_auth(&o)
            .header("Idempotency-Key", &k)
            .json(&serde_json::json!({"package": "enterprise"}))
            .send()
            .await
            .expect("header request");
        assert_eq!(resp.status(), 200);
        let by_header: kontor_api::ChangeBooked = resp.json().await.expect("json");
        assert_eq!(by_header.change_id, booked.change_id);
        // The key for another package: refused.
        let (status, body) = api_error(
            env.client
                .change_package(&o, &acc, &change_req("starter", &k))
                .await,
        );
        assert_eq!((status, body.detail), (409, None));
        assert_eq!(
            events(&env, "subscription.change_booked").await,
            [Some("business → enterprise".to_string())]
        );
        assert_eq!(
            events(&env, "invoice.issued").await,
            issued,
            "the replays issued no second invoice"
        );

        // Now on the current package: a clear refusal; an unknown package: 422; no key: 422.
        let (status, body) = api_error(
            env.client
                .change_package(&o, &acc, &change_req("enterprise", &key()))
                .await,
        );
        assert_eq!(
            (status, body.detail),
            (
                422,
                Some(ErrorDetail::Field {
                    field: "package".into(),
                    row: None,
                    problem: FieldProblem::Unchanged
                })
            )
        );
        let (status, body) = api_error(
            env.client
                .preview_package_change(&o, &acc, &preview_req("gold"))
                .await,
        );
        assert_eq!(
            (status, body.detail),
            (
                422,
                Some(ErrorDetail::Field {
                    field: "package".into(),
                    row: None,
                    problem: FieldProblem::InvalidId
                })
            )
        );
        let (status, _) = api_error(
            env.client
                .change_package(
                    &o,
                    &acc,
                    &ChangeRequest {
                        package: "starter".into(),
                        idempotency_key: None,
                    },
                )
                .await,
        );
        assert_eq!(status, 422);
        let (status, _) = api_error(
            env.client
                .change_package(&o, &acc, &change_req("starter", "not-a-uuid"))
                .await,
        );
        assert_eq!(status, 422);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_requests_with_one_key_book_once() {
    check(|env| async move {
        let o = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let k = key();
        let issued_before = events(&env, "invoice.issued").await.len();
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (env, o, acc, k) = (env.clone(), o.clone(), acc.clone(), k.clone());
            tasks.push(tokio::spawn(async move {
                env.client
                    .change_package(&o, &acc, &change_req("enterprise", &k))
                    .await
            }));
        }
        let mut ids = std::collections::BTreeSet::new();
        for t in tasks {
            let booked = t
                .await
                .expect("task")
                .expect("every request answers the booking");
            ids.insert((booked.change_id, booked.invoice.map(|i| i.number)));
        }
        assert_eq!(ids.len(), 1, "one booking, one invoice: {ids:?}");
        assert!(ids.iter().all(|(_, number)| number.is_some()));
        assert_eq!(
            events(&env, "invoice.issued").await.len(),
            issued_before + 1
        );
        assert_eq!(events(&env, "subscription.change_booked").await.len(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_downgrade_over_the_limit_is_refused_and_a_fitting_one_waits_for_the_period_end() {
    check(|env| async move {
        let o = owner(&env).await;
        let acc = env.seed.account_id.clone();
        // Starter: CMDB 10 (11 assigned), Documents 5 (6 assigned); the Analytics add-on fits and stays.
        let want = ErrorDetail::SeatsOverLimit {
            products: vec![
                OverLimit {
                    product_code: "cmdb".into(),
                    product_name: "CMDB Pro".into(),
                    assigned: 11,
                    allowed: 10,
                },
                OverLimit {
                    product_code: "docs".into(),
                    product_name: "Documents Add-on".into(),
                    assigned: 6,
                    allowed: 5,
                },
            ],
        };
        let (status, body) = api_error(
            env.client
                .preview_package_change(&o, &acc, &preview_req("starter"))
                .await,
        );
        assert_eq!((status, body.detail.clone()), (409, Some(want.clone())));
        assert!(
            body.message.contains("CMDB Pro: 11 assigned, 10 allowed"),
            "{}",
            body.message
        );
        let (status, body) = api_error(
            env.client
                .change_package(&o, &acc, &change_req("starter", &key()))
                .await,
        );
        assert_eq!((status, body.detail), (409, Some(want)));
        let pools = env.client.licenses(&o, &acc).await.expect("pools");
        assert_eq!(
            pools.iter().map(|p| p.seats_used).sum::<i64>(),
            21,
            "nothing revoked"
        );

        // Free one CMDB and one Documents license: now it fits.
        let felix = user_id(&env, "felix.schulz").await;
        let change = |assign: Vec<String>, revoke: Vec<String>| LicenseChange {
            user_ids: vec![felix.clone()],
            assign,
            revoke,
        };
        env.client
            .change_licenses(
                &o,
                &acc,
                &change(vec![], vec!["cmdb".into(), "docs".into()]),
            )
            .await
            .expect("revoke");
        let p = env
            .client
            .preview_package_change(&o, &acc, &preview_req("starter"))
            .await
            .expect("preview");
        assert_eq!(p.kind, ChangeKind::Downgrade);
        assert_eq!(
            (p.prorated_cents, p.effective_on.as_str()),
            (0, "2026-06-01")
        );
        assert_eq!(p.new_recurring_cents, 49_000 + 14_500);
        let booked = env
            .client
            .change_package(&o, &acc, &change_req("starter", &key()))
            .await
            .expect("book");
        assert_eq!(
            (booked.kind, booked.prorated_cents, booked.invoice),
            (ChangeKind::Downgrade, 0, None)
        );
        let s = env.client.subscription(&o, &acc).await.expect("sub");
        assert_eq!(s.package_code, "business", "a downgrade waits");
        let pending = s.pending_change.expect("pending");
        assert_eq!(
            (pending.package_code.as_str(), pending.effective_on.as_str()),
            ("starter", "2026-06-01")
        );

        // Before the period's end nothing happens.
        assert_eq!(
            kontor_server::apply_due_changes(env.db.as_ref(), MAY_31)
                .await
                .expect("apply"),
            0
        );
        // Meanwhile a license is assigned again (the current package allows it): at the period's end the
        // downgrade stays pending instead of revoking anything.
        env.client
            .change_licenses(&o, &acc, &change(vec!["cmdb".into()], vec![]))
            .await
            .expect("assign");
        assert_eq!(
            kontor_server::apply_due_changes(env.db.as_ref(), JUNE_1)
                .await
                .expect("apply"),
            0
        );
        let s = env.client.subscription(&o, &acc).await.expect("sub");
        assert_eq!(
            (s.package_code.as_str(), s.pending_change.is_some()),
            ("business", true)
        );
        env.client
            .change_licenses(&o, &acc, &change(vec![], vec!["cmdb".into()]))
            .await
            .expect("revoke again");
        assert_eq!(
            kontor_server::apply_due_changes(env.db.as_ref(), JUNE_1)
                .await
                .expect("apply"),
            1
        );
        let s = env.client.subscription(&o, &acc).await.expect("sub");
        assert_eq!(s.package_code, "starter");
        assert_eq!(s.pending_change, None);
        let limits: Vec<(&str, i64)> = s
            .apps
            .iter()
            .map(|a| (a.product_code.as_str(), a.seats))
            .collect();
        assert_eq!(limits, [("analytics", 5), ("cmdb", 10), ("docs", 5)]);
        assert_eq!(
            events(&env, "subscription.downgrade_applied").await,
            [Some("starter".to_string())]
        );
        assert_eq!(
            events(&env, "subscription.change_booked").await,
            [Some("business → starter".to_string())]
        );
        // Applying again finds nothing due.
        assert_eq!(
            kontor_server::apply_due_changes(env.db.as_ref(), JUNE_1)
                .await
                .expect("apply"),
            0
        );
    })
    .await;
}

/// `packages import | list`: the example catalog loads, lists, upserts on a second import, and a broken file
/// is refused with the place of each problem and writes nothing.
#[test]
fn the_catalog_file_is_imported_listed_and_validated_by_the_cli() {
    use cli_support::{assert_fails_with, run};
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("catalog.sqlite").display());
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/catalog.example.toml"
    );
    let out = run(&[
        "packages",
        "import",
        "--database-url",
        &url,
        "--file",
        example,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let counts: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        counts,
        serde_json::json!({"products": 4, "packages": 3, "addons": 3})
    );
    let list = |url: &str| -> serde_json::Value {
        let out = run(&["packages", "list", "--database-url", url]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("json")
    };
    let l = list(&url);
    let codes: Vec<&str> = l["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| p["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["starter", "business", "enterprise"]);
    assert_eq!(l["packages"][2]["apps"].as_array().map(Vec::len), Some(4));
    assert_eq!(l["packages"][1]["monthly_cents"], 149_000);
    let analytics = l["addons"]
        .as_array()
        .expect("addons")
        .iter()
        .find(|a| a["code"] == "analytics-5")
        .expect("analytics-5")
        .clone();
    assert_eq!(
        analytics["packages"],
        serde_json::json!(["business", "starter"])
    );

    // A second import with a new price and one application less: upserted, not duplicated.
    let text = std::fs::read_to_string(example).expect("example");
    let changed = text
        .replacen("monthly_cents = 149000", "monthly_cents = 159000", 1)
        .replacen("    { product = \"docs\", seats = 5 },\n", "", 1);
    let file = dir.path().join("catalog.toml");
    std::fs::write(&file, &changed).expect("write");
    let file_s = file.display().to_string();
    let out = run(&[
        "packages",
        "import",
        "--database-url",
        &url,
        "--file",
        &file_s,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let l2 = list(&url);
    assert_eq!(l2["packages"].as_array().map(Vec::len), Some(3));
    assert_eq!(l2["packages"][1]["monthly_cents"], 159_000);
    assert_eq!(l2["packages"][0]["apps"].as_array().map(Vec::len), Some(1));

    // A broken file: every problem with its place, nothing written.
    let broken = changed
        .replacen(
            "product = \"cmdb\", seats = 25",
            "product = \"crm\", seats = 25",
            1,
        )
        .replacen("yearly_cents = 490000", "yearly_cents = -1", 1);
    std::fs::write(&file, broken).expect("write");
    let out = run(&[
        "packages",
        "import",
        "--database-url",
        &url,
        "--file",
        &file_s,
    ]);
    assert_fails_with(
        &out,
        "packages[1].apps[0].product: \"crm\" is not in [[products]]",
    );
    assert_fails_with(&out, "packages[0].yearly_cents: -1");
    assert_eq!(list(&url), l2, "nothing written");
}
