//! `kontor-server users import`: reads a CSV/XLSX user file with `kontor-import`, validates it against the
//! account in the database, and commits the valid rows through the same code as `POST …/users/import`.
//!
//! The import id is derived from the account and the file's SHA-256, and the batches are the valid rows in
//! file order cut into [`MAX_IMPORT_BATCH`]s, so running the same file again (e.g. after a crash) finds its
//! committed batches recorded in `import_batches`, creates nothing twice, and commits what was missing. The
//! import's own users are therefore not "already existing" for its validation, and their seats count as free.
//!
//! Temporary passwords go only to the `--passwords-out` CSV (written atomically, mode 0600 on Unix).

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use kontor_api::{CreatedUser, MAX_IMPORT_BATCH};
use kontor_import::{FileKind, Problem};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::Database;
use crate::domain::Actor;
use crate::error::ServerError;
use crate::service::users::commit_import_batch;

/// The audit actor of imports run from the command line.
pub const CLI_ACTOR: &str = "cli";

/// What to import, and how.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub account_id: String,
    pub file: PathBuf,
    /// Validate and report only; write nothing.
    pub dry_run: bool,
    /// Where the temporary passwords of the created users go; required unless `dry_run`.
    pub passwords_out: Option<PathBuf>,
    /// Unix seconds for the created users and audit events.
    pub now: i64,
}

/// One row problem: `reason` is the stable code, `message` the English text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub reason: String,
    pub message: String,
}

/// Why the file (or the commit) failed as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileError {
    pub code: String,
    pub message: String,
}

/// The JSON summary printed on stdout.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Data rows in the file.
    pub rows: usize,
    /// Rows without problems.
    pub valid: usize,
    /// Users created by this run.
    pub created: usize,
    /// Valid rows whose batch an earlier run of the same file had committed.
    pub already_done: usize,
    pub errors: Vec<RowError>,
    pub file_error: Option<FileError>,
}

impl ImportReport {
    /// 0: every row valid (and committed unless dry run); 1: some rows had problems; 2: the file or the
    /// commit failed.
    pub fn exit_code(&self) -> u8 {
        if self.file_error.is_some() {
            2
        } else if !self.errors.is_empty() {
            1
        } else {
            0
        }
    }

    fn file_failed(code: &str, message: impl Into<String>) -> Self {
        ImportReport {
            file_error: Some(FileError {
                code: code.to_string(),
                message: message.into(),
            }),
            ..ImportReport::default()
        }
    }
}

/// The import id of `file_bytes` for `account_id`: `cli-` and 40 hex digits of a SHA-256 over both.
pub fn import_id_of(account_id: &str, file_bytes: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(b"kontor-server users import\0");
    h.update(account_id.as_bytes());
    h.update(b"\0");
    h.update(Sha256::digest(file_bytes));
    format!("cli-{}", &hex::encode(h.finalize())[..40])
}

fn row_error(p: &Problem) -> RowError {
    let reason = serde_json::to_value(&p.reason)
        .ok()
        .and_then(|v| v.get("code").and_then(|c| c.as_str()).map(str::to_string))
        .unwrap_or_default();
    RowError {
        row: p.row,
        column: p.column.clone(),
        reason,
        message: p.to_string(),
    }
}

