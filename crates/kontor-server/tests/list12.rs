//! The users list with a search text (issue 12, list12), on SQLite and PostgreSQL: whichever way a page is
//! answered — a filter's few matches kept in one statement (their count is the total), or many matches counted
//! apart and paged by walking the sort index — every page of every order agrees with the unfiltered list:
//! `total`, `deleted_count`, the users in order, `next` until the last page. With more matches than the one
//! statement keeps (2,100), a search combined with role, license, location and status filters, deleted users,
//! equal sort values (the import's users are all created at once: the id decides) and 1–2-character texts.

mod common;

use std::cmp::Ordering;

use common::{all_users, check, owner, Env};
use kontor_api::{
    CreateUsers, ImportBatch, NewUser, Role, UserQuery, UserSort, UserStatus, UserSummary,
};

const MASS: usize = 2_100;

/// Every page of `q`, following `next`; checks the counts on each page against `total` and `deleted`.
async fn walk(
    env: &Env,
    tok: &str,
    mut q: UserQuery,
    total: usize,
    deleted: usize,
) -> Vec<UserSummary> {
    let limit = q.limit.expect("a limit") as usize;
    let mut out = Vec::new();
    loop {
        let page = env
            .client
            .users(tok, &env.seed.account_id, &q)
            .await
            .expect("users page");
        assert_eq!(page.total, total as i64, "total of {q:?}");
        assert_eq!(page.deleted_count, deleted as i64, "deleted_count of {q:?}");
        let n = page.users.len();
        out.extend(page.users);
        match page.next {
            Some(n_) => {
                assert_eq!(n, limit, "a page before the last is full: {q:?}");
                q.after = Some(n_);
            }
            None => {
                assert!(n <= limit);
                return out;
            }
        }
        assert!(out.len() <= total, "more users than the total: {q:?}");
    }
}

