//! The signed-in user's profile: name and mail language, and their active sessions.

use serde::{Deserialize, Serialize};

/// The own profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profile {
    pub email: String,
    pub display_name: String,
    /// The language of the portal's mails to this user: `de` or `en`.
    pub language: String,
}

/// Change the own name and mail language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateProfile {
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
    /// `de` or `en`.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^(de|en)$"))]
    pub language: String,
}

/// One place the user is signed in (a session and its refreshes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActiveSession {
    pub id: String,
    /// Unix seconds of the sign-in.
    pub started_at: i64,
    /// Unix seconds of the last sign-in or refresh.
    pub last_used_at: i64,
    pub ip: Option<String>,
    /// The session of this request.
    pub current: bool,
    /// acct9: the device the app named when signing in (e.g. "Kontor 0.1.0 on Linux (host)").
    #[serde(default)]
    pub device: Option<String>,
}

/// The user's active sessions, newest use first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionList {
    pub sessions: Vec<ActiveSession>,
}

/// How many other sessions were ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionsEnded {
    pub ended: u64,
}
