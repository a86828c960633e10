//! The search indexer (issue 12, import speed): on SQLite, imported users wait in `users_search_queue` and
//! enter the trigram index `users_search` after their import, so an import batch's transaction does not pay
//! for ~40 % of its work in FTS5 rows. The users list searches the queue beside the index (exact either way:
//! see migration `20261228090000_search_queue`), so a queued user is found at once, only more slowly.
//!
//! Each import batch [`SearchIndexer::poke`]s the indexer; once no batch came for the configured idle time
//! (`Config::search_index_idle`) it drains the queue in transactions of [`CHUNK`] users, and gives way again
//! as soon as another batch arrives. It also looks every [`TICK`] and at start (users imported by the CLI,
//! by another process, or before a crash: the queue is in the database, nothing is lost). Two indexers on
//! one database take turns: each chunk is one write transaction.
//!
//! On PostgreSQL the same worker merges the trigram GIN indexes' pending lists (`gin_clean_pending_list`):
//! GIN collects new rows' entries there (`fastupdate`) and merges only when a list outgrows 4 MB
//! (`gin_pending_list_limit`) or autovacuum runs — at 100,000 users after ~21,000 inserts, i.e. seldom — and
//! every search reads the whole list meanwhile: measured after a 100,000-user import, a rare search 12–20 ms
//! with the list left as it was and 4–7 ms merged. (A larger limit, to keep merges out of the imports, made
//! the inserts slower, not faster: BENCHMARKS.md, session 17.)

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{oneshot, Notify};
use tokio::task::JoinHandle;

use crate::db::Database;
use crate::error::ServerError;

/// Users indexed per transaction: ~30–60 ms of SQLite's write lock, the longest an import batch that
/// arrives meanwhile waits.
pub const CHUNK: i64 = 2_000;
/// How often the indexer looks at the queue without being poked.
pub const TICK: Duration = Duration::from_secs(30);

/// What the import handlers tell the indexer.
#[derive(Debug, Default)]
pub struct SearchIndexer {
    poked: Notify,
    last_poke: Mutex<Option<Instant>>,
}

impl SearchIndexer {
    pub fn new() -> Self {
        Self::default()
    }

    /// An import batch was committed: index the queue once imports pause.
    pub fn poke(&self) {
        *self.last_poke.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
        self.poked.notify_one();
    }

    /// How much longer to wait until imports have been idle for `idle` (zero: now).
    fn wait_left(&self, idle: Duration) -> Duration {
        let last = *self.last_poke.lock().unwrap_or_else(|p| p.into_inner());
        last.map_or(Duration::ZERO, |at| idle.saturating_sub(at.elapsed()))
    }
}

/// Indexes everything waiting now ([`CHUNK`] users per transaction on SQLite); answers how much (SQLite:
/// users, PostgreSQL: pending-list pages; the CLI's import, tests).
pub async fn drain(db: &dyn Database) -> Result<u64, ServerError> {
    let mut total = 0;
    loop {
        let n = db.index_search_queue(CHUNK).await?;
        if n == 0 {
            return Ok(total);
        }
        total += n;
    }
}

/// Sleeps `d`; `true` if the stop came (or its sender was dropped) meanwhile.
async fn stopped_during(stop: &mut oneshot::Receiver<()>, d: Duration) -> bool {
    tokio::select! {
        _ = stop => true,
        _ = tokio::time::sleep(d) => false,
    }
}

/// Runs the indexer until the sender is used or dropped (a running chunk's transaction finishes first).
pub fn spawn(
    db: Arc<dyn Database>,
    indexer: Arc<SearchIndexer>,
    idle: Duration,
) -> (oneshot::Sender<()>, JoinHandle<()>) {
    let (stop, mut stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        loop {
            // Imports first: wait until none came for `idle`, then index chunk by chunk while none comes.
            loop {
                let left = indexer.wait_left(idle);
                if !left.is_zero() {
                    if stopped_during(&mut stopped, left).await {
                        return;
                    }
                    continue;
                }
                match db.index_search_queue(CHUNK).await {
                    Ok(0) => break,
                    Ok(n) => tracing::debug!(
                        n,
                        "search index: waiting entries indexed (SQLite: users, PostgreSQL: pages)"
                    ),
                    Err(e) => {
                        tracing::error!(error = %e, "search index: indexing the queue failed");
                        break;
                    }
                }
                if !matches!(stopped.try_recv(), Err(oneshot::error::TryRecvError::Empty)) {
                    return;
                }
            }
            tokio::select! {
                _ = &mut stopped => return,
                _ = indexer.poked.notified() => {}
                _ = tokio::time::sleep(TICK) => {}
            }
        }
    });
    (stop, task)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_for_the_idle_time_after_the_last_poke() {
        let ix = SearchIndexer::new();
        let idle = Duration::from_secs(60);
        assert_eq!(ix.wait_left(idle), Duration::ZERO, "never poked: now");
        ix.poke();
        let left = ix.wait_left(idle);
        assert!(left > Duration::from_secs(59) && left <= idle, "{left:?}");
        assert_eq!(ix.wait_left(Duration::ZERO), Duration::ZERO);
    }
}
