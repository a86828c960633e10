//! Locations end to end on both backends: list with user counts, create, rename, edit the address, delete
//! (refused while users are there without a target; moving them in the same step), unique names regardless
//! of case, the field rules, roles (Owner and Admin only) and other accounts (404), and the audit events.

mod common;

use common::{api_error, check, owner, seed_options, seeded_session, Env};
use kontor_api::{ErrorDetail, FieldProblem, LocationInput, UserQuery};
use kontor_server::seed::{seed_demo, SeedOptions};

fn input(name: &str) -> LocationInput {
    LocationInput {
        name: name.to_string(),
        ..Default::default()
    }
}

async fn events(env: &Env) -> Vec<(String, Option<String>)> {
    env.db
        .audit_events(&env.seed.account_id)
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.event.starts_with("location."))
        .map(|e| (e.event, e.target))
        .collect()
}

#[tokio::test]
async fn create_rename_edit_and_list_with_user_counts() {
    check(|env| async move {
        let tok = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let c = &env.client;
        let before = c.location_infos(&tok, &acc).await.expect("list");
        let names: Vec<&str> = before.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["Berlin", "Hamburg", "München"]);
        // The counts are the live users at each location, as the users list filters them.
        for l in &before {
            let page = c
                .users(
                    &tok,
                    &acc,
                    &UserQuery {
                        location_id: Some(l.id.clone()),
                        ..Default::default()
                    },
                )
                .await
                .expect("users");
            assert_eq!(l.user_count as usize, page.users.len(), "{}", l.name);
            assert!(l.user_count > 0);
        }

        let mut new = input("  Köln ");
        new.street = "Domplatz 1".into();
        new.postal_code = "50667".into();
        new.city = "Köln".into();
        new.country = "DE".into();
        let created = c.create_location(&tok, &acc, &new).await.expect("create");
        assert_eq!(created.name, "Köln", "trimmed");
        assert_eq!(
            (created.street.as_str(), created.user_count),
            ("Domplatz 1", 0)
        );
        // The users page's list (the same endpoint, read as `Location`) has it.
        let plain = c.locations(&tok, &acc).await.expect("locations");
        assert!(plain.iter().any(|l| l.id == created.id && l.name == "Köln"));

        // Unique regardless of case; the refusal names the name.
        for clash in ["köln", "KÖLN", "berlin"] {
            let (status, body) = api_error(c.create_location(&tok, &acc, &input(clash)).await);
            assert_eq!(status, 409, "{clash}");
            assert_eq!(
                body.detail,
                Some(ErrorDetail::LocationNameTaken {
                    name: clash.to_string()
                })
            );
        }

        // Rename (only the case of its own name is fine), then change the address.
        let mut renamed = new.clone();
        renamed.name = "KÖLN".into();
        let r = c
            .update_location(&tok, &acc, &created.id, &renamed)
            .await
            .expect("rename to another case of its own name");
        assert_eq!(r.name, "KÖLN");
        renamed.name = "Hamburg".into();
        let (status, body) = api_error(c.update_location(&tok, &acc, &created.id, &renamed).await);
        assert_eq!(
            (status, body.detail),
            (
                409,
                Some(ErrorDetail::LocationNameTaken {
                    name: "Hamburg".into()
                })
            )
        );
        let mut moved = renamed.clone();
        moved.name = "Köln-Deutz".into();
        moved.street = "Deutzer Freiheit 2".into();
        let m = c
            .update_location(&tok, &acc, &created.id, &moved)
            .await
            .expect("edit");
        assert_eq!(
            (m.name.as_str(), m.street.as_str()),
            ("Köln-Deutz", "Deutzer Freiheit 2")
        );
        let listed = c.location_infos(&tok, &acc).await.expect("list");
        let l = listed.iter().find(|l| l.id == created.id).expect("listed");
        assert_eq!(
            (l.name.as_str(), l.postal_code.as_str(), l.city.as_str()),
            ("Köln-Deutz", "50667", "Köln")
        );
        // An unchanged edit writes no event.
        c.update_location(&tok, &acc, &created.id, &moved)
            .await
            .expect("same again");

        assert_eq!(
            events(&env).await,
            vec![
                ("location.created".to_string(), Some("Köln".to_string())),
                (
                    "location.renamed".to_string(),
                    Some("Köln → KÖLN".to_string())
                ),
                (
                    "location.renamed".to_string(),
                    Some("KÖLN → Köln-Deutz".to_string())
                ),
                (
                    "location.updated".to_string(),
                    Some("Köln-Deutz".to_string())
                ),
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn names_and_addresses_are_bounded_and_visible() {
    check(|env| async move {
        let tok = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let c = &env.client;
        let field = |field: &str, problem| {
            Some(ErrorDetail::Field {
                field: field.to_string(),
                row: None,
                problem,
            })
        };
        let mut long_street = input("Ok");
        long_street.street = "s".repeat(201);
        for (bad, expected) in [
            (input("   "), field("name", FieldProblem::Required)),
            (
                input(&"n".repeat(101)),
                field("name", FieldProblem::TooLong),
            ),
            (
                input("Ber\u{202E}lin"),
                field("name", FieldProblem::Invalid),
            ),
            (
                input("Ber\u{200B}lin"),
                field("name", FieldProblem::Invalid),
            ),
            (input("Ber\nlin"), field("name", FieldProblem::Invalid)),
            (long_street, field("street", FieldProblem::TooLong)),
        ] {
            let (status, body) = api_error(c.create_location(&tok, &acc, &bad).await);
            assert_eq!((status, body.detail), (422, expected), "{bad:?}");
        }
        assert!(c
            .create_location(&tok, &acc, &input(&"ü".repeat(100)))
            .await
            .is_ok());
        assert!(events(&env).await.len() == 1, "refusals write nothing");
    })
    .await;
}

#[tokio::test]
async fn a_location_with_users_is_deleted_only_by_moving_them() {
    check(|env| async move {
        let tok = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let c = &env.client;
        let list = c.location_infos(&tok, &acc).await.expect("list");
        let (berlin, hamburg) = (&list[0], &list[1]);
        let n = berlin.user_count;
        assert!(n > 0);

        let (status, body) = api_error(c.delete_location(&tok, &acc, &berlin.id, None).await);
        assert_eq!(
            (status, body.detail),
            (409, Some(ErrorDetail::LocationHasUsers { users: n }))
        );
        let (status, body) = api_error(
            c.delete_location(&tok, &acc, &berlin.id, Some(&berlin.id))
                .await,
        );
        assert_eq!(status, 422, "{body:?}");
        let (status, body) = api_error(
            c.delete_location(&tok, &acc, &berlin.id, Some("no-such-location"))
                .await,
        );
        assert_eq!(
            (status, body.detail),
            (422, Some(ErrorDetail::UnknownLocation { row: None }))
        );
        let (status, _) = api_error(
            c.delete_location(&tok, &acc, "no-such-location", None)
                .await,
        );
        assert_eq!(status, 404);
        assert_eq!(
            c.location_infos(&tok, &acc).await.expect("list"),
            list,
            "nothing changed"
        );

        let done = c
            .delete_location(&tok, &acc, &berlin.id, Some(&hamburg.id))
            .await
            .expect("delete, moving the users");
        assert_eq!(done.moved_users, n);
        let after = c.location_infos(&tok, &acc).await.expect("list");
        assert!(after.iter().all(|l| l.id != berlin.id));
        let h = after.iter().find(|l| l.id == hamburg.id).expect("hamburg");
        assert_eq!(h.user_count, hamburg.user_count + n);
        let at_hamburg = c
            .users(
                &tok,
                &acc,
                &UserQuery {
                    location_id: Some(hamburg.id.clone()),
                    ..Default::default()
                },
            )
            .await
            .expect("users");
        assert_eq!(at_hamburg.users.len() as u32, h.user_count);

        // An empty location goes without a target.
        let empty = c
            .create_location(&tok, &acc, &input("Leer"))
            .await
            .expect("create");
        let gone = c
            .delete_location(&tok, &acc, &empty.id, None)
            .await
            .expect("delete empty");
        assert_eq!(gone.moved_users, 0);

        let ev = events(&env).await;
        assert_eq!(
            ev[0],
            (
                "location.deleted".to_string(),
                Some(format!("Berlin → Hamburg ({n} users)"))
            )
        );
        assert_eq!(ev.last().map(|e| e.0.as_str()), Some("location.deleted"));
    })
    .await;
}

#[tokio::test]
async fn only_owner_and_admin_and_only_their_own_account() {
    check(|env| async move {
        let own = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let c = &env.client;
        let list = c.location_infos(&own, &acc).await.expect("list");
        let admin = seeded_session(&env, &own, "jonas.becker").await;
        let billing = seeded_session(&env, &own, "lea.schmidt").await;
        let user = seeded_session(&env, &own, "paul.wagner").await;
        for tok in [&billing, &user] {
            assert_eq!(api_error(c.location_infos(tok, &acc).await).0, 403);
            assert_eq!(
                api_error(c.create_location(tok, &acc, &input("X")).await).0,
                403
            );
            assert_eq!(
                api_error(c.update_location(tok, &acc, &list[2].id, &input("X")).await).0,
                403
            );
            assert_eq!(
                api_error(
                    c.delete_location(tok, &acc, &list[2].id, Some(&list[0].id))
                        .await
                )
                .0,
                403
            );
        }
        let made = c
            .create_location(&admin, &acc, &input("Admin-Standort"))
            .await
            .expect("an Admin may");

        let other = seed_demo(
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
        let b = c
            .login_password(&common::login(&other.owner_email, &other.owner_password))
            .await
            .expect("B signs in")
            .access_token;
        let b_acc = other.account_id.clone();
        // B names A's account: 404; B names A's location under its own account: 404 as well.
        assert_eq!(api_error(c.location_infos(&b, &acc).await).0, 404);
        assert_eq!(
            api_error(c.create_location(&b, &acc, &input("X")).await).0,
            404
        );
        assert_eq!(
            api_error(c.update_location(&b, &b_acc, &made.id, &input("X")).await).0,
            404
        );
        assert_eq!(
            api_error(c.delete_location(&b, &b_acc, &made.id, None).await).0,
            404
        );
        // Moving users into another account's location is refused like an unknown one.
        let b_list = c.location_infos(&b, &b_acc).await.expect("B's list");
        let (status, _) = api_error(
            c.delete_location(&b, &b_acc, &b_list[0].id, Some(&list[1].id))
                .await,
        );
        assert_eq!(status, 422);
        // The same name is fine in another account.
        c.create_location(&b, &b_acc, &input("Admin-Standort"))
            .await
            .expect("names are unique per account only");
        assert_eq!(
            c.location_infos(&own, &acc).await.expect("list").len(),
            list.len() + 1
        );
    })
    .await;
}
