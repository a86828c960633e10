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
        handlers::info::ready, // replica12
        handlers::auth::login,
        handlers::auth::token_login,
        handlers::auth::refresh,
        handlers::auth::logout,
        handlers::me::me,
        handlers::accounts::account,
        handlers::accounts::summary,
        handlers::me::change_password,
        handlers::licenses::list,
        handlers::licenses::change,
        handlers::locations::list,
        handlers::locations::create,
        handlers::locations::update,
        handlers::locations::delete,
        handlers::audit::list,
        handlers::users::list,
        handlers::users::create,
        handlers::users::import_batch,
        handlers::users::existing_emails,
        handlers::users::get_user,
        handlers::users::update_user,
        handlers::users::reset_password,
        handlers::users::delete_user,
        handlers::users::restore,
        handlers::offline_license::public_key,
        handlers::offline_license::status,
        handlers::offline_license::issue,
        handlers::offline_license::activate,
        handlers::offline_license::revoke,
        handlers::downloads::list,
        handlers::downloads::file,
        handlers::downloads::update,
        handlers::downloads::release_file,
        // sepa8
        handlers::billing_details::get_address,
        handlers::billing_details::put_address,
        handlers::billing_details::get_payment,
        handlers::billing_details::put_bank_account,
        handlers::billing_details::put_payment_method,
        handlers::billing_details::mandate_text,
        handlers::password_mail::request,
        handlers::password_mail::confirm,
        handlers::password_mail::mail_temporary_password,
        handlers::profile::get_profile,
        handlers::profile::put_profile,
        handlers::profile::sessions,
        handlers::profile::end_other_sessions,
        handlers::invoices::list,
        handlers::invoices::get,
        handlers::invoices::pdf,
        handlers::invoices::xml,
        handlers::subscription::get,
        handlers::subscription::packages,
        handlers::subscription::preview,
        handlers::subscription::change,
        // acct9
        handlers::email_change::request,
        handlers::email_change::confirm,
        // support9
        handlers::support::help,
        handlers::support::list,
        handlers::support::create,
        handlers::support::attachment, // support9b
        handlers::auth::choose_account, // harden10
    ),
    components(schemas(kontor_api::ErrorBody, kontor_api::ErrorCode, kontor_api::Role,
        kontor_api::UserStatus, kontor_api::UserSort)),
    modifiers(&BearerAuth, &BodyLimit),
    tags(
        (name = "portal", description = "About the portal"),
        (name = "auth", description = "Sign-in and sessions"),
        (name = "account", description = "The signed-in user's account"),
        (name = "users", description = "Users and locations of the account (Owner and Admin)"),
        (name = "licenses", description = "Seat pools and license assignments (Owner and Admin)"),
        (name = "audit", description = "The account's audit log (Owner and Admin)"),
        (name = "offline-license", description = "Signed offline license files for air-gapped installations (Owner and Admin)"),
        (name = "invoices", description = "Invoices and credit notes with their PDF and e-invoice XML (Owner and Billing)"),
        (name = "subscription", description = "The subscription, the package catalog and package changes (Owner and Billing)"),
        (name = "downloads", description = "Installers of the account's products (Owner and Admin) and the app's self-update (no sign-in)"),
        (name = "billing", description = "Billing address, payment method and SEPA mandate (Owner and Billing)"),
        (name = "support", description = "Help links and the user's own support tickets (every role)"),
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

/// harden10: every operation with a request body documents the 413 the body limit answers (axum's 2 MB
/// default; a route with its own limit, `users/existing`, documents its own).
struct BodyLimit;

impl Modify for BodyLimit {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{path::Operation, ContentBuilder, Ref, ResponseBuilder};
        let limit = format!(
            "The body is larger than {} bytes (`payload_too_large`)",
            super::DEFAULT_BODY_LIMIT
        );
        let response = ResponseBuilder::new()
            .description(limit)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build();
        for item in openapi.paths.paths.values_mut() {
            let ops: [&mut Option<Operation>; 4] = [
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for op in ops.into_iter().flatten() {
                if op.request_body.is_some() {
                    op.responses
                        .responses
                        .entry("413".to_string())
                        .or_insert_with(|| response.clone().into());
                }
            }
        }
    }
}

/// The document as served at `/api/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    doc
}
