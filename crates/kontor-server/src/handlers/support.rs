//! support9: `GET /api/v1/help` (the vendor's help links) and `GET|POST …/support/tickets` (the signed-in
//! user's support tickets), support9b: `GET …/support/tickets/{ticket_id}/attachments/{index}` (one
//! attachment of the user's own ticket). Every role. The rules are in `service::support`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kontor_api::{ErrorBody, ErrorCode, HelpLinks, NewTicket, Ticket, TicketList};

use crate::auth::AuthUser;
use crate::handlers::accounts::own_account;
use crate::handlers::actor_of;
use crate::http_error::{ApiError, ApiJson};
use crate::service::support;
use crate::state::AppState;

/// The vendor's help links (documentation, knowledge base, status page, release notes), each optional.
#[utoipa::path(get, path = "/api/v1/help", tag = "support", security(("bearer" = [])),
    responses(
        (status = 200, description = "The help links the vendor configured", body = HelpLinks),
        (status = 401, description = "No valid session", body = ErrorBody),
    ))]
pub async fn help(State(st): State<AppState>, _auth: AuthUser) -> Json<HelpLinks> {
    Json(st.config.vendor.support.links())
}

/// The signed-in user's own support tickets, newest first (another user's are never listed).
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/support/tickets", tag = "support",
    security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    responses(
        (status = 200, description = "The user's tickets with their status", body = TicketList),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "Not the caller's account", body = ErrorBody),
    ))]
pub async fn list(
    State(st): State<AppState>,
    auth: AuthUser,
    Path(account_id): Path<String>,
) -> Result<Json<TicketList>, ApiError> {
    let account_id = own_account(&auth, &account_id)?;
    Ok(Json(
        support::list_tickets(st.db.as_ref(), &account_id, &auth.user_id).await?,
    ))
}

/// File a support ticket: mailed to the vendor's support address, confirmed to the user by mail, audited as
/// `support.ticket_created`. At most 5 attachments of listed types (images, PDF, text, CSV, JSON, XML,
/// XLSX, ZIP), 10 MB together; the body is at most 15 MB. 10 tickets an hour per user and IP.
#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/support/tickets", tag = "support",
    security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id")),
    request_body = NewTicket,
    responses(
        (status = 201, description = "The ticket is filed", body = Ticket),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "Not the caller's account", body = ErrorBody),
        (status = 422, description = "The body is over 15 MB (`validation`), a field is invalid (`subject`, `message`, `contact_phone`: `field` detail) or the attachments are refused (`attachments` detail: too large, too many, type or name not allowed, unreadable)", body = ErrorBody),
        (status = 429, description = "Too many tickets from this user or IP (`rate_limited`)", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn create(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    auth: AuthUser,
    Path(account_id): Path<String>,
    ApiJson(req): ApiJson<NewTicket>,
) -> Result<(StatusCode, Json<Ticket>), ApiError> {
    own_account(&auth, &account_id)?;
    let actor = actor_of(&st, &auth, peer);
    support::count_ticket(
        &st.support_limit,
        &auth.user_id,
        &peer.ip().to_string(),
        actor.at,
    )
    .await?
    .map_err(|wait| {
        let secs = u64::try_from(wait).unwrap_or(1).max(1);
        ApiError::new(
            ErrorCode::RateLimited,
            format!("too many support tickets; try again in {secs} seconds"),
        )
        .retry_after(secs)
    })?;
    let ticket = support::create_ticket(
        st.db.as_ref(),
        &st.config.vendor,
        &st.config.vendor_name,
        &actor,
        req,
    )
    .await??;
    Ok((StatusCode::CREATED, Json(ticket)))
}

/// support9b: one attachment of the signed-in user's own ticket, as the file that was sent (its content
/// type; `Content-Disposition` names it). Another user's or account's ticket answers 404 like an unknown one.
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/support/tickets/{ticket_id}/attachments/{index}",
    tag = "support", security(("bearer" = [])),
    params(("account_id" = String, Path, description = "The caller's account id"),
        ("ticket_id" = String, Path, description = "A ticket of the caller (`Ticket::id`)"),
        ("index" = u32, Path, minimum = 0, maximum = 4, description = "The attachment's place in `Ticket::attachments`, from 0 (at most 5 attachments)")),
    responses(
        (status = 200, description = "The attachment's bytes (at most 10 MB) with its stored content type; Content-Disposition names the file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 404, description = "Not the caller's account, not the caller's ticket, or no such attachment (`not_found`)", body = ErrorBody),
    ))]
pub async fn attachment(
    State(st): State<AppState>,
    auth: AuthUser,
    Path((account_id, ticket_id, index)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let account_id = own_account(&auth, &account_id)?;
    let a = support::ticket_attachment(
        st.db.as_ref(),
        &account_id,
        &auth.user_id,
        &ticket_id,
        &index,
    )
    .await??;
    let mut r = a.data.into_response();
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&a.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&content_disposition(&a.file_name))
            .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

/// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded name>` (RFC 6266).
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}
