//! The app's installer downloads: one task per installer running `kontor_client::download`, pause, resume,
//! cancel, automatic retries after a dropped connection, rate and time left, and a `downloads.json` so an
//! unfinished download is still there after the app restarts: one that was running when the app ended
//! continues by itself once the user is signed in again ([`Downloads::resume_interrupted`]); one the user
//! paused stays paused.
//!
//! Knows nothing of Tauri: progress goes to an `emit` callback, so the shell tests drive it directly.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kontor_api::ipc::{DownloadState, DownloadStatus};
use kontor_api::{ErrorBody, ErrorCode, Installer};
use kontor_client::download::{download, DownloadError, DownloadOutcome, DownloadTarget, Progress};
use kontor_client::ClientError;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

/// Opens the installer's bytes from an offset (`Range`), with an `If-Range` validator.
pub type Opener = Arc<
    dyn Fn(
            String,
            u64,
            Option<String>,
        ) -> Pin<
            Box<dyn Future<Output = Result<kontor_client::reqwest::Response, ClientError>> + Send>,
        > + Send
        + Sync,
>;

/// Receives every status change and (at most every [`EMIT_EVERY`]) progress.
pub type Emit = Arc<dyn Fn(&DownloadStatus) + Send + Sync>;

/// Progress events are sent at most this often.
const EMIT_EVERY: Duration = Duration::from_millis(200);
/// The rate is measured over this window.
const RATE_WINDOW: Duration = Duration::from_secs(3);
/// Waits before the automatic retries after a dropped connection.
const RETRY_DELAYS: [Duration; 5] = [
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
    Duration::from_secs(8),
];

/// No limit in release builds. Test hook (debug builds only): `KONTOR_TEST_DOWNLOAD_LIMIT` bytes per second,
/// so an end-to-end test can watch a download run, pause and resume on a loopback portal.
fn bandwidth_limit() -> Option<u64> {
    #[cfg(debug_assertions)]
    if let Some(v) = std::env::var("KONTOR_TEST_DOWNLOAD_LIMIT")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return Some(v);
    }
    None
}

/// What `downloads.json` keeps of one download.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Saved {
    installer: Installer,
    dest: PathBuf,
    state: DownloadState,
    error: Option<ErrorBody>,
    /// It was running when the app ended (not paused by the user): it continues after the restart.
    #[serde(default)]
    interrupted: bool,
    /// Set for an earlier completed download kept when its installer is downloaded again: its key in the
    /// list (the current download of an installer is keyed by the installer id).
    #[serde(default)]
    key: Option<String>,
}

impl Saved {
    fn key(&self) -> String {
        self.key
            .clone()
            .unwrap_or_else(|| self.installer.id.clone())
    }
}

struct Entry {
    saved: Saved,
    stop: Option<watch::Sender<bool>>,
    /// Which run owns this entry: a stopped task never touches a later run's entry.
    run: u64,
    /// Resume was asked while the run was still stopping: start again once it has.
    resume_pending: bool,
    revision: u64,
    received: u64,
    bytes_per_sec: u64,
    eta_secs: Option<u64>,
    /// Bytes of the partial file re-checked so far, while that runs.
    checked: Option<u64>,
}

impl Entry {
    /// A download not running, with what is on disk of it.
    fn new(saved: Saved) -> Entry {
        let mut e = Entry {
            saved,
            stop: None,
            run: 0,
            resume_pending: false,
            revision: 0,
            received: 0,
            bytes_per_sec: 0,
            eta_secs: None,
            checked: None,
        };
        e.received = if e.saved.state == DownloadState::Done {
            e.saved.installer.size
        } else {
            e.target().received()
        };
        e
    }

    fn status(&self) -> DownloadStatus {
        DownloadStatus {
            installer: self.saved.installer.clone(),
            dest: self.saved.dest.display().to_string(),
            state: self.saved.state,
            received: self.received,
            total: self.saved.installer.size,
            bytes_per_sec: self.bytes_per_sec,
            eta_secs: self.eta_secs,
            error: self.saved.error.clone(),
            revision: self.revision,
            key: self.saved.key(),
            checked: self.checked,
        }
    }

    fn target(&self) -> DownloadTarget {
        DownloadTarget {
            dest: self.saved.dest.clone(),
            size: self.saved.installer.size,
            sha256: self.saved.installer.sha256.clone(),
            max_bytes_per_sec: None,
        }
    }
}

