//! `GET /api/v1/info` (what the portal says about itself) and `GET /api/health`.

use axum::extract::State;
use axum::Json;
use kontor_api::PortalInfo;
use serde::Serialize;

use crate::state::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
}

/// The portal's vendor name, demo flag and version. No sign-in needed.
#[utoipa::path(get, path = "/api/v1/info", tag = "portal",
    responses((status = 200, description = "About this portal", body = PortalInfo)))]
pub async fn info(State(st): State<AppState>) -> Json<PortalInfo> {
    Json(PortalInfo {
        vendor_name: st.config.vendor_name.clone(),
        demo: st.config.demo,
        server_version: env!("CARGO_PKG_VERSION").to_string(),
    })
}

/// Liveness: 200 while the server runs.
#[utoipa::path(get, path = "/api/health", tag = "portal",
    responses((status = 200, description = "The server is up", body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}
