//! End-to-end test of roles in the real app (acct9, issue 9 "Roles in the app"): signed in as a User and as
//! Billing, the navigation offers exactly the pages the portal lets that role use, a User's dashboard shows no
//! amounts (Billing's does), the Profile is in the user menu, and each page hidden from the role is refused
//! by the portal (403) for that role's own session. roles9b: a User gets Downloads (navigation and portal)
//! exactly when the vendor profile has `[downloads] users = true`.

mod support;

use kontor_api::{ChangePassword, PasswordLogin};
use kontor_client::{ClientError, PortalClient};
use support::{click, fill, wait_for, AppUnderTest, Portal};

const PASSWORD: &str = "Rollen-Passw0rt!";

/// Gives the seeded user `local`@muster.example the password [`PASSWORD`] (the owner resets it, the user
/// replaces the temporary one) and answers the user's access token.
async fn with_password(
    client: &PortalClient,
    portal: &Portal,
    owner_tok: &str,
    local: &str,
) -> String {
    let email = format!("{local}@muster.example");
    let page = client
        .users(
            owner_tok,
            &portal.seed.account_id,
            &kontor_api::UserQuery {
                q: Some(local.to_string()),
                ..Default::default()
            },
        )
        .await
        .expect("users");
    let id = page
        .users
        .iter()
        .find(|u| u.email == email)
        .expect("seeded user")
        .id
        .clone();
    let temp = client
        .reset_password(owner_tok, &portal.seed.account_id, &id)
        .await
        .expect("reset");
    let s = client
        .login_password(&PasswordLogin {
            email: email.clone(),
            password: temp.temporary_password.clone(),
            remember: false,
        })
        .await
        .expect("temporary password");
    client
        .change_password(
            &s.access_token,
            &ChangePassword {
                current_password: temp.temporary_password,
                new_password: PASSWORD.to_string(),
            },
        )
        .await
        .expect("change");
    client
        .login_password(&PasswordLogin {
            email,
            password: PASSWORD.to_string(),
            remember: false,
        })
        .await
        .expect("sign in")
        .access_token
}

fn status<T: std::fmt::Debug>(r: Result<T, ClientError>) -> u16 {
    match r {
        Ok(_) => 200,
        Err(ClientError::Api { status, .. }) => status,
        Err(e) => panic!("{e:?}"),
    }
}

/// The ids of the navigation's links, in order.
async fn nav_ids(c: &fantoccini::Client) -> Vec<String> {
    let v = c
        .execute(
            "return Array.from(document.querySelectorAll('header nav a')).map(a => a.id);",
            vec![],
        )
        .await
        .expect("nav");
    serde_json::from_value(v).expect("ids")
}

