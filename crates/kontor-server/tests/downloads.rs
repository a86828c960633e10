//! Installer downloads and the app's self-update end to end: the real server driven through `kontor_client`
//! on SQLite and PostgreSQL — the catalog per package, 404 alike for what an account may not see, roles,
//! HTTP ranges, the audit of download starts, and the update manifest over a releases folder whose
//! signatures verify with `minisign-verify` (what tauri-plugin-updater uses).

mod common;

use std::io::Cursor;
use std::sync::OnceLock;

use base64::Engine;
use common::{api_error, check, owner, seeded_session, Env};
use kontor_server::installers::{add_installer, AddInstaller, AddedInstaller, DemoBytes};
use kontor_server::releases::{self, KeyFiles, Publish};
use sha2::{Digest, Sha256};

fn bytes_of(seed: &str, len: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(len);
    std::io::Read::read_to_end(&mut DemoBytes::new(seed, len as u64), &mut v).expect("bytes");
    v
}

async fn add(
    env: &Env,
    product: &str,
    version: &str,
    platform: &str,
    bytes: Vec<u8>,
) -> AddedInstaller {
    let req = AddInstaller {
        product: product.to_string(),
        version: version.to_string(),
        platform: platform.to_string(),
        arch: "x86_64".to_string(),
        file_name: None,
        notes: format!("{product} {version}"),
        released_on: Some("2026-11-01".to_string()),
    };
    let name = format!("{product}-{version}-{platform}.bin");
    add_installer(
        env.db.as_ref(),
        &env.installers_dir,
        &req,
        &name,
        Cursor::new(bytes),
        common::T0,
    )
    .await
    .expect("add installer")
}

fn file_url(env: &Env, account: &str, installer: &str) -> String {
    format!(
        "{}/api/v1/accounts/{account}/installers/{installer}/file",
        env.base_url
    )
}

/// A raw GET of an installer file with the given Range header.
async fn ranged(env: &Env, tok: &str, installer: &str, range: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(file_url(env, &env.seed.account_id, installer))
        .bearer_auth(tok)
        .header("Range", range)
        .send()
        .await
        .expect("request")
}

/// Takes the headers (the `http` crate's map), not a response: the responses come from this test's own
/// reqwest and from kontor-client's, which may be different versions.
fn header(headers: &reqwest::header::HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .expect("ascii")
        .to_string()
}

async fn downloads_started(env: &Env) -> usize {
    env.db
        .audit_events(&env.seed.account_id)
        .await
        .expect("audit")
        .iter()
        .filter(|e| e.event == "installer.downloaded")
        .count()
}

#[tokio::test]
async fn the_catalog_lists_only_the_packages_products_newest_first() {
    check(|env| async move {
        let tok = owner(&env).await;
        assert!(env
            .client
            .installers(&tok, &env.seed.account_id)
            .await
            .expect("list")
            .installers
            .is_empty());
        let old = add(&env, "cmdb", "4.1.0", "linux", bytes_of("a", 1000)).await;
        let new = add(&env, "cmdb", "4.10.0", "linux", bytes_of("b", 2000)).await;
        let docs = add(&env, "docs", "2.0.0", "windows", bytes_of("c", 3000)).await;
        let api = add(&env, "api", "3.0.0", "linux", bytes_of("d", 4000)).await;
        let list = env
            .client
            .installers(&tok, &env.seed.account_id)
            .await
            .expect("list")
            .installers;
        let ids: Vec<&str> = list.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(
            ids,
            [new.id.as_str(), old.id.as_str(), docs.id.as_str()],
            "{list:?}"
        );
        assert!(!ids.contains(&api.id.as_str()));
        let first = &list[0];
        assert_eq!(first.product, "cmdb");
        assert_eq!(first.product_name, "CMDB Pro");
        assert_eq!(first.version, "4.10.0");
        assert_eq!(first.platform, "linux");
        assert_eq!(first.arch, "x86_64");
        assert_eq!(first.file_name, "cmdb-4.10.0-linux.bin");
        assert_eq!(first.size, 2000);
        assert_eq!(
            first.sha256,
            hex::encode(Sha256::digest(bytes_of("b", 2000)))
        );
        assert_eq!(first.notes, "cmdb 4.10.0");
        assert_eq!(first.released_on, "2026-11-01");
    })
    .await;
}

