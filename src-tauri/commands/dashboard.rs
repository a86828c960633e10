//! The dashboard command: the account summary computed by the portal.

use kontor_api::ipc::NoArgs;
use kontor_api::DashboardSummary;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
pub async fn dashboard(state: State<'_, AppState>, req: NoArgs) -> CommandResult<DashboardSummary> {
    let _ = req;
    let portal = state.portal()?;
    portal
        .call(|client, access, me| async move { client.dashboard(&access, &me.account_id).await })
        .await
}