/// Every download the app knows of, keyed by installer id.
pub struct Downloads {
    file: PathBuf,
    runs: std::sync::atomic::AtomicU64,
    revisions: std::sync::atomic::AtomicU64,
    entries: Mutex<HashMap<String, Entry>>,
    /// Held while `downloads.json` is written: the newest snapshot is the one that stays.
    saving: Mutex<()>,
    /// Bandwidth limit in bytes per second for every download.
    limit: Option<u64>,
}

impl Downloads {
    /// Loads `downloads.json` from `data_dir`; what was running when the app ended is now paused.
    pub fn load(data_dir: &Path) -> Self {
        let file = data_dir.join("downloads.json");
        let saved: Vec<Saved> = match std::fs::read(&file) {
            Ok(b) => serde_json::from_slice(&b).unwrap_or_else(|e| {
                tracing::warn!(
                    "{} is unreadable ({e}); starting with no downloads",
                    file.display()
                );
                Vec::new()
            }),
            Err(_) => Vec::new(),
        };
        let entries = saved
            .into_iter()
            .map(|mut s| {
                if matches!(s.state, DownloadState::Running | DownloadState::Retrying) {
                    s.state = DownloadState::Paused;
                    s.interrupted = true;
                }
                let e = Entry::new(s);
                (e.saved.key(), e)
            })
            .collect();
        Self {
            file,
            runs: std::sync::atomic::AtomicU64::new(1),
            revisions: std::sync::atomic::AtomicU64::new(1),
            entries: Mutex::new(entries),
            saving: Mutex::new(()),
            limit: bandwidth_limit(),
        }
    }

    /// The same with a bandwidth limit (bytes per second) for every download.
    pub fn limited(mut self, bytes_per_sec: Option<u64>) -> Self {
        self.limit = bytes_per_sec;
        self
    }

    /// All downloads, newest installer names first for a stable list.
    pub fn list(&self) -> Vec<DownloadStatus> {
        let g = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let mut v: Vec<_> = g.values().map(Entry::status).collect();
        v.sort_by(|a, b| a.installer.file_name.cmp(&b.installer.file_name));
        v
    }

    pub fn status(&self, installer_id: &str) -> Option<DownloadStatus> {
        let g = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        g.get(installer_id).map(Entry::status)
    }

    /// Starts downloading `installer` to `dest` and returns at once. An unfinished earlier download of it is
    /// replaced; a completed one stays in the list (under its own key).
    pub fn start(
        self: &Arc<Self>,
        installer: Installer,
        dest: PathBuf,
        open: Opener,
        emit: Emit,
    ) -> DownloadStatus {
        let id = installer.id.clone();
        let mut kept = None;
        {
            let mut g = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(running) = g.get(&id).filter(|e| e.stop.is_some()) {
                // One download per installer: a second start shows the running one.
                return running.status();
            }
            if let Some(mut old) = g.remove(&id) {
                if old.saved.state == DownloadState::Done {
                    // The earlier completed download stays in the list, under a key of its own.
                    let key = format!("{id}@{}", self.next_revision());
                    old.saved.key = Some(key.clone());
                    old.revision = self.next_revision();
                    kept = Some(old.status());
                    g.insert(key, old);
                } else if old.saved.dest != dest {
                    let _ = std::fs::remove_file(old.target().partial_path());
                }
            }
            let e = Entry::new(Saved {
                installer,
                dest,
                state: DownloadState::Paused,
                error: None,
                interrupted: false,
                key: None,
            });
            g.insert(id.clone(), e);
        }
        if let Some(k) = kept {
            emit(&k);
        }
        self.resume(&id, open, emit)
            .unwrap_or_else(|| self.status(&id).expect("just inserted"))
    }

