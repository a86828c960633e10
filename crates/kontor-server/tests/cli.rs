//! Tests of the `kontor-server` binary: start-up errors on stderr with a non-zero exit, `serve`, and `seed-demo`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use kontor_server::seed::DemoSeed;

const BIN: &str = env!("CARGO_BIN_EXE_kontor-server");

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("KONTOR_DATABASE_URL")
        .env_remove("KONTOR_BIND")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run kontor-server")
}

/// Asserts a failed run with exactly one error line on stderr containing `needle`.
fn assert_fails_with(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected failure, stderr: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(lines.len(), 1, "one error line expected, got: {stderr}");
    assert!(lines[0].contains(needle), "{needle:?} not in {stderr:?}");
}

/// A running `serve` and the base URL it printed.
struct Served {
    child: Child,
    url: String,
}

fn serve(db_url: &str) -> Served {
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--database-url",
            db_url,
            "--bind",
            "127.0.0.1:0",
            "--demo",
        ])
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
