//! Offline licenses end to end: the real server driven through `kontor_client` on SQLite and PostgreSQL, every
//! issued license verified with `kontor_license::verify` against the key from `/api/license/public-key`.

mod common;

use std::sync::Arc;

use common::{api_error, check, login, owner, seeded_session, Env, T0};
use kontor_api::{ActivationRequestUpload, OfflineLicense};
use kontor_license::{
    fingerprint_from_machine_id, verify, ActivationRequest, LicenseError, LicensePayload,
    PublicKey, VerifyOptions,
};
use kontor_server::licensing::{term_end, KEY_FILE_NAME};
use kontor_server::seed::{seed_demo, SeedOptions};
use kontor_server::{open_database, start_with, Config, ManualClock};

async fn public_key(env: &Env) -> PublicKey {
    let k = env.client.license_public_key().await.expect("public key");
    let pk = PublicKey::parse(&k.public_key).expect("kontor-ed25519 key");
    assert_eq!(pk.key_id(), k.key_id);
    pk
}

fn request(machine_id: &str, hostname: &str) -> (String, ActivationRequestUpload) {
    let fp = fingerprint_from_machine_id(machine_id);
    let req = ActivationRequest {
        format: 1,
        fingerprint: fp.clone(),
        hostname: hostname.to_string(),
        created_at: T0,
    };
    (
        fp,
        ActivationRequestUpload {
            request: req.to_armored(),
        },
    )
}

fn check_license(
    pk: &PublicKey,
    l: &OfflineLicense,
    now: i64,
    machine: Option<&str>,
) -> Result<LicensePayload, LicenseError> {
    verify(
        &l.text,
        std::slice::from_ref(pk),
        VerifyOptions { now, machine },
    )
}

async fn audit_names(env: &Env) -> Vec<(String, Option<String>)> {
    env.db
        .audit_events(&env.seed.account_id)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.event.starts_with("offline_license."))
        .map(|e| (e.event, e.target))
        .collect()
}

#[tokio::test]
async fn account_license_carries_the_subscription_and_verifies() {
    check(|env| async move {
        let tok = owner(&env).await;
        let acc = env.seed.account_id.as_str();
        let pk = public_key(&env).await;
        let summary = env.client.dashboard(&tok, acc).await.expect("summary");

        let lic = env
            .client
            .issue_offline_license(&tok, acc)
            .await
            .expect("issue");
        let expires = term_end(summary.license_expires_on.as_deref().expect("term")).expect("date");
        assert_eq!(lic.info.machine, None);
        assert_eq!(lic.info.issued_at, T0);
        assert_eq!(lic.info.expires_at, expires);
        let p = check_license(&pk, &lic, T0, Some(&"0".repeat(64))).expect("verifies anywhere");
        assert_eq!(p.license_id, lic.info.license_id);
        assert!(uuid::Uuid::parse_str(&p.license_id).is_ok());
        assert_eq!(p.account_id, acc);
        assert_eq!(p.customer_name, summary.account.name);
        assert_eq!((p.issued_at, p.not_before, p.expires_at), (T0, T0, expires));
        assert_eq!(p.machine, None);
        let got: Vec<(String, String, i64)> = p
            .products
            .iter()
            .map(|e| {
                (
                    e.product_code.clone(),
                    e.product_name.clone(),
                    i64::from(e.seats),
                )
            })
            .collect();
        let want: Vec<(String, String, i64)> = summary
            .products
            .iter()
            .map(|s| {
                (
                    s.product_code.clone(),
                    s.product_name.clone(),
                    s.seats_total,
                )
            })
            .collect();
        assert_eq!(got, want);
        assert!(!got.is_empty());
        // Valid until the end of the term's last day, not a second longer.
        assert!(check_license(&pk, &lic, expires - 1, None).is_ok());
        assert!(matches!(
            check_license(&pk, &lic, expires, None),
            Err(LicenseError::Expired { .. })
        ));

        let st = env
            .client
            .offline_license_status(&tok, acc)
            .await
            .expect("status");
        assert_eq!(st.license_expires_on, summary.license_expires_on);
        assert_eq!(st.products, summary.products);
        assert_eq!((st.activations_used, st.activations_max), (0, 5));
        assert_eq!(st.licenses, vec![lic.info.clone()]);
        assert_eq!(
            audit_names(&env).await,
            vec![(
                "offline_license.issued".to_string(),
                Some(lic.info.license_id.clone())
            )]
        );
    })
    .await;
}

