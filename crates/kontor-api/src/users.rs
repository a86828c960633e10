//! Users, license pools, bulk license changes, soft delete and restore, and the audit log.

use serde::{Deserialize, Serialize};

use crate::Role;

/// Where a user stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    /// Signed in with their own password (or never needed one).
    Active,
    /// Has a temporary password they must change at the next sign-in.
    PasswordChangeRequired,
    /// Soft-deleted: restorable until `purge_at`.
    Deleted,
}

/// One row of the users list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserSummary {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub location_id: Option<String>,
    pub location_name: Option<String>,
    /// Product codes of the assigned licenses (for a deleted user: the ones held at deletion).
    pub licenses: Vec<String>,
    pub status: UserStatus,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds, for deleted users.
    pub deleted_at: Option<i64>,
    /// Unix seconds after which a deleted user is purged for good.
    pub purge_at: Option<i64>,
}

/// Sort keys of the users list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UserSort {
    #[default]
    Name,
    Email,
    Role,
    Location,
    Created,
}

/// Filter, sort and page of the users list (query string of `GET …/users`). All filters combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct UserQuery {
    /// Case-insensitive substring of name or e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Users holding this product's license.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
    /// `active` and `password_change_required` list live users; `deleted` lists the "Deleted users" tab.
    /// None: all live users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<UserStatus>,
    #[serde(default)]
    pub sort: UserSort,
    #[serde(default)]
    pub desc: bool,
    /// Opaque keyset cursor from the previous page's `next`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        param(max_length = 1024),
        schema(max_length = 1024)
    )]
    pub after: Option<String>,
    /// Page size, 1..=500 (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        param(minimum = 1, maximum = 500),
        schema(minimum = 1, maximum = 500)
    )]
    pub limit: Option<u32>,
}

/// One page of users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserPage {
    pub users: Vec<UserSummary>,
    /// Cursor of the next page, if there is one.
    pub next: Option<String>,
    /// How many users match the filter (all pages).
    pub total: i64,
    /// How many users are in the "Deleted users" tab (for its badge).
    pub deleted_count: i64,
}

/// A user to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewUser {
    /// An e-mail address, at most 254 bytes.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 3,
            max_length = 254,
            pattern = r"^\s*[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f.]+(\.[^@\s\x00-\x1f\x7f-\x9f.]+)+\s*$"
        )
    )]
    pub email: String,
    /// 1 to 200 characters, no control, bidi or zero-width characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]*[^\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\s][^\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]*$"
        )
    )]
    pub display_name: String,
    pub role: Role,
    /// A location id of the account, at most 64 bytes.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 64,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\x00-\x1f\x7f-\x9f\s][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub location_id: Option<String>,
    /// Product codes (at most 50, each at most 64 bytes).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub licenses: Vec<String>,
}

/// Create one or many users at once: all or none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUsers {
    /// 1 to 1000 users.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 1000))]
    pub users: Vec<NewUser>,
}

/// A created user and their temporary password, shown once on the confirmation screen.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedUser {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub temporary_password: String,
}

impl std::fmt::Debug for CreatedUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedUser")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("temporary_password", &"<redacted>")
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUsersResult {
    pub created: Vec<CreatedUser>,
}

/// Change name, role or location of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateUser {
    /// 1 to 200 characters, no control, bidi or zero-width characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]*[^\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\s][^\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]*$"
        )
    )]
    pub display_name: String,
    pub role: Role,
    /// A location id of the account, at most 64 bytes.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 64,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\x00-\x1f\x7f-\x9f\s][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub location_id: Option<String>,
}

/// A new temporary password (after "reset password").
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemporaryPassword {
    pub temporary_password: String,
}

/// The signed-in user replaces their (temporary) password.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePassword {
    /// 1 to 1024 bytes.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1024))]
    pub current_password: String,
    /// 12 characters to 1024 bytes.
    #[cfg_attr(feature = "openapi", schema(min_length = 12, max_length = 1024))]
    pub new_password: String,
}

/// One product's seats: bought with the subscription, assigned to live users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LicensePool {
    pub product_code: String,
    pub product_name: String,
    pub seats_total: i64,
    pub seats_used: i64,
}

/// Assign and revoke licenses for many users at once. All or nothing: if any product lacks free seats,
/// nothing changes and the answer is `conflict` naming the product and how many seats are missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LicenseChange {
    /// 1 to 1000 user ids.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 1000))]
    pub user_ids: Vec<String>,
    /// At most 50 product codes (assign and revoke together name at least one).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub assign: Vec<String>,
    /// At most 50 product codes.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub revoke: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LicenseChangeResult {
    /// Assignments added plus assignments removed.
    pub changed: i64,
    pub pools: Vec<LicensePool>,
}

/// Restore soft-deleted users (within 30 days of deletion).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RestoreUsers {
    /// 1 to 1000 user ids.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 1000))]
    pub user_ids: Vec<String>,
}

/// A restored user and the licenses they could not get back for lack of free seats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RestoredUser {
    pub id: String,
    pub email: String,
    pub licenses_restored: Vec<String>,
    pub licenses_not_restored: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RestoreResult {
    pub restored: Vec<RestoredUser>,
}

/// A location (site, office) users can belong to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Location {
    pub id: String,
    pub name: String,
}

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    /// E-mail of the user who acted, if a user did.
    pub actor: Option<String>,
    /// e.g. `user.created`, `license.assigned`, `auth.sign_in`.
    pub event: String,
    /// What it was done to (e.g. the user's e-mail).
    pub target: String,
    pub ip: Option<String>,
}

/// A page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    /// Pass as `before` for older events.
    pub next_before: Option<i64>,
}

/// How long a deleted user can be restored.
pub const RESTORE_WINDOW_SECS: i64 = 30 * 24 * 3600;
/// Most users one create or license-change request may name.
pub const MAX_BATCH: usize = 1000;
/// Display names longer than this are refused.
pub const MAX_NAME_LEN: usize = 200;

/// Most users one import batch may carry.
pub const MAX_IMPORT_BATCH: usize = 5000;

/// One batch of a client-side import (`POST …/users/import`). Committed in one transaction; the portal records
/// `(import_id, batch)`, so sending the same batch again creates no duplicates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportBatch {
    /// Chosen by the client for the whole import (e.g. a UUID): 1..=64 of `A-Z a-z 0-9 - _`.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 64, pattern = r"^[A-Za-z0-9_-]{1,64}$")
    )]
    pub import_id: String,
    pub batch: u32,
    /// 1 to 5000 users.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 5000))]
    pub users: Vec<NewUser>,
}

/// The users a batch created, with their temporary passwords (shown once).
///
/// `already_done`: the batch had been committed before; nothing was created, and `created` lists the batch's
/// users who have not signed in yet with FRESH temporary passwords (the old ones are not stored in clear and
/// stop working).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportBatchResult {
    pub created: Vec<CreatedUser>,
    pub already_done: bool,
}

/// Most addresses one `POST …/users/existing` request may name.
pub const MAX_EXISTING_EMAILS: usize = 200_000;

/// Which of these e-mail addresses are taken (`POST …/users/existing`, for the import preview). Each entry is
/// normalised like a user's e-mail; entries that are not valid addresses are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExistingEmailsRequest {
    /// 1..=200,000 addresses.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 200000))]
    pub emails: Vec<String>,
}

/// The addresses of the request (lower case, sorted, each once) that a live user of the portal already has.
/// E-mail addresses are unique portal-wide, so a user of another account counts too; which account is not said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExistingEmails {
    pub existing: Vec<String>,
}