    /// Continues a paused or failed download. `None` if there is no such download.
    pub fn resume(
        self: &Arc<Self>,
        installer_id: &str,
        open: Opener,
        emit: Emit,
    ) -> Option<DownloadStatus> {
        let run = self.runs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (target, stop_rx, status) = {
            let mut g = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            let e = g.get_mut(installer_id)?;
            if let Some(stop) = &e.stop {
                if *stop.borrow() {
                    // Still stopping (a pause a moment ago): go on once the run has flushed.
                    e.resume_pending = true;
                }
                return Some(e.status());
            }
            if e.saved.state == DownloadState::Done {
                return Some(e.status());
            }
            let (tx, rx) = watch::channel(false);
            e.stop = Some(tx);
            e.run = run;
            e.resume_pending = false;
            e.revision = self.next_revision();
            e.saved.state = DownloadState::Running;
            e.saved.error = None;
            e.saved.interrupted = false;
            let mut target = e.target();
            target.max_bytes_per_sec = self.limit;
            (target, rx, e.status())
        };
        self.persist();
        emit(&status);
        let this = self.clone();
        let id = installer_id.to_string();
        tauri::async_runtime::spawn(async move {
            this.run(id, run, target, stop_rx, open, emit).await;
        });
        Some(status)
    }

    /// Continues every download that was running when the app ended (not those the user paused); answers
    /// how many. Called once the user is signed in again, since the bytes come through the session.
    pub fn resume_interrupted(self: &Arc<Self>, open: Opener, emit: Emit) -> usize {
        let ids: Vec<String> = {
            let g = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            g.iter()
                .filter(|(_, e)| {
                    e.saved.interrupted
                        && e.stop.is_none()
                        && e.saved.state == DownloadState::Paused
                })
                .map(|(id, _)| id.clone())
                .collect()
        };
        for id in &ids {
            self.resume(id, open.clone(), emit.clone());
        }
        ids.len()
    }

    /// Pauses a running download; the partial file stays.
    pub fn pause(&self, installer_id: &str) -> Option<DownloadStatus> {
        let mut g = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let e = g.get_mut(installer_id)?;
        e.resume_pending = false;
        e.saved.interrupted = false;
        if let Some(stop) = &e.stop {
            let _ = stop.send(true);
        }
        Some(e.status())
    }

    fn next_revision(&self) -> u64 {
        self.revisions
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }

    /// Stops a download, removes its partial file and forgets it (a finished file stays where it is).
    /// A running task removes the partial file itself once it has stopped writing.
    pub fn cancel(&self, installer_id: &str) {
        let removed = {
            let mut g = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            g.remove(installer_id)
        };
        if let Some(e) = removed {
            match &e.stop {
                Some(stop) => {
                    let _ = stop.send(true);
                }
                None if e.saved.state != DownloadState::Done => {
                    let _ = std::fs::remove_file(e.target().partial_path());
                }
                None => {}
            }
        }
        self.persist();
    }

    /// Whether `installer_id` is downloading right now.
    pub fn is_running(&self, installer_id: &str) -> bool {
        let g = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        g.get(installer_id).is_some_and(|e| e.stop.is_some())
    }

