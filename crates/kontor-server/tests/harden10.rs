//! Hardening, second round (issue 10, branch harden10): oversized bodies answer 413 `payload_too_large` on
//! every JSON endpoint and the OpenAPI document says so; SQLite write transactions of sessions, licenses
//! and users all queue behind the server's write lock, so a mixed write load answers no 5xx; e-mail
//! addresses are unique per account (defect 5): the same address lives in two accounts without a hint
//! across them, sign-in offers a chooser when the password matches in both, and the forgotten-password
//! code resets only its account's user. SQLite and PostgreSQL.

mod common;

use common::{api_error, check, login, owner, seed_options, Env};
use kontor_api::{
    ChangePassword, ChooseAccount, CreateUsers, ErrorBody, ErrorCode, ErrorDetail, LicenseChange,
    NewUser, PasswordResetConfirm, PasswordResetRequest, Role,
};
use kontor_client::ClientError;
use kontor_server::clock::Clock;
use kontor_server::seed::{seed_demo, SeedOptions};
use serde_json::Value;

/// A JSON body of about `bytes` bytes: `{"email": "aaaa…", …}`.
fn big_body(bytes: usize) -> String {
    format!(
        "{{\"email\":\"{}\",\"password\":\"x\",\"remember\":false}}",
        "a".repeat(bytes)
    )
}

/// `POST path` with `body` (and a bearer token): the status and the error body.
async fn post_raw(env: &Env, token: Option<&str>, path: &str, body: String) -> (u16, ErrorBody) {
    let mut req = reqwest::Client::new()
        .post(format!("{}{path}", env.base_url))
        .header("content-type", "application/json")
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let body: ErrorBody = resp.json().await.expect("an ErrorBody");
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_answer_413_not_422() {
    check(|env| async move {
        let tok = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let over = 2 * 1024 * 1024 + 10;
        let cases: [(Option<&str>, String); 5] = [
            (None, "/api/v1/auth/login".to_string()),
            (None, "/api/v1/auth/password-reset".to_string()),
            (Some(&tok), format!("/api/v1/accounts/{acc}/users")),
            (
                Some(&tok),
                format!("/api/v1/accounts/{acc}/licenses/change"),
            ),
            (Some(&tok), "/api/v1/me/password".to_string()),
        ];
        for (token, path) in cases {
            let (status, body) = post_raw(&env, token, &path, big_body(over)).await;
            assert_eq!(
                (status, body.code),
                (413, ErrorCode::PayloadTooLarge),
                "{} {path}: {}",
                env.backend,
                body.message
            );
        }
        // Just under the limit the same body is read and refused for what it says, not for its size.
        let (status, body) =
            post_raw(&env, None, "/api/v1/auth/login", big_body(1024 * 1024)).await;
        assert_eq!(
            (status, body.code),
            (422, ErrorCode::Validation),
            "{}",
            env.backend
        );
        // users/existing has its own, larger limit: 3 MB is read there.
        let emails: Vec<String> = (0..100_000)
            .map(|i| format!("someone{i}@elsewhere.example"))
            .collect();
        let body = serde_json::json!({ "emails": emails }).to_string();
        assert!(body.len() > over);
        let resp = reqwest::Client::new()
            .post(format!(
                "{}/api/v1/accounts/{acc}/users/existing",
                env.base_url
            ))
            .bearer_auth(&tok)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("existing");
        assert_eq!(resp.status().as_u16(), 200, "{}", env.backend);
    })
    .await;
}

#[tokio::test]
async fn every_operation_with_a_body_documents_its_413() {
    let doc: Value =
        serde_json::to_value(kontor_server::openapi::document()).expect("document as JSON");
    let mut with_body = 0;
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if op.get("requestBody").is_none() {
                continue;
            }
            with_body += 1;
            match op["responses"].get("413") {
                Some(r) if r["content"]["application/json"].is_object() => {}
                _ => missing.push(format!("{method} {path}")),
            }
        }
    }
    assert!(with_body > 20, "only {with_body} operations with a body");
    assert!(missing.is_empty(), "no 413 documented: {missing:?}");
}

