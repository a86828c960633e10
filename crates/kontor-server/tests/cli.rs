//! Tests of the `kontor-server` binary: start-up errors on stderr with a non-zero exit, `serve`, `seed-demo`,
//! `users import` and `license issue` / `license public-key`.

mod cli_support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use cli_support::{assert_fails_with, run, BIN};
use kontor_server::seed::DemoSeed;

/// A running `serve` and the base URL it printed.
struct Served {
    child: Child,
    url: String,
}

fn serve(db_url: &str) -> Served {
    serve_with(db_url, &[])
}

fn serve_with(db_url: &str, extra: &[&str]) -> Served {
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--database-url",
            db_url,
            "--bind",
            "127.0.0.1:0",
            "--demo",
        ])
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read stdout");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    Served { child, url }
}

impl Served {
    /// SIGTERM, then the exit status must be success (graceful shutdown).
    fn terminate(mut self) {
        let pid = self.child.id().to_string();
        let st = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(st.success());
        for _ in 0..100 {
            if let Some(status) = self.child.try_wait().expect("wait") {
                assert!(status.success(), "serve exited with {status}");
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        panic!("serve did not stop on SIGTERM");
    }
}

#[test]
fn unsupported_database_url_is_a_clear_error() {
    for url in ["mysql://u@h/db", "kontor.sqlite"] {
        let out = run(&["serve", "--database-url", url, "--bind", "127.0.0.1:0"]);
        assert_fails_with(&out, "unsupported database URL");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("sqlite:PATH") && stderr.contains("postgres://"),
            "{stderr}"
        );
    }
}

#[test]
fn unwritable_sqlite_location_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("plain-file");
    std::fs::write(&file, b"x").expect("write");
    let url = format!("sqlite:{}/kontor.sqlite", file.display());
    let out = run(&["serve", "--database-url", &url, "--bind", "127.0.0.1:0"]);
    assert_fails_with(&out, "cannot use SQLite database");
}

#[test]
fn port_in_use_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let url = format!("sqlite:{}", dir.path().join("k.sqlite").display());
    let out = run(&["serve", "--database-url", &url, "--bind", &addr]);
    assert_fails_with(&out, &format!("address {addr} is already in use"));
}

#[test]
fn serve_prints_its_address_locks_the_database_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("k.sqlite").display());
    let served = serve(&url);
    let port: u16 = served
        .url
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port in URL");
    assert_ne!(port, 0);

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let info = rt
        .block_on(
            kontor_client::PortalClient::new(&served.url)
                .expect("client")
                .info(),
        )
        .expect("info from the served address");
    assert!(info.demo);

    // The same SQLite file cannot be used by a second server (nor seeded meanwhile).
    let out = run(&["serve", "--database-url", &url, "--bind", "127.0.0.1:0"]);
    assert_fails_with(&out, "already used by another kontor-server");
    let out = run(&["seed-demo", "--database-url", &url]);
    assert_fails_with(&out, "already used by another kontor-server");

    served.terminate();
    // After shutdown the lock is free again.
    let out = run(&["seed-demo", "--database-url", &url]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn seed_demo_prints_one_json_line_and_refuses_to_seed_twice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("k.sqlite").display());
    let token = "abcd-".repeat(8);
    let out = Command::new(BIN)
        .args([
            "seed-demo",
            "--password",
            "Other-Passw0rd!",
            "--license-token",
            &token,
        ])
        .env("KONTOR_DATABASE_URL", &url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let seed: DemoSeed = serde_json::from_str(stdout.trim()).expect("DemoSeed JSON");
    assert_eq!(seed.owner_email, "admin@muster.example");
    assert_eq!(seed.owner_password, "Other-Passw0rd!");
    assert_eq!(seed.license_token, token);
    assert_eq!(seed.customer_number, "K-100042");
    assert!(!seed.account_id.is_empty());

    let out = run(&["seed-demo", "--database-url", &url]);
    assert_fails_with(&out, "customer number K-100042 already exists");

    let out = run(&[
        "seed-demo",
        "--database-url",
        &url,
        "--license-token",
        "bad!",
    ]);
    assert_fails_with(&out, "license_token");
}

