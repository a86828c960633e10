//! Sign-in, resume and sign-out commands. Tokens stay in this process and the OS keyring.

use kontor_api::ipc::NoArgs;
use kontor_api::{validate, ChangePassword, Me, PasswordLogin, TokenLogin};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
pub async fn login_password(state: State<'_, AppState>, req: PasswordLogin) -> CommandResult<Me> {
    let email = validate::email("email", &req.email)?;
    validate::login_password("password", &req.password)?;
    let portal = state.portal()?;
    let login = PasswordLogin { email, ..req };
    let tokens = portal.client().login_password(&login).await?;
    portal.start(tokens, login.remember).await
}

#[tauri::command]
pub async fn login_token(state: State<'_, AppState>, req: TokenLogin) -> CommandResult<Me> {
    let license_token = validate::license_token("license_token", &req.license_token)?;
    let portal = state.portal()?;
    let login = TokenLogin {
        license_token,
        ..req
    };
    let tokens = portal.client().login_token(&login).await?;
    portal.start(tokens, login.remember).await
}

/// The signed-in user after a restart, if "stay signed in" was chosen; `None` means: show sign-in.
#[tauri::command]
pub async fn resume_session(state: State<'_, AppState>, req: NoArgs) -> CommandResult<Option<Me>> {
    let _ = req;
    state.portal()?.resume().await
}

#[tauri::command]
pub async fn logout(state: State<'_, AppState>, req: NoArgs) -> CommandResult<()> {
    let _ = req;
    state.portal()?.sign_out().await
}

/// The signed-in user replaces their (temporary) password; answers the updated user.
#[tauri::command]
pub async fn change_password(state: State<'_, AppState>, req: ChangePassword) -> CommandResult<Me> {
    validate::login_password("current_password", &req.current_password)?;
    validate::new_password("new_password", &req.new_password)?;
    let portal = state.portal()?;
    portal
        .call(|c, a, _| {
            let r = req.clone();
            async move { c.change_password(&a, &r).await }
        })
        .await?;
    let me = portal.call(|c, a, _| async move { c.me(&a).await }).await?;
    portal.set_me(me.clone()).await;
    Ok(me)
}