/// Runs the import. `Err` only for usage and database errors (unknown account, missing `--passwords-out`);
/// file and commit failures are in the report's `file_error`.
pub async fn import_file(
    db: &dyn Database,
    opts: &ImportOptions,
) -> Result<ImportReport, ServerError> {
    if !opts.dry_run && opts.passwords_out.is_none() {
        return Err(ServerError::Usage(
            "refusing to create users without --passwords-out FILE (their temporary passwords are written \
             only there); add it, or use --dry-run"
                .to_string(),
        ));
    }
    let account = &opts.account_id;
    if db.account(account).await?.is_none() {
        return Err(ServerError::Usage(format!("unknown account {account:?}")));
    }
    let bytes = match std::fs::read(&opts.file) {
        Ok(b) => b,
        Err(e) => {
            return Ok(ImportReport::file_failed(
                "unreadable",
                format!("cannot read {}: {e}", opts.file.display()),
            ))
        }
    };
    let name = opts
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let table = match kontor_import::read_table(&bytes, FileKind::detect(&name, &bytes)) {
        Ok(t) => t,
        Err(e) => return Ok(ImportReport::file_failed(e.code(), e.to_string())),
    };
    let import_id = import_id_of(account, &bytes);

    // The context: products and free seats, locations, and the taken addresses among the file's cells —
    // not counting what an earlier run of this very file created.
    let own = db.import_holdings(account, &import_id).await?;
    let own_emails: HashSet<&str> = own.iter().map(|(e, _)| e.as_str()).collect();
    let mut own_seats: HashMap<&str, i64> = HashMap::new();
    for code in own.iter().flat_map(|(_, codes)| codes) {
        *own_seats.entry(code.as_str()).or_default() += 1;
    }
    let seats = db.seats(account).await?;
    let mut seen = HashSet::new();
    let candidates: Vec<String> = table
        .rows
        .iter()
        .flat_map(|(_, cells)| cells.iter())
        .filter_map(|c| kontor_api::validate::email("email", c).ok())
        .filter(|e| seen.insert(e.clone()))
        .collect();
    let ctx = kontor_import::Context {
        products: seats
            .iter()
            .map(|s| (s.product_code.clone(), s.product_name.clone()))
            .collect(),
        free_seats: seats
            .iter()
            .map(|s| {
                let held = own_seats.get(s.product_code.as_str()).copied().unwrap_or(0);
                (s.product_code.clone(), s.seats - s.used + held)
            })
            .collect(),
        existing_emails: db
            .existing_emails(None, &candidates)
            .await?
            .into_iter()
            .filter(|e| !own_emails.contains(e.as_str()))
            .collect(),
        locations: db
            .locations(account)
            .await?
            .into_iter()
            .map(|l| (l.id, l.name))
            .collect(),
    };
    let preview = kontor_import::validate(&table, &ctx);
    let mut report = ImportReport {
        rows: preview.rows_found,
        valid: preview.valid.len(),
        errors: preview.problems.iter().map(row_error).collect(),
        ..ImportReport::default()
    };
    let batches: Vec<Vec<kontor_api::NewUser>> = preview
        .valid
        .chunks(MAX_IMPORT_BATCH)
        .map(|c| c.iter().map(|r| r.user.clone()).collect())
        .collect();

    if opts.dry_run {
        let done: HashSet<u32> = db
            .import_batches_done(account, &import_id)
            .await?
            .into_iter()
            .collect();
        report.already_done = batches
            .iter()
            .enumerate()
            .filter(|(i, _)| done.contains(&(*i as u32)))
            .map(|(_, b)| b.len())
            .sum();
        return Ok(report);
    }

    // Open the passwords file before creating anyone: a bad path fails before the first commit.
    let out_path = opts.passwords_out.as_deref().unwrap_or(Path::new(""));
    let out = match PasswordsFile::create(out_path) {
        Ok(f) => f,
        Err(e) => {
            return Err(ServerError::Usage(format!(
                "cannot write --passwords-out {}: {e}",
                out_path.display()
            )))
        }
    };
    let actor = Actor {
        account_id: account.clone(),
        user_id: String::new(),
        system: Some(CLI_ACTOR.to_string()),
        ip: None,
        at: opts.now,
    };
    let mut passwords: Vec<CreatedUser> = Vec::new();
    for (i, users) in batches.iter().enumerate() {
        let committed = match commit_import_batch(
            db,
            &actor,
            kontor_api::Role::Owner,
            &import_id,
            i as u32,
            users,
        )
        .await
        {
            Ok(Ok(r)) => Ok(r),
            Ok(Err(refusal)) => Err(refusal.message().to_string()),
            Err(e) => {
                tracing::error!(error = %e, "internal error");
                Err("internal error".to_string())
            }
        };
        match committed {
            Ok(r) if r.already_done => {
                report.already_done += users.len();
                passwords.extend(r.created);
            }
            Ok(r) => {
                report.created += r.created.len();
                passwords.extend(r.created);
            }
            Err(e) => {
                report.file_error = Some(FileError {
                    code: "commit_failed".to_string(),
                    message: format!(
                        "batch {i} (rows {}…) was not committed: {}",
                        preview.valid[i * MAX_IMPORT_BATCH].row,
                        e
                    ),
                });
                break;
            }
        }
    }
    if let Err(e) = out.finish(&passwords) {
        // The users exist; running the same file again reissues their temporary passwords.
        report.file_error = Some(FileError {
            code: "passwords_out".to_string(),
            message: format!(
                "cannot write {}: {e}; run the same import again to reissue the temporary passwords",
                out_path.display()
            ),
        });
    }
    Ok(report)
}

/// The `--passwords-out` CSV: written to a temporary file (0600) beside the target, renamed into place.
struct PasswordsFile(kontor_fs::AtomicFile);

impl PasswordsFile {
    fn create(target: &Path) -> std::io::Result<Self> {
        kontor_fs::Options::new()
            .private(true)
            .create(target)
            .map(Self)
    }

    /// Writes every user's temporary password and makes the file; a failure leaves no file behind.
    fn finish(self, users: &[CreatedUser]) -> std::io::Result<()> {
        let mut w = std::io::BufWriter::new(self.0);
        writeln!(w, "email,display_name,temporary_password")?;
        for u in users {
            writeln!(
                w,
                "{},{},{}",
                csv_field(&u.email),
                csv_field(&u.display_name),
                csv_field(&u.temporary_password)
            )?;
        }
        w.into_inner().map_err(|e| e.into_error())?.commit()
    }
}

/// A CSV field, quoted when needed; a spreadsheet formula (`=`, `+`, `-`, `@`, tab or CR first) is defused
/// with a leading `'` as the app's CSV does, so a display name like `=HYPERLINK(…)` stays text.
fn csv_field(s: &str) -> String {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula || s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') {
        let s = if formula {
            format!("'{s}")
        } else {
            s.to_string()
        };
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids_are_stable_valid_and_bound_to_account_and_content() {
        let a = import_id_of("acc-1", b"E-mail;Name\n");
        assert_eq!(a, import_id_of("acc-1", b"E-mail;Name\n"));
        assert_ne!(a, import_id_of("acc-2", b"E-mail;Name\n"));
        assert_ne!(a, import_id_of("acc-1", b"E-mail;Name\r\n"));
        assert_eq!(a.len(), 44);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("Müller, Jörg"), "\"Müller, Jörg\"");
        assert_eq!(csv_field("a\"b"), "\"a\"\"b\"");
        assert_eq!(
            csv_field("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        for f in ["+1", "-1", "@SUM(A1)", "\tx"] {
            assert!(csv_field(f).starts_with("\"'"), "{f}");
        }
    }
}
