//! E-mail end to end against a real SMTP listener started by the test (`common::smtp`), on SQLite and
//! PostgreSQL: the outbox (both parts, the user's language, retries through a failing listener, a worker
//! killed mid-send, two workers), the forgotten-password flow (code, expiry, reuse, wrong tries,
//! enumeration, limits), and mailing a temporary password.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::smtp::{Mode, Received, SmtpSink};
use common::{api_error, check, check_with, deliver, login, mailer, owner, Env};
use kontor_api::{
    CreateUsers, NewUser, PasswordResetConfirm, PasswordResetRequest, Role, TemporaryPasswordMail,
};
use kontor_server::config::{MailConfig, MailTransport};
use kontor_server::db::mail::NewMail;
use kontor_server::mail::{deliver_due, LEASE_SECS};
use kontor_server::Clock;

/// Runs a statement on the test database (what the API cannot do).
async fn sql(env: &Env, statement: &str) {
    if env.backend == "sqlite" {
        let pool = sqlx::SqlitePool::connect(&env.db_url)
            .await
            .expect("sqlite");
        sqlx::query(statement).execute(&pool).await.expect("sql");
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(&env.db_url).await.expect("pg");
        sqlx::query(statement).execute(&pool).await.expect("sql");
        pool.close().await;
    }
}

async fn count(env: &Env, query: &str) -> i64 {
    if env.backend == "sqlite" {
        let pool = sqlx::SqlitePool::connect(&env.db_url)
            .await
            .expect("sqlite");
        let (n,): (i64,) = sqlx::query_as(query).fetch_one(&pool).await.expect("sql");
        pool.close().await;
        n
    } else {
        let pool = sqlx::PgPool::connect(&env.db_url).await.expect("pg");
        let (n,): (i64,) = sqlx::query_as(query).fetch_one(&pool).await.expect("sql");
        pool.close().await;
        n
    }
}

/// The code in a reset mail's plain text.
fn code_of(mail: &Received) -> String {
    let text = mail.part("text/plain").expect("plain part");
    let re = regex::Regex::new(r"[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}").expect("regex");
    re.find(&text)
        .expect("a code in the mail")
        .as_str()
        .to_string()
}

fn reset_request(email: &str) -> PasswordResetRequest {
    PasswordResetRequest {
        email: email.to_string(),
    }
}

fn confirm(email: &str, code: &str, password: &str) -> PasswordResetConfirm {
    PasswordResetConfirm {
        email: email.to_string(),
        code: code.to_string(),
        new_password: password.to_string(),
    }
}

async fn events(env: &Env) -> Vec<String> {
    env.db
        .audit_events(&env.seed.account_id)
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.event)
        .collect()
}

