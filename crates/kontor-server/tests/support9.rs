//! Help and support (issue 9, support9): help links, support tickets created, listed (only the own ones),
//! mailed to the vendor's support address and confirmed to the user through the outbox (a real SMTP
//! listener), audited, and bad input refused at its field. SQLite and PostgreSQL.

mod common;

use base64::Engine;
use common::smtp::SmtpSink;
use common::{api_error, check, deliver, login, mailer, owner, Env};
use kontor_api::support::{AttachmentProblem, MAX_ATTACHMENTS_BYTES};
use kontor_api::{
    ChangePassword, CreateUsers, Diagnostics, ErrorCode, ErrorDetail, FieldProblem, NewAttachment,
    NewTicket, NewUser, Role, SupportCategory, TicketStatus,
};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn ticket(subject: &str, message: &str) -> NewTicket {
    NewTicket {
        category: SupportCategory::Problem,
        subject: subject.to_string(),
        message: message.to_string(),
        contact_phone: Some("+49 30 1234-567".to_string()),
        attachments: vec![],
        diagnostics: None,
    }
}

/// A session of a new user of the seeded account with `role`.
async fn session_as(env: &Env, owner_tok: &str, role: Role, local: &str) -> String {
    let email = format!("{local}@muster.example");
    let created = env
        .client
        .create_users(
            owner_tok,
            &env.seed.account_id,
            &CreateUsers {
                users: vec![NewUser {
                    email: email.clone(),
                    display_name: "Uli User".to_string(),
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

async fn attachment_bytes(env: &Env, ticket_id: &str) -> Vec<(String, Vec<u8>)> {
    let q =
        "SELECT file_name, data FROM support_attachments WHERE ticket_id = $1 ORDER BY position";
    if env.backend == "sqlite" {
        let pool = sqlx::SqlitePool::connect(&env.db_url)
            .await
            .expect("sqlite");
        let rows: Vec<(String, Vec<u8>)> = sqlx::query_as(q)
            .bind(ticket_id)
            .fetch_all(&pool)
            .await
            .expect("sql");
        pool.close().await;
        rows
    } else {
        let pool = sqlx::PgPool::connect(&env.db_url).await.expect("pg");
        let rows: Vec<(String, Vec<u8>)> = sqlx::query_as(q)
            .bind(ticket_id)
            .fetch_all(&pool)
            .await
            .expect("sql");
        pool.close().await;
        rows
    }
}

#[tokio::test]
async fn help_links_come_from_the_vendor_profile() {
    check(|env| async move {
        let tok = owner(&env).await;
        let links = env.client.help_links(&tok).await.expect("help");
        let demo = kontor_server::vendor::VendorProfile::demo().support.links();
        assert_eq!(links, demo, "{}", env.backend);
        assert_eq!(links.all().len(), 4);
        assert!(links.all().iter().all(|l| l.starts_with("https://")));
        let (status, _) = api_error(env.client.help_links("not-a-token").await);
        assert_eq!(status, 401);
    })
    .await;
}

#[tokio::test]
async fn a_ticket_is_stored_listed_audited_and_mailed_to_vendor_and_user() {
    check(|env| async move {
        let sink = SmtpSink::start().await;
        let m = mailer(&sink);
        let tok = owner(&env).await;
        let log = b"line 1\nline 2 <&>\n".to_vec();
        let png = vec![0x89, b'P', b'N', b'G', 1, 2, 3];
        let mut req = ticket(
            "Export <fails>",
            "The CSV export stops at 50 %.\nSecond line.",
        );
        req.attachments = vec![
            NewAttachment {
                file_name: "kontor.log".to_string(),
                data_base64: b64(&log),
            },
            NewAttachment {
                file_name: "Screenshot 1.PNG".to_string(),
                data_base64: b64(&png),
            },
        ];
        req.diagnostics = Some(Diagnostics {
            app_version: "0.1.0".to_string(),
            os: "linux x86_64".to_string(),
            portal_url: "http://127.0.0.1:1".to_string(),
        });
        let t = env
            .client
            .create_support_ticket(&tok, &env.seed.account_id, &req)
            .await
            .expect("ticket created");
        assert!(t.reference.starts_with("T-") && t.reference.len() == 10);
        assert_eq!(t.status, TicketStatus::Open);
        assert_eq!(t.subject, "Export <fails>");
        assert_eq!(
            t.attachments
                .iter()
                .map(|a| (a.file_name.as_str(), a.size))
                .collect::<Vec<_>>(),
            vec![("kontor.log", log.len() as u64), ("Screenshot 1.PNG", 7)]
        );

        // Listed with its status; the bytes are stored as sent.
        let list = env
            .client
            .support_tickets(&tok, &env.seed.account_id)
            .await
            .expect("list");
        assert_eq!(list.tickets, vec![t.clone()], "{}", env.backend);
        let stored = attachment_bytes(&env, &t.id).await;
        assert_eq!(
            stored,
            vec![
                ("kontor.log".to_string(), log.clone()),
                ("Screenshot 1.PNG".to_string(), png.clone())
            ]
        );

        // Audited as support.ticket_created with the reference.
        let events = env
            .db
            .audit_events(&env.seed.account_id)
            .await
            .expect("audit");
        let e = events
            .iter()
            .find(|e| e.event == "support.ticket_created")
            .expect("audit event");
        assert_eq!(e.target.as_deref(), Some(t.reference.as_str()));

        // Two mails: to the vendor's support address (German: the demo vendor is in DE) and to the user.
        let mails = deliver(&env, &m, &sink, 2).await;
        assert_eq!(mails.len(), 2, "{}: two mails", env.backend);
        let to_vendor = mails
            .iter()
            .find(|m| m.to == vec!["<support@demo.invalid>".to_string()])
            .expect("mail to the support address");
        let text = to_vendor.part("text/plain").expect("text");
        assert!(text.contains(&t.reference));
        assert!(text.contains("The CSV export stops at 50 %."));
        assert!(text.contains("kontor.log (18 bytes)"));
        assert!(text.contains("app_version: 0.1.0"));
        assert!(text.contains("+49 30 1234-567"));
        let html = to_vendor.part("text/html").expect("html");
        assert!(html.contains("Export &lt;fails&gt;"), "escaped in HTML");
        let to_user = mails
            .iter()
            .find(|m| m.to == vec![format!("<{}>", env.seed.owner_email)])
            .expect("confirmation to the user");
        let text = to_user.part("text/plain").expect("text");
        assert!(text.contains("Hallo") && text.contains(&t.reference));
        assert!(to_user.part("text/html").is_some());
    })
    .await;
}

#[tokio::test]
async fn a_user_sees_only_their_own_tickets_and_never_another_accounts() {
    check(|env| async move {
        let owner_tok = owner(&env).await;
        let user_tok = session_as(&env, &owner_tok, Role::User, "uli").await;
        let mine = env
            .client
            .create_support_ticket(&user_tok, &env.seed.account_id, &ticket("Mine", "m"))
            .await
            .expect("a User may file tickets");
        env.client
            .create_support_ticket(&owner_tok, &env.seed.account_id, &ticket("Owner's", "o"))
            .await
            .expect("owner's ticket");
        let list = env
            .client
            .support_tickets(&user_tok, &env.seed.account_id)
            .await
            .expect("list");
        assert_eq!(list.tickets, vec![mine], "{}", env.backend);
        let owners = env
            .client
            .support_tickets(&owner_tok, &env.seed.account_id)
            .await
            .expect("list");
        assert_eq!(owners.tickets.len(), 1);
        assert_eq!(owners.tickets[0].subject, "Owner's");
        // Another account's id: 404 like an unknown one, for listing and creating.
        let (status, body) =
            api_error(env.client.support_tickets(&user_tok, "other-account").await);
        assert_eq!((status, body.code), (404, ErrorCode::NotFound));
        let (status, _) = api_error(
            env.client
                .create_support_ticket(&user_tok, "other-account", &ticket("x", "y"))
                .await,
        );
        assert_eq!(status, 404);
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_refused_at_its_field_and_nothing_is_stored() {
    check(|env| async move {
        let tok = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let refused = |r: Result<kontor_api::Ticket, kontor_client::ClientError>| {
            let (status, body) = api_error(r);
            assert_eq!(status, 422, "{body:?}");
            body.detail.expect("a detail")
        };
        let d = refused(
            env.client
                .create_support_ticket(&tok, &acc, &ticket("S", "  "))
                .await,
        );
        assert_eq!(
            d,
            ErrorDetail::Field {
                field: "message".into(),
                row: None,
                problem: FieldProblem::Required
            }
        );
        let d = refused(
            env.client
                .create_support_ticket(&tok, &acc, &ticket("", "m"))
                .await,
        );
        assert!(matches!(d, ErrorDetail::Field { ref field, .. } if field == "subject"));
        let mut bad_phone = ticket("S", "m");
        bad_phone.contact_phone = Some("call me".into());
        let d = refused(
            env.client
                .create_support_ticket(&tok, &acc, &bad_phone)
                .await,
        );
        assert!(matches!(d, ErrorDetail::Field { ref field, .. } if field == "contact_phone"));

        let file = |name: &str, bytes: &[u8]| NewAttachment {
            file_name: name.to_string(),
            data_base64: b64(bytes),
        };
        let mut too_many = ticket("S", "m");
        too_many.attachments = (0..6).map(|i| file(&format!("{i}.txt"), b"x")).collect();
        assert_eq!(
            refused(
                env.client
                    .create_support_ticket(&tok, &acc, &too_many)
                    .await
            ),
            ErrorDetail::Attachments {
                file_name: None,
                problem: AttachmentProblem::TooMany { max: 5 }
            }
        );
        // 10 MB + 1 byte in two files: too large (the body itself is within its 15 MB limit).
        let half = vec![7u8; (MAX_ATTACHMENTS_BYTES / 2) as usize];
        let mut too_large = ticket("S", "m");
        too_large.attachments = vec![
            file("a.pdf", &half),
            file("b.pdf", &[&half[..], &[1]].concat()),
        ];
        assert_eq!(
            refused(
                env.client
                    .create_support_ticket(&tok, &acc, &too_large)
                    .await
            ),
            ErrorDetail::Attachments {
                file_name: None,
                problem: AttachmentProblem::TooLarge {
                    max_bytes: MAX_ATTACHMENTS_BYTES
                }
            }
        );
        // Exactly 10 MB is fine.
        let mut at_limit = ticket("At the limit", "m");
        at_limit.attachments = vec![file("a.pdf", &half), file("b.pdf", &half)];
        env.client
            .create_support_ticket(&tok, &acc, &at_limit)
            .await
            .expect("10 MB together is allowed");
        for (name, problem) in [
            ("setup.exe", AttachmentProblem::NotAllowed),
            ("../../etc/passwd.txt", AttachmentProblem::NotAllowed),
            ("empty.txt", AttachmentProblem::Unreadable),
        ] {
            let mut t = ticket("S", "m");
            t.attachments = vec![file(name, if name == "empty.txt" { b"" } else { b"x" })];
            assert_eq!(
                refused(env.client.create_support_ticket(&tok, &acc, &t).await),
                ErrorDetail::Attachments {
                    file_name: Some(name.to_string()),
                    problem
                },
                "{name}"
            );
        }
        let mut garbled = ticket("S", "m");
        garbled.attachments = vec![NewAttachment {
            file_name: "a.txt".into(),
            data_base64: "***".into(),
        }];
        assert!(matches!(
            refused(env.client.create_support_ticket(&tok, &acc, &garbled).await),
            ErrorDetail::Attachments {
                problem: AttachmentProblem::Unreadable,
                ..
            }
        ));
        // A body over the route's 15 MB limit is refused (413 `payload_too_large`) before it is read whole.
        let huge = serde_json::json!({
            "category": "problem", "subject": "S", "message": "m",
            "attachments": [{"file_name": "a.txt", "data_base64": "A".repeat(16 * 1024 * 1024)}]
        });
        let status = reqwest::Client::new()
            .post(format!(
                "{}/api/v1/accounts/{acc}/support/tickets",
                env.base_url
            ))
            .bearer_auth(&tok)
            .json(&huge)
            .send()
            .await
            .map(|r| r.status().as_u16());
        assert!(
            matches!(status, Ok(413) | Err(_)),
            "{}: over the body limit: {status:?}",
            env.backend
        );
        let list = env.client.support_tickets(&tok, &acc).await.expect("list");
        assert_eq!(
            list.tickets
                .iter()
                .map(|t| t.subject.as_str())
                .collect::<Vec<_>>(),
            vec!["At the limit"],
            "only the valid ticket is stored"
        );
    })
    .await;
}

#[tokio::test]
async fn ticket_creation_is_limited_per_user_and_ip() {
    check(|env| async move {
        let tok = owner(&env).await;
        for i in 0..10 {
            env.client
                .create_support_ticket(&tok, &env.seed.account_id, &ticket(&format!("T{i}"), "m"))
                .await
                .expect("within the limit");
        }
        let (status, body) = api_error(
            env.client
                .create_support_ticket(&tok, &env.seed.account_id, &ticket("T10", "m"))
                .await,
        );
        assert_eq!(
            (status, body.code),
            (429, ErrorCode::RateLimited),
            "{}",
            env.backend
        );
        assert!(matches!(body.detail, Some(ErrorDetail::Wait { .. })));
        // An hour later it works again (with a new session: the first one's access token has expired).
        env.clock.advance(3_600 + 300);
        let tok = owner(&env).await;
        env.client
            .create_support_ticket(&tok, &env.seed.account_id, &ticket("Later", "m"))
            .await
            .expect("after the window");
    })
    .await;
}

/// The vendor's CLI lists the filed tickets and closes one; the user then sees it closed (SQLite file; the
/// server is stopped first, as it holds the file's lock).
#[tokio::test]
async fn the_vendor_lists_and_closes_tickets_with_the_cli() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("kontor.sqlite").display());
    let db = kontor_server::open_database(&url).await.expect("open");
    let seed = kontor_server::seed::seed_demo(db.as_ref(), &common::seed_options())
        .await
        .expect("seed");
    let owner = db
        .user_by_email(&seed.owner_email)
        .await
        .expect("db")
        .expect("owner");
    let actor = kontor_server::domain::Actor {
        account_id: seed.account_id.clone(),
        user_id: owner.id.clone(),
        system: None,
        ip: Some("127.0.0.1".into()),
        at: common::T0,
    };
    let t = kontor_server::support::create_ticket(
        db.as_ref(),
        &kontor_server::vendor::VendorProfile::demo(),
        "Test Vendor",
        &actor,
        ticket("Licenses missing", "Two seats are gone."),
    )
    .await
    .expect("db")
    .expect("created");
    db.close().await;
    drop(db);

    let bin = env!("CARGO_BIN_EXE_kontor-server");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(bin)
            .args(args)
            .args(["--database-url", &url])
            .output()
            .expect("run kontor-server");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, listed) = run(&["tickets", "list"]);
    assert_eq!(code, Some(0));
    assert!(
        listed.contains(&t.reference) && listed.contains("\topen\t"),
        "{listed}"
    );
    assert!(listed.contains("Licenses missing") && listed.contains(&seed.owner_email));
    assert_eq!(run(&["tickets", "close", &t.reference]).0, Some(0));
    assert_eq!(
        run(&["tickets", "close", &t.reference]).0,
        Some(1),
        "already closed"
    );
    assert!(
        !run(&["tickets", "list"]).1.contains(&t.reference),
        "open only by default"
    );
    assert!(run(&["tickets", "list", "--all"]).1.contains("\tclosed\t"));

    let db = kontor_server::open_database(&url).await.expect("reopen");
    let list = kontor_server::support::list_tickets(db.as_ref(), &seed.account_id, &owner.id)
        .await
        .expect("list");
    assert_eq!(list.tickets[0].status, TicketStatus::Closed);
    // support9b: the CLI's close queued the note to the author and audited it.
    let events = db.audit_events(&seed.account_id).await.expect("audit");
    assert!(events
        .iter()
        .any(|e| e.event == "support.ticket_closed" && e.target.as_deref() == Some(&t.reference)));
    db.close().await;
    let pool = sqlx::SqlitePool::connect(&url).await.expect("sqlite");
    let queued: Vec<(String, String)> = sqlx::query_as(
        "SELECT recipient, subject FROM outbox WHERE kind = 'support_ticket_closed'",
    )
    .fetch_all(&pool)
    .await
    .expect("outbox");
    pool.close().await;
    assert_eq!(queued.len(), 1, "one note, not one per close attempt");
    assert_eq!(queued[0].0, seed.owner_email);
    assert!(queued[0].1.contains(&t.reference), "{queued:?}");
}
