//! `kontor-server users import`: reads a CSV/XLSX user file with `kontor-import`, validates it against the
//! account in the database, and commits the valid rows through the same code as `POST …/users/import`.
//!
//! The import id is derived from the account and the file's SHA-256, and the batches are the valid rows in
//! file order cut into [`MAX_IMPORT_BATCH`]s, so running the same file again (e.g. after a crash) finds its
//! committed batches recorded in `import_batches`, creates nothing twice, and commits what was missing. The
//! import's own users are therefore not "already existing" for its validation, and their seats count as free.
//!
//! Temporary passwords go only to the `--passwords-out` CSV (mode 0600 on Unix), rewritten atomically after
//! every batch so a killed run leaves the passwords of the users it created (and a temporary file at most
//! until the next run, which removes it). A re-run never resets a password: the users of batches committed
//! before are listed `already_created` with the password the earlier file at the same path holds.

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
            .existing_emails(Some(account), &candidates)
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

    // Check the passwords file before creating anyone: a bad path fails before the first commit. A
    // temporary file a killed run left beside it goes first; the passwords an earlier run of the same file
    // wrote there are kept for the users it created.
    let out_path = opts.passwords_out.as_deref().unwrap_or(Path::new(""));
    remove_stale_temp_files(out_path);
    let earlier = earlier_passwords(out_path);
    if let Err(e) = kontor_fs::Options::new().private(true).create(out_path) {
        return Err(ServerError::Usage(format!(
            "cannot write --passwords-out {}: {e}",
            out_path.display()
        )));
    }
    let done: HashSet<u32> = db
        .import_batches_done(account, &import_id)
        .await?
        .into_iter()
        .collect();
    let actor = Actor {
        account_id: account.clone(),
        user_id: String::new(),
        system: Some(CLI_ACTOR.to_string()),
        ip: None,
        at: opts.now,
    };
    let mut lines: Vec<PasswordLine> = Vec::new();
    for (i, users) in batches.iter().enumerate() {
        let committed = if done.contains(&(i as u32)) {
            Ok(None)
        } else {
            // `reissue: false`: a batch an earlier run committed keeps the passwords that run handed out.
            match commit_import_batch(
                db,
                &actor,
                kontor_api::Role::Owner,
                &import_id,
                i as u32,
                users,
                false,
            )
            .await
            {
                Ok(Ok(r)) if r.already_done => Ok(None),
                Ok(Ok(r)) => Ok(Some(r.created)),
                Ok(Err(refusal)) => Err(refusal.message().to_string()),
                Err(e) => {
                    tracing::error!(error = %e, "internal error");
                    Err("internal error".to_string())
                }
            }
        };
        match committed {
            Ok(None) => {
                report.already_done += users.len();
                lines.extend(users.iter().map(|u| PasswordLine::earlier(u, &earlier)));
            }
            Ok(Some(created)) => {
                report.created += created.len();
                lines.extend(created.into_iter().map(PasswordLine::created));
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
        // After every batch, so a killed run leaves the passwords of everyone it created.
        if let Err(e) = write_passwords(out_path, &lines) {
            report.file_error = Some(FileError {
                code: "passwords_out".to_string(),
                message: format!(
                    "cannot write {}: {e}; the users of batch {i} exist, but their temporary passwords were \
                     not saved: reset their passwords in the portal",
                    out_path.display()
                ),
            });
            break;
        }
    }
    if batches.is_empty() {
        if let Err(e) = write_passwords(out_path, &lines) {
            report.file_error = Some(FileError {
                code: "passwords_out".to_string(),
                message: format!("cannot write {}: {e}", out_path.display()),
            });
        }
    }
    // issue 12: the imported users into the search index now (a running portal's indexer would, too; the
    // list finds them meanwhile). A failure here loses nothing: they stay queued.
    if let Err(e) = crate::search_index::drain(db).await {
        tracing::warn!(error = %e, "search index: the imported users stay queued");
    }
    Ok(report)
}

/// The header of the `--passwords-out` CSV.
pub const PASSWORDS_HEADER: &str = "email,display_name,temporary_password,status";

/// `status` of a user this run created: the password is new.
pub const STATUS_CREATED: &str = "created";
/// `status` of a user an earlier run of the same file created: the password (from the earlier passwords
/// file at the same path) still holds; this run changed nothing.
pub const STATUS_ALREADY_CREATED: &str = "already_created";
/// `status` of a user an earlier run created whose password is not in the file at this path (another path
/// was used, or the run was killed between the commit and the write): the password is unchanged; hand
/// out the earlier file's, or reset it in the portal.
pub const STATUS_PASSWORD_NOT_HERE: &str = "already_created_password_not_in_file";

/// One line of the passwords file.
struct PasswordLine {
    email: String,
    display_name: String,
    password: String,
    status: &'static str,
}

impl PasswordLine {
    fn created(u: CreatedUser) -> Self {
        PasswordLine {
            email: u.email,
            display_name: u.display_name,
            password: u.temporary_password,
            status: STATUS_CREATED,
        }
    }

    fn earlier(u: &kontor_api::NewUser, earlier: &HashMap<String, String>) -> Self {
        let email = u.email.trim().to_lowercase();
        let (password, status) = match earlier.get(&email) {
            Some(p) => (p.clone(), STATUS_ALREADY_CREATED),
            None => (String::new(), STATUS_PASSWORD_NOT_HERE),
        };
        PasswordLine {
            email,
            display_name: u.display_name.clone(),
            password,
            status,
        }
    }
}

/// Writes the whole passwords file atomically (0600): a kill leaves the previous version, never a torn one.
fn write_passwords(target: &Path, lines: &[PasswordLine]) -> std::io::Result<()> {
    let file = kontor_fs::Options::new().private(true).create(target)?;
    let mut w = std::io::BufWriter::new(file);
    writeln!(w, "{PASSWORDS_HEADER}")?;
    for l in lines {
        writeln!(
            w,
            "{},{},{},{}",
            csv_field(&l.email),
            csv_field(&l.display_name),
            csv_field(&l.password),
            l.status
        )?;
    }
    w.into_inner().map_err(|e| e.into_error())?.commit()
}

/// The passwords an earlier run wrote to `target`, by lower-case e-mail: the lines whose status is
/// `created` or `already_created` (a missing or foreign file gives none).
fn earlier_passwords(target: &Path) -> HashMap<String, String> {
    let Ok(text) = std::fs::read_to_string(target) else {
        return HashMap::new();
    };
    let mut lines = text.lines();
    if lines.next() != Some(PASSWORDS_HEADER) {
        return HashMap::new();
    }
    lines
        .filter_map(|line| {
            let f = split_csv_line(line);
            match f.as_slice() {
                [email, _, password, status]
                    if !password.is_empty()
                        && (status == STATUS_CREATED || status == STATUS_ALREADY_CREATED) =>
                {
                    Some((email.to_lowercase(), password.clone()))
                }
                _ => None,
            }
        })
        .collect()
}

/// The fields of one line as [`csv_field`] writes them (quotes doubled inside quoted fields).
fn split_csv_line(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if cur.is_empty() => quoted = true,
            (',', false) => fields.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    fields.push(cur);
    fields
}

/// Removes the temporary files (`.NAME.PID.SEQ.tmp`, see `kontor_fs`) a killed run left beside `target`;
/// those of a process still running (Linux: `/proc/PID` exists) stay.
fn remove_stale_temp_files(target: &Path) {
    let (Some(name), dir) = (target.file_name(), kontor_fs::parent_dir(target)) else {
        return;
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(".tmp"))
        else {
            continue;
        };
        let mut parts = rest.split('.');
        let (Some(pid), Some(seq), None) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if seq.parse::<u64>().is_err() || pid == std::process::id() {
            continue;
        }
        if Path::new("/proc").join(pid.to_string()).exists() {
            continue;
        }
        match std::fs::remove_file(entry.path()) {
            Ok(()) => {
                tracing::info!(file = %entry.path().display(), "removed a killed run's temporary file")
            }
            Err(e) => {
                tracing::warn!(file = %entry.path().display(), error = %e, "cannot remove a stale temporary file")
            }
        }
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

    #[test]
    fn passwords_files_read_back_what_they_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("pw.csv");
        let line = |email: &str, name: &str, password: &str, status| PasswordLine {
            email: email.into(),
            display_name: name.into(),
            password: password.into(),
            status,
        };
        write_passwords(
            &target,
            &[
                line("a@x.example", "=Evil, \"Name\"", "pw-a", STATUS_CREATED),
                line("b@x.example", "B", "pw-b", STATUS_ALREADY_CREATED),
                line("c@x.example", "C", "", STATUS_PASSWORD_NOT_HERE),
            ],
        )
        .unwrap();
        let earlier = earlier_passwords(&target);
        assert_eq!(earlier.len(), 2, "{earlier:?}");
        assert_eq!(earlier["a@x.example"], "pw-a");
        assert_eq!(earlier["b@x.example"], "pw-b");
        assert_eq!(
            split_csv_line("a,\"'=Evil, \"\"Name\"\"\",p,created"),
            ["a", "'=Evil, \"Name\"", "p", "created"]
        );
        // Another file at the path (another header) gives nothing.
        std::fs::write(&target, "email,password\na@x.example,pw\n").unwrap();
        assert!(earlier_passwords(&target).is_empty());
    }

    #[test]
    fn only_dead_runs_temporary_files_of_the_target_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("pw.csv");
        let own = format!(".pw.csv.{}.0.tmp", std::process::id());
        for name in [
            ".pw.csv.4000000000.3.tmp",
            own.as_str(),
            ".other.csv.4000000000.0.tmp",
            ".pw.csv.x.tmp",
        ] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        remove_stale_temp_files(&target);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut want = vec![
            own.clone(),
            ".other.csv.4000000000.0.tmp".into(),
            ".pw.csv.x.tmp".into(),
        ];
        want.sort();
        assert_eq!(left, want);
    }
}
