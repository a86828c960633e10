//! The audit log's hash chain, written once for both backends: `append` (every audit write goes through it),
//! `chain_unchained` (the one-time chaining of rows written before the chain existed) and `verify`.
//!
//! Each account's entries form one chain. Entry `n` (its `seq`, from 1) stores
//! `hash = SHA-256(encoding(prev, entry))` in lower-case hex, where `prev` is entry `n-1`'s hash or, for the
//! first entry, [`GENESIS`] (64 zeros). The encoding ([`entry_hash`]) is the ASCII line `kontor-audit-v1`, then
//! `prev`, then the fields account id, seq, time, actor e-mail, event, target, IP, each as
//! `<byte length>:<UTF-8 bytes>` or `-` for none, every item ended by `\n`. The actor's user id is not
//! covered: purging a deleted user clears it (the e-mail stays and is covered). `audit_heads` holds each
//! account's last `(seq, hash)`, so a removed last entry shows too.
//!
//! Writers of one account never fork the chain: `append` first writes the account's `audit_heads` row
//! (creating it if needed), which on PostgreSQL takes that row's lock (`FOR UPDATE`) until the commit and on
//! SQLite runs inside the one write transaction.

use sha2::{Digest, Sha256};
use sqlx::{Encode, Executor, FromRow, IntoArguments, Pool, Type};

use crate::error::DbResult;

/// The `prev` of an account's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Rows per multi-row INSERT (10 columns: far below SQLite's 32,766 bind parameters).
const CHUNK: usize = 400;

/// One entry to write.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub account_id: &'a str,
    pub actor_user_id: Option<&'a str>,
    /// The actor's e-mail (a user) or a system actor's name (`cli`).
    pub actor_email: Option<&'a str>,
    pub event: &'a str,
    pub target: Option<&'a str>,
    pub ip: Option<&'a str>,
    pub at: i64,
}

/// The hashed fields of an entry, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hashed<'a> {
    pub account_id: &'a str,
    pub seq: i64,
    pub at: i64,
    pub actor_email: Option<&'a str>,
    pub event: &'a str,
    pub target: Option<&'a str>,
    pub ip: Option<&'a str>,
}

/// The entry's hash (lower-case hex) given the previous one's; see the module doc for the encoding.
pub fn entry_hash(prev: &str, e: &Hashed<'_>) -> String {
    fn field(h: &mut Sha256, v: Option<&str>) {
        match v {
            Some(s) => {
                h.update(s.len().to_string().as_bytes());
                h.update(b":");
                h.update(s.as_bytes());
            }
            None => h.update(b"-"),
        }
        h.update(b"\n");
    }
    let mut h = Sha256::new();
    h.update(b"kontor-audit-v1\n");
    h.update(prev.as_bytes());
    h.update(b"\n");
    field(&mut h, Some(e.account_id));
    field(&mut h, Some(&e.seq.to_string()));
    field(&mut h, Some(&e.at.to_string()));
    field(&mut h, e.actor_email);
    field(&mut h, Some(e.event));
    field(&mut h, e.target);
    field(&mut h, e.ip);
    hex::encode(h.finalize())
}

/// The event's area: the part before the first dot (the whole code without one).
pub fn area_of(event: &str) -> &str {
    event.split_once('.').map_or(event, |(a, _)| a)
}

/// Why `verify` stopped at an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The stored hash does not match the content and the previous entry's hash: this entry was changed,
    /// or one before it was changed, removed or moved.
    HashMismatch,
    /// The entry's place in the chain is not the next one: an entry before it is missing or out of order.
    SeqMismatch { expected: i64, found: Option<i64> },
    /// The entry has no hash (written outside the server).
    Unchained,
    /// The chain ends before the account's head: entries after this one (or all, `id` 0) were removed.
    Truncated { head_seq: i64, last_seq: i64 },
}

/// The first broken entry of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub account_id: String,
    /// The entry's id (0: the account has no entries left).
    pub id: i64,
    pub at: i64,
    pub why: Break,
}

/// What `verify` found for one account: how many entries it checked, and the first break if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountCheck {
    pub account_id: String,
    pub entries: u64,
    pub broken: Option<Broken>,
}

