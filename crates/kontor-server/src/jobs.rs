//! Background jobs (issue 12): every replica offers to run them, exactly one runs each per due time. Each
//! replica looks every [`JOB_TICK`] (and at start) for due jobs and runs one only after claiming its `jobs`
//! row (`ReplicaStore::claim_job`: due, and no live lease of another replica — one conditional `UPDATE`,
//! atomic on both backends); done, it sets the next due time. A replica killed mid-job leaves its lease,
//! which expires after [`JOB_LEASE_SECS`], and another replica runs the job again; every job's writes are
//! transactions of their own and idempotent, so nothing is left half done or done twice. Stopping a replica
//! lets a running job finish first.
//!
//! The jobs: `purge_deleted_users` (users deleted longer than the restore window ago), `apply_due_changes`
//! (due package downgrades) and `rate_limit_cleanup` (expired rate-limit counters), each hourly. The mail
//! outbox is not a job here: its worker claims rows with a lease and `SKIP LOCKED` itself (`mail`).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::db::Database;
use crate::error::ServerError;
use crate::service;

/// How often the server purges users deleted longer ago than the restore window.
pub const PURGE_INTERVAL: Duration = Duration::from_secs(3600);
/// How often each replica looks for due jobs.
pub const JOB_TICK: Duration = Duration::from_secs(60);
/// How long a claimed job is this replica's; after that (a killed replica) another one runs it.
pub const JOB_LEASE_SECS: i64 = 600;
/// Rate-limit counters untouched this long are deleted (longer than every limit's window and wait).
pub const COUNTER_RETENTION_SECS: i64 = 24 * 3600;

/// The jobs and how often each is due, in seconds.
pub const JOBS: [(&str, i64); 3] = [
    ("purge_deleted_users", 3600),
    ("apply_due_changes", 3600),
    ("rate_limit_cleanup", 3600),
];

/// Hard-deletes users deleted more than [`kontor_api::RESTORE_WINDOW_SECS`] before `now`, with their license
/// assignments, sessions and license tokens (audit events keep the actor's e-mail). Returns how many.
pub async fn purge_deleted_users(db: &dyn Database, now: i64) -> Result<u64, ServerError> {
    Ok(db
        .purge_deleted(now - kontor_api::RESTORE_WINDOW_SECS)
        .await?)
}

/// Applies the package downgrades due at `now` (see `service::subscription::apply_due_changes`); the
/// server runs it at start and hourly, the invoice run before issuing. Returns how many were applied
/// (a downgrade blocked by licenses over the new limit stays pending and is logged).
pub async fn apply_due_changes(db: &dyn Database, now: i64) -> Result<usize, ServerError> {
    let today = service::subscription::today(now);
    let applied = service::subscription::apply_due_changes(db, today, now).await?;
    Ok(applied.iter().filter(|a| a.result.is_ok()).count())
}

/// A name for this process among the replicas (the lease owner).
pub fn replica_id() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    )
}

async fn run_job(db: &dyn Database, name: &str, now: i64) -> Result<String, ServerError> {
    match name {
        "purge_deleted_users" => Ok(format!("purged {}", purge_deleted_users(db, now).await?)),
        "apply_due_changes" => Ok(format!("applied {}", apply_due_changes(db, now).await?)),
        "rate_limit_cleanup" => Ok(format!(
            "deleted {}",
            db.delete_stale_counters(now - COUNTER_RETENTION_SECS)
                .await?
        )),
        other => Err(ServerError::Internal(format!("unknown job {other}"))),
    }
}

/// Runs every job that is due and that this replica (`owner`) claims; returns what ran and its result.
pub async fn run_due_jobs(
    db: &dyn Database,
    clock: &dyn Clock,
    owner: &str,
) -> Vec<(&'static str, Result<String, String>)> {
    let mut ran = Vec::new();
    for (name, every) in JOBS {
        let now = clock.now();
        match db.claim_job(name, owner, now, now + JOB_LEASE_SECS).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::error!(error = %e, job = name, "cannot claim a background job");
                continue;
            }
        }
        let result = run_job(db, name, now).await.map_err(|e| e.to_string());
        let done = match &result {
            Ok(text) => {
                tracing::info!(job = name, result = %text, "background job done");
                db.finish_job(name, owner, clock.now(), now + every, text)
                    .await
            }
            Err(e) => {
                tracing::error!(error = %e, job = name, "background job failed");
                db.release_job(name, owner, e).await
            }
        };
        if let Err(e) = done {
            tracing::error!(error = %e, job = name, "cannot record a background job's end");
        }
        ran.push((name, result));
    }
    ran
}

/// Runs [`run_due_jobs`] at once and every `tick` until the sender is used or dropped; a job that is
/// running when the stop comes finishes first. `serve` ticks every [`JOB_TICK`]; a server started with the
/// caller's clock (`start_with`: tests, embedders) every [`PURGE_INTERVAL`], as before replicas, so a test
/// that moves its clock sees no job run behind its back.
pub fn spawn(
    db: Arc<dyn Database>,
    clock: Arc<dyn Clock>,
    tick: Duration,
) -> (oneshot::Sender<()>, JoinHandle<()>) {
    let (stop, mut stopped) = oneshot::channel::<()>();
    let owner = replica_id();
    let task = tokio::spawn(async move {
        let mut every = tokio::time::interval(tick);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = &mut stopped => break,
                _ = every.tick() => {
                    run_due_jobs(db.as_ref(), clock.as_ref(), &owner).await;
                }
            }
        }
    });
    (stop, task)
}
