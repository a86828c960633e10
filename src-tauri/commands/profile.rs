//! The own profile (name, mail language, the e-mail address changed by a code) and sessions ("sign out everywhere else").

use kontor_api::ipc::NoArgs;
use kontor_api::{
    validate, ConfirmEmailChange, Profile, RequestEmailChange, SessionList, SessionsEnded,
    UpdateProfile,
};
use tauri::State;

use crate::commands::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
pub async fn profile(state: State<'_, AppState>, req: NoArgs) -> CommandResult<Profile> {
    let _ = req;
    let portal = state.portal()?;
    portal
        .call(|c, a, _| async move { c.profile(&a).await })
        .await
        .map_err(Into::into)
}

/// Changes the own name and mail language; the shell's copy of the user follows.
#[tauri::command]
pub async fn update_profile(
    state: State<'_, AppState>,
    req: UpdateProfile,
) -> CommandResult<Profile> {
    let display_name = validate::display_name("display_name", &req.display_name)?;
    let req = UpdateProfile {
        display_name,
        ..req
    };
    let portal = state.portal()?;
    let profile = portal
        .call(|c, a, _| {
            let r = req.clone();
            async move { c.update_profile(&a, &r).await }
        })
        .await?;
    let me = portal.call(|c, a, _| async move { c.me(&a).await }).await?;
    portal.set_me(me).await;
    Ok(profile)
}

#[tauri::command]
pub async fn sessions(state: State<'_, AppState>, req: NoArgs) -> CommandResult<SessionList> {
    let _ = req;
    let portal = state.portal()?;
    portal
        .call(|c, a, _| async move { c.sessions(&a).await })
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn end_other_sessions(
    state: State<'_, AppState>,
    req: NoArgs,
) -> CommandResult<SessionsEnded> {
    let _ = req;
    let portal = state.portal()?;
    portal
        .call(|c, a, _| async move { c.end_other_sessions(&a).await })
        .await
        .map_err(Into::into)
}

// acct9
/// Asks for a code at the new address (checked here first, as the portal does).
#[tauri::command]
pub async fn request_email_change(
    state: State<'_, AppState>,
    req: RequestEmailChange,
) -> CommandResult<()> {
    let new_email = validate::email("new_email", &req.new_email)?;
    let portal = state.portal()?;
    portal
        .call(|c, a, _| {
            let r = RequestEmailChange {
                new_email: new_email.clone(),
            };
            async move { c.request_email_change(&a, &r).await }
        })
        .await
        .map_err(Into::into)
}

/// Sets the new address with the mailed code; the shell's copy of the user follows.
#[tauri::command]
pub async fn confirm_email_change(
    state: State<'_, AppState>,
    req: ConfirmEmailChange,
) -> CommandResult<Profile> {
    let portal = state.portal()?;
    let profile = portal
        .call(|c, a, _| {
            let r = req.clone();
            async move { c.confirm_email_change(&a, &r).await }
        })
        .await?;
    let me = portal.call(|c, a, _| async move { c.me(&a).await }).await?;
    portal.set_me(me).await;
    Ok(profile)
}
