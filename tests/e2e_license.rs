//! End-to-end test of offline licenses in the real app: save the account's license file through the save
//! dialog (answered by the test hook) and verify it with the `kontor-license` CLI an air-gapped product
//! would use; turn an activation request from another "machine" into a machine-bound license; revoke it
//! (asked first) and see its state badge; the empty table says that nothing is issued yet.

mod support;

use fantoccini::Locator;
use kontor_client::PortalClient;
use std::path::PathBuf;
use std::process::Command;
use support::{
    click, sign_in_as_owner, text, wait_for, wait_gone, wait_xpath, AppUnderTest, Portal,
};

fn license_cli() -> PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let bin = dir.join("debug").join("kontor-license");
    assert!(
        bin.exists(),
        "{} is missing: `cargo build -p kontor-license` (scripts/test.sh builds it)",
        bin.display()
    );
    bin
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, tauri-driver, Xvfb and a Secret Service: run scripts/test.sh"]
async fn save_the_offline_license_and_activate_an_air_gapped_machine() {
    let portal = Portal::start().await;
    let key = PortalClient::new(&portal.url)
        .unwrap()
        .license_public_key()
        .await
        .unwrap()
        .public_key;
    let app = AppUnderTest::new(&portal.url);
    let c = app.launch().await;
    sign_in_as_owner(&c, &portal).await;
    // roles9b: the offline license is a tab of the Downloads entry.
    click(&c, "#nav-downloads").await;
    click(&c, "#tab-license").await;

    // --- nothing issued yet: the empty table says so ---
    let none = text(&c, "#licenses-none").await;
    assert!(none.starts_with("No licenses issued yet"), "{none:?}");

    // --- the account-wide license, saved and verified offline by the vendor's CLI ---
    click(&c, "#save-license").await;
    let shown_id = wait_for(&c, "#saved-license-id", "license page")
        .await
        .text()
        .await
        .unwrap();
    let file = app.saved_dir().join("kontor-offline-license.txt");
    let out = Command::new(license_cli())
        .args(["verify", &file.display().to_string(), "--public-key", &key])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let payload: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        payload["license_id"],
        shown_id.trim(),
        "the page shows what the file holds"
    );
    assert_eq!(payload["customer_name"], "Muster GmbH");
    assert!(payload["machine"].is_null());

    // --- an activation request from an air-gapped machine, dropped onto the window ---
    let dir = tempfile::tempdir().unwrap();
    let request = dir.path().join("activation-request.txt");
    let status = Command::new(license_cli())
        .args(["request", "--out", &request.display().to_string()])
        .env("KONTOR_MACHINE_ID", "e2e-air-gapped-machine-1")
        .status()
        .unwrap();
    assert!(status.success());
    c.execute(
        "window.__kontorDrop(arguments[0]);",
        vec![request.display().to_string().into()],
    )
    .await
    .unwrap();
    wait_xpath(
        &c,
        "//span[@id='activations' and normalize-space()='1 / 5']",
        "one machine activated",
    )
    .await;
    let saved: Vec<PathBuf> = std::fs::read_dir(app.saved_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("kontor-license-")
        })
        .collect();
    assert_eq!(saved.len(), 1, "{saved:?}");
    let verify_on = |machine: &str| {
        Command::new(license_cli())
            .args([
                "verify",
                &saved[0].display().to_string(),
                "--public-key",
                &key,
            ])
            .env("KONTOR_MACHINE_ID", machine)
            .output()
            .unwrap()
    };
    let ok = verify_on("e2e-air-gapped-machine-1");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let other = verify_on("some-other-machine");
    assert_eq!(
        other.status.code(),
        Some(1),
        "bound to the requesting machine only"
    );
    app.screenshot(&c, "offline-license").await;

    // --- revoking asks first (Escape changes nothing); a revoked license shows a state badge ---
    let machine_row = format!(
        "#issued-licenses tr[data-license]:not([data-license='{}'])",
        shown_id.trim()
    );
    click(&c, &format!("{machine_row} button.revoke-license")).await;
    let question = text(&c, "#confirm-revoke-title").await;
    assert!(question.starts_with("Revoke license "), "{question:?}");
    c.active_element()
        .await
        .unwrap()
        .send_keys("\u{E00C}")
        .await
        .unwrap();
    wait_gone(&c, "#confirm-revoke", "Escape closes the question").await;
    assert_eq!(text(&c, "#activations").await, "1 / 5", "nothing revoked");
    click(&c, &format!("{machine_row} button.revoke-license")).await;
    click(&c, "#confirm-revoke-yes").await;
    wait_xpath(
        &c,
        "//span[@id='activations' and normalize-space()='0 / 5']",
        "the activation is free again",
    )
    .await;
    let badge = wait_for(
        &c,
        &format!("{machine_row} .state-badge.revoked"),
        "the state badge",
    )
    .await;
    assert_eq!(badge.text().await.unwrap().trim(), "Revoked");
    assert!(
        c.find(Locator::Css(&format!(
            "{machine_row} button.revoke-license"
        )))
        .await
        .is_err(),
        "a revoked license offers no revoke"
    );
    let struck = c
        .execute(
            "return [...document.querySelectorAll('#issued-licenses td')].some(td => getComputedStyle(td).textDecorationLine.includes('line-through'));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        struck,
        serde_json::Value::Bool(false),
        "a state, not struck-through text"
    );

    c.close().await.unwrap();
    drop(app);
    portal.stop().await;
}

