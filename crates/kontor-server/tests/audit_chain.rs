//! The audit log's tamper evidence and the client address, on both backends: `audit verify` (library and
//! the `kontor-server audit verify` binary) passes an untouched log and names the first broken entry after
//! a row's content is edited, two rows change places, a row loses its hash, a row in the middle or the last
//! row is deleted; concurrent writers of one account never fork the chain; the audit page's filters; and
//! `X-Forwarded-For` counts only from a trusted proxy (audit IP and sign-in throttle).

mod cli_support;
mod common;

use common::{api_error, check, check_with, owner, seed_options, Env};
use kontor_api::{AuditQuery, CreateUsers, LocationInput, NewUser, Role};
use kontor_server::db::audit::Break;
use kontor_server::db::AuditEvent;
use kontor_server::seed::{seed_demo, SeedOptions};
use kontor_server::Clock;
use std::time::{Duration, Instant};

use sqlx::Connection;

/// Runs statements beside the running server (SQLite: its file, which the server's lock file does not
/// block; PostgreSQL: the test database).
async fn exec(env: &Env, statements: &[String]) {
    if env.backend == "sqlite" {
        let mut c = sqlx::SqliteConnection::connect(&env.db_url)
            .await
            .expect("sqlite");
        for s in statements {
            sqlx::query(s).execute(&mut c).await.expect(s);
        }
        let _ = c.close().await;
    } else {
        let mut c = sqlx::PgConnection::connect(&env.db_url)
            .await
            .expect("postgres");
        for s in statements {
            sqlx::query(s).execute(&mut c).await.expect(s);
        }
        let _ = c.close().await;
    }
}

/// One stored row's chain columns and content.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Row {
    id: i64,
    seq: i64,
    at: i64,
    event: String,
    target: Option<String>,
    hash: String,
}

async fn rows(env: &Env, account: &str) -> Vec<Row> {
    let sql = format!(
        "SELECT id, seq, at, event, target, hash FROM audit_events WHERE account_id = '{account}' ORDER BY id"
    );
    if env.backend == "sqlite" {
        let mut c = sqlx::SqliteConnection::connect(&env.db_url)
            .await
            .expect("sqlite");
        sqlx::query_as::<_, Row>(&sql)
            .fetch_all(&mut c)
            .await
            .expect("rows")
    } else {
        let mut c = sqlx::PgConnection::connect(&env.db_url)
            .await
            .expect("postgres");
        sqlx::query_as::<_, Row>(&sql)
            .fetch_all(&mut c)
            .await
            .expect("rows")
    }
}

/// SQL text literal.
fn lit(s: &Option<String>) -> String {
    match s {
        Some(v) => format!("'{}'", v.replace('\'', "''")),
        None => "NULL".to_string(),
    }
}

/// The first break the library reports for `account`, as (entry id, why).
async fn first_break(env: &Env, account: &str) -> Option<(i64, Break)> {
    let checks = env.db.audit_verify(Some(account)).await.expect("verify");
    assert_eq!(checks.len(), 1);
    checks[0].broken.as_ref().map(|b| (b.id, b.why.clone()))
}

