//! CLI tests: run the built `kontor-license` binary for `request` and `verify`, checking output and exit codes.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;
use kontor_license::{fingerprint_from_machine_id, sign, ActivationRequest, LicensePayload};

const RAW_ID: &str = "4c1c0ffee0dd4b6e9d2a7f3e5b8c9a10";

fn cli(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kontor-license"));
    cmd.args(args)
        .env("KONTOR_MACHINE_ID", RAW_ID)
        .env_remove("KONTOR_LICENSE_PUBLIC_KEY");
    cmd
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().unwrap();
    (
        status.code().unwrap(),
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
    )
}

fn write_license(dir: &Path, payload: &LicensePayload) -> String {
    let path = dir.join("license.lic");
    std::fs::write(&path, sign(payload, &key_a())).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn request_to_stdout_holds_the_hashed_fingerprint_only() {
    let (code, out, err) = run(&mut cli(&["request"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("-----BEGIN KONTOR ACTIVATION REQUEST-----\n"));
    let req = ActivationRequest::parse(&out).unwrap();
    assert_eq!(req.fingerprint, fingerprint_from_machine_id(RAW_ID));
    assert_eq!(req.format, 1);
    assert!(!out.contains(RAW_ID));
    let json = String::from_utf8_lossy(&common_b64(&out)).into_owned();
    assert!(!json.contains(RAW_ID), "{json}");
}

fn common_b64(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    let b64: String = text
        .lines()
        .skip(3)
        .take_while(|l| !l.starts_with("-----"))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
}

#[test]
fn request_to_file_is_written_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("activation.req");
    std::fs::write(&path, "old content").unwrap();
    let (code, out, err) = run(&mut cli(&["request", "--out", path.to_str().unwrap()]));
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty());
    let req = ActivationRequest::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(req.fingerprint, fingerprint_from_machine_id(RAW_ID));
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["activation.req"]);
    // A directory that does not exist is an I/O error (exit 2).
    let missing = dir.path().join("nope/activation.req");
    let (code, _, err) = run(&mut cli(&["request", "--out", missing.to_str().unwrap()]));
    assert_eq!(code, 2);
    assert!(err.starts_with("error: cannot write"), "{err}");
}

#[test]
fn verify_accepts_and_prints_json() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_license(dir.path(), &payload());
    let key = public(&key_a()).to_text();
    let now = NOW.to_string();
    let (code, out, err) = run(&mut cli(&[
        "verify",
        &file,
        "--public-key",
        &key,
        "--now",
        &now,
    ]));
    assert_eq!(code, 0, "{err}");
    let got: LicensePayload = serde_json::from_str(&out).unwrap();
    assert_eq!(got, payload());
    assert!(out.contains("\n  \"license_id\""), "pretty JSON: {out}");
}

#[test]
fn verify_key_from_file_and_env() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_license(dir.path(), &payload());
    let keys = dir.path().join("trusted.keys");
    std::fs::write(
        &keys,
        format!(
            "# old and new key\n{}\n\n{}\n",
            public(&key_b()),
            public(&key_a())
        ),
    )
    .unwrap();
    let at_file = format!("@{}", keys.display());
    let now = NOW.to_string();
    let (code, _, err) = run(&mut cli(&[
        "verify",
        &file,
        "--public-key",
        &at_file,
        "--now",
        &now,
    ]));
    assert_eq!(code, 0, "{err}");

    let (code, _, err) = run(cli(&["verify", &file, "--now", &now])
        .env("KONTOR_LICENSE_PUBLIC_KEY", public(&key_a()).to_text()));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn verify_rejections_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let key = public(&key_a()).to_text();
    let file = write_license(dir.path(), &payload());

    let late = EXPIRES_AT.to_string();
    let (code, out, err) = run(&mut cli(&[
        "verify",
        &file,
        "--public-key",
        &key,
        "--now",
        &late,
    ]));
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.starts_with("rejected: expired"), "{err}");

    let early = (NOT_BEFORE - 1).to_string();
    let (code, _, err) = run(&mut cli(&[
        "verify",
        &file,
        "--public-key",
        &key,
        "--now",
        &early,
    ]));
    assert_eq!(code, 1);
    assert!(err.starts_with("rejected: not yet valid"), "{err}");

    let other = public(&key_b()).to_text();
    let now = NOW.to_string();
    let (code, _, err) = run(&mut cli(&[
        "verify",
        &file,
        "--public-key",
        &other,
        "--now",
        &now,
    ]));
    assert_eq!(code, 1);
    assert!(
        err.starts_with("rejected: signed by an unknown key"),
        "{err}"
    );

    let tampered = dir.path().join("tampered.lic");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&tampered, text.replace("Version: 1", "Version: 2")).unwrap();
    let (code, _, err) = run(&mut cli(&[
        "verify",
        tampered.to_str().unwrap(),
        "--public-key",
        &key,
        "--now",
        &now,
    ]));
    assert_eq!(code, 1);
    assert!(
        err.starts_with("rejected: unsupported license format version 2"),
        "{err}"
    );

    std::fs::write(&tampered, [0xffu8, 0xfe, 0x00]).unwrap();
    let (code, _, err) = run(&mut cli(&[
        "verify",
        tampered.to_str().unwrap(),
        "--public-key",
        &key,
    ]));
    assert_eq!(code, 1);
    assert!(err.starts_with("rejected: bad armour"), "{err}");
}

#[test]
fn verify_machine_binding() {
    let dir = tempfile::tempdir().unwrap();
    let key = public(&key_a()).to_text();
    let now = NOW.to_string();
    let mut p = payload();
    p.machine = Some(fingerprint_from_machine_id("some other machine"));
    let file = write_license(dir.path(), &p);
    let (code, _, err) = run(&mut cli(&[
        "verify",
        &file,
        "--public-key",
        &key,
        "--now",
        &now,
    ]));
    assert_eq!(code, 1);
    assert!(
        err.starts_with("rejected: bound to another machine"),
        "{err}"
    );
    let (code, _, err) = run(&mut cli(&[
        "verify",
        &file,
        "--public-key",
        &key,
        "--now",
        &now,
        "--ignore-machine",
    ]));
    assert_eq!(code, 0, "{err}");

    p.machine = Some(fingerprint_from_machine_id(RAW_ID));
    let file = write_license(dir.path(), &p);
    let (code, _, err) = run(&mut cli(&[
        "verify",
        &file,
        "--public-key",
        &key,
        "--now",
        &now,
    ]));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_license(dir.path(), &payload());
    // No trusted key anywhere.
    let (code, _, err) = run(&mut cli(&["verify", &file]));
    assert_eq!(code, 2);
    assert!(err.contains("no trusted public key"), "{err}");
    // A malformed key.
    let (code, _, err) = run(&mut cli(&[
        "verify",
        &file,
        "--public-key",
        "ssh-ed25519 AAAA",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("bad public key"), "{err}");
    // A missing license file.
    let key = public(&key_a()).to_text();
    let (code, _, err) = run(&mut cli(&[
        "verify",
        "/nonexistent/license.lic",
        "--public-key",
        &key,
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");
    // clap's own usage errors.
    assert_eq!(run(&mut cli(&[])).0, 2);
    assert_eq!(run(&mut cli(&["verify"])).0, 2);
    assert_eq!(run(&mut cli(&["verify", &file, "--now", "soon"])).0, 2);
}
