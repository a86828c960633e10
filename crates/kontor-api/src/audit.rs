//! The audit log's query (`GET …/audit` filters, also the app's IPC argument) and the event codes the
//! portal writes, `area.verb` (ARCHITECTURE.md, "Audit events"); the app words each code and shows a code it
//! does not know generically.

use serde::{Deserialize, Serialize};

/// A query of the audit log: a page (`before`, `limit`) of the entries matching every set filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// Only entries with a smaller id (the previous page's `next_before`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<i64>,
    /// Page size, 1..=200 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The actor's e-mail (any case) or a system actor's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// An area such as `user` (the part of the code before the dot).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// An event code such as `user.created`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// Unix seconds, inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<i64>,
    /// Unix seconds, exclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<i64>,
}

/// IPC argument of `save_audit_csv`: the filter (its paging fields are ignored: every matching entry is
/// written) and the suggested file name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveAuditCsv {
    pub query: AuditQuery,
    pub file_name: String,
}

/// What `save_audit_csv` wrote: where (`None`: the dialog was cancelled) and how many entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedAuditCsv {
    pub path: Option<String>,
    pub entries: u64,
}

/// The areas of the event codes, in the order the app offers them as a filter.
pub const AUDIT_AREAS: &[&str] = &[
    "auth",
    "user",
    "license",
    "location",
    "offline_license",
    "installer",
    "billing",
    "subscription",
    "invoice",
    "account", // acct9
    "support", // support9b
];

/// Every event code the portal writes (the billing ones come with the billing pages).
pub const AUDIT_EVENTS: &[&str] = &[
    "auth.sign_in",
    "auth.token_sign_in",
    "auth.sign_in_failed",
    "auth.sign_out",
    "auth.refresh_reuse_detected",
    "auth.password_reset_requested",
    "auth.password_reset",
    "auth.signed_out_elsewhere",
    "user.created",
    "user.imported",
    "user.import_retried",
    "user.updated",
    "user.owner_transferred",
    "user.deleted",
    "user.restored",
    "user.password_reset",
    "user.password_changed",
    "user.temporary_password_mailed",
    "user.profile_changed",
    "license.assigned",
    "license.revoked",
    "location.created",
    "location.renamed",
    "location.updated",
    "location.deleted",
    "offline_license.issued",
    "offline_license.activated",
    "offline_license.revoked",
    "installer.downloaded",
    "billing.address_changed",
    "billing.mandate_accepted",
    "billing.payment_method_changed",
    "subscription.change_booked",
    "subscription.downgrade_applied",
    "invoice.issued",
    "invoice.credit_note_issued",
    "invoice.status_changed",
    // acct9: the vendor's CLI
    "account.created",
    "account.token_rotated",
    "user.email_change_requested",
    "user.email_changed",
    // support9b: support tickets
    "support.ticket_created",
    "support.ticket_closed",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_is_area_dot_verb_of_a_listed_area() {
        for e in AUDIT_EVENTS {
            let (area, verb) = e.split_once('.').expect("a dot");
            assert!(AUDIT_AREAS.contains(&area), "{e}");
            let ok =
                |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
            assert!(ok(area) && ok(verb), "{e}");
        }
    }
}