/// The binary's answer for `account`: exit code and stdout. SQLite: on a consistent copy (`VACUUM INTO`),
/// because the running server holds the database file's lock.
async fn cli_verify(env: &Env, account: &str) -> (i32, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = if env.backend == "sqlite" {
        let copy = dir.path().join("copy.sqlite");
        exec(env, &[format!("VACUUM INTO '{}'", copy.display())]).await;
        format!("sqlite:{}", copy.display())
    } else {
        env.db_url.clone()
    };
    let account = account.to_string();
    let out = tokio::task::spawn_blocking(move || {
        cli_support::run(&[
            "audit",
            "verify",
            "--database-url",
            &url,
            "--account",
            &account,
        ])
    })
    .await
    .expect("join");
    drop(dir);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

async fn activity(env: &Env, tok: &str) {
    let c = &env.client;
    let acc = &env.seed.account_id;
    let loc = c
        .create_location(
            tok,
            acc,
            &LocationInput {
                name: "Köln".into(),
                ..Default::default()
            },
        )
        .await
        .expect("location");
    c.update_location(
        tok,
        acc,
        &loc.id,
        &LocationInput {
            name: "Köln 'Dom'".into(),
            ..Default::default()
        },
    )
    .await
    .expect("rename");
    let users = (0..5)
        .map(|i| NewUser {
            email: format!("chain{i}@muster.example"),
            display_name: format!("Chain {i}"),
            role: Role::User,
            location_id: Some(loc.id.clone()),
            licenses: vec![],
        })
        .collect();
    c.create_users(tok, acc, &CreateUsers { users })
        .await
        .expect("users");
}

#[tokio::test]
async fn verify_names_the_first_edited_moved_unhashed_or_deleted_entry() {
    check(|env| async move {
        let tok = owner(&env).await;
        activity(&env, &tok).await;
        let acc = env.seed.account_id.clone();
        let all = rows(&env, &acc).await;
        assert!(all.len() >= 8, "{all:?}");
        let seqs: Vec<i64> = all.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, (1..=all.len() as i64).collect::<Vec<_>>());
        assert_eq!(first_break(&env, &acc).await, None);
        let (code, out) = cli_verify(&env, &acc).await;
        assert_eq!(code, 0, "{out}");
        assert_eq!(out.trim(), format!("OK account {acc}: {} entries", all.len()));

        // 1. A row's content changes: that row is named, by the library and the binary.
        let victim = all[3].clone();
        exec(&env, &[format!("UPDATE audit_events SET target = 'someone-else@example.com' WHERE id = {}", victim.id)]).await;
        assert_eq!(first_break(&env, &acc).await, Some((victim.id, Break::HashMismatch)));
        let (code, out) = cli_verify(&env, &acc).await;
        assert_eq!(code, 1, "{out}");
        let when = time::OffsetDateTime::from_unix_timestamp(victim.at)
            .expect("time")
            .format(&time::format_description::well_known::Rfc3339)
            .expect("format");
        assert!(
            out.starts_with(&format!("BROKEN account {acc}: entry {} at {when}:", victim.id)),
            "{out}"
        );
        exec(&env, &[format!("UPDATE audit_events SET target = {} WHERE id = {}", lit(&victim.target), victim.id)]).await;
        assert_eq!(first_break(&env, &acc).await, None, "restored");

        // A changed time is content too.
        exec(&env, &[format!("UPDATE audit_events SET at = at + 1 WHERE id = {}", all[5].id)]).await;
        assert_eq!(first_break(&env, &acc).await, Some((all[5].id, Break::HashMismatch)));
        exec(&env, &[format!("UPDATE audit_events SET at = at - 1 WHERE id = {}", all[5].id)]).await;

        // 2. Two neighbours change places (content, place and hash swapped): the first one is named.
        let (a, b) = (all[2].clone(), all[3].clone());
        let put = |into: &Row, from: &Row| {
            format!(
                "UPDATE audit_events SET seq = {}, at = {}, event = '{}', target = {}, hash = '{}' WHERE id = {}",
                from.seq, from.at, from.event, lit(&from.target), from.hash, into.id
            )
        };
        exec(&env, &[put(&a, &b), put(&b, &a)]).await;
        assert_eq!(
            first_break(&env, &acc).await,
            Some((a.id, Break::SeqMismatch { expected: a.seq, found: Some(b.seq) }))
        );
        exec(&env, &[put(&a, &a), put(&b, &b)]).await;
        assert_eq!(first_break(&env, &acc).await, None, "restored");

        // 3. A row without its hash.
        exec(&env, &[format!("UPDATE audit_events SET hash = NULL WHERE id = {}", all[1].id)]).await;
        assert_eq!(first_break(&env, &acc).await, Some((all[1].id, Break::Unchained)));
        exec(&env, &[format!("UPDATE audit_events SET hash = '{}' WHERE id = {}", all[1].hash, all[1].id)]).await;

        // 4. A row in the middle deleted: the next one is named.
        exec(&env, &[format!("DELETE FROM audit_events WHERE id = {}", all[4].id)]).await;
        assert_eq!(
            first_break(&env, &acc).await,
            Some((all[5].id, Break::SeqMismatch { expected: all[4].seq, found: Some(all[5].seq) }))
        );
        let (code, out) = cli_verify(&env, &acc).await;
        assert_eq!(code, 1, "{out}");
        assert!(out.contains(&format!("entry {}", all[5].id)), "{out}");

        // 5. Another account: its last row deleted; the chain ends before its head.
        let other = seed_demo(
            env.db.as_ref(),
            &SeedOptions {
                account_name: "Beispiel AG".into(),
                customer_number: "K-200079".into(),
                owner_email: "chef@beispiel.example".into(),
                owner_password: "Other-Passw0rd!".into(),
                ..seed_options()
            },
        )
        .await
        .expect("second account");
        // The seed's own entries (its invoicing) come first.
        let seeded = rows(&env, &other.account_id).await.len();
        for _ in 0..3 {
            env.client
                .login_password(&common::login(&other.owner_email, &other.owner_password))
                .await
                .expect("B signs in");
        }
        let b_rows = rows(&env, &other.account_id).await;
        assert_eq!(b_rows.len(), seeded + 3);
        assert_eq!(first_break(&env, &other.account_id).await, None);
        let n = b_rows.len();
        exec(&env, &[format!("DELETE FROM audit_events WHERE id = {}", b_rows[n - 1].id)]).await;
        assert_eq!(
            first_break(&env, &other.account_id).await,
            Some((
                b_rows[n - 2].id,
                Break::Truncated {
                    head_seq: n as i64,
                    last_seq: n as i64 - 1
                }
            ))
        );
        // Without --account every account is checked: each has its line.
        let all_checks = env.db.audit_verify(None).await.expect("verify all");
        assert_eq!(all_checks.len(), 2);
        assert!(all_checks.iter().all(|c| c.broken.is_some()));
    })
    .await;
}

