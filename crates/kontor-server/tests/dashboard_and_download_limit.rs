//! Who sees amounts on the dashboard: the summaries of Admin and User carry none; Owner and Billing see the
//! next invoice (issue 8). On SQLite and PostgreSQL.

mod common;

use common::{check, owner, seeded_session};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_users_summary_carries_no_amounts() {
    check(|env| async move {
        let owner_tok = owner(&env).await;
        let account = env.seed.account_id.clone();
        let full = env
            .client
            .dashboard(&owner_tok, &account)
            .await
            .expect("owner's summary");
        let invoice = full
            .next_invoice
            .clone()
            .expect("the owner sees the next invoice");
        assert!(invoice.amount_cents > 0, "{invoice:?}");

        // Paul Wagner is a seeded plain User; Jonas Becker an Admin, Lea Schmidt Billing.
        let user_tok = seeded_session(&env, &owner_tok, "paul.wagner").await;
        let mine = env
            .client
            .dashboard(&user_tok, &account)
            .await
            .expect("user's summary");
        assert_eq!(mine.next_invoice, None, "no amount for a plain User");
        // The same figures otherwise.
        assert_eq!(
            (mine.seats_used, mine.seats_total, mine.user_count),
            (full.seats_used, full.seats_total, full.user_count)
        );
        assert_eq!(mine.products, full.products);
        // On the wire, too: no amount field anywhere in the User's answer.
        let raw = reqwest::Client::new()
            .get(format!(
                "{}/api/v1/accounts/{account}/summary",
                env.base_url
            ))
            .bearer_auth(&user_tok)
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("body");
        assert!(!raw.contains("amount_cents"), "{raw}");

        let billing = seeded_session(&env, &owner_tok, "lea.schmidt").await;
        let s = env
            .client
            .dashboard(&billing, &account)
            .await
            .expect("summary");
        assert_eq!(
            s.next_invoice,
            Some(invoice.clone()),
            "Billing sees amounts"
        );
        let admin = seeded_session(&env, &owner_tok, "jonas.becker").await;
        let s = env
            .client
            .dashboard(&admin, &account)
            .await
            .expect("summary");
        assert_eq!(s.next_invoice, None, "no amount for an Admin");
    })
    .await;
}

/// The demo's throttled installer: with `download_limit`, a file answer is sent no faster than the limit
/// (and still complete); without it, the same bytes come at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_limit_slows_the_file_answer_to_that_rate() {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use kontor_client::PortalClient;
    use kontor_server::seed::seed_demo;
    use sha2::{Digest, Sha256};

    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("portal.db").display());
    let db = kontor_server::open_database(&url).await.expect("db");
    let seed = seed_demo(db.as_ref(), &common::seed_options())
        .await
        .expect("seed");
    let installers = dir.path().join("installers");
    kontor_server::installers::seed_demo_installers(db.as_ref(), &installers, common::T0)
        .await
        .expect("installers");
    for limit in [None, Some(1_000_000u64)] {
        let mut config = kontor_server::Config::new(&url, "127.0.0.1:0".parse().expect("addr"));
        config.installers_dir = Some(installers.clone());
        config.releases_dir = Some(dir.path().join("releases"));
        config.download_limit = limit;
        let server = kontor_server::start_with(
            config,
            db.clone(),
            Arc::new(kontor_server::ManualClock::new(common::T0)),
        )
        .await
        .expect("start");
        let client = PortalClient::new(&server.base_url()).expect("client");
        let tok = client
            .login_password(&common::login(&seed.owner_email, &seed.owner_password))
            .await
            .expect("sign in")
            .access_token;
        let list = client
            .installers(&tok, &seed.account_id)
            .await
            .expect("installers");
        let inst = list.installers.first().expect("an installer").clone();
        // The last 600,000 bytes: 0.6 s at 1 MB/s.
        let from = inst.size - 600_000;
        let started = Instant::now();
        let resp = client
            .installer_file(&tok, &seed.account_id, &inst.id, from, None)
            .await
            .expect("file");
        assert_eq!(resp.status().as_u16(), 206);
        let tail = resp.bytes().await.expect("bytes");
        let took = started.elapsed();
        assert_eq!(tail.len(), 600_000);
        let whole = std::fs::read(installers.join(&inst.sha256)).expect("stored");
        assert_eq!(
            Sha256::digest(&tail),
            Sha256::digest(&whole[from as usize..]),
            "the same bytes"
        );
        match limit {
            Some(_) => assert!(took >= Duration::from_millis(550), "throttled: {took:?}"),
            None => assert!(took < Duration::from_millis(550), "not throttled: {took:?}"),
        }
        server.shutdown().await;
    }
    db.close().await;
}
