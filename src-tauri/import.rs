//! Bulk import of users: the preview (read and validate the file with `kontor-import`) and the commit, in
//! atomic batches with an idempotency key, resumable after a crash.
//!
//! How "no duplicate on retry" holds: before the first batch is sent, the plan (import id, the users in
//! fixed batches; names and e-mails only, no passwords) is written atomically to the app's data directory,
//! once. Every batch is sent as `(import_id, batch number)`; the portal records committed batches in the same
//! transaction as their users, so sending a batch again creates nothing (it answers `already_done`, with
//! fresh temporary passwords for that batch's users). Resuming therefore re-sends the whole plan from the
//! first batch and the confirmation screen is complete again. How far an import got ("N of M" when resuming)
//! is a small file of its own, rewritten after each batch, so the plan (megabytes for 100,000 users) is not.
//! Two batches are on their way at once: the portal writes one while the next travels and is read. Both
//! files are deleted when the import is done.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::{stream, StreamExt};
use kontor_api::ipc::{ImportOutcome, ImportPreview, ImportProblem, MAX_PREVIEW_PROBLEMS};
use kontor_api::{ErrorCode, ImportBatch, ImportBatchResult, NewUser, MAX_IMPORT_BATCH};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::session::{Portal, SessionError};

/// Largest file the app reads (the importer refuses more anyway).
pub const MAX_FILE_BYTES: u64 = kontor_import::MAX_FILE_BYTES as u64;

/// Why a preview or an import failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is larger than [`MAX_FILE_BYTES`].
    #[error("{file_name}: the file is larger than {max_bytes} bytes")]
    TooLarge { file_name: String, max_bytes: u64 },
    /// The file cannot be an import file at all (binary, unknown headers, over a limit, ...).
    #[error("{file_name}: {source}")]
    Unreadable {
        file_name: String,
        #[source]
        source: kontor_import::ImportError,
    },
    /// Talking to the portal failed.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// Reading the file or writing the plan failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The plan could not be written as JSON.
    #[error(transparent)]
    Plan(#[from] serde_json::Error),
    /// The worker thread reading or checking the file stopped.
    #[error(transparent)]
    Worker(#[from] tokio::task::JoinError),
}

impl ImportError {
    /// The code the user is shown for it.
    pub fn code(&self) -> ErrorCode {
        match self {
            ImportError::TooLarge { .. } | ImportError::Unreadable { .. } => ErrorCode::Validation,
            ImportError::Session(e) => e.code(),
            ImportError::Io(_) | ImportError::Plan(_) => ErrorCode::Io,
            ImportError::Worker(_) => ErrorCode::Internal,
        }
    }
}

pub type ImportResult<T> = Result<T, ImportError>;

/// A validated file waiting for the admin's "import".
#[derive(Debug, Clone)]
pub struct Previewed {
    pub file_name: String,
    pub users: Vec<NewUser>,
}

/// The committed-or-not state of one import, persisted while it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPlan {
    pub import_id: String,
    pub portal_url: String,
    pub account_id: String,
    pub file_name: String,
    pub batches: Vec<Vec<NewUser>>,
    /// Batches confirmed by the portal (for "N of M" when resuming).
    pub done: usize,
}

impl ImportPlan {
    pub fn new(portal_url: &str, account_id: &str, file_name: &str, users: Vec<NewUser>) -> Self {
        let mut h = Sha256::new();
        h.update(account_id.as_bytes());
        h.update(file_name.as_bytes());
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        h.update(nanos.to_le_bytes());
        h.update(std::process::id().to_le_bytes());
        for u in &users {
            h.update(u.email.as_bytes());
        }
        let import_id = kontor_fs::hex(&h.finalize()[..16]);
        let batches = users
            .chunks(MAX_IMPORT_BATCH)
            .map(<[NewUser]>::to_vec)
            .collect();
        Self {
            import_id,
            portal_url: portal_url.to_string(),
            account_id: account_id.to_string(),
            file_name: file_name.to_string(),
            batches,
            done: 0,
        }
    }

    pub fn total(&self) -> usize {
        self.batches.iter().map(Vec::len).sum()
    }

    pub fn done_users(&self) -> usize {
        self.batches.iter().take(self.done).map(Vec::len).sum()
    }
}

/// Where the running import's plan and its progress live.
pub struct PlanStore {
    path: PathBuf,
    progress_path: PathBuf,
}

/// How far the import `import_id` got: its first `done` batches are committed.
#[derive(Debug, Serialize, Deserialize)]
struct Progress {
    import_id: String,
    done: usize,
}

impl PlanStore {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join("import-in-progress.json"),
            progress_path: data_dir.join("import-progress.json"),
        }
    }

    /// The plan, with the progress kept for it (a progress file of another import is ignored).
    pub fn load(&self) -> Option<ImportPlan> {
        let bytes = std::fs::read(&self.path).ok()?;
        let mut plan: ImportPlan = match serde_json::from_slice(&bytes) {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!("ignoring unreadable {}: {e}", self.path.display());
                return None;
            }
        };
        let progress = std::fs::read(&self.progress_path)
            .ok()
            .and_then(|b| serde_json::from_slice::<Progress>(&b).ok());
        if let Some(p) = progress.filter(|p| p.import_id == plan.import_id) {
            plan.done = plan.done.max(p.done.min(plan.batches.len()));
        }
        Some(plan)
    }

    pub fn save(&self, plan: &ImportPlan) -> ImportResult<()> {
        let json = serde_json::to_vec(plan)?;
        Ok(kontor_fs::Options::new()
            .create_dirs(true)
            .write(&self.path, &json)?)
    }

    /// Keeps how far `plan` got (after each committed batch): its id and `done`, not its users.
    pub fn progress(&self, plan: &ImportPlan) -> ImportResult<()> {
        let json = serde_json::to_vec(&Progress {
            import_id: plan.import_id.clone(),
            done: plan.done,
        })?;
        Ok(kontor_fs::Options::new()
            .create_dirs(true)
            .write(&self.progress_path, &json)?)
    }

    /// Forgets the plan, then its progress.
    pub fn delete(&self) -> ImportResult<()> {
        for path in [&self.path, &self.progress_path] {
            match std::fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }
}