#[tokio::test]
async fn concurrent_writers_of_one_account_never_fork_the_chain() {
    check(|env| async move {
        let tok = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let mut tasks = Vec::new();
        for i in 0..24 {
            let env = env.clone();
            let tok = tok.clone();
            tasks.push(tokio::spawn(async move {
                if i % 3 == 0 {
                    // Through a users-store transaction.
                    env.client
                        .create_location(
                            &tok,
                            &env.seed.account_id,
                            &LocationInput {
                                name: format!("Standort {i}"),
                                ..Default::default()
                            },
                        )
                        .await
                        .map(|_| ())
                        .expect("location");
                } else {
                    // Through the single-event path (sign-in events use it).
                    env.db
                        .audit(&AuditEvent {
                            account_id: env.seed.account_id.clone(),
                            actor_user_id: None,
                            event: "auth.sign_in_failed".into(),
                            target: Some(format!("guess{i}@example.com")),
                            ip: Some("192.0.2.1".into()),
                            at: env.clock.now(),
                        })
                        .await
                        .expect("audit");
                }
            }));
        }
        for t in tasks {
            t.await.expect("join");
        }
        let all = rows(&env, &acc).await;
        let seqs: Vec<i64> = all.iter().map(|r| r.seq).collect();
        assert_eq!(
            seqs,
            (1..=all.len() as i64).collect::<Vec<_>>(),
            "one chain, no fork"
        );
        let checks = env.db.audit_verify(Some(&acc)).await.expect("verify");
        assert_eq!(checks[0].broken, None);
        assert_eq!(checks[0].entries as usize, all.len());
    })
    .await;
}

