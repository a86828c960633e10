//! Credentials: random tokens and their SHA-256 hashes, Argon2id passwords, the `AuthUser` extractor
//! (Bearer access token → user, account, role) and the in-memory sign-in throttle.

use std::collections::HashMap;
use std::sync::Mutex;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::Engine;
use kontor_api::Role;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::AppState;
use crate::ServerError;

/// A new access or refresh token: 32 random bytes, base64url without padding.
pub fn new_session_token() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// A new license token: 20 random bytes as 40 lower-case hex characters.
pub fn new_license_token() -> String {
    let mut b = [0u8; 20];
    OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// How tokens are stored: SHA-256, hex.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn argon2() -> Result<Argon2<'static>, ServerError> {
    // OWASP: Argon2id, m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19_456, 2, 1, None)
        .map_err(|e| ServerError::Internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password (CPU-heavy: call from a blocking thread, see [`hash_password_blocking`]).
pub fn hash_password(password: &str) -> Result<String, ServerError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServerError::Internal(format!("argon2 hash: {e}")))
}

/// Checks a password against a PHC string; false on mismatch or an unreadable hash.
pub fn verify_password(hash: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    match argon2() {
        Ok(a) => a.verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

pub async fn hash_password_blocking(password: String) -> Result<String, ServerError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ServerError::Internal(format!("hashing task: {e}")))?
}

pub async fn verify_password_blocking(hash: String, password: String) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || verify_password(&hash, &password))
        .await
        .map_err(ApiError::internal)
}

/// The caller, from a live Bearer access token. Rejects with 401 `unauthorized`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUser {
    pub session_id: String,
    pub user_id: String,
    pub account_id: String,
    pub role: Role,
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
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
        Ok(AuthUser {
            session_id: ctx.session_id,
            user_id: ctx.user_id,
            account_id: ctx.account_id,
            role: ctx.role,
        })
    }
}

/// Counts sign-in failures per key (the e-mail) in a sliding window.
#[derive(Debug)]
pub struct Throttle {
    max_failures: usize,
    window_secs: i64,
    failures: Mutex<HashMap<String, Vec<i64>>>,
}

impl Throttle {
    pub fn new(max_failures: usize, window_secs: i64) -> Self {
        Self {
            max_failures,
            window_secs,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut HashMap<String, Vec<i64>>) -> R) -> R {
        let mut guard = match self.failures.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut guard)
    }

    /// True if `key` has had too many failures within the window before `now`.
    pub fn is_blocked(&self, key: &str, now: i64) -> bool {
        let since = now - self.window_secs;
        self.with(|m| {
            m.get(key)
                .is_some_and(|v| v.iter().filter(|&&t| t > since).count() >= self.max_failures)
        })
    }

    pub fn record_failure(&self, key: &str, now: i64) {
        let since = now - self.window_secs;
        self.with(|m| {
            if m.len() > 10_000 {
                m.retain(|_, v| v.iter().any(|&t| t > since));
            }
            let v = m.entry(key.to_string()).or_default();
            v.retain(|&t| t > since);
            v.push(now);
        });
    }

    pub fn clear(&self, key: &str) {
        self.with(|m| {
            m.remove(key);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_hex() {
        let a = new_session_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, new_session_token());
        assert_eq!(hash_token(&a).len(), 64);
        let l = new_license_token();
        assert_eq!(l.len(), 40);
        assert!(kontor_api::validate::license_token("t", &l).is_ok());
    }

    #[test]
    fn passwords_verify() {
        let h = hash_password("secret").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password(&h, "secret"));
        assert!(!verify_password(&h, "Secret"));
        assert!(!verify_password("garbage", "secret"));
    }

    #[test]
    fn throttle_blocks_after_max_and_forgets_after_window() {
        let t = Throttle::new(3, 300);
        for i in 0..3 {
            assert!(!t.is_blocked("a", 1000 + i));
            t.record_failure("a", 1000 + i);
        }
        assert!(t.is_blocked("a", 1010));
        assert!(!t.is_blocked("b", 1010));
        assert!(!t.is_blocked("a", 1303));
        t.record_failure("a", 1303);
        t.clear("a");
        assert!(!t.is_blocked("a", 1304));
    }
}
