//! Hardening (issue 10): the sign-in throttle is atomic and keyed per (e-mail, IP), per IP and server-wide
//! with growing waits and `Retry-After`; `/me/password` and `POST …/offline-license` are limited too; the
//! role matrix (Owner manages Admins, Admins manage Users) holds in every cell. SQLite and PostgreSQL.

mod common;

use std::net::IpAddr;

use common::{api_error, check, login, owner, Env};
use kontor_api::{
    ChangePassword, CreateUsers, ErrorCode, LicenseChange, NewUser, RestoreUsers, Role, UpdateUser,
};
use kontor_client::ClientError;

/// A raw HTTP client whose connections come from `ip` (any 127.x.y.z reaches the loopback server on Linux).
fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip.parse::<IpAddr>().expect("ip"))
        .build()
        .expect("client")
}

/// `POST /auth/login` from `http`: the status and the `Retry-After` seconds, if any.
async fn login_from(
    env: &Env,
    http: &reqwest::Client,
    email: &str,
    password: &str,
) -> (u16, Option<u64>) {
    let resp = http
        .post(format!("{}/api/v1/auth/login", env.base_url))
        .json(&login(email, password))
        .send()
        .await
        .expect("login request");
    let retry = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    (resp.status().as_u16(), retry)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_guesses_get_exactly_the_limit_of_password_checks() {
    check(|env| async move {
        let http = client_from("127.0.0.1");
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let (env, http) = (env.clone(), http.clone());
            tasks.push(tokio::spawn(async move {
                login_from(&env, &http, &env.seed.owner_email, "wrong-wrong").await
            }));
        }
        let mut checked = 0;
        let mut limited = 0;
        for t in tasks {
            match t.await.expect("task") {
                (401, None) => checked += 1,
                (429, Some(secs)) => {
                    assert!(secs >= 1);
                    limited += 1
                }
                other => panic!("unexpected answer {other:?}"),
            }
        }
        assert_eq!((checked, limited), (10, 40), "{}", env.backend);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn someone_elses_failures_do_not_lock_out_the_real_user() {
    check(|env| async move {
        let attacker = client_from("127.0.0.2");
        for _ in 0..10 {
            let (status, _) =
                login_from(&env, &attacker, &env.seed.owner_email, "wrong-wrong").await;
            assert_eq!(status, 401);
        }
        // The attacker now waits, even with the right password …
        let (status, retry) = login_from(
            &env,
            &attacker,
            &env.seed.owner_email,
            &env.seed.owner_password,
        )
        .await;
        assert_eq!((status, retry), (429, Some(60)));
        // … but the owner from their own address signs in.
        let (status, _) = login_from(
            &env,
            &client_from("127.0.0.1"),
            &env.seed.owner_email,
            &env.seed.owner_password,
        )
        .await;
        assert_eq!(status, 200);
        // The waits grow: after the first wait one more guess, then twice as long.
        env.clock.advance(60);
        let (status, _) = login_from(&env, &attacker, &env.seed.owner_email, "wrong-again").await;
        assert_eq!(status, 401);
        let (status, retry) =
            login_from(&env, &attacker, &env.seed.owner_email, "wrong-again").await;
        assert_eq!((status, retry), (429, Some(120)));
        // The answer body keeps its shape and says how long.
        let http = client_from("127.0.0.2");
        let body: kontor_api::ErrorBody = http
            .post(format!("{}/api/v1/auth/login", env.base_url))
            .json(&login(&env.seed.owner_email, "x-wrong-x"))
            .send()
            .await
            .expect("login")
            .json()
            .await
            .expect("error body");
        assert_eq!(body.code, ErrorCode::RateLimited);
        assert!(body.message.contains("120 seconds"), "{}", body.message);
        // … and carries the wait as a typed detail, which the app words in the user's language.
        assert_eq!(
            body.detail,
            Some(kontor_api::ErrorDetail::Wait { seconds: 120 })
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_trying_many_addresses_is_limited() {
    check(|env| async move {
        let http = client_from("127.0.0.3");
        let mut answers = Vec::new();
        for i in 0..55 {
            let (status, _) = login_from(
                &env,
                &http,
                &format!("nobody{i}@else.example"),
                "guess-1234",
            )
            .await;
            answers.push(status);
        }
        assert!(answers[..50].iter().all(|&s| s == 401), "{answers:?}");
        assert!(answers[50..].iter().all(|&s| s == 429), "{answers:?}");
        // Another address is not affected.
        let (status, _) = login_from(
            &env,
            &client_from("127.0.0.4"),
            &env.seed.owner_email,
            &env.seed.owner_password,
        )
        .await;
        assert_eq!(status, 200);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guesses_of_the_current_password_are_limited() {
    check(|env| async move {
        let tok = owner(&env).await;
        let guess = |n: usize| ChangePassword {
            current_password: format!("not-the-password-{n}"),
            new_password: "a-Brand-new-passw0rd".to_string(),
        };
        for n in 0..10 {
            let (status, body) = api_error(env.client.change_password(&tok, &guess(n)).await);
            assert_eq!((status, body.code), (422, ErrorCode::Validation));
        }
        let (status, body) = api_error(env.client.change_password(&tok, &guess(10)).await);
        assert_eq!((status, body.code), (429, ErrorCode::RateLimited));
        // Even the right one waits now; after the wait it works.
        let right = ChangePassword {
            current_password: env.seed.owner_password.clone(),
            new_password: "a-Brand-new-passw0rd".to_string(),
        };
        let (status, _) = api_error(env.client.change_password(&tok, &right).await);
        assert_eq!(status, 429);
        env.clock.advance(60);
        env.client
            .change_password(&tok, &right)
            .await
            .expect("change after the wait");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issuing_offline_licenses_takes_only_the_empty_object_and_is_limited() {
    check(|env| async move {
        let tok = owner(&env).await;
        let http = reqwest::Client::new();
        let url = format!(
            "{}/api/v1/accounts/{}/offline-license",
            env.base_url, env.seed.account_id
        );
        for body in ["null", "[]", "{\"x\":1}", "\"{}\"", "0"] {
            let resp = http
                .post(&url)
                .bearer_auth(&tok)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("issue");
            assert_eq!(resp.status().as_u16(), 422, "body {body}");
        }
        for _ in 0..20 {
            env.client
                .issue_offline_license(&tok, &env.seed.account_id)
                .await
                .expect("issue");
        }
        let (status, body) = api_error(
            env.client
                .issue_offline_license(&tok, &env.seed.account_id)
                .await,
        );
        assert_eq!((status, body.code), (429, ErrorCode::RateLimited));
        env.clock.advance(60);
        env.client
            .issue_offline_license(&tok, &env.seed.account_id)
            .await
            .expect("issue after the wait");
    })
    .await;
}

// ---- The role matrix ----

/// Who is acted on, relative to the actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Owner,
    OtherAdmin,
    Itself,
    User,
    Billing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// PATCH with the same role and a new name.
    Rename,
    /// PATCH to Admin (for an Admin target: to User).
    ChangeRole,
    /// PATCH between User and Billing (the other non-privileged role).
    ChangePlainRole,
    ResetPassword,
    Delete,
    RevokeLicense,
    /// Restore after the Owner deleted the target.
    Restore,
}

const ACTIONS: [Action; 7] = [
    Action::Rename,
    Action::ChangeRole,
    Action::ChangePlainRole,
    Action::ResetPassword,
    Action::Delete,
    Action::RevokeLicense,
    Action::Restore,
];
const TARGETS: [Target; 5] = [
    Target::Owner,
    Target::OtherAdmin,
    Target::Itself,
    Target::User,
    Target::Billing,
];

/// The expected status of each cell: the matrix in ARCHITECTURE.md. `None`: the cell does not exist (the
/// Owner cannot be deleted, so not restored; ChangePlainRole only for plain users).
fn expected(actor: Role, target: Target, action: Action) -> Option<u16> {
    use Action::*;
    let plain = matches!(target, Target::User | Target::Billing);
    if actor == Role::Owner && target == Target::Owner {
        // The Owner's own cells are the `Itself` column.
        return None;
    }
    match action {
        ChangePlainRole if !plain => return None,
        Restore if matches!(target, Target::Owner | Target::Itself) => return None,
        ChangeRole
            if target == Target::Owner || (target == Target::Itself && actor == Role::Owner) =>
        {
            return None
        }
        _ => {}
    }
    if matches!(actor, Role::User | Role::Billing) {
        return Some(403);
    }
    let ok = match action {
        Delete => 204,
        _ => 200,
    };
    if target == Target::Itself && action == Delete {
        return Some(409);
    }
    if target == Target::Itself && action == ResetPassword {
        // Everyone changes their own password through /me/password.
        return Some(403);
    }
    Some(match (actor, target) {
        (Role::Owner, _) => ok,
        (Role::Admin, Target::User | Target::Billing) => match action {
            ChangeRole => 403,
            _ => ok,
        },
        (Role::Admin, Target::Itself) => match action {
            Rename | RevokeLicense => ok,
            _ => 403,
        },
        _ => 403,
    })
}

/// A new live user with `role`, made by the owner; answers (id, e-mail, temporary password).
async fn new_user(env: &Env, owner_tok: &str, role: Role, tag: &str) -> (String, String, String) {
    let email = format!("{tag}-{}@muster.example", uuid::Uuid::new_v4().simple());
    let created = env
        .client
        .create_users(
            owner_tok,
            &env.seed.account_id,
            &CreateUsers {
                users: vec![NewUser {
                    email: email.clone(),
                    display_name: format!("Test {tag}"),
                    role,
                    location_id: None,
                    licenses: vec![],
                }],
            },
        )
        .await
        .expect("owner creates a user")
        .created
        .remove(0);
    (created.id, email, created.temporary_password)
}

/// A signed-in session of a new user with `role` (password changed): (id, access token).
async fn session_as(env: &Env, owner_tok: &str, role: Role) -> (String, String) {
    let (id, email, temp) = new_user(env, owner_tok, role, "actor").await;
    let s = env
        .client
        .login_password(&login(&email, &temp))
        .await
        .expect("sign in");
    env.client
        .change_password(
            &s.access_token,
            &ChangePassword {
                current_password: temp,
                new_password: "a-Brand-new-passw0rd".to_string(),
            },
        )
        .await
        .expect("change password");
    (id, s.access_token)
}

fn status_of<T>(r: Result<T, ClientError>) -> u16 {
    match r {
        Ok(_) => 0,
        Err(ClientError::Api { status, .. }) => status,
        Err(e) => panic!("not an API answer: {e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_role_matrix_holds_in_every_cell() {
    check(|env| async move {
        let owner_tok = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let owner_id = env.client.me(&owner_tok).await.expect("me").id;
        let mut cells = 0;
        for actor_role in [Role::Owner, Role::Admin, Role::Billing, Role::User] {
            for target in TARGETS {
                for action in ACTIONS {
                    let Some(want) = expected(actor_role, target, action) else {
                        continue;
                    };
                    // A fresh actor per cell, so a reset or delete of one cell cannot decide another.
                    let (actor_id, tok) = if actor_role == Role::Owner {
                        (owner_id.clone(), owner_tok.clone())
                    } else {
                        session_as(&env, &owner_tok, actor_role).await
                    };
                    let (target_id, target_role) = match target {
                        Target::Owner => (owner_id.clone(), Role::Owner),
                        Target::Itself => (actor_id.clone(), actor_role),
                        Target::OtherAdmin => (
                            new_user(&env, &owner_tok, Role::Admin, "t").await.0,
                            Role::Admin,
                        ),
                        Target::User => (
                            new_user(&env, &owner_tok, Role::User, "t").await.0,
                            Role::User,
                        ),
                        Target::Billing => (
                            new_user(&env, &owner_tok, Role::Billing, "t").await.0,
                            Role::Billing,
                        ),
                    };
                    let patch = |role: Role| UpdateUser {
                        display_name: "Renamed".to_string(),
                        role,
                        location_id: None,
                    };
                    let got = match action {
                        Action::Rename => status_of(
                            env.client
                                .update_user(&tok, &acc, &target_id, &patch(target_role))
                                .await,
                        ),
                        Action::ChangeRole => {
                            let to = if target_role == Role::Admin {
                                Role::User
                            } else {
                                Role::Admin
                            };
                            status_of(
                                env.client
                                    .update_user(&tok, &acc, &target_id, &patch(to))
                                    .await,
                            )
                        }
                        Action::ChangePlainRole => {
                            let to = if target_role == Role::User {
                                Role::Billing
                            } else {
                                Role::User
                            };
                            status_of(
                                env.client
                                    .update_user(&tok, &acc, &target_id, &patch(to))
                                    .await,
                            )
                        }
                        Action::ResetPassword => {
                            status_of(env.client.reset_password(&tok, &acc, &target_id).await)
                        }
                        Action::Delete => {
                            status_of(env.client.delete_user(&tok, &acc, &target_id).await)
                        }
                        Action::RevokeLicense => status_of(
                            env.client
                                .change_licenses(
                                    &tok,
                                    &acc,
                                    &LicenseChange {
                                        user_ids: vec![target_id.clone()],
                                        assign: vec![],
                                        revoke: vec!["docs".to_string()],
                                    },
                                )
                                .await,
                        ),
                        Action::Restore => {
                            env.client
                                .delete_user(&owner_tok, &acc, &target_id)
                                .await
                                .expect("owner deletes");
                            status_of(
                                env.client
                                    .restore_users(
                                        &tok,
                                        &acc,
                                        &RestoreUsers {
                                            user_ids: vec![target_id.clone()],
                                        },
                                    )
                                    .await,
                            )
                        }
                    };
                    let got = match got {
                        0 if action == Action::Delete => 204,
                        0 => 200,
                        s => s,
                    };
                    assert_eq!(
                        got, want,
                        "{}: {actor_role:?} -> {target:?}: {action:?}",
                        env.backend
                    );
                    cells += 1;
                }
            }
        }
        assert!(cells >= 90, "only {cells} cells");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_owner_creates_admins() {
    check(|env| async move {
        let owner_tok = owner(&env).await;
        let (_, admin_tok) = session_as(&env, &owner_tok, Role::Admin).await;
        let mk = |role| CreateUsers {
            users: vec![NewUser {
                email: format!("new-{}@muster.example", uuid::Uuid::new_v4().simple()),
                display_name: "New".to_string(),
                role,
                location_id: None,
                licenses: vec![],
            }],
        };
        let (status, body) = api_error(
            env.client
                .create_users(&admin_tok, &env.seed.account_id, &mk(Role::Admin))
                .await,
        );
        assert_eq!((status, body.code), (403, ErrorCode::Forbidden));
        env.client
            .create_users(&admin_tok, &env.seed.account_id, &mk(Role::User))
            .await
            .expect("an admin creates a user");
        env.client
            .create_users(&owner_tok, &env.seed.account_id, &mk(Role::Admin))
            .await
            .expect("the owner creates an admin");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_queue_and_never_fail() {
    const PER_REQUEST: usize = 10;
    check(|env| async move {
        let tok = owner(&env).await;
        let started = std::time::Instant::now();
        let mut tasks = Vec::new();
        for w in 0..16 {
            let (env, tok) = (env.clone(), tok.clone());
            tasks.push(tokio::spawn(async move {
                let mut statuses = Vec::new();
                for i in 0..16 {
                    let r = env
                        .client
                        .create_users(
                            &tok,
                            &env.seed.account_id,
                            &CreateUsers {
                                users: (0..PER_REQUEST)
                                    .map(|k| NewUser {
                                        email: format!("writer{w}-{i}-{k}@muster.example"),
                                        display_name: format!("Writer {w} {i} {k}"),
                                        role: Role::User,
                                        location_id: None,
                                        licenses: vec![],
                                    })
                                    .collect(),
                            },
                        )
                        .await;
                    statuses.push(status_of(r));
                }
                statuses
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.expect("writer"));
        }
        eprintln!(
            "{}: 256 concurrent creates of {PER_REQUEST} users in {:?}",
            env.backend,
            started.elapsed()
        );
        assert!(all.iter().all(|&s| s == 0), "{}: {all:?}", env.backend);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_carry_a_request_id_nosniff_and_no_store() {
    check(|env| async move {
        let http = reqwest::Client::new();
        let mut ids = std::collections::HashSet::new();
        let tok = owner(&env).await;
        let owner_id = env.client.me(&tok).await.expect("me").id;
        let (user_id, _, _) = new_user(&env, &tok, Role::User, "hdr").await;
        let requests = [
            http.post(format!("{}/api/v1/auth/login", env.base_url))
                .json(&login(&env.seed.owner_email, &env.seed.owner_password)),
            http.post(format!(
                "{}/api/v1/accounts/{}/users/{user_id}/reset-password",
                env.base_url, env.seed.account_id
            ))
            .bearer_auth(&tok),
            http.post(format!(
                "{}/api/v1/accounts/{}/offline-license",
                env.base_url, env.seed.account_id
            ))
            .bearer_auth(&tok)
            .json(&serde_json::json!({})),
            http.get(format!(
                "{}/api/v1/accounts/{}/users/{owner_id}",
                env.base_url, env.seed.account_id
            ))
            .bearer_auth(&tok),
            http.get(format!("{}/api/v1/nope", env.base_url)),
            http.delete(format!("{}/api/v1/info", env.base_url)),
        ];
        for req in requests {
            let resp = req.send().await.expect("send");
            let what = format!("{} {}", resp.status(), resp.url().path());
            let h = resp.headers();
            let id = h
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_else(|| panic!("{what}: no request id"))
                .to_string();
            assert!(ids.insert(id), "{what}: request id repeated");
            assert_eq!(
                h.get("x-content-type-options").map(|v| v.as_bytes()),
                Some(&b"nosniff"[..]),
                "{what}"
            );
            assert_eq!(
                h.get("cache-control").map(|v| v.as_bytes()),
                Some(&b"no-store"[..]),
                "{what}"
            );
            if resp.status() == 405 {
                let body: kontor_api::ErrorBody = resp.json().await.expect("body");
                assert_eq!(body.code, ErrorCode::MethodNotAllowed);
            }
        }
    })
    .await;
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("data");
    let db_path = dir.join("kontor.sqlite");
    let db = kontor_server::open_database(&format!("sqlite:{}", db_path.display()))
        .await
        .expect("open");
    kontor_server::seed::seed_demo(db.as_ref(), &common::seed_options())
        .await
        .expect("seed");
    let mode = |p: &std::path::Path| {
        std::fs::metadata(p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode(&dir), 0o700, "data directory");
    for name in [
        "kontor.sqlite",
        "kontor.sqlite-wal",
        "kontor.sqlite-shm",
        "kontor.sqlite.lock",
    ] {
        assert_eq!(mode(&dir.join(name)), 0o600, "{name}");
    }
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostnames_and_names_that_hide_or_overflow_are_refused() {
    check(|env| async move {
        let tok = owner(&env).await;
        let upload = |machine: &str, hostname: String| kontor_api::ActivationRequestUpload {
            request: kontor_license::ActivationRequest {
                format: 1,
                fingerprint: kontor_license::fingerprint_from_machine_id(machine),
                hostname,
                created_at: common::T0,
            }
            .to_armored(),
        };
        for (i, host) in [
            "h".repeat(10_000),
            "host\u{202E}exe.txt".to_string(),
            "ho\u{200B}st".to_string(),
        ]
        .into_iter()
        .enumerate()
        {
            let (status, body) = api_error(
                env.client
                    .activate_machine(&tok, &env.seed.account_id, &upload(&format!("m{i}"), host))
                    .await,
            );
            assert_eq!((status, body.code), (422, ErrorCode::Validation), "{i}");
        }
        env.client
            .activate_machine(&tok, &env.seed.account_id, &upload("ok", "host-ok".into()))
            .await
            .expect("a plain hostname activates");
        let (status, _) = api_error(
            env.client
                .create_users(
                    &tok,
                    &env.seed.account_id,
                    &CreateUsers {
                        users: vec![NewUser {
                            email: "bidi@muster.example".to_string(),
                            display_name: "Anna\u{202E}gpj.exe".to_string(),
                            role: Role::User,
                            location_id: None,
                            licenses: vec![],
                        }],
                    },
                )
                .await,
        );
        assert_eq!(status, 422);
    })
    .await;
}
