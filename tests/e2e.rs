//! End-to-end tests in the real app: the built Kontor binary in WebKitGTK, driven by `tauri-driver` +
//! WebKitWebDriver under Xvfb, talking HTTP to a real portal server started here on port 0.
//!
//! They need the app built with the UI embedded, tauri-driver, a display and a Secret Service, so they are
//! `#[ignore]`d for a plain `cargo test`; `scripts/test.sh` prepares all of that and runs them with
//! `--ignored`.

mod support;

use fantoccini::Locator;
use kontor_api::PasswordLogin;
use kontor_client::PortalClient;
use support::{click, fill, text, wait_for, wait_xpath, AppUnderTest, Portal, WAIT};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, tauri-driver, Xvfb and a Secret Service: run scripts/test.sh"]
async fn sign_in_see_dashboard_resume_after_restart_and_sign_out() {
    let portal = Portal::start().await;
    let app = AppUnderTest::new(&portal.url);

    // --- first launch: sign-in page, a wrong password is refused with a message ---
    let c = app.launch().await;
    wait_for(&c, "#login-email", "sign-in page").await;
    assert!(
        c.find(Locator::Id("demo-banner")).await.is_ok(),
        "the UI must say plainly that this is a demo portal"
    );
    fill(&c, "#login-email", &portal.seed.owner_email).await;
    fill(&c, "#login-password", "not-the-password").await;
    click(&c, "#login-submit").await;
    let err = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Id("login-error"))
        .await
        .expect("an error for a wrong password");
    let msg = err.text().await.unwrap();
    assert!(
        msg.contains("password") || msg.contains("Passwort"),
        "wrong-password message: {msg:?}"
    );

    // --- sign in for real, staying signed in ---
    fill(&c, "#login-password", &portal.seed.owner_password).await;
    click(&c, "#login-remember").await;
    click(&c, "#login-submit").await;
    wait_for(&c, "#seats-used", "dashboard after sign-in").await;

    // The figures on screen are the server's.
    let api = PortalClient::new(&portal.url).unwrap();
    let tokens = api
        .login_password(&PasswordLogin {
            email: portal.seed.owner_email.clone(),
            password: portal.seed.owner_password.clone(),
            remember: false,
        })
        .await
        .unwrap();
    let summary = api
        .dashboard(&tokens.access_token, &tokens.user.account_id)
        .await
        .unwrap();
    assert_eq!(
        text(&c, "#seats-used").await,
        summary.seats_used.to_string()
    );
    assert_eq!(
        text(&c, "#seats-total").await,
        summary.seats_total.to_string()
    );
    assert_eq!(
        text(&c, "#user-count").await,
        summary.user_count.to_string()
    );
    assert_eq!(text(&c, "#package-name").await, summary.package_name);
    let invoice = summary
        .next_invoice
        .as_ref()
        .expect("seed has a next invoice");
    let shown_cents = c
        .find(Locator::Id("next-invoice-amount"))
        .await
        .unwrap()
        .attr("data-cents")
        .await
        .unwrap();
    assert_eq!(shown_cents, Some(invoice.amount_cents.to_string()));
    let bars = c.find_all(Locator::Css("#seat-chart g.bar")).await.unwrap();
    assert_eq!(
        bars.len(),
        summary.products.len(),
        "one chart bar per product"
    );
    app.screenshot(&c, "dashboard").await;

    // --- the secret: in the keyring, not on disk, not in the webview ---
    let refresh = app
        .remembered_refresh_token()
        .expect("refresh token in the OS keyring");
    app.assert_no_file_contains(&refresh);
    let page: String = c
        .execute(
            "return document.documentElement.outerHTML + JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie;",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        !page.contains(&refresh),
        "the webview must never see the refresh token"
    );

    // --- quit and relaunch: straight to the dashboard ---
    c.close().await.unwrap();
    let c = app.launch().await;
    wait_for(
        &c,
        "#seats-used",
        "relaunch resumes the session without signing in",
    )
    .await;
    assert!(c.find(Locator::Id("login-form")).await.is_err());
    assert_eq!(
        text(&c, "#seats-used").await,
        summary.seats_used.to_string()
    );

    // --- sign out: back to sign-in, keyring entry gone, session revoked on the portal ---
    let refresh_before_logout = app.remembered_refresh_token().expect("rotated token kept");
    click(&c, "#user-menu").await;
    click(&c, "#logout").await;
    wait_for(&c, "#login-form", "sign-in page after sign-out").await;
    // Signing out by choice is no expiry: the notice must not appear, not even after the requests the
    // signed-in pages still had on their way come back refused.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert!(
        c.find(Locator::Id("session-expired")).await.is_err(),
        "no 'session expired' after signing out by choice"
    );
    wait_for(&c, "#login-form", "still the sign-in page").await;
    assert_eq!(
        app.remembered_refresh_token(),
        None,
        "sign-out deletes the keyring entry"
    );
    let revoked = api.refresh(&refresh_before_logout).await.unwrap_err();
    assert_eq!(
        revoked.status(),
        Some(401),
        "sign-out revokes the session on the portal"
    );
    c.close().await.unwrap();

    // --- and a relaunch now asks to sign in ---
    let c = app.launch().await;
    wait_for(&c, "#login-form", "signed out stays signed out").await;
    c.close().await.unwrap();
    drop(app);
    portal.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, tauri-driver, Xvfb and a Secret Service: run scripts/test.sh"]
