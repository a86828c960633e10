//! Issue 12, the import's speed work (branch scale12i): what the faster import must still guarantee, on SQLite
//! and PostgreSQL — the seat count grouped by product (live users only, a product nobody holds counts 0) refuses
//! a batch one seat too big as a whole, a deleted user's seat is free again, imported users get time-ordered
//! UUIDv7 ids (increasing within and across batches), the search finds them, and a retried batch adds nobody.

mod common;

use common::{api_error, check, Env};
use kontor_api::{ErrorDetail, ImportBatch, NewUser, PasswordLogin, Role, UserQuery};
use kontor_server::domain::ids::{now_millis, time_ordered_ids};
use sqlx::Connection;

async fn owner(env: &Env) -> String {
    env.client
        .login_password(&PasswordLogin {
            email: env.seed.owner_email.clone(),
            password: env.seed.owner_password.clone(),
            remember: false,
        })
        .await
        .expect("owner signs in")
        .access_token
}

/// `(used, total)` of a product as the licenses page shows it (its own count, not the import's).
async fn seats(env: &Env, tok: &str, code: &str) -> (i64, i64) {
    let p = env
        .client
        .licenses(tok, &env.seed.account_id)
        .await
        .expect("licenses")
        .into_iter()
        .find(|p| p.product_code == code)
        .expect("pool");
    (p.seats_used, p.seats_total)
}

fn users(prefix: &str, n: usize, licenses: &[&str]) -> Vec<NewUser> {
    (0..n)
        .map(|i| NewUser {
            email: format!("{prefix}{i}@speed.example"),
            display_name: format!("Schnell {prefix} {i}"),
            role: Role::User,
            location_id: None,
            licenses: licenses.iter().map(|s| s.to_string()).collect(),
        })
        .collect()
}

fn batch(n: u32, users: Vec<NewUser>) -> ImportBatch {
    ImportBatch {
        import_id: "speed".into(),
        batch: n,
        users,
    }
}

/// Gives the demo account two seats of the product `api`, which nobody holds (directly in the database, as
/// the vendor's tools would).
async fn seats_nobody_holds(env: &Env) {
    for_account(
        env,
        "INSERT INTO subscription_seats (account_id, product_id, seats, unit_price_cents, currency) \
         SELECT $1, id, 2, 100, 'EUR' FROM products WHERE code = 'api'",
    )
    .await;
}

/// Gives the demo account `n` more seats of every product (directly in the database, as a vendor would).
async fn more_seats(env: &Env, n: u32) {
    for_account(
        env,
        &format!("UPDATE subscription_seats SET seats = seats + {n} WHERE account_id = $1"),
    )
    .await;
}

/// Runs `sql` with the demo account's id as `$1`, on a connection of its own.
async fn for_account(env: &Env, sql: &str) {
    let acc = &env.seed.account_id;
    if env.backend == "sqlite" {
        let mut c = sqlx::SqliteConnection::connect(&env.db_url)
            .await
            .expect("raw");
        sqlx::query(sql).bind(acc).execute(&mut c).await.expect(sql);
    } else {
        let mut c = sqlx::PgConnection::connect(&env.db_url).await.expect("raw");
        sqlx::query(sql).bind(acc).execute(&mut c).await.expect(sql);
    }
}

