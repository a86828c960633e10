//! Download commands: the installers the account may download, and starting, pausing, resuming and
//! cancelling their downloads. Progress arrives as [`DOWNLOAD_PROGRESS_EVENT`].

use std::sync::Arc;

use kontor_api::ipc::{
    DownloadStarted, DownloadStatus, InstallerId, NoArgs, DOWNLOAD_PROGRESS_EVENT,
};
use kontor_api::{ErrorBody, ErrorCode, Installer, InstallerList};
use kontor_client::ClientError;
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::commands::error::{CommandError, CommandResult};
use crate::downloads::{Emit, Opener};
use crate::session::{Portal, SessionError};
use crate::state::AppState;

#[tauri::command]
pub async fn installers(state: State<'_, AppState>, req: NoArgs) -> CommandResult<InstallerList> {
    let _ = req;
    let portal = state.portal()?;
    portal
        .call(|c, a, me| async move { c.installers(&a, &me.account_id).await })
        .await
        .map_err(Into::into)
}

/// The app's downloads. Asked by the signed-in Downloads page, so downloads the app was running when it
/// ended continue now (if the start-up had no session to continue them with).
#[tauri::command]
pub fn downloads<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    req: NoArgs,
) -> CommandResult<Vec<DownloadStatus>> {
    let _ = req;
    resume_interrupted(&app, &state);
    Ok(state.downloads.list())
}

/// Continues the downloads that were running when the app ended, through the signed-in session. Call only
/// with a session: without one they would fail instead of waiting.
pub fn resume_interrupted<R: Runtime>(app: &AppHandle<R>, state: &AppState) {
    if let Ok(portal) = state.portal() {
        let n = state
            .downloads
            .resume_interrupted(opener(portal), emitter(app.clone()));
        if n > 0 {
            tracing::info!("{n} interrupted download(s) continue");
        }
    }
}

/// Asks where to save the installer (native dialog), then starts the download and returns at once.
/// The installer's size and SHA-256 come from the portal's catalog, not from the UI.
#[tauri::command]
pub async fn download_start<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    req: InstallerId,
) -> CommandResult<DownloadStarted> {
    if state.downloads.is_running(&req.installer_id) {
        return Ok(DownloadStarted {
            download: state.downloads.status(&req.installer_id),
        });
    }
    let portal = state.portal()?;
    let installer = find_installer(&portal, &req.installer_id).await?;
    let ext = installer
        .file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_string())
        .unwrap_or_default();
    let exts: Vec<&str> = if ext.is_empty() {
        vec![]
    } else {
        vec![ext.as_str()]
    };
    let Some(dest) =
        crate::dialogs::save_path(&state, &installer.file_name, "Installer", &exts).await
    else {
        return Ok(DownloadStarted { download: None });
    };
    let status = state
        .downloads
        .start(installer, dest, opener(portal), emitter(app));
    Ok(DownloadStarted {
        download: Some(status),
    })
}

#[tauri::command]
pub fn download_pause(
    state: State<'_, AppState>,
    req: InstallerId,
) -> CommandResult<DownloadStatus> {
    state
        .downloads
        .pause(&req.installer_id)
        .ok_or_else(not_found)
}

#[tauri::command]
pub fn download_resume<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    req: InstallerId,
) -> CommandResult<DownloadStatus> {
    let portal = state.portal()?;
    state
        .downloads
        .resume(&req.installer_id, opener(portal), emitter(app))
        .ok_or_else(not_found)
}

/// Stops the download and removes its partial file; a finished file is left where it is.
#[tauri::command]
pub fn download_cancel(state: State<'_, AppState>, req: InstallerId) -> CommandResult<()> {
    state.downloads.cancel(&req.installer_id);
    Ok(())
}

fn not_found() -> CommandError {
    CommandError::new(ErrorCode::NotFound, "there is no such download")
}

async fn find_installer(portal: &Portal, id: &str) -> CommandResult<Installer> {
    let list = portal
        .call(|c, a, me| async move { c.installers(&a, &me.account_id).await })
        .await?;
    list.installers
        .into_iter()
        .find(|i| i.id == id)
        .ok_or_else(|| CommandError::new(ErrorCode::NotFound, "this installer is not available"))
}

/// Opens the installer's bytes through the signed-in session (refreshing the access token as needed).
fn opener(portal: Arc<Portal>) -> Opener {
    Arc::new(move |id, from, validator| {
        let portal = portal.clone();
        Box::pin(async move {
            portal
                .call(|c, a, me| {
                    let (id, validator) = (id.clone(), validator.clone());
                    async move {
                        c.installer_file(&a, &me.account_id, &id, from, validator.as_deref())
                            .await
                    }
                })
                .await
                .map_err(portal_error)
        })
    })
}

/// The session's failure in the engine's terms. The portal's own errors pass unchanged (the download
/// manager retries the transient ones); a session that cannot go on (expired, keyring) is a refusal
/// with its code and message.
fn portal_error(e: SessionError) -> ClientError {
    match e {
        SessionError::Portal(e) => e,
        other => {
            let code = other.code();
            ClientError::Api {
                status: code.http_status(),
                body: ErrorBody::new(code, other.to_string()),
            }
        }
    }
}

fn emitter<R: Runtime>(app: AppHandle<R>) -> Emit {
    Arc::new(move |s: &DownloadStatus| {
        if let Err(e) = app.emit(DOWNLOAD_PROGRESS_EVENT, s) {
            tracing::warn!("download progress not shown: {e}");
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_sees_portal_errors_unchanged_and_a_dead_session_as_a_refusal() {
        let e = portal_error(SessionError::Portal(ClientError::Network("reset".into())));
        assert!(matches!(e, ClientError::Network(m) if m == "reset"));
        let e = portal_error(SessionError::Portal(ClientError::Api {
            status: 503,
            body: ErrorBody::new(ErrorCode::Internal, "restarting"),
        }));
        assert_eq!(e.status(), Some(503));
        let e = portal_error(SessionError::Expired);
        assert_eq!(e.status(), Some(401));
        assert_eq!(e.code(), ErrorCode::Unauthorized);
    }
}
