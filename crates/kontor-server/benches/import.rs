//! Benchmark: 100,000 users committed to SQLite through `PortalClient::import_batch` (HTTP included) against a
//! same-run baseline (a bare multi-row INSERT of 100,000 equivalent rows with sqlx in one transaction), and the
//! users list's first page with a substring filter at 100,000 users.
//!
//! Run: `cargo bench -p kontor-server --bench import` (release profile; prints a Markdown table).

use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kontor_api::{ImportBatch, NewUser, PasswordLogin, Role, UserQuery, MAX_IMPORT_BATCH};
use kontor_client::PortalClient;
use kontor_server::seed::{seed_demo, SeedOptions};
use kontor_server::{open_database, start_with, Config, SystemClock};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{ConnectOptions, Connection};

const N: usize = 100_000;
/// Rows per INSERT statement of the baseline: the server's chunk size.
const CHUNK: usize = 400;
const LIST_RUNS: usize = 20;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run());
}

fn user(i: usize, location: &str) -> NewUser {
    NewUser {
        email: format!("vorname.nachname{i}@bench.example"),
        display_name: format!("Vorname Nachname {i}"),
        role: if i.is_multiple_of(50) {
            Role::Admin
        } else {
            Role::User
        },
        location_id: Some(location.to_string()),
        licenses: vec!["cmdb".to_string()],
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

async fn run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("bench.sqlite").display());

    // Seed the demo account, then give it seats for every imported user.
    let seed = {
        let db = open_database(&url).await.expect("open");
        let seed = seed_demo(db.as_ref(), &SeedOptions::default())
            .await
            .expect("seed");
        db.close().await;
        drop(db);
        let mut c = sqlx::SqliteConnection::connect(&url).await.expect("raw");
        sqlx::query("UPDATE subscription_seats SET seats = seats + $1 WHERE account_id = $2")
            .bind(N as i64)
            .bind(&seed.account_id)
            .execute(&mut c)
            .await
            .expect("seats");
        c.close().await.expect("close");
        seed
    };
    let db = open_database(&url).await.expect("open");
    let server = start_with(
        Config::new(&url, "127.0.0.1:0".parse().expect("addr")),
        db.clone(),
        Arc::new(SystemClock),
    )
    .await
    .expect("start");
    let c = PortalClient::new(&server.base_url()).expect("client");
    let tok = c
        .login_password(&PasswordLogin {
            email: seed.owner_email.clone(),
            password: seed.owner_password.clone(),
            remember: false,
        })
        .await
        .expect("login")
        .access_token;
    let acc = seed.account_id.clone();
    let locations = c.locations(&tok, &acc).await.expect("locations");
    let batches: Vec<ImportBatch> = (0..N)
        .map(|i| user(i, &locations[i % locations.len()].id))
        .collect::<Vec<_>>()
        .chunks(MAX_IMPORT_BATCH)
        .enumerate()
        .map(|(b, users)| ImportBatch {
            import_id: "bench".to_string(),
            batch: b as u32,
            users: users.to_vec(),
        })
        .collect();

    // (a) The import, end to end.
    let start = Instant::now();
    for b in &batches {
        let r = c.import_batch(&tok, &acc, b).await.expect("batch");
        assert_eq!(r.created.len(), b.users.len());
    }
    let import = start.elapsed();

    // (c) The list at 100,000 users: first page, substring filter.
    let list = |q: &'static str, expect: i64| {
        let (c, tok, acc) = (c.clone(), tok.clone(), acc.clone());
        async move {
            let mut times = Vec::with_capacity(LIST_RUNS);
            for _ in 0..LIST_RUNS {
                let t = Instant::now();
                let page = c
                    .users(
                        &tok,
                        &acc,
                        &UserQuery {
                            q: Some(q.to_string()),
                            ..UserQuery::default()
                        },
                    )
                    .await
                    .expect("list");
                times.push(t.elapsed());
                assert_eq!(page.total, expect, "{q}");
            }
            median(times)
        }
    };
    let list_narrow = list("nachname4242@", 1).await;
    let list_wide = list("nachname1", 11_111).await;
    server.shutdown().await;
    db.close().await;

    // (b) The baseline: the same number of equivalent rows, bare multi-row INSERTs in one transaction.
    let base_url = format!("sqlite:{}", dir.path().join("baseline.sqlite").display());
    let mut conn = SqliteConnectOptions::from_str(&base_url)
        .expect("url")
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true)
        .connect()
        .await
        .expect("baseline db");
    sqlx::query(
        "CREATE TABLE scratch (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, email TEXT NOT NULL, \
         display_name TEXT NOT NULL, name_key TEXT NOT NULL, role TEXT NOT NULL, temp_password_hash TEXT, \
         must_change_password INTEGER NOT NULL, created_at INTEGER NOT NULL, location_id TEXT, import_key TEXT)",
    )
    .execute(&mut conn)
    .await
    .expect("scratch table");
    let rows: Vec<(String, NewUser)> = (0..N)
        .map(|i| (uuid::Uuid::new_v4().to_string(), user(i, "loc")))
        .collect();
    let hash = format!("s256${}${}", "0".repeat(32), "0".repeat(64));
    let start = Instant::now();
    let mut tx = conn.begin().await.expect("begin");
    for chunk in rows.chunks(CHUNK) {
        // Anonymous `?` placeholders, as the server uses on SQLite: sqlx resolves each named `$i` with a linear
        // search, which makes a 4,400-parameter statement quadratic (the baseline before 2026-11-22 03:40 did).
        let values = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        let sql = format!("INSERT INTO scratch VALUES {values}");
        let mut q = sqlx::query(&sql);
        for (id, u) in chunk {
            q = q
                .bind(id)
                .bind(&acc)
                .bind(&u.email)
                .bind(&u.display_name)
                .bind(u.display_name.to_lowercase())
                .bind(u.role.as_str())
                .bind(&hash)
                .bind(true)
                .bind(0i64)
                .bind(&u.location_id)
                .bind("bench#0");
        }
        q.execute(&mut *tx).await.expect("insert");
    }
    tx.commit().await.expect("commit");
    let baseline = start.elapsed();
    conn.close().await.expect("close");

    println!();
    println!("| Figure | Kontor | Baseline | Kontor / baseline |");
    println!("|---|---:|---:|---:|");
    println!(
        "| {N} users committed via `PortalClient::import_batch` ({} batches of {MAX_IMPORT_BATCH}, HTTP, SQLite) \
         vs bare multi-row INSERT of {N} rows in one transaction | {} | {} | {:.1}× |",
        batches.len(),
        secs(import),
        secs(baseline),
        import.as_secs_f64() / baseline.as_secs_f64()
    );
    println!(
        "| Users list, first page, `q` matching 1 of {N}, median of {LIST_RUNS} | {} | n/a | n/a |",
        ms(list_narrow)
    );
    println!(
        "| Users list, first page, `q` matching 11,111 of {N}, median of {LIST_RUNS} | {} | n/a | n/a |",
        ms(list_wide)
    );
}
