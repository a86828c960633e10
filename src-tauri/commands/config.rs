//! Commands for the app's configuration: portal address and language.

use kontor_api::ipc::{AppConfig, SetLanguage, SetPortalUrl};
use kontor_api::{ErrorCode, PortalInfo};
use tauri::State;

use crate::commands::error::{CommandError, CommandResult};
use crate::state::AppState;

/// The app's configuration as the UI needs it at start (part of `startup`'s answer). `app_version` is the
/// version the app was built as (`version` of its tauri.conf.json, or of a vendor's/package build's overlay):
/// the one the updater compares, so About and the update offer never disagree.
pub fn app_config(state: &AppState, app_version: String) -> AppConfig {
    let settings = state.settings();
    AppConfig {
        portal_url: state.portal_url(),
        portal_locked: state.launch.fixed_portal_url.is_some(),
        language: settings.language,
        os_locale: sys_locale::get_locale().unwrap_or_else(|| "en-US".into()),
        app_version,
        test_hooks: cfg!(debug_assertions),
    }
}

/// Checks the address (https unless loopback), asks the portal who it is, and only then remembers it.
#[tauri::command]
pub async fn set_portal_url(
    state: State<'_, AppState>,
    req: SetPortalUrl,
) -> CommandResult<PortalInfo> {
    if state.launch.fixed_portal_url.is_some() {
        return Err(CommandError::new(
            ErrorCode::Forbidden,
            "the portal address is fixed by this installation",
        ));
    }
    let url = kontor_api::validate::portal_url("url", &req.url)?;
    let portal = state.connect(&url)?;
    let info = portal.client().info().await?;
    let mut settings = state.settings();
    settings.portal_url = Some(url);
    state.save_settings(&settings)?;
    state.set_portal(portal);
    Ok(info)
}

#[tauri::command]
pub fn set_language(state: State<'_, AppState>, req: SetLanguage) -> CommandResult<()> {
    let lang = match req.language.as_str() {
        "de" | "en" => req.language,
        _ => {
            return Err(CommandError::new(
                ErrorCode::Validation,
                "language must be de or en",
            ))
        }
    };
    let mut settings = state.settings();
    settings.language = Some(lang);
    Ok(state.save_settings(&settings)?)
}
