//! Shared fixtures for the integration tests: fixed keys, a sample payload, a hand-made armour writer.
#![allow(dead_code)]

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::Signer as _;
use kontor_license::{Entitlement, LicensePayload, PublicKey, SigningKey, FORMAT_VERSION};

pub const NOT_BEFORE: i64 = 1_700_000_000;
pub const EXPIRES_AT: i64 = 1_800_000_000;
pub const NOW: i64 = 1_750_000_000;

pub fn key_a() -> SigningKey {
    SigningKey::from_bytes(&[0xA1; 32])
}

pub fn key_b() -> SigningKey {
    SigningKey::from_bytes(&[0xB2; 32])
}

pub fn public(key: &SigningKey) -> PublicKey {
    PublicKey::from_signing_key(key)
}

pub fn payload() -> LicensePayload {
    LicensePayload {
        format: FORMAT_VERSION,
        license_id: "LIC-2024-0001".into(),
        account_id: "ACC-42".into(),
        customer_name: "Müller & Söhne GmbH".into(),
        products: vec![
            Entitlement {
                product_code: "KONTOR-PRO".into(),
                product_name: "Kontor Pro".into(),
                seats: 25,
                features: vec!["export".into(), "sso".into()],
            },
            Entitlement {
                product_code: "KONTOR-ARCHIVE".into(),
                product_name: "Kontor Archiv".into(),
                seats: 5,
                features: vec![],
            },
        ],
        issued_at: NOT_BEFORE - 60,
        not_before: NOT_BEFORE,
        expires_at: EXPIRES_AT,
        machine: None,
    }
}

/// Signs arbitrary payload bytes exactly as `sign` does and armours them with the given headers, so the tests
/// can build files that `sign` would never write (garbage JSON, forged key ids, truncated bodies).
pub fn signed_body(key: &SigningKey, version: u32, payload: &[u8]) -> Vec<u8> {
    let mut msg = format!("KONTOR LICENSE v{version}\n").into_bytes();
    msg.extend_from_slice(payload);
    let mut body = payload.to_vec();
    body.extend_from_slice(&key.sign(&msg).to_bytes());
    body
}

pub fn armour(version: &str, key_id: &str, body: &[u8]) -> String {
    let b64 = STANDARD.encode(body);
    let mut out =
        format!("-----BEGIN KONTOR LICENSE-----\nVersion: {version}\nKey-Id: {key_id}\n\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push('\n');
    }
    out.push_str("-----END KONTOR LICENSE-----\n");
    out
}

/// The decoded body (payload || signature) of an armoured license.
pub fn body_of(text: &str) -> Vec<u8> {
    let b64: String = text
        .lines()
        .skip(4)
        .take_while(|l| !l.starts_with("-----"))
        .collect();
    STANDARD.decode(b64).unwrap()
}

/// The text as the parser sees it: surrounding whitespace trimmed, one `\r` before each `\n` dropped. Two
/// texts with the same canonical form must verify alike.
pub fn canonical(text: &str) -> String {
    text.trim_ascii()
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}