    async fn run(
        self: Arc<Self>,
        id: String,
        run: u64,
        target: DownloadTarget,
        stop: watch::Receiver<bool>,
        open: Opener,
        emit: Emit,
    ) {
        let mut attempt = 0usize;
        let mut at_last_failure = target.received();
        loop {
            let mut meter = Meter::new(target.size);
            let mut last_percent: Option<u64> = None;
            let result = {
                let this = self.clone();
                let id2 = id.clone();
                let emit2 = emit.clone();
                let open = open.clone();
                let id3 = id.clone();
                download(
                    &target,
                    move |from, validator| open(id3.clone(), from, validator),
                    stop.clone(),
                    move |progress| match progress {
                        Progress::Checking { checked, of } => {
                            // One event per whole percent: at most 101 for any file size.
                            let percent = checked.saturating_mul(100) / of.max(1);
                            if checked == 0 || last_percent != Some(percent) {
                                last_percent = Some(percent);
                                if let Some(s) = this.update(&id2, run, |e| {
                                    e.received = of;
                                    e.checked = Some(checked);
                                }) {
                                    emit2(&s);
                                }
                            }
                        }
                        Progress::Received(received) => {
                            let was_checking = last_percent.take().is_some();
                            let sample = meter.sample(received);
                            if sample.is_some() || was_checking {
                                let (rate, eta) = sample.unwrap_or((0, None));
                                if let Some(s) = this.update(&id2, run, |e| {
                                    e.received = received;
                                    e.checked = None;
                                    if sample.is_some() {
                                        e.bytes_per_sec = rate;
                                        e.eta_secs = eta;
                                    }
                                }) {
                                    emit2(&s);
                                }
                            }
                        }
                    },
                )
                .await
            };
            let (state, error, received) = match result {
                Ok(DownloadOutcome::Complete { .. }) => (DownloadState::Done, None, target.size),
                Ok(DownloadOutcome::Stopped { received }) => {
                    (DownloadState::Paused, None, received)
                }
                Err(DownloadError::Portal(e)) if retryable(&e) && attempt < RETRY_DELAYS.len() => {
                    tracing::info!("download {id}: {e}; retrying");
                    let now_on_disk = target.received();
                    if now_on_disk > at_last_failure {
                        attempt = 0; // it got further: the line is flaky, not gone
                    }
                    at_last_failure = now_on_disk;
                    let delay = RETRY_DELAYS[attempt];
                    attempt += 1;
                    if let Some(s) = self.update(&id, run, |e| {
                        e.saved.state = DownloadState::Retrying;
                        e.bytes_per_sec = 0;
                        e.eta_secs = None;
                        e.checked = None;
                        e.received = target.received();
                    }) {
                        emit(&s);
                    }
                    let mut stop2 = stop.clone();
                    tokio::select! {
                        _ = tokio::time::sleep(delay) => continue,
                        _ = kontor_client::download::stopped(&mut stop2) => (DownloadState::Paused, None, target.received()),
                    }
                }
                Err(e) => {
                    let code = match &e {
                        DownloadError::Portal(c) => c.code(),
                        DownloadError::Io { .. } => ErrorCode::Io,
                        DownloadError::Checksum { .. } | DownloadError::Size { .. } => {
                            ErrorCode::Checksum
                        }
                    };
                    let body = match e {
                        DownloadError::Portal(ClientError::Api { body, .. }) => body,
                        other => ErrorBody::new(code, other.to_string()),
                    };
                    (DownloadState::Failed, Some(body), target.received())
                }
            };
            // One lock for "is this run still the entry's" and the final state, so a cancel either
            // comes before (the task removes its partial file) or after (the cancel removes it).
            let (status, again, remove_partial) = {
                let mut g = self.entries.lock().unwrap_or_else(|p| p.into_inner());
                match g.get_mut(&id).filter(|e| e.run == run) {
                    Some(e) => {
                        e.saved.state = state;
                        e.saved.error = error;
                        e.stop = None;
                        e.received = received;
                        e.bytes_per_sec = 0;
                        e.eta_secs = None;
                        e.checked = None;
                        e.revision = self.next_revision();
                        let again = e.resume_pending && state == DownloadState::Paused;
                        e.resume_pending = false;
                        (Some(e.status()), again, false)
                    }
                    None => {
                        // Cancelled while running (perhaps started again since, to another path).
                        let reused = g.get(&id).is_some_and(|e| e.saved.dest == target.dest);
                        (None, false, state != DownloadState::Done && !reused)
                    }
                }
            };
            if remove_partial {
                let _ = tokio::fs::remove_file(target.partial_path()).await;
            }
            self.persist();
            if let Some(s) = status {
                emit(&s);
            }
            if again {
                self.resume(&id, open, emit);
            }
            return;
        }
    }

    /// Changes the entry of `id` if `run` still owns it.
    fn update(&self, id: &str, run: u64, f: impl FnOnce(&mut Entry)) -> Option<DownloadStatus> {
        let mut g = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let e = g.get_mut(id).filter(|e| e.run == run)?;
        f(e);
        e.revision = self.next_revision();
        Some(e.status())
    }

    fn persist(&self) {
        let _saving = self.saving.lock().unwrap_or_else(|p| p.into_inner());
        let saved: Vec<Saved> = {
            let g = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            g.values().map(|e| e.saved.clone()).collect()
        };
        let bytes = serde_json::to_vec_pretty(&saved).unwrap_or_default();
        let written = kontor_fs::Options::new()
            .create_dirs(true)
            .write(&self.file, &bytes);
        if let Err(e) = written {
            tracing::warn!("downloads list not saved: {e}");
        }
    }
}

/// Worth trying again by itself: the line dropped, or the portal is busy or restarting.
fn retryable(e: &ClientError) -> bool {
    match e {
        ClientError::Network(_) => true,
        ClientError::Api { status, .. } => *status == 429 || (500..=599).contains(status),
        ClientError::BadResponse(_) => false,
    }
}

/// Rate over the last [`RATE_WINDOW`] and time left; says when a progress event is due.
struct Meter {
    total: u64,
    samples: std::collections::VecDeque<(Instant, u64)>,
    last_emit: Option<Instant>,
}

