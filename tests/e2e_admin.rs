//! End-to-end test of the admin pages in the real app: create a location, delete a location that still has
//! users (the confirmation asks where they go; the delete button stays off until a target is chosen), then
//! the audit log: filter by event type, see translated sentences, and export the filtered entries as CSV
//! through the save dialog (answered by the test hook) and check the file's rows.

mod support;

use std::time::{Duration, Instant};

use support::{
    click, fill, sign_in_as_owner, text, wait_for, wait_gone, wait_xpath, AppUnderTest, Portal,
};

/// Sets a `<select>` to `value` and fires the `change` event the UI listens to.
async fn choose(c: &fantoccini::Client, css: &str, value: &str) {
    wait_for(c, css, "select").await;
    c.execute(
        "const s = document.querySelector(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change', {bubbles: true}));",
        vec![css.into(), value.into()],
    )
    .await
    .unwrap();
}

/// The value of `attr` of every element matching `css`.
async fn attrs(c: &fantoccini::Client, css: &str, attr: &str) -> Vec<String> {
    let mut out = Vec::new();
    for el in c.find_all(fantoccini::Locator::Css(css)).await.unwrap() {
        out.push(el.attr(attr).await.unwrap().unwrap_or_default());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built app, tauri-driver, Xvfb and a Secret Service: run scripts/test.sh"]
async fn locations_and_the_audit_log() {
    let portal = Portal::start().await;
    let app = AppUnderTest::new(&portal.url);
    let c = app.launch().await;
    sign_in_as_owner(&c, &portal).await;

    // --- create a location ---
    click(&c, "#nav-locations").await;
    wait_for(&c, "#locations-table", "the locations page").await;
    let berlin_users: u32 = text(&c, "tr[data-name='Berlin'] .location-users")
        .await
        .parse()
        .unwrap();
    let hamburg_users: u32 = text(&c, "tr[data-name='Hamburg'] .location-users")
        .await
        .parse()
        .unwrap();
    assert!(berlin_users > 0, "the seed puts users in Berlin");
    click(&c, "#add-location").await;
    wait_for(&c, "#location-dialog", "the location dialog").await;
    // A name that exists (in another case) is refused at the field.
    fill(&c, "#location-name", "berlin").await;
    click(&c, "#location-submit").await;
    let err = text(&c, "#location-name-error").await;
    assert!(err.contains("berlin"), "{err}");
    assert_eq!(
        wait_for(&c, "#location-name", "name")
            .await
            .attr("aria-invalid")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    fill(&c, "#location-name", "Köln").await;
    fill(&c, "#location-street", "Domplatz 1").await;
    fill(&c, "#location-city", "Köln").await;
    click(&c, "#location-submit").await;
    wait_gone(&c, "#location-dialog", "the dialog closes").await;
    wait_for(&c, "tr[data-name='Köln']", "the new location's row").await;
    assert_eq!(text(&c, "tr[data-name='Köln'] .location-users").await, "0");
    assert_eq!(
        text(&c, "tr[data-name='Köln'] .location-address").await,
        "Domplatz 1, Köln"
    );

    // --- delete a location with users: they move in the same step ---
    click(&c, "tr[data-name='Berlin'] .delete-location").await;
    wait_for(&c, "#confirm-delete-location", "the delete question").await;
    let question = text(&c, "#delete-location-text").await;
    assert!(question.contains(&berlin_users.to_string()), "{question}");
    let yes = wait_for(&c, "#confirm-delete-location-yes", "delete").await;
    assert!(
        yes.attr("disabled").await.unwrap().is_some(),
        "no delete before a target is chosen"
    );
    let hamburg_id = wait_for(&c, "tr[data-name='Hamburg']", "hamburg")
        .await
        .attr("data-location")
        .await
        .unwrap()
        .unwrap();
    choose(&c, "#move-to", &hamburg_id).await;
    click(&c, "#confirm-delete-location-yes").await;
    wait_gone(&c, "tr[data-name='Berlin']", "Berlin is gone").await;
    let start = Instant::now();
    loop {
        let now: u32 = text(&c, "tr[data-name='Hamburg'] .location-users")
            .await
            .parse()
            .unwrap();
        if now == hamburg_users + berlin_users {
            break;
        }
        assert!(start.elapsed() < support::WAIT, "Hamburg has {now} users");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // --- the audit log: filter by event type, then export what the filter shows ---
    click(&c, "#nav-audit").await;
    wait_for(&c, "#audit-table", "the audit page").await;
    wait_for(
        &c,
        "#audit-table tr[data-event='auth.sign_in']",
        "the sign-in entry",
    )
    .await;
    choose(&c, "#audit-area", "location").await;
    click(&c, "#audit-apply").await;
    wait_gone(
        &c,
        "#audit-table tr[data-event='auth.sign_in']",
        "the filter drops other events",
    )
    .await;
    wait_xpath(
        &c,
        "//table[@id='audit-table']//tr[@data-event='location.created']/td[contains(@class,'audit-event')][normalize-space()='Created a location']",
        "the created location as a sentence",
    )
    .await;
    let shown = attrs(&c, "#audit-table tbody tr[data-event]", "data-event").await;
    assert_eq!(
        shown,
        ["location.deleted", "location.created"],
        "newest first"
    );
    assert_eq!(
        text(
            &c,
            "#audit-table tr[data-event='location.deleted'] .audit-target"
        )
        .await,
        format!("Berlin → Hamburg ({berlin_users} users)")
    );
    assert_eq!(
        text(
            &c,
            "#audit-table tr[data-event='location.created'] .audit-user"
        )
        .await,
        portal.seed.owner_email
    );

    click(&c, "#audit-export").await;
    let file = app.saved_dir().join("kontor-audit-log.csv");
    let start = Instant::now();
    while !file.exists() {
        assert!(
            start.elapsed() < support::WAIT,
            "no export at {}",
            file.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let csv = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = csv
        .trim_start_matches('\u{feff}')
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(lines[0], "Time (UTC),User,Event,Target,IP address");
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[1].contains(",location.deleted,Berlin → Hamburg"),
        "{csv}"
    );
    assert!(
        lines[2].contains(&format!(
            "{},location.created,Köln,127.0.0.1",
            portal.seed.owner_email
        )),
        "{csv}"
    );
    wait_xpath(
        &c,
        "//*[contains(normalize-space(), '2 entries saved to')]",
        "the export's toast",
    )
    .await;

    c.close().await.unwrap();
    portal.stop().await;
}