#[tokio::test]
async fn the_reset_code_sets_a_new_password_once_and_ends_every_session() {
    check(|env| async move {
        let sink = SmtpSink::start().await;
        let m = mailer(&sink);
        let email = env.seed.owner_email.clone();
        let old_session = owner(&env).await;
        env.client
            .request_password_reset(&reset_request(&email.to_uppercase()))
            .await
            .expect("202");
        let mails = deliver(&env, &m, &sink, 1).await;
        assert_eq!(mails.len(), 1, "{}: one mail", env.backend);
        let mail = &mails[0];
        assert_eq!(mail.to, vec![format!("<{email}>")]);
        // Both parts, German by default, the code in both.
        let code = code_of(mail);
        let html = mail.part("text/html").expect("html part");
        assert!(html.contains(&code), "the code is in the HTML part too");
        assert!(html.contains("<p>"));
        assert!(mail.part("text/plain").expect("text").contains("Hallo"));
        assert!(mail
            .header("Message-ID")
            .is_some_and(|id| id.ends_with("@kontor>")));

        // A wrong code, then the right one (typed in lower case with spaces).
        let wrong = if code.starts_with('A') {
            "BBBBB-BBBBB"
        } else {
            "AAAAA-AAAAA"
        };
        let (status, body) = api_error(
            env.client
                .confirm_password_reset(&confirm(&email, wrong, "a-Brand-new-passw0rd"))
                .await,
        );
        assert_eq!(status, 422);
        assert!(body.message.contains("code"), "{}", body.message);
        // The password rules hold.
        let (status, _) = api_error(
            env.client
                .confirm_password_reset(&confirm(&email, &code, "short"))
                .await,
        );
        assert_eq!(status, 422);
        env.client
            .confirm_password_reset(&confirm(
                &email,
                &code.to_lowercase().replace('-', " "),
                "a-Brand-new-passw0rd",
            ))
            .await
            .expect("reset with the code");

        // The old session ended; the new password signs in, the old one not.
        assert_eq!(api_error(env.client.me(&old_session).await).0, 401);
        env.client
            .login_password(&login(&email, "a-Brand-new-passw0rd"))
            .await
            .expect("new password signs in");
        assert_eq!(
            api_error(
                env.client
                    .login_password(&login(&email, &env.seed.owner_password))
                    .await
            )
            .0,
            401
        );
        // Used once only.
        let (status, _) = api_error(
            env.client
                .confirm_password_reset(&confirm(&email, &code, "another-Passw0rd-here"))
                .await,
        );
        assert_eq!(status, 422);
        let ev = events(&env).await;
        assert!(ev.iter().any(|e| e == "auth.password_reset_requested"));
        assert!(ev.iter().any(|e| e == "auth.password_reset"));
        // Only the code's hash is stored; the sent mail's bodies are cleared.
        assert_eq!(
            count(
                &env,
                &format!("SELECT COUNT(*) FROM outbox WHERE body_text LIKE '%{code}%'")
            )
            .await,
            0
        );
        assert_eq!(
            count(
                &env,
                "SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL AND body_html = ''"
            )
            .await,
            1
        );
    })
    .await;
}

#[tokio::test]
async fn codes_expire_after_30_minutes_and_die_after_five_wrong_tries() {
    check(|env| async move {
        let sink = SmtpSink::start().await;
        let m = mailer(&sink);
        let email = env.seed.owner_email.clone();
        env.client
            .request_password_reset(&reset_request(&email))
            .await
            .expect("202");
        let code = code_of(&deliver(&env, &m, &sink, 1).await[0]);
        env.clock.advance(30 * 60);
        let (status, _) = api_error(
            env.client
                .confirm_password_reset(&confirm(&email, &code, "a-Brand-new-passw0rd"))
                .await,
        );
        assert_eq!(status, 422, "{}: expired", env.backend);

        env.client
            .request_password_reset(&reset_request(&email))
            .await
            .expect("202");
        let code = code_of(&deliver(&env, &m, &sink, 2).await[1]);
        let wrong = if code.starts_with('A') {
            "BBBBB-BBBBB"
        } else {
            "AAAAA-AAAAA"
        };
        for _ in 0..5 {
            let (status, _) = api_error(
                env.client
                    .confirm_password_reset(&confirm(&email, wrong, "a-Brand-new-passw0rd"))
                    .await,
            );
            assert_eq!(status, 422);
        }
        let (status, _) = api_error(
            env.client
                .confirm_password_reset(&confirm(&email, &code, "a-Brand-new-passw0rd"))
                .await,
        );
        assert_eq!(
            status, 422,
            "{}: the code died after five wrong tries",
            env.backend
        );
        env.client
            .login_password(&login(&email, &env.seed.owner_password))
            .await
            .expect("the password is unchanged");
    })
    .await;
}