// ---- users import ----

/// A seeded SQLite database in `dir`: its URL and the demo account id.
fn seeded(dir: &std::path::Path) -> (String, String) {
    let url = format!("sqlite:{}", dir.join("k.sqlite").display());
    let out = run(&["seed-demo", "--database-url", &url]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seed: DemoSeed = serde_json::from_slice(&out.stdout).expect("seed JSON");
    (url, seed.account_id)
}

/// Runs `users import` and answers exit code, the JSON summary and stderr.
fn import(
    url: &str,
    account: &str,
    extra: &[&str],
    file: &std::path::Path,
) -> (i32, serde_json::Value, String) {
    let mut args = vec![
        "users",
        "import",
        "--database-url",
        url,
        "--account",
        account,
    ];
    args.extend_from_slice(extra);
    let file = file.to_str().expect("utf-8 path");
    args.push(file);
    let out = run(&args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let json = if stdout.trim().is_empty() {
        serde_json::Value::Null
    } else {
        assert_eq!(stdout.lines().count(), 1, "one JSON line: {stdout}");
        serde_json::from_str(stdout.trim()).expect("JSON summary")
    };
    (out.status.code().expect("exit code"), json, stderr)
}

const FIXTURE: &str = "E-mail;Name;Role;Licenses;Location\r\n\
    a.one@cli.example;Anna One;user;cmdb;Berlin\r\n\
    b.two@cli.example;Bernd Two;admin;;\r\n\
    not-an-address;Bad Row;user;;\r\n\
    C.Three@cli.example;\"Three, Clara\";Buchhaltung;CMDB Pro;Hamburg\r\n";

async fn with_db<T, F>(url: &str, f: F) -> T
where
    F: for<'a> FnOnce(
        &'a dyn kontor_server::Database,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = T> + 'a>>,
{
    let db = kontor_server::open_database(url).await.expect("open");
    let r = f(db.as_ref()).await;
    db.close().await;
    r
}

#[test]
fn users_import_reports_rows_commits_valid_ones_and_is_idempotent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (url, acc) = seeded(dir.path());
    let file = dir.path().join("users.csv");
    std::fs::write(&file, FIXTURE).expect("write fixture");
    let pw = dir.path().join("passwords.csv");
    let pw_arg = pw.to_str().unwrap();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let exists = |email: &'static str| {
        rt.block_on(with_db(&url, move |db| {
            Box::pin(async move { db.user_by_email(email).await.expect("db").is_some() })
        }))
    };

    // Dry run: the report, nothing written.
    let (code, j, _) = import(&url, &acc, &["--dry-run"], &file);
    assert_eq!(code, 1, "{j}");
    assert_eq!(
        (
            j["rows"].as_u64(),
            j["valid"].as_u64(),
            j["created"].as_u64()
        ),
        (Some(4), Some(3), Some(0))
    );
    assert_eq!(j["file_error"], serde_json::Value::Null);
    let errors = j["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{j}");
    assert_eq!(errors[0]["row"], 4);
    assert_eq!(errors[0]["column"], "E-mail");
    assert_eq!(errors[0]["reason"], "invalid_email");
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("not a valid e-mail"));
    assert!(!exists("a.one@cli.example"));
    assert!(!pw.exists());

    // Without --passwords-out nothing is committed.
    let (code, j, stderr) = import(&url, &acc, &[], &file);
    assert_eq!(code, 2);
    assert_eq!(j, serde_json::Value::Null);
    assert!(stderr.contains("--passwords-out"), "{stderr}");
    assert!(!exists("a.one@cli.example"));

    // The commit: the valid rows, passwords only in the file.
    let (code, j, stderr) = import(&url, &acc, &["--passwords-out", pw_arg], &file);
    assert_eq!(code, 1, "{j} {stderr}");
    assert_eq!(
        (
            j["valid"].as_u64(),
            j["created"].as_u64(),
            j["already_done"].as_u64()
        ),
        (Some(3), Some(3), Some(0))
    );
    assert_eq!(j["errors"].as_array().unwrap().len(), 1);
    assert!(
        exists("a.one@cli.example") && exists("b.two@cli.example") && exists("c.three@cli.example")
    );
    // issue 12: the CLI indexes what it imported for the users list's search (SQLite's queue is empty).
    let queued = rt.block_on(with_db(&url, |db| {
        Box::pin(async move { db.index_search_queue(100).await.expect("db") })
    }));
    assert_eq!(queued, 0, "the import left users in the search queue");
    let csv = std::fs::read_to_string(&pw).expect("passwords file");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "email,display_name,temporary_password,status");
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(
        lines[2].starts_with("b.two@cli.example,Bernd Two,"),
        "{csv}"
    );
    assert!(
        lines[3].starts_with("c.three@cli.example,\"Three, Clara\","),
        "{csv}"
    );
    assert!(lines[1..].iter().all(|l| l.ends_with(",created")), "{csv}");
    let first_password = lines[1].rsplit(',').nth(1).unwrap().to_string();
    assert_eq!(first_password.len(), 20);
    assert!(!stderr.contains(&first_password));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&pw).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());

    // The same file again: nothing twice; the dry run knows the batch is done.
    let (code, j, _) = import(&url, &acc, &["--dry-run"], &file);
    assert_eq!(
        (code, j["valid"].as_u64(), j["already_done"].as_u64()),
        (1, Some(3), Some(3))
    );
    let (code, j, _) = import(&url, &acc, &["--passwords-out", pw_arg], &file);
    assert_eq!(code, 1);
    assert_eq!(
        (j["created"].as_u64(), j["already_done"].as_u64()),
        (Some(0), Some(3))
    );
    let (count, events) = rt.block_on(with_db(&url, |db| {
        let acc = acc.clone();
        Box::pin(async move {
            let n = db.active_user_count(&acc).await.unwrap();
            let events = db
                .audit_page(
                    &acc,
                    &kontor_server::db::users::AuditFilter {
                        limit: 100,
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            (n, events)
        })
    }));
    assert_eq!(count, 12 + 3, "no duplicates");
    let batch_events: Vec<_> = events
        .iter()
        .filter(|e| e.event.starts_with("user.import"))
        .collect();
    // The re-run changed nothing (no passwords reissued), so only the commit is recorded.
    assert_eq!(batch_events.len(), 1, "{events:?}");
    assert!(!events.iter().any(|e| e.event == "user.import_retried"));
    let csv = std::fs::read_to_string(&pw).expect("passwords file");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(
        lines[1..].iter().all(|l| l.ends_with(",already_created")),
        "{csv}"
    );
    assert_eq!(lines[1].rsplit(',').nth(1), Some(first_password.as_str()));
    assert!(batch_events
        .iter()
        .all(|e| e.actor.as_deref() == Some("cli") && e.ip.is_none()));

    // Another file naming an existing address reports it.
    let file2 = dir.path().join("more.csv");
    std::fs::write(
        &file2,
        "E-mail,Name\nA.ONE@cli.example,Anna Again\nd.four@cli.example,Dora Four\n",
    )
    .unwrap();
    let (code, j, _) = import(&url, &acc, &["--dry-run"], &file2);
    assert_eq!(code, 1);
    assert_eq!(j["errors"][0]["reason"], "already_exists");
    assert_eq!(j["errors"][0]["row"], 2);

    // An all-valid file: exit 0.
    let file3 = dir.path().join("ok.csv");
    std::fs::write(&file3, "E-mail,Name\nd.four@cli.example,Dora Four\n").unwrap();
    let (code, j, _) = import(&url, &acc, &["--passwords-out", pw_arg], &file3);
    assert_eq!((code, j["created"].as_u64()), (0, Some(1)), "{j}");
}

#[test]
fn users_import_refuses_unknown_accounts_and_unusable_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (url, acc) = seeded(dir.path());
    let file = dir.path().join("users.csv");
    std::fs::write(&file, FIXTURE).expect("write fixture");
    let (code, j, stderr) = import(&url, "no-such-account", &["--dry-run"], &file);
    assert_eq!((code, j), (2, serde_json::Value::Null));
    assert!(stderr.contains("unknown account"), "{stderr}");

    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let (code, j, _) = import(&url, &acc, &["--dry-run"], &empty);
    assert_eq!(code, 2);
    assert_eq!(j["file_error"]["code"], "empty");
    let (code, j, _) = import(&url, &acc, &["--dry-run"], &dir.path().join("missing.csv"));
    assert_eq!(code, 2);
    assert_eq!(j["file_error"]["code"], "unreadable");
}

