//! Benchmark: 100,000 users committed through `PortalClient::import_batch` (the real server on 127.0.0.1:0, HTTP
//! and JSON included; two batches on their way at once, as the app sends them) against a same-run baseline (a
//! bare multi-row INSERT of 100,000 equivalent rows with sqlx in one transaction, into a fresh database of the
//! same backend), and the users list's first page with a substring filter and with a license filter at 100,000
//! users; and how long after the import the search index has caught up (SQLite: imported users wait in a
//! queue; PostgreSQL: their trigram entries wait in the GIN pending lists; the server's indexer takes both in
//! once imports pause, `search_index`). On SQLite always; on PostgreSQL too when `KONTOR_BENCH_POSTGRES_URL` (or else
//! `KONTOR_TEST_POSTGRES_URL`) names a server where the URL's role may create databases (`bash scripts/pg.sh
//! start DIR` prints one); each backend gets two fresh databases, dropped afterwards.
//!
//! Run: `cargo bench -p kontor-server --bench import` (release profile; prints a Markdown table).
//! `KONTOR_BENCH_BACKENDS=postgres` (or `sqlite`) runs one backend only; `KONTOR_BENCH_IN_FLIGHT=1` sends the
//! batches one after another.

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

/// Read and write system calls this process has made so far (`syscr`, `syscw` of `/proc/self/io`; Linux).
fn syscalls() -> Option<(u64, u64)> {
    let io = std::fs::read_to_string("/proc/self/io").ok()?;
    let field = |name: &str| {
        io.lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse::<u64>().ok())
    };
    Some((field("syscr:")?, field("syscw:")?))
}

/// CPU time (user + system) this process has used so far, from `/proc/self/stat` (Linux; `None` elsewhere):
/// on a loaded machine it tells the bench's own work apart from waiting for a core.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some(Duration::from_millis(ticks * 10))
}

