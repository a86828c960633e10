//! scale12l (issue 12, load): the dashboard's user count (`account_user_counts`) and the used seats every seat
//! check reads (`seat_usage`) are kept by the database's triggers; both must stay exactly what a count of the
//! rows says, through every way a user or an assignment comes, goes and comes back, on both backends.

mod common;

use common::{check, exec_for_account, owner, Env};
use kontor_api::{
    CreateUsers, ImportBatch, LicenseChange, NewUser, RestoreUsers, Role, UserQuery,
    RESTORE_WINDOW_SECS,
};
use kontor_server::db::DashboardRecord;
use kontor_server::{purge_deleted_users, Clock, Database};
use sqlx::Connection;

fn nu(email: &str, licenses: &[&str]) -> NewUser {
    NewUser {
        email: email.to_string(),
        display_name: format!("Load {email}"),
        role: Role::User,
        location_id: None,
        licenses: licenses.iter().map(|s| s.to_string()).collect(),
    }
}

/// `(account, product, used)` as the triggers keep it (`seat_usage`, rows with 0 left out) and as a count of
/// the live users' assignments says, both sorted.
const KEPT: &str = "SELECT account_id, product_id, used FROM seat_usage WHERE used <> 0 \
     ORDER BY account_id, product_id";
const COUNTED: &str = "SELECT u.account_id, la.product_id, COUNT(*) FROM license_assignments la \
     JOIN users u ON u.id = la.user_id WHERE u.deleted_at IS NULL \
     GROUP BY u.account_id, la.product_id ORDER BY u.account_id, la.product_id";

type SeatRows = Vec<(String, String, i64)>;

/// Every account's kept seat counts equal the count of the rows.
async fn seats_kept_equal_counted(env: &Env) {
    let (kept, counted): (SeatRows, SeatRows) = if env.db_url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(&env.db_url)
            .await
            .expect("sqlite");
        (
            sqlx::query_as(KEPT).fetch_all(&mut c).await.expect("kept"),
            sqlx::query_as(COUNTED)
                .fetch_all(&mut c)
                .await
                .expect("counted"),
        )
    } else {
        let mut c = sqlx::PgConnection::connect(&env.db_url)
            .await
            .expect("postgres");
        (
            sqlx::query_as(KEPT).fetch_all(&mut c).await.expect("kept"),
            sqlx::query_as(COUNTED)
                .fetch_all(&mut c)
                .await
                .expect("counted"),
        )
    };
    assert!(!counted.is_empty(), "the demo accounts hold licenses");
    assert_eq!(kept, counted, "seat_usage is the count ({})", env.backend);
}

/// Restores one deleted user.
async fn restore(c: &kontor_client::PortalClient, tok: &str, acc: &str, user: &str) {
    c.restore_users(
        tok,
        acc,
        &RestoreUsers {
            user_ids: vec![user.to_string()],
        },
    )
    .await
    .expect("restore");
}

/// Assigns (or revokes) the product `docs` to (from) `users` in one bulk change.
async fn docs(c: &kontor_client::PortalClient, tok: &str, acc: &str, users: &[&str], assign: bool) {
    let codes = vec!["docs".to_string()];
    let (assign, revoke) = if assign {
        (codes, vec![])
    } else {
        (vec![], codes)
    };
    c.change_licenses(
        tok,
        acc,
        &LicenseChange {
            user_ids: users.iter().map(|u| u.to_string()).collect(),
            assign,
            revoke,
        },
    )
    .await
    .expect("change licenses");
}

