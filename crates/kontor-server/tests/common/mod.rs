//! Test harness: runs a scenario against the real server on SQLite and, when configured, on PostgreSQL.
#![allow(dead_code)]

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use kontor_api::{ChangePassword, ErrorBody, PasswordLogin, UserQuery, UserSummary};
use kontor_client::{ClientError, PortalClient};
use kontor_server::seed::{seed_demo, DemoSeed, SeedOptions};
use kontor_server::{open_database, start_with, Config, Database, ManualClock};
use sqlx::Connection;

pub mod smtp;

/// 2026-05-28T..Z: the tests' "now".
pub const T0: i64 = 1_780_000_000;

/// One running server with a freshly seeded demo account.
#[derive(Clone)]
pub struct Env {
    pub backend: &'static str,
    pub db: Arc<dyn Database>,
    pub clock: Arc<ManualClock>,
    pub seed: DemoSeed,
    pub client: PortalClient,
    pub base_url: String,
    /// The database URL, for tests that change rows the API cannot.
    pub db_url: String,
    /// The server's installer content store (`Config::installers_dir`), empty at start.
    pub installers_dir: std::path::PathBuf,
    /// The server's releases folder (`Config::releases_dir`), empty at start.
    pub releases_dir: std::path::PathBuf,
}

pub fn seed_options() -> SeedOptions {
    SeedOptions {
        now: Some(T0),
        ..SeedOptions::default()
    }
}

async fn run_on<F, Fut>(
    backend: &'static str,
    url: &str,
    configure: &dyn Fn(&mut Config),
    scenario: &F,
) where
    F: Fn(Env) -> Fut,
    Fut: Future<Output = ()>,
{
    let db = open_database(url).await.expect("open database");
    let seed = seed_demo(db.as_ref(), &seed_options()).await.expect("seed");
    let clock = Arc::new(ManualClock::new(T0));
    let bind: SocketAddr = "127.0.0.1:0".parse().expect("addr");
    let mut config = Config::new(url, bind);
    config.demo = true;
    config.vendor_name = "Test Vendor".to_string();
    let files = tempfile::tempdir().expect("tempdir");
    config.installers_dir = Some(files.path().join("installers"));
    config.releases_dir = Some(files.path().join("releases"));
    configure(&mut config);
    let server = start_with(config, db.clone(), clock.clone())
        .await
        .expect("start server");
    let base_url = server.base_url();
    let env = Env {
        backend,
        db: db.clone(),
        clock,
        seed,
        client: PortalClient::new(&base_url).expect("client"),
        base_url,
        db_url: url.to_string(),
        installers_dir: files.path().join("installers"),
        releases_dir: files.path().join("releases"),
    };
    scenario(env).await;
    server.shutdown().await;
    db.close().await;
}

/// Runs `scenario` on SQLite (fresh temp file) and on a fresh PostgreSQL database when
/// `KONTOR_TEST_POSTGRES_URL` is set. With `CI` set and no PostgreSQL URL, fails instead of skipping.
pub async fn check<F, Fut>(scenario: F)
where
    F: Fn(Env) -> Fut,
    Fut: Future<Output = ()>,
{
    check_with(|_| {}, scenario).await
}

/// [`check`] with the server's configuration changed by `configure` first.
pub async fn check_with<C, F, Fut>(configure: C, scenario: F)
where
    C: Fn(&mut Config),
    F: Fn(Env) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("kontor.sqlite").display());
    run_on("sqlite", &url, &configure, &scenario).await;

    match std::env::var("KONTOR_TEST_POSTGRES_URL") {
        Ok(admin) if !admin.trim().is_empty() => {
            let name = format!("kt_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .expect("connect to KONTOR_TEST_POSTGRES_URL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let mut url = url::Url::parse(&admin).expect("KONTOR_TEST_POSTGRES_URL is a URL");
            url.set_path(&format!("/{name}"));
            run_on("postgres", url.as_str(), &configure, &scenario).await;
            sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
                .execute(&mut conn)
                .await
                .expect("drop test database");
            let _ = conn.close().await;
        }
        _ => {
            if std::env::var_os("CI").is_some() {
                panic!("CI is set but KONTOR_TEST_POSTGRES_URL is not: the PostgreSQL half of the tests must run in CI");
            }
            eprintln!("note: KONTOR_TEST_POSTGRES_URL not set, PostgreSQL part skipped");
        }
    }
}

