//! Resumable, verified downloads: bytes go to `<file>.kontor-part`, the SHA-256 is checked, and only then
//! does the file get its final name.
//!
//! The engine knows nothing of accounts or Tauri: it is handed a function that opens the HTTP response from a
//! byte offset (see [`crate::PortalClient::installer_file`]), so the app, the tests and the benchmark share it.
//!
//! Architecture invariant: a file at the destination path is always complete and verified. A crash, a kill,
//! a dropped connection or a pause leaves only the `.kontor-part` file, which the next run continues from
//! where it stopped (re-hashing what is already on disk). A checksum mismatch removes the partial file.

use std::future::Future;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use std::io::{Read, Seek, SeekFrom, Write};
use tokio::sync::watch;

use crate::ClientError;

/// What to download and what it must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadTarget {
    /// The final path (chosen by the user).
    pub dest: PathBuf,
    /// Expected size in bytes.
    pub size: u64,
    /// Expected SHA-256, lowercase hex.
    pub sha256: String,
    /// Bandwidth limit in bytes per second (`None`: as fast as the line allows).
    pub max_bytes_per_sec: Option<u64>,
}

impl DownloadTarget {
    /// Where the bytes collect until they are verified: next to the destination, so the final rename
    /// never crosses file systems.
    pub fn partial_path(&self) -> PathBuf {
        partial_path(&self.dest)
    }

    /// Bytes already on disk from an earlier, stopped run.
    pub fn received(&self) -> u64 {
        std::fs::metadata(self.partial_path())
            .map(|m| m.len())
            .unwrap_or(0)
    }
}

/// `<dest>.kontor-part`.
pub fn partial_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_os_string();
    name.push(".kontor-part");
    dest.with_file_name(name)
}

/// What a run reports while it works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Re-hashing a partial file from an earlier run before continuing it: `checked` of `of` bytes.
    /// Sent once at the start and after every read (1 MiB).
    Checking { checked: u64, of: u64 },
    /// Bytes on disk (verified part plus what arrived since).
    Received(u64),
}

/// How a run ended without an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownloadOutcome {
    /// Verified and renamed to its final name.
    Complete { sha256: String },
    /// Stopped on request (pause, cancel, app closing); the partial file is kept and flushed.
    Stopped { received: u64 },
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// The portal refused or could not be reached; the partial file is kept for a retry.
    #[error(transparent)]
    Portal(#[from] ClientError),
    /// A local file could not be written; the partial file is kept.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The bytes do not hash to the catalog's SHA-256; the partial file was removed.
    #[error(
        "the downloaded file is corrupt: SHA-256 {actual} instead of {expected}; it was removed"
    )]
    Checksum { expected: String, actual: String },
    /// The portal sent more or fewer bytes than the catalog says; the partial file was removed.
    #[error("the downloaded file has {actual} bytes instead of {expected}; it was removed")]
    Size { expected: u64, actual: u64 },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> DownloadError + '_ {
    move |source| DownloadError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Downloads `target`, continuing a partial file if there is one.
