//! The users-and-licenses half of the storage ([`UserStore`], a supertrait of `Database`): locations, the
//! filtered keyset users list, bulk create and import batches, edit, soft delete, restore, purge, license
//! changes with seat checks, temporary passwords, and the audit log.
//!
//! Every change runs in ONE transaction with its audit events. Seat-changing transactions first lock the
//! account's seat rows: PostgreSQL `SELECT … FOR UPDATE`; SQLite a no-op `UPDATE` of the same rows as the
//! first statement, which takes the database write lock at once (what `BEGIN IMMEDIATE` would do), so two
//! requests cannot both see the same free seats. License checks are re-done after writing, inside the lock.
//!
//! A soft-deleted user's e-mail moves to `deleted_email` (`email` becomes `<id>@deleted.invalid`), so the
//! address is free for a new user meanwhile; restore moves it back if it is still free.
//!
//! Deleted users keep their `license_assignments` rows as the record of what they held; the seat counts
//! (`seat_usage`, kept by triggers) count live users' assignments only. Restore re-validates those rows against free seats.
//!
//! Code layout: the SQL is in named constants (and `FromRow` row structs); `Sql` runs them, generic over
//! the sqlx backend (one implementation for both), given what differs: the seat lock statement and
//! whether the backend is SQLite (FTS5 search, anonymous `?` placeholders for statements with hundreds of
//! values). Statements whose shape depends on the input (the users list's filters, `IN` lists and multi-row
//! `VALUES` in chunks of [`CHUNK`]) are built by the small helpers `params`, `value_rows` and `bind_args!`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use async_trait::async_trait;
use kontor_api::{
    AuditEvent as AuditEntry, ErrorDetail, Location, Resource, RestoredUser, Role, UserSort,
    UserStatus, UserSummary, RESTORE_WINDOW_SECS,
};
use sqlx::{Encode, Executor, FromRow, IntoArguments, Pool, Type};

pub use crate::domain::{Actor, Outcome, Refusal};

use crate::db::audit::{Chain, NewEntry};
use crate::db::backend::{begin_write, RowsAffected, WriteLock};
use crate::db::postgres::PostgresDatabase;
use crate::db::records::role;
use crate::db::sqlite::SqliteDatabase;
use crate::db::statistics::PlannerStats;
use crate::db::PRODUCT_ID;
use crate::domain::row_u32;
use crate::error::DbResult;

/// The users list's name sort and search key (stored as `users.name_key`).
pub fn name_key(display_name: &str) -> String {
    display_name.to_lowercase()
}

/// The sort value of one row, as carried in a keyset cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortValue {
    Text(String),
    Int(i64),
}

/// A validated users-list query. `q` is lower case.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub q: Option<String>,
    pub role: Option<Role>,
    pub license: Option<String>,
    pub location_id: Option<String>,
    pub status: Option<UserStatus>,
    pub sort: UserSort,
    pub desc: bool,
    /// Keyset: rows strictly after (sort value, id) in the list's order.
    pub after: Option<(SortValue, String)>,
    pub limit: u32,
}

/// One page of the users list.
#[derive(Debug, Clone)]
pub struct UserListPage {
    pub users: Vec<UserSummary>,
    /// Sort value and id of the last row (the next cursor when `has_more`).
    pub last_key: Option<(SortValue, String)>,
    pub has_more: bool,
    pub total: i64,
    pub deleted_count: i64,
}

/// A validated user to create. `email` is normalised; `temp_password_hash` from `auth::hash_temp_password`.
#[derive(Debug, Clone)]
pub struct NewUserRow {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub location_id: Option<String>,
    pub licenses: Vec<String>,
    pub temp_password_hash: String,
}

/// One batch of one client-side import.
#[derive(Debug, Clone)]
pub struct ImportKey {
    pub import_id: String,
    pub batch: u32,
}

impl ImportKey {
    fn key(&self) -> String {
        format!("{}#{}", self.import_id, self.batch)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    Created,
    /// The import batch had been committed before: nothing was created.
    AlreadyDone,
}

/// A user of a committed import batch who has never signed in.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingUser {
    pub id: String,
    pub email: String,
    pub display_name: String,
}

/// A validated edit of a user.
#[derive(Debug, Clone)]
pub struct UserEdit {
    pub display_name: String,
    pub role: Role,
    pub location_id: Option<String>,
    /// Ownership transfer: the acting Owner becomes Admin in the same transaction.
    pub demote_actor: bool,
}

#[async_trait]
pub trait UserStore {
    /// The account's locations by name.
    async fn locations(&self, account_id: &str) -> DbResult<Vec<Location>>;
    async fn list_users(&self, account_id: &str, filter: &UserFilter) -> DbResult<UserListPage>;
    /// A user of the account, live or deleted.
    async fn user_summary(&self, account_id: &str, user_id: &str) -> DbResult<Option<UserSummary>>;
    async fn temp_password_hash(&self, user_id: &str) -> DbResult<Option<String>>;
    /// All or nothing; with `import`, records the batch in the same transaction (a second call with the same
    /// key creates nothing and answers `AlreadyDone`).
    async fn create_users(
        &self,
        actor: &Actor,
        users: &[NewUserRow],
        import: Option<&ImportKey>,
    ) -> Outcome<Created>;
    /// Live users of a committed import batch who never signed in and never chose a password.
    async fn import_pending(
        &self,
        account_id: &str,
        import: &ImportKey,
    ) -> DbResult<Vec<PendingUser>>;
    /// Sets new temporary passwords `(user id, hash)` (flag set, own password cleared, sessions revoked)
    /// and writes `events` `(name, target)`, in one transaction.
    async fn set_temp_passwords(
        &self,
        actor: &Actor,
        hashes: &[(String, String)],
        events: &[(String, String)],
    ) -> DbResult<()>;
    async fn update_user(&self, actor: &Actor, user_id: &str, edit: &UserEdit) -> Outcome<()>;
    /// Soft delete: `deleted_at`, sessions revoked, license rows kept (not counted).
    async fn soft_delete_user(&self, actor: &Actor, user_id: &str) -> Outcome<()>;
    async fn restore_users(&self, actor: &Actor, user_ids: &[String])
        -> Outcome<Vec<RestoredUser>>;
    /// Revokes, then assigns; refuses (changing nothing) if an assigned product ends up over its seats.
    /// Answers the number of assignments added plus removed.
    async fn change_licenses(
        &self,
        actor: &Actor,
        user_ids: &[String],
        assign: &[String],
        revoke: &[String],
    ) -> Outcome<i64>;
    /// The actor's own new Argon2id password: clears the temporary one and the flag, revokes their other
    /// sessions (all but the family of `keep_session`).
    async fn set_password(
        &self,
        actor: &Actor,
        password_hash: &str,
        keep_session: &str,
    ) -> DbResult<()>;
    /// Newest first: the entries matching `filter`, ids below `filter.before`, at most `filter.limit`.
    async fn audit_page(&self, account_id: &str, filter: &AuditFilter)
        -> DbResult<Vec<AuditEntry>>;
    /// Hard-deletes users deleted before `cutoff` with their assignments, sessions and license tokens.
    async fn purge_deleted(&self, cutoff: i64) -> DbResult<u64>;
    /// The addresses among `emails` (normalised, lower case) that a live user has — of `account` only, or
    /// of ANY account with `None` (the vendor's CLI); sorted.
    async fn existing_emails(
        &self,
        account: Option<&str>,
        emails: &[String],
    ) -> DbResult<Vec<String>>;
    /// Live users of the account created by any batch of `import_id`: `(email, product codes)`.
    async fn import_holdings(
        &self,
        account_id: &str,
        import_id: &str,
    ) -> DbResult<Vec<(String, Vec<String>)>>;
    /// The batches of `import_id` the account has committed, ascending.
    async fn import_batches_done(&self, account_id: &str, import_id: &str) -> DbResult<Vec<u32>>;
    /// Moves what waits for the users search's index into it; answers how much (0: nothing waits). SQLite:
    /// up to `limit` imported users from the search queue into the trigram index, in one transaction.
    /// PostgreSQL: the trigram GIN indexes' pending lists merged (`gin_clean_pending_list`), in pages.
    async fn index_search_queue(&self, limit: i64) -> DbResult<u64>;
}

/// Addresses per `IN (…)` of [`UserStore::existing_emails`]: within SQLite's 32,766 and PostgreSQL's 65,535
/// bind parameters, and few round trips for 100,000 addresses.
const EMAIL_CHUNK: usize = 10_000;

/// Rows per multi-row INSERT / ids per IN list: far below SQLite's 32,766 bind parameters.
const CHUNK: usize = 400;