/// the activation request chosen with "Choose file…" (the open dialog answered by the test hook),
/// "Show in folder" for the saved license (the reveal recorded by the test hook instead of opening a file
/// manager), save dialogs that start in home's folders — never the working directory — and then in the folder
/// last saved to, and help text without raw backticks that says where kontor-license comes from.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, tauri-driver, Xvfb and a Secret Service: run scripts/test.sh"]
async fn choose_the_request_file_show_in_folder_and_the_last_folder() {
    let portal = Portal::start().await;
    let dir = tempfile::tempdir().unwrap();
    let request = dir.path().join("activation-request.txt");
    let status = Command::new(license_cli())
        .args(["request", "--out", &request.display().to_string()])
        .env("KONTOR_MACHINE_ID", "e2e-air-gapped-machine-2")
        .status()
        .unwrap();
    assert!(status.success());
    let log = dir.path().join("dialogs.log");
    let app = AppUnderTest::with_env(
        &portal.url,
        true,
        "en_US.UTF-8",
        &[
            ("KONTOR_TEST_OPEN_FILE", request.as_os_str()),
            ("KONTOR_TEST_DIALOG_LOG", log.as_os_str()),
        ],
    );
    let home = app.saved_dir().parent().unwrap().to_path_buf();
    std::fs::create_dir_all(home.join("Documents")).unwrap();
    let c = app.launch().await;
    sign_in_as_owner(&c, &portal).await;
    // roles9b: the offline license is a tab of the Downloads entry.
    click(&c, "#nav-downloads").await;
    click(&c, "#tab-license").await;

    let help = text(&c, "#license-help").await;
    assert!(help.contains("kontor-license request"), "{help:?}");
    assert!(
        help.contains("vendor"),
        "says where it comes from: {help:?}"
    );
    let page = text(&c, "#offline-license").await;
    assert!(!page.contains('`'), "no raw backticks: {page:?}");

    click(&c, "#save-license").await;
    wait_for(&c, "#saved-license-id", "the saved license").await;
    click(&c, "#license-show-in-folder").await;
    let saved_file = app.saved_dir().join("kontor-offline-license.txt");
    let reveal = format!("reveal\t{}", saved_file.display());
    let mut lines = Vec::new();
    for _ in 0..100 {
        lines = std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect();
        if lines.contains(&reveal) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        lines.contains(&reveal),
        "the file is shown in its folder: {lines:?}"
    );
    // The first save dialog started in Documents (no Downloads folder here), not the working directory.
    assert_eq!(
        lines[0],
        format!(
            "save\t{}\tkontor-offline-license.txt",
            home.join("Documents").display()
        )
    );

    // "Choose file…" instead of dropping: the machine is activated, its license saved.
    click(&c, "#choose-request").await;
    wait_xpath(
        &c,
        "//span[@id='activations' and normalize-space()='1 / 5']",
        "the chosen request activated a machine",
    )
    .await;
    let lines: Vec<String> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let second = lines
        .iter()
        .filter(|l| l.starts_with("save\t"))
        .nth(1)
        .expect("a second save dialog");
    assert!(
        second.starts_with(&format!(
            "save\t{}\tkontor-license-",
            app.saved_dir().display()
        )),
        "the next save dialog starts in the folder last saved to: {second:?}"
    );

    c.close().await.unwrap();
    drop(app);
    portal.stop().await;
}
