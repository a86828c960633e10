//! The `AuthUser` extractor (Bearer access token → user, account, role) with its `Permission` checks.
//! Tokens and password hashing are in `credentials`, the sign-in rules in `service::sessions`, the sign-in
//! throttle in `throttle`.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use kontor_api::Role;

use crate::credentials::hash_token;
use crate::http_error::ApiError;
use crate::state::AppState;

/// What a role may do; [`AuthUser::require`] is the one check handlers call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Users, licenses and locations: Owner and Admin.
    ManageUsers,
    /// The audit log: Owner and Admin.
    ReadAudit,
    /// Offline licenses (issue, activate machines, revoke): Owner and Admin.
    ManageOfflineLicenses,
    /// The installer catalog and its files: Owner and Admin, and a User when the vendor profile allows it
    /// (`users_allowed`: `[downloads] users`, roles9b).
    DownloadInstallers { users_allowed: bool },
    /// Billing address, payment method and SEPA mandate, the subscription and package change, invoices:
    /// Owner and Billing.
    ManageBilling,
}

/// The caller, from a live Bearer access token. Rejects with 401 `unauthorized`, and with 403 `forbidden`
/// ("password change required") while the user still has to replace a temporary password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUser {
    pub session_id: String,
    pub user_id: String,
    pub account_id: String,
    pub role: Role,
}

impl AuthUser {
    /// 403 `forbidden` unless the caller's role grants `p`.
    pub fn require(&self, p: Permission) -> Result<(), ApiError> {
        let ok = match p {
            Permission::ManageUsers | Permission::ReadAudit | Permission::ManageOfflineLicenses => {
                matches!(self.role, Role::Owner | Role::Admin)
            }
            Permission::DownloadInstallers { users_allowed } => {
                self.role.can_download_installers(users_allowed)
            }
            Permission::ManageBilling => matches!(self.role, Role::Owner | Role::Billing),
        };
        if ok {
            Ok(())
        } else {
            Err(ApiError::detailed(kontor_api::ErrorDetail::RoleNotAllowed))
        }
    }
}

/// Like [`AuthUser`] but also for a user who must still change a temporary password: only `GET /me` and
/// `POST /me/password` take this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingAuthUser(pub AuthUser);

impl FromRequestParts<AppState> for PendingAuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(PendingAuthUser(authenticate(parts, state).await?.0))
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (user, must_change) = authenticate(parts, state).await?;
        if must_change {
            return Err(ApiError::detailed(
                kontor_api::ErrorDetail::PasswordChangeRequired,
            ));
        }
        Ok(user)
    }
}

async fn authenticate(parts: &Parts, state: &AppState) -> Result<(AuthUser, bool), ApiError> {
    let header = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(ApiError::unauthorized)?;
    let (scheme, token) = header.split_once(' ').ok_or_else(ApiError::unauthorized)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.len() > 256 {
        return Err(ApiError::unauthorized());
    }
    let ctx = state
        .db
        .session_for_access(&hash_token(token), state.clock.now())
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    Ok((
        AuthUser {
            session_id: ctx.session_id,
            user_id: ctx.user_id,
            account_id: ctx.account_id,
            role: ctx.role,
        },
        ctx.must_change_password,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The app shows the Users, Offline license, Downloads, Locations and Audit log pages to roles with
    /// `Role::can_manage_users`; each page's requests need one of these permissions. If either side
    /// changes, the navigation and the server disagree and this fails.
    #[test]
    fn the_apps_navigation_matches_the_servers_permissions() {
        let pages = [
            ("users and locations", Permission::ManageUsers),
            ("audit log", Permission::ReadAudit),
            ("offline license", Permission::ManageOfflineLicenses),
            (
                "downloads",
                Permission::DownloadInstallers {
                    users_allowed: false,
                },
            ),
        ];
        for role in Role::ALL {
            let user = AuthUser {
                session_id: "s".into(),
                user_id: "u".into(),
                account_id: "a".into(),
                role,
            };
            for (page, p) in pages {
                assert_eq!(
                    user.require(p).is_ok(),
                    role.can_manage_users(),
                    "{page} for {role:?}"
                );
            }
        }
    }

    // roles9b
    /// With `[downloads] users = true` exactly the User role gains the downloads; Billing never has them.
    #[test]
    fn the_vendor_opens_downloads_to_users_only() {
        for role in Role::ALL {
            let user = AuthUser {
                session_id: "s".into(),
                user_id: "u".into(),
                account_id: "a".into(),
                role,
            };
            let allowed = user
                .require(Permission::DownloadInstallers {
                    users_allowed: true,
                })
                .is_ok();
            assert_eq!(allowed, role != Role::Billing, "{role:?}");
            assert_eq!(allowed, role.can_download_installers(true), "{role:?}");
        }
    }
}