///
/// `open(from, if_range)` must send `GET` with `Range: bytes=from-` (when `from > 0`) and the given
/// `If-Range` validator. A `206` continues the partial file; a `200` (the file changed on the portal, or
/// the server ignores ranges) starts it over. `progress` is told how the re-check of an earlier partial file
/// goes ([`Progress::Checking`]), then the bytes on disk after every chunk ([`Progress::Received`]).
/// When `stop` turns `true` the run flushes and returns [`DownloadOutcome::Stopped`].
pub async fn download<Open, Fut>(
    target: &DownloadTarget,
    mut open: Open,
    mut stop: watch::Receiver<bool>,
    mut progress: impl FnMut(Progress),
) -> Result<DownloadOutcome, DownloadError>
where
    Open: FnMut(u64, Option<String>) -> Fut,
    Fut: Future<Output = Result<reqwest::Response, ClientError>>,
{
    let part = target.partial_path();
    // The re-hash runs on a blocking thread and tells this task how far it got, chunk by chunk.
    let (checked_tx, mut checked_rx) = tokio::sync::mpsc::unbounded_channel::<(u64, u64)>();
    let rehash = {
        let part2 = part.clone();
        let size = target.size;
        blocking(&part, move || {
            let mut file = open_exclusive(&part2)?;
            let mut hasher = Sha256::new();
            let mut received = hash_existing(&mut file, &mut hasher, |checked, of| {
                let _ = checked_tx.send((checked, of));
            })?;
            if received > size {
                // Not what we expect to continue from: start over.
                file.set_len(0)?;
                hasher = Sha256::new();
                received = 0;
            }
            // Bytes go at explicit offsets: right after what was hashed.
            file.seek(SeekFrom::Start(received))?;
            Ok((file, hasher, received))
        })
    };
    tokio::pin!(rehash);
    let rehashed = loop {
        tokio::select! {
            r = &mut rehash => break r,
            Some((checked, of)) = checked_rx.recv() => progress(Progress::Checking { checked, of }),
        }
    };
    while let Ok((checked, of)) = checked_rx.try_recv() {
        progress(Progress::Checking { checked, of });
    }
    let (mut file, mut hasher, mut received) = rehashed?;
    progress(Progress::Received(received));

    if received < target.size {
        if *stop.borrow() {
            return Ok(DownloadOutcome::Stopped { received });
        }
        let validator = format!("\"{}\"", target.sha256);
        let response = tokio::select! {
            r = open(received, Some(validator)) => r?,
            _ = stopped(&mut stop) => return Ok(DownloadOutcome::Stopped { received }),
        };
        if response.status().as_u16() != 206 && received > 0 {
            // The whole file came back: the portal's copy changed or it ignores ranges.
            file = blocking(&part, move || {
                file.set_len(0)?;
                file.seek(SeekFrom::Start(0))?;
                Ok(file)
            })
            .await?;
            hasher = Sha256::new();
            received = 0;
            progress(Progress::Received(0));
        } else if response.status().as_u16() == 206 {
            let start = content_range_start(&response);
            if start != Some(received) {
                return Err(ClientError::BadResponse(format!(
                    "asked for bytes from {received}, the portal sent {start:?}"
                ))
                .into());
            }
        }
        let mut response = response;
        // Writing and hashing run on a thread of their own; this task only receives.
        let mut sink = Sink::start(file, hasher);
        let run_start = (std::time::Instant::now(), received);
        let end: Result<(), DownloadError> = loop {
            let chunk = tokio::select! {
                c = response.chunk() => c,
                _ = stopped(&mut stop) => {
                    let (_, file) = sink.finish().await.map_err(io(&part))?;
                    blocking(&part, move || file.sync_data()).await?;
                    return Ok(DownloadOutcome::Stopped { received });
                }
            };
            match chunk {
                Ok(Some(bytes)) => {
                    if received + bytes.len() as u64 > target.size {
                        let actual = received + bytes.len() as u64;
                        drop(sink.finish().await);
                        remove(&part).await;
                        return Err(DownloadError::Size {
                            expected: target.size,
                            actual,
                        });
                    }
                    received += bytes.len() as u64;
                    if !sink.send(bytes).await {
                        break Ok(()); // the writer failed: `finish` says why
                    }
                    progress(Progress::Received(received));
                    if let Some(limit) = target.max_bytes_per_sec.filter(|l| *l > 0) {
                        let due = std::time::Duration::from_secs_f64(
                            (received - run_start.1) as f64 / limit as f64,
                        );
                        let elapsed = run_start.0.elapsed();
                        if due > elapsed {
                            tokio::select! {
                                _ = tokio::time::sleep(due - elapsed) => {}
                                _ = stopped(&mut stop) => {}
                            }
                        }
                    }
                }
                Ok(None) => break Ok(()),
                // A dropped connection: keep what arrived, the next run continues from there.
                Err(e) => break Err(ClientError::Network(e.to_string()).into()),
            }
        };
        let (h, f) = sink.finish().await.map_err(io(&part))?;
        if let Err(e) = end {
            blocking(&part, move || f.sync_data()).await?;
            return Err(e);
        }
        hasher = h;
        file = f;
    }
    let on_disk = blocking(&part, move || {
        file.sync_all()?;
        Ok(file.metadata()?.len())
    })
    .await?;
    if on_disk != received {
        // Something else wrote to the partial file: it cannot be trusted.
        remove(&part).await;
        return Err(DownloadError::Size {
            expected: target.size,
            actual: on_disk,
        });
    }

    if received != target.size {
        // The body ended early without an error: keep it, a retry continues.
        return Err(ClientError::Network(format!(
            "the connection ended after {received} of {} bytes",
            target.size
        ))
        .into());
    }
    let actual = kontor_fs::hex(&hasher.finalize());
    if !actual.eq_ignore_ascii_case(&target.sha256) {
        remove(&part).await;
        return Err(DownloadError::Checksum {
            expected: target.sha256.clone(),
            actual,
        });
    }
    {
        let (part, dest) = (part.clone(), target.dest.clone());
        blocking(&target.dest, move || kontor_fs::rename(&part, &dest)).await?;
    }
    Ok(DownloadOutcome::Complete { sha256: actual })
}

