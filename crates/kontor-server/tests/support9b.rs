//! Help and support, the rest (issue 9, support9b): the vendor closing a ticket mails its author in their
//! language (a real SMTP listener) and audits `support.ticket_closed` in the same transaction; a user
//! downloads the attachments of their own tickets, and nobody else's (another user's → 404, another
//! account's → 404, not 403). SQLite and PostgreSQL.

mod common;

use base64::Engine;
use common::smtp::SmtpSink;
use common::{api_error, check, deliver, login, mailer, owner, seed_options, Env};
use kontor_api::{
    ChangePassword, CreateUsers, ErrorCode, NewAttachment, NewTicket, NewUser, Role,
    SupportCategory, TicketStatus, UpdateProfile,
};
use kontor_server::seed::{seed_demo, SeedOptions};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn ticket(subject: &str, files: &[(&str, &[u8])]) -> NewTicket {
    NewTicket {
        category: SupportCategory::Problem,
        subject: subject.to_string(),
        message: "Please help.".to_string(),
        contact_phone: None,
        attachments: files
            .iter()
            .map(|(name, bytes)| NewAttachment {
                file_name: name.to_string(),
                data_base64: b64(bytes),
            })
            .collect(),
        diagnostics: None,
    }
}

/// A session of a new user of the seeded account (`role`, name `name`), password replaced.
async fn session_as(env: &Env, owner_tok: &str, role: Role, local: &str, name: &str) -> String {
    let email = format!("{local}@muster.example");
    let created = env
        .client
        .create_users(
            owner_tok,
            &env.seed.account_id,
            &CreateUsers {
                users: vec![NewUser {
                    email: email.clone(),
                    display_name: name.to_string(),
                    role,
                    location_id: None,
                    licenses: vec![],
                }],
            },
        )
        .await
        .expect("create")
        .created
        .remove(0);
    let s = env
        .client
        .login_password(&login(&email, &created.temporary_password))
        .await
        .expect("sign in");
    env.client
        .change_password(
            &s.access_token,
            &ChangePassword {
                current_password: created.temporary_password,
                new_password: "a-Brand-new-passw0rd".to_string(),
            },
        )
        .await
        .expect("change password");
    s.access_token
}

fn now(env: &Env) -> i64 {
    use kontor_server::Clock;
    env.clock.now()
}

#[tokio::test]
async fn closing_a_ticket_mails_its_author_in_their_language_and_is_audited() {
    check(|env| async move {
        let sink = SmtpSink::start().await;
        let m = mailer(&sink);
        let owner_tok = owner(&env).await;
        // An English-speaking user files one ticket, the (German) owner another.
        let user_tok = session_as(&env, &owner_tok, Role::User, "ella", "Ella English").await;
        env.client
            .update_profile(
                &user_tok,
                &UpdateProfile {
                    display_name: "Ella English".to_string(),
                    language: "en".to_string(),
                },
            )
            .await
            .expect("language en");
        let en = env
            .client
            .create_support_ticket(
                &user_tok,
                &env.seed.account_id,
                &ticket("Export stops", &[]),
            )
            .await
            .expect("ticket");
        let de = env
            .client
            .create_support_ticket(
                &owner_tok,
                &env.seed.account_id,
                &ticket("Lizenzen fehlen", &[]),
            )
            .await
            .expect("ticket");
        // The four mails of filing (support address and confirmation, twice) go out first.
        assert_eq!(
            deliver(&env, &m, &sink, 4).await.len(),
            4,
            "{}",
            env.backend
        );

        // Closed by reference: a note to the author, in English.
        let closed = kontor_server::support::close_ticket(
            env.db.as_ref(),
            "Test Vendor",
            &en.reference,
            now(&env),
        )
        .await
        .expect("db")
        .expect("an open ticket");
        assert_eq!(closed.reference, en.reference);
        assert!(closed.mailed);
        let mails = deliver(&env, &m, &sink, 5).await;
        assert_eq!(mails.len(), 5, "{}: one more mail", env.backend);
        let note = &mails[4];
        assert_eq!(note.to, vec!["<ella@muster.example>".to_string()]);
        let subject = note.header("Subject").expect("subject");
        assert!(subject.contains(&en.reference), "{subject}");
        let text = note.part("text/plain").expect("text");
        assert!(text.contains("Hello Ella English,"), "{text}");
        assert!(
            text.contains("we have closed your request \"Export stops\""),
            "{text}"
        );
        assert!(text.contains(&en.reference));
        let html = note.part("text/html").expect("html");
        assert!(html.contains(&en.reference) && html.contains("Export stops"));

        // By id too; the owner's language is German.
        let closed =
            kontor_server::support::close_ticket(env.db.as_ref(), "Test Vendor", &de.id, now(&env))
                .await
                .expect("db")
                .expect("an open ticket");
        assert_eq!(closed.reference, de.reference);
        let mails = deliver(&env, &m, &sink, 6).await;
        assert_eq!(mails.len(), 6);
        let note = &mails[5];
        assert_eq!(note.to, vec![format!("<{}>", env.seed.owner_email)]);
        let text = note.part("text/plain").expect("text");
        assert!(
            text.contains("Hallo") && text.contains("„Lizenzen fehlen“ abgeschlossen"),
            "{text}"
        );
        assert!(text.contains(&de.reference));

        // A closed ticket cannot be closed again: no second mail, no second audit entry.
        let again = kontor_server::support::close_ticket(
            env.db.as_ref(),
            "Test Vendor",
            &en.reference,
            now(&env),
        )
        .await
        .expect("db");
        assert_eq!(again, None);
        assert!(
            kontor_server::support::close_ticket(env.db.as_ref(), "V", "T-00000000", 1)
                .await
                .expect("db")
                .is_none()
        );
        assert_eq!(
            deliver(&env, &m, &sink, 7).await.len(),
            6,
            "nothing more queued"
        );

        // Audited (actor: the vendor's CLI), the chain intact; the users see their tickets closed.
        let events = env
            .db
            .audit_events(&env.seed.account_id)
            .await
            .expect("audit");
        let closed_events: Vec<_> = events
            .iter()
            .filter(|e| e.event == "support.ticket_closed")
            .collect();
        assert_eq!(closed_events.len(), 2, "{}", env.backend);
        assert_eq!(
            closed_events[0].target.as_deref(),
            Some(en.reference.as_str())
        );
        assert_eq!(closed_events[0].actor_user_id, None);
        assert_eq!(
            closed_events[1].target.as_deref(),
            Some(de.reference.as_str())
        );
        let checks = env
            .db
            .audit_verify(Some(&env.seed.account_id))
            .await
            .expect("verify");
        assert!(checks.iter().all(|c| c.broken.is_none()), "{checks:?}");
        let list = env
            .client
            .support_tickets(&user_tok, &env.seed.account_id)
            .await
            .expect("list");
        assert_eq!(list.tickets[0].status, TicketStatus::Closed);
    })
    .await;
}

