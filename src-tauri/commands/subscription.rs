//! The subscription commands: the account's subscription, the package catalog, and the package change
//! (preview, then booking with the idempotency key the UI made for the opened preview).

use kontor_api::ipc::NoArgs;
use kontor_api::{
    ChangeBooked, ChangePreview, ChangePreviewRequest, ChangeRequest, PackageCatalog, Subscription,
};
use tauri::State;

use crate::commands::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
pub async fn subscription(state: State<'_, AppState>, req: NoArgs) -> CommandResult<Subscription> {
    let _ = req;
    let portal = state.portal()?;
    portal
        .call(
            |client, access, me| async move { client.subscription(&access, &me.account_id).await },
        )
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn packages(state: State<'_, AppState>, req: NoArgs) -> CommandResult<PackageCatalog> {
    let _ = req;
    let portal = state.portal()?;
    portal
        .call(|client, access, me| async move { client.packages(&access, &me.account_id).await })
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn package_preview(
    state: State<'_, AppState>,
    req: ChangePreviewRequest,
) -> CommandResult<ChangePreview> {
    let portal = state.portal()?;
    portal
        .call(|client, access, me| {
            let req = req.clone();
            async move {
                client
                    .preview_package_change(&access, &me.account_id, &req)
                    .await
            }
        })
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn package_change(
    state: State<'_, AppState>,
    req: ChangeRequest,
) -> CommandResult<ChangeBooked> {
    let portal = state.portal()?;
    portal
        .call(|client, access, me| {
            let req = req.clone();
            async move { client.change_package(&access, &me.account_id, &req).await }
        })
        .await
        .map_err(Into::into)
}
