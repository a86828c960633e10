//! scale12l (issue 12, load): the dashboard's user count is kept by the database (`account_user_counts`,
//! triggers) and its used seats are counted from the assignments; both must stay exactly what a count of the
//! rows says, through every way a user comes, goes and comes back, on both backends.

mod common;

use common::{check, owner, Env};
use kontor_api::{
    CreateUsers, ImportBatch, NewUser, RestoreUsers, Role, UserQuery, RESTORE_WINDOW_SECS,
};
use kontor_server::{purge_deleted_users, Clock};

fn nu(email: &str, licenses: &[&str]) -> NewUser {
    NewUser {
        email: email.to_string(),
        display_name: format!("Load {email}"),
        role: Role::User,
        location_id: None,
        licenses: licenses.iter().map(|s| s.to_string()).collect(),
    }
}

/// The summary's user count (checked against what the users list counts itself, `COUNT(*)` over the rows),
/// its used seats and the deleted users' count.
async fn figures(env: &Env, tok: &str) -> (i64, i64, i64) {
    let acc = &env.seed.account_id;
    let summary = env.client.dashboard(tok, acc).await.expect("summary");
    let page = env
        .client
        .users(tok, acc, &UserQuery::default())
        .await
        .expect("users");
    assert_eq!(
        summary.user_count, page.total,
        "the summary's user count is the number of live users ({})",
        env.backend
    );
    (summary.user_count, summary.seats_used, page.deleted_count)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_counts_follow_every_change_of_the_users() {
    check(|env| async move {
        let acc = env.seed.account_id.clone();
        let c = &env.client;
        let tok = owner(&env).await;
        let (n0, seats0, deleted0) = figures(&env, &tok).await;
        assert!(n0 > 0, "the demo account has users");

        // Created (one with a license): +3 users, +1 seat.
        let created = c
            .create_users(
                &tok,
                &acc,
                &CreateUsers {
                    users: vec![
                        nu("load.a@muster.example", &["docs"]),
                        nu("load.b@muster.example", &[]),
                        nu("load.c@muster.example", &[]),
                    ],
                },
            )
            .await
            .expect("create");
        assert_eq!(figures(&env, &tok).await, (n0 + 3, seats0 + 1, deleted0));

        // Deleted: the user and the seat leave the figures; restored: both come back.
        let a = created.created[0].id.clone();
        c.delete_user(&tok, &acc, &a).await.expect("delete");
        assert_eq!(figures(&env, &tok).await, (n0 + 2, seats0, deleted0 + 1));
        c.restore_users(
            &tok,
            &acc,
            &RestoreUsers {
                user_ids: vec![a.clone()],
            },
        )
        .await
        .expect("restore");
        assert_eq!(figures(&env, &tok).await, (n0 + 3, seats0 + 1, deleted0));

        // An import batch: +5; the same batch again changes nothing.
        let batch = ImportBatch {
            import_id: "load-import".into(),
            batch: 0,
            users: (0..5)
                .map(|i| nu(&format!("load.i{i}@muster.example"), &[]))
                .collect(),
        };
        c.import_batch(&tok, &acc, &batch).await.expect("import");
        assert_eq!(figures(&env, &tok).await, (n0 + 8, seats0 + 1, deleted0));
        c.import_batch(&tok, &acc, &batch)
            .await
            .expect("import again");
        assert_eq!(figures(&env, &tok).await, (n0 + 8, seats0 + 1, deleted0));

        // Deleted and purged after the restore window: counted once, when deleted.
        let b = created.created[1].id.clone();
        c.delete_user(&tok, &acc, &b).await.expect("delete b");
        assert_eq!(
            figures(&env, &tok).await,
            (n0 + 7, seats0 + 1, deleted0 + 1)
        );
        env.clock.advance(RESTORE_WINDOW_SECS + 60);
        let purged = purge_deleted_users(env.db.as_ref(), env.clock.now())
            .await
            .expect("purge");
        assert!(purged >= 1, "b was purged");
        let tok = owner(&env).await;
        assert_eq!(figures(&env, &tok).await, (n0 + 7, seats0 + 1, 0));
    })
    .await;
}
