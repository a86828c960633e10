//! End-to-end test of the Subscription page in the real app: the current package with its applications and
//! add-on, the packages side by side, "Change to Enterprise" → the portal's preview (gained applications,
//! proration, effective date) → Confirm (clicked twice: booked once) → the toast names the proration
//! invoice's number and amount, and the page shows the new package.

mod support;

use kontor_api::{ChangePreviewRequest, PasswordLogin};
use kontor_client::PortalClient;
use support::{click, sign_in_as_owner, text, wait_for, wait_xpath, AppUnderTest, Portal};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, tauri-driver, Xvfb and a Secret Service: run scripts/test.sh"]
async fn compare_packages_preview_and_book_an_upgrade() {
    let portal = Portal::start().await;
    let client = PortalClient::new(&portal.url).unwrap();
    let token = client
        .login_password(&PasswordLogin {
            email: portal.seed.owner_email.clone(),
            password: portal.seed.owner_password.clone(),
            remember: false,
        })
        .await
        .unwrap()
        .access_token;
    let acc = portal.seed.account_id.clone();
    // What the portal will say (the app must show exactly this).
    let expected = client
        .preview_package_change(
            &token,
            &acc,
            &ChangePreviewRequest {
                package: "enterprise".into(),
            },
        )
        .await
        .unwrap();

    let app = AppUnderTest::new(&portal.url);
    let c = app.launch().await;
    sign_in_as_owner(&c, &portal).await;
    // roles9b: the subscription is the first tab of the Billing entry.
    click(&c, "#nav-billing").await;
    click(&c, "#tab-subscription").await;

    // --- the current package, its applications (assigned / limit) and the add-on apart ---
    assert_eq!(text(&c, "#current-package-name").await, "Business");
    assert_eq!(text(&c, "#billing-period").await, "Monthly");
    assert_eq!(
        text(&c, "#subscription-apps tr[data-product='cmdb'] td.seats").await,
        "11 of 25"
    );
    assert!(text(&c, "#subscription-addons")
        .await
        .contains("Analytics, 5 seats"));

    // --- the comparison: current marked, Enterprise adds API Access ---
    assert!(text(&c, "#package-business").await.contains("Current"));
    let api_row = text(&c, "#package-compare tr[data-product='api']").await;
    assert!(api_row.contains("10 seats"), "{api_row:?}");
    assert!(text(&c, "#package-compare").await.contains("€2,990.00"));

    // README's screenshot (`KONTOR_SCREENSHOT_DIR=docs/screenshots`).
    app.screenshot(&c, "subscription-en").await;

    // --- preview ---
    click(&c, "#change-to-enterprise").await;
    wait_for(&c, "#preview-proration", "the preview").await;
    assert_eq!(text(&c, "#preview-gained").await, "API Access");
    assert_eq!(text(&c, "#preview-lost").await, "none");
    let money = |cents: i64| {
        let s = format!("{:.2}", cents as f64 / 100.0);
        let (units, dec) = s.split_once('.').unwrap();
        let mut grouped = String::new();
        for (i, ch) in units.chars().enumerate() {
            if i > 0 && (units.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        format!("€{grouped}.{dec}")
    };
    let proration = text(&c, "#preview-proration").await;
    assert!(
        proration.contains(&money(expected.prorated_cents)),
        "{proration:?} vs {}",
        expected.prorated_cents
    );
    assert!(text(&c, "#preview-new-amount")
        .await
        .starts_with(&money(expected.new_recurring_cents)));

    // --- confirm, twice in a row: one booking ---
    // The seed's invoices are in the audit log too: count the ones issued before the booking.
    let issued_before = client
        .audit(&token, &acc, None, Some(200))
        .await
        .unwrap()
        .events
        .iter()
        .filter(|e| e.event == "invoice.issued")
        .count();
    wait_for(&c, "#change-confirm:not([disabled])", "confirm enabled").await;
    c.execute(
        "const b = document.querySelector('#change-confirm'); b.click(); b.click();",
        vec![],
    )
    .await
    .unwrap();
    let toast = wait_xpath(
        &c,
        "//span[@id='toast-text' and contains(., 'Proration invoice')]",
        "the booking's toast",
    )
    .await
    .text()
    .await
    .unwrap();
    wait_xpath(
        &c,
        "//h2[@id='current-package-name' and normalize-space()='Enterprise']",
        "the page shows the new package",
    )
    .await;

    // The toast names the invoice the portal issued, with its amount.
    let audit = client.audit(&token, &acc, None, Some(200)).await.unwrap();
    let booked: Vec<_> = audit
        .events
        .iter()
        .filter(|e| e.event == "subscription.change_booked")
        .collect();
    assert_eq!(booked.len(), 1, "booked once: {booked:?}");
    // Newest first: the proration invoice is the one issued after the booking began.
    let issued: Vec<_> = audit
        .events
        .iter()
        .filter(|e| e.event == "invoice.issued")
        .collect();
    assert_eq!(issued.len(), issued_before + 1, "one invoice: {issued:?}");
    assert!(
        toast.contains(&issued[0].target),
        "{toast:?} names {}",
        issued[0].target
    );
    assert!(toast.contains('€'), "{toast:?}");
    let sub = client.subscription(&token, &acc).await.unwrap();
    assert_eq!(sub.package_code, "enterprise");

    // The proration invoice is on the Invoices page, and its PDF saves through the native dialog.
    let number = issued[0].target.clone();
    click(&c, "#tab-invoices").await;
    wait_xpath(
        &c,
        &format!(
            "//table[@id='invoice-table']//*[contains(@class, 'invoice-open') and normalize-space()='{number}']"
        ),
        "the proration invoice in the list",
    )
    .await
    .click()
    .await
    .unwrap();
    let title = text(&c, "#invoice-detail-title").await;
    assert!(title.contains(&number), "{title:?}");
    click(&c, "#invoice-save-pdf").await;
    let saved = text(&c, "#invoice-saved").await;
    let file = app.saved_dir().join(format!("{number}.pdf"));
    assert!(saved.contains(&file.display().to_string()), "{saved:?}");
    let bytes = std::fs::read(&file).expect("the saved PDF");
    assert!(bytes.starts_with(b"%PDF-"));
    let out = std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext");
    let pdf_text = String::from_utf8_lossy(&out.stdout);
    assert!(pdf_text.contains(&number), "{pdf_text}");
    portal.stop().await;
}