#[tokio::test]
async fn what_the_account_may_not_download_is_404_alike() {
    check(|env| async move {
        let tok = owner(&env).await;
        let mine = add(&env, "cmdb", "1.0.0", "linux", bytes_of("m", 100)).await;
        let api = add(&env, "api", "1.0.0", "linux", bytes_of("x", 100)).await;
        let acc = env.seed.account_id.clone();
        let not_entitled = api_error(
            env.client
                .installer_file(&tok, &acc, &api.id, 0, None)
                .await,
        );
        let unknown = api_error(
            env.client
                .installer_file(&tok, &acc, "5b0e7d1c-0000-4000-8000-000000000000", 0, None)
                .await,
        );
        assert_eq!(not_entitled.0, 404);
        assert_eq!(
            not_entitled, unknown,
            "not entitled and unknown answer alike"
        );
        assert_eq!(not_entitled.1.code, kontor_api::ErrorCode::NotFound);
        let resumed = api_error(
            env.client
                .installer_file(&tok, &acc, &api.id, 10, None)
                .await,
        );
        assert_eq!(resumed, unknown);
        let other = "11111111-2222-4333-8444-555555555555";
        let (status, _) = api_error(
            env.client
                .installer_file(&tok, other, &mine.id, 0, None)
                .await,
        );
        assert_eq!(status, 404);
        let (status, _) = api_error(env.client.installers(&tok, other).await);
        assert_eq!(status, 404);
        // The entitled one does download.
        let resp = env
            .client
            .installer_file(&tok, &acc, &mine.id, 0, None)
            .await
            .expect("download");
        assert_eq!(
            resp.bytes().await.expect("body").to_vec(),
            bytes_of("m", 100)
        );
    })
    .await;
}

#[tokio::test]
async fn only_owner_and_admin_may_download() {
    check(|env| async move {
        let tok = owner(&env).await;
        let inst = add(&env, "cmdb", "1.0.0", "linux", bytes_of("r", 50)).await;
        let acc = env.seed.account_id.clone();
        for local in ["paul.wagner", "lea.schmidt"] {
            let t = seeded_session(&env, &tok, local).await;
            let (status, body) = api_error(env.client.installers(&t, &acc).await);
            assert_eq!(
                (status, body.code),
                (403, kontor_api::ErrorCode::Forbidden),
                "{local}"
            );
            let (status, _) =
                api_error(env.client.installer_file(&t, &acc, &inst.id, 0, None).await);
            assert_eq!(status, 403, "{local}");
        }
        let admin = seeded_session(&env, &tok, "jonas.becker").await;
        assert_eq!(
            env.client
                .installers(&admin, &acc)
                .await
                .expect("admin lists")
                .installers
                .len(),
            1
        );
        let (status, _) = api_error(env.client.installers("not-a-token", &acc).await);
        assert_eq!(status, 401);
    })
    .await;
}

