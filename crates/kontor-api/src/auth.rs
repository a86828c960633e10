//! Sign-in, session and identity types.

use serde::{Deserialize, Serialize};

/// What a user may do in their account. Enforced by the server; the UI only hides what a role cannot do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Holds the contract; everything, and cannot be deleted by an Admin.
    Owner,
    /// Manages users, licenses and locations.
    Admin,
    /// Sees and changes billing data and invoices.
    Billing,
    /// Uses licenses; sees their own account summary.
    User,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Billing, Role::User];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Billing => "billing",
            Role::User => "user",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// May manage users and their licenses.
    pub fn can_manage_users(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }

    /// May see and change billing data.
    pub fn can_manage_billing(self) -> bool {
        matches!(self, Role::Owner | Role::Billing)
    }

    /// roles9b: may see the installer catalog and download installers: Owner and Admin, and a User when
    /// the vendor allows it (`users_allowed`, the vendor profile's `[downloads] users`). Never Billing.
    pub fn can_download_installers(self, users_allowed: bool) -> bool {
        self.can_manage_users() || (users_allowed && self == Role::User)
    }
}

/// Sign in with e-mail and password.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordLogin {
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
    /// 1 to 1024 bytes.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1024))]
    pub password: String,
    /// Long-lived refresh token ("stay signed in") instead of a working-day one.
    #[serde(default)]
    pub remember: bool,
}

/// Sign in with the license token from the order mail.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenLogin {
    /// 32 to 128 of `A-Z a-z 0-9 -`.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 32, max_length = 128, pattern = r"^[A-Za-z0-9-]{32,128}$")
    )]
    pub license_token: String,
    #[serde(default)]
    pub remember: bool,
}

/// Trade a refresh token for a new token pair; the old refresh token stops working.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    /// 1 to 256 bytes.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 256, pattern = r"\S")
    )]
    pub refresh_token: String,
}

/// A new session: an access token for requests and a refresh token to renew it.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionTokens {
    pub access_token: String,
    /// Unix seconds.
    pub access_expires_at: i64,
    pub refresh_token: String,
    /// Unix seconds.
    pub refresh_expires_at: i64,
    pub user: Me,
}

impl std::fmt::Debug for SessionTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionTokens")
            .field("access_token", &"<redacted>")
            .field("access_expires_at", &self.access_expires_at)
            .field("refresh_token", &"<redacted>")
            .field("refresh_expires_at", &self.refresh_expires_at)
            .field("user", &self.user)
            .finish()
    }
}

/// The signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: String,
    pub account_id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The user signed in with a temporary password and must choose their own.
    pub must_change_password: bool,
    /// roles9b: the Downloads page is open to this user ([`Role::can_download_installers`] with the
    /// portal's vendor setting); the app shows it in the navigation only then. Absent from an older portal:
    /// false.
    #[serde(default)]
    pub can_download_installers: bool,
}

/// What the portal says about itself (no sign-in needed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalInfo {
    pub vendor_name: String,
    /// A demo portal with seeded data; the app says so plainly.
    pub demo: bool,
    pub server_version: String,
}
