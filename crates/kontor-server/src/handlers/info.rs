//! `GET /api/v1/info` (what the portal says about itself), `GET /api/health` (liveness, no database) and
//! `GET /api/ready` (readiness: one database round trip; a load balancer's check).

use axum::extract::State;
use axum::Json;
use kontor_api::PortalInfo;
use serde::Serialize;

use crate::http_error::ApiError;
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

// replica12: readiness for load balancers.
/// Readiness: 200 when this replica reaches the database (one `SELECT 1`), else 503. For a load balancer's
/// health check; `/api/health` stays the cheap liveness check.
#[utoipa::path(get, path = "/api/ready", tag = "portal",
    responses(
        (status = 200, description = "The server is up and reaches its database", body = Health),
        (status = 503, description = "The database cannot be reached (`unavailable`)", body = kontor_api::ErrorBody),
    ))]
pub async fn ready(State(st): State<AppState>) -> Result<Json<Health>, ApiError> {
    match tokio::time::timeout(std::time::Duration::from_secs(5), st.db.ping()).await {
        Ok(Ok(())) => Ok(Json(Health { status: "ready" })),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: database unreachable");
            Err(not_ready())
        }
        Err(_) => {
            tracing::warn!("readiness: the database did not answer within 5 s");
            Err(not_ready())
        }
    }
}

fn not_ready() -> ApiError {
    ApiError::new(
        kontor_api::ErrorCode::Unavailable,
        "the portal cannot reach its database",
    )
}