#[tokio::test]
async fn ranges_resume_and_refuse_exactly() {
    check(|env| async move {
        let tok = owner(&env).await;
        let data = bytes_of("range", 100_000);
        let inst = add(&env, "cmdb", "2.0.0", "windows", data.clone()).await;
        let acc = env.seed.account_id.clone();
        let etag = format!("\"{}\"", inst.sha256);
        let n = data.len();
        let started = downloads_started(&env).await;

        // The whole file.
        let resp = env
            .client
            .installer_file(&tok, &acc, &inst.id, 0, None)
            .await
            .expect("get");
        assert_eq!(resp.status(), 200);
        assert_eq!(header(resp.headers(), "accept-ranges"), "bytes");
        assert_eq!(header(resp.headers(), "etag"), etag);
        assert_eq!(
            header(resp.headers(), "content-type"),
            "application/octet-stream"
        );
        assert_eq!(header(resp.headers(), "content-length"), n.to_string());
        assert_eq!(
            header(resp.headers(), "content-disposition"),
            "attachment; filename=\"cmdb-2.0.0-windows.bin\""
        );
        let body = resp.bytes().await.expect("body");
        assert_eq!(hex::encode(Sha256::digest(&body)), inst.sha256);
        assert_eq!(downloads_started(&env).await, started + 1);
        // HEAD answers the headers and is no download start.
        let head = reqwest::Client::new()
            .head(file_url(&env, &acc, &inst.id))
            .bearer_auth(&tok)
            .send()
            .await
            .expect("head");
        assert_eq!(head.status(), 200);
        assert_eq!(header(head.headers(), "content-length"), n.to_string());
        assert_eq!(header(head.headers(), "etag"), etag);
        assert_eq!(downloads_started(&env).await, started + 1);

        // First byte: a download start too.
        let resp = ranged(&env, &tok, &inst.id, "bytes=0-0").await;
        assert_eq!(resp.status(), 206);
        assert_eq!(
            header(resp.headers(), "content-range"),
            format!("bytes 0-0/{n}")
        );
        assert_eq!(header(resp.headers(), "content-length"), "1");
        assert_eq!(
            resp.bytes().await.expect("body").to_vec(),
            data[..1].to_vec()
        );
        assert_eq!(downloads_started(&env).await, started + 2);

        // Middle, last bytes, a range past the end (clamped): resumed chunks are not audited.
        let resp = ranged(&env, &tok, &inst.id, "bytes=1000-1999").await;
        assert_eq!(resp.status(), 206);
        assert_eq!(
            header(resp.headers(), "content-range"),
            format!("bytes 1000-1999/{n}")
        );
        assert_eq!(
            resp.bytes().await.expect("body").to_vec(),
            data[1000..2000].to_vec()
        );
        let resp = ranged(&env, &tok, &inst.id, "bytes=-10").await;
        assert_eq!(resp.status(), 206);
        assert_eq!(
            header(resp.headers(), "content-range"),
            format!("bytes {}-{}/{n}", n - 10, n - 1)
        );
        assert_eq!(
            resp.bytes().await.expect("body").to_vec(),
            data[n - 10..].to_vec()
        );
        let resp = ranged(
            &env,
            &tok,
            &inst.id,
            &format!("bytes={}-{}", n - 5, n + 100),
        )
        .await;
        assert_eq!(resp.status(), 206);
        assert_eq!(
            resp.bytes().await.expect("body").to_vec(),
            data[n - 5..].to_vec()
        );

        // Open-ended through the client's resume call, with and without a matching If-Range.
        let from = (n - 777) as u64;
        for if_range in [None, Some(etag.as_str())] {
            let resp = env
                .client
                .installer_file(&tok, &acc, &inst.id, from, if_range)
                .await
                .expect("resume");
            assert_eq!(resp.status(), 206);
            assert_eq!(
                header(resp.headers(), "content-range"),
                format!("bytes {from}-{}/{n}", n - 1)
            );
            assert_eq!(header(resp.headers(), "content-length"), "777");
            assert_eq!(
                resp.bytes().await.expect("body").to_vec(),
                data[n - 777..].to_vec()
            );
        }
        assert_eq!(downloads_started(&env).await, started + 2);

        // If-Range with another ETag: the whole file (a new download start).
        let resp = env
            .client
            .installer_file(&tok, &acc, &inst.id, 500, Some("\"0000\""))
            .await
            .expect("if-range");
        assert_eq!(resp.status(), 200);
        assert!(resp.headers().get("content-range").is_none());
        assert_eq!(resp.bytes().await.expect("body").to_vec(), data);
        assert_eq!(downloads_started(&env).await, started + 3);

        // Several ranges: the whole file.
        let resp = ranged(&env, &tok, &inst.id, "bytes=0-1,5-6").await;
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.bytes().await.expect("body").len(), n);

        // Malformed or unsatisfiable: 416 with the size.
        for bad in [
            "bytes=5-2".to_string(),
            "bytes=abc".to_string(),
            format!("bytes={n}-"),
            "lines=1-2".to_string(),
        ] {
            let resp = ranged(&env, &tok, &inst.id, &bad).await;
            assert_eq!(resp.status(), 416, "{bad}");
            assert_eq!(
                header(resp.headers(), "content-range"),
                format!("bytes */{n}"),
                "{bad}"
            );
        }
        let (status, _) = api_error(
            env.client
                .installer_file(&tok, &acc, &inst.id, n as u64, None)
                .await,
        );
        assert_eq!(status, 416);
        assert_eq!(downloads_started(&env).await, started + 4);
    })
    .await;
}

