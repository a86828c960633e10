//! Benchmark: the app's side of a 100,000-user import — `kontor_app::import::run` with its plan store, as the
//! `import_commit` command runs it — against the real portal (SQLite, 127.0.0.1:0), and what the plan store's
//! writes cost on their own. `crates/kontor-server/benches/import.rs` measures the portal's part (batches sent
//! one after another straight through `PortalClient`, both backends); this one adds what the user waits for on
//! top: the plan written before the first batch, the progress kept after every batch, the retries' wrapper.
//!
//! Run (needs a Secret Service for the session's keyring entry, like the shell's tests):
//! `bash scripts/desktop-session.sh /tmp/kb pw cargo bench --bench import_app` (release profile; prints a
//! Markdown table). `KONTOR_BENCH_USERS` changes the 100,000.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kontor_api::{NewUser, PasswordLogin, Role, MAX_IMPORT_BATCH};
use kontor_app::import::{self, ImportPlan, PlanStore};
use kontor_app::secrets::RefreshTokenStore;
use kontor_app::session::Portal;
use kontor_client::PortalClient;
use kontor_server::seed::{seed_demo, SeedOptions};
use kontor_server::{open_database, start_with, Config, SystemClock};
use sqlx::Connection;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run());
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn run() {
    let n: usize = std::env::var("KONTOR_BENCH_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("portal.sqlite").display());

    // The demo account with a seat for every imported user (the seed has a few).
    let db = open_database(&url).await.expect("open");
    let seed = seed_demo(db.as_ref(), &SeedOptions::default())
        .await
        .expect("seed");
    {
        let mut c = sqlx::SqliteConnection::connect(&url).await.expect("raw");
        sqlx::query("UPDATE subscription_seats SET seats = seats + $1 WHERE account_id = $2")
            .bind(n as i64)
            .bind(&seed.account_id)
            .execute(&mut c)
            .await
            .expect("seats");
        c.close().await.expect("close");
    }
    let server = start_with(
        Config::new(&url, "127.0.0.1:0".parse().expect("addr")),
        db,
        Arc::new(SystemClock),
    )
    .await
    .expect("start");
    let client = PortalClient::new(&server.base_url()).expect("client");
    let service = format!("de.kontor.bench.import.{}", std::process::id());
    let portal = Portal::new(
        client.clone(),
        RefreshTokenStore::new(&service, client.base_url()),
    );
    let tokens = client
        .login_password(&PasswordLogin {
            email: seed.owner_email.clone(),
            password: seed.owner_password.clone(),
            remember: false,
        })
        .await
        .expect("login");
    let me = portal.start(tokens, false).await.expect("session");
    let locations = portal
        .call(|c, a, me| async move { c.locations(&a, &me.account_id).await })
        .await
        .expect("locations");
    let users: Vec<NewUser> = (0..n)
        .map(|i| NewUser {
            email: format!("vorname.nachname{i}@bench.example"),
            display_name: format!("Vorname Nachname {i}"),
            role: if i.is_multiple_of(50) {
                Role::Admin
            } else {
                Role::User
            },
            location_id: Some(locations[i % locations.len()].id.clone()),
            licenses: vec!["cmdb".to_string()],
        })
        .collect();

    // (a) The plan store's writes alone, on a plan of the same size (a directory of its own).
    let probe_dir = tempfile::tempdir().expect("tempdir");
    let probe = PlanStore::new(probe_dir.path());
    let mut plan = ImportPlan::new(
        client.base_url(),
        &me.account_id,
        "bench.csv",
        users.clone(),
    );
    let mut first = Vec::new();
    let mut progress = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        probe.save(&plan).expect("save");
        first.push(t.elapsed());
        plan.done += 1;
        let t = Instant::now();
        probe.progress(&plan).expect("progress");
        progress.push(t.elapsed());
    }
    probe.delete().expect("delete");

    // (b) The import as the command runs it: the plan saved, then every batch.
    let store = PlanStore::new(dir.path());
    let mut plan = ImportPlan::new(client.base_url(), &me.account_id, "bench.csv", users);
    let batches = plan.batches.len();
    let start = Instant::now();
    store.save(&plan).expect("save");
    let outcome = import::run(
        &portal,
        &store,
        &mut plan,
        &AtomicBool::new(false),
        |_, _| {},
    )
    .await
    .expect("import");
    let import = start.elapsed();
    assert!(!outcome.cancelled);
    assert_eq!(outcome.created.len(), n, "every user created");
    assert!(store.load().is_none(), "the plan is removed when done");
    server.shutdown().await;

    println!();
    println!("| Figure | Time |");
    println!("|---|---:|");
    println!(
        "| {n} users through `import::run` ({batches} batches of {MAX_IMPORT_BATCH}, SQLite portal, plan saved \
         first) | {:.2} s |",
        import.as_secs_f64()
    );
    println!(
        "| writing the plan of {n} users once (`PlanStore::save`, median of 5) | {} |",
        ms(median(first))
    );
    println!(
        "| keeping the progress after a batch (`PlanStore::progress`, median of 5) | {} |",
        ms(median(progress))
    );
}
