//! Start-up: the shell resumes the session while WebKit starts, so the first screen waits for no portal.
//!
//! When a portal address is configured, [`Prefetch::start`] runs at launch, before the webview exists: one
//! task asks the portal who it is (`GET /info`) and, beside that, resumes the remembered session (keyring
//! read, token refresh, keyring write), then fetches the dashboard with it. The UI's first command,
//! `startup`, takes that task's result, which is usually complete by the time the wasm runs (BENCHMARKS.md,
//! start-up breakdown). A second `startup` (the user's retry) asks the portal afresh.

use std::sync::{Arc, Mutex};

use kontor_api::{DashboardSummary, Me, PortalInfo};
use kontor_client::ClientError;
use tauri::async_runtime::JoinHandle;

use crate::session::{Portal, SessionResult};

/// What the portal said at start.
pub struct Resumed {
    pub info: Result<PortalInfo, ClientError>,
    /// `Ok(None)`: nothing remembered, or the portal refused the remembered token: sign in.
    pub session: SessionResult<Option<Me>>,
    /// The dashboard fetched right after the resume; `None` if there is no session or it failed (the
    /// dashboard page then asks again and shows its own error with a retry).
    pub dashboard: Option<DashboardSummary>,
}

/// Asks `portal` everything the first screen needs: info and resume at once, then the dashboard.
pub async fn resume(portal: Arc<Portal>) -> Resumed {
    let (info, session) = tokio::join!(portal.client().info(), portal.resume());
    let dashboard = match (&info, &session) {
        (Ok(_), Ok(Some(_))) => portal
            .call(
                |client, access, me| async move { client.dashboard(&access, &me.account_id).await },
            )
            .await
            .ok(),
        _ => None,
    };
    Resumed {
        info,
        session,
        dashboard,
    }
}

/// The start-up task begun at launch, until the UI takes its result.
#[derive(Default)]
pub struct Prefetch(Mutex<Option<(Arc<Portal>, JoinHandle<Resumed>)>>);

impl Prefetch {
    /// Begins asking `portal` in the background (on Tauri's async runtime).
    pub fn start(&self, portal: Arc<Portal>) {
        let task = tauri::async_runtime::spawn(resume(portal.clone()));
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some((portal, task));
        }
    }

    /// The result for `portal`: the task begun at launch if it was for this portal (once), else a new ask.
    pub async fn take(&self, portal: Arc<Portal>) -> Resumed {
        let begun = self.0.lock().ok().and_then(|mut slot| slot.take());
        match begun {
            Some((for_portal, task)) if Arc::ptr_eq(&for_portal, &portal) => match task.await {
                Ok(resumed) => resumed,
                // The task panicked or was cancelled: ask again rather than fail the start.
                Err(e) => {
                    tracing::warn!("start-up prefetch failed: {e}; asking the portal again");
                    resume(portal).await
                }
            },
            _ => resume(portal).await,
        }
    }
}
