//! Credentials: random session and license tokens and their SHA-256 hashes, Argon2id passwords, temporary
//! passwords (salted SHA-256). No HTTP here: the `AuthUser` extractor is in `auth`.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::ServerError;

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

/// Alphabet of temporary passwords: letters and digits without the look-alikes 0 O 1 l I.
const TEMP_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
/// Length of a temporary password (57^20 ≈ 2^116).
pub const TEMP_PASSWORD_LEN: usize = 20;

/// A new temporary password: 20 characters from OsRng (rejection sampling, so uniform).
pub fn new_temp_password() -> String {
    let n = TEMP_ALPHABET.len();
    let limit = (256 / n * n) as u8;
    let mut out = String::with_capacity(TEMP_PASSWORD_LEN);
    let mut buf = [0u8; 48];
    while out.len() < TEMP_PASSWORD_LEN {
        OsRng.fill_bytes(&mut buf);
        for &b in &buf {
            if b < limit && out.len() < TEMP_PASSWORD_LEN {
                out.push(TEMP_ALPHABET[b as usize % n] as char);
            }
        }
    }
    out
}

/// How temporary passwords are stored: `s256$<16-byte salt hex>$<SHA-256(salt ‖ password) hex>`.
/// A fast hash on purpose: the secret is long and random (no dictionary to guess from), and 100,000-user
/// imports must not spend 100,000 Argon2 runs.
pub fn hash_temp_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    let mut h = Sha256::new();
    h.update(salt);
    h.update(password.as_bytes());
    format!("s256${}${}", hex::encode(salt), hex::encode(h.finalize()))
}

/// Checks a temporary password against its stored hash in constant time (for equal lengths).
pub fn verify_temp_password(stored: &str, password: &str) -> bool {
    let mut parts = stored.split('$');
    let (Some("s256"), Some(salt), Some(digest), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Ok(salt), Ok(digest)) = (hex::decode(salt), hex::decode(digest)) else {
        return false;
    };
    let mut h = Sha256::new();
    h.update(&salt);
    h.update(password.as_bytes());
    let actual = h.finalize();
    digest.len() == actual.len()
        && digest
            .iter()
            .zip(actual.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
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
    fn temp_passwords_hash_with_salt_and_verify() {
        let p = new_temp_password();
        assert_eq!(p.len(), TEMP_PASSWORD_LEN);
        assert!(p.bytes().all(|b| TEMP_ALPHABET.contains(&b)));
        assert_ne!(p, new_temp_password());
        let h = hash_temp_password(&p);
        assert_ne!(h, hash_temp_password(&p), "per-user salt");
        assert!(verify_temp_password(&h, &p));
        assert!(!verify_temp_password(&h, &new_temp_password()));
        assert!(!verify_temp_password("s256$zz$zz", &p));
        assert!(!verify_temp_password("", &p));
    }

    #[test]
    fn passwords_verify() {
        let h = hash_password("secret").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password(&h, "secret"));
        assert!(!verify_password(&h, "Secret"));
        assert!(!verify_password("garbage", "secret"));
    }
}
