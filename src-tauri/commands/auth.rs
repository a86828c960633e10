//! Sign-in and sign-out commands (the resume at start is `startup`). Tokens stay in this process and the OS keyring.
//!
//! A temporary password the user signs in with is kept in this process's memory (`AppState::
//! temporary_password`) until they chose their own, so the first-login screen does not ask for it again; it
//! never goes to the webview or to disk, and is forgotten on sign-out, another sign-in and the change.

use kontor_api::ipc::NoArgs;
use kontor_api::{
    validate, ChangePassword, ChooseAccount, LoginChoice, Me, PasswordLogin, TokenLogin,
};
use tauri::{AppHandle, Runtime, State};

use crate::commands::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
pub async fn login_password<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    req: PasswordLogin,
) -> CommandResult<Me> {
    let email = validate::email("email", &req.email)?;
    validate::login_password("password", &req.password)?;
    let portal = state.portal()?;
    let login = PasswordLogin { email, ..req };
    let tokens = portal.client().login_password(&login).await?;
    let me = portal.start(tokens, login.remember).await?;
    keep_temporary(&state, me.must_change_password.then_some(login.password));
    if !me.must_change_password {
        crate::commands::downloads::resume_interrupted(&app, &state);
    }
    Ok(me)
}

fn keep_temporary(state: &AppState, password: Option<String>) {
    if let Ok(mut g) = state.temporary_password.lock() {
        *g = password;
    }
}

/// Whether the shell still has the temporary password the user signed in with (then the first-login screen
/// need not ask for it).
#[tauri::command]
pub fn temporary_password_kept(state: State<'_, AppState>, req: NoArgs) -> CommandResult<bool> {
    let _ = req;
    Ok(state.temporary_password.lock().is_ok_and(|g| g.is_some()))
}

#[tauri::command]
pub async fn login_token<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    req: TokenLogin,
) -> CommandResult<Me> {
    let license_token = validate::license_token("license_token", &req.license_token)?;
    let portal = state.portal()?;
    let login = TokenLogin {
        license_token,
        ..req
    };
    let tokens = portal.client().login_token(&login).await?;
    keep_temporary(&state, None);
    let me = portal.start(tokens, login.remember).await?;
    crate::commands::downloads::resume_interrupted(&app, &state);
    Ok(me)
}

#[tauri::command]
pub async fn logout(state: State<'_, AppState>, req: NoArgs) -> CommandResult<()> {
    let _ = req;
    keep_temporary(&state, None);
    Ok(state.portal()?.sign_out().await?)
}

/// The signed-in user replaces their (temporary) password; answers the updated user. An empty current
/// password means the temporary one the shell kept from the sign-in.
#[tauri::command]
pub async fn change_password(state: State<'_, AppState>, req: ChangePassword) -> CommandResult<Me> {
    let kept = state.temporary_password.lock().ok().and_then(|g| g.clone());
    let req = match kept {
        Some(current_password) if req.current_password.is_empty() => ChangePassword {
            current_password,
            ..req
        },
        _ => req,
    };
    validate::login_password("current_password", &req.current_password)?;
    validate::new_password("new_password", &req.new_password)?;
    let portal = state.portal()?;
    portal
        .call(|c, a, _| {
            let r = req.clone();
            async move { c.change_password(&a, &r).await }
        })
        .await?;
    keep_temporary(&state, None);
    let me = portal.call(|c, a, _| async move { c.me(&a).await }).await?;
    portal.set_me(me.clone()).await;
    Ok(me)
}

/// harden10: signs in to the account the user chose after a password sign-in matched several
/// (`ErrorDetail::ChooseAccount`). A temporary password is not kept here (the first-login screen asks).
#[tauri::command]
pub async fn login_choose<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    req: LoginChoice,
) -> CommandResult<Me> {
    let portal = state.portal()?;
    let tokens = portal
        .client()
        .login_choose(&ChooseAccount {
            choice_token: req.choice_token,
            account_id: req.account_id,
        })
        .await?;
    let me = portal.start(tokens, req.remember).await?;
    keep_temporary(&state, None);
    if !me.must_change_password {
        crate::commands::downloads::resume_interrupted(&app, &state);
    }
    Ok(me)
}