#[tokio::test]
async fn a_user_downloads_their_own_attachments_and_nobody_elses() {
    check(|env| async move {
        let owner_tok = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let log = b"line 1\nline 2 <&>\n".to_vec();
        let png: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
        let t = env
            .client
            .create_support_ticket(
                &owner_tok,
                &acc,
                &ticket(
                    "With files",
                    &[("kontor.log", &log), ("Bildschirmfoto ä 1.PNG", &png)],
                ),
            )
            .await
            .expect("ticket");
        for (i, want) in [&log, &png].into_iter().enumerate() {
            let got = env
                .client
                .support_attachment(&owner_tok, &acc, &t.id, i as u32)
                .await
                .expect("attachment");
            assert_eq!(&got, want, "{}: attachment {i}", env.backend);
        }
        // The HTTP answer: the stored content type, the name in Content-Disposition, never cached.
        let resp = reqwest::Client::new()
            .get(format!(
                "{}/api/v1/accounts/{acc}/support/tickets/{}/attachments/1",
                env.base_url, t.id
            ))
            .bearer_auth(&owner_tok)
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status().as_u16(), 200);
        let header = |n: &str| {
            resp.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(header("content-type"), "image/png");
        assert_eq!(header("cache-control"), "no-store");
        let cd = header("content-disposition");
        assert!(
            cd.starts_with("attachment; filename=\"Bildschirmfoto _ 1.PNG\""),
            "{cd}"
        );
        assert!(
            cd.contains("filename*=UTF-8''Bildschirmfoto%20%C3%A4%201.PNG"),
            "{cd}"
        );

        let not_found = |r: Result<Vec<u8>, kontor_client::ClientError>, what: &str| {
            let (status, body) = api_error(r);
            assert_eq!((status, body.code), (404, ErrorCode::NotFound), "{what}");
        };
        // No such attachment, or not a number.
        not_found(
            env.client
                .support_attachment(&owner_tok, &acc, &t.id, 2)
                .await,
            "index 2",
        );
        not_found(
            env.client
                .support_attachment(&owner_tok, &acc, &t.id, 99)
                .await,
            "index 99",
        );
        let status = reqwest::Client::new()
            .get(format!(
                "{}/api/v1/accounts/{acc}/support/tickets/{}/attachments/x",
                env.base_url, t.id
            ))
            .bearer_auth(&owner_tok)
            .send()
            .await
            .expect("send")
            .status()
            .as_u16();
        assert_eq!(status, 404, "a non-numeric index");
        // Without a session: 401.
        let (status, _) = api_error(env.client.support_attachment("nope", &acc, &t.id, 0).await);
        assert_eq!(status, 401);
        // Another user of the same account (even an Admin) does not see the owner's ticket: 404.
        let admin_tok = session_as(&env, &owner_tok, Role::Admin, "ada", "Ada Admin").await;
        not_found(
            env.client
                .support_attachment(&admin_tok, &acc, &t.id, 0)
                .await,
            "another user's ticket",
        );

        // Another account's ticket: 404 with the own account id and with theirs, never 403.
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
        let b_tok = env
            .client
            .login_password(&login(&b.owner_email, "Other-Passw0rd!"))
            .await
            .expect("B signs in")
            .access_token;
        let theirs = env
            .client
            .create_support_ticket(
                &b_tok,
                &b.account_id,
                &ticket("B's", &[("b.txt", b"secret of B")]),
            )
            .await
            .expect("B's ticket");
        assert_eq!(
            env.client
                .support_attachment(&b_tok, &b.account_id, &theirs.id, 0)
                .await
                .expect("B reads their own"),
            b"secret of B".to_vec()
        );
        not_found(
            env.client
                .support_attachment(&owner_tok, &acc, &theirs.id, 0)
                .await,
            "B's ticket under A's account",
        );
        not_found(
            env.client
                .support_attachment(&owner_tok, &b.account_id, &theirs.id, 0)
                .await,
            "B's account",
        );
        not_found(
            env.client
                .support_attachment(&b_tok, &b.account_id, &t.id, 0)
                .await,
            "A's ticket under B's account",
        );
    })
    .await;
}
