//! acct9 (issue 9) against the real server on SQLite and PostgreSQL: the own e-mail address changed by a
//! code sent to the new address (single use, expiry, limited tries, hashed at rest, a notice to the old
//! address, no answer that reveals another account's address, audited), and the device a session was
//! started from in the profile's session list.

mod common;

use common::{api_error, check, login, owner, seed_options, Env};
use kontor_api::{ConfirmEmailChange, ErrorDetail, FieldProblem, RequestEmailChange};
use kontor_client::PortalClient;
use kontor_server::db::mail::ClaimedMail;
use kontor_server::seed::{seed_demo, SeedOptions};
use kontor_server::Clock;

/// Every due mail in the outbox, claimed (so each is seen once).
async fn take_mails(env: &Env) -> Vec<ClaimedMail> {
    let now = env.clock.now();
    env.db
        .claim_mails("test", now, now + 300, 100)
        .await
        .expect("claim")
}

/// The values a rendered mail emphasises (its indented lines).
fn values(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("    "))
        .map(|l| l.trim().to_string())
        .collect()
}

/// The one mail to `to` among `mails`.
fn mail_to<'a>(mails: &'a [ClaimedMail], to: &str) -> &'a ClaimedMail {
    let found: Vec<&ClaimedMail> = mails.iter().filter(|m| m.recipient == to).collect();
    assert_eq!(found.len(), 1, "one mail to {to} expected: {mails:?}");
    found[0]
}

fn ask(new_email: &str) -> RequestEmailChange {
    RequestEmailChange {
        new_email: new_email.to_string(),
    }
}

fn code(c: &str) -> ConfirmEmailChange {
    ConfirmEmailChange {
        code: c.to_string(),
    }
}

fn is_bad_code(detail: &Option<ErrorDetail>) -> bool {
    matches!(detail, Some(ErrorDetail::Field { field, problem: FieldProblem::Incorrect, .. }) if field == "code")
}

/// Asks for a change to `to` and answers the code mailed there.
async fn code_for(env: &Env, tok: &str, to: &str) -> String {
    env.client
        .request_email_change(tok, &ask(to))
        .await
        .expect("request");
    let mails = take_mails(env).await;
    let m = mail_to(&mails, &to.to_lowercase());
    let v = values(&m.body_text);
    assert_eq!(v.len(), 1, "{}", m.body_text);
    v[0].clone()
}