#[tokio::test]
async fn the_audit_page_filters_by_actor_area_event_and_time() {
    check(|env| async move {
        let tok = owner(&env).await;
        activity(&env, &tok).await;
        let acc = env.seed.account_id.clone();
        let c = &env.client;
        let page = |q: AuditQuery| {
            let (c, tok, acc) = (c.clone(), tok.clone(), acc.clone());
            async move { c.audit_query(&tok, &acc, &q).await.expect("page") }
        };
        let all = page(AuditQuery {
            limit: Some(200),
            ..Default::default()
        })
        .await;
        assert!(all.events.len() >= 8);
        let loc = page(AuditQuery {
            area: Some("location".into()),
            ..Default::default()
        })
        .await;
        let codes: Vec<&str> = loc.events.iter().map(|e| e.event.as_str()).collect();
        assert_eq!(
            codes,
            ["location.renamed", "location.created"],
            "newest first"
        );
        let created = page(AuditQuery {
            event: Some("user.created".into()),
            ..Default::default()
        })
        .await;
        assert_eq!(created.events.len(), 5);
        assert!(created.events.iter().all(|e| e.event == "user.created"));
        let by_owner = page(AuditQuery {
            actor: Some(env.seed.owner_email.to_uppercase()),
            limit: Some(200),
            ..Default::default()
        })
        .await;
        // Everything but the demo seed's invoicing (its actor is `seed`) was done by the owner.
        assert_eq!(
            by_owner.events.len(),
            all.events
                .iter()
                .filter(|e| e.actor.as_deref() != Some("seed"))
                .count(),
            "the owner did everything"
        );
        let nobody = page(AuditQuery {
            actor: Some("nobody@example.com".into()),
            ..Default::default()
        })
        .await;
        assert!(nobody.events.is_empty());
        // Time range: [from, to).
        let t = all.events[0].at;
        let none_before = page(AuditQuery {
            to: Some(t - 3600),
            ..Default::default()
        })
        .await;
        assert!(none_before.events.is_empty());
        let around = page(AuditQuery {
            from: Some(t),
            to: Some(t + 1),
            limit: Some(200),
            ..Default::default()
        })
        .await;
        assert_eq!(
            around.events.len(),
            all.events.iter().filter(|e| e.at == t).count()
        );
        // Keyset paging with a filter: pages of 2 give the same entries.
        let mut seen = Vec::new();
        let mut before = None;
        loop {
            let p = page(AuditQuery {
                event: Some("user.created".into()),
                limit: Some(2),
                before,
                ..Default::default()
            })
            .await;
            seen.extend(p.events.iter().map(|e| e.id));
            match p.next_before {
                Some(b) => before = Some(b),
                None => break,
            }
        }
        assert_eq!(
            seen,
            created.events.iter().map(|e| e.id).collect::<Vec<_>>()
        );
        // Bad filters: 422 naming the parameter.
        for (q, field) in [
            (
                AuditQuery {
                    area: Some("User".into()),
                    ..Default::default()
                },
                "area",
            ),
            (
                AuditQuery {
                    event: Some("user".into()),
                    ..Default::default()
                },
                "event",
            ),
            (
                AuditQuery {
                    event: Some("user.created;".into()),
                    ..Default::default()
                },
                "event",
            ),
            (
                AuditQuery {
                    from: Some(10),
                    to: Some(5),
                    ..Default::default()
                },
                "to",
            ),
            (
                AuditQuery {
                    actor: Some("a\u{202E}b".into()),
                    ..Default::default()
                },
                "actor",
            ),
        ] {
            let (status, body) = api_error(c.audit_query(&tok, &acc, &q).await);
            assert_eq!(status, 422, "{q:?}");
            match body.detail {
                Some(kontor_api::ErrorDetail::Field { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{other:?}"),
            }
        }
    })
    .await;
}

/// Signs in with a wrong password through `X-Forwarded-For: xff`; the HTTP status.
async fn failed_sign_in(env: &Env, xff: &str) -> u16 {
    reqwest::Client::new()
        .post(format!("{}/api/v1/auth/login", env.base_url))
        .header("X-Forwarded-For", xff)
        .json(&serde_json::json!({
            "email": env.seed.owner_email,
            "password": "not-the-password",
            "remember": false
        }))
        .send()
        .await
        .expect("send")
        .status()
        .as_u16()
}

/// The IPs of the account's `auth.sign_in_failed` entries, oldest first.
async fn failure_ips(env: &Env) -> Vec<Option<String>> {
    env.db
        .audit_events(&env.seed.account_id)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.event == "auth.sign_in_failed")
        .map(|e| e.ip)
        .collect()
}

#[tokio::test]
async fn forwarded_for_counts_only_from_a_trusted_proxy() {
    // The test's connections come from 127.0.0.1: here that is a trusted proxy.
    check_with(
        |c| c.trusted_proxies = vec!["127.0.0.0/8".parse().expect("cidr")],
        |env| async move {
            assert_eq!(failed_sign_in(&env, "203.0.113.9, 127.0.0.2").await, 401);
            assert_eq!(
                failure_ips(&env).await,
                vec![Some("203.0.113.9".to_string())],
                "the right-most address that is not a trusted proxy"
            );
            // The throttle keys on that address: ten failures lock 198.51.100.1 out, not 198.51.100.2.
            for _ in 0..10 {
                assert_eq!(failed_sign_in(&env, "198.51.100.1").await, 401);
            }
            assert_eq!(failed_sign_in(&env, "198.51.100.1").await, 429);
            assert_eq!(failed_sign_in(&env, "198.51.100.2").await, 401);
        },
    )
    .await;
}

#[tokio::test]
async fn a_spoofed_forwarded_for_is_ignored() {
    // No trusted proxy (the default), and one that does not cover the test's peer.
    for trusted in [vec![], vec!["10.0.0.0/8".to_string()]] {
        let trusted = trusted.clone();
        check_with(
            move |c| c.trusted_proxies = trusted.iter().map(|t| t.parse().expect("cidr")).collect(),
            |env| async move {
                assert_eq!(failed_sign_in(&env, "203.0.113.9").await, 401);
                assert_eq!(failure_ips(&env).await, vec![Some("127.0.0.1".to_string())]);
                // Changing the header does not escape the throttle.
                for i in 0..9 {
                    assert_eq!(failed_sign_in(&env, &format!("198.51.100.{i}")).await, 401);
                }
                assert_eq!(failed_sign_in(&env, "198.51.100.200").await, 429);
            },
        )
        .await;
    }
}

/// BENCHMARKS.md, "Audit page": 100,000 entries in one account (inserted by SQL, beside the server), then
/// pages through the API — the newest page, filtered by area, by an actor with few entries, by a time range,
/// and a page from deep in the log. Prints each time; asserts the pages are full and right.
#[tokio::test]
#[ignore = "benchmark: cargo test -p kontor-server --test audit_chain -- --ignored --nocapture"]
async fn bench_audit_pages_over_100k_entries() {
    check(|env| async move {
        let tok = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let n = 100_000;
        let insert = if env.backend == "sqlite" {
            format!(
                "WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < {n}) \
                 INSERT INTO audit_events (account_id, actor_email, event, area, target, ip, at) \
                 SELECT '{acc}', CASE WHEN x % 1000 = 0 THEN 'rare@example.com' ELSE 'busy@example.com' END, \
                 CASE WHEN x % 3 = 0 THEN 'user.created' ELSE 'license.assigned' END, \
                 CASE WHEN x % 3 = 0 THEN 'user' ELSE 'license' END, 'u' || x || '@example.com', \
                 '192.0.2.1', 1700000000 + x * 60 FROM i"
            )
        } else {
            format!(
                "INSERT INTO audit_events (account_id, actor_email, event, area, target, ip, at) \
                 SELECT '{acc}', CASE WHEN x % 1000 = 0 THEN 'rare@example.com' ELSE 'busy@example.com' END, \
                 CASE WHEN x % 3 = 0 THEN 'user.created' ELSE 'license.assigned' END, \
                 CASE WHEN x % 3 = 0 THEN 'user' ELSE 'license' END, 'u' || x || '@example.com', \
                 '192.0.2.1', 1700000000 + x * 60 FROM generate_series(1, {n}) AS x"
            )
        };
        exec(&env, &[insert, "ANALYZE".to_string()]).await;
        let c = &env.client;
        let time = |label: &'static str, q: AuditQuery, want: usize| {
            let (c, tok, acc, backend) = (c.clone(), tok.clone(), acc.clone(), env.backend);
            async move {
                let mut best = Duration::MAX;
                for _ in 0..5 {
                    let t = Instant::now();
                    let p = c.audit_query(&tok, &acc, &q).await.expect("page");
                    best = best.min(t.elapsed());
                    assert_eq!(p.events.len(), want, "{label}");
                }
                println!("{backend}: {label}: {:.1} ms (best of 5)", best.as_secs_f64() * 1000.0);
            }
        };
        time("newest 50", AuditQuery { limit: Some(50), ..Default::default() }, 50).await;
        time("area=user, 50", AuditQuery { area: Some("user".into()), limit: Some(50), ..Default::default() }, 50).await;
        time("event=user.created, 200", AuditQuery { event: Some("user.created".into()), limit: Some(200), ..Default::default() }, 200).await;
        time("actor with 100 entries, 50", AuditQuery { actor: Some("rare@example.com".into()), limit: Some(50), ..Default::default() }, 50).await;
        let day = 1_700_000_000 + 50_000 * 60;
        time("one day (1440 entries), 200", AuditQuery { from: Some(day), to: Some(day + 86_400), limit: Some(200), ..Default::default() }, 200).await;
        // Ids are dense here: a cursor 90 % down the log.
        let deep = 100_000i64;
        let first_id = {
            let p = c.audit_query(&tok, &acc, &AuditQuery { limit: Some(1), ..Default::default() }).await.expect("page");
            p.events[0].id
        };
        time("deep cursor, 50", AuditQuery { before: Some(first_id - deep * 9 / 10), limit: Some(50), ..Default::default() }, 50).await;
    })
    .await;
}

