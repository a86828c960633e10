//! Users and licenses commands: list, create, edit, reset, delete, restore, bulk license changes, and
//! saving the confirmation screen (users and temporary passwords) as CSV through the native save dialog.

use kontor_api::ipc::{
    DeleteUsersResult, NoArgs, SaveCredentials, SavedFile, UpdateUserArgs, UserFailure, UserId,
    UserIds,
};
use kontor_api::{
    CreateUsers, CreateUsersResult, LicenseChange, LicenseChangeResult, LicensePool, Location,
    RestoreResult, RestoreUsers, TemporaryPassword, UserPage, UserQuery, UserSummary,
};
use tauri::State;

use crate::commands::error::{CommandError, CommandResult};
use crate::state::AppState;

#[tauri::command]
pub async fn licenses(state: State<'_, AppState>, req: NoArgs) -> CommandResult<Vec<LicensePool>> {
    let _ = req;
    let portal = state.portal()?;
    portal
        .call(|c, a, me| async move { c.licenses(&a, &me.account_id).await })
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn locations(state: State<'_, AppState>, req: NoArgs) -> CommandResult<Vec<Location>> {
    let _ = req;
    let portal = state.portal()?;
    portal
        .call(|c, a, me| async move { c.locations(&a, &me.account_id).await })
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn users(state: State<'_, AppState>, req: UserQuery) -> CommandResult<UserPage> {
    let portal = state.portal()?;
    portal
        .call(|c, a, me| {
            let q = req.clone();
            async move { c.users(&a, &me.account_id, &q).await }
        })
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn create_users(
    state: State<'_, AppState>,
    req: CreateUsers,
) -> CommandResult<CreateUsersResult> {
    for (i, u) in req.users.iter().enumerate() {
        let field = |e: kontor_api::FieldError| {
            CommandError::new(kontor_api::ErrorCode::Validation, format!("users[{i}].{e}"))
        };
        kontor_api::validate::email("email", &u.email).map_err(field)?;
        kontor_api::validate::display_name("display_name", &u.display_name).map_err(field)?;
    }
    let portal = state.portal()?;
    portal
        .call(|c, a, me| {
            let r = req.clone();
            async move { c.create_users(&a, &me.account_id, &r).await }
        })
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn update_user(
    state: State<'_, AppState>,
    req: UpdateUserArgs,
) -> CommandResult<UserSummary> {
    kontor_api::validate::display_name("display_name", &req.update.display_name)?;
    let portal = state.portal()?;
    portal
        .call(|c, a, me| {
            let r = req.clone();
            async move {
                c.update_user(&a, &me.account_id, &r.user_id, &r.update)
                    .await
            }
        })
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn reset_password(
    state: State<'_, AppState>,
    req: UserId,
) -> CommandResult<TemporaryPassword> {
    let portal = state.portal()?;
    portal
        .call(|c, a, me| {
            let id = req.user_id.clone();
            async move { c.reset_password(&a, &me.account_id, &id).await }
        })
        .await
        .map_err(Into::into)
}

/// Deletes each user (soft); one failing does not stop the others, and the answer names every failure.
#[tauri::command]
pub async fn delete_users(
    state: State<'_, AppState>,
    req: UserIds,
) -> CommandResult<DeleteUsersResult> {
    let portal = state.portal()?;
    let mut result = DeleteUsersResult {
        deleted: Vec::new(),
        failed: Vec::new(),
    };
    for id in req.user_ids {
        let uid = id.clone();
        match portal
            .call(|c, a, me| {
                let uid = uid.clone();
                async move { c.delete_user(&a, &me.account_id, &uid).await }
            })
            .await
        {
            Ok(()) => result.deleted.push(id),
            Err(e) => {
                let e = CommandError::from(e);
                if e.code == kontor_api::ErrorCode::Unauthorized {
                    return Err(e);
                }
                result.failed.push(UserFailure {
                    user_id: id,
                    error: kontor_api::ErrorBody::new(e.code, e.message).with_detail(e.detail),
                });
            }
        }
    }
    Ok(result)
}

#[tauri::command]
pub async fn restore_users(
    state: State<'_, AppState>,
    req: RestoreUsers,
) -> CommandResult<RestoreResult> {
    let portal = state.portal()?;
    portal
        .call(|c, a, me| {
            let r = req.clone();
            async move { c.restore_users(&a, &me.account_id, &r).await }
        })
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn change_licenses(
    state: State<'_, AppState>,
    req: LicenseChange,
) -> CommandResult<LicenseChangeResult> {
    let portal = state.portal()?;
    portal
        .call(|c, a, me| {
            let r = req.clone();
            async move { c.change_licenses(&a, &me.account_id, &r).await }
        })
        .await
        .map_err(Into::into)
}

/// Asks where to save (native dialog) and writes the users and temporary passwords as CSV, atomically.
#[tauri::command]
pub async fn save_credentials_csv(
    state: State<'_, AppState>,
    req: SaveCredentials,
) -> CommandResult<SavedFile> {
    let german = state.german();
    let csv = credentials_csv(&req.users, if german { ';' } else { ',' });
    let Some(path) = crate::dialogs::save_path(&state, &req.file_name, "CSV", &["csv"]).await
    else {
        return Ok(SavedFile { path: None });
    };
    kontor_fs::Options::new()
        .create_dirs(true)
        .write(&path, csv.as_bytes())?;
    Ok(SavedFile {
        path: Some(path.display().to_string()),
    })
}

/// The confirmation list as CSV for Excel: UTF-8 with BOM, `separator` between fields, CRLF lines.
pub fn credentials_csv(users: &[kontor_api::CreatedUser], separator: char) -> String {
    let field = |s: &str| {
        if s.contains([separator, '"', '\n', '\r']) || s.starts_with([' ', '=', '+', '-', '@']) {
            // Quote, and defuse spreadsheet formulas.
            let s = if s.starts_with(['=', '+', '-', '@']) {
                format!("'{s}")
            } else {
                s.to_string()
            };
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::from("\u{feff}");
    let sep = separator.to_string();
    out.push_str(&["Name", "E-mail", "Temporary password"].join(&sep));
    out.push_str("\r\n");
    for u in users {
        let row = [
            field(&u.display_name),
            field(&u.email),
            field(&u.temporary_password),
        ];
        out.push_str(&row.join(&sep));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use kontor_api::CreatedUser;

    #[test]
    fn credentials_csv_quotes_and_defuses_formulas() {
        let users = vec![
            CreatedUser {
                id: "1".into(),
                email: "anna@example.com".into(),
                display_name: "Muster; Anna \"A\"".into(),
                temporary_password: "abc".into(),
            },
            CreatedUser {
                id: "2".into(),
                email: "bob@example.com".into(),
                display_name: "=HYPERLINK(\"x\")".into(),
                temporary_password: "def".into(),
            },
        ];
        let csv = credentials_csv(&users, ';');
        assert!(csv.starts_with('\u{feff}'));
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[0], "Name;E-mail;Temporary password");
        assert_eq!(lines[1], "\"Muster; Anna \"\"A\"\"\";anna@example.com;abc");
        assert_eq!(lines[2], "\"'=HYPERLINK(\"\"x\"\")\";bob@example.com;def");
        assert_eq!(lines[3], "");
    }
}
