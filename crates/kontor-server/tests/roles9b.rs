//! roles9b (issue 9, the rest) against the real server on SQLite and (with `KONTOR_TEST_POSTGRES_URL`)
//! PostgreSQL: the vendor profile's `[downloads] users` opens the installer catalog and files to the User
//! role (and says so in `Me`), `accounts token --rotate` ends the sessions started with the old token,
//! `accounts create --language` sets the owner's own language, and an address a deleted user had never
//! makes a change of the own e-mail, a new user or an import answer 500.

mod common;

use common::{api_error, check, check_with, login, owner, seeded_session, Env};
use kontor_api::{
    ConfirmEmailChange, CreateUsers, ErrorDetail, ImportBatch, NewUser, RequestEmailChange,
    RestoreUsers, Role, TokenLogin,
};
use kontor_client::ClientError;
use kontor_server::accounts::{create_account, rotate_token, NewCustomer};
use kontor_server::db::mail::ClaimedMail;
use kontor_server::Clock;

fn status<T: std::fmt::Debug>(r: Result<T, ClientError>) -> u16 {
    match r {
        Ok(_) => 200,
        Err(ClientError::Api { status, .. }) => status,
        Err(e) => panic!("{e:?}"),
    }
}

async fn uid(env: &Env, local: &str) -> String {
    env.db
        .user_by_email(&format!("{local}@muster.example"))
        .await
        .expect("db")
        .expect("seeded user")
        .id
}

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

/// What a role's session may do with the downloads, as (`Me` says, catalog status, file status).
async fn downloads_of(env: &Env, tok: &str, installer_id: &str) -> (bool, u16, u16) {
    let acc = &env.seed.account_id;
    let me = env.client.me(tok).await.expect("me");
    let list = status(env.client.installers(tok, acc).await);
    let file = status(
        env.client
            .installer_file(tok, acc, installer_id, 0, None)
            .await,
    );
    (me.can_download_installers, list, file)
}