/// The summary's user count (checked against what the users list counts itself, `COUNT(*)` over the rows),
/// its used seats and the deleted users' count.
async fn figures(env: &Env, tok: &str) -> (i64, i64, i64) {
    let acc = &env.seed.account_id;
    let summary = env.client.dashboard(tok, acc).await.expect("summary");
    let page = env
        .client
        .users(tok, acc, &UserQuery::default())
        .await
        .expect("users");
    assert_eq!(
        summary.user_count, page.total,
        "the summary's user count is the number of live users ({})",
        env.backend
    );
    seats_kept_equal_counted(env).await;
    (summary.user_count, summary.seats_used, page.deleted_count)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_counts_follow_every_change_of_the_users() {
    check(|env| async move {
        let acc = env.seed.account_id.clone();
        let c = &env.client;
        let tok = owner(&env).await;
        let (n0, seats0, deleted0) = figures(&env, &tok).await;
        assert!(n0 > 0, "the demo account has users");

        // Created (one with a license): +3 users, +1 seat.
        let created = c
            .create_users(
                &tok,
                &acc,
                &CreateUsers {
                    users: vec![
                        nu("load.a@muster.example", &["docs"]),
                        nu("load.b@muster.example", &[]),
                        nu("load.c@muster.example", &[]),
                    ],
                },
            )
            .await
            .expect("create");
        assert_eq!(figures(&env, &tok).await, (n0 + 3, seats0 + 1, deleted0));

        // Deleted: the user and the seat leave the figures; restored: both come back.
        let a = created.created[0].id.clone();
        c.delete_user(&tok, &acc, &a).await.expect("delete");
        assert_eq!(figures(&env, &tok).await, (n0 + 2, seats0, deleted0 + 1));
        restore(c, &tok, &acc, &a).await;
        assert_eq!(figures(&env, &tok).await, (n0 + 3, seats0 + 1, deleted0));

        // Licenses changed in bulk: assigned to two users (+2 seats), one revoked again (-1); a deleted
        // user's assignment leaves the count and comes back with the restore.
        let b0 = created.created[1].id.clone();
        let c0 = created.created[2].id.clone();
        docs(c, &tok, &acc, &[&b0, &c0], true).await;
        assert_eq!(figures(&env, &tok).await, (n0 + 3, seats0 + 3, deleted0));
        docs(c, &tok, &acc, &[&c0], false).await;
        assert_eq!(figures(&env, &tok).await, (n0 + 3, seats0 + 2, deleted0));
        c.delete_user(&tok, &acc, &a).await.expect("delete a again");
        assert_eq!(
            figures(&env, &tok).await,
            (n0 + 2, seats0 + 1, deleted0 + 1)
        );
        restore(c, &tok, &acc, &a).await;
        assert_eq!(figures(&env, &tok).await, (n0 + 3, seats0 + 2, deleted0));
        docs(c, &tok, &acc, &[&b0], false).await;
        assert_eq!(figures(&env, &tok).await, (n0 + 3, seats0 + 1, deleted0));

        // An import batch (two with a license): +5 users, +2 seats; the same batch again changes nothing.
        let batch = ImportBatch {
            import_id: "load-import".into(),
            batch: 0,
            users: (0..5)
                .map(|i| {
                    let l: &[&str] = if i < 2 { &["docs"] } else { &[] };
                    nu(&format!("load.i{i}@muster.example"), l)
                })
                .collect(),
        };
        let imported = c.import_batch(&tok, &acc, &batch).await.expect("import");
        assert_eq!(figures(&env, &tok).await, (n0 + 8, seats0 + 3, deleted0));
        c.import_batch(&tok, &acc, &batch)
            .await
            .expect("import again");
        assert_eq!(figures(&env, &tok).await, (n0 + 8, seats0 + 3, deleted0));

        // Deleted and purged after the restore window: counted once, when deleted (b without a license, an
        // imported user with one).
        let b = created.created[1].id.clone();
        c.delete_user(&tok, &acc, &b).await.expect("delete b");
        assert_eq!(
            figures(&env, &tok).await,
            (n0 + 7, seats0 + 3, deleted0 + 1)
        );
        c.delete_user(&tok, &acc, &imported.created[0].id)
            .await
            .expect("delete an imported user");
        assert_eq!(
            figures(&env, &tok).await,
            (n0 + 6, seats0 + 2, deleted0 + 2)
        );
        env.clock.advance(RESTORE_WINDOW_SECS + 60);
        let purged = purge_deleted_users(env.db.as_ref(), env.clock.now())
            .await
            .expect("purge");
        assert!(purged >= 1, "b was purged");
        let tok = owner(&env).await;
        assert_eq!(figures(&env, &tok).await, (n0 + 6, seats0 + 2, 0));
    })
    .await;
}

/// What the single reads answer, composed as [`Database::dashboard`] answers it in one go.
async fn read_singly(db: &dyn Database, acc: &str) -> Option<DashboardRecord> {
    let account = db.account(acc).await.expect("account")?;
    Some(DashboardRecord {
        account,
        subscription: db.subscription(acc).await.expect("subscription"),
        seats: db.seats(acc).await.expect("seats"),
        user_count: db.active_user_count(acc).await.expect("user count"),
        billing: db.billing_basis(acc).await.expect("billing basis"),
    })
}

/// The dashboard summary reads an account in three statements on one connection (issue 12, load) and must
/// answer exactly what the single reads do: with the seeded subscription (add-on, billing address), with a
/// downgrade pending, without a VAT ID, without any subscription, and for an unknown account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_reads_in_one_go_what_the_single_reads_read() {
    check(|env| async move {
        let db = env.db.as_ref();
        let acc = env.seed.account_id.clone();
        let check_same = |what: &'static str| {
            let acc = acc.clone();
            async move {
                let one_go = db.dashboard(&acc).await.expect("dashboard");
                assert_eq!(
                    one_go,
                    read_singly(db, &acc).await,
                    "{what} ({})",
                    env.backend
                );
                one_go.expect("the account exists")
            }
        };

        let d = check_same("as seeded").await;
        let billing = d.billing.expect("the seeded subscription is billed");
        assert_eq!(billing.addons.len(), 1, "the seeded add-on");
        assert!(billing.pending_package.is_none());
        assert!(d.user_count > 0 && !d.seats.is_empty());

        exec_for_account(
            &env,
            "UPDATE subscriptions SET pending_package_id = \
             (SELECT id FROM packages WHERE code = 'starter') WHERE account_id = $1",
            &acc,
        )
        .await;
        let d = check_same("a downgrade pending").await;
        let pending = d.billing.and_then(|b| b.pending_package);
        assert_eq!(pending.map(|p| p.code).as_deref(), Some("starter"));

        exec_for_account(
            &env,
            "UPDATE billing_addresses SET vat_id = NULL WHERE account_id = $1",
            &acc,
        )
        .await;
        check_same("no VAT ID").await;

        for sql in [
            "DELETE FROM subscription_addons WHERE account_id = $1",
            "DELETE FROM subscription_seats WHERE account_id = $1",
            "DELETE FROM subscriptions WHERE account_id = $1",
        ] {
            exec_for_account(&env, sql, &acc).await;
        }
        let d = check_same("no subscription").await;
        assert!(d.subscription.is_none() && d.billing.is_none() && d.seats.is_empty());

        assert_eq!(
            db.dashboard("no-such-account").await.expect("dashboard"),
            None
        );
    })
    .await;
}

/// The PostgreSQL pool pings a connection only when it has been idle for a second or more (issue 12, load:
/// no extra round trip before each statement of a busy pool); a connection that died while idle — here
/// every one of the portal's, ended by the server — is still replaced without an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pooled_postgres_connection_that_died_idle_is_replaced_unseen() {
    check(|env| async move {
        if env.backend == "sqlite" {
            return;
        }
        let acc = env.seed.account_id.clone();
        // A pool of its own: nothing else (the server's background work) uses it meanwhile.
        let db = kontor_server::open_database(&env.db_url)
            .await
            .expect("open");
        db.account(&acc).await.expect("warm the pool");
        let mut admin = sqlx::PgConnection::connect(&env.db_url)
            .await
            .expect("postgres");
        let ended: Vec<bool> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .fetch_all(&mut admin)
        .await
        .expect("terminate");
        assert!(!ended.is_empty(), "the portal's pooled connections");
        let _ = admin.close().await;
        tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
        for _ in 0..3 {
            let a = db.account(&acc).await.expect("a new connection");
            assert_eq!(a.map(|a| a.id), Some(acc.clone()));
        }
        db.close().await;
    })
    .await;
}