#[tokio::test]
async fn known_and_unknown_addresses_get_the_same_answer_in_the_same_time() {
    check(|env| async move {
        let sink = SmtpSink::start().await;
        let m = mailer(&sink);
        let http = reqwest::Client::new();
        let url = format!("{}/api/v1/auth/password-reset", env.base_url);
        let mut known = Vec::new();
        let mut unknown = Vec::new();
        for i in 0..4 {
            for (addr, times) in [
                (env.seed.owner_email.clone(), &mut known),
                (format!("nobody{i}@nowhere.example"), &mut unknown),
            ] {
                let started = Instant::now();
                let resp = http
                    .post(&url)
                    .json(&serde_json::json!({ "email": addr }))
                    .send()
                    .await
                    .expect("send");
                let status = resp.status().as_u16();
                let body = resp.bytes().await.expect("body");
                times.push(started.elapsed());
                assert_eq!((status, body.len()), (202, 0), "{}: {addr}", env.backend);
            }
        }
        known.sort();
        unknown.sort();
        let (k, u) = (known[known.len() / 2], unknown[unknown.len() / 2]);
        let diff = k.abs_diff(u);
        assert!(
            diff < Duration::from_millis(100) && k < Duration::from_secs(1),
            "{}: median known {k:?}, unknown {u:?}",
            env.backend
        );
        // Only the real address got mail.
        deliver(&env, &m, &sink, 4).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        deliver_due(env.db.as_ref(), &m, env.clock.as_ref(), "w")
            .await
            .expect("round");
        let mails = sink.accepted();
        assert_eq!(mails.len(), 4);
        assert!(mails
            .iter()
            .all(|m| m.to == vec![format!("<{}>", env.seed.owner_email)]));
        // A confirm for an unknown address answers exactly as a wrong code does.
        let (s1, b1) = api_error(
            env.client
                .confirm_password_reset(&confirm(
                    "nobody0@nowhere.example",
                    "AAAAA-AAAAA",
                    "a-Brand-new-passw0rd",
                ))
                .await,
        );
        let (s2, b2) = api_error(
            env.client
                .confirm_password_reset(&confirm(
                    &env.seed.owner_email,
                    "AAAAA-AAAAA",
                    "a-Brand-new-passw0rd",
                ))
                .await,
        );
        assert_eq!(
            (s1, b1.code, b1.message, b1.detail),
            (s2, b2.code, b2.message, b2.detail)
        );
    })
    .await;
}

#[tokio::test]
async fn reset_requests_are_limited_per_address_and_per_ip() {
    check(|env| async move {
        for _ in 0..5 {
            env.client
                .request_password_reset(&reset_request("someone@muster.example"))
                .await
                .expect("within the address limit");
        }
        let (status, body) = api_error(
            env.client
                .request_password_reset(&reset_request("someone@muster.example"))
                .await,
        );
        assert_eq!(status, 429, "{}", env.backend);
        assert!(body.detail.is_some(), "the wait is in the detail");
        // Other addresses from this IP until the IP's limit (20 requests).
        for i in 0..15 {
            env.client
                .request_password_reset(&reset_request(&format!("x{i}@muster.example")))
                .await
                .expect("within the IP limit");
        }
        let (status, _) = api_error(
            env.client
                .request_password_reset(&reset_request("fresh@muster.example"))
                .await,
        );
        assert_eq!(status, 429, "{}: the IP limit", env.backend);
        // Wrong codes are limited like sign-ins (10 per address and IP).
        let mut limited = false;
        for _ in 0..12 {
            let (status, _) = api_error(
                env.client
                    .confirm_password_reset(&confirm(
                        &env.seed.owner_email,
                        "AAAAA-AAAAA",
                        "a-Brand-new-passw0rd",
                    ))
                    .await,
            );
            limited |= status == 429;
        }
        assert!(limited, "{}: wrong codes are throttled", env.backend);
    })
    .await;
}

/// A user created by the owner, with their temporary password.
async fn new_user(env: &Env, tok: &str, email: &str) -> (String, String) {
    let created = env
        .client
        .create_users(
            tok,
            &env.seed.account_id,
            &CreateUsers {
                users: vec![NewUser {
                    email: email.to_string(),
                    display_name: "Eve <Example>".to_string(),
                    role: Role::User,
                    location_id: None,
                    licenses: vec![],
                }],
            },
        )
        .await
        .expect("create");
    let u = &created.created[0];
    (u.id.clone(), u.temporary_password.clone())
}