#[derive(Debug, Clone)]
enum Arg {
    Text(String),
    Int(i64),
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct PoolRow {
    product_id: String,
    code: String,
    name: String,
    seats: i64,
    used: i64,
}

/// A user row as the users list and [`UserStore::user_summary`] read it (with [`SUMMARY_COLUMNS`]).
#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: String,
    /// The shown address: the parked one for deleted users.
    email: String,
    display_name: String,
    role: String,
    location_id: Option<String>,
    location_name: Option<String>,
    must_change_password: bool,
    created_at: i64,
    deleted_at: Option<i64>,
}

/// A users-list row: the summary and the row's sort value (`sort_text` or `sort_int`, by the sort).
#[derive(sqlx::FromRow)]
struct PageRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    sort_text: String,
    sort_int: i64,
}

/// A users-list row with the list's counts (the same on every row of the statement).
#[derive(sqlx::FromRow)]
struct ListRow {
    #[sqlx(flatten)]
    page: PageRow,
    total: i64,
    deleted_count: i64,
}

/// An audit-log entry as [`UserStore::audit_page`] reads it.
#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: i64,
    /// The actor's e-mail then (or a system actor's name).
    actor: Option<String>,
    event: String,
    target: String,
    ip: Option<String>,
}

/// The audit page's columns; the filter's conditions follow `WHERE a.account_id = $1 AND a.id < $2`.
const AUDIT_PAGE: &str =
    "SELECT a.id, a.at, COALESCE(a.actor_email, u.deleted_email, u.email) AS actor, \
     a.event, COALESCE(a.target, '') AS target, a.ip \
     FROM audit_events a LEFT JOIN users u ON u.id = a.actor_user_id \
     WHERE a.account_id = $1 AND a.id < $2";

/// A validated audit-page query (`handlers::audit`): every set field narrows the page.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub before: Option<i64>,
    pub limit: u32,
    /// The actor's e-mail (or system name), lower case, exact.
    pub actor: Option<String>,
    /// The event's area (`user`), exact.
    pub area: Option<String>,
    /// The event code (`user.created`), exact.
    pub event: Option<String>,
    /// Unix seconds, inclusive.
    pub from: Option<i64>,
    /// Unix seconds, exclusive.
    pub to: Option<i64>,
}

/// A user as restore reads it: the address to move back and when they were deleted.
#[derive(sqlx::FromRow)]
struct DeletedRow {
    email: String,
    deleted_at: Option<i64>,
}

const DELETED_USER: &str = "SELECT COALESCE(deleted_email, email) AS email, deleted_at FROM users \
     WHERE account_id = $1 AND id = $2";

/// A license a (deleted) user holds.
#[derive(sqlx::FromRow)]
struct HeldRow {
    product_id: String,
    code: String,
}

const HELD_LICENSES: &str = "SELECT la.product_id, p.code FROM license_assignments la \
     JOIN products p ON p.id = la.product_id WHERE la.user_id = $1 ORDER BY p.code";

/// A location as [`UserStore::locations`] reads it.
#[derive(sqlx::FromRow)]
struct LocationRow {
    id: String,
    name: String,
}

const LOCATIONS: &str = "SELECT id, name FROM locations WHERE account_id = $1 ORDER BY name, id";

/// Users of a committed import batch (`$2`: its key) who have never signed in.
const IMPORT_PENDING: &str = "SELECT u.id, u.email, u.display_name FROM users u \
     WHERE u.account_id = $1 AND u.import_key = $2 AND u.deleted_at IS NULL \
     AND u.password_hash IS NULL \
     AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id) ORDER BY u.email";

/// The columns of [`SummaryRow`] over [`SUMMARY_FROM`] (for the list's dynamic query).
const SUMMARY_COLUMNS: &str =
    "u.id, COALESCE(u.deleted_email, u.email) AS email, u.display_name, u.role, \
     u.location_id, l.name AS location_name, u.must_change_password, u.created_at, u.deleted_at";
const SUMMARY_FROM: &str = " FROM users u LEFT JOIN locations l ON l.id = u.location_id";

const USER_SUMMARY: &str = "SELECT u.id, COALESCE(u.deleted_email, u.email) AS email, u.display_name, \
     u.role, u.location_id, l.name AS location_name, u.must_change_password, u.created_at, u.deleted_at \
     FROM users u LEFT JOIN locations l ON l.id = u.location_id WHERE u.account_id = $1 AND u.id = $2";

/// The account's seat pools with the seats live users hold.
///
/// The used seats are kept by triggers in `seat_usage` (migration `20261226090000_seat_usage`): counting the live
/// users' assignments here grew with the account (at 95,000 users a quarter of an import batch's time).
const POOLS: &str =
    "SELECT p.id AS product_id, p.code, p.name, ss.seats, COALESCE(su.used, 0) AS used \
     FROM subscription_seats ss JOIN products p ON p.id = ss.product_id \
     LEFT JOIN seat_usage su ON su.account_id = ss.account_id AND su.product_id = p.id \
     WHERE ss.account_id = $1 ORDER BY p.code";

fn summary_from(r: SummaryRow, licenses: Vec<String>) -> DbResult<UserSummary> {
    let status = if r.deleted_at.is_some() {
        UserStatus::Deleted
    } else if r.must_change_password {
        UserStatus::PasswordChangeRequired
    } else {
        UserStatus::Active
    };
    Ok(UserSummary {
        id: r.id,
        email: r.email,
        display_name: r.display_name,
        role: role(&r.role)?,
        location_id: r.location_id,
        location_name: r.location_name,
        licenses,
        status,
        created_at: r.created_at,
        deleted_at: r.deleted_at,
        purge_at: r.deleted_at.map(|d| d + RESTORE_WINDOW_SECS),
    })
}

