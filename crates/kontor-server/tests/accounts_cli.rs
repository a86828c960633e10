//! `kontor-server accounts create | list | token --rotate` (acct9), the binary run as a process, on SQLite and
//! (with `KONTOR_TEST_POSTGRES_URL`) PostgreSQL: the printed license token and temporary password sign in
//! against the real server, the password must be changed, `--mail` queues the secrets in the outbox instead,
//! `--rotate` ends the old token, and bad input is refused with exit code 2, one error line, nothing written.

mod cli_support;

use std::net::SocketAddr;
use std::sync::Arc;

use cli_support::{assert_fails_with, run};
use kontor_api::{ChangePassword, PasswordLogin, TokenLogin};
use kontor_client::{ClientError, PortalClient};
use kontor_server::{open_database, start_with, Clock, Config, ManualClock, SystemClock};
use sqlx::Connection;

fn ok_json(args: &[&str]) -> serde_json::Value {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON line")
}

fn create(
    url: &str,
    number: &str,
    package: &str,
    email: &str,
    extra: &[&str],
) -> std::process::Output {
    let mut args = vec![
        "accounts",
        "create",
        "--database-url",
        url,
        "--name",
        "Beispiel AG",
        "--customer-number",
        number,
        "--package",
        package,
        "--owner-email",
        email,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn list(url: &str) -> Vec<serde_json::Value> {
    ok_json(&["accounts", "list", "--database-url", url])
        .as_array()
        .expect("a list")
        .clone()
}

/// Runs `scenario` against the real server on `url` (the CLI must not hold the database meanwhile).
async fn with_server<F, Fut>(url: &str, scenario: F)
where
    F: FnOnce(PortalClient, Arc<dyn kontor_server::Database>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let db = open_database(url).await.expect("open");
    let bind: SocketAddr = "127.0.0.1:0".parse().expect("addr");
    let mut config = Config::new(url, bind);
    config.demo = true;
    let clock = Arc::new(ManualClock::new(SystemClock.now()));
    let server = start_with(config, db.clone(), clock)
        .await
        .expect("start server");
    let client = PortalClient::new(&server.base_url()).expect("client");
    scenario(client, db.clone()).await;
    server.shutdown().await;
    db.close().await;
}

fn token_login(token: &str) -> TokenLogin {
    TokenLogin {
        license_token: token.to_string(),
        remember: false,
    }
}

fn password_login(email: &str, password: &str) -> PasswordLogin {
    PasswordLogin {
        email: email.to_string(),
        password: password.to_string(),
        remember: false,
    }
}

fn status<T: std::fmt::Debug>(r: Result<T, ClientError>) -> u16 {
    match r {
        Err(ClientError::Api { status, .. }) => status,
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// The values a rendered mail emphasises (its indented lines), in order.
fn mail_values(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("    "))
        .map(|l| l.trim().to_string())
        .collect()
}

/// Runs everything on `url`; answers the license tokens printed (to look for them at rest).
async fn scenario(url: &str) -> Vec<String> {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/catalog.example.toml"
    );
    // Without a catalog there is no package to choose.
    let out = create(url, "K-2000", "starter", "a@beispiel.example", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_fails_with(&out, "unknown package \"starter\": the catalog is empty");
    ok_json(&[
        "packages",
        "import",
        "--database-url",
        url,
        "--file",
        example,
    ]);
    assert!(list(url).is_empty());

    let out = create(url, "K-2001", "starter", " Owner@Beispiel.example ", &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let created: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(created["owner_email"], "owner@beispiel.example");
    assert_eq!(created["package"], "starter");
    assert_eq!(created["mailed"], false);
    let token = created["license_token"]
        .as_str()
        .expect("token")
        .to_string();
    let temp = created["temporary_password"]
        .as_str()
        .expect("temporary password")
        .to_string();
    let account_id = created["account_id"].as_str().expect("id").to_string();

    // Bad input: exit 2, one clear error line, nothing written.
    let refusals: [(&str, &str, &str, &[&str], &str); 6] = [
        (
            "K-2002",
            "platinum",
            "x@beispiel.example",
            &[],
            "unknown package \"platinum\" (the catalog has starter, business, enterprise)",
        ),
        (
            "K-2001",
            "starter",
            "y@beispiel.example",
            &[],
            "customer number K-2001 already exists",
        ),
        ("K-2002", "starter", "not-an-email", &[], "--owner-email"),
        (
            "K-2002",
            "starter",
            "w@beispiel.example",
            &["--billing-period", "weekly"],
            "--billing-period",
        ),
        (
            "  ",
            "starter",
            "z@beispiel.example",
            &[],
            "--customer-number is required",
        ),
        (
            "K-2002",
            "starter",
            "z@beispiel.example",
            &["--billing-period", "weekly"],
            "--billing-period must be monthly or yearly",
        ),
    ];
    for (number, package, email, extra, needle) in refusals {
        let out = create(url, number, package, email, extra);
        assert_eq!(out.status.code(), Some(2), "{needle}");
        assert_fails_with(&out, needle);
        assert!(out.stdout.is_empty(), "{needle}: nothing printed");
    }
    let listed = list(url);
    assert_eq!(listed.len(), 1, "{listed:?}");

    // --mail: no secret printed; the owner's mail is in the outbox.
    let mailed = ok_json(&[
        "accounts",
        "create",
        "--database-url",
        url,
        "--name",
        "Zweite GmbH",
        "--customer-number",
        "K-2003",
        "--package",
        "enterprise",
        "--owner-email",
        "chefin@zweite.example",
        "--owner-name",
        "Erika Zweite",
        "--billing-period",
        "yearly",
        "--mail",
    ]);
    assert_eq!(mailed["mailed"], true);
    assert!(mailed.get("license_token").is_none() && mailed.get("temporary_password").is_none());

    let listed = list(url);
    let numbers: Vec<&str> = listed
        .iter()
        .map(|a| a["customer_number"].as_str().expect("number"))
        .collect();
    assert_eq!(numbers, ["K-2001", "K-2003"]);
    assert_eq!(listed[0]["package"], "starter");
    assert_eq!(listed[0]["owner_email"], "owner@beispiel.example");
    assert_eq!(listed[0]["users"], 1);
    assert_eq!(listed[0]["live_tokens"], 1);
    assert_eq!(listed[1]["package"], "enterprise");

    let (t, tmp, acc) = (token.clone(), temp.clone(), account_id.clone());
    with_server(url, |client, db| async move {
        // The printed token signs in as the owner, who must still choose a password.
        let s = client.login_token(&token_login(&t)).await.expect("token");
        assert_eq!(s.user.account_id, acc);
        assert_eq!(s.user.email, "owner@beispiel.example");
        assert!(s.user.must_change_password);

        // The temporary password signs in but must be changed before anything else.
        let p = client
            .login_password(&password_login("owner@beispiel.example", &tmp))
            .await
            .expect("temporary password");
        assert!(p.user.must_change_password);
        assert_eq!(
            status(client.subscription(&p.access_token, &acc).await),
            403
        );
        client
            .change_password(
                &p.access_token,
                &ChangePassword {
                    current_password: tmp.clone(),
                    new_password: "Beispiel-Passw0rt!".to_string(),
                },
            )
            .await
            .expect("change");
        let again = client
            .login_password(&password_login(
                "owner@beispiel.example",
                "Beispiel-Passw0rt!",
            ))
            .await
            .expect("own password");
        assert!(!again.user.must_change_password);
        assert_eq!(
            status(
                client
                    .login_password(&password_login("owner@beispiel.example", &tmp))
                    .await
            ),
            401
        );
        // Now the token's session is a full one, on the package that was chosen.
        let s = client.login_token(&token_login(&t)).await.expect("token");
        assert!(!s.user.must_change_password);
        let sub = client
            .subscription(&s.access_token, &acc)
            .await
            .expect("subscription");
        assert_eq!(sub.package_code, "starter");
        let seats: Vec<(String, i64)> = sub
            .apps
            .iter()
            .map(|a| (a.product_code.clone(), a.package_seats))
            .collect();
        assert_eq!(seats, [("cmdb".to_string(), 10), ("docs".to_string(), 5)]);

        // The mailed account: its mail holds a password and a token that work.
        let now = SystemClock.now();
        let mails = db
            .claim_mails("test", now, now + 60, 10)
            .await
            .expect("claim");
        assert_eq!(mails.len(), 1, "{mails:?}");
        assert_eq!(mails[0].recipient, "chefin@zweite.example");
        assert!(mails[0].subject.contains("K-2003"), "{}", mails[0].subject);
        assert!(mails[0].body_text.starts_with("Hallo Erika Zweite,"));
        let values = mail_values(&mails[0].body_text);
        assert_eq!(values.len(), 2, "{values:?}");
        let m = client
            .login_password(&password_login("chefin@zweite.example", &values[0]))
            .await
            .expect("mailed password");
        assert!(m.user.must_change_password);
        client
            .change_password(
                &m.access_token,
                &ChangePassword {
                    current_password: values[0].clone(),
                    new_password: "Zweite-Passw0rt!".to_string(),
                },
            )
            .await
            .expect("change");
        let mt = client
            .login_token(&token_login(&values[1]))
            .await
            .expect("mailed token");
        let sub = client
            .subscription(&mt.access_token, &mt.user.account_id)
            .await
            .expect("subscription");
        assert_eq!(sub.package_code, "enterprise");
        assert_eq!(sub.billing_period, kontor_api::BillingPeriod::Yearly);

        let events: Vec<String> = db
            .audit_events(&acc)
            .await
            .expect("audit")
            .into_iter()
            .map(|e| e.event)
            .collect();
        assert_eq!(events.first().map(String::as_str), Some("account.created"));
    })
    .await;

    // Rotation: a new token; the old one stops working.
    let out = run(&[
        "accounts",
        "token",
        "--database-url",
        url,
        "--customer-number",
        "K-9999",
        "--rotate",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_fails_with(&out, "no account with customer number \"K-9999\"");
    let rotated = ok_json(&[
        "accounts",
        "token",
        "--database-url",
        url,
        "--customer-number",
        "K-2001",
        "--rotate",
    ]);
    let new_token = rotated["license_token"]
        .as_str()
        .expect("token")
        .to_string();
    assert_ne!(new_token, token);
    assert_eq!(rotated["account_id"], account_id.as_str());
    assert_eq!(list(url)[0]["live_tokens"], 1);

    let (old, acc) = (token.clone(), account_id.clone());
    with_server(url, |client, db| async move {
        assert_eq!(status(client.login_token(&token_login(&old)).await), 401);
        let s = client
            .login_token(&token_login(&new_token))
            .await
            .expect("new token");
        assert_eq!(s.user.account_id, acc);
        let events: Vec<String> = db
            .audit_events(&acc)
            .await
            .expect("audit")
            .into_iter()
            .map(|e| e.event)
            .collect();
        assert!(
            events.iter().any(|e| e == "account.token_rotated"),
            "{events:?}"
        );
        let verified = db.audit_verify(Some(&acc)).await.expect("verify");
        assert!(
            verified
                .iter()
                .all(|c| c.broken.is_none() && c.entries >= 2),
            "{verified:?}"
        );
    })
    .await;

    let _ = &temp;
    vec![token_of(&rotated), token]
}

fn token_of(v: &serde_json::Value) -> String {
    v["license_token"].as_str().expect("token").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_cli_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("accounts.sqlite").display());
    let tokens = scenario(&url).await;
    // Only hashes at rest: no printed token is in the database files. A connection that the closed pools
    // hand back on a runtime task can still be closing, and the last one removes `-wal`/`-shm` (after
    // checkpointing them into the database file): a file that vanishes mid-scan restarts the scan.
    let mut scans = 0;
    'scan: loop {
        scans += 1;
        for entry in std::fs::read_dir(dir.path()).expect("dir") {
            let path = entry.expect("entry").path();
            let bytes = match std::fs::read(&path) {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && scans < 50 => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    continue 'scan;
                }
                Err(e) => panic!("read {}: {e}", path.display()),
            };
            for t in &tokens {
                assert!(
                    !bytes.windows(t.len()).any(|w| w == t.as_bytes()),
                    "a license token in clear at rest ({})",
                    path.display()
                );
            }
        }
        break;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_cli_on_postgres() {
    let Ok(admin) = std::env::var("KONTOR_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but KONTOR_TEST_POSTGRES_URL is not"
        );
        eprintln!("note: KONTOR_TEST_POSTGRES_URL not set, PostgreSQL part skipped");
        return;
    };
    let name = format!("kt_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin).await.expect("connect");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create database");
    let mut url = url::Url::parse(&admin).expect("url");
    url.set_path(&format!("/{name}"));
    scenario(url.as_str()).await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&mut conn)
        .await
        .expect("drop database");
    let _ = conn.close().await;
}
