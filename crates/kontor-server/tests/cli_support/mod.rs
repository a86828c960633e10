//! Shared by the tests of the `kontor-server` binary: run it with a clean environment and read its answers.
#![allow(dead_code)]

use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_kontor-server");

/// Runs the binary with `args`; no configuration leaks in from the caller's environment.
pub fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("KONTOR_DATABASE_URL")
        .env_remove("KONTOR_BIND")
        .env_remove("KONTOR_DATA_DIR")
        .env_remove("KONTOR_INSTALLERS_DIR")
        .env_remove("KONTOR_RELEASES_DIR")
        .env_remove("TAURI_SIGNING_PRIVATE_KEY_PASSWORD")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run kontor-server")
}

/// Asserts a failed run with exactly one error line on stderr containing `needle`.
pub fn assert_fails_with(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected failure, stderr: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(lines.len(), 1, "one error line expected, got: {stderr}");
    assert!(lines[0].contains(needle), "{needle:?} not in {stderr:?}");
}
