//! The OpenAPI document, generated from the handlers' `#[utoipa::path]` annotations.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::handlers;

#[derive(OpenApi)]
#[openapi(
    info(title = "Kontor portal API", description = "The vendor portal behind the Kontor desktop app."),
    paths(
        handlers::info::info,
        handlers::info::health,
        handlers::auth::login,
        handlers::auth::token_login,
        handlers::auth::refresh,
        handlers::auth::logout,
        handlers::me::me,
        handlers::accounts::account,
        handlers::accounts::summary,
    ),
    components(schemas(kontor_api::ErrorBody, kontor_api::ErrorCode, kontor_api::Role)),
    modifiers(&BearerAuth),
    tags(
        (name = "portal", description = "About the portal"),
        (name = "auth", description = "Sign-in and sessions"),
        (name = "account", description = "The signed-in user's account"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document as served at `/api/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    doc
}