impl Meter {
    fn new(total: u64) -> Self {
        Self {
            total,
            samples: Default::default(),
            last_emit: None,
        }
    }

    /// `Some((bytes per second, seconds left))` when an event is due.
    fn sample(&mut self, received: u64) -> Option<(u64, Option<u64>)> {
        self.sample_at(Instant::now(), received)
    }

    fn sample_at(&mut self, now: Instant, received: u64) -> Option<(u64, Option<u64>)> {
        self.samples.push_back((now, received));
        while self
            .samples
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) > RATE_WINDOW)
        {
            self.samples.pop_front();
        }
        let due = self
            .last_emit
            .is_none_or(|t| now.duration_since(t) >= EMIT_EVERY)
            || received >= self.total;
        if !due {
            return None;
        }
        self.last_emit = Some(now);
        let (t0, r0) = *self.samples.front()?;
        let secs = now.duration_since(t0).as_secs_f64();
        let rate = if secs > 0.05 {
            ((received.saturating_sub(r0)) as f64 / secs) as u64
        } else {
            0
        };
        let eta = (rate > 0).then(|| self.total.saturating_sub(received).div_ceil(rate));
        Some((rate, eta))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meter_measures_rate_and_time_left_and_throttles() {
        let mut m = Meter::new(10_000_000);
        let t0 = Instant::now();
        assert!(m.sample_at(t0, 0).is_some(), "the first sample is shown");
        assert!(m
            .sample_at(t0 + Duration::from_millis(50), 50_000)
            .is_none());
        let (rate, eta) = m.sample_at(t0 + Duration::from_secs(1), 1_000_000).unwrap();
        assert_eq!(rate, 1_000_000);
        assert_eq!(eta, Some(9));
        // old samples leave the window: the rate follows the recent speed
        let (rate, _) = m.sample_at(t0 + Duration::from_secs(5), 3_000_000).unwrap();
        assert!(rate < 1_000_000, "{rate}");
        assert!(
            m.sample_at(t0 + Duration::from_millis(5050), 10_000_000)
                .is_some(),
            "the last byte is always shown"
        );
    }

    #[test]
    fn running_downloads_are_paused_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let installer = Installer {
            id: "i1".into(),
            product: "cmdb".into(),
            product_name: "CMDB".into(),
            version: "1.0.0".into(),
            platform: "linux".into(),
            arch: "x86_64".into(),
            file_name: "cmdb.deb".into(),
            size: 100,
            sha256: "00".repeat(32),
            notes: String::new(),
            released_on: "2026-11-01".into(),
        };
        let dest = dir.path().join("cmdb.deb");
        std::fs::write(kontor_client::download::partial_path(&dest), [1u8; 40]).unwrap();
        let saved = vec![Saved {
            installer,
            dest,
            state: DownloadState::Running,
            error: None,
            interrupted: false,
            key: None,
        }];
        std::fs::write(
            dir.path().join("downloads.json"),
            serde_json::to_vec(&saved).unwrap(),
        )
        .unwrap();
        let d = Downloads::load(dir.path());
        let list = d.list();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].state, DownloadState::Paused);
        assert_eq!(list[0].received, 40);
        assert_eq!(list[0].total, 100);
        let g = d.entries.lock().unwrap();
        assert!(g["i1"].saved.interrupted, "it continues once signed in");
    }

    #[test]
    fn a_download_the_user_paused_is_not_interrupted() {
        let dir = tempfile::tempdir().unwrap();
        let saved = serde_json::json!([{
            "installer": {"id": "i2", "product": "cmdb", "product_name": "CMDB", "version": "1.0.0",
                "platform": "linux", "arch": "x86_64", "file_name": "cmdb.deb", "size": 100,
                "sha256": "00".repeat(32), "notes": "", "released_on": "2026-11-01"},
            "dest": dir.path().join("cmdb.deb"),
            "state": "paused",
            "error": null
        }]);
        std::fs::write(
            dir.path().join("downloads.json"),
            serde_json::to_vec(&saved).unwrap(),
        )
        .unwrap();
        let d = Downloads::load(dir.path());
        assert_eq!(d.list().len(), 1, "a file from before the flag still loads");
        let g = d.entries.lock().unwrap();
        assert!(
            !g["i2"].saved.interrupted,
            "paused by the user: stays paused"
        );
    }
}
