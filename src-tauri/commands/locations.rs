//! Locations commands (the locations page): list with user counts, create, rename / edit address, delete
//! with moving the users. Inputs are checked with the portal's own rules first.

use kontor_api::ipc::NoArgs;
use kontor_api::{
    DeleteLocationArgs, LocationDeleted, LocationInfo, LocationInput, UpdateLocationArgs,
};
use tauri::State;

use crate::commands::error::{CommandError, CommandResult};
use crate::state::AppState;

/// The input with the portal's field rules applied, or the field's error.
fn checked(input: &LocationInput) -> CommandResult<LocationInput> {
    input
        .validated()
        .map_err(|e| CommandError::new(kontor_api::ErrorCode::Validation, e.to_string()))
}

#[tauri::command]
pub async fn location_infos(
    state: State<'_, AppState>,
    req: NoArgs,
) -> CommandResult<Vec<LocationInfo>> {
    let _ = req;
    let portal = state.portal()?;
    portal
        .call(|c, a, me| async move { c.location_infos(&a, &me.account_id).await })
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn create_location(
    state: State<'_, AppState>,
    req: LocationInput,
) -> CommandResult<LocationInfo> {
    let input = checked(&req)?;
    let portal = state.portal()?;
    portal
        .call(|c, a, me| {
            let l = input.clone();
            async move { c.create_location(&a, &me.account_id, &l).await }
        })
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn update_location(
    state: State<'_, AppState>,
    req: UpdateLocationArgs,
) -> CommandResult<LocationInfo> {
    let input = checked(&req.location)?;
    let portal = state.portal()?;
    portal
        .call(|c, a, me| {
            let (l, id) = (input.clone(), req.id.clone());
            async move { c.update_location(&a, &me.account_id, &id, &l).await }
        })
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn delete_location(
    state: State<'_, AppState>,
    req: DeleteLocationArgs,
) -> CommandResult<LocationDeleted> {
    let portal = state.portal()?;
    portal
        .call(|c, a, me| {
            let (id, to) = (req.id.clone(), req.move_to.clone());
            async move {
                c.delete_location(&a, &me.account_id, &id, to.as_deref())
                    .await
            }
        })
        .await
        .map_err(Into::into)
}