#[tokio::test]
async fn entries_from_before_the_chain_are_chained_once_at_open() {
    check(|env| async move {
        let other = seed_demo(
            env.db.as_ref(),
            &SeedOptions {
                account_name: "Alt GmbH".into(),
                customer_number: "K-200080".into(),
                owner_email: "alt@alt.example".into(),
                owner_password: "Other-Passw0rd!".into(),
                ..seed_options()
            },
        )
        .await
        .expect("second account");
        let b = other.account_id.clone();
        // Three rows as an older server wrote them: no seq, no hash, no head (the seed's chained
        // entries of this account go first, as an older server had none).
        exec(
            &env,
            &[
                format!("DELETE FROM audit_events WHERE account_id = '{b}'"),
                format!("DELETE FROM audit_heads WHERE account_id = '{b}'"),
            ],
        )
        .await;
        exec(
            &env,
            &(1..=3)
                .map(|i| {
                    format!(
                        "INSERT INTO audit_events (account_id, actor_email, event, area, target, ip, at) \
                         VALUES ('{b}', 'alt@alt.example', 'auth.sign_in', 'auth', 's{i}', '192.0.2.{i}', {})",
                        1_700_000_000 + i
                    )
                })
                .collect::<Vec<_>>(),
        )
        .await;
        assert_eq!(
            first_break(&env, &b).await,
            Some((rows_unchained_first_id(&env, &b).await, Break::Unchained)),
            "before the one-time step they are reported"
        );
        // Open the database again (SQLite: a consistent copy, the server holds the file): the step runs.
        let dir = tempfile::tempdir().expect("tempdir");
        let url = if env.backend == "sqlite" {
            let copy = dir.path().join("copy.sqlite");
            exec(&env, &[format!("VACUUM INTO '{}'", copy.display())]).await;
            format!("sqlite:{}", copy.display())
        } else {
            env.db_url.clone()
        };
        let db = kontor_server::open_database(&url).await.expect("reopen");
        let checks = db.audit_verify(Some(&b)).await.expect("verify");
        assert_eq!((checks[0].entries, checks[0].broken.clone()), (3, None));
        // New entries continue the chain.
        db.audit(&AuditEvent {
            account_id: b.clone(),
            actor_user_id: None,
            event: "auth.sign_out".into(),
            target: None,
            ip: None,
            at: 1_700_000_100,
        })
        .await
        .expect("append");
        let checks = db.audit_verify(Some(&b)).await.expect("verify");
        assert_eq!((checks[0].entries, checks[0].broken.clone()), (4, None));
        db.close().await;
    })
    .await;
}

/// The id of the account's first row (all unchained here).
async fn rows_unchained_first_id(env: &Env, account: &str) -> i64 {
    let sql = format!("SELECT MIN(id) FROM audit_events WHERE account_id = '{account}'");
    if env.backend == "sqlite" {
        let mut c = sqlx::SqliteConnection::connect(&env.db_url)
            .await
            .expect("sqlite");
        sqlx::query_scalar::<_, i64>(&sql)
            .fetch_one(&mut c)
            .await
            .expect("min")
    } else {
        let mut c = sqlx::PgConnection::connect(&env.db_url)
            .await
            .expect("postgres");
        sqlx::query_scalar::<_, i64>(&sql)
            .fetch_one(&mut c)
            .await
            .expect("min")
    }
}