/// Batches on their way at once: two, as the app sends them (`kontor_app::import::IN_FLIGHT`), or
/// `KONTOR_BENCH_IN_FLIGHT` (1: one after another).
fn in_flight() -> usize {
    std::env::var("KONTOR_BENCH_IN_FLIGHT")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(2)
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

/// One backend's figures.
struct Figures {
    backend: &'static str,
    baseline: Duration,
    m: Measured,
}

/// What [`import_and_list`] measured on one backend.
struct Measured {
    import: Duration,
    /// From the import's end until the search index held every imported user.
    index_caught_up: Duration,
    /// The rare search right after the import (median of 3) and how many users were still queued after it.
    list_while_queued: Duration,
    queued_after: i64,
    /// The slowest and fastest batch.
    batch_max: Duration,
    batch_min: Duration,
    /// CPU time of this process (server and client) during the import.
    import_cpu: Option<Duration>,
    /// Read and write system calls of this process during the import (SQLite's page reads and writes).
    import_io: Option<(u64, u64)>,
    list_narrow: Duration,
    list_wide: Duration,
    /// The license filter that every imported user matches.
    list_license: Duration,
}

async fn run() {
    let only = std::env::var("KONTOR_BENCH_BACKENDS").unwrap_or_default();
    let wants = |b: &str| only.trim().is_empty() || only.split(',').any(|x| x.trim() == b);
    let mut figures = Vec::new();
    if wants("sqlite") {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite:{}", dir.path().join("bench.sqlite").display());
        let base_url = format!("sqlite:{}", dir.path().join("baseline.sqlite").display());
        let m = import_and_list(&url).await;
        let baseline = baseline_sqlite(&base_url).await;
        figures.push(Figures {
            backend: "SQLite",
            baseline,
            m,
        });
    }
    let admin = ["KONTOR_BENCH_POSTGRES_URL", "KONTOR_TEST_POSTGRES_URL"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()));
    match admin {
        Some(admin) if wants("postgres") => {
            let (url, drop_server) = pg_database(&admin).await;
            let (base_url, drop_base) = pg_database(&admin).await;
            let m = import_and_list(&url).await;
            let baseline = baseline_postgres(&base_url).await;
            drop_server.await;
            drop_base.await;
            figures.push(Figures {
                backend: "PostgreSQL",
                baseline,
                m,
            });
        }
        None if wants("postgres") => {
            eprintln!("note: KONTOR_BENCH_POSTGRES_URL not set, PostgreSQL skipped");
        }
        _ => {}
    }

    println!();
    println!("| Figure | Kontor | Baseline | Kontor / baseline |");
    println!("|---|---:|---:|---:|");
    for f in &figures {
        println!(
            "| {N} users committed via `PortalClient::import_batch` ({} batches of {MAX_IMPORT_BATCH}, {} on their way \
             at once, HTTP, {}; batches {}–{}; bench process CPU {}, read/write system calls {}) vs bare multi-row INSERT of {N} rows in one \
             transaction | {} | {} | {:.1}× |",
            N.div_ceil(MAX_IMPORT_BATCH),
            in_flight(),
            f.backend,
            ms(f.m.batch_min),
            ms(f.m.batch_max),
            f.m.import_cpu.map_or_else(|| "n/a".to_string(), secs),
            f.m.import_io
                .map_or_else(|| "n/a".to_string(), |(r, w)| format!("{r} / {w}")),
            secs(f.m.import),
            secs(f.baseline),
            f.m.import.as_secs_f64() / f.baseline.as_secs_f64()
        );
        println!(
            "| Search index caught up, after the import's end (users list search; {}: {}) | {} | n/a | n/a |",
            f.backend,
            if f.backend == "SQLite" {
                "the queue drained by the indexer, which waits for imports to pause"
            } else {
                "the GIN pending lists merged by the indexer, which waits for imports to pause"
            },
            secs(f.m.index_caught_up)
        );
        println!(
            "| Users list, first page, `q` matching 1 of {N}, right after the import, median of 3 ({}; still \
             waiting for the search index after them: {} {}) | {} | n/a | n/a |",
            f.backend,
            f.m.queued_after,
            if f.backend == "SQLite" { "users" } else { "pending-list pages" },
            ms(f.m.list_while_queued)
        );
        println!(
            "| Users list, first page, `q` matching 1 of {N}, median of {LIST_RUNS} ({}) | {} | n/a | n/a |",
            f.backend,
            ms(f.m.list_narrow)
        );
        println!(
            "| Users list, first page, `q` matching 11,111 of {N}, median of {LIST_RUNS} ({}) | {} | n/a | n/a |",
            f.backend,
            ms(f.m.list_wide)
        );
        println!(
            "| Users list, first page, license filter that all {N} imported users match, median of {LIST_RUNS} ({}) | {} | n/a | n/a |",
            f.backend,
            ms(f.m.list_license)
        );
    }
}

/// A fresh database on the PostgreSQL server of `admin`: its URL and the future that drops it.
async fn pg_database(admin: &str) -> (String, impl std::future::Future<Output = ()>) {
    let name = format!("kb_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(admin)
        .await
        .expect("connect to KONTOR_BENCH_POSTGRES_URL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create bench database");
    let mut url = url::Url::parse(admin).expect("the PostgreSQL URL is a URL");
    url.set_path(&format!("/{name}"));
    let drop = async move {
        sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await
            .expect("drop bench database");
        let _ = conn.close().await;
    };
    (url.to_string(), drop)
}

/// Gives the demo account `n` more seats of every product (directly in the database, as a vendor would).
async fn add_seats(url: &str, account_id: &str, n: i64) {
    const SQL: &str = "UPDATE subscription_seats SET seats = seats + $1 WHERE account_id = $2";
    if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await.expect("raw");
        sqlx::query(SQL)
            .bind(n)
            .bind(account_id)
            .execute(&mut c)
            .await
            .expect("seats");
        c.close().await.expect("close");
    } else {
        let mut c = sqlx::PgConnection::connect(url).await.expect("raw");
        sqlx::query(SQL)
            .bind(n)
            .bind(account_id)
            .execute(&mut c)
            .await
            .expect("seats");
        c.close().await.expect("close");
    }
}

