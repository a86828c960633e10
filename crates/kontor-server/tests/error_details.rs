//! Every refusal the portal sends carries its typed detail (which e-mail, which product, how many seats, which
//! row, who may do what), so the app can say it in the user's language; run on SQLite and PostgreSQL.

mod common;

use common::{api_error, check, login, owner, seeded_session, Env};
use kontor_api::{
    ActivationRequestUpload, ChangePassword, CreateUsers, ErrorBody, ErrorCode, ErrorDetail,
    FieldProblem, LicenseChange, NewUser, OwnerAction, PasswordLogin, Resource, Role, UpdateUser,
    UserQuery,
};
use kontor_client::ClientError;

fn nu(email: &str, role: Role, licenses: &[&str]) -> NewUser {
    NewUser {
        email: email.to_string(),
        display_name: format!("Name of {email}"),
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

/// The status, code and detail of a refused call; the English message still names the case.
fn refused<T: std::fmt::Debug>(r: Result<T, ClientError>) -> (u16, ErrorCode, ErrorDetail) {
    let (status, body): (u16, ErrorBody) = api_error(r);
    let detail = body.detail.clone().unwrap_or_else(|| {
        panic!("the refusal has no detail: {body:?}");
    });
    assert_eq!(body.code, detail.code(), "the detail names the code");
    assert_eq!(status, body.code.http_status());
    assert!(!body.message.is_empty());
    (status, body.code, detail)
}

#[tokio::test]
async fn creating_users_is_refused_with_the_e_mail_the_row_and_the_seats() {
    check(|env| async move {
        let tok = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let create = |users: Vec<NewUser>| {
            let (c, tok, acc) = (env.client.clone(), tok.clone(), acc.clone());
            async move { c.create_users(&tok, &acc, &CreateUsers { users }).await }
        };

        let r = create(vec![nu("emma.koch@muster.example", Role::User, &[])]).await;
        assert_eq!(
            refused(r),
            (
                409,
                ErrorCode::Conflict,
                ErrorDetail::EmailInUse {
                    email: Some("emma.koch@muster.example".into())
                }
            )
        );
        let r = create(vec![
            nu("twice@muster.example", Role::User, &[]),
            nu("TWICE@muster.example", Role::User, &[]),
        ])
        .await;
        assert_eq!(
            refused(r).2,
            ErrorDetail::EmailRepeated {
                email: "twice@muster.example".into()
            }
        );
        let r = create(vec![
            nu("ok@muster.example", Role::User, &[]),
            nu("not-an-address", Role::User, &[]),
        ])
        .await;
        assert_eq!(
            refused(r),
            (
                422,
                ErrorCode::Validation,
                ErrorDetail::Field {
                    field: "email".into(),
                    row: Some(1),
                    problem: FieldProblem::InvalidEmail
                }
            )
        );
        let r = create(vec![nu("o@muster.example", Role::Owner, &[])]).await;
        assert_eq!(
            refused(r).2,
            ErrorDetail::OwnerNotCreatable { row: Some(0) }
        );
        let r = create(vec![nu("p@muster.example", Role::User, &["nope"])]).await;
        assert_eq!(
            refused(r).2,
            ErrorDetail::UnknownProduct {
                product: "nope".into(),
                row: Some(0)
            }
        );
        let mut at = nu("l@muster.example", Role::User, &[]);
        at.location_id = Some("no-such-location".into());
        assert_eq!(
            refused(create(vec![nu("k@muster.example", Role::User, &[]), at]).await).2,
            ErrorDetail::UnknownLocation { row: Some(1) }
        );
        // Analytics: 4 of 5 seats used; three more need two that are not there.
        let r = create(vec![
            nu("a1@muster.example", Role::User, &["analytics"]),
            nu("a2@muster.example", Role::User, &["analytics"]),
            nu("a3@muster.example", Role::User, &["analytics"]),
        ])
        .await;
        assert_eq!(
            refused(r),
            (
                409,
                ErrorCode::Conflict,
                ErrorDetail::NotEnoughSeats {
                    product: "Analytics Add-on".into(),
                    missing: 2
                }
            )
        );
        let r = create(Vec::new()).await;
        assert!(
            matches!(refused(r).2, ErrorDetail::Count { ref field, min: 1, .. } if field == "users")
        );
    })
    .await;
}

#[tokio::test]
async fn license_changes_name_the_product_and_the_missing_seats() {
    check(|env| async move {
        let tok = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let all = env
            .client
            .users(&tok, &acc, &UserQuery::default())
            .await
            .expect("users");
        let ids: Vec<String> = all.users.iter().map(|u| u.id.clone()).collect();
        let change = |assign: &[&str], revoke: &[&str]| LicenseChange {
            user_ids: ids.clone(),
            assign: assign.iter().map(|s| s.to_string()).collect(),
            revoke: revoke.iter().map(|s| s.to_string()).collect(),
        };
        let (status, code, detail) = refused(
            env.client
                .change_licenses(&tok, &acc, &change(&["analytics"], &[]))
                .await,
        );
        assert_eq!((status, code), (409, ErrorCode::Conflict));
        match detail {
            ErrorDetail::NotEnoughSeats { product, missing } => {
                assert_eq!(product, "Analytics Add-on");
                assert!(missing >= 1, "{missing}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            refused(
                env.client
                    .change_licenses(&tok, &acc, &change(&[], &[]))
                    .await
            )
            .2,
            ErrorDetail::NothingToChange
        );
        assert_eq!(
            refused(
                env.client
                    .change_licenses(&tok, &acc, &change(&["nope"], &[]))
                    .await
            )
            .2,
            ErrorDetail::UnknownProduct {
                product: "nope".into(),
                row: None
            }
        );
    })
    .await;
}

#[tokio::test]
async fn owner_rules_and_roles_say_who_may_do_what() {
    check(|env| async move {
        let tok = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let owner_id = uid(&env, "admin").await;
        let c = &env.client;

        assert_eq!(
            refused(c.delete_user(&tok, &acc, &owner_id).await),
            (409, ErrorCode::Conflict, ErrorDetail::CannotDeleteSelf)
        );
        let keep = UpdateUser {
            display_name: "The Owner".into(),
            role: Role::Admin,
            location_id: None,
        };
        assert_eq!(
            refused(c.update_user(&tok, &acc, &owner_id, &keep).await).2,
            ErrorDetail::OwnerKeepsRole
        );
        let blank = UpdateUser {
            display_name: "  ".into(),
            role: Role::User,
            location_id: None,
        };
        let emma = uid(&env, "emma.koch").await;
        assert_eq!(
            refused(c.update_user(&tok, &acc, &emma, &blank).await).2,
            ErrorDetail::Field {
                field: "display_name".into(),
                row: None,
                problem: FieldProblem::Required
            }
        );
        assert_eq!(
            refused(c.delete_user(&tok, &acc, "no-such-user").await),
            (
                404,
                ErrorCode::NotFound,
                ErrorDetail::NotFound {
                    what: Resource::User
                }
            )
        );

        let admin = seeded_session(&env, &tok, "jonas.becker").await;
        let forbidden = |action| (403, ErrorCode::Forbidden, ErrorDetail::OwnerOnly { action });
        assert_eq!(
            refused(c.delete_user(&admin, &acc, &owner_id).await),
            forbidden(OwnerAction::Delete)
        );
        assert_eq!(
            refused(c.reset_password(&admin, &acc, &owner_id).await.map(|_| ())),
            forbidden(OwnerAction::Reset)
        );
        let rename = UpdateUser {
            display_name: "Renamed".into(),
            role: Role::Owner,
            location_id: None,
        };
        assert_eq!(
            refused(c.update_user(&admin, &acc, &owner_id, &rename).await),
            forbidden(OwnerAction::Change)
        );
        assert_eq!(
            refused(c.update_user(&admin, &acc, &emma, &rename).await),
            forbidden(OwnerAction::Make)
        );
        // An Admin's own password goes through the own password change, and their role stays.
        let jonas = uid(&env, "jonas.becker").await;
        assert_eq!(
            refused(c.reset_password(&admin, &acc, &jonas).await.map(|_| ())),
            (403, ErrorCode::Forbidden, ErrorDetail::UseOwnPasswordChange)
        );
        let step_down = UpdateUser {
            display_name: "Jonas Becker".into(),
            role: Role::User,
            location_id: None,
        };
        assert_eq!(
            refused(c.update_user(&admin, &acc, &jonas, &step_down).await),
            (403, ErrorCode::Forbidden, ErrorDetail::OwnRoleFixed)
        );
        assert_eq!(
            refused(
                c.update_user(
                    &admin,
                    &acc,
                    &emma,
                    &UpdateUser {
                        role: Role::Admin,
                        ..step_down.clone()
                    }
                )
                .await
            ),
            forbidden(OwnerAction::MakeAdmin)
        );

        let user = seeded_session(&env, &tok, "paul.wagner").await;
        assert_eq!(
            refused(c.users(&user, &acc, &UserQuery::default()).await),
            (403, ErrorCode::Forbidden, ErrorDetail::RoleNotAllowed)
        );

        // A temporary password must be replaced before anything else.
        let temp = c.reset_password(&tok, &acc, &emma).await.expect("reset");
        let pending = c
            .login_password(&login("emma.koch@muster.example", &temp.temporary_password))
            .await
            .expect("sign in")
            .access_token;
        assert_eq!(
            refused(c.account(&pending, &acc).await).2,
            ErrorDetail::PasswordChangeRequired
        );
        let wrong = ChangePassword {
            current_password: "not the temporary one".into(),
            new_password: "a-Brand-new-passw0rd".into(),
        };
        assert_eq!(
            refused(c.change_password(&pending, &wrong).await).2,
            ErrorDetail::Field {
                field: "current_password".into(),
                row: None,
                problem: FieldProblem::Incorrect
            }
        );
    })
    .await;
}

#[tokio::test]
async fn sign_in_fields_licenses_and_unknown_routes_have_details() {
    check(|env| async move {
        let c = &env.client;
        let bad = PasswordLogin {
            email: "no address".into(),
            password: "x".into(),
            remember: false,
        };
        assert_eq!(
            refused(c.login_password(&bad).await),
            (
                422,
                ErrorCode::Validation,
                ErrorDetail::Field {
                    field: "email".into(),
                    row: None,
                    problem: FieldProblem::InvalidEmail
                }
            )
        );
        let tok = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let garbage = ActivationRequestUpload {
            request: "not a request".into(),
        };
        assert_eq!(
            refused(c.activate_machine(&tok, &acc, &garbage).await).2,
            ErrorDetail::InvalidActivationRequest
        );
        let resp = reqwest::get(format!("{}/api/v1/no-such-route", env.base_url))
            .await
            .expect("get");
        assert_eq!(resp.status(), 404);
        let body: ErrorBody = resp.json().await.expect("error body");
        assert_eq!(
            body.detail,
            Some(ErrorDetail::NotFound {
                what: Resource::Endpoint
            })
        );
    })
    .await;
}