/// A stored entry as `verify` and `chain_unchained` read it.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ChainRow {
    id: i64,
    seq: Option<i64>,
    at: i64,
    actor_email: Option<String>,
    event: String,
    target: Option<String>,
    ip: Option<String>,
    hash: Option<String>,
}

const ENSURE_HEAD: &str = "INSERT INTO audit_heads (account_id, seq, hash) VALUES ($1, 0, $2) \
     ON CONFLICT (account_id) DO NOTHING";
const HEAD_SQLITE: &str = "SELECT seq, hash FROM audit_heads WHERE account_id = $1";
const HEAD_POSTGRES: &str = "SELECT seq, hash FROM audit_heads WHERE account_id = $1 FOR UPDATE";
const SET_HEAD: &str = "UPDATE audit_heads SET seq = $2, hash = $3 WHERE account_id = $1";
const ACTOR_EMAIL: &str = "SELECT COALESCE(deleted_email, email) FROM users WHERE id = $1";
const CHAIN_PAGE: &str =
    "SELECT id, seq, at, actor_email, event, target, ip, hash FROM audit_events \
     WHERE account_id = $1 AND id > $2 ORDER BY id LIMIT $3";
const ACCOUNTS: &str = "SELECT id FROM accounts ORDER BY id";
const HEAD: &str = "SELECT seq, hash FROM audit_heads WHERE account_id = $1";
const UNCHAINED_ACCOUNTS: &str = "SELECT DISTINCT account_id FROM audit_events e \
     WHERE e.hash IS NULL AND NOT EXISTS (SELECT 1 FROM audit_heads h WHERE h.account_id = e.account_id) \
     ORDER BY account_id";
const SET_ROW_CHAIN: &str = "UPDATE audit_events SET seq = $2, hash = $3 WHERE id = $1";
const INSERT_HEAD: &str = "INSERT INTO audit_heads (account_id, seq, hash) VALUES ($1, $2, $3)";

/// Rows per read of `verify` and `chain_unchained`.
const READ_PAGE: i64 = 5000;

/// The chain statements for any sqlx backend `DB` that has what they need (SQLite is told apart by
/// `DB::NAME` for its anonymous placeholders and its lock, which its write transaction already is).
pub(crate) struct Chain<DB>(std::marker::PhantomData<DB>);

