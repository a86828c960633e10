//! End-to-end test of Help and support (issue 9, support9) in the real app: the Help page from the
//! user menu, a vendor help link opened (the shell's test hook records the URL instead of starting a
//! browser), an empty message refused at its field, a ticket with an attachment chosen through the open
//! dialog (test hook) and diagnostics sent, the ticket in the list with its status, and the confirmation
//! mail at the test's SMTP listener. support9b: several files dropped at once (all that fit are added, the
//! rest named at the field) and an attachment of a listed request saved through the save dialog (test hook),
//! byte for byte.

#[path = "../crates/kontor-server/tests/common/smtp.rs"]
mod smtp;
mod support;

use std::time::Duration;

use fantoccini::Locator;
use kontor_server::config::{MailConfig, MailTransport};
use smtp::SmtpSink;
use support::{click, fill, sign_in_as_owner, text, wait_for, wait_xpath, AppUnderTest, Portal};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, tauri-driver, Xvfb and a Secret Service: run scripts/test.sh"]
async fn help_link_opens_and_a_ticket_with_an_attachment_is_filed_listed_and_confirmed() {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let portal = Portal::start_with(|c| {
        c.mail = MailConfig {
            transport: MailTransport::Smtp {
                url,
                password: None,
            },
            from: "Demo Vendor <noreply@vendor.example>".to_string(),
            poll: Duration::from_millis(200),
        };
    })
    .await;
    let files = tempfile::tempdir().unwrap();
    let attachment = files.path().join("kontor-error.log");
    std::fs::write(&attachment, "2026-12-02 export failed: timeout\n").unwrap();
    let log = files.path().join("dialogs.log");
    let app = AppUnderTest::with_env(
        &portal.url,
        true,
        "en_US.UTF-8",
        &[
            ("KONTOR_TEST_OPEN_FILE", attachment.as_os_str()),
            ("KONTOR_TEST_DIALOG_LOG", log.as_os_str()),
        ],
    );
    let c = app.launch().await;
    sign_in_as_owner(&c, &portal).await;

    // --- the Help page, from the user menu ---
    click(&c, "#user-menu").await;
    click(&c, "#menu-help").await;
    wait_for(&c, "#help-page", "help page").await;
    wait_for(&c, "#no-tickets", "no tickets yet").await;

    // --- a vendor link opens in the browser (recorded by the hook) ---
    click(&c, "#help-link-documentation").await;
    let want = "browse\thttps://docs.demo.invalid/kontor";
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let got = std::fs::read_to_string(&log).unwrap_or_default();
        if got.lines().any(|l| l == want) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the documentation link was not opened: {got:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // --- an empty message is refused at its field ---
    fill(&c, "#support-subject", "CSV export stops").await;
    click(&c, "#support-send").await;
    wait_for(&c, "#support-message-error", "message error").await;
    let invalid = c
        .find(Locator::Css("#support-message"))
        .await
        .unwrap()
        .attr("aria-invalid")
        .await
        .unwrap();
    assert_eq!(invalid.as_deref(), Some("true"));
    assert!(text(&c, "#support-message-error").await.contains("Message"));

    // --- the ticket: topic, message, phone, an attachment from the dialog, diagnostics ---
    c.find(Locator::Css("#support-category option[value='problem']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(&c, "#support-message", "The export stops at 50 %.").await;
    fill(&c, "#support-phone", "+49 30 1234567").await;
    click(&c, "#support-add-files").await;
    wait_xpath(
        &c,
        "//ul[@id='support-files']/li[contains(., 'kontor-error.log')]",
        "the chosen file is listed",
    )
    .await;
    click(&c, "#support-diagnostics").await;
    click(&c, "#support-send").await;
    wait_for(&c, "#toast-text", "sent toast").await;
    let toast = text(&c, "#toast-text").await;
    assert!(toast.contains("Ticket number: T-"), "{toast:?}");
    let reference = toast
        .split("Ticket number: ")
        .nth(1)
        .unwrap()
        .trim_end_matches('.')
        .to_string();

    // --- listed with its status and attachment ---
    let row = format!("//table[@id='tickets']//tr[@data-reference='{reference}']");
    wait_xpath(&c, &row, "the ticket in the list").await;
    let row_text = c
        .find(Locator::XPath(&row))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(row_text.contains("CSV export stops"), "{row_text:?}");
    assert!(row_text.contains("Open"), "{row_text:?}");
    assert!(row_text.contains("kontor-error.log"), "{row_text:?}");
    // The form is empty again.
    let subject = c
        .find(Locator::Css("#support-subject"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(subject.as_deref(), Some(""));

    // --- the mails: the confirmation to the user and the request to the vendor's support address ---
    let mails = sink.wait_for(2, 30).await;
    assert_eq!(mails.len(), 2, "two mails arrived");
    let to_user = mails
        .iter()
        .find(|m| m.to == vec![format!("<{}>", portal.seed.owner_email)])
        .expect("the confirmation to the user");
    assert!(to_user
        .part("text/plain")
        .expect("plain text")
        .contains(&reference));
    let to_vendor = mails
        .iter()
        .find(|m| m.to == vec!["<support@demo.invalid>".to_string()])
        .expect("the request to the support address");
    let vendor_text = to_vendor.part("text/plain").expect("plain text");
    assert!(vendor_text.contains("kontor-error.log"), "{vendor_text}");
    assert!(vendor_text.contains("+49 30 1234567"));
    assert!(
        vendor_text.contains(&format!("portal_url: {}", portal.url.trim_end_matches('/'))),
        "diagnostics name the portal: {vendor_text}"
    );

    app.screenshot(&c, "help-support").await;
    c.close().await.unwrap();
    drop(app);
    portal.stop().await;
}

// support9b
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, tauri-driver, Xvfb and a Secret Service: run scripts/test.sh"]
async fn several_dropped_files_are_added_and_an_attachment_is_saved_byte_for_byte() {
    let portal = Portal::start().await;
    let files = tempfile::tempdir().unwrap();
    // A binary file first, then five text files and one of a type a ticket may not carry.
    let shot: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    let shot_path = files.path().join("shot.png");
    std::fs::write(&shot_path, &shot).unwrap();
    let mut dropped = vec![shot_path.display().to_string()];
    for n in ["a", "b", "c", "d", "e"] {
        let p = files.path().join(format!("{n}.txt"));
        std::fs::write(&p, format!("file {n}\n")).unwrap();
        dropped.push(p.display().to_string());
    }
    let exe = files.path().join("tool.exe");
    std::fs::write(&exe, b"MZ").unwrap();
    dropped.push(exe.display().to_string());

    let app = AppUnderTest::new(&portal.url);
    let c = app.launch().await;
    sign_in_as_owner(&c, &portal).await;
    click(&c, "#user-menu").await;
    click(&c, "#menu-help").await;
    wait_for(&c, "#no-tickets", "the help page, no tickets yet").await;

    // --- seven files dropped at once: the first five are added, the other two named at the field ---
    c.execute(
        "window.__kontorDrop(arguments[0]);",
        vec![serde_json::json!(dropped)],
    )
    .await
    .unwrap();
    wait_for(&c, "#support-files-error", "the files not added are named").await;
    let listed: Vec<String> = c
        .execute(
            "return [...document.querySelectorAll('#support-files .file-name')].map(e => e.textContent);",
            vec![],
        )
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, ["shot.png", "a.txt", "b.txt", "c.txt", "d.txt"]);
    let error = text(&c, "#support-files-error").await;
    assert!(
        error.contains("e.txt: At most 5 files can be attached."),
        "{error:?}"
    );
    assert!(
        error.contains("tool.exe: This kind of file cannot be attached"),
        "{error:?}"
    );
    let button = c.find(Locator::Css("#support-add-files")).await.unwrap();
    assert_eq!(
        button.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    assert!(button
        .attr("aria-describedby")
        .await
        .unwrap()
        .unwrap_or_default()
        .contains("support-files-error"));

    // --- sent with the five; listed with name and size ---
    fill(&c, "#support-subject", "Five files").await;
    fill(&c, "#support-message", "See the attachments.").await;
    click(&c, "#support-send").await;
    wait_for(&c, "#toast-text", "sent toast").await;
    close_toast(&c).await;
    let row = "//table[@id='tickets']//tr[contains(., 'Five files')]";
    wait_xpath(&c, row, "the request in the list").await;
    let names: Vec<String> = c
        .execute(
            "return [...document.querySelectorAll('#tickets .ticket-files li')].map(e => e.dataset.file);",
            vec![],
        )
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["shot.png", "a.txt", "b.txt", "c.txt", "d.txt"]);
    let shot_row = text(&c, "#tickets .ticket-files li[data-file='shot.png']").await;
    assert!(shot_row.contains("3 kB"), "{shot_row:?}");

    // --- the binary attachment saved through the save dialog (test hook), byte for byte ---
    click_centred(
        &c,
        "#tickets .ticket-files li[data-file='shot.png'] .save-attachment",
    )
    .await;
    let saved = app.saved_dir().join("shot.png");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !saved.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the attachment was not saved"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_xpath(
        &c,
        "//*[@id='toast-text' and contains(., 'Saved to')]",
        "the saved toast",
    )
    .await;
    assert_eq!(std::fs::read(&saved).unwrap(), shot);
    close_toast(&c).await;
    click_centred(
        &c,
        "#tickets .ticket-files li[data-file='b.txt'] .save-attachment",
    )
    .await;
    let saved_b = app.saved_dir().join("b.txt");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !saved_b.exists() {
        assert!(std::time::Instant::now() < deadline, "b.txt was not saved");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(std::fs::read(&saved_b).unwrap(), b"file b\n");

    app.screenshot(&c, "help-attachments").await;
    c.close().await.unwrap();
    drop(app);
    portal.stop().await;
}

/// Closes the toast (it sits over the bottom of the page) and waits until it is gone.
async fn close_toast(c: &fantoccini::Client) {
    click(c, "#toast-close").await;
    support::wait_gone(c, "#toast", "the toast closes").await;
}

/// Scrolls the element to the middle of the window, then clicks it.
async fn click_centred(c: &fantoccini::Client, css: &str) {
    c.execute(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'center'});",
        vec![css.into()],
    )
    .await
    .unwrap();
    click(c, css).await;
}