/// roles9b: the ids of the page's group tabs, in order (none when the page is alone).
async fn tab_ids(c: &fantoccini::Client) -> Vec<String> {
    let v = c
        .execute(
            "return Array.from(document.querySelectorAll('#page-tabs a')).map(a => a.id);",
            vec![],
        )
        .await
        .expect("tabs");
    serde_json::from_value(v).expect("ids")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, tauri-driver, Xvfb and a Secret Service: run scripts/test.sh"]
async fn each_role_sees_exactly_the_pages_the_portal_lets_it_use() {
    let portal = Portal::start().await;
    let client = PortalClient::new(&portal.url).expect("client");
    let owner = client
        .login_password(&PasswordLogin {
            email: portal.seed.owner_email.clone(),
            password: portal.seed.owner_password.clone(),
            remember: false,
        })
        .await
        .expect("owner")
        .access_token;
    let acc = portal.seed.account_id.clone();
    for (local, nav, amounts) in [
        ("paul.wagner", vec!["nav-dashboard"], false),
        // roles9b: Subscription, Invoices and Billing details are tabs under one Billing entry.
        ("lea.schmidt", vec!["nav-dashboard", "nav-billing"], true),
    ] {
        let tok = with_password(&client, &portal, &owner, local).await;

        // The portal: the user-management pages are refused to both roles; billing pages to the User.
        assert_eq!(
            status(
                client
                    .users(&tok, &acc, &kontor_api::UserQuery::default())
                    .await
            ),
            403,
            "{local}: users"
        );
        assert_eq!(
            status(client.licenses(&tok, &acc).await),
            403,
            "{local}: licenses"
        );
        assert_eq!(
            status(client.installers(&tok, &acc).await),
            403,
            "{local}: downloads"
        );
        assert_eq!(
            status(client.location_infos(&tok, &acc).await),
            403,
            "{local}: locations"
        );
        assert_eq!(
            status(client.audit(&tok, &acc, None, None).await),
            403,
            "{local}: audit"
        );
        let billing = if amounts { 200 } else { 403 };
        assert_eq!(
            status(client.subscription(&tok, &acc).await),
            billing,
            "{local}: subscription"
        );
        assert_eq!(
            status(client.billing_address(&tok, &acc).await),
            billing,
            "{local}: billing"
        );
        assert_eq!(status(client.dashboard(&tok, &acc).await), 200);

        // The app: exactly those pages in the navigation.
        let app = AppUnderTest::new(&portal.url);
        let c = app.launch().await;
        wait_for(&c, "#login-form", "sign-in page").await;
        fill(&c, "#login-email", &format!("{local}@muster.example")).await;
        fill(&c, "#login-password", PASSWORD).await;
        click(&c, "#login-submit").await;
        wait_for(&c, "#seats-used", "dashboard").await;
        assert_eq!(nav_ids(&c).await, nav, "{local}: navigation");
        let invoice_cards = c
            .find_all(fantoccini::Locator::Css("#next-invoice-amount"))
            .await
            .expect("find");
        if amounts {
            wait_for(&c, "#next-invoice-amount", "Billing sees the next invoice").await;
        } else {
            assert!(
                invoice_cards.is_empty(),
                "a User's dashboard shows no amounts"
            );
            let html = c.source().await.expect("source");
            assert!(!html.contains("€"), "no amount on a User's dashboard");
        }
        if amounts {
            // roles9b: the Billing entry opens the subscription, with its group's three tabs.
            click(&c, "#nav-billing").await;
            wait_for(&c, "#package-compare", "the subscription").await;
            assert_eq!(
                tab_ids(&c).await,
                ["tab-subscription", "tab-invoices", "tab-billing"],
                "{local}: billing tabs"
            );
            click(&c, "#tab-billing").await;
            wait_for(&c, "#billing-address-form", "billing details").await;
        }
        click(&c, "#user-menu").await;
        wait_for(&c, "#menu-profile", "Profile in the user menu").await;
        click(&c, "#menu-profile").await;
        wait_for(&c, "#profile-form", "the profile").await;
        c.close().await.expect("close");
        drop(app);
    }
    portal.stop().await;
}

// roles9b
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, tauri-driver, Xvfb and a Secret Service: run scripts/test.sh"]
async fn a_user_downloads_when_the_vendor_allows_it() {
    let portal = Portal::start_with(|c| c.vendor.downloads.users = true).await;
    let client = PortalClient::new(&portal.url).expect("client");
    let owner = client
        .login_password(&PasswordLogin {
            email: portal.seed.owner_email.clone(),
            password: portal.seed.owner_password.clone(),
            remember: false,
        })
        .await
        .expect("owner")
        .access_token;
    let acc = portal.seed.account_id.clone();
    let tok = with_password(&client, &portal, &owner, "paul.wagner").await;
    let me = client.me(&tok).await.expect("me");
    assert_eq!(me.role, kontor_api::Role::User);
    assert!(me.can_download_installers);
    let catalog = client
        .installers(&tok, &acc)
        .await
        .expect("the portal lets the User");
    assert!(!catalog.installers.is_empty());
    // Everything else of an Admin stays refused.
    assert_eq!(status(client.licenses(&tok, &acc).await), 403, "licenses");
    assert_eq!(
        status(client.offline_license_status(&tok, &acc).await),
        403,
        "offline license"
    );

    let app = AppUnderTest::new(&portal.url);
    let c = app.launch().await;
    wait_for(&c, "#login-form", "sign-in page").await;
    fill(&c, "#login-email", "paul.wagner@muster.example").await;
    fill(&c, "#login-password", PASSWORD).await;
    click(&c, "#login-submit").await;
    wait_for(&c, "#seats-used", "dashboard").await;
    assert_eq!(nav_ids(&c).await, ["nav-dashboard", "nav-downloads"]);
    click(&c, "#nav-downloads").await;
    wait_for(&c, "#installers tbody tr", "the installers").await;
    // The Downloads entry's other page (the offline license) is not the User's: no tabs.
    assert!(tab_ids(&c).await.is_empty(), "no offline-license tab");
    c.close().await.expect("close");
    drop(app);
    portal.stop().await;
}
