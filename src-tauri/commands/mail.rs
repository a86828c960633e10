//! Passwords by mail: asking for a forgotten-password code, setting a new password with it (then signing
//! in with the new password, as the sign-in page would), and mailing a user their temporary password.

use kontor_api::{
    validate, MailTemporaryPasswordArgs, Me, PasswordLogin, PasswordResetConfirm,
    PasswordResetRequest, ResetWithCode, TemporaryPasswordMail,
};
use tauri::{AppHandle, Runtime, State};

use crate::commands::error::CommandResult;
use crate::state::AppState;

/// Asks the portal to mail a code (it answers alike whether or not the address exists).
#[tauri::command]
pub async fn request_password_reset(
    state: State<'_, AppState>,
    req: PasswordResetRequest,
) -> CommandResult<()> {
    let email = validate::email("email", &req.email)?;
    let portal = state.portal()?;
    portal
        .client()
        .request_password_reset(&PasswordResetRequest { email })
        .await?;
    Ok(())
}

/// Sets the new password with the code (the portal ends every session of the user), then signs in with it.
#[tauri::command]
pub async fn reset_password_with_code<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    req: ResetWithCode,
) -> CommandResult<Me> {
    let email = validate::email("email", &req.email)?;
    validate::new_password("new_password", &req.new_password)?;
    let portal = state.portal()?;
    portal
        .client()
        .confirm_password_reset(&PasswordResetConfirm {
            email: email.clone(),
            code: req.code.clone(),
            new_password: req.new_password.clone(),
        })
        .await?;
    crate::commands::auth::login_password(
        app,
        state,
        PasswordLogin {
            email,
            password: req.new_password,
            remember: req.remember,
        },
    )
    .await
}

/// Mails a user of the signed-in user's account their temporary password.
#[tauri::command]
pub async fn mail_temporary_password(
    state: State<'_, AppState>,
    req: MailTemporaryPasswordArgs,
) -> CommandResult<()> {
    let portal = state.portal()?;
    portal
        .call(|c, a, me| {
            let id = req.user_id.clone();
            let body = TemporaryPasswordMail {
                temporary_password: req.temporary_password.clone(),
            };
            async move {
                c.mail_temporary_password(&a, &me.account_id, &id, &body)
                    .await
            }
        })
        .await
        .map_err(Into::into)
}
