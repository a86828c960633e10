//! The license payload, [`sign`] (feature `sign`), [`verify`] and the precise [`LicenseError`].

use ed25519_dalek::Signature;
use serde::{Deserialize, Serialize};

use crate::armor;
use crate::keys::PublicKey;

/// The license format version this crate writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// The armour label: `-----BEGIN KONTOR LICENSE-----`.
pub const LICENSE_LABEL: &str = "KONTOR LICENSE";
/// Texts longer than this (in bytes) are rejected before any parsing.
pub const MAX_TEXT_LEN: usize = 256 * 1024;

const HEADER_VERSION: &str = "Version";
const HEADER_KEY_ID: &str = "Key-Id";
const SIGNATURE_LEN: usize = 64;

/// One licensed product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entitlement {
    /// The vendor's product code, e.g. `KONTOR-PRO`.
    pub product_code: String,
    /// The product's display name.
    pub product_name: String,
    /// Licensed seats.
    pub seats: u32,
    /// Enabled feature flags.
    pub features: Vec<String>,
}

/// What a license grants; the signed JSON inside a license file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicensePayload {
    /// Format version; equals the `Version:` header ([`FORMAT_VERSION`]).
    pub format: u32,
    /// The vendor's license id.
    pub license_id: String,
    /// The customer account the license belongs to.
    pub account_id: String,
    /// The customer's name, for display.
    pub customer_name: String,
    /// Licensed products and their entitlements.
    pub products: Vec<Entitlement>,
    /// When the license was issued (Unix seconds).
    pub issued_at: i64,
    /// First second the license is valid (Unix seconds, inclusive).
    pub not_before: i64,
    /// First second the license is no longer valid (Unix seconds, exclusive).
    pub expires_at: i64,
    /// The machine fingerprint (see [`crate::machine_fingerprint`]) the license is bound to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine: Option<String>,
}

/// The caller's side of a verification: the time (never taken from the network) and the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions<'a> {
    /// The current time in Unix seconds.
    pub now: i64,
    /// This machine's fingerprint. `None` skips the machine-binding check (a bound license is accepted
    /// anywhere), so a product should always pass `Some(&machine_fingerprint()?)`.
    pub machine: Option<&'a str>,
}

/// Why a license text was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LicenseError {
    /// The text is not a well-formed `KONTOR LICENSE` armour (markers, headers, line layout).
    #[error("bad armour: {0}")]
    BadArmour(String),
    /// The armour is fine but its content does not decode (base64, length, payload JSON).
    #[error("bad encoding: {0}")]
    BadEncoding(String),
    /// The license is written in a format version this build cannot read.
    #[error(
        "unsupported license format version {found} (this build reads version {FORMAT_VERSION})"
    )]
    UnsupportedVersion {
        /// The version found in the file.
        found: u32,
    },
    /// The license was signed by a key that is not among the trusted keys.
    #[error("signed by an unknown key (key id {key_id})")]
    UnknownKey {
        /// The key id from the `Key-Id:` header.
        key_id: String,
    },
    /// The signature does not match the content: the file was altered or forged.
    #[error("bad signature: the license was altered or not signed by the trusted key")]
    BadSignature,
    /// The license's validity period has not started yet.
    #[error("not yet valid: valid from {not_before} (Unix seconds), the time is {now}")]
    NotYetValid {
        /// The license's `not_before`.
        not_before: i64,
        /// The time the caller supplied.
        now: i64,
    },
    /// The license's validity period is over.
    #[error("expired: valid until {expires_at} (Unix seconds), the time is {now}")]
    Expired {
        /// The license's `expires_at`.
        expires_at: i64,
        /// The time the caller supplied.
        now: i64,
    },
    /// The license is bound to a different machine fingerprint.
    #[error("bound to another machine (license fingerprint {licensed}, this machine {actual})")]
    BoundToOtherMachine {
        /// The fingerprint in the license.
        licensed: String,
        /// The fingerprint the caller supplied.
        actual: String,
    },
}

/// The bytes the signature covers: a context prefix naming the format version, then the payload bytes.
pub(crate) fn signed_message(version: u32, payload: &[u8]) -> Vec<u8> {
    let mut msg = Vec::with_capacity(payload.len() + 24);
    msg.extend_from_slice(b"KONTOR LICENSE v");
    msg.extend_from_slice(version.to_string().as_bytes());
    msg.push(b'\n');
    msg.extend_from_slice(payload);
    msg
}

