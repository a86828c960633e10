//! What the two sqlx backends both have but sqlx offers no shared trait for, so the generic storage code
//! (`store`, `licenses`, `installers`) can use it: the number of rows a statement changed.

/// How many rows a statement changed.
pub(crate) trait RowsAffected {
    fn affected(&self) -> u64;
}

impl RowsAffected for sqlx::sqlite::SqliteQueryResult {
    fn affected(&self) -> u64 {
        self.rows_affected()
    }
}

impl RowsAffected for sqlx::postgres::PgQueryResult {
    fn affected(&self) -> u64 {
        self.rows_affected()
    }
}