/// Reads and validates a file against the account's licenses, locations and existing users.
pub async fn preview(portal: &Portal, path: &Path) -> ImportResult<(ImportPreview, Previewed)> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let meta = tokio::fs::metadata(path).await?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge {
            file_name,
            max_bytes: MAX_FILE_BYTES,
        });
    }
    let bytes = tokio::fs::read(path).await?;
    let kind = kontor_import::FileKind::detect(&file_name, &bytes);
    let table = tokio::task::spawn_blocking(move || kontor_import::read_table(&bytes, kind))
        .await?
        .map_err(|source| ImportError::Unreadable {
            file_name: file_name.clone(),
            source,
        })?;

    let pools = portal
        .call(|c, a, me| async move { c.licenses(&a, &me.account_id).await })
        .await?;
    let locations = portal
        .call(|c, a, me| async move { c.locations(&a, &me.account_id).await })
        .await?;
    let emails: Vec<String> = table.valid_emails();
    let existing = portal
        .call(|c, a, me| {
            let emails = emails.clone();
            async move { c.existing_emails(&a, &me.account_id, &emails).await }
        })
        .await?;
    let ctx = kontor_import::Context {
        products: pools
            .iter()
            .map(|p| (p.product_code.clone(), p.product_name.clone()))
            .collect(),
        free_seats: pools
            .iter()
            .map(|p| (p.product_code.clone(), p.seats_total - p.seats_used))
            .collect(),
        existing_emails: existing.into_iter().collect(),
        locations: locations.into_iter().map(|l| (l.id, l.name)).collect(),
    };
    let encoding = table.encoding.to_string();
    let preview =
        tokio::task::spawn_blocking(move || kontor_import::validate(&table, &ctx)).await?;
    let problems = preview
        .problems
        .iter()
        .take(MAX_PREVIEW_PROBLEMS)
        .map(|p| ImportProblem {
            row: p.row as u64,
            column: p.column.clone(),
            code: serde_json::to_value(&p.reason)
                .ok()
                .and_then(|v| v.get("code").and_then(|c| c.as_str()).map(str::to_string))
                .unwrap_or_default(),
            message: p.reason.to_string(),
            field: kontor_import::field_of(&p.column),
            reason: Some(p.reason.clone()),
        })
        .collect();
    let shown = ImportPreview {
        file_name: file_name.clone(),
        rows_found: preview.rows_found as u64,
        valid: preview.valid.len() as u64,
        problems,
        problems_total: preview.problems.len() as u64,
        template: match preview.template {
            kontor_import::Template::Kontor => "kontor".into(),
            kontor_import::Template::Microsoft365 => "microsoft365".into(),
        },
        encoding,
    };
    let users = preview.valid.into_iter().map(|v| v.user).collect();
    Ok((shown, Previewed { file_name, users }))
}

/// Batches on their way at once. The portal writes one batch of an account at a time; with two, the next
/// batch travels and is read while the one before is written (`bench/import_app.rs`).
pub const IN_FLIGHT: usize = 2;

/// Sends every batch of `plan` (from the first: committed ones answer `already_done`), [`IN_FLIGHT`] at a
/// time, in order, reporting progress in users. Network failures are retried a few times; a cancel stops
/// sending: the batches already on their way are answered, no further one is sent.
pub async fn run(
    portal: &Portal,
    store: &PlanStore,
    plan: &mut ImportPlan,
    cancel: &AtomicBool,
    progress: impl Fn(u64, u64),
) -> ImportResult<ImportOutcome> {
    let total = plan.total() as u64;
    let mut created = Vec::new();
    let mut sent = 0u64;
    progress(0, total);
    let import_id = plan.import_id.clone();
    let mut answers = stream::iter(plan.batches.clone().into_iter().enumerate())
        .map(|(i, users)| {
            let req = ImportBatch {
                import_id: import_id.clone(),
                batch: i as u32,
                users,
            };
            async move {
                if cancel.load(Ordering::SeqCst) {
                    return None;
                }
                let len = req.users.len() as u64;
                Some(send(portal, req).await.map(|r| (i, len, r)))
            }
        })
        .buffered(IN_FLIGHT);
    while let Some(answer) = answers.next().await {
        let Some(answer) = answer else {
            return Ok(ImportOutcome {
                created,
                total,
                cancelled: true,
            });
        };
        let (i, len, result) = answer?;
        created.extend(result.created);
        sent += len;
        plan.done = plan.done.max(i + 1);
        store.progress(plan)?;
        progress(sent, total);
    }
    store.delete()?;
    Ok(ImportOutcome {
        created,
        total,
        cancelled: false,
    })
}

/// One batch, retried a few times after a network failure (the portal's idempotency key makes that safe).
async fn send(portal: &Portal, req: ImportBatch) -> ImportResult<ImportBatchResult> {
    let mut attempt = 0;
    loop {
        let r = portal
            .call(|c, a, me| {
                let req = req.clone();
                async move { c.import_batch(&a, &me.account_id, &req).await }
            })
            .await;
        match r {
            Err(e) if e.code() == ErrorCode::Network && attempt < 3 => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(500 * (1 << attempt))).await;
            }
            other => return Ok(other?),
        }
    }
}