impl<DB> Chain<DB>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'r> (i64, String): FromRow<'r, DB::Row>,
    for<'r> (Option<String>,): FromRow<'r, DB::Row>,
{
    /// A user's address now (the parked one if deleted), for an entry's actor.
    pub(crate) async fn actor_email(
        c: &mut DB::Connection,
        user_id: &str,
    ) -> DbResult<Option<String>> {
        let row: Option<(Option<String>,)> = sqlx::query_as::<DB, _>(ACTOR_EMAIL)
            .bind(user_id)
            .fetch_optional(&mut *c)
            .await?;
        Ok(row.and_then(|r| r.0))
    }

    /// Appends entries of ONE account (`entries[0].account_id`) to its chain, inside the caller's write
    /// transaction. The first statement writes the account's head row, so it takes the lock.
    pub(crate) async fn append(c: &mut DB::Connection, entries: &[NewEntry<'_>]) -> DbResult<()> {
        let sqlite = DB::NAME == "SQLite";
        let Some(first) = entries.first() else {
            return Ok(());
        };
        let account_id = first.account_id;
        sqlx::query::<DB>(ENSURE_HEAD)
            .bind(account_id)
            .bind(GENESIS)
            .execute(&mut *c)
            .await?;
        let (mut seq, mut prev): (i64, String) =
            sqlx::query_as::<DB, _>(if sqlite { HEAD_SQLITE } else { HEAD_POSTGRES })
                .bind(account_id)
                .fetch_one(&mut *c)
                .await?;
        for chunk in entries.chunks(CHUNK) {
            let mut rows = Vec::with_capacity(chunk.len());
            for e in chunk {
                seq += 1;
                let hash = entry_hash(
                    &prev,
                    &Hashed {
                        account_id,
                        seq,
                        at: e.at,
                        actor_email: e.actor_email,
                        event: e.event,
                        target: e.target,
                        ip: e.ip,
                    },
                );
                prev = hash.clone();
                rows.push((e, seq, hash));
            }
            let sql = format!(
                "INSERT INTO audit_events (account_id, actor_user_id, actor_email, event, target, ip, at, \
                 area, seq, hash) VALUES {}",
                value_rows(sqlite, rows.len(), 10)
            );
            let mut q = sqlx::query::<DB>(&sql);
            for (e, seq, hash) in rows {
                q = q
                    .bind(account_id)
                    .bind(e.actor_user_id)
                    .bind(e.actor_email)
                    .bind(e.event)
                    .bind(e.target)
                    .bind(e.ip)
                    .bind(e.at)
                    .bind(area_of(e.event))
                    .bind(seq)
                    .bind(hash);
            }
            q.execute(&mut *c).await?;
        }
        sqlx::query::<DB>(SET_HEAD)
            .bind(account_id)
            .bind(seq)
            .bind(prev)
            .execute(&mut *c)
            .await?;
        Ok(())
    }
}

impl<DB> Chain<DB>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'r> (String,): FromRow<'r, DB::Row>,
    for<'r> (i64, String): FromRow<'r, DB::Row>,
    for<'r> ChainRow: FromRow<'r, DB::Row>,
{
    /// Chains the entries of every account that has entries but no head yet (rows written before the
    /// chain existed), oldest first, each account in one transaction. Run once when the database opens,
    /// before anything else writes; an account with a head is never re-chained, so a row whose hash is
    /// cleared later stays reported by `verify`. Returns how many entries it chained.
    pub(crate) async fn chain_unchained(pool: &Pool<DB>) -> DbResult<u64> {
        let accounts: Vec<(String,)> = sqlx::query_as::<DB, _>(UNCHAINED_ACCOUNTS)
            .fetch_all(pool)
            .await?;
        let mut chained = 0;
        // Runs before this process has a store (so before anything else of it writes); `BEGIN IMMEDIATE`
        // on SQLite still queues it behind another process's writer.
        let write_lock = crate::db::backend::WriteLock::new(None);
        for (account_id,) in accounts {
            let (_writer, mut tx) = crate::db::backend::begin_write(pool, &write_lock).await?;
            let (mut seq, mut prev, mut after) = (0i64, GENESIS.to_string(), 0i64);
            loop {
                let rows: Vec<ChainRow> = sqlx::query_as::<DB, ChainRow>(CHAIN_PAGE)
                    .bind(&account_id)
                    .bind(after)
                    .bind(READ_PAGE)
                    .fetch_all(&mut *tx)
                    .await?;
                let Some(last) = rows.last() else {
                    break;
                };
                after = last.id;
                for r in &rows {
                    seq += 1;
                    prev = entry_hash(&prev, &r.hashed(&account_id, seq));
                    sqlx::query::<DB>(SET_ROW_CHAIN)
                        .bind(r.id)
                        .bind(seq)
                        .bind(prev.clone())
                        .execute(&mut *tx)
                        .await?;
                    chained += 1;
                }
            }
            sqlx::query::<DB>(INSERT_HEAD)
                .bind(&account_id)
                .bind(seq)
                .bind(prev)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Ok(chained)
    }

    /// Checks the chain of one account (or of every account) and names the first broken entry of each.
    pub(crate) async fn verify(
        pool: &Pool<DB>,
        account: Option<&str>,
    ) -> DbResult<Vec<AccountCheck>> {
        let accounts: Vec<String> = match account {
            Some(a) => vec![a.to_string()],
            None => sqlx::query_as::<DB, (String,)>(ACCOUNTS)
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| r.0)
                .collect(),
        };
        let mut out = Vec::with_capacity(accounts.len());
        for account_id in accounts {
            out.push(Self::verify_account(pool, &account_id).await?);
        }
        Ok(out)
    }

    async fn verify_account(pool: &Pool<DB>, account_id: &str) -> DbResult<AccountCheck> {
        let mut check = AccountCheck {
            account_id: account_id.to_string(),
            entries: 0,
            broken: None,
        };
        let broken = |id: i64, at: i64, why: Break| {
            Some(Broken {
                account_id: account_id.to_string(),
                id,
                at,
                why,
            })
        };
        // Read the head first: entries appended meanwhile only extend the chain past it.
        let head: Option<(i64, String)> = sqlx::query_as::<DB, _>(HEAD)
            .bind(account_id)
            .fetch_optional(pool)
            .await?;
        let (head_seq, head_hash) = head.unwrap_or((0, GENESIS.to_string()));
        let (mut seq, mut prev, mut after, mut last_at) = (0i64, GENESIS.to_string(), 0i64, 0i64);
        loop {
            let rows: Vec<ChainRow> = sqlx::query_as::<DB, ChainRow>(CHAIN_PAGE)
                .bind(account_id)
                .bind(after)
                .bind(READ_PAGE)
                .fetch_all(pool)
                .await?;
            let Some(last) = rows.last() else {
                break;
            };
            after = last.id;
            for r in &rows {
                seq += 1;
                check.entries += 1;
                let Some(stored) = &r.hash else {
                    check.broken = broken(r.id, r.at, Break::Unchained);
                    return Ok(check);
                };
                if r.seq != Some(seq) {
                    check.broken = broken(
                        r.id,
                        r.at,
                        Break::SeqMismatch {
                            expected: seq,
                            found: r.seq,
                        },
                    );
                    return Ok(check);
                }
                let h = entry_hash(&prev, &r.hashed(account_id, seq));
                if &h != stored {
                    check.broken = broken(r.id, r.at, Break::HashMismatch);
                    return Ok(check);
                }
                prev = h;
                last_at = r.at;
            }
        }
        // Entries past the head were appended after it was read; fewer than the head means a cut tail.
        if seq < head_seq || (seq == head_seq && prev != head_hash) {
            check.broken = broken(
                after,
                last_at,
                Break::Truncated {
                    head_seq,
                    last_seq: seq,
                },
            );
        }
        Ok(check)
    }
}

impl ChainRow {
    fn hashed<'a>(&'a self, account_id: &'a str, seq: i64) -> Hashed<'a> {
        Hashed {
            account_id,
            seq,
            at: self.at,
            actor_email: self.actor_email.as_deref(),
            event: &self.event,
            target: self.target.as_deref(),
            ip: self.ip.as_deref(),
        }
    }
}

/// `rows` rows of `cols` placeholders: `$n` numbered from 1, or SQLite's anonymous `?` (see `db::users`).
fn value_rows(sqlite: bool, rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let cells: Vec<String> = (0..cols)
                .map(|c| {
                    if sqlite {
                        "?".to_string()
                    } else {
                        format!("${}", r * cols + c + 1)
                    }
                })
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(event: &'static str, target: Option<&'static str>) -> Hashed<'static> {
        Hashed {
            account_id: "acc",
            seq: 1,
            at: 1_700_000_000,
            actor_email: Some("a@example.com"),
            event,
            target,
            ip: None,
        }
    }

    #[test]
    fn the_hash_covers_every_field_and_the_previous_hash() {
        let base = entry_hash(GENESIS, &entry("user.created", Some("b@example.com")));
        assert_eq!(base.len(), 64);
        assert_ne!(
            base,
            entry_hash(GENESIS, &entry("user.deleted", Some("b@example.com")))
        );
        assert_ne!(base, entry_hash(GENESIS, &entry("user.created", None)));
        assert_ne!(base, entry_hash(GENESIS, &entry("user.created", Some(""))));
        assert_ne!(
            base,
            entry_hash(
                &"1".repeat(64),
                &entry("user.created", Some("b@example.com"))
            )
        );
        let mut later = entry("user.created", Some("b@example.com"));
        later.seq = 2;
        assert_ne!(base, entry_hash(GENESIS, &later));
    }

    #[test]
    fn length_prefixes_keep_neighbouring_fields_apart() {
        let mut a = entry("user.created", Some("x"));
        a.ip = Some("1:y");
        let mut b = entry("user.created", Some("x\n1:y"));
        b.ip = None;
        assert_ne!(entry_hash(GENESIS, &a), entry_hash(GENESIS, &b));
    }

    #[test]
    fn the_area_is_the_part_before_the_dot() {
        assert_eq!(area_of("user.created"), "user");
        assert_eq!(area_of("offline_license.revoked"), "offline_license");
        assert_eq!(area_of("legacy"), "legacy");
    }
}
