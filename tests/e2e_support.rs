//! End-to-end test of Help and support (issue 9, support9) in the real app: the Help page from the
//! user menu, a vendor help link opened (the shell's test hook records the URL instead of starting a
//! browser), an empty message refused at its field, a ticket with an attachment chosen through the open
//! dialog (test hook) and diagnostics sent, the ticket in the list with its status, and the confirmation
//! mail at the test's SMTP listener.

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