/// The scenario of `downloads_are_the_users_only_when_the_vendor_allows_it`; `users`: the vendor setting.
async fn downloads_scenario(env: Env, users: bool) {
    kontor_server::installers::seed_demo_installers(
        env.db.as_ref(),
        &env.installers_dir,
        1_790_000_000,
    )
    .await
    .expect("installers");
    let own = owner(&env).await;
    let acc = env.seed.account_id.clone();
    let catalog = env.client.installers(&own, &acc).await.expect("catalog");
    let first = catalog.installers.first().expect("an installer").id.clone();
    assert_eq!(downloads_of(&env, &own, &first).await, (true, 200, 200));
    let admin = seeded_session(&env, &own, "jonas.becker").await;
    let billing = seeded_session(&env, &own, "lea.schmidt").await;
    let user = seeded_session(&env, &own, "paul.wagner").await;
    for (tok, role) in [
        (&admin, Role::Admin),
        (&billing, Role::Billing),
        (&user, Role::User),
    ] {
        assert_eq!(env.client.me(tok).await.expect("me").role, role);
    }
    assert_eq!(downloads_of(&env, &admin, &first).await, (true, 200, 200));
    // Billing never: it manages money, not installations.
    assert_eq!(
        downloads_of(&env, &billing, &first).await,
        (false, 403, 403)
    );
    let expected = if users {
        (true, 200, 200)
    } else {
        (false, 403, 403)
    };
    assert_eq!(
        downloads_of(&env, &user, &first).await,
        expected,
        "a User with [downloads] users = {users}"
    );
    if users {
        // The same catalog as the Owner's; a sign-in answers the same `Me`.
        assert_eq!(
            env.client.installers(&user, &acc).await.expect("catalog"),
            catalog
        );
        let s = env
            .client
            .login_password(&login("paul.wagner@muster.example", "a-Brand-new-passw0rd"))
            .await
            .expect("sign in");
        assert!(s.user.can_download_installers);
    } else {
        let (_, body) = api_error(env.client.installers(&user, &acc).await);
        assert_eq!(body.detail, Some(ErrorDetail::RoleNotAllowed));
    }
    // The offline license stays Owner and Admin either way.
    assert_eq!(
        status(env.client.offline_license_status(&user, &acc).await),
        403
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downloads_are_the_users_only_when_the_vendor_allows_it() {
    check(|env| downloads_scenario(env, false)).await;
    check_with(
        |c| c.vendor.downloads.users = true,
        |env| downloads_scenario(env, true),
    )
    .await;
}

fn token_login(token: &str) -> TokenLogin {
    TokenLogin {
        license_token: token.to_string(),
        remember: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotating_the_license_token_ends_the_sessions_started_with_it() {
    check(|env| async move {
        let c = &env.client;
        let stolen = env.seed.license_token.clone();
        // Two sign-ins with the token; the first one refreshed (a family of two rows).
        let first = c.login_token(&token_login(&stolen)).await.expect("token");
        let refreshed = c.refresh(&first.refresh_token).await.expect("refresh");
        let second = c.login_token(&token_login(&stolen)).await.expect("token");
        // The owner's password session is no token session.
        let password = owner(&env).await;
        for tok in [&refreshed.access_token, &second.access_token, &password] {
            c.me(tok).await.expect("live before the rotation");
        }

        let rotated = rotate_token(env.db.as_ref(), &env.seed.customer_number, env.clock.now())
            .await
            .expect("rotate");

        for (what, tok) in [
            ("refreshed token session", &refreshed.access_token),
            ("second token session", &second.access_token),
        ] {
            assert_eq!(status(c.me(tok).await), 401, "{what}");
        }
        assert_eq!(status(c.refresh(&refreshed.refresh_token).await), 401);
        assert_eq!(status(c.refresh(&second.refresh_token).await), 401);
        assert_eq!(status(c.login_token(&token_login(&stolen)).await), 401);
        c.me(&password).await.expect("a password session goes on");

        // The new token signs in; its session ends at the next rotation, not before.
        let fresh = c
            .login_token(&token_login(&rotated.license_token))
            .await
            .expect("new token");
        c.me(&fresh.access_token).await.expect("new token session");
        let again = c.refresh(&fresh.refresh_token).await.expect("refresh");
        rotate_token(env.db.as_ref(), &env.seed.customer_number, env.clock.now())
            .await
            .expect("rotate again");
        assert_eq!(status(c.me(&again.access_token).await), 401);
        c.me(&password).await.expect("still a password session");
        let events: Vec<String> = env
            .db
            .audit_events(&env.seed.account_id)
            .await
            .expect("audit")
            .into_iter()
            .map(|e| e.event)
            .collect();
        assert_eq!(
            events
                .iter()
                .filter(|e| *e == "account.token_rotated")
                .count(),
            2,
            "{events:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_create_sets_the_owners_own_language() {
    check(|env| async move {
        for (lang, number, email, greeting) in [
            ("en", "K-3001", "owner@english.example", "Hello "),
            ("de", "K-3002", "inhaber@deutsch.example", "Hallo "),
        ] {
            let created = create_account(
                env.db.as_ref(),
                &NewCustomer {
                    name: format!("Sprache {lang}"),
                    customer_number: number.to_string(),
                    package: "starter".to_string(),
                    billing_period: "monthly".to_string(),
                    owner_email: email.to_string(),
                    owner_name: None,
                    language: lang.to_string(),
                    mail: true,
                    vendor_name: "Kontor".to_string(),
                },
                env.clock.now(),
            )
            .await
            .expect("create");
            // The mail in that language, with the temporary password.
            let mails = take_mails(&env).await;
            let mail: Vec<&ClaimedMail> = mails.iter().filter(|m| m.recipient == email).collect();
            assert_eq!(mail.len(), 1, "{mails:?}");
            assert!(
                mail[0].body_text.starts_with(greeting),
                "{lang}: {}",
                mail[0].body_text
            );
            let temp = values(&mail[0].body_text)[0].clone();
            // The owner's own language, as their profile shows it once the password is theirs.
            let s = env
                .client
                .login_password(&login(email, &temp))
                .await
                .expect("temporary password");
            env.client
                .change_password(
                    &s.access_token,
                    &kontor_api::ChangePassword {
                        current_password: temp,
                        new_password: "Sprach-Passw0rt!".to_string(),
                    },
                )
                .await
                .expect("change");
            let tok = env
                .client
                .login_password(&login(email, "Sprach-Passw0rt!"))
                .await
                .expect("sign in")
                .access_token;
            let profile = env.client.profile(&tok).await.expect("profile");
            assert_eq!(profile.language, lang, "{number}");
            assert_eq!(s.user.account_id, created.account_id);
        }
    })
    .await;
}

fn new_user(email: &str) -> NewUser {
    NewUser {
        email: email.to_string(),
        display_name: "Neu Person".to_string(),
        role: Role::User,
        location_id: None,
        licenses: vec![],
    }
}

/// The rule (ARCHITECTURE, `db::users`): a deleted user's address moves to `deleted_email`, so it is free
/// for a live user meanwhile and the unique index `(account_id, email)` never sees it; restoring that user
/// is then refused with the address named. Every path that can take such an address answers a result or
/// a clear refusal, never a 500, and an import batch is all or nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_users_address_never_answers_500() {
    check(|env| async move {
        let own = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let c = &env.client;
        let emma = uid(&env, "emma.koch").await;
        let jonas = uid(&env, "jonas.becker").await;
        let paul = uid(&env, "paul.wagner").await;
        for id in [&emma, &jonas, &paul] {
            c.delete_user(&own, &acc, id).await.expect("delete");
        }

        // 1. The own e-mail changed to a deleted user's address: a code, and the change goes through.
        let emma_addr = "emma.koch@muster.example";
        c.request_email_change(
            &own,
            &RequestEmailChange {
                new_email: emma_addr.to_string(),
            },
        )
        .await
        .expect("request");
        let mails = take_mails(&env).await;
        let m = mails
            .iter()
            .find(|m| m.recipient == emma_addr)
            .expect("a mail to the address");
        let code = values(&m.body_text);
        assert_eq!(code.len(), 1, "a code: {}", m.body_text);
        let changed = c
            .confirm_email_change(
                &own,
                &ConfirmEmailChange {
                    code: code[0].clone(),
                },
            )
            .await
            .expect("confirm: no 500");
        assert_eq!(changed.email, emma_addr);

        // 2. Restoring that deleted user now: refused, naming the address (no 500, nothing restored).
        let (st, body) = api_error(
            c.restore_users(
                &own,
                &acc,
                &RestoreUsers {
                    user_ids: vec![emma.clone()],
                },
            )
            .await,
        );
        assert_eq!(st, 409, "{body:?}");
        assert_eq!(
            body.detail,
            Some(ErrorDetail::EmailInUse {
                email: Some(emma_addr.to_string())
            })
        );

        // 3. An import batch with a deleted user's address and a live user's: all refused, none created.
        let (st, body) = api_error(
            c.import_batch(
                &own,
                &acc,
                &ImportBatch {
                    import_id: "roles9b".to_string(),
                    batch: 0,
                    users: vec![
                        new_user("jonas.becker@muster.example"),
                        new_user("frisch@muster.example"),
                        new_user(emma_addr),
                    ],
                },
            )
            .await,
        );
        assert_eq!(st, 409, "{body:?}");
        assert_eq!(
            body.detail,
            Some(ErrorDetail::EmailInUse {
                email: Some(emma_addr.to_string())
            })
        );
        for gone in ["jonas.becker@muster.example", "frisch@muster.example"] {
            let live = matches!(
                env.db.user_by_email(gone).await.expect("db"),
                Some(u) if u.deleted_at.is_none()
            );
            assert!(!live, "{gone} half imported");
        }
        // Without the live address the batch goes in whole, the deleted user's address included.
        let done = c
            .import_batch(
                &own,
                &acc,
                &ImportBatch {
                    import_id: "roles9b".to_string(),
                    batch: 1,
                    users: vec![
                        new_user("jonas.becker@muster.example"),
                        new_user("frisch@muster.example"),
                    ],
                },
            )
            .await
            .expect("import: no 500");
        assert_eq!(done.created.len(), 2);

        // 4. Creating a user with a deleted user's address: created (no 500).
        let created = c
            .create_users(
                &own,
                &acc,
                &CreateUsers {
                    users: vec![new_user("paul.wagner@muster.example")],
                },
            )
            .await
            .expect("create: no 500");
        assert_eq!(created.created.len(), 1);
        // … and a second time it is a clear conflict.
        let (st, body) = api_error(
            c.create_users(
                &own,
                &acc,
                &CreateUsers {
                    users: vec![new_user("paul.wagner@muster.example")],
                },
            )
            .await,
        );
        assert_eq!(st, 409, "{body:?}");
        assert!(matches!(body.detail, Some(ErrorDetail::EmailInUse { .. })));
    })
    .await;
}
