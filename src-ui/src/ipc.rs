//! Typed wrappers of the desktop shell's commands: the only way the UI reaches anything outside the webview.
//!
//! Invariant: the UI never holds a secret. Tokens stay in the shell; these calls carry form input in and
//! display data out.

use kontor_api::ipc::{cmd, AppConfig, NoArgs, SetLanguage, SetPortalUrl, ARG};
use kontor_api::{
    DashboardSummary, ErrorBody, ErrorCode, Me, PasswordLogin, PortalInfo, TokenLogin,
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
