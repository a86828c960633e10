//! End-to-end test of the Billing details page (issue 8, sepa8) in the real app against a real portal:
//! change the billing address (a bad postal code and a missing street are shown at their fields at once),
//! enter a SEPA mandate (an invalid IBAN shows its error at the IBAN field, a valid one the masked IBAN and
//! the mandate reference), then pay by invoice (asked first). The full IBAN is in no file the app wrote.

mod support;

use kontor_api::PaymentMethod;
use kontor_client::PortalClient;
use support::{
    click, fill, sign_in_as_owner, text, wait_for, wait_gone, wait_xpath, AppUnderTest, Portal,
};

const IBAN: &str = "DE89370400440532013000";

async fn attr(c: &fantoccini::Client, css: &str, name: &str) -> Option<String> {
    wait_for(c, css, "attribute")
        .await
        .attr(name)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, tauri-driver, Xvfb and a Secret Service: run scripts/test.sh"]
async fn change_the_billing_address_and_enter_a_sepa_mandate() {
    let portal = Portal::start().await;
    let client = PortalClient::new(&portal.url).unwrap();
    let app = AppUnderTest::new(&portal.url);
    let c = app.launch().await;
    sign_in_as_owner(&c, &portal).await;
    // roles9b: the billing details are a tab of the Billing entry.
    click(&c, "#nav-billing").await;
    click(&c, "#tab-billing").await;
    wait_for(&c, "#billing-address-form", "billing page").await;

    // --- the address: two problems at once, each at its field ---
    fill(&c, "#billing-company", "Muster GmbH").await;
    fill(&c, "#billing-street", "").await;
    fill(&c, "#billing-postal-code", "1234").await;
    fill(&c, "#billing-city", "Berlin").await;
    fill(&c, "#billing-invoice-emails", "rechnung@muster.example").await;
    click(&c, "#billing-address-save").await;
    let postal_error = text(&c, "#billing-postal-code-error").await;
    assert!(postal_error.contains("postal code"), "{postal_error:?}");
    assert!(!text(&c, "#billing-street-error").await.is_empty());
    assert_eq!(
        attr(&c, "#billing-postal-code", "aria-invalid")
            .await
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        attr(&c, "#billing-postal-code", "aria-describedby")
            .await
            .as_deref(),
        Some("billing-postal-code-error")
    );
    assert_eq!(
        attr(&c, "#billing-company", "aria-invalid")
            .await
            .as_deref(),
        Some("false")
    );
    app.screenshot(&c, "billing-address-errors").await;

    fill(&c, "#billing-street", "Hauptstraße 1").await;
    fill(&c, "#billing-postal-code", "10115").await;
    fill(&c, "#billing-vat-id", "de 136 695 976").await;
    click(&c, "#billing-address-save").await;
    wait_gone(&c, "#billing-postal-code-error", "the fixed postal code").await;
    // The portal's normalised VAT ID comes back into the form.
    let saved_vat = wait_for(&c, "#billing-vat-id", "vat id").await;
    let mut vat = String::new();
    for _ in 0..50 {
        vat = saved_vat.prop("value").await.unwrap().unwrap_or_default();
        if vat == "DE136695976" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(vat, "DE136695976");
    let tok = client
        .login_password(&kontor_api::PasswordLogin {
            email: portal.seed.owner_email.clone(),
            password: portal.seed.owner_password.clone(),
            remember: false,
        })
        .await
        .unwrap()
        .access_token;
    let acc = portal.seed.account_id.clone();
    let address = client
        .billing_address(&tok, &acc)
        .await
        .unwrap()
        .address
        .unwrap();
    assert_eq!(
        (
            address.postal_code.as_str(),
            address.street.as_str(),
            address.country.as_str()
        ),
        ("10115", "Hauptstraße 1", "DE")
    );

    // --- SEPA: an invalid IBAN is shown at the IBAN field ---
    assert_eq!(
        attr(&c, "#payment-method", "data-method").await.as_deref(),
        Some("invoice")
    );
    click(&c, "#billing-change-bank").await;
    let mandate = text(&c, "#billing-mandate-text p.small").await;
    assert!(mandate.contains("DE98ZZZ09999999999"), "{mandate:?}");
    fill(&c, "#billing-account-holder", "Muster GmbH").await;
    fill(&c, "#billing-iban", "DE89 3704 0044 0532 0130 01").await;
    click(&c, "#billing-accept-mandate").await;
    click(&c, "#billing-bank-save").await;
    let iban_error = text(&c, "#billing-iban-error").await;
    assert!(iban_error.contains("IBAN"), "{iban_error:?}");
    assert_eq!(
        attr(&c, "#billing-iban", "aria-invalid").await.as_deref(),
        Some("true")
    );
    app.screenshot(&c, "billing-iban-error").await;

    // --- a valid one: the masked IBAN and the mandate reference ---
    fill(&c, "#billing-iban", "de89 3704 0044 0532 0130 00").await;
    click(&c, "#billing-bank-save").await;
    wait_xpath(
        &c,
        "//*[@id='toast-text' and starts-with(normalize-space(), 'Bank details saved.')]",
        "the success toast",
    )
    .await;
    wait_gone(&c, "#billing-bank-form", "the saved bank form").await;
    let masked = text(&c, "#payment-iban").await;
    assert_eq!(masked, "DE89 **** **** **** **30 00");
    let reference = text(&c, "#payment-mandate-reference").await;
    assert_eq!(
        reference,
        format!("KONTOR-{}-1", portal.seed.customer_number)
    );
    assert_eq!(
        attr(&c, "#payment-method", "data-method").await.as_deref(),
        Some("sepa")
    );
    let source = c.source().await.unwrap();
    assert!(!source.contains(IBAN) && !source.contains("3704 0044 0532"));
    app.screenshot(&c, "billing-mandate").await;

    // The success toast is closed so that it covers no button.
    c.execute("document.getElementById('toast-close')?.click();", vec![])
        .await
        .unwrap();
    wait_gone(&c, "#toast", "the closed toast").await;

    // --- pay by invoice instead, asked first ---
    click(&c, "#billing-pay-by-invoice").await;
    click(&c, "#confirm-pay-by-invoice-yes").await;
    wait_for(&c, "#payment-no-mandate", "pay by invoice").await;
    let p = client.payment_details(&tok, &acc).await.unwrap();
    assert_eq!((p.method, p.mandate), (PaymentMethod::Invoice, None));

    app.assert_no_file_contains(IBAN);
    c.close().await.unwrap();
    drop(app);
    portal.stop().await;
}
