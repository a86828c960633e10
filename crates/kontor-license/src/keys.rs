//! Key handling: the trusted [`PublicKey`] with its key id, the `kontor-ed25519:` text forms and (feature
//! `sign`) secret-key files and key generation.

use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::VerifyingKey;
use sha2::{Digest, Sha256};

/// Prefix of the public key text form `kontor-ed25519:<base64 of the 32 key bytes>`.
pub const PUBLIC_KEY_PREFIX: &str = "kontor-ed25519:";
/// Prefix of the secret key text form `kontor-ed25519-secret:<base64 of the 32-byte seed>`.
#[cfg(feature = "sign")]
pub const SECRET_KEY_PREFIX: &str = "kontor-ed25519-secret:";

/// Why a key text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyParseError {
    /// The text does not start with the expected prefix.
    #[error("a key must start with `{0}`")]
    MissingPrefix(&'static str),
    /// The part after the prefix is not base64 of exactly 32 bytes.
    #[error("the key is not base64 of exactly 32 bytes")]
    BadEncoding,
    /// The 32 bytes are not a usable Ed25519 public key.
    #[error("the bytes are not a valid Ed25519 public key")]
    InvalidKey,
}

/// A trusted Ed25519 public key together with its key id (first 8 bytes of SHA-256 of the key bytes).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
    id: [u8; 8],
}

impl PublicKey {
    /// Wraps an `ed25519-dalek` verifying key.
    pub fn from_verifying_key(key: VerifyingKey) -> Self {
        let digest = Sha256::digest(key.as_bytes());
        let mut id = [0u8; 8];
        id.copy_from_slice(&digest[..8]);
        Self { key, id }
    }

    /// Reads the 32 raw key bytes; fails for byte strings that are not a curve point.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, KeyParseError> {
        VerifyingKey::from_bytes(bytes)
            .map(Self::from_verifying_key)
            .map_err(|_| KeyParseError::InvalidKey)
    }

    /// The public half of a signing key.
    #[cfg(feature = "sign")]
    pub fn from_signing_key(key: &ed25519_dalek::SigningKey) -> Self {
        Self::from_verifying_key(key.verifying_key())
    }

    /// Parses the text form `kontor-ed25519:<base64>`; surrounding whitespace is ignored.
    pub fn parse(text: &str) -> Result<Self, KeyParseError> {
        let bytes = decode_32(text, PUBLIC_KEY_PREFIX)?;
        Self::from_bytes(&bytes)
    }

    /// The text form `kontor-ed25519:<base64>` (the same as `Display`).
    pub fn to_text(&self) -> String {
        format!(
            "{PUBLIC_KEY_PREFIX}{}",
            STANDARD.encode(self.key.as_bytes())
        )
    }

    /// The key id as carried in the `Key-Id:` header: 16 lowercase hex digits.
    pub fn key_id(&self) -> String {
        hex::encode(self.id)
    }

    /// The key id bytes.
    pub fn key_id_bytes(&self) -> [u8; 8] {
        self.id
    }

    /// The underlying `ed25519-dalek` verifying key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({}, id {})", self.to_text(), self.key_id())
    }
}

impl FromStr for PublicKey {
    type Err = KeyParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

fn decode_32(text: &str, prefix: &'static str) -> Result<[u8; 32], KeyParseError> {
    let b64 = text
        .trim()
        .strip_prefix(prefix)
        .ok_or(KeyParseError::MissingPrefix(prefix))?;
    let bytes = STANDARD
        .decode(b64)
        .map_err(|_| KeyParseError::BadEncoding)?;
    bytes.try_into().map_err(|_| KeyParseError::BadEncoding)
}

/// A new random signing key from the operating system's random source.
#[cfg(feature = "sign")]
pub fn generate_signing_key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng)
}

/// The secret key file form `kontor-ed25519-secret:<base64 of the 32-byte seed>` (no newline).
#[cfg(feature = "sign")]
pub fn format_secret_key(key: &ed25519_dalek::SigningKey) -> String {
    format!("{SECRET_KEY_PREFIX}{}", STANDARD.encode(key.to_bytes()))
}

/// Parses the secret key file form; surrounding whitespace is ignored.
#[cfg(feature = "sign")]
pub fn parse_secret_key(text: &str) -> Result<ed25519_dalek::SigningKey, KeyParseError> {
    Ok(ed25519_dalek::SigningKey::from_bytes(&decode_32(
        text,
        SECRET_KEY_PREFIX,
    )?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_key_text_round_trip_and_errors() {
        let vk = ed25519_dalek::SigningKey::from_bytes(&[1; 32]).verifying_key();
        let pk = PublicKey::from_verifying_key(vk);
        let text = pk.to_text();
        assert!(text.starts_with(PUBLIC_KEY_PREFIX));
        assert_eq!(PublicKey::parse(&format!("  {text}\n")).unwrap(), pk);
        assert_eq!(text.parse::<PublicKey>().unwrap(), pk);
        assert_eq!(pk.key_id().len(), 16);
        assert_eq!(
            pk.key_id(),
            hex::encode(&Sha256::digest(vk.as_bytes())[..8])
        );
        assert_eq!(
            PublicKey::parse("ed25519:AAAA"),
            Err(KeyParseError::MissingPrefix(PUBLIC_KEY_PREFIX))
        );
        assert_eq!(
            PublicKey::parse("kontor-ed25519:AAAA"),
            Err(KeyParseError::BadEncoding)
        );
        assert_eq!(
            PublicKey::parse("kontor-ed25519:!!"),
            Err(KeyParseError::BadEncoding)
        );
    }

    #[cfg(feature = "sign")]
    #[test]
    fn secret_key_text_round_trip() {
        let key = generate_signing_key();
        let text = format_secret_key(&key);
        assert!(text.starts_with(SECRET_KEY_PREFIX));
        assert_eq!(parse_secret_key(&text).unwrap().to_bytes(), key.to_bytes());
        // A public key is not accepted where a secret key is expected, and vice versa.
        let public = PublicKey::from_signing_key(&key).to_text();
        assert!(parse_secret_key(&public).is_err());
        assert!(PublicKey::parse(&text).is_err());
    }
}