#[tokio::test]
async fn the_outbox_retries_through_a_failing_listener_and_sends_once() {
    check(|env| async move {
        let sink = SmtpSink::start().await;
        let m = mailer(&sink);
        let tok = owner(&env).await;
        let (id, temp) = new_user(&env, &tok, "eve@muster.example").await;
        sql(
            &env,
            "UPDATE users SET language = 'en' WHERE email = 'eve@muster.example'",
        )
        .await;
        // Only the user's current temporary password can be mailed.
        let (status, _) = api_error(
            env.client
                .mail_temporary_password(
                    &tok,
                    &env.seed.account_id,
                    &id,
                    &TemporaryPasswordMail {
                        temporary_password: "not-the-password".to_string(),
                    },
                )
                .await,
        );
        assert_eq!(status, 422);
        env.client
            .mail_temporary_password(
                &tok,
                &env.seed.account_id,
                &id,
                &TemporaryPasswordMail {
                    temporary_password: temp.clone(),
                },
            )
            .await
            .expect("queued");

        sink.script(&[Mode::Drop, Mode::TempFail]);
        let round = |who: &'static str| deliver_due(env.db.as_ref(), &m, env.clock.as_ref(), who);
        let r = round("w1").await.expect("round");
        assert_eq!(
            (r.sent, r.retried),
            (0, 1),
            "{}: connection dropped",
            env.backend
        );
        // Not again before the backoff (30 s).
        let r = round("w1").await.expect("round");
        assert_eq!(r, Default::default());
        env.clock.advance(30);
        let r = round("w1").await.expect("round");
        assert_eq!((r.sent, r.retried), (0, 1), "451");
        env.clock.advance(59);
        assert_eq!(
            round("w1").await.expect("round"),
            Default::default(),
            "60 s now"
        );
        env.clock.advance(1);
        let r = round("w1").await.expect("round");
        assert_eq!(r.sent, 1);
        env.clock.advance(3 * 3600);
        assert_eq!(round("w1").await.expect("round"), Default::default());
        let mails = sink.accepted();
        assert_eq!(mails.len(), 1, "sent once");
        let text = mails[0].part("text/plain").expect("text");
        let html = mails[0].part("text/html").expect("html");
        assert!(text.contains(&temp) && html.contains(&temp));
        assert!(
            text.contains("Hello Eve <Example>,"),
            "English, the name as is: {text}"
        );
        assert!(html.contains("Eve &lt;Example&gt;"), "escaped in HTML");
        assert!(mails[0]
            .header("Subject")
            .is_some_and(|s| s.contains("temporary password")));
        assert!(events(&env)
            .await
            .iter()
            .any(|e| e == "user.temporary_password_mailed"));

        // A permanent refusal is given up at once, and stays given up.
        let tok = owner(&env).await;
        env.client
            .mail_temporary_password(
                &tok,
                &env.seed.account_id,
                &id,
                &TemporaryPasswordMail {
                    temporary_password: temp.clone(),
                },
            )
            .await
            .expect("queued");
        sink.script(&[Mode::PermFail]);
        let r = round("w1").await.expect("round");
        assert_eq!(r.given_up, 1);
        env.clock.advance(24 * 3600);
        assert_eq!(round("w1").await.expect("round"), Default::default());
        assert_eq!(
            count(
                &env,
                "SELECT COUNT(*) FROM outbox WHERE failed_at IS NOT NULL"
            )
            .await,
            1
        );
    })
    .await;
}

#[tokio::test]
async fn a_worker_killed_mid_send_is_replaced_after_its_lease_and_the_mail_goes_once_more() {
    check(|env| async move {
        let sink = SmtpSink::start().await;
        let m = mailer(&sink);
        let tok = owner(&env).await;
        let (id, temp) = new_user(&env, &tok, "eve@muster.example").await;
        env.client
            .mail_temporary_password(
                &tok,
                &env.seed.account_id,
                &id,
                &TemporaryPasswordMail {
                    temporary_password: temp,
                },
            )
            .await
            .expect("queued");
        sink.script(&[Mode::HangAfterData]);
        let (db, clock, m1) = (env.db.clone(), env.clock.clone(), m.clone());
        let worker =
            tokio::spawn(
                async move { deliver_due(db.as_ref(), &m1, clock.as_ref(), "killed").await },
            );
        let deadline = Instant::now() + Duration::from_secs(10);
        while sink.unanswered().is_empty() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(sink.unanswered().len(), 1, "the data went out");
        worker.abort();
        let _ = worker.await;
        // Its lease holds: another worker does not take the mail.
        let other = deliver_due(env.db.as_ref(), &m, env.clock.as_ref(), "other")
            .await
            .expect("round");
        assert_eq!(other, Default::default(), "{}: leased", env.backend);
        env.clock.advance(LEASE_SECS);
        let other = deliver_due(env.db.as_ref(), &m, env.clock.as_ref(), "other")
            .await
            .expect("round");
        assert_eq!(other.sent, 1);
        env.clock.advance(LEASE_SECS * 10);
        let again = deliver_due(env.db.as_ref(), &m, env.clock.as_ref(), "third")
            .await
            .expect("round");
        assert_eq!(again, Default::default(), "sent is final");
        let accepted = sink.accepted();
        assert_eq!(accepted.len(), 1);
        // The interrupted copy and the sent one are the same message.
        assert_eq!(
            accepted[0].header("Message-ID"),
            sink.unanswered()[0].header("Message-ID")
        );
    })
    .await;
}

