//! End-to-end tests of installer downloads and the signed self-update in the real app: a download shows its
//! progress, pauses, survives an app restart, resumes and ends with the catalog's SHA-256; a newer release in
//! the portal's releases folder is offered and installed, and one with a bad signature is refused.

mod support;

use std::ffi::OsStr;
use std::path::Path;
use std::time::{Duration, Instant};

use kontor_client::PortalClient;
use sha2::{Digest, Sha256};
use support::{click, sign_in_as_owner, text, wait_for, AppUnderTest, Portal};

/// Slow enough to watch a 2.5 MB download run for a few seconds on loopback.
const LIMIT: &str = "400000";

fn sha256(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn attr(c: &fantoccini::Client, css: &str, name: &str) -> Option<String> {
    wait_for(c, css, name).await.attr(name).await.unwrap()
}

/// Waits until the download card of `id` has `data-state=state`.
async fn wait_state(c: &fantoccini::Client, id: &str, state: &str) {
    wait_for(
        c,
        &format!("[data-download='{id}'][data-state='{state}']"),
        &format!("download {state}"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, tauri-driver, Xvfb and a Secret Service: run scripts/test.sh"]
async fn download_shows_progress_pauses_survives_a_restart_and_verifies() {
    let portal = Portal::start().await;
    let client = PortalClient::new(&portal.url).unwrap();
    let tokens = client
        .login_password(&kontor_api::PasswordLogin {
            email: portal.seed.owner_email.clone(),
            password: portal.seed.owner_password.clone(),
            remember: false,
        })
        .await
        .unwrap();
    let catalog = client
        .installers(&tokens.access_token, &tokens.user.account_id)
        .await
        .unwrap()
        .installers;
    let installer = catalog
        .iter()
        .find(|i| i.file_name == "cmdb-pro_4.2.1_amd64.deb")
        .expect("demo installer")
        .clone();

    let dialog_log = tempfile::NamedTempFile::new().unwrap();
    let app = AppUnderTest::with_env(
        &portal.url,
        true,
        "en_US.UTF-8",
        &[
            ("KONTOR_TEST_DOWNLOAD_LIMIT", OsStr::new(LIMIT)),
            ("KONTOR_TEST_DIALOG_LOG", dialog_log.path().as_os_str()),
        ],
    );
    let c = app.launch().await;
    sign_in_as_owner(&c, &portal).await;
    click(&c, "#nav-downloads").await;
    wait_for(&c, "#installers", "installer list").await;
    let rows = c
        .find_all(fantoccini::Locator::Css("#installers tr[data-installer]"))
        .await
        .unwrap();
    assert_eq!(
        rows.len(),
        catalog.len(),
        "every entitled installer is listed"
    );
    let page = c.source().await.unwrap();
    assert!(
        !page.contains("api-gateway"),
        "an installer of a product outside the package is not offered"
    );

    // Start: the save dialog (test hook) answers with saved/<file name>.
    let id = installer.id.clone();
    click(&c, &format!("tr[data-installer='{id}'] .download-start")).await;
    wait_state(&c, &id, "running").await;
    // Progress: bytes, rate and time left while it runs.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let detail = text(&c, &format!("[data-download='{id}'] .download-detail")).await;
        let value: u64 = attr(&c, &format!("[data-download='{id}'] progress"), "value")
            .await
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if value > 0 && detail.contains("/s") && detail.contains("left") {
            assert!(value < installer.size, "still running");
            break;
        }
        assert!(Instant::now() < deadline, "no progress shown: {detail:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.screenshot(&c, "downloads-running").await;

    // Pause: the partial file stays, nothing has the final name yet.
    click(&c, &format!("[data-download='{id}'] .download-pause")).await;
    wait_state(&c, &id, "paused").await;
    let dest = app.saved_dir().join(&installer.file_name);
    let part = kontor_client::download::partial_path(&dest);
    let paused_at = std::fs::metadata(&part).expect("partial file kept").len();
    assert!(paused_at > 0 && paused_at < installer.size, "{paused_at}");
    assert!(
        !dest.exists(),
        "no file under the final name before it is verified"
    );

    // The app closes and starts again: the download is still there, paused where it stopped.
    c.close().await.unwrap();
    let c = app.launch().await;
    sign_in_as_owner(&c, &portal).await;
    click(&c, "#nav-downloads").await;
    wait_state(&c, &id, "paused").await;
    let shown: u64 = attr(&c, &format!("[data-download='{id}'] progress"), "value")
        .await
        .and_then(|v| v.parse().ok())
        .unwrap();
    assert_eq!(shown, paused_at, "the restarted app knows what is on disk");

    // Resume and finish: the file gets its final name only with the catalog's SHA-256. First the partial
    // file is re-checked, and the card says so (recorded as it happens: the check is quick).
    c.execute(
        "window.__checking = []; const id = arguments[0];
         new MutationObserver(() => {
             const card = document.querySelector(`[data-download='${id}'][data-checking]`);
             if (card) window.__checking.push(card.querySelector('.download-detail').textContent);
         }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});",
        vec![serde_json::Value::String(id.clone())],
    )
    .await
    .unwrap();
    click(&c, &format!("[data-download='{id}'] .download-resume")).await;
    wait_state(&c, &id, "done").await;
    let checking = c
        .execute("return window.__checking;", vec![])
        .await
        .unwrap();
    assert!(
        checking.as_array().is_some_and(|a| a.iter().any(|t| t
            .as_str()
            .is_some_and(|t| t.starts_with("Checking the partial file… ") && t.ends_with(" %")))),
        "the re-check of the partial file was shown: {checking}"
    );
    assert_eq!(
        text(&c, &format!("[data-download='{id}'] .download-sha")).await,
        installer.sha256
    );
    assert!(!part.exists(), "the partial file became the final file");
    assert_eq!(std::fs::metadata(&dest).unwrap().len(), installer.size);
    assert_eq!(sha256(&dest), installer.sha256);
    app.screenshot(&c, "downloads-done").await;

    // "Show in folder" reveals the finished file (recorded by the test hook).
    click(&c, &format!("[data-download='{id}'] .download-show")).await;
    let reveal = format!("reveal\t{}", dest.display());
    let deadline = Instant::now() + Duration::from_secs(10);
    while !std::fs::read_to_string(dialog_log.path())
        .unwrap_or_default()
        .lines()
        .any(|l| l == reveal)
    {
        assert!(Instant::now() < deadline, "not revealed: {reveal:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Downloading it again keeps the record of the completed download beside the new one.
    click(&c, &format!("tr[data-installer='{id}'] .download-start")).await;
    wait_for(
        &c,
        &format!("[data-download^='{id}@'][data-state='done']"),
        "the earlier completed download is still listed",
    )
    .await;
    wait_for(
        &c,
        &format!("[data-download='{id}']"),
        "beside the new download",
    )
    .await;
    c.close().await.unwrap();
    drop(app);
    portal.stop().await;
}

/// A release of a newer Kontor in the portal's releases folder, signed with the demo updater key.
fn publish_release(portal: &Portal, version: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("Kontor_{version}_amd64.AppImage"));
    std::fs::write(&file, bytes).unwrap();
    let key = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/updater/kontor-updater.key"),
    )
    .unwrap();
    let published = kontor_server::releases::publish(
        &kontor_server::releases::Publish {
            notes_by_language: Default::default(),
            releases_dir: portal.releases_dir.clone(),
            version: version.to_string(),
            notes: format!("Kontor {version}: faster user import."),
            platform: "linux-x86_64".to_string(),
            file,
            key,
            password: String::new(),
            pub_date: None,
        },
        1_790_000_000,
    )
    .unwrap();
    portal.releases_dir.join(version).join(&published.file)
}

/// An AppImage is an ELF executable; the updater refuses to install anything else.
fn fake_appimage(tag: &str) -> Vec<u8> {
    let mut b = b"\x7fELF\x02\x01\x01".to_vec();
    b.extend(std::iter::repeat_n(tag.as_bytes(), 20_000).flatten());
    b
}

/// The app under test with its "installed AppImage" in a temp file (the update test hook).
fn app_with_install_target(portal: &Portal, installed: &Path) -> AppUnderTest {
    std::fs::write(installed, b"\x7fELF installed 0.1.0").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(installed, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    AppUnderTest::with_env(
        &portal.url,
        true,
        "en_US.UTF-8",
        &[("KONTOR_TEST_UPDATE_EXE", installed.as_os_str())],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, tauri-driver, Xvfb and a Secret Service: run scripts/test.sh"]
async fn a_newer_signed_release_is_offered_and_installed() {
    let portal = Portal::start().await;
    let release = fake_appimage("kontor 9.9.0");
    publish_release(&portal, "9.9.0", &release);
    let dir = tempfile::tempdir().unwrap();
    let installed = dir.path().join("Kontor.AppImage");
    let app = app_with_install_target(&portal, &installed);
    let c = app.launch().await;

    // Checked on start: the banner names the version and shows the notes, before anyone signs in.
    wait_for(&c, "#update-banner #update-offer", "update offer").await;
    assert_eq!(text(&c, "#update-version").await, "9.9.0");
    assert_eq!(
        text(&c, "#update-notes").await,
        "Kontor 9.9.0: faster user import."
    );
    app.screenshot(&c, "update-offered").await;
    click(&c, "#update-install").await;
    wait_for(&c, "#update-installed", "update installed").await;
    assert_eq!(
        std::fs::read(&installed).unwrap(),
        release,
        "the signed release replaced the installed AppImage"
    );

    // The About dialog (signed in): the version, and the installed update waiting for a restart (no
    // second check or install offered meanwhile).
    sign_in_as_owner(&c, &portal).await;
    click(&c, "#user-menu").await;
    click(&c, "#about").await;
    assert_eq!(text(&c, "#about-version").await, env!("CARGO_PKG_VERSION"));
    wait_for(
        &c,
        "#about-dialog #update-installed",
        "restart pending in About",
    )
    .await;
    assert!(
        attr(&c, "#update-check", "disabled").await.is_some(),
        "no new check while an installed update waits for the restart"
    );
    c.close().await.unwrap();
    drop(app);
    portal.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, tauri-driver, Xvfb and a Secret Service: run scripts/test.sh"]
async fn a_release_with_a_bad_signature_is_refused() {
    let portal = Portal::start().await;
    let release = fake_appimage("kontor 9.9.1");
    let served = publish_release(&portal, "9.9.1", &release);
    // Someone swaps the bundle on the server after it was signed.
    let mut tampered = release.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 0x01;
    std::fs::write(&served, &tampered).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let installed = dir.path().join("Kontor.AppImage");
    let app = app_with_install_target(&portal, &installed);
    let c = app.launch().await;
    wait_for(&c, "#update-banner #update-offer", "update offer").await;
    click(&c, "#update-install").await;
    wait_for(&c, "#update-failed", "refused update").await;
    assert_eq!(
        text(&c, "#update-error").await,
        "The update is not signed by the vendor and was not installed."
    );
    assert_eq!(
        std::fs::read(&installed).unwrap(),
        b"\x7fELF installed 0.1.0",
        "nothing was installed"
    );
    app.screenshot(&c, "update-refused").await;

    // A manual check from the About dialog finds the release again (the user may retry once the vendor
    // has fixed it).
    sign_in_as_owner(&c, &portal).await;
    click(&c, "#user-menu").await;
    click(&c, "#about").await;
    click(&c, "#update-check").await;
    wait_for(&c, "#about-dialog #update-offer", "offer in About").await;
    c.close().await.unwrap();
    drop(app);
    portal.stop().await;
}
