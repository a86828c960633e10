//! End-to-end test of the account's own password in the real app: "Forgot password?" on the sign-in page,
//! the code read from the mail the test's SMTP listener received, the new password set in the app (which
//! signs in with it), then sign-out and a sign-in with the new password; the profile: name, sessions, and
//! a password change there.

#[path = "../crates/kontor-server/tests/common/smtp.rs"]
mod smtp;
mod support;

use std::time::Duration;

use kontor_server::config::{MailConfig, MailTransport};
use smtp::SmtpSink;
use support::{click, fill, sign_in_as_owner, text, wait_for, wait_xpath, AppUnderTest, Portal};

/// The `XXXXX-XXXXX` code in a mail's text.
fn code_in(text: &str) -> Option<String> {
    const ALPHABET: &str = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let chars: Vec<char> = text.chars().collect();
    chars.windows(11).find_map(|w| {
        let ok = w.iter().enumerate().all(|(i, c)| {
            if i == 5 {
                *c == '-'
            } else {
                ALPHABET.contains(*c)
            }
        });
        ok.then(|| w.iter().collect())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, tauri-driver, Xvfb and a Secret Service: run scripts/test.sh"]
async fn forgot_password_with_the_mailed_code_then_sign_in_with_the_new_password() {
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
    let app = AppUnderTest::new(&portal.url);
    let c = app.launch().await;
    let email = portal.seed.owner_email.clone();

    // --- ask for a code; the answer does not say whether the address exists ---
    wait_for(&c, "#login-form", "sign-in page").await;
    fill(&c, "#login-email", &email).await;
    click(&c, "#login-forgot").await;
    wait_for(&c, "#forgot-form", "forgot-password page").await;
    assert_eq!(
        c.find(fantoccini::Locator::Css("#forgot-email"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(email.as_str()),
        "the address typed on the sign-in page is kept"
    );
    click(&c, "#forgot-send").await;
    let sent = text(&c, "#forgot-sent").await;
    assert!(sent.contains("30"), "{sent:?}");
    // The rules are shown before typing.
    assert!(text(&c, "#forgot-rules").await.contains("12"));

    // --- the mail, as the SMTP listener received it ---
    let mails = sink.wait_for(1, 20).await;
    assert_eq!(mails.len(), 1, "one mail arrived");
    let plain = mails[0].part("text/plain").expect("plain text part");
    assert!(mails[0].part("text/html").is_some(), "and an HTML part");
    let code = code_in(&plain).expect("a code in the mail");

    // --- a wrong code is refused at its field; the right one sets the password and signs in ---
    let wrong = if code.starts_with('A') {
        "BBBBB-BBBBB"
    } else {
        "AAAAA-AAAAA"
    };
    fill(&c, "#forgot-code", wrong).await;
    fill(&c, "#forgot-new", "my-New-passw0rd-2026").await;
    fill(&c, "#forgot-repeat", "my-New-passw0rd-2026").await;
    click(&c, "#forgot-submit").await;
    wait_for(&c, "#forgot-error", "wrong code error").await;
    let invalid = c
        .find(fantoccini::Locator::Css("#forgot-code"))
        .await
        .unwrap()
        .attr("aria-invalid")
        .await
        .unwrap();
    assert_eq!(invalid.as_deref(), Some("true"));
    fill(&c, "#forgot-code", &code).await;
    click(&c, "#forgot-submit").await;
    wait_for(&c, "#seats-used", "dashboard after the reset").await;

    // --- sign out, then in with the new password ---
    click(&c, "#user-menu").await;
    click(&c, "#logout").await;
    wait_for(&c, "#login-form", "sign-in page after sign-out").await;
    fill(&c, "#login-email", &email).await;
    fill(&c, "#login-password", "my-New-passw0rd-2026").await;
    click(&c, "#login-submit").await;
    wait_for(
        &c,
        "#seats-used",
        "dashboard after signing in with the new password",
    )
    .await;

    app.assert_no_file_contains("my-New-passw0rd-2026");
    c.close().await.unwrap();
    drop(app);
    portal.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, tauri-driver, Xvfb and a Secret Service: run scripts/test.sh"]
async fn the_profile_shows_the_sessions_and_changes_the_password() {
    let portal = Portal::start().await;
    let app = AppUnderTest::new(&portal.url);
    let c = app.launch().await;
    sign_in_as_owner(&c, &portal).await;
    click(&c, "#user-menu").await;
    click(&c, "#menu-profile").await;
    wait_for(&c, "#profile-form", "profile page").await;
    assert_eq!(text(&c, "#profile-email").await, portal.seed.owner_email);
    // This app's session is listed and marked.
    wait_xpath(
        &c,
        "//table[@id='sessions']//tr[contains(@class,'current')]",
        "this session",
    )
    .await;
    // The rules are shown before typing.
    assert!(text(&c, "#profile-password-rules").await.contains("12"));
    fill(&c, "#profile-current-password", &portal.seed.owner_password).await;
    fill(&c, "#profile-new-password", "profile-Passw0rd-2026").await;
    // The strength meter (zxcvbn) rates what is typed.
    let strength = text(&c, "#profile-strength-text").await;
    assert!(strength.starts_with("Strength: "), "{strength:?}");
    fill(&c, "#profile-repeat-password", "profile-Passw0rd-2026").await;
    click(&c, "#profile-password-save").await;
    wait_for(&c, "#toast-text", "password changed toast").await;

    click(&c, "#user-menu").await;
    click(&c, "#logout").await;
    wait_for(&c, "#login-form", "sign-in page after sign-out").await;
    fill(&c, "#login-email", &portal.seed.owner_email).await;
    fill(&c, "#login-password", "profile-Passw0rd-2026").await;
    click(&c, "#login-submit").await;
    wait_for(
        &c,
        "#seats-used",
        "dashboard after signing in with the changed password",
    )
    .await;

    c.close().await.unwrap();
    drop(app);
    portal.stop().await;
}

#[test]
fn the_code_is_found_in_a_mail_text() {
    assert_eq!(
        code_in("Code:\n    AB2CD-EFGH9\n").as_deref(),
        Some("AB2CD-EFGH9")
    );
    assert_eq!(code_in("no code AB0CD-EFGH9 here"), None);
}
