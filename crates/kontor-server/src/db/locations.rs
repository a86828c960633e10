//! The locations half of the storage ([`LocationStore`], a supertrait of `Database`): the locations page's
//! list with user counts, create, rename / edit address, and delete with moving the users.
//!
//! Names are unique per account regardless of case: `name_key` (the name in lower case, written here) has
//! a unique index per account, checked first so the refusal names the clash, and the index decides a race.
//! Each change is one write transaction with its audit event (SQLite: after the database's write lock, as
//! `db::users`). Delete and edit lock the location rows they touch (PostgreSQL `FOR UPDATE`, in id order),
//! so a user created at a location concurrently either lands before the move or fails its reference check.

use async_trait::async_trait;
use kontor_api::{ErrorDetail, FieldProblem, LocationInfo, LocationInput, Resource};
use sqlx::{Encode, Executor, FromRow, IntoArguments, Pool, Type};

use crate::db::audit::{Chain, NewEntry};
use crate::db::backend::{begin_write, RowsAffected, WriteLock};
use crate::db::postgres::PostgresDatabase;
use crate::db::sqlite::SqliteDatabase;
use crate::domain::{row_u32, Actor, Outcome, Refusal};
use crate::error::{DbError, DbResult};

/// The locations storage. Every method is scoped to the caller's account; another account's location is
/// `NotFound`, exactly as an unknown one.
#[async_trait]
pub trait LocationStore: Send + Sync {
    /// The account's locations by name, with their live users.
    async fn location_infos(&self, account_id: &str) -> DbResult<Vec<LocationInfo>>;
    /// Creates a location (`location.created`); a name the account has (any case): `LocationNameTaken`.
    async fn create_location(&self, actor: &Actor, input: &LocationInput) -> Outcome<LocationInfo>;
    /// Renames (`location.renamed`) and/or changes the address (`location.updated`).
    async fn update_location(
        &self,
        actor: &Actor,
        location_id: &str,
        input: &LocationInput,
    ) -> Outcome<LocationInfo>;
    /// Deletes a location (`location.deleted`), first moving its users (deleted ones too) to `move_to`, all
    /// in one transaction. With live users and no `move_to`: `LocationHasUsers`. Answers how many live
    /// users moved.
    async fn delete_location(
        &self,
        actor: &Actor,
        location_id: &str,
        move_to: Option<&str>,
    ) -> Outcome<u32>;
}

/// A location row with its live users.
#[derive(sqlx::FromRow)]
struct InfoRow {
    id: String,
    name: String,
    street: String,
    postal_code: String,
    city: String,
    country: String,
    user_count: i64,
}

impl From<InfoRow> for LocationInfo {
    fn from(r: InfoRow) -> Self {
        LocationInfo {
            id: r.id,
            name: r.name,
            street: r.street,
            postal_code: r.postal_code,
            city: r.city,
            country: r.country,
            user_count: u32::try_from(r.user_count).unwrap_or(u32::MAX),
        }
    }
}

const INFO_COLUMNS: &str = "SELECT l.id, l.name, l.street, l.postal_code, l.city, l.country, \
     (SELECT COUNT(*) FROM users u WHERE u.account_id = l.account_id AND u.location_id = l.id \
      AND u.deleted_at IS NULL) AS user_count FROM locations l";

const NAME_TAKEN: &str =
    "SELECT id FROM locations WHERE account_id = $1 AND name_key = $2 AND id <> $3";

const INSERT_LOCATION: &str = "INSERT INTO locations (id, account_id, name, name_key, street, \
     postal_code, city, country) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

const UPDATE_LOCATION: &str = "UPDATE locations SET name = $3, name_key = $4, street = $5, \
     postal_code = $6, city = $7, country = $8 WHERE account_id = $1 AND id = $2";

/// Moves every user (deleted ones too) of location `$2` to `$3` (NULL: no location).
const MOVE_USERS: &str =
    "UPDATE users SET location_id = $3 WHERE account_id = $1 AND location_id = $2";

const DELETE_LOCATION: &str = "DELETE FROM locations WHERE account_id = $1 AND id = $2";

/// The case-insensitive name key.
fn name_key(name: &str) -> String {
    name.to_lowercase()
}

macro_rules! refuse {
    ($tx:expr, $r:expr) => {{
        $tx.rollback().await?;
        return Ok(Err($r));
    }};
}

