//! Shared state of replicas (issue 12) on both backends: the rate-limit counters live in the database, so a
//! second server on the same database (a replica) sees the first one's failures; background jobs run once
//! per due time whoever offers, a dead replica's lease expires, and the cleanup deletes stale counters; the
//! deployment settings keep their first value; `/api/ready` answers 503 without a database.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::{check, login, Env};
use kontor_server::jobs::{JOBS, JOB_LEASE_SECS};
use kontor_server::{run_due_jobs, start_with, Clock, Config};

async fn guess(base: &str, env: &Env) -> (u16, Option<u64>) {
    let resp = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&login(&env.seed.owner_email, "wrong-wrong"))
        .send()
        .await
        .expect("login request");
    let retry = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    (resp.status().as_u16(), retry)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_server_on_the_same_database_sees_the_sign_in_failures() {
    check(|env| async move {
        for i in 0..10 {
            assert_eq!(guess(&env.base_url, &env).await.0, 401, "guess {i}");
        }
        // A second server (a replica): its own throttles in memory, the same counters in the database.
        let bind: SocketAddr = "127.0.0.1:0".parse().expect("addr");
        let second = start_with(
            Config::new(env.db_url.clone(), bind),
            env.db.clone(),
            env.clock.clone(),
        )
        .await
        .expect("second server");
        let (status, retry) = guess(&second.base_url(), &env).await;
        assert_eq!((status, retry), (429, Some(60)), "{}", env.backend);
        // After the wait one more guess (on either), then a longer wait on both.
        env.clock.advance(60);
        assert_eq!(guess(&second.base_url(), &env).await.0, 401);
        assert_eq!(guess(&env.base_url, &env).await, (429, Some(120)));
        assert_eq!(guess(&second.base_url(), &env).await, (429, Some(120)));
        second.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn background_jobs_run_once_per_due_time_and_a_dead_lease_expires() {
    check(|env| async move {
        let db = env.db.as_ref();
        // The server ran every job at its start.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let mut all = true;
            for (name, _) in JOBS {
                let runs = db.job_state(name).await.expect("job").map_or(0, |s| s.runs);
                all &= runs >= 1;
            }
            if all {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the server's start tick ran the jobs"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let runs = |s: Option<kontor_server::db::replicas::JobState>| s.map_or(0, |s| s.runs);
        let purge_runs = runs(db.job_state("purge_deleted_users").await.expect("job"));
        // Not due yet: nobody runs anything.
        assert!(run_due_jobs(db, env.clock.as_ref(), "a").await.is_empty());
        // Due: the first replica to look runs all, the next none.
        env.clock.advance(3600);
        let a = run_due_jobs(db, env.clock.as_ref(), "a").await;
        assert_eq!(a.len(), JOBS.len(), "{a:?}");
        assert!(a.iter().all(|(_, r)| r.is_ok()), "{a:?}");
        assert!(run_due_jobs(db, env.clock.as_ref(), "b").await.is_empty());
        // A replica that claimed the purge and died holds it until its lease ends.
        env.clock.advance(3600);
        let now = env.clock.now();
        assert!(db
            .claim_job("purge_deleted_users", "dead", now, now + JOB_LEASE_SECS)
            .await
            .expect("claim"));
        let c = run_due_jobs(db, env.clock.as_ref(), "c").await;
        assert!(c.iter().all(|(n, _)| *n != "purge_deleted_users"), "{c:?}");
        assert_eq!(c.len(), JOBS.len() - 1);
        env.clock.advance(JOB_LEASE_SECS);
        let d = run_due_jobs(db, env.clock.as_ref(), "d").await;
        assert_eq!(
            d.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            vec!["purge_deleted_users"]
        );
        let state = db
            .job_state("purge_deleted_users")
            .await
            .expect("job")
            .expect("row");
        assert_eq!(state.runs, purge_runs + 2, "{}", env.backend);
        assert_eq!(state.lease_owner, None);

        // A failed guess leaves a counter; a day later the cleanup deletes it.
        assert_eq!(guess(&env.base_url, &env).await.0, 401);
        env.clock.advance(2 * 24 * 3600);
        let e = run_due_jobs(db, env.clock.as_ref(), "e").await;
        let cleanup = e
            .iter()
            .find(|(n, _)| *n == "rate_limit_cleanup")
            .and_then(|(_, r)| r.clone().ok())
            .expect("cleanup ran");
        let deleted: u64 = cleanup
            .strip_prefix("deleted ")
            .and_then(|n| n.parse().ok())
            .expect("a count");
        assert!(deleted >= 1, "{cleanup}");

        // A deployment setting keeps its first value (the signing key's fingerprint).
        assert_eq!(
            db.record_setting("probe", "one", 1).await.expect("set"),
            "one"
        );
        assert_eq!(
            db.record_setting("probe", "two", 2).await.expect("set"),
            "one"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_answers_503_when_the_database_is_gone_and_health_stays_cheap() {
    check(|env| async move {
        // A server of its own on a pool of its own, so closing it leaves the harness's alone.
        let dir = tempfile::tempdir().expect("tempdir");
        let url = if env.backend == "postgres" {
            env.db_url.clone()
        } else {
            format!("sqlite:{}", dir.path().join("ready.sqlite").display())
        };
        let db = kontor_server::open_database(&url).await.expect("open");
        let bind: SocketAddr = "127.0.0.1:0".parse().expect("addr");
        let server = start_with(Config::new(url, bind), db.clone(), env.clock.clone())
            .await
            .expect("server");
        let get = |path: &'static str| {
            let base = server.base_url();
            async move {
                reqwest::get(format!("{base}{path}"))
                    .await
                    .expect("request")
                    .status()
                    .as_u16()
            }
        };
        assert_eq!(get("/api/ready").await, 200);
        db.close().await;
        assert_eq!(get("/api/ready").await, 503, "{}", env.backend);
        assert_eq!(get("/api/health").await, 200);
        server.shutdown().await;
    })
    .await;
}
