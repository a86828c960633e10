//! PostgreSQL's planner statistics, refreshed after bulk writes: an import that grows `users` many times over
//! runs `VACUUM (ANALYZE)` in the background instead of leaving the planner with the table as it was.
//!
//! Why: PostgreSQL plans by the statistics of the last `ANALYZE`, and searches read the trigram indexes'
//! pending entries until a vacuum moves them into the index; autovacuum does both a minute later at the
//! earliest (its nap time), often much later on a busy server. Right after a 100,000-user import into a freshly
//! seeded portal the planner still believed the account had ~400 users, and the users list walked all of them
//! through `users_account_deleted` instead of using the trigram index: a search page took 69–108 ms (one match)
//! and 130–212 ms (11,111 matches) in `cargo bench -p kontor-server --bench import`, 5–9 ms and 12–35 ms with
//! the refresh, and the import itself was no slower (BENCHMARKS.md, session 12).
//!
//! How: every committed batch of new users reports its rows ([`PlannerStats::rows_written`]). When the rows
//! written since the last refresh reach what the last one counted (the table doubled; at least [`MIN_ROWS`]),
//! one background task runs `VACUUM (ANALYZE, SKIP_LOCKED) users, license_assignments` on a connection of
//! the pool. It takes only a `SHARE UPDATE EXCLUSIVE` lock, so the import's next batches and every reader go
//! on meanwhile; a replica that finds another's (or autovacuum's) refresh running skips the table. At most one
//! runs per replica at a time. A 100,000-user import in batches of 5,000 refreshes about five times. SQLite
//! gets no statistics: its plans are chosen in code (`db::users::list_users`), and an `ANALYZE` there could
//! change them.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use sqlx::{Pool, Postgres};

/// Fewer rows written than this never start a refresh (the tests' and a small account's writes).
const MIN_ROWS: u64 = 1_000;

/// Also moves the trigram indexes' pending entries into the index proper (a manual `ANALYZE` leaves them, and
/// every search reads them all) and marks the new pages all-visible (index-only counts): what autovacuum
/// would do, only now.
const REFRESH: &str = "VACUUM (ANALYZE, SKIP_LOCKED) users, license_assignments";
/// What the refresh just counted (`reltuples` is -1 for a table never analysed).
const COUNTED: &str =
    "SELECT GREATEST(reltuples, 0)::BIGINT FROM pg_class WHERE oid = 'users'::regclass";

/// The refresh state of one PostgreSQL database (one per process; see the module doc).
pub struct PlannerStats {
    pool: Pool<Postgres>,
    /// `users` rows written since the last refresh began.
    pending: AtomicU64,
    /// `users` rows the last refresh counted.
    counted: AtomicU64,
    running: AtomicBool,
}

impl PlannerStats {
    pub(crate) fn new(pool: Pool<Postgres>) -> Arc<Self> {
        Arc::new(Self {
            pool,
            pending: AtomicU64::new(0),
            counted: AtomicU64::new(0),
            running: AtomicBool::new(false),
        })
    }

    /// `rows` users were committed: starts a refresh in the background if they add up to enough (see the
    /// module doc). Never waits; outside a Tokio runtime it does nothing.
    pub(crate) fn rows_written(self: &Arc<Self>, rows: u64) {
        let pending = self.pending.fetch_add(rows, Ordering::Relaxed) + rows;
        let due = pending >= MIN_ROWS.max(self.counted.load(Ordering::Relaxed));
        if !due || self.running.swap(true, Ordering::AcqRel) {
            return;
        }
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            self.running.store(false, Ordering::Release);
            return;
        };
        let this = Arc::clone(self);
        rt.spawn(async move {
            // The rows this refresh will see; rows committed while it runs count towards the next one.
            let taken = this.pending.swap(0, Ordering::AcqRel);
            match this.refresh().await {
                Ok(counted) => {
                    this.counted.store(counted, Ordering::Relaxed);
                    tracing::debug!(counted, "planner statistics refreshed");
                }
                Err(e) => {
                    // Not fatal: autovacuum refreshes them later. Count the rows again for the next try.
                    this.pending.fetch_add(taken, Ordering::Relaxed);
                    tracing::warn!(error = %e, "VACUUM (ANALYZE) after a bulk write failed");
                }
            }
            this.running.store(false, Ordering::Release);
        });
    }

    async fn refresh(&self) -> Result<u64, sqlx::Error> {
        // The simple query protocol: VACUUM refuses to run in a (implicit) transaction block.
        sqlx::raw_sql(REFRESH).execute(&self.pool).await?;
        let (n,): (i64,) = sqlx::query_as(COUNTED).fetch_one(&self.pool).await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