#[tokio::test]
async fn activation_binds_reactivation_is_free_and_the_limit_holds() {
    check(|env| async move {
        let tok = owner(&env).await;
        let acc = env.seed.account_id.as_str();
        let pk = public_key(&env).await;

        let (fp_a, req_a) = request("machine-a", "host-a");
        let a1 = env
            .client
            .activate_machine(&tok, acc, &req_a)
            .await
            .expect("activate a");
        assert_eq!(a1.info.machine.as_deref(), Some(fp_a.as_str()));
        assert_eq!(a1.info.hostname.as_deref(), Some("host-a"));
        let p = check_license(&pk, &a1, T0, Some(&fp_a)).expect("verifies on machine a");
        assert_eq!(p.machine.as_deref(), Some(fp_a.as_str()));
        let other = fingerprint_from_machine_id("machine-b");
        assert!(matches!(
            check_license(&pk, &a1, T0, Some(&other)),
            Err(LicenseError::BoundToOtherMachine { .. })
        ));

        // The same machine again: a new license, the old one revoked, still one activation.
        env.clock.advance(60);
        let a2 = env
            .client
            .activate_machine(&tok, acc, &req_a)
            .await
            .expect("re-activate a");
        assert_ne!(a2.info.license_id, a1.info.license_id);
        check_license(&pk, &a2, T0 + 60, Some(&fp_a)).expect("new license verifies");
        let st = env
            .client
            .offline_license_status(&tok, acc)
            .await
            .expect("status");
        assert_eq!(st.activations_used, 1);
        assert_eq!(st.licenses.len(), 2);
        assert_eq!(
            st.licenses[0].license_id, a2.info.license_id,
            "newest first"
        );
        assert_eq!(st.licenses[1].revoked_at, Some(T0 + 60));

        // Four more machines fill the limit of 5; a sixth is refused and nothing is issued.
        for i in 0..4 {
            let (_, r) = request(&format!("machine-{i}"), &format!("host-{i}"));
            env.client
                .activate_machine(&tok, acc, &r)
                .await
                .expect("activate");
        }
        let (fp_x, req_x) = request("machine-x", "host-x");
        let (status, body) = api_error(env.client.activate_machine(&tok, acc, &req_x).await);
        assert_eq!(status, 409);
        assert_eq!(body.code, kontor_api::ErrorCode::Conflict);
        assert_eq!(
            body.message,
            "activation limit reached (5 of 5 machines); revoke one first"
        );
        let st = env
            .client
            .offline_license_status(&tok, acc)
            .await
            .expect("status");
        assert_eq!((st.activations_used, st.activations_max), (5, 5));
        assert_eq!(st.licenses.len(), 6);
        assert!(st
            .licenses
            .iter()
            .all(|l| l.machine.as_deref() != Some(fp_x.as_str())));
        // An already activated machine may still renew its license at the limit.
        env.client
            .activate_machine(&tok, acc, &req_a)
            .await
            .expect("renew at the limit");
        // The account-wide license does not count.
        env.client
            .issue_offline_license(&tok, acc)
            .await
            .expect("account license");

        // Revoking frees a slot; revoking again changes nothing.
        let victim = st.licenses[0].license_id.clone();
        env.client
            .revoke_offline_license(&tok, acc, &victim)
            .await
            .expect("revoke");
        env.client
            .revoke_offline_license(&tok, acc, &victim)
            .await
            .expect("revoke again");
        let st = env
            .client
            .offline_license_status(&tok, acc)
            .await
            .expect("status");
        assert_eq!(st.activations_used, 4);
        let x = env
            .client
            .activate_machine(&tok, acc, &req_x)
            .await
            .expect("slot freed");
        check_license(&pk, &x, T0 + 60, Some(&fp_x)).expect("verifies on x");

        let events = audit_names(&env).await;
        let count = |name: &str| events.iter().filter(|(e, _)| e == name).count();
        assert_eq!(count("offline_license.activated"), 8);
        assert_eq!(count("offline_license.issued"), 1);
        // Two renewals of machine a and one revocation (the second revoke wrote nothing).
        assert_eq!(count("offline_license.revoked"), 3);
        assert!(events.contains(&("offline_license.revoked".to_string(), Some(victim))));

        // Unusable requests: 422 with the reason.
        let bad = ActivationRequestUpload {
            request: "hello".to_string(),
        };
        let (status, body) = api_error(env.client.activate_machine(&tok, acc, &bad).await);
        assert_eq!(status, 422);
        assert!(
            body.message.contains("activation request"),
            "{}",
            body.message
        );
    })
    .await;
}

