//! The HTTP surface: every route of the portal API with its handler, the error safety net, the headers
//! every answer gets (`headers`: request id, nosniff, no-store), the client's address behind trusted proxies
//! (`client_ip`), and (in `openapi`) the OpenAPI document.
//! The only module that imports `handlers`.

use axum::routing::{get, post, put};
use axum::{Json, Router};

use crate::handlers;
use crate::http_error;
use crate::state::AppState;

mod client_ip;
mod headers;
pub mod openapi;

/// Body limit of `POST …/users/existing` (200,000 addresses of up to ~160 bytes in JSON); other routes keep
/// axum's 2 MB default.
const EXISTING_EMAILS_BODY_LIMIT: usize = 32 * 1024 * 1024;
/// support9: body limit of `POST …/support/tickets` (10 MB of attachments in base64 and the form).
pub const SUPPORT_TICKET_BODY_LIMIT: usize = 15 * 1024 * 1024;

/// harden10: axum's default body limit (2 MB), which every other JSON route keeps; a larger body answers
/// 413 `payload_too_large` (stated in the OpenAPI document).
pub(crate) const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The application's routes (also used by tests that want a router without a socket).
pub(crate) fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/info", get(handlers::info::info))
        .route("/auth/login", post(handlers::auth::login))
        .route("/auth/token-login", post(handlers::auth::token_login))
        .route("/auth/login/choose", post(handlers::auth::choose_account)) // harden10
        .route("/auth/refresh", post(handlers::auth::refresh))
        .route("/auth/logout", post(handlers::auth::logout))
        .route(
            "/auth/password-reset",
            post(handlers::password_mail::request),
        )
        .route(
            "/auth/password-reset/confirm",
            post(handlers::password_mail::confirm),
        )
        .route(
            "/me/profile",
            get(handlers::profile::get_profile).put(handlers::profile::put_profile),
        )
        .route("/me/sessions", get(handlers::profile::sessions))
        .route(
            "/me/sessions/end-others",
            post(handlers::profile::end_other_sessions),
        )
        // acct9
        .route("/me/email", post(handlers::email_change::request))
        .route("/me/email/confirm", post(handlers::email_change::confirm))
        .route(
            "/accounts/{account_id}/users/{user_id}/temporary-password/mail",
            post(handlers::password_mail::mail_temporary_password),
        )
        .route("/me", get(handlers::me::me))
        .route("/me/password", post(handlers::me::change_password))
        .route(
            "/accounts/{account_id}/licenses",
            get(handlers::licenses::list),
        )
        .route(
            "/accounts/{account_id}/licenses/change",
            post(handlers::licenses::change),
        )
        .route(
            "/accounts/{account_id}/locations",
            get(handlers::locations::list).post(handlers::locations::create),
        )
        .route(
            "/accounts/{account_id}/locations/{location_id}",
            axum::routing::patch(handlers::locations::update).delete(handlers::locations::delete),
        )
        .route("/accounts/{account_id}/audit", get(handlers::audit::list))
        // inv8: invoices (Owner and Billing).
        .route(
            "/accounts/{account_id}/invoices",
            get(handlers::invoices::list),
        )
        .route(
            "/accounts/{account_id}/invoices/{invoice_id}",
            get(handlers::invoices::get),
        )
        .route(
            "/accounts/{account_id}/invoices/{invoice_id}/pdf",
            get(handlers::invoices::pdf),
        )
        .route(
            "/accounts/{account_id}/invoices/{invoice_id}/xml",
            get(handlers::invoices::xml),
        )
        .route(
            "/accounts/{account_id}/users",
            get(handlers::users::list).post(handlers::users::create),
        )
        .route(
            "/accounts/{account_id}/users/import",
            post(handlers::users::import_batch),
        )
        .route(
            "/accounts/{account_id}/users/existing",
            post(handlers::users::existing_emails).layer(axum::extract::DefaultBodyLimit::max(
                EXISTING_EMAILS_BODY_LIMIT,
            )),
        )
        .route(
            "/accounts/{account_id}/users/restore",
            post(handlers::users::restore),
        )
        .route(
            "/accounts/{account_id}/users/{user_id}",
            get(handlers::users::get_user)
                .patch(handlers::users::update_user)
                .delete(handlers::users::delete_user),
        )
        .route(
            "/accounts/{account_id}/users/{user_id}/reset-password",
            post(handlers::users::reset_password),
        )
        .route(
            "/accounts/{account_id}/offline-license",
            get(handlers::offline_license::status).post(handlers::offline_license::issue),
        )
        .route(
            "/accounts/{account_id}/offline-license/activate",
            post(handlers::offline_license::activate),
        )
        .route(
            "/accounts/{account_id}/offline-license/{license_id}/revoke",
            post(handlers::offline_license::revoke),
        )
        .route(
            "/accounts/{account_id}/installers",
            get(handlers::downloads::list),
        )
        .route(
            "/accounts/{account_id}/installers/{installer_id}/file",
            get(handlers::downloads::file),
        )
        .route(
            "/app/update/{target}/{arch}/{current_version}",
            get(handlers::downloads::update),
        )
        .route(
            "/app/releases/{version}/{file}",
            get(handlers::downloads::release_file),
        )
        .route(
            "/accounts/{account_id}/subscription",
            get(handlers::subscription::get),
        )
        .route(
            "/accounts/{account_id}/subscription/preview",
            post(handlers::subscription::preview),
        )
        .route(
            "/accounts/{account_id}/subscription/change",
            post(handlers::subscription::change),
        )
        .route(
            "/accounts/{account_id}/packages",
            get(handlers::subscription::packages),
        )
        .route("/accounts/{account_id}", get(handlers::accounts::account))
        .route(
            "/accounts/{account_id}/summary",
            get(handlers::accounts::summary),
        )
        // sepa8: billing address, payment method, SEPA mandate.
        .route(
            "/accounts/{account_id}/billing/address",
            get(handlers::billing_details::get_address).put(handlers::billing_details::put_address),
        )
        .route(
            "/accounts/{account_id}/billing/payment",
            get(handlers::billing_details::get_payment),
        )
        .route(
            "/accounts/{account_id}/billing/bank-account",
            put(handlers::billing_details::put_bank_account),
        )
        .route(
            "/accounts/{account_id}/billing/payment-method",
            put(handlers::billing_details::put_payment_method),
        )
        .route(
            "/accounts/{account_id}/billing/mandate-text",
            get(handlers::billing_details::mandate_text),
        )
        // support9: help links and support tickets (every role).
        .route("/help", get(handlers::support::help))
        .route(
            "/accounts/{account_id}/support/tickets",
            get(handlers::support::list)
                .post(handlers::support::create)
                .layer(axum::extract::DefaultBodyLimit::max(
                    SUPPORT_TICKET_BODY_LIMIT,
                )),
        )
        // support9b: one attachment of the user's own ticket.
        .route(
            "/accounts/{account_id}/support/tickets/{ticket_id}/attachments/{index}",
            get(handlers::support::attachment),
        );
    Router::new()
        .nest(kontor_api::API_PREFIX, api)
        .route("/api/health", get(handlers::info::health))
        .route("/api/ready", get(handlers::info::ready)) // replica12
        .route(
            "/api/license/public-key",
            get(handlers::offline_license::public_key),
        )
        .route(
            "/api/openapi.json",
            get(|| async { Json(openapi::document()) }),
        )
        .fallback(http_error::fallback)
        .layer(axum::extract::DefaultBodyLimit::max(DEFAULT_BODY_LIMIT)) // harden10
        .layer(axum::middleware::map_response(http_error::json_errors))
        .layer(axum::middleware::from_fn(headers::security_headers))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            client_ip::from_trusted_proxy,
        ))
        .with_state(state)
}
