//! Tests of the vendor commands of the `kontor-server` binary for downloads: `installers add` (and the demo
//! installers of `seed-demo`) and `release keygen | sign | publish`, whose keys and signatures must verify
//! with `minisign-verify` exactly as tauri-plugin-updater does.

mod cli_support;

use std::path::Path;
use std::process::Output;

use base64::Engine;
use cli_support::{assert_fails_with, run};
use kontor_server::seed::DemoSeed;
use sha2::{Digest, Sha256};

fn ok_json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout.clone()).expect("utf-8");
    assert_eq!(stdout.lines().count(), 1, "one JSON line: {stdout}");
    serde_json::from_str(stdout.trim()).expect("JSON")
}

fn b64(s: &str) -> String {
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(s.trim())
            .expect("base64"),
    )
    .expect("utf-8")
}

/// As tauri-plugin-updater: the pubkey and the signature are base64 of minisign text.
fn updater_verifies(pubkey: &str, signature: &str, data: &[u8]) -> bool {
    let pk = minisign_verify::PublicKey::decode(&b64(pubkey)).expect("public key");
    let sig = minisign_verify::Signature::decode(&b64(signature)).expect("signature");
    pk.verify(data, &sig, false).is_ok()
}

#[tokio::test]
async fn installers_add_stores_the_file_and_validates_every_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("k.sqlite").display());
    let seed: DemoSeed =
        serde_json::from_value(ok_json(&run(&["seed-demo", "--database-url", &url])))
            .expect("seed");
    // seed-demo put demo installers into the SQLite file's directory.
    let db = kontor_server::open_database(&url).await.expect("open");
    let demo = db.account_installers(&seed.account_id).await.expect("list");
    assert_eq!(demo.len(), 5, "{demo:?}");
    assert!(demo.iter().all(|i| i.product_code != "api"));
    for i in &demo {
        let bytes = std::fs::read(dir.path().join("installers").join(&i.sha256)).expect("stored");
        assert_eq!(bytes.len() as i64, i.size);
        assert_eq!(hex::encode(Sha256::digest(&bytes)), i.sha256);
    }
    db.close().await;
    drop(db);

    let file = dir.path().join("CMDB-Pro-9.0.0.msi");
    let data: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&file, &data).expect("write");
    let sha = hex::encode(Sha256::digest(&data));
    let args = |platform: &'static str| {
        vec![
            "installers".to_string(),
            "add".to_string(),
            "--database-url".to_string(),
            url.clone(),
            "--product".to_string(),
            "cmdb".to_string(),
            "--version".to_string(),
            "9.0.0".to_string(),
            "--platform".to_string(),
            platform.to_string(),
            "--arch".to_string(),
            "x86_64".to_string(),
            "--file".to_string(),
            file.display().to_string(),
            "--notes".to_string(),
            "Major release".to_string(),
            "--released-on".to_string(),
            "2026-11-20".to_string(),
        ]
    };
    let run_v = |v: Vec<String>| run(&v.iter().map(String::as_str).collect::<Vec<_>>());
    let added = ok_json(&run_v(args("windows")));
    assert_eq!(added["sha256"], sha);
    assert_eq!(added["size"], 300_000);
    assert_eq!(added["file_name"], "CMDB-Pro-9.0.0.msi");
    assert_eq!(added["platform"], "windows");
    assert_eq!(added["released_on"], "2026-11-20");
    let stored = dir.path().join("installers").join(&sha);
    assert_eq!(added["path"], stored.display().to_string());
    assert_eq!(std::fs::read(&stored).expect("stored"), data);
    // No temp file is left in the store.
    let names: Vec<String> = std::fs::read_dir(dir.path().join("installers"))
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");

    // The same installer again is a conflict.
    assert_fails_with(&run_v(args("windows")), "already in the catalog");

    // Every field is checked, with the field named.
    let cases: [(usize, &str, &str); 5] = [
        (5, "nope", "unknown product"),
        (7, "latest", "--version"),
        (9, "solaris", "--platform"),
        (11, "sparc", "--arch"),
        (17, "20.11.2026", "--released-on"),
    ];
    for (index, value, needle) in cases {
        let mut v = args("linux");
        v[index] = value.to_string();
        assert_fails_with(&run_v(v), needle);
    }
    let mut v = args("linux");
    v[13] = dir.path().join("missing.msi").display().to_string();
    assert_fails_with(&run_v(v), "--file");
    // Refused adds left the catalog as it was.
    let db = kontor_server::open_database(&url).await.expect("open");
    assert_eq!(
        db.account_installers(&seed.account_id)
            .await
            .expect("list")
            .len(),
        6
    );
    db.close().await;
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn release_keygen_sign_and_publish_verify_like_the_updater() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = dir.path().join("keys");
    let k = ok_json(&run(&[
        "release",
        "keygen",
        "--out-dir",
        &keys.display().to_string(),
    ]));
    let private = keys.join("kontor-updater.key");
    let public = keys.join("kontor-updater.key.pub");
    assert_eq!(k["private_key_file"], private.display().to_string());
    assert_eq!(k["public_key"], read(&public));
    let pubkey = read(&public);
    assert!(b64(&pubkey).starts_with("untrusted comment: minisign public key"));
    // The private key: minisign secret-key text, encrypted with the empty password (as `-p ""`).
    assert!(b64(&read(&private)).starts_with("untrusted comment:"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&private)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Never overwritten.
    assert_fails_with(
        &run(&[
            "release",
            "keygen",
            "--out-dir",
            &keys.display().to_string(),
        ]),
        "already exists",
    );
    assert_eq!(read(&public), pubkey);

    let bundle = dir.path().join("Kontor_0.2.0_amd64.AppImage");
    let data: Vec<u8> = (0..50_000u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(&bundle, &data).expect("write");
    let key_arg = private.display().to_string();
    ok_json(&run(&[
        "release",
        "sign",
        "--key",
        &key_arg,
        "--file",
        &bundle.display().to_string(),
    ]));
    let sig = read(&dir.path().join("Kontor_0.2.0_amd64.AppImage.sig"));
    assert!(updater_verifies(&pubkey, &sig, &data));
    let trusted = minisign_verify::Signature::decode(&b64(&sig))
        .expect("signature")
        .trusted_comment()
        .to_string();
    assert!(
        !trusted.contains("version:"),
        "no --app-version, no version: {trusted}"
    );
    let mut tampered = data.clone();
    tampered[12_345] ^= 0x01;
    assert!(!updater_verifies(&pubkey, &sig, &tampered));
    // A wrong password is refused.
    assert_fails_with(
        &run(&[
            "release",
            "sign",
            "--key",
            &key_arg,
            "--file",
            &bundle.display().to_string(),
            "--password",
            "wrong",
        ]),
        "minisign",
    );

    let releases = dir.path().join("releases");
    let rel_arg = releases.display().to_string();
    let notes_de = dir.path().join("notes-de.txt");
    std::fs::write(&notes_de, "Seite „Downloads“\n").expect("write notes");
    let published = ok_json(&run(&[
        "release",
        "publish",
        "--releases-dir",
        &rel_arg,
        "--version",
        "0.2.0",
        "--notes",
        "Downloads page",
        "--notes-de",
        &notes_de.display().to_string(),
        "--platform",
        "linux-x86_64",
        "--file",
        &bundle.display().to_string(),
        "--key",
        &key_arg,
    ]));
    let folder = releases.join("0.2.0");
    assert_eq!(
        published["release_json"],
        folder.join("release.json").display().to_string()
    );
    assert_eq!(
        std::fs::read(folder.join("Kontor_0.2.0_amd64.AppImage")).expect("copied"),
        data
    );
    let json: serde_json::Value =
        serde_json::from_str(&read(&folder.join("release.json"))).expect("release.json");
    assert_eq!(json["version"], "0.2.0");
    assert_eq!(json["notes"], "Downloads page");
    assert_eq!(json["notes_by_language"]["de"], "Seite „Downloads“");
    assert_eq!(
        json["platforms"]["linux-x86_64"]["file"],
        "Kontor_0.2.0_amd64.AppImage"
    );
    assert!(json["pub_date"].as_str().expect("pub_date").ends_with('Z'));
    let sig = read(&folder.join("Kontor_0.2.0_amd64.AppImage.sig"));
    assert!(updater_verifies(&pubkey, &sig, &data));
    // The signed (trusted) comment names the version, as the app's updater requires.
    let trusted = minisign_verify::Signature::decode(&b64(&sig))
        .expect("signature")
        .trusted_comment()
        .to_string();
    assert!(trusted.contains("\tversion:0.2.0"), "{trusted}");

    // A second platform of the same version keeps the first.
    let exe = dir.path().join("Kontor_0.2.0_x64-setup.exe");
    std::fs::write(&exe, b"windows bundle").expect("write");
    ok_json(&run(&[
        "release",
        "publish",
        "--releases-dir",
        &rel_arg,
        "--version",
        "0.2.0",
        "--platform",
        "windows-x86_64",
        "--file",
        &exe.display().to_string(),
        "--key",
        &key_arg,
    ]));
    let json: serde_json::Value =
        serde_json::from_str(&read(&folder.join("release.json"))).expect("release.json");
    assert_eq!(json["platforms"].as_object().expect("map").len(), 2);
    let sig = read(&folder.join("Kontor_0.2.0_x64-setup.exe.sig"));
    assert!(updater_verifies(&pubkey, &sig, b"windows bundle"));

    // Bad version and platform are refused before anything is written.
    for (flag, value, needle) in [
        ("--version", "0.3", "--version"),
        ("--platform", "macos-x86_64", "--platform"),
    ] {
        let mut args = vec![
            "release",
            "publish",
            "--releases-dir",
            &rel_arg,
            "--file",
            "/nonexistent",
            "--key",
            &key_arg,
        ];
        let (version, platform) = match flag {
            "--version" => (value, "linux-x86_64"),
            _ => ("0.3.0", value),
        };
        args.extend(["--version", version, "--platform", platform]);
        assert_fails_with(&run(&args), needle);
    }
    assert!(!releases.join("0.3").exists() && !releases.join("0.3.0").exists());
}
