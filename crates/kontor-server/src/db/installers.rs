//! The installer half of the storage ([`InstallerStore`], a supertrait of `Database`): the vendor-wide
//! installer catalog and what an account may download (the installers of its package's products).
//!
//! The bytes are not in the database: `sha256` names the file in the content store (the `installers` module
//! of the crate root).

use async_trait::async_trait;
use sqlx::{Encode, Executor, FromRow, IntoArguments, Pool, Type};

use crate::db::postgres::PostgresDatabase;
use crate::db::sqlite::SqliteDatabase;
use crate::db::PRODUCT_ID;
use crate::domain::{Outcome, Refusal};
use crate::error::DbResult;

/// One catalog row, with its product's code and name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InstallerRecord {
    pub id: String,
    pub product_code: String,
    pub product_name: String,
    pub version: String,
    pub platform: String,
    pub arch: String,
    pub file_name: String,
    pub size: i64,
    pub sha256: String,
    pub notes: String,
    pub released_on: String,
    pub created_at: i64,
}

/// A validated installer to add to the catalog (its file is already in the content store).
#[derive(Debug, Clone)]
pub struct NewInstaller {
    pub id: String,
    pub product_code: String,
    pub version: String,
    pub platform: String,
    pub arch: String,
    pub file_name: String,
    pub size: i64,
    pub sha256: String,
    pub notes: String,
    pub released_on: String,
    pub created_at: i64,
}

#[async_trait]
pub trait InstallerStore {
    /// The catalog's product codes, sorted.
    async fn product_codes(&self) -> DbResult<Vec<String>>;
    /// Adds an installer. Unknown product: `Invalid`; the same product, version, platform and arch again:
    /// `Conflict`.
    async fn insert_installer(&self, installer: &NewInstaller) -> Outcome<InstallerRecord>;
    /// The installers of the products in the account's package (unordered; the caller sorts).
    async fn account_installers(&self, account_id: &str) -> DbResult<Vec<InstallerRecord>>;
    /// One installer, if it belongs to a product in the account's package; else `None` (as unknown).
    async fn account_installer(
        &self,
        account_id: &str,
        installer_id: &str,
    ) -> DbResult<Option<InstallerRecord>>;
}

const PRODUCT_CODES: &str = "SELECT code FROM products ORDER BY code";

const INSERT_INSTALLER: &str = "INSERT INTO installers (id, product_id, version, platform, arch, \
     file_name, size, sha256, notes, released_on, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// One installer by id ($1), with its product.
const INSTALLER_BY_ID: &str =
    "SELECT i.id, p.code AS product_code, p.name AS product_name, i.version, \
     i.platform, i.arch, i.file_name, i.size, i.sha256, i.notes, i.released_on, i.created_at \
     FROM installers i JOIN products p ON p.id = i.product_id WHERE i.id = $1";

/// The installers of the products in `$1`'s subscription (its package's and its add-ons': the seat pools).
const ACCOUNT_INSTALLERS: &str = "SELECT i.id, p.code AS product_code, p.name AS product_name, \
     i.version, i.platform, i.arch, i.file_name, i.size, i.sha256, i.notes, i.released_on, i.created_at \
     FROM installers i JOIN products p ON p.id = i.product_id \
     JOIN subscription_seats ss ON ss.product_id = i.product_id AND ss.account_id = $1";

/// One installer ($2) if it is among `$1`'s subscription's products.
const ACCOUNT_INSTALLER: &str = "SELECT i.id, p.code AS product_code, p.name AS product_name, \
     i.version, i.platform, i.arch, i.file_name, i.size, i.sha256, i.notes, i.released_on, i.created_at \
     FROM installers i JOIN products p ON p.id = i.product_id \
     JOIN subscription_seats ss ON ss.product_id = i.product_id AND ss.account_id = $1 WHERE i.id = $2";