fn is_v7(id: &str) -> bool {
    uuid::Uuid::parse_str(id).is_ok_and(|u| u.get_version_num() == 7)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fast_import_still_counts_seats_orders_ids_finds_users_and_adds_nobody_twice() {
    check(|env| async move {
        let tok = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let c = &env.client;
        seats_nobody_holds(&env).await;
        let (used, total) = seats(&env, &tok, "cmdb").await;
        let free = usize::try_from(total - used).expect("free seats");
        assert!(free >= 4, "the demo account has free CMDB seats");
        assert_eq!(seats(&env, &tok, "api").await, (0, 2));

        // One seat too many: refused as a whole, naming the missing seat; nothing created.
        let (status, body) = api_error(
            c.import_batch(&tok, &acc, &batch(0, users("over", free + 1, &["cmdb"])))
                .await,
        );
        assert_eq!(status, 409);
        assert!(
            matches!(
                body.detail,
                Some(ErrorDetail::NotEnoughSeats { missing: 1, .. })
            ),
            "{body:?}"
        );
        assert_eq!(seats(&env, &tok, "cmdb").await, (used, total));

        // Exactly the free seats, in two batches; two users also take the seats nobody held.
        let half = free / 2;
        let mut first = users("a", half, &["cmdb"]);
        first[0].licenses.push("api".into());
        first[1].licenses.push("api".into());
        let r0 = c
            .import_batch(&tok, &acc, &batch(0, first))
            .await
            .expect("batch 0");
        let r1 = c
            .import_batch(&tok, &acc, &batch(1, users("b", free - half, &["cmdb"])))
            .await
            .expect("batch 1");
        assert_eq!(seats(&env, &tok, "cmdb").await, (total, total));
        assert_eq!(seats(&env, &tok, "api").await, (2, 2));
        let ids: Vec<&str> = r0
            .created
            .iter()
            .chain(&r1.created)
            .map(|u| u.id.as_str())
            .collect();
        assert!(ids.iter().all(|id| is_v7(id)), "{ids:?}");
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "increasing within and across batches: {ids:?}"
        );

        // Full: one more is refused, also for the product nobody held before.
        let (status, body) = api_error(
            c.import_batch(&tok, &acc, &batch(2, users("c", 1, &["cmdb"])))
                .await,
        );
        assert_eq!(status, 409);
        assert!(matches!(
            body.detail,
            Some(ErrorDetail::NotEnoughSeats { missing: 1, .. })
        ));
        let (status, _) = api_error(
            c.import_batch(&tok, &acc, &batch(2, users("c", 1, &["api"])))
                .await,
        );
        assert_eq!(status, 409);

        // A deleted user's seats are free again (the count is of live users only).
        c.delete_user(&tok, &acc, &r0.created[0].id)
            .await
            .expect("delete");
        assert_eq!(seats(&env, &tok, "cmdb").await, (total - 1, total));
        let r2 = c
            .import_batch(&tok, &acc, &batch(2, users("c", 1, &["cmdb", "api"])))
            .await
            .expect("batch 2 fits the freed seat");
        assert!(r2.created[0].id.as_str() > ids[ids.len() - 1]);
        assert_eq!(seats(&env, &tok, "cmdb").await, (total, total));
        assert_eq!(seats(&env, &tok, "api").await, (2, 2));

        // The search finds imported users (SQLite: through the trigram table; PostgreSQL: pg_trgm).
        let find = |q: &str| {
            let q = q.to_string();
            let (c, tok, acc) = (c.clone(), tok.clone(), acc.clone());
            async move {
                c.users(
                    &tok,
                    &acc,
                    &UserQuery {
                        q: Some(q),
                        ..UserQuery::default()
                    },
                )
                .await
                .expect("search")
            }
        };
        let page = find("schnell b 1").await;
        assert!(page.users.iter().any(|u| u.email == "b1@speed.example"));
        assert!(page
            .users
            .iter()
            .all(|u| u.display_name.to_lowercase().contains("schnell b 1")));
        assert_eq!(find("c0@speed").await.total, 1);

        // A retried batch creates nobody; the import's audit events are one per committed batch.
        let again = c
            .import_batch(&tok, &acc, &batch(1, users("b", free - half, &["cmdb"])))
            .await
            .expect("retry");
        assert!(again.already_done);
        assert_eq!(find("@speed.example").await.total, free as i64);
        let imported = env
            .db
            .audit_events(&acc)
            .await
            .expect("audit")
            .into_iter()
            .filter(|e| e.event == "user.imported")
            .count();
        assert_eq!(imported, 3);
    })
    .await;
}