/// One key pair for every test (scrypt is slow in debug builds).
fn keys() -> &'static KeyFiles {
    static KEYS: OnceLock<KeyFiles> = OnceLock::new();
    KEYS.get_or_init(|| releases::generate_keys("").expect("keys"))
}

fn publish(env: &Env, version: &str, platform: &str, file_name: &str, data: &[u8]) {
    let src = tempfile::tempdir().expect("tempdir");
    let file = src.path().join(file_name);
    std::fs::write(&file, data).expect("write bundle");
    releases::publish(
        &Publish {
            releases_dir: env.releases_dir.clone(),
            version: version.to_string(),
            notes: format!("Kontor {version}"),
            notes_by_language: [("de".to_string(), format!("Kontor {version} auf Deutsch"))]
                .into_iter()
                .filter(|_| version == "0.3.0")
                .collect(),
            platform: platform.to_string(),
            file,
            key: keys().private_key.clone(),
            password: String::new(),
            pub_date: Some("2026-11-20T10:00:00Z".to_string()),
        },
        common::T0,
    )
    .expect("publish");
}

/// Verifies as tauri-plugin-updater does: base64 → minisign text → `minisign_verify`.
fn updater_verifies(signature: &str, data: &[u8]) -> bool {
    let b64 = |s: &str| {
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(s)
                .expect("base64"),
        )
        .expect("utf-8")
    };
    let pk = minisign_verify::PublicKey::decode(&b64(&keys().public_key)).expect("public key");
    let sig = minisign_verify::Signature::decode(&b64(signature)).expect("signature");
    pk.verify(data, &sig, true).is_ok()
}

