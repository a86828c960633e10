//! The UI's first command: configuration, portal and resumed session (with the dashboard) in one answer.

use kontor_api::ipc::{NoArgs, PortalStart, Startup};
use kontor_api::ErrorBody;
use tauri::{AppHandle, Runtime, State};

use crate::commands::config::app_config;
use crate::commands::error::{CommandError, CommandResult};
use crate::state::{AppState, ConnectError};

/// Everything the first screen needs. The portal's part was usually asked at launch (`startup.rs`).
#[tauri::command]
pub async fn startup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    req: NoArgs,
) -> CommandResult<Startup> {
    let _ = req;
    let config = app_config(&state, app.package_info().version.to_string());
    let portal = match state.portal() {
        Ok(p) => p,
        Err(ConnectError::NotConfigured) => {
            return Ok(Startup {
                config,
                portal: PortalStart::NotConfigured,
            })
        }
        Err(e) => return Err(e.into()),
    };
    let resumed = state.prefetch.take(portal).await;
    let failed = |info, e: CommandError| PortalStart::Failed {
        info,
        error: ErrorBody::new(e.code, e.message).with_detail(e.detail),
    };
    let portal = match (resumed.info, resumed.session) {
        (Err(e), _) => failed(None, e.into()),
        (Ok(info), Err(e)) => failed(Some(info), e.into()),
        (Ok(info), Ok(None)) => PortalStart::SignIn { info },
        (Ok(info), Ok(Some(me))) => {
            // Signed in again: downloads interrupted by the last exit go on.
            crate::commands::downloads::resume_interrupted(&app, &state);
            PortalStart::SignedIn {
                info,
                me,
                dashboard: resumed.dashboard.map(Box::new),
            }
        }
    };
    Ok(Startup { config, portal })
}