/// Signs a payload and returns the armoured license text. The `Version:` header is `payload.format`.
#[cfg(feature = "sign")]
pub fn sign(payload: &LicensePayload, key: &ed25519_dalek::SigningKey) -> String {
    use ed25519_dalek::Signer as _;
    let public = PublicKey::from_signing_key(key);
    // Serialising plain strings and integers into a Vec cannot fail.
    let mut body = serde_json::to_vec(payload).unwrap_or_default();
    let signature = key.sign(&signed_message(payload.format, &body));
    body.extend_from_slice(&signature.to_bytes());
    armor::encode(
        LICENSE_LABEL,
        &[
            (HEADER_VERSION, &payload.format.to_string()),
            (HEADER_KEY_ID, &public.key_id()),
        ],
        &body,
    )
}

/// Verifies a license text offline against the trusted keys and returns its payload.
///
/// Checks, in this order: armour, version, base64 body, key id among `trusted`, signature
/// (`verify_strict`), payload JSON, validity period (`not_before <= now < expires_at`), machine binding.
/// Never panics, whatever the input.
pub fn verify(
    text: &str,
    trusted: &[PublicKey],
    options: VerifyOptions<'_>,
) -> Result<LicensePayload, LicenseError> {
    let armor = armor::decode(text, LICENSE_LABEL, &[HEADER_VERSION, HEADER_KEY_ID])?;
    let (version_text, key_id) = match armor.headers.as_slice() {
        [v, k] => (*v, *k),
        _ => return Err(LicenseError::BadArmour("missing headers".into())),
    };
    let version = armor::parse_version(version_text)?;
    if version != FORMAT_VERSION {
        return Err(LicenseError::UnsupportedVersion { found: version });
    }
    let key_id_bytes = parse_key_id(key_id)?;

    let body = armor.body;
    let payload_len = body
        .len()
        .checked_sub(SIGNATURE_LEN)
        .filter(|&n| n > 0)
        .ok_or_else(|| LicenseError::BadEncoding("the body is too short".into()))?;
    let (payload_bytes, signature_bytes) = body.split_at(payload_len);

    let key = trusted
        .iter()
        .find(|k| k.key_id_bytes() == key_id_bytes)
        .ok_or_else(|| LicenseError::UnknownKey {
            key_id: key_id.to_owned(),
        })?;
    let signature_array: [u8; SIGNATURE_LEN] = signature_bytes
        .try_into()
        .map_err(|_| LicenseError::BadEncoding("the signature is not 64 bytes".into()))?;
    let signature = Signature::from_bytes(&signature_array);
    key.verifying_key()
        .verify_strict(&signed_message(version, payload_bytes), &signature)
        .map_err(|_| LicenseError::BadSignature)?;

    let payload: LicensePayload = serde_json::from_slice(payload_bytes)
        .map_err(|e| LicenseError::BadEncoding(format!("the payload is not license JSON: {e}")))?;
    if payload.format != version {
        return Err(LicenseError::BadEncoding(
            "the payload's format differs from the Version header".into(),
        ));
    }
    if options.now < payload.not_before {
        return Err(LicenseError::NotYetValid {
            not_before: payload.not_before,
            now: options.now,
        });
    }
    if options.now >= payload.expires_at {
        return Err(LicenseError::Expired {
            expires_at: payload.expires_at,
            now: options.now,
        });
    }
    if let (Some(licensed), Some(actual)) = (payload.machine.as_deref(), options.machine) {
        if licensed != actual {
            return Err(LicenseError::BoundToOtherMachine {
                licensed: licensed.to_owned(),
                actual: actual.to_owned(),
            });
        }
    }
    Ok(payload)
}

/// A key id is exactly 16 lowercase hex digits.
fn parse_key_id(text: &str) -> Result<[u8; 8], LicenseError> {
    let bad =
        || LicenseError::BadArmour("the `Key-Id:` header is not 16 lowercase hex digits".into());
    if text.len() != 16 || !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(bad());
    }
    let mut id = [0u8; 8];
    hex::decode_to_slice(text, &mut id).map_err(|_| bad())?;
    Ok(id)
}
