//! `…/accounts/{account_id}/billing/…` (issue 8, sepa8): the billing address, the payment details with the
//! active SEPA mandate (IBAN masked), new bank details, paying by invoice, and the mandate text. Owner and
//! Billing; Admin and User 403; another account 404.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::Json;
use kontor_api::{
    BankAccount, BillingAddress, BillingAddressState, ErrorBody, MandateLanguage, MandateText,
    PaymentDetails, PaymentMethodChange,
};
use serde::Deserialize;

use crate::auth::{AuthUser, Permission};
use crate::handlers::accounts::own_account;
use crate::handlers::actor_of;
use crate::http_error::{ApiError, ApiJson, ApiQuery};
use crate::service::billing_details as billing;
use crate::state::AppState;

/// The caller's account id if the path names it (else 404) and the role may manage billing (else 403).
fn billing_account(auth: &AuthUser, account_id: &str) -> Result<String, ApiError> {
    let id = own_account(auth, account_id)?;
    auth.require(Permission::ManageBilling)?;
    Ok(id)
}

/// The billing address invoices are issued to (`address: null` until one is saved).
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/billing/address", tag = "billing",
    security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    responses(
        (status = 200, description = "The saved address, if any", body = BillingAddressState),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage billing (Owner and Billing may)", body = ErrorBody),
        (status = 404, description = "Not the caller's account", body = ErrorBody),
    ))]
pub async fn get_address(
    State(st): State<AppState>,
    auth: AuthUser,
    Path(account_id): Path<String>,
) -> Result<Json<BillingAddressState>, ApiError> {
    let id = billing_account(&auth, &account_id)?;
    let row = st.db.billing_address(&id).await?;
    Ok(Json(BillingAddressState {
        updated_at: row.as_ref().map(|r| r.updated_at),
        address: row.map(|r| r.address()),
    }))
}

/// Saves the billing address. Every problem is refused at once, each at its field
/// (`detail.kind = billing_fields`); the code is the first problem's (`invalid_postal_code`,
/// `invalid_vat_id`, … or `validation`). Invoices already issued keep their own copy.
#[utoipa::path(put, path = "/api/v1/accounts/{account_id}/billing/address", tag = "billing",
    security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    request_body = BillingAddress,
    responses(
        (status = 200, description = "The address as saved (normalised)", body = BillingAddress),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage billing (Owner and Billing may)", body = ErrorBody),
        (status = 404, description = "Not the caller's account", body = ErrorBody),
        (status = 422, description = "Fields are invalid: every problem at its field", body = ErrorBody),
    ))]
pub async fn put_address(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    Path(account_id): Path<String>,
    ApiJson(req): ApiJson<BillingAddress>,
) -> Result<Json<BillingAddress>, ApiError> {
    billing_account(&auth, &account_id)?;
    let actor = actor_of(&st, &auth, peer);
    Ok(Json(
        billing::save_address(st.db.as_ref(), &actor, &req).await??,
    ))
}

/// How the account pays: the method and the active SEPA mandate, its IBAN masked (country, check digits
/// and the last four characters).
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/billing/payment", tag = "billing",
    security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    responses(
        (status = 200, description = "Payment method and mandate", body = PaymentDetails),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage billing (Owner and Billing may)", body = ErrorBody),
        (status = 404, description = "Not the caller's account, or it has no subscription", body = ErrorBody),
    ))]
pub async fn get_payment(
    State(st): State<AppState>,
    auth: AuthUser,
    Path(account_id): Path<String>,
) -> Result<Json<PaymentDetails>, ApiError> {
    let id = billing_account(&auth, &account_id)?;
    Ok(Json(billing::payment(st.db.as_ref(), &id).await??))
}

/// New bank details after the user accepted the mandate text (`accept_mandate: true`): a new SEPA mandate
/// (reference `KONTOR-<customer number>-<n>`, today's date, the accepting user, the vendor's creditor id)
/// replaces the active one and the method becomes `sepa`, in one transaction. An invalid IBAN is
/// `422 invalid_iban`; every problem is reported at its field. The answer shows the IBAN masked.
#[utoipa::path(put, path = "/api/v1/accounts/{account_id}/billing/bank-account", tag = "billing",
    security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    request_body = BankAccount,
    responses(
        (status = 200, description = "The new payment details (IBAN masked)", body = PaymentDetails),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage billing (Owner and Billing may)", body = ErrorBody),
        (status = 404, description = "Not the caller's account, or it has no subscription", body = ErrorBody),
        (status = 422, description = "`invalid_iban`, `invalid_bic` or `validation` (mandate not accepted, holder missing): every problem at its field", body = ErrorBody),
    ))]
pub async fn put_bank_account(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    Path(account_id): Path<String>,
    ApiJson(req): ApiJson<BankAccount>,
) -> Result<Json<PaymentDetails>, ApiError> {
    billing_account(&auth, &account_id)?;
    let actor = actor_of(&st, &auth, peer);
    Ok(Json(
        billing::save_bank_account(st.db.as_ref(), &actor, &st.config.sepa_creditor_id, &req)
            .await??,
    ))
}

/// Switches to bank transfer (`{"method": "invoice"}`), ending the active mandate. `sepa` is refused
/// here: saving bank details chooses it.
#[utoipa::path(put, path = "/api/v1/accounts/{account_id}/billing/payment-method", tag = "billing",
    security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    request_body = PaymentMethodChange,
    responses(
        (status = 200, description = "The new payment details", body = PaymentDetails),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage billing (Owner and Billing may)", body = ErrorBody),
        (status = 404, description = "Not the caller's account, or it has no subscription", body = ErrorBody),
        (status = 422, description = "Not `invoice`", body = ErrorBody),
    ))]
pub async fn put_payment_method(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    Path(account_id): Path<String>,
    ApiJson(req): ApiJson<PaymentMethodChange>,
) -> Result<Json<PaymentDetails>, ApiError> {
    billing_account(&auth, &account_id)?;
    let actor = actor_of(&st, &auth, peer);
    Ok(Json(
        billing::change_method(st.db.as_ref(), &actor, req.method).await??,
    ))
}

/// The language of the mandate text.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MandateTextQuery {
    /// `de` (default) or `en`.
    #[param(pattern = "^(de|en)$")]
    pub lang: Option<String>,
}

/// The SEPA mandate text the user accepts, in German or English, naming the vendor and its creditor
/// identifier.
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/billing/mandate-text", tag = "billing",
    security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id"), MandateTextQuery),
    responses(
        (status = 200, description = "The mandate text", body = MandateText),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "The role may not manage billing (Owner and Billing may)", body = ErrorBody),
        (status = 404, description = "Not the caller's account", body = ErrorBody),
        (status = 422, description = "`lang` is not `de` or `en`", body = ErrorBody),
    ))]
pub async fn mandate_text(
    State(st): State<AppState>,
    auth: AuthUser,
    Path(account_id): Path<String>,
    ApiQuery(q): ApiQuery<MandateTextQuery>,
) -> Result<Json<MandateText>, ApiError> {
    billing_account(&auth, &account_id)?;
    let lang = match q.lang.as_deref() {
        None => MandateLanguage::De,
        Some(l) => MandateLanguage::parse(l).ok_or_else(|| {
            ApiError::invalid_field(
                "lang",
                kontor_api::FieldProblem::Invalid,
                "lang must be de or en",
            )
        })?,
    };
    Ok(Json(billing::mandate_text(
        lang,
        &st.config.vendor_name,
        &st.config.sepa_creditor_id,
    )))
}