/// `$start, $start+1, …` (n placeholders).
fn params(start: usize, n: usize) -> String {
    (start..start + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($s, …), ($s+cols, …)` for `rows` rows of `cols` placeholders.
fn value_rows(rows: usize, cols: usize, start: usize) -> String {
    (0..rows)
        .map(|r| format!("({})", params(start + r * cols, cols)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `%q%` for LIKE with `\` escaping.
fn like_pattern(q: &str) -> String {
    let mut s = String::with_capacity(q.len() + 2);
    s.push('%');
    for c in q.chars() {
        if matches!(c, '\\' | '%' | '_') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}

/// Up to this many candidate rows of the trigram table, a search is driven by them (SQLite): counting and
/// sorting 30,000 candidates costs about 20 ms. Above, a third or more of a 100,000-user account matches, so
/// walking the sort index fills a page within a few hundred rows (and counting cannot avoid a scan anyway);
/// below, the walk may have to pass most of the index before a page is full (measured: 23 ms).
const FTS_MAX_CANDIDATES: i64 = 30_000;

/// Up to this many matches of a search text, the users list keeps their (sort value, id) pairs in one
/// statement and takes the page and the total from them (`list_few`), so the filter is evaluated once instead
/// of twice (count, page). With more (PostgreSQL), the total is counted in a second statement, as before.
/// 1,111 of 100,000 users (the load benchmark's texts) fit.
const LIST_MATCHES: i64 = 2_000;

/// The FTS5 query for the substring `q` in the trigram table `users_search` (SQLite): one quoted phrase, so
/// `q`'s characters are literal. It matches a superset of `LIKE '%q%'` on either column (the tokenizer folds
/// case beyond ASCII), so the list keeps the LIKE as the exact filter. Only for `q` of 3 or more characters:
/// a shorter phrase has no trigram and matches nothing.
fn fts_phrase(q: &str) -> String {
    format!("\"{}\"", q.replace('"', "\"\""))
}

fn sort_expr(sort: UserSort) -> (&'static str, bool) {
    match sort {
        UserSort::Name => ("u.name_key", false),
        UserSort::Email => ("u.email", false),
        UserSort::Role => ("u.role", false),
        UserSort::Location => ("COALESCE(l.name, '')", false),
        UserSort::Created => ("u.created_at", true),
    }
}

/// The shown address of a user (the parked one if deleted).
const EMAIL_OF: &str = "SELECT COALESCE(deleted_email, email) FROM users WHERE id = $1";

const REVOKE_SESSIONS: &str =
    "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL";

/// SQLite: how many candidate rows a search has, counted up to `$2`: the trigram table's matches (`$1`:
/// [`fts_phrase`]) and the users still queued for it (imported, not indexed yet: `search_index`).
const FTS_CANDIDATES: &str =
    "SELECT (SELECT COUNT(*) FROM (SELECT rowid FROM users_search WHERE users_search MATCH $1 LIMIT $2)) \
          + (SELECT COUNT(*) FROM (SELECT user_rowid FROM users_search_queue LIMIT $2))";

/// SQLite: indexes the first `$1` users of the search queue (its delete trigger writes their trigram rows).
const INDEX_SEARCH_QUEUE: &str = "DELETE FROM users_search_queue WHERE user_rowid IN \
     (SELECT user_rowid FROM users_search_queue ORDER BY user_rowid LIMIT $1)";

/// PostgreSQL: merges the users search's GIN pending lists into their indexes (`search_index`); answers the
/// pages merged. Indexes that pg_trgm's absence left out (migration `20261215000000_user_search`) are skipped.
const CLEAN_SEARCH_PENDING: &str =
    "SELECT COALESCE(SUM(gin_clean_pending_list(ix)), 0)::BIGINT FROM \
     (VALUES (to_regclass('users_search_name')), (to_regclass('users_search_email'))) AS v(ix) \
     WHERE ix IS NOT NULL";

/// Whether the role may not merge the pending lists (only an index's owner may); said once per process.
static CLEAN_REFUSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

const DELETED_COUNT: &str =
    "SELECT COUNT(*) FROM users WHERE account_id = $1 AND deleted_at IS NOT NULL";

const TEMP_PASSWORD_HASH: &str = "SELECT temp_password_hash FROM users WHERE id = $1";

/// Records an import batch; no row if it was recorded before.
const INSERT_IMPORT_BATCH: &str =
    "INSERT INTO import_batches (account_id, import_id, batch, user_count, created_at) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id, import_id, batch) DO NOTHING";

const SET_TEMP_PASSWORD: &str =
    "UPDATE users SET temp_password_hash = $3, must_change_password = $4, password_hash = NULL \
     WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL";

const LIVE_USER_EMAIL: &str =
    "SELECT email FROM users WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL";

const LOCATION_EXISTS: &str = "SELECT id FROM locations WHERE account_id = $1 AND id = $2";

const UPDATE_USER: &str =
    "UPDATE users SET display_name = $3, name_key = $4, role = $5, location_id = $6 \
     WHERE account_id = $1 AND id = $2";

const SET_ROLE: &str = "UPDATE users SET role = $3 WHERE account_id = $1 AND id = $2";

/// Parks the e-mail in `deleted_email` (`$4`: `DELETED_EMAIL_SUFFIX`).
const SOFT_DELETE: &str =
    "UPDATE users SET deleted_at = $3, deleted_email = email, email = id || $4 \
     WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL";

const LIVE_USER_BY_EMAIL: &str =
    "SELECT id FROM users WHERE email = $1 AND account_id = $2 AND deleted_at IS NULL";

/// Moves the parked e-mail back.
const RESTORE_USER: &str =
    "UPDATE users SET deleted_at = NULL, email = deleted_email, deleted_email = NULL \
     WHERE account_id = $1 AND id = $2";

const DELETE_ASSIGNMENT: &str =
    "DELETE FROM license_assignments WHERE user_id = $1 AND product_id = $2";

const SET_PASSWORD: &str =
    "UPDATE users SET password_hash = $3, temp_password_hash = NULL, must_change_password = $4 \
     WHERE account_id = $1 AND id = $2";

/// Revokes the user's sessions except the family of session `$3`.
const REVOKE_OTHER_SESSIONS: &str =
    "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL \
     AND family_id <> (SELECT family_id FROM sessions WHERE id = $3)";

/// Before [`PURGE_USERS`]: the audit events of users deleted before `$1` keep their address, then their
/// license assignments, sessions and license tokens go.
const PURGE_DEPENDENTS: [&str; 4] = [
    "UPDATE audit_events SET actor_email = COALESCE(actor_email, \
     (SELECT COALESCE(deleted_email, email) FROM users WHERE users.id = audit_events.actor_user_id)), \
     actor_user_id = NULL \
     WHERE actor_user_id IN (SELECT id FROM users WHERE deleted_at IS NOT NULL AND deleted_at < $1)",
    "DELETE FROM license_assignments \
     WHERE user_id IN (SELECT id FROM users WHERE deleted_at IS NOT NULL AND deleted_at < $1)",
    "DELETE FROM sessions \
     WHERE user_id IN (SELECT id FROM users WHERE deleted_at IS NOT NULL AND deleted_at < $1)",
    "DELETE FROM license_tokens \
     WHERE user_id IN (SELECT id FROM users WHERE deleted_at IS NOT NULL AND deleted_at < $1)",
];

/// Hard-deletes users deleted before `$1`.
const PURGE_USERS: &str = "DELETE FROM users WHERE deleted_at IS NOT NULL AND deleted_at < $1";

/// Users of every batch of an import (`$2`: LIKE pattern `id#%`) with their product codes.
const IMPORT_HOLDINGS: &str = "SELECT u.email, p.code FROM users u \
     LEFT JOIN license_assignments la ON la.user_id = u.id \
     LEFT JOIN products p ON p.id = la.product_id \
     WHERE u.account_id = $1 AND u.import_key LIKE $2 ESCAPE '\\' AND u.deleted_at IS NULL \
     ORDER BY u.email";

const IMPORT_BATCHES_DONE: &str =
    "SELECT batch FROM import_batches WHERE account_id = $1 AND import_id = $2 ORDER BY batch";

/// Locks the account's seat rows (the backends differ; see the module doc): SQLite a no-op `UPDATE` of the
/// same rows, which takes the database write lock at once.
const SQLITE_LOCK_SEATS: &str = "UPDATE subscription_seats SET seats = seats WHERE account_id = $1";

/// Locks the account's seat rows: PostgreSQL `SELECT … FOR UPDATE`.
const POSTGRES_LOCK_SEATS: &str =
    "SELECT product_id FROM subscription_seats WHERE account_id = $1 FOR UPDATE";

macro_rules! bind_args {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Arg::Text(s) => q.bind(s.clone()),
                Arg::Int(i) => q.bind(*i),
            };
        }
        q
    }};
}

macro_rules! refuse {
    ($tx:expr, $r:expr) => {{
        $tx.rollback().await?;
        return Ok(Err($r));
    }};
}

/// The users statements over one backend's pool, written once for both: `sqlite` says whether it is SQLite
/// (FTS5 search, anonymous `?` placeholders for statements with hundreds of values), `lock_seats` is its seat
/// lock statement; the sqlx bounds are gathered in one `where` clause.
struct Sql<'p, DB: sqlx::Database> {
    pool: &'p Pool<DB>,
    sqlite: bool,
    lock_seats: &'static str,
    /// SQLite's one writer at a time: every write transaction queues here (fair, first come first served)
    /// before it begins, instead of in SQLite's busy handler, which polls unfairly and gave up after its
    /// timeout with `database is locked` (HTTP 500) under 16 concurrent writers. Unused on PostgreSQL.
    write_lock: &'p WriteLock<DB>,
    /// PostgreSQL: told of every committed batch of new users (`db::statistics`); `None` on SQLite.
    stats: Option<&'p Arc<PlannerStats>>,
}