fn status_of<T>(r: Result<T, ClientError>) -> u16 {
    match r {
        Ok(_) => 0,
        Err(ClientError::Api { status, body }) => {
            assert!(
                !body.message.contains("locked"),
                "a lock error reached the client: {}",
                body.message
            );
            status
        }
        Err(e) => panic!("not an API answer: {e}"),
    }
}

/// A new user of the demo account: (id, e-mail, temporary password).
async fn new_user(env: &Env, tok: &str, tag: &str) -> (String, String, String) {
    let email = format!("{tag}-{}@muster.example", uuid::Uuid::new_v4().simple());
    let c = env
        .client
        .create_users(
            tok,
            &env.seed.account_id,
            &CreateUsers {
                users: vec![NewUser {
                    email: email.clone(),
                    display_name: format!("Test {tag}"),
                    role: Role::User,
                    location_id: None,
                    licenses: vec![],
                }],
            },
        )
        .await
        .expect("owner creates a user")
        .created
        .remove(0);
    (c.id, email, c.temporary_password)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_licenses_and_users_written_at_once_never_fail() {
    check(|env| async move {
        let tok = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let mut targets = Vec::new();
        for i in 0..4 {
            targets.push(new_user(&env, &tok, &format!("mix{i}")).await);
        }
        let started = std::time::Instant::now();
        let mut tasks: Vec<tokio::task::JoinHandle<Vec<(&'static str, u16)>>> = Vec::new();
        // Sign-ins (temporary passwords) each followed by a chain of refreshes: session writes.
        for (_, email, temp) in targets.clone() {
            let env = env.clone();
            tasks.push(tokio::spawn(async move {
                let mut out = Vec::new();
                for _ in 0..4 {
                    let r = env.client.login_password(&login(&email, &temp)).await;
                    let mut refresh = r.as_ref().ok().map(|s| s.refresh_token.clone());
                    out.push(("sign-in", status_of(r)));
                    for _ in 0..5 {
                        let Some(rt) = refresh.take() else { break };
                        let r = env.client.refresh(&rt).await;
                        refresh = r.as_ref().ok().map(|s| s.refresh_token.clone());
                        out.push(("refresh", status_of(r)));
                    }
                }
                out
            }));
        }
        // The owner's password sign-in (Argon2) twice per task.
        for _ in 0..2 {
            let env = env.clone();
            tasks.push(tokio::spawn(async move {
                let mut out = Vec::new();
                for _ in 0..2 {
                    let r = env
                        .client
                        .login_password(&login(&env.seed.owner_email, &env.seed.owner_password))
                        .await;
                    out.push(("owner sign-in", status_of(r)));
                }
                out
            }));
        }
        // License assignments, assigned and taken back.
        for (id, _, _) in targets.clone() {
            let (env, tok, acc) = (env.clone(), tok.clone(), acc.clone());
            tasks.push(tokio::spawn(async move {
                let mut out = Vec::new();
                for i in 0..8 {
                    let (assign, revoke) = if i % 2 == 0 {
                        (vec!["docs".to_string()], vec![])
                    } else {
                        (vec![], vec!["docs".to_string()])
                    };
                    let r = env
                        .client
                        .change_licenses(
                            &tok,
                            &acc,
                            &LicenseChange {
                                user_ids: vec![id.clone()],
                                assign,
                                revoke,
                            },
                        )
                        .await;
                    out.push(("license", status_of(r)));
                }
                out
            }));
        }
        // User creation.
        for w in 0..4 {
            let (env, tok) = (env.clone(), tok.clone());
            tasks.push(tokio::spawn(async move {
                let mut out = Vec::new();
                for i in 0..6 {
                    let r = env
                        .client
                        .create_users(
                            &tok,
                            &env.seed.account_id,
                            &CreateUsers {
                                users: (0..5)
                                    .map(|k| NewUser {
                                        email: format!("mixw{w}-{i}-{k}@muster.example"),
                                        display_name: format!("Mixed {w} {i} {k}"),
                                        role: Role::User,
                                        location_id: None,
                                        licenses: vec![],
                                    })
                                    .collect(),
                            },
                        )
                        .await;
                    out.push(("create", status_of(r)));
                }
                out
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.expect("task"));
        }
        eprintln!(
            "{}: {} mixed writes in {:?}",
            env.backend,
            all.len(),
            started.elapsed()
        );
        let failed: Vec<_> = all.iter().filter(|(_, s)| *s != 0).collect();
        assert!(failed.is_empty(), "{}: {failed:?}", env.backend);
        assert!(all.len() >= 4 * 4 * 6 + 4 + 32 + 24, "{}", env.backend);
    })
    .await;
}

/// A second account, "Beispiel AG": (account id, its owner's access token).
async fn account_b(env: &Env) -> (String, String) {
    let b = seed_demo(
        env.db.as_ref(),
        &SeedOptions {
            account_name: "Beispiel AG".into(),
            customer_number: "K-200078".into(),
            owner_email: "chef@beispiel.example".into(),
            owner_password: "Other-Passw0rd!".into(),
            ..seed_options()
        },
    )
    .await
    .expect("second account");
    let tok = env
        .client
        .login_password(&login(&b.owner_email, &b.owner_password))
        .await
        .expect("B's owner signs in")
        .access_token;
    (b.account_id, tok)
}

fn one_user(email: &str, name: &str) -> CreateUsers {
    CreateUsers {
        users: vec![NewUser {
            email: email.to_string(),
            display_name: name.to_string(),
            role: Role::User,
            location_id: None,
            licenses: vec![],
        }],
    }
}

/// Creates `email` in the account and gives it `password` (signed in once with the temporary one).
async fn user_with_password(
    env: &Env,
    tok: &str,
    account: &str,
    email: &str,
    password: &str,
) -> String {
    let c = env
        .client
        .create_users(tok, account, &one_user(email, "Geteilte Adresse"))
        .await
        .expect("create")
        .created
        .remove(0);
    let s = env
        .client
        .login_password(&login(email, &c.temporary_password))
        .await
        .expect("temporary password signs in");
    env.client
        .change_password(
            &s.access_token,
            &ChangePassword {
                current_password: c.temporary_password,
                new_password: password.to_string(),
            },
        )
        .await
        .expect("own password");
    c.id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_address_lives_in_two_accounts_without_a_hint_across() {
    check(|env| async move {
        let a_tok = owner(&env).await;
        let a = env.seed.account_id.clone();
        let (b, b_tok) = account_b(&env).await;
        let shared = "shared@anywhere.example";
        env.client
            .create_users(&a_tok, &a, &one_user(shared, "In A"))
            .await
            .expect("A creates the address");
        env.client
            .create_users(&b_tok, &b, &one_user(shared, "In B"))
            .await
            .expect("B creates the same address: no 409 across accounts");
        // B's own owner address, created in A: no hint either.
        env.client
            .create_users(&a_tok, &a, &one_user("chef@beispiel.example", "Auch in A"))
            .await
            .expect("another account's owner address is free in A");
        // Within one account the address stays unique.
        let (status, body) = api_error(
            env.client
                .create_users(&b_tok, &b, &one_user(shared, "Again"))
                .await,
        );
        assert_eq!(
            (status, body.code),
            (409, ErrorCode::Conflict),
            "{}",
            env.backend
        );
        assert!(
            matches!(body.detail, Some(ErrorDetail::EmailInUse { .. })),
            "{}: {body:?}",
            env.backend
        );
        // users/existing answers for the own account only.
        let existing = env
            .client
            .existing_emails(
                &a_tok,
                &a,
                &[
                    "jonas.becker@beispiel.example".to_string(),
                    shared.to_string(),
                ],
            )
            .await
            .expect("existing");
        assert_eq!(existing, vec![shared.to_string()], "{}", env.backend);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_offers_a_chooser_when_the_password_matches_in_two_accounts() {
    check(|env| async move {
        let a_tok = owner(&env).await;
        let a = env.seed.account_id.clone();
        let (b, b_tok) = account_b(&env).await;
        let email = "two@accounts.example";
        let pw = "Shared-Passw0rd!";
        let a_user = user_with_password(&env, &a_tok, &a, email, pw).await;
        let b_user = user_with_password(&env, &b_tok, &b, email, pw).await;

        let choose = |body: ErrorBody| match body.detail {
            Some(ErrorDetail::ChooseAccount {
                choice_token,
                expires_at,
                accounts,
            }) => (choice_token, expires_at, accounts),
            other => panic!("expected a chooser, got {other:?}"),
        };
        let (status, body) = api_error(env.client.login_password(&login(email, pw)).await);
        assert_eq!(
            (status, body.code),
            (409, ErrorCode::Conflict),
            "{}",
            env.backend
        );
        let (token, expires_at, accounts) = choose(body);
        assert!(expires_at > env.clock.now(), "{}", env.backend);
        let mut names: Vec<_> = accounts
            .iter()
            .map(|c| (c.account_id.clone(), c.name.clone()))
            .collect();
        names.sort();
        let mut want = vec![
            (a.clone(), "Muster GmbH".to_string()),
            (b.clone(), "Beispiel AG".to_string()),
        ];
        want.sort();
        assert_eq!(names, want, "{}", env.backend);

        // An account the choice does not offer: refused, and the token is spent.
        let pick = |token: &str, account: &str| ChooseAccount {
            choice_token: token.to_string(),
            account_id: account.to_string(),
        };
        let (status, _) = api_error(
            env.client
                .login_choose(&pick(&token, "no-such-account"))
                .await,
        );
        assert_eq!(status, 401, "{}", env.backend);
        assert_eq!(
            api_error(env.client.login_choose(&pick(&token, &b)).await).0,
            401
        );

        // A new sign-in, B chosen: B's user, once.
        let (_, body) = api_error(env.client.login_password(&login(email, pw)).await);
        let (token, _, _) = choose(body);
        let s = env
            .client
            .login_choose(&pick(&token, &b))
            .await
            .expect("choose B");
        assert_eq!(
            (s.user.id.as_str(), s.user.account_id.as_str()),
            (b_user.as_str(), b.as_str())
        );
        assert_eq!(
            env.client.me(&s.access_token).await.expect("me").account_id,
            b
        );
        assert_eq!(
            api_error(env.client.login_choose(&pick(&token, &b)).await).0,
            401
        );

        // A, chosen after the 5 minutes: expired.
        let (_, body) = api_error(env.client.login_password(&login(email, pw)).await);
        let (token, _, _) = choose(body);
        env.clock.advance(5 * 60 + 1);
        assert_eq!(
            api_error(env.client.login_choose(&pick(&token, &a)).await).0,
            401
        );
        let (_, body) = api_error(env.client.login_password(&login(email, pw)).await);
        let (token, _, _) = choose(body);
        let s = env
            .client
            .login_choose(&pick(&token, &a))
            .await
            .expect("choose A");
        assert_eq!(s.user.id, a_user, "{}", env.backend);

        // The choice is audited as a sign-in in the chosen account only.
        let signed_in = |events: Vec<kontor_server::db::AuditEvent>, user: &str| {
            events
                .iter()
                .filter(|e| e.event == "auth.sign_in" && e.actor_user_id.as_deref() == Some(user))
                .count()
        };
        // One sign-in with the temporary password, one chosen.
        assert_eq!(
            signed_in(env.db.audit_events(&b).await.expect("audit"), &b_user),
            2
        );
        assert_eq!(
            signed_in(env.db.audit_events(&a).await.expect("audit"), &a_user),
            2
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_that_matches_one_account_signs_in_there() {
    check(|env| async move {
        let a_tok = owner(&env).await;
        let a = env.seed.account_id.clone();
        let (b, b_tok) = account_b(&env).await;
        let email = "one@accounts.example";
        let a_user = user_with_password(&env, &a_tok, &a, email, "Password-of-A-1").await;
        let b_user = user_with_password(&env, &b_tok, &b, email, "Password-of-B-2").await;
        let s = env
            .client
            .login_password(&login(email, "Password-of-A-1"))
            .await
            .expect("A's password signs in to A");
        assert_eq!((s.user.id, s.user.account_id), (a_user, a.clone()));
        let s = env
            .client
            .login_password(&login(email, "Password-of-B-2"))
            .await
            .expect("B's password signs in to B");
        assert_eq!((s.user.id, s.user.account_id), (b_user, b.clone()));
        let (status, body) = api_error(
            env.client
                .login_password(&login(email, "Neither-Passw0rd"))
                .await,
        );
        assert_eq!((status, body.code), (401, ErrorCode::InvalidCredentials));
        assert!(body.detail.is_none(), "no hint how many accounts: {body:?}");
    })
    .await;
}

/// The forgotten-password mails queued for `email`: (account id, plain text), waited for (a task queues them).
async fn reset_mails(env: &Env, email: &str, n: usize) -> Vec<(String, String)> {
    let query = format!(
        "SELECT account_id, body_text FROM outbox WHERE kind = 'password_reset_code' AND recipient = '{email}' ORDER BY account_id"
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let rows: Vec<(String, String)> = if env.backend == "sqlite" {
            let pool = sqlx::SqlitePool::connect(&env.db_url)
                .await
                .expect("sqlite");
            let r = sqlx::query_as(&query).fetch_all(&pool).await.expect("sql");
            pool.close().await;
            r
        } else {
            let pool = sqlx::PgPool::connect(&env.db_url).await.expect("pg");
            let r = sqlx::query_as(&query).fetch_all(&pool).await.expect("sql");
            pool.close().await;
            r
        };
        if rows.len() >= n || std::time::Instant::now() > deadline {
            return rows;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

fn code_in(text: &str) -> String {
    let re = regex::Regex::new(r"[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}").expect("regex");
    re.find(text).expect("a code").as_str().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forgotten_password_code_per_account_resets_only_that_user() {
    check(|env| async move {
        let a_tok = owner(&env).await;
        let a = env.seed.account_id.clone();
        let (b, b_tok) = account_b(&env).await;
        let email = "forgot@accounts.example";
        let pw = "Shared-Passw0rd!";
        user_with_password(&env, &a_tok, &a, email, pw).await;
        let b_user = user_with_password(&env, &b_tok, &b, email, pw).await;
        env.client
            .request_password_reset(&PasswordResetRequest {
                email: email.to_string(),
            })
            .await
            .expect("202");
        let mails = reset_mails(&env, email, 2).await;
        assert_eq!(mails.len(), 2, "{}: one mail per account", env.backend);
        let of = |acc: &str| {
            mails
                .iter()
                .find(|(id, _)| id == acc)
                .map(|(_, text)| text.clone())
                .expect("a mail for the account")
        };
        let (a_text, b_text) = (of(&a), of(&b));
        assert!(
            a_text.contains("Muster GmbH") && !a_text.contains("Beispiel AG"),
            "{a_text}"
        );
        assert!(
            b_text.contains("Beispiel AG") && !b_text.contains("Muster GmbH"),
            "{b_text}"
        );
        let (a_code, b_code) = (code_in(&a_text), code_in(&b_text));
        assert_ne!(a_code, b_code);

        // B's code resets B's user only: the new password signs in to B, the old one still to A.
        env.client
            .confirm_password_reset(&PasswordResetConfirm {
                email: email.to_string(),
                code: b_code.clone(),
                new_password: "Brand-new-for-B-3".to_string(),
            })
            .await
            .expect("reset with B's code");
        let s = env
            .client
            .login_password(&login(email, "Brand-new-for-B-3"))
            .await
            .expect("B's new password");
        assert_eq!((s.user.id, s.user.account_id), (b_user, b.clone()));
        let s = env
            .client
            .login_password(&login(email, pw))
            .await
            .expect("the old password is still A's");
        assert_eq!(s.user.account_id, a, "{}", env.backend);
        // A's code still works, once.
        env.client
            .confirm_password_reset(&PasswordResetConfirm {
                email: email.to_string(),
                code: a_code,
                new_password: "Brand-new-for-A-4".to_string(),
            })
            .await
            .expect("reset with A's code");
        let (status, _) = api_error(
            env.client
                .confirm_password_reset(&PasswordResetConfirm {
                    email: email.to_string(),
                    code: b_code,
                    new_password: "Yet-another-Passw0rd".to_string(),
                })
                .await,
        );
        assert_eq!(status, 422, "{}", env.backend);
    })
    .await;
}
