//! `GET /api/v1/accounts/{account_id}` and `…/summary`: the caller's own account only; any other id is 404.

use axum::extract::{Path, State};
use axum::Json;
use kontor_api::{Account, DashboardSummary, ErrorBody, NextInvoice, ProductSeats};

use crate::auth::AuthUser;
use crate::db::DashboardRecord;
use crate::http_error::ApiError;
use crate::service::{dashboard, invoicing};
use crate::state::AppState;

/// The caller's account id if the path names it; otherwise 404 (never 403: existence is not revealed).
pub(crate) fn own_account(auth: &AuthUser, account_id: &str) -> Result<String, ApiError> {
    if account_id == auth.account_id {
        Ok(auth.account_id.clone())
    } else {
        Err(ApiError::not_found(kontor_api::Resource::Account))
    }
}

/// The caller's account.
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}", tag = "account", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    responses(
        (status = 200, description = "The account", body = Account),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "Not the caller's account", body = ErrorBody),
    ))]
pub async fn account(
    State(st): State<AppState>,
    auth: AuthUser,
    Path(account_id): Path<String>,
) -> Result<Json<Account>, ApiError> {
    let id = own_account(&auth, &account_id)?;
    let account = st
        .db
        .account(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(kontor_api::Resource::Account))?;
    Ok(Json(account))
}

/// The dashboard figures of the caller's account, computed from its data; a plain User's carry no amounts
/// (`service::dashboard`).
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/summary", tag = "account", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    responses(
        (status = 200, description = "The dashboard summary", body = DashboardSummary),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "Not the caller's account", body = ErrorBody),
    ))]
pub async fn summary(
    State(st): State<AppState>,
    auth: AuthUser,
    Path(account_id): Path<String>,
) -> Result<Json<DashboardSummary>, ApiError> {
    let id = own_account(&auth, &account_id)?;
    let DashboardRecord {
        account,
        subscription,
        seats,
        user_count,
        billing,
    } = st
        .db
        .dashboard(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(kontor_api::Resource::Account))?;

    // The real upcoming invoice: the next period's recurring lines with VAT, on the period end date.
    let next_invoice = billing
        .and_then(|b| invoicing::upcoming(&b, &st.config.vendor))
        .map(|u| NextInvoice {
            date: crate::db::invoices::iso(u.date),
            amount_cents: u.gross_cents,
            currency: u.currency,
        });
    let summary = DashboardSummary {
        account,
        package_name: subscription
            .as_ref()
            .map(|s| s.package_name.clone())
            .unwrap_or_default(),
        seats_used: seats.iter().map(|s| s.used).sum(),
        seats_total: seats.iter().map(|s| s.seats).sum(),
        next_invoice,
        license_expires_on: subscription.map(|s| s.license_expires_on),
        products: seats
            .into_iter()
            .map(|s| ProductSeats {
                product_code: s.product_code,
                product_name: s.product_name,
                seats_used: s.used,
                seats_total: s.seats,
            })
            .collect(),
        user_count,
    };
    Ok(Json(dashboard::for_role(summary, auth.role)))
}