async fn license_token_sign_in_and_a_portal_that_went_away() {
    let portal = Portal::start().await;
    let app = AppUnderTest::new(&portal.url);
    let c = app.launch().await;
    wait_for(&c, "#tab-token", "#tab-token")
        .await
        .click()
        .await
        .unwrap();
    // Bad input is caught at the boundary with a message naming the field.
    fill(&c, "#login-token", "too-short").await;
    click(&c, "#login-submit").await;
    let msg = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Id("login-error"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        msg.contains("License token") || msg.contains("Lizenz-Token"),
        "{msg:?}"
    );

    fill(&c, "#login-token", &portal.seed.license_token).await;
    click(&c, "#login-submit").await;
    wait_for(&c, "#seats-used", "dashboard after token sign-in").await;
    let who = text(&c, "#current-user").await;
    assert!(
        who.contains("Owner") || who.contains("Inhaber"),
        "token signs in as the owner: {who:?}"
    );

    // The portal goes away: the app says so and offers a retry instead of a blank page.
    let url = portal.url.clone();
    portal.stop().await;
    // Not signed in with "stay signed in": a relaunch cannot resume and the portal is down.
    c.close().await.unwrap();
    let c = app.launch().await;
    let err = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Id("startup-error"))
        .await
        .expect("a clear message when the portal cannot be reached");
    let msg = err.text().await.unwrap();
    assert!(
        msg.contains("cannot be reached"),
        "{msg:?} (portal was {url})"
    );
    assert!(c.find(Locator::Id("startup-retry")).await.is_ok());
    c.close().await.unwrap();
    drop(app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, tauri-driver, Xvfb and a Secret Service: run scripts/test.sh"]
async fn first_start_asks_for_the_portal_in_the_os_language_and_remembers_choices() {
    let portal = Portal::start().await;
    let app = AppUnderTest::with(&portal.url, false, "de_DE.UTF-8");
    let c = app.launch().await;
    wait_for(
        &c,
        "#portal-url",
        "first start without a configured portal asks for its address",
    )
    .await;
    assert_eq!(
        text(&c, "#setup-connect").await,
        "Verbinden",
        "German from the OS locale"
    );

    // Plain http to a remote host is refused where the user typed it.
    fill(&c, "#portal-url", "http://portal.example.com").await;
    click(&c, "#setup-connect").await;
    let msg = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Id("setup-error"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(msg.contains("https://"), "{msg:?}");

    fill(&c, "#portal-url", &portal.url).await;
    click(&c, "#setup-connect").await;
    wait_for(&c, "#login-form", "sign-in page once the portal answered").await;
    assert_eq!(text(&c, "#login-submit").await, "Anmelden");

    // Switch to English; both choices survive a restart.
    c.execute(
        "const s = document.getElementById('language'); s.value = 'en'; s.dispatchEvent(new Event('change'));",
        vec![],
    )
    .await
    .unwrap();
    wait_xpath(
        &c,
        "//button[@id='login-submit' and normalize-space()='Sign in']",
        "text on the page",
    )
    .await;
    c.close().await.unwrap();
    let c = app.launch().await;
    wait_for(&c, "#login-form", "the portal address was remembered").await;
    assert_eq!(
        text(&c, "#login-submit").await,
        "Sign in",
        "the language was remembered"
    );
    assert!(text(&c, "#portal-address").await.contains(&portal.url));
    c.close().await.unwrap();
    drop(app);
    portal.stop().await;
}

/// the first-login screen does not ask for the temporary password again (the shell kept it in its
/// memory from the sign-in; it is in no file) and has a way back to sign-in; a plain User's dashboard shows
/// no amounts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, tauri-driver, Xvfb and a Secret Service: run scripts/test.sh"]
async fn first_login_keeps_the_temporary_password_and_a_plain_user_sees_no_amounts() {
    let portal = Portal::start().await;
    let api = PortalClient::new(&portal.url).unwrap();
    let owner = api
        .login_password(&PasswordLogin {
            email: portal.seed.owner_email.clone(),
            password: portal.seed.owner_password.clone(),
            remember: false,
        })
        .await
        .unwrap();
    let created = api
        .create_users(
            &owner.access_token,
            &portal.seed.account_id,
            &kontor_api::CreateUsers {
                users: vec![kontor_api::NewUser {
                    email: "uwe.user@muster.example".into(),
                    display_name: "Uwe User".into(),
                    role: kontor_api::Role::User,
                    location_id: None,
                    licenses: vec![],
                }],
            },
        )
        .await
        .unwrap();
    let temp = created.created[0].temporary_password.clone();

    let app = AppUnderTest::new(&portal.url);
    let c = app.launch().await;
    let sign_in = |c: fantoccini::Client, temp: String| async move {
        fill(&c, "#login-email", "uwe.user@muster.example").await;
        fill(&c, "#login-password", &temp).await;
        click(&c, "#login-submit").await;
        wait_for(&c, "#password-form", "the first-login screen").await;
        c
    };
    let c = sign_in(c, temp.clone()).await;
    wait_xpath(
        &c,
        "//p[@id='password-intro' and contains(., 'the temporary one you just entered')]",
        "the intro says the temporary password is not needed again",
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(
        c.find(Locator::Css("#current-password")).await.is_err(),
        "the temporary password is not asked for again"
    );

    // The way back: sign-in again, with nothing remembered.
    click(&c, "#password-back").await;
    wait_for(&c, "#login-email", "back on the sign-in page").await;
    assert!(
        c.find(Locator::Css("#session-expired")).await.is_err(),
        "going back is no expired session"
    );

    let c = sign_in(c, temp.clone()).await;
    fill(&c, "#new-password", "Uwe-own-Passw0rd!").await;
    fill(&c, "#repeat-password", "Uwe-own-Passw0rd!").await;
    click(&c, "#password-submit").await;
    wait_for(&c, "#seats-used", "the dashboard after the change").await;
    api.login_password(&PasswordLogin {
        email: "uwe.user@muster.example".into(),
        password: "Uwe-own-Passw0rd!".into(),
        remember: false,
    })
    .await
    .expect("the own password works");
    // A plain User: no amounts on the dashboard (the portal sends none; the card is not there).
    assert!(c.find(Locator::Css("#next-invoice")).await.is_err());
    assert!(c.find(Locator::Css("#next-invoice-amount")).await.is_err());
    let html = c.source().await.unwrap();
    assert!(
        !html.contains('€'),
        "no amount of money on a User's dashboard"
    );
    app.assert_no_file_contains(&temp);

    c.close().await.unwrap();
    drop(app);
    portal.stop().await;
}
