//! Every column a request looks rows up by — above all an unauthenticated one (sign-in, refresh, reset) — leads
//! an index on both backends, so such a request costs a B-tree probe however many users the portal holds, never
//! a read of the whole table. Found missing on PostgreSQL on 2026-12-02: `users.email` (sign-in read all users).

mod common;

use common::check;
use sqlx::Connection;

/// `(table, column, who looks it up)`: equality lookups of the server's statements (`db::*`, `WHERE column = $1`).
const LOOKUPS: &[(&str, &str, &str)] = &[
    ("users", "email", "sign-in, password-reset request"),
    ("users", "account_id", "users list, dashboard"),
    ("sessions", "refresh_hash", "token refresh"),
    ("sessions", "id", "every authenticated request"),
    (
        "sign_in_choices",
        "token_hash",
        "choosing an account at sign-in",
    ),
    (
        "license_tokens",
        "token_hash",
        "sign-in with a license token",
    ),
    ("password_resets", "user_id", "password reset"),
    ("email_changes", "user_id", "e-mail change confirmation"),
    ("accounts", "customer_number", "account CLI"),
    ("sepa_mandates", "reference", "mandate lookup"),
    ("license_assignments", "user_id", "licenses of a user"),
    ("locations", "account_id", "locations page"),
    ("invoices", "account_id", "invoices page"),
    ("invoices", "corrects_invoice_id", "credit notes"),
    ("invoice_lines", "invoice_id", "invoice PDF"),
    ("offline_licenses", "account_id", "offline licenses"),
];

/// The first column of every index of `table` (the primary key's included).
async fn leading_columns(backend: &str, url: &str, table: &str) -> Vec<String> {
    if backend == "postgres" {
        let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT a.attname::text FROM pg_index x JOIN pg_class r ON r.oid = x.indrelid \
             JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = x.indkey[0] \
             WHERE r.relname = $1 AND r.relnamespace = 'public'::regnamespace",
        )
        .bind(table)
        .fetch_all(&mut c)
        .await
        .expect("pg_index");
        c.close().await.expect("close");
        rows.into_iter().map(|r| r.0).collect()
    } else {
        let mut c = sqlx::SqliteConnection::connect(url).await.expect("connect");
        let indexes: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_index_list(?1)")
            .bind(table)
            .fetch_all(&mut c)
            .await
            .expect("index_list");
        let mut out = Vec::new();
        for (index,) in indexes {
            let first: Option<(String,)> =
                sqlx::query_as("SELECT name FROM pragma_index_info(?1) WHERE seqno = 0")
                    .bind(&index)
                    .fetch_optional(&mut c)
                    .await
                    .expect("index_info");
            out.extend(first.map(|r| r.0));
        }
        c.close().await.expect("close");
        out
    }
}

#[tokio::test]
async fn every_looked_up_column_leads_an_index() {
    check(|env| async move {
        let mut missing = Vec::new();
        for (table, column, who) in LOOKUPS {
            let lead = leading_columns(env.backend, &env.db_url, table).await;
            assert!(
                !lead.is_empty(),
                "{}: table {table} has no index at all (does it exist?)",
                env.backend
            );
            if !lead.iter().any(|c| c == column) {
                missing.push(format!("{table}.{column} ({who})"));
            }
        }
        assert!(
            missing.is_empty(),
            "{}: no index leads with {}",
            env.backend,
            missing.join(", ")
        );
    })
    .await;
}