#[tokio::test]
async fn roles_other_accounts_and_accounts_without_products() {
    check(|env| async move {
        let tok = owner(&env).await;
        let acc = env.seed.account_id.as_str();
        let (_, req) = request("machine-r", "host-r");

        // Admin may; Billing and User may not.
        let admin = seeded_session(&env, &tok, "jonas.becker").await;
        let lic = env
            .client
            .issue_offline_license(&admin, acc)
            .await
            .expect("admin issues");
        let billing = seeded_session(&env, &tok, "lea.schmidt").await;
        let user = seeded_session(&env, &tok, "paul.wagner").await;
        for t in [&billing, &user] {
            assert_eq!(
                api_error(env.client.offline_license_status(t, acc).await).0,
                403
            );
            assert_eq!(
                api_error(env.client.issue_offline_license(t, acc).await).0,
                403
            );
            assert_eq!(
                api_error(env.client.activate_machine(t, acc, &req).await).0,
                403
            );
            assert_eq!(
                api_error(
                    env.client
                        .revoke_offline_license(t, acc, &lic.info.license_id)
                        .await
                )
                .0,
                403
            );
        }

        // Another account: its id and its licenses are 404 to us, ours to it.
        let other = seed_demo(
            env.db.as_ref(),
            &SeedOptions {
                account_name: "Other AG".into(),
                customer_number: "K-200077".into(),
                owner_email: "boss@other.example".into(),
                now: Some(T0),
                ..SeedOptions::default()
            },
        )
        .await
        .expect("second account");
        let b = other.account_id.as_str();
        assert_eq!(
            api_error(env.client.offline_license_status(&tok, b).await).0,
            404
        );
        assert_eq!(
            api_error(env.client.issue_offline_license(&tok, b).await).0,
            404
        );
        assert_eq!(
            api_error(env.client.activate_machine(&tok, b, &req).await).0,
            404
        );
        let other_tok = env
            .client
            .login_password(&login("boss@other.example", &other.owner_password))
            .await
            .expect("other owner")
            .access_token;
        let theirs = env
            .client
            .issue_offline_license(&other_tok, b)
            .await
            .expect("theirs");
        assert_eq!(
            api_error(
                env.client
                    .revoke_offline_license(&tok, acc, &theirs.info.license_id)
                    .await
            )
            .0,
            404
        );
        assert_eq!(
            api_error(
                env.client
                    .revoke_offline_license(&other_tok, b, &lic.info.license_id)
                    .await
            )
            .0,
            404
        );
        assert_eq!(
            api_error(
                env.client
                    .revoke_offline_license(&tok, acc, "no-such-license")
                    .await
            )
            .0,
            404
        );
        let st = env
            .client
            .offline_license_status(&other_tok, b)
            .await
            .expect("status");
        assert_eq!(st.licenses.len(), 1);
        assert!(st.licenses[0].revoked_at.is_none());

        // The other account loses its products, then its subscription: 404 for its license.
        common::exec_for_account(
            &env,
            "DELETE FROM subscription_seats WHERE account_id = $1",
            b,
        )
        .await;
        let (status, body) = api_error(env.client.issue_offline_license(&other_tok, b).await);
        assert_eq!(
            (status, body.message.as_str()),
            (404, "the subscription has no products")
        );
        assert_eq!(
            api_error(env.client.activate_machine(&other_tok, b, &req).await).0,
            404
        );
        // The seeded account bought an add-on (issue 8): its row goes first.
        common::exec_for_account(
            &env,
            "DELETE FROM subscription_addons WHERE account_id = $1",
            b,
        )
        .await;
        common::exec_for_account(&env, "DELETE FROM subscriptions WHERE account_id = $1", b).await;
        assert_eq!(
            api_error(env.client.offline_license_status(&other_tok, b).await).0,
            404
        );
        assert_eq!(
            api_error(env.client.issue_offline_license(&other_tok, b).await).0,
            404
        );
        assert_eq!(
            api_error(env.client.activate_machine(&other_tok, b, &req).await).0,
            404
        );

        // No sign-in needed for the public key; everything else needs one.
        assert!(env.client.license_public_key().await.is_ok());
        assert_eq!(
            api_error(env.client.offline_license_status("nope", acc).await).0,
            401
        );
    })
    .await;
}