fn key_cmp(sort: UserSort, a: &UserSummary, b: &UserSummary) -> Ordering {
    let by = match sort {
        UserSort::Name => a
            .display_name
            .to_lowercase()
            .cmp(&b.display_name.to_lowercase()),
        UserSort::Email => a.email.cmp(&b.email),
        UserSort::Role => a.role.as_str().cmp(b.role.as_str()),
        UserSort::Location => a
            .location_name
            .as_deref()
            .unwrap_or("")
            .cmp(b.location_name.as_deref().unwrap_or("")),
        UserSort::Created => a.created_at.cmp(&b.created_at),
    };
    by.then_with(|| a.id.cmp(&b.id))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_of_a_search_agrees_with_the_whole_list() {
    check(|env| async move {
        let tok = owner(&env).await;
        let acc = env.seed.account_id.clone();
        let c = &env.client;
        let locs = c.locations(&tok, &acc).await.expect("locations");
        // 2,100 imported users (one statement keeps at most 2,000 matches), then a few created with licenses.
        let mass: Vec<NewUser> = (0..MASS)
            .map(|i| NewUser {
                email: format!("m{i:04}@masse.example"),
                display_name: format!("Massen Nutzer {i:04}"),
                role: [Role::User, Role::User, Role::Admin, Role::Billing][i % 4],
                location_id: (i % 4 != 3).then(|| locs[i % 3].id.clone()),
                licenses: vec![],
            })
            .collect();
        c.import_batch(
            &tok,
            &acc,
            &ImportBatch {
                import_id: "list12".into(),
                batch: 0,
                users: mass,
            },
        )
        .await
        .expect("import");
        env.clock.advance(5);
        let licensed: Vec<NewUser> = (0..6)
            .map(|i| NewUser {
                email: format!("lizenz{i}@nutzer.example"),
                display_name: format!("Nutzer mit Lizenz {i}"),
                role: Role::User,
                location_id: Some(locs[i % 3].id.clone()),
                licenses: if i % 2 == 0 { vec!["cmdb".into()] } else { vec![] },
            })
            .collect();
        let created = c
            .create_users(&tok, &acc, &CreateUsers { users: licensed })
            .await
            .expect("create");
        // Deleted users: matching and not matching the searches below.
        let live0 = walk_all(&env, &tok, None).await;
        for email in ["m0007@masse.example", "m0150@masse.example", "m1999@masse.example"] {
            let id = &live0.iter().find(|u| u.email == email).expect(email).id;
            c.delete_user(&tok, &acc, id).await.expect("delete");
        }
        c.delete_user(&tok, &acc, &created.created[1].id)
            .await
            .expect("delete");
        let live = walk_all(&env, &tok, None).await;
        let deleted = walk_all(&env, &tok, Some(UserStatus::Deleted)).await;
        assert_eq!(live.len(), live0.len() - 4);
        assert_eq!(deleted.len(), 4);

        let matches = |u: &UserSummary, q: &str| {
            let q = q.to_lowercase();
            u.display_name.to_lowercase().contains(&q) || u.email.contains(&q)
        };
        // (q, role, license, location, status, limits): few and many matches, short texts, combinations.
        type Case = (
            &'static str,
            Option<Role>,
            Option<&'static str>,
            Option<usize>,
            Option<UserStatus>,
            &'static [u32],
        );
        let cases: [Case; 14] = [
            ("nutzer 00", None, None, None, None, &[7, 200]),
            ("NUTZER 1", None, None, None, None, &[200, 500]),
            ("masse", None, None, None, None, &[500]),
            ("@masse.example", Some(Role::Admin), None, None, None, &[97]),
            ("nutzer", None, Some("cmdb"), None, None, &[2]),
            ("nutzer 01", None, None, Some(1), None, &[5]),
            ("lizenz", None, None, None, Some(UserStatus::PasswordChangeRequired), &[4]),
            ("masse", None, None, None, Some(UserStatus::Deleted), &[2]),
            ("m0", None, None, None, None, &[300]),
            ("1", Some(Role::Billing), None, None, None, &[100]),
            ("nutzer 19", None, None, Some(0), None, &[500]),
            ("nobody-here", None, None, None, None, &[10]),
            // A license alone (the product's id is looked up first), and a code no product has.
            ("", None, Some("cmdb"), None, None, &[150]),
            ("", None, Some("no-such-product"), None, None, &[10]),
        ];
        for (q, role, license, loc, status, limits) in cases {
            let pool = if status == Some(UserStatus::Deleted) {
                &deleted
            } else {
                &live
            };
            let want: Vec<&UserSummary> = pool
                .iter()
                .filter(|u| matches(u, q))
                .filter(|u| role.is_none_or(|r| u.role == r))
                .filter(|u| license.is_none_or(|l| u.licenses.iter().any(|x| x == l)))
                .filter(|u| loc.is_none_or(|i| u.location_id.as_deref() == Some(&locs[i].id)))
                .filter(|u| status.is_none_or(|s| u.status == s))
                .collect();
            for &limit in limits {
                for sort in [
                    UserSort::Name,
                    UserSort::Email,
                    UserSort::Role,
                    UserSort::Location,
                    UserSort::Created,
                ] {
                    for desc in [false, true] {
                        let query = UserQuery {
                            q: Some(q.to_string()),
                            role,
                            license: license.map(str::to_string),
                            location_id: loc.map(|i| locs[i].id.clone()),
                            status,
                            sort,
                            desc,
                            limit: Some(limit),
                            ..UserQuery::default()
                        };
                        let got = walk(&env, &tok, query, want.len(), deleted.len()).await;
                        let mut expect = want.clone();
                        expect.sort_by(|a, b| {
                            let o = key_cmp(sort, a, b);
                            if desc {
                                o.reverse()
                            } else {
                                o
                            }
                        });
                        let got: Vec<&str> = got.iter().map(|u| u.id.as_str()).collect();
                        let expect: Vec<&str> = expect.iter().map(|u| u.id.as_str()).collect();
                        assert!(
                            got == expect,
                            "{} q={q:?} role={role:?} license={license:?} loc={loc:?} status={status:?} \
                             {sort:?} desc={desc} limit={limit}: {} users, {} expected",
                            env.backend,
                            got.len(),
                            expect.len()
                        );
                    }
                }
            }
        }
        // The texts above cover both ways of answering.
        let n = |q: &str| live.iter().filter(|u| matches(u, q)).count();
        assert!(n("masse") > 2_000 && n("nutzer 1") > 900 && n("nutzer 1") <= 2_000);
    })
    .await;
}

/// The whole list of one status (`None`: the live users), sorted by e-mail, 500 a page.
async fn walk_all(env: &Env, tok: &str, status: Option<UserStatus>) -> Vec<UserSummary> {
    let q = UserQuery {
        status,
        sort: UserSort::Email,
        limit: Some(500),
        ..UserQuery::default()
    };
    all_users(env, tok, q).await
}
