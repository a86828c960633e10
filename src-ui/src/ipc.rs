//! Typed wrappers of the desktop shell's commands: the only way the UI reaches anything outside the webview.
//!
//! Invariant: the UI never holds a secret. Tokens stay in the shell; these calls carry form input in and
//! display data out.

use kontor_api::ipc::{
    cmd, AppConfig, DeleteUsersResult, NoArgs, SaveCredentials, SavedFile, SetLanguage,
    SetPortalUrl, UpdateUserArgs, UserId, UserIds, ARG,
};
use kontor_api::{
    ChangePassword, CreateUsers, CreateUsersResult, CreatedUser, DashboardSummary, ErrorBody,
    ErrorCode, LicenseChange, LicenseChangeResult, LicensePool, Location, Me, PasswordLogin,
    PortalInfo, RestoreResult, RestoreUsers, TemporaryPassword, TokenLogin, UpdateUser, UserPage,
    UserQuery, UserSummary,
};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

/// Calls one command with its single argument under `req`, decoding `{code, message}` failures.
async fn invoke<A: Serialize, T: DeserializeOwned>(name: &str, arg: &A) -> Result<T, ErrorBody> {
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    let arg = arg
        .serialize(&ser)
        .map_err(|e| ErrorBody::new(ErrorCode::Internal, e.to_string()))?;
    let args = js_sys::Object::new();
    js_sys::Reflect::set(&args, &JsValue::from_str(ARG), &arg)
        .map_err(|_| ErrorBody::new(ErrorCode::Internal, "could not build the call"))?;
    match tauri_invoke(name, args.into()).await {
        Ok(v) => serde_wasm_bindgen::from_value(v)
            .map_err(|e| ErrorBody::new(ErrorCode::BadResponse, e.to_string())),
        Err(e) => Err(
            serde_wasm_bindgen::from_value::<ErrorBody>(e.clone()).unwrap_or_else(|_| {
                ErrorBody::new(
                    ErrorCode::Internal,
                    e.as_string().unwrap_or_else(|| format!("{e:?}")),
                )
            }),
        ),
    }
}

pub type IpcResult<T> = Result<T, ErrorBody>;

pub async fn app_config() -> IpcResult<AppConfig> {
    invoke(cmd::APP_CONFIG, &NoArgs {}).await
}

pub async fn set_portal_url(url: String) -> IpcResult<PortalInfo> {
    invoke(cmd::SET_PORTAL_URL, &SetPortalUrl { url }).await
}

pub async fn portal_info() -> IpcResult<PortalInfo> {
    invoke(cmd::PORTAL_INFO, &NoArgs {}).await
}

pub async fn set_language(language: String) -> IpcResult<()> {
    invoke(cmd::SET_LANGUAGE, &SetLanguage { language }).await
}

pub async fn login_password(req: PasswordLogin) -> IpcResult<Me> {
    invoke(cmd::LOGIN_PASSWORD, &req).await
}

pub async fn login_token(req: TokenLogin) -> IpcResult<Me> {
    invoke(cmd::LOGIN_TOKEN, &req).await
}

pub async fn resume_session() -> IpcResult<Option<Me>> {
    invoke(cmd::RESUME_SESSION, &NoArgs {}).await
}

pub async fn logout() -> IpcResult<()> {
    invoke(cmd::LOGOUT, &NoArgs {}).await
}

pub async fn dashboard() -> IpcResult<DashboardSummary> {
    invoke(cmd::DASHBOARD, &NoArgs {}).await
}

pub async fn licenses() -> IpcResult<Vec<LicensePool>> {
    invoke(cmd::LICENSES, &NoArgs {}).await
}

pub async fn locations() -> IpcResult<Vec<Location>> {
    invoke(cmd::LOCATIONS, &NoArgs {}).await
}

pub async fn users(query: UserQuery) -> IpcResult<UserPage> {
    invoke(cmd::USERS, &query).await
}

pub async fn create_users(req: CreateUsers) -> IpcResult<CreateUsersResult> {
    invoke(cmd::CREATE_USERS, &req).await
}

pub async fn update_user(user_id: String, update: UpdateUser) -> IpcResult<UserSummary> {
    invoke(cmd::UPDATE_USER, &UpdateUserArgs { user_id, update }).await
}

pub async fn reset_password(user_id: String) -> IpcResult<TemporaryPassword> {
    invoke(cmd::RESET_PASSWORD, &UserId { user_id }).await
}

pub async fn delete_users(user_ids: Vec<String>) -> IpcResult<DeleteUsersResult> {
    invoke(cmd::DELETE_USERS, &UserIds { user_ids }).await
}

pub async fn restore_users(user_ids: Vec<String>) -> IpcResult<RestoreResult> {
    invoke(cmd::RESTORE_USERS, &RestoreUsers { user_ids }).await
}

pub async fn change_licenses(req: LicenseChange) -> IpcResult<LicenseChangeResult> {
    invoke(cmd::CHANGE_LICENSES, &req).await
}

pub async fn save_credentials_csv(
    users: Vec<CreatedUser>,
    file_name: String,
) -> IpcResult<SavedFile> {
    invoke(
        cmd::SAVE_CREDENTIALS_CSV,
        &SaveCredentials { users, file_name },
    )
    .await
}

pub async fn change_password(req: ChangePassword) -> IpcResult<Me> {
    invoke(cmd::CHANGE_PASSWORD, &req).await
}
