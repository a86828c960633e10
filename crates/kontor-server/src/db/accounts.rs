//! The vendor's view of the customer accounts ([`AccountStore`], a supertrait of `Database`; acct9): the
//! list `kontor-server accounts list` prints and the license-token rotation of `accounts token --rotate`.
//! Creating an account goes through `seed` (`service::accounts::create_account` fills its `SeedData`).

use async_trait::async_trait;
use sqlx::{Encode, Executor, FromRow, IntoArguments, Pool, Type};

use crate::db::audit::{Chain, NewEntry};
use crate::db::backend::{RowsAffected, WriteLock};
use crate::db::postgres::PostgresDatabase;
use crate::db::records::AuditEvent;
use crate::db::sqlite::SqliteDatabase;
use crate::error::DbResult;

/// One customer account as the vendor lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct AccountRow {
    pub id: String,
    pub customer_number: String,
    pub name: String,
    pub created_at: i64,
    /// The subscription's package code (empty without a subscription).
    pub package: String,
    /// The oldest live owner's e-mail.
    pub owner_email: Option<String>,
    /// Live users.
    pub users: i64,
    /// License tokens neither revoked nor expired at the time asked.
    pub live_tokens: i64,
}

/// A new license token to store in place of the account's live ones.
#[derive(Debug, Clone)]
pub struct NewLicenseToken {
    pub account_id: String,
    pub token_hash: String,
    pub created_at: i64,
    pub expires_at: i64,
}

#[async_trait]
pub trait AccountStore {
    /// Every account, by customer number, with live users and tokens counted at `now`.
    async fn list_accounts(&self, now: i64) -> DbResult<Vec<AccountRow>>;
    /// The account with this customer number.
    async fn account_by_customer_number(&self, number: &str) -> DbResult<Option<AccountRow>>;
    /// In one transaction: ends the sessions started with a live license token of the account (roles9b),
    /// revokes those tokens, stores the new one for its oldest live owner, appends `audit`. `false` (nothing written) when the account has no live owner.
    async fn rotate_license_token(
        &self,
        token: &NewLicenseToken,
        audit: &AuditEvent,
    ) -> DbResult<bool>;
}

const LIST: &str = "SELECT a.id, a.customer_number, a.name, a.created_at, \
     COALESCE((SELECT p.code FROM subscriptions s JOIN packages p ON p.id = s.package_id \
       WHERE s.account_id = a.id), '') AS package, \
     (SELECT MIN(u.email) FROM users u WHERE u.account_id = a.id AND u.role = 'owner' \
       AND u.deleted_at IS NULL) AS owner_email, \
     (SELECT COUNT(*) FROM users u WHERE u.account_id = a.id AND u.deleted_at IS NULL) AS users, \
     (SELECT COUNT(*) FROM license_tokens t WHERE t.account_id = a.id AND t.revoked_at IS NULL \
       AND t.expires_at > $1) AS live_tokens \
     FROM accounts a";

const OWNER: &str = "SELECT id FROM users WHERE account_id = $1 AND role = 'owner' \
     AND deleted_at IS NULL ORDER BY created_at, id LIMIT 1";
/// roles9b: ends every session family started with a live token of the account (before [`REVOKE_TOKENS`]
/// marks them revoked): a stolen token's sessions stop working with it.
const REVOKE_TOKEN_SESSIONS: &str = "UPDATE sessions SET revoked_at = $2 \
     WHERE revoked_at IS NULL AND family_id IN (SELECT s.family_id FROM sessions s \
       JOIN license_tokens t ON t.token_hash = s.license_token_hash \
       WHERE t.account_id = $1 AND t.revoked_at IS NULL)";
const REVOKE_TOKENS: &str = "UPDATE license_tokens SET revoked_at = $2 \
     WHERE account_id = $1 AND revoked_at IS NULL";
const INSERT_TOKEN: &str =
    "INSERT INTO license_tokens (token_hash, account_id, user_id, created_at, \
     expires_at) VALUES ($1, $2, $3, $4, $5)";

struct Sql<'p, DB: sqlx::Database> {
    pool: &'p Pool<DB>,
    write_lock: &'p WriteLock<DB>,
}

impl<DB> Sql<'_, DB>
where
    DB: sqlx::Database,
    DB::QueryResult: RowsAffected,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'r> (String,): FromRow<'r, DB::Row>,
    for<'r> AccountRow: FromRow<'r, DB::Row>,
    for<'r> (i64, String): FromRow<'r, DB::Row>,
    for<'r> (Option<String>,): FromRow<'r, DB::Row>,
{
    async fn list_accounts(&self, now: i64) -> DbResult<Vec<AccountRow>> {
        Ok(
            sqlx::query_as::<DB, AccountRow>(&format!("{LIST} ORDER BY a.customer_number, a.id"))
                .bind(now)
                .fetch_all(self.pool)
                .await?,
        )
    }

    async fn account_by_customer_number(&self, number: &str) -> DbResult<Option<AccountRow>> {
        Ok(
            sqlx::query_as::<DB, AccountRow>(&format!("{LIST} WHERE a.customer_number = $2"))
                .bind(i64::MAX)
                .bind(number)
                .fetch_optional(self.pool)
                .await?,
        )
    }

    async fn rotate_license_token(
        &self,
        token: &NewLicenseToken,
        audit: &AuditEvent,
    ) -> DbResult<bool> {
        let (_writer, mut tx) = crate::db::backend::begin_write(self.pool, self.write_lock).await?;
        let owner: Option<(String,)> = sqlx::query_as::<DB, (String,)>(OWNER)
            .bind(token.account_id.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        let Some((owner_id,)) = owner else {
            tx.rollback().await?;
            return Ok(false);
        };
        sqlx::query::<DB>(REVOKE_TOKEN_SESSIONS)
            .bind(token.account_id.as_str())
            .bind(token.created_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query::<DB>(REVOKE_TOKENS)
            .bind(token.account_id.as_str())
            .bind(token.created_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query::<DB>(INSERT_TOKEN)
            .bind(token.token_hash.as_str())
            .bind(token.account_id.as_str())
            .bind(owner_id)
            .bind(token.created_at)
            .bind(token.expires_at)
            .execute(&mut *tx)
            .await?;
        Chain::<DB>::append(
            &mut tx,
            &[NewEntry {
                account_id: &audit.account_id,
                actor_user_id: audit.actor_user_id.as_deref(),
                actor_email: Some("cli"),
                event: &audit.event,
                target: audit.target.as_deref(),
                ip: audit.ip.as_deref(),
                at: audit.at,
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

macro_rules! impl_account_store {
    ($ty:ty, $db:ty) => {
        impl $ty {
            fn accounts_sql(&self) -> Sql<'_, $db> {
                Sql {
                    pool: &self.pool,
                    write_lock: &self.write_lock,
                }
            }
        }

        #[async_trait]
        impl AccountStore for $ty {
            async fn list_accounts(&self, now: i64) -> DbResult<Vec<AccountRow>> {
                self.accounts_sql().list_accounts(now).await
            }
            async fn account_by_customer_number(
                &self,
                number: &str,
            ) -> DbResult<Option<AccountRow>> {
                self.accounts_sql().account_by_customer_number(number).await
            }
            async fn rotate_license_token(
                &self,
                token: &NewLicenseToken,
                audit: &AuditEvent,
            ) -> DbResult<bool> {
                self.accounts_sql().rotate_license_token(token, audit).await
            }
        }
    };
}

impl_account_store!(SqliteDatabase, sqlx::Sqlite);
impl_account_store!(PostgresDatabase, sqlx::Postgres);