/// The locations statements over one backend's pool, written once for both.
struct Sql<'p, DB: sqlx::Database> {
    pool: &'p Pool<DB>,
    /// SQLite's one writer at a time (see `db::users`); unused on PostgreSQL.
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
    for<'r> (i64, String): FromRow<'r, DB::Row>,
    for<'r> (Option<String>,): FromRow<'r, DB::Row>,
    for<'r> InfoRow: FromRow<'r, DB::Row>,
{
    fn sqlite() -> bool {
        DB::NAME == "SQLite"
    }

    /// The account's locations among `ids`, locked on PostgreSQL (in id order), with their live users.
    async fn locked(
        c: &mut DB::Connection,
        account_id: &str,
        ids: &[&str],
    ) -> DbResult<Vec<LocationInfo>> {
        let mut sorted = ids.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut out = Vec::new();
        for id in sorted {
            let lock = if Self::sqlite() { "" } else { " FOR UPDATE" };
            let locked: Option<(String,)> = sqlx::query_as::<DB, (String,)>(&format!(
                "SELECT id FROM locations WHERE account_id = $1 AND id = $2{lock}"
            ))
            .bind(account_id)
            .bind(id)
            .fetch_optional(&mut *c)
            .await?;
            if locked.is_some() {
                let row = sqlx::query_as::<DB, InfoRow>(&format!(
                    "{INFO_COLUMNS} WHERE l.account_id = $1 AND l.id = $2"
                ))
                .bind(account_id)
                .bind(id)
                .fetch_one(&mut *c)
                .await?;
                out.push(row.into());
            }
        }
        Ok(out)
    }

    async fn name_taken(
        c: &mut DB::Connection,
        account_id: &str,
        name: &str,
        except_id: &str,
    ) -> DbResult<bool> {
        Ok(sqlx::query_as::<DB, (String,)>(NAME_TAKEN)
            .bind(account_id)
            .bind(name_key(name))
            .bind(except_id)
            .fetch_optional(&mut *c)
            .await?
            .is_some())
    }

    async fn audit(
        c: &mut DB::Connection,
        actor: &Actor,
        events: &[(&str, String)],
    ) -> DbResult<()> {
        let (user_id, email) = match &actor.system {
            Some(name) => (None, Some(name.clone())),
            None => (
                Some(actor.user_id.as_str()),
                Chain::<DB>::actor_email(&mut *c, &actor.user_id).await?,
            ),
        };
        let entries: Vec<NewEntry<'_>> = events
            .iter()
            .map(|(event, target)| NewEntry {
                account_id: &actor.account_id,
                actor_user_id: user_id,
                actor_email: email.as_deref(),
                event,
                target: Some(target),
                ip: actor.ip.as_deref(),
                at: actor.at,
            })
            .collect();
        Chain::<DB>::append(c, &entries).await
    }

    async fn location_infos(&self, account_id: &str) -> DbResult<Vec<LocationInfo>> {
        let rows = sqlx::query_as::<DB, InfoRow>(&format!(
            "{INFO_COLUMNS} WHERE l.account_id = $1 ORDER BY l.name, l.id"
        ))
        .bind(account_id)
        .fetch_all(self.pool)
        .await?;
        Ok(rows.into_iter().map(LocationInfo::from).collect())
    }

    async fn create_location(&self, actor: &Actor, l: &LocationInput) -> Outcome<LocationInfo> {
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        let taken = || {
            Refusal::because(ErrorDetail::LocationNameTaken {
                name: l.name.clone(),
            })
        };
        if Self::name_taken(&mut tx, &actor.account_id, &l.name, "").await? {
            refuse!(tx, taken());
        }
        let id = uuid::Uuid::new_v4().to_string();
        let inserted = sqlx::query::<DB>(INSERT_LOCATION)
            .bind(&id)
            .bind(&actor.account_id)
            .bind(&l.name)
            .bind(name_key(&l.name))
            .bind(&l.street)
            .bind(&l.postal_code)
            .bind(&l.city)
            .bind(&l.country)
            .execute(&mut *tx)
            .await;
        match inserted.map_err(DbError::from) {
            Ok(_) => {}
            Err(DbError::Conflict(_)) => refuse!(tx, taken()),
            Err(e) => return Err(e),
        }
        Self::audit(&mut tx, actor, &[("location.created", l.name.clone())]).await?;
        tx.commit().await?;
        Ok(Ok(LocationInfo {
            id,
            name: l.name.clone(),
            street: l.street.clone(),
            postal_code: l.postal_code.clone(),
            city: l.city.clone(),
            country: l.country.clone(),
            user_count: 0,
        }))
    }

    async fn update_location(
        &self,
        actor: &Actor,
        location_id: &str,
        l: &LocationInput,
    ) -> Outcome<LocationInfo> {
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        let Some(old) = Self::locked(&mut tx, &actor.account_id, &[location_id])
            .await?
            .pop()
        else {
            refuse!(tx, Refusal::not_found(Resource::Location));
        };
        let taken = || {
            Refusal::because(ErrorDetail::LocationNameTaken {
                name: l.name.clone(),
            })
        };
        if Self::name_taken(&mut tx, &actor.account_id, &l.name, location_id).await? {
            refuse!(tx, taken());
        }
        let updated = sqlx::query::<DB>(UPDATE_LOCATION)
            .bind(&actor.account_id)
            .bind(location_id)
            .bind(&l.name)
            .bind(name_key(&l.name))
            .bind(&l.street)
            .bind(&l.postal_code)
            .bind(&l.city)
            .bind(&l.country)
            .execute(&mut *tx)
            .await;
        match updated.map_err(DbError::from) {
            Ok(_) => {}
            Err(DbError::Conflict(_)) => refuse!(tx, taken()),
            Err(e) => return Err(e),
        }
        let mut events = Vec::new();
        if old.name != l.name {
            events.push(("location.renamed", format!("{} → {}", old.name, l.name)));
        }
        let address = |x: &LocationInfo| {
            (
                x.street.clone(),
                x.postal_code.clone(),
                x.city.clone(),
                x.country.clone(),
            )
        };
        let new_address = (
            l.street.clone(),
            l.postal_code.clone(),
            l.city.clone(),
            l.country.clone(),
        );
        if address(&old) != new_address {
            events.push(("location.updated", l.name.clone()));
        }
        if !events.is_empty() {
            Self::audit(&mut tx, actor, &events).await?;
        }
        tx.commit().await?;
        Ok(Ok(LocationInfo {
            id: old.id,
            name: l.name.clone(),
            street: l.street.clone(),
            postal_code: l.postal_code.clone(),
            city: l.city.clone(),
            country: l.country.clone(),
            user_count: old.user_count,
        }))
    }

    async fn delete_location(
        &self,
        actor: &Actor,
        location_id: &str,
        move_to: Option<&str>,
    ) -> Outcome<u32> {
        let (_writer, mut tx) = begin_write(self.pool, self.write_lock).await?;
        if move_to == Some(location_id) {
            refuse!(
                tx,
                Refusal::because(ErrorDetail::Field {
                    field: "move_to".to_string(),
                    row: None,
                    problem: FieldProblem::Invalid,
                })
            );
        }
        let mut ids = vec![location_id];
        ids.extend(move_to);
        let found = Self::locked(&mut tx, &actor.account_id, &ids).await?;
        let Some(gone) = found.iter().find(|l| l.id == location_id).cloned() else {
            refuse!(tx, Refusal::not_found(Resource::Location));
        };
        let target = match move_to {
            Some(t) => match found.iter().find(|l| l.id == t) {
                Some(l) => Some(l.clone()),
                None => refuse!(
                    tx,
                    Refusal::because(ErrorDetail::UnknownLocation { row: None })
                ),
            },
            None => None,
        };
        if gone.user_count > 0 && target.is_none() {
            refuse!(
                tx,
                Refusal::because(ErrorDetail::LocationHasUsers {
                    users: gone.user_count
                })
            );
        }
        // Deleted users go along (or lose the location), so nothing refers to the deleted row.
        sqlx::query::<DB>(MOVE_USERS)
            .bind(&actor.account_id)
            .bind(location_id)
            .bind(target.as_ref().map(|t| t.id.as_str()))
            .execute(&mut *tx)
            .await?;
        sqlx::query::<DB>(DELETE_LOCATION)
            .bind(&actor.account_id)
            .bind(location_id)
            .execute(&mut *tx)
            .await?;
        let what = match &target {
            Some(t) if gone.user_count > 0 => {
                format!("{} → {} ({} users)", gone.name, t.name, gone.user_count)
            }
            _ => gone.name.clone(),
        };
        Self::audit(&mut tx, actor, &[("location.deleted", what)]).await?;
        tx.commit().await?;
        Ok(Ok(row_u32(gone.user_count as usize)))
    }
}

