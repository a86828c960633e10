//! The HTTP handlers, one module per resource.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod billing_details; // sepa8
pub mod downloads;
pub mod email_change; // acct9
pub mod info;
pub mod invoices;
pub mod licenses;
pub mod locations;
pub mod me;
pub mod offline_license;
pub mod password_mail;
pub mod profile;
pub mod subscription;
pub mod support; // support9
pub mod users;

use crate::auth::AuthUser;
use crate::domain::Actor;
use crate::http_error::ApiError;
use crate::state::AppState;

/// Who acts, for the audit events of a change.
pub(crate) fn actor_of(st: &AppState, auth: &AuthUser, peer: std::net::SocketAddr) -> Actor {
    Actor {
        account_id: auth.account_id.clone(),
        user_id: auth.user_id.clone(),
        system: None,
        ip: Some(peer.ip().to_string()),
        at: st.clock.now(),
    }
}

/// An id from a body list: present and at most 64 characters, else 422 naming `field`.
pub(crate) fn id_field(field: &str, raw: &str) -> Result<String, ApiError> {
    Ok(crate::service::id_field(field, raw)?)
}

/// Validates a list of ids (1..=`max`), removing duplicates but keeping the order.
pub(crate) fn id_list(field: &str, raw: &[String], max: usize) -> Result<Vec<String>, ApiError> {
    if raw.is_empty() || raw.len() > max {
        return Err(ApiError::count(
            field,
            1,
            max,
            format!("{field} must name between 1 and {max} entries"),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(raw.len());
    for (i, r) in raw.iter().enumerate() {
        let id = id_field(&format!("{field}[{i}]"), r)?;
        if seen.insert(id.clone()) {
            out.push(id);
        }
    }
    Ok(out)
}