#[tokio::test]
async fn the_update_manifest_offers_the_newest_signed_release() {
    check(|env| async move {
        let c = &env.client;
        assert_eq!(c.update_manifest("linux", "x86_64", "0.1.0").await.expect("no releases"), None);
        let v2 = bytes_of("0.2.0", 5000);
        let v3 = bytes_of("0.3.0", 7000);
        publish(&env, "0.2.0", "linux-x86_64", "Kontor_0.2.0_amd64.AppImage", &v2);
        publish(&env, "0.3.0", "linux-x86_64", "Kontor_0.3.0_amd64.AppImage", &v3);
        publish(&env, "0.3.0", "windows-x86_64", "Kontor_0.3.0_x64-setup.exe", &bytes_of("w", 3000));
        publish(&env, "0.5.0", "darwin-aarch64", "Kontor.app.tar.gz", &bytes_of("mac", 100));
        // Broken folders are ignored: garbage, a version that is not its folder's, a missing signature.
        std::fs::create_dir_all(env.releases_dir.join("0.9.0")).expect("mkdir");
        std::fs::write(env.releases_dir.join("0.9.0/release.json"), b"{ not json").expect("write");
        std::fs::create_dir_all(env.releases_dir.join("0.8.0")).expect("mkdir");
        let wrong = r#"{"version":"0.7.0","notes":"","pub_date":"2026-11-20T10:00:00Z","platforms":{"linux-x86_64":{"file":"x.AppImage"}}}"#;
        std::fs::write(env.releases_dir.join("0.8.0/release.json"), wrong).expect("write");
        publish(&env, "0.6.0", "linux-x86_64", "Kontor_0.6.0_amd64.AppImage", &bytes_of("6", 10));
        std::fs::remove_file(env.releases_dir.join("0.6.0/Kontor_0.6.0_amd64.AppImage.sig")).expect("rm sig");
        std::fs::write(env.releases_dir.join("not-a-version"), b"x").expect("write");

        let m = c.update_manifest("linux", "x86_64", "0.1.0").await.expect("manifest").expect("an update");
        assert_eq!(m.version, "0.3.0");
        assert_eq!(m.notes, "Kontor 0.3.0");
        // Release notes per language: the app asks with ?lang=, others may send Accept-Language;
        // a language without notes of its own (or a release without German notes) gets English.
        let de = c.update_manifest_in("linux", "x86_64", "0.1.0", Some("de")).await.expect("de").expect("update");
        assert_eq!((de.version.as_str(), de.notes.as_str()), ("0.3.0", "Kontor 0.3.0 auf Deutsch"));
        let fr = c.update_manifest_in("linux", "x86_64", "0.1.0", Some("fr")).await.expect("fr").expect("update");
        assert_eq!(fr.notes, "Kontor 0.3.0");
        let by_header: kontor_api::UpdateManifest = reqwest::Client::new()
            .get(format!("{}/api/v1/app/update/linux/x86_64/0.1.0", env.base_url))
            .header("Accept-Language", "de-AT,de;q=0.9,en;q=0.8")
            .send().await.expect("get").json().await.expect("manifest");
        assert_eq!(by_header.notes, "Kontor 0.3.0 auf Deutsch");
        let only_en = c.update_manifest_in("darwin", "aarch64", "0.1.0", Some("de")).await.expect("de").expect("update");
        assert_eq!((only_en.version.as_str(), only_en.notes.as_str()), ("0.5.0", "Kontor 0.5.0"));
        let older = c.update_manifest_in("linux", "x86_64", "0.1.0", Some("en")).await.expect("en").expect("update");
        assert_eq!(older.notes, "Kontor 0.3.0");
        assert_eq!(m.pub_date, "2026-11-20T10:00:00Z");
        let sig_file = std::fs::read_to_string(env.releases_dir.join("0.3.0/Kontor_0.3.0_amd64.AppImage.sig"))
            .expect("sig");
        assert_eq!(m.signature, sig_file.trim());
        assert_eq!(
            m.url,
            format!("{}/api/v1/app/releases/0.3.0/Kontor_0.3.0_amd64.AppImage", env.base_url)
        );
        let resp = reqwest::get(&m.url).await.expect("download");
        assert_eq!(resp.status(), 200);
        assert_eq!(header(resp.headers(), "accept-ranges"), "bytes");
        let body = resp.bytes().await.expect("body").to_vec();
        assert_eq!(body, v3);
        assert!(updater_verifies(&m.signature, &body));
        let mut tampered = body.clone();
        tampered[100] ^= 1;
        assert!(!updater_verifies(&m.signature, &tampered));

        // Ranges on release files.
        let resp = reqwest::Client::new().get(&m.url).header("Range", "bytes=-5").send().await.expect("range");
        assert_eq!(resp.status(), 206);
        assert_eq!(resp.bytes().await.expect("body").to_vec(), v3[v3.len() - 5..].to_vec());

        let w = c.update_manifest("windows", "x86_64", "0.2.5").await.expect("manifest").expect("update");
        assert_eq!(w.version, "0.3.0");
        assert!(w.url.ends_with("/Kontor_0.3.0_x64-setup.exe"));
        let d = c.update_manifest("darwin", "aarch64", "0.1.0").await.expect("manifest").expect("update");
        assert_eq!(d.version, "0.5.0");
        for (t, a, v) in [
            ("linux", "x86_64", "0.3.0"),
            ("linux", "x86_64", "0.4.0"),
            ("linux", "aarch64", "0.1.0"),
            ("plan9", "x86_64", "0.1.0"),
            ("windows", "x86_64", "0.3.0"),
        ] {
            assert_eq!(c.update_manifest(t, a, v).await.expect("manifest"), None, "{t}-{a} {v}");
        }
        let (status, _) = api_error(c.update_manifest("linux", "x86_64", "latest").await);
        assert_eq!(status, 422);

        // Only files named in a release.json are served.
        for path in [
            "0.3.0/release.json",
            "0.3.0/Kontor_0.3.0_amd64.AppImage.sig",
            "0.3.0/..%2F0.2.0%2FKontor_0.2.0_amd64.AppImage",
            "..%2F0.3.0/Kontor_0.3.0_amd64.AppImage",
            "0.2.0/Kontor_0.3.0_amd64.AppImage",
            "0.4.0/Kontor_0.4.0_amd64.AppImage",
        ] {
            let resp = reqwest::get(format!("{}/api/v1/app/releases/{path}", env.base_url)).await.expect("get");
            assert_eq!(resp.status(), 404, "{path}");
        }
        let old = reqwest::get(format!("{}/api/v1/app/releases/0.2.0/Kontor_0.2.0_amd64.AppImage", env.base_url))
            .await
            .expect("get");
        assert_eq!(old.bytes().await.expect("body").to_vec(), v2);
    })
    .await;
}