impl<DB: sqlx::Database> Sql<'_, DB>
where
    DB: sqlx::Database,
    DB::QueryResult: RowsAffected,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB> + Type<DB>,
    for<'r> (String,): FromRow<'r, DB::Row>,
    for<'r> (i64,): FromRow<'r, DB::Row>,
    for<'r> (Option<String>,): FromRow<'r, DB::Row>,
    for<'r> (String, String): FromRow<'r, DB::Row>,
    for<'r> (String, Option<String>): FromRow<'r, DB::Row>,
    for<'r> PoolRow: FromRow<'r, DB::Row>,
    for<'r> SummaryRow: FromRow<'r, DB::Row>,
    for<'r> PageRow: FromRow<'r, DB::Row>,
    for<'r> ListRow: FromRow<'r, DB::Row>,
    for<'r> AuditRow: FromRow<'r, DB::Row>,
    for<'r> LocationRow: FromRow<'r, DB::Row>,
    for<'r> PendingUser: FromRow<'r, DB::Row>,
    for<'r> DeletedRow: FromRow<'r, DB::Row>,
    for<'r> HeldRow: FromRow<'r, DB::Row>,
    for<'r> (i64, String): FromRow<'r, DB::Row>,
{
    /// `n` placeholders from `$1` for a statement that has no others: SQLite gets anonymous `?`, because
    /// sqlx maps each named `$i` through `sqlite3_bind_parameter_name`, a linear search, which made a
    /// 4,400-parameter INSERT quadratic (44 % of an import's time).
    fn params(&self, n: usize) -> String {
        if self.sqlite {
            vec!["?"; n].join(", ")
        } else {
            params(1, n)
        }
    }

    /// `rows` rows of `cols` placeholders from `$1`, as [`params`].
    fn value_rows(&self, rows: usize, cols: usize) -> String {
        if self.sqlite {
            let row = format!("({})", self.params(cols));
            vec![row.as_str(); rows].join(", ")
        } else {
            value_rows(rows, cols, 1)
        }
    }

    /// Locks the account's seat rows (see the module doc).
    async fn lock(&self, c: &mut DB::Connection, account_id: &str) -> DbResult<()> {
        sqlx::query::<DB>(self.lock_seats)
            .bind(account_id)
            .execute(&mut *c)
            .await?;
        Ok(())
    }

    async fn pools(&self, c: &mut DB::Connection, account_id: &str) -> DbResult<Vec<PoolRow>> {
        Ok(sqlx::query_as::<DB, PoolRow>(POOLS)
            .bind(account_id)
            .fetch_all(&mut *c)
            .await?)
    }

    /// The first of `users` (in their order) whose address a live user of the account has: the answer to a
    /// batch insert refused by the unique index `(account_id, email)`. `None` if that user is gone by now.
    async fn first_taken_email(
        &self,
        account_id: &str,
        users: &[NewUserRow],
    ) -> DbResult<Option<String>> {
        let mut taken = HashSet::new();
        for chunk in users.chunks(CHUNK) {
            // Numbered placeholders on both backends: this runs only for a refused batch.
            let sql = format!(
                "SELECT email FROM users WHERE account_id = $1 AND email IN ({})",
                params(2, chunk.len())
            );
            let mut q = sqlx::query_as::<DB, (String,)>(&sql).bind(account_id);
            for u in chunk {
                q = q.bind(&u.email);
            }
            taken.extend(q.fetch_all(self.pool).await?.into_iter().map(|r| r.0));
        }
        Ok(users
            .iter()
            .find(|u| taken.contains(&u.email))
            .map(|u| u.email.clone()))
    }

    async fn email_of(&self, c: &mut DB::Connection, user_id: &str) -> DbResult<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as::<DB, _>(EMAIL_OF)
            .bind(user_id)
            .fetch_optional(&mut *c)
            .await?;
        Ok(row.map(|r| r.0))
    }

    /// Appends `(event, target)` entries of `actor` to the account's audit chain (`db::audit`).
    async fn audit(
        &self,
        c: &mut DB::Connection,
        actor: &Actor,
        events: &[(String, String)],
    ) -> DbResult<()> {
        let (actor_user_id, actor_email) = match &actor.system {
            Some(name) => (None, Some(name.clone())),
            None => (
                Some(actor.user_id.as_str()),
                self.email_of(c, &actor.user_id).await?,
            ),
        };
        let entries: Vec<NewEntry<'_>> = events
            .iter()
            .map(|(event, target)| NewEntry {
                account_id: &actor.account_id,
                actor_user_id,
                actor_email: actor_email.as_deref(),
                event,
                target: Some(target),
                ip: actor.ip.as_deref(),
                at: actor.at,
            })
            .collect();
        Chain::<DB>::append(c, &entries).await
    }

    async fn revoke_sessions(
        &self,
        c: &mut DB::Connection,
        user_id: &str,
        at: i64,
    ) -> DbResult<()> {
        sqlx::query::<DB>(REVOKE_SESSIONS)
            .bind(user_id)
            .bind(at)
            .execute(&mut *c)
            .await?;
        Ok(())
    }

    /// Product codes per user, sorted.
    async fn licenses_of(
        &self,
        c: &mut DB::Connection,
        user_ids: &[String],
    ) -> DbResult<HashMap<String, Vec<String>>> {
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        for chunk in user_ids.chunks(CHUNK) {
            let sql = format!(
                "SELECT la.user_id, p.code FROM license_assignments la \
                 JOIN products p ON p.id = la.product_id WHERE la.user_id IN ({}) ORDER BY p.code",
                self.params(chunk.len())
            );
            let mut q = sqlx::query_as::<DB, (String, String)>(&sql);
            for id in chunk {
                q = q.bind(id);
            }
            for (u, code) in q.fetch_all(&mut *c).await? {
                out.entry(u).or_default().push(code);
            }
        }
        Ok(out)
    }

    async fn locations(&self, account_id: &str) -> DbResult<Vec<Location>> {
        let rows: Vec<LocationRow> = sqlx::query_as::<DB, LocationRow>(LOCATIONS)
            .bind(account_id)
            .fetch_all(self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| Location {
                id: r.id,
                name: r.name,
            })
            .collect())
    }

    async fn list_users(&self, account_id: &str, f: &UserFilter) -> DbResult<UserListPage> {
        let mut conn = self.pool.acquire().await?;
        // SQLite: a search text with few candidate rows in the trigram table is answered from them
        // (rowid lookups, then sorting them); a text most users match is answered by walking the sort
        // index with the LIKE, which finds a page quickly. SQLite's planner cannot tell the two apart
        // (FTS5 gives it no row estimate), so the choice is made here, by counting candidates up to a cap.
        let mut fts = None;
        // Whether the filter may match few users, so that one statement answers it (`list_few`): SQLite knows
        // it from the candidates; PostgreSQL tries it for every text of 3 or more characters (pg_trgm), since
        // its statement keeps only the first matches in list order, which a common text's page reads anyway.
        let mut few = !self.sqlite && f.q.as_deref().is_some_and(|q| q.chars().count() >= 3);
        if let Some(q) =
            f.q.as_deref()
                .filter(|q| self.sqlite && q.chars().count() >= 3)
        {
            let phrase = fts_phrase(q);
            let (n,): (i64,) = sqlx::query_as::<DB, _>(FTS_CANDIDATES)
                .bind(&phrase)
                .bind(FTS_MAX_CANDIDATES + 1)
                .fetch_one(&mut *conn)
                .await?;
            if n <= FTS_MAX_CANDIDATES {
                fts = Some(phrase);
                few = n <= LIST_MATCHES;
            }
        }
        let mut args = vec![Arg::Text(account_id.to_string())];
        // `+` keeps SQLite from driving the query by an account index when the candidates drive it.
        let mut wh = String::from(if fts.is_some() {
            " WHERE +u.account_id = $1"
        } else {
            " WHERE u.account_id = $1"
        });
        wh.push_str(match f.status {
            None => " AND u.deleted_at IS NULL",
            Some(UserStatus::Active) => " AND u.deleted_at IS NULL AND NOT u.must_change_password",
            Some(UserStatus::PasswordChangeRequired) => {
                " AND u.deleted_at IS NULL AND u.must_change_password"
            }
            Some(UserStatus::Deleted) => " AND u.deleted_at IS NOT NULL",
        });
        if let Some(q) = &f.q {
            // SQLite: the trigram table narrows the rows first (see `fts_phrase`) when few match; the LIKE
            // stays as the exact filter. PostgreSQL: pg_trgm indexes serve the LIKE itself.
            if let Some(phrase) = &fts {
                args.push(Arg::Text(phrase.clone()));
                wh.push_str(&format!(
                    " AND u.rowid IN (SELECT rowid FROM users_search WHERE users_search MATCH ${} \
                     UNION ALL SELECT user_rowid FROM users_search_queue)",
                    args.len()
                ));
            }
            let pat = like_pattern(q);
            args.push(Arg::Text(pat.clone()));
            args.push(Arg::Text(pat));
            let n = args.len();
            wh.push_str(&format!(
                " AND (u.name_key LIKE ${} ESCAPE '\\' OR COALESCE(u.deleted_email, u.email) LIKE ${n} ESCAPE '\\')",
                n - 1
            ));
        }
        if let Some(r) = f.role {
            args.push(Arg::Text(r.as_str().to_string()));
            wh.push_str(&format!(" AND u.role = ${}", args.len()));
        }
        if let Some(code) = &f.license {
            // The product's id as a value, not a join by code: PostgreSQL's planner then knows from its
            // statistics how many users hold it. Joined by code it guessed ~150 of 90,000 holders, drove the
            // page from the assignments and sorted them all (437 ms at 100,000 users) instead of walking the
            // sort index and stopping after the page (1.5 ms). An unknown code gets an id no product has
            // (ids are UUIDs): nobody matches, as before.
            let product: Option<(String,)> = sqlx::query_as::<DB, _>(PRODUCT_ID)
                .bind(code)
                .fetch_optional(&mut *conn)
                .await?;
            args.push(Arg::Text(product.map(|p| p.0).unwrap_or_default()));
            wh.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM license_assignments la WHERE la.user_id = u.id AND la.product_id = ${})",
                args.len()
            ));
        }
        if let Some(loc) = &f.location_id {
            args.push(Arg::Text(loc.clone()));
            wh.push_str(&format!(" AND u.location_id = ${}", args.len()));
        }

        let (mut expr, is_int) = sort_expr(f.sort);
        if f.sort == UserSort::Email && f.status == Some(UserStatus::Deleted) {
            expr = "COALESCE(u.deleted_email, u.email)";
        }
        let (dir, cmp) = if f.desc { ("DESC", "<") } else { ("ASC", ">") };
        let mut page_args = args.clone();
        let mut after = String::new();
        if let Some((v, id)) = &f.after {
            page_args.push(match v {
                SortValue::Text(s) => Arg::Text(s.clone()),
                SortValue::Int(i) => Arg::Int(*i),
            });
            page_args.push(Arg::Text(id.clone()));
            let n = page_args.len();
            after = format!(" AND ({expr}, u.id) {cmp} (${}, ${n})", n - 1);
        }
        let page_rows = f.limit as i64 + 1;

        let count_sql = format!("SELECT COUNT(*){SUMMARY_FROM}{wh}");
        if few {
            let found = self
                .list_few(&mut conn, f, &page_args, &wh, expr, is_int)
                .await?;
            if let Some((rows, total, deleted_count)) = found {
                let total = match total {
                    Some(t) => t,
                    None => {
                        bind_args!(sqlx::query_as::<DB, (i64,)>(&count_sql), &args)
                            .fetch_one(&mut *conn)
                            .await?
                            .0
                    }
                };
                return self
                    .list_page(&mut conn, f, is_int, rows, total, deleted_count)
                    .await;
            }
        }

        let (total,): (i64,) = bind_args!(sqlx::query_as::<DB, (i64,)>(&count_sql), &args)
            .fetch_one(&mut *conn)
            .await?;
        let (deleted_count,): (i64,) = sqlx::query_as::<DB, _>(DELETED_COUNT)
            .bind(account_id)
            .fetch_one(&mut *conn)
            .await?;
        let keys = if is_int {
            format!("CAST('' AS TEXT) AS sort_text, {expr} AS sort_int")
        } else {
            format!("{expr} AS sort_text, CAST(0 AS BIGINT) AS sort_int")
        };
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, {keys}{SUMMARY_FROM}{wh}{after} \
             ORDER BY {expr} {dir}, u.id {dir} LIMIT {page_rows}"
        );
        let rows: Vec<PageRow> = bind_args!(sqlx::query_as::<DB, PageRow>(&sql), &page_args)
            .fetch_all(&mut *conn)
            .await?;
        self.list_page(&mut conn, f, is_int, rows, total, deleted_count)
            .await
    }

    /// The users list of a filter that may match few users (`few` in `list_users`) in ONE statement: `m` holds
    /// the matches' sort values and ids (at most [`LIST_MATCHES`] + 1), the page is taken from `m` and joined
    /// to its users by primary key, and the size of `m` is the total, so the filter is evaluated once (before:
    /// once for the total and once more for the page). SQLite (`few` means at most `LIST_MATCHES` candidates)
    /// keeps every match, unsorted, and applies the cursor to them. PostgreSQL keeps the first matches after
    /// the cursor in list order, so the page is right even when they are not all (a common text); then, and
    /// on later pages, the total is `None` and counted apart. `None` if the page is empty.
    async fn list_few(
        &self,
        conn: &mut DB::Connection,
        f: &UserFilter,
        args: &[Arg],
        wh: &str,
        expr: &str,
        is_int: bool,
    ) -> DbResult<Option<(Vec<PageRow>, Option<i64>, i64)>> {
        let (dir, cmp) = if f.desc { ("DESC", "<") } else { ("ASC", ">") };
        let keys = if is_int {
            "CAST('' AS TEXT) AS sort_text, mp.k AS sort_int"
        } else {
            "mp.k AS sort_text, CAST(0 AS BIGINT) AS sort_int"
        };
        // The cursor is the last two arguments.
        let n = args.len();
        let (m_after, mp_after, m_order) = match (&f.after, self.sqlite) {
            (None, true) => (String::new(), String::new(), String::new()),
            (Some(_), true) => (
                String::new(),
                format!(" WHERE (k, id) {cmp} (${}, ${n})", n - 1),
                String::new(),
            ),
            (after, false) => (
                after
                    .as_ref()
                    .map(|_| format!(" AND ({expr}, u.id) {cmp} (${}, ${n})", n - 1))
                    .unwrap_or_default(),
                String::new(),
                format!(" ORDER BY {expr} {dir}, u.id {dir}"),
            ),
        };
        let sql = format!(
            "WITH m AS MATERIALIZED (SELECT {expr} AS k, u.id{SUMMARY_FROM}{wh}{m_after}{m_order} \
             LIMIT {cap}) \
             SELECT {SUMMARY_COLUMNS}, {keys}, (SELECT COUNT(*) FROM m) AS total, \
             ({DELETED_COUNT}) AS deleted_count \
             FROM (SELECT k, id FROM m{mp_after} ORDER BY k {dir}, id {dir} LIMIT {page_rows}) mp \
             JOIN users u ON u.id = mp.id LEFT JOIN locations l ON l.id = u.location_id \
             ORDER BY mp.k {dir}, mp.id {dir}",
            cap = LIST_MATCHES + 1,
            page_rows = f.limit as i64 + 1,
        );
        let rows: Vec<ListRow> = bind_args!(sqlx::query_as::<DB, ListRow>(&sql), args)
            .fetch_all(&mut *conn)
            .await?;
        let Some((kept, deleted_count)) = rows.first().map(|r| (r.total, r.deleted_count)) else {
            return Ok(None);
        };
        let all = kept <= LIST_MATCHES;
        if !all && self.sqlite {
            // Not all matches, unsorted: not a page (cannot happen within the candidate count).
            return Ok(None);
        }
        let total = (all && (self.sqlite || f.after.is_none())).then_some(kept);
        let rows = rows.into_iter().map(|r| r.page).collect();
        Ok(Some((rows, total, deleted_count)))
    }

    /// The users-list answer from its rows (at most the page + 1): `has_more`, the cursor, the licenses.
    async fn list_page(
        &self,
        conn: &mut DB::Connection,
        f: &UserFilter,
        is_int: bool,
        mut rows: Vec<PageRow>,
        total: i64,
        deleted_count: i64,
    ) -> DbResult<UserListPage> {
        let has_more = rows.len() > f.limit as usize;
        rows.truncate(f.limit as usize);
        let ids: Vec<String> = rows.iter().map(|r| r.summary.id.clone()).collect();
        let mut licenses = self.licenses_of(conn, &ids).await?;
        let last_key = rows.last().map(|r| {
            let v = if is_int {
                SortValue::Int(r.sort_int)
            } else {
                SortValue::Text(r.sort_text.clone())
            };
            (v, r.summary.id.clone())
        });
        let mut users = Vec::with_capacity(rows.len());
        for r in rows {
            let l = licenses.remove(&r.summary.id).unwrap_or_default();
            users.push(summary_from(r.summary, l)?);
        }
        Ok(UserListPage {
            users,
            last_key,
            has_more,
            total,
            deleted_count,
        })
    }

    async fn user_summary(&self, account_id: &str, user_id: &str) -> DbResult<Option<UserSummary>> {
        let mut conn = self.pool.acquire().await?;
        let row: Option<SummaryRow> = sqlx::query_as::<DB, SummaryRow>(USER_SUMMARY)
            .bind(account_id)
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?;
        match row {
            None => Ok(None),
            Some(r) => {
                let mut l = self
                    .licenses_of(&mut *conn, std::slice::from_ref(&r.id))
                    .await?;
                let licenses = l.remove(&r.id).unwrap_or_default();
                Ok(Some(summary_from(r, licenses)?))
            }
        }
    }

    async fn temp_password_hash(&self, user_id: &str) -> DbResult<Option<String>> {
        let row: Option<(Option<String>,)> = sqlx::query_as::<DB, _>(TEMP_PASSWORD_HASH)
            .bind(user_id)
            .fetch_optional(self.pool)
            .await?;
        Ok(row.and_then(|r| r.0))
    }

    async fn create_users(
        &self,
        actor: &Actor,
        users: &[NewUserRow],
        import: Option<&ImportKey>,
    ) -> Outcome<Created> {
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        self.lock(&mut *tx, &actor.account_id).await?;
        if let Some(imp) = import {
            let n = sqlx::query::<DB>(INSERT_IMPORT_BATCH)
                .bind(&actor.account_id)
                .bind(&imp.import_id)
                .bind(imp.batch as i64)
                .bind(users.len() as i64)
                .bind(actor.at)
                .execute(&mut *tx)
                .await?
                .affected();
            if n == 0 {
                tx.rollback().await?;
                return Ok(Ok(Created::AlreadyDone));
            }
        }

        // Locations of this account.
        let wanted: Vec<String> = users
            .iter()
            .filter_map(|u| u.location_id.clone())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let mut known = HashSet::new();
        for chunk in wanted.chunks(CHUNK) {
            let sql = format!(
                "SELECT id FROM locations WHERE account_id = $1 AND id IN ({})",
                params(2, chunk.len())
            );
            let mut q = sqlx::query_as::<DB, (String,)>(&sql).bind(&actor.account_id);
            for id in chunk {
                q = q.bind(id);
            }
            known.extend(q.fetch_all(&mut *tx).await?.into_iter().map(|r| r.0));
        }
        for (i, u) in users.iter().enumerate() {
            if let Some(l) = &u.location_id {
                if !known.contains(l) {
                    refuse!(
                        tx,
                        Refusal::because(ErrorDetail::UnknownLocation {
                            row: Some(row_u32(i))
                        })
                    );
                }
            }
        }

        // Products of this account's subscription.
        let pools = self.pools(&mut *tx, &actor.account_id).await?;
        let by_code: HashMap<&str, &PoolRow> = pools.iter().map(|p| (p.code.as_str(), p)).collect();
        for (i, u) in users.iter().enumerate() {
            for (j, code) in u.licenses.iter().enumerate() {
                if !by_code.contains_key(code.as_str()) {
                    refuse!(
                        tx,
                        Refusal::Detailed(
                            ErrorDetail::UnknownProduct {
                                product: code.clone(),
                                row: Some(row_u32(i))
                            },
                            format!(
                        "users[{i}].licenses[{j}] is not a product of this account's subscription"
                    )
                        )
                    );
                }
            }
        }

        let import_key = import.map(ImportKey::key);
        for chunk in users.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO users (id, account_id, email, display_name, name_key, role, temp_password_hash, \
                 must_change_password, created_at, location_id, import_key) VALUES {}",
                self.value_rows(chunk.len(), 11)
            );
            let mut q = sqlx::query::<DB>(&sql);
            for u in chunk {
                q = q
                    .bind(&u.id)
                    .bind(&actor.account_id)
                    .bind(&u.email)
                    .bind(&u.display_name)
                    .bind(name_key(&u.display_name))
                    .bind(u.role.as_str())
                    .bind(&u.temp_password_hash)
                    .bind(true)
                    .bind(actor.at)
                    .bind(&u.location_id)
                    .bind(&import_key);
            }
            // An address must be free among the account's live users (harden10: unique per account,
            // `service::users::email_in_use`; another account's users are never looked at). The unique
            // index `(account_id, email)` holds exactly the live users' addresses (a deleted user's moves to
            // `deleted_email`), so the insert itself is the check: no lookup of 5,000 addresses per batch on
            // the happy path (that lookup was the largest cost of a large import: on SQLite the planner
            // took the account's live-users index for it, on PostgreSQL stale statistics did the same). Only
            // a refused insert asks which address it was.
            if let Err(e) = q.execute(&mut *tx).await {
                if !matches!(&e, sqlx::Error::Database(d) if d.is_unique_violation()) {
                    return Err(e.into());
                }
                tx.rollback().await?;
                let email = self.first_taken_email(&actor.account_id, users).await?;
                return Ok(Err(Refusal::because(ErrorDetail::EmailInUse { email })));
            }
        }

        // Seats for the whole batch.
        let mut need: BTreeMap<&str, i64> = BTreeMap::new();
        for u in users {
            for code in &u.licenses {
                *need.entry(code.as_str()).or_default() += 1;
            }
        }
        for p in &pools {
            let n = need.get(p.code.as_str()).copied().unwrap_or(0);
            let free = (p.seats - p.used).max(0);
            if n > free {
                refuse!(
                    tx,
                    Refusal::because(ErrorDetail::NotEnoughSeats {
                        product: p.name.clone(),
                        missing: u32::try_from(n - free).unwrap_or(u32::MAX),
                    })
                );
            }
        }

        let by_code_ref = &by_code;
        let assignments: Vec<(&String, &String)> = users
            .iter()
            .flat_map(|u| {
                u.licenses
                    .iter()
                    .map(move |code| (&u.id, &by_code_ref[code.as_str()].product_id))
            })
            .collect();
        for chunk in assignments.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO license_assignments (user_id, product_id, assigned_at) VALUES {}",
                self.value_rows(chunk.len(), 3)
            );
            let mut q = sqlx::query::<DB>(&sql);
            for (u, p) in chunk {
                q = q.bind(*u).bind(*p).bind(actor.at);
            }
            q.execute(&mut *tx).await?;
        }
        let events: Vec<(String, String)> = match import {
            Some(imp) => vec![(
                "user.imported".to_string(),
                format!(
                    "import {} batch {}: {} users",
                    imp.import_id,
                    imp.batch,
                    users.len()
                ),
            )],
            None => users
                .iter()
                .map(|u| ("user.created".to_string(), u.email.clone()))
                .collect(),
        };
        self.audit(&mut *tx, actor, &events).await?;
        tx.commit().await?;
        if let Some(stats) = self.stats {
            stats.rows_written(users.len() as u64);
        }
        Ok(Ok(Created::Created))
    }

    async fn import_pending(
        &self,
        account_id: &str,
        import: &ImportKey,
    ) -> DbResult<Vec<PendingUser>> {
        Ok(sqlx::query_as::<DB, PendingUser>(IMPORT_PENDING)
            .bind(account_id)
            .bind(import.key())
            .fetch_all(self.pool)
            .await?)
    }

    async fn set_temp_passwords(
        &self,
        actor: &Actor,
        hashes: &[(String, String)],
        events: &[(String, String)],
    ) -> DbResult<()> {
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        self.lock(&mut *tx, &actor.account_id).await?;
        for (user_id, hash) in hashes {
            sqlx::query::<DB>(SET_TEMP_PASSWORD)
                .bind(&actor.account_id)
                .bind(user_id)
                .bind(hash)
                .bind(true)
                .execute(&mut *tx)
                .await?;
            self.revoke_sessions(&mut *tx, user_id, actor.at).await?;
        }
        self.audit(&mut *tx, actor, events).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn update_user(&self, actor: &Actor, user_id: &str, edit: &UserEdit) -> Outcome<()> {
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        self.lock(&mut *tx, &actor.account_id).await?;
        let row: Option<(String,)> = sqlx::query_as::<DB, _>(LIVE_USER_EMAIL)
            .bind(&actor.account_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((email,)) = row else {
            refuse!(tx, Refusal::not_found(Resource::User));
        };
        if let Some(l) = &edit.location_id {
            let found: Option<(String,)> = sqlx::query_as::<DB, _>(LOCATION_EXISTS)
                .bind(&actor.account_id)
                .bind(l)
                .fetch_optional(&mut *tx)
                .await?;
            if found.is_none() {
                refuse!(
                    tx,
                    Refusal::because(ErrorDetail::UnknownLocation { row: None })
                );
            }
        }
        sqlx::query::<DB>(UPDATE_USER)
            .bind(&actor.account_id)
            .bind(user_id)
            .bind(&edit.display_name)
            .bind(name_key(&edit.display_name))
            .bind(edit.role.as_str())
            .bind(&edit.location_id)
            .execute(&mut *tx)
            .await?;
        let mut events = vec![("user.updated".to_string(), email.clone())];
        if edit.demote_actor {
            sqlx::query::<DB>(SET_ROLE)
                .bind(&actor.account_id)
                .bind(&actor.user_id)
                .bind(Role::Admin.as_str())
                .execute(&mut *tx)
                .await?;
            events.push(("user.owner_transferred".to_string(), email));
        }
        self.audit(&mut *tx, actor, &events).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    async fn soft_delete_user(&self, actor: &Actor, user_id: &str) -> Outcome<()> {
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        self.lock(&mut *tx, &actor.account_id).await?;
        let n = sqlx::query::<DB>(SOFT_DELETE)
            .bind(&actor.account_id)
            .bind(user_id)
            .bind(actor.at)
            .bind(crate::db::records::DELETED_EMAIL_SUFFIX)
            .execute(&mut *tx)
            .await?
            .affected();
        if n != 1 {
            refuse!(tx, Refusal::not_found(Resource::User));
        }
        self.revoke_sessions(&mut *tx, user_id, actor.at).await?;
        let email = self.email_of(&mut *tx, user_id).await?.unwrap_or_default();
        self.audit(&mut *tx, actor, &[("user.deleted".to_string(), email)])
            .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    async fn restore_users(
        &self,
        actor: &Actor,
        user_ids: &[String],
    ) -> Outcome<Vec<RestoredUser>> {
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        self.lock(&mut *tx, &actor.account_id).await?;
        let cutoff = actor.at - RESTORE_WINDOW_SECS;
        let mut pools: HashMap<String, PoolRow> = self
            .pools(&mut *tx, &actor.account_id)
            .await?
            .into_iter()
            .map(|p| (p.product_id.clone(), p))
            .collect();
        let mut restored = Vec::with_capacity(user_ids.len());
        let mut events = Vec::new();
        for id in user_ids {
            let row: Option<DeletedRow> = sqlx::query_as::<DB, DeletedRow>(DELETED_USER)
                .bind(&actor.account_id)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            let email = match row {
                Some(DeletedRow {
                    email,
                    deleted_at: Some(deleted_at),
                }) if deleted_at > cutoff => email,
                _ => refuse!(tx, Refusal::not_found(Resource::DeletedUser)),
            };
            let clash: Option<(String,)> = sqlx::query_as::<DB, _>(LIVE_USER_BY_EMAIL)
                .bind(&email)
                .bind(&actor.account_id)
                .fetch_optional(&mut *tx)
                .await?;
            if clash.is_some() {
                refuse!(
                    tx,
                    Refusal::Detailed(
                        ErrorDetail::EmailInUse {
                            email: Some(email.clone())
                        },
                        format!("the e-mail address {email} is in use by another user")
                    )
                );
            }
            sqlx::query::<DB>(RESTORE_USER)
                .bind(&actor.account_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let held: Vec<HeldRow> = sqlx::query_as::<DB, HeldRow>(HELD_LICENSES)
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
            let mut back = Vec::new();
            let mut not_back = Vec::new();
            for HeldRow { product_id, code } in held {
                match pools.get_mut(&product_id) {
                    Some(p) if p.used < p.seats => {
                        p.used += 1;
                        back.push(code);
                    }
                    _ => {
                        sqlx::query::<DB>(DELETE_ASSIGNMENT)
                            .bind(id)
                            .bind(&product_id)
                            .execute(&mut *tx)
                            .await?;
                        events.push((
                            "license.revoked".to_string(),
                            format!("{email}: {code} (no free seat at restore)"),
                        ));
                        not_back.push(code);
                    }
                }
            }
            events.push(("user.restored".to_string(), email.clone()));
            restored.push(RestoredUser {
                id: id.clone(),
                email,
                licenses_restored: back,
                licenses_not_restored: not_back,
            });
        }
        self.audit(&mut *tx, actor, &events).await?;
        tx.commit().await?;
        Ok(Ok(restored))
    }

    async fn change_licenses(
        &self,
        actor: &Actor,
        user_ids: &[String],
        assign: &[String],
        revoke: &[String],
    ) -> Outcome<i64> {
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        self.lock(&mut *tx, &actor.account_id).await?;
        let pools = self.pools(&mut *tx, &actor.account_id).await?;
        let by_code: HashMap<&str, &PoolRow> = pools.iter().map(|p| (p.code.as_str(), p)).collect();
        for (field, list) in [("assign", assign), ("revoke", revoke)] {
            for (i, code) in list.iter().enumerate() {
                if !by_code.contains_key(code.as_str()) {
                    refuse!(
                        tx,
                        Refusal::Detailed(
                            ErrorDetail::UnknownProduct {
                                product: code.clone(),
                                row: None
                            },
                            format!("{field}[{i}] is not a product of this account's subscription")
                        )
                    );
                }
            }
        }
        let mut emails: HashMap<String, String> = HashMap::new();
        for chunk in user_ids.chunks(CHUNK) {
            let sql = format!(
                "SELECT id, email FROM users WHERE account_id = $1 AND deleted_at IS NULL AND id IN ({})",
                params(2, chunk.len())
            );
            let mut q = sqlx::query_as::<DB, (String, String)>(&sql).bind(&actor.account_id);
            for id in chunk {
                q = q.bind(id);
            }
            emails.extend(q.fetch_all(&mut *tx).await?);
        }
        if emails.len() != user_ids.len() {
            refuse!(tx, Refusal::not_found(Resource::User));
        }
        let held = self.licenses_of(&mut *tx, user_ids).await?;
        let assign_set: HashSet<&str> = assign.iter().map(String::as_str).collect();
        let mut removed: Vec<(&String, &str)> = Vec::new();
        let mut added: Vec<(&String, &str)> = Vec::new();
        for u in user_ids {
            let h: HashSet<&str> = held
                .get(u)
                .map(|v| v.iter().map(String::as_str).collect())
                .unwrap_or_default();
            for code in revoke {
                if h.contains(code.as_str()) && !assign_set.contains(code.as_str()) {
                    removed.push((u, code.as_str()));
                }
            }
            for code in assign {
                if !h.contains(code.as_str()) {
                    added.push((u, code.as_str()));
                }
            }
        }
        for (u, code) in &removed {
            sqlx::query::<DB>(DELETE_ASSIGNMENT)
                .bind(*u)
                .bind(&by_code[code].product_id)
                .execute(&mut *tx)
                .await?;
        }
        for chunk in added.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO license_assignments (user_id, product_id, assigned_at) VALUES {}",
                self.value_rows(chunk.len(), 3)
            );
            let mut q = sqlx::query::<DB>(&sql);
            for (u, code) in chunk {
                q = q.bind(*u).bind(&by_code[code].product_id).bind(actor.at);
            }
            q.execute(&mut *tx).await?;
        }
        // Re-check the final state inside the lock.
        let grown: HashSet<&str> = added.iter().map(|(_, c)| *c).collect();
        for p in self.pools(&mut *tx, &actor.account_id).await? {
            if grown.contains(p.code.as_str()) && p.used > p.seats {
                refuse!(
                    tx,
                    Refusal::because(ErrorDetail::NotEnoughSeats {
                        product: p.name.clone(),
                        missing: u32::try_from(p.used - p.seats).unwrap_or(u32::MAX),
                    })
                );
            }
        }
        let mut events: Vec<(String, String)> = Vec::with_capacity(removed.len() + added.len());
        for (u, code) in &removed {
            events.push((
                "license.revoked".to_string(),
                format!("{}: {code}", emails[*u]),
            ));
        }
        for (u, code) in &added {
            events.push((
                "license.assigned".to_string(),
                format!("{}: {code}", emails[*u]),
            ));
        }
        self.audit(&mut *tx, actor, &events).await?;
        tx.commit().await?;
        Ok(Ok((removed.len() + added.len()) as i64))
    }

    async fn set_password(
        &self,
        actor: &Actor,
        password_hash: &str,
        keep_session: &str,
    ) -> DbResult<()> {
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        sqlx::query::<DB>(SET_PASSWORD)
            .bind(&actor.account_id)
            .bind(&actor.user_id)
            .bind(password_hash)
            .bind(false)
            .execute(&mut *tx)
            .await?;
        sqlx::query::<DB>(REVOKE_OTHER_SESSIONS)
            .bind(&actor.user_id)
            .bind(actor.at)
            .bind(keep_session)
            .execute(&mut *tx)
            .await?;
        let email = self
            .email_of(&mut *tx, &actor.user_id)
            .await?
            .unwrap_or_default();
        self.audit(
            &mut *tx,
            actor,
            &[("user.password_changed".to_string(), email)],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit_page(&self, account_id: &str, f: &AuditFilter) -> DbResult<Vec<AuditEntry>> {
        // Each filter is served by an index with the id last (`audit_events_actor`, `_area`, `_event`),
        // so a page walks the index backwards from the cursor.
        let mut sql = AUDIT_PAGE.to_string();
        let mut args = vec![
            Arg::Text(account_id.to_string()),
            Arg::Int(f.before.unwrap_or(i64::MAX)),
        ];
        let mut add = |cond: &str, a: Arg| {
            args.push(a);
            sql.push_str(&format!(" AND {cond} ${}", args.len()));
        };
        if let Some(v) = &f.actor {
            add("a.actor_email =", Arg::Text(v.clone()));
        }
        if let Some(v) = &f.area {
            add("a.area =", Arg::Text(v.clone()));
        }
        if let Some(v) = &f.event {
            add("a.event =", Arg::Text(v.clone()));
        }
        if let Some(v) = f.from {
            add("a.at >=", Arg::Int(v));
        }
        if let Some(v) = f.to {
            add("a.at <", Arg::Int(v));
        }
        args.push(Arg::Int(i64::from(f.limit)));
        sql.push_str(&format!(" ORDER BY a.id DESC LIMIT ${}", args.len()));
        let q = bind_args!(sqlx::query_as::<DB, AuditRow>(&sql), &args);
        let rows: Vec<AuditRow> = q.fetch_all(self.pool).await?;
        Ok(rows
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                at: r.at,
                actor: r.actor,
                event: r.event,
                target: r.target,
                ip: r.ip,
            })
            .collect())
    }

    async fn purge_deleted(&self, cutoff: i64) -> DbResult<u64> {
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        for statement in PURGE_DEPENDENTS {
            sqlx::query::<DB>(statement)
                .bind(cutoff)
                .execute(&mut *tx)
                .await?;
        }
        let n = sqlx::query::<DB>(PURGE_USERS)
            .bind(cutoff)
            .execute(&mut *tx)
            .await?
            .affected();
        tx.commit().await?;
        Ok(n)
    }

    async fn existing_emails(
        &self,
        account: Option<&str>,
        emails: &[String],
    ) -> DbResult<Vec<String>> {
        let mut conn = self.pool.acquire().await?;
        let mut out = Vec::new();
        for chunk in emails.chunks(EMAIL_CHUNK) {
            // The account, if any, is the last parameter.
            let sql = format!(
                "SELECT email FROM users WHERE deleted_at IS NULL AND email IN ({}){}",
                self.params(chunk.len()),
                match account {
                    Some(_) if self.sqlite => " AND account_id = ?".to_string(),
                    Some(_) => format!(" AND account_id = ${}", chunk.len() + 1),
                    None => String::new(),
                }
            );
            let mut q = sqlx::query_as::<DB, (String,)>(&sql);
            for e in chunk {
                q = q.bind(e);
            }
            if let Some(a) = account {
                q = q.bind(a);
            }
            out.extend(q.fetch_all(&mut *conn).await?.into_iter().map(|r| r.0));
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    async fn import_holdings(
        &self,
        account_id: &str,
        import_id: &str,
    ) -> DbResult<Vec<(String, Vec<String>)>> {
        let rows: Vec<(String, Option<String>)> = sqlx::query_as::<DB, _>(IMPORT_HOLDINGS)
            .bind(account_id)
            .bind({
                // `%id%` escaped, less its wildcards: users of every batch (`id#n`).
                let p = like_pattern(import_id);
                format!("{}#%", &p[1..p.len() - 1])
            })
            .fetch_all(self.pool)
            .await?;
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for (email, code) in rows {
            if out.last().map(|l| &l.0) != Some(&email) {
                out.push((email, Vec::new()));
            }
            if let (Some(code), Some(last)) = (code, out.last_mut()) {
                last.1.push(code);
            }
        }
        Ok(out)
    }

    async fn import_batches_done(&self, account_id: &str, import_id: &str) -> DbResult<Vec<u32>> {
        let rows: Vec<(i64,)> = sqlx::query_as::<DB, _>(IMPORT_BATCHES_DONE)
            .bind(account_id)
            .bind(import_id)
            .fetch_all(self.pool)
            .await?;
        Ok(rows.into_iter().map(|r| r.0 as u32).collect())
    }

    async fn index_search_queue(&self, limit: i64) -> DbResult<u64> {
        if !self.sqlite {
            return match sqlx::query_scalar::<DB, i64>(CLEAN_SEARCH_PENDING)
                .fetch_one(self.pool)
                .await
            {
                Ok(pages) => Ok(pages.max(0) as u64),
                // A portal whose role does not own the indexes (migrated by another role): autovacuum
                // and the inserts' own merges keep the lists bounded; the search stays exact.
                Err(sqlx::Error::Database(d)) if d.code().as_deref() == Some("42501") => {
                    if !CLEAN_REFUSED.swap(true, std::sync::atomic::Ordering::Relaxed) {
                        tracing::warn!(error = %d, "search index: the role may not merge the users \
                            search's GIN pending lists (not their owner); autovacuum does it instead");
                    }
                    Ok(0)
                }
                Err(e) => Err(e.into()),
            };
        }
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        let n = sqlx::query::<DB>(INDEX_SEARCH_QUEUE)
            .bind(limit)
            .execute(&mut *tx)
            .await?
            .affected();
        tx.commit().await?;
        Ok(n)
    }
}

/// Implements [`UserStore`] for a backend (`$ty` with a `pool: sqlx::Pool<$db>`) by forwarding to [`Sql`]
/// with its seat lock statement `$lock` and whether it is SQLite (`$sqlite`).
macro_rules! impl_user_store {
    ($ty:ty, $db:ty, $lock:ident, $sqlite:literal) => {
        impl $ty {
            fn users_sql(&self) -> Sql<'_, $db> {
                Sql {
                    pool: &self.pool,
                    sqlite: $sqlite,
                    lock_seats: $lock,
                    write_lock: &self.write_lock,
                    stats: self.planner_stats(),
                }
            }
        }

        #[async_trait]
        impl UserStore for $ty {
            async fn locations(&self, account_id: &str) -> DbResult<Vec<Location>> {
                self.users_sql().locations(account_id).await
            }
            async fn list_users(
                &self,
                account_id: &str,
                filter: &UserFilter,
            ) -> DbResult<UserListPage> {
                self.users_sql().list_users(account_id, filter).await
            }
            async fn user_summary(
                &self,
                account_id: &str,
                user_id: &str,
            ) -> DbResult<Option<UserSummary>> {
                self.users_sql().user_summary(account_id, user_id).await
            }
            async fn temp_password_hash(&self, user_id: &str) -> DbResult<Option<String>> {
                self.users_sql().temp_password_hash(user_id).await
            }
            async fn create_users(
                &self,
                actor: &Actor,
                users: &[NewUserRow],
                import: Option<&ImportKey>,
            ) -> Outcome<Created> {
                self.users_sql().create_users(actor, users, import).await
            }
            async fn import_pending(
                &self,
                account_id: &str,
                import: &ImportKey,
            ) -> DbResult<Vec<PendingUser>> {
                self.users_sql().import_pending(account_id, import).await
            }
            async fn set_temp_passwords(
                &self,
                actor: &Actor,
                hashes: &[(String, String)],
                events: &[(String, String)],
            ) -> DbResult<()> {
                self.users_sql()
                    .set_temp_passwords(actor, hashes, events)
                    .await
            }
            async fn update_user(
                &self,
                actor: &Actor,
                user_id: &str,
                edit: &UserEdit,
            ) -> Outcome<()> {
                self.users_sql().update_user(actor, user_id, edit).await
            }
            async fn soft_delete_user(&self, actor: &Actor, user_id: &str) -> Outcome<()> {
                self.users_sql().soft_delete_user(actor, user_id).await
            }
            async fn restore_users(
                &self,
                actor: &Actor,
                user_ids: &[String],
            ) -> Outcome<Vec<RestoredUser>> {
                self.users_sql().restore_users(actor, user_ids).await
            }
            async fn change_licenses(
                &self,
                actor: &Actor,
                user_ids: &[String],
                assign: &[String],
                revoke: &[String],
            ) -> Outcome<i64> {
                self.users_sql()
                    .change_licenses(actor, user_ids, assign, revoke)
                    .await
            }
            async fn set_password(
                &self,
                actor: &Actor,
                password_hash: &str,
                keep_session: &str,
            ) -> DbResult<()> {
                self.users_sql()
                    .set_password(actor, password_hash, keep_session)
                    .await
            }
            async fn audit_page(
                &self,
                account_id: &str,
                filter: &AuditFilter,
            ) -> DbResult<Vec<AuditEntry>> {
                self.users_sql().audit_page(account_id, filter).await
            }
            async fn purge_deleted(&self, cutoff: i64) -> DbResult<u64> {
                self.users_sql().purge_deleted(cutoff).await
            }
            async fn existing_emails(
                &self,
                account: Option<&str>,
                emails: &[String],
            ) -> DbResult<Vec<String>> {
                self.users_sql().existing_emails(account, emails).await
            }
            async fn import_holdings(
                &self,
                account_id: &str,
                import_id: &str,
            ) -> DbResult<Vec<(String, Vec<String>)>> {
                self.users_sql()
                    .import_holdings(account_id, import_id)
                    .await
            }
            async fn import_batches_done(
                &self,
                account_id: &str,
                import_id: &str,
            ) -> DbResult<Vec<u32>> {
                self.users_sql()
                    .import_batches_done(account_id, import_id)
                    .await
            }
            async fn index_search_queue(&self, limit: i64) -> DbResult<u64> {
                self.users_sql().index_search_queue(limit).await
            }
        }
    };
}

impl_user_store!(SqliteDatabase, sqlx::Sqlite, SQLITE_LOCK_SEATS, true);
impl_user_store!(PostgresDatabase, sqlx::Postgres, POSTGRES_LOCK_SEATS, false);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_patterns() {
        assert_eq!(params(2, 3), "$2, $3, $4");
        assert_eq!(value_rows(2, 2, 1), "($1, $2), ($3, $4)");
        assert_eq!(like_pattern("a_b%c\\"), "%a\\_b\\%c\\\\%");
        assert_eq!(fts_phrase("a\"b c"), "\"a\"\"b c\"");
    }
}
