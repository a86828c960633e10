//! The installer half of the storage ([`InstallerStore`], a supertrait of `Database`): the vendor-wide
//! installer catalog and what an account may download (the installers of its package's products).
//!
//! The bytes are not in the database: `sha256` names the file in the content store (`crate::installers`).

use async_trait::async_trait;

use super::users::{Outcome, Refusal};
use super::{DbResult, PostgresDatabase, SqliteDatabase};

/// One catalog row, with its product's code and name.
#[derive(Debug, Clone, PartialEq, Eq)]
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

type InstallerRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
    String,
    i64,
);

fn record(r: InstallerRow) -> InstallerRecord {
    InstallerRecord {
        id: r.0,
        product_code: r.1,
        product_name: r.2,
        version: r.3,
        platform: r.4,
        arch: r.5,
        file_name: r.6,
        size: r.7,
        sha256: r.8,
        notes: r.9,
        released_on: r.10,
        created_at: r.11,
    }
}

const COLUMNS: &str = "i.id, p.code, p.name, i.version, i.platform, i.arch, i.file_name, i.size, \
     i.sha256, i.notes, i.released_on, i.created_at";

/// Installers joined with their product, restricted to the products of `$1`'s package.
const ENTITLED: &str = "FROM installers i JOIN products p ON p.id = i.product_id \
     JOIN package_products pp ON pp.product_id = i.product_id \
     JOIN subscriptions s ON s.package_id = pp.package_id AND s.account_id = $1";

macro_rules! impl_installer_store {
    ($ty:ty, $db:ty) => {
        #[async_trait]
        impl InstallerStore for $ty {
            async fn product_codes(&self) -> DbResult<Vec<String>> {
                let rows: Vec<(String,)> =
                    sqlx::query_as::<$db, _>("SELECT code FROM products ORDER BY code")
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(|r| r.0).collect())
            }

            async fn insert_installer(&self, n: &NewInstaller) -> Outcome<InstallerRecord> {
                let product: Option<(String,)> =
                    sqlx::query_as::<$db, _>("SELECT id FROM products WHERE code = $1")
                        .bind(&n.product_code)
                        .fetch_optional(&self.pool)
                        .await?;
                let Some((product_id,)) = product else {
                    return Ok(Err(Refusal::Invalid(format!(
                        "unknown product {:?}",
                        n.product_code
                    ))));
                };
                let inserted = sqlx::query::<$db>(
                    "INSERT INTO installers (id, product_id, version, platform, arch, file_name, size, \
                     sha256, notes, released_on, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
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
                .execute(&self.pool)
                .await;
                match inserted.map_err(super::DbError::from) {
                    Ok(_) => {}
                    Err(super::DbError::Conflict(_)) => {
                        return Ok(Err(Refusal::Conflict(format!(
                            "{} {} for {}/{} is already in the catalog",
                            n.product_code, n.version, n.platform, n.arch
                        ))))
                    }
                    Err(e) => return Err(e),
                }
                let sql = format!(
                    "SELECT {COLUMNS} FROM installers i JOIN products p ON p.id = i.product_id WHERE i.id = $1"
                );
                let row: InstallerRow = sqlx::query_as::<$db, InstallerRow>(&sql)
                    .bind(&n.id)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(Ok(record(row)))
            }

            async fn account_installers(&self, account_id: &str) -> DbResult<Vec<InstallerRecord>> {
                let sql = format!("SELECT {COLUMNS} {ENTITLED}");
                let rows: Vec<InstallerRow> = sqlx::query_as::<$db, InstallerRow>(&sql)
                    .bind(account_id)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows.into_iter().map(record).collect())
            }

            async fn account_installer(
                &self,
                account_id: &str,
                installer_id: &str,
            ) -> DbResult<Option<InstallerRecord>> {
                let sql = format!("SELECT {COLUMNS} {ENTITLED} WHERE i.id = $2");
                let row: Option<InstallerRow> = sqlx::query_as::<$db, InstallerRow>(&sql)
                    .bind(account_id)
                    .bind(installer_id)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(record))
            }
        }
    };
}

impl_installer_store!(SqliteDatabase, sqlx::Sqlite);
impl_installer_store!(PostgresDatabase, sqlx::Postgres);