/// Implements [`LocationStore`] for a backend struct with `pool` and `write_lock` fields.
macro_rules! impl_location_store {
    ($ty:ty, $db:ty) => {
        #[async_trait]
        impl LocationStore for $ty {
            async fn location_infos(&self, account_id: &str) -> DbResult<Vec<LocationInfo>> {
                self.locations_sql().location_infos(account_id).await
            }
            async fn create_location(
                &self,
                actor: &Actor,
                input: &LocationInput,
            ) -> Outcome<LocationInfo> {
                self.locations_sql().create_location(actor, input).await
            }
            async fn update_location(
                &self,
                actor: &Actor,
                location_id: &str,
                input: &LocationInput,
            ) -> Outcome<LocationInfo> {
                self.locations_sql()
                    .update_location(actor, location_id, input)
                    .await
            }
            async fn delete_location(
                &self,
                actor: &Actor,
                location_id: &str,
                move_to: Option<&str>,
            ) -> Outcome<u32> {
                self.locations_sql()
                    .delete_location(actor, location_id, move_to)
                    .await
            }
        }

        impl $ty {
            fn locations_sql(&self) -> Sql<'_, $db> {
                Sql {
                    pool: &self.pool,
                    write_lock: &self.write_lock,
                }
            }
        }
    };
}

impl_location_store!(SqliteDatabase, sqlx::Sqlite);
impl_location_store!(PostgresDatabase, sqlx::Postgres);