#[tokio::test]
async fn openapi_lists_the_offline_license_routes() {
    let doc = serde_json::to_value(kontor_server::openapi::document()).expect("json");
    let paths = doc["paths"].as_object().expect("paths");
    for p in [
        "/api/license/public-key",
        "/api/v1/accounts/{account_id}/offline-license",
        "/api/v1/accounts/{account_id}/offline-license/activate",
        "/api/v1/accounts/{account_id}/offline-license/{license_id}/revoke",
    ] {
        assert!(paths.contains_key(p), "{p} missing");
    }
}

// ---- the key file ----

/// A server on a SQLite file in `dir` with the data directory `dir/data`, and the key it publishes.
async fn start_in(dir: &std::path::Path) -> Result<(Running, PublicKey), String> {
    let url = format!("sqlite:{}", dir.join("k.sqlite").display());
    let db = open_database(&url).await.expect("open");
    let mut config = Config::new(&url, "127.0.0.1:0".parse().expect("addr"));
    config.data_dir = Some(dir.join("data"));
    let server = match start_with(config, db.clone(), Arc::new(ManualClock::new(T0))).await {
        Ok(s) => s,
        Err(e) => {
            db.close().await;
            return Err(e.to_string());
        }
    };
    let client = kontor_client::PortalClient::new(&server.base_url()).expect("client");
    let k = client.license_public_key().await.expect("public key");
    let pk = PublicKey::parse(&k.public_key).expect("key");
    Ok((Running(server, db), pk))
}

struct Running(
    kontor_server::RunningServer,
    Arc<dyn kontor_server::Database>,
);

impl Running {
    async fn stop(self) {
        self.0.shutdown().await;
        self.1.close().await;
    }
}

#[tokio::test]
async fn key_file_is_created_private_reused_and_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (server, first) = start_in(dir.path()).await.expect("first start");
    server.stop().await;
    let key_file = dir.path().join("data").join(KEY_FILE_NAME);
    let text = std::fs::read_to_string(&key_file).expect("key file");
    assert!(text.starts_with("kontor-ed25519-secret:"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file)
            .expect("meta")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
    }
    // No temp file is left behind.
    assert_eq!(
        std::fs::read_dir(dir.path().join("data"))
            .expect("dir")
            .count(),
        1
    );

    let (server, second) = start_in(dir.path()).await.expect("restart");
    server.stop().await;
    assert_eq!(first, second, "the same key after a restart");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        let Err(err) = start_in(dir.path()).await else {
            panic!("a group-readable key must stop the start")
        };
        assert!(
            err.contains("license signing key") && err.contains("chmod 600"),
            "{err}"
        );
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    std::fs::write(&key_file, "kontor-ed25519-secret:garbage").expect("garble");
    let Err(err) = start_in(dir.path()).await else {
        panic!("a garbled key must stop the start")
    };
    assert!(
        err.contains("license signing key") && err.contains("is not a kontor-ed25519-secret key"),
        "{err}"
    );
}

#[tokio::test]
async fn concurrent_activations_never_exceed_the_limit() {
    check(|env| async move {
        let tok = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let mut tasks = Vec::new();
        for i in 0..8 {
            let (client, tok, acc) = (env.client.clone(), tok.clone(), acc.clone());
            tasks.push(tokio::spawn(async move {
                let (_, req) = request(&format!("race-{i}"), "race");
                client.activate_machine(&tok, &acc, &req).await
            }));
        }
        let mut ok = 0;
        for t in tasks {
            match t.await.expect("task") {
                Ok(_) => ok += 1,
                Err(e) => assert_eq!(api_error::<()>(Err(e)).0, 409),
            }
        }
        assert_eq!(ok, 5);
        let st = env
            .client
            .offline_license_status(&tok, &acc)
            .await
            .expect("status");
        assert_eq!((st.activations_used, st.licenses.len()), (5, 5));
    })
    .await;
}