/// Resolves when `stop` turns `true`; never, once its sender is gone without having said so.
pub async fn stopped(stop: &mut watch::Receiver<bool>) {
    if stop.wait_for(|s| *s).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Writes the chunks it is sent to the partial file and hashes them, in order, on a thread of its own.
/// Chunks travel in batches of about [`BATCH`] bytes, so the thread wakes once per batch, not per chunk.
struct Sink {
    tx: tokio::sync::mpsc::Sender<Vec<bytes::Bytes>>,
    done: tokio::sync::oneshot::Receiver<std::io::Result<(Sha256, std::fs::File)>>,
    batch: Vec<bytes::Bytes>,
    batched: usize,
}

const BATCH: usize = 512 * 1024;

impl Sink {
    fn start(file: std::fs::File, mut hasher: Sha256) -> Self {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<bytes::Bytes>>(16);
        let (done_tx, done) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let mut out = std::io::BufWriter::with_capacity(1024 * 1024, file);
            let result = (|| {
                while let Some(batch) = rx.blocking_recv() {
                    for b in batch {
                        out.write_all(&b)?;
                        hasher.update(&b);
                    }
                }
                let file = out.into_inner().map_err(|e| e.into_error())?;
                Ok((hasher, file))
            })();
            let _ = done_tx.send(result);
        });
        Self {
            tx,
            done,
            batch: Vec::new(),
            batched: 0,
        }
    }

    /// `false` if the writer has stopped (a write failed).
    async fn send(&mut self, bytes: bytes::Bytes) -> bool {
        self.batched += bytes.len();
        self.batch.push(bytes);
        if self.batched < BATCH {
            return true;
        }
        self.batched = 0;
        self.tx.send(std::mem::take(&mut self.batch)).await.is_ok()
    }

    /// Waits until everything sent is written; the hasher and the (flushed, not synced) file.
    async fn finish(mut self) -> std::io::Result<(Sha256, std::fs::File)> {
        if !self.batch.is_empty() {
            let _ = self.tx.send(std::mem::take(&mut self.batch)).await;
        }
        drop(self.tx);
        self.done
            .await
            .unwrap_or_else(|_| Err(std::io::Error::other("the download writer stopped")))
    }
}

/// Runs blocking file work off the async workers; errors name `path`.
async fn blocking<T: Send + 'static>(
    path: &Path,
    f: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T, DownloadError> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(std::io::Error::other(e.to_string())))
        .map_err(io(path))
}

/// Opens (or creates) the partial file and locks it for this run: a second writer (a run still stopping,
/// another download to the same path) waits up to 3 s, then fails instead of interleaving bytes.
fn open_exclusive(part: &Path) -> std::io::Result<std::fs::File> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(part)?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(std::io::Error::other(
                    "another download is writing this file",
                ))
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
    }
}

/// Reads what is already in the partial file into the hasher; returns its length. A non-empty file is
/// reported to `checked(bytes hashed, file length)` at the start and after every read.
fn hash_existing(
    file: &mut std::fs::File,
    hasher: &mut Sha256,
    mut checked: impl FnMut(u64, u64),
) -> std::io::Result<u64> {
    let of = file.metadata()?.len();
    let mut buf = vec![0u8; 1024 * 1024];
    let mut total = 0u64;
    if of > 0 {
        checked(0, of);
    }
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(total);
        }
        hasher.update(&buf[..n]);
        total += n as u64;
        checked(total, of.max(total));
    }
}

fn content_range_start(response: &reqwest::Response) -> Option<u64> {
    let value = response
        .headers()
        .get(reqwest::header::CONTENT_RANGE)?
        .to_str()
        .ok()?;
    let range = value.strip_prefix("bytes ")?;
    range.split('-').next()?.trim().parse().ok()
}

async fn remove(path: &Path) {
    if let Err(e) = tokio::fs::remove_file(path).await {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!("could not remove {}: {e}", path.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_file_sits_next_to_the_destination() {
        assert_eq!(
            partial_path(Path::new("/tmp/x/Kontor Setup.exe")),
            PathBuf::from("/tmp/x/Kontor Setup.exe.kontor-part")
        );
    }
}