/// The installer statements, for any sqlx backend `DB` that has what they need (written once for both).
struct Sql<DB>(std::marker::PhantomData<DB>);

impl<DB> Sql<DB>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'r> (String,): FromRow<'r, DB::Row>,
    for<'r> InstallerRecord: FromRow<'r, DB::Row>,
{
    async fn product_codes(pool: &Pool<DB>) -> DbResult<Vec<String>> {
        Ok(sqlx::query_scalar::<DB, String>(PRODUCT_CODES)
            .fetch_all(pool)
            .await?)
    }

    async fn insert_installer(pool: &Pool<DB>, n: &NewInstaller) -> Outcome<InstallerRecord> {
        let product: Option<String> = sqlx::query_scalar::<DB, String>(PRODUCT_ID)
            .bind(&n.product_code)
            .fetch_optional(pool)
            .await?;
        let Some(product_id) = product else {
            return Ok(Err(Refusal::Invalid(format!(
                "unknown product {:?}",
                n.product_code
            ))));
        };
        let inserted = sqlx::query::<DB>(INSERT_INSTALLER)
            .bind(&n.id)
            .bind(&product_id)
            .bind(&n.version)
            .bind(&n.platform)
            .bind(&n.arch)
            .bind(&n.file_name)
            .bind(n.size)
            .bind(&n.sha256)
            .bind(&n.notes)
            .bind(&n.released_on)
            .bind(n.created_at)
            .execute(pool)
            .await;
        match inserted.map_err(crate::error::DbError::from) {
            Ok(_) => {}
            Err(crate::error::DbError::Conflict(_)) => {
                return Ok(Err(Refusal::Conflict(format!(
                    "{} {} for {}/{} is already in the catalog",
                    n.product_code, n.version, n.platform, n.arch
                ))))
            }
            Err(e) => return Err(e),
        }
        let row = sqlx::query_as::<DB, InstallerRecord>(INSTALLER_BY_ID)
            .bind(&n.id)
            .fetch_one(pool)
            .await?;
        Ok(Ok(row))
    }

    async fn account_installers(
        pool: &Pool<DB>,
        account_id: &str,
    ) -> DbResult<Vec<InstallerRecord>> {
        Ok(sqlx::query_as::<DB, InstallerRecord>(ACCOUNT_INSTALLERS)
            .bind(account_id)
            .fetch_all(pool)
            .await?)
    }

    async fn account_installer(
        pool: &Pool<DB>,
        account_id: &str,
        installer_id: &str,
    ) -> DbResult<Option<InstallerRecord>> {
        Ok(sqlx::query_as::<DB, InstallerRecord>(ACCOUNT_INSTALLER)
            .bind(account_id)
            .bind(installer_id)
            .fetch_optional(pool)
            .await?)
    }
}

/// Implements [`InstallerStore`] for a struct with a `pool: sqlx::Pool<$db>` field by calling [`Sql`].
macro_rules! impl_installer_store {
    ($ty:ty, $db:ty) => {
        #[async_trait]
        impl InstallerStore for $ty {
            async fn product_codes(&self) -> DbResult<Vec<String>> {
                Sql::<$db>::product_codes(&self.pool).await
            }
            async fn insert_installer(&self, installer: &NewInstaller) -> Outcome<InstallerRecord> {
                Sql::<$db>::insert_installer(&self.pool, installer).await
            }
            async fn account_installers(&self, account_id: &str) -> DbResult<Vec<InstallerRecord>> {
                Sql::<$db>::account_installers(&self.pool, account_id).await
            }
            async fn account_installer(
                &self,
                account_id: &str,
                installer_id: &str,
            ) -> DbResult<Option<InstallerRecord>> {
                Sql::<$db>::account_installer(&self.pool, account_id, installer_id).await
            }
        }
    };
}

impl_installer_store!(SqliteDatabase, sqlx::Sqlite);
impl_installer_store!(PostgresDatabase, sqlx::Postgres);