/// The status and body of an API error; panics on success or a non-API failure.
pub fn api_error<T: std::fmt::Debug>(r: Result<T, ClientError>) -> (u16, ErrorBody) {
    match r {
        Err(ClientError::Api { status, body }) => (status, body),
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// Password sign-in details (not remembered).
pub fn login(email: &str, password: &str) -> PasswordLogin {
    PasswordLogin {
        email: email.to_string(),
        password: password.to_string(),
        remember: false,
    }
}

/// The demo owner's access token.
pub async fn owner(env: &Env) -> String {
    env.client
        .login_password(&login(&env.seed.owner_email, &env.seed.owner_password))
        .await
        .expect("owner signs in")
        .access_token
}

/// A session of a seeded user (`local`@muster.example): the owner resets the password, the user replaces it.
/// Every page of the users list for `q` (the demo account), following `next`.
pub async fn all_users(env: &Env, tok: &str, mut q: UserQuery) -> Vec<UserSummary> {
    let mut out = Vec::new();
    loop {
        let page = env
            .client
            .users(tok, &env.seed.account_id, &q)
            .await
            .expect("users page");
        out.extend(page.users);
        match page.next {
            Some(n) => q.after = Some(n),
            None => return out,
        }
    }
}

pub async fn seeded_session(env: &Env, owner_tok: &str, local: &str) -> String {
    let id = env
        .db
        .user_by_email(&format!("{local}@muster.example"))
        .await
        .expect("db")
        .expect("seeded user")
        .id;
    let temp = env
        .client
        .reset_password(owner_tok, &env.seed.account_id, &id)
        .await
        .expect("reset");
    let s = env
        .client
        .login_password(&login(
            &format!("{local}@muster.example"),
            &temp.temporary_password,
        ))
        .await
        .expect("sign in with the temporary password");
    env.client
        .change_password(
            &s.access_token,
            &ChangePassword {
                current_password: temp.temporary_password.clone(),
                new_password: "a-Brand-new-passw0rd".to_string(),
            },
        )
        .await
        .expect("change password");
    s.access_token
}

/// A mailer to the test's SMTP sink, driven by the test (the server's own worker is off).
pub fn mailer(sink: &smtp::SmtpSink) -> kontor_server::mail::Mailer {
    kontor_server::mail::Mailer::from_config(&kontor_server::config::MailConfig {
        transport: kontor_server::config::MailTransport::Smtp {
            url: sink.url(),
            password: None,
        },
        from: "Test Vendor <noreply@vendor.example>".to_string(),
        poll: std::time::Duration::from_secs(3600),
    })
    .expect("mailer config")
    .expect("a mailer")
}

/// Runs outbox rounds until the sink accepted `n` mails (or 10 s passed); a request's mail is queued by a task.
pub async fn deliver(
    env: &Env,
    m: &kontor_server::mail::Mailer,
    sink: &smtp::SmtpSink,
    n: usize,
) -> Vec<smtp::Received> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        kontor_server::mail::deliver_due(env.db.as_ref(), m, env.clock.as_ref(), "test-worker")
            .await
            .expect("round");
        let got = sink.accepted();
        if got.len() >= n || std::time::Instant::now() > deadline {
            return got;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Runs one statement with `$1` = `account_id` beside the running server (rows the API cannot change).
#[allow(dead_code)] // not every test file uses it
pub async fn exec_for_account(env: &Env, sql: &str, account_id: &str) {
    on_backend(env, sql, Some(account_id)).await;
}

/// Runs one statement without parameters beside the running server.
#[allow(dead_code)]
pub async fn exec(env: &Env, sql: &str) {
    on_backend(env, sql, None).await;
}

/// The one `i64` a statement answers, read beside the running server.
#[allow(dead_code)]
pub async fn scalar_i64(env: &Env, sql: &str) -> i64 {
    if env.backend == "sqlite" {
        scalar_on::<sqlx::SqliteConnection>(&env.db_url, sql).await
    } else {
        scalar_on::<sqlx::PgConnection>(&env.db_url, sql).await
    }
}

#[allow(dead_code)]
async fn on_backend(env: &Env, sql: &str, bind: Option<&str>) {
    if env.backend == "sqlite" {
        exec_on::<sqlx::SqliteConnection>(&env.db_url, sql, bind).await;
    } else {
        exec_on::<sqlx::PgConnection>(&env.db_url, sql, bind).await;
    }
}

#[allow(dead_code)]
async fn exec_on<C>(url: &str, sql: &str, bind: Option<&str>)
where
    C: Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
    for<'q> <C::Database as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, C::Database>,
    for<'q> &'q str: sqlx::Encode<'q, C::Database> + sqlx::Type<C::Database>,
{
    let mut c = C::connect(url).await.expect("connect");
    let mut q = sqlx::query::<C::Database>(sql);
    if let Some(b) = bind {
        q = q.bind(b);
    }
    q.execute(&mut c).await.expect(sql);
    let _ = c.close().await;
}

#[allow(dead_code)]
async fn scalar_on<C>(url: &str, sql: &str) -> i64
where
    C: Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
    for<'q> <C::Database as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, C::Database>,
    for<'r> (i64,): sqlx::FromRow<'r, <C::Database as sqlx::Database>::Row>,
{
    let mut c = C::connect(url).await.expect("connect");
    let n = sqlx::query_scalar::<C::Database, i64>(sql)
        .fetch_one(&mut c)
        .await
        .expect(sql);
    let _ = c.close().await;
    n
}
