//! Showing a saved file in the system's file manager ("Show in folder").
//!
//! Least privilege: only a file the user saved through a dialog in this run, or a finished download, is
//! revealed; any other path is refused, so the webview cannot use this to probe or open arbitrary paths.

use std::path::PathBuf;

use kontor_api::ipc::ShowInFolder;
use kontor_api::ErrorCode;
use tauri::State;

use crate::commands::error::{CommandError, CommandResult};
use crate::state::AppState;

#[tauri::command]
pub async fn show_in_folder(state: State<'_, AppState>, req: ShowInFolder) -> CommandResult<()> {
    let path = PathBuf::from(&req.path);
    if !state.may_reveal(&path) {
        return Err(CommandError::new(
            ErrorCode::NotFound,
            "this is not a file Kontor saved",
        ));
    }
    if !path.exists() {
        return Err(CommandError::new(
            ErrorCode::NotFound,
            format!("{} is no longer there", path.display()),
        ));
    }
    Ok(crate::dialogs::reveal(&path).await?)
}