#[tokio::test]
async fn the_email_changes_only_with_the_code_sent_to_the_new_address() {
    check(|env| async move {
        let tok = owner(&env).await;
        let old = env.seed.owner_email.clone();
        let owner_id = env
            .db
            .user_by_email(&old)
            .await
            .expect("db")
            .expect("owner")
            .id;

        // The code goes to the NEW address; nothing changes yet; only its hash is stored.
        let c = code_for(&env, &tok, "Maria@Neu.example").await;
        let me = env.client.me(&tok).await.expect("me");
        assert_eq!(me.email, old);
        let pending = env
            .db
            .email_change(&owner_id)
            .await
            .expect("db")
            .expect("pending");
        assert_eq!(pending.new_email, "maria@neu.example");
        assert_eq!(pending.code_hash.len(), 64);
        assert!(!pending.code_hash.contains(&c.replace('-', "")));

        // A wrong code is refused at the field, and counted.
        let (status, body) = api_error(
            env.client
                .confirm_email_change(&tok, &code("AAAAA-AAAAA"))
                .await,
        );
        assert_eq!(status, 422);
        assert!(is_bad_code(&body.detail), "{body:?}");

        // The right one (case and dashes do not matter) changes it; the old address is told.
        let p = env
            .client
            .confirm_email_change(&tok, &code(&c.to_lowercase().replace('-', " ")))
            .await
            .expect("confirm");
        assert_eq!(p.email, "maria@neu.example");
        assert_eq!(
            env.client.me(&tok).await.expect("me").email,
            "maria@neu.example"
        );
        let mails = take_mails(&env).await;
        let notice = mail_to(&mails, &old);
        assert!(
            notice.body_text.contains("maria@neu.example"),
            "{}",
            notice.body_text
        );
        assert!(values(&notice.body_text).is_empty(), "no code in the notice");
        // Signing in goes by the new address now.
        env.client
            .login_password(&login("maria@neu.example", &env.seed.owner_password))
            .await
            .expect("new address signs in");
        let (status, _) =
            api_error(env.client.login_password(&login(&old, &env.seed.owner_password)).await);
        assert_eq!(status, 401);

        // Single use.
        let (status, body) = api_error(env.client.confirm_email_change(&tok, &code(&c)).await);
        assert_eq!(status, 422);
        assert!(is_bad_code(&body.detail));

        // Expired after 30 minutes.
        let c = code_for(&env, &tok, "maria2@neu.example").await;
        env.clock.advance(30 * 60);
        // (the access token has expired too: a new sign-in)
        let tok = env
            .client
            .login_password(&login("maria@neu.example", &env.seed.owner_password))
            .await
            .expect("sign in")
            .access_token;
        let (status, body) = api_error(env.client.confirm_email_change(&tok, &code(&c)).await);
        assert_eq!(status, 422);
        assert!(is_bad_code(&body.detail));

        // Five wrong tries end a code; a new request replaces the old code.
        let first = code_for(&env, &tok, "maria3@neu.example").await;
        let c = code_for(&env, &tok, "maria3@neu.example").await;
        let (status, _) = api_error(env.client.confirm_email_change(&tok, &code(&first)).await);
        assert_eq!(status, 422, "the replaced code");
        for _ in 0..4 {
            let (status, _) = api_error(
                env.client
                    .confirm_email_change(&tok, &code("BBBBB-BBBBB"))
                    .await,
            );
            assert_eq!(status, 422);
        }
        let (status, body) = api_error(env.client.confirm_email_change(&tok, &code(&c)).await);
        assert_eq!(status, 422, "exhausted");
        assert!(is_bad_code(&body.detail));
        assert_eq!(
            env.client.me(&tok).await.expect("me").email,
            "maria@neu.example"
        );

        // Invalid input at its field; the own address is a conflict.
        let (status, body) = api_error(
            env.client
                .request_email_change(&tok, &ask("not-an-address"))
                .await,
        );
        assert_eq!(status, 422);
        assert!(
            matches!(&body.detail, Some(ErrorDetail::Field { field, problem: FieldProblem::InvalidEmail, .. }) if field == "new_email"),
            "{body:?}"
        );
        let (status, body) = api_error(
            env.client
                .request_email_change(&tok, &ask("maria@neu.example"))
                .await,
        );
        assert_eq!(status, 409);
        assert!(matches!(body.detail, Some(ErrorDetail::EmailInUse { .. })));
        take_mails(&env).await;

        let events: Vec<(String, Option<String>)> = env
            .db
            .audit_events(&env.seed.account_id)
            .await
            .expect("audit")
            .into_iter()
            .filter(|e| e.event.starts_with("user.email_"))
            .map(|e| (e.event, e.target))
            .collect();
        assert_eq!(
            events[..2],
            [
                (
                    "user.email_change_requested".to_string(),
                    Some(format!("{old} → maria@neu.example"))
                ),
                (
                    "user.email_changed".to_string(),
                    Some(format!("{old} → maria@neu.example"))
                ),
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn an_address_of_the_own_account_gets_no_code_and_one_of_another_account_is_usable() {
    // Addresses are unique per account (issue 10): an address in use in the user's own account is answered
    // like any other but gets no code; an address that exists only in another account is simply usable
    // (the answer and the mail must not tell the user anything about other accounts).
    check(|env| async move {
        // A second account with its own owner.
        let other = seed_demo(
            env.db.as_ref(),
            &SeedOptions {
                account_name: "Andere AG".to_string(),
                customer_number: "K-200".to_string(),
                owner_email: "chef@andere.example".to_string(),
                ..seed_options()
            },
        )
        .await
        .expect("second account");
        let tok = owner(&env).await;
        let owner_id = env
            .db
            .user_by_email(&env.seed.owner_email)
            .await
            .expect("db")
            .expect("owner")
            .id;
        let taken = "jonas.becker@muster.example";
        // The same answer as for a free address …
        env.client
            .request_email_change(&tok, &ask(taken))
            .await
            .expect("answered alike");
        // … but no code: the address's owner is told it cannot be used.
        let mails = take_mails(&env).await;
        let m = mail_to(&mails, taken);
        assert!(values(&m.body_text).is_empty(), "{}", m.body_text);
        assert!(
            env.db.email_change(&owner_id).await.expect("db").is_none(),
            "nothing pending"
        );
        // Another account's address is a free address here: a code, and the change goes through.
        let c = code_for(&env, &tok, &other.owner_email).await;
        env.client
            .confirm_email_change(&tok, &code(&c))
            .await
            .expect("confirm another account's address");
        assert_eq!(
            env.client.me(&tok).await.expect("me").email,
            other.owner_email
        );
        // A pending change to a free address ends when an unusable one is asked for.
        let c = code_for(&env, &tok, "frei@neu.example").await;
        env.client
            .request_email_change(&tok, &ask(taken))
            .await
            .expect("request");
        let (status, _) = api_error(env.client.confirm_email_change(&tok, &code(&c)).await);
        assert_eq!(status, 422);
        assert_eq!(
            env.client.me(&tok).await.expect("me").email,
            other.owner_email
        );
    })
    .await;
}

#[tokio::test]
async fn the_session_list_shows_the_device_the_app_named() {
    check(|env| async move {
        let app = PortalClient::with_user_agent(&env.base_url, "Kontor 0.1.0 on Linux (ws-07)")
            .expect("client");
        let s = app
            .login_password(&login(&env.seed.owner_email, &env.seed.owner_password))
            .await
            .expect("sign in");
        let long = format!("Kontor 0.1.0 on Linux ({})", "x".repeat(300));
        let other = PortalClient::with_user_agent(&env.base_url, &long).expect("client");
        other
            .login_password(&login(&env.seed.owner_email, &env.seed.owner_password))
            .await
            .expect("sign in");
        // A refresh names the device again (the same app sends the same User-Agent).
        env.clock.advance(60);
        let r = app.refresh(&s.refresh_token).await.expect("refresh");
        let list = app.sessions(&r.access_token).await.expect("sessions");
        let mine = list
            .sessions
            .iter()
            .find(|x| x.current)
            .expect("this session");
        assert_eq!(
            mine.device.as_deref(),
            Some("Kontor 0.1.0 on Linux (ws-07)")
        );
        assert!(mine.last_used_at > mine.started_at);
        let theirs = list
            .sessions
            .iter()
            .find(|x| !x.current)
            .expect("the other session");
        let d = theirs.device.clone().expect("device");
        assert_eq!(d.chars().count(), 120, "cut to 120 characters");
        assert!(d.starts_with("Kontor 0.1.0 on Linux (xxx"));
    })
    .await;
}