#[tokio::test]
async fn two_workers_never_claim_the_same_mail() {
    check(|env| async move {
        let now = env.clock.now();
        for i in 0..30 {
            env.db
                .enqueue_mail(&NewMail {
                    id: format!("m{i:02}"),
                    account_id: None,
                    kind: "test".to_string(),
                    recipient: format!("r{i}@example.com"),
                    subject: "s".to_string(),
                    body_text: "t".to_string(),
                    body_html: "<p>t</p>".to_string(),
                    created_at: now,
                })
                .await
                .expect("enqueue");
        }
        let db: Arc<dyn kontor_server::Database> = env.db.clone();
        let mut tasks = Vec::new();
        for w in 0..4 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                for _ in 0..5 {
                    let got = db
                        .claim_mails(&format!("w{w}"), now, now + LEASE_SECS, 3)
                        .await
                        .expect("claim");
                    mine.extend(got.into_iter().map(|c| c.id));
                }
                mine
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.expect("task"));
        }
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n, "{}: a mail claimed twice", env.backend);
        assert_eq!(n, 30);
    })
    .await;
}

#[tokio::test]
async fn the_servers_own_worker_sends_and_without_smtp_writes_eml_files() {
    let sink = Arc::new(SmtpSink::start().await);
    let url = sink.url();
    let configure = move |c: &mut kontor_server::Config| {
        c.mail = MailConfig {
            transport: MailTransport::Smtp {
                url: url.clone(),
                password: None,
            },
            from: "Test Vendor <noreply@vendor.example>".to_string(),
            poll: Duration::from_millis(100),
        };
    };
    let s = sink.clone();
    check_with(&configure, move |env| {
        let sink = s.clone();
        async move {
            let before = sink.accepted().len();
            env.client
                .request_password_reset(&reset_request(&env.seed.owner_email))
                .await
                .expect("202");
            let got = sink.wait_for(before + 1, 10).await;
            assert_eq!(got.len(), before + 1, "{}: the worker sent it", env.backend);
        }
    })
    .await;

    let dir = tempfile::tempdir().expect("tempdir");
    let outbox = dir.path().join("outbox");
    let o = outbox.clone();
    let configure = move |c: &mut kontor_server::Config| {
        c.mail = MailConfig {
            transport: MailTransport::Files(o.clone()),
            poll: Duration::from_millis(100),
            ..MailConfig::default()
        };
    };
    check_with(&configure, move |env| {
        let outbox = outbox.clone();
        async move {
            let count_eml = || {
                std::fs::read_dir(&outbox)
                    .map(|d| {
                        d.filter_map(Result::ok)
                            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                            .count()
                    })
                    .unwrap_or(0)
            };
            let before = count_eml();
            env.client
                .request_password_reset(&reset_request(&env.seed.owner_email))
                .await
                .expect("202");
            let deadline = Instant::now() + Duration::from_secs(10);
            while count_eml() == before && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            assert_eq!(count_eml(), before + 1, "{}: an .eml file", env.backend);
            let all: Vec<_> = std::fs::read_dir(&outbox)
                .expect("dir")
                .filter_map(Result::ok)
                .collect();
            assert!(
                all.iter()
                    .all(|e| e.path().extension().is_some_and(|x| x == "eml")),
                "no temp files left"
            );
        }
    })
    .await;
}