/// (a) the import end to end, its slowest and fastest batch and this process's CPU time and I/O system calls
/// during it, and (c) the list at 100,000 users: a rare search while the imported users still wait for the
/// search index (SQLite's queue, PostgreSQL's GIN pending lists), how long until the index caught up, then
/// narrow and wide text and the license all imported users hold.
async fn import_and_list(url: &str) -> Measured {
    // Seed the demo account, then give it seats for every imported user.
    let seed = {
        let db = open_database(url).await.expect("open");
        let seed = seed_demo(db.as_ref(), &SeedOptions::default())
            .await
            .expect("seed");
        db.close().await;
        drop(db);
        add_seats(url, &seed.account_id, N as i64).await;
        seed
    };
    let db = open_database(url).await.expect("open");
    let server = start_with(
        Config::new(url, "127.0.0.1:0".parse().expect("addr")),
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
    let mut each = Vec::with_capacity(batches.len());
    let cpu_start = cpu_time();
    let io_start = syscalls();
    let start = Instant::now();
    let in_flight = in_flight();
    {
        use futures_util::StreamExt;
        let mut s = futures_util::stream::iter(batches.iter().map(|b| {
            let (c, tok, acc) = (c.clone(), tok.clone(), acc.clone());
            async move {
                let t = Instant::now();
                let r = c.import_batch(&tok, &acc, b).await.expect("batch");
                assert_eq!(r.created.len(), b.users.len());
                t.elapsed()
            }
        }))
        .buffered(in_flight);
        while let Some(d) = s.next().await {
            each.push(d);
        }
    }
    let import = start.elapsed();
    let import_cpu = cpu_time()
        .zip(cpu_start)
        .map(|(end, start)| end.saturating_sub(start));
    let import_io = syscalls()
        .zip(io_start)
        .map(|(end, start)| (end.0 - start.0, end.1 - start.1));
    let batch_max = each.iter().max().copied().unwrap_or_default();
    let batch_min = each.iter().min().copied().unwrap_or_default();

    // The list's first page for `q`, `runs` times, checking its total; the median.
    let list = |q: UserQuery, at_least: i64, at_most: i64, runs: usize| {
        let (c, tok, acc) = (c.clone(), tok.clone(), acc.clone());
        async move {
            let mut times = Vec::with_capacity(runs);
            for _ in 0..runs {
                let t = Instant::now();
                let page = c.users(&tok, &acc, &q).await.expect("list");
                times.push(t.elapsed());
                assert!(
                    (at_least..=at_most).contains(&page.total),
                    "{q:?}: {}",
                    page.total
                );
            }
            median(times)
        }
    };
    let text = |q: &str| UserQuery {
        q: Some(q.to_string()),
        ..UserQuery::default()
    };

    // (c) A rare search right after the import, before the indexer starts (it waits for imports to pause):
    // on SQLite the imported users are still queued, so the list walks its sort index with the LIKE; on
    // PostgreSQL the trigram scans read the GIN pending lists whole. Three samples, then what still waits is
    // counted to show they ran before the indexer.
    let list_while_queued = list(text("nachname4242@"), 1, 1, 3).await;
    let queued_after = search_backlog(url).await;

    // (c) Until the users list's search index holds every imported user: SQLite's search queue drained by
    // the server's indexer (it starts once imports pause, `Config::search_index_idle`), PostgreSQL's GIN
    // pending lists merged by it. The list figures below are taken after it.
    let index_caught_up = search_backlog_gone(url).await;

    // (c) The list at 100,000 users: first page, substring filter; then the license every imported user holds.
    let list_narrow = list(text("nachname4242@"), 1, 1, LIST_RUNS).await;
    let list_wide = list(text("nachname1"), 11_111, 11_111, LIST_RUNS).await;
    // The seeded demo users may hold it too.
    let list_license = list(
        UserQuery {
            license: Some("cmdb".to_string()),
            ..UserQuery::default()
        },
        N as i64,
        N as i64 + 100,
        LIST_RUNS,
    )
    .await;
    server.shutdown().await;
    db.close().await;
    Measured {
        import,
        index_caught_up,
        list_while_queued,
        queued_after,
        batch_max,
        batch_min,
        import_cpu,
        import_io,
        list_narrow,
        list_wide,
        list_license,
    }
}

/// What still waits for the users search's index: SQLite, the users in its search queue; PostgreSQL, the
/// pages of the trigram indexes' GIN pending lists (`pgstatginindex`, contrib's pgstattuple).
async fn search_backlog(url: &str) -> i64 {
    if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await.expect("sqlite");
        let n = sqlx::query_scalar("SELECT COUNT(*) FROM users_search_queue")
            .fetch_one(&mut c)
            .await
            .expect("queue");
        let _ = c.close().await;
        return n;
    }
    let mut c = sqlx::PgConnection::connect(url).await.expect("postgres");
    sqlx::query("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        .execute(&mut c)
        .await
        .expect("pgstattuple");
    let n = sqlx::query_scalar(
        "SELECT SUM(pending_pages)::BIGINT FROM (SELECT (pgstatginindex(ix)).pending_pages FROM \
         (VALUES ('users_search_name'::regclass), ('users_search_email'::regclass)) AS v(ix)) AS p",
    )
    .fetch_one(&mut c)
    .await
    .expect("pending pages");
    let _ = c.close().await;
    n
}

/// How long after now nothing waits for the search index any more ([`search_backlog`], polled every 10 ms).
async fn search_backlog_gone(url: &str) -> Duration {
    let start = Instant::now();
    loop {
        let n = search_backlog(url).await;
        if n == 0 {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "{n} still waiting for the search index"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The baseline's rows: what the server stores per user, with a random key as a plain client would make.
fn baseline_rows() -> Vec<(String, NewUser)> {
    (0..N)
        .map(|i| (uuid::Uuid::new_v4().to_string(), user(i, "loc")))
        .collect()
}

const HASH_ZEROS: usize = 64;

/// (b) The SQLite baseline: the same number of equivalent rows, bare multi-row INSERTs in one transaction.
async fn baseline_sqlite(base_url: &str) -> Duration {
    let mut conn = SqliteConnectOptions::from_str(base_url)
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
    let rows = baseline_rows();
    let hash = format!("s256${}${}", "0".repeat(32), "0".repeat(HASH_ZEROS));
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
                .bind("account")
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
    baseline
}

/// (b) The PostgreSQL baseline: as [`baseline_sqlite`], with numbered `$i` placeholders.
async fn baseline_postgres(base_url: &str) -> Duration {
    let mut conn = sqlx::PgConnection::connect(base_url)
        .await
        .expect("baseline db");
    sqlx::query(
        "CREATE TABLE scratch (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, email TEXT NOT NULL, \
         display_name TEXT NOT NULL, name_key TEXT NOT NULL, role TEXT NOT NULL, temp_password_hash TEXT, \
         must_change_password BOOLEAN NOT NULL, created_at BIGINT NOT NULL, location_id TEXT, import_key TEXT)",
    )
    .execute(&mut conn)
    .await
    .expect("scratch table");
    let rows = baseline_rows();
    let hash = format!("s256${}${}", "0".repeat(32), "0".repeat(HASH_ZEROS));
    let start = Instant::now();
    let mut tx = conn.begin().await.expect("begin");
    for chunk in rows.chunks(CHUNK) {
        let values: Vec<String> = (0..chunk.len())
            .map(|r| {
                let cols: Vec<String> = (1..=11).map(|c| format!("${}", r * 11 + c)).collect();
                format!("({})", cols.join(", "))
            })
            .collect();
        let sql = format!("INSERT INTO scratch VALUES {}", values.join(", "));
        let mut q = sqlx::query(&sql);
        for (id, u) in chunk {
            q = q
                .bind(id)
                .bind("account")
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
    baseline
}