/// A crash after the first batch: the next run of the same file commits only the rest.
#[test]
fn users_import_finishes_an_interrupted_import() {
    use kontor_server::db::users::{Actor, ImportKey, NewUserRow};
    let dir = tempfile::tempdir().expect("tempdir");
    let (url, acc) = seeded(dir.path());
    let n = kontor_api::MAX_IMPORT_BATCH + 2;
    let mut text = String::from("E-mail,Name\n");
    for i in 0..n {
        text.push_str(&format!("u{i}@crash.example,User {i}\n"));
    }
    let file = dir.path().join("big.csv");
    std::fs::write(&file, &text).unwrap();
    let import_id = kontor_server::import::import_id_of(&acc, text.as_bytes());
    // Batch 0 as the CLI commits it, then "the crash".
    let rows: Vec<NewUserRow> = (0..kontor_api::MAX_IMPORT_BATCH)
        .map(|i| NewUserRow {
            id: format!("crash-{i}"),
            email: format!("u{i}@crash.example"),
            display_name: format!("User {i}"),
            role: kontor_api::Role::User,
            location_id: None,
            licenses: vec![],
            temp_password_hash: "s256$00$00".into(),
        })
        .collect();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(with_db(&url, |db| {
        let actor = Actor {
            account_id: acc.clone(),
            user_id: String::new(),
            system: Some("cli".into()),
            ip: None,
            at: 1,
        };
        let key = ImportKey {
            import_id: import_id.clone(),
            batch: 0,
        };
        Box::pin(async move {
            db.create_users(&actor, &rows, Some(&key))
                .await
                .unwrap()
                .unwrap();
        })
    }));
    let pw = dir.path().join("pw.csv");
    let (code, j, stderr) = import(
        &url,
        &acc,
        &["--passwords-out", pw.to_str().unwrap()],
        &file,
    );
    assert_eq!(code, 0, "{j} {stderr}");
    assert_eq!(
        (
            j["valid"].as_u64(),
            j["created"].as_u64(),
            j["already_done"].as_u64()
        ),
        (
            Some(n as u64),
            Some(2),
            Some(kontor_api::MAX_IMPORT_BATCH as u64)
        )
    );
    let count = rt.block_on(with_db(&url, |db| {
        let acc = acc.clone();
        Box::pin(async move { db.active_user_count(&acc).await.unwrap() })
    }));
    assert_eq!(count, 12 + n as i64);
}

