//! Users and licenses end to end: the real server driven through `kontor_client`, on SQLite and PostgreSQL.

mod common;

use std::collections::HashSet;

use common::{all_users, api_error, check, check_with, exec, scalar_i64, Env, T0};
use kontor_api::{
    ChangePassword, CreateUsers, CreateUsersResult, ErrorCode, ImportBatch, LicenseChange, NewUser,
    PasswordLogin, RestoreUsers, Role, UpdateUser, UserQuery, UserSort, UserStatus, UserSummary,
    RESTORE_WINDOW_SECS,
};
use kontor_server::purge_deleted_users;
use kontor_server::seed::{seed_demo, SeedOptions};

const NEW_PASSWORD: &str = "a-Brand-new-passw0rd";

fn login(email: &str, password: &str) -> PasswordLogin {
    PasswordLogin {
        email: email.to_string(),
        password: password.to_string(),
        remember: false,
    }
}

async fn owner(env: &Env) -> String {
    env.client
        .login_password(&login(&env.seed.owner_email, &env.seed.owner_password))
        .await
        .expect("owner signs in")
        .access_token
}

fn nu(email: &str, name: &str, role: Role, licenses: &[&str]) -> NewUser {
    NewUser {
        email: email.to_string(),
        display_name: name.to_string(),
        role,
        location_id: None,
        licenses: licenses.iter().map(|s| s.to_string()).collect(),
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

async fn create(env: &Env, tok: &str, users: Vec<NewUser>) -> CreateUsersResult {
    env.client
        .create_users(tok, &env.seed.account_id, &CreateUsers { users })
        .await
        .expect("create users")
}

/// Signs in with a temporary password, replaces it, and returns the (still valid) access token.
async fn activate(env: &Env, email: &str, temp: &str) -> String {
    let s = env
        .client
        .login_password(&login(email, temp))
        .await
        .expect("sign in with the temporary password");
    assert!(s.user.must_change_password);
    env.client
        .change_password(
            &s.access_token,
            &ChangePassword {
                current_password: temp.to_string(),
                new_password: NEW_PASSWORD.to_string(),
            },
        )
        .await
        .expect("change password");
    s.access_token
}

/// Resets a seeded user's password as the owner and activates them.
async fn seeded_session(env: &Env, owner_tok: &str, local: &str) -> String {
    let id = uid(env, local).await;
    let temp = env
        .client
        .reset_password(owner_tok, &env.seed.account_id, &id)
        .await
        .expect("reset");
    activate(
        env,
        &format!("{local}@muster.example"),
        &temp.temporary_password,
    )
    .await
}

async fn pools(env: &Env, tok: &str) -> Vec<(String, i64, i64)> {
    env.client
        .licenses(tok, &env.seed.account_id)
        .await
        .expect("licenses")
        .into_iter()
        .map(|p| (p.product_code, p.seats_used, p.seats_total))
        .collect()
}

fn pool(p: &[(String, i64, i64)], code: &str) -> i64 {
    p.iter().find(|x| x.0 == code).expect("pool").1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_matrix_and_other_accounts() {
    check(|env| async move {
        let own = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let admin = seeded_session(&env, &own, "jonas.becker").await;
        let billing = seeded_session(&env, &own, "lea.schmidt").await;
        let user = seeded_session(&env, &own, "paul.wagner").await;
        let owner_id = uid(&env, "admin").await;
        let emma = uid(&env, "emma.koch").await;
        let c = &env.client;
        let upd = |role| UpdateUser {
            display_name: "X Y".into(),
            role,
            location_id: None,
        };
        let change = LicenseChange {
            user_ids: vec![emma.clone()],
            assign: vec!["docs".into()],
            revoke: vec![],
        };
        let restore = RestoreUsers {
            user_ids: vec![emma.clone()],
        };
        let create_req = CreateUsers {
            users: vec![nu("x@muster.example", "X", Role::User, &[])],
        };
        for tok in [&billing, &user] {
            let statuses = vec![
                api_error(c.licenses(tok, &acc).await).0,
                api_error(c.locations(tok, &acc).await).0,
                api_error(c.users(tok, &acc, &UserQuery::default()).await).0,
                api_error(c.create_users(tok, &acc, &create_req).await).0,
                api_error(c.user(tok, &acc, &emma).await).0,
                api_error(c.update_user(tok, &acc, &emma, &upd(Role::User)).await).0,
                api_error(c.reset_password(tok, &acc, &emma).await.map(|_| ())).0,
                api_error(c.delete_user(tok, &acc, &emma).await).0,
                api_error(c.restore_users(tok, &acc, &restore).await).0,
                api_error(c.change_licenses(tok, &acc, &change).await).0,
                api_error(c.audit(tok, &acc, None, None).await).0,
                api_error(
                    c.import_batch(
                        tok,
                        &acc,
                        &ImportBatch {
                            import_id: "i1".into(),
                            batch: 0,
                            users: create_req.users.clone(),
                        },
                    )
                    .await,
                )
                .0,
            ];
            assert!(statuses.iter().all(|s| *s == 403), "{statuses:?}");
        }

        // An Admin manages users, but not the Owner.
        c.user(&admin, &acc, &emma)
            .await
            .expect("admin reads a user");
        assert_eq!(
            api_error(c.delete_user(&admin, &acc, &owner_id).await).0,
            403
        );
        assert_eq!(
            api_error(c.reset_password(&admin, &acc, &owner_id).await.map(|_| ())).0,
            403
        );
        assert_eq!(
            api_error(
                c.update_user(&admin, &acc, &owner_id, &upd(Role::Owner))
                    .await
            )
            .0,
            403
        );
        assert_eq!(
            api_error(c.update_user(&admin, &acc, &emma, &upd(Role::Owner)).await).0,
            403
        );
        let changed = c
            .update_user(&admin, &acc, &emma, &upd(Role::Billing))
            .await
            .expect("admin edits a user");
        assert_eq!(
            (changed.role, changed.display_name.as_str()),
            (Role::Billing, "X Y")
        );
        // Nobody deletes themselves; nobody deletes the Owner.
        let jonas = uid(&env, "jonas.becker").await;
        assert_eq!(api_error(c.delete_user(&admin, &acc, &jonas).await).0, 409);
        assert_eq!(api_error(c.delete_user(&own, &acc, &owner_id).await).0, 409);
        // The Owner cannot demote themselves.
        assert_eq!(
            api_error(
                c.update_user(&own, &acc, &owner_id, &upd(Role::Admin))
                    .await
            )
            .0,
            409
        );

        // Another account: its ids answer 404, and so does its account id.
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
        let foreign = env
            .db
            .user_by_email("lea.schmidt@other.example")
            .await
            .unwrap()
            .unwrap()
            .id;
        let b = other.account_id.as_str();
        for tok in [&own, &admin] {
            let statuses = vec![
                api_error(c.user(tok, &acc, &foreign).await).0,
                api_error(c.update_user(tok, &acc, &foreign, &upd(Role::User)).await).0,
                api_error(c.reset_password(tok, &acc, &foreign).await.map(|_| ())).0,
                api_error(c.delete_user(tok, &acc, &foreign).await).0,
                api_error(
                    c.restore_users(
                        tok,
                        &acc,
                        &RestoreUsers {
                            user_ids: vec![foreign.clone()],
                        },
                    )
                    .await,
                )
                .0,
                api_error(
                    c.change_licenses(
                        tok,
                        &acc,
                        &LicenseChange {
                            user_ids: vec![emma.clone(), foreign.clone()],
                            assign: vec!["cmdb".into()],
                            revoke: vec![],
                        },
                    )
                    .await,
                )
                .0,
                api_error(c.licenses(tok, b).await).0,
                api_error(c.locations(tok, b).await).0,
                api_error(c.users(tok, b, &UserQuery::default()).await).0,
                api_error(c.create_users(tok, b, &create_req).await).0,
                api_error(c.user(tok, b, &foreign).await).0,
                api_error(c.update_user(tok, b, &foreign, &upd(Role::User)).await).0,
                api_error(c.reset_password(tok, b, &foreign).await.map(|_| ())).0,
                api_error(c.delete_user(tok, b, &foreign).await).0,
                api_error(c.restore_users(tok, b, &restore).await).0,
                api_error(c.change_licenses(tok, b, &change).await).0,
                api_error(c.audit(tok, b, None, None).await).0,
            ];
            assert!(statuses.iter().all(|s| *s == 404), "{statuses:?}");
        }
        // The foreign user was left alone.
        let f = env.db.user_by_id(b, &foreign).await.unwrap().unwrap();
        assert!(f.deleted_at.is_none());
        assert_eq!(f.display_name, "Lea Schmidt");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn temporary_password_must_be_changed_before_anything_else() {
    check(|env| async move {
        let own = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let created = create(
            &env,
            &own,
            vec![nu(
                " Nina.Neu@Muster.example ",
                "Nina Neu",
                Role::Admin,
                &["docs"],
            )],
        )
        .await
        .created;
        assert_eq!(created.len(), 1);
        let temp = created[0].temporary_password.clone();
        assert_eq!(temp.len(), 20);
        assert_eq!(created[0].email, "nina.neu@muster.example");
        // Stored only as a salted SHA-256, never Argon2, never in clear.
        let rec = env
            .db
            .user_by_id(&acc, &created[0].id)
            .await
            .unwrap()
            .unwrap();
        assert!(rec.password_hash.is_none());
        let stored = env.db.temp_password_hash(&rec.id).await.unwrap().unwrap();
        assert!(
            stored.starts_with("s256$") && !stored.contains(&temp),
            "{stored}"
        );

        let s = env
            .client
            .login_password(&login("nina.neu@muster.example", &temp))
            .await
            .expect("temporary password signs in");
        assert!(s.user.must_change_password);
        let tok = s.access_token.clone();
        let me = env.client.me(&tok).await.expect("me stays open");
        assert!(me.must_change_password);
        for (status, body) in [
            api_error(env.client.dashboard(&tok, &acc).await),
            api_error(env.client.account(&tok, &acc).await),
            api_error(env.client.licenses(&tok, &acc).await),
            api_error(env.client.users(&tok, &acc, &UserQuery::default()).await),
        ] {
            assert_eq!((status, body.code), (403, ErrorCode::Forbidden));
            assert_eq!(body.message, "password change required");
        }
        // Refresh stays open (the session is kept), and so does the password change.
        let s2 = env.client.refresh(&s.refresh_token).await.expect("refresh");
        let tok = s2.access_token;

        let wrong = api_error(
            env.client
                .change_password(
                    &tok,
                    &ChangePassword {
                        current_password: "not-the-password".into(),
                        new_password: NEW_PASSWORD.into(),
                    },
                )
                .await,
        );
        assert_eq!(wrong.0, 422);
        let short = api_error(
            env.client
                .change_password(
                    &tok,
                    &ChangePassword {
                        current_password: temp.clone(),
                        new_password: "short".into(),
                    },
                )
                .await,
        );
        assert_eq!(short.0, 422);
        assert!(
            short.1.message.contains("new_password"),
            "{}",
            short.1.message
        );
        env.client
            .change_password(
                &tok,
                &ChangePassword {
                    current_password: temp.clone(),
                    new_password: NEW_PASSWORD.into(),
                },
            )
            .await
            .expect("password changed");
        assert!(!env.client.me(&tok).await.unwrap().must_change_password);
        env.client
            .users(&tok, &acc, &UserQuery::default())
            .await
            .expect("the admin works now");
        let rec = env
            .db
            .user_by_id(&acc, &created[0].id)
            .await
            .unwrap()
            .unwrap();
        assert!(rec.password_hash.unwrap().starts_with("$argon2id$"));
        assert!(env.db.temp_password_hash(&rec.id).await.unwrap().is_none());
        // The temporary password is gone; the new one signs in.
        let old = api_error(
            env.client
                .login_password(&login("nina.neu@muster.example", &temp))
                .await,
        );
        assert_eq!(old.1.code, ErrorCode::InvalidCredentials);
        let again = env
            .client
            .login_password(&login("nina.neu@muster.example", NEW_PASSWORD))
            .await
            .expect("new password");
        assert!(!again.user.must_change_password);

        // A reset ends the sessions and requires a change again.
        let reset = env
            .client
            .reset_password(&own, &acc, &created[0].id)
            .await
            .expect("reset");
        assert_eq!(api_error(env.client.me(&again.access_token).await).0, 401);
        let s3 = env
            .client
            .login_password(&login("nina.neu@muster.example", &reset.temporary_password))
            .await
            .expect("reset password signs in");
        assert!(s3.user.must_change_password);
        assert_eq!(
            api_error(
                env.client
                    .login_password(&login("nina.neu@muster.example", NEW_PASSWORD))
                    .await
            )
            .0,
            401
        );
        let events: Vec<String> = env
            .db
            .audit_events(&acc)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.event)
            .collect();
        for e in [
            "user.created",
            "user.password_changed",
            "user.password_reset",
        ] {
            assert!(events.iter().any(|x| x == e), "{e} in {events:?}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_is_validated_and_all_or_nothing_with_seats() {
    check(|env| async move {
        let own = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let c = &env.client;
        let before = c
            .users(&own, &acc, &UserQuery::default())
            .await
            .unwrap()
            .total;
        assert_eq!(before, 12);

        let req = |users| CreateUsers { users };
        let (s, b) = api_error(
            c.create_users(
                &own,
                &acc,
                &req(vec![
                    nu("a1@muster.example", "A1", Role::User, &[]),
                    nu("a2@muster.example", "A2", Role::User, &[]),
                    nu("a3@muster.example", "A3", Role::User, &[]),
                    nu("not-an-address", "A4", Role::User, &[]),
                ]),
            )
            .await,
        );
        assert_eq!(
            (s, b.message.as_str()),
            (422, "users[3].email is not a valid e-mail address")
        );
        let (s, b) = api_error(
            c.create_users(
                &own,
                &acc,
                &req(vec![nu("o@muster.example", "O", Role::Owner, &[])]),
            )
            .await,
        );
        assert_eq!(s, 422);
        assert!(b.message.starts_with("users[0].role"), "{}", b.message);
        let (s, b) = api_error(
            c.create_users(
                &own,
                &acc,
                &req(vec![
                    nu("a1@muster.example", "A1", Role::User, &[]),
                    nu("emma.koch@muster.example", "Emma 2", Role::User, &[]),
                ]),
            )
            .await,
        );
        assert_eq!(s, 409);
        assert!(
            b.message.contains("emma.koch@muster.example"),
            "{}",
            b.message
        );
        let (s, b) = api_error(
            c.create_users(
                &own,
                &acc,
                &req(vec![nu("a1@muster.example", "A1", Role::User, &["nope"])]),
            )
            .await,
        );
        assert_eq!(
            (s, b.message.as_str()),
            (
                422,
                "users[0].licenses[0] is not a product of this account's subscription"
            )
        );
        let mut bad_loc = nu("a1@muster.example", "A1", Role::User, &[]);
        bad_loc.location_id = Some("no-such-location".into());
        let (s, b) = api_error(c.create_users(&own, &acc, &req(vec![bad_loc])).await);
        assert_eq!(
            (s, b.message.as_str()),
            (422, "users[0].location_id is not a known location")
        );

        // Analytics: 4 of 5 seats used. Three more need 2 seats that are not there.
        let (s, b) = api_error(
            c.create_users(
                &own,
                &acc,
                &req(vec![
                    nu("a1@muster.example", "A1", Role::User, &["analytics"]),
                    nu(
                        "a2@muster.example",
                        "A2",
                        Role::User,
                        &["analytics", "cmdb"],
                    ),
                    nu("a3@muster.example", "A3", Role::User, &["analytics"]),
                ]),
            )
            .await,
        );
        assert_eq!((s, b.code), (409, ErrorCode::Conflict));
        assert_eq!(
            b.message,
            "not enough seats for Analytics Add-on: 2 missing"
        );
        assert_eq!(
            c.users(&own, &acc, &UserQuery::default())
                .await
                .unwrap()
                .total,
            12
        );
        let p = pools(&env, &own).await;
        assert_eq!((pool(&p, "analytics"), pool(&p, "cmdb")), (4, 11));

        // Within the seats: created with licenses and a location.
        let locs = c.locations(&own, &acc).await.expect("locations");
        let names: Vec<&str> = locs.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, vec!["Berlin", "Hamburg", "München"]);
        let mut u = nu(
            "a1@muster.example",
            "A1",
            Role::User,
            &["analytics", "cmdb"],
        );
        u.location_id = Some(locs[1].id.clone());
        let made = create(&env, &own, vec![u]).await.created;
        let got = c.user(&own, &acc, &made[0].id).await.expect("user");
        assert_eq!(got.licenses, vec!["analytics", "cmdb"]);
        assert_eq!(got.location_name.as_deref(), Some("Hamburg"));
        assert_eq!(got.status, UserStatus::PasswordChangeRequired);
        let p = pools(&env, &own).await;
        assert_eq!((pool(&p, "analytics"), pool(&p, "cmdb")), (5, 12));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_license_changes_respect_seats_all_or_nothing() {
    check(|env| async move {
        let own = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let c = &env.client;
        let mut without_docs = Vec::new();
        for l in [
            "paul.wagner",
            "sophie.hoffmann",
            "emma.koch",
            "lukas.richter",
            "noah.wolf",
            "elias.schwarz",
        ] {
            without_docs.push(uid(&env, l).await);
        }
        let before = pools(&env, &own).await;
        assert_eq!(pool(&before, "docs"), 6);
        // 6 more docs seats needed, 4 free.
        let (s, b) = api_error(
            c.change_licenses(
                &own,
                &acc,
                &LicenseChange {
                    user_ids: without_docs.clone(),
                    assign: vec!["docs".into(), "cmdb".into()],
                    revoke: vec!["analytics".into()],
                },
            )
            .await,
        );
        assert_eq!(
            (s, b.message.as_str()),
            (409, "not enough seats for Documents Add-on: 2 missing")
        );
        assert_eq!(pools(&env, &own).await, before, "nothing changed");

        // Revoke and assign in one request: analytics off Paul and Lukas, docs on both. cmdb is held: no-op.
        let paul = without_docs[0].clone();
        let lukas = without_docs[3].clone();
        let r = c
            .change_licenses(
                &own,
                &acc,
                &LicenseChange {
                    user_ids: vec![paul.clone(), lukas.clone()],
                    assign: vec!["docs".into(), "cmdb".into()],
                    revoke: vec!["analytics".into()],
                },
            )
            .await
            .expect("change");
        assert_eq!(r.changed, 4);
        let p: Vec<(String, i64, i64)> = r
            .pools
            .iter()
            .map(|p| (p.product_code.clone(), p.seats_used, p.seats_total))
            .collect();
        assert_eq!(
            (pool(&p, "analytics"), pool(&p, "docs"), pool(&p, "cmdb")),
            (2, 8, 11)
        );
        assert_eq!(
            c.user(&own, &acc, &paul).await.unwrap().licenses,
            vec!["cmdb", "docs"]
        );
        // Assigning what is held changes nothing and is no error.
        let r = c
            .change_licenses(
                &own,
                &acc,
                &LicenseChange {
                    user_ids: vec![paul.clone()],
                    assign: vec!["docs".into()],
                    revoke: vec![],
                },
            )
            .await
            .expect("no-op");
        assert_eq!(r.changed, 0);
        // Unknown product → 422; unknown user → 404; nothing changed.
        let (s, _) = api_error(
            c.change_licenses(
                &own,
                &acc,
                &LicenseChange {
                    user_ids: vec![paul.clone()],
                    assign: vec!["nope".into()],
                    revoke: vec![],
                },
            )
            .await,
        );
        assert_eq!(s, 422);
        let (s, _) = api_error(
            c.change_licenses(
                &own,
                &acc,
                &LicenseChange {
                    user_ids: vec![paul.clone(), "no-such-user".into()],
                    assign: vec!["analytics".into()],
                    revoke: vec![],
                },
            )
            .await,
        );
        assert_eq!(s, 404);

        // Two concurrent requests for the last free docs seats (2 free): 2 + 2 cannot both win.
        let a = LicenseChange {
            user_ids: vec![without_docs[1].clone(), without_docs[2].clone()],
            assign: vec!["docs".into()],
            revoke: vec![],
        };
        let b2 = LicenseChange {
            user_ids: vec![without_docs[4].clone(), without_docs[5].clone()],
            assign: vec!["docs".into()],
            revoke: vec![],
        };
        let (ra, rb) = tokio::join!(
            c.change_licenses(&own, &acc, &a),
            c.change_licenses(&own, &acc, &b2)
        );
        assert_eq!(ra.is_ok() as u8 + rb.is_ok() as u8, 1, "{ra:?} {rb:?}");
        let loser = if ra.is_ok() { rb } else { ra };
        assert_eq!(
            api_error(loser).1.message,
            "not enough seats for Documents Add-on: 2 missing"
        );
        let p = pools(&env, &own).await;
        assert_eq!(pool(&p, "docs"), 10);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soft_delete_restore_window_and_purge() {
    check(|env| async move {
        let own = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let c = &env.client;
        let paul = uid(&env, "paul.wagner").await;
        let paul_tok = seeded_session(&env, &own, "paul.wagner").await;
        c.me(&paul_tok).await.expect("paul signed in");

        c.delete_user(&own, &acc, &paul).await.expect("delete");
        assert_eq!(api_error(c.me(&paul_tok).await).0, 401, "sessions revoked");
        assert_eq!(api_error(c.delete_user(&own, &acc, &paul).await).0, 404);
        let p = pools(&env, &own).await;
        assert_eq!(
            (pool(&p, "cmdb"), pool(&p, "analytics")),
            (10, 3),
            "seats freed"
        );
        let page = c.users(&own, &acc, &UserQuery::default()).await.unwrap();
        assert_eq!((page.total, page.deleted_count), (11, 1));
        assert!(page.users.iter().all(|u| u.id != paul));
        let deleted = c
            .users(
                &own,
                &acc,
                &UserQuery {
                    status: Some(UserStatus::Deleted),
                    ..UserQuery::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(deleted.total, 1);
        let d = &deleted.users[0];
        assert_eq!(
            (d.id.as_str(), d.status),
            (paul.as_str(), UserStatus::Deleted)
        );
        assert_eq!(d.deleted_at, Some(T0));
        assert_eq!(d.purge_at, Some(T0 + RESTORE_WINDOW_SECS));
        assert_eq!(d.licenses, vec!["analytics", "cmdb"], "kept as the record");

        // The analytics pool fills up meanwhile: Paul gets cmdb back, not analytics.
        let emma = uid(&env, "emma.koch").await;
        let noah = uid(&env, "noah.wolf").await;
        c.change_licenses(
            &own,
            &acc,
            &LicenseChange {
                user_ids: vec![emma, noah],
                assign: vec!["analytics".into()],
                revoke: vec![],
            },
        )
        .await
        .expect("fill analytics");
        env.clock.advance(86_400);
        let own = owner(&env).await;
        let r = c
            .restore_users(
                &own,
                &acc,
                &RestoreUsers {
                    user_ids: vec![paul.clone()],
                },
            )
            .await
            .expect("restore");
        assert_eq!(r.restored.len(), 1);
        assert_eq!(r.restored[0].licenses_restored, vec!["cmdb"]);
        assert_eq!(r.restored[0].licenses_not_restored, vec!["analytics"]);
        let back = c.user(&own, &acc, &paul).await.unwrap();
        assert_eq!(back.status, UserStatus::Active);
        assert_eq!(back.licenses, vec!["cmdb"]);
        let p = pools(&env, &own).await;
        assert_eq!((pool(&p, "cmdb"), pool(&p, "analytics")), (11, 5));
        // Not deleted → 404.
        assert_eq!(
            api_error(
                c.restore_users(
                    &own,
                    &acc,
                    &RestoreUsers {
                        user_ids: vec![paul.clone()]
                    }
                )
                .await
            )
            .0,
            404
        );

        // An e-mail given to a new user blocks the restore of the old one.
        let sophie = uid(&env, "sophie.hoffmann").await;
        c.delete_user(&own, &acc, &sophie)
            .await
            .expect("delete sophie");
        create(
            &env,
            &own,
            vec![nu(
                "sophie.hoffmann@muster.example",
                "Sophie Neu",
                Role::User,
                &[],
            )],
        )
        .await;
        let (s, b) = api_error(
            c.restore_users(
                &own,
                &acc,
                &RestoreUsers {
                    user_ids: vec![sophie.clone()],
                },
            )
            .await,
        );
        assert_eq!(s, 409);
        assert!(
            b.message.contains("sophie.hoffmann@muster.example"),
            "{}",
            b.message
        );

        // After 30 days: no restore, and the purge removes them.
        let elias = uid(&env, "elias.schwarz").await;
        c.delete_user(&own, &acc, &elias)
            .await
            .expect("delete elias");
        env.clock.advance(RESTORE_WINDOW_SECS + 60);
        let own = owner(&env).await;
        let (s, _) = api_error(
            c.restore_users(
                &own,
                &acc,
                &RestoreUsers {
                    user_ids: vec![elias.clone()],
                },
            )
            .await,
        );
        assert_eq!(s, 404);
        let n = purge_deleted_users(env.db.as_ref(), env.clock_now())
            .await
            .expect("purge");
        assert_eq!(n, 2, "sophie and elias");
        assert_eq!(api_error(c.user(&own, &acc, &elias).await).0, 404);
        assert!(env.db.user_by_id(&acc, &sophie).await.unwrap().is_none());
        let page = c.users(&own, &acc, &UserQuery::default()).await.unwrap();
        assert_eq!(page.deleted_count, 0);
        // The audit log still names who did it.
        let log = c.audit(&own, &acc, None, Some(200)).await.expect("audit");
        assert!(log.events.iter().any(|e| e.event == "user.deleted"
            && e.target == "elias.schwarz@muster.example"
            && e.actor.as_deref() == Some("admin@muster.example")));
        assert!(log.events.iter().any(|e| e.event == "user.restored"));
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
async fn filter_sort_and_keyset_pages_walk_every_user_once() {
    check(|env| async move {
        let own = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let c = &env.client;
        let locs = c.locations(&own, &acc).await.unwrap();
        let roles = [Role::User, Role::Admin, Role::Billing];
        let users: Vec<NewUser> = (0..250)
            .map(|i| {
                let mut u = nu(
                    &format!("u{:03}.{}@load.example", (i * 7919) % 1000, i),
                    &format!(
                        "{} Person {i}",
                        ["anna", "Bert", "Carla", "dora", "Émile"][i % 5]
                    ),
                    roles[i % 3],
                    if i % 25 == 0 { &["cmdb"] } else { &[] },
                );
                u.location_id = (i % 4 != 0).then(|| locs[i % 3].id.clone());
                u
            })
            .collect();
        create(&env, &own, users).await;
        env.clock.advance(10);
        create(
            &env,
            &own,
            vec![nu("late@load.example", "zz late", Role::User, &[])],
        )
        .await;
        let total = 12 + 250 + 1;

        let check_walk = |sort: UserSort, desc: bool, list: &[UserSummary]| {
            assert_eq!(list.len(), total, "{sort:?} {desc}");
            let ids: HashSet<&str> = list.iter().map(|u| u.id.as_str()).collect();
            assert_eq!(ids.len(), total, "every user exactly once");
            for w in list.windows(2) {
                let ord = match sort {
                    UserSort::Name => w[0]
                        .display_name
                        .to_lowercase()
                        .cmp(&w[1].display_name.to_lowercase()),
                    UserSort::Email => w[0].email.cmp(&w[1].email),
                    UserSort::Created => w[0].created_at.cmp(&w[1].created_at),
                    UserSort::Role => w[0].role.as_str().cmp(w[1].role.as_str()),
                    UserSort::Location => w[0]
                        .location_name
                        .clone()
                        .unwrap_or_default()
                        .cmp(&w[1].location_name.clone().unwrap_or_default()),
                };
                let ord = if desc { ord.reverse() } else { ord };
                assert_ne!(
                    ord,
                    std::cmp::Ordering::Greater,
                    "{sort:?} {desc}: {} then {}",
                    w[0].email,
                    w[1].email
                );
            }
        };
        for (sort, desc) in [
            (UserSort::Name, false),
            (UserSort::Name, true),
            (UserSort::Email, false),
            (UserSort::Email, true),
            (UserSort::Created, true),
            (UserSort::Location, false),
            (UserSort::Role, true),
        ] {
            let list = all_users(
                &env,
                &own,
                UserQuery {
                    sort,
                    desc,
                    limit: Some(37),
                    ..UserQuery::default()
                },
            )
            .await;
            check_walk(sort, desc, &list);
        }
        let newest = all_users(
            &env,
            &own,
            UserQuery {
                sort: UserSort::Created,
                desc: true,
                limit: Some(1),
                ..UserQuery::default()
            },
        )
        .await;
        assert_eq!(newest[0].email, "late@load.example");

        // Filters combine with AND; `total` counts all pages.
        let q = |f: UserQuery| {
            let (c, own, acc) = (c.clone(), own.clone(), acc.clone());
            async move {
                c.users(
                    &own,
                    &acc,
                    &UserQuery {
                        limit: Some(10),
                        ..f
                    },
                )
                .await
                .unwrap()
            }
        };
        let p = q(UserQuery {
            q: Some("PERSON 1".into()),
            ..UserQuery::default()
        })
        .await;
        // "person 1", "person 1x", "person 1xx": 1 + 10 + 100.
        assert_eq!(p.total, 111);
        assert_eq!(p.users.len(), 10);
        assert!(p.next.is_some());
        let p = q(UserQuery {
            q: Some("@LOAD.example".into()),
            role: Some(Role::Billing),
            ..UserQuery::default()
        })
        .await;
        assert_eq!(p.total, (0..250).filter(|i| i % 3 == 2).count() as i64);
        let p = q(UserQuery {
            license: Some("cmdb".into()),
            q: Some("load".into()),
            ..UserQuery::default()
        })
        .await;
        assert_eq!(p.total, 10);
        assert!(p.users.iter().all(|u| u.licenses == vec!["cmdb"]));
        let p = q(UserQuery {
            location_id: Some(locs[0].id.clone()),
            q: Some("load".into()),
            ..UserQuery::default()
        })
        .await;
        assert_eq!(
            p.total,
            (0..250).filter(|i| i % 4 != 0 && i % 3 == 0).count() as i64
        );
        let p = q(UserQuery {
            status: Some(UserStatus::PasswordChangeRequired),
            ..UserQuery::default()
        })
        .await;
        assert_eq!(p.total, 251);
        let p = q(UserQuery {
            status: Some(UserStatus::Active),
            ..UserQuery::default()
        })
        .await;
        assert_eq!(p.total, 12);
        let p = q(UserQuery {
            q: Some("100%_".into()),
            ..UserQuery::default()
        })
        .await;
        assert_eq!(p.total, 0, "LIKE wildcards are literal");
        // A cursor belongs to its order.
        let first = q(UserQuery::default()).await;
        let (s, _) = api_error(
            c.users(
                &own,
                &acc,
                &UserQuery {
                    after: first.next.clone(),
                    desc: true,
                    ..UserQuery::default()
                },
            )
            .await,
        );
        assert_eq!(s, 422);
        let (s, _) = api_error(
            c.users(
                &own,
                &acc,
                &UserQuery {
                    limit: Some(501),
                    ..UserQuery::default()
                },
            )
            .await,
        );
        assert_eq!(s, 422);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_batches_are_idempotent() {
    check(|env| async move {
        let own = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let c = &env.client;
        let batch = |n: u32, users: Vec<NewUser>| ImportBatch {
            import_id: "6f1c2d1e-imp".into(),
            batch: n,
            users,
        };
        let b0 = batch(
            0,
            (0..3)
                .map(|i| {
                    nu(
                        &format!("i0.{i}@imp.example"),
                        &format!("Imp 0 {i}"),
                        Role::User,
                        &["cmdb"],
                    )
                })
                .collect(),
        );
        let b1 = batch(
            1,
            (0..2)
                .map(|i| {
                    nu(
                        &format!("i1.{i}@imp.example"),
                        &format!("Imp 1 {i}"),
                        Role::User,
                        &[],
                    )
                })
                .collect(),
        );
        let r0 = c.import_batch(&own, &acc, &b0).await.expect("batch 0");
        assert!(!r0.already_done);
        assert_eq!(r0.created.len(), 3);
        let r1 = c.import_batch(&own, &acc, &b1).await.expect("batch 1");
        assert_eq!(r1.created.len(), 2);
        // One of batch 1 signs in.
        c.login_password(&login(
            &r1.created[0].email,
            &r1.created[0].temporary_password,
        ))
        .await
        .expect("imported user signs in");

        let again = c
            .import_batch(&own, &acc, &b0)
            .await
            .expect("retry batch 0");
        assert!(again.already_done);
        let emails: Vec<&str> = again.created.iter().map(|u| u.email.as_str()).collect();
        assert_eq!(
            emails,
            vec!["i0.0@imp.example", "i0.1@imp.example", "i0.2@imp.example"]
        );
        assert_eq!(again.created[0].id, r0.created[0].id, "the same users");
        // Fresh temporary passwords: the old ones stop working, the new ones work.
        assert_ne!(
            again.created[0].temporary_password,
            r0.created[0].temporary_password
        );
        assert_eq!(
            api_error(
                c.login_password(&login(
                    &r0.created[0].email,
                    &r0.created[0].temporary_password
                ))
                .await
            )
            .0,
            401
        );
        c.login_password(&login(
            &again.created[0].email,
            &again.created[0].temporary_password,
        ))
        .await
        .expect("new temporary password");
        let again1 = c
            .import_batch(&own, &acc, &b1)
            .await
            .expect("retry batch 1");
        assert!(again1.already_done);
        assert_eq!(again1.created.len(), 1, "only who has not signed in yet");
        assert_eq!(again1.created[0].email, "i1.1@imp.example");

        let page = c
            .users(
                &own,
                &acc,
                &UserQuery {
                    q: Some("@imp.example".into()),
                    ..UserQuery::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(page.total, 5, "no duplicates");
        let p = pools(&env, &own).await;
        assert_eq!(pool(&p, "cmdb"), 14);
        let events: Vec<String> = env
            .db
            .audit_events(&acc)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.event)
            .collect();
        assert_eq!(events.iter().filter(|e| *e == "user.imported").count(), 2);
        assert_eq!(
            events
                .iter()
                .filter(|e| *e == "user.import_retried")
                .count(),
            2
        );

        // A bad batch id and an oversized batch are refused.
        let (s, _) = api_error(
            c.import_batch(
                &own,
                &acc,
                &ImportBatch {
                    import_id: "bad id!".into(),
                    ..b1.clone()
                },
            )
            .await,
        );
        assert_eq!(s, 422);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_log_names_actor_event_target_and_ip_newest_first() {
    check(|env| async move {
        let own = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let c = &env.client;
        let made = create(
            &env,
            &own,
            vec![nu("aud@muster.example", "Aud It", Role::User, &[])],
        )
        .await;
        let id = made.created[0].id.clone();
        c.change_licenses(
            &own,
            &acc,
            &LicenseChange {
                user_ids: vec![id.clone()],
                assign: vec!["docs".into()],
                revoke: vec![],
            },
        )
        .await
        .unwrap();
        c.change_licenses(
            &own,
            &acc,
            &LicenseChange {
                user_ids: vec![id.clone()],
                assign: vec![],
                revoke: vec!["docs".into()],
            },
        )
        .await
        .unwrap();
        c.update_user(
            &own,
            &acc,
            &id,
            &UpdateUser {
                display_name: "Aud Two".into(),
                role: Role::Billing,
                location_id: None,
            },
        )
        .await
        .unwrap();
        c.reset_password(&own, &acc, &id).await.unwrap();
        c.delete_user(&own, &acc, &id).await.unwrap();
        c.restore_users(
            &own,
            &acc,
            &RestoreUsers {
                user_ids: vec![id.clone()],
            },
        )
        .await
        .unwrap();

        let page = c.audit(&own, &acc, None, Some(7)).await.expect("audit");
        let names: Vec<&str> = page.events.iter().map(|e| e.event.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "user.restored",
                "user.deleted",
                "user.password_reset",
                "user.updated",
                "license.revoked",
                "license.assigned",
                "user.created"
            ]
        );
        for e in &page.events {
            assert_eq!(e.actor.as_deref(), Some("admin@muster.example"));
            assert_eq!(e.ip.as_deref(), Some("127.0.0.1"));
            assert!(e.target.starts_with("aud@muster.example"), "{}", e.target);
            assert_eq!(e.at, T0);
        }
        assert!(page.events.windows(2).all(|w| w[0].id > w[1].id));
        // Older pages follow `next_before`; the sign-in is the oldest event after the seed's invoice events.
        let older = c
            .audit(&own, &acc, page.next_before, Some(50))
            .await
            .unwrap();
        let not_seed: Vec<&str> = older
            .events
            .iter()
            .map(|e| e.event.as_str())
            .filter(|e| !e.starts_with("invoice."))
            .collect();
        assert_eq!(not_seed.last().copied(), Some("auth.sign_in"));
        assert!(older.next_before.is_none());
        assert!(older.events.iter().all(|e| e.id < page.events[6].id));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn existing_emails_answer_the_own_account_only() {
    check(|env| async move {
        let own = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let c = &env.client;
        let billing = seeded_session(&env, &own, "lea.schmidt").await;
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
        // A deleted user's address is free again.
        let emma = uid(&env, "emma.koch").await;
        c.delete_user(&own, &acc, &emma).await.expect("delete");

        let asked: Vec<String> = [
            " Jonas.Becker@MUSTER.example ",
            "new.person@muster.example",
            "not an address",
            "",
            "BOSS@other.example",
            "emma.koch@muster.example",
            "jonas.becker@muster.example",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let got = c
            .existing_emails(&own, &acc, &asked)
            .await
            .expect("existing");
        // Another account's address (boss@other.example) is not revealed (issue 10).
        assert_eq!(got, vec!["jonas.becker@muster.example"]);

        // 100,000 addresses in one request (chunked queries, a body above axum's 2 MB default).
        let mut many: Vec<String> = (0..100_000)
            .map(|i| format!("nobody.{i}@bulk.example"))
            .collect();
        many.push("Paul.Wagner@muster.example".into());
        let got = c.existing_emails(&own, &acc, &many).await.expect("bulk");
        assert_eq!(got, vec!["paul.wagner@muster.example"]);

        let (s, body) = api_error(c.existing_emails(&billing, &acc, &asked).await);
        assert_eq!((s, body.code), (403, ErrorCode::Forbidden));
        assert_eq!(
            api_error(c.existing_emails(&own, &other.account_id, &asked).await).0,
            404
        );
        assert_eq!(api_error(c.existing_emails(&own, &acc, &[]).await).0, 422);
    })
    .await;
}

/// The search is indexed (SQLite: FTS5 trigram table kept by triggers; PostgreSQL: pg_trgm) but finds exactly
/// what the substring match `lower(name) LIKE '%q%' OR e-mail LIKE '%q%'` finds: rare matches, 1- and
/// 2-character texts (no trigram), wildcards and quotes, word boundaries, and after rename, delete and purge.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_exactly_the_substring_matches() {
    check(|env| search_scenario(env, Entry::Created)).await;
}

/// issue 12: imported users wait in SQLite's search queue (no indexer runs in these servers) and are found
/// exactly as indexed ones are — before indexing, through a rename and a delete, and after the indexer ran.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_imported_users_before_and_after_they_are_indexed() {
    let no_indexer = |c: &mut kontor_server::Config| c.search_index_idle = None;
    check_with(no_indexer, |env| {
        search_scenario(env, Entry::ImportedIndexedMidway)
    })
    .await;
    check_with(no_indexer, |env| {
        search_scenario(env, Entry::ImportedIndexedAtEnd)
    })
    .await;
}

/// issue 12: a running portal's indexer moves an import into SQLite's trigram index once imports pause; on
/// PostgreSQL it merges the trigram indexes' GIN pending lists, where the import's entries wait. With
/// autovacuum off for `users` only the indexer merges them there (an insert merges them itself only past
/// GIN's 4 MB), so they empty only if it runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_indexer_indexes_an_import_once_imports_pause() {
    check(|env| async move {
        if env.backend != "sqlite" {
            for sql in [
                "ALTER TABLE users SET (autovacuum_enabled = false)",
                "CREATE EXTENSION IF NOT EXISTS pgstattuple",
            ] {
                exec(&env, sql).await;
            }
        }
        let own = owner(&env).await;
        let users: Vec<NewUser> = (0..300)
            .map(|i| {
                nu(
                    &format!("ix{i:03}@idx.example"),
                    &format!("Index {i}"),
                    Role::User,
                    &[],
                )
            })
            .collect();
        let batch = ImportBatch {
            import_id: "7a6b5c4d-index".into(),
            batch: 0,
            users,
        };
        let acc = env.seed.account_id.clone();
        env.client
            .import_batch(&own, &acc, &batch)
            .await
            .expect("import");
        // What still waits for the index: SQLite's queued users, PostgreSQL's pending-list pages.
        let waiting = if env.backend == "sqlite" {
            "SELECT COUNT(*) FROM users_search_queue"
        } else {
            "SELECT SUM(pending_pages)::BIGINT FROM (SELECT (pgstatginindex(ix)).pending_pages FROM \
             (VALUES ('users_search_name'::regclass), ('users_search_email'::regclass)) AS v(ix)) AS p"
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let left = scalar_i64(&env, waiting).await;
            if left == 0 {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{left} still waiting for the search index after 30 s ({})",
                env.backend
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        if env.backend == "sqlite" {
            let indexed = scalar_i64(
                &env,
                "SELECT COUNT(*) FROM users_search WHERE users_search MATCH '\"idx.example\"'",
            )
            .await;
            assert_eq!(indexed, 300);
        }
        let q = UserQuery {
            q: Some("idx.example".into()),
            ..UserQuery::default()
        };
        let page = env.client.users(&own, &acc, &q).await.expect("list");
        assert_eq!(page.total, 300);
    })
    .await;
}

/// How the search scenario's users come in.
#[derive(Clone, Copy, PartialEq)]
enum Entry {
    /// `create_users`: indexed in their own transaction.
    Created,
    /// One import batch; queued until after the rename and the delete, then indexed.
    ImportedIndexedMidway,
    /// One import batch; queued through the rename, the delete and the purge, indexed at the very end.
    ImportedIndexedAtEnd,
}

/// Indexes what waits for the search index and checks it: SQLite, how many users the queue held;
/// PostgreSQL, that the GIN pending lists held some pages exactly when users were imported since the last
/// merge (no autovacuum runs for so few rows).
async fn index_queue(env: &Env, expect: u64) {
    let n = kontor_server::search_index::drain(env.db.as_ref())
        .await
        .expect("index the queue");
    if env.backend == "sqlite" {
        assert_eq!(n, expect, "users indexed from the queue");
    } else {
        assert_eq!(
            n > 0,
            expect > 0,
            "{n} pending-list pages merged ({expect} users)"
        );
    }
}

async fn search_scenario(env: Env, entry: Entry) {
    {
        let own = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let c = &env.client;
        let names = [
            "Jörg Müller",
            "Anna-Lena \"Ali\" O'Brien",
            "Zoë 100% Sicher_heit",
            "Ægir Ørsted",
            "Søren Kierkegaard",
        ];
        let users: Vec<NewUser> = (0..60)
            .map(|i| {
                nu(
                    &format!("p{i:02}.{}@such.example", ["x", "yy", "zzz"][i % 3]),
                    &format!("{} {i}", names[i % names.len()]),
                    Role::User,
                    &[],
                )
            })
            .collect();
        if entry == Entry::Created {
            create(&env, &own, users).await;
        } else {
            let batch = ImportBatch {
                import_id: "5e4d3c2b-search".into(),
                batch: 0,
                users,
            };
            let r = c.import_batch(&own, &acc, &batch).await.expect("import");
            assert_eq!(r.created.len(), 60);
        }
        let live = |status: Option<UserStatus>| {
            let (env, own) = (&env, own.clone());
            async move {
                all_users(
                    env,
                    &own,
                    UserQuery {
                        status,
                        limit: Some(500),
                        ..UserQuery::default()
                    },
                )
                .await
            }
        };
        let expect = |all: &[UserSummary], q: &str| -> Vec<String> {
            let q = q.trim().to_lowercase();
            let mut v: Vec<String> = all
                .iter()
                .filter(|u| u.display_name.to_lowercase().contains(&q) || u.email.contains(&q))
                .map(|u| u.id.clone())
                .collect();
            v.sort();
            v
        };
        let found = |q: &'static str, status: Option<UserStatus>| {
            let (env, own) = (&env, own.clone());
            async move {
                let list = all_users(
                    env,
                    &own,
                    UserQuery {
                        q: Some(q.to_string()),
                        status,
                        limit: Some(7),
                        ..UserQuery::default()
                    },
                )
                .await;
                let mut v: Vec<String> = list.into_iter().map(|u| u.id).collect();
                v.sort();
                v
            }
        };
        let queries = [
            "p42.",           // rare: one user
            "JÖRG MÜLLER 13", // rare, across a word boundary, upper case
            "ørsted",
            "\"ali\"",
            "o'b",
            "100%",
            "_he",
            "@such",
            "zzz@",
            "ö",
            "ø",
            "y",
            "3",
            "42",
            "e ",
            "%",
            "nobody-here",
        ];
        let all = live(None).await;
        for q in queries {
            let want = expect(&all, q);
            assert_eq!(found(q, None).await, want, "q = {q:?}");
        }
        assert_eq!(found("p42.", None).await.len(), 1);
        assert!(found("ø", None).await.len() > 1);

        // A rename, a delete (the e-mail moves to deleted_email) and a purge keep the index in step.
        let p42 = all
            .iter()
            .find(|u| u.email.starts_with("p42."))
            .unwrap()
            .clone();
        c.update_user(
            &own,
            &acc,
            &p42.id,
            &UpdateUser {
                display_name: "Quirin Umbenannt".into(),
                role: Role::User,
                location_id: None,
            },
        )
        .await
        .expect("rename");
        assert_eq!(found("quirin umb", None).await, vec![p42.id.clone()]);
        assert!(found("jörg müller 42", None).await.is_empty());
        let p07 = all
            .iter()
            .find(|u| u.email.starts_with("p07."))
            .unwrap()
            .clone();
        c.delete_user(&own, &acc, &p07.id).await.expect("delete");
        assert!(found("p07.", None).await.is_empty());
        assert_eq!(
            found("p07.", Some(UserStatus::Deleted)).await,
            vec![p07.id.clone()],
            "a deleted user is found by the real e-mail"
        );
        assert!(found("deleted.invalid", Some(UserStatus::Deleted))
            .await
            .is_empty());
        if entry == Entry::ImportedIndexedMidway {
            // Indexed as they are now: renamed, deleted (found by the parked address).
            index_queue(&env, 60).await;
            index_queue(&env, 0).await;
        }
        let all = live(None).await;
        let deleted = live(Some(UserStatus::Deleted)).await;
        for q in queries {
            assert_eq!(
                found(q, None).await,
                expect(&all, q),
                "after changes, q = {q:?}"
            );
            assert_eq!(
                found(q, Some(UserStatus::Deleted)).await,
                expect(&deleted, q),
                "deleted, q = {q:?}"
            );
        }
        env.clock.advance(RESTORE_WINDOW_SECS + 60);
        purge_deleted_users(env.db.as_ref(), env.clock_now())
            .await
            .expect("purge");
        // The session ended meanwhile: sign in again.
        let own = owner(&env).await;
        let search = |q: &'static str, status: Option<UserStatus>| {
            let (env, own) = (&env, own.clone());
            async move {
                let q = UserQuery {
                    q: Some(q.to_string()),
                    status,
                    ..UserQuery::default()
                };
                all_users(env, &own, q).await
            }
        };
        assert!(search("p07.", Some(UserStatus::Deleted)).await.is_empty());
        // A new user who takes a purged user's e-mail is found, once.
        create(
            &env,
            &own,
            vec![nu("p07.yy@such.example", "Neu Angelegt", Role::User, &[])],
        )
        .await;
        let again = search("p07.", None).await;
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].display_name, "Neu Angelegt");
        if entry == Entry::ImportedIndexedAtEnd {
            // The purged user left the queue with its row; the others are indexed now.
            index_queue(&env, 59).await;
            let all = all_users(&env, &own, UserQuery::default()).await;
            for q in queries {
                let mut ids: Vec<String> =
                    search(q, None).await.into_iter().map(|u| u.id).collect();
                ids.sort();
                assert_eq!(ids, expect(&all, q), "indexed, q = {q:?}");
            }
        }
    }
}
