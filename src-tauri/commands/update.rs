//! Self-update commands: ask the portal whether a newer Kontor exists, install it only with a valid
//! signature of the vendor's updater key (tauri-plugin-updater, minisign), and restart into it.
//!
//! The update endpoint is the configured portal's `/api/v1/app/update/{target}/{arch}/{current_version}`,
//! set at run time because the portal address is chosen at run time, with `?lang=de|en` so the release notes
//! come in the user's language. The public key is
//! `plugins.updater.pubkey` in tauri.conf.json (see README, "Releases and installers").
//!
//! Test hook (debug builds only): `KONTOR_TEST_UPDATE_EXE` names the file an update is installed over,
//! so the end-to-end test never replaces the binary under test.

use std::time::Duration;

use kontor_api::ipc::{
    NoArgs, UpdateCheck, UpdateInstalled, UpdateOffer, UpdateProgress, UPDATE_PROGRESS_EVENT,
};
use kontor_api::{ErrorCode, API_PREFIX};
use tauri::{AppHandle, Emitter, Runtime, State};
use tauri_plugin_updater::UpdaterExt;

use crate::commands::error::{CommandError, CommandResult};
use crate::state::AppState;

/// Asks the portal for a newer version; remembers it for [`update_install`].
#[tauri::command]
pub async fn update_check<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    req: NoArgs,
) -> CommandResult<UpdateCheck> {
    let _ = req;
    let portal = state.portal_url().ok_or_else(|| {
        CommandError::new(ErrorCode::NotConfigured, "no portal address is configured")
    })?;
    // The release notes come in the user's language (the portal falls back to English).
    let lang = if state.german() { "de" } else { "en" };
    let endpoint = format!(
        "{}{API_PREFIX}/app/update/{{{{target}}}}/{{{{arch}}}}/{{{{current_version}}}}?lang={lang}",
        portal.trim_end_matches('/')
    );
    let endpoint = url::Url::parse(&endpoint)
        .map_err(|e| CommandError::new(ErrorCode::NotConfigured, format!("{endpoint}: {e}")))?;
    let builder = app
        .updater_builder()
        .endpoints(vec![endpoint])
        .map_err(update_error)?
        // No total timeout: a large update on a slow line takes what it takes; a stalled one fails.
        .configure_client(|b| {
            b.connect_timeout(Duration::from_secs(10))
                .read_timeout(Duration::from_secs(30))
        });
    #[cfg(debug_assertions)]
    let builder = match std::env::var_os("KONTOR_TEST_UPDATE_EXE") {
        Some(path) => builder.executable_path(path),
        None => builder,
    };
    let update = builder
        .build()
        .map_err(update_error)?
        .check()
        .await
        .map_err(update_error)?;
    let offer = update.as_ref().map(|u| UpdateOffer {
        version: u.version.clone(),
        current_version: u.current_version.clone(),
        notes: u.body.clone().unwrap_or_default(),
        date: u.date.and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        }),
    });
    *state.update.lock().await = update;
    Ok(UpdateCheck { offer })
}

/// Downloads the update found by [`update_check`], verifies its signature and installs it. Emits
/// [`UPDATE_PROGRESS_EVENT`]. The new version runs after [`app_restart`].
#[tauri::command]
pub async fn update_install<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    req: NoArgs,
) -> CommandResult<UpdateInstalled> {
    let _ = req;
    if state
        .updating
        .swap(true, std::sync::atomic::Ordering::SeqCst)
    {
        return Err(CommandError::new(
            ErrorCode::Conflict,
            "the update is already being installed",
        ));
    }
    let result = install(&app, &state).await;
    state
        .updating
        .store(false, std::sync::atomic::Ordering::SeqCst);
    result
}

async fn install<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
) -> CommandResult<UpdateInstalled> {
    // A copy: a check from the About dialog is not blocked for the length of a download.
    let update = state.update.lock().await.clone().ok_or_else(|| {
        CommandError::new(
            ErrorCode::NotFound,
            "there is no update to install; check again",
        )
    })?;
    let mut received = 0u64;
    let bytes = update
        .download(
            |chunk, total| {
                received += chunk as u64;
                let _ = app.emit(UPDATE_PROGRESS_EVENT, UpdateProgress { received, total });
            },
            || {},
        )
        .await
        .map_err(update_error)?;
    let version = update.version.clone();
    // Verifies the signature again and writes the new bundle: blocking file work, off the async workers.
    tauri::async_runtime::spawn_blocking(move || update.install(bytes))
        .await
        .map_err(|e| CommandError::new(ErrorCode::Internal, e.to_string()))?
        .map_err(update_error)?;
    tracing::info!("update {version} installed");
    Ok(UpdateInstalled { version })
}

/// Restarts the app (into the installed update).
#[tauri::command]
pub fn app_restart<R: Runtime>(app: AppHandle<R>, req: NoArgs) -> CommandResult<()> {
    let _ = req;
    app.restart()
}

fn update_error(e: tauri_plugin_updater::Error) -> CommandError {
    use tauri_plugin_updater::Error as E;
    let code = match &e {
        E::Minisign(_)
        | E::Base64(_)
        | E::SignatureUtf8(_)
        | E::SignedVersionMismatch { .. }
        | E::MissingSignedVersion => ErrorCode::Signature,
        E::Reqwest(_) | E::Network(_) => ErrorCode::Network,
        E::InsecureTransportProtocol => ErrorCode::NotConfigured,
        E::Serialization(_) | E::ReleaseNotFound | E::TargetNotFound(_) => ErrorCode::BadResponse,
        E::Io(_) => ErrorCode::Io,
        _ => ErrorCode::Internal,
    };
    let message = match code {
        ErrorCode::Signature => {
            format!("the update is not signed with the vendor's key and was not installed ({e})")
        }
        ErrorCode::NotConfigured => "updates are only fetched from an https portal".to_string(),
        _ => e.to_string(),
    };
    CommandError::new(code, message)
}