/// The lines of a `--passwords-out` file after its header: (e-mail, password, status).
fn password_lines(path: &std::path::Path) -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(path).expect("passwords file");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("email,display_name,temporary_password,status")
    );
    lines
        .map(|l| {
            // The test names have no commas or quotes, so a plain split is exact.
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 4, "{l}");
            (f[0].to_string(), f[2].to_string(), f[3].to_string())
        })
        .collect()
}

fn temp_files(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

/// Issue 10, defect 10: `users import` killed with SIGKILL mid-import, then run again. The first run's
/// passwords file holds the passwords of the users it created, and they still sign in after the re-run;
/// the re-run lists those users `already_created` with the same password, creates only the rest, creates
/// nobody twice and loses nobody, and no temporary file is left (also not an older killed run's).
fn killed_import_resumes_without_resetting_passwords(url: &str, acc: &str, data_dir: Option<&str>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = kontor_api::MAX_IMPORT_BATCH * 4 + 3;
    let mut text = String::from("E-mail,Name\n");
    for i in 0..n {
        text.push_str(&format!("u{i}@killed.example,User {i}\n"));
    }
    let file = dir.path().join("big.csv");
    std::fs::write(&file, &text).expect("write file");
    let pw = dir.path().join("pw.csv");
    let args = [
        "users",
        "import",
        "--database-url",
        url,
        "--account",
        acc,
        "--passwords-out",
        pw.to_str().expect("utf-8"),
        file.to_str().expect("utf-8"),
    ];

    // Run 1: SIGKILL as soon as the first batch's passwords are on disk.
    let mut child = Command::new(BIN)
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn import");
    let started = std::time::Instant::now();
    while !pw.exists() {
        assert!(
            child.try_wait().expect("wait").is_none(),
            "the import ended before its first batch was written"
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no passwords file"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(
        child.try_wait().expect("wait").is_none(),
        "the import finished before it could be killed; make the file bigger"
    );
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    let first = password_lines(&pw);
    assert!(
        first.len() >= kontor_api::MAX_IMPORT_BATCH && first.len() < n,
        "killed mid-import: {} of {n} passwords written",
        first.len()
    );
    assert!(first
        .iter()
        .all(|(_, p, s)| s == "created" && p.len() == 20));
    // What a run killed while writing its passwords file leaves: removed by the next run.
    let stale = dir.path().join(".pw.csv.4000000000.0.tmp");
    std::fs::write(&stale, "").expect("stale temp file");

    // Run 2: the same file to the end.
    let (code, j, stderr) = import(url, acc, &["--passwords-out", pw.to_str().unwrap()], &file);
    assert_eq!(code, 0, "{j} {stderr}");
    let created = j["created"].as_u64().expect("created") as usize;
    let already = j["already_done"].as_u64().expect("already_done") as usize;
    assert_eq!(created + already, n, "{j}");
    assert!(already >= first.len(), "{j}");
    assert_eq!(temp_files(dir.path()), Vec::<String>::new());
    let second = password_lines(&pw);
    assert_eq!(second.len(), n);
    let by_email: std::collections::HashMap<&str, (&str, &str)> = second
        .iter()
        .map(|(e, p, s)| (e.as_str(), (p.as_str(), s.as_str())))
        .collect();
    assert_eq!(by_email.len(), n, "every user once");
    for (email, password, _) in &first {
        assert_eq!(
            by_email.get(email.as_str()),
            Some(&(password.as_str(), "already_created")),
            "{email}: the first run's password is kept"
        );
    }
    let new_ones: Vec<&(String, String, String)> =
        second.iter().filter(|(_, _, s)| s == "created").collect();
    assert_eq!(new_ones.len(), created);

    // Run 3: nothing changes, every password is still listed.
    let (code, j, _) = import(url, acc, &["--passwords-out", pw.to_str().unwrap()], &file);
    assert_eq!(
        (code, j["created"].as_u64(), j["already_done"].as_u64()),
        (0, Some(0), Some(n as u64))
    );
    let third = password_lines(&pw);
    assert_eq!(third.len(), n);
    for (email, password, status) in &third {
        assert_eq!(status, "already_created", "{email}");
        assert_eq!(by_email[email.as_str()].0, password, "{email}");
    }

    // No duplicate, nobody lost.
    let count = tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(with_db(url, |db| {
            let acc = acc.to_string();
            Box::pin(async move { db.active_user_count(&acc).await.expect("count") })
        }));
    assert_eq!(count, 12 + n as i64);

    // The handed-out passwords sign in: first and last of the killed run's file, first and last new one.
    let mut extra = vec![];
    if let Some(d) = data_dir {
        extra = vec!["--data-dir", d];
    }
    let served = serve_with(url, &extra);
    let samples = [
        &first[0],
        &first[first.len() - 1],
        new_ones[0],
        new_ones[new_ones.len() - 1],
    ];
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let client = kontor_client::PortalClient::new(&served.url).expect("client");
    for (email, password, _) in samples {
        let r = rt.block_on(client.login_password(&kontor_api::PasswordLogin {
            email: email.clone(),
            password: password.clone(),
            remember: false,
        }));
        assert!(r.is_ok(), "{email} cannot sign in: {r:?}");
    }
    served.terminate();
}

#[test]
fn killed_users_import_resumes_without_resetting_passwords_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (url, acc) = seeded(dir.path());
    killed_import_resumes_without_resetting_passwords(&url, &acc, None);
}

#[test]
fn killed_users_import_resumes_without_resetting_passwords_postgres() {
    let Ok(admin) = std::env::var("KONTOR_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but KONTOR_TEST_POSTGRES_URL is not"
        );
        eprintln!("note: KONTOR_TEST_POSTGRES_URL not set, PostgreSQL part skipped");
        return;
    };
    use sqlx::Connection;
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let name = format!("kt_{}", uuid::Uuid::new_v4().simple());
    let mut conn = rt
        .block_on(sqlx::PgConnection::connect(&admin))
        .expect("connect");
    rt.block_on(sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn))
        .expect("create database");
    let mut url = url::Url::parse(&admin).expect("url");
    url.set_path(&format!("/{name}"));
    let url = url.to_string();
    let out = run(&["seed-demo", "--database-url", &url]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seed: DemoSeed = serde_json::from_slice(&out.stdout).expect("seed JSON");
    let data = tempfile::tempdir().expect("tempdir");
    killed_import_resumes_without_resetting_passwords(
        &url,
        &seed.account_id,
        Some(data.path().to_str().expect("utf-8")),
    );
    rt.block_on(sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)")).execute(&mut conn))
        .expect("drop database");
}

