//! End-to-end tests of the portal API: the real server driven through `kontor_client`, on SQLite and PostgreSQL.

mod common;

use common::{api_error, check, seed_options, Env, T0};
use kontor_api::{ErrorBody, ErrorCode, PasswordLogin, Role, SessionTokens, TokenLogin};
use kontor_server::db::UserRecord;
use kontor_server::seed::{seed_demo, SeedOptions};
use kontor_server::{hash_password, ServerError};

async fn sign_in(env: &Env, remember: bool) -> SessionTokens {
    env.client
        .login_password(&PasswordLogin {
            email: env.seed.owner_email.clone(),
            password: env.seed.owner_password.clone(),
            remember,
        })
        .await
        .expect("owner signs in")
}

async fn audit_names(env: &Env) -> Vec<String> {
    env.db
        .audit_events(&env.seed.account_id)
        .await
        .expect("audit events")
        .into_iter()
        .map(|e| e.event)
        // The seed's demo invoices are audited (`invoice.issued`, …); these tests look at what follows.
        .filter(|e| !e.starts_with("invoice."))
        .collect()
}

fn login(email: &str, password: &str) -> PasswordLogin {
    PasswordLogin {
        email: email.to_string(),
        password: password.to_string(),
        remember: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_sign_in_shows_account_and_summary_from_the_seed() {
    check(|env| async move {
        let info = env.client.info().await.expect("info");
        assert!(info.demo);
        assert_eq!(info.vendor_name, "Test Vendor");

        let s = sign_in(&env, false).await;
        assert_eq!(s.access_expires_at, T0 + 15 * 60);
        assert_eq!(s.refresh_expires_at, T0 + 12 * 3600);
        assert_eq!(s.user.role, Role::Owner);
        assert_eq!(s.user.account_id, env.seed.account_id);

        let me = env.client.me(&s.access_token).await.expect("me");
        assert_eq!(me, s.user);
        assert_eq!(me.email, "admin@muster.example");

        let account = env
            .client
            .account(&s.access_token, &env.seed.account_id)
            .await
            .expect("account");
        assert_eq!(account.name, "Muster GmbH");
        assert_eq!(account.customer_number, "K-100042");

        let sum = env
            .client
            .dashboard(&s.access_token, &env.seed.account_id)
            .await
            .expect("summary");
        assert_eq!(sum.account, account);
        assert_eq!(sum.package_name, "Business");
        let products: Vec<(&str, i64, i64)> = sum
            .products
            .iter()
            .map(|p| (p.product_code.as_str(), p.seats_used, p.seats_total))
            .collect();
        assert_eq!(
            products,
            vec![("analytics", 4, 5), ("cmdb", 11, 25), ("docs", 6, 10)]
        );
        assert_eq!(sum.seats_used, 21);
        assert_eq!(sum.seats_total, 40);
        let next = sum.next_invoice.expect("next invoice");
        // The next period's recurring lines with 19 % VAT: the demo catalog's Business package and one
        // Analytics add-on, monthly (docs/catalog.example.toml).
        let net = 149_000 + 14_500;
        assert_eq!(next.amount_cents, net + net * 19 / 100);
        assert_eq!(next.currency, "EUR");
        assert_eq!(next.date, "2026-06-01");
        assert_eq!(sum.license_expires_on.as_deref(), Some("2027-05-28"));
        assert_eq!(sum.user_count, 12);

        let invoices = env
            .db
            .invoices(&env.seed.account_id)
            .await
            .expect("invoices");
        // A year of monthly invoices and one credit note, issued through invoicing.
        assert_eq!(invoices.len(), 13);
        assert_eq!(
            invoices
                .iter()
                .filter(|i| i.amount_cents == next.amount_cents)
                .count(),
            12
        );
        assert_eq!(
            audit_names(&env).await,
            vec!["auth.sign_in"],
            "{}",
            env.backend
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn license_token_signs_in_as_owner() {
    check(|env| async move {
        let s = env
            .client
            .login_token(&TokenLogin {
                license_token: format!("  {}\n", env.seed.license_token),
                remember: true,
            })
            .await
            .expect("token sign-in");
        assert_eq!(s.user.role, Role::Owner);
        assert_eq!(s.user.email, env.seed.owner_email);
        assert_eq!(s.refresh_expires_at, T0 + 30 * 24 * 3600);
        env.client
            .me(&s.access_token)
            .await
            .expect("me with token session");

        let (status, body) = api_error(
            env.client
                .login_token(&TokenLogin {
                    license_token: "0".repeat(40),
                    remember: false,
                })
                .await,
        );
        assert_eq!((status, body.code), (401, ErrorCode::InvalidCredentials));
        assert_eq!(audit_names(&env).await, vec!["auth.token_sign_in"]);

        // The token expires with the license term.
        env.clock.advance(366 * 86_400);
        let (status, _) = api_error(
            env.client
                .login_token(&TokenLogin {
                    license_token: env.seed.license_token.clone(),
                    remember: false,
                })
                .await,
        );
        assert_eq!(status, 401);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_and_unknown_user_answer_identically() {
    check(|env| async move {
        let wrong = api_error(
            env.client
                .login_password(&login(&env.seed.owner_email, "nope-nope"))
                .await,
        );
        let unknown = api_error(
            env.client
                .login_password(&login("ghost@muster.example", "nope-nope"))
                .await,
        );
        assert_eq!(wrong, unknown);
        assert_eq!(wrong.0, 401);
        assert_eq!(wrong.1.code, ErrorCode::InvalidCredentials);
        // Case and surrounding space of the e-mail do not matter.
        let s = env
            .client
            .login_password(&login(" ADMIN@Muster.Example ", &env.seed.owner_password))
            .await
            .expect("case-insensitive e-mail");
        assert_eq!(s.user.email, env.seed.owner_email);
        assert_eq!(
            audit_names(&env).await,
            vec!["auth.sign_in_failed", "auth.sign_in"]
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_answers_with_error_bodies() {
    check(|env| async move {
        let (status, body) =
            api_error(env.client.login_password(&login("not-an-email", "x")).await);
        assert_eq!((status, body.code), (422, ErrorCode::Validation));
        assert!(body.message.contains("email"), "{}", body.message);

        let (status, body) = api_error(env.client.login_password(&login("a@b.de", "")).await);
        assert_eq!((status, body.code), (422, ErrorCode::Validation));
        assert!(body.message.contains("password"), "{}", body.message);

        let (status, body) = api_error(
            env.client
                .login_token(&TokenLogin {
                    license_token: "short".into(),
                    remember: false,
                })
                .await,
        );
        assert_eq!((status, body.code), (422, ErrorCode::Validation));
        assert!(body.message.contains("license_token"), "{}", body.message);

        let (status, body) = api_error(env.client.refresh("").await);
        assert_eq!((status, body.code), (422, ErrorCode::Validation));
        assert!(body.message.contains("refresh_token"), "{}", body.message);

        let http = reqwest::Client::new();
        let login_url = format!("{}/api/v1/auth/login", env.base_url);
        let cases: Vec<(&str, Option<&str>, &str)> = vec![
            (
                "missing field",
                Some("application/json"),
                r#"{"email":"a@b.de"}"#,
            ),
            ("malformed JSON", Some("application/json"), r#"{"email":"#),
            (
                "wrong type",
                Some("application/json"),
                r#"{"email":1,"password":"x"}"#,
            ),
            (
                "wrong content type",
                Some("text/plain"),
                r#"{"email":"a@b.de","password":"x"}"#,
            ),
            (
                "no content type",
                None,
                r#"{"email":"a@b.de","password":"x"}"#,
            ),
        ];
        for (what, ctype, body) in cases {
            let mut rb = http.post(&login_url).body(body.to_string());
            if let Some(c) = ctype {
                rb = rb.header("content-type", c);
            }
            let resp = rb.send().await.expect("send");
            let status = resp.status().as_u16();
            let err: ErrorBody = resp
                .json()
                .await
                .unwrap_or_else(|e| panic!("{what}: not an ErrorBody: {e}"));
            assert_eq!((status, err.code), (422, ErrorCode::Validation), "{what}");
            if what == "missing field" {
                assert!(err.message.contains("password"), "{what}: {}", err.message);
            }
        }

        for (method, path, want, code) in [
            ("GET", "/api/v1/nope", 404, ErrorCode::NotFound),
            ("GET", "/nope", 404, ErrorCode::NotFound),
            ("DELETE", "/api/v1/info", 405, ErrorCode::MethodNotAllowed),
            (
                "GET",
                "/api/v1/auth/login",
                405,
                ErrorCode::MethodNotAllowed,
            ),
        ] {
            let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
            let resp = http
                .request(m, format!("{}{path}", env.base_url))
                .send()
                .await
                .expect("send");
            assert_eq!(resp.status().as_u16(), want, "{method} {path}");
            let err: ErrorBody = resp
                .json()
                .await
                .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
            assert_eq!(err.code, code, "{method} {path}");
        }

        // No, a wrong or a malformed bearer token: 401 ErrorBody.
        let resp = http
            .get(format!("{}/api/v1/me", env.base_url))
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status().as_u16(), 401);
        let err: ErrorBody = resp.json().await.expect("error body");
        assert_eq!(err.code, ErrorCode::Unauthorized);
        for auth in ["Bearer nope", "Basic abc", "Bearer"] {
            let resp = http
                .get(format!("{}/api/v1/me", env.base_url))
                .header("authorization", auth)
                .send()
                .await
                .expect("send");
            assert_eq!(resp.status().as_u16(), 401, "{auth}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_access_token_is_refused_and_refresh_renews_it() {
    check(|env| async move {
        let s = sign_in(&env, false).await;
        env.clock.advance(15 * 60 - 1);
        env.client.me(&s.access_token).await.expect("still valid");
        env.clock.advance(1);
        let (status, body) = api_error(env.client.me(&s.access_token).await);
        assert_eq!((status, body.code), (401, ErrorCode::Unauthorized));

        let r = env.client.refresh(&s.refresh_token).await.expect("refresh");
        assert_ne!(r.access_token, s.access_token);
        assert_ne!(r.refresh_token, s.refresh_token);
        assert_eq!(r.access_expires_at, env.clock_now() + 15 * 60);
        let me = env
            .client
            .me(&r.access_token)
            .await
            .expect("me after refresh");
        assert_eq!(me.id, s.user.id);
    })
    .await;
}

trait ClockNow {
    fn clock_now(&self) -> i64;
}

impl ClockNow for Env {
    fn clock_now(&self) -> i64 {
        use kontor_server::Clock;
        self.clock.now()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_refresh_token_is_refused() {
    check(|env| async move {
        let s = sign_in(&env, false).await;
        env.clock.advance(12 * 3600);
        let (status, body) = api_error(env.client.refresh(&s.refresh_token).await);
        assert_eq!((status, body.code), (401, ErrorCode::Unauthorized));

        // "Stay signed in" lasts 30 days.
        let s = sign_in(&env, true).await;
        env.clock.advance(29 * 86_400);
        let r = env
            .client
            .refresh(&s.refresh_token)
            .await
            .expect("remembered refresh");
        env.clock.advance(30 * 86_400);
        let (status, _) = api_error(env.client.refresh(&r.refresh_token).await);
        assert_eq!(status, 401);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_rotates_and_reuse_revokes_the_session() {
    check(|env| async move {
        let s1 = sign_in(&env, false).await;
        let s2 = env
            .client
            .refresh(&s1.refresh_token)
            .await
            .expect("first refresh");
        // The rotated pair is dead.
        assert_eq!(api_error(env.client.me(&s1.access_token).await).0, 401);
        env.client
            .me(&s2.access_token)
            .await
            .expect("new access works");

        // Reusing the old refresh token fails and kills the whole session.
        let (status, body) = api_error(env.client.refresh(&s1.refresh_token).await);
        assert_eq!((status, body.code), (401, ErrorCode::Unauthorized));
        assert_eq!(api_error(env.client.me(&s2.access_token).await).0, 401);
        assert_eq!(
            api_error(env.client.refresh(&s2.refresh_token).await).0,
            401
        );
        assert!(audit_names(&env)
            .await
            .contains(&"auth.refresh_reuse_detected".to_string()));

        // Another session of the same user is not affected.
        let other = sign_in(&env, false).await;
        env.client
            .refresh(&other.refresh_token)
            .await
            .expect("independent session");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_revokes_access_and_refresh_token() {
    check(|env| async move {
        let s = sign_in(&env, true).await;
        env.client.logout(&s.refresh_token).await.expect("logout");
        assert_eq!(api_error(env.client.me(&s.access_token).await).0, 401);
        assert_eq!(api_error(env.client.refresh(&s.refresh_token).await).0, 401);
        // Idempotent.
        env.client
            .logout(&s.refresh_token)
            .await
            .expect("second logout");
        assert_eq!(
            audit_names(&env).await,
            vec!["auth.sign_in", "auth.sign_out"]
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_accounts_are_not_found() {
    check(|env| async move {
        let opts = SeedOptions {
            account_name: "Beispiel AG".into(),
            customer_number: "K-200077".into(),
            owner_email: "chef@beispiel.example".into(),
            owner_password: "Other-Passw0rd!".into(),
            ..seed_options()
        };
        let b = seed_demo(env.db.as_ref(), &opts)
            .await
            .expect("second account");
        assert_ne!(b.account_id, env.seed.account_id);
        let sb = env
            .client
            .login_password(&login(&b.owner_email, &b.owner_password))
            .await
            .expect("B signs in");
        let sa = sign_in(&env, false).await;

        for (s, own, other) in [
            (&sb, &b.account_id, &env.seed.account_id),
            (&sa, &env.seed.account_id, &b.account_id),
        ] {
            let acc = env
                .client
                .account(&s.access_token, own)
                .await
                .expect("own account");
            assert_eq!(&acc.id, own);
            let (status, body) = api_error(env.client.account(&s.access_token, other).await);
            assert_eq!((status, body.code), (404, ErrorCode::NotFound));
            let (status, body) = api_error(env.client.dashboard(&s.access_token, other).await);
            assert_eq!((status, body.code), (404, ErrorCode::NotFound));
            // A made-up id answers the same as a real foreign one.
            let made_up = api_error(
                env.client
                    .account(&s.access_token, "00000000-0000-0000-0000-000000000000")
                    .await,
            );
            assert_eq!(
                made_up,
                api_error(env.client.account(&s.access_token, other).await)
            );
        }
        let sum_b = env
            .client
            .dashboard(&sb.access_token, &b.account_id)
            .await
            .expect("B summary");
        assert_eq!(sum_b.account.name, "Beispiel AG");
        assert_eq!(sum_b.user_count, 12);
        assert_eq!(sum_b.seats_used, 21);

        // Seeding an existing customer number again is a clear error.
        match seed_demo(env.db.as_ref(), &opts).await {
            Err(ServerError::Conflict(m)) => assert!(m.contains("K-200077"), "{m}"),
            other => panic!("expected a conflict, got {other:?}"),
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleted_user_cannot_sign_in() {
    check(|env| async move {
        let user = UserRecord {
            id: uuid::Uuid::new_v4().to_string(),
            account_id: env.seed.account_id.clone(),
            email: "leaver@muster.example".into(),
            display_name: "Leo Leaver".into(),
            role: Role::User,
            password_hash: Some(hash_password("Leaver-Passw0rd!").expect("hash")),
            must_change_password: true,
            created_at: T0,
            deleted_at: None,
        };
        env.db.insert_user(&user).await.expect("insert user");
        let s = env
            .client
            .login_password(&login(&user.email, "Leaver-Passw0rd!"))
            .await
            .expect("user signs in");
        assert_eq!(s.user.role, Role::User);
        assert!(s.user.must_change_password);
        // Until the password is changed, only /me (and /me/password) are open.
        env.client.me(&s.access_token).await.expect("me");
        let (status, body) = api_error(
            env.client
                .dashboard(&s.access_token, &env.seed.account_id)
                .await,
        );
        assert_eq!(
            (status, body.message.as_str()),
            (403, "password change required")
        );
        let owner = sign_in(&env, false).await;
        let sum = env
            .client
            .dashboard(&owner.access_token, &env.seed.account_id)
            .await
            .expect("summary");
        assert_eq!(sum.user_count, 13);

        assert!(env
            .db
            .delete_user(&env.seed.account_id, &user.id, T0)
            .await
            .expect("delete"));
        assert_eq!(api_error(env.client.me(&s.access_token).await).0, 401);
        assert_eq!(api_error(env.client.refresh(&s.refresh_token).await).0, 401);
        let deleted = api_error(
            env.client
                .login_password(&login(&user.email, "Leaver-Passw0rd!"))
                .await,
        );
        let unknown = api_error(
            env.client
                .login_password(&login("ghost@muster.example", "Leaver-Passw0rd!"))
                .await,
        );
        assert_eq!(deleted, unknown);
        assert_eq!(deleted.1.code, ErrorCode::InvalidCredentials);

        let owner = sign_in(&env, false).await;
        let sum = env
            .client
            .dashboard(&owner.access_token, &env.seed.account_id)
            .await
            .expect("summary");
        assert_eq!(sum.user_count, 12);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failures_are_throttled() {
    check(|env| async move {
        for _ in 0..10 {
            let (status, _) = api_error(
                env.client
                    .login_password(&login(&env.seed.owner_email, "wrong-wrong"))
                    .await,
            );
            assert_eq!(status, 401);
        }
        let (status, body) = api_error(
            env.client
                .login_password(&login(&env.seed.owner_email, &env.seed.owner_password))
                .await,
        );
        assert_eq!((status, body.code), (429, ErrorCode::RateLimited));
        env.clock.advance(301);
        sign_in(&env, false).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_lists_every_route() {
    check(|env| async move {
        let http = reqwest::Client::new();
        let health = http
            .get(format!("{}/api/health", env.base_url))
            .send()
            .await
            .expect("health");
        assert_eq!(health.status().as_u16(), 200);

        let doc: serde_json::Value = http
            .get(format!("{}/api/openapi.json", env.base_url))
            .send()
            .await
            .expect("openapi")
            .json()
            .await
            .expect("openapi JSON");
        assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
        let paths = doc["paths"].as_object().expect("paths");
        for (path, method) in [
            ("/api/v1/info", "get"),
            ("/api/health", "get"),
            ("/api/ready", "get"), // replica12
            ("/api/v1/auth/login", "post"),
            ("/api/v1/auth/token-login", "post"),
            ("/api/v1/auth/refresh", "post"),
            ("/api/v1/auth/logout", "post"),
            ("/api/v1/me", "get"),
            ("/api/v1/accounts/{account_id}", "get"),
            ("/api/v1/accounts/{account_id}/summary", "get"),
        ] {
            assert!(
                paths.get(path).and_then(|p| p.get(method)).is_some(),
                "{method} {path} missing"
            );
        }
        for schema in [
            "SessionTokens",
            "DashboardSummary",
            "ErrorBody",
            "PasswordLogin",
        ] {
            assert!(
                doc["components"]["schemas"][schema].is_object(),
                "schema {schema} missing"
            );
        }
    })
    .await;
}