/// Issue 12 (session 12): right after a large import the planner must know the account's size. PostgreSQL
/// plans by the statistics of its last `ANALYZE`, which autovacuum takes a minute or more to refresh; until
/// then a list after a 100,000-user import walked every user of the account (70–110 ms a page). The server
/// refreshes them itself after bulk writes (`db::statistics`): here, after 3,000 imported users, a manual
/// `VACUUM (ANALYZE)` has run (autovacuum's would show as `last_auto*`) and the estimate of the account's live
/// users is no longer that of the seeded portal. SQLite's plans are chosen in code: the server never gives it
/// statistics (`sqlite_stat1`) that could change them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_large_import_postgresql_plans_with_the_new_size_and_sqlite_gets_no_statistics() {
    check(|env| async move {
        const N: usize = 3_000;
        let tok = owner(&env).await;
        let acc = env.seed.account_id.clone();
        more_seats(&env, N as u32).await;
        for (b, chunk) in users("bulk", N, &["cmdb"]).chunks(N / 2).enumerate() {
            env.client
                .import_batch(&tok, &acc, &batch(b as u32, chunk.to_vec()))
                .await
                .expect("batch");
        }
        if env.backend == "sqlite" {
            let mut c = sqlx::SqliteConnection::connect(&env.db_url)
                .await
                .expect("raw");
            let (stat1,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'",
            )
            .fetch_one(&mut c)
            .await
            .expect("sqlite_master");
            assert_eq!(stat1, 0, "the server must not ANALYZE SQLite");
            return;
        }
        let mut c = sqlx::PgConnection::connect(&env.db_url).await.expect("raw");
        let refreshed = "SELECT COUNT(*) FROM pg_stat_user_tables WHERE relname IN ('users', 'license_assignments') \
             AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL";
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let (n,): (i64,) = sqlx::query_as(refreshed)
                .fetch_one(&mut c)
                .await
                .expect("pg_stat_user_tables");
            if n == 2 {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no VACUUM (ANALYZE) of users and license_assignments 30 s after importing {N} users"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        // The account id is a UUID the seed made: safe to write into the statement.
        let plan: Vec<(String,)> = sqlx::query_as(&format!(
            "EXPLAIN SELECT id FROM users WHERE account_id = '{acc}' AND deleted_at IS NULL"
        ))
        .fetch_all(&mut c)
        .await
        .expect("explain");
        // The top node's line: `… (cost=… rows=N width=…)`.
        let top = &plan.first().expect("a plan").0;
        let rows: f64 = top
            .split("rows=")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|r| r.parse().ok())
            .unwrap_or_else(|| panic!("no row estimate in {top:?}"));
        assert!(
            rows >= (N / 2) as f64,
            "the planner expects {rows} live users of the account, which has more than {N}: {plan:?}"
        );
    })
    .await;
}

#[test]
fn ids_are_uuid_v7_strictly_increasing_and_carry_the_time() {
    let ids = time_ordered_ids(1_764_000_000_000, 300_000);
    assert_eq!(ids.len(), 300_000);
    for w in ids.windows(2) {
        assert!(w[0] < w[1], "{} !< {}", w[0], w[1]);
    }
    let first = uuid::Uuid::parse_str(&ids[0]).expect("a UUID");
    assert_eq!(first.get_version_num(), 7);
    assert_eq!(first.get_variant(), uuid::Variant::RFC4122);
    let (secs, _) = first.get_timestamp().expect("v7 time").to_unix();
    assert_eq!(secs, 1_764_000_000);
    // Past 2^17 ids the time moves on by a millisecond, so the order holds.
    let last = uuid::Uuid::parse_str(&ids[299_999]).expect("a UUID");
    let (_, last_nanos) = last.get_timestamp().expect("v7 time").to_unix();
    assert!(last_nanos >= 1_000_000, "{last_nanos}");
    // Another call at the same time: other ids.
    let again = time_ordered_ids(1_764_000_000_000, 3);
    assert!(again.iter().all(|id| !ids[..3].contains(id)));
}

#[test]
fn a_later_batch_sorts_after_an_earlier_one() {
    let a = time_ordered_ids(1_764_000_000_000, 5_000);
    let b = time_ordered_ids(1_764_000_000_001, 5_000);
    assert!(a.last() < b.first());
    assert!(now_millis() > 1_764_000_000_000);
}