// ---- license issue / public-key ----

fn machine_request(dir: &std::path::Path, machine_id: &str) -> (String, std::path::PathBuf) {
    let fp = kontor_license::fingerprint_from_machine_id(machine_id);
    let req = kontor_license::ActivationRequest {
        format: 1,
        fingerprint: fp.clone(),
        hostname: format!("{machine_id}.example"),
        created_at: 1_780_000_000,
    };
    let path = dir.join(format!("{machine_id}.req"));
    std::fs::write(&path, req.to_armored()).expect("write request");
    (fp, path)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs() as i64
}

#[test]
fn license_cli_issues_with_the_served_key_and_keeps_the_activation_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (url, account) = seeded(dir.path());

    // public-key creates the key in the database's directory and prints it.
    let out = run(&["license", "public-key", "--database-url", &url]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).expect("utf-8");
    assert_eq!(printed.lines().count(), 1);
    let pk = kontor_license::PublicKey::parse(printed.trim()).expect("public key line");
    assert!(dir.path().join("license-signing.key").is_file());

    // serve publishes the same key.
    let served = serve(&url);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let published = rt
        .block_on(
            kontor_client::PortalClient::new(&served.url)
                .expect("client")
                .license_public_key(),
        )
        .expect("public key endpoint");
    served.terminate();
    assert_eq!(published.public_key, printed.trim());
    assert_eq!(published.key_id, pk.key_id());

    // Account-wide license.
    let file = dir.path().join("account.lic");
    let out = run(&[
        "license",
        "issue",
        "--database-url",
        &url,
        "--account",
        &account,
        "--out",
        file.to_str().expect("utf-8"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: kontor_api::IssuedLicenseInfo =
        serde_json::from_slice(&out.stdout).expect("one JSON line");
    let text = std::fs::read_to_string(&file).expect("license file");
    let opts = kontor_license::VerifyOptions {
        now: now(),
        machine: Some(&"0".repeat(64)),
    };
    let payload = kontor_license::verify(&text, std::slice::from_ref(&pk), opts).expect("verifies");
    assert_eq!(payload.license_id, info.license_id);
    assert_eq!(payload.account_id, account);
    assert_eq!(payload.machine, None);
    assert_eq!(payload.products.len(), 3);

    // Machine-bound licenses: the same limit of 5 as the API, the same machine renews for free.
    let (fp, req) = machine_request(dir.path(), "cli-0");
    let bound = dir.path().join("cli-0.lic");
    let issue_for = |req: &std::path::Path, out: &std::path::Path| {
        run(&[
            "license",
            "issue",
            "--database-url",
            &url,
            "--account",
            &account,
            "--request",
            req.to_str().expect("utf-8"),
            "--out",
            out.to_str().expect("utf-8"),
        ])
    };
    for _ in 0..2 {
        let out = issue_for(&req, &bound);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = std::fs::read_to_string(&bound).expect("bound license");
    let opts = kontor_license::VerifyOptions {
        now: now(),
        machine: Some(&fp),
    };
    let payload = kontor_license::verify(&text, std::slice::from_ref(&pk), opts).expect("verifies");
    assert_eq!(payload.machine.as_deref(), Some(fp.as_str()));
    let other = kontor_license::fingerprint_from_machine_id("elsewhere");
    let opts = kontor_license::VerifyOptions {
        now: now(),
        machine: Some(&other),
    };
    assert!(matches!(
        kontor_license::verify(&text, std::slice::from_ref(&pk), opts),
        Err(kontor_license::LicenseError::BoundToOtherMachine { .. })
    ));
    for i in 1..5 {
        let (_, req) = machine_request(dir.path(), &format!("cli-{i}"));
        let out = issue_for(&req, &dir.path().join(format!("cli-{i}.lic")));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (_, req) = machine_request(dir.path(), "cli-5");
    let refused = dir.path().join("cli-5.lic");
    let out = issue_for(&req, &refused);
    assert_fails_with(
        &out,
        "activation limit reached (5 of 5 machines); revoke one first",
    );
    assert!(!refused.exists(), "nothing written when refused");

    // Every issue is in the audit log, by "cli".
    let events = rt.block_on(with_db(&url, |db| {
        let account = account.clone();
        Box::pin(async move { db.audit_events(&account).await.expect("audit") })
    }));
    let issued: Vec<_> = events
        .iter()
        .filter(|e| e.event == "offline_license.issued" || e.event == "offline_license.activated")
        .collect();
    assert_eq!(issued.len(), 7);
    assert!(issued.iter().all(|e| e.actor_user_id.is_none()));

    // Errors: unknown account, bad request file.
    let out = run(&[
        "license",
        "issue",
        "--database-url",
        &url,
        "--account",
        "nope",
        "--out",
        dir.path().join("x.lic").to_str().expect("utf-8"),
    ]);
    assert_fails_with(&out, "account nope: account not found");
    let junk = dir.path().join("junk.req");
    std::fs::write(&junk, "junk").expect("write");
    let out = issue_for(&junk, &dir.path().join("x.lic"));
    assert_fails_with(&out, "not a valid activation request");
}

#[test]
fn serve_needs_a_data_dir_without_a_sqlite_file_and_a_usable_key() {
    let out = run(&[
        "serve",
        "--database-url",
        "postgres://kontor@127.0.0.1:1/kontor",
        "--bind",
        "127.0.0.1:0",
    ]);
    assert_fails_with(&out, "--data-dir (or KONTOR_DATA_DIR) is required");
    let out = run(&["license", "public-key", "--database-url", "sqlite::memory:"]);
    assert_fails_with(&out, "--data-dir (or KONTOR_DATA_DIR) is required");

    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let out = run(&[
        "license",
        "public-key",
        "--database-url",
        "postgres://kontor@127.0.0.1:1/kontor",
        "--data-dir",
        data.to_str().expect("utf-8"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = data.join("license-signing.key");
    std::fs::write(&key, "not a key").expect("garble");
    let url = format!("sqlite:{}", dir.path().join("k.sqlite").display());
    let out = run(&[
        "serve",
        "--database-url",
        &url,
        "--bind",
        "127.0.0.1:0",
        "--data-dir",
        data.to_str().expect("utf-8"),
    ]);
    assert_fails_with(&out, "is not a kontor-ed25519-secret key");
}
