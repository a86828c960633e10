//! End-to-end test of signing in when one e-mail address has a user in two customer accounts with the same
//! password (issue 10, defect 5, branch harden10): the sign-in page offers the two accounts, the chosen
//! one is signed in (its name on the dashboard), and after sign-out the other can be chosen.

mod support;

use kontor_server::seed::{seed_demo, SeedOptions};
use support::{click, fill, text, wait_for, AppUnderTest, Portal};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, tauri-driver, Xvfb and a Secret Service: run scripts/test.sh"]
async fn the_sign_in_page_offers_the_accounts_of_an_address_and_signs_in_to_the_chosen_one() {
    let portal = Portal::start().await;
    // A second account whose owner has the demo owner's address and password.
    seed_demo(
        portal.db.as_ref(),
        &SeedOptions {
            account_name: "Beispiel AG".into(),
            customer_number: "K-200078".into(),
            owner_email: portal.seed.owner_email.clone(),
            owner_password: portal.seed.owner_password.clone(),
            ..SeedOptions::default()
        },
    )
    .await
    .expect("second account with the same owner address");
    let app = AppUnderTest::new(&portal.url);
    let c = app.launch().await;

    let sign_in = || async {
        wait_for(&c, "#login-form", "sign-in page").await;
        fill(&c, "#login-email", &portal.seed.owner_email).await;
        fill(&c, "#login-password", &portal.seed.owner_password).await;
        click(&c, "#login-submit").await;
        wait_for(&c, "#login-choose", "the account chooser").await;
    };

    // --- the chooser names both accounts; no error is shown ---
    sign_in().await;
    let chooser = text(&c, "#login-choose").await;
    for want in ["Muster GmbH (K-100042)", "Beispiel AG (K-200078)"] {
        assert!(chooser.contains(want), "{want:?} in {chooser:?}");
    }
    assert!(
        c.find(fantoccini::Locator::Css("#login-error"))
            .await
            .is_err(),
        "the chooser is not an error"
    );
    app.screenshot(&c, "signin-chooser").await;

    // --- choosing the second account signs in there ---
    click(&c, "#choose-K-200078").await;
    wait_for(&c, "#seats-used", "dashboard after choosing").await;
    let account = text(&c, "#account-name").await;
    assert!(account.contains("Beispiel AG"), "{account:?}");

    // --- after sign-out, the first account ---
    click(&c, "#user-menu").await;
    click(&c, "#logout").await;
    sign_in().await;
    click(&c, "#choose-K-100042").await;
    wait_for(
        &c,
        "#seats-used",
        "dashboard after choosing the first account",
    )
    .await;
    let account = text(&c, "#account-name").await;
    assert!(account.contains("Muster GmbH"), "{account:?}");

    c.close().await.unwrap();
    drop(app);
    portal.stop().await;
}
